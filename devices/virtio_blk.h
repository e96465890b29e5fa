/* SPDX-License-Identifier: MIT */
/*
 * virtio-blk (virtio 1.2 §5.2, BOOT-REFERENCE §5.5, §5.6) on the virtio-mmio
 * transport, with one request queue and an asynchronous back end (aio.h).
 *
 * Each notification takes every available chain, turns each request into one
 * back-end op (read and write buffers are the guest's own memory, no copy)
 * and queues it; the batch goes out together and completes in any order.
 * A request is answered (status byte, used ring) only when its op has
 * completed: a FLUSH is an fdatasync() that has returned.
 *
 * Requests: IN, OUT, FLUSH, GET_ID, DISCARD, WRITE_ZEROES. Features: VERSION_1,
 * EVENT_IDX, INDIRECT_DESC, SEG_MAX, BLK_SIZE, FLUSH, and RO for read-only
 * images or DISCARD and WRITE_ZEROES for writable ones. A request the device
 * cannot serve gets IOERR (bad lengths, sectors beyond the disk, a write to
 * a read-only disk, a failed back-end op) or UNSUPP (unknown type, flags it
 * does not know); a chain without a status byte is returned unused.
 */
#ifndef MINIVMM_DEVICES_VIRTIO_BLK_H
#define MINIVMM_DEVICES_VIRTIO_BLK_H

#include <pthread.h>
#include <stdint.h>

#include "devices/aio.h"
#include "devices/block_image.h"
#include "devices/virtio_mmio.h"

#define VIRTIO_BLK_F_SEG_MAX      2
#define VIRTIO_BLK_F_RO           5
#define VIRTIO_BLK_F_BLK_SIZE     6
#define VIRTIO_BLK_F_FLUSH        9
#define VIRTIO_BLK_F_DISCARD      13
#define VIRTIO_BLK_F_WRITE_ZEROES 14

#define VIRTIO_BLK_T_IN           0
#define VIRTIO_BLK_T_OUT          1
#define VIRTIO_BLK_T_FLUSH        4
#define VIRTIO_BLK_T_GET_ID       8
#define VIRTIO_BLK_T_DISCARD      11
#define VIRTIO_BLK_T_WRITE_ZEROES 13

#define VIRTIO_BLK_S_OK     0
#define VIRTIO_BLK_S_IOERR  1
#define VIRTIO_BLK_S_UNSUPP 2

#define VIRTIO_BLK_WZ_UNMAP 1 /* discard/write-zeroes segment flag */

#define VIRTIO_BLK_QUEUE_SIZE       256
#define VIRTIO_BLK_SEG_MAX          (VIRTIO_BLK_QUEUE_SIZE - 2) /* data buffers per request */
#define VIRTIO_BLK_MAX_ZERO_SECTORS (1u << 21)                  /* 1 GiB per discard/write-zeroes */
#define VIRTIO_BLK_HDR_BYTES        16
#define VIRTIO_BLK_SEGMENT_BYTES    16 /* one discard/write-zeroes range */

/* The configuration space, as the guest reads it at 0x100 (little endian). */
struct virtio_blk_config {
	uint64_t capacity; /* 512-byte sectors */
	uint32_t size_max;
	uint32_t seg_max;
	uint16_t cylinders;
	uint8_t heads, sectors;
	uint32_t blk_size;
	uint8_t physical_block_exp, alignment_offset;
	uint16_t min_io_size;
	uint32_t opt_io_size;
	uint8_t writeback, unused0;
	uint16_t num_queues;
	uint32_t max_discard_sectors, max_discard_seg, discard_sector_alignment;
	uint32_t max_write_zeroes_sectors, max_write_zeroes_seg;
	uint8_t write_zeroes_may_unmap, unused1[3];
} __attribute__((packed));

struct virtio_blk_stats {
	uint64_t reads, writes, flushes, get_ids, discards, write_zeroes; /* answered OK */
	uint64_t bytes_read, bytes_written;
	uint64_t ioerr, unsupp; /* answered with IOERR, UNSUPP */
	uint64_t bad_chains;    /* returned unused */
	uint64_t inflight_max;
	uint64_t direct_fallbacks; /* cache=none requests that went through the buffered fd */
};

struct virtio_blk_req;

struct virtio_blk_params {
	const char *name; /* "virtio-blk vda" */
	const struct block_image *image;
	struct aio *aio;
	struct guest_mem *mem;
	struct platform *platform;
	unsigned int irq;
};

struct virtio_blk {
	struct virtio_mmio transport; /* its lock guards everything below */
	struct virtq queue;
	const struct block_image *img;
	struct aio *aio;
	struct virtio_blk_config config;
	struct virtio_blk_req *reqs, *free_reqs;
	unsigned int inflight;
	bool stalled;        /* chains wait for a free request slot */
	bool more;           /* chains left after a bounded round: go on at the batch's end */
	bool quiesced;       /* shutting down: no new requests */
	pthread_cond_t idle; /* inflight dropped to 0 (a reset waits for it) */
	unsigned int reset_timeout_ms;
	struct virtq_chain chain; /* scratch for the chain being parsed */
	struct virtio_blk_stats stats;
};

int virtio_blk_init(struct virtio_blk *b, const struct virtio_blk_params *p, struct err *e);
void virtio_blk_destroy(struct virtio_blk *b);

/* Takes no new requests from now on (shutdown); those in flight complete. Takes the lock. */
void virtio_blk_quiesce(struct virtio_blk *b);

/*
 * After a batch of completions: goes on with chains left over, then sends
 * the interrupt if the driver wants one. Returns true when work is left for
 * another round at once. Takes the lock.
 */
bool virtio_blk_end_batch(struct virtio_blk *b);

#endif
