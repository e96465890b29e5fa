// SPDX-License-Identifier: MIT
/*
 * The x86_64 guest platform: RAM around the MMIO hole, ACPI tables, and
 * Linux through the 64-bit entry or PVH (loader/linux_x86.c).
 */
#include <errno.h>
#include <stdio.h>

#include "arch/x86_64/acpi.h"
#include "arch/x86_64/bootparam.h"
#include "arch/x86_64/layout.h"
#include "arch/x86_64/mem_layout.h"
#include "loader/linux_x86.h"
#include "vmm/boot.h"
#include "vmm/guest.h"

#define U(x) ((unsigned long long)(x))

static int x86_guest_mem_ranges(uint64_t mem_size, struct mem_range *out, unsigned int *n,
                                struct err *e)
{
	struct x86_mem_layout l;
	unsigned int i;
	int ret = x86_mem_layout_init(&l, mem_size, e);

	if (ret)
		return ret;
	for (i = 0; i < l.nr_ram; i++)
		out[i] = l.ram[i];
	*n = l.nr_ram;
	return 0;
}

static int x86_virtio_mmio_slots(unsigned int n, struct virtio_mmio_slot *out, struct err *e)
{
	unsigned int i;

	if (n > X86_VIRTIO_MMIO_MAX)
		return err_set(e, EINVAL, "%u virtio-mmio devices (--disk), at most %d on x86_64",
		               n, X86_VIRTIO_MMIO_MAX);
	for (i = 0; i < n; i++)
		out[i] = (struct virtio_mmio_slot){ .base = X86_VIRTIO_MMIO_BASE +
			                                    i * X86_VIRTIO_MMIO_SIZE,
			                            .size = X86_VIRTIO_MMIO_SIZE,
			                            .irq = X86_VIRTIO_MMIO_GSI_BASE + i };
	return 0;
}

int acpi_config_add_virtio(struct acpi_config *c, unsigned int n, struct err *e)
{
	struct virtio_mmio_slot slots[X86_VIRTIO_MMIO_MAX];
	unsigned int i;
	int ret = x86_virtio_mmio_slots(n, slots, e);

	if (ret)
		return ret;
	for (i = 0; i < n; i++)
		c->virtio[i] = (struct acpi_virtio_mmio){ .base = (uint32_t)slots[i].base,
			                                  .size = (uint32_t)slots[i].size,
			                                  .gsi = slots[i].irq };
	c->nr_virtio = n;
	return 0;
}

static const char *e820_type_str(uint32_t type)
{
	switch (type) {
	case X86_E820_RAM:
		return "RAM";
	case X86_E820_RESERVED:
		return "reserved";
	case X86_E820_ACPI:
		return "ACPI";
	case X86_E820_NVS:
		return "NVS";
	default:
		return "other";
	}
}

static void print_memory(FILE *out, const struct x86_mem_layout *l,
                         const struct linux_x86_info *info)
{
	struct x86_e820_entry e820[X86_E820_MAX_ENTRIES_ZEROPAGE];
	unsigned int i, nr = 0;
	struct err e;

	fprintf(out, "memory:  %llu MiB\n", U(l->mem_size >> 20));
	for (i = 0; i < l->nr_ram; i++)
		fprintf(out, "  RAM [0x%016llx, 0x%016llx)\n", U(l->ram[i].start),
		        U(l->ram[i].end));
	if (x86_mem_layout_e820(l, e820, X86_E820_MAX_ENTRIES_ZEROPAGE, &nr, &e))
		return;
	fprintf(out, "e820 map (%s):\n",
	        info->protocol == X86_BOOT_PVH ? "PVH memory map" : "zero page");
	for (i = 0; i < nr; i++)
		fprintf(out, "  [0x%016llx, 0x%016llx) %s\n", U(e820[i].addr),
		        U(e820[i].addr + e820[i].size), e820_type_str(e820[i].type));
}

static void print_summary(FILE *out, const struct vmm_config *c, const struct boot_images *bi,
                          const struct x86_mem_layout *l, const struct linux_x86_info *info)
{
	fprintf(out, "kernel:  %s (%s, %llu bytes), %s entry at 0x%llx%s\n", c->kernel,
	        image_format_str(info->format), U(bi->kernel.size),
	        x86_boot_protocol_str(info->protocol), U(info->entry),
	        info->has_pvh_note ? ", PVH note present" : "");
	fprintf(out, "         imported [0x%llx, 0x%llx), claims memory up to 0x%llx at boot\n",
	        U(info->kernel_start), U(info->kernel_end), U(info->runtime_end));
	if (info->initrd_size)
		fprintf(out,
		        "initrd:  %s (%llu bytes) at [0x%llx, 0x%llx), initrd_addr_max 0x%llx\n",
		        c->initrd, U(info->initrd_size), U(info->initrd_gpa),
		        U(info->initrd_gpa + info->initrd_size), U(info->initrd_addr_max));
	else
		fprintf(out, "initrd:  none\n");
	fprintf(out, "cmdline: \"%s\" (%zu of %zu bytes) at 0x%llx\n", c->cmdline ? c->cmdline : "",
	        info->cmdline_len, info->cmdline_limit, U(info->cmdline_gpa));
	print_memory(out, l, info);
}

static int x86_guest_load_linux(struct importer *imp, const struct vmm_config *c,
                                const struct boot_images *bi, enum guest_describe describe,
                                FILE *out, struct err *e)
{
	struct acpi_config ac = { .nr_vcpus = c->cpus };
	struct x86_mem_layout layout;
	struct linux_x86_info info;
	struct acpi_tables acpi;
	struct linux_x86_config lc = { .kernel = &bi->kernel,
		                       .initrd = bi->has_initrd ? &bi->initrd : NULL,
		                       .cmdline = c->cmdline,
		                       .protocol = c->boot,
		                       .layout = &layout,
		                       .acpi = &acpi };
	int ret = x86_mem_layout_init(&layout, c->mem_size, e);

	if (ret)
		return err_prefix(e, "--mem");
	ret = acpi_config_add_virtio(&ac, c->nr_disks, e);
	if (ret)
		return ret;
	ret = acpi_build(&ac, &acpi, e);
	if (ret)
		return ret;
	ret = linux_x86_load(imp, &lc, &info, e);
	acpi_tables_free(&acpi);
	if (ret)
		return ret;
	if (describe == GUEST_DESCRIBE_FULL)
		print_summary(out, c, bi, &layout, &info);
	else if (describe == GUEST_DESCRIBE_LINE)
		fprintf(out, "minivmm: %s %s, %s entry at 0x%llx, initrd %llu bytes at 0x%llx\n",
		        c->kernel, image_format_str(info.format),
		        x86_boot_protocol_str(info.protocol), U(info.entry), U(info.initrd_size),
		        U(info.initrd_gpa));
	return 0;
}

const struct guest_platform guest_x86_64 = {
	.name = "x86_64",
	.arch = GUEST_ARCH_X86_64,
	.mem_ranges = x86_guest_mem_ranges,
	.load_linux = x86_guest_load_linux,
	.virtio_mmio_slots = x86_virtio_mmio_slots,
};
