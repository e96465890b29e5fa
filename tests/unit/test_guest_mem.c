// SPDX-License-Identifier: MIT
/*
 * Guest memory (vmm/guest_mem.h): a sorted set of non-overlapping regions and
 * the checked translation every guest address goes through.
 *
 * Most tests use the layout below, backed by caller buffers so the bytes can
 * be checked where they land:
 *
 *   A [0x10000, 0x12000)  B [0x12000, 0x14000)  hole  C [0x20000, 0x21000)
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmm/guest_mem.h"

#define A_GPA  0x10000ULL
#define B_GPA  0x12000ULL
#define HOLE   0x14000ULL
#define C_GPA  0x20000ULL
#define AB_LEN 0x2000ULL
#define C_LEN  0x1000ULL

/* Checks the return value, the recorded errno and the whole message. */
#define ck_assert_err(ret, e, err_no, text)             \
	do {                                            \
		ck_assert_int_eq((ret), -(err_no));     \
		ck_assert_int_eq((e).errnum, (err_no)); \
		ck_assert_str_eq((e).msg, (text));      \
	} while (0)

static uint8_t buf_a[AB_LEN], buf_b[AB_LEN], buf_c[C_LEN];
static struct guest_mem gm;
static struct err e;

static void add_ok(gpa_t gpa, uint64_t size, void *host)
{
	int ret = guest_mem_add_region(&gm, gpa, size, host, &e);

	ck_assert_msg(ret == 0, "add [0x%llx, +0x%llx): %s", (unsigned long long)gpa,
	              (unsigned long long)size, e.msg);
}

static void setup_layout(void)
{
	guest_mem_init(&gm);
	err_clear(&e);
	memset(buf_a, 0xaa, sizeof(buf_a));
	memset(buf_b, 0xbb, sizeof(buf_b));
	memset(buf_c, 0xcc, sizeof(buf_c));
	add_ok(A_GPA, AB_LEN, buf_a);
	add_ok(B_GPA, AB_LEN, buf_b);
	add_ok(C_GPA, C_LEN, buf_c);
}

static void teardown_layout(void)
{
	guest_mem_destroy(&gm);
}

/* ---- adding regions ------------------------------------------------------- */

START_TEST(test_regions_are_sorted_whatever_the_insertion_order)
{
	static const unsigned int orders[][3] = { { 0, 1, 2 }, { 0, 2, 1 }, { 1, 0, 2 },
		                                  { 1, 2, 0 }, { 2, 0, 1 }, { 2, 1, 0 } };
	static const gpa_t gpas[3] = { 0x1000, 0x100000, 0x40000000 };
	unsigned int o, i;

	for (o = 0; o < ARRAY_SIZE(orders); o++) {
		guest_mem_init(&gm);
		for (i = 0; i < 3; i++)
			add_ok(gpas[orders[o][i]], PAGE_SIZE, buf_c);
		ck_assert_uint_eq(gm.nr_regions, 3);
		for (i = 0; i < 3; i++)
			ck_assert_uint_eq(gm.regions[i].gpa, gpas[i]);
	}
}
END_TEST

START_TEST(test_overlapping_region_is_refused_with_eexist_naming_both_ranges)
{
	static const struct {
		gpa_t gpa;
		uint64_t size;
		gpa_t other_start, other_end; /* the existing region it hits */
	} cases[] = {
		{ 0x20000, 0x1000, C_GPA, C_GPA + C_LEN }, /* identical */
		{ 0x1f000, 0x2000, C_GPA, C_GPA + C_LEN }, /* covers the start */
		{ 0x20000, 0x8000, C_GPA, C_GPA + C_LEN }, /* runs past the end */
		{ 0x1f000, 0x4000, C_GPA, C_GPA + C_LEN }, /* encloses */
		{ 0x13000, 0x1000, B_GPA, HOLE },          /* inside */
	};
	char want[160];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		int ret = guest_mem_add_region(&gm, cases[i].gpa, cases[i].size, buf_a, &e);

		snprintf(want, sizeof(want),
		         "guest memory: region [0x%llx, 0x%llx) overlaps [0x%llx, 0x%llx)",
		         (unsigned long long)cases[i].gpa,
		         (unsigned long long)(cases[i].gpa + cases[i].size),
		         (unsigned long long)cases[i].other_start,
		         (unsigned long long)cases[i].other_end);
		ck_assert_err(ret, e, EEXIST, want);
		ck_assert_uint_eq(gm.nr_regions, 3);
	}
}
END_TEST

