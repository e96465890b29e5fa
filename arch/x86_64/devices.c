// SPDX-License-Identifier: MIT
/*
 * The x86 platform's devices on the port-I/O bus: COM1, the i8042, the CMOS
 * clock, the PCI configuration stub, port 0x80 and the minivmm debug ports.
 * Linux finds each where a PC has it; nothing is announced.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "arch/x86_64/acpi.h"
#include "arch/x86_64/layout.h"
#include "arch/x86_64/mem_layout.h"
#include "devices/acpi_pm.h"
#include "devices/cmos.h"
#include "devices/i8042.h"
#include "devices/legacy_ports.h"
#include "devices/pvpanic.h"
#include "devices/serial.h"
#include "vmm/arch.h"
#include "vmm/exit_codes.h"
#include "vmm/guest.h"
#include "vmm/vm.h"

struct x86_devices {
	struct serial com1;
	struct i8042 i8042;
	struct cmos cmos;
	struct pci_stub pci;
	struct debug_port debug;
	struct acpi_pm pm;
	struct pvpanic pvpanic;
};

int arch_mem_ranges(uint64_t mem_size, struct mem_range *out, unsigned int *n, struct err *e)
{
	return guest_x86_64.mem_ranges(mem_size, out, n, e);
}

static int register_ports(struct vm *vm, struct x86_devices *d, struct err *e)
{
	const struct {
		uint16_t base, count;
		const char *name;
		const struct bus_device_ops *ops;
		void *dev;
	} ports[] = {
		{ SERIAL_COM1_BASE, SERIAL_NR_PORTS, "COM1", &serial_bus_ops, &d->com1 },
		{ I8042_DATA_PORT, 1, "i8042 data", &i8042_data_ops, &d->i8042 },
		{ I8042_CMD_PORT, 1, "i8042 command", &i8042_cmd_ops, &d->i8042 },
		{ CMOS_PORT_BASE, CMOS_NR_PORTS, "CMOS", &cmos_bus_ops, &d->cmos },
		{ PCI_CONFIG_PORT, PCI_CONFIG_NR, "PCI config", &pci_stub_ops, &d->pci },
		{ POST_PORT, 1, "POST", &post_port_ops, NULL },
		{ SERIAL_COM2_BASE, SERIAL_NR_PORTS, "COM2 (absent)", &absent_port_ops, NULL },
		{ SERIAL_COM3_BASE, SERIAL_NR_PORTS, "COM3 (absent)", &absent_port_ops, NULL },
		{ SERIAL_COM4_BASE, SERIAL_NR_PORTS, "COM4 (absent)", &absent_port_ops, NULL },
		{ DEBUG_EXIT_PORT, DEBUG_NR_PORTS, "minivmm debug", &debug_port_ops, &d->debug },
		{ X86_ACPI_PM_PORT, ACPI_PM_NR_PORTS, "ACPI sleep", &acpi_pm_ops, &d->pm },
		{ X86_ACPI_RESET_PORT, 1, "ACPI reset", &acpi_reset_ops, &d->pm },
		{ X86_PVPANIC_PORT, 1, "panic device", &pvpanic_ops, &d->pvpanic },
	};
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(ports); i++) {
		ret = bus_register(&vm->pio, ports[i].base, ports[i].count, ports[i].name,
		                   ports[i].ops, ports[i].dev, e);
		if (ret)
			return ret;
	}
	return 0;
}

int arch_add_devices(struct vm *vm, int console_out_fd, struct err *e)
{
	struct x86_devices *d = calloc(1, sizeof(*d));

	if (!d)
		return err_set(e, ENOMEM, "devices: out of memory");
	vm->arch_devices = d;
	serial_init(&d->com1, &vm->platform, SERIAL_COM1_IRQ, console_out_fd,
	            !isatty(console_out_fd));
	vm->console = &d->com1;
	i8042_init(&d->i8042, &vm->platform);
	cmos_init(&d->cmos);
	d->debug.platform = &vm->platform;
	d->pm = (struct acpi_pm){ .platform = &vm->platform,
		                  .s5_type = ACPI_SLEEP_TYPE_S5,
		                  .reset_value = ACPI_RESET_VALUE };
	d->pvpanic = (struct pvpanic){ .platform = &vm->platform,
		                       .panic_exit_code = MINIVMM_EXIT_GUEST_PANIC };
	return register_ports(vm, d, e);
}

void arch_remove_devices(struct vm *vm)
{
	struct x86_devices *d = vm->arch_devices;

	if (!d)
		return;
	serial_destroy(&d->com1);
	free(d);
	vm->arch_devices = NULL;
	vm->console = NULL;
}
