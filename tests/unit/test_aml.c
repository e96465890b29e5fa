// SPDX-License-Identifier: MIT
/*
 * The AML writer (arch/x86_64/aml.h), checked byte for byte against the
 * encodings of the ACPI 6.5 specification: chapter 20 (AML grammar: names
 * §20.2.2, integers §20.2.3, PkgLength §20.2.4, Scope/Device/Name/Package/
 * Buffer) and §6.4 (resource descriptors). PkgLength is decoded here from the
 * specification, independently of the writer. Every misuse (a bad name, an
 * unbalanced aml_end, nesting too deep, a bad EISA ID, too many package
 * elements) makes aml_finish() fail with EINVAL and a message.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/x86_64/aml.h"
#include "lib/sizes.h"
#include "test_helpers.h"

#define NAME_OP    0x08
#define ROOT       0x5c
#define DUAL_NAME  0x2e
#define SCOPE_OP   0x10
#define EXT_PREFIX 0x5b
#define DEVICE_OP  0x82

static struct aml a;
static struct err e;

static void setup(void)
{
	aml_init(&a);
	err_clear(&e);
}

static void teardown(void)
{
	aml_free(&a);
}

/*
 * §20.2.4: bits 7-6 of the lead byte count the bytes that follow (0-3). With
 * none, bits 5-0 are the length; otherwise bits 3-0 are its low nibble, bits
 * 5-4 must be zero and each following byte adds 8 more bits. The length
 * counts the PkgLength bytes themselves. Returns the length, sets *nbytes.
 */
static size_t pkglength_decode(const uint8_t *p, size_t *nbytes)
{
	size_t follow = p[0] >> 6, len, i;

	*nbytes = follow + 1;
	if (!follow)
		return p[0] & 0x3f;
	ck_assert_msg((p[0] & 0x30) == 0, "PkgLength lead byte 0x%02x: bits 5-4 set", p[0]);
	len = p[0] & 0x0f;
	for (i = 1; i <= follow; i++)
		len |= (size_t)p[i] << (4 + 8 * (i - 1));
	return len;
}

static void assert_aml(const uint8_t *want, size_t n)
{
	ck_assert_ok(aml_finish(&a, &e), e);
	ck_assert_uint_eq(a.len, n);
	ck_assert_mem_eq(a.buf, want, n);
}

/* aml_finish() fails with EINVAL and an "AML: ..." message that names the problem. */
static void assert_finish_fails(const char *input, const char *msg_part)
{
	int ret = aml_finish(&a, &e);

	ck_assert_msg(ret == -EINVAL, "%s: aml_finish() returned %d, want -EINVAL", input, ret);
	ck_assert_int_eq(e.errnum, EINVAL);
	ck_assert_msg(strncmp(e.msg, "AML: ", 5) == 0, "message '%s'", e.msg);
	ck_assert_msg(strstr(e.msg, msg_part), "message '%s' lacks '%s'", e.msg, msg_part);
}

/* ---- integers and names -------------------------------------------------- */

