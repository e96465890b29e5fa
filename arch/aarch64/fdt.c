// SPDX-License-Identifier: MIT
#include "fdt.h"

#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "arch/aarch64/layout.h"

#define U(x) ((unsigned long long)(x))

#define A64_GIC_PHANDLE 1

/* DT interrupt specifiers: <type number flags> (BOOT-REFERENCE §6.7). */
#define DT_IRQ_TYPE_SPI      0
#define DT_IRQ_TYPE_PPI      1
#define DT_IRQ_EDGE_RISING   1
#define DT_IRQ_LEVEL_HIGH    4
#define DT_GICV2_PPI_CPUS(n) ((((1u << (n)) - 1) & 0xff) << 8) /* GICv2 PPI CPU mask */

/* Each fdt_* call returns 0 or a negative FDT_ERR_*; the first failure sticks. */
#define FDT_TRY(expr)                 \
	do {                          \
		if (!ret)             \
			ret = (expr); \
	} while (0)

static int prop_reg(void *fdt, const uint64_t *pairs, unsigned int n)
{
	fdt64_t v[4];
	unsigned int i;

	for (i = 0; i < 2 * n && i < ARRAY_SIZE(v); i++)
		v[i] = cpu_to_fdt64(pairs[i]);
	return fdt_property(fdt, "reg", v, sizeof(v[0]) * i);
}

static int prop_irqs(void *fdt, const uint32_t *cells, unsigned int n)
{
	fdt32_t v[12];
	unsigned int i;

	for (i = 0; i < n && i < ARRAY_SIZE(v); i++)
		v[i] = cpu_to_fdt32(cells[i]);
	return fdt_property(fdt, "interrupts", v, sizeof(v[0]) * i);
}

/* PPI flags: GICv2 also names the CPUs the PPI goes to. */
static uint32_t ppi_flags(const struct a64_dt_config *c)
{
	return DT_IRQ_LEVEL_HIGH | (c->gic_version == 2 ? DT_GICV2_PPI_CPUS(c->nr_cpus) : 0);
}

static int fdt_add_root_props(void *fdt)
{
	int ret = 0;

	FDT_TRY(fdt_property_string(fdt, "compatible", "linux,dummy-virt"));
	FDT_TRY(fdt_property_u32(fdt, "#address-cells", 2));
	FDT_TRY(fdt_property_u32(fdt, "#size-cells", 2));
	FDT_TRY(fdt_property_u32(fdt, "interrupt-parent", A64_GIC_PHANDLE));
	return ret;
}

static int fdt_add_chosen(void *fdt, const struct a64_dt_config *c, const char *uart)
{
	int ret = 0;

	FDT_TRY(fdt_begin_node(fdt, "chosen"));
	if (c->bootargs)
		FDT_TRY(fdt_property_string(fdt, "bootargs", c->bootargs));
	FDT_TRY(fdt_property_string(fdt, "stdout-path", uart));
	if (c->initrd_end) {
		FDT_TRY(fdt_property_u64(fdt, "linux,initrd-start", c->initrd_start));
		FDT_TRY(fdt_property_u64(fdt, "linux,initrd-end", c->initrd_end));
	}
	FDT_TRY(fdt_end_node(fdt));
	return ret;
}

static int fdt_add_aliases(void *fdt, const char *uart)
{
	int ret = 0;

	FDT_TRY(fdt_begin_node(fdt, "aliases"));
	FDT_TRY(fdt_property_string(fdt, "serial0", uart));
	FDT_TRY(fdt_end_node(fdt));
	return ret;
}

static int fdt_add_memory(void *fdt, const struct a64_dt_config *c)
{
	const uint64_t reg[] = { c->mem_base, c->mem_size };
	char name[40];
	int ret = 0;

	snprintf(name, sizeof(name), "memory@%llx", U(c->mem_base));
	FDT_TRY(fdt_begin_node(fdt, name));
	FDT_TRY(fdt_property_string(fdt, "device_type", "memory"));
	FDT_TRY(prop_reg(fdt, reg, 1));
	FDT_TRY(fdt_end_node(fdt));
	return ret;
}

