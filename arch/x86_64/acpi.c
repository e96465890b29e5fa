// SPDX-License-Identifier: MIT
/*
 * ACPI table writer (ACPI 6.5, chapter 5). Hardware-reduced: no PM1 blocks,
 * no SCI, no GPEs; power-off goes through the sleep control register and
 * reset through the reset register, both ports of arch/x86_64/devices.c.
 */
#include "acpi.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "arch/x86_64/aml.h"
#include "arch/x86_64/layout.h"
#include "loader/importer.h"
#include "devices/serial.h"

#define OEM_ID       "MINVMM"
#define OEM_TABLE_ID "MINIVMM "
#define CREATOR_ID   "MVMM"

struct acpi_header {
	char signature[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	char creator_id[4];
	uint32_t creator_revision;
} __attribute__((packed));

struct acpi_rsdp {
	char signature[8];
	uint8_t checksum; /* over the first 20 bytes */
	char oem_id[6];
	uint8_t revision;
	uint32_t rsdt_address;
	uint32_t length;
	uint64_t xsdt_address;
	uint8_t extended_checksum; /* over all 36 bytes */
	uint8_t reserved[3];
} __attribute__((packed));

struct acpi_gas {         /* Generic Address Structure */
	uint8_t space_id; /* 1: system I/O */
	uint8_t bit_width;
	uint8_t bit_offset;
	uint8_t access_size; /* 1: byte */
	uint64_t address;
} __attribute__((packed));

struct acpi_fadt {
	struct acpi_header h;
	uint32_t firmware_ctrl, dsdt;
	uint8_t reserved0, preferred_pm_profile;
	uint16_t sci_int;
	uint32_t smi_cmd;
	uint8_t acpi_enable, acpi_disable, s4bios_req, pstate_cnt;
	uint32_t pm1a_evt_blk, pm1b_evt_blk, pm1a_cnt_blk, pm1b_cnt_blk, pm2_cnt_blk, pm_tmr_blk;
	uint32_t gpe0_blk, gpe1_blk;
	uint8_t pm1_evt_len, pm1_cnt_len, pm2_cnt_len, pm_tmr_len, gpe0_blk_len, gpe1_blk_len;
	uint8_t gpe1_base, cst_cnt;
	uint16_t p_lvl2_lat, p_lvl3_lat, flush_size, flush_stride;
	uint8_t duty_offset, duty_width, day_alrm, mon_alrm, century;
	uint16_t iapc_boot_arch;
	uint8_t reserved1;
	uint32_t flags;
	struct acpi_gas reset_reg;
	uint8_t reset_value;
	uint16_t arm_boot_arch;
	uint8_t minor_version;
	uint64_t x_firmware_ctrl, x_dsdt;
	struct acpi_gas x_pm1a_evt_blk, x_pm1b_evt_blk, x_pm1a_cnt_blk, x_pm1b_cnt_blk;
	struct acpi_gas x_pm2_cnt_blk, x_pm_tmr_blk, x_gpe0_blk, x_gpe1_blk;
	struct acpi_gas sleep_control_reg, sleep_status_reg;
	uint64_t hypervisor_vendor_id;
} __attribute__((packed));

_Static_assert(sizeof(struct acpi_header) == 36, "ACPI header");
_Static_assert(sizeof(struct acpi_rsdp) == 36, "RSDP");
_Static_assert(offsetof(struct acpi_fadt, iapc_boot_arch) == 109, "FADT IAPC_BOOT_ARCH");
_Static_assert(offsetof(struct acpi_fadt, flags) == 112, "FADT flags");
_Static_assert(offsetof(struct acpi_fadt, reset_reg) == 116, "FADT reset register");
_Static_assert(offsetof(struct acpi_fadt, x_dsdt) == 140, "FADT X_DSDT");
_Static_assert(offsetof(struct acpi_fadt, sleep_control_reg) == 244, "FADT sleep control");
_Static_assert(sizeof(struct acpi_fadt) == 276, "FADT size");

#define FADT_RESET_REG_SUP    (1u << 10)
#define FADT_HW_REDUCED_ACPI  (1u << 20)
#define BOOT_ARCH_LEGACY_DEVS (1u << 0) /* ISA devices (COM1) present */
#define BOOT_ARCH_8042        (1u << 1)
#define BOOT_ARCH_NO_VGA      (1u << 2)
#define CMOS_CENTURY_INDEX    0x32

#define MADT_LOCAL_APIC    0
#define MADT_IOAPIC        1
#define MADT_INT_OVERRIDE  2
#define MADT_LAPIC_NMI     4
#define MADT_LAPIC_ENABLED 1
#define IOAPIC_ID          0 /* what KVM's in-kernel IOAPIC reports in its ID register */

uint8_t acpi_sum(const uint8_t *p, size_t len)
{
	uint8_t s = 0;

	while (len--)
		s = (uint8_t)(s + *p++);
	return s;
}

static void header_init(struct acpi_header *h, const char *sig, uint32_t len, uint8_t revision)
{
	memcpy(h->signature, sig, 4);
	h->length = len;
	h->revision = revision;
	memcpy(h->oem_id, OEM_ID, 6);
	memcpy(h->oem_table_id, OEM_TABLE_ID, 8);
	h->oem_revision = 1;
	memcpy(h->creator_id, CREATOR_ID, 4);
	h->creator_revision = 1;
}

/* Sets the checksum byte so the whole table sums to zero. */
static void checksum(struct acpi_table *t)
{
	struct acpi_header *h = (struct acpi_header *)t->data;

	h->checksum = 0;
	h->checksum = (uint8_t)(0x100 - acpi_sum(t->data, t->len));
}

static int table_alloc(struct acpi_table *t, const char *tag, gpa_t gpa, size_t len, struct err *e)
{
	t->tag = tag;
	t->gpa = gpa;
	t->len = len;
	t->data = calloc(1, len);
	if (!t->data)
		return err_set(e, ENOMEM, "ACPI %s: out of memory", tag);
	return 0;
}

static int build_rsdp(struct acpi_table *t, struct err *e)
{
	struct acpi_rsdp *r;
	int ret = table_alloc(t, "acpi-rsdp", X86_ACPI_RSDP_GPA, sizeof(*r), e);

	if (ret)
		return ret;
	r = (struct acpi_rsdp *)t->data;
	memcpy(r->signature, "RSD PTR ", 8);
	memcpy(r->oem_id, OEM_ID, 6);
	r->revision = 2;
	r->length = sizeof(*r);
	r->xsdt_address = X86_ACPI_XSDT_GPA;
	r->checksum = (uint8_t)(0x100 - acpi_sum(t->data, 20));
	r->extended_checksum = (uint8_t)(0x100 - acpi_sum(t->data, sizeof(*r)));
	return 0;
}

static int build_xsdt(struct acpi_table *t, struct err *e)
{
	static const uint64_t entries[] = { X86_ACPI_FADT_GPA, X86_ACPI_MADT_GPA };
	size_t len = sizeof(struct acpi_header) + sizeof(entries);
	int ret = table_alloc(t, "acpi-xsdt", X86_ACPI_XSDT_GPA, len, e);

	if (ret)
		return ret;
	header_init((struct acpi_header *)t->data, "XSDT", (uint32_t)len, 1);
	memcpy(t->data + sizeof(struct acpi_header), entries, sizeof(entries));
	checksum(t);
	return 0;
}

static struct acpi_gas io_register(uint16_t port)
{
	return (
	    struct acpi_gas){ .space_id = 1, .bit_width = 8, .access_size = 1, .address = port };
}

static int build_fadt(struct acpi_table *t, struct err *e)
{
	struct acpi_fadt *f;
	int ret = table_alloc(t, "acpi-fadt", X86_ACPI_FADT_GPA, sizeof(*f), e);

	if (ret)
		return ret;
	f = (struct acpi_fadt *)t->data;
	header_init(&f->h, "FACP", sizeof(*f), 6);
	f->minor_version = 5;
	f->x_dsdt = X86_ACPI_DSDT_GPA;
	f->century = CMOS_CENTURY_INDEX;
	f->iapc_boot_arch = BOOT_ARCH_LEGACY_DEVS | BOOT_ARCH_8042 | BOOT_ARCH_NO_VGA;
	f->flags = FADT_HW_REDUCED_ACPI | FADT_RESET_REG_SUP;
	f->reset_reg = io_register(X86_ACPI_RESET_PORT);
	f->reset_value = ACPI_RESET_VALUE;
	f->sleep_control_reg = io_register(X86_ACPI_PM_PORT);
	f->sleep_status_reg = io_register(X86_ACPI_PM_PORT + 1);
	memcpy(&f->hypervisor_vendor_id, "MINIVMM", 8);
	checksum(t);
	return 0;
}

/* MADT entries, packed one after another behind the 44-byte MADT header. */
static size_t madt_lapic(uint8_t *p, unsigned int cpu)
{
	uint8_t d[8] = { MADT_LOCAL_APIC, 8, (uint8_t)cpu, (uint8_t)cpu, MADT_LAPIC_ENABLED };

	memcpy(p, d, sizeof(d));
	return sizeof(d);
}

static size_t madt_ioapic(uint8_t *p, uint8_t id)
{
	uint8_t d[12] = { MADT_IOAPIC, 12, id, 0 };
	uint32_t addr = (uint32_t)X86_IOAPIC_GPA, gsi_base = 0;

	memcpy(d + 4, &addr, 4);
	memcpy(d + 8, &gsi_base, 4);
	memcpy(p, d, sizeof(d));
	return sizeof(d);
}

/* KVM routes ISA IRQ n to IOAPIC pin n; say so for the timer instead of letting a guest
 * assume the PC convention of IRQ 0 on pin 2. */
static size_t madt_override(uint8_t *p, uint8_t irq, uint32_t gsi)
{
	uint8_t d[10] = { MADT_INT_OVERRIDE, 10, 0 /* ISA */, irq };

	memcpy(d + 4, &gsi, 4); /* flags 0: the bus's default polarity and trigger */
	memcpy(p, d, sizeof(d));
	return sizeof(d);
}

static size_t madt_lapic_nmi(uint8_t *p)
{
	uint8_t d[6] = { MADT_LAPIC_NMI, 6, 0xff /* all processors */, 0, 0, 1 /* LINT1 */ };

	memcpy(p, d, sizeof(d));
	return sizeof(d);
}

static int build_madt(const struct acpi_config *c, struct acpi_table *t, struct err *e)
{
	size_t len = sizeof(struct acpi_header) + 8 + c->nr_vcpus * 8 + 12 + 10 + 6, at;
	uint32_t lapic = (uint32_t)X86_LAPIC_GPA, flags = 0;
	unsigned int i;
	int ret = table_alloc(t, "acpi-madt", X86_ACPI_MADT_GPA, len, e);

	if (ret)
		return ret;
	header_init((struct acpi_header *)t->data, "APIC", (uint32_t)len, 6);
	at = sizeof(struct acpi_header);
	memcpy(t->data + at, &lapic, 4);
	memcpy(t->data + at + 4, &flags, 4); /* no PCAT_COMPAT: hardware-reduced, no 8259 use */
	at += 8;
	for (i = 0; i < c->nr_vcpus; i++)
		at += madt_lapic(t->data + at, i);
	at += madt_ioapic(t->data + at, IOAPIC_ID);
	at += madt_override(t->data + at, 0, 0);
	at += madt_lapic_nmi(t->data + at);
	checksum(t);
	return 0;
}

static void dsdt_devices(struct aml *a, const struct acpi_config *c)
{
	static const uint64_t s5[] = { ACPI_SLEEP_TYPE_S5, 0 };
	uint8_t rt[64];
	size_t n;
	unsigned int i;

	aml_name_package_ints(a, "\\_S5_", s5, 2);
	aml_scope_begin(a, "\\_SB_");

	aml_device_begin(a, "COM1");
	aml_name_eisaid(a, "_HID", "PNP0501");
	aml_name_int(a, "_UID", 1);
	n = 0;
	rt_io(rt, &n, SERIAL_COM1_BASE, SERIAL_NR_PORTS);
	rt_irq(rt, &n, SERIAL_COM1_IRQ);
	aml_name_resources(a, "_CRS", rt, n);
	aml_end(a);

	aml_device_begin(a, "PEVT");
	aml_name_string(a, "_HID", "QEMU0001");
	aml_name_int(a, "_STA", 0xf);
	n = 0;
	rt_io(rt, &n, X86_PVPANIC_PORT, 1);
	aml_name_resources(a, "_CRS", rt, n);
	aml_end(a);

	for (i = 0; i < c->nr_virtio; i++) {
		char name[5] = { 'V', 'R', "0123456789ABCDEF"[i / 16], "0123456789ABCDEF"[i % 16],
			         0 };

		aml_device_begin(a, name);
		aml_name_string(a, "_HID", "LNRO0005");
		aml_name_int(a, "_UID", i);
		aml_name_int(a, "_CCA", 1); /* cache coherent DMA */
		n = 0;
		rt_mem32_fixed(rt, &n, c->virtio[i].base, c->virtio[i].size);
		rt_interrupt(rt, &n, c->virtio[i].gsi, false);
		aml_name_resources(a, "_CRS", rt, n);
		aml_end(a);
	}
	aml_end(a); /* \_SB_ */
}

static int build_dsdt(const struct acpi_config *c, struct acpi_table *t, struct err *e)
{
	struct aml a;
	size_t len;
	int ret;

	aml_init(&a);
	dsdt_devices(&a, c);
	ret = aml_finish(&a, e);
	if (ret)
		goto out;
	len = sizeof(struct acpi_header) + a.len;
	if (X86_ACPI_DSDT_GPA + len > X86_ACPI_END) {
		ret = err_set(e, ENOSPC, "ACPI DSDT: %zu bytes do not fit below 1 MiB", len);
		goto out;
	}
	ret = table_alloc(t, "acpi-dsdt", X86_ACPI_DSDT_GPA, len, e);
	if (ret)
		goto out;
	header_init((struct acpi_header *)t->data, "DSDT", (uint32_t)len, 2);
	memcpy(t->data + sizeof(struct acpi_header), a.buf, a.len);
	checksum(t);
out:
	aml_free(&a);
	return ret;
}

int acpi_build(const struct acpi_config *c, struct acpi_tables *out, struct err *e)
{
	int ret;

	memset(out, 0, sizeof(*out));
	if (c->nr_vcpus == 0 || c->nr_vcpus > ACPI_MAX_VCPUS)
		return err_set(e, EINVAL, "ACPI: %u vCPUs, the MADT describes 1 to %d", c->nr_vcpus,
		               ACPI_MAX_VCPUS);
	if (c->nr_virtio > ACPI_MAX_VIRTIO_MMIO)
		return err_set(e, EINVAL, "ACPI: %u virtio-mmio devices, at most %d", c->nr_virtio,
		               ACPI_MAX_VIRTIO_MMIO);
	ret = build_rsdp(&out->t[ACPI_RSDP], e);
	if (!ret)
		ret = build_xsdt(&out->t[ACPI_XSDT], e);
	if (!ret)
		ret = build_fadt(&out->t[ACPI_FADT], e);
	if (!ret)
		ret = build_madt(c, &out->t[ACPI_MADT], e);
	if (!ret)
		ret = build_dsdt(c, &out->t[ACPI_DSDT], e);
	if (ret)
		acpi_tables_free(out);
	return ret;
}

void acpi_tables_free(struct acpi_tables *t)
{
	unsigned int i;

	for (i = 0; i < ACPI_NR_TABLES; i++)
		free(t->t[i].data);
	memset(t, 0, sizeof(*t));
}

int acpi_import(struct importer *imp, const struct acpi_tables *t, struct err *e)
{
	unsigned int i;
	int ret;

	for (i = 0; i < ACPI_NR_TABLES; i++) {
		ret =
		    importer_import_pages(imp, t->t[i].gpa >> PAGE_SHIFT, pages_for(t->t[i].len),
		                          t->t[i].tag, BPA_EXCLUSIVE, t->t[i].data, t->t[i].len, e);
		if (ret)
			return ret;
	}
	return 0;
}
