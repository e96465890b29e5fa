// SPDX-License-Identifier: MIT
#include "arch/x86_64/shim/params.h"

#include "arch/x86_64/shim/log.h"

#define U(x) ((unsigned long long)(x))

#define RULE_OPTIONAL      1U /* size 0 means absent */
#define RULE_BEFORE_KERNEL 2U /* persisted region, bounce buffer; the rest come after */

/* One region to check: where the loader put it relative to the kernel, and its rules. */
struct region_rule {
	const char *name;
	struct shim_region r;
	uint64_t min_size;
	unsigned int flags;
};

static uint64_t abs_addr(uint64_t base, int64_t offset)
{
	return base + (uint64_t)offset; /* the loader subtracted with wrapping */
}

static int check_memory(const struct shim_params_raw *p, uint64_t base, struct shim_layout *l,
                        struct shim_err *e)
{
	l->mem_start = abs_addr(base, p->memory_start_offset);
	if (!p->memory_size || p->memory_size % SHIM_VTL2_ALIGN || l->mem_start % SHIM_VTL2_ALIGN)
		return shim_err_set(
		    e, SHIM_EINVAL,
		    "VTL2 memory 0x%llx size 0x%llx is not 2 MiB aligned and non-empty",
		    U(l->mem_start), U(p->memory_size));
	if (!shim_range_end(l->mem_start, p->memory_size, &l->mem_end))
		return shim_err_set(e, SHIM_ERANGE, "VTL2 memory 0x%llx size 0x%llx wraps",
		                    U(l->mem_start), U(p->memory_size));
	l->used_start = abs_addr(base, p->used_start);
	l->used_end = abs_addr(base, p->used_end);
	if (l->used_start < l->mem_start || l->used_start > l->used_end || l->used_end > l->mem_end)
		return shim_err_set(
		    e, SHIM_ERANGE,
		    "used range [0x%llx, 0x%llx) outside VTL2 memory [0x%llx, 0x%llx)",
		    U(l->used_start), U(l->used_end), U(l->mem_start), U(l->mem_end));
	return 0;
}

static int check_isolation(const struct shim_params_raw *p, struct shim_err *e)
{
	if (p->supported_isolation_type != SHIM_ISOLATION_VBS)
		return shim_err_set(e, SHIM_EINVAL,
		                    "isolation type %u not supported (only %u: none/VBS)",
		                    p->supported_isolation_type, SHIM_ISOLATION_VBS);
	return 0;
}

static int check_initrd(const struct shim_params_raw *p, const struct shim_layout *l,
                        struct shim_err *e)
{
	if (!l->initrd.size && p->initrd_crc)
		return shim_err_set(e, SHIM_EINVAL, "initrd_crc 0x%08x without an initrd",
		                    p->initrd_crc);
	return 0;
}

static int check_region(const struct region_rule *c, const struct shim_layout *l,
                        struct shim_err *e)
{
	uint64_t end;

	if (!c->r.size && (c->flags & RULE_OPTIONAL))
		return 0;
	if (c->r.size < c->min_size || !c->r.size)
		return shim_err_set(e, SHIM_EINVAL, "%s size 0x%llx, need at least 0x%llx", c->name,
		                    U(c->r.size), U(c->min_size ? c->min_size : 1));
	if (c->r.start % SHIM_PAGE_SIZE)
		return shim_err_set(e, SHIM_EINVAL, "%s at 0x%llx is not page aligned", c->name,
		                    U(c->r.start));
	if (!shim_range_end(c->r.start, c->r.size, &end) || c->r.start < l->used_start ||
	    end > l->used_end)
		return shim_err_set(
		    e, SHIM_ERANGE,
		    "%s [0x%llx, +0x%llx) outside the used VTL2 range [0x%llx, 0x%llx)", c->name,
		    U(c->r.start), U(c->r.size), U(l->used_start), U(l->used_end));
	return 0;
}

static bool overlap(const struct shim_region *a, const struct shim_region *b)
{
	return a->size && b->size && a->start < b->start + b->size && b->start < a->start + a->size;
}

static int check_overlaps(const struct region_rule *c, unsigned int n, struct shim_err *e)
{
	unsigned int i, j;

	for (i = 0; i < n; i++) {
		for (j = i + 1; j < n; j++) {
			if (overlap(&c[i].r, &c[j].r))
				return shim_err_set(
				    e, SHIM_EINVAL,
				    "%s [0x%llx, +0x%llx) overlaps %s [0x%llx, +0x%llx)", c[i].name,
				    U(c[i].r.start), U(c[i].r.size), c[j].name, U(c[j].r.start),
				    U(c[j].r.size));
		}
	}
	return 0;
}

/* The kernel lies between the regions before it and the lowest region after it. */
static int check_kernel(const struct region_rule *c, unsigned int n, struct shim_layout *l,
                        struct shim_err *e)
{
	unsigned int i;

	l->kernel_start = l->used_start;
	l->kernel_limit = l->used_end;
	for (i = 0; i < n; i++) {
		if (!c[i].r.size)
			continue;
		if ((c[i].flags & RULE_BEFORE_KERNEL) &&
		    c[i].r.start + c[i].r.size > l->kernel_start)
			l->kernel_start = c[i].r.start + c[i].r.size;
		if (!(c[i].flags & RULE_BEFORE_KERNEL) && c[i].r.start < l->kernel_limit)
			l->kernel_limit = c[i].r.start;
	}
	if (l->kernel_entry < l->kernel_start || l->kernel_entry >= l->kernel_limit)
		return shim_err_set(
		    e, SHIM_ERANGE,
		    "kernel entry 0x%llx outside the kernel's room [0x%llx, 0x%llx)",
		    U(l->kernel_entry), U(l->kernel_start), U(l->kernel_limit));
	return 0;
}

