// SPDX-License-Identifier: MIT
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "lib/parse.h"

enum {
	OPT_KERNEL = 'k',
	OPT_INITRD = 'i',
	OPT_CMDLINE = 'c',
	OPT_MEM = 'm',
	OPT_HELP = 'h',
	OPT_VERBOSE = 'v',
	OPT_BOOT = 0x100,
	OPT_DUMP_LAYOUT,
	OPT_VERSION,
	OPT_REBOOT,
	OPT_TIMEOUT,
	OPT_CPUS,
	OPT_DISK,
	OPT_DUMP_ACPI,
	OPT_DUMP_DTB,
	OPT_PARAVISOR = 0x200, /* the paravisor options, parsed by parse_paravisor_option() */
	OPT_SHIM,
	OPT_VTL2_MEM,
	OPT_RELOCATE,
	OPT_HOST_CMDLINE,
	OPT_CMDLINE_POLICY,
	OPT_VTL0_KERNEL,
	OPT_VTL0_INITRD,
	OPT_VTL0_CMDLINE,
};

static const struct option options[] = {
	{ "kernel", required_argument, NULL, OPT_KERNEL },
	{ "initrd", required_argument, NULL, OPT_INITRD },
	{ "cmdline", required_argument, NULL, OPT_CMDLINE },
	{ "mem", required_argument, NULL, OPT_MEM },
	{ "boot", required_argument, NULL, OPT_BOOT },
	{ "dump-layout", no_argument, NULL, OPT_DUMP_LAYOUT },
	{ "reboot", no_argument, NULL, OPT_REBOOT },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "cpus", required_argument, NULL, OPT_CPUS },
	{ "disk", required_argument, NULL, OPT_DISK },
	{ "dump-acpi", required_argument, NULL, OPT_DUMP_ACPI },
	{ "dump-dtb", required_argument, NULL, OPT_DUMP_DTB },
	{ "paravisor", no_argument, NULL, OPT_PARAVISOR },
	{ "shim", required_argument, NULL, OPT_SHIM },
	{ "vtl2-mem", required_argument, NULL, OPT_VTL2_MEM },
	{ "relocate", required_argument, NULL, OPT_RELOCATE },
	{ "host-cmdline", required_argument, NULL, OPT_HOST_CMDLINE },
	{ "cmdline-policy", required_argument, NULL, OPT_CMDLINE_POLICY },
	{ "vtl0-kernel", required_argument, NULL, OPT_VTL0_KERNEL },
	{ "vtl0-initrd", required_argument, NULL, OPT_VTL0_INITRD },
	{ "vtl0-cmdline", required_argument, NULL, OPT_VTL0_CMDLINE },
	{ "verbose", no_argument, NULL, OPT_VERBOSE },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

