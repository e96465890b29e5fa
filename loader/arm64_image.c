// SPDX-License-Identifier: MIT
#include "arm64_image.h"

#include <errno.h>
#include <string.h>

#define U(x) ((unsigned long long)(x))

int arm64_image_parse(const struct image_file *f, struct arm64_image_header *h, struct err *e)
{
	if (f->size < sizeof(*h))
		return err_set(e, EINVAL,
		               "%s: truncated arm64 Image header: file is %llu bytes, need %zu",
		               f->name, U(f->size), sizeof(*h));
	memcpy(h, f->data, sizeof(*h));
	if (h->magic != ARM64_IMAGE_MAGIC)
		return err_set(
		    e, EINVAL,
		    "%s: arm64 Image magic 0x%08x at 0x38, expected 0x644d5241 (\"ARM\\x64\")",
		    f->name, h->magic);
	if (h->flags & ARM64_IMAGE_FLAG_BE)
		return err_set(e, EINVAL, "%s: arm64 Image flags 0x%llx: a big-endian kernel",
		               f->name, U(h->flags));
	if (ARM64_IMAGE_PAGE_SIZE(h->flags) != 1)
		return err_set(
		    e, EINVAL,
		    "%s: arm64 Image flags 0x%llx: page size code %llu, a 4 KiB-page kernel "
		    "(1) is required",
		    f->name, U(h->flags), U(ARM64_IMAGE_PAGE_SIZE(h->flags)));
	if (!(h->flags & ARM64_IMAGE_FLAG_PHYS_BASE))
		return err_set(
		    e, EINVAL,
		    "%s: arm64 Image flags 0x%llx lack bit 3: the kernel must be placeable "
		    "anywhere in physical memory",
		    f->name, U(h->flags));
	if (h->text_offset >= SZ_2M || !is_aligned(h->text_offset, PAGE_SIZE))
		return err_set(
		    e, EINVAL,
		    "%s: arm64 Image text_offset 0x%llx: expected a 4 KiB-aligned offset "
		    "below 2 MiB",
		    f->name, U(h->text_offset));
	return 0;
}

static int place_initrd(struct importer *imp, const struct image_file *initrd, gpa_t fixed,
                        gpa_t next, struct arm64_load_info *out, struct err *e)
{
	gpa_t at = fixed;
	int ret;

	if (!at && !align_up_checked(next, SZ_2M, &at))
		return err_set(e, EOVERFLOW, "%s: initrd address overflows", initrd->name);
	if (!is_aligned(at, PAGE_SIZE))
		return err_set(e, EINVAL, "%s: initrd address 0x%llx is not page aligned",
		               initrd->name, U(at));
	if (initrd->size == 0)
		return err_set(e, EINVAL, "%s: initrd is empty", initrd->name);
	ret = importer_import_file(imp, at, initrd->size, "linux-initrd", BPA_EXCLUSIVE, initrd, 0,
	                           initrd->size, "initrd", e);
	if (ret)
		return err_prefix(e, "%s", initrd->name);
	out->initrd_gpa = at;
	out->initrd_size = initrd->size;
	return 0;
}

int arm64_load_kernel_and_initrd(struct importer *imp, const struct image_file *kernel,
                                 gpa_t kernel_min_start, const struct image_file *initrd,
                                 gpa_t initrd_gpa, const void *dtb, uint64_t dtb_size,
                                 struct arm64_load_info *out, struct err *e)
{
	struct arm64_image_header h;
	uint64_t ksize, load, next;
	int ret;

	memset(out, 0, sizeof(*out));
	if (!is_aligned(kernel_min_start, SZ_2M))
		return err_set(e, EINVAL, "%s: kernel base 0x%llx is not 2 MiB aligned",
		               kernel->name, U(kernel_min_start));
	ret = arm64_image_parse(kernel, &h, e);
	if (ret)
		return ret;
	if (!add_checked(kernel_min_start, h.text_offset, &load) ||
	    !align_up_checked(h.image_size ? h.image_size : kernel->size, PAGE_SIZE, &ksize) ||
	    load + ksize < load)
		return err_set(e, EOVERFLOW, "%s: text_offset 0x%llx + image_size 0x%llx overflows",
		               kernel->name, U(h.text_offset), U(h.image_size));
	if (kernel->size > ksize)
		return err_set(
		    e, EINVAL,
		    "%s: the file (%llu bytes) is larger than its image_size (%llu bytes)",
		    kernel->name, U(kernel->size), U(h.image_size));
	ret = importer_import_file(imp, load, ksize, "linux-kernel", BPA_EXCLUSIVE, kernel, 0,
	                           kernel->size, "kernel", e);
	if (ret)
		return err_prefix(e, "%s", kernel->name);
	out->kernel_base = kernel_min_start;
	out->kernel_size = ksize;
	out->entry = load;
	next = load + ksize;
	if (dtb) {
		out->dtb_gpa = align_up(next, PAGE_SIZE);
		out->dtb_size = dtb_size;
		ret = importer_import_bytes(imp, out->dtb_gpa, dtb_size, "linux-device-tree",
		                            BPA_EXCLUSIVE, dtb, dtb_size, e);
		if (ret)
			return ret;
		next = out->dtb_gpa + dtb_size;
	}
	return initrd ? place_initrd(imp, initrd, initrd_gpa, next, out, e) : 0;
}

int arm64_set_direct_boot_registers(struct importer *imp, const struct arm64_load_info *info,
                                    struct err *e)
{
	const struct a64_register regs[] = {
		{ A64_REG_PC, info->entry },
		{ A64_REG_CPSR, ARM64_BOOT_CPSR },
		{ A64_REG_SCTLR_EL1, ARM64_BOOT_SCTLR_EL1 },
		{ A64_REG_TCR_EL1, ARM64_BOOT_TCR_EL1 },
		{ A64_REG_TTBR0_EL1, 0 },
		{ A64_REG_TTBR1_EL1, 0 },
		{ A64_REG_VBAR_EL1, 0 },
		{ A64_REG_X0, info->dtb_gpa },
	};
	unsigned int i, n = ARRAY_SIZE(regs) - (info->dtb_size ? 0 : 1);
	int ret;

	for (i = 0; i < n; i++) {
		ret = importer_import_a64_register(imp, &regs[i], e);
		if (ret)
			return ret;
	}
	return 0;
}
