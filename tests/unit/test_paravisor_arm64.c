// SPDX-License-Identifier: MIT
/*
 * loader/paravisor_arm64.c (OpenVMM load_openhcl_arm64, HEAD revision)
 * against the recording importer, as LOADER-SPEC §2.5 lays it out: the
 * kernel Image after the persisted region, the initrd at the next 2 MiB, the
 * shim, command line, shim parameters, parameter region, log buffer, heap and
 * the 15-page identity page tables (§3.4); the shim's entry registers; the
 * VTL0 config at 16 MiB without Linux information; and the Image header
 * checks of §4.5.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "loader/importer_record.h"
#include "loader/paravisor.h"
#include "test_helpers.h"

#define MIB(x) ((uint64_t)(x) << 20)

#define EM_AARCH64_MACHINE 183
#define SHIM_ENTRY         0x40ULL
#define INITRD_SIZE        5000ULL
#define VTL2_SIZE          MIB(64)
#define DEFAULT_BASE       PARAVISOR_DEFAULT_MEMORY_BASE_ADDRESS
#define CMDLINE            "console=ttyAMA0 earlycon"
#define VTL0_CONFIG_GPA    (4096ULL * PAGE_SIZE) /* page 4096: 16 MiB */

#define A64_BLOCK_DESC 0x004000000000070dULL /* §3.4: L1/L2 block descriptor bits */

struct pv {
	struct record_importer ri;
	struct paravisor_config cfg;
	struct paravisor_vtl0_linux vtl0;
	struct paravisor_info info;
	struct fixture_arm64_image img;
	struct image_file kernel, shim, initrd;
	uint8_t *kbuf, *sbuf, *ibuf;
	struct err e;
	int ret;
};

static struct fixture_elf shim_spec(void)
{
	struct fixture_elf s = { .machine = EM_AARCH64_MACHINE, .entry = SHIM_ENTRY, .nsegs = 2 };

	s.segs[0] = (struct fixture_seg){ .paddr = 0, .filesz = 0x1800, .memsz = 0x2000 };
	s.segs[1] = (struct fixture_seg){ .paddr = 0x3000, .filesz = 0x100, .memsz = 0x1000 };
	return s;
}

static void pv_set_image(struct pv *p)
{
	size_t len;

	free(p->kbuf);
	p->kbuf = fixture_arm64_image_build(&p->img, &len);
	image_file_from_buffer(&p->kernel, "Image", p->kbuf, len);
}

static void pv_init(struct pv *p)
{
	struct mem_range ram = { 0, SZ_1G };
	struct fixture_elf s = shim_spec();
	size_t len, i;

	memset(p, 0, sizeof(*p));
	record_importer_init(&p->ri, GUEST_ARCH_AARCH64, &ram, 1);
	p->ri.base.max_vtl = 2;
	p->ri.base.isolation.paravisor_present = true;
	fixture_arm64_image_default(&p->img);
	pv_set_image(p);
	p->sbuf = fixture_elf_build(&s, &len);
	image_file_from_buffer(&p->shim, "openhcl_boot", p->sbuf, len);
	p->ibuf = malloc(INITRD_SIZE);
	for (i = 0; i < INITRD_SIZE; i++)
		p->ibuf[i] = (uint8_t)(i * 17 + 5);
	image_file_from_buffer(&p->initrd, "initrd.cpio", p->ibuf, INITRD_SIZE);
	p->vtl0 = (struct paravisor_vtl0_linux){ .kernel_gpa = 0x40000000,
		                                 .kernel_size = 0x20000,
		                                 .entry = 0x40000000,
		                                 .cmdline = "console=ttyAMA0" };
	p->cfg = (struct paravisor_config){
		.kernel = &p->kernel,
		.shim = &p->shim,
		.initrd = &p->initrd,
		.cmdline = CMDLINE,
		.policy = COMMAND_LINE_POLICY_STATIC,
		.memory_size = VTL2_SIZE,
		.vtl0_linux = &p->vtl0,
	};
}

