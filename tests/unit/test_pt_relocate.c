// SPDX-License-Identifier: MIT
/*
 * Page-table relocation (arch/x86_64/pt_relocate.h, LOADER-SPEC §5.7). The
 * first cases restate igvm's own tests with tables laid out by hand; the
 * rest relocate OpenHCL-shaped tables from x86_pt_build and walk the result:
 * moved leaves map the moved pages, leaves for unrelocated memory stay,
 * directories inside the region follow the region.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "arch/x86_64/pt_builder.h"
#include "arch/x86_64/pt_relocate.h"
#include "test_helpers.h"

#define MAX_TABLES 32
#define TABLE_U64S (MAX_TABLES * X86_PT_ENTRIES)
#define VTL2_START (128 * SZ_1M)
#define VTL2_END   (640 * SZ_1M)
#define PT_REGION  0x27e00000ULL  /* near the top of the default VTL2 range */
#define PT_PAGES   20             /* PARAVISOR_X64_PAGE_TABLE_MAX_COUNT */
#define LEAF_1G    X86_PTE_LEAF2M /* 1 GiB leaves carry PS|D like 2 MiB ones */

static uint64_t orig[TABLE_U64S], want[TABLE_U64S], out[TABLE_U64S];
static unsigned int orig_used;
static size_t out_len;
static struct err e;

/* ---- tables by hand, as igvm's test helper lays them out -------------------- */

/* Writes value at level for va below the root at base, linking tables from *next_free. */
static void hand_map(uint64_t *t, gpa_t base, unsigned int *next_free, uint64_t va, int level,
                     uint64_t value)
{
	unsigned int table = 0;
	int l;

	for (l = 3; l > level; l--) {
		uint64_t *ent = &t[table * X86_PT_ENTRIES + x86_pt_index(va, l)];

		if (!(*ent & X86_PTE_P)) {
			ck_assert_uint_lt(*next_free, MAX_TABLES);
			*ent = (base + *next_free * PAGE_SIZE) | X86_PTE_DIR;
			table = (*next_free)++;
		} else {
			table = (unsigned int)(((*ent & X86_PTE_ADDR_MASK) - base) / PAGE_SIZE);
		}
	}
	if (value) {
		ck_assert_uint_eq(t[table * X86_PT_ENTRIES + x86_pt_index(va, level)], 0);
		t[table * X86_PT_ENTRIES + x86_pt_index(va, level)] = value;
	}
}

struct hand_entry {
	uint64_t va;
	int level;      /* 0 4 KiB, 1 2 MiB, 2 1 GiB */
	uint64_t value; /* 0: only link the tables down to level */
};

static unsigned int hand_build(uint64_t *t, gpa_t base, const struct hand_entry *h, unsigned int n)
{
	unsigned int next_free = 1, i;

	memset(t, 0, TABLE_U64S * sizeof(*t));
	for (i = 0; i < n; i++)
		hand_map(t, base, &next_free, h[i].va, h[i].level, h[i].value);
	return next_free;
}

static uint64_t leaf(uint64_t pa, int level)
{
	return pa | (level ? X86_PTE_LEAF2M : X86_PTE_LEAF4K);
}

/* ---- walking the result -------------------------------------------------------- */

/* Translates va through tables that live at base with the root at root_gpa. */
static bool walk(const uint64_t *t, gpa_t base, size_t ntables, gpa_t root_gpa, uint64_t va,
                 uint64_t *pa)
{
	size_t table = (root_gpa - base) / PAGE_SIZE;
	int level;

	for (level = 3; level >= 0; level--) {
		uint64_t ent = t[table * X86_PT_ENTRIES + x86_pt_index(va, level)], gpa;

		if (!(ent & X86_PTE_P))
			return false;
		gpa = ent & X86_PTE_ADDR_MASK;
		if (level == 0 || (level < 3 && (ent & X86_PTE_PS))) {
			*pa = gpa + (va & (x86_pt_level_size(level) - 1));
			return true;
		}
		if (gpa < base || gpa >= base + ntables * PAGE_SIZE)
			return false;
		table = (gpa - base) / PAGE_SIZE;
	}
	return false;
}

