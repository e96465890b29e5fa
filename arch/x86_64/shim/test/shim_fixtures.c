// SPDX-License-Identifier: MIT
#include "shim_fixtures.h"

#include <check.h>
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "lib/sizes.h"

#define FDT_OK(call)                                                                   \
	do {                                                                           \
		int fdt_ret_ = (call);                                                 \
		ck_assert_msg(fdt_ret_ == 0, "%s: %s", #call, fdt_strerror(fdt_ret_)); \
	} while (0)

static void property_u64_pair(void *fdt, const char *name, uint64_t a, uint64_t b)
{
	fdt64_t v[2] = { cpu_to_fdt64(a), cpu_to_fdt64(b) };

	FDT_OK(fdt_property(fdt, name, v, sizeof(v)));
}

static void add_cpus(void *fdt, unsigned int n)
{
	char name[32];
	unsigned int i;

	FDT_OK(fdt_begin_node(fdt, "cpus"));
	FDT_OK(fdt_property_u32(fdt, "#address-cells", 1));
	FDT_OK(fdt_property_u32(fdt, "#size-cells", 0));
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "cpu@%x", i + 1);
		FDT_OK(fdt_begin_node(fdt, name));
		FDT_OK(fdt_property_string(fdt, "device_type", "cpu"));
		FDT_OK(fdt_property_u32(fdt, "reg", i));
		FDT_OK(fdt_property_u32(fdt, "numa-node-id", 0));
		FDT_OK(fdt_property_string(fdt, "status", "okay"));
		FDT_OK(fdt_end_node(fdt));
	}
	FDT_OK(fdt_end_node(fdt));
}

/* OpenVMM emits the memory map in reverse order. */
static void add_memory(void *fdt, const struct fix_dt_memory *m, unsigned int n)
{
	char name[32];

	while (n--) {
		snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)m[n].start);
		FDT_OK(fdt_begin_node(fdt, name));
		FDT_OK(fdt_property_string(fdt, "device_type", "memory"));
		property_u64_pair(fdt, "reg", m[n].start, m[n].size);
		if (m[n].igvm_type != FIX_NO_IGVM_TYPE)
			FDT_OK(fdt_property_u32(fdt, PV_DT_IGVM_TYPE_PROPERTY,
			                        (uint32_t)m[n].igvm_type));
		FDT_OK(fdt_property_u32(fdt, "numa-node-id", 0));
		FDT_OK(fdt_end_node(fdt));
	}
}

static void add_bus(void *fdt)
{
	fdt64_t ranges[6] = { cpu_to_fdt64(0xf8000000),   cpu_to_fdt64(0xf8000000),
		              cpu_to_fdt64(0x6000000),    cpu_to_fdt64(0x1000000000),
		              cpu_to_fdt64(0x1000000000), cpu_to_fdt64(0x40000000) };

	FDT_OK(fdt_begin_node(fdt, "bus"));
	FDT_OK(fdt_property_string(fdt, "compatible", "simple-bus"));
	FDT_OK(fdt_property_u32(fdt, "#address-cells", 2));
	FDT_OK(fdt_property_u32(fdt, "#size-cells", 2));
	FDT_OK(fdt_property(fdt, "ranges", NULL, 0));
	FDT_OK(fdt_begin_node(fdt, "vmbus-vtl0@f8000000"));
	FDT_OK(fdt_property_string(fdt, "compatible", "microsoft,vmbus"));
	FDT_OK(fdt_property(fdt, "ranges", ranges, sizeof(ranges)));
	FDT_OK(fdt_property_u32(fdt, PV_DT_VTL_PROPERTY, 0));
	FDT_OK(fdt_end_node(fdt));
	FDT_OK(fdt_end_node(fdt));
}

static void add_chosen_and_openhcl(void *fdt, const char *bootargs)
{
	uint8_t entropy[64];

	memset(entropy, 0xa5, sizeof(entropy));
	FDT_OK(fdt_begin_node(fdt, "chosen"));
	if (bootargs)
		FDT_OK(fdt_property_string(fdt, "bootargs", bootargs));
	FDT_OK(fdt_end_node(fdt));
	FDT_OK(fdt_begin_node(fdt, "openhcl"));
	FDT_OK(fdt_property_string(fdt, "memory-allocation-mode", "vtl2"));
	FDT_OK(fdt_begin_node(fdt, "entropy"));
	FDT_OK(fdt_property(fdt, "reg", entropy, sizeof(entropy)));
	FDT_OK(fdt_end_node(fdt));
	FDT_OK(fdt_end_node(fdt));
}

