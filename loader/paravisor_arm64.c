// SPDX-License-Identifier: MIT
/*
 * load_openhcl_arm64, HEAD revision (LOADER-SPEC §2.5): persisted region,
 * kernel Image, initrd after it, shim, command line, shim params, parameter
 * region, log buffer, heap | end of the relocatable image | 15 pages of
 * identity page tables.
 */
#include "paravisor.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arch/aarch64/pagetables.h"
#include "lib/crc32.h"
#include "loader/arm64_image.h"
#include "loader/elf.h"

#define U(x) ((unsigned long long)(x))

#define A64_CPSR_EL1H  0x5ULL /* EL1h, SPSel = 1, DAIF not masked */
#define A64_SCTLR_SHIM 0x30D01805ULL
#define A64_TCR_SHIM   0x0000000580803511ULL
#define A64_MAIR_SHIM  0x00000000FFBB4400ULL

struct a64_layout {
	gpa_t start, next, persisted, shim_base, shim_entry, kernel_entry;
	uint64_t size;
	gpa_t initrd;
	uint64_t initrd_size;
	gpa_t cmdline, params, param_region, log, heap, end_of_image, pt;
	size_t pt_used;
};

static int check_and_load(struct importer *imp, const struct paravisor_config *c,
                          struct a64_layout *l, struct err *e)
{
	struct isolation_config iso = importer_isolation_config(imp);
	struct arm64_load_info k;
	struct elf_load_info s;
	int ret;

	if (c->vtl0_pcat || !c->vtl0_linux)
		return err_set(e, EINVAL,
		               "arm64 paravisor: VTL0 must be Linux (UEFI is not built here, PCAT "
		               "does not exist on arm64)");
	if (iso.isolation_type != ISOLATION_NONE && iso.isolation_type != ISOLATION_VBS)
		return err_set(e, EINVAL, "arm64 paravisor: only no isolation or VBS is supported");
	l->start = c->has_memory_base ? c->memory_base : PARAVISOR_DEFAULT_MEMORY_BASE_ADDRESS;
	l->size = c->memory_size;
	if (!is_aligned(l->start, SZ_2M) || !l->size || !is_aligned(l->size, SZ_2M))
		return err_set(e, EINVAL,
		               "paravisor memory [0x%llx, +0x%llx) is not 2 MiB aligned "
		               "(MemoryUnaligned)",
		               U(l->start), U(l->size));
	ret = importer_verify_startup_memory_available(
	    imp, l->start >> PAGE_SHIFT, l->size >> PAGE_SHIFT,
	    iso.paravisor_present ? SMT_VTL2_PROTECTABLE_RAM : SMT_RAM, e);
	if (ret)
		return ret;
	l->persisted = l->start;
	ret =
	    arm64_load_kernel_and_initrd(imp, c->kernel, l->start + PARAVISOR_PERSISTED_REGION_SIZE,
	                                 c->initrd, 0, NULL, 0, &k, e);
	if (ret)
		return ret;
	l->kernel_entry = k.entry;
	l->initrd = k.initrd_gpa;
	l->initrd_size = k.initrd_size;
	/* As OpenVMM: the kernel's gpa excludes text_offset (LOADER-SPEC §7.4). */
	l->next =
	    align_up(k.initrd_size ? k.initrd_gpa + k.initrd_size : k.kernel_base + k.kernel_size,
	             PAGE_SIZE);
	ret = elf_load_static(imp, c->shim, 0, l->next, false, BPA_EXCLUSIVE, "underhill-boot-shim",
	                      &s, e);
	if (ret)
		return ret;
	l->shim_base = s.minimum_address_used;
	l->shim_entry = s.entrypoint;
	l->next = s.next_available_address;
	return 0;
}

static int place_regions(struct importer *imp, const struct paravisor_config *c,
                         struct a64_layout *l, struct err *e)
{
	int ret;

	l->cmdline = l->next;
	ret = paravisor_import_command_line(imp, l->cmdline, c->cmdline, c->policy, e);
	if (ret)
		return ret;
	l->params = l->cmdline + PAGE_SIZE;
	l->param_region = l->params + PAGE_SIZE;
	l->log = l->param_region + PARAVISOR_VTL2_CONFIG_REGION_PAGE_COUNT_MAX * PAGE_SIZE;
	l->heap = l->log + PARAVISOR_LOG_BUFFER_PAGES * PAGE_SIZE;
	l->end_of_image = l->heap + PARAVISOR_HEAP_PAGES * PAGE_SIZE;
	l->pt = l->end_of_image;
	l->next = l->pt + PARAVISOR_ARM64_PAGE_TABLE_PAGES * PAGE_SIZE;
	ret = paravisor_import_log_and_heap(imp, l->log, l->heap, e);
	if (!ret && l->next > l->start + l->size)
		return err_set(e, ENOSPC,
		               "paravisor image needs 0x%llx bytes of VTL2 memory, only 0x%llx "
		               "configured (NotEnoughMemory)",
		               U(l->next - l->start), U(l->size));
	return ret;
}

static void fill_shim_params(const struct a64_layout *l, const struct paravisor_config *c,
                             struct shim_params_raw *p)
{
	gpa_t b = l->shim_base;

