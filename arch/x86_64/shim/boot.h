/* SPDX-License-Identifier: MIT */
/*
 * The shim's work from ShimParamsRaw to the kernel's entry, as one pure
 * sequence over a guest-memory window, logging each step:
 *   params -> log buffer -> initrd CRC -> device tree -> command line ->
 *   E820 -> zero page.
 * The shim's entry (main.c) runs it over the identity-mapped VTL2 range and
 * turns a failure into FATAL; tests run it over a buffer.
 *
 * The heap holds what Linux reads at entry:
 *   heap + 0       struct x86_boot_params (the zero page)
 *   heap + 4096    the command line, NUL-terminated (SHIM_CMDLINE_MAX bytes)
 */
#ifndef MINIVMM_ARCH_X86_64_SHIM_BOOT_H
#define MINIVMM_ARCH_X86_64_SHIM_BOOT_H

#include "arch/x86_64/bootparam.h"
#include "arch/x86_64/shim/dt.h"
#include "arch/x86_64/shim/e820.h"
#include "arch/x86_64/shim/log.h"
#include "arch/x86_64/shim/params.h"
#include "arch/x86_64/shim/rt.h"

#define SHIM_BOOT_PARAMS_HEAP_OFFSET 0
#define SHIM_CMDLINE_HEAP_OFFSET     SHIM_PAGE_SIZE
#define SHIM_ELF_KERNEL_ALIGNMENT    0x1000000 /* "must be non-zero" for a vmlinux */

/* Everything the sequence found and built; big, so the shim keeps it in .bss. */
struct shim_boot {
	struct shim_layout layout;
	struct shim_dt_info dt;
	struct shim_e820_map e820;
	uint64_t dtb_gpa;
	uint64_t boot_params_gpa, cmdline_gpa;
	size_t cmdline_len;
	uint64_t kernel_entry;
};

/*
 * Runs the sequence. mem is the window the shim may touch; it is narrowed to
 * the VTL2 range once that is known. On success b->kernel_entry and
 * b->boot_params_gpa say where to go with which RSI.
 */
int shim_boot_prepare(struct shim_mem *mem, const struct shim_self *self, struct shim_log *log,
                      struct shim_boot *b, struct shim_err *e);

/* Fills the zero page for an ELF vmlinux (no setup header to copy). */
void shim_boot_params_fill(struct x86_boot_params *bp, uint64_t cmdline_gpa, size_t cmdline_len,
                           const struct shim_region *initrd, const struct shim_e820_map *m);

#endif
