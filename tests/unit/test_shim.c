// SPDX-License-Identifier: MIT
/*
 * minivmm's boot shim (arch/x86_64/shim), its pure parts on the host:
 *   - the freestanding runtime: printf subset, CRC-32, the log and its buffer;
 *   - ShimParamsRaw validation against the loader's layout (LOADER-SPEC §2.4);
 *   - the command line for both policies;
 *   - the E820 map from the device tree, with the shim's regions carved out;
 *   - the whole sequence (params -> log -> initrd CRC -> device tree ->
 *     command line -> E820 -> zero page) over a fake 64 MiB VTL2 range laid
 *     out like the loader does, and each way it can fail;
 *   - the embedded shim ELF itself.
 * The FDT reader's cases (against libfdt) are in arch/x86_64/shim/test/fdt_tests.c.
 */
#include <check.h>
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/x86_64/shim/boot.h"
#include "arch/x86_64/shim/cmdline.h"
#include "arch/x86_64/shim/crc32.h"
#include "arch/x86_64/shim/test/fdt_tests.h"
#include "arch/x86_64/shim/test/shim_fixtures.h"
#include "arch/x86_64/shim_image.h"
#include "lib/crc32.h"
#include "lib/sizes.h"
#include "test_helpers.h"

#define MEM_START   0x8000000ULL /* 128 MiB, the loader's default */
#define MEM_SIZE    0x4000000ULL /* 64 MiB */
#define MEM_END     (MEM_START + MEM_SIZE)
#define KERNEL_SIZE 0x800000ULL
#define SHIM_SIZE   0x12000ULL
#define INITRD_SIZE 0x12345ULL
#define SIDECAR_SZ  0x40000ULL
#define PT_PAGES    7
#define DT_OFFSET   (PARAVISOR_CONFIG_DEVICE_TREE_PAGE_INDEX * SZ_4K)
#define U(x)        ((unsigned long long)(x))

/* ---- a fake VTL2 range, laid out like the loader lays it out -------------- */

struct fake_vm {
	struct fix_layout l;
	uint8_t *mem; /* [MEM_START, MEM_END) */
	struct shim_params_raw raw;
	struct shim_self self;
	struct shim_mem win;
	struct shim_log log;
	struct shim_boot boot;
	struct shim_err e;
	char console[1 << 16];
	size_t console_len;
};

static struct fake_vm *vm;

static const struct fix_dt_memory host_memory[] = {
	{ 0, MEM_START, IGVM_MEMORY_MAP_ENTRY_MEMORY },
	{ MEM_START, MEM_SIZE, IGVM_MEMORY_MAP_ENTRY_VTL2_PROTECTABLE },
	{ MEM_END, 0x4000000, IGVM_MEMORY_MAP_ENTRY_MEMORY },
	{ 0xe0000000, 0x1000000, IGVM_MEMORY_MAP_ENTRY_PLATFORM_RESERVED },
	{ 0x100000000, 0x40000000, IGVM_MEMORY_MAP_ENTRY_PERSISTENT },
};

static const struct fix_dt host_tree = {
	.memory = host_memory,
	.nr_memory = ARRAY_SIZE(host_memory),
	.nr_cpus = 2,
	.bootargs = "console=ttyS0 earlyprintk",
};

static void *at(uint64_t gpa)
{
	ck_assert_msg(gpa >= MEM_START && gpa < MEM_END, "gpa 0x%llx outside the fake VTL2 range",
	              U(gpa));
	return vm->mem + (gpa - MEM_START);
}

static void console_put(void *ctx, char c)
{
	struct fake_vm *v = ctx;

	if (v->console_len + 1 < sizeof(v->console))
		v->console[v->console_len++] = c;
}

static void vm_write_params(void)
{
	memcpy(at(vm->l.params), &vm->raw, sizeof(vm->raw));
}

static void vm_build(uint64_t initrd_size, uint64_t sidecar_size, uint16_t policy,
                     const char *static_cmdline, const struct fix_dt *dt)
{
	struct fix_layout *l = &vm->l;
	uint32_t crc = 0;
	uint64_t i;

	fix_layout_compute(l, MEM_START, MEM_SIZE, KERNEL_SIZE, sidecar_size, SHIM_SIZE,
	                   initrd_size, PT_PAGES);
	for (i = 0; i < initrd_size; i++)
		((uint8_t *)at(l->initrd))[i] = (uint8_t)(i * 7 + (i >> 8));
	if (initrd_size)
		crc = crc32_update(0, at(l->initrd), initrd_size); /* lib/crc32, not the shim's */
	fix_params_fill(l, crc, &vm->raw);
	vm_write_params();
	fix_cmdline_page(at(l->cmdline), policy, static_cmdline);
	fix_dt_build(dt, at(l->param_region + DT_OFFSET),
	             PARAVISOR_CONFIG_DEVICE_TREE_SIZE_PAGES * SZ_4K);
	vm->self =
	    (struct shim_self){ l->shim, l->shim, l->shim + align_up(SHIM_SIZE, SZ_4K), l->params };
	vm->win = (struct shim_mem){ MEM_START, MEM_END, (uintptr_t)vm->mem };
	shim_log_init(&vm->log, console_put, vm);
}

static int vm_run(void)
{
	return shim_boot_prepare(&vm->win, &vm->self, &vm->log, &vm->boot, &vm->e);
}

