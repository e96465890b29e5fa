/* SPDX-License-Identifier: MIT */
/* Human-readable dump of everything a loader imported (--dump-layout). */
#ifndef MINIVMM_LOADER_IMPORTER_DUMP_H
#define MINIVMM_LOADER_IMPORTER_DUMP_H

#include <stdio.h>

#include "loader/importer_record.h"

/* Ranges in address order, parameter areas, parameters, registers in import order. */
void record_importer_dump(FILE *out, const struct record_importer *ri);

/* One register as "NAME value" text, e.g. "CS selector=0x8 base=0x0 ...". */
void importer_format_register(char *buf, size_t len, const struct importer *imp, size_t index);

#endif
