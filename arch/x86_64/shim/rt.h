/* SPDX-License-Identifier: MIT */
/*
 * The boot shim's freestanding runtime: string helpers, a printf subset,
 * error messages, and the one checked translation from a guest-physical
 * address to a pointer. Everything here (and every pure shim module) also
 * builds on the host, where tests run it over a fake memory image.
 *
 * The shim runs without libc, so it cannot use memcpy & co. by name from its
 * pure code: on the host those would be glibc's and the shim would be tested
 * against a different implementation than it runs. Hence the shim_ prefix.
 */
#ifndef MINIVMM_ARCH_X86_64_SHIM_RT_H
#define MINIVMM_ARCH_X86_64_SHIM_RT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SHIM_PAGE_SIZE 4096ULL

void *shim_memcpy(void *dst, const void *src, size_t n);
void *shim_memset(void *dst, int c, size_t n);
int shim_memcmp(const void *a, const void *b, size_t n);
size_t shim_strlen(const char *s);
/* Length of s, but never reads past s[max - 1]. */
size_t shim_strnlen(const char *s, size_t max);
bool shim_str_starts_with(const char *s, size_t len, const char *prefix);

/*
 * printf subset: %%, %c, %s (also %.*s), and d/u/x with the length
 * modifiers l, ll and z, an optional 0 flag and a width. Characters go to
 * out(ctx, c) one at a time.
 */
void shim_vformat(void (*out)(void *ctx, char c), void *ctx, const char *fmt, va_list ap);
/* Formats into buf (always NUL-terminated, truncated to cap - 1); returns the length. */
size_t shim_snprintf(char *buf, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- errors ------------------------------------------------------------- */

/*
 * What a pure shim step returns on failure: a code (SHIM_E*, negated) and a
 * message with the numbers. Only the shim's entry turns it into a FATAL line,
 * port 0x501 and hlt; tests compare the message.
 */
#define SHIM_ERR_MSG_MAX 256

enum shim_errcode {
	SHIM_EINVAL = 1, /* inconsistent value */
	SHIM_ERANGE,     /* outside the region it must be in, or overflow */
	SHIM_EBADFDT,    /* malformed device tree */
	SHIM_ENOSPC,     /* too long or too many */
	SHIM_ECRC,       /* initrd checksum mismatch */
};

struct shim_err {
	int code; /* positive SHIM_E*, 0 when clear */
	char msg[SHIM_ERR_MSG_MAX];
};

/* Records code and the message; returns -code for `return shim_err_set(...)`. */
int shim_err_set(struct shim_err *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- checked guest memory ------------------------------------------------ */

/*
 * A window of guest-physical memory [gpa_start, gpa_end) seen at host address
 * host + (gpa - gpa_start). In the shim the window is identity mapped (host
 * == gpa_start); in tests it is a buffer standing for the VTL2 range.
 */
struct shim_mem {
	uint64_t gpa_start, gpa_end;
	uintptr_t host;
};

/* A pointer to [gpa, gpa + len), or NULL when that is not entirely inside m. */
static inline void *shim_mem_ptr(const struct shim_mem *m, uint64_t gpa, uint64_t len)
{
	if (gpa < m->gpa_start || gpa > m->gpa_end || len > m->gpa_end - gpa)
		return NULL;
	return (void *)(m->host + (uintptr_t)(gpa - m->gpa_start));
}

/* [start, start + size) without wrapping past 2^64; *end receives the end. */
static inline bool shim_range_end(uint64_t start, uint64_t size, uint64_t *end)
{
	return !__builtin_add_overflow(start, size, end);
}

static inline uint64_t shim_align_up(uint64_t x, uint64_t align)
{
	return (x + align - 1) & ~(align - 1);
}

#endif
