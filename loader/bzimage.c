// SPDX-License-Identifier: MIT
#include "bzimage.h"

#include "arch/x86_64/layout.h"

#include <errno.h>
#include <string.h>

#define U(x)                ((unsigned long long)(x))
#define HDR_END             (X86_SETUP_HDR_OFFSET + sizeof(struct x86_setup_header))
#define ZERO_PAGE_HDR_LIMIT 0x290 /* the zero page field after the header */
#define HDR_MIN_END         0x264 /* a 2.12 header reaches at least past init_size */

bool bzimage_probe(const struct image_file *f)
{
	uint16_t flag;
	uint32_t magic;

	if (f->size < 0x206)
		return false;
	memcpy(&flag, f->data + 0x1fe, 2);
	memcpy(&magic, f->data + 0x202, 4);
	return flag == X86_BOOT_FLAG_MAGIC && magic == X86_SETUP_HDR_MAGIC;
}

static int check_magic_and_version(const struct image_file *f, const struct x86_setup_header *h,
                                   struct err *e)
{
	if (h->boot_flag != X86_BOOT_FLAG_MAGIC)
		return err_set(e, EINVAL, "%s: setup header boot_flag 0x%04x, expected 0xaa55",
		               f->name, h->boot_flag);
	if (h->header != X86_SETUP_HDR_MAGIC)
		return err_set(e, EINVAL,
		               "%s: setup header magic 0x%08x, expected 0x53726448 (\"HdrS\")",
		               f->name, h->header);
	if (h->version < BZIMAGE_MIN_VERSION)
		return err_set(
		    e, EINVAL,
		    "%s: boot protocol version %u.%02u is too old: the 64-bit entry needs "
		    "2.12",
		    f->name, h->version >> 8, h->version & 0xff);
	if (!(h->loadflags & X86_LOADED_HIGH))
		return err_set(e, EINVAL,
		               "%s: loadflags 0x%02x lack LOADED_HIGH: a zImage, not a bzImage",
		               f->name, h->loadflags);
	if (!(h->xloadflags & X86_XLF_KERNEL_64))
		return err_set(e, EINVAL,
		               "%s: xloadflags 0x%04x lack XLF_KERNEL_64: the kernel has no 64-bit "
		               "entry point",
		               f->name, h->xloadflags);
	return 0;
}

static int check_layout(const struct image_file *f, struct bzimage_info *bz, struct err *e)
{
	const struct x86_setup_header *h = &bz->hdr;
	uint64_t setup_size;

	bz->setup_sects = h->setup_sects ? h->setup_sects : X86_DEFAULT_SETUP_SECTS;
	setup_size = ((uint64_t)bz->setup_sects + 1) * X86_SETUP_SECT_SIZE;
	if (setup_size >= f->size)
		return err_set(
		    e, EINVAL,
		    "%s: setup_sects=%u (%llu bytes of setup code) exceeds the file size "
		    "%llu",
		    f->name, bz->setup_sects, U(setup_size), U(f->size));
	bz->pm_offset = setup_size;
	bz->pm_size = h->syssize ? (uint64_t)h->syssize * 16 : f->size - setup_size;
	if (bz->pm_size > f->size - setup_size)
		return err_set(e, EINVAL,
		               "%s: syssize=%u (%llu bytes of protected-mode code at 0x%llx) runs "
		               "past the end of the file (%llu bytes)",
		               f->name, h->syssize, U(bz->pm_size), U(setup_size), U(f->size));
	if (bz->pm_size <= X86_BZIMAGE_ENTRY_64_OFFSET)
		return err_set(e, EINVAL,
		               "%s: protected-mode kernel is %llu bytes, too small to hold the "
		               "64-bit entry at +0x200",
		               f->name, U(bz->pm_size));
	if ((uint64_t)h->payload_offset + h->payload_length > bz->pm_size)
		return err_set(e, EINVAL,
		               "%s: payload_offset 0x%x + payload_length 0x%x runs past the "
		               "protected-mode kernel (%llu bytes)",
		               f->name, h->payload_offset, h->payload_length, U(bz->pm_size));
	return 0;
}

static int check_sizes(const struct image_file *f, const struct x86_setup_header *h, struct err *e)
{
	if (h->init_size == 0)
		return err_set(e, EINVAL, "%s: init_size is 0: the kernel's memory need is unknown",
		               f->name);
	if (h->relocatable_kernel && !is_pow2(h->kernel_alignment))
		return err_set(e, EINVAL, "%s: kernel_alignment 0x%x is not a power of two",
		               f->name, h->kernel_alignment);
	if (!h->relocatable_kernel &&
	    (h->pref_address < X86_HIGH_MEM_START || !is_aligned(h->pref_address, PAGE_SIZE)))
		return err_set(e, EINVAL,
		               "%s: non-relocatable kernel with pref_address 0x%llx (must be page "
		               "aligned and at least 1 MiB)",
		               f->name, U(h->pref_address));
	if (h->initrd_addr_max == 0)
		return err_set(e, EINVAL, "%s: initrd_addr_max is 0", f->name);
	if (h->cmdline_size == 0)
		return err_set(e, EINVAL, "%s: cmdline_size is 0", f->name);
	return 0;
}

int bzimage_parse_header(const struct image_file *f, struct bzimage_info *out, struct err *e)
{
	uint64_t hdr_end;
	int ret;

	memset(out, 0, sizeof(*out));
	if (f->size < HDR_END)
		return err_set(e, EINVAL,
		               "%s: truncated setup header: file is %llu bytes, need at least %zu",
		               f->name, U(f->size), (size_t)HDR_END);
	memcpy(&out->hdr, f->data + X86_SETUP_HDR_OFFSET, sizeof(out->hdr));
	ret = check_magic_and_version(f, &out->hdr, e);
	if (ret)
		return ret;
	/* The header ends where the jump at 0x200 lands: 0x202 + its 8-bit offset. */
	hdr_end = 0x202 + (uint64_t)f->data[0x201];
	if (hdr_end > ZERO_PAGE_HDR_LIMIT || hdr_end < HDR_MIN_END)
		return err_set(e, EINVAL,
		               "%s: setup header end 0x%llx (from the jump at 0x200) is outside "
		               "0x264..0x290",
		               f->name, U(hdr_end));
	out->hdr_bytes = f->data + X86_SETUP_HDR_OFFSET;
	out->hdr_len = hdr_end - X86_SETUP_HDR_OFFSET;
	ret = check_layout(f, out, e);
	if (ret)
		return ret;
	return check_sizes(f, &out->hdr, e);
}

uint64_t bzimage_runtime_start(const struct bzimage_info *bz, uint64_t load_gpa)
{
	uint64_t start;

	if (!bz->hdr.relocatable_kernel)
		return bz->hdr.pref_address;
	start = align_up(load_gpa, bz->hdr.kernel_alignment);
	return start > bz->hdr.pref_address ? start : bz->hdr.pref_address;
}
