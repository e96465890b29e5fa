// SPDX-License-Identifier: MIT
#include "virtio_blk_req.h"

#include <endian.h>
#include <errno.h>
#include <string.h>

#define U(x) ((unsigned long long)(x))

struct blk_outhdr {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};

struct blk_zero_segment {
	uint64_t sector;
	uint32_t num_sectors;
	uint32_t flags;
};

_Static_assert(sizeof(struct blk_outhdr) == VIRTIO_BLK_HDR_BYTES, "virtio_blk_outhdr");
_Static_assert(sizeof(struct blk_zero_segment) == VIRTIO_BLK_SEGMENT_BYTES, "discard segment");
_Static_assert(sizeof(struct virtio_blk_config) == 0x3c, "virtio_blk_config");

/* Appends host pieces of [gpa, gpa+n), merging with the previous piece when contiguous. */
static int add_pieces(const struct guest_mem *gm, gpa_t gpa, uint64_t n, struct iovec *iov,
                      unsigned int max, unsigned int *nr)
{
	while (n) {
		const struct guest_mem_region *r = guest_mem_find_region(gm, gpa);
		uint64_t take;
		uint8_t *p;

		if (!r)
			return -EFAULT;
		take = r->size - (gpa - r->gpa) < n ? r->size - (gpa - r->gpa) : n;
		p = guest_mem_ptr(gm, gpa, take);
		if (!p)
			return -EFAULT;
		if (*nr && (uint8_t *)iov[*nr - 1].iov_base + iov[*nr - 1].iov_len == p) {
			iov[*nr - 1].iov_len += take;
		} else {
			if (*nr == max)
				return -E2BIG;
			iov[(*nr)++] = (struct iovec){ p, take };
		}
		gpa += take;
		n -= take;
	}
	return 0;
}

/* Host iovecs for bytes [start, start+len) of the readable or the writable stream. */
static int chain_iov(const struct guest_mem *gm, const struct virtq_chain *c, bool writable,
                     uint64_t start, uint64_t len, struct iovec *iov, unsigned int max,
                     unsigned int *nr)
{
	uint64_t pos = 0, end = start + len;
	unsigned int i;
	int ret;

	*nr = 0;
	for (i = 0; i < c->nr && pos < end; i++) {
		const struct virtq_seg *s = &c->seg[i];
		uint64_t lo, hi;

		if (s->writable != writable)
			continue;
		lo = start > pos ? start : pos;
		hi = end < pos + s->len ? end : pos + s->len;
		if (lo < hi) {
			ret = add_pieces(gm, s->gpa + (lo - pos), hi - lo, iov, max, nr);
			if (ret)
				return ret;
		}
		pos += s->len;
	}
	return 0;
}

/* Copies len bytes at start of the readable stream (header, ranges) into buf. */
static void chain_read(const struct guest_mem *gm, const struct virtq_chain *c, uint64_t start,
                       void *buf, uint64_t len)
{
	struct iovec iov[VIRTIO_BLK_HDR_BYTES];
	unsigned int i, n = 0;
	uint8_t *out = buf;

	/* A small range of validated RAM in at most len one-byte buffers: this cannot fail. */
	memset(buf, 0, len);
	if (chain_iov(gm, c, false, start, len, iov, VIRTIO_BLK_HDR_BYTES, &n))
		return;
	for (i = 0; i < n; out += iov[i].iov_len, i++)
		memcpy(out, iov[i].iov_base, iov[i].iov_len);
}

/* Reports a bad request on the transport and evaluates to the status it gets. */
#define FAIL(b, status, ...) (virtio_mmio_report(&(b)->transport, __VA_ARGS__), (status))

static const char *zero_name(uint32_t type)
{
	return type == VIRTIO_BLK_T_DISCARD ? "DISCARD" : "WRITE_ZEROES";
}

