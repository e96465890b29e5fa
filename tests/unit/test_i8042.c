// SPDX-License-Identifier: MIT
/*
 * The i8042 keyboard controller (devices/i8042.h, BOOT-REFERENCE §4.2) on a
 * port bus at 0x60 (data) and 0x64 (status/command), registered as
 * arch/x86_64/devices.c does. What matters to Linux: the status port never
 * shows IBF (kb_wait() would spin), commands that answer put one byte in the
 * output buffer, and the reset paths reach the platform.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "devices/i8042.h"
#include "fixtures.h"
#include "lib/sizes.h"
#include "test_helpers.h"
#include "vmm/bus.h"

#define STATUS_OBF 0x01
#define STATUS_IBF 0x02
#define STATUS_CMD 0x08

#define KBD_IRQ 1

/* ---- a recording platform (fixtures.h) --------------------------------------- */

static struct rec_platform fp;
static struct i8042 kbc;
static struct bus pio;
static struct err e;

static void setup(void)
{
	rec_platform_init(&fp);
	i8042_init(&kbc, &fp.base);
	bus_init(&pio, "pio");
	ck_assert_ok(
	    bus_register(&pio, I8042_DATA_PORT, 1, "i8042 data", &i8042_data_ops, &kbc, &e), e);
	ck_assert_ok(
	    bus_register(&pio, I8042_CMD_PORT, 1, "i8042 command", &i8042_cmd_ops, &kbc, &e), e);
}

static void teardown(void)
{
	ck_assert_uint_eq(fp.bad_gsis, 0); /* the keyboard drives GSI 1 only */
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

static uint8_t status(void)
{
	return inb(I8042_CMD_PORT);
}

/* A controller command answers exactly one byte, want, through the data port. */
static void assert_answer(uint8_t cmd, uint8_t want)
{
	outb(I8042_CMD_PORT, cmd);
	ck_assert_msg(status() & STATUS_OBF, "command 0x%02x: no answer", cmd);
	ck_assert_uint_eq(inb(I8042_DATA_PORT), want);
	ck_assert_uint_eq(status() & STATUS_OBF, 0);
}

START_TEST(test_status_at_reset_has_no_output_and_input_buffer_empty)
{
	ck_assert_uint_eq(status() & (STATUS_OBF | STATUS_IBF), 0);
}
END_TEST

/* Every command and data byte Linux sends is followed by kb_wait(): IBF must read 0. */
START_TEST(test_ibf_reads_0_after_every_command_and_data_byte)
{
	static const uint8_t cmds[] = { 0x20, 0x60, 0xa7, 0xa8, 0xa9, 0xaa,
		                        0xab, 0xad, 0xae, 0xd0, 0xd1, 0xfe };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		outb(I8042_CMD_PORT, cmds[i]);
		ck_assert_msg(!(status() & STATUS_IBF), "IBF after command 0x%02x", cmds[i]);
		outb(I8042_DATA_PORT, 0xff);
		ck_assert_msg(!(status() & STATUS_IBF), "IBF after data for 0x%02x", cmds[i]);
		inb(I8042_DATA_PORT);
	}
}
END_TEST

static const struct {
	uint8_t cmd, answer;
	const char *what;
} answers[] = {
	{ 0xaa, 0x55, "controller self test passed" },
	{ 0xab, 0x00, "keyboard interface test passed" },
	{ 0xa9, 0x00, "aux interface test passed" },
};

START_TEST(test_test_commands_answer_success)
{
	outb(I8042_CMD_PORT, answers[_i].cmd);
	ck_assert_msg(status() & STATUS_OBF, "%s: no answer", answers[_i].what);
	ck_assert_uint_eq(inb(I8042_DATA_PORT), answers[_i].answer);
	ck_assert_uint_eq(status() & STATUS_OBF, 0);
}
END_TEST

START_TEST(test_read_output_port_answers_with_the_reset_line_high)
{
	outb(I8042_CMD_PORT, 0xd0);
	ck_assert_uint_eq(status() & STATUS_OBF, STATUS_OBF);
	ck_assert_uint_eq(inb(I8042_DATA_PORT) & 0x01, 0x01); /* bit 0 low would be reset */
	ck_assert_uint_eq(fp.resets, 0);
}
END_TEST

START_TEST(test_command_byte_written_with_0x60_reads_back_with_0x20)
{
	static const uint8_t values[] = { 0x00, 0x47, 0x65, 0xff };
	unsigned int i;

	outb(I8042_CMD_PORT, 0x20);
	ck_assert_uint_eq(inb(I8042_DATA_PORT) & 0x04, 0x04); /* SYS: self test passed */
	for (i = 0; i < ARRAY_SIZE(values); i++) {
		outb(I8042_CMD_PORT, 0x60);
		outb(I8042_DATA_PORT, values[i]);
		ck_assert_msg(!(status() & STATUS_OBF), "0x60 data byte was acknowledged");
		assert_answer(0x20, values[i]);
	}
}
END_TEST

