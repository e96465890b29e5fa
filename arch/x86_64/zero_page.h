/* SPDX-License-Identifier: MIT */
/* The Linux zero page (struct boot_params) for the 64-bit entry. */
#ifndef MINIVMM_ARCH_X86_64_ZERO_PAGE_H
#define MINIVMM_ARCH_X86_64_ZERO_PAGE_H

#include "arch/x86_64/bootparam.h"
#include "lib/sizes.h"

#define X86_ELF_KERNEL_ALIGNMENT 0x1000000 /* what Firecracker writes for vmlinux: non-zero */

struct x86_zero_page_config {
	const uint8_t *setup_hdr; /* bzImage header bytes from 0x1f1; NULL for an ELF vmlinux */
	uint64_t setup_hdr_len;
	gpa_t code32_start; /* bzImage protected-mode load address */
	gpa_t cmdline_gpa;
	uint32_t cmdline_limit; /* ELF only: the cmdline_size to advertise */
	gpa_t initrd_gpa;       /* 0 and size 0 when there is none */
	uint64_t initrd_size;
	const struct x86_e820_entry *e820;
	unsigned int nr_e820; /* at most X86_E820_MAX_ENTRIES_ZEROPAGE */
};

/*
 * Zeroes bp, copies the setup header (bzImage) or writes a minimal one (ELF),
 * then fills the loader-owned fields: type_of_loader, code32_start,
 * cmd_line_ptr, ramdisk (with the ext_ high halves) and the E820 table.
 */
void x86_zero_page_build(struct x86_boot_params *bp, const struct x86_zero_page_config *c);

#endif
