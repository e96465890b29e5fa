// SPDX-License-Identifier: MIT
/*
 * arch/aarch64/one_reg.c: every importer AArch64 register becomes the
 * KVM_SET_ONE_REG id LOADER-SPEC §5.3 and BOOT-REFERENCE §6.5 give (numbers
 * computed there with a C program against <asm/kvm.h>), and the imports come
 * out in import order.
 */
#include "arch/aarch64/one_reg.h"
#include "loader/importer_record.h"
#include "test_helpers.h"

static const struct {
	enum a64_reg_name name;
	uint64_t id;
} expected_ids[] = {
	{ A64_REG_PC, 0x6030000000100040ULL },        { A64_REG_X0, 0x6030000000100000ULL },
	{ A64_REG_X1, 0x6030000000100002ULL },        { A64_REG_X2, 0x6030000000100004ULL },
	{ A64_REG_X3, 0x6030000000100006ULL },        { A64_REG_X4, 0x6030000000100008ULL },
	{ A64_REG_X5, 0x603000000010000aULL },        { A64_REG_X6, 0x603000000010000cULL },
	{ A64_REG_X7, 0x603000000010000eULL },        { A64_REG_CPSR, 0x6030000000100042ULL },
	{ A64_REG_VBAR_EL1, 0x603000000013c600ULL },  { A64_REG_TTBR0_EL1, 0x603000000013c100ULL },
	{ A64_REG_TTBR1_EL1, 0x603000000013c101ULL }, { A64_REG_MAIR_EL1, 0x603000000013c510ULL },
	{ A64_REG_SCTLR_EL1, 0x603000000013c080ULL }, { A64_REG_TCR_EL1, 0x603000000013c102ULL },
};

START_TEST(every_register_has_its_spec_id)
{
	unsigned int i;

	ck_assert_uint_eq(ARRAY_SIZE(expected_ids), A64_REG_COUNT);
	for (i = 0; i < ARRAY_SIZE(expected_ids); i++)
		ck_assert_msg(a64_one_reg_id(expected_ids[i].name) == expected_ids[i].id,
		              "%s: id 0x%llx, expected 0x%llx",
		              a64_reg_name_str(expected_ids[i].name),
		              (unsigned long long)a64_one_reg_id(expected_ids[i].name),
		              (unsigned long long)expected_ids[i].id);
}
END_TEST

START_TEST(other_ids_from_the_reference)
{
	ck_assert_uint_eq(A64_ONE_REG_MPIDR_EL1, 0x603000000013c005ULL);
	ck_assert_uint_eq(A64_ONE_REG_CORE(A64_CORE_OFF_SP), 0x603000000010003eULL);
	ck_assert_uint_eq(a64_one_reg_id(A64_REG_COUNT), 0);
}
END_TEST

START_TEST(imports_translate_in_import_order)
{
	struct mem_range ram = { SZ_1G, SZ_1G + SZ_16M };
	const struct a64_register regs[] = {
		{ A64_REG_TCR_EL1, 0x580803591ULL },
		{ A64_REG_PC, 0x40200000ULL },
		{ A64_REG_X0, 0x42000000ULL },
	};
	struct a64_one_reg out[4];
	struct record_importer ri;
	struct err e = { 0 };
	unsigned int i;

	record_importer_init(&ri, GUEST_ARCH_AARCH64, &ram, 1);
	for (i = 0; i < ARRAY_SIZE(regs); i++)
		ck_assert_ok(importer_import_a64_register(&ri.base, &regs[i], &e), e);
	ck_assert_uint_eq(a64_imported_one_regs(&ri.base, out, 4), 3);
	for (i = 0; i < ARRAY_SIZE(regs); i++) {
		ck_assert_int_eq(out[i].name, regs[i].name);
		ck_assert_uint_eq(out[i].value, regs[i].value);
		ck_assert_uint_eq(out[i].id, a64_one_reg_id(regs[i].name));
	}
	ck_assert_uint_eq(a64_imported_one_regs(&ri.base, out, 2), 2); /* bounded by max */
	importer_destroy(&ri.base);
}
END_TEST

static Suite *one_reg_suite(void)
{
	Suite *s = suite_create("a64_one_reg");
	TCase *tc = tcase_create("ids");

	tcase_add_test(tc, every_register_has_its_spec_id);
	tcase_add_test(tc, other_ids_from_the_reference);
	tcase_add_test(tc, imports_translate_in_import_order);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(one_reg_suite());
}
