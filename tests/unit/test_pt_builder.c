// SPDX-License-Identifier: MIT
/*
 * The range-based x86-64 identity page-table builder
 * (arch/x86_64/pt_builder.h, LOADER-SPEC §3.1-§3.2 HEAD). Table counts are
 * the spec's and OpenVMM's own test values; every built set of tables is then
 * decoded and walked: every page of every range must translate to itself and
 * nothing else may be mapped.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "arch/x86_64/pt_builder.h"
#include "loader/paravisor_defs.h"
#include "test_helpers.h"

#define MAX_TABLES 32
#define PT_GPA     0x1000000ULL /* 16 MiB, outside every mapped range below */
#define C_BIT      51
#define FLAGS_MASK (~X86_PTE_ADDR_MASK)

static uint64_t tables[MAX_TABLES * X86_PT_ENTRIES];
static unsigned int used;
static struct err e;

static int build(const struct x86_pt_range *r, unsigned int n, int cbit, unsigned int max)
{
	err_clear(&e);
	used = 0;
	memset(tables, 0xa5, sizeof(tables)); /* the builder must clear what it uses */
	return x86_pt_build(PT_GPA, r, n, cbit, tables, max, &used, &e);
}

static void build_ok(const struct x86_pt_range *r, unsigned int n, int cbit)
{
	ck_assert_ok(build(r, n, cbit, MAX_TABLES), e);
}

static uint64_t *entry_at(unsigned int table, unsigned int index)
{
	ck_assert_uint_lt(table, used);
	return &tables[table * X86_PT_ENTRIES + index];
}

/* The table a directory entry points to, checked to be one of the built tables. */
static unsigned int table_of(uint64_t entry, uint64_t cbit)
{
	uint64_t gpa = entry & X86_PTE_ADDR_MASK & ~cbit;

	ck_assert_uint_ge(gpa, PT_GPA);
	ck_assert_uint_lt(gpa, PT_GPA + (uint64_t)used * PAGE_SIZE);
	return (unsigned int)((gpa - PT_GPA) / PAGE_SIZE);
}

/* Walks va like the MMU; returns false when unmapped or broken, else the PA and the leaf. */
static bool translate(uint64_t va, uint64_t cbit, uint64_t *pa, uint64_t *leaf)
{
	unsigned int table = 0;
	int level;

	for (level = 3; level >= 0; level--) {
		uint64_t ent = tables[table * X86_PT_ENTRIES + x86_pt_index(va, level)], gpa;

		if (!(ent & X86_PTE_P))
			return false;
		if (level == 0 || (level < 3 && (ent & X86_PTE_PS))) {
			uint64_t size = x86_pt_level_size(level);

			*pa = (ent & X86_PTE_ADDR_MASK & ~cbit) + (va & (size - 1));
			*leaf = ent;
			return true;
		}
		gpa = ent & X86_PTE_ADDR_MASK & ~cbit;
		if (gpa < PT_GPA || gpa >= PT_GPA + (uint64_t)used * PAGE_SIZE)
			return false;
		table = (unsigned int)((gpa - PT_GPA) / PAGE_SIZE);
	}
	return false;
}

static bool in_ranges(const struct x86_pt_range *r, unsigned int n, uint64_t start, uint64_t size,
                      bool *read_only)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (start >= r[i].start && start + size <= r[i].end) {
			*read_only = r[i].read_only;
			return true;
		}
	return false;
}

/*
 * Every present entry reachable from the root: directories are dir|0x23|cbit,
 * leaves identity-map a piece of one range with that range's permissions.
 * Returns the bytes mapped below this table.
 */
