/* SPDX-License-Identifier: MIT */
/*
 * The user's terminal as the guest console: raw mode while the guest runs
 * (restored on every exit path, fatal signals included), and QEMU's escape
 * keys: Ctrl-A x quits, Ctrl-A Ctrl-A sends a literal Ctrl-A.
 */
#ifndef MINIVMM_VMM_CONSOLE_H
#define MINIVMM_VMM_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <termios.h>

#define CONSOLE_ESCAPE 0x01 /* Ctrl-A */

struct console {
	int in_fd;
	bool is_tty;
	bool raw;
	bool escape_pending;
	struct termios saved;
};

/* Puts in_fd in raw mode when it is a terminal. */
void console_open(struct console *c, int in_fd);
void console_restore(struct console *c);

enum console_action {
	CONSOLE_FORWARD, /* bytes in out[] go to the guest */
	CONSOLE_QUIT,    /* the user typed Ctrl-A x */
};

/*
 * Filters bytes the user typed through the escape handling: out receives the
 * bytes for the guest (*out_len of them). Returns CONSOLE_QUIT on Ctrl-A x.
 */
enum console_action console_filter(struct console *c, const uint8_t *in, size_t len, uint8_t *out,
                                   size_t *out_len);

#endif
