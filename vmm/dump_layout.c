// SPDX-License-Identifier: MIT
#include "dump_layout.h"

#include <errno.h>
#include <string.h>

#include "arch/x86_64/acpi.h"
#include "loader/importer_dump.h"
#include "loader/importer_record.h"
#include "vmm/boot.h"
#include "vmm/exit_codes.h"
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

int dump_layout_run(const struct vmm_config *c, FILE *out)
{
	struct mem_range ram[IMPORTER_MAX_RAM_RANGES];
	struct record_importer ri;
	struct boot_images bi;
	struct err e = { 0 };
	unsigned int nr_ram;
	int rc = MINIVMM_EXIT_OK;

	if (c->pv.enabled)
		return dump_paravisor(c, out);
	if (boot_images_open(&bi, c, &e)) {
		fprintf(stderr, "minivmm: %s\n", e.msg);
		return MINIVMM_EXIT_BAD_INPUT;
	}
	if (bi.platform->mem_ranges(c->mem_size, ram, &nr_ram, &e)) {
		fprintf(stderr, "minivmm: --mem: %s\n", e.msg);
		boot_images_close(&bi);
		return MINIVMM_EXIT_BAD_INPUT;
	}
	record_importer_init(&ri, bi.platform->arch, ram, nr_ram);
	if (bi.platform->load_linux(&ri.base, c, &bi, GUEST_DESCRIBE_FULL, out, &e)) {
		fprintf(stderr, "minivmm: %s\n", e.msg);
		rc = e.errnum == ENOMEM ? MINIVMM_EXIT_INTERNAL : MINIVMM_EXIT_BAD_INPUT;
		goto out;
	}
	record_importer_dump(out, &ri);
out:
	importer_destroy(&ri.base);
	boot_images_close(&bi);
	return rc;
}

int dump_acpi_run(const struct vmm_config *c, const char *dir)
{
	static const char *const names[ACPI_NR_TABLES] = { "rsdp", "xsdt", "facp", "apic", "dsdt" };
	const struct acpi_config ac = { .nr_vcpus = c->cpus };
	struct acpi_tables t;
	char path[4096];
	struct err e = { 0 };
	unsigned int i;
	FILE *f;

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
