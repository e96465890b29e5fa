// SPDX-License-Identifier: MIT
/*
 * The importer rules (loader/importer.h) hold for every implementation: each
 * rule test is a loop test run once per backend, the recording importer and
 * the guest-memory importer over caller buffers. Startup memory is
 *
 *   RAM0 [0, 0x10000)   hole   RAM1 [0x20000, 0x30000)
 *
 * and the guest-memory backend starts with every byte dirty (0xee), so
 * zero-filling is checked, not assumed.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loader/image_file.h"
#include "loader/importer_record.h"
#include "vmm/mem_importer.h"

#define RAM_LEN 0x10000ULL
#define RAM1    0x20000ULL
#define DIRTY   0xee

#define ck_assert_err(ret, e, err_no, text)             \
	do {                                            \
		ck_assert_int_eq((ret), -(err_no));     \
		ck_assert_int_eq((e).errnum, (err_no)); \
		ck_assert_str_eq((e).msg, (text));      \
	} while (0)

#define ck_assert_ok(ret) ck_assert_msg((ret) == 0, "unexpected failure: %s", e.msg)

static const struct mem_range ram[] = { { 0, RAM_LEN }, { RAM1, RAM1 + RAM_LEN } };
static uint8_t host[2][RAM_LEN];
static struct record_importer ri;
static struct guest_mem gm;
static struct mem_importer mi;
static struct importer *imp;
static struct err e;

/* ---- the two backends -------------------------------------------------- */

static void record_open(enum guest_arch arch)
{
	record_importer_init(&ri, arch, ram, ARRAY_SIZE(ram));
	imp = &ri.base;
}

static int record_read(gpa_t gpa, void *buf, uint64_t len)
{
	return record_importer_read(&ri, gpa, buf, len, &e);
}

static void mem_open(enum guest_arch arch)
{
	unsigned int i;

	guest_mem_init(&gm);
	for (i = 0; i < ARRAY_SIZE(ram); i++) {
		memset(host[i], DIRTY, RAM_LEN);
		ck_assert_int_eq(guest_mem_add_region(&gm, ram[i].start, RAM_LEN, host[i], &e), 0);
	}
	mem_importer_init(&mi, &gm, arch);
	imp = &mi.base;
}

static int mem_read(gpa_t gpa, void *buf, uint64_t len)
{
	return guest_mem_read(&gm, gpa, buf, len, &e);
}

static const struct backend {
	const char *name;
	void (*open)(enum guest_arch arch);
	int (*read)(gpa_t gpa, void *buf, uint64_t len);
	bool records; /* true: un-imported bytes do not read; false: they read DIRTY */
} backends[] = {
	{ "recording", record_open, record_read, true },
	{ "guest-memory", mem_open, mem_read, false },
};

static const struct backend *be;

static void open_backend(int i, enum guest_arch arch)
{
	be = &backends[i];
	err_clear(&e);
	be->open(arch);
}

static void close_backend(void)
{
	if (imp)
		importer_destroy(imp);
	guest_mem_destroy(&gm);
	imp = NULL;
}

/* Nothing was imported at gpa: the recording has no write there, RAM is still dirty. */
static bool untouched(gpa_t gpa)
{
	uint8_t b = 0;
	int ret = be->read(gpa, &b, 1);

	return be->records ? ret == -ENOENT : ret == 0 && b == DIRTY;
}

/* ---- helpers -------------------------------------------------------------- */

static void import_ok(uint64_t page, uint64_t count, const char *tag, const void *data, size_t len)
{
	ck_assert_ok(importer_import_pages(imp, page, count, tag, BPA_EXCLUSIVE, data, len, &e));
}

/* The guest bytes at gpa, read back through the backend, equal want (NULL: zeros). */
static void assert_guest_bytes(gpa_t gpa, const uint8_t *want, uint64_t len)
{
	static uint8_t got[4 * PAGE_SIZE];
	uint64_t i;

	ck_assert_uint_le(len, sizeof(got));
	ck_assert_msg(be->read(gpa, got, len) == 0, "%s: read 0x%llx: %s", be->name,
	              (unsigned long long)gpa, e.msg);
	for (i = 0; i < len; i++)
		ck_assert_msg(got[i] == (want ? want[i] : 0), "%s: byte at 0x%llx is 0x%02x",
		              be->name, (unsigned long long)(gpa + i), got[i]);
}

static const char *range_tag(gpa_t gpa)
{
	const struct importer_range *r = importer_find_range(imp, gpa);

	return r ? r->tag : NULL;
}

/* ---- import_pages ------------------------------------------------------------- */

