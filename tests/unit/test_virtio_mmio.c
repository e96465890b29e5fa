// SPDX-License-Identifier: MIT
/*
 * The virtio-mmio transport (devices/virtio_mmio.h, BOOT-REFERENCE §5.1, §5.2)
 * driven through its register window as Linux's virtio_mmio driver drives it,
 * with a stand-in device that records what the transport asks of it and a
 * fake platform that counts interrupt edges. Every rule a driver can break
 * (features never offered, no VERSION_1, skipped status steps, bad queue
 * setup, registers written at the wrong time or width) is refused, reported
 * with its numbers and leaves the device working.
 */
#include <check.h>
#include <string.h>

#include "devices/virtio_mmio.h"
#include "test_helpers.h"
#include "virtq_driver.h"

#define DEVICE_ID 42
#define QUEUE_MAX 16
#define F_EXTRA   0 /* a device feature bit the stand-in offers */
#define F_NEVER   5 /* one it does not */
#define IRQ       17

#define ACK      VIRTIO_STATUS_ACKNOWLEDGE
#define DRV      VIRTIO_STATUS_DRIVER
#define FEAT_OK  VIRTIO_STATUS_FEATURES_OK
#define DRV_OK   VIRTIO_STATUS_DRIVER_OK
#define NEED_RST VIRTIO_STATUS_NEEDS_RESET

struct stand_in {
	unsigned int notifies, last_queue, resets;
	unsigned int edges, level_changes;
	struct platform platform;
};

static struct td t;
static struct virtq queue;
static struct virtio_mmio vm;
static struct stand_in dev;

static void dev_config_read(void *d, uint32_t off, uint8_t *data, unsigned int len)
{
	unsigned int i;

	(void)d;
	for (i = 0; i < len; i++)
		data[i] = off + i < 12 ? (uint8_t)(0xa0 + off + i) : 0;
}

static void dev_queue_notify(void *d, unsigned int q)
{
	((struct stand_in *)d)->notifies++;
	((struct stand_in *)d)->last_queue = q;
}

static void dev_reset(void *d)
{
	((struct stand_in *)d)->resets++;
}

static const struct virtio_mmio_device_ops dev_ops = {
	.config_read = dev_config_read,
	.queue_notify = dev_queue_notify,
	.reset = dev_reset,
};

static void fp_set_irq(struct platform *p, unsigned int gsi, int level)
{
	(void)p;
	(void)gsi;
	(void)level;
	dev.level_changes++;
}

static void fp_trigger(struct platform *p, unsigned int gsi)
{
	(void)p;
	ck_assert_uint_eq(gsi, IRQ);
	dev.edges++;
}

static const struct platform_ops fp_ops = { .set_irq = fp_set_irq, .trigger_irq = fp_trigger };

static void setup(void)
{
	struct virtio_mmio_params p = {
		.name = "stand-in",
		.device_id = DEVICE_ID,
		.features = VIRTIO_BIT(F_EXTRA) | VIRTIO_BIT(VIRTIO_F_EVENT_IDX),
		.queues = &queue,
		.nr_queues = 1,
		.queue_max = QUEUE_MAX,
		.platform = &dev.platform,
		.irq = IRQ,
		.ops = &dev_ops,
		.dev = &dev,
	};
	struct err e;

	memset(&dev, 0, sizeof(dev));
	dev.platform.ops = &fp_ops;
	td_init(&t, 8);
	p.mem = &t.gm;
	ck_assert_ok(virtio_mmio_init(&vm, &p, &e), e);
	vm.quiet = true;
}

static void teardown(void)
{
	virtio_mmio_destroy(&vm);
	td_destroy(&t);
}

static uint32_t rd(uint64_t off)
{
	uint32_t v = 0xffffffff;

	virtio_mmio_bus_ops.read(&vm, off, (uint8_t *)&v, 4);
	return v;
}

static void wr(uint64_t off, uint32_t v)
{
	virtio_mmio_bus_ops.write(&vm, off, (const uint8_t *)&v, 4);
}

static void negotiate(uint64_t features)
{
	wr(VIRTIO_MMIO_STATUS, 0);
	wr(VIRTIO_MMIO_STATUS, ACK);
	wr(VIRTIO_MMIO_STATUS, ACK | DRV);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(features >> 32));
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)features);
	wr(VIRTIO_MMIO_STATUS, ACK | DRV | FEAT_OK);
}

