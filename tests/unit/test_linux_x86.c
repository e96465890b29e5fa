// SPDX-License-Identifier: MIT
/*
 * loader/linux_x86.c end to end against the recording importer: where every
 * tag lands, what the boot structures contain, which registers are imported,
 * and every way the inputs can fail to fit.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arch/x86_64/bootparam.h"
#include "arch/x86_64/layout.h"
#include "arch/x86_64/start_info.h"
#include "fixtures.h"
#include "loader/importer_record.h"
#include "loader/linux_x86.h"
#include "test_helpers.h"

struct boot {
	struct x86_mem_layout layout;
	struct record_importer ri;
	struct linux_x86_info info;
	struct image_file kernel, initrd;
	uint8_t *kbuf, *ibuf;
	struct err e;
	int ret;
};

static struct fixture_elf vmlinux_spec(void)
{
	struct fixture_elf s = {
		.entry = 0x1000000, .nsegs = 2, .pvh_note = true, .pvh_entry = 0x1000850
	};

	s.segs[0] = (struct fixture_seg){ .paddr = 0x1000000, .filesz = 0x5000, .memsz = 0x5000 };
	s.segs[1] = (struct fixture_seg){ .paddr = 0x1200000, .filesz = 0x800, .memsz = 0x9000 };
	return s;
}

/* Boots kernel bytes kb (ownership taken) with an initrd of isize bytes (0: none). */
static void boot_buf(struct boot *b, uint8_t *kb, size_t klen, size_t isize, uint64_t mem,
                     enum x86_boot_protocol proto, const char *cmdline)
{
	struct linux_x86_config cfg = {
		.kernel = &b->kernel, .cmdline = cmdline, .protocol = proto, .layout = &b->layout
	};
	size_t i;

	memset(b, 0, sizeof(*b));
	ck_assert_ok(x86_mem_layout_init(&b->layout, mem, &b->e), b->e);
	b->kbuf = kb;
	image_file_from_buffer(&b->kernel, "vmlinux", kb, klen);
	if (isize) {
		b->ibuf = malloc(isize);
		for (i = 0; i < isize; i++)
			b->ibuf[i] = (uint8_t)(i * 31 + 7);
		image_file_from_buffer(&b->initrd, "rd.img", b->ibuf, isize);
		cfg.initrd = &b->initrd;
	}
	record_importer_init(&b->ri, GUEST_ARCH_X86_64, b->layout.ram, b->layout.nr_ram);
	b->ret = linux_x86_load(&b->ri.base, &cfg, &b->info, &b->e);
}

static void boot_elf(struct boot *b, size_t isize, uint64_t mem, enum x86_boot_protocol proto)
{
	struct fixture_elf s = vmlinux_spec();
	size_t len;
	uint8_t *kb = fixture_elf_build(&s, &len);

	boot_buf(b, kb, len, isize, mem, proto, "console=ttyS0");
}

static void boot_bz(struct boot *b, const struct fixture_bzimage *bz, size_t isize, uint64_t mem,
                    const char *cmdline)
{
	size_t len;
	uint8_t *kb = fixture_bzimage_build(bz, &len);

	boot_buf(b, kb, len, isize, mem, X86_BOOT_64BIT, cmdline);
}

static void boot_free(struct boot *b)
{
	importer_destroy(&b->ri.base);
	free(b->kbuf);
	free(b->ibuf);
}

static void assert_tag(const struct boot *b, gpa_t gpa, uint64_t pages, const char *tag)
{
	const struct importer_range *r = importer_find_range(&b->ri.base, gpa);

	ck_assert_msg(r, "nothing imported at 0x%llx (%s)", (unsigned long long)gpa, tag);
	ck_assert_uint_eq(r->page_base << 12, gpa);
	ck_assert_uint_eq(r->page_count, pages);
	ck_assert_str_eq(r->tag, tag);
	ck_assert_int_eq(r->acceptance, BPA_EXCLUSIVE);
}

static void read_guest(const struct boot *b, gpa_t gpa, void *buf, uint64_t len)
{
	struct err e;

	ck_assert_ok(record_importer_read(&b->ri, gpa, buf, len, &e), e);
}

