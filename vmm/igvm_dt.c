// SPDX-License-Identifier: MIT
#include "igvm_dt.h"

#include <errno.h>
#include <libfdt.h>
#include <stdio.h>

/* Each fdt_* call returns 0 or a negative FDT_ERR_*; the first failure sticks. */
#define FDT_TRY(expr)                 \
	do {                          \
		if (!ret)             \
			ret = (expr); \
	} while (0)

static int prop_u64_pair(void *fdt, const char *name, uint64_t a, uint64_t b)
{
	fdt64_t v[2] = { cpu_to_fdt64(a), cpu_to_fdt64(b) };

	return fdt_property(fdt, name, v, sizeof(v));
}

static int add_cpus(void *fdt, const struct igvm_host_info *h)
{
	char name[32];
	unsigned int i;
	int ret = 0;

	FDT_TRY(fdt_begin_node(fdt, "cpus"));
	FDT_TRY(fdt_property_u32(fdt, "#address-cells", 1));
	FDT_TRY(fdt_property_u32(fdt, "#size-cells", 0));
	for (i = 0; i < h->nr_vcpus; i++) {
		snprintf(name, sizeof(name), "cpu@%x", i + 1);
		FDT_TRY(fdt_begin_node(fdt, name));
		FDT_TRY(fdt_property_string(fdt, "device_type", "cpu"));
		FDT_TRY(fdt_property_u32(fdt, "reg", i)); /* the APIC ID */
		FDT_TRY(fdt_property_u32(fdt, "numa-node-id", 0));
		FDT_TRY(fdt_property_string(fdt, "status", "okay"));
		FDT_TRY(fdt_end_node(fdt));
	}
	FDT_TRY(fdt_end_node(fdt));
	return ret;
}

/* One node per memory-map entry, in reverse order as OpenVMM emits them. */
static int add_memory(void *fdt, const struct igvm_host_info *h)
{
	char name[40];
	unsigned int i;
	int ret = 0;

	for (i = h->nr_memory; i-- > 0;) {
		const struct igvm_memory_map_entry *m = &h->memory[i];
		uint64_t start = m->starting_gpa_page_number << 12, size = m->number_of_pages << 12;

		snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)start);
		FDT_TRY(fdt_begin_node(fdt, name));
		FDT_TRY(fdt_property_string(fdt, "device_type", "memory"));
		FDT_TRY(prop_u64_pair(fdt, "reg", start, size));
		FDT_TRY(fdt_property_u32(fdt, PV_DT_IGVM_TYPE_PROPERTY, m->entry_type));
		FDT_TRY(fdt_property_u32(fdt, "numa-node-id", 0));
		FDT_TRY(fdt_end_node(fdt));
	}
	return ret;
}

static int add_pio_bus(void *fdt, const struct igvm_host_info *h)
{
	fdt64_t irq = cpu_to_fdt64(h->com1_irq);
	char name[32];
	int ret = 0;

	FDT_TRY(fdt_begin_node(fdt, "pio-bus"));
	FDT_TRY(fdt_property_string(fdt, "compatible", "x86-pio-bus"));
	FDT_TRY(fdt_property_u32(fdt, "#address-cells", 1));
	FDT_TRY(fdt_property_u32(fdt, "#size-cells", 1));
	FDT_TRY(fdt_property(fdt, "ranges", NULL, 0));
	snprintf(name, sizeof(name), "serial@%x", h->com1_port);
	FDT_TRY(fdt_begin_node(fdt, name));
	FDT_TRY(fdt_property_string(fdt, "compatible", "ns16550"));
	FDT_TRY(fdt_property_u32(fdt, "clock-frequency", 0));
	FDT_TRY(fdt_property_u32(fdt, "current-speed", 115200));
	/* u64 cells although #address-cells is 1: OpenVMM's behaviour, kept. */
	FDT_TRY(prop_u64_pair(fdt, "reg", h->com1_port, 8));
	FDT_TRY(fdt_property(fdt, "interrupts", &irq, sizeof(irq)));
	FDT_TRY(fdt_end_node(fdt));
	FDT_TRY(fdt_end_node(fdt));
	return ret;
}

int igvm_dt_build(void *buf, size_t cap, const struct igvm_host_info *h, size_t *len, struct err *e)
{
	int ret = fdt_create(buf, (int)cap);

	FDT_TRY(fdt_finish_reservemap(buf));
	FDT_TRY(fdt_begin_node(buf, ""));
	FDT_TRY(fdt_property_u32(buf, "#address-cells", 2));
	FDT_TRY(fdt_property_u32(buf, "#size-cells", 2));
	FDT_TRY(fdt_property_string(buf, "model", "minivmm,paravisor"));
	FDT_TRY(add_cpus(buf, h));
	FDT_TRY(add_memory(buf, h));
	FDT_TRY(add_pio_bus(buf, h));
	FDT_TRY(fdt_begin_node(buf, "chosen"));
	FDT_TRY(fdt_property_string(buf, "bootargs", h->cmdline ? h->cmdline : ""));
	FDT_TRY(fdt_end_node(buf));
	FDT_TRY(fdt_begin_node(buf, "openhcl"));
	FDT_TRY(fdt_property_string(buf, "memory-allocation-mode", "host"));
	FDT_TRY(fdt_end_node(buf));
	FDT_TRY(fdt_end_node(buf));
	FDT_TRY(fdt_finish(buf));
	if (ret)
		return err_set(e, ret == -FDT_ERR_NOSPACE ? E2BIG : EINVAL,
		               "device tree for the paravisor: %s (%zu bytes available)",
		               fdt_strerror(ret), cap);
	*len = fdt_totalsize(buf);
	return 0;
}
