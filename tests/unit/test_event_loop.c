// SPDX-License-Identifier: MIT
/*
 * The main thread's io_uring event loop (vmm/event_loop.h) on the host's
 * real io_uring: eventfd and poll watches, interrupts (eventfd signals)
 * merged per round and sent with the round's other submissions, file I/O
 * through the aio interface, round-end hooks, draining at shutdown, and
 * virtio-blk running on it against a real image file (writeback and
 * O_DIRECT), where one notification's requests go to the kernel in one
 * submission.
 *
 * minivmm cannot run a VM without io_uring. Where the kernel has none (or it
 * is disabled), this suite says so and skips (77), and fails instead when
 * MINIVMM_REQUIRE_IO_URING=1 or MINIVMM_REQUIRE_KVM=1 is set.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "blk_fixture.h"
#include "test_helpers.h"
#include "vmm/event_loop.h"

#define SECOND 1000000000ULL

static struct event_loop el;
static struct event_watch watch; /* outlives each test: the teardown drains the loop */
static struct err e;

static void setup(void)
{
	ck_assert_msg(event_loop_init(&el, &e) == 0, "%s", e.msg);
}

static void teardown(void)
{
	ck_assert_int_eq(event_loop_drain(&el, SECOND), 0);
	event_loop_destroy(&el);
}

static void run(void)
{
	ck_assert_msg(event_loop_run_once(&el, SECOND, &e) == 0, "%s", e.msg);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * SECOND + (uint64_t)ts.tv_nsec;
}

/* ---- watches ------------------------------------------------------------------ */

static int64_t seen[16];
static unsigned int nr_seen;

static void record(struct event_watch *w, int64_t res)
{
	(void)w;
	ck_assert_uint_lt(nr_seen, ARRAY_SIZE(seen));
	seen[nr_seen++] = res;
}

static void efd_add(int fd, uint64_t v)
{
	ck_assert_int_eq(write(fd, &v, sizeof(v)), sizeof(v));
}

START_TEST(test_an_eventfd_watch_reads_the_counter_and_waits_again)
{
	int fd = eventfd(0, EFD_CLOEXEC);

	nr_seen = 0;
	ck_assert_ok(event_loop_watch(&el, &watch, fd, true, record, NULL, &e), e);
	efd_add(fd, 1);
	run();
	ck_assert_uint_eq(nr_seen, 1);
	ck_assert_int_eq(seen[0], 1);
	efd_add(fd, 2);
	efd_add(fd, 3); /* two notifications before the loop looked: one wakeup, counter 5 */
	run();
	ck_assert_uint_eq(nr_seen, 2);
	ck_assert_int_eq(seen[1], 5);
	ck_assert(watch.armed);
	event_loop_unwatch(&el, &watch);
	ck_assert_int_eq(event_loop_drain(&el, SECOND), 0);
	ck_assert_uint_eq(nr_seen, 2); /* the cancelled wait reported nothing */
	close(fd);
}
END_TEST

static int pipe_fds[2];

static void drain_pipe(struct event_watch *ew, int64_t res)
{
	char c;

	record(ew, res);
	ck_assert_int_eq(read(pipe_fds[0], &c, 1), 1);
	if (ew->arg)
		event_loop_pause(ew);
}

START_TEST(test_a_poll_watch_reports_readiness_and_can_be_paused)
{
	nr_seen = 0;
	ck_assert_int_eq(pipe(pipe_fds), 0);
	ck_assert_ok(event_loop_watch(&el, &watch, pipe_fds[0], false, drain_pipe, &watch, &e), e);
	ck_assert_int_eq(write(pipe_fds[1], "ab", 2), 2);
	run();
	ck_assert_uint_eq(nr_seen, 1);
	ck_assert(seen[0] & POLLIN);
	ck_assert(!watch.armed); /* paused: the second byte waits */
	ck_assert_int_eq(event_loop_run_once(&el, SECOND / 20, &e), 0);
	ck_assert_uint_eq(nr_seen, 1);
	watch.arg = NULL;
	event_loop_rearm(&el, &watch);
	run();
	ck_assert_uint_eq(nr_seen, 2);
	event_loop_unwatch(&el, &watch);
	ck_assert_int_eq(event_loop_drain(&el, SECOND), 0);
	close(pipe_fds[0]);
	close(pipe_fds[1]);
}
END_TEST

