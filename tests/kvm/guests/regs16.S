/* SPDX-License-Identifier: MIT */
/*
 * Entered in real mode with segment registers the test imports itself
 * (base = selector * 16, CS:IP = 0x0ff0:0x0100, so the image sits at
 * 0x10000 like a .COM file). Reports what it sees, including the dword at
 * offset 0 of each data segment, which the test fills with a marker: only a
 * segment whose hidden base was imported correctly reads the right one.
 */
#include "macros.h"

	.code16

.macro selector id:req, sreg:req
	xor	%ecx, %ecx
	mov	\sreg, %cx
	report32 \id, %ecx
.endm

	.section .text.entry, "ax"
	.globl	_start
_start:
	/* Copy the imported values aside before anything changes them (see regs64.S). */
	mov	%esp, %ebp
	pushfl
	pop	%edi
	call	1f
1:	pop	%cx
	sub	$(1b - _start), %cx
	movzwl	%cx, %ecx

	report32 REPORT_ENTRY, %ecx
	report32 REPORT_RSP, %ebp
	report32 REPORT_RSI, %esi
	report32 REPORT_RBX, %ebx
	report32 REPORT_RFLAGS, %edi

	/* Real mode runs at CPL 0: control registers and MSRs are readable. */
	mov	%cr0, %ecx
	report32 REPORT_CR0, %ecx
	mov	%cr3, %ecx
	report32 REPORT_CR3, %ecx
	mov	%cr4, %ecx
	report32 REPORT_CR4, %ecx
	report_msr32 REPORT_EFER, 0xc0000080
	report_msr32 REPORT_PAT, 0x277
	report_msr32 REPORT_MTRR_DEF_TYPE, 0x2ff

	/* With a 32-bit operand size SGDT/SIDT store all 32 bits of the base. */
	sgdtl	%cs:table
	movzwl	%cs:table, %ecx
	report32 REPORT_GDTR_LIMIT, %ecx
	report32 REPORT_GDTR_BASE, %cs:table+2
	sidtl	%cs:table
	movzwl	%cs:table, %ecx
	report32 REPORT_IDTR_LIMIT, %ecx
	report32 REPORT_IDTR_BASE, %cs:table+2

	selector REPORT_CS, %cs
	selector REPORT_DS, %ds
	selector REPORT_ES, %es
	selector REPORT_FS, %fs
	selector REPORT_GS, %gs
	selector REPORT_SS, %ss
	/* STR, LAR and LSL do not exist in real mode (#UD). */

	report32 REPORT_DS_PROBE, %ds:0
	report32 REPORT_ES_PROBE, %es:0
	report32 REPORT_FS_PROBE, %fs:0
	report32 REPORT_GS_PROBE, %gs:0
	report32 REPORT_SS_PROBE, %ss:0

	guest_exit 0

	.balign	16
table:	.skip	8	/* SGDT/SIDT: 2-byte limit, 4-byte base */
