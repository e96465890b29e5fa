/* SPDX-License-Identifier: MIT */
/* Size constants and alignment helpers shared by every module. */
#ifndef MINIVMM_LIB_SIZES_H
#define MINIVMM_LIB_SIZES_H

#include <stdbool.h>
#include <stdint.h>

#define SZ_1K   0x400ULL
#define SZ_4K   0x1000ULL
#define SZ_64K  0x10000ULL
#define SZ_1M   0x100000ULL
#define SZ_2M   0x200000ULL
#define SZ_16M  0x1000000ULL
#define SZ_1G   0x40000000ULL
#define SZ_4G   0x100000000ULL
#define SZ_512G 0x8000000000ULL

#define PAGE_SIZE  SZ_4K
#define PAGE_SHIFT 12

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Guest physical address. The one scalar typedef the house style allows. */
typedef uint64_t gpa_t;

static inline bool is_pow2(uint64_t x)
{
	return x && !(x & (x - 1));
}

/* align must be a power of two. */
static inline uint64_t align_down(uint64_t x, uint64_t align)
{
	return x & ~(align - 1);
}

static inline bool is_aligned(uint64_t x, uint64_t align)
{
	return (x & (align - 1)) == 0;
}

/* Rounds x up to align; false when the result would not fit in 64 bits. */
static inline bool align_up_checked(uint64_t x, uint64_t align, uint64_t *out)
{
	uint64_t r;

	if (__builtin_add_overflow(x, align - 1, &r))
		return false;
	*out = r & ~(align - 1);
	return true;
}

/* Rounds up without overflow checks, for values known to be small. */
static inline uint64_t align_up(uint64_t x, uint64_t align)
{
	return (x + align - 1) & ~(align - 1);
}

static inline uint64_t pages_for(uint64_t bytes)
{
	return (bytes >> PAGE_SHIFT) + ((bytes & (PAGE_SIZE - 1)) != 0);
}

/* Checked a + b. */
static inline bool add_checked(uint64_t a, uint64_t b, uint64_t *out)
{
	return !__builtin_add_overflow(a, b, out);
}

#endif
