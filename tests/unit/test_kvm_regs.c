// SPDX-License-Identifier: MIT
/*
 * Imported registers -> KVM vCPU state (arch/x86_64/kvm_regs.h, LOADER-SPEC
 * §5.2). Registers are imported into a recording importer; kvm_regs and
 * kvm_sregs start from a known byte pattern standing for the vCPU's reset
 * state, and each test compares the whole structs, so a register written to
 * the wrong field, or a field written that nobody imported, both show.
 */
#include <check.h>
#include <stddef.h>
#include <string.h>

#include "arch/x86_64/kvm_regs.h"
#include "lib/sizes.h"
#include "loader/importer_record.h"
#include "test_helpers.h"

#define RESET_BYTE 0xa5

static const struct mem_range ram[] = { { 0, SZ_1M } };
static struct record_importer ri;
static struct importer *imp;
static struct err e;
static struct kvm_regs regs, want_regs;
static struct kvm_sregs sregs, want_sregs;

static void setup(void)
{
	record_importer_init(&ri, GUEST_ARCH_X86_64, ram, ARRAY_SIZE(ram));
	imp = &ri.base;
	memset(&regs, RESET_BYTE, sizeof(regs));
	memset(&sregs, RESET_BYTE, sizeof(sregs));
	want_regs = regs;
	want_sregs = sregs;
}

static void teardown(void)
{
	importer_destroy(imp);
}

static void import_u64(enum x86_reg_name name, uint64_t v)
{
	ck_assert_ok(importer_import_x86_u64(imp, name, v, &e), e);
}

static void import_seg(enum x86_reg_name name, struct x86_segment_reg s)
{
	struct x86_register r = { .name = name, .seg = s };

	ck_assert_ok(importer_import_x86_register(imp, &r, &e), e);
}

static void import_table(enum x86_reg_name name, uint64_t base, uint16_t limit)
{
	struct x86_register r = { .name = name, .table = { base, limit } };

	ck_assert_ok(importer_import_x86_register(imp, &r, &e), e);
}

static void apply_and_compare(void)
{
	x86_apply_bsp_imports(imp, &regs, &sregs);
	ck_assert_mem_eq(&regs, &want_regs, sizeof(regs));
	ck_assert_mem_eq(&sregs, &want_sregs, sizeof(sregs));
}

/* offset, in sregs? */
#define IN_REGS(f)  offsetof(struct kvm_regs, f), false
#define IN_SREGS(f) offsetof(struct kvm_sregs, f), true

/* Where each u64 register lands. */
static const struct {
	enum x86_reg_name name;
	size_t off;
	bool sregs;
} u64_fields[] = {
	{ X86_REG_RAX, IN_REGS(rax) },  { X86_REG_RBX, IN_REGS(rbx) },
	{ X86_REG_RCX, IN_REGS(rcx) },  { X86_REG_RDX, IN_REGS(rdx) },
	{ X86_REG_RSI, IN_REGS(rsi) },  { X86_REG_RDI, IN_REGS(rdi) },
	{ X86_REG_RSP, IN_REGS(rsp) },  { X86_REG_RBP, IN_REGS(rbp) },
	{ X86_REG_R8, IN_REGS(r8) },    { X86_REG_R9, IN_REGS(r9) },
	{ X86_REG_R10, IN_REGS(r10) },  { X86_REG_R11, IN_REGS(r11) },
	{ X86_REG_R12, IN_REGS(r12) },  { X86_REG_R13, IN_REGS(r13) },
	{ X86_REG_R14, IN_REGS(r14) },  { X86_REG_R15, IN_REGS(r15) },
	{ X86_REG_RIP, IN_REGS(rip) },  { X86_REG_RFLAGS, IN_REGS(rflags) },
	{ X86_REG_CR0, IN_SREGS(cr0) }, { X86_REG_CR3, IN_SREGS(cr3) },
	{ X86_REG_CR4, IN_SREGS(cr4) }, { X86_REG_EFER, IN_SREGS(efer) },
};

