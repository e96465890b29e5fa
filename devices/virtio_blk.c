// SPDX-License-Identifier: MIT
#include "virtio_blk.h"

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "devices/virtio_blk_req.h"

#define BLK_MAX_RETRIES      8  /* EAGAIN/EINTR from the back end */
#define BLK_ZERO_IOV         16 /* zero writes: up to 16 x 64 KiB per op */
#define BLK_ZERO_CHUNK       SZ_64K
#define BLK_RESET_TIMEOUT_MS 30000

#define U(x) ((unsigned long long)(x))

static const uint8_t zeros[BLK_ZERO_CHUNK];

static void blk_config_read(void *dev, uint32_t off, uint8_t *data, unsigned int len)
{
	struct virtio_blk *b = dev;

	if (off < sizeof(b->config) && len <= sizeof(b->config) - off)
		memcpy(data, (uint8_t *)&b->config + off, len);
}

/* The descriptor for a read or write: O_DIRECT when it can take the buffers. */
static int io_fd(const struct virtio_blk *b, const struct virtio_blk_req *r)
{
	unsigned int i;

	if (!b->img->direct || r->force_buffered || r->offset % BLOCK_DIRECT_ALIGN)
		return b->img->buffered_fd;
	for (i = r->iov_first; i < r->niov; i++)
		if ((uintptr_t)r->iov[i].iov_base % BLOCK_DIRECT_ALIGN ||
		    r->iov[i].iov_len % BLOCK_DIRECT_ALIGN)
			return b->img->buffered_fd;
	return b->img->fd;
}

static void zero_iov(struct virtio_blk_req *r)
{
	uint64_t left = r->len;

	r->iov_first = r->niov = 0;
	while (left && r->niov < BLK_ZERO_IOV) {
		uint64_t n = left < BLK_ZERO_CHUNK ? left : BLK_ZERO_CHUNK;

		r->iov[r->niov++] = (struct iovec){ (void *)zeros, n };
		left -= n;
	}
}

static void prepare_zero_op(struct virtio_blk *b, struct virtio_blk_req *r)
{
	struct aio_op *op = &r->op;

	op->offset = r->offset;
	op->len = r->len;
	op->fd = b->img->fd;
	op->kind = AIO_FALLOCATE;
	if (r->stage == BLK_STAGE_PUNCH) {
		op->mode = FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE;
	} else if (r->stage == BLK_STAGE_ZERO_RANGE) {
		op->mode = FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE;
	} else {
		zero_iov(r);
		op->kind = AIO_WRITEV;
		op->fd = b->img->buffered_fd; /* the zero buffer is not O_DIRECT aligned */
		op->iov = r->iov;
		op->niov = r->niov;
	}
}

static void req_done(struct aio_op *op, int res);

static int req_submit(struct virtio_blk *b, struct virtio_blk_req *r)
{
	struct aio_op *op = &r->op;

	memset(op, 0, sizeof(*op));
	op->complete = req_done;
	switch (r->type) {
	case VIRTIO_BLK_T_IN:
	case VIRTIO_BLK_T_OUT:
		op->kind = r->type == VIRTIO_BLK_T_IN ? AIO_READV : AIO_WRITEV;
		op->fd = io_fd(b, r);
		op->iov = r->iov + r->iov_first;
		op->niov = r->niov - r->iov_first;
		op->offset = r->offset;
		break;
	case VIRTIO_BLK_T_FLUSH:
		op->kind = AIO_FDATASYNC;
		op->fd = b->img->fd;
		break;
	default:
		prepare_zero_op(b, r);
		break;
	}
	return aio_submit(b->aio, op);
}

/* Writes the status byte and returns the chain, unless the queue was reset meanwhile. */
static void answer(struct virtio_blk *b, uint16_t head, gpa_t status_gpa, uint32_t generation,
                   uint8_t status, uint32_t used_len)
{
	struct err e;

	if (generation != b->queue.generation || !b->queue.ready)
		return;
	if (status == VIRTIO_BLK_S_IOERR)
		b->stats.ioerr++;
	else if (status == VIRTIO_BLK_S_UNSUPP)
		b->stats.unsupp++;
	if (guest_mem_write(b->transport.p.mem, status_gpa, &status, 1, &e) ||
	    virtq_push(&b->queue, b->transport.p.mem, head,
	               status == VIRTIO_BLK_S_OK ? used_len : 1, &e))
		virtio_mmio_report(&b->transport, "request %u: cannot complete: %s", head, e.msg);
}

