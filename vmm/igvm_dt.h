/* SPDX-License-Identifier: MIT */
/*
 * The device tree the host hands a paravisor (IGVM DEVICE_TREE parameter),
 * in the shape OpenVMM builds for OpenHCL on x86 (LOADER-SPEC §6.3): cpus,
 * one memory node per memory-map entry with its microsoft,igvm-type, the
 * COM1 port on a pio bus, /chosen/bootargs and an /openhcl node. Built with
 * libfdt.
 */
#ifndef MINIVMM_VMM_IGVM_DT_H
#define MINIVMM_VMM_IGVM_DT_H

#include <stddef.h>

#include "vmm/igvm_params.h"

int igvm_dt_build(void *buf, size_t cap, const struct igvm_host_info *h, size_t *len,
                  struct err *e);

#endif
