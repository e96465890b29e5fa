// SPDX-License-Identifier: MIT
#include "imported_regions.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/sha512.h"

#define U(x) ((unsigned long long)(x))

_Static_assert(sizeof(struct imported_regions_page_header) == 48, "header is a SHA-384");
_Static_assert(sizeof(struct imported_region_descriptor) == 24, "descriptor layout");
_Static_assert(IMPORTED_REGIONS_MAX_DESCRIPTORS == 168, "168 descriptors fit in a page");

static bool same_tag(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* ranges[i] continues the run that ranges[i - 1] belongs to. */
static bool merges_with_previous(const struct importer *imp, size_t i)
{
	const struct importer_range *p = &imp->ranges[i - 1], *r = &imp->ranges[i];

	return p->page_base + p->page_count == r->page_base && p->acceptance == r->acceptance &&
	       same_tag(p->tag, r->tag);
}

static void put_descriptor(uint8_t *out, size_t *n, uint64_t base, uint64_t count, bool accepted)
{
	struct imported_region_descriptor d = { .base_page_number = base,
		                                .page_count = count,
		                                .accepted = accepted };

	memcpy(out + sizeof(struct imported_regions_page_header) + *n * sizeof(d), &d, sizeof(d));
	(*n)++;
}

/* The merged runs, with the page's own descriptor in its sorted place. */
static int write_descriptors(const struct importer *imp, uint64_t page, uint8_t *out, struct err *e)
{
	size_t runs = 0, n = 0, i, j;
	bool own_written = false;

	for (i = 0; i < imp->nr_ranges; i++)
		runs += !(i && merges_with_previous(imp, i));
	if (runs + 1 > IMPORTED_REGIONS_MAX_DESCRIPTORS)
		return err_set(e, ENOSPC,
		               "%zu descriptors (%zu runs + the page) exceed the %zu that fit",
		               runs + 1, runs, (size_t)IMPORTED_REGIONS_MAX_DESCRIPTORS);
	for (i = 0; i < imp->nr_ranges; i = j) {
		const struct importer_range *r = &imp->ranges[i];
		uint64_t count = r->page_count;

		for (j = i + 1; j < imp->nr_ranges && merges_with_previous(imp, j); j++)
			count += imp->ranges[j].page_count;
		if (!own_written && page < r->page_base) {
			put_descriptor(out, &n, page, 1, true);
			own_written = true;
		}
		put_descriptor(out, &n, r->page_base, count, r->acceptance != BPA_SHARED);
	}
	if (!own_written)
		put_descriptor(out, &n, page, 1, true);
	return 0;
}

/* SHA-384 over every shared page in GPA order (the ranges are sorted). */
static int hash_shared_pages(const struct importer *imp,
                             int (*read_guest)(void *ctx, gpa_t gpa, void *buf, size_t len,
                                               struct err *e),
                             void *ctx, uint8_t hash[SHA384_DIGEST_SIZE], struct err *e)
{
	struct sha512_ctx c;
	uint8_t *buf = NULL;
	size_t i;
	uint64_t p;
	int ret = 0;

	sha384_init(&c);
	for (i = 0; i < imp->nr_ranges && !ret; i++) {
		const struct importer_range *r = &imp->ranges[i];

		if (r->acceptance != BPA_SHARED)
			continue;
		if (!buf && !(buf = malloc(PAGE_SIZE)))
			return err_set(e, ENOMEM, "out of memory");
		for (p = r->page_base; p < r->page_base + r->page_count && !ret; p++) {
			ret = read_guest(ctx, p << PAGE_SHIFT, buf, PAGE_SIZE, e);
			if (ret)
				ret = err_prefix(e, "hashing shared page 0x%llx of '%s'",
				                 U(p << PAGE_SHIFT), r->tag);
			else
				sha384_update(&c, buf, PAGE_SIZE);
		}
	}
	free(buf);
	if (!ret)
		sha384_final(&c, hash);
	return ret;
}

int imported_regions_build(const struct importer *imp, uint64_t page,
                           int (*read_guest)(void *ctx, gpa_t gpa, void *buf, size_t len,
                                             struct err *e),
                           void *ctx, uint8_t out[PV_PAGE_SIZE], struct err *e)
{
	const struct importer_range *taken;
	struct imported_regions_page_header h;
	int ret;

	memset(out, 0, PV_PAGE_SIZE);
	if (page > (UINT64_MAX >> PAGE_SHIFT))
		return err_set(e, EINVAL,
		               "imported regions: page 0x%llx is beyond 64-bit addresses", U(page));
	taken = importer_find_range(imp, page << PAGE_SHIFT);
	if (taken)
		return err_set(e, EEXIST,
		               "imported regions: page 0x%llx is already imported as '%s'",
		               U(page << PAGE_SHIFT), taken->tag);
	ret = write_descriptors(imp, page, out, e);
	if (!ret)
		ret = hash_shared_pages(imp, read_guest, ctx, h.sha384_hash, e);
	if (ret) {
		memset(out, 0, PV_PAGE_SIZE);
		return err_prefix(e, "imported regions page 0x%llx", U(page << PAGE_SHIFT));
	}
	memcpy(out, &h, sizeof(h));
	return 0;
}

int imported_regions_import(struct importer *imp, uint64_t page,
                            int (*read_guest)(void *ctx, gpa_t gpa, void *buf, size_t len,
                                              struct err *e),
                            void *ctx, struct err *e)
{
	uint8_t *buf = malloc(PV_PAGE_SIZE);
	int ret;

	if (!buf)
		return err_set(e, ENOMEM, "imported regions: out of memory");
	ret = imported_regions_build(imp, page, read_guest, ctx, buf, e);
	if (!ret)
		ret = importer_import_pages(imp, page, 1, IMPORTED_REGIONS_TAG, BPA_EXCLUSIVE, buf,
		                            PV_PAGE_SIZE, e);
	free(buf);
	return ret;
}
