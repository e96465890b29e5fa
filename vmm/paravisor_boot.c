// SPDX-License-Identifier: MIT
#include "paravisor_boot.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arch/x86_64/acpi.h"
#include "arch/x86_64/layout.h"
#include "arch/x86_64/mem_layout.h"
#include "arch/x86_64/shim_image.h"
#include "devices/serial.h"
#include "loader/imported_regions.h"
#include "loader/importer_record.h"
#include "loader/linux_x86.h"
#include "vmm/igvm_params.h"

#define U(x) ((unsigned long long)(x))

int paravisor_images_open(struct paravisor_images *pi, const struct vmm_config *c, struct err *e)
{
	const struct {
		const char *path, *what;
		struct image_file *f;
		bool *present;
	} files[] = {
		{ c->kernel, "kernel", &pi->kernel, NULL },
		{ c->pv.shim, "shim", &pi->shim, &pi->shim_is_file },
		{ c->initrd, "initrd", &pi->initrd, &pi->has_initrd },
		{ c->pv.vtl0_kernel, "VTL0 kernel", &pi->vtl0_kernel, &pi->has_vtl0_kernel },
		{ c->pv.vtl0_initrd, "VTL0 initrd", &pi->vtl0_initrd, &pi->has_vtl0_initrd },
	};
	unsigned int i;

	memset(pi, 0, sizeof(*pi));
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		if (!files[i].path)
			continue;
		if (image_file_open(files[i].f, files[i].path, e)) {
			paravisor_images_close(pi);
			return err_prefix(e, "%s", files[i].what);
		}
		if (files[i].present)
			*files[i].present = true;
	}
	if (!pi->shim_is_file)
		image_file_from_buffer(&pi->shim, "minivmm boot shim (built in)", minivmm_shim_x64,
		                       minivmm_shim_x64_size);
	return 0;
}

void paravisor_images_close(struct paravisor_images *pi)
{
	image_file_close(&pi->kernel);
	if (pi->shim_is_file)
		image_file_close(&pi->shim);
	if (pi->has_initrd)
		image_file_close(&pi->initrd);
	if (pi->has_vtl0_kernel)
		image_file_close(&pi->vtl0_kernel);
	if (pi->has_vtl0_initrd)
		image_file_close(&pi->vtl0_initrd);
	memset(pi, 0, sizeof(*pi));
}

/* The VTL0 side: ACPI tables, and a VTL0 kernel when one is given. */
static int load_vtl0(struct importer *imp, const struct vmm_config *c,
                     const struct paravisor_images *pi, const struct x86_mem_layout *layout,
                     const struct acpi_tables *acpi, struct paravisor_vtl0_linux *vtl0,
                     struct err *e)
{
	struct linux_x86_config lc = { .kernel = &pi->vtl0_kernel,
		                       .initrd = pi->has_vtl0_initrd ? &pi->vtl0_initrd : NULL,
		                       .protocol = X86_BOOT_64BIT,
		                       .layout = layout };
	struct linux_x86_info info;
	int ret = acpi_import(imp, acpi, e);

	if (ret || !pi->has_vtl0_kernel)
		return ret;
	ret = linux_x86_load_kernel_and_initrd(imp, &lc, &info, e);
	if (ret)
		return err_prefix(e, "VTL0");
	*vtl0 = (struct paravisor_vtl0_linux){ .kernel_gpa = info.kernel_start,
		                               .kernel_size = info.kernel_end - info.kernel_start,
		                               .entry = info.entry,
		                               .initrd_gpa = info.initrd_gpa,
		                               .initrd_size = info.initrd_size,
		                               .cmdline = c->pv.vtl0_cmdline };
	return 0;
}

struct paravisor_config paravisor_config_from_cli(const struct vmm_config *c,
                                                  const struct paravisor_images *pi,
                                                  const struct paravisor_vtl0_linux *vtl0)
{
	return (struct paravisor_config){
		.kernel = &pi->kernel,
		.shim = &pi->shim,
		.initrd = pi->has_initrd ? &pi->initrd : NULL,
		.cmdline = c->cmdline,
		.policy = c->pv.static_policy ? COMMAND_LINE_POLICY_STATIC
		                              : COMMAND_LINE_POLICY_APPEND_CHOSEN,
		.memory_size = c->pv.vtl2_mem,
		.vtl0_linux = vtl0,
	};
}

static int record_layout(struct record_importer *ri, const struct vmm_config *c,
                         const struct paravisor_images *pi, const struct x86_mem_layout *layout,
                         const struct acpi_tables *acpi, struct paravisor_report *rep,
                         struct err *e)
{
	struct paravisor_vtl0_linux vtl0;
	struct paravisor_config pc =
	    paravisor_config_from_cli(c, pi, pi->has_vtl0_kernel ? &vtl0 : NULL);
	int ret;

	record_importer_init(ri, GUEST_ARCH_X86_64, layout->ram, layout->nr_ram);
	ri->base.isolation.paravisor_present = true;
	ri->base.max_vtl = 2;
	ret = load_vtl0(&ri->base, c, pi, layout, acpi, &vtl0, e);
	if (!ret)
		ret = paravisor_load_x64(&ri->base, &pc, &rep->info, e);
	return ret;
}

/* The highest 2 MiB aligned base whose VTL2 range still ends in low RAM. */
static gpa_t auto_base(const struct x86_mem_layout *layout, uint64_t vtl2_mem)
{
	uint64_t low_end = x86_mem_layout_low_end(layout);

	return vtl2_mem > low_end ? 0 : align_down(low_end - vtl2_mem, SZ_2M);
}