/* Every 2 MiB step of [start, end) maps va + delta to itself; with a delta, va is unmapped. */
static void assert_moved(gpa_t base, gpa_t root, uint64_t start, uint64_t end, uint64_t delta)
{
	uint64_t va, pa;

	for (va = start; va < end; va += SZ_2M) {
		ck_assert_msg(walk(out, base, out_len / PAGE_SIZE, root, va + delta, &pa),
		              "0x%llx is not mapped", (unsigned long long)(va + delta));
		ck_assert_uint_eq(pa, va + delta);
		if (delta && va < start + delta) /* the old VA, unless the new range covers it */
			ck_assert_msg(!walk(out, base, out_len / PAGE_SIZE, root, va, &pa),
			              "0x%llx is still mapped", (unsigned long long)va);
	}
}

/* ---- OpenHCL-shaped tables from the builder --------------------------------- */

static void build_openhcl(int cbit)
{
	static const struct x86_pt_range r = { VTL2_START, VTL2_END, false };

	ck_assert_ok(x86_pt_build(PT_REGION, &r, 1, cbit, orig, PT_PAGES, &orig_used, &e), e);
	ck_assert_uint_eq(orig_used, 3);
}

static int relocate(size_t region_pages, int64_t table_offset, uint64_t cr3,
                    const struct x86_pt_reloc_range *r, unsigned int n)
{
	err_clear(&e);
	memset(out, 0xa5, sizeof(out));
	out_len = 0;
	return x86_pt_relocate(orig, (size_t)orig_used * PAGE_SIZE, region_pages * PAGE_SIZE,
	                       PT_REGION, table_offset, cr3, 0, r, n, out, &out_len, &e);
}

/* ---- igvm's cases ------------------------------------------------------------ */

/*
 * builder_test_relocation: 4 KiB pages at 0 and 4K, 2 MiB pages at 2M and 4M,
 * 1 GiB pages at 1G and 2G; [0, 4K) moves by 1M, [2M, 4M) by 8M, [1G, 2G) by
 * 5G, and the tables by 1 TiB. Each moved leaf lands at va + offset, the rest
 * stay, and no table is added.
 */
START_TEST(test_igvm_relocation_case_moves_each_leaf_by_its_range_offset)
{
	const uint64_t cr3 = 1024 * SZ_1G, small = SZ_1M, med = 8 * SZ_1M, large = 5 * SZ_1G;
	const struct hand_entry before[] = {
		{ 0, 0, leaf(0, 0) },         { SZ_4K, 0, leaf(SZ_4K, 0) },
		{ SZ_2M, 1, leaf(SZ_2M, 1) }, { 2 * SZ_2M, 1, leaf(2 * SZ_2M, 1) },
		{ SZ_1G, 2, leaf(SZ_1G, 2) }, { 2 * SZ_1G, 2, leaf(2 * SZ_1G, 2) },
	};
	const struct hand_entry after[] = {
		{ SZ_4K, 0, leaf(SZ_4K, 0) },
		{ small, 0, leaf(small, 0) },
		{ SZ_2M + med, 1, leaf(SZ_2M + med, 1) },
		{ 2 * SZ_2M, 1, leaf(2 * SZ_2M, 1) },
		{ SZ_1G + large, 2, leaf(SZ_1G + large, 2) },
		{ 2 * SZ_1G, 2, leaf(2 * SZ_1G, 2) },
	};
	const struct x86_pt_reloc_range r[] = {
		{ 0, SZ_4K, (int64_t)small },
		{ SZ_2M, SZ_2M, (int64_t)med },
		{ SZ_1G, SZ_1G, (int64_t)large },
	};
	unsigned int n_before = hand_build(orig, cr3, before, ARRAY_SIZE(before));
	unsigned int n_after = hand_build(want, cr3 + cr3, after, ARRAY_SIZE(after));

	ck_assert_uint_eq(n_before, 4);
	ck_assert_ok(x86_pt_relocate(orig, n_before * PAGE_SIZE, 4 * n_before * PAGE_SIZE, cr3,
	                             (int64_t)cr3, cr3, 0, r, ARRAY_SIZE(r), out, &out_len, &e),
	             e);
	ck_assert_uint_eq(out_len, n_after * PAGE_SIZE);
	ck_assert_mem_eq(out, want, out_len);
}
END_TEST