static const struct {
	uint64_t value;
	uint8_t enc[9];
	size_t len;
} integers[] = {
	{ 0, { 0x00 }, 1 }, /* ZeroOp */
	{ 1, { 0x01 }, 1 }, /* OneOp */
	{ 2, { 0x0a, 0x02 }, 2 },
	{ 0xff, { 0x0a, 0xff }, 2 },
	{ 0x100, { 0x0b, 0x00, 0x01 }, 3 },
	{ 0xffff, { 0x0b, 0xff, 0xff }, 3 },
	{ 0x10000, { 0x0c, 0x00, 0x00, 0x01, 0x00 }, 5 },
	{ 0xfee00000, { 0x0c, 0x00, 0x00, 0xe0, 0xfe }, 5 },
	{ 0xffffffff, { 0x0c, 0xff, 0xff, 0xff, 0xff }, 5 },
	{ 0x100000000, { 0x0e, 0, 0, 0, 0, 1, 0, 0, 0 }, 9 },
	{ UINT64_MAX, { 0x0e, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, 9 },
};

START_TEST(test_integers_use_the_shortest_encoding)
{
	uint8_t want[5 + 9] = { NAME_OP, 'I', 'N', 'T', '0' };

	memcpy(want + 5, integers[_i].enc, integers[_i].len);
	aml_name_int(&a, "INT0", integers[_i].value);
	assert_aml(want, 5 + integers[_i].len);
}
END_TEST

/* A NameSeg is 4 characters, padded with '_'; '\' is the root prefix. */
static const struct {
	const char *name;
	uint8_t enc[10];
	size_t len;
} good_names[] = {
	{ "A", { 'A', '_', '_', '_' }, 4 },
	{ "_SB", { '_', 'S', 'B', '_' }, 4 },
	{ "Z_9_", { 'Z', '_', '9', '_' }, 4 },
	{ "\\_S5", { ROOT, '_', 'S', '5', '_' }, 5 },
	{ "COM1.X", { DUAL_NAME, 'C', 'O', 'M', '1', 'X', '_', '_', '_' }, 9 },
	{ "\\_SB.PCI0", { ROOT, DUAL_NAME, '_', 'S', 'B', '_', 'P', 'C', 'I', '0' }, 10 },
};

START_TEST(test_valid_names_are_padded_to_four_characters_per_segment)
{
	uint8_t want[1 + 10 + 1] = { NAME_OP };

	memcpy(want + 1, good_names[_i].enc, good_names[_i].len);
	want[1 + good_names[_i].len] = 0x00; /* ZeroOp */
	aml_name_int(&a, good_names[_i].name, 0);
	assert_aml(want, good_names[_i].len + 2);
}
END_TEST

static const struct {
	const char *name, *why;
} bad_names[] = {
	{ "", "bad AML name segment" },
	{ "\\", "bad AML name segment" },
	{ "ABCDE", "bad AML name segment" },
	{ "0ABC", "bad AML name segment" },
	{ "\\_SB.1ABC", "bad AML name segment" },
	{ "A.", "bad AML name segment" },
	{ ".A", "bad AML name segment" },
	{ "abcd", "bad character in AML name" },
	{ "A-B", "bad character in AML name" },
	{ "A B", "bad character in AML name" },
	{ "^ABC", "bad character in AML name" },
	{ "A.B.C", "AML paths of more than two segments are not supported" },
	{ "\\A.B.C", "AML paths of more than two segments are not supported" },
};

START_TEST(test_bad_names_make_aml_finish_fail)
{
	char msg[ERR_MSG_MAX];

	aml_name_int(&a, bad_names[_i].name, 0);
	snprintf(msg, sizeof(msg), "AML: %s", bad_names[_i].why);
	ck_assert_err(aml_finish(&a, &e), e, EINVAL, msg);
}
END_TEST

START_TEST(test_the_first_error_is_the_one_reported)
{
	aml_device_begin(&a, "bad!");
	aml_name_int(&a, "A.B.C", 0);
	aml_end(&a);
	aml_end(&a);
	ck_assert_err(aml_finish(&a, &e), e, EINVAL, "AML: bad character in AML name");
}
END_TEST

START_TEST(test_strings_are_null_terminated)
{
	static const uint8_t want[] = { NAME_OP, '_', 'H', 'I', 'D', 0x0d, 'Q', 'E',
		                        'M',     'U', '0', '0', '0', '1',  0x00 };

	aml_name_string(&a, "_HID", "QEMU0001");
	assert_aml(want, sizeof(want));
}
END_TEST

/* ---- EISA IDs ------------------------------------------------------------ */

/*
 * Three letters, 5 bits each ('A' = 1), then four hex digits; both halves
 * stored big-endian, so the dword reads byte-swapped (ASL EISAID, §19.6.41).
 */
static const struct {
	const char *id;
	uint32_t value;
} eisaids[] = {
	{ "PNP0501", 0x0105d041 }, /* 41 d0 05 01 */
	{ "PNP0A03", 0x030ad041 }, /* 41 d0 0a 03 */
	{ "PNP0C0F", 0x0f0cd041 }, /* 41 d0 0c 0f */
	{ "AAA0000", 0x00002104 }, /* 0 00001 00001 00001 = 04 21 */
	{ "ZZZ0001", 0x01005a6b }, /* 0 11010 11010 11010 = 6b 5a */
	{ "QEM0002", 0x0200ad44 }, /* 0 10001 00101 01101 = 44 ad */
};

START_TEST(test_eisa_ids_are_encoded_as_compressed_vendor_and_product)
{
	uint8_t want[10] = { NAME_OP, '_', 'H', 'I', 'D', 0x0c };
	uint32_t v = eisaids[_i].value;

	ck_assert_uint_eq(aml_eisaid(eisaids[_i].id), v);
	want[6] = (uint8_t)v, want[7] = (uint8_t)(v >> 8);
	want[8] = (uint8_t)(v >> 16), want[9] = (uint8_t)(v >> 24);
	aml_name_eisaid(&a, "_HID", eisaids[_i].id);
	assert_aml(want, sizeof(want));
}
END_TEST

/* Not three upper-case letters and four upper-case hex digits. */
static const char *const bad_eisaids[] = {
	"PNP050", "PNP05011", "", "pnp0501", "PNP050G", "PN00501", "P@P0501", "PNP05 1",
};

START_TEST(test_malformed_eisa_ids_make_aml_finish_fail)
{
	aml_name_eisaid(&a, "_HID", bad_eisaids[_i]);
	assert_finish_fails(bad_eisaids[_i], "EISA ID");
}
END_TEST

/* ---- packages ------------------------------------------------------------ */

START_TEST(test_packages_count_their_elements)
{
	static const uint64_t s5[] = { 5, 0 };
	static const uint8_t want[] = { NAME_OP, ROOT, '_',  'S',  '5',  '_',
		                        0x12,    0x05, 0x02, 0x0a, 0x05, 0x00 };

	aml_name_package_ints(&a, "\\_S5", s5, 2);
	assert_aml(want, sizeof(want));
}
END_TEST

START_TEST(test_an_empty_package_has_zero_elements)
{
	static const uint8_t want[] = { NAME_OP, 'E', 'M', 'T', 'Y', 0x12, 0x02, 0x00 };

	aml_name_package_ints(&a, "EMTY", NULL, 0);
	assert_aml(want, sizeof(want));
}
END_TEST

/* NumElements is a byte: 255 fit in a Package, 256 would need a VarPackage. */
START_TEST(test_a_package_holds_at_most_255_elements)
{
	static uint64_t ones[256];
	size_t n;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ones); i++)
		ones[i] = 1;
	aml_name_package_ints(&a, "PKG_", ones, 255);
	ck_assert_ok(aml_finish(&a, &e), e);
	ck_assert_uint_eq(a.buf[5], 0x12);
	ck_assert_uint_eq(pkglength_decode(a.buf + 6, &n), n + 1 + 255);
	ck_assert_uint_eq(a.buf[6 + n], 255);

	aml_free(&a);
	aml_init(&a);
	aml_name_package_ints(&a, "PKG_", ones, 256);
	assert_finish_fails("a Package of 256 elements", "");
}
END_TEST

