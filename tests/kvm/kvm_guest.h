/* SPDX-License-Identifier: MIT */
/*
 * Running the tiny test guests (tests/kvm/guests) on the host's /dev/kvm
 * through the whole minivmm machine: each guest is a flat image loaded at
 * GUEST_LOAD_GPA through the importer from machine_config.load, with one of
 * three entry states, plus a report device on which it tells what it saw.
 */
#ifndef MINIVMM_TESTS_KVM_GUEST_H
#define MINIVMM_TESTS_KVM_GUEST_H

#include <check.h>
#include <stdint.h>

#include "loader/importer_record.h"
#include "tests/kvm/guests/protocol.h"
#include "vmm/machine.h"
#include "vmm/vm.h"

#define GUEST_MEM_SIZE          SZ_16M
#define GUEST_DEFAULT_TIMEOUT_S 10.0

/* Which state the load hook imports besides the image. */
enum guest_entry {
	/* Real mode: CS:IP = REAL16_CS:REAL16_IP, segments the test imports itself. */
	GUEST_ENTRY_REAL16,
	/* 32-bit protected mode: x86_import_boot_state_pvh, EBX = 0x2000. */
	GUEST_ENTRY_PVH32,
	/* Long mode: x86_import_boot_state_64bit, RSI = 0x2000 (the zero page's place). */
	GUEST_ENTRY_LINUX64,
};

#define REAL16_CS 0x0ff0
#define REAL16_IP 0x0100 /* REAL16_CS * 16 + REAL16_IP == GUEST_LOAD_GPA */

struct guest {
	const char *name; /* guests/<name>.S, built into <name>.bin */
	enum guest_entry entry;
	double timeout_s; /* 0: GUEST_DEFAULT_TIMEOUT_S */
	/* Optional: more imports after the entry state. */
	int (*import_more)(struct importer *imp, struct err *e);
	/* Optional: test devices, registered after the platform's own. */
	int (*add_devices)(struct vm *vm, void *arg, struct err *e);
	void *devices_arg;
};

/* What a guest reported on the report device. */
struct guest_report {
	uint64_t value[REPORT_MAX];
	unsigned int count[REPORT_MAX];
	unsigned int protocol_errors; /* unknown ids, wrong widths or ports */
	uint32_t id, lo;              /* the pair being assembled */
};

struct guest_run {
	struct machine_result res;
	struct guest_report report;
	double seconds; /* machine_run, wall clock */
};

/*
 * Runs g until the VM stops and fills *out. Fails the test when minivmm could
 * not build the VM; whatever the guest did is for the caller to judge.
 */
void guest_run(const struct guest *g, struct guest_run *out);

/* Feeds g's imports into a recording importer; the caller destroys it. */
void guest_record(const struct guest *g, struct record_importer *ri);

/* Fails the test unless the run ended with exit_code and without report protocol errors. */
void guest_assert_exit(const struct guest_run *r, int exit_code);

/* The value reported under id; fails the test unless it was reported exactly once. */
uint64_t guest_reported(const struct guest_run *r, unsigned int id, const char *what);

/* The marker the real-mode entry puts at offset 0 of the data segment at base. */
uint32_t guest_real16_probe_marker(uint64_t base);

/*
 * main() of every kvm suite: argv[1] is the directory with the guest images.
 * When /dev/kvm is missing or unusable, says so loudly and returns 77 (skip),
 * or 1 when MINIVMM_REQUIRE_KVM=1.
 */
int kvm_suite_main(Suite *s, int argc, char **argv);

#endif
