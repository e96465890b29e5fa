/* SPDX-License-Identifier: MIT */
/*
 * The device tree an arm64 guest boots with (BOOT-REFERENCE §6.8), built with
 * libfdt: memory, /chosen (bootargs, initrd, stdout-path), cpus with the PSCI
 * enable method, psci, the architected timer, the GIC (v3, or v2 when the
 * host has no v3), the 16550A UART with its interrupt, aliases, and any
 * virtio-mmio devices. Pure C: it builds and is tested on every host.
 */
#ifndef MINIVMM_ARCH_AARCH64_FDT_H
#define MINIVMM_ARCH_AARCH64_FDT_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"
#include "lib/sizes.h"

struct a64_virtio_mmio {
	gpa_t base;       /* A64_VIRTIO_MMIO_GPA + slot * A64_VIRTIO_MMIO_SIZE */
	unsigned int spi; /* A64_VIRTIO_MMIO_SPI + slot */
};

struct a64_dt_config {
	gpa_t mem_base;
	uint64_t mem_size;
	unsigned int nr_cpus;     /* 1 to VM_MAX_VCPUS (GICv2: 1 to 8) */
	unsigned int gic_version; /* 3 or 2 */
	const char *bootargs;     /* NULL: none */
	gpa_t initrd_start;       /* initrd_end == 0: no initrd */
	gpa_t initrd_end;         /* exclusive */
	const struct a64_virtio_mmio *virtio;
	unsigned int nr_virtio;
};

/*
 * Writes the packed tree into buf (len bytes, at most A64_FDT_MAX_SIZE
 * needed) and its size to *out_len. Fails on a bad config (CPU count for the
 * GIC, command line over 2047 bytes) or when buf is too small.
 */
int a64_fdt_build(const struct a64_dt_config *c, void *buf, size_t len, size_t *out_len,
                  struct err *e);

#endif