START_TEST(test_empty_range_or_data_longer_than_the_range_is_refused_with_einval)
{
	static const struct {
		uint64_t count, data_len;
		const char *msg;
	} cases[] = {
		{ 0, 0, "import 'x' at page 0x1: page count is 0" },
		{ 1, PAGE_SIZE + 1,
		  "import 'x' at 0x1000: 4097 bytes of data exceed 1 pages (4096 bytes)" },
		{ 2, 2 * PAGE_SIZE + 1,
		  "import 'x' at 0x1000: 8193 bytes of data exceed 2 pages (8192 bytes)" },
	};
	static uint8_t data[3 * PAGE_SIZE];
	unsigned int i;

	open_backend(_i, GUEST_ARCH_X86_64);
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		ck_assert_err(importer_import_pages(imp, 1, cases[i].count, "x", BPA_EXCLUSIVE,
		                                    data, cases[i].data_len, &e),
		              e, EINVAL, cases[i].msg);
	ck_assert_uint_eq(imp->nr_ranges, 0);
	ck_assert(untouched(0x1000));
}
END_TEST

START_TEST(test_short_data_is_zero_filled_to_the_end_of_the_range)
{
	static const uint8_t hello[] = "hello";

	open_backend(_i, GUEST_ARCH_X86_64);
	import_ok(2, 3, "short", hello, 5);
	assert_guest_bytes(0x2000, hello, 5);
	assert_guest_bytes(0x2005, NULL, 3 * PAGE_SIZE - 5);
	ck_assert(untouched(0x1fff));
	ck_assert(untouched(0x5000));
}
END_TEST

START_TEST(test_overlapping_import_is_refused_with_eexist_naming_both_tags)
{
	static const struct {
		uint64_t page, count;
	} cases[] = { { 0, 2 }, { 2, 1 }, { 2, 3 }, { 0, 5 }, { 1, 2 } };
	static uint8_t first[2 * PAGE_SIZE];
	char want[200];
	unsigned int i;

	open_backend(_i, GUEST_ARCH_X86_64);
	memset(first, 0x11, sizeof(first));
	import_ok(1, 2, "first", first, sizeof(first));
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t p = cases[i].page, n = cases[i].count;
		int ret = importer_import_pages(imp, p, n, "second", BPA_EXCLUSIVE, NULL, 0, &e);

		snprintf(want, sizeof(want),
		         "import 'second' [0x%llx, 0x%llx) overlaps earlier import 'first' "
		         "[0x1000, 0x3000)",
		         (unsigned long long)(p * PAGE_SIZE),
		         (unsigned long long)((p + n) * PAGE_SIZE));
		ck_assert_err(ret, e, EEXIST, want);
	}
	ck_assert_uint_eq(imp->nr_ranges, 1);
	assert_guest_bytes(0x1000, first, sizeof(first));
}
END_TEST

START_TEST(test_imports_and_parameter_areas_may_not_overlap_each_other)
{
	struct parameter_area_index idx;

	open_backend(_i, GUEST_ARCH_X86_64);
	ck_assert_ok(importer_create_parameter_area(imp, 4, 2, "params", &idx, &e));
	ck_assert_err(importer_import_pages(imp, 5, 1, "kernel", BPA_EXCLUSIVE, NULL, 0, &e), e,
	              EEXIST,
	              "import 'kernel' [0x5000, 0x6000) overlaps earlier import 'params' "
	              "[0x4000, 0x6000)");
	import_ok(1, 1, "gdt", NULL, 0);
	ck_assert_err(importer_create_parameter_area(imp, 0, 2, "more-params", &idx, &e), e, EEXIST,
	              "import 'more-params' [0x0, 0x2000) overlaps earlier import 'gdt' "
	              "[0x1000, 0x2000)");
	ck_assert_uint_eq(imp->nr_areas, 1);
}
END_TEST

START_TEST(test_adjacent_imports_are_accepted)
{
	static const struct {
		uint64_t page, count;
		const char *tag;
	} order[] = {
		{ 2, 2, "middle" }, { 1, 1, "before" }, { 4, 12, "after" }, { 0x20, 16, "ram1" }
	};
	unsigned int i;

	open_backend(_i, GUEST_ARCH_X86_64);
	for (i = 0; i < ARRAY_SIZE(order); i++)
		import_ok(order[i].page, order[i].count, order[i].tag, NULL, 0);
	ck_assert_uint_eq(imp->nr_ranges, 4);
	for (i = 1; i < imp->nr_ranges; i++)
		ck_assert_uint_lt(imp->ranges[i - 1].page_base, imp->ranges[i].page_base);
	ck_assert_ptr_null(range_tag(0x0fff));
	ck_assert_str_eq(range_tag(0x1fff), "before");
	ck_assert_str_eq(range_tag(0x2000), "middle");
	ck_assert_str_eq(range_tag(0x3fff), "middle");
	ck_assert_str_eq(range_tag(0x4000), "after");
	ck_assert_str_eq(range_tag(0x2ffff), "ram1");
	ck_assert_ptr_null(range_tag(0x30000));
}
END_TEST

