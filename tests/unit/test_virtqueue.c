// SPDX-License-Identifier: MIT
/*
 * The device side of a split virtqueue (devices/virtqueue.h) against a driver
 * that writes rings into fake guest memory (virtq_driver.h): queue setup
 * checks, chains as the device sees them, every malformed chain the guest can
 * build (each refused with its own message, the queue still usable), ring
 * corruption (the queue breaks, nothing else), used-ring updates and
 * notification suppression with and without EVENT_IDX. A seeded fuzz test
 * throws random descriptor tables and rings at the parser: under ASan/UBSan
 * and the suite's timeout it shows that no chain crashes or hangs it.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "devices/virtqueue.h"
#include "test_helpers.h"
#include "virtq_driver.h"

#define QSIZE   8
#define F_NEXT  VIRTQ_DESC_F_NEXT
#define F_WRITE VIRTQ_DESC_F_WRITE
#define F_IND   VIRTQ_DESC_F_INDIRECT

static struct td t;
static struct virtq vq;
static struct virtq_chain chain;
static struct err e;

static void setup(void)
{
	td_init(&t, QSIZE);
	td_virtq(&t, &vq, true, false);
	memset(&e, 0, sizeof(e));
}

static void teardown(void)
{
	td_destroy(&t);
}

/* Offers head and pops it, expecting a bad chain whose message is msg. */
static void expect_bad(uint16_t head, const char *msg)
{
	td_offer(&t, head);
	ck_assert_int_eq(virtq_pop(&vq, &t.gm, &chain, &e), VIRTQ_POP_BAD_CHAIN);
	ck_assert_uint_eq(chain.head, head);
	ck_assert_str_eq(e.msg, msg);
	ck_assert(!vq.broken);
}

/* The queue still works: a one-buffer chain at head 7 comes out whole. */
static void expect_still_usable(void)
{
	td_desc(&t, 7, TD_DATA, 64, 0, 0);
	td_offer(&t, 7);
	ck_assert_int_eq(virtq_pop(&vq, &t.gm, &chain, &e), VIRTQ_POP_CHAIN);
	ck_assert_uint_eq(chain.head, 7);
	ck_assert_uint_eq(chain.nr, 1);
}

/* ---- queue setup (QUEUE_READY) ------------------------------------------ */

START_TEST(test_layout_accepts_the_drivers_rings)
{
	ck_assert_ok(virtq_check_layout(&vq, 256, &t.gm, &e), e);
}
END_TEST

static const struct {
	uint32_t size;
	gpa_t desc, avail, used;
	int errnum;
	const char *msg;
} bad_layouts[] = {
	{ 0, TD_DESC, TD_AVAIL, TD_USED, EINVAL,
	  "queue size 0: must be a power of two from 1 to 256" },
	{ 6, TD_DESC, TD_AVAIL, TD_USED, EINVAL,
	  "queue size 6: must be a power of two from 1 to 256" },
	{ 512, TD_DESC, TD_AVAIL, TD_USED, EINVAL,
	  "queue size 512: must be a power of two from 1 to 256" },
	{ 8, TD_DESC + 8, TD_AVAIL, TD_USED, EINVAL,
	  "descriptor table at 0x1008 is not 16-byte aligned" },
	{ 8, TD_DESC, TD_AVAIL + 1, TD_USED, EINVAL,
	  "available ring at 0x3001 is not 2-byte aligned" },
	{ 8, TD_DESC, TD_AVAIL, TD_USED + 2, EINVAL, "used ring at 0x4002 is not 4-byte aligned" },
	{ 8, TD_GAP, TD_AVAIL, TD_USED, EFAULT,
	  "descriptor table [0x100000, +0x80) does not lie in one RAM region" },
	{ 8, TD_DESC, TD_GAP - 8, TD_USED, EFAULT,
	  "available ring [0xffff8, +0x16) does not lie in one RAM region" },
	/* RAM on both sides, but two regions: a ring must be in one. */
	{ 8, TD_DESC, TD_AVAIL, TD_REGION_C - 16, EFAULT,
	  "used ring [0x2ffff0, +0x46) does not lie in one RAM region" },
	{ 8, 0xfffffffffffffff0ULL, TD_AVAIL, TD_USED, EFAULT,
	  "descriptor table [0xfffffffffffffff0, +0x80) does not lie in one RAM region" },
};

