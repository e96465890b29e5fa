// SPDX-License-Identifier: MIT
/*
 * virtio-blk against a driver that gets things wrong or means harm: every bad
 * request gets the status byte the spec asks for (IOERR, UNSUPP) and a report
 * naming the numbers, chains without a status byte or malformed in any way go
 * back unused, a corrupt ring puts the device in NEEDS_RESET and a reset
 * brings it back, a reset or a queue turned off waits (bounded) for requests
 * in flight while nothing new starts and other vCPUs' accesses wait, and a
 * seeded fuzz test mixes random requests, framings, chains and back-end
 * answers: nothing crashes, hangs or leaks (ASan/UBSan), every chain taken
 * is returned exactly once and every request slot comes back.
 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "blk_fixture.h"
#include "test_helpers.h"

#define IN  VIRTIO_BLK_T_IN
#define OUT VIRTIO_BLK_T_OUT

static void setup(void)
{
	bf_setup(false, BLOCK_CACHE_WRITEBACK, 0);
}

static void setup_ro(void)
{
	bf_setup(true, BLOCK_CACHE_WRITEBACK, 0);
}

/* Sent alone, r is answered at once with status and report msg; nothing reaches the back end. */
static void expect_refused(const struct bf_req *r, uint8_t status, const char *msg)
{
	bf_send(r);
	ck_assert_uint_eq(bf_aio.n, 0);
	ck_assert_uint_eq(bf_status(r), status);
	bf_expect_used((uint16_t)(td_used_idx(&bf_td) - 1), r->head, 1);
	ck_assert_str_eq(bf_blk.transport.last_error, msg);
}

/* The device still serves: a read of sector 0 comes back right. */
static void expect_still_serving(void)
{
	struct bf_req r = bf_request(IN, 0, 512);

	bf_send(&r);
	ck_assert_uint_eq(bf_aio.n, 1);
	bf_complete(0, BF_RUN);
	ck_assert_uint_eq(bf_status(&r), VIRTIO_BLK_S_OK);
	ck_assert_uint_eq(td_byte(&bf_td, r.data + 7), bf_pattern(7));
}

/* ---- bad requests: the right status byte ------------------------------------ */

static const struct {
	uint32_t type;
	uint64_t sector;
	uint32_t len;
	uint8_t status;
	const char *msg;
} bad_requests[] = {
	{ IN, BF_SECTORS, 512, VIRTIO_BLK_S_IOERR,
	  "request 0: sectors [8192, +1) beyond the disk's 8192" },
	{ IN, BF_SECTORS - 1, 1024, VIRTIO_BLK_S_IOERR,
	  "request 0: sectors [8191, +2) beyond the disk's 8192" },
	{ OUT, UINT64_MAX, 512, VIRTIO_BLK_S_IOERR,
	  "request 0: sectors [18446744073709551615, +1) beyond the disk's 8192" },
	{ OUT, UINT64_MAX / 512 + 1, 512, VIRTIO_BLK_S_IOERR, /* sector * 512 would wrap */
	  "request 0: sectors [36028797018963968, +1) beyond the disk's 8192" },
	{ IN, 0, 100, VIRTIO_BLK_S_IOERR, "request 0: 100 bytes, not a non-zero multiple of 512" },
	{ OUT, 0, 0, VIRTIO_BLK_S_IOERR, "request 0: 0 bytes, not a non-zero multiple of 512" },
	{ 99, 0, 0, VIRTIO_BLK_S_UNSUPP, "request 0: type 99 unsupported" },
	{ VIRTIO_BLK_T_GET_ID, 0, 19, VIRTIO_BLK_S_IOERR,
	  "request 0: GET_ID buffer of 19 bytes, want 20" },
};

START_TEST(test_bad_requests_get_the_right_status)
{
	struct bf_req r =
	    bf_request(bad_requests[_i].type, bad_requests[_i].sector, bad_requests[_i].len);

	expect_refused(&r, bad_requests[_i].status, bad_requests[_i].msg);
	expect_still_serving();
}
END_TEST

