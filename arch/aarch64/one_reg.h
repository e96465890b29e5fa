/* SPDX-License-Identifier: MIT */
/*
 * The importer's AArch64 registers (OpenVMM's Aarch64Register) as KVM
 * KVM_SET_ONE_REG ids (LOADER-SPEC §5.3, BOOT-REFERENCE §6.5). Pure
 * arithmetic with our own constants, so it is unit-tested on every host;
 * arch/aarch64/kvm_arch.c checks them against <asm/kvm.h> at compile time.
 */
#ifndef MINIVMM_ARCH_AARCH64_ONE_REG_H
#define MINIVMM_ARCH_AARCH64_ONE_REG_H

#include <stdint.h>

#include "loader/importer.h"

#define A64_KVM_REG_ARM64      0x6000000000000000ULL
#define A64_KVM_REG_SIZE_U64   0x0030000000000000ULL
#define A64_KVM_REG_ARM_CORE   (0x0010ULL << 16)
#define A64_KVM_REG_ARM_SYSREG (0x0013ULL << 16)

/* struct kvm_regs: user_pt_regs { regs[31], sp, pc, pstate }, then sp_el1, ... */
#define A64_CORE_OFF_X(n)   (8ULL * (n))
#define A64_CORE_OFF_SP     (8ULL * 31)
#define A64_CORE_OFF_PC     (8ULL * 32)
#define A64_CORE_OFF_PSTATE (8ULL * 33)

/* A core register: its index is its byte offset in struct kvm_regs / 4. */
#define A64_ONE_REG_CORE(off) \
	(A64_KVM_REG_ARM64 | A64_KVM_REG_SIZE_U64 | A64_KVM_REG_ARM_CORE | ((off) / 4))
/* A system register by its MRS/MSR encoding. */
#define A64_ONE_REG_SYS(op0, op1, crn, crm, op2)                                   \
	(A64_KVM_REG_ARM64 | A64_KVM_REG_SIZE_U64 | A64_KVM_REG_ARM_SYSREG |       \
	 (((uint64_t)(op0) << 14) & 0xc000) | (((uint64_t)(op1) << 11) & 0x3800) | \
	 (((uint64_t)(crn) << 7) & 0x0780) | (((uint64_t)(crm) << 3) & 0x0078) | ((op2)&7))

#define A64_ONE_REG_PC        A64_ONE_REG_CORE(A64_CORE_OFF_PC)     /* 0x6030000000100040 */
#define A64_ONE_REG_PSTATE    A64_ONE_REG_CORE(A64_CORE_OFF_PSTATE) /* 0x6030000000100042 */
#define A64_ONE_REG_SCTLR_EL1 A64_ONE_REG_SYS(3, 0, 1, 0, 0)        /* 0x603000000013c080 */
#define A64_ONE_REG_TTBR0_EL1 A64_ONE_REG_SYS(3, 0, 2, 0, 0)        /* 0x603000000013c100 */
#define A64_ONE_REG_TTBR1_EL1 A64_ONE_REG_SYS(3, 0, 2, 0, 1)        /* 0x603000000013c101 */
#define A64_ONE_REG_TCR_EL1   A64_ONE_REG_SYS(3, 0, 2, 0, 2)        /* 0x603000000013c102 */
#define A64_ONE_REG_MAIR_EL1  A64_ONE_REG_SYS(3, 0, 10, 2, 0)       /* 0x603000000013c510 */
#define A64_ONE_REG_VBAR_EL1  A64_ONE_REG_SYS(3, 0, 12, 0, 0)       /* 0x603000000013c600 */
#define A64_ONE_REG_MPIDR_EL1 A64_ONE_REG_SYS(3, 0, 0, 0, 5)        /* 0x603000000013c005 */

/* The KVM_SET_ONE_REG id for an imported register; 0 for a name out of range. */
uint64_t a64_one_reg_id(enum a64_reg_name name);

/* A register and its value, ready for KVM_SET_ONE_REG. */
struct a64_one_reg {
	uint64_t id;
	uint64_t value;
	enum a64_reg_name name;
};

/*
 * The imported registers in import order, translated; returns how many (at
 * most max). LOADER-SPEC §5.3: they all go to the boot processor only.
 */
unsigned int a64_imported_one_regs(const struct importer *imp, struct a64_one_reg *out,
                                   unsigned int max);

#endif
