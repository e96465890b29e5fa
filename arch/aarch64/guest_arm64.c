// SPDX-License-Identifier: MIT
/*
 * The aarch64 guest platform: one DRAM range at 1 GiB, the kernel Image
 * (gzip'd or not) with initrd and device tree placed as OpenVMM's Linux
 * loader places them (LOADER-SPEC §4.5), and the entry registers of
 * set_direct_boot_registers_arm64. Pure C: --dump-layout and --dump-dtb work
 * for arm64 guests on any host.
 */
#include "guest_arm64.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/aarch64/fdt.h"
#include "arch/aarch64/layout.h"
#include "loader/arm64_image.h"
#include "loader/detect.h"
#include "loader/gunzip.h"
#include "vmm/boot.h"
#include "vmm/guest.h"

#define U(x) ((unsigned long long)(x))

static unsigned int a64_gic_version = 3;

void a64_guest_set_gic_version(unsigned int version)
{
	a64_gic_version = version;
}

static int a64_guest_mem_ranges(uint64_t mem_size, struct mem_range *out, unsigned int *n,
                                struct err *e)
{
	if (mem_size < SZ_2M || !is_aligned(mem_size, SZ_2M) || mem_size > A64_DRAM_MAX)
		return err_set(e, EINVAL,
		               "%llu bytes: arm64 guest RAM must be a multiple of 2 MiB from 2 MiB "
		               "to %llu GiB",
		               U(mem_size), U(A64_DRAM_MAX >> 30));
	out[0] = (struct mem_range){ A64_DRAM_GPA, A64_DRAM_GPA + mem_size };
	*n = 1;
	return 0;
}

/* virtio-mmio device i: QEMU virt's slot i, SPI 16 + i, announced in the device tree. */
static int a64_virtio_mmio_slots(unsigned int n, struct virtio_mmio_slot *out, struct err *e)
{
	unsigned int i;

	if (n > GUEST_MAX_VIRTIO_MMIO)
		return err_set(e, EINVAL, "%u virtio-mmio devices (--disk), at most %d on arm64", n,
		               GUEST_MAX_VIRTIO_MMIO);
	for (i = 0; i < n; i++)
		out[i] = (struct virtio_mmio_slot){ .base = A64_VIRTIO_MMIO_GPA +
			                                    i * A64_VIRTIO_MMIO_SIZE,
			                            .size = A64_VIRTIO_MMIO_SIZE,
			                            .irq = A64_VIRTIO_MMIO_SPI + i };
	return 0;
}

/* The kernel as an Image: the file itself, or its gzip'd content inflated. */
struct a64_kernel {
	struct image_file image;
	uint8_t *inflated; /* owned; NULL when the file is a plain Image */
	uint64_t file_size;
};

static int a64_kernel_open(const struct image_file *f, struct a64_kernel *k, struct err *e)
{
	enum image_format fmt;
	uint64_t len;
	int ret = image_detect_format(f, &fmt, e);

	k->inflated = NULL;
	k->file_size = f->size;
	if (ret)
		return ret;
	if (fmt == IMAGE_FORMAT_ELF || fmt == IMAGE_FORMAT_BZIMAGE)
		return err_set(e, EINVAL,
		               "%s: an arm64 %s cannot be booted: minivmm boots the arm64 Image "
		               "(arch/arm64/boot/Image or Image.gz)",
		               f->name, fmt == IMAGE_FORMAT_ELF ? "ELF vmlinux" : "bzImage");
	if (fmt != IMAGE_FORMAT_GZIP) {
		k->image = *f;
		return 0;
	}
	ret = gunzip_file(f, GUNZIP_MAX_OUTPUT, &k->inflated, &len, e);
	if (ret)
		return ret;
	image_file_from_buffer(&k->image, f->name, k->inflated, len);
	return 0;
}

/* Everything the load decided, for the descriptions. */
struct a64_boot {
	struct arm64_image_header hdr;
	struct arm64_load_info info;
	struct mem_range ram;
	size_t cmdline_len;
};

static int build_dtb(const struct vmm_config *c, const struct boot_images *bi,
                     const struct a64_boot *b, gpa_t initrd_gpa, void *dtb, size_t *dtb_len,
                     struct err *e)
{
	struct virtio_mmio_slot slots[GUEST_MAX_VIRTIO_MMIO];
	struct a64_virtio_mmio virtio[GUEST_MAX_VIRTIO_MMIO];
	unsigned int i;
	int ret = a64_virtio_mmio_slots(c->nr_disks, slots, e);
	const struct a64_dt_config dc = {
		.mem_base = b->ram.start,
		.mem_size = b->ram.end - b->ram.start,
		.nr_cpus = c->cpus,
		.gic_version = a64_gic_version,
		.bootargs = c->cmdline,
		.initrd_start = initrd_gpa,
		.initrd_end = bi->has_initrd ? initrd_gpa + bi->initrd.size : 0,
		.virtio = virtio,
		.nr_virtio = c->nr_disks,
	};

	if (ret)
		return ret;
	for (i = 0; i < c->nr_disks; i++)
		virtio[i] = (struct a64_virtio_mmio){ .base = slots[i].base, .spi = slots[i].irq };
	return a64_fdt_build(&dc, dtb, A64_FDT_MAX_SIZE, dtb_len, e);
}

