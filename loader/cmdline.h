/* SPDX-License-Identifier: MIT */
/*
 * A bounded kernel command-line builder (after rust-vmm linux-loader's
 * Cmdline): parts are joined with single spaces, the capacity counts the
 * terminating NUL, and anything that does not fit or is not printable ASCII
 * is refused with the numbers.
 */
#ifndef MINIVMM_LOADER_CMDLINE_H
#define MINIVMM_LOADER_CMDLINE_H

#include <stddef.h>

#include "lib/err.h"

#define CMDLINE_ELF_CAPACITY 2048 /* Linux's x86 COMMAND_LINE_SIZE, NUL included */

struct cmdline {
	char *buf;
	size_t len;      /* excluding the NUL */
	size_t capacity; /* including the NUL */
};

int cmdline_init(struct cmdline *c, size_t capacity, struct err *e);
void cmdline_free(struct cmdline *c);

/* Appends str (separated by a space when not empty). Empty str is a no-op. */
int cmdline_append(struct cmdline *c, const char *str, struct err *e);

static inline const char *cmdline_str(const struct cmdline *c)
{
	return c->buf;
}

#endif
