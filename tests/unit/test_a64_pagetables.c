// SPDX-License-Identifier: MIT
/*
 * arm64 identity page tables (arch/aarch64/pagetables.h, LOADER-SPEC §3.4):
 * OpenHCL's default 512 MiB at 128 MiB byte for byte, 1 GiB blocks where the
 * range allows, OpenVMM's page-mix case for 4 KiB pages, and a decode-walk
 * of every result: each page translates to itself and nothing else is mapped.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "arch/aarch64/pagetables.h"
#include "loader/paravisor_defs.h"
#include "test_helpers.h"

#define SPACE_PAGES 32
#define PT_GPA      0x27e00000ULL
#define BLOCK       0x004000000000070dULL
#define PAGE        0x004000000000070fULL
#define ROOT_UNUSED 0xfefefefefefefefeULL

static uint8_t space[SPACE_PAGES * PAGE_SIZE];
static size_t used;
static struct err e;

static uint64_t ent(unsigned int table, unsigned int i)
{
	uint64_t v;

	memcpy(&v, space + table * PAGE_SIZE + 8 * i, sizeof(v));
	return v;
}

static int build(uint64_t start, uint64_t size, unsigned int pages)
{
	err_clear(&e);
	memset(space, 0, sizeof(space));
	used = 0;
	return a64_pt_build_identity(PT_GPA, start, size, space, pages * PAGE_SIZE, &used, &e);
}

static unsigned int table_index(uint64_t desc)
{
	uint64_t pa = desc & A64_PT_ADDR_MASK;

	ck_assert_uint_eq(desc & ~A64_PT_ADDR_MASK, 3); /* valid | table, nothing else */
	ck_assert_uint_ge(pa, PT_GPA + PAGE_SIZE);
	ck_assert_uint_lt(pa, PT_GPA + used);
	return (unsigned int)((pa - PT_GPA) / PAGE_SIZE);
}

/* Translates va like the MMU (4 KiB granule, 4 levels from the root page). */
static bool translate(uint64_t va, uint64_t *pa)
{
	unsigned int table = 0;
	int level;

	for (level = 0; level < 4; level++) {
		uint64_t d = ent(table, (unsigned int)(va >> (12 + 9 * (3 - level))) & 511);
		uint64_t pa_d = d & A64_PT_ADDR_MASK;

		if (!(d & A64_PT_VALID))
			return false;
		if (level == 3 || !(d & A64_PT_TABLE)) {
			*pa = pa_d + (va & ((PAGE_SIZE << (9 * (3 - level))) - 1));
			return true;
		}
		if (pa_d < PT_GPA + PAGE_SIZE || pa_d >= PT_GPA + used)
			return false;
		table = (unsigned int)((pa_d - PT_GPA) / PAGE_SIZE);
	}
	return false;
}

/* Every valid descriptor below table: blocks at L1/L2, pages at L3, identity, inside range. */
static uint64_t check_table(unsigned int table, int level, uint64_t va_base, uint64_t start,
                            uint64_t end)
{
	uint64_t size = PAGE_SIZE << (9 * (3 - level)), mapped = 0;
	unsigned int i;

	for (i = 0; i < 512; i++) {
		uint64_t d = ent(table, i), va = va_base + i * size;

		if (!(d & A64_PT_VALID)) {
			ck_assert_uint_eq(d, table == 0 ? ROOT_UNUSED : 0);
			continue;
		}
		if (level < 3 && (d & A64_PT_TABLE)) {
			mapped += check_table(table_index(d), level + 1, va, start, end);
			continue;
		}
		ck_assert_int_ne(level, 0);
		ck_assert_msg(va >= start && va + size <= end,
		              "0x%llx (0x%llx bytes) is outside the range", (unsigned long long)va,
		              (unsigned long long)size);
		ck_assert_uint_eq(d, va | (level == 3 ? PAGE : BLOCK));
		mapped += size;
	}
	return mapped;
}

