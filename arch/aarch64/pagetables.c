// SPDX-License-Identifier: MIT
#include "pagetables.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#define U(x) ((unsigned long long)(x))

#define A64_PT_ENTRIES 512
#define A64_VA_BITS    48
#define A64_PA_LIMIT   (1ULL << 47) /* the 35-bit address field, from bit 12 */

_Static_assert(((A64_MAIR_OPENHCL >> (8 * A64_PT_MAIR_INDEX_WB)) & 0xff) == A64_MAIR_ATTR_NORMAL_WB,
               "A64_PT_MAIR_INDEX_WB must select Normal_WriteBack in A64_MAIR_OPENHCL");
_Static_assert(A64_PT_BLOCK_ATTRS == 0x004000000000070dULL, "block descriptor attributes");
_Static_assert(A64_PT_PAGE_ATTRS == 0x004000000000070fULL, "page descriptor attributes");

/* Index of va in a level-L table (0 = root, VA[47:39]; 3 = VA[20:12]). */
static unsigned int a64_pt_index(uint64_t va, int level)
{
	return (unsigned int)(va >> (PAGE_SHIFT + 9 * (3 - level))) & (A64_PT_ENTRIES - 1);
}

static uint64_t a64_level_size(int level)
{
	return PAGE_SIZE << (9 * (3 - level));
}

