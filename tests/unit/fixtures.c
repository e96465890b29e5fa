// SPDX-License-Identifier: MIT
#include "fixtures.h"

#include <elf.h>
#include <stdio.h>
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

/* ---- arm64 Image, CRC-32 and an x86-64 page-table walker ---------------- */

void fixture_arm64_image_default(struct fixture_arm64_image *a)
{
	memset(a, 0, sizeof(*a));
	a->image_size = 0x5000;
	a->flags = 0xa;
	a->magic = FIXTURE_ARM64_IMAGE_MAGIC;
	a->file_size = 0x4800;
}

uint8_t *fixture_arm64_image_build(const struct fixture_arm64_image *a, size_t *len)
{
	size_t n = a->file_size < 64 ? 64 : a->file_size, i;
	uint8_t *buf = calloc(1, n);

	put32(buf + 0x00, 0x91005a4d); /* "MZ" + add x13, x18, #0x16, as real Images */
	put32(buf + 0x04, 0x14000000); /* b . */
	put64(buf + 0x08, a->text_offset);
	put64(buf + 0x10, a->image_size);
	put64(buf + 0x18, a->flags);
	put32(buf + 0x38, a->magic);
	for (i = 64; i < n; i++)
		buf[i] = fixture_image_byte(i);
	*len = n;
	return buf;
}

uint32_t fixture_crc32(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t crc = 0xffffffffu;
	size_t i;
	int b;

	for (i = 0; i < len; i++) {
		crc ^= p[i];
		for (b = 0; b < 8; b++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
	}
	return ~crc;
}

#define FX_PTE_P    0x1ULL
#define FX_PTE_PS   0x80ULL
#define FX_PTE_ADDR 0x000ffffffffff000ULL

static int walk_table(struct fixture_pt_walk *w, uint64_t table_gpa, int level, uint64_t va_base)
{
	uint64_t t[512];
	unsigned int i;

	if (w->read(w->ctx, table_gpa, t, sizeof(t)))
		return -1;
	w->nr_tables++;
	for (i = 0; i < 512; i++) {
		uint64_t ent = t[i], size = 0x1000ULL << (9 * level), va = va_base + i * size;

		if (!(ent & FX_PTE_P))
			continue;
		w->nr_entries++;
		if (w->cbit && (ent & w->cbit) != w->cbit)
			w->entries_without_cbit++;
		if (level == 0 || (level < 3 && (ent & FX_PTE_PS))) {
			if (w->nr_leaves >= w->max_leaves)
				return -1;
			w->leaves[w->nr_leaves++] =
			    (struct fixture_pt_leaf){ va, ent & FX_PTE_ADDR & ~w->cbit, size, ent };
			continue;
		}
		if (level == 3 && (ent & FX_PTE_PS))
			return -1;
		w->dir_flags_and &= ent & 0xfff;
		w->dir_flags_or |= ent & 0xfff;
		if (walk_table(w, ent & FX_PTE_ADDR & ~w->cbit, level - 1, va))
			return -1;
	}
	return 0;
}

int fixture_x86_pt_walk(struct fixture_pt_walk *w, uint64_t cr3)
{
	w->nr_leaves = w->nr_entries = w->nr_tables = w->entries_without_cbit = 0;
	w->dir_flags_and = 0xfff;
	w->dir_flags_or = 0;
	return walk_table(w, cr3 & FX_PTE_ADDR, 3, 0);
}

bool fixture_x86_pt_translate(fixture_read_fn read, void *ctx, uint64_t cr3, uint64_t cbit,
                              uint64_t va, uint64_t *pa)
{
	uint64_t table = cr3 & FX_PTE_ADDR;
	int level;

	for (level = 3; level >= 0; level--) {
		uint64_t ent, size = 0x1000ULL << (9 * level);
		unsigned int idx = (unsigned int)(va >> (12 + 9 * level)) & 511;

		if (read(ctx, table + idx * 8ULL, &ent, sizeof(ent)) || !(ent & FX_PTE_P))
			return false;
		if (level == 0 || (level < 3 && (ent & FX_PTE_PS))) {
			*pa = (ent & FX_PTE_ADDR & ~cbit & ~(size - 1)) + (va & (size - 1));
			return true;
		}
		table = ent & FX_PTE_ADDR & ~cbit;
	}
	return false;
}

/* ---- a platform that records what device models ask of it ---------------- */

static void rec_set_irq(struct platform *p, unsigned int gsi, int level)
{
	struct rec_platform *r = (struct rec_platform *)p;

	r->irqs++;
	if (gsi >= REC_PLATFORM_GSIS) {
		r->bad_gsis++;
		return;
	}
	r->irq_level[gsi] = level;
	r->irq_raises[gsi] += level != 0;
}

static void rec_reset(struct platform *p, const char *source)
{
	struct rec_platform *r = (struct rec_platform *)p;

	r->resets++;
	snprintf(r->source, sizeof(r->source), "%s", source);
}

static void rec_stop(struct platform *p, int exit_code, const char *reason)
{
	struct rec_platform *r = (struct rec_platform *)p;

	r->stops++;
	r->exit_code = exit_code;
	snprintf(r->reason, sizeof(r->reason), "%s", reason);
}

static void rec_boot_complete(struct platform *p, uint32_t value)
{
	struct rec_platform *r = (struct rec_platform *)p;

	r->boots++;
	r->boot_value = value;
}

static const struct platform_ops rec_platform_ops = {
	.set_irq = rec_set_irq,
	.reset = rec_reset,
	.stop = rec_stop,
	.boot_complete = rec_boot_complete,
};

void rec_platform_init(struct rec_platform *p)
{
	memset(p, 0, sizeof(*p));
	memset(p->irq_level, 0xff, sizeof(p->irq_level));
	p->base.ops = &rec_platform_ops;
}
