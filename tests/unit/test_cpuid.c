// SPDX-License-Identifier: MIT
/*
 * CPUID adjustments (arch/x86_64/cpuid.h, BOOT-REFERENCE §3.3) on hand-built
 * entry arrays shaped like KVM_GET_SUPPORTED_CPUID output, no KVM needed.
 * Topology is "nr_vcpus cores of one thread in one package"; every register
 * bit the VMM does not own must come through unchanged.
 */
#include <check.h>
#include <string.h>

#include "arch/x86_64/cpuid.h"
#include "lib/sizes.h"
#include "test_helpers.h"

#define SIG KVM_CPUID_FLAG_SIGNIFCANT_INDEX

#define L1_ECX_PDCM         (1u << 15)
#define L1_ECX_TSC_DEADLINE (1u << 24)
#define L1_ECX_HYPERVISOR   (1u << 31)
#define L1_EDX_HTT          (1u << 28)

enum { H_0, H_1, H_4_0, H_4_3, H_7, H_A, H_B_0, H_B_1, H_1F_0, H_1F_1, H_KVM, H_8008, H_801E };
#define LEAF(fn, idx, fl, a, b, c, d)                                                             \
	{                                                                                         \
		.function = fn, .index = idx, .flags = fl, .eax = a, .ebx = b, .ecx = c, .edx = d \
	}

/* A host's answer, fields non-zero so that cleared and kept bits both show. */
static const struct kvm_cpuid_entry2 host[] = {
	/* LEAF(function, index, flags, eax, ebx, ecx, edx) */
	[H_0] = LEAF(0x0, 0, 0, 0x1f, 0x756e6547, 0x6c65746e, 0x49656e69),
	[H_1] = LEAF(0x1, 0, 0, 0x000906ea, 0xffffffff, 0x76fab223, 0x178bfbff),
	[H_4_0] = LEAF(0x4, 0, SIG, 0xfc004121, 0x01c0003f, 0x3f, 0),
	[H_4_3] = LEAF(0x4, 3, SIG, 0xfc03c163, 0x03c0003f, 0x3fff, 6),
	[H_7] = LEAF(0x7, 0, SIG, 0, 0x029c6fbf, 0x40000000, 0xbc000400),
	[H_A] = LEAF(0xa, 0, 0, 0x07300404, 0x7f, 0xf, 0x603),
	[H_B_0] = LEAF(0xb, 0, SIG, 1, 2, 0x100, 0xee),
	[H_B_1] = LEAF(0xb, 1, SIG, 4, 8, 0x201, 0xee),
	[H_1F_0] = LEAF(0x1f, 0, SIG, 1, 2, 0x100, 0xee),
	[H_1F_1] = LEAF(0x1f, 1, SIG, 4, 8, 0x201, 0xee),
	[H_KVM] = LEAF(0x40000000, 0, 0, 0x40000001, 0x4b4d564b, 0x564b4d56, 0x4d),
	[H_8008] = LEAF(0x80000008, 0, 0, 0x3027, 0x12345678, 0xffffffff, 0x9),
	[H_801E] = LEAF(0x8000001e, 0, 0, 0x77, 0xabcd0177, 0xffffffff, 0x5),
};

#define GUARD 0xa5

static struct kvm_cpuid_entry2 ents[X86_CPUID_MAX_ENTRIES];
static unsigned int nent;

/* Loads n entries from src (guard bytes after them) and adjusts with room up to max. */
static void adjust_with(const struct kvm_cpuid_entry2 *src, unsigned int n, unsigned int max,
                        unsigned int apic_id, unsigned int nr_vcpus, bool tsc_deadline)
{
	struct x86_cpuid_config c = { apic_id, nr_vcpus, tsc_deadline };

	memset(ents, GUARD, sizeof(ents));
	memcpy(ents, src, n * sizeof(*src));
	nent = n;
	x86_cpuid_adjust(ents, &nent, max, &c);
}

static void adjust(unsigned int apic_id, unsigned int nr_vcpus)
{
	adjust_with(host, ARRAY_SIZE(host), X86_CPUID_MAX_ENTRIES, apic_id, nr_vcpus, false);
}

