// SPDX-License-Identifier: MIT
/*
 * The importer rules, enforced once for every backend (see importer.h).
 */
#include "importer.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "loader/image_file.h"

#define MAX_PAGE_BASE (UINT64_MAX >> PAGE_SHIFT)

/* Grows a dynamic array by one element; returns NULL when out of memory. */
static void *grow(void **arr, size_t *nr, size_t *cap, size_t elem)
{
	if (*nr == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		void *n = realloc(*arr, ncap * elem);

		if (!n)
			return NULL;
		*arr = n;
		*cap = ncap;
	}
	return (char *)*arr + (*nr)++ * elem;
}

void importer_init(struct importer *imp, const struct importer_ops *ops, enum guest_arch arch,
                   const struct mem_range *ram, unsigned int nr_ram)
{
	memset(imp, 0, sizeof(*imp));
	imp->ops = ops;
	imp->arch = arch;
	if (nr_ram > IMPORTER_MAX_RAM_RANGES)
		nr_ram = IMPORTER_MAX_RAM_RANGES;
	memcpy(imp->ram, ram, nr_ram * sizeof(*ram));
	imp->nr_ram = nr_ram;
}

void importer_destroy(struct importer *imp)
{
	size_t i;

	if (imp->ops && imp->ops->destroy)
		imp->ops->destroy(imp);
	for (i = 0; i < imp->nr_areas; i++)
		free(imp->areas[i].initial_data);
	free(imp->ranges);
	free(imp->regs);
	free(imp->areas);
	free(imp->params);
	free(imp->relocs);
	memset(imp, 0, sizeof(*imp));
}

struct isolation_config importer_isolation_config(const struct importer *imp)
{
	return imp->isolation;
}

struct cpuid_result isolation_config_cpuid(const struct isolation_config *c)
{
	struct cpuid_result r = { 0 };

	r.eax = c->paravisor_present ? 1 : 0;
	r.ebx = (uint32_t)c->isolation_type & 0xf;
	if (c->has_shared_gpa_boundary)
		r.ebx |= (1u << 5) | ((uint32_t)(c->shared_gpa_boundary_bits & 0x3f) << 6);
	return r;
}

/* ---- range bookkeeping -------------------------------------------------- */

static int check_page_range(uint64_t page_base, uint64_t page_count, const char *tag, struct err *e)
{
	if (page_count == 0)
		return err_set(e, EINVAL, "import '%s' at page 0x%llx: page count is 0", tag,
		               (unsigned long long)page_base);
	if (page_base > MAX_PAGE_BASE || page_count > MAX_PAGE_BASE - page_base)
		return err_set(e, EOVERFLOW,
		               "import '%s': page 0x%llx + %llu pages overflows the address space",
		               tag, (unsigned long long)page_base, (unsigned long long)page_count);
	return 0;
}

static bool range_in(const struct mem_range *r, uint64_t start, uint64_t end)
{
	return r->start < r->end && start >= r->start && end <= r->end;
}

static bool in_startup_memory(const struct importer *imp, uint64_t start, uint64_t end,
                              bool allow_vtl2)
{
	unsigned int i;

	for (i = 0; i < imp->nr_ram; i++)
		if (range_in(&imp->ram[i], start, end))
			return true;
	return allow_vtl2 && range_in(&imp->vtl2_ram, start, end);
}

