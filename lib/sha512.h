/* SPDX-License-Identifier: MIT */
/*
 * SHA-512 and SHA-384 (FIPS 180-4). The imported-regions page carries a
 * SHA-384 over the shared pages (LOADER-SPEC §5.5); SHA-512 comes free since
 * SHA-384 is SHA-512 with other initial values, truncated.
 */
#ifndef MINIVMM_LIB_SHA512_H
#define MINIVMM_LIB_SHA512_H

#include <stddef.h>
#include <stdint.h>

#define SHA512_BLOCK_SIZE  128
#define SHA512_DIGEST_SIZE 64
#define SHA384_DIGEST_SIZE 48

/* State of an incremental SHA-512 or SHA-384; the same struct serves both. */
struct sha512_ctx {
	uint64_t h[8];
	uint64_t bytes_lo, bytes_hi; /* message length in bytes, 128-bit */
	uint8_t block[SHA512_BLOCK_SIZE];
	size_t block_len;
};

void sha512_init(struct sha512_ctx *c);
void sha512_update(struct sha512_ctx *c, const void *data, size_t len);
void sha512_final(struct sha512_ctx *c, uint8_t out[SHA512_DIGEST_SIZE]);
void sha512(const void *data, size_t len, uint8_t out[SHA512_DIGEST_SIZE]);

void sha384_init(struct sha512_ctx *c);
void sha384_update(struct sha512_ctx *c, const void *data, size_t len);
void sha384_final(struct sha512_ctx *c, uint8_t out[SHA384_DIGEST_SIZE]);
void sha384(const void *data, size_t len, uint8_t out[SHA384_DIGEST_SIZE]);

#endif
