/* SPDX-License-Identifier: MIT */
/*
 * The boot images named on the command line, and loading them through an
 * importer: the one path both --dump-layout and a running VM take, so what
 * --dump-layout prints is what a VM gets.
 */
#ifndef MINIVMM_VMM_BOOT_H
#define MINIVMM_VMM_BOOT_H

#include "loader/image_file.h"
#include "vmm/config.h"
#include "vmm/guest.h"

struct boot_images {
	struct image_file kernel;
	struct image_file initrd;
	bool has_initrd;
	const struct guest_platform *platform; /* chosen by the kernel image */
};

int boot_images_open(struct boot_images *bi, const struct vmm_config *c, struct err *e);
void boot_images_close(struct boot_images *bi);

/* Runs the guest the config names until it stops; returns minivmm's exit code. */
int boot_run(const struct vmm_config *c, uint64_t start_ns);

#endif
