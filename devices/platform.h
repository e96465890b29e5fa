/* SPDX-License-Identifier: MIT */
/*
 * What a device model may ask of the machine it sits in. Devices see guest
 * memory, a bus and this interface, never KVM: the VMM implements it (and
 * tests implement it with fakes).
 */
#ifndef MINIVMM_DEVICES_PLATFORM_H
#define MINIVMM_DEVICES_PLATFORM_H

#include <stdint.h>

struct platform;

struct platform_ops {
	/* Drive interrupt line gsi to level (0/1). */
	void (*set_irq)(struct platform *p, unsigned int gsi, int level);
	/* The guest asked for a reset (i8042 0xfe, ACPI reset register). */
	void (*reset)(struct platform *p, const char *source);
	/* The guest powered off or asked to end with a code; reason is one line. */
	void (*stop)(struct platform *p, int exit_code, const char *reason);
	/* The guest reported "boot complete" with a value. */
	void (*boot_complete)(struct platform *p, uint32_t value);
	/*
	 * Optional: send one edge on gsi, as virtio devices signal (minivmm: an
	 * irqfd). Without it platform_trigger_irq() pulses set_irq.
	 */
	void (*trigger_irq)(struct platform *p, unsigned int gsi);
};

struct platform {
	const struct platform_ops *ops;
};

static inline void platform_set_irq(struct platform *p, unsigned int gsi, int level)
{
	p->ops->set_irq(p, gsi, level);
}

static inline void platform_trigger_irq(struct platform *p, unsigned int gsi)
{
	if (p->ops->trigger_irq) {
		p->ops->trigger_irq(p, gsi);
		return;
	}
	p->ops->set_irq(p, gsi, 1);
	p->ops->set_irq(p, gsi, 0);
}

#endif