START_TEST(test_layout_refuses_bad_sizes_alignment_and_addresses)
{
	vq.size = bad_layouts[_i].size;
	vq.desc = bad_layouts[_i].desc;
	vq.avail = bad_layouts[_i].avail;
	vq.used = bad_layouts[_i].used;
	ck_assert_err(virtq_check_layout(&vq, 256, &t.gm, &e), e, bad_layouts[_i].errnum,
	              bad_layouts[_i].msg);
}
END_TEST

/* ---- well-formed chains --------------------------------------------------- */

START_TEST(test_pop_on_an_empty_ring_finds_nothing)
{
	ck_assert_int_eq(virtq_pop(&vq, &t.gm, &chain, &e), VIRTQ_POP_EMPTY);
	ck_assert_uint_eq(virtq_pending(&vq, &t.gm), 0);
}
END_TEST

START_TEST(test_pop_returns_readable_then_writable_buffers_with_totals)
{
	td_desc(&t, 2, TD_DATA, 16, F_NEXT, 5);
	td_desc(&t, 5, TD_DATA + 0x1000, 4096, F_NEXT | F_WRITE, 0);
	td_desc(&t, 0, TD_DATA + 0x3000, 1, F_WRITE, 0);
	td_offer(&t, 2);
	ck_assert_uint_eq(virtq_pending(&vq, &t.gm), 1);
	ck_assert_int_eq(virtq_pop(&vq, &t.gm, &chain, &e), VIRTQ_POP_CHAIN);
	ck_assert_uint_eq(chain.head, 2);
	ck_assert_uint_eq(chain.nr, 3);
	ck_assert_uint_eq(chain.seg[0].gpa, TD_DATA);
	ck_assert(!chain.seg[0].writable);
	ck_assert_uint_eq(chain.seg[1].len, 4096);
	ck_assert(chain.seg[1].writable && chain.seg[2].writable);
	ck_assert_uint_eq(chain.readable, 16);
	ck_assert_uint_eq(chain.writable, 4097);
	ck_assert_uint_eq(vq.last_avail, 1);
	ck_assert_int_eq(virtq_pop(&vq, &t.gm, &chain, &e), VIRTQ_POP_EMPTY);
}
END_TEST

START_TEST(test_pop_follows_an_indirect_table)
{
	gpa_t table = td_alloc(&t, 3 * 16, 0);

	td_desc_at(&t, table, 0, TD_DATA + 0x2000, 16, F_NEXT, 2);
	td_desc_at(&t, table, 2, TD_DATA + 0x3000, 512, F_NEXT | F_WRITE, 1);
	td_desc_at(&t, table, 1, TD_DATA + 0x4000, 1, F_WRITE, 0);
	td_desc(&t, 3, table, 48, F_IND, 0);
	td_offer(&t, 3);
	ck_assert_int_eq(virtq_pop(&vq, &t.gm, &chain, &e), VIRTQ_POP_CHAIN);
	ck_assert_uint_eq(chain.head, 3);
	ck_assert_uint_eq(chain.nr, 3);
	ck_assert_uint_eq(chain.seg[1].gpa, TD_DATA + 0x3000);
	ck_assert_uint_eq(chain.readable, 16);
	ck_assert_uint_eq(chain.writable, 513);
}
END_TEST

START_TEST(test_a_buffer_may_span_two_adjacent_ram_regions)
{
	td_desc(&t, 0, TD_REGION_C - 0x800, 0x1000, 0, 0);
	td_offer(&t, 0);
	ck_assert_int_eq(virtq_pop(&vq, &t.gm, &chain, &e), VIRTQ_POP_CHAIN);
	ck_assert_uint_eq(chain.seg[0].len, 0x1000);
}
END_TEST

