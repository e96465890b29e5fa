// SPDX-License-Identifier: MIT
#include "replay.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arch/x86_64/pt_relocate.h"

#define U(x) ((unsigned long long)(x))

int relocation_plan_make(const struct importer *src, gpa_t new_base, struct relocation_plan *out,
                         struct err *e)
{
	const struct importer_reloc_region *r;

	memset(out, 0, sizeof(*out));
	if (src->nr_relocs != 1 || !src->has_pt_reloc)
		return err_set(e, EINVAL,
		               "--relocate: the image declares %zu relocatable regions and %s "
		               "page-table region; exactly one of each is needed",
		               src->nr_relocs, src->has_pt_reloc ? "a" : "no");
	r = &src->relocs[0];
	if (new_base % r->alignment || new_base < r->min_gpa || new_base > r->max_gpa ||
	    r->size > r->max_gpa - new_base)
		return err_set(
		    e, EINVAL,
		    "--relocate 0x%llx: the region (0x%llx bytes) must start on a 0x%llx "
		    "boundary within [0x%llx, 0x%llx]",
		    U(new_base), U(r->size), U(r->alignment), U(r->min_gpa),
		    U(r->max_gpa - r->size));
	if (new_base < r->gpa)
		return err_set(e, EINVAL,
		               "--relocate 0x%llx: moving the image down from 0x%llx is not "
		               "supported (as in OpenVMM)",
		               U(new_base), U(r->gpa));
	if (src->arch != GUEST_ARCH_X86_64)
		return err_set(
		    e, ENOTSUP,
		    "--relocate: arm64 page-table relocation is not implemented (OpenVMM "
		    "has none either); load the image at its own base");
	out->active = new_base != r->gpa;
	out->offset = (int64_t)(new_base - r->gpa);
	out->region = *r;
	out->page_tables = src->pt_reloc;
	return 0;
}

static bool in_span(gpa_t gpa, gpa_t base, uint64_t size)
{
	return gpa >= base && gpa - base < size;
}

static bool in_page_tables(const struct relocation_plan *p, gpa_t gpa)
{
	return p && p->active &&
	       in_span(gpa, p->page_tables.gpa, p->page_tables.size_pages * PAGE_SIZE);
}

gpa_t relocation_apply(const struct relocation_plan *p, gpa_t gpa)
{
	if (!p || !p->active)
		return gpa;
	/* The page tables move with the region (OpenVMM imports them at pt + offset). */
	if (in_span(gpa, p->region.gpa, p->region.size) || in_page_tables(p, gpa))
		return gpa + (uint64_t)p->offset;
	return gpa;
}

/* Every write that is not a parameter area, in the order it was imported. */
static int replay_pages(const struct record_importer *src, struct importer *dst,
                        const struct relocation_plan *p, struct err *e)
{
	size_t i;
	int ret;

	for (i = 0; i < src->nr_writes; i++) {
		const struct record_write *w = &src->writes[i];
		const struct importer_range *r = importer_find_range(&src->base, w->gpa);

		if (!r || r->parameter_area || in_page_tables(p, w->gpa))
			continue;
		if (r->acceptance == BPA_VP_CONTEXT)
			ret = importer_set_vp_context_page(
			    dst, relocation_apply(p, w->gpa) >> PAGE_SHIFT, e);
		else
			ret = importer_import_pages_at(
			    dst, relocation_apply(p, w->gpa) >> PAGE_SHIFT, w->len >> PAGE_SHIFT,
			    r->tag, r->acceptance, w->data_off, w->data, w->data_len, e);
		if (ret)
			return err_prefix(e, "replaying '%s'", r->tag);
	}
	return 0;
}

static int replay_parameters(const struct record_importer *src, struct importer *dst,
                             const struct relocation_plan *p, struct err *e)
{
	struct parameter_area_index idx;
	size_t i;
	int ret;

	for (i = 0; i < src->base.nr_areas; i++) {
		const struct importer_param_area *a = &src->base.areas[i];

		ret = importer_create_parameter_area_with_data(
		    dst, relocation_apply(p, a->page_base << PAGE_SHIFT) >> PAGE_SHIFT,
		    a->page_count, a->tag, a->initial_data, a->initial_len, &idx, e);
		if (ret)
			return ret;
	}
	for (i = 0; i < src->base.nr_params; i++) {
		const struct importer_param *pr = &src->base.params[i];

		ret = importer_import_parameter(dst, pr->area, pr->byte_offset, pr->type, e);
		if (ret)
			return ret;
	}
	return 0;
}

