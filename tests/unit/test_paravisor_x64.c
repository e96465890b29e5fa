// SPDX-License-Identifier: MIT
/*
 * loader/paravisor_x64.c (OpenVMM load_openhcl_x64, HEAD revision) against
 * the recording importer, step by step as LOADER-SPEC §2.4 lists them: where
 * every tag lands and in which order, the gaps that are not imported, the
 * ShimParamsRaw block, the GDT and the entry registers, the page tables
 * walked entry by entry, the relocation records, the measured VTL0/VTL2
 * configs, the SNP/TDX variants, and every way the inputs can be refused.
 *
 * The VTL2 "kernel" is an x86-64 ELF linked at 16 MiB (loaded PIC at
 * mem_start + 2 MiB); the boot shim is an ELF linked at 0.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "loader/importer_record.h"
#include "loader/paravisor.h"
#include "test_helpers.h"

#define MIB(x) ((uint64_t)(x) << 20)

#define KERNEL_LINK   0x1000000ULL /* where the fixture vmlinux is linked */
#define KERNEL_ENTRY  (KERNEL_LINK + 0x100)
#define SHIM_ENTRY    0x40ULL
#define SIDECAR_ENTRY 0x80ULL
#define INITRD_SIZE   5000ULL /* two pages, the second partly used */
#define VTL2_SIZE     MIB(64)
#define DEFAULT_BASE  PARAVISOR_DEFAULT_MEMORY_BASE_ADDRESS /* 128 MiB */
#define CMDLINE       "console=ttyS0 panic=-1"

#define PT_DIR_FLAGS   0x23ULL /* P|RW|A */
#define PT_LARGE_FLAGS 0xe3ULL /* P|RW|A|D|PS */
#define PT_4K_FLAGS    0x63ULL /* P|RW|A|D */
#define SNP_C_BIT      (1ULL << 51)

struct pv {
	struct record_importer ri;
	struct paravisor_config cfg;
	struct paravisor_vtl0_linux vtl0;
	struct paravisor_info info;
	struct image_file kernel, shim, sidecar, initrd;
	uint8_t *kbuf, *sbuf, *scbuf, *ibuf;
	struct err e;
	int ret;
};

/* Two segments 2 MiB apart: 3 pages of code, then 2 pages (data + bss). */
static struct fixture_elf kernel_spec(void)
{
	struct fixture_elf s = { .entry = KERNEL_ENTRY, .nsegs = 2 };

	s.segs[0] = (struct fixture_seg){ .paddr = KERNEL_LINK, .filesz = 0x2800, .memsz = 0x3000 };
	s.segs[1] =
	    (struct fixture_seg){ .paddr = KERNEL_LINK + SZ_2M, .filesz = 0x800, .memsz = 0x1800 };
	return s;
}

/* Linked at 0: pages 0-1, a hole at page 2, page 3. */
static struct fixture_elf shim_spec(void)
{
	struct fixture_elf s = { .entry = SHIM_ENTRY, .nsegs = 2 };

	s.segs[0] = (struct fixture_seg){ .paddr = 0, .filesz = 0x1800, .memsz = 0x2000 };
	s.segs[1] = (struct fixture_seg){ .paddr = 0x3000, .filesz = 0x100, .memsz = 0x1000 };
	return s;
}

static struct fixture_elf sidecar_spec(void)
{
	struct fixture_elf s = { .entry = SIDECAR_ENTRY, .nsegs = 1 };

	s.segs[0] = (struct fixture_seg){ .paddr = 0, .filesz = 0x2100, .memsz = 0x3000 };
	return s;
}

/* RAM [0, ram_end), VTL2 being loaded (max_vtl 2, paravisor present), no isolation. */
static void pv_init(struct pv *p, uint64_t ram_end)
{
	struct mem_range ram = { 0, ram_end };
	struct fixture_elf k = kernel_spec(), s = shim_spec();
	size_t len, i;

	memset(p, 0, sizeof(*p));
	record_importer_init(&p->ri, GUEST_ARCH_X86_64, &ram, 1);
	p->ri.base.max_vtl = 2;
	p->ri.base.isolation.paravisor_present = true;
	p->kbuf = fixture_elf_build(&k, &len);
	image_file_from_buffer(&p->kernel, "vmlinux", p->kbuf, len);
	p->sbuf = fixture_elf_build(&s, &len);
	image_file_from_buffer(&p->shim, "openhcl_boot", p->sbuf, len);
	p->ibuf = malloc(INITRD_SIZE);
	for (i = 0; i < INITRD_SIZE; i++)
		p->ibuf[i] = (uint8_t)(i * 29 + 3);
	image_file_from_buffer(&p->initrd, "initrd.cpio", p->ibuf, INITRD_SIZE);
	p->cfg = (struct paravisor_config){
		.kernel = &p->kernel,
		.shim = &p->shim,
		.initrd = &p->initrd,
		.cmdline = CMDLINE,
		.policy = COMMAND_LINE_POLICY_STATIC,
		.memory_size = VTL2_SIZE,
	};
}

static void pv_add_sidecar(struct pv *p)
{
	struct fixture_elf sc = sidecar_spec();
	size_t len;

	p->scbuf = fixture_elf_build(&sc, &len);
	image_file_from_buffer(&p->sidecar, "sidecar", p->scbuf, len);
	p->cfg.sidecar = &p->sidecar;
}

static void pv_isolate(struct pv *p, enum isolation_type t, uint8_t vtom_bit)
{
	p->ri.base.isolation.isolation_type = t;
	p->ri.base.isolation.has_shared_gpa_boundary = vtom_bit != 0;
	p->ri.base.isolation.shared_gpa_boundary_bits = vtom_bit;
}

static void pv_vtl0_linux(struct pv *p, gpa_t initrd_gpa, uint64_t initrd_size)
{
	p->vtl0 = (struct paravisor_vtl0_linux){
		.kernel_gpa = 0x200000,
		.kernel_size = 0x5432,
		.entry = 0x200000,
		.initrd_gpa = initrd_gpa,
		.initrd_size = initrd_size,
		.cmdline = "console=ttyS0 root=/dev/ram0",
	};
	p->cfg.vtl0_linux = &p->vtl0;
}

static void pv_load(struct pv *p)
{
	p->ret = paravisor_load_x64(&p->ri.base, &p->cfg, &p->info, &p->e);
}

static void pv_load_ok(struct pv *p)
{
	pv_load(p);
	ck_assert_ok(p->ret, p->e);
}

static void pv_free(struct pv *p)
{
	importer_destroy(&p->ri.base);
	free(p->kbuf);
	free(p->sbuf);
	free(p->scbuf);
	free(p->ibuf);
}

static void pv_read(struct pv *p, gpa_t gpa, void *buf, uint64_t len)
{
	struct err e = { 0 };

	ck_assert_ok(record_importer_read(&p->ri, gpa, buf, len, &e), e);
}

static int read_cb(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	struct err e = { 0 };

	return record_importer_read(ctx, gpa, buf, len, &e);
}

/* ---- the layout §2.4 prescribes, computed from the spec's steps ---------- */

struct layout {
	gpa_t mem, persisted, bounce, kernel, kernel_end, sidecar, sidecar_end, shim, shim_end;
	gpa_t initrd, gdt, params, cmdline, reserved, param, log, heap, end_of_image, pt, used_end;
	unsigned int pt_pages;
};

static struct layout expected_layout(gpa_t mem, bool isolated, bool sidecar, unsigned int pt_pages)
{
	struct layout l = { .mem = mem, .persisted = mem, .pt_pages = pt_pages };
	gpa_t off = mem + SZ_2M; /* step 3: persisted region */

