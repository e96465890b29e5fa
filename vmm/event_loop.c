// SPDX-License-Identifier: MIT
#include "event_loop.h"

#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CQE_BATCH 64

static const uint64_t one = 1; /* what every eventfd write adds */

static struct event_loop *loop_of(struct aio *a)
{
	return (struct event_loop *)((char *)a - offsetof(struct event_loop, aio));
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* A free submission slot; a full queue is sent first (that send counts as a batch too). */
static struct io_uring_sqe *get_sqe(struct event_loop *el)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&el->ring);
	int sent;

	if (sqe)
		return sqe;
	sent = io_uring_submit(&el->ring);
	if (sent > 0) {
		el->stats.submits++;
		el->stats.sqes += (uint64_t)sent;
		el->queued -= (unsigned int)sent < el->queued ? (unsigned int)sent : el->queued;
	}
	return io_uring_get_sqe(&el->ring);
}

static void prep(struct io_uring_sqe *sqe, const struct aio_op *op)
{
	switch (op->kind) {
	case AIO_READV:
		io_uring_prep_readv(sqe, op->fd, op->iov, op->niov, op->offset);
		break;
	case AIO_WRITEV:
		io_uring_prep_writev(sqe, op->fd, op->iov, op->niov, op->offset);
		break;
	case AIO_FDATASYNC:
		io_uring_prep_fsync(sqe, op->fd, IORING_FSYNC_DATASYNC);
		break;
	case AIO_FALLOCATE:
		io_uring_prep_fallocate(sqe, op->fd, op->mode, (off_t)op->offset, (off_t)op->len);
		break;
	case AIO_READ:
		io_uring_prep_read(sqe, op->fd, op->buf, op->buf_len, op->offset);
		break;
	case AIO_WRITE:
		io_uring_prep_write(sqe, op->fd, op->buf, op->buf_len, op->offset);
		break;
	case AIO_POLL:
		io_uring_prep_poll_add(sqe, op->fd, (unsigned int)op->mode);
		break;
	}
}

static int loop_submit(struct aio *a, struct aio_op *op)
{
	struct event_loop *el = loop_of(a);
	struct io_uring_sqe *sqe = get_sqe(el);

	if (!sqe)
		return -EBUSY;
	prep(sqe, op);
	io_uring_sqe_set_data(sqe, op);
	el->queued++;
	el->inflight++;
	return 0;
}

static const struct aio_ops loop_aio_ops = {
	.submit = loop_submit,
};

static void signal_done(struct aio_op *op, int res)
{
	(void)op;
	(void)res; /* an eventfd write cannot fail short of a closed fd: nothing to retry */
}

int event_loop_init(struct event_loop *el, struct err *e)
{
	int ret;

	memset(el, 0, sizeof(*el));
	el->aio.ops = &loop_aio_ops;
	el->owner = pthread_self();
	el->signal_op.complete = signal_done;
	ret = io_uring_queue_init(EVENT_LOOP_ENTRIES, &el->ring, 0);
	if (ret < 0)
		return err_set(e, -ret,
		               "event loop: io_uring_queue_init(%d): %s (minivmm needs io_uring; "
		               "see /proc/sys/kernel/io_uring_disabled)",
		               EVENT_LOOP_ENTRIES, strerror(-ret));
	el->ring_ready = true;
	return 0;
}

void event_loop_destroy(struct event_loop *el)
{
	if (el->ring_ready)
		io_uring_queue_exit(&el->ring);
	el->ring_ready = false;
}

struct aio *event_loop_aio(struct event_loop *el)
{
	return &el->aio;
}

static void watch_done(struct aio_op *op, int res);
static void forget(struct event_loop *el, struct event_watch *w);

