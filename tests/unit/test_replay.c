// SPDX-License-Identifier: MIT
/*
 * loader/replay.c: an x64 paravisor load is recorded once, as an IGVM
 * generator would, then replayed into a second recording importer, either
 * where it was built (byte for byte the same) or relocated (LOADER-SPEC §5.6
 * and §5.7): everything in the relocatable region and the page tables moves
 * by the offset, the page tables are rebuilt so that they map the moved
 * image, RIP, GDTR and CR3 follow, and the shim's own offsets (RSI and
 * ShimParamsRaw) stay as they were yet still find the moved pages.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "loader/importer_record.h"
#include "loader/paravisor.h"
#include "loader/replay.h"
#include "test_helpers.h"

#define MIB(x) ((uint64_t)(x) << 20)

#define KERNEL_LINK  0x1000000ULL
#define SHIM_ENTRY   0x40ULL
#define VTL2_SIZE    MIB(64)
#define DEFAULT_BASE PARAVISOR_DEFAULT_MEMORY_BASE_ADDRESS

struct rec {
	struct record_importer src, dst;
	struct paravisor_config cfg;
	struct paravisor_vtl0_linux vtl0;
	struct paravisor_info info;
	struct relocation_plan plan;
	struct image_file kernel, shim, initrd;
	uint8_t *kbuf, *sbuf, *ibuf;
	struct err e;
};

static struct fixture_elf kernel_spec(void)
{
	struct fixture_elf s = { .entry = KERNEL_LINK + 0x100, .nsegs = 2 };

	s.segs[0] = (struct fixture_seg){ .paddr = KERNEL_LINK, .filesz = 0x2800, .memsz = 0x3000 };
	s.segs[1] =
	    (struct fixture_seg){ .paddr = KERNEL_LINK + SZ_2M, .filesz = 0x800, .memsz = 0x1800 };
	return s;
}

static struct fixture_elf shim_spec(uint16_t machine)
{
	struct fixture_elf s = { .machine = machine, .entry = SHIM_ENTRY, .nsegs = 2 };

	s.segs[0] = (struct fixture_seg){ .paddr = 0, .filesz = 0x1800, .memsz = 0x2000 };
	s.segs[1] = (struct fixture_seg){ .paddr = 0x3000, .filesz = 0x100, .memsz = 0x1000 };
	return s;
}

/* Records an x64 paravisor load into src (RAM [0, 1 GiB)); dst gets RAM [0, 2 GiB). */
static void rec_init(struct rec *r, enum isolation_type iso, bool with_base)
{
	struct mem_range src_ram = { 0, SZ_1G }, dst_ram = { 0, 2 * SZ_1G };
	struct fixture_elf k = kernel_spec(), s = shim_spec(0);
	size_t len, i;

	memset(r, 0, sizeof(*r));
	record_importer_init(&r->src, GUEST_ARCH_X86_64, &src_ram, 1);
	record_importer_init(&r->dst, GUEST_ARCH_X86_64, &dst_ram, 1);
	r->src.base.max_vtl = 2;
	r->src.base.isolation.paravisor_present = true;
	r->src.base.isolation.isolation_type = iso;
	if (iso == ISOLATION_SNP) {
		r->src.base.isolation.has_shared_gpa_boundary = true;
		r->src.base.isolation.shared_gpa_boundary_bits = 46;
	}
	r->kbuf = fixture_elf_build(&k, &len);
	image_file_from_buffer(&r->kernel, "vmlinux", r->kbuf, len);
	r->sbuf = fixture_elf_build(&s, &len);
	image_file_from_buffer(&r->shim, "openhcl_boot", r->sbuf, len);
	r->ibuf = malloc(5000);
	for (i = 0; i < 5000; i++)
		r->ibuf[i] = (uint8_t)(i * 13 + 1);
	image_file_from_buffer(&r->initrd, "initrd", r->ibuf, 5000);
	r->vtl0 = (struct paravisor_vtl0_linux){ .kernel_gpa = 0x200000,
		                                 .kernel_size = 0x4000,
		                                 .entry = 0x200000,
		                                 .cmdline = "console=ttyS0" };
	r->cfg = (struct paravisor_config){ .kernel = &r->kernel,
		                            .shim = &r->shim,
		                            .initrd = &r->initrd,
		                            .cmdline = "quiet",
		                            .has_memory_base = with_base,
		                            .memory_base = DEFAULT_BASE,
		                            .memory_size = VTL2_SIZE,
		                            .vtl0_linux = &r->vtl0 };
	ck_assert_ok(paravisor_load_x64(&r->src.base, &r->cfg, &r->info, &r->e), r->e);
}

