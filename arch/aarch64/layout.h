/* SPDX-License-Identifier: MIT */
/*
 * Every fixed guest-physical address minivmm uses on arm64, in one place. The
 * device half follows QEMU's `virt` machine, so its device tree compares
 * node for node (tests/cli/test_dtb_qemu.py) and guests that know `virt`
 * find things where they expect them.
 *
 *   0x0800_0000  GIC distributor                        (64 KiB)
 *   0x0801_0000  GICv2 CPU interface                    (8 KiB, GICv2 fallback only)
 *   0x080a_0000  GICv3 redistributors, 128 KiB per vCPU (8 MiB for 64 vCPUs)
 *   0x0900_0000  UART, 16550A registers, SPI 1          (4 KiB window)
 *   0x0910_0000  minivmm debug device: +0 exit code, +1 boot complete (not in the DT)
 *   0x0a00_0000  virtio-mmio slots, 0x200 bytes each, SPI 16 + slot (as QEMU virt)
 *   0x4000_0000  DRAM (--mem), one range
 *     +16 MiB      initrd (OpenVMM's Linux layout, LOADER-SPEC §4.5)
 *     next 2 MiB   kernel Image base (+ text_offset); the DTB follows the kernel
 */
#ifndef MINIVMM_ARCH_AARCH64_LAYOUT_H
#define MINIVMM_ARCH_AARCH64_LAYOUT_H

#include "lib/sizes.h"

#define A64_GIC_DIST_GPA      0x08000000ULL
#define A64_GIC_DIST_SIZE     SZ_64K
#define A64_GICV2_CPU_GPA     0x08010000ULL
#define A64_GICV2_CPU_SIZE    0x2000ULL
#define A64_GICV2_DIST_SIZE   0x1000ULL /* what a GICv2 distributor decodes */
#define A64_GICV2_MAX_CPUS    8
#define A64_GICV3_REDIST_GPA  0x080a0000ULL
#define A64_GICV3_REDIST_SIZE 0x20000ULL /* per vCPU: RD_base + SGI_base frames */
#define A64_GICV3_MAX_CPUS    64         /* the redistributor window: 8 MiB */
#define A64_GIC_NR_SPIS       96ULL      /* as Firecracker: 32 + 96 = 128 interrupt IDs */
#define A64_UART_GPA          0x09000000ULL
#define A64_UART_SIZE         0x1000ULL
#define A64_UART_SPI          1
#define A64_UART_CLOCK_HZ     1843200
#define A64_DEBUG_GPA         0x09100000ULL
#define A64_DEBUG_SIZE        2ULL
#define A64_VIRTIO_MMIO_GPA   0x0a000000ULL
#define A64_VIRTIO_MMIO_SIZE  0x200ULL
#define A64_VIRTIO_MMIO_SPI   16
#define A64_VIRTIO_MMIO_SLOTS 32
#define A64_DRAM_GPA          SZ_1G
#define A64_DRAM_MAX          (255ULL * SZ_1G) /* ends at 256 GiB, inside a 40-bit IPA */
#define A64_INITRD_OFFSET     SZ_16M
#define A64_FDT_MAX_SIZE      SZ_64K /* Linux accepts up to 2 MiB; ours is ~2 KiB */
#define A64_CMDLINE_MAX       2048   /* arm64 COMMAND_LINE_SIZE, NUL included */
#define A64_TIMER_PPI_SEC     13     /* secure physical timer (INTID 29) */
#define A64_TIMER_PPI_PHYS    14     /* non-secure physical timer (INTID 30) */
#define A64_TIMER_PPI_VIRT    11     /* virtual timer (INTID 27) */
#define A64_TIMER_PPI_HYP     10     /* hypervisor timer (INTID 26) */

/* GIC interrupt IDs: SGIs 0-15, PPIs 16-31, SPIs from 32. */
#define A64_SPI_INTID(spi) (32u + (spi))

/*
 * The MPIDR affinity KVM gives vCPU i (arch/arm64/kvm/sys_regs.c reset_mpidr):
 * Aff0 = i % 16, Aff1 = i / 16. The DT's cpu@ reg and the GIC routing use it.
 */
static inline uint64_t a64_vcpu_mpidr(unsigned int i)
{
	return ((uint64_t)(i >> 4) << 8) | (i & 0xf);
}

#endif
