/* SPDX-License-Identifier: MIT */
/*
 * Asynchronous file I/O as device back ends see it. An op is queued with
 * aio_submit() and goes out with the next batch; it completes later, in any
 * order relative to other ops, through its complete() callback on the thread
 * that runs the I/O (minivmm: the main thread's io_uring loop,
 * vmm/event_loop.c; the unit tests: a fake that completes ops on demand).
 * The op, its iovec array and its buffers must stay valid until complete().
 */
#ifndef MINIVMM_DEVICES_AIO_H
#define MINIVMM_DEVICES_AIO_H

#include <stdint.h>
#include <sys/uio.h>

enum aio_kind {
	AIO_READV,     /* preadv(fd, iov, niov, offset) */
	AIO_WRITEV,    /* pwritev(fd, iov, niov, offset) */
	AIO_FDATASYNC, /* fdatasync(fd) */
	AIO_FALLOCATE, /* fallocate(fd, mode, offset, len) */
	/* For the event loop's own sources (eventfds, console, signals): */
	AIO_READ,  /* read(fd, buf, len) at the file position */
	AIO_WRITE, /* write(fd, buf, len) at the file position */
	AIO_POLL,  /* poll(fd, events): res is the revents mask */
};

struct aio_op {
	enum aio_kind kind;
	int fd;
	const struct iovec *iov; /* READV, WRITEV */
	unsigned int niov;
	void *buf; /* READ, WRITE */
	uint32_t buf_len;
	uint64_t offset; /* READV, WRITEV, FALLOCATE */
	uint64_t len;    /* FALLOCATE */
	int mode;        /* FALLOCATE mode; POLL events */
	/* res: bytes transferred, the revents mask (POLL), 0 (FDATASYNC, FALLOCATE) or -errno. */
	void (*complete)(struct aio_op *op, int res);
};

struct aio;

struct aio_ops {
	/* Queues op for the next batch. 0, or -errno when it cannot be queued (op not taken). */
	int (*submit)(struct aio *a, struct aio_op *op);
};

struct aio {
	const struct aio_ops *ops;
};

static inline int aio_submit(struct aio *a, struct aio_op *op)
{
	return a->ops->submit(a, op);
}

#endif