static int fdt_add_cpus(void *fdt, const struct a64_dt_config *c)
{
	char name[32];
	unsigned int i;
	int ret = 0;

	FDT_TRY(fdt_begin_node(fdt, "cpus"));
	FDT_TRY(fdt_property_u32(fdt, "#address-cells", 1));
	FDT_TRY(fdt_property_u32(fdt, "#size-cells", 0));
	for (i = 0; i < c->nr_cpus; i++) {
		snprintf(name, sizeof(name), "cpu@%llx", U(a64_vcpu_mpidr(i)));
		FDT_TRY(fdt_begin_node(fdt, name));
		FDT_TRY(fdt_property_string(fdt, "device_type", "cpu"));
		FDT_TRY(fdt_property_string(fdt, "compatible", "arm,arm-v8"));
		/* Secondaries start powered off; Linux brings them up with PSCI CPU_ON. */
		FDT_TRY(fdt_property_string(fdt, "enable-method", "psci"));
		FDT_TRY(fdt_property_u32(fdt, "reg", (uint32_t)a64_vcpu_mpidr(i)));
		FDT_TRY(fdt_end_node(fdt));
	}
	FDT_TRY(fdt_end_node(fdt));
	return ret;
}

/* KVM implements PSCI in the kernel (KVM_ARM_VCPU_PSCI_0_2), called with HVC. */
static int fdt_add_psci(void *fdt)
{
	int ret = 0;

	FDT_TRY(fdt_begin_node(fdt, "psci"));
	FDT_TRY(fdt_property_string(fdt, "compatible", "arm,psci-0.2"));
	FDT_TRY(fdt_property_string(fdt, "method", "hvc"));
	FDT_TRY(fdt_end_node(fdt));
	return ret;
}

static int fdt_add_timer(void *fdt, const struct a64_dt_config *c)
{
	const uint32_t f = ppi_flags(c);
	const uint32_t irqs[] = {
		DT_IRQ_TYPE_PPI, A64_TIMER_PPI_SEC,  f, DT_IRQ_TYPE_PPI, A64_TIMER_PPI_PHYS, f,
		DT_IRQ_TYPE_PPI, A64_TIMER_PPI_VIRT, f, DT_IRQ_TYPE_PPI, A64_TIMER_PPI_HYP,  f,
	};
	int ret = 0;

	FDT_TRY(fdt_begin_node(fdt, "timer"));
	FDT_TRY(fdt_property_string(fdt, "compatible", "arm,armv8-timer"));
	FDT_TRY(fdt_property(fdt, "always-on", NULL, 0));
	FDT_TRY(prop_irqs(fdt, irqs, ARRAY_SIZE(irqs)));
	FDT_TRY(fdt_end_node(fdt));
	return ret;
}

static int fdt_add_gic(void *fdt, const struct a64_dt_config *c)
{
	const uint64_t v3[] = { A64_GIC_DIST_GPA, A64_GIC_DIST_SIZE, A64_GICV3_REDIST_GPA,
		                c->nr_cpus * A64_GICV3_REDIST_SIZE };
	const uint64_t v2[] = { A64_GIC_DIST_GPA, A64_GICV2_DIST_SIZE, A64_GICV2_CPU_GPA,
		                A64_GICV2_CPU_SIZE };
	char name[32];
	int ret = 0;

	snprintf(name, sizeof(name), "intc@%llx", U(A64_GIC_DIST_GPA));
	FDT_TRY(fdt_begin_node(fdt, name));
	FDT_TRY(fdt_property_string(fdt, "compatible",
	                            c->gic_version == 3 ? "arm,gic-v3" : "arm,cortex-a15-gic"));
	FDT_TRY(fdt_property(fdt, "interrupt-controller", NULL, 0));
	FDT_TRY(fdt_property_u32(fdt, "#interrupt-cells", 3));
	/* As QEMU's: room for an ITS child node, and what dtc expects of a provider. */
	FDT_TRY(fdt_property_u32(fdt, "#address-cells", 2));
	FDT_TRY(fdt_property_u32(fdt, "#size-cells", 2));
	FDT_TRY(fdt_property(fdt, "ranges", NULL, 0));
	FDT_TRY(prop_reg(fdt, c->gic_version == 3 ? v3 : v2, 2));
	FDT_TRY(fdt_property_u32(fdt, "phandle", A64_GIC_PHANDLE));
	FDT_TRY(fdt_end_node(fdt));
	return ret;
}

