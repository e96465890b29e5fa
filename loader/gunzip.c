// SPDX-License-Identifier: MIT
#include "gunzip.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define U(x) ((unsigned long long)(x))

#define GZIP_WINDOW_BITS (16 + MAX_WBITS) /* gzip wrapper, not raw deflate or zlib */
#define GZIP_MIN_SIZE    18               /* 10-byte header, empty deflate, 8-byte trailer */
#define ZLIB_CHUNK       (1u << 30)       /* avail_in/avail_out are 32-bit */

struct inflater {
	z_stream zs;
	const struct image_file *in;
	uint64_t in_off;
};

static int inflater_init(struct inflater *z, const struct image_file *in, struct err *e)
{
	int zret;

	memset(z, 0, sizeof(*z));
	z->in = in;
	if (in->size < GZIP_MIN_SIZE || in->data[0] != 0x1f || in->data[1] != 0x8b)
		return err_set(e, EINVAL, "%s: not gzip data (%llu bytes, need the 1f 8b magic)",
		               in->name, U(in->size));
	zret = inflateInit2(&z->zs, GZIP_WINDOW_BITS);
	if (zret != Z_OK)
		return err_set(e, zret == Z_MEM_ERROR ? ENOMEM : EINVAL, "%s: inflateInit2: %s",
		               in->name, z->zs.msg ? z->zs.msg : "failed");
	return 0;
}

/* Inflates into [dst, dst + cap); returns zlib's code, *produced = bytes written. */
static int inflater_run(struct inflater *z, uint8_t *dst, uint64_t cap, uint64_t *produced)
{
	int zret = Z_OK;

	*produced = 0;
	while (*produced < cap) {
		uint64_t left_in = z->in->size - z->in_off, left_out = cap - *produced;
		uInt avail_in = (uInt)(left_in < ZLIB_CHUNK ? left_in : ZLIB_CHUNK);

		z->zs.next_in = (Bytef *)(uintptr_t)(z->in->data + z->in_off);
		z->zs.avail_in = avail_in;
		z->zs.next_out = dst + *produced;
		z->zs.avail_out = (uInt)(left_out < ZLIB_CHUNK ? left_out : ZLIB_CHUNK);
		zret = inflate(&z->zs, Z_NO_FLUSH);
		z->in_off += avail_in - z->zs.avail_in;
		*produced = (uint64_t)(z->zs.next_out - dst);
		if (zret == Z_STREAM_END || (zret != Z_OK && zret != Z_BUF_ERROR))
			break;
		if (zret == Z_BUF_ERROR && z->in_off == z->in->size)
			break; /* input ended before the stream did */
	}
	return zret;
}

static int inflate_error(const struct inflater *z, int zret, struct err *e)
{
	if (zret == Z_MEM_ERROR)
		return err_set(e, ENOMEM, "%s: out of memory while decompressing", z->in->name);
	if (zret == Z_BUF_ERROR || zret == Z_OK)
		return err_set(e, EINVAL,
		               "%s: gzip data ends early: %llu of %llu bytes read, %llu inflated",
		               z->in->name, U(z->in_off), U(z->in->size), U(z->zs.total_out));
	return err_set(e, EINVAL, "%s: corrupt gzip data near input byte %llu: %s", z->in->name,
	               U(z->in_off), z->zs.msg ? z->zs.msg : "inflate failed");
}

/* The trailer's ISIZE (length mod 2^32): a first guess for the buffer. */
static uint64_t size_hint(const struct image_file *in, uint64_t max)
{
	const uint8_t *t = in->data + in->size - 4;
	uint64_t isize =
	    (uint64_t)t[0] | (uint64_t)t[1] << 8 | (uint64_t)t[2] << 16 | (uint64_t)t[3] << 24;

	if (isize < in->size)
		isize = 4 * in->size;
	return isize + 1 < max ? isize + 1 : max; /* +1: the end must be seen within the buffer */
}

static int grow(uint8_t **buf, uint64_t *cap, uint64_t max, const char *name, struct err *e)
{
	uint64_t want = *cap * 2 < max ? *cap * 2 : max;
	uint8_t *p;

	if (*cap >= max)
		return err_set(e, EFBIG, "%s: decompresses to more than %llu bytes", name, U(max));
	p = realloc(*buf, want);
	if (!p)
		return err_set(e, ENOMEM, "%s: out of memory for %llu decompressed bytes", name,
		               U(want));
	*buf = p;
	*cap = want;
	return 0;
}

int gunzip_file(const struct image_file *in, uint64_t max, uint8_t **out, uint64_t *out_len,
                struct err *e)
{
	struct inflater z;
	uint64_t cap, len = 0, got;
	uint8_t *buf = NULL;
	int zret = Z_OK, ret = inflater_init(&z, in, e);

	if (ret)
		return ret;
	cap = size_hint(in, max) / 2;
	while (!ret && zret != Z_STREAM_END) {
		ret = grow(&buf, &cap, max, in->name, e);
		if (ret)
			break;
		zret = inflater_run(&z, buf + len, cap - len, &got);
		len += got;
		if (zret != Z_STREAM_END && !((zret == Z_OK || zret == Z_BUF_ERROR) && len == cap))
			ret = inflate_error(&z, zret, e);
	}
	inflateEnd(&z.zs);
	if (ret) {
		free(buf);
		return ret;
	}
	*out = buf;
	*out_len = len;
	return 0;
}

int gunzip_peek(const struct image_file *in, void *buf, size_t len, size_t *got, struct err *e)
{
	struct inflater z;
	uint64_t n = 0;
	int zret, ret = inflater_init(&z, in, e);

	if (ret)
		return ret;
	zret = inflater_run(&z, buf, len, &n);
	if (zret != Z_STREAM_END && zret != Z_OK)
		ret = inflate_error(&z, zret, e);
	inflateEnd(&z.zs);
	*got = (size_t)n;
	return ret;
}
