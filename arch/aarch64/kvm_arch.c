// SPDX-License-Identifier: MIT
/*
 * The aarch64 hooks of vmm/arch.h (BOOT-REFERENCE §6.4-6.6): the in-kernel
 * vGICv3 (vGICv2 when the host has no GICv3), vCPUs with PSCI 0.2 and the
 * secondaries powered off, and the importer's registers as KVM_SET_ONE_REG.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "arch/aarch64/guest_arm64.h"
#include "arch/aarch64/kvm_state.h"
#include "arch/aarch64/layout.h"
#include "arch/aarch64/one_reg.h"
#include "vmm/arch.h"
#include "vmm/vm.h"

#define U(x) ((unsigned long long)(x))

/* one_reg.h's ids are computed without <asm/kvm.h>; here the kernel's headers vouch for them. */
#define KVM_CORE_ID(field) \
	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | KVM_REG_ARM_CORE_REG(field))
_Static_assert(A64_ONE_REG_PC == KVM_CORE_ID(regs.pc), "PC id");
_Static_assert(A64_ONE_REG_PSTATE == KVM_CORE_ID(regs.pstate), "PSTATE id");
_Static_assert(A64_ONE_REG_CORE(A64_CORE_OFF_X(7)) == KVM_CORE_ID(regs.regs[7]), "X7 id");
_Static_assert(A64_ONE_REG_SCTLR_EL1 == ARM64_SYS_REG(3, 0, 1, 0, 0), "SCTLR_EL1 id");
_Static_assert(A64_ONE_REG_MAIR_EL1 == ARM64_SYS_REG(3, 0, 10, 2, 0), "MAIR_EL1 id");

const enum guest_arch arch_guest = GUEST_ARCH_AARCH64;

