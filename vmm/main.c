// SPDX-License-Identifier: MIT
/*
 * minivmm: a minimal KVM virtual machine monitor that boots Linux directly.
 * main() parses the command line and picks the job; only main() exits.
 */
#include <stdio.h>

#include "vmm/boot.h"
#include "vmm/config.h"
#include "vmm/dump_layout.h"
#include "vmm/exit_codes.h"
#include "vmm/vm.h"

int main(int argc, char **argv)
{
	uint64_t start_ns = vm_now_ns();
	struct vmm_config cfg;
	struct err e = { 0 };

	if (config_parse(&cfg, argc, argv, &e)) {
		fprintf(stderr, "minivmm: %s\n", e.msg);
		return MINIVMM_EXIT_BAD_INPUT;
	}
	if (cfg.help) {
		config_print_help(stdout);
		return MINIVMM_EXIT_OK;
	}
	if (cfg.version) {
		printf("minivmm %s\n", MINIVMM_VERSION);
		return MINIVMM_EXIT_OK;
	}
	if (cfg.dump_acpi)
		return dump_acpi_run(&cfg, cfg.dump_acpi);
	if (cfg.dump_dtb)
		return dump_dtb_run(&cfg, cfg.dump_dtb);
	if (cfg.dump_layout)
		return dump_layout_run(&cfg, stdout);
	return boot_run(&cfg, start_ns);
}
