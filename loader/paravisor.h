/* SPDX-License-Identifier: MIT */
/*
 * The OpenHCL paravisor layout (OpenVMM load_openhcl_x64/arm64, LOADER-SPEC
 * §2.4 and §2.5), **current ("HEAD") revision** throughout: persisted-state
 * region, range-based page tables (§3.2 HEAD), 192-byte ShimParamsRaw,
 * 362-page parameter region, log buffer and heap.
 *
 * Two worlds are kept apart on purpose:
 *   - VTL2: the paravisor's own memory range [memory_base, +memory_size)
 *     holding its kernel, boot shim, initrd, parameters and page tables;
 *   - VTL0: the guest the paravisor serves; its measured config (page 0 on
 *     x64, 16 MiB on arm64) says how to boot it (here: Linux direct boot).
 */
#ifndef MINIVMM_LOADER_PARAVISOR_H
#define MINIVMM_LOADER_PARAVISOR_H

#include <stdbool.h>
#include <stdint.h>

#include "loader/image_file.h"
#include "loader/importer.h"
#include "loader/paravisor_defs.h"

/* A VTL0 Linux kernel already placed in VTL0 memory, for the measured VTL0 config. */
struct paravisor_vtl0_linux {
	gpa_t kernel_gpa;
	uint64_t kernel_size;
	gpa_t entry;
	gpa_t initrd_gpa; /* 0 with initrd_size 0: none */
	uint64_t initrd_size;
	const char *cmdline;
};

struct paravisor_config {
	const struct image_file *kernel;  /* VTL2 kernel: ELF vmlinux (x64), Image (arm64) */
	const struct image_file *shim;    /* the boot shim, an ELF linked at 0 */
	const struct image_file *sidecar; /* x64 only, optional */
	const struct image_file *initrd;  /* VTL2 initrd, optional */
	const char *cmdline;              /* the static (measured) command line */
	enum paravisor_command_line_policy policy;
	bool has_memory_base; /* false: 128 MiB, and the image is declared relocatable */
	uint64_t memory_base;
	uint64_t memory_size; /* the VTL2 range */
	bool vtl0_pcat;
	const struct paravisor_vtl0_linux *vtl0_linux; /* NULL: none */
};

/* Where everything went, for the VMM, --dump-layout and tests. */
struct paravisor_info {
	gpa_t memory_start;
	uint64_t memory_size;
	gpa_t kernel_entry;
	gpa_t shim_base, shim_entry;
	gpa_t initrd_gpa;
	uint64_t initrd_size;
	gpa_t cmdline_gpa, shim_params_gpa, parameter_region_gpa;
	gpa_t log_buffer_gpa, heap_gpa;
	gpa_t end_of_vtl2_image; /* end of the relocatable part */
	gpa_t page_tables_gpa;
	uint64_t page_table_pages, page_table_pages_used;
	gpa_t used_end;
	bool relocatable;
	struct shim_params_raw shim_params;
};

int paravisor_load_x64(struct importer *imp, const struct paravisor_config *c,
                       struct paravisor_info *out, struct err *e);
int paravisor_load_arm64(struct importer *imp, const struct paravisor_config *c,
                         struct paravisor_info *out, struct err *e);

/* ---- pieces both architectures share (paravisor_common.c) ---- */

/* The ParavisorCommandLine page; CommandLineSize when longer than 4092 bytes. */
int paravisor_import_command_line(struct importer *imp, gpa_t gpa, const char *cmdline,
                                  enum paravisor_command_line_policy policy, struct err *e);

/* Shim log buffer (2 pages) and heap (16 pages), imported as zero pages. */
int paravisor_import_log_and_heap(struct importer *imp, gpa_t log, gpa_t heap, struct err *e);

/* SLIT, PPTT and device-tree parameter areas at their page indices. */
int paravisor_create_parameter_areas(struct importer *imp, gpa_t param_region, struct err *e);

/*
 * Measured VTL0 config at config_page and, when record_linux, the VTL0 Linux
 * direct-boot info with its command-line page after it. (OpenVMM's arm64
 * loader has no Linux branch here, so arm64 passes false.)
 */
int paravisor_import_vtl0_config(struct importer *imp, uint64_t config_page,
                                 const struct paravisor_config *c, bool record_linux,
                                 struct err *e);

/* Measured VTL2 config, then the imported-regions page is named. */
int paravisor_import_vtl2_config(struct importer *imp, gpa_t param_region, struct err *e);

/* The addresses both layouts share, filled in as a loader goes. */
struct paravisor_layout {
	gpa_t start; /* the VTL2 range */
	uint64_t size;
	gpa_t next; /* the cursor; at the end, the end of everything used */
	gpa_t persisted, kernel_entry, shim_base, shim_entry;
	gpa_t initrd;
	uint64_t initrd_size;
	gpa_t cmdline, params, param_region, log, heap, end_of_image;
	gpa_t pt;
	unsigned int pt_pages, pt_used;
	bool relocatable;
};

/* The ShimParamsRaw fields every architecture fills the same way. */
void paravisor_fill_shim_params(const struct paravisor_layout *l, const struct paravisor_config *c,
                                struct shim_params_raw *p);
void paravisor_fill_info(const struct paravisor_layout *l, struct paravisor_info *out);

/* (addr - shim_base) with wrapping, as ShimParamsRaw stores it. */
static inline int64_t paravisor_shim_offset(gpa_t addr, gpa_t shim_base)
{
	return (int64_t)(addr - shim_base);
}

#endif
