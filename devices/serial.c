// SPDX-License-Identifier: MIT
#include "serial.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#define UART_RX  0 /* RBR/THR, DLL with DLAB */
#define UART_IER 1
#define UART_IIR 2 /* read: IIR, write: FCR */
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_MSR 6
#define UART_SCR 7

#define IER_RDI  0x01
#define IER_THRI 0x02
#define IER_RLSI 0x04
#define IER_MSI  0x08

#define IIR_NO_INT    0x01
#define IIR_THRI      0x02
#define IIR_RDI       0x04
#define IIR_FIFO_BITS 0xc0

#define FCR_CLEAR_RCVR 0x02
#define LCR_DLAB       0x80
#define MCR_OUT2       0x08
#define MCR_LOOP       0x10
#define LSR_DR         0x01
#define LSR_THRE       0x20
#define LSR_TEMT       0x40
#define MSR_CTS        0x10
#define MSR_DSR        0x20
#define MSR_DCD        0x80

static void write_all(int fd, const uint8_t *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return; /* the console went away: drop output, keep the guest running */
		buf += n;
		len -= (size_t)n;
	}
}

static void tx_flush_locked(struct serial *s)
{
	if (s->tx_len && s->out_fd >= 0)
		write_all(s->out_fd, s->tx, s->tx_len);
	s->tx_len = 0;
}

static void tx_byte(struct serial *s, uint8_t c)
{
	s->tx[s->tx_len++] = c;
	if (!s->line_buffered || c == '\n' || s->tx_len == SERIAL_TX_SIZE)
		tx_flush_locked(s);
}

static void rx_push(struct serial *s, uint8_t c)
{
	if (s->rx_count == SERIAL_RX_SIZE)
		return;
	s->rx[(s->rx_head + s->rx_count) % SERIAL_RX_SIZE] = c;
	s->rx_count++;
	s->lsr |= LSR_DR;
}

static uint8_t rx_pop(struct serial *s)
{
	uint8_t c;

	if (!s->rx_count)
		return 0;
	c = s->rx[s->rx_head];
	s->rx_head = (s->rx_head + 1) % SERIAL_RX_SIZE;
	if (--s->rx_count == 0)
		s->lsr &= (uint8_t)~LSR_DR;
	return c;
}

/* Recomputes IIR and drives the IRQ line (RDI before THRI, as on a 16550). */
static void update_irq(struct serial *s)
{
	int level;

	if ((s->ier & IER_RDI) && (s->lsr & LSR_DR))
		s->iir = IIR_RDI;
	else if ((s->ier & IER_THRI) && s->thri_pending)
		s->iir = IIR_THRI;
	else
		s->iir = IIR_NO_INT;
	level = s->iir != IIR_NO_INT && (s->mcr & MCR_OUT2);
	if (level != s->irq_level) {
		s->irq_level = level;
		platform_set_irq(s->platform, s->irq, level);
	}
}

void serial_init(struct serial *s, struct platform *p, unsigned int irq, int out_fd,
                 bool line_buffered)
{
	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->lock, NULL);
	s->platform = p;
	s->irq = irq;
	s->out_fd = out_fd;
	s->line_buffered = line_buffered;
	s->iir = IIR_NO_INT;
	s->lcr = 0x03;
	s->lsr = LSR_THRE | LSR_TEMT;
	s->msr = MSR_DCD | MSR_DSR | MSR_CTS;
	s->dll = 0x0c;
}

void serial_destroy(struct serial *s)
{
	serial_flush(s);
	pthread_mutex_destroy(&s->lock);
}

static uint8_t serial_read_reg(struct serial *s, uint64_t off)
{
	uint8_t v;

	switch (off) {
	case UART_RX:
		return (s->lcr & LCR_DLAB) ? s->dll : rx_pop(s);
	case UART_IER:
		return (s->lcr & LCR_DLAB) ? s->dlm : s->ier;
	case UART_IIR:
		v = s->iir | IIR_FIFO_BITS;
		if (s->iir == IIR_THRI)
			s->thri_pending = false; /* reading IIR acknowledges THRE */
		return v;
	case UART_LCR:
		return s->lcr;
	case UART_MCR:
		return s->mcr;
	case UART_LSR:
		return s->lsr;
	case UART_MSR:
		return s->msr;
	default:
		return s->scr;
	}
}

static void serial_write_reg(struct serial *s, uint64_t off, uint8_t v)
{
	switch (off) {
	case UART_RX:
		if (s->lcr & LCR_DLAB) {
			s->dll = v;
		} else {
			if (s->mcr & MCR_LOOP)
				rx_push(s, v);
			else
				tx_byte(s, v);
			s->thri_pending = true; /* the virtual transmitter empties at once */
		}
		break;
	case UART_IER:
		if (s->lcr & LCR_DLAB) {
			s->dlm = v;
		} else {
			/* Enabling THRI with an empty transmitter raises it, as real UARTs do. */
			if ((v & IER_THRI) && !(s->ier & IER_THRI))
				s->thri_pending = true;
			s->ier = v & (IER_RDI | IER_THRI | IER_RLSI | IER_MSI);
		}
		break;
	case UART_IIR: /* FCR */
		if (v & FCR_CLEAR_RCVR) {
			s->rx_head = s->rx_count = 0;
			s->lsr &= (uint8_t)~LSR_DR;
		}
		break;
	case UART_LCR:
		s->lcr = v;
		break;
	case UART_MCR:
		s->mcr = v;
		break;
	case UART_SCR:
		s->scr = v;
		break;
	default: /* LSR and MSR are read-only */
		break;
	}
}

static void serial_bus_read(void *dev, uint64_t off, uint8_t *data, unsigned int len)
{
	struct serial *s = dev;

	pthread_mutex_lock(&s->lock);
	data[0] = serial_read_reg(s, off);
	memset(data + 1, 0, len - 1);
	update_irq(s);
	pthread_mutex_unlock(&s->lock);
}

static void serial_bus_write(void *dev, uint64_t off, const uint8_t *data, unsigned int len)
{
	struct serial *s = dev;

	(void)len;
	pthread_mutex_lock(&s->lock);
	serial_write_reg(s, off, data[0]);
	update_irq(s);
	pthread_mutex_unlock(&s->lock);
}

const struct bus_device_ops serial_bus_ops = {
	.read = serial_bus_read,
	.write = serial_bus_write,
};

size_t serial_receive(struct serial *s, const uint8_t *buf, size_t len)
{
	size_t i;

	pthread_mutex_lock(&s->lock);
	for (i = 0; i < len && s->rx_count < SERIAL_RX_SIZE; i++)
		rx_push(s, buf[i]);
	update_irq(s);
	pthread_mutex_unlock(&s->lock);
	return i;
}

size_t serial_rx_space(struct serial *s)
{
	size_t n;

	pthread_mutex_lock(&s->lock);
	n = SERIAL_RX_SIZE - s->rx_count;
	pthread_mutex_unlock(&s->lock);
	return n;
}

void serial_flush(struct serial *s)
{
	pthread_mutex_lock(&s->lock);
	tx_flush_locked(s);
	pthread_mutex_unlock(&s->lock);
}
