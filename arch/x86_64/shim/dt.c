// SPDX-License-Identifier: MIT
#include "arch/x86_64/shim/dt.h"

#include "arch/x86_64/shim/fdt.h"
#include "loader/paravisor_defs.h"

enum top_node { TOP_OTHER, TOP_MEMORY, TOP_CHOSEN, TOP_CPUS };

/* A memory node's properties, decoded once the root's cells are known. */
struct memory_node {
	const char *name;
	uint32_t name_len;
	const uint8_t *reg, *type;
	uint32_t reg_len, type_len;
	bool has_reg, has_type;
};

struct dt_walk {
	struct shim_dt_info *out;
	enum top_node top; /* the depth-1 node we are in */
	const uint8_t *address_cells, *size_cells;
	uint32_t address_cells_len, size_cells_len;
	bool has_address_cells, has_size_cells;
	struct memory_node nodes[SHIM_DT_MAX_MEMORY_NODES];
	unsigned int nr_nodes;
};

static bool name_is(const struct shim_fdt_token *t, const char *s)
{
	return t->name_len == shim_strlen(s) && shim_memcmp(t->name, s, t->name_len) == 0;
}

/* "base" or "base@unit" */
static bool node_is(const struct shim_fdt_token *t, const char *base)
{
	size_t n = shim_strlen(base);

	return shim_str_starts_with(t->name, t->name_len, base) &&
	       (t->name_len == n || t->name[n] == '@');
}

static int begin_top_node(struct dt_walk *w, const struct shim_fdt_token *t, struct shim_err *e)
{
	w->top = TOP_OTHER;
	if (node_is(t, "memory")) {
		if (w->nr_nodes == SHIM_DT_MAX_MEMORY_NODES)
			return shim_err_set(e, SHIM_ENOSPC,
			                    "device tree: more than %u memory nodes",
			                    SHIM_DT_MAX_MEMORY_NODES);
		w->nodes[w->nr_nodes++] =
		    (struct memory_node){ .name = t->name, .name_len = t->name_len };
		w->top = TOP_MEMORY;
	} else if (name_is(t, "chosen")) {
		w->top = TOP_CHOSEN;
	} else if (name_is(t, "cpus")) {
		w->top = TOP_CPUS;
	}
	return 0;
}

/* The first occurrence of a property wins, as with libfdt's fdt_getprop. */
static void keep_first(const struct shim_fdt_token *t, bool *has, const uint8_t **value,
                       uint32_t *len)
{
	if (*has)
		return;
	*has = true;
	*value = t->value;
	*len = t->len;
}

static void root_prop(struct dt_walk *w, const struct shim_fdt_token *t)
{
	if (name_is(t, "#address-cells"))
		keep_first(t, &w->has_address_cells, &w->address_cells, &w->address_cells_len);
	else if (name_is(t, "#size-cells"))
		keep_first(t, &w->has_size_cells, &w->size_cells, &w->size_cells_len);
}

static int top_prop(struct dt_walk *w, const struct shim_fdt_token *t, struct shim_err *e)
{
	struct memory_node *m = w->top == TOP_MEMORY ? &w->nodes[w->nr_nodes - 1] : NULL;
	struct shim_dt_info *o = w->out;

	if (m && name_is(t, "reg")) {
		keep_first(t, &m->has_reg, &m->reg, &m->reg_len);
	} else if (m && name_is(t, PV_DT_IGVM_TYPE_PROPERTY)) {
		keep_first(t, &m->has_type, &m->type, &m->type_len);
	} else if (w->top == TOP_CHOSEN && name_is(t, "bootargs") && !o->bootargs) {
		/* a string property: its first string, which must end inside the value */
		o->bootargs_len = (uint32_t)shim_strnlen((const char *)t->value, t->len);
		if (o->bootargs_len == t->len && t->len)
			return shim_err_set(e, SHIM_EBADFDT,
			                    "device tree: /chosen/bootargs (%u bytes) is not "
			                    "NUL-terminated",
			                    t->len);
		o->bootargs = (const char *)t->value;
	}
	return 0;
}

static int visit(void *ctx, const struct shim_fdt_token *t, unsigned int depth, struct shim_err *e)
{
	struct dt_walk *w = ctx;

	if (t->type == SHIM_FDT_BEGIN_NODE && depth == 1)
		return begin_top_node(w, t, e);
	if (t->type == SHIM_FDT_BEGIN_NODE && depth == 2 && w->top == TOP_CPUS && node_is(t, "cpu"))
		w->out->nr_cpus++;
	if (t->type == SHIM_FDT_PROP && depth == 0)
		root_prop(w, t);
	if (t->type == SHIM_FDT_PROP && depth == 1)
		return top_prop(w, t, e);
	if (t->type == SHIM_FDT_END_NODE && depth == 1)
		w->top = TOP_OTHER;
	return 0;
}