/*
 * builder_test_allocation: [0, 2G) moves by 512 GiB, the tables stay. The old
 * tables keep their (now empty) directories; a PDPT, PD and PT come from the
 * free pool for the moved 4 KiB, 2 MiB and 1 GiB leaves.
 */
START_TEST(test_igvm_allocation_case_takes_new_tables_from_the_free_pool)
{
	const uint64_t cr3 = 2048 * SZ_1G, reloc = SZ_512G;
	const struct hand_entry before[] = {
		{ 0, 0, leaf(0, 0) },
		{ SZ_2M, 1, leaf(SZ_2M, 1) },
		{ SZ_1G, 2, leaf(SZ_1G, 2) },
	};
	const struct hand_entry after[] = {
		{ 0, 0, 0 },
		{ reloc, 0, leaf(reloc, 0) },
		{ SZ_2M + reloc, 1, leaf(SZ_2M + reloc, 1) },
		{ SZ_1G + reloc, 2, leaf(SZ_1G + reloc, 2) },
	};
	const struct x86_pt_reloc_range r = { 0, 2 * SZ_1G, (int64_t)reloc };
	unsigned int n_before = hand_build(orig, cr3, before, ARRAY_SIZE(before));
	unsigned int n_after = hand_build(want, cr3, after, ARRAY_SIZE(after));

	ck_assert_ok(x86_pt_relocate(orig, n_before * PAGE_SIZE, 2 * n_before * PAGE_SIZE, cr3, 0,
	                             cr3, 0, &r, 1, out, &out_len, &e),
	             e);
	ck_assert_uint_eq(n_after, 7);
	ck_assert_uint_eq(out_len, n_after * PAGE_SIZE);
	ck_assert_mem_eq(out, want, out_len);
}
END_TEST

/* builder_illegal_reloc: 3 MiB is no multiple of a 2 MiB leaf. */
START_TEST(test_igvm_illegal_case_offset_unaligned_to_a_leaf_is_refused)
{
	const uint64_t cr3 = 1024 * SZ_1G;
	const struct hand_entry before[] = {
		{ 0, 0, leaf(0, 0) },
		{ SZ_4K, 0, leaf(SZ_4K, 0) },
		{ SZ_2M, 1, leaf(SZ_2M, 1) },
		{ 2 * SZ_2M, 1, leaf(2 * SZ_2M, 1) },
	};
	const struct x86_pt_reloc_range r[] = {
		{ 0, SZ_4K, (int64_t)SZ_1M },
		{ SZ_2M, SZ_2M, (int64_t)(3 * SZ_1M) },
	};
	unsigned int n = hand_build(orig, cr3, before, ARRAY_SIZE(before));

	ck_assert_err(x86_pt_relocate(orig, n * PAGE_SIZE, 4 * n * PAGE_SIZE, cr3, (int64_t)cr3,
	                              cr3, 0, r, 2, out, &out_len, &e),
	              e, EINVAL,
	              "page-table relocation of [0x10000000000, 0x10000010000) by 0x10000000000: "
	              "offset 0x300000 is not aligned to the 0x200000-byte leaf at 0x200000");
}
END_TEST

/* ---- OpenHCL-shaped tables -------------------------------------------------- */

/* The whole image and its tables move 256 MiB: same three tables, everything follows. */
START_TEST(test_whole_range_and_tables_move_256_mib_in_place)
{
	const uint64_t off = 256 * SZ_1M, new_region = PT_REGION + off;
	const struct x86_pt_reloc_range r = { VTL2_START, VTL2_END - VTL2_START, (int64_t)off };

	build_openhcl(-1);
	ck_assert_ok(relocate(PT_PAGES, (int64_t)off, PT_REGION, &r, 1), e);
	ck_assert_uint_eq(out_len, 3 * PAGE_SIZE);
	ck_assert_uint_eq(out[0], (new_region + PAGE_SIZE) | 0x23);
	ck_assert_uint_eq(out[X86_PT_ENTRIES], (new_region + 2 * PAGE_SIZE) | 0x23);
	assert_moved(new_region, new_region, VTL2_START, VTL2_END, off);
}
END_TEST

