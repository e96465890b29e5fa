/* SPDX-License-Identifier: MIT */
/*
 * Reads back every MTRR MSR the importer can set (protocol.h, REPORT_MTRR),
 * plus PAT and MTRR_DEF_TYPE. The test imports all of them on top of the
 * Linux 64-bit entry state, which is the most MSRs a loader can import.
 */
#include "macros.h"

	.code64
	.section .text.entry, "ax"
	.globl	_start
_start:
	report_msr64 REPORT_PAT, 0x277
	report_msr64 REPORT_MTRR_DEF_TYPE, 0x2ff
	report_msr64 REPORT_MTRR(0), 0x200
	report_msr64 REPORT_MTRR(1), 0x201
	report_msr64 REPORT_MTRR(2), 0x202
	report_msr64 REPORT_MTRR(3), 0x203
	report_msr64 REPORT_MTRR(4), 0x204
	report_msr64 REPORT_MTRR(5), 0x205
	report_msr64 REPORT_MTRR(6), 0x206
	report_msr64 REPORT_MTRR(7), 0x207
	report_msr64 REPORT_MTRR(8), 0x208
	report_msr64 REPORT_MTRR(9), 0x209
	report_msr64 REPORT_MTRR(10), 0x250
	report_msr64 REPORT_MTRR(11), 0x258
	report_msr64 REPORT_MTRR(12), 0x26c
	report_msr64 REPORT_MTRR(13), 0x26d
	report_msr64 REPORT_MTRR(14), 0x26e
	report_msr64 REPORT_MTRR(15), 0x26f
	guest_exit 0
