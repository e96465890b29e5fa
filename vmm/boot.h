/* SPDX-License-Identifier: MIT */
/*
 * The boot images named on the command line, and loading them through an
 * importer: the one path both --dump-layout and a running VM take, so what
 * --dump-layout prints is what a VM gets.
 */
#ifndef MINIVMM_VMM_BOOT_H
#define MINIVMM_VMM_BOOT_H

#include "arch/x86_64/mem_layout.h"
#include "loader/image_file.h"
#include "loader/linux_x86.h"
#include "vmm/config.h"

struct boot_images {
	struct image_file kernel;
	struct image_file initrd;
	bool has_initrd;
};

int boot_images_open(struct boot_images *bi, const struct vmm_config *c, struct err *e);
void boot_images_close(struct boot_images *bi);

int boot_load_linux(struct importer *imp, const struct vmm_config *c, const struct boot_images *bi,
                    const struct x86_mem_layout *layout, struct linux_x86_info *info,
                    struct err *e);

/* Runs the guest the config names until it stops; returns minivmm's exit code. */
int boot_run(const struct vmm_config *c, uint64_t start_ns);

#endif
