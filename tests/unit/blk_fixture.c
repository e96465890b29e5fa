// SPDX-License-Identifier: MIT
#define _GNU_SOURCE /* fallocate */
#include "blk_fixture.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

struct td bf_td;
struct virtio_blk bf_blk;
struct bf_aio bf_aio;
struct block_image bf_img;
unsigned int bf_edges;
struct aio *bf_backend;

static struct block_image_options opts;
static struct platform platform;
static uint16_t next_desc;

static int fake_submit(struct aio *a, struct aio_op *op)
{
	struct bf_aio *f = (struct bf_aio *)a;

	if (f->fail_submit)
		return f->fail_submit;
	ck_assert_uint_lt(f->n, BF_MAX_OPS);
	f->ops[f->n++] = op;
	f->submitted++;
	return 0;
}

static const struct aio_ops fake_ops = { .submit = fake_submit };

static void fp_set_irq(struct platform *p, unsigned int gsi, int level)
{
	(void)p;
	(void)gsi;
	(void)level;
	ck_abort_msg("virtio-blk drives no interrupt level");
}

static void fp_trigger(struct platform *p, unsigned int gsi)
{
	(void)p;
	(void)gsi;
	bf_edges++;
}

static const struct platform_ops fp_ops = { .set_irq = fp_set_irq, .trigger_irq = fp_trigger };

uint8_t bf_pattern(uint64_t off)
{
	return (uint8_t)(off * 7 + off / 512 + 1);
}