static void assert_identity_map(uint64_t start, uint64_t end)
{
	uint64_t va, pa;

	for (va = start; va < end; va += PAGE_SIZE)
		if (!translate(va, &pa) || pa != va)
			ck_abort_msg("0x%llx is not mapped to itself", (unsigned long long)va);
	ck_assert_uint_eq(check_table(0, 0, 0, start, end), end - start);
	for (va = used; va < sizeof(space); va++)
		if (space[va])
			ck_abort_msg("byte 0x%llx past the used tables is 0x%02x",
			             (unsigned long long)va, space[va]);
}

START_TEST(test_mair_openhcl_puts_normal_write_back_at_index_3)
{
	ck_assert_uint_eq((A64_MAIR_OPENHCL >> (8 * A64_PT_MAIR_INDEX_WB)) & 0xff, 0xff);
	ck_assert_uint_eq(A64_MAIR_OPENHCL & 0xffffffff, 0xffbb4400); /* WB, WT, NC, Device */
	ck_assert_uint_eq(A64_PT_BLOCK_ATTRS, BLOCK);
	ck_assert_uint_eq(A64_PT_PAGE_ATTRS, PAGE);
}
END_TEST

/* OpenHCL default: L0 -> L1 -> one L2 with 256 x 2 MiB blocks = 3 of the 15 pages. */
START_TEST(test_openhcl_default_gives_three_tables_of_exact_descriptors)
{
	unsigned int i;

	ck_assert_ok(build(PARAVISOR_DEFAULT_MEMORY_BASE_ADDRESS, 512 * SZ_1M,
	                   PARAVISOR_ARM64_PAGE_TABLE_PAGES),
	             e);
	ck_assert_uint_eq(used, 3 * PAGE_SIZE);
	ck_assert_uint_eq(ent(0, 0), (PT_GPA + 0x1000) | 3);
	ck_assert_uint_eq(ent(1, 0), (PT_GPA + 0x2000) | 3);
	for (i = 0; i < 512; i++) {
		if (i)
			ck_assert_uint_eq(ent(0, i), ROOT_UNUSED);
		if (i)
			ck_assert_uint_eq(ent(1, i), 0);
		ck_assert_uint_eq(ent(2, i), i >= 64 && i < 320 ? (i * SZ_2M) | BLOCK : 0);
	}
	ck_assert_uint_eq(ent(2, 64), 0x004000000800070dULL);
	assert_identity_map(128 * SZ_1M, 640 * SZ_1M);
}
END_TEST

START_TEST(test_gib_aligned_range_uses_1_gib_blocks)
{
	ck_assert_ok(build(SZ_1G, 2 * SZ_1G, 15), e);
	ck_assert_uint_eq(used, 2 * PAGE_SIZE);
	ck_assert_uint_eq(ent(1, 1), SZ_1G | BLOCK);
	ck_assert_uint_eq(ent(1, 2), 2 * SZ_1G | BLOCK);
	assert_identity_map(SZ_1G, 3 * SZ_1G);
}
END_TEST

/* 2 MiB blocks up to the GiB line, a 1 GiB block, then 2 MiB blocks again. */
START_TEST(test_unaligned_gib_edges_use_2_mib_blocks)
{
	ck_assert_ok(build(SZ_1G - SZ_2M, SZ_1G + 2 * SZ_2M, 15), e);
	ck_assert_uint_eq(used, 4 * PAGE_SIZE);
	ck_assert_uint_eq(ent(2, 511), (SZ_1G - SZ_2M) | BLOCK);
	ck_assert_uint_eq(ent(1, 1), SZ_1G | BLOCK);
	ck_assert_uint_eq(ent(3, 0), 2 * SZ_1G | BLOCK);
	assert_identity_map(SZ_1G - SZ_2M, 2 * SZ_1G + SZ_2M);
}
END_TEST