static uint64_t reg_u64(const struct boot *b, enum x86_reg_name name)
{
	const struct x86_register *r = importer_find_x86_register(&b->ri.base, name);

	ck_assert_msg(r, "register %s not imported", x86_reg_name_str(name));
	return r->value;
}

static void assert_segment(const struct boot *b, enum x86_reg_name name, uint16_t sel,
                           uint32_t limit, uint16_t attr)
{
	const struct x86_register *r = importer_find_x86_register(&b->ri.base, name);

	ck_assert_msg(r, "register %s not imported", x86_reg_name_str(name));
	ck_assert_uint_eq(r->seg.selector, sel);
	ck_assert_uint_eq(r->seg.base, 0);
	ck_assert_uint_eq(r->seg.limit, limit);
	ck_assert_uint_eq(r->seg.attributes, attr);
}

static void assert_e820_512m(const struct x86_e820_entry *t, unsigned int n)
{
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(t[0].addr, 0);
	ck_assert_uint_eq(t[0].size, 0x9fc00);
	ck_assert_uint_eq(t[0].type, X86_E820_RAM);
	ck_assert_uint_eq(t[1].addr, 0x9fc00);
	ck_assert_uint_eq(t[1].size, 0x100000 - 0x9fc00);
	ck_assert_uint_eq(t[1].type, X86_E820_RESERVED);
	ck_assert_uint_eq(t[2].addr, 0x100000);
	ck_assert_uint_eq(t[2].size, (512ULL << 20) - 0x100000);
	ck_assert_uint_eq(t[2].type, X86_E820_RAM);
}

START_TEST(elf_64bit_layout)
{
	struct boot b;
	char cmd[16];

	boot_elf(&b, 10000, 512ULL << 20, X86_BOOT_64BIT);
	ck_assert_ok(b.ret, b.e);
	assert_tag(&b, 0x1000, 1, "x86-gdt");
	assert_tag(&b, 0x2000, 1, "linux-zeropage");
	assert_tag(&b, 0x3000, 1, "linux-cmdline");
	assert_tag(&b, 0x4000, 6, "x86-pagetables");
	assert_tag(&b, 0xa000, 1, "x86-boot-stack");
	assert_tag(&b, 0x1000000, 5, "linux-kernel");
	assert_tag(&b, 0x1200000, 9, "linux-kernel");
	/* initrd: page aligned, ending within the last page of low RAM */
	assert_tag(&b, 0x1fffd000, 3, "linux-initrd");
	ck_assert_uint_eq(b.ri.base.nr_ranges, 8);
	ck_assert_uint_eq(b.info.entry, 0x1000000);
	ck_assert_uint_eq(b.info.initrd_gpa, 0x1fffd000);
	ck_assert_uint_eq(b.info.initrd_size, 10000);
	read_guest(&b, 0x3000, cmd, 14);
	ck_assert_str_eq(cmd, "console=ttyS0");
	boot_free(&b);
}
END_TEST

START_TEST(elf_zero_page)
{
	struct x86_boot_params bp;
	struct boot b;

	boot_elf(&b, 10000, 512ULL << 20, X86_BOOT_64BIT);
	ck_assert_ok(b.ret, b.e);
	read_guest(&b, 0x2000, &bp, sizeof(bp));
	ck_assert_uint_eq(bp.hdr.boot_flag, 0xaa55);
	ck_assert_uint_eq(bp.hdr.header, 0x53726448);
	ck_assert_uint_eq(bp.hdr.type_of_loader, 0xff);
	ck_assert_uint_eq(bp.hdr.kernel_alignment, 0x1000000);
	ck_assert_uint_eq(bp.hdr.cmd_line_ptr, 0x3000);
	ck_assert_uint_eq(bp.hdr.cmdline_size, 2047);
	ck_assert_uint_eq(bp.hdr.ramdisk_image, 0x1fffd000);
	ck_assert_uint_eq(bp.hdr.ramdisk_size, 10000);
	ck_assert_uint_eq(bp.ext_ramdisk_image, 0);
	ck_assert_uint_eq(bp.sentinel, 0);
	assert_e820_512m(bp.e820_table, bp.e820_entries);
	boot_free(&b);
}
END_TEST

