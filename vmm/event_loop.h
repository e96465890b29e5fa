/* SPDX-License-Identifier: MIT */
/*
 * The main thread's event loop, one io_uring for everything device back ends
 * wait on: disk I/O (the aio interface of devices/aio.h), guest notifications
 * (ioeventfds: an 8-byte read of the eventfd, so a notify costs the guest no
 * exit to minivmm and minivmm no extra syscall), interrupts (irqfd writes,
 * coalesced per round and sent with the round's other submissions), stop
 * requests, signals and the console's input (polls).
 *
 * One round: send every queued submission and wait (up to a timeout) for a
 * completion in one io_uring_enter(), handle every completion there is, then
 * run the round-end hooks, where devices decide on interrupts. Completion
 * handlers queue new submissions; they go out with the next round, so
 * requests that arrive together are submitted together.
 *
 * Only the thread that created the loop may use it, except
 * event_loop_signal(), which other threads may call (it then writes at once).
 */
#ifndef MINIVMM_VMM_EVENT_LOOP_H
#define MINIVMM_VMM_EVENT_LOOP_H

#include <liburing.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "devices/aio.h"
#include "lib/err.h"

#define EVENT_LOOP_ENTRIES     512 /* submission queue; completions get twice that */
#define EVENT_LOOP_MAX_WATCHES 64
#define EVENT_LOOP_MAX_HOOKS   32
#define EVENT_LOOP_MAX_SIGNALS 32
#define EVENT_LOOP_BUCKETS     8 /* batch sizes: 1, 2-3, 4-7, ..., 128 and more */

struct event_loop;

/* Something the loop waits on: an eventfd (its counter is read) or any fd (polled). */
struct event_watch {
	struct aio_op op; /* first: the completion finds the watch from the op */
	struct event_loop *loop;
	int fd;
	bool is_eventfd;
	uint64_t counter; /* the eventfd's value, read by the ring */
	/* res: the eventfd's counter (> 0) or the poll revents mask; -errno ends the watch. */
	void (*ready)(struct event_watch *w, int64_t res);
	void *arg;
	bool armed, stopped;
	bool paused; /* not re-armed after this event: event_loop_rearm() resumes */
};

struct event_loop_hook {
	/* Returns true when it has more to do at once (the next round does not wait). */
	bool (*fn)(void *arg);
	void *arg;
};

struct event_loop_stats {
	uint64_t rounds;    /* event_loop_run_once() calls */
	uint64_t submits;   /* io_uring_enter() calls that sent submissions */
	uint64_t sqes;      /* submissions sent */
	uint64_t max_batch; /* most submissions sent by one call */
	uint64_t batch_hist[EVENT_LOOP_BUCKETS];
	uint64_t cqes;           /* completions handled */
	uint64_t signals;        /* eventfd writes (interrupts) through the ring */
	uint64_t signals_merged; /* further signals of the same fd in the same round */
};

struct event_loop {
	struct aio aio;
	struct io_uring ring;
	bool ring_ready;
	pthread_t owner;
	unsigned int queued;   /* submissions prepared, not yet sent */
	unsigned int inflight; /* sent or prepared, not yet completed */
	bool again;            /* a hook has more to do: the next round does not wait */
	bool draining;
	struct event_watch *watches[EVENT_LOOP_MAX_WATCHES];
	unsigned int nr_watches;
	struct event_loop_hook hooks[EVENT_LOOP_MAX_HOOKS];
	unsigned int nr_hooks;
	int signal_fds[EVENT_LOOP_MAX_SIGNALS];
	unsigned int nr_signals;
	struct aio_op signal_op;
	struct event_loop_stats stats;
};

/* Sets up the ring; the calling thread owns the loop. */
int event_loop_init(struct event_loop *el, struct err *e);
void event_loop_destroy(struct event_loop *el);

/* The aio interface devices submit their I/O through. */
struct aio *event_loop_aio(struct event_loop *el);

/* Starts waiting on fd; ready(w, res) runs on every event until stopped. */
int event_loop_watch(struct event_loop *el, struct event_watch *w, int fd, bool is_eventfd,
                     void (*ready)(struct event_watch *w, int64_t res), void *arg, struct err *e);
/* Stops re-arming w (a pending wait is cancelled). */
void event_loop_unwatch(struct event_loop *el, struct event_watch *w);
/* From a ready() handler: do not wait again until event_loop_rearm() (e.g. a full buffer). */
void event_loop_pause(struct event_watch *w);
void event_loop_rearm(struct event_loop *el, struct event_watch *w);

/* Adds 1 to eventfd fd (an irqfd): once per round however often it is asked. */
void event_loop_signal(struct event_loop *el, int fd);

/* Runs fn(arg) at the end of every round. */
int event_loop_add_hook(struct event_loop *el, bool (*fn)(void *arg), void *arg, struct err *e);

/* One round, waiting at most timeout_ns for the first completion. 0 or -errno. */
int event_loop_run_once(struct event_loop *el, uint64_t timeout_ns, struct err *e);

/*
 * Cancels every watch and runs rounds until nothing is in flight, for at most
 * timeout_ns: 0, or -ETIMEDOUT with ops still in flight (then nothing they
 * point to may be freed).
 */
int event_loop_drain(struct event_loop *el, uint64_t timeout_ns);

#endif
