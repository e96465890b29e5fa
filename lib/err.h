/* SPDX-License-Identifier: MIT */
/*
 * Error reporting: fallible functions return 0 or a negative errno and fill a
 * struct err whose text carries the numbers. Callers add context with
 * err_prefix(); only main() prints and exits.
 */
#ifndef MINIVMM_LIB_ERR_H
#define MINIVMM_LIB_ERR_H

#include <stddef.h>

#define ERR_MSG_MAX 512

struct err {
	int errnum; /* positive errno of the first failure, 0 when clear */
	char msg[ERR_MSG_MAX];
};

/* Records errnum and a formatted message; returns -errnum for `return err_set(...)`. */
int err_set(struct err *e, int errnum, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Prepends "<context>: " to the message already recorded. Returns -e->errnum. */
int err_prefix(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void err_clear(struct err *e);

#endif
