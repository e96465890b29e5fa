/* SPDX-License-Identifier: MIT */
/*
 * MMIO dispatch: stores and loads of 1, 2, 4 and 8 bytes to the test device
 * at MMIO_TEST_GPA, then loads from an address nobody claims. Both sit in
 * the 3-4 GiB hole, which the 64-bit entry's identity map covers, so no page
 * tables of our own are needed.
 */
#include "macros.h"

	.code64
	.section .text.entry, "ax"
	.globl	_start
_start:
	/* A 32-bit immediate zero-extends into RBX; as a displacement it would sign-extend. */
	mov	$MMIO_TEST_GPA, %ebx
	movb	$0x11, 0x0(%rbx)
	movw	$0x2233, 0x2(%rbx)
	movl	$0x44556677, 0x4(%rbx)
	movabs	$0x8899aabbccddeeff, %rcx
	mov	%rcx, 0x8(%rbx)

	movzbl	0x10(%rbx), %ecx
	report64 REPORT_VALUE(0), %rcx
	movzwl	0x12(%rbx), %ecx
	report64 REPORT_VALUE(1), %rcx
	mov	0x14(%rbx), %ecx
	report64 REPORT_VALUE(2), %rcx
	mov	0x18(%rbx), %rcx
	report64 REPORT_VALUE(3), %rcx

	mov	$MMIO_UNCLAIMED_GPA, %ebx
	movzbl	(%rbx), %ecx
	report64 REPORT_VALUE(4), %rcx
	movzwl	(%rbx), %ecx
	report64 REPORT_VALUE(5), %rcx
	mov	(%rbx), %ecx
	report64 REPORT_VALUE(6), %rcx
	mov	(%rbx), %rcx
	report64 REPORT_VALUE(7), %rcx

	guest_exit 0
