// SPDX-License-Identifier: MIT
/*
 * The CMOS RTC (devices/cmos.h, BOOT-REFERENCE §4.3) on a port bus at
 * 0x70/0x71 with a fake clock: the time registers show the clock's UTC time
 * in BCD (24-hour), the status registers say "valid, not updating", and the
 * RAM above the clock keeps what the guest writes.
 */
#include <check.h>
#include <string.h>

#include "devices/cmos.h"
#include "lib/sizes.h"
#include "test_helpers.h"
#include "vmm/bus.h"

enum {
	SEC = 0x00,
	MIN = 0x02,
	HOUR = 0x04,
	WDAY = 0x06,
	MDAY = 0x07,
	MON = 0x08,
	YEAR = 0x09,
	REG_A = 0x0a,
	REG_B = 0x0b,
	REG_C = 0x0c,
	REG_D = 0x0d,
	CENTURY = 0x32,
};

#define INDEX_PORT CMOS_PORT_BASE
#define DATA_PORT  (CMOS_PORT_BASE + 1)
#define NMI_MASK   0x80

static time_t fake_now;
static unsigned int clock_reads;
static struct cmos rtc;
static struct bus pio;
static struct err e;

static time_t fake_clock(void)
{
	clock_reads++;
	return fake_now;
}

static void setup(void)
{
	cmos_init(&rtc);
	rtc.clock = fake_clock;
	bus_init(&pio, "pio");
	ck_assert_ok(
	    bus_register(&pio, CMOS_PORT_BASE, CMOS_NR_PORTS, "CMOS", &cmos_bus_ops, &rtc, &e), e);
}

static void teardown(void)
{
	bus_destroy(&pio);
}

static void outb(uint16_t port, uint8_t v)
{
	ck_assert(bus_access(&pio, port, &v, 1, true));
}

static uint8_t inb(uint16_t port)
{
	uint8_t v;

	ck_assert(bus_access(&pio, port, &v, 1, false));
	return v;
}

static uint8_t cmos_get(uint8_t index)
{
	outb(INDEX_PORT, index);
	return inb(DATA_PORT);
}

static void cmos_put(uint8_t index, uint8_t v)
{
	outb(INDEX_PORT, index);
	outb(DATA_PORT, v);
}

/* Weekday register: Sunday = 1. */
static const struct {
	time_t t;
	const char *utc;
	uint8_t sec, min, hour, wday, mday, mon, year, century;
} times[] = {
	{ 0, "1970-01-01 00:00:00 Thu", 0x00, 0x00, 0x00, 5, 0x01, 0x01, 0x70, 0x19 },
	{ 946684800, "2000-01-01 00:00:00 Sat", 0x00, 0x00, 0x00, 7, 0x01, 0x01, 0x00, 0x20 },
	{ 1709251198, "2024-02-29 23:59:58 Thu", 0x58, 0x59, 0x23, 5, 0x29, 0x02, 0x24, 0x20 },
	{ 1751792707, "2025-07-06 09:05:07 Sun", 0x07, 0x05, 0x09, 1, 0x06, 0x07, 0x25, 0x20 },
	{ 4102403696, "2099-12-31 12:34:56 Thu", 0x56, 0x34, 0x12, 5, 0x31, 0x12, 0x99, 0x20 },
};

START_TEST(test_time_registers_show_the_clock_in_bcd_24_hour)
{
	fake_now = times[_i].t;
	ck_assert_msg(cmos_get(SEC) == times[_i].sec, "%s: seconds 0x%02x", times[_i].utc,
	              cmos_get(SEC));
	ck_assert_uint_eq(cmos_get(MIN), times[_i].min);
	ck_assert_uint_eq(cmos_get(HOUR), times[_i].hour);
	ck_assert_uint_eq(cmos_get(WDAY), times[_i].wday);
	ck_assert_uint_eq(cmos_get(MDAY), times[_i].mday);
	ck_assert_uint_eq(cmos_get(MON), times[_i].mon);
	ck_assert_uint_eq(cmos_get(YEAR), times[_i].year);
	ck_assert_uint_eq(cmos_get(CENTURY), times[_i].century);
}
END_TEST

