// SPDX-License-Identifier: MIT
/*
 * arch/aarch64/guest_arm64.c through the recording importer, as --dump-layout
 * and a VM run it: DRAM at 1 GiB, the initrd at +16 MiB, the kernel at the
 * next 2 MiB boundary (+ text_offset), the DTB after it naming the initrd,
 * the entry registers; gzip'd Images placed like plain ones; and
 * guest_platform_for() choosing the platform from the image.
 */
#include <errno.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "fixtures.h"
#include "loader/importer_record.h"
#include "vmm/boot.h"
#include "vmm/guest.h"
#include "test_helpers.h"

#define INITRD_SIZE 5000ULL
#define MEM_SIZE    (512ULL << 20)
#define CMDLINE     "console=ttyS0 reboot=k panic=-1"

struct g {
	struct vmm_config c;
	struct boot_images bi;
	struct fixture_arm64_image img;
	struct record_importer ri;
	uint8_t *kbuf, *ibuf;
	struct err e;
	int ret;
};

static void g_set_image(struct g *g)
{
	size_t len;

	free(g->kbuf);
	g->kbuf = fixture_arm64_image_build(&g->img, &len);
	image_file_from_buffer(&g->bi.kernel, "Image", g->kbuf, len);
}

static void g_init(struct g *g)
{
	size_t i;

	memset(g, 0, sizeof(*g));
	g->c = (struct vmm_config){ .kernel = "Image",
		                    .initrd = "initrd",
		                    .cmdline = CMDLINE,
		                    .mem_size = MEM_SIZE,
		                    .cpus = 2 };
	fixture_arm64_image_default(&g->img);
	g_set_image(g);
	g->ibuf = malloc(INITRD_SIZE);
	for (i = 0; i < INITRD_SIZE; i++)
		g->ibuf[i] = (uint8_t)(i * 13 + 1);
	image_file_from_buffer(&g->bi.initrd, "initrd", g->ibuf, INITRD_SIZE);
	g->bi.has_initrd = true;
	g->bi.platform = &guest_aarch64;
}

static void g_load(struct g *g, FILE *out)
{
	struct mem_range ram[IMPORTER_MAX_RAM_RANGES];
	unsigned int n = 0;

	ck_assert_ok(guest_aarch64.mem_ranges(g->c.mem_size, ram, &n, &g->e), g->e);
	record_importer_init(&g->ri, GUEST_ARCH_AARCH64, ram, n);
	g->ret =
	    guest_aarch64.load_linux(&g->ri.base, &g->c, &g->bi,
	                             out ? GUEST_DESCRIBE_FULL : GUEST_DESCRIBE_NONE, out, &g->e);
}

static void g_free(struct g *g)
{
	importer_destroy(&g->ri.base);
	free(g->kbuf);
	free(g->ibuf);
}

static const struct importer_range *range_tagged(struct g *g, const char *tag)
{
	size_t i;

	for (i = 0; i < g->ri.base.nr_ranges; i++)
		if (strcmp(g->ri.base.ranges[i].tag, tag) == 0)
			return &g->ri.base.ranges[i];
	ck_abort_msg("no range tagged %s", tag);
	return NULL;
}

static uint64_t reg(struct g *g, enum a64_reg_name name)
{
	const struct a64_register *r = importer_find_a64_register(&g->ri.base, name);

	ck_assert_msg(r != NULL, "%s not imported", a64_reg_name_str(name));
	return r->value;
}

/* The DTB as imported, read back. */
static void *read_dtb(struct g *g, uint8_t *buf, size_t len)
{
	struct err e = { 0 };

	ck_assert_ok(record_importer_read(&g->ri, reg(g, A64_REG_X0), buf, len, &e), e);
	ck_assert_int_eq(fdt_check_header(buf), 0);
	return buf;
}

static uint64_t dt_u64(const void *dtb, const char *path, const char *prop)
{
	int len = 0;
	const void *v = fdt_getprop(dtb, fdt_path_offset(dtb, path), prop, &len);
	fdt64_t raw;

	ck_assert_msg(v && len == 8, "%s %s", path, prop);
	memcpy(&raw, v, sizeof(raw)); /* properties are only 4-byte aligned */
	return fdt64_to_cpu(raw);
}

