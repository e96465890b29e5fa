// SPDX-License-Identifier: MIT
/*
 * The port/MMIO bus (vmm/bus.h) and the small port devices behind it
 * (devices/legacy_ports.h): claims are sorted and may not overlap, an access
 * reaches its device with the offset from the claimed base, reads start as
 * all ones, and accesses nobody claims are counted. The legacy ports are
 * registered as arch/x86_64/devices.c does and driven through bus_access.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "devices/legacy_ports.h"
#include "fixtures.h"
#include "lib/sizes.h"
#include "test_helpers.h"
#include "vmm/bus.h"

/* ---- a fake device that records the last access ---------------------- */

struct fake_dev {
	unsigned int reads, writes;
	uint64_t offset;
	unsigned int len;
	uint8_t written[8];
	uint8_t answer; /* a read fills data[0] only, with this */
};

static void fake_read(void *dev, uint64_t offset, uint8_t *data, unsigned int len)
{
	struct fake_dev *d = dev;

	d->reads++;
	d->offset = offset;
	d->len = len;
	data[0] = d->answer;
}

static void fake_write(void *dev, uint64_t offset, const uint8_t *data, unsigned int len)
{
	struct fake_dev *d = dev;

	d->writes++;
	d->offset = offset;
	d->len = len;
	memcpy(d->written, data, len);
}

static const struct bus_device_ops fake_ops = { .read = fake_read, .write = fake_write };
static const struct bus_device_ops no_ops = { 0 };

static struct bus bus;
static struct err e;
static struct fake_dev devs[BUS_MAX_RANGES + 1];
static struct rec_platform fp;
static struct pci_stub pci;
static struct debug_port debug = { &fp.base };

static void setup(void)
{
	rec_platform_init(&fp);
	bus_init(&bus, "pio");
	err_clear(&e);
}

static void teardown(void)
{
	bus_destroy(&bus);
}

static void claim(uint64_t base, uint64_t len, const char *name, struct fake_dev *d)
{
	ck_assert_ok(bus_register(&bus, base, len, name, &fake_ops, d, &e), e);
}

static uint64_t read_n(uint64_t addr, unsigned int len)
{
	uint8_t data[8] = { 0 };
	uint64_t v = 0;

	ck_assert_msg(bus_access(&bus, addr, data, len, false), "0x%llx unclaimed",
	              (unsigned long long)addr);
	memcpy(&v, data, len);
	return v;
}

static void write_n(uint64_t addr, uint64_t v, unsigned int len)
{
	uint8_t data[8];

	memcpy(data, &v, len);
	ck_assert_msg(bus_access(&bus, addr, data, len, true), "0x%llx unclaimed",
	              (unsigned long long)addr);
}

/* ---- bus ---------------------------------------------------------------- */

START_TEST(test_ranges_are_kept_sorted_by_base_whatever_the_registration_order)
{
	static const struct {
		uint64_t base, len;
	} claims[] = { { 0x3f8, 8 }, { 0x60, 1 },  { 0xcf8, 8 }, { 0x20, 2 },
		       { 0x70, 2 },  { 0x501, 2 }, { 0x64, 1 } };
	static const uint64_t sorted[] = { 0x20, 0x60, 0x64, 0x70, 0x3f8, 0x501, 0xcf8 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(claims); i++)
		claim(claims[i].base, claims[i].len, "dev", &devs[i]);
	ck_assert_uint_eq(bus.nr_ranges, ARRAY_SIZE(sorted));
	for (i = 0; i < ARRAY_SIZE(sorted); i++)
		ck_assert_uint_eq(bus.ranges[i].base, sorted[i]);
	for (i = 0; i < ARRAY_SIZE(claims); i++) {
		read_n(claims[i].base + claims[i].len - 1, 1);
		ck_assert_uint_eq(devs[i].reads, 1);
		ck_assert_uint_eq(devs[i].offset, claims[i].len - 1);
	}
}
END_TEST

