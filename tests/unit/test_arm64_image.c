// SPDX-License-Identifier: MIT
/*
 * loader/arm64_image.c and loader/gunzip.c: the arm64 Image header checks
 * (magic, endianness, page size, placement flag, text_offset, truncation),
 * set_direct_boot_registers_arm64, and gzip'd Images: inflated exactly,
 * refused with the offset when corrupt or cut short.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "fixtures.h"
#include "loader/arm64_image.h"
#include "loader/gunzip.h"
#include "loader/importer_record.h"
#include "test_helpers.h"

static int parse(const struct fixture_arm64_image *a, struct err *e)
{
	struct arm64_image_header h;
	struct image_file f;
	size_t len;
	uint8_t *buf = fixture_arm64_image_build(a, &len);
	int ret;

	image_file_from_buffer(&f, "Image", buf, len);
	ret = arm64_image_parse(&f, &h, e);
	free(buf);
	return ret;
}

/* gzip (RFC 1952) of data, malloc'd. */
static uint8_t *gzip_of(const uint8_t *data, size_t len, size_t *out_len)
{
	z_stream zs = { 0 };
	size_t cap = len + 1024;
	uint8_t *out = malloc(cap);

	ck_assert_int_eq(deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY),
	                 Z_OK);
	zs.next_in = (Bytef *)(uintptr_t)data;
	zs.avail_in = (uInt)len;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	ck_assert_int_eq(deflate(&zs, Z_FINISH), Z_STREAM_END);
	*out_len = zs.total_out;
	deflateEnd(&zs);
	return out;
}

START_TEST(valid_header_parses)
{
	struct fixture_arm64_image a;
	struct err e = { 0 };

	fixture_arm64_image_default(&a);
	ck_assert_ok(parse(&a, &e), e);
	a.text_offset = 0x80000; /* pre-4.x kernels */
	ck_assert_ok(parse(&a, &e), e);
}
END_TEST

START_TEST(header_errors_name_the_field)
{
	struct fixture_arm64_image a;
	struct err e = { 0 };

	fixture_arm64_image_default(&a);
	a.magic = 0x12345678;
	ck_assert_err(parse(&a, &e), e, EINVAL,
	              "Image: arm64 Image magic 0x12345678 at 0x38, expected 0x644d5241 "
	              "(\"ARM\\x64\")");
	fixture_arm64_image_default(&a);
	a.flags = 0xb;
	ck_assert_err(parse(&a, &e), e, EINVAL,
	              "Image: arm64 Image flags 0xb: a big-endian kernel");
	a.flags = 0xc; /* 16 KiB pages */
	ck_assert_err(parse(&a, &e), e, EINVAL,
	              "Image: arm64 Image flags 0xc: page size code 2, a 4 KiB-page kernel (1) is "
	              "required");
	a.flags = 0x2;
	ck_assert_err(parse(&a, &e), e, EINVAL,
	              "Image: arm64 Image flags 0x2 lack bit 3: the kernel must be placeable "
	              "anywhere in physical memory");
	fixture_arm64_image_default(&a);
	a.text_offset = 0x200000;
	ck_assert_err(parse(&a, &e), e, EINVAL,
	              "Image: arm64 Image text_offset 0x200000: expected a 4 KiB-aligned offset "
	              "below 2 MiB");
	a.text_offset = 0x80010;
	ck_assert_int_eq(parse(&a, &e), -EINVAL);
	fixture_arm64_image_default(&a);
	a.file_size = 63;
	{
		struct image_file f;
		struct arm64_image_header h;
		uint8_t buf[63] = { 0 };

		image_file_from_buffer(&f, "Image", buf, sizeof(buf));
		ck_assert_err(arm64_image_parse(&f, &h, &e), e, EINVAL,
		              "Image: truncated arm64 Image header: file is 63 bytes, need 64");
	}
}
END_TEST