static uint64_t check_table(unsigned int table, int level, uint64_t va_base,
                            const struct x86_pt_range *r, unsigned int n, uint64_t cbit)
{
	uint64_t size = x86_pt_level_size(level), mapped = 0;
	unsigned int i;

	for (i = 0; i < X86_PT_ENTRIES; i++) {
		uint64_t ent = *entry_at(table, i), va = va_base + i * size;
		bool ro = false;

		if (!ent)
			continue;
		ck_assert_msg(ent & X86_PTE_P, "non-zero absent entry 0x%llx",
		              (unsigned long long)ent);
		if (level == 0 || (level < 3 && (ent & X86_PTE_PS))) {
			uint64_t want = level ? X86_PTE_LEAF2M : X86_PTE_LEAF4K;

			ck_assert_msg(in_ranges(r, n, va, size, &ro),
			              "leaf for 0x%llx (0x%llx bytes) lies outside every range",
			              (unsigned long long)va, (unsigned long long)size);
			if (ro)
				want &= ~X86_PTE_RW;
			ck_assert_uint_eq(ent, va | want | cbit);
			mapped += size;
			continue;
		}
		ck_assert_uint_eq(ent & FLAGS_MASK & ~cbit, X86_PT_ENTRY_DIR);
		ck_assert_uint_eq(ent & cbit, cbit);
		mapped += check_table(table_of(ent, cbit), level - 1, va, r, n, cbit);
	}
	return mapped;
}

/* The decode-and-walk check: exactly the ranges, identity, nothing more. */
static void assert_identity_map(const struct x86_pt_range *r, unsigned int n, int cbit_nr)
{
	uint64_t cbit = cbit_nr < 0 ? 0 : 1ULL << cbit_nr, total = 0, va, pa, leaf;
	unsigned int i;

	for (i = 0; i < n; i++) {
		total += r[i].end - r[i].start;
		for (va = r[i].start; va < r[i].end; va += PAGE_SIZE)
			if (!translate(va, cbit, &pa, &leaf) || pa != va ||
			    !(leaf & X86_PTE_RW) != r[i].read_only)
				ck_abort_msg(
				    "0x%llx is not mapped to itself with the range's access",
				    (unsigned long long)va);
	}
	ck_assert_uint_eq(check_table(0, 3, 0, r, n, cbit), total);
}

/* ---- calculate_pde_table_count --------------------------------------------- */

