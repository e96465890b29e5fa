/* SPDX-License-Identifier: MIT */
/*
 * The VM's virtio-mmio devices (one virtio-blk per --disk), wired to KVM and
 * to the main thread's event loop:
 *
 *   guest QUEUE_NOTIFY write --KVM ioeventfd--> eventfd --ring read--> device
 *   device I/O --aio--> the loop's io_uring --completion--> device
 *   device interrupt --platform trigger_irq--> irqfd write (through the ring) --KVM--> GSI
 *
 * Where each device sits comes from the guest platform's virtio_mmio_slots
 * (vmm/guest.h); this file knows no architecture. Without ioeventfd support a
 * QUEUE_NOTIFY write exits to minivmm and is handed to the same eventfd.
 */
#ifndef MINIVMM_VMM_VIRTIO_DEVICES_H
#define MINIVMM_VMM_VIRTIO_DEVICES_H

#include <stdio.h>

#include "devices/block_image.h"
#include "lib/err.h"
#include "vmm/guest.h"

struct vm;
struct event_loop;

/* Adds one virtio-blk device per image, disk i at slots[i]. */
int virtio_devices_add_disks(struct vm *vm, struct event_loop *el, const struct block_image *disks,
                             const struct virtio_mmio_slot *slots, unsigned int n, struct err *e);

/* Stops starting new requests (before the loop drains, at shutdown). */
void virtio_devices_quiesce(struct vm *vm);

/* What each device did: requests, bytes, notifications, interrupts, exits (for -v). */
void virtio_devices_report(struct vm *vm, FILE *out);

void virtio_devices_destroy(struct vm *vm);

#endif
