/* SPDX-License-Identifier: MIT */
/*
 * What the shim's tests build on the host: device trees shaped like the
 * VMM's (LOADER-SPEC §6.3), written with libfdt, and the paravisor layout
 * (§2.4) computed the way the loader computes it, with ShimParamsRaw to match.
 */
#ifndef MINIVMM_ARCH_X86_64_SHIM_TEST_SHIM_FIXTURES_H
#define MINIVMM_ARCH_X86_64_SHIM_TEST_SHIM_FIXTURES_H

#include <stddef.h>
#include <stdint.h>

#include "loader/paravisor_defs.h"

#define FIX_NO_IGVM_TYPE (-1)

struct fix_dt_memory {
	uint64_t start, size;
	int igvm_type; /* FIX_NO_IGVM_TYPE: the property is left out */
};

struct fix_dt {
	const struct fix_dt_memory *memory;
	unsigned int nr_memory;
	unsigned int nr_cpus;
	const char *bootargs; /* NULL: /chosen has no bootargs */
	const uint64_t (*mem_rsv)[2];
	unsigned int nr_mem_rsv;
	int root_cells; /* 0: 2 (the normal case); < 0: leave the properties out */
};

/*
 * Builds the tree into buf (cap bytes) the way OpenVMM's build_device_tree
 * does: cpus, memory nodes in reverse order, a bus with vmbus, chosen, an
 * openhcl node. Returns the blob's totalsize; fails the test if libfdt fails.
 */
size_t fix_dt_build(const struct fix_dt *d, void *buf, size_t cap);

/* Every region of the x64 layout, from mem_start up (LOADER-SPEC §2.4). */
struct fix_layout {
	uint64_t mem_start, mem_size;
	uint64_t persisted, kernel, kernel_size, kernel_entry;
	uint64_t sidecar, sidecar_size, sidecar_entry;
	uint64_t shim, shim_size;
	uint64_t initrd, initrd_size;
	uint64_t gdt, params, cmdline, reserved, param_region, log, heap, end_of_image;
	uint64_t pt, pt_pages, used_end;
};

/*
 * Lays the pieces out like the loader: persisted region, kernel (at the
 * next offset), sidecar (2 MiB aligned) if sidecar_size, shim, initrd if
 * initrd_size, GDT, shim params, command line, reserved, parameter region,
 * log, heap, pt_pages of page tables.
 */
void fix_layout_compute(struct fix_layout *l, uint64_t mem_start, uint64_t mem_size,
                        uint64_t kernel_size, uint64_t sidecar_size, uint64_t shim_size,
                        uint64_t initrd_size, uint64_t pt_pages);

/* ShimParamsRaw as the loader fills it for l (step 19): offsets from l->shim. */
void fix_params_fill(const struct fix_layout *l, uint32_t initrd_crc, struct shim_params_raw *p);

/* A ParavisorCommandLine page with s as the static part. */
void fix_cmdline_page(struct paravisor_command_line *pcl, uint16_t policy, const char *s);

#endif
