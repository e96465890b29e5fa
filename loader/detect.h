/* SPDX-License-Identifier: MIT */
/* Kernel image format detection by magic number. */
#ifndef MINIVMM_LOADER_DETECT_H
#define MINIVMM_LOADER_DETECT_H

#include "loader/image_file.h"

enum image_format {
	IMAGE_FORMAT_ELF,
	IMAGE_FORMAT_BZIMAGE,
	IMAGE_FORMAT_ARM64_IMAGE,
	IMAGE_FORMAT_GZIP,
};

/* Fails, quoting the first bytes, when f is none of the known formats. */
int image_detect_format(const struct image_file *f, enum image_format *out, struct err *e);

const char *image_format_str(enum image_format fmt);

#endif