/* OpenVMM's test_mmu_page_mix: [1G - 4K, 4G - 4K) takes 1 L1, 2 L2 and 2 L3 tables. */
START_TEST(test_page_mix_uses_4k_pages_at_the_unaligned_ends)
{
	struct a64_pt_space s;
	uint64_t pa;

	memset(space, 0, sizeof(space));
	ck_assert_ok(a64_pt_space_init(&s, PT_GPA, space, sizeof(space), &e), e);
	ck_assert_ok(a64_pt_map_range(&s, SZ_1G - SZ_4K, SZ_1G - SZ_4K, 3 * SZ_1G, &e), e);
	used = a64_pt_used(&s);
	ck_assert_uint_eq(used, 6 * PAGE_SIZE);
	ck_assert(translate(SZ_1G - SZ_4K, &pa));
	ck_assert_uint_eq(ent(3, 511), (SZ_1G - SZ_4K) | PAGE);
	assert_identity_map(SZ_1G - SZ_4K, 4 * SZ_1G - SZ_4K);
}
END_TEST

/* The root's fill and the zeros below are the builder's, whatever the buffer held. */
START_TEST(test_dirty_space_still_gives_0xfe_root_and_zeroed_tables)
{
	memset(space, 0xaa, sizeof(space));
	ck_assert_ok(a64_pt_build_identity(PT_GPA, 128 * SZ_1M, 512 * SZ_1M, space, 15 * PAGE_SIZE,
	                                   &used, &e),
	             e);
	ck_assert_uint_eq(used, 3 * PAGE_SIZE);
	ck_assert_uint_eq(check_table(0, 0, 0, 128 * SZ_1M, 640 * SZ_1M), 512 * SZ_1M);
	ck_assert_uint_eq(space[15 * PAGE_SIZE - 1], 0);
	ck_assert_uint_eq(space[15 * PAGE_SIZE], 0xaa); /* nothing past space_len */
}
END_TEST

START_TEST(test_unaligned_or_empty_range_is_refused)
{
	static const struct {
		uint64_t start, size;
		const char *msg;
	} cases[] = {
		{ SZ_1M, SZ_2M,
		  "arm64 identity map [0x100000, +0x200000): start and size must be 2 MiB aligned "
		  "and size non-zero" },
		{ SZ_2M, SZ_4K,
		  "arm64 identity map [0x200000, +0x1000): start and size must be 2 MiB aligned "
		  "and "
		  "size non-zero" },
		{ SZ_2M, 0,
		  "arm64 identity map [0x200000, +0x0): start and size must be 2 MiB aligned and "
		  "size non-zero" },
		{ (1ULL << 47) - SZ_2M, 2 * SZ_2M,
		  "arm64 map: [0x7fffffe00000, +0x400000) ends above PA 0x800000000000" },
	};

	ck_assert_err(build(cases[_i].start, cases[_i].size, 15), e, EINVAL, cases[_i].msg);
}
END_TEST

START_TEST(test_too_little_space_is_enospc)
{
	ck_assert_err(build(128 * SZ_1M, 512 * SZ_1M, 2), e, ENOSPC,
	              "arm64 page tables at 0x27e00000: mapping 0x8000000 needs more than the 2 "
	              "tables of 0x2000 bytes");
	ck_assert_ok(build(128 * SZ_1M, 512 * SZ_1M, 3), e);
}
END_TEST

START_TEST(test_bad_space_is_refused)
{
	err_clear(&e);
	ck_assert_err(
	    a64_pt_build_identity(PT_GPA + 0x800, 0, SZ_2M, space, 15 * PAGE_SIZE, &used, &e), e,
	    EINVAL,
	    "arm64 page tables at 0x27e00800: space of 0xf000 bytes must be whole pages at "
	    "a 4 KiB-aligned address");
	ck_assert_err(
	    a64_pt_build_identity(PT_GPA, 0, SZ_2M, space, 0, &used, &e), e, EINVAL,
	    "arm64 page tables at 0x27e00000: space of 0x0 bytes must be whole pages at a "
	    "4 KiB-aligned address");
	ck_assert_err(a64_pt_build_identity(PT_GPA, 0, SZ_2M, space, 100, &used, &e), e, EINVAL,
	              "arm64 page tables at 0x27e00000: space of 0x64 bytes must be whole pages at "
	              "a 4 KiB-aligned address");
}
END_TEST

