// SPDX-License-Identifier: MIT
#include "pt_relocate.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "pt_builder.h"

#define U(x)            ((unsigned long long)(x))
#define X86_PA_LIMIT    (1ULL << 52)     /* what the address field of an entry holds */
#define RELOC_DIR_ENTRY X86_PT_ENTRY_DIR /* pass 2 directories: no C-bit, as in igvm */

/* A leaf that pass 1 took out and pass 2 puts back at new_va. */
struct moved_leaf {
	uint64_t new_va;
	int level;
	uint64_t entry;
};

struct reloc {
	uint64_t *t; /* the region's tables, relocated in place */
	size_t used, total;
	gpa_t gpa;
	uint64_t size;
	uint64_t table_offset;
	const struct x86_pt_reloc_range *ranges;
	unsigned int n;
	bool *visited;
	struct moved_leaf *moved;
	size_t nr_moved, cap_moved;
};

static bool in_region(gpa_t base, uint64_t size, uint64_t addr)
{
	return addr >= base && addr - base < size;
}

static int check_region(size_t used_size, size_t region_size, gpa_t gpa, int64_t table_offset,
                        uint64_t cr3, uint64_t cr4, struct err *e)
{
	uint64_t end;

	if (cr4 & X86_CR4_LA57)
		return err_set(e, EINVAL, "CR4 0x%llx has LA57 set; 5-level paging is unsupported",
		               U(cr4));
	if (!is_aligned(gpa, PAGE_SIZE) || !is_aligned(region_size, PAGE_SIZE) ||
	    !is_aligned(used_size, PAGE_SIZE) || used_size == 0 || used_size > region_size)
		return err_set(e, EINVAL,
		               "region 0x%llx: size 0x%zx, used 0x%zx must be whole pages with "
		               "0 < used <= size",
		               U(gpa), region_size, used_size);
	if (table_offset < 0 || !is_aligned((uint64_t)table_offset, PAGE_SIZE))
		return err_set(e, EINVAL,
		               "region offset %lld is not a non-negative multiple of 4 KiB",
		               (long long)table_offset);
	if (!add_checked(gpa, (uint64_t)table_offset, &end) ||
	    !add_checked(end, region_size, &end) || end > X86_PA_LIMIT)
		return err_set(e, EINVAL, "region 0x%llx moved by 0x%llx ends beyond 0x%llx",
		               U(gpa), U(table_offset), U(X86_PA_LIMIT));
	if (!in_region(gpa, region_size, cr3))
		return err_set(e, EINVAL,
		               "CR3 0x%llx is outside the page-table region [0x%llx, 0x%llx)",
		               U(cr3), U(gpa), U(gpa + region_size));
	if ((cr3 - gpa) >= used_size)
		return err_set(e, EINVAL, "CR3 0x%llx points past the 0x%zx used bytes at 0x%llx",
		               U(cr3), used_size, U(gpa));
	return 0;
}

static int check_ranges(const struct x86_pt_reloc_range *r, unsigned int n, struct err *e)
{
	unsigned int i, j;

	for (i = 0; i < n; i++) {
		if (r[i].size == 0 || r[i].base + (r[i].size - 1) < r[i].base)
			return err_set(e, EINVAL, "relocated range %u at 0x%llx: bad size 0x%llx",
			               i, U(r[i].base), U(r[i].size));
		/* igvm's relocate_address is wrong for negative offsets (§5.7). */
		if (r[i].offset < 0)
			return err_set(e, EINVAL,
			               "relocated range %u at 0x%llx: negative offset %lld is "
			               "unsupported",
			               i, U(r[i].base), (long long)r[i].offset);
		for (j = 0; j < i; j++)
			if (r[i].base <= r[j].base + (r[j].size - 1) &&
			    r[j].base <= r[i].base + (r[i].size - 1))
				return err_set(e, EINVAL, "relocated ranges %u and %u overlap", j,
				               i);
	}
	return 0;
}

