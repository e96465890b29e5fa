// SPDX-License-Identifier: MIT
/*
 * Linux x86_64 direct boot. The steps, in order:
 *   1. place the kernel (ELF segments at p_paddr, or the bzImage's
 *      protected-mode code at 1 MiB) and work out how far it will reach;
 *   2. place the initrd at the top of low RAM, below initrd_addr_max;
 *   3. build and import the command line;
 *   4. import the boot structures (zero page or PVH start_info and memory
 *      map) and the entry CPU state.
 */
#include "linux_x86.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arch/x86_64/acpi.h"
#include "arch/x86_64/boot_regs.h"
#include "arch/x86_64/layout.h"
#include "arch/x86_64/pvh.h"
#include "arch/x86_64/zero_page.h"
#include "loader/bzimage.h"
#include "loader/cmdline.h"
#include "loader/elf.h"
#include "loader/guest_image.h"

#define U(x)       ((unsigned long long)(x))
#define KERNEL_TAG "linux-kernel"

struct kernel_placement {
	struct bzimage_info bz; /* valid for bzImage */
	size_t cmdline_capacity;
};

const char *x86_boot_protocol_str(enum x86_boot_protocol p)
{
	return p == X86_BOOT_PVH ? "pvh" : "64bit";
}

static int explain_no_fit(const struct linux_x86_config *cfg, struct err *e)
{
	if (e->errnum == ERANGE)
		err_prefix(e, "kernel does not fit in guest RAM (%llu MiB)",
		           U(cfg->layout->mem_size >> 20));
	return -e->errnum;
}

static int load_elf(struct importer *imp, const struct linux_x86_config *cfg,
                    struct linux_x86_info *out, struct err *e)
{
	const struct image_file *f = cfg->kernel;
	struct elf_load_info li;
	uint32_t pvh_entry = 0;
	int ret;

	ret = elf_find_pvh_entry(f, &out->has_pvh_note, &pvh_entry, e);
	if (ret)
		return ret;
	if (cfg->protocol == X86_BOOT_PVH && !out->has_pvh_note)
		return err_set(
		    e, EINVAL,
		    "%s: --boot pvh needs the PVH entry note (ELF note \"Xen\" type 18), "
		    "and this vmlinux has none; use --boot 64bit",
		    f->name);
	ret = elf_load_static(imp, f, X86_HIGH_MEM_START, 0, false, BPA_EXCLUSIVE, KERNEL_TAG, &li,
	                      e);
	if (ret)
		return explain_no_fit(cfg, e);
	out->kernel_start = li.minimum_address_used;
	out->kernel_end = li.next_available_address;
	out->runtime_end = li.next_available_address;
	out->entry = cfg->protocol == X86_BOOT_PVH ? pvh_entry : li.entrypoint;
	out->initrd_addr_max = LINUX_X86_ELF_INITRD_ADDR_MAX;
	return 0;
}

static int load_bzimage(struct importer *imp, const struct linux_x86_config *cfg,
                        struct kernel_placement *kp, struct linux_x86_info *out, struct err *e)
{
	const struct image_file *f = cfg->kernel;
	struct guest_kernel_image k;
	struct image_file pm;
	uint64_t runtime;
	int ret;

	if (cfg->protocol == X86_BOOT_PVH)
		return err_set(e, EINVAL,
		               "%s: a bzImage has no PVH entry; boot it with --boot 64bit or give "
		               "the ELF vmlinux",
		               f->name);
	ret = bzimage_parse_header(f, &kp->bz, e);
	if (ret)
		return ret;
	ret = image_file_slice(f, kp->bz.pm_offset, kp->bz.pm_size, &pm, e);
	if (ret)
		return ret;
	ret = load_guest_kernel(imp, &pm, X86_HIGH_MEM_START, PAGE_SIZE, KERNEL_TAG, &k, e);
	if (ret)
		return explain_no_fit(cfg, e);
	runtime = bzimage_runtime_start(&kp->bz, k.kernel_image.load_paddr);
	ret = importer_verify_startup_memory_available(imp, runtime >> PAGE_SHIFT,
	                                               pages_for(kp->bz.hdr.init_size), SMT_RAM, e);
	if (ret)
		return err_set(e, ERANGE,
		               "%s: the kernel decompresses to [0x%llx, 0x%llx) (init_size %u "
		               "bytes), beyond guest RAM (%llu MiB)",
		               f->name, U(runtime), U(runtime + kp->bz.hdr.init_size),
		               kp->bz.hdr.init_size, U(cfg->layout->mem_size >> 20));
	out->kernel_start = k.kernel_image.load_paddr;
	out->kernel_end = align_up(k.kernel_image.load_paddr + k.kernel_image.size, PAGE_SIZE);
	out->runtime_end = runtime + kp->bz.hdr.init_size;
	if (out->runtime_end < out->kernel_end)
		out->runtime_end = out->kernel_end;
	out->entry = k.arch.entry + X86_BZIMAGE_ENTRY_64_OFFSET;
	out->initrd_addr_max = kp->bz.hdr.initrd_addr_max;
	kp->cmdline_capacity = (size_t)kp->bz.hdr.cmdline_size + 1;
	return 0;
}