static void rec_free(struct rec *r)
{
	importer_destroy(&r->src.base);
	importer_destroy(&r->dst.base);
	free(r->kbuf);
	free(r->sbuf);
	free(r->ibuf);
}

static int read_cb(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	struct err e = { 0 };

	return record_importer_read(ctx, gpa, buf, len, &e);
}

static void dst_read(struct rec *r, gpa_t gpa, void *buf, uint64_t len)
{
	struct err e = { 0 };

	ck_assert_ok(record_importer_read(&r->dst, gpa, buf, len, &e), e);
}

static const char *dst_tag_at(struct rec *r, gpa_t gpa)
{
	const struct importer_range *x = importer_find_range(&r->dst.base, gpa);

	return x ? x->tag : "(nothing)";
}

/* Where a source GPA is expected after the move: region and page tables shift, the rest stays. */
static gpa_t moved(const struct rec *r, gpa_t gpa, uint64_t off)
{
	const struct importer_reloc_region *reg = &r->src.base.relocs[0];
	gpa_t pt = r->info.page_tables_gpa;

	if (!off)
		return gpa;
	if ((gpa >= reg->gpa && gpa < reg->gpa + reg->size) ||
	    (gpa >= pt && gpa < pt + r->info.page_table_pages * PAGE_SIZE))
		return gpa + off;
	return gpa;
}

static void assert_same_register(const struct x86_register *a, const struct x86_register *b)
{
	ck_assert_int_eq(a->name, b->name);
	switch (x86_reg_kind(a->name)) {
	case X86_REG_KIND_TABLE:
		ck_assert_uint_eq(a->table.base, b->table.base);
		ck_assert_uint_eq(a->table.limit, b->table.limit);
		break;
	case X86_REG_KIND_SEGMENT:
		ck_assert_uint_eq(a->seg.base, b->seg.base);
		ck_assert_uint_eq(a->seg.limit, b->seg.limit);
		ck_assert_uint_eq(a->seg.selector, b->seg.selector);
		ck_assert_uint_eq(a->seg.attributes, b->seg.attributes);
		break;
	default:
		ck_assert_msg(a->value == b->value, "%s: 0x%llx vs 0x%llx",
		              x86_reg_name_str(a->name), (unsigned long long)a->value,
		              (unsigned long long)b->value);
	}
}

/*
 * Every source range is in dst at moved(gpa) with the same size, tag and
 * acceptance, and (page tables apart when relocating) the same bytes.
 */
static void assert_ranges_and_bytes(struct rec *r, uint64_t off)
{
	const struct importer *s = &r->src.base, *d = &r->dst.base;
	gpa_t pt = r->info.page_tables_gpa;
	size_t i;

	ck_assert_uint_eq(d->nr_ranges, s->nr_ranges);
	for (i = 0; i < s->nr_ranges; i++) {
		const struct importer_range *sr = &s->ranges[i];
		gpa_t want = moved(r, sr->page_base << PAGE_SHIFT, off);
		const struct importer_range *dr = importer_find_range(d, want);

		ck_assert_msg(dr && dr->page_base << PAGE_SHIFT == want,
		              "'%s' from 0x%llx expected at 0x%llx, found '%s'", sr->tag,
		              (unsigned long long)(sr->page_base << PAGE_SHIFT),
		              (unsigned long long)want, dst_tag_at(r, want));
		ck_assert_uint_eq(dr->page_count, sr->page_count);
		ck_assert_str_eq(dr->tag, sr->tag);
		ck_assert_int_eq(dr->acceptance, sr->acceptance);
		ck_assert_int_eq(dr->parameter_area, sr->parameter_area);
	}
	ck_assert_uint_eq(r->dst.nr_writes, r->src.nr_writes);
	for (i = 0; i < r->src.nr_writes; i++) {
		const struct record_write *sw = &r->src.writes[i];
		const struct record_write *dw =
		    record_importer_find(&r->dst, moved(r, sw->gpa, off));

		ck_assert_ptr_nonnull(dw);
		ck_assert_uint_eq(dw->gpa, moved(r, sw->gpa, off));
		ck_assert_uint_eq(dw->len, sw->len);
		if (off && sw->gpa == pt)
			continue; /* rebuilt, checked by walking them */
		ck_assert_msg(dw->crc32 == sw->crc32, "bytes of '%s' at 0x%llx changed",
		              dst_tag_at(r, dw->gpa), (unsigned long long)dw->gpa);
	}
}

