// SPDX-License-Identifier: MIT
/*
 * The real boot shim (the ELF embedded in minivmm) in KVM, through the whole
 * minivmm machine. The load hook lays out a paravisor image the way the
 * loader does (LOADER-SPEC §2.4), with minivmm's importer and ELF loader:
 * persisted region, a stand-in kernel (fake_kernel.S), the shim, an initrd,
 * GDT, ShimParamsRaw, the command-line page, the parameter region with the
 * device tree at page 40, log buffer, heap, and page tables that map only
 * the VTL2 range; then the registers of step 22 (RSI relative to the shim).
 *
 * The stand-in kernel sends RSI, RFLAGS, CS, the zero page, the log buffer
 * and the command line to a dump device and exits with 0; the test checks
 * them and the shim's lines on COM1. Broken inputs must end in FATAL: exit
 * code 8 and a "minivmm-shim: FATAL:" line.
 *
 * argv[1]: the stand-in kernel's flat image. Skips (77) without a usable
 * /dev/kvm unless MINIVMM_REQUIRE_KVM=1.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arch/x86_64/bootparam.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/shim/log.h"
#include "arch/x86_64/shim/test/shim_fixtures.h"
#include "arch/x86_64/shim_image.h"
#include "lib/crc32.h"
#include "lib/sizes.h"
#include "loader/elf.h"
#include "vmm/exit_codes.h"
#include "vmm/machine.h"
#include "vmm/vm.h"

#define GUEST_MEM  (256 * SZ_1M)
#define VTL2_START PARAVISOR_DEFAULT_MEMORY_BASE_ADDRESS /* 128 MiB */
#define VTL2_SIZE  (64 * SZ_1M)
#define INITRD_LEN (100 * 1024 + 123)
#define PT_PAGES   7 /* 5 + 2 * one page directory, as the loader reserves */
#define DT_PAGE    PARAVISOR_CONFIG_DEVICE_TREE_PAGE_INDEX
#define DT_PAGES   PARAVISOR_CONFIG_DEVICE_TREE_SIZE_PAGES
#define STATIC_CMD "console=ttyS0 panic=-1"
#define BOOTARGS   "earlyprintk=serial"
#define SKIP_EXIT  77

#define DUMP_PORT        0x530 /* fake_kernel.S */
#define DUMP_NR_PORTS    8
#define DUMP_STREAMS     8
#define DUMP_STREAM_MAX  SZ_64K
#define KERNEL_TABLE_OFF 0x100 /* fake_kernel.S: (gpa, len) pairs to dump */

#define X64_CR0           0x80000021ULL /* PG | NE | PE */
#define X64_CR4           0x00040060ULL /* OSXSAVE | MCE | PAE */
#define X64_EFER          0xd00ULL      /* NXE | LMA | LME */
#define X64_CODE_SELECTOR 0x10
#define X64_DATA_SELECTOR 0x18
#define PTE_TABLE         0x3ULL  /* P | RW */
#define PTE_2M            0x83ULL /* P | RW | PS */

static const char *kernel_path;

enum breakage { INTACT, WRONG_INITRD_CRC, RSI_INTO_THE_SHIM };

struct dump {
	uint8_t *data[DUMP_STREAMS];
	size_t len[DUMP_STREAMS];
	unsigned int cur, errors;
};

struct run {
	enum breakage breakage;
	struct fix_layout l;
	struct elf_load_info shim;
	uint8_t kernel[SZ_4K];
	size_t kernel_len;
	uint8_t initrd[INITRD_LEN];
	struct dump dump;
	struct machine_result res;
	char console[SZ_64K];
};

/* ---- the dump device ---------------------------------------------------- */

static void dump_write(void *dev, uint64_t offset, const uint8_t *data, unsigned int len)
{
	struct dump *d = dev;
	uint32_t id;

	if (offset == 0 && len == 4) {
		memcpy(&id, data, 4);
		d->cur = id;
		if (id < DUMP_STREAMS)
			d->len[id] = 0;
		else
			d->errors++;
	} else if (offset == 4 && d->cur < DUMP_STREAMS &&
	           d->len[d->cur] + len <= DUMP_STREAM_MAX) {
		memcpy(d->data[d->cur] + d->len[d->cur], data, len);
		d->len[d->cur] += len;
	} else {
		d->errors++;
	}
}

static const struct bus_device_ops dump_ops = { .write = dump_write };

