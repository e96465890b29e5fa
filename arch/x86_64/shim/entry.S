/* SPDX-License-Identifier: MIT */
/*
 * The shim's first instructions. The loader enters in long mode with its
 * identity page tables, CS 0x10, data segments 0x18, interrupts off, RSI =
 * (address of ShimParamsRaw) - (shim base), and no stack (LOADER-SPEC §2.4
 * step 22). Everything here is RIP-relative: the image runs wherever it
 * was loaded.
 */
	.section .text.entry, "ax"
	.globl	_start
	.type	_start, @function
_start:
	cli
	cld
	/* The loader zero-fills .bss (p_memsz > p_filesz); clearing it again costs
	 * little and keeps the shim right under a loader that does not. */
	lea	__bss_start(%rip), %rdi
	lea	__bss_end(%rip), %rcx
	sub	%rdi, %rcx
	xor	%eax, %eax
	rep stosb
	lea	shim_stack_top(%rip), %rsp
	xor	%ebp, %ebp
	mov	%rsi, %rdi		/* shim_main(params_offset) */
	call	shim_main
1:	cli
	hlt
	jmp	1b
	.size	_start, . - _start

/*
 * shim_enter_kernel(entry, boot_params): Linux's 64-bit entry (boot.rst)
 * wants RSI = the zero page and interrupts off; it sets up its own stack,
 * so RSP goes back to the top of ours, which E820 keeps reserved.
 */
	.text
	.globl	shim_enter_kernel
	.hidden	shim_enter_kernel
	.type	shim_enter_kernel, @function
shim_enter_kernel:
	cli
	mov	%rdi, %rax
	lea	shim_stack_top(%rip), %rsp
	xor	%ebx, %ebx
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%edi, %edi
	xor	%ebp, %ebp
	jmp	*%rax
	.size	shim_enter_kernel, . - shim_enter_kernel

	.section .bss.stack, "aw", @nobits
	.balign	16
shim_stack:
	.skip	32768
shim_stack_top:

	.section .note.GNU-stack, "", @progbits
