/* SPDX-License-Identifier: MIT */
/*
 * virtio-blk requests, private to devices/virtio_blk*.c: turning a validated
 * chain into a request (header, data buffers, status byte) with every check
 * of BOOT-REFERENCE §5.6 that is specific to virtio-blk.
 *
 * The chain is read as two byte streams, as VERSION_1's free framing
 * requires: the device-readable bytes are the 16-byte header followed by the
 * OUT data (or discard/write-zeroes ranges); the device-writable bytes are
 * the IN data (or GET_ID's 20 bytes) followed by the status byte, the last
 * one. How the driver splits these into descriptors does not matter.
 */
#ifndef MINIVMM_DEVICES_VIRTIO_BLK_REQ_H
#define MINIVMM_DEVICES_VIRTIO_BLK_REQ_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "devices/aio.h"
#include "devices/virtio_blk.h"
#include "devices/virtqueue.h"

/* Host pieces of one request's data: a buffer may span two RAM regions. */
#define VIRTIO_BLK_MAX_IOV (VIRTQ_MAX_SEGS + 8)

/* What parsing decided, besides a VIRTIO_BLK_S_* status to answer at once. */
#define BLK_REQ_SUBMIT 0x100 /* the request needs the back end */
#define BLK_REQ_DROP   0x101 /* no status byte: return the chain unused */

/* Discard and write-zeroes go through these steps, falling back on EOPNOTSUPP. */
enum blk_stage {
	BLK_STAGE_IO,         /* IN, OUT, FLUSH */
	BLK_STAGE_PUNCH,      /* fallocate PUNCH_HOLE (discard; write-zeroes with UNMAP) */
	BLK_STAGE_ZERO_RANGE, /* fallocate ZERO_RANGE */
	BLK_STAGE_ZERO_WRITE, /* plain writes of zeros */
};

struct virtio_blk_req {
	struct aio_op op; /* first: the completion finds the request from the op */
	struct virtio_blk *blk;
	struct virtio_blk_req *next_free;
	uint32_t generation; /* the queue's, when the request started */
	uint16_t head;
	uint32_t type;
	enum blk_stage stage;
	gpa_t status_gpa;
	uint32_t used_len;    /* bytes written into the chain, reported on success */
	uint64_t offset, len; /* bytes still to do: the data or the range */
	uint64_t bytes;       /* the request's size, for the statistics */
	bool force_buffered;  /* cache=none: O_DIRECT refused these buffers */
	unsigned int retries;
	unsigned int iov_first, niov; /* iov[iov_first, niov): what is left to transfer */
	struct iovec iov[VIRTIO_BLK_MAX_IOV];
};

/*
 * Parses chain c into r. Returns BLK_REQ_SUBMIT, BLK_REQ_DROP, or the status
 * to answer at once (GET_ID is answered here). Errors are reported on the
 * transport. Lock held.
 */
int virtio_blk_req_parse(struct virtio_blk *b, const struct virtq_chain *c,
                         struct virtio_blk_req *r);

#endif