static int check_cells(const struct dt_walk *w, struct shim_err *e)
{
	/* DTSpec defaults when absent: 2 address cells, 1 size cell */
	uint32_t ac = 2, sc = 1;

	if (w->has_address_cells)
		ac = w->address_cells_len == 4 ? shim_fdt_be32(w->address_cells) : 0;
	if (w->has_size_cells)
		sc = w->size_cells_len == 4 ? shim_fdt_be32(w->size_cells) : 0;
	if (ac != SHIM_DT_ROOT_CELLS || sc != SHIM_DT_ROOT_CELLS)
		return shim_err_set(e, SHIM_EBADFDT,
		                    "device tree: root #address-cells %u, #size-cells %u; need %u "
		                    "and %u",
		                    ac, sc, SHIM_DT_ROOT_CELLS, SHIM_DT_ROOT_CELLS);
	return 0;
}

static int node_type(const struct memory_node *m, uint32_t *type, struct shim_err *e)
{
	*type = IGVM_MEMORY_MAP_ENTRY_MEMORY; /* a plain DT without the property */
	if (!m->has_type)
		return 0;
	if (m->type_len != 4)
		return shim_err_set(e, SHIM_EBADFDT, "device tree: %.*s: %s is %u bytes, not 4",
		                    (int)m->name_len, m->name, PV_DT_IGVM_TYPE_PROPERTY,
		                    m->type_len);
	*type = shim_fdt_be32(m->type);
	if (*type > IGVM_MEMORY_MAP_ENTRY_VTL2_PROTECTABLE)
		return shim_err_set(e, SHIM_EBADFDT, "device tree: %.*s: unknown %s %u",
		                    (int)m->name_len, m->name, PV_DT_IGVM_TYPE_PROPERTY, *type);
	return 0;
}

static int add_ranges(struct shim_dt_info *o, const struct memory_node *m, struct shim_err *e)
{
	uint32_t type, i;
	uint64_t end;
	int ret;

	if (!m->has_reg)
		return shim_err_set(e, SHIM_EBADFDT, "device tree: %.*s has no reg",
		                    (int)m->name_len, m->name);
	if (m->reg_len % 16)
		return shim_err_set(e, SHIM_EBADFDT,
		                    "device tree: %.*s: reg is %u bytes, not (u64 start, u64 size) "
		                    "pairs",
		                    (int)m->name_len, m->name, m->reg_len);
	ret = node_type(m, &type, e);
	for (i = 0; !ret && i < m->reg_len; i += 16) {
		struct shim_dt_range r = { shim_fdt_be64(m->reg + i), shim_fdt_be64(m->reg + i + 8),
			                   type };

		if (!r.size)
			continue;
		if (!shim_range_end(r.start, r.size, &end))
			return shim_err_set(e, SHIM_ERANGE,
			                    "device tree: %.*s: range 0x%llx + 0x%llx wraps",
			                    (int)m->name_len, m->name, (unsigned long long)r.start,
			                    (unsigned long long)r.size);
		if (o->nr_memory == SHIM_DT_MAX_MEMORY_RANGES)
			return shim_err_set(e, SHIM_ENOSPC,
			                    "device tree: more than %u memory ranges",
			                    SHIM_DT_MAX_MEMORY_RANGES);
		o->memory[o->nr_memory++] = r;
	}
	return ret;
}

static int read_mem_rsv(const struct shim_fdt *f, struct shim_dt_info *o, struct shim_err *e)
{
	uint64_t addr, size;
	int ret;

	while ((ret = shim_fdt_mem_rsv(f, o->nr_mem_rsv, &addr, &size, e)) > 0) {
		if (o->nr_mem_rsv == SHIM_DT_MAX_MEM_RSV)
			return shim_err_set(e, SHIM_ENOSPC,
			                    "device tree: more than %u /memreserve/ entries",
			                    SHIM_DT_MAX_MEM_RSV);
		o->mem_rsv[o->nr_mem_rsv].start = addr;
		o->mem_rsv[o->nr_mem_rsv++].size = size;
	}
	return ret;
}

int shim_dt_read(const void *dtb, uint64_t avail, struct shim_dt_info *out, struct shim_err *e)
{
	static struct dt_walk w; /* too big for the shim's stack; the shim is single-threaded */
	struct shim_fdt f = { 0 };
	unsigned int i;
	int ret;

	shim_memset(out, 0, sizeof(*out));
	shim_memset(&w, 0, sizeof(w));
	w.out = out;
	ret = shim_fdt_init(&f, dtb, avail, e);
	if (!ret)
		ret = read_mem_rsv(&f, out, e);
	if (!ret)
		ret = shim_fdt_walk(&f, visit, &w, e);
	if (!ret)
		ret = check_cells(&w, e);
	for (i = 0; !ret && i < w.nr_nodes; i++)
		ret = add_ranges(out, &w.nodes[i], e);
	out->totalsize = f.totalsize;
	return ret;
}