static void vm_setup(void)
{
	vm = calloc(1, sizeof(*vm));
	ck_assert_ptr_nonnull(vm);
	vm->mem = calloc(1, MEM_SIZE);
	ck_assert_ptr_nonnull(vm->mem);
	vm_build(INITRD_SIZE, 0, COMMAND_LINE_POLICY_APPEND_CHOSEN, "root=/dev/ram0 quiet",
	         &host_tree);
}

static void vm_teardown(void)
{
	free(vm->mem);
	free(vm);
}

static void assert_fails(int code, const char *msg)
{
	int ret = vm_run();

	ck_assert_msg(ret == -code, "returned %d (%s), expected %d", ret, vm->e.msg, -code);
	ck_assert_str_eq(vm->e.msg, msg);
}

static void assert_fails_with_prefix(int code, const char *prefix)
{
	int ret = vm_run();

	ck_assert_msg(ret == -code, "returned %d (%s), expected %d", ret, vm->e.msg, -code);
	ck_assert_msg(strncmp(vm->e.msg, prefix, strlen(prefix)) == 0,
	              "\"%s\" does not start \"%s\"", vm->e.msg, prefix);
}

/* ---- runtime: formatting, CRC-32, the log --------------------------------- */

START_TEST(format_handles_the_subset_the_shim_uses)
{
	char buf[128];

	shim_snprintf(buf, sizeof(buf), "%s|%u|%d|%x|%08x|%llx|%zu|%c|%%|%.*s|%5u", "str", 42u, -7,
	              0xbeefu, 0x12u, 0xfedcba9876543210ULL, (size_t)99, 'z', 3, "abcdef", 7u);
	ck_assert_str_eq(buf, "str|42|-7|beef|00000012|fedcba9876543210|99|z|%|abc|    7");
	shim_snprintf(buf, sizeof(buf), "%lld %llu %d", -9223372036854775807LL - 1,
	              18446744073709551615ULL, 0);
	ck_assert_str_eq(buf, "-9223372036854775808 18446744073709551615 0");
}
END_TEST

START_TEST(format_truncates_and_always_terminates)
{
	char buf[8];

	ck_assert_uint_eq(shim_snprintf(buf, sizeof(buf), "0123456789"), 7);
	ck_assert_str_eq(buf, "0123456");
}
END_TEST

START_TEST(crc32_matches_zlib_and_lib_crc32)
{
	static uint8_t data[100000];
	size_t i;

	ck_assert_uint_eq(shim_crc32_update(0, "123456789", 9), 0xcbf43926); /* the check value */
	ck_assert_uint_eq(shim_crc32_update(0, "", 0), 0);
	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 2654435761u >> 13);
	for (i = 1; i <= sizeof(data); i = i * 3 + 1)
		ck_assert_uint_eq(shim_crc32_update(0, data, i), crc32_update(0, data, i));
	ck_assert_uint_eq(shim_crc32_update(shim_crc32_update(0, data, 1000), data + 1000, 5000),
	                  crc32_update(0, data, 6000));
}
END_TEST

static char captured[4096];
static size_t captured_len;

static void capture(void *ctx, char c)
{
	(void)ctx;
	captured[captured_len++] = c;
}

START_TEST(log_lines_go_to_the_console_and_staged_lines_into_the_buffer)
{
	static struct shim_log log;
	uint32_t buf[1024];
	struct shim_log_header *h = (struct shim_log_header *)buf;
	const char *want = "minivmm-shim: one 1\nminivmm-shim: two 0x2\n";

	captured_len = 0;
	memset(buf, 0xee, sizeof(buf));
	shim_log_init(&log, capture, NULL);
	shim_log(&log, "one %u", 1u);
	shim_log_attach(&log, buf, sizeof(buf));
	shim_log(&log, "two 0x%x", 2u);
	ck_assert_uint_eq(h->magic, SHIM_LOG_MAGIC);
	ck_assert_mem_eq(&h->magic, "MSHL", 4);
	ck_assert_uint_eq(h->len, strlen(want));
	ck_assert_uint_eq(h->lost, 0);
	ck_assert_str_eq((char *)buf + SHIM_LOG_HEADER_SIZE, want);
	ck_assert_uint_eq(captured_len, strlen(want));
	ck_assert_mem_eq(captured, want, captured_len);
}
END_TEST

START_TEST(a_full_log_buffer_counts_what_it_drops)
{
	static struct shim_log log;
	uint32_t buf[SHIM_LOG_MIN_SIZE / 4];
	struct shim_log_header *h = (struct shim_log_header *)buf;
	const char *text = (char *)buf + SHIM_LOG_HEADER_SIZE;

	shim_log_init(&log, NULL, NULL);
	shim_log_attach(&log, buf, sizeof(buf));
	shim_log(&log, "%s", "0123456789012345678901234567890123456789012345678901234567890123");
	ck_assert_uint_eq(h->len, SHIM_LOG_MIN_SIZE - SHIM_LOG_HEADER_SIZE - 1);
	ck_assert_uint_eq(h->len + h->lost, strlen("minivmm-shim: ") + 64 + 1);
	ck_assert_uint_eq(strlen(text), h->len);
}
END_TEST

/* ---- ShimParamsRaw --------------------------------------------------------- */

