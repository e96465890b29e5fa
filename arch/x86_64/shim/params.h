/* SPDX-License-Identifier: MIT */
/*
 * ShimParamsRaw (loader/paravisor_defs.h, LOADER-SPEC §2.2 and §2.4 step 19)
 * turned into absolute addresses and checked: every region inside the VTL2
 * range, page aligned where the loader puts it on pages, no overlaps, sizes
 * the shim can work with.
 */
#ifndef MINIVMM_ARCH_X86_64_SHIM_PARAMS_H
#define MINIVMM_ARCH_X86_64_SHIM_PARAMS_H

#include <stdint.h>

#include "arch/x86_64/shim/rt.h"
#include "loader/paravisor_defs.h"

/* The heap holds the zero page, then the command line (SHIM_CMDLINE_MAX bytes). */
#define SHIM_HEAP_MIN_SIZE (2 * SHIM_PAGE_SIZE)
/* The device-tree area must fit: pages [40, 104) of the parameter region. */
#define SHIM_PARAM_REGION_MIN_SIZE                                                             \
	((PARAVISOR_CONFIG_DEVICE_TREE_PAGE_INDEX + PARAVISOR_CONFIG_DEVICE_TREE_SIZE_PAGES) * \
	 SHIM_PAGE_SIZE)
#define SHIM_VTL2_ALIGN 0x200000ULL /* the loader's MemoryUnaligned rule */

/* Where the shim itself is (from its linker symbols) and where RSI pointed. */
struct shim_self {
	uint64_t base;       /* lowest GPA of the shim's image: the offsets' origin */
	uint64_t start, end; /* [__shim_start, __shim_end), absolute */
	uint64_t params;     /* base + RSI */
};

struct shim_region {
	uint64_t start, size;
};

/* ShimParamsRaw with absolute addresses, after shim_params_check. */
struct shim_layout {
	struct shim_self self;
	uint64_t mem_start, mem_end; /* the VTL2 range */
	uint64_t kernel_entry;
	uint64_t kernel_start; /* after the persisted region and bounce buffer */
	uint64_t kernel_limit; /* the lowest region after the kernel: its image ends below */
	struct shim_region cmdline, initrd, param_region, reserved, sidecar, bounce, log, heap,
	    persisted;
	uint64_t sidecar_entry;
	uint64_t used_start, used_end;
	uint32_t initrd_crc, isolation;
};

/*
 * Fills l from p, read at self->params. Fails (SHIM_EINVAL or SHIM_ERANGE,
 * the message naming the field and the numbers) on anything inconsistent.
 */
int shim_params_check(const struct shim_params_raw *p, const struct shim_self *self,
                      struct shim_layout *l, struct shim_err *e);

#endif
