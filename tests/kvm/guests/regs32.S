/* SPDX-License-Identifier: MIT */
/*
 * Entered in 32-bit protected mode, paging off, with the PVH entry state
 * minivmm imports (x86_import_boot_state_pvh). Reports every piece of that
 * state it can read from inside, so the test can compare it with the imports.
 */
#include "macros.h"

	.code32

.macro selector id:req, sreg:req
	xor	%ecx, %ecx
	mov	\sreg, %cx
	report32 \id, %ecx
.endm

/* The GDT entry for the selector in CX, from the table at EBX (see regs64.S). */
.macro descriptor id:req
	and	$~7, %ecx
	mov	(%ebx,%ecx), %esi
	mov	4(%ebx,%ecx), %edi
	report32 \id, %esi, %edi
.endm

	.section .text.entry, "ax"
	.globl	_start
_start:
	/*
	 * PVH gives no stack (ESP is whatever the CPU reset left), so ESP is
	 * copied aside and replaced before PUSHF can read EFLAGS; neither MOV
	 * changes a flag. EBX and ESI stay untouched until reported.
	 */
	mov	%esp, %ebp
	mov	$stack_top, %esp
	pushfl
	pop	%edi
	call	1f
1:	pop	%ecx
	sub	$(1b - _start), %ecx

	report32 REPORT_ENTRY, %ecx
	report32 REPORT_RSP, %ebp
	report32 REPORT_RSI, %esi
	report32 REPORT_RBX, %ebx
	report32 REPORT_RFLAGS, %edi

	mov	%cr0, %ecx
	report32 REPORT_CR0, %ecx
	mov	%cr3, %ecx
	report32 REPORT_CR3, %ecx
	mov	%cr4, %ecx
	report32 REPORT_CR4, %ecx
	report_msr32 REPORT_EFER, 0xc0000080
	report_msr32 REPORT_PAT, 0x277
	report_msr32 REPORT_MTRR_DEF_TYPE, 0x2ff

	sgdt	table
	movzwl	table, %ecx
	report32 REPORT_GDTR_LIMIT, %ecx
	report32 REPORT_GDTR_BASE, table+2
	sidt	table
	movzwl	table, %ecx
	report32 REPORT_IDTR_LIMIT, %ecx
	report32 REPORT_IDTR_BASE, table+2

	selector REPORT_CS, %cs
	selector REPORT_DS, %ds
	selector REPORT_ES, %es
	selector REPORT_FS, %fs
	selector REPORT_GS, %gs
	selector REPORT_SS, %ss
	xor	%ecx, %ecx
	str	%cx
	report32 REPORT_TR, %ecx

	/* The GDT entries must agree with the hidden state (see regs64.S). */
	sgdt	table
	mov	table+2, %ebx
	xor	%ecx, %ecx
	mov	%cs, %cx
	descriptor REPORT_CS_DESCRIPTOR
	mov	%ss, %cx
	descriptor REPORT_SS_DESCRIPTOR
	str	%cx
	descriptor REPORT_TR_DESCRIPTOR

	guest_exit 0

	.bss
	.balign	16
table:	.skip	16	/* SGDT/SIDT: 2-byte limit, 4-byte base */
	.balign	16
	.skip	256
stack_top:
