/* SPDX-License-Identifier: MIT */
/*
 * The CPUID a vCPU sees: KVM_GET_SUPPORTED_CPUID plus the adjustments real
 * VMMs make (BOOT-REFERENCE §3.3): APIC IDs, topology leaves, the hypervisor
 * bit (without it nested guests find no kvm-clock and hang calibrating the TSC),
 * TSC-deadline with the in-kernel LAPIC, no PMU.
 */
#ifndef MINIVMM_ARCH_X86_64_CPUID_H
#define MINIVMM_ARCH_X86_64_CPUID_H

#include <linux/kvm.h>
#include <stdbool.h>

#define X86_CPUID_MAX_ENTRIES 256

struct x86_cpuid_config {
	unsigned int apic_id;
	unsigned int nr_vcpus;
	bool tsc_deadline; /* KVM_CAP_TSC_DEADLINE_TIMER */
};

/* Adjusts entries[0..*nent) in place; may append topology subleaves (up to max). */
void x86_cpuid_adjust(struct kvm_cpuid_entry2 *entries, unsigned int *nent, unsigned int max,
                      const struct x86_cpuid_config *c);

#endif
