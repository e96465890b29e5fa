// SPDX-License-Identifier: MIT
#include "virtq_driver.h"

#include <check.h>
#include <string.h>

void td_init(struct td *t, uint32_t size)
{
	struct err e;

	memset(t, 0, sizeof(*t));
	guest_mem_init(&t->gm);
	ck_assert_int_eq(guest_mem_add_region(&t->gm, 0, TD_GAP, NULL, &e), 0);
	ck_assert_int_eq(
	    guest_mem_add_region(&t->gm, TD_REGION_B, TD_REGION_C - TD_REGION_B, NULL, &e), 0);
	ck_assert_int_eq(
	    guest_mem_add_region(&t->gm, TD_REGION_C, TD_RAM_END - TD_REGION_C, NULL, &e), 0);
	ck_assert_uint_le(size, TD_MAX_QUEUE);
	t->size = size;
	t->next_data = TD_DATA;
}

void td_destroy(struct td *t)
{
	guest_mem_destroy(&t->gm);
}

void td_virtq(const struct td *t, struct virtq *vq, bool indirect, bool event_idx)
{
	virtq_reset(vq);
	vq->size = t->size;
	vq->desc = TD_DESC;
	vq->avail = TD_AVAIL;
	vq->used = TD_USED;
	vq->indirect = indirect;
	vq->event_idx = event_idx;
	vq->ready = true;
}

void td_write(struct td *t, gpa_t gpa, const void *buf, uint64_t len)
{
	struct err e;

	ck_assert_msg(guest_mem_write(&t->gm, gpa, buf, len, &e) == 0, "%s", e.msg);
}

void td_read(struct td *t, gpa_t gpa, void *buf, uint64_t len)
{
	struct err e;

	ck_assert_msg(guest_mem_read(&t->gm, gpa, buf, len, &e) == 0, "%s", e.msg);
}

uint8_t td_byte(struct td *t, gpa_t gpa)
{
	uint8_t b;

	td_read(t, gpa, &b, 1);
	return b;
}

static void put16(struct td *t, gpa_t gpa, uint16_t v)
{
	td_write(t, gpa, &v, 2);
}

static uint16_t get16(struct td *t, gpa_t gpa)
{
	uint16_t v;

	td_read(t, gpa, &v, 2);
	return v;
}

void td_desc_at(struct td *t, gpa_t table, uint32_t idx, uint64_t addr, uint32_t len,
                uint16_t flags, uint16_t next)
{
	struct {
		uint64_t addr;
		uint32_t len;
		uint16_t flags, next;
	} d = { addr, len, flags, next };

	td_write(t, table + 16ULL * idx, &d, sizeof(d));
}

void td_desc(struct td *t, uint32_t idx, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	td_desc_at(t, TD_DESC, idx, addr, len, flags, next);
}

void td_offer(struct td *t, uint16_t head)
{
	put16(t, TD_AVAIL + 4 + 2ULL * (t->avail_idx % t->size), head);
	td_set_avail_idx(t, (uint16_t)(t->avail_idx + 1));
}

void td_set_avail_idx(struct td *t, uint16_t idx)
{
	t->avail_idx = idx;
	put16(t, TD_AVAIL + 2, idx);
}

void td_set_avail_flags(struct td *t, uint16_t flags)
{
	put16(t, TD_AVAIL, flags);
}

void td_set_used_event(struct td *t, uint16_t event)
{
	put16(t, TD_AVAIL + 4 + 2ULL * t->size, event);
}

uint16_t td_used_idx(struct td *t)
{
	return get16(t, TD_USED + 2);
}

uint16_t td_avail_event(struct td *t)
{
	return get16(t, TD_USED + 4 + 8ULL * t->size);
}

void td_used_elem(struct td *t, uint16_t i, uint32_t *id, uint32_t *len)
{
	uint32_t elem[2];

	td_read(t, TD_USED + 4 + 8ULL * (i % t->size), elem, sizeof(elem));
	*id = elem[0];
	*len = elem[1];
}

gpa_t td_alloc(struct td *t, uint64_t len, int fill)
{
	gpa_t gpa = t->next_data;
	struct err e;

	t->next_data = align_up(gpa + len, 512);
	ck_assert_uint_le(t->next_data, TD_GAP);
	ck_assert_int_eq(guest_mem_fill(&t->gm, gpa, fill, len, &e), 0);
	return gpa;
}

uint64_t td_rand(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545f4914f6cdd1dULL;
}