const struct kvm_required_cap arch_required_caps[] = {
	{ KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY" },
	{ KVM_CAP_ONE_REG, "KVM_CAP_ONE_REG" },
	{ KVM_CAP_DEVICE_CTRL, "KVM_CAP_DEVICE_CTRL" },
	{ KVM_CAP_ARM_PSCI_0_2, "KVM_CAP_ARM_PSCI_0_2" },
	{ KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT" },
};
const unsigned int arch_nr_required_caps = ARRAY_SIZE(arch_required_caps);

static struct a64_vm_state *state_of(struct vm *vm)
{
	return vm->arch_devices;
}

static int gic_set(int fd, uint32_t group, uint64_t attr, void *val)
{
	struct kvm_device_attr a = { .group = group, .attr = attr, .addr = (uintptr_t)val };

	return kvm_ioctl(fd, KVM_SET_DEVICE_ATTR, &a);
}

/* A GIC of the given version with its frames at the layout's addresses; -errno on failure. */
static int gic_create(struct vm *vm, unsigned int version, struct err *e)
{
	struct kvm_create_device cd = { .type = version == 3 ? KVM_DEV_TYPE_ARM_VGIC_V3
		                                             : KVM_DEV_TYPE_ARM_VGIC_V2 };
	uint64_t dist = A64_GIC_DIST_GPA,
	         second = version == 3 ? A64_GICV3_REDIST_GPA : A64_GICV2_CPU_GPA;
	uint64_t dist_attr = version == 3 ? KVM_VGIC_V3_ADDR_TYPE_DIST : KVM_VGIC_V2_ADDR_TYPE_DIST;
	uint64_t second_attr =
	    version == 3 ? KVM_VGIC_V3_ADDR_TYPE_REDIST : KVM_VGIC_V2_ADDR_TYPE_CPU;

	if (kvm_ioctl(vm->fd, KVM_CREATE_DEVICE, &cd) < 0)
		return err_set(e, errno, "KVM_CREATE_DEVICE vGICv%u: %s", version, strerror(errno));
	state_of(vm)->gic_fd = (int)cd.fd;
	if (gic_set((int)cd.fd, KVM_DEV_ARM_VGIC_GRP_ADDR, dist_attr, &dist) < 0 ||
	    gic_set((int)cd.fd, KVM_DEV_ARM_VGIC_GRP_ADDR, second_attr, &second) < 0)
		return err_set(e, errno, "vGICv%u: distributor 0x%llx, %s 0x%llx: %s", version,
		               U(dist), version == 3 ? "redistributors" : "CPU interface",
		               U(second), strerror(errno));
	state_of(vm)->gic_version = version;
	a64_guest_set_gic_version(version); /* the device tree describes what exists */
	return 0;
}

int arch_vm_init(struct vm *vm, struct err *e)
{
	struct a64_vm_state *s = calloc(1, sizeof(*s));
	int ret;

	if (!s)
		return err_set(e, ENOMEM, "VM state: out of memory");
	s->gic_fd = -1;
	vm->arch_devices = s;
	ret = gic_create(vm, 3, e);
	if (ret == -ENODEV) { /* no GICv3 on this host: its vGICv2 emulation, up to 8 vCPUs */
		err_clear(e);
		ret = gic_create(vm, 2, e);
	}
	return ret;
}

int a64_gic_finalize(struct vm *vm, struct err *e)
{
	struct a64_vm_state *s = state_of(vm);
	uint32_t nr_irqs = 32 + A64_GIC_NR_SPIS;

	if (s->gic_version == 2 && vm->nr_vcpus > A64_GICV2_MAX_CPUS)
		return err_set(e, EINVAL,
		               "%u vCPUs: this host's GIC is a GICv2, which takes 1 to %d",
		               vm->nr_vcpus, A64_GICV2_MAX_CPUS);
	if (gic_set(s->gic_fd, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &nr_irqs) < 0)
		return err_set(e, errno, "vGICv%u: %u interrupts: %s", s->gic_version, nr_irqs,
		               strerror(errno));
	if (gic_set(s->gic_fd, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT, NULL) < 0)
		return err_set(e, errno, "vGICv%u: KVM_DEV_ARM_VGIC_CTRL_INIT with %u vCPUs: %s",
		               s->gic_version, vm->nr_vcpus, strerror(errno));
	return 0;
}

int arch_vcpu_init(struct vcpu *v, struct err *e)
{
	struct a64_vm_state *s = state_of(v->vm);
	struct kvm_vcpu_init init;

	if (!s->have_target) {
		if (kvm_ioctl(v->vm->fd, KVM_ARM_PREFERRED_TARGET, &s->target) < 0)
			return err_set(e, errno, "KVM_ARM_PREFERRED_TARGET: %s", strerror(errno));
		s->have_target = true;
	}
	init = s->target;
	init.features[0] |= 1u << KVM_ARM_VCPU_PSCI_0_2;
	if (v->index > 0) /* the boot CPU runs; the others wait for PSCI CPU_ON */
		init.features[0] |= 1u << KVM_ARM_VCPU_POWER_OFF;
	if (kvm_ioctl(v->fd, KVM_ARM_VCPU_INIT, &init) < 0)
		return err_set(e, errno,
		               "vCPU %u: KVM_ARM_VCPU_INIT (target %u, features 0x%x): %s",
		               v->index, init.target, init.features[0], strerror(errno));
	return 0;
}

/* LOADER-SPEC §5.3: the imported registers go to the boot processor only. */
int arch_vcpu_set_boot_state(struct vcpu *v, const struct importer *imp, struct err *e)
{
	struct a64_one_reg regs[A64_REG_COUNT];
	unsigned int i, n;

	if (v->index != 0)
		return 0;
	n = a64_imported_one_regs(imp, regs, ARRAY_SIZE(regs));
	for (i = 0; i < n; i++) {
		struct kvm_one_reg r = { .id = regs[i].id, .addr = (uintptr_t)&regs[i].value };

		if (kvm_ioctl(v->fd, KVM_SET_ONE_REG, &r) < 0)
			return err_set(e, errno,
			               "vCPU 0: KVM_SET_ONE_REG %s (id 0x%llx) = 0x%llx: %s",
			               a64_reg_name_str(regs[i].name), U(regs[i].id),
			               U(regs[i].value), strerror(errno));
	}
	return 0;
}

static bool get_reg(struct vcpu *v, uint64_t id, uint64_t *val)
{
	struct kvm_one_reg r = { .id = id, .addr = (uintptr_t)val };

	return ioctl(v->fd, KVM_GET_ONE_REG, &r) == 0;
}

void arch_vcpu_dump_state(struct vcpu *v, FILE *out)
{
	uint64_t pc, pstate, x[4], sctlr = 0;
	unsigned int i;

	if (!get_reg(v, A64_ONE_REG_PC, &pc) || !get_reg(v, A64_ONE_REG_PSTATE, &pstate)) {
		fprintf(out, "minivmm:   (vCPU %u registers unavailable: %s)\n", v->index,
		        strerror(errno));
		return;
	}
	for (i = 0; i < 4; i++)
		if (!get_reg(v, A64_ONE_REG_CORE(A64_CORE_OFF_X(i)), &x[i]))
			x[i] = 0;
	get_reg(v, A64_ONE_REG_SCTLR_EL1, &sctlr);
	fprintf(out, "minivmm:   vCPU %u: pc 0x%016llx pstate 0x%08llx sctlr_el1 0x%llx\n",
	        v->index, U(pc), U(pstate), U(sctlr));
	fprintf(out, "minivmm:   x0 0x%llx x1 0x%llx x2 0x%llx x3 0x%llx\n", U(x[0]), U(x[1]),
	        U(x[2]), U(x[3]));
}
