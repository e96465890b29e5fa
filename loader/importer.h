/* SPDX-License-Identifier: MIT */
/*
 * The importer: the only way a loader puts anything into a guest.
 *
 * Modelled on OpenVMM's `loader::importer::ImageLoad` trait (see
 * shared/seeds/000_* and shared/reference/LOADER-SPEC.md §1). Every method of
 * the trait has a function here. The rules every implementation must obey are
 * enforced once, in importer.c, before a backend sees the call:
 *   - page ranges are 4 KiB pages, non-empty, and do not overflow;
 *   - data longer than the range is refused, data shorter is zero-filled;
 *   - an import or parameter area overlapping an earlier one fails, and the
 *     message names both tags;
 *   - a range outside startup memory (the RAM the VM will have) fails;
 *   - a register is imported at most once.
 * Backends (struct importer_ops) only move bytes: the guest-memory importer
 * (vmm/mem_importer.c) copies them into guest RAM, the recording importer
 * (loader/importer_record.c) keeps them for tests and --dump-layout.
 */
#ifndef MINIVMM_LOADER_IMPORTER_H
#define MINIVMM_LOADER_IMPORTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"
#include "lib/sizes.h"

/* ---- Enumerations (LOADER-SPEC §1.1) ---------------------------------- */

/* How an imported page enters the initial launch context. */
enum boot_page_acceptance {
	BPA_EXCLUSIVE,                 /* private, measured */
	BPA_EXCLUSIVE_UNMEASURED,      /* private, not measured (parameter areas) */
	BPA_VP_CONTEXT,                /* hardware VP context (SNP VMSA) */
	BPA_SECRETS_PAGE,              /* SNP secrets page */
	BPA_CPUID_PAGE,                /* SNP CPUID page */
	BPA_CPUID_EXTENDED_STATE_PAGE, /* SNP CPUID page for the XSAVE leaves */
	BPA_SHARED,                    /* host-visible, not accepted */
};

enum isolation_type {
	ISOLATION_NONE,
	ISOLATION_VBS,
	ISOLATION_SNP,
	ISOLATION_TDX,
};

enum startup_memory_type {
	SMT_RAM,
	SMT_VTL2_PROTECTABLE_RAM,
};

/* Runtime information the host writes into a parameter area (§6). */
enum igvm_parameter_type {
	IGVM_PARAM_VP_COUNT,
	IGVM_PARAM_SRAT,
	IGVM_PARAM_MADT,
	IGVM_PARAM_MMIO_RANGES,
	IGVM_PARAM_MEMORY_MAP,
	IGVM_PARAM_COMMAND_LINE,
	IGVM_PARAM_SLIT,
	IGVM_PARAM_PPTT,
	IGVM_PARAM_DEVICE_TREE,
};

enum guest_arch {
	GUEST_ARCH_X86_64,
	GUEST_ARCH_AARCH64,
};

struct isolation_config {
	bool paravisor_present; /* VTL2 (a paravisor) is present */
	enum isolation_type isolation_type;
	bool has_shared_gpa_boundary;
	uint8_t shared_gpa_boundary_bits; /* vTOM bit, valid with has_shared_gpa_boundary */
};

/* CPUID 0x4000000C as the isolation config describes it (LOADER-SPEC §1.3). */
struct cpuid_result {
	uint32_t eax, ebx, ecx, edx;
};
struct cpuid_result isolation_config_cpuid(const struct isolation_config *c);

/* ---- Registers (LOADER-SPEC §1.2) ------------------------------------- */

struct x86_table_reg { /* GDTR, IDTR */
	uint64_t base;
	uint16_t limit;
};

struct x86_segment_reg {
	uint64_t base;
	uint32_t limit; /* byte-granular, e.g. 0xffffffff */
	uint16_t selector;
	uint16_t attributes; /* type|S|DPL|P in 0-7, AVL|L|D/B|G in 12-15 (VMX access rights) */
};

#define X86_SEG_ATTR_TYPE(a) ((a)&0xf)
#define X86_SEG_ATTR_S(a)    (((a) >> 4) & 1)
#define X86_SEG_ATTR_DPL(a)  (((a) >> 5) & 3)
#define X86_SEG_ATTR_P(a)    (((a) >> 7) & 1)
#define X86_SEG_ATTR_AVL(a)  (((a) >> 12) & 1)
#define X86_SEG_ATTR_L(a)    (((a) >> 13) & 1)
#define X86_SEG_ATTR_DB(a)   (((a) >> 14) & 1)
#define X86_SEG_ATTR_G(a)    (((a) >> 15) & 1)