	if (isolated) { /* step 4: bounce buffer */
		l.bounce = off;
		off += SZ_2M;
	}
	l.kernel = off; /* step 5: the lowest segment's page lands here */
	l.kernel_end = off + SZ_2M + 0x2000;
	off = l.kernel_end;
	if (sidecar) { /* step 6 */
		l.sidecar = align_up(off, SZ_2M);
		l.sidecar_end = l.sidecar + 0x3000;
		off = l.sidecar_end;
	}
	l.shim = off; /* step 7 */
	l.shim_end = off + 0x4000;
	l.initrd = l.shim_end; /* step 9 */
	l.gdt = l.initrd + 0x2000;
	l.params = l.gdt + 0x1000;
	l.cmdline = l.params + 0x1000;
	l.reserved = l.cmdline + 0x1000;
	l.param = l.reserved + 4 * 0x1000;
	l.log = l.param + 362 * 0x1000;
	l.heap = l.log + 2 * 0x1000;
	l.end_of_image = l.heap + 16 * 0x1000;
	l.pt = l.end_of_image;
	l.used_end = l.pt + (uint64_t)pt_pages * 0x1000;
	return l;
}

/* ---- assertions on recorded imports ------------------------------------ */

static void assert_import(struct pv *p, gpa_t gpa, uint64_t pages, const char *tag,
                          enum boot_page_acceptance acc)
{
	const struct importer_range *r = importer_find_range(&p->ri.base, gpa);

	ck_assert_msg(r != NULL, "nothing imported at 0x%llx, expected '%s'",
	              (unsigned long long)gpa, tag);
	ck_assert_msg(r->page_base << PAGE_SHIFT == gpa,
	              "'%s' expected at 0x%llx, the range there starts at 0x%llx ('%s')", tag,
	              (unsigned long long)gpa, (unsigned long long)(r->page_base << PAGE_SHIFT),
	              r->tag);
	ck_assert_str_eq(r->tag, tag);
	ck_assert_msg(r->page_count == pages, "'%s' at 0x%llx: %llu pages, expected %llu", tag,
	              (unsigned long long)gpa, (unsigned long long)r->page_count,
	              (unsigned long long)pages);
	ck_assert_msg(r->acceptance == acc, "'%s': acceptance %s, expected %s", tag,
	              boot_page_acceptance_str(r->acceptance), boot_page_acceptance_str(acc));
}

/* Not a single page of [gpa, gpa + len) is imported. */
static void assert_gap(struct pv *p, gpa_t gpa, uint64_t len, const char *what)
{
	uint64_t off;

	for (off = 0; off < len; off += PAGE_SIZE) {
		const struct importer_range *r = importer_find_range(&p->ri.base, gpa + off);

		ck_assert_msg(r == NULL, "%s at 0x%llx must be a gap, found '%s'", what,
		              (unsigned long long)(gpa + off), r ? r->tag : "");
	}
}

/* The tags in import order (parameter areas and the VP context page included). */
static size_t tags_in_order(struct pv *p, const char **out, size_t max)
{
	const struct importer *imp = &p->ri.base;
	size_t n = 0, i;
	uint32_t seq;

	for (seq = 0; seq < imp->next_seq && n < max; seq++)
		for (i = 0; i < imp->nr_ranges; i++)
			if (imp->ranges[i].seq == seq)
				out[n++] = imp->ranges[i].tag;
	return n;
}

static void assert_order(struct pv *p, const char *const *want, size_t nr_want)
{
	const char *got[64];
	size_t n = tags_in_order(p, got, 64), i;

	for (i = 0; i < n && i < nr_want; i++)
		ck_assert_msg(strcmp(got[i], want[i]) == 0,
		              "import #%zu is '%s', LOADER-SPEC §2.4 puts '%s' there", i, got[i],
		              want[i]);
	ck_assert_uint_eq(n, nr_want);
}

/* ---- where every tag lands (§2.4) ---------------------------------------- */

START_TEST(default_layout_tag_by_tag)
{
	struct pv p;
	struct layout l;
	uint64_t cfg;

	pv_init(&p, SZ_1G);
	pv_load_ok(&p);
	l = expected_layout(DEFAULT_BASE, false, false, 7);
	cfg = l.param >> PAGE_SHIFT;

	assert_gap(&p, l.persisted, SZ_2M, "persisted-state region [A]");
	assert_import(&p, l.kernel, 3, "underhill-kernel", BPA_EXCLUSIVE);
	assert_import(&p, l.kernel + SZ_2M, 2, "underhill-kernel", BPA_EXCLUSIVE);
	assert_import(&p, l.shim, 2, "underhill-boot-shim", BPA_EXCLUSIVE);
	assert_gap(&p, l.shim + 0x2000, 0x1000, "hole between the shim's segments");
	assert_import(&p, l.shim + 0x3000, 1, "underhill-boot-shim", BPA_EXCLUSIVE);
	assert_import(&p, l.initrd, 2, "underhill-initrd", BPA_EXCLUSIVE);
	assert_import(&p, l.gdt, 1, "underhill-gdt", BPA_EXCLUSIVE);
	assert_import(&p, l.params, 1, "underhill-shim-params", BPA_EXCLUSIVE);
	assert_import(&p, l.cmdline, 1, "underhill-command-line", BPA_EXCLUSIVE);
	assert_gap(&p, l.reserved, 4 * PAGE_SIZE, "VTL2 reserved region [J] without SNP");
	assert_import(&p, l.param, 20, "underhill-slit", BPA_EXCLUSIVE_UNMEASURED);
	assert_import(&p, l.param + 20 * PAGE_SIZE, 20, "underhill-pptt", BPA_EXCLUSIVE_UNMEASURED);
	assert_import(&p, l.param + 40 * PAGE_SIZE, 64, "underhill-device-tree",
	              BPA_EXCLUSIVE_UNMEASURED);
	/* page 104 is named, not imported: the generator writes it at finalize (§5.5) */
	assert_gap(&p, l.param + 104 * PAGE_SIZE, PAGE_SIZE, "imported-regions page");
	ck_assert(p.ri.base.has_imported_regions_page);
	ck_assert_uint_eq(p.ri.base.imported_regions_page, cfg + 104);
	assert_import(&p, l.param + 105 * PAGE_SIZE, 1, "underhill-vtl2-measured-config",
	              BPA_EXCLUSIVE);
	assert_gap(&p, l.param + 106 * PAGE_SIZE, 256 * PAGE_SIZE, "expected-page-hashes region");
	assert_import(&p, l.log, 2, "ohcl-boot-shim-log-buffer", BPA_EXCLUSIVE);
	assert_import(&p, l.heap, 16, "ohcl-boot-shim-heap", BPA_EXCLUSIVE);
	assert_import(&p, l.pt, 7, "underhill-page-tables", BPA_EXCLUSIVE);
	assert_gap(&p, l.used_end, VTL2_SIZE - (l.used_end - l.mem), "free VTL2 RAM");
	assert_import(&p, 0, 1, "underhill-measured-config", BPA_EXCLUSIVE);
	/* nothing else: 2 kernel + 2 shim + 9 single-range imports + 3 parameter areas */
	ck_assert_uint_eq(p.ri.base.nr_ranges, 16);

	ck_assert_uint_eq(p.info.memory_start, DEFAULT_BASE);
	ck_assert_uint_eq(p.info.shim_base, l.shim);
	ck_assert_uint_eq(p.info.shim_entry, l.shim + SHIM_ENTRY);
	ck_assert_uint_eq(p.info.kernel_entry, l.kernel + (KERNEL_ENTRY - KERNEL_LINK));
	ck_assert_uint_eq(p.info.end_of_vtl2_image, l.end_of_image);
	ck_assert_uint_eq(p.info.page_tables_gpa, l.pt);
	ck_assert_uint_eq(p.info.page_table_pages, 7);
	ck_assert_uint_eq(p.info.used_end, l.used_end);
	pv_free(&p);
}
END_TEST

