/* SPDX-License-Identifier: MIT */
/*
 * A read-only view of an image file (kernel, initrd, shim). Files are mapped,
 * so loaders parse headers in place without reading the file, and keep their
 * descriptor, so the big pieces (PT_LOAD segments, the initrd, an Image) go
 * into guest RAM by pread (importer_import_file): one copy, page cache to guest
 * RAM, and the mapping's pages are never touched for them. Tests wrap in-memory
 * buffers the same way (no descriptor: the importer copies from memory).
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
	void *map; /* non-NULL when data is an mmap we own (and fd is ours to close) */
	uint64_t map_len;
	bool has_fd; /* data is bytes [fd_off, fd_off + size) of the file fd */
	int fd;
	uint64_t fd_off;
};

/* Maps path read-only. Errors name the path and the errno text. */
int image_file_open(struct image_file *f, const char *path, struct err *e);

/* Wraps a caller-owned buffer (tests, decompressed payloads). */
void image_file_from_buffer(struct image_file *f, const char *name, const void *data,
                            uint64_t size);

/* A sub-view [offset, offset+len) of f with the same name (and descriptor); fails when out of
 * range. */
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
