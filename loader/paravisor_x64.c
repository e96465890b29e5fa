// SPDX-License-Identifier: MIT
/*
 * load_openhcl_x64, HEAD revision (LOADER-SPEC §2.4). The step numbers in the
 * comments are the spec's. Layout from mem_start up: persisted region, bounce
 * buffer (SNP/TDX), kernel (PIC), sidecar, shim, initrd, GDT, shim params,
 * command line, VTL2 reserved region, parameter region, log buffer, heap |
 * end of the relocatable image | page tables.
 */
#include "paravisor.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arch/x86_64/pt_builder.h"
#include "loader/elf.h"

#define U(x) ((unsigned long long)(x))

#define X64_CR0_PE        (1ULL << 0)
#define X64_CR0_NE        (1ULL << 5)
#define X64_CR0_PG        (1ULL << 31)
#define X64_CR4_PAE       (1ULL << 5)
#define X64_CR4_MCE       (1ULL << 6)
#define X64_CR4_OSXSAVE   (1ULL << 18)
#define X64_EFER_LME      (1ULL << 8)
#define X64_EFER_LMA      (1ULL << 10)
#define X64_EFER_NXE      (1ULL << 11)
#define X64_PAT_DEFAULT   0x0007040600070406ULL
#define X64_CODE_SELECTOR 0x10 /* GDT index 2 */
#define X64_DATA_SELECTOR 0x18 /* GDT index 3 */
#define SNP_C_BIT         51
#define TDX_RESET_PAGE    0xfffff000ULL
#define X64_PT_BASE_PAGES 5
#define X64_TDX_PT_PAGES  3

/* Where each piece went; filled step by step. */
struct x64_layout {
	struct paravisor_layout pl;
	bool snp, tdx;
	enum boot_page_acceptance kernel_acc;
	gpa_t bounce;
	gpa_t sidecar_base, sidecar_entry;
	uint64_t sidecar_size;
	gpa_t gdt, reserved;
	uint64_t *tables; /* built at step 16, imported at step 20 */
};

static int check_memory(struct importer *imp, const struct paravisor_config *c,
                        struct x64_layout *l, struct err *e)
{
	struct isolation_config iso = importer_isolation_config(imp);

	l->snp = iso.isolation_type == ISOLATION_SNP;
	l->tdx = iso.isolation_type == ISOLATION_TDX;
	l->pl.relocatable = !c->has_memory_base && iso.isolation_type == ISOLATION_NONE;
	l->pl.start = c->has_memory_base ? c->memory_base : PARAVISOR_DEFAULT_MEMORY_BASE_ADDRESS;
	l->pl.size = c->memory_size;
	l->kernel_acc = l->snp || l->tdx ? BPA_SHARED : BPA_EXCLUSIVE;
	if (!is_aligned(l->pl.start, SZ_2M))
		return err_set(e, EINVAL,
		               "paravisor memory base 0x%llx is not 2 MiB aligned "
		               "(MemoryUnaligned)",
		               U(l->pl.start));
	if (!l->pl.size || !is_aligned(l->pl.size, SZ_2M))
		return err_set(e, EINVAL,
		               "paravisor memory size 0x%llx is not a non-zero multiple "
		               "of 2 MiB (MemoryUnaligned)",
		               U(l->pl.size));
	return importer_verify_startup_memory_available(
	    imp, l->pl.start >> PAGE_SHIFT, l->pl.size >> PAGE_SHIFT,
	    iso.paravisor_present ? SMT_VTL2_PROTECTABLE_RAM : SMT_RAM, e);
}

/* Steps 3-7: persisted region, bounce buffer, kernel, sidecar, shim. */
static int load_images(struct importer *imp, const struct paravisor_config *c, struct x64_layout *l,
                       struct err *e)
{
	struct elf_load_info li;
	int ret;

	l->pl.persisted = l->pl.start;
	l->pl.next = l->pl.start + PARAVISOR_PERSISTED_REGION_SIZE;
	if (l->snp || l->tdx) {
		l->bounce = l->pl.next;
		l->pl.next += SZ_2M;
	}
	ret = elf_load_static(imp, c->kernel, l->pl.next, 0, true, l->kernel_acc,
	                      "underhill-kernel", &li, e);
	if (ret)
		return ret;
	l->pl.next = li.next_available_address;
	l->pl.kernel_entry = li.entrypoint;
	if (c->sidecar) {
		l->pl.next = align_up(l->pl.next, SZ_2M);
		ret = elf_load_static(imp, c->sidecar, 0, l->pl.next, false, BPA_EXCLUSIVE,
		                      "sidecar-kernel", &li, e);
		if (ret)
			return ret;
		l->sidecar_size = li.next_available_address - l->pl.next;
		l->sidecar_entry = li.entrypoint;
	}
	l->sidecar_base = l->pl.next;
	l->pl.next += l->sidecar_size;
	ret = elf_load_static(imp, c->shim, 0, l->pl.next, false, BPA_EXCLUSIVE,
	                      "underhill-boot-shim", &li, e);
	if (ret)
		return ret;
	l->pl.shim_base = li.minimum_address_used;
	l->pl.shim_entry = li.entrypoint;
	l->pl.next = li.next_available_address;
	return 0;
}

