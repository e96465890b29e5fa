// SPDX-License-Identifier: MIT
#include "mem_layout.h"

#include <errno.h>
#include <string.h>

#include "arch/x86_64/layout.h"

int x86_mem_layout_init(struct x86_mem_layout *l, uint64_t mem_size, struct err *e)
{
	uint64_t low;

	memset(l, 0, sizeof(*l));
	if (mem_size < X86_MEM_MIN || mem_size > X86_MEM_MAX)
		return err_set(
		    e, EINVAL, "memory size %llu %s is outside 2 MiB .. 1024 GiB",
		    (unsigned long long)(is_aligned(mem_size, SZ_1M) ? mem_size >> 20 : mem_size),
		    is_aligned(mem_size, SZ_1M) ? "MiB" : "bytes");
	if (!is_aligned(mem_size, SZ_2M))
		return err_set(e, EINVAL,
		               "memory size %llu bytes is not a multiple of 2 MiB (guest RAM is "
		               "backed by 2 MiB pages)",
		               (unsigned long long)mem_size);
	l->mem_size = mem_size;
	low = mem_size < X86_MMIO_HOLE_START ? mem_size : X86_MMIO_HOLE_START;
	l->ram[0] = (struct mem_range){ 0, low };
	l->nr_ram = 1;
	if (mem_size > low)
		l->ram[l->nr_ram++] =
		    (struct mem_range){ X86_MMIO_HOLE_END, X86_MMIO_HOLE_END + (mem_size - low) };
	return 0;
}

uint64_t x86_mem_layout_low_end(const struct x86_mem_layout *l)
{
	return l->ram[0].end;
}

static int e820_add(struct x86_e820_entry *out, unsigned int max, unsigned int *nr, uint64_t start,
                    uint64_t end, uint32_t type, struct err *e)
{
	if (start >= end)
		return 0;
	if (*nr == max)
		return err_set(e, ENOSPC, "E820 map: more than %u entries", max);
	out[(*nr)++] = (struct x86_e820_entry){ .addr = start, .size = end - start, .type = type };
	return 0;
}

int x86_mem_layout_e820(const struct x86_mem_layout *l, struct x86_e820_entry *out,
                        unsigned int max, unsigned int *nr, struct err *e)
{
	uint64_t low_end = x86_mem_layout_low_end(l);
	uint64_t ebda = low_end < X86_EBDA_START ? low_end : X86_EBDA_START;
	uint64_t hi = low_end < X86_HIGH_MEM_START ? low_end : X86_HIGH_MEM_START;
	unsigned int i;
	int ret;

	*nr = 0;
	ret = e820_add(out, max, nr, 0, ebda, X86_E820_RAM, e);
	if (!ret)
		ret = e820_add(out, max, nr, ebda, hi, X86_E820_RESERVED, e);
	if (!ret)
		ret = e820_add(out, max, nr, hi, low_end, X86_E820_RAM, e);
	for (i = 1; !ret && i < l->nr_ram; i++)
		ret = e820_add(out, max, nr, l->ram[i].start, l->ram[i].end, X86_E820_RAM, e);
	return ret;
}
