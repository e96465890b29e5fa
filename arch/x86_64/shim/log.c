// SPDX-License-Identifier: MIT
#include "arch/x86_64/shim/log.h"

#include "arch/x86_64/shim/rt.h"

/* cap counts the text bytes, the NUL after them excluded. */
static void set_buffer(struct shim_log *l, struct shim_log_header *hdr, char *text, uint64_t cap)
{
	l->hdr = hdr;
	l->text = text;
	l->cap = cap > UINT32_MAX ? UINT32_MAX : (uint32_t)cap;
	*hdr = (struct shim_log_header){ .magic = SHIM_LOG_MAGIC };
	text[0] = '\0';
}

void shim_log_init(struct shim_log *l, void (*console)(void *ctx, char c), void *console_ctx)
{
	l->console = console;
	l->console_ctx = console_ctx;
	set_buffer(l, &l->staging_hdr, l->staging, sizeof(l->staging) - 1);
}

static void log_put(void *ctx, char c)
{
	struct shim_log *l = ctx;

	if (l->console)
		l->console(l->console_ctx, c);
	if (l->hdr->len < l->cap) {
		l->text[l->hdr->len++] = c;
		l->text[l->hdr->len] = '\0';
	} else {
		l->hdr->lost++;
	}
}

void shim_log(struct shim_log *l, const char *fmt, ...)
{
	const char *p;
	va_list ap;

	for (p = SHIM_LOG_PREFIX; *p; p++)
		log_put(l, *p);
	va_start(ap, fmt);
	shim_vformat(log_put, l, fmt, ap);
	va_end(ap);
	log_put(l, '\n');
}

void shim_log_attach(struct shim_log *l, void *buf, uint64_t size)
{
	const char *staged = l->text;
	uint32_t len = l->hdr->len, lost = l->hdr->lost;

	set_buffer(l, buf, (char *)buf + SHIM_LOG_HEADER_SIZE, size - SHIM_LOG_HEADER_SIZE - 1);
	if (len > l->cap) {
		lost += len - l->cap;
		len = l->cap;
	}
	shim_memcpy(l->text, staged, len);
	l->text[len] = '\0';
	l->hdr->len = len;
	l->hdr->lost = lost;
}