START_TEST(test_import_outside_startup_memory_is_refused)
{
	static const struct {
		uint64_t page, count;
		int err;
		const char *msg;
	} cases[] = {
		{ 0xf, 2, ERANGE, "import 'x' [0xf000, 0x11000) lies outside guest RAM" },
		{ 0x10, 1, ERANGE, "import 'x' [0x10000, 0x11000) lies outside guest RAM" },
		{ 0x2f, 2, ERANGE, "import 'x' [0x2f000, 0x31000) lies outside guest RAM" },
		{ 0x100, 1, ERANGE, "import 'x' [0x100000, 0x101000) lies outside guest RAM" },
		{ 0xfffffffffffffULL, 2, EOVERFLOW,
		  "import 'x': page 0xfffffffffffff + 2 pages overflows the address space" },
		{ 1ULL << 60, 1, EOVERFLOW,
		  "import 'x': page 0x1000000000000000 + 1 pages overflows the address space" },
	};
	unsigned int i;

	open_backend(_i, GUEST_ARCH_X86_64);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		int ret = importer_import_pages(imp, cases[i].page, cases[i].count, "x",
		                                BPA_EXCLUSIVE, NULL, 0, &e);

		ck_assert_err(ret, e, cases[i].err, cases[i].msg);
	}
	ck_assert_uint_eq(imp->nr_ranges, 0);
	ck_assert(untouched(0xf000));
}
END_TEST

START_TEST(test_import_bytes_places_data_at_its_offset_after_leading_zeros)
{
	static const struct {
		gpa_t gpa;
		uint64_t mem_len;
		uint64_t page_base, page_count;
	} cases[] = { { 0x1234, 0x10, 1, 1 }, { 0x3ffc, 0x8, 3, 2 }, { 0x8000, 0x1001, 8, 2 } };
	static const uint8_t data[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	unsigned int i;

	open_backend(_i, GUEST_ARCH_X86_64);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct importer_range *r;
		uint64_t base = cases[i].page_base * PAGE_SIZE, lead = cases[i].gpa - base;

		ck_assert_ok(importer_import_bytes(imp, cases[i].gpa, cases[i].mem_len, "bytes",
		                                   BPA_EXCLUSIVE, data, 4, &e));
		r = importer_find_range(imp, cases[i].gpa);
		ck_assert_ptr_nonnull(r);
		ck_assert_uint_eq(r->page_base, cases[i].page_base);
		ck_assert_uint_eq(r->page_count, cases[i].page_count);
		assert_guest_bytes(base, NULL, lead);
		assert_guest_bytes(cases[i].gpa, data, 4);
		assert_guest_bytes(cases[i].gpa + 4, NULL,
		                   cases[i].page_count * PAGE_SIZE - lead - 4);
	}
	ck_assert_err(importer_import_bytes(imp, 0x20010, 4, "long", BPA_EXCLUSIVE, data, 8, &e), e,
	              EINVAL,
	              "import 'long' at 0x20010: 8 bytes of data exceed the memory length 4");
}
END_TEST

/* ---- import_file ------------------------------------------------------------------ */

/* A temporary file holding len pattern bytes (i * 7 + 1), opened as an image file. */
static void temp_image(struct image_file *f, uint64_t len)
{
	static char path[64];
	uint8_t buf[3 * PAGE_SIZE];
	int fd;
	uint64_t i;

	strcpy(path, "/tmp/minivmm-test-importXXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_uint_le(len, sizeof(buf));
	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)(i * 7 + 1);
	ck_assert_int_eq(write(fd, buf, len), (ssize_t)len);
	close(fd);
	ck_assert_ok(image_file_open(f, path, &e));
	unlink(path);
}

START_TEST(test_import_file_equals_import_bytes_of_the_same_file_range)
{
	struct image_file f, part;
	const void *want;
	char past[160];

	open_backend(_i, GUEST_ARCH_X86_64);
	temp_image(&f, 2 * PAGE_SIZE + 100);
	/* Bytes [0x100, 0x100 + 0x1800) of the file at 0x3010, in 0x2000 bytes of memory. */
	ck_assert_ok(importer_import_file(imp, 0x3010, 0x2000, "file", BPA_EXCLUSIVE, &f, 0x100,
	                                  0x1800, "piece", &e));
	ck_assert_ok(image_file_range(&f, 0x100, 0x1800, "piece", &want, &e));
	assert_guest_bytes(0x3000, NULL, 0x10);
	assert_guest_bytes(0x3010, want, 0x1800);
	assert_guest_bytes(0x3010 + 0x1800, NULL, 3 * PAGE_SIZE - 0x10 - 0x1800);
	/* A slice keeps the file's descriptor and its offset in the file. */
	ck_assert_ok(image_file_slice(&f, PAGE_SIZE, PAGE_SIZE + 100, &part, &e));
	ck_assert(part.has_fd);
	ck_assert_uint_eq(part.fd_off, PAGE_SIZE);
	ck_assert_ok(importer_import_file(imp, 0x8000, part.size, "slice", BPA_EXCLUSIVE, &part, 0,
	                                  part.size, "slice", &e));
	assert_guest_bytes(0x8000, part.data, part.size);
	snprintf(past, sizeof(past),
	         "%s: piece at offset 0x2000, 256 bytes, runs past the end of the file (8292 "
	         "bytes)",
	         f.name);
	ck_assert_err(importer_import_file(imp, 0xc000, 0x1000, "past", BPA_EXCLUSIVE, &f, 0x2000,
	                                   0x100, "piece", &e),
	              e, EINVAL, past);
	ck_assert(untouched(0xc000));
	image_file_close(&f);
}
END_TEST

