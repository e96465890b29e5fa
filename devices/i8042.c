// SPDX-License-Identifier: MIT
#include "i8042.h"

#include <string.h>

#define STATUS_OBF    0x01
#define STATUS_SYS    0x04 /* passed self test */
#define STATUS_CMD    0x08 /* last write was to the command port */
#define STATUS_KBD_EN 0x10 /* keyboard not inhibited */

#define CMD_READ_CTRL   0x20
#define CMD_WRITE_CTRL  0x60
#define CMD_AUX_DISABLE 0xa7
#define CMD_AUX_ENABLE  0xa8
#define CMD_AUX_TEST    0xa9
#define CMD_SELF_TEST   0xaa
#define CMD_KBD_TEST    0xab
#define CMD_KBD_DISABLE 0xad
#define CMD_KBD_ENABLE  0xae
#define CMD_READ_OUTP   0xd0
#define CMD_WRITE_OUTP  0xd1
#define CMD_RESET_CPU   0xfe

#define CTRL_KBD_INT 0x01
#define CTRL_SYS     0x04
#define CTRL_AUX_DIS 0x20

#define KBD_ACK 0xfa

void i8042_init(struct i8042 *k, struct platform *p)
{
	memset(k, 0, sizeof(*k));
	k->platform = p;
	k->status = STATUS_SYS | STATUS_KBD_EN;
	k->ctrl = CTRL_KBD_INT | CTRL_SYS | CTRL_AUX_DIS;
}

/* IRQ 1 follows "output buffer full and keyboard interrupts enabled", as a level. */
static void update_irq(struct i8042 *k)
{
	int level = k->outbuf_full && (k->ctrl & CTRL_KBD_INT);

	if (level != k->irq_level) {
		k->irq_level = level;
		platform_set_irq(k->platform, I8042_KBD_IRQ, level);
	}
}

static void put_output(struct i8042 *k, uint8_t v)
{
	k->outbuf = v;
	k->outbuf_full = true;
	k->status |= STATUS_OBF;
	update_irq(k);
}

static void i8042_command(struct i8042 *k, uint8_t cmd)
{
	k->status |= STATUS_CMD;
	switch (cmd) {
	case CMD_READ_CTRL:
		put_output(k, k->ctrl);
		break;
	case CMD_WRITE_CTRL:
	case CMD_WRITE_OUTP:
		k->pending_write = cmd;
		break;
	case CMD_SELF_TEST:
		put_output(k, 0x55);
		break;
	case CMD_KBD_TEST:
	case CMD_AUX_TEST:
		put_output(k, 0x00);
		break;
	case CMD_READ_OUTP:
		put_output(k, 0x03); /* reset line inactive (bit 0), A20 enabled (bit 1) */
		break;
	case CMD_KBD_DISABLE:
		k->ctrl |= 0x10;
		break;
	case CMD_KBD_ENABLE:
		k->ctrl &= (uint8_t)~0x10;
		break;
	case CMD_AUX_DISABLE:
		k->ctrl |= CTRL_AUX_DIS;
		break;
	case CMD_AUX_ENABLE:
		k->ctrl &= (uint8_t)~CTRL_AUX_DIS;
		break;
	case CMD_RESET_CPU:
		k->platform->ops->reset(k->platform, "i8042 reset command (0xfe on port 0x64)");
		break;
	default:
		break;
	}
}

static void i8042_data_write(struct i8042 *k, uint8_t v)
{
	k->status &= (uint8_t)~STATUS_CMD;
	switch (k->pending_write) {
	case CMD_WRITE_CTRL:
		k->ctrl = v;
		update_irq(k);
		break;
	case CMD_WRITE_OUTP:
		if (!(v & 0x01)) /* output port bit 0 low pulses the reset line */
			k->platform->ops->reset(k->platform, "i8042 output port reset");
		break;
	default:
		put_output(k, KBD_ACK); /* a keyboard command: acknowledge, no keyboard */
		break;
	}
	k->pending_write = 0;
}

static void data_read(void *dev, uint64_t off, uint8_t *data, unsigned int len)
{
	struct i8042 *k = dev;

	(void)off;
	memset(data, 0, len);
	data[0] = k->outbuf;
	k->outbuf_full = false;
	k->status &= (uint8_t)~STATUS_OBF;
	update_irq(k);
}

static void data_write(void *dev, uint64_t off, const uint8_t *data, unsigned int len)
{
	(void)off;
	(void)len;
	i8042_data_write(dev, data[0]);
}

static void cmd_read(void *dev, uint64_t off, uint8_t *data, unsigned int len)
{
	struct i8042 *k = dev;

	(void)off;
	memset(data, 0, len);
	data[0] = k->status;
}

static void cmd_write(void *dev, uint64_t off, const uint8_t *data, unsigned int len)
{
	(void)off;
	(void)len;
	i8042_command(dev, data[0]);
}

const struct bus_device_ops i8042_data_ops = { .read = data_read, .write = data_write };
const struct bus_device_ops i8042_cmd_ops = { .read = cmd_read, .write = cmd_write };
