// SPDX-License-Identifier: MIT
/*
 * The ACPI tables (arch/x86_64/acpi.h), parsed with offsets taken from the
 * ACPI 6.5 specification, not from the code's structures: RSDP (§5.2.5.3),
 * the common header (§5.2.6), XSDT (§5.2.8), FADT (§5.2.9, table 5.9), MADT
 * (§5.2.12) and the DSDT's AML (chapter 20). Every table sits at its
 * layout.h address, has the length it claims and sums to zero; the MADT is
 * walked entry by entry for 1 to 254 vCPUs; small DSDT pieces are compared
 * with bytes derived by hand.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "arch/x86_64/acpi.h"
#include "arch/x86_64/layout.h"
#include "lib/sizes.h"
#include "test_helpers.h"

enum { HDR_LEN = 36, HDR_LENGTH = 4, HDR_REVISION = 8, HDR_CHECKSUM = 9 };
enum { RSDP_REVISION = 15, RSDP_LENGTH = 20, RSDP_XSDT = 24, RSDP_LEN = 36 };
enum {
	FADT_DSDT = 40,
	FADT_PM1A_EVT_BLK = 56,
	FADT_PM1A_CNT_BLK = 64,
	FADT_CENTURY = 108,
	FADT_IAPC_BOOT_ARCH = 109,
	FADT_FLAGS = 112,
	FADT_RESET_REG = 116,
	FADT_RESET_VALUE = 128,
	FADT_X_DSDT = 140,
	FADT_X_PM1A_EVT_BLK = 148,
	FADT_X_PM1A_CNT_BLK = 172,
	FADT_SLEEP_CONTROL_REG = 244,
	FADT_SLEEP_STATUS_REG = 256,
	FADT_LEN = 276,
};
enum { MADT_LAPIC_ADDR = 36, MADT_ENTRIES = 44 };

#define FADT_RESET_REG_SUP   (1u << 10)
#define FADT_HW_REDUCED_ACPI (1u << 20)
#define GAS_SYSTEM_IO        1
#define GAS_BYTE_ACCESS      1

static struct acpi_tables t;
static struct acpi_config cfg;
static struct err e;

static const unsigned int vcpu_counts[] = { 1, 2, 8, 64, 254 };

static void setup(void)
{
	memset(&t, 0, sizeof(t));
	memset(&cfg, 0, sizeof(cfg));
	cfg.nr_vcpus = 1;
	err_clear(&e);
}

static void teardown(void)
{
	acpi_tables_free(&t);
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)le16(p) | (uint32_t)le16(p + 2) << 16;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint8_t sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

/* Builds with cfg and returns the table, after checking its header and checksum. */
static const uint8_t *table(enum acpi_table_id id, const char *sig)
{
	const struct acpi_table *tb;

	if (!t.t[ACPI_RSDP].data)
		ck_assert_ok(acpi_build(&cfg, &t, &e), e);
	tb = &t.t[id];
	ck_assert_ptr_nonnull(tb->data);
	if (id != ACPI_RSDP) {
		ck_assert_uint_ge(tb->len, HDR_LEN);
		ck_assert_mem_eq(tb->data, sig, 4);
		ck_assert_uint_eq(le32(tb->data + HDR_LENGTH), tb->len);
		ck_assert_msg(sum(tb->data, tb->len) == 0, "%s does not sum to 0", sig);
		ck_assert_uint_eq(acpi_sum(tb->data, tb->len), 0);
	}
	return tb->data;
}

static size_t table_len(enum acpi_table_id id)
{
	return t.t[id].len;
}

/* ---- placement and headers ----------------------------------------------- */

static const struct {
	enum acpi_table_id id;
	const char *sig, *tag;
	gpa_t gpa, next;
} placement[] = {
	{ ACPI_RSDP, NULL, "acpi-rsdp", X86_ACPI_RSDP_GPA, X86_ACPI_XSDT_GPA },
	{ ACPI_XSDT, "XSDT", "acpi-xsdt", X86_ACPI_XSDT_GPA, X86_ACPI_FADT_GPA },
	{ ACPI_FADT, "FACP", "acpi-fadt", X86_ACPI_FADT_GPA, X86_ACPI_MADT_GPA },
	{ ACPI_MADT, "APIC", "acpi-madt", X86_ACPI_MADT_GPA, X86_ACPI_DSDT_GPA },
	{ ACPI_DSDT, "DSDT", "acpi-dsdt", X86_ACPI_DSDT_GPA, X86_ACPI_END },
};

