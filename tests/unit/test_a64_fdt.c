// SPDX-License-Identifier: MIT
/*
 * arch/aarch64/fdt.c: the device tree an arm64 guest gets, read back with
 * libfdt node by node (BOOT-REFERENCE §6.8): memory, /chosen, cpus with PSCI,
 * psci, timer, GICv3 and the GICv2 fallback, the 16550A UART and its alias,
 * virtio-mmio nodes; and every refusal with its numbers.
 */
#include <errno.h>
#include <libfdt.h>
#include <string.h>

#include "arch/aarch64/fdt.h"
#include "arch/aarch64/layout.h"
#include "test_helpers.h"

#define MEM_SIZE (512ULL << 20)

static uint8_t dtb[A64_FDT_MAX_SIZE];

static struct a64_dt_config default_config(void)
{
	return (struct a64_dt_config){ .mem_base = A64_DRAM_GPA,
		                       .mem_size = MEM_SIZE,
		                       .nr_cpus = 1,
		                       .gic_version = 3,
		                       .bootargs = "console=ttyS0 panic=-1",
		                       .initrd_start = 0x41000000,
		                       .initrd_end = 0x41012345 };
}

static void build_ok(const struct a64_dt_config *c)
{
	struct err e = { 0 };
	size_t len = 0;

	ck_assert_ok(a64_fdt_build(c, dtb, sizeof(dtb), &len, &e), e);
	ck_assert_int_eq(fdt_check_header(dtb), 0);
	ck_assert_uint_eq(len, fdt_totalsize(dtb));
	ck_assert_uint_lt(len, 4096);
}

static int node(const char *path)
{
	int off = fdt_path_offset(dtb, path);

	ck_assert_msg(off >= 0, "%s: %s", path, fdt_strerror(off));
	return off;
}

static const char *str(const char *path, const char *prop)
{
	const char *s = fdt_getprop(dtb, node(path), prop, NULL);

	ck_assert_msg(s != NULL, "%s: no %s", path, prop);
	return s;
}

static uint32_t cell(const char *path, const char *prop, int i)
{
	int len = 0;
	const fdt32_t *v = fdt_getprop(dtb, node(path), prop, &len);

	ck_assert_msg(v && len >= 4 * (i + 1), "%s: %s has %d bytes", path, prop, len);
	return fdt32_to_cpu(v[i]);
}

static uint64_t u64_at(const char *path, const char *prop, int i)
{
	return (uint64_t)cell(path, prop, 2 * i) << 32 | cell(path, prop, 2 * i + 1);
}

static int prop_len(const char *path, const char *prop)
{
	int len = -1;

	return fdt_getprop(dtb, node(path), prop, &len) ? len : -1;
}

START_TEST(root_memory_and_chosen)
{
	struct a64_dt_config c = default_config();

	build_ok(&c);
	ck_assert_str_eq(str("/", "compatible"), "linux,dummy-virt");
	ck_assert_uint_eq(cell("/", "#address-cells", 0), 2);
	ck_assert_uint_eq(cell("/", "#size-cells", 0), 2);
	ck_assert_uint_eq(cell("/", "interrupt-parent", 0), cell("/intc@8000000", "phandle", 0));
	ck_assert_str_eq(str("/memory@40000000", "device_type"), "memory");
	ck_assert_uint_eq(u64_at("/memory@40000000", "reg", 0), A64_DRAM_GPA);
	ck_assert_uint_eq(u64_at("/memory@40000000", "reg", 1), MEM_SIZE);
	ck_assert_str_eq(str("/chosen", "bootargs"), "console=ttyS0 panic=-1");
	ck_assert_str_eq(str("/chosen", "stdout-path"), "/serial@9000000");
	ck_assert_uint_eq(u64_at("/chosen", "linux,initrd-start", 0), 0x41000000);
	ck_assert_uint_eq(u64_at("/chosen", "linux,initrd-end", 0), 0x41012345);
	ck_assert_str_eq(str("/aliases", "serial0"), "/serial@9000000");
}
END_TEST

START_TEST(no_initrd_no_initrd_properties)
{
	struct a64_dt_config c = default_config();

	c.initrd_start = c.initrd_end = 0;
	c.bootargs = NULL;
	build_ok(&c);
	ck_assert_int_eq(prop_len("/chosen", "linux,initrd-start"), -1);
	ck_assert_int_eq(prop_len("/chosen", "linux,initrd-end"), -1);
	ck_assert_int_eq(prop_len("/chosen", "bootargs"), -1);
}
END_TEST

