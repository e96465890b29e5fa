/* SPDX-License-Identifier: MIT */
/*
 * A 64-bit guest that drives minivmm's first virtio-blk device itself, with no
 * Linux in between, so a test sees exactly the status byte the device returns
 * (Linux refuses writes to a read-only disk before they reach the device).
 *
 * It probes the virtio-mmio window at 0xd0000000 (arch/x86_64/layout.h),
 * negotiates VERSION_1 (+ RO, FLUSH, BLK_SIZE when offered), sets up queue 0
 * with 8 entries and polls the used ring (interrupts stay off), then:
 *   IN sector 0, GET_ID, OUT sector 1 ("written by the guest"), FLUSH,
 *   IN sector 1, IN at the capacity (past the end)
 * and prints one line per request on COM1: "virtio-blk: OUT sector 1 status 0
 * len 1". It ends by writing 0 to the debug-exit port 0x501, or 10 + step when
 * the transport itself misbehaves. The constants are the virtio 1.2 spec's,
 * written out here rather than taken from devices/ so that the test checks the
 * device against the spec and not against itself.
 */
#include <stdint.h>

#define MMIO_BASE 0xd0000000UL

#define R_MAGIC          0x000
#define R_VERSION        0x004
#define R_DEVICE_ID      0x008
#define R_DEV_FEATURES   0x010
#define R_DEV_FEAT_SEL   0x014
#define R_DRV_FEATURES   0x020
#define R_DRV_FEAT_SEL   0x024
#define R_QUEUE_SEL      0x030
#define R_QUEUE_NUM_MAX  0x034
#define R_QUEUE_NUM      0x038
#define R_QUEUE_READY    0x044
#define R_QUEUE_NOTIFY   0x050
#define R_STATUS         0x070
#define R_QUEUE_DESC_LO  0x080
#define R_QUEUE_DESC_HI  0x084
#define R_QUEUE_AVAIL_LO 0x090
#define R_QUEUE_AVAIL_HI 0x094
#define R_QUEUE_USED_LO  0x0a0
#define R_QUEUE_USED_HI  0x0a4
#define R_CONFIG         0x100 /* virtio_blk_config: u64 capacity first */

#define S_ACKNOWLEDGE 1
#define S_DRIVER      2
#define S_DRIVER_OK   4
#define S_FEATURES_OK 8

#define F_RO           (1u << 5)
#define F_BLK_SIZE     (1u << 6)
#define F_FLUSH        (1u << 9)
#define F_VERSION_1_HI 1u /* feature bit 32 */

#define T_IN     0
#define T_OUT    1
#define T_FLUSH  4
#define T_GET_ID 8

#define D_NEXT  1
#define D_WRITE 2

#define QSIZE 8

#define COM1       0x3f8
#define DEBUG_EXIT 0x501

struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[QSIZE];
};

struct used {
	uint16_t flags;
	uint16_t idx;
	struct {
		uint32_t id;
		uint32_t len;
	} ring[QSIZE];
};

struct req_hdr {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};

/* Guest-physical = virtual: minivmm's 64-bit entry identity-maps 4 GiB. */
static struct desc descs[QSIZE] __attribute__((aligned(16)));
static struct avail avail __attribute__((aligned(2)));
static struct used used __attribute__((aligned(4)));
static struct req_hdr hdr;
static uint8_t data[512];
static volatile uint8_t status;
uint8_t guest_stack[8192] __attribute__((aligned(16)));

void guest_main(void);

/* Entered in 64-bit mode with interrupts off and no stack: make one. */
__asm__(".text\n"
        ".global _start\n"
        "_start:\n"
        "	lea guest_stack+8192(%rip), %rsp\n"
        "	cld\n"
        "	call guest_main\n"
        "1:	hlt\n"
        "	jmp 1b\n");

/* gcc may turn the loops below into calls to these. */
void *memset(void *p, int c, unsigned long n);
void *memcpy(void *d, const void *s, unsigned long n);

void *memset(void *p, int c, unsigned long n)
{
	uint8_t *b = p;

	while (n--)
		*b++ = (uint8_t)c;
	return p;
}

void *memcpy(void *d, const void *s, unsigned long n)
{
	uint8_t *a = d;
	const uint8_t *b = s;

	while (n--)
		*a++ = *b++;
	return d;
}

static void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static uint32_t rd(unsigned int off)
{
	return *(volatile uint32_t *)(MMIO_BASE + off);
}

static void wr(unsigned int off, uint32_t v)
{
	*(volatile uint32_t *)(MMIO_BASE + off) = v;
}

static void putc_(char c)
{
	while (!(inb(COM1 + 5) & 0x20)) /* LSR: transmitter holding register empty */
		;
	outb(COM1, (uint8_t)c);
}

static void puts_(const char *s)
{
	while (*s)
		putc_(*s++);
}

static void putu(uint64_t v)
{
	char buf[21];
	int i = 20;

	buf[i] = 0;
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	puts_(buf + i);
}

/* Printable bytes of a buffer, up to the first NUL, others as '.'. */
static void puttext(const uint8_t *p, unsigned int n)
{
	for (unsigned int i = 0; i < n && p[i]; i++)
		putc_(p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '.');
}

static __attribute__((noreturn)) void finish(uint8_t code)
{
	outb(DEBUG_EXIT, code);
	for (;;)
		__asm__ volatile("cli; hlt");
}

static void fail(uint8_t step, const char *what)
{
	puts_("virtio-blk-guest: FAIL ");
	puts_(what);
	putc_('\n');
	finish((uint8_t)(10 + step));
}

