// SPDX-License-Identifier: MIT
/*
 * The imported-regions page (loader/imported_regions.h, LOADER-SPEC §5.5)
 * built from a recording importer: which ranges merge, the page's own
 * descriptor, the terminator, the SHA-384 over shared pages, and the
 * 168-descriptor limit.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "lib/sha512.h"
#include "loader/imported_regions.h"
#include "loader/importer_record.h"
#include "test_helpers.h"

#define RAM_SIZE  (64 * SZ_1M)
#define IR_PAGE   0x800 /* the imported-regions page at 8 MiB */
#define HDR_SIZE  sizeof(struct imported_regions_page_header)
#define DESC_SIZE sizeof(struct imported_region_descriptor)

static const struct mem_range ram[] = { { 0, RAM_SIZE } };
static struct record_importer ri;
static struct importer *imp;
static uint8_t page[PV_PAGE_SIZE];
static struct err e;

static void setup(void)
{
	record_importer_init(&ri, GUEST_ARCH_X86_64, ram, ARRAY_SIZE(ram));
	imp = &ri.base;
	err_clear(&e);
}

static void teardown(void)
{
	importer_destroy(imp);
}

static int read_recorded(void *ctx, gpa_t gpa, void *buf, size_t len, struct err *err)
{
	return record_importer_read(ctx, gpa, buf, len, err);
}

static int build(void)
{
	memset(page, 0xa5, sizeof(page));
	return imported_regions_build(imp, IR_PAGE, read_recorded, &ri, page, &e);
}

static void import(uint64_t base, uint64_t count, const char *tag, enum boot_page_acceptance acc)
{
	ck_assert_ok(importer_import_pages(imp, base, count, tag, acc, NULL, 0, &e), e);
}

static struct imported_region_descriptor desc(unsigned int i)
{
	struct imported_region_descriptor d;

	memcpy(&d, page + HDR_SIZE + i * DESC_SIZE, sizeof(d));
	return d;
}

/* The page holds exactly these descriptors, then zeros to the end. */
static void assert_descriptors(const struct imported_region_descriptor *want, unsigned int n)
{
	unsigned int i;
	size_t off;

	for (i = 0; i < n; i++) {
		struct imported_region_descriptor d = desc(i);

		ck_assert_msg(
		    d.base_page_number == want[i].base_page_number &&
		        d.page_count == want[i].page_count && d.accepted == want[i].accepted,
		    "descriptor %u is {0x%llx, %llu, %u}, want {0x%llx, %llu, %u}", i,
		    (unsigned long long)d.base_page_number, (unsigned long long)d.page_count,
		    d.accepted, (unsigned long long)want[i].base_page_number,
		    (unsigned long long)want[i].page_count, want[i].accepted);
		ck_assert_mem_eq(d.padding, "\0\0\0\0\0\0\0", 7);
	}
	for (off = HDR_SIZE + n * DESC_SIZE; off < PV_PAGE_SIZE; off++)
		if (page[off])
			ck_abort_msg("byte 0x%zx after the last descriptor is 0x%02x", off,
			             page[off]);
}

static void assert_hash_of(const void *data, size_t len)
{
	uint8_t want[SHA384_DIGEST_SIZE];

	sha384(data, len, want);
	ck_assert_mem_eq(page, want, sizeof(want));
}

/* ---- merging ------------------------------------------------------------------ */

/* import_file_region's 16-page chunks come back together as one region. */
START_TEST(test_adjacent_chunks_with_the_same_tag_and_acceptance_merge)
{
	const struct imported_region_descriptor want[] = { { 0x100, 35, 1 }, { IR_PAGE, 1, 1 } };

	import(0x100, 16, "kernel", BPA_EXCLUSIVE);
	import(0x110, 16, "kernel", BPA_EXCLUSIVE);
	import(0x120, 3, "kernel", BPA_EXCLUSIVE);
	ck_assert_ok(build(), e);
	assert_descriptors(want, ARRAY_SIZE(want));
}
END_TEST