START_TEST(test_access_reaches_the_device_with_the_offset_from_its_base)
{
	claim(0x3f8, 8, "COM1", &devs[0]);
	devs[0].answer = 0x60;
	ck_assert_uint_eq(read_n(0x3fd, 1), 0x60);
	ck_assert_uint_eq(devs[0].offset, 5);
	ck_assert_uint_eq(devs[0].len, 1);
	write_n(0x3ff, 0xab, 1);
	ck_assert_uint_eq(devs[0].offset, 7);
	ck_assert_uint_eq(devs[0].written[0], 0xab);
	write_n(0x3f8, 0x11223344, 4);
	ck_assert_uint_eq(devs[0].offset, 0);
	ck_assert_uint_eq(devs[0].len, 4);
	ck_assert_mem_eq(devs[0].written, "\x44\x33\x22\x11", 4);
}
END_TEST

START_TEST(test_each_device_gets_its_own_context_pointer)
{
	claim(0x60, 1, "i8042 data", &devs[0]);
	claim(0x64, 1, "i8042 command", &devs[1]);
	write_n(0x64, 0xfe, 1);
	ck_assert_uint_eq(devs[1].writes, 1);
	ck_assert_uint_eq(devs[0].writes, 0);
}
END_TEST

START_TEST(test_first_and_last_byte_belong_to_a_range_and_neighbours_do_not)
{
	claim(0x1000, 0x100, "mmio dev", &devs[0]);
	read_n(0x1000, 1);
	ck_assert_uint_eq(devs[0].offset, 0);
	read_n(0x10ff, 1);
	ck_assert_uint_eq(devs[0].offset, 0xff);
	ck_assert(!bus_access(&bus, 0xfff, (uint8_t[1]){ 0 }, 1, false));
	ck_assert(!bus_access(&bus, 0x1100, (uint8_t[1]){ 0 }, 1, false));
	ck_assert_uint_eq(devs[0].reads, 2);
	ck_assert_uint_eq(bus.unclaimed, 2);
}
END_TEST

START_TEST(test_reads_are_prefilled_with_all_ones_before_the_device_answers)
{
	claim(0xcf8, 8, "partial", &devs[0]);
	ck_assert_int_eq(bus_register(&bus, 0x80, 1, "no handlers", &no_ops, NULL, &e), 0);
	devs[0].answer = 0x12;
	ck_assert_uint_eq(read_n(0xcfc, 4), 0xffffff12);
	ck_assert_uint_eq(read_n(0xcfc, 8), 0xffffffffffffff12ull);
	ck_assert_uint_eq(read_n(0x80, 2), 0xffff); /* no read handler: claimed, all ones */
	write_n(0x80, 0x55, 1);                     /* no write handler: claimed, dropped */
	ck_assert_uint_eq(bus.unclaimed, 0);
}
END_TEST

START_TEST(test_unclaimed_accesses_are_counted_read_all_ones_and_return_false)
{
	static const unsigned int lens[] = { 1, 2, 4, 8 };
	uint8_t data[8];
	unsigned int i;

	claim(0x60, 1, "i8042 data", &devs[0]);
	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		memset(data, 0, sizeof(data));
		ck_assert(!bus_access(&bus, 0x3f8, data, lens[i], false));
		ck_assert_mem_eq(data, "\xff\xff\xff\xff\xff\xff\xff\xff", lens[i]);
		if (lens[i] < sizeof(data))
			ck_assert_uint_eq(data[lens[i]], 0); /* nothing past len */
	}
	memset(data, 0x5a, sizeof(data));
	ck_assert(!bus_access(&bus, 0x3f8, data, 4, true));
	ck_assert_mem_eq(data, "\x5a\x5a\x5a\x5a", 4); /* a dropped write leaves data alone */
	ck_assert_uint_eq(bus.unclaimed, ARRAY_SIZE(lens) + 1);
	ck_assert_uint_eq(devs[0].reads + devs[0].writes, 0);
}
END_TEST

