// SPDX-License-Identifier: MIT
/*
 * The x86 loaders on Debian's real cloud kernel (bzImage and the vmlinux
 * decompressed from it) and the busybox test initrd, fetched by
 * tests/fetch-assets.sh. Expected values are read from the files here,
 * independently of the loader code.
 *
 * Without the assets this suite reports SKIP (exit 77) loudly; with
 * MINIVMM_REQUIRE_ASSETS=1 (CI) their absence is a failure.
 */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arch/x86_64/bootparam.h"
#include "loader/importer_record.h"
#include "loader/linux_x86.h"
#include "test_helpers.h"

static char vmlinux_path[4096], bzimage_path[4096], initrd_path[4096];

struct real_boot {
	struct image_file kernel, initrd;
	struct x86_mem_layout layout;
	struct record_importer ri;
	struct linux_x86_info info;
	struct err e;
};

static void real_boot(struct real_boot *b, const char *kernel, enum x86_boot_protocol proto)
{
	struct linux_x86_config cfg = { .kernel = &b->kernel,
		                        .initrd = &b->initrd,
		                        .cmdline = "console=ttyS0 panic=-1",
		                        .protocol = proto,
		                        .layout = &b->layout };

	memset(b, 0, sizeof(*b));
	ck_assert_ok(image_file_open(&b->kernel, kernel, &b->e), b->e);
	ck_assert_ok(image_file_open(&b->initrd, initrd_path, &b->e), b->e);
	ck_assert_ok(x86_mem_layout_init(&b->layout, 512ULL << 20, &b->e), b->e);
	record_importer_init(&b->ri, GUEST_ARCH_X86_64, b->layout.ram, b->layout.nr_ram);
	ck_assert_ok(linux_x86_load(&b->ri.base, &cfg, &b->info, &b->e), b->e);
}

static void real_boot_free(struct real_boot *b)
{
	importer_destroy(&b->ri.base);
	image_file_close(&b->kernel);
	image_file_close(&b->initrd);
}

static const struct importer_range *range_at(const struct real_boot *b, gpa_t gpa, const char *tag)
{
	const struct importer_range *r = importer_find_range(&b->ri.base, gpa);

	ck_assert_msg(r && (r->page_base << 12) == gpa, "%s not imported at 0x%llx", tag,
	              (unsigned long long)gpa);
	ck_assert_str_eq(r->tag, tag);
	return r;
}

/* The common tail of every 64-bit boot: low structures and the initrd at the top. */
static void assert_low_structures_and_initrd(const struct real_boot *b)
{
	uint64_t top = 512ULL << 20;

	range_at(b, 0x1000, "x86-gdt");
	range_at(b, 0x2000, "linux-zeropage");
	range_at(b, 0x3000, "linux-cmdline");
	ck_assert_uint_eq(range_at(b, 0x4000, "x86-pagetables")->page_count, 6);
	ck_assert_uint_eq(b->info.initrd_size, b->initrd.size);
	ck_assert_uint_eq(b->info.initrd_gpa, (top - b->initrd.size) & ~0xfffULL);
	range_at(b, b->info.initrd_gpa, "linux-initrd");
}

START_TEST(vmlinux_64bit_entry)
{
	struct x86_boot_params bp;
	struct real_boot b;
	Elf64_Ehdr eh;
	struct err e;

	real_boot(&b, vmlinux_path, X86_BOOT_64BIT);
	memcpy(&eh, b.kernel.data, sizeof(eh));
	ck_assert_uint_eq(b.info.entry, eh.e_entry);
	ck_assert_uint_eq(importer_find_x86_register(&b.ri.base, X86_REG_RIP)->value, eh.e_entry);
	ck_assert(b.info.has_pvh_note);
	ck_assert_uint_eq(b.info.kernel_start, 0x1000000);
	range_at(&b, 0x1000000, "linux-kernel");
	assert_low_structures_and_initrd(&b);
	ck_assert_ok(record_importer_read(&b.ri, 0x2000, &bp, sizeof(bp), &e), e);
	ck_assert_uint_eq(bp.hdr.ramdisk_image, b.info.initrd_gpa);
	ck_assert_uint_eq(bp.hdr.cmd_line_ptr, 0x3000);
	ck_assert_uint_eq(bp.e820_entries, 3);
	real_boot_free(&b);
}
END_TEST

