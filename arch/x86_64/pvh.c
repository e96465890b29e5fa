// SPDX-License-Identifier: MIT
#include "pvh.h"

#include <string.h>

static unsigned int memmap_entries(const struct x86_pvh_config *c)
{
	return c->nr_e820 < X86_PVH_MEMMAP_MAX ? c->nr_e820 : (unsigned int)X86_PVH_MEMMAP_MAX;
}

void x86_pvh_build_start_info(uint8_t *page, const struct x86_pvh_config *c)
{
	struct x86_pvh_start_info si = {
		.magic = X86_PVH_START_MAGIC,
		.version = X86_PVH_START_VERSION,
		.cmdline_paddr = c->cmdline_gpa,
		.memmap_paddr = c->memmap_gpa,
		.rsdp_paddr = c->rsdp_gpa,
		.memmap_entries = memmap_entries(c),
	};

	memset(page, 0, PAGE_SIZE);
	if (c->initrd_size) {
		struct x86_pvh_modlist_entry mod = { .paddr = c->initrd_gpa,
			                             .size = c->initrd_size };

		si.nr_modules = 1;
		si.modlist_paddr = c->start_info_gpa + X86_PVH_MODLIST_OFFSET;
		memcpy(page + X86_PVH_MODLIST_OFFSET, &mod, sizeof(mod));
	}
	memcpy(page, &si, sizeof(si));
}

void x86_pvh_build_memmap(uint8_t *page, const struct x86_pvh_config *c)
{
	unsigned int i, n = memmap_entries(c);

	memset(page, 0, PAGE_SIZE);
	for (i = 0; i < n; i++) {
		struct x86_pvh_memmap_entry m = { .addr = c->e820[i].addr,
			                          .size = c->e820[i].size,
			                          .type = c->e820[i].type };

		memcpy(page + i * sizeof(m), &m, sizeof(m));
	}
}
