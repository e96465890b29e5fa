// SPDX-License-Identifier: MIT
/*
 * virtio-blk (devices/virtio_blk.h) doing its job: the configuration and
 * features a guest sees, reads and writes that move real bytes between guest
 * memory and the image (through a fake back end that runs each op for real
 * when the test says so), FLUSH answered only once fdatasync has returned,
 * GET_ID, DISCARD and WRITE_ZEROES with their fallbacks, requests completed
 * out of order, batching (one notification, many ops, one interrupt),
 * retries, short transfers, O_DIRECT fallbacks and running out of request
 * slots. Bad requests and hostile drivers: test_virtio_blk_hostile.c.
 */
#include <check.h>
#include <errno.h>
#include <linux/falloc.h>
#include <stdio.h>
#include <string.h>

#include "blk_fixture.h"
#include "test_helpers.h"

#define IN    VIRTIO_BLK_T_IN
#define OUT   VIRTIO_BLK_T_OUT
#define FLUSH VIRTIO_BLK_T_FLUSH

static void setup(void)
{
	bf_setup(false, BLOCK_CACHE_WRITEBACK, 0);
}

static void setup_ro(void)
{
	bf_setup(true, BLOCK_CACHE_WRITEBACK, 0);
}

static void setup_direct(void)
{
	bf_setup(false, BLOCK_CACHE_NONE, 0);
}

static uint64_t config64(uint32_t off)
{
	uint64_t v = 0;

	virtio_mmio_bus_ops.read(&bf_blk.transport, VIRTIO_MMIO_CONFIG + off, (uint8_t *)&v, 8);
	return v;
}

static uint32_t config32(uint32_t off)
{
	return bf_reg(VIRTIO_MMIO_CONFIG + off);
}

