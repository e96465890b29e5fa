// SPDX-License-Identifier: MIT
#include "dump_layout.h"

#include <errno.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "arch/x86_64/acpi.h"
#include "loader/importer_dump.h"
#include "loader/importer_record.h"
#include "vmm/boot.h"
#include "vmm/exit_codes.h"
#include "vmm/guest.h"
#include "vmm/paravisor_boot.h"

#define U(x) ((unsigned long long)(x))

static void print_paravisor_summary(FILE *out, const struct vmm_config *c,
                                    const struct paravisor_report *rep)
{
	const struct paravisor_info *i = &rep->info;
	uint64_t o = (uint64_t)rep->plan.offset;

	fprintf(out, "paravisor: VTL2 kernel %s, boot shim %s\n", c->kernel,
	        c->pv.shim ? c->pv.shim : "built in");
	fprintf(out, "  VTL2 range [0x%llx, 0x%llx)%s\n", U(rep->vtl2_base),
	        U(rep->vtl2_base + i->memory_size),
	        rep->plan.active ? "" : (i->relocatable ? ", relocatable" : ""));
	if (rep->plan.active)
		fprintf(out, "  relocated from 0x%llx by +0x%llx (--relocate)\n",
		        U(i->memory_start), U(o));
	fprintf(out, "  shim at 0x%llx, entry 0x%llx; kernel entry 0x%llx; shim params 0x%llx\n",
	        U(i->shim_base + o), U(i->shim_entry + o), U(i->kernel_entry + o),
	        U(i->shim_params_gpa + o));
	fprintf(out,
	        "  page tables 0x%llx: %llu pages, %llu used; image ends 0x%llx, used to 0x%llx\n",
	        U(i->page_tables_gpa + o), U(i->page_table_pages), U(i->page_table_pages_used),
	        U(i->end_of_vtl2_image + o), U(i->used_end + o));
	fprintf(out, "  command line (%s policy): \"%s\"; host part: \"%s\"\n",
	        c->pv.static_policy ? "static" : "append", c->cmdline ? c->cmdline : "",
	        c->pv.host_cmdline ? c->pv.host_cmdline : "");
}

/*
 * The arm64 OpenHCL layout (LOADER-SPEC §2.5) through the recording importer. It puts the
 * VTL0 config at 16 MiB and VTL2 at 128 MiB, so it is recorded against RAM from 0 (OpenVMM's
 * arm64 memory map), not minivmm's arm64 guest map: a dump only, as minivmm has no arm64
 * boot shim to boot it with.
 */
static int dump_paravisor_arm64(const struct vmm_config *c, const struct paravisor_images *pi,
                                FILE *out)
{
	const struct mem_range ram = { 0, c->mem_size };
	/* VTL0 is Linux; arm64's measured VTL0 config records nothing more about it. */
	const struct paravisor_vtl0_linux vtl0 = { .cmdline = c->pv.vtl0_cmdline };
	struct paravisor_config pc = paravisor_config_from_cli(c, pi, &vtl0);
	struct paravisor_report rep = { 0 };
	struct record_importer ri;
	struct err e = { 0 };
	int rc = MINIVMM_EXIT_BAD_INPUT;

	if (!pi->shim_is_file || c->pv.relocate != RELOCATE_NONE || pi->has_vtl0_kernel) {
		fprintf(stderr,
		        "minivmm: %s: the arm64 paravisor layout needs --shim PATH (minivmm's "
		        "own shim is x86_64) and takes no --relocate or --vtl0-kernel\n",
		        c->kernel);
		return rc;
	}
	record_importer_init(&ri, GUEST_ARCH_AARCH64, &ram, 1);
	ri.base.isolation.paravisor_present = true;
	ri.base.max_vtl = 2;
	if (paravisor_load_arm64(&ri.base, &pc, &rep.info, &e)) {
		fprintf(stderr, "minivmm: %s\n", e.msg);
		rc = e.errnum == ENOMEM ? MINIVMM_EXIT_INTERNAL : MINIVMM_EXIT_BAD_INPUT;
	} else {
		rep.vtl2_base = rep.info.memory_start;
		fprintf(out, "paravisor (arm64, OpenVMM memory map: RAM from 0, recorded only):\n");
		print_paravisor_summary(out, c, &rep);
		record_importer_dump(out, &ri);
		rc = MINIVMM_EXIT_OK;
	}
	importer_destroy(&ri.base);
	return rc;
}

