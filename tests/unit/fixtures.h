/* SPDX-License-Identifier: MIT */
/*
 * Test fixtures generated in memory: ELF images and bzImages with every
 * field under the test's control, so each malformed-input case is one field
 * away from a valid image; x86 page-table walks; and a platform that records
 * what device models ask of it (interrupts, resets, stops, boot complete).
 */
#ifndef MINIVMM_TESTS_FIXTURES_H
#define MINIVMM_TESTS_FIXTURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FIXTURE_MAX_SEGS 8

struct fixture_seg {
	uint32_t type; /* PT_LOAD unless set */
	uint64_t paddr;
	uint64_t filesz, memsz;
	uint64_t offset; /* 0: placed by the builder */
};

struct fixture_elf {
	uint8_t ei_class, ei_data; /* 0: ELFCLASS64, ELFDATA2LSB */
	uint16_t machine;          /* 0: EM_X86_64 */
	uint16_t phentsize;        /* 0: sizeof(Elf64_Phdr) */
	uint64_t entry;
	uint64_t phoff;          /* 0: right after the header */
	uint16_t phnum_override; /* 0: the real count */
	struct fixture_seg segs[FIXTURE_MAX_SEGS];
	unsigned int nsegs;
	bool pvh_note;
	uint32_t pvh_entry;
};

/* Segment i's file bytes are fixture_byte(i, offset-in-segment). */
static inline uint8_t fixture_byte(unsigned int seg, uint64_t off)
{
	return (uint8_t)(0x11 * (seg + 1) + off * 7);
}

/* Returns a malloc'd image; *len is its size. */
uint8_t *fixture_elf_build(const struct fixture_elf *spec, size_t *len);

struct fixture_bzimage {
	uint8_t setup_sects; /* 0 means 4, as in the protocol */
	uint16_t boot_flag;
	uint32_t header;
	uint16_t version;
	uint8_t loadflags;
	uint16_t xloadflags;
	uint8_t jump_offset; /* header ends at 0x202 + jump_offset */
	uint32_t syssize;    /* 0: derived from pm_size */
	uint64_t pm_size;    /* protected-mode code bytes in the file */
	uint32_t payload_offset, payload_length;
	uint32_t init_size;
	uint32_t kernel_alignment;
	uint8_t relocatable;
	uint64_t pref_address;
	uint32_t initrd_addr_max;
	uint32_t cmdline_size;
};

/* A valid 2.15 bzImage shape like Debian's: relocatable, 64-bit entry. */
void fixture_bzimage_default(struct fixture_bzimage *b);
uint8_t *fixture_bzimage_build(const struct fixture_bzimage *b, size_t *len);

/* Protected-mode byte i of a fixture bzImage. */
static inline uint8_t fixture_pm_byte(uint64_t i)
{
	return (uint8_t)(0xa5 ^ (i * 13));
}

/* ---- a platform that records what device models ask of it ---------------- */

#include "devices/platform.h"

#define REC_PLATFORM_GSIS 16

struct rec_platform {
	struct platform base;
	int irq_level[REC_PLATFORM_GSIS];           /* last level per gsi, -1 before any */
	unsigned int irq_raises[REC_PLATFORM_GSIS]; /* set_irq calls with level 1 */
	unsigned int irqs;                          /* set_irq calls, any gsi */
	unsigned int bad_gsis;                      /* set_irq calls with gsi >= 16 */
	unsigned int resets, stops, boots;
	int exit_code;       /* of the last stop */
	uint32_t boot_value; /* of the last boot_complete */
	char source[128];    /* of the last reset */
	char reason[128];    /* of the last stop */
};

/* Everything zero, every irq_level -1, the recording ops in place. */
void rec_platform_init(struct rec_platform *p);

#endif

/* ---- arm64 Image, CRC-32 and an x86-64 page-table walker ---------------- */

/*
 * An arm64 Linux Image (LOADER-SPEC §4.5): the 64-byte header, then body byte
 * i (file offset i, i >= 64) is fixture_image_byte(i).
 */
struct fixture_arm64_image {
	uint64_t text_offset;
	uint64_t image_size; /* header field; 0 means "unknown" */
	uint64_t flags;      /* default 0xa: little-endian, 4 KiB pages, anywhere */
	uint32_t magic;      /* default "ARM\x64" */
	uint64_t file_size;  /* bytes in the file, at least 64 */
};

#define FIXTURE_ARM64_IMAGE_MAGIC 0x644d5241u

static inline uint8_t fixture_image_byte(uint64_t i)
{
	return (uint8_t)(0x3c ^ (i * 11));
}

void fixture_arm64_image_default(struct fixture_arm64_image *a);
uint8_t *fixture_arm64_image_build(const struct fixture_arm64_image *a, size_t *len);

/* Bitwise CRC-32 (IEEE 802.3, reflected 0xEDB88320), independent of lib/crc32. */
uint32_t fixture_crc32(const void *data, size_t len);

/* Reads len guest bytes at gpa; 0 on success. */
typedef int (*fixture_read_fn)(void *ctx, uint64_t gpa, void *buf, size_t len);

struct fixture_pt_leaf {
	uint64_t va, pa, size, entry;
};

/*
 * Walks four-level x86-64 tables from cr3. Addresses are bits 12..51 of an
 * entry with cbit (a mask, 0 for none) cleared. Leaves are listed in VA
 * order; every entry seen (directories too) is counted, and those lacking
 * any bit of cbit are counted apart.
 */
struct fixture_pt_walk {
	fixture_read_fn read;
	void *ctx;
	uint64_t cbit;
	struct fixture_pt_leaf *leaves;
	unsigned int max_leaves;
	/* results */
	unsigned int nr_leaves, nr_entries, nr_tables, entries_without_cbit;
	uint64_t dir_flags_and, dir_flags_or; /* low 12 bits of directory entries */
};

/* 0, or -1 when a table cannot be read, a PML4 leaf exists or max_leaves overflows. */
int fixture_x86_pt_walk(struct fixture_pt_walk *w, uint64_t cr3);

/* Translates va through the tables at cr3; false when va is not mapped. */
bool fixture_x86_pt_translate(fixture_read_fn read, void *ctx, uint64_t cr3, uint64_t cbit,
                              uint64_t va, uint64_t *pa);