static uint64_t device_features(void)
{
	uint64_t f;

	bf_reg_write(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	f = (uint64_t)bf_reg(VIRTIO_MMIO_DEVICE_FEATURES) << 32;
	bf_reg_write(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	return f | bf_reg(VIRTIO_MMIO_DEVICE_FEATURES);
}

/* The data the driver put in an OUT request at byte i. */
static uint8_t out_byte(uint32_t i)
{
	return (uint8_t)(i * 13 + 3);
}

/* ---- what the guest sees -------------------------------------------------- */

START_TEST(test_configuration_describes_the_image)
{
	ck_assert_uint_eq(bf_reg(VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_BLOCK);
	ck_assert_uint_eq(bf_reg(VIRTIO_MMIO_QUEUE_NUM_MAX), VIRTIO_BLK_QUEUE_SIZE);
	ck_assert_uint_eq(config64(0x00), BF_SECTORS);
	ck_assert_uint_eq(config32(0x0c), VIRTIO_BLK_SEG_MAX);
	ck_assert_uint_eq(config32(0x14), 512);
	ck_assert_uint_eq(config32(0x24), VIRTIO_BLK_MAX_ZERO_SECTORS); /* max_discard_sectors */
	ck_assert_uint_eq(config32(0x28), 1);                           /* max_discard_seg */
	ck_assert_uint_eq(config32(0x2c), 8); /* discard_sector_alignment: 4 KiB */
	ck_assert_uint_eq(config32(0x30), VIRTIO_BLK_MAX_ZERO_SECTORS);
	ck_assert_uint_eq(config32(0x34), 1);
	ck_assert_uint_eq(config32(0x38) & 0xff, 1); /* write_zeroes_may_unmap */
	ck_assert_uint_eq(config32(0x3c), 0);        /* past the end: zeros */
}
END_TEST

START_TEST(test_a_writable_disk_offers_flush_discard_and_write_zeroes)
{
	uint64_t f = device_features();

	ck_assert_uint_eq(
	    f, VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_EVENT_IDX) |
	           VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) | VIRTIO_BIT(VIRTIO_BLK_F_SEG_MAX) |
	           VIRTIO_BIT(VIRTIO_BLK_F_BLK_SIZE) | VIRTIO_BIT(VIRTIO_BLK_F_FLUSH) |
	           VIRTIO_BIT(VIRTIO_BLK_F_DISCARD) | VIRTIO_BIT(VIRTIO_BLK_F_WRITE_ZEROES));
}
END_TEST

START_TEST(test_a_read_only_disk_offers_ro_and_no_discard)
{
	uint64_t f = device_features();

	ck_assert(f & VIRTIO_BIT(VIRTIO_BLK_F_RO));
	ck_assert(f & VIRTIO_BIT(VIRTIO_BLK_F_FLUSH));
	ck_assert(!(f & VIRTIO_BIT(VIRTIO_BLK_F_DISCARD)));
	ck_assert(!(f & VIRTIO_BIT(VIRTIO_BLK_F_WRITE_ZEROES)));
	ck_assert_uint_eq(config32(0x24), 0);
}
END_TEST

/* ---- reads, writes, flushes ----------------------------------------------- */

START_TEST(test_a_read_fills_guest_memory_from_the_image)
{
	struct bf_req r = bf_request(IN, 3, 1024);
	const struct aio_op *op;
	uint8_t got[1024];
	unsigned int i;

	bf_send(&r);
	ck_assert_uint_eq(bf_aio.n, 1);
	op = bf_aio.ops[0];
	ck_assert_int_eq(op->kind, AIO_READV);
	ck_assert_int_eq(op->fd, bf_img.fd);
	ck_assert_uint_eq(op->offset, 3 * 512);
	ck_assert_uint_eq(op->niov, 1);
	ck_assert_ptr_eq(op->iov[0].iov_base, guest_mem_ptr(&bf_td.gm, r.data, 1024));
	ck_assert_uint_eq(op->iov[0].iov_len, 1024);
	ck_assert_uint_eq(bf_status(&r), BF_STATUS_UNSET);
	bf_complete(0, BF_RUN);
	td_read(&bf_td, r.data, got, sizeof(got));
	for (i = 0; i < sizeof(got); i++)
		ck_assert_uint_eq(got[i], bf_pattern(3 * 512 + i));
	ck_assert_uint_eq(bf_status(&r), VIRTIO_BLK_S_OK);
	bf_expect_used(0, r.head, 1025); /* the data and the status byte were written */
	ck_assert_uint_eq(bf_blk.stats.reads, 1);
	ck_assert_uint_eq(bf_blk.stats.bytes_read, 1024);
	bf_end_batch();
	ck_assert_uint_eq(bf_edges, 1);
}
END_TEST

START_TEST(test_a_write_reaches_the_image)
{
	struct bf_req r = bf_request(OUT, 10, 2048);
	uint8_t got[2048];
	unsigned int i;

	bf_send(&r);
	ck_assert_uint_eq(bf_aio.n, 1);
	ck_assert_int_eq(bf_aio.ops[0]->kind, AIO_WRITEV);
	ck_assert_uint_eq(bf_aio.ops[0]->offset, 10 * 512);
	bf_complete(0, BF_RUN);
	bf_file_read(10 * 512, got, sizeof(got));
	for (i = 0; i < sizeof(got); i++)
		ck_assert_uint_eq(got[i], out_byte(i));
	ck_assert_uint_eq(bf_status(&r), VIRTIO_BLK_S_OK);
	bf_expect_used(0, r.head, 1); /* only the status byte was written */
	ck_assert_uint_eq(bf_blk.stats.bytes_written, 2048);
}
END_TEST

START_TEST(test_a_flush_is_answered_only_after_fdatasync_returned)
{
	struct bf_req r = bf_request(FLUSH, 0, 0);

	bf_send(&r);
	ck_assert_uint_eq(bf_aio.n, 1);
	ck_assert_int_eq(bf_aio.ops[0]->kind, AIO_FDATASYNC);
	ck_assert_int_eq(bf_aio.ops[0]->fd, bf_img.fd);
	bf_end_batch();
	ck_assert_uint_eq(bf_status(&r), BF_STATUS_UNSET);
	ck_assert_uint_eq(td_used_idx(&bf_td), 0);
	ck_assert_uint_eq(bf_edges, 0);
	bf_complete(0, BF_RUN);
	ck_assert_uint_eq(bf_status(&r), VIRTIO_BLK_S_OK);
	bf_expect_used(0, r.head, 1);
	ck_assert_uint_eq(bf_blk.stats.flushes, 1);
}
END_TEST

START_TEST(test_get_id_returns_the_images_serial)
{
	struct bf_req r = bf_request(VIRTIO_BLK_T_GET_ID, 0, 20);
	char id[21] = { 0 };

	bf_send(&r);
	ck_assert_uint_eq(bf_aio.n, 0); /* answered at once */
	td_read(&bf_td, r.data, id, 20);
	ck_assert_str_eq(id, bf_img.serial);
	ck_assert_uint_eq(strlen(id), 20);
	ck_assert_int_eq(strncmp(id, "mvmm-", 5), 0);
	ck_assert_uint_eq(bf_status(&r), VIRTIO_BLK_S_OK);
	bf_expect_used(0, r.head, 21);
}
END_TEST

START_TEST(test_the_driver_may_frame_a_request_any_way)
{
	gpa_t hdr = bf_header(IN, 1), data = td_alloc(&bf_td, 513, 0);
	struct bf_buf in[] = { { hdr, 8, false }, { hdr + 8, 8, false }, { data, 513, true } };
	uint8_t got[512];
	uint16_t head;
	unsigned int i;

	/* The header in two pieces; the data and the status byte in one buffer. */
	td_write(&bf_td, data + 512, &(uint8_t){ BF_STATUS_UNSET }, 1);
	head = bf_chain(in, 3);
	bf_offer_and_notify(&head, 1);
	bf_complete(0, BF_RUN);
	td_read(&bf_td, data, got, sizeof(got));
	for (i = 0; i < sizeof(got); i++)
		ck_assert_uint_eq(got[i], bf_pattern(512 + i));
	ck_assert_uint_eq(td_byte(&bf_td, data + 512), VIRTIO_BLK_S_OK);
	bf_expect_used(0, head, 513);
}
END_TEST

START_TEST(test_a_buffer_across_two_ram_regions_becomes_two_host_pieces)
{
	gpa_t hdr = bf_header(IN, 0), data = TD_REGION_C - 512, status = bf_status_byte();
	struct bf_buf b[] = { { hdr, 16, false }, { data, 1024, true }, { status, 1, true } };
	uint16_t head = bf_chain(b, 3);
	uint8_t got[1024];
	unsigned int i;

	bf_offer_and_notify(&head, 1);
	ck_assert_uint_eq(bf_aio.ops[0]->niov, 2);
	bf_complete(0, BF_RUN);
	td_read(&bf_td, data, got, sizeof(got));
	for (i = 0; i < sizeof(got); i++)
		ck_assert_uint_eq(got[i], bf_pattern(i));
	ck_assert_uint_eq(td_byte(&bf_td, status), VIRTIO_BLK_S_OK);
}
END_TEST

START_TEST(test_reads_of_a_read_only_disk_work_and_a_flush_needs_no_sync)
{
	struct bf_req r = bf_request(IN, 0, 512), f = bf_request(FLUSH, 0, 0);
	uint16_t heads[] = { r.head, f.head };

	bf_offer_and_notify(heads, 2);
	ck_assert_uint_eq(bf_aio.n, 1); /* the read; the flush was answered at once */
	ck_assert_uint_eq(bf_status(&f), VIRTIO_BLK_S_OK);
	bf_complete(0, BF_RUN);
	ck_assert_uint_eq(bf_status(&r), VIRTIO_BLK_S_OK);
}
END_TEST

/* ---- discard and write zeroes ---------------------------------------------- */

static void expect_zeros(uint64_t off, uint64_t len)
{
	static uint8_t got[2 << 20], zero[2 << 20];
	uint64_t i;

	bf_file_read(off, got, len);
	if (memcmp(got, zero, len) == 0)
		return;
	for (i = 0; got[i] == 0; i++)
		;
	ck_abort_msg("byte %llu of the range is 0x%x", (unsigned long long)i, got[i]);
}

START_TEST(test_discard_punches_a_hole)
{
	struct bf_req r = bf_zero_request(VIRTIO_BLK_T_DISCARD, 8, 16, 0);
	const struct aio_op *op;

	bf_send(&r);
	op = bf_aio.ops[0];
	ck_assert_int_eq(op->kind, AIO_FALLOCATE);
	ck_assert_int_eq(op->mode, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE);
	ck_assert_uint_eq(op->offset, 4096);
	ck_assert_uint_eq(op->len, 8192);
	bf_complete(0, BF_RUN);
	ck_assert_uint_eq(bf_status(&r), VIRTIO_BLK_S_OK);
	expect_zeros(4096, 8192);
	ck_assert_uint_eq(bf_blk.stats.discards, 1);
}
END_TEST

START_TEST(test_a_discard_the_file_system_cannot_do_still_succeeds)
{
	struct bf_req r = bf_zero_request(VIRTIO_BLK_T_DISCARD, 8, 16, 0);

	bf_send(&r);
	bf_complete(0, -EOPNOTSUPP);
	ck_assert_uint_eq(bf_aio.n, 0);
	ck_assert_uint_eq(bf_status(&r), VIRTIO_BLK_S_OK); /* a discard is a hint */
}
END_TEST

START_TEST(test_write_zeroes_falls_back_from_zero_range_to_writing_zeros)
{
	struct bf_req r = bf_zero_request(VIRTIO_BLK_T_WRITE_ZEROES, 100, 3072, 0);
	uint64_t total = 0;

	bf_send(&r);
	ck_assert_int_eq(bf_aio.ops[0]->mode, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE);
	bf_complete(0, -EOPNOTSUPP);
	/* 1.5 MiB of zeros: writes of at most 1 MiB on the buffered fd, one after the other. */
	while (bf_aio.n) {
		const struct aio_op *op = bf_aio.ops[0];
		unsigned int i;

		ck_assert_int_eq(op->kind, AIO_WRITEV);
		ck_assert_int_eq(op->fd, bf_img.buffered_fd);
		ck_assert_uint_eq(op->offset, 100 * 512 + total);
		for (i = 0; i < op->niov; i++)
			total += op->iov[i].iov_len;
		bf_complete(0, BF_RUN);
	}
	ck_assert_uint_eq(total, 3072 * 512);
	ck_assert_uint_eq(bf_status(&r), VIRTIO_BLK_S_OK);
	expect_zeros(100 * 512, 3072 * 512);
	ck_assert_uint_eq(bf_blk.stats.write_zeroes, 1);
}
END_TEST

START_TEST(test_write_zeroes_with_unmap_tries_a_hole_first)
{
	struct bf_req r = bf_zero_request(VIRTIO_BLK_T_WRITE_ZEROES, 0, 8, VIRTIO_BLK_WZ_UNMAP);

	bf_send(&r);
	ck_assert_int_eq(bf_aio.ops[0]->mode, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE);
	bf_complete(0, -EOPNOTSUPP);
	ck_assert_int_eq(bf_aio.ops[0]->mode, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE);
	bf_complete(0, BF_RUN);
	ck_assert_uint_eq(bf_status(&r), VIRTIO_BLK_S_OK);
	expect_zeros(0, 4096);
}
END_TEST

/* ---- completion order, batching, interrupts -------------------------------- */

START_TEST(test_requests_complete_out_of_order)
{
	struct bf_req r[3] = { bf_request(IN, 0, 512), bf_request(IN, 8, 512),
		               bf_request(OUT, 16, 512) };
	uint16_t heads[3] = { r[0].head, r[1].head, r[2].head };

	bf_offer_and_notify(heads, 3);
	ck_assert_uint_eq(bf_aio.n, 3); /* all three out before any completes */
	bf_complete(2, BF_RUN);
	bf_complete(0, BF_RUN);
	bf_complete(0, BF_RUN);
	bf_expect_used(0, r[2].head, 1);
	bf_expect_used(1, r[0].head, 513);
	bf_expect_used(2, r[1].head, 513);
}
END_TEST

START_TEST(test_one_notification_queues_the_whole_batch_and_costs_one_interrupt)
{
	struct bf_req r[16];
	uint16_t heads[16];
	unsigned int i;

	for (i = 0; i < 16; i++) {
		r[i] = bf_request(OUT, 8 * i, 4096);
		heads[i] = r[i].head;
	}
	bf_offer_and_notify(heads, 16);
	ck_assert_uint_eq(bf_aio.n, 16);
	ck_assert_uint_eq(bf_blk.stats.inflight_max, 16);
	bf_complete_all();
	bf_end_batch();
	ck_assert_uint_eq(bf_edges, 1);
	ck_assert_uint_eq(td_used_idx(&bf_td), 16);
	ck_assert_uint_eq(bf_reg(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_VRING);
}
END_TEST

START_TEST(test_with_event_idx_the_interrupt_waits_for_the_entry_the_driver_named)
{
	struct bf_req r[5];
	unsigned int i;

	for (i = 0; i < 5; i++) {
		r[i] = bf_request(IN, i, 512);
		bf_send(&r[i]);
	}
	bf_complete(0, BF_RUN);
	bf_end_batch(); /* the first decision always interrupts */
	ck_assert_uint_eq(bf_edges, 1);
	bf_reg_write(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
	td_set_used_event(&bf_td, 3); /* "when used entry 3 is written" */
	bf_complete(0, BF_RUN);
	bf_complete(0, BF_RUN);
	bf_end_batch();
	ck_assert_uint_eq(bf_edges, 1); /* used idx 3: entry 3 not written yet */
	bf_complete(0, BF_RUN);
	bf_end_batch();
	ck_assert_uint_eq(bf_edges, 2);
	ck_assert_uint_eq(td_avail_event(&bf_td), 5); /* the device asks for a kick at 5 */
}
END_TEST

/* ---- the back end's answers ------------------------------------------------- */

START_TEST(test_a_short_write_is_continued_where_it_stopped)
{
	struct bf_req r = bf_request(OUT, 0, 4096);
	uint8_t got[3072];
	unsigned int i;

	bf_send(&r);
	bf_complete(0, 1024); /* the back end wrote only 1 KiB (pretend) */
	ck_assert_uint_eq(bf_aio.n, 1);
	ck_assert_uint_eq(bf_aio.ops[0]->offset, 1024);
	ck_assert_uint_eq(bf_aio.ops[0]->iov[0].iov_len, 3072);
	ck_assert_uint_eq(bf_status(&r), BF_STATUS_UNSET);
	bf_complete(0, BF_RUN);
	bf_file_read(1024, got, sizeof(got));
	for (i = 0; i < sizeof(got); i++)
		ck_assert_uint_eq(got[i], out_byte(1024 + i));
	ck_assert_uint_eq(bf_status(&r), VIRTIO_BLK_S_OK);
}
END_TEST

START_TEST(test_eintr_and_eagain_are_retried_then_given_up)
{
	struct bf_req r = bf_request(IN, 0, 512), s = bf_request(IN, 0, 512);
	unsigned int i;

	bf_send(&r);
	bf_complete(0, -EINTR);
	bf_complete(0, -EAGAIN);
	bf_complete(0, BF_RUN);
	ck_assert_uint_eq(bf_status(&r), VIRTIO_BLK_S_OK);
	bf_send(&s);
	for (i = 0; i < 9; i++)
		bf_complete(0, -EAGAIN);
	ck_assert_uint_eq(bf_aio.n, 0);
	ck_assert_uint_eq(bf_status(&s), VIRTIO_BLK_S_IOERR);
}
END_TEST

START_TEST(test_a_failed_op_is_an_io_error_that_names_the_image)
{
	struct bf_req r = bf_request(OUT, 4, 512), z = bf_request(IN, 0, 512);
	char want[512];

	bf_send(&r);
	bf_complete(0, -EIO);
	ck_assert_uint_eq(bf_status(&r), VIRTIO_BLK_S_IOERR);
	bf_expect_used(0, r.head, 1);
	snprintf(want, sizeof(want),
	         "request %u: type 1 at byte 2048 (512 bytes left) failed on %s: Input/output "
	         "error",
	         r.head, bf_img.path);
	ck_assert_str_eq(bf_blk.transport.last_error, want);
	bf_send(&z);
	bf_complete(0, 0); /* nothing read: the image shrank behind our back */
	ck_assert_uint_eq(bf_status(&z), VIRTIO_BLK_S_IOERR);
	ck_assert_uint_eq(bf_blk.stats.ioerr, 2);
}
END_TEST

START_TEST(test_an_op_the_back_end_refuses_is_an_io_error)
{
	struct bf_req r = bf_request(IN, 0, 512);

	bf_aio.fail_submit = -EBUSY;
	bf_send(&r);
	ck_assert_uint_eq(bf_status(&r), VIRTIO_BLK_S_IOERR);
	ck_assert_uint_eq(bf_blk.inflight, 0);
}
END_TEST

START_TEST(test_cache_none_uses_o_direct_when_it_can_and_the_buffered_fd_when_not)
{
	struct bf_req a = bf_request(IN, 0, 4096);
	gpa_t hdr = bf_header(IN, 0), odd = td_alloc(&bf_td, 4096 + 16, 0) + 16;
	gpa_t status = bf_status_byte();
	struct bf_buf b[] = { { hdr, 16, false }, { odd, 4096, true }, { status, 1, true } };
	uint16_t head;

	ck_assert(bf_img.direct);
	ck_assert_int_ne(bf_img.fd, bf_img.buffered_fd);
	bf_send(&a);
	ck_assert_int_eq(bf_aio.ops[0]->fd, bf_img.fd); /* page-aligned buffer: O_DIRECT */
	bf_complete(0, BF_RUN);
	ck_assert_uint_eq(bf_status(&a), VIRTIO_BLK_S_OK);
	head = bf_chain(b, 3);
	bf_offer_and_notify(&head, 1);
	ck_assert_int_eq(bf_aio.ops[0]->fd, bf_img.buffered_fd); /* 16-byte aligned buffer */
	bf_complete(0, BF_RUN);
	ck_assert_uint_eq(td_byte(&bf_td, status), VIRTIO_BLK_S_OK);
	ck_assert_uint_eq(td_byte(&bf_td, odd + 100), bf_pattern(100));
}
END_TEST

START_TEST(test_when_o_direct_refuses_buffers_the_buffered_fd_takes_them)
{
	struct bf_req r = bf_request(OUT, 0, 512);

	bf_send(&r);
	ck_assert_int_eq(bf_aio.ops[0]->fd, bf_img.fd);
	bf_complete(0, -EINVAL);
	ck_assert_int_eq(bf_aio.ops[0]->fd, bf_img.buffered_fd);
	bf_complete(0, BF_RUN);
	ck_assert_uint_eq(bf_status(&r), VIRTIO_BLK_S_OK);
	ck_assert_uint_eq(bf_blk.stats.direct_fallbacks, 1);
}
END_TEST

START_TEST(test_with_every_slot_busy_chains_wait_for_a_completion)
{
	struct bf_req r = bf_request(IN, 0, 512);
	unsigned int i;

	/* One chain offered again and again: a driver may, and it must not exhaust us. */
	for (i = 0; i < BF_QSIZE; i++)
		td_offer(&bf_td, r.head);
	bf_reg_write(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	ck_assert_uint_eq(bf_aio.n, VIRTIO_BLK_QUEUE_SIZE);
	for (i = 0; i < 10; i++)
		td_offer(&bf_td, r.head);
	bf_reg_write(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	ck_assert_uint_eq(bf_aio.n, VIRTIO_BLK_QUEUE_SIZE); /* no slot: they wait */
	ck_assert(bf_blk.stalled);
	bf_complete(0, BF_RUN); /* a slot frees up, the next chain takes it */
	ck_assert_uint_eq(bf_aio.n, VIRTIO_BLK_QUEUE_SIZE);
	bf_complete_all();
	ck_assert_uint_eq(td_used_idx(&bf_td), BF_QSIZE + 10);
	ck_assert_uint_eq(bf_blk.stats.reads, BF_QSIZE + 10);
}
END_TEST

static Suite *virtio_blk_suite(void)
{
	Suite *s = suite_create("virtio_blk");
	TCase *tc = tcase_create("what the guest sees");

	tcase_add_checked_fixture(tc, setup, bf_teardown);
	tcase_add_test(tc, test_configuration_describes_the_image);
	tcase_add_test(tc, test_a_writable_disk_offers_flush_discard_and_write_zeroes);
	suite_add_tcase(s, tc);
	tc = tcase_create("read-only");
	tcase_add_checked_fixture(tc, setup_ro, bf_teardown);
	tcase_add_test(tc, test_a_read_only_disk_offers_ro_and_no_discard);
	tcase_add_test(tc, test_reads_of_a_read_only_disk_work_and_a_flush_needs_no_sync);
	suite_add_tcase(s, tc);

	tc = tcase_create("requests");
	tcase_add_checked_fixture(tc, setup, bf_teardown);
	tcase_add_test(tc, test_a_read_fills_guest_memory_from_the_image);
	tcase_add_test(tc, test_a_write_reaches_the_image);
	tcase_add_test(tc, test_a_flush_is_answered_only_after_fdatasync_returned);
	tcase_add_test(tc, test_get_id_returns_the_images_serial);
	tcase_add_test(tc, test_the_driver_may_frame_a_request_any_way);
	tcase_add_test(tc, test_a_buffer_across_two_ram_regions_becomes_two_host_pieces);
	tcase_add_test(tc, test_discard_punches_a_hole);
	tcase_add_test(tc, test_a_discard_the_file_system_cannot_do_still_succeeds);
	tcase_add_test(tc, test_write_zeroes_falls_back_from_zero_range_to_writing_zeros);
	tcase_add_test(tc, test_write_zeroes_with_unmap_tries_a_hole_first);
	suite_add_tcase(s, tc);

	tc = tcase_create("completions");
	tcase_add_checked_fixture(tc, setup, bf_teardown);
	tcase_add_test(tc, test_requests_complete_out_of_order);
	tcase_add_test(tc, test_one_notification_queues_the_whole_batch_and_costs_one_interrupt);
	tcase_add_test(tc, test_with_event_idx_the_interrupt_waits_for_the_entry_the_driver_named);
	tcase_add_test(tc, test_a_short_write_is_continued_where_it_stopped);
	tcase_add_test(tc, test_eintr_and_eagain_are_retried_then_given_up);
	tcase_add_test(tc, test_a_failed_op_is_an_io_error_that_names_the_image);
	tcase_add_test(tc, test_an_op_the_back_end_refuses_is_an_io_error);
	tcase_add_test(tc, test_with_every_slot_busy_chains_wait_for_a_completion);
	suite_add_tcase(s, tc);

	tc = tcase_create("cache=none");
	tcase_add_checked_fixture(tc, setup_direct, bf_teardown);
	tcase_add_test(tc, test_cache_none_uses_o_direct_when_it_can_and_the_buffered_fd_when_not);
	tcase_add_test(tc, test_when_o_direct_refuses_buffers_the_buffered_fd_takes_them);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(virtio_blk_suite());
}
