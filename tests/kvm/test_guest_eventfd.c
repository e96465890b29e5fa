// SPDX-License-Identifier: MIT
/*
 * The eventfds minivmm gives KVM (vmm/vm_eventfd.h), on the host's /dev/kvm:
 * a guest writes a virtio-mmio QUEUE_NOTIFY register 1000 times
 * (tests/kvm/guests/notify.S); with an ioeventfd on it KVM counts the writes
 * in the eventfd and the vCPU does not exit for them, while a write of
 * another value still reaches the device on the MMIO bus. This is what makes
 * a virtio notification cost no exit to minivmm. An irqfd can be attached to
 * a virtio GSI.
 */
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "devices/virtio_mmio.h"
#include "tests/kvm/kvm_guest.h"
#include "tests/unit/test_helpers.h"
#include "vmm/vm_eventfd.h"

#define NOTIFY_WRITES 1000 /* as in notify.S */
#define VIRTIO_GSI    16

struct notify_device {
	unsigned int writes;
	uint64_t offset, value;
	int notify_fd, irq_fd;
};

static struct notify_device device;

static void device_write(void *dev, uint64_t offset, const uint8_t *data, unsigned int len)
{
	struct notify_device *d = dev;

	d->writes++;
	d->offset = offset;
	d->value = 0;
	memcpy(&d->value, data, len <= 8 ? len : 8);
}

static const struct bus_device_ops notify_ops = { .write = device_write };

static int add_notify_device(struct vm *vm, void *arg, struct err *e)
{
	struct notify_device *d = arg;
	int ret =
	    bus_register(&vm->mmio, MMIO_TEST_GPA, MMIO_TEST_SIZE, "notify", &notify_ops, d, e);

	if (!ret)
		ret = vm_add_ioeventfd(vm, MMIO_TEST_GPA + VIRTIO_MMIO_QUEUE_NOTIFY, 4, 0,
		                       d->notify_fd, e);
	if (!ret)
		ret = vm_add_irqfd(vm, VIRTIO_GSI, d->irq_fd, e);
	return ret;
}

START_TEST(notifications_through_an_ioeventfd_cost_no_exit)
{
	const struct guest g = { .name = "notify",
		                 .entry = GUEST_ENTRY_LINUX64,
		                 .add_devices = add_notify_device,
		                 .devices_arg = &device };
	struct guest_run r;
	uint64_t count = 0;

	memset(&device, 0, sizeof(device));
	device.notify_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	device.irq_fd = eventfd(0, EFD_CLOEXEC);
	ck_assert_int_ge(device.notify_fd, 0);
	guest_run(&g, &r);
	guest_assert_exit(&r, 0);
	ck_assert_int_eq(read(device.notify_fd, &count, sizeof(count)), sizeof(count));
	ck_assert_uint_eq(count, NOTIFY_WRITES);
	ck_assert_uint_eq(device.writes, 1); /* only the write of 1 */
	ck_assert_uint_eq(device.offset, VIRTIO_MMIO_QUEUE_NOTIFY);
	ck_assert_uint_eq(device.value, 1);
	/* The write of 1, the debug port and a few others; 1000 notifies would be 1000 more. */
	ck_assert_msg(r.res.vcpu_exits < 50, "%llu vCPU exits for %d notifications",
	              (unsigned long long)r.res.vcpu_exits, NOTIFY_WRITES);
	close(device.notify_fd);
	close(device.irq_fd);
}
END_TEST

static Suite *eventfd_suite(void)
{
	Suite *s = suite_create("guest_eventfd");
	TCase *tc = tcase_create("ioeventfd");

	tcase_add_test(tc, notifications_through_an_ioeventfd_cost_no_exit);
	suite_add_tcase(s, tc);
	return s;
}

int main(int argc, char **argv)
{
	return kvm_suite_main(eventfd_suite(), argc, argv);
}