void config_print_help(FILE *out)
{
	fprintf(
	    out,
	    "usage: minivmm --kernel PATH [--initrd PATH] [--cmdline STR] [--mem SIZE] [--cpus N]\n"
	    "               [--boot 64bit|pvh] [--disk PATH[,ro][,cache=none]]... [--timeout SEC]\n"
	    "               [--reboot] [--dump-layout] [-v]\n"
	    "       minivmm --dump-acpi DIR [--cpus N]\n"
	    "       minivmm --kernel Image --dump-dtb FILE [--initrd PATH] [--cpus N]\n"
	    "\n"
	    "Boots a Linux kernel directly on KVM: no firmware.\n"
	    "\n"
	    "  -k, --kernel PATH   ELF vmlinux or bzImage (x86_64), Image or Image.gz (arm64)\n"
	    "  -i, --initrd PATH   initial ramdisk, placed at the top of RAM below 3 GiB\n"
	    "  -c, --cmdline STR   guest command line (default: \"%s\")\n"
	    "  -m, --mem SIZE      guest RAM, a multiple of 2 MiB (default: 512M)\n"
	    "      --cpus N        vCPUs, 1 to 64 (default: 1), one thread each\n"
	    "      --boot 64bit    enter the kernel through the 64-bit boot protocol (default)\n"
	    "      --boot pvh      enter an ELF vmlinux through its PVH entry note\n"
	    "      --disk PATH[,ro][,cache=none|writeback]\n"
	    "                      a virtio-blk disk (/dev/vda, vdb, ... in order; up to %d):\n"
	    "                      a raw image file or block device, a multiple of 512 bytes;\n"
	    "                      ro: read-only; cache=none: O_DIRECT (default: writeback)\n"
	    "      --timeout SEC   stop the guest after SEC seconds (exit code 5)\n"
	    "      --reboot        a guest reset reboots the guest (default: minivmm exits 0)\n"
	    "      --dump-layout   print every imported range, parameter area and register,\n"
	    "                      then exit without running (no /dev/kvm needed)\n"
	    "      --dump-acpi DIR write the ACPI tables the guest would get to DIR/*.dat\n"
	    "                      (for iasl -d), then exit; --kernel is not needed\n"
	    "      --dump-dtb FILE write the device tree an arm64 guest would get, then exit\n"
	    "  -v, --verbose       more messages: why the guest stopped, boot-complete time,\n"
	    "                      unclaimed port and MMIO accesses\n"
	    "  -h, --help          this text\n"
	    "      --version       print the version\n"
	    "\n"
	    "paravisor (the OpenHCL layout, booted through a boot shim):\n"
	    "      --paravisor     load --kernel (an ELF vmlinux) as the VTL2 kernel\n"
	    "      --shim PATH     the boot shim ELF (default: minivmm's own, built in)\n"
	    "      --vtl2-mem SIZE the VTL2 memory range (default: 256M), at 128 MiB\n"
	    "      --relocate auto|ADDR  move the VTL2 image: to the top of low RAM, or to ADDR\n"
	    "      --cmdline-policy static|append  whether the host's part is appended\n"
	    "                      (default: append); --cmdline is the static part\n"
	    "      --host-cmdline STR  the host's part (device tree /chosen/bootargs)\n"
	    "      --vtl0-kernel PATH [--vtl0-initrd PATH] [--vtl0-cmdline STR]\n"
	    "                      a VTL0 Linux kernel, recorded in the measured VTL0 config\n"
	    "\n"
	    "exit codes:\n"
	    "  0  the guest powered off or reset; --dump-layout, --help or --version done\n"
	    "  1  usage error or bad input (kernel, initrd, command line, memory size)\n"
	    "  2  the guest crashed (x86 triple fault)\n"
	    "  3  KVM missing or failing, or an internal error\n"
	    "  4  the guest kernel panicked (panic device) or reported a crash\n"
	    "  5  --timeout expired\n"
	    "  6  stopped by the user: Ctrl-A x, SIGINT, SIGTERM, SIGHUP\n"
	    "  7  the guest halted a vCPU for good (HLT exit)\n"
	    "  8  the boot shim stopped: its FATAL line says why\n"
	    "  N  the guest wrote N (0-255) to the debug port 0x501 (arm64: MMIO 0x9100000)\n"
	    "\n"
	    "console: Ctrl-A x quits, Ctrl-A Ctrl-A sends Ctrl-A. A write to port 0x502\n"
	    "records \"boot complete\" (the time is printed with -v).\n",
	    CONFIG_DEFAULT_CMDLINE, CONFIG_MAX_DISKS);
}

static int parse_boot(struct vmm_config *c, const char *v, struct err *e)
{
	if (strcmp(v, "64bit") == 0)
		c->boot = X86_BOOT_64BIT;
	else if (strcmp(v, "pvh") == 0)
		c->boot = X86_BOOT_PVH;
	else
		return err_set(e, EINVAL, "--boot %s: expected 64bit or pvh", v);
	return 0;
}

static int parse_timeout(struct vmm_config *c, const char *v, struct err *e)
{
	char *end;

	c->timeout_s = strtod(v, &end);
	if (end == v || *end || c->timeout_s <= 0 || c->timeout_s > 1e6)
		return err_set(e, EINVAL, "--timeout %s: expected seconds, more than 0", v);
	return 0;
}

static int parse_cpus(struct vmm_config *c, const char *v, struct err *e)
{
	uint64_t n;

	if (parse_u64(v, &n, e) || n < 1 || n > CONFIG_MAX_CPUS)
		return err_set(e, EINVAL, "--cpus %s: expected 1 to %d", v, CONFIG_MAX_CPUS);
	c->cpus = (unsigned int)n;
	return 0;
}

static int parse_disk(struct vmm_config *c, const char *v, struct err *e)
{
	if (c->nr_disks == CONFIG_MAX_DISKS)
		return err_set(e, EINVAL, "--disk %s: at most %d disks", v, CONFIG_MAX_DISKS);
	return block_image_parse_options(v, &c->disks[c->nr_disks++], e);
}

static int parse_relocate(struct paravisor_options *pv, const char *v, struct err *e)
{
	if (strcmp(v, "auto") == 0) {
		pv->relocate = RELOCATE_AUTO;
		return 0;
	}
	pv->relocate = RELOCATE_ADDR;
	if (parse_size(v, &pv->relocate_addr, e))
		return err_prefix(e, "--relocate (auto or an address)");
	return 0;
}

static int parse_paravisor_option(struct paravisor_options *pv, int opt, const char *arg,
                                  struct err *e)
{
	switch (opt) {
	case OPT_PARAVISOR:
		pv->enabled = true;
		return 0;
	case OPT_SHIM:
		pv->shim = arg;
		return 0;
	case OPT_VTL2_MEM:
		return parse_size(arg, &pv->vtl2_mem, e) ? err_prefix(e, "--vtl2-mem") : 0;
	case OPT_RELOCATE:
		return parse_relocate(pv, arg, e);
	case OPT_HOST_CMDLINE:
		pv->host_cmdline = arg;
		return 0;
	case OPT_CMDLINE_POLICY:
		if (strcmp(arg, "static") && strcmp(arg, "append"))
			return err_set(e, EINVAL, "--cmdline-policy %s: expected static or append",
			               arg);
		pv->static_policy = strcmp(arg, "static") == 0;
		return 0;
	case OPT_VTL0_KERNEL:
		pv->vtl0_kernel = arg;
		return 0;
	case OPT_VTL0_INITRD:
		pv->vtl0_initrd = arg;
		return 0;
	default: /* OPT_VTL0_CMDLINE */
		pv->vtl0_cmdline = arg;
		return 0;
	}
}

