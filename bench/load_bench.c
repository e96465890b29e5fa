// SPDX-License-Identifier: MIT
/*
 * bench-load: how long minivmm takes to put a kernel and an initrd into guest
 * RAM, against the physical limit, a plain memcpy of the same bytes. Each run
 * starts from fresh guest RAM (anonymous, 2 MiB aligned, huge-page advised:
 * exactly what minivmm maps) and freshly mapped files, as a minivmm start does;
 * the files stay in the page cache (every run after the first is warm).
 *
 * Methods, interleaved run by run:
 *   import   the real loader (x86 platform, 64-bit boot) through the
 *            guest-memory importer: what minivmm does
 *   memcpy   each PT_LOAD segment's file bytes and the initrd memcpy'd to the
 *            same guest addresses: the copy the loader cannot avoid
 *   pread    the same bytes read(2) from the file into guest RAM
 *   mmap     the same bytes mapped MAP_PRIVATE|MAP_FIXED over guest RAM
 *   mmap+touch  mmap, then one read per 4 KiB page: the minor faults the guest
 *            would take reading them once (it does read all of them: it
 *            decompresses nothing, but runs the kernel and unpacks the initrd)
 *
 * Usage: bench-load KERNEL_ELF INITRD RUNS [MEM_MIB]
 * Prints one line per run and method: "<method> <ns>", and the byte count.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "vmm/boot.h"
#include "vmm/config.h"
#include "vmm/guest.h"
#include "vmm/guest_mem.h"
#include "vmm/mem_importer.h"

struct bench {
	const char *kernel, *initrd;
	uint64_t mem_size;
	gpa_t initrd_gpa; /* where the loader put the initrd (found by the import run) */
	uint64_t bytes;   /* file bytes loaded */
};

typedef int (*method_fn)(struct bench *b, struct guest_mem *gm, struct err *e);

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int ram_create(const struct bench *b, struct guest_mem *gm, struct err *e)
{
	struct mem_range ram[IMPORTER_MAX_RAM_RANGES];
	unsigned int i, n;
	int ret;

	guest_mem_init(gm);
	ret = guest_x86_64.mem_ranges(b->mem_size, ram, &n, e);
	for (i = 0; !ret && i < n; i++)
		ret = guest_mem_add_region(gm, ram[i].start, ram[i].end - ram[i].start, NULL, e);
	return ret;
}

static int method_import(struct bench *b, struct guest_mem *gm, struct err *e)
{
	struct vmm_config c = {
		.kernel = b->kernel,
		.initrd = b->initrd,
		.cmdline = CONFIG_DEFAULT_CMDLINE,
		.mem_size = b->mem_size,
		.cpus = 1,
		.boot = X86_BOOT_64BIT,
	};
	struct boot_images bi;
	struct mem_importer mi;
	int ret;

	ret = boot_images_open(&bi, &c, e);
	if (ret)
		return ret;
	mem_importer_init(&mi, gm, GUEST_ARCH_X86_64);
	ret = guest_x86_64.load_linux(&mi.base, &c, &bi, GUEST_DESCRIBE_NONE, stderr, e);
	boot_images_close(&bi);
	return ret;
}

/* Calls fn for every PT_LOAD segment of the kernel and for the initrd. */
static int for_each_piece(struct bench *b, struct guest_mem *gm,
                          int (*fn)(struct guest_mem *gm, const struct image_file *f, uint64_t off,
                                    uint64_t len, gpa_t gpa, struct err *e),
                          struct err *e)
{
	struct image_file k, rd;
	const Elf64_Ehdr *eh;
	int ret;

	ret = image_file_open(&k, b->kernel, e);
	if (ret)
		return ret;
	ret = image_file_open(&rd, b->initrd, e);
	if (ret) {
		image_file_close(&k);
		return ret;
	}
	eh = (const Elf64_Ehdr *)k.data;
	b->bytes = 0;
	for (unsigned int i = 0; !ret && i < eh->e_phnum; i++) {
		const Elf64_Phdr *ph = (const Elf64_Phdr *)(k.data + eh->e_phoff) + i;

		if (ph->p_type != PT_LOAD)
			continue;
		ret = fn(gm, &k, ph->p_offset, ph->p_filesz, ph->p_paddr, e);
		b->bytes += ph->p_filesz;
	}
	if (!ret)
		ret = fn(gm, &rd, 0, rd.size, b->initrd_gpa, e);
	b->bytes += rd.size;
	image_file_close(&rd);
	image_file_close(&k);
	return ret;
}

static int piece_copy(struct guest_mem *gm, const struct image_file *f, uint64_t off, uint64_t len,
                      gpa_t gpa, struct err *e)
{
	void *dst;
	int ret = guest_mem_translate(gm, gpa, len, &dst, e);

	if (!ret)
		memcpy(dst, f->data + off, len);
	return ret;
}

