/* SPDX-License-Identifier: MIT */
/*
 * PVH boot structures (xen/interface/hvm/start_info.h), as
 * shared/reference/BOOT-REFERENCE.md §2.3 lists them.
 */
#ifndef MINIVMM_ARCH_X86_64_START_INFO_H
#define MINIVMM_ARCH_X86_64_START_INFO_H

#include <stddef.h>
#include <stdint.h>

#define X86_PVH_START_MAGIC   0x336ec578u
#define X86_PVH_START_VERSION 1 /* version 1 carries the memory map Linux needs */

struct x86_pvh_start_info {
	uint32_t magic;
	uint32_t version;
	uint32_t flags;
	uint32_t nr_modules;
	uint64_t modlist_paddr;
	uint64_t cmdline_paddr;
	uint64_t rsdp_paddr;
	uint64_t memmap_paddr;
	uint32_t memmap_entries;
	uint32_t reserved;
};

struct x86_pvh_modlist_entry {
	uint64_t paddr;
	uint64_t size;
	uint64_t cmdline_paddr;
	uint64_t reserved;
};

struct x86_pvh_memmap_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type; /* same values as E820 */
	uint32_t reserved;
};

_Static_assert(sizeof(struct x86_pvh_start_info) == 56, "hvm_start_info size");
_Static_assert(offsetof(struct x86_pvh_start_info, memmap_paddr) == 40, "memmap_paddr");
_Static_assert(sizeof(struct x86_pvh_modlist_entry) == 32, "hvm_modlist_entry size");
_Static_assert(sizeof(struct x86_pvh_memmap_entry) == 24, "hvm_memmap_table_entry size");

#endif
