// SPDX-License-Identifier: MIT
#include "cmdline.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int cmdline_init(struct cmdline *c, size_t capacity, struct err *e)
{
	memset(c, 0, sizeof(*c));
	if (capacity == 0)
		return err_set(e, EINVAL, "command line: capacity 0");
	c->buf = calloc(1, capacity);
	if (!c->buf)
		return err_set(e, ENOMEM, "command line: out of memory");
	c->capacity = capacity;
	return 0;
}

void cmdline_free(struct cmdline *c)
{
	free(c->buf);
	memset(c, 0, sizeof(*c));
}

int cmdline_append(struct cmdline *c, const char *str, struct err *e)
{
	size_t n = strlen(str), sep = c->len ? 1 : 0, i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)str[i];

		if (ch < 0x20 || ch > 0x7e)
			return err_set(e, EINVAL,
			               "command line: byte 0x%02x at offset %zu is not printable "
			               "ASCII",
			               ch, c->len + sep + i);
	}
	if (c->len + sep + n + 1 > c->capacity)
		return err_set(e, E2BIG,
		               "command line is %zu bytes, the limit is %zu (plus the NUL)",
		               c->len + sep + n, c->capacity - 1);
	if (sep)
		c->buf[c->len++] = ' ';
	memcpy(c->buf + c->len, str, n + 1);
	c->len += n;
	return 0;
}
