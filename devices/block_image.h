/* SPDX-License-Identifier: MIT */
/*
 * A disk image behind a block device model (--disk PATH[,ro][,cache=...]): a
 * regular file or a host block device, opened and checked before any guest
 * runs, so a bad image is one error line naming the file and the numbers.
 *
 * cache=writeback (the default) goes through the host page cache;
 * cache=none opens the file O_DIRECT, and keeps a second, buffered
 * descriptor for the rare request whose buffers O_DIRECT cannot take.
 * Either way a FLUSH from the guest becomes fdatasync(). A read-write image
 * is locked exclusively (flock), a read-only one shared, so two writers —
 * two minivmm, or one image given twice — are refused.
 */
#ifndef MINIVMM_DEVICES_BLOCK_IMAGE_H
#define MINIVMM_DEVICES_BLOCK_IMAGE_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "lib/err.h"

#define BLOCK_SECTOR_SIZE  512
#define BLOCK_SERIAL_BYTES 20  /* virtio-blk GET_ID */
#define BLOCK_DIRECT_ALIGN 512 /* what O_DIRECT wants of buffers and offsets (at least) */

enum block_cache {
	BLOCK_CACHE_WRITEBACK,
	BLOCK_CACHE_NONE,
};

struct block_image_options {
	char path[PATH_MAX];
	bool read_only;
	enum block_cache cache;
};

struct block_image {
	const char *path; /* the options' path: they outlive the image */
	int fd;           /* for I/O; O_DIRECT with cache=none */
	int buffered_fd;  /* cache=none: the same file without O_DIRECT; else == fd */
	uint64_t size;    /* bytes, a non-zero multiple of BLOCK_SECTOR_SIZE */
	bool read_only;
	bool direct;
	char serial[BLOCK_SERIAL_BYTES + 1]; /* stable for the file: from its device and inode */
};

/* Parses "PATH[,ro][,cache=none|writeback]" (the --disk value). */
int block_image_parse_options(const char *arg, struct block_image_options *o, struct err *e);

int block_image_open(struct block_image *img, const struct block_image_options *o, struct err *e);
void block_image_close(struct block_image *img);

#endif