static void pv_load(struct pv *p)
{
	p->ret = paravisor_load_arm64(&p->ri.base, &p->cfg, &p->info, &p->e);
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
	free(p->ibuf);
}

static void pv_read(struct pv *p, gpa_t gpa, void *buf, uint64_t len)
{
	struct err e = { 0 };

	ck_assert_ok(record_importer_read(&p->ri, gpa, buf, len, &e), e);
}

/* §2.5 from the default fixtures: a 0x5000-byte Image, 5000 bytes of initrd. */
struct layout {
	gpa_t mem, kernel, initrd, shim, cmdline, params, param, log, heap, end_of_image, pt;
	gpa_t used_end;
};

static struct layout expected_layout(gpa_t mem, uint64_t text_offset)
{
	struct layout l = { .mem = mem };

	l.kernel = mem + SZ_2M + text_offset;
	l.initrd = align_up(l.kernel + 0x5000, SZ_2M);
	l.shim = l.initrd + 0x2000;
	l.cmdline = l.shim + 0x4000;
	l.params = l.cmdline + 0x1000;
	l.param = l.params + 0x1000;
	l.log = l.param + 362 * 0x1000;
	l.heap = l.log + 2 * 0x1000;
	l.end_of_image = l.heap + 16 * 0x1000;
	l.pt = l.end_of_image;
	l.used_end = l.pt + 15 * 0x1000;
	return l;
}

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
	ck_assert_msg(r->page_count == pages, "'%s': %llu pages, expected %llu", tag,
	              (unsigned long long)r->page_count, (unsigned long long)pages);
	ck_assert_int_eq(r->acceptance, acc);
}

static void assert_gap(struct pv *p, gpa_t gpa, uint64_t len, const char *what)
{
	uint64_t off;

	for (off = 0; off < len; off += PAGE_SIZE)
		ck_assert_msg(importer_find_range(&p->ri.base, gpa + off) == NULL,
		              "%s at 0x%llx must be a gap", what, (unsigned long long)(gpa + off));
}

/* ---- layout -------------------------------------------------------------- */

START_TEST(default_layout_tag_by_tag)
{
	struct pv p;
	struct layout l;

	pv_init(&p);
	pv_load_ok(&p);
	l = expected_layout(DEFAULT_BASE, 0);
	ck_assert_uint_eq(l.kernel, MIB(130));
	ck_assert_uint_eq(l.initrd, MIB(132));
	assert_gap(&p, DEFAULT_BASE, SZ_2M, "persisted-state region");
	assert_import(&p, l.kernel, 5, "linux-kernel", BPA_EXCLUSIVE);
	assert_gap(&p, l.kernel + 0x5000, l.initrd - (l.kernel + 0x5000), "pad to 2 MiB");
	assert_import(&p, l.initrd, 2, "linux-initrd", BPA_EXCLUSIVE);
	assert_import(&p, l.shim, 2, "underhill-boot-shim", BPA_EXCLUSIVE);
	assert_import(&p, l.shim + 0x3000, 1, "underhill-boot-shim", BPA_EXCLUSIVE);
	assert_import(&p, l.cmdline, 1, "underhill-command-line", BPA_EXCLUSIVE);
	assert_import(&p, l.params, 1, "underhill-shim-params", BPA_EXCLUSIVE);
	assert_import(&p, l.param, 20, "underhill-slit", BPA_EXCLUSIVE_UNMEASURED);
	assert_import(&p, l.param + 20 * PAGE_SIZE, 20, "underhill-pptt", BPA_EXCLUSIVE_UNMEASURED);
	assert_import(&p, l.param + 40 * PAGE_SIZE, 64, "underhill-device-tree",
	              BPA_EXCLUSIVE_UNMEASURED);
	assert_gap(&p, l.param + 104 * PAGE_SIZE, PAGE_SIZE, "imported-regions page");
	ck_assert(p.ri.base.has_imported_regions_page);
	ck_assert_uint_eq(p.ri.base.imported_regions_page, (l.param >> PAGE_SHIFT) + 104);
	assert_import(&p, l.param + 105 * PAGE_SIZE, 1, "underhill-vtl2-measured-config",
	              BPA_EXCLUSIVE);
	assert_import(&p, l.log, 2, "ohcl-boot-shim-log-buffer", BPA_EXCLUSIVE);
	assert_import(&p, l.heap, 16, "ohcl-boot-shim-heap", BPA_EXCLUSIVE);
	assert_import(&p, l.pt, 15, "underhill-page-tables", BPA_EXCLUSIVE);
	assert_import(&p, VTL0_CONFIG_GPA, 1, "underhill-measured-config", BPA_EXCLUSIVE);
	/* kernel, initrd, 2 shim, cmdline, params, log, heap, pt, 3 areas, 2 configs */
	ck_assert_uint_eq(p.ri.base.nr_ranges, 14);
	ck_assert_uint_eq(p.info.shim_base, l.shim);
	ck_assert_uint_eq(p.info.kernel_entry, l.kernel);
	ck_assert_uint_eq(p.info.used_end, l.used_end);
	ck_assert_uint_eq(p.info.page_table_pages, 15);
	ck_assert_uint_eq(p.info.page_table_pages_used, 3);
	pv_free(&p);
}
END_TEST