	memset(p, 0, sizeof(*p));
	p->kernel_entry_offset = paravisor_shim_offset(l->kernel_entry, b);
	p->cmdline_offset = paravisor_shim_offset(l->cmdline, b);
	p->initrd_offset = paravisor_shim_offset(l->initrd, b);
	p->initrd_size = l->initrd_size;
	p->initrd_crc = c->initrd ? crc32_update(0, c->initrd->data, c->initrd->size) : 0;
	p->supported_isolation_type = SHIM_ISOLATION_VBS;
	p->memory_start_offset = paravisor_shim_offset(l->start, b);
	p->memory_size = l->size;
	p->parameter_region_offset = paravisor_shim_offset(l->param_region, b);
	p->parameter_region_size = PARAVISOR_VTL2_CONFIG_REGION_PAGE_COUNT_MAX * PAGE_SIZE;
	p->used_start = paravisor_shim_offset(l->start, b);
	p->used_end = paravisor_shim_offset(l->next, b);
	p->log_buffer_start = paravisor_shim_offset(l->log, b);
	p->log_buffer_size = PARAVISOR_LOG_BUFFER_PAGES * PAGE_SIZE;
	p->heap_start_offset = paravisor_shim_offset(l->heap, b);
	p->heap_size = PARAVISOR_HEAP_PAGES * PAGE_SIZE;
	p->persisted_state_region_offset = paravisor_shim_offset(l->persisted, b);
	p->persisted_state_region_size = PARAVISOR_PERSISTED_REGION_SIZE;
}

/* Step 10-12: the identity map of the VTL2 range, and the relocation records. */
static int import_page_tables(struct importer *imp, const struct paravisor_config *c,
                              struct a64_layout *l, struct err *e)
{
	size_t len = PARAVISOR_ARM64_PAGE_TABLE_PAGES * PAGE_SIZE;
	uint8_t *space = calloc(1, len);
	int ret;

	if (!space)
		return err_set(e, ENOMEM, "paravisor page tables: out of memory");
	ret = a64_pt_build_identity(l->pt, l->start, l->size, space, len, &l->pt_used, e);
	if (!ret && !c->has_memory_base) {
		ret = importer_relocation_region(imp, l->start, l->end_of_image - l->start,
		                                 PARAVISOR_RELOCATION_ALIGNMENT,
		                                 PARAVISOR_DEFAULT_MEMORY_BASE_ADDRESS,
		                                 PARAVISOR_RELOCATION_MAX_GPA, true, false, 0, e);
		if (!ret)
			ret = importer_page_table_relocation(imp, l->pt,
			                                     PARAVISOR_ARM64_PAGE_TABLE_PAGES,
			                                     l->pt_used / PAGE_SIZE, 0, e);
	}
	if (!ret)
		ret = importer_import_pages(
		    imp, l->pt >> PAGE_SHIFT, PARAVISOR_ARM64_PAGE_TABLE_PAGES,
		    "underhill-page-tables", BPA_EXCLUSIVE, space, l->pt_used, e);
	free(space);
	return ret;
}

static int import_registers(struct importer *imp, const struct a64_layout *l, struct err *e)
{
	const struct a64_register regs[] = {
		{ A64_REG_X0, l->params - l->shim_base },
		{ A64_REG_PC, l->shim_entry },
		{ A64_REG_CPSR, A64_CPSR_EL1H },
		{ A64_REG_SCTLR_EL1, A64_SCTLR_SHIM },
		{ A64_REG_TCR_EL1, A64_TCR_SHIM },
		{ A64_REG_MAIR_EL1, A64_MAIR_SHIM },
		{ A64_REG_TTBR0_EL1, l->pt },
		{ A64_REG_VBAR_EL1, 0 },
	};
	unsigned int i;
	int ret = 0;

	for (i = 0; !ret && i < ARRAY_SIZE(regs); i++)
		ret = importer_import_a64_register(imp, &regs[i], e);
	return ret;
}

static void fill_info(const struct a64_layout *l, const struct paravisor_config *c,
                      struct paravisor_info *out)
{
	out->memory_start = l->start;
	out->memory_size = l->size;
	out->kernel_entry = l->kernel_entry;
	out->shim_base = l->shim_base;
	out->shim_entry = l->shim_entry;
	out->initrd_gpa = l->initrd;
	out->initrd_size = l->initrd_size;
	out->cmdline_gpa = l->cmdline;
	out->shim_params_gpa = l->params;
	out->parameter_region_gpa = l->param_region;
	out->log_buffer_gpa = l->log;
	out->heap_gpa = l->heap;
	out->end_of_vtl2_image = l->end_of_image;
	out->page_tables_gpa = l->pt;
	out->page_table_pages = PARAVISOR_ARM64_PAGE_TABLE_PAGES;
	out->page_table_pages_used = l->pt_used / PAGE_SIZE;
	out->used_end = l->next;
	out->relocatable = !c->has_memory_base;
}

int paravisor_load_arm64(struct importer *imp, const struct paravisor_config *c,
                         struct paravisor_info *out, struct err *e)
{
	struct a64_layout l;
	int ret;

	memset(&l, 0, sizeof(l));
	memset(out, 0, sizeof(*out));
	ret = check_and_load(imp, c, &l, e);
	if (!ret)
		ret = place_regions(imp, c, &l, e);
	if (ret)
		return ret;
	fill_shim_params(&l, c, &out->shim_params);
	ret = importer_import_pages(imp, l.params >> PAGE_SHIFT, 1, "underhill-shim-params",
	                            BPA_EXCLUSIVE, &out->shim_params, sizeof(out->shim_params), e);
	/* §2.5 step 9: the VTL0 config right after the shim params. */
	if (!ret)
		ret = paravisor_import_vtl0_config(
		    imp, PARAVISOR_VTL0_MEASURED_CONFIG_BASE_PAGE_AARCH64, c, false, e);
	if (!ret)
		ret = import_page_tables(imp, c, &l, e);
	if (!ret)
		ret = import_registers(imp, &l, e);
	if (!ret)
		ret = paravisor_create_parameter_areas(imp, l.param_region, e);
	if (!ret)
		ret = paravisor_import_vtl2_config(imp, l.param_region, e);
	if (!ret)
		fill_info(&l, c, out);
	return ret;
}
