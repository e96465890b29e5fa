/* SPDX-License-Identifier: MIT */
/*
 * The device side of a split virtqueue (virtio 1.2 §2.7, BOOT-REFERENCE §5.3
 * and the checklist of §5.6). The guest owns the rings and may rewrite them at
 * any moment, so every ring access goes through the checked guest-memory
 * helpers, each descriptor is copied once and only the copy is used, and a
 * chain is accepted only when it is well formed:
 *
 *   - head and every `next` inside the table (the queue, or an indirect table);
 *   - at most `size` hops in the queue and `n` in an indirect table of n
 *     entries, which also ends every loop;
 *   - every buffer non-empty and wholly inside guest RAM, no 64-bit wrap;
 *   - device-readable buffers before device-writable ones;
 *   - INDIRECT only when negotiated, never nested, never with NEXT, with a
 *     table of 16-byte entries inside RAM and at most VIRTQ_MAX_SEGS long;
 *   - at most VIRTQ_MAX_SEGS buffers and 4 GiB - 1 bytes in all.
 *
 * A chain that breaks a rule is handed back to the device as a bad chain (its
 * head is known, so it can still be returned to the driver); a ring that
 * cannot be trusted any more (a head outside the queue, an available index
 * that runs ahead by more than the queue size) breaks the queue until reset.
 */
#ifndef MINIVMM_DEVICES_VIRTQUEUE_H
#define MINIVMM_DEVICES_VIRTQUEUE_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/err.h"
#include "lib/sizes.h"
#include "vmm/guest_mem.h"

#define VIRTQ_DESC_F_NEXT     1
#define VIRTQ_DESC_F_WRITE    2
#define VIRTQ_DESC_F_INDIRECT 4

#define VIRTQ_AVAIL_F_NO_INTERRUPT 1

#define VIRTQ_MAX_SIZE 32768 /* the spec's limit for a split queue */
#define VIRTQ_MAX_SEGS 256   /* buffers in one chain, indirect tables included */

#define VIRTQ_DESC_SIZE 16

/* One buffer of a chain, as copied from the descriptor. */
struct virtq_seg {
	gpa_t gpa;
	uint32_t len;
	bool writable;
};

struct virtq_chain {
	uint16_t head;
	unsigned int nr;
	uint64_t readable, writable; /* total bytes in each direction */
	struct virtq_seg seg[VIRTQ_MAX_SEGS];
};

struct virtq {
	/* Set by the driver through the transport (size as written: checked at ready). */
	uint32_t size;
	gpa_t desc, avail, used;
	bool ready;
	/* Negotiated features. */
	bool event_idx, indirect;
	/* Device state. */
	uint16_t last_avail;     /* next available-ring slot to take */
	uint16_t used_idx;       /* next used-ring slot to fill */
	uint16_t signalled_used; /* used_idx at the last interrupt decision */
	bool signalled_valid;
	bool pushed; /* something went into the used ring since the last decision */
	bool broken; /* the ring cannot be trusted; nothing more until reset */
	/* Bumped by every reset and restart: work started before must not touch the rings. */
	uint32_t generation;
};

enum virtq_pop_result {
	VIRTQ_POP_EMPTY,     /* nothing available */
	VIRTQ_POP_CHAIN,     /* c holds a valid chain */
	VIRTQ_POP_BAD_CHAIN, /* c->head is a malformed chain; e says why. Return it unused. */
	VIRTQ_POP_BROKEN,    /* the ring is corrupt: the queue is broken; e says why */
};

/* Forgets everything but the generation, which moves on: the state after a device reset. */
void virtq_reset(struct virtq *vq);

/* Keeps the driver's setup, starts the indices from 0 (QUEUE_READY) with a new generation. */
void virtq_restart(struct virtq *vq);

/*
 * Checks the driver's queue setup (at QUEUE_READY): a power-of-two size up to
 * max_size, aligned areas (16/2/4) each inside one RAM region.
 */
int virtq_check_layout(const struct virtq *vq, uint32_t max_size, const struct guest_mem *gm,
                       struct err *e);

/* Takes the next available chain, validated; see enum virtq_pop_result. */
enum virtq_pop_result virtq_pop(struct virtq *vq, const struct guest_mem *gm, struct virtq_chain *c,
                                struct err *e);

/* Available chains not yet taken (0 when the ring is broken). */
uint16_t virtq_pending(struct virtq *vq, const struct guest_mem *gm);

/*
 * Asks for a notification when the driver adds the next chain (EVENT_IDX:
 * avail_event = last_avail). Returns true when chains arrived meanwhile, so
 * the caller must keep going instead of waiting for a notification.
 */
bool virtq_enable_notify(struct virtq *vq, struct guest_mem *gm);

/* Returns chain head to the driver with len bytes written into its buffers. */
int virtq_push(struct virtq *vq, struct guest_mem *gm, uint16_t head, uint32_t len, struct err *e);

/*
 * Whether the driver wants an interrupt for what was pushed since the last
 * call (avail.flags NO_INTERRUPT, or EVENT_IDX's used_event).
 */
bool virtq_should_interrupt(struct virtq *vq, const struct guest_mem *gm);

/* Bytes of each ring area for a queue of size n. */
static inline uint64_t virtq_desc_bytes(uint32_t n)
{
	return (uint64_t)VIRTQ_DESC_SIZE * n;
}

static inline uint64_t virtq_avail_bytes(uint32_t n)
{
	return 6 + 2ULL * n;
}

static inline uint64_t virtq_used_bytes(uint32_t n)
{
	return 6 + 8ULL * n;
}

/* vring_need_event(): did the index pass `event` when it moved from old to new? */
static inline bool virtq_need_event(uint16_t event, uint16_t new_idx, uint16_t old_idx)
{
	return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old_idx);
}

#endif