/* The same layout in absolute numbers, so a mistake in expected_layout() shows too. */
START_TEST(default_layout_in_numbers)
{
	struct pv p;

	pv_init(&p, SZ_1G);
	pv_load_ok(&p);
	assert_import(&p, 0x8200000, 3, "underhill-kernel", BPA_EXCLUSIVE);
	assert_import(&p, 0x8400000, 2, "underhill-kernel", BPA_EXCLUSIVE);
	assert_import(&p, 0x8402000, 2, "underhill-boot-shim", BPA_EXCLUSIVE);
	assert_import(&p, 0x8406000, 2, "underhill-initrd", BPA_EXCLUSIVE);
	assert_import(&p, 0x8408000, 1, "underhill-gdt", BPA_EXCLUSIVE);
	assert_import(&p, 0x8409000, 1, "underhill-shim-params", BPA_EXCLUSIVE);
	assert_import(&p, 0x840a000, 1, "underhill-command-line", BPA_EXCLUSIVE);
	assert_import(&p, 0x840f000, 20, "underhill-slit", BPA_EXCLUSIVE_UNMEASURED);
	assert_import(&p, 0x8579000, 2, "ohcl-boot-shim-log-buffer", BPA_EXCLUSIVE);
	assert_import(&p, 0x857b000, 16, "ohcl-boot-shim-heap", BPA_EXCLUSIVE);
	assert_import(&p, 0x858b000, 7, "underhill-page-tables", BPA_EXCLUSIVE);
	ck_assert_uint_eq(p.info.used_end, 0x8592000);
	pv_free(&p);
}
END_TEST

START_TEST(imports_follow_the_spec_order)
{
	static const char *const want[] = {
		"underhill-kernel",
		"underhill-kernel",
		"underhill-boot-shim",
		"underhill-boot-shim",
		"underhill-initrd",
		"underhill-command-line",
		"ohcl-boot-shim-log-buffer",
		"ohcl-boot-shim-heap",
		"underhill-shim-params", /* step 19 */
		"underhill-page-tables", /* step 20 */
		"underhill-gdt",         /* step 21 */
		"underhill-slit",
		"underhill-pptt",
		"underhill-device-tree", /* step 23 */
		"underhill-vtl0-linux-command-line",
		"underhill-measured-config",      /* step 25 */
		"underhill-vtl2-measured-config", /* step 26 */
	};
	struct pv p;

	pv_init(&p, SZ_1G);
	pv_vtl0_linux(&p, 0x800000, 0x1001);
	pv_load_ok(&p);
	assert_order(&p, want, ARRAY_SIZE(want));
	pv_free(&p);
}
END_TEST

START_TEST(sidecar_starts_at_the_next_2m_and_the_shim_follows_it)
{
	struct pv p;
	struct layout l;
	struct shim_params_raw sp;

	pv_init(&p, SZ_1G);
	pv_add_sidecar(&p);
	pv_load_ok(&p);
	l = expected_layout(DEFAULT_BASE, false, true, 7);
	ck_assert_uint_eq(l.sidecar, DEFAULT_BASE + MIB(6));
	assert_gap(&p, l.kernel_end, l.sidecar - l.kernel_end, "padding before the sidecar");
	assert_import(&p, l.sidecar, 3, "sidecar-kernel", BPA_EXCLUSIVE);
	assert_import(&p, l.shim, 2, "underhill-boot-shim", BPA_EXCLUSIVE);
	assert_import(&p, l.initrd, 2, "underhill-initrd", BPA_EXCLUSIVE);
	assert_import(&p, l.pt, 7, "underhill-page-tables", BPA_EXCLUSIVE);
	pv_read(&p, l.params, &sp, sizeof(sp));
	ck_assert_int_eq(sp.sidecar_offset, (int64_t)(l.sidecar - l.shim));
	ck_assert_uint_eq(sp.sidecar_size, 0x3000);
	ck_assert_int_eq(sp.sidecar_entry_offset, (int64_t)(l.sidecar + SIDECAR_ENTRY - l.shim));
	pv_free(&p);
}
END_TEST

/* ---- ShimParamsRaw (step 19) ------------------------------------------- */

START_TEST(shim_params_field_by_field)
{
	struct pv p;
	struct layout l;
	struct shim_params_raw sp;
	uint8_t page[4096];
	gpa_t b;

	pv_init(&p, SZ_1G);
	pv_load_ok(&p);
	l = expected_layout(DEFAULT_BASE, false, false, 7);
	b = l.shim;
	pv_read(&p, l.params, page, sizeof(page));
	memcpy(&sp, page, sizeof(sp));

	ck_assert_int_eq(sp.kernel_entry_offset,
	                 (int64_t)(l.kernel + (KERNEL_ENTRY - KERNEL_LINK) - b));
	ck_assert_int_eq(sp.cmdline_offset, (int64_t)(l.cmdline - b));
	ck_assert_int_eq(sp.initrd_offset, (int64_t)(l.initrd - b));
	ck_assert_uint_eq(sp.initrd_size, INITRD_SIZE); /* not rounded */
	ck_assert_uint_eq(sp.initrd_crc, fixture_crc32(p.ibuf, INITRD_SIZE));
	ck_assert_uint_eq(sp.supported_isolation_type, SHIM_ISOLATION_VBS);
	ck_assert_int_eq(sp.memory_start_offset, (int64_t)(l.mem - b)); /* negative */
	ck_assert_int_lt(sp.memory_start_offset, 0);
	ck_assert_uint_eq(sp.memory_size, VTL2_SIZE);
	ck_assert_int_eq(sp.parameter_region_offset, (int64_t)(l.param - b));
	ck_assert_uint_eq(sp.parameter_region_size, 362 * 4096);
	ck_assert_int_eq(sp.vtl2_reserved_region_offset, (int64_t)(l.reserved - b));
	ck_assert_uint_eq(sp.vtl2_reserved_region_size, 4 * 4096);
	/* no sidecar: its base is where the shim starts, its entry 0 - shim base */
	ck_assert_int_eq(sp.sidecar_offset, 0);
	ck_assert_uint_eq(sp.sidecar_size, 0);
	ck_assert_int_eq(sp.sidecar_entry_offset, (int64_t)(0 - b));
	ck_assert_int_eq(sp.used_start, (int64_t)(l.mem - b));
	ck_assert_int_eq(sp.used_end, (int64_t)(l.used_end - b));
	ck_assert_int_eq(sp.bounce_buffer_start, 0);
	ck_assert_uint_eq(sp.bounce_buffer_size, 0);
	ck_assert_int_eq(sp.log_buffer_start, (int64_t)(l.log - b));
	ck_assert_uint_eq(sp.log_buffer_size, 8192);
	ck_assert_int_eq(sp.heap_start_offset, (int64_t)(l.heap - b));
	ck_assert_uint_eq(sp.heap_size, 65536);
	ck_assert_int_eq(sp.persisted_state_region_offset, (int64_t)(l.persisted - b));
	ck_assert_uint_eq(sp.persisted_state_region_size, SZ_2M);
	/* the page holds the 192-byte block and zeros */
	for (size_t i = sizeof(sp); i < sizeof(page); i++)
		ck_assert_uint_eq(page[i], 0);
	ck_assert_mem_eq(&sp, &p.info.shim_params, sizeof(sp));
	pv_free(&p);
}
END_TEST

START_TEST(shim_params_without_initrd)
{
	struct pv p;
	struct layout l;
	struct shim_params_raw sp;

	pv_init(&p, SZ_1G);
	p.cfg.initrd = NULL;
	pv_load_ok(&p);
	l = expected_layout(DEFAULT_BASE, false, false, 7);
	/* the GDT moves down to where the initrd would have been */
	assert_import(&p, l.initrd, 1, "underhill-gdt", BPA_EXCLUSIVE);
	pv_read(&p, l.initrd + PAGE_SIZE, &sp, sizeof(sp));
	ck_assert_int_eq(sp.initrd_offset, (int64_t)(0 - l.shim)); /* wrapped 0 - base */
	ck_assert_uint_eq(sp.initrd_size, 0);
	ck_assert_uint_eq(sp.initrd_crc, 0);
	pv_free(&p);
}
END_TEST

/* ---- GDT and registers (steps 21-22) ------------------------------------- */

START_TEST(gdt_page_holds_code_at_index_2_and_data_at_3)
{
	struct pv p;
	struct layout l;
	uint64_t gdt[512];
	unsigned int i;

	pv_init(&p, SZ_1G);
	pv_load_ok(&p);
	l = expected_layout(DEFAULT_BASE, false, false, 7);
	pv_read(&p, l.gdt, gdt, sizeof(gdt));
	ck_assert_uint_eq(gdt[0], 0);
	ck_assert_uint_eq(gdt[1], 0);
	ck_assert_uint_eq(gdt[2], 0x00a09b000000ffffULL);
	ck_assert_uint_eq(gdt[3], 0x00c093000000ffffULL);
	for (i = 4; i < 512; i++)
		ck_assert_uint_eq(gdt[i], 0);
	pv_free(&p);
}
END_TEST

