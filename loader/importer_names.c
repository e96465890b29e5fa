// SPDX-License-Identifier: MIT
/* Names and properties of the importer's enumerations, for messages and dumps. */
#include "importer.h"

static const char *const x86_names[X86_REG_COUNT] = {
	[X86_REG_GDTR] = "GDTR",
	[X86_REG_IDTR] = "IDTR",
	[X86_REG_DS] = "DS",
	[X86_REG_ES] = "ES",
	[X86_REG_FS] = "FS",
	[X86_REG_GS] = "GS",
	[X86_REG_SS] = "SS",
	[X86_REG_CS] = "CS",
	[X86_REG_TR] = "TR",
	[X86_REG_CR0] = "CR0",
	[X86_REG_CR3] = "CR3",
	[X86_REG_CR4] = "CR4",
	[X86_REG_EFER] = "EFER",
	[X86_REG_PAT] = "PAT",
	[X86_REG_RBP] = "RBP",
	[X86_REG_RIP] = "RIP",
	[X86_REG_RSI] = "RSI",
	[X86_REG_RSP] = "RSP",
	[X86_REG_R8] = "R8",
	[X86_REG_R9] = "R9",
	[X86_REG_R10] = "R10",
	[X86_REG_R11] = "R11",
	[X86_REG_R12] = "R12",
	[X86_REG_RFLAGS] = "RFLAGS",
	[X86_REG_MTRR_DEF_TYPE] = "MTRR_DEF_TYPE",
	[X86_REG_MTRR_PHYS_BASE0] = "MTRR_PHYS_BASE0",
	[X86_REG_MTRR_PHYS_MASK0] = "MTRR_PHYS_MASK0",
	[X86_REG_MTRR_PHYS_BASE1] = "MTRR_PHYS_BASE1",
	[X86_REG_MTRR_PHYS_MASK1] = "MTRR_PHYS_MASK1",
	[X86_REG_MTRR_PHYS_BASE2] = "MTRR_PHYS_BASE2",
	[X86_REG_MTRR_PHYS_MASK2] = "MTRR_PHYS_MASK2",
	[X86_REG_MTRR_PHYS_BASE3] = "MTRR_PHYS_BASE3",
	[X86_REG_MTRR_PHYS_MASK3] = "MTRR_PHYS_MASK3",
	[X86_REG_MTRR_PHYS_BASE4] = "MTRR_PHYS_BASE4",
	[X86_REG_MTRR_PHYS_MASK4] = "MTRR_PHYS_MASK4",
	[X86_REG_MTRR_FIX64K_00000] = "MTRR_FIX64K_00000",
	[X86_REG_MTRR_FIX16K_80000] = "MTRR_FIX16K_80000",
	[X86_REG_MTRR_FIX4K_E0000] = "MTRR_FIX4K_E0000",
	[X86_REG_MTRR_FIX4K_E8000] = "MTRR_FIX4K_E8000",
	[X86_REG_MTRR_FIX4K_F0000] = "MTRR_FIX4K_F0000",
	[X86_REG_MTRR_FIX4K_F8000] = "MTRR_FIX4K_F8000",
	[X86_REG_RAX] = "RAX",
	[X86_REG_RBX] = "RBX",
	[X86_REG_RCX] = "RCX",
	[X86_REG_RDX] = "RDX",
	[X86_REG_RDI] = "RDI",
	[X86_REG_R13] = "R13",
	[X86_REG_R14] = "R14",
	[X86_REG_R15] = "R15",
};

const char *x86_reg_name_str(enum x86_reg_name name)
{
	if ((unsigned int)name >= X86_REG_COUNT)
		return "?";
	return x86_names[name];
}

