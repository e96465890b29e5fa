// SPDX-License-Identifier: MIT
/*
 * The register state a guest starts with is the state minivmm imported.
 *
 * Three guests (tests/kvm/guests/regs{16,32,64}.S) read their own state from
 * inside, in real mode, in the PVH 32-bit entry state and in the Linux 64-bit
 * entry state, and report it. Each reported value is compared with the import
 * read back from a recording importer fed the same imports. A register the
 * entry does not import must read as the architectural reset value that
 * LOADER-SPEC §5.2 step 1 starts from (and KVM gives a new vCPU).
 *
 * A fourth guest (mtrrs.S) reads back PAT and every MTRR after the test has
 * imported all of them: the most MSRs a loader can import (18).
 *
 * Every difference is collected before failing, so one run shows all of them.
 */
#include <stdio.h>
#include <string.h>

#include "arch/x86_64/boot_regs.h"
#include "tests/kvm/kvm_guest.h"
#include "tests/unit/test_helpers.h"

/* ---- what the guest should see -------------------------------------------- */

static uint64_t reset_u64(enum x86_reg_name name)
{
	switch (name) {
	case X86_REG_CR0:
		return 0x60000010; /* ET | NW | CD */
	case X86_REG_RFLAGS:
		return X86_RFLAGS_RESERVED;
	case X86_REG_PAT:
		return X86_PAT_DEFAULT;
	default:
		return 0; /* GPRs, CR3, CR4, EFER, MTRRs */
	}
}

static struct x86_segment_reg reset_segment(enum x86_reg_name name)
{
	if (name == X86_REG_CS)
		return (struct x86_segment_reg){ 0xffff0000, 0xffff, 0xf000, 0x9b };
	if (name == X86_REG_TR)
		return (struct x86_segment_reg){ 0, 0xffff, 0, 0x8b };
	return (struct x86_segment_reg){ 0, 0xffff, 0, 0x93 };
}

static uint64_t expected_u64(const struct importer *imp, enum x86_reg_name name)
{
	const struct x86_register *r = importer_find_x86_register(imp, name);

	return r ? r->value : reset_u64(name);
}

static struct x86_segment_reg expected_segment(const struct importer *imp, enum x86_reg_name name)
{
	const struct x86_register *r = importer_find_x86_register(imp, name);

	return r ? r->seg : reset_segment(name);
}

static struct x86_table_reg expected_table(const struct importer *imp, enum x86_reg_name name)
{
	const struct x86_register *r = importer_find_x86_register(imp, name);

	return r ? r->table : (struct x86_table_reg){ 0, 0xffff };
}

/*
 * A GDT entry decoded by the SDM's layout (not with arch/x86_64/gdt.c), as
 * the CPU decodes it when the guest reloads a selector.
 */
static struct x86_segment_reg decode_descriptor(uint64_t d)
{
	uint32_t limit = (uint32_t)((d & 0xffff) | ((d >> 32) & 0xf0000));
	uint16_t attributes = (uint16_t)((d >> 40) & 0xf0ff);

	return (struct x86_segment_reg){
		.base = ((d >> 16) & 0xffffff) | ((d >> 32) & 0xff000000),
		.limit = X86_SEG_ATTR_G(attributes) ? limit << 12 | 0xfff : limit,
		.attributes = attributes,
	};
}

/* ---- comparing, with every difference collected ----------------------------- */

struct state_check {
	struct guest_run run;
	struct record_importer rec;
	const struct importer *imp; /* &rec.base */
	char diffs[4096];
	size_t len;
	unsigned int nr_diffs;
};

static void expect_value(struct state_check *c, const char *what, uint64_t got, uint64_t want,
                         const char *origin)
{
	if (got == want)
		return;
	c->nr_diffs++;
	if (c->len < sizeof(c->diffs))
		c->len +=
		    (size_t)snprintf(c->diffs + c->len, sizeof(c->diffs) - c->len,
		                     "\n  %-14s the guest read 0x%llx, expected 0x%llx (%s)", what,
		                     (unsigned long long)got, (unsigned long long)want, origin);
}

static void expect(struct state_check *c, unsigned int id, const char *what, uint64_t want,
                   const char *origin)
{
	expect_value(c, what, guest_reported(&c->run, id, what), want, origin);
}

static const char *origin_of(const struct state_check *c, enum x86_reg_name name)
{
	return importer_find_x86_register(c->imp, name) ? "imported" : "not imported: reset value";
}

static void expect_u64(struct state_check *c, unsigned int id, enum x86_reg_name name)
{
	expect(c, id, x86_reg_name_str(name), expected_u64(c->imp, name), origin_of(c, name));
}

static void expect_selector(struct state_check *c, unsigned int id, enum x86_reg_name name)
{
	char what[32];

	snprintf(what, sizeof(what), "%s selector", x86_reg_name_str(name));
	expect(c, id, what, expected_segment(c->imp, name).selector, origin_of(c, name));
}

