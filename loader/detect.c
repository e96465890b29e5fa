// SPDX-License-Identifier: MIT
#include "detect.h"

#include <errno.h>
#include <string.h>

#include "loader/bzimage.h"

#define ARM64_IMAGE_MAGIC_OFFSET 0x38

int image_detect_format(const struct image_file *f, enum image_format *out, struct err *e)
{
	uint8_t head[4] = { 0 };

	if (f->size >= 4 && memcmp(f->data,
	                           "\x7f"
	                           "ELF",
	                           4) == 0) {
		*out = IMAGE_FORMAT_ELF;
		return 0;
	}
	if (bzimage_probe(f)) {
		*out = IMAGE_FORMAT_BZIMAGE;
		return 0;
	}
	if (f->size >= ARM64_IMAGE_MAGIC_OFFSET + 4 &&
	    memcmp(f->data + ARM64_IMAGE_MAGIC_OFFSET, "ARM\x64", 4) == 0) {
		*out = IMAGE_FORMAT_ARM64_IMAGE;
		return 0;
	}
	if (f->size >= 2 && f->data[0] == 0x1f && f->data[1] == 0x8b) {
		*out = IMAGE_FORMAT_GZIP;
		return 0;
	}
	memcpy(head, f->data, f->size < 4 ? (size_t)f->size : 4);
	return err_set(e, EINVAL,
	               "%s: unknown kernel format (%llu bytes, first bytes %02x %02x %02x %02x): "
	               "expected ELF (7f 45 4c 46), bzImage (\"HdrS\" at 0x202) or arm64 Image "
	               "(\"ARM\\x64\" at 0x38)",
	               f->name, (unsigned long long)f->size, head[0], head[1], head[2], head[3]);
}

const char *image_format_str(enum image_format fmt)
{
	switch (fmt) {
	case IMAGE_FORMAT_ELF:
		return "ELF";
	case IMAGE_FORMAT_BZIMAGE:
		return "bzImage";
	case IMAGE_FORMAT_ARM64_IMAGE:
		return "arm64 Image";
	case IMAGE_FORMAT_GZIP:
		return "gzip";
	}
	return "?";
}