START_TEST(identity_page_tables_map_4g_with_2m_pages)
{
	uint64_t *pt = malloc(6 * 4096);
	struct boot b;
	unsigned int i;

	boot_elf(&b, 0, 512ULL << 20, X86_BOOT_64BIT);
	ck_assert_ok(b.ret, b.e);
	read_guest(&b, 0x4000, pt, 6 * 4096);
	ck_assert_uint_eq(pt[0], 0x5023);
	for (i = 1; i < 512; i++)
		ck_assert_uint_eq(pt[i], 0);
	for (i = 0; i < 4; i++)
		ck_assert_uint_eq(pt[512 + i], (0x6000 + i * 0x1000) | 0x23);
	ck_assert_uint_eq(pt[512 + 4], 0);
	for (i = 0; i < 4 * 512; i++)
		ck_assert_uint_eq(pt[1024 + i], ((uint64_t)i << 21) | 0xe3);
	free(pt);
	boot_free(&b);
}
END_TEST

START_TEST(gdt_matches_imported_segments)
{
	uint64_t gdt[4];
	struct boot b;
	const struct x86_register *gdtr;

	boot_elf(&b, 0, 512ULL << 20, X86_BOOT_64BIT);
	ck_assert_ok(b.ret, b.e);
	read_guest(&b, 0x1000, gdt, sizeof(gdt));
	ck_assert_uint_eq(gdt[0], 0);
	ck_assert_uint_eq(gdt[1], 0x00af9b000000ffffULL);
	ck_assert_uint_eq(gdt[2], 0x00cf93000000ffffULL);
	ck_assert_uint_eq(gdt[3], 0);
	gdtr = importer_find_x86_register(&b.ri.base, X86_REG_GDTR);
	ck_assert_uint_eq(gdtr->table.base, 0x1000);
	ck_assert_uint_eq(gdtr->table.limit, 31);
	assert_segment(&b, X86_REG_CS, 0x08, 0xffffffff, 0xa09b);
	assert_segment(&b, X86_REG_DS, 0x10, 0xffffffff, 0xc093);
	assert_segment(&b, X86_REG_ES, 0x10, 0xffffffff, 0xc093);
	assert_segment(&b, X86_REG_FS, 0x10, 0xffffffff, 0xc093);
	assert_segment(&b, X86_REG_GS, 0x10, 0xffffffff, 0xc093);
	assert_segment(&b, X86_REG_SS, 0x10, 0xffffffff, 0xc093);
	boot_free(&b);
}
END_TEST

START_TEST(registers_for_64bit_entry)
{
	struct boot b;

	boot_elf(&b, 0, 512ULL << 20, X86_BOOT_64BIT);
	ck_assert_ok(b.ret, b.e);
	ck_assert_uint_eq(reg_u64(&b, X86_REG_CR0), 0x80000011);
	ck_assert_uint_eq(reg_u64(&b, X86_REG_CR3), 0x4000);
	ck_assert_uint_eq(reg_u64(&b, X86_REG_CR4), 0x20);
	ck_assert_uint_eq(reg_u64(&b, X86_REG_EFER), 0xd01);
	ck_assert_uint_eq(reg_u64(&b, X86_REG_PAT), 0x0007040600070406ULL);
	ck_assert_uint_eq(reg_u64(&b, X86_REG_MTRR_DEF_TYPE), 0x806);
	ck_assert_uint_eq(reg_u64(&b, X86_REG_RIP), 0x1000000);
	ck_assert_uint_eq(reg_u64(&b, X86_REG_RSI), 0x2000);
	ck_assert_uint_eq(reg_u64(&b, X86_REG_RSP), 0xb000);
	ck_assert_uint_eq(reg_u64(&b, X86_REG_RFLAGS), 0x2);
	ck_assert_ptr_null(importer_find_x86_register(&b.ri.base, X86_REG_TR));
	/* GDTR, 6 segments, 10 u64 registers */
	ck_assert_uint_eq(b.ri.base.nr_regs, 17);
	boot_free(&b);
}
END_TEST

