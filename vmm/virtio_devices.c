// SPDX-License-Identifier: MIT
#include "virtio_devices.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "devices/virtio_blk.h"
#include "vmm/event_loop.h"
#include "vmm/vm.h"
#include "vmm/vm_eventfd.h"

struct virtio_disk {
	struct virtio_blk blk;
	struct platform platform; /* the VM's, with interrupts sent through the irqfd */
	struct vm *vm;
	struct event_loop *loop;
	int irqfd, notify_fd;
	bool ioeventfd; /* KVM takes QUEUE_NOTIFY writes: no exit */
	struct event_watch notify;
	uint64_t notify_events; /* eventfd reads (several notifies may merge into one) */
	char name[32];
};

struct virtio_devices {
	struct virtio_disk *disks[GUEST_MAX_VIRTIO_MMIO];
	unsigned int nr_disks;
};

static struct virtio_disk *disk_of(struct platform *p)
{
	return (struct virtio_disk *)((char *)p - offsetof(struct virtio_disk, platform));
}

static void disk_set_irq(struct platform *p, unsigned int gsi, int level)
{
	platform_set_irq(&disk_of(p)->vm->platform, gsi, level);
}

static void disk_reset(struct platform *p, const char *source)
{
	struct platform *vp = &disk_of(p)->vm->platform;

	vp->ops->reset(vp, source);
}

static void disk_stop(struct platform *p, int exit_code, const char *reason)
{
	struct platform *vp = &disk_of(p)->vm->platform;

	vp->ops->stop(vp, exit_code, reason);
}

static void disk_boot_complete(struct platform *p, uint32_t value)
{
	struct platform *vp = &disk_of(p)->vm->platform;

	vp->ops->boot_complete(vp, value);
}

/* The device's one interrupt: an irqfd write, merged and batched by the loop. */
static void disk_trigger_irq(struct platform *p, unsigned int gsi)
{
	struct virtio_disk *d = disk_of(p);

	(void)gsi;
	event_loop_signal(d->loop, d->irqfd);
}

static const struct platform_ops disk_platform_ops = {
	.set_irq = disk_set_irq,
	.reset = disk_reset,
	.stop = disk_stop,
	.boot_complete = disk_boot_complete,
	.trigger_irq = disk_trigger_irq,
};

/* A QUEUE_NOTIFY write that exited (no ioeventfd): the same eventfd KVM would signal. */
static void disk_kick(void *arg, unsigned int q)
{
	struct virtio_disk *d = arg;
	uint64_t one = 1;

	(void)q; /* one queue */
	if (write(d->notify_fd, &one, sizeof(one)) < 0) {
		/* an eventfd write of 1 cannot fail: nothing to do */
	}
}

static void disk_notified(struct event_watch *w, int64_t res)
{
	struct virtio_disk *d = w->arg;

	if (res <= 0) {
		fprintf(stderr, "minivmm: %s: notification eventfd failed: %s\n", d->name,
		        strerror((int)-res));
		return;
	}
	d->notify_events++;
	virtio_mmio_notify(&d->blk.transport, 0);
}

static bool disk_end_batch(void *arg)
{
	return virtio_blk_end_batch(&((struct virtio_disk *)arg)->blk);
}

/* KVM side: the irqfd, and the ioeventfd on QUEUE_NOTIFY (queue 0) when KVM has it. */
static int disk_wire_kvm(struct virtio_disk *d, const struct virtio_mmio_slot *slot, struct err *e)
{
	struct err ignored;
	int ret;

	d->irqfd = eventfd(0, EFD_CLOEXEC);
	d->notify_fd = eventfd(0, EFD_CLOEXEC);
	if (d->irqfd < 0 || d->notify_fd < 0)
		return err_set(e, errno, "%s: eventfd: %s", d->name, strerror(errno));
	ret = vm_add_irqfd(d->vm, slot->irq, d->irqfd, e);
	if (ret)
		return err_prefix(e, "%s", d->name);
	d->ioeventfd = !vm_add_ioeventfd(d->vm, slot->base + VIRTIO_MMIO_QUEUE_NOTIFY, 4, 0,
	                                 d->notify_fd, &ignored);
	if (!d->ioeventfd && d->vm->verbose)
		fprintf(stderr, "minivmm: %s: no ioeventfd (%s): notifications exit to minivmm\n",
		        d->name, ignored.msg);
	d->blk.transport.kick = disk_kick;
	d->blk.transport.kick_arg = d;
	return 0;
}

static int add_disk(struct vm *vm, struct event_loop *el, const struct block_image *img,
                    const struct virtio_mmio_slot *slot, unsigned int index, struct virtio_disk *d,
                    struct err *e)
{
	struct virtio_blk_params p = { .name = d->name,
		                       .image = img,
		                       .aio = event_loop_aio(el),
		                       .mem = &vm->mem,
		                       .platform = &d->platform,
		                       .irq = slot->irq };
	int ret;

	d->vm = vm;
	d->loop = el;
	d->irqfd = d->notify_fd = -1;
	d->platform.ops = &disk_platform_ops;
	snprintf(d->name, sizeof(d->name), "vd%c", 'a' + index);
	ret = virtio_blk_init(&d->blk, &p, e);
	if (ret)
		return ret;
	ret = disk_wire_kvm(d, slot, e);
	if (!ret)
		ret = bus_register(&vm->mmio, slot->base, slot->size, d->name, &virtio_mmio_bus_ops,
		                   &d->blk.transport, e);
	if (!ret)
		ret = event_loop_watch(el, &d->notify, d->notify_fd, true, disk_notified, d, e);
	if (!ret)
		ret = event_loop_add_hook(el, disk_end_batch, d, e);
	return ret;
}