START_TEST(test_a_chain_as_long_as_the_queue_is_accepted)
{
	unsigned int i;

	for (i = 0; i < QSIZE; i++)
		td_desc(&t, i, TD_DATA + 64 * i, 64, i + 1 < QSIZE ? F_NEXT : 0, (uint16_t)(i + 1));
	td_offer(&t, 0);
	ck_assert_int_eq(virtq_pop(&vq, &t.gm, &chain, &e), VIRTQ_POP_CHAIN);
	ck_assert_uint_eq(chain.nr, QSIZE);
}
END_TEST

START_TEST(test_indices_run_through_65535_and_wrap)
{
	unsigned int i;

	vq.last_avail = vq.used_idx = 65534;
	t.avail_idx = 65534;
	td_desc(&t, 1, TD_DATA, 8, 0, 0);
	for (i = 0; i < 4; i++) {
		td_offer(&t, 1);
		ck_assert_int_eq(virtq_pop(&vq, &t.gm, &chain, &e), VIRTQ_POP_CHAIN);
		ck_assert_ok(virtq_push(&vq, &t.gm, 1, 0, &e), e);
	}
	ck_assert_uint_eq(vq.last_avail, 2);
	ck_assert_uint_eq(td_used_idx(&t), 2);
}
END_TEST

/* ---- malformed chains: refused one by one, the queue keeps working -------- */

START_TEST(test_a_descriptor_pointing_at_itself_is_a_loop)
{
	td_desc(&t, 0, TD_DATA, 16, F_NEXT, 0);
	expect_bad(0, "chain from head 0 is longer than the queue (8): a loop");
	expect_still_usable();
}
END_TEST

START_TEST(test_a_longer_cycle_is_a_loop)
{
	td_desc(&t, 1, TD_DATA, 16, F_NEXT, 4);
	td_desc(&t, 4, TD_DATA, 16, F_NEXT, 6);
	td_desc(&t, 6, TD_DATA, 16, F_NEXT, 1);
	expect_bad(1, "chain from head 1 is longer than the queue (8): a loop");
	expect_still_usable();
}
END_TEST

START_TEST(test_next_outside_the_queue)
{
	td_desc(&t, 0, TD_DATA, 16, F_NEXT, QSIZE);
	expect_bad(0, "descriptor 0: next 8 outside the queue (size 8)");
	td_desc(&t, 0, TD_DATA, 16, F_NEXT, 0xffff);
	expect_bad(0, "descriptor 0: next 65535 outside the queue (size 8)");
	expect_still_usable();
}
END_TEST

START_TEST(test_zero_length_buffer)
{
	td_desc(&t, 0, TD_DATA, 16, F_NEXT, 1);
	td_desc(&t, 1, TD_DATA, 0, F_WRITE, 0);
	expect_bad(0, "descriptor 1: zero length");
	expect_still_usable();
}
END_TEST

static const struct {
	uint64_t addr;
	uint32_t len;
	const char *msg;
} bad_buffers[] = {
	{ TD_GAP, 16, "descriptor 0: buffer [0x100000, +0x10) is not guest RAM" },
	{ TD_GAP - 8, 16, "descriptor 0: buffer [0xffff8, +0x10) is not guest RAM" },
	{ TD_RAM_END - 8, 16, "descriptor 0: buffer [0x3ffff8, +0x10) is not guest RAM" },
	{ 0xfffffffffffffff0ULL, 0x20,
	  "descriptor 0: buffer [0xfffffffffffffff0, +0x20) is not guest RAM" },
	{ 0x8000000000000000ULL, 0xffffffff,
	  "descriptor 0: buffer [0x8000000000000000, +0xffffffff) is not guest RAM" },
};

START_TEST(test_buffers_outside_ram_or_wrapping_are_refused)
{
	td_desc(&t, 0, bad_buffers[_i].addr, bad_buffers[_i].len, 0, 0);
	expect_bad(0, bad_buffers[_i].msg);
	expect_still_usable();
}
END_TEST

