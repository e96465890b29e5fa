/* SPDX-License-Identifier: MIT */
/*
 * Boot GDTs and the segment-register imports that go with them. The imported
 * hidden segment state and the descriptors in the table always agree, so a
 * guest that reloads a selector gets what it already had.
 */
#ifndef MINIVMM_ARCH_X86_64_GDT_H
#define MINIVMM_ARCH_X86_64_GDT_H

#include "loader/importer.h"

#define X86_GDT_CODE_SELECTOR 0x08
#define X86_GDT_DATA_SELECTOR 0x10
#define X86_GDT_TSS_SELECTOR  0x18

#define X86_CODE32_SEGMENT_ATTRIBUTES 0xc09b /* type 0xb, S, P, D/B, G */
#define X86_TSS32_LIMIT               0x67

/* An 8-byte descriptor from VMX-style attributes, base and byte-granular limit. */
uint64_t x86_gdt_entry(uint16_t attributes, uint32_t base, uint32_t limit);

/*
 * 64-bit entry (OpenVMM import_default_gdt): one page [null, code64, data,
 * null], then GDTR, DS, ES, FS, GS, SS, CS in that order.
 */
int x86_import_gdt_64bit(struct importer *imp, gpa_t gdt_gpa, struct err *e);

/* PVH entry: [null, code32, data, TSS32]; GDTR, DS, ES, FS, GS, SS, CS, TR. */
int x86_import_gdt_32bit(struct importer *imp, gpa_t gdt_gpa, struct err *e);

#endif
