// SPDX-License-Identifier: MIT
/*
 * The shim's FDT reader (arch/x86_64/shim/fdt.c) and what dt.c takes from a
 * tree, held against libfdt: on trees libfdt writes, on broken ones (each
 * broken in one place, which both must refuse), on every truncation of a
 * good one and on thousands of random mutations. Blobs are copied into
 * buffers of their exact size, so under ASan any read outside is a failure.
 */
#include "fdt_tests.h"

#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/x86_64/shim/dt.h"
#include "arch/x86_64/shim/fdt.h"
#include "fdt_reference.h"
#include "shim_fixtures.h"

#define BLOB_CAP    (64 * 4096)
#define FUZZ_ROUNDS 6000
#define MiB         0x100000ULL

static uint8_t blob[BLOB_CAP];
static size_t blob_size;
static struct shim_dt_info info, ref;
static struct shim_err e;

static const struct fix_dt_memory openvmm_memory[] = {
	{ 0, 128 * MiB, IGVM_MEMORY_MAP_ENTRY_MEMORY },
	{ 128 * MiB, 64 * MiB, IGVM_MEMORY_MAP_ENTRY_VTL2_PROTECTABLE },
	{ 192 * MiB, 64 * MiB, FIX_NO_IGVM_TYPE },
	{ 0xe0000000, 16 * MiB, IGVM_MEMORY_MAP_ENTRY_PLATFORM_RESERVED },
	{ 0x100000000, 1024 * MiB, IGVM_MEMORY_MAP_ENTRY_PERSISTENT },
};
static const uint64_t openvmm_rsv[][2] = { { 0x9f000, 0x1000 }, { 0xfed00000, 0x400 } };
static const struct fix_dt openvmm_tree = {
	.memory = openvmm_memory,
	.nr_memory = 5,
	.nr_cpus = 4,
	.bootargs = "console=ttyS0 panic=-1",
	.mem_rsv = openvmm_rsv,
	.nr_mem_rsv = 2,
};

static void build(const struct fix_dt *d)
{
	blob_size = fix_dt_build(d, blob, sizeof(blob));
}

/* The blob in a heap buffer of exactly len bytes, so ASan sees any overrun. */
static uint8_t *exact_copy(const void *src, size_t len)
{
	uint8_t *p = malloc(len ? len : 1);

	ck_assert_ptr_nonnull(p);
	memcpy(p, src, len);
	return p;
}

static void assert_same_as_libfdt(const uint8_t *b, size_t avail)
{
	char *mine = shim_fdt_events(b, avail), *theirs;

	ck_assert_int_eq(fdt_check_full(b, avail), 0);
	ck_assert_msg(mine, "the shim's reader refused a tree libfdt accepts");
	theirs = ref_fdt_events(b);
	ck_assert_str_eq(mine, theirs);
	free(mine);
	free(theirs);
	ck_assert_int_eq(ref_dt_read(b, &ref), 0);
	ck_assert_msg(shim_dt_read(b, avail, &info, &e) == 0, "%s", e.msg);
	assert_dt_info_eq(&info, &ref);
}

/* ---- good trees ---------------------------------------------------------- */

START_TEST(openvmm_shaped_tree_reads_like_libfdt)
{
	uint8_t *b;

	build(&openvmm_tree);
	b = exact_copy(blob, blob_size);
	assert_same_as_libfdt(b, blob_size);
	ck_assert_uint_eq(info.nr_cpus, 4);
	ck_assert_uint_eq(info.nr_memory, 5);
	/* memory nodes come in reverse order, as OpenVMM writes them */
	ck_assert_uint_eq(info.memory[0].start, 0x100000000);
	ck_assert_uint_eq(info.memory[0].igvm_type, IGVM_MEMORY_MAP_ENTRY_PERSISTENT);
	ck_assert_uint_eq(info.memory[2].igvm_type, IGVM_MEMORY_MAP_ENTRY_MEMORY); /* no property */
	ck_assert_uint_eq(info.memory[3].start, 128 * MiB);
	ck_assert_uint_eq(info.memory[3].size, 64 * MiB);
	ck_assert_uint_eq(info.memory[3].igvm_type, IGVM_MEMORY_MAP_ENTRY_VTL2_PROTECTABLE);
	ck_assert_uint_eq(info.bootargs_len, strlen("console=ttyS0 panic=-1"));
	ck_assert_mem_eq(info.bootargs, "console=ttyS0 panic=-1", info.bootargs_len);
	ck_assert_uint_eq(info.nr_mem_rsv, 2);
	ck_assert_uint_eq(info.mem_rsv[1].start, 0xfed00000);
	free(b);
}
END_TEST

