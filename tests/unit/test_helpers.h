/* SPDX-License-Identifier: MIT */
/* Shared assertions and set-up for the unit suites. */
#ifndef MINIVMM_TESTS_TEST_HELPERS_H
#define MINIVMM_TESTS_TEST_HELPERS_H

#include <check.h>
#include <stdlib.h>

#include "lib/err.h"

/* A failing call returned -errnum and left exactly msg in e. */
#define ck_assert_err(ret_, err_, errnum_, msg_)            \
	do {                                                \
		ck_assert_int_eq((ret_), -(errnum_));       \
		ck_assert_int_eq((err_).errnum, (errnum_)); \
		ck_assert_str_eq((err_).msg, (msg_));       \
	} while (0)

#define ck_assert_ok(ret_, err_)                                                        \
	do {                                                                            \
		int ck_ret_ = (ret_);                                                   \
		ck_assert_msg(ck_ret_ == 0, "failed with %d: %s", ck_ret_, (err_).msg); \
	} while (0)

/* Runs one suite and returns the process exit status. */
static inline int run_suite(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
