/* SPDX-License-Identifier: MIT */
/*
 * What the test guests and the tests agree on, shared by the guest assembly
 * (through cpp) and the C tests so both sides use the same numbers: where the
 * guests load, the test devices they talk to, and the report device on which
 * a guest tells what it saw, one (id, 64-bit value) pair at a time:
 *
 *   out id  (4 bytes) -> REPORT_ID_PORT   selects what the value is
 *   out lo  (4 bytes) -> REPORT_LO_PORT   bits 0-31 of the value
 *   out hi  (4 bytes) -> REPORT_HI_PORT   bits 32-63; this write records it
 *
 * A guest ends by writing 0 to the debug exit port (0x501).
 */
#ifndef MINIVMM_TESTS_KVM_PROTOCOL_H
#define MINIVMM_TESTS_KVM_PROTOCOL_H

#define REPORT_ID_PORT  0x510
#define REPORT_LO_PORT  0x514
#define REPORT_HI_PORT  0x518
#define REPORT_NR_PORTS 12

#define DEBUG_EXIT_PORT_GUEST 0x501

/* Where every test guest's image is loaded (the 16-bit one as CS 0x0ff0 : IP 0x100). */
#define GUEST_LOAD_GPA   0x10000
#define GUEST_LOAD_PAGES 16

/* The I/O test devices, and addresses nobody claims (unused on a PC). */
#define PIO_TEST_PORT      0x520
#define PIO_TEST_NR_PORTS  8
#define PIO_UNCLAIMED_PORT 0x5f0
#define MMIO_TEST_GPA      0xd0000000 /* in the 3-4 GiB hole, under the identity map */
#define MMIO_TEST_SIZE     0x1000
#define MMIO_UNCLAIMED_GPA 0xd0100000

/* Register state, as the guest read it at entry. */
#define REPORT_ENTRY         1 /* where the first instruction ran: RIP (IP in real mode) */
#define REPORT_RSP           2
#define REPORT_RSI           3
#define REPORT_RBX           4
#define REPORT_RFLAGS        5
#define REPORT_CR0           6
#define REPORT_CR3           7
#define REPORT_CR4           8
#define REPORT_EFER          9
#define REPORT_PAT           10
#define REPORT_MTRR_DEF_TYPE 11
#define REPORT_GDTR_BASE     12
#define REPORT_GDTR_LIMIT    13
#define REPORT_IDTR_BASE     14
#define REPORT_IDTR_LIMIT    15
#define REPORT_CS            16 /* selectors */
#define REPORT_DS            17
#define REPORT_ES            18
#define REPORT_FS            19
#define REPORT_GS            20
#define REPORT_SS            21
#define REPORT_TR            22
#define REPORT_CS_DESCRIPTOR 23 /* the 8-byte GDT entry the selector points at */
#define REPORT_SS_DESCRIPTOR 24
#define REPORT_TR_DESCRIPTOR 25
#define REPORT_FS_BASE       26 /* MSR 0xc0000100 */
#define REPORT_GS_BASE       27 /* MSR 0xc0000101 */
#define REPORT_DS_PROBE      28 /* the dword at offset 0 of the segment */
#define REPORT_ES_PROBE      29
#define REPORT_FS_PROBE      30
#define REPORT_GS_PROBE      31
#define REPORT_SS_PROBE      32

/* Values the I/O guests read back, in program order (n < 24). */
#define REPORT_VALUE(n) (40 + (n))

/*
 * The 16 MTRR MSRs the importer can set, in enum x86_reg_name order:
 * PHYSBASE0, PHYSMASK0, ... PHYSMASK4 (0x200-0x209), FIX64K_00000 (0x250),
 * FIX16K_80000 (0x258), FIX4K_E0000 .. FIX4K_F8000 (0x26c-0x26f).
 */
#define REPORT_MTRR(n) (64 + (n))

#define REPORT_MAX 80

#endif
