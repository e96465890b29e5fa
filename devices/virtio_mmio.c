// SPDX-License-Identifier: MIT
#include "virtio_mmio.h"

#include <endian.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define STATUS_BITS                                                                   \
	(VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_DRIVER_OK | \
	 VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_NEEDS_RESET | VIRTIO_STATUS_FAILED)

int virtio_mmio_init(struct virtio_mmio *t, const struct virtio_mmio_params *p, struct err *e)
{
	unsigned int i;

	if (!p->nr_queues || !is_pow2(p->queue_max) || p->queue_max > VIRTQ_MAX_SIZE)
		return err_set(e, EINVAL, "%s: %u queues of at most %u entries", p->name,
		               p->nr_queues, p->queue_max);
	memset(t, 0, sizeof(*t));
	t->p = *p;
	t->p.features |= VIRTIO_BIT(VIRTIO_F_VERSION_1);
	for (i = 0; i < p->nr_queues; i++)
		memset(&p->queues[i], 0, sizeof(p->queues[i]));
	pthread_mutex_init(&t->lock, NULL);
	pthread_cond_init(&t->settled, NULL);
	return 0;
}

void virtio_mmio_destroy(struct virtio_mmio *t)
{
	pthread_cond_destroy(&t->settled);
	pthread_mutex_destroy(&t->lock);
}

bool virtio_mmio_negotiated(const struct virtio_mmio *t, unsigned int feature)
{
	return (t->status & VIRTIO_STATUS_FEATURES_OK) &&
	       (t->driver_features & VIRTIO_BIT(feature));
}

bool virtio_mmio_driver_ok(const struct virtio_mmio *t)
{
	return (t->status & VIRTIO_STATUS_DRIVER_OK) && !(t->status & VIRTIO_STATUS_NEEDS_RESET) &&
	       !t->busy;
}

void virtio_mmio_report(struct virtio_mmio *t, const char *fmt, ...)
{
	va_list ap;
	uint64_t n = ++t->stats.errors;

	va_start(ap, fmt);
	vsnprintf(t->last_error, sizeof(t->last_error), fmt, ap);
	va_end(ap);
	if (!t->quiet && n <= VIRTIO_MMIO_LOG_LIMIT)
		fprintf(stderr, "minivmm: %s: %s%s\n", t->p.name, t->last_error,
		        n == VIRTIO_MMIO_LOG_LIMIT ? " (further errors are only counted)" : "");
}

/* Sets interrupt bits; an edge goes out only when a bit becomes set (see README: virtio). */
static void raise_interrupt(struct virtio_mmio *t, uint32_t bits)
{
	uint32_t added = bits & ~t->interrupt_status;

	t->interrupt_status |= bits;
	if (!added)
		return;
	t->stats.interrupts++;
	platform_trigger_irq(t->p.platform, t->p.irq);
}

void virtio_mmio_needs_reset(struct virtio_mmio *t)
{
	if (t->status & VIRTIO_STATUS_NEEDS_RESET)
		return;
	t->status |= VIRTIO_STATUS_NEEDS_RESET;
	if (t->status & VIRTIO_STATUS_DRIVER_OK)
		raise_interrupt(t, VIRTIO_MMIO_INT_CONFIG);
}

static struct virtq *selected_queue(struct virtio_mmio *t)
{
	return t->queue_sel < t->p.nr_queues ? &t->p.queues[t->queue_sel] : NULL;
}

static void handle_notify(struct virtio_mmio *t, uint32_t q)
{
	t->stats.notifies++;
	if (q >= t->p.nr_queues) {
		virtio_mmio_report(t, "notify for queue %u, the device has %u", q, t->p.nr_queues);
		return;
	}
	if (virtio_mmio_driver_ok(t))
		t->p.ops->queue_notify(t->p.dev, q);
}

void virtio_mmio_notify(struct virtio_mmio *t, unsigned int q)
{
	pthread_mutex_lock(&t->lock);
	handle_notify(t, q);
	pthread_mutex_unlock(&t->lock);
}

