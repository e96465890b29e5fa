// SPDX-License-Identifier: MIT
#include "virtqueue.h"

#include <endian.h>
#include <errno.h>
#include <string.h>

#define U(x) ((unsigned long long)(x))

/* One descriptor as the guest lays it out (little endian). */
struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

_Static_assert(sizeof(struct virtq_desc) == VIRTQ_DESC_SIZE, "virtq_desc");

struct virtq_used_elem {
	uint32_t id;
	uint32_t len;
};

void virtq_reset(struct virtq *vq)
{
	uint32_t generation = vq->generation;

	memset(vq, 0, sizeof(*vq));
	vq->generation = generation + 1;
}

void virtq_restart(struct virtq *vq)
{
	vq->last_avail = vq->used_idx = vq->signalled_used = 0;
	vq->signalled_valid = vq->pushed = vq->broken = false;
	vq->generation++;
}

/*
 * Ring indices are read and written as single aligned 16-bit accesses, with
 * acquire/release ordering against the driver's ring writes.
 */
static bool ring_load16(const struct guest_mem *gm, gpa_t gpa, uint16_t *out)
{
	uint16_t *p = guest_mem_ptr(gm, gpa, sizeof(*p));

	if (!p)
		return false;
	*out = le16toh(__atomic_load_n(p, __ATOMIC_ACQUIRE));
	return true;
}

static bool ring_store16(const struct guest_mem *gm, gpa_t gpa, uint16_t v)
{
	uint16_t *p = guest_mem_ptr(gm, gpa, sizeof(*p));

	if (!p)
		return false;
	__atomic_store_n(p, htole16(v), __ATOMIC_RELEASE);
	return true;
}

static int check_area(const struct guest_mem *gm, const char *what, gpa_t gpa, uint64_t len,
                      uint64_t align, struct err *e)
{
	if (!is_aligned(gpa, align))
		return err_set(e, EINVAL, "%s at 0x%llx is not %llu-byte aligned", what, U(gpa),
		               U(align));
	if (!guest_mem_ptr(gm, gpa, len))
		return err_set(e, EFAULT, "%s [0x%llx, +0x%llx) does not lie in one RAM region",
		               what, U(gpa), U(len));
	return 0;
}

int virtq_check_layout(const struct virtq *vq, uint32_t max_size, const struct guest_mem *gm,
                       struct err *e)
{
	int ret;

	if (!is_pow2(vq->size) || vq->size > max_size)
		return err_set(e, EINVAL, "queue size %u: must be a power of two from 1 to %u",
		               vq->size, max_size);
	ret = check_area(gm, "descriptor table", vq->desc, virtq_desc_bytes(vq->size), 16, e);
	if (!ret)
		ret =
		    check_area(gm, "available ring", vq->avail, virtq_avail_bytes(vq->size), 2, e);
	if (!ret)
		ret = check_area(gm, "used ring", vq->used, virtq_used_bytes(vq->size), 4, e);
	return ret;
}

/* [gpa, gpa+len) is non-empty and guest RAM throughout (it may span adjacent regions). */
static bool range_is_ram(const struct guest_mem *gm, gpa_t gpa, uint64_t len)
{
	uint64_t end, at;

	if (!len || !add_checked(gpa, len, &end))
		return false;
	for (at = gpa; at < end;) {
		const struct guest_mem_region *r = guest_mem_find_region(gm, at);

		if (!r)
			return false;
		at = r->gpa + r->size;
	}
	return true;
}

static int read_desc(const struct guest_mem *gm, gpa_t gpa, struct virtq_desc *d, struct err *e)
{
	int ret = guest_mem_read(gm, gpa, d, sizeof(*d), e);

	d->addr = le64toh(d->addr);
	d->len = le32toh(d->len);
	d->flags = le16toh(d->flags);
	d->next = le16toh(d->next);
	return ret;
}

/* Where a descriptor sits, for messages: "descriptor 5" or "indirect descriptor 2". */
struct desc_at {
	const char *table;
	uint32_t idx;
};

static int add_seg(const struct guest_mem *gm, struct virtq_chain *c, const struct virtq_desc *d,
                   struct desc_at at, struct err *e)
{
	bool writable = d->flags & VIRTQ_DESC_F_WRITE;