static const struct {
	enum x86_reg_name name;
	size_t off;
} seg_fields[] = {
	{ X86_REG_CS, offsetof(struct kvm_sregs, cs) },
	{ X86_REG_DS, offsetof(struct kvm_sregs, ds) },
	{ X86_REG_ES, offsetof(struct kvm_sregs, es) },
	{ X86_REG_FS, offsetof(struct kvm_sregs, fs) },
	{ X86_REG_GS, offsetof(struct kvm_sregs, gs) },
	{ X86_REG_SS, offsetof(struct kvm_sregs, ss) },
	{ X86_REG_TR, offsetof(struct kvm_sregs, tr) },
};

/* The MSR behind each MSR register (Intel SDM vol. 4). */
static const struct {
	enum x86_reg_name name;
	uint32_t index;
} msrs[] = {
	{ X86_REG_PAT, 0x277 },
	{ X86_REG_MTRR_DEF_TYPE, 0x2ff },
	{ X86_REG_MTRR_PHYS_BASE0, 0x200 },
	{ X86_REG_MTRR_PHYS_MASK0, 0x201 },
	{ X86_REG_MTRR_PHYS_BASE1, 0x202 },
	{ X86_REG_MTRR_PHYS_MASK1, 0x203 },
	{ X86_REG_MTRR_PHYS_BASE2, 0x204 },
	{ X86_REG_MTRR_PHYS_MASK2, 0x205 },
	{ X86_REG_MTRR_PHYS_BASE3, 0x206 },
	{ X86_REG_MTRR_PHYS_MASK3, 0x207 },
	{ X86_REG_MTRR_PHYS_BASE4, 0x208 },
	{ X86_REG_MTRR_PHYS_MASK4, 0x209 },
	{ X86_REG_MTRR_FIX64K_00000, 0x250 },
	{ X86_REG_MTRR_FIX16K_80000, 0x258 },
	{ X86_REG_MTRR_FIX4K_E0000, 0x26c },
	{ X86_REG_MTRR_FIX4K_E8000, 0x26d },
	{ X86_REG_MTRR_FIX4K_F0000, 0x26e },
	{ X86_REG_MTRR_FIX4K_F8000, 0x26f },
};

/* ---- segment translation -------------------------------------------------- */

/* attributes -> type, S, DPL, P, AVL, L, D/B, G; bits 8-11 are not attributes. */
static const struct {
	uint16_t attr;
	uint8_t type, s, dpl, p, avl, l, db, g;
} attrs[] = {
	{ 0x0001, 0x1, 0, 0, 0, 0, 0, 0, 0 }, { 0x000f, 0xf, 0, 0, 0, 0, 0, 0, 0 },
	{ 0x0010, 0x0, 1, 0, 0, 0, 0, 0, 0 }, { 0x0020, 0x0, 0, 1, 0, 0, 0, 0, 0 },
	{ 0x0040, 0x0, 0, 2, 0, 0, 0, 0, 0 }, { 0x0060, 0x0, 0, 3, 0, 0, 0, 0, 0 },
	{ 0x0080, 0x0, 0, 0, 1, 0, 0, 0, 0 }, { 0x1000, 0x0, 0, 0, 0, 1, 0, 0, 0 },
	{ 0x2000, 0x0, 0, 0, 0, 0, 1, 0, 0 }, { 0x4000, 0x0, 0, 0, 0, 0, 0, 1, 0 },
	{ 0x8000, 0x0, 0, 0, 0, 0, 0, 0, 1 }, { 0x0f00, 0x0, 0, 0, 0, 0, 0, 0, 0 },
	{ 0xa09b, 0xb, 1, 0, 1, 0, 1, 0, 1 }, /* 64-bit code */
	{ 0xc093, 0x3, 1, 0, 1, 0, 0, 1, 1 }, /* flat data */
	{ 0x008b, 0xb, 0, 0, 1, 0, 0, 0, 0 }, /* busy TSS */
	{ 0xc09b, 0xb, 1, 0, 1, 0, 0, 1, 1 }, /* 32-bit code */
	{ 0x0093, 0x3, 1, 0, 1, 0, 0, 0, 0 }, /* real-mode data */
	{ 0x009b, 0xb, 1, 0, 1, 0, 0, 0, 0 }, /* real-mode code */
	{ 0xffff, 0xf, 1, 3, 1, 1, 1, 1, 1 },
};