/* The offset of the relocated range overlapping [va, va + size), if any. */
static int leaf_offset(const struct reloc *r, uint64_t va, uint64_t size, bool *found,
                       uint64_t *offset, struct err *e)
{
	unsigned int i;

	*found = false;
	for (i = 0; i < r->n; i++) {
		const struct x86_pt_reloc_range *rr = &r->ranges[i];

		if (rr->base > va + (size - 1) || va > rr->base + (rr->size - 1))
			continue;
		/* igvm takes whichever its binary search lands on; refuse to guess. */
		if (*found && *offset != (uint64_t)rr->offset)
			return err_set(e, EINVAL,
			               "leaf at 0x%llx (0x%llx bytes) overlaps relocated ranges "
			               "with different offsets",
			               U(va), U(size));
		*found = true;
		*offset = (uint64_t)rr->offset;
	}
	return 0;
}

static int record_moved(struct reloc *r, uint64_t new_va, int level, uint64_t entry, struct err *e)
{
	if (r->nr_moved == r->cap_moved) {
		size_t ncap = r->cap_moved ? 2 * r->cap_moved : 64;
		struct moved_leaf *m = realloc(r->moved, ncap * sizeof(*m));

		if (!m)
			return err_set(e, ENOMEM, "out of memory for %zu moved leaves", ncap);
		r->moved = m;
		r->cap_moved = ncap;
	}
	r->moved[r->nr_moved++] = (struct moved_leaf){ new_va, level, entry };
	return 0;
}

static int fixup_leaf(struct reloc *r, uint64_t *entry, int level, uint64_t va, struct err *e)
{
	uint64_t size = x86_pt_level_size(level), offset, new_va;
	bool found;
	int ret = leaf_offset(r, va, size, &found, &offset, e);

	if (ret || !found || offset < size)
		return ret;
	if (!add_checked(va, offset, &new_va) || new_va > X86_PT_VA_LIMIT - size)
		return err_set(e, EINVAL, "leaf at 0x%llx moved by 0x%llx leaves 4-level paging",
		               U(va), U(offset));
	if (!is_aligned(new_va, size))
		return err_set(e, EINVAL,
		               "offset 0x%llx is not aligned to the 0x%llx-byte leaf at 0x%llx",
		               U(offset), U(size), U(va));
	ret = record_moved(r, new_va, level, (*entry & ~X86_PTE_ADDR_MASK) | new_va, e);
	*entry = 0;
	return ret;
}

/* Pass 1 over the level-L table at index table, which maps from va_base. */
static int fixup_table(struct reloc *r, size_t table, int level, uint64_t va_base, struct err *e)
{
	uint64_t size = x86_pt_level_size(level);
	unsigned int i;
	int ret;

	for (i = 0; i < X86_PT_ENTRIES; i++) {
		uint64_t *entry = &r->t[table * X86_PT_ENTRIES + i];
		uint64_t va = va_base + i * size, target;
		size_t next;

		if (!(*entry & X86_PTE_P))
			continue;
		if (level == 0 || (level < X86_PT_LEVEL_PML4 && (*entry & X86_PTE_PS))) {
			ret = fixup_leaf(r, entry, level, va, e);
			if (ret)
				return ret;
			continue;
		}
		target = *entry & X86_PTE_ADDR_MASK;
		if (!in_region(r->gpa, r->size, target))
			continue; /* tables elsewhere stay where they are */
		next = (target - r->gpa) / PAGE_SIZE;
		if (next >= r->used || r->visited[next])
			return err_set(e, EINVAL,
			               "level-%d entry for 0x%llx points to table %zu, which is %s",
			               level, U(va), next,
			               next >= r->used ? "past the used tables" : "already in use");
		r->visited[next] = true;
		*entry = (*entry & ~X86_PTE_ADDR_MASK) | (target + r->table_offset);
		ret = fixup_table(r, next, level - 1, va, e);
		if (ret)
			return ret;
	}
	return 0;
}

static int cmp_moved(const void *a, const void *b)
{
	uint64_t x = ((const struct moved_leaf *)a)->new_va,
	         y = ((const struct moved_leaf *)b)->new_va;

	return x < y ? -1 : x > y;
}

