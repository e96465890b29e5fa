// SPDX-License-Identifier: MIT
/*
 * The x86_64 hooks of vmm/arch.h: in-kernel PIC/IOAPIC/PIT, CPUID, boot
 * MSRs, FPU and LAPIC set-up (BOOT-REFERENCE §3), and the importer's
 * registers applied through KVM_SET_REGS/SREGS/MSRS.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "arch/x86_64/cpuid.h"
#include "arch/x86_64/kvm_regs.h"
#include "arch/x86_64/layout.h"
#include "vmm/arch.h"
#include "vmm/vm.h"

#define MSR_IA32_TSC            0x10
#define MSR_IA32_SYSENTER_CS    0x174
#define MSR_IA32_SYSENTER_ESP   0x175
#define MSR_IA32_SYSENTER_EIP   0x176
#define MSR_IA32_MISC_ENABLE    0x1a0
#define MSR_STAR                0xc0000081
#define MSR_LSTAR               0xc0000082
#define MSR_CSTAR               0xc0000083
#define MSR_SYSCALL_MASK        0xc0000084
#define MSR_KERNEL_GS_BASE      0xc0000102
#define MISC_ENABLE_FAST_STRING 1

#define APIC_LVT0        0x350
#define APIC_LVT1        0x360
#define APIC_MODE_NMI    4
#define APIC_MODE_EXTINT 7

const enum guest_arch arch_guest = GUEST_ARCH_X86_64;

const struct kvm_required_cap arch_required_caps[] = {
	{ KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY" },
	{ KVM_CAP_IRQCHIP, "KVM_CAP_IRQCHIP" },
	{ KVM_CAP_PIT2, "KVM_CAP_PIT2" },
	{ KVM_CAP_SET_TSS_ADDR, "KVM_CAP_SET_TSS_ADDR" },
	{ KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID" },
	{ KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT" },
};
const unsigned int arch_nr_required_caps = ARRAY_SIZE(arch_required_caps);

uint32_t arch_irq_line(unsigned int gsi)
{
	return gsi;
}

int arch_vm_init(struct vm *vm, struct err *e)
{
	uint64_t idmap = X86_KVM_IDENTITY_MAP_GPA;
	struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };

	if (kvm_ioctl(vm->fd, KVM_SET_TSS_ADDR, (void *)(uintptr_t)X86_KVM_TSS_GPA) < 0)
		return err_set(e, errno, "KVM_SET_TSS_ADDR 0x%llx: %s", X86_KVM_TSS_GPA,
		               strerror(errno));
	if (kvm_check_cap(vm->fd, KVM_CAP_SET_IDENTITY_MAP_ADDR) &&
	    kvm_ioctl(vm->fd, KVM_SET_IDENTITY_MAP_ADDR, &idmap) < 0)
		return err_set(e, errno, "KVM_SET_IDENTITY_MAP_ADDR 0x%llx: %s",
		               (unsigned long long)idmap, strerror(errno));
	if (kvm_ioctl(vm->fd, KVM_CREATE_IRQCHIP, NULL) < 0)
		return err_set(e, errno, "KVM_CREATE_IRQCHIP: %s", strerror(errno));
	if (kvm_ioctl(vm->fd, KVM_CREATE_PIT2, &pit) < 0)
		return err_set(e, errno, "KVM_CREATE_PIT2: %s", strerror(errno));
	return 0;
}

static int setup_cpuid(struct vcpu *v, struct err *e)
{
	struct x86_cpuid_config cc = {
		.apic_id = v->index,
		.nr_vcpus = v->vm->nr_vcpus_planned ? v->vm->nr_vcpus_planned : 1,
		.tsc_deadline = kvm_check_cap(v->vm->kvm.fd, KVM_CAP_TSC_DEADLINE_TIMER) > 0,
	};
	struct kvm_cpuid2 *cpuid;
	unsigned int n;
	int ret = 0;

	cpuid = calloc(1, sizeof(*cpuid) + X86_CPUID_MAX_ENTRIES * sizeof(cpuid->entries[0]));
	if (!cpuid)
		return err_set(e, ENOMEM, "CPUID: out of memory");
	cpuid->nent = X86_CPUID_MAX_ENTRIES;
	if (kvm_ioctl(v->vm->kvm.fd, KVM_GET_SUPPORTED_CPUID, cpuid) < 0) {
		ret = err_set(e, errno, "KVM_GET_SUPPORTED_CPUID: %s", strerror(errno));
		goto out;
	}
	n = cpuid->nent;
	x86_cpuid_adjust(cpuid->entries, &n, X86_CPUID_MAX_ENTRIES, &cc);
	cpuid->nent = n;
	if (kvm_ioctl(v->fd, KVM_SET_CPUID2, cpuid) < 0)
		ret = err_set(e, errno, "vCPU %u: KVM_SET_CPUID2 (%u entries): %s", v->index, n,
		              strerror(errno));
out:
	free(cpuid);
	return ret;
}

/* True when KVM lists index among the MSRs it saves and restores. */
static bool msr_supported(int kvm_fd, uint32_t index)
{
	static struct kvm_msr_list *list;
	uint32_t i;

	if (!list) {
		struct kvm_msr_list probe = { .nmsrs = 0 };

		kvm_ioctl(kvm_fd, KVM_GET_MSR_INDEX_LIST, &probe);
		list = calloc(1, sizeof(*list) + probe.nmsrs * sizeof(uint32_t));
		if (!list)
			return false;
		list->nmsrs = probe.nmsrs;
		if (kvm_ioctl(kvm_fd, KVM_GET_MSR_INDEX_LIST, list) < 0)
			list->nmsrs = 0;
	}
	for (i = 0; i < list->nmsrs; i++)
		if (list->indices[i] == index)
			return true;
	return false;
}

