/* SPDX-License-Identifier: MIT */
/*
 * The E820 map Linux gets: the device tree's memory ranges, sorted, typed
 * (MEMORY and VTL2_PROTECTABLE -> RAM, PLATFORM_RESERVED -> reserved,
 * PERSISTENT -> PMEM), then the shim-owned parts of the VTL2 range carved out
 * as reserved so Linux never allocates them:
 *   [memory start, kernel start)        persisted state (and bounce buffer)
 *   [kernel limit, used end)            sidecar, shim, GDT, shim params,
 *                                       command line, parameter region, log,
 *                                       heap (zero page + command line), page
 *                                       tables: everything but the initrd,
 *                                       which stays RAM (Linux reserves and
 *                                       later frees it itself)
 * and the device tree's /memreserve/ entries likewise. The VTL2 range itself
 * must be RAM in the device tree, or the kernel would have nowhere to run.
 */
#ifndef MINIVMM_ARCH_X86_64_SHIM_E820_H
#define MINIVMM_ARCH_X86_64_SHIM_E820_H

#include "arch/x86_64/bootparam.h"
#include "arch/x86_64/shim/dt.h"
#include "arch/x86_64/shim/params.h"
#include "arch/x86_64/shim/rt.h"

#define SHIM_E820_PMEM     7 /* E820_TYPE_PMEM */
/* Room while building: every carve-out can split one entry into three. */
#define SHIM_E820_WORK_MAX (SHIM_DT_MAX_MEMORY_RANGES + 2 * (SHIM_DT_MAX_MEM_RSV + 3))

struct shim_e820_map {
	struct x86_e820_entry e[SHIM_E820_WORK_MAX];
	unsigned int n;
	struct x86_e820_entry tmp[SHIM_E820_WORK_MAX];
};

/*
 * Builds m from dt and l: at most X86_E820_MAX_ENTRIES_ZEROPAGE entries,
 * sorted, adjacent entries of one type merged. Fails when the device tree's
 * ranges overlap, when the VTL2 range is not all RAM there, or when the
 * result has too many entries.
 */
int shim_e820_build(const struct shim_dt_info *dt, const struct shim_layout *l,
                    struct shim_e820_map *m, struct shim_err *e);

/* The E820 type for an IGVM memory-map entry type (see above). */
uint32_t shim_e820_type(uint32_t igvm_type);

#endif