/* Sectors [sector, +bytes/512) lie on the disk, bytes a non-zero multiple of 512. */
static int check_range(struct virtio_blk *b, const struct virtio_blk_req *r, uint64_t sector,
                       uint64_t bytes)
{
	uint64_t capacity = b->img->size / BLOCK_SECTOR_SIZE;

	if (!bytes || bytes % BLOCK_SECTOR_SIZE)
		return FAIL(b, VIRTIO_BLK_S_IOERR,
		            "request %u: %llu bytes, not a non-zero multiple of %d", r->head,
		            U(bytes), BLOCK_SECTOR_SIZE);
	if (sector > capacity || bytes / BLOCK_SECTOR_SIZE > capacity - sector)
		return FAIL(b, VIRTIO_BLK_S_IOERR,
		            "request %u: sectors [%llu, +%llu) beyond the disk's %llu", r->head,
		            U(sector), U(bytes / BLOCK_SECTOR_SIZE), U(capacity));
	return 0;
}

static int parse_rw(struct virtio_blk *b, const struct virtq_chain *c, struct virtio_blk_req *r,
                    uint64_t sector)
{
	bool in = r->type == VIRTIO_BLK_T_IN;
	uint64_t len = in ? c->writable - 1 : c->readable - VIRTIO_BLK_HDR_BYTES;
	uint64_t stray = in ? c->readable - VIRTIO_BLK_HDR_BYTES : c->writable - 1;
	int ret;

	if (stray)
		return FAIL(b, VIRTIO_BLK_S_IOERR, "request %u: %s with %llu device-%s data bytes",
		            r->head, in ? "IN" : "OUT", U(stray), in ? "readable" : "writable");
	if (!in && b->img->read_only)
		return FAIL(b, VIRTIO_BLK_S_IOERR,
		            "request %u: write to a read-only disk (sector %llu, %llu bytes)",
		            r->head, U(sector), U(len));
	ret = check_range(b, r, sector, len);
	if (ret)
		return ret;
	if (chain_iov(b->transport.p.mem, c, in, in ? 0 : VIRTIO_BLK_HDR_BYTES, len, r->iov,
	              VIRTIO_BLK_MAX_IOV, &r->niov))
		return FAIL(b, VIRTIO_BLK_S_IOERR, "request %u: data in more than %d host pieces",
		            r->head, VIRTIO_BLK_MAX_IOV);
	r->offset = sector * BLOCK_SECTOR_SIZE;
	r->len = r->bytes = len;
	if (in)
		r->used_len = (uint32_t)len + 1;
	return BLK_REQ_SUBMIT;
}

static int get_id(struct virtio_blk *b, const struct virtq_chain *c, struct virtio_blk_req *r)
{
	unsigned int i;

	if (c->writable - 1 < BLOCK_SERIAL_BYTES)
		return FAIL(b, VIRTIO_BLK_S_IOERR,
		            "request %u: GET_ID buffer of %llu bytes, want %d", r->head,
		            U(c->writable - 1), BLOCK_SERIAL_BYTES);
	if (chain_iov(b->transport.p.mem, c, true, 0, BLOCK_SERIAL_BYTES, r->iov,
	              VIRTIO_BLK_MAX_IOV, &r->niov))
		return VIRTIO_BLK_S_IOERR; /* 20 bytes of validated RAM: cannot happen */
	for (i = 0, r->len = 0; i < r->niov; r->len += r->iov[i].iov_len, i++)
		memcpy(r->iov[i].iov_base, b->img->serial + r->len, r->iov[i].iov_len);
	r->used_len = BLOCK_SERIAL_BYTES + 1;
	b->stats.get_ids++;
	return VIRTIO_BLK_S_OK;
}

