// SPDX-License-Identifier: MIT
#include "acpi_pm.h"

#include <string.h>

#define SLEEP_CTL_TYPE_SHIFT 2
#define SLEEP_CTL_TYPE_MASK  0x1c
#define SLEEP_CTL_SLP_EN     0x20
#define SLEEP_STS_WAK_STS    0x80

static void pm_read(void *dev, uint64_t off, uint8_t *data, unsigned int len)
{
	struct acpi_pm *pm = dev;

	memset(data, 0, len);
	if (off == 1)
		data[0] = pm->status;
}

static void pm_write(void *dev, uint64_t off, const uint8_t *data, unsigned int len)
{
	struct acpi_pm *pm = dev;
	unsigned int type;

	(void)len;
	if (off == 1) {
		pm->status &= (uint8_t)~data[0]; /* write-1-to-clear */
		return;
	}
	if (!(data[0] & SLEEP_CTL_SLP_EN))
		return;
	type = (data[0] & SLEEP_CTL_TYPE_MASK) >> SLEEP_CTL_TYPE_SHIFT;
	if (type == pm->s5_type) {
		pm->platform->ops->stop(pm->platform, 0, "the guest powered off (ACPI S5)");
		return;
	}
	/* Other sleep states are not offered (the DSDT has only \_S5): a guest that asks
	 * anyway wakes at once. */
	pm->status |= SLEEP_STS_WAK_STS;
}

static void reset_write(void *dev, uint64_t off, const uint8_t *data, unsigned int len)
{
	struct acpi_pm *pm = dev;

	(void)off;
	(void)len;
	if (data[0] == pm->reset_value)
		pm->platform->ops->reset(pm->platform, "ACPI reset register");
}

const struct bus_device_ops acpi_pm_ops = { .read = pm_read, .write = pm_write };
const struct bus_device_ops acpi_reset_ops = { .write = reset_write };