static struct kvm_segment kvm_seg(uint64_t base, uint32_t limit, uint16_t sel, unsigned int i)
{
	struct kvm_segment k;

	memset(&k, 0, sizeof(k));
	k.base = base;
	k.limit = limit;
	k.selector = sel;
	k.type = attrs[i].type;
	k.s = attrs[i].s;
	k.dpl = attrs[i].dpl;
	k.present = attrs[i].p;
	k.avl = attrs[i].avl;
	k.l = attrs[i].l;
	k.db = attrs[i].db;
	k.g = attrs[i].g;
	return k;
}

static unsigned int attr_row(uint16_t attr)
{
	unsigned int i;

	for (i = 0; attrs[i].attr != attr; i++)
		;
	return i;
}

START_TEST(test_segment_attributes_map_bit_by_bit_to_kvm_fields)
{
	struct x86_segment_reg s = { 0xffffffff00001000ull, 0xfffff, 0x18, attrs[_i].attr };
	struct kvm_segment out, want = kvm_seg(s.base, s.limit, s.selector, (unsigned int)_i);

	memset(&out, 0xff, sizeof(out)); /* unusable and padding must come out 0 */
	x86_segment_to_kvm(&s, &out);
	ck_assert_msg(!memcmp(&out, &want, sizeof(out)),
	              "attributes 0x%04x: type %u s %u dpl %u p %u avl %u l %u db %u g %u",
	              s.attributes, out.type, out.s, out.dpl, out.present, out.avl, out.l, out.db,
	              out.g);
}
END_TEST

/* ---- x86_apply_bsp_imports ---------------------------------------------------- */

START_TEST(test_nothing_imported_leaves_the_reset_state)
{
	apply_and_compare();
}
END_TEST

START_TEST(test_each_u64_register_writes_only_its_own_field)
{
	uint64_t v = 0x0123456789abcdefull ^ (uint64_t)_i;
	uint8_t *base = u64_fields[_i].sregs ? (uint8_t *)&want_sregs : (uint8_t *)&want_regs;

	import_u64(u64_fields[_i].name, v);
	memcpy(base + u64_fields[_i].off, &v, sizeof(v));
	apply_and_compare();
}
END_TEST

START_TEST(test_each_segment_register_writes_only_its_own_segment)
{
	unsigned int row = attr_row(0xc093);
	struct kvm_segment k = kvm_seg(0x10000 * (_i + 1), 0xffff, (uint16_t)(8 * _i), row);

	import_seg(seg_fields[_i].name,
	           (struct x86_segment_reg){ k.base, k.limit, k.selector, 0xc093 });
	memcpy((uint8_t *)&want_sregs + seg_fields[_i].off, &k, sizeof(k));
	apply_and_compare();
}
END_TEST

START_TEST(test_gdtr_and_idtr_write_base_and_limit_of_their_tables)
{
	import_table(X86_REG_IDTR, 0xfffff000, 0x0fff);
	import_table(X86_REG_GDTR, 0x1000, 31);
	want_sregs.gdt.base = 0x1000;
	want_sregs.gdt.limit = 31;
	want_sregs.idt.base = 0xfffff000;
	want_sregs.idt.limit = 0x0fff;
	apply_and_compare();
}
END_TEST

START_TEST(test_msr_registers_leave_regs_and_sregs_alone)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(msrs); i++)
		import_u64(msrs[i].name, 0x0606060606060606ull);
	apply_and_compare();
}
END_TEST

