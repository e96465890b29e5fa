// SPDX-License-Identifier: MIT
#include "pagetables.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define ENTRIES_PER_TABLE 512

void x86_pagetables_build_identity_4g(gpa_t pt_gpa, uint64_t *out)
{
	uint64_t *pml4 = out, *pdpt = out + ENTRIES_PER_TABLE;
	unsigned int gib, i;

	memset(out, 0, X86_IDENTITY_4G_TABLES * PAGE_SIZE);
	pml4[0] = (pt_gpa + PAGE_SIZE) | X86_PTE_DIR;
	for (gib = 0; gib < 4; gib++) {
		uint64_t *pd = out + (2 + gib) * ENTRIES_PER_TABLE;

		pdpt[gib] = (pt_gpa + (2 + gib) * PAGE_SIZE) | X86_PTE_DIR;
		for (i = 0; i < ENTRIES_PER_TABLE; i++)
			pd[i] = (gib * SZ_1G + i * SZ_2M) | X86_PTE_LEAF2M;
	}
}

int x86_import_identity_pagetables(struct importer *imp, gpa_t pt_gpa, struct err *e)
{
	uint64_t *tables = malloc(X86_IDENTITY_4G_TABLES * PAGE_SIZE);
	int ret;

	if (!tables)
		return err_set(e, ENOMEM, "page tables: out of memory");
	x86_pagetables_build_identity_4g(pt_gpa, tables);
	ret = importer_import_pages(imp, pt_gpa >> PAGE_SHIFT, X86_IDENTITY_4G_TABLES,
	                            "x86-pagetables", BPA_EXCLUSIVE, tables,
	                            X86_IDENTITY_4G_TABLES * PAGE_SIZE, e);
	free(tables);
	return ret;
}