/* Index of the first range whose end is above page_base. */
static size_t range_lower_bound(const struct importer *imp, uint64_t page_base)
{
	size_t lo = 0, hi = imp->nr_ranges;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct importer_range *r = &imp->ranges[mid];

		if (r->page_base + r->page_count <= page_base)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int record_range(struct importer *imp, uint64_t page_base, uint64_t page_count,
                        const char *tag, enum boot_page_acceptance acc, bool param_area,
                        struct err *e)
{
	uint64_t start = page_base << PAGE_SHIFT, end = (page_base + page_count) << PAGE_SHIFT;
	size_t pos = range_lower_bound(imp, page_base);
	struct importer_range *r;

	if (pos < imp->nr_ranges && imp->ranges[pos].page_base < page_base + page_count) {
		const struct importer_range *o = &imp->ranges[pos];

		return err_set(e, EEXIST,
		               "import '%s' [0x%llx, 0x%llx) overlaps earlier import '%s' "
		               "[0x%llx, 0x%llx)",
		               tag, (unsigned long long)start, (unsigned long long)end, o->tag,
		               (unsigned long long)(o->page_base << PAGE_SHIFT),
		               (unsigned long long)((o->page_base + o->page_count) << PAGE_SHIFT));
	}
	if (!in_startup_memory(imp, start, end, true))
		return err_set(e, ERANGE, "import '%s' [0x%llx, 0x%llx) lies outside guest RAM",
		               tag, (unsigned long long)start, (unsigned long long)end);
	if (!grow((void **)&imp->ranges, &imp->nr_ranges, &imp->cap_ranges, sizeof(*r)))
		return err_set(e, ENOMEM, "import '%s': out of memory", tag);
	memmove(&imp->ranges[pos + 1], &imp->ranges[pos], (imp->nr_ranges - 1 - pos) * sizeof(*r));
	r = &imp->ranges[pos];
	*r = (struct importer_range){ .page_base = page_base,
		                      .page_count = page_count,
		                      .tag = tag,
		                      .acceptance = acc,
		                      .seq = imp->next_seq++,
		                      .parameter_area = param_area };
	return 0;
}

const struct importer_range *importer_find_range(const struct importer *imp, gpa_t gpa)
{
	uint64_t page = gpa >> PAGE_SHIFT;
	size_t pos = range_lower_bound(imp, page);

	if (pos < imp->nr_ranges && imp->ranges[pos].page_base <= page)
		return &imp->ranges[pos];
	return NULL;
}

/* ---- ImageLoad methods ------------------------------------------------- */

/* Where an import's bytes come from: memory, or a file the backend may read itself. */
struct import_src {
	const void *data;
	const struct image_file *file; /* NULL: data only */
	uint64_t file_off;
};

/* import_pages with the data starting data_off bytes into the first page. */
static int import_checked_src(struct importer *imp, uint64_t page_base, uint64_t page_count,
                              const char *tag, enum boot_page_acceptance acceptance,
                              uint64_t data_off, const struct import_src *src, uint64_t data_len,
                              struct err *e)
{
	int ret = check_page_range(page_base, page_count, tag, e);

	if (ret)
		return ret;
	if (data_len > page_count * PAGE_SIZE - data_off)
		return err_set(e, EINVAL,
		               "import '%s' at 0x%llx: %llu bytes of data exceed %llu pages "
		               "(%llu bytes)",
		               tag, (unsigned long long)((page_base << PAGE_SHIFT) + data_off),
		               (unsigned long long)data_len, (unsigned long long)page_count,
		               (unsigned long long)(page_count * PAGE_SIZE - data_off));
	ret = record_range(imp, page_base, page_count, tag, acceptance, false, e);
	if (ret)
		return ret;
	if (src->file && src->file->has_fd && imp->ops->write_file && data_len)
		return imp->ops->write_file(
		    imp, page_base << PAGE_SHIFT, page_count * PAGE_SIZE, data_off, src->file->fd,
		    src->file->fd_off + src->file_off, src->file->name, data_len, e);
	return imp->ops->write(imp, page_base << PAGE_SHIFT, page_count * PAGE_SIZE, data_off,
	                       src->data, data_len, e);
}

static int import_checked(struct importer *imp, uint64_t page_base, uint64_t page_count,
                          const char *tag, enum boot_page_acceptance acceptance, uint64_t data_off,
                          const void *data, uint64_t data_len, struct err *e)
{
	const struct import_src src = { .data = data };

	return import_checked_src(imp, page_base, page_count, tag, acceptance, data_off, &src,
	                          data_len, e);
}

int importer_import_pages_at(struct importer *imp, uint64_t page_base, uint64_t page_count,
                             const char *debug_tag, enum boot_page_acceptance acceptance,
                             uint64_t data_off, const void *data, uint64_t data_len, struct err *e)
{
	if (data_off >= PAGE_SIZE)
		return err_set(e, EINVAL,
		               "import '%s': data offset 0x%llx is not inside the first page",
		               debug_tag, (unsigned long long)data_off);
	return import_checked(imp, page_base, page_count, debug_tag, acceptance, data_off, data,
	                      data_len, e);
}

int importer_fill_parameter_area(struct importer *imp, uint32_t index, const void *data, size_t len,
                                 struct err *e)
{
	const struct importer_param_area *a;

	if (index >= imp->nr_areas)
		return err_set(e, EINVAL, "parameter area %u does not exist (%zu areas)", index,
		               imp->nr_areas);
	a = &imp->areas[index];
	if (len > (uint64_t)a->page_count * PAGE_SIZE)
		return err_set(e, E2BIG,
		               "parameter area '%s': %zu bytes of host data exceed its %u pages "
		               "(ParameterTooLarge)",
		               a->tag, len, a->page_count);
	return imp->ops->write(imp, a->page_base << PAGE_SHIFT, (uint64_t)a->page_count * PAGE_SIZE,
	                       0, data, len, e);
}

int importer_import_pages(struct importer *imp, uint64_t page_base, uint64_t page_count,
                          const char *debug_tag, enum boot_page_acceptance acceptance,
                          const void *data, size_t data_len, struct err *e)
{
	return import_checked(imp, page_base, page_count, debug_tag, acceptance, 0, data, data_len,
	                      e);
}

static int create_area(struct importer *imp, uint64_t page_base, uint32_t page_count,
                       const char *tag, const void *data, size_t len,
                       struct parameter_area_index *out, struct err *e)
{
	struct importer_param_area *a;
	int ret = check_page_range(page_base, page_count, tag, e);

	if (ret)
		return ret;
	if (len > (uint64_t)page_count * PAGE_SIZE)
		return err_set(e, EINVAL,
		               "parameter area '%s': %zu bytes of initial data exceed %u pages",
		               tag, len, page_count);
	ret = record_range(imp, page_base, page_count, tag, BPA_EXCLUSIVE_UNMEASURED, true, e);
	if (ret)
		return ret;
	a = grow((void **)&imp->areas, &imp->nr_areas, &imp->cap_areas, sizeof(*a));
	if (!a)
		return err_set(e, ENOMEM, "parameter area '%s': out of memory", tag);
	*a = (struct importer_param_area){ .page_base = page_base,
		                           .page_count = page_count,
		                           .tag = tag };
	if (len) {
		a->initial_data = malloc(len);
		if (!a->initial_data)
			return err_set(e, ENOMEM, "parameter area '%s': out of memory", tag);
		memcpy(a->initial_data, data, len);
		a->initial_len = len;
	}
	out->index = (uint32_t)(imp->nr_areas - 1);
	/* The backend sees the area like any import: initial data, zeros after. */
	return imp->ops->write(imp, page_base << PAGE_SHIFT, (uint64_t)page_count * PAGE_SIZE, 0,
	                       data, len, e);
}

int importer_create_parameter_area(struct importer *imp, uint64_t page_base, uint32_t page_count,
                                   const char *debug_tag, struct parameter_area_index *out,
                                   struct err *e)
{
	return create_area(imp, page_base, page_count, debug_tag, NULL, 0, out, e);
}

int importer_create_parameter_area_with_data(struct importer *imp, uint64_t page_base,
                                             uint32_t page_count, const char *debug_tag,
                                             const void *initial_data, size_t len,
                                             struct parameter_area_index *out, struct err *e)
{
	return create_area(imp, page_base, page_count, debug_tag, initial_data, len, out, e);
}

int importer_import_parameter(struct importer *imp, struct parameter_area_index area,
                              uint32_t byte_offset, enum igvm_parameter_type type, struct err *e)
{
	struct importer_param *p;

	if (area.index >= imp->nr_areas)
		return err_set(e, EINVAL, "parameter %s: area index %u out of range (%zu areas)",
		               igvm_parameter_type_str(type), area.index, imp->nr_areas);
	if ((uint64_t)byte_offset >= (uint64_t)imp->areas[area.index].page_count * PAGE_SIZE)
		return err_set(e, EINVAL,
		               "parameter %s: byte offset 0x%x is past the end of area '%s' "
		               "(%u pages)",
		               igvm_parameter_type_str(type), byte_offset,
		               imp->areas[area.index].tag, imp->areas[area.index].page_count);
	p = grow((void **)&imp->params, &imp->nr_params, &imp->cap_params, sizeof(*p));
	if (!p)
		return err_set(e, ENOMEM, "parameter: out of memory");
	*p = (struct importer_param){ .area = area, .byte_offset = byte_offset, .type = type };
	return 0;
}

static int add_register(struct importer *imp, const union importer_reg *reg, struct err *e)
{
	union importer_reg *slot;

	slot = grow((void **)&imp->regs, &imp->nr_regs, &imp->cap_regs, sizeof(*slot));
	if (!slot)
		return err_set(e, ENOMEM, "register import: out of memory");
	*slot = *reg;
	return 0;
}

int importer_import_x86_register(struct importer *imp, const struct x86_register *reg,
                                 struct err *e)
{
	union importer_reg r = { .x86 = *reg };

	if (imp->arch != GUEST_ARCH_X86_64)
		return err_set(e, EINVAL, "register %s: x86 register imported into an arm64 guest",
		               x86_reg_name_str(reg->name));
	if ((unsigned int)reg->name >= X86_REG_COUNT)
		return err_set(e, EINVAL, "x86 register %u does not exist",
		               (unsigned int)reg->name);
	if (importer_find_x86_register(imp, reg->name))
		return err_set(e, EEXIST, "register %s imported twice",
		               x86_reg_name_str(reg->name));
	return add_register(imp, &r, e);
}

int importer_import_a64_register(struct importer *imp, const struct a64_register *reg,
                                 struct err *e)
{
	union importer_reg r = { .a64 = *reg };

	if (imp->arch != GUEST_ARCH_AARCH64)
		return err_set(e, EINVAL, "register %s: arm64 register imported into an x86 guest",
		               a64_reg_name_str(reg->name));
	if ((unsigned int)reg->name >= A64_REG_COUNT)
		return err_set(e, EINVAL, "arm64 register %u does not exist",
		               (unsigned int)reg->name);
	if (importer_find_a64_register(imp, reg->name))
		return err_set(e, EEXIST, "register %s imported twice",
		               a64_reg_name_str(reg->name));
	return add_register(imp, &r, e);
}

int importer_import_x86_u64(struct importer *imp, enum x86_reg_name name, uint64_t value,
                            struct err *e)
{
	struct x86_register r = { .name = name, .value = value };

	return importer_import_x86_register(imp, &r, e);
}

const struct x86_register *importer_find_x86_register(const struct importer *imp,
                                                      enum x86_reg_name name)
{
	size_t i;

	if (imp->arch != GUEST_ARCH_X86_64)
		return NULL;
	for (i = 0; i < imp->nr_regs; i++)
		if (imp->regs[i].x86.name == name)
			return &imp->regs[i].x86;
	return NULL;
}

const struct a64_register *importer_find_a64_register(const struct importer *imp,
                                                      enum a64_reg_name name)
{
	size_t i;

	if (imp->arch != GUEST_ARCH_AARCH64)
		return NULL;
	for (i = 0; i < imp->nr_regs; i++)
		if (imp->regs[i].a64.name == name)
			return &imp->regs[i].a64;
	return NULL;
}

int importer_verify_startup_memory_available(struct importer *imp, uint64_t page_base,
                                             uint64_t page_count, enum startup_memory_type type,
                                             struct err *e)
{
	bool vtl2 = type == SMT_VTL2_PROTECTABLE_RAM;
	int ret = check_page_range(page_base, page_count, "startup memory", e);

	if (ret)
		return ret;
	if (vtl2 && imp->max_vtl != 2)
		return err_set(e, EINVAL,
		               "startup memory at 0x%llx: VTL2-protectable RAM requested but no "
		               "VTL2 is being loaded",
		               (unsigned long long)(page_base << PAGE_SHIFT));
	if (!in_startup_memory(imp, page_base << PAGE_SHIFT, (page_base + page_count) << PAGE_SHIFT,
	                       vtl2))
		return err_set(e, ERANGE,
		               "startup memory [0x%llx, 0x%llx) (%llu pages) is not inside one "
		               "guest RAM range",
		               (unsigned long long)(page_base << PAGE_SHIFT),
		               (unsigned long long)((page_base + page_count) << PAGE_SHIFT),
		               (unsigned long long)page_count);
	return 0;
}

int importer_set_vp_context_page(struct importer *imp, uint64_t page_base, struct err *e)
{
	int ret;

	if (imp->has_vp_context_page)
		return err_set(e, EEXIST, "VP context page set twice (0x%llx, then 0x%llx)",
		               (unsigned long long)(imp->vp_context_page << PAGE_SHIFT),
		               (unsigned long long)(page_base << PAGE_SHIFT));
	ret = importer_import_pages(imp, page_base, 1, "vp-context", BPA_VP_CONTEXT, NULL, 0, e);
	if (ret)
		return ret;
	imp->has_vp_context_page = true;
	imp->vp_context_page = page_base;
	return 0;
}

static bool spans_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

int importer_relocation_region(struct importer *imp, uint64_t gpa, uint64_t size_bytes,
                               uint64_t relocation_alignment, uint64_t minimum_relocation_gpa,
                               uint64_t maximum_relocation_gpa, bool apply_rip_offset,
                               bool apply_gdtr_offset, uint16_t vp_index, struct err *e)
{
	struct importer_reloc_region *r;
	uint64_t end;
	size_t i;

	if (!size_bytes || !is_aligned(size_bytes, PAGE_SIZE) || !relocation_alignment ||
	    !is_aligned(relocation_alignment, PAGE_SIZE))
		return err_set(e, EINVAL,
		               "relocation region 0x%llx: size 0x%llx and alignment 0x%llx must "
		               "be non-zero multiples of 4 KiB",
		               (unsigned long long)gpa, (unsigned long long)size_bytes,
		               (unsigned long long)relocation_alignment);
	if (gpa % relocation_alignment || minimum_relocation_gpa % relocation_alignment ||
	    maximum_relocation_gpa % relocation_alignment)
		return err_set(e, EINVAL,
		               "relocation region 0x%llx: gpa, minimum 0x%llx and maximum 0x%llx "
		               "must be multiples of the alignment 0x%llx",
		               (unsigned long long)gpa, (unsigned long long)minimum_relocation_gpa,
		               (unsigned long long)maximum_relocation_gpa,
		               (unsigned long long)relocation_alignment);
	if (!add_checked(gpa, size_bytes, &end) || minimum_relocation_gpa > maximum_relocation_gpa)
		return err_set(e, EINVAL,
		               "relocation region 0x%llx + 0x%llx: bad range (minimum 0x%llx, "
		               "maximum 0x%llx)",
		               (unsigned long long)gpa, (unsigned long long)size_bytes,
		               (unsigned long long)minimum_relocation_gpa,
		               (unsigned long long)maximum_relocation_gpa);
	for (i = 0; i < imp->nr_relocs; i++)
		if (spans_overlap(gpa, size_bytes, imp->relocs[i].gpa, imp->relocs[i].size))
			return err_set(
			    e, EEXIST,
			    "relocation region [0x%llx, 0x%llx) overlaps relocation "
			    "region [0x%llx, 0x%llx)",
			    (unsigned long long)gpa, (unsigned long long)end,
			    (unsigned long long)imp->relocs[i].gpa,
			    (unsigned long long)(imp->relocs[i].gpa + imp->relocs[i].size));
	if (imp->has_pt_reloc &&
	    spans_overlap(gpa, size_bytes, imp->pt_reloc.gpa, imp->pt_reloc.size_pages * PAGE_SIZE))
		return err_set(e, EEXIST,
		               "relocation region [0x%llx, 0x%llx) overlaps the page-table region "
		               "at 0x%llx",
		               (unsigned long long)gpa, (unsigned long long)end,
		               (unsigned long long)imp->pt_reloc.gpa);
	r = grow((void **)&imp->relocs, &imp->nr_relocs, &imp->cap_relocs, sizeof(*r));
	if (!r)
		return err_set(e, ENOMEM, "relocation region: out of memory");
	*r = (struct importer_reloc_region){ .gpa = gpa,
		                             .size = size_bytes,
		                             .alignment = relocation_alignment,
		                             .min_gpa = minimum_relocation_gpa,
		                             .max_gpa = maximum_relocation_gpa,
		                             .apply_rip_offset = apply_rip_offset,
		                             .apply_gdtr_offset = apply_gdtr_offset,
		                             .vp_index = vp_index };
	return 0;
}

int importer_page_table_relocation(struct importer *imp, uint64_t page_table_gpa,
                                   uint64_t size_pages, uint64_t used_pages, uint16_t vp_index,
                                   struct err *e)
{
	size_t i;

	if (imp->has_pt_reloc)
		return err_set(
		    e, EEXIST, "page-table relocation region declared twice (0x%llx, then 0x%llx)",
		    (unsigned long long)imp->pt_reloc.gpa, (unsigned long long)page_table_gpa);
	if (!is_aligned(page_table_gpa, PAGE_SIZE) || !size_pages || used_pages > size_pages ||
	    size_pages > MAX_PAGE_BASE - (page_table_gpa >> PAGE_SHIFT))
		return err_set(e, EINVAL,
		               "page-table relocation region 0x%llx: %llu used of %llu pages is "
		               "invalid",
		               (unsigned long long)page_table_gpa, (unsigned long long)used_pages,
		               (unsigned long long)size_pages);
	for (i = 0; i < imp->nr_relocs; i++)
		if (spans_overlap(page_table_gpa, size_pages * PAGE_SIZE, imp->relocs[i].gpa,
		                  imp->relocs[i].size))
			return err_set(
			    e, EEXIST,
			    "page-table region 0x%llx (%llu pages) overlaps relocation "
			    "region [0x%llx, 0x%llx)",
			    (unsigned long long)page_table_gpa, (unsigned long long)size_pages,
			    (unsigned long long)imp->relocs[i].gpa,
			    (unsigned long long)(imp->relocs[i].gpa + imp->relocs[i].size));
	imp->has_pt_reloc = true;
	imp->pt_reloc = (struct importer_pt_reloc){ .gpa = page_table_gpa,
		                                    .size_pages = size_pages,
		                                    .used_pages = used_pages,
		                                    .vp_index = vp_index };
	return 0;
}

void importer_set_imported_regions_config_page(struct importer *imp, uint64_t page_base)
{
	imp->has_imported_regions_page = true;
	imp->imported_regions_page = page_base;
}

/* ---- conveniences ------------------------------------------------------- */

static int import_bytes_src(struct importer *imp, gpa_t gpa, uint64_t mem_len, const char *tag,
                            enum boot_page_acceptance acceptance, const struct import_src *src,
                            uint64_t data_len, struct err *e)
{
	uint64_t lead = gpa & (PAGE_SIZE - 1), total;

	if (data_len > mem_len)
		return err_set(e, EINVAL,
		               "import '%s' at 0x%llx: %llu bytes of data exceed the memory length "
		               "%llu",
		               tag, (unsigned long long)gpa, (unsigned long long)data_len,
		               (unsigned long long)mem_len);
	if (mem_len == 0)
		return 0;
	if (!add_checked(lead, mem_len, &total) || !add_checked(total, PAGE_SIZE - 1, &total))
		return err_set(e, EOVERFLOW, "import '%s' at 0x%llx + 0x%llx overflows", tag,
		               (unsigned long long)gpa, (unsigned long long)mem_len);
	return import_checked_src(imp, gpa >> PAGE_SHIFT, total >> PAGE_SHIFT, tag, acceptance,
	                          lead, src, data_len, e);
}

int importer_import_bytes(struct importer *imp, gpa_t gpa, uint64_t mem_len, const char *tag,
                          enum boot_page_acceptance acceptance, const void *data, uint64_t data_len,
                          struct err *e)
{
	const struct import_src src = { .data = data };

	return import_bytes_src(imp, gpa, mem_len, tag, acceptance, &src, data_len, e);
}

int importer_import_file(struct importer *imp, gpa_t gpa, uint64_t mem_len, const char *tag,
                         enum boot_page_acceptance acceptance, const struct image_file *f,
                         uint64_t offset, uint64_t len, const char *what, struct err *e)
{
	struct import_src src = { .file = f, .file_off = offset };
	int ret = image_file_range(f, offset, len, what, &src.data, e);

	if (ret)
		return ret;
	return import_bytes_src(imp, gpa, mem_len, tag, acceptance, &src, len, e);
}