/* LOADER-SPEC §4.3: the Linux direct-boot register set, in its import order. */
START_TEST(test_linux_direct_boot_registers_land_and_tr_idtr_ldtr_rflags_rsp_stay)
{
	static const enum x86_reg_name data[] = { X86_REG_DS, X86_REG_ES, X86_REG_FS, X86_REG_GS,
		                                  X86_REG_SS };
	struct kvm_segment *want_data[] = { &want_sregs.ds, &want_sregs.es, &want_sregs.fs,
		                            &want_sregs.gs, &want_sregs.ss };
	unsigned int i;

	import_table(X86_REG_GDTR, 0x1000, 31);
	for (i = 0; i < ARRAY_SIZE(data); i++) {
		import_seg(data[i], (struct x86_segment_reg){ 0, 0xffffffff, 0x10, 0xc093 });
		*want_data[i] = kvm_seg(0, 0xffffffff, 0x10, attr_row(0xc093));
	}
	import_seg(X86_REG_CS, (struct x86_segment_reg){ 0, 0xffffffff, 0x08, 0xa09b });
	import_u64(X86_REG_CR0, 0x80000001);
	import_u64(X86_REG_CR3, 0x4000);
	import_u64(X86_REG_CR4, 0x20);
	import_u64(X86_REG_EFER, 0xd01);
	import_u64(X86_REG_PAT, 0x0007040600070406ull);
	import_u64(X86_REG_RIP, 0x1000000);
	import_u64(X86_REG_RSI, 0x2000);
	import_u64(X86_REG_MTRR_DEF_TYPE, 0xc00);
	want_sregs.gdt.base = 0x1000;
	want_sregs.gdt.limit = 31;
	want_sregs.cs = kvm_seg(0, 0xffffffff, 0x08, attr_row(0xa09b));
	want_sregs.cr0 = 0x80000001;
	want_sregs.cr3 = 0x4000;
	want_sregs.cr4 = 0x20;
	want_sregs.efer = 0xd01;
	want_regs.rip = 0x1000000;
	want_regs.rsi = 0x2000;
	apply_and_compare();
}
END_TEST

/* Every register is applied to regs/sregs or is an MSR: none is silently dropped. */
START_TEST(test_every_register_is_applied_or_is_an_msr)
{
	enum x86_reg_name n = (enum x86_reg_name)_i;
	struct x86_register r = { .name = n };
	bool changed;

	if (x86_reg_kind(n) == X86_REG_KIND_TABLE)
		r.table = (struct x86_table_reg){ 0x1000, 0x17 };
	else if (x86_reg_kind(n) == X86_REG_KIND_SEGMENT)
		r.seg = (struct x86_segment_reg){ 0, 0xffff, 0x8, 0x9b };
	else
		r.value = 0x42;
	ck_assert_ok(importer_import_x86_register(imp, &r, &e), e);
	x86_apply_bsp_imports(imp, &regs, &sregs);
	changed =
	    memcmp(&regs, &want_regs, sizeof(regs)) || memcmp(&sregs, &want_sregs, sizeof(sregs));
	ck_assert_msg(changed != (x86_reg_msr_index(n) != 0), "%s: %s", x86_reg_name_str(n),
	              changed ? "applied and an MSR" : "neither applied nor an MSR");
}
END_TEST

/* ---- MSRs and register metadata ------------------------------------------------- */

START_TEST(test_msr_index_of_every_register_name)
{
	enum x86_reg_name n = (enum x86_reg_name)_i;
	uint32_t want = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(msrs); i++)
		if (msrs[i].name == n)
			want = msrs[i].index;
	ck_assert_msg(x86_reg_msr_index(n) == want, "%s: MSR 0x%x, want 0x%x", x86_reg_name_str(n),
	              x86_reg_msr_index(n), want);
}
END_TEST

START_TEST(test_kind_of_every_register_name)
{
	enum x86_reg_name n = (enum x86_reg_name)_i;
	enum x86_reg_kind want = X86_REG_KIND_U64;
	unsigned int i;

	if (n == X86_REG_GDTR || n == X86_REG_IDTR)
		want = X86_REG_KIND_TABLE;
	for (i = 0; i < ARRAY_SIZE(seg_fields); i++)
		if (seg_fields[i].name == n)
			want = X86_REG_KIND_SEGMENT;
	ck_assert_msg(x86_reg_kind(n) == want, "%s: kind %d, want %d", x86_reg_name_str(n),
	              x86_reg_kind(n), want);
}
END_TEST

/* Imports every MSR register in reverse table order, with GPRs in between. */
static void import_all_msrs(void)
{
	unsigned int i;

	import_u64(X86_REG_RIP, 0x100000);
	for (i = ARRAY_SIZE(msrs); i-- > 0;) {
		import_u64(msrs[i].name, 0x1111111100000000ull | i);
		if (i == ARRAY_SIZE(msrs) / 2)
			import_u64(X86_REG_CR0, 0x80000001);
	}
}