/* Loop over every table, for the smallest and largest machine. */
START_TEST(test_each_table_sits_at_its_layout_address_and_sums_to_zero)
{
	unsigned int k = (unsigned int)_i % ARRAY_SIZE(placement);

	if (_i >= (int)ARRAY_SIZE(placement)) {
		cfg.nr_vcpus = ACPI_MAX_VCPUS;
		cfg.nr_virtio = ACPI_MAX_VIRTIO_MMIO;
	}
	table(placement[k].id, placement[k].sig);
	ck_assert_uint_eq(t.t[placement[k].id].gpa, placement[k].gpa);
	ck_assert_str_eq(t.t[placement[k].id].tag, placement[k].tag);
	ck_assert_uint_le(placement[k].gpa + table_len(placement[k].id), placement[k].next);
}
END_TEST

START_TEST(test_rsdp_is_revision_2_with_both_checksums)
{
	const uint8_t *r = table(ACPI_RSDP, NULL);

	ck_assert_uint_eq(table_len(ACPI_RSDP), RSDP_LEN);
	ck_assert_mem_eq(r, "RSD PTR ", 8);
	ck_assert_uint_eq(r[RSDP_REVISION], 2);
	ck_assert_uint_eq(le32(r + RSDP_LENGTH), RSDP_LEN);
	ck_assert_uint_eq(le64(r + RSDP_XSDT), X86_ACPI_XSDT_GPA);
	ck_assert_msg(sum(r, 20) == 0, "the ACPI 1.0 checksum (first 20 bytes) is wrong");
	ck_assert_msg(sum(r, RSDP_LEN) == 0, "the extended checksum (36 bytes) is wrong");
	/* Linux scans 0xe0000-0xfffff on 16-byte boundaries for the signature. */
	ck_assert_uint_eq(X86_ACPI_RSDP_GPA % 16, 0);
}
END_TEST

START_TEST(test_xsdt_points_at_the_fadt_and_the_madt)
{
	const uint8_t *x = table(ACPI_XSDT, "XSDT");

	ck_assert_uint_eq(table_len(ACPI_XSDT), HDR_LEN + 2 * 8);
	ck_assert_uint_eq(x[HDR_REVISION], 1);
	ck_assert_uint_eq(le64(x + HDR_LEN), X86_ACPI_FADT_GPA);
	ck_assert_uint_eq(le64(x + HDR_LEN + 8), X86_ACPI_MADT_GPA);
}
END_TEST

/* ---- FADT ---------------------------------------------------------------- */

static void assert_byte_io_gas(const uint8_t *g, uint64_t port)
{
	ck_assert_uint_eq(g[0], GAS_SYSTEM_IO);
	ck_assert_uint_eq(g[1], 8); /* bit width */
	ck_assert_uint_eq(g[2], 0); /* bit offset */
	ck_assert_uint_eq(g[3], GAS_BYTE_ACCESS);
	ck_assert_uint_eq(le64(g + 4), port);
}

START_TEST(test_fadt_is_revision_6_hardware_reduced_with_a_reset_register)
{
	const uint8_t *f = table(ACPI_FADT, "FACP");
	uint32_t flags = le32(f + FADT_FLAGS);

	ck_assert_uint_eq(table_len(ACPI_FADT), FADT_LEN);
	ck_assert_uint_eq(f[HDR_REVISION], 6);
	ck_assert_msg(flags & FADT_HW_REDUCED_ACPI, "flags 0x%x lack HW_REDUCED_ACPI", flags);
	ck_assert_msg(flags & FADT_RESET_REG_SUP, "flags 0x%x lack RESET_REG_SUP", flags);
	assert_byte_io_gas(f + FADT_RESET_REG, 0x604);
	ck_assert_uint_eq(f[FADT_RESET_VALUE], 1);
}
END_TEST

