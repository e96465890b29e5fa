// SPDX-License-Identifier: MIT
/*
 * bench-disk: the disk row's guest side, a static Linux program in the guest
 * initrd. It reads a block device with O_DIRECT (the guest's page cache stays
 * out of the numbers): SEQ_MIB MiB sequentially in 1 MiB requests, then
 * RAND_READS 4 KiB reads at random 4 KiB-aligned offsets, one at a time
 * (queue depth 1: every read is a full guest -> VMM -> host -> guest trip).
 *
 * Usage: bench-disk DEVICE SEQ_MIB RAND_READS
 * Prints: @@BENCH-DISK seq_mb_s=X rand_iops=Y bytes=Z@@
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/fs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define SEQ_BLOCK  (1u << 20)
#define RAND_BLOCK 4096u

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int read_at(int fd, void *buf, size_t len, uint64_t off)
{
	ssize_t n = pread(fd, buf, len, (off_t)off);

	if (n != (ssize_t)len) {
		perror("bench-disk: pread");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t size, seq_bytes, blocks, x = 0x9e3779b97f4a7c15ULL;
	unsigned long reads;
	double t0, seq_s, rand_s;
	void *buf;
	int fd;

	if (argc != 4) {
		fprintf(stderr, "usage: bench-disk DEVICE SEQ_MIB RAND_READS\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY | O_DIRECT);
	if (fd < 0 || ioctl(fd, BLKGETSIZE64, &size) < 0) {
		perror(argv[1]);
		return 1;
	}
	if (posix_memalign(&buf, 4096, SEQ_BLOCK))
		return 1;
	seq_bytes = strtoull(argv[2], NULL, 0) << 20;
	if (seq_bytes > size)
		seq_bytes = size - size % SEQ_BLOCK;
	reads = strtoul(argv[3], NULL, 0);
	blocks = size / RAND_BLOCK;
	if (!seq_bytes || !blocks || !reads) {
		fprintf(stderr, "bench-disk: %s is too small (%llu bytes)\n", argv[1],
		        (unsigned long long)size);
		return 1;
	}

	t0 = now_s();
	for (uint64_t off = 0; off < seq_bytes; off += SEQ_BLOCK)
		if (read_at(fd, buf, SEQ_BLOCK, off))
			return 1;
	seq_s = now_s() - t0;

	t0 = now_s();
	for (unsigned long i = 0; i < reads; i++) {
		x ^= x << 13; /* xorshift64: a fixed sequence, the same for every VMM */
		x ^= x >> 7;
		x ^= x << 17;
		if (read_at(fd, buf, RAND_BLOCK, (x % blocks) * RAND_BLOCK))
			return 1;
	}
	rand_s = now_s() - t0;

	printf("@@BENCH-DISK seq_mb_s=%.1f rand_iops=%.0f bytes=%llu@@\n",
	       (double)seq_bytes / 1e6 / seq_s, (double)reads / rand_s,
	       (unsigned long long)seq_bytes);
	fflush(stdout);
	return 0;
}