static int piece_map(struct guest_mem *gm, const struct image_file *f, uint64_t off, uint64_t len,
                     gpa_t gpa, struct err *e)
{
	void *dst, *p;
	int fd, ret = guest_mem_translate(gm, gpa, len, &dst, e);

	if (ret)
		return ret;
	fd = open(f->name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(e, errno, "%s: %s", f->name, strerror(errno));
	/* Whole pages only; the partial last page is copied (as an importer would). */
	p = mmap(dst, len & ~(PAGE_SIZE - 1), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd,
	         (off_t)off);
	close(fd);
	if (p == MAP_FAILED)
		return err_set(e, errno, "mmap: %s", strerror(errno));
	memcpy((uint8_t *)dst + (len & ~(PAGE_SIZE - 1)), f->data + off + (len & ~(PAGE_SIZE - 1)),
	       len & (PAGE_SIZE - 1));
	return 0;
}

/* read(2) straight from the page cache into guest RAM: no source mapping to fault in. */
static int piece_pread(struct guest_mem *gm, const struct image_file *f, uint64_t off, uint64_t len,
                       gpa_t gpa, struct err *e)
{
	uint8_t *dst;
	int fd, ret = guest_mem_translate(gm, gpa, len, (void **)&dst, e);

	if (ret)
		return ret;
	fd = open(f->name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(e, errno, "%s: %s", f->name, strerror(errno));
	while (len) {
		ssize_t n = pread(fd, dst, len, (off_t)off);

		if (n <= 0) {
			ret = err_set(e, n < 0 ? errno : EIO, "%s: short read", f->name);
			break;
		}
		dst += n;
		off += (uint64_t)n;
		len -= (uint64_t)n;
	}
	close(fd);
	return ret;
}

static volatile uint8_t sink;

static int piece_map_touch(struct guest_mem *gm, const struct image_file *f, uint64_t off,
                           uint64_t len, gpa_t gpa, struct err *e)
{
	int ret = piece_map(gm, f, off, len, gpa, e);
	const uint8_t *p;

	if (ret)
		return ret;
	p = guest_mem_ptr(gm, gpa, len);
	for (uint64_t i = 0; i < len; i += PAGE_SIZE)
		sink = p[i];
	return 0;
}

static int method_memcpy(struct bench *b, struct guest_mem *gm, struct err *e)
{
	return for_each_piece(b, gm, piece_copy, e);
}

static int method_pread(struct bench *b, struct guest_mem *gm, struct err *e)
{
	return for_each_piece(b, gm, piece_pread, e);
}

static int method_mmap(struct bench *b, struct guest_mem *gm, struct err *e)
{
	return for_each_piece(b, gm, piece_map, e);
}

static int method_mmap_touch(struct bench *b, struct guest_mem *gm, struct err *e)
{
	return for_each_piece(b, gm, piece_map_touch, e);
}

/* The initrd's address, as the loader chose it: the first page of it found in RAM. */
static int find_initrd(struct bench *b, struct err *e)
{
	struct guest_mem gm;
	struct image_file rd;
	gpa_t gpa;
	int ret = ram_create(b, &gm, e);

	if (!ret)
		ret = method_import(b, &gm, e);
	if (!ret)
		ret = image_file_open(&rd, b->initrd, e);
	if (ret)
		return ret;
	ret = err_set(e, ENOENT, "initrd not found in guest RAM");
	for (gpa = align_down(b->mem_size - rd.size, PAGE_SIZE); gpa >= PAGE_SIZE;
	     gpa -= PAGE_SIZE) {
		const void *p = guest_mem_ptr(&gm, gpa, rd.size);

		if (p && !memcmp(p, rd.data, rd.size < 4096 ? rd.size : 4096) &&
		    !memcmp(p, rd.data, rd.size)) {
			b->initrd_gpa = gpa;
			ret = 0;
			break;
		}
	}
	image_file_close(&rd);
	guest_mem_destroy(&gm);
	return ret;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		method_fn fn;
	} methods[] = {
		{ "import", method_import },         { "memcpy", method_memcpy },
		{ "pread", method_pread },           { "mmap", method_mmap },
		{ "mmap+touch", method_mmap_touch },
	};
	struct bench b = { 0 };
	struct err e = { 0 };
	unsigned int runs;

	if (argc < 4) {
		fprintf(stderr, "usage: bench-load KERNEL_ELF INITRD RUNS [MEM_MIB]\n");
		return 2;
	}
	b.kernel = argv[1];
	b.initrd = argv[2];
	runs = (unsigned int)strtoul(argv[3], NULL, 0);
	b.mem_size = (argc > 4 ? strtoull(argv[4], NULL, 0) : 512) << 20;
	if (find_initrd(&b, &e))
		goto fail;
	for (unsigned int r = 0; r < runs; r++) {
		for (unsigned int m = 0; m < ARRAY_SIZE(methods); m++) {
			struct guest_mem gm;
			uint64_t t0, t1;

			if (ram_create(&b, &gm, &e))
				goto fail;
			t0 = now_ns();
			if (methods[m].fn(&b, &gm, &e))
				goto fail;
			t1 = now_ns();
			guest_mem_destroy(&gm);
			printf("%s %llu\n", methods[m].name, (unsigned long long)(t1 - t0));
		}
	}
	printf("bytes %llu\n", (unsigned long long)b.bytes);
	return 0;
fail:
	fprintf(stderr, "bench-load: %s\n", e.msg);
	return 1;
}
