// SPDX-License-Identifier: MIT
#include "arch/x86_64/shim/fdt.h"

#define FDT_TAG_SIZE 4U
#define FDT_RSV_SIZE 16U

/* Header fields, in their order (big-endian u32 each). */
enum {
	HDR_MAGIC,
	HDR_TOTALSIZE,
	HDR_OFF_STRUCT,
	HDR_OFF_STRINGS,
	HDR_OFF_RSVMAP,
	HDR_VERSION,
	HDR_LAST_COMP,
	HDR_BOOT_CPUID,
	HDR_SIZE_STRINGS,
	HDR_SIZE_STRUCT,
};

static uint32_t hdr_field(const uint8_t *blob, unsigned int i)
{
	return shim_fdt_be32(blob + 4 * i);
}

/* [off, off + size) inside [min, total)? In 64 bits: no wrap-around. */
static bool block_ok(uint32_t off, uint64_t size, uint32_t min, uint32_t total)
{
	return off >= min && (uint64_t)off + size <= total;
}

static int check_version(const uint8_t *blob, struct shim_err *e)
{
	uint32_t version = hdr_field(blob, HDR_VERSION);
	uint32_t last_comp = hdr_field(blob, HDR_LAST_COMP);

	if (version < SHIM_FDT_MIN_VERSION || last_comp > SHIM_FDT_LAST_COMPATIBLE ||
	    last_comp > version)
		return shim_err_set(e, SHIM_EBADFDT,
		                    "device tree: version %u (last compatible %u) not supported, "
		                    "need >= %u",
		                    version, last_comp, SHIM_FDT_MIN_VERSION);
	return 0;
}

static int check_blocks(struct shim_fdt *f, uint32_t hdr_size, struct shim_err *e)
{
	if (f->rsvmap_off < hdr_size || f->rsvmap_off > f->totalsize)
		return shim_err_set(e, SHIM_EBADFDT,
		                    "device tree: memory reservation block at %u outside [%u, %u]",
		                    f->rsvmap_off, hdr_size, f->totalsize);
	if (!block_ok(f->struct_off, f->struct_size, hdr_size, f->totalsize))
		return shim_err_set(e, SHIM_EBADFDT,
		                    "device tree: structure block [%u, +%u) outside [%u, %u)",
		                    f->struct_off, f->struct_size, hdr_size, f->totalsize);
	if (!block_ok(f->strings_off, f->strings_size, hdr_size, f->totalsize))
		return shim_err_set(e, SHIM_EBADFDT,
		                    "device tree: strings block [%u, +%u) outside [%u, %u)",
		                    f->strings_off, f->strings_size, hdr_size, f->totalsize);
	return 0;
}

int shim_fdt_init(struct shim_fdt *f, const void *blob, uint64_t avail, struct shim_err *e)
{
	const uint8_t *b = blob;
	uint32_t hdr_size;
	int ret;

	if (avail < SHIM_FDT_HEADER_SIZE)
		return shim_err_set(e, SHIM_EBADFDT,
		                    "device tree: %llu bytes, less than a header (%u)",
		                    (unsigned long long)avail, SHIM_FDT_HEADER_SIZE);
	if (hdr_field(b, HDR_MAGIC) != SHIM_FDT_MAGIC)
		return shim_err_set(e, SHIM_EBADFDT,
		                    "device tree: bad magic 0x%08x, expected 0x%08x",
		                    hdr_field(b, HDR_MAGIC), SHIM_FDT_MAGIC);
	ret = check_version(b, e);
	if (ret)
		return ret;
	*f = (struct shim_fdt){
		.blob = b,
		.totalsize = hdr_field(b, HDR_TOTALSIZE),
		.version = hdr_field(b, HDR_VERSION),
		.rsvmap_off = hdr_field(b, HDR_OFF_RSVMAP),
		.struct_off = hdr_field(b, HDR_OFF_STRUCT),
		.strings_off = hdr_field(b, HDR_OFF_STRINGS),
		.strings_size = hdr_field(b, HDR_SIZE_STRINGS),
		.boot_cpuid_phys = hdr_field(b, HDR_BOOT_CPUID),
	};
	hdr_size = f->version >= 17 ? SHIM_FDT_HEADER_SIZE : SHIM_FDT_HEADER_SIZE_V16;
	if (f->totalsize < hdr_size || f->totalsize > avail)
		return shim_err_set(e, SHIM_EBADFDT, "device tree: totalsize %u outside [%u, %llu]",
		                    f->totalsize, hdr_size, (unsigned long long)avail);
	/* v16 has no size_dt_struct: the block may run to the end of the blob. */
	f->struct_size =
	    f->version >= 17
	        ? hdr_field(b, HDR_SIZE_STRUCT)
	        : f->totalsize - (f->struct_off < f->totalsize ? f->struct_off : f->totalsize);
	return check_blocks(f, hdr_size, e);
}