/*
 * The guest-memory importer reads the file itself: given a view whose mapped
 * bytes differ from the file, it places the file's; the recording importer, which
 * has no write_file, records the mapped bytes.
 */
START_TEST(test_guest_memory_importer_reads_the_file_recording_importer_the_mapping)
{
	static const uint8_t other[PAGE_SIZE] = { 0xab };
	struct image_file f, view;
	const void *file_bytes;

	open_backend(_i, GUEST_ARCH_X86_64);
	temp_image(&f, PAGE_SIZE);
	ck_assert_ok(image_file_range(&f, 0, PAGE_SIZE, "all", &file_bytes, &e));
	view = f;
	view.map = NULL; /* not the owner: closing f closes the descriptor */
	view.data = other;
	ck_assert_ok(importer_import_file(imp, 0x4000, PAGE_SIZE, "view", BPA_EXCLUSIVE, &view, 0,
	                                  PAGE_SIZE, "view", &e));
	assert_guest_bytes(0x4000, be->records ? other : file_bytes, PAGE_SIZE);
	image_file_close(&f);
}
END_TEST

/* A file that shrank after it was opened: the guest-memory importer names it and the shortfall. */
START_TEST(test_file_shorter_than_its_view_is_an_error_naming_file_and_offset)
{
	struct image_file f;
	char want[160];

	mem_open(GUEST_ARCH_X86_64);
	temp_image(&f, PAGE_SIZE);
	f.size = 2 * PAGE_SIZE; /* as if the file had been truncated to half after the stat */
	f.data = calloc(1, 2 * PAGE_SIZE);
	snprintf(want, sizeof(want),
	         "%s: the file ends at offset 0x1000, 4096 bytes short (it shrank after it was "
	         "opened)",
	         f.name);
	ck_assert_err(importer_import_file(imp, 0x4000, 2 * PAGE_SIZE, "short", BPA_EXCLUSIVE, &f,
	                                   0, 2 * PAGE_SIZE, "all", &e),
	              e, EIO, want);
	free((void *)f.data);
	f.data = f.map;
	f.size = f.map_len;
	image_file_close(&f);
}
END_TEST

/* ---- registers -------------------------------------------------------------------- */

START_TEST(test_register_imported_twice_is_refused_with_eexist_naming_it)
{
	static const struct {
		enum x86_reg_name name;
		const char *msg;
	} cases[] = { { X86_REG_RIP, "register RIP imported twice" },
		      { X86_REG_CR3, "register CR3 imported twice" },
		      { X86_REG_EFER, "register EFER imported twice" } };
	unsigned int i;

	open_backend(_i, GUEST_ARCH_X86_64);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		ck_assert_ok(importer_import_x86_u64(imp, cases[i].name, 0x1000 + i, &e));
		ck_assert_err(importer_import_x86_u64(imp, cases[i].name, 0x2000, &e), e, EEXIST,
		              cases[i].msg);
		ck_assert_uint_eq(importer_find_x86_register(imp, cases[i].name)->value,
		                  0x1000 + i);
	}
	ck_assert_uint_eq(imp->nr_regs, ARRAY_SIZE(cases));
}
END_TEST

START_TEST(test_register_of_the_other_architecture_is_refused_with_einval)
{
	struct a64_register pc = { .name = A64_REG_PC, .value = 0x80000 };

	open_backend(_i, GUEST_ARCH_AARCH64);
	ck_assert_err(importer_import_x86_u64(imp, X86_REG_RIP, 0x1000, &e), e, EINVAL,
	              "register RIP: x86 register imported into an arm64 guest");
	ck_assert_ok(importer_import_a64_register(imp, &pc, &e));
	ck_assert_ptr_null(importer_find_x86_register(imp, X86_REG_RIP));
	close_backend();
	open_backend(_i, GUEST_ARCH_X86_64);
	ck_assert_err(importer_import_a64_register(imp, &pc, &e), e, EINVAL,
	              "register PC: arm64 register imported into an x86 guest");
	ck_assert_uint_eq(imp->nr_regs, 0);
}
END_TEST

START_TEST(test_find_x86_register_returns_what_was_imported)
{
	struct x86_register cs = { .name = X86_REG_CS,
		                   .seg = { .base = 0,
		                            .limit = 0xffffffff,
		                            .selector = 0x08,
		                            .attributes = X64_DEFAULT_CODE_SEGMENT_ATTRIBUTES } };
	const struct x86_register *got;

	open_backend(_i, GUEST_ARCH_X86_64);
	ck_assert_ok(importer_import_x86_register(imp, &cs, &e));
	ck_assert_ok(importer_import_x86_u64(imp, X86_REG_RSI, 0x7000, &e));
	got = importer_find_x86_register(imp, X86_REG_CS);
	ck_assert_ptr_nonnull(got);
	ck_assert_mem_eq(&got->seg, &cs.seg, sizeof(cs.seg));
	ck_assert_uint_eq(importer_find_x86_register(imp, X86_REG_RSI)->value, 0x7000);
	ck_assert_ptr_null(importer_find_x86_register(imp, X86_REG_RSP));
}
END_TEST

