/* SPDX-License-Identifier: MIT */
/*
 * Port-I/O and MMIO buses: devices claim address ranges, the vCPU run loop
 * dispatches KVM_EXIT_IO and KVM_EXIT_MMIO to whichever device owns the
 * address. Overlapping claims are refused.
 */
#ifndef MINIVMM_VMM_BUS_H
#define MINIVMM_VMM_BUS_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "lib/err.h"

/*
 * Access handlers. offset is relative to the claimed base; len is 1, 2, 4 or
 * 8. A read fills data[0..len); the bus pre-fills it with all ones.
 */
struct bus_device_ops {
	void (*read)(void *dev, uint64_t offset, uint8_t *data, unsigned int len);
	void (*write)(void *dev, uint64_t offset, const uint8_t *data, unsigned int len);
	/*
	 * The handlers serialise themselves (a device lock): the bus does not
	 * take its lock, so a handler that waits (a virtio reset waiting for I/O)
	 * does not hold up the other devices.
	 */
	bool own_lock;
};

struct bus_range {
	uint64_t base, len;
	const char *name;
	const struct bus_device_ops *ops;
	void *dev;
};

#define BUS_MAX_RANGES 64

struct bus {
	const char *name;                        /* "pio" or "mmio", for messages */
	struct bus_range ranges[BUS_MAX_RANGES]; /* sorted by base */
	unsigned int nr_ranges;
	pthread_mutex_t lock; /* serialises handlers across vCPUs (not own_lock ones) */
	uint64_t unclaimed;   /* accesses nobody claimed */
};

void bus_init(struct bus *b, const char *name);
void bus_destroy(struct bus *b);

/* Claims [base, base+len); EEXIST naming both devices on overlap. */
int bus_register(struct bus *b, uint64_t base, uint64_t len, const char *name,
                 const struct bus_device_ops *ops, void *dev, struct err *e);

/*
 * Dispatches one access. Returns false when no device claims addr: then a
 * read returns all ones and a write is dropped.
 */
bool bus_access(struct bus *b, uint64_t addr, uint8_t *data, unsigned int len, bool is_write);

#endif