START_TEST(cpus_by_mpidr_with_psci)
{
	struct a64_dt_config c = default_config();
	int off, n = 0;

	c.nr_cpus = 18;
	build_ok(&c);
	ck_assert_uint_eq(cell("/cpus", "#address-cells", 0), 1);
	ck_assert_uint_eq(cell("/cpus", "#size-cells", 0), 0);
	for (off = fdt_first_subnode(dtb, node("/cpus")); off >= 0;
	     off = fdt_next_subnode(dtb, off))
		n++;
	ck_assert_int_eq(n, 18);
	ck_assert_uint_eq(cell("/cpus/cpu@0", "reg", 0), 0);
	ck_assert_uint_eq(cell("/cpus/cpu@f", "reg", 0), 0xf);
	ck_assert_uint_eq(cell("/cpus/cpu@100", "reg", 0), 0x100); /* vCPU 16: Aff1 1 */
	ck_assert_uint_eq(cell("/cpus/cpu@101", "reg", 0), 0x101);
	ck_assert_str_eq(str("/cpus/cpu@101", "enable-method"), "psci");
	ck_assert_str_eq(str("/cpus/cpu@101", "device_type"), "cpu");
	ck_assert_str_eq(str("/cpus/cpu@0", "compatible"), "arm,arm-v8");
	ck_assert_str_eq(str("/psci", "compatible"), "arm,psci-0.2");
	ck_assert_str_eq(str("/psci", "method"), "hvc");
	/* 18 redistributors of 128 KiB */
	ck_assert_uint_eq(u64_at("/intc@8000000", "reg", 3), 18 * 0x20000ULL);
}
END_TEST

START_TEST(timer_ppis_level_high)
{
	const uint32_t want[] = { 1, 13, 4, 1, 14, 4, 1, 11, 4, 1, 10, 4 };
	struct a64_dt_config c = default_config();
	unsigned int i;

	build_ok(&c);
	ck_assert_str_eq(str("/timer", "compatible"), "arm,armv8-timer");
	ck_assert_int_eq(prop_len("/timer", "always-on"), 0);
	ck_assert_int_eq(prop_len("/timer", "interrupts"), sizeof(want));
	for (i = 0; i < ARRAY_SIZE(want); i++)
		ck_assert_uint_eq(cell("/timer", "interrupts", (int)i), want[i]);
}
END_TEST

START_TEST(gicv3_distributor_and_redistributors)
{
	struct a64_dt_config c = default_config();

	c.nr_cpus = 2;
	build_ok(&c);
	ck_assert_str_eq(str("/intc@8000000", "compatible"), "arm,gic-v3");
	ck_assert_int_eq(prop_len("/intc@8000000", "interrupt-controller"), 0);
	ck_assert_uint_eq(cell("/intc@8000000", "#interrupt-cells", 0), 3);
	ck_assert_uint_eq(u64_at("/intc@8000000", "reg", 0), 0x08000000);
	ck_assert_uint_eq(u64_at("/intc@8000000", "reg", 1), 0x10000);
	ck_assert_uint_eq(u64_at("/intc@8000000", "reg", 2), 0x080a0000);
	ck_assert_uint_eq(u64_at("/intc@8000000", "reg", 3), 0x40000);
	/* No maintenance interrupt: the guest has no EL2 (as QEMU virt without virtualization) */
	ck_assert_int_eq(prop_len("/intc@8000000", "interrupts"), -1);
}
END_TEST

START_TEST(gicv2_fallback_with_cpu_masks)
{
	struct a64_dt_config c = default_config();

	c.gic_version = 2;
	c.nr_cpus = 2;
	build_ok(&c);
	ck_assert_str_eq(str("/intc@8000000", "compatible"), "arm,cortex-a15-gic");
	ck_assert_uint_eq(u64_at("/intc@8000000", "reg", 0), 0x08000000);
	ck_assert_uint_eq(u64_at("/intc@8000000", "reg", 1), 0x1000);
	ck_assert_uint_eq(u64_at("/intc@8000000", "reg", 2), 0x08010000);
	ck_assert_uint_eq(u64_at("/intc@8000000", "reg", 3), 0x2000);
	/* GICv2 PPIs name their CPUs: two vCPUs -> mask 0x3 in bits 15:8 */
	ck_assert_uint_eq(cell("/timer", "interrupts", 2), 0x304);
}
END_TEST

