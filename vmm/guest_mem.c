// SPDX-License-Identifier: MIT
#include "guest_mem.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

void guest_mem_init(struct guest_mem *gm)
{
	memset(gm, 0, sizeof(*gm));
}

static int map_anonymous(struct guest_mem_region *r, uint64_t size, struct err *e)
{
	uint64_t len = size + SZ_2M;
	uint8_t *p, *aligned;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1,
	         0);
	if (p == MAP_FAILED)
		return err_set(e, errno, "guest memory: cannot map %llu MiB: %s",
		               (unsigned long long)(size >> 20), strerror(errno));
	/* Trim to a 2 MiB aligned window so guest and host huge pages line up. */
	aligned = (uint8_t *)align_up((uint64_t)(uintptr_t)p, SZ_2M);
	if (aligned > p)
		munmap(p, (size_t)(aligned - p));
	if (aligned + size < p + len)
		munmap(aligned + size, (size_t)(p + len - (aligned + size)));
	madvise(aligned, size, MADV_HUGEPAGE); /* advisory: ignore failure */
	r->host = aligned;
	r->map = aligned;
	r->map_len = size;
	return 0;
}

int guest_mem_add_region(struct guest_mem *gm, gpa_t gpa, uint64_t size, void *host, struct err *e)
{
	struct guest_mem_region r = { .gpa = gpa, .size = size, .host = host };
	uint64_t end;
	unsigned int i, pos;
	int ret;

	if (!size || !is_aligned(gpa, PAGE_SIZE) || !is_aligned(size, PAGE_SIZE))
		return err_set(e, EINVAL,
		               "guest memory: region 0x%llx size 0x%llx must be non-empty and page "
		               "aligned",
		               (unsigned long long)gpa, (unsigned long long)size);
	if (!add_checked(gpa, size, &end))
		return err_set(e, EOVERFLOW, "guest memory: region 0x%llx + 0x%llx overflows",
		               (unsigned long long)gpa, (unsigned long long)size);
	if (gm->nr_regions == GUEST_MEM_MAX_REGIONS)
		return err_set(e, ENOSPC, "guest memory: more than %d regions",
		               GUEST_MEM_MAX_REGIONS);
	for (pos = 0; pos < gm->nr_regions && gm->regions[pos].gpa < gpa; pos++)
		;
	for (i = 0; i < gm->nr_regions; i++) {
		const struct guest_mem_region *o = &gm->regions[i];

		if (gpa < o->gpa + o->size && o->gpa < end)
			return err_set(e, EEXIST,
			               "guest memory: region [0x%llx, 0x%llx) overlaps [0x%llx, "
			               "0x%llx)",
			               (unsigned long long)gpa, (unsigned long long)end,
			               (unsigned long long)o->gpa,
			               (unsigned long long)(o->gpa + o->size));
	}
	if (!host) {
		ret = map_anonymous(&r, size, e);
		if (ret)
			return ret;
	}
	memmove(&gm->regions[pos + 1], &gm->regions[pos],
	        (gm->nr_regions - pos) * sizeof(gm->regions[0]));
	gm->regions[pos] = r;
	gm->nr_regions++;
	return 0;
}

void guest_mem_destroy(struct guest_mem *gm)
{
	unsigned int i;

	for (i = 0; i < gm->nr_regions; i++)
		if (gm->regions[i].map)
			munmap(gm->regions[i].map, gm->regions[i].map_len);
	guest_mem_init(gm);
}

const struct guest_mem_region *guest_mem_find_region(const struct guest_mem *gm, gpa_t gpa)
{
	unsigned int lo = 0, hi = gm->nr_regions;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;
		const struct guest_mem_region *r = &gm->regions[mid];

		if (gpa < r->gpa)
			hi = mid;
		else if (gpa - r->gpa >= r->size)
			lo = mid + 1;
		else
			return r;
	}
	return NULL;
}

void *guest_mem_ptr(const struct guest_mem *gm, gpa_t gpa, uint64_t len)
{
	const struct guest_mem_region *r = guest_mem_find_region(gm, gpa);
	uint64_t off;

	if (!r)
		return NULL;
	off = gpa - r->gpa;
	if (len > r->size - off)
		return NULL;
	return r->host + off;
}

int guest_mem_translate(const struct guest_mem *gm, gpa_t gpa, uint64_t len, void **out,
                        struct err *e)
{
	void *p = guest_mem_ptr(gm, gpa, len);

	if (!p)
		return err_set(e, EFAULT,
		               "guest memory: [0x%llx, +0x%llx) does not lie in one RAM region",
		               (unsigned long long)gpa, (unsigned long long)len);
	*out = p;
	return 0;
}

