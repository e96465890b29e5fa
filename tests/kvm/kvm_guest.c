// SPDX-License-Identifier: MIT
#include "kvm_guest.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "arch/x86_64/boot_regs.h"
#include "arch/x86_64/layout.h"
#include "tests/unit/test_helpers.h"
#include "vmm/arch.h"
#include "vmm/kvm.h"

#define GUEST_IMAGE_MAX (GUEST_LOAD_PAGES * PAGE_SIZE)
#define SKIP_EXIT       77

static const char *guest_dir;

/* ---- the guest image and its entry state -------------------------------- */

struct guest_image {
	uint8_t data[GUEST_IMAGE_MAX];
	size_t len;
};

static void read_image(const char *name, struct guest_image *img)
{
	char path[4096];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s.bin", guest_dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_msg(fd >= 0, "guest image %s: %s", path, strerror(errno));
	n = read(fd, img->data, sizeof(img->data));
	close(fd);
	ck_assert_msg(n > 0, "guest image %s: empty or unreadable", path);
	/* A guest image filling the whole load range may have been cut short. */
	ck_assert_msg((size_t)n < sizeof(img->data), "guest image %s: larger than %llu bytes", path,
	              (unsigned long long)GUEST_IMAGE_MAX);
	img->len = (size_t)n;
}

uint32_t guest_real16_probe_marker(uint64_t base)
{
	return 0x5e600000u | (uint32_t)(base >> 4);
}

static const struct {
	enum x86_reg_name name;
	uint16_t selector;
	const char *tag;
} real16_data_segments[] = {
	{ X86_REG_DS, 0x0200, "real16-ds" }, { X86_REG_ES, 0x0300, "real16-es" },
	{ X86_REG_FS, 0x0400, "real16-fs" }, { X86_REG_GS, 0x0500, "real16-gs" },
	{ X86_REG_SS, 0x0600, "real16-ss" }, /* also the stack: SP below */
};

static int import_real16_segment(struct importer *imp, enum x86_reg_name name, uint16_t selector,
                                 uint16_t attributes, struct err *e)
{
	const struct x86_register r = {
		.name = name,
		.seg = { .base = (uint64_t)selector << 4,
		         .limit = 0xffff,
		         .selector = selector,
		         .attributes = attributes },
	};

	return importer_import_x86_register(imp, &r, e);
}

/* Each data segment gets a page of its own with a marker at offset 0. */
static int import_real16_data_segments(struct importer *imp, struct err *e)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; !ret && i < ARRAY_SIZE(real16_data_segments); i++) {
		uint64_t base = (uint64_t)real16_data_segments[i].selector << 4;
		uint32_t marker = guest_real16_probe_marker(base);

		ret = importer_import_pages(imp, base >> PAGE_SHIFT, 1, real16_data_segments[i].tag,
		                            BPA_EXCLUSIVE, &marker, sizeof(marker), e);
		if (!ret)
			ret = import_real16_segment(imp, real16_data_segments[i].name,
			                            real16_data_segments[i].selector, 0x93, e);
	}
	return ret;
}

/*
 * Real mode as a reset CPU would not have it, so that a value the guest reads
 * back can only come from the import: CR0 with caches enabled (reset has
 * CD|NW), the real-mode IVT limit (reset 0xffff), flags no instruction before
 * the guest's PUSHF changes (reset 0x2), and non-zero RSI/RBX.
 */
static int import_real16_state(struct importer *imp, struct err *e)
{
	const struct x86_register idtr = { .name = X86_REG_IDTR, .table = { 0, 0x3ff } };
	const struct {
		enum x86_reg_name name;
		uint64_t value;
	} u64s[] = {
		{ X86_REG_CR0, X86_CR0_ET },
		{ X86_REG_RIP, REAL16_IP },
		{ X86_REG_RSP, 0x1000 },
		{ X86_REG_RFLAGS, X86_RFLAGS_RESERVED | 0x45 /* CF, PF, ZF */ },
		{ X86_REG_RSI, 0x12345678 },
		{ X86_REG_RBX, 0x9abcdef0 },
	};
	unsigned int i;
	int ret;

	ret = import_real16_segment(imp, X86_REG_CS, REAL16_CS, 0x9b, e);
	if (!ret)
		ret = import_real16_data_segments(imp, e);
	if (!ret)
		ret = importer_import_x86_register(imp, &idtr, e);
	for (i = 0; !ret && i < ARRAY_SIZE(u64s); i++)
		ret = importer_import_x86_u64(imp, u64s[i].name, u64s[i].value, e);
	return ret;
}