START_TEST(tree_with_nops_reads_like_libfdt)
{
	uint8_t *b;
	char *events;
	int node;

	build(&openvmm_tree);
	ck_assert_int_eq(fdt_open_into(blob, blob, BLOB_CAP), 0);
	node = fdt_path_offset(blob, "/openhcl");
	ck_assert_int_eq(fdt_nop_property(blob, node, "memory-allocation-mode"), 0);
	ck_assert_int_eq(fdt_nop_node(blob, fdt_path_offset(blob, "/bus")), 0);
	ck_assert_int_eq(fdt_pack(blob), 0);
	blob_size = fdt_totalsize(blob);
	b = exact_copy(blob, blob_size);
	assert_same_as_libfdt(b, blob_size);
	events = shim_fdt_events(b, blob_size);
	ck_assert_ptr_null(strstr(events, "vmbus"));
	ck_assert_ptr_null(strstr(events, "memory-allocation-mode"));
	free(events);
	free(b);
}
END_TEST

/* A hand-written tree: deep nesting, empty and odd-sized values, v16 header. */
static void build_odd_tree(int depth)
{
	char name[16];
	int i;

	ck_assert_int_eq(fdt_create(blob, BLOB_CAP), 0);
	ck_assert_int_eq(fdt_finish_reservemap(blob), 0);
	ck_assert_int_eq(fdt_begin_node(blob, ""), 0);
	ck_assert_int_eq(fdt_property_u32(blob, "#address-cells", 2), 0);
	ck_assert_int_eq(fdt_property_u32(blob, "#size-cells", 2), 0);
	ck_assert_int_eq(fdt_property(blob, "empty", NULL, 0), 0);
	ck_assert_int_eq(fdt_property(blob, "three", "abc", 3), 0);
	for (i = 0; i < depth; i++) {
		snprintf(name, sizeof(name), "n%d@%x", i, i);
		ck_assert_int_eq(fdt_begin_node(blob, name), 0);
		ck_assert_int_eq(fdt_property_u32(blob, "level", (uint32_t)i), 0);
	}
	for (i = 0; i < depth; i++)
		ck_assert_int_eq(fdt_end_node(blob), 0);
	ck_assert_int_eq(fdt_begin_node(blob, "chosen"), 0);
	ck_assert_int_eq(fdt_property(blob, "bootargs", "", 1), 0);
	ck_assert_int_eq(fdt_end_node(blob), 0);
	ck_assert_int_eq(fdt_end_node(blob), 0);
	ck_assert_int_eq(fdt_finish(blob), 0);
	blob_size = fdt_totalsize(blob);
}

START_TEST(deep_and_odd_tree_reads_like_libfdt)
{
	uint8_t *b;

	build_odd_tree(SHIM_FDT_MAX_DEPTH - 1);
	b = exact_copy(blob, blob_size);
	assert_same_as_libfdt(b, blob_size);
	ck_assert_ptr_nonnull(info.bootargs); /* present and empty */
	ck_assert_uint_eq(info.bootargs_len, 0);
	ck_assert_uint_eq(info.nr_memory, 0);
	free(b);
}
END_TEST

START_TEST(version_16_header_reads_like_libfdt)
{
	uint8_t *b;

	build(&openvmm_tree);
	((fdt32_t *)blob)[5] = cpu_to_fdt32(16); /* version; size_dt_struct is then ignored */
	b = exact_copy(blob, blob_size);
	assert_same_as_libfdt(b, blob_size);
	free(b);
}
END_TEST

/* ---- broken trees ------------------------------------------------------- */

enum hdr_field {
	H_MAGIC,
	H_TOTALSIZE,
	H_OFF_STRUCT,
	H_OFF_STRINGS,
	H_OFF_RSV,
	H_VERSION,
	H_LAST_COMP,
	H_BOOT_CPU,
	H_SIZE_STRINGS,
	H_SIZE_STRUCT
};

static void set_hdr(enum hdr_field f, uint32_t v)
{
	((fdt32_t *)blob)[f] = cpu_to_fdt32(v);
}

