/* SPDX-License-Identifier: MIT */
/*
 * arm64 Linux `Image` loading (LOADER-SPEC §4.5, OpenVMM
 * load_kernel_and_initrd_arm64; Documentation/arch/arm64/booting.rst): header
 * validation, the kernel at a 2 MiB aligned base plus text_offset, an optional
 * DTB after it and the initrd after that or at a fixed address.
 */
#ifndef MINIVMM_LOADER_ARM64_IMAGE_H
#define MINIVMM_LOADER_ARM64_IMAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "loader/image_file.h"
#include "loader/importer.h"

#define ARM64_IMAGE_MAGIC          0x644d5241u /* "ARM\x64" at 0x38 */
#define ARM64_IMAGE_HEADER_SIZE    64
#define ARM64_IMAGE_FLAG_BE        (1u << 0)
#define ARM64_IMAGE_PAGE_SIZE(f)   (((f) >> 1) & 3) /* 0 unspecified, 1 4K, 2 16K, 3 64K */
#define ARM64_IMAGE_FLAG_PHYS_BASE (1u << 3)        /* may sit anywhere in physical memory */

/*
 * Entry state of LOADER-SPEC §4.5 set_direct_boot_registers_arm64: CPSR EL1h with DAIF
 * masked; SCTLR_EL1 C, I, EOS, TSCXT, EIS, SPAN, nTLSMD, LSMAOE with the MMU off; TCR_EL1
 * with 4 KiB granules, a 48-bit IPS and both walks disabled (EPD0, EPD1).
 */
#define ARM64_BOOT_CPSR      0x3c5ULL
#define ARM64_BOOT_SCTLR_EL1 0x30d01804ULL
#define ARM64_BOOT_TCR_EL1   0x0000000580803591ULL

struct arm64_image_header {
	uint32_t code0, code1;
	uint64_t text_offset;
	uint64_t image_size;
	uint64_t flags;
	uint64_t res2, res3, res4;
	uint32_t magic;
	uint32_t res5;
};

_Static_assert(sizeof(struct arm64_image_header) == ARM64_IMAGE_HEADER_SIZE, "Image header");

/*
 * Validates the header: magic, little-endian, 4 KiB pages, placeable
 * anywhere, text_offset a page-aligned offset inside the 2 MiB alignment.
 */
int arm64_image_parse(const struct image_file *f, struct arm64_image_header *out, struct err *e);

struct arm64_load_info {
	gpa_t kernel_base;    /* the 2 MiB aligned base (without text_offset, as OpenVMM) */
	uint64_t kernel_size; /* bytes imported, page aligned */
	gpa_t entry;          /* base + text_offset */
	gpa_t dtb_gpa;        /* 0 without a DTB */
	uint64_t dtb_size;
	gpa_t initrd_gpa; /* 0 without an initrd */
	uint64_t initrd_size;
};

/*
 * kernel_min_start must be 2 MiB aligned. initrd_gpa == 0 places the initrd
 * after the kernel (and DTB) at the next 2 MiB boundary ("AfterKernel");
 * otherwise it must be page aligned.
 */
int arm64_load_kernel_and_initrd(struct importer *imp, const struct image_file *kernel,
                                 gpa_t kernel_min_start, const struct image_file *initrd,
                                 gpa_t initrd_gpa, const void *dtb, uint64_t dtb_size,
                                 struct arm64_load_info *out, struct err *e);

/*
 * set_direct_boot_registers_arm64: PC at the entry, CPSR EL1h with DAIF
 * masked, SCTLR/TCR with the MMU off, TTBR0/TTBR1/VBAR 0, and X0 = the DTB
 * when one was loaded (Documentation/arch/arm64/booting.rst; x1-x3 stay 0).
 */
int arm64_set_direct_boot_registers(struct importer *imp, const struct arm64_load_info *info,
                                    struct err *e);

#endif