START_TEST(test_fadt_sleep_registers_are_byte_io_ports_0x600_and_0x601)
{
	const uint8_t *f = table(ACPI_FADT, "FACP");

	assert_byte_io_gas(f + FADT_SLEEP_CONTROL_REG, 0x600);
	assert_byte_io_gas(f + FADT_SLEEP_STATUS_REG, 0x601);
}
END_TEST

START_TEST(test_fadt_points_at_the_dsdt_and_describes_the_pc_legacy_devices)
{
	const uint8_t *f = table(ACPI_FADT, "FACP");
	uint32_t dsdt32 = le32(f + FADT_DSDT);

	ck_assert_uint_eq(le64(f + FADT_X_DSDT), X86_ACPI_DSDT_GPA);
	ck_assert_msg(dsdt32 == 0 || dsdt32 == X86_ACPI_DSDT_GPA, "DSDT 0x%x", dsdt32);
	ck_assert_uint_eq(f[FADT_CENTURY], 0x32);
	/* LEGACY_DEVICES | 8042 | VGA Not Present */
	ck_assert_uint_eq(le16(f + FADT_IAPC_BOOT_ARCH), 0x0007);
	/* Hardware-reduced: no fixed PM1 event/control blocks. */
	ck_assert_uint_eq(le32(f + FADT_PM1A_EVT_BLK), 0);
	ck_assert_uint_eq(le32(f + FADT_PM1A_CNT_BLK), 0);
	ck_assert_uint_eq(le64(f + FADT_X_PM1A_EVT_BLK + 4), 0);
	ck_assert_uint_eq(le64(f + FADT_X_PM1A_CNT_BLK + 4), 0);
}
END_TEST

/* ---- MADT ---------------------------------------------------------------- */

struct madt_seen {
	unsigned int lapics, ioapics, overrides, nmis;
};

static void madt_check_entry(const uint8_t *m, unsigned int nr_vcpus, struct madt_seen *s)
{
	switch (m[0]) {
	case 0: /* Processor Local APIC: UID, APIC ID, flags (bit 0 enabled) */
		ck_assert_uint_eq(m[1], 8);
		ck_assert_uint_lt(s->lapics, nr_vcpus);
		ck_assert_uint_eq(m[2], s->lapics);
		ck_assert_uint_eq(m[3], s->lapics);
		ck_assert_uint_eq(le32(m + 4) & 1, 1);
		s->lapics++;
		break;
	case 1: /* I/O APIC: ID, reserved, address, GSI base */
		ck_assert_uint_eq(m[1], 12);
		ck_assert_uint_eq(le32(m + 4), X86_IOAPIC_GPA);
		ck_assert_uint_eq(le32(m + 8), 0);
		s->ioapics++;
		break;
	case 2: /* Interrupt Source Override: bus 0 (ISA), IRQ 0, to GSI 0 (KVM's pin 0) */
		ck_assert_uint_eq(m[1], 10);
		ck_assert_uint_eq(m[2], 0);
		ck_assert_uint_eq(m[3], 0);
		ck_assert_uint_eq(le32(m + 4), 0);
		s->overrides++;
		break;
	case 4: /* Local APIC NMI: all processors (0xff), flags, LINT1 */
		ck_assert_uint_eq(m[1], 6);
		ck_assert_uint_eq(m[2], 0xff);
		ck_assert_uint_eq(m[5], 1);
		s->nmis++;
		break;
	default:
		ck_abort_msg("unexpected MADT entry type %u", m[0]);
	}
}

START_TEST(test_madt_has_one_enabled_lapic_per_vcpu_an_ioapic_an_override_and_nmi)
{
	unsigned int n = vcpu_counts[_i];
	struct madt_seen s = { 0 };
	const uint8_t *m;
	size_t at, len;

	cfg.nr_vcpus = n;
	m = table(ACPI_MADT, "APIC");
	len = table_len(ACPI_MADT);
	ck_assert_uint_eq(len, MADT_ENTRIES + 8 * n + 12 + 10 + 6);
	ck_assert_uint_eq(le32(m + MADT_LAPIC_ADDR), X86_LAPIC_GPA);
	for (at = MADT_ENTRIES; at < len; at += m[at + 1]) {
		ck_assert_uint_le(at + 2, len);
		ck_assert_uint_ge(m[at + 1], 2);
		ck_assert_uint_le(at + m[at + 1], len);
		madt_check_entry(m + at, n, &s);
	}
	ck_assert_uint_eq(at, len);
	ck_assert_uint_eq(s.lapics, n);
	ck_assert_uint_eq(s.ioapics, 1);
	ck_assert_uint_eq(s.overrides, 1);
	ck_assert_uint_eq(s.nmis, 1);
}
END_TEST

