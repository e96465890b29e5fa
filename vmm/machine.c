// SPDX-License-Identifier: MIT
#include "machine.h"

#include <errno.h>
#include <linux/kvm.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "vmm/arch.h"
#include "vmm/console.h"
#include "vmm/event_loop.h"
#include "vmm/exit_codes.h"
#include "vmm/mem_importer.h"
#include "devices/serial.h"
#include "vmm/virtio_devices.h"
#include "vmm/vm.h"

#define MACHINE_DRAIN_NS (10 * 1000000000ULL) /* disk I/O in flight at shutdown */

static int build_memory(struct vm *vm, const struct machine_config *mc, struct mem_range *ram,
                        unsigned int *nr_ram, struct err *e)
{
	uint64_t starts[IMPORTER_MAX_RAM_RANGES], sizes[IMPORTER_MAX_RAM_RANGES];
	unsigned int i;
	int ret;

	ret = arch_mem_ranges(mc->mem_size, ram, nr_ram, e);
	if (ret)
		return ret;
	for (i = 0; i < *nr_ram; i++) {
		starts[i] = ram[i].start;
		sizes[i] = ram[i].end - ram[i].start;
	}
	return vm_add_ram(vm, starts, sizes, *nr_ram, e);
}

static int build_vcpus(struct vm *vm, unsigned int n, struct err *e)
{
	unsigned int i;
	int ret;

	int max = kvm_check_cap(vm->kvm.fd, KVM_CAP_MAX_VCPUS);

	if (max > 0 && n > (unsigned int)max)
		return err_set(e, EINVAL, "--cpus %u: this KVM allows at most %d vCPUs", n, max);
	vm->nr_vcpus_planned = n;
	for (i = 0; i < n; i++) {
		ret = vm_create_vcpu(vm, i, e);
		if (ret)
			return ret;
	}
	return 0;
}

static int load_guest(struct vm *vm, const struct machine_config *mc, const struct mem_range *ram,
                      unsigned int nr_ram, struct err *e)
{
	struct mem_importer mi;
	unsigned int i;
	int ret;

	mem_importer_init(&mi, &vm->mem, arch_guest);
	ret = mc->load(&mi.base, ram, nr_ram, mc->load_arg, e);
	for (i = 0; !ret && i < vm->nr_vcpus; i++)
		ret = arch_vcpu_set_boot_state(&vm->vcpus[i], &mi.base, e);
	importer_destroy(&mi.base);
	return ret;
}

/* Forwards what the user typed to the guest's console UART. */
static void pump_console(struct vm *vm, struct console *con, bool *input_open)
{
	uint8_t in[256], out[256];
	size_t n_out, space = serial_rx_space(vm->console);
	ssize_t n;

	if (!space)
		return;
	n = read(con->in_fd, in, space < sizeof(in) ? space : sizeof(in));
	if (n <= 0) {
		if (n == 0 || (errno != EINTR && errno != EAGAIN))
			*input_open = false; /* end of input: the guest keeps running */
		return;
	}
	if (console_filter(con, in, (size_t)n, out, &n_out) == CONSOLE_QUIT) {
		vm_stop(vm, VM_STOP_EXIT, MINIVMM_EXIT_USER, "stopped by the user (Ctrl-A x)");
		return;
	}
	serial_receive(vm->console, out, n_out);
}

static uint64_t wait_timeout_ns(const struct machine_config *mc)
{
	uint64_t now = vm_now_ns(), deadline, tick = 100000000ULL; /* 100 ms */

	if (mc->timeout_s <= 0)
		return tick;
	deadline = mc->start_ns + (uint64_t)(mc->timeout_s * 1e9);
	if (now >= deadline)
		return 0;
	return deadline - now < tick ? deadline - now : tick;
}

/* What the main thread waits on while vCPUs run, besides the devices' own fds. */
struct machine_watches {
	struct vm *vm;
	struct console *con;
	int sigfd;
	bool input_open;
	struct event_watch stop, signals, input;
};

static void on_stop(struct event_watch *w, int64_t res)
{
	(void)res;
	event_loop_unwatch(w->loop, w); /* the loop ends: vm_stopping() */
}