static int arm(struct event_loop *el, struct event_watch *w)
{
	struct aio_op *op = &w->op;
	int ret;

	memset(op, 0, sizeof(*op));
	op->fd = w->fd;
	op->complete = watch_done;
	if (w->is_eventfd) {
		op->kind = AIO_READ;
		op->buf = &w->counter;
		op->buf_len = sizeof(w->counter);
	} else {
		op->kind = AIO_POLL;
		op->mode = POLLIN;
	}
	ret = loop_submit(&el->aio, op);
	w->armed = !ret;
	return ret;
}

static void watch_done(struct aio_op *op, int res)
{
	struct event_watch *w = (struct event_watch *)op;
	struct event_loop *el = w->loop;

	w->armed = false;
	if (res == -ECANCELED || w->stopped)
		return;
	if (res == -EINTR || res == -EAGAIN) {
		arm(el, w);
		return;
	}
	if (res < 0) {
		w->stopped = true; /* a broken fd must not spin the loop */
		forget(el, w);
	}
	w->ready(w, res < 0 ? res : w->is_eventfd ? (int64_t)w->counter : res);
	if (!w->stopped && !w->paused && !w->armed && !el->draining)
		arm(el, w);
}

int event_loop_watch(struct event_loop *el, struct event_watch *w, int fd, bool is_eventfd,
                     void (*ready)(struct event_watch *w, int64_t res), void *arg, struct err *e)
{
	int ret;

	if (el->nr_watches == EVENT_LOOP_MAX_WATCHES)
		return err_set(e, ENOSPC, "event loop: more than %d watched fds",
		               EVENT_LOOP_MAX_WATCHES);
	memset(w, 0, sizeof(*w));
	w->loop = el;
	w->fd = fd;
	w->is_eventfd = is_eventfd;
	w->ready = ready;
	w->arg = arg;
	ret = arm(el, w);
	if (ret)
		return err_set(e, -ret, "event loop: cannot watch fd %d: %s", fd, strerror(-ret));
	el->watches[el->nr_watches++] = w;
	return 0;
}

static void cancel(struct event_loop *el, struct event_watch *w)
{
	struct io_uring_sqe *sqe;

	if (!w->armed)
		return;
	sqe = get_sqe(el);
	if (!sqe)
		return;
	io_uring_prep_cancel(sqe, &w->op, 0);
	io_uring_sqe_set_data(sqe, NULL); /* the cancel's own completion is not waited for */
	el->queued++;
}

/* Drops w from the watch list: the loop no longer refers to it. */
static void forget(struct event_loop *el, struct event_watch *w)
{
	unsigned int i;

	for (i = 0; i < el->nr_watches; i++) {
		if (el->watches[i] == w) {
			el->watches[i] = el->watches[--el->nr_watches];
			return;
		}
	}
}

void event_loop_unwatch(struct event_loop *el, struct event_watch *w)
{
	w->stopped = true;
	cancel(el, w);
	forget(el, w);
}

void event_loop_pause(struct event_watch *w)
{
	w->paused = true;
}

void event_loop_rearm(struct event_loop *el, struct event_watch *w)
{
	w->paused = false;
	if (!w->armed && !w->stopped && !el->draining)
		arm(el, w);
}

void event_loop_signal(struct event_loop *el, int fd)
{
	unsigned int i;

	if (!pthread_equal(pthread_self(), el->owner) || el->nr_signals == EVENT_LOOP_MAX_SIGNALS) {
		if (write(fd, &one, sizeof(one)) < 0) {
			/* an eventfd cannot overflow from one write: nothing to do */
		}
		return;
	}
	for (i = 0; i < el->nr_signals; i++) {
		if (el->signal_fds[i] == fd) {
			el->stats.signals_merged++;
			return;
		}
	}
	el->signal_fds[el->nr_signals++] = fd;
}

