/* SPDX-License-Identifier: MIT */
/*
 * A small AML (ACPI Machine Language) writer: just what minivmm's DSDT needs
 * (scopes, devices, names with integers, strings, EISA IDs, packages and
 * resource templates). Objects nest with *_begin()/aml_end(); the package
 * length of each is filled in by aml_end(). Errors (out of memory, unbalanced
 * nesting, a bad name) make aml_finish() fail instead of writing bad AML.
 */
#ifndef MINIVMM_ARCH_X86_64_AML_H
#define MINIVMM_ARCH_X86_64_AML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

#define AML_MAX_DEPTH 8

struct aml {
	uint8_t *buf;
	size_t len, cap;
	size_t open[AML_MAX_DEPTH]; /* where each open object's body starts */
	unsigned int depth;
	bool failed;
	char why[96];
};

void aml_init(struct aml *a);
void aml_free(struct aml *a);

/* Scope(path) { ... } and Device(name) { ... }; close each with aml_end(). */
void aml_scope_begin(struct aml *a, const char *path);
void aml_device_begin(struct aml *a, const char *name);
void aml_end(struct aml *a);

/* Name(name, value) for the value kinds the DSDT uses. */
void aml_name_int(struct aml *a, const char *name, uint64_t value);
void aml_name_string(struct aml *a, const char *name, const char *value);
void aml_name_eisaid(struct aml *a, const char *name, const char *eisaid);
void aml_name_package_ints(struct aml *a, const char *name, const uint64_t *values, unsigned int n);
/* Name(name, ResourceTemplate() { ... }) from descriptors built with the rt_* helpers. */
void aml_name_resources(struct aml *a, const char *name, const uint8_t *desc, size_t len);

/* The 32-bit EISA ID encoding ("PNP0501" -> 0x0105d041), for tests. */
uint32_t aml_eisaid(const char *id);

/* Resource descriptors, appended to buf[*len] (room for 16 bytes each). */
void rt_io(uint8_t *buf, size_t *len, uint16_t port, uint8_t count);
void rt_irq(uint8_t *buf, size_t *len, unsigned int irq);
void rt_mem32_fixed(uint8_t *buf, size_t *len, uint32_t base, uint32_t size);
/* Extended Interrupt, consumer, one GSI; level or edge, active high. */
void rt_interrupt(uint8_t *buf, size_t *len, uint32_t gsi, bool level);

/* Checks that every object was closed; returns the AML bytes in a->buf/a->len. */
int aml_finish(struct aml *a, struct err *e);

#endif
