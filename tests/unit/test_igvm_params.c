// SPDX-License-Identifier: MIT
/*
 * vmm/igvm_params.c and vmm/igvm_dt.c: the host's side of IGVM parameters
 * (LOADER-SPEC §6.2, §6.3). Each payload on its own — VP count, memory map,
 * command line, MMIO ranges, the device tree read back with libfdt, the
 * "nothing to say" SLIT/PPTT/SRAT tables and the copied MADT — then
 * igvm_params_fill() over a recording importer's parameter areas: payloads
 * at byte offsets, initial data kept, the OpenHCL areas, and payloads that do
 * not fit their area (OpenVMM's ParameterTooLarge).
 */
#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "loader/importer_record.h"
#include "loader/paravisor.h"
#include "test_helpers.h"
#include "vmm/igvm_params.h"

#define MIB(x) ((uint64_t)(x) << 20)

#define HOST_CMDLINE "console=ttyS0 quiet"
#define AREA_GPA     0x100000ULL

/* An MADT as the VM would have it: header + local APIC address + flags + two entries. */
/* clang-format off */
static const uint8_t madt[] = {
	'A', 'P', 'I', 'C', 60, 0, 0, 0, 5, 0x8e, 'M', 'I', 'N', 'V', 'M', 'M',
	'M', 'I', 'N', 'I', 'V', 'M', 'M', ' ', 1, 0, 0, 0, 'M', 'V', 'M', 'M',
	1, 0, 0, 0, 0x00, 0x00, 0xe0, 0xfe, 1, 0, 0, 0, /* LAPIC 0xfee00000, PCAT_COMPAT */
	0, 8, 0, 0, 1, 0, 0, 0, 0, 8, 1, 1, 1, 0, 0, 0, /* processor local APIC 0 and 1 */
};
/* clang-format on */

static void host_init(struct igvm_host_info *h)
{
	memset(h, 0, sizeof(*h));
	h->nr_vcpus = 4;
	h->memory[0] =
	    (struct igvm_memory_map_entry){ 0, MIB(128) >> 12, IGVM_MEMORY_MAP_ENTRY_MEMORY, 0, 0 };
	h->memory[1] =
	    (struct igvm_memory_map_entry){ MIB(128) >> 12, MIB(64) >> 12,
		                            IGVM_MEMORY_MAP_ENTRY_VTL2_PROTECTABLE, 0, 0 };
	h->memory[2] = (struct igvm_memory_map_entry){ MIB(192) >> 12, (SZ_1G - MIB(192)) >> 12,
		                                       IGVM_MEMORY_MAP_ENTRY_MEMORY, 0, 0 };
	h->nr_memory = 3;
	h->cmdline = HOST_CMDLINE;
	h->madt = madt;
	h->madt_len = sizeof(madt);
	h->mmio_low_start = 0xc0000000;
	h->mmio_low_end = 0xfec00000;
	h->com1_port = 0x3f8;
	h->com1_irq = 4;
}

static void rec_init(struct record_importer *ri)
{
	struct mem_range ram = { 0, SZ_1G };

	record_importer_init(ri, GUEST_ARCH_X86_64, &ram, 1);
}

/* Creates an area of pages at gpa with one parameter at byte_offset; returns its index. */
static uint32_t add_area(struct record_importer *ri, gpa_t gpa, uint32_t pages, const char *tag,
                         uint32_t byte_offset, enum igvm_parameter_type type)
{
	struct parameter_area_index idx;
	struct err e = { 0 };

	ck_assert_ok(
	    importer_create_parameter_area(&ri->base, gpa >> PAGE_SHIFT, pages, tag, &idx, &e), e);
	ck_assert_ok(importer_import_parameter(&ri->base, idx, byte_offset, type, &e), e);
	return idx.index;
}

static void rec_read(struct record_importer *ri, gpa_t gpa, void *buf, uint64_t len)
{
	struct err e = { 0 };

	ck_assert_ok(record_importer_read(ri, gpa, buf, len, &e), e);
}