static void queue_signals(struct event_loop *el)
{
	unsigned int i;

	for (i = 0; i < el->nr_signals; i++) {
		struct aio_op *op = &el->signal_op;

		op->kind = AIO_WRITE;
		op->fd = el->signal_fds[i];
		op->buf = (void *)&one;
		op->buf_len = sizeof(one);
		op->offset = 0;
		if (loop_submit(&el->aio, op) == 0)
			el->stats.signals++;
		else if (write(op->fd, &one, sizeof(one)) < 0) {
			/* as above */
		}
	}
	el->nr_signals = 0;
}

int event_loop_add_hook(struct event_loop *el, bool (*fn)(void *arg), void *arg, struct err *e)
{
	if (el->nr_hooks == EVENT_LOOP_MAX_HOOKS)
		return err_set(e, ENOSPC, "event loop: more than %d hooks", EVENT_LOOP_MAX_HOOKS);
	el->hooks[el->nr_hooks++] = (struct event_loop_hook){ fn, arg };
	return 0;
}

static void count_batch(struct event_loop *el, unsigned int n)
{
	unsigned int bucket = 0;

	if (!n)
		return;
	el->stats.submits++;
	el->stats.sqes += n;
	if (n > el->stats.max_batch)
		el->stats.max_batch = n;
	while (bucket < EVENT_LOOP_BUCKETS - 1 && n >> (bucket + 1))
		bucket++;
	el->stats.batch_hist[bucket]++;
}

/* Completions are copied out and the ring advanced first: handlers may submit freely. */
static void handle_completions(struct event_loop *el)
{
	struct io_uring_cqe *cqes[CQE_BATCH];
	struct {
		struct aio_op *op;
		int res;
	} done[CQE_BATCH];
	unsigned int i, n;

	do {
		n = io_uring_peek_batch_cqe(&el->ring, cqes, CQE_BATCH);
		for (i = 0; i < n; i++) {
			done[i].op = io_uring_cqe_get_data(cqes[i]);
			done[i].res = cqes[i]->res;
		}
		io_uring_cq_advance(&el->ring, n);
		for (i = 0; i < n; i++) {
			el->stats.cqes++;
			if (!done[i].op)
				continue; /* a cancel request's own completion */
			el->inflight--;
			done[i].op->complete(done[i].op, done[i].res);
		}
	} while (n == CQE_BATCH);
}

static void run_hooks(struct event_loop *el)
{
	unsigned int i;

	el->again = false;
	for (i = 0; i < el->nr_hooks; i++)
		el->again |= el->hooks[i].fn(el->hooks[i].arg);
}

int event_loop_run_once(struct event_loop *el, uint64_t timeout_ns, struct err *e)
{
	struct __kernel_timespec ts = { .tv_sec = (long long)(timeout_ns / 1000000000ULL),
		                        .tv_nsec = (long long)(timeout_ns % 1000000000ULL) };
	struct io_uring_cqe *cqe;
	int ret;

	el->stats.rounds++;
	queue_signals(el);
	count_batch(el, el->queued);
	el->queued = 0;
	if (el->again)
		ts.tv_sec = ts.tv_nsec = 0;
	ret = io_uring_submit_and_wait_timeout(&el->ring, &cqe, 1, &ts, NULL);
	if (ret < 0 && ret != -ETIME && ret != -EINTR && ret != -EAGAIN && ret != -EBUSY)
		return err_set(e, -ret, "event loop: io_uring_enter: %s", strerror(-ret));
	handle_completions(el);
	run_hooks(el);
	return 0;
}

int event_loop_drain(struct event_loop *el, uint64_t timeout_ns)
{
	uint64_t deadline = now_ns() + timeout_ns, now;
	struct err e;

	el->draining = true;
	while (el->nr_watches)
		event_loop_unwatch(el, el->watches[0]);
	for (;;) {
		now = now_ns();
		if (!el->inflight && !el->queued && !el->nr_signals)
			return 0;
		if (now >= deadline)
			return -ETIMEDOUT;
		if (event_loop_run_once(
		        el, deadline - now < 100000000ULL ? deadline - now : 100000000ULL, &e))
			return -EIO;
	}
}
