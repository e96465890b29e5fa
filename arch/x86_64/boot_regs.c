// SPDX-License-Identifier: MIT
#include "boot_regs.h"

#include "arch/x86_64/gdt.h"
#include "arch/x86_64/layout.h"
#include "arch/x86_64/pagetables.h"

struct u64_reg {
	enum x86_reg_name name;
	uint64_t value;
};

static int import_u64s(struct importer *imp, const struct u64_reg *regs, unsigned int n,
                       struct err *e)
{
	unsigned int i;
	int ret;

	for (i = 0; i < n; i++) {
		ret = importer_import_x86_u64(imp, regs[i].name, regs[i].value, e);
		if (ret)
			return ret;
	}
	return 0;
}

int x86_import_boot_state_64bit(struct importer *imp, gpa_t rip, gpa_t zero_page, struct err *e)
{
	const struct u64_reg regs[] = {
		{ X86_REG_CR0, X86_BOOT_CR0_64BIT },
		{ X86_REG_CR3, X86_PAGE_TABLES_GPA },
		{ X86_REG_CR4, X86_CR4_PAE },
		{ X86_REG_EFER, X86_BOOT_EFER_64BIT },
		{ X86_REG_PAT, X86_PAT_DEFAULT },
		{ X86_REG_MTRR_DEF_TYPE, X86_MTRR_DEF_TYPE_WB },
		{ X86_REG_RIP, rip },
		{ X86_REG_RSI, zero_page },
		{ X86_REG_RSP, X86_BOOT_STACK_TOP },
		{ X86_REG_RFLAGS, X86_RFLAGS_RESERVED },
	};
	int ret;

	ret = x86_import_gdt_64bit(imp, X86_GDT_GPA, e);
	if (!ret)
		ret = x86_import_identity_pagetables(imp, X86_PAGE_TABLES_GPA, e);
	if (!ret)
		ret = importer_import_pages(imp, X86_BOOT_STACK_GPA >> PAGE_SHIFT, 1,
		                            "x86-boot-stack", BPA_EXCLUSIVE, NULL, 0, e);
	if (!ret)
		ret = import_u64s(imp, regs, ARRAY_SIZE(regs), e);
	return ret;
}

int x86_import_boot_state_pvh(struct importer *imp, gpa_t rip, gpa_t start_info, struct err *e)
{
	const struct u64_reg regs[] = {
		{ X86_REG_CR0, X86_BOOT_CR0_PVH },
		{ X86_REG_CR4, 0 },
		{ X86_REG_EFER, 0 },
		{ X86_REG_PAT, X86_PAT_DEFAULT },
		{ X86_REG_MTRR_DEF_TYPE, X86_MTRR_DEF_TYPE_WB },
		{ X86_REG_RIP, rip },
		{ X86_REG_RBX, start_info },
		{ X86_REG_RFLAGS, X86_RFLAGS_RESERVED },
	};
	int ret;

	ret = x86_import_gdt_32bit(imp, X86_GDT_GPA, e);
	if (!ret)
		ret = import_u64s(imp, regs, ARRAY_SIZE(regs), e);
	return ret;
}