	if (!d->len)
		return err_set(e, EINVAL, "%s %u: zero length", at.table, at.idx);
	if (!range_is_ram(gm, d->addr, d->len))
		return err_set(e, EFAULT, "%s %u: buffer [0x%llx, +0x%x) is not guest RAM",
		               at.table, at.idx, U(d->addr), d->len);
	if (!writable && c->writable)
		return err_set(e, EINVAL,
		               "%s %u: device-readable buffer after a device-writable one",
		               at.table, at.idx);
	if (c->nr == VIRTQ_MAX_SEGS)
		return err_set(e, E2BIG, "%s %u: chain longer than %d buffers", at.table, at.idx,
		               VIRTQ_MAX_SEGS);
	if (c->readable + c->writable + d->len > UINT32_MAX)
		return err_set(e, E2BIG, "%s %u: chain carries more than 4 GiB", at.table, at.idx);
	c->seg[c->nr++] = (struct virtq_seg){ d->addr, d->len, writable };
	if (writable)
		c->writable += d->len;
	else
		c->readable += d->len;
	return 0;
}

/* The table an INDIRECT descriptor points at: at most n hops, no nesting. */
static int walk_indirect(const struct guest_mem *gm, const struct virtq_desc *ind, uint32_t ind_idx,
                         struct virtq_chain *c, struct err *e)
{
	uint32_t n = ind->len / VIRTQ_DESC_SIZE, idx = 0, hops = 0;
	struct virtq_desc d;
	int ret;

	if (ind->len % VIRTQ_DESC_SIZE || !n || n > VIRTQ_MAX_SEGS)
		return err_set(
		    e, EINVAL,
		    "descriptor %u: indirect table of %u bytes, want a multiple of %d up "
		    "to %d entries",
		    ind_idx, ind->len, VIRTQ_DESC_SIZE, VIRTQ_MAX_SEGS);
	if (!range_is_ram(gm, ind->addr, ind->len))
		return err_set(e, EFAULT,
		               "descriptor %u: indirect table [0x%llx, +0x%x) is not RAM", ind_idx,
		               U(ind->addr), ind->len);
	for (;;) {
		if (hops++ == n)
			return err_set(e, ELOOP,
			               "indirect table at 0x%llx: chain longer than its %u "
			               "entries (a loop)",
			               U(ind->addr), n);
		ret = read_desc(gm, ind->addr + (uint64_t)idx * VIRTQ_DESC_SIZE, &d, e);
		if (ret)
			return ret;
		if (d.flags & VIRTQ_DESC_F_INDIRECT)
			return err_set(e, EINVAL, "indirect descriptor %u: nested INDIRECT", idx);
		ret = add_seg(gm, c, &d, (struct desc_at){ "indirect descriptor", idx }, e);
		if (ret || !(d.flags & VIRTQ_DESC_F_NEXT))
			return ret;
		if (d.next >= n)
			return err_set(e, EINVAL,
			               "indirect descriptor %u: next %u outside the table "
			               "of %u",
			               idx, d.next, n);
		idx = d.next;
	}
}

/* The chain from c->head: at most `size` hops, INDIRECT only as the head. */
static int walk_chain(const struct virtq *vq, const struct guest_mem *gm, struct virtq_chain *c,
                      struct err *e)
{
	uint32_t idx = c->head, hops = 0;
	struct virtq_desc d;
	int ret;

	for (;;) {
		if (hops++ == vq->size)
			return err_set(e, ELOOP,
			               "chain from head %u is longer than the queue (%u): "
			               "a loop",
			               c->head, vq->size);
		ret = read_desc(gm, vq->desc + (uint64_t)idx * VIRTQ_DESC_SIZE, &d, e);
		if (ret)
			return ret;
		if (d.flags & VIRTQ_DESC_F_INDIRECT) {
			if (!vq->indirect)
				return err_set(e, EINVAL, "descriptor %u: INDIRECT not negotiated",
				               idx);
			if (d.flags & VIRTQ_DESC_F_NEXT)
				return err_set(e, EINVAL, "descriptor %u: INDIRECT with NEXT", idx);
			if (idx != c->head)
				return err_set(e, EINVAL, "descriptor %u: INDIRECT inside a chain",
				               idx);
			return walk_indirect(gm, &d, idx, c, e);
		}
		ret = add_seg(gm, c, &d, (struct desc_at){ "descriptor", idx }, e);
		if (ret || !(d.flags & VIRTQ_DESC_F_NEXT))
			return ret;
		if (d.next >= vq->size)
			return err_set(e, EINVAL,
			               "descriptor %u: next %u outside the queue (size %u)", idx,
			               d.next, vq->size);
		idx = d.next;
	}
}

