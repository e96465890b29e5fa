// SPDX-License-Identifier: MIT
#include "cmos.h"

#include <string.h>

#define REG_SECONDS 0x00
#define REG_MINUTES 0x02
#define REG_HOURS   0x04
#define REG_WEEKDAY 0x06
#define REG_DAY     0x07
#define REG_MONTH   0x08
#define REG_YEAR    0x09
#define REG_A       0x0a
#define REG_B       0x0b
#define REG_C       0x0c
#define REG_D       0x0d
#define REG_CENTURY 0x32

#define REG_B_24H 0x02
#define REG_D_VRT 0x80 /* RAM and time valid */

static time_t host_clock(void)
{
	return time(NULL);
}

void cmos_init(struct cmos *c)
{
	memset(c, 0, sizeof(*c));
	c->clock = host_clock;
	c->ram[REG_A] = 0x26; /* 32.768 kHz base, 1024 Hz rate; UIP clear */
	c->ram[REG_B] = REG_B_24H;
	c->ram[REG_D] = REG_D_VRT;
}

static uint8_t bcd(int v)
{
	return (uint8_t)(((v / 10) << 4) | (v % 10));
}

static uint8_t cmos_read(struct cmos *c, uint8_t idx)
{
	time_t now = c->clock();
	struct tm tm;

	gmtime_r(&now, &tm);
	switch (idx) {
	case REG_SECONDS:
		return bcd(tm.tm_sec);
	case REG_MINUTES:
		return bcd(tm.tm_min);
	case REG_HOURS:
		return bcd(tm.tm_hour);
	case REG_WEEKDAY:
		return bcd(tm.tm_wday + 1);
	case REG_DAY:
		return bcd(tm.tm_mday);
	case REG_MONTH:
		return bcd(tm.tm_mon + 1);
	case REG_YEAR:
		return bcd(tm.tm_year % 100);
	case REG_CENTURY:
		return bcd((tm.tm_year + 1900) / 100);
	case REG_C:
		return 0; /* no interrupt flags */
	default:
		return c->ram[idx & 0x7f];
	}
}

static void cmos_bus_read(void *dev, uint64_t off, uint8_t *data, unsigned int len)
{
	struct cmos *c = dev;

	memset(data, 0, len);
	data[0] = off == 0 ? c->index : cmos_read(c, c->index);
}

static void cmos_bus_write(void *dev, uint64_t off, const uint8_t *data, unsigned int len)
{
	struct cmos *c = dev;

	(void)len;
	if (off == 0)
		c->index = data[0] & 0x7f; /* bit 7 is the NMI mask */
	else if (c->index > REG_D && c->index != REG_CENTURY)
		c->ram[c->index] = data[0]; /* the clock itself stays the host's */
}

const struct bus_device_ops cmos_bus_ops = { .read = cmos_bus_read, .write = cmos_bus_write };
