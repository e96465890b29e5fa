// SPDX-License-Identifier: MIT
/*
 * x86 guest RAM layout (arch/x86_64/mem_layout.h): RAM below the 3 GiB MMIO
 * hole continues at 4 GiB, and the E820 map is derived from the same ranges.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/x86_64/mem_layout.h"

#define ck_assert_err(ret, e, err_no, text)             \
	do {                                            \
		ck_assert_int_eq((ret), -(err_no));     \
		ck_assert_int_eq((e).errnum, (err_no)); \
		ck_assert_str_eq((e).msg, (text));      \
	} while (0)

#define SZ_3G   (3 * SZ_1G)
#define SZ_1T   (1ULL << 40)
#define EBDA    0x9fc00ULL
#define RAM     X86_E820_RAM
#define RESERVD X86_E820_RESERVED

struct e820_want {
	uint64_t start, end;
	uint32_t type;
};

static const struct {
	uint64_t mem;
	unsigned int nr_ram;
	struct mem_range ram[2];
	unsigned int nr_e820;
	struct e820_want e820[4];
} layouts[] = {
	{ SZ_2M,
	  1,
	  { { 0, SZ_2M } },
	  3,
	  { { 0, EBDA, RAM }, { EBDA, SZ_1M, RESERVD }, { SZ_1M, SZ_2M, RAM } } },
	{ 512 * SZ_1M,
	  1,
	  { { 0, 512 * SZ_1M } },
	  3,
	  { { 0, EBDA, RAM }, { EBDA, SZ_1M, RESERVD }, { SZ_1M, 512 * SZ_1M, RAM } } },
	{ SZ_3G,
	  1,
	  { { 0, SZ_3G } },
	  3,
	  { { 0, EBDA, RAM }, { EBDA, SZ_1M, RESERVD }, { SZ_1M, SZ_3G, RAM } } },
	{ SZ_3G + SZ_2M,
	  2,
	  { { 0, SZ_3G }, { SZ_4G, SZ_4G + SZ_2M } },
	  4,
	  { { 0, EBDA, RAM },
	    { EBDA, SZ_1M, RESERVD },
	    { SZ_1M, SZ_3G, RAM },
	    { SZ_4G, SZ_4G + SZ_2M, RAM } } },
	{ SZ_4G,
	  2,
	  { { 0, SZ_3G }, { SZ_4G, SZ_4G + SZ_1G } },
	  4,
	  { { 0, EBDA, RAM },
	    { EBDA, SZ_1M, RESERVD },
	    { SZ_1M, SZ_3G, RAM },
	    { SZ_4G, SZ_4G + SZ_1G, RAM } } },
	{ SZ_1T,
	  2,
	  { { 0, SZ_3G }, { SZ_4G, SZ_1T + SZ_1G } },
	  4,
	  { { 0, EBDA, RAM },
	    { EBDA, SZ_1M, RESERVD },
	    { SZ_1M, SZ_3G, RAM },
	    { SZ_4G, SZ_1T + SZ_1G, RAM } } },
};

static struct err e;

static void init_ok(struct x86_mem_layout *l, uint64_t mem)
{
	int ret = x86_mem_layout_init(l, mem, &e);

	ck_assert_msg(ret == 0, "0x%llx: %s", (unsigned long long)mem, e.msg);
}

/* Loop test over layouts[]. */
START_TEST(test_ram_is_split_around_the_mmio_hole_between_3g_and_4g)
{
	struct x86_mem_layout l;
	unsigned int i;

	init_ok(&l, layouts[_i].mem);
	ck_assert_uint_eq(l.mem_size, layouts[_i].mem);
	ck_assert_uint_eq(l.nr_ram, layouts[_i].nr_ram);
	for (i = 0; i < l.nr_ram; i++) {
		ck_assert_uint_eq(l.ram[i].start, layouts[_i].ram[i].start);
		ck_assert_uint_eq(l.ram[i].end, layouts[_i].ram[i].end);
	}
	ck_assert_uint_eq(x86_mem_layout_low_end(&l), layouts[_i].ram[0].end);
}
END_TEST

/* Loop test over layouts[]. */
START_TEST(test_e820_has_low_ram_legacy_window_high_ram_and_ram_above_4g)
{
	struct x86_e820_entry map[8];
	struct x86_mem_layout l;
	unsigned int nr = 99, i;

	init_ok(&l, layouts[_i].mem);
	ck_assert_int_eq(x86_mem_layout_e820(&l, map, ARRAY_SIZE(map), &nr, &e), 0);
	ck_assert_uint_eq(nr, layouts[_i].nr_e820);
	for (i = 0; i < nr; i++) {
		const struct e820_want *w = &layouts[_i].e820[i];

		ck_assert_uint_eq(map[i].addr, w->start);
		ck_assert_uint_eq(map[i].size, w->end - w->start);
		ck_assert_uint_eq(map[i].type, w->type);
	}
}
END_TEST

