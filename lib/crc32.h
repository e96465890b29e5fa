/* SPDX-License-Identifier: MIT */
/* CRC-32 (IEEE 802.3, as zlib's crc32): digests in --dump-layout and tests. */
#ifndef MINIVMM_LIB_CRC32_H
#define MINIVMM_LIB_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* Continues crc over len bytes; start with crc = 0. */
uint32_t crc32_update(uint32_t crc, const void *data, size_t len);
/* Continues crc over len zero bytes. */
uint32_t crc32_zeros(uint32_t crc, uint64_t len);

#endif
