/* SPDX-License-Identifier: MIT */
/*
 * HLT with interrupts disabled and nothing to wake the vCPU (no NMI source,
 * no INIT). With the in-kernel irqchip KVM keeps a halted vCPU inside
 * KVM_RUN instead of exiting with KVM_EXIT_HLT, so the VM only ends when
 * minivmm's timeout kicks the vCPU out.
 */
	.code64
	.section .text.entry, "ax"
	.globl	_start
_start:
	cli
1:	hlt
	jmp	1b