/* ---- PkgLength ----------------------------------------------------------- */

/*
 * Scope(ABCD) { Name(STRG, "xx...x") } with a body (everything after the
 * PkgLength) of exactly body bytes: 4 for the name, 7 + n for the string.
 */
static const struct {
	size_t body, pkglength_bytes;
} pkglengths[] = {
	{ 12, 1 },      { 62, 1 },      { 63, 2 },      { 64, 2 },      { 4093, 2 },
	{ 4094, 3 },    { 4095, 3 },    { 4096, 3 },    { 1048572, 3 }, { 1048573, 4 },
	{ 1048574, 4 }, { 1048576, 4 }, { 2000000, 4 },
};

START_TEST(test_pkglength_grows_from_1_to_4_bytes_at_the_spec_boundaries)
{
	size_t body = pkglengths[_i].body, strlen_ = body - 11, n, len;
	char *s = malloc(strlen_ + 1);

	ck_assert_ptr_nonnull(s);
	memset(s, 'x', strlen_);
	s[strlen_] = '\0';
	aml_scope_begin(&a, "ABCD");
	aml_name_string(&a, "STRG", s);
	aml_end(&a);
	free(s);
	ck_assert_ok(aml_finish(&a, &e), e);

	ck_assert_uint_eq(a.buf[0], SCOPE_OP);
	len = pkglength_decode(a.buf + 1, &n);
	ck_assert_uint_eq(n, pkglengths[_i].pkglength_bytes);
	ck_assert_uint_eq(len, n + body);
	ck_assert_uint_eq(a.len, 1 + n + body);
	ck_assert_mem_eq(a.buf + 1 + n, "ABCD", 4);
	ck_assert_uint_eq(a.buf[1 + n + 4], NAME_OP);
	ck_assert_uint_eq(a.buf[a.len - 2], 'x');
	ck_assert_uint_eq(a.buf[a.len - 1], 0x00);
}
END_TEST