static void assert_parameters(struct rec *r, uint64_t off)
{
	const struct importer *s = &r->src.base, *d = &r->dst.base;
	size_t i;

	ck_assert_uint_eq(d->nr_areas, s->nr_areas);
	for (i = 0; i < s->nr_areas; i++) {
		ck_assert_uint_eq(d->areas[i].page_base,
		                  s->areas[i].page_base + (off >> PAGE_SHIFT));
		ck_assert_uint_eq(d->areas[i].page_count, s->areas[i].page_count);
		ck_assert_str_eq(d->areas[i].tag, s->areas[i].tag);
	}
	ck_assert_uint_eq(d->nr_params, s->nr_params);
	for (i = 0; i < s->nr_params; i++) {
		ck_assert_uint_eq(d->params[i].area.index, s->params[i].area.index);
		ck_assert_uint_eq(d->params[i].byte_offset, s->params[i].byte_offset);
		ck_assert_int_eq(d->params[i].type, s->params[i].type);
	}
	ck_assert(d->has_imported_regions_page);
	ck_assert_uint_eq(d->imported_regions_page, s->imported_regions_page + (off >> PAGE_SHIFT));
}

/* ---- unrelocated -------------------------------------------------------- */

START_TEST(replay_in_place_is_identical)
{
	struct rec r;
	size_t i;

	rec_init(&r, ISOLATION_NONE, false);
	ck_assert_ok(relocation_plan_make(&r.src.base, DEFAULT_BASE, &r.plan, &r.e), r.e);
	ck_assert(!r.plan.active);
	ck_assert_int_eq(r.plan.offset, 0);
	ck_assert_ok(importer_replay(&r.src, &r.dst.base, &r.plan, &r.e), r.e);
	assert_ranges_and_bytes(&r, 0);
	assert_parameters(&r, 0);
	ck_assert_uint_eq(r.dst.base.nr_regs, r.src.base.nr_regs);
	for (i = 0; i < r.src.base.nr_regs; i++)
		assert_same_register(&r.dst.base.regs[i].x86, &r.src.base.regs[i].x86);
	ck_assert_uint_eq(r.dst.base.max_vtl, 2);
	ck_assert(r.dst.base.isolation.paravisor_present);
	rec_free(&r);
}
END_TEST

START_TEST(replay_without_a_plan_is_identical)
{
	struct rec r;
	size_t i;

	rec_init(&r, ISOLATION_NONE, true);
	ck_assert_ok(importer_replay(&r.src, &r.dst.base, NULL, &r.e), r.e);
	assert_ranges_and_bytes(&r, 0);
	assert_parameters(&r, 0);
	for (i = 0; i < r.src.base.nr_regs; i++)
		assert_same_register(&r.dst.base.regs[i].x86, &r.src.base.regs[i].x86);
	rec_free(&r);
}
END_TEST

START_TEST(snp_replay_keeps_the_vp_context_and_snp_pages)
{
	struct rec r;

	rec_init(&r, ISOLATION_SNP, false);
	ck_assert_ok(importer_replay(&r.src, &r.dst.base, NULL, &r.e), r.e);
	assert_ranges_and_bytes(&r, 0);
	ck_assert(r.dst.base.has_vp_context_page);
	ck_assert_uint_eq(r.dst.base.vp_context_page, r.src.base.vp_context_page);
	ck_assert_int_eq(r.dst.base.isolation.isolation_type, ISOLATION_SNP);
	ck_assert_uint_eq(r.dst.base.isolation.shared_gpa_boundary_bits, 46);
	rec_free(&r);
}
END_TEST

/* ---- relocated ---------------------------------------------------------- */

