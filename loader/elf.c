// SPDX-License-Identifier: MIT
#include "elf.h"

#include <elf.h>
#include <errno.h>
#include <string.h>

#define U(x) ((unsigned long long)(x))

/* ELF structures may sit at any offset of a mapped file: copy them out. */
static void read_ehdr(const struct image_file *f, Elf64_Ehdr *eh)
{
	memcpy(eh, f->data, sizeof(*eh));
}

static void read_phdr(const struct image_file *f, const Elf64_Ehdr *eh, unsigned int i,
                      Elf64_Phdr *ph)
{
	memcpy(ph, f->data + eh->e_phoff + (uint64_t)i * sizeof(*ph), sizeof(*ph));
}

int elf_check_header(const struct image_file *f, enum guest_arch arch, struct err *e)
{
	uint16_t want = arch == GUEST_ARCH_X86_64 ? EM_X86_64 : EM_AARCH64;
	const char *want_name = arch == GUEST_ARCH_X86_64 ? "x86-64" : "AArch64";
	Elf64_Ehdr eh;
	uint64_t table_len;

	if (f->size < sizeof(eh))
		return err_set(e, EINVAL, "%s: truncated ELF header: file is %llu bytes, need %zu",
		               f->name, U(f->size), sizeof(eh));
	read_ehdr(f, &eh);
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0)
		return err_set(e, EINVAL,
		               "%s: not an ELF file (e_ident does not start with 7f 45 4c 46)",
		               f->name);
	if (eh.e_ident[EI_CLASS] != ELFCLASS64)
		return err_set(e, EINVAL,
		               "%s: e_ident[EI_CLASS] = %u, only ELFCLASS64 (2) is supported",
		               f->name, eh.e_ident[EI_CLASS]);
	if (eh.e_ident[EI_DATA] != ELFDATA2LSB)
		return err_set(e, EINVAL,
		               "%s: e_ident[EI_DATA] = %u, only little-endian (1) is supported",
		               f->name, eh.e_ident[EI_DATA]);
	if (eh.e_machine != want)
		return err_set(e, EINVAL, "%s: e_machine = %u, expected %u (%s)", f->name,
		               eh.e_machine, want, want_name);
	if (eh.e_phentsize != sizeof(Elf64_Phdr))
		return err_set(e, EINVAL, "%s: e_phentsize = %u, expected %zu", f->name,
		               eh.e_phentsize, sizeof(Elf64_Phdr));
	if (eh.e_phnum == 0)
		return err_set(e, EINVAL, "%s: e_phnum = 0: no program headers", f->name);
	table_len = (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr);
	if (eh.e_phoff > f->size || table_len > f->size - eh.e_phoff)
		return err_set(
		    e, EINVAL,
		    "%s: program header table at e_phoff 0x%llx (%u entries, %llu bytes) "
		    "runs past the end of the file (%llu bytes)",
		    f->name, U(eh.e_phoff), eh.e_phnum, U(table_len), U(f->size));
	return 0;
}

/* Checks one PT_LOAD against the file and computes its guest range. */
static int check_segment(const struct image_file *f, unsigned int i, const Elf64_Phdr *ph,
                         uint64_t lo, gpa_t start_address, gpa_t *mem, gpa_t *mem_end,
                         struct err *e)
{
	if (ph->p_offset > f->size || ph->p_filesz > f->size - ph->p_offset)
		return err_set(
		    e, EINVAL,
		    "%s: segment %u: p_offset 0x%llx + p_filesz 0x%llx runs past the end "
		    "of the file (%llu bytes)",
		    f->name, i, U(ph->p_offset), U(ph->p_filesz), U(f->size));
	if (ph->p_filesz > ph->p_memsz)
		return err_set(e, EINVAL, "%s: segment %u: p_filesz 0x%llx > p_memsz 0x%llx",
		               f->name, i, U(ph->p_filesz), U(ph->p_memsz));
	if (!add_checked(ph->p_paddr, lo, mem) || !add_checked(*mem, ph->p_memsz, mem_end) ||
	    *mem_end > (UINT64_MAX & ~(PAGE_SIZE - 1)))
		return err_set(e, EOVERFLOW,
		               "%s: segment %u: p_paddr 0x%llx + offset 0x%llx + p_memsz 0x%llx "
		               "overflows the address space",
		               f->name, i, U(ph->p_paddr), U(lo), U(ph->p_memsz));
	if (*mem < start_address)
		return err_set(e, EINVAL,
		               "%s: segment %u: load address 0x%llx is below the minimum 0x%llx",
		               f->name, i, U(*mem), U(start_address));
	return 0;
}

