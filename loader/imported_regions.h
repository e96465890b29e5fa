/* SPDX-License-Identifier: MIT */
/*
 * The imported-regions page (LOADER-SPEC §5.5, the IGVM generator's
 * finalize): a SHA-384 over the shared pages, then one descriptor per run of
 * imported pages, so the boot shim neither accepts them a second time nor
 * trusts shared pages the host could have changed.
 */
#ifndef MINIVMM_LOADER_IMPORTED_REGIONS_H
#define MINIVMM_LOADER_IMPORTED_REGIONS_H

#include <stdint.h>

#include "loader/importer.h"
#include "loader/paravisor_defs.h"

#define IMPORTED_REGIONS_TAG "loader-imported-regions"
/* (4096 - 48) / 24: the descriptors that fit after the header. */
#define IMPORTED_REGIONS_MAX_DESCRIPTORS                                \
	((PV_PAGE_SIZE - sizeof(struct imported_regions_page_header)) / \
	 sizeof(struct imported_region_descriptor))

/*
 * Builds the page for imp's ranges as they stand: adjacent ranges with the
 * same tag and acceptance merge (parameter areas included), the page itself
 * is added as {page, 1, accepted}, and the list is sorted; accepted is
 * acceptance != BPA_SHARED. The header is SHA-384 over every shared page in
 * GPA order, read through read_guest, 4096 bytes each (no shared pages: the
 * hash of nothing). Zeros after the last descriptor end the list.
 * -EEXIST when page is already imported, -ENOSPC past 168 descriptors.
 */
int imported_regions_build(const struct importer *imp, uint64_t page,
                           int (*read_guest)(void *ctx, gpa_t gpa, void *buf, size_t len,
                                             struct err *e),
                           void *ctx, uint8_t out[PV_PAGE_SIZE], struct err *e);

/* Builds the page and imports it at page (EXCLUSIVE, tag "loader-imported-regions"). */
int imported_regions_import(struct importer *imp, uint64_t page,
                            int (*read_guest)(void *ctx, gpa_t gpa, void *buf, size_t len,
                                              struct err *e),
                            void *ctx, struct err *e);

#endif