static void setup_queue(uint32_t size, gpa_t desc, gpa_t avail, gpa_t used)
{
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	wr(VIRTIO_MMIO_QUEUE_NUM, size);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
	wr(VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
	wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)avail);
	wr(VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)(avail >> 32));
	wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)used);
	wr(VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(used >> 32));
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
}

/* The whole Linux probe sequence, ending with DRIVER_OK. */
static void bring_up(void)
{
	negotiate(VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_EVENT_IDX));
	ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), ACK | DRV | FEAT_OK);
	setup_queue(8, TD_DESC, TD_AVAIL, TD_USED);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_READY), 1);
	wr(VIRTIO_MMIO_STATUS, ACK | DRV | FEAT_OK | DRV_OK);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), ACK | DRV | FEAT_OK | DRV_OK);
}

/* ---- identity and features ------------------------------------------------ */

START_TEST(test_identity_registers)
{
	ck_assert_uint_eq(rd(VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_VERSION), 2);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_DEVICE_ID), DEVICE_ID);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_VENDOR_ID), VIRTIO_MMIO_VENDOR);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_CONFIG_GENERATION), 0);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_SHM_LEN_LOW), 0xffffffff); /* no shared memory */
}
END_TEST

START_TEST(test_features_are_read_32_bits_at_a_time_and_include_version_1)
{
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_DEVICE_FEATURES), (1u << F_EXTRA) | (1u << 29));
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_DEVICE_FEATURES), 1); /* bit 32: VERSION_1 */
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 2);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_DEVICE_FEATURES), 0);
}
END_TEST

START_TEST(test_a_subset_with_version_1_is_accepted)
{
	negotiate(VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_EVENT_IDX));
	ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), ACK | DRV | FEAT_OK);
	ck_assert(virtio_mmio_negotiated(&vm, VIRTIO_F_EVENT_IDX));
	ck_assert(!virtio_mmio_negotiated(&vm, F_EXTRA));
	ck_assert_uint_eq(vm.stats.errors, 0);
}
END_TEST

static const struct {
	uint64_t features;
	const char *msg;
} refused_features[] = {
	{ VIRTIO_BIT(VIRTIO_F_EVENT_IDX), "driver features 0x20000000 lack VERSION_1 (bit 32)" },
	{ VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(F_NEVER),
	  "driver features 0x100000020 include 0x20 never offered" },
	{ VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(40),
	  "driver features 0x10100000000 include 0x10000000000 never offered" },
};

START_TEST(test_feature_sets_without_version_1_or_with_unoffered_bits_are_refused)
{
	negotiate(refused_features[_i].features);
	/* The driver reads FEATURES_OK back to learn the answer: it is not set. */
	ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), ACK | DRV);
	ck_assert_str_eq(vm.last_error, refused_features[_i].msg);
	wr(VIRTIO_MMIO_STATUS, ACK | DRV | DRV_OK);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), ACK | DRV);
	ck_assert_str_eq(vm.last_error, "DRIVER_OK without FEATURES_OK (status 0x7)");
}
END_TEST

START_TEST(test_features_ok_needs_driver_first)
{
	wr(VIRTIO_MMIO_STATUS, ACK);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 1);
	wr(VIRTIO_MMIO_STATUS, ACK | FEAT_OK);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), ACK);
	ck_assert_str_eq(vm.last_error, "FEATURES_OK before DRIVER (status 0x1)");
}
END_TEST

START_TEST(test_features_written_after_features_ok_are_ignored)
{
	negotiate(VIRTIO_BIT(VIRTIO_F_VERSION_1));
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 1u << VIRTIO_F_EVENT_IDX);
	ck_assert(!virtio_mmio_negotiated(&vm, VIRTIO_F_EVENT_IDX));
	ck_assert_str_eq(vm.last_error, "driver features written after FEATURES_OK: ignored");
}
END_TEST

START_TEST(test_status_bits_only_accumulate_until_a_reset)
{
	wr(VIRTIO_MMIO_STATUS, ACK | DRV);
	wr(VIRTIO_MMIO_STATUS, ACK);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), ACK | DRV);
	ck_assert_str_eq(vm.last_error, "status 0x1 would clear bits of 0x3: they stay");
	wr(VIRTIO_MMIO_STATUS, ACK | DRV | NEED_RST); /* the driver cannot set NEEDS_RESET */
	ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), ACK | DRV);
}
END_TEST