static const struct kvm_cpuid_entry2 *find(uint32_t function, uint32_t index)
{
	const struct kvm_cpuid_entry2 *found = NULL;
	unsigned int i;

	for (i = 0; i < nent; i++)
		if (ents[i].function == function && ents[i].index == index) {
			ck_assert_msg(!found, "leaf 0x%x.%u twice", function, index);
			found = &ents[i];
		}
	ck_assert_msg(found, "leaf 0x%x.%u missing", function, index);
	return found;
}

/* Entries from max on were not written. */
static void assert_guard_from(unsigned int max)
{
	const uint8_t *p = (const uint8_t *)&ents[max];
	size_t i;

	for (i = 0; i < (X86_CPUID_MAX_ENTRIES - max) * sizeof(ents[0]); i++)
		ck_assert_msg(p[i] == GUARD, "entry %zu written past max %u",
		              max + i / sizeof(ents[0]), max);
}

/* nr_vcpus -> smallest power of two >= it, and its log2. */
static const struct {
	unsigned int apic_id, nr_vcpus, pow2, bits;
} topo[] = {
	{ 0, 1, 1, 0 }, { 1, 2, 2, 1 },  { 2, 3, 4, 2 },    { 3, 4, 4, 2 },    { 4, 5, 8, 3 },
	{ 7, 8, 8, 3 }, { 8, 9, 16, 4 }, { 40, 33, 64, 6 }, { 63, 64, 64, 6 },
};

/* ---- leaf 1 ------------------------------------------------------------------ */

START_TEST(test_leaf1_ebx_has_apic_id_logical_count_and_clflush_size)
{
	adjust(topo[_i].apic_id, topo[_i].nr_vcpus);
	ck_assert_uint_eq(find(1, 0)->ebx, topo[_i].apic_id << 24 | topo[_i].pow2 << 16 | 8u << 8 |
	                                       (host[H_1].ebx & 0xff));
}
END_TEST

START_TEST(test_leaf1_ecx_sets_hypervisor_and_clears_pdcm)
{
	adjust(0, 1);
	ck_assert_uint_eq(find(1, 0)->ecx, (host[H_1].ecx | L1_ECX_HYPERVISOR) & ~L1_ECX_PDCM);
	ck_assert_uint_ne(host[H_1].ecx & L1_ECX_PDCM, 0); /* the input really had it */
}
END_TEST

START_TEST(test_leaf1_ecx_tsc_deadline_is_set_only_when_configured)
{
	static struct kvm_cpuid_entry2 leaf1[2];
	unsigned int with_bit, configured;

	for (with_bit = 0; with_bit < 2; with_bit++)
		for (configured = 0; configured < 2; configured++) {
			leaf1[0] = host[H_1];
			leaf1[0].ecx = with_bit ? L1_ECX_TSC_DEADLINE : 0;
			adjust_with(leaf1, 1, 2, 0, 1, configured);
			ck_assert_msg(!!(ents[0].ecx & L1_ECX_TSC_DEADLINE) == configured,
			              "KVM %s TSC-deadline, %sconfigured: ecx 0x%08x",
			              with_bit ? "reported" : "did not report",
			              configured ? "" : "not ", ents[0].ecx);
		}
}
END_TEST

START_TEST(test_leaf1_edx_htt_is_set_iff_more_than_one_vcpu)
{
	adjust(topo[_i].apic_id, topo[_i].nr_vcpus);
	ck_assert_uint_eq(find(1, 0)->edx,
	                  (host[H_1].edx & ~L1_EDX_HTT) | (topo[_i].nr_vcpus > 1 ? L1_EDX_HTT : 0));
}
END_TEST

START_TEST(test_leaf1_htt_set_from_a_host_without_it)
{
	struct kvm_cpuid_entry2 leaf1 = host[H_1];

	leaf1.edx = 0;
	adjust_with(&leaf1, 1, 1, 1, 2, false);
	ck_assert_uint_eq(ents[0].edx, L1_EDX_HTT);
}
END_TEST

/* ---- topology leaves 0xB and 0x1F --------------------------------------------- */