static void make_image(void)
{
	static uint8_t buf[BF_IMG_BYTES];
	uint64_t i;
	int fd;

	strcpy(opts.path, "/tmp/minivmm-blk-XXXXXX");
	fd = mkstemp(opts.path);
	ck_assert_int_ge(fd, 0);
	for (i = 0; i < BF_IMG_BYTES; i++)
		buf[i] = bf_pattern(i);
	ck_assert_int_eq(write(fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	close(fd);
}

void bf_file_read(uint64_t off, void *buf, uint64_t len)
{
	ck_assert_int_eq(pread(bf_img.buffered_fd, buf, len, (off_t)off), (ssize_t)len);
}

uint64_t bf_all_features(void)
{
	return bf_blk.transport.p.features;
}

void bf_reg_write(uint64_t off, uint32_t v)
{
	virtio_mmio_bus_ops.write(&bf_blk.transport, off, (const uint8_t *)&v, 4);
}

uint32_t bf_reg(uint64_t off)
{
	uint32_t v = 0xffffffff;

	virtio_mmio_bus_ops.read(&bf_blk.transport, off, (uint8_t *)&v, 4);
	return v;
}

void bf_bring_up(uint64_t features)
{
	struct err e;

	bf_reg_write(VIRTIO_MMIO_STATUS, 0);
	/* A driver starts from zeroed rings. */
	ck_assert_int_eq(guest_mem_fill(&bf_td.gm, TD_AVAIL, 0, virtq_avail_bytes(BF_QSIZE), &e),
	                 0);
	ck_assert_int_eq(guest_mem_fill(&bf_td.gm, TD_USED, 0, virtq_used_bytes(BF_QSIZE), &e), 0);
	bf_reg_write(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	bf_reg_write(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	bf_reg_write(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(features >> 32));
	bf_reg_write(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	bf_reg_write(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)features);
	bf_reg_write(VIRTIO_MMIO_STATUS, 0xb);
	ck_assert_uint_eq(bf_reg(VIRTIO_MMIO_STATUS), 0xb);
	bf_reg_write(VIRTIO_MMIO_QUEUE_NUM, BF_QSIZE);
	bf_reg_write(VIRTIO_MMIO_QUEUE_DESC_LOW, TD_DESC);
	bf_reg_write(VIRTIO_MMIO_QUEUE_DRIVER_LOW, TD_AVAIL);
	bf_reg_write(VIRTIO_MMIO_QUEUE_DEVICE_LOW, TD_USED);
	bf_reg_write(VIRTIO_MMIO_QUEUE_READY, 1);
	bf_reg_write(VIRTIO_MMIO_STATUS, 0xf);
	ck_assert_uint_eq(bf_reg(VIRTIO_MMIO_STATUS), 0xf);
	bf_td.avail_idx = 0;
	next_desc = 0;
}

void bf_setup(bool read_only, enum block_cache cache, uint64_t features)
{
	struct virtio_blk_params p = { .name = "vda", .aio = &bf_aio.base, .irq = 16 };
	struct err e;

	memset(&bf_aio, 0, sizeof(bf_aio));
	bf_aio.base.ops = &fake_ops;
	platform.ops = &fp_ops;
	bf_edges = 0;
	td_init(&bf_td, BF_QSIZE);
	make_image();
	opts.read_only = read_only;
	opts.cache = cache;
	ck_assert_msg(block_image_open(&bf_img, &opts, &e) == 0, "%s", e.msg);
	if (bf_backend)
		p.aio = bf_backend;
	p.image = &bf_img;
	p.mem = &bf_td.gm;
	p.platform = &platform;
	ck_assert_msg(virtio_blk_init(&bf_blk, &p, &e) == 0, "%s", e.msg);
	bf_blk.transport.quiet = true;
	bf_bring_up(features ? features : bf_all_features());
}

void bf_teardown(void)
{
	virtio_blk_destroy(&bf_blk);
	block_image_close(&bf_img);
	unlink(opts.path);
	td_destroy(&bf_td);
}

uint16_t bf_chain(const struct bf_buf *b, unsigned int n)
{
	uint16_t head = next_desc;
	unsigned int i;

	for (i = 0; i < n; i++) {
		uint16_t idx = (uint16_t)((head + i) % BF_QSIZE);

		td_desc(&bf_td, idx, b[i].gpa, b[i].len,
		        (uint16_t)((b[i].writable ? VIRTQ_DESC_F_WRITE : 0) |
		                   (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0)),
		        (uint16_t)((idx + 1) % BF_QSIZE));
	}
	next_desc = (uint16_t)((head + n) % BF_QSIZE);
	return head;
}

gpa_t bf_header(uint32_t type, uint64_t sector)
{
	struct {
		uint32_t type, reserved;
		uint64_t sector;
	} h = { type, 0, sector };
	gpa_t gpa = td_alloc(&bf_td, sizeof(h), 0);

	td_write(&bf_td, gpa, &h, sizeof(h));
	return gpa;
}

gpa_t bf_status_byte(void)
{
	return td_alloc(&bf_td, 1, BF_STATUS_UNSET);
}

struct bf_req bf_request(uint32_t type, uint64_t sector, uint32_t len)
{
	bool in = type == VIRTIO_BLK_T_IN || type == VIRTIO_BLK_T_GET_ID;
	struct bf_req r = { .hdr = bf_header(type, sector), .len = len };
	struct bf_buf b[3];
	unsigned int n = 0;
	uint32_t i;

	b[n++] = (struct bf_buf){ r.hdr, 16, false };
	if (len) {
		r.data = td_alloc(&bf_td, len, 0x5a);
		for (i = 0; !in && i < len; i++) {
			uint8_t v = (uint8_t)(i * 13 + 3);

			td_write(&bf_td, r.data + i, &v, 1);
		}
		b[n++] = (struct bf_buf){ r.data, len, in };
	}
	r.status = bf_status_byte();
	b[n++] = (struct bf_buf){ r.status, 1, true };
	r.head = bf_chain(b, n);
	return r;
}

struct bf_req bf_zero_request(uint32_t type, uint64_t sector, uint32_t num, uint32_t flags)
{
	struct {
		uint64_t sector;
		uint32_t num, flags;
	} seg = { sector, num, flags };
	struct bf_req r = { .hdr = bf_header(type, 0), .len = sizeof(seg) };
	struct bf_buf b[3];

	r.data = td_alloc(&bf_td, sizeof(seg), 0);
	td_write(&bf_td, r.data, &seg, sizeof(seg));
	r.status = bf_status_byte();
	b[0] = (struct bf_buf){ r.hdr, 16, false };
	b[1] = (struct bf_buf){ r.data, sizeof(seg), false };
	b[2] = (struct bf_buf){ r.status, 1, true };
	r.head = bf_chain(b, 3);
	return r;
}

void bf_offer_and_notify(const uint16_t *heads, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		td_offer(&bf_td, heads[i]);
	bf_reg_write(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
}

void bf_send(const struct bf_req *r)
{
	bf_offer_and_notify(&r->head, 1);
}

void bf_end_batch(void)
{
	virtio_blk_end_batch(&bf_blk);
}

static int run_op(const struct aio_op *op)
{
	ssize_t n;

	switch (op->kind) {
	case AIO_READV:
		n = preadv(op->fd, op->iov, (int)op->niov, (off_t)op->offset);
		break;
	case AIO_WRITEV:
		n = pwritev(op->fd, op->iov, (int)op->niov, (off_t)op->offset);
		break;
	case AIO_FDATASYNC:
		n = fdatasync(op->fd);
		break;
	case AIO_FALLOCATE:
		n = fallocate(op->fd, op->mode, (off_t)op->offset, (off_t)op->len);
		break;
	default:
		ck_abort_msg("virtio-blk submitted op kind %d", op->kind);
		return -EINVAL;
	}
	return n < 0 ? -errno : (int)n;
}

void bf_complete(unsigned int i, int res)
{
	struct aio_op *op;

	ck_assert_uint_lt(i, bf_aio.n);
	op = bf_aio.ops[i];
	memmove(&bf_aio.ops[i], &bf_aio.ops[i + 1], (bf_aio.n - i - 1) * sizeof(op));
	bf_aio.n--;
	if (res == BF_RUN)
		res = run_op(op);
	op->complete(op, res);
}

void bf_complete_all(void)
{
	unsigned int rounds = 0;

	while (bf_aio.n) {
		ck_assert_uint_lt(rounds++, 100000);
		bf_complete(0, BF_RUN);
	}
}

uint8_t bf_status(const struct bf_req *r)
{
	return td_byte(&bf_td, r->status);
}

void bf_expect_used(uint16_t i, uint16_t head, uint32_t len)
{
	uint32_t id, n;

	ck_assert_uint_gt((uint16_t)(td_used_idx(&bf_td) - i), 0);
	td_used_elem(&bf_td, i, &id, &n);
	ck_assert_uint_eq(id, head);
	ck_assert_uint_eq(n, len);
}
