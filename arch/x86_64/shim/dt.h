/* SPDX-License-Identifier: MIT */
/*
 * What the shim takes from the VMM's device tree (LOADER-SPEC §6.3): the
 * memory map (memory@* nodes: reg and microsoft,igvm-type), the
 * /memreserve/ entries, /chosen/bootargs and the number of /cpus/cpu@*.
 */
#ifndef MINIVMM_ARCH_X86_64_SHIM_DT_H
#define MINIVMM_ARCH_X86_64_SHIM_DT_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/shim/rt.h"

#define SHIM_DT_MAX_MEMORY_NODES  128
#define SHIM_DT_MAX_MEMORY_RANGES 128
#define SHIM_DT_MAX_MEM_RSV       16
#define SHIM_DT_ROOT_CELLS        2 /* #address-cells and #size-cells the shim accepts */

struct shim_dt_range {
	uint64_t start, size;
	uint32_t igvm_type; /* IGVM_MEMORY_MAP_ENTRY_* */
};

struct shim_dt_info {
	struct shim_dt_range memory[SHIM_DT_MAX_MEMORY_RANGES]; /* in tree order */
	unsigned int nr_memory;
	struct {
		uint64_t start, size;
	} mem_rsv[SHIM_DT_MAX_MEM_RSV];
	unsigned int nr_mem_rsv;
	const char *bootargs; /* into the blob; NULL when /chosen/bootargs is absent */
	uint32_t bootargs_len;
	unsigned int nr_cpus;
	uint32_t totalsize; /* of the blob */
};

/*
 * Reads the blob at dtb (avail bytes readable) into out. Memory ranges of
 * size 0 are skipped; a reg that is not (u64 start, u64 size) pairs, a range
 * that wraps, an unknown igvm type, or root cells other than 2/2 fail.
 */
int shim_dt_read(const void *dtb, uint64_t avail, struct shim_dt_info *out, struct shim_err *e);

#endif
