/* SPDX-License-Identifier: MIT */
/*
 * Replaying a recorded load into another importer, optionally relocated.
 *
 * This is how minivmm handles images that declare relocatable regions
 * (LOADER-SPEC §5.6): the loader runs once against a recording importer, as
 * an IGVM generator would; the VMM then decides where the relocatable region
 * goes and replays every import, parameter area and register into the
 * guest-memory importer, moving what lies in the region, rebuilding the page
 * tables (§5.7) and fixing RIP, GDTR and CR3. Offsets the boot shim keeps
 * relative to its own base need no fix-up: they move with it.
 */
#ifndef MINIVMM_LOADER_REPLAY_H
#define MINIVMM_LOADER_REPLAY_H

#include <stdbool.h>
#include <stdint.h>

#include "loader/importer_record.h"

struct relocation_plan {
	bool active;
	int64_t offset;                       /* new base - old base, >= 0 */
	struct importer_reloc_region region;  /* as declared, before moving */
	struct importer_pt_reloc page_tables; /* as declared, before moving */
};

/*
 * Plans moving src's relocatable region to new_base: exactly one region and
 * one page-table region must be declared, new_base must satisfy the region's
 * alignment, minimum and maximum, and only upward moves are supported (as in
 * OpenVMM).
 */
int relocation_plan_make(const struct importer *src, gpa_t new_base, struct relocation_plan *out,
                         struct err *e);

/* Where gpa ends up under the plan. */
gpa_t relocation_apply(const struct relocation_plan *plan, gpa_t gpa);

/* Re-issues everything src recorded into dst, moved by plan (NULL or inactive: as is). */
int importer_replay(const struct record_importer *src, struct importer *dst,
                    const struct relocation_plan *plan, struct err *e);

#endif
