/* SPDX-License-Identifier: MIT */
/*
 * /dev/kvm: opening it, the API version, the capabilities minivmm needs,
 * each failure explained in one line.
 */
#ifndef MINIVMM_VMM_KVM_H
#define MINIVMM_VMM_KVM_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/err.h"

#define KVM_DEV_PATH "/dev/kvm"

struct kvm_dev {
	int fd;
	size_t run_size; /* KVM_GET_VCPU_MMAP_SIZE */
	bool is_pvm;     /* the paravirtual kvm_pvm module, not hardware KVM */
};

struct kvm_required_cap {
	long cap;
	const char *name;
};

/* Opens path (normally KVM_DEV_PATH) and checks the API version and caps. */
int kvm_dev_open(struct kvm_dev *k, const char *path, const struct kvm_required_cap *caps,
                 unsigned int nr_caps, struct err *e);
void kvm_dev_close(struct kvm_dev *k);

/* KVM_CHECK_EXTENSION on any KVM fd; 0 when absent. */
int kvm_check_cap(int fd, long cap);

/* An ioctl that retries on EINTR. */
int kvm_ioctl(int fd, unsigned long req, void *arg);

#endif