START_TEST(bzimage_layout_and_header_copy)
{
	struct fixture_bzimage bz;
	struct x86_boot_params bp;
	uint8_t pm[0x3000];
	struct boot b;
	size_t i;

	fixture_bzimage_default(&bz);
	boot_bz(&b, &bz, 4096, 512ULL << 20, "root=/dev/vda");
	ck_assert_ok(b.ret, b.e);
	assert_tag(&b, 0x100000, 3, "linux-kernel");
	assert_tag(&b, 0x1ffff000, 1, "linux-initrd");
	ck_assert_uint_eq(b.info.entry, 0x100200);
	ck_assert_uint_eq(b.info.runtime_end, 0x1800000);
	ck_assert_uint_eq(b.info.cmdline_limit, 2047);
	read_guest(&b, 0x100000, pm, sizeof(pm));
	for (i = 0; i < sizeof(pm); i++)
		ck_assert_uint_eq(pm[i], fixture_pm_byte(i));
	read_guest(&b, 0x2000, &bp, sizeof(bp));
	ck_assert_uint_eq(bp.hdr.setup_sects, 27);
	ck_assert_uint_eq(bp.hdr.version, 0x020f);
	ck_assert_uint_eq(bp.hdr.loadflags, 0x01);
	ck_assert_uint_eq(bp.hdr.init_size, 0x800000);
	ck_assert_uint_eq(bp.hdr.code32_start, 0x100000);
	ck_assert_uint_eq(bp.hdr.type_of_loader, 0xff);
	ck_assert_uint_eq(bp.hdr.cmd_line_ptr, 0x3000);
	ck_assert_uint_eq(bp.hdr.ramdisk_image, 0x1ffff000);
	ck_assert_uint_eq(bp.hdr.ramdisk_size, 4096);
	ck_assert_uint_eq(bp.hdr.cmdline_size, 2047);
	/* Only the header the jump spans is copied: the byte at 0x26c stays 0. */
	ck_assert_uint_eq(((uint8_t *)&bp)[0x26c], 0);
	assert_e820_512m(bp.e820_table, bp.e820_entries);
	ck_assert_uint_eq(reg_u64(&b, X86_REG_RIP), 0x100200);
	boot_free(&b);
}
END_TEST

START_TEST(initrd_respects_initrd_addr_max)
{
	struct fixture_bzimage bz;
	struct boot b;

	fixture_bzimage_default(&bz);
	bz.initrd_addr_max = 0x37ffffff;
	boot_bz(&b, &bz, 0x1800, 2048ULL << 20, "");
	ck_assert_ok(b.ret, b.e);
	ck_assert_uint_eq(b.info.initrd_gpa, 0x37ffe000);
	assert_tag(&b, 0x37ffe000, 2, "linux-initrd");
	boot_free(&b);
}
END_TEST

START_TEST(initrd_stays_below_the_mmio_hole)
{
	struct x86_boot_params bp;
	struct boot b;

	boot_elf(&b, 4096, 6ULL << 30, X86_BOOT_64BIT);
	ck_assert_ok(b.ret, b.e);
	ck_assert_uint_eq(b.info.initrd_gpa, 0x7ffff000);
	read_guest(&b, 0x2000, &bp, sizeof(bp));
	ck_assert_uint_eq(bp.e820_entries, 4);
	ck_assert_uint_eq(bp.e820_table[2].addr + bp.e820_table[2].size, 0xc0000000);
	ck_assert_uint_eq(bp.e820_table[3].addr, 0x100000000ULL);
	ck_assert_uint_eq(bp.e820_table[3].size, 3ULL << 30);
	boot_free(&b);
}
END_TEST

