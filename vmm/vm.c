// SPDX-License-Identifier: MIT
#include "vm.h"

#include <errno.h>
#include <linux/kvm.h>
#include <stdarg.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "vmm/arch.h"
#include "vmm/exit_codes.h"

uint64_t vm_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void platform_set_irq_kvm(struct platform *p, unsigned int gsi, int level)
{
	struct vm *vm = (struct vm *)((char *)p - offsetof(struct vm, platform));
	struct kvm_irq_level irq = { .irq = arch_irq_line(gsi), .level = (uint32_t)level };

	if (kvm_ioctl(vm->fd, KVM_IRQ_LINE, &irq) < 0)
		vm_stop(vm, VM_STOP_EXIT, MINIVMM_EXIT_INTERNAL, "KVM_IRQ_LINE gsi %u level %d: %s",
		        gsi, level, strerror(errno));
}

static struct vm *platform_vm(struct platform *p)
{
	return (struct vm *)((char *)p - offsetof(struct vm, platform));
}

static void platform_reset(struct platform *p, const char *source)
{
	vm_stop(platform_vm(p), VM_STOP_RESET, MINIVMM_EXIT_OK, "the guest reset itself (%s)",
	        source);
}

static void platform_stop(struct platform *p, int exit_code, const char *reason)
{
	vm_stop(platform_vm(p), VM_STOP_EXIT, exit_code, "%s", reason);
}

static void platform_boot_complete(struct platform *p, uint32_t value)
{
	struct vm *vm = platform_vm(p);

	if (!vm->boot_complete_ns) {
		vm->boot_complete_value = value;
		__atomic_store_n(&vm->boot_complete_ns, vm_now_ns(), __ATOMIC_RELEASE);
	}
}

static const struct platform_ops vm_platform_ops = {
	.set_irq = platform_set_irq_kvm,
	.reset = platform_reset,
	.stop = platform_stop,
	.boot_complete = platform_boot_complete,
};

int vm_create(struct vm *vm, const struct kvm_dev *kvm, uint64_t start_ns, int verbose,
              struct err *e)
{
	memset(vm, 0, sizeof(*vm));
	vm->kvm = *kvm;
	vm->fd = -1;
	vm->start_ns = start_ns;
	vm->verbose = verbose;
	vm->platform.ops = &vm_platform_ops;
	guest_mem_init(&vm->mem);
	bus_init(&vm->pio, "port I/O");
	bus_init(&vm->mmio, "MMIO");
	pthread_mutex_init(&vm->stop_lock, NULL);
	vm->stop_eventfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (vm->stop_eventfd < 0)
		return err_set(e, errno, "eventfd: %s", strerror(errno));
	vm->fd = kvm_ioctl(kvm->fd, KVM_CREATE_VM, (void *)0);
	if (vm->fd < 0)
		return err_set(e, errno, "KVM_CREATE_VM: %s", strerror(errno));
	return arch_vm_init(vm, e);
}

int vm_add_ram(struct vm *vm, const uint64_t *starts, const uint64_t *sizes, unsigned int n,
               struct err *e)
{
	unsigned int i;
	int ret;

	for (i = 0; i < n; i++) {
		const struct guest_mem_region *r;
		struct kvm_userspace_memory_region slot;

		ret = guest_mem_add_region(&vm->mem, starts[i], sizes[i], NULL, e);
		if (ret)
			return ret;
		r = guest_mem_find_region(&vm->mem, starts[i]);
		slot = (struct kvm_userspace_memory_region){
			.slot = i,
			.guest_phys_addr = r->gpa,
			.memory_size = r->size,
			.userspace_addr = (uint64_t)(uintptr_t)r->host,
		};
		if (kvm_ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &slot) < 0)
			return err_set(e, errno,
			               "KVM_SET_USER_MEMORY_REGION slot %u [0x%llx, +0x%llx): %s",
			               i, (unsigned long long)r->gpa, (unsigned long long)r->size,
			               strerror(errno));
	}
	return 0;
}

int vm_create_vcpu(struct vm *vm, unsigned int index, struct err *e)
{
	struct vcpu *v = &vm->vcpus[index];
	void *run;

	if (index >= VM_MAX_VCPUS)
		return err_set(e, EINVAL, "vCPU %u: at most %d vCPUs", index, VM_MAX_VCPUS);
	v->vm = vm;
	v->index = index;
	v->fd = kvm_ioctl(vm->fd, KVM_CREATE_VCPU, (void *)(uintptr_t)index);
	if (v->fd < 0)
		return err_set(e, errno, "KVM_CREATE_VCPU %u: %s", index, strerror(errno));
	run = mmap(NULL, vm->kvm.run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
	if (run == MAP_FAILED)
		return err_set(e, errno, "vCPU %u: cannot map kvm_run: %s", index, strerror(errno));
	v->run = run;
	if (index >= vm->nr_vcpus)
		vm->nr_vcpus = index + 1;
	return arch_vcpu_init(v, e);
}

void vm_stop(struct vm *vm, enum vm_stop_kind kind, int exit_code, const char *fmt, ...)
{
	uint64_t one = 1;
	va_list ap;

	pthread_mutex_lock(&vm->stop_lock);
	if (vm->stop_kind == VM_STOP_NONE) {
		vm->exit_code = exit_code;
		va_start(ap, fmt);
		vsnprintf(vm->stop_reason, sizeof(vm->stop_reason), fmt, ap);
		va_end(ap);
		__atomic_store_n(&vm->stop_kind, kind, __ATOMIC_RELEASE);
		if (write(vm->stop_eventfd, &one, sizeof(one)) < 0) {
			/* the counter cannot overflow with one write; nothing to do */
		}
	}
	pthread_mutex_unlock(&vm->stop_lock);
}

bool vm_stopping(struct vm *vm)
{
	return __atomic_load_n(&vm->stop_kind, __ATOMIC_ACQUIRE) != VM_STOP_NONE;
}

void vm_destroy(struct vm *vm)
{
	unsigned int i;

	for (i = 0; i < vm->nr_vcpus; i++) {
		if (vm->vcpus[i].run)
			munmap(vm->vcpus[i].run, vm->kvm.run_size);
		if (vm->vcpus[i].fd > 0)
			close(vm->vcpus[i].fd);
	}
	if (vm->fd >= 0)
		close(vm->fd);
	if (vm->stop_eventfd >= 0)
		close(vm->stop_eventfd);
	guest_mem_destroy(&vm->mem);
	bus_destroy(&vm->pio);
	bus_destroy(&vm->mmio);
	pthread_mutex_destroy(&vm->stop_lock);
	vm->fd = -1;
}
