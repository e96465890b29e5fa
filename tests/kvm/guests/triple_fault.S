/* SPDX-License-Identifier: MIT */
/*
 * A triple fault: with an empty IDT, the #UD from UD2 cannot be delivered
 * (#GP), nor can that (#DF), and the CPU shuts down. KVM reports the shutdown
 * as KVM_EXIT_SHUTDOWN.
 */
#include "macros.h"

	.code64
	.section .text.entry, "ax"
	.globl	_start
_start:
	lidt	empty_idt(%rip)
	ud2
	/* Reached only if UD2 did not fault: say so with an exit code the test rejects. */
	guest_exit 0xee

	.data
	.balign	16
empty_idt:
	.word	0	/* limit 0: no vector is inside the table */
	.quad	0