START_TEST(test_pde_table_count_matches_the_spec_values)
{
	static const struct {
		uint64_t start, size, count;
	} cases[] = {
		{ 0, 512, 1 },
		{ SZ_1G - 512, 1024, 2 },
		{ 0, SZ_1G, 1 },
		{ 0, SZ_1G + 1, 2 },
		{ 512, 2 * SZ_1G, 3 },
		{ SZ_1G, 3 * SZ_1G, 3 },
		/* OpenVMM's other test values */
		{ 0, SZ_1M, 1 },
		{ 512, SZ_1M, 1 },
		{ SZ_1G - 512, 512, 1 },
		{ 1, SZ_1G + 1, 2 },
		{ 0, 3 * SZ_1G, 3 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		ck_assert_msg(
		    x86_pde_table_count(cases[i].start, cases[i].size) == cases[i].count,
		    "case %u: (0x%llx, 0x%llx) gave %llu", i, (unsigned long long)cases[i].start,
		    (unsigned long long)cases[i].size,
		    (unsigned long long)x86_pde_table_count(cases[i].start, cases[i].size));
}
END_TEST

/* ---- greedy largest pages ------------------------------------------------ */

START_TEST(test_greedy_pages_need_the_spec_table_counts)
{
	static const struct {
		uint64_t start, end;
		unsigned int tables;
	} cases[] = {
		{ 0, SZ_1G, 2 },             /* PML4, PDPT with one 1 GiB leaf */
		{ 0, SZ_2M, 3 },             /* + PD with one 2 MiB leaf */
		{ 0, SZ_4K, 4 },             /* + PT with one 4 KiB leaf */
		{ SZ_2M, SZ_1G, 3 },         /* 511 x 2 MiB */
		{ SZ_2M, SZ_1G + SZ_4K, 5 }, /* + PD and PT for the page above 1 GiB */
		{ SZ_4K, SZ_1G, 4 },         /* 511 x 4 KiB, then 2 MiB leaves */
		{ SZ_2M, SZ_1G + SZ_2M, 4 }, /* two PDs */
		{ SZ_1G, 3 * SZ_1G, 2 },     /* two 1 GiB leaves */
	};
	struct x86_pt_range r = { cases[_i].start, cases[_i].end, false };

	build_ok(&r, 1, -1);
	ck_assert_uint_eq(used, cases[_i].tables);
	assert_identity_map(&r, 1, -1);
}
END_TEST

START_TEST(test_one_gib_leaf_where_a_range_covers_an_aligned_gib)
{
	static const struct x86_pt_range r = { SZ_1G - SZ_2M, 2 * SZ_1G + SZ_4K, false };
	uint64_t pa, leaf;

	build_ok(&r, 1, -1);
	ck_assert(translate(SZ_1G, 0, &pa, &leaf));
	ck_assert_uint_eq(leaf, SZ_1G | X86_PTE_LEAF2M); /* 1 GiB leaves carry PS|D too */
	ck_assert(translate(SZ_1G - SZ_2M, 0, &pa, &leaf));
	ck_assert_uint_eq(leaf, (SZ_1G - SZ_2M) | X86_PTE_LEAF2M);
	ck_assert(translate(2 * SZ_1G, 0, &pa, &leaf));
	ck_assert_uint_eq(leaf, 2 * SZ_1G | X86_PTE_LEAF4K);
	ck_assert(!translate(2 * SZ_1G + SZ_4K, 0, &pa, &leaf));
	assert_identity_map(&r, 1, -1);
}
END_TEST

START_TEST(test_empty_range_maps_nothing_and_uses_only_the_root)
{
	static const struct x86_pt_range r = { SZ_2M, SZ_2M, false };

	build_ok(&r, 1, -1);
	ck_assert_uint_eq(used, 1);
	assert_identity_map(&r, 1, -1);
}
END_TEST

/* ---- OpenHCL's ranges ------------------------------------------------------ */

/* The default VTL2 range, 512 MiB at 128 MiB: PML4, PDPT, one PD of 256 x 2 MiB. */
START_TEST(test_openhcl_default_range_gives_three_tables_with_exact_entries)
{
	static const struct x86_pt_range r = { PARAVISOR_DEFAULT_MEMORY_BASE_ADDRESS,
		                               PARAVISOR_DEFAULT_MEMORY_BASE_ADDRESS + 512 * SZ_1M,
		                               false };
	unsigned int i;

	build_ok(&r, 1, -1);
	ck_assert_uint_eq(used, 3);
	ck_assert_uint_eq(*entry_at(0, 0), (PT_GPA + 0x1000) | 0x23);
	ck_assert_uint_eq(*entry_at(1, 0), (PT_GPA + 0x2000) | 0x23);
	for (i = 0; i < X86_PT_ENTRIES; i++) {
		uint64_t want = i >= 64 && i < 320 ? (i * SZ_2M) | 0xe3 : 0;

		ck_assert_uint_eq(*entry_at(2, i), want);
		if (i)
			ck_assert_uint_eq(*entry_at(0, i) | *entry_at(1, i), 0);
	}
	assert_identity_map(&r, 1, -1);
}
END_TEST

/* SNP: the local map first, then VTL2 RAM, C-bit 51 in every entry, directories included. */
START_TEST(test_confidential_bit_is_set_in_every_entry)
{
	static const struct x86_pt_range r[] = {
		{ PARAVISOR_LOCAL_MAP_VA, PARAVISOR_LOCAL_MAP_VA + PARAVISOR_LOCAL_MAP_SIZE,
		  false },
		{ 128 * SZ_1M, 640 * SZ_1M, false },
	};
	const uint64_t c = 1ULL << C_BIT;

	build_ok(r, 2, C_BIT);
	ck_assert_uint_eq(used, 3);
	ck_assert_uint_eq(*entry_at(0, 0), (PT_GPA + 0x1000) | 0x23 | c);
	ck_assert_uint_eq(*entry_at(1, 0), (PT_GPA + 0x2000) | 0x23 | c);
	ck_assert_uint_eq(*entry_at(2, 1), SZ_2M | 0xe3 | c);
	ck_assert_uint_eq(*entry_at(2, 64), 128 * SZ_1M | 0xe3 | c);
	assert_identity_map(r, 2, C_BIT);
}
END_TEST

/* TDX: the reset page at 0xfffff000 needs a PD and a PT of its own. */
START_TEST(test_tdx_reset_page_is_one_4k_leaf_in_two_more_tables)
{
	static const struct x86_pt_range r[] = {
		{ 128 * SZ_1M, 640 * SZ_1M, false },
		{ 0xfffff000ULL, SZ_4G, false },
	};
	uint64_t pa, leaf;

	build_ok(r, 2, -1);
	ck_assert_uint_eq(used, 5);
	ck_assert(translate(0xfffff000ULL, 0, &pa, &leaf));
	ck_assert_uint_eq(leaf, 0xfffff000ULL | 0x63);
	ck_assert_uint_eq(*entry_at(1, 3), (PT_GPA + 3 * PAGE_SIZE) | 0x23);
	assert_identity_map(r, 2, -1);
}
END_TEST

START_TEST(test_read_only_clears_rw_on_leaves_only)
{
	static const struct x86_pt_range r[] = {
		{ SZ_4K, 3 * SZ_4K, true },
		{ 3 * SZ_4K, SZ_2M, false },
		{ SZ_2M, SZ_1G, true },
		{ SZ_1G, 2 * SZ_1G, true },
	};
	uint64_t pa, leaf;

	build_ok(r, 4, -1);
	ck_assert(translate(SZ_4K, 0, &pa, &leaf));
	ck_assert_uint_eq(leaf, SZ_4K | 0x61);
	ck_assert(translate(3 * SZ_4K, 0, &pa, &leaf));
	ck_assert_uint_eq(leaf, 3 * SZ_4K | 0x63);
	ck_assert(translate(SZ_2M, 0, &pa, &leaf));
	ck_assert_uint_eq(leaf, SZ_2M | 0xe1);
	ck_assert(translate(SZ_1G, 0, &pa, &leaf));
	ck_assert_uint_eq(leaf, SZ_1G | 0xe1);
	ck_assert_uint_eq(*entry_at(0, 0) & FLAGS_MASK, 0x23);
	ck_assert_uint_eq(*entry_at(1, 0) & FLAGS_MASK, 0x23);
	assert_identity_map(r, 4, -1);
}
END_TEST

/* Adjacent and spread ranges share directories and still map exactly themselves. */
START_TEST(test_several_ranges_map_exactly_themselves)
{
	static const struct x86_pt_range r[] = {
		{ 0, SZ_4K, false },
		{ 5 * SZ_4K, SZ_2M + 7 * SZ_4K, true },
		{ SZ_2M + 7 * SZ_4K, SZ_1G + SZ_2M, false },
		{ 3 * SZ_1G + SZ_4K, 5 * SZ_1G - SZ_2M, false },
		{ SZ_512G + SZ_1G, SZ_512G + SZ_1G + SZ_4K, true },
	};

	build_ok(r, ARRAY_SIZE(r), -1);
	assert_identity_map(r, ARRAY_SIZE(r), -1);
}
END_TEST

/* ---- errors ------------------------------------------------------------------ */

START_TEST(test_bad_range_lists_are_refused_with_einval)
{
	static const struct {
		struct x86_pt_range r[2];
		unsigned int n;
		const char *msg;
	} cases[] = {
		{ { { SZ_2M, SZ_4K } },
		  1,
		  "x86 page tables at 0x1000000: range 0 [0x200000, 0x1000): start is above end" },
		{ { { SZ_1G, 2 * SZ_1G }, { 0, SZ_2M } },
		  2,
		  "x86 page tables at 0x1000000: ranges are not sorted: range 1 starts at 0x0, "
		  "below range 0 at 0x40000000" },
		{ { { 0, SZ_2M + SZ_4K }, { SZ_2M, SZ_1G } },
		  2,
		  "x86 page tables at 0x1000000: range 0 [0x0, 0x201000) overlaps range 1 "
		  "[0x200000, 0x40000000)" },
		{ { { 0x800, SZ_2M } },
		  1,
		  "x86 page tables at 0x1000000: range 0 [0x800, 0x200000) is not 4 KiB aligned" },
		{ { { 0, SZ_2M + 1 } },
		  1,
		  "x86 page tables at 0x1000000: range 0 [0x0, 0x200001) is not 4 KiB aligned" },
		{ { { SZ_1G, 1ULL << 49 } },
		  1,
		  "x86 page tables at 0x1000000: range 0 [0x40000000, 0x2000000000000) ends above "
		  "0x1000000000000, beyond 4-level paging" },
	};

	ck_assert_err(build(cases[_i].r, cases[_i].n, -1, MAX_TABLES), e, EINVAL, cases[_i].msg);
}
END_TEST

START_TEST(test_aligned_512_gib_block_is_unsupported)
{
	static const struct x86_pt_range r = { SZ_512G, 2 * SZ_512G, false };

	ck_assert_err(build(&r, 1, -1, MAX_TABLES), e, EINVAL,
	              "x86 page tables at 0x1000000, range 0: 0x8000000000 starts an aligned "
	              "512 GiB block; PML4 leaves are unsupported");
}
END_TEST

START_TEST(test_more_tables_than_max_is_enospc)
{
	static const struct x86_pt_range r = { 0, SZ_4K, false };

	ck_assert_err(build(&r, 1, -1, 3), e, ENOSPC,
	              "x86 page tables at 0x1000000, range 0: mapping 0x0 needs a level-0 table "
	              "beyond the 3 available");
	ck_assert_ok(build(&r, 1, -1, 4), e);
	ck_assert_uint_eq(used, 4);
	ck_assert_err(build(&r, 1, -1, 0), e, ENOSPC,
	              "x86 page tables at 0x1000000: no room for the PML4");
}
END_TEST

START_TEST(test_confidential_bit_must_be_an_address_or_high_bit)
{
	static const struct x86_pt_range r = { 0, SZ_2M, false };

	ck_assert_err(build(&r, 1, 5, MAX_TABLES), e, EINVAL,
	              "x86 page tables: confidential bit 5 is not in bits 12..63 of an entry");
	ck_assert_err(build(&r, 1, 64, MAX_TABLES), e, EINVAL,
	              "x86 page tables: confidential bit 64 is not in bits 12..63 of an entry");
	ck_assert_ok(build(&r, 1, 63, MAX_TABLES), e);
}
END_TEST

static Suite *pt_builder_suite(void)
{
	Suite *s = suite_create("pt_builder");
	TCase *count = tcase_create("table counts");
	TCase *openhcl = tcase_create("openhcl ranges");
	TCase *errors = tcase_create("errors");

	tcase_add_test(count, test_pde_table_count_matches_the_spec_values);
	tcase_add_loop_test(count, test_greedy_pages_need_the_spec_table_counts, 0, 8);
	tcase_add_test(count, test_one_gib_leaf_where_a_range_covers_an_aligned_gib);
	tcase_add_test(count, test_empty_range_maps_nothing_and_uses_only_the_root);
	tcase_add_test(openhcl, test_openhcl_default_range_gives_three_tables_with_exact_entries);
	tcase_add_test(openhcl, test_confidential_bit_is_set_in_every_entry);
	tcase_add_test(openhcl, test_tdx_reset_page_is_one_4k_leaf_in_two_more_tables);
	tcase_add_test(openhcl, test_read_only_clears_rw_on_leaves_only);
	tcase_add_test(openhcl, test_several_ranges_map_exactly_themselves);
	tcase_add_loop_test(errors, test_bad_range_lists_are_refused_with_einval, 0, 6);
	tcase_add_test(errors, test_aligned_512_gib_block_is_unsupported);
	tcase_add_test(errors, test_more_tables_than_max_is_enospc);
	tcase_add_test(errors, test_confidential_bit_must_be_an_address_or_high_bit);
	suite_add_tcase(s, count);
	suite_add_tcase(s, openhcl);
	suite_add_tcase(s, errors);
	return s;
}

int main(void)
{
	return run_suite(pt_builder_suite());
}