/*
 * Walks [gpa, gpa+len) region by region, calling fn on each host piece.
 * Fails, naming the first address that is not RAM, before copying anything.
 */
static int for_each_piece(const struct guest_mem *gm, gpa_t gpa, uint64_t len,
                          int (*fn)(uint8_t *host, uint64_t off, uint64_t n, void *arg), void *arg,
                          struct err *e)
{
	uint64_t end, at, done;
	int ret;

	if (!add_checked(gpa, len, &end))
		return err_set(e, EOVERFLOW, "guest memory: [0x%llx, +0x%llx) overflows",
		               (unsigned long long)gpa, (unsigned long long)len);
	for (at = gpa; at < end;) {
		const struct guest_mem_region *r = guest_mem_find_region(gm, at);

		if (!r)
			return err_set(e, EFAULT,
			               "guest memory: [0x%llx, +0x%llx) is not RAM at 0x%llx",
			               (unsigned long long)gpa, (unsigned long long)len,
			               (unsigned long long)at);
		at = r->gpa + r->size;
	}
	for (at = gpa, done = 0; at < end;) {
		const struct guest_mem_region *r = guest_mem_find_region(gm, at);
		uint64_t off = at - r->gpa;
		uint64_t n = r->size - off < end - at ? r->size - off : end - at;

		ret = fn(r->host + off, done, n, arg);
		if (ret)
			return ret;
		at += n;
		done += n;
	}
	return 0;
}

struct copy_arg {
	uint8_t *buf;
	const uint8_t *cbuf;
	int byte;
	/* guest_mem_read_file */
	int fd;
	uint64_t file_off;
	const char *name;
	struct err *e;
};

static int piece_read(uint8_t *host, uint64_t off, uint64_t n, void *arg)
{
	memcpy(((struct copy_arg *)arg)->buf + off, host, n);
	return 0;
}

static int piece_write(uint8_t *host, uint64_t off, uint64_t n, void *arg)
{
	memcpy(host, ((struct copy_arg *)arg)->cbuf + off, n);
	return 0;
}

static int piece_fill(uint8_t *host, uint64_t off, uint64_t n, void *arg)
{
	(void)off;
	memset(host, ((struct copy_arg *)arg)->byte, n);
	return 0;
}

static int piece_read_file(uint8_t *host, uint64_t off, uint64_t n, void *arg)
{
	const struct copy_arg *a = arg;
	uint64_t done = 0;

	while (done < n) {
		uint64_t pos = a->file_off + off + done;
		ssize_t got = pread(a->fd, host + done, n - done, (off_t)pos);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return err_set(a->e, errno,
			               "%s: cannot read %llu bytes at offset 0x%llx: %s", a->name,
			               (unsigned long long)(n - done), (unsigned long long)pos,
			               strerror(errno));
		if (got == 0)
			return err_set(
			    a->e, EIO,
			    "%s: the file ends at offset 0x%llx, %llu bytes short (it shrank "
			    "after it was opened)",
			    a->name, (unsigned long long)pos, (unsigned long long)(n - done));
		done += (uint64_t)got;
	}
	return 0;
}

int guest_mem_read(const struct guest_mem *gm, gpa_t gpa, void *buf, uint64_t len, struct err *e)
{
	struct copy_arg a = { .buf = buf };

	return for_each_piece(gm, gpa, len, piece_read, &a, e);
}

int guest_mem_write(struct guest_mem *gm, gpa_t gpa, const void *buf, uint64_t len, struct err *e)
{
	struct copy_arg a = { .cbuf = buf };

	return for_each_piece(gm, gpa, len, piece_write, &a, e);
}

int guest_mem_fill(struct guest_mem *gm, gpa_t gpa, int byte, uint64_t len, struct err *e)
{
	struct copy_arg a = { .byte = byte };

	return for_each_piece(gm, gpa, len, piece_fill, &a, e);
}

int guest_mem_read_file(struct guest_mem *gm, gpa_t gpa, int fd, uint64_t file_off, uint64_t len,
                        const char *name, struct err *e)
{
	struct copy_arg a = { .fd = fd, .file_off = file_off, .name = name, .e = e };

	return for_each_piece(gm, gpa, len, piece_read_file, &a, e);
}

uint64_t guest_mem_total(const struct guest_mem *gm)
{
	uint64_t total = 0;
	unsigned int i;

	for (i = 0; i < gm->nr_regions; i++)
		total += gm->regions[i].size;
	return total;
}