size_t fix_dt_build(const struct fix_dt *d, void *buf, size_t cap)
{
	unsigned int i;

	FDT_OK(fdt_create(buf, (int)cap));
	for (i = 0; i < d->nr_mem_rsv; i++)
		FDT_OK(fdt_add_reservemap_entry(buf, d->mem_rsv[i][0], d->mem_rsv[i][1]));
	FDT_OK(fdt_finish_reservemap(buf));
	FDT_OK(fdt_begin_node(buf, ""));
	if (d->root_cells >= 0) {
		uint32_t cells = d->root_cells ? (uint32_t)d->root_cells : 2;

		FDT_OK(fdt_property_u32(buf, "#address-cells", cells));
		FDT_OK(fdt_property_u32(buf, "#size-cells", cells));
	}
	FDT_OK(fdt_property_string(buf, "model", "microsoft,hyperv"));
	add_cpus(buf, d->nr_cpus);
	add_memory(buf, d->memory, d->nr_memory);
	add_bus(buf);
	add_chosen_and_openhcl(buf, d->bootargs);
	FDT_OK(fdt_end_node(buf));
	FDT_OK(fdt_finish(buf));
	return fdt_totalsize(buf);
}

void fix_layout_compute(struct fix_layout *l, uint64_t mem_start, uint64_t mem_size,
                        uint64_t kernel_size, uint64_t sidecar_size, uint64_t shim_size,
                        uint64_t initrd_size, uint64_t pt_pages)
{
	uint64_t off = mem_start;

	memset(l, 0, sizeof(*l));
	l->mem_start = mem_start;
	l->mem_size = mem_size;
	l->persisted = off;
	off += PARAVISOR_PERSISTED_REGION_SIZE;
	l->kernel = off;
	l->kernel_size = kernel_size;
	l->kernel_entry = off + 0x1000; /* startup_64 is not the first byte in a vmlinux */
	off = align_up(off + kernel_size, SZ_4K);
	if (sidecar_size) {
		off = align_up(off, SZ_2M);
		l->sidecar = off;
		l->sidecar_size = sidecar_size;
		l->sidecar_entry = off + 0x40;
		off += sidecar_size;
	}
	l->shim = off;
	l->shim_size = shim_size;
	off += align_up(shim_size, SZ_4K);
	l->initrd = initrd_size ? off : 0;
	l->initrd_size = initrd_size;
	off += align_up(initrd_size, SZ_4K);
	l->gdt = off;
	l->params = (off += SZ_4K);
	l->cmdline = (off += SZ_4K);
	l->reserved = (off += SZ_4K);
	l->param_region = (off += PARAVISOR_RESERVED_VTL2_PAGE_COUNT_MAX * SZ_4K);
	l->log = (off += PARAVISOR_VTL2_CONFIG_REGION_PAGE_COUNT_MAX * SZ_4K);
	l->heap = (off += PARAVISOR_LOG_BUFFER_PAGES * SZ_4K);
	l->end_of_image = (off += PARAVISOR_HEAP_PAGES * SZ_4K);
	l->pt = off;
	l->pt_pages = pt_pages;
	l->used_end = off + pt_pages * SZ_4K;
}

static int64_t rel(uint64_t addr, uint64_t shim)
{
	return (int64_t)(addr - shim);
}

void fix_params_fill(const struct fix_layout *l, uint32_t initrd_crc, struct shim_params_raw *p)
{
	uint64_t s = l->shim;

	*p = (struct shim_params_raw){
		.kernel_entry_offset = rel(l->kernel_entry, s),
		.cmdline_offset = rel(l->cmdline, s),
		.initrd_offset = rel(l->initrd, s),
		.initrd_size = l->initrd_size,
		.initrd_crc = initrd_crc,
		.supported_isolation_type = SHIM_ISOLATION_VBS,
		.memory_start_offset = rel(l->mem_start, s),
		.memory_size = l->mem_size,
		.parameter_region_offset = rel(l->param_region, s),
		.parameter_region_size = PARAVISOR_VTL2_CONFIG_REGION_PAGE_COUNT_MAX * SZ_4K,
		.vtl2_reserved_region_offset = rel(l->reserved, s),
		.vtl2_reserved_region_size = PARAVISOR_RESERVED_VTL2_PAGE_COUNT_MAX * SZ_4K,
		.sidecar_offset = rel(l->sidecar, s),
		.sidecar_size = l->sidecar_size,
		.sidecar_entry_offset = rel(l->sidecar_entry, s),
		.used_start = rel(l->mem_start, s),
		.used_end = rel(l->used_end, s),
		.log_buffer_start = rel(l->log, s),
		.log_buffer_size = PARAVISOR_LOG_BUFFER_PAGES * SZ_4K,
		.heap_start_offset = rel(l->heap, s),
		.heap_size = PARAVISOR_HEAP_PAGES * SZ_4K,
		.persisted_state_region_offset = rel(l->persisted, s),
		.persisted_state_region_size = PARAVISOR_PERSISTED_REGION_SIZE,
	};
}

void fix_cmdline_page(struct paravisor_command_line *pcl, uint16_t policy, const char *s)
{
	size_t n = strlen(s);

	ck_assert_uint_le(n, sizeof(pcl->static_command_line));
	memset(pcl, 0, sizeof(*pcl));
	pcl->policy = policy;
	pcl->static_command_line_len = (uint16_t)n;
	memcpy(pcl->static_command_line, s, n);
}
