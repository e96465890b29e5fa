/* SPDX-License-Identifier: MIT */
/*
 * The host's side of IGVM parameters (LOADER-SPEC §6.2, §6.3): for every
 * parameter area a loader created, write what its parameters ask for —
 * VP count, memory map, command line, device tree, ACPI tables — and fill the
 * area through the importer. SLIT, PPTT and SRAT get well-formed "nothing
 * to say" tables (one NUMA locality, no topology, no affinity entries).
 */
#ifndef MINIVMM_VMM_IGVM_PARAMS_H
#define MINIVMM_VMM_IGVM_PARAMS_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"
#include "loader/importer.h"
#include "loader/paravisor_defs.h"

#define IGVM_HOST_MAX_MEMORY_ENTRIES 16

/* What the host tells the guest. */
struct igvm_host_info {
	unsigned int nr_vcpus;
	struct igvm_memory_map_entry memory[IGVM_HOST_MAX_MEMORY_ENTRIES]; /* sorted by address */
	unsigned int nr_memory;
	const char *cmdline; /* host command line: COMMAND_LINE and DT /chosen/bootargs */
	const uint8_t *madt; /* the MADT the VM has, for the MADT parameter */
	size_t madt_len;
	uint64_t mmio_low_start, mmio_low_end; /* the 32-bit MMIO hole */
	uint16_t com1_port;
	uint32_t com1_irq;
};

/* Fills every parameter area of imp. */
int igvm_params_fill(struct importer *imp, const struct igvm_host_info *h, struct err *e);

/* The payload of one parameter type into buf (capacity cap); *len gets its size. */
int igvm_param_payload(enum igvm_parameter_type type, const struct igvm_host_info *h, uint8_t *buf,
                       size_t cap, size_t *len, struct err *e);

#endif