START_TEST(test_imported_msrs_come_out_in_import_order_with_their_index)
{
	struct kvm_msr_entry out[2 * ARRAY_SIZE(msrs)];
	unsigned int i, n;

	import_all_msrs();
	n = x86_imported_msrs(imp, out, ARRAY_SIZE(out));
	ck_assert_uint_eq(n, ARRAY_SIZE(msrs));
	for (i = 0; i < n; i++) {
		unsigned int row = (unsigned int)ARRAY_SIZE(msrs) - 1 - i;

		ck_assert_uint_eq(out[i].index, msrs[row].index);
		ck_assert_uint_eq(out[i].data, 0x1111111100000000ull | row);
		ck_assert_uint_eq(out[i].reserved, 0);
	}
}
END_TEST

START_TEST(test_imported_msrs_stop_at_max)
{
	struct kvm_msr_entry out[8];
	unsigned int max;

	import_all_msrs();
	for (max = 0; max <= 5; max++) {
		memset(out, 0xee, sizeof(out));
		ck_assert_uint_eq(x86_imported_msrs(imp, out, max), max);
		if (max)
			ck_assert_uint_eq(out[max - 1].index, msrs[ARRAY_SIZE(msrs) - max].index);
		ck_assert_uint_eq(out[max].index, 0xeeeeeeee);
	}
}
END_TEST

START_TEST(test_max_imported_msrs_has_room_for_every_msr_register)
{
	unsigned int n, count = 0;

	for (n = 0; n < X86_REG_COUNT; n++)
		count += x86_reg_msr_index((enum x86_reg_name)n) != 0;
	ck_assert_uint_eq(count, ARRAY_SIZE(msrs));
	ck_assert_msg(count <= X86_MAX_IMPORTED_MSRS,
	              "%u importable MSRs but X86_MAX_IMPORTED_MSRS is %d: the rest are dropped",
	              count, X86_MAX_IMPORTED_MSRS);
}
END_TEST

static Suite *kvm_regs_suite(void)
{
	Suite *s = suite_create("kvm_regs");
	TCase *seg = tcase_create("segments");
	TCase *bsp = tcase_create("boot processor");
	TCase *msr = tcase_create("MSRs and names");

	tcase_add_loop_test(seg, test_segment_attributes_map_bit_by_bit_to_kvm_fields, 0,
	                    (int)ARRAY_SIZE(attrs));
	tcase_add_checked_fixture(bsp, setup, teardown);
	tcase_add_test(bsp, test_nothing_imported_leaves_the_reset_state);
	tcase_add_loop_test(bsp, test_each_u64_register_writes_only_its_own_field, 0,
	                    (int)ARRAY_SIZE(u64_fields));
	tcase_add_loop_test(bsp, test_each_segment_register_writes_only_its_own_segment, 0,
	                    (int)ARRAY_SIZE(seg_fields));
	tcase_add_test(bsp, test_gdtr_and_idtr_write_base_and_limit_of_their_tables);
	tcase_add_test(bsp, test_msr_registers_leave_regs_and_sregs_alone);
	tcase_add_test(bsp, test_linux_direct_boot_registers_land_and_tr_idtr_ldtr_rflags_rsp_stay);
	tcase_add_loop_test(bsp, test_every_register_is_applied_or_is_an_msr, 0, X86_REG_COUNT);
	tcase_add_checked_fixture(msr, setup, teardown);
	tcase_add_loop_test(msr, test_msr_index_of_every_register_name, 0, X86_REG_COUNT);
	tcase_add_loop_test(msr, test_kind_of_every_register_name, 0, X86_REG_COUNT);
	tcase_add_test(msr, test_imported_msrs_come_out_in_import_order_with_their_index);
	tcase_add_test(msr, test_imported_msrs_stop_at_max);
	tcase_add_test(msr, test_max_imported_msrs_has_room_for_every_msr_register);
	suite_add_tcase(s, seg);
	suite_add_tcase(s, bsp);
	suite_add_tcase(s, msr);
	return s;
}

int main(void)
{
	return run_suite(kvm_regs_suite());
}