void virtio_mmio_end_batch(struct virtio_mmio *t)
{
	bool irq = false;
	unsigned int i;

	pthread_mutex_lock(&t->lock);
	for (i = 0; i < t->p.nr_queues; i++)
		irq |= virtq_should_interrupt(&t->p.queues[i], t->p.mem);
	if (irq)
		raise_interrupt(t, VIRTIO_MMIO_INT_VRING);
	pthread_mutex_unlock(&t->lock);
}

/* Runs the back end's wait with the transport busy (see struct virtio_mmio). */
static void wait_for_back_end(struct virtio_mmio *t, int q)
{
	t->busy = true;
	if (q < 0) {
		t->stats.resets++;
		t->p.ops->reset(t->p.dev);
	} else {
		t->stats.queue_stops++;
		if (t->p.ops->queue_stop)
			t->p.ops->queue_stop(t->p.dev, (unsigned int)q);
	}
	t->busy = false;
	pthread_cond_broadcast(&t->settled);
}

static void device_reset(struct virtio_mmio *t)
{
	unsigned int i;

	wait_for_back_end(t, -1);
	for (i = 0; i < t->p.nr_queues; i++)
		virtq_reset(&t->p.queues[i]);
	t->driver_features = 0;
	t->device_features_sel = t->driver_features_sel = t->queue_sel = 0;
	t->status = t->interrupt_status = 0;
}

static bool features_acceptable(struct virtio_mmio *t)
{
	uint64_t extra = t->driver_features & ~t->p.features;

	if (!(t->status & VIRTIO_STATUS_DRIVER)) {
		virtio_mmio_report(t, "FEATURES_OK before DRIVER (status 0x%x)", t->status);
		return false;
	}
	if (extra) {
		virtio_mmio_report(t, "driver features 0x%llx include 0x%llx never offered",
		                   (unsigned long long)t->driver_features,
		                   (unsigned long long)extra);
		return false;
	}
	if (!(t->driver_features & VIRTIO_BIT(VIRTIO_F_VERSION_1))) {
		virtio_mmio_report(t, "driver features 0x%llx lack VERSION_1 (bit 32)",
		                   (unsigned long long)t->driver_features);
		return false;
	}
	return true;
}

/* Bits only accumulate until a reset; FEATURES_OK and DRIVER_OK are checked first. */
static void set_status(struct virtio_mmio *t, uint32_t v)
{
	uint32_t added;

	if (v == 0) {
		device_reset(t);
		return;
	}
	if (t->status & ~v)
		virtio_mmio_report(t, "status 0x%x would clear bits of 0x%x: they stay", v,
		                   t->status);
	added = v & ~t->status & STATUS_BITS & ~VIRTIO_STATUS_NEEDS_RESET;
	if ((added & VIRTIO_STATUS_FEATURES_OK) && !features_acceptable(t))
		added &= ~VIRTIO_STATUS_FEATURES_OK;
	if ((added & VIRTIO_STATUS_DRIVER_OK) &&
	    !((t->status | added) & VIRTIO_STATUS_FEATURES_OK)) {
		virtio_mmio_report(t, "DRIVER_OK without FEATURES_OK (status 0x%x)", v);
		added &= ~VIRTIO_STATUS_DRIVER_OK;
	}
	t->status |= added;
}

static void set_driver_features(struct virtio_mmio *t, uint32_t v)
{
	if (t->status & VIRTIO_STATUS_FEATURES_OK) {
		virtio_mmio_report(t, "driver features written after FEATURES_OK: ignored");
		return;
	}
	if (t->driver_features_sel == 0)
		t->driver_features = (t->driver_features & ~0xffffffffULL) | v;
	else if (t->driver_features_sel == 1)
		t->driver_features = (t->driver_features & 0xffffffffULL) | ((uint64_t)v << 32);
	else if (v)
		virtio_mmio_report(t, "driver features window %u: 0x%x ignored",
		                   t->driver_features_sel, v);
}

