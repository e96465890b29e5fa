// SPDX-License-Identifier: MIT
#include "vm_eventfd.h"

#include <errno.h>
#include <linux/kvm.h>
#include <string.h>

#include "vmm/kvm.h"
#include "vmm/vm.h"

int vm_add_ioeventfd(struct vm *vm, uint64_t addr, uint32_t len, uint64_t datamatch, int fd,
                     struct err *e)
{
	struct kvm_ioeventfd io = {
		.datamatch = datamatch,
		.addr = addr,
		.len = len,
		.fd = fd,
		.flags = KVM_IOEVENTFD_FLAG_DATAMATCH,
	};

	if (kvm_ioctl(vm->fd, KVM_IOEVENTFD, &io) < 0)
		return err_set(e, errno, "KVM_IOEVENTFD at MMIO 0x%llx (%u bytes, value %llu): %s",
		               (unsigned long long)addr, len, (unsigned long long)datamatch,
		               strerror(errno));
	return 0;
}

int vm_add_irqfd(struct vm *vm, uint32_t gsi, int fd, struct err *e)
{
	struct kvm_irqfd irq = { .fd = (uint32_t)fd, .gsi = gsi };

	if (kvm_ioctl(vm->fd, KVM_IRQFD, &irq) < 0)
		return err_set(e, errno, "KVM_IRQFD for GSI %u: %s", gsi, strerror(errno));
	return 0;
}