/*
 * OpenVMM's order: the initrd at DRAM + 16 MiB, the kernel at the next 2 MiB
 * boundary after it, the DTB (built first: it names the initrd) after the kernel.
 */
static int load_images(struct importer *imp, const struct vmm_config *c,
                       const struct boot_images *bi, const struct a64_kernel *k, struct a64_boot *b,
                       struct err *e)
{
	gpa_t initrd_gpa = b->ram.start + A64_INITRD_OFFSET, initrd_end, kernel_base;
	size_t dtb_len;
	void *dtb;
	int ret = arm64_image_parse(&k->image, &b->hdr, e);

	if (ret)
		return ret;
	if (!add_checked(initrd_gpa, bi->has_initrd ? bi->initrd.size : 0, &initrd_end) ||
	    !align_up_checked(initrd_end, SZ_2M, &kernel_base))
		return err_set(e, EOVERFLOW, "%s: initrd of %llu bytes overflows", bi->initrd.name,
		               U(bi->initrd.size));
	dtb = calloc(1, A64_FDT_MAX_SIZE);
	if (!dtb)
		return err_set(e, ENOMEM, "device tree: out of memory");
	ret = build_dtb(c, bi, b, initrd_gpa, dtb, &dtb_len, e);
	if (!ret)
		ret = arm64_load_kernel_and_initrd(imp, &k->image, kernel_base,
		                                   bi->has_initrd ? &bi->initrd : NULL, initrd_gpa,
		                                   dtb, dtb_len, &b->info, e);
	free(dtb);
	if (!ret)
		ret = arm64_set_direct_boot_registers(imp, &b->info, e);
	b->cmdline_len = c->cmdline ? strlen(c->cmdline) : 0;
	return ret;
}

static void print_summary(FILE *out, const struct vmm_config *c, const struct a64_kernel *k,
                          const struct a64_boot *b)
{
	const struct arm64_load_info *i = &b->info;

	fprintf(out, "kernel:  %s (arm64 Image%s, %llu bytes), entry at 0x%llx\n", c->kernel,
	        k->inflated ? ", gzip" : "", U(k->file_size), U(i->entry));
	if (k->inflated)
		fprintf(out, "         decompressed to %llu bytes\n", U(k->image.size));
	fprintf(out,
	        "         text_offset 0x%llx, image_size 0x%llx, flags 0x%llx; base 0x%llx, "
	        "imported [0x%llx, 0x%llx)\n",
	        U(b->hdr.text_offset), U(b->hdr.image_size), U(b->hdr.flags), U(i->kernel_base),
	        U(i->entry), U(i->entry + i->kernel_size));
	if (i->initrd_size)
		fprintf(out, "initrd:  %s (%llu bytes) at [0x%llx, 0x%llx)\n", c->initrd,
		        U(i->initrd_size), U(i->initrd_gpa), U(i->initrd_gpa + i->initrd_size));
	else
		fprintf(out, "initrd:  none\n");
	fprintf(out, "dtb:     %llu bytes at [0x%llx, 0x%llx): GICv%u, %u vCPU(s), X0 = 0x%llx\n",
	        U(i->dtb_size), U(i->dtb_gpa), U(i->dtb_gpa + i->dtb_size), a64_gic_version,
	        c->cpus, U(i->dtb_gpa));
	fprintf(out, "cmdline: \"%s\" (%zu of %d bytes) in /chosen/bootargs\n",
	        c->cmdline ? c->cmdline : "", b->cmdline_len, A64_CMDLINE_MAX - 1);
	fprintf(out, "memory:  %llu MiB\n  RAM [0x%016llx, 0x%016llx)\n",
	        U((b->ram.end - b->ram.start) >> 20), U(b->ram.start), U(b->ram.end));
}

static int a64_guest_load_linux(struct importer *imp, const struct vmm_config *c,
                                const struct boot_images *bi, enum guest_describe describe,
                                FILE *out, struct err *e)
{
	struct a64_kernel k;
	struct a64_boot b;
	unsigned int n;
	int ret = a64_guest_mem_ranges(c->mem_size, &b.ram, &n, e);

	if (ret)
		return err_prefix(e, "--mem");
	ret = a64_kernel_open(&bi->kernel, &k, e);
	if (!ret)
		ret = load_images(imp, c, bi, &k, &b, e);
	if (!ret && describe == GUEST_DESCRIBE_FULL)
		print_summary(out, c, &k, &b);
	else if (!ret && describe == GUEST_DESCRIBE_LINE)
		fprintf(
		    out,
		    "minivmm: %s arm64 Image%s, entry at 0x%llx, DTB at 0x%llx (GICv%u), initrd "
		    "%llu bytes at 0x%llx\n",
		    c->kernel, k.inflated ? " (gzip)" : "", U(b.info.entry), U(b.info.dtb_gpa),
		    a64_gic_version, U(b.info.initrd_size), U(b.info.initrd_gpa));
	free(k.inflated);
	return ret;
}

const struct guest_platform guest_aarch64 = {
	.name = "aarch64",
	.arch = GUEST_ARCH_AARCH64,
	.mem_ranges = a64_guest_mem_ranges,
	.load_linux = a64_guest_load_linux,
	.virtio_mmio_slots = a64_virtio_mmio_slots,
};