START_TEST(test_data_the_wrong_way_is_an_io_error)
{
	gpa_t hdr = bf_header(IN, 0), data = td_alloc(&bf_td, 512, 0), st = bf_status_byte();
	struct bf_buf in[] = { { hdr, 16, false }, { data, 512, false }, { st, 1, true } };
	struct bf_req r = { .head = bf_chain(in, 3), .status = st };
	gpa_t hdr2 = bf_header(OUT, 0), st2 = bf_status_byte();
	struct bf_buf out[] = { { hdr2, 16, false }, { data, 512, true }, { st2, 1, true } };
	struct bf_req w = { .head = bf_chain(out, 3), .status = st2 };

	expect_refused(&r, VIRTIO_BLK_S_IOERR, "request 0: IN with 512 device-readable data bytes");
	expect_refused(&w, VIRTIO_BLK_S_IOERR,
	               "request 3: OUT with 512 device-writable data bytes");
}
END_TEST

START_TEST(test_a_short_header_is_an_io_error)
{
	gpa_t hdr = bf_header(IN, 0), st = bf_status_byte();
	struct bf_buf b[] = { { hdr, 8, false }, { st, 1, true } };
	struct bf_req r = { .head = bf_chain(b, 2), .status = st };

	expect_refused(&r, VIRTIO_BLK_S_IOERR, "request 0: header of 8 bytes, want 16");
}
END_TEST

START_TEST(test_a_chain_without_a_status_byte_goes_back_unused)
{
	gpa_t hdr = bf_header(OUT, 0), data = td_alloc(&bf_td, 512, 0x77);
	struct bf_buf b[] = { { hdr, 16, false }, { data, 512, false } };
	uint16_t head = bf_chain(b, 2);
	uint8_t got[512];

	bf_offer_and_notify(&head, 1);
	ck_assert_uint_eq(bf_aio.n, 0);
	bf_expect_used(0, head, 0);
	ck_assert_uint_eq(bf_blk.stats.bad_chains, 1);
	ck_assert_str_eq(bf_blk.transport.last_error, "request 0: no device-writable status byte");
	bf_file_read(0, got, sizeof(got));
	ck_assert_uint_eq(got[0], bf_pattern(0)); /* nothing was written */
	expect_still_serving();
}
END_TEST

START_TEST(test_a_read_only_disk_refuses_writes_with_an_io_error)
{
	struct bf_req w = bf_request(OUT, 0, 512);
	struct bf_req d = bf_zero_request(VIRTIO_BLK_T_DISCARD, 0, 8, 0);
	uint8_t got[512];
	unsigned int i;

	expect_refused(&w, VIRTIO_BLK_S_IOERR,
	               "request 0: write to a read-only disk (sector 0, 512 bytes)");
	expect_refused(&d, VIRTIO_BLK_S_UNSUPP, "request 3: DISCARD not negotiated");
	bf_file_read(0, got, sizeof(got));
	for (i = 0; i < sizeof(got); i++)
		ck_assert_uint_eq(got[i], bf_pattern(i));
	expect_still_serving();
}
END_TEST

static const struct {
	uint32_t type;
	uint64_t sector;
	uint32_t num, flags;
	uint8_t status;
	const char *msg;
} bad_ranges[] = {
	{ VIRTIO_BLK_T_DISCARD, 0, 8, VIRTIO_BLK_WZ_UNMAP, VIRTIO_BLK_S_UNSUPP,
	  "request 0: DISCARD flags 0x1 unsupported" },
	{ VIRTIO_BLK_T_WRITE_ZEROES, 0, 8, 0x2, VIRTIO_BLK_S_UNSUPP,
	  "request 0: WRITE_ZEROES flags 0x2 unsupported" },
	{ VIRTIO_BLK_T_DISCARD, BF_SECTORS - 2, 16, 0, VIRTIO_BLK_S_IOERR,
	  "request 0: sectors [8190, +16) beyond the disk's 8192" },
	{ VIRTIO_BLK_T_WRITE_ZEROES, 0, VIRTIO_BLK_MAX_ZERO_SECTORS + 1, 0, VIRTIO_BLK_S_IOERR,
	  "request 0: WRITE_ZEROES of 2097153 sectors, at most 2097152" },
};

