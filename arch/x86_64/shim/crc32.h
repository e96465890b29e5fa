/* SPDX-License-Identifier: MIT */
/* CRC-32 (IEEE 802.3, reflected, as zlib's crc32): the initrd check. */
#ifndef MINIVMM_ARCH_X86_64_SHIM_CRC32_H
#define MINIVMM_ARCH_X86_64_SHIM_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* Continues crc over len bytes; start with crc = 0. */
uint32_t shim_crc32_update(uint32_t crc, const void *data, size_t len);

#endif