START_TEST(boot_registers_of_the_spec)
{
	const struct arm64_load_info info = { .entry = 0x41200000,
		                              .dtb_gpa = 0x42000000,
		                              .dtb_size = 0x800 };
	const struct {
		enum a64_reg_name name;
		uint64_t value;
	} want[] = {
		{ A64_REG_PC, 0x41200000 },        { A64_REG_CPSR, 0x3c5 },
		{ A64_REG_SCTLR_EL1, 0x30d01804 }, { A64_REG_TCR_EL1, 0x580803591ULL },
		{ A64_REG_TTBR0_EL1, 0 },          { A64_REG_TTBR1_EL1, 0 },
		{ A64_REG_VBAR_EL1, 0 },           { A64_REG_X0, 0x42000000 },
	};
	struct mem_range ram = { SZ_1G, 2 * SZ_1G };
	struct record_importer ri;
	struct err e = { 0 };
	unsigned int i;

	record_importer_init(&ri, GUEST_ARCH_AARCH64, &ram, 1);
	ck_assert_ok(arm64_set_direct_boot_registers(&ri.base, &info, &e), e);
	ck_assert_uint_eq(ri.base.nr_regs, ARRAY_SIZE(want));
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		ck_assert_int_eq(ri.base.regs[i].a64.name, want[i].name);
		ck_assert_uint_eq(ri.base.regs[i].a64.value, want[i].value);
	}
	importer_destroy(&ri.base);
	/* No DTB: X0 stays as the vCPU reset left it. */
	record_importer_init(&ri, GUEST_ARCH_AARCH64, &ram, 1);
	ck_assert_ok(arm64_set_direct_boot_registers(
	                 &ri.base, &(struct arm64_load_info){ .entry = 0x41200000 }, &e),
	             e);
	ck_assert_uint_eq(ri.base.nr_regs, ARRAY_SIZE(want) - 1);
	ck_assert_ptr_null(importer_find_a64_register(&ri.base, A64_REG_X0));
	importer_destroy(&ri.base);
}
END_TEST

START_TEST(gzip_image_inflates_exactly)
{
	struct fixture_arm64_image a;
	struct image_file f;
	struct err e = { 0 };
	size_t len, zlen, got;
	uint64_t out_len;
	uint8_t *img, *gz, *out, head[64];

	fixture_arm64_image_default(&a);
	a.file_size = 300000;
	a.image_size = 0x50000;
	img = fixture_arm64_image_build(&a, &len);
	gz = gzip_of(img, len, &zlen);
	image_file_from_buffer(&f, "Image.gz", gz, zlen);
	ck_assert_ok(gunzip_file(&f, GUNZIP_MAX_OUTPUT, &out, &out_len, &e), e);
	ck_assert_uint_eq(out_len, len);
	ck_assert_mem_eq(out, img, len);
	ck_assert_ok(gunzip_peek(&f, head, sizeof(head), &got, &e), e);
	ck_assert_uint_eq(got, 64);
	ck_assert_mem_eq(head, img, 64);
	free(out);
	/* A limit below the size is refused, not truncated. */
	ck_assert_err(gunzip_file(&f, 100000, &out, &out_len, &e), e, EFBIG,
	              "Image.gz: decompresses to more than 100000 bytes");
	free(gz);
	free(img);
}
END_TEST

START_TEST(gzip_errors_say_where)
{
	uint8_t data[4096], *gz, *out;
	struct image_file f;
	struct err e = { 0 };
	size_t zlen, i;
	uint64_t out_len;

	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + i / 13);
	gz = gzip_of(data, sizeof(data), &zlen);
	image_file_from_buffer(&f, "Image.gz", gz, zlen / 2);
	ck_assert_int_eq(gunzip_file(&f, GUNZIP_MAX_OUTPUT, &out, &out_len, &e), -EINVAL);
	ck_assert_ptr_nonnull(strstr(e.msg, "Image.gz: gzip data ends early"));
	gz[12] ^= 0xff; /* inside the deflate stream */
	image_file_from_buffer(&f, "Image.gz", gz, zlen);
	ck_assert_int_eq(gunzip_file(&f, GUNZIP_MAX_OUTPUT, &out, &out_len, &e), -EINVAL);
	ck_assert_ptr_nonnull(strstr(e.msg, "Image.gz: corrupt gzip data near input byte"));
	image_file_from_buffer(&f, "Image.gz", data, 100);
	ck_assert_err(gunzip_file(&f, GUNZIP_MAX_OUTPUT, &out, &out_len, &e), e, EINVAL,
	              "Image.gz: not gzip data (100 bytes, need the 1f 8b magic)");
	free(gz);
}
END_TEST

static Suite *arm64_image_suite(void)
{
	Suite *s = suite_create("arm64_image");
	TCase *hdr = tcase_create("header");
	TCase *gz = tcase_create("gzip");

	tcase_add_test(hdr, valid_header_parses);
	tcase_add_test(hdr, header_errors_name_the_field);
	tcase_add_test(hdr, boot_registers_of_the_spec);
	tcase_add_test(gz, gzip_image_inflates_exactly);
	tcase_add_test(gz, gzip_errors_say_where);
	suite_add_tcase(s, hdr);
	suite_add_tcase(s, gz);
	return s;
}

int main(void)
{
	return run_suite(arm64_image_suite());
}