static void count_done(struct virtio_blk *b, const struct virtio_blk_req *r)
{
	struct virtio_blk_stats *s = &b->stats;

	switch (r->type) {
	case VIRTIO_BLK_T_IN:
		s->reads++;
		s->bytes_read += r->bytes;
		break;
	case VIRTIO_BLK_T_OUT:
		s->writes++;
		s->bytes_written += r->bytes;
		break;
	case VIRTIO_BLK_T_FLUSH:
		s->flushes++;
		break;
	case VIRTIO_BLK_T_DISCARD:
		s->discards++;
		break;
	default:
		s->write_zeroes++;
		break;
	}
}

static int backend_error(struct virtio_blk *b, const struct virtio_blk_req *r, int res)
{
	virtio_mmio_report(&b->transport,
	                   "request %u: type %u at byte %llu (%llu bytes left) failed on %s: %s",
	                   r->head, r->type, U(r->offset), U(r->len), b->img->path,
	                   strerror(res < 0 ? -res : EIO));
	return VIRTIO_BLK_S_IOERR;
}

static void iov_advance(struct virtio_blk_req *r, uint64_t done)
{
	r->offset += done;
	r->len -= done;
	while (done) {
		struct iovec *v = &r->iov[r->iov_first];

		if (done < v->iov_len) {
			v->iov_base = (uint8_t *)v->iov_base + done;
			v->iov_len -= done;
			return;
		}
		done -= v->iov_len;
		r->iov_first++;
	}
}

/* A read or write completed res bytes: done, go on with the rest, or fail. */
static int rw_advance(struct virtio_blk *b, struct virtio_blk_req *r, int res)
{
	if (res == -EINVAL && r->op.fd != b->img->buffered_fd) {
		/* O_DIRECT refused these buffers (alignment): the buffered fd takes them. */
		b->stats.direct_fallbacks++;
		r->force_buffered = true;
		return BLK_REQ_SUBMIT;
	}
	if (res <= 0)
		return backend_error(b, r, res ? res : -EIO); /* 0: the image shrank */
	if ((uint64_t)res < r->len) {
		iov_advance(r, (uint64_t)res);
		return BLK_REQ_SUBMIT;
	}
	return VIRTIO_BLK_S_OK;
}

/* Discard and write-zeroes: fall back step by step where the file system cannot. */
static int zero_advance(struct virtio_blk *b, struct virtio_blk_req *r, int res)
{
	if (res == -EOPNOTSUPP && r->type == VIRTIO_BLK_T_DISCARD)
		return VIRTIO_BLK_S_OK; /* discarding is a hint; the data may stay */
	if (res == -EOPNOTSUPP && r->stage != BLK_STAGE_ZERO_WRITE) {
		r->stage =
		    r->stage == BLK_STAGE_PUNCH ? BLK_STAGE_ZERO_RANGE : BLK_STAGE_ZERO_WRITE;
		return BLK_REQ_SUBMIT;
	}
	if (res < 0 || (r->stage == BLK_STAGE_ZERO_WRITE && !res))
		return backend_error(b, r, res ? res : -EIO);
	if (r->stage == BLK_STAGE_ZERO_WRITE) {
		r->offset += (uint64_t)res;
		r->len -= (uint64_t)res;
		if (r->len)
			return BLK_REQ_SUBMIT;
	}
	return VIRTIO_BLK_S_OK;
}

static int req_advance(struct virtio_blk *b, struct virtio_blk_req *r, int res)
{
	if ((res == -EAGAIN || res == -EINTR) && r->retries++ < BLK_MAX_RETRIES)
		return BLK_REQ_SUBMIT;
	switch (r->type) {
	case VIRTIO_BLK_T_IN:
	case VIRTIO_BLK_T_OUT:
		return rw_advance(b, r, res);
	case VIRTIO_BLK_T_FLUSH:
		return res < 0 ? backend_error(b, r, res) : VIRTIO_BLK_S_OK;
	default:
		return zero_advance(b, r, res);
	}
}

static void process_queue(struct virtio_blk *b);

/* Answers a request that went to the back end and frees its slot. */
static void req_finish(struct virtio_blk *b, struct virtio_blk_req *r, int status)
{
	if (status == VIRTIO_BLK_S_OK)
		count_done(b, r);
	answer(b, r->head, r->status_gpa, r->generation, (uint8_t)status, r->used_len);
	r->next_free = b->free_reqs;
	b->free_reqs = r;
	if (!--b->inflight)
		pthread_cond_broadcast(&b->idle);
	if (b->stalled && virtio_mmio_driver_ok(&b->transport)) {
		b->stalled = false;
		process_queue(b);
	}
}

