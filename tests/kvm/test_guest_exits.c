// SPDX-License-Identifier: MIT
/*
 * How a VM ends decides minivmm's exit code (vmm/exit_codes.h):
 *   - the guest writes a code to the debug port 0x501 -> that code;
 *   - the guest triple-faults                         -> MINIVMM_EXIT_GUEST_CRASH;
 *   - the guest is still running at the timeout        -> MINIVMM_EXIT_TIMEOUT,
 *     whether it spins or sleeps in HLT with interrupts off.
 *
 * On HLT: with the in-kernel irqchip KVM does not return KVM_EXIT_HLT; it
 * keeps the halted vCPU asleep inside KVM_RUN. Observed on kvm_pvm too: no
 * exit at all, and the process used 3 ms of CPU in a 1 s run (a spinning
 * guest: 0.6 s), until minivmm's timeout kicked the vCPU out. So the run ends
 * with MINIVMM_EXIT_TIMEOUT, not MINIVMM_EXIT_GUEST_HALTED.
 */
#include <string.h>
#include <sys/resource.h>

#include "tests/kvm/kvm_guest.h"
#include "tests/unit/test_helpers.h"
#include "vmm/exit_codes.h"

#define SHORT_TIMEOUT_S 0.5
/* How late after the timeout the run may end: one poll period plus slack. */
#define TIMEOUT_SLACK_S 1.0

static const struct guest exit42 = { .name = "exit42", .entry = GUEST_ENTRY_LINUX64 };
static const struct guest triple_fault = { .name = "triple_fault", .entry = GUEST_ENTRY_LINUX64 };
static const struct guest spin = { .name = "spin",
	                           .entry = GUEST_ENTRY_LINUX64,
	                           .timeout_s = SHORT_TIMEOUT_S };
static const struct guest hlt = { .name = "hlt",
	                          .entry = GUEST_ENTRY_LINUX64,
	                          .timeout_s = SHORT_TIMEOUT_S };

static double cpu_seconds(void)
{
	struct rusage u;

	getrusage(RUSAGE_SELF, &u);
	return (double)(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
	       (double)(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

static void assert_reason_mentions(const struct guest_run *r, const char *text)
{
	ck_assert_msg(strstr(r->res.reason, text), "reason \"%s\" does not mention \"%s\"",
	              r->res.reason, text);
}

/* The run lasted the timeout, not less (the guest really ran) and not much more. */
static void assert_stopped_by_timeout(const struct guest_run *r, double timeout_s)
{
	guest_assert_exit(r, MINIVMM_EXIT_TIMEOUT);
	assert_reason_mentions(r, "still running");
	ck_assert_msg(r->seconds >= timeout_s && r->seconds < timeout_s + TIMEOUT_SLACK_S,
	              "the run took %.3f s with a %.1f s timeout", r->seconds, timeout_s);
}

START_TEST(debug_port_write_becomes_the_exit_code)
{
	struct guest_run r;

	guest_run(&exit42, &r);
	guest_assert_exit(&r, 42);
	assert_reason_mentions(&r, "exit code 42");
	ck_assert(!r.res.reset);
}
END_TEST

START_TEST(triple_fault_is_a_guest_crash)
{
	struct guest_run r;

	guest_run(&triple_fault, &r);
	guest_assert_exit(&r, MINIVMM_EXIT_GUEST_CRASH);
	assert_reason_mentions(&r, "triple fault");
}
END_TEST

START_TEST(spinning_guest_is_stopped_by_the_timeout)
{
	struct guest_run r;

	guest_run(&spin, &r);
	assert_stopped_by_timeout(&r, SHORT_TIMEOUT_S);
}
END_TEST

START_TEST(halted_guest_with_interrupts_off_sleeps_until_the_timeout)
{
	struct guest_run r;
	double cpu = cpu_seconds();

	guest_run(&hlt, &r);
	cpu = cpu_seconds() - cpu;
	assert_stopped_by_timeout(&r, SHORT_TIMEOUT_S);
	ck_assert_msg(cpu < SHORT_TIMEOUT_S / 4,
	              "the halted vCPU used %.3f s of CPU in %.3f s: it spun instead of sleeping",
	              cpu, r.seconds);
}
END_TEST

static Suite *kvm_exits_suite(void)
{
	Suite *s = suite_create("kvm_exits");
	TCase *guest = tcase_create("guest_decides");
	TCase *timeout = tcase_create("timeout");

	tcase_add_test(guest, debug_port_write_becomes_the_exit_code);
	tcase_add_test(guest, triple_fault_is_a_guest_crash);
	tcase_add_test(timeout, spinning_guest_is_stopped_by_the_timeout);
	tcase_add_test(timeout, halted_guest_with_interrupts_off_sleeps_until_the_timeout);
	suite_add_tcase(s, guest);
	suite_add_tcase(s, timeout);
	return s;
}

int main(int argc, char **argv)
{
	return kvm_suite_main(kvm_exits_suite(), argc, argv);
}
