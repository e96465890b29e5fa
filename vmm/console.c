// SPDX-License-Identifier: MIT
#include "console.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The one terminal to restore from a fatal-signal handler. */
static struct console *active;

static void restore_and_reraise(int sig)
{
	if (active && active->raw)
		tcsetattr(active->in_fd, TCSANOW, &active->saved);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void restore_at_exit(void)
{
	if (active)
		console_restore(active);
}

void console_open(struct console *c, int in_fd)
{
	static const int fatal[] = { SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL };
	static bool atexit_done;
	struct termios raw;
	unsigned int i;

	memset(c, 0, sizeof(*c));
	c->in_fd = in_fd;
	c->is_tty = isatty(in_fd);
	if (!c->is_tty || tcgetattr(in_fd, &c->saved) < 0)
		return;
	raw = c->saved;
	cfmakeraw(&raw);
	raw.c_oflag |= OPOST | ONLCR; /* minivmm's own messages still start lines */
	if (tcsetattr(in_fd, TCSANOW, &raw) < 0)
		return;
	c->raw = true;
	active = c;
	if (!atexit_done) {
		atexit(restore_at_exit);
		atexit_done = true;
	}
	for (i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
		signal(fatal[i], restore_and_reraise);
}

void console_restore(struct console *c)
{
	if (c->raw)
		tcsetattr(c->in_fd, TCSANOW, &c->saved);
	c->raw = false;
	if (active == c)
		active = NULL;
}

enum console_action console_filter(struct console *c, const uint8_t *in, size_t len, uint8_t *out,
                                   size_t *out_len)
{
	size_t i;

	*out_len = 0;
	for (i = 0; i < len; i++) {
		if (c->escape_pending) {
			c->escape_pending = false;
			if (in[i] == 'x' || in[i] == 'X')
				return CONSOLE_QUIT;
			if (in[i] == CONSOLE_ESCAPE)
				out[(*out_len)++] = CONSOLE_ESCAPE;
			continue; /* unknown escapes are swallowed, as in QEMU */
		}
		if (in[i] == CONSOLE_ESCAPE && c->is_tty) {
			c->escape_pending = true;
			continue;
		}
		out[(*out_len)++] = in[i];
	}
	return CONSOLE_FORWARD;
}
