// SPDX-License-Identifier: MIT
#include "zero_page.h"

#include <string.h>

void x86_zero_page_build(struct x86_boot_params *bp, const struct x86_zero_page_config *c)
{
	unsigned int n =
	    c->nr_e820 < X86_E820_MAX_ENTRIES_ZEROPAGE ? c->nr_e820 : X86_E820_MAX_ENTRIES_ZEROPAGE;

	memset(bp, 0, sizeof(*bp));
	if (c->setup_hdr) {
		/* boot.rst: copy exactly the header the jump at 0x200 spans, nothing more. */
		memcpy(&bp->hdr, c->setup_hdr, c->setup_hdr_len);
		bp->hdr.code32_start = (uint32_t)c->code32_start;
	} else {
		bp->hdr.boot_flag = X86_BOOT_FLAG_MAGIC;
		bp->hdr.header = X86_SETUP_HDR_MAGIC;
		bp->hdr.kernel_alignment = X86_ELF_KERNEL_ALIGNMENT;
		bp->hdr.cmdline_size = c->cmdline_limit;
	}
	bp->hdr.type_of_loader = X86_TYPE_OF_LOADER_UNDEFINED;
	bp->hdr.cmd_line_ptr = (uint32_t)c->cmdline_gpa;
	bp->ext_cmd_line_ptr = (uint32_t)(c->cmdline_gpa >> 32);
	bp->hdr.ramdisk_image = (uint32_t)c->initrd_gpa;
	bp->ext_ramdisk_image = (uint32_t)(c->initrd_gpa >> 32);
	bp->hdr.ramdisk_size = (uint32_t)c->initrd_size;
	bp->ext_ramdisk_size = (uint32_t)(c->initrd_size >> 32);
	memcpy(bp->e820_table, c->e820, n * sizeof(*c->e820));
	bp->e820_entries = (uint8_t)n;
}
