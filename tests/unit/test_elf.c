// SPDX-License-Identifier: MIT
/* loader/elf.c: load_static_elf semantics and every malformed ELF. */
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "loader/elf.h"
#include "loader/importer_record.h"
#include "test_helpers.h"

static const struct mem_range ram_512m = { 0, 512ULL << 20 };

struct loaded {
	struct record_importer ri;
	struct elf_load_info info;
	struct err e;
	uint8_t *buf;
	int ret;
};

static void load(struct loaded *l, const struct fixture_elf *spec, uint64_t start, uint64_t off,
                 bool pic)
{
	struct image_file f;
	size_t len;

	memset(l, 0, sizeof(*l));
	l->buf = fixture_elf_build(spec, &len);
	image_file_from_buffer(&f, "k.elf", l->buf, len);
	record_importer_init(&l->ri, GUEST_ARCH_X86_64, &ram_512m, 1);
	l->ret = elf_load_static(&l->ri.base, &f, start, off, pic, BPA_EXCLUSIVE, "kernel",
	                         &l->info, &l->e);
}

static void unload(struct loaded *l)
{
	importer_destroy(&l->ri.base);
	free(l->buf);
}

/*
 * Loads a spec that must fail and checks errno and message. The loader
 * validates the whole file before importing anything, so a failure it
 * detects itself leaves no ranges behind.
 */
static void expect_failure_after(const struct fixture_elf *spec, int errnum, const char *msg,
                                 size_t ranges_imported)
{
	struct loaded l;

	load(&l, spec, 0x100000, 0, false);
	ck_assert_err(l.ret, l.e, errnum, msg);
	ck_assert_uint_eq(l.ri.base.nr_ranges, ranges_imported);
	unload(&l);
}

static void expect_failure(const struct fixture_elf *spec, int errnum, const char *msg)
{
	expect_failure_after(spec, errnum, msg, 0);
}

static void two_segments(struct fixture_elf *s)
{
	memset(s, 0, sizeof(*s));
	s->entry = 0x1000000;
	s->nsegs = 2;
	s->segs[0] = (struct fixture_seg){ .paddr = 0x1000000, .filesz = 0x1800, .memsz = 0x1800 };
	s->segs[1] = (struct fixture_seg){ .paddr = 0x1200000, .filesz = 0x10, .memsz = 0x3000 };
}

static void assert_segment_bytes(const struct record_importer *ri, unsigned int seg, gpa_t gpa,
                                 uint64_t filesz, uint64_t memsz)
{
	uint8_t *got = malloc(memsz);
	struct err e;
	uint64_t i;

	ck_assert_ok(record_importer_read(ri, gpa, got, memsz, &e), e);
	for (i = 0; i < memsz; i++)
		ck_assert_uint_eq(got[i], i < filesz ? fixture_byte(seg, i) : 0);
	free(got);
}

START_TEST(segments_land_at_p_paddr_with_zeroed_tails)
{
	struct fixture_elf s;
	struct loaded l;

	two_segments(&s);
	load(&l, &s, 0x100000, 0, false);
	ck_assert_ok(l.ret, l.e);
	ck_assert_uint_eq(l.info.minimum_address_used, 0x1000000);
	ck_assert_uint_eq(l.info.next_available_address, 0x1203000);
	ck_assert_uint_eq(l.info.entrypoint, 0x1000000);
	ck_assert_uint_eq(l.ri.base.nr_ranges, 2);
	ck_assert_uint_eq(l.ri.base.ranges[0].page_base, 0x1000);
	ck_assert_uint_eq(l.ri.base.ranges[0].page_count, 2);
	ck_assert_uint_eq(l.ri.base.ranges[1].page_base, 0x1200);
	ck_assert_uint_eq(l.ri.base.ranges[1].page_count, 3);
	ck_assert_str_eq(l.ri.base.ranges[1].tag, "kernel");
	assert_segment_bytes(&l.ri, 0, 0x1000000, 0x1800, 0x2000);
	assert_segment_bytes(&l.ri, 1, 0x1200000, 0x10, 0x3000);
	unload(&l);
}
END_TEST

START_TEST(load_offset_moves_segments_and_entry)
{
	struct fixture_elf s;
	struct loaded l;

	two_segments(&s);
	load(&l, &s, 0x100000, 0x400000, false);
	ck_assert_ok(l.ret, l.e);
	ck_assert_uint_eq(l.info.minimum_address_used, 0x1400000);
	ck_assert_uint_eq(l.info.entrypoint, 0x1400000);
	ck_assert_uint_eq(l.ri.base.ranges[1].page_base, 0x1600);
	unload(&l);
}

