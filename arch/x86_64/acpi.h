/* SPDX-License-Identifier: MIT */
/*
 * ACPI tables minivmm generates for an x86 guest: RSDP, XSDT, FADT
 * (hardware-reduced, with sleep control/status and reset registers), MADT
 * (local APICs, IOAPIC, overrides, LINT1 NMI) and a DSDT whose AML describes
 * COM1, the panic device (QEMU0001, Linux's pvpanic) and the virtio-mmio
 * devices (LNRO0005). Each table gets its own page, at fixed addresses in
 * the reserved BIOS area (arch/x86_64/layout.h), so --dump-layout lists
 * them one by one.
 */
#ifndef MINIVMM_ARCH_X86_64_ACPI_H
#define MINIVMM_ARCH_X86_64_ACPI_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"
#include "lib/sizes.h"

#define ACPI_MAX_VCPUS       254 /* xAPIC IDs; 255 is the broadcast ID */
#define ACPI_MAX_VIRTIO_MMIO 16
#define ACPI_SLEEP_TYPE_S5   5 /* the \_S5 value the sleep control register receives */

#define ACPI_SLEEP_CTL_SLP_EN     0x20 /* sleep enable */
#define ACPI_SLEEP_CTL_TYPE_SHIFT 2
#define ACPI_SLEEP_CTL_TYPE_MASK  0x1c
#define ACPI_RESET_VALUE          0x01

struct acpi_virtio_mmio {
	uint32_t base, size;
	uint32_t gsi;
};

struct acpi_config {
	unsigned int nr_vcpus;
	struct acpi_virtio_mmio virtio[ACPI_MAX_VIRTIO_MMIO];
	unsigned int nr_virtio;
};

enum acpi_table_id {
	ACPI_RSDP,
	ACPI_XSDT,
	ACPI_FADT,
	ACPI_MADT,
	ACPI_DSDT,
	ACPI_NR_TABLES,
};

struct acpi_table {
	const char *tag; /* the importer tag, e.g. "acpi-madt" */
	gpa_t gpa;
	uint8_t *data;
	size_t len;
};

struct acpi_tables {
	struct acpi_table t[ACPI_NR_TABLES];
};

/* Adds the n virtio-mmio devices of layout.h (arch/x86_64/guest_x86.c). */
int acpi_config_add_virtio(struct acpi_config *c, unsigned int n, struct err *e);

/* Builds every table for the addresses in layout.h. */
int acpi_build(const struct acpi_config *c, struct acpi_tables *out, struct err *e);
void acpi_tables_free(struct acpi_tables *t);

struct importer;
/* Imports each table on its own pages, tagged "acpi-rsdp", "acpi-xsdt", ... */
int acpi_import(struct importer *imp, const struct acpi_tables *t, struct err *e);

/* Byte sum, for checksums and tests: a valid table sums to 0. */
uint8_t acpi_sum(const uint8_t *p, size_t len);

#endif