/* ---- queue setup ------------------------------------------------------------ */

START_TEST(test_queue_registers_read_back_and_only_queue_0_exists)
{
	negotiate(VIRTIO_BIT(VIRTIO_F_VERSION_1));
	ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), QUEUE_MAX);
	wr(VIRTIO_MMIO_QUEUE_NUM, 8);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, 0x1000);
	wr(VIRTIO_MMIO_QUEUE_DESC_HIGH, 0x2);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_NUM), 8);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_DESC_LOW), 0x1000);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_DESC_HIGH), 0x2);
	ck_assert_uint_eq(queue.desc, 0x200001000ULL);
	wr(VIRTIO_MMIO_QUEUE_SEL, 1);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
	wr(VIRTIO_MMIO_QUEUE_NUM, 8);
	ck_assert_str_eq(vm.last_error, "queue 1 register 0x38 written (no such queue): ignored");
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	ck_assert_str_eq(vm.last_error, "QUEUE_READY for queue 1, the device has 1");
}
END_TEST

START_TEST(test_a_good_queue_becomes_ready_with_the_negotiated_features)
{
	bring_up();
	ck_assert(queue.ready);
	ck_assert(queue.event_idx);
	ck_assert(!queue.indirect);
	ck_assert_uint_eq(queue.size, 8);
	ck_assert_uint_eq(vm.stats.errors, 0);
}
END_TEST

static const struct {
	uint32_t size;
	gpa_t desc, avail, used;
	const char *msg;
} bad_queues[] = {
	{ 3, TD_DESC, TD_AVAIL, TD_USED,
	  "queue 0: queue size 3: must be a power of two from 1 to 16" },
	{ 32, TD_DESC, TD_AVAIL, TD_USED,
	  "queue 0: queue size 32: must be a power of two from 1 to 16" },
	{ 8, TD_DESC + 4, TD_AVAIL, TD_USED,
	  "queue 0: descriptor table at 0x1004 is not 16-byte aligned" },
	{ 8, TD_DESC, TD_GAP, TD_USED,
	  "queue 0: available ring [0x100000, +0x16) does not lie in one RAM region" },
	{ 8, TD_DESC, TD_AVAIL, 0x10000000000ULL,
	  "queue 0: used ring [0x10000000000, +0x46) does not lie in one RAM region" },
};

START_TEST(test_a_bad_queue_setup_is_refused_and_the_device_needs_a_reset)
{
	negotiate(VIRTIO_BIT(VIRTIO_F_VERSION_1));
	setup_queue(bad_queues[_i].size, bad_queues[_i].desc, bad_queues[_i].avail,
	            bad_queues[_i].used);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	ck_assert_str_eq(vm.last_error, bad_queues[_i].msg);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS) & NEED_RST, NEED_RST);
	wr(VIRTIO_MMIO_STATUS, 0); /* a reset brings the device back */
	bring_up();
}
END_TEST

START_TEST(test_a_queue_made_ready_before_features_ok_is_refused)
{
	wr(VIRTIO_MMIO_STATUS, ACK | DRV);
	setup_queue(8, TD_DESC, TD_AVAIL, TD_USED);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	ck_assert_str_eq(vm.last_error, "queue 0: ready before FEATURES_OK");
	ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS) & NEED_RST, NEED_RST);
}
END_TEST

START_TEST(test_queue_registers_are_frozen_while_the_queue_is_ready)
{
	bring_up();
	wr(VIRTIO_MMIO_QUEUE_NUM, 4);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, 0x8000);
	ck_assert_uint_eq(queue.size, 8);
	ck_assert_uint_eq(queue.desc, TD_DESC);
	ck_assert_str_eq(vm.last_error, "queue 0 register 0x80 written while ready: ignored");
}
END_TEST

START_TEST(test_queue_ready_0_stops_the_queue_and_a_new_setup_restarts_it)
{
	uint32_t generation;

	bring_up();
	queue.last_avail = 5;
	generation = queue.generation;
	wr(VIRTIO_MMIO_QUEUE_READY, 0);
	ck_assert(!queue.ready);
	ck_assert_uint_gt(queue.generation, generation); /* work in flight is forgotten */
	setup_queue(4, TD_DESC, TD_AVAIL, TD_USED);
	ck_assert(queue.ready);
	ck_assert_uint_eq(queue.last_avail, 0);
}
END_TEST