START_TEST(imports_follow_the_spec_order)
{
	static const char *const want[] = {
		"linux-kernel",
		"linux-initrd",
		"underhill-boot-shim",
		"underhill-boot-shim",
		"underhill-command-line",
		"ohcl-boot-shim-log-buffer",
		"ohcl-boot-shim-heap",
		"underhill-shim-params",     /* step 8 */
		"underhill-measured-config", /* step 9 */
		"underhill-page-tables",     /* step 12 */
		"underhill-slit",
		"underhill-pptt",
		"underhill-device-tree",          /* step 14 */
		"underhill-vtl2-measured-config", /* step 15 */
	};
	const struct importer *imp;
	struct pv p;
	uint32_t seq;
	size_t n = 0, i;

	pv_init(&p);
	pv_load_ok(&p);
	imp = &p.ri.base;
	for (seq = 0; seq < imp->next_seq; seq++)
		for (i = 0; i < imp->nr_ranges; i++)
			if (imp->ranges[i].seq == seq) {
				ck_assert_uint_lt(n, ARRAY_SIZE(want));
				ck_assert_msg(
				    strcmp(imp->ranges[i].tag, want[n]) == 0,
				    "import #%zu is '%s', LOADER-SPEC §2.5 puts '%s' there", n,
				    imp->ranges[i].tag, want[n]);
				n++;
			}
	ck_assert_uint_eq(n, ARRAY_SIZE(want));
	pv_free(&p);
}
END_TEST

START_TEST(text_offset_moves_the_kernel_not_the_base)
{
	struct pv p;
	struct layout l;

	pv_init(&p);
	p.img.text_offset = 0x80000;
	pv_set_image(&p);
	pv_load_ok(&p);
	l = expected_layout(DEFAULT_BASE, 0x80000);
	assert_import(&p, MIB(130) + 0x80000, 5, "linux-kernel", BPA_EXCLUSIVE);
	assert_import(&p, MIB(132), 2, "linux-initrd", BPA_EXCLUSIVE);
	ck_assert_uint_eq(p.info.kernel_entry, MIB(130) + 0x80000);
	ck_assert_uint_eq(p.info.shim_base, l.shim);
	pv_free(&p);
}
END_TEST

/*
 * Without an initrd the shim follows kernel.gpa + size, and kernel.gpa excludes
 * text_offset (§2.5 step 3, §7.4): with text_offset 0 that is the kernel's end;
 * with a text_offset the shim and what follows it run into the kernel, and the
 * importer refuses the overlap, as OpenVMM's does.
 */