END_TEST

START_TEST(unaligned_segment_gets_leading_zeros)
{
	struct fixture_elf s;
	struct loaded l;
	uint8_t lead[0x234];
	struct err e;

	two_segments(&s);
	s.nsegs = 1;
	s.segs[0].paddr = 0x1000234;
	s.entry = 0x1000234;
	load(&l, &s, 0x100000, 0, false);
	ck_assert_ok(l.ret, l.e);
	ck_assert_uint_eq(l.info.minimum_address_used, 0x1000000);
	ck_assert_uint_eq(l.info.next_available_address, 0x1002000);
	ck_assert_ok(record_importer_read(&l.ri, 0x1000000, lead, sizeof(lead), &e), e);
	for (size_t i = 0; i < sizeof(lead); i++)
		ck_assert_uint_eq(lead[i], 0);
	assert_segment_bytes(&l.ri, 0, 0x1000234, 0x1800, 0x1800);
	unload(&l);
}
END_TEST

START_TEST(assume_pic_places_lowest_page_at_start)
{
	struct fixture_elf s = { .entry = 0x40, .nsegs = 2 };
	struct loaded l;

	s.segs[0] = (struct fixture_seg){ .paddr = 0, .filesz = 0x2000, .memsz = 0x2000 };
	s.segs[1] = (struct fixture_seg){ .paddr = 0x2000, .filesz = 0x100, .memsz = 0x1000 };
	load(&l, &s, 0x8000000, 0, true);
	ck_assert_ok(l.ret, l.e);
	ck_assert_uint_eq(l.info.minimum_address_used, 0x8000000);
	ck_assert_uint_eq(l.info.next_available_address, 0x8003000);
	ck_assert_uint_eq(l.info.entrypoint, 0x8000040);
	assert_segment_bytes(&l.ri, 1, 0x8002000, 0x100, 0x1000);
	unload(&l);
}
END_TEST

START_TEST(empty_segments_and_other_types_are_not_imported)
{
	struct fixture_elf s;
	struct loaded l;

	two_segments(&s);
	s.nsegs = 4;
	s.segs[2] = (struct fixture_seg){ .paddr = 0x1400000, .filesz = 0, .memsz = 0 };
	s.segs[3] = (struct fixture_seg){ .type = PT_GNU_STACK, .paddr = 0, .memsz = 0x1000 };
	load(&l, &s, 0x100000, 0, false);
	ck_assert_ok(l.ret, l.e);
	ck_assert_uint_eq(l.ri.base.nr_ranges, 2);
	unload(&l);
}
END_TEST

START_TEST(pvh_note_is_found)
{
	struct fixture_elf s;
	struct image_file f;
	uint32_t entry = 0;
	bool found = false;
	struct err e;
	uint8_t *buf;
	size_t len;

	two_segments(&s);
	s.pvh_note = true;
	s.pvh_entry = 0x1000abc;
	buf = fixture_elf_build(&s, &len);
	image_file_from_buffer(&f, "k.elf", buf, len);
	ck_assert_ok(elf_find_pvh_entry(&f, &found, &entry, &e), e);
	ck_assert(found);
	ck_assert_uint_eq(entry, 0x1000abc);
	free(buf);

	s.pvh_note = false;
	buf = fixture_elf_build(&s, &len);
	image_file_from_buffer(&f, "k.elf", buf, len);
	ck_assert_ok(elf_find_pvh_entry(&f, &found, &entry, &e), e);
	ck_assert(!found);
	free(buf);
}
END_TEST

START_TEST(truncated_note_is_refused)
{
	struct fixture_elf s;
	struct image_file f;
	uint32_t entry;
	struct err e;
	bool found;
	uint8_t *buf;
	size_t len;
	Elf64_Phdr ph;
	uint64_t at = sizeof(Elf64_Ehdr) + 2 * sizeof(Elf64_Phdr);

	two_segments(&s);
	s.pvh_note = true;
	buf = fixture_elf_build(&s, &len);
	memcpy(&ph, buf + at, sizeof(ph));
	ph.p_filesz = 16; /* header + name, no descriptor */
	memcpy(buf + at, &ph, sizeof(ph));
	image_file_from_buffer(&f, "k.elf", buf, len);
	ck_assert_err(elf_find_pvh_entry(&f, &found, &entry, &e), e, EINVAL,
	              "k.elf: note segment 2: note at 0xe8 (namesz 4, descsz 8) runs past the "
	              "segment end 0xf8");
	free(buf);
}
END_TEST

