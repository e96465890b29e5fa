/* SPDX-License-Identifier: MIT */
/*
 * minivmm's own OpenHCL-layout boot shim for x86_64 (arch/x86_64/shim/),
 * embedded in the binary: an ELF64 linked at 0, position independent with
 * no relocations, for the paravisor loader to place like openhcl_boot
 * (LOADER-SPEC §2.4 step 7).
 */
#ifndef MINIVMM_ARCH_X86_64_SHIM_IMAGE_H
#define MINIVMM_ARCH_X86_64_SHIM_IMAGE_H

#include <stdint.h>

extern const uint8_t minivmm_shim_x64[];
extern const uint64_t minivmm_shim_x64_size; /* bytes */

#endif