static void assert_seg(const struct x86_register *r, enum x86_reg_name name, uint16_t sel,
                       uint32_t limit, uint16_t attr)
{
	ck_assert_msg(r->name == name, "register %s where %s was expected",
	              x86_reg_name_str(r->name), x86_reg_name_str(name));
	ck_assert_uint_eq(r->seg.base, 0);
	ck_assert_uint_eq(r->seg.limit, limit);
	ck_assert_uint_eq(r->seg.selector, sel);
	ck_assert_uint_eq(r->seg.attributes, attr);
}

static void assert_u64(const struct x86_register *r, enum x86_reg_name name, uint64_t v)
{
	ck_assert_msg(r->name == name, "register %s where %s was expected",
	              x86_reg_name_str(r->name), x86_reg_name_str(name));
	ck_assert_msg(r->value == v, "%s = 0x%llx, expected 0x%llx", x86_reg_name_str(name),
	              (unsigned long long)r->value, (unsigned long long)v);
}

START_TEST(registers_in_step_22_order)
{
	static const enum x86_reg_name data[] = { X86_REG_DS, X86_REG_ES, X86_REG_FS, X86_REG_GS,
		                                  X86_REG_SS };
	struct pv p;
	struct layout l;
	const struct x86_register *gdtr;
	unsigned int i;

	pv_init(&p, SZ_1G);
	pv_load_ok(&p);
	l = expected_layout(DEFAULT_BASE, false, false, 7);
	ck_assert_uint_eq(p.ri.base.nr_regs, 15);
	gdtr = &p.ri.base.regs[0].x86;
	ck_assert_int_eq(gdtr->name, X86_REG_GDTR);
	ck_assert_uint_eq(gdtr->table.base, l.gdt);
	ck_assert_uint_eq(gdtr->table.limit, 31);
	for (i = 0; i < 5; i++)
		assert_seg(&p.ri.base.regs[1 + i].x86, data[i], 0x18, 0xffffffff, 0xc093);
	assert_seg(&p.ri.base.regs[6].x86, X86_REG_CS, 0x10, 0xffffffff, 0xa09b);
	assert_seg(&p.ri.base.regs[7].x86, X86_REG_TR, 0, 0xffff, 0x8b);
	assert_u64(&p.ri.base.regs[8].x86, X86_REG_CR0, 0x80000021);
	assert_u64(&p.ri.base.regs[9].x86, X86_REG_CR3, l.pt);
	assert_u64(&p.ri.base.regs[10].x86, X86_REG_CR4, 0x40060);
	assert_u64(&p.ri.base.regs[11].x86, X86_REG_EFER, 0xd00);
	assert_u64(&p.ri.base.regs[12].x86, X86_REG_PAT, 0x0007040600070406ULL);
	/* relative to the shim's base, not absolute */
	assert_u64(&p.ri.base.regs[13].x86, X86_REG_RSI, l.params - l.shim);
	assert_u64(&p.ri.base.regs[14].x86, X86_REG_RIP, l.shim + SHIM_ENTRY);
	pv_free(&p);
}
END_TEST

/* ---- page tables (step 16, §3.2) ----------------------------------------- */

/* Walks the recorded tables and checks they identity-map exactly want[] (sorted). */
static void assert_identity_map(struct pv *p, gpa_t cr3, uint64_t cbit,
                                const struct mem_range *want, unsigned int nr_want,
                                unsigned int tables, struct fixture_pt_walk *w)
{
	static struct fixture_pt_leaf leaves[2048];
	unsigned int i, r = 0;
	uint64_t at;

	*w = (struct fixture_pt_walk){ .read = read_cb,
		                       .ctx = &p->ri,
		                       .cbit = cbit,
		                       .leaves = leaves,
		                       .max_leaves = ARRAY_SIZE(leaves) };
	ck_assert_int_eq(fixture_x86_pt_walk(w, cr3), 0);
	ck_assert_uint_eq(w->nr_tables, tables);
	ck_assert_uint_gt(w->nr_leaves, 0);
	at = want[0].start;
	for (i = 0; i < w->nr_leaves; i++) {
		const struct fixture_pt_leaf *lf = &leaves[i];

		ck_assert_msg(lf->va == lf->pa, "VA 0x%llx maps PA 0x%llx: not an identity map",
		              (unsigned long long)lf->va, (unsigned long long)lf->pa);
		if (at == want[r].end && r + 1 < nr_want)
			at = want[++r].start;
		ck_assert_msg(lf->va == at, "leaf at 0x%llx, expected the next one at 0x%llx",
		              (unsigned long long)lf->va, (unsigned long long)at);
		at += lf->size;
		ck_assert_msg(at <= want[r].end, "leaf 0x%llx+0x%llx runs past 0x%llx",
		              (unsigned long long)lf->va, (unsigned long long)lf->size,
		              (unsigned long long)want[r].end);
	}
	ck_assert_uint_eq(r, nr_want - 1);
	ck_assert_uint_eq(at, want[nr_want - 1].end);
}

START_TEST(page_tables_identity_map_the_vtl2_range_and_nothing_else)
{
	struct pv p;
	struct layout l;
	struct fixture_pt_walk w;
	struct mem_range want = { DEFAULT_BASE, DEFAULT_BASE + VTL2_SIZE };
	const struct record_write *rw;
	uint8_t page[4096];
	unsigned int i, k;

	pv_init(&p, SZ_1G);
	pv_load_ok(&p);
	l = expected_layout(DEFAULT_BASE, false, false, 7);
	/* §2.7: PML4, PDPT, one PD of 2 MiB leaves */
	assert_identity_map(&p, l.pt, 0, &want, 1, 3, &w);
	ck_assert_uint_eq(w.nr_leaves, VTL2_SIZE / SZ_2M);
	for (i = 0; i < w.nr_leaves; i++)
		ck_assert_uint_eq(w.leaves[i].entry & 0xfff, PT_LARGE_FLAGS);
	ck_assert_uint_eq(w.dir_flags_and, PT_DIR_FLAGS);
	ck_assert_uint_eq(w.dir_flags_or, PT_DIR_FLAGS);
	ck_assert_uint_eq(p.info.page_table_pages_used, 3);
	/* the whole region is imported: the 4 pages after the tables are zero */
	rw = record_importer_find(&p.ri, l.pt);
	ck_assert_ptr_nonnull(rw);
	ck_assert_uint_eq(rw->len, 7 * PAGE_SIZE);
	ck_assert_uint_eq(rw->data_len, 3 * PAGE_SIZE);
	for (k = 3; k < 7; k++) {
		pv_read(&p, l.pt + k * PAGE_SIZE, page, sizeof(page));
		for (i = 0; i < sizeof(page); i++)
			ck_assert_uint_eq(page[i], 0);
	}
	pv_free(&p);
}
END_TEST

