// SPDX-License-Identifier: MIT
#include "guest.h"

#include <elf.h>
#include <errno.h>
#include <string.h>

#include "loader/detect.h"

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
	if (fmt == IMAGE_FORMAT_ARM64_IMAGE || machine == EM_AARCH64)
		return err_set(e, EINVAL, "%s: arm64 guests are not supported yet", kernel->name);
	/* Everything else is x86's to accept or to refuse with its own, precise message. */
	*out = &guest_x86_64;
	return 0;
}
