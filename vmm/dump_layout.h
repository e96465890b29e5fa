/* SPDX-License-Identifier: MIT */
/* --dump-layout: load through the recording importer and print the result. */
#ifndef MINIVMM_VMM_DUMP_LAYOUT_H
#define MINIVMM_VMM_DUMP_LAYOUT_H

#include <stdio.h>

#include "vmm/config.h"

/* Returns a MINIVMM_EXIT_* code; errors go to stderr as one line. */
int dump_layout_run(const struct vmm_config *c, FILE *out);

#endif
