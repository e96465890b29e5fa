// SPDX-License-Identifier: MIT
/*
 * Command-line values (lib/parse.h) and minivmm's own command line
 * (vmm/config.h).
 */
#include <check.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/parse.h"
#include "lib/sizes.h"
#include "vmm/config.h"

#define ck_assert_err(ret, e, err_no, text)             \
	do {                                            \
		ck_assert_int_eq((ret), -(err_no));     \
		ck_assert_int_eq((e).errnum, (err_no)); \
		ck_assert_str_eq((e).msg, (text));      \
	} while (0)

static struct err e;

struct value_ok {
	const char *s;
	uint64_t v;
};

struct value_bad {
	const char *s;
	int err;
	const char *msg;
};

/* ---- parse_size ------------------------------------------------------------ */

static const struct value_ok sizes_ok[] = {
	{ "4096", 4096 },
	{ "0x1000", 0x1000 },
	{ "64K", 64 * SZ_1K },
	{ "512M", 512 * SZ_1M },
	{ "2G", 2 * SZ_1G },
	{ "1T", 1ULL << 40 },
	{ "512MiB", 512 * SZ_1M },
	{ "512MB", 512 * SZ_1M },
	{ "64k", 64 * SZ_1K },
	{ "512m", 512 * SZ_1M },
	{ "2g", 2 * SZ_1G },
	{ "1t", 1ULL << 40 },
	{ "512mib", 512 * SZ_1M },
	{ "512mb", 512 * SZ_1M },
	{ "0x10M", 16 * SZ_1M },
	{ "0", 0 },
	{ "16777215T", 16777215ULL << 40 }, /* the largest T that fits in 64 bits */
	{ "18446744073709551615", UINT64_MAX },
};

static const struct value_bad sizes_bad[] = {
	{ "", EINVAL, "'' is not a size (examples: 512M, 2G)" },
	{ "M", EINVAL, "'M' is not a size (examples: 512M, 2G)" },
	{ "-1", EINVAL, "'-1' is not a size (examples: 512M, 2G)" },
	{ " 1M", EINVAL, "' 1M' is not a size (examples: 512M, 2G)" },
	{ "12Q", EINVAL, "'12Q': unknown size suffix 'Q' (use K, M, G or T)" },
	{ "12 M", EINVAL, "'12 M': unknown size suffix ' ' (use K, M, G or T)" },
	{ "12MX", EINVAL, "'12MX': trailing characters after the size" },
	{ "12MiBs", EINVAL, "'12MiBs': trailing characters after the size" },
	{ "20000000T", ERANGE, "'20000000T' is too large" },
	{ "16777216T", ERANGE, "'16777216T' is too large" },
	{ "17179869184G", ERANGE, "'17179869184G' is too large" },
};

START_TEST(test_parse_size_accepts_binary_suffixes_in_any_case)
{
	uint64_t v = 1;
	int ret = parse_size(sizes_ok[_i].s, &v, &e);

	ck_assert_msg(ret == 0, "'%s': %s", sizes_ok[_i].s, e.msg);
	ck_assert_uint_eq(v, sizes_ok[_i].v);
}
END_TEST

START_TEST(test_parse_size_refuses_malformed_or_too_large_sizes)
{
	uint64_t v = 1234;

	ck_assert_err(parse_size(sizes_bad[_i].s, &v, &e), e, sizes_bad[_i].err, sizes_bad[_i].msg);
	ck_assert_uint_eq(v, 1234); /* untouched */
}
END_TEST

/* Too large for 64 bits is the same error whether or not a suffix overflows it. */
START_TEST(test_parse_size_number_too_large_for_64_bits_is_erange)
{
	uint64_t v;

	ck_assert_err(parse_size("18446744073709551616", &v, &e), e, ERANGE,
	              "'18446744073709551616' is too large");
}
END_TEST

/* ---- parse_u64 -------------------------------------------------------------------- */

static const struct value_ok u64_ok[] = {
	{ "0", 0 },
	{ "42", 42 },
	{ "0x1f", 0x1f },
	{ "0X1F", 0x1f },
	{ "18446744073709551615", UINT64_MAX },
};

static const struct value_bad u64_bad[] = {
	{ "", EINVAL, "'' is not a number" },
	{ "x", EINVAL, "'x' is not a number" },
	{ "-1", EINVAL, "'-1' is not a number" },
	{ "+1", EINVAL, "'+1' is not a number" },
	{ " 1", EINVAL, "' 1' is not a number" },
	{ "12K", EINVAL, "'12K' is not a number" },
	{ "0x", EINVAL, "'0x' is not a number" },
	{ "18446744073709551616", ERANGE, "'18446744073709551616' is too large" },
};