static bool is_arm64_kernel(const struct image_file *kernel)
{
	const struct guest_platform *p;
	struct err e;

	return guest_platform_for(kernel, &p, &e) == 0 && p->arch == GUEST_ARCH_AARCH64;
}

static int dump_paravisor(const struct vmm_config *c, FILE *out)
{
	struct paravisor_images pi;
	struct paravisor_report rep;
	struct x86_mem_layout layout;
	struct record_importer ri;
	struct err e = { 0 };
	int rc = MINIVMM_EXIT_OK;

	if (x86_mem_layout_init(&layout, c->mem_size, &e)) {
		fprintf(stderr, "minivmm: --mem: %s\n", e.msg);
		return MINIVMM_EXIT_BAD_INPUT;
	}
	if (paravisor_images_open(&pi, c, &e)) {
		fprintf(stderr, "minivmm: %s\n", e.msg);
		return MINIVMM_EXIT_BAD_INPUT;
	}
	if (is_arm64_kernel(&pi.kernel)) {
		rc = dump_paravisor_arm64(c, &pi, out);
		paravisor_images_close(&pi);
		return rc;
	}
	record_importer_init(&ri, GUEST_ARCH_X86_64, layout.ram, layout.nr_ram);
	if (paravisor_load(&ri.base, c, &pi, record_importer_read_cb, &ri, &rep, &e)) {
		fprintf(stderr, "minivmm: %s\n", e.msg);
		rc = e.errnum == ENOMEM ? MINIVMM_EXIT_INTERNAL : MINIVMM_EXIT_BAD_INPUT;
		goto out;
	}
	print_paravisor_summary(out, c, &rep);
	record_importer_dump(out, &ri);
out:
	importer_destroy(&ri.base);
	paravisor_images_close(&pi);
	return rc;
}

/* Loads the guest the config names into ri (initialised here); returns an exit code. */
static int record_linux(const struct vmm_config *c, struct boot_images *bi,
                        struct record_importer *ri, enum guest_describe describe, FILE *out)
{
	struct mem_range ram[IMPORTER_MAX_RAM_RANGES];
	struct err e = { 0 };
	unsigned int nr_ram;

	memset(ri, 0, sizeof(*ri)); /* importer_destroy() is safe on it whatever happens */
	if (bi->platform->mem_ranges(c->mem_size, ram, &nr_ram, &e)) {
		fprintf(stderr, "minivmm: --mem: %s\n", e.msg);
		return MINIVMM_EXIT_BAD_INPUT;
	}
	record_importer_init(ri, bi->platform->arch, ram, nr_ram);
	if (bi->platform->load_linux(&ri->base, c, bi, describe, out, &e)) {
		fprintf(stderr, "minivmm: %s\n", e.msg);
		return e.errnum == ENOMEM ? MINIVMM_EXIT_INTERNAL : MINIVMM_EXIT_BAD_INPUT;
	}
	return MINIVMM_EXIT_OK;
}

int dump_layout_run(const struct vmm_config *c, FILE *out)
{
	struct record_importer ri;
	struct boot_images bi;
	struct err e = { 0 };
	int rc;

	if (c->pv.enabled)
		return dump_paravisor(c, out);
	if (boot_images_open(&bi, c, &e)) {
		fprintf(stderr, "minivmm: %s\n", e.msg);
		return MINIVMM_EXIT_BAD_INPUT;
	}
	rc = record_linux(c, &bi, &ri, GUEST_DESCRIBE_FULL, out);
	if (rc == MINIVMM_EXIT_OK)
		record_importer_dump(out, &ri);
	importer_destroy(&ri.base);
	boot_images_close(&bi);
	return rc;
}