/* §5.7: rebuild the page tables for the moved region, import them where they now live. */
static int replay_page_tables(const struct record_importer *src, struct importer *dst,
                              const struct relocation_plan *p, struct err *e)
{
	const struct x86_register *cr3 = importer_find_x86_register(&src->base, X86_REG_CR3);
	const struct x86_register *cr4 = importer_find_x86_register(&src->base, X86_REG_CR4);
	const struct importer_range *r = importer_find_range(&src->base, p->page_tables.gpa);
	struct x86_pt_reloc_range moved = { p->region.gpa, p->region.size, p->offset };
	size_t region = p->page_tables.size_pages * PAGE_SIZE, used, out_len = 0;
	uint64_t *tables = NULL, *out = NULL;
	int ret;

	if (!cr3 || !cr4 || !r)
		return err_set(e, EINVAL, "relocation needs CR3, CR4 and the page tables imported");
	used = p->page_tables.used_pages * PAGE_SIZE;
	tables = calloc(1, used ? used : PAGE_SIZE);
	out = calloc(1, region);
	if (!tables || !out) {
		ret = err_set(e, ENOMEM, "page-table relocation: out of memory");
		goto out;
	}
	ret = record_importer_read(src, p->page_tables.gpa, tables, used, e);
	if (!ret)
		ret = x86_pt_relocate(tables, used, region, p->page_tables.gpa, p->offset,
		                      cr3->value, cr4->value, &moved, 1, out, &out_len, e);
	if (!ret)
		ret = importer_import_pages(
		    dst, (p->page_tables.gpa + (uint64_t)p->offset) >> PAGE_SHIFT,
		    p->page_tables.size_pages, r->tag, r->acceptance, out, out_len, e);
out:
	free(tables);
	free(out);
	return ret;
}

/* RIP and GDTR follow the region when it says so; CR3 follows the page tables. */
static struct x86_register relocate_x86_register(const struct relocation_plan *p,
                                                 struct x86_register r)
{
	if (!p || !p->active)
		return r;
	if (r.name == X86_REG_RIP && p->region.apply_rip_offset)
		r.value = relocation_apply(p, r.value);
	else if (r.name == X86_REG_GDTR && p->region.apply_gdtr_offset)
		r.table.base = relocation_apply(p, r.table.base);
	else if (r.name == X86_REG_CR3)
		r.value = relocation_apply(p, r.value);
	return r;
}

static int replay_registers(const struct record_importer *src, struct importer *dst,
                            const struct relocation_plan *p, struct err *e)
{
	size_t i;
	int ret = 0;

	for (i = 0; !ret && i < src->base.nr_regs; i++) {
		if (src->base.arch == GUEST_ARCH_X86_64) {
			struct x86_register r = relocate_x86_register(p, src->base.regs[i].x86);

			ret = importer_import_x86_register(dst, &r, e);
		} else {
			ret = importer_import_a64_register(dst, &src->base.regs[i].a64, e);
		}
	}
	return ret;
}

int importer_replay(const struct record_importer *src, struct importer *dst,
                    const struct relocation_plan *plan, struct err *e)
{
	int ret;

	dst->isolation = src->base.isolation;
	dst->max_vtl = src->base.max_vtl;
	ret = replay_pages(src, dst, plan, e);
	if (!ret && plan && plan->active)
		ret = replay_page_tables(src, dst, plan, e);
	if (!ret)
		ret = replay_parameters(src, dst, plan, e);
	if (!ret)
		ret = replay_registers(src, dst, plan, e);
	if (!ret && src->base.has_imported_regions_page)
		importer_set_imported_regions_config_page(
		    dst, relocation_apply(plan, src->base.imported_regions_page << PAGE_SHIFT) >>
		             PAGE_SHIFT);
	return ret;
}