static uint32_t hdr(enum hdr_field f)
{
	return fdt32_to_cpu(((fdt32_t *)blob)[f]);
}

/* Both readers refuse the blob, the shim with exactly msg. */
static void assert_refused(const char *msg)
{
	uint8_t *b = exact_copy(blob, blob_size);

	ck_assert_int_ne(fdt_check_full(b, blob_size), 0);
	ck_assert_int_eq(shim_dt_read(b, blob_size, &info, &e), -SHIM_EBADFDT);
	ck_assert_str_eq(e.msg, msg);
	free(b);
}

/* Offset (in the structure block) of property name of the node at path. */
static uint32_t prop_token(const char *path, const char *name)
{
	const struct fdt_property *p =
	    fdt_get_property(blob, fdt_path_offset(blob, path), name, NULL);

	ck_assert_ptr_nonnull(p);
	return (uint32_t)((const uint8_t *)p - blob) - hdr(H_OFF_STRUCT);
}

static void set_struct_word(uint32_t off, uint32_t v)
{
	memcpy(blob + hdr(H_OFF_STRUCT) + off, &(fdt32_t){ cpu_to_fdt32(v) }, 4);
}

START_TEST(bad_magic_is_refused)
{
	build(&openvmm_tree);
	set_hdr(H_MAGIC, 0xedfe0dd0);
	assert_refused("device tree: bad magic 0xedfe0dd0, expected 0xd00dfeed");
}
END_TEST

START_TEST(old_and_future_versions_are_refused)
{
	build(&openvmm_tree);
	set_hdr(H_VERSION, 15);
	set_hdr(H_LAST_COMP, 15);
	ck_assert_int_eq(shim_dt_read(blob, blob_size, &info, &e), -SHIM_EBADFDT);
	ck_assert_str_eq(e.msg, "device tree: version 15 (last compatible 15) not supported, need "
	                        ">= 16");
	set_hdr(H_VERSION, 18);
	set_hdr(H_LAST_COMP, 18);
	assert_refused("device tree: version 18 (last compatible 18) not supported, need >= 16");
}
END_TEST

START_TEST(totalsize_beyond_the_area_is_refused)
{
	char msg[128];

	build(&openvmm_tree);
	set_hdr(H_TOTALSIZE, (uint32_t)blob_size + 1);
	snprintf(msg, sizeof(msg), "device tree: totalsize %zu outside [40, %zu]", blob_size + 1,
	         blob_size);
	assert_refused(msg);
}
END_TEST

START_TEST(every_truncation_is_refused_without_reading_past_it)
{
	size_t len;

	build(&openvmm_tree);
	for (len = 0; len < blob_size; len++) {
		uint8_t *b = exact_copy(blob, len);

		ck_assert_msg(shim_dt_read(b, len, &info, &e) < 0, "accepted %zu of %zu bytes", len,
		              blob_size);
		free(b);
	}
}
END_TEST

START_TEST(blocks_outside_the_blob_are_refused)
{
	char msg[160];

	build(&openvmm_tree);
	set_hdr(H_SIZE_STRUCT, hdr(H_SIZE_STRUCT) + (uint32_t)blob_size);
	snprintf(msg, sizeof(msg), "device tree: structure block [%u, +%u) outside [40, %zu)",
	         hdr(H_OFF_STRUCT), hdr(H_SIZE_STRUCT), blob_size);
	assert_refused(msg);

	build(&openvmm_tree);
	set_hdr(H_OFF_STRINGS, 0xfffffff0);
	snprintf(msg, sizeof(msg), "device tree: strings block [%u, +%u) outside [40, %zu)",
	         0xfffffff0, hdr(H_SIZE_STRINGS), blob_size);
	assert_refused(msg);

	build(&openvmm_tree);
	set_hdr(H_OFF_RSV, 8);
	snprintf(msg, sizeof(msg), "device tree: memory reservation block at 8 outside [40, %zu]",
	         blob_size);
	assert_refused(msg);
}
END_TEST

START_TEST(property_name_outside_the_strings_block_is_refused)
{
	char msg[160];
	uint32_t tok;

	build(&openvmm_tree);
	tok = prop_token("/chosen", "bootargs");
	set_struct_word(tok + 8, hdr(H_SIZE_STRINGS));
	snprintf(msg, sizeof(msg),
	         "device tree: property at %u: name offset %u not a string in the strings block "
	         "(%u bytes)",
	         tok, hdr(H_SIZE_STRINGS), hdr(H_SIZE_STRINGS));
	assert_refused(msg);
}
END_TEST

