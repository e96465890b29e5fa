/* SPDX-License-Identifier: MIT */
/*
 * The guest platform: how Linux is laid out and described for one guest
 * architecture (x86_64: ACPI, zero page or PVH; aarch64: device tree). It is
 * chosen by the kernel image, independent of the host, so --dump-layout
 * works for any guest on any host; running needs host == guest.
 */
#ifndef MINIVMM_VMM_GUEST_H
#define MINIVMM_VMM_GUEST_H

#include <stdio.h>

#include "lib/err.h"
#include "loader/image_file.h"
#include "loader/importer.h"

struct boot_images;
struct vmm_config;

enum guest_describe {
	GUEST_DESCRIBE_NONE,
	GUEST_DESCRIBE_LINE, /* one line on stderr (-v) */
	GUEST_DESCRIBE_FULL, /* the --dump-layout summary */
};

/* Where one virtio-mmio device sits: its register window and its interrupt. */
struct virtio_mmio_slot {
	uint64_t base, size;
	uint32_t irq; /* x86: the GSI; arm64: the SPI */
};

#define GUEST_MAX_VIRTIO_MMIO 8

struct guest_platform {
	const char *name;
	enum guest_arch arch;
	/* Guest RAM ranges for --mem. */
	int (*mem_ranges)(uint64_t mem_size, struct mem_range *out, unsigned int *n, struct err *e);
	/* Kernel, initrd, command line, platform description and entry registers. */
	int (*load_linux)(struct importer *imp, const struct vmm_config *c,
	                  const struct boot_images *bi, enum guest_describe describe, FILE *out,
	                  struct err *e);
	/*
	 * Where virtio-mmio devices 0..n-1 go. The device wiring (vmm/virtio_devices.c)
	 * and the platform description load_linux writes (x86: LNRO0005 devices in the
	 * DSDT; arm64: virtio,mmio device-tree nodes) both read this one list. NULL:
	 * the platform has no virtio-mmio devices (yet), and --disk is refused.
	 */
	int (*virtio_mmio_slots)(unsigned int n, struct virtio_mmio_slot *out, struct err *e);
};

extern const struct guest_platform guest_x86_64;
extern const struct guest_platform guest_aarch64;

/*
 * The platform the kernel image is for: by format, for ELF by e_machine, for
 * gzip by the decompressed header (an arm64 Image.gz).
 */
int guest_platform_for(const struct image_file *kernel, const struct guest_platform **out,
                       struct err *e);

#endif
