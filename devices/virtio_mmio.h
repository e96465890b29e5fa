/* SPDX-License-Identifier: MIT */
/*
 * The virtio-mmio transport, version 2 (virtio 1.2 §4.2, BOOT-REFERENCE §5.1,
 * §5.2): the register window the guest's driver sees, feature negotiation
 * (VERSION_1 required, nothing the device did not offer), the status state
 * machine, queue setup checked at QUEUE_READY, and the interrupt status.
 *
 * Two kinds of thread meet here: vCPU threads access the registers (through
 * the MMIO bus), the thread that runs the back ends handles notifications
 * and completions. The transport's lock serialises them; the device's ops
 * run with it held.
 *
 * A misbehaving driver is reported (the first few errors on stderr, all of
 * them counted) and handled: a bad queue setup or a corrupt ring sets
 * DEVICE_NEEDS_RESET and raises a configuration interrupt, the device keeps
 * running and a reset brings it back.
 */
#ifndef MINIVMM_DEVICES_VIRTIO_MMIO_H
#define MINIVMM_DEVICES_VIRTIO_MMIO_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "devices/platform.h"
#include "devices/virtio.h"
#include "devices/virtqueue.h"
#include "lib/err.h"
#include "vmm/bus.h"
#include "vmm/guest_mem.h"

#define VIRTIO_MMIO_MAGIC_VALUE         0x000
#define VIRTIO_MMIO_VERSION             0x004
#define VIRTIO_MMIO_DEVICE_ID           0x008
#define VIRTIO_MMIO_VENDOR_ID           0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES     0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES     0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_QUEUE_SEL           0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX       0x034
#define VIRTIO_MMIO_QUEUE_NUM           0x038
#define VIRTIO_MMIO_QUEUE_READY         0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY        0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS    0x060
#define VIRTIO_MMIO_INTERRUPT_ACK       0x064
#define VIRTIO_MMIO_STATUS              0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW      0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH     0x084
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW    0x090
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH   0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW    0x0a0
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH   0x0a4
#define VIRTIO_MMIO_SHM_SEL             0x0ac
#define VIRTIO_MMIO_SHM_LEN_LOW         0x0b0
#define VIRTIO_MMIO_SHM_BASE_HIGH       0x0bc
#define VIRTIO_MMIO_CONFIG_GENERATION   0x0fc
#define VIRTIO_MMIO_CONFIG              0x100

#define VIRTIO_MMIO_MAGIC      0x74726976 /* "virt" */
#define VIRTIO_MMIO_VENDOR     0x4d4d564d /* "MVMM" */
#define VIRTIO_MMIO_INT_VRING  0x1
#define VIRTIO_MMIO_INT_CONFIG 0x2

#define VIRTIO_MMIO_LOG_LIMIT 10 /* errors printed per device; all are counted */

/* What a device model adds to the transport. Each runs with the transport's lock held. */
struct virtio_mmio_device_ops {
	/* Reads len (1, 2, 4, 8) bytes of the configuration space at offset. */
	void (*config_read)(void *dev, uint32_t offset, uint8_t *data, unsigned int len);
	/* Queue q has new buffers (a notification). */
	void (*queue_notify)(void *dev, unsigned int q);
	/*
	 * The driver reset the device, or turned queue q off (QUEUE_READY 0):
	 * wait (bounded) for the work in flight, which may still be answered, or
	 * forget it. It may wait on a condition of the transport's lock; while it
	 * waits the transport is busy (see struct virtio_mmio). The transport then
	 * clears the queues and the negotiated state (reset) or restarts queue q.
	 */
	void (*reset)(void *dev);
	void (*queue_stop)(void *dev, unsigned int q);
};

struct virtio_mmio_params {
	const char *name; /* for messages: "virtio-blk vda" */
	uint32_t device_id;
	uint64_t features; /* offered; VERSION_1 is added */
	struct virtq *queues;
	unsigned int nr_queues;
	uint32_t queue_max; /* QUEUE_NUM_MAX, a power of two up to VIRTQ_MAX_SIZE */
	struct guest_mem *mem;
	struct platform *platform;
	unsigned int irq;
	const struct virtio_mmio_device_ops *ops;
	void *dev;
};

/* Counters; reads and writes are register accesses that exited to minivmm. */
struct virtio_mmio_stats {
	uint64_t mmio_reads, mmio_writes;
	uint64_t notifies;      /* notifications handled, by any path */
	uint64_t notifies_mmio; /* of which QUEUE_NOTIFY writes that exited (no ioeventfd) */
	uint64_t interrupts;    /* edges sent */
	uint64_t errors;        /* driver errors reported */
	uint64_t resets;        /* STATUS 0 writes */
	uint64_t queue_stops;   /* QUEUE_READY 0 on a ready queue */
};

struct virtio_mmio {
	pthread_mutex_t lock;
	struct virtio_mmio_params p;
	uint64_t driver_features;
	uint32_t device_features_sel, driver_features_sel, queue_sel;
	uint32_t status, interrupt_status;
	/*
	 * A QUEUE_NOTIFY write that reached the bus (no ioeventfd) is handed to
	 * kick(kick_arg, q) for the back-end thread; without kick it is handled
	 * at once on the vCPU thread (tests).
	 */
	void (*kick)(void *arg, unsigned int q);
	void *kick_arg;
	bool quiet; /* count errors without printing them (tests) */
	/*
	 * A reset or a queue stop is waiting for requests in flight: no new
	 * request starts (virtio_mmio_driver_ok() is false), and register accesses
	 * from other vCPUs wait on settled until it is over, as if the write that
	 * started it had not returned yet.
	 */
	bool busy;
	pthread_cond_t settled;
	struct virtio_mmio_stats stats;
	char last_error[ERR_MSG_MAX];
};

int virtio_mmio_init(struct virtio_mmio *t, const struct virtio_mmio_params *p, struct err *e);
void virtio_mmio_destroy(struct virtio_mmio *t);

/* The register window, for bus_register(); dev is the struct virtio_mmio. */
extern const struct bus_device_ops virtio_mmio_bus_ops;

/* A notification for queue q arrived (ioeventfd or kick). Takes the lock. */
void virtio_mmio_notify(struct virtio_mmio *t, unsigned int q);

/*
 * Sends the used-buffer interrupt if any queue that got buffers back since
 * the last call wants one: called once per batch of completions, so a batch
 * costs at most one interrupt. Takes the lock.
 */
void virtio_mmio_end_batch(struct virtio_mmio *t);

/* For the device, with the lock held: */
bool virtio_mmio_negotiated(const struct virtio_mmio *t, unsigned int feature);
bool virtio_mmio_driver_ok(const struct virtio_mmio *t);
/* Logs a driver error (rate-limited) and keeps it in last_error. */
void virtio_mmio_report(struct virtio_mmio *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The device cannot go on: DEVICE_NEEDS_RESET and a configuration interrupt. */
void virtio_mmio_needs_reset(struct virtio_mmio *t);

#endif