/* The NUL-terminated string at [p, p + max): its length, or -1 without a NUL. */
static int64_t bounded_strlen(const uint8_t *p, uint64_t max)
{
	uint64_t n = shim_strnlen((const char *)p, max);

	return n < max ? (int64_t)n : -1;
}

static int read_prop(const struct shim_fdt *f, uint32_t off, struct shim_fdt_token *t,
                     uint32_t *next, struct shim_err *e)
{
	const uint8_t *s = f->blob + f->struct_off;
	uint64_t end = (uint64_t)off + FDT_TAG_SIZE + 8;
	uint32_t nameoff;
	int64_t n;

	if (end > f->struct_size)
		return shim_err_set(e, SHIM_EBADFDT, "device tree: property at %u truncated", off);
	t->len = shim_fdt_be32(s + off + 4);
	nameoff = shim_fdt_be32(s + off + 8);
	t->value = s + end;
	if (end + t->len > f->struct_size)
		return shim_err_set(e, SHIM_EBADFDT,
		                    "device tree: property at %u: value of %u bytes past the "
		                    "structure block (%u bytes)",
		                    off, t->len, f->struct_size);
	n = nameoff < f->strings_size
	        ? bounded_strlen(f->blob + f->strings_off + nameoff, f->strings_size - nameoff)
	        : -1;
	if (n < 0)
		return shim_err_set(e, SHIM_EBADFDT,
		                    "device tree: property at %u: name offset %u not a string in "
		                    "the strings block (%u bytes)",
		                    off, nameoff, f->strings_size);
	t->name = (const char *)f->blob + f->strings_off + nameoff;
	t->name_len = (uint32_t)n;
	end = shim_align_up(end + t->len, FDT_TAG_SIZE);
	*next = end > UINT32_MAX ? UINT32_MAX : (uint32_t)end;
	return 0;
}

static int read_begin_node(const struct shim_fdt *f, uint32_t off, struct shim_fdt_token *t,
                           uint32_t *next, struct shim_err *e)
{
	const uint8_t *name = f->blob + f->struct_off + off + FDT_TAG_SIZE;
	int64_t n = bounded_strlen(name, f->struct_size - off - FDT_TAG_SIZE);
	uint64_t end;

	if (n < 0)
		return shim_err_set(e, SHIM_EBADFDT,
		                    "device tree: node name at %u not terminated in the structure "
		                    "block",
		                    off);
	t->name = (const char *)name;
	t->name_len = (uint32_t)n;
	end = shim_align_up((uint64_t)off + FDT_TAG_SIZE + (uint64_t)n + 1, FDT_TAG_SIZE);
	*next = end > UINT32_MAX ? UINT32_MAX : (uint32_t)end;
	return 0;
}

int shim_fdt_next_token(const struct shim_fdt *f, uint32_t *offset, struct shim_fdt_token *t,
                        struct shim_err *e)
{
	uint32_t off = *offset;

	*t = (struct shim_fdt_token){ .offset = off };
	if ((uint64_t)off + FDT_TAG_SIZE > f->struct_size)
		return shim_err_set(
		    e, SHIM_EBADFDT,
		    "device tree: structure block (%u bytes) ends before a token at %u",
		    f->struct_size, off);
	t->type = shim_fdt_be32(f->blob + f->struct_off + off);
	switch (t->type) {
	case SHIM_FDT_BEGIN_NODE:
		return read_begin_node(f, off, t, offset, e);
	case SHIM_FDT_PROP:
		return read_prop(f, off, t, offset, e);
	case SHIM_FDT_END_NODE:
	case SHIM_FDT_NOP:
	case SHIM_FDT_END:
		*offset = off + FDT_TAG_SIZE;
		return 0;
	default:
		return shim_err_set(e, SHIM_EBADFDT, "device tree: unknown token 0x%x at %u",
		                    t->type, off);
	}
}