static uint8_t acpi_sum(const uint8_t *t, size_t len)
{
	uint8_t sum = 0;

	while (len--)
		sum = (uint8_t)(sum + *t++);
	return sum;
}

static void assert_acpi_table(const uint8_t *t, size_t len, const char *sig, uint32_t want_len)
{
	uint32_t l;

	ck_assert_uint_eq(len, want_len);
	ck_assert_mem_eq(t, sig, 4);
	memcpy(&l, t + 4, 4);
	ck_assert_uint_eq(l, want_len);
	ck_assert_msg(acpi_sum(t, len) == 0, "%s: bytes sum to 0x%02x, not 0", sig,
	              acpi_sum(t, len));
}

/* ---- payloads ----------------------------------------------------------- */

START_TEST(vp_count_is_a_u32)
{
	struct igvm_host_info h;
	uint8_t buf[64];
	uint32_t v;
	size_t len;
	struct err e = { 0 };

	host_init(&h);
	ck_assert_ok(igvm_param_payload(IGVM_PARAM_VP_COUNT, &h, buf, sizeof(buf), &len, &e), e);
	ck_assert_uint_eq(len, 4);
	memcpy(&v, buf, 4);
	ck_assert_uint_eq(v, 4);
}
END_TEST

START_TEST(memory_map_lists_the_entries)
{
	struct igvm_host_info h;
	struct igvm_memory_map_entry m[3];
	uint8_t buf[4096];
	size_t len;
	struct err e = { 0 };

	host_init(&h);
	ck_assert_ok(igvm_param_payload(IGVM_PARAM_MEMORY_MAP, &h, buf, sizeof(buf), &len, &e), e);
	ck_assert_uint_eq(len, 3 * 24);
	memcpy(m, buf, sizeof(m));
	ck_assert_uint_eq(m[0].starting_gpa_page_number, 0);
	ck_assert_uint_eq(m[0].number_of_pages, 0x8000);
	ck_assert_uint_eq(m[0].entry_type, IGVM_MEMORY_MAP_ENTRY_MEMORY);
	ck_assert_uint_eq(m[1].starting_gpa_page_number, 0x8000);
	ck_assert_uint_eq(m[1].number_of_pages, 0x4000);
	ck_assert_uint_eq(m[1].entry_type, IGVM_MEMORY_MAP_ENTRY_VTL2_PROTECTABLE);
	ck_assert_uint_eq(m[2].starting_gpa_page_number, 0xc000);
	ck_assert_uint_eq(m[2].number_of_pages, 0x34000);
	ck_assert_uint_eq(m[2].flags, 0);
	ck_assert_uint_eq(m[2].reserved, 0);
}
END_TEST

START_TEST(command_line_ends_with_one_nul)
{
	struct igvm_host_info h;
	char buf[64];
	size_t len;
	struct err e = { 0 };

	host_init(&h);
	memset(buf, 0x55, sizeof(buf));
	ck_assert_ok(
	    igvm_param_payload(IGVM_PARAM_COMMAND_LINE, &h, (uint8_t *)buf, sizeof(buf), &len, &e),
	    e);
	ck_assert_uint_eq(len, strlen(HOST_CMDLINE) + 1);
	ck_assert_str_eq(buf, HOST_CMDLINE);
	h.cmdline = NULL; /* no command line: just the NUL */
	ck_assert_ok(
	    igvm_param_payload(IGVM_PARAM_COMMAND_LINE, &h, (uint8_t *)buf, sizeof(buf), &len, &e),
	    e);
	ck_assert_uint_eq(len, 1);
	ck_assert_uint_eq(buf[0], 0);
}
END_TEST

START_TEST(mmio_ranges_name_the_low_hole)
{
	struct igvm_host_info h;
	uint64_t r[4];
	uint8_t buf[64];
	size_t len;
	struct err e = { 0 };

	host_init(&h);
	ck_assert_ok(igvm_param_payload(IGVM_PARAM_MMIO_RANGES, &h, buf, sizeof(buf), &len, &e), e);
	ck_assert_uint_eq(len, 32);
	memcpy(r, buf, sizeof(r));
	ck_assert_uint_eq(r[0], 0xc0000);
	ck_assert_uint_eq(r[1], (0xfec00000 - 0xc0000000) >> 12);
	ck_assert_uint_eq(r[2], 0);
	ck_assert_uint_eq(r[3], 0);
}
END_TEST

