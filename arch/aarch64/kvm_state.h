/* SPDX-License-Identifier: MIT */
/*
 * What the arm64 KVM hooks keep per VM (vm->arch_devices): the vGIC device
 * and its version, the vCPU target KVM prefers, and the device models.
 * arch_vm_init() allocates it, because the vGIC exists before the vCPUs;
 * arch_remove_devices() frees it.
 */
#ifndef MINIVMM_ARCH_AARCH64_KVM_STATE_H
#define MINIVMM_ARCH_AARCH64_KVM_STATE_H

#include <linux/kvm.h>
#include <stdbool.h>

#include "devices/legacy_ports.h"
#include "devices/serial.h"

struct a64_vm_state {
	int gic_fd;
	unsigned int gic_version; /* 3, or 2 on hosts without a GICv3 */
	bool have_target;
	struct kvm_vcpu_init target; /* KVM_ARM_PREFERRED_TARGET */
	struct serial uart;
	struct debug_port debug;
};

struct vm;

/* After every vCPU exists: the vGIC's interrupt count and initialisation (kvm_arch.c). */
int a64_gic_finalize(struct vm *vm, struct err *e);

#endif
