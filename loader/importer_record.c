// SPDX-License-Identifier: MIT
#include "importer_record.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/crc32.h"

static int fill_record(struct record_write *w, uint64_t gpa, uint64_t len, uint64_t data_off,
                       const void *data, uint64_t data_len, struct err *e)
{
	uint32_t crc;

	*w = (struct record_write){
		.gpa = gpa, .len = len, .data_off = data_off, .data_len = data_len
	};
	if (data_len) {
		w->data = malloc(data_len);
		if (!w->data)
			return err_set(e, ENOMEM,
			               "recording importer: out of memory for %llu bytes",
			               (unsigned long long)data_len);
		memcpy(w->data, data, data_len);
	}
	crc = crc32_zeros(0, data_off);
	crc = crc32_update(crc, w->data, data_len);
	w->crc32 = crc32_zeros(crc, len - data_off - data_len);
	return 0;
}

static int record_write(struct importer *imp, uint64_t gpa, uint64_t len, uint64_t data_off,
                        const void *data, uint64_t data_len, struct err *e)
{
	struct record_importer *ri = (struct record_importer *)imp;
	struct record_write *w;
	size_t i;

	/* A second write of the same range (a parameter area being filled) replaces the first. */
	for (i = 0; i < ri->nr_writes; i++) {
		if (ri->writes[i].gpa == gpa && ri->writes[i].len == len) {
			free(ri->writes[i].data);
			ri->writes[i].data = NULL;
			return fill_record(&ri->writes[i], gpa, len, data_off, data, data_len, e);
		}
	}

	if (ri->nr_writes == ri->cap_writes) {
		size_t ncap = ri->cap_writes ? ri->cap_writes * 2 : 32;
		void *n = realloc(ri->writes, ncap * sizeof(*w));

		if (!n)
			return err_set(e, ENOMEM, "recording importer: out of memory");
		ri->writes = n;
		ri->cap_writes = ncap;
	}
	w = &ri->writes[ri->nr_writes];
	if (fill_record(w, gpa, len, data_off, data, data_len, e))
		return -e->errnum;
	ri->nr_writes++;
	return 0;
}

static void record_destroy(struct importer *imp)
{
	struct record_importer *ri = (struct record_importer *)imp;
	size_t i;

	for (i = 0; i < ri->nr_writes; i++)
		free(ri->writes[i].data);
	free(ri->writes);
	ri->writes = NULL;
	ri->nr_writes = ri->cap_writes = 0;
}

static const struct importer_ops record_ops = {
	.name = "recording",
	.write = record_write,
	.destroy = record_destroy,
};

void record_importer_init(struct record_importer *ri, enum guest_arch arch,
                          const struct mem_range *ram, unsigned int nr_ram)
{
	memset(ri, 0, sizeof(*ri));
	importer_init(&ri->base, &record_ops, arch, ram, nr_ram);
}

const struct record_write *record_importer_find(const struct record_importer *ri, gpa_t gpa)
{
	size_t i;

	for (i = 0; i < ri->nr_writes; i++)
		if (gpa >= ri->writes[i].gpa && gpa - ri->writes[i].gpa < ri->writes[i].len)
			return &ri->writes[i];
	return NULL;
}

int record_importer_read(const struct record_importer *ri, gpa_t gpa, void *buf, uint64_t len,
                         struct err *e)
{
	uint8_t *out = buf;

	while (len) {
		const struct record_write *w = record_importer_find(ri, gpa);
		uint64_t off, n, i;

		if (!w)
			return err_set(e, ENOENT, "recording importer: nothing imported at 0x%llx",
			               (unsigned long long)gpa);
		off = gpa - w->gpa;
		n = w->len - off < len ? w->len - off : len;
		for (i = 0; i < n; i++) {
			uint64_t o = off + i;

			out[i] = (o >= w->data_off && o - w->data_off < w->data_len)
			             ? w->data[o - w->data_off]
			             : 0;
		}
		out += n;
		gpa += n;
		len -= n;
	}
	return 0;
}

int record_importer_read_cb(void *ctx, gpa_t gpa, void *buf, size_t len, struct err *e)
{
	return record_importer_read(ctx, gpa, buf, len, e);
}