/* 1 GiB up: the leaves move to the next GiB, whose PD comes from the free pool. */
START_TEST(test_whole_range_moves_1_gib_into_a_new_page_directory)
{
	const uint64_t new_region = PT_REGION + SZ_1G;
	const struct x86_pt_reloc_range r = { VTL2_START, VTL2_END - VTL2_START, (int64_t)SZ_1G };
	unsigned int i;

	build_openhcl(-1);
	ck_assert_ok(relocate(PT_PAGES, (int64_t)SZ_1G, PT_REGION, &r, 1), e);
	ck_assert_uint_eq(out_len, 4 * PAGE_SIZE);
	ck_assert_uint_eq(out[X86_PT_ENTRIES + 1], (new_region + 3 * PAGE_SIZE) | 0x23);
	for (i = 0; i < X86_PT_ENTRIES; i++)
		ck_assert_uint_eq(out[2 * X86_PT_ENTRIES + i], 0); /* the old PD is emptied */
	assert_moved(new_region, new_region, VTL2_START, VTL2_END, SZ_1G);
}
END_TEST

/* Only the image [128M, 192M) is relocatable: the rest of VTL2 RAM keeps its leaves. */
START_TEST(test_leaves_for_unrelocated_memory_stay)
{
	const uint64_t image_end = 192 * SZ_1M, new_region = PT_REGION + SZ_1G;
	const struct x86_pt_reloc_range r = { VTL2_START, image_end - VTL2_START, (int64_t)SZ_1G };
	unsigned int i;

	build_openhcl(-1);
	ck_assert_ok(relocate(PT_PAGES, (int64_t)SZ_1G, PT_REGION, &r, 1), e);
	ck_assert_uint_eq(out_len, 4 * PAGE_SIZE);
	assert_moved(new_region, new_region, VTL2_START, image_end, SZ_1G);
	assert_moved(new_region, new_region, image_end, VTL2_END, 0);
	for (i = image_end / SZ_2M; i < VTL2_END / SZ_2M; i++)
		ck_assert_uint_eq(out[2 * X86_PT_ENTRIES + i], orig[2 * X86_PT_ENTRIES + i]);
}
END_TEST

/* Offsets below the leaf size leave the large page covering the moved data. */
START_TEST(test_offset_smaller_than_the_leaf_leaves_it_alone)
{
	const struct x86_pt_reloc_range small = { VTL2_START, SZ_2M, (int64_t)SZ_1M };
	const struct x86_pt_reloc_range r1g = { SZ_1G, SZ_1G, (int64_t)(510 * SZ_2M) };
	const struct hand_entry gib[] = { { SZ_1G, 2, leaf(SZ_1G, 2) } };
	unsigned int n;

	build_openhcl(-1);
	ck_assert_ok(relocate(PT_PAGES, 0, PT_REGION, &small, 1), e);
	ck_assert_uint_eq(out_len, 3 * PAGE_SIZE);
	ck_assert_mem_eq(out, orig, out_len);

	n = hand_build(orig, PT_REGION, gib, 1);
	orig_used = n;
	ck_assert_ok(relocate(n, 0, PT_REGION, &r1g, 1), e);
	ck_assert_mem_eq(out, orig, n * PAGE_SIZE);
}
END_TEST

START_TEST(test_unaligned_offset_is_refused)
{
	const struct x86_pt_reloc_range r = { VTL2_START, 2 * SZ_2M, (int64_t)(SZ_2M + SZ_4K) };

	build_openhcl(-1);
	ck_assert_err(relocate(PT_PAGES, 0, PT_REGION, &r, 1), e, EINVAL,
	              "page-table relocation of [0x27e00000, 0x27e14000) by 0x0: offset 0x201000 "
	              "is not aligned to the 0x200000-byte leaf at 0x8000000");
}
END_TEST

START_TEST(test_too_few_free_tables_is_enospc)
{
	const struct x86_pt_reloc_range r = { VTL2_START, VTL2_END - VTL2_START, (int64_t)SZ_1G };

	build_openhcl(-1);
	ck_assert_err(relocate(3, (int64_t)SZ_1G, PT_REGION, &r, 1), e, ENOSPC,
	              "page-table relocation of [0x27e00000, 0x27e03000) by 0x40000000: no free "
	              "table left to map 0x48000000: all 3 tables of the region are in use");
	ck_assert_ok(relocate(4, (int64_t)SZ_1G, PT_REGION, &r, 1), e);
}
END_TEST