/* ---- parameter areas --------------------------------------------------------------- */

START_TEST(test_parameter_areas_are_numbered_in_creation_order)
{
	struct parameter_area_index idx;
	unsigned int i;

	open_backend(_i, GUEST_ARCH_X86_64);
	for (i = 0; i < 3; i++) {
		ck_assert_ok(importer_create_parameter_area(imp, 2 + 2 * i, 2, "area", &idx, &e));
		ck_assert_uint_eq(idx.index, i);
		ck_assert_uint_eq(imp->areas[i].page_base, 2 + 2 * i);
		ck_assert(importer_find_range(imp, (2 + 2 * i) * PAGE_SIZE)->parameter_area);
		assert_guest_bytes((2 + 2 * i) * PAGE_SIZE, NULL, 2 * PAGE_SIZE);
	}
}
END_TEST

START_TEST(test_parameter_area_initial_data_is_copied)
{
	char data[] = "console=ttyS0";
	struct parameter_area_index idx;
	const struct importer_range *r;

	open_backend(_i, GUEST_ARCH_X86_64);
	ck_assert_ok(importer_create_parameter_area_with_data(imp, 0x21, 1, "cmdline", data,
	                                                      sizeof(data), &idx, &e));
	memset(data, 'X', sizeof(data) - 1);
	ck_assert_ptr_ne(imp->areas[0].initial_data, data);
	ck_assert_uint_eq(imp->areas[0].initial_len, sizeof("console=ttyS0"));
	ck_assert_str_eq((const char *)imp->areas[0].initial_data, "console=ttyS0");
	assert_guest_bytes(0x21000, (const uint8_t *)"console=ttyS0", sizeof("console=ttyS0"));
	assert_guest_bytes(0x21000 + sizeof(data), NULL, PAGE_SIZE - sizeof(data));
	r = importer_find_range(imp, 0x21000);
	ck_assert(r->parameter_area);
	ck_assert_int_eq(r->acceptance, BPA_EXCLUSIVE_UNMEASURED);
}
END_TEST

START_TEST(test_parameter_area_initial_data_longer_than_the_area_is_refused)
{
	static uint8_t data[PAGE_SIZE + 1];
	struct parameter_area_index idx;

	open_backend(_i, GUEST_ARCH_X86_64);
	ck_assert_err(
	    importer_create_parameter_area_with_data(imp, 1, 1, "p", data, sizeof(data), &idx, &e),
	    e, EINVAL, "parameter area 'p': 4097 bytes of initial data exceed 1 pages");
	ck_assert_uint_eq(imp->nr_areas, 0);
}
END_TEST

START_TEST(test_import_parameter_needs_an_existing_area_and_an_offset_inside_it)
{
	struct parameter_area_index idx, bad = { .index = 1 };

	open_backend(_i, GUEST_ARCH_X86_64);
	ck_assert_ok(importer_create_parameter_area(imp, 1, 1, "p", &idx, &e));
	ck_assert_err(importer_import_parameter(imp, bad, 0, IGVM_PARAM_VP_COUNT, &e), e, EINVAL,
	              "parameter vp-count: area index 1 out of range (1 areas)");
	ck_assert_err(importer_import_parameter(imp, idx, 0x1000, IGVM_PARAM_MADT, &e), e, EINVAL,
	              "parameter madt: byte offset 0x1000 is past the end of area 'p' (1 pages)");
	ck_assert_ok(importer_import_parameter(imp, idx, 0xfff, IGVM_PARAM_SRAT, &e));
	ck_assert_uint_eq(imp->nr_params, 1);
	ck_assert_uint_eq(imp->params[0].area.index, 0);
	ck_assert_uint_eq(imp->params[0].byte_offset, 0xfff);
	ck_assert_int_eq(imp->params[0].type, IGVM_PARAM_SRAT);
}
END_TEST

/* ---- startup memory ---------------------------------------------------------------- */

static int verify(uint64_t page, uint64_t count, enum startup_memory_type t)
{
	return importer_verify_startup_memory_available(imp, page, count, t, &e);
}

START_TEST(test_startup_memory_must_lie_inside_one_ram_range)
{
	open_backend(_i, GUEST_ARCH_X86_64);
	ck_assert_ok(verify(0, 16, SMT_RAM));
	ck_assert_ok(verify(0x20, 16, SMT_RAM));
	ck_assert_err(verify(0xf, 0x12, SMT_RAM), e, ERANGE,
	              "startup memory [0xf000, 0x21000) (18 pages) is not inside one guest RAM "
	              "range");
	ck_assert_err(verify(0x2f, 2, SMT_RAM), e, ERANGE,
	              "startup memory [0x2f000, 0x31000) (2 pages) is not inside one guest RAM "
	              "range");
}
END_TEST

