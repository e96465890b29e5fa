// SPDX-License-Identifier: MIT
#include "arch/x86_64/shim/boot.h"

#include "arch/x86_64/shim/cmdline.h"
#include "arch/x86_64/shim/crc32.h"

#define U(x) ((unsigned long long)(x))

static const char *e820_type_name(uint32_t type)
{
	switch (type) {
	case X86_E820_RAM:
		return "RAM";
	case X86_E820_RESERVED:
		return "reserved";
	case SHIM_E820_PMEM:
		return "PMEM";
	default:
		return "?";
	}
}

static int read_params(struct shim_mem *mem, const struct shim_self *self,
                       struct shim_params_raw *raw, struct shim_err *e)
{
	const void *p;

	/* The loader puts the params on a page of their own after the shim; anything
	 * else means RSI is wrong, and reading there could fault. */
	if (self->params % SHIM_PAGE_SIZE || self->params < self->end)
		return shim_err_set(
		    e, SHIM_ERANGE,
		    "shim params at 0x%llx (base 0x%llx + RSI 0x%llx) are not a page "
		    "after the shim image [0x%llx, 0x%llx)",
		    U(self->params), U(self->base), U(self->params - self->base), U(self->start),
		    U(self->end));
	p = shim_mem_ptr(mem, self->params, sizeof(*raw));
	if (!p)
		return shim_err_set(e, SHIM_ERANGE, "shim params at 0x%llx outside memory",
		                    U(self->params));
	shim_memcpy(raw, p, sizeof(*raw));
	return 0;
}

/* From now on only the VTL2 range: the loader's page tables map nothing else. */
static int narrow_to_vtl2(struct shim_mem *mem, const struct shim_layout *l, struct shim_err *e)
{
	if (!shim_mem_ptr(mem, l->mem_start, l->mem_end - l->mem_start))
		return shim_err_set(
		    e, SHIM_ERANGE,
		    "VTL2 memory [0x%llx, 0x%llx) outside the memory window [0x%llx, "
		    "0x%llx)",
		    U(l->mem_start), U(l->mem_end), U(mem->gpa_start), U(mem->gpa_end));
	mem->host += (uintptr_t)(l->mem_start - mem->gpa_start);
	mem->gpa_start = l->mem_start;
	mem->gpa_end = l->mem_end;
	return 0;
}

static void log_layout(struct shim_log *log, const struct shim_layout *l)
{
	shim_log(log, "VTL2 memory [0x%llx, 0x%llx), used [0x%llx, 0x%llx)", U(l->mem_start),
	         U(l->mem_end), U(l->used_start), U(l->used_end));
	shim_log(log, "kernel entry 0x%llx in [0x%llx, 0x%llx); sidecar 0x%llx bytes",
	         U(l->kernel_entry), U(l->kernel_start), U(l->kernel_limit), U(l->sidecar.size));
	shim_log(log, "command line page 0x%llx, parameter region 0x%llx, heap 0x%llx",
	         U(l->cmdline.start), U(l->param_region.start), U(l->heap.start));
}

static int step_params(struct shim_mem *mem, const struct shim_self *self, struct shim_log *log,
                       struct shim_layout *l, struct shim_err *e)
{
	struct shim_params_raw raw;
	void *logbuf;
	int ret;

	shim_log(log, "image [0x%llx, 0x%llx), shim params at 0x%llx", U(self->start), U(self->end),
	         U(self->params));
	ret = read_params(mem, self, &raw, e);
	if (!ret)
		ret = shim_params_check(&raw, self, l, e);
	if (!ret)
		ret = narrow_to_vtl2(mem, l, e);
	if (ret)
		return ret;
	logbuf = shim_mem_ptr(mem, l->log.start, l->log.size);
	shim_log_attach(log, logbuf, l->log.size);
	shim_log(log, "shim params ok; log buffer at 0x%llx (%llu bytes)", U(l->log.start),
	         U(l->log.size));
	log_layout(log, l);
	return 0;
}

static int step_initrd(const struct shim_mem *mem, struct shim_log *log,
                       const struct shim_layout *l, struct shim_err *e)
{
	const void *p = shim_mem_ptr(mem, l->initrd.start, l->initrd.size);
	uint32_t crc;

	if (!l->initrd.size) {
		shim_log(log, "no initrd");
		return 0;
	}
	crc = shim_crc32_update(0, p, l->initrd.size);
	if (crc != l->initrd_crc)
		return shim_err_set(e, SHIM_ECRC,
		                    "initrd [0x%llx, +%llu) CRC-32 0x%08x, expected 0x%08x",
		                    U(l->initrd.start), U(l->initrd.size), crc, l->initrd_crc);
	shim_log(log, "initrd [0x%llx, +%llu) CRC-32 0x%08x ok", U(l->initrd.start),
	         U(l->initrd.size), crc);
	return 0;
}

static int step_device_tree(const struct shim_mem *mem, struct shim_log *log, struct shim_boot *b,
                            struct shim_err *e)
{
	const uint64_t dt_off = PARAVISOR_CONFIG_DEVICE_TREE_PAGE_INDEX * SHIM_PAGE_SIZE;
	const uint64_t dt_max = PARAVISOR_CONFIG_DEVICE_TREE_SIZE_PAGES * SHIM_PAGE_SIZE;
	const struct shim_layout *l = &b->layout;
	uint64_t avail = l->param_region.size - dt_off; /* params.c checked the minimum */
	unsigned int i;
	int ret;

