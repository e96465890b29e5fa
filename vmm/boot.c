// SPDX-License-Identifier: MIT
#include "boot.h"

#include <string.h>

int boot_images_open(struct boot_images *bi, const struct vmm_config *c, struct err *e)
{
	int ret;

	memset(bi, 0, sizeof(*bi));
	ret = image_file_open(&bi->kernel, c->kernel, e);
	if (ret)
		return err_prefix(e, "kernel");
	if (!c->initrd)
		return 0;
	ret = image_file_open(&bi->initrd, c->initrd, e);
	if (ret) {
		image_file_close(&bi->kernel);
		return err_prefix(e, "initrd");
	}
	bi->has_initrd = true;
	return 0;
}

void boot_images_close(struct boot_images *bi)
{
	image_file_close(&bi->kernel);
	if (bi->has_initrd)
		image_file_close(&bi->initrd);
}

int boot_load_linux(struct importer *imp, const struct vmm_config *c, const struct boot_images *bi,
                    const struct x86_mem_layout *layout, struct linux_x86_info *info, struct err *e)
{
	const struct linux_x86_config lc = { .kernel = &bi->kernel,
		                             .initrd = bi->has_initrd ? &bi->initrd : NULL,
		                             .cmdline = c->cmdline,
		                             .protocol = c->boot,
		                             .layout = layout };

	return linux_x86_load(imp, &lc, info, e);
}