START_TEST(test_a_watch_on_a_bad_fd_ends_instead_of_spinning)
{
	int fd = eventfd(0, EFD_CLOEXEC);
	unsigned int i;

	nr_seen = 0;
	close(fd); /* the number is stale now */
	ck_assert_ok(event_loop_watch(&el, &watch, fd, true, record, NULL, &e), e);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(event_loop_run_once(&el, SECOND / 20, &e), 0);
	ck_assert_uint_eq(nr_seen, 1);
	ck_assert_int_eq(seen[0], -EBADF);
	ck_assert(watch.stopped);
	ck_assert_uint_eq(el.nr_watches, 0);
}
END_TEST

/* ---- interrupts: eventfd signals ----------------------------------------------- */

static uint64_t efd_take(int fd)
{
	uint64_t v = 0;

	if (read(fd, &v, sizeof(v)) != sizeof(v))
		return 0;
	return v;
}

static void *signal_from_another_thread(void *fd)
{
	event_loop_signal(&el, *(int *)fd);
	return NULL;
}

START_TEST(test_signals_are_merged_per_round)
{
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	pthread_t t;

	event_loop_signal(&el, fd);
	event_loop_signal(&el, fd);
	event_loop_signal(&el, fd);
	ck_assert_uint_eq(efd_take(fd), 0); /* nothing yet: it goes with the next submission */
	ck_assert_int_eq(event_loop_run_once(&el, 0, &e), 0);
	ck_assert_int_eq(event_loop_run_once(&el, SECOND / 100, &e), 0); /* reap the write */
	ck_assert_uint_eq(efd_take(fd), 1);
	ck_assert_uint_eq(el.stats.signals, 1);
	ck_assert_uint_eq(el.stats.signals_merged, 2);
	/* Another thread cannot use the ring: it writes at once. */
	ck_assert_int_eq(pthread_create(&t, NULL, signal_from_another_thread, &fd), 0);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_uint_eq(efd_take(fd), 1);
	close(fd);
}
END_TEST

/* ---- file I/O through the aio interface ------------------------------------------ */

struct result {
	struct aio_op op;
	int res;
	bool done;
};

static void note(struct aio_op *op, int res)
{
	struct result *r = (struct result *)op;

	r->res = res;
	r->done = true;
}

START_TEST(test_file_ops_go_out_in_one_submission_and_complete)
{
	char name[] = "/tmp/minivmm-loop-XXXXXX", a[4096], b[4096], back[8192];
	struct iovec out[2] = { { a, sizeof(a) }, { b, sizeof(b) } }, in = { back, sizeof(back) };
	struct result w = { .op = { .kind = AIO_WRITEV, .iov = out, .niov = 2, .offset = 8192 } };
	struct result s = { .op = { .kind = AIO_FDATASYNC } };
	struct result p = { .op = { .kind = AIO_FALLOCATE,
		                    .mode = FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		                    .offset = 0,
		                    .len = 4096 } };
	struct result r = { .op = { .kind = AIO_READV, .iov = &in, .niov = 1, .offset = 8192 } };
	struct result *all[] = { &w, &s, &p };
	unsigned int i, rounds = 0;
	int fd = mkstemp(name);

	ck_assert_int_ge(fd, 0);
	unlink(name);
	ck_assert_int_eq(ftruncate(fd, 65536), 0);
	memset(a, 'a', sizeof(a));
	memset(b, 'b', sizeof(b));
	for (i = 0; i < ARRAY_SIZE(all); i++) {
		all[i]->op.fd = fd;
		all[i]->op.complete = note;
		ck_assert_int_eq(aio_submit(event_loop_aio(&el), &all[i]->op), 0);
	}
	while (!(w.done && s.done && p.done) && rounds++ < 50)
		run();
	ck_assert_int_eq(w.res, 8192);
	ck_assert_int_eq(s.res, 0);
	ck_assert_int_eq(p.res, 0);
	ck_assert_uint_eq(el.stats.max_batch, 3);
	ck_assert_uint_eq(el.stats.batch_hist[1], 1); /* one submission of 2-3 entries */
	r.op.fd = fd;
	r.op.complete = note;
	ck_assert_int_eq(aio_submit(event_loop_aio(&el), &r.op), 0);
	while (!r.done && rounds++ < 100)
		run();
	ck_assert_int_eq(r.res, 8192);
	ck_assert_int_eq(memcmp(back, a, 4096), 0);
	ck_assert_int_eq(memcmp(back + 4096, b, 4096), 0);
	close(fd);
}
END_TEST