START_TEST(truncated_header)
{
	struct image_file f;
	struct err e;
	uint8_t buf[10] = { 0x7f, 'E', 'L', 'F' };

	image_file_from_buffer(&f, "k.elf", buf, sizeof(buf));
	ck_assert_err(elf_check_header(&f, GUEST_ARCH_X86_64, &e), e, EINVAL,
	              "k.elf: truncated ELF header: file is 10 bytes, need 64");
}
END_TEST

START_TEST(bad_magic)
{
	struct fixture_elf s;
	struct image_file f;
	struct err e;
	uint8_t *buf;
	size_t len;

	two_segments(&s);
	buf = fixture_elf_build(&s, &len);
	buf[1] = 'X';
	image_file_from_buffer(&f, "k.elf", buf, len);
	ck_assert_err(elf_check_header(&f, GUEST_ARCH_X86_64, &e), e, EINVAL,
	              "k.elf: not an ELF file (e_ident does not start with 7f 45 4c 46)");
	free(buf);
}
END_TEST

START_TEST(wrong_class)
{
	struct fixture_elf s;

	two_segments(&s);
	s.ei_class = ELFCLASS32;
	expect_failure(&s, EINVAL,
	               "k.elf: e_ident[EI_CLASS] = 1, only ELFCLASS64 (2) is supported");
}
END_TEST

START_TEST(big_endian)
{
	struct fixture_elf s;

	two_segments(&s);
	s.ei_data = ELFDATA2MSB;
	expect_failure(&s, EINVAL,
	               "k.elf: e_ident[EI_DATA] = 2, only little-endian (1) is supported");
}
END_TEST

START_TEST(wrong_machine)
{
	struct fixture_elf s;

	two_segments(&s);
	s.machine = EM_AARCH64;
	expect_failure(&s, EINVAL, "k.elf: e_machine = 183, expected 62 (x86-64)");
}
END_TEST

START_TEST(wrong_phentsize)
{
	struct fixture_elf s;

	two_segments(&s);
	s.phentsize = 32;
	expect_failure(&s, EINVAL, "k.elf: e_phentsize = 32, expected 56");
}
END_TEST

START_TEST(no_program_headers)
{
	struct fixture_elf s = { .entry = 0x1000000 };

	expect_failure(&s, EINVAL, "k.elf: e_phnum = 0: no program headers");
}
END_TEST

START_TEST(program_header_table_past_end)
{
	struct fixture_elf s;

	two_segments(&s);
	s.phnum_override = 900;
	expect_failure(&s, EINVAL,
	               "k.elf: program header table at e_phoff 0x40 (900 entries, 50400 bytes) "
	               "runs past the end of the file (12304 bytes)");
}
END_TEST

START_TEST(segment_past_end_of_file)
{
	struct fixture_elf s;

	two_segments(&s);
	s.segs[1].offset = 0x2800;
	s.segs[1].filesz = 0x900;
	s.segs[1].memsz = 0x900;
	expect_failure(&s, EINVAL,
	               "k.elf: segment 1: p_offset 0x2800 + p_filesz 0x900 runs past the end of "
	               "the file (12288 bytes)");
}
END_TEST

START_TEST(filesz_larger_than_memsz)
{
	struct fixture_elf s;

	two_segments(&s);
	s.segs[0].memsz = 0x1000;
	expect_failure(&s, EINVAL, "k.elf: segment 0: p_filesz 0x1800 > p_memsz 0x1000");
}
END_TEST

START_TEST(overlapping_segments)
{
	struct fixture_elf s;

	two_segments(&s);
	s.segs[1].paddr = 0x1001000;
	expect_failure(&s, EINVAL,
	               "k.elf: segments 0 [0x1000000, 0x1001800) and 1 [0x1001000, 0x1004000) "
	               "overlap");
}
END_TEST

START_TEST(segments_sharing_a_page_are_refused_by_the_importer)
{
	struct fixture_elf s;

	two_segments(&s);
	s.segs[1].paddr = 0x1001800;
	expect_failure_after(&s, EEXIST,
	                     "k.elf: segment 1: import 'kernel' [0x1001000, 0x1005000) overlaps "
	                     "earlier import 'kernel' [0x1000000, 0x1002000)",
	                     1);
}
END_TEST