/* 5 + 2 * calculate_pde_table_count(mem_start, memory_size) pages (§2.4 step 16, §3.1). */
START_TEST(page_table_region_follows_the_pde_count_formula)
{
	static const struct {
		uint64_t base, size, ram;
		unsigned int pde_count, used_tables;
	} cases[] = {
		{ MIB(128), MIB(64), SZ_1G, 1, 3 },       /* below 1 GiB */
		{ MIB(960), MIB(128), 2 * SZ_1G, 2, 4 },  /* crosses the 1 GiB line */
		{ SZ_1G, SZ_1G, 4 * SZ_1G, 1, 2 },        /* one 1 GiB leaf */
		{ MIB(512), 2 * SZ_1G, 4 * SZ_1G, 3, 4 }, /* head PD, a 1 GiB leaf, tail PD */
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct mem_range want = { cases[i].base, cases[i].base + cases[i].size };
		unsigned int pages = 5 + 2 * cases[i].pde_count;
		struct fixture_pt_walk w;
		struct pv p;

		pv_init(&p, cases[i].ram);
		p.cfg.has_memory_base = true;
		p.cfg.memory_base = cases[i].base;
		p.cfg.memory_size = cases[i].size;
		pv_load_ok(&p);
		ck_assert_msg(p.info.page_table_pages == pages,
		              "VTL2 [0x%llx, +0x%llx): %llu page-table pages, expected %u",
		              (unsigned long long)cases[i].base, (unsigned long long)cases[i].size,
		              (unsigned long long)p.info.page_table_pages, pages);
		assert_import(&p, p.info.end_of_vtl2_image, pages, "underhill-page-tables",
		              BPA_EXCLUSIVE);
		ck_assert_uint_eq(p.info.used_end, p.info.end_of_vtl2_image + pages * PAGE_SIZE);
		assert_identity_map(&p, p.info.page_tables_gpa, 0, &want, 1, cases[i].used_tables,
		                    &w);
		ck_assert_uint_eq(p.info.page_table_pages_used, cases[i].used_tables);
		pv_free(&p);
	}
}
END_TEST

/* ---- relocation records (step 17) ---------------------------------------- */

START_TEST(relocation_is_declared_when_no_base_is_given)
{
	struct pv p;
	struct layout l;
	const struct importer_reloc_region *r;

	pv_init(&p, SZ_1G);
	pv_load_ok(&p);
	l = expected_layout(DEFAULT_BASE, false, false, 7);
	ck_assert(p.info.relocatable);
	ck_assert_uint_eq(p.ri.base.nr_relocs, 1);
	r = &p.ri.base.relocs[0];
	ck_assert_uint_eq(r->gpa, DEFAULT_BASE);
	ck_assert_uint_eq(r->size, l.end_of_image - DEFAULT_BASE); /* page tables excluded */
	ck_assert_uint_eq(r->alignment, SZ_2M);
	ck_assert_uint_eq(r->min_gpa, MIB(128));
	ck_assert_uint_eq(r->max_gpa, 1ULL << 48);
	ck_assert(r->apply_rip_offset);
	ck_assert(r->apply_gdtr_offset);
	ck_assert_uint_eq(r->vp_index, 0);
	ck_assert(p.ri.base.has_pt_reloc);
	ck_assert_uint_eq(p.ri.base.pt_reloc.gpa, l.pt);
	ck_assert_uint_eq(p.ri.base.pt_reloc.size_pages, 7);
	ck_assert_uint_eq(p.ri.base.pt_reloc.used_pages, 3);
	ck_assert_uint_eq(p.ri.base.pt_reloc.vp_index, 0);
	pv_free(&p);
}
END_TEST

START_TEST(no_relocation_with_an_explicit_base)
{
	struct pv p;

	pv_init(&p, SZ_1G);
	p.cfg.has_memory_base = true;
	p.cfg.memory_base = DEFAULT_BASE; /* the default address, but given */
	pv_load_ok(&p);
	ck_assert(!p.info.relocatable);
	ck_assert_uint_eq(p.ri.base.nr_relocs, 0);
	ck_assert(!p.ri.base.has_pt_reloc);
	pv_free(&p);
}
END_TEST

START_TEST(no_relocation_with_any_isolation)
{
	static const enum isolation_type types[] = { ISOLATION_VBS, ISOLATION_SNP, ISOLATION_TDX };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(types); i++) {
		struct pv p;

		pv_init(&p, SZ_1G);
		pv_isolate(&p, types[i], types[i] == ISOLATION_VBS ? 0 : 46);
		pv_load_ok(&p);
		ck_assert_msg(p.ri.base.nr_relocs == 0 && !p.ri.base.has_pt_reloc,
		              "isolation %u declared a relocation", types[i]);
		ck_assert(!p.info.relocatable);
		pv_free(&p);
	}
}
END_TEST

/* ---- command line and measured configs (steps 11, 25, 26) ---------------- */

START_TEST(command_line_page)
{
	struct pv p;
	struct layout l;
	struct paravisor_command_line cl;
	size_t i, n = strlen(CMDLINE);

	pv_init(&p, SZ_1G);
	p.cfg.policy = COMMAND_LINE_POLICY_APPEND_CHOSEN;
	pv_load_ok(&p);
	l = expected_layout(DEFAULT_BASE, false, false, 7);
	pv_read(&p, l.cmdline, &cl, sizeof(cl));
	ck_assert_uint_eq(cl.policy, 1);
	ck_assert_uint_eq(cl.static_command_line_len, n);
	ck_assert_mem_eq(cl.static_command_line, CMDLINE, n);
	for (i = n; i < sizeof(cl.static_command_line); i++)
		ck_assert_uint_eq(cl.static_command_line[i], 0);
	pv_free(&p);
}
END_TEST

START_TEST(command_line_of_4092_bytes_fills_the_page)
{
	struct pv p;
	struct paravisor_command_line cl;
	char *big = malloc(4093);

	memset(big, 'x', 4092);
	big[4092] = 0;
	pv_init(&p, SZ_1G);
	p.cfg.cmdline = big;
	pv_load_ok(&p);
	pv_read(&p, p.info.cmdline_gpa, &cl, sizeof(cl));
	ck_assert_uint_eq(cl.policy, 0);
	ck_assert_uint_eq(cl.static_command_line_len, 4092);
	ck_assert_mem_eq(cl.static_command_line, big, 4092);
	pv_free(&p);
	free(big);
}
END_TEST

START_TEST(vtl0_config_without_linux)
{
	struct pv p;
	struct paravisor_measured_vtl0_config mc, zero;
	static const uint8_t magic[8] = { 0x30, 0x4c, 0x54, 0x56, 0x4c, 0x43, 0x48, 0x4f };
	uint8_t page[4096];
	size_t i;

	pv_init(&p, SZ_1G);
	pv_load_ok(&p);
	pv_read(&p, 0, page, sizeof(page));
	ck_assert_mem_eq(page, magic, 8); /* "OHCLVTL0" read big-endian */
	memcpy(&mc, page, sizeof(mc));
	memset(&zero, 0, sizeof(zero));
	ck_assert_uint_eq(mc.magic, PARAVISOR_MEASURED_VTL0_CONFIG_MAGIC);
	ck_assert_uint_eq(mc.supported_vtl0, 0);
	ck_assert_mem_eq(&mc.uefi_info, &zero.uefi_info, sizeof(zero.uefi_info));
	ck_assert_mem_eq(&mc.linux_info, &zero.linux_info, sizeof(zero.linux_info));
	for (i = sizeof(mc); i < sizeof(page); i++)
		ck_assert_uint_eq(page[i], 0);
	assert_gap(&p, PAGE_SIZE, PAGE_SIZE, "page 1 without a VTL0 command line");
	pv_free(&p);
}
END_TEST

START_TEST(vtl0_config_with_pcat)
{
	struct pv p;
	struct paravisor_measured_vtl0_config mc;

	pv_init(&p, SZ_1G);
	p.cfg.vtl0_pcat = true;
	pv_load_ok(&p);
	pv_read(&p, 0, &mc, sizeof(mc));
	ck_assert_uint_eq(mc.supported_vtl0, VTL0_PCAT_SUPPORTED);
	pv_free(&p);
}
END_TEST

