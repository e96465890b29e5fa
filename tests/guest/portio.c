// SPDX-License-Identifier: MIT
/*
 * portio: a freestanding x86_64 tool for the guest test initrd, because
 * Debian's kernel has no /dev/port (CONFIG_DEVPORT is off).
 *   portio outb PORT VALUE    write one byte to an I/O port
 * Numbers are decimal or 0x-hex. No libc: raw syscalls, so it is a few KiB
 * and builds with any gcc (`gcc -static -nostdlib -ffreestanding`).
 */
#include <stdint.h>

#define SYS_write  1
#define SYS_exit   60
#define SYS_ioperm 173

static long syscall3(long n, long a, long b, long c)
{
	long ret;

	__asm__ volatile("syscall"
	                 : "=a"(ret)
	                 : "a"(n), "D"(a), "S"(b), "d"(c)
	                 : "rcx", "r11", "memory");
	return ret;
}

__attribute__((noreturn)) static void die(const char *msg, unsigned long len)
{
	syscall3(SYS_write, 2, (long)msg, (long)len);
	syscall3(SYS_exit, 2, 0, 0);
	__builtin_unreachable();
}

static int streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static unsigned long parse(const char *s)
{
	unsigned long v = 0, base = 10;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (; *s; s++) {
		unsigned long d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned long)(*s - '0');
		else if (base == 16 && (*s | 0x20) >= 'a' && (*s | 0x20) <= 'f')
			d = (unsigned long)((*s | 0x20) - 'a' + 10);
		else
			die("portio: bad number\n", 19);
		v = v * base + d;
	}
	return v;
}

__attribute__((used, noreturn)) void portio_main(long argc, char **argv);

void portio_main(long argc, char **argv)
{
	unsigned long port, value;

	if (argc != 4 || !streq(argv[1], "outb"))
		die("usage: portio outb PORT VALUE\n", 30);
	port = parse(argv[2]);
	value = parse(argv[3]);
	if (port > 0xffff || value > 0xff)
		die("portio: port or value out of range\n", 35);
	if (syscall3(SYS_ioperm, (long)port, 1, 1) < 0)
		die("portio: ioperm failed\n", 22);
	__asm__ volatile("outb %b0, %w1" : : "a"((uint8_t)value), "Nd"((uint16_t)port));
	syscall3(SYS_exit, 0, 0, 0);
	__builtin_unreachable();
}

/* The kernel starts us with argc at (%rsp), then argv. */
__asm__(".global _start\n"
        "_start:\n"
        "	mov (%rsp), %rdi\n"
        "	lea 8(%rsp), %rsi\n"
        "	and $-16, %rsp\n"
        "	call portio_main\n"
        "	hlt\n");
