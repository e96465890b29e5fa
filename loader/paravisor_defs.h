/* SPDX-License-Identifier: MIT */
/*
 * OpenHCL paravisor layout definitions (OpenVMM loader_defs, LOADER-SPEC §2.1
 * and §2.2), in the **current ("HEAD") revision**: persisted-state region,
 * boot-shim log buffer and heap, 362-page parameter region, 192-byte
 * ShimParamsRaw without page_tables_*. The loader (loader/paravisor_x64.c,
 * loader/paravisor_arm64.c), the VMM and minivmm's own boot shim
 * (arch/x86_64/shim/) all use these, so they cannot disagree.
 *
 * Freestanding: the shim includes this header too.
 */
#ifndef MINIVMM_LOADER_PARAVISOR_DEFS_H
#define MINIVMM_LOADER_PARAVISOR_DEFS_H

#include <stddef.h>
#include <stdint.h>

#define PV_PAGE_SIZE 4096ULL

/* §2.1 constants, HEAD values */
#define PARAVISOR_CONFIG_SLIT_SIZE_PAGES                          20
#define PARAVISOR_CONFIG_PPTT_SIZE_PAGES                          20
#define PARAVISOR_CONFIG_DEVICE_TREE_SIZE_PAGES                   64
#define PARAVISOR_UNMEASURED_VTL2_CONFIG_REGION_PAGE_COUNT_MAX    104
#define PARAVISOR_CONFIG_SLIT_PAGE_INDEX                          0
#define PARAVISOR_CONFIG_PPTT_PAGE_INDEX                          20
#define PARAVISOR_CONFIG_DEVICE_TREE_PAGE_INDEX                   40
#define PARAVISOR_RESERVED_VTL2_PAGE_COUNT_MAX                    4
#define PARAVISOR_RESERVED_VTL2_SNP_VMSA_PAGE_INDEX               0
#define PARAVISOR_RESERVED_VTL2_SNP_CPUID_PAGE_INDEX              1
#define PARAVISOR_RESERVED_VTL2_SNP_SECRETS_PAGE_INDEX            3
#define PARAVISOR_MEASURED_VTL2_CONFIG_ACCEPTED_MEMORY_PAGE_INDEX 104
#define PARAVISOR_MEASURED_VTL2_CONFIG_PAGE_INDEX                 105
#define PARAVISOR_MEASURED_VTL2_CONFIG_PAGE_HASHES_PAGE_INDEX     106
#define PARAVISOR_MEASURED_VTL2_CONFIG_PAGE_HASHES_SIZE_PAGES     256
#define PARAVISOR_VTL2_CONFIG_REGION_PAGE_COUNT_MAX               362
#define PARAVISOR_DEFAULT_MEMORY_BASE_ADDRESS                     0x08000000ULL /* 128 MiB */
#define PARAVISOR_DEFAULT_MEMORY_PAGE_COUNT                       16384         /* 64 MiB */
#define PARAVISOR_LOCAL_MAP_VA                                    0x200000ULL
#define PARAVISOR_LOCAL_MAP_SIZE                                  0x200000ULL
#define PARAVISOR_VTL0_MEASURED_CONFIG_BASE_PAGE_X64              0
#define PARAVISOR_VTL0_MEASURED_CONFIG_BASE_PAGE_AARCH64          4096 /* GPA 16 MiB */
#define PARAVISOR_PERSISTED_REGION_SIZE                           0x200000ULL
#define PARAVISOR_LOG_BUFFER_PAGES                                2
#define PARAVISOR_HEAP_PAGES                                      16
#define PARAVISOR_RELOCATION_ALIGNMENT                            0x200000ULL
#define PARAVISOR_RELOCATION_MAX_GPA                              (1ULL << 48)
#define PARAVISOR_X64_PAGE_TABLE_MAX_COUNT                        20
#define PARAVISOR_ARM64_PAGE_TABLE_PAGES                          15
#define PARAVISOR_COMMAND_LINE_SIZE                               4092

#define PARAVISOR_MEASURED_VTL0_CONFIG_MAGIC 0x4F48434C56544C30ULL /* "OHCLVTL0" */
#define PARAVISOR_MEASURED_VTL2_CONFIG_MAGIC 0x4F48434C56544C32ULL /* "OHCLVTL2" */

enum paravisor_command_line_policy {
	COMMAND_LINE_POLICY_STATIC = 0,        /* only the static command line */
	COMMAND_LINE_POLICY_APPEND_CHOSEN = 1, /* + the host's DT /chosen/bootargs */
};

struct paravisor_command_line { /* one measured page */
	uint16_t policy;
	uint16_t static_command_line_len; /* bytes used; not NUL-terminated */
	uint8_t static_command_line[PARAVISOR_COMMAND_LINE_SIZE];
};

struct page_region_descriptor {
	uint64_t base_page_number;
	uint64_t page_count; /* 0: absent */
};

struct imported_regions_page_header {
	uint8_t sha384_hash[48];
};