int virtio_devices_add_disks(struct vm *vm, struct event_loop *el, const struct block_image *disks,
                             const struct virtio_mmio_slot *slots, unsigned int n, struct err *e)
{
	struct virtio_devices *vd;
	unsigned int i;
	int ret;

	if (n > GUEST_MAX_VIRTIO_MMIO)
		return err_set(e, EINVAL, "%u disks, at most %d", n, GUEST_MAX_VIRTIO_MMIO);
	vd = calloc(1, sizeof(*vd));
	if (!vd)
		return err_set(e, ENOMEM, "virtio devices: out of memory");
	vm->virtio_devices = vd;
	for (i = 0; i < n; i++) {
		vd->disks[i] = calloc(1, sizeof(*vd->disks[i]));
		if (!vd->disks[i])
			return err_set(e, ENOMEM, "virtio devices: out of memory");
		vd->nr_disks++;
		ret = add_disk(vm, el, &disks[i], &slots[i], i, vd->disks[i], e);
		if (ret)
			return ret;
	}
	return 0;
}

void virtio_devices_quiesce(struct vm *vm)
{
	struct virtio_devices *vd = vm->virtio_devices;
	unsigned int i;

	for (i = 0; vd && i < vd->nr_disks; i++)
		virtio_blk_quiesce(&vd->disks[i]->blk);
}

static void report_disk(const struct virtio_disk *d, FILE *out)
{
	const struct virtio_blk_stats *s = &d->blk.stats;
	const struct virtio_mmio_stats *t = &d->blk.transport.stats;
	uint64_t requests = s->reads + s->writes + s->flushes + s->get_ids + s->discards +
	                    s->write_zeroes + s->ioerr + s->unsupp;
	uint64_t exits = t->mmio_reads + t->mmio_writes;

	fprintf(out,
	        "minivmm: %s: %llu reads (%.1f MiB), %llu writes (%.1f MiB), %llu flushes, "
	        "%llu discards, %llu write-zeroes, %llu get-id; %llu I/O errors, %llu "
	        "unsupported, %llu bad chains; up to %llu in flight\n",
	        d->name, (unsigned long long)s->reads, s->bytes_read / 1048576.0,
	        (unsigned long long)s->writes, s->bytes_written / 1048576.0,
	        (unsigned long long)s->flushes, (unsigned long long)s->discards,
	        (unsigned long long)s->write_zeroes, (unsigned long long)s->get_ids,
	        (unsigned long long)s->ioerr, (unsigned long long)s->unsupp,
	        (unsigned long long)s->bad_chains, (unsigned long long)s->inflight_max);
	fprintf(out,
	        "minivmm: %s: %llu notifications (%llu eventfd wakeups, %llu exited: %s), "
	        "%llu interrupts, %llu MMIO exits = %.2f per request; %llu resets, %llu queue "
	        "stops, %llu driver errors\n",
	        d->name, (unsigned long long)t->notifies, (unsigned long long)d->notify_events,
	        (unsigned long long)t->notifies_mmio, d->ioeventfd ? "ioeventfd" : "no ioeventfd",
	        (unsigned long long)t->interrupts, (unsigned long long)exits,
	        requests ? (double)exits / (double)requests : 0.0, (unsigned long long)t->resets,
	        (unsigned long long)t->queue_stops, (unsigned long long)t->errors);
}

static void report_loop(const struct event_loop *el, FILE *out)
{
	const struct event_loop_stats *s = &el->stats;
	unsigned int i;

	fprintf(out,
	        "minivmm: event loop: %llu rounds, %llu submissions of %llu entries (%.1f per "
	        "submission, at most %llu), %llu completions, %llu interrupts sent (%llu merged); "
	        "batches",
	        (unsigned long long)s->rounds, (unsigned long long)s->submits,
	        (unsigned long long)s->sqes,
	        s->submits ? (double)s->sqes / (double)s->submits : 0.0,
	        (unsigned long long)s->max_batch, (unsigned long long)s->cqes,
	        (unsigned long long)s->signals, (unsigned long long)s->signals_merged);
	for (i = 0; i < EVENT_LOOP_BUCKETS; i++) {
		if (i == 0)
			fprintf(out, " 1:");
		else if (i + 1 < EVENT_LOOP_BUCKETS)
			fprintf(out, ", %u-%u:", 1u << i, (2u << i) - 1);
		else
			fprintf(out, ", %u+:", 1u << i);
		fprintf(out, " %llu", (unsigned long long)s->batch_hist[i]);
	}
	fputc('\n', out);
}

void virtio_devices_report(struct vm *vm, FILE *out)
{
	struct virtio_devices *vd = vm->virtio_devices;
	unsigned int i;

	for (i = 0; vd && i < vd->nr_disks; i++)
		report_disk(vd->disks[i], out);
	if (vm->loop)
		report_loop(vm->loop, out);
}

void virtio_devices_destroy(struct vm *vm)
{
	struct virtio_devices *vd = vm->virtio_devices;
	unsigned int i;

	if (!vd)
		return;
	for (i = 0; i < vd->nr_disks; i++) {
		struct virtio_disk *d = vd->disks[i];

		if (d->blk.reqs)
			virtio_blk_destroy(&d->blk);
		if (d->irqfd >= 0)
			close(d->irqfd);
		if (d->notify_fd >= 0)
			close(d->notify_fd);
		free(d);
	}
	free(vd);
	vm->virtio_devices = NULL;
}