START_TEST(vtl0_config_with_a_linux_kernel)
{
	struct pv p;
	struct paravisor_measured_vtl0_config mc;
	char page[4096];
	size_t n, i;

	pv_init(&p, SZ_1G);
	pv_vtl0_linux(&p, 0x800000, 0x1001);
	pv_load_ok(&p);
	pv_read(&p, 0, &mc, sizeof(mc));
	ck_assert_uint_eq(mc.magic, PARAVISOR_MEASURED_VTL0_CONFIG_MAGIC);
	ck_assert_uint_eq(mc.supported_vtl0, VTL0_LINUX_DIRECT_SUPPORTED);
	ck_assert_uint_eq(mc.linux_info.kernel_region.base_page_number, 0x200);
	ck_assert_uint_eq(mc.linux_info.kernel_region.page_count, 6); /* 0x5432 rounded up */
	ck_assert_uint_eq(mc.linux_info.kernel_entrypoint, 0x200000);
	ck_assert_uint_eq(mc.linux_info.initrd_region.base_page_number, 0x800);
	ck_assert_uint_eq(mc.linux_info.initrd_region.page_count, 2);
	ck_assert_uint_eq(mc.linux_info.initrd_size, 0x1001);
	ck_assert_uint_eq(mc.linux_info.command_line.base_page_number, 1);
	ck_assert_uint_eq(mc.linux_info.command_line.page_count, 1);
	assert_import(&p, PAGE_SIZE, 1, "underhill-vtl0-linux-command-line", BPA_EXCLUSIVE);
	pv_read(&p, PAGE_SIZE, page, sizeof(page));
	n = strlen(p.vtl0.cmdline);
	ck_assert_mem_eq(page, p.vtl0.cmdline, n);
	for (i = n; i < sizeof(page); i++) /* the NUL and zero padding */
		ck_assert_uint_eq(page[i], 0);
	ck_assert_uint_eq(record_importer_find(&p.ri, PAGE_SIZE)->data_len, n + 1);
	pv_free(&p);
}
END_TEST

START_TEST(vtl0_linux_without_initrd_has_an_empty_region)
{
	struct pv p;
	struct paravisor_measured_vtl0_config mc;

	pv_init(&p, SZ_1G);
	pv_vtl0_linux(&p, 0, 0);
	pv_load_ok(&p);
	pv_read(&p, 0, &mc, sizeof(mc));
	ck_assert_uint_eq(mc.linux_info.initrd_region.base_page_number, 0);
	ck_assert_uint_eq(mc.linux_info.initrd_region.page_count, 0);
	ck_assert_uint_eq(mc.linux_info.initrd_size, 0);
	pv_free(&p);
}
END_TEST

START_TEST(vtl0_linux_initrd_must_be_page_aligned)
{
	struct pv p;

	pv_init(&p, SZ_1G);
	pv_vtl0_linux(&p, 0x800010, 0x1000);
	pv_load(&p);
	ck_assert_int_eq(p.ret, -EINVAL);
	ck_assert_ptr_nonnull(strstr(p.e.msg, "MemoryUnaligned"));
	ck_assert_ptr_nonnull(strstr(p.e.msg, "0x800010"));
	pv_free(&p);
}
END_TEST

START_TEST(vtl2_measured_config)
{
	struct pv p;
	struct paravisor_measured_vtl2_config mc;
	uint8_t page[4096];
	size_t i;

	pv_init(&p, SZ_1G);
	pv_load_ok(&p);
	pv_read(&p, p.info.parameter_region_gpa + 105 * PAGE_SIZE, page, sizeof(page));
	memcpy(&mc, page, sizeof(mc));
	ck_assert_uint_eq(mc.magic, PARAVISOR_MEASURED_VTL2_CONFIG_MAGIC);
	ck_assert_uint_eq(mc.vtom_offset_bit, 0);
	ck_assert_uint_eq(mc.product_policy_size, 0);
	for (i = 8; i < sizeof(page); i++)
		ck_assert_uint_eq(page[i], 0);
	pv_free(&p);
}
END_TEST

START_TEST(parameter_areas_ask_for_slit_pptt_and_device_tree)
{
	static const struct {
		uint32_t page, pages;
		const char *tag;
		enum igvm_parameter_type type;
	} want[] = {
		{ 0, 20, "underhill-slit", IGVM_PARAM_SLIT },
		{ 20, 20, "underhill-pptt", IGVM_PARAM_PPTT },
		{ 40, 64, "underhill-device-tree", IGVM_PARAM_DEVICE_TREE },
	};
	struct pv p;
	unsigned int i;

	pv_init(&p, SZ_1G);
	pv_load_ok(&p);
	ck_assert_uint_eq(p.ri.base.nr_areas, 3);
	ck_assert_uint_eq(p.ri.base.nr_params, 3);
	for (i = 0; i < 3; i++) {
		const struct importer_param_area *a = &p.ri.base.areas[i];
		const struct importer_param *pr = &p.ri.base.params[i];

		ck_assert_uint_eq(a->page_base,
		                  (p.info.parameter_region_gpa >> PAGE_SHIFT) + want[i].page);
		ck_assert_uint_eq(a->page_count, want[i].pages);
		ck_assert_str_eq(a->tag, want[i].tag);
		ck_assert_uint_eq(a->initial_len, 0);
		ck_assert_uint_eq(pr->area.index, i);
		ck_assert_uint_eq(pr->byte_offset, 0);
		ck_assert_int_eq(pr->type, want[i].type);
	}
	pv_free(&p);
}
END_TEST

/* ---- SNP and TDX --------------------------------------------------------- */

START_TEST(snp_layout_and_acceptances)
{
	struct pv p;
	struct layout l;
	uint64_t r;

	pv_init(&p, SZ_1G);
	pv_isolate(&p, ISOLATION_SNP, 46);
	pv_load_ok(&p);
	l = expected_layout(DEFAULT_BASE, true, false, 8);
	r = l.reserved;
	assert_gap(&p, l.persisted, SZ_2M, "persisted-state region");
	assert_gap(&p, l.bounce, SZ_2M, "bounce buffer");
	assert_import(&p, l.kernel, 3, "underhill-kernel", BPA_SHARED);
	assert_import(&p, l.kernel + SZ_2M, 2, "underhill-kernel", BPA_SHARED);
	assert_import(&p, l.shim, 2, "underhill-boot-shim", BPA_EXCLUSIVE);
	assert_import(&p, l.initrd, 2, "underhill-initrd", BPA_SHARED);
	assert_import(&p, l.cmdline, 1, "underhill-command-line", BPA_EXCLUSIVE);
	assert_import(&p, r + 0 * PAGE_SIZE, 1, "vp-context", BPA_VP_CONTEXT);
	assert_import(&p, r + 1 * PAGE_SIZE, 1, "underhill-snp-cpuid-page", BPA_CPUID_PAGE);
	assert_import(&p, r + 2 * PAGE_SIZE, 1, "underhill-snp-cpuid-extended-state-page",
	              BPA_CPUID_EXTENDED_STATE_PAGE);
	assert_import(&p, r + 3 * PAGE_SIZE, 1, "underhill-snp-secrets-page", BPA_SECRETS_PAGE);
	ck_assert(p.ri.base.has_vp_context_page);
	ck_assert_uint_eq(p.ri.base.vp_context_page, r >> PAGE_SHIFT);
	assert_import(&p, l.param, 20, "underhill-slit", BPA_EXCLUSIVE_UNMEASURED);
	assert_import(&p, l.pt, 8, "underhill-page-tables", BPA_EXCLUSIVE);
	ck_assert_uint_eq(p.info.used_end, l.used_end);
	pv_free(&p);
}
END_TEST

START_TEST(snp_imports_follow_the_spec_order)
{
	static const char *const want[] = {
		"underhill-kernel",
		"underhill-kernel",
		"underhill-boot-shim",
		"underhill-boot-shim",
		"underhill-initrd",
		"underhill-command-line",
		"ohcl-boot-shim-log-buffer",
		"ohcl-boot-shim-heap",
		"underhill-shim-params",
		"underhill-page-tables",
		"underhill-gdt",
		"underhill-slit",
		"underhill-pptt",
		"underhill-device-tree",
		"underhill-snp-secrets-page",
		"underhill-snp-cpuid-page",
		"underhill-snp-cpuid-extended-state-page",
		"vp-context",
		"underhill-measured-config",
		"underhill-vtl2-measured-config",
	};
	struct pv p;

	pv_init(&p, SZ_1G);
	pv_isolate(&p, ISOLATION_SNP, 46);
	pv_load_ok(&p);
	assert_order(&p, want, ARRAY_SIZE(want));
	pv_free(&p);
}
END_TEST

