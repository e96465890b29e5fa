/* SPDX-License-Identifier: MIT */
/*
 * --paravisor: load the OpenHCL layout with a boot shim (minivmm's own by
 * default), as OpenVMM would load an OpenHCL IGVM file:
 *   1. record: VTL0 pieces (ACPI tables, an optional VTL0 kernel) and the
 *      paravisor layout go into a recording importer;
 *   2. place: with --relocate, move the VTL2 image (LOADER-SPEC §5.6/§5.7);
 *   3. replay into the target importer (guest memory, or another recording
 *      for --dump-layout);
 *   4. fill the IGVM parameter areas (device tree, SLIT, PPTT) and write the
 *      imported-regions page.
 */
#ifndef MINIVMM_VMM_PARAVISOR_BOOT_H
#define MINIVMM_VMM_PARAVISOR_BOOT_H

#include "loader/image_file.h"
#include "loader/paravisor.h"
#include "loader/replay.h"
#include "vmm/config.h"

struct paravisor_images {
	struct image_file kernel, shim, initrd, vtl0_kernel, vtl0_initrd;
	bool has_initrd, has_vtl0_kernel, has_vtl0_initrd, shim_is_file;
};

int paravisor_images_open(struct paravisor_images *pi, const struct vmm_config *c, struct err *e);
void paravisor_images_close(struct paravisor_images *pi);

/* The paravisor loader's input from the command line and the open images; vtl0 may be NULL. */
struct paravisor_config paravisor_config_from_cli(const struct vmm_config *c,
                                                  const struct paravisor_images *pi,
                                                  const struct paravisor_vtl0_linux *vtl0);

/* What happened, for --dump-layout and -v. */
struct paravisor_report {
	struct paravisor_info info; /* before relocation */
	struct relocation_plan plan;
	gpa_t vtl2_base; /* after relocation */
};

/* Steps 1-4 into dst; read_guest(ctx, ...) reads back what dst holds (for the regions page). */
int paravisor_load(struct importer *dst, const struct vmm_config *c,
                   const struct paravisor_images *pi,
                   int (*read_guest)(void *ctx, gpa_t gpa, void *buf, size_t len, struct err *e),
                   void *ctx, struct paravisor_report *rep, struct err *e);

#endif