START_TEST(test_bad_discard_and_write_zeroes_ranges)
{
	struct bf_req r = bf_zero_request(bad_ranges[_i].type, bad_ranges[_i].sector,
	                                  bad_ranges[_i].num, bad_ranges[_i].flags);

	expect_refused(&r, bad_ranges[_i].status, bad_ranges[_i].msg);
	expect_still_serving();
}
END_TEST

START_TEST(test_discard_with_two_ranges_or_a_torn_range_is_an_io_error)
{
	gpa_t hdr = bf_header(VIRTIO_BLK_T_DISCARD, 0), ranges = td_alloc(&bf_td, 32, 0);
	gpa_t st = bf_status_byte();
	struct bf_buf two[] = { { hdr, 16, false }, { ranges, 32, false }, { st, 1, true } };
	struct bf_req r = { .head = bf_chain(two, 3), .status = st };
	struct bf_buf torn[] = { { hdr, 16, false }, { ranges, 20, false }, { st, 1, true } };
	struct bf_req s = { .head = bf_chain(torn, 3), .status = st };

	expect_refused(&r, VIRTIO_BLK_S_IOERR, "request 0: DISCARD with 2 ranges, at most 1");
	expect_refused(&s, VIRTIO_BLK_S_IOERR,
	               "request 3: DISCARD with 20 range bytes and 0 data bytes to write, want "
	               "16-byte ranges");
}
END_TEST

START_TEST(test_discard_the_driver_did_not_negotiate_is_unsupported)
{
	struct bf_req r;

	bf_bring_up(bf_all_features() & ~VIRTIO_BIT(VIRTIO_BLK_F_DISCARD));
	r = bf_zero_request(VIRTIO_BLK_T_DISCARD, 0, 8, 0);
	expect_refused(&r, VIRTIO_BLK_S_UNSUPP, "request 0: DISCARD not negotiated");
}
END_TEST

/* ---- malformed chains: returned unused, the device serves on ---------------- */

static void chain_loop(uint16_t head)
{
	td_desc(&bf_td, head, bf_header(IN, 0), 16, VIRTQ_DESC_F_NEXT, head);
}

static void chain_next_out_of_range(uint16_t head)
{
	td_desc(&bf_td, head, bf_header(IN, 0), 16, VIRTQ_DESC_F_NEXT, BF_QSIZE);
}

static void chain_outside_ram(uint16_t head)
{
	td_desc(&bf_td, head, bf_header(IN, 0), 16, VIRTQ_DESC_F_NEXT, (uint16_t)(head + 1));
	td_desc(&bf_td, head + 1, TD_GAP, 513, VIRTQ_DESC_F_WRITE, 0);
}

static void chain_readable_after_writable(uint16_t head)
{
	td_desc(&bf_td, head, bf_status_byte(), 1, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT,
	        (uint16_t)(head + 1));
	td_desc(&bf_td, head + 1, bf_header(IN, 0), 16, 0, 0);
}

static void chain_zero_length(uint16_t head)
{
	td_desc(&bf_td, head, bf_header(IN, 0), 16, VIRTQ_DESC_F_NEXT, (uint16_t)(head + 1));
	td_desc(&bf_td, head + 1, bf_status_byte(), 0, VIRTQ_DESC_F_WRITE, 0);
}

static void chain_nested_indirect(uint16_t head)
{
	gpa_t table = td_alloc(&bf_td, 16, 0);

	td_desc_at(&bf_td, table, 0, table, 16, VIRTQ_DESC_F_INDIRECT, 0);
	td_desc(&bf_td, head, table, 16, VIRTQ_DESC_F_INDIRECT, 0);
}

static void chain_huge_indirect_table(uint16_t head)
{
	td_desc(&bf_td, head, TD_DATA, 0xfffffff0, VIRTQ_DESC_F_INDIRECT, 0);
}

static void (*const malformed[])(uint16_t head) = {
	chain_loop,
	chain_next_out_of_range,
	chain_outside_ram,
	chain_readable_after_writable,
	chain_zero_length,
	chain_nested_indirect,
	chain_huge_indirect_table,
};