START_TEST(test_a_readable_buffer_after_a_writable_one_is_refused)
{
	td_desc(&t, 0, TD_DATA, 16, F_NEXT | F_WRITE, 1);
	td_desc(&t, 1, TD_DATA, 16, 0, 0);
	expect_bad(0, "descriptor 1: device-readable buffer after a device-writable one");
	expect_still_usable();
}
END_TEST

START_TEST(test_a_chain_of_more_than_4_gib_is_refused)
{
	struct err ignored;
	unsigned int i;

	/* 1 GiB of RAM at 4 GiB (never touched): five overlapping 1 GiB buffers. */
	ck_assert_int_eq(guest_mem_add_region(&t.gm, SZ_4G, SZ_1G, NULL, &ignored), 0);
	for (i = 0; i < 5; i++)
		td_desc(&t, i, SZ_4G, (uint32_t)SZ_1G, i < 4 ? F_NEXT : 0, (uint16_t)(i + 1));
	expect_bad(0, "descriptor 3: chain carries more than 4 GiB");
	expect_still_usable();
}
END_TEST

START_TEST(test_a_chain_of_more_than_256_buffers_is_refused)
{
	unsigned int i;

	td_destroy(&t);
	td_init(&t, 512);
	td_virtq(&t, &vq, true, false);
	for (i = 0; i < 300; i++)
		td_desc(&t, i, TD_DATA, 8, F_NEXT, (uint16_t)(i + 1));
	td_desc(&t, 300, TD_DATA, 8, 0, 0);
	expect_bad(0, "descriptor 256: chain longer than 256 buffers");
}
END_TEST

START_TEST(test_indirect_without_the_feature_is_refused)
{
	gpa_t table = td_alloc(&t, 16, 0);

	vq.indirect = false;
	td_desc_at(&t, table, 0, TD_DATA, 16, 0, 0);
	td_desc(&t, 0, table, 16, F_IND, 0);
	expect_bad(0, "descriptor 0: INDIRECT not negotiated");
	expect_still_usable();
}
END_TEST

START_TEST(test_indirect_with_next_is_refused)
{
	gpa_t table = td_alloc(&t, 16, 0);

	td_desc_at(&t, table, 0, TD_DATA, 16, 0, 0);
	td_desc(&t, 0, table, 16, F_IND | F_NEXT, 1);
	expect_bad(0, "descriptor 0: INDIRECT with NEXT");
	expect_still_usable();
}
END_TEST

START_TEST(test_indirect_inside_a_chain_is_refused)
{
	gpa_t table = td_alloc(&t, 16, 0);

	td_desc_at(&t, table, 0, TD_DATA, 16, 0, 0);
	td_desc(&t, 0, TD_DATA, 16, F_NEXT, 1);
	td_desc(&t, 1, table, 16, F_IND, 0);
	expect_bad(0, "descriptor 1: INDIRECT inside a chain");
	expect_still_usable();
}
END_TEST

static const struct {
	uint32_t len;
	const char *msg;
} bad_tables[] = {
	{ 0, "descriptor 0: indirect table of 0 bytes, want a multiple of 16 up to 256 entries" },
	{ 24, "descriptor 0: indirect table of 24 bytes, want a multiple of 16 up to 256 entries" },
	{ 257 * 16,
	  "descriptor 0: indirect table of 4112 bytes, want a multiple of 16 up to 256 entries" },
};

START_TEST(test_indirect_tables_of_bad_sizes_are_refused)
{
	td_desc(&t, 0, td_alloc(&t, 257 * 16, 0), bad_tables[_i].len, F_IND, 0);
	expect_bad(0, bad_tables[_i].msg);
	expect_still_usable();
}
END_TEST

START_TEST(test_an_indirect_table_outside_ram_is_refused)
{
	td_desc(&t, 0, TD_GAP - 16, 32, F_IND, 0);
	expect_bad(0, "descriptor 0: indirect table [0xffff0, +0x20) is not RAM");
	expect_still_usable();
}
END_TEST

