/* SPDX-License-Identifier: MIT */
/* The command line of minivmm itself, parsed into a struct vmm_config. */
#ifndef MINIVMM_VMM_CONFIG_H
#define MINIVMM_VMM_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "devices/block_image.h"
#include "lib/err.h"
#include "loader/linux_x86.h"

#define MINIVMM_VERSION        "0.1.0"
#define CONFIG_DEFAULT_MEM     (512ULL << 20)
#define CONFIG_MAX_CPUS        64
#define CONFIG_DEFAULT_CMDLINE "console=ttyS0 reboot=k panic=-1"

#define CONFIG_DEFAULT_VTL2_MEM (256ULL << 20)
#define CONFIG_MAX_DISKS        8 /* --disk: virtio-blk devices */

enum relocate_mode {
	RELOCATE_NONE, /* keep the image at its own base */
	RELOCATE_AUTO, /* the highest valid base in low RAM */
	RELOCATE_ADDR, /* the address given */
};

/* --paravisor and its options: the OpenHCL layout with minivmm's boot shim. */
struct paravisor_options {
	bool enabled;
	const char *shim;  /* NULL: the shim built into minivmm */
	uint64_t vtl2_mem; /* size of the VTL2 range */
	enum relocate_mode relocate;
	uint64_t relocate_addr;
	const char *host_cmdline; /* the host-appendable part: DT /chosen/bootargs */
	bool static_policy;       /* ignore the host's part */
	const char *vtl0_kernel, *vtl0_initrd, *vtl0_cmdline;
};

struct vmm_config {
	const char *kernel;
	const char *initrd;  /* NULL: none */
	const char *cmdline; /* the whole guest command line */
	uint64_t mem_size;
	unsigned int cpus;
	enum x86_boot_protocol boot;
	bool dump_layout;
	const char *dump_acpi; /* directory for the ACPI tables, or NULL */
	const char *dump_dtb;  /* file for an arm64 guest's device tree, or NULL */
	bool reboot;           /* a guest reset reboots the guest instead of ending minivmm */
	double timeout_s;      /* 0: no limit */
	bool help;
	bool version;
	int verbose;
	struct block_image_options disks[CONFIG_MAX_DISKS]; /* --disk, in command-line order */
	unsigned int nr_disks;
	struct paravisor_options pv;
};

/* Fills c from argv; errors name the option and the value. */
int config_parse(struct vmm_config *c, int argc, char **argv, struct err *e);

void config_print_help(FILE *out);

#endif