START_TEST(unterminated_property_name_is_refused)
{
	const struct fdt_property *p;
	char msg[160];
	uint32_t tok;

	/* libfdt writes the strings block backwards: the root's first property name
	 * is its last string. End the block one byte early and that name loses its NUL. */
	build(&openvmm_tree);
	tok = prop_token("/", "#address-cells");
	p = fdt_get_property(blob, 0, "#address-cells", NULL);
	ck_assert_uint_eq(fdt32_to_cpu(p->nameoff) + strlen("#address-cells") + 1,
	                  hdr(H_SIZE_STRINGS));
	set_hdr(H_SIZE_STRINGS, hdr(H_SIZE_STRINGS) - 1);
	snprintf(msg, sizeof(msg),
	         "device tree: property at %u: name offset %u not a string in the strings block "
	         "(%u bytes)",
	         tok, fdt32_to_cpu(p->nameoff), hdr(H_SIZE_STRINGS));
	assert_refused(msg);
}
END_TEST

START_TEST(unterminated_node_name_is_refused)
{
	uint32_t off;
	char msg[128];

	build(&openvmm_tree);
	off = (uint32_t)fdt_path_offset(blob, "/openhcl/entropy");
	/* the structure block ends inside "entropy" */
	set_hdr(H_SIZE_STRUCT, off + 4 + 3);
	snprintf(msg, sizeof(msg),
	         "device tree: node name at %u not terminated in the structure block", off);
	assert_refused(msg);
}
END_TEST

START_TEST(property_value_past_the_structure_block_is_refused)
{
	char msg[160];
	uint32_t tok;

	build(&openvmm_tree);
	tok = prop_token("/chosen", "bootargs");
	set_struct_word(tok + 4, 0x7ffffff0);
	snprintf(msg, sizeof(msg),
	         "device tree: property at %u: value of %u bytes past the structure block (%u "
	         "bytes)",
	         tok, 0x7ffffff0, hdr(H_SIZE_STRUCT));
	assert_refused(msg);
}
END_TEST

START_TEST(unknown_token_is_refused)
{
	char msg[80];
	uint32_t tok;

	build(&openvmm_tree);
	tok = prop_token("/chosen", "bootargs");
	set_struct_word(tok, 0x7);
	snprintf(msg, sizeof(msg), "device tree: unknown token 0x7 at %u", tok);
	assert_refused(msg);
}
END_TEST

START_TEST(named_root_is_refused)
{
	build(&openvmm_tree);
	set_struct_word(4, 0x78000000); /* root name "" -> "x" */
	assert_refused("device tree: root node at 0 has a name");
}
END_TEST

START_TEST(missing_end_and_trailing_tokens_are_refused)
{
	uint32_t end;
	char msg[128];

	build(&openvmm_tree);
	end = hdr(H_SIZE_STRUCT) - 4;
	set_struct_word(end, SHIM_FDT_NOP);
	snprintf(msg, sizeof(msg), "device tree: token 4 at %u after the root node ended", end);
	assert_refused(msg);

	build(&openvmm_tree);
	set_hdr(H_SIZE_STRUCT, end); /* FDT_END cut off */
	snprintf(msg, sizeof(msg),
	         "device tree: structure block (%u bytes) ends before a token at %u", end, end);
	assert_refused(msg);
}
END_TEST

START_TEST(unbalanced_structures_are_refused)
{
	uint32_t end, tok;
	char msg[128];

	build(&openvmm_tree);
	set_struct_word(0, SHIM_FDT_END_NODE);
	assert_refused("device tree: token 2 at 0 outside any node");

	build(&openvmm_tree);
	end = hdr(H_SIZE_STRUCT) - 4;
	set_struct_word(end - 4, SHIM_FDT_END); /* the root's END_NODE */
	snprintf(msg, sizeof(msg), "device tree: FDT_END at %u with 1 nodes open", end - 4);
	assert_refused(msg);

	build(&openvmm_tree);
	tok = prop_token("/chosen", "bootargs");
	set_hdr(H_SIZE_STRUCT, tok + 8); /* ends inside the property's header */
	snprintf(msg, sizeof(msg), "device tree: property at %u truncated", tok);
	assert_refused(msg);
}
END_TEST

