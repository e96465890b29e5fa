// SPDX-License-Identifier: MIT
#include "guest_image.h"

#include <errno.h>

static int load_image(struct importer *imp, const struct image_file *f, gpa_t load_address,
                      uint64_t alignment, const char *tag, struct guest_image *out, struct err *e)
{
	gpa_t at;
	int ret;

	if (!is_pow2(alignment))
		return err_set(e, EINVAL, "%s: alignment 0x%llx is not a power of two", f->name,
		               (unsigned long long)alignment);
	if (alignment < PAGE_SIZE)
		alignment = PAGE_SIZE;
	if (f->size == 0)
		return err_set(e, EINVAL, "%s: file is empty", f->name);
	if (!align_up_checked(load_address, alignment, &at))
		return err_set(e, EOVERFLOW, "%s: load address 0x%llx aligned to 0x%llx overflows",
		               f->name, (unsigned long long)load_address,
		               (unsigned long long)alignment);
	ret = importer_import_file(imp, at, f->size, tag, BPA_EXCLUSIVE, f, 0, f->size, tag, e);
	if (ret)
		return err_prefix(e, "%s", f->name);
	*out = (struct guest_image){ .load_paddr = at, .alignment = alignment, .size = f->size };
	return 0;
}

int load_guest_kernel(struct importer *imp, const struct image_file *f, gpa_t load_address,
                      uint64_t alignment, const char *tag, struct guest_kernel_image *out,
                      struct err *e)
{
	int ret = load_image(imp, f, load_address, alignment, tag, &out->kernel_image, e);

	if (!ret)
		out->arch.entry = out->kernel_image.load_paddr;
	return ret;
}

int load_guest_module(struct importer *imp, const struct image_file *f, gpa_t load_address,
                      uint64_t alignment, const char *tag, struct guest_image *out, struct err *e)
{
	return load_image(imp, f, load_address, alignment, tag, out, e);
}