START_TEST(address_overflow)
{
	struct fixture_elf s;

	two_segments(&s);
	s.segs[1].paddr = 0xfffffffffffff000ULL;
	expect_failure(&s, EOVERFLOW,
	               "k.elf: segment 1: p_paddr 0xfffffffffffff000 + offset 0x0 + p_memsz "
	               "0x3000 overflows the address space");
}
END_TEST

START_TEST(segment_below_minimum)
{
	struct fixture_elf s;

	two_segments(&s);
	s.segs[0].paddr = 0x80000;
	expect_failure(&s, EINVAL,
	               "k.elf: segment 0: load address 0x80000 is below the minimum 0x100000");
}
END_TEST

START_TEST(entry_below_minimum)
{
	struct fixture_elf s;

	two_segments(&s);
	s.entry = 0x1000;
	expect_failure(&s, EINVAL, "k.elf: entry point 0x1000 is below the minimum 0x100000");
}
END_TEST

START_TEST(no_load_segments)
{
	struct fixture_elf s;

	two_segments(&s);
	s.segs[0].type = PT_NOTE;
	s.segs[1].type = PT_GNU_STACK;
	expect_failure(&s, EINVAL, "k.elf: no PT_LOAD segments");
}
END_TEST

START_TEST(segment_outside_ram)
{
	struct fixture_elf s;

	two_segments(&s);
	s.segs[1].paddr = 0x20000000;
	expect_failure_after(&s, ERANGE,
	                     "k.elf: segment 1: import 'kernel' [0x20000000, 0x20003000) lies "
	                     "outside guest RAM",
	                     1);
}
END_TEST

START_TEST(aarch64_importer_wants_aarch64_elf)
{
	struct fixture_elf s;
	struct record_importer ri;
	struct elf_load_info info;
	struct image_file f;
	struct err e;
	uint8_t *buf;
	size_t len;

	two_segments(&s);
	buf = fixture_elf_build(&s, &len);
	image_file_from_buffer(&f, "k.elf", buf, len);
	record_importer_init(&ri, GUEST_ARCH_AARCH64, &ram_512m, 1);
	ck_assert_err(elf_load_static(&ri.base, &f, 0, 0, false, BPA_EXCLUSIVE, "k", &info, &e), e,
	              EINVAL, "k.elf: e_machine = 62, expected 183 (AArch64)");
	importer_destroy(&ri.base);
	free(buf);
}
END_TEST

static Suite *elf_suite(void)
{
	Suite *s = suite_create("elf");
	TCase *ok = tcase_create("loading"), *bad = tcase_create("malformed");

	tcase_add_test(ok, segments_land_at_p_paddr_with_zeroed_tails);
	tcase_add_test(ok, load_offset_moves_segments_and_entry);
	tcase_add_test(ok, unaligned_segment_gets_leading_zeros);
	tcase_add_test(ok, assume_pic_places_lowest_page_at_start);
	tcase_add_test(ok, empty_segments_and_other_types_are_not_imported);
	tcase_add_test(ok, pvh_note_is_found);
	tcase_add_test(bad, truncated_note_is_refused);
	tcase_add_test(bad, truncated_header);
	tcase_add_test(bad, bad_magic);
	tcase_add_test(bad, wrong_class);
	tcase_add_test(bad, big_endian);
	tcase_add_test(bad, wrong_machine);
	tcase_add_test(bad, wrong_phentsize);
	tcase_add_test(bad, no_program_headers);
	tcase_add_test(bad, program_header_table_past_end);
	tcase_add_test(bad, segment_past_end_of_file);
	tcase_add_test(bad, filesz_larger_than_memsz);
	tcase_add_test(bad, overlapping_segments);
	tcase_add_test(bad, segments_sharing_a_page_are_refused_by_the_importer);
	tcase_add_test(bad, address_overflow);
	tcase_add_test(bad, segment_below_minimum);
	tcase_add_test(bad, entry_below_minimum);
	tcase_add_test(bad, no_load_segments);
	tcase_add_test(bad, segment_outside_ram);
	tcase_add_test(bad, aarch64_importer_wants_aarch64_elf);
	suite_add_tcase(s, ok);
	suite_add_tcase(s, bad);
	return s;
}

int main(void)
{
	return run_suite(elf_suite());
}
