/* SPDX-License-Identifier: MIT */
/*
 * The shim's log: every line goes to the console (COM1 in the shim) and to
 * the log buffer the loader reserved (ShimParamsRaw log_buffer_start/size),
 * each line "minivmm-shim: <text>\n".
 *
 * Log buffer format (little-endian), so a VMM or a debugger can read it back:
 *
 *   offset  0  u32 magic   SHIM_LOG_MAGIC, the bytes "MSHL"
 *   offset  4  u32 len     bytes of text after the header
 *   offset  8  u32 lost    bytes that did not fit and were dropped
 *   offset 12  u32 reserved, 0
 *   offset 16  len bytes of text, then a NUL, so the text is also a C
 *              string; when the buffer is full the rest is counted in lost
 *
 * Lines logged before the buffer's place is known (and validated) are kept
 * in a small staging area and copied in when it is attached.
 */
#ifndef MINIVMM_ARCH_X86_64_SHIM_LOG_H
#define MINIVMM_ARCH_X86_64_SHIM_LOG_H

#include <stddef.h>
#include <stdint.h>

#define SHIM_LOG_PREFIX      "minivmm-shim: "
#define SHIM_LOG_MAGIC       0x4c48534dU /* "MSHL" */
#define SHIM_LOG_HEADER_SIZE 16U
#define SHIM_LOG_MIN_SIZE    64U /* header, a short line and the NUL */
#define SHIM_LOG_STAGING     2048U

struct shim_log_header {
	uint32_t magic;
	uint32_t len;
	uint32_t lost;
	uint32_t reserved;
};

struct shim_log {
	void (*console)(void *ctx, char c); /* NULL: no console */
	void *console_ctx;
	/* the log buffer once attached; the staging area before */
	struct shim_log_header *hdr;
	char *text;
	uint32_t cap; /* text bytes, the NUL excluded */
	struct shim_log_header staging_hdr;
	char staging[SHIM_LOG_STAGING];
};

void shim_log_init(struct shim_log *l, void (*console)(void *ctx, char c), void *console_ctx);

/* Logs one line: the prefix, the formatted text, a newline. */
void shim_log(struct shim_log *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Moves the log into buf (size >= SHIM_LOG_MIN_SIZE bytes, 4-byte aligned):
 * writes the header and copies the lines staged so far.
 */
void shim_log_attach(struct shim_log *l, void *buf, uint64_t size);

#endif