START_TEST(without_initrd_the_shim_follows_base_plus_size)
{
	struct pv p;
	struct shim_params_raw sp;

	pv_init(&p);
	p.cfg.initrd = NULL;
	pv_load_ok(&p);
	assert_import(&p, MIB(130) + 0x5000, 2, "underhill-boot-shim", BPA_EXCLUSIVE);
	pv_read(&p, p.info.shim_params_gpa, &sp, sizeof(sp));
	ck_assert_int_eq(sp.initrd_offset, (int64_t)(0 - p.info.shim_base));
	ck_assert_uint_eq(sp.initrd_size, 0);
	ck_assert_uint_eq(sp.initrd_crc, 0);
	pv_free(&p);

	pv_init(&p);
	p.cfg.initrd = NULL;
	p.img.text_offset = 0x10000;
	pv_set_image(&p);
	pv_load(&p);
	ck_assert_int_eq(p.ret, -EEXIST);
	ck_assert_ptr_nonnull(strstr(p.e.msg, "'linux-kernel' [0x8210000, 0x8215000)"));
	assert_import(&p, MIB(130) + 0x5000, 2, "underhill-boot-shim", BPA_EXCLUSIVE);
	pv_free(&p);
}
END_TEST

/* ---- ShimParamsRaw (step 8) ---------------------------------------------- */

START_TEST(shim_params_field_by_field)
{
	struct pv p;
	struct layout l;
	struct shim_params_raw sp;
	gpa_t b;

	pv_init(&p);
	pv_load_ok(&p);
	l = expected_layout(DEFAULT_BASE, 0);
	b = l.shim;
	pv_read(&p, l.params, &sp, sizeof(sp));
	ck_assert_int_eq(sp.kernel_entry_offset, (int64_t)(l.kernel - b));
	ck_assert_int_eq(sp.cmdline_offset, (int64_t)(l.cmdline - b));
	ck_assert_int_eq(sp.initrd_offset, (int64_t)(l.initrd - b));
	ck_assert_uint_eq(sp.initrd_size, INITRD_SIZE);
	ck_assert_uint_eq(sp.initrd_crc, fixture_crc32(p.ibuf, INITRD_SIZE));
	ck_assert_uint_eq(sp.supported_isolation_type, SHIM_ISOLATION_VBS);
	ck_assert_int_eq(sp.memory_start_offset, (int64_t)(l.mem - b));
	ck_assert_uint_eq(sp.memory_size, VTL2_SIZE);
	ck_assert_int_eq(sp.parameter_region_offset, (int64_t)(l.param - b));
	ck_assert_uint_eq(sp.parameter_region_size, 362 * 4096);
	/* arm64 has no reserved region, no sidecar and no bounce buffer: all zero */
	ck_assert_int_eq(sp.vtl2_reserved_region_offset, 0);
	ck_assert_uint_eq(sp.vtl2_reserved_region_size, 0);
	ck_assert_int_eq(sp.sidecar_offset, 0);
	ck_assert_uint_eq(sp.sidecar_size, 0);
	ck_assert_int_eq(sp.sidecar_entry_offset, 0);
	ck_assert_int_eq(sp.used_start, (int64_t)(l.mem - b));
	ck_assert_int_eq(sp.used_end, (int64_t)(l.used_end - b));
	ck_assert_int_eq(sp.bounce_buffer_start, 0);
	ck_assert_uint_eq(sp.bounce_buffer_size, 0);
	ck_assert_int_eq(sp.log_buffer_start, (int64_t)(l.log - b));
	ck_assert_uint_eq(sp.log_buffer_size, 8192);
	ck_assert_int_eq(sp.heap_start_offset, (int64_t)(l.heap - b));
	ck_assert_uint_eq(sp.heap_size, 65536);
	ck_assert_int_eq(sp.persisted_state_region_offset, (int64_t)(l.mem - b));
	ck_assert_uint_eq(sp.persisted_state_region_size, SZ_2M);
	pv_free(&p);
}
END_TEST

