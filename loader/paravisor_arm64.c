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
#include "loader/arm64_image.h"
#include "loader/elf.h"

#define U(x) ((unsigned long long)(x))

#define A64_CPSR_EL1H  0x5ULL /* EL1h, SPSel = 1, DAIF not masked */
#define A64_SCTLR_SHIM 0x30D01805ULL
#define A64_TCR_SHIM   0x0000000580803511ULL
#define A64_MAIR_SHIM  0x00000000FFBB4400ULL

struct a64_layout {
	struct paravisor_layout pl; /* pt_used counts pages */
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
	l->pl.start = c->has_memory_base ? c->memory_base : PARAVISOR_DEFAULT_MEMORY_BASE_ADDRESS;
	l->pl.relocatable = !c->has_memory_base;
	l->pl.size = c->memory_size;
	if (!is_aligned(l->pl.start, SZ_2M) || !l->pl.size || !is_aligned(l->pl.size, SZ_2M))
		return err_set(e, EINVAL,
		               "paravisor memory [0x%llx, +0x%llx) is not 2 MiB aligned "
		               "(MemoryUnaligned)",
		               U(l->pl.start), U(l->pl.size));
	ret = importer_verify_startup_memory_available(
	    imp, l->pl.start >> PAGE_SHIFT, l->pl.size >> PAGE_SHIFT,
	    iso.paravisor_present ? SMT_VTL2_PROTECTABLE_RAM : SMT_RAM, e);
	if (ret)
		return ret;
	l->pl.persisted = l->pl.start;
	ret = arm64_load_kernel_and_initrd(imp, c->kernel,
	                                   l->pl.start + PARAVISOR_PERSISTED_REGION_SIZE, c->initrd,
	                                   0, NULL, 0, &k, e);
	if (ret)
		return ret;
	l->pl.kernel_entry = k.entry;
	l->pl.initrd = k.initrd_gpa;
	l->pl.initrd_size = k.initrd_size;
	/* As OpenVMM: the kernel's gpa excludes text_offset (LOADER-SPEC §7.4). */
	l->pl.next =
	    align_up(k.initrd_size ? k.initrd_gpa + k.initrd_size : k.kernel_base + k.kernel_size,
	             PAGE_SIZE);
	ret = elf_load_static(imp, c->shim, 0, l->pl.next, false, BPA_EXCLUSIVE,
	                      "underhill-boot-shim", &s, e);
	if (ret)
		return ret;
	l->pl.shim_base = s.minimum_address_used;
	l->pl.shim_entry = s.entrypoint;
	l->pl.next = s.next_available_address;
	return 0;
}

static int place_regions(struct importer *imp, const struct paravisor_config *c,
                         struct a64_layout *l, struct err *e)
{
	int ret;

	l->pl.cmdline = l->pl.next;
	ret = paravisor_import_command_line(imp, l->pl.cmdline, c->cmdline, c->policy, e);
	if (ret)
		return ret;
	l->pl.params = l->pl.cmdline + PAGE_SIZE;
	l->pl.param_region = l->pl.params + PAGE_SIZE;
	l->pl.log = l->pl.param_region + PARAVISOR_VTL2_CONFIG_REGION_PAGE_COUNT_MAX * PAGE_SIZE;
	l->pl.heap = l->pl.log + PARAVISOR_LOG_BUFFER_PAGES * PAGE_SIZE;
	l->pl.end_of_image = l->pl.heap + PARAVISOR_HEAP_PAGES * PAGE_SIZE;
	l->pl.pt = l->pl.end_of_image;
	l->pl.next = l->pl.pt + PARAVISOR_ARM64_PAGE_TABLE_PAGES * PAGE_SIZE;
	ret = paravisor_import_log_and_heap(imp, l->pl.log, l->pl.heap, e);
	if (!ret && l->pl.next > l->pl.start + l->pl.size)
		return err_set(e, ENOSPC,
		               "paravisor image needs 0x%llx bytes of VTL2 memory, only 0x%llx "
		               "configured (NotEnoughMemory)",
		               U(l->pl.next - l->pl.start), U(l->pl.size));
	return ret;
}

/* Step 10-12: the identity map of the VTL2 range, and the relocation records. */
static int import_page_tables(struct importer *imp, struct a64_layout *l, struct err *e)
{
	size_t len = PARAVISOR_ARM64_PAGE_TABLE_PAGES * PAGE_SIZE, used = 0;
	uint8_t *space = calloc(1, len);
	int ret;

	if (!space)
		return err_set(e, ENOMEM, "paravisor page tables: out of memory");
	ret = a64_pt_build_identity(l->pl.pt, l->pl.start, l->pl.size, space, len, &used, e);
	l->pl.pt_pages = PARAVISOR_ARM64_PAGE_TABLE_PAGES;
	l->pl.pt_used = (unsigned int)(used / PAGE_SIZE);
	if (!ret && l->pl.relocatable) {
		ret = importer_relocation_region(imp, l->pl.start, l->pl.end_of_image - l->pl.start,
		                                 PARAVISOR_RELOCATION_ALIGNMENT,
		                                 PARAVISOR_DEFAULT_MEMORY_BASE_ADDRESS,
		                                 PARAVISOR_RELOCATION_MAX_GPA, true, false, 0, e);
		if (!ret)
			ret = importer_page_table_relocation(
			    imp, l->pl.pt, PARAVISOR_ARM64_PAGE_TABLE_PAGES, l->pl.pt_used, 0, e);
	}
	if (!ret)
		ret = importer_import_pages(imp, l->pl.pt >> PAGE_SHIFT,
		                            PARAVISOR_ARM64_PAGE_TABLE_PAGES,
		                            "underhill-page-tables", BPA_EXCLUSIVE, space, used, e);
	free(space);
	return ret;
}

static int import_registers(struct importer *imp, const struct a64_layout *l, struct err *e)
{
	const struct a64_register regs[] = {
		{ A64_REG_X0, l->pl.params - l->pl.shim_base },
		{ A64_REG_PC, l->pl.shim_entry },
		{ A64_REG_CPSR, A64_CPSR_EL1H },
		{ A64_REG_SCTLR_EL1, A64_SCTLR_SHIM },
		{ A64_REG_TCR_EL1, A64_TCR_SHIM },
		{ A64_REG_MAIR_EL1, A64_MAIR_SHIM },
		{ A64_REG_TTBR0_EL1, l->pl.pt },
		{ A64_REG_VBAR_EL1, 0 },
	};
	unsigned int i;
	int ret = 0;

	for (i = 0; !ret && i < ARRAY_SIZE(regs); i++)
		ret = importer_import_a64_register(imp, &regs[i], e);
	return ret;
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
	paravisor_fill_shim_params(&l.pl, c, &out->shim_params);
	ret = importer_import_pages(imp, l.pl.params >> PAGE_SHIFT, 1, "underhill-shim-params",
	                            BPA_EXCLUSIVE, &out->shim_params, sizeof(out->shim_params), e);
	/* §2.5 step 9: the VTL0 config right after the shim params. */
	if (!ret)
		ret = paravisor_import_vtl0_config(
		    imp, PARAVISOR_VTL0_MEASURED_CONFIG_BASE_PAGE_AARCH64, c, false, e);
	if (!ret)
		ret = import_page_tables(imp, &l, e);
	if (!ret)
		ret = import_registers(imp, &l, e);
	if (!ret)
		ret = paravisor_create_parameter_areas(imp, l.pl.param_region, e);
	if (!ret)
		ret = paravisor_import_vtl2_config(imp, l.pl.param_region, e);
	if (!ret)
		paravisor_fill_info(&l.pl, out);
	return ret;
}
