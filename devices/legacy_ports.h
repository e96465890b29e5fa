/* SPDX-License-Identifier: MIT */
/*
 * Small x86 port devices with no state worth a file each:
 *   - PCI configuration mechanism 1 (0xcf8-0xcff) answering "no device":
 *     the address register latches (Linux's type-1 probe reads it back), the
 *     data window reads all ones;
 *   - the POST/delay port 0x80 (writes ignored);
 *   - the minivmm debug device at 0x501/0x502: a write to 0x501 ends minivmm
 *     with the byte written as its exit code; a write to 0x502 records
 *     "boot complete" (arm64 has it on the MMIO bus: offsets 0 and 1).
 */
#ifndef MINIVMM_DEVICES_LEGACY_PORTS_H
#define MINIVMM_DEVICES_LEGACY_PORTS_H

#include <stdint.h>

#include "devices/platform.h"
#include "vmm/bus.h"

#define PCI_CONFIG_PORT 0xcf8
#define PCI_CONFIG_NR   8
#define POST_PORT       0x80
#define DEBUG_EXIT_PORT 0x501
#define DEBUG_BOOT_PORT 0x502
#define DEBUG_NR_PORTS  2

struct pci_stub {
	uint32_t address;
};

struct debug_port {
	struct platform *platform;
	const char *where; /* for the exit message; NULL: "port 0x501" */
};

extern const struct bus_device_ops pci_stub_ops, post_port_ops, debug_port_ops;

/*
 * Ports Linux probes for hardware minivmm does not have (COM2-COM4): reads
 * all ones, writes ignored, like unclaimed ports, but known and so not logged.
 */
extern const struct bus_device_ops absent_port_ops;

#endif
