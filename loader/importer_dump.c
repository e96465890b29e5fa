// SPDX-License-Identifier: MIT
#include "importer_dump.h"

#define U(x) ((unsigned long long)(x))

static void dump_ranges(FILE *out, const struct record_importer *ri)
{
	const struct importer *imp = &ri->base;
	size_t i;

	fprintf(out, "imported ranges (address order):\n");
	fprintf(out, "  %-18s %-18s %8s %-20s %-8s %4s %s\n", "start", "end", "pages", "acceptance",
	        "crc32", "seq", "tag");
	for (i = 0; i < imp->nr_ranges; i++) {
		const struct importer_range *r = &imp->ranges[i];
		const struct record_write *w = record_importer_find(ri, r->page_base << PAGE_SHIFT);

		fprintf(out, "  0x%016llx 0x%016llx %8llu %-20s %08x %4u %s%s\n",
		        U(r->page_base << PAGE_SHIFT),
		        U((r->page_base + r->page_count) << PAGE_SHIFT), U(r->page_count),
		        boot_page_acceptance_str(r->acceptance), w ? w->crc32 : 0, r->seq, r->tag,
		        r->parameter_area ? " (parameter area)" : "");
	}
}

static void dump_parameters(FILE *out, const struct importer *imp)
{
	size_t i;

	fprintf(out, "parameter areas:%s\n", imp->nr_areas ? "" : " none");
	for (i = 0; i < imp->nr_areas; i++)
		fprintf(out, "  #%zu 0x%llx %u pages %s%s\n", i,
		        U(imp->areas[i].page_base << PAGE_SHIFT), imp->areas[i].page_count,
		        imp->areas[i].tag, imp->areas[i].initial_len ? " (with initial data)" : "");
	for (i = 0; i < imp->nr_params; i++)
		fprintf(out, "  parameter %s -> area #%u + 0x%x\n",
		        igvm_parameter_type_str(imp->params[i].type), imp->params[i].area.index,
		        imp->params[i].byte_offset);
	for (i = 0; i < imp->nr_relocs; i++)
		fprintf(out,
		        "  relocatable [0x%llx, 0x%llx) align 0x%llx within [0x%llx, 0x%llx]%s%s\n",
		        U(imp->relocs[i].gpa), U(imp->relocs[i].gpa + imp->relocs[i].size),
		        U(imp->relocs[i].alignment), U(imp->relocs[i].min_gpa),
		        U(imp->relocs[i].max_gpa), imp->relocs[i].apply_rip_offset ? " +rip" : "",
		        imp->relocs[i].apply_gdtr_offset ? " +gdtr" : "");
	if (imp->has_pt_reloc)
		fprintf(out, "  page tables 0x%llx: %llu of %llu pages used\n",
		        U(imp->pt_reloc.gpa), U(imp->pt_reloc.used_pages),
		        U(imp->pt_reloc.size_pages));
	if (imp->has_vp_context_page)
		fprintf(out, "  vp context page 0x%llx\n", U(imp->vp_context_page << PAGE_SHIFT));
	if (imp->has_imported_regions_page)
		fprintf(out, "  imported-regions page 0x%llx\n",
		        U(imp->imported_regions_page << PAGE_SHIFT));
}

void importer_format_register(char *buf, size_t len, const struct importer *imp, size_t index)
{
	const union importer_reg *r = &imp->regs[index];

	if (imp->arch == GUEST_ARCH_AARCH64) {
		snprintf(buf, len, "%-17s 0x%llx", a64_reg_name_str(r->a64.name), U(r->a64.value));
		return;
	}
	switch (x86_reg_kind(r->x86.name)) {
	case X86_REG_KIND_TABLE:
		snprintf(buf, len, "%-17s base=0x%llx limit=0x%x", x86_reg_name_str(r->x86.name),
		         U(r->x86.table.base), r->x86.table.limit);
		break;
	case X86_REG_KIND_SEGMENT:
		snprintf(buf, len, "%-17s selector=0x%x base=0x%llx limit=0x%x attributes=0x%04x",
		         x86_reg_name_str(r->x86.name), r->x86.seg.selector, U(r->x86.seg.base),
		         r->x86.seg.limit, r->x86.seg.attributes);
		break;
	case X86_REG_KIND_U64:
		snprintf(buf, len, "%-17s 0x%llx", x86_reg_name_str(r->x86.name), U(r->x86.value));
		break;
	}
}

void record_importer_dump(FILE *out, const struct record_importer *ri)
{
	const struct importer *imp = &ri->base;
	char line[160];
	size_t i;

	dump_ranges(out, ri);
	dump_parameters(out, imp);
	fprintf(out, "registers (boot processor, import order):\n");
	for (i = 0; i < imp->nr_regs; i++) {
		importer_format_register(line, sizeof(line), imp, i);
		fprintf(out, "  %s\n", line);
	}
}
