// SPDX-License-Identifier: MIT
/*
 * The 16550A UART (devices/serial.h, BOOT-REFERENCE §4.1), driven through a
 * port bus at 0x3f8 as the guest drives it. Output goes to a pipe; the IRQ
 * line goes to a fake platform that logs every level change it is sent.
 * The last tests replay the register sequences Linux's 8250 driver uses to
 * probe the port, so a regression shows up as the driver bug it would cause.
 */
#include <check.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "devices/serial.h"
#include "lib/sizes.h"
#include "test_helpers.h"
#include "vmm/bus.h"

#define COM1 SERIAL_COM1_BASE
enum { RBR, IER, IIR, LCR, MCR, LSR, MSR, SCR }; /* offsets; THR = DLL = RBR, FCR = IIR */

#define IER_RDI   0x01
#define IER_THRI  0x02
#define IER_RLSI  0x04
#define IIR_NO    0xc1 /* FIFOs enabled, no interrupt */
#define IIR_THRI  0xc2
#define IIR_RDI   0xc4
#define LCR_DLAB  0x80
#define MCR_DTR   0x01
#define MCR_RTS   0x02
#define MCR_OUT2  0x08
#define MCR_LOOP  0x10
#define LSR_DR    0x01
#define LSR_THRE  0x20
#define LSR_TEMT  0x40
#define FCR_FIFO  0x01
#define FCR_CLR_R 0x02
#define FCR_CLR_T 0x04

/* ---- fake platform: logs every set_irq call ------------------------------ */

struct irq_event {
	unsigned int gsi;
	int level;
};

struct fake_platform {
	struct platform base;
	struct irq_event log[64];
	unsigned int nr_log;
	unsigned int others; /* reset, stop, boot_complete: a UART must never call them */
};

static void fp_set_irq(struct platform *p, unsigned int gsi, int level)
{
	struct fake_platform *f = (struct fake_platform *)p;

	ck_assert_uint_lt(f->nr_log, ARRAY_SIZE(f->log));
	f->log[f->nr_log++] = (struct irq_event){ gsi, level };
}

static void fp_reset(struct platform *p, const char *source)
{
	(void)source;
	((struct fake_platform *)p)->others++;
}

static void fp_stop(struct platform *p, int exit_code, const char *reason)
{
	(void)exit_code;
	(void)reason;
	((struct fake_platform *)p)->others++;
}

static void fp_boot_complete(struct platform *p, uint32_t value)
{
	(void)value;
	((struct fake_platform *)p)->others++;
}

static const struct platform_ops fake_platform_ops = { fp_set_irq, fp_reset, fp_stop,
	                                               fp_boot_complete };

static struct fake_platform fp = { .base = { &fake_platform_ops } };
static struct serial uart;
static struct bus pio;
static int pipefd[2];
static struct err e;

static void open_uart(unsigned int irq, bool line_buffered)
{
	ck_assert_int_eq(pipe(pipefd), 0);
	ck_assert_int_eq(fcntl(pipefd[0], F_SETFL, O_NONBLOCK), 0); /* output() never blocks */
	serial_init(&uart, &fp.base, irq, pipefd[1], line_buffered);
	bus_init(&pio, "pio");
	ck_assert_ok(bus_register(&pio, COM1, SERIAL_NR_PORTS, "COM1", &serial_bus_ops, &uart, &e),
	             e);
}

static void setup(void)
{
	open_uart(SERIAL_COM1_IRQ, false);
}

static void setup_line_buffered(void)
{
	open_uart(SERIAL_COM1_IRQ, true);
}

static void teardown(void)
{
	bus_destroy(&pio);
	serial_destroy(&uart);
	close(pipefd[0]);
	close(pipefd[1]);
}

static void outb(unsigned int reg, uint8_t v)
{
	ck_assert(bus_access(&pio, COM1 + reg, &v, 1, true));
}

static uint8_t inb(unsigned int reg)
{
	uint8_t v;

	ck_assert(bus_access(&pio, COM1 + reg, &v, 1, false));
	return v;
}