/* The one range of a DISCARD or WRITE_ZEROES request (max_*_seg is 1). */
static int parse_zeroes(struct virtio_blk *b, const struct virtq_chain *c, struct virtio_blk_req *r)
{
	bool discard = r->type == VIRTIO_BLK_T_DISCARD;
	uint64_t data = c->readable - VIRTIO_BLK_HDR_BYTES;
	struct blk_zero_segment seg;
	uint32_t flags, num;
	int ret;

	if (!virtio_mmio_negotiated(&b->transport,
	                            discard ? VIRTIO_BLK_F_DISCARD : VIRTIO_BLK_F_WRITE_ZEROES))
		return FAIL(b, VIRTIO_BLK_S_UNSUPP, "request %u: %s not negotiated", r->head,
		            zero_name(r->type));
	if (b->img->read_only)
		return FAIL(b, VIRTIO_BLK_S_IOERR, "request %u: %s on a read-only disk", r->head,
		            zero_name(r->type));
	if (c->writable != 1 || !data || data % VIRTIO_BLK_SEGMENT_BYTES)
		return FAIL(b, VIRTIO_BLK_S_IOERR,
		            "request %u: %s with %llu range bytes and %llu data bytes to write, "
		            "want %d-byte ranges",
		            r->head, zero_name(r->type), U(data), U(c->writable - 1),
		            VIRTIO_BLK_SEGMENT_BYTES);
	if (data > VIRTIO_BLK_SEGMENT_BYTES)
		return FAIL(b, VIRTIO_BLK_S_IOERR, "request %u: %s with %llu ranges, at most 1",
		            r->head, zero_name(r->type), U(data / VIRTIO_BLK_SEGMENT_BYTES));
	chain_read(b->transport.p.mem, c, VIRTIO_BLK_HDR_BYTES, &seg, sizeof(seg));
	num = le32toh(seg.num_sectors);
	flags = le32toh(seg.flags);
	if (flags & ~(discard ? 0u : VIRTIO_BLK_WZ_UNMAP))
		return FAIL(b, VIRTIO_BLK_S_UNSUPP, "request %u: %s flags 0x%x unsupported",
		            r->head, zero_name(r->type), flags);
	if (num > VIRTIO_BLK_MAX_ZERO_SECTORS)
		return FAIL(b, VIRTIO_BLK_S_IOERR, "request %u: %s of %u sectors, at most %u",
		            r->head, zero_name(r->type), num, VIRTIO_BLK_MAX_ZERO_SECTORS);
	ret = check_range(b, r, le64toh(seg.sector), (uint64_t)num * BLOCK_SECTOR_SIZE);
	if (ret)
		return ret;
	r->offset = le64toh(seg.sector) * BLOCK_SECTOR_SIZE;
	r->len = r->bytes = (uint64_t)num * BLOCK_SECTOR_SIZE;
	r->stage =
	    discard || (flags & VIRTIO_BLK_WZ_UNMAP) ? BLK_STAGE_PUNCH : BLK_STAGE_ZERO_RANGE;
	return BLK_REQ_SUBMIT;
}

int virtio_blk_req_parse(struct virtio_blk *b, const struct virtq_chain *c,
                         struct virtio_blk_req *r)
{
	const struct virtq_seg *last = &c->seg[c->nr - 1];
	struct blk_outhdr hdr;

	r->head = c->head;
	r->used_len = 1;
	r->iov_first = r->niov = 0;
	r->stage = BLK_STAGE_IO;
	r->retries = 0;
	r->force_buffered = false;
	r->offset = r->len = r->bytes = 0;
	if (!c->writable)
		return FAIL(b, BLK_REQ_DROP, "request %u: no device-writable status byte", c->head);
	r->status_gpa = last->gpa + last->len - 1;
	if (c->readable < VIRTIO_BLK_HDR_BYTES)
		return FAIL(b, VIRTIO_BLK_S_IOERR, "request %u: header of %llu bytes, want %d",
		            c->head, U(c->readable), VIRTIO_BLK_HDR_BYTES);
	chain_read(b->transport.p.mem, c, 0, &hdr, sizeof(hdr));
	r->type = le32toh(hdr.type);
	switch (r->type) {
	case VIRTIO_BLK_T_IN:
	case VIRTIO_BLK_T_OUT:
		return parse_rw(b, c, r, le64toh(hdr.sector));
	case VIRTIO_BLK_T_FLUSH:
		/* Nothing to make durable on a read-only disk. */
		return b->img->read_only ? VIRTIO_BLK_S_OK : BLK_REQ_SUBMIT;
	case VIRTIO_BLK_T_GET_ID:
		return get_id(b, c, r);
	case VIRTIO_BLK_T_DISCARD:
	case VIRTIO_BLK_T_WRITE_ZEROES:
		return parse_zeroes(b, c, r);
	default:
		return FAIL(b, VIRTIO_BLK_S_UNSUPP, "request %u: type %u unsupported", c->head,
		            r->type);
	}
}
