// SPDX-License-Identifier: MIT
#include "fixtures.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>

#define NOTE_BYTES (sizeof(Elf64_Nhdr) + 4 + 8)

static uint64_t seg_offsets(const struct fixture_elf *s, uint64_t *off, uint64_t start)
{
	uint64_t at = start;
	unsigned int i;

	for (i = 0; i < s->nsegs; i++) {
		at = (at + 0xfff) & ~0xfffULL;
		off[i] = s->segs[i].offset ? s->segs[i].offset : at;
		if (!s->segs[i].offset)
			at += s->segs[i].filesz;
	}
	return at;
}

static void put_note(uint8_t *p, uint32_t entry)
{
	Elf64_Nhdr nh = { .n_namesz = 4, .n_descsz = 8, .n_type = 18 };
	uint64_t desc = entry;

	memcpy(p, &nh, sizeof(nh));
	memcpy(p + sizeof(nh), "Xen", 4);
	memcpy(p + sizeof(nh) + 4, &desc, 8);
}

uint8_t *fixture_elf_build(const struct fixture_elf *s, size_t *len)
{
	unsigned int nph = s->nsegs + (s->pvh_note ? 1 : 0), i;
	uint64_t phoff = s->phoff ? s->phoff : sizeof(Elf64_Ehdr);
	uint64_t off[FIXTURE_MAX_SEGS], note_off, end;
	Elf64_Ehdr eh = { 0 };
	uint8_t *buf;

	note_off = phoff + nph * sizeof(Elf64_Phdr);
	end = seg_offsets(s, off, note_off + (s->pvh_note ? NOTE_BYTES : 0));
	if (end < phoff + nph * sizeof(Elf64_Phdr))
		end = phoff + nph * sizeof(Elf64_Phdr);
	buf = calloc(1, end);
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = s->ei_class ? s->ei_class : ELFCLASS64;
	eh.e_ident[EI_DATA] = s->ei_data ? s->ei_data : ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_EXEC;
	eh.e_machine = s->machine ? s->machine : EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_entry = s->entry;
	eh.e_phoff = phoff;
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = s->phentsize ? s->phentsize : sizeof(Elf64_Phdr);
	eh.e_phnum = s->phnum_override ? s->phnum_override : (uint16_t)nph;
	memcpy(buf, &eh, sizeof(eh));
	for (i = 0; i < s->nsegs; i++) {
		const struct fixture_seg *sg = &s->segs[i];
		Elf64_Phdr ph = { .p_type = sg->type ? sg->type : PT_LOAD,
			          .p_flags = PF_R | PF_X,
			          .p_offset = off[i],
			          .p_vaddr = sg->paddr | 0xffffffff80000000ULL,
			          .p_paddr = sg->paddr,
			          .p_filesz = sg->filesz,
			          .p_memsz = sg->memsz,
			          .p_align = 0x1000 };
		uint64_t b;

		if (phoff + (i + 1) * sizeof(ph) <= end)
			memcpy(buf + phoff + i * sizeof(ph), &ph, sizeof(ph));
		for (b = 0; b < sg->filesz && off[i] + b < end; b++)
			buf[off[i] + b] = fixture_byte(i, b);
	}
	if (s->pvh_note) {
		Elf64_Phdr ph = { .p_type = PT_NOTE, .p_offset = note_off, .p_filesz = NOTE_BYTES };

		memcpy(buf + phoff + s->nsegs * sizeof(ph), &ph, sizeof(ph));
		put_note(buf + note_off, s->pvh_entry);
	}
	*len = end;
	return buf;
}

void fixture_bzimage_default(struct fixture_bzimage *b)
{
	memset(b, 0, sizeof(*b));
	b->setup_sects = 27;
	b->boot_flag = 0xaa55;
	b->header = 0x53726448;
	b->version = 0x020f;
	b->loadflags = 0x01;
	b->xloadflags = 0x7f;
	b->jump_offset = 0x6a;
	b->pm_size = 0x3000;
	b->payload_offset = 0x400;
	b->payload_length = 0x1000;
	b->init_size = 0x800000;
	b->kernel_alignment = 0x200000;
	b->relocatable = 1;
	b->pref_address = 0x1000000;
	b->initrd_addr_max = 0x7fffffff;
	b->cmdline_size = 2047;
}

static void put16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

uint8_t *fixture_bzimage_build(const struct fixture_bzimage *b, size_t *len)
{
	unsigned int sects = b->setup_sects ? b->setup_sects : 4;
	uint64_t setup = (sects + 1) * 512ULL, i;
	uint8_t *buf;

	*len = setup + b->pm_size;
	buf = calloc(1, *len < 0x1000 ? 0x1000 : *len);
	buf[0x1f1] = b->setup_sects;
	put32(buf + 0x1f4, b->syssize ? b->syssize : (uint32_t)((b->pm_size + 15) / 16));
	put16(buf + 0x1fe, b->boot_flag);
	buf[0x200] = 0xeb;
	buf[0x201] = b->jump_offset;
	put32(buf + 0x202, b->header);
	put16(buf + 0x206, b->version);
	buf[0x211] = b->loadflags;
	put32(buf + 0x214, 0x100000);
	put32(buf + 0x22c, b->initrd_addr_max);
	put32(buf + 0x230, b->kernel_alignment);
	buf[0x234] = b->relocatable;
	buf[0x235] = 21;
	put16(buf + 0x236, b->xloadflags);
	put32(buf + 0x238, b->cmdline_size);
	put32(buf + 0x248, b->payload_offset);
	put32(buf + 0x24c, b->payload_length);
	put64(buf + 0x258, b->pref_address);
	put32(buf + 0x260, b->init_size);
	buf[0x26c] = 0xff; /* a byte past the header: must not reach the zero page */
	for (i = 0; i < b->pm_size; i++)
		buf[setup + i] = fixture_pm_byte(i);
	return buf;
}