static int set_msrs(struct vcpu *v, const struct kvm_msr_entry *entries, unsigned int n,
                    struct err *e)
{
	struct kvm_msrs *msrs = calloc(1, sizeof(*msrs) + n * sizeof(*entries));
	int ret, done;

	if (!msrs)
		return err_set(e, ENOMEM, "MSRs: out of memory");
	msrs->nmsrs = n;
	memcpy(msrs->entries, entries, n * sizeof(*entries));
	done = kvm_ioctl(v->fd, KVM_SET_MSRS, msrs);
	ret =
	    done == (int)n
	        ? 0
	        : err_set(e, EINVAL, "vCPU %u: KVM_SET_MSRS set %d of %u; MSR 0x%x refused",
	                  v->index, done, n, done >= 0 && done < (int)n ? entries[done].index : 0);
	free(msrs);
	return ret;
}

static int setup_boot_msrs(struct vcpu *v, struct err *e)
{
	static const struct kvm_msr_entry boot[] = {
		{ .index = MSR_IA32_SYSENTER_CS },
		{ .index = MSR_IA32_SYSENTER_ESP },
		{ .index = MSR_IA32_SYSENTER_EIP },
		{ .index = MSR_STAR },
		{ .index = MSR_CSTAR },
		{ .index = MSR_KERNEL_GS_BASE },
		{ .index = MSR_SYSCALL_MASK },
		{ .index = MSR_LSTAR },
		{ .index = MSR_IA32_TSC },
		{ .index = MSR_IA32_MISC_ENABLE, .data = MISC_ENABLE_FAST_STRING },
	};
	struct kvm_msr_entry set[ARRAY_SIZE(boot)];
	unsigned int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(boot); i++)
		if (msr_supported(v->vm->kvm.fd, boot[i].index))
			set[n++] = boot[i];
	return set_msrs(v, set, n, e);
}

static int setup_fpu_and_lapic(struct vcpu *v, struct err *e)
{
	struct kvm_fpu fpu = { .fcw = 0x37f, .mxcsr = 0x1f80 };
	struct kvm_lapic_state lapic;
	uint32_t lvt;

	if (kvm_ioctl(v->fd, KVM_SET_FPU, &fpu) < 0)
		return err_set(e, errno, "vCPU %u: KVM_SET_FPU: %s", v->index, strerror(errno));
	if (kvm_ioctl(v->fd, KVM_GET_LAPIC, &lapic) < 0)
		return err_set(e, errno, "vCPU %u: KVM_GET_LAPIC: %s", v->index, strerror(errno));
	/* LINT0 takes the PIC's output (ExtINT), LINT1 is NMI, as on a PC. */
	memcpy(&lvt, lapic.regs + APIC_LVT0, 4);
	lvt = (lvt & ~0x700u) | (APIC_MODE_EXTINT << 8);
	memcpy(lapic.regs + APIC_LVT0, &lvt, 4);
	memcpy(&lvt, lapic.regs + APIC_LVT1, 4);
	lvt = (lvt & ~0x700u) | (APIC_MODE_NMI << 8);
	memcpy(lapic.regs + APIC_LVT1, &lvt, 4);
	if (kvm_ioctl(v->fd, KVM_SET_LAPIC, &lapic) < 0)
		return err_set(e, errno, "vCPU %u: KVM_SET_LAPIC: %s", v->index, strerror(errno));
	return 0;
}