static void assert_topology(uint32_t leaf, unsigned int i)
{
	const struct kvm_cpuid_entry2 *smt = find(leaf, 0), *core = find(leaf, 1);

	ck_assert_uint_eq(smt->eax & 0x1f, 0); /* one thread per core: no SMT bits */
	ck_assert_uint_eq(smt->ebx, 1);
	ck_assert_uint_eq(smt->ecx, 1u << 8 | 0);
	ck_assert_uint_eq(smt->edx, topo[i].apic_id);
	ck_assert_uint_eq(core->eax & 0x1f, topo[i].bits);
	ck_assert_uint_eq(core->ebx, topo[i].nr_vcpus);
	ck_assert_uint_eq(core->ecx, 2u << 8 | 1);
	ck_assert_uint_eq(core->edx, topo[i].apic_id);
}

START_TEST(test_topology_leaves_describe_one_package_of_single_thread_cores)
{
	adjust(topo[_i].apic_id, topo[_i].nr_vcpus);
	assert_topology(0xb, (unsigned int)_i);
	assert_topology(0x1f, (unsigned int)_i);
	ck_assert_uint_eq(nent, ARRAY_SIZE(host)); /* both subleaves existed: nothing added */
}
END_TEST

START_TEST(test_topology_subleaf_past_the_core_level_is_invalid)
{
	struct kvm_cpuid_entry2 in[] = { host[H_B_0], host[H_B_1], host[H_B_1] };

	in[2].index = 2;
	adjust_with(in, 3, 3, 5, 6, false);
	ck_assert_uint_eq(ents[2].eax, 0);
	ck_assert_uint_eq(ents[2].ebx, 0);
	ck_assert_uint_eq(ents[2].ecx, 2); /* level type 0 (invalid), level number 2 */
	ck_assert_uint_eq(ents[2].edx, 5);
}
END_TEST

START_TEST(test_missing_core_subleaf_is_appended_when_there_is_room)
{
	const struct kvm_cpuid_entry2 in[] = { host[H_0], host[H_B_0], host[H_1], host[H_1F_0] };

	adjust_with(in, 4, 8, topo[_i].apic_id, topo[_i].nr_vcpus, false);
	ck_assert_uint_eq(nent, 6);
	ck_assert_uint_eq(find(0xb, 1)->flags, SIG);
	ck_assert_uint_eq(find(0x1f, 1)->flags, SIG);
	assert_topology(0xb, (unsigned int)_i);
	assert_topology(0x1f, (unsigned int)_i);
	assert_guard_from(6);
}
END_TEST

START_TEST(test_no_subleaf_is_appended_for_an_absent_topology_leaf)
{
	const struct kvm_cpuid_entry2 in[] = { host[H_0], host[H_1], host[H_A] };

	adjust_with(in, 3, 8, 0, 4, false);
	ck_assert_uint_eq(nent, 3);
	assert_guard_from(3);
}
END_TEST

START_TEST(test_appending_stops_at_max)
{
	const struct kvm_cpuid_entry2 in[] = { host[H_B_0], host[H_1F_0] };
	unsigned int max;

	for (max = 2; max <= 3; max++) {
		adjust_with(in, 2, max, 0, 4, false);
		ck_assert_uint_eq(nent, max);
		assert_guard_from(max);
	}
}
END_TEST

/* ---- other leaves ---------------------------------------------------------------- */

START_TEST(test_leaf_0xa_pmu_is_zeroed)
{
	adjust(0, 2);
	ck_assert_uint_eq(
	    find(0xa, 0)->eax | find(0xa, 0)->ebx | find(0xa, 0)->ecx | find(0xa, 0)->edx, 0);
}
END_TEST

START_TEST(test_leaf4_eax_31_26_is_core_ids_per_package_minus_1_in_every_subleaf)
{
	static const unsigned int hi[] = { H_4_0, H_4_3 };
	unsigned int i;

	adjust(topo[_i].apic_id, topo[_i].nr_vcpus);
	for (i = 0; i < ARRAY_SIZE(hi); i++) {
		const struct kvm_cpuid_entry2 *h = &host[hi[i]], *l4 = find(4, h->index);

		ck_assert_uint_eq(l4->eax, (topo[_i].pow2 - 1) << 26 | (h->eax & 0x03ffffff));
		ck_assert_uint_eq(l4->ebx, h->ebx);
		ck_assert_uint_eq(l4->ecx, h->ecx);
		ck_assert_uint_eq(l4->edx, h->edx);
	}
}
END_TEST