START_TEST(test_bad_cr3_cr4_or_offsets_are_refused_with_einval)
{
	static const struct {
		size_t pages;
		int64_t table_offset;
		uint64_t cr3, cr4;
		int64_t range_offset;
		const char *msg;
	} cases[] = {
		{ PT_PAGES, 0, PT_REGION - PAGE_SIZE, 0, 0,
		  "page-table relocation: CR3 0x27dff000 is outside the page-table region "
		  "[0x27e00000, 0x27e14000)" },
		{ PT_PAGES, 0, PT_REGION + PT_PAGES * PAGE_SIZE, 0, 0,
		  "page-table relocation: CR3 0x27e14000 is outside the page-table region "
		  "[0x27e00000, 0x27e14000)" },
		{ PT_PAGES, 0, PT_REGION + 3 * PAGE_SIZE, 0, 0,
		  "page-table relocation: CR3 0x27e03000 points past the 0x3000 used bytes at "
		  "0x27e00000" },
		{ PT_PAGES, 0, PT_REGION, X86_CR4_LA57 | 0x20, 0,
		  "page-table relocation: CR4 0x1020 has LA57 set; 5-level paging is unsupported" },
		{ PT_PAGES, -(int64_t)SZ_2M, PT_REGION, 0, 0,
		  "page-table relocation: region offset -2097152 is not a non-negative multiple of "
		  "4 KiB" },
		{ PT_PAGES, 0x800, PT_REGION, 0, 0,
		  "page-table relocation: region offset 2048 is not a non-negative multiple of "
		  "4 KiB" },
		{ PT_PAGES, 0, PT_REGION, 0, -(int64_t)SZ_2M,
		  "page-table relocation: relocated range 0 at 0x8000000: negative offset -2097152 "
		  "is unsupported" },
		{ 2, 0, PT_REGION, 0, 0,
		  "page-table relocation: region 0x27e00000: size 0x2000, used 0x3000 must be "
		  "whole "
		  "pages with 0 < used <= size" },
	};
	const struct x86_pt_reloc_range r = { VTL2_START, SZ_2M, cases[_i].range_offset };

	build_openhcl(-1);
	err_clear(&e);
	ck_assert_err(x86_pt_relocate(orig, 3 * PAGE_SIZE, cases[_i].pages * PAGE_SIZE, PT_REGION,
	                              cases[_i].table_offset, cases[_i].cr3, cases[_i].cr4, &r, 1,
	                              out, &out_len, &e),
	              e, EINVAL, cases[_i].msg);
}
END_TEST

/* ---- malformed or unusual tables ------------------------------------------ */

/* A directory outside the region is neither moved nor followed. */
START_TEST(test_directory_outside_the_region_is_left_unchanged)
{
	const struct x86_pt_reloc_range r = { 0, SZ_4G, (int64_t)SZ_1G };
	const uint64_t foreign = 0x5000 | X86_PTE_DIR;

	build_openhcl(-1);
	orig[1] = foreign; /* PML4[1] -> a table somewhere else */
	ck_assert_ok(relocate(PT_PAGES, (int64_t)SZ_1G, PT_REGION, &r, 1), e);
	ck_assert_uint_eq(out[1], foreign);
	assert_moved(PT_REGION + SZ_1G, PT_REGION + SZ_1G, VTL2_START, VTL2_END, SZ_1G);
}
END_TEST

START_TEST(test_table_reached_twice_is_refused)
{
	build_openhcl(-1);
	orig[X86_PT_ENTRIES + 5] = orig[X86_PT_ENTRIES]; /* PDPT[5] -> the same PD */
	ck_assert_err(relocate(PT_PAGES, 0, PT_REGION, NULL, 0), e, EINVAL,
	              "page-table relocation of [0x27e00000, 0x27e14000) by 0x0: level-2 entry for "
	              "0x140000000 points to table 2, which is already in use");
}
END_TEST

