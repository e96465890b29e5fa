/* SPDX-License-Identifier: MIT */
/*
 * Range-based x86-64 identity page tables (LOADER-SPEC §3.1, §3.2 HEAD form:
 * OpenVMM's PageTableBuilder with MappedRange, used for the OpenHCL x64 page
 * tables). Greedy largest pages: a 1 GiB leaf wherever a range covers an
 * aligned GiB, 2 MiB where it covers an aligned 2 MiB block, 4 KiB elsewhere.
 */
#ifndef MINIVMM_ARCH_X86_64_PT_BUILDER_H
#define MINIVMM_ARCH_X86_64_PT_BUILDER_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/pagetables.h"
#include "lib/err.h"
#include "lib/sizes.h"

#define X86_PT_ENTRY_DIR  X86_PTE_DIR                                      /* 0x23, P|RW|A */
#define X86_PTE_LEAF4K    (X86_PTE_P | X86_PTE_RW | X86_PTE_A | X86_PTE_D) /* 0x63 */
#define X86_PTE_ADDR_MASK 0x000ffffffffff000ULL                            /* bits 12..51 */
#define X86_PT_ENTRIES    512
#define X86_PT_LEVEL_PML4 3
#define X86_PT_VA_LIMIT   (1ULL << 48) /* what four levels of 512 entries can index */

/* One identity-mapped range [start, end); leaves lose RW when read_only. */
struct x86_pt_range {
	uint64_t start, end;
	bool read_only;
};

/* Index of va in a level-L table (3 = PML4, 2 = PDPT, 1 = PD, 0 = PT). */
static inline unsigned int x86_pt_index(uint64_t va, int level)
{
	return (unsigned int)(va >> (PAGE_SHIFT + 9 * level)) & (X86_PT_ENTRIES - 1);
}

/* Bytes one level-L entry maps: 4 KiB, 2 MiB, 1 GiB, 512 GiB. */
static inline uint64_t x86_pt_level_size(int level)
{
	return PAGE_SIZE << (9 * level);
}

/*
 * OpenVMM's calculate_pde_table_count: page directories needed to map
 * [start, start + size) with 2 MiB pages. start + size must not wrap.
 */
uint64_t x86_pde_table_count(uint64_t start, uint64_t size);

/*
 * Builds identity tables for ranges (sorted by start, not overlapping, 4 KiB
 * aligned) into out, which holds max_tables pages and is cleared here. The
 * tables live at pt_gpa + i * 4096 in allocation order; table 0 is the PML4
 * (CR3 = pt_gpa). confidential_bit < 0 means none; otherwise 1 << bit is ORed
 * into every entry written, directories included. *used_tables is the number
 * of tables allocated. -EINVAL for a bad range list or a range holding an
 * aligned 512 GiB block, -ENOSPC when more than max_tables tables are needed.
 */
int x86_pt_build(gpa_t pt_gpa, const struct x86_pt_range *ranges, unsigned int n,
                 int confidential_bit, uint64_t *out, unsigned int max_tables,
                 unsigned int *used_tables, struct err *e);

#endif
