/* SPDX-License-Identifier: MIT */
/*
 * ELF64 static loader with OpenVMM `load_static_elf` semantics
 * (LOADER-SPEC §4.1): every PT_LOAD segment is imported at p_paddr plus an
 * offset, its tail beyond p_filesz zero-filled. Also finds the PVH entry note.
 */
#ifndef MINIVMM_LOADER_ELF_H
#define MINIVMM_LOADER_ELF_H

#include <stdbool.h>
#include <stdint.h>

#include "loader/image_file.h"
#include "loader/importer.h"

struct elf_load_info {
	gpa_t minimum_address_used;   /* page-aligned start of the lowest segment */
	gpa_t next_available_address; /* page-aligned end of the highest segment */
	gpa_t entrypoint;
};

/*
 * Loads f (whose machine must match the importer's arch). Segments land at
 * p_paddr + load_offset; with assume_pic the lowest segment's page lands at
 * start_address instead. Segments below start_address are refused.
 */
int elf_load_static(struct importer *imp, const struct image_file *f, gpa_t start_address,
                    uint64_t load_offset, bool assume_pic, enum boot_page_acceptance acceptance,
                    const char *tag, struct elf_load_info *out, struct err *e);

/* Validates the ELF64 header and program-header table of f for the given arch. */
int elf_check_header(const struct image_file *f, enum guest_arch arch, struct err *e);

/*
 * Looks for the PVH entry note (name "Xen", type XEN_ELFNOTE_PHYS32_ENTRY)
 * in the PT_NOTE segments. *found is false when there is none.
 */
int elf_find_pvh_entry(const struct image_file *f, bool *found, uint32_t *entry, struct err *e);

#define XEN_ELFNOTE_PHYS32_ENTRY 18

#endif
