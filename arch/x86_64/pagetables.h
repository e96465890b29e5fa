/* SPDX-License-Identifier: MIT */
/*
 * Identity page tables for the 64-bit entry: the first 4 GiB mapped with
 * 2 MiB pages (LOADER-SPEC §3.3, OpenVMM's IdentityMapBuilder, Size4Gb, no
 * bias): PML4, PDPT, then four page directories.
 */
#ifndef MINIVMM_ARCH_X86_64_PAGETABLES_H
#define MINIVMM_ARCH_X86_64_PAGETABLES_H

#include "loader/importer.h"

#define X86_PTE_P      (1ULL << 0)
#define X86_PTE_RW     (1ULL << 1)
#define X86_PTE_A      (1ULL << 5)
#define X86_PTE_D      (1ULL << 6)
#define X86_PTE_PS     (1ULL << 7)
#define X86_PTE_DIR    (X86_PTE_P | X86_PTE_RW | X86_PTE_A)                          /* 0x23 */
#define X86_PTE_LEAF2M (X86_PTE_P | X86_PTE_RW | X86_PTE_A | X86_PTE_D | X86_PTE_PS) /* 0xe3 */

#define X86_IDENTITY_4G_TABLES 6

/* Fills out (X86_IDENTITY_4G_TABLES pages) with tables that live at pt_gpa. */
void x86_pagetables_build_identity_4g(gpa_t pt_gpa, uint64_t *out);

/* Builds the tables and imports them at pt_gpa with tag "x86-pagetables". */
int x86_import_identity_pagetables(struct importer *imp, gpa_t pt_gpa, struct err *e);

#endif
