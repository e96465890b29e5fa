/* SPDX-License-Identifier: MIT */
/*
 * The panic device Linux's pvpanic driver knows (ACPI QEMU0001, one I/O
 * port): reading it shows the events supported, writing PANICKED reports a
 * guest kernel panic, which ends minivmm with its own exit code.
 */
#ifndef MINIVMM_DEVICES_PVPANIC_H
#define MINIVMM_DEVICES_PVPANIC_H

#include "devices/platform.h"
#include "vmm/bus.h"

#define PVPANIC_PANICKED     (1u << 0)
#define PVPANIC_CRASH_LOADED (1u << 1)

struct pvpanic {
	struct platform *platform;
	int panic_exit_code;
};

extern const struct bus_device_ops pvpanic_ops;

#endif
