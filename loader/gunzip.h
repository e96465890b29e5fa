/* SPDX-License-Identifier: MIT */
/*
 * gzip decompression for kernel images (arm64 `Image.gz`: the arm64 kernel
 * has no self-decompressor, so the VMM inflates it; BOOT-REFERENCE §6.1).
 * zlib does the inflating: a hand-written inflate would be one more parser of
 * untrusted input. Errors name the file, the offsets and zlib's reason.
 */
#ifndef MINIVMM_LOADER_GUNZIP_H
#define MINIVMM_LOADER_GUNZIP_H

#include <stddef.h>
#include <stdint.h>

#include "loader/image_file.h"

/* A larger decompressed kernel is refused: Debian's arm64 Image is 27 MB. */
#define GUNZIP_MAX_OUTPUT (512ULL << 20)

/*
 * Inflates the gzip file `in` (one member) into a malloc'd buffer of at
 * most max bytes; *out is the caller's to free.
 */
int gunzip_file(const struct image_file *in, uint64_t max, uint8_t **out, uint64_t *out_len,
                struct err *e);

/* The first len decompressed bytes (fewer when the data is shorter): for format detection. */
int gunzip_peek(const struct image_file *in, void *buf, size_t len, size_t *got, struct err *e);

#endif
