/* SPDX-License-Identifier: MIT */
/*
 * Entered in long mode with the state minivmm's Linux 64-bit loader imports
 * (x86_import_boot_state_64bit). Reports every piece of that state it can
 * read from inside, so the test can compare it with the imports.
 */
#include "macros.h"

	.code64

/* The selector in sreg, zero-extended. */
.macro selector id:req, sreg:req
	xor	%ecx, %ecx
	mov	\sreg, %cx
	report64 \id, %rcx
.endm

/*
 * The GDT entry behind the selector in sreg, read from the table SGDT names
 * (RBX = GDTR.base). LAR/LSL would say the same, but kvm_pvm's instruction
 * emulator does not implement them (KVM_EXIT_INTERNAL_ERROR).
 */
.macro descriptor id:req, sreg:req
	xor	%ecx, %ecx
	mov	\sreg, %cx
	and	$~7, %ecx
	mov	(%rbx,%rcx), %rcx
	report64 \id, %rcx
.endm

	.section .text.entry, "ax"
	.globl	_start
_start:
	/*
	 * The reports clobber RAX/RCX/RDX and the flags, and RFLAGS is only
	 * readable through the stack: copy the imported values aside first,
	 * with instructions that change neither the flags nor RSP.
	 */
	mov	%rsp, %r9
	pushfq
	pop	%r12
	mov	%rsi, %r10
	mov	%rbx, %r11
	lea	_start(%rip), %r8

	report64 REPORT_ENTRY, %r8
	report64 REPORT_RSP, %r9
	report64 REPORT_RSI, %r10
	report64 REPORT_RBX, %r11
	report64 REPORT_RFLAGS, %r12

	mov	%cr0, %rcx
	report64 REPORT_CR0, %rcx
	mov	%cr3, %rcx
	report64 REPORT_CR3, %rcx
	mov	%cr4, %rcx
	report64 REPORT_CR4, %rcx
	report_msr64 REPORT_EFER, 0xc0000080
	report_msr64 REPORT_PAT, 0x277
	report_msr64 REPORT_MTRR_DEF_TYPE, 0x2ff
	report_msr64 REPORT_FS_BASE, 0xc0000100
	report_msr64 REPORT_GS_BASE, 0xc0000101

	sgdt	table(%rip)
	movzwq	table(%rip), %rcx
	report64 REPORT_GDTR_LIMIT, %rcx
	report64 REPORT_GDTR_BASE, table+2(%rip)
	sidt	table(%rip)
	movzwq	table(%rip), %rcx
	report64 REPORT_IDTR_LIMIT, %rcx
	report64 REPORT_IDTR_BASE, table+2(%rip)

	selector REPORT_CS, %cs
	selector REPORT_DS, %ds
	selector REPORT_ES, %es
	selector REPORT_FS, %fs
	selector REPORT_GS, %gs
	selector REPORT_SS, %ss
	xor	%ecx, %ecx
	str	%cx
	report64 REPORT_TR, %rcx

	/*
	 * The GDT entries must say what the hidden segment state says, or a
	 * guest that reloads a selector changes its own mode. (This entry has
	 * no TR, so there is no TSS entry to check.)
	 */
	sgdt	table(%rip)
	mov	table+2(%rip), %rbx
	descriptor REPORT_CS_DESCRIPTOR, %cs
	descriptor REPORT_SS_DESCRIPTOR, %ss

	guest_exit 0

	.bss
	.balign	16
table:	.skip	16	/* SGDT/SIDT: 2-byte limit, 8-byte base */