START_TEST(test_nested_indirect_is_refused)
{
	gpa_t inner = td_alloc(&t, 16, 0), outer = td_alloc(&t, 32, 0);

	td_desc_at(&t, inner, 0, TD_DATA, 16, 0, 0);
	td_desc_at(&t, outer, 0, TD_DATA, 16, F_NEXT, 1);
	td_desc_at(&t, outer, 1, inner, 16, F_IND, 0);
	td_desc(&t, 0, outer, 32, F_IND, 0);
	expect_bad(0, "indirect descriptor 1: nested INDIRECT");
	expect_still_usable();
}
END_TEST

START_TEST(test_indirect_next_outside_the_table_is_refused)
{
	gpa_t table = td_alloc(&t, 32, 0);

	td_desc_at(&t, table, 0, TD_DATA, 16, F_NEXT, 2);
	td_desc(&t, 0, table, 32, F_IND, 0);
	expect_bad(0, "indirect descriptor 0: next 2 outside the table of 2");
	expect_still_usable();
}
END_TEST

START_TEST(test_a_loop_inside_an_indirect_table_is_refused)
{
	gpa_t table = td_alloc(&t, 48, 0);

	td_desc_at(&t, table, 0, TD_DATA, 16, F_NEXT, 1);
	td_desc_at(&t, table, 1, TD_DATA, 16, F_NEXT, 2);
	td_desc_at(&t, table, 2, TD_DATA, 16, F_NEXT, 0);
	td_desc(&t, 0, table, 48, F_IND, 0);
	expect_bad(0, "indirect table at 0x10000: chain longer than its 3 entries (a loop)");
	expect_still_usable();
}
END_TEST

START_TEST(test_bad_buffers_inside_an_indirect_table_are_refused)
{
	gpa_t table = td_alloc(&t, 32, 0);

	td_desc_at(&t, table, 0, TD_DATA, 16, F_NEXT | F_WRITE, 1);
	td_desc_at(&t, table, 1, TD_GAP, 16, 0, 0);
	td_desc(&t, 0, table, 32, F_IND, 0);
	expect_bad(0, "indirect descriptor 1: buffer [0x100000, +0x10) is not guest RAM");
	td_desc_at(&t, table, 1, TD_DATA, 16, 0, 0);
	expect_bad(0, "indirect descriptor 1: device-readable buffer after a device-writable one");
	expect_still_usable();
}
END_TEST

/* ---- a corrupt ring breaks the queue, and only the queue ------------------ */

START_TEST(test_an_avail_index_running_ahead_breaks_the_queue)
{
	td_desc(&t, 0, TD_DATA, 16, 0, 0);
	td_set_avail_idx(&t, QSIZE + 1);
	ck_assert_int_eq(virtq_pop(&vq, &t.gm, &chain, &e), VIRTQ_POP_BROKEN);
	ck_assert_str_eq(e.msg, "available index 9 is 9 ahead of the device's 0, more than the "
	                        "queue size 8");
	ck_assert(vq.broken);
	ck_assert_int_eq(virtq_pop(&vq, &t.gm, &chain, &e), VIRTQ_POP_EMPTY);
	ck_assert_uint_eq(virtq_pending(&vq, &t.gm), 0);
	ck_assert(!virtq_enable_notify(&vq, &t.gm));
}
END_TEST

START_TEST(test_a_head_outside_the_queue_breaks_the_queue)
{
	td_offer(&t, QSIZE);
	ck_assert_int_eq(virtq_pop(&vq, &t.gm, &chain, &e), VIRTQ_POP_BROKEN);
	ck_assert_str_eq(e.msg, "available ring slot 0 holds head 8, outside the queue (size 8)");
	ck_assert(vq.broken);
	virtq_restart(&vq); /* what QUEUE_READY after a reset does */
	ck_assert(!vq.broken);
}
END_TEST

START_TEST(test_a_queue_that_is_not_ready_yields_nothing)
{
	td_desc(&t, 0, TD_DATA, 16, 0, 0);
	td_offer(&t, 0);
	vq.ready = false;
	ck_assert_int_eq(virtq_pop(&vq, &t.gm, &chain, &e), VIRTQ_POP_EMPTY);
	ck_assert_int_eq(virtq_push(&vq, &t.gm, 0, 0, &e), -EINVAL);
}
END_TEST