START_TEST(test_status_bit_3_tells_whether_the_last_write_was_a_command)
{
	outb(I8042_CMD_PORT, 0x60);
	ck_assert_uint_eq(status() & STATUS_CMD, STATUS_CMD);
	outb(I8042_DATA_PORT, 0x45);
	ck_assert_uint_eq(status() & STATUS_CMD, 0);
}
END_TEST

START_TEST(test_keyboard_command_on_the_data_port_is_acknowledged_with_0xfa)
{
	static const uint8_t kbd_cmds[] = { 0xff, 0xf2, 0xf4, 0xf5, 0xed };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kbd_cmds); i++) {
		outb(I8042_DATA_PORT, kbd_cmds[i]);
		ck_assert_uint_eq(status() & STATUS_OBF, STATUS_OBF);
		ck_assert_uint_eq(inb(I8042_DATA_PORT), 0xfa);
		ck_assert_uint_eq(status() & STATUS_OBF, 0);
	}
	ck_assert_uint_eq(fp.resets, 0);
}
END_TEST

/* BOOT-REFERENCE §4.2: the ACK comes with IRQ 1, as the keyboard's answer does on a PC. */
START_TEST(test_keyboard_ack_raises_irq_1)
{
	outb(I8042_DATA_PORT, 0xf4);
	ck_assert_msg(fp.irq_raises[KBD_IRQ] > 0, "0xfa queued but IRQ 1 never raised");
}
END_TEST

START_TEST(test_command_0xfe_asks_the_platform_for_a_reset_each_time)
{
	unsigned int i;

	for (i = 1; i <= 10; i++) { /* Linux's reboot=k tries ten times */
		outb(I8042_CMD_PORT, 0xfe);
		ck_assert_uint_eq(fp.resets, i);
	}
	ck_assert_str_eq(fp.source, "i8042 reset command (0xfe on port 0x64)");
	ck_assert_uint_eq(fp.stops + fp.boots, 0);
}
END_TEST

static const struct {
	uint8_t outp;
	bool resets;
} output_ports[] = {
	{ 0x00, true },  { 0xfe, true },  { 0x02, true },  { 0x01, false },
	{ 0x03, false }, { 0xff, false }, { 0xdf, false },
};

START_TEST(test_write_output_port_with_bit_0_clear_resets)
{
	outb(I8042_CMD_PORT, 0xd1);
	ck_assert_uint_eq(fp.resets, 0); /* nothing before the data byte */
	outb(I8042_DATA_PORT, output_ports[_i].outp);
	ck_assert_uint_eq(fp.resets, output_ports[_i].resets);
	if (output_ports[_i].resets)
		ck_assert_str_eq(fp.source, "i8042 output port reset");
	ck_assert_uint_eq(status() & STATUS_OBF, 0); /* the data byte is not a keyboard command */
	outb(I8042_DATA_PORT, 0x00);                 /* the next data byte is one again */
	ck_assert_uint_eq(fp.resets, output_ports[_i].resets);
	ck_assert_uint_eq(inb(I8042_DATA_PORT), 0xfa);
}
END_TEST

static Suite *i8042_suite(void)
{
	Suite *s = suite_create("i8042");
	TCase *tc = tcase_create("i8042");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_status_at_reset_has_no_output_and_input_buffer_empty);
	tcase_add_test(tc, test_ibf_reads_0_after_every_command_and_data_byte);
	tcase_add_loop_test(tc, test_test_commands_answer_success, 0, (int)ARRAY_SIZE(answers));
	tcase_add_test(tc, test_read_output_port_answers_with_the_reset_line_high);
	tcase_add_test(tc, test_command_byte_written_with_0x60_reads_back_with_0x20);
	tcase_add_test(tc, test_status_bit_3_tells_whether_the_last_write_was_a_command);
	tcase_add_test(tc, test_keyboard_command_on_the_data_port_is_acknowledged_with_0xfa);
	tcase_add_test(tc, test_keyboard_ack_raises_irq_1);
	tcase_add_test(tc, test_command_0xfe_asks_the_platform_for_a_reset_each_time);
	tcase_add_loop_test(tc, test_write_output_port_with_bit_0_clear_resets, 0,
	                    (int)ARRAY_SIZE(output_ports));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(i8042_suite());
}
