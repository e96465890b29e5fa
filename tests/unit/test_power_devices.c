// SPDX-License-Identifier: MIT
/*
 * The ACPI power registers (devices/acpi_pm.h) and the panic device
 * (devices/pvpanic.h), registered on a port bus as arch/x86_64/devices.c
 * does and driven through bus_access, with a fake platform that records
 * every stop and reset:
 *   - sleep control (0x600): SLP_EN with the \_S5 type powers off with exit
 *     code 0; SLP_EN with another type wakes at once (WAK_STS in the sleep
 *     status register, 0x601, write-1-to-clear); writes without SLP_EN do
 *     nothing (ACPI 6.5 §4.8.3.7 and §4.8.3.8);
 *   - reset register (0x604): RESET_VALUE resets, anything else is ignored;
 *   - panic device (0x505): reads show PANICKED|CRASH_LOADED, a write with
 *     PANICKED stops with the configured exit code, CRASH_LOADED alone does
 *     not (Linux drivers/misc/pvpanic).
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "arch/x86_64/acpi.h"
#include "arch/x86_64/layout.h"
#include "devices/acpi_pm.h"
#include "devices/pvpanic.h"
#include "fixtures.h"
#include "lib/sizes.h"
#include "test_helpers.h"
#include "vmm/bus.h"
#include "vmm/exit_codes.h"

#define SLEEP_CTL_PORT 0x600
#define SLEEP_STS_PORT 0x601
#define RESET_PORT     0x604
#define PANIC_PORT     0x505

#define SLP_EN      0x20
#define SLP_TYP(t)  ((uint8_t)((t) << 2))
#define WAK_STS     0x80
#define S5_POWEROFF (SLP_EN | SLP_TYP(5)) /* 0x34, what Linux writes for S5 */

#define POWEROFF_REASON "the guest powered off (ACPI S5)"
#define PANIC_REASON    "the guest kernel panicked (reported by the panic device)"

/* ---- a fake platform that records what the devices asked for --------- */

static struct rec_platform fp;
static struct acpi_pm pm;
static struct pvpanic panic_dev;
static struct bus pio;
static struct err e;

/* The wiring of arch/x86_64/devices.c: same ports, lengths, ops and device state. */
static void setup(void)
{
	rec_platform_init(&fp);
	pm = (struct acpi_pm){ .platform = &fp.base,
		               .s5_type = ACPI_SLEEP_TYPE_S5,
		               .reset_value = ACPI_RESET_VALUE };
	panic_dev =
	    (struct pvpanic){ .platform = &fp.base, .panic_exit_code = MINIVMM_EXIT_GUEST_PANIC };
	err_clear(&e);
	bus_init(&pio, "pio");
	ck_assert_ok(bus_register(&pio, X86_ACPI_PM_PORT, ACPI_PM_NR_PORTS, "ACPI sleep",
	                          &acpi_pm_ops, &pm, &e),
	             e);
	ck_assert_ok(
	    bus_register(&pio, X86_ACPI_RESET_PORT, 1, "ACPI reset", &acpi_reset_ops, &pm, &e), e);
	ck_assert_ok(
	    bus_register(&pio, X86_PVPANIC_PORT, 1, "panic device", &pvpanic_ops, &panic_dev, &e),
	    e);
}

static void teardown(void)
{
	bus_destroy(&pio);
}

static void outb(uint16_t port, uint8_t v)
{
	ck_assert_msg(bus_access(&pio, port, &v, 1, true), "port 0x%x is not claimed", port);
}

static uint8_t inb(uint16_t port)
{
	uint8_t v;

	ck_assert_msg(bus_access(&pio, port, &v, 1, false), "port 0x%x is not claimed", port);
	return v;
}

static void assert_nothing_happened(void)
{
	ck_assert_uint_eq(fp.stops, 0);
	ck_assert_uint_eq(fp.resets, 0);
}

