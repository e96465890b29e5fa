// SPDX-License-Identifier: MIT
/*
 * The shim's C entry, the only part that touches hardware: COM1, the debug
 * exit port, and the jump to the kernel. Everything it decides comes from
 * shim_boot_prepare (boot.c), which the host tests run too.
 */
#include <stdint.h>

#include "arch/x86_64/shim/boot.h"

#define COM1_PORT       0x3f8
#define COM1_LSR        (COM1_PORT + 5)
#define COM1_LSR_THRE   0x20   /* transmit holding register empty */
#define COM1_POLL_LIMIT 100000 /* give up on a UART that never drains */
#define DEBUG_EXIT_PORT 0x501  /* minivmm exits with the byte written here */
#define SHIM_FATAL_EXIT 8

/* Linker-script symbols: the image's extent, wherever it was loaded. */
extern char __shim_start[] __attribute__((visibility("hidden")));
extern char __shim_end[] __attribute__((visibility("hidden")));

/* entry.S */
__attribute__((noreturn, visibility("hidden"))) void shim_enter_kernel(uint64_t entry,
                                                                       uint64_t boot_params);
__attribute__((noreturn, visibility("hidden"))) void shim_main(uint64_t params_offset);

static struct shim_log shim_log_state;
static struct shim_boot shim_boot_state;

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static void com1_putc(void *ctx, char c)
{
	unsigned int i;

	(void)ctx;
	for (i = 0; i < COM1_POLL_LIMIT && !(inb(COM1_LSR) & COM1_LSR_THRE); i++)
		__asm__ volatile("pause");
	outb(COM1_PORT, (uint8_t)c);
}

static __attribute__((noreturn)) void shim_fatal(struct shim_log *log, const struct shim_err *e)
{
	shim_log(log, "FATAL: %s", e->msg);
	outb(DEBUG_EXIT_PORT, SHIM_FATAL_EXIT);
	for (;;)
		__asm__ volatile("cli; hlt");
}

void shim_main(uint64_t params_offset)
{
	const struct shim_self self = {
		.base = (uintptr_t)__shim_start,
		.start = (uintptr_t)__shim_start,
		.end = (uintptr_t)__shim_end,
		.params = (uintptr_t)__shim_start + params_offset,
	};
	/* identity mapped; narrowed to the VTL2 range once ShimParamsRaw says where it is */
	struct shim_mem mem = { .gpa_start = 0, .gpa_end = UINT64_MAX, .host = 0 };
	struct shim_err e = { 0 };

	shim_log_init(&shim_log_state, com1_putc, NULL);
	shim_log(&shim_log_state, "minivmm boot shim, loaded at 0x%llx",
	         (unsigned long long)self.base);
	if (shim_boot_prepare(&mem, &self, &shim_log_state, &shim_boot_state, &e))
		shim_fatal(&shim_log_state, &e);
	shim_enter_kernel(shim_boot_state.kernel_entry, shim_boot_state.boot_params_gpa);
}
