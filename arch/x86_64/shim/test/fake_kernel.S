/* SPDX-License-Identifier: MIT */
/*
 * A stand-in for the paravisor's Linux kernel in the shim's KVM test
 * (test_shim_kvm.c): entered at its first byte the way the shim enters
 * Linux, it sends what it was given to the test's dump device and exits.
 *
 *   stream 0   RSI, RFLAGS, CS at entry (8 + 8 + 4 bytes)
 *   stream 1   the 4096 bytes at RSI (the zero page)
 *   stream 2+  each (gpa, len) of the table at offset 0x100, which the test
 *              fills before importing the image (len 0 ends it)
 * then writes 0 to the debug exit port. Position independent: it runs at
 * whatever address the test loads it.
 */
#define DUMP_SELECT_PORT 0x530 /* out 32 bits: start stream n */
#define DUMP_DATA_PORT   0x534 /* out any width: append to the stream */
#define DEBUG_EXIT_PORT  0x501

	.code64
	.text
	.globl	_start
_start:
	mov	%rsi, %r12

	xor	%eax, %eax
	mov	$DUMP_SELECT_PORT, %dx
	out	%eax, %dx
	mov	$DUMP_DATA_PORT, %dx
	mov	%r12, %rax
	out	%eax, %dx
	shr	$32, %rax
	out	%eax, %dx
	pushfq			/* the shim's stack is still there; Linux would set its own */
	pop	%rax
	out	%eax, %dx
	shr	$32, %rax
	out	%eax, %dx
	mov	%cs, %eax
	out	%eax, %dx

	mov	$1, %eax
	mov	$DUMP_SELECT_PORT, %dx
	out	%eax, %dx
	mov	%r12, %rsi
	mov	$4096, %ecx
	mov	$DUMP_DATA_PORT, %dx
	cld
	rep outsb

	lea	dump_table(%rip), %rbx
	mov	$2, %r13d
1:	mov	8(%rbx), %rcx
	test	%rcx, %rcx
	jz	2f
	mov	%r13d, %eax
	mov	$DUMP_SELECT_PORT, %dx
	out	%eax, %dx
	mov	(%rbx), %rsi
	mov	$DUMP_DATA_PORT, %dx
	rep outsb
	add	$16, %rbx
	inc	%r13d
	jmp	1b

2:	mov	$DEBUG_EXIT_PORT, %dx
	xor	%eax, %eax
	out	%al, %dx
3:	cli
	hlt
	jmp	3b

	.org	0x100
dump_table:
	.fill	8 * 2, 8, 0
	.section .note.GNU-stack, "", @progbits