static int check_params(struct shim_layout *l, struct shim_err *e)
{
	return shim_params_check(&vm->raw, &vm->self, l, e);
}

START_TEST(loader_layout_passes_with_absolute_addresses)
{
	struct shim_layout l;
	struct shim_err e = { 0 };

	ck_assert_msg(check_params(&l, &e) == 0, "%s", e.msg);
	ck_assert_uint_eq(l.mem_start, MEM_START);
	ck_assert_uint_eq(l.mem_end, MEM_END);
	ck_assert_uint_eq(l.kernel_entry, vm->l.kernel_entry);
	ck_assert_uint_eq(l.kernel_start, vm->l.kernel); /* right after the persisted region */
	ck_assert_uint_eq(l.kernel_limit, vm->l.shim);   /* no sidecar: the shim comes next */
	ck_assert_uint_eq(l.initrd.start, vm->l.initrd);
	ck_assert_uint_eq(l.initrd.size, INITRD_SIZE);
	ck_assert_uint_eq(l.cmdline.start, vm->l.cmdline);
	ck_assert_uint_eq(l.param_region.start, vm->l.param_region);
	ck_assert_uint_eq(l.log.start, vm->l.log);
	ck_assert_uint_eq(l.heap.start, vm->l.heap);
	ck_assert_uint_eq(l.heap.size, 16 * SZ_4K);
	ck_assert_uint_eq(l.used_end, vm->l.used_end);
}
END_TEST

START_TEST(sidecar_ends_the_kernels_room)
{
	struct shim_layout l;
	struct shim_err e = { 0 };

	vm_build(INITRD_SIZE, SIDECAR_SZ, COMMAND_LINE_POLICY_STATIC, "x", &host_tree);
	ck_assert_msg(check_params(&l, &e) == 0, "%s", e.msg);
	ck_assert_uint_eq(l.kernel_limit, vm->l.sidecar);
	ck_assert_uint_eq(l.sidecar.size, SIDECAR_SZ);
	vm->raw.sidecar_entry_offset = (int64_t)(vm->l.sidecar + SIDECAR_SZ - vm->l.shim);
	ck_assert_int_eq(check_params(&l, &e), -SHIM_ERANGE);
	ck_assert_ptr_nonnull(strstr(e.msg, "sidecar entry"));
}
END_TEST

START_TEST(memory_must_be_2m_aligned_non_empty_and_not_wrap)
{
	struct shim_layout l;
	struct shim_err e = { 0 };

	vm->raw.memory_size = MEM_SIZE + SZ_4K;
	ck_assert_int_eq(check_params(&l, &e), -SHIM_EINVAL);
	ck_assert_str_eq(e.msg, "VTL2 memory 0x8000000 size 0x4001000 is not 2 MiB aligned and "
	                        "non-empty");
	vm->raw.memory_size = 0;
	ck_assert_int_eq(check_params(&l, &e), -SHIM_EINVAL);
	vm->raw.memory_size = 0xfffffffff8000000ULL; /* 2 MiB aligned, but wraps past 2^64 */
	ck_assert_int_eq(check_params(&l, &e), -SHIM_ERANGE);
	ck_assert_str_eq(e.msg, "VTL2 memory 0x8000000 size 0xfffffffff8000000 wraps");
}
END_TEST

START_TEST(used_range_must_lie_in_memory)
{
	struct shim_layout l;
	struct shim_err e = { 0 };
	char want[200];

	vm->raw.used_end = (int64_t)(MEM_END + SZ_4K - vm->l.shim);
	ck_assert_int_eq(check_params(&l, &e), -SHIM_ERANGE);
	snprintf(want, sizeof(want),
	         "used range [0x8000000, 0x%llx) outside VTL2 memory [0x8000000, 0xc000000)",
	         U(MEM_END + SZ_4K));
	ck_assert_str_eq(e.msg, want);
}
END_TEST

START_TEST(only_vbs_isolation_is_supported)
{
	struct shim_layout l;
	struct shim_err e = { 0 };

	vm->raw.supported_isolation_type = SHIM_ISOLATION_SNP;
	ck_assert_int_eq(check_params(&l, &e), -SHIM_EINVAL);
	ck_assert_str_eq(e.msg, "isolation type 2 not supported (only 1: none/VBS)");
}
END_TEST

START_TEST(initrd_crc_without_initrd_is_inconsistent)
{
	struct shim_layout l;
	struct shim_err e = { 0 };

	vm_build(0, 0, COMMAND_LINE_POLICY_STATIC, "x", &host_tree);
	ck_assert_msg(check_params(&l, &e) == 0, "%s", e.msg);
	ck_assert_uint_eq(l.initrd.size, 0);
	vm->raw.initrd_crc = 0x1234;
	ck_assert_int_eq(check_params(&l, &e), -SHIM_EINVAL);
	ck_assert_str_eq(e.msg, "initrd_crc 0x00001234 without an initrd");
}
END_TEST