START_TEST(test_vtl2_protectable_memory_needs_max_vtl_2_and_ram_or_vtl2_ram)
{
	open_backend(_i, GUEST_ARCH_X86_64);
	ck_assert_err(verify(1, 1, SMT_VTL2_PROTECTABLE_RAM), e, EINVAL,
	              "startup memory at 0x1000: VTL2-protectable RAM requested but no VTL2 is "
	              "being loaded");
	imp->max_vtl = 2;
	imp->vtl2_ram = (struct mem_range){ 0x40000, 0x50000 };
	ck_assert_ok(verify(1, 1, SMT_VTL2_PROTECTABLE_RAM));
	ck_assert_ok(verify(0x40, 16, SMT_VTL2_PROTECTABLE_RAM));
	ck_assert_int_eq(verify(0x4f, 2, SMT_VTL2_PROTECTABLE_RAM), -ERANGE);
	ck_assert_int_eq(verify(0x40, 1, SMT_RAM), -ERANGE); /* plain RAM is not vtl2_ram */
}
END_TEST

/* ---- VP context, relocation, config pages ------------------------------------------- */

START_TEST(test_vp_context_page_is_zeroed_and_may_be_set_only_once)
{
	const struct importer_range *r;

	open_backend(_i, GUEST_ARCH_X86_64);
	ck_assert_ok(importer_set_vp_context_page(imp, 5, &e));
	r = importer_find_range(imp, 0x5000);
	ck_assert_str_eq(r->tag, "vp-context");
	ck_assert_int_eq(r->acceptance, BPA_VP_CONTEXT);
	assert_guest_bytes(0x5000, NULL, PAGE_SIZE);
	ck_assert_err(importer_set_vp_context_page(imp, 6, &e), e, EEXIST,
	              "VP context page set twice (0x5000, then 0x6000)");
	ck_assert_uint_eq(imp->vp_context_page, 5);
}
END_TEST

START_TEST(test_relocation_region_with_bad_size_alignment_or_bounds_is_refused)
{
	static const struct {
		uint64_t gpa, size, align, min, max;
		const char *says;
	} cases[] = {
		{ 0x200000, 0, SZ_2M, 0, SZ_16M,
		  "size 0x0 and alignment 0x200000 must be non-zero multiples of 4 KiB" },
		{ 0x200000, 0x1800, SZ_2M, 0, SZ_16M, "size 0x1800 and alignment 0x200000" },
		{ 0x200000, 0x1000, 0, 0, SZ_16M, "size 0x1000 and alignment 0x0" },
		{ 0x200000, 0x1000, 0x1800, 0, SZ_16M, "size 0x1000 and alignment 0x1800" },
		{ 0x201000, 0x1000, SZ_2M, 0, SZ_16M,
		  "gpa, minimum 0x0 and maximum 0x1000000 must be multiples of the alignment "
		  "0x200000" },
		{ 0x200000, 0x1000, SZ_2M, 0x1000, SZ_16M, "minimum 0x1000 and maximum 0x1000000" },
		{ 0x200000, 0x1000, SZ_2M, 0, 0x1001000, "minimum 0x0 and maximum 0x1001000" },
		{ 0x200000, 0x1000, SZ_2M, SZ_16M, 0x400000,
		  "0x200000 + 0x1000: bad range (minimum 0x1000000, maximum 0x400000)" },
		{ 0xffffffffffe00000ULL, 0x400000, SZ_2M, 0, SZ_16M,
		  "0xffffffffffe00000 + 0x400000: bad range" },
	};
	char names_gpa[64];
	unsigned int i;

	open_backend(_i, GUEST_ARCH_X86_64);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		int ret =
		    importer_relocation_region(imp, cases[i].gpa, cases[i].size, cases[i].align,
		                               cases[i].min, cases[i].max, true, false, 0, &e);

		ck_assert_int_eq(ret, -EINVAL);
		ck_assert_int_eq(e.errnum, EINVAL);
		snprintf(names_gpa, sizeof(names_gpa), "relocation region 0x%llx",
		         (unsigned long long)cases[i].gpa);
		ck_assert_msg(strncmp(e.msg, names_gpa, strlen(names_gpa)) == 0, "%s", e.msg);
		ck_assert_msg(strstr(e.msg, cases[i].says), "case %u: '%s'", i, e.msg);
	}
	ck_assert_uint_eq(imp->nr_relocs, 0);
}
END_TEST

static int reloc(uint64_t gpa, uint64_t size)
{
	return importer_relocation_region(imp, gpa, size, 0x200000, 0, 0x10000000, true, true, 0,
	                                  &e);
}