/* ---- used ring and notifications ------------------------------------------ */

START_TEST(test_push_writes_the_element_then_the_index)
{
	uint32_t id, len;

	ck_assert_ok(virtq_push(&vq, &t.gm, 5, 4097, &e), e);
	ck_assert_ok(virtq_push(&vq, &t.gm, 3, 1, &e), e);
	ck_assert_uint_eq(td_used_idx(&t), 2);
	td_used_elem(&t, 0, &id, &len);
	ck_assert_uint_eq(id, 5);
	ck_assert_uint_eq(len, 4097);
	td_used_elem(&t, 1, &id, &len);
	ck_assert_uint_eq(id, 3);
	ck_assert_uint_eq(len, 1);
}
END_TEST

START_TEST(test_without_event_idx_the_driver_can_turn_interrupts_off)
{
	ck_assert(!virtq_should_interrupt(&vq, &t.gm)); /* nothing pushed */
	ck_assert_ok(virtq_push(&vq, &t.gm, 0, 1, &e), e);
	ck_assert(virtq_should_interrupt(&vq, &t.gm));
	ck_assert(!virtq_should_interrupt(&vq, &t.gm)); /* decided once per push batch */
	td_set_avail_flags(&t, VIRTQ_AVAIL_F_NO_INTERRUPT);
	ck_assert_ok(virtq_push(&vq, &t.gm, 0, 1, &e), e);
	ck_assert(!virtq_should_interrupt(&vq, &t.gm));
}
END_TEST

START_TEST(test_with_event_idx_an_interrupt_goes_when_used_passes_used_event)
{
	unsigned int i;

	vq.event_idx = true;
	td_set_used_event(&t, 2); /* "interrupt me when entry 2 is used" */
	ck_assert_ok(virtq_push(&vq, &t.gm, 0, 1, &e), e);
	ck_assert(virtq_should_interrupt(&vq, &t.gm)); /* the first decision always sends */
	ck_assert_ok(virtq_push(&vq, &t.gm, 0, 1, &e), e);
	ck_assert(!virtq_should_interrupt(&vq, &t.gm)); /* used idx 2: entry 2 not used yet */
	for (i = 0; i < 3; i++)
		ck_assert_ok(virtq_push(&vq, &t.gm, 0, 1, &e), e);
	ck_assert(virtq_should_interrupt(&vq, &t.gm)); /* 2 -> 5 passed it */
	ck_assert_ok(virtq_push(&vq, &t.gm, 0, 1, &e), e);
	ck_assert(!virtq_should_interrupt(&vq, &t.gm));
}
END_TEST

START_TEST(test_need_event_follows_vring_need_event_across_the_wrap)
{
	ck_assert(virtq_need_event(0, 1, 0));
	ck_assert(!virtq_need_event(1, 1, 0));
	ck_assert(virtq_need_event(65535, 2, 65534)); /* wrapped past it */
	ck_assert(!virtq_need_event(3, 2, 65534));
	ck_assert(virtq_need_event(10, 20, 5));
	ck_assert(!virtq_need_event(20, 20, 5));
}
END_TEST

START_TEST(test_enable_notify_publishes_avail_event_and_sees_late_chains)
{
	vq.event_idx = true;
	vq.last_avail = 3;
	t.avail_idx = 3;
	td_set_avail_idx(&t, 3);
	ck_assert(!virtq_enable_notify(&vq, &t.gm));
	ck_assert_uint_eq(td_avail_event(&t), 3);
	td_desc(&t, 0, TD_DATA, 8, 0, 0);
	td_offer(&t, 0); /* arrives before the device looked again */
	ck_assert(virtq_enable_notify(&vq, &t.gm));
}
END_TEST

/* ---- fuzz: random tables and rings, every result checked ------------------ */