START_TEST(test_time_follows_the_clock_on_every_read)
{
	fake_now = 1709251198;
	ck_assert_uint_eq(cmos_get(SEC), 0x58);
	fake_now += 3; /* 2024-03-01 00:00:01 */
	ck_assert_uint_eq(cmos_get(SEC), 0x01);
	ck_assert_uint_eq(cmos_get(MDAY), 0x01);
	ck_assert_uint_eq(cmos_get(MON), 0x03);
	ck_assert_uint_gt(clock_reads, 0);
}
END_TEST

START_TEST(test_index_bit_7_is_the_nmi_mask_not_part_of_the_index)
{
	fake_now = 1709251198;
	ck_assert_uint_eq(cmos_get(NMI_MASK | YEAR), 0x24);
	ck_assert_uint_eq(cmos_get(NMI_MASK | REG_D) & 0x80, 0x80);
	cmos_put(NMI_MASK | 0x40, 0xa5);
	ck_assert_uint_eq(cmos_get(0x40), 0xa5);
}
END_TEST

START_TEST(test_status_a_never_shows_an_update_in_progress)
{
	unsigned int i;

	for (i = 0; i < 100; i++) {
		fake_now = (time_t)i * 977;
		ck_assert_uint_eq(cmos_get(REG_A) & 0x80, 0);
	}
}
END_TEST

START_TEST(test_status_b_says_24_hour_bcd)
{
	uint8_t b = cmos_get(REG_B);

	ck_assert_uint_eq(b & 0x02, 0x02); /* 24-hour */
	ck_assert_uint_eq(b & 0x04, 0);    /* DM clear: BCD, not binary */
}
END_TEST

START_TEST(test_status_c_has_no_interrupt_flags_and_d_says_valid)
{
	ck_assert_uint_eq(cmos_get(REG_C), 0);
	ck_assert_uint_eq(cmos_get(REG_D) & 0x80, 0x80);
}
END_TEST

START_TEST(test_ram_above_the_status_registers_keeps_what_is_written)
{
	unsigned int i;

	for (i = REG_D + 1; i < 0x80; i++)
		if (i != CENTURY)
			cmos_put((uint8_t)i, (uint8_t)(i ^ 0x5a));
	for (i = REG_D + 1; i < 0x80; i++)
		if (i != CENTURY)
			ck_assert_msg(cmos_get((uint8_t)i) == (uint8_t)(i ^ 0x5a),
			              "CMOS RAM 0x%02x lost its byte", i);
}
END_TEST

START_TEST(test_clock_and_status_c_d_and_century_ignore_writes)
{
	static const uint8_t ro[] = {
		SEC, MIN, HOUR, WDAY, MDAY, MON, YEAR, REG_C, REG_D, CENTURY
	};
	uint8_t before[ARRAY_SIZE(ro)];
	unsigned int i;

	fake_now = 1751792707;
	for (i = 0; i < ARRAY_SIZE(ro); i++)
		before[i] = cmos_get(ro[i]);
	for (i = 0; i < ARRAY_SIZE(ro); i++)
		cmos_put(ro[i], 0x42);
	for (i = 0; i < ARRAY_SIZE(ro); i++)
		ck_assert_msg(cmos_get(ro[i]) == before[i], "register 0x%02x took a write", ro[i]);
}
END_TEST

static Suite *cmos_suite(void)
{
	Suite *s = suite_create("cmos");
	TCase *tc = tcase_create("cmos");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_time_registers_show_the_clock_in_bcd_24_hour, 0,
	                    (int)ARRAY_SIZE(times));
	tcase_add_test(tc, test_time_follows_the_clock_on_every_read);
	tcase_add_test(tc, test_index_bit_7_is_the_nmi_mask_not_part_of_the_index);
	tcase_add_test(tc, test_status_a_never_shows_an_update_in_progress);
	tcase_add_test(tc, test_status_b_says_24_hour_bcd);
	tcase_add_test(tc, test_status_c_has_no_interrupt_flags_and_d_says_valid);
	tcase_add_test(tc, test_ram_above_the_status_registers_keeps_what_is_written);
	tcase_add_test(tc, test_clock_and_status_c_d_and_century_ignore_writes);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(cmos_suite());
}
