/* SPDX-License-Identifier: MIT */
/* PVH boot: hvm_start_info (version 1), its module list and memory map. */
#ifndef MINIVMM_ARCH_X86_64_PVH_H
#define MINIVMM_ARCH_X86_64_PVH_H

#include "arch/x86_64/bootparam.h"
#include "arch/x86_64/start_info.h"
#include "lib/sizes.h"

/* The module list sits in the start_info page, right after start_info. */
#define X86_PVH_MODLIST_OFFSET 64
#define X86_PVH_MEMMAP_MAX     (PAGE_SIZE / sizeof(struct x86_pvh_memmap_entry))

struct x86_pvh_config {
	gpa_t start_info_gpa;
	gpa_t cmdline_gpa;
	gpa_t memmap_gpa;
	gpa_t rsdp_gpa;   /* 0: no ACPI */
	gpa_t initrd_gpa; /* module 0; absent when initrd_size is 0 */
	uint64_t initrd_size;
	const struct x86_e820_entry *e820;
	unsigned int nr_e820; /* at most X86_PVH_MEMMAP_MAX */
};

/* Fills one page: start_info at 0, the module list at X86_PVH_MODLIST_OFFSET. */
void x86_pvh_build_start_info(uint8_t *page, const struct x86_pvh_config *c);

/* Fills one page with the memory map: the E820 entries in PVH form. */
void x86_pvh_build_memmap(uint8_t *page, const struct x86_pvh_config *c);

#endif