START_TEST(initrd_kernel_dtb_in_openvmm_order)
{
	struct g g;
	uint8_t dtb[4096];
	const char *bootargs;

	g_init(&g);
	g_load(&g, NULL);
	ck_assert_ok(g.ret, g.e);
	ck_assert_uint_eq(range_tagged(&g, "linux-initrd")->page_base << 12, 0x41000000);
	ck_assert_uint_eq(range_tagged(&g, "linux-kernel")->page_base << 12, 0x41200000);
	ck_assert_uint_eq(range_tagged(&g, "linux-kernel")->page_count, 5); /* image_size 0x5000 */
	ck_assert_uint_eq(range_tagged(&g, "linux-device-tree")->page_base << 12, 0x41205000);
	ck_assert_uint_eq(reg(&g, A64_REG_PC), 0x41200000);
	ck_assert_uint_eq(reg(&g, A64_REG_X0), 0x41205000);
	ck_assert_uint_eq(reg(&g, A64_REG_CPSR), 0x3c5);
	ck_assert_uint_eq(reg(&g, A64_REG_SCTLR_EL1), 0x30d01804);
	read_dtb(&g, dtb, sizeof(dtb));
	ck_assert_uint_eq(dt_u64(dtb, "/chosen", "linux,initrd-start"), 0x41000000);
	ck_assert_uint_eq(dt_u64(dtb, "/chosen", "linux,initrd-end"), 0x41000000 + INITRD_SIZE);
	bootargs = fdt_getprop(dtb, fdt_path_offset(dtb, "/chosen"), "bootargs", NULL);
	ck_assert_str_eq(bootargs, CMDLINE);
	ck_assert_int_ge(fdt_path_offset(dtb, "/cpus/cpu@1"), 0);
	ck_assert_int_lt(fdt_path_offset(dtb, "/cpus/cpu@2"), 0);
	g_free(&g);
}
END_TEST

START_TEST(no_initrd_kernel_at_16m_and_text_offset)
{
	struct g g;
	uint8_t dtb[4096];

	g_init(&g);
	g.bi.has_initrd = false;
	g.c.initrd = NULL;
	g.img.text_offset = 0x80000;
	g_set_image(&g);
	g_load(&g, NULL);
	ck_assert_ok(g.ret, g.e);
	ck_assert_uint_eq(reg(&g, A64_REG_PC), 0x41080000);
	ck_assert_uint_eq(range_tagged(&g, "linux-kernel")->page_base << 12, 0x41080000);
	read_dtb(&g, dtb, sizeof(dtb));
	ck_assert_ptr_null(
	    fdt_getprop(dtb, fdt_path_offset(dtb, "/chosen"), "linux,initrd-start", NULL));
	g_free(&g);
}
END_TEST

START_TEST(gzip_image_is_placed_like_the_plain_one)
{
	struct g g;
	z_stream zs = { 0 };
	uint8_t *gz = malloc(0x10000);
	FILE *out;
	char *text = NULL;
	size_t text_len = 0;

	g_init(&g);
	ck_assert_int_eq(deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY),
	                 Z_OK);
	zs.next_in = g.kbuf;
	zs.avail_in = (uInt)g.bi.kernel.size;
	zs.next_out = gz;
	zs.avail_out = 0x10000;
	ck_assert_int_eq(deflate(&zs, Z_FINISH), Z_STREAM_END);
	image_file_from_buffer(&g.bi.kernel, "Image.gz", gz, zs.total_out);
	deflateEnd(&zs);
	out = open_memstream(&text, &text_len);
	g_load(&g, out);
	fclose(out);
	ck_assert_ok(g.ret, g.e);
	ck_assert_uint_eq(reg(&g, A64_REG_PC), 0x41200000);
	ck_assert_ptr_nonnull(strstr(text, "(arm64 Image, gzip, "));
	ck_assert_ptr_nonnull(strstr(text, "decompressed to 18432 bytes"));
	ck_assert_ptr_nonnull(
	    strstr(text, "initrd:  initrd (5000 bytes) at [0x41000000, 0x41001388)"));
	ck_assert_ptr_nonnull(strstr(text, "GICv3, 2 vCPU(s), X0 = 0x41205000"));
	ck_assert_ptr_nonnull(strstr(text, "RAM [0x0000000040000000, 0x0000000060000000)"));
	free(text);
	free(gz);
	g_free(&g);
}
END_TEST