/* Finds the PVH note with a walk written for the test, not the loader's. */
static uint32_t pvh_entry_of(const struct image_file *f)
{
	const uint8_t *p = f->data;
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	Elf64_Nhdr nh;
	unsigned int i;
	uint64_t off;
	uint32_t entry;

	memcpy(&eh, p, sizeof(eh));
	for (i = 0; i < eh.e_phnum; i++) {
		memcpy(&ph, p + eh.e_phoff + i * sizeof(ph), sizeof(ph));
		for (off = ph.p_offset; ph.p_type == PT_NOTE && off < ph.p_offset + ph.p_filesz;
		     off += sizeof(nh) + ((nh.n_namesz + 3) & ~3u) + ((nh.n_descsz + 3) & ~3u)) {
			memcpy(&nh, p + off, sizeof(nh));
			if (nh.n_type == 18 && !memcmp(p + off + sizeof(nh), "Xen", 4)) {
				memcpy(&entry, p + off + sizeof(nh) + 4, 4);
				return entry;
			}
		}
	}
	ck_abort_msg("no PVH note in %s", f->name);
	return 0;
}

START_TEST(vmlinux_pvh_entry)
{
	struct real_boot b;

	real_boot(&b, vmlinux_path, X86_BOOT_PVH);
	ck_assert_uint_eq(b.info.entry, pvh_entry_of(&b.kernel));
	ck_assert_uint_eq(importer_find_x86_register(&b.ri.base, X86_REG_RBX)->value, 0x2000);
	range_at(&b, 0x2000, "pvh-start-info");
	range_at(&b, 0x4000, "pvh-memmap");
	range_at(&b, b.info.initrd_gpa, "linux-initrd");
	real_boot_free(&b);
}
END_TEST

START_TEST(bzimage_64bit_entry)
{
	struct x86_setup_header h;
	struct x86_boot_params bp;
	uint64_t pm_off, runtime, hdr_end;
	struct real_boot b;
	struct err e;

	real_boot(&b, bzimage_path, X86_BOOT_64BIT);
	memcpy(&h, b.kernel.data + 0x1f1, sizeof(h));
	pm_off = ((h.setup_sects ? h.setup_sects : 4) + 1) * 512ULL;
	runtime = (0x100000 + h.kernel_alignment - 1) & ~((uint64_t)h.kernel_alignment - 1);
	if (runtime < h.pref_address)
		runtime = h.pref_address;
	ck_assert_uint_ge(h.version, 0x020c);
	ck_assert_uint_eq(b.info.entry, 0x100200);
	ck_assert_uint_eq(b.info.kernel_start, 0x100000);
	ck_assert_uint_eq(b.info.kernel_end,
	                  (0x100000 + b.kernel.size - pm_off + 0xfff) & ~0xfffULL);
	ck_assert_uint_eq(b.info.runtime_end, runtime + h.init_size);
	range_at(&b, 0x100000, "linux-kernel");
	assert_low_structures_and_initrd(&b);
	ck_assert_ok(record_importer_read(&b.ri, 0x2000, &bp, sizeof(bp), &e), e);
	hdr_end = 0x202 + b.kernel.data[0x201];
	/* The loader-owned fields differ; everything else is the file's header. */
	ck_assert_uint_eq(bp.hdr.version, h.version);
	ck_assert_uint_eq(bp.hdr.init_size, h.init_size);
	ck_assert_uint_eq(bp.hdr.kernel_alignment, h.kernel_alignment);
	ck_assert_uint_eq(bp.hdr.code32_start, 0x100000);
	ck_assert_uint_eq(bp.hdr.type_of_loader, 0xff);
	ck_assert_int_eq(memcmp((uint8_t *)&bp + 0x1f1, b.kernel.data + 0x1f1, 0x210 - 0x1f1), 0);
	ck_assert_uint_le(hdr_end, 0x290);
	real_boot_free(&b);
}
END_TEST

static bool find_assets(void)
{
	const char *dir = getenv("MINIVMM_ASSETS");

	if (!dir)
		dir = "assets/x86_64";
	snprintf(vmlinux_path, sizeof(vmlinux_path), "%s/vmlinux", dir);
	snprintf(bzimage_path, sizeof(bzimage_path), "%s/bzImage", dir);
	snprintf(initrd_path, sizeof(initrd_path), "%s/initrd.cpio.gz", dir);
	return access(vmlinux_path, R_OK) == 0 && access(bzimage_path, R_OK) == 0 &&
	       access(initrd_path, R_OK) == 0;
}

int main(void)
{
	Suite *s;
	TCase *tc;

	if (!find_assets()) {
		const char *req = getenv("MINIVMM_REQUIRE_ASSETS");

		fprintf(stderr,
		        "\n*** real-kernel tests NOT RUN: %s, %s or %s is missing.\n"
		        "*** Run tests/fetch-assets.sh (CI does) to fetch Debian's kernel and "
		        "busybox.\n\n",
		        vmlinux_path, bzimage_path, initrd_path);
		return req && strcmp(req, "1") == 0 ? EXIT_FAILURE : 77;
	}
	s = suite_create("real_kernels");
	tc = tcase_create("debian-cloud-amd64");
	tcase_add_test(tc, vmlinux_64bit_entry);
	tcase_add_test(tc, vmlinux_pvh_entry);
	tcase_add_test(tc, bzimage_64bit_entry);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