START_TEST(test_leaf_0x80000008_ecx_has_nc_and_apic_id_core_id_size)
{
	const struct kvm_cpuid_entry2 *h = &host[H_8008], *l;

	adjust(topo[_i].apic_id, topo[_i].nr_vcpus);
	l = find(0x80000008, 0);
	ck_assert_uint_eq(l->ecx & 0xff, topo[_i].nr_vcpus - 1);
	ck_assert_uint_eq((l->ecx >> 12) & 0xf, topo[_i].bits);
	ck_assert_uint_eq(l->ecx & ~0xf0ffu, h->ecx & ~0xf0ffu);
	ck_assert_uint_eq(l->eax, h->eax);
	ck_assert_uint_eq(l->ebx, h->ebx);
	ck_assert_uint_eq(l->edx, h->edx);
}
END_TEST

START_TEST(test_leaf_0x8000001e_has_apic_id_core_id_one_thread_and_node_0)
{
	const struct kvm_cpuid_entry2 *h = &host[H_801E], *l;

	adjust(topo[_i].apic_id, topo[_i].nr_vcpus);
	l = find(0x8000001e, 0);
	ck_assert_uint_eq(l->eax, topo[_i].apic_id);        /* extended APIC ID */
	ck_assert_uint_eq(l->ebx & 0xff, topo[_i].apic_id); /* core ID */
	ck_assert_uint_eq((l->ebx >> 8) & 0xff, 0);         /* threads per core - 1 */
	ck_assert_uint_eq(l->ebx >> 16, h->ebx >> 16);
	ck_assert_uint_eq(l->ecx & 0xff, 0); /* node ID */
	ck_assert_uint_eq(l->ecx & ~0xffu, h->ecx & ~0xffu);
	ck_assert_uint_eq(l->edx, h->edx);
}
END_TEST

START_TEST(test_leaves_the_vmm_does_not_own_pass_through_unchanged)
{
	static const unsigned int kept[] = { H_0, H_7, H_KVM };
	unsigned int i;

	adjust(3, 4);
	for (i = 0; i < ARRAY_SIZE(kept); i++)
		ck_assert_mem_eq(&ents[kept[i]], &host[kept[i]], sizeof(host[0]));
}
END_TEST

static Suite *cpuid_suite(void)
{
	Suite *s = suite_create("cpuid");
	TCase *l1 = tcase_create("leaf 1");
	TCase *tp = tcase_create("topology");
	TCase *other = tcase_create("other leaves");
	const int nt = (int)ARRAY_SIZE(topo);

	tcase_add_loop_test(l1, test_leaf1_ebx_has_apic_id_logical_count_and_clflush_size, 0, nt);
	tcase_add_test(l1, test_leaf1_ecx_sets_hypervisor_and_clears_pdcm);
	tcase_add_test(l1, test_leaf1_ecx_tsc_deadline_is_set_only_when_configured);
	tcase_add_loop_test(l1, test_leaf1_edx_htt_is_set_iff_more_than_one_vcpu, 0, nt);
	tcase_add_test(l1, test_leaf1_htt_set_from_a_host_without_it);
	tcase_add_loop_test(tp, test_topology_leaves_describe_one_package_of_single_thread_cores, 0,
	                    nt);
	tcase_add_test(tp, test_topology_subleaf_past_the_core_level_is_invalid);
	tcase_add_loop_test(tp, test_missing_core_subleaf_is_appended_when_there_is_room, 0, nt);
	tcase_add_test(tp, test_no_subleaf_is_appended_for_an_absent_topology_leaf);
	tcase_add_test(tp, test_appending_stops_at_max);
	tcase_add_test(other, test_leaf_0xa_pmu_is_zeroed);
	tcase_add_loop_test(
	    other, test_leaf4_eax_31_26_is_core_ids_per_package_minus_1_in_every_subleaf, 0, nt);
	tcase_add_loop_test(other, test_leaf_0x80000008_ecx_has_nc_and_apic_id_core_id_size, 0, nt);
	tcase_add_loop_test(other, test_leaf_0x8000001e_has_apic_id_core_id_one_thread_and_node_0,
	                    0, nt);
	tcase_add_test(other, test_leaves_the_vmm_does_not_own_pass_through_unchanged);
	suite_add_tcase(s, l1);
	suite_add_tcase(s, tp);
	suite_add_tcase(s, other);
	return s;
}

int main(void)
{
	return run_suite(cpuid_suite());
}