static int load_kernel(struct importer *imp, const struct linux_x86_config *cfg,
                       struct kernel_placement *kp, struct linux_x86_info *out, struct err *e)
{
	int ret = image_detect_format(cfg->kernel, &out->format, e);

	if (ret)
		return ret;
	kp->cmdline_capacity = CMDLINE_ELF_CAPACITY;
	switch (out->format) {
	case IMAGE_FORMAT_ELF:
		return load_elf(imp, cfg, out, e);
	case IMAGE_FORMAT_BZIMAGE:
		return load_bzimage(imp, cfg, kp, out, e);
	case IMAGE_FORMAT_ARM64_IMAGE:
		return err_set(e, EINVAL, "%s: an arm64 Image cannot boot on an x86_64 guest",
		               cfg->kernel->name);
	case IMAGE_FORMAT_GZIP:
		return err_set(e, EINVAL,
		               "%s: a gzip file is not an x86 kernel; give the bzImage or the "
		               "decompressed vmlinux",
		               cfg->kernel->name);
	}
	return err_set(e, EINVAL, "%s: unsupported format", cfg->kernel->name);
}

/* The top of low RAM, below initrd_addr_max, above everything the kernel claims. */
static int place_initrd(struct importer *imp, const struct linux_x86_config *cfg,
                        struct linux_x86_info *out, struct err *e)
{
	const struct image_file *f = cfg->initrd;
	uint64_t limit = x86_mem_layout_low_end(cfg->layout), floor = out->runtime_end, at;
	struct guest_image img;
	int ret;

	if (f->size == 0)
		return err_set(e, EINVAL, "%s: initrd is empty", f->name);
	if (out->initrd_addr_max < limit - 1)
		limit = out->initrd_addr_max + 1;
	if (f->size > limit || align_down(limit - f->size, PAGE_SIZE) < floor)
		return err_set(
		    e, ENOSPC,
		    "%s: initrd is %llu bytes but only %llu fit between the kernel's end "
		    "0x%llx and 0x%llx (end of low RAM or initrd_addr_max); raise --mem",
		    f->name, U(f->size), U(limit > floor ? limit - floor : 0), U(floor), U(limit));
	at = align_down(limit - f->size, PAGE_SIZE);
	ret = load_guest_module(imp, f, at, PAGE_SIZE, "linux-initrd", &img, e);
	if (ret)
		return ret;
	out->initrd_gpa = img.load_paddr;
	out->initrd_size = img.size;
	return 0;
}

static int import_cmdline(struct importer *imp, const struct linux_x86_config *cfg, size_t capacity,
                          struct linux_x86_info *out, struct err *e)
{
	struct cmdline c;
	int ret;

	if (capacity > X86_CMDLINE_MAX)
		capacity = X86_CMDLINE_MAX;
	ret = cmdline_init(&c, capacity, e);
	if (ret)
		return ret;
	ret = cmdline_append(&c, cfg->cmdline ? cfg->cmdline : "", e);
	if (ret) {
		err_prefix(e, "%s", cfg->kernel->name);
		goto out;
	}
	/* Always imported: cmd_line_ptr == 0 would mean "a pre-2.02 loader". */
	ret = importer_import_pages(imp, X86_CMDLINE_GPA >> PAGE_SHIFT, 1, "linux-cmdline",
	                            BPA_EXCLUSIVE, c.buf, c.len + 1, e);
	out->cmdline_gpa = X86_CMDLINE_GPA;
	out->cmdline_len = c.len;
	out->cmdline_limit = capacity - 1;
out:
	cmdline_free(&c);
	return ret;
}

static int import_zero_page(struct importer *imp, const struct kernel_placement *kp,
                            const struct x86_e820_entry *e820, unsigned int nr,
                            struct linux_x86_info *out, struct err *e)
{
	struct x86_zero_page_config zc = { .cmdline_gpa = out->cmdline_gpa,
		                           .cmdline_limit = (uint32_t)out->cmdline_limit,
		                           .initrd_gpa = out->initrd_gpa,
		                           .initrd_size = out->initrd_size,
		                           .e820 = e820,
		                           .nr_e820 = nr };
	struct x86_boot_params *bp = malloc(sizeof(*bp));
	int ret;