START_TEST(slit_has_one_locality_at_distance_10)
{
	struct igvm_host_info h;
	uint8_t t[256];
	uint64_t localities;
	size_t len;
	struct err e = { 0 };

	host_init(&h);
	ck_assert_ok(igvm_param_payload(IGVM_PARAM_SLIT, &h, t, sizeof(t), &len, &e), e);
	assert_acpi_table(t, len, "SLIT", 36 + 8 + 1);
	memcpy(&localities, t + 36, 8);
	ck_assert_uint_eq(localities, 1);
	ck_assert_uint_eq(t[44], 10);
}
END_TEST

START_TEST(pptt_and_srat_are_valid_and_empty)
{
	struct igvm_host_info h;
	uint8_t t[256];
	uint32_t reserved1;
	size_t len, i;
	struct err e = { 0 };

	host_init(&h);
	ck_assert_ok(igvm_param_payload(IGVM_PARAM_PPTT, &h, t, sizeof(t), &len, &e), e);
	assert_acpi_table(t, len, "PPTT", 36);
	ck_assert_ok(igvm_param_payload(IGVM_PARAM_SRAT, &h, t, sizeof(t), &len, &e), e);
	assert_acpi_table(t, len, "SRAT", 36 + 12);
	memcpy(&reserved1, t + 36, 4); /* "Reserved, must be 1" */
	ck_assert_uint_eq(reserved1, 1);
	for (i = 40; i < 48; i++)
		ck_assert_uint_eq(t[i], 0);
}
END_TEST

START_TEST(madt_is_copied_as_is)
{
	struct igvm_host_info h;
	uint8_t t[256];
	size_t len;
	struct err e = { 0 };

	host_init(&h);
	ck_assert_ok(igvm_param_payload(IGVM_PARAM_MADT, &h, t, sizeof(t), &len, &e), e);
	ck_assert_uint_eq(len, sizeof(madt));
	ck_assert_mem_eq(t, madt, sizeof(madt));
}
END_TEST

/* ---- the device tree ------------------------------------------------------ */

static uint32_t prop_u32(const void *fdt, int node, const char *name)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

	ck_assert_msg(p != NULL, "property %s missing on %s", name, fdt_get_name(fdt, node, NULL));
	ck_assert_int_eq(len, 4);
	return fdt32_to_cpu(*p);
}

/* A property of n big-endian u64 cells (FDT properties are only 4-byte aligned). */
static void prop_u64s(const void *fdt, int node, const char *name, uint64_t *out, int n)
{
	int len, i;
	const uint8_t *p = fdt_getprop(fdt, node, name, &len);
	fdt64_t cell;

	ck_assert_msg(p != NULL, "property %s missing on %s", name, fdt_get_name(fdt, node, NULL));
	ck_assert_int_eq(len, 8 * n);
	for (i = 0; i < n; i++) {
		memcpy(&cell, p + 8 * i, sizeof(cell));
		out[i] = fdt64_to_cpu(cell);
	}
}

static const char *prop_str(const void *fdt, int node, const char *name)
{
	const char *s = fdt_getprop(fdt, node, name, NULL);

	ck_assert_msg(s != NULL, "property %s missing on %s", name, fdt_get_name(fdt, node, NULL));
	return s;
}

static void *build_dt(const struct igvm_host_info *h, size_t *len)
{
	void *buf = calloc(1, 64 * PAGE_SIZE);
	struct err e = { 0 };

	ck_assert_ok(igvm_param_payload(IGVM_PARAM_DEVICE_TREE, h, buf, 64 * PAGE_SIZE, len, &e),
	             e);
	ck_assert_int_eq(fdt_check_header(buf), 0);
	ck_assert_uint_eq(fdt_totalsize(buf), *len);
	ck_assert_uint_ge(fdt_version(buf), 17);
	return buf;
}