static bool va_canonical(uint64_t va)
{
	return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

static uint64_t read_entry(const struct a64_pt_space *s, gpa_t table, unsigned int i)
{
	uint64_t v;

	memcpy(&v, s->space + (table - s->gpa) + 8 * i, sizeof(v));
	return v;
}

static void write_entry(struct a64_pt_space *s, gpa_t table, unsigned int i, uint64_t v)
{
	memcpy(s->space + (table - s->gpa) + 8 * i, &v, sizeof(v));
}

int a64_pt_space_init(struct a64_pt_space *s, gpa_t gpa, uint8_t *space, size_t len, struct err *e)
{
	if (!is_aligned(gpa, PAGE_SIZE) || !is_aligned(len, PAGE_SIZE) || len == 0)
		return err_set(e, EINVAL,
		               "arm64 page tables at 0x%llx: space of 0x%zx bytes must be whole "
		               "pages at a 4 KiB-aligned address",
		               U(gpa), len);
	if (gpa > A64_PA_LIMIT || len > A64_PA_LIMIT - gpa)
		return err_set(e, EINVAL, "arm64 page tables [0x%llx, +0x%zx) end above 0x%llx",
		               U(gpa), len, U(A64_PA_LIMIT));
	/* The caller's buffer should be zero; clearing it keeps stale bytes out of a measured page.
	 */
	memset(space, A64_PT_ROOT_FILL, PAGE_SIZE);
	memset(space + PAGE_SIZE, 0, len - PAGE_SIZE);
	*s = (struct a64_pt_space){ gpa, space, len, gpa + PAGE_SIZE };
	return 0;
}

static int alloc_table(struct a64_pt_space *s, uint64_t va, gpa_t *table, struct err *e)
{
	if (s->brk - s->gpa >= s->len)
		return err_set(e, ENOSPC,
		               "mapping 0x%llx needs more than the %zu tables of 0x%zx bytes",
		               U(va), (size_t)(s->len / PAGE_SIZE), s->len);
	*table = s->brk;
	s->brk += PAGE_SIZE;
	return 0;
}

/* map_page: one block or page of the leaf level's size at va -> pa. */
static int map_one(struct a64_pt_space *s, uint64_t pa, uint64_t va, int leaf_level, struct err *e)
{
	gpa_t table = s->gpa;
	uint64_t d;
	int level, ret;

	for (level = 0; level < leaf_level; level++) {
		unsigned int i = a64_pt_index(va, level);

		d = read_entry(s, table, i);
		if ((d & A64_PT_VALID) && !(d & A64_PT_TABLE))
			return err_set(e, EEXIST, "0x%llx is already mapped by a level-%d block",
			               U(va), level);
		if (!(d & A64_PT_VALID)) {
			gpa_t next = 0;

			ret = alloc_table(s, va, &next, e);
			if (ret)
				return ret;
			d = next | A64_PT_VALID | A64_PT_TABLE;
			write_entry(s, table, i, d);
		}
		table = d & A64_PT_ADDR_MASK;
		if (table < s->gpa || table >= s->brk)
			return err_set(e, EINVAL,
			               "level-%d table 0x%llx for 0x%llx is outside the space",
			               level + 1, U(table), U(va));
	}
	d = read_entry(s, table, a64_pt_index(va, leaf_level));
	if (d & A64_PT_VALID)
		return err_set(e, EEXIST, "0x%llx is already mapped at level %d", U(va),
		               leaf_level);
	write_entry(s, table, a64_pt_index(va, leaf_level),
	            pa | (leaf_level == 3 ? A64_PT_PAGE_ATTRS : A64_PT_BLOCK_ATTRS));
	return 0;
}

/*
 * get_page_size_and_page_count: the largest leaf level pa and va allow and
 * how many of them to map before the size changes.
 */
static void next_chunk(uint64_t remaining, uint64_t pa, uint64_t va, int *level, uint64_t *count)
{
	uint64_t to_1g = align_up(va, SZ_1G) - va, to_2m = align_up(va, SZ_2M) - va, bytes;

	if (is_aligned(pa, SZ_1G) && is_aligned(va, SZ_1G) && remaining >= SZ_1G) {
		*level = 1;
		*count = remaining / SZ_1G;
	} else if (is_aligned(pa, SZ_2M) && is_aligned(va, SZ_2M) && remaining >= SZ_2M) {
		bytes = (to_1g > 0 && to_1g < remaining) ? to_1g : remaining;
		*level = 2;
		*count = align_down(bytes, SZ_2M) / SZ_2M;
	} else {
		if (to_1g > 0 && to_1g < remaining)
			bytes = to_1g;
		else if (to_2m > 0 && to_2m < remaining)
			bytes = to_2m;
		else
			bytes = remaining;
		*level = 3;
		*count = bytes / PAGE_SIZE;
	}
}

static int check_map_args(uint64_t pa, uint64_t va, uint64_t size, struct err *e)
{
	if (!is_aligned(pa, PAGE_SIZE) || !is_aligned(va, PAGE_SIZE) ||
	    !is_aligned(size, PAGE_SIZE) || size == 0)
		return err_set(
		    e, EINVAL,
		    "arm64 map 0x%llx -> 0x%llx, 0x%llx bytes: not 4 KiB aligned or empty", U(va),
		    U(pa), U(size));
	if (pa > A64_PA_LIMIT || size > A64_PA_LIMIT - pa)
		return err_set(e, EINVAL, "arm64 map: [0x%llx, +0x%llx) ends above PA 0x%llx",
		               U(pa), U(size), U(A64_PA_LIMIT));
	if (!va_canonical(va) || va + (size - 1) < va || !va_canonical(va + (size - 1)) ||
	    (va >> (A64_VA_BITS - 1)) != ((va + (size - 1)) >> (A64_VA_BITS - 1)))
		return err_set(e, EINVAL, "arm64 map: VA range [0x%llx, +0x%llx) is not canonical",
		               U(va), U(size));
	return 0;
}

int a64_pt_map_range(struct a64_pt_space *s, uint64_t pa, uint64_t va, uint64_t size, struct err *e)
{
	uint64_t remaining = size, count, i;
	int level, ret = check_map_args(pa, va, size, e);

	if (ret)
		return ret;
	while (remaining) {
		next_chunk(remaining, pa, va, &level, &count);
		for (i = 0; i < count; i++) {
			ret = map_one(s, pa, va, level, e);
			if (ret)
				return err_prefix(e, "arm64 page tables at 0x%llx", U(s->gpa));
			pa += a64_level_size(level);
			va += a64_level_size(level);
			remaining -= a64_level_size(level);
		}
	}
	return 0;
}

int a64_pt_build_identity(gpa_t pt_gpa, uint64_t start, uint64_t size, uint8_t *space,
                          size_t space_len, size_t *used, struct err *e)
{
	struct a64_pt_space s;
	int ret;

	if (!is_aligned(start, SZ_2M) || !is_aligned(size, SZ_2M) || size == 0)
		return err_set(e, EINVAL,
		               "arm64 identity map [0x%llx, +0x%llx): start and size must be 2 MiB "
		               "aligned and size non-zero",
		               U(start), U(size));
	ret = a64_pt_space_init(&s, pt_gpa, space, space_len, e);
	if (!ret)
		ret = a64_pt_map_range(&s, start, start, size, e);
	if (ret)
		return ret;
	*used = a64_pt_used(&s);
	return 0;
}