START_TEST(command_line_page)
{
	struct pv p;
	struct paravisor_command_line cl;

	pv_init(&p);
	p.cfg.policy = COMMAND_LINE_POLICY_APPEND_CHOSEN;
	pv_load_ok(&p);
	pv_read(&p, expected_layout(DEFAULT_BASE, 0).cmdline, &cl, sizeof(cl));
	ck_assert_uint_eq(cl.policy, 1);
	ck_assert_uint_eq(cl.static_command_line_len, strlen(CMDLINE));
	ck_assert_mem_eq(cl.static_command_line, CMDLINE, strlen(CMDLINE));
	ck_assert_uint_eq(cl.static_command_line[strlen(CMDLINE)], 0);
	pv_free(&p);
}
END_TEST

/* ---- registers (step 13) ------------------------------------------------- */

START_TEST(registers_in_step_13_order)
{
	struct pv p;
	struct layout l;
	unsigned int i;

	pv_init(&p);
	pv_load_ok(&p);
	l = expected_layout(DEFAULT_BASE, 0);
	{
		const struct a64_register want[] = {
			{ A64_REG_X0, l.params - l.shim }, /* relative */
			{ A64_REG_PC, l.shim + SHIM_ENTRY },
			{ A64_REG_CPSR, 0x5 },
			{ A64_REG_SCTLR_EL1, 0x30D01805 },
			{ A64_REG_TCR_EL1, 0x0000000580803511ULL },
			{ A64_REG_MAIR_EL1, 0xFFBB4400 },
			{ A64_REG_TTBR0_EL1, l.pt },
			{ A64_REG_VBAR_EL1, 0 },
		};

		ck_assert_uint_eq(p.ri.base.nr_regs, ARRAY_SIZE(want));
		for (i = 0; i < ARRAY_SIZE(want); i++) {
			const struct a64_register *r = &p.ri.base.regs[i].a64;

			ck_assert_msg(r->name == want[i].name, "register #%u is %s, expected %s", i,
			              a64_reg_name_str(r->name), a64_reg_name_str(want[i].name));
			ck_assert_msg(r->value == want[i].value, "%s = 0x%llx, expected 0x%llx",
			              a64_reg_name_str(r->name), (unsigned long long)r->value,
			              (unsigned long long)want[i].value);
		}
	}
	ck_assert_ptr_null(importer_find_a64_register(&p.ri.base, A64_REG_TTBR1_EL1));
	pv_free(&p);
}
END_TEST

/* ---- page tables (steps 10-12, §3.4) ------------------------------------- */

START_TEST(page_tables_identity_map_the_vtl2_range)
{
	struct pv p;
	struct layout l;
	uint64_t t[3][512], pages[12][512];
	unsigned int i, k;

	pv_init(&p);
	pv_load_ok(&p);
	l = expected_layout(DEFAULT_BASE, 0);
	pv_read(&p, l.pt, t, sizeof(t));
	/* L0: entry 0 is a table descriptor for the next page; the rest read 0xFE.. (invalid) */
	ck_assert_uint_eq(t[0][0], (l.pt + PAGE_SIZE) | 3);
	for (i = 1; i < 512; i++)
		ck_assert_uint_eq(t[0][i], 0xfefefefefefefefeULL);
	/* L1: entry 0 -> the L2 table; nothing else */
	ck_assert_uint_eq(t[1][0], (l.pt + 2 * PAGE_SIZE) | 3);
	for (i = 1; i < 512; i++)
		ck_assert_uint_eq(t[1][i], 0);
	/* L2: 2 MiB blocks for [128 MiB, 192 MiB) at index 64..95: valid block, AttrIndx 3
	 * (write-back), EL1 RW, inner shareable, AF, UXN */
	for (i = 0; i < 512; i++) {
		uint64_t va = (uint64_t)i * SZ_2M;
		uint64_t want =
		    va >= DEFAULT_BASE && va < DEFAULT_BASE + VTL2_SIZE ? va | A64_BLOCK_DESC : 0;

		ck_assert_msg(t[2][i] == want, "L2[%u] = 0x%llx, expected 0x%llx", i,
		              (unsigned long long)t[2][i], (unsigned long long)want);
	}
	/* the other 12 pages of the region are zero */
	pv_read(&p, l.pt + 3 * PAGE_SIZE, pages, sizeof(pages));
	for (k = 0; k < 12; k++)
		for (i = 0; i < 512; i++)
			ck_assert_uint_eq(pages[k][i], 0);
	ck_assert_uint_eq(record_importer_find(&p.ri, l.pt)->data_len, 3 * PAGE_SIZE);
	pv_free(&p);
}
END_TEST

