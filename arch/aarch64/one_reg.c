// SPDX-License-Identifier: MIT
#include "one_reg.h"

uint64_t a64_one_reg_id(enum a64_reg_name name)
{
	switch (name) {
	case A64_REG_PC:
		return A64_ONE_REG_PC;
	case A64_REG_X0:
	case A64_REG_X1:
	case A64_REG_X2:
	case A64_REG_X3:
	case A64_REG_X4:
	case A64_REG_X5:
	case A64_REG_X6:
	case A64_REG_X7:
		return A64_ONE_REG_CORE(A64_CORE_OFF_X(name - A64_REG_X0));
	case A64_REG_CPSR:
		return A64_ONE_REG_PSTATE; /* PSTATE in SPSR format is what KVM's pstate holds */
	case A64_REG_VBAR_EL1:
		return A64_ONE_REG_VBAR_EL1;
	case A64_REG_TTBR0_EL1:
		return A64_ONE_REG_TTBR0_EL1;
	case A64_REG_TTBR1_EL1:
		return A64_ONE_REG_TTBR1_EL1;
	case A64_REG_MAIR_EL1:
		return A64_ONE_REG_MAIR_EL1;
	case A64_REG_SCTLR_EL1:
		return A64_ONE_REG_SCTLR_EL1;
	case A64_REG_TCR_EL1:
		return A64_ONE_REG_TCR_EL1;
	case A64_REG_COUNT:
		break;
	}
	return 0;
}

unsigned int a64_imported_one_regs(const struct importer *imp, struct a64_one_reg *out,
                                   unsigned int max)
{
	unsigned int n = 0;
	size_t i;

	for (i = 0; i < imp->nr_regs && n < max; i++) {
		const struct a64_register *r = &imp->regs[i].a64;

		out[n++] = (struct a64_one_reg){ .id = a64_one_reg_id(r->name),
			                         .value = r->value,
			                         .name = r->name };
	}
	return n;
}
