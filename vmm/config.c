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
	OPT_DUMP_ACPI,
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
	{ "dump-acpi", required_argument, NULL, OPT_DUMP_ACPI },
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
	    "               [--boot 64bit|pvh] [--timeout SEC] [--reboot] [--dump-layout] [-v]\n"
	    "       minivmm --dump-acpi DIR [--cpus N]\n"
	    "\n"
	    "Boots a Linux kernel directly on KVM: no firmware.\n"
	    "\n"
	    "  -k, --kernel PATH   ELF vmlinux or bzImage (x86_64)\n"
	    "  -i, --initrd PATH   initial ramdisk, placed at the top of RAM below 3 GiB\n"
	    "  -c, --cmdline STR   guest command line (default: \"%s\")\n"
	    "  -m, --mem SIZE      guest RAM, a multiple of 2 MiB (default: 512M)\n"
	    "      --cpus N        vCPUs, 1 to 64 (default: 1), one thread each\n"
	    "      --boot 64bit    enter the kernel through the 64-bit boot protocol (default)\n"
	    "      --boot pvh      enter an ELF vmlinux through its PVH entry note\n"
	    "      --timeout SEC   stop the guest after SEC seconds (exit code 5)\n"
	    "      --reboot        a guest reset reboots the guest (default: minivmm exits 0)\n"
	    "      --dump-layout   print every imported range, parameter area and register,\n"
	    "                      then exit without running (no /dev/kvm needed)\n"
	    "      --dump-acpi DIR write the ACPI tables the guest would get to DIR/*.dat\n"
	    "                      (for iasl -d), then exit; --kernel is not needed\n"
	    "  -v, --verbose       more messages: why the guest stopped, boot-complete time,\n"
	    "                      unclaimed port and MMIO accesses\n"
	    "  -h, --help          this text\n"
	    "      --version       print the version\n"
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
	    "  N  the guest wrote N (0-255) to the debug port 0x501\n"
	    "\n"
	    "console: Ctrl-A x quits, Ctrl-A Ctrl-A sends Ctrl-A. A write to port 0x502\n"
	    "records \"boot complete\" (the time is printed with -v).\n",
	    CONFIG_DEFAULT_CMDLINE);
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

static int parse_one(struct vmm_config *c, int opt, const char *arg, struct err *e)
{
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
	case OPT_DUMP_ACPI:
		c->dump_acpi = arg;
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

int config_parse(struct vmm_config *c, int argc, char **argv, struct err *e)
{
	int opt, ret;

	memset(c, 0, sizeof(*c));
	c->mem_size = CONFIG_DEFAULT_MEM;
	c->cpus = 1;
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
	return 0;
}
