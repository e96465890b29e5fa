/* SPDX-License-Identifier: MIT */
/*
 * The hardware-reduced ACPI power registers the FADT announces: the sleep
 * control register (a write of SLP_EN with sleep type 5 powers the VM off),
 * the sleep status register, and the reset register.
 */
#ifndef MINIVMM_DEVICES_ACPI_PM_H
#define MINIVMM_DEVICES_ACPI_PM_H

#include <stdint.h>

#include "devices/platform.h"
#include "vmm/bus.h"

#define ACPI_PM_NR_PORTS 2 /* control, status */

struct acpi_pm {
	struct platform *platform;
	uint8_t s5_type;     /* the \_S5 sleep type the DSDT gives */
	uint8_t reset_value; /* the FADT's RESET_VALUE */
	uint8_t status;
};

extern const struct bus_device_ops acpi_pm_ops;    /* sleep control and status */
extern const struct bus_device_ops acpi_reset_ops; /* the reset register, one port */

#endif
