// SPDX-License-Identifier: MIT
#include "gdt.h"

#include "arch/x86_64/layout.h"

uint64_t x86_gdt_entry(uint16_t attributes, uint32_t base, uint32_t limit)
{
	uint32_t lim = X86_SEG_ATTR_G(attributes) ? limit >> 12 : limit;

	return ((uint64_t)(base & 0xff000000u) << 32) | ((uint64_t)(attributes & 0xf0ff) << 40) |
	       ((uint64_t)(lim & 0xf0000u) << 32) | ((uint64_t)(base & 0xffffffu) << 16) |
	       (lim & 0xffffu);
}

static int import_segments(struct importer *imp, const struct x86_segment_reg *code,
                           const struct x86_segment_reg *data, struct err *e)
{
	static const enum x86_reg_name data_regs[] = { X86_REG_DS, X86_REG_ES, X86_REG_FS,
		                                       X86_REG_GS, X86_REG_SS };
	struct x86_register r;
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(data_regs); i++) {
		r = (struct x86_register){ .name = data_regs[i], .seg = *data };
		ret = importer_import_x86_register(imp, &r, e);
		if (ret)
			return ret;
	}
	r = (struct x86_register){ .name = X86_REG_CS, .seg = *code };
	return importer_import_x86_register(imp, &r, e);
}

static int import_table(struct importer *imp, gpa_t gdt_gpa, const uint64_t *gdt,
                        unsigned int entries, struct err *e)
{
	struct x86_register gdtr = { .name = X86_REG_GDTR,
		                     .table = { .base = gdt_gpa,
		                                .limit = (uint16_t)(entries * 8 - 1) } };
	int ret;

	ret = importer_import_pages(imp, gdt_gpa >> PAGE_SHIFT, 1, "x86-gdt", BPA_EXCLUSIVE, gdt,
	                            entries * sizeof(*gdt), e);
	if (ret)
		return ret;
	return importer_import_x86_register(imp, &gdtr, e);
}

int x86_import_gdt_64bit(struct importer *imp, gpa_t gdt_gpa, struct err *e)
{
	const struct x86_segment_reg code = { .base = 0,
		                              .limit = 0xffffffff,
		                              .selector = X86_GDT_CODE_SELECTOR,
		                              .attributes = X64_DEFAULT_CODE_SEGMENT_ATTRIBUTES };
	const struct x86_segment_reg data = { .base = 0,
		                              .limit = 0xffffffff,
		                              .selector = X86_GDT_DATA_SELECTOR,
		                              .attributes = X64_DEFAULT_DATA_SEGMENT_ATTRIBUTES };
	const uint64_t gdt[4] = { 0, x86_gdt_entry(code.attributes, 0, code.limit),
		                  x86_gdt_entry(data.attributes, 0, data.limit), 0 };
	int ret;

	ret = import_table(imp, gdt_gpa, gdt, 4, e);
	if (ret)
		return ret;
	return import_segments(imp, &code, &data, e);
}

int x86_import_gdt_32bit(struct importer *imp, gpa_t gdt_gpa, struct err *e)
{
	const struct x86_segment_reg code = { .base = 0,
		                              .limit = 0xffffffff,
		                              .selector = X86_GDT_CODE_SELECTOR,
		                              .attributes = X86_CODE32_SEGMENT_ATTRIBUTES };
	const struct x86_segment_reg data = { .base = 0,
		                              .limit = 0xffffffff,
		                              .selector = X86_GDT_DATA_SELECTOR,
		                              .attributes = X64_DEFAULT_DATA_SEGMENT_ATTRIBUTES };
	const struct x86_register tr = { .name = X86_REG_TR,
		                         .seg = { .base = 0,
		                                  .limit = X86_TSS32_LIMIT,
		                                  .selector = X86_GDT_TSS_SELECTOR,
		                                  .attributes = X64_BUSY_TSS_SEGMENT_ATTRIBUTES } };
	const uint64_t gdt[4] = { 0, x86_gdt_entry(code.attributes, 0, code.limit),
		                  x86_gdt_entry(data.attributes, 0, data.limit),
		                  x86_gdt_entry(tr.seg.attributes, 0, tr.seg.limit) };
	int ret;

	ret = import_table(imp, gdt_gpa, gdt, 4, e);
	if (!ret)
		ret = import_segments(imp, &code, &data, e);
	if (!ret)
		ret = importer_import_x86_register(imp, &tr, e);
	return ret;
}
