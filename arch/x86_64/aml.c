// SPDX-License-Identifier: MIT
/* AML encodings from the ACPI specification, chapter 20 ("ACPI Machine Language"). */
#include "aml.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AML_ZERO_OP       0x00
#define AML_ONE_OP        0x01
#define AML_NAME_OP       0x08
#define AML_BYTE_PREFIX   0x0a
#define AML_WORD_PREFIX   0x0b
#define AML_DWORD_PREFIX  0x0c
#define AML_STRING_PREFIX 0x0d
#define AML_QWORD_PREFIX  0x0e
#define AML_SCOPE_OP      0x10
#define AML_BUFFER_OP     0x11
#define AML_PACKAGE_OP    0x12
#define AML_DUAL_NAME     0x2e
#define AML_EXT_PREFIX    0x5b
#define AML_DEVICE_OP     0x82
#define AML_ROOT_CHAR     '\\'
#define AML_END_TAG       0x79

static void fail(struct aml *a, const char *why)
{
	if (!a->failed)
		snprintf(a->why, sizeof(a->why), "%s", why);
	a->failed = true;
}

static bool reserve(struct aml *a, size_t n)
{
	if (a->failed)
		return false;
	if (a->len + n > a->cap) {
		size_t ncap = a->cap ? a->cap * 2 : 256;
		uint8_t *nb;

		while (ncap < a->len + n)
			ncap *= 2;
		nb = realloc(a->buf, ncap);
		if (!nb) {
			fail(a, "out of memory");
			return false;
		}
		a->buf = nb;
		a->cap = ncap;
	}
	return true;
}

static void put(struct aml *a, const void *p, size_t n)
{
	if (reserve(a, n)) {
		memcpy(a->buf + a->len, p, n);
		a->len += n;
	}
}

static void put8(struct aml *a, uint8_t v)
{
	put(a, &v, 1);
}

void aml_init(struct aml *a)
{
	memset(a, 0, sizeof(*a));
}

void aml_free(struct aml *a)
{
	free(a->buf);
	memset(a, 0, sizeof(*a));
}

/* A NameSeg: up to four of A-Z, 0-9, _ (first not a digit), padded with '_'. */
static void put_nameseg(struct aml *a, const char *s, size_t n)
{
	char seg[4] = { '_', '_', '_', '_' };
	size_t i;

	if (n == 0 || n > 4 || (s[0] >= '0' && s[0] <= '9')) {
		fail(a, "bad AML name segment");
		return;
	}
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
			fail(a, "bad character in AML name");
			return;
		}
		seg[i] = c;
	}
	put(a, seg, 4);
}

/* "\\_SB_", "COM1", "\\_SB_.PCI0": an optional root prefix and one or two segments. */
static void put_namestring(struct aml *a, const char *path)
{
	const char *dot;

	if (*path == AML_ROOT_CHAR) {
		put8(a, AML_ROOT_CHAR);
		path++;
	}
	dot = strchr(path, '.');
	if (!dot) {
		put_nameseg(a, path, strlen(path));
		return;
	}
	if (strchr(dot + 1, '.')) {
		fail(a, "AML paths of more than two segments are not supported");
		return;
	}
	put8(a, AML_DUAL_NAME);
	put_nameseg(a, path, (size_t)(dot - path));
	put_nameseg(a, dot + 1, strlen(dot + 1));
}

static void put_int(struct aml *a, uint64_t v)
{
	if (v == 0) {
		put8(a, AML_ZERO_OP);
	} else if (v == 1) {
		put8(a, AML_ONE_OP);
	} else if (v <= 0xff) {
		put8(a, AML_BYTE_PREFIX);
		put8(a, (uint8_t)v);
	} else if (v <= 0xffff) {
		uint16_t w = (uint16_t)v;

		put8(a, AML_WORD_PREFIX);
		put(a, &w, 2);
	} else if (v <= 0xffffffffu) {
		uint32_t d = (uint32_t)v;

		put8(a, AML_DWORD_PREFIX);
		put(a, &d, 4);
	} else {
		put8(a, AML_QWORD_PREFIX);
		put(a, &v, 8);
	}
}

/* Opens an object whose PkgLength comes right after the bytes written so far. */
static void open_pkg(struct aml *a)
{
	if (a->depth == AML_MAX_DEPTH) {
		fail(a, "AML objects nested too deep");
		return;
	}
	a->open[a->depth++] = a->len;
}

/* PkgLength counts its own bytes: 1 byte up to 63, else 2-4 bytes with 4-bit lead. */
static size_t pkglength_encode(size_t body, uint8_t out[4])
{
	size_t n, i, total = 0;

	if (body + 1 <= 0x3f) {
		out[0] = (uint8_t)(body + 1);
		return 1;
	}
	for (n = 2; n <= 4; n++) {
		total = body + n;
		if (total < (1u << (4 + 8 * (n - 1))))
			break;
	}
	if (n > 4)
		return 0; /* over 256 MiB: not representable */
	out[0] = (uint8_t)(((n - 1) << 6) | (total & 0xf));
	for (i = 1; i < n; i++)
		out[i] = (uint8_t)(total >> (4 + 8 * (i - 1)));
	return n;
}

