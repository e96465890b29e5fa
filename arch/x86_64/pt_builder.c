// SPDX-License-Identifier: MIT
#include "pt_builder.h"

#include <errno.h>
#include <string.h>

#define U(x) ((unsigned long long)(x))

uint64_t x86_pde_table_count(uint64_t start, uint64_t size)
{
	uint64_t end = start + size;
	uint64_t start_up = align_up(start, SZ_1G), end_down = align_down(end, SZ_1G);
	uint64_t count = 0;

	if (size < SZ_1G)
		return (end > end_down && start < end_down) ? 2 : 1;
	if (start != start_up)
		count++;
	if (end_down > start_up)
		count += (end_down - start_up) / SZ_1G;
	if (end > end_down)
		count++;
	return count;
}

struct pt_build {
	gpa_t pt_gpa;
	uint64_t *tables;
	unsigned int max_tables, used;
	uint64_t cbit; /* 0 without a confidential bit */
};

static int check_ranges(const struct x86_pt_range *r, unsigned int n, struct err *e)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (r[i].start > r[i].end)
			return err_set(e, EINVAL, "range %u [0x%llx, 0x%llx): start is above end",
			               i, U(r[i].start), U(r[i].end));
	for (i = 0; i + 1 < n; i++) {
		if (r[i + 1].start < r[i].start)
			return err_set(e, EINVAL,
			               "ranges are not sorted: range %u starts at 0x%llx, below "
			               "range %u at 0x%llx",
			               i + 1, U(r[i + 1].start), i, U(r[i].start));
		if (r[i].end > r[i + 1].start)
			return err_set(
			    e, EINVAL,
			    "range %u [0x%llx, 0x%llx) overlaps range %u [0x%llx, 0x%llx)", i,
			    U(r[i].start), U(r[i].end), i + 1, U(r[i + 1].start), U(r[i + 1].end));
	}
	/* The reference loops forever on unaligned ends and wraps past 48 bits. */
	for (i = 0; i < n; i++) {
		if (!is_aligned(r[i].start, PAGE_SIZE) || !is_aligned(r[i].end, PAGE_SIZE))
			return err_set(e, EINVAL, "range %u [0x%llx, 0x%llx) is not 4 KiB aligned",
			               i, U(r[i].start), U(r[i].end));
		if (r[i].end > X86_PT_VA_LIMIT)
			return err_set(
			    e, EINVAL,
			    "range %u [0x%llx, 0x%llx) ends above 0x%llx, beyond 4-level "
			    "paging",
			    i, U(r[i].start), U(r[i].end), U(X86_PT_VA_LIMIT));
	}
	return 0;
}

/* Writes the leaf for *va at this level and advances *va past it. */
static int write_leaf(struct pt_build *b, uint64_t *entry, int level, uint64_t *va,
                      uint64_t leaf_perms, struct err *e)
{
	uint64_t size = x86_pt_level_size(level);

	if (*entry & X86_PTE_P)
		return err_set(e, EINVAL,
		               "attempted overwrite of the level-%d entry for 0x%llx (0x%llx)",
		               level, U(*va), U(*entry));
	if (level == X86_PT_LEVEL_PML4)
		return err_set(
		    e, EINVAL,
		    "0x%llx starts an aligned 512 GiB block; PML4 leaves are unsupported", U(*va));
	*entry = *va | leaf_perms | X86_PTE_D | (level ? X86_PTE_PS : 0) | b->cbit;
	*va += size;
	return 0;
}

/* The table an existing directory entry points to, or a new one linked in. */
static int next_table(struct pt_build *b, uint64_t *entry, int level, uint64_t va,
                      unsigned int *table, struct err *e)
{
	gpa_t gpa;

	if (*entry & X86_PTE_P) {
		*table = (unsigned int)(((*entry & X86_PTE_ADDR_MASK & ~b->cbit) - b->pt_gpa) /
		                        PAGE_SIZE);
		return 0;
	}
	if (b->used >= b->max_tables)
		return err_set(e, ENOSPC,
		               "mapping 0x%llx needs a level-%d table beyond the %u available",
		               U(va), level - 1, b->max_tables);
	gpa = b->pt_gpa + (uint64_t)b->used * PAGE_SIZE;
	*entry = gpa | X86_PT_ENTRY_DIR | b->cbit;
	*table = b->used++;
	return 0;
}

/* Maps the largest page that fits at *va (below end) and advances *va past it. */
static int map_next(struct pt_build *b, uint64_t *va, uint64_t end, uint64_t leaf_perms,
                    struct err *e)
{
	unsigned int table = 0;
	int level, ret;

	for (level = X86_PT_LEVEL_PML4; level >= 0; level--) {
		uint64_t size = x86_pt_level_size(level);
		uint64_t *entry =
		    &b->tables[(size_t)table * X86_PT_ENTRIES + x86_pt_index(*va, level)];

		if (is_aligned(*va, size) && end - *va >= size)
			return write_leaf(b, entry, level, va, leaf_perms, e);
		ret = next_table(b, entry, level, *va, &table, e);
		if (ret)
			return ret;
	}
	/* Unreachable: a 4 KiB-aligned va below a 4 KiB-aligned end fits a PT leaf. */
	return err_set(e, EINVAL, "no level can map 0x%llx", U(*va));
}

int x86_pt_build(gpa_t pt_gpa, const struct x86_pt_range *ranges, unsigned int n,
                 int confidential_bit, uint64_t *out, unsigned int max_tables,
                 unsigned int *used_tables, struct err *e)
{
	struct pt_build b = { pt_gpa, out, max_tables, 1, 0 };
	unsigned int i;
	int ret;

	if (confidential_bit >= 0 && (confidential_bit < PAGE_SHIFT || confidential_bit > 63))
		return err_set(e, EINVAL,
		               "x86 page tables: confidential bit %d is not in bits 12..63 of an "
		               "entry",
		               confidential_bit);
	if (!is_aligned(pt_gpa, PAGE_SIZE))
		return err_set(e, EINVAL, "x86 page tables at 0x%llx are not 4 KiB aligned",
		               U(pt_gpa));
	if (max_tables == 0)
		return err_set(e, ENOSPC, "x86 page tables at 0x%llx: no room for the PML4",
		               U(pt_gpa));
	ret = check_ranges(ranges, n, e);
	if (ret)
		return err_prefix(e, "x86 page tables at 0x%llx", U(pt_gpa));
	if (confidential_bit >= 0)
		b.cbit = 1ULL << confidential_bit;
	memset(out, 0, (size_t)max_tables * PAGE_SIZE);
	for (i = 0; i < n; i++) {
		uint64_t perms = ranges[i].read_only ? (X86_PTE_P | X86_PTE_A)
		                                     : (X86_PTE_P | X86_PTE_A | X86_PTE_RW);
		uint64_t va = ranges[i].start;

		while (va < ranges[i].end) {
			ret = map_next(&b, &va, ranges[i].end, perms, e);
			if (ret)
				return err_prefix(e, "x86 page tables at 0x%llx, range %u",
				                  U(pt_gpa), i);
		}
	}
	*used_tables = b.used;
	return 0;
}