/* Each region the loader places, moved to start where the used range ends. */
static const struct {
	size_t offset; /* of the *_offset field in ShimParamsRaw */
	const char *name;
} moved_regions[] = {
	{ offsetof(struct shim_params_raw, cmdline_offset), "command line page" },
	{ offsetof(struct shim_params_raw, initrd_offset), "initrd" },
	{ offsetof(struct shim_params_raw, parameter_region_offset), "parameter region" },
	{ offsetof(struct shim_params_raw, vtl2_reserved_region_offset), "VTL2 reserved region" },
	{ offsetof(struct shim_params_raw, log_buffer_start), "log buffer" },
	{ offsetof(struct shim_params_raw, heap_start_offset), "heap" },
	{ offsetof(struct shim_params_raw, persisted_state_region_offset),
	  "persisted state region" },
};

START_TEST(every_region_must_lie_in_the_used_range)
{
	struct shim_layout l;
	struct shim_err e = { 0 };
	int64_t past_end = (int64_t)(vm->l.used_end - vm->l.shim);
	char want[64];

	memcpy((uint8_t *)&vm->raw + moved_regions[_i].offset, &past_end, sizeof(past_end));
	ck_assert_int_eq(check_params(&l, &e), -SHIM_ERANGE);
	snprintf(want, sizeof(want), "%s [0x%llx, +0x", moved_regions[_i].name, U(vm->l.used_end));
	ck_assert_msg(strncmp(e.msg, want, strlen(want)) == 0, "%s", e.msg);
	ck_assert_ptr_nonnull(strstr(e.msg, ") outside the used VTL2 range [0x8000000, 0x"));
}
END_TEST

START_TEST(regions_must_be_page_aligned_and_large_enough)
{
	struct shim_layout l;
	struct shim_err e = { 0 };

	vm->raw.heap_start_offset += 8;
	ck_assert_int_eq(check_params(&l, &e), -SHIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(e.msg, "heap at 0x"));
	ck_assert_ptr_nonnull(strstr(e.msg, "008 is not page aligned"));
	vm->raw.heap_start_offset -= 8;
	vm->raw.heap_size = SZ_4K;
	ck_assert_int_eq(check_params(&l, &e), -SHIM_EINVAL);
	ck_assert_str_eq(e.msg, "heap size 0x1000, need at least 0x2000");
	vm->raw.heap_size = 16 * SZ_4K;
	vm->raw.parameter_region_size = 103 * SZ_4K; /* the device tree ends at page 104 */
	ck_assert_int_eq(check_params(&l, &e), -SHIM_EINVAL);
	ck_assert_str_eq(e.msg, "parameter region size 0x67000, need at least 0x68000");
	vm->raw.parameter_region_size = 362 * SZ_4K;
	vm->raw.log_buffer_size = 0;
	ck_assert_int_eq(check_params(&l, &e), -SHIM_EINVAL);
	ck_assert_str_eq(e.msg, "log buffer size 0x0, need at least 0x40");
}
END_TEST

START_TEST(overlapping_regions_are_inconsistent)
{
	struct shim_layout l;
	struct shim_err e = { 0 };
	char want[200];

	vm->raw.heap_start_offset = vm->raw.log_buffer_start; /* heap on top of the log */
	ck_assert_int_eq(check_params(&l, &e), -SHIM_EINVAL);
	snprintf(want, sizeof(want),
	         "log buffer [0x%llx, +0x2000) overlaps heap [0x%llx, +0x10000)", U(vm->l.log),
	         U(vm->l.log));
	ck_assert_str_eq(e.msg, want);
}
END_TEST

START_TEST(kernel_entry_must_lie_between_the_regions_around_it)
{
	struct shim_layout l;
	struct shim_err e = { 0 };
	char want[200];

	vm->raw.kernel_entry_offset = (int64_t)(MEM_START + 0x1000 - vm->l.shim); /* persisted */
	ck_assert_int_eq(check_params(&l, &e), -SHIM_ERANGE);
	snprintf(want, sizeof(want),
	         "kernel entry 0x8001000 outside the kernel's room [0x%llx, 0x%llx)",
	         U(vm->l.kernel), U(vm->l.shim));
	ck_assert_str_eq(e.msg, want);
	vm->raw.kernel_entry_offset = 0; /* the shim's own first byte */
	ck_assert_int_eq(check_params(&l, &e), -SHIM_ERANGE);
}
END_TEST

/* ---- command line ---------------------------------------------------------- */

static struct paravisor_command_line pcl;
static char cmdline[SHIM_CMDLINE_MAX];
static size_t cmdline_len;

static int build_cmdline(uint16_t policy, const char *static_part, const char *bootargs,
                         struct shim_err *e)
{
	fix_cmdline_page(&pcl, policy, static_part);
	return shim_cmdline_build(&pcl, bootargs, bootargs ? strlen(bootargs) : 0, cmdline,
	                          &cmdline_len, e);
}

static void assert_cmdline(uint16_t policy, const char *s, const char *bootargs, const char *want)
{
	struct shim_err e = { 0 };

	ck_assert_msg(build_cmdline(policy, s, bootargs, &e) == 0, "%s", e.msg);
	ck_assert_str_eq(cmdline, want);
	ck_assert_uint_eq(cmdline_len, strlen(want));
}

START_TEST(static_policy_ignores_bootargs)
{
	assert_cmdline(COMMAND_LINE_POLICY_STATIC, "console=ttyS0", "quiet", "console=ttyS0");
	assert_cmdline(COMMAND_LINE_POLICY_STATIC, "", "quiet", "");
}
END_TEST