START_TEST(memory_reservation_block_must_end_inside_the_blob)
{
	char msg[128];

	build(&openvmm_tree);
	set_hdr(H_OFF_RSV, (uint32_t)blob_size - 8);
	snprintf(msg, sizeof(msg),
	         "device tree: memory reservation entry 0 past the blob (%zu bytes)", blob_size);
	assert_refused(msg);
}
END_TEST

START_TEST(property_after_a_subnode_is_refused)
{
	ck_assert_int_eq(fdt_create(blob, BLOB_CAP), 0);
	ck_assert_int_eq(fdt_finish_reservemap(blob), 0);
	ck_assert_int_eq(fdt_begin_node(blob, ""), 0);  /* 0: token, 4: name padded */
	ck_assert_int_eq(fdt_begin_node(blob, "a"), 0); /* 8: token, 12: "a" padded */
	ck_assert_int_eq(fdt_end_node(blob), 0);        /* 16 */
	ck_assert_int_eq(fdt_property_u32(blob, "#address-cells", 2), 0); /* 20 */
	ck_assert_int_eq(fdt_end_node(blob), 0);
	ck_assert_int_eq(fdt_finish(blob), 0);
	blob_size = fdt_totalsize(blob);
	ck_assert_int_eq(shim_dt_read(blob, blob_size, &info, &e), -SHIM_EBADFDT);
	ck_assert_str_eq(e.msg, "device tree: property at 20 after a subnode");
}
END_TEST

START_TEST(nesting_deeper_than_the_limit_is_refused)
{
	build_odd_tree(SHIM_FDT_MAX_DEPTH);
	ck_assert_int_eq(fdt_check_full(blob, blob_size),
	                 0); /* legal, just deeper than the shim takes */
	ck_assert_int_eq(shim_dt_read(blob, blob_size, &info, &e), -SHIM_EBADFDT);
	ck_assert_ptr_nonnull(strstr(e.msg, "nested deeper than 32"));
}
END_TEST

/* ---- mutations ---------------------------------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)rng_state;
}

static void mutate(uint8_t *b, size_t len)
{
	static const uint32_t words[] = {
		0, 1, 2, 3, 4, 9, 0xffffffff, 0x7fffffff, 0x80000000, 40
	};
	unsigned int i, n = 1 + rng() % 3;

	for (i = 0; i < n; i++) {
		uint32_t off = rng() % (uint32_t)len;

		if (rng() % 2)
			b[off] ^= (uint8_t)(1u << (rng() % 8));
		else if (off + 4 <= len)
			memcpy(b + (off & ~3u), &(fdt32_t){ cpu_to_fdt32(words[rng() % 10]) }, 4);
	}
}

static bool shim_accepts_structure(const uint8_t *b, size_t len)
{
	char *ev = shim_fdt_events(b, len);
	struct shim_fdt f;
	uint64_t a, s;
	uint32_t n = 0;
	int ret = ev ? 0 : -1;

	if (!ret)
		ret = shim_fdt_init(&f, b, len, &e);
	while (!ret && (ret = shim_fdt_mem_rsv(&f, n++, &a, &s, &e)) > 0)
		ret = 0;
	free(ev);
	return ret == 0;
}

START_TEST(mutated_trees_never_read_outside_and_agree_with_libfdt)
{
	unsigned int round, both = 0, stricter = 0;

	build(&openvmm_tree);
	for (round = 0; round < FUZZ_ROUNDS; round++) {
		uint8_t *b = exact_copy(blob, blob_size);
		bool mine, lib;
		int dt;

		mutate(b, blob_size);
		dt = shim_dt_read(b, blob_size, &info, &e); /* under ASan: must stay inside b */
		mine = shim_accepts_structure(b, blob_size);
		lib = fdt_check_full(b, blob_size) == 0;
		ck_assert_msg(!mine || lib, "round %u: the shim accepts a tree libfdt refuses",
		              round);
		if (mine && lib) {
			char *x = shim_fdt_events(b, blob_size), *y = ref_fdt_events(b);

			ck_assert_str_eq(x, y);
			free(x);
			free(y);
			ck_assert_msg((dt == 0) == (ref_dt_read(b, &ref) == 0),
			              "round %u: shim %d (%s), libfdt reference disagrees", round,
			              dt, dt ? e.msg : "ok");
			if (dt == 0)
				assert_dt_info_eq(&info, &ref);
			both++;
		}
		stricter += !mine && lib;
		free(b);
	}
	/* stricter: what DTSpec forbids and libfdt lets pass (e.g. no root node at all) */
	fprintf(stderr,
	        "fdt fuzz: %u mutated trees: %u read alike by both, %u refused by both, %u "
	        "refused only by the shim\n",
	        FUZZ_ROUNDS, both, FUZZ_ROUNDS - both - stricter, stricter);
}
END_TEST

