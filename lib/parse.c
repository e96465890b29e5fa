// SPDX-License-Identifier: MIT
#include "parse.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <strings.h>

/* Decimal, or hex after 0x: a leading zero does not mean octal here. */
static int base_of(const char *s)
{
	return s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ? 16 : 10;
}

int parse_u64(const char *s, uint64_t *out, struct err *e)
{
	char *end;
	unsigned long long v;

	if (!*s || !isdigit((unsigned char)*s))
		return err_set(e, EINVAL, "'%s' is not a number", s);
	errno = 0;
	v = strtoull(s, &end, base_of(s));
	if (errno == ERANGE)
		return err_set(e, ERANGE, "'%s' is too large", s);
	if (errno || *end)
		return err_set(e, EINVAL, "'%s' is not a number", s);
	*out = v;
	return 0;
}

int parse_size(const char *s, uint64_t *out, struct err *e)
{
	unsigned int shift = 0;
	unsigned long long v;
	char *end;

	if (!*s || !isdigit((unsigned char)*s))
		return err_set(e, EINVAL, "'%s' is not a size (examples: 512M, 2G)", s);
	errno = 0;
	v = strtoull(s, &end, base_of(s));
	if (errno == ERANGE)
		return err_set(e, ERANGE, "'%s' is too large", s);
	if (errno)
		return err_set(e, EINVAL, "'%s' is not a size (examples: 512M, 2G)", s);
	switch (toupper((unsigned char)*end)) {
	case '\0':
		break;
	case 'K':
		shift = 10;
		break;
	case 'M':
		shift = 20;
		break;
	case 'G':
		shift = 30;
		break;
	case 'T':
		shift = 40;
		break;
	default:
		return err_set(e, EINVAL, "'%s': unknown size suffix '%c' (use K, M, G or T)", s,
		               *end);
	}
	/* "512M", "512MiB" and "512MB" all mean 512 MiB. */
	if (*end && end[1] && strcasecmp(end + 1, "iB") != 0 && strcasecmp(end + 1, "B") != 0)
		return err_set(e, EINVAL, "'%s': trailing characters after the size", s);
	if (shift && v > (UINT64_MAX >> shift))
		return err_set(e, ERANGE, "'%s' is too large", s);
	*out = (uint64_t)v << shift;
	return 0;
}
