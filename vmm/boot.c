// SPDX-License-Identifier: MIT
#include "boot.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmm/arch.h"
#include "vmm/exit_codes.h"
#include "vmm/machine.h"
#include "vmm/mem_importer.h"
#include "vmm/paravisor_boot.h"
#include "vmm/vm.h"

int boot_images_open(struct boot_images *bi, const struct vmm_config *c, struct err *e)
{
	int ret;

	memset(bi, 0, sizeof(*bi));
	ret = image_file_open(&bi->kernel, c->kernel, e);
	if (ret)
		return err_prefix(e, "kernel");
	ret = guest_platform_for(&bi->kernel, &bi->platform, e);
	if (ret) {
		image_file_close(&bi->kernel);
		return ret;
	}
	if (!c->initrd)
		return 0;
	ret = image_file_open(&bi->initrd, c->initrd, e);
	if (ret) {
		image_file_close(&bi->kernel);
		return err_prefix(e, "initrd");
	}
	bi->has_initrd = true;
	return 0;
}

void boot_images_close(struct boot_images *bi)
{
	image_file_close(&bi->kernel);
	if (bi->has_initrd)
		image_file_close(&bi->initrd);
}

/* The images for one run, opened once and reused across --reboot cycles. */
struct boot_job {
	const struct vmm_config *cfg;
	struct boot_images linux_images;
	struct paravisor_images pv_images;
	struct block_image disks[CONFIG_MAX_DISKS]; /* --disk, opened */
	struct virtio_mmio_slot disk_slots[CONFIG_MAX_DISKS];
	unsigned int nr_disks;
	int loaded_once;
};

static void describe_paravisor(const struct paravisor_report *rep)
{
	fprintf(stderr,
	        "minivmm: paravisor: VTL2 [0x%llx, +0x%llx)%s, shim entry 0x%llx, kernel entry "
	        "0x%llx\n",
	        (unsigned long long)rep->vtl2_base, (unsigned long long)rep->info.memory_size,
	        rep->plan.active ? " (relocated)" : "",
	        (unsigned long long)(rep->info.shim_entry + (uint64_t)rep->plan.offset),
	        (unsigned long long)(rep->info.kernel_entry + (uint64_t)rep->plan.offset));
}

static int load_guest(struct importer *imp, const struct mem_range *ram, unsigned int nr_ram,
                      void *arg, struct err *e)
{
	struct boot_job *job = arg;
	const struct vmm_config *c = job->cfg;
	struct paravisor_report rep;
	int ret;

	(void)ram;
	(void)nr_ram;
	if (c->pv.enabled) {
		ret = paravisor_load(imp, c, &job->pv_images, mem_importer_read, imp, &rep, e);
		if (!ret && c->verbose && !job->loaded_once++)
			describe_paravisor(&rep);
		return ret;
	}
	ret = job->linux_images.platform->load_linux(
	    imp, c, &job->linux_images,
	    c->verbose && !job->loaded_once++ ? GUEST_DESCRIBE_LINE : GUEST_DESCRIBE_NONE, stderr,
	    e);
	/* The bytes are in guest RAM now; a --reboot reload faults them back in. */
	image_file_release_resident(&job->linux_images.kernel);
	if (job->linux_images.has_initrd)
		image_file_release_resident(&job->linux_images.initrd);
	return ret;
}

static void report(const struct vmm_config *c, const struct machine_result *r, uint64_t start_ns)
{
	if (r->exit_code != MINIVMM_EXIT_OK || c->verbose)
		fprintf(stderr, "minivmm: %s (exit code %d)\n", r->reason, r->exit_code);
	if (!c->verbose)
		return;
	if (r->boot_complete_ns)
		fprintf(stderr, "minivmm: boot complete (value 0x%x) %.1f ms after start\n",
		        r->boot_complete_value, r->boot_complete_ns / 1e6);
	fprintf(stderr, "minivmm: %llu vCPU exits, %.1f ms in all\n",
	        (unsigned long long)r->vcpu_exits, (vm_now_ns() - start_ns) / 1e6);
}

/* Bad input (the image, --mem) is the user's to fix: 1. KVM and the host's failures: 3. */
static int exit_code_for_failure(const struct machine_result *r, const struct err *e)
{
	if (e->errnum == ENOMEM)
		return MINIVMM_EXIT_INTERNAL;
	if (r->failed_step == MACHINE_STEP_LOAD ||
	    ((r->failed_step == MACHINE_STEP_MEMORY || r->failed_step == MACHINE_STEP_VCPUS) &&
	     e->errnum == EINVAL))
		return MINIVMM_EXIT_BAD_INPUT;
	return MINIVMM_EXIT_INTERNAL;
}

