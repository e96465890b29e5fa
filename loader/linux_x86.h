/* SPDX-License-Identifier: MIT */
/*
 * Linux direct boot on x86_64: an ELF vmlinux (64-bit entry or PVH) or a
 * bzImage (64-bit entry), an optional initrd and a command line, all placed
 * through the importer together with the boot structures and the entry CPU
 * state. Addresses come from arch/x86_64/layout.h.
 */
#ifndef MINIVMM_LOADER_LINUX_X86_H
#define MINIVMM_LOADER_LINUX_X86_H

#include "arch/x86_64/mem_layout.h"
#include "loader/detect.h"
#include "loader/image_file.h"
#include "loader/importer.h"

enum x86_boot_protocol {
	X86_BOOT_64BIT, /* boot.rst 64-bit entry with a zero page */
	X86_BOOT_PVH,   /* Xen PVH entry with hvm_start_info */
};

/* initrd_addr_max assumed for an ELF vmlinux, which has no setup header. */
#define LINUX_X86_ELF_INITRD_ADDR_MAX 0x7fffffffULL

struct acpi_tables;

struct linux_x86_config {
	const struct image_file *kernel;
	const struct image_file *initrd; /* NULL: no initrd */
	const char *cmdline;             /* NULL: empty */
	enum x86_boot_protocol protocol;
	const struct x86_mem_layout *layout;
	const struct acpi_tables *acpi; /* NULL: no ACPI tables */
};

struct linux_x86_info {
	enum image_format format;
	enum x86_boot_protocol protocol;
	gpa_t kernel_start, kernel_end; /* the imported kernel bytes, page aligned */
	gpa_t runtime_end;              /* the kernel claims memory up to here while booting */
	gpa_t entry;
	bool has_pvh_note;
	gpa_t initrd_gpa; /* 0 with initrd_size 0 when there is none */
	uint64_t initrd_size;
	uint64_t initrd_addr_max;
	gpa_t cmdline_gpa;
	size_t cmdline_len, cmdline_limit; /* limit excludes the NUL */
	gpa_t boot_params_gpa;             /* zero page or start_info */
	gpa_t rsdp_gpa;                    /* 0 without ACPI */
};

const char *x86_boot_protocol_str(enum x86_boot_protocol p);

int linux_x86_load(struct importer *imp, const struct linux_x86_config *cfg,
                   struct linux_x86_info *out, struct err *e);

/*
 * Only the kernel and the initrd, no boot structures or registers: a VTL0
 * kernel whose boot the paravisor will set up (its measured VTL0 config).
 */
int linux_x86_load_kernel_and_initrd(struct importer *imp, const struct linux_x86_config *cfg,
                                     struct linux_x86_info *out, struct err *e);

#endif
