/* SPDX-License-Identifier: MIT */
/*
 * A 16550A UART (COM1 at 0x3f8, IRQ 4): transmit goes to an output fd,
 * receive comes from serial_receive(). The interrupt follows the register
 * state as a level, gated by MCR.OUT2 as on PC hardware.
 */
#ifndef MINIVMM_DEVICES_SERIAL_H
#define MINIVMM_DEVICES_SERIAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/platform.h"
#include "vmm/bus.h"

#define SERIAL_COM1_BASE 0x3f8
#define SERIAL_COM2_BASE 0x2f8
#define SERIAL_COM3_BASE 0x3e8
#define SERIAL_COM4_BASE 0x2e8
#define SERIAL_COM1_IRQ  4
#define SERIAL_NR_PORTS  8
#define SERIAL_RX_SIZE   4096
#define SERIAL_TX_SIZE   4096

struct serial {
	pthread_mutex_t lock;
	struct platform *platform;
	unsigned int irq;
	int irq_level;

	uint8_t ier, iir, lcr, mcr, lsr, msr, scr, dll, dlm;
	bool thri_pending; /* THRE interrupt latched until IIR is read */

	uint8_t rx[SERIAL_RX_SIZE];
	size_t rx_head, rx_count;

	int out_fd;         /* -1: discard */
	bool line_buffered; /* flush at newline (not a terminal) */
	uint8_t tx[SERIAL_TX_SIZE];
	size_t tx_len;
};

void serial_init(struct serial *s, struct platform *p, unsigned int irq, int out_fd,
                 bool line_buffered);
void serial_destroy(struct serial *s);

extern const struct bus_device_ops serial_bus_ops;

/* Queues host input for the guest; returns how many bytes fitted. */
size_t serial_receive(struct serial *s, const uint8_t *buf, size_t len);

/* Free space in the receive buffer. */
size_t serial_rx_space(struct serial *s);

/* Writes out anything buffered. */
void serial_flush(struct serial *s);

#endif