static void expect_table(struct state_check *c, unsigned int id_base, unsigned int id_limit,
                         enum x86_reg_name name)
{
	struct x86_table_reg t = expected_table(c->imp, name);
	char what[32];

	snprintf(what, sizeof(what), "%s base", x86_reg_name_str(name));
	expect(c, id_base, what, t.base, origin_of(c, name));
	snprintf(what, sizeof(what), "%s limit", x86_reg_name_str(name));
	expect(c, id_limit, what, t.limit, origin_of(c, name));
}

/* The GDT entry behind the selector describes the imported hidden segment state. */
static void expect_descriptor(struct state_check *c, unsigned int id, enum x86_reg_name name)
{
	struct x86_segment_reg want = expected_segment(c->imp, name), got;
	char what[32];

	snprintf(what, sizeof(what), "%s GDT entry", x86_reg_name_str(name));
	got = decode_descriptor(guest_reported(&c->run, id, what));
	snprintf(what, sizeof(what), "%s GDT base", x86_reg_name_str(name));
	expect_value(c, what, got.base, want.base, "imported base");
	snprintf(what, sizeof(what), "%s GDT limit", x86_reg_name_str(name));
	expect_value(c, what, got.limit, want.limit, "imported limit");
	snprintf(what, sizeof(what), "%s GDT attrs", x86_reg_name_str(name));
	expect_value(c, what, got.attributes, want.attributes, "imported attributes");
}

static void expect_segment_base(struct state_check *c, unsigned int id, enum x86_reg_name name)
{
	char what[32];

	snprintf(what, sizeof(what), "%s base", x86_reg_name_str(name));
	expect(c, id, what, expected_segment(c->imp, name).base, origin_of(c, name));
}

/* Real mode: the marker at offset 0 of the segment's imported base. */
static void expect_probe(struct state_check *c, unsigned int id, enum x86_reg_name name)
{
	char what[32];

	snprintf(what, sizeof(what), "%s:0 dword", x86_reg_name_str(name));
	expect(c, id, what, guest_real16_probe_marker(expected_segment(c->imp, name).base),
	       "marker at the imported base");
}

/* What every entry mode imports or resets and every guest can read. */
static void expect_common_state(struct state_check *c)
{
	expect(c, REPORT_ENTRY, "entry RIP", expected_u64(c->imp, X86_REG_RIP), "imported");
	expect_u64(c, REPORT_RSP, X86_REG_RSP);
	expect_u64(c, REPORT_RSI, X86_REG_RSI);
	expect_u64(c, REPORT_RBX, X86_REG_RBX);
	expect_u64(c, REPORT_RFLAGS, X86_REG_RFLAGS);
	expect_u64(c, REPORT_CR0, X86_REG_CR0);
	expect_u64(c, REPORT_CR3, X86_REG_CR3);
	expect_u64(c, REPORT_CR4, X86_REG_CR4);
	expect_u64(c, REPORT_EFER, X86_REG_EFER);
	expect_u64(c, REPORT_PAT, X86_REG_PAT);
	expect_u64(c, REPORT_MTRR_DEF_TYPE, X86_REG_MTRR_DEF_TYPE);
	expect_table(c, REPORT_GDTR_BASE, REPORT_GDTR_LIMIT, X86_REG_GDTR);
	expect_table(c, REPORT_IDTR_BASE, REPORT_IDTR_LIMIT, X86_REG_IDTR);
	expect_selector(c, REPORT_CS, X86_REG_CS);
	expect_selector(c, REPORT_DS, X86_REG_DS);
	expect_selector(c, REPORT_ES, X86_REG_ES);
	expect_selector(c, REPORT_FS, X86_REG_FS);
	expect_selector(c, REPORT_GS, X86_REG_GS);
	expect_selector(c, REPORT_SS, X86_REG_SS);
}

static void run_and_record(const struct guest *g, struct state_check *c)
{
	memset(c, 0, sizeof(*c));
	guest_record(g, &c->rec);
	c->imp = &c->rec.base;
	guest_run(g, &c->run);
	guest_assert_exit(&c->run, 0);
}

static void assert_state_matches(struct state_check *c, const char *entry)
{
	importer_destroy(&c->rec.base);
	ck_assert_msg(c->nr_diffs == 0, "%s: %u value(s) differ from the imported state:%s", entry,
	              c->nr_diffs, c->diffs);
}

/* ---- the three entry states ----------------------------------------------- */

static const struct guest regs64 = { .name = "regs64", .entry = GUEST_ENTRY_LINUX64 };
static const struct guest regs32 = { .name = "regs32", .entry = GUEST_ENTRY_PVH32 };
static const struct guest regs16 = { .name = "regs16", .entry = GUEST_ENTRY_REAL16 };

