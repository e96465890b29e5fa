// SPDX-License-Identifier: MIT
#include "arch/x86_64/shim/rt.h"

void *shim_memcpy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

void *shim_memset(void *dst, int c, size_t n)
{
	uint8_t *d = dst;

	while (n--)
		*d++ = (uint8_t)c;
	return dst;
}

int shim_memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;

	for (; n; n--, x++, y++) {
		if (*x != *y)
			return *x < *y ? -1 : 1;
	}
	return 0;
}

size_t shim_strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

size_t shim_strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

bool shim_str_starts_with(const char *s, size_t len, const char *prefix)
{
	size_t plen = shim_strlen(prefix);

	return len >= plen && shim_memcmp(s, prefix, plen) == 0;
}

/* ---- formatting ---------------------------------------------------------- */

struct fmt_spec {
	bool zero_pad;
	unsigned int width;
	int precision; /* -1: none */
	int size;      /* 0 int, 1 long, 2 long long, 3 size_t */
};

static void put_padded(void (*out)(void *, char), void *ctx, const char *digits, unsigned int n,
                       bool negative, const struct fmt_spec *sp)
{
	unsigned int len = n + (negative ? 1 : 0);
	char pad = sp->zero_pad ? '0' : ' ';

	if (negative && sp->zero_pad)
		out(ctx, '-');
	for (; len < sp->width; len++)
		out(ctx, pad);
	if (negative && !sp->zero_pad)
		out(ctx, '-');
	while (n)
		out(ctx, digits[--n]);
}

static void put_number(void (*out)(void *, char), void *ctx, uint64_t v, unsigned int base,
                       bool negative, const struct fmt_spec *sp)
{
	char digits[24]; /* least significant first */
	unsigned int n = 0;

	do {
		digits[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	put_padded(out, ctx, digits, n, negative, sp);
}

static uint64_t arg_unsigned(va_list *ap, int size)
{
	switch (size) {
	case 1:
		return va_arg(*ap, unsigned long);
	case 2:
		return va_arg(*ap, unsigned long long);
	case 3:
		return va_arg(*ap, size_t);
	default:
		return va_arg(*ap, unsigned int);
	}
}

static int64_t arg_signed(va_list *ap, int size)
{
	switch (size) {
	case 1:
		return va_arg(*ap, long);
	case 2:
		return va_arg(*ap, long long);
	case 3:
		return (int64_t)va_arg(*ap, size_t);
	default:
		return va_arg(*ap, int);
	}
}

static const char *parse_spec(const char *f, va_list *ap, struct fmt_spec *sp)
{
	*sp = (struct fmt_spec){ .precision = -1 };
	if (*f == '0') {
		sp->zero_pad = true;
		f++;
	}
	while (*f >= '0' && *f <= '9')
		sp->width = sp->width * 10 + (unsigned int)(*f++ - '0');
	if (f[0] == '.' && f[1] == '*') {
		sp->precision = va_arg(*ap, int);
		f += 2;
	}
	if (*f == 'z') {
		sp->size = 3;
		f++;
	}
	while (*f == 'l' && sp->size < 2) {
		sp->size++;
		f++;
	}
	return f;
}

static void put_string(void (*out)(void *, char), void *ctx, const char *s, int precision)
{
	if (!s)
		s = "(null)";
	for (; *s && precision != 0; s++, precision--)
		out(ctx, *s);
}

void shim_vformat(void (*out)(void *ctx, char c), void *ctx, const char *fmt, va_list ap)
{
	struct fmt_spec sp;
	va_list args;
	int64_t sv;

	va_copy(args, ap);
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			out(ctx, *fmt);
			continue;
		}
		fmt = parse_spec(fmt + 1, &args, &sp);
		switch (*fmt) {
		case 'd':
			sv = arg_signed(&args, sp.size);
			put_number(out, ctx, sv < 0 ? 0 - (uint64_t)sv : (uint64_t)sv, 10, sv < 0,
			           &sp);
			break;
		case 'u':
			put_number(out, ctx, arg_unsigned(&args, sp.size), 10, false, &sp);
			break;
		case 'x':
			put_number(out, ctx, arg_unsigned(&args, sp.size), 16, false, &sp);
			break;
		case 'c':
			out(ctx, (char)va_arg(args, int));
			break;
		case 's':
			put_string(out, ctx, va_arg(args, const char *), sp.precision);
			break;
		case '%':
			out(ctx, '%');
			break;
		default: /* unsupported: show it rather than guess at its argument */
			out(ctx, '%');
			if (!*fmt)
				goto done;
			out(ctx, *fmt);
		}
	}
done:
	va_end(args);
}

struct buf_sink {
	char *buf;
	size_t cap, len;
};

static void buf_put(void *ctx, char c)
{
	struct buf_sink *b = ctx;

	if (b->len + 1 < b->cap)
		b->buf[b->len++] = c;
}

static size_t vsnprintf_buf(char *buf, size_t cap, const char *fmt, va_list ap)
{
	struct buf_sink b = { buf, cap, 0 };

	if (!cap)
		return 0;
	shim_vformat(buf_put, &b, fmt, ap);
	buf[b.len] = '\0';
	return b.len;
}

size_t shim_snprintf(char *buf, size_t cap, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = vsnprintf_buf(buf, cap, fmt, ap);
	va_end(ap);
	return n;
}

int shim_err_set(struct shim_err *e, int code, const char *fmt, ...)
{
	va_list ap;

	e->code = code;
	va_start(ap, fmt);
	vsnprintf_buf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -code;
}