#define X64_DEFAULT_CODE_SEGMENT_ATTRIBUTES 0xa09b /* type 0xb, S, P, L, G */
#define X64_DEFAULT_DATA_SEGMENT_ATTRIBUTES 0xc093 /* type 0x3, S, P, D/B, G */
#define X64_BUSY_TSS_SEGMENT_ATTRIBUTES     0x008b /* type 0xb (busy TSS), P */

/*
 * OpenVMM's X86Register variants, in its order (41), followed by minivmm's
 * extensions: the GPRs OpenVMM has no use for but PVH (EBX = start_info) and
 * the register-state test guests need.
 */
enum x86_reg_name {
	X86_REG_GDTR,
	X86_REG_IDTR,
	X86_REG_DS,
	X86_REG_ES,
	X86_REG_FS,
	X86_REG_GS,
	X86_REG_SS,
	X86_REG_CS,
	X86_REG_TR,
	X86_REG_CR0,
	X86_REG_CR3,
	X86_REG_CR4,
	X86_REG_EFER,
	X86_REG_PAT,
	X86_REG_RBP,
	X86_REG_RIP,
	X86_REG_RSI,
	X86_REG_RSP,
	X86_REG_R8,
	X86_REG_R9,
	X86_REG_R10,
	X86_REG_R11,
	X86_REG_R12,
	X86_REG_RFLAGS,
	X86_REG_MTRR_DEF_TYPE,
	X86_REG_MTRR_PHYS_BASE0,
	X86_REG_MTRR_PHYS_MASK0,
	X86_REG_MTRR_PHYS_BASE1,
	X86_REG_MTRR_PHYS_MASK1,
	X86_REG_MTRR_PHYS_BASE2,
	X86_REG_MTRR_PHYS_MASK2,
	X86_REG_MTRR_PHYS_BASE3,
	X86_REG_MTRR_PHYS_MASK3,
	X86_REG_MTRR_PHYS_BASE4,
	X86_REG_MTRR_PHYS_MASK4,
	X86_REG_MTRR_FIX64K_00000,
	X86_REG_MTRR_FIX16K_80000,
	X86_REG_MTRR_FIX4K_E0000,
	X86_REG_MTRR_FIX4K_E8000,
	X86_REG_MTRR_FIX4K_F0000,
	X86_REG_MTRR_FIX4K_F8000,
	/* minivmm extensions */
	X86_REG_RAX,
	X86_REG_RBX,
	X86_REG_RCX,
	X86_REG_RDX,
	X86_REG_RDI,
	X86_REG_R13,
	X86_REG_R14,
	X86_REG_R15,
	X86_REG_COUNT
};

enum x86_reg_kind {
	X86_REG_KIND_TABLE,
	X86_REG_KIND_SEGMENT,
	X86_REG_KIND_U64,
};

struct x86_register {
	enum x86_reg_name name;
	union {
		struct x86_table_reg table;
		struct x86_segment_reg seg;
		uint64_t value;
	};
};

enum x86_reg_kind x86_reg_kind(enum x86_reg_name name);
const char *x86_reg_name_str(enum x86_reg_name name);
/* MSR index for PAT and the MTRRs; 0 for registers that are not MSRs. */
uint32_t x86_reg_msr_index(enum x86_reg_name name);

/* OpenVMM's Aarch64Register variants, in its order (16 variants, all u64). */
enum a64_reg_name {
	A64_REG_PC,
	A64_REG_X0,
	A64_REG_X1,
	A64_REG_X2,
	A64_REG_X3,
	A64_REG_X4,
	A64_REG_X5,
	A64_REG_X6,
	A64_REG_X7,
	A64_REG_CPSR, /* PSTATE in SPSR format */
	A64_REG_VBAR_EL1,
	A64_REG_TTBR0_EL1,
	A64_REG_TTBR1_EL1,
	A64_REG_MAIR_EL1,
	A64_REG_SCTLR_EL1,
	A64_REG_TCR_EL1,
	A64_REG_COUNT
};