START_TEST(snp_cpuid_page_lists_the_35_paravisor_leaves)
{
	static const uint32_t leaves[35][2] = {
		{ 0x8000001f, 0 }, { 0, 0 },          { 1, 0 },          { 0x80000000, 0 },
		{ 5, 0 },          { 9, 0 },          { 0xa, 0 },        { 7, 0 },
		{ 0xb, 0 },        { 0xb, 1 },        { 0x80000001, 0 }, { 0x80000005, 0 },
		{ 0x80000006, 0 }, { 0x80000007, 0 }, { 0x80000008, 0 }, { 0x8000000a, 0 },
		{ 0x8000001e, 0 }, { 0xd, 0 },        { 0xd, 1 },        { 0xd, 2 },
		{ 0xd, 3 },        { 0xd, 4 },        { 0xd, 5 },        { 0xd, 6 },
		{ 0xd, 7 },        { 0xd, 8 },        { 0x80000002, 0 }, { 0x80000003, 0 },
		{ 0x80000004, 0 }, { 0x80000019, 0 }, { 0x8000001a, 0 }, { 0x8000001d, 0 },
		{ 0x8000001d, 1 }, { 0x8000001d, 2 }, { 0x8000001d, 3 },
	};
	struct pv p;
	uint8_t page[4096], zero[48] = { 0 };
	uint32_t count, u32;
	uint64_t u64;
	unsigned int i, k;

	pv_init(&p, SZ_1G);
	pv_isolate(&p, ISOLATION_SNP, 46);
	pv_load_ok(&p);
	pv_read(&p, p.info.parameter_region_gpa - 3 * PAGE_SIZE, page, sizeof(page));
	memcpy(&count, page, 4);
	ck_assert_uint_eq(count, 35);
	for (k = 4; k < 16; k++) /* reserved_z1, reserved_z2 */
		ck_assert_uint_eq(page[k], 0);
	for (i = 0; i < 35; i++) {
		const uint8_t *leaf = page + 16 + i * 48;

		memcpy(&u32, leaf, 4);
		ck_assert_msg(u32 == leaves[i][0], "leaf %u: eax_in 0x%x, expected 0x%x", i, u32,
		              leaves[i][0]);
		memcpy(&u32, leaf + 4, 4);
		ck_assert_uint_eq(u32, leaves[i][1]);
		memcpy(&u64, leaf + 8, 8);
		ck_assert_uint_eq(u64, leaves[i][0] == 0xd ? 1 : 0); /* xfem_in */
		ck_assert_mem_eq(leaf + 16, zero, 32);               /* xss_in, outputs, reserved */
	}
	for (k = 16 + 35 * 48; k < sizeof(page); k++)
		ck_assert_uint_eq(page[k], 0);
	pv_free(&p);
}
END_TEST

START_TEST(snp_page_tables_add_the_local_map_and_the_c_bit)
{
	struct pv p;
	struct fixture_pt_walk w;
	const struct mem_range want[] = { { SZ_2M, 2 * SZ_2M },
		                          { DEFAULT_BASE, DEFAULT_BASE + VTL2_SIZE } };

	pv_init(&p, SZ_1G);
	pv_isolate(&p, ISOLATION_SNP, 46);
	pv_load_ok(&p);
	ck_assert_uint_eq(p.info.page_table_pages, 5 + 2 + 1);
	assert_identity_map(&p, p.info.page_tables_gpa, SNP_C_BIT, want, 2, 3, &w);
	ck_assert_uint_eq(w.entries_without_cbit, 0); /* directories included */
	ck_assert_uint_eq(w.nr_entries, 2 + 1 + VTL2_SIZE / SZ_2M);
	ck_assert_uint_eq(w.dir_flags_or, PT_DIR_FLAGS);
	pv_free(&p);
}
END_TEST

START_TEST(snp_shim_params_and_vtl2_config)
{
	struct pv p;
	struct layout l;
	struct shim_params_raw sp;
	struct paravisor_measured_vtl2_config mc;

	pv_init(&p, SZ_1G);
	pv_isolate(&p, ISOLATION_SNP, 46);
	pv_load_ok(&p);
	l = expected_layout(DEFAULT_BASE, true, false, 8);
	pv_read(&p, l.params, &sp, sizeof(sp));
	ck_assert_uint_eq(sp.supported_isolation_type, SHIM_ISOLATION_SNP);
	ck_assert_int_eq(sp.bounce_buffer_start, (int64_t)(l.bounce - l.shim));
	ck_assert_uint_eq(sp.bounce_buffer_size, SZ_2M);
	ck_assert_int_eq(sp.vtl2_reserved_region_offset, (int64_t)(l.reserved - l.shim));
	ck_assert_int_eq(sp.used_end, (int64_t)(l.used_end - l.shim));
	ck_assert_uint_eq(sp.initrd_crc, fixture_crc32(p.ibuf, INITRD_SIZE));
	pv_read(&p, l.param + 105 * PAGE_SIZE, &mc, sizeof(mc));
	ck_assert_uint_eq(mc.vtom_offset_bit, 46);
	pv_free(&p);
}
END_TEST

START_TEST(tdx_layout_page_tables_and_shim_params)
{
	struct pv p;
	struct layout l;
	struct fixture_pt_walk w;
	struct shim_params_raw sp;
	struct paravisor_measured_vtl2_config mc;
	const struct mem_range want[] = { { SZ_2M, 2 * SZ_2M },
		                          { DEFAULT_BASE, DEFAULT_BASE + VTL2_SIZE },
		                          { 0xfffff000ULL, SZ_4G } };
	uint64_t pa;

	pv_init(&p, SZ_1G);
	pv_isolate(&p, ISOLATION_TDX, 47);
	pv_load_ok(&p);
	l = expected_layout(DEFAULT_BASE, true, false, 5 + 2 + 1 + 3);
	assert_gap(&p, l.bounce, SZ_2M, "bounce buffer");
	assert_import(&p, l.kernel, 3, "underhill-kernel", BPA_SHARED);
	assert_import(&p, l.initrd, 2, "underhill-initrd", BPA_SHARED);
	assert_gap(&p, l.reserved, 4 * PAGE_SIZE, "reserved region (no SNP pages on TDX)");
	ck_assert(!p.ri.base.has_vp_context_page);
	assert_import(&p, l.pt, 11, "underhill-page-tables", BPA_EXCLUSIVE);
	/* PML4, PDPT, PD (local map + VTL2), PD and PT for the reset page */
	assert_identity_map(&p, l.pt, 0, want, 3, 5, &w);
	ck_assert_uint_eq(w.leaves[w.nr_leaves - 1].size, PAGE_SIZE);
	ck_assert_uint_eq(w.leaves[w.nr_leaves - 1].entry & 0xfff, PT_4K_FLAGS);
	ck_assert(fixture_x86_pt_translate(read_cb, &p.ri, l.pt, 0, 0xfffffff0ULL, &pa));
	ck_assert_uint_eq(pa, 0xfffffff0ULL);
	pv_read(&p, l.pt, &pa, sizeof(pa)); /* no C-bit on TDX */
	ck_assert_uint_eq(pa & SNP_C_BIT, 0);
	pv_read(&p, l.params, &sp, sizeof(sp));
	ck_assert_uint_eq(sp.supported_isolation_type, SHIM_ISOLATION_TDX);
	ck_assert_int_eq(sp.bounce_buffer_start, (int64_t)(l.bounce - l.shim));
	ck_assert_uint_eq(sp.bounce_buffer_size, SZ_2M);
	ck_assert_int_eq(sp.used_end, (int64_t)(l.used_end - l.shim));
	pv_read(&p, l.param + 105 * PAGE_SIZE, &mc, sizeof(mc));
	ck_assert_uint_eq(mc.vtom_offset_bit, 47);
	pv_free(&p);
}
END_TEST

START_TEST(vbs_is_laid_out_like_no_isolation)
{
	struct pv p;
	struct layout l;
	struct shim_params_raw sp;

	pv_init(&p, SZ_1G);
	pv_isolate(&p, ISOLATION_VBS, 0);
	pv_load_ok(&p);
	l = expected_layout(DEFAULT_BASE, false, false, 7);
	assert_import(&p, l.kernel, 3, "underhill-kernel", BPA_EXCLUSIVE);
	assert_import(&p, l.pt, 7, "underhill-page-tables", BPA_EXCLUSIVE);
	pv_read(&p, l.params, &sp, sizeof(sp));
	ck_assert_uint_eq(sp.supported_isolation_type, SHIM_ISOLATION_VBS);
	ck_assert_uint_eq(sp.bounce_buffer_size, 0);
	pv_free(&p);
}
END_TEST

