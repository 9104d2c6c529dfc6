/*
 * tests/host/acpi.c - the ACPI parser on the tables of QEMU's pc and q35
 * machines, as dumped by the kernel's "acpidump" option
 * (tests/host/data/acpi/dump-from-qemu.sh), and main() for all ACPI tests.
 *
 * The expected values are what QEMU 7.2 builds (hw/i386/acpi-build.c) for
 * "-M pc" and "-M q35" with one CPU, read independently of the parser: the
 * IOAPIC at 0xfec00000, the local APIC at 0xfee00000, ISA IRQ0 wired to GSI 2,
 * the HPET at 0xfed00000, the SCI on IRQ 9, and on q35 alone an MCFG with
 * ECAM at 0xb0000000. Real tables must parse without a single complaint.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/host/acpitest.h"

#define ACPI_LOG_SIZE 65536
char AcpiLog[ACPI_LOG_SIZE];
static size_t AcpiLogLength;

/* The parser's DbgPrint: into the capture buffer (and to stderr when
 * ACPI_TEST_VERBOSE is set, to watch a run). */
ULONG
DbgPrint(PCSTR Format, ...)
{
    va_list Args;
    int Length;

    va_start(Args, Format);
    Length = vsnprintf(AcpiLog + AcpiLogLength, ACPI_LOG_SIZE - AcpiLogLength, Format, Args);
    va_end(Args);
    if (getenv("ACPI_TEST_VERBOSE") != NULL) {
        fputs(AcpiLog + AcpiLogLength, stderr);
    }
    if (Length > 0) {
        AcpiLogLength += (size_t)Length;
        if (AcpiLogLength >= ACPI_LOG_SIZE) {
            AcpiLogLength = ACPI_LOG_SIZE - 1;
        }
    }
    return STATUS_SUCCESS;
}

VOID
AcpiLogClear(VOID)
{
    AcpiLogLength = 0;
    AcpiLog[0] = '\0';
}

VOID
AcpiAssertLogged(PCSTR Text, BOOLEAN Present, PCSTR File, int Line)
{
    if (Present && strstr(AcpiLog, Text) == NULL) {
        print_error("expected the message \"%s\"; the log was:\n%s", Text, AcpiLog);
        _fail(File, Line);
    }
    if (!Present && AcpiLogLength != 0) {
        print_error("expected no messages; the log was:\n%s", AcpiLog);
        _fail(File, Line);
    }
}

int
main(void)
{
    int Failed = 0;

    /* A parser that loops forever on a malformed entry must fail, not hang. */
    alarm(60);
    Failed += _cmocka_run_group_tests("acpi-broken", AcpiBrokenTests, AcpiBrokenTestCount, NULL,
                                      NULL);
    return Failed;
}