START_TEST(pvh_start_info_memmap_and_registers)
{
	struct x86_pvh_start_info si;
	struct x86_pvh_modlist_entry mod;
	struct x86_pvh_memmap_entry mm[3];
	uint64_t tss;
	struct boot b;
	const struct x86_register *tr;

	boot_elf(&b, 10000, 512ULL << 20, X86_BOOT_PVH);
	ck_assert_ok(b.ret, b.e);
	assert_tag(&b, 0x2000, 1, "pvh-start-info");
	assert_tag(&b, 0x4000, 1, "pvh-memmap");
	ck_assert_ptr_null(importer_find_range(&b.ri.base, 0x5000));
	read_guest(&b, 0x2000, &si, sizeof(si));
	ck_assert_uint_eq(si.magic, 0x336ec578);
	ck_assert_uint_eq(si.version, 1);
	ck_assert_uint_eq(si.nr_modules, 1);
	ck_assert_uint_eq(si.modlist_paddr, 0x2040);
	ck_assert_uint_eq(si.cmdline_paddr, 0x3000);
	ck_assert_uint_eq(si.rsdp_paddr, 0);
	ck_assert_uint_eq(si.memmap_paddr, 0x4000);
	ck_assert_uint_eq(si.memmap_entries, 3);
	read_guest(&b, 0x2040, &mod, sizeof(mod));
	ck_assert_uint_eq(mod.paddr, 0x1fffd000);
	ck_assert_uint_eq(mod.size, 10000);
	read_guest(&b, 0x4000, mm, sizeof(mm));
	ck_assert_uint_eq(mm[1].addr, 0x9fc00);
	ck_assert_uint_eq(mm[1].type, X86_E820_RESERVED);
	ck_assert_uint_eq(mm[2].size, (512ULL << 20) - 0x100000);
	ck_assert_uint_eq(reg_u64(&b, X86_REG_RIP), 0x1000850);
	ck_assert_uint_eq(reg_u64(&b, X86_REG_RBX), 0x2000);
	ck_assert_uint_eq(reg_u64(&b, X86_REG_CR0), 0x11);
	ck_assert_uint_eq(reg_u64(&b, X86_REG_CR4), 0);
	ck_assert_uint_eq(reg_u64(&b, X86_REG_EFER), 0);
	ck_assert_ptr_null(importer_find_x86_register(&b.ri.base, X86_REG_CR3));
	assert_segment(&b, X86_REG_CS, 0x08, 0xffffffff, 0xc09b);
	assert_segment(&b, X86_REG_SS, 0x10, 0xffffffff, 0xc093);
	tr = importer_find_x86_register(&b.ri.base, X86_REG_TR);
	ck_assert_uint_eq(tr->seg.selector, 0x18);
	ck_assert_uint_eq(tr->seg.limit, 0x67);
	ck_assert_uint_eq(tr->seg.attributes, 0x008b);
	read_guest(&b, 0x1018, &tss, sizeof(tss));
	ck_assert_uint_eq(tss, 0x00008b0000000067ULL);
	boot_free(&b);
}
END_TEST

START_TEST(pvh_without_note_is_refused)
{
	struct fixture_elf s = vmlinux_spec();
	struct boot b;
	size_t len;
	uint8_t *kb;

	s.pvh_note = false;
	kb = fixture_elf_build(&s, &len);
	boot_buf(&b, kb, len, 0, 512ULL << 20, X86_BOOT_PVH, "");
	ck_assert_err(
	    b.ret, b.e, EINVAL,
	    "vmlinux: --boot pvh needs the PVH entry note (ELF note \"Xen\" type 18), and "
	    "this vmlinux has none; use --boot 64bit");
	boot_free(&b);
}
END_TEST

START_TEST(pvh_with_bzimage_is_refused)
{
	struct fixture_bzimage bz;
	struct boot b;
	size_t len;
	uint8_t *kb;

	fixture_bzimage_default(&bz);
	kb = fixture_bzimage_build(&bz, &len);
	boot_buf(&b, kb, len, 0, 512ULL << 20, X86_BOOT_PVH, "");
	ck_assert_err(b.ret, b.e, EINVAL,
	              "vmlinux: a bzImage has no PVH entry; boot it with --boot 64bit or give the "
	              "ELF vmlinux");
	boot_free(&b);
}
END_TEST

START_TEST(initrd_too_big_for_ram)
{
	struct boot b;

	boot_elf(&b, 46ULL << 20, 64ULL << 20, X86_BOOT_64BIT);
	ck_assert_err(b.ret, b.e, ENOSPC,
	              "rd.img: initrd is 48234496 bytes but only 48197632 fit between the "
	              "kernel's end 0x1209000 and 0x4000000 (end of low RAM or initrd_addr_max); "
	              "raise --mem");
	boot_free(&b);
}
END_TEST