/* ---- what dt.c takes from a tree ---------------------------------------- */

/* A root with 2/2 cells and one memory node with raw reg and type bytes. */
static void build_memory_node(const char *name, const void *reg, int reg_len, const void *type,
                              int type_len)
{
	ck_assert_int_eq(fdt_create(blob, BLOB_CAP), 0);
	ck_assert_int_eq(fdt_finish_reservemap(blob), 0);
	ck_assert_int_eq(fdt_begin_node(blob, ""), 0);
	ck_assert_int_eq(fdt_property_u32(blob, "#address-cells", 2), 0);
	ck_assert_int_eq(fdt_property_u32(blob, "#size-cells", 2), 0);
	ck_assert_int_eq(fdt_begin_node(blob, name), 0);
	if (reg_len >= 0)
		ck_assert_int_eq(fdt_property(blob, "reg", reg, reg_len), 0);
	if (type_len >= 0)
		ck_assert_int_eq(fdt_property(blob, PV_DT_IGVM_TYPE_PROPERTY, type, type_len), 0);
	ck_assert_int_eq(fdt_end_node(blob), 0);
	ck_assert_int_eq(fdt_end_node(blob), 0);
	ck_assert_int_eq(fdt_finish(blob), 0);
	blob_size = fdt_totalsize(blob);
}

static void assert_dt_error(int code, const char *msg)
{
	ck_assert_int_eq(shim_dt_read(blob, blob_size, &info, &e), -code);
	ck_assert_str_eq(e.msg, msg);
	ck_assert_int_ne(ref_dt_read(blob, &ref), 0); /* the libfdt reference agrees */
}

START_TEST(root_cells_other_than_2_and_2_are_refused)
{
	struct fix_dt d = openvmm_tree;

	d.root_cells = 1;
	build(&d);
	assert_dt_error(SHIM_EBADFDT,
	                "device tree: root #address-cells 1, #size-cells 1; need 2 and 2");
	d.root_cells = -1; /* absent: DTSpec's defaults, 2 and 1 */
	build(&d);
	assert_dt_error(SHIM_EBADFDT,
	                "device tree: root #address-cells 2, #size-cells 1; need 2 and 2");
}
END_TEST

START_TEST(memory_reg_must_be_u64_pairs)
{
	fdt64_t reg[2] = { cpu_to_fdt64(0), cpu_to_fdt64(0x1000) };

	build_memory_node("memory@0", reg, 12, NULL, -1);
	assert_dt_error(SHIM_EBADFDT,
	                "device tree: memory@0: reg is 12 bytes, not (u64 start, u64 size) pairs");
	build_memory_node("memory@0", NULL, -1, NULL, -1);
	assert_dt_error(SHIM_EBADFDT, "device tree: memory@0 has no reg");
}
END_TEST

START_TEST(memory_igvm_type_must_be_a_known_u32)
{
	fdt64_t reg[2] = { cpu_to_fdt64(0), cpu_to_fdt64(0x1000) };
	fdt32_t t4 = cpu_to_fdt32(4);
	fdt64_t t8 = cpu_to_fdt64(1);

	build_memory_node("memory", reg, sizeof(reg), &t4, 4);
	assert_dt_error(SHIM_EBADFDT, "device tree: memory: unknown microsoft,igvm-type 4");
	build_memory_node("memory@0", reg, sizeof(reg), &t8, 8);
	assert_dt_error(SHIM_EBADFDT,
	                "device tree: memory@0: microsoft,igvm-type is 8 bytes, not 4");
}
END_TEST