/* ---- nesting ------------------------------------------------------------- */

START_TEST(test_devices_nest_in_scopes_and_each_length_covers_its_children)
{
	/* Scope(\_SB) { Device(DEV0) { Name(_UID, 0x2a) } Device(DEV1) {} } */
	static const uint8_t want[] = {
		SCOPE_OP,   0x1b,      ROOT, '_', 'S', 'B',  '_',
		EXT_PREFIX, DEVICE_OP, 0x0c, 'D', 'E', 'V',  '0',
		NAME_OP,    '_',       'U',  'I', 'D', 0x0a, 0x2a,
		EXT_PREFIX, DEVICE_OP, 0x05, 'D', 'E', 'V',  '1',
	};

	aml_scope_begin(&a, "\\_SB");
	aml_device_begin(&a, "DEV0");
	aml_name_int(&a, "_UID", 42);
	aml_end(&a);
	aml_device_begin(&a, "DEV1");
	aml_end(&a);
	aml_end(&a);
	assert_aml(want, sizeof(want));
}
END_TEST

/* An inner object whose PkgLength needs 2 bytes makes the outer one count them. */
START_TEST(test_an_outer_length_counts_a_grown_inner_pkglength)
{
	static const char s[] = "0123456789012345678901234567890123456789012345678901234567890";
	size_t n1, n2, outer, inner;

	aml_scope_begin(&a, "OUTR");
	aml_device_begin(&a, "INNR");
	aml_name_string(&a, "STRG", s);
	aml_end(&a);
	aml_end(&a);
	ck_assert_ok(aml_finish(&a, &e), e);

	outer = pkglength_decode(a.buf + 1, &n1);
	ck_assert_uint_eq(1 + outer, a.len);
	ck_assert_mem_eq(a.buf + 1 + n1, "OUTR", 4);
	ck_assert_uint_eq(a.buf[1 + n1 + 4], EXT_PREFIX);
	ck_assert_uint_eq(a.buf[1 + n1 + 5], DEVICE_OP);
	inner = pkglength_decode(a.buf + 1 + n1 + 6, &n2);
	ck_assert_uint_eq(n2, 2);
	ck_assert_uint_eq(inner, n2 + 4 + 7 + strlen(s));
	ck_assert_uint_eq(outer, n1 + 4 + 2 + inner);
}
END_TEST

/* AML_MAX_DEPTH nested scopes, each length covering the ones inside; one more fails. */
START_TEST(test_objects_nest_up_to_aml_max_depth)
{
	size_t at = 0, n, depth;

	for (depth = 0; depth < AML_MAX_DEPTH; depth++)
		aml_scope_begin(&a, "S");
	for (depth = 0; depth < AML_MAX_DEPTH; depth++)
		aml_end(&a);
	ck_assert_ok(aml_finish(&a, &e), e);
	for (depth = 0; depth < AML_MAX_DEPTH; depth++, at += 1 + n + 4) {
		ck_assert_uint_eq(a.buf[at], SCOPE_OP);
		ck_assert_uint_eq(pkglength_decode(a.buf + at + 1, &n),
		                  n + 4 + 6 * (AML_MAX_DEPTH - 1 - depth));
	}
	ck_assert_uint_eq(at, a.len);

	for (depth = 0; depth <= AML_MAX_DEPTH; depth++)
		aml_scope_begin(&a, "S");
	ck_assert_err(aml_finish(&a, &e), e, EINVAL, "AML: AML objects nested too deep");
}
END_TEST

START_TEST(test_an_object_left_open_makes_aml_finish_fail)
{
	aml_scope_begin(&a, "\\_SB");
	aml_device_begin(&a, "COM1");
	aml_end(&a);
	ck_assert_err(aml_finish(&a, &e), e, EINVAL, "AML: AML object left open");
}
END_TEST

