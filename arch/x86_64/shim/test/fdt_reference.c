// SPDX-License-Identifier: MIT
#include "fdt_reference.h"

#include <check.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/x86_64/shim/fdt.h"
#include "loader/paravisor_defs.h"

static void print_value(FILE *f, const void *v, size_t len)
{
	const unsigned char *p = v;
	size_t i;

	for (i = 0; i < len; i++)
		fprintf(f, "%02x", p[i]);
}

char *ref_fdt_events(const void *fdt)
{
	int off = 0, next, depth = 0, len;
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);
	uint32_t tag;

	do {
		tag = fdt_next_tag(fdt, off, &next);
		ck_assert_int_ge(next, 0);
		if (tag == FDT_BEGIN_NODE) {
			fprintf(f, "B%d %s\n", depth++, fdt_get_name(fdt, off, &len));
		} else if (tag == FDT_PROP) {
			const struct fdt_property *p = fdt_get_property_by_offset(fdt, off, &len);

			ck_assert_ptr_nonnull(p);
			fprintf(f, "P%d %s=", depth - 1, fdt_string(fdt, fdt32_to_cpu(p->nameoff)));
			print_value(f, p->data, (size_t)len);
			fputc('\n', f);
		} else if (tag == FDT_END_NODE) {
			fprintf(f, "E%d\n", --depth);
		}
		off = next;
	} while (tag != FDT_END);
	fclose(f);
	return text;
}

struct events {
	FILE *f;
};

static int print_token(void *ctx, const struct shim_fdt_token *t, unsigned int depth,
                       struct shim_err *e)
{
	struct events *ev = ctx;

	(void)e;
	if (t->type == SHIM_FDT_BEGIN_NODE) {
		fprintf(ev->f, "B%u %.*s\n", depth, (int)t->name_len, t->name);
	} else if (t->type == SHIM_FDT_PROP) {
		fprintf(ev->f, "P%u %.*s=", depth, (int)t->name_len, t->name);
		print_value(ev->f, t->value, t->len);
		fputc('\n', ev->f);
	} else {
		fprintf(ev->f, "E%u\n", depth);
	}
	return 0;
}

char *shim_fdt_events(const void *fdt, size_t avail)
{
	struct shim_fdt f;
	struct shim_err e = { 0 };
	char *text = NULL;
	size_t size = 0;
	struct events ev;
	int ret;

	if (shim_fdt_init(&f, fdt, avail, &e))
		return NULL;
	ev.f = open_memstream(&text, &size);
	ret = shim_fdt_walk(&f, print_token, &ev, &e);
	fclose(ev.f);
	if (ret) {
		free(text);
		return NULL;
	}
	return text;
}

/* ---- extraction through libfdt ------------------------------------------ */

static uint32_t cells(const void *fdt, int root, const char *name, uint32_t dflt)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, root, name, &len);

	if (!p)
		return dflt;
	return len == 4 ? fdt32_to_cpu(*p) : 0;
}

static bool node_is(const char *name, const char *base)
{
	size_t n = strlen(base);

	return strncmp(name, base, n) == 0 && (name[n] == '\0' || name[n] == '@');
}

static int ref_memory_node(const void *fdt, int node, struct shim_dt_info *o)
{
	int len, tlen, i;
	const uint8_t *reg = fdt_getprop(fdt, node, "reg", &len);
	const fdt32_t *type = fdt_getprop(fdt, node, PV_DT_IGVM_TYPE_PROPERTY, &tlen);
	uint32_t t = IGVM_MEMORY_MAP_ENTRY_MEMORY;

	if (!reg || len % 16)
		return -1;
	if (type &&
	    (tlen != 4 || (t = fdt32_to_cpu(*type)) > IGVM_MEMORY_MAP_ENTRY_VTL2_PROTECTABLE))
		return -1;
	for (i = 0; i < len; i += 16) {
		uint64_t start = shim_fdt_be64(reg + i), size = shim_fdt_be64(reg + i + 8);

		if (!size)
			continue;
		if (start + size < start || o->nr_memory == SHIM_DT_MAX_MEMORY_RANGES)
			return -1;
		o->memory[o->nr_memory++] = (struct shim_dt_range){ start, size, t };
	}
	return 0;
}

