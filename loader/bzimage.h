/* SPDX-License-Identifier: MIT */
/*
 * bzImage setup-header validation, in rust-vmm linux-loader's order
 * (BOOT-REFERENCE §1.5): boot_flag, "HdrS", protocol version and the 64-bit
 * entry flag, setup_sects, payload bounds, init_size, alignment and preferred
 * address, initrd_addr_max, cmdline_size.
 */
#ifndef MINIVMM_LOADER_BZIMAGE_H
#define MINIVMM_LOADER_BZIMAGE_H

#include "arch/x86_64/bootparam.h"
#include "loader/image_file.h"

#define BZIMAGE_MIN_VERSION 0x020c /* 2.12: xloadflags, XLF_KERNEL_64 */

struct bzimage_info {
	struct x86_setup_header hdr; /* as read from the file */
	const uint8_t *hdr_bytes;    /* the bytes to copy into the zero page at 0x1f1 */
	uint64_t hdr_len;            /* 0x202 + jump offset - 0x1f1 */
	unsigned int setup_sects;    /* 0 already replaced by 4 */
	uint64_t pm_offset;          /* file offset of the protected-mode kernel */
	uint64_t pm_size;            /* its length */
};

/* True when f looks like a bzImage (boot_flag and "HdrS" present). */
bool bzimage_probe(const struct image_file *f);

int bzimage_parse_header(const struct image_file *f, struct bzimage_info *out, struct err *e);

/*
 * Where the decompressed kernel will run when the protected-mode code is
 * loaded at load_gpa: relocatable kernels align up to kernel_alignment but
 * never go below pref_address (LOAD_PHYSICAL_ADDR).
 */
uint64_t bzimage_runtime_start(const struct bzimage_info *bz, uint64_t load_gpa);

#endif
