/* SPDX-License-Identifier: MIT */
/* The FDT reader and device-tree extraction test cases (tests/unit/test_shim.c runs them). */
#ifndef MINIVMM_ARCH_X86_64_SHIM_TEST_FDT_TESTS_H
#define MINIVMM_ARCH_X86_64_SHIM_TEST_FDT_TESTS_H

#include <check.h>

void shim_fdt_add_tcases(Suite *s);

#endif