START_TEST(relocation_is_declared_when_no_base_is_given)
{
	struct pv p;
	struct layout l;
	const struct importer_reloc_region *r;

	pv_init(&p);
	pv_load_ok(&p);
	l = expected_layout(DEFAULT_BASE, 0);
	ck_assert(p.info.relocatable);
	ck_assert_uint_eq(p.ri.base.nr_relocs, 1);
	r = &p.ri.base.relocs[0];
	ck_assert_uint_eq(r->gpa, DEFAULT_BASE);
	ck_assert_uint_eq(r->size, l.end_of_image - DEFAULT_BASE);
	ck_assert_uint_eq(r->alignment, SZ_2M);
	ck_assert_uint_eq(r->min_gpa, MIB(128));
	ck_assert_uint_eq(r->max_gpa, 1ULL << 48);
	ck_assert(r->apply_rip_offset); /* PC */
	ck_assert(!r->apply_gdtr_offset);
	ck_assert_uint_eq(r->vp_index, 0);
	ck_assert(p.ri.base.has_pt_reloc);
	ck_assert_uint_eq(p.ri.base.pt_reloc.gpa, l.pt);
	ck_assert_uint_eq(p.ri.base.pt_reloc.size_pages, 15);
	ck_assert_uint_eq(p.ri.base.pt_reloc.used_pages, 3);
	pv_free(&p);
}
END_TEST

START_TEST(no_relocation_with_an_explicit_base)
{
	struct pv p;
	struct layout l;

	pv_init(&p);
	p.cfg.has_memory_base = true;
	p.cfg.memory_base = MIB(256);
	pv_load_ok(&p);
	l = expected_layout(MIB(256), 0);
	ck_assert(!p.info.relocatable);
	ck_assert_uint_eq(p.ri.base.nr_relocs, 0);
	ck_assert(!p.ri.base.has_pt_reloc);
	assert_import(&p, l.kernel, 5, "linux-kernel", BPA_EXCLUSIVE);
	assert_import(&p, l.pt, 15, "underhill-page-tables", BPA_EXCLUSIVE);
	ck_assert_uint_eq(importer_find_a64_register(&p.ri.base, A64_REG_TTBR0_EL1)->value, l.pt);
	pv_free(&p);
}
END_TEST

/* ---- measured configs (steps 9, 14, 15) ---------------------------------- */

START_TEST(vtl0_config_at_16m_without_linux_info)
{
	struct pv p;
	struct paravisor_measured_vtl0_config mc, zero;

	pv_init(&p); /* a VTL0 Linux kernel is configured, but arm64 records none of it */
	pv_load_ok(&p);
	pv_read(&p, VTL0_CONFIG_GPA, &mc, sizeof(mc));
	memset(&zero, 0, sizeof(zero));
	ck_assert_uint_eq(mc.magic, PARAVISOR_MEASURED_VTL0_CONFIG_MAGIC);
	ck_assert_uint_eq(mc.supported_vtl0, 0);
	ck_assert_mem_eq(&mc.uefi_info, &zero.uefi_info, sizeof(zero.uefi_info));
	ck_assert_mem_eq(&mc.linux_info, &zero.linux_info, sizeof(zero.linux_info));
	assert_gap(&p, 0, PAGE_SIZE, "x64's VTL0 config page");
	assert_gap(&p, VTL0_CONFIG_GPA + PAGE_SIZE, PAGE_SIZE, "page after the VTL0 config");
	pv_free(&p);
}
END_TEST