/* Refuses PT_LOAD segments whose guest ranges overlap. */
static int check_overlaps(const struct image_file *f, const Elf64_Ehdr *eh, uint64_t lo,
                          struct err *e)
{
	unsigned int i, j;
	Elf64_Phdr a, b;

	for (i = 0; i < eh->e_phnum; i++) {
		read_phdr(f, eh, i, &a);
		if (a.p_type != PT_LOAD || !a.p_memsz)
			continue;
		for (j = i + 1; j < eh->e_phnum; j++) {
			read_phdr(f, eh, j, &b);
			if (b.p_type != PT_LOAD || !b.p_memsz)
				continue;
			if (a.p_paddr < b.p_paddr + b.p_memsz && b.p_paddr < a.p_paddr + a.p_memsz)
				return err_set(e, EINVAL,
				               "%s: segments %u [0x%llx, 0x%llx) and %u [0x%llx, "
				               "0x%llx) overlap",
				               f->name, i, U(a.p_paddr + lo),
				               U(a.p_paddr + lo + a.p_memsz), j, U(b.p_paddr + lo),
				               U(b.p_paddr + lo + b.p_memsz));
		}
	}
	return 0;
}

/* Pass 1: validate every PT_LOAD and find the page-aligned span they cover. */
static int scan_segments(const struct image_file *f, const Elf64_Ehdr *eh, uint64_t lo,
                         gpa_t start_address, gpa_t *lowest, gpa_t *last, struct err *e)
{
	unsigned int i, loads = 0;
	gpa_t mem = 0, mem_end = 0;
	Elf64_Phdr ph;
	int ret;

	*lowest = UINT64_MAX;
	*last = lo;
	for (i = 0; i < eh->e_phnum; i++) {
		read_phdr(f, eh, i, &ph);
		if (ph.p_type != PT_LOAD)
			continue;
		loads++;
		ret = check_segment(f, i, &ph, lo, start_address, &mem, &mem_end, e);
		if (ret)
			return ret;
		if (align_down(mem, PAGE_SIZE) < *lowest)
			*lowest = align_down(mem, PAGE_SIZE);
		if (align_up(mem_end, PAGE_SIZE) > *last)
			*last = align_up(mem_end, PAGE_SIZE);
	}
	if (!loads)
		return err_set(e, EINVAL, "%s: no PT_LOAD segments", f->name);
	return check_overlaps(f, eh, lo, e);
}

/* The effective load offset (LOADER-SPEC §4.1 step 2, HEAD semantics). */
static uint64_t effective_offset(const struct image_file *f, const Elf64_Ehdr *eh,
                                 gpa_t start_address, uint64_t load_offset, bool assume_pic)
{
	uint64_t pmin = UINT64_MAX;
	unsigned int i;
	Elf64_Phdr ph;

	if (!assume_pic)
		return load_offset;
	for (i = 0; i < eh->e_phnum; i++) {
		read_phdr(f, eh, i, &ph);
		if (ph.p_type == PT_LOAD && ph.p_paddr < pmin)
			pmin = ph.p_paddr;
	}
	return pmin < start_address ? start_address - pmin + load_offset : load_offset;
}