START_TEST(linux_64bit_entry_state_reaches_the_guest)
{
	static struct state_check c;

	run_and_record(&regs64, &c);
	expect_common_state(&c);
	expect_selector(&c, REPORT_TR, X86_REG_TR);
	expect_segment_base(&c, REPORT_FS_BASE, X86_REG_FS);
	expect_segment_base(&c, REPORT_GS_BASE, X86_REG_GS);
	expect_descriptor(&c, REPORT_CS_DESCRIPTOR, X86_REG_CS);
	expect_descriptor(&c, REPORT_SS_DESCRIPTOR, X86_REG_SS);
	assert_state_matches(&c, "Linux 64-bit entry");
}
END_TEST

START_TEST(pvh_32bit_entry_state_reaches_the_guest)
{
	static struct state_check c;

	run_and_record(&regs32, &c);
	expect_common_state(&c);
	expect_selector(&c, REPORT_TR, X86_REG_TR);
	expect_descriptor(&c, REPORT_CS_DESCRIPTOR, X86_REG_CS);
	expect_descriptor(&c, REPORT_SS_DESCRIPTOR, X86_REG_SS);
	expect_descriptor(&c, REPORT_TR_DESCRIPTOR, X86_REG_TR);
	assert_state_matches(&c, "PVH 32-bit entry");
}
END_TEST

START_TEST(real_mode_state_reaches_the_guest)
{
	static struct state_check c;

	run_and_record(&regs16, &c);
	expect_common_state(&c);
	expect_probe(&c, REPORT_DS_PROBE, X86_REG_DS);
	expect_probe(&c, REPORT_ES_PROBE, X86_REG_ES);
	expect_probe(&c, REPORT_FS_PROBE, X86_REG_FS);
	expect_probe(&c, REPORT_GS_PROBE, X86_REG_GS);
	expect_probe(&c, REPORT_SS_PROBE, X86_REG_SS);
	assert_state_matches(&c, "real mode");
}
END_TEST

/* ---- every MSR the importer can set ------------------------------------------ */

#define NR_MTRRS (X86_REG_MTRR_FIX4K_F8000 - X86_REG_MTRR_PHYS_BASE0 + 1)

/*
 * A value KVM accepts, different for each MTRR: variable ranges of 256 MiB
 * with write-back type under 36 address bits, fixed ranges with a mix of the
 * five valid memory types.
 */
static uint64_t mtrr_value(unsigned int i)
{
	static const uint8_t types[] = { 0, 1, 4, 5, 6 }; /* UC WC WT WP WB */
	uint64_t v = 0;
	unsigned int j;

	if (i < 10)
		return i % 2 == 0 ? (i / 2) * 0x10000000ULL | 6 : 0xff0000800ULL;
	for (j = 0; j < 8; j++)
		v |= (uint64_t)types[(i + j) % ARRAY_SIZE(types)] << (8 * j);
	return v;
}

static int import_every_mtrr(struct importer *imp, struct err *e)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; !ret && i < NR_MTRRS; i++)
		ret = importer_import_x86_u64(imp, X86_REG_MTRR_PHYS_BASE0 + i, mtrr_value(i), e);
	return ret;
}

static const struct guest mtrrs = { .name = "mtrrs",
	                            .entry = GUEST_ENTRY_LINUX64,
	                            .import_more = import_every_mtrr };

/*
 * A loader may import PAT and all 16 MTRRs (18 MSRs, LOADER-SPEC §1.2); each
 * must reach the vCPU, none may be dropped.
 */
START_TEST(every_importable_msr_reaches_the_guest)
{
	static struct state_check c;
	unsigned int i;

	run_and_record(&mtrrs, &c);
	expect_u64(&c, REPORT_PAT, X86_REG_PAT);
	expect_u64(&c, REPORT_MTRR_DEF_TYPE, X86_REG_MTRR_DEF_TYPE);
	for (i = 0; i < NR_MTRRS; i++)
		expect_u64(&c, REPORT_MTRR(i), X86_REG_MTRR_PHYS_BASE0 + i);
	assert_state_matches(&c, "Linux 64-bit entry with every MTRR imported");
}
END_TEST

static Suite *kvm_regs_suite(void)
{
	Suite *s = suite_create("kvm_regs");
	TCase *tc = tcase_create("entry_state");
	TCase *msrs = tcase_create("imported_msrs");

	tcase_add_test(tc, linux_64bit_entry_state_reaches_the_guest);
	tcase_add_test(tc, pvh_32bit_entry_state_reaches_the_guest);
	tcase_add_test(tc, real_mode_state_reaches_the_guest);
	tcase_add_test(msrs, every_importable_msr_reaches_the_guest);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, msrs);
	return s;
}

int main(int argc, char **argv)
{
	return kvm_suite_main(kvm_regs_suite(), argc, argv);
}