START_TEST(memory_ranges_skip_empty_ones_and_refuse_wrapping_ones)
{
	fdt64_t reg[6] = { cpu_to_fdt64(0x1000), cpu_to_fdt64(0x2000),   cpu_to_fdt64(0x9000),
		           cpu_to_fdt64(0),      cpu_to_fdt64(0x100000), cpu_to_fdt64(0x3000) };
	fdt64_t wrap[2] = { cpu_to_fdt64(0xfffffffffffff000), cpu_to_fdt64(0x2000) };
	fdt32_t pmem = cpu_to_fdt32(IGVM_MEMORY_MAP_ENTRY_PERSISTENT);

	build_memory_node("memory@1000", reg, sizeof(reg), &pmem, 4);
	ck_assert_msg(shim_dt_read(blob, blob_size, &info, &e) == 0, "%s", e.msg);
	ck_assert_uint_eq(info.nr_memory, 2);
	ck_assert_uint_eq(info.memory[1].start, 0x100000);
	ck_assert_uint_eq(info.memory[1].size, 0x3000);
	ck_assert_uint_eq(info.memory[1].igvm_type, IGVM_MEMORY_MAP_ENTRY_PERSISTENT);
	build_memory_node("memory@fffffffffffff000", wrap, sizeof(wrap), NULL, -1);
	assert_dt_error(SHIM_ERANGE, "device tree: memory@fffffffffffff000: range "
	                             "0xfffffffffffff000 + 0x2000 wraps");
}
END_TEST

START_TEST(more_than_128_memory_nodes_or_ranges_are_refused)
{
	static struct fix_dt_memory m[SHIM_DT_MAX_MEMORY_RANGES + 1];
	static fdt64_t reg[2 * (SHIM_DT_MAX_MEMORY_RANGES + 1)];
	struct fix_dt d = { .memory = m, .nr_memory = SHIM_DT_MAX_MEMORY_RANGES };
	unsigned int i;

	for (i = 0; i < SHIM_DT_MAX_MEMORY_RANGES + 1; i++)
		m[i] = (struct fix_dt_memory){ i * MiB, 0x1000, IGVM_MEMORY_MAP_ENTRY_MEMORY };
	build(&d);
	ck_assert_msg(shim_dt_read(blob, blob_size, &info, &e) == 0, "%s", e.msg);
	d.nr_memory++;
	build(&d);
	assert_dt_error(SHIM_ENOSPC, "device tree: more than 128 memory nodes");
	for (i = 0; i < SHIM_DT_MAX_MEMORY_RANGES + 1; i++) {
		reg[2 * i] = cpu_to_fdt64(i * MiB);
		reg[2 * i + 1] = cpu_to_fdt64(0x1000);
	}
	build_memory_node("memory@0", reg, sizeof(reg), NULL, -1);
	assert_dt_error(SHIM_ENOSPC, "device tree: more than 128 memory ranges");
}
END_TEST

START_TEST(more_than_16_memreserve_entries_are_refused)
{
	static uint64_t rsv[SHIM_DT_MAX_MEM_RSV + 1][2];
	struct fix_dt d = openvmm_tree;
	unsigned int i;

	for (i = 0; i < SHIM_DT_MAX_MEM_RSV + 1; i++) {
		rsv[i][0] = 0x100000 * (i + 1);
		rsv[i][1] = 0x1000;
	}
	d.mem_rsv = (const uint64_t(*)[2])rsv;
	d.nr_mem_rsv = SHIM_DT_MAX_MEM_RSV + 1;
	build(&d);
	assert_dt_error(SHIM_ENOSPC, "device tree: more than 16 /memreserve/ entries");
}
END_TEST

START_TEST(bootargs_must_be_a_terminated_string)
{
	ck_assert_int_eq(fdt_create(blob, BLOB_CAP), 0);
	ck_assert_int_eq(fdt_finish_reservemap(blob), 0);
	ck_assert_int_eq(fdt_begin_node(blob, ""), 0);
	ck_assert_int_eq(fdt_property_u32(blob, "#address-cells", 2), 0);
	ck_assert_int_eq(fdt_property_u32(blob, "#size-cells", 2), 0);
	ck_assert_int_eq(fdt_begin_node(blob, "chosen"), 0);
	ck_assert_int_eq(fdt_property(blob, "bootargs", "abc", 3), 0);
	ck_assert_int_eq(fdt_end_node(blob), 0);
	ck_assert_int_eq(fdt_end_node(blob), 0);
	ck_assert_int_eq(fdt_finish(blob), 0);
	blob_size = fdt_totalsize(blob);
	assert_dt_error(SHIM_EBADFDT,
	                "device tree: /chosen/bootargs (3 bytes) is not NUL-terminated");
}
END_TEST