START_TEST(device_tree_root_and_cpus)
{
	struct igvm_host_info h;
	size_t len;
	void *fdt;
	int cpus, node, n = 0;
	char name[16];

	host_init(&h);
	fdt = build_dt(&h, &len);
	ck_assert_uint_eq(fdt_boot_cpuid_phys(fdt), 0);
	ck_assert_uint_eq(prop_u32(fdt, 0, "#address-cells"), 2);
	ck_assert_uint_eq(prop_u32(fdt, 0, "#size-cells"), 2);
	cpus = fdt_path_offset(fdt, "/cpus");
	ck_assert_int_ge(cpus, 0);
	ck_assert_uint_eq(prop_u32(fdt, cpus, "#address-cells"), 1);
	ck_assert_uint_eq(prop_u32(fdt, cpus, "#size-cells"), 0);
	fdt_for_each_subnode(node, fdt, cpus) {
		snprintf(name, sizeof(name), "cpu@%x", n + 1); /* unit address vp_index + 1 */
		ck_assert_str_eq(fdt_get_name(fdt, node, NULL), name);
		ck_assert_str_eq(prop_str(fdt, node, "device_type"), "cpu");
		ck_assert_uint_eq(prop_u32(fdt, node, "reg"), n); /* the APIC ID */
		ck_assert_str_eq(prop_str(fdt, node, "status"), "okay");
		n++;
	}
	ck_assert_int_eq(n, 4);
	free(fdt);
}
END_TEST

START_TEST(device_tree_memory_nodes_in_reverse_order)
{
	struct igvm_host_info h;
	size_t len;
	void *fdt;
	int node, n = 0;
	char name[32];

	host_init(&h);
	fdt = build_dt(&h, &len);
	fdt_for_each_subnode(node, fdt, 0) {
		const char *nm = fdt_get_name(fdt, node, NULL);
		const struct igvm_memory_map_entry *m;
		uint64_t reg[2];

		if (strncmp(nm, "memory@", 7) != 0)
			continue;
		ck_assert_int_lt(n, 3);
		m = &h.memory[2 - n];
		snprintf(name, sizeof(name), "memory@%llx",
		         (unsigned long long)(m->starting_gpa_page_number << 12));
		ck_assert_str_eq(nm, name);
		ck_assert_str_eq(prop_str(fdt, node, "device_type"), "memory");
		prop_u64s(fdt, node, "reg", reg, 2);
		ck_assert_uint_eq(reg[0], m->starting_gpa_page_number << 12);
		ck_assert_uint_eq(reg[1], m->number_of_pages << 12);
		ck_assert_uint_eq(prop_u32(fdt, node, "microsoft,igvm-type"), m->entry_type);
		n++;
	}
	ck_assert_int_eq(n, 3);
	free(fdt);
}
END_TEST

START_TEST(device_tree_chosen_serial_and_openhcl)
{
	struct igvm_host_info h;
	size_t len;
	void *fdt;
	int bus, serial, node;
	uint64_t v[2];

	host_init(&h);
	fdt = build_dt(&h, &len);
	node = fdt_path_offset(fdt, "/chosen");
	ck_assert_int_ge(node, 0);
	ck_assert_str_eq(prop_str(fdt, node, "bootargs"), HOST_CMDLINE);

	bus = fdt_path_offset(fdt, "/pio-bus");
	ck_assert_int_ge(bus, 0);
	ck_assert_str_eq(prop_str(fdt, bus, "compatible"), "x86-pio-bus");
	ck_assert_uint_eq(prop_u32(fdt, bus, "#address-cells"), 1);
	ck_assert_uint_eq(prop_u32(fdt, bus, "#size-cells"), 1);
	ck_assert_ptr_nonnull(fdt_getprop(fdt, bus, "ranges", NULL));
	serial = fdt_path_offset(fdt, "/pio-bus/serial@3f8");
	ck_assert_int_ge(serial, 0);
	ck_assert_str_eq(prop_str(fdt, serial, "compatible"), "ns16550");
	ck_assert_uint_eq(prop_u32(fdt, serial, "clock-frequency"), 0);
	ck_assert_uint_eq(prop_u32(fdt, serial, "current-speed"), 115200);
	prop_u64s(fdt, serial, "reg", v, 2); /* u64 cells, as OpenVMM writes them */
	ck_assert_uint_eq(v[0], 0x3f8);
	ck_assert_uint_eq(v[1], 8);
	prop_u64s(fdt, serial, "interrupts", v, 1);
	ck_assert_uint_eq(v[0], 4);

	node = fdt_path_offset(fdt, "/openhcl");
	ck_assert_int_ge(node, 0);
	ck_assert_str_eq(prop_str(fdt, node, "memory-allocation-mode"), "host");
	free(fdt);
}
END_TEST