static uint64_t random_addr(uint64_t *rng)
{
	switch (td_rand(rng) % 6) {
	case 0:
		return td_rand(rng); /* anywhere */
	case 1:
		return TD_GAP - (td_rand(rng) % 64); /* around the gap */
	case 2:
		return TD_REGION_C - (td_rand(rng) % 4096); /* across two regions */
	case 3:
		return TD_RAM_END - (td_rand(rng) % 4096); /* the end of RAM */
	default:
		return TD_DATA + (td_rand(rng) % 0x20000);
	}
}

static void randomize(uint64_t *rng, uint32_t size)
{
	uint32_t i, n = size + 64;

	for (i = 0; i < n; i++) {
		uint16_t flags = (uint16_t)(td_rand(rng) & 0x7);
		uint32_t len =
		    td_rand(rng) % 4 ? (uint32_t)(td_rand(rng) % 8192) : (uint32_t)td_rand(rng);
		uint64_t addr = random_addr(rng);
		uint16_t next =
		    (uint16_t)(td_rand(rng) % 3 ? td_rand(rng) % (size + 2) : td_rand(rng));

		if (flags & F_IND && td_rand(rng) % 2) /* a table of plausible size */
			len = 16 * (uint32_t)(td_rand(rng) % 300);
		/* The queue's own table, and tables anywhere in the data area. */
		td_desc_at(&t, i < size ? TD_DESC : TD_DATA, i < size ? i : i - size, addr, len,
		           flags, next);
		if (td_rand(rng) % 4 == 0)
			td_desc_at(&t, TD_DATA + (td_rand(rng) % 0x1000) * 16, 0, addr, len, flags,
			           next);
	}
	for (i = 0; i < size; i++)
		td_offer(&t, (uint16_t)(td_rand(rng) % 8 ? td_rand(rng) % size : td_rand(rng)));
	if (td_rand(rng) % 8 == 0)
		td_set_avail_idx(&t, (uint16_t)td_rand(rng));
}

static void check_chain(const struct virtq_chain *c, uint32_t size)
{
	uint64_t readable = 0, writable = 0;
	bool seen_write = false;
	unsigned int i;

	ck_assert_uint_lt(c->head, size);
	ck_assert_uint_ge(c->nr, 1);
	ck_assert_uint_le(c->nr, VIRTQ_MAX_SEGS);
	for (i = 0; i < c->nr; i++) {
		ck_assert_uint_gt(c->seg[i].len, 0);
		ck_assert(c->seg[i].writable || !seen_write);
		seen_write |= c->seg[i].writable;
		*(c->seg[i].writable ? &writable : &readable) += c->seg[i].len;
		ck_assert_ptr_nonnull(guest_mem_find_region(&t.gm, c->seg[i].gpa));
		ck_assert_ptr_nonnull(
		    guest_mem_find_region(&t.gm, c->seg[i].gpa + c->seg[i].len - 1));
	}
	ck_assert_uint_eq(readable, c->readable);
	ck_assert_uint_eq(writable, c->writable);
	ck_assert_uint_le(readable + writable, UINT32_MAX);
}

START_TEST(test_fuzz_random_rings_never_crash_loop_or_yield_a_bad_chain)
{
	uint64_t rng = 0x5eed0000ULL + (uint64_t)_i;
	unsigned int round, counts[4] = { 0 };

	for (round = 0; round < 400; round++) {
		uint32_t size = 1u << (td_rand(&rng) % 9);
		unsigned int pops;

		td_destroy(&t);
		td_init(&t, size);
		td_virtq(&t, &vq, td_rand(&rng) % 4 != 0, td_rand(&rng) % 2);
		randomize(&rng, size);
		for (pops = 0; pops <= size + 1; pops++) {
			enum virtq_pop_result r = virtq_pop(&vq, &t.gm, &chain, &e);

			counts[r]++;
			if (r == VIRTQ_POP_CHAIN)
				check_chain(&chain, size);
			else if (r == VIRTQ_POP_BAD_CHAIN)
				ck_assert_uint_lt(chain.head, size);
			else
				break;
			ck_assert_ok(virtq_push(&vq, &t.gm, chain.head, 0, &e), e);
		}
		ck_assert_uint_le(pops, size + 1); /* at most `size` chains per offered ring */
		virtq_should_interrupt(&vq, &t.gm);
		virtq_enable_notify(&vq, &t.gm);
	}
	/* The generator reaches every outcome, so the checks above were exercised. */
	ck_assert_uint_gt(counts[VIRTQ_POP_CHAIN], 0);
	ck_assert_uint_gt(counts[VIRTQ_POP_BAD_CHAIN], 0);
	ck_assert_uint_gt(counts[VIRTQ_POP_BROKEN], 0);
}
END_TEST