static void fill_regions(const struct shim_params_raw *p, struct shim_layout *l)
{
	uint64_t b = l->self.base;

	l->kernel_entry = abs_addr(b, p->kernel_entry_offset);
	l->cmdline = (struct shim_region){ abs_addr(b, p->cmdline_offset), SHIM_PAGE_SIZE };
	l->initrd = (struct shim_region){ abs_addr(b, p->initrd_offset), p->initrd_size };
	if (!p->initrd_size)
		l->initrd.start = 0;
	l->param_region = (struct shim_region){ abs_addr(b, p->parameter_region_offset),
		                                p->parameter_region_size };
	l->reserved = (struct shim_region){ abs_addr(b, p->vtl2_reserved_region_offset),
		                            p->vtl2_reserved_region_size };
	l->sidecar = (struct shim_region){ abs_addr(b, p->sidecar_offset), p->sidecar_size };
	l->sidecar_entry = abs_addr(b, p->sidecar_entry_offset);
	l->bounce =
	    (struct shim_region){ abs_addr(b, p->bounce_buffer_start), p->bounce_buffer_size };
	l->log = (struct shim_region){ abs_addr(b, p->log_buffer_start), p->log_buffer_size };
	l->heap = (struct shim_region){ abs_addr(b, p->heap_start_offset), p->heap_size };
	l->persisted = (struct shim_region){ abs_addr(b, p->persisted_state_region_offset),
		                             p->persisted_state_region_size };
	l->initrd_crc = p->initrd_crc;
	l->isolation = p->supported_isolation_type;
}

static int check_sidecar(const struct shim_layout *l, struct shim_err *e)
{
	if (l->sidecar.size && (l->sidecar_entry < l->sidecar.start ||
	                        l->sidecar_entry - l->sidecar.start >= l->sidecar.size))
		return shim_err_set(e, SHIM_ERANGE,
		                    "sidecar entry 0x%llx outside the sidecar [0x%llx, +0x%llx)",
		                    U(l->sidecar_entry), U(l->sidecar.start), U(l->sidecar.size));
	return 0;
}

#define NR_RULES 11

static struct region_rule rule(const char *name, uint64_t start, uint64_t size, uint64_t min_size,
                               unsigned int flags)
{
	return (struct region_rule){ name, { start, size }, min_size, flags };
}

/* In the loader's order (LOADER-SPEC §2.4); the initrd as the pages it was given. */
static void build_rules(const struct shim_layout *l, struct region_rule *c)
{
	const struct shim_self *self = &l->self;
	const uint64_t initrd_pages = shim_align_up(l->initrd.size, SHIM_PAGE_SIZE);

	c[0] = rule("persisted state region", l->persisted.start, l->persisted.size, 0,
	            RULE_OPTIONAL | RULE_BEFORE_KERNEL);
	c[1] = rule("bounce buffer", l->bounce.start, l->bounce.size, 0,
	            RULE_OPTIONAL | RULE_BEFORE_KERNEL);
	c[2] = rule("sidecar", l->sidecar.start, l->sidecar.size, 0, RULE_OPTIONAL);
	c[3] = rule("shim image", self->start, self->end - self->start, SHIM_PAGE_SIZE, 0);
	c[4] = rule("initrd", l->initrd.start, initrd_pages, 0, RULE_OPTIONAL);
	c[5] = rule("shim params", self->params, SHIM_PAGE_SIZE, 0, 0);
	c[6] = rule("command line page", l->cmdline.start, l->cmdline.size, 0, 0);
	c[7] = rule("VTL2 reserved region", l->reserved.start, l->reserved.size, 0, RULE_OPTIONAL);
	c[8] = rule("parameter region", l->param_region.start, l->param_region.size,
	            SHIM_PARAM_REGION_MIN_SIZE, 0);
	c[9] = rule("log buffer", l->log.start, l->log.size, SHIM_LOG_MIN_SIZE, 0);
	c[10] = rule("heap", l->heap.start, l->heap.size, SHIM_HEAP_MIN_SIZE, 0);
}

int shim_params_check(const struct shim_params_raw *p, const struct shim_self *self,
                      struct shim_layout *l, struct shim_err *e)
{
	struct region_rule rules[NR_RULES];
	unsigned int i;
	int ret;

	shim_memset(l, 0, sizeof(*l));
	l->self = *self;
	fill_regions(p, l);
	ret = check_memory(p, self->base, l, e);
	if (!ret)
		ret = check_isolation(p, e);
	if (!ret)
		ret = check_initrd(p, l, e);
	if (!ret)
		ret = check_sidecar(l, e);
	build_rules(l, rules);
	for (i = 0; !ret && i < NR_RULES; i++)
		ret = check_region(&rules[i], l, e);
	if (!ret)
		ret = check_overlaps(rules, NR_RULES, e);
	if (!ret)
		ret = check_kernel(rules, NR_RULES, l, e);
	return ret;
}