START_TEST(append_chosen_adds_a_space_and_the_bootargs)
{
	assert_cmdline(COMMAND_LINE_POLICY_APPEND_CHOSEN, "console=ttyS0", "quiet panic=-1",
	               "console=ttyS0 quiet panic=-1");
	assert_cmdline(COMMAND_LINE_POLICY_APPEND_CHOSEN, "console=ttyS0", "", "console=ttyS0");
	assert_cmdline(COMMAND_LINE_POLICY_APPEND_CHOSEN, "console=ttyS0", NULL, "console=ttyS0");
	assert_cmdline(COMMAND_LINE_POLICY_APPEND_CHOSEN, "", "quiet", "quiet");
}
END_TEST

START_TEST(unknown_policy_is_refused)
{
	struct shim_err e = { 0 };

	ck_assert_int_eq(build_cmdline(2, "x", NULL, &e), -SHIM_EINVAL);
	ck_assert_str_eq(e.msg, "unknown command line policy 2");
}
END_TEST

START_TEST(static_part_longer_than_the_page_or_holding_a_nul_is_refused)
{
	struct shim_err e = { 0 };

	fix_cmdline_page(&pcl, COMMAND_LINE_POLICY_STATIC, "abc");
	pcl.static_command_line_len = 4093;
	ck_assert_int_eq(shim_cmdline_build(&pcl, NULL, 0, cmdline, &cmdline_len, &e),
	                 -SHIM_EINVAL);
	ck_assert_str_eq(e.msg, "static command line length 4093 exceeds 4092");
	pcl.static_command_line_len = 5; /* "abc\0\0" */
	ck_assert_int_eq(shim_cmdline_build(&pcl, NULL, 0, cmdline, &cmdline_len, &e),
	                 -SHIM_EINVAL);
	ck_assert_str_eq(e.msg, "static command line has a NUL at 3 of 5");
}
END_TEST

START_TEST(result_holds_2047_characters_and_not_one_more)
{
	static char s[2048], want[2048];
	struct shim_err e = { 0 };

	memset(s, 'a', 2040);
	memcpy(want, s, 2040);
	strcpy(want + 2040, " 123456"); /* 2040 + 1 + 6 = 2047 */
	assert_cmdline(COMMAND_LINE_POLICY_APPEND_CHOSEN, s, "123456", want);
	ck_assert_uint_eq(cmdline_len, 2047);
	ck_assert_int_eq(build_cmdline(COMMAND_LINE_POLICY_APPEND_CHOSEN, s, "1234567", &e),
	                 -SHIM_ENOSPC);
	ck_assert_str_eq(e.msg,
	                 "command line is 2048 bytes (static 2040, bootargs 7), more than 2047");
}
END_TEST

/* ---- E820 ------------------------------------------------------------------ */

struct want_e820 {
	uint64_t start, end;
	uint32_t type;
};

static void assert_e820(const struct shim_e820_map *m, const struct want_e820 *w, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < m->n && i < n; i++) {
		ck_assert_msg(
		    m->e[i].addr == w[i].start && m->e[i].addr + m->e[i].size == w[i].end &&
		        m->e[i].type == w[i].type,
		    "entry %u: [0x%llx, 0x%llx) type %u, expected [0x%llx, 0x%llx) type %u", i,
		    U(m->e[i].addr), U(m->e[i].addr + m->e[i].size), m->e[i].type, U(w[i].start),
		    U(w[i].end), w[i].type);
	}
	ck_assert_uint_eq(m->n, n);
}

START_TEST(e820_types_sort_and_carve_out_everything_but_kernel_and_initrd)
{
	const struct fix_layout *l = &vm->l;
	uint64_t initrd_end = l->initrd + align_up(INITRD_SIZE, SZ_4K);
	const struct want_e820 want[] = {
		{ 0, MEM_START, X86_E820_RAM },
		{ MEM_START, l->kernel, X86_E820_RESERVED },        /* persisted state */
		{ l->kernel, l->shim, X86_E820_RAM },               /* the kernel's image */
		{ l->shim, l->initrd, X86_E820_RESERVED },          /* the shim */
		{ l->initrd, initrd_end, X86_E820_RAM },            /* Linux reserves it itself */
		{ initrd_end, l->used_end, X86_E820_RESERVED },     /* GDT .. page tables */
		{ l->used_end, MEM_END + 0x4000000, X86_E820_RAM }, /* merged with the next range */
		{ 0xe0000000, 0xe1000000, X86_E820_RESERVED },
		{ 0x100000000, 0x140000000, SHIM_E820_PMEM },
	};

	ck_assert_msg(vm_run() == 0, "%s", vm->e.msg);
	assert_e820(&vm->boot.e820, want, ARRAY_SIZE(want));
}
END_TEST

START_TEST(e820_with_a_sidecar_and_no_initrd)
{
	const struct fix_layout *l;
	struct want_e820 want[7];

	vm_build(0, SIDECAR_SZ, COMMAND_LINE_POLICY_STATIC, "x", &host_tree);
	l = &vm->l;
	want[0] = (struct want_e820){ 0, MEM_START, X86_E820_RAM };
	want[1] = (struct want_e820){ MEM_START, l->kernel, X86_E820_RESERVED };
	want[2] = (struct want_e820){ l->kernel, l->sidecar, X86_E820_RAM };
	want[3] = (struct want_e820){ l->sidecar, l->used_end, X86_E820_RESERVED };
	want[4] = (struct want_e820){ l->used_end, MEM_END + 0x4000000, X86_E820_RAM };
	want[5] = (struct want_e820){ 0xe0000000, 0xe1000000, X86_E820_RESERVED };
	want[6] = (struct want_e820){ 0x100000000, 0x140000000, SHIM_E820_PMEM };
	ck_assert_msg(vm_run() == 0, "%s", vm->e.msg);
	assert_e820(&vm->boot.e820, want, ARRAY_SIZE(want));
}
END_TEST