START_TEST(vtl2_config_and_parameter_areas)
{
	static const struct {
		uint32_t page, pages;
		enum igvm_parameter_type type;
	} want[] = { { 0, 20, IGVM_PARAM_SLIT },
		     { 20, 20, IGVM_PARAM_PPTT },
		     { 40, 64, IGVM_PARAM_DEVICE_TREE } };
	struct pv p;
	struct paravisor_measured_vtl2_config mc;
	unsigned int i;

	pv_init(&p);
	pv_load_ok(&p);
	pv_read(&p, p.info.parameter_region_gpa + 105 * PAGE_SIZE, &mc, sizeof(mc));
	ck_assert_uint_eq(mc.magic, PARAVISOR_MEASURED_VTL2_CONFIG_MAGIC);
	ck_assert_uint_eq(mc.vtom_offset_bit, 0);
	ck_assert_uint_eq(mc.product_policy_size, 0);
	ck_assert_uint_eq(p.ri.base.nr_areas, 3);
	ck_assert_uint_eq(p.ri.base.nr_params, 3);
	for (i = 0; i < 3; i++) {
		ck_assert_uint_eq(p.ri.base.areas[i].page_base,
		                  (p.info.parameter_region_gpa >> PAGE_SHIFT) + want[i].page);
		ck_assert_uint_eq(p.ri.base.areas[i].page_count, want[i].pages);
		ck_assert_uint_eq(p.ri.base.params[i].area.index, i);
		ck_assert_uint_eq(p.ri.base.params[i].byte_offset, 0);
		ck_assert_int_eq(p.ri.base.params[i].type, want[i].type);
	}
	pv_free(&p);
}
END_TEST

/* ---- errors -------------------------------------------------------------- */

static void assert_image_refused(uint64_t flags, uint32_t magic, const char *needle)
{
	struct pv p;

	pv_init(&p);
	p.img.flags = flags;
	p.img.magic = magic;
	pv_set_image(&p);
	pv_load(&p);
	ck_assert_int_eq(p.ret, -EINVAL);
	ck_assert_msg(strstr(p.e.msg, needle) != NULL, "'%s' does not mention '%s'", p.e.msg,
	              needle);
	ck_assert_ptr_null(importer_find_range(&p.ri.base, MIB(130)));
	pv_free(&p);
}

START_TEST(image_with_a_bad_magic)
{
	assert_image_refused(0xa, 0x644d5242, "magic 0x644d5242");
}
END_TEST

START_TEST(big_endian_image)
{
	assert_image_refused(0xb, FIXTURE_ARM64_IMAGE_MAGIC, "big-endian");
}
END_TEST

START_TEST(image_without_4k_pages)
{
	assert_image_refused(0xc, FIXTURE_ARM64_IMAGE_MAGIC, "page size code 2"); /* 16K */
	assert_image_refused(0xe, FIXTURE_ARM64_IMAGE_MAGIC, "page size code 3"); /* 64K */
	assert_image_refused(0x8, FIXTURE_ARM64_IMAGE_MAGIC, "page size code 0"); /* unspecified */
}
END_TEST

START_TEST(image_that_must_sit_low)
{
	assert_image_refused(0x2, FIXTURE_ARM64_IMAGE_MAGIC, "bit 3");
}
END_TEST

START_TEST(memory_unaligned)
{
	struct pv p;

	pv_init(&p);
	p.cfg.has_memory_base = true;
	p.cfg.memory_base = MIB(129);
	pv_load(&p);
	ck_assert_int_eq(p.ret, -EINVAL);
	ck_assert_ptr_nonnull(strstr(p.e.msg, "MemoryUnaligned"));
	pv_free(&p);

	pv_init(&p);
	p.cfg.memory_size = MIB(63);
	pv_load(&p);
	ck_assert_int_eq(p.ret, -EINVAL);
	ck_assert_ptr_nonnull(strstr(p.e.msg, "MemoryUnaligned"));
	pv_free(&p);
}
END_TEST

START_TEST(not_enough_memory)
{
	struct pv p;

	pv_init(&p);
	p.cfg.memory_size = MIB(4);
	pv_load(&p);
	ck_assert_int_eq(p.ret, -ENOSPC);
	ck_assert_ptr_nonnull(strstr(p.e.msg, "NotEnoughMemory"));
	pv_free(&p);
}
END_TEST