START_TEST(test_parse_u64_accepts_decimal_and_hex)
{
	uint64_t v = 1;

	ck_assert_msg(parse_u64(u64_ok[_i].s, &v, &e) == 0, "'%s': %s", u64_ok[_i].s, e.msg);
	ck_assert_uint_eq(v, u64_ok[_i].v);
}
END_TEST

START_TEST(test_parse_u64_refuses_anything_but_a_plain_number)
{
	uint64_t v = 1234;

	ck_assert_err(parse_u64(u64_bad[_i].s, &v, &e), e, u64_bad[_i].err, u64_bad[_i].msg);
	ck_assert_uint_eq(v, 1234);
}
END_TEST

/* "decimal or 0x-hex" (parse.h): a leading zero does not switch to octal. */
START_TEST(test_leading_zero_is_still_decimal)
{
	uint64_t v = 0;

	ck_assert_msg(parse_u64("010", &v, &e) == 0, "%s", e.msg);
	ck_assert_uint_eq(v, 10);
	ck_assert_msg(parse_u64("08", &v, &e) == 0, "%s", e.msg);
	ck_assert_uint_eq(v, 8);
	ck_assert_msg(parse_size("0512M", &v, &e) == 0, "%s", e.msg);
	ck_assert_uint_eq(v, 512 * SZ_1M);
}
END_TEST

/* ---- config_parse ------------------------------------------------------------------ */

static struct vmm_config cfg;

/* Parses "minivmm" followed by the NULL-terminated arguments. */
static int parse(const char *arg, ...)
{
	char *argv[32] = { "minivmm" };
	int argc = 1;
	va_list ap;

	va_start(ap, arg);
	for (; arg; arg = va_arg(ap, const char *)) {
		ck_assert_int_lt(argc, (int)ARRAY_SIZE(argv) - 1);
		argv[argc++] = (char *)arg;
	}
	va_end(ap);
	return config_parse(&cfg, argc, argv, &e);
}

#define parse_ok(...) ck_assert_msg(parse(__VA_ARGS__, NULL) == 0, "%s", e.msg)

START_TEST(test_config_defaults)
{
	parse_ok("--kernel", "vmlinux");
	ck_assert_str_eq(cfg.kernel, "vmlinux");
	ck_assert_ptr_null(cfg.initrd);
	ck_assert_str_eq(cfg.cmdline, "console=ttyS0 reboot=k panic=-1");
	ck_assert_uint_eq(cfg.mem_size, 512 * SZ_1M);
	ck_assert_int_eq(cfg.boot, X86_BOOT_64BIT);
	ck_assert(!cfg.dump_layout && !cfg.help && !cfg.version);
	ck_assert_int_eq(cfg.verbose, 0);
}
END_TEST

static void assert_every_option_set(void)
{
	ck_assert_str_eq(cfg.kernel, "bzImage");
	ck_assert_str_eq(cfg.initrd, "initrd.gz");
	ck_assert_str_eq(cfg.cmdline, "console=ttyS0 quiet");
	ck_assert_uint_eq(cfg.mem_size, 2 * SZ_1G);
	ck_assert_int_eq(cfg.boot, X86_BOOT_PVH);
	ck_assert(cfg.dump_layout && cfg.help && cfg.version);
	ck_assert_int_eq(cfg.verbose, 2);
}

START_TEST(test_config_every_long_option)
{
	parse_ok("--kernel", "bzImage", "--initrd", "initrd.gz", "--cmdline", "console=ttyS0 quiet",
	         "--mem", "2G", "--boot", "pvh", "--dump-layout", "--verbose", "--verbose",
	         "--help", "--version");
	assert_every_option_set();
	parse_ok("--kernel=bzImage", "--initrd=initrd.gz", "--cmdline=console=ttyS0 quiet",
	         "--mem=2048M", "--boot=pvh", "--dump-layout", "--verbose", "--verbose", "--help",
	         "--version");
	assert_every_option_set();
}
END_TEST

START_TEST(test_config_every_short_option)
{
	parse_ok("-k", "bzImage", "-i", "initrd.gz", "-c", "console=ttyS0 quiet", "-m", "2G",
	         "-vvh", "--boot", "pvh", "--dump-layout", "--version");
	assert_every_option_set();
	parse_ok("-kbzImage", "-iinitrd.gz", "-cconsole=ttyS0 quiet", "-m2G", "-v", "-v", "-h",
	         "--boot", "pvh", "--dump-layout", "--version");
	assert_every_option_set();
}
END_TEST

START_TEST(test_config_boot_is_64bit_or_pvh)
{
	parse_ok("--kernel", "k", "--boot", "pvh", "--boot", "64bit");
	ck_assert_int_eq(cfg.boot, X86_BOOT_64BIT);
	parse_ok("--kernel", "k", "--boot", "pvh");
	ck_assert_int_eq(cfg.boot, X86_BOOT_PVH);
}
END_TEST

