/* SPDX-License-Identifier: MIT */
/*
 * A read-only view of an image file (kernel, initrd, shim). Files are mapped,
 * not read, so importing a 60 MB kernel costs one copy: file pages straight
 * into guest RAM. Tests wrap in-memory buffers the same way.
 */
#ifndef MINIVMM_LOADER_IMAGE_FILE_H
#define MINIVMM_LOADER_IMAGE_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

struct image_file {
	const char *name; /* path as the user gave it; used in every message */
	const uint8_t *data;
	uint64_t size;
	void *map; /* non-NULL when data is an mmap we own */
	uint64_t map_len;
};

/* Maps path read-only. Errors name the path and the errno text. */
int image_file_open(struct image_file *f, const char *path, struct err *e);

/* Wraps a caller-owned buffer (tests, decompressed payloads). */
void image_file_from_buffer(struct image_file *f, const char *name, const void *data,
                            uint64_t size);

/* A sub-view [offset, offset+len) of f with the same name; fails when out of range. */
int image_file_slice(const struct image_file *f, uint64_t offset, uint64_t len,
                     struct image_file *out, struct err *e);

/*
 * Checked pointer to bytes [offset, offset+len) of the file: fails (with a
 * message naming the file, what was being read and the numbers) if the range
 * does not lie in the file.
 */
int image_file_range(const struct image_file *f, uint64_t offset, uint64_t len, const char *what,
                     const void **out, struct err *e);

/*
 * Drops the file's pages from this process's resident set once they are in guest
 * RAM: a hint (the page cache keeps them, a later read faults them back in), so a
 * running VM's RSS does not carry a second copy of its kernel and initrd.
 */
void image_file_release_resident(const struct image_file *f);

void image_file_close(struct image_file *f);

#endif
