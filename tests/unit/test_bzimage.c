// SPDX-License-Identifier: MIT
/* loader/bzimage.c: setup-header validation, in linux-loader's order. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "loader/bzimage.h"
#include "test_helpers.h"

static int parse(const struct fixture_bzimage *b, size_t trim, struct bzimage_info *info,
                 struct err *e)
{
	struct image_file f;
	size_t len;
	uint8_t *buf = fixture_bzimage_build(b, &len);
	int ret;

	image_file_from_buffer(&f, "bz", buf, trim ? trim : len);
	ret = bzimage_parse_header(&f, info, e);
	free(buf);
	return ret;
}

static void expect_failure(const struct fixture_bzimage *b, int errnum, const char *msg)
{
	struct bzimage_info info;
	struct err e;

	ck_assert_err(parse(b, 0, &info, &e), e, errnum, msg);
}

START_TEST(valid_header_is_parsed)
{
	struct fixture_bzimage b;
	struct bzimage_info info;
	struct err e;

	fixture_bzimage_default(&b);
	ck_assert_ok(parse(&b, 0, &info, &e), e);
	ck_assert_uint_eq(info.setup_sects, 27);
	ck_assert_uint_eq(info.pm_offset, 28 * 512);
	ck_assert_uint_eq(info.pm_size, 0x3000);
	ck_assert_uint_eq(info.hdr_len, 0x26c - 0x1f1);
	ck_assert_uint_eq(info.hdr.init_size, 0x800000);
	ck_assert_uint_eq(info.hdr.version, 0x020f);
}
END_TEST

START_TEST(setup_sects_zero_means_four)
{
	struct fixture_bzimage b;
	struct bzimage_info info;
	struct err e;

	fixture_bzimage_default(&b);
	b.setup_sects = 0;
	ck_assert_ok(parse(&b, 0, &info, &e), e);
	ck_assert_uint_eq(info.setup_sects, 4);
	ck_assert_uint_eq(info.pm_offset, 5 * 512);
}
END_TEST

START_TEST(runtime_start_respects_alignment_and_pref_address)
{
	struct fixture_bzimage b;
	struct bzimage_info info;
	struct err e;

	fixture_bzimage_default(&b);
	ck_assert_ok(parse(&b, 0, &info, &e), e);
	ck_assert_uint_eq(bzimage_runtime_start(&info, 0x100000), 0x1000000);
	ck_assert_uint_eq(bzimage_runtime_start(&info, 0x1100000), 0x1200000);
	info.hdr.relocatable_kernel = 0;
	ck_assert_uint_eq(bzimage_runtime_start(&info, 0x1100000), 0x1000000);
}
END_TEST

START_TEST(probe_needs_both_magics)
{
	struct fixture_bzimage b;
	struct image_file f;
	size_t len;
	uint8_t *buf;

	fixture_bzimage_default(&b);
	buf = fixture_bzimage_build(&b, &len);
	image_file_from_buffer(&f, "bz", buf, len);
	ck_assert(bzimage_probe(&f));
	buf[0x203] = 'x';
	ck_assert(!bzimage_probe(&f));
	free(buf);
}
END_TEST

START_TEST(truncated_header)
{
	struct fixture_bzimage b;
	struct bzimage_info info;
	struct err e;

	fixture_bzimage_default(&b);
	ck_assert_err(parse(&b, 0x240, &info, &e), e, EINVAL,
	              "bz: truncated setup header: file is 576 bytes, need at least 620");
}
END_TEST

START_TEST(bad_boot_flag)
{
	struct fixture_bzimage b;

	fixture_bzimage_default(&b);
	b.boot_flag = 0x1234;
	expect_failure(&b, EINVAL, "bz: setup header boot_flag 0x1234, expected 0xaa55");
}
END_TEST

START_TEST(bad_header_magic)
{
	struct fixture_bzimage b;

	fixture_bzimage_default(&b);
	b.header = 0x12345678;
	expect_failure(&b, EINVAL,
	               "bz: setup header magic 0x12345678, expected 0x53726448 (\"HdrS\")");
}
END_TEST

START_TEST(protocol_too_old)
{
	struct fixture_bzimage b;

	fixture_bzimage_default(&b);
	b.version = 0x020b;
	expect_failure(&b, EINVAL,
	               "bz: boot protocol version 2.11 is too old: the 64-bit entry needs 2.12");
}
END_TEST

START_TEST(not_loaded_high)
{
	struct fixture_bzimage b;

	fixture_bzimage_default(&b);
	b.loadflags = 0;
	expect_failure(&b, EINVAL, "bz: loadflags 0x00 lack LOADED_HIGH: a zImage, not a bzImage");
}
END_TEST

START_TEST(no_64bit_entry)
{
	struct fixture_bzimage b;

	fixture_bzimage_default(&b);
	b.xloadflags = 0x7e;
	expect_failure(&b, EINVAL,
	               "bz: xloadflags 0x007e lack XLF_KERNEL_64: the kernel has no 64-bit entry "
	               "point");
}
END_TEST

START_TEST(header_end_out_of_range)
{
	struct fixture_bzimage b;

	fixture_bzimage_default(&b);
	b.jump_offset = 0x10;
	expect_failure(&b, EINVAL,
	               "bz: setup header end 0x212 (from the jump at 0x200) is outside "
	               "0x264..0x290");
}
END_TEST

START_TEST(setup_sects_overflow)
{
	struct fixture_bzimage b;
	struct bzimage_info info;
	struct err e;

	fixture_bzimage_default(&b);
	b.setup_sects = 200;
	/* The file ends inside the claimed setup code. */
	ck_assert_err(parse(&b, 0x8000, &info, &e), e, EINVAL,
	              "bz: setup_sects=200 (102912 bytes of setup code) exceeds the file size "
	              "32768");
}
END_TEST

