/* SPDX-License-Identifier: MIT */
/*
 * libfdt as the reference for the shim's FDT reader (tests only): the same
 * walk and the same extraction rules written against libfdt, so the tests
 * can hold the two side by side on good, broken and mutated trees.
 */
#ifndef MINIVMM_ARCH_X86_64_SHIM_TEST_FDT_REFERENCE_H
#define MINIVMM_ARCH_X86_64_SHIM_TEST_FDT_REFERENCE_H

#include <stddef.h>

#include "arch/x86_64/shim/dt.h"

/*
 * The structure block as text, one token a line: "B<depth> <name>",
 * "P<depth> <name>=<hex value>", "E<depth>" (depth of the node concerned).
 * ref_ uses libfdt's fdt_next_tag (on a blob fdt_check_full accepted),
 * shim_ the shim's walker; NULL when the shim's reader refuses the blob.
 * The caller frees the string.
 */
char *ref_fdt_events(const void *fdt);
char *shim_fdt_events(const void *fdt, size_t avail);

/* shim_dt_read's rules through libfdt: 0 and *out filled, or -1. */
int ref_dt_read(const void *fdt, struct shim_dt_info *out);

/* Fails the test unless a and b describe the same tree. */
void assert_dt_info_eq(const struct shim_dt_info *a, const struct shim_dt_info *b);

#endif