START_TEST(test_config_help_and_version_need_no_kernel)
{
	parse_ok("--help");
	ck_assert(cfg.help);
	parse_ok("--version");
	ck_assert(cfg.version);
	parse_ok("-h");
	ck_assert(cfg.help);
}
END_TEST

static const struct {
	const char *argv[6];
	const char *msg;
} config_errors[] = {
	{ { "--kernel", "k", "--boot", "efi" }, "--boot efi: expected 64bit or pvh" },
	{ { "--kernel", "k", "--boot", "PVH" }, "--boot PVH: expected 64bit or pvh" },
	{ { "--kernel", "k", "--mem", "12Q" },
	  "--mem: '12Q': unknown size suffix 'Q' (use K, M, G or T)" },
	{ { "--kernel", "k", "--mem", "" }, "--mem: '' is not a size (examples: 512M, 2G)" },
	{ { "--kernel", "k", "--frobnicate" },
	  "--frobnicate: unknown option or missing value (see --help)" },
	{ { "-z", "--kernel", "k" }, "-z: unknown option or missing value (see --help)" },
	{ { "--kernel" }, "--kernel: unknown option or missing value (see --help)" },
	{ { "--kernel", "k", "-m" }, "-m: unknown option or missing value (see --help)" },
	{ { "--dump-layout=yes", "--kernel", "k" },
	  "--dump-layout=yes: unknown option or missing value (see --help)" },
	{ { "--initrd", "i" }, "--kernel is required (see --help)" },
	{ { "-v" }, "--kernel is required (see --help)" },
	{ { "--kernel", "k", "extra" }, "unexpected argument 'extra' (see --help)" },
	{ { "vmlinux", "--kernel", "k" }, "unexpected argument 'vmlinux' (see --help)" },
	{ { "--kernel", "k", "--", "--mem" }, "unexpected argument '--mem' (see --help)" },
};

START_TEST(test_config_error_names_the_option_and_the_value)
{
	const char *const *a = config_errors[_i].argv;

	ck_assert_err(parse(a[0], a[1], a[2], a[3], a[4], a[5], NULL), e, EINVAL,
	              config_errors[_i].msg);
}
END_TEST

/* The unknown option may be the first of a bundle of short options. */
START_TEST(test_config_unknown_short_option_in_a_bundle_is_named)
{
	ck_assert_int_eq(parse("-zv", "--kernel", "k", NULL), -EINVAL);
	ck_assert_msg(strstr(e.msg, "-z") != NULL, "'%s' does not name -z", e.msg);
}
END_TEST

/* Each call parses only its own argv, whatever an earlier call left behind. */
START_TEST(test_config_parse_starts_afresh_after_an_earlier_failure)
{
	ck_assert_int_eq(parse("-zv", "--kernel", "k", NULL), -EINVAL);
	parse_ok("--kernel", "vmlinux");
	ck_assert_str_eq(cfg.kernel, "vmlinux");
	ck_assert_int_eq(cfg.verbose, 0);
}
END_TEST

static Suite *parse_suite(void)
{
	Suite *s = suite_create("parse");
	TCase *values = tcase_create("values");
	TCase *config = tcase_create("config");

	tcase_add_loop_test(values, test_parse_size_accepts_binary_suffixes_in_any_case, 0,
	                    (int)ARRAY_SIZE(sizes_ok));
	tcase_add_loop_test(values, test_parse_size_refuses_malformed_or_too_large_sizes, 0,
	                    (int)ARRAY_SIZE(sizes_bad));
	tcase_add_test(values, test_parse_size_number_too_large_for_64_bits_is_erange);
	tcase_add_loop_test(values, test_parse_u64_accepts_decimal_and_hex, 0,
	                    (int)ARRAY_SIZE(u64_ok));
	tcase_add_loop_test(values, test_parse_u64_refuses_anything_but_a_plain_number, 0,
	                    (int)ARRAY_SIZE(u64_bad));
	tcase_add_test(values, test_leading_zero_is_still_decimal);
	tcase_add_test(config, test_config_defaults);
	tcase_add_test(config, test_config_every_long_option);
	tcase_add_test(config, test_config_every_short_option);
	tcase_add_test(config, test_config_boot_is_64bit_or_pvh);
	tcase_add_test(config, test_config_help_and_version_need_no_kernel);
	tcase_add_loop_test(config, test_config_error_names_the_option_and_the_value, 0,
	                    (int)ARRAY_SIZE(config_errors));
	tcase_add_test(config, test_config_unknown_short_option_in_a_bundle_is_named);
	tcase_add_test(config, test_config_parse_starts_afresh_after_an_earlier_failure);
	suite_add_tcase(s, values);
	suite_add_tcase(s, config);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(parse_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
