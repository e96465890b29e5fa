/* SPDX-License-Identifier: MIT */
/*
 * The benchmark guest: one PVH ELF that minivmm (--boot pvh) and QEMU microvm
 * (-kernel) both boot, entered in 32-bit protected mode with paging off and
 * EBX = the hvm_start_info. Everything it reports goes to COM1 (0x3f8), a port
 * both VMMs send to the standard output, so the bench harness times both the
 * same way: exec -> each marker byte arriving on a pipe.
 *
 *   'F'  its first instruction
 *   'B'  boot complete (also written to minivmm's boot-complete port 0x502)
 *   'S' .. 'E'  around N writes to port 0x80 (N = the command line, decimal)
 *   then: "hold" anywhere in the command line -> spin (the harness samples
 *   memory and kills it); otherwise write 0 to the debug-exit port 0x501
 *   (minivmm exits 0; QEMU's isa-debug-exit exits 1).
 */
	.set COM1, 0x3f8
	.set PORT_EXIT_LOOP, 0x80
	.set PORT_BOOT_COMPLETE, 0x502
	.set PORT_DEBUG_EXIT, 0x501
	.set START_INFO_CMDLINE, 24 /* hvm_start_info.cmdline_paddr (low half) */

	/* COM1 <- c, '\n'. Clobbers al and dx. */
	.macro marker c
	mov	$\c, %al
	mov	$COM1, %dx
	out	%al, %dx
	mov	$'\n', %al
	out	%al, %dx
	.endm

	.code32
	.section .text.entry, "ax"
	.globl	_start
_start:
	marker	'F'
	mov	$PORT_BOOT_COMPLETE, %dx
	out	%al, %dx
	marker	'B'

	/* ecx = the command line's leading decimal number; esi stays on the string. */
	mov	START_INFO_CMDLINE(%ebx), %esi
	xor	%ecx, %ecx
	test	%esi, %esi
	jz	loop_start
1:	movzbl	(%esi), %eax
	sub	$'0', %eax
	cmp	$9, %eax
	ja	loop_start
	imul	$10, %ecx, %ecx
	add	%eax, %ecx
	inc	%esi
	jmp	1b

loop_start:
	marker	'S'
	mov	$PORT_EXIT_LOOP, %dx
	jecxz	2f
1:	out	%al, %dx
	loop	1b
2:	marker	'E'

	/* "hold" in the rest of the command line: spin until killed. */
	test	%esi, %esi
	jz	exit
1:	mov	(%esi), %eax
	test	%al, %al
	jz	exit
	cmp	$0x646c6f68, %eax /* "hold", little endian */
	je	hold
	inc	%esi
	jmp	1b
hold:	pause
	jmp	hold

exit:	xor	%eax, %eax
	mov	$PORT_DEBUG_EXIT, %dx
	out	%al, %dx
	hlt
	jmp	exit

	/* The Xen PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY = 18), as Linux has it. */
	.section .note.Xen, "a", @note
	.balign	4
	.long	4f - 3f
	.long	6f - 5f
	.long	18
3:	.asciz	"Xen"
4:	.balign	4
5:	.long	_start
6:	.balign	4