/* ---- filling parameter areas (§6.2) --------------------------------------- */

START_TEST(fill_writes_each_area_with_its_payload)
{
	struct record_importer ri;
	struct igvm_host_info h;
	struct err e = { 0 };
	uint8_t page[4096], zero[24] = { 0 };
	uint32_t v;
	const struct importer_range *r;

	host_init(&h);
	rec_init(&ri);
	add_area(&ri, AREA_GPA, 1, "vp-count", 0, IGVM_PARAM_VP_COUNT);
	add_area(&ri, AREA_GPA + 0x1000, 1, "memory-map", 0, IGVM_PARAM_MEMORY_MAP);
	add_area(&ri, AREA_GPA + 0x2000, 1, "command-line", 0, IGVM_PARAM_COMMAND_LINE);
	add_area(&ri, AREA_GPA + 0x3000, 1, "madt", 0, IGVM_PARAM_MADT);
	ck_assert_ok(igvm_params_fill(&ri.base, &h, &e), e);

	rec_read(&ri, AREA_GPA, page, sizeof(page));
	memcpy(&v, page, 4);
	ck_assert_uint_eq(v, 4);
	rec_read(&ri, AREA_GPA + 0x1000, page, sizeof(page));
	ck_assert_mem_eq(page, h.memory, 3 * 24);
	ck_assert_mem_eq(page + 3 * 24, zero, 24); /* the zero entry ends the list */
	rec_read(&ri, AREA_GPA + 0x2000, page, sizeof(page));
	ck_assert_str_eq((char *)page, HOST_CMDLINE);
	rec_read(&ri, AREA_GPA + 0x3000, page, sizeof(page));
	ck_assert_mem_eq(page, madt, sizeof(madt));
	ck_assert_uint_eq(page[sizeof(madt)], 0);
	/* still parameter areas: private and unmeasured */
	r = importer_find_range(&ri.base, AREA_GPA + 0x2000);
	ck_assert_int_eq(r->acceptance, BPA_EXCLUSIVE_UNMEASURED);
	ck_assert(r->parameter_area);
	importer_destroy(&ri.base);
}
END_TEST

