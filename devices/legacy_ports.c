// SPDX-License-Identifier: MIT
#include "legacy_ports.h"

#include <stdio.h>
#include <string.h>

static void pci_read(void *dev, uint64_t off, uint8_t *data, unsigned int len)
{
	struct pci_stub *p = dev;

	if (off == 0 && len == 4)
		memcpy(data, &p->address, 4);
	/* otherwise the bus's all-ones: vendor 0xffff, no device */
}

static void pci_write(void *dev, uint64_t off, const uint8_t *data, unsigned int len)
{
	struct pci_stub *p = dev;

	if (off == 0 && len == 4)
		memcpy(&p->address, data, 4);
}

const struct bus_device_ops pci_stub_ops = { .read = pci_read, .write = pci_write };

static void post_write(void *dev, uint64_t off, const uint8_t *data, unsigned int len)
{
	(void)dev;
	(void)off;
	(void)data;
	(void)len;
}

const struct bus_device_ops post_port_ops = { .write = post_write };

/* The bus fills reads with all ones and drops writes when a handler is absent. */
const struct bus_device_ops absent_port_ops = { 0 };

static void debug_write(void *dev, uint64_t off, const uint8_t *data, unsigned int len)
{
	struct debug_port *d = dev;
	uint32_t v = 0;
	char why[64];

	memcpy(&v, data, len < 4 ? len : 4);
	if (off == DEBUG_BOOT_PORT - DEBUG_EXIT_PORT) {
		d->platform->ops->boot_complete(d->platform, v);
		return;
	}
	if (d->where)
		snprintf(why, sizeof(why), "the guest wrote exit code %u to %s", v & 0xff,
		         d->where);
	else
		snprintf(why, sizeof(why), "the guest wrote exit code %u to port 0x%x", v & 0xff,
		         DEBUG_EXIT_PORT);
	d->platform->ops->stop(d->platform, (int)(v & 0xff), why);
}

const struct bus_device_ops debug_port_ops = { .write = debug_write };
