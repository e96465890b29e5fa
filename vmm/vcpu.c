// SPDX-License-Identifier: MIT
/*
 * The vCPU threads: KVM_RUN in a loop, one switch on the exit reason.
 * Every exit that ends the VM goes through vm_stop() with a documented exit
 * code, and the vCPU's registers are printed for the ones that mean the
 * guest or KVM went wrong.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "vmm/arch.h"
#include "vmm/exit_codes.h"
#include "vmm/vm.h"

#define VCPU_KICK_SIGNAL    SIGUSR1
#define UNCLAIMED_LOG_LIMIT 20

static __thread struct kvm_run *tls_run;

/* Makes a vCPU leave KVM_RUN at once, or not enter it (KVM_CAP_IMMEDIATE_EXIT). */
static void kick_handler(int sig)
{
	(void)sig;
	if (tls_run)
		tls_run->immediate_exit = 1;
}

static void log_unclaimed(struct vcpu *v, const char *bus, uint64_t addr, unsigned int len,
                          bool is_write, const uint8_t *data)
{
	uint64_t value = 0, n;

	if (!v->vm->verbose)
		return;
	n = __atomic_add_fetch(&v->vm->unclaimed_logged, 1, __ATOMIC_RELAXED);
	if (n > UNCLAIMED_LOG_LIMIT)
		return;
	memcpy(&value, data, len < 8 ? len : 8);
	fprintf(stderr, "minivmm: unclaimed %s %s 0x%llx (%u bytes%s0x%llx)%s\n", bus,
	        is_write ? "write to" : "read from", (unsigned long long)addr, len,
	        is_write ? ", value " : ", returned ", (unsigned long long)value,
	        n == UNCLAIMED_LOG_LIMIT ? "; further ones not logged" : "");
}

static void handle_io(struct vcpu *v)
{
	struct kvm_run *run = v->run;
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	bool is_write = run->io.direction == KVM_EXIT_IO_OUT;
	uint32_t i;

	for (i = 0; i < run->io.count; i++, data += run->io.size)
		if (!bus_access(&v->vm->pio, run->io.port, data, run->io.size, is_write))
			log_unclaimed(v, "port", run->io.port, run->io.size, is_write, data);
}

static void handle_mmio(struct vcpu *v)
{
	struct kvm_run *run = v->run;

	if (run->mmio.len > sizeof(run->mmio.data))
		return;
	if (!bus_access(&v->vm->mmio, run->mmio.phys_addr, run->mmio.data, run->mmio.len,
	                run->mmio.is_write))
		log_unclaimed(v, "MMIO", run->mmio.phys_addr, run->mmio.len, run->mmio.is_write,
		              run->mmio.data);
}

/* Stops the VM for a fatal exit and prints the vCPU state below the reason. */
static void stop_with_state(struct vcpu *v, int code, const char *what)
{
	vm_stop(v->vm, VM_STOP_EXIT, code, "vCPU %u: %s", v->index, what);
	arch_vcpu_dump_state(v, stderr);
}

static void handle_system_event(struct vcpu *v)
{
	char what[96];

	switch (v->run->system_event.type) {
	case KVM_SYSTEM_EVENT_SHUTDOWN:
		vm_stop(v->vm, VM_STOP_EXIT, MINIVMM_EXIT_OK, "the guest powered off");
		break;
	case KVM_SYSTEM_EVENT_RESET:
		vm_stop(v->vm, VM_STOP_RESET, MINIVMM_EXIT_OK, "the guest reset itself");
		break;
	case KVM_SYSTEM_EVENT_CRASH:
		vm_stop(v->vm, VM_STOP_EXIT, MINIVMM_EXIT_GUEST_PANIC,
		        "the guest reported a crash");
		break;
	default:
		snprintf(what, sizeof(what), "unhandled KVM_EXIT_SYSTEM_EVENT type %u",
		         v->run->system_event.type);
		stop_with_state(v, MINIVMM_EXIT_INTERNAL, what);
		break;
	}
}

/* Handles one exit; returns false when the vCPU should stop running. */
static bool handle_exit(struct vcpu *v)
{
	struct kvm_run *run = v->run;
	char what[160];

	v->exits++;
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		handle_io(v);
		return true;
	case KVM_EXIT_MMIO:
		handle_mmio(v);
		return true;
	case KVM_EXIT_INTR:
		return true;
	case KVM_EXIT_HLT:
		stop_with_state(v, MINIVMM_EXIT_GUEST_HALTED, "the guest halted (HLT)");
		return false;
	case KVM_EXIT_SHUTDOWN:
		stop_with_state(v, MINIVMM_EXIT_GUEST_CRASH,
		                "the guest crashed: triple fault (KVM_EXIT_SHUTDOWN)");
		return false;
	case KVM_EXIT_SYSTEM_EVENT:
		handle_system_event(v);
		return false;
	case KVM_EXIT_FAIL_ENTRY:
		snprintf(what, sizeof(what),
		         "KVM_EXIT_FAIL_ENTRY: invalid guest state, hardware_entry_failure_reason "
		         "0x%llx",
		         (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		stop_with_state(v, MINIVMM_EXIT_INTERNAL, what);
		return false;
	case KVM_EXIT_INTERNAL_ERROR:
		snprintf(what, sizeof(what),
		         "KVM_EXIT_INTERNAL_ERROR suberror %u (1 = emulation failure, 2 = "
		         "exception during exception delivery, 3 = event delivery)",
		         run->internal.suberror);
		stop_with_state(v, MINIVMM_EXIT_INTERNAL, what);
		return false;
	default:
		snprintf(what, sizeof(what), "unhandled KVM exit reason %u", run->exit_reason);
		stop_with_state(v, MINIVMM_EXIT_INTERNAL, what);
		return false;
	}
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *v = arg;

	tls_run = v->run;
	while (!vm_stopping(v->vm)) {
		if (ioctl(v->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				v->run->immediate_exit = 0;
				continue;
			}
			vm_stop(v->vm, VM_STOP_EXIT, MINIVMM_EXIT_INTERNAL, "vCPU %u: KVM_RUN: %s",
			        v->index, strerror(errno));
			break;
		}
		if (!handle_exit(v))
			break;
	}
	tls_run = NULL;
	return NULL;
}

int vm_start_vcpus(struct vm *vm, struct err *e)
{
	struct sigaction sa = { .sa_handler = kick_handler };
	sigset_t unblock;
	unsigned int i;
	int ret;

	sigemptyset(&sa.sa_mask);
	sigaction(VCPU_KICK_SIGNAL, &sa, NULL);
	sigemptyset(&unblock);
	sigaddset(&unblock, VCPU_KICK_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &unblock, NULL);
	for (i = 0; i < vm->nr_vcpus; i++) {
		ret = pthread_create(&vm->vcpus[i].thread, NULL, vcpu_thread, &vm->vcpus[i]);
		if (ret)
			return err_set(e, ret, "vCPU %u: cannot start thread: %s", i,
			               strerror(ret));
		vm->vcpus[i].thread_started = true;
	}
	return 0;
}

void vm_join_vcpus(struct vm *vm)
{
	unsigned int i;

	for (i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];

		if (!v->thread_started)
			continue;
		/* Immediate exit covers the window before the thread enters KVM_RUN again. */
		__atomic_store_n(&v->run->immediate_exit, 1, __ATOMIC_RELEASE);
		pthread_kill(v->thread, VCPU_KICK_SIGNAL);
		pthread_join(v->thread, NULL);
		v->thread_started = false;
	}
}
