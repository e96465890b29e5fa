/* SPDX-License-Identifier: MIT */
/*
 * A small freestanding reader for flattened device trees (DTSpec v0.4 §5),
 * for the blob the VMM wrote into the parameter region. The blob is
 * untrusted: every offset and length is checked against the blocks the
 * header declares, and the header against the bytes available, so the
 * reader never reads outside them. Tests hold it against libfdt.
 */
#ifndef MINIVMM_ARCH_X86_64_SHIM_FDT_H
#define MINIVMM_ARCH_X86_64_SHIM_FDT_H

#include <stdint.h>

#include "arch/x86_64/shim/rt.h"

#define SHIM_FDT_MAGIC           0xd00dfeedU
#define SHIM_FDT_MIN_VERSION     16
#define SHIM_FDT_LAST_COMPATIBLE 17 /* newest last_comp_version understood */
#define SHIM_FDT_MAX_DEPTH       32
#define SHIM_FDT_HEADER_SIZE_V16 36 /* no size_dt_struct */
#define SHIM_FDT_HEADER_SIZE     40

enum shim_fdt_token_type {
	SHIM_FDT_BEGIN_NODE = 1,
	SHIM_FDT_END_NODE = 2,
	SHIM_FDT_PROP = 3,
	SHIM_FDT_NOP = 4,
	SHIM_FDT_END = 9,
};

struct shim_fdt {
	const uint8_t *blob;
	uint32_t totalsize, version;
	uint32_t rsvmap_off;
	uint32_t struct_off, struct_size;
	uint32_t strings_off, strings_size;
	uint32_t boot_cpuid_phys;
};

struct shim_fdt_token {
	uint32_t type;
	uint32_t offset;      /* of the token, in the structure block */
	const char *name;     /* BEGIN_NODE: node name (unit address included); PROP: name */
	uint32_t name_len;    /* without the NUL, which is there */
	const uint8_t *value; /* PROP */
	uint32_t len;
};

/* Checks the header against the avail bytes at blob and fills f. */
int shim_fdt_init(struct shim_fdt *f, const void *blob, uint64_t avail, struct shim_err *e);

/*
 * Reads the token at *offset (structure-block relative, 4-aligned) and moves
 * *offset past it. Checks only that the token lies inside the blocks.
 */
int shim_fdt_next_token(const struct shim_fdt *f, uint32_t *offset, struct shim_fdt_token *t,
                        struct shim_err *e);

/*
 * Walks the whole structure block and checks its shape: NOPs, the root node
 * (empty name), nodes nested at most SHIM_FDT_MAX_DEPTH deep, each node's
 * properties before its subnodes, FDT_END right after the root ends. visit
 * sees every BEGIN_NODE, PROP and END_NODE with the depth of the node
 * concerned (root 0); a negative return stops the walk.
 */
int shim_fdt_walk(const struct shim_fdt *f,
                  int (*visit)(void *ctx, const struct shim_fdt_token *t, unsigned int depth,
                               struct shim_err *e),
                  void *ctx, struct shim_err *e);

/*
 * Entry n of the memory reservation block. Returns 1 with *addr and *size set,
 * 0 at the terminating (size 0) entry, negative when it is outside the blob.
 */
int shim_fdt_mem_rsv(const struct shim_fdt *f, uint32_t n, uint64_t *addr, uint64_t *size,
                     struct shim_err *e);

static inline uint32_t shim_fdt_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t shim_fdt_be64(const uint8_t *p)
{
	return (uint64_t)shim_fdt_be32(p) << 32 | shim_fdt_be32(p + 4);
}

#endif