	if (avail > dt_max)
		avail = dt_max;
	b->dtb_gpa = l->param_region.start + dt_off;
	ret = shim_dt_read(shim_mem_ptr(mem, b->dtb_gpa, avail), avail, &b->dt, e);
	if (ret)
		return ret;
	shim_log(log, "device tree at 0x%llx, %u bytes: %u memory ranges, %u CPUs", U(b->dtb_gpa),
	         b->dt.totalsize, b->dt.nr_memory, b->dt.nr_cpus);
	for (i = 0; i < b->dt.nr_memory; i++)
		shim_log(log, "  memory [0x%llx, +0x%llx) igvm type %u", U(b->dt.memory[i].start),
		         U(b->dt.memory[i].size), b->dt.memory[i].igvm_type);
	if (b->dt.bootargs)
		shim_log(log, "/chosen/bootargs \"%.*s\"", (int)b->dt.bootargs_len, b->dt.bootargs);
	else
		shim_log(log, "no /chosen/bootargs");
	return 0;
}

static int step_cmdline(const struct shim_mem *mem, struct shim_log *log, struct shim_boot *b,
                        struct shim_err *e)
{
	const struct shim_layout *l = &b->layout;
	const struct paravisor_command_line *pcl =
	    shim_mem_ptr(mem, l->cmdline.start, sizeof(*pcl));
	char *out;
	int ret;

	b->cmdline_gpa = l->heap.start + SHIM_CMDLINE_HEAP_OFFSET;
	out = shim_mem_ptr(mem, b->cmdline_gpa, SHIM_CMDLINE_MAX);
	ret = shim_cmdline_build(pcl, b->dt.bootargs, b->dt.bootargs_len, out, &b->cmdline_len, e);
	if (ret)
		return ret;
	shim_log(log, "command line (policy %u, %zu bytes): %s", pcl->policy, b->cmdline_len, out);
	return 0;
}

static int step_zero_page(const struct shim_mem *mem, struct shim_log *log, struct shim_boot *b,
                          struct shim_err *e)
{
	const struct shim_layout *l = &b->layout;
	unsigned int i;
	int ret;

	ret = shim_e820_build(&b->dt, l, &b->e820, e);
	if (ret)
		return ret;
	for (i = 0; i < b->e820.n; i++)
		shim_log(log, "e820 [0x%llx, 0x%llx) %s", U(b->e820.e[i].addr),
		         U(b->e820.e[i].addr + b->e820.e[i].size),
		         e820_type_name(b->e820.e[i].type));
	b->boot_params_gpa = l->heap.start + SHIM_BOOT_PARAMS_HEAP_OFFSET;
	shim_boot_params_fill(shim_mem_ptr(mem, b->boot_params_gpa, sizeof(struct x86_boot_params)),
	                      b->cmdline_gpa, b->cmdline_len, &l->initrd, &b->e820);
	b->kernel_entry = l->kernel_entry;
	return 0;
}

int shim_boot_prepare(struct shim_mem *mem, const struct shim_self *self, struct shim_log *log,
                      struct shim_boot *b, struct shim_err *e)
{
	int ret;

	shim_memset(b, 0, sizeof(*b));
	ret = step_params(mem, self, log, &b->layout, e);
	if (!ret)
		ret = step_initrd(mem, log, &b->layout, e);
	if (!ret)
		ret = step_device_tree(mem, log, b, e);
	if (!ret)
		ret = step_cmdline(mem, log, b, e);
	if (!ret)
		ret = step_zero_page(mem, log, b, e);
	if (!ret)
		shim_log(log, "zero page at 0x%llx; entering the kernel at 0x%llx",
		         U(b->boot_params_gpa), U(b->kernel_entry));
	return ret;
}

void shim_boot_params_fill(struct x86_boot_params *bp, uint64_t cmdline_gpa, size_t cmdline_len,
                           const struct shim_region *initrd, const struct shim_e820_map *m)
{
	shim_memset(bp, 0, sizeof(*bp));
	bp->hdr.boot_flag = X86_BOOT_FLAG_MAGIC;
	bp->hdr.header = X86_SETUP_HDR_MAGIC;
	bp->hdr.kernel_alignment = SHIM_ELF_KERNEL_ALIGNMENT;
	bp->hdr.type_of_loader = X86_TYPE_OF_LOADER_UNDEFINED;
	bp->hdr.cmd_line_ptr = (uint32_t)cmdline_gpa;
	bp->ext_cmd_line_ptr = (uint32_t)(cmdline_gpa >> 32);
	bp->hdr.cmdline_size = (uint32_t)cmdline_len;
	bp->hdr.ramdisk_image = (uint32_t)initrd->start;
	bp->ext_ramdisk_image = (uint32_t)(initrd->start >> 32);
	bp->hdr.ramdisk_size = (uint32_t)initrd->size;
	bp->ext_ramdisk_size = (uint32_t)(initrd->size >> 32);
	shim_memcpy(bp->e820_table, m->e, m->n * sizeof(m->e[0]));
	bp->e820_entries = (uint8_t)m->n;
}
