/*
 * kvm-probe: the boot harness's own test binary. It stands in for minivmm inside L1 so the
 * harness can be checked before minivmm's KVM backend exists: it reports what /dev/kvm
 * offers, runs a four-instruction real-mode guest (out to 0x3f8, hlt) to prove that nested
 * KVM really executes guest code, and then exits, sleeps or ignores SIGTERM on request so
 * that each harness verdict (pass, wrong exit code, missing output, timeout) can be provoked.
 *
 * Usage: kvm-probe [--no-guest] [--say TEXT] [--ignore-term] [--sleep SECS] [--exit CODE]
 * Built static: gcc -static -O2 -o kvm-probe kvm-probe.c
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define PROBE_GUEST_MEM_SIZE 0x1000
#define PROBE_SERIAL_PORT    0x3f8

/* mov al,'K'; mov dx,0x3f8; out dx,al; hlt */
static const unsigned char probe_guest_code[] = { 0xb0, 'K', 0xba, 0xf8, 0x03, 0xee, 0xf4 };

static const struct {
	const char *name;
	int cap;
} probe_caps[] = {
	{ "KVM_CAP_IRQCHIP", KVM_CAP_IRQCHIP },
	{ "KVM_CAP_USER_MEMORY", KVM_CAP_USER_MEMORY },
	{ "KVM_CAP_SET_TSS_ADDR", KVM_CAP_SET_TSS_ADDR },
	{ "KVM_CAP_PIT2", KVM_CAP_PIT2 },
	{ "KVM_CAP_IOEVENTFD", KVM_CAP_IOEVENTFD },
	{ "KVM_CAP_IRQFD", KVM_CAP_IRQFD },
	{ "KVM_CAP_NR_VCPUS", KVM_CAP_NR_VCPUS },
	{ "KVM_CAP_MAX_VCPUS", KVM_CAP_MAX_VCPUS },
	{ "KVM_CAP_NR_MEMSLOTS", KVM_CAP_NR_MEMSLOTS },
};

static int probe_caps_print(int kvm)
{
	int version = ioctl(kvm, KVM_GET_API_VERSION, 0);
	size_t i;

	if (version < 0) {
		printf("kvm-probe: KVM_GET_API_VERSION: %s\n", strerror(errno));
		return -1;
	}
	printf("KVM_GET_API_VERSION=%d\n", version);
	for (i = 0; i < sizeof(probe_caps) / sizeof(probe_caps[0]); i++)
		printf("%s=%d\n", probe_caps[i].name,
		       ioctl(kvm, KVM_CHECK_EXTENSION, probe_caps[i].cap));
	return 0;
}

static int probe_vcpu_setup(int vcpu)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs = { .rip = 0, .rflags = 0x2 };

	if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0)
		return -1;
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0)
		return -1;
	return ioctl(vcpu, KVM_SET_REGS, &regs);
}

/* Returns 0 when the guest wrote 'K' to the serial port and halted. */
static int probe_guest_run(int kvm)
{
	struct kvm_userspace_memory_region region = { .memory_size = PROBE_GUEST_MEM_SIZE };
	struct kvm_run *run;
	void *mem;
	char out = 0;
	int vm, vcpu, run_size;

	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	mem = mmap(NULL, PROBE_GUEST_MEM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	           -1, 0);
	if (vm < 0 || mem == MAP_FAILED)
		return -1;
	memcpy(mem, probe_guest_code, sizeof(probe_guest_code));
	region.userspace_addr = (unsigned long)mem;
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		return -1;
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vcpu < 0 || run_size < 0 || probe_vcpu_setup(vcpu) < 0)
		return -1;
	run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		return -1;
	for (;;) {
		if (ioctl(vcpu, KVM_RUN, 0) < 0)
			return -1;
		if (run->exit_reason == KVM_EXIT_HLT)
			break;
		if (run->exit_reason != KVM_EXIT_IO || run->io.port != PROBE_SERIAL_PORT) {
			printf("kvm-probe: unexpected exit reason %u\n", run->exit_reason);
			return -1;
		}
		out = *((char *)run + run->io.data_offset);
	}
	printf("KVM-GUEST-RAN out=0x%x:'%c' exit=HLT\n", PROBE_SERIAL_PORT, out);
	return out == 'K' ? 0 : -1;
}

int main(int argc, char **argv)
{
	int exit_code = 0, sleep_secs = 0, run_guest = 1, kvm, i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--no-guest"))
			run_guest = 0;
		else if (!strcmp(argv[i], "--ignore-term"))
			signal(SIGTERM, SIG_IGN);
		else if (!strcmp(argv[i], "--say") && i + 1 < argc)
			printf("%s\n", argv[++i]);
		else if (!strcmp(argv[i], "--sleep") && i + 1 < argc)
			sleep_secs = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--exit") && i + 1 < argc)
			exit_code = atoi(argv[++i]);
		else {
			fprintf(stderr, "kvm-probe: bad argument '%s'\n", argv[i]);
			return 2;
		}
	}
	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0) {
		printf("kvm-probe: open /dev/kvm: %s\n", strerror(errno));
		return 1;
	}
	if (probe_caps_print(kvm) < 0)
		return 1;
	if (run_guest && probe_guest_run(kvm) < 0) {
		printf("kvm-probe: guest run failed: %s\n", strerror(errno));
		return 1;
	}
	if (sleep_secs > 0)
		sleep(sleep_secs);
	return exit_code;
}