START_TEST(test_mapping_over_a_mapping_is_eexist)
{
	struct a64_pt_space s;

	memset(space, 0, sizeof(space));
	ck_assert_ok(a64_pt_space_init(&s, PT_GPA, space, sizeof(space), &e), e);
	ck_assert_ok(a64_pt_map_range(&s, 0, 0, 2 * SZ_2M, &e), e);
	ck_assert_err(a64_pt_map_range(&s, SZ_2M, SZ_2M, SZ_2M, &e), e, EEXIST,
	              "arm64 page tables at 0x27e00000: 0x200000 is already mapped at level 2");
	ck_assert_err(a64_pt_map_range(&s, SZ_2M + SZ_4K, SZ_2M + SZ_4K, SZ_4K, &e), e, EEXIST,
	              "arm64 page tables at 0x27e00000: 0x201000 is already mapped by a level-2 "
	              "block");
	ck_assert_ok(a64_pt_map_range(&s, SZ_1G, SZ_1G, SZ_1G, &e), e);
	ck_assert_err(a64_pt_map_range(&s, SZ_1G, SZ_1G + SZ_2M, SZ_4K, &e), e, EEXIST,
	              "arm64 page tables at 0x27e00000: 0x40200000 is already mapped by a level-1 "
	              "block");
}
END_TEST

START_TEST(test_high_half_va_maps_but_non_canonical_does_not)
{
	struct a64_pt_space s;

	memset(space, 0, sizeof(space));
	ck_assert_ok(a64_pt_space_init(&s, PT_GPA, space, sizeof(space), &e), e);
	ck_assert_ok(a64_pt_map_range(&s, 0x4000, 0xffff800000004000ULL, SZ_4K, &e), e);
	ck_assert_uint_eq(ent(1, 0), (PT_GPA + 2 * PAGE_SIZE) | 3);
	ck_assert_uint_eq(ent(0, 256), (PT_GPA + PAGE_SIZE) | 3); /* VA[47:39] = 256 */
	ck_assert_err(a64_pt_map_range(&s, 0x4000, 0x0000800000004000ULL, SZ_4K, &e), e, EINVAL,
	              "arm64 map: VA range [0x800000004000, +0x1000) is not canonical");
}
END_TEST

static Suite *a64_pagetables_suite(void)
{
	Suite *s = suite_create("a64_pagetables");
	TCase *maps = tcase_create("maps");
	TCase *errors = tcase_create("errors");

	tcase_add_test(maps, test_mair_openhcl_puts_normal_write_back_at_index_3);
	tcase_add_test(maps, test_openhcl_default_gives_three_tables_of_exact_descriptors);
	tcase_add_test(maps, test_gib_aligned_range_uses_1_gib_blocks);
	tcase_add_test(maps, test_unaligned_gib_edges_use_2_mib_blocks);
	tcase_add_test(maps, test_page_mix_uses_4k_pages_at_the_unaligned_ends);
	tcase_add_test(maps, test_dirty_space_still_gives_0xfe_root_and_zeroed_tables);
	tcase_add_loop_test(errors, test_unaligned_or_empty_range_is_refused, 0, 4);
	tcase_add_test(errors, test_too_little_space_is_enospc);
	tcase_add_test(errors, test_bad_space_is_refused);
	tcase_add_test(errors, test_mapping_over_a_mapping_is_eexist);
	tcase_add_test(errors, test_high_half_va_maps_but_non_canonical_does_not);
	suite_add_tcase(s, maps);
	suite_add_tcase(s, errors);
	return s;
}

int main(void)
{
	return run_suite(a64_pagetables_suite());
}