static const char *type_name(uint32_t type)
{
	switch (type) {
	case T_IN:
		return "IN";
	case T_OUT:
		return "OUT";
	case T_FLUSH:
		return "FLUSH";
	default:
		return "GET_ID";
	}
}

/*
 * One request: header, an optional data buffer (device-writable for IN and
 * GET_ID), the status byte. Returns the status; waits for the used ring.
 */
static uint8_t request(uint32_t type, uint64_t sector, unsigned int len)
{
	uint16_t old_used = used.idx;
	unsigned int n = 0;

	hdr.type = type;
	hdr.reserved = 0;
	hdr.sector = sector;
	status = 0xff;
	descs[n] = (struct desc){ (uintptr_t)&hdr, sizeof(hdr), D_NEXT, (uint16_t)(n + 1) };
	n++;
	if (len) {
		uint16_t flags = D_NEXT | (type == T_OUT ? 0 : D_WRITE);

		descs[n] = (struct desc){ (uintptr_t)data, len, flags, (uint16_t)(n + 1) };
		n++;
	}
	descs[n] = (struct desc){ (uintptr_t)&status, 1, D_WRITE, 0 };
	avail.ring[avail.idx % QSIZE] = 0;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	avail.idx++;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	wr(R_QUEUE_NOTIFY, 0);
	while (*(volatile uint16_t *)&used.idx == old_used)
		__asm__ volatile("pause");
	__atomic_thread_fence(__ATOMIC_SEQ_CST);

	puts_("virtio-blk: ");
	puts_(type_name(type));
	if (type == T_IN || type == T_OUT) {
		puts_(" sector ");
		putu(sector);
	}
	puts_(" status ");
	putu(status);
	puts_(" len ");
	putu(used.ring[old_used % QSIZE].len);
	putc_('\n');
	return status;
}

void guest_main(void)
{
	uint32_t feat_lo, feat_hi, ok_lo;
	uint64_t capacity;
	static const char pattern[] = "written by the guest";

	if (rd(R_MAGIC) != 0x74726976 || rd(R_VERSION) != 2 || rd(R_DEVICE_ID) != 2)
		fail(0, "no virtio-mmio v2 block device at 0xd0000000");

	wr(R_STATUS, 0);
	wr(R_STATUS, S_ACKNOWLEDGE);
	wr(R_STATUS, S_ACKNOWLEDGE | S_DRIVER);
	wr(R_DEV_FEAT_SEL, 0);
	feat_lo = rd(R_DEV_FEATURES);
	wr(R_DEV_FEAT_SEL, 1);
	feat_hi = rd(R_DEV_FEATURES);
	if (!(feat_hi & F_VERSION_1_HI))
		fail(1, "VERSION_1 not offered");
	ok_lo = feat_lo & (F_RO | F_FLUSH | F_BLK_SIZE);
	wr(R_DRV_FEAT_SEL, 0);
	wr(R_DRV_FEATURES, ok_lo);
	wr(R_DRV_FEAT_SEL, 1);
	wr(R_DRV_FEATURES, F_VERSION_1_HI);
	wr(R_STATUS, S_ACKNOWLEDGE | S_DRIVER | S_FEATURES_OK);
	if (!(rd(R_STATUS) & S_FEATURES_OK))
		fail(2, "FEATURES_OK refused");
	puts_("virtio-blk: features RO=");
	putu(!!(feat_lo & F_RO));
	puts_(" FLUSH=");
	putu(!!(feat_lo & F_FLUSH));
	capacity = rd(R_CONFIG) | (uint64_t)rd(R_CONFIG + 4) << 32;
	puts_(" capacity ");
	putu(capacity);
	putc_('\n');

	wr(R_QUEUE_SEL, 0);
	if (rd(R_QUEUE_NUM_MAX) < QSIZE)
		fail(3, "queue 0 smaller than 8");
	wr(R_QUEUE_NUM, QSIZE);
	wr(R_QUEUE_DESC_LO, (uint32_t)(uintptr_t)descs);
	wr(R_QUEUE_DESC_HI, 0);
	wr(R_QUEUE_AVAIL_LO, (uint32_t)(uintptr_t)&avail);
	wr(R_QUEUE_AVAIL_HI, 0);
	wr(R_QUEUE_USED_LO, (uint32_t)(uintptr_t)&used);
	wr(R_QUEUE_USED_HI, 0);
	wr(R_QUEUE_READY, 1);
	wr(R_STATUS, S_ACKNOWLEDGE | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	if (rd(R_STATUS) != (S_ACKNOWLEDGE | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK))
		fail(4, "DRIVER_OK not accepted");

	request(T_IN, 0, 512);
	puts_("virtio-blk: sector 0 reads \"");
	puttext(data, 64);
	puts_("\"\n");

	request(T_GET_ID, 0, 20);
	puts_("virtio-blk: id \"");
	puttext(data, 20);
	puts_("\"\n");

	for (unsigned int i = 0; i < sizeof(data); i++)
		data[i] = i < sizeof(pattern) ? (uint8_t)pattern[i] : 0;
	request(T_OUT, 1, 512);
	request(T_FLUSH, 0, 0);
	for (unsigned int i = 0; i < sizeof(data); i++)
		data[i] = 0;
	request(T_IN, 1, 512);
	puts_("virtio-blk: sector 1 reads \"");
	puttext(data, 64);
	puts_("\"\n");

	request(T_IN, capacity, 512);
	puts_("virtio-blk-guest: done\n");
	finish(0);
}
