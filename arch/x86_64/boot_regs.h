/* SPDX-License-Identifier: MIT */
/*
 * The CPU state at each Linux x86 entry point, as register imports (plus the
 * GDT and page tables the state refers to).
 */
#ifndef MINIVMM_ARCH_X86_64_BOOT_REGS_H
#define MINIVMM_ARCH_X86_64_BOOT_REGS_H

#include "loader/importer.h"

#define X86_CR0_PE           (1ULL << 0)
#define X86_CR0_ET           (1ULL << 4)
#define X86_CR0_PG           (1ULL << 31)
#define X86_CR4_PAE          (1ULL << 5)
#define X86_EFER_SCE         (1ULL << 0)
#define X86_EFER_LME         (1ULL << 8)
#define X86_EFER_LMA         (1ULL << 10)
#define X86_EFER_NXE         (1ULL << 11)
#define X86_RFLAGS_RESERVED  (1ULL << 1) /* bit 1 always reads 1; IF stays clear */
#define X86_PAT_DEFAULT      0x0007040600070406ULL
/* MTRRs enabled, default type write-back: all RAM cacheable, as Firecracker does. */
#define X86_MTRR_DEF_TYPE_WB 0x806ULL

#define X86_BOOT_CR0_64BIT  (X86_CR0_PG | X86_CR0_ET | X86_CR0_PE)
#define X86_BOOT_EFER_64BIT (X86_EFER_SCE | X86_EFER_LME | X86_EFER_LMA | X86_EFER_NXE)
#define X86_BOOT_CR0_PVH    (X86_CR0_ET | X86_CR0_PE)

/*
 * 64-bit entry (boot.rst "64-bit boot protocol"): long mode with the
 * identity map of the first 4 GiB at X86_PAGE_TABLES_GPA, flat GDT, RSI =
 * zero page, RSP = top of the boot stack, interrupts off.
 */
int x86_import_boot_state_64bit(struct importer *imp, gpa_t rip, gpa_t zero_page, struct err *e);

/* PVH entry: 32-bit protected mode, paging off, EBX = start_info, flat GDT with a TSS. */
int x86_import_boot_state_pvh(struct importer *imp, gpa_t rip, gpa_t start_info, struct err *e);

#endif
