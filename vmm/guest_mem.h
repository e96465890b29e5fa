/* SPDX-License-Identifier: MIT */
/*
 * Guest RAM, modelled on rust-vmm vm-memory (shared/seeds/004_*): a sorted
 * set of non-overlapping regions, each backed by a host mapping.
 *
 * Guest memory is untrusted: every guest address and length that anything in
 * minivmm dereferences goes through guest_mem_ptr()/guest_mem_translate() (one
 * region, whole range) or guest_mem_read()/guest_mem_write() (may span
 * adjacent regions). Nothing else does arithmetic on host pointers into guest
 * RAM.
 */
#ifndef MINIVMM_VMM_GUEST_MEM_H
#define MINIVMM_VMM_GUEST_MEM_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/err.h"
#include "lib/sizes.h"

#define GUEST_MEM_MAX_REGIONS 8

struct guest_mem_region {
	gpa_t gpa;
	uint64_t size;
	uint8_t *host;
	void *map; /* the mapping to unmap, when guest_mem allocated it */
	uint64_t map_len;
};

struct guest_mem {
	struct guest_mem_region regions[GUEST_MEM_MAX_REGIONS]; /* sorted by gpa */
	unsigned int nr_regions;
};

void guest_mem_init(struct guest_mem *gm);

/*
 * Adds [gpa, gpa+size). host == NULL allocates anonymous memory, 2 MiB aligned
 * and huge-page advised (unaligned RAM costs nested guests thousands of extra
 * faults). Fails on overlap, overflow, empty or unaligned regions.
 */
int guest_mem_add_region(struct guest_mem *gm, gpa_t gpa, uint64_t size, void *host, struct err *e);

void guest_mem_destroy(struct guest_mem *gm);

/* The region holding gpa, or NULL. */
const struct guest_mem_region *guest_mem_find_region(const struct guest_mem *gm, gpa_t gpa);

/* Host pointer for [gpa, gpa+len) when the whole range lies in one region, else NULL. */
void *guest_mem_ptr(const struct guest_mem *gm, gpa_t gpa, uint64_t len);

/* guest_mem_ptr() with an error that names the address and the length. */
int guest_mem_translate(const struct guest_mem *gm, gpa_t gpa, uint64_t len, void **out,
                        struct err *e);

/* Copies that may cross from one region into the next adjacent one. */
int guest_mem_read(const struct guest_mem *gm, gpa_t gpa, void *buf, uint64_t len, struct err *e);
int guest_mem_write(struct guest_mem *gm, gpa_t gpa, const void *buf, uint64_t len, struct err *e);
int guest_mem_fill(struct guest_mem *gm, gpa_t gpa, int byte, uint64_t len, struct err *e);

/*
 * Reads len bytes of the file fd (named name in errors) at file_off straight into
 * [gpa, gpa+len), region by region: no intermediate copy and no mapping of the
 * file. A read error or a file that ends early is an error naming the file, the
 * offset and the bytes missing.
 */
int guest_mem_read_file(struct guest_mem *gm, gpa_t gpa, int fd, uint64_t file_off, uint64_t len,
                        const char *name, struct err *e);

/* Sum of all region sizes. */
uint64_t guest_mem_total(const struct guest_mem *gm);

#endif