static void on_signal(struct event_watch *w, int64_t res)
{
	struct machine_watches *mw = w->arg;
	struct signalfd_siginfo si;

	if (res > 0 && read(mw->sigfd, &si, sizeof(si)) == sizeof(si))
		vm_stop(mw->vm, VM_STOP_EXIT, MINIVMM_EXIT_USER, "stopped by signal %s",
		        strsignal((int)si.ssi_signo));
}

static void on_input(struct event_watch *w, int64_t res)
{
	struct machine_watches *mw = w->arg;

	if (res < 0)
		return;
	if (!serial_rx_space(mw->vm->console)) {
		event_loop_pause(w); /* resumed once the guest has read some */
		return;
	}
	pump_console(mw->vm, mw->con, &mw->input_open);
	if (!mw->input_open)
		event_loop_unwatch(w->loop, w);
}

static int watch_host(struct machine_watches *mw, struct event_loop *el, struct err *e)
{
	int ret = event_loop_watch(el, &mw->stop, mw->vm->stop_eventfd, false, on_stop, mw, e);

	if (!ret)
		ret = event_loop_watch(el, &mw->signals, mw->sigfd, false, on_signal, mw, e);
	if (!ret && mw->input_open)
		ret = event_loop_watch(el, &mw->input, mw->con->in_fd, false, on_input, mw, e);
	return ret;
}

/* The main thread's loop while vCPUs run: the event loop, then the timeout. */
static void wait_for_stop(struct vm *vm, const struct machine_config *mc, int sigfd,
                          struct console *con)
{
	struct machine_watches mw = {
		.vm = vm, .con = con, .sigfd = sigfd, .input_open = mc->console_in_fd >= 0
	};
	struct err e;

	if (watch_host(&mw, vm->loop, &e)) {
		vm_stop(vm, VM_STOP_EXIT, MINIVMM_EXIT_INTERNAL, "%s", e.msg);
		return;
	}
	while (!vm_stopping(vm)) {
		if (event_loop_run_once(vm->loop, wait_timeout_ns(mc), &e)) {
			vm_stop(vm, VM_STOP_EXIT, MINIVMM_EXIT_INTERNAL, "%s", e.msg);
			break;
		}
		if (mw.input.paused && serial_rx_space(vm->console))
			event_loop_rearm(vm->loop, &mw.input);
		/* A partial line (a shell prompt) shows within a tick, not at the next newline. */
		serial_flush(vm->console);
		if (mc->timeout_s > 0 &&
		    vm_now_ns() - mc->start_ns >= (uint64_t)(mc->timeout_s * 1e9))
			vm_stop(vm, VM_STOP_EXIT, MINIVMM_EXIT_TIMEOUT,
			        "the guest was still running after %.1f s (--timeout)",
			        mc->timeout_s);
	}
	/* Before the vCPUs are joined: a guest resetting a disk waits for its I/O. */
	virtio_devices_quiesce(vm);
	if (event_loop_drain(vm->loop, MACHINE_DRAIN_NS))
		fprintf(stderr, "minivmm: %u disk operations still in flight after %llu s\n",
		        vm->loop->inflight, MACHINE_DRAIN_NS / 1000000000ULL);
}

/* Where each vCPU was (its thread has ended): a guest that hangs shows where. */
static void dump_vcpus(struct vm *vm, const char *when)
{
	unsigned int i;

	fprintf(stderr, "minivmm: the vCPUs %s:\n", when);
	for (i = 0; i < vm->nr_vcpus; i++)
		arch_vcpu_dump_state(&vm->vcpus[i], stderr);
}

static int run_vm(struct vm *vm, const struct machine_config *mc, struct err *e)
{
	struct console con;
	sigset_t sigs;
	int sigfd, ret;

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL); /* vCPU threads inherit the mask */
	sigfd = signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sigfd < 0)
		return err_set(e, errno, "signalfd: %s", strerror(errno));
	console_open(&con, mc->console_in_fd >= 0 ? mc->console_in_fd : -1);
	ret = vm_start_vcpus(vm, e);
	if (!ret)
		wait_for_stop(vm, mc, sigfd, &con);
	else
		vm_stop(vm, VM_STOP_EXIT, MINIVMM_EXIT_INTERNAL, "%s", e->msg);
	vm_join_vcpus(vm);
	if (vm->verbose && vm->exit_code == MINIVMM_EXIT_TIMEOUT)
		dump_vcpus(vm, "at the timeout");
	if (vm->verbose)
		virtio_devices_report(vm, stderr);
	serial_flush(vm->console);
	console_restore(&con);
	close(sigfd);
	return 0;
}

