/* SPDX-License-Identifier: MIT */
/*
 * A running virtual machine: the KVM VM, its guest RAM and memslots, the I/O
 * buses, the vCPUs, and how it stops. Everything a VM ends with (power off,
 * reset, crash, exit code from the guest, KVM error, user, timeout) goes
 * through vm_stop(): the first request wins and decides the exit code.
 */
#ifndef MINIVMM_VMM_VM_H
#define MINIVMM_VMM_VM_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "devices/platform.h"
#include "lib/err.h"
#include "vmm/bus.h"
#include "vmm/guest_mem.h"
#include "vmm/kvm.h"

#define VM_MAX_VCPUS 64

struct event_loop;
struct kvm_run;
struct serial;
struct vm;

struct vcpu {
	struct vm *vm;
	unsigned int index;
	int fd;
	struct kvm_run *run;
	pthread_t thread;
	bool thread_started;
	uint64_t exits;
};

enum vm_stop_kind {
	VM_STOP_NONE,
	VM_STOP_EXIT,  /* end minivmm with exit_code */
	VM_STOP_RESET, /* the guest asked for a reset */
};

struct vm {
	struct kvm_dev kvm;
	int fd;
	struct guest_mem mem;
	struct bus pio, mmio;
	struct vcpu vcpus[VM_MAX_VCPUS];
	unsigned int nr_vcpus;
	unsigned int nr_vcpus_planned; /* set before creating vCPUs: CPUID topology needs it */
	struct platform platform;      /* what devices may ask of the VM */
	struct serial *console;        /* the UART carrying the console (arch_add_devices) */
	void *arch_devices;            /* owned by arch_add_devices/arch_remove_devices */
	struct event_loop *loop;       /* the main thread's io_uring loop (vmm/event_loop.h) */
	void *virtio_devices;          /* owned by vmm/virtio_devices.c */
	int verbose;

	pthread_mutex_t stop_lock;
	enum vm_stop_kind stop_kind;
	int exit_code;
	char stop_reason[256];
	int stop_eventfd; /* becomes readable when a stop is requested */

	uint64_t start_ns;         /* when minivmm started, for the boot timer */
	uint64_t boot_complete_ns; /* 0 until the guest reports boot complete */
	uint32_t boot_complete_value;
	uint64_t unclaimed_logged;
};

/* Creates the VM fd and its buses; kvm must be open. */
int vm_create(struct vm *vm, const struct kvm_dev *kvm, uint64_t start_ns, int verbose,
              struct err *e);

/* Allocates guest RAM for each range and registers it as a memslot. */
int vm_add_ram(struct vm *vm, const uint64_t *starts, const uint64_t *sizes, unsigned int n,
               struct err *e);

/* Creates vCPU index (its KVM id is the index) and maps its kvm_run. */
int vm_create_vcpu(struct vm *vm, unsigned int index, struct err *e);

/* Requests a stop; only the first request counts. Thread-safe, callable from vCPUs. */
void vm_stop(struct vm *vm, enum vm_stop_kind kind, int exit_code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
bool vm_stopping(struct vm *vm);

/* Starts one thread per vCPU. */
int vm_start_vcpus(struct vm *vm, struct err *e);
/* Kicks every vCPU out of KVM_RUN and joins its thread. */
void vm_join_vcpus(struct vm *vm);

void vm_destroy(struct vm *vm);

uint64_t vm_now_ns(void);

#endif
