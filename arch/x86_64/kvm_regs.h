/* SPDX-License-Identifier: MIT */
/*
 * Register imports -> KVM vCPU state (LOADER-SPEC §5.2): segments, table
 * registers, control registers and EFER into kvm_sregs; GPRs, RIP and RFLAGS
 * into kvm_regs; PAT and MTRRs into MSR entries. Pure functions over the
 * importer's list, so unit tests check them without KVM.
 */
#ifndef MINIVMM_ARCH_X86_64_KVM_REGS_H
#define MINIVMM_ARCH_X86_64_KVM_REGS_H

#include <linux/kvm.h>
#include <stdbool.h>

#include "loader/importer.h"

/* PAT, MTRR_DEF_TYPE, 5 PHYS_BASE/MASK pairs, 6 fixed-range MTRRs. */
#define X86_MAX_IMPORTED_MSRS 18

/* An x86defs SegmentAttributes value as a kvm_segment. */
void x86_segment_to_kvm(const struct x86_segment_reg *s, struct kvm_segment *out);

/*
 * Overwrites *regs and *sregs (which hold the vCPU's reset state) with the
 * imported GPRs, segments, tables and control registers. Only for the boot
 * processor: the others start from INIT/SIPI.
 */
void x86_apply_bsp_imports(const struct importer *imp, struct kvm_regs *regs,
                           struct kvm_sregs *sregs);

/* The imported MSRs (PAT, MTRRs), which every processor gets. Returns the count. */
unsigned int x86_imported_msrs(const struct importer *imp, struct kvm_msr_entry *out,
                               unsigned int max);

#endif