START_TEST(e820_refuses_overlapping_device_tree_ranges)
{
	const struct fix_dt_memory m[] = {
		{ 0, MEM_START + SZ_4K, IGVM_MEMORY_MAP_ENTRY_MEMORY },
		{ MEM_START, MEM_SIZE, IGVM_MEMORY_MAP_ENTRY_VTL2_PROTECTABLE },
	};
	struct fix_dt d = host_tree;

	d.memory = m;
	d.nr_memory = 2;
	vm_build(INITRD_SIZE, 0, COMMAND_LINE_POLICY_STATIC, "x", &d);
	assert_fails(SHIM_EINVAL, "device tree: memory [0x0, 0x8001000) overlaps [0x8000000, "
	                          "0xc000000)");
}
END_TEST

START_TEST(e820_refuses_a_vtl2_range_that_is_not_all_ram)
{
	const struct fix_dt_memory m[] = {
		{ MEM_START, 0x1000000, IGVM_MEMORY_MAP_ENTRY_VTL2_PROTECTABLE },
		{ MEM_START + 0x1000000, 0x1000000, IGVM_MEMORY_MAP_ENTRY_PLATFORM_RESERVED },
	};
	struct fix_dt d = host_tree;

	d.memory = m;
	d.nr_memory = 2;
	vm_build(INITRD_SIZE, 0, COMMAND_LINE_POLICY_STATIC, "x", &d);
	assert_fails(SHIM_EINVAL, "device tree: VTL2 memory [0x8000000, 0xc000000) is not all RAM: "
	                          "0x9000000 is not");
	d.nr_memory = 1; /* now a gap instead */
	vm_build(INITRD_SIZE, 0, COMMAND_LINE_POLICY_STATIC, "x", &d);
	assert_fails(SHIM_EINVAL, "device tree: VTL2 memory [0x8000000, 0xc000000) is not all RAM: "
	                          "0x9000000 is not");
}
END_TEST

START_TEST(e820_carves_memreserve_entries)
{
	static const uint64_t rsv[][2] = { { 0x9f000, 0x2000 } };
	struct fix_dt d = host_tree;

	d.mem_rsv = rsv;
	d.nr_mem_rsv = 1;
	vm_build(INITRD_SIZE, 0, COMMAND_LINE_POLICY_STATIC, "x", &d);
	ck_assert_msg(vm_run() == 0, "%s", vm->e.msg);
	ck_assert_uint_eq(vm->boot.e820.e[0].size, 0x9f000);
	ck_assert_uint_eq(vm->boot.e820.e[1].addr, 0x9f000);
	ck_assert_uint_eq(vm->boot.e820.e[1].size, 0x2000);
	ck_assert_uint_eq(vm->boot.e820.e[1].type, X86_E820_RESERVED);
	ck_assert_uint_eq(vm->boot.e820.e[2].addr, 0xa1000);
	ck_assert_uint_eq(vm->boot.e820.e[2].type, X86_E820_RAM);
}
END_TEST

START_TEST(e820_refuses_more_than_128_entries)
{
	static struct fix_dt_memory m[SHIM_DT_MAX_MEMORY_RANGES];
	struct fix_dt d = host_tree;
	unsigned int i;

	/* 127 separate 4 KiB ranges below the VTL2 range, which carving splits in 6 */
	for (i = 0; i < SHIM_DT_MAX_MEMORY_RANGES - 1; i++)
		m[i] = (struct fix_dt_memory){ i * SZ_1M, SZ_4K, IGVM_MEMORY_MAP_ENTRY_MEMORY };
	m[i] =
	    (struct fix_dt_memory){ MEM_START, MEM_SIZE, IGVM_MEMORY_MAP_ENTRY_VTL2_PROTECTABLE };
	d.memory = m;
	d.nr_memory = SHIM_DT_MAX_MEMORY_RANGES;
	vm_build(INITRD_SIZE, 0, COMMAND_LINE_POLICY_STATIC, "x", &d);
	assert_fails(SHIM_ENOSPC, "133 E820 entries, more than the zero page's 128");
}
END_TEST

/* ---- the whole sequence ----------------------------------------------------- */