START_TEST(fill_places_parameters_at_their_byte_offsets)
{
	struct record_importer ri;
	struct igvm_host_info h;
	struct parameter_area_index idx;
	struct err e = { 0 };
	uint8_t initial[0x20], area[2 * 4096];
	uint32_t v;
	size_t i, n = strlen(HOST_CMDLINE);

	host_init(&h);
	rec_init(&ri);
	memset(initial, 0xaa, sizeof(initial));
	ck_assert_ok(importer_create_parameter_area_with_data(&ri.base, AREA_GPA >> PAGE_SHIFT, 2,
	                                                      "loader-block", initial,
	                                                      sizeof(initial), &idx, &e),
	             e);
	ck_assert_ok(importer_import_parameter(&ri.base, idx, 0x10, IGVM_PARAM_VP_COUNT, &e), e);
	ck_assert_ok(importer_import_parameter(&ri.base, idx, 0x1000, IGVM_PARAM_COMMAND_LINE, &e),
	             e);
	ck_assert_ok(igvm_params_fill(&ri.base, &h, &e), e);
	rec_read(&ri, AREA_GPA, area, sizeof(area));
	for (i = 0; i < 0x10; i++)
		ck_assert_uint_eq(area[i], 0xaa); /* initial data kept around the payloads */
	memcpy(&v, area + 0x10, 4);
	ck_assert_uint_eq(v, 4);
	for (i = 0x14; i < 0x20; i++)
		ck_assert_uint_eq(area[i], 0xaa);
	for (i = 0x20; i < 0x1000; i++)
		ck_assert_uint_eq(area[i], 0);
	ck_assert_mem_eq(area + 0x1000, HOST_CMDLINE, n + 1);
	for (i = 0x1000 + n + 1; i < sizeof(area); i++)
		ck_assert_uint_eq(area[i], 0);
	importer_destroy(&ri.base);
}
END_TEST

/* The three areas an OpenHCL image asks for (§6.4), at cfg+0, cfg+20 and cfg+40. */
START_TEST(fill_the_openhcl_areas)
{
	struct record_importer ri;
	struct igvm_host_info h;
	struct err e = { 0 };
	const gpa_t cfg = 0x840f000;
	uint8_t *buf = malloc(64 * PAGE_SIZE);
	uint32_t len;

	host_init(&h);
	rec_init(&ri);
	ck_assert_ok(paravisor_create_parameter_areas(&ri.base, cfg, &e), e);
	ck_assert_ok(igvm_params_fill(&ri.base, &h, &e), e);
	rec_read(&ri, cfg, buf, 20 * PAGE_SIZE);
	memcpy(&len, buf + 4, 4);
	assert_acpi_table(buf, len, "SLIT", 45);
	rec_read(&ri, cfg + 20 * PAGE_SIZE, buf, 20 * PAGE_SIZE);
	memcpy(&len, buf + 4, 4);
	assert_acpi_table(buf, len, "PPTT", 36);
	rec_read(&ri, cfg + 40 * PAGE_SIZE, buf, 64 * PAGE_SIZE);
	ck_assert_int_eq(fdt_check_header(buf), 0);
	ck_assert_int_ge(fdt_path_offset(buf, "/openhcl"), 0);
	free(buf);
	importer_destroy(&ri.base);
}
END_TEST

/* ---- payloads that do not fit (§5.6 ParameterTooLarge) -------------------- */

static void assert_too_large(struct record_importer *ri, const struct igvm_host_info *h,
                             const char *tag)
{
	struct err e = { 0 };
	int ret = igvm_params_fill(&ri->base, h, &e);

	ck_assert_int_eq(ret, -E2BIG);
	ck_assert_int_eq(e.errnum, E2BIG);
	ck_assert_msg(strstr(e.msg, "ParameterTooLarge") != NULL, "'%s'", e.msg);
	ck_assert_msg(strstr(e.msg, tag) != NULL, "'%s' does not name area '%s'", e.msg, tag);
}

START_TEST(command_line_too_large_for_its_area)
{
	struct record_importer ri;
	struct igvm_host_info h;
	char *big = malloc(5000);

	memset(big, 'c', 4999);
	big[4999] = 0;
	host_init(&h);
	h.cmdline = big;
	rec_init(&ri);
	add_area(&ri, AREA_GPA, 1, "small-cmdline", 0, IGVM_PARAM_COMMAND_LINE);
	assert_too_large(&ri, &h, "small-cmdline");
	importer_destroy(&ri.base);
	free(big);
}
END_TEST

START_TEST(memory_map_at_an_offset_runs_past_the_area)
{
	struct record_importer ri;
	struct igvm_host_info h;

	host_init(&h);
	rec_init(&ri);
	add_area(&ri, AREA_GPA, 1, "late-map", 4096 - 71, IGVM_PARAM_MEMORY_MAP); /* 72 bytes */
	assert_too_large(&ri, &h, "late-map");
	importer_destroy(&ri.base);

	rec_init(&ri);
	add_area(&ri, AREA_GPA, 1, "exact-map", 4096 - 72,
	         IGVM_PARAM_MEMORY_MAP); /* fits exactly */
	{
		struct err e = { 0 };

		ck_assert_ok(igvm_params_fill(&ri.base, &h, &e), e);
	}
	importer_destroy(&ri.base);
}
END_TEST