START_TEST(test_different_tag_or_acceptance_or_a_gap_keeps_ranges_apart)
{
	const struct imported_region_descriptor want[] = {
		{ 0x100, 1, 1 }, /* "a" */
		{ 0x101, 1, 1 }, /* "b", adjacent, other tag */
		{ 0x102, 1, 1 }, /* "b", adjacent, unmeasured */
		{ 0x104, 1, 1 }, /* "b" after a gap */
		{ 0x105, 2, 0 }, /* "b" shared: not accepted */
		{ IR_PAGE, 1, 1 },
	};

	import(0x100, 1, "a", BPA_EXCLUSIVE);
	import(0x101, 1, "b", BPA_EXCLUSIVE);
	import(0x102, 1, "b", BPA_EXCLUSIVE_UNMEASURED);
	import(0x104, 1, "b", BPA_EXCLUSIVE_UNMEASURED);
	import(0x105, 1, "b", BPA_SHARED);
	import(0x106, 1, "b", BPA_SHARED);
	ck_assert_ok(build(), e);
	assert_descriptors(want, ARRAY_SIZE(want));
}
END_TEST

/* Tags are compared as strings, as OpenVMM's String tags are. */
START_TEST(test_equal_tags_at_different_addresses_merge)
{
	static char tag1[] = "initrd", tag2[] = "initrd";
	const struct imported_region_descriptor want[] = { { 0x100, 2, 1 }, { IR_PAGE, 1, 1 } };

	import(0x100, 1, tag1, BPA_EXCLUSIVE);
	import(0x101, 1, tag2, BPA_EXCLUSIVE);
	ck_assert_ok(build(), e);
	assert_descriptors(want, ARRAY_SIZE(want));
}
END_TEST

START_TEST(test_parameter_areas_count_as_exclusive_unmeasured_ranges)
{
	const struct imported_region_descriptor want[] = {
		{ 0x40, 3, 1 }, /* two areas tagged "params" merge */
		{ 0x43, 1, 1 }, /* the same tag imported as EXCLUSIVE does not */
		{ 0x44, 2, 1 }, /* an unmeasured import with the tag merges with the area */
		{ IR_PAGE, 1, 1 },
	};
	struct parameter_area_index idx;

	ck_assert_ok(importer_create_parameter_area(imp, 0x40, 2, "params", &idx, &e), e);
	ck_assert_ok(importer_create_parameter_area(imp, 0x42, 1, "params", &idx, &e), e);
	import(0x43, 1, "params", BPA_EXCLUSIVE);
	ck_assert_ok(importer_create_parameter_area(imp, 0x44, 1, "dt", &idx, &e), e);
	import(0x45, 1, "dt", BPA_EXCLUSIVE_UNMEASURED);
	ck_assert_ok(build(), e);
	assert_descriptors(want, ARRAY_SIZE(want));
}
END_TEST

/* ---- the page's own descriptor -------------------------------------------- */

START_TEST(test_own_page_is_sorted_in_between_the_ranges)
{
	const struct imported_region_descriptor want[] = {
		{ 0x10, 1, 1 },
		{ IR_PAGE - 1, 1, 1 },
		{ IR_PAGE, 1, 1 },
		{ IR_PAGE + 1, 4, 0 },
	};

	import(IR_PAGE + 1, 4, "after", BPA_SHARED);
	import(0x10, 1, "first", BPA_EXCLUSIVE);
	import(IR_PAGE - 1, 1, "before", BPA_EXCLUSIVE);
	ck_assert_ok(build(), e);
	assert_descriptors(want, ARRAY_SIZE(want));
}
END_TEST

