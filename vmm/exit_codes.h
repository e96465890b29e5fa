/* SPDX-License-Identifier: MIT */
/*
 * minivmm's process exit codes. They are part of the interface: scripts and
 * CI jobs branch on them, `minivmm --help` and the README list them. A guest
 * can also pick any code 0-255 by writing it to the debug port (0x501).
 */
#ifndef MINIVMM_VMM_EXIT_CODES_H
#define MINIVMM_VMM_EXIT_CODES_H

enum minivmm_exit {
	MINIVMM_EXIT_OK = 0,          /* guest powered off or reset; --dump-layout/--help */
	MINIVMM_EXIT_BAD_INPUT = 1,   /* usage error or bad input: kernel, initrd, cmdline, --mem */
	MINIVMM_EXIT_GUEST_CRASH = 2, /* the guest crashed (x86 triple fault) */
	MINIVMM_EXIT_INTERNAL = 3,    /* KVM missing or failing, or an internal error */
	MINIVMM_EXIT_GUEST_PANIC = 4, /* the guest kernel panicked (panic device) */
	MINIVMM_EXIT_TIMEOUT = 5,     /* --timeout expired with the guest still running */
	MINIVMM_EXIT_USER = 6,        /* stopped by the user: Ctrl-A x, SIGINT, SIGTERM */
	MINIVMM_EXIT_GUEST_HALTED = 7, /* a vCPU halted with no way to wake (HLT exit) */
	MINIVMM_EXIT_SHIM_FATAL = 8,   /* minivmm's boot shim stopped (it writes 8 to port 0x501) */
};

#endif