static int import_entry_state(struct importer *imp, enum guest_entry entry, struct err *e)
{
	switch (entry) {
	case GUEST_ENTRY_REAL16:
		return import_real16_state(imp, e);
	case GUEST_ENTRY_PVH32:
		return x86_import_boot_state_pvh(imp, GUEST_LOAD_GPA, X86_PVH_START_INFO_GPA, e);
	case GUEST_ENTRY_LINUX64:
		return x86_import_boot_state_64bit(imp, GUEST_LOAD_GPA, X86_ZERO_PAGE_GPA, e);
	}
	return err_set(e, EINVAL, "unknown guest entry %d", (int)entry);
}

/* Everything the guest needs in memory and registers, through imp only. */
static int import_guest(struct importer *imp, const struct guest *g, const struct guest_image *img,
                        struct err *e)
{
	int ret = importer_import_pages(imp, GUEST_LOAD_GPA >> PAGE_SHIFT, GUEST_LOAD_PAGES,
	                                "test-guest", BPA_EXCLUSIVE, img->data, img->len, e);

	if (!ret)
		ret = import_entry_state(imp, g->entry, e);
	if (!ret && g->import_more)
		ret = g->import_more(imp, e);
	return ret ? err_prefix(e, "guest %s", g->name) : 0;
}

void guest_record(const struct guest *g, struct record_importer *ri)
{
	struct mem_range ram[IMPORTER_MAX_RAM_RANGES];
	static struct guest_image img;
	unsigned int nr_ram;
	struct err e = { 0 };

	read_image(g->name, &img);
	ck_assert_ok(arch_mem_ranges(GUEST_MEM_SIZE, ram, &nr_ram, &e), e);
	record_importer_init(ri, GUEST_ARCH_X86_64, ram, nr_ram);
	ck_assert_ok(import_guest(&ri->base, g, &img, &e), e);
}

/* ---- the report device ------------------------------------------------- */

static void report_write(void *dev, uint64_t offset, const uint8_t *data, unsigned int len)
{
	struct guest_report *r = dev;
	uint32_t v;

	if (len != 4) {
		r->protocol_errors++;
		return;
	}
	memcpy(&v, data, 4);
	if (offset == REPORT_ID_PORT - REPORT_ID_PORT) {
		r->id = v;
	} else if (offset == REPORT_LO_PORT - REPORT_ID_PORT) {
		r->lo = v;
	} else if (offset == REPORT_HI_PORT - REPORT_ID_PORT && r->id < REPORT_MAX) {
		r->value[r->id] = (uint64_t)v << 32 | r->lo;
		r->count[r->id]++;
	} else {
		r->protocol_errors++;
	}
}

static const struct bus_device_ops report_ops = { .write = report_write };

/* ---- running ------------------------------------------------------------ */

struct guest_ctx {
	const struct guest *g;
	const struct guest_image *img;
	struct guest_report *report;
};

static int guest_load(struct importer *imp, const struct mem_range *ram, unsigned int nr_ram,
                      void *arg, struct err *e)
{
	const struct guest_ctx *c = arg;

	(void)ram;
	(void)nr_ram;
	return import_guest(imp, c->g, c->img, e);
}

static int guest_add_devices(struct vm *vm, void *arg, struct err *e)
{
	const struct guest_ctx *c = arg;
	int ret;

	ret = bus_register(&vm->pio, REPORT_ID_PORT, REPORT_NR_PORTS, "test report", &report_ops,
	                   c->report, e);
	if (!ret && c->g->add_devices)
		ret = c->g->add_devices(vm, c->g->devices_arg, e);
	return ret;
}

