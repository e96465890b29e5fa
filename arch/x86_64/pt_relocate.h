/* SPDX-License-Identifier: MIT */
/*
 * Page-table relocation for IGVM PAGE_TABLE_RELOCATION regions (LOADER-SPEC
 * §5.7, igvm's PageTableRelocationBuilder::build): when the host moves an
 * image, the page-table region moves by table_offset and the leaves that map
 * relocated ranges move with their ranges. Four-level tables only.
 */
#ifndef MINIVMM_ARCH_X86_64_PT_RELOCATE_H
#define MINIVMM_ARCH_X86_64_PT_RELOCATE_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"
#include "lib/sizes.h"

#define X86_CR4_LA57 (1ULL << 12)

/* [base, base + size) moved by offset bytes (non-negative). */
struct x86_pt_reloc_range {
	uint64_t base, size;
	int64_t offset;
};

/*
 * tables holds the used_size bytes of the page-table region as laid out at
 * region_gpa (region_size bytes in all; the rest is the free pool for new
 * tables). table_offset is how far the region itself moves; cr3 and cr4 are
 * the original values, and cr3 must lie in the used tables. Writes the
 * relocated tables, which belong at region_gpa + table_offset, to out
 * (region_size bytes of room) and sets *out_len to the bytes used. The new
 * CR3 is cr3 + table_offset.
 *
 * Pass 1 walks from CR3: directories pointing into the region move by
 * table_offset; a leaf overlapping a relocated range whose offset is at least
 * the leaf size moves to va + offset and its old entry is cleared. Pass 2
 * writes the moved leaves, allocating tables from the free pool.
 *
 * -EINVAL: CR4.LA57, CR3 outside the region, a negative or unaligned offset,
 * malformed tables; -ENOSPC: the free pool is too small.
 */
int x86_pt_relocate(const uint64_t *tables, size_t used_size, size_t region_size, gpa_t region_gpa,
                    int64_t table_offset, uint64_t cr3, uint64_t cr4,
                    const struct x86_pt_reloc_range *ranges, unsigned int n, uint64_t *out,
                    size_t *out_len, struct err *e);

#endif