/* A new claim that shares any byte with an existing one is refused, naming both. */
static const struct {
	uint64_t base, len;
	const char *msg;
} overlaps[] = {
	{ 0x3f8, 8, "pio bus: new [0x3f8, 0x400) overlaps COM1 [0x3f8, 0x400)" },
	{ 0x3f0, 9, "pio bus: new [0x3f0, 0x3f9) overlaps COM1 [0x3f8, 0x400)" },
	{ 0x3ff, 4, "pio bus: new [0x3ff, 0x403) overlaps COM1 [0x3f8, 0x400)" },
	{ 0x3fa, 1, "pio bus: new [0x3fa, 0x3fb) overlaps COM1 [0x3f8, 0x400)" },
	{ 0x300, 0x200, "pio bus: new [0x300, 0x500) overlaps COM1 [0x3f8, 0x400)" },
};

/* Whether the bus lock was free while the handler ran. */
static int lock_was_free = -1;

static void probe_lock(void *dev, uint64_t offset, const uint8_t *data, unsigned int len)
{
	(void)dev;
	(void)offset;
	(void)data;
	(void)len;
	lock_was_free = pthread_mutex_trylock(&bus.lock) == 0;
	if (lock_was_free)
		pthread_mutex_unlock(&bus.lock);
}

START_TEST(test_handlers_run_under_the_bus_lock_unless_they_bring_their_own)
{
	static const struct bus_device_ops plain = { .write = probe_lock };
	static const struct bus_device_ops own = { .write = probe_lock, .own_lock = true };
	uint8_t v = 1;

	ck_assert_int_eq(bus_register(&bus, 0x10, 1, "plain", &plain, NULL, &e), 0);
	ck_assert_int_eq(bus_register(&bus, 0x20, 1, "own", &own, NULL, &e), 0);
	bus_access(&bus, 0x10, &v, 1, true);
	ck_assert_int_eq(lock_was_free, 0);
	/* a virtio reset waiting for I/O in such a handler holds up nobody else */
	bus_access(&bus, 0x20, &v, 1, true);
	ck_assert_int_eq(lock_was_free, 1);
}
END_TEST

START_TEST(test_overlapping_claim_is_refused_with_eexist_naming_both_devices)
{
	claim(0x3f8, 8, "COM1", &devs[0]);
	ck_assert_err(
	    bus_register(&bus, overlaps[_i].base, overlaps[_i].len, "new", &fake_ops, &devs[1], &e),
	    e, EEXIST, overlaps[_i].msg);
	ck_assert_uint_eq(bus.nr_ranges, 1);
	read_n(0x3f8 + (overlaps[_i].base > 0x3f8 ? overlaps[_i].base - 0x3f8 : 0), 1);
	ck_assert_uint_eq(devs[0].reads, 1);
	ck_assert_uint_eq(devs[1].reads, 0);
}
END_TEST

START_TEST(test_adjacent_claims_do_not_overlap)
{
	claim(0x3f8, 8, "COM1", &devs[0]);
	claim(0x3f0, 8, "below", &devs[1]);
	claim(0x400, 8, "above", &devs[2]);
	read_n(0x3f7, 1);
	read_n(0x3f8, 1);
	read_n(0x400, 1);
	ck_assert_uint_eq(devs[0].reads + devs[1].reads + devs[2].reads, 3);
	ck_assert_uint_eq(devs[0].reads * devs[1].reads * devs[2].reads, 1);
}
END_TEST

START_TEST(test_zero_length_or_wrapping_claim_is_refused_with_einval)
{
	ck_assert_err(bus_register(&bus, 0x10, 0, "empty", &fake_ops, &devs[0], &e), e, EINVAL,
	              "pio bus: empty at 0x10: bad length 0x0");
	ck_assert_err(bus_register(&bus, ~0ull, 2, "wraps", &fake_ops, &devs[0], &e), e, EINVAL,
	              "pio bus: wraps at 0xffffffffffffffff: bad length 0x2");
	ck_assert_uint_eq(bus.nr_ranges, 0);
}
END_TEST