static int add_dump_device(struct vm *vm, void *arg, struct err *e)
{
	struct run *r = arg;

	return bus_register(&vm->pio, DUMP_PORT, DUMP_NR_PORTS, "shim test dump", &dump_ops,
	                    &r->dump, e);
}

/* ---- the image ---------------------------------------------------------- */

static void read_kernel(struct run *r)
{
	int fd = open(kernel_path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	ck_assert_msg(fd >= 0, "%s: %s", kernel_path, strerror(errno));
	n = read(fd, r->kernel, sizeof(r->kernel));
	close(fd);
	ck_assert_msg(n > KERNEL_TABLE_OFF && n < (ssize_t)sizeof(r->kernel), "%s: %zd bytes",
	              kernel_path, n);
	r->kernel_len = (size_t)n;
}

/* What the stand-in kernel dumps after the zero page: streams 2 and 3. */
static void fill_kernel_table(struct run *r)
{
	const uint64_t table[] = {
		r->l.log, PARAVISOR_LOG_BUFFER_PAGES * SZ_4K, r->l.heap + SZ_4K, 2048, 0, 0
	};

	memcpy(r->kernel + KERNEL_TABLE_OFF, table, sizeof(table));
}

static size_t build_device_tree(void *buf)
{
	static const struct fix_dt_memory memory[] = {
		{ 0, VTL2_START, IGVM_MEMORY_MAP_ENTRY_MEMORY },
		{ VTL2_START, VTL2_SIZE, IGVM_MEMORY_MAP_ENTRY_VTL2_PROTECTABLE },
		{ VTL2_START + VTL2_SIZE, GUEST_MEM - VTL2_START - VTL2_SIZE,
		  IGVM_MEMORY_MAP_ENTRY_MEMORY },
	};
	const struct fix_dt dt = {
		.memory = memory, .nr_memory = 3, .nr_cpus = 1, .bootargs = BOOTARGS
	};

	return fix_dt_build(&dt, buf, DT_PAGES * SZ_4K);
}

/* Identity tables for [VTL2_START, +VTL2_SIZE) only: PML4, PDPT, one PD of 2 MiB pages. */
static void build_page_tables(uint64_t pt, uint64_t *t)
{
	uint64_t a;

	memset(t, 0, 3 * SZ_4K);
	t[0] = (pt + SZ_4K) | PTE_TABLE;
	t[512] = (pt + 2 * SZ_4K) | PTE_TABLE;
	for (a = VTL2_START; a < VTL2_START + VTL2_SIZE; a += SZ_2M)
		t[1024 + a / SZ_2M] = a | PTE_2M;
}

static int import_pages(struct importer *imp, uint64_t gpa, uint64_t pages, const char *tag,
                        const void *data, size_t len, struct err *e)
{
	return importer_import_pages(imp, gpa >> PAGE_SHIFT, pages, tag, BPA_EXCLUSIVE, data, len,
	                             e);
}

static int import_data(struct importer *imp, struct run *r, struct err *e)
{
	const struct fix_layout *l = &r->l;
	static uint8_t dtb[DT_PAGES * SZ_4K];
	static uint64_t pt[3 * 512];
	struct paravisor_command_line pcl;
	struct shim_params_raw p;
	uint32_t crc = crc32_update(0, r->initrd, INITRD_LEN);
	const uint64_t gdt[4] = { 0, 0, x86_gdt_entry(X64_DEFAULT_CODE_SEGMENT_ATTRIBUTES, 0, ~0u),
		                  x86_gdt_entry(X64_DEFAULT_DATA_SEGMENT_ATTRIBUTES, 0, ~0u) };
	size_t dt_len = build_device_tree(dtb);
	int ret;

	fix_params_fill(l, r->breakage == WRONG_INITRD_CRC ? crc ^ 1 : crc, &p);
	fix_cmdline_page(&pcl, COMMAND_LINE_POLICY_APPEND_CHOSEN, STATIC_CMD);
	build_page_tables(l->pt, pt);
	ret = import_pages(imp, l->kernel, 1, "underhill-kernel", r->kernel, r->kernel_len, e);
	if (!ret)
		ret = importer_import_bytes(imp, l->initrd, align_up(INITRD_LEN, SZ_4K),
		                            "underhill-initrd", BPA_EXCLUSIVE, r->initrd,
		                            INITRD_LEN, e);
	if (!ret)
		ret = import_pages(imp, l->gdt, 1, "underhill-gdt", gdt, sizeof(gdt), e);
	if (!ret)
		ret = import_pages(imp, l->params, 1, "underhill-shim-params", &p, sizeof(p), e);
	if (!ret)
		ret = import_pages(imp, l->cmdline, 1, "underhill-command-line", &pcl, sizeof(pcl),
		                   e);
	if (!ret)
		ret = import_pages(imp, l->param_region + DT_PAGE * SZ_4K, DT_PAGES,
		                   "underhill-device-tree", dtb, dt_len, e);
	if (!ret)
		ret = import_pages(imp, l->log, 2, "ohcl-boot-shim-log-buffer", NULL, 0, e);
	if (!ret)
		ret = import_pages(imp, l->heap, 16, "ohcl-boot-shim-heap", NULL, 0, e);
	if (!ret)
		ret =
		    import_pages(imp, l->pt, PT_PAGES, "underhill-page-tables", pt, sizeof(pt), e);
	return ret;
}

static int import_segment(struct importer *imp, enum x86_reg_name name, uint16_t selector,
                          uint16_t attributes, uint32_t limit, struct err *e)
{
	const struct x86_register reg = { .name = name, .seg = { 0, limit, selector, attributes } };

	return importer_import_x86_register(imp, &reg, e);
}

/* LOADER-SPEC §2.4 step 22, in its order. */
static int import_registers(struct importer *imp, const struct run *r, struct err *e)
{
	static const enum x86_reg_name data[] = { X86_REG_DS, X86_REG_ES, X86_REG_FS, X86_REG_GS,
		                                  X86_REG_SS };
	const struct x86_register gdtr = { .name = X86_REG_GDTR, .table = { r->l.gdt, 31 } };
	uint64_t rsi = r->l.params - r->shim.minimum_address_used;
	unsigned int i;
	int ret;

	if (r->breakage == RSI_INTO_THE_SHIM)
		rsi = SZ_4K;
	ret = importer_import_x86_register(imp, &gdtr, e);
	for (i = 0; !ret && i < ARRAY_SIZE(data); i++)
		ret = import_segment(imp, data[i], X64_DATA_SELECTOR,
		                     X64_DEFAULT_DATA_SEGMENT_ATTRIBUTES, 0xffffffff, e);
	if (!ret)
		ret = import_segment(imp, X86_REG_CS, X64_CODE_SELECTOR,
		                     X64_DEFAULT_CODE_SEGMENT_ATTRIBUTES, 0xffffffff, e);
	if (!ret)
		ret =
		    import_segment(imp, X86_REG_TR, 0, X64_BUSY_TSS_SEGMENT_ATTRIBUTES, 0xffff, e);
	if (!ret)
		ret = importer_import_x86_u64(imp, X86_REG_CR0, X64_CR0, e);
	if (!ret)
		ret = importer_import_x86_u64(imp, X86_REG_CR3, r->l.pt, e);
	if (!ret)
		ret = importer_import_x86_u64(imp, X86_REG_CR4, X64_CR4, e);
	if (!ret)
		ret = importer_import_x86_u64(imp, X86_REG_EFER, X64_EFER, e);
	if (!ret)
		ret = importer_import_x86_u64(imp, X86_REG_PAT, 0x0007040600070406ULL, e);
	if (!ret)
		ret = importer_import_x86_u64(imp, X86_REG_RSI, rsi, e);
	if (!ret)
		ret = importer_import_x86_u64(imp, X86_REG_RIP, r->shim.entrypoint, e);
	return ret;
}

static int load(struct importer *imp, const struct mem_range *ram, unsigned int nr_ram, void *arg,
                struct err *e)
{
	struct run *r = arg;
	const uint64_t kernel = VTL2_START + PARAVISOR_PERSISTED_REGION_SIZE;
	struct image_file shim;
	int ret;

	(void)ram;
	(void)nr_ram;
	image_file_from_buffer(&shim, "minivmm boot shim (built in)", minivmm_shim_x64,
	                       minivmm_shim_x64_size);
	/* step 7: the shim right after the (one-page) kernel, non-PIC at p_paddr + offset */
	ret = elf_load_static(imp, &shim, 0, kernel + SZ_4K, false, BPA_EXCLUSIVE,
	                      "underhill-boot-shim", &r->shim, e);
	if (ret)
		return ret;
	fix_layout_compute(&r->l, VTL2_START, VTL2_SIZE, SZ_4K, 0,
	                   r->shim.next_available_address - r->shim.minimum_address_used,
	                   INITRD_LEN, PT_PAGES);
	r->l.kernel_entry = r->l.kernel; /* the stand-in starts at its first byte */
	if (r->l.shim != r->shim.minimum_address_used)
		return err_set(e, EINVAL, "shim at 0x%llx, the layout expects 0x%llx",
		               (unsigned long long)r->shim.minimum_address_used,
		               (unsigned long long)r->l.shim);
	fill_kernel_table(r);
	ret = import_data(imp, r, e);
	return ret ? ret : import_registers(imp, r, e);
}

/* ---- running ------------------------------------------------------------ */

static void run_shim(struct run *r)
{
	struct machine_config mc = {
		.mem_size = GUEST_MEM,
		.nr_vcpus = 1,
		.timeout_s = 20,
		.console_in_fd = -1,
		.load = load,
		.load_arg = r,
		.add_devices = add_dump_device,
		.devices_arg = r,
	};
	struct err e = { 0 };
	FILE *console = tmpfile();
	unsigned int i;
	ssize_t n;
	int ret;

	read_kernel(r);
	for (i = 0; i < INITRD_LEN; i++)
		r->initrd[i] = (uint8_t)(i * 31 + (i >> 9));
	for (i = 0; i < DUMP_STREAMS; i++) {
		r->dump.data[i] = calloc(1, DUMP_STREAM_MAX);
		ck_assert_ptr_nonnull(r->dump.data[i]);
	}
	ck_assert_ptr_nonnull(console);
	mc.console_out_fd = fileno(console);
	mc.start_ns = vm_now_ns();
	ret = machine_run(&mc, &r->res, &e);
	ck_assert_msg(ret == 0, "machine_run failed (%d): %s", ret, e.msg);
	n = pread(mc.console_out_fd, r->console, sizeof(r->console) - 1, 0);
	fclose(console);
	ck_assert_int_ge(n, 0);
	r->console[n] = '\0';
	fprintf(stderr, "shim kvm: exit code %d (%s) after %llu vCPU exits; console:\n%s",
	        r->res.exit_code, r->res.reason, (unsigned long long)r->res.vcpu_exits, r->console);
}

static void free_run(struct run *r)
{
	unsigned int i;

	for (i = 0; i < DUMP_STREAMS; i++)
		free(r->dump.data[i]);
	free(r);
}

static struct run *new_run(enum breakage b)
{
	struct run *r = calloc(1, sizeof(*r));

	ck_assert_ptr_nonnull(r);
	r->breakage = b;
	return r;
}

static uint64_t u64_at(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static void assert_console_has(const struct run *r, const char *text)
{
	ck_assert_msg(strstr(r->console, text), "no \"%s\" on the console", text);
}

/* ---- tests ---------------------------------------------------------------- */

START_TEST(shim_boots_the_kernel_with_a_zero_page_in_its_heap)
{
	struct run *r = new_run(INTACT);
	const struct x86_boot_params *bp;
	const uint8_t *regs;
	char line[128];

	run_shim(r);
	ck_assert_msg(r->res.exit_code == 0, "exit code %d: %s", r->res.exit_code, r->res.reason);
	ck_assert_uint_eq(r->dump.errors, 0);
	ck_assert_uint_eq(r->dump.len[0], 20);
	regs = r->dump.data[0];
	ck_assert_uint_eq(u64_at(regs), r->l.heap);         /* RSI = the zero page */
	ck_assert_uint_eq(u64_at(regs + 8) & (1u << 9), 0); /* IF clear */
	ck_assert_uint_eq(regs[16], X64_CODE_SELECTOR);     /* still the loader's CS */

	ck_assert_uint_eq(r->dump.len[1], SZ_4K);
	bp = (const struct x86_boot_params *)r->dump.data[1];
	ck_assert_uint_eq(bp->hdr.boot_flag, X86_BOOT_FLAG_MAGIC);
	ck_assert_uint_eq(bp->hdr.header, X86_SETUP_HDR_MAGIC);
	ck_assert_uint_eq(bp->hdr.type_of_loader, 0xff);
	ck_assert_uint_eq(bp->hdr.cmd_line_ptr, r->l.heap + SZ_4K);
	ck_assert_uint_eq(bp->hdr.ramdisk_image, r->l.initrd);
	ck_assert_uint_eq(bp->hdr.ramdisk_size, INITRD_LEN);
	/* RAM below, persisted, kernel, shim, initrd, shim-owned, RAM after */
	ck_assert_uint_eq(bp->e820_entries, 7);
	ck_assert_uint_eq(bp->e820_table[1].addr, VTL2_START);
	ck_assert_uint_eq(bp->e820_table[1].type, X86_E820_RESERVED);
	ck_assert_uint_eq(bp->e820_table[2].addr, r->l.kernel);
	ck_assert_uint_eq(bp->e820_table[2].type, X86_E820_RAM);
	ck_assert_uint_eq(bp->e820_table[4].addr, r->l.initrd);
	ck_assert_uint_eq(bp->e820_table[4].type, X86_E820_RAM);
	ck_assert_uint_eq(bp->e820_table[6].addr, r->l.used_end);
	ck_assert_uint_eq(bp->e820_table[6].addr + bp->e820_table[6].size, GUEST_MEM);

	ck_assert_str_eq((const char *)r->dump.data[3], STATIC_CMD " " BOOTARGS);
	ck_assert_uint_eq(u64_at(r->dump.data[2]) & 0xffffffff, SHIM_LOG_MAGIC);
	ck_assert_str_eq((const char *)r->dump.data[2] + SHIM_LOG_HEADER_SIZE, r->console);

	snprintf(line, sizeof(line), "minivmm-shim: minivmm boot shim, loaded at 0x%llx\n",
	         (unsigned long long)r->l.shim);
	ck_assert_int_eq(strncmp(r->console, line, strlen(line)), 0);
	assert_console_has(r, ") CRC-32 0x");
	assert_console_has(r, "minivmm-shim: device tree at 0x");
	assert_console_has(r, "minivmm-shim: command line (policy 1, 41 bytes): " STATIC_CMD
	                      " " BOOTARGS "\n");
	snprintf(line, sizeof(line), "; entering the kernel at 0x%llx\n",
	         (unsigned long long)r->l.kernel);
	assert_console_has(r, line);
	free_run(r);
}
END_TEST

START_TEST(wrong_initrd_crc_is_fatal_with_exit_code_8)
{
	struct run *r = new_run(WRONG_INITRD_CRC);

	run_shim(r);
	ck_assert_msg(r->res.exit_code == MINIVMM_EXIT_SHIM_FATAL, "exit code %d: %s",
	              r->res.exit_code, r->res.reason);
	assert_console_has(r, "minivmm-shim: FATAL: initrd [0x");
	ck_assert_uint_eq(r->dump.len[0], 0); /* the kernel never ran */
	free_run(r);
}
END_TEST

START_TEST(rsi_into_the_shim_is_fatal_before_the_params_are_read)
{
	struct run *r = new_run(RSI_INTO_THE_SHIM);

	run_shim(r);
	ck_assert_msg(r->res.exit_code == MINIVMM_EXIT_SHIM_FATAL, "exit code %d: %s",
	              r->res.exit_code, r->res.reason);
	assert_console_has(r, "minivmm-shim: FATAL: shim params at 0x");
	free_run(r);
}
END_TEST

static Suite *shim_kvm_suite(void)
{
	Suite *s = suite_create("shim-kvm");
	TCase *tc = tcase_create("shim-kvm");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, shim_boots_the_kernel_with_a_zero_page_in_its_heap);
	tcase_add_test(tc, wrong_initrd_crc_is_fatal_with_exit_code_8);
	tcase_add_test(tc, rsi_into_the_shim_is_fatal_before_the_params_are_read);
	suite_add_tcase(s, tc);
	return s;
}

static bool kvm_usable(void)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

int main(int argc, char **argv)
{
	const char *req = getenv("MINIVMM_REQUIRE_KVM");
	SRunner *sr;
	int failed;

	if (argc != 2) {
		fprintf(stderr, "usage: %s FAKE_KERNEL_BIN\n", argv[0]);
		return EXIT_FAILURE;
	}
	kernel_path = argv[1];
	if (!kvm_usable()) {
		fprintf(stderr, "*** shim kvm test: /dev/kvm unusable: %s\n", strerror(errno));
		return req && strcmp(req, "1") == 0 ? EXIT_FAILURE : SKIP_EXIT;
	}
	sr = srunner_create(shim_kvm_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