START_TEST(uart_16550a_with_spi_1)
{
	struct a64_dt_config c = default_config();

	build_ok(&c);
	ck_assert_str_eq(str("/serial@9000000", "compatible"), "ns16550a");
	ck_assert_uint_eq(u64_at("/serial@9000000", "reg", 0), A64_UART_GPA);
	ck_assert_uint_eq(u64_at("/serial@9000000", "reg", 1), A64_UART_SIZE);
	ck_assert_uint_eq(cell("/serial@9000000", "interrupts", 0), 0); /* SPI */
	ck_assert_uint_eq(cell("/serial@9000000", "interrupts", 1), 1);
	ck_assert_uint_eq(cell("/serial@9000000", "interrupts", 2), 4); /* level high */
	ck_assert_uint_eq(cell("/serial@9000000", "clock-frequency", 0), 1843200);
}
END_TEST

START_TEST(virtio_mmio_nodes)
{
	const struct a64_virtio_mmio v[] = {
		{ A64_VIRTIO_MMIO_GPA, A64_VIRTIO_MMIO_SPI },
		{ A64_VIRTIO_MMIO_GPA + A64_VIRTIO_MMIO_SIZE, A64_VIRTIO_MMIO_SPI + 1 },
	};
	struct a64_dt_config c = default_config();

	c.virtio = v;
	c.nr_virtio = 2;
	build_ok(&c);
	ck_assert_str_eq(str("/virtio_mmio@a000000", "compatible"), "virtio,mmio");
	ck_assert_uint_eq(u64_at("/virtio_mmio@a000200", "reg", 0), 0x0a000200);
	ck_assert_uint_eq(u64_at("/virtio_mmio@a000200", "reg", 1), 0x200);
	ck_assert_uint_eq(cell("/virtio_mmio@a000200", "interrupts", 1), 17);
	ck_assert_uint_eq(cell("/virtio_mmio@a000200", "interrupts", 2), 1); /* edge */
	ck_assert_int_eq(prop_len("/virtio_mmio@a000000", "dma-coherent"), 0);
}
END_TEST

START_TEST(command_line_of_2047_bytes_fits)
{
	static char line[2048];
	struct a64_dt_config c = default_config();

	memset(line, 'x', 2047);
	c.bootargs = line;
	build_ok(&c);
	ck_assert_uint_eq(strlen(str("/chosen", "bootargs")), 2047);
}
END_TEST

START_TEST(refusals_carry_numbers)
{
	static char line[2049];
	struct a64_dt_config c = default_config();
	struct err e = { 0 };
	size_t len;

	c.gic_version = 2;
	c.nr_cpus = 9;
	ck_assert_err(a64_fdt_build(&c, dtb, sizeof(dtb), &len, &e), e, EINVAL,
	              "device tree: 9 vCPUs, a GICv2 takes 1 to 8");
	c = default_config();
	c.nr_cpus = 65;
	ck_assert_err(a64_fdt_build(&c, dtb, sizeof(dtb), &len, &e), e, EINVAL,
	              "device tree: 65 vCPUs, a GICv3 takes 1 to 64");
	c = default_config();
	c.gic_version = 4;
	ck_assert_err(a64_fdt_build(&c, dtb, sizeof(dtb), &len, &e), e, EINVAL,
	              "device tree: GIC version 4, expected 2 or 3");
	c = default_config();
	memset(line, 'x', 2048);
	c.bootargs = line;
	ck_assert_err(a64_fdt_build(&c, dtb, sizeof(dtb), &len, &e), e, EINVAL,
	              "command line is 2048 bytes, the limit is 2047 (plus the NUL)");
	c = default_config();
	ck_assert_err(a64_fdt_build(&c, dtb, 256, &len, &e), e, ENOSPC,
	              "device tree: FDT_ERR_NOSPACE (buffer of 256 bytes)");
}
END_TEST

static Suite *fdt_suite(void)
{
	Suite *s = suite_create("a64_fdt");
	TCase *nodes = tcase_create("nodes");
	TCase *bad = tcase_create("errors");

	tcase_add_test(nodes, root_memory_and_chosen);
	tcase_add_test(nodes, no_initrd_no_initrd_properties);
	tcase_add_test(nodes, cpus_by_mpidr_with_psci);
	tcase_add_test(nodes, timer_ppis_level_high);
	tcase_add_test(nodes, gicv3_distributor_and_redistributors);
	tcase_add_test(nodes, gicv2_fallback_with_cpu_masks);
	tcase_add_test(nodes, uart_16550a_with_spi_1);
	tcase_add_test(nodes, virtio_mmio_nodes);
	tcase_add_test(nodes, command_line_of_2047_bytes_fits);
	tcase_add_test(bad, refusals_carry_numbers);
	suite_add_tcase(s, nodes);
	suite_add_tcase(s, bad);
	return s;
}

int main(void)
{
	return run_suite(fdt_suite());
}