START_TEST(test_malformed_chains_go_back_unused_and_the_device_serves_on)
{
	uint16_t head = 100;

	malformed[_i](head);
	bf_offer_and_notify(&head, 1);
	ck_assert_uint_eq(bf_aio.n, 0);
	bf_expect_used(0, head, 0);
	ck_assert_uint_eq(bf_blk.stats.bad_chains, 1);
	ck_assert_uint_eq(bf_blk.transport.stats.errors, 1);
	ck_assert_uint_eq(bf_reg(VIRTIO_MMIO_STATUS), 0xf); /* no reset needed */
	expect_still_serving();
}
END_TEST

START_TEST(test_a_corrupt_ring_needs_a_reset_and_a_reset_brings_the_device_back)
{
	td_set_avail_idx(&bf_td, BF_QSIZE + 1);
	bf_reg_write(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	ck_assert_uint_eq(bf_aio.n, 0);
	ck_assert_uint_eq(bf_reg(VIRTIO_MMIO_STATUS), 0xf | VIRTIO_STATUS_NEEDS_RESET);
	ck_assert_uint_eq(bf_reg(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_CONFIG);
	ck_assert_uint_eq(bf_edges, 1);
	ck_assert_str_eq(
	    bf_blk.transport.last_error,
	    "queue 0: available index 257 is 257 ahead of the device's 0, more than the "
	    "queue size 256");
	bf_bring_up(bf_all_features());
	td_set_avail_idx(&bf_td, 0);
	expect_still_serving();
}
END_TEST

/* ---- reset with requests in flight ------------------------------------------ */

static void *complete_later(void *arg)
{
	(void)arg;
	usleep(100 * 1000);
	bf_complete(0, BF_RUN);
	return NULL;
}

/*
 * Register reg is written with 0 while a read is in flight and completes 100 ms
 * later on another thread: the write returns once the read was answered.
 */
static void stop_while_a_read_completes(uint64_t reg)
{
	struct bf_req r = bf_request(IN, 0, 512);
	pthread_t thread;

	bf_send(&r);
	ck_assert_int_eq(pthread_create(&thread, NULL, complete_later, NULL), 0);
	bf_reg_write(reg, 0); /* returns once the read has completed */
	ck_assert_int_eq(pthread_join(thread, NULL), 0);
	ck_assert_uint_eq(bf_blk.inflight, 0);
	ck_assert_uint_eq(bf_status(&r), VIRTIO_BLK_S_OK); /* answered before the write returned */
	ck_assert_uint_eq(bf_blk.transport.stats.errors, 0);
}

/* The same write with the read never completing: the wait gives up after 50 ms. */
static struct bf_req stop_and_give_up(uint64_t reg, const char *msg)
{
	struct bf_req r = bf_request(IN, 0, 512);

	bf_blk.reset_timeout_ms = 50;
	bf_send(&r);
	bf_reg_write(reg, 0);
	ck_assert_str_eq(bf_blk.transport.last_error, msg);
	return r;
}

START_TEST(test_a_reset_waits_for_requests_in_flight)
{
	stop_while_a_read_completes(VIRTIO_MMIO_STATUS);
	ck_assert_uint_eq(bf_reg(VIRTIO_MMIO_STATUS), 0);
}
END_TEST

START_TEST(test_a_reset_gives_up_waiting_and_later_completions_are_dropped)
{
	struct bf_req r = stop_and_give_up(VIRTIO_MMIO_STATUS,
	                                   "reset: 1 requests still in flight after 50 ms; their "
	                                   "completions will be dropped");

	bf_bring_up(bf_all_features());
	bf_complete(0, BF_RUN);
	ck_assert_uint_eq(bf_status(&r), BF_STATUS_UNSET);
	ck_assert_uint_eq(td_used_idx(&bf_td), 0);
	ck_assert_uint_eq(bf_blk.inflight, 0); /* the slot came back */
	expect_still_serving();
}
END_TEST

/*
 * While a reset waits for r1: a new request notified through the ioeventfd
 * path does not start, and another vCPU's register read waits until the reset
 * is over (it reads 0, not the 0xf the status holds during the wait).
 */
static struct bf_req second;
static unsigned int pending_during_wait;
static uint32_t status_seen_by_other_vcpu = 0xdead;

static void *other_vcpu(void *arg)
{
	(void)arg;
	status_seen_by_other_vcpu = bf_reg(VIRTIO_MMIO_STATUS);
	return NULL;
}

static void *poke_then_complete(void *arg)
{
	pthread_t vcpu;

	(void)arg;
	usleep(50 * 1000);
	ck_assert_int_eq(pthread_create(&vcpu, NULL, other_vcpu, NULL), 0);
	td_offer(&bf_td, second.head);
	virtio_mmio_notify(&bf_blk.transport, 0);
	usleep(50 * 1000);
	pending_during_wait = bf_aio.n;
	ck_assert_uint_eq(status_seen_by_other_vcpu, 0xdead); /* still waiting */
	bf_complete(0, BF_RUN);
	ck_assert_int_eq(pthread_join(vcpu, NULL), 0);
	return NULL;
}

START_TEST(test_during_a_reset_nothing_starts_and_other_vcpus_wait)
{
	struct bf_req r = bf_request(IN, 0, 512);
	pthread_t thread;

	second = bf_request(IN, 8, 512);
	bf_send(&r);
	ck_assert_int_eq(pthread_create(&thread, NULL, poke_then_complete, NULL), 0);
	bf_reg_write(VIRTIO_MMIO_STATUS, 0);
	ck_assert_int_eq(pthread_join(thread, NULL), 0);
	ck_assert_uint_eq(pending_during_wait, 1); /* r only: the second did not start */
	ck_assert_uint_eq(status_seen_by_other_vcpu, 0);
	ck_assert_uint_eq(bf_aio.n, 0);
	ck_assert_uint_eq(bf_status(&r), VIRTIO_BLK_S_OK);
	ck_assert_uint_eq(bf_status(&second), BF_STATUS_UNSET);
	ck_assert_uint_eq(bf_blk.transport.stats.errors, 0);
}
END_TEST

/* QUEUE_READY 0 (Linux's vm_del_vq) stops the queue the same way: no DMA after the write. */
START_TEST(test_turning_the_queue_off_waits_for_requests_in_flight)
{
	stop_while_a_read_completes(VIRTIO_MMIO_QUEUE_READY);
	ck_assert_uint_eq(bf_blk.transport.stats.queue_stops, 1);
	ck_assert_uint_eq(bf_reg(VIRTIO_MMIO_QUEUE_READY), 0);
	bf_bring_up(bf_all_features());
	td_set_avail_idx(&bf_td, 0);
	expect_still_serving();
}
END_TEST

START_TEST(test_turning_the_queue_off_gives_up_waiting_and_drops_later_completions)
{
	struct bf_req r = stop_and_give_up(
	    VIRTIO_MMIO_QUEUE_READY, "queue 0 turned off: 1 requests still in flight after 50 "
	                             "ms; their completions will be dropped");

	bf_complete(0, BF_RUN);
	ck_assert_uint_eq(bf_status(&r), BF_STATUS_UNSET);
	ck_assert_uint_eq(bf_blk.inflight, 0); /* the slot came back */
}
END_TEST

START_TEST(test_after_quiesce_no_new_request_starts)
{
	struct bf_req r = bf_request(IN, 0, 512);

	virtio_blk_quiesce(&bf_blk);
	bf_send(&r);
	bf_end_batch();
	ck_assert_uint_eq(bf_aio.n, 0);
	ck_assert_uint_eq(bf_status(&r), BF_STATUS_UNSET);
}
END_TEST

/* ---- fuzz: random requests, framings and back-end answers -------------------- */

static uint64_t rng;

static uint32_t pick(const uint32_t *v, unsigned int n)
{
	return v[td_rand(&rng) % n];
}

struct fuzz_hdr {
	uint32_t type, reserved;
	uint64_t sector;
	uint64_t range_sector; /* a discard / write-zeroes range right after the header */
	uint32_t range_num, range_flags;
};

static struct fuzz_hdr random_header(uint32_t type)
{
	return (struct fuzz_hdr){ type,
		                  0,
		                  td_rand(&rng) % 4 ? td_rand(&rng) % BF_SECTORS : td_rand(&rng),
		                  td_rand(&rng) % (BF_SECTORS + 4),
		                  (uint32_t)(td_rand(&rng) % 64),
		                  (uint32_t)(td_rand(&rng) % 8 ? 0 : td_rand(&rng) % 4) };
}

/* A request laid out as Linux does it, of a random type, sector and size. */
static void linux_request(uint16_t head, gpa_t base)
{
	static const uint32_t types[] = { 0, 0, 1, 1, 4, 8, 11, 13 };
	struct fuzz_hdr hdr = random_header(pick(types, 8));
	bool zeroes = hdr.type == VIRTIO_BLK_T_DISCARD || hdr.type == VIRTIO_BLK_T_WRITE_ZEROES;
	uint32_t len = hdr.type <= 1   ? 512 * (1 + (uint32_t)(td_rand(&rng) % 16))
	               : hdr.type == 8 ? 20
	                               : 0;
	struct bf_buf b[3];
	unsigned int n = 0, i;

	td_write(&bf_td, base, &hdr, sizeof(hdr));
	b[n++] = (struct bf_buf){ base, zeroes ? 32 : 16, false };
	if (len)
		b[n++] = (struct bf_buf){ base + 512, len, hdr.type != 1 };
	b[n++] = (struct bf_buf){ base + 512 + len, 1, true };
	for (i = 0; i < n; i++)
		td_desc(&bf_td, (uint16_t)((head + i) % BF_QSIZE), b[i].gpa, b[i].len,
		        (uint16_t)((b[i].writable ? VIRTQ_DESC_F_WRITE : 0) |
		                   (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0)),
		        (uint16_t)((head + i + 1) % BF_QSIZE));
}

/* Anything: up to 6 buffers of odd sizes, stray flags, links and addresses. */
static void chaotic_request(uint16_t head, gpa_t base)
{
	static const uint32_t types[] = { 0, 1, 4, 8, 11, 13, 99, 0xffffffff };
	static const uint32_t lens[] = { 0, 1, 15, 16, 17, 20, 511, 512, 513, 4096, 8193 };
	struct fuzz_hdr hdr = random_header(pick(types, 8));
	unsigned int i, n = 1 + td_rand(&rng) % 6, writable_from = 1 + td_rand(&rng) % n;
	gpa_t at = base;

	td_write(&bf_td, base, &hdr, sizeof(hdr));
	for (i = 0; i < n; i++) {
		uint32_t len = pick(lens, 11);
		uint16_t flags = (uint16_t)((i >= writable_from ? VIRTQ_DESC_F_WRITE : 0) |
		                            (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0));

		if (td_rand(&rng) % 40 == 0)
			flags ^= (uint16_t)(1u << (td_rand(&rng) % 3)); /* a wrong flag */
		if (td_rand(&rng) % 40 == 0)
			at = td_rand(&rng) % 3 ? TD_GAP - 8 : td_rand(&rng); /* outside RAM */
		td_desc(&bf_td, (uint16_t)((head + i) % BF_QSIZE), at, len, flags,
		        (uint16_t)(td_rand(&rng) % 50 ? (head + i + 1) % BF_QSIZE
		                                      : td_rand(&rng) % 300));
		at += len;
	}
}

static void random_request(uint16_t head)
{
	gpa_t base = TD_DATA + (td_rand(&rng) % 0x300) * 1024;

	if (td_rand(&rng) % 2)
		linux_request(head, base);
	else
		chaotic_request(head, base);
	td_offer(&bf_td, head);
}

static int random_result(void)
{
	static const int results[] = { BF_RUN,  BF_RUN, BF_RUN, BF_RUN, -EIO,        -EINTR,
		                       -EAGAIN, 0,      1,      512,    -EOPNOTSUPP, -EINVAL };

	return results[td_rand(&rng) % ARRAY_SIZE(results)];
}

START_TEST(test_fuzz_random_requests_and_answers_leave_the_device_consistent)
{
	unsigned int round, i;

	rng = 0xb10c0000ULL + (uint64_t)_i;
	for (round = 0; round < 300; round++) {
		uint16_t head = (uint16_t)(td_rand(&rng) % BF_QSIZE);
		unsigned int burst = 1 + td_rand(&rng) % 8;

		for (i = 0;
		     i < burst && (uint16_t)(bf_td.avail_idx - bf_blk.queue.last_avail) < BF_QSIZE;
		     i++)
			random_request((uint16_t)((head + 8 * i) % BF_QSIZE));
		bf_reg_write(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
		while (bf_aio.n && td_rand(&rng) % 4)
			bf_complete((unsigned int)(td_rand(&rng) % bf_aio.n), random_result());
		bf_end_batch();
		if (td_rand(&rng) % 50 == 0 || bf_blk.queue.broken) {
			bf_complete_all();
			bf_bring_up(bf_all_features());
		}
	}
	bf_complete_all();
	bf_end_batch();
	ck_assert_uint_eq(bf_blk.inflight, 0);
	ck_assert_uint_eq(bf_aio.n, 0);
	/* Every chain taken since the last reset went back exactly once. */
	ck_assert_uint_eq(td_used_idx(&bf_td), bf_blk.queue.last_avail);
	ck_assert_uint_gt(bf_blk.stats.reads + bf_blk.stats.writes, 0);
	ck_assert_uint_gt(bf_blk.stats.ioerr, 0);
	ck_assert_uint_gt(bf_blk.stats.bad_chains, 0);
}
END_TEST

static Suite *virtio_blk_hostile_suite(void)
{
	Suite *s = suite_create("virtio_blk_hostile");
	TCase *tc = tcase_create("bad requests");

	tcase_add_checked_fixture(tc, setup, bf_teardown);
	tcase_add_loop_test(tc, test_bad_requests_get_the_right_status, 0,
	                    ARRAY_SIZE(bad_requests));
	tcase_add_test(tc, test_data_the_wrong_way_is_an_io_error);
	tcase_add_test(tc, test_a_short_header_is_an_io_error);
	tcase_add_test(tc, test_a_chain_without_a_status_byte_goes_back_unused);
	tcase_add_loop_test(tc, test_bad_discard_and_write_zeroes_ranges, 0,
	                    ARRAY_SIZE(bad_ranges));
	tcase_add_test(tc, test_discard_with_two_ranges_or_a_torn_range_is_an_io_error);
	tcase_add_test(tc, test_discard_the_driver_did_not_negotiate_is_unsupported);
	suite_add_tcase(s, tc);

	tc = tcase_create("read-only");
	tcase_add_checked_fixture(tc, setup_ro, bf_teardown);
	tcase_add_test(tc, test_a_read_only_disk_refuses_writes_with_an_io_error);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed chains and rings");
	tcase_add_checked_fixture(tc, setup, bf_teardown);
	tcase_add_loop_test(tc, test_malformed_chains_go_back_unused_and_the_device_serves_on, 0,
	                    ARRAY_SIZE(malformed));
	tcase_add_test(tc, test_a_corrupt_ring_needs_a_reset_and_a_reset_brings_the_device_back);
	suite_add_tcase(s, tc);

	tc = tcase_create("reset");
	tcase_add_checked_fixture(tc, setup, bf_teardown);
	tcase_add_test(tc, test_a_reset_waits_for_requests_in_flight);
	tcase_add_test(tc, test_a_reset_gives_up_waiting_and_later_completions_are_dropped);
	tcase_add_test(tc, test_during_a_reset_nothing_starts_and_other_vcpus_wait);
	tcase_add_test(tc, test_turning_the_queue_off_waits_for_requests_in_flight);
	tcase_add_test(tc, test_turning_the_queue_off_gives_up_waiting_and_drops_later_completions);
	tcase_add_test(tc, test_after_quiesce_no_new_request_starts);
	suite_add_tcase(s, tc);

	tc = tcase_create("fuzz");
	tcase_add_checked_fixture(tc, setup, bf_teardown);
	tcase_add_loop_test(tc, test_fuzz_random_requests_and_answers_leave_the_device_consistent,
	                    0, 6);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(virtio_blk_hostile_suite());
}
