/* SPDX-License-Identifier: MIT */
/*
 * Eventfds KVM signals or listens to, so that device traffic needs no exit to
 * minivmm (BOOT-REFERENCE §3.7): an ioeventfd turns a guest write of a given
 * value to an MMIO address into an eventfd signal inside KVM; an irqfd turns
 * an eventfd write into an interrupt edge on a GSI.
 */
#ifndef MINIVMM_VMM_VM_EVENTFD_H
#define MINIVMM_VMM_VM_EVENTFD_H

#include <stdint.h>

#include "lib/err.h"

struct vm;

/* A len-byte guest write of datamatch to MMIO address addr signals fd (KVM_IOEVENTFD). */
int vm_add_ioeventfd(struct vm *vm, uint64_t addr, uint32_t len, uint64_t datamatch, int fd,
                     struct err *e);

/* Writing fd sends an edge on gsi (KVM_IRQFD). */
int vm_add_irqfd(struct vm *vm, uint32_t gsi, int fd, struct err *e);

#endif
