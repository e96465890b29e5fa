/* SPDX-License-Identifier: MIT */
/*
 * x86 guest RAM layout: --mem bytes of RAM split around the 32-bit MMIO hole
 * (RAM above 3 GiB continues at 4 GiB), and the E820 map derived from the
 * same data, so the RAM minivmm maps and the RAM Linux is told about cannot
 * disagree.
 */
#ifndef MINIVMM_ARCH_X86_64_MEM_LAYOUT_H
#define MINIVMM_ARCH_X86_64_MEM_LAYOUT_H

#include "arch/x86_64/bootparam.h"
#include "lib/err.h"
#include "loader/importer.h"

struct x86_mem_layout {
	uint64_t mem_size;
	struct mem_range ram[2]; /* below the hole; above 4 GiB (may be empty) */
	unsigned int nr_ram;
};

/* Fails unless X86_MEM_MIN <= mem_size <= X86_MEM_MAX and mem_size is 2 MiB aligned. */
int x86_mem_layout_init(struct x86_mem_layout *l, uint64_t mem_size, struct err *e);

/* End of the RAM range below the MMIO hole. */
uint64_t x86_mem_layout_low_end(const struct x86_mem_layout *l);

/*
 * Fills out[0..*nr) with the E820 map: low RAM up to the EBDA, the reserved
 * legacy window up to 1 MiB, RAM from 1 MiB, RAM above 4 GiB.
 */
int x86_mem_layout_e820(const struct x86_mem_layout *l, struct x86_e820_entry *out,
                        unsigned int max, unsigned int *nr, struct err *e);

#endif