enum x86_reg_kind x86_reg_kind(enum x86_reg_name name)
{
	switch (name) {
	case X86_REG_GDTR:
	case X86_REG_IDTR:
		return X86_REG_KIND_TABLE;
	case X86_REG_DS:
	case X86_REG_ES:
	case X86_REG_FS:
	case X86_REG_GS:
	case X86_REG_SS:
	case X86_REG_CS:
	case X86_REG_TR:
		return X86_REG_KIND_SEGMENT;
	default:
		return X86_REG_KIND_U64;
	}
}

uint32_t x86_reg_msr_index(enum x86_reg_name name)
{
	if (name >= X86_REG_MTRR_PHYS_BASE0 && name <= X86_REG_MTRR_PHYS_MASK4)
		return 0x200 + (uint32_t)(name - X86_REG_MTRR_PHYS_BASE0);
	switch (name) {
	case X86_REG_PAT:
		return 0x277;
	case X86_REG_MTRR_DEF_TYPE:
		return 0x2ff;
	case X86_REG_MTRR_FIX64K_00000:
		return 0x250;
	case X86_REG_MTRR_FIX16K_80000:
		return 0x258;
	case X86_REG_MTRR_FIX4K_E0000:
		return 0x26c;
	case X86_REG_MTRR_FIX4K_E8000:
		return 0x26d;
	case X86_REG_MTRR_FIX4K_F0000:
		return 0x26e;
	case X86_REG_MTRR_FIX4K_F8000:
		return 0x26f;
	default:
		return 0;
	}
}

static const char *const a64_names[A64_REG_COUNT] = {
	[A64_REG_PC] = "PC",
	[A64_REG_X0] = "X0",
	[A64_REG_X1] = "X1",
	[A64_REG_X2] = "X2",
	[A64_REG_X3] = "X3",
	[A64_REG_X4] = "X4",
	[A64_REG_X5] = "X5",
	[A64_REG_X6] = "X6",
	[A64_REG_X7] = "X7",
	[A64_REG_CPSR] = "CPSR",
	[A64_REG_VBAR_EL1] = "VBAR_EL1",
	[A64_REG_TTBR0_EL1] = "TTBR0_EL1",
	[A64_REG_TTBR1_EL1] = "TTBR1_EL1",
	[A64_REG_MAIR_EL1] = "MAIR_EL1",
	[A64_REG_SCTLR_EL1] = "SCTLR_EL1",
	[A64_REG_TCR_EL1] = "TCR_EL1",
};

const char *a64_reg_name_str(enum a64_reg_name name)
{
	if ((unsigned int)name >= A64_REG_COUNT)
		return "?";
	return a64_names[name];
}

const char *boot_page_acceptance_str(enum boot_page_acceptance a)
{
	switch (a) {
	case BPA_EXCLUSIVE:
		return "exclusive";
	case BPA_EXCLUSIVE_UNMEASURED:
		return "exclusive-unmeasured";
	case BPA_VP_CONTEXT:
		return "vp-context";
	case BPA_SECRETS_PAGE:
		return "secrets";
	case BPA_CPUID_PAGE:
		return "cpuid";
	case BPA_CPUID_EXTENDED_STATE_PAGE:
		return "cpuid-xstate";
	case BPA_SHARED:
		return "shared";
	}
	return "?";
}

const char *igvm_parameter_type_str(enum igvm_parameter_type t)
{
	switch (t) {
	case IGVM_PARAM_VP_COUNT:
		return "vp-count";
	case IGVM_PARAM_SRAT:
		return "srat";
	case IGVM_PARAM_MADT:
		return "madt";
	case IGVM_PARAM_MMIO_RANGES:
		return "mmio-ranges";
	case IGVM_PARAM_MEMORY_MAP:
		return "memory-map";
	case IGVM_PARAM_COMMAND_LINE:
		return "command-line";
	case IGVM_PARAM_SLIT:
		return "slit";
	case IGVM_PARAM_PPTT:
		return "pptt";
	case IGVM_PARAM_DEVICE_TREE:
		return "device-tree";
	}
	return "?";
}
