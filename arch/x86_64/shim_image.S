/* SPDX-License-Identifier: MIT */
/*
 * The boot shim ELF as data (arch/x86_64/shim_image.h). The path comes from
 * a header the build generates next to the checked ELF; it also carries the
 * ELF's checksum, so this file is rebuilt whenever the shim changes.
 */
#include "arch/x86_64/shim/shim_image_elf.h"

	.section .rodata.minivmm_shim_x64, "a"
	.balign	16
	.globl	minivmm_shim_x64
	.type	minivmm_shim_x64, @object
minivmm_shim_x64:
	.incbin	MINIVMM_SHIM_ELF_PATH
.Lminivmm_shim_x64_end:
	.size	minivmm_shim_x64, . - minivmm_shim_x64

	.balign	8
	.globl	minivmm_shim_x64_size
	.type	minivmm_shim_x64_size, @object
minivmm_shim_x64_size:
	.quad	.Lminivmm_shim_x64_end - minivmm_shim_x64
	.size	minivmm_shim_x64_size, 8

#if MINIVMM_SHIM_ELF_SIZE == 0
#error "the boot shim ELF is empty"
#endif

	.section .note.GNU-stack, "", @progbits
