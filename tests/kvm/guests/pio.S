/* SPDX-License-Identifier: MIT */
/*
 * Port I/O dispatch: OUT and IN of 1, 2 and 4 bytes to the test device at
 * PIO_TEST_PORT, string I/O in both directions, and reads of a port nobody
 * claims. The test checks what the device saw against this program order,
 * and the values reported here against what the device answered.
 */
#include "macros.h"

	.code64
	.section .text.entry, "ax"
	.globl	_start
_start:
	/* Each width at an offset of its own, so a wrong offset or length shows. */
	mov	$PIO_TEST_PORT + 0, %dx
	mov	$0x11, %al
	out	%al, %dx
	mov	$PIO_TEST_PORT + 2, %dx
	mov	$0x2233, %ax
	out	%ax, %dx
	mov	$PIO_TEST_PORT + 4, %dx
	mov	$0x44556677, %eax
	out	%eax, %dx

	mov	$PIO_TEST_PORT + 1, %dx
	in	%dx, %al
	movzbl	%al, %ecx
	report64 REPORT_VALUE(0), %rcx
	mov	$PIO_TEST_PORT + 2, %dx
	in	%dx, %ax
	movzwl	%ax, %ecx
	report64 REPORT_VALUE(1), %rcx
	mov	$PIO_TEST_PORT + 4, %dx
	in	%dx, %eax
	mov	%eax, %ecx
	report64 REPORT_VALUE(2), %rcx

	/* KVM hands a REP string instruction over as one exit with a count. */
	cld
	lea	out_bytes(%rip), %rsi
	mov	$out_bytes_end - out_bytes, %ecx
	mov	$PIO_TEST_PORT + 6, %dx
	rep outsb
	lea	in_bytes(%rip), %rdi
	mov	$4, %ecx
	mov	$PIO_TEST_PORT + 7, %dx
	rep insb
	mov	in_bytes(%rip), %ecx
	report64 REPORT_VALUE(3), %rcx

	mov	$PIO_UNCLAIMED_PORT, %dx
	in	%dx, %al
	movzbl	%al, %ecx
	report64 REPORT_VALUE(4), %rcx
	in	%dx, %ax
	movzwl	%ax, %ecx
	report64 REPORT_VALUE(5), %rcx
	in	%dx, %eax
	mov	%eax, %ecx
	report64 REPORT_VALUE(6), %rcx

	guest_exit 0

	.data
out_bytes:
	.byte	0x01, 0x02, 0x03, 0x04, 0x05
out_bytes_end:
	.balign	4
in_bytes:
	.long	0
