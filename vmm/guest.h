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

struct guest_platform {
	const char *name;
	enum guest_arch arch;
	/* Guest RAM ranges for --mem. */
	int (*mem_ranges)(uint64_t mem_size, struct mem_range *out, unsigned int *n, struct err *e);
	/* Kernel, initrd, command line, platform description and entry registers. */
	int (*load_linux)(struct importer *imp, const struct vmm_config *c,
	                  const struct boot_images *bi, enum guest_describe describe, FILE *out,
	                  struct err *e);
};

extern const struct guest_platform guest_x86_64;

/* The platform the kernel image is for: by format, and for ELF by e_machine. */
int guest_platform_for(const struct image_file *kernel, const struct guest_platform **out,
                       struct err *e);

#endif
