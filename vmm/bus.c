// SPDX-License-Identifier: MIT
#include "bus.h"

#include <errno.h>
#include <string.h>

void bus_init(struct bus *b, const char *name)
{
	memset(b, 0, sizeof(*b));
	b->name = name;
	pthread_mutex_init(&b->lock, NULL);
}

void bus_destroy(struct bus *b)
{
	pthread_mutex_destroy(&b->lock);
}

int bus_register(struct bus *b, uint64_t base, uint64_t len, const char *name,
                 const struct bus_device_ops *ops, void *dev, struct err *e)
{
	unsigned int i, pos = 0;

	if (!len || base + len < base)
		return err_set(e, EINVAL, "%s bus: %s at 0x%llx: bad length 0x%llx", b->name, name,
		               (unsigned long long)base, (unsigned long long)len);
	for (i = 0; i < b->nr_ranges; i++) {
		const struct bus_range *r = &b->ranges[i];

		if (base < r->base + r->len && r->base < base + len)
			return err_set(
			    e, EEXIST, "%s bus: %s [0x%llx, 0x%llx) overlaps %s [0x%llx, 0x%llx)",
			    b->name, name, (unsigned long long)base,
			    (unsigned long long)(base + len), r->name, (unsigned long long)r->base,
			    (unsigned long long)(r->base + r->len));
		if (r->base < base)
			pos = i + 1;
	}
	if (b->nr_ranges == BUS_MAX_RANGES)
		return err_set(e, ENOSPC, "%s bus: no room for %s (%d ranges)", b->name, name,
		               BUS_MAX_RANGES);
	memmove(&b->ranges[pos + 1], &b->ranges[pos], (b->nr_ranges - pos) * sizeof(b->ranges[0]));
	b->ranges[pos] = (struct bus_range){ base, len, name, ops, dev };
	b->nr_ranges++;
	return 0;
}

static const struct bus_range *bus_find(const struct bus *b, uint64_t addr)
{
	unsigned int lo = 0, hi = b->nr_ranges;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;
		const struct bus_range *r = &b->ranges[mid];

		if (addr < r->base)
			hi = mid;
		else if (addr - r->base >= r->len)
			lo = mid + 1;
		else
			return r;
	}
	return NULL;
}

bool bus_access(struct bus *b, uint64_t addr, uint8_t *data, unsigned int len, bool is_write)
{
	const struct bus_range *r = bus_find(b, addr);

	if (!is_write)
		memset(data, 0xff, len);
	if (!r) {
		__atomic_add_fetch(&b->unclaimed, 1, __ATOMIC_RELAXED);
		return false;
	}
	if (!r->ops->own_lock)
		pthread_mutex_lock(&b->lock);
	if (is_write) {
		if (r->ops->write)
			r->ops->write(r->dev, addr - r->base, data, len);
	} else if (r->ops->read) {
		r->ops->read(r->dev, addr - r->base, data, len);
	}
	if (!r->ops->own_lock)
		pthread_mutex_unlock(&b->lock);
	return true;
}