static int open_images(struct boot_job *job, struct err *e)
{
	if (job->cfg->pv.enabled)
		return paravisor_images_open(&job->pv_images, job->cfg, e);
	return boot_images_open(&job->linux_images, job->cfg, e);
}

static void close_images(struct boot_job *job)
{
	if (job->cfg->pv.enabled)
		paravisor_images_close(&job->pv_images);
	else
		boot_images_close(&job->linux_images);
}

/* --mem fits the guest platform, and the platform is the host's. */
static int check_guest(struct boot_job *job, struct err *e)
{
	const struct guest_platform *p =
	    job->cfg->pv.enabled ? &guest_x86_64 : job->linux_images.platform;
	struct mem_range ram[IMPORTER_MAX_RAM_RANGES];
	const struct guest_platform *kp;
	unsigned int n;

	if (job->cfg->pv.enabled && guest_platform_for(&job->pv_images.kernel, &kp, e) == 0 &&
	    kp->arch != GUEST_ARCH_X86_64)
		return err_set(e, EINVAL,
		               "%s: --paravisor boots x86_64 kernels only (there is no arm64 boot "
		               "shim); --dump-layout shows the arm64 layout",
		               job->cfg->kernel);
	if (p->mem_ranges(job->cfg->mem_size, ram, &n, e))
		return err_prefix(e, "--mem");
	if (p->arch != arch_guest)
		return err_set(e, EINVAL,
		               "%s: a %s guest needs a %s host (--dump-layout works on any host)",
		               job->cfg->kernel, p->name, p->name);
	return 0;
}

/* The --disk images, and where the guest platform puts their virtio-mmio devices. */
static int open_disks(struct boot_job *job, struct err *e)
{
	const struct vmm_config *c = job->cfg;
	const struct guest_platform *p = job->linux_images.platform;
	int ret;

	if (!c->nr_disks)
		return 0;
	if (!p->virtio_mmio_slots)
		return err_set(e, EINVAL, "--disk: %s guests have no virtio-mmio devices yet",
		               p->name);
	ret = p->virtio_mmio_slots(c->nr_disks, job->disk_slots, e);
	while (!ret && job->nr_disks < c->nr_disks) {
		ret = block_image_open(&job->disks[job->nr_disks], &c->disks[job->nr_disks], e);
		if (!ret)
			job->nr_disks++;
	}
	return ret;
}

static void close_disks(struct boot_job *job)
{
	while (job->nr_disks)
		block_image_close(&job->disks[--job->nr_disks]);
}

int boot_run(const struct vmm_config *c, uint64_t start_ns)
{
	struct boot_job job = { .cfg = c };
	struct machine_config mc = {
		.kvm_path = getenv("MINIVMM_KVM_DEVICE"), /* tests point it at missing devices */
		.mem_size = c->mem_size,
		.nr_vcpus = c->cpus,
		.verbose = c->verbose,
		.start_ns = start_ns,
		.timeout_s = c->timeout_s,
		.console_in_fd = STDIN_FILENO,
		.console_out_fd = STDOUT_FILENO,
		.load = load_guest,
		.load_arg = &job,
	};
	struct machine_result r;
	struct err e = { 0 };
	int ret;

	/* Bad input is reported before KVM is touched. */
	if (open_images(&job, &e) || check_guest(&job, &e) || open_disks(&job, &e)) {
		fprintf(stderr, "minivmm: %s\n", e.msg);
		close_disks(&job);
		close_images(&job);
		return MINIVMM_EXIT_BAD_INPUT;
	}
	mc.disks = job.disks;
	mc.disk_slots = job.disk_slots;
	mc.nr_disks = job.nr_disks;
	for (unsigned int resets = 1;; resets++) {
		ret = machine_run(&mc, &r, &e);
		if (ret || !r.reset || !c->reboot)
			break;
		if (c->verbose)
			fprintf(stderr, "minivmm: rebooting the guest (reset %u)\n", resets);
	}
	close_disks(&job);
	close_images(&job);
	if (ret) {
		fprintf(stderr, "minivmm: %s\n", e.msg);
		return exit_code_for_failure(&r, &e);
	}
	report(c, &r, start_ns);
	return r.exit_code;
}