START_TEST(test_full_table_refuses_one_more_claim_with_enospc_and_keeps_every_range)
{
	unsigned int i;

	/* Register in descending order so every insertion shifts the table. */
	for (i = BUS_MAX_RANGES; i-- > 0;)
		claim(0x1000 + 0x10 * i, 0x10, "dev", &devs[i]);
	ck_assert_err(
	    bus_register(&bus, 0x10, 1, "one too many", &fake_ops, &devs[BUS_MAX_RANGES], &e), e,
	    ENOSPC, "pio bus: no room for one too many (64 ranges)");
	ck_assert_uint_eq(bus.nr_ranges, BUS_MAX_RANGES);
	for (i = 0; i < BUS_MAX_RANGES; i++) {
		read_n(0x1000 + 0x10 * i + 0xf, 1);
		ck_assert_uint_eq(devs[i].reads, 1);
		ck_assert_uint_eq(devs[i].offset, 0xf);
	}
	ck_assert(!bus_access(&bus, 0x10, (uint8_t[1]){ 0 }, 1, false));
}
END_TEST

/* ---- legacy ports, registered as arch/x86_64/devices.c does ------------ */

static void legacy_setup(void)
{
	setup();
	ck_assert_ok(bus_register(&bus, PCI_CONFIG_PORT, PCI_CONFIG_NR, "PCI config", &pci_stub_ops,
	                          &pci, &e),
	             e);
	ck_assert_ok(bus_register(&bus, POST_PORT, 1, "POST", &post_port_ops, NULL, &e), e);
	ck_assert_ok(bus_register(&bus, DEBUG_EXIT_PORT, DEBUG_NR_PORTS, "minivmm debug",
	                          &debug_port_ops, &debug, &e),
	             e);
}

START_TEST(test_pci_address_register_latches_a_dword_for_the_type1_probe)
{
	write_n(0xcf8, 0x80000000, 4);
	ck_assert_uint_eq(read_n(0xcf8, 4), 0x80000000);
	write_n(0xcf8, 0x8000f804, 4);
	ck_assert_uint_eq(read_n(0xcf8, 4), 0x8000f804);
}
END_TEST

START_TEST(test_pci_data_window_reads_all_ones_so_no_device_is_found)
{
	static const struct {
		uint16_t port;
		unsigned int len;
		uint64_t want;
	} reads[] = {
		{ 0xcfc, 4, 0xffffffff }, { 0xcfc, 2, 0xffff }, { 0xcfe, 2, 0xffff },
		{ 0xcfc, 1, 0xff },       { 0xcff, 1, 0xff },
	};
	unsigned int i;

	write_n(0xcf8, 0x80000000, 4); /* bus 0, device 0, function 0, vendor ID */
	for (i = 0; i < ARRAY_SIZE(reads); i++)
		ck_assert_uint_eq(read_n(reads[i].port, reads[i].len), reads[i].want);
}
END_TEST

/* Linux's pci_check_type2: after byte writes of 0, 0xcf8 and 0xcfa must not both read 0. */
START_TEST(test_pci_type2_probe_does_not_find_mechanism_2)
{
	write_n(0xcfb, 0, 1);
	write_n(0xcf8, 0, 1);
	write_n(0xcfa, 0, 1);
	ck_assert(read_n(0xcf8, 1) != 0 || read_n(0xcfa, 1) != 0);
}
END_TEST

START_TEST(test_post_port_swallows_writes)
{
	unsigned int v;

	for (v = 0; v < 0x100; v += 0x11)
		write_n(POST_PORT, v, 1);
	ck_assert_uint_eq(fp.irqs + fp.resets + fp.stops + fp.boots, 0);
	ck_assert_uint_eq(bus.unclaimed, 0);
}
END_TEST

