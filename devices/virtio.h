/* SPDX-License-Identifier: MIT */
/*
 * Virtio constants shared by the transport and the devices (virtio 1.2,
 * BOOT-REFERENCE §5): device status bits, device-independent feature bits,
 * device IDs.
 */
#ifndef MINIVMM_DEVICES_VIRTIO_H
#define MINIVMM_DEVICES_VIRTIO_H

#include <stdint.h>

#define VIRTIO_STATUS_ACKNOWLEDGE 0x01
#define VIRTIO_STATUS_DRIVER      0x02
#define VIRTIO_STATUS_DRIVER_OK   0x04
#define VIRTIO_STATUS_FEATURES_OK 0x08
#define VIRTIO_STATUS_NEEDS_RESET 0x40
#define VIRTIO_STATUS_FAILED      0x80

#define VIRTIO_F_INDIRECT_DESC 28
#define VIRTIO_F_EVENT_IDX     29
#define VIRTIO_F_VERSION_1     32

#define VIRTIO_ID_BLOCK 2

#define VIRTIO_BIT(n) (1ULL << (n))

#endif