/* ---- notifications and interrupts ------------------------------------------ */

START_TEST(test_notifications_reach_the_device_only_after_driver_ok)
{
	negotiate(VIRTIO_BIT(VIRTIO_F_VERSION_1));
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	ck_assert_uint_eq(dev.notifies, 0);
	wr(VIRTIO_MMIO_STATUS, 0);
	bring_up();
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	ck_assert_uint_eq(dev.notifies, 1);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 3);
	ck_assert_uint_eq(dev.notifies, 1);
	ck_assert_str_eq(vm.last_error, "notify for queue 3, the device has 1");
	virtio_mmio_notify(&vm, 0); /* the ioeventfd path */
	ck_assert_uint_eq(dev.notifies, 2);
	ck_assert_uint_eq(vm.stats.notifies_mmio, 3);
	ck_assert_uint_eq(vm.stats.notifies, 4);
}
END_TEST

static unsigned int kicks, kicked_queue;

static void kick(void *arg, unsigned int q)
{
	ck_assert_ptr_eq(arg, &vm);
	kicks++;
	kicked_queue = q;
}

START_TEST(test_with_a_kick_a_notify_write_is_handed_over_not_handled)
{
	bring_up();
	kicks = 0;
	vm.kick = kick;
	vm.kick_arg = &vm;
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	ck_assert_uint_eq(kicks, 1);
	ck_assert_uint_eq(kicked_queue, 0);
	ck_assert_uint_eq(dev.notifies, 0);
}
END_TEST

START_TEST(test_one_edge_per_interrupt_status_change_and_ack_clears_it)
{
	struct err e;

	bring_up();
	td_set_used_event(&t, 0xffff); /* never suppress: the first decision always sends */
	ck_assert_ok(virtq_push(&queue, &t.gm, 0, 1, &e), e);
	virtio_mmio_end_batch(&vm);
	ck_assert_uint_eq(dev.edges, 1);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_VRING);
	virtio_mmio_end_batch(&vm); /* nothing new pushed: nothing sent */
	ck_assert_uint_eq(dev.edges, 1);
	wr(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	td_set_used_event(&t, 1);
	ck_assert_ok(virtq_push(&queue, &t.gm, 0, 1, &e), e);
	virtio_mmio_end_batch(&vm);
	ck_assert_uint_eq(dev.edges, 2);
	ck_assert_uint_eq(dev.level_changes, 0); /* edges only, through trigger_irq */
}
END_TEST

START_TEST(test_needs_reset_raises_a_configuration_interrupt_and_stops_notifications)
{
	bring_up();
	pthread_mutex_lock(&vm.lock);
	virtio_mmio_needs_reset(&vm);
	pthread_mutex_unlock(&vm.lock);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS) & NEED_RST, NEED_RST);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_CONFIG);
	ck_assert_uint_eq(dev.edges, 1);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	ck_assert_uint_eq(dev.notifies, 0);
}
END_TEST

START_TEST(test_reset_clears_the_transport_and_forgets_the_queues)
{
	uint32_t generation;

	bring_up();
	vm.interrupt_status = VIRTIO_MMIO_INT_VRING;
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	generation = queue.generation;
	wr(VIRTIO_MMIO_STATUS, 0);
	ck_assert_uint_eq(dev.resets, 2); /* bring_up's reset and this one */
	ck_assert_uint_eq(vm.stats.resets, 2);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), 0);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_NUM), 0);
	ck_assert_uint_eq(vm.driver_features, 0);
	ck_assert_uint_eq(vm.device_features_sel, 0);
	ck_assert_uint_gt(queue.generation, generation);
}
END_TEST

/* ---- access widths and the configuration space ----------------------------- */