static int plan_relocation(const struct record_importer *ri, const struct vmm_config *c,
                           const struct x86_mem_layout *layout, struct paravisor_report *rep,
                           struct err *e)
{
	gpa_t base = c->pv.relocate == RELOCATE_AUTO ? auto_base(layout, c->pv.vtl2_mem)
	                                             : c->pv.relocate_addr;
	int ret;

	rep->vtl2_base = rep->info.memory_start;
	if (c->pv.relocate == RELOCATE_NONE)
		return 0;
	ret = relocation_plan_make(&ri->base, base, &rep->plan, e);
	if (ret)
		return ret;
	if (base + c->pv.vtl2_mem > x86_mem_layout_low_end(layout))
		return err_set(e, ERANGE,
		               "--relocate 0x%llx: the VTL2 range [0x%llx, 0x%llx) does not fit in "
		               "low RAM, which ends at 0x%llx",
		               U(base), U(base), U(base + c->pv.vtl2_mem),
		               U(x86_mem_layout_low_end(layout)));
	rep->vtl2_base = base;
	return 0;
}

/* Appends [start, end) as type, splitting RAM at the VTL2 range's edges. */
static void add_memory(struct igvm_host_info *h, uint64_t start, uint64_t end, uint16_t type)
{
	if (start < end && h->nr_memory < IGVM_HOST_MAX_MEMORY_ENTRIES)
		h->memory[h->nr_memory++] = (struct igvm_memory_map_entry){
			.starting_gpa_page_number = start >> PAGE_SHIFT,
			.number_of_pages = (end - start) >> PAGE_SHIFT,
			.entry_type = type,
		};
}

static void memory_map(const struct x86_mem_layout *layout, gpa_t vtl2, uint64_t vtl2_size,
                       struct igvm_host_info *h)
{
	struct x86_e820_entry e820[16];
	unsigned int i, n = 0;
	struct err e;

	if (x86_mem_layout_e820(layout, e820, ARRAY_SIZE(e820), &n, &e))
		return;
	for (i = 0; i < n; i++) {
		bool ram = e820[i].type == X86_E820_RAM;
		uint64_t end = e820[i].addr + e820[i].size;
		/* Pages: RAM rounds inward, reserved outward, so they never overlap. */
		uint64_t s =
		    ram ? align_up(e820[i].addr, PAGE_SIZE) : align_down(e820[i].addr, PAGE_SIZE);
		uint64_t t = ram ? align_down(end, PAGE_SIZE) : align_up(end, PAGE_SIZE);
		uint64_t a = s > vtl2 ? s : vtl2, b = t < vtl2 + vtl2_size ? t : vtl2 + vtl2_size;

		if (!ram) {
			add_memory(h, s, t, IGVM_MEMORY_MAP_ENTRY_PLATFORM_RESERVED);
		} else if (a >= b) {
			add_memory(h, s, t, IGVM_MEMORY_MAP_ENTRY_MEMORY);
		} else {
			add_memory(h, s, a, IGVM_MEMORY_MAP_ENTRY_MEMORY);
			add_memory(h, a, b, IGVM_MEMORY_MAP_ENTRY_VTL2_PROTECTABLE);
			add_memory(h, b, t, IGVM_MEMORY_MAP_ENTRY_MEMORY);
		}
	}
}

static int fill_parameters(struct importer *dst, const struct vmm_config *c,
                           const struct x86_mem_layout *layout, const struct acpi_tables *acpi,
                           const struct paravisor_report *rep, struct err *e)
{
	struct igvm_host_info h = {
		.nr_vcpus = c->cpus,
		.cmdline = c->pv.host_cmdline ? c->pv.host_cmdline : "",
		.madt = acpi->t[ACPI_MADT].data,
		.madt_len = acpi->t[ACPI_MADT].len,
		.mmio_low_start = X86_MMIO_HOLE_START,
		.mmio_low_end = X86_MMIO_HOLE_END,
		.com1_port = SERIAL_COM1_BASE,
		.com1_irq = SERIAL_COM1_IRQ,
	};

	memory_map(layout, rep->vtl2_base, c->pv.vtl2_mem, &h);
	return igvm_params_fill(dst, &h, e);
}

int paravisor_load(struct importer *dst, const struct vmm_config *c,
                   const struct paravisor_images *pi,
                   int (*read_guest)(void *ctx, gpa_t gpa, void *buf, size_t len, struct err *e),
                   void *ctx, struct paravisor_report *rep, struct err *e)
{
	const struct acpi_config ac = { .nr_vcpus = c->cpus };
	struct x86_mem_layout layout;
	struct record_importer ri;
	struct acpi_tables acpi;
	int ret;

	memset(rep, 0, sizeof(*rep));
	ret = x86_mem_layout_init(&layout, c->mem_size, e);
	if (ret)
		return err_prefix(e, "--mem");
	ret = acpi_build(&ac, &acpi, e);
	if (ret)
		return ret;
	ret = record_layout(&ri, c, pi, &layout, &acpi, rep, e);
	if (!ret)
		ret = plan_relocation(&ri, c, &layout, rep, e);
	if (!ret)
		ret = importer_replay(&ri, dst, &rep->plan, e);
	if (!ret)
		ret = fill_parameters(dst, c, &layout, &acpi, rep, e);
	if (!ret && dst->has_imported_regions_page)
		ret = imported_regions_import(dst, dst->imported_regions_page, read_guest, ctx, e);
	importer_destroy(&ri.base);
	acpi_tables_free(&acpi);
	return ret;
}
