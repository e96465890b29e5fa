/* SPDX-License-Identifier: MIT */
/*
 * arm64 identity page tables (LOADER-SPEC §3.4, OpenVMM's
 * build_identity_page_tables_aarch64 and Arm64PageTableSpace): 4 KiB granule,
 * four levels, a bump allocator over the caller's buffer, the root page
 * pre-filled with 0xFE bytes so that its unused entries are invalid, and the
 * largest blocks that fit (1 GiB at L1, 2 MiB at L2, 4 KiB pages at L3).
 */
#ifndef MINIVMM_ARCH_AARCH64_PAGETABLES_H
#define MINIVMM_ARCH_AARCH64_PAGETABLES_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"
#include "lib/sizes.h"

/* MAIR_EL1 as OpenHCL sets it: attr0 Device_nGnRnE, 1 NC, 2 WT, 3 WB. */
#define A64_MAIR_OPENHCL        0x00000000FFBB4400ULL
#define A64_MAIR_ATTR_NORMAL_WB 0xffu
#define A64_PT_MAIR_INDEX_WB    3 /* index of Normal_WriteBack in A64_MAIR_OPENHCL */

#define A64_PT_VALID        (1ULL << 0)
#define A64_PT_TABLE        (1ULL << 1) /* at L0-L2: table; at L3: page */
#define A64_PT_ATTR_INDX(i) ((uint64_t)(i) << 2)
#define A64_PT_SH_INNER     (3ULL << 8)
#define A64_PT_AF           (1ULL << 10)
#define A64_PT_UXN          (1ULL << 54)
#define A64_PT_ADDR_MASK    0x00007ffffffff000ULL /* bits 12..46 */
/* Block (L1/L2) descriptor attributes: WB, EL1 RW, inner shareable, AF, UXN. */
#define A64_PT_BLOCK_ATTRS                                                                     \
	(A64_PT_VALID | A64_PT_ATTR_INDX(A64_PT_MAIR_INDEX_WB) | A64_PT_SH_INNER | A64_PT_AF | \
	 A64_PT_UXN)                                          /* 0x0040_0000_0000_070d */
#define A64_PT_PAGE_ATTRS (A64_PT_BLOCK_ATTRS | A64_PT_TABLE) /* 0x0040_0000_0000_070f */
#define A64_PT_ROOT_FILL  0xfe

/* The tables being built: len bytes at gpa, held in space; brk is the next free table. */
struct a64_pt_space {
	gpa_t gpa;
	uint8_t *space;
	size_t len;
	gpa_t brk;
};

/*
 * Starts an empty set of tables at gpa (4 KiB aligned) in space (len a
 * non-zero multiple of 4 KiB): the root page is filled with 0xFE, the rest
 * zeroed.
 */
int a64_pt_space_init(struct a64_pt_space *s, gpa_t gpa, uint8_t *space, size_t len, struct err *e);

/*
 * Maps va -> pa for size bytes (all 4 KiB aligned, va canonical) with the
 * largest blocks that fit, Normal write-back memory, UXN. -EEXIST when part of
 * it is mapped already, -ENOSPC when the space runs out of tables.
 */
int a64_pt_map_range(struct a64_pt_space *s, uint64_t pa, uint64_t va, uint64_t size,
                     struct err *e);

/* Bytes of space used so far (brk - gpa). */
static inline size_t a64_pt_used(const struct a64_pt_space *s)
{
	return (size_t)(s->brk - s->gpa);
}

/*
 * build_identity_page_tables_aarch64: identity-maps [start, start + size)
 * (both 2 MiB aligned, size non-zero) with tables at pt_gpa, built in the
 * caller's space (OpenHCL: 15 pages). *used = bytes of space the tables take.
 */
int a64_pt_build_identity(gpa_t pt_gpa, uint64_t start, uint64_t size, uint8_t *space,
                          size_t space_len, size_t *used, struct err *e);

#endif