void guest_run(const struct guest *g, struct guest_run *out)
{
	static struct guest_image img;
	struct guest_ctx ctx = { .g = g, .img = &img, .report = &out->report };
	struct machine_config mc = {
		.mem_size = GUEST_MEM_SIZE,
		.nr_vcpus = 1,
		.timeout_s = g->timeout_s > 0 ? g->timeout_s : GUEST_DEFAULT_TIMEOUT_S,
		.console_in_fd = -1,
		.load = guest_load,
		.load_arg = &ctx,
		.add_devices = guest_add_devices,
		.devices_arg = &ctx,
	};
	struct err e = { 0 };
	int ret;

	memset(out, 0, sizeof(*out));
	read_image(g->name, &img);
	mc.console_out_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	ck_assert_msg(mc.console_out_fd >= 0, "/dev/null: %s", strerror(errno));
	mc.start_ns = vm_now_ns();
	ret = machine_run(&mc, &out->res, &e);
	out->seconds = (double)(vm_now_ns() - mc.start_ns) / 1e9;
	close(mc.console_out_fd);
	ck_assert_msg(ret == 0, "guest %s: machine_run failed (%d): %s", g->name, ret, e.msg);
	fprintf(stderr, "kvm: guest %s: exit code %d after %.3f s, %llu vCPU exits: %s\n", g->name,
	        out->res.exit_code, out->seconds, (unsigned long long)out->res.vcpu_exits,
	        out->res.reason);
}

void guest_assert_exit(const struct guest_run *r, int exit_code)
{
	ck_assert_msg(r->res.exit_code == exit_code, "exit code %d, expected %d; reason: %s",
	              r->res.exit_code, exit_code, r->res.reason);
	ck_assert_msg(r->report.protocol_errors == 0,
	              "%u report protocol errors (unknown id, width or port)",
	              r->report.protocol_errors);
}

uint64_t guest_reported(const struct guest_run *r, unsigned int id, const char *what)
{
	ck_assert_msg(id < REPORT_MAX, "report id %u out of range", id);
	ck_assert_msg(r->report.count[id] == 1, "%s (report %u) reported %u times, expected once",
	              what, id, r->report.count[id]);
	return r->report.value[id];
}

/* ---- main ------------------------------------------------------------- */

/* Can this process create a VM with the capabilities minivmm requires? */
static int kvm_probe(struct err *e)
{
	struct kvm_dev k;
	int ret, fd;

	ret = kvm_dev_open(&k, KVM_DEV_PATH, arch_required_caps, arch_nr_required_caps, e);
	if (ret)
		return ret;
	fd = ioctl(k.fd, KVM_CREATE_VM, 0);
	if (fd < 0)
		ret = err_set(e, errno, "%s: KVM_CREATE_VM: %s", KVM_DEV_PATH, strerror(errno));
	else
		close(fd);
	kvm_dev_close(&k);
	return ret;
}

static int kvm_unusable(const char *why)
{
	const char *req = getenv("MINIVMM_REQUIRE_KVM");
	bool required = req && strcmp(req, "1") == 0;

	fprintf(stderr,
	        "\n"
	        "**********************************************************************\n"
	        "*** %s: the kvm suite needs a usable /dev/kvm\n"
	        "*** %s\n"
	        "*** %s\n"
	        "**********************************************************************\n\n",
	        required ? "FAILED" : "SKIPPED", why,
	        required ? "MINIVMM_REQUIRE_KVM=1 makes this a failure."
	                 : "Set MINIVMM_REQUIRE_KVM=1 to make this a failure instead of a skip.");
	return required ? EXIT_FAILURE : SKIP_EXIT;
}

int kvm_suite_main(Suite *s, int argc, char **argv)
{
	struct err e = { 0 };

	if (argc != 2) {
		fprintf(stderr, "usage: %s GUEST_IMAGE_DIR\n", argv[0]);
		return EXIT_FAILURE;
	}
	guest_dir = argv[1];
	if (kvm_probe(&e))
		return kvm_unusable(e.msg);
	if (access("/sys/module/kvm_pvm", F_OK) == 0)
		fprintf(stderr, "kvm: the host's /dev/kvm is kvm_pvm (paravirtual), not hardware "
		                "KVM\n");
	return run_suite(s);
}