/* Pass 2: walks from the relocated root to m's level, allocating tables as needed. */
static int place_moved(struct reloc *r, const struct moved_leaf *m, size_t root, gpa_t new_gpa,
                       size_t *next_free, struct err *e)
{
	size_t table = root;
	int level;

	for (level = X86_PT_LEVEL_PML4;; level--) {
		uint64_t *entry = &r->t[table * X86_PT_ENTRIES + x86_pt_index(m->new_va, level)];
		uint64_t target;

		if (level == m->level) {
			if ((*entry & X86_PTE_P) && *entry != m->entry)
				return err_set(
				    e, EEXIST,
				    "moved leaf 0x%llx for 0x%llx collides with entry 0x%llx",
				    U(m->entry), U(m->new_va), U(*entry));
			*entry = m->entry;
			return 0;
		}
		if (!(*entry & X86_PTE_P)) {
			if (*next_free == r->total)
				return err_set(
				    e, ENOSPC,
				    "no free table left to map 0x%llx: all %zu tables of the "
				    "region are in use",
				    U(m->new_va), r->total);
			*entry = (new_gpa + *next_free * PAGE_SIZE) | RELOC_DIR_ENTRY;
			table = (*next_free)++;
			continue;
		}
		target = *entry & X86_PTE_ADDR_MASK;
		if ((level < X86_PT_LEVEL_PML4 && (*entry & X86_PTE_PS)) ||
		    !in_region(new_gpa, (uint64_t)*next_free * PAGE_SIZE, target))
			return err_set(
			    e, EINVAL,
			    "level-%d entry 0x%llx on the way to 0x%llx is not a table of "
			    "the region",
			    level, U(*entry), U(m->new_va));
		table = (target - new_gpa) / PAGE_SIZE;
	}
}

static int relocate(struct reloc *r, uint64_t cr3, size_t *out_len, struct err *e)
{
	size_t root = (cr3 - r->gpa) / PAGE_SIZE, next_free = r->used, i;
	gpa_t new_gpa = r->gpa + r->table_offset;
	int ret;

	r->visited[root] = true;
	ret = fixup_table(r, root, X86_PT_LEVEL_PML4, 0, e);
	if (ret)
		return ret;
	if (r->nr_moved)
		qsort(r->moved, r->nr_moved, sizeof(*r->moved), cmp_moved);
	for (i = 0; i < r->nr_moved; i++) {
		if (i && r->moved[i].new_va == r->moved[i - 1].new_va)
			return err_set(e, EINVAL, "two leaves move to 0x%llx",
			               U(r->moved[i].new_va));
		ret = place_moved(r, &r->moved[i], root, new_gpa, &next_free, e);
		if (ret)
			return ret;
	}
	*out_len = next_free * PAGE_SIZE;
	return 0;
}

int x86_pt_relocate(const uint64_t *tables, size_t used_size, size_t region_size, gpa_t region_gpa,
                    int64_t table_offset, uint64_t cr3, uint64_t cr4,
                    const struct x86_pt_reloc_range *ranges, unsigned int n, uint64_t *out,
                    size_t *out_len, struct err *e)
{
	struct reloc r = {
		.t = out,
		.used = used_size / PAGE_SIZE,
		.total = region_size / PAGE_SIZE,
		.gpa = region_gpa,
		.size = region_size,
		.table_offset = (uint64_t)table_offset,
		.ranges = ranges,
		.n = n,
	};
	int ret = check_region(used_size, region_size, region_gpa, table_offset, cr3, cr4, e);

	if (!ret)
		ret = check_ranges(ranges, n, e);
	if (ret)
		return err_prefix(e, "page-table relocation");
	r.visited = calloc(r.used, sizeof(*r.visited));
	if (!r.visited)
		return err_set(e, ENOMEM, "page-table relocation: out of memory");
	memcpy(out, tables, used_size);
	memset(out + used_size / sizeof(*out), 0, region_size - used_size);
	ret = relocate(&r, cr3, out_len, e);
	free(r.moved);
	free(r.visited);
	if (ret)
		return err_prefix(e, "page-table relocation of [0x%llx, 0x%llx) by 0x%llx",
		                  U(region_gpa), U(region_gpa + region_size), U(table_offset));
	return 0;
}