/* Loop test over layouts[]: one entry short of what the map needs. */
START_TEST(test_e820_with_too_few_slots_fails_with_enospc)
{
	struct x86_e820_entry map[4];
	struct x86_mem_layout l;
	unsigned int max = layouts[_i].nr_e820 - 1, nr;
	char want[64];

	init_ok(&l, layouts[_i].mem);
	snprintf(want, sizeof(want), "E820 map: more than %u entries", max);
	ck_assert_err(x86_mem_layout_e820(&l, map, max, &nr, &e), e, ENOSPC, want);
	ck_assert_err(x86_mem_layout_e820(&l, map, 0, &nr, &e), e, ENOSPC,
	              "E820 map: more than 0 entries");
}
END_TEST

START_TEST(test_size_outside_2m_to_1t_is_refused_with_einval_naming_it)
{
	static const struct {
		uint64_t mem;
		const char *msg;
	} cases[] = {
		{ 0, "memory size 0 MiB is outside 2 MiB .. 1024 GiB" },
		{ SZ_1M, "memory size 1 MiB is outside 2 MiB .. 1024 GiB" },
		{ SZ_1T + SZ_2M, "memory size 1048578 MiB is outside 2 MiB .. 1024 GiB" },
		{ 2 * SZ_1T, "memory size 2097152 MiB is outside 2 MiB .. 1024 GiB" },
	};
	struct x86_mem_layout l;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		ck_assert_err(x86_mem_layout_init(&l, cases[i].mem, &e), e, EINVAL, cases[i].msg);
}
END_TEST

START_TEST(test_size_not_a_multiple_of_2m_is_refused_with_einval_naming_it)
{
	static const struct {
		uint64_t mem;
		const char *msg;
	} cases[] = {
		{ 3 * SZ_1M, "memory size 3145728 bytes is not a multiple of 2 MiB (guest RAM is "
		             "backed by 2 MiB pages)" },
		{ 512 * SZ_1M + PAGE_SIZE, "memory size 536875008 bytes is not a multiple of 2 MiB "
		                           "(guest RAM is backed by 2 MiB pages)" },
	};
	struct x86_mem_layout l;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		ck_assert_err(x86_mem_layout_init(&l, cases[i].mem, &e), e, EINVAL, cases[i].msg);
}
END_TEST

/*
 * The size in the message is the size asked for: a size below the minimum
 * that is not a whole number of MiB must not be reported rounded down
 * (0x1ff000 is not "1 MiB", 4 KiB is not "0 MiB").
 */
START_TEST(test_refused_size_is_named_exactly_even_below_one_mib_granularity)
{
	static const struct {
		uint64_t mem;
		const char *dec, *hex;
	} cases[] = { { 0x1ff000, "2093056", "0x1ff000" }, { 0x1000, "4096", "0x1000" } };
	struct x86_mem_layout l;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		ck_assert_int_eq(x86_mem_layout_init(&l, cases[i].mem, &e), -EINVAL);
		ck_assert_msg(strstr(e.msg, cases[i].dec) || strstr(e.msg, cases[i].hex),
		              "message for %s bytes does not name the size: '%s'", cases[i].dec,
		              e.msg);
	}
}
END_TEST

static Suite *mem_layout_suite(void)
{
	Suite *s = suite_create("mem_layout");
	TCase *ram = tcase_create("ram");
	TCase *sizes = tcase_create("sizes");
	int n = (int)ARRAY_SIZE(layouts);

	tcase_add_loop_test(ram, test_ram_is_split_around_the_mmio_hole_between_3g_and_4g, 0, n);
	tcase_add_loop_test(ram, test_e820_has_low_ram_legacy_window_high_ram_and_ram_above_4g, 0,
	                    n);
	tcase_add_loop_test(ram, test_e820_with_too_few_slots_fails_with_enospc, 0, n);
	tcase_add_test(sizes, test_size_outside_2m_to_1t_is_refused_with_einval_naming_it);
	tcase_add_test(sizes, test_size_not_a_multiple_of_2m_is_refused_with_einval_naming_it);
	tcase_add_test(sizes, test_refused_size_is_named_exactly_even_below_one_mib_granularity);
	suite_add_tcase(s, ram);
	suite_add_tcase(s, sizes);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(mem_layout_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
