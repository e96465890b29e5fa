/* SPDX-License-Identifier: MIT */
/*
 * The hooks each architecture implements (arch/<arch>/kvm_arch.c), in the
 * order the VM builder calls them. Generic code in vmm/ knows nothing else
 * about the architecture.
 */
#ifndef MINIVMM_VMM_ARCH_H
#define MINIVMM_VMM_ARCH_H

#include <stdio.h>

#include "lib/err.h"
#include "loader/importer.h"
#include "vmm/kvm.h"

struct vm;
struct vcpu;

extern const struct kvm_required_cap arch_required_caps[];
extern const unsigned int arch_nr_required_caps;
extern const enum guest_arch arch_guest;

/* The guest RAM ranges for mem_size bytes (x86: split around the MMIO hole). */
int arch_mem_ranges(uint64_t mem_size, struct mem_range *out, unsigned int *n, struct err *e);

/*
 * The KVM_IRQ_LINE number of the platform's interrupt line irq (devices name
 * lines as the guest platform does: x86 a GSI, arm64 an SPI).
 */
uint32_t arch_irq_line(unsigned int irq);

/* After KVM_CREATE_VM, before memory and vCPUs: interrupt controllers, timers. */
int arch_vm_init(struct vm *vm, struct err *e);

/* After KVM_CREATE_VCPU: CPUID, MSRs, FPU, local APIC. */
int arch_vcpu_init(struct vcpu *v, struct err *e);

/*
 * Turns the importer's register imports into vCPU state: the boot processor
 * gets everything, the others only what the spec applies to every processor.
 */
int arch_vcpu_set_boot_state(struct vcpu *v, const struct importer *imp, struct err *e);

/*
 * The platform's devices (x86: COM1, i8042, CMOS, PCI stub, debug ports);
 * sets vm->console to the UART that carries the console, output to out_fd.
 */
int arch_add_devices(struct vm *vm, int console_out_fd, struct err *e);
void arch_remove_devices(struct vm *vm);

/* Prints the vCPU's registers, one block, each line prefixed "minivmm:   ". */
void arch_vcpu_dump_state(struct vcpu *v, FILE *out);

#endif