struct a64_register {
	enum a64_reg_name name;
	uint64_t value;
};

const char *a64_reg_name_str(enum a64_reg_name name);

/* ---- The importer ------------------------------------------------------ */

struct parameter_area_index {
	uint32_t index;
};

/* One imported range (or parameter area), kept sorted by address. */
struct importer_range {
	uint64_t page_base;
	uint64_t page_count;
	const char *tag; /* static lifetime, as in OpenVMM */
	enum boot_page_acceptance acceptance;
	uint32_t seq;        /* import order */
	bool parameter_area; /* created by create_parameter_area* */
};

struct importer_param_area {
	uint64_t page_base;
	uint32_t page_count;
	const char *tag;
	uint8_t *initial_data; /* owned copy, NULL when the area starts zeroed */
	size_t initial_len;
};

struct importer_param {
	struct parameter_area_index area;
	uint32_t byte_offset;
	enum igvm_parameter_type type;
};

struct importer_reloc_region {
	uint64_t gpa, size;
	uint64_t alignment, min_gpa, max_gpa;
	bool apply_rip_offset, apply_gdtr_offset;
	uint16_t vp_index;
};

struct importer_pt_reloc {
	uint64_t gpa, size_pages, used_pages;
	uint16_t vp_index;
};

/* A contiguous RAM range [start, end) the VM will have at start. */
struct mem_range {
	uint64_t start, end;
};

#define IMPORTER_MAX_RAM_RANGES 8

struct importer;

/* What a backend does with the bytes once importer.c has checked the call. */
struct importer_ops {
	const char *name;
	/*
	 * Place data_len bytes at gpa + data_off and zero the rest of
	 * [gpa, gpa + len). The range has been checked: it is recorded, inside
	 * startup memory, and data_off + data_len <= len.
	 */
	int (*write)(struct importer *imp, uint64_t gpa, uint64_t len, uint64_t data_off,
	             const void *data, uint64_t data_len, struct err *e);
	/*
	 * Optional: write, with the data_len bytes read from the file fd at
	 * file_off (named name in errors) instead of taken from memory. Used by
	 * importer_import_file() when the image file has a descriptor; without
	 * it, write gets the file's mapped bytes.
	 */
	int (*write_file)(struct importer *imp, uint64_t gpa, uint64_t len, uint64_t data_off,
	                  int fd, uint64_t file_off, const char *name, uint64_t data_len,
	                  struct err *e);
	void (*destroy)(struct importer *imp);
};

struct importer {
	const struct importer_ops *ops;
	enum guest_arch arch;
	struct isolation_config isolation;
	uint8_t max_vtl; /* 2 when a paravisor's VTL2 is being loaded, else 0 */

	/* startup memory: what verify_startup_memory_available and imports are checked against */
	struct mem_range ram[IMPORTER_MAX_RAM_RANGES];
	unsigned int nr_ram;
	struct mem_range vtl2_ram; /* empty unless VTL2 has its own range */

	struct importer_range *ranges; /* sorted by page_base */
	size_t nr_ranges, cap_ranges;
	uint32_t next_seq;

	union importer_reg {
		struct x86_register x86;
		struct a64_register a64;
	} * regs; /* in import order */
	size_t nr_regs, cap_regs;

	struct importer_param_area *areas;
	size_t nr_areas, cap_areas;
	struct importer_param *params;
	size_t nr_params, cap_params;

	struct importer_reloc_region *relocs;
	size_t nr_relocs, cap_relocs;
	bool has_pt_reloc;
	struct importer_pt_reloc pt_reloc;

	bool has_vp_context_page;
	uint64_t vp_context_page;
	bool has_imported_regions_page;
	uint64_t imported_regions_page;
};

/* Backends call this from their constructor; ram lists the startup memory. */
void importer_init(struct importer *imp, const struct importer_ops *ops, enum guest_arch arch,
                   const struct mem_range *ram, unsigned int nr_ram);
void importer_destroy(struct importer *imp);

/* ImageLoad methods */
struct isolation_config importer_isolation_config(const struct importer *imp);
int importer_create_parameter_area(struct importer *imp, uint64_t page_base, uint32_t page_count,
                                   const char *debug_tag, struct parameter_area_index *out,
                                   struct err *e);
