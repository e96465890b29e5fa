// SPDX-License-Identifier: MIT
/*
 * Port I/O and MMIO exits reach the device that claimed the address, with the
 * offset, width and value the guest used, and reads nobody claims return all
 * ones.
 *
 * The guests (tests/kvm/guests/{pio,mmio}.S) run in the Linux 64-bit entry
 * state against a logging test device. The device answers every read with
 * bytes that depend on the offset (pattern_byte), so a read delivered at the
 * wrong offset, width or byte order returns a different value; the guest
 * reports what it read on the report device.
 */
#include <stdio.h>
#include <string.h>

#include "tests/kvm/kvm_guest.h"
#include "tests/unit/test_helpers.h"

#define LOG_MAX 32

struct access {
	bool is_write;
	uint64_t offset;
	unsigned int len;
	uint64_t value;
};

/* A device that answers reads with pattern_byte() and logs every access in order. */
struct logging_device {
	struct access log[LOG_MAX];
	unsigned int n;
	unsigned int dropped; /* accesses beyond LOG_MAX */
};

static uint8_t pattern_byte(uint64_t offset)
{
	return (uint8_t)(0xa0 + offset);
}

/* The little-endian value of a len-byte read at offset. */
static uint64_t pattern(uint64_t offset, unsigned int len)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < len; i++)
		v |= (uint64_t)pattern_byte(offset + i) << (8 * i);
	return v;
}

static void log_access(struct logging_device *d, bool is_write, uint64_t offset,
                       const uint8_t *data, unsigned int len)
{
	struct access a = { .is_write = is_write, .offset = offset, .len = len };

	memcpy(&a.value, data, len <= 8 ? len : 8);
	if (d->n < LOG_MAX)
		d->log[d->n++] = a;
	else
		d->dropped++;
}

static void device_read(void *dev, uint64_t offset, uint8_t *data, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		data[i] = pattern_byte(offset + i);
	log_access(dev, false, offset, data, len);
}

static void device_write(void *dev, uint64_t offset, const uint8_t *data, unsigned int len)
{
	log_access(dev, true, offset, data, len);
}

static const struct bus_device_ops logging_ops = { .read = device_read, .write = device_write };

static struct logging_device device;

static int add_pio_device(struct vm *vm, void *arg, struct err *e)
{
	return bus_register(&vm->pio, PIO_TEST_PORT, PIO_TEST_NR_PORTS, "test pio", &logging_ops,
	                    arg, e);
}

static int add_mmio_device(struct vm *vm, void *arg, struct err *e)
{
	return bus_register(&vm->mmio, MMIO_TEST_GPA, MMIO_TEST_SIZE, "test mmio", &logging_ops,
	                    arg, e);
}

static void assert_log(const struct logging_device *d, const struct access *want, unsigned int n)
{
	unsigned int i;

	ck_assert_msg(d->n == n && !d->dropped, "the device saw %u accesses, expected %u", d->n, n);
	for (i = 0; i < n; i++) {
		const struct access *a = &d->log[i];

		ck_assert_msg(a->is_write == want[i].is_write && a->offset == want[i].offset &&
		                  a->len == want[i].len && a->value == want[i].value,
		              "access %u: %s offset %llu len %u value 0x%llx, expected %s offset "
		              "%llu len %u value 0x%llx",
		              i, a->is_write ? "write" : "read", (unsigned long long)a->offset,
		              a->len, (unsigned long long)a->value,
		              want[i].is_write ? "write" : "read",
		              (unsigned long long)want[i].offset, want[i].len,
		              (unsigned long long)want[i].value);
	}
}

static void assert_reported(const struct guest_run *r, unsigned int n, uint64_t want,
                            const char *what)
{
	uint64_t got = guest_reported(r, REPORT_VALUE(n), what);

	ck_assert_msg(got == want, "%s: the guest read 0x%llx, expected 0x%llx", what,
	              (unsigned long long)got, (unsigned long long)want);
}

#define W(off, len, val)                  \
	{                                 \
		true, (off), (len), (val) \
	}
#define R(off, len)                                        \
	{                                                  \
		false, (off), (len), pattern((off), (len)) \
	}

