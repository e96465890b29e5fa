/* SPDX-License-Identifier: MIT */
/*
 * Just enough of the i8042 keyboard controller (ports 0x60 and 0x64) for
 * Linux's probe to finish at once and for the reset command (0xfe) to reach
 * the VMM. There is no keyboard behind it.
 */
#ifndef MINIVMM_DEVICES_I8042_H
#define MINIVMM_DEVICES_I8042_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/platform.h"
#include "vmm/bus.h"

#define I8042_DATA_PORT 0x60
#define I8042_CMD_PORT  0x64
#define I8042_KBD_IRQ   1

struct i8042 {
	struct platform *platform;
	uint8_t status;
	uint8_t ctrl; /* the controller command byte */
	uint8_t outbuf;
	bool outbuf_full;
	uint8_t pending_write; /* command whose data byte comes next on port 0x60 */
	int irq_level;         /* IRQ 1: high while a byte waits and the command byte allows */
};

void i8042_init(struct i8042 *k, struct platform *p);

/* Register the same device at I8042_DATA_PORT and I8042_CMD_PORT, one port each. */
extern const struct bus_device_ops i8042_data_ops, i8042_cmd_ops;

#endif