/* ---- errors ------------------------------------------------------------- */

START_TEST(base_not_2m_aligned)
{
	struct pv p;

	pv_init(&p, SZ_1G);
	p.cfg.has_memory_base = true;
	p.cfg.memory_base = MIB(129);
	pv_load(&p);
	ck_assert_int_eq(p.ret, -EINVAL);
	ck_assert_int_eq(p.e.errnum, EINVAL);
	ck_assert_ptr_nonnull(strstr(p.e.msg, "MemoryUnaligned"));
	ck_assert_ptr_nonnull(strstr(p.e.msg, "0x8100000"));
	ck_assert_uint_eq(p.ri.base.nr_ranges, 0);
	pv_free(&p);
}
END_TEST

START_TEST(size_not_2m_aligned)
{
	struct pv p;

	pv_init(&p, SZ_1G);
	p.cfg.memory_size = MIB(63);
	pv_load(&p);
	ck_assert_int_eq(p.ret, -EINVAL);
	ck_assert_ptr_nonnull(strstr(p.e.msg, "MemoryUnaligned"));
	ck_assert_ptr_nonnull(strstr(p.e.msg, "0x3f00000"));
	ck_assert_uint_eq(p.ri.base.nr_ranges, 0);
	pv_free(&p);
}
END_TEST

START_TEST(not_enough_memory)
{
	struct pv p;

	pv_init(&p, SZ_1G);
	p.cfg.memory_size = MIB(4); /* persisted 2 MiB + a kernel spanning 2 MiB do not fit */
	pv_load(&p);
	ck_assert_int_eq(p.ret, -ENOSPC);
	ck_assert_ptr_nonnull(strstr(p.e.msg, "NotEnoughMemory"));
	ck_assert_ptr_nonnull(strstr(p.e.msg, "0x400000"));
	pv_free(&p);
}
END_TEST

START_TEST(command_line_of_4093_bytes)
{
	struct pv p;
	char *big = malloc(4094);

	memset(big, 'x', 4093);
	big[4093] = 0;
	pv_init(&p, SZ_1G);
	p.cfg.cmdline = big;
	pv_load(&p);
	ck_assert_int_eq(p.ret, -E2BIG);
	ck_assert_ptr_nonnull(strstr(p.e.msg, "CommandLineSize"));
	ck_assert_ptr_nonnull(strstr(p.e.msg, "4093"));
	pv_free(&p);
	free(big);
}
END_TEST

START_TEST(vtl2_range_outside_ram)
{
	struct pv p;

	pv_init(&p, SZ_1G);
	p.cfg.has_memory_base = true;
	p.cfg.memory_base = MIB(992); /* [992 MiB, 1056 MiB) runs past the 1 GiB of RAM */
	pv_load(&p);
	ck_assert_int_eq(p.ret, -ERANGE);
	ck_assert_ptr_nonnull(strstr(p.e.msg, "0x3e000000"));
	ck_assert_uint_eq(p.ri.base.nr_ranges, 0);
	pv_free(&p);
}
END_TEST

START_TEST(vtl2_protectable_memory_needs_max_vtl_2)
{
	struct pv p;

	pv_init(&p, SZ_1G);
	p.ri.base.max_vtl = 0;
	pv_load(&p);
	ck_assert_int_eq(p.ret, -EINVAL);
	ck_assert_ptr_nonnull(strstr(p.e.msg, "VTL2-protectable"));
	ck_assert_uint_eq(p.ri.base.nr_ranges, 0);
	pv_free(&p);
}
END_TEST

START_TEST(without_a_paravisor_plain_ram_is_enough)
{
	struct pv p;

	pv_init(&p, SZ_1G);
	p.ri.base.max_vtl = 0;
	p.ri.base.isolation.paravisor_present = false;
	pv_load_ok(&p);
	pv_free(&p);
}
END_TEST

START_TEST(kernel_for_the_wrong_machine)
{
	struct pv p;
	struct fixture_elf k = kernel_spec();
	size_t len;

	pv_init(&p, SZ_1G);
	free(p.kbuf);
	k.machine = 183; /* EM_AARCH64 */
	p.kbuf = fixture_elf_build(&k, &len);
	image_file_from_buffer(&p.kernel, "vmlinux", p.kbuf, len);
	pv_load(&p);
	ck_assert_int_eq(p.ret, -EINVAL);
	ck_assert_ptr_nonnull(strstr(p.e.msg, "e_machine = 183"));
	pv_free(&p);
}
END_TEST

static Suite *paravisor_x64_suite(void)
{
	Suite *s = suite_create("paravisor_x64");
	TCase *layout = tcase_create("layout");
	TCase *state = tcase_create("boot state");
	TCase *iso = tcase_create("isolation");
	TCase *bad = tcase_create("errors");

	tcase_add_test(layout, default_layout_tag_by_tag);
	tcase_add_test(layout, default_layout_in_numbers);
	tcase_add_test(layout, imports_follow_the_spec_order);
	tcase_add_test(layout, sidecar_starts_at_the_next_2m_and_the_shim_follows_it);
	tcase_add_test(layout, parameter_areas_ask_for_slit_pptt_and_device_tree);
	tcase_add_test(layout, page_tables_identity_map_the_vtl2_range_and_nothing_else);
	tcase_add_test(layout, page_table_region_follows_the_pde_count_formula);
	tcase_add_test(layout, relocation_is_declared_when_no_base_is_given);
	tcase_add_test(layout, no_relocation_with_an_explicit_base);
	tcase_add_test(state, shim_params_field_by_field);
	tcase_add_test(state, shim_params_without_initrd);
	tcase_add_test(state, gdt_page_holds_code_at_index_2_and_data_at_3);
	tcase_add_test(state, registers_in_step_22_order);
	tcase_add_test(state, command_line_page);
	tcase_add_test(state, command_line_of_4092_bytes_fills_the_page);
	tcase_add_test(state, vtl0_config_without_linux);
	tcase_add_test(state, vtl0_config_with_pcat);
	tcase_add_test(state, vtl0_config_with_a_linux_kernel);
	tcase_add_test(state, vtl0_linux_without_initrd_has_an_empty_region);
	tcase_add_test(state, vtl2_measured_config);
	tcase_add_test(iso, snp_layout_and_acceptances);
	tcase_add_test(iso, snp_imports_follow_the_spec_order);
	tcase_add_test(iso, snp_cpuid_page_lists_the_35_paravisor_leaves);
	tcase_add_test(iso, snp_page_tables_add_the_local_map_and_the_c_bit);
	tcase_add_test(iso, snp_shim_params_and_vtl2_config);
	tcase_add_test(iso, tdx_layout_page_tables_and_shim_params);
	tcase_add_test(iso, vbs_is_laid_out_like_no_isolation);
	tcase_add_test(iso, no_relocation_with_any_isolation);
	tcase_add_test(bad, base_not_2m_aligned);
	tcase_add_test(bad, size_not_2m_aligned);
	tcase_add_test(bad, not_enough_memory);
	tcase_add_test(bad, command_line_of_4093_bytes);
	tcase_add_test(bad, vtl2_range_outside_ram);
	tcase_add_test(bad, vtl2_protectable_memory_needs_max_vtl_2);
	tcase_add_test(bad, without_a_paravisor_plain_ram_is_enough);
	tcase_add_test(bad, vtl0_linux_initrd_must_be_page_aligned);
	tcase_add_test(bad, kernel_for_the_wrong_machine);
	suite_add_tcase(s, layout);
	suite_add_tcase(s, state);
	suite_add_tcase(s, iso);
	suite_add_tcase(s, bad);
	return s;
}

int main(void)
{
	return run_suite(paravisor_x64_suite());
}