START_TEST(port_io_reaches_the_device_with_offset_width_and_value)
{
	const struct guest g = { .name = "pio",
		                 .entry = GUEST_ENTRY_LINUX64,
		                 .add_devices = add_pio_device,
		                 .devices_arg = &device };
	/* pio.S, in program order; REP OUTSB of 5 bytes and REP INSB of 4. */
	const struct access want[] = {
		W(0, 1, 0x11), W(2, 2, 0x2233), W(4, 4, 0x44556677),
		R(1, 1),       R(2, 2),         R(4, 4),
		W(6, 1, 0x01), W(6, 1, 0x02),   W(6, 1, 0x03),
		W(6, 1, 0x04), W(6, 1, 0x05),   R(7, 1),
		R(7, 1),       R(7, 1),         R(7, 1),
	};
	struct guest_run r;

	memset(&device, 0, sizeof(device));
	guest_run(&g, &r);
	guest_assert_exit(&r, 0);
	assert_log(&device, want, ARRAY_SIZE(want));
	assert_reported(&r, 0, pattern(1, 1), "IN 1 byte");
	assert_reported(&r, 1, pattern(2, 2), "IN 2 bytes");
	assert_reported(&r, 2, pattern(4, 4), "IN 4 bytes");
	assert_reported(&r, 3, pattern(7, 1) * 0x01010101u, "REP INSB, 4 bytes in memory");
}
END_TEST

START_TEST(unclaimed_ports_read_all_ones)
{
	const struct guest g = { .name = "pio",
		                 .entry = GUEST_ENTRY_LINUX64,
		                 .add_devices = add_pio_device,
		                 .devices_arg = &device };
	struct guest_run r;

	memset(&device, 0, sizeof(device));
	guest_run(&g, &r);
	guest_assert_exit(&r, 0);
	assert_reported(&r, 4, 0xff, "IN 1 byte from an unclaimed port");
	assert_reported(&r, 5, 0xffff, "IN 2 bytes from an unclaimed port");
	assert_reported(&r, 6, 0xffffffff, "IN 4 bytes from an unclaimed port");
}
END_TEST

START_TEST(mmio_reaches_the_device_with_offset_width_and_value)
{
	const struct guest g = { .name = "mmio",
		                 .entry = GUEST_ENTRY_LINUX64,
		                 .add_devices = add_mmio_device,
		                 .devices_arg = &device };
	/* mmio.S, in program order. */
	const struct access want[] = {
		W(0x0, 1, 0x11),
		W(0x2, 2, 0x2233),
		W(0x4, 4, 0x44556677),
		W(0x8, 8, 0x8899aabbccddeeffULL),
		R(0x10, 1),
		R(0x12, 2),
		R(0x14, 4),
		R(0x18, 8),
	};
	struct guest_run r;

	memset(&device, 0, sizeof(device));
	guest_run(&g, &r);
	guest_assert_exit(&r, 0);
	assert_log(&device, want, ARRAY_SIZE(want));
	assert_reported(&r, 0, pattern(0x10, 1), "1-byte load");
	assert_reported(&r, 1, pattern(0x12, 2), "2-byte load");
	assert_reported(&r, 2, pattern(0x14, 4), "4-byte load");
	assert_reported(&r, 3, pattern(0x18, 8), "8-byte load");
}
END_TEST

START_TEST(unclaimed_mmio_reads_all_ones)
{
	const struct guest g = { .name = "mmio",
		                 .entry = GUEST_ENTRY_LINUX64,
		                 .add_devices = add_mmio_device,
		                 .devices_arg = &device };
	struct guest_run r;

	memset(&device, 0, sizeof(device));
	guest_run(&g, &r);
	guest_assert_exit(&r, 0);
	assert_reported(&r, 4, 0xff, "1-byte load from unclaimed MMIO");
	assert_reported(&r, 5, 0xffff, "2-byte load from unclaimed MMIO");
	assert_reported(&r, 6, 0xffffffff, "4-byte load from unclaimed MMIO");
	assert_reported(&r, 7, 0xffffffffffffffffULL, "8-byte load from unclaimed MMIO");
}
END_TEST

static Suite *kvm_io_suite(void)
{
	Suite *s = suite_create("kvm_io");
	TCase *pio = tcase_create("port_io");
	TCase *mmio = tcase_create("mmio");

	tcase_add_test(pio, port_io_reaches_the_device_with_offset_width_and_value);
	tcase_add_test(pio, unclaimed_ports_read_all_ones);
	tcase_add_test(mmio, mmio_reaches_the_device_with_offset_width_and_value);
	tcase_add_test(mmio, unclaimed_mmio_reads_all_ones);
	suite_add_tcase(s, pio);
	suite_add_tcase(s, mmio);
	return s;
}

int main(int argc, char **argv)
{
	return kvm_suite_main(kvm_io_suite(), argc, argv);
}