START_TEST(test_nothing_imported_gives_the_page_alone_and_the_empty_hash)
{
	static const uint8_t empty_hash[] = {
		0x38, 0xb0, 0x60, 0xa7, 0x51, 0xac, 0x96, 0x38, 0x4c, 0xd9, 0x32, 0x7e,
		0xb1, 0xb1, 0xe3, 0x6a, 0x21, 0xfd, 0xb7, 0x11, 0x14, 0xbe, 0x07, 0x43,
		0x4c, 0x0c, 0xc7, 0xbf, 0x63, 0xf6, 0xe1, 0xda, 0x27, 0x4e, 0xde, 0xbf,
		0xe7, 0x6f, 0x65, 0xfb, 0xd5, 0x1a, 0xd2, 0xf1, 0x48, 0x98, 0xb9, 0x5b,
	};
	const struct imported_region_descriptor want[] = { { IR_PAGE, 1, 1 } };

	ck_assert_ok(build(), e);
	ck_assert_mem_eq(page, empty_hash, sizeof(empty_hash));
	assert_descriptors(want, 1);
}
END_TEST

START_TEST(test_page_already_imported_is_eexist)
{
	import(IR_PAGE - 1, 2, "config", BPA_EXCLUSIVE);
	ck_assert_err(build(), e, EEXIST,
	              "imported regions: page 0x800000 is already imported as 'config'");
}
END_TEST

/* ---- the hash -------------------------------------------------------------------- */

START_TEST(test_no_shared_pages_hash_is_sha384_of_nothing)
{
	import(0x100, 4, "kernel", BPA_EXCLUSIVE);
	import(0x200, 1, "vmsa", BPA_VP_CONTEXT);
	ck_assert_ok(build(), e);
	assert_hash_of(NULL, 0);
}
END_TEST

/* Shared pages in GPA order, each a full zero-extended page, whatever the import order. */
START_TEST(test_hash_covers_every_shared_page_in_gpa_order)
{
	static uint8_t k[5000], i2[100], expect[4 * PV_PAGE_SIZE];
	unsigned int n;

	for (n = 0; n < sizeof(k); n++)
		k[n] = (uint8_t)(n * 13 + 1);
	memset(i2, 0x77, sizeof(i2));
	ck_assert_ok(importer_import_pages(imp, 0x300, 1, "initrd", BPA_SHARED, i2, sizeof(i2), &e),
	             e);
	import(0x180, 1, "private", BPA_EXCLUSIVE);
	ck_assert_ok(importer_import_pages(imp, 0x100, 3, "kernel", BPA_SHARED, k, sizeof(k), &e),
	             e);
	ck_assert_ok(build(), e);
	memset(expect, 0, sizeof(expect));
	memcpy(expect, k, sizeof(k));                      /* 0x100..0x102, zero after 5000 bytes */
	memcpy(expect + 3 * PV_PAGE_SIZE, i2, sizeof(i2)); /* 0x300 */
	assert_hash_of(expect, sizeof(expect));
}
END_TEST

START_TEST(test_one_shared_range_hash_is_sha384_of_its_bytes)
{
	static uint8_t data[2 * PV_PAGE_SIZE];
	unsigned int n;

	for (n = 0; n < sizeof(data); n++)
		data[n] = (uint8_t)(n ^ (n >> 8));
	ck_assert_ok(
	    importer_import_pages(imp, 0x400, 2, "shared", BPA_SHARED, data, sizeof(data), &e), e);
	ck_assert_ok(build(), e);
	assert_hash_of(data, sizeof(data));
}
END_TEST

static int failing_read(void *ctx, gpa_t gpa, void *buf, size_t len, struct err *err)
{
	(void)ctx, (void)buf, (void)len;
	return err_set(err, EIO, "read of 0x%llx failed", (unsigned long long)gpa);
}

START_TEST(test_read_failure_is_reported_with_the_page)
{
	import(0x400, 2, "shared", BPA_SHARED);
	ck_assert_err(imported_regions_build(imp, IR_PAGE, failing_read, NULL, page, &e), e, EIO,
	              "imported regions page 0x800000: hashing shared page 0x400000 of 'shared': "
	              "read of 0x400000 failed");
}
END_TEST