START_TEST(initrd_larger_than_low_ram)
{
	struct boot b;

	boot_elf(&b, 80ULL << 20, 64ULL << 20, X86_BOOT_64BIT);
	ck_assert_err(b.ret, b.e, ENOSPC,
	              "rd.img: initrd is 83886080 bytes but only 48197632 fit between the "
	              "kernel's end 0x1209000 and 0x4000000 (end of low RAM or initrd_addr_max); "
	              "raise --mem");
	boot_free(&b);
}
END_TEST

START_TEST(initrd_must_not_meet_the_decompressed_kernel)
{
	struct fixture_bzimage bz;
	struct boot b;

	fixture_bzimage_default(&bz);
	boot_bz(&b, &bz, 0x200001, 26ULL << 20, "");
	ck_assert_err(
	    b.ret, b.e, ENOSPC,
	    "rd.img: initrd is 2097153 bytes but only 2097152 fit between the kernel's "
	    "end 0x1800000 and 0x1a00000 (end of low RAM or initrd_addr_max); raise --mem");
	boot_free(&b);
}
END_TEST

START_TEST(empty_initrd)
{
	struct boot b;
	struct fixture_elf s = vmlinux_spec();
	struct linux_x86_config cfg;
	struct image_file rd;
	size_t len;

	boot_elf(&b, 0, 512ULL << 20, X86_BOOT_64BIT);
	importer_destroy(&b.ri.base);
	free(b.kbuf);
	b.kbuf = fixture_elf_build(&s, &len);
	image_file_from_buffer(&b.kernel, "vmlinux", b.kbuf, len);
	image_file_from_buffer(&rd, "rd.img", "", 0);
	cfg = (struct linux_x86_config){ .kernel = &b.kernel, .initrd = &rd, .layout = &b.layout };
	record_importer_init(&b.ri, GUEST_ARCH_X86_64, b.layout.ram, b.layout.nr_ram);
	ck_assert_err(linux_x86_load(&b.ri.base, &cfg, &b.info, &b.e), b.e, EINVAL,
	              "rd.img: initrd is empty");
	boot_free(&b);
}
END_TEST

START_TEST(cmdline_too_long_for_elf)
{
	struct fixture_elf s = vmlinux_spec();
	char *cmd = malloc(2049);
	struct boot b;
	size_t len;
	uint8_t *kb;

	memset(cmd, 'a', 2048);
	cmd[2048] = '\0';
	kb = fixture_elf_build(&s, &len);
	boot_buf(&b, kb, len, 0, 512ULL << 20, X86_BOOT_64BIT, cmd);
	ck_assert_err(b.ret, b.e, E2BIG,
	              "vmlinux: command line is 2048 bytes, the limit is 2047 (plus the NUL)");
	boot_free(&b);
	cmd[2047] = '\0';
	kb = fixture_elf_build(&s, &len);
	boot_buf(&b, kb, len, 0, 512ULL << 20, X86_BOOT_64BIT, cmd);
	ck_assert_ok(b.ret, b.e);
	boot_free(&b);
	free(cmd);
}
END_TEST

START_TEST(cmdline_limit_comes_from_the_bzimage_header)
{
	struct fixture_bzimage bz;
	char cmd[300];
	struct boot b;

	fixture_bzimage_default(&bz);
	bz.cmdline_size = 255;
	memset(cmd, 'x', 256);
	cmd[256] = '\0';
	boot_bz(&b, &bz, 0, 512ULL << 20, cmd);
	ck_assert_err(b.ret, b.e, E2BIG,
	              "vmlinux: command line is 256 bytes, the limit is 255 (plus the NUL)");
	boot_free(&b);
}
END_TEST

START_TEST(memory_too_small_for_the_decompressed_kernel)
{
	struct fixture_bzimage bz;
	struct boot b;

	fixture_bzimage_default(&bz);
	boot_bz(&b, &bz, 0, 16ULL << 20, "");
	ck_assert_err(b.ret, b.e, ERANGE,
	              "vmlinux: the kernel decompresses to [0x1000000, 0x1800000) (init_size "
	              "8388608 bytes), beyond guest RAM (16 MiB)");
	boot_free(&b);
}
END_TEST