static Suite *virtqueue_suite(void)
{
	Suite *s = suite_create("virtqueue");
	TCase *tc = tcase_create("setup");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_layout_accepts_the_drivers_rings);
	tcase_add_loop_test(tc, test_layout_refuses_bad_sizes_alignment_and_addresses, 0,
	                    ARRAY_SIZE(bad_layouts));
	suite_add_tcase(s, tc);

	tc = tcase_create("chains");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_pop_on_an_empty_ring_finds_nothing);
	tcase_add_test(tc, test_pop_returns_readable_then_writable_buffers_with_totals);
	tcase_add_test(tc, test_pop_follows_an_indirect_table);
	tcase_add_test(tc, test_a_buffer_may_span_two_adjacent_ram_regions);
	tcase_add_test(tc, test_a_chain_as_long_as_the_queue_is_accepted);
	tcase_add_test(tc, test_indices_run_through_65535_and_wrap);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_a_descriptor_pointing_at_itself_is_a_loop);
	tcase_add_test(tc, test_a_longer_cycle_is_a_loop);
	tcase_add_test(tc, test_next_outside_the_queue);
	tcase_add_test(tc, test_zero_length_buffer);
	tcase_add_loop_test(tc, test_buffers_outside_ram_or_wrapping_are_refused, 0,
	                    ARRAY_SIZE(bad_buffers));
	tcase_add_test(tc, test_a_readable_buffer_after_a_writable_one_is_refused);
	tcase_add_test(tc, test_a_chain_of_more_than_4_gib_is_refused);
	tcase_add_test(tc, test_a_chain_of_more_than_256_buffers_is_refused);
	tcase_add_test(tc, test_indirect_without_the_feature_is_refused);
	tcase_add_test(tc, test_indirect_with_next_is_refused);
	tcase_add_test(tc, test_indirect_inside_a_chain_is_refused);
	tcase_add_loop_test(tc, test_indirect_tables_of_bad_sizes_are_refused, 0,
	                    ARRAY_SIZE(bad_tables));
	tcase_add_test(tc, test_an_indirect_table_outside_ram_is_refused);
	tcase_add_test(tc, test_nested_indirect_is_refused);
	tcase_add_test(tc, test_indirect_next_outside_the_table_is_refused);
	tcase_add_test(tc, test_a_loop_inside_an_indirect_table_is_refused);
	tcase_add_test(tc, test_bad_buffers_inside_an_indirect_table_are_refused);
	suite_add_tcase(s, tc);

	tc = tcase_create("broken ring");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_an_avail_index_running_ahead_breaks_the_queue);
	tcase_add_test(tc, test_a_head_outside_the_queue_breaks_the_queue);
	tcase_add_test(tc, test_a_queue_that_is_not_ready_yields_nothing);
	suite_add_tcase(s, tc);

	tc = tcase_create("used ring and notifications");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_push_writes_the_element_then_the_index);
	tcase_add_test(tc, test_without_event_idx_the_driver_can_turn_interrupts_off);
	tcase_add_test(tc, test_with_event_idx_an_interrupt_goes_when_used_passes_used_event);
	tcase_add_test(tc, test_need_event_follows_vring_need_event_across_the_wrap);
	tcase_add_test(tc, test_enable_notify_publishes_avail_event_and_sees_late_chains);
	suite_add_tcase(s, tc);

	tc = tcase_create("fuzz");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_fuzz_random_rings_never_crash_loop_or_yield_a_bad_chain, 0, 8);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(virtqueue_suite());
}