/* 16550A registers one byte apart (reg-shift 0, reg-io-width 1: the binding's defaults). */
static int fdt_add_uart(void *fdt, const char *node)
{
	const uint64_t reg[] = { A64_UART_GPA, A64_UART_SIZE };
	const uint32_t irq[] = { DT_IRQ_TYPE_SPI, A64_UART_SPI, DT_IRQ_LEVEL_HIGH };
	int ret = 0;

	FDT_TRY(fdt_begin_node(fdt, node));
	FDT_TRY(fdt_property_string(fdt, "compatible", "ns16550a"));
	FDT_TRY(prop_reg(fdt, reg, 1));
	FDT_TRY(prop_irqs(fdt, irq, ARRAY_SIZE(irq)));
	FDT_TRY(fdt_property_u32(fdt, "clock-frequency", A64_UART_CLOCK_HZ));
	FDT_TRY(fdt_end_node(fdt));
	return ret;
}

static int fdt_add_virtio_mmio(void *fdt, const struct a64_virtio_mmio *v)
{
	const uint64_t reg[] = { v->base, A64_VIRTIO_MMIO_SIZE };
	const uint32_t irq[] = { DT_IRQ_TYPE_SPI, v->spi, DT_IRQ_EDGE_RISING };
	char name[40];
	int ret = 0;

	snprintf(name, sizeof(name), "virtio_mmio@%llx", U(v->base));
	FDT_TRY(fdt_begin_node(fdt, name));
	FDT_TRY(fdt_property_string(fdt, "compatible", "virtio,mmio"));
	FDT_TRY(prop_reg(fdt, reg, 1));
	FDT_TRY(prop_irqs(fdt, irq, ARRAY_SIZE(irq)));
	FDT_TRY(fdt_property(fdt, "dma-coherent", NULL, 0));
	FDT_TRY(fdt_end_node(fdt));
	return ret;
}

static int check_config(const struct a64_dt_config *c, struct err *e)
{
	size_t n = c->bootargs ? strlen(c->bootargs) : 0;
	unsigned int max;

	if (c->gic_version != 2 && c->gic_version != 3)
		return err_set(e, EINVAL, "device tree: GIC version %u, expected 2 or 3",
		               c->gic_version);
	max = c->gic_version == 2 ? A64_GICV2_MAX_CPUS : A64_GICV3_MAX_CPUS;
	if (!c->nr_cpus || c->nr_cpus > max)
		return err_set(e, EINVAL, "device tree: %u vCPUs, a GICv%u takes 1 to %u",
		               c->nr_cpus, c->gic_version, max);
	if (n >= A64_CMDLINE_MAX)
		return err_set(e, EINVAL,
		               "command line is %zu bytes, the limit is %d (plus the NUL)", n,
		               A64_CMDLINE_MAX - 1);
	if (c->initrd_end && c->initrd_end <= c->initrd_start)
		return err_set(e, EINVAL, "device tree: initrd [0x%llx, 0x%llx) is empty",
		               U(c->initrd_start), U(c->initrd_end));
	return 0;
}

int a64_fdt_build(const struct a64_dt_config *c, void *buf, size_t len, size_t *out_len,
                  struct err *e)
{
	char uart[32];
	unsigned int i;
	int ret = check_config(c, e);

	if (ret)
		return ret;
	snprintf(uart, sizeof(uart), "/serial@%llx", U(A64_UART_GPA));
	FDT_TRY(fdt_create(buf, (int)len));
	FDT_TRY(fdt_finish_reservemap(buf));
	FDT_TRY(fdt_begin_node(buf, ""));
	FDT_TRY(fdt_add_root_props(buf));
	FDT_TRY(fdt_add_chosen(buf, c, uart));
	FDT_TRY(fdt_add_aliases(buf, uart));
	FDT_TRY(fdt_add_memory(buf, c));
	FDT_TRY(fdt_add_cpus(buf, c));
	FDT_TRY(fdt_add_psci(buf));
	FDT_TRY(fdt_add_timer(buf, c));
	FDT_TRY(fdt_add_gic(buf, c));
	FDT_TRY(fdt_add_uart(buf, uart + 1));
	for (i = 0; i < c->nr_virtio; i++)
		FDT_TRY(fdt_add_virtio_mmio(buf, &c->virtio[i]));
	FDT_TRY(fdt_end_node(buf));
	FDT_TRY(fdt_finish(buf));
	if (ret)
		return err_set(e, ret == -FDT_ERR_NOSPACE ? ENOSPC : EINVAL,
		               "device tree: %s (buffer of %zu bytes)", fdt_strerror(ret), len);
	*out_len = fdt_totalsize(buf);
	return 0;
}
