// SPDX-License-Identifier: MIT
/* The parts of the OpenHCL layout x64 and arm64 build the same way (LOADER-SPEC §2.4/§2.5). */
#include "paravisor.h"

#include <errno.h>
#include <string.h>

#include "lib/crc32.h"

int paravisor_import_command_line(struct importer *imp, gpa_t gpa, const char *cmdline,
                                  enum paravisor_command_line_policy policy, struct err *e)
{
	struct paravisor_command_line page;
	size_t len = cmdline ? strlen(cmdline) : 0;

	if (len > PARAVISOR_COMMAND_LINE_SIZE)
		return err_set(e, E2BIG,
		               "paravisor command line is %zu bytes, the static command line holds "
		               "at most %d (CommandLineSize)",
		               len, PARAVISOR_COMMAND_LINE_SIZE);
	memset(&page, 0, sizeof(page));
	page.policy = (uint16_t)policy;
	page.static_command_line_len = (uint16_t)len;
	memcpy(page.static_command_line, cmdline ? cmdline : "", len);
	return importer_import_pages(imp, gpa >> PAGE_SHIFT, 1, "underhill-command-line",
	                             BPA_EXCLUSIVE, &page, sizeof(page), e);
}

int paravisor_import_log_and_heap(struct importer *imp, gpa_t log, gpa_t heap, struct err *e)
{
	int ret = importer_import_pages(imp, log >> PAGE_SHIFT, PARAVISOR_LOG_BUFFER_PAGES,
	                                "ohcl-boot-shim-log-buffer", BPA_EXCLUSIVE, NULL, 0, e);

	if (ret)
		return ret;
	return importer_import_pages(imp, heap >> PAGE_SHIFT, PARAVISOR_HEAP_PAGES,
	                             "ohcl-boot-shim-heap", BPA_EXCLUSIVE, NULL, 0, e);
}

int paravisor_create_parameter_areas(struct importer *imp, gpa_t param_region, struct err *e)
{
	static const struct {
		uint32_t page_index, pages;
		const char *tag;
		enum igvm_parameter_type type;
	} areas[] = {
		{ PARAVISOR_CONFIG_SLIT_PAGE_INDEX, PARAVISOR_CONFIG_SLIT_SIZE_PAGES,
		  "underhill-slit", IGVM_PARAM_SLIT },
		{ PARAVISOR_CONFIG_PPTT_PAGE_INDEX, PARAVISOR_CONFIG_PPTT_SIZE_PAGES,
		  "underhill-pptt", IGVM_PARAM_PPTT },
		{ PARAVISOR_CONFIG_DEVICE_TREE_PAGE_INDEX, PARAVISOR_CONFIG_DEVICE_TREE_SIZE_PAGES,
		  "underhill-device-tree", IGVM_PARAM_DEVICE_TREE },
	};
	struct parameter_area_index idx;
	uint64_t base = param_region >> PAGE_SHIFT;
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(areas); i++) {
		ret = importer_create_parameter_area(imp, base + areas[i].page_index,
		                                     areas[i].pages, areas[i].tag, &idx, e);
		if (!ret)
			ret = importer_import_parameter(imp, idx, 0, areas[i].type, e);
		if (ret)
			return ret;
	}
	return 0;
}

static int fill_vtl0_linux(struct importer *imp, uint64_t cmdline_page,
                           const struct paravisor_vtl0_linux *l,
                           struct paravisor_measured_vtl0_config *mc, struct err *e)
{
	const char *cmdline = l->cmdline ? l->cmdline : "";
	size_t len = strlen(cmdline) + 1;

	if (!is_aligned(l->initrd_gpa, PAGE_SIZE))
		return err_set(e, EINVAL,
		               "VTL0 initrd at 0x%llx is not page aligned (MemoryUnaligned)",
		               (unsigned long long)l->initrd_gpa);
	if (len > PAGE_SIZE)
		return err_set(e, E2BIG,
		               "VTL0 command line is %zu bytes, at most %llu fit its page", len - 1,
		               (unsigned long long)PAGE_SIZE - 1);
	mc->supported_vtl0 |= VTL0_LINUX_DIRECT_SUPPORTED;
	mc->linux_info.kernel_region = (struct page_region_descriptor){ l->kernel_gpa >> PAGE_SHIFT,
		                                                        pages_for(l->kernel_size) };
	mc->linux_info.kernel_entrypoint = l->entry;
	if (l->initrd_size)
		mc->linux_info.initrd_region =
		    (struct page_region_descriptor){ l->initrd_gpa >> PAGE_SHIFT,
			                             pages_for(l->initrd_size) };
	mc->linux_info.initrd_size = l->initrd_size;
	mc->linux_info.command_line = (struct page_region_descriptor){ cmdline_page, 1 };
	return importer_import_pages(imp, cmdline_page, 1, "underhill-vtl0-linux-command-line",
	                             BPA_EXCLUSIVE, cmdline, len, e);
}

int paravisor_import_vtl0_config(struct importer *imp, uint64_t config_page,
                                 const struct paravisor_config *c, bool record_linux, struct err *e)
{
	struct paravisor_measured_vtl0_config mc;
	int ret;

	memset(&mc, 0, sizeof(mc));
	mc.magic = PARAVISOR_MEASURED_VTL0_CONFIG_MAGIC;
	if (c->vtl0_pcat)
		mc.supported_vtl0 |= VTL0_PCAT_SUPPORTED;
	if (c->vtl0_linux && record_linux) {
		ret = fill_vtl0_linux(imp, config_page + 1, c->vtl0_linux, &mc, e);
		if (ret)
			return ret;
	}
	return importer_import_pages(imp, config_page, 1, "underhill-measured-config",
	                             BPA_EXCLUSIVE, &mc, sizeof(mc), e);
}

int paravisor_import_vtl2_config(struct importer *imp, gpa_t param_region, struct err *e)
{
	struct isolation_config iso = importer_isolation_config(imp);
	struct paravisor_measured_vtl2_config mc;
	uint64_t base = param_region >> PAGE_SHIFT;
	int ret;

	memset(&mc, 0, sizeof(mc));
	mc.magic = PARAVISOR_MEASURED_VTL2_CONFIG_MAGIC;
	mc.vtom_offset_bit = iso.has_shared_gpa_boundary ? iso.shared_gpa_boundary_bits : 0;
	ret = importer_import_pages(imp, base + PARAVISOR_MEASURED_VTL2_CONFIG_PAGE_INDEX, 1,
	                            "underhill-vtl2-measured-config", BPA_EXCLUSIVE, &mc,
	                            sizeof(mc), e);
	if (ret)
		return ret;
	importer_set_imported_regions_config_page(
	    imp, base + PARAVISOR_MEASURED_VTL2_CONFIG_ACCEPTED_MEMORY_PAGE_INDEX);
	return 0;
}

void paravisor_fill_shim_params(const struct paravisor_layout *l, const struct paravisor_config *c,
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

void paravisor_fill_info(const struct paravisor_layout *l, struct paravisor_info *out)
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
	out->page_table_pages = l->pt_pages;
	out->page_table_pages_used = l->pt_used;
	out->used_end = l->next;
	out->relocatable = l->relocatable;
}
