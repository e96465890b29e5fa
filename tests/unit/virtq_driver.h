/* SPDX-License-Identifier: MIT */
/*
 * The driver's side of a split virtqueue in fake guest memory, for the
 * virtqueue, virtio-mmio and virtio-blk suites: it lays out rings, writes
 * descriptors (well-formed or not), offers chains and reads the used ring
 * back, the way a guest's driver would.
 *
 * Guest RAM: [0, 1 MiB) and [2 MiB, 4 MiB) as two adjacent regions of 1 MiB
 * each (so buffers may span them), with a gap [1 MiB, 2 MiB) that is not
 * RAM. The rings sit at TD_DESC/TD_AVAIL/TD_USED; TD_DATA onward is handed
 * out by td_alloc().
 */
#ifndef MINIVMM_TESTS_UNIT_VIRTQ_DRIVER_H
#define MINIVMM_TESTS_UNIT_VIRTQ_DRIVER_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/virtqueue.h"
#include "vmm/guest_mem.h"

#define TD_DESC      0x1000ULL
#define TD_AVAIL     0x3000ULL
#define TD_USED      0x4000ULL
#define TD_DATA      0x10000ULL
#define TD_GAP       0x100000ULL /* [1 MiB, 2 MiB): not RAM */
#define TD_REGION_B  0x200000ULL /* [2 MiB, 3 MiB) */
#define TD_REGION_C  0x300000ULL /* [3 MiB, 4 MiB), adjacent to B */
#define TD_RAM_END   0x400000ULL
#define TD_MAX_QUEUE 512 /* the rings fit below TD_DATA */

struct td {
	struct guest_mem gm;
	uint32_t size;
	uint16_t avail_idx; /* the driver's next avail index */
	uint16_t used_seen; /* used entries read back so far */
	gpa_t next_data;
};

/* Fresh RAM and an empty queue of size entries. */
void td_init(struct td *t, uint32_t size);
void td_destroy(struct td *t);

/* The device-side virtq for the driver's layout (ready, features as given). */
void td_virtq(const struct td *t, struct virtq *vq, bool indirect, bool event_idx);

/* Writes descriptor idx of the table at table (TD_DESC for the queue's own). */
void td_desc_at(struct td *t, gpa_t table, uint32_t idx, uint64_t addr, uint32_t len,
                uint16_t flags, uint16_t next);
void td_desc(struct td *t, uint32_t idx, uint64_t addr, uint32_t len, uint16_t flags,
             uint16_t next);

/* Puts head in the available ring and publishes it. */
void td_offer(struct td *t, uint16_t head);
/* Sets avail.idx as a driver (or an attacker) would. */
void td_set_avail_idx(struct td *t, uint16_t idx);
void td_set_avail_flags(struct td *t, uint16_t flags);
void td_set_used_event(struct td *t, uint16_t event);

uint16_t td_used_idx(struct td *t);
uint16_t td_avail_event(struct td *t);
/* Used ring element i (not reduced modulo the size). */
void td_used_elem(struct td *t, uint16_t i, uint32_t *id, uint32_t *len);

/* len bytes of RAM for buffers, 512-byte aligned, filled with fill. */
gpa_t td_alloc(struct td *t, uint64_t len, int fill);
void td_write(struct td *t, gpa_t gpa, const void *buf, uint64_t len);
void td_read(struct td *t, gpa_t gpa, void *buf, uint64_t len);
uint8_t td_byte(struct td *t, gpa_t gpa);

/* A small deterministic PRNG for the fuzz tests (xorshift64*). */
uint64_t td_rand(uint64_t *state);

#endif
