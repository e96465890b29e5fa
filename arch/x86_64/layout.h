/* SPDX-License-Identifier: MIT */
/*
 * Every fixed guest-physical address minivmm uses on x86_64, in one place.
 *
 *   0x0000_0000  real-mode IVT/BDA page (RAM, left alone)
 *   0x0000_1000  GDT                                  (1 page)
 *   0x0000_2000  zero page (boot_params) | PVH start_info + module list
 *   0x0000_3000  kernel command line                  (1 page, NUL included)
 *   0x0000_4000  identity page tables, 4 GiB          (6 pages, 64-bit entry)
 *                | PVH memory map                     (1 page, PVH entry)
 *   0x0000_a000  boot stack                           (1 page, RSP = 0xb000)
 *   0x0009_fc00  EBDA .. 1 MiB: reserved in the E820 map
 *   0x000e_0000  ACPI: RSDP, then XSDT, FADT, MADT, DSDT, one page each
 *   0x0010_0000  bzImage protected-mode kernel (code32_start)
 *   p_paddr      ELF vmlinux segments (16 MiB for Linux)
 *   top of RAM below the MMIO hole: initrd
 *   0xc000_0000  32-bit MMIO hole (1 GiB); RAM above 3 GiB continues at 4 GiB
 *   0xd000_0000  virtio-mmio devices, 4 KiB each (ACPI LNRO0005), GSIs 16 and up
 */
#ifndef MINIVMM_ARCH_X86_64_LAYOUT_H
#define MINIVMM_ARCH_X86_64_LAYOUT_H

#include "lib/sizes.h"

#define X86_GDT_GPA            0x1000ULL
#define X86_ZERO_PAGE_GPA      0x2000ULL
#define X86_PVH_START_INFO_GPA 0x2000ULL
#define X86_CMDLINE_GPA        0x3000ULL
#define X86_CMDLINE_MAX        0x1000ULL /* bytes, terminating NUL included */
#define X86_PAGE_TABLES_GPA    0x4000ULL
#define X86_PAGE_TABLES_PAGES  6ULL /* PML4, PDPT, 4 PDs: 4 GiB of 2 MiB pages */
#define X86_PVH_MEMMAP_GPA     0x4000ULL
#define X86_BOOT_STACK_GPA     0xa000ULL
#define X86_BOOT_STACK_TOP     0xb000ULL

#define X86_EBDA_START     0x9fc00ULL
#define X86_ACPI_RSDP_GPA  0xe0000ULL /* in the range Linux scans for "RSD PTR " */
#define X86_ACPI_XSDT_GPA  0xe1000ULL
#define X86_ACPI_FADT_GPA  0xe2000ULL
#define X86_ACPI_MADT_GPA  0xe3000ULL
#define X86_ACPI_DSDT_GPA  0xe4000ULL /* up to the end of the BIOS area */
#define X86_ACPI_END       0x100000ULL
#define X86_HIGH_MEM_START 0x100000ULL /* 1 MiB */

#define X86_MMIO_HOLE_START 0xc0000000ULL /* 3 GiB */
#define X86_MMIO_HOLE_END   SZ_4G

/*
 * virtio-mmio devices (one per --disk), announced in the DSDT as LNRO0005.
 * Their interrupts are the IOAPIC pins above the ISA range: no legacy device
 * (COM1 is 4) and not the PIC share them, and each device has its own.
 */
#define X86_VIRTIO_MMIO_BASE     0xd0000000ULL
#define X86_VIRTIO_MMIO_SIZE     0x1000ULL
#define X86_VIRTIO_MMIO_GSI_BASE 16
#define X86_VIRTIO_MMIO_MAX      8 /* GSIs 16-23: the in-kernel IOAPIC has 24 pins */

/* KVM's private pages on Intel: 3 TSS pages and the identity-map page, in the hole. */
#define X86_KVM_IDENTITY_MAP_GPA 0xfffbc000ULL
#define X86_KVM_TSS_GPA          0xfffbd000ULL

/* Port-I/O devices the ACPI tables announce. */
#define X86_ACPI_PM_PORT    0x600 /* +0 sleep control, +1 sleep status (FADT) */
#define X86_ACPI_RESET_PORT 0x604 /* FADT reset register */
#define X86_PVPANIC_PORT    0x505 /* QEMU0001 panic device, QEMU's port */

#define X86_IOAPIC_GPA 0xfec00000ULL
#define X86_LAPIC_GPA  0xfee00000ULL

/* Guest RAM limits --mem accepts. */
#define X86_MEM_MIN SZ_2M
#define X86_MEM_MAX (1ULL << 40) /* 1 TiB */

#endif
