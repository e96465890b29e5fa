/* SPDX-License-Identifier: MIT */
/*
 * The recording importer: an importer that keeps every write instead of
 * touching a VM. Tests assert placements and bytes against it; --dump-layout
 * prints it. It enforces the same rules as every importer (importer.c).
 */
#ifndef MINIVMM_LOADER_IMPORTER_RECORD_H
#define MINIVMM_LOADER_IMPORTER_RECORD_H

#include "importer.h"

struct record_write {
	uint64_t gpa, len;           /* the whole page range */
	uint64_t data_off, data_len; /* where the data sits in it; the rest is zero */
	uint8_t *data;               /* owned copy */
	uint32_t crc32;              /* of all len bytes, zeros included */
};

struct record_importer {
	struct importer base;
	struct record_write *writes; /* in import order */
	size_t nr_writes, cap_writes;
};

void record_importer_init(struct record_importer *ri, enum guest_arch arch,
                          const struct mem_range *ram, unsigned int nr_ram);

/* Reads guest bytes as the imports left them; fails on bytes nothing imported. */
int record_importer_read(const struct record_importer *ri, gpa_t gpa, void *buf, uint64_t len,
                         struct err *e);

/* record_importer_read() in the shape of a guest-read callback; ctx is the record_importer. */
int record_importer_read_cb(void *ctx, gpa_t gpa, void *buf, size_t len, struct err *e);

/* The write whose range holds gpa, or NULL. */
const struct record_write *record_importer_find(const struct record_importer *ri, gpa_t gpa);

#endif