START_TEST(syssize_past_end_of_file)
{
	struct fixture_bzimage b;

	fixture_bzimage_default(&b);
	b.syssize = 0x400;
	expect_failure(&b, EINVAL,
	               "bz: syssize=1024 (16384 bytes of protected-mode code at 0x3800) runs past "
	               "the end of the file (26624 bytes)");
}
END_TEST

START_TEST(protected_mode_code_too_small)
{
	struct fixture_bzimage b;

	fixture_bzimage_default(&b);
	b.pm_size = 0x100;
	b.payload_offset = 0;
	b.payload_length = 0;
	expect_failure(&b, EINVAL,
	               "bz: protected-mode kernel is 256 bytes, too small to hold the 64-bit "
	               "entry at +0x200");
}
END_TEST

START_TEST(payload_out_of_bounds)
{
	struct fixture_bzimage b;

	fixture_bzimage_default(&b);
	b.payload_length = 0x2c01;
	expect_failure(&b, EINVAL,
	               "bz: payload_offset 0x400 + payload_length 0x2c01 runs past the "
	               "protected-mode kernel (12288 bytes)");
}
END_TEST

START_TEST(init_size_zero)
{
	struct fixture_bzimage b;

	fixture_bzimage_default(&b);
	b.init_size = 0;
	expect_failure(&b, EINVAL, "bz: init_size is 0: the kernel's memory need is unknown");
}
END_TEST

START_TEST(kernel_alignment_not_power_of_two)
{
	struct fixture_bzimage b;

	fixture_bzimage_default(&b);
	b.kernel_alignment = 0x300000;
	expect_failure(&b, EINVAL, "bz: kernel_alignment 0x300000 is not a power of two");
}
END_TEST

START_TEST(non_relocatable_with_bad_pref_address)
{
	struct fixture_bzimage b;

	fixture_bzimage_default(&b);
	b.relocatable = 0;
	b.pref_address = 0x1234;
	expect_failure(&b, EINVAL,
	               "bz: non-relocatable kernel with pref_address 0x1234 (must be page aligned "
	               "and at least 1 MiB)");
}
END_TEST

START_TEST(initrd_addr_max_zero)
{
	struct fixture_bzimage b;

	fixture_bzimage_default(&b);
	b.initrd_addr_max = 0;
	expect_failure(&b, EINVAL, "bz: initrd_addr_max is 0");
}
END_TEST

START_TEST(cmdline_size_zero)
{
	struct fixture_bzimage b;

	fixture_bzimage_default(&b);
	b.cmdline_size = 0;
	expect_failure(&b, EINVAL, "bz: cmdline_size is 0");
}
END_TEST

static Suite *bzimage_suite(void)
{
	Suite *s = suite_create("bzimage");
	TCase *ok = tcase_create("valid"), *bad = tcase_create("malformed");

	tcase_add_test(ok, valid_header_is_parsed);
	tcase_add_test(ok, setup_sects_zero_means_four);
	tcase_add_test(ok, runtime_start_respects_alignment_and_pref_address);
	tcase_add_test(ok, probe_needs_both_magics);
	tcase_add_test(bad, truncated_header);
	tcase_add_test(bad, bad_boot_flag);
	tcase_add_test(bad, bad_header_magic);
	tcase_add_test(bad, protocol_too_old);
	tcase_add_test(bad, not_loaded_high);
	tcase_add_test(bad, no_64bit_entry);
	tcase_add_test(bad, header_end_out_of_range);
	tcase_add_test(bad, setup_sects_overflow);
	tcase_add_test(bad, syssize_past_end_of_file);
	tcase_add_test(bad, protected_mode_code_too_small);
	tcase_add_test(bad, payload_out_of_bounds);
	tcase_add_test(bad, init_size_zero);
	tcase_add_test(bad, kernel_alignment_not_power_of_two);
	tcase_add_test(bad, non_relocatable_with_bad_pref_address);
	tcase_add_test(bad, initrd_addr_max_zero);
	tcase_add_test(bad, cmdline_size_zero);
	suite_add_tcase(s, ok);
	suite_add_tcase(s, bad);
	return s;
}

int main(void)
{
	return run_suite(bzimage_suite());
}
