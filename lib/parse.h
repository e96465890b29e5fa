/* SPDX-License-Identifier: MIT */
/* Parsing of command-line values. */
#ifndef MINIVMM_LIB_PARSE_H
#define MINIVMM_LIB_PARSE_H

#include <stdint.h>

#include "lib/err.h"

/* "512M", "2G", "4096", "64K", "0x1000": bytes; suffixes K, M, G, T (binary). */
int parse_size(const char *s, uint64_t *out, struct err *e);

/* A plain unsigned number, decimal or 0x-hex. */
int parse_u64(const char *s, uint64_t *out, struct err *e);

#endif