/* ---- round-end hooks and draining -------------------------------------------------- */

static unsigned int hook_calls, hook_again;

static bool hook(void *arg)
{
	(void)arg;
	hook_calls++;
	return hook_again && hook_again--;
}

START_TEST(test_hooks_run_after_each_round_and_may_ask_for_another_at_once)
{
	uint64_t start;

	hook_calls = 0;
	hook_again = 1;
	ck_assert_ok(event_loop_add_hook(&el, hook, NULL, &e), e);
	ck_assert_int_eq(event_loop_run_once(&el, 0, &e), 0);
	ck_assert_uint_eq(hook_calls, 1);
	start = now_ns();
	ck_assert_int_eq(event_loop_run_once(&el, 5 * SECOND, &e), 0); /* does not wait */
	ck_assert_uint_lt(now_ns() - start, SECOND);
	ck_assert_uint_eq(hook_calls, 2);
}
END_TEST

START_TEST(test_drain_waits_for_ops_in_flight_and_gives_up_in_time)
{
	char buf[8];
	struct iovec v = { buf, sizeof(buf) };
	struct result r = { .op = { .kind = AIO_READV, .iov = &v, .niov = 1, .complete = note } };
	int efd = eventfd(0, EFD_CLOEXEC);

	ck_assert_int_eq(pipe(pipe_fds), 0);
	r.op.fd = pipe_fds[0];
	r.op.offset = (uint64_t)-1;
	ck_assert_ok(event_loop_watch(&el, &watch, efd, true, record, NULL, &e), e);
	ck_assert_int_eq(aio_submit(event_loop_aio(&el), &r.op), 0);
	ck_assert_int_eq(event_loop_drain(&el, SECOND / 5), -ETIMEDOUT);
	ck_assert(!watch.armed);           /* the watch was cancelled */
	ck_assert_uint_eq(el.inflight, 1); /* the read is not: it still points at buf */
	ck_assert_int_eq(write(pipe_fds[1], "x", 1), 1);
	ck_assert_int_eq(event_loop_drain(&el, SECOND), 0);
	ck_assert(r.done);
	ck_assert_int_eq(r.res, 1);
	close(pipe_fds[0]);
	close(pipe_fds[1]);
	close(efd);
}
END_TEST

/* ---- virtio-blk on the loop, with a real image ---------------------------------- */

static void blk_setup(enum block_cache cache)
{
	setup();
	bf_backend = event_loop_aio(&el);
	bf_setup(false, cache, 0);
	bf_blk.transport.quiet = false;
	ck_assert_ok(event_loop_add_hook(&el, (bool (*)(void *))virtio_blk_end_batch, &bf_blk, &e),
	             e);
}

static void blk_setup_writeback(void)
{
	blk_setup(BLOCK_CACHE_WRITEBACK);
}

static void blk_setup_direct(void)
{
	blk_setup(BLOCK_CACHE_NONE);
}

static void blk_teardown(void)
{
	teardown();
	bf_teardown();
	bf_backend = NULL;
}

/* Runs rounds until n more used entries are there. */
static void run_until_used(uint16_t n)
{
	unsigned int rounds = 0;

	while (td_used_idx(&bf_td) != n) {
		ck_assert_uint_lt(rounds++, 1000);
		run();
	}
}