static int parse_one(struct vmm_config *c, int opt, const char *arg, struct err *e)
{
	if (opt >= OPT_PARAVISOR)
		return parse_paravisor_option(&c->pv, opt, arg, e);
	switch (opt) {
	case OPT_KERNEL:
		c->kernel = arg;
		return 0;
	case OPT_INITRD:
		c->initrd = arg;
		return 0;
	case OPT_CMDLINE:
		c->cmdline = arg;
		return 0;
	case OPT_MEM:
		if (parse_size(arg, &c->mem_size, e))
			return err_prefix(e, "--mem");
		return 0;
	case OPT_BOOT:
		return parse_boot(c, arg, e);
	case OPT_DUMP_LAYOUT:
		c->dump_layout = true;
		return 0;
	case OPT_REBOOT:
		c->reboot = true;
		return 0;
	case OPT_TIMEOUT:
		return parse_timeout(c, arg, e);
	case OPT_CPUS:
		return parse_cpus(c, arg, e);
	case OPT_DISK:
		return parse_disk(c, arg, e);
	case OPT_DUMP_ACPI:
		c->dump_acpi = arg;
		return 0;
	case OPT_DUMP_DTB:
		c->dump_dtb = arg;
		return 0;
	case OPT_VERBOSE:
		c->verbose++;
		return 0;
	case OPT_HELP:
		c->help = true;
		return 0;
	case OPT_VERSION:
		c->version = true;
		return 0;
	}
	return err_set(e, EINVAL, "unknown option (see --help)");
}

/* Names the offending option: the long one as typed, or the short letter in a bundle. */
static int unknown_option(const char *arg, struct err *e)
{
	if (strncmp(arg, "--", 2) != 0 && optopt > 0 && optopt < 0x80)
		return err_set(e, EINVAL, "-%c: unknown option or missing value (see --help)",
		               optopt);
	return err_set(e, EINVAL, "%s: unknown option or missing value (see --help)", arg);
}

/* Paravisor options make no sense alone; --boot pvh makes no sense with them. */
static int check_paravisor_options(const struct vmm_config *c, struct err *e)
{
	const struct paravisor_options *pv = &c->pv;
	const char *stray = pv->shim           ? "--shim"
	                    : pv->vtl0_kernel  ? "--vtl0-kernel"
	                    : pv->vtl0_initrd  ? "--vtl0-initrd"
	                    : pv->vtl0_cmdline ? "--vtl0-cmdline"
	                    : pv->host_cmdline ? "--host-cmdline"
	                    : pv->relocate     ? "--relocate"
	                                       : NULL;

	if (!pv->enabled && stray)
		return err_set(e, EINVAL, "%s needs --paravisor", stray);
	if (pv->enabled && c->nr_disks)
		return err_set(e, EINVAL, "--disk: the paravisor layout has no virtio devices");
	if (pv->enabled && c->boot == X86_BOOT_PVH)
		return err_set(e, EINVAL,
		               "--boot pvh and --paravisor exclude each other: the boot "
		               "shim enters the kernel");
	if (pv->vtl0_initrd && !pv->vtl0_kernel)
		return err_set(e, EINVAL, "--vtl0-initrd needs --vtl0-kernel");
	return 0;
}

int config_parse(struct vmm_config *c, int argc, char **argv, struct err *e)
{
	int opt, ret;

	memset(c, 0, sizeof(*c));
	c->mem_size = CONFIG_DEFAULT_MEM;
	c->cpus = 1;
	c->pv.vtl2_mem = CONFIG_DEFAULT_VTL2_MEM;
	c->cmdline = CONFIG_DEFAULT_CMDLINE;
	c->boot = X86_BOOT_64BIT;
	optind = 0; /* 0, not 1: also forgets a position inside an earlier bundle */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+k:i:c:m:hv", options, NULL)) != -1) {
		if (opt == '?' || opt == ':')
			return unknown_option(argv[optind - 1], e);
		ret = parse_one(c, opt, optarg, e);
		if (ret)
			return ret;
	}
	if (optind < argc)
		return err_set(e, EINVAL, "unexpected argument '%s' (see --help)", argv[optind]);
	if (!c->help && !c->version && !c->dump_acpi && !c->kernel)
		return err_set(e, EINVAL, "--kernel is required (see --help)");
	return check_paravisor_options(c, e);
}