START_TEST(only_cpu_nodes_under_cpus_are_counted)
{
	static const char *const names[] = { "cpu@1", "cpu", "cpu-map", "cpus", "l2-cache@0" };
	unsigned int i;

	ck_assert_int_eq(fdt_create(blob, BLOB_CAP), 0);
	ck_assert_int_eq(fdt_finish_reservemap(blob), 0);
	ck_assert_int_eq(fdt_begin_node(blob, ""), 0);
	ck_assert_int_eq(fdt_property_u32(blob, "#address-cells", 2), 0);
	ck_assert_int_eq(fdt_property_u32(blob, "#size-cells", 2), 0);
	ck_assert_int_eq(fdt_begin_node(blob, "cpu@9"), 0); /* not under /cpus */
	ck_assert_int_eq(fdt_end_node(blob), 0);
	ck_assert_int_eq(fdt_begin_node(blob, "cpus"), 0);
	for (i = 0; i < 5; i++) {
		ck_assert_int_eq(fdt_begin_node(blob, names[i]), 0);
		ck_assert_int_eq(fdt_end_node(blob), 0);
	}
	ck_assert_int_eq(fdt_end_node(blob), 0);
	ck_assert_int_eq(fdt_end_node(blob), 0);
	ck_assert_int_eq(fdt_finish(blob), 0);
	blob_size = fdt_totalsize(blob);
	assert_same_as_libfdt(blob, blob_size);
	ck_assert_uint_eq(info.nr_cpus, 2);
	ck_assert_ptr_null(info.bootargs);
}
END_TEST

void shim_fdt_add_tcases(Suite *s)
{
	TCase *good = tcase_create("fdt-good"), *bad = tcase_create("fdt-broken");
	TCase *dt = tcase_create("dt"), *fuzz = tcase_create("fdt-fuzz");

	tcase_add_test(good, openvmm_shaped_tree_reads_like_libfdt);
	tcase_add_test(good, tree_with_nops_reads_like_libfdt);
	tcase_add_test(good, deep_and_odd_tree_reads_like_libfdt);
	tcase_add_test(good, version_16_header_reads_like_libfdt);
	suite_add_tcase(s, good);
	tcase_add_test(bad, bad_magic_is_refused);
	tcase_add_test(bad, old_and_future_versions_are_refused);
	tcase_add_test(bad, totalsize_beyond_the_area_is_refused);
	tcase_add_test(bad, every_truncation_is_refused_without_reading_past_it);
	tcase_add_test(bad, blocks_outside_the_blob_are_refused);
	tcase_add_test(bad, property_name_outside_the_strings_block_is_refused);
	tcase_add_test(bad, unterminated_property_name_is_refused);
	tcase_add_test(bad, unterminated_node_name_is_refused);
	tcase_add_test(bad, property_value_past_the_structure_block_is_refused);
	tcase_add_test(bad, unknown_token_is_refused);
	tcase_add_test(bad, named_root_is_refused);
	tcase_add_test(bad, missing_end_and_trailing_tokens_are_refused);
	tcase_add_test(bad, unbalanced_structures_are_refused);
	tcase_add_test(bad, memory_reservation_block_must_end_inside_the_blob);
	tcase_add_test(bad, property_after_a_subnode_is_refused);
	tcase_add_test(bad, nesting_deeper_than_the_limit_is_refused);
	suite_add_tcase(s, bad);
	tcase_add_test(dt, root_cells_other_than_2_and_2_are_refused);
	tcase_add_test(dt, memory_reg_must_be_u64_pairs);
	tcase_add_test(dt, memory_igvm_type_must_be_a_known_u32);
	tcase_add_test(dt, memory_ranges_skip_empty_ones_and_refuse_wrapping_ones);
	tcase_add_test(dt, more_than_128_memory_nodes_or_ranges_are_refused);
	tcase_add_test(dt, more_than_16_memreserve_entries_are_refused);
	tcase_add_test(dt, bootargs_must_be_a_terminated_string);
	tcase_add_test(dt, only_cpu_nodes_under_cpus_are_counted);
	suite_add_tcase(s, dt);
	tcase_add_test(fuzz, mutated_trees_never_read_outside_and_agree_with_libfdt);
	tcase_set_timeout(fuzz, 120);
	suite_add_tcase(s, fuzz);
}