static void assert_relocated_registers(struct rec *r, uint64_t off)
{
	size_t i;

	ck_assert_uint_eq(r->dst.base.nr_regs, r->src.base.nr_regs);
	for (i = 0; i < r->src.base.nr_regs; i++) {
		struct x86_register want = r->src.base.regs[i].x86;

		if (want.name == X86_REG_RIP || want.name == X86_REG_CR3)
			want.value += off;
		else if (want.name == X86_REG_GDTR)
			want.table.base += off;
		assert_same_register(&r->dst.base.regs[i].x86, &want);
	}
	/* RSI is relative to the shim base: unchanged */
	ck_assert_uint_eq(importer_find_x86_register(&r->dst.base, X86_REG_RSI)->value,
	                  r->info.shim_params_gpa - r->info.shim_base);
}

/* ShimParamsRaw moved with the image, unchanged, and every offset lands on the moved pages. */
static void assert_shim_params_still_point_right(struct rec *r, uint64_t off)
{
	struct shim_params_raw sp;
	gpa_t b = r->info.shim_base + off;
	gpa_t rsi = importer_find_x86_register(&r->dst.base, X86_REG_RSI)->value;

	dst_read(r, b + rsi, &sp, sizeof(sp));
	ck_assert_str_eq(dst_tag_at(r, b + rsi), "underhill-shim-params");
	ck_assert_mem_eq(&sp, &r->info.shim_params, sizeof(sp));
	ck_assert_str_eq(dst_tag_at(r, b + sp.kernel_entry_offset), "underhill-kernel");
	ck_assert_uint_eq(b + sp.kernel_entry_offset, r->info.kernel_entry + off);
	ck_assert_str_eq(dst_tag_at(r, b + sp.cmdline_offset), "underhill-command-line");
	ck_assert_str_eq(dst_tag_at(r, b + sp.initrd_offset), "underhill-initrd");
	ck_assert_str_eq(dst_tag_at(r, b + sp.parameter_region_offset), "underhill-slit");
	ck_assert_str_eq(dst_tag_at(r, b + sp.log_buffer_start), "ohcl-boot-shim-log-buffer");
	ck_assert_str_eq(dst_tag_at(r, b + sp.heap_start_offset), "ohcl-boot-shim-heap");
	ck_assert_uint_eq(b + sp.memory_start_offset, DEFAULT_BASE + off);
	ck_assert_uint_eq(b + sp.persisted_state_region_offset, DEFAULT_BASE + off);
	ck_assert_uint_eq(b + sp.used_start, DEFAULT_BASE + off);
	ck_assert_uint_eq(b + sp.used_end, r->info.used_end + off);
	ck_assert_str_eq(dst_tag_at(r, b + sp.used_end - PAGE_SIZE), "underhill-page-tables");
}

/* The rebuilt tables identity-map the moved leaves and the untouched rest of VTL2. */
static void assert_relocated_page_tables(struct rec *r, uint64_t off, unsigned int tables)
{
	static struct fixture_pt_leaf leaves[1024];
	struct fixture_pt_walk w = {
		.read = read_cb, .ctx = &r->dst, .leaves = leaves, .max_leaves = ARRAY_SIZE(leaves)
	};
	gpa_t cr3 = importer_find_x86_register(&r->dst.base, X86_REG_CR3)->value;
	gpa_t moved_end = align_up(r->info.end_of_vtl2_image, SZ_2M); /* leaves that overlap */
	uint64_t pa, expect_va;
	unsigned int i;
	const gpa_t probes[] = {
		r->info.shim_base,    r->info.shim_entry,           r->info.shim_params_gpa,
		r->info.kernel_entry, r->info.parameter_region_gpa, r->info.page_tables_gpa,
		r->info.used_end - 1
	};

	ck_assert_uint_eq(cr3, r->info.page_tables_gpa + off);
	ck_assert_int_eq(fixture_x86_pt_walk(&w, cr3), 0); /* every table read from the new place */
	ck_assert_uint_eq(w.nr_tables, tables);
	/* leaves in VA order: the untouched tail of VTL2, then the moved head */
	expect_va = moved_end;
	for (i = 0; i < w.nr_leaves; i++) {
		ck_assert_uint_eq(leaves[i].size, SZ_2M);
		ck_assert_uint_eq(leaves[i].va, leaves[i].pa);
		if (expect_va == DEFAULT_BASE + VTL2_SIZE)
			expect_va = DEFAULT_BASE + off;
		ck_assert_msg(leaves[i].va == expect_va, "leaf %u at 0x%llx, expected 0x%llx", i,
		              (unsigned long long)leaves[i].va, (unsigned long long)expect_va);
		expect_va += SZ_2M;
	}
	ck_assert_uint_eq(expect_va, moved_end + off);
	ck_assert_uint_eq(w.nr_leaves, VTL2_SIZE / SZ_2M);
	for (i = 0; i < ARRAY_SIZE(probes); i++) {
		ck_assert_msg(
		    fixture_x86_pt_translate(read_cb, &r->dst, cr3, 0, probes[i] + off, &pa),
		    "0x%llx (moved from 0x%llx) is not mapped",
		    (unsigned long long)(probes[i] + off), (unsigned long long)probes[i]);
		ck_assert_uint_eq(pa, probes[i] + off);
	}
	/* the old place of the image is no longer mapped; the rest of VTL2 still is */
	ck_assert(!fixture_x86_pt_translate(read_cb, &r->dst, cr3, 0, r->info.shim_base, &pa));
	ck_assert(fixture_x86_pt_translate(read_cb, &r->dst, cr3, 0, DEFAULT_BASE + MIB(40), &pa));
	ck_assert_uint_eq(pa, DEFAULT_BASE + MIB(40));
}

