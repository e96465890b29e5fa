// SPDX-License-Identifier: MIT
/*
 * The bounded kernel command-line builder (loader/cmdline.h): parts joined
 * with one space, a capacity that counts the NUL, printable ASCII only.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/sizes.h"
#include "loader/cmdline.h"

#define ck_assert_err(ret, e, err_no, text)             \
	do {                                            \
		ck_assert_int_eq((ret), -(err_no));     \
		ck_assert_int_eq((e).errnum, (err_no)); \
		ck_assert_str_eq((e).msg, (text));      \
	} while (0)

static struct cmdline c;
static struct err e;

static void init_ok(size_t capacity)
{
	ck_assert_msg(cmdline_init(&c, capacity, &e) == 0, "%s", e.msg);
}

static void append_ok(const char *s)
{
	ck_assert_msg(cmdline_append(&c, s, &e) == 0, "append '%s': %s", s, e.msg);
}

static void assert_cmdline(const char *want)
{
	ck_assert_str_eq(cmdline_str(&c), want);
	ck_assert_uint_eq(c.len, strlen(want));
}

static void teardown(void)
{
	cmdline_free(&c);
}

START_TEST(test_parts_are_joined_by_one_space)
{
	init_ok(64);
	assert_cmdline("");
	append_ok("console=ttyS0");
	assert_cmdline("console=ttyS0");
	append_ok("panic=-1");
	append_ok("root=/dev/vda rw");
	assert_cmdline("console=ttyS0 panic=-1 root=/dev/vda rw");
}
END_TEST

START_TEST(test_empty_append_is_a_no_op)
{
	init_ok(16);
	append_ok("");
	assert_cmdline("");
	append_ok("quiet");
	append_ok("");
	append_ok("");
	append_ok("ro");
	assert_cmdline("quiet ro");
}
END_TEST

START_TEST(test_zero_capacity_is_refused_with_einval)
{
	ck_assert_err(cmdline_init(&c, 0, &e), e, EINVAL, "command line: capacity 0");
}
END_TEST

/* A command line of exactly capacity - 1 characters fits; one more does not. */
static const struct {
	size_t capacity;
	const char *first, *second; /* second == NULL: first alone */
	const char *fits;           /* the result, or NULL when the last part must not fit */
	const char *msg;
} capacity_cases[] = {
	{ 8, "abcdefg", NULL, "abcdefg", NULL },
	{ 8, "abcdefgh", NULL, NULL, "command line is 8 bytes, the limit is 7 (plus the NUL)" },
	{ 8, "abc", "xyz", "abc xyz", NULL },
	{ 8, "abc", "wxyz", NULL, "command line is 8 bytes, the limit is 7 (plus the NUL)" },
	{ 1, "a", NULL, NULL, "command line is 1 bytes, the limit is 0 (plus the NUL)" },
	{ 2, "a", "b", NULL, "command line is 3 bytes, the limit is 1 (plus the NUL)" },
};

START_TEST(test_exactly_at_capacity_fits_and_one_more_byte_is_e2big)
{
	const char *first = capacity_cases[_i].first, *second = capacity_cases[_i].second;
	const char *last = second ? second : first;
	int ret;

	init_ok(capacity_cases[_i].capacity);
	if (second)
		append_ok(first);
	ret = cmdline_append(&c, last, &e);
	if (capacity_cases[_i].fits) {
		ck_assert_msg(ret == 0, "%s", e.msg);
		assert_cmdline(capacity_cases[_i].fits);
		return;
	}
	ck_assert_err(ret, e, E2BIG, capacity_cases[_i].msg);
	assert_cmdline(second ? first : ""); /* unchanged */
}
END_TEST

START_TEST(test_elf_capacity_holds_2047_characters)
{
	static char s[CMDLINE_ELF_CAPACITY + 1];

	memset(s, 'x', CMDLINE_ELF_CAPACITY);
	init_ok(CMDLINE_ELF_CAPACITY);
	ck_assert_err(cmdline_append(&c, s, &e), e, E2BIG,
	              "command line is 2048 bytes, the limit is 2047 (plus the NUL)");
	s[CMDLINE_ELF_CAPACITY - 1] = '\0';
	append_ok(s);
	ck_assert_uint_eq(c.len, CMDLINE_ELF_CAPACITY - 1);
	ck_assert_int_eq(cmdline_append(&c, "y", &e), -E2BIG);
}
END_TEST

START_TEST(test_non_printable_byte_is_refused_with_einval_naming_byte_and_offset)
{
	static const struct {
		const char *before, *part;
		const char *msg;
	} cases[] = {
		{ "", "root=/dev/vda\n",
		  "command line: byte 0x0a at offset 13 is not printable ASCII" },
		{ "", "\tquiet", "command line: byte 0x09 at offset 0 is not printable ASCII" },
		{ "quiet", "a\x7f", "command line: byte 0x7f at offset 7 is not printable ASCII" },
		{ "ro", "caf\xc3\xa9",
		  "command line: byte 0xc3 at offset 6 is not printable ASCII" },
		{ "ro", "\x80", "command line: byte 0x80 at offset 3 is not printable ASCII" },
		{ "", "a\x01", "command line: byte 0x01 at offset 1 is not printable ASCII" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		init_ok(64);
		append_ok(cases[i].before);
		ck_assert_err(cmdline_append(&c, cases[i].part, &e), e, EINVAL, cases[i].msg);
		assert_cmdline(cases[i].before);
		cmdline_free(&c);
	}
}
END_TEST

START_TEST(test_printable_ascii_edges_are_accepted)
{
	init_ok(8);
	append_ok(" ~"); /* 0x20 and 0x7e */
	assert_cmdline(" ~");
}
END_TEST

static Suite *cmdline_suite(void)
{
	Suite *s = suite_create("cmdline");
	TCase *tc = tcase_create("cmdline");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_parts_are_joined_by_one_space);
	tcase_add_test(tc, test_empty_append_is_a_no_op);
	tcase_add_test(tc, test_zero_capacity_is_refused_with_einval);
	tcase_add_loop_test(tc, test_exactly_at_capacity_fits_and_one_more_byte_is_e2big, 0,
	                    (int)ARRAY_SIZE(capacity_cases));
	tcase_add_test(tc, test_elf_capacity_holds_2047_characters);
	tcase_add_test(tc, test_non_printable_byte_is_refused_with_einval_naming_byte_and_offset);
	tcase_add_test(tc, test_printable_ascii_edges_are_accepted);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(cmdline_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