void aml_end(struct aml *a)
{
	uint8_t pl[4];
	size_t start, body, n;

	if (a->failed)
		return;
	if (a->depth == 0) {
		fail(a, "aml_end() without an open object");
		return;
	}
	start = a->open[--a->depth];
	body = a->len - start;
	n = pkglength_encode(body, pl);
	if (n == 0 || !reserve(a, n)) {
		fail(a, "AML object too large");
		return;
	}
	memmove(a->buf + start + n, a->buf + start, body);
	memcpy(a->buf + start, pl, n);
	a->len += n;
}

void aml_scope_begin(struct aml *a, const char *path)
{
	put8(a, AML_SCOPE_OP);
	open_pkg(a);
	put_namestring(a, path);
}

void aml_device_begin(struct aml *a, const char *name)
{
	put8(a, AML_EXT_PREFIX);
	put8(a, AML_DEVICE_OP);
	open_pkg(a);
	put_namestring(a, name);
}

static void put_name_op(struct aml *a, const char *name)
{
	put8(a, AML_NAME_OP);
	put_namestring(a, name);
}

void aml_name_int(struct aml *a, const char *name, uint64_t value)
{
	put_name_op(a, name);
	put_int(a, value);
}

void aml_name_string(struct aml *a, const char *name, const char *value)
{
	put_name_op(a, name);
	put8(a, AML_STRING_PREFIX);
	put(a, value, strlen(value) + 1);
}

uint32_t aml_eisaid(const char *id)
{
	uint32_t vendor, product = 0;
	unsigned int i;

	vendor = ((uint32_t)(id[0] & 0x1f) << 10) | ((uint32_t)(id[1] & 0x1f) << 5) |
	         (uint32_t)(id[2] & 0x1f);
	for (i = 3; i < 7; i++) {
		char c = id[i];

		product = (product << 4) | (uint32_t)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
	}
	/* Vendor and product are each stored big-endian. */
	return (vendor >> 8) | ((vendor & 0xff) << 8) | ((product >> 8) << 16) |
	       ((product & 0xff) << 24);
}

static bool eisaid_valid(const char *id)
{
	unsigned int i;

	if (strlen(id) != 7)
		return false;
	for (i = 0; i < 3; i++)
		if (id[i] < 'A' || id[i] > 'Z')
			return false;
	for (i = 3; i < 7; i++)
		if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'A' && id[i] <= 'F')))
			return false;
	return true;
}

void aml_name_eisaid(struct aml *a, const char *name, const char *eisaid)
{
	uint32_t v;

	if (!eisaid_valid(eisaid)) {
		fail(a, "an EISA ID is three capital letters and four hex digits");
		return;
	}
	v = aml_eisaid(eisaid);
	put_name_op(a, name);
	put8(a, AML_DWORD_PREFIX);
	put(a, &v, 4);
}

void aml_name_package_ints(struct aml *a, const char *name, const uint64_t *values, unsigned int n)
{
	unsigned int i;

	if (n > 255) {
		fail(a, "a Package holds at most 255 elements (no VarPackage support)");
		return;
	}
	put_name_op(a, name);
	put8(a, AML_PACKAGE_OP);
	open_pkg(a);
	put8(a, (uint8_t)n);
	for (i = 0; i < n; i++)
		put_int(a, values[i]);
	aml_end(a);
}

void aml_name_resources(struct aml *a, const char *name, const uint8_t *desc, size_t len)
{
	uint8_t end[2] = { AML_END_TAG, 0 }; /* checksum 0: "treat as correct" */

	put_name_op(a, name);
	put8(a, AML_BUFFER_OP);
	open_pkg(a);
	put_int(a, len + sizeof(end));
	put(a, desc, len);
	put(a, end, sizeof(end));
	aml_end(a);
}

void rt_io(uint8_t *buf, size_t *len, uint16_t port, uint8_t count)
{
	uint8_t d[8] = { 0x47,          0x01,
		         (uint8_t)port, (uint8_t)(port >> 8),
		         (uint8_t)port, (uint8_t)(port >> 8),
		         0x01,          count };

	memcpy(buf + *len, d, sizeof(d));
	*len += sizeof(d);
}

void rt_irq(uint8_t *buf, size_t *len, unsigned int irq)
{
	uint16_t mask = irq < 16 ? (uint16_t)(1u << irq) : 0; /* IRQNoFlags covers ISA IRQs 0-15 */
	uint8_t d[3] = { 0x22, (uint8_t)mask, (uint8_t)(mask >> 8) };

	memcpy(buf + *len, d, sizeof(d));
	*len += sizeof(d);
}

void rt_mem32_fixed(uint8_t *buf, size_t *len, uint32_t base, uint32_t size)
{
	uint8_t d[12] = { 0x86, 0x09, 0x00, 0x01 /* read-write */ };

	memcpy(d + 4, &base, 4);
	memcpy(d + 8, &size, 4);
	memcpy(buf + *len, d, sizeof(d));
	*len += sizeof(d);
}

void rt_interrupt(uint8_t *buf, size_t *len, uint32_t gsi, bool level)
{
	/* flags: bit 0 consumer, bit 1 edge (0 = level), bit 2 active low (0 = high) */
	uint8_t d[9] = { 0x89, 0x06, 0x00, (uint8_t)(0x01 | (level ? 0 : 0x02)), 0x01 };

	memcpy(d + 5, &gsi, 4);
	memcpy(buf + *len, d, sizeof(d));
	*len += sizeof(d);
}

int aml_finish(struct aml *a, struct err *e)
{
	if (!a->failed && a->depth)
		fail(a, "AML object left open");
	if (a->failed)
		return err_set(e, EINVAL, "AML: %s", a->why);
	return 0;
}