int arch_vcpu_init(struct vcpu *v, struct err *e)
{
	int ret = setup_cpuid(v, e);

	if (!ret)
		ret = setup_boot_msrs(v, e);
	if (!ret)
		ret = setup_fpu_and_lapic(v, e);
	return ret;
}

int arch_vcpu_set_boot_state(struct vcpu *v, const struct importer *imp, struct err *e)
{
	struct kvm_msr_entry msrs[X86_MAX_IMPORTED_MSRS];
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	unsigned int n;
	int ret;

	n = x86_imported_msrs(imp, msrs, ARRAY_SIZE(msrs));
	ret = set_msrs(v, msrs, n, e);
	if (ret || v->index != 0)
		return ret;
	if (kvm_ioctl(v->fd, KVM_GET_SREGS, &sregs) < 0 ||
	    kvm_ioctl(v->fd, KVM_GET_REGS, &regs) < 0)
		return err_set(e, errno, "vCPU 0: KVM_GET_SREGS/REGS: %s", strerror(errno));
	x86_apply_bsp_imports(imp, &regs, &sregs);
	if (kvm_ioctl(v->fd, KVM_SET_SREGS, &sregs) < 0)
		return err_set(
		    e, errno,
		    "vCPU 0: KVM_SET_SREGS (cr0 0x%llx cr3 0x%llx cr4 0x%llx efer 0x%llx): "
		    "%s",
		    (unsigned long long)sregs.cr0, (unsigned long long)sregs.cr3,
		    (unsigned long long)sregs.cr4, (unsigned long long)sregs.efer, strerror(errno));
	if (kvm_ioctl(v->fd, KVM_SET_REGS, &regs) < 0)
		return err_set(e, errno, "vCPU 0: KVM_SET_REGS: %s", strerror(errno));
	return 0;
}

static void dump_segment(FILE *out, const char *name, const struct kvm_segment *s)
{
	fprintf(out,
	        "minivmm:   %-3s sel 0x%04x base 0x%016llx limit 0x%08x type 0x%x s %u dpl %u p %u "
	        "l %u db %u g %u\n",
	        name, s->selector, (unsigned long long)s->base, s->limit, s->type, s->s, s->dpl,
	        s->present, s->l, s->db, s->g);
}

void arch_vcpu_dump_state(struct vcpu *v, FILE *out)
{
	struct kvm_sregs s;
	struct kvm_regs r;

	if (ioctl(v->fd, KVM_GET_REGS, &r) < 0 || ioctl(v->fd, KVM_GET_SREGS, &s) < 0) {
		fprintf(out, "minivmm:   (vCPU %u registers unavailable: %s)\n", v->index,
		        strerror(errno));
		return;
	}
	fprintf(out, "minivmm:   vCPU %u: rip 0x%016llx rsp 0x%016llx rflags 0x%08llx\n", v->index,
	        (unsigned long long)r.rip, (unsigned long long)r.rsp, (unsigned long long)r.rflags);
	fprintf(out,
	        "minivmm:   rax 0x%llx rbx 0x%llx rcx 0x%llx rdx 0x%llx rsi 0x%llx rdi 0x%llx "
	        "rbp 0x%llx\n",
	        (unsigned long long)r.rax, (unsigned long long)r.rbx, (unsigned long long)r.rcx,
	        (unsigned long long)r.rdx, (unsigned long long)r.rsi, (unsigned long long)r.rdi,
	        (unsigned long long)r.rbp);
	fprintf(
	    out,
	    "minivmm:   cr0 0x%llx cr2 0x%llx cr3 0x%llx cr4 0x%llx efer 0x%llx gdt 0x%llx/0x%x "
	    "idt 0x%llx/0x%x\n",
	    (unsigned long long)s.cr0, (unsigned long long)s.cr2, (unsigned long long)s.cr3,
	    (unsigned long long)s.cr4, (unsigned long long)s.efer, (unsigned long long)s.gdt.base,
	    s.gdt.limit, (unsigned long long)s.idt.base, s.idt.limit);
	dump_segment(out, "cs", &s.cs);
	dump_segment(out, "ss", &s.ss);
	dump_segment(out, "ds", &s.ds);
	dump_segment(out, "tr", &s.tr);
}