/* ---- errors -------------------------------------------------------------- */

static const struct {
	unsigned int nr_vcpus, nr_virtio;
	const char *msg;
} bad_configs[] = {
	{ 0, 0, "ACPI: 0 vCPUs, the MADT describes 1 to 254" },
	{ 255, 0, "ACPI: 255 vCPUs, the MADT describes 1 to 254" },
	{ 4096, 0, "ACPI: 4096 vCPUs, the MADT describes 1 to 254" },
	{ 1, 17, "ACPI: 17 virtio-mmio devices, at most 16" },
};

START_TEST(test_bad_configurations_are_refused_with_no_tables_left)
{
	unsigned int i;

	cfg.nr_vcpus = bad_configs[_i].nr_vcpus;
	cfg.nr_virtio = bad_configs[_i].nr_virtio;
	ck_assert_err(acpi_build(&cfg, &t, &e), e, EINVAL, bad_configs[_i].msg);
	for (i = 0; i < ACPI_NR_TABLES; i++)
		ck_assert_ptr_null(t.t[i].data);
}
END_TEST

/* ---- DSDT ---------------------------------------------------------------- */

/* §20.2.4, as in test_aml.c: the length counts the PkgLength bytes themselves. */
static size_t pkglength_decode(const uint8_t *p, size_t *nbytes)
{
	size_t follow = p[0] >> 6, len, i;

	*nbytes = follow + 1;
	if (!follow)
		return p[0] & 0x3f;
	len = p[0] & 0x0f;
	for (i = 1; i <= follow; i++)
		len |= (size_t)p[i] << (4 + 8 * (i - 1));
	return len;
}

static long find(const uint8_t *hay, size_t hlen, const void *needle, size_t nlen)
{
	size_t i;

	for (i = 0; i + nlen <= hlen; i++)
		if (!memcmp(hay + i, needle, nlen))
			return (long)i;
	return -1;
}