START_TEST(test_region_touching_its_neighbours_is_accepted)
{
	add_ok(HOLE, C_GPA - HOLE, buf_a); /* fills the hole between B and C exactly */
	add_ok(A_GPA - PAGE_SIZE, PAGE_SIZE, buf_a);
	add_ok(C_GPA + C_LEN, PAGE_SIZE, buf_a);
	ck_assert_uint_eq(gm.nr_regions, 6);
}
END_TEST

START_TEST(test_empty_or_unaligned_region_is_refused_with_einval_naming_it)
{
	static const struct {
		gpa_t gpa;
		uint64_t size;
		const char *msg;
	} cases[] = {
		{ 0x40000, 0,
		  "guest memory: region 0x40000 size 0x0 must be non-empty and page aligned" },
		{ 0x40800, 0x1000,
		  "guest memory: region 0x40800 size 0x1000 must be non-empty and page aligned" },
		{ 0x40000, 0x1800,
		  "guest memory: region 0x40000 size 0x1800 must be non-empty and page aligned" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		int ret = guest_mem_add_region(&gm, cases[i].gpa, cases[i].size, buf_a, &e);

		ck_assert_err(ret, e, EINVAL, cases[i].msg);
		ck_assert_uint_eq(gm.nr_regions, 3);
	}
}
END_TEST

START_TEST(test_region_past_the_top_of_the_address_space_is_refused_with_eoverflow)
{
	int ret = guest_mem_add_region(&gm, 0xfffffffffffff000ULL, 0x2000, buf_a, &e);

	ck_assert_err(ret, e, EOVERFLOW,
	              "guest memory: region 0xfffffffffffff000 + 0x2000 overflows");
	ck_assert_uint_eq(gm.nr_regions, 3);
}
END_TEST

START_TEST(test_more_than_max_regions_is_refused_with_enospc)
{
	unsigned int i;
	int ret;

	for (i = gm.nr_regions; i < GUEST_MEM_MAX_REGIONS; i++)
		add_ok(0x100000 + i * PAGE_SIZE, PAGE_SIZE, buf_c);
	ret = guest_mem_add_region(&gm, 0x200000, PAGE_SIZE, buf_c, &e);
	ck_assert_err(ret, e, ENOSPC, "guest memory: more than 8 regions");
}
END_TEST

START_TEST(test_region_without_host_buffer_is_mapped_2m_aligned)
{
	const struct guest_mem_region *r;

	add_ok(0x40000000, 3 * SZ_2M, NULL);
	r = guest_mem_find_region(&gm, 0x40000000);
	ck_assert_ptr_nonnull(r);
	ck_assert_ptr_nonnull(r->host);
	ck_assert_uint_eq((uintptr_t)r->host % SZ_2M, 0);
	ck_assert_ptr_eq(r->map, r->host);
	ck_assert_uint_eq(r->map_len, 3 * SZ_2M);
	r->host[0] = 1; /* the whole mapping is writable */
	r->host[3 * SZ_2M - 1] = 2;
	ck_assert_uint_eq(guest_mem_total(&gm), 2 * AB_LEN + C_LEN + 3 * SZ_2M);
	guest_mem_destroy(&gm);
	ck_assert_uint_eq(gm.nr_regions, 0);
}
END_TEST

START_TEST(test_total_is_the_sum_of_region_sizes)
{
	struct guest_mem empty;

	guest_mem_init(&empty);
	ck_assert_uint_eq(guest_mem_total(&empty), 0);
	ck_assert_uint_eq(guest_mem_total(&gm), 2 * AB_LEN + C_LEN);
}
END_TEST

/* ---- lookup and translation ------------------------------------------------- */

/* Expected host pointer for gpa: the buffer of the region holding it, or NULL. */
static uint8_t *host_of(gpa_t gpa)
{
	if (gpa >= A_GPA && gpa < B_GPA)
		return buf_a + (gpa - A_GPA);
	if (gpa >= B_GPA && gpa < HOLE)
		return buf_b + (gpa - B_GPA);
	if (gpa >= C_GPA && gpa < C_GPA + C_LEN)
		return buf_c + (gpa - C_GPA);
	return NULL;
}

START_TEST(test_find_region_covers_start_to_exclusive_end)
{
	static const gpa_t probes[] = {
		0,    A_GPA - 1, A_GPA, A_GPA + 1,         B_GPA - 1,     B_GPA,      HOLE - 1,
		HOLE, C_GPA - 1, C_GPA, C_GPA + C_LEN - 1, C_GPA + C_LEN, UINT64_MAX,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(probes); i++) {
		const struct guest_mem_region *r = guest_mem_find_region(&gm, probes[i]);
		uint8_t *want = host_of(probes[i]);

		if (!want) {
			ck_assert_msg(r == NULL, "0x%llx is in a hole",
			              (unsigned long long)probes[i]);
			continue;
		}
		ck_assert_msg(r != NULL, "0x%llx is RAM", (unsigned long long)probes[i]);
		ck_assert_ptr_eq(r->host + (probes[i] - r->gpa), want);
	}
}
END_TEST

static const struct {
	gpa_t gpa;
	uint64_t len;
	bool ok;
	const char *why;
} ptr_cases[] = {
	{ A_GPA, AB_LEN, true, "whole region" },
	{ A_GPA + 0x100, 0, true, "zero length at a RAM address" },
	{ B_GPA - 0x10, 0x10, true, "range ending exactly at the region end" },
	{ C_GPA + C_LEN - 1, 1, true, "last byte of a region" },
	{ B_GPA - 0x10, 0x11, false, "one byte into the adjacent region" },
	{ A_GPA, 2 * AB_LEN, false, "two adjacent regions" },
	{ HOLE - 1, 2, false, "runs into the hole" },
	{ HOLE, 0, false, "zero length in the hole" },
	{ HOLE + 0x100, 0x10, false, "inside the hole" },
	{ A_GPA + 0x10, UINT64_MAX, false, "length that wraps the address space" },
	{ A_GPA + 0x10, UINT64_MAX - 0x8, false, "length whose end overflows" },
};

START_TEST(test_ptr_only_when_the_whole_range_lies_in_one_region)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ptr_cases); i++) {
		void *p = guest_mem_ptr(&gm, ptr_cases[i].gpa, ptr_cases[i].len);

		if (ptr_cases[i].ok)
			ck_assert_msg(p == host_of(ptr_cases[i].gpa), "%s", ptr_cases[i].why);
		else
			ck_assert_msg(p == NULL, "%s must fail", ptr_cases[i].why);
	}
}
END_TEST

