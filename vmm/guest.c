// SPDX-License-Identifier: MIT
#include "guest.h"

#include <elf.h>
#include <errno.h>
#include <string.h>

#include "loader/arm64_image.h"
#include "loader/detect.h"
#include "loader/gunzip.h"

/* True when the gzip'd file holds an arm64 Image (its header's magic, once inflated). */
static bool gzip_holds_arm64_image(const struct image_file *kernel)
{
	struct arm64_image_header h;
	struct err ignored;
	size_t got = 0;

	return gunzip_peek(kernel, &h, sizeof(h), &got, &ignored) == 0 && got == sizeof(h) &&
	       h.magic == ARM64_IMAGE_MAGIC;
}

int guest_platform_for(const struct image_file *kernel, const struct guest_platform **out,
                       struct err *e)
{
	enum image_format fmt;
	uint16_t machine = 0;
	int ret = image_detect_format(kernel, &fmt, e);

	if (ret)
		return ret;
	if (fmt == IMAGE_FORMAT_ELF && kernel->size >= sizeof(Elf64_Ehdr))
		memcpy(&machine, kernel->data + offsetof(Elf64_Ehdr, e_machine), 2);
	if (fmt == IMAGE_FORMAT_ARM64_IMAGE || machine == EM_AARCH64 ||
	    (fmt == IMAGE_FORMAT_GZIP && gzip_holds_arm64_image(kernel))) {
		*out = &guest_aarch64;
		return 0;
	}
	/* Everything else is x86's to accept or to refuse with its own, precise message. */
	*out = &guest_x86_64;
	return 0;
}