START_TEST(memory_errors)
{
	struct mem_range ram[IMPORTER_MAX_RAM_RANGES];
	struct err e = { 0 };
	unsigned int n;
	struct g g;

	ck_assert_err(guest_aarch64.mem_ranges(3ULL << 20, ram, &n, &e), e, EINVAL,
	              "3145728 bytes: arm64 guest RAM must be a multiple of 2 MiB from 2 MiB to "
	              "255 GiB");
	ck_assert_int_eq(guest_aarch64.mem_ranges(256ULL << 30, ram, &n, &e), -EINVAL);
	ck_assert_ok(guest_aarch64.mem_ranges(255ULL << 30, ram, &n, &e), e);
	ck_assert_uint_eq(ram[0].end, (256ULL << 30));
	/* 16 MiB of RAM cannot hold an initrd at +16 MiB. */
	g_init(&g);
	g.c.mem_size = SZ_16M;
	g_load(&g, NULL);
	ck_assert_int_lt(g.ret, 0);
	ck_assert_ptr_nonnull(strstr(g.e.msg, "linux-kernel"));
	g_free(&g);
}
END_TEST

START_TEST(arm64_elf_is_refused_with_advice)
{
	struct fixture_elf spec = { .machine = 183, .entry = 0x1000, .nsegs = 1 };
	struct g g;
	size_t len;
	uint8_t *elf;

	spec.segs[0] = (struct fixture_seg){ .paddr = 0x1000, .filesz = 0x100, .memsz = 0x100 };
	elf = fixture_elf_build(&spec, &len);
	g_init(&g);
	image_file_from_buffer(&g.bi.kernel, "vmlinux", elf, len);
	g_load(&g, NULL);
	ck_assert_err(g.ret, g.e, EINVAL,
	              "vmlinux: an arm64 ELF vmlinux cannot be booted: minivmm boots the arm64 "
	              "Image (arch/arm64/boot/Image or Image.gz)");
	free(elf);
	g_free(&g);
}
END_TEST

START_TEST(platform_chosen_by_the_image)
{
	struct fixture_elf x86 = { .entry = 0x1000000, .nsegs = 1 };
	struct fixture_elf a64 = { .machine = 183, .entry = 0x1000, .nsegs = 1 };
	const struct guest_platform *p = NULL;
	struct fixture_arm64_image img;
	struct image_file f;
	struct err e = { 0 };
	uint8_t *buf, junk[256], *gz;
	size_t len;
	uLongf zlen = 4096;

	x86.segs[0] = (struct fixture_seg){ .paddr = 0x1000000, .filesz = 0x100, .memsz = 0x100 };
	a64.segs[0] = x86.segs[0];
	fixture_arm64_image_default(&img);
	buf = fixture_arm64_image_build(&img, &len);
	image_file_from_buffer(&f, "Image", buf, len);
	ck_assert_ok(guest_platform_for(&f, &p, &e), e);
	ck_assert_ptr_eq(p, &guest_aarch64);
	free(buf);
	buf = fixture_elf_build(&a64, &len);
	image_file_from_buffer(&f, "vmlinux", buf, len);
	ck_assert_ok(guest_platform_for(&f, &p, &e), e);
	ck_assert_ptr_eq(p, &guest_aarch64);
	free(buf);
	buf = fixture_elf_build(&x86, &len);
	image_file_from_buffer(&f, "vmlinux", buf, len);
	ck_assert_ok(guest_platform_for(&f, &p, &e), e);
	ck_assert_ptr_eq(p, &guest_x86_64);
	free(buf);
	/* gzip of something that is no Image: x86's to refuse */
	memset(junk, 0x5a, sizeof(junk));
	gz = malloc(zlen);
	{
		z_stream zs = { 0 };

		deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
		zs.next_in = junk;
		zs.avail_in = sizeof(junk);
		zs.next_out = gz;
		zs.avail_out = (uInt)zlen;
		ck_assert_int_eq(deflate(&zs, Z_FINISH), Z_STREAM_END);
		zlen = zs.total_out;
		deflateEnd(&zs);
	}
	image_file_from_buffer(&f, "junk.gz", gz, zlen);
	ck_assert_ok(guest_platform_for(&f, &p, &e), e);
	ck_assert_ptr_eq(p, &guest_x86_64);
	free(gz);
}
END_TEST

static Suite *guest_arm64_suite(void)
{
	Suite *s = suite_create("guest_arm64");
	TCase *layout = tcase_create("layout");
	TCase *bad = tcase_create("errors");

	tcase_add_test(layout, initrd_kernel_dtb_in_openvmm_order);
	tcase_add_test(layout, no_initrd_kernel_at_16m_and_text_offset);
	tcase_add_test(layout, gzip_image_is_placed_like_the_plain_one);
	tcase_add_test(layout, platform_chosen_by_the_image);
	tcase_add_test(bad, memory_errors);
	tcase_add_test(bad, arm64_elf_is_refused_with_advice);
	suite_add_tcase(s, layout);
	suite_add_tcase(s, bad);
	return s;
}

int main(void)
{
	return run_suite(guest_arm64_suite());
}