static void relocate_by(uint64_t off, unsigned int tables)
{
	struct rec r;

	rec_init(&r, ISOLATION_NONE, false);
	ck_assert_ok(relocation_plan_make(&r.src.base, DEFAULT_BASE + off, &r.plan, &r.e), r.e);
	ck_assert(r.plan.active);
	ck_assert_int_eq(r.plan.offset, (int64_t)off);
	ck_assert_uint_eq(relocation_apply(&r.plan, DEFAULT_BASE), DEFAULT_BASE + off);
	ck_assert_uint_eq(relocation_apply(&r.plan, 0), 0);
	ck_assert_ok(importer_replay(&r.src, &r.dst.base, &r.plan, &r.e), r.e);

	assert_ranges_and_bytes(&r, off);
	assert_parameters(&r, off);
	assert_relocated_registers(&r, off);
	assert_shim_params_still_point_right(&r, off);
	assert_relocated_page_tables(&r, off, tables);
	/* VTL0's pages are outside the region and stay at pages 0 and 1 */
	ck_assert_str_eq(dst_tag_at(&r, 0), "underhill-measured-config");
	ck_assert_str_eq(dst_tag_at(&r, PAGE_SIZE), "underhill-vtl0-linux-command-line");
	/* nothing is left at the old places */
	ck_assert_ptr_null(importer_find_range(&r.dst.base, r.info.shim_base));
	ck_assert_ptr_null(importer_find_range(&r.dst.base, r.info.page_tables_gpa));
	rec_free(&r);
}

START_TEST(relocated_by_128m)
{
	relocate_by(MIB(128), 3); /* the moved leaves fit the same PD */
}
END_TEST

START_TEST(relocated_by_1g)
{
	relocate_by(SZ_1G, 4); /* one more PD from the free pool */
}
END_TEST

/* ---- plan errors -------------------------------------------------------- */

static void assert_plan_refused(struct rec *r, gpa_t base, int errnum, const char *needle)
{
	struct err e = { 0 };
	int ret = relocation_plan_make(&r->src.base, base, &r->plan, &e);

	ck_assert_int_eq(ret, -errnum);
	ck_assert_int_eq(e.errnum, errnum);
	ck_assert_msg(strstr(e.msg, needle) != NULL, "'%s' does not mention '%s'", e.msg, needle);
	ck_assert(!r->plan.active);
}

START_TEST(plan_refuses_a_misaligned_base)
{
	struct rec r;

	rec_init(&r, ISOLATION_NONE, false);
	assert_plan_refused(&r, MIB(256) + PAGE_SIZE, EINVAL, "0x10001000");
	assert_plan_refused(&r, MIB(257), EINVAL, "0x200000 boundary");
	rec_free(&r);
}
END_TEST

START_TEST(plan_refuses_a_base_below_the_minimum_or_past_the_maximum)
{
	struct rec r;

	rec_init(&r, ISOLATION_NONE, false);
	assert_plan_refused(&r, MIB(64), EINVAL, "0x4000000");
	assert_plan_refused(&r, (1ULL << 48) - SZ_2M, EINVAL, "0xffffffe00000");
	rec_free(&r);
}
END_TEST