START_TEST(test_registers_take_aligned_32_bit_accesses_only)
{
	uint8_t data[8];

	memset(data, 0xff, sizeof(data));
	virtio_mmio_bus_ops.read(&vm, VIRTIO_MMIO_MAGIC_VALUE, data, 1);
	ck_assert_uint_eq(data[0], 0xff); /* left as the bus filled it */
	ck_assert_str_eq(vm.last_error,
	                 "1-byte read at register 0x0: only aligned 32-bit accesses");
	data[0] = ACK;
	data[1] = 0;
	virtio_mmio_bus_ops.write(&vm, VIRTIO_MMIO_STATUS, data, 2);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), 0);
	ck_assert_str_eq(vm.last_error,
	                 "2-byte write at register 0x70: only aligned 32-bit accesses");
	virtio_mmio_bus_ops.write(&vm, VIRTIO_MMIO_STATUS + 2, data, 4);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), 0);
	wr(0x28, 5); /* legacy GUEST_PAGE_SIZE: not a version 2 register */
	ck_assert_str_eq(vm.last_error, "write of 0x5 to register 0x28 ignored");
}
END_TEST

START_TEST(test_configuration_space_reads_any_width_and_ignores_writes)
{
	uint8_t data[8];
	uint64_t v;

	memset(data, 0xff, sizeof(data));
	virtio_mmio_bus_ops.read(&vm, VIRTIO_MMIO_CONFIG + 1, data, 1);
	ck_assert_uint_eq(data[0], 0xa1);
	virtio_mmio_bus_ops.read(&vm, VIRTIO_MMIO_CONFIG + 2, data, 2);
	ck_assert_uint_eq(data[0] | data[1] << 8, 0xa3a2);
	virtio_mmio_bus_ops.read(&vm, VIRTIO_MMIO_CONFIG + 4, data, 8);
	memcpy(&v, data, 8);
	ck_assert_uint_eq(v, 0xabaaa9a8a7a6a5a4ULL);
	virtio_mmio_bus_ops.write(&vm, VIRTIO_MMIO_CONFIG, data, 4);
	ck_assert_str_eq(vm.last_error, "write to configuration space offset 0x0 ignored");
	ck_assert_uint_eq(vm.stats.mmio_reads, 3);
	ck_assert_uint_eq(vm.stats.mmio_writes, 1);
}
END_TEST

static Suite *virtio_mmio_suite(void)
{
	Suite *s = suite_create("virtio_mmio");
	TCase *tc = tcase_create("identity and features");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_identity_registers);
	tcase_add_test(tc, test_features_are_read_32_bits_at_a_time_and_include_version_1);
	tcase_add_test(tc, test_a_subset_with_version_1_is_accepted);
	tcase_add_loop_test(tc,
	                    test_feature_sets_without_version_1_or_with_unoffered_bits_are_refused,
	                    0, ARRAY_SIZE(refused_features));
	tcase_add_test(tc, test_features_ok_needs_driver_first);
	tcase_add_test(tc, test_features_written_after_features_ok_are_ignored);
	tcase_add_test(tc, test_status_bits_only_accumulate_until_a_reset);
	suite_add_tcase(s, tc);

	tc = tcase_create("queues");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_queue_registers_read_back_and_only_queue_0_exists);
	tcase_add_test(tc, test_a_good_queue_becomes_ready_with_the_negotiated_features);
	tcase_add_loop_test(tc, test_a_bad_queue_setup_is_refused_and_the_device_needs_a_reset, 0,
	                    ARRAY_SIZE(bad_queues));
	tcase_add_test(tc, test_a_queue_made_ready_before_features_ok_is_refused);
	tcase_add_test(tc, test_queue_registers_are_frozen_while_the_queue_is_ready);
	tcase_add_test(tc, test_queue_ready_0_stops_the_queue_and_a_new_setup_restarts_it);
	suite_add_tcase(s, tc);

	tc = tcase_create("notifications and interrupts");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_notifications_reach_the_device_only_after_driver_ok);
	tcase_add_test(tc, test_with_a_kick_a_notify_write_is_handed_over_not_handled);
	tcase_add_test(tc, test_one_edge_per_interrupt_status_change_and_ack_clears_it);
	tcase_add_test(tc,
	               test_needs_reset_raises_a_configuration_interrupt_and_stops_notifications);
	tcase_add_test(tc, test_reset_clears_the_transport_and_forgets_the_queues);
	suite_add_tcase(s, tc);

	tc = tcase_create("access widths");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_registers_take_aligned_32_bit_accesses_only);
	tcase_add_test(tc, test_configuration_space_reads_any_width_and_ignores_writes);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(virtio_mmio_suite());
}