START_TEST(memory_too_small_for_elf_segments)
{
	struct boot b;

	boot_elf(&b, 0, 16ULL << 20, X86_BOOT_64BIT);
	ck_assert_err(b.ret, b.e, ERANGE,
	              "kernel does not fit in guest RAM (16 MiB): vmlinux: segment 0: import "
	              "'linux-kernel' [0x1000000, 0x1005000) lies outside guest RAM");
	boot_free(&b);
}
END_TEST

START_TEST(unknown_and_foreign_formats)
{
	static const struct {
		const char *bytes;
		size_t len;
		const char *msg;
	} cases[] = {
		{ "\x12\x34\x56\x78 not a kernel", 17,
		  "vmlinux: unknown kernel format (17 bytes, first bytes 12 34 56 78): expected "
		  "ELF (7f 45 4c 46), bzImage (\"HdrS\" at 0x202) or arm64 Image (\"ARM\\x64\" at "
		  "0x38)" },
		{ "\x1f\x8b\x08\x00", 4,
		  "vmlinux: a gzip file is not an x86 kernel; give the bzImage or the decompressed "
		  "vmlinux" },
		{ "", 0,
		  "vmlinux: unknown kernel format (0 bytes, first bytes 00 00 00 00): expected ELF "
		  "(7f 45 4c 46), bzImage (\"HdrS\" at 0x202) or arm64 Image (\"ARM\\x64\" at "
		  "0x38)" },
	};
	struct boot b;
	unsigned int i;
	uint8_t *kb;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		kb = malloc(cases[i].len + 1);
		memcpy(kb, cases[i].bytes, cases[i].len);
		boot_buf(&b, kb, cases[i].len, 0, 512ULL << 20, X86_BOOT_64BIT, "");
		ck_assert_err(b.ret, b.e, EINVAL, cases[i].msg);
		boot_free(&b);
	}
	kb = calloc(1, 0x40);
	memcpy(kb + 0x38, "ARM\x64", 4);
	boot_buf(&b, kb, 0x40, 0, 512ULL << 20, X86_BOOT_64BIT, "");
	ck_assert_err(b.ret, b.e, EINVAL, "vmlinux: an arm64 Image cannot boot on an x86_64 guest");
	boot_free(&b);
}
END_TEST

static Suite *linux_x86_suite(void)
{
	Suite *s = suite_create("linux_x86");
	TCase *ok = tcase_create("layout"), *bad = tcase_create("errors");

	tcase_add_test(ok, elf_64bit_layout);
	tcase_add_test(ok, elf_zero_page);
	tcase_add_test(ok, identity_page_tables_map_4g_with_2m_pages);
	tcase_add_test(ok, gdt_matches_imported_segments);
	tcase_add_test(ok, registers_for_64bit_entry);
	tcase_add_test(ok, bzimage_layout_and_header_copy);
	tcase_add_test(ok, initrd_respects_initrd_addr_max);
	tcase_add_test(ok, initrd_stays_below_the_mmio_hole);
	tcase_add_test(ok, pvh_start_info_memmap_and_registers);
	tcase_add_test(bad, pvh_without_note_is_refused);
	tcase_add_test(bad, pvh_with_bzimage_is_refused);
	tcase_add_test(bad, initrd_too_big_for_ram);
	tcase_add_test(bad, initrd_larger_than_low_ram);
	tcase_add_test(bad, initrd_must_not_meet_the_decompressed_kernel);
	tcase_add_test(bad, empty_initrd);
	tcase_add_test(bad, cmdline_too_long_for_elf);
	tcase_add_test(bad, cmdline_limit_comes_from_the_bzimage_header);
	tcase_add_test(bad, memory_too_small_for_the_decompressed_kernel);
	tcase_add_test(bad, memory_too_small_for_elf_segments);
	tcase_add_test(bad, unknown_and_foreign_formats);
	suite_add_tcase(s, ok);
	suite_add_tcase(s, bad);
	return s;
}

int main(void)
{
	return run_suite(linux_x86_suite());
}
