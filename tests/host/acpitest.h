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

extern const struct CMUnitTest AcpiBrokenTests[];
extern const size_t AcpiBrokenTestCount;

#endif /* KESTREL_TESTS_HOST_ACPITEST_H */