static void req_done(struct aio_op *op, int res)
{
	struct virtio_blk_req *r = (struct virtio_blk_req *)op;
	struct virtio_blk *b = r->blk;
	int status, ret;

	pthread_mutex_lock(&b->transport.lock);
	status = req_advance(b, r, res);
	if (status == BLK_REQ_SUBMIT) {
		ret = req_submit(b, r);
		if (!ret)
			goto out; /* the rest is in the back end's hands */
		status = backend_error(b, r, ret);
	}
	req_finish(b, r, status);
out:
	pthread_mutex_unlock(&b->transport.lock);
}

/* A chain the device cannot answer goes back with nothing written (used.len 0). */
static void return_unused(struct virtio_blk *b, uint16_t head)
{
	struct err e;

	b->stats.bad_chains++;
	if (virtq_push(&b->queue, b->transport.p.mem, head, 0, &e))
		virtio_mmio_report(&b->transport, "chain %u: cannot return it: %s", head, e.msg);
}

/* Parses one chain; a request for the back end takes a free slot. */
static void start_request(struct virtio_blk *b, const struct virtq_chain *c)
{
	struct virtio_blk_req *r = b->free_reqs;
	int status = virtio_blk_req_parse(b, c, r), ret;

	if (status == BLK_REQ_DROP) {
		return_unused(b, c->head);
		return;
	}
	if (status != BLK_REQ_SUBMIT) {
		answer(b, c->head, r->status_gpa, b->queue.generation, (uint8_t)status,
		       r->used_len);
		return;
	}
	b->free_reqs = r->next_free;
	r->generation = b->queue.generation;
	if (++b->inflight > b->stats.inflight_max)
		b->stats.inflight_max = b->inflight;
	ret = req_submit(b, r);
	if (ret)
		req_finish(b, r, backend_error(b, r, ret));
}

/*
 * Takes every available chain (at most two rounds of the queue, so a driver
 * that keeps adding cannot hold the thread: the rest waits for the batch's
 * end). Stops early when every request slot is busy; a completion resumes.
 */
static void process_queue(struct virtio_blk *b)
{
	struct guest_mem *gm = b->transport.p.mem;
	unsigned int budget = 2 * VIRTIO_BLK_QUEUE_SIZE;
	struct err e;

	b->more = false;
	if (b->quiesced)
		return;
	while (budget--) {
		if (!b->free_reqs) {
			b->stalled = true;
			return;
		}
		switch (virtq_pop(&b->queue, gm, &b->chain, &e)) {
		case VIRTQ_POP_EMPTY:
			if (!virtq_enable_notify(&b->queue, gm))
				return;
			break;
		case VIRTQ_POP_BROKEN:
			virtio_mmio_report(&b->transport, "queue 0: %s", e.msg);
			virtio_mmio_needs_reset(&b->transport);
			return;
		case VIRTQ_POP_BAD_CHAIN:
			virtio_mmio_report(&b->transport, "chain %u: %s", b->chain.head, e.msg);
			return_unused(b, b->chain.head);
			break;
		case VIRTQ_POP_CHAIN:
			start_request(b, &b->chain);
			break;
		}
	}
	b->more = true;
}

static void blk_queue_notify(void *dev, unsigned int q)
{
	(void)q;
	process_queue(dev);
}

/*
 * No DMA after a reset or a queue stop: wait (bounded) for what is in flight;
 * completions meanwhile are answered as usual, later ones are dropped (the
 * queue's generation moves on).
 */
