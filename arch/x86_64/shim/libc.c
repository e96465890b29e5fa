// SPDX-License-Identifier: MIT
/*
 * The four functions GCC may call even in freestanding code (struct copies,
 * zeroing). Only the shim links this; the pure modules call shim_memcpy &co.
 * In assembly, so the compiler cannot turn them back into calls to themselves.
 */
#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

void *memcpy(void *dst, const void *src, size_t n)
{
	void *d = dst;

	__asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	void *d = dst;

	if ((char *)dst <= (const char *)src || (char *)dst >= (const char *)src + n)
		return memcpy(dst, src, n);
	/* overlapping with dst above src: copy backwards */
	d = (char *)dst + n - 1;
	src = (const char *)src + n - 1;
	__asm__ volatile("std; rep movsb; cld" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	void *d = dst;

	__asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++) {
		if (*x != *y)
			return *x < *y ? -1 : 1;
	}
	return 0;
}
