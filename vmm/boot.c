// SPDX-License-Identifier: MIT
#include "boot.h"

#include "arch/x86_64/acpi.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmm/exit_codes.h"
#include "vmm/machine.h"
#include "vmm/vm.h"

int boot_images_open(struct boot_images *bi, const struct vmm_config *c, struct err *e)
{
	int ret;

	memset(bi, 0, sizeof(*bi));
	ret = image_file_open(&bi->kernel, c->kernel, e);
	if (ret)
		return err_prefix(e, "kernel");
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

int boot_load_linux(struct importer *imp, const struct vmm_config *c, const struct boot_images *bi,
                    const struct x86_mem_layout *layout, struct linux_x86_info *info, struct err *e)
{
	const struct acpi_config ac = { .nr_vcpus = c->cpus };
	struct acpi_tables acpi;
	struct linux_x86_config lc = { .kernel = &bi->kernel,
		                       .initrd = bi->has_initrd ? &bi->initrd : NULL,
		                       .cmdline = c->cmdline,
		                       .protocol = c->boot,
		                       .layout = layout,
		                       .acpi = &acpi };
	int ret = acpi_build(&ac, &acpi, e);

	if (ret)
		return ret;
	ret = linux_x86_load(imp, &lc, info, e);
	acpi_tables_free(&acpi);
	return ret;
}

struct linux_load_arg {
	const struct vmm_config *cfg;
	const struct boot_images *images;
	int loaded_once;
};

static int load_linux(struct importer *imp, const struct mem_range *ram, unsigned int nr_ram,
                      void *arg, struct err *e)
{
	struct linux_load_arg *a = arg;
	struct x86_mem_layout layout;
	struct linux_x86_info info;
	int ret;

	(void)ram;
	(void)nr_ram;
	ret = x86_mem_layout_init(&layout, a->cfg->mem_size, e);
	if (!ret)
		ret = boot_load_linux(imp, a->cfg, a->images, &layout, &info, e);
	if (!ret && a->cfg->verbose && !a->loaded_once++)
		fprintf(stderr, "minivmm: %s %s, %s entry at 0x%llx, initrd %llu bytes at 0x%llx\n",
		        a->cfg->kernel, image_format_str(info.format),
		        x86_boot_protocol_str(info.protocol), (unsigned long long)info.entry,
		        (unsigned long long)info.initrd_size, (unsigned long long)info.initrd_gpa);
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
	    (r->failed_step == MACHINE_STEP_MEMORY && e->errnum == EINVAL))
		return MINIVMM_EXIT_BAD_INPUT;
	return MINIVMM_EXIT_INTERNAL;
}

int boot_run(const struct vmm_config *c, uint64_t start_ns)
{
	struct boot_images bi;
	struct linux_load_arg arg = { .cfg = c, .images = &bi };
	struct machine_config mc = {
		.kvm_path = getenv("MINIVMM_KVM_DEVICE"), /* tests point it at missing devices */
		.mem_size = c->mem_size,
		.nr_vcpus = c->cpus,
		.verbose = c->verbose,
		.start_ns = start_ns,
		.timeout_s = c->timeout_s,
		.console_in_fd = STDIN_FILENO,
		.console_out_fd = STDOUT_FILENO,
		.load = load_linux,
		.load_arg = &arg,
	};
	struct x86_mem_layout layout;
	struct machine_result r;
	struct err e = { 0 };
	int ret;

	/* Bad input is reported before KVM is touched. */
	if (x86_mem_layout_init(&layout, c->mem_size, &e)) {
		fprintf(stderr, "minivmm: --mem: %s\n", e.msg);
		return MINIVMM_EXIT_BAD_INPUT;
	}
	if (boot_images_open(&bi, c, &e)) {
		fprintf(stderr, "minivmm: %s\n", e.msg);
		return MINIVMM_EXIT_BAD_INPUT;
	}
	for (unsigned int resets = 1;; resets++) {
		ret = machine_run(&mc, &r, &e);
		if (ret || !r.reset || !c->reboot)
			break;
		if (c->verbose)
			fprintf(stderr, "minivmm: rebooting the guest (reset %u)\n", resets);
	}
	boot_images_close(&bi);
	if (ret) {
		fprintf(stderr, "minivmm: %s\n", e.msg);
		return exit_code_for_failure(&r, &e);
	}
	report(c, &r, start_ns);
	return r.exit_code;
}