#define assert_contains(hay_, hlen_, needle_)                                               \
	ck_assert_msg(find((hay_), (hlen_), (needle_), sizeof(needle_)) >= 0, "%s missing", \
	              #needle_)

/* Name(\_S5_, Package() { 5, 0 }) */
static const uint8_t s5_aml[] = {
	0x08, '\\', '_', 'S', '5', '_', 0x12, 0x05, 0x02, 0x0a, 0x05, 0x00
};

/* Device(COM1) { Name(_HID, EisaId("PNP0501")) Name(_UID, 1) Name(_CRS,
 * ResourceTemplate() { IO(Decode16, 0x3f8, 0x3f8, 1, 8) IRQNoFlags() {4} }) } */
static const uint8_t com1_aml[] = {
	0x5b, 0x82, 0x2b, 'C',  'O',  'M',  '1',                                      /* Device */
	0x08, '_',  'H',  'I',  'D',  0x0c, 0x41, 0xd0, 0x05, 0x01,                   /* _HID */
	0x08, '_',  'U',  'I',  'D',  0x01,                                           /* _UID */
	0x08, '_',  'C',  'R',  'S',  0x11, 0x10, 0x0a, 0x0d,                         /* _CRS */
	0x47, 0x01, 0xf8, 0x03, 0xf8, 0x03, 0x01, 0x08, 0x22, 0x10, 0x00, 0x79, 0x00, /* */
};

/* Device(PEVT) { Name(_HID, "QEMU0001") Name(_STA, 0x0f) Name(_CRS,
 * ResourceTemplate() { IO(Decode16, 0x505, 0x505, 1, 1) }) } */
static const uint8_t pevt_aml[] = {
	0x5b, 0x82, 0x2e, 'P',  'E',  'V',  'T',                                   /* Device */
	0x08, '_',  'H',  'I',  'D',  0x0d, 'Q',  'E',  'M',  'U',  '0', '0', '0', /* _HID */
	'1',  0x00, 0x08, '_',  'S',  'T',  'A',  0x0a, 0x0f,                      /* _STA */
	0x08, '_',  'C',  'R',  'S',  0x11, 0x0d, 0x0a, 0x0a,                      /* _CRS */
	0x47, 0x01, 0x05, 0x05, 0x05, 0x05, 0x01, 0x01, 0x79, 0x00,                /* */
};

static const unsigned int virtio_counts[] = { 0, 1, 3, ACPI_MAX_VIRTIO_MMIO };

static void virtio_config(unsigned int n)
{
	unsigned int i;

	cfg.nr_virtio = n;
	for (i = 0; i < n; i++)
		cfg.virtio[i] = (struct acpi_virtio_mmio){ .base = 0xd0000000 + i * 0x1000,
			                                   .size = 0x200 + i,
			                                   .gsi = 5 + i };
}

static void expected_device_name(unsigned int k, char name[5])
{
	static const char hex[] = "0123456789ABCDEF";

	if (k < 2) {
		memcpy(name, k ? "PEVT" : "COM1", 5);
		return;
	}
	k -= 2;
	name[0] = 'V';
	name[1] = 'R';
	name[2] = hex[k / 16];
	name[3] = hex[k % 16];
	name[4] = '\0';
}

/*
 * The DSDT is Name(\_S5_) then Scope(\_SB_) up to its very end, and the
 * scope's body is Device objects back to back: COM1, PEVT, VR00, VR01, ...
 * Returns the device bodies (after the name) in dev[] and their lengths.
 */
static void dsdt_walk(const uint8_t **dev, size_t *dev_len, unsigned int nr_devices)
{
	const uint8_t *d = table(ACPI_DSDT, "DSDT");
	size_t len = table_len(ACPI_DSDT), at = HDR_LEN + sizeof(s5_aml), n, dn, dl;
	unsigned int k = 0;
	char name[5];

	ck_assert_uint_eq(d[HDR_REVISION], 2); /* 64-bit AML integers */
	ck_assert_mem_eq(d + HDR_LEN, s5_aml, sizeof(s5_aml));
	ck_assert_uint_eq(d[at], 0x10);
	ck_assert_uint_eq(at + 1 + pkglength_decode(d + at + 1, &n), len);
	ck_assert_mem_eq(d + at + 1 + n, "\\_SB_", 5);
	for (at += 1 + n + 5; at < len; at += 2 + dl, k++) {
		ck_assert_uint_lt(k, nr_devices);
		ck_assert_uint_eq(d[at], 0x5b);
		ck_assert_uint_eq(d[at + 1], 0x82);
		dl = pkglength_decode(d + at + 2, &dn);
		ck_assert_uint_le(at + 2 + dl, len);
		expected_device_name(k, name);
		ck_assert_msg(!memcmp(d + at + 2 + dn, name, 4), "device %u is not %s", k, name);
		dev[k] = d + at + 2 + dn + 4;
		dev_len[k] = dl - dn - 4;
	}
	ck_assert_uint_eq(at, len);
	ck_assert_uint_eq(k, nr_devices);
}

START_TEST(test_dsdt_is_s5_then_an_sb_scope_holding_com1_pevt_and_each_virtio_device)
{
	const uint8_t *dev[2 + ACPI_MAX_VIRTIO_MMIO];
	size_t dev_len[2 + ACPI_MAX_VIRTIO_MMIO];

	virtio_config(virtio_counts[_i]);
	dsdt_walk(dev, dev_len, 2 + virtio_counts[_i]);
}
END_TEST

START_TEST(test_dsdt_com1_and_panic_device_are_exactly_as_derived_by_hand)
{
	const uint8_t *d = table(ACPI_DSDT, "DSDT");
	size_t len = table_len(ACPI_DSDT);

	assert_contains(d, len, com1_aml);
	assert_contains(d, len, pevt_aml);
	/* With no virtio devices the AML is exactly these three objects. */
	ck_assert_uint_eq(len, HDR_LEN + sizeof(s5_aml) + 1 + 2 + 5 + sizeof(com1_aml) +
	                           sizeof(pevt_aml));
}
END_TEST

/* Each virtio device: _HID LNRO0005, _UID i, _CCA 1, and its window and GSI in _CRS. */
START_TEST(test_dsdt_virtio_devices_have_their_base_size_and_gsi)
{
	static const uint8_t hid[] = { 0x08, '_', 'H', 'I', 'D', 0x0d, 'L', 'N',
		                       'R',  'O', '0', '0', '0', '5',  0x00 };
	static const uint8_t cca[] = { 0x08, '_', 'C', 'C', 'A', 0x01 };
	const uint8_t *dev[2 + ACPI_MAX_VIRTIO_MMIO];
	size_t dev_len[2 + ACPI_MAX_VIRTIO_MMIO];
	unsigned int i, n = ACPI_MAX_VIRTIO_MMIO;

	virtio_config(n);
	dsdt_walk(dev, dev_len, 2 + n);
	for (i = 0; i < n; i++) {
		const uint8_t *b = dev[2 + i];
		size_t blen = dev_len[2 + i], uid_len = 7;
		uint8_t uid[7] = { 0x08, '_', 'U', 'I', 'D', 0x0a, (uint8_t)i };
		/* Memory32Fixed(ReadWrite, base, size), Interrupt(.., flags){gsi}, EndTag */
		uint8_t crs[9 + 12 + 9 + 2] = { 0x08, '_',  'C',  'R',  'S',  0x11, 0x1a,
			                        0x0a, 0x17, 0x86, 0x09, 0x00, 0x01 };
		long at;

		if (i < 2) { /* ZeroOp, OneOp */
			uid[5] = (uint8_t)i;
			uid_len = 6;
		}
		put_le32(crs + 13, cfg.virtio[i].base);
		put_le32(crs + 17, cfg.virtio[i].size);
		memcpy(crs + 21, "\x89\x06\x00", 3);
		crs[25] = 1; /* one interrupt */
		put_le32(crs + 26, cfg.virtio[i].gsi);
		memcpy(crs + 30, "\x79\x00", 2);

		assert_contains(b, blen, hid);
		ck_assert_msg(find(b, blen, uid, uid_len) >= 0, "VR%02X: no _UID %u", i, i);
		assert_contains(b, blen, cca);
		at = find(b, blen, crs, 24); /* up to the interrupt flags */
		ck_assert_msg(at >= 0, "VR%02X: no Memory32Fixed(0x%x, 0x%x)", i,
		              cfg.virtio[i].base, cfg.virtio[i].size);
		/* consumer (bit 0), active high (bit 2 clear), exclusive (bit 3 clear) */
		ck_assert_uint_eq(b[at + 24] & 0x0d, 0x01);
		ck_assert_mem_eq(b + at + 25, crs + 25, sizeof(crs) - 25);
	}
}
END_TEST

static Suite *acpi_suite(void)
{
	Suite *s = suite_create("acpi");
	TCase *tc = tcase_create("acpi");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_each_table_sits_at_its_layout_address_and_sums_to_zero, 0,
	                    2 * (int)ARRAY_SIZE(placement));
	tcase_add_test(tc, test_rsdp_is_revision_2_with_both_checksums);
	tcase_add_test(tc, test_xsdt_points_at_the_fadt_and_the_madt);
	tcase_add_test(tc, test_fadt_is_revision_6_hardware_reduced_with_a_reset_register);
	tcase_add_test(tc, test_fadt_sleep_registers_are_byte_io_ports_0x600_and_0x601);
	tcase_add_test(tc, test_fadt_points_at_the_dsdt_and_describes_the_pc_legacy_devices);
	tcase_add_loop_test(tc,
	                    test_madt_has_one_enabled_lapic_per_vcpu_an_ioapic_an_override_and_nmi,
	                    0, (int)ARRAY_SIZE(vcpu_counts));
	tcase_add_loop_test(tc, test_bad_configurations_are_refused_with_no_tables_left, 0,
	                    (int)ARRAY_SIZE(bad_configs));
	tcase_add_loop_test(
	    tc, test_dsdt_is_s5_then_an_sb_scope_holding_com1_pevt_and_each_virtio_device, 0,
	    (int)ARRAY_SIZE(virtio_counts));
	tcase_add_test(tc, test_dsdt_com1_and_panic_device_are_exactly_as_derived_by_hand);
	tcase_add_test(tc, test_dsdt_virtio_devices_have_their_base_size_and_gsi);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(acpi_suite());
}
