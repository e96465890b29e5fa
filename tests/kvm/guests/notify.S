/* SPDX-License-Identifier: MIT */
/*
 * Virtqueue notifications through an ioeventfd: NOTIFY_WRITES 32-bit writes of
 * 0 to the QUEUE_NOTIFY register of a virtio-mmio window at MMIO_TEST_GPA,
 * which KVM turns into eventfd signals without leaving the guest, then one
 * write of 1, which matches no ioeventfd and exits to the device as usual.
 */
#include "macros.h"

#define QUEUE_NOTIFY  0x50
#define NOTIFY_WRITES 1000

	.code64
	.section .text.entry, "ax"
	.globl	_start
_start:
	mov	$MMIO_TEST_GPA, %ebx
	mov	$NOTIFY_WRITES, %ecx
1:	movl	$0, QUEUE_NOTIFY(%rbx)
	dec	%ecx
	jnz	1b
	movl	$1, QUEUE_NOTIFY(%rbx)
	guest_exit 0