/* A leaf that moves onto a different existing entry is a conflict; an identical one is not. */
START_TEST(test_moved_leaf_must_match_an_entry_already_there)
{
	const struct hand_entry ro[] = {
		{ SZ_2M, 1, leaf(SZ_2M, 1) },
		{ 2 * SZ_2M, 1, leaf(2 * SZ_2M, 1) & ~X86_PTE_RW },
	};
	const struct x86_pt_reloc_range r = { SZ_2M, SZ_2M, (int64_t)SZ_2M };

	orig_used = hand_build(orig, PT_REGION, ro, 2);
	ck_assert_err(relocate(PT_PAGES, 0, PT_REGION, &r, 1), e, EEXIST,
	              "page-table relocation of [0x27e00000, 0x27e14000) by 0x0: moved leaf "
	              "0x4000e3 for 0x400000 collides with entry 0x4000e1");
	orig[2 * X86_PT_ENTRIES + 2] |= X86_PTE_RW;
	ck_assert_ok(relocate(PT_PAGES, 0, PT_REGION, &r, 1), e);
	ck_assert_uint_eq(out[2 * X86_PT_ENTRIES + 1], 0);
	ck_assert_uint_eq(out[2 * X86_PT_ENTRIES + 2], leaf(2 * SZ_2M, 1));
}
END_TEST

START_TEST(test_leaf_over_ranges_with_different_offsets_is_refused)
{
	const struct x86_pt_reloc_range r[] = {
		{ VTL2_START, SZ_1M, (int64_t)SZ_1G },
		{ VTL2_START + SZ_1M, SZ_1M, (int64_t)(2 * SZ_1G) },
	};

	build_openhcl(-1);
	ck_assert_err(relocate(PT_PAGES, 0, PT_REGION, r, 2), e, EINVAL,
	              "page-table relocation of [0x27e00000, 0x27e14000) by 0x0: leaf at 0x8000000 "
	              "(0x200000 bytes) overlaps relocated ranges with different offsets");
}
END_TEST

/*
 * igvm reads addresses with mask 0x000f_ffff_ffff_f000, which keeps bit 51:
 * SNP tables (C-bit 51) point "outside" the region, so nothing is followed or moved.
 */
START_TEST(test_c_bit_directories_are_not_followed_as_in_igvm)
{
	const struct x86_pt_reloc_range r = { VTL2_START, VTL2_END - VTL2_START, (int64_t)SZ_1G };

	build_openhcl(51);
	ck_assert_ok(relocate(PT_PAGES, (int64_t)SZ_1G, PT_REGION, &r, 1), e);
	ck_assert_uint_eq(out_len, 3 * PAGE_SIZE);
	ck_assert_mem_eq(out, orig, out_len);
}
END_TEST

static Suite *pt_relocate_suite(void)
{
	Suite *s = suite_create("pt_relocate");
	TCase *igvm = tcase_create("igvm cases");
	TCase *openhcl = tcase_create("openhcl tables");
	TCase *odd = tcase_create("malformed tables");

	tcase_add_test(igvm, test_igvm_relocation_case_moves_each_leaf_by_its_range_offset);
	tcase_add_test(igvm, test_igvm_allocation_case_takes_new_tables_from_the_free_pool);
	tcase_add_test(igvm, test_igvm_illegal_case_offset_unaligned_to_a_leaf_is_refused);
	tcase_add_test(openhcl, test_whole_range_and_tables_move_256_mib_in_place);
	tcase_add_test(openhcl, test_whole_range_moves_1_gib_into_a_new_page_directory);
	tcase_add_test(openhcl, test_leaves_for_unrelocated_memory_stay);
	tcase_add_test(openhcl, test_offset_smaller_than_the_leaf_leaves_it_alone);
	tcase_add_test(openhcl, test_unaligned_offset_is_refused);
	tcase_add_test(openhcl, test_too_few_free_tables_is_enospc);
	tcase_add_loop_test(openhcl, test_bad_cr3_cr4_or_offsets_are_refused_with_einval, 0, 8);
	tcase_add_test(odd, test_directory_outside_the_region_is_left_unchanged);
	tcase_add_test(odd, test_table_reached_twice_is_refused);
	tcase_add_test(odd, test_moved_leaf_must_match_an_entry_already_there);
	tcase_add_test(odd, test_leaf_over_ranges_with_different_offsets_is_refused);
	tcase_add_test(odd, test_c_bit_directories_are_not_followed_as_in_igvm);
	suite_add_tcase(s, igvm);
	suite_add_tcase(s, openhcl);
	suite_add_tcase(s, odd);
	return s;
}

int main(void)
{
	return run_suite(pt_relocate_suite());
}
