// SPDX-License-Identifier: MIT
#include "arch/x86_64/shim/e820.h"

#define U(x) ((unsigned long long)(x))

uint32_t shim_e820_type(uint32_t igvm_type)
{
	switch (igvm_type) {
	case IGVM_MEMORY_MAP_ENTRY_MEMORY:
	case IGVM_MEMORY_MAP_ENTRY_VTL2_PROTECTABLE:
		return X86_E820_RAM;
	case IGVM_MEMORY_MAP_ENTRY_PERSISTENT:
		return SHIM_E820_PMEM;
	default: /* PLATFORM_RESERVED; dt.c refuses anything else */
		return X86_E820_RESERVED;
	}
}

static uint64_t entry_end(const struct x86_e820_entry *x)
{
	return x->addr + x->size; /* every range was checked not to wrap */
}

/* Insertion sort by address: at most SHIM_DT_MAX_MEMORY_RANGES entries. */
static void sort_entries(struct shim_e820_map *m)
{
	unsigned int i, j;

	for (i = 1; i < m->n; i++) {
		struct x86_e820_entry x = m->e[i];

		for (j = i; j > 0 && m->e[j - 1].addr > x.addr; j--)
			m->e[j] = m->e[j - 1];
		m->e[j] = x;
	}
}

static int add_dt_ranges(const struct shim_dt_info *dt, struct shim_e820_map *m, struct shim_err *e)
{
	unsigned int i;

	m->n = 0;
	for (i = 0; i < dt->nr_memory; i++)
		m->e[m->n++] = (struct x86_e820_entry){ dt->memory[i].start, dt->memory[i].size,
			                                shim_e820_type(dt->memory[i].igvm_type) };
	sort_entries(m);
	for (i = 1; i < m->n; i++) {
		if (entry_end(&m->e[i - 1]) > m->e[i].addr)
			return shim_err_set(
			    e, SHIM_EINVAL,
			    "device tree: memory [0x%llx, 0x%llx) overlaps [0x%llx, "
			    "0x%llx)",
			    U(m->e[i - 1].addr), U(entry_end(&m->e[i - 1])), U(m->e[i].addr),
			    U(entry_end(&m->e[i])));
	}
	return 0;
}

/* Is [start, end) covered, without gaps, by RAM entries? */
static int check_ram(const struct shim_e820_map *m, uint64_t start, uint64_t end,
                     struct shim_err *e)
{
	uint64_t at = start;
	unsigned int i;

	for (i = 0; i < m->n && at < end; i++) {
		if (entry_end(&m->e[i]) <= at)
			continue;
		if (m->e[i].addr > at || m->e[i].type != X86_E820_RAM)
			break;
		at = entry_end(&m->e[i]);
	}
	if (at < end)
		return shim_err_set(
		    e, SHIM_EINVAL,
		    "device tree: VTL2 memory [0x%llx, 0x%llx) is not all RAM: 0x%llx "
		    "is not",
		    U(start), U(end), U(at));
	return 0;
}

static int push(struct x86_e820_entry *out, unsigned int *n, uint64_t start, uint64_t end,
                uint32_t type, struct shim_err *e)
{
	if (start >= end)
		return 0;
	if (*n == SHIM_E820_WORK_MAX)
		return shim_err_set(e, SHIM_ENOSPC, "more than %u E820 entries while carving",
		                    SHIM_E820_WORK_MAX);
	out[(*n)++] = (struct x86_e820_entry){ start, end - start, type };
	return 0;
}

/* Gives the parts of existing entries inside [start, end) the type `type`. */
static int carve(struct shim_e820_map *m, uint64_t start, uint64_t end, uint32_t type,
                 struct shim_err *e)
{
	unsigned int i, n = 0;
	int ret = 0;

	for (i = 0; !ret && i < m->n; i++) {
		const struct x86_e820_entry *x = &m->e[i];
		uint64_t xs = x->addr, xe = entry_end(x);
		uint64_t cs = start > xs ? start : xs, ce = end < xe ? end : xe;

		if (cs >= ce) {
			ret = push(m->tmp, &n, xs, xe, x->type, e);
			continue;
		}
		ret = push(m->tmp, &n, xs, cs, x->type, e);
		if (!ret)
			ret = push(m->tmp, &n, cs, ce, type, e);
		if (!ret)
			ret = push(m->tmp, &n, ce, xe, x->type, e);
	}
	if (ret)
		return ret;
	shim_memcpy(m->e, m->tmp, n * sizeof(m->e[0]));
	m->n = n;
	return 0;
}

static int carve_shim_regions(const struct shim_layout *l, struct shim_e820_map *m,
                              struct shim_err *e)
{
	int ret = carve(m, l->mem_start, l->kernel_start, X86_E820_RESERVED, e);
	uint64_t initrd_end = l->initrd.start + shim_align_up(l->initrd.size, SHIM_PAGE_SIZE);

	if (ret)
		return ret;
	if (!l->initrd.size)
		return carve(m, l->kernel_limit, l->used_end, X86_E820_RESERVED, e);
	ret = carve(m, l->kernel_limit, l->initrd.start, X86_E820_RESERVED, e);
	if (!ret)
		ret = carve(m, initrd_end, l->used_end, X86_E820_RESERVED, e);
	return ret;
}

static void merge_adjacent(struct shim_e820_map *m)
{
	unsigned int i, n = 0;

	for (i = 0; i < m->n; i++) {
		if (n && m->e[n - 1].type == m->e[i].type &&
		    entry_end(&m->e[n - 1]) == m->e[i].addr)
			m->e[n - 1].size += m->e[i].size;
		else
			m->e[n++] = m->e[i];
	}
	m->n = n;
}

int shim_e820_build(const struct shim_dt_info *dt, const struct shim_layout *l,
                    struct shim_e820_map *m, struct shim_err *e)
{
	unsigned int i;
	int ret = add_dt_ranges(dt, m, e);

	if (!ret)
		ret = check_ram(m, l->mem_start, l->mem_end, e);
	if (!ret)
		ret = carve_shim_regions(l, m, e);
	for (i = 0; !ret && i < dt->nr_mem_rsv; i++) {
		uint64_t end;

		if (!shim_range_end(dt->mem_rsv[i].start, dt->mem_rsv[i].size, &end))
			end = UINT64_MAX;
		ret = carve(m, dt->mem_rsv[i].start, end, X86_E820_RESERVED, e);
	}
	if (ret)
		return ret;
	merge_adjacent(m);
	if (m->n > X86_E820_MAX_ENTRIES_ZEROPAGE)
		return shim_err_set(e, SHIM_ENOSPC, "%u E820 entries, more than the zero page's %u",
		                    m->n, X86_E820_MAX_ENTRIES_ZEROPAGE);
	return 0;
}