START_TEST(test_translate_fails_with_efault_naming_address_and_length)
{
	char want[160];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ptr_cases); i++) {
		void *p = (void *)&e;
		int ret = guest_mem_translate(&gm, ptr_cases[i].gpa, ptr_cases[i].len, &p, &e);

		if (ptr_cases[i].ok) {
			ck_assert_msg(ret == 0, "%s: %s", ptr_cases[i].why, e.msg);
			ck_assert_ptr_eq(p, host_of(ptr_cases[i].gpa));
			continue;
		}
		snprintf(want, sizeof(want),
		         "guest memory: [0x%llx, +0x%llx) does not lie in one RAM region",
		         (unsigned long long)ptr_cases[i].gpa,
		         (unsigned long long)ptr_cases[i].len);
		ck_assert_err(ret, e, EFAULT, want);
		ck_assert_ptr_eq(p, (void *)&e); /* *out untouched */
	}
}
END_TEST

/* ---- copies that may span adjacent regions ------------------------------- */

static uint8_t pattern(uint64_t i)
{
	return (uint8_t)(i * 31 + 7);
}

START_TEST(test_write_and_read_span_adjacent_regions)
{
	uint8_t src[0x20], dst[0x20];
	unsigned int i;

	for (i = 0; i < sizeof(src); i++)
		src[i] = pattern(i);
	ck_assert_int_eq(guest_mem_write(&gm, B_GPA - 0x10, src, sizeof(src), &e), 0);
	ck_assert_mem_eq(buf_a + AB_LEN - 0x10, src, 0x10);
	ck_assert_mem_eq(buf_b, src + 0x10, 0x10);
	ck_assert_uint_eq(buf_a[AB_LEN - 0x11], 0xaa);
	ck_assert_uint_eq(buf_b[0x10], 0xbb);
	ck_assert_int_eq(guest_mem_read(&gm, B_GPA - 0x10, dst, sizeof(dst), &e), 0);
	ck_assert_mem_eq(dst, src, sizeof(src));
}
END_TEST

