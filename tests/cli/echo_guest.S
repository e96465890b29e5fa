/*
 * A 64-bit guest for the console tests: prints READY on COM1, then echoes
 * every byte it receives, polling the line status register (no interrupts,
 * so it tests minivmm's input path and nothing else).
 */
	.code64
	.global _start
	.set COM1, 0x3f8
	.set LSR, COM1 + 5
	.set LSR_DR, 0x01

_start:
	lea	ready(%rip), %rsi
	mov	$COM1, %dx
1:	lodsb
	test	%al, %al
	jz	echo
	out	%al, %dx
	jmp	1b

echo:
	mov	$LSR, %dx
	in	%dx, %al
	test	$LSR_DR, %al
	jnz	2f
	pause
	jmp	echo
2:	mov	$COM1, %dx
	in	%dx, %al
	out	%al, %dx
	jmp	echo

ready:
	.asciz "READY\n"
