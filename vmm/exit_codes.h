/* SPDX-License-Identifier: MIT */
/*
 * minivmm's process exit codes. They are part of the interface: scripts and
 * CI jobs branch on them, `minivmm --help` and the README list them.
 */
#ifndef MINIVMM_VMM_EXIT_CODES_H
#define MINIVMM_VMM_EXIT_CODES_H

enum minivmm_exit {
	MINIVMM_EXIT_OK = 0,          /* guest powered off or reset; --dump-layout/--help done */
	MINIVMM_EXIT_BAD_INPUT = 1,   /* usage error or bad input: kernel, initrd, cmdline, --mem */
	MINIVMM_EXIT_GUEST_CRASH = 2, /* the guest crashed (x86 triple fault) */
	MINIVMM_EXIT_INTERNAL = 3,    /* KVM or internal error */
};

#endif