START_TEST(zero_page_points_linux_at_the_command_line_initrd_and_e820)
{
	const struct x86_boot_params *bp;
	const struct fix_layout *l = &vm->l;
	uint64_t cmd;

	ck_assert_msg(vm_run() == 0, "%s", vm->e.msg);
	ck_assert_uint_eq(vm->boot.kernel_entry, l->kernel_entry);
	ck_assert_uint_eq(vm->boot.boot_params_gpa, l->heap);
	bp = at(l->heap);
	ck_assert_uint_eq(bp->hdr.boot_flag, 0xaa55);
	ck_assert_uint_eq(bp->hdr.header, 0x53726448);
	ck_assert_uint_eq(bp->hdr.kernel_alignment, 0x1000000);
	ck_assert_uint_eq(bp->hdr.type_of_loader, 0xff);
	ck_assert_uint_eq(bp->sentinel, 0);
	cmd = bp->hdr.cmd_line_ptr | (uint64_t)bp->ext_cmd_line_ptr << 32;
	ck_assert_uint_eq(cmd, l->heap + SZ_4K);
	ck_assert_str_eq(at(cmd), "root=/dev/ram0 quiet console=ttyS0 earlyprintk");
	ck_assert_uint_eq(bp->hdr.cmdline_size, strlen(at(cmd)));
	ck_assert_uint_eq(bp->hdr.ramdisk_image | (uint64_t)bp->ext_ramdisk_image << 32, l->initrd);
	ck_assert_uint_eq(bp->hdr.ramdisk_size | (uint64_t)bp->ext_ramdisk_size << 32, INITRD_SIZE);
	ck_assert_uint_eq(bp->e820_entries, vm->boot.e820.n);
	ck_assert_mem_eq(bp->e820_table, vm->boot.e820.e,
	                 vm->boot.e820.n * sizeof(bp->e820_table[0]));
	ck_assert_uint_eq(vm->boot.dt.nr_cpus, 2);
}
END_TEST

START_TEST(every_step_is_logged_to_the_console_and_the_log_buffer)
{
	const struct shim_log_header *h;
	const char *text;
	static const char *const steps[] = {
		"minivmm-shim: image [0x",
		"minivmm-shim: shim params ok; log buffer at 0x",
		"minivmm-shim: VTL2 memory [0x8000000, 0xc000000), used [0x8000000, 0x",
		"minivmm-shim: initrd [0x",
		") CRC-32 0x",
		"minivmm-shim: device tree at 0x",
		": 5 memory ranges, 2 CPUs\n",
		"minivmm-shim:   memory [0x8000000, +0x4000000) igvm type 3\n",
		"minivmm-shim: /chosen/bootargs \"console=ttyS0 earlyprintk\"\n",
		"minivmm-shim: command line (policy 1, 46 bytes): root=/dev/ram0 quiet "
		"console=ttyS0 earlyprintk\n",
		"minivmm-shim: e820 [0x0, 0x8000000) RAM\n",
		"minivmm-shim: e820 [0x100000000, 0x140000000) PMEM\n",
		"minivmm-shim: zero page at 0x",
	};
	unsigned int i;

	ck_assert_msg(vm_run() == 0, "%s", vm->e.msg);
	h = at(vm->l.log);
	text = (const char *)h + SHIM_LOG_HEADER_SIZE;
	ck_assert_uint_eq(h->magic, SHIM_LOG_MAGIC);
	ck_assert_uint_eq(h->lost, 0);
	ck_assert_uint_eq(h->len, strlen(text));
	vm->console[vm->console_len] = '\0';
	ck_assert_str_eq(text, vm->console); /* the same lines, staged ones included */
	for (i = 0; i < ARRAY_SIZE(steps); i++)
		ck_assert_msg(strstr(text, steps[i]), "no \"%s\" in the log:\n%s", steps[i], text);
	ck_assert_int_eq(strncmp(text, steps[0], strlen(steps[0])), 0);
}
END_TEST

START_TEST(corrupt_initrd_fails_the_crc)
{
	char want[128];
	uint32_t good = vm->raw.initrd_crc;

	((uint8_t *)at(vm->l.initrd))[100] ^= 1;
	snprintf(want, sizeof(want), "initrd [0x%llx, +74565) CRC-32 0x%08x, expected 0x%08x",
	         U(vm->l.initrd), crc32_update(0, at(vm->l.initrd), INITRD_SIZE), good);
	assert_fails(SHIM_ECRC, want);
}
END_TEST

START_TEST(missing_device_tree_fails)
{
	memset(at(vm->l.param_region + DT_OFFSET), 0, 64);
	assert_fails(SHIM_EBADFDT, "device tree: bad magic 0x00000000, expected 0xd00dfeed");
}
END_TEST

START_TEST(unknown_command_line_policy_fails)
{
	((struct paravisor_command_line *)at(vm->l.cmdline))->policy = 7;
	assert_fails(SHIM_EINVAL, "unknown command line policy 7");
}
END_TEST

START_TEST(params_not_after_the_shim_fail_before_being_read)
{
	vm->self.params = vm->l.shim + SZ_4K; /* inside the shim image */
	assert_fails_with_prefix(SHIM_ERANGE, "shim params at 0x");
	vm->self.params = vm->l.params + 8;
	assert_fails_with_prefix(SHIM_ERANGE, "shim params at 0x");
	vm->self.params = MEM_END; /* after the shim, but outside the memory the test has */
	assert_fails(SHIM_ERANGE, "shim params at 0xc000000 outside memory");
}
END_TEST

START_TEST(vtl2_range_beyond_the_memory_window_fails)
{
	vm->win.gpa_end -= SZ_2M; /* the shim may touch less than ShimParamsRaw claims */
	assert_fails(SHIM_ERANGE, "VTL2 memory [0x8000000, 0xc000000) outside the memory window "
	                          "[0x8000000, 0xbe00000)");
}
END_TEST

/* ---- the embedded shim ELF ------------------------------------------------ */

