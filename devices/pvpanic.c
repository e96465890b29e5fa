// SPDX-License-Identifier: MIT
#include "pvpanic.h"

#include <string.h>

static void pvpanic_read(void *dev, uint64_t off, uint8_t *data, unsigned int len)
{
	(void)dev;
	(void)off;
	memset(data, 0, len);
	data[0] = PVPANIC_PANICKED | PVPANIC_CRASH_LOADED;
}

static void pvpanic_write(void *dev, uint64_t off, const uint8_t *data, unsigned int len)
{
	struct pvpanic *p = dev;

	(void)off;
	(void)len;
	/* CRASH_LOADED alone means a kdump kernel takes over: the guest goes on. */
	if (data[0] & PVPANIC_PANICKED)
		p->platform->ops->stop(p->platform, p->panic_exit_code,
		                       "the guest kernel panicked (reported by the panic device)");
}

const struct bus_device_ops pvpanic_ops = { .read = pvpanic_read, .write = pvpanic_write };