START_TEST(test_virtio_blk_writes_flushes_and_reads_a_real_image_through_the_ring)
{
	struct bf_req w[32], f, r[32];
	uint16_t heads[32];
	uint8_t got[4096];
	unsigned int i, j;

	for (i = 0; i < 32; i++) {
		w[i] = bf_request(VIRTIO_BLK_T_OUT, 8 * i, 4096);
		heads[i] = w[i].head;
	}
	bf_offer_and_notify(heads, 32);
	run_until_used(32);
	ck_assert_uint_ge(el.stats.max_batch, 32); /* one notification, one submission */
	f = bf_request(VIRTIO_BLK_T_FLUSH, 0, 0);
	bf_send(&f);
	run_until_used(33);
	ck_assert_uint_eq(bf_status(&f), VIRTIO_BLK_S_OK);
	for (i = 0; i < 32; i++) {
		ck_assert_uint_eq(bf_status(&w[i]), VIRTIO_BLK_S_OK);
		bf_file_read(4096ULL * i, got, sizeof(got));
		for (j = 0; j < sizeof(got); j++)
			ck_assert_uint_eq(got[j], (uint8_t)(j * 13 + 3));
	}
	for (i = 0; i < 32; i++) {
		r[i] = bf_request(VIRTIO_BLK_T_IN, 8 * i + 1, 4096);
		heads[i] = r[i].head;
	}
	bf_offer_and_notify(heads, 32);
	run_until_used(65);
	for (i = 0; i < 32; i++) {
		ck_assert_uint_eq(bf_status(&r[i]), VIRTIO_BLK_S_OK);
		ck_assert_uint_eq(td_byte(&bf_td, r[i].data), (uint8_t)(512 * 13 + 3));
	}
	ck_assert_uint_ge(bf_edges, 1);
	ck_assert_uint_lt(bf_edges, 65); /* interrupts cover batches, not requests */
	ck_assert_uint_eq(bf_blk.stats.direct_fallbacks, 0);
	ck_assert_uint_eq(bf_blk.transport.stats.errors, 0);
}
END_TEST

static Suite *event_loop_suite(void)
{
	Suite *s = suite_create("event_loop");
	TCase *tc = tcase_create("loop");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_an_eventfd_watch_reads_the_counter_and_waits_again);
	tcase_add_test(tc, test_a_poll_watch_reports_readiness_and_can_be_paused);
	tcase_add_test(tc, test_a_watch_on_a_bad_fd_ends_instead_of_spinning);
	tcase_add_test(tc, test_signals_are_merged_per_round);
	tcase_add_test(tc, test_file_ops_go_out_in_one_submission_and_complete);
	tcase_add_test(tc, test_hooks_run_after_each_round_and_may_ask_for_another_at_once);
	tcase_add_test(tc, test_drain_waits_for_ops_in_flight_and_gives_up_in_time);
	suite_add_tcase(s, tc);

	tc = tcase_create("virtio-blk, writeback");
	tcase_add_checked_fixture(tc, blk_setup_writeback, blk_teardown);
	tcase_add_test(tc, test_virtio_blk_writes_flushes_and_reads_a_real_image_through_the_ring);
	suite_add_tcase(s, tc);
	tc = tcase_create("virtio-blk, cache=none");
	tcase_add_checked_fixture(tc, blk_setup_direct, blk_teardown);
	tcase_add_test(tc, test_virtio_blk_writes_flushes_and_reads_a_real_image_through_the_ring);
	suite_add_tcase(s, tc);
	return s;
}

/* io_uring present and allowed? Else a loud skip, or a failure when it is required. */
static int check_io_uring(void)
{
	const char *req_uring = getenv("MINIVMM_REQUIRE_IO_URING");
	const char *req_kvm = getenv("MINIVMM_REQUIRE_KVM");
	bool required =
	    (req_uring && !strcmp(req_uring, "1")) || (req_kvm && !strcmp(req_kvm, "1"));

	if (event_loop_init(&el, &e) == 0) {
		event_loop_destroy(&el);
		return 0;
	}
	printf("######################################################################\n"
	       "### no io_uring here: %s\n"
	       "### minivmm's event loop needs it; this suite %s.\n"
	       "######################################################################\n",
	       e.msg, required ? "FAILS (MINIVMM_REQUIRE_*)" : "is skipped");
	return required ? EXIT_FAILURE : 77;
}

int main(void)
{
	int ret = check_io_uring();

	return ret ? ret : run_suite(event_loop_suite());
}
