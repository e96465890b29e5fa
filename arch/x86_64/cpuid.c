// SPDX-License-Identifier: MIT
#include "cpuid.h"

#include <string.h>

#define LEAF1_ECX_TSC_DEADLINE (1u << 24)
#define LEAF1_ECX_HYPERVISOR   (1u << 31)
#define LEAF1_ECX_PDCM         (1u << 15)
#define LEAF1_EDX_HTT          (1u << 28)
#define TOPO_LEVEL_SMT         1
#define TOPO_LEVEL_CORE        2

static unsigned int order_base_2(unsigned int n)
{
	unsigned int bits = 0;

	while ((1u << bits) < n)
		bits++;
	return bits;
}

static void adjust_leaf1(struct kvm_cpuid_entry2 *e, const struct x86_cpuid_config *c)
{
	unsigned int logical = 1u << order_base_2(c->nr_vcpus);

	e->ebx = (e->ebx & 0x0000ffffu) | (c->apic_id << 24) | ((logical & 0xff) << 16);
	e->ebx = (e->ebx & ~0xff00u) | (8u << 8); /* CLFLUSH line: 8 * 8 = 64 bytes */
	e->ecx |= LEAF1_ECX_HYPERVISOR;
	e->ecx &= ~LEAF1_ECX_PDCM;
	if (c->tsc_deadline)
		e->ecx |= LEAF1_ECX_TSC_DEADLINE;
	else
		e->ecx &= ~LEAF1_ECX_TSC_DEADLINE;
	if (c->nr_vcpus > 1)
		e->edx |= LEAF1_EDX_HTT;
	else
		e->edx &= ~LEAF1_EDX_HTT;
}

/* Leaf 0xB/0x1F: one thread per core, nr_vcpus cores in one package. */
static void adjust_topology(struct kvm_cpuid_entry2 *e, const struct x86_cpuid_config *c)
{
	switch (e->index) {
	case 0:
		e->eax = 0;
		e->ebx = 1;
		e->ecx = (TOPO_LEVEL_SMT << 8) | 0;
		break;
	case 1:
		e->eax = order_base_2(c->nr_vcpus);
		e->ebx = c->nr_vcpus;
		e->ecx = (TOPO_LEVEL_CORE << 8) | 1;
		break;
	default:
		e->eax = e->ebx = 0;
		e->ecx = e->index;
		break;
	}
	e->edx = c->apic_id;
}

static void add_topology_subleaves(struct kvm_cpuid_entry2 *entries, unsigned int *nent,
                                   unsigned int max, unsigned int function)
{
	bool seen[2] = { false, false };
	unsigned int i, sub;

	for (i = 0; i < *nent; i++)
		if (entries[i].function == function && entries[i].index < 2)
			seen[entries[i].index] = true;
	if (!seen[0])
		return; /* KVM does not report the leaf at all: leave it absent */
	for (sub = 1; sub < 2 && *nent < max; sub++) {
		if (seen[sub])
			continue;
		entries[*nent] = (struct kvm_cpuid_entry2){
			.function = function,
			.index = sub,
			.flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX,
		};
		(*nent)++;
	}
}

void x86_cpuid_adjust(struct kvm_cpuid_entry2 *entries, unsigned int *nent, unsigned int max,
                      const struct x86_cpuid_config *c)
{
	unsigned int i, core_bits = order_base_2(c->nr_vcpus);

	add_topology_subleaves(entries, nent, max, 0xb);
	add_topology_subleaves(entries, nent, max, 0x1f);
	for (i = 0; i < *nent; i++) {
		struct kvm_cpuid_entry2 *e = &entries[i];

		switch (e->function) {
		case 0x1:
			adjust_leaf1(e, c);
			break;
		case 0x4: /* Intel: cores per package - 1 in EAX[31:26] */
			e->eax = (e->eax & 0x03ffffffu) | (((1u << core_bits) - 1) << 26);
			break;
		case 0xa: /* no PMU: nested PMU emulation only adds noise */
			e->eax = e->ebx = e->ecx = e->edx = 0;
			break;
		case 0xb:
		case 0x1f:
			adjust_topology(e, c);
			break;
		case 0x80000008: /* AMD: NC = cores - 1, ApicIdCoreIdSize */
			e->ecx = (e->ecx & ~0xf0ffu) | (c->nr_vcpus - 1) | (core_bits << 12);
			break;
		case 0x8000001e: /* AMD: extended APIC ID and core ID */
			e->eax = c->apic_id;
			e->ebx = (e->ebx & ~0xffffu) | (c->apic_id & 0xff);
			e->ecx &= ~0xffu;
			break;
		default:
			break;
		}
	}
}
