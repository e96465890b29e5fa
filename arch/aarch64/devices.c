// SPDX-License-Identifier: MIT
/*
 * The arm64 platform's devices on the MMIO bus, where the device tree says
 * they are (arch/aarch64/layout.h): the 16550A UART on SPI 1 and the minivmm
 * debug device. The vGIC is finished here, once every vCPU exists, because
 * the UART's interrupt goes through it.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <unistd.h>

#include "arch/aarch64/guest_arm64.h"
#include "arch/aarch64/kvm_state.h"
#include "arch/aarch64/layout.h"
#include "vmm/arch.h"
#include "vmm/guest.h"
#include "vmm/vm.h"

/*
 * Devices name their interrupt by SPI, as the device tree does; KVM_IRQ_LINE
 * wants the type in bits 24-27 (in-kernel SPI) and the GIC interrupt ID
 * (BOOT-REFERENCE §6.7).
 */
uint32_t arch_irq_line(unsigned int spi)
{
	return (KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) | A64_SPI_INTID(spi);
}

int arch_mem_ranges(uint64_t mem_size, struct mem_range *out, unsigned int *n, struct err *e)
{
	return guest_aarch64.mem_ranges(mem_size, out, n, e);
}

int arch_add_devices(struct vm *vm, int console_out_fd, struct err *e)
{
	struct a64_vm_state *s = vm->arch_devices;
	int ret = a64_gic_finalize(vm, e);

	if (ret)
		return ret;
	serial_init(&s->uart, &vm->platform, A64_UART_SPI, console_out_fd, !isatty(console_out_fd));
	vm->console = &s->uart;
	s->debug = (struct debug_port){ .platform = &vm->platform, .where = "MMIO 0x9100000" };
	ret = bus_register(&vm->mmio, A64_UART_GPA, SERIAL_NR_PORTS, "UART", &serial_bus_ops,
	                   &s->uart, e);
	if (!ret)
		ret = bus_register(&vm->mmio, A64_DEBUG_GPA, A64_DEBUG_SIZE, "minivmm debug",
		                   &debug_port_ops, &s->debug, e);
	return ret;
}

void arch_remove_devices(struct vm *vm)
{
	struct a64_vm_state *s = vm->arch_devices;

	if (!s)
		return;
	if (vm->console)
		serial_destroy(&s->uart);
	if (s->gic_fd >= 0)
		close(s->gic_fd);
	free(s);
	vm->arch_devices = NULL;
	vm->console = NULL;
}