START_TEST(test_relocation_regions_may_not_overlap_each_other_or_the_page_tables)
{
	open_backend(_i, GUEST_ARCH_X86_64);
	ck_assert_ok(reloc(0x200000, 0x200000));
	ck_assert_err(reloc(0x200000, 0x400000), e, EEXIST,
	              "relocation region [0x200000, 0x600000) overlaps relocation region "
	              "[0x200000, 0x400000)");
	ck_assert_ok(reloc(0x400000, 0x200000)); /* adjacent */
	ck_assert_err(importer_page_table_relocation(imp, 0x5ff000, 2, 1, 0, &e), e, EEXIST,
	              "page-table region 0x5ff000 (2 pages) overlaps relocation region "
	              "[0x400000, 0x600000)");
	ck_assert_ok(importer_page_table_relocation(imp, 0x600000, 4, 3, 0, &e));
	ck_assert_err(reloc(0x600000, 0x200000), e, EEXIST,
	              "relocation region [0x600000, 0x800000) overlaps the page-table region at "
	              "0x600000");
	ck_assert_uint_eq(imp->nr_relocs, 2);
	ck_assert(imp->relocs[1].apply_rip_offset && imp->relocs[1].apply_gdtr_offset);
}
END_TEST

START_TEST(test_page_table_relocation_is_declared_once_with_used_at_most_size)
{
	open_backend(_i, GUEST_ARCH_X86_64);
	ck_assert_err(importer_page_table_relocation(imp, 0x600000, 4, 5, 0, &e), e, EINVAL,
	              "page-table relocation region 0x600000: 5 used of 4 pages is invalid");
	ck_assert_int_eq(importer_page_table_relocation(imp, 0x600000, 0, 0, 0, &e), -EINVAL);
	ck_assert_int_eq(importer_page_table_relocation(imp, 0x600800, 4, 1, 0, &e), -EINVAL);
	ck_assert(!imp->has_pt_reloc);
	ck_assert_ok(importer_page_table_relocation(imp, 0x600000, 4, 4, 1, &e));
	ck_assert_err(importer_page_table_relocation(imp, 0x700000, 1, 1, 0, &e), e, EEXIST,
	              "page-table relocation region declared twice (0x600000, then 0x700000)");
	ck_assert_uint_eq(imp->pt_reloc.gpa, 0x600000);
	ck_assert_uint_eq(imp->pt_reloc.used_pages, 4);
	ck_assert_uint_eq(imp->pt_reloc.vp_index, 1);
}
END_TEST

START_TEST(test_page_table_region_whose_end_overflows_is_refused)
{
	open_backend(_i, GUEST_ARCH_X86_64);
	ck_assert_int_lt(importer_page_table_relocation(imp, 0xfffffffffffff000ULL, 2, 1, 0, &e),
	                 0);
	ck_assert(!imp->has_pt_reloc);
}
END_TEST

START_TEST(test_imported_regions_config_page_is_recorded)
{
	open_backend(_i, GUEST_ARCH_X86_64);
	ck_assert(!imp->has_imported_regions_page);
	importer_set_imported_regions_config_page(imp, 7);
	ck_assert(imp->has_imported_regions_page);
	ck_assert_uint_eq(imp->imported_regions_page, 7);
}
END_TEST

/* ---- not per backend ---------------------------------------------------------------- */

START_TEST(test_isolation_cpuid_leaf_encodes_paravisor_type_and_boundary)
{
	static const struct {
		struct isolation_config c;
		uint32_t eax, ebx;
	} cases[] = {
		{ { false, ISOLATION_NONE, false, 0 }, 0, 0 },
		{ { true, ISOLATION_VBS, false, 46 }, 1, 0x1 }, /* bits ignored without boundary */
		{ { true, ISOLATION_SNP, true, 46 }, 1, 0x2 | 0x20 | (46 << 6) },
		{ { false, ISOLATION_TDX, true, 47 }, 0, 0x3 | 0x20 | (47 << 6) },
		{ { false, ISOLATION_SNP, true, 0x7f }, 0, 0x2 | 0x20 | (0x3f << 6) },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct cpuid_result r = isolation_config_cpuid(&cases[i].c);

		ck_assert_uint_eq(r.eax, cases[i].eax);
		ck_assert_uint_eq(r.ebx, cases[i].ebx);
		ck_assert_uint_eq(r.ecx, 0);
		ck_assert_uint_eq(r.edx, 0);
	}
}
END_TEST

/* Bitwise CRC-32 (IEEE 802.3, reflected, as zlib), independent of lib/crc32.c. */
static uint32_t ref_crc32(const uint8_t *p, size_t len)
{
	uint32_t crc = 0xffffffff;
	size_t i;
	int b;

	for (i = 0; i < len; i++) {
		crc ^= p[i];
		for (b = 0; b < 8; b++)
			crc = (crc >> 1) ^ (0xedb88320 & -(crc & 1));
	}
	return ~crc;
}

