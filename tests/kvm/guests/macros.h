/* SPDX-License-Identifier: MIT */
/*
 * Assembler macros the test guests share: reporting a value on the report
 * device (protocol.h) and ending the run through the debug exit port. The
 * guests run without an IDT or a reliable stack, so every macro is inline
 * code that uses only EAX/RAX and EDX (and RCX/RBX where it says so).
 */
#ifndef MINIVMM_TESTS_KVM_MACROS_H
#define MINIVMM_TESTS_KVM_MACROS_H

#include "protocol.h"

#ifdef __ASSEMBLER__
/* Assembler macros, not C: */
/* clang-format off */

/* 64-bit mode: report the 64-bit register or memory operand src (not RAX/RDX). */
.macro report64 id:req, src:req
	mov	$REPORT_ID_PORT, %dx
	mov	$\id, %eax
	out	%eax, %dx
	mov	\src, %rax
	mov	$REPORT_LO_PORT, %dx
	out	%eax, %dx
	shr	$32, %rax
	mov	$REPORT_HI_PORT, %dx
	out	%eax, %dx
.endm

/* 64-bit mode: report MSR msr (clobbers RCX). */
.macro report_msr64 id:req, msr:req
	mov	$\msr, %ecx
	rdmsr
	shl	$32, %rdx
	mov	%eax, %eax
	or	%rdx, %rax
	mov	%rax, %rcx
	report64 \id, %rcx
.endm

/*
 * 16- and 32-bit code: report the value hi:lo, each a 32-bit register,
 * memory operand or immediate (not EAX/EDX). The 0x66 prefix the assembler
 * adds in .code16 makes the 32-bit OUTs legal in real mode too.
 */
.macro report32 id:req, lo:req, hi=$0
	mov	$REPORT_ID_PORT, %dx
	mov	$\id, %eax
	out	%eax, %dx
	mov	\lo, %eax
	mov	$REPORT_LO_PORT, %dx
	out	%eax, %dx
	mov	\hi, %eax
	mov	$REPORT_HI_PORT, %dx
	out	%eax, %dx
.endm

/* 16- and 32-bit code: report MSR msr (clobbers ECX, EBX). */
.macro report_msr32 id:req, msr:req
	mov	$\msr, %ecx
	rdmsr
	mov	%eax, %ecx
	mov	%edx, %ebx
	report32 \id, %ecx, %ebx
.endm

/*
 * Any mode: end the run with exit code `code`. The VMM stops the VM on the
 * OUT; the loop after it only matters if it did not, and then the test's
 * timeout turns that into a failure instead of running stray bytes.
 */
.macro guest_exit code:req
	mov	$DEBUG_EXIT_PORT_GUEST, %dx
	mov	$\code, %al
	out	%al, %dx
1:	hlt
	jmp	1b
.endm

/* clang-format on */
#endif /* __ASSEMBLER__ */

#endif
