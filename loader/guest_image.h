/* SPDX-License-Identifier: MIT */
/*
 * Load-at-address-with-alignment, in the shape of seL4 CAmkES VM's
 * guest_image.h (shared/seeds/003_*): place a kernel payload or a module
 * (initrd) at an aligned guest address and describe where it went.
 */
#ifndef MINIVMM_LOADER_GUEST_IMAGE_H
#define MINIVMM_LOADER_GUEST_IMAGE_H

#include "loader/image_file.h"
#include "loader/importer.h"

struct guest_image {
	gpa_t load_paddr;   /* where the first byte went */
	uint64_t alignment; /* the alignment that was applied */
	uint64_t size;      /* bytes of the image (not rounded to pages) */
};

struct guest_kernel_image_arch {
	gpa_t entry; /* load_paddr for raw images; the loader adjusts for its protocol */
};

struct guest_kernel_image {
	struct guest_image kernel_image;
	struct guest_kernel_image_arch arch;
};

/*
 * Imports all of f at align_up(load_address, alignment). alignment must be a
 * power of two; below 4 KiB it is raised to 4 KiB (imports are whole pages).
 */
int load_guest_kernel(struct importer *imp, const struct image_file *f, gpa_t load_address,
                      uint64_t alignment, const char *tag, struct guest_kernel_image *out,
                      struct err *e);
int load_guest_module(struct importer *imp, const struct image_file *f, gpa_t load_address,
                      uint64_t alignment, const char *tag, struct guest_image *out, struct err *e);

#endif