	if (!bp)
		return err_set(e, ENOMEM, "zero page: out of memory");
	if (out->format == IMAGE_FORMAT_BZIMAGE) {
		zc.setup_hdr = kp->bz.hdr_bytes;
		zc.setup_hdr_len = kp->bz.hdr_len;
		zc.code32_start = out->kernel_start;
	}
	x86_zero_page_build(bp, &zc);
	bp->acpi_rsdp_addr = out->rsdp_gpa;
	ret = importer_import_pages(imp, X86_ZERO_PAGE_GPA >> PAGE_SHIFT, 1, "linux-zeropage",
	                            BPA_EXCLUSIVE, bp, sizeof(*bp), e);
	free(bp);
	out->boot_params_gpa = X86_ZERO_PAGE_GPA;
	if (ret)
		return ret;
	return x86_import_boot_state_64bit(imp, out->entry, X86_ZERO_PAGE_GPA, e);
}

static int import_pvh(struct importer *imp, const struct x86_e820_entry *e820, unsigned int nr,
                      struct linux_x86_info *out, struct err *e)
{
	struct x86_pvh_config pc = { .start_info_gpa = X86_PVH_START_INFO_GPA,
		                     .cmdline_gpa = out->cmdline_gpa,
		                     .memmap_gpa = X86_PVH_MEMMAP_GPA,
		                     .initrd_gpa = out->initrd_gpa,
		                     .initrd_size = out->initrd_size,
		                     .e820 = e820,
		                     .nr_e820 = nr };
	uint8_t *page = malloc(PAGE_SIZE);
	int ret;

	if (!page)
		return err_set(e, ENOMEM, "PVH start info: out of memory");
	pc.rsdp_gpa = out->rsdp_gpa;
	x86_pvh_build_start_info(page, &pc);
	ret = importer_import_pages(imp, X86_PVH_START_INFO_GPA >> PAGE_SHIFT, 1, "pvh-start-info",
	                            BPA_EXCLUSIVE, page, PAGE_SIZE, e);
	if (!ret) {
		x86_pvh_build_memmap(page, &pc);
		ret = importer_import_pages(imp, X86_PVH_MEMMAP_GPA >> PAGE_SHIFT, 1, "pvh-memmap",
		                            BPA_EXCLUSIVE, page, PAGE_SIZE, e);
	}
	free(page);
	out->boot_params_gpa = X86_PVH_START_INFO_GPA;
	if (ret)
		return ret;
	return x86_import_boot_state_pvh(imp, out->entry, X86_PVH_START_INFO_GPA, e);
}

/* Steps 1 and 2: the kernel, then the initrd above everything it will claim. */
static int load_kernel_and_initrd(struct importer *imp, const struct linux_x86_config *cfg,
                                  struct kernel_placement *kp, struct linux_x86_info *out,
                                  struct err *e)
{
	int ret;

	memset(out, 0, sizeof(*out));
	memset(kp, 0, sizeof(*kp));
	out->protocol = cfg->protocol;
	ret = load_kernel(imp, cfg, kp, out, e);
	if (!ret && cfg->initrd)
		ret = place_initrd(imp, cfg, out, e);
	return ret;
}

int linux_x86_load_kernel_and_initrd(struct importer *imp, const struct linux_x86_config *cfg,
                                     struct linux_x86_info *out, struct err *e)
{
	struct kernel_placement kp;

	return load_kernel_and_initrd(imp, cfg, &kp, out, e);
}

int linux_x86_load(struct importer *imp, const struct linux_x86_config *cfg,
                   struct linux_x86_info *out, struct err *e)
{
	struct x86_e820_entry e820[X86_E820_MAX_ENTRIES_ZEROPAGE];
	struct kernel_placement kp;
	unsigned int nr_e820;
	int ret;

	ret = load_kernel_and_initrd(imp, cfg, &kp, out, e);
	if (!ret)
		ret = import_cmdline(imp, cfg, kp.cmdline_capacity, out, e);
	if (!ret && cfg->acpi) {
		ret = acpi_import(imp, cfg->acpi, e);
		out->rsdp_gpa = cfg->acpi->t[ACPI_RSDP].gpa;
	}
	if (!ret)
		ret = x86_mem_layout_e820(cfg->layout, e820, ARRAY_SIZE(e820), &nr_e820, e);
	if (ret)
		return ret;
	if (cfg->protocol == X86_BOOT_PVH)
		return import_pvh(imp, e820, nr_e820, out, e);
	return import_zero_page(imp, &kp, e820, nr_e820, out, e);
}