START_TEST(test_aml_end_without_an_open_object_fails)
{
	aml_device_begin(&a, "COM1");
	aml_end(&a);
	aml_end(&a);
	ck_assert_err(aml_finish(&a, &e), e, EINVAL, "AML: aml_end() without an open object");
}
END_TEST

/* ---- resource templates (§6.4) ------------------------------------------- */

/* Small items: tag bit 7 clear, length in bits 2-0; large: bit 7 set, 16-bit length. */
static size_t descriptor_len(const uint8_t *d)
{
	if (d[0] & 0x80)
		return 3 + (size_t)(d[1] | d[2] << 8);
	return 1 + (size_t)(d[0] & 0x07);
}

enum rt_kind { RT_IO, RT_IRQ, RT_MEM32, RT_EDGE, RT_LEVEL };

/* Small items: IO is type 8, IRQ type 4; large: Memory32Fixed type 6, Interrupt type 9. */
#define DESC(asl_, kind_, x_, y_, ...)                                                   \
	{                                                                                \
		asl_, kind_, x_, y_, { __VA_ARGS__ }, sizeof((uint8_t[]){ __VA_ARGS__ }) \
	}

static const struct {
	const char *asl;
	enum rt_kind kind;
	uint32_t x, y;
	uint8_t enc[12];
	size_t len;
} descriptors[] = {
	DESC("IO(Decode16, 0x3f8, 0x3f8, 1, 8)", RT_IO, 0x3f8, 8, //
	     0x47, 0x01, 0xf8, 0x03, 0xf8, 0x03, 0x01, 0x08),
	DESC("IO(Decode16, 0x505, 0x505, 1, 1)", RT_IO, 0x505, 1, //
	     0x47, 0x01, 0x05, 0x05, 0x05, 0x05, 0x01, 0x01),
	DESC("IRQNoFlags(){0}", RT_IRQ, 0, 0, 0x22, 0x01, 0x00),
	DESC("IRQNoFlags(){4}", RT_IRQ, 4, 0, 0x22, 0x10, 0x00),
	DESC("IRQNoFlags(){15}", RT_IRQ, 15, 0, 0x22, 0x00, 0x80),
	DESC("Memory32Fixed(ReadWrite, 0xd0001000, 0x200)", RT_MEM32, 0xd0001000, 0x200, //
	     0x86, 0x09, 0x00, 0x01, 0x00, 0x10, 0x00, 0xd0, 0x00, 0x02, 0x00, 0x00),
	DESC("Interrupt(ResourceConsumer, Edge, ActiveHigh, Exclusive){5}", RT_EDGE, 5, 0, //
	     0x89, 0x06, 0x00, 0x03, 0x01, 0x05, 0x00, 0x00, 0x00),
	DESC("Interrupt(ResourceConsumer, Level, ActiveHigh, Exclusive){0x121}", RT_LEVEL, 0x121, 0,
	     0x89, 0x06, 0x00, 0x01, 0x01, 0x21, 0x01, 0x00, 0x00),
};

START_TEST(test_resource_descriptors_match_the_spec_layouts)
{
	uint32_t x = descriptors[_i].x, y = descriptors[_i].y;
	uint8_t buf[32];
	size_t n = 0;

	if (descriptors[_i].kind == RT_IO)
		rt_io(buf, &n, (uint16_t)x, (uint8_t)y);
	else if (descriptors[_i].kind == RT_IRQ)
		rt_irq(buf, &n, x);
	else if (descriptors[_i].kind == RT_MEM32)
		rt_mem32_fixed(buf, &n, x, y);
	else
		rt_interrupt(buf, &n, x, descriptors[_i].kind == RT_LEVEL);
	ck_assert_msg(n == descriptors[_i].len, "%s: %zu bytes", descriptors[_i].asl, n);
	ck_assert_uint_eq(descriptor_len(buf), n);
	ck_assert_mem_eq(buf, descriptors[_i].enc, n);
}
END_TEST

