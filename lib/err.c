// SPDX-License-Identifier: MIT
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int err_set(struct err *e, int errnum, const char *fmt, ...)
{
	va_list ap;

	e->errnum = errnum;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -errnum;
}

int err_prefix(struct err *e, const char *fmt, ...)
{
	char joined[2 * ERR_MSG_MAX + 2];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(joined, ERR_MSG_MAX, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if (n >= ERR_MSG_MAX)
		n = ERR_MSG_MAX - 1;
	memcpy(joined + n, ": ", 2);
	memcpy(joined + n + 2, e->msg, ERR_MSG_MAX);
	joined[sizeof(joined) - 1] = '\0';
	memcpy(e->msg, joined, ERR_MSG_MAX - 1);
	e->msg[ERR_MSG_MAX - 1] = '\0';
	return -e->errnum;
}

void err_clear(struct err *e)
{
	e->errnum = 0;
	e->msg[0] = '\0';
}