/* ---- size limit and import ------------------------------------------------------------ */

static void import_separate_ranges(unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		import(0x1000 + 2 * i, 1, "r", BPA_EXCLUSIVE);
}

START_TEST(test_168_descriptors_fit_and_169_are_enospc)
{
	import_separate_ranges(167);
	ck_assert_ok(build(), e);
	ck_assert_uint_eq(desc(167).base_page_number, 0x1000 + 2 * 166);
	ck_assert_uint_eq(HDR_SIZE + 168 * DESC_SIZE, 4080); /* 16 zero bytes end the list */
	import(0x1000 + 2 * 167, 1, "r", BPA_EXCLUSIVE);
	ck_assert_err(build(), e, ENOSPC,
	              "imported regions page 0x800000: 169 descriptors (168 runs + the page) "
	              "exceed the 168 that fit");
}
END_TEST

START_TEST(test_import_puts_the_page_exclusive_with_its_tag)
{
	uint8_t want[PV_PAGE_SIZE], got[PV_PAGE_SIZE];
	const struct importer_range *r;

	import(0x100, 2, "kernel", BPA_SHARED);
	ck_assert_ok(imported_regions_build(imp, IR_PAGE, read_recorded, &ri, want, &e), e);
	ck_assert_ok(imported_regions_import(imp, IR_PAGE, read_recorded, &ri, &e), e);
	r = importer_find_range(imp, IR_PAGE * PV_PAGE_SIZE);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(r->tag, "loader-imported-regions");
	ck_assert_int_eq(r->acceptance, BPA_EXCLUSIVE);
	ck_assert_uint_eq(r->page_count, 1);
	ck_assert_ok(record_importer_read(&ri, IR_PAGE * PV_PAGE_SIZE, got, sizeof(got), &e), e);
	ck_assert_mem_eq(got, want, sizeof(want));
	ck_assert_int_eq(imported_regions_import(imp, IR_PAGE, read_recorded, &ri, &e), -EEXIST);
}
END_TEST

static Suite *imported_regions_suite(void)
{
	Suite *s = suite_create("imported_regions");
	TCase *merge = tcase_create("merging");
	TCase *hash = tcase_create("hash");
	TCase *page_tc = tcase_create("page");

	tcase_add_checked_fixture(merge, setup, teardown);
	tcase_add_checked_fixture(hash, setup, teardown);
	tcase_add_checked_fixture(page_tc, setup, teardown);
	tcase_add_test(merge, test_adjacent_chunks_with_the_same_tag_and_acceptance_merge);
	tcase_add_test(merge, test_different_tag_or_acceptance_or_a_gap_keeps_ranges_apart);
	tcase_add_test(merge, test_equal_tags_at_different_addresses_merge);
	tcase_add_test(merge, test_parameter_areas_count_as_exclusive_unmeasured_ranges);
	tcase_add_test(page_tc, test_own_page_is_sorted_in_between_the_ranges);
	tcase_add_test(page_tc, test_nothing_imported_gives_the_page_alone_and_the_empty_hash);
	tcase_add_test(page_tc, test_page_already_imported_is_eexist);
	tcase_add_test(page_tc, test_168_descriptors_fit_and_169_are_enospc);
	tcase_add_test(page_tc, test_import_puts_the_page_exclusive_with_its_tag);
	tcase_add_test(hash, test_no_shared_pages_hash_is_sha384_of_nothing);
	tcase_add_test(hash, test_hash_covers_every_shared_page_in_gpa_order);
	tcase_add_test(hash, test_one_shared_range_hash_is_sha384_of_its_bytes);
	tcase_add_test(hash, test_read_failure_is_reported_with_the_page);
	suite_add_tcase(s, merge);
	suite_add_tcase(s, page_tc);
	suite_add_tcase(s, hash);
	return s;
}

int main(void)
{
	return run_suite(imported_regions_suite());
}