int elf_load_static(struct importer *imp, const struct image_file *f, gpa_t start_address,
                    uint64_t load_offset, bool assume_pic, enum boot_page_acceptance acceptance,
                    const char *tag, struct elf_load_info *out, struct err *e)
{
	uint64_t lo, bias, entry;
	gpa_t lowest, last;
	unsigned int i;
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	int ret;

	ret = elf_check_header(f, imp->arch, e);
	if (ret)
		return ret;
	read_ehdr(f, &eh);
	lo = effective_offset(f, &eh, start_address, load_offset, assume_pic);
	if (!add_checked(eh.e_entry, lo, &entry))
		return err_set(e, EOVERFLOW, "%s: e_entry 0x%llx + load offset 0x%llx overflows",
		               f->name, U(eh.e_entry), U(lo));
	if (entry < start_address)
		return err_set(e, EINVAL, "%s: entry point 0x%llx is below the minimum 0x%llx",
		               f->name, U(entry), U(start_address));
	ret = scan_segments(f, &eh, lo, start_address, &lowest, &last, e);
	if (ret)
		return ret;
	bias = assume_pic ? lowest - start_address : 0;
	for (i = 0; i < eh.e_phnum; i++) {
		read_phdr(f, &eh, i, &ph);
		if (ph.p_type != PT_LOAD || !ph.p_memsz)
			continue;
		ret = importer_import_file(imp, ph.p_paddr + lo - bias, ph.p_memsz, tag, acceptance,
		                           f, ph.p_offset, ph.p_filesz, "PT_LOAD segment", e);
		if (ret)
			return err_prefix(e, "%s: segment %u", f->name, i);
	}
	out->minimum_address_used = lowest - bias;
	out->next_available_address = last - bias;
	out->entrypoint = entry - bias;
	return 0;
}

/* Walks the notes of one PT_NOTE segment. */
static int scan_notes(const struct image_file *f, unsigned int seg, const Elf64_Phdr *ph,
                      bool *found, uint32_t *entry, struct err *e)
{
	uint64_t off = ph->p_offset, end;
	Elf64_Nhdr nh;

	if (ph->p_offset > f->size || ph->p_filesz > f->size - ph->p_offset)
		return err_set(e, EINVAL,
		               "%s: note segment %u: p_offset 0x%llx + p_filesz 0x%llx runs past "
		               "the end of the file (%llu bytes)",
		               f->name, seg, U(ph->p_offset), U(ph->p_filesz), U(f->size));
	end = ph->p_offset + ph->p_filesz;
	while (end - off >= sizeof(nh)) {
		uint64_t name_off = off + sizeof(nh), desc_off, next;

		memcpy(&nh, f->data + off, sizeof(nh));
		desc_off = name_off + align_up(nh.n_namesz, 4);
		next = desc_off + align_up(nh.n_descsz, 4);
		if (desc_off > end || next > end || nh.n_descsz > end - desc_off)
			return err_set(e, EINVAL,
			               "%s: note segment %u: note at 0x%llx (namesz %u, descsz %u) "
			               "runs past the segment end 0x%llx",
			               f->name, seg, U(off), nh.n_namesz, nh.n_descsz, U(end));
		if (nh.n_type == XEN_ELFNOTE_PHYS32_ENTRY && nh.n_namesz == 4 &&
		    memcmp(f->data + name_off, "Xen", 4) == 0) {
			if (nh.n_descsz < 4)
				return err_set(e, EINVAL,
				               "%s: PVH entry note has descsz %u, need at least 4",
				               f->name, nh.n_descsz);
			memcpy(entry, f->data + desc_off, 4);
			*found = true;
			return 0;
		}
		off = next;
	}
	return 0;
}

int elf_find_pvh_entry(const struct image_file *f, bool *found, uint32_t *entry, struct err *e)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	unsigned int i;
	int ret;

	*found = false;
	ret = elf_check_header(f, GUEST_ARCH_X86_64, e);
	if (ret)
		return ret;
	read_ehdr(f, &eh);
	for (i = 0; i < eh.e_phnum && !*found; i++) {
		read_phdr(f, &eh, i, &ph);
		if (ph.p_type != PT_NOTE)
			continue;
		ret = scan_notes(f, i, &ph, found, entry, e);
		if (ret)
			return ret;
	}
	return 0;
}