/* ---- wiring -------------------------------------------------------------- */

START_TEST(test_the_devices_sit_at_the_ports_the_fadt_and_dsdt_announce)
{
	uint8_t v = 0;

	ck_assert_uint_eq(X86_ACPI_PM_PORT, SLEEP_CTL_PORT);
	ck_assert_uint_eq(X86_ACPI_RESET_PORT, RESET_PORT);
	ck_assert_uint_eq(X86_PVPANIC_PORT, PANIC_PORT);
	ck_assert_uint_eq(ACPI_SLEEP_TYPE_S5, 5);
	ck_assert_uint_eq(ACPI_RESET_VALUE, 1);
	/* Two sleep registers, then nothing until the reset register. */
	ck_assert(!bus_access(&pio, SLEEP_CTL_PORT + 2, &v, 1, false));
	ck_assert(!bus_access(&pio, SLEEP_CTL_PORT + 3, &v, 1, false));
	ck_assert(!bus_access(&pio, RESET_PORT + 1, &v, 1, false));
	ck_assert(!bus_access(&pio, PANIC_PORT + 1, &v, 1, false));
}
END_TEST

/* ---- sleep control and status ------------------------------------------- */

START_TEST(test_slp_en_with_the_s5_type_powers_off_with_exit_code_0)
{
	outb(SLEEP_CTL_PORT, S5_POWEROFF);
	ck_assert_uint_eq(fp.stops, 1);
	ck_assert_int_eq(fp.exit_code, 0);
	ck_assert_str_eq(fp.reason, POWEROFF_REASON);
	ck_assert_uint_eq(fp.resets, 0);
}
END_TEST

/* Every other sleep type (loop index 0-7, minus 5): no power-off, the guest wakes at once. */
START_TEST(test_slp_en_with_another_type_wakes_at_once_with_wak_sts)
{
	unsigned int type = (unsigned int)_i;

	if (type == ACPI_SLEEP_TYPE_S5)
		return;
	ck_assert_uint_eq(inb(SLEEP_STS_PORT), 0);
	outb(SLEEP_CTL_PORT, SLP_EN | SLP_TYP(type));
	assert_nothing_happened();
	ck_assert_uint_eq(inb(SLEEP_STS_PORT), WAK_STS);
}
END_TEST

START_TEST(test_wak_sts_is_cleared_by_writing_1_to_it_and_only_then)
{
	outb(SLEEP_CTL_PORT, SLP_EN | SLP_TYP(3));
	ck_assert_uint_eq(inb(SLEEP_STS_PORT), WAK_STS);
	outb(SLEEP_STS_PORT, 0x00);
	ck_assert_uint_eq(inb(SLEEP_STS_PORT), WAK_STS);
	outb(SLEEP_STS_PORT, (uint8_t)~WAK_STS);
	ck_assert_uint_eq(inb(SLEEP_STS_PORT), WAK_STS);
	outb(SLEEP_STS_PORT, WAK_STS);
	ck_assert_uint_eq(inb(SLEEP_STS_PORT), 0);
	assert_nothing_happened();
}
END_TEST

/* Writes to the sleep control register without SLP_EN, including the S5 type alone. */
static const uint8_t without_slp_en[] = { 0x00, SLP_TYP(5), SLP_TYP(3), SLP_TYP(7), 0x1f, 0xdf };

START_TEST(test_sleep_control_writes_without_slp_en_are_ignored)
{
	outb(SLEEP_CTL_PORT, without_slp_en[_i]);
	assert_nothing_happened();
	ck_assert_uint_eq(inb(SLEEP_STS_PORT), 0);
}
END_TEST

START_TEST(test_writing_the_sleep_status_register_does_not_power_off)
{
	outb(SLEEP_STS_PORT, S5_POWEROFF);
	outb(SLEEP_STS_PORT, 0xff);
	assert_nothing_happened();
}
END_TEST

