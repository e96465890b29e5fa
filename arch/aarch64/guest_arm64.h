/* SPDX-License-Identifier: MIT */
/*
 * The arm64 guest platform's one piece of run-time state: which GIC the VM
 * has, so that the device tree describes it. The KVM side (kvm_arch.c) lowers
 * it to 2 when the host has no GICv3; --dump-layout and --dump-dtb describe
 * a GICv3. minivmm runs one VM per process, so one variable suffices.
 */
#ifndef MINIVMM_ARCH_AARCH64_GUEST_ARM64_H
#define MINIVMM_ARCH_AARCH64_GUEST_ARM64_H

void a64_guest_set_gic_version(unsigned int version);

#endif