/* Steps 9-15: initrd, GDT, shim params, command line, reserved, parameters, log, heap. */
static int place_regions(struct importer *imp, const struct paravisor_config *c,
                         struct x64_layout *l, struct err *e)
{
	int ret;

	if (c->initrd) {
		l->pl.initrd = l->pl.next;
		l->pl.initrd_size = c->initrd->size;
		ret = importer_import_pages(imp, l->pl.next >> PAGE_SHIFT,
		                            pages_for(c->initrd->size), "underhill-initrd",
		                            l->kernel_acc, c->initrd->data, c->initrd->size, e);
		if (ret)
			return ret;
		l->pl.next += align_up(c->initrd->size, PAGE_SIZE);
	}
	l->gdt = l->pl.next;
	l->pl.params = l->gdt + PAGE_SIZE;
	l->pl.cmdline = l->pl.params + PAGE_SIZE;
	ret = paravisor_import_command_line(imp, l->pl.cmdline, c->cmdline, c->policy, e);
	if (ret)
		return ret;
	l->reserved = l->pl.cmdline + PAGE_SIZE;
	l->pl.param_region = l->reserved + PARAVISOR_RESERVED_VTL2_PAGE_COUNT_MAX * PAGE_SIZE;
	l->pl.log = l->pl.param_region + PARAVISOR_VTL2_CONFIG_REGION_PAGE_COUNT_MAX * PAGE_SIZE;
	l->pl.heap = l->pl.log + PARAVISOR_LOG_BUFFER_PAGES * PAGE_SIZE;
	l->pl.end_of_image = l->pl.heap + PARAVISOR_HEAP_PAGES * PAGE_SIZE;
	return paravisor_import_log_and_heap(imp, l->pl.log, l->pl.heap, e);
}

/* Step 16: HEAD's range-based builder over the VTL2 range (+ local map, + TDX reset page). */
static int build_page_tables(struct x64_layout *l, struct err *e)
{
	struct x86_pt_range ranges[3];
	unsigned int n = 0, cap;

	l->pl.pt = l->pl.end_of_image;
	l->pl.pt_pages =
	    X64_PT_BASE_PAGES + 2 * (unsigned int)x86_pde_table_count(l->pl.start, l->pl.size);
	if (l->snp || l->tdx) {
		l->pl.pt_pages += (unsigned int)x86_pde_table_count(PARAVISOR_LOCAL_MAP_VA,
		                                                    PARAVISOR_LOCAL_MAP_SIZE);
		ranges[n++] =
		    (struct x86_pt_range){ PARAVISOR_LOCAL_MAP_VA,
			                   PARAVISOR_LOCAL_MAP_VA + PARAVISOR_LOCAL_MAP_SIZE };
	}
	ranges[n++] = (struct x86_pt_range){ l->pl.start, l->pl.start + l->pl.size };
	if (l->tdx) {
		l->pl.pt_pages += X64_TDX_PT_PAGES;
		ranges[n++] = (struct x86_pt_range){ TDX_RESET_PAGE, SZ_4G };
	}
	l->pl.next = l->pl.pt + (uint64_t)l->pl.pt_pages * PAGE_SIZE;
	/* HEAD builds into at most 20 work tables; the region keeps its formula size. */
	cap = l->pl.pt_pages < PARAVISOR_X64_PAGE_TABLE_MAX_COUNT
	          ? l->pl.pt_pages
	          : PARAVISOR_X64_PAGE_TABLE_MAX_COUNT;
	l->tables = calloc(cap, PAGE_SIZE);
	if (!l->tables)
		return err_set(e, ENOMEM, "paravisor page tables: out of memory");
	return x86_pt_build(l->pl.pt, ranges, n, l->snp ? SNP_C_BIT : -1, l->tables, cap,
	                    &l->pl.pt_used, e);
}

/* Step 17: relocation records; step 18: the memory check. */
static int declare_relocation_and_check(struct importer *imp, const struct x64_layout *l,
                                        struct err *e)
{
	int ret;

