// SPDX-License-Identifier: MIT
#include "mem_importer.h"

#include <string.h>

static int mem_write(struct importer *imp, uint64_t gpa, uint64_t len, uint64_t data_off,
                     const void *data, uint64_t data_len, struct err *e)
{
	struct mem_importer *mi = (struct mem_importer *)imp;
	uint64_t tail = len - data_off - data_len;
	int ret;

	ret = guest_mem_fill(mi->gm, gpa, 0, data_off, e);
	if (!ret && data_len)
		ret = guest_mem_write(mi->gm, gpa + data_off, data, data_len, e);
	if (!ret)
		ret = guest_mem_fill(mi->gm, gpa + data_off + data_len, 0, tail, e);
	return ret;
}

static int mem_write_file(struct importer *imp, uint64_t gpa, uint64_t len, uint64_t data_off,
                          int fd, uint64_t file_off, const char *name, uint64_t data_len,
                          struct err *e)
{
	struct mem_importer *mi = (struct mem_importer *)imp;
	uint64_t tail = len - data_off - data_len;
	int ret;

	ret = guest_mem_fill(mi->gm, gpa, 0, data_off, e);
	if (!ret)
		ret = guest_mem_read_file(mi->gm, gpa + data_off, fd, file_off, data_len, name, e);
	if (!ret)
		ret = guest_mem_fill(mi->gm, gpa + data_off + data_len, 0, tail, e);
	return ret;
}

static const struct importer_ops mem_ops = {
	.name = "guest-memory",
	.write = mem_write,
	.write_file = mem_write_file,
};

void mem_importer_init(struct mem_importer *mi, struct guest_mem *gm, enum guest_arch arch)
{
	struct mem_range ram[IMPORTER_MAX_RAM_RANGES];
	unsigned int i, n = 0;

	for (i = 0; i < gm->nr_regions && n < IMPORTER_MAX_RAM_RANGES; i++) {
		const struct guest_mem_region *r = &gm->regions[i];

		if (n && ram[n - 1].end == r->gpa)
			ram[n - 1].end += r->size;
		else
			ram[n++] = (struct mem_range){ r->gpa, r->gpa + r->size };
	}
	memset(mi, 0, sizeof(*mi));
	importer_init(&mi->base, &mem_ops, arch, ram, n);
	mi->gm = gm;
}

int mem_importer_read(void *ctx, gpa_t gpa, void *buf, size_t len, struct err *e)
{
	struct mem_importer *mi = ctx;

	return guest_mem_read(mi->gm, gpa, buf, len, e);
}