START_TEST(test_recorded_crc32_is_zlib_crc_of_the_zero_filled_range)
{
	uint8_t want[3 * PAGE_SIZE] = { 0 };
	uint8_t data[100];
	unsigned int i;

	ck_assert_uint_eq(ref_crc32((const uint8_t *)"123456789", 9), 0xcbf43926);
	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + 1);
	open_backend(0, GUEST_ARCH_X86_64);
	ck_assert_ok(
	    importer_import_bytes(imp, 0x1234, 0x2000, "k", BPA_EXCLUSIVE, data, sizeof(data), &e));
	import_ok(0x20, 1, "empty", NULL, 0);
	ck_assert_uint_eq(ri.nr_writes, 2);
	ck_assert_uint_eq(ri.writes[0].gpa, 0x1000);
	ck_assert_uint_eq(ri.writes[0].len, sizeof(want));
	ck_assert_uint_eq(ri.writes[0].data_off, 0x234);
	memcpy(want + 0x234, data, sizeof(data));
	ck_assert_uint_eq(ri.writes[0].crc32, ref_crc32(want, sizeof(want)));
	memset(want, 0, sizeof(want));
	ck_assert_uint_eq(ri.writes[1].crc32, ref_crc32(want, PAGE_SIZE));
}
END_TEST

START_TEST(test_guest_memory_import_spans_adjacent_regions)
{
	static const uint8_t data[] = { 0xde, 0xad, 0xbe, 0xef };

	guest_mem_init(&gm);
	memset(host, DIRTY, sizeof(host));
	ck_assert_ok(guest_mem_add_region(&gm, 0, RAM_LEN, host[0], &e));
	ck_assert_ok(guest_mem_add_region(&gm, RAM_LEN, RAM_LEN, host[1], &e));
	mem_importer_init(&mi, &gm, GUEST_ARCH_X86_64);
	imp = &mi.base;
	ck_assert_uint_eq(imp->nr_ram, 1); /* adjacent regions are one RAM range */
	ck_assert_ok(verify(0xf, 2, SMT_RAM));
	ck_assert_ok(
	    importer_import_bytes(imp, RAM_LEN - 2, 4, "across", BPA_EXCLUSIVE, data, 4, &e));
	ck_assert_mem_eq(host[0] + RAM_LEN - 2, data, 2);
	ck_assert_mem_eq(host[1], data + 2, 2);
	ck_assert_uint_eq(host[0][RAM_LEN - PAGE_SIZE], 0);
	ck_assert_uint_eq(host[1][PAGE_SIZE - 1], 0);
	ck_assert_uint_eq(host[1][PAGE_SIZE], DIRTY);
}
END_TEST

static Suite *importer_suite(void)
{
	const TTest *const per_backend[] = {
		test_empty_range_or_data_longer_than_the_range_is_refused_with_einval,
		test_short_data_is_zero_filled_to_the_end_of_the_range,
		test_overlapping_import_is_refused_with_eexist_naming_both_tags,
		test_imports_and_parameter_areas_may_not_overlap_each_other,
		test_adjacent_imports_are_accepted,
		test_import_outside_startup_memory_is_refused,
		test_import_bytes_places_data_at_its_offset_after_leading_zeros,
		test_import_file_equals_import_bytes_of_the_same_file_range,
		test_guest_memory_importer_reads_the_file_recording_importer_the_mapping,
		test_register_imported_twice_is_refused_with_eexist_naming_it,
		test_register_of_the_other_architecture_is_refused_with_einval,
		test_find_x86_register_returns_what_was_imported,
		test_parameter_areas_are_numbered_in_creation_order,
		test_parameter_area_initial_data_is_copied,
		test_parameter_area_initial_data_longer_than_the_area_is_refused,
		test_import_parameter_needs_an_existing_area_and_an_offset_inside_it,
		test_startup_memory_must_lie_inside_one_ram_range,
		test_vtl2_protectable_memory_needs_max_vtl_2_and_ram_or_vtl2_ram,
		test_vp_context_page_is_zeroed_and_may_be_set_only_once,
		test_relocation_region_with_bad_size_alignment_or_bounds_is_refused,
		test_relocation_regions_may_not_overlap_each_other_or_the_page_tables,
		test_page_table_relocation_is_declared_once_with_used_at_most_size,
		test_page_table_region_whose_end_overflows_is_refused,
		test_imported_regions_config_page_is_recorded,
	};
	Suite *s = suite_create("importer");
	TCase *rules = tcase_create("rules for every importer");
	TCase *single = tcase_create("one implementation");
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(per_backend); i++)
		tcase_add_loop_test(rules, per_backend[i], 0, (int)ARRAY_SIZE(backends));
	tcase_add_test(single, test_isolation_cpuid_leaf_encodes_paravisor_type_and_boundary);
	tcase_add_test(single, test_recorded_crc32_is_zlib_crc_of_the_zero_filled_range);
	tcase_add_test(single, test_guest_memory_import_spans_adjacent_regions);
	tcase_add_test(single, test_file_shorter_than_its_view_is_an_error_naming_file_and_offset);
	tcase_add_checked_fixture(rules, NULL, close_backend);
	tcase_add_checked_fixture(single, NULL, close_backend);
	suite_add_tcase(s, rules);
	suite_add_tcase(s, single);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(importer_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
