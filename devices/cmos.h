/* SPDX-License-Identifier: MIT */
/*
 * CMOS RTC at ports 0x70/0x71 showing the host's UTC time in BCD. Without a
 * valid clock here Linux spends ~2.4 s in its RTC probe.
 */
#ifndef MINIVMM_DEVICES_CMOS_H
#define MINIVMM_DEVICES_CMOS_H

#include <stdint.h>
#include <time.h>

#include "vmm/bus.h"

#define CMOS_PORT_BASE 0x70
#define CMOS_NR_PORTS  2

struct cmos {
	uint8_t index;
	uint8_t ram[128];
	time_t (*clock)(void); /* time source; tests replace it */
};

void cmos_init(struct cmos *c);

extern const struct bus_device_ops cmos_bus_ops;

#endif