static int ref_chosen(const void *fdt, int node, struct shim_dt_info *o)
{
	int len;
	const char *p = fdt_getprop(fdt, node, "bootargs", &len);

	if (!p || o->bootargs)
		return 0;
	if (len && !memchr(p, '\0', (size_t)len))
		return -1;
	o->bootargs = p;
	o->bootargs_len = (uint32_t)strnlen(p, (size_t)len);
	return 0;
}

static void ref_cpus(const void *fdt, int node, struct shim_dt_info *o)
{
	int cpu;

	fdt_for_each_subnode(cpu, fdt, node) {
		if (node_is(fdt_get_name(fdt, cpu, NULL), "cpu"))
			o->nr_cpus++;
	}
}

static int ref_mem_rsv(const void *fdt, struct shim_dt_info *o)
{
	int i, n = fdt_num_mem_rsv(fdt);

	if (n < 0 || n > SHIM_DT_MAX_MEM_RSV)
		return -1;
	for (i = 0; i < n; i++)
		fdt_get_mem_rsv(fdt, i, &o->mem_rsv[i].start, &o->mem_rsv[i].size);
	o->nr_mem_rsv = (unsigned int)n;
	return 0;
}

int ref_dt_read(const void *fdt, struct shim_dt_info *out)
{
	struct shim_dt_info *o = out;
	int node, ret = 0, root = fdt_path_offset(fdt, "/");
	unsigned int nodes = 0;

	memset(o, 0, sizeof(*o));
	o->totalsize = fdt_totalsize(fdt);
	if (root < 0)
		return -1;
	ret = ref_mem_rsv(fdt, o);
	fdt_for_each_subnode(node, fdt, root) {
		const char *name = fdt_get_name(fdt, node, NULL);

		if (node_is(name, "memory"))
			ret |=
			    ++nodes > SHIM_DT_MAX_MEMORY_NODES ? -1 : ref_memory_node(fdt, node, o);
		else if (strcmp(name, "chosen") == 0)
			ret |= ref_chosen(fdt, node, o);
		else if (strcmp(name, "cpus") == 0)
			ref_cpus(fdt, node, o);
	}
	if (cells(fdt, root, "#address-cells", 2) != 2 || cells(fdt, root, "#size-cells", 1) != 2)
		ret = -1;
	return ret ? -1 : 0;
}

void assert_dt_info_eq(const struct shim_dt_info *a, const struct shim_dt_info *b)
{
	unsigned int i;

	ck_assert_uint_eq(a->totalsize, b->totalsize);
	ck_assert_uint_eq(a->nr_cpus, b->nr_cpus);
	ck_assert_uint_eq(a->nr_memory, b->nr_memory);
	for (i = 0; i < a->nr_memory; i++) {
		ck_assert_uint_eq(a->memory[i].start, b->memory[i].start);
		ck_assert_uint_eq(a->memory[i].size, b->memory[i].size);
		ck_assert_uint_eq(a->memory[i].igvm_type, b->memory[i].igvm_type);
	}
	ck_assert_uint_eq(a->nr_mem_rsv, b->nr_mem_rsv);
	for (i = 0; i < a->nr_mem_rsv; i++) {
		ck_assert_uint_eq(a->mem_rsv[i].start, b->mem_rsv[i].start);
		ck_assert_uint_eq(a->mem_rsv[i].size, b->mem_rsv[i].size);
	}
	ck_assert_int_eq(!a->bootargs, !b->bootargs);
	ck_assert_uint_eq(a->bootargs_len, b->bootargs_len);
	if (a->bootargs)
		ck_assert_mem_eq(a->bootargs, b->bootargs, a->bootargs_len);
}