static const struct {
	uint32_t value;
	unsigned int len;
	int code;
	const char *reason;
} exits[] = {
	{ 0, 1, 0, "the guest wrote exit code 0 to port 0x501" },
	{ 1, 1, 1, "the guest wrote exit code 1 to port 0x501" },
	{ 0x7f, 1, 127, "the guest wrote exit code 127 to port 0x501" },
	{ 0xff, 1, 255, "the guest wrote exit code 255 to port 0x501" },
	{ 0x1234, 2, 0x34, "the guest wrote exit code 52 to port 0x501" },
	{ 0xdeadbe01, 4, 1, "the guest wrote exit code 1 to port 0x501" },
};

START_TEST(test_write_to_0x501_stops_with_the_low_byte_as_exit_code)
{
	write_n(DEBUG_EXIT_PORT, exits[_i].value, exits[_i].len);
	ck_assert_uint_eq(fp.stops, 1);
	ck_assert_int_eq(fp.exit_code, exits[_i].code);
	ck_assert_str_eq(fp.reason, exits[_i].reason);
	ck_assert_uint_eq(fp.boots + fp.resets, 0);
}
END_TEST

START_TEST(test_write_to_0x502_reports_boot_complete_with_the_value)
{
	static const struct {
		uint32_t value;
		unsigned int len;
	} boots[] = { { 123, 1 }, { 0xbeef, 2 }, { 0xdeadbeef, 4 } };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(boots); i++) {
		write_n(DEBUG_BOOT_PORT, boots[i].value, boots[i].len);
		ck_assert_uint_eq(fp.boots, i + 1);
		ck_assert_uint_eq(fp.boot_value, boots[i].value);
	}
	ck_assert_uint_eq(fp.stops, 0);
}
END_TEST

static Suite *bus_suite(void)
{
	Suite *s = suite_create("bus");
	TCase *b = tcase_create("bus");
	TCase *l = tcase_create("legacy ports");

	tcase_add_checked_fixture(b, setup, teardown);
	tcase_add_test(b, test_ranges_are_kept_sorted_by_base_whatever_the_registration_order);
	tcase_add_test(b, test_access_reaches_the_device_with_the_offset_from_its_base);
	tcase_add_test(b, test_each_device_gets_its_own_context_pointer);
	tcase_add_test(b, test_first_and_last_byte_belong_to_a_range_and_neighbours_do_not);
	tcase_add_test(b, test_reads_are_prefilled_with_all_ones_before_the_device_answers);
	tcase_add_test(b, test_unclaimed_accesses_are_counted_read_all_ones_and_return_false);
	tcase_add_test(b, test_handlers_run_under_the_bus_lock_unless_they_bring_their_own);
	tcase_add_loop_test(b, test_overlapping_claim_is_refused_with_eexist_naming_both_devices, 0,
	                    (int)ARRAY_SIZE(overlaps));
	tcase_add_test(b, test_adjacent_claims_do_not_overlap);
	tcase_add_test(b, test_zero_length_or_wrapping_claim_is_refused_with_einval);
	tcase_add_test(b, test_full_table_refuses_one_more_claim_with_enospc_and_keeps_every_range);

	tcase_add_checked_fixture(l, legacy_setup, teardown);
	tcase_add_test(l, test_pci_address_register_latches_a_dword_for_the_type1_probe);
	tcase_add_test(l, test_pci_data_window_reads_all_ones_so_no_device_is_found);
	tcase_add_test(l, test_pci_type2_probe_does_not_find_mechanism_2);
	tcase_add_test(l, test_post_port_swallows_writes);
	tcase_add_loop_test(l, test_write_to_0x501_stops_with_the_low_byte_as_exit_code, 0,
	                    (int)ARRAY_SIZE(exits));
	tcase_add_test(l, test_write_to_0x502_reports_boot_complete_with_the_value);
	suite_add_tcase(s, b);
	suite_add_tcase(s, l);
	return s;
}

int main(void)
{
	return run_suite(bus_suite());
}
