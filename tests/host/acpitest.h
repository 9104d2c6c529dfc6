/*
 * tests/host/acpitest.h - what the ACPI host tests share: the capture of the
 * parser's DbgPrint messages and the two groups of tests.
 *
 * tests/host/acpi.c runs the parser on real tables dumped from QEMU's pc and
 * q35 machines (tests/host/data/acpi/) and holds main(); acpibroken.c feeds
 * it broken tables and checks the message each fault gets.
 */
#ifndef KESTREL_TESTS_HOST_ACPITEST_H
#define KESTREL_TESTS_HOST_ACPITEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/host/acpifake.h"

/* Everything DbgPrint printed since the last AcpiLogClear. */
extern char AcpiLog[];
VOID AcpiLogClear(VOID);

/* Fails the test, showing the log, unless Text occurs in it. */
#define assert_logged(Text) AcpiAssertLogged((Text), TRUE, __FILE__, __LINE__)
/* Fails the test unless nothing at all was logged. */
#define assert_log_empty() AcpiAssertLogged(NULL, FALSE, __FILE__, __LINE__)
VOID AcpiAssertLogged(PCSTR Text, BOOLEAN Present, PCSTR File, int Line);

/* The synthetic machine of the broken-firmware tests (acpibroken.c): its
 * tables' builders, its MADT entries, and the set-up that puts it in fake
 * memory. */
extern const UCHAR AcpiBrokenMadtEntries[];
extern const ULONG AcpiBrokenMadtEntriesLength;
ULONG AcpiBrokenBuildMadt(PUCHAR Out, const UCHAR *Entries, ULONG EntriesLength);
ULONG AcpiBrokenBuildFadt(PUCHAR Out, ULONG Length, UCHAR Revision);
ULONG AcpiBrokenBuildHpet(PUCHAR Out, UCHAR AddressSpace);
int AcpiBrokenSetUpMachine(void **State);
int AcpiBrokenTearDownMachine(void **State);

/* The root tables' tests (acpibroken.c) and each table's (acpibrokentables.c). */
extern const struct CMUnitTest AcpiBrokenTests[];
extern const size_t AcpiBrokenTestCount;
extern const struct CMUnitTest AcpiBrokenTableTests[];
extern const size_t AcpiBrokenTableTestCount;

#endif /* KESTREL_TESTS_HOST_ACPITEST_H */
