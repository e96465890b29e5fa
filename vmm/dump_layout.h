/* SPDX-License-Identifier: MIT */
/* --dump-layout: load through the recording importer and print the result. */
#ifndef MINIVMM_VMM_DUMP_LAYOUT_H
#define MINIVMM_VMM_DUMP_LAYOUT_H

#include <stdio.h>

#include "vmm/config.h"

/* Returns a MINIVMM_EXIT_* code; errors go to stderr as one line. */
int dump_layout_run(const struct vmm_config *c, FILE *out);

/* --dump-acpi: the guest's ACPI tables as files DIR/<signature>.dat. */
int dump_acpi_run(const struct vmm_config *c, const char *dir);

/* --dump-dtb: the device tree an arm64 guest gets, loaded as for --dump-layout. */
int dump_dtb_run(const struct vmm_config *c, const char *path);

#endif