START_TEST(embedded_shim_is_an_elf64_linked_at_0_without_relocations)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)minivmm_shim_x64;
	const Elf64_Phdr *ph;
	const Elf64_Shdr *sh;
	unsigned int i, loads = 0;

	ck_assert_uint_gt(minivmm_shim_x64_size, sizeof(*eh));
	ck_assert_mem_eq(eh->e_ident, ELFMAG, SELFMAG);
	ck_assert_uint_eq(eh->e_ident[EI_CLASS], ELFCLASS64);
	ck_assert_uint_eq(eh->e_machine, EM_X86_64);
	ph = (const Elf64_Phdr *)(minivmm_shim_x64 + eh->e_phoff);
	for (i = 0; i < eh->e_phnum; i++) {
		ck_assert_uint_ne(ph[i].p_type, PT_INTERP);
		if (ph[i].p_type != PT_LOAD)
			continue;
		ck_assert_uint_eq(ph[i].p_paddr, 0);
		ck_assert_uint_lt(eh->e_entry, ph[i].p_filesz);
		ck_assert_uint_ge(ph[i].p_memsz, ph[i].p_filesz);
		loads++;
	}
	ck_assert_uint_eq(loads, 1);
	sh = (const Elf64_Shdr *)(minivmm_shim_x64 + eh->e_shoff);
	for (i = 0; i < eh->e_shnum; i++)
		ck_assert_msg(sh[i].sh_type != SHT_RELA && sh[i].sh_type != SHT_REL,
		              "section %u holds relocations", i);
}
END_TEST

static Suite *shim_suite(void)
{
	Suite *s = suite_create("shim");
	TCase *rt = tcase_create("runtime"), *params = tcase_create("params");
	TCase *cmd = tcase_create("cmdline"), *e820 = tcase_create("e820");
	TCase *boot = tcase_create("boot"), *elf = tcase_create("elf");

	tcase_add_test(rt, format_handles_the_subset_the_shim_uses);
	tcase_add_test(rt, format_truncates_and_always_terminates);
	tcase_add_test(rt, crc32_matches_zlib_and_lib_crc32);
	tcase_add_test(rt, log_lines_go_to_the_console_and_staged_lines_into_the_buffer);
	tcase_add_test(rt, a_full_log_buffer_counts_what_it_drops);
	suite_add_tcase(s, rt);

	tcase_add_checked_fixture(params, vm_setup, vm_teardown);
	tcase_add_test(params, loader_layout_passes_with_absolute_addresses);
	tcase_add_test(params, sidecar_ends_the_kernels_room);
	tcase_add_test(params, memory_must_be_2m_aligned_non_empty_and_not_wrap);
	tcase_add_test(params, used_range_must_lie_in_memory);
	tcase_add_test(params, only_vbs_isolation_is_supported);
	tcase_add_test(params, initrd_crc_without_initrd_is_inconsistent);
	tcase_add_loop_test(params, every_region_must_lie_in_the_used_range, 0,
	                    ARRAY_SIZE(moved_regions));
	tcase_add_test(params, regions_must_be_page_aligned_and_large_enough);
	tcase_add_test(params, overlapping_regions_are_inconsistent);
	tcase_add_test(params, kernel_entry_must_lie_between_the_regions_around_it);
	suite_add_tcase(s, params);

	tcase_add_test(cmd, static_policy_ignores_bootargs);
	tcase_add_test(cmd, append_chosen_adds_a_space_and_the_bootargs);
	tcase_add_test(cmd, unknown_policy_is_refused);
	tcase_add_test(cmd, static_part_longer_than_the_page_or_holding_a_nul_is_refused);
	tcase_add_test(cmd, result_holds_2047_characters_and_not_one_more);
	suite_add_tcase(s, cmd);

	tcase_add_checked_fixture(e820, vm_setup, vm_teardown);
	tcase_add_test(e820, e820_types_sort_and_carve_out_everything_but_kernel_and_initrd);
	tcase_add_test(e820, e820_with_a_sidecar_and_no_initrd);
	tcase_add_test(e820, e820_refuses_overlapping_device_tree_ranges);
	tcase_add_test(e820, e820_refuses_a_vtl2_range_that_is_not_all_ram);
	tcase_add_test(e820, e820_carves_memreserve_entries);
	tcase_add_test(e820, e820_refuses_more_than_128_entries);
	suite_add_tcase(s, e820);

	tcase_add_checked_fixture(boot, vm_setup, vm_teardown);
	tcase_add_test(boot, zero_page_points_linux_at_the_command_line_initrd_and_e820);
	tcase_add_test(boot, every_step_is_logged_to_the_console_and_the_log_buffer);
	tcase_add_test(boot, corrupt_initrd_fails_the_crc);
	tcase_add_test(boot, missing_device_tree_fails);
	tcase_add_test(boot, unknown_command_line_policy_fails);
	tcase_add_test(boot, params_not_after_the_shim_fail_before_being_read);
	tcase_add_test(boot, vtl2_range_beyond_the_memory_window_fails);
	suite_add_tcase(s, boot);

	tcase_add_test(elf, embedded_shim_is_an_elf64_linked_at_0_without_relocations);
	suite_add_tcase(s, elf);

	shim_fdt_add_tcases(s);
	return s;
}

int main(void)
{
	return run_suite(shim_suite());
}