/* Writes the imported device tree (as long as its header's totalsize says) to path. */
static int write_dtb(const struct record_importer *ri, const char *path, struct err *e)
{
	const struct importer_range *r = NULL;
	struct fdt_header hdr;
	gpa_t gpa = 0;
	uint8_t *dtb;
	size_t i, size;
	bool written;
	FILE *f;
	int ret;

	for (i = 0; i < ri->base.nr_ranges && !r; i++)
		if (strcmp(ri->base.ranges[i].tag, "linux-device-tree") == 0)
			r = &ri->base.ranges[i];
	if (!r)
		return err_set(e, EINVAL,
		               "this guest has no device tree (x86_64: see --dump-acpi)");
	gpa = r->page_base << PAGE_SHIFT;
	ret = record_importer_read(ri, gpa, &hdr, sizeof(hdr), e);
	if (ret)
		return ret;
	if (fdt_check_header(&hdr))
		return err_set(e, EINVAL, "--dump-dtb: no valid device tree at 0x%llx", U(gpa));
	size = fdt_totalsize(&hdr);
	dtb = malloc(size);
	if (!dtb)
		return err_set(e, ENOMEM, "--dump-dtb: out of memory for %zu bytes", size);
	ret = record_importer_read(ri, gpa, dtb, size, e);
	if (!ret) {
		f = fopen(path, "wb");
		written = f && fwrite(dtb, 1, size, f) == size;
		if (!f || fclose(f) || !written)
			ret = err_set(e, errno ? errno : EIO, "--dump-dtb: cannot write %s: %s",
			              path, strerror(errno));
	}
	free(dtb);
	return ret;
}

int dump_dtb_run(const struct vmm_config *c, const char *path)
{
	struct record_importer ri;
	struct boot_images bi;
	struct err e = { 0 };
	int rc;

	if (boot_images_open(&bi, c, &e)) {
		fprintf(stderr, "minivmm: %s\n", e.msg);
		return MINIVMM_EXIT_BAD_INPUT;
	}
	rc = record_linux(c, &bi, &ri, GUEST_DESCRIBE_NONE, NULL);
	if (rc == MINIVMM_EXIT_OK && write_dtb(&ri, path, &e)) {
		fprintf(stderr, "minivmm: %s\n", e.msg);
		rc = MINIVMM_EXIT_BAD_INPUT;
	}
	importer_destroy(&ri.base);
	boot_images_close(&bi);
	return rc;
}

int dump_acpi_run(const struct vmm_config *c, const char *dir)
{
	static const char *const names[ACPI_NR_TABLES] = { "rsdp", "xsdt", "facp", "apic", "dsdt" };
	struct acpi_config ac = { .nr_vcpus = c->cpus };
	struct acpi_tables t;
	char path[4096];
	struct err e = { 0 };
	unsigned int i;
	FILE *f;

	if (acpi_config_add_virtio(&ac, c->nr_disks, &e)) { /* --disk: their LNRO0005 devices */
		fprintf(stderr, "minivmm: %s\n", e.msg);
		return MINIVMM_EXIT_BAD_INPUT;
	}
	if (acpi_build(&ac, &t, &e)) {
		fprintf(stderr, "minivmm: %s\n", e.msg);
		return MINIVMM_EXIT_INTERNAL;
	}
	for (i = 0; i < ACPI_NR_TABLES; i++) {
		snprintf(path, sizeof(path), "%s/%s.dat", dir, names[i]);
		f = fopen(path, "wb");
		if (!f || fwrite(t.t[i].data, 1, t.t[i].len, f) != t.t[i].len || fclose(f)) {
			fprintf(stderr, "minivmm: --dump-acpi: cannot write %s: %s\n", path,
			        strerror(errno));
			acpi_tables_free(&t);
			return MINIVMM_EXIT_BAD_INPUT;
		}
	}
	acpi_tables_free(&t);
	return MINIVMM_EXIT_OK;
}
