/* SPDX-License-Identifier: MIT */
/*
 * The Linux command line: the measured static part from the
 * ParavisorCommandLine page, and with COMMAND_LINE_POLICY_APPEND_CHOSEN the
 * host's /chosen/bootargs after one space.
 */
#ifndef MINIVMM_ARCH_X86_64_SHIM_CMDLINE_H
#define MINIVMM_ARCH_X86_64_SHIM_CMDLINE_H

#include <stddef.h>
#include <stdint.h>

#include "arch/x86_64/shim/rt.h"
#include "loader/paravisor_defs.h"

#define SHIM_CMDLINE_MAX 2048 /* bytes, the NUL included: 2047 characters */

/*
 * Writes the NUL-terminated command line to out (SHIM_CMDLINE_MAX bytes) and
 * its length to *len. bootargs (bootargs_len bytes, no NUL needed) may be
 * NULL. Fails on an unknown policy, a static part longer than 4092 bytes or
 * holding a NUL, or a result longer than 2047 characters.
 */
int shim_cmdline_build(const struct paravisor_command_line *pcl, const char *bootargs,
                       size_t bootargs_len, char *out, size_t *len, struct shim_err *e);

#endif