static void queue_set_ready(struct virtio_mmio *t, struct virtq *q, uint32_t v)
{
	struct err e;

	if (!v) {
		if (q->ready)
			wait_for_back_end(t, (int)(q - t->p.queues));
		q->ready = false;
		virtq_restart(q);
		return;
	}
	if (q->ready)
		return;
	if (!(t->status & VIRTIO_STATUS_FEATURES_OK)) {
		virtio_mmio_report(t, "queue %u: ready before FEATURES_OK", t->queue_sel);
		virtio_mmio_needs_reset(t);
		return;
	}
	if (virtq_check_layout(q, t->p.queue_max, t->p.mem, &e)) {
		virtio_mmio_report(t, "queue %u: %s", t->queue_sel, e.msg);
		virtio_mmio_needs_reset(t);
		return;
	}
	q->event_idx = virtio_mmio_negotiated(t, VIRTIO_F_EVENT_IDX);
	q->indirect = virtio_mmio_negotiated(t, VIRTIO_F_INDIRECT_DESC);
	virtq_restart(q);
	q->ready = true;
}

static void set_half(gpa_t *addr, bool high, uint32_t v)
{
	if (high)
		*addr = (*addr & 0xffffffffULL) | ((uint64_t)v << 32);
	else
		*addr = (*addr & ~0xffffffffULL) | v;
}

/* QUEUE_NUM and the ring addresses: only for a selected queue that is not ready. */
static void queue_write(struct virtio_mmio *t, uint64_t off, uint32_t v)
{
	struct virtq *q = selected_queue(t);

	if (!q || q->ready) {
		virtio_mmio_report(t, "queue %u register 0x%llx written %s: ignored", t->queue_sel,
		                   (unsigned long long)off, q ? "while ready" : "(no such queue)");
		return;
	}
	switch (off) {
	case VIRTIO_MMIO_QUEUE_NUM:
		q->size = v;
		break;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		set_half(&q->desc, off == VIRTIO_MMIO_QUEUE_DESC_HIGH, v);
		break;
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
	case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
		set_half(&q->avail, off == VIRTIO_MMIO_QUEUE_DRIVER_HIGH, v);
		break;
	default:
		set_half(&q->used, off == VIRTIO_MMIO_QUEUE_DEVICE_HIGH, v);
		break;
	}
}

static void reg_write(struct virtio_mmio *t, uint64_t off, uint32_t v)
{
	struct virtq *q = selected_queue(t);

	switch (off) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		t->device_features_sel = v;
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		set_driver_features(t, v);
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		t->driver_features_sel = v;
		break;
	case VIRTIO_MMIO_QUEUE_SEL:
		t->queue_sel = v;
		break;
	case VIRTIO_MMIO_QUEUE_NUM:
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
	case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
	case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
	case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
		queue_write(t, off, v);
		break;
	case VIRTIO_MMIO_QUEUE_READY:
		if (q)
			queue_set_ready(t, q, v);
		else
			virtio_mmio_report(t, "QUEUE_READY for queue %u, the device has %u",
			                   t->queue_sel, t->p.nr_queues);
		break;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		t->stats.notifies_mmio++;
		if (t->kick)
			t->kick(t->kick_arg, v);
		else
			handle_notify(t, v);
		break;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		t->interrupt_status &= ~v;
		break;
	case VIRTIO_MMIO_STATUS:
		set_status(t, v);
		break;
	default:
		virtio_mmio_report(t, "write of 0x%x to register 0x%llx ignored", v,
		                   (unsigned long long)off);
		break;
	}
}

static uint32_t queue_read(struct virtio_mmio *t, uint64_t off)
{
	struct virtq *q = selected_queue(t);

	if (!q)
		return 0;
	switch (off) {
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		return t->p.queue_max;
	case VIRTIO_MMIO_QUEUE_NUM:
		return q->size;
	case VIRTIO_MMIO_QUEUE_READY:
		return q->ready;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
		return (uint32_t)q->desc;
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		return (uint32_t)(q->desc >> 32);
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
		return (uint32_t)q->avail;
	case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
		return (uint32_t)(q->avail >> 32);
	case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
		return (uint32_t)q->used;
	default:
		return (uint32_t)(q->used >> 32);
	}
}