static void collect_result(struct vm *vm, const struct machine_config *mc,
                           struct machine_result *res)
{
	unsigned int i;

	memset(res, 0, sizeof(*res));
	res->exit_code = vm->exit_code;
	res->reset = vm->stop_kind == VM_STOP_RESET;
	snprintf(res->reason, sizeof(res->reason), "%s", vm->stop_reason);
	if (vm->boot_complete_ns)
		res->boot_complete_ns = vm->boot_complete_ns - mc->start_ns;
	res->boot_complete_value = vm->boot_complete_value;
	for (i = 0; i < vm->nr_vcpus; i++)
		res->vcpu_exits += vm->vcpus[i].exits;
}

/* The main thread's event loop, and a virtio-blk device per disk on it. */
static int add_event_loop_and_disks(struct vm *vm, const struct machine_config *mc, struct err *e)
{
	int ret;

	vm->loop = calloc(1, sizeof(*vm->loop));
	if (!vm->loop)
		return err_set(e, ENOMEM, "out of memory for the event loop");
	ret = event_loop_init(vm->loop, e);
	if (ret) {
		free(vm->loop);
		vm->loop = NULL;
		return ret;
	}
	return virtio_devices_add_disks(vm, vm->loop, mc->disks, mc->disk_slots, mc->nr_disks, e);
}

/*
 * Ops still in flight point into the devices (and guest RAM): if they do not
 * finish, the loop and the devices are left allocated rather than freed.
 */
static void remove_event_loop_and_disks(struct vm *vm)
{
	if (!vm->loop) {
		virtio_devices_destroy(vm);
		return;
	}
	virtio_devices_quiesce(vm);
	if (event_loop_drain(vm->loop, MACHINE_DRAIN_NS))
		return;
	virtio_devices_destroy(vm);
	event_loop_destroy(vm->loop);
	free(vm->loop);
	vm->loop = NULL;
}

/* Every step after the VM exists; res->failed_step names the one that failed. */
static int build_and_run(struct vm *vm, const struct machine_config *mc, struct machine_result *res,
                         struct err *e)
{
	struct mem_range ram[IMPORTER_MAX_RAM_RANGES];
	unsigned int nr_ram = 0;
	int ret;

	res->failed_step = MACHINE_STEP_MEMORY;
	ret = build_memory(vm, mc, ram, &nr_ram, e);
	if (ret)
		return ret;
	res->failed_step = MACHINE_STEP_VCPUS;
	ret = build_vcpus(vm, mc->nr_vcpus ? mc->nr_vcpus : 1, e);
	if (ret)
		return ret;
	res->failed_step = MACHINE_STEP_DEVICES;
	ret = arch_add_devices(vm, mc->console_out_fd, e);
	if (!ret)
		ret = add_event_loop_and_disks(vm, mc, e);
	if (!ret && mc->add_devices)
		ret = mc->add_devices(vm, mc->devices_arg, e);
	if (ret)
		return ret;
	res->failed_step = MACHINE_STEP_LOAD;
	ret = load_guest(vm, mc, ram, nr_ram, e);
	if (ret)
		return ret;
	res->failed_step = MACHINE_STEP_RUN;
	ret = run_vm(vm, mc, e);
	if (!ret)
		collect_result(vm, mc, res);
	return ret;
}

int machine_run(const struct machine_config *mc, struct machine_result *res, struct err *e)
{
	struct kvm_dev kvm;
	struct vm *vm;
	int ret;

	res->failed_step = MACHINE_STEP_KVM;
	ret = kvm_dev_open(&kvm, mc->kvm_path ? mc->kvm_path : KVM_DEV_PATH, arch_required_caps,
	                   arch_nr_required_caps, e);
	if (ret)
		return ret;
	vm = calloc(1, sizeof(*vm));
	if (!vm) {
		kvm_dev_close(&kvm);
		return err_set(e, ENOMEM, "out of memory for the VM");
	}
	ret = vm_create(vm, &kvm, mc->start_ns, mc->verbose, e);
	if (!ret)
		ret = build_and_run(vm, mc, res, e);
	arch_remove_devices(vm);
	remove_event_loop_and_disks(vm);
	vm_destroy(vm);
	free(vm);
	kvm_dev_close(&kvm);
	return ret;
}
