/* SPDX-License-Identifier: MIT */
/* Runs forever without an exit, so only minivmm's timeout can end the VM. */
	.code64
	.section .text.entry, "ax"
	.globl	_start
_start:
1:	jmp	1b