static uint32_t reg_read(struct virtio_mmio *t, uint64_t off)
{
	switch (off) {
	case VIRTIO_MMIO_MAGIC_VALUE:
		return VIRTIO_MMIO_MAGIC;
	case VIRTIO_MMIO_VERSION:
		return 2;
	case VIRTIO_MMIO_DEVICE_ID:
		return t->p.device_id;
	case VIRTIO_MMIO_VENDOR_ID:
		return VIRTIO_MMIO_VENDOR;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		if (t->device_features_sel > 1)
			return 0;
		return (uint32_t)(t->p.features >> (32 * t->device_features_sel));
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
	case VIRTIO_MMIO_QUEUE_NUM:
	case VIRTIO_MMIO_QUEUE_READY:
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
	case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
	case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
	case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
		return queue_read(t, off);
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		return t->interrupt_status;
	case VIRTIO_MMIO_STATUS:
		return t->status;
	case VIRTIO_MMIO_CONFIG_GENERATION:
		return 0; /* the configuration never changes */
	default:
		/* No shared memory regions: their length and base read all ones. */
		if (off >= VIRTIO_MMIO_SHM_LEN_LOW && off <= VIRTIO_MMIO_SHM_BASE_HIGH)
			return 0xffffffff;
		return 0;
	}
}

/* Registers below the configuration space take aligned 32-bit accesses only. */
static bool register_access_ok(struct virtio_mmio *t, uint64_t off, unsigned int len, bool write)
{
	if (off >= VIRTIO_MMIO_CONFIG || (len == 4 && off % 4 == 0))
		return true;
	virtio_mmio_report(t, "%u-byte %s at register 0x%llx: only aligned 32-bit accesses", len,
	                   write ? "write" : "read", (unsigned long long)off);
	return false;
}

/* A register access from a vCPU: takes the lock once no reset or queue stop is waiting. */
static void lock_settled(struct virtio_mmio *t)
{
	pthread_mutex_lock(&t->lock);
	while (t->busy)
		pthread_cond_wait(&t->settled, &t->lock);
}

static void mmio_read(void *dev, uint64_t off, uint8_t *data, unsigned int len)
{
	struct virtio_mmio *t = dev;
	uint32_t v;

	lock_settled(t);
	t->stats.mmio_reads++;
	if (!register_access_ok(t, off, len, false)) {
		/* the bus has filled data with all ones */
	} else if (off >= VIRTIO_MMIO_CONFIG) {
		memset(data, 0, len);
		t->p.ops->config_read(t->p.dev, (uint32_t)(off - VIRTIO_MMIO_CONFIG), data, len);
	} else {
		v = htole32(reg_read(t, off));
		memcpy(data, &v, 4);
	}
	pthread_mutex_unlock(&t->lock);
}

static void mmio_write(void *dev, uint64_t off, const uint8_t *data, unsigned int len)
{
	struct virtio_mmio *t = dev;
	uint32_t v;

	lock_settled(t);
	t->stats.mmio_writes++;
	if (off >= VIRTIO_MMIO_CONFIG) {
		virtio_mmio_report(t, "write to configuration space offset 0x%llx ignored",
		                   (unsigned long long)(off - VIRTIO_MMIO_CONFIG));
	} else if (register_access_ok(t, off, len, true)) {
		memcpy(&v, data, 4);
		reg_write(t, off, le32toh(v));
	}
	pthread_mutex_unlock(&t->lock);
}

const struct bus_device_ops virtio_mmio_bus_ops = {
	.read = mmio_read,
	.write = mmio_write,
	.own_lock = true, /* t->lock: a reset's wait does not stall other devices */
};