START_TEST(plan_refuses_moving_down)
{
	struct mem_range ram = { 0, SZ_1G };
	struct record_importer src;
	struct relocation_plan plan;
	struct err e = { 0 };

	record_importer_init(&src, GUEST_ARCH_X86_64, &ram, 1);
	ck_assert_ok(importer_relocation_region(&src.base, MIB(512), MIB(4), SZ_2M, MIB(128),
	                                        1ULL << 48, true, true, 0, &e),
	             e);
	ck_assert_ok(importer_page_table_relocation(&src.base, MIB(516), 7, 3, 0, &e), e);
	ck_assert_int_eq(relocation_plan_make(&src.base, MIB(256), &plan, &e), -EINVAL);
	ck_assert_ptr_nonnull(strstr(e.msg, "down"));
	ck_assert_ok(relocation_plan_make(&src.base, MIB(514), &plan, &e), e);
	ck_assert_int_eq(plan.offset, (int64_t)SZ_2M);
	importer_destroy(&src.base);
}
END_TEST

START_TEST(plan_needs_a_declared_relocation)
{
	struct rec r;

	rec_init(&r, ISOLATION_NONE, true);
	assert_plan_refused(&r, MIB(256), EINVAL, "0 relocatable regions");
	rec_free(&r);
}
END_TEST

START_TEST(plan_refuses_arm64)
{
	struct mem_range ram = { 0, SZ_1G };
	struct fixture_arm64_image img;
	struct fixture_elf s = shim_spec(183);
	struct image_file kernel, shim;
	struct paravisor_vtl0_linux vtl0 = { .kernel_gpa = 0x40000000, .kernel_size = 0x1000 };
	struct paravisor_config cfg = { .kernel = &kernel,
		                        .shim = &shim,
		                        .cmdline = "",
		                        .memory_size = VTL2_SIZE,
		                        .vtl0_linux = &vtl0 };
	struct paravisor_info info;
	struct record_importer src;
	struct relocation_plan plan;
	struct err e = { 0 };
	uint8_t *kb, *sb;
	size_t len;

	fixture_arm64_image_default(&img);
	kb = fixture_arm64_image_build(&img, &len);
	image_file_from_buffer(&kernel, "Image", kb, len);
	sb = fixture_elf_build(&s, &len);
	image_file_from_buffer(&shim, "openhcl_boot", sb, len);
	record_importer_init(&src, GUEST_ARCH_AARCH64, &ram, 1);
	src.base.max_vtl = 2;
	ck_assert_ok(paravisor_load_arm64(&src.base, &cfg, &info, &e), e);
	ck_assert_uint_eq(src.base.nr_relocs, 1);
	ck_assert_int_eq(relocation_plan_make(&src.base, MIB(256), &plan, &e), -ENOTSUP);
	ck_assert_ptr_nonnull(strstr(e.msg, "arm64"));
	importer_destroy(&src.base);
	free(kb);
	free(sb);
}
END_TEST

static Suite *replay_suite(void)
{
	Suite *s = suite_create("replay");
	TCase *same = tcase_create("in place");
	TCase *moved_tc = tcase_create("relocated");
	TCase *bad = tcase_create("plan errors");

	tcase_add_test(same, replay_in_place_is_identical);
	tcase_add_test(same, replay_without_a_plan_is_identical);
	tcase_add_test(same, snp_replay_keeps_the_vp_context_and_snp_pages);
	tcase_add_test(moved_tc, relocated_by_128m);
	tcase_add_test(moved_tc, relocated_by_1g);
	tcase_add_test(bad, plan_refuses_a_misaligned_base);
	tcase_add_test(bad, plan_refuses_a_base_below_the_minimum_or_past_the_maximum);
	tcase_add_test(bad, plan_refuses_moving_down);
	tcase_add_test(bad, plan_needs_a_declared_relocation);
	tcase_add_test(bad, plan_refuses_arm64);
	suite_add_tcase(s, same);
	suite_add_tcase(s, moved_tc);
	suite_add_tcase(s, bad);
	return s;
}

int main(void)
{
	return run_suite(replay_suite());
}