START_TEST(test_fill_spans_adjacent_regions)
{
	uint8_t want[0x10];

	memset(want, 0x5a, sizeof(want));
	ck_assert_int_eq(guest_mem_fill(&gm, B_GPA - 0x8, 0x5a, 0x10, &e), 0);
	ck_assert_mem_eq(buf_a + AB_LEN - 0x8, want, 0x8);
	ck_assert_mem_eq(buf_b, want, 0x8);
	ck_assert_uint_eq(buf_a[AB_LEN - 0x9], 0xaa);
	ck_assert_uint_eq(buf_b[0x8], 0xbb);
}
END_TEST

/* A file's bytes straight into guest RAM, across the boundary of two adjacent regions. */
START_TEST(test_read_file_spans_adjacent_regions_and_names_the_file_on_errors)
{
	char path[] = "/tmp/minivmm-test-guestmemXXXXXX";
	uint8_t src[0x30];
	unsigned int i;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	unlink(path);
	for (i = 0; i < sizeof(src); i++)
		src[i] = pattern(i);
	ck_assert_int_eq(write(fd, src, sizeof(src)), (ssize_t)sizeof(src));
	/* File bytes [0x10, 0x30) at B_GPA - 0x10: half in region A, half in B. */
	ck_assert_int_eq(guest_mem_read_file(&gm, B_GPA - 0x10, fd, 0x10, 0x20, "disk.img", &e), 0);
	ck_assert_mem_eq(buf_a + AB_LEN - 0x10, src + 0x10, 0x10);
	ck_assert_mem_eq(buf_b, src + 0x20, 0x10);
	ck_assert_uint_eq(buf_a[AB_LEN - 0x11], 0xaa);
	ck_assert_uint_eq(buf_b[0x10], 0xbb);
	/* The file ends 0x10 bytes into the read. */
	ck_assert_int_eq(guest_mem_read_file(&gm, B_GPA, fd, 0x20, 0x20, "disk.img", &e), -EIO);
	ck_assert_str_eq(e.msg, "disk.img: the file ends at offset 0x30, 16 bytes short (it shrank "
	                        "after it was opened)");
	close(fd);
	ck_assert_int_eq(guest_mem_read_file(&gm, B_GPA, fd, 0, 0x10, "disk.img", &e), -EBADF);
	ck_assert_str_eq(e.msg,
	                 "disk.img: cannot read 16 bytes at offset 0x0: Bad file descriptor");
}
END_TEST

enum copy_op { OP_READ, OP_WRITE, OP_FILL, OP_READ_FILE };

static int do_copy(enum copy_op op, gpa_t gpa, uint8_t *buf, uint64_t len)
{
	switch (op) {
	case OP_READ_FILE: /* /dev/zero never ends: only the range checks can stop it */
	{
		int fd = open("/dev/zero", O_RDONLY), ret;

		ck_assert_int_ge(fd, 0);
		ret = guest_mem_read_file(&gm, gpa, fd, 0, len, "/dev/zero", &e);
		close(fd);
		return ret;
	}
	case OP_READ:
		return guest_mem_read(&gm, gpa, buf, len, &e);
	case OP_WRITE:
		return guest_mem_write(&gm, gpa, buf, len, &e);
	case OP_FILL:
		return guest_mem_fill(&gm, gpa, 0x77, len, &e);
	}
	return 0;
}