/* ---- reset register ------------------------------------------------------ */

START_TEST(test_the_reset_value_resets_the_guest)
{
	outb(RESET_PORT, ACPI_RESET_VALUE);
	ck_assert_uint_eq(fp.resets, 1);
	ck_assert_str_eq(fp.source, "ACPI reset register");
	ck_assert_uint_eq(fp.stops, 0);
}
END_TEST

static const uint8_t not_the_reset_value[] = { 0x00, 0x02, 0x06, 0x0e, 0xfe, 0xff };

START_TEST(test_other_values_in_the_reset_register_are_ignored)
{
	outb(RESET_PORT, not_the_reset_value[_i]);
	assert_nothing_happened();
}
END_TEST

/* ---- panic device -------------------------------------------------------- */

START_TEST(test_panic_device_reads_show_panicked_and_crash_loaded_supported)
{
	ck_assert_uint_eq(inb(PANIC_PORT), 0x03);
	ck_assert_uint_eq(PVPANIC_PANICKED | PVPANIC_CRASH_LOADED, 0x03);
	assert_nothing_happened();
}
END_TEST

/* Writes with PANICKED set, alone or with CRASH_LOADED. */
static const uint8_t panicked[] = { PVPANIC_PANICKED, PVPANIC_PANICKED | PVPANIC_CRASH_LOADED };

START_TEST(test_panicked_stops_with_the_configured_exit_code)
{
	outb(PANIC_PORT, panicked[_i]);
	ck_assert_uint_eq(fp.stops, 1);
	ck_assert_int_eq(fp.exit_code, MINIVMM_EXIT_GUEST_PANIC);
	ck_assert_str_eq(fp.reason, PANIC_REASON);
	ck_assert_uint_eq(fp.resets, 0);
}
END_TEST

START_TEST(test_the_panic_exit_code_is_the_one_configured)
{
	panic_dev.panic_exit_code = 42;
	outb(PANIC_PORT, PVPANIC_PANICKED);
	ck_assert_uint_eq(fp.stops, 1);
	ck_assert_int_eq(fp.exit_code, 42);
}
END_TEST

START_TEST(test_crash_loaded_alone_does_not_stop_the_guest)
{
	outb(PANIC_PORT, PVPANIC_CRASH_LOADED);
	outb(PANIC_PORT, 0x00);
	assert_nothing_happened();
}
END_TEST

static Suite *power_devices_suite(void)
{
	Suite *s = suite_create("power_devices");
	TCase *tc = tcase_create("power_devices");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_the_devices_sit_at_the_ports_the_fadt_and_dsdt_announce);
	tcase_add_test(tc, test_slp_en_with_the_s5_type_powers_off_with_exit_code_0);
	tcase_add_loop_test(tc, test_slp_en_with_another_type_wakes_at_once_with_wak_sts, 0, 8);
	tcase_add_test(tc, test_wak_sts_is_cleared_by_writing_1_to_it_and_only_then);
	tcase_add_loop_test(tc, test_sleep_control_writes_without_slp_en_are_ignored, 0,
	                    (int)ARRAY_SIZE(without_slp_en));
	tcase_add_test(tc, test_writing_the_sleep_status_register_does_not_power_off);
	tcase_add_test(tc, test_the_reset_value_resets_the_guest);
	tcase_add_loop_test(tc, test_other_values_in_the_reset_register_are_ignored, 0,
	                    (int)ARRAY_SIZE(not_the_reset_value));
	tcase_add_test(tc, test_panic_device_reads_show_panicked_and_crash_loaded_supported);
	tcase_add_loop_test(tc, test_panicked_stops_with_the_configured_exit_code, 0,
	                    (int)ARRAY_SIZE(panicked));
	tcase_add_test(tc, test_the_panic_exit_code_is_the_one_configured);
	tcase_add_test(tc, test_crash_loaded_alone_does_not_stop_the_guest);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(power_devices_suite());
}