	if (l->pl.relocatable) {
		ret = importer_relocation_region(imp, l->pl.start, l->pl.end_of_image - l->pl.start,
		                                 PARAVISOR_RELOCATION_ALIGNMENT,
		                                 PARAVISOR_DEFAULT_MEMORY_BASE_ADDRESS,
		                                 PARAVISOR_RELOCATION_MAX_GPA, true, true, 0, e);
		if (!ret)
			ret = importer_page_table_relocation(imp, l->pl.pt, l->pl.pt_pages,
			                                     l->pl.pt_used, 0, e);
		if (ret)
			return ret;
	}
	if (l->pl.next > l->pl.start + l->pl.size)
		return err_set(e, ENOSPC,
		               "paravisor image needs 0x%llx bytes of VTL2 memory, only 0x%llx "
		               "configured (NotEnoughMemory)",
		               U(l->pl.next - l->pl.start), U(l->pl.size));
	return 0;
}

/* Step 19: ShimParamsRaw, every address relative to the shim's base. */
static void fill_shim_params(const struct x64_layout *l, const struct paravisor_config *c,
                             struct shim_params_raw *p)
{
	gpa_t b = l->pl.shim_base;

	paravisor_fill_shim_params(&l->pl, c, p);
	p->supported_isolation_type = l->snp   ? SHIM_ISOLATION_SNP
	                              : l->tdx ? SHIM_ISOLATION_TDX
	                                       : SHIM_ISOLATION_VBS;
	p->vtl2_reserved_region_offset = paravisor_shim_offset(l->reserved, b);
	p->vtl2_reserved_region_size = PARAVISOR_RESERVED_VTL2_PAGE_COUNT_MAX * PAGE_SIZE;
	p->sidecar_offset = paravisor_shim_offset(l->sidecar_base, b);
	p->sidecar_size = l->sidecar_size;
	p->sidecar_entry_offset = paravisor_shim_offset(l->sidecar_entry, b);
	p->bounce_buffer_start = l->bounce ? paravisor_shim_offset(l->bounce, b) : 0;
	p->bounce_buffer_size = l->bounce ? SZ_2M : 0;
}

/* Steps 21-22: the shim's GDT (code at index 2, data at 3) and its entry state. */
static int import_gdt_and_registers(struct importer *imp, const struct x64_layout *l, struct err *e)
{
	const uint64_t gdt[4] = { 0, 0, 0x00a09b000000ffffULL, 0x00c093000000ffffULL };
	const struct x86_segment_reg data = { 0, 0xffffffff, X64_DATA_SELECTOR,
		                              X64_DEFAULT_DATA_SEGMENT_ATTRIBUTES };
	const struct x86_register regs[] = {
		{ .name = X86_REG_GDTR, .table = { l->gdt, sizeof(gdt) - 1 } },
		{ .name = X86_REG_DS, .seg = data },
		{ .name = X86_REG_ES, .seg = data },
		{ .name = X86_REG_FS, .seg = data },
		{ .name = X86_REG_GS, .seg = data },
		{ .name = X86_REG_SS, .seg = data },
		{ .name = X86_REG_CS,
		  .seg = { 0, 0xffffffff, X64_CODE_SELECTOR,
		           X64_DEFAULT_CODE_SEGMENT_ATTRIBUTES } },
		/* OpenVMM's workaround: TR at its architectural reset value. */
		{ .name = X86_REG_TR, .seg = { 0, 0xffff, 0, X64_BUSY_TSS_SEGMENT_ATTRIBUTES } },
		{ .name = X86_REG_CR0, .value = X64_CR0_PG | X64_CR0_PE | X64_CR0_NE },
		{ .name = X86_REG_CR3, .value = l->pl.pt },
		{ .name = X86_REG_CR4, .value = X64_CR4_PAE | X64_CR4_MCE | X64_CR4_OSXSAVE },
		{ .name = X86_REG_EFER, .value = X64_EFER_LMA | X64_EFER_LME | X64_EFER_NXE },
		{ .name = X86_REG_PAT, .value = X64_PAT_DEFAULT },
		/* relative to the shim's base, so it needs no fix-up when relocated */
		{ .name = X86_REG_RSI, .value = l->pl.params - l->pl.shim_base },
		{ .name = X86_REG_RIP, .value = l->pl.shim_entry },
	};
	unsigned int i;
	int ret;

	ret = importer_import_pages(imp, l->gdt >> PAGE_SHIFT, 1, "underhill-gdt", BPA_EXCLUSIVE,
	                            gdt, sizeof(gdt), e);
	for (i = 0; !ret && i < ARRAY_SIZE(regs); i++)
		ret = importer_import_x86_register(imp, &regs[i], e);
	return ret;
}