static void assert_buffers_untouched(void)
{
	unsigned int i;

	for (i = 0; i < AB_LEN; i++) {
		ck_assert_uint_eq(buf_a[i], 0xaa);
		ck_assert_uint_eq(buf_b[i], 0xbb);
	}
	for (i = 0; i < C_LEN; i++)
		ck_assert_uint_eq(buf_c[i], 0xcc);
}

START_TEST(test_copy_across_a_hole_fails_with_efault_and_touches_nothing)
{
	static const struct {
		gpa_t gpa;
		uint64_t len;
		const char *msg;
	} cases[] = {
		{ A_GPA + 0x100, 0x4000, "guest memory: [0x10100, +0x4000) is not RAM at 0x14000" },
		{ C_GPA - 0x10, 0x20, "guest memory: [0x1fff0, +0x20) is not RAM at 0x1fff0" },
		{ C_GPA + C_LEN - 1, 2, "guest memory: [0x20fff, +0x2) is not RAM at 0x21000" },
	};
	uint8_t buf[0x4000];
	enum copy_op op;
	unsigned int i;

	for (op = OP_READ; op <= OP_READ_FILE; op++) {
		for (i = 0; i < ARRAY_SIZE(cases); i++) {
			int ret = do_copy(op, cases[i].gpa, buf, cases[i].len);

			ck_assert_err(ret, e, EFAULT, cases[i].msg);
			assert_buffers_untouched();
		}
	}
}
END_TEST

START_TEST(test_copy_whose_end_overflows_fails_with_eoverflow)
{
	uint8_t buf[1];
	enum copy_op op;

	for (op = OP_READ; op <= OP_READ_FILE; op++) {
		int ret = do_copy(op, A_GPA, buf, UINT64_MAX);

		ck_assert_err(ret, e, EOVERFLOW,
		              "guest memory: [0x10000, +0xffffffffffffffff) overflows");
		assert_buffers_untouched();
	}
}
END_TEST

static Suite *guest_mem_suite(void)
{
	Suite *s = suite_create("guest_mem");
	TCase *regions = tcase_create("regions");
	TCase *lookup = tcase_create("lookup");
	TCase *copies = tcase_create("copies");
	TCase *all[] = { regions, lookup, copies };
	unsigned int i;

	tcase_add_test(regions, test_regions_are_sorted_whatever_the_insertion_order);
	tcase_add_test(regions, test_overlapping_region_is_refused_with_eexist_naming_both_ranges);
	tcase_add_test(regions, test_region_touching_its_neighbours_is_accepted);
	tcase_add_test(regions, test_empty_or_unaligned_region_is_refused_with_einval_naming_it);
	tcase_add_test(regions,
	               test_region_past_the_top_of_the_address_space_is_refused_with_eoverflow);
	tcase_add_test(regions, test_more_than_max_regions_is_refused_with_enospc);
	tcase_add_test(regions, test_region_without_host_buffer_is_mapped_2m_aligned);
	tcase_add_test(regions, test_total_is_the_sum_of_region_sizes);
	tcase_add_test(lookup, test_find_region_covers_start_to_exclusive_end);
	tcase_add_test(lookup, test_ptr_only_when_the_whole_range_lies_in_one_region);
	tcase_add_test(lookup, test_translate_fails_with_efault_naming_address_and_length);
	tcase_add_test(copies, test_write_and_read_span_adjacent_regions);
	tcase_add_test(copies, test_fill_spans_adjacent_regions);
	tcase_add_test(copies, test_read_file_spans_adjacent_regions_and_names_the_file_on_errors);
	tcase_add_test(copies, test_copy_across_a_hole_fails_with_efault_and_touches_nothing);
	tcase_add_test(copies, test_copy_whose_end_overflows_fails_with_eoverflow);
	for (i = 0; i < ARRAY_SIZE(all); i++) {
		tcase_add_checked_fixture(all[i], setup_layout, teardown_layout);
		suite_add_tcase(s, all[i]);
	}
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(guest_mem_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
