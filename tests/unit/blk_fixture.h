/* SPDX-License-Identifier: MIT */
/*
 * A virtio-blk device on fake guest memory (virtq_driver.h) with a fake aio
 * back end: ops are recorded when submitted and completed when a test says
 * so, in any order, either for real on the image file (BF_RUN: preadv,
 * pwritev, fdatasync, fallocate) or with a result the test makes up (errors,
 * short transfers). The image is a temporary file with a known pattern.
 */
#ifndef MINIVMM_TESTS_UNIT_BLK_FIXTURE_H
#define MINIVMM_TESTS_UNIT_BLK_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/virtio_blk.h"
#include "virtq_driver.h"

#define BF_QSIZE        256
#define BF_MAX_OPS      1024
#define BF_RUN          1000000 /* bf_complete(): do the op for real */
#define BF_IMG_BYTES    (4ULL << 20)
#define BF_SECTORS      (BF_IMG_BYTES / 512)
#define BF_STATUS_UNSET 0xee /* what a status byte holds before the device answers */

struct bf_aio {
	struct aio base;
	struct aio_op *ops[BF_MAX_OPS]; /* submitted, not completed, in submission order */
	unsigned int n;
	unsigned int submitted;
	int fail_submit; /* when non-zero, submit() returns it */
};

/* One request as the driver built it. */
struct bf_req {
	uint16_t head;
	gpa_t hdr, data, status;
	uint32_t len;
};

extern struct td bf_td;
extern struct virtio_blk bf_blk;
extern struct bf_aio bf_aio;
extern struct block_image bf_img;
extern unsigned int bf_edges;  /* interrupt edges sent */
extern struct aio *bf_backend; /* set before bf_setup() for a real back end (default: bf_aio) */

/* Image of BF_IMG_BYTES with the pattern, opened with the options; device up with features. */
void bf_setup(bool read_only, enum block_cache cache, uint64_t features);
void bf_teardown(void);
/* Everything the device offers. */
uint64_t bf_all_features(void);
/* The Linux probe: reset, features, queue 0 of BF_QSIZE, DRIVER_OK. */
void bf_bring_up(uint64_t features);

/* The image pattern's byte at offset off, and the file's actual bytes. */
uint8_t bf_pattern(uint64_t off);
void bf_file_read(uint64_t off, void *buf, uint64_t len);

/* Descriptor chains: buffers in order; returns the head. */
struct bf_buf {
	gpa_t gpa;
	uint32_t len;
	bool writable;
};
uint16_t bf_chain(const struct bf_buf *b, unsigned int n);
gpa_t bf_header(uint32_t type, uint64_t sector);
gpa_t bf_status_byte(void);

/* Linux's layout: header, data (len 0: none), status. IN data is writable, OUT readable. */
struct bf_req bf_request(uint32_t type, uint64_t sector, uint32_t len);
/* A DISCARD / WRITE_ZEROES with one range. */
struct bf_req bf_zero_request(uint32_t type, uint64_t sector, uint32_t num, uint32_t flags);

/* Offers the heads and writes QUEUE_NOTIFY once. */
void bf_offer_and_notify(const uint16_t *heads, unsigned int n);
void bf_send(const struct bf_req *r);
/* The round's end: leftover chains and the interrupt decision. */
void bf_end_batch(void);

/* Completes pending op i with res (BF_RUN: for real). */
void bf_complete(unsigned int i, int res);
/* Completes every pending op for real, oldest first, until none is left. */
void bf_complete_all(void);

uint8_t bf_status(const struct bf_req *r);
/* Used ring entry i: the chain's head and the bytes written. */
void bf_expect_used(uint16_t i, uint16_t head, uint32_t len);
uint32_t bf_reg(uint64_t off);
void bf_reg_write(uint64_t off, uint32_t v);

#endif