START_TEST(madt_too_large_for_its_area)
{
	struct record_importer ri;
	struct igvm_host_info h;
	uint8_t *big = calloc(1, 5000);

	host_init(&h);
	h.madt = big;
	h.madt_len = 5000;
	rec_init(&ri);
	add_area(&ri, AREA_GPA, 1, "small-madt", 0, IGVM_PARAM_MADT);
	assert_too_large(&ri, &h, "small-madt");
	importer_destroy(&ri.base);
	free(big);
}
END_TEST

START_TEST(device_tree_too_large_for_its_area)
{
	struct record_importer ri;
	struct igvm_host_info h;

	host_init(&h);
	h.nr_vcpus = 64; /* ~100 bytes of DT each: far more than one page */
	rec_init(&ri);
	add_area(&ri, AREA_GPA, 1, "small-dt", 0, IGVM_PARAM_DEVICE_TREE);
	assert_too_large(&ri, &h, "small-dt");
	importer_destroy(&ri.base);
}
END_TEST

START_TEST(payload_into_a_small_buffer)
{
	struct igvm_host_info h;
	uint8_t buf[8];
	size_t len;
	struct err e = { 0 };

	host_init(&h);
	ck_assert_int_eq(
	    igvm_param_payload(IGVM_PARAM_COMMAND_LINE, &h, buf, sizeof(buf), &len, &e), -E2BIG);
	err_clear(&e);
	ck_assert_int_eq(igvm_param_payload(IGVM_PARAM_VP_COUNT, &h, buf, 3, &len, &e), -E2BIG);
	err_clear(&e);
	ck_assert_int_eq(igvm_param_payload(IGVM_PARAM_SLIT, &h, buf, sizeof(buf), &len, &e),
	                 -E2BIG);
}
END_TEST

static Suite *igvm_params_suite(void)
{
	Suite *s = suite_create("igvm_params");
	TCase *pay = tcase_create("payloads");
	TCase *dt = tcase_create("device tree");
	TCase *fill = tcase_create("fill");
	TCase *bad = tcase_create("too large");

	tcase_add_test(pay, vp_count_is_a_u32);
	tcase_add_test(pay, memory_map_lists_the_entries);
	tcase_add_test(pay, command_line_ends_with_one_nul);
	tcase_add_test(pay, mmio_ranges_name_the_low_hole);
	tcase_add_test(pay, slit_has_one_locality_at_distance_10);
	tcase_add_test(pay, pptt_and_srat_are_valid_and_empty);
	tcase_add_test(pay, madt_is_copied_as_is);
	tcase_add_test(dt, device_tree_root_and_cpus);
	tcase_add_test(dt, device_tree_memory_nodes_in_reverse_order);
	tcase_add_test(dt, device_tree_chosen_serial_and_openhcl);
	tcase_add_test(fill, fill_writes_each_area_with_its_payload);
	tcase_add_test(fill, fill_places_parameters_at_their_byte_offsets);
	tcase_add_test(fill, fill_the_openhcl_areas);
	tcase_add_test(bad, command_line_too_large_for_its_area);
	tcase_add_test(bad, memory_map_at_an_offset_runs_past_the_area);
	tcase_add_test(bad, madt_too_large_for_its_area);
	tcase_add_test(bad, device_tree_too_large_for_its_area);
	tcase_add_test(bad, payload_into_a_small_buffer);
	suite_add_tcase(s, pay);
	suite_add_tcase(s, dt);
	suite_add_tcase(s, fill);
	suite_add_tcase(s, bad);
	return s;
}

int main(void)
{
	return run_suite(igvm_params_suite());
}