/* Where the walk is: before the root, inside it, after it. */
struct walk_state {
	unsigned int depth;   /* nodes open */
	uint64_t has_subnode; /* bit d: the open node at depth d has had a subnode */
	bool root_done;
};

static int walk_step(struct walk_state *w, const struct shim_fdt_token *t, struct shim_err *e)
{
	if (w->root_done && t->type != SHIM_FDT_END)
		return shim_err_set(e, SHIM_EBADFDT,
		                    "device tree: token %u at %u after the root node ended",
		                    t->type, t->offset);
	switch (t->type) {
	case SHIM_FDT_BEGIN_NODE:
		if (w->depth == 0 && t->name_len)
			return shim_err_set(e, SHIM_EBADFDT,
			                    "device tree: root node at %u has a name", t->offset);
		if (w->depth == SHIM_FDT_MAX_DEPTH)
			return shim_err_set(e, SHIM_EBADFDT,
			                    "device tree: nodes nested deeper than %u at %u",
			                    SHIM_FDT_MAX_DEPTH, t->offset);
		if (w->depth)
			w->has_subnode |= 1ULL << (w->depth - 1);
		w->has_subnode &= ~(1ULL << w->depth);
		w->depth++;
		return 0;
	case SHIM_FDT_END_NODE:
	case SHIM_FDT_PROP:
		if (w->depth == 0)
			return shim_err_set(e, SHIM_EBADFDT,
			                    "device tree: token %u at %u outside any node", t->type,
			                    t->offset);
		/* DTSpec 5.4.1: properties come before subnodes (libfdt sees no others) */
		if (t->type == SHIM_FDT_PROP && (w->has_subnode & (1ULL << (w->depth - 1))))
			return shim_err_set(e, SHIM_EBADFDT,
			                    "device tree: property at %u after a subnode",
			                    t->offset);
		if (t->type == SHIM_FDT_END_NODE && --w->depth == 0)
			w->root_done = true;
		return 0;
	case SHIM_FDT_END:
		if (!w->root_done)
			return shim_err_set(e, SHIM_EBADFDT,
			                    "device tree: FDT_END at %u with %u nodes open",
			                    t->offset, w->depth);
		return 0;
	default: /* NOP */
		return 0;
	}
}

int shim_fdt_walk(const struct shim_fdt *f,
                  int (*visit)(void *ctx, const struct shim_fdt_token *t, unsigned int depth,
                               struct shim_err *e),
                  void *ctx, struct shim_err *e)
{
	struct walk_state w = { 0 };
	struct shim_fdt_token t;
	uint32_t off = 0;
	int ret;

	do {
		ret = shim_fdt_next_token(f, &off, &t, e);
		if (!ret)
			ret = walk_step(&w, &t, e);
		if (ret)
			return ret;
		if (t.type == SHIM_FDT_BEGIN_NODE || t.type == SHIM_FDT_PROP)
			ret = visit(ctx, &t, w.depth - 1, e);
		else if (t.type == SHIM_FDT_END_NODE)
			ret = visit(ctx, &t, w.depth, e);
		if (ret)
			return ret;
	} while (t.type != SHIM_FDT_END);
	return 0;
}

int shim_fdt_mem_rsv(const struct shim_fdt *f, uint32_t n, uint64_t *addr, uint64_t *size,
                     struct shim_err *e)
{
	uint64_t off = f->rsvmap_off + (uint64_t)n * FDT_RSV_SIZE;

	if (off + FDT_RSV_SIZE > f->totalsize)
		return shim_err_set(e, SHIM_EBADFDT,
		                    "device tree: memory reservation entry %u past the blob (%u "
		                    "bytes)",
		                    n, f->totalsize);
	*addr = shim_fdt_be64(f->blob + off);
	*size = shim_fdt_be64(f->blob + off + 8);
	return *size != 0;
}