static void wait_idle(struct virtio_blk *b, const char *what)
{
	struct timespec deadline;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += b->reset_timeout_ms / 1000;
	deadline.tv_nsec += (long)(b->reset_timeout_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	while (b->inflight) {
		if (pthread_cond_timedwait(&b->idle, &b->transport.lock, &deadline) == ETIMEDOUT) {
			virtio_mmio_report(&b->transport,
			                   "%s: %u requests still in flight after %u ms; their "
			                   "completions will be dropped",
			                   what, b->inflight, b->reset_timeout_ms);
			break;
		}
	}
	b->stalled = b->more = false;
}

static void blk_reset(void *dev)
{
	wait_idle(dev, "reset");
}

static void blk_queue_stop(void *dev, unsigned int q)
{
	(void)q;
	wait_idle(dev, "queue 0 turned off");
}

static const struct virtio_mmio_device_ops blk_ops = {
	.config_read = blk_config_read,
	.queue_notify = blk_queue_notify,
	.reset = blk_reset,
	.queue_stop = blk_queue_stop,
};

static uint64_t blk_features(const struct block_image *img)
{
	uint64_t f = VIRTIO_BIT(VIRTIO_F_EVENT_IDX) | VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) |
	             VIRTIO_BIT(VIRTIO_BLK_F_SEG_MAX) | VIRTIO_BIT(VIRTIO_BLK_F_BLK_SIZE) |
	             VIRTIO_BIT(VIRTIO_BLK_F_FLUSH);

	if (img->read_only)
		return f | VIRTIO_BIT(VIRTIO_BLK_F_RO);
	return f | VIRTIO_BIT(VIRTIO_BLK_F_DISCARD) | VIRTIO_BIT(VIRTIO_BLK_F_WRITE_ZEROES);
}

static void blk_config_init(struct virtio_blk *b)
{
	struct virtio_blk_config *c = &b->config;

	c->capacity = htole64(b->img->size / BLOCK_SECTOR_SIZE);
	c->seg_max = htole32(VIRTIO_BLK_SEG_MAX);
	c->blk_size = htole32(BLOCK_SECTOR_SIZE);
	if (b->img->read_only)
		return;
	c->max_discard_sectors = htole32(VIRTIO_BLK_MAX_ZERO_SECTORS);
	c->max_discard_seg = htole32(1);
	c->discard_sector_alignment = htole32(PAGE_SIZE / BLOCK_SECTOR_SIZE);
	c->max_write_zeroes_sectors = htole32(VIRTIO_BLK_MAX_ZERO_SECTORS);
	c->max_write_zeroes_seg = htole32(1);
	c->write_zeroes_may_unmap = 1;
}

int virtio_blk_init(struct virtio_blk *b, const struct virtio_blk_params *p, struct err *e)
{
	const struct virtio_mmio_params tp = {
		.name = p->name,
		.device_id = VIRTIO_ID_BLOCK,
		.features = blk_features(p->image),
		.queues = &b->queue,
		.nr_queues = 1,
		.queue_max = VIRTIO_BLK_QUEUE_SIZE,
		.mem = p->mem,
		.platform = p->platform,
		.irq = p->irq,
		.ops = &blk_ops,
		.dev = b,
	};
	pthread_condattr_t attr;
	unsigned int i;
	int ret;

	memset(b, 0, sizeof(*b));
	b->reqs = calloc(VIRTIO_BLK_QUEUE_SIZE, sizeof(*b->reqs));
	if (!b->reqs)
		return err_set(e, ENOMEM, "%s: out of memory for %d requests", p->name,
		               VIRTIO_BLK_QUEUE_SIZE);
	ret = virtio_mmio_init(&b->transport, &tp, e);
	if (ret) {
		free(b->reqs);
		return ret;
	}
	b->img = p->image;
	b->aio = p->aio;
	b->reset_timeout_ms = BLK_RESET_TIMEOUT_MS;
	for (i = 0; i < VIRTIO_BLK_QUEUE_SIZE; i++) {
		b->reqs[i].blk = b;
		b->reqs[i].next_free = i + 1 < VIRTIO_BLK_QUEUE_SIZE ? &b->reqs[i + 1] : NULL;
	}
	b->free_reqs = b->reqs;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&b->idle, &attr);
	pthread_condattr_destroy(&attr);
	blk_config_init(b);
	return 0;
}

void virtio_blk_destroy(struct virtio_blk *b)
{
	free(b->reqs);
	b->reqs = b->free_reqs = NULL;
	pthread_cond_destroy(&b->idle);
	virtio_mmio_destroy(&b->transport);
}

bool virtio_blk_end_batch(struct virtio_blk *b)
{
	bool more;

	pthread_mutex_lock(&b->transport.lock);
	if (b->more && virtio_mmio_driver_ok(&b->transport))
		process_queue(b);
	more = b->more;
	pthread_mutex_unlock(&b->transport.lock);
	virtio_mmio_end_batch(&b->transport);
	return more;
}

void virtio_blk_quiesce(struct virtio_blk *b)
{
	pthread_mutex_lock(&b->transport.lock);
	b->quiesced = true;
	pthread_mutex_unlock(&b->transport.lock);
}
