/* SPDX-License-Identifier: MIT */
/*
 * The VM builder, one linear sequence (after Firecracker's builder):
 *   /dev/kvm -> VM -> guest RAM -> vCPUs -> devices -> load the guest
 *   through the guest-memory importer -> registers -> run -> tear down.
 * Each step fails with one typed error. The guest loader and extra devices
 * are hooks, so the Linux boot and the test guests share the whole path.
 */
#ifndef MINIVMM_VMM_MACHINE_H
#define MINIVMM_VMM_MACHINE_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/block_image.h"
#include "lib/err.h"
#include "loader/importer.h"
#include "vmm/guest.h"

struct vm;

struct machine_config {
	const char *kvm_path; /* NULL: /dev/kvm */
	uint64_t mem_size;
	unsigned int nr_vcpus;
	int verbose;
	uint64_t start_ns;  /* when minivmm started (boot timer origin) */
	double timeout_s;   /* 0: none */
	int console_in_fd;  /* -1: the guest gets no input */
	int console_out_fd; /* serial output */

	/* Puts the guest in memory through imp. */
	int (*load)(struct importer *imp, const struct mem_range *ram, unsigned int nr_ram,
	            void *arg, struct err *e);
	void *load_arg;
	/* Disks (open images) and where their virtio-mmio devices sit. */
	const struct block_image *disks;
	const struct virtio_mmio_slot *disk_slots;
	unsigned int nr_disks;
	/* Optional: more devices (tests). */
	int (*add_devices)(struct vm *vm, void *arg, struct err *e);
	void *devices_arg;
};

/* The builder step that failed, when machine_run() returns an error. */
enum machine_step {
	MACHINE_STEP_KVM,     /* opening /dev/kvm, creating the VM */
	MACHINE_STEP_MEMORY,  /* guest RAM and memslots */
	MACHINE_STEP_VCPUS,   /* vCPUs, CPUID, MSRs */
	MACHINE_STEP_DEVICES, /* device models */
	MACHINE_STEP_LOAD,    /* the guest image through the importer, registers */
	MACHINE_STEP_RUN,     /* starting the vCPU threads */
};

struct machine_result {
	enum machine_step failed_step; /* valid when machine_run() fails */
	int exit_code;
	bool reset;                /* the guest asked for a reset */
	char reason[256];          /* why it stopped */
	uint64_t boot_complete_ns; /* since start_ns; 0 if never reported */
	uint32_t boot_complete_value;
	uint64_t vcpu_exits;
};

/*
 * Builds and runs one VM until it stops. Returns 0 with *res filled when the
 * VM ran (whatever the guest did), or a negative errno when it could not be
 * built (then e says which step failed and why).
 */
int machine_run(const struct machine_config *mc, struct machine_result *res, struct err *e);

#endif