START_TEST(test_a_resource_template_is_a_buffer_ending_in_an_end_tag)
{
	/* Name(_CRS, ResourceTemplate() { IO(0x3f8, 8) IRQNoFlags(){4} }) */
	static const uint8_t want[] = {
		NAME_OP, '_',  'C',  'R',  'S',  0x11, 0x10, 0x0a, 0x0d, 0x47, 0x01,
		0xf8,    0x03, 0xf8, 0x03, 0x01, 0x08, 0x22, 0x10, 0x00, 0x79, 0x00,
	};
	uint8_t rt[32];
	size_t n = 0;

	rt_io(rt, &n, 0x3f8, 8);
	rt_irq(rt, &n, 4);
	aml_name_resources(&a, "_CRS", rt, n);
	assert_aml(want, sizeof(want));
}
END_TEST

/* 25 Memory32Fixed descriptors: a 302-byte buffer, so a Word size and a 2-byte PkgLength. */
START_TEST(test_a_large_resource_template_has_a_word_size)
{
	uint8_t rt[25 * 12];
	size_t n = 0, pl, len, i;

	for (i = 0; i < 25; i++)
		rt_mem32_fixed(rt, &n, (uint32_t)(0xd0000000 + i * 0x200), 0x200);
	aml_name_resources(&a, "_CRS", rt, n);
	ck_assert_ok(aml_finish(&a, &e), e);
	ck_assert_uint_eq(a.buf[5], 0x11);
	len = pkglength_decode(a.buf + 6, &pl);
	ck_assert_uint_eq(pl, 2);
	ck_assert_uint_eq(len, pl + 3 + n + 2);
	ck_assert_uint_eq(a.buf[6 + pl], 0x0b);
	ck_assert_uint_eq(a.buf[7 + pl] | a.buf[8 + pl] << 8, n + 2);
	ck_assert_mem_eq(a.buf + 9 + pl, rt, n);
	ck_assert_uint_eq(a.buf[a.len - 2], 0x79);
	ck_assert_uint_eq(a.len, 6 + len);
}
END_TEST

static Suite *aml_suite(void)
{
	Suite *s = suite_create("aml");
	TCase *tc = tcase_create("aml");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_integers_use_the_shortest_encoding, 0,
	                    (int)ARRAY_SIZE(integers));
	tcase_add_loop_test(tc, test_valid_names_are_padded_to_four_characters_per_segment, 0,
	                    (int)ARRAY_SIZE(good_names));
	tcase_add_loop_test(tc, test_bad_names_make_aml_finish_fail, 0, (int)ARRAY_SIZE(bad_names));
	tcase_add_test(tc, test_the_first_error_is_the_one_reported);
	tcase_add_test(tc, test_strings_are_null_terminated);
	tcase_add_loop_test(tc, test_eisa_ids_are_encoded_as_compressed_vendor_and_product, 0,
	                    (int)ARRAY_SIZE(eisaids));
	tcase_add_loop_test(tc, test_malformed_eisa_ids_make_aml_finish_fail, 0,
	                    (int)ARRAY_SIZE(bad_eisaids));
	tcase_add_test(tc, test_packages_count_their_elements);
	tcase_add_test(tc, test_an_empty_package_has_zero_elements);
	tcase_add_test(tc, test_a_package_holds_at_most_255_elements);
	tcase_add_loop_test(tc, test_pkglength_grows_from_1_to_4_bytes_at_the_spec_boundaries, 0,
	                    (int)ARRAY_SIZE(pkglengths));
	tcase_add_test(tc, test_devices_nest_in_scopes_and_each_length_covers_its_children);
	tcase_add_test(tc, test_an_outer_length_counts_a_grown_inner_pkglength);
	tcase_add_test(tc, test_objects_nest_up_to_aml_max_depth);
	tcase_add_test(tc, test_an_object_left_open_makes_aml_finish_fail);
	tcase_add_test(tc, test_aml_end_without_an_open_object_fails);
	tcase_add_loop_test(tc, test_resource_descriptors_match_the_spec_layouts, 0,
	                    (int)ARRAY_SIZE(descriptors));
	tcase_add_test(tc, test_a_resource_template_is_a_buffer_ending_in_an_end_tag);
	tcase_add_test(tc, test_a_large_resource_template_has_a_word_size);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(aml_suite());
}