/* The SNP CPUID page (HV_PSP_CPUID_PAGE) with the paravisor's 35 required leaves. */
static void snp_cpuid_page(uint8_t *page)
{
	static const uint32_t leaves[][2] = {
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
	uint32_t count = ARRAY_SIZE(leaves), i;

	memset(page, 0, PAGE_SIZE);
	memcpy(page, &count, 4);
	for (i = 0; i < count; i++) {
		uint8_t *leaf = page + 16 + i * 48; /* eax_in, ecx_in, xfem_in, ... */
		uint64_t xfem = leaves[i][0] == 0xd ? 1 : 0;

		memcpy(leaf, &leaves[i][0], 4);
		memcpy(leaf + 4, &leaves[i][1], 4);
		memcpy(leaf + 8, &xfem, 8);
	}
}

/* Step 24: the SNP pages in the VTL2 reserved region. */
static int import_snp_pages(struct importer *imp, const struct x64_layout *l, struct err *e)
{
	uint64_t r = l->reserved >> PAGE_SHIFT;
	uint8_t *page;
	int ret;

	page = malloc(PAGE_SIZE);
	if (!page)
		return err_set(e, ENOMEM, "SNP CPUID page: out of memory");
	snp_cpuid_page(page);
	ret = importer_import_pages(imp, r + PARAVISOR_RESERVED_VTL2_SNP_SECRETS_PAGE_INDEX, 1,
	                            "underhill-snp-secrets-page", BPA_SECRETS_PAGE, NULL, 0, e);
	if (!ret)
		ret = importer_import_pages(imp, r + PARAVISOR_RESERVED_VTL2_SNP_CPUID_PAGE_INDEX,
		                            1, "underhill-snp-cpuid-page", BPA_CPUID_PAGE, page,
		                            PAGE_SIZE, e);
	if (!ret)
		ret =
		    importer_import_pages(imp, r + PARAVISOR_RESERVED_VTL2_SNP_CPUID_PAGE_INDEX + 1,
		                          1, "underhill-snp-cpuid-extended-state-page",
		                          BPA_CPUID_EXTENDED_STATE_PAGE, NULL, 0, e);
	if (!ret)
		ret = importer_set_vp_context_page(
		    imp, r + PARAVISOR_RESERVED_VTL2_SNP_VMSA_PAGE_INDEX, e);
	free(page);
	return ret;
}

/* Steps 19-27, once the layout is known. */
static int import_state(struct importer *imp, const struct paravisor_config *c,
                        const struct x64_layout *l, struct paravisor_info *out, struct err *e)
{
	int ret;

	fill_shim_params(l, c, &out->shim_params);
	ret = importer_import_pages(imp, l->pl.params >> PAGE_SHIFT, 1, "underhill-shim-params",
	                            BPA_EXCLUSIVE, &out->shim_params, sizeof(out->shim_params), e);
	if (!ret)
		ret = importer_import_pages(imp, l->pl.pt >> PAGE_SHIFT, l->pl.pt_pages,
		                            "underhill-page-tables", BPA_EXCLUSIVE, l->tables,
		                            (size_t)l->pl.pt_used * PAGE_SIZE, e);
	if (!ret)
		ret = import_gdt_and_registers(imp, l, e);
	if (!ret)
		ret = paravisor_create_parameter_areas(imp, l->pl.param_region, e);
	if (!ret && l->snp)
		ret = import_snp_pages(imp, l, e);
	if (!ret)
		ret = paravisor_import_vtl0_config(
		    imp, PARAVISOR_VTL0_MEASURED_CONFIG_BASE_PAGE_X64, c, true, e);
	if (!ret)
		ret = paravisor_import_vtl2_config(imp, l->pl.param_region, e);
	return ret;
}

int paravisor_load_x64(struct importer *imp, const struct paravisor_config *c,
                       struct paravisor_info *out, struct err *e)
{
	struct x64_layout l;
	int ret;

	memset(&l, 0, sizeof(l));
	memset(out, 0, sizeof(*out));
	ret = check_memory(imp, c, &l, e);
	if (!ret)
		ret = load_images(imp, c, &l, e);
	if (!ret)
		ret = place_regions(imp, c, &l, e);
	if (!ret)
		ret = build_page_tables(&l, e);
	if (!ret)
		ret = declare_relocation_and_check(imp, &l, e);
	if (!ret)
		ret = import_state(imp, c, &l, out, e);
	if (!ret)
		paravisor_fill_info(&l.pl, out);
	free(l.tables);
	return ret;
}