/* Everything written to the output fd so far, NUL-terminated. */
static const char *output(void)
{
	static char buf[SERIAL_TX_SIZE + 64];
	ssize_t n = read(pipefd[0], buf, sizeof(buf) - 1);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static size_t receive(const char *s)
{
	return serial_receive(&uart, (const uint8_t *)s, strlen(s));
}

/* The IRQ line has been sent exactly these levels on gsi, in order (-1 ends). */
static void assert_irq_log(unsigned int gsi, const int *levels)
{
	unsigned int i;

	for (i = 0; levels[i] >= 0; i++) {
		ck_assert_msg(i < fp.nr_log, "only %u IRQ changes, expected more", fp.nr_log);
		ck_assert_uint_eq(fp.log[i].gsi, gsi);
		ck_assert_int_eq(fp.log[i].level, levels[i]);
	}
	ck_assert_uint_eq(fp.nr_log, i);
}

#define IRQ_LOG(...) assert_irq_log(SERIAL_COM1_IRQ, (const int[]){ __VA_ARGS__, -1 })

/* ---- registers ------------------------------------------------------------- */

START_TEST(test_reset_state_is_an_idle_16550a_with_empty_transmitter)
{
	ck_assert_uint_eq(inb(IER), 0);
	ck_assert_uint_eq(inb(IIR), IIR_NO);
	ck_assert_uint_eq(inb(LCR), 0x03);
	ck_assert_uint_eq(inb(LSR), LSR_THRE | LSR_TEMT);
	ck_assert_uint_eq(inb(MSR), 0xb0); /* DCD, DSR, CTS */
	ck_assert_uint_eq(inb(SCR), 0);
	ck_assert_uint_eq(serial_rx_space(&uart), SERIAL_RX_SIZE);
	ck_assert_uint_eq(fp.nr_log + fp.others, 0);
}
END_TEST

START_TEST(test_dlab_maps_offsets_0_and_1_to_the_divisor_latch)
{
	outb(LCR, LCR_DLAB | 0x03);
	ck_assert_uint_eq(inb(RBR), 0x0c); /* 9600 baud */
	ck_assert_uint_eq(inb(IER), 0);
	outb(RBR, 0x01); /* 115200 baud */
	outb(IER, 0x02);
	ck_assert_uint_eq(inb(RBR), 0x01);
	ck_assert_uint_eq(inb(IER), 0x02);
	ck_assert_str_eq(output(), ""); /* a DLL write is not a transmitted byte */
	ck_assert_uint_eq(inb(IIR), IIR_NO);
	outb(LCR, 0x03);
	ck_assert_uint_eq(inb(IER), 0); /* IER kept its value under the latch */
	outb(RBR, 'x');
	ck_assert_str_eq(output(), "x");
	outb(LCR, LCR_DLAB);
	ck_assert_uint_eq(inb(RBR), 0x01);
	ck_assert_uint_eq(inb(IER), 0x02);
}
END_TEST

/*
 * LCR, MCR and SCR read back what was written; LSR and MSR are read-only; IER
 * keeps its four enable bits only (a sticky bit 6, XScale's UUE, would make
 * Linux's autoconfig call the port an XScale).
 */
static const struct {
	unsigned int reg;
	uint8_t write, read;
} read_back[] = {
	{ SCR, 0x00, 0x00 }, { SCR, 0x5a, 0x5a },
	{ SCR, 0xff, 0xff }, { LCR, 0x1b, 0x1b },
	{ MCR, 0x0b, 0x0b }, { LSR, 0x00, LSR_THRE | LSR_TEMT },
	{ MSR, 0x00, 0xb0 }, { LSR, 0xff, LSR_THRE | LSR_TEMT },
	{ IER, 0xff, 0x0f }, { IER, 0x40, 0x00 },
};

START_TEST(test_registers_read_back_what_was_written_unless_read_only)
{
	outb(read_back[_i].reg, read_back[_i].write);
	ck_assert_uint_eq(inb(read_back[_i].reg), read_back[_i].read);
}
END_TEST

/* ---- transmit ---------------------------------------------------------------- */

START_TEST(test_thr_bytes_reach_the_output_at_once_when_not_line_buffered)
{
	outb(RBR, 'o');
	ck_assert_str_eq(output(), "o");
	outb(RBR, 'k');
	ck_assert_str_eq(output(), "k");
	ck_assert_uint_eq(inb(LSR), LSR_THRE | LSR_TEMT); /* the transmitter is never busy */
}
END_TEST

START_TEST(test_line_buffered_output_is_written_at_newline_or_flush)
{
	const char *s = "boot\nok";

	for (; *s; s++)
		outb(RBR, (uint8_t)*s);
	ck_assert_str_eq(output(), "boot\n");
	serial_flush(&uart);
	ck_assert_str_eq(output(), "ok");
	serial_flush(&uart);
	ck_assert_str_eq(output(), "");
}
END_TEST

START_TEST(test_line_buffered_output_is_written_when_the_buffer_fills)
{
	unsigned int i;

	for (i = 0; i < SERIAL_TX_SIZE - 1; i++)
		outb(RBR, 'a');
	ck_assert_str_eq(output(), "");
	outb(RBR, 'b');
	ck_assert_uint_eq(strlen(output()), SERIAL_TX_SIZE);
}
END_TEST

START_TEST(test_destroy_flushes_and_without_an_fd_output_is_discarded)
{
	outb(RBR, 'z');
	serial_destroy(&uart);
	ck_assert_str_eq(output(), "z");
	serial_init(&uart, &fp.base, SERIAL_COM1_IRQ, -1, true);
	outb(RBR, '\n');
	serial_flush(&uart);
	ck_assert_str_eq(output(), "");
}
END_TEST

START_TEST(test_loopback_sends_thr_to_the_receiver_not_the_output)
{
	outb(MCR, MCR_LOOP);
	outb(RBR, 0x5a);
	ck_assert_str_eq(output(), "");
	ck_assert_uint_eq(inb(LSR) & LSR_DR, LSR_DR);
	ck_assert_uint_eq(inb(RBR), 0x5a);
	ck_assert_uint_eq(inb(LSR) & LSR_DR, 0);
	outb(MCR, 0);
	outb(RBR, 'y');
	ck_assert_str_eq(output(), "y");
}
END_TEST

/* ---- receive ------------------------------------------------------------------ */

START_TEST(test_receive_takes_what_fits_in_4096_bytes_and_the_guest_reads_it_in_order)
{
	static uint8_t in[SERIAL_RX_SIZE + 10];
	unsigned int i;

	for (i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 7);
	ck_assert_uint_eq(serial_receive(&uart, in, sizeof(in)), SERIAL_RX_SIZE);
	ck_assert_uint_eq(serial_rx_space(&uart), 0);
	ck_assert_uint_eq(inb(LSR), LSR_DR | LSR_THRE | LSR_TEMT);
	ck_assert_uint_eq(serial_receive(&uart, in, 1), 0);
	ck_assert_uint_eq(inb(RBR), in[0]);
	ck_assert_uint_eq(serial_rx_space(&uart), 1);
	ck_assert_uint_eq(serial_receive(&uart, in + SERIAL_RX_SIZE, 10), 1);
	for (i = 1; i <= SERIAL_RX_SIZE; i++)
		ck_assert_uint_eq(inb(RBR), in[i]); /* in order across the wrap */
	ck_assert_uint_eq(inb(LSR), LSR_THRE | LSR_TEMT);
	ck_assert_uint_eq(serial_rx_space(&uart), SERIAL_RX_SIZE);
}
END_TEST

START_TEST(test_fcr_clear_receive_drops_queued_bytes)
{
	receive("abc");
	outb(IIR, FCR_FIFO); /* enabling the FIFO alone keeps them */
	ck_assert_uint_eq(inb(LSR) & LSR_DR, LSR_DR);
	outb(IIR, FCR_FIFO | FCR_CLR_R | FCR_CLR_T);
	ck_assert_uint_eq(inb(LSR), LSR_THRE | LSR_TEMT);
	ck_assert_uint_eq(serial_rx_space(&uart), SERIAL_RX_SIZE);
	receive("d");
	ck_assert_uint_eq(inb(RBR), 'd');
}
END_TEST

/* ---- interrupts ------------------------------------------------------------------ */

START_TEST(test_enabling_thri_with_empty_transmitter_raises_thri_until_iir_is_read)
{
	outb(IER, IER_THRI);
	ck_assert_uint_eq(inb(IIR), IIR_THRI);
	ck_assert_uint_eq(inb(IIR), IIR_NO); /* the first read acknowledged it */
	outb(RBR, '.');                      /* a THR write re-arms it */
	ck_assert_uint_eq(inb(IIR), IIR_THRI);
	ck_assert_uint_eq(inb(IIR), IIR_NO);
}
END_TEST

START_TEST(test_thri_stays_quiet_while_ier_thri_is_clear)
{
	outb(RBR, '.');
	ck_assert_uint_eq(inb(IIR), IIR_NO);
	outb(IER, IER_THRI); /* the transmitter emptied meanwhile: THRI shows now */
	ck_assert_uint_eq(inb(IIR), IIR_THRI);
}
END_TEST

START_TEST(test_received_data_interrupt_needs_ier_rdi)
{
	receive("x");
	ck_assert_uint_eq(inb(IIR), IIR_NO);
	outb(IER, IER_RDI);
	ck_assert_uint_eq(inb(IIR), IIR_RDI);
	ck_assert_uint_eq(inb(IIR), IIR_RDI); /* RDI stays until the data is read */
	inb(RBR);
	ck_assert_uint_eq(inb(IIR), IIR_NO);
}
END_TEST

START_TEST(test_rdi_takes_priority_over_thri_and_does_not_acknowledge_it)
{
	outb(IER, IER_RDI | IER_THRI);
	receive("ab");
	ck_assert_uint_eq(inb(IIR), IIR_RDI);
	ck_assert_uint_eq(inb(IIR), IIR_RDI);
	inb(RBR);
	ck_assert_uint_eq(inb(IIR), IIR_RDI);
	inb(RBR);
	ck_assert_uint_eq(inb(IIR), IIR_THRI); /* still pending behind RDI */
	ck_assert_uint_eq(inb(IIR), IIR_NO);
}
END_TEST

START_TEST(test_irq_line_is_pending_and_out2_and_only_changes_are_sent)
{
	outb(IER, IER_RDI);
	receive("1");
	ck_assert_uint_eq(inb(IIR), IIR_RDI);
	ck_assert_uint_eq(fp.nr_log, 0); /* OUT2 clear: the line stays low */
	outb(MCR, MCR_OUT2);
	IRQ_LOG(1);
	receive("2");
	inb(LSR);
	inb(IIR);
	outb(SCR, 0);
	IRQ_LOG(1); /* still pending: no repeat */
	inb(RBR);
	inb(RBR);
	IRQ_LOG(1, 0);
	receive("3");
	IRQ_LOG(1, 0, 1);
	outb(MCR, 0);
	IRQ_LOG(1, 0, 1, 0);
	ck_assert_uint_eq(inb(IIR), IIR_RDI); /* IIR does not depend on OUT2 */
	ck_assert_uint_eq(fp.others, 0);
}
END_TEST

START_TEST(test_irq_goes_to_the_configured_gsi)
{
	teardown();
	open_uart(3, false);
	outb(MCR, MCR_OUT2);
	outb(IER, IER_THRI);
	inb(IIR);
	assert_irq_log(3, (const int[]){ 1, 0, -1 });
}
END_TEST

/* ---- Linux 8250 probes (drivers/tty/serial/8250/8250_port.c) ---------------- */

/* autoconfig(): the IER test, then FIFO detection through IIR bits 7:6. */
START_TEST(test_linux_autoconfig_finds_a_16550a)
{
	outb(IER, 0);
	ck_assert_uint_eq(inb(IER) & 0x0f, 0);
	outb(IER, 0x0f);
	ck_assert_uint_eq(inb(IER) & 0x0f, 0x0f);
	outb(IER, 0);
	outb(LCR, 0);
	outb(IIR, FCR_FIFO);
	ck_assert_uint_eq(inb(IIR) >> 6, 3);
}
END_TEST

/*
 * serial8250_do_startup(): clear FIFOs and interrupts, the THRE test, LCR,
 * MCR with OUT2, the TXEN test, then IER = RLSI | RDI.
 */
START_TEST(test_linux_startup_sets_neither_bug_thre_nor_bug_txen)
{
	uint8_t iir1, iir, lsr;

	outb(IIR, FCR_FIFO);
	outb(IIR, FCR_FIFO | FCR_CLR_R | FCR_CLR_T);
	outb(IIR, 0);
	ck_assert_uint_ne(inb(LSR), 0xff); /* else "LSR safety check engaged" */
	inb(RBR);
	inb(IIR);
	inb(MSR);

	ck_assert_uint_eq(inb(LSR) & LSR_THRE, LSR_THRE); /* wait_for_xmitr */
	outb(IER, IER_THRI);
	iir1 = inb(IIR);
	outb(IER, 0);
	outb(IER, IER_THRI);
	iir = inb(IIR);
	outb(IER, 0);
	ck_assert_msg(iir1 & 0x01 || !(iir & 0x01), "UART_BUG_THRE: iir1 0x%x iir 0x%x", iir1, iir);
	ck_assert_uint_eq(iir1, IIR_THRI);
	ck_assert_uint_eq(iir, IIR_THRI);

	outb(LCR, 0x03);
	outb(MCR, MCR_DTR | MCR_RTS | MCR_OUT2);
	outb(IER, IER_THRI);
	lsr = inb(LSR);
	iir = inb(IIR);
	outb(IER, 0);
	ck_assert_msg(!((lsr & LSR_TEMT) && (iir & 0x01)), "UART_BUG_TXEN: lsr 0x%x iir 0x%x", lsr,
	              iir);

	inb(LSR);
	inb(RBR);
	inb(IIR);
	inb(MSR);
	outb(IER, IER_RLSI | IER_RDI);
	IRQ_LOG(1, 0); /* the TXEN test's THRI, acknowledged by its IIR read */
	receive("k");
	IRQ_LOG(1, 0, 1);
	ck_assert_uint_eq(inb(IIR), IIR_RDI);
	ck_assert_uint_eq(inb(RBR), 'k');
	IRQ_LOG(1, 0, 1, 0);
}
END_TEST

/* serial8250_start_tx / the THRI handler: enable THRI, write on each THRI, stop. */
START_TEST(test_linux_interrupt_driven_transmit_gets_a_thri_per_byte)
{
	const char *msg = "hello\n";
	const char *p;

	outb(MCR, MCR_DTR | MCR_RTS | MCR_OUT2);
	outb(IER, IER_RDI | IER_THRI);
	for (p = msg; *p; p++) {
		ck_assert_uint_eq(inb(IIR), IIR_THRI);
		outb(RBR, (uint8_t)*p);
	}
	ck_assert_uint_eq(inb(IIR), IIR_THRI);
	outb(IER, IER_RDI); /* __stop_tx */
	ck_assert_uint_eq(inb(IIR), IIR_NO);
	ck_assert_str_eq(output(), msg);
	ck_assert_uint_eq(fp.nr_log % 2, 0); /* ends low */
	ck_assert_int_eq(fp.log[fp.nr_log - 1].level, 0);
}
END_TEST

static Suite *serial_suite(void)
{
	Suite *s = suite_create("serial");
	TCase *regs = tcase_create("registers");
	TCase *tx = tcase_create("transmit");
	TCase *lb = tcase_create("line-buffered transmit");
	TCase *rx = tcase_create("receive");
	TCase *irq = tcase_create("interrupts");
	TCase *lnx = tcase_create("Linux 8250 probes");
	TCase *all[] = { regs, tx, lb, rx, irq, lnx };
	unsigned int i;

	tcase_add_test(regs, test_reset_state_is_an_idle_16550a_with_empty_transmitter);
	tcase_add_test(regs, test_dlab_maps_offsets_0_and_1_to_the_divisor_latch);
	tcase_add_loop_test(regs, test_registers_read_back_what_was_written_unless_read_only, 0,
	                    (int)ARRAY_SIZE(read_back));
	tcase_add_test(tx, test_thr_bytes_reach_the_output_at_once_when_not_line_buffered);
	tcase_add_test(tx, test_loopback_sends_thr_to_the_receiver_not_the_output);
	tcase_add_test(lb, test_line_buffered_output_is_written_at_newline_or_flush);
	tcase_add_test(lb, test_line_buffered_output_is_written_when_the_buffer_fills);
	tcase_add_test(lb, test_destroy_flushes_and_without_an_fd_output_is_discarded);
	tcase_add_test(rx,
	               test_receive_takes_what_fits_in_4096_bytes_and_the_guest_reads_it_in_order);
	tcase_add_test(rx, test_fcr_clear_receive_drops_queued_bytes);
	tcase_add_test(irq,
	               test_enabling_thri_with_empty_transmitter_raises_thri_until_iir_is_read);
	tcase_add_test(irq, test_thri_stays_quiet_while_ier_thri_is_clear);
	tcase_add_test(irq, test_received_data_interrupt_needs_ier_rdi);
	tcase_add_test(irq, test_rdi_takes_priority_over_thri_and_does_not_acknowledge_it);
	tcase_add_test(irq, test_irq_line_is_pending_and_out2_and_only_changes_are_sent);
	tcase_add_test(irq, test_irq_goes_to_the_configured_gsi);
	tcase_add_test(lnx, test_linux_autoconfig_finds_a_16550a);
	tcase_add_test(lnx, test_linux_startup_sets_neither_bug_thre_nor_bug_txen);
	tcase_add_test(lnx, test_linux_interrupt_driven_transmit_gets_a_thri_per_byte);
	for (i = 0; i < ARRAY_SIZE(all); i++) {
		tcase_add_checked_fixture(all[i], all[i] == lb ? setup_line_buffered : setup,
		                          teardown);
		suite_add_tcase(s, all[i]);
	}
	return s;
}

int main(void)
{
	return run_suite(serial_suite());
}