struct imported_region_descriptor {
	uint64_t base_page_number;
	uint64_t page_count; /* 0 ends the list */
	uint8_t accepted;
	uint8_t padding[7];
};

struct paravisor_linux_info {
	struct page_region_descriptor kernel_region;
	uint64_t kernel_entrypoint;
	struct page_region_descriptor initrd_region;
	uint64_t initrd_size;
	struct page_region_descriptor command_line;
};

struct paravisor_uefi_info {
	struct page_region_descriptor firmware;
	struct page_region_descriptor vtl0_vp_context;
};

#define VTL0_UEFI_SUPPORTED         (1ULL << 0)
#define VTL0_PCAT_SUPPORTED         (1ULL << 1)
#define VTL0_LINUX_DIRECT_SUPPORTED (1ULL << 2)

struct paravisor_measured_vtl0_config {
	uint64_t magic;
	uint64_t supported_vtl0;
	struct paravisor_uefi_info uefi_info;
	struct paravisor_linux_info linux_info;
};

struct paravisor_measured_vtl2_config {
	uint64_t magic;
	uint8_t vtom_offset_bit;
	uint8_t padding[7];
	uint32_t product_policy_size;
	uint8_t reserved[4];
};

/* SupportedIsolationType */
#define SHIM_ISOLATION_VBS 1 /* also "none" */
#define SHIM_ISOLATION_SNP 2
#define SHIM_ISOLATION_TDX 3

/*
 * ShimParamsRaw, HEAD layout (192 bytes). Every *_offset is the absolute GPA
 * minus the shim's base address (its lowest loaded GPA), with wrapping
 * subtraction, so the block stays valid when the whole image is relocated.
 */
struct shim_params_raw {
	int64_t kernel_entry_offset;
	int64_t cmdline_offset; /* -> struct paravisor_command_line */
	int64_t initrd_offset;
	uint64_t initrd_size;
	uint32_t initrd_crc; /* CRC-32 (IEEE) of the initrd, 0 if none */
	uint32_t supported_isolation_type;
	int64_t memory_start_offset; /* VTL2 memory base */
	uint64_t memory_size;
	int64_t parameter_region_offset;
	uint64_t parameter_region_size;
	int64_t vtl2_reserved_region_offset;
	uint64_t vtl2_reserved_region_size;
	int64_t sidecar_offset;
	uint64_t sidecar_size;
	int64_t sidecar_entry_offset;
	int64_t used_start;
	int64_t used_end;
	int64_t bounce_buffer_start;
	uint64_t bounce_buffer_size;
	int64_t log_buffer_start;
	uint64_t log_buffer_size;
	int64_t heap_start_offset;
	uint64_t heap_size;
	int64_t persisted_state_region_offset;
	uint64_t persisted_state_region_size;
};

_Static_assert(sizeof(struct paravisor_command_line) == 4096, "ParavisorCommandLine");
_Static_assert(sizeof(struct imported_region_descriptor) == 24, "ImportedRegionDescriptor");
_Static_assert(sizeof(struct paravisor_linux_info) == 64, "LinuxInfo");
_Static_assert(sizeof(struct paravisor_measured_vtl0_config) == 112, "MeasuredVtl0Config");
_Static_assert(offsetof(struct paravisor_measured_vtl0_config, linux_info) == 48, "linux_info");
_Static_assert(sizeof(struct paravisor_measured_vtl2_config) == 24, "MeasuredVtl2Config");
_Static_assert(sizeof(struct shim_params_raw) == 192, "ShimParamsRaw");
_Static_assert(offsetof(struct shim_params_raw, used_end) == 120, "used_end");
_Static_assert(offsetof(struct shim_params_raw, persisted_state_region_size) == 184, "persisted");

/*
 * IGVM MEMORY_MAP entry types, which the VMM's device tree also carries as
 * "microsoft,igvm-type" on each memory node (LOADER-SPEC §6.3).
 */
#define IGVM_MEMORY_MAP_ENTRY_MEMORY            0
#define IGVM_MEMORY_MAP_ENTRY_PLATFORM_RESERVED 1
#define IGVM_MEMORY_MAP_ENTRY_PERSISTENT        2
#define IGVM_MEMORY_MAP_ENTRY_VTL2_PROTECTABLE  3

struct igvm_memory_map_entry {
	uint64_t starting_gpa_page_number;
	uint64_t number_of_pages; /* 0 ends the list */
	uint16_t entry_type;
	uint16_t flags;
	uint32_t reserved;
};

_Static_assert(sizeof(struct igvm_memory_map_entry) == 24, "IGVM_VHS_MEMORY_MAP_ENTRY");

/* Device-tree names shared by the VMM (vmm/paravisor_params.c) and the shim. */
#define PV_DT_IGVM_TYPE_PROPERTY "microsoft,igvm-type"
#define PV_DT_VTL_PROPERTY       "microsoft,vtl"

#endif