START_TEST(command_line_of_4093_bytes)
{
	struct pv p;
	char *big = malloc(4094);

	memset(big, 'y', 4093);
	big[4093] = 0;
	pv_init(&p);
	p.cfg.cmdline = big;
	pv_load(&p);
	ck_assert_int_eq(p.ret, -E2BIG);
	ck_assert_ptr_nonnull(strstr(p.e.msg, "CommandLineSize"));
	pv_free(&p);
	free(big);
}
END_TEST

START_TEST(vtl0_must_be_linux_and_never_pcat)
{
	struct pv p;

	pv_init(&p);
	p.cfg.vtl0_linux = NULL;
	pv_load(&p);
	ck_assert_int_eq(p.ret, -EINVAL);
	pv_free(&p);

	pv_init(&p);
	p.cfg.vtl0_pcat = true;
	pv_load(&p);
	ck_assert_int_eq(p.ret, -EINVAL);
	pv_free(&p);
}
END_TEST

START_TEST(hardware_isolation_is_refused)
{
	struct pv p;

	pv_init(&p);
	p.ri.base.isolation.isolation_type = ISOLATION_SNP;
	pv_load(&p);
	ck_assert_int_eq(p.ret, -EINVAL);
	ck_assert_uint_eq(p.ri.base.nr_ranges, 0);
	pv_free(&p);
}
END_TEST

START_TEST(x86_shim_is_refused)
{
	struct pv p;
	struct fixture_elf s = shim_spec();
	size_t len;

	pv_init(&p);
	free(p.sbuf);
	s.machine = 0; /* EM_X86_64 */
	p.sbuf = fixture_elf_build(&s, &len);
	image_file_from_buffer(&p.shim, "openhcl_boot", p.sbuf, len);
	pv_load(&p);
	ck_assert_int_eq(p.ret, -EINVAL);
	ck_assert_ptr_nonnull(strstr(p.e.msg, "e_machine = 62"));
	pv_free(&p);
}
END_TEST

static Suite *paravisor_arm64_suite(void)
{
	Suite *s = suite_create("paravisor_arm64");
	TCase *layout = tcase_create("layout");
	TCase *state = tcase_create("boot state");
	TCase *bad = tcase_create("errors");

	tcase_add_test(layout, default_layout_tag_by_tag);
	tcase_add_test(layout, imports_follow_the_spec_order);
	tcase_add_test(layout, text_offset_moves_the_kernel_not_the_base);
	tcase_add_test(layout, without_initrd_the_shim_follows_base_plus_size);
	tcase_add_test(layout, page_tables_identity_map_the_vtl2_range);
	tcase_add_test(layout, relocation_is_declared_when_no_base_is_given);
	tcase_add_test(layout, no_relocation_with_an_explicit_base);
	tcase_add_test(state, shim_params_field_by_field);
	tcase_add_test(state, command_line_page);
	tcase_add_test(state, registers_in_step_13_order);
	tcase_add_test(state, vtl0_config_at_16m_without_linux_info);
	tcase_add_test(state, vtl2_config_and_parameter_areas);
	tcase_add_test(bad, image_with_a_bad_magic);
	tcase_add_test(bad, big_endian_image);
	tcase_add_test(bad, image_without_4k_pages);
	tcase_add_test(bad, image_that_must_sit_low);
	tcase_add_test(bad, memory_unaligned);
	tcase_add_test(bad, not_enough_memory);
	tcase_add_test(bad, command_line_of_4093_bytes);
	tcase_add_test(bad, vtl0_must_be_linux_and_never_pcat);
	tcase_add_test(bad, hardware_isolation_is_refused);
	tcase_add_test(bad, x86_shim_is_refused);
	suite_add_tcase(s, layout);
	suite_add_tcase(s, state);
	suite_add_tcase(s, bad);
	return s;
}

int main(void)
{
	return run_suite(paravisor_arm64_suite());
}