/* Marks the ring untrustworthy; e already says why. */
static enum virtq_pop_result ring_broken(struct virtq *vq)
{
	vq->broken = true;
	return VIRTQ_POP_BROKEN;
}

enum virtq_pop_result virtq_pop(struct virtq *vq, const struct guest_mem *gm, struct virtq_chain *c,
                                struct err *e)
{
	uint16_t avail_idx, head = 0, pending, slot;

	if (!vq->ready || vq->broken)
		return VIRTQ_POP_EMPTY;
	if (!ring_load16(gm, vq->avail + 2, &avail_idx)) {
		err_set(e, EFAULT, "available ring at 0x%llx unreadable", U(vq->avail));
		return ring_broken(vq);
	}
	pending = (uint16_t)(avail_idx - vq->last_avail);
	if (!pending)
		return VIRTQ_POP_EMPTY;
	if (pending > vq->size) {
		err_set(e, EINVAL,
		        "available index %u is %u ahead of the device's %u, more than the queue "
		        "size %u",
		        avail_idx, pending, vq->last_avail, vq->size);
		return ring_broken(vq);
	}
	slot = (uint16_t)(vq->last_avail % vq->size);
	if (!ring_load16(gm, vq->avail + 4 + 2ULL * slot, &head) || head >= vq->size) {
		err_set(e, EINVAL,
		        "available ring slot %u holds head %u, outside the queue (size %u)", slot,
		        head, vq->size);
		return ring_broken(vq);
	}
	vq->last_avail++;
	c->head = head;
	c->nr = 0;
	c->readable = c->writable = 0;
	return walk_chain(vq, gm, c, e) ? VIRTQ_POP_BAD_CHAIN : VIRTQ_POP_CHAIN;
}

uint16_t virtq_pending(struct virtq *vq, const struct guest_mem *gm)
{
	uint16_t avail_idx;

	if (!vq->ready || vq->broken || !ring_load16(gm, vq->avail + 2, &avail_idx))
		return 0;
	return (uint16_t)(avail_idx - vq->last_avail);
}

bool virtq_enable_notify(struct virtq *vq, struct guest_mem *gm)
{
	if (!vq->ready || vq->broken)
		return false;
	if (vq->event_idx)
		ring_store16(gm, vq->used + 4 + 8ULL * vq->size, vq->last_avail);
	/* The driver reads avail_event after writing avail.idx: order our store before our load. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return virtq_pending(vq, gm) != 0;
}

int virtq_push(struct virtq *vq, struct guest_mem *gm, uint16_t head, uint32_t len, struct err *e)
{
	struct virtq_used_elem elem = { htole32(head), htole32(len) };
	int ret;

	if (!vq->ready || !vq->size)
		return err_set(e, EINVAL, "push to a queue that is not ready (head %u)", head);
	ret = guest_mem_write(gm, vq->used + 4 + 8ULL * (vq->used_idx % vq->size), &elem,
	                      sizeof(elem), e);
	if (ret)
		return ret;
	vq->used_idx++;
	/* Release: the element is visible before the index that publishes it. */
	ring_store16(gm, vq->used + 2, vq->used_idx);
	vq->pushed = true;
	return 0;
}

bool virtq_should_interrupt(struct virtq *vq, const struct guest_mem *gm)
{
	uint16_t flags = 0, event = 0, old;
	bool valid;

	if (!vq->pushed || !vq->ready)
		return false;
	vq->pushed = false;
	/* Our used.idx store must be visible before we read what the driver asked for. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!vq->event_idx) {
		ring_load16(gm, vq->avail, &flags);
		return !(flags & VIRTQ_AVAIL_F_NO_INTERRUPT);
	}
	ring_load16(gm, vq->avail + 4 + 2ULL * vq->size, &event);
	old = vq->signalled_used;
	valid = vq->signalled_valid;
	vq->signalled_used = vq->used_idx;
	vq->signalled_valid = true;
	return !valid || virtq_need_event(event, vq->used_idx, old);
}
