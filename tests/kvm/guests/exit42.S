/* SPDX-License-Identifier: MIT */
/* The debug exit port: the byte written to 0x501 becomes minivmm's exit code. */
#include "macros.h"

	.code64
	.section .text.entry, "ax"
	.globl	_start
_start:
	guest_exit 42
