/* SPDX-License-Identifier: MIT */
/*
 * Linux x86 boot protocol structures (Documentation/arch/x86/boot.rst,
 * arch/x86/include/uapi/asm/bootparam.h), as shared/reference/BOOT-REFERENCE.md
 * §1.2-§1.4 lists them. Offsets are checked at compile time.
 */
#ifndef MINIVMM_ARCH_X86_64_BOOTPARAM_H
#define MINIVMM_ARCH_X86_64_BOOTPARAM_H

#include <stddef.h>
#include <stdint.h>

#define X86_BOOT_FLAG_MAGIC          0xaa55
#define X86_SETUP_HDR_MAGIC          0x53726448 /* "HdrS" */
#define X86_SETUP_HDR_OFFSET         0x1f1      /* in the file and in the zero page */
#define X86_SETUP_SECT_SIZE          512
#define X86_DEFAULT_SETUP_SECTS      4 /* setup_sects == 0 means 4 */
#define X86_TYPE_OF_LOADER_UNDEFINED 0xff
#define X86_BZIMAGE_ENTRY_64_OFFSET  0x200 /* startup_64 from the protected-mode start */

/* loadflags */
#define X86_LOADED_HIGH                (1u << 0)
#define X86_KASLR_FLAG                 (1u << 1)
#define X86_QUIET_FLAG                 (1u << 5)
#define X86_CAN_USE_HEAP               (1u << 7)
/* xloadflags */
#define X86_XLF_KERNEL_64              (1u << 0)
#define X86_XLF_CAN_BE_LOADED_ABOVE_4G (1u << 1)

#define X86_E820_MAX_ENTRIES_ZEROPAGE 128

enum x86_e820_type {
	X86_E820_RAM = 1,
	X86_E820_RESERVED = 2,
	X86_E820_ACPI = 3,
	X86_E820_NVS = 4,
	X86_E820_UNUSABLE = 5,
};

struct x86_setup_header {
	uint8_t setup_sects;
	uint16_t root_flags;
	uint32_t syssize;
	uint16_t ram_size;
	uint16_t vid_mode;
	uint16_t root_dev;
	uint16_t boot_flag;
	uint16_t jump;
	uint32_t header;
	uint16_t version;
	uint32_t realmode_swtch;
	uint16_t start_sys_seg;
	uint16_t kernel_version;
	uint8_t type_of_loader;
	uint8_t loadflags;
	uint16_t setup_move_size;
	uint32_t code32_start;
	uint32_t ramdisk_image;
	uint32_t ramdisk_size;
	uint32_t bootsect_kludge;
	uint16_t heap_end_ptr;
	uint8_t ext_loader_ver;
	uint8_t ext_loader_type;
	uint32_t cmd_line_ptr;
	uint32_t initrd_addr_max;
	uint32_t kernel_alignment;
	uint8_t relocatable_kernel;
	uint8_t min_alignment;
	uint16_t xloadflags;
	uint32_t cmdline_size;
	uint32_t hardware_subarch;
	uint64_t hardware_subarch_data;
	uint32_t payload_offset;
	uint32_t payload_length;
	uint64_t setup_data;
	uint64_t pref_address;
	uint32_t init_size;
	uint32_t handover_offset;
	uint32_t kernel_info_offset;
} __attribute__((packed));

struct x86_e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
} __attribute__((packed));

struct x86_boot_params {
	uint8_t screen_info[0x40];
	uint8_t apm_bios_info[0x14];
	uint8_t _pad2[4];
	uint64_t tboot_addr;
	uint8_t ist_info[0x10];
	uint64_t acpi_rsdp_addr;
	uint8_t _pad3[8];
	uint8_t hd0_info[16];
	uint8_t hd1_info[16];
	uint8_t sys_desc_table[16];
	uint8_t olpc_ofw_header[16];
	uint32_t ext_ramdisk_image;
	uint32_t ext_ramdisk_size;
	uint32_t ext_cmd_line_ptr;
	uint8_t _pad4[112];
	uint32_t cc_blob_address;
	uint8_t edid_info[0x80];
	uint8_t efi_info[0x20];
	uint32_t alt_mem_k;
	uint32_t scratch;
	uint8_t e820_entries;
	uint8_t eddbuf_entries;
	uint8_t edd_mbr_sig_buf_entries;
	uint8_t kbd_status;
	uint8_t secure_boot;
	uint8_t _pad5[2];
	uint8_t sentinel;
	uint8_t _pad6[1];
	struct x86_setup_header hdr;
	uint8_t _pad7[0x290 - 0x1f1 - sizeof(struct x86_setup_header)];
	uint32_t edd_mbr_sig_buffer[16];
	struct x86_e820_entry e820_table[X86_E820_MAX_ENTRIES_ZEROPAGE];
	uint8_t _pad8[48];
	uint8_t eddbuf[6 * 82];
	uint8_t _pad9[276];
} __attribute__((packed));

_Static_assert(sizeof(struct x86_setup_header) == 0x7b, "setup_header size");
_Static_assert(sizeof(struct x86_boot_params) == 0x1000, "boot_params size");
_Static_assert(offsetof(struct x86_boot_params, acpi_rsdp_addr) == 0x70, "acpi_rsdp_addr");
_Static_assert(offsetof(struct x86_boot_params, ext_ramdisk_image) == 0xc0, "ext_ramdisk_image");
_Static_assert(offsetof(struct x86_boot_params, cc_blob_address) == 0x13c, "cc_blob_address");
_Static_assert(offsetof(struct x86_boot_params, e820_entries) == 0x1e8, "e820_entries");
_Static_assert(offsetof(struct x86_boot_params, sentinel) == 0x1ef, "sentinel");
_Static_assert(offsetof(struct x86_boot_params, hdr) == 0x1f1, "hdr");
_Static_assert(offsetof(struct x86_boot_params, hdr.boot_flag) == 0x1fe, "boot_flag");
_Static_assert(offsetof(struct x86_boot_params, hdr.header) == 0x202, "header");
_Static_assert(offsetof(struct x86_boot_params, hdr.loadflags) == 0x211, "loadflags");
_Static_assert(offsetof(struct x86_boot_params, hdr.cmd_line_ptr) == 0x228, "cmd_line_ptr");
_Static_assert(offsetof(struct x86_boot_params, hdr.xloadflags) == 0x236, "xloadflags");
_Static_assert(offsetof(struct x86_boot_params, hdr.pref_address) == 0x258, "pref_address");
_Static_assert(offsetof(struct x86_boot_params, hdr.init_size) == 0x260, "init_size");
_Static_assert(offsetof(struct x86_boot_params, edd_mbr_sig_buffer) == 0x290, "edd_mbr_sig");
_Static_assert(offsetof(struct x86_boot_params, e820_table) == 0x2d0, "e820_table");
_Static_assert(offsetof(struct x86_boot_params, eddbuf) == 0xd00, "eddbuf");

#endif
