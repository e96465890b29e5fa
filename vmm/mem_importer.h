/* SPDX-License-Identifier: MIT */
/*
 * The guest-memory importer: the importer a running VM uses. It copies
 * imported pages into guest RAM and keeps, in its struct importer base, the
 * ordered register imports, the parameter areas and the tagged range list for
 * the KVM side to apply at start.
 */
#ifndef MINIVMM_VMM_MEM_IMPORTER_H
#define MINIVMM_VMM_MEM_IMPORTER_H

#include "loader/importer.h"
#include "vmm/guest_mem.h"

struct mem_importer {
	struct importer base;
	struct guest_mem *gm;
};

/* Startup memory is the RAM in gm (adjacent regions merged). */
void mem_importer_init(struct mem_importer *mi, struct guest_mem *gm, enum guest_arch arch);

/* Reads guest memory back; ctx is the struct mem_importer. */
int mem_importer_read(void *ctx, gpa_t gpa, void *buf, size_t len, struct err *e);

#endif