int importer_create_parameter_area_with_data(struct importer *imp, uint64_t page_base,
                                             uint32_t page_count, const char *debug_tag,
                                             const void *initial_data, size_t len,
                                             struct parameter_area_index *out, struct err *e);
int importer_import_parameter(struct importer *imp, struct parameter_area_index area,
                              uint32_t byte_offset, enum igvm_parameter_type type, struct err *e);
int importer_import_pages(struct importer *imp, uint64_t page_base, uint64_t page_count,
                          const char *debug_tag, enum boot_page_acceptance acceptance,
                          const void *data, size_t data_len, struct err *e);
int importer_import_x86_register(struct importer *imp, const struct x86_register *reg,
                                 struct err *e);
int importer_import_a64_register(struct importer *imp, const struct a64_register *reg,
                                 struct err *e);
int importer_verify_startup_memory_available(struct importer *imp, uint64_t page_base,
                                             uint64_t page_count, enum startup_memory_type type,
                                             struct err *e);
int importer_set_vp_context_page(struct importer *imp, uint64_t page_base, struct err *e);
int importer_relocation_region(struct importer *imp, uint64_t gpa, uint64_t size_bytes,
                               uint64_t relocation_alignment, uint64_t minimum_relocation_gpa,
                               uint64_t maximum_relocation_gpa, bool apply_rip_offset,
                               bool apply_gdtr_offset, uint16_t vp_index, struct err *e);
int importer_page_table_relocation(struct importer *imp, uint64_t page_table_gpa,
                                   uint64_t size_pages, uint64_t used_pages, uint16_t vp_index,
                                   struct err *e);
void importer_set_imported_regions_config_page(struct importer *imp, uint64_t page_base);

/* ---- Conveniences built on the methods above --------------------------- */

/*
 * Imports `data` (data_len bytes) at a byte address that need not be page
 * aligned: the lead-in of the first page and the tail after data_len up to
 * mem_len are zero. Matches OpenVMM's import_file_region with one chunk.
 */
int importer_import_bytes(struct importer *imp, gpa_t gpa, uint64_t mem_len, const char *tag,
                          enum boot_page_acceptance acceptance, const void *data, uint64_t data_len,
                          struct err *e);

struct image_file;

/*
 * importer_import_bytes() of bytes [offset, offset + len) of an image file:
 * the same checks and the same result, but a backend that can read files
 * (the guest-memory importer) reads them straight into guest RAM, so the
 * file's pages are never mapped into minivmm (pread is ~20% faster than
 * fault + memcpy from the mapping: README, "Load"). what names the piece in
 * the error when the range is not inside the file.
 */
int importer_import_file(struct importer *imp, gpa_t gpa, uint64_t mem_len, const char *tag,
                         enum boot_page_acceptance acceptance, const struct image_file *f,
                         uint64_t offset, uint64_t len, const char *what, struct err *e);

/* Shorthand for a u64 x86 register. */
int importer_import_x86_u64(struct importer *imp, enum x86_reg_name name, uint64_t value,
                            struct err *e);

/*
 * The VMM's side of a parameter area: writes the host's data (len bytes,
 * zeros after) over the whole area. Fails when the data exceeds the area
 * (OpenVMM's ParameterTooLarge).
 */
int importer_fill_parameter_area(struct importer *imp, uint32_t index, const void *data, size_t len,
                                 struct err *e);

/*
 * import_pages with the data starting data_off bytes into the first page,
 * as every backend write is described; used to replay a recording exactly.
 */
int importer_import_pages_at(struct importer *imp, uint64_t page_base, uint64_t page_count,
                             const char *debug_tag, enum boot_page_acceptance acceptance,
                             uint64_t data_off, const void *data, uint64_t data_len, struct err *e);

/* Finds the imported range that holds gpa, or NULL. */
const struct importer_range *importer_find_range(const struct importer *imp, gpa_t gpa);
/* Finds a register imported earlier, or NULL. */
const struct x86_register *importer_find_x86_register(const struct importer *imp,
                                                      enum x86_reg_name name);
const struct a64_register *importer_find_a64_register(const struct importer *imp,
                                                      enum a64_reg_name name);

const char *boot_page_acceptance_str(enum boot_page_acceptance a);
const char *igvm_parameter_type_str(enum igvm_parameter_type t);

#endif
