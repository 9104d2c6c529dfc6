/*
 * tests/host/acpibrokentables.c - each ACPI table's parser (MADT, FADT,
 * HPET, MCFG) against broken tables. Every table is built from the
 * synthetic machine's (acpibroken.c) and broken one way per test; the
 * parser reads an exact-size heap copy, so an over-read fails under ASan,
 * and the test checks the summary and the one message naming the fault.
 */
#include <stdlib.h>
#include <string.h>

#include "tests/host/acpitest.h"

/* Runs a per-table parser on an exact-size heap copy of Bytes, so that any
 * read past Length is an ASan error. */
static PUCHAR
HeapCopy(const UCHAR *Bytes, ULONG Length)
{
    PUCHAR Copy = malloc(Length);
    assert_non_null(Copy);
    memcpy(Copy, Bytes, Length);
    return Copy;
}

#define PARSE_COPY(Parser, Bytes, Length, Info)                                        \
    ({                                                                                 \
        PUCHAR Copy_ = HeapCopy((Bytes), (Length));                                    \
        NTSTATUS Status_ = Parser((const ACPI_DESCRIPTION_HEADER *)Copy_, (Length), (Info)); \
        free(Copy_);                                                                   \
        Status_;                                                                       \
    })
#define PARSE_MADT(Bytes, Length, Info) PARSE_COPY(HalpAcpiParseMadt, Bytes, Length, Info)
#define PARSE_FADT(Bytes, Length, Info) PARSE_COPY(HalpAcpiParseFadt, Bytes, Length, Info)
#define PARSE_HPET(Bytes, Length, Info) PARSE_COPY(HalpAcpiParseHpet, Bytes, Length, Info)
#define PARSE_MCFG(Bytes, Length, Info) PARSE_COPY(HalpAcpiParseMcfg, Bytes, Length, Info)

/* ---- MADT ---- */

static void
MadtEntries_(const UCHAR *Entries, ULONG Length, ACPI_MADT_INFO *Info, NTSTATUS Expected)
{
    UCHAR Bytes[512];
    assert_true(Length + sizeof(ACPI_MADT) <= sizeof(Bytes));
    assert_int_equal(PARSE_MADT(Bytes, AcpiBrokenBuildMadt(Bytes, Entries, Length), Info), Expected);
}

static void
MadtSound(void **State)
{
    ACPI_MADT_INFO Madt;
    ACPI_INTERRUPT_ROUTE Route;

    MadtEntries_(AcpiBrokenMadtEntries, AcpiBrokenMadtEntriesLength, &Madt, STATUS_SUCCESS);
    assert_log_empty();
    assert_false(Madt.Truncated);
    assert_true(Madt.PcatCompat);
    assert_int_equal(Madt.LocalApicAddress, 0xFEE00000);
    assert_int_equal(Madt.ProcessorCount, 1);
    assert_true(Madt.Processors[0].Enabled);
    assert_int_equal(Madt.IoApicCount, 1);
    assert_int_equal(Madt.IoApics[0].Address, 0xFEC00000);
    assert_int_equal(Madt.OverrideCount, 2);
    assert_int_equal(Madt.LocalNmiCount, 1);
    assert_true(Madt.LocalNmis[0].AllProcessors);
    assert_int_equal(Madt.LocalNmis[0].Lint, 1);

    assert_int_equal(HalpAcpiRouteIsaIrq(&Madt, 0, &Route), STATUS_SUCCESS);
    assert_int_equal(Route.Gsi, 2);
    assert_true(Route.Overridden);
    assert_int_equal(Route.Polarity, AcpiActiveHigh);
    assert_int_equal(Route.Trigger, AcpiEdgeTriggered);
    assert_int_equal(HalpAcpiRouteIsaIrq(&Madt, 9, &Route), STATUS_SUCCESS);
    assert_int_equal(Route.Gsi, 9);
    assert_int_equal(Route.Trigger, AcpiLevelTriggered);
    assert_int_equal(HalpAcpiRouteIsaIrq(&Madt, 4, &Route), STATUS_SUCCESS);
    assert_int_equal(Route.Gsi, 4);
    assert_false(Route.Overridden);
    assert_int_equal(HalpAcpiRouteIsaIrq(&Madt, 16, &Route), STATUS_INVALID_PARAMETER);
    assert_int_equal(HalpAcpiRouteIsaIrq(NULL, 0, &Route), STATUS_SUCCESS);
    assert_int_equal(Route.Gsi, 0);
}

static void
MadtEntryLengthZero(void **State)
{
    static const UCHAR Entries[] = {0, 8, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0};
    ACPI_MADT_INFO Madt;

    MadtEntries_(Entries, sizeof(Entries), &Madt, STATUS_SUCCESS);
    assert_logged("ACPI: MADT: entry at offset 0x34 (type 1, length 0) is shorter than the 12 "
                  "bytes its type needs; ignoring the rest");
    assert_true(Madt.Truncated);
    assert_int_equal(Madt.ProcessorCount, 1);
    assert_int_equal(Madt.IoApicCount, 0);
}

static void
MadtEntryLengthOne(void **State)
{
    static const UCHAR Entries[] = {0x7F, 1, 0, 8, 0, 0, 1, 0, 0, 0};
    ACPI_MADT_INFO Madt;

    MadtEntries_(Entries, sizeof(Entries), &Madt, STATUS_SUCCESS);
    assert_logged("entry at offset 0x2c (type 127, length 1) is shorter than the 2 bytes");
    assert_true(Madt.Truncated);
    assert_int_equal(Madt.ProcessorCount, 0);
}

static void
MadtEntryPastTheEnd(void **State)
{
    /* An IOAPIC entry of length 12 with only 4 bytes left. */
    static const UCHAR Entries[] = {0, 8, 0, 0, 1, 0, 0, 0, 1, 12, 0, 0};
    ACPI_MADT_INFO Madt;

    MadtEntries_(Entries, sizeof(Entries), &Madt, STATUS_SUCCESS);
    assert_logged("ACPI: MADT: entry at offset 0x34 (type 1, length 12) runs past the table "
                  "end (length 0x38); ignoring the rest");
    assert_int_equal(Madt.ProcessorCount, 1);
    assert_int_equal(Madt.IoApicCount, 0);
}

static void
MadtStrayByte(void **State)
{
    static const UCHAR Entries[] = {0, 8, 0, 0, 1, 0, 0, 0, 0};
    ACPI_MADT_INFO Madt;

    MadtEntries_(Entries, sizeof(Entries), &Madt, STATUS_SUCCESS);
    assert_logged("ACPI: MADT: 1 stray byte at offset 0x34");
    assert_int_equal(Madt.ProcessorCount, 1);
}

static void
MadtUnknownTypesSkipped(void **State)
{
    static const UCHAR Entries[] = {
        0x7F, 5, 1, 2, 3,                           /* unknown type, odd length */
        0xB, 4, 0, 0,                               /* GICC: not for x86, skipped */
        0, 10, 1, 3, 1, 0, 0, 0, 0xAA, 0xBB,        /* LAPIC with 2 extra bytes */
    };
    ACPI_MADT_INFO Madt;

    MadtEntries_(Entries, sizeof(Entries), &Madt, STATUS_SUCCESS);
    assert_log_empty();
    assert_int_equal(Madt.UnknownCount, 2);
    assert_int_equal(Madt.ProcessorCount, 1);
    assert_int_equal(Madt.Processors[0].ApicId, 3);
    assert_int_equal(Madt.Processors[0].ProcessorUid, 1);
}

static void
MadtX2ApicOverrideAndNmis(void **State)
{
    static const UCHAR Entries[] = {
        5, 12, 0, 0, 0, 0, 0xE0, 0xFE, 0x01, 0, 0, 0,           /* LAPIC at 0x1fee00000 */
        9, 16, 0, 0, 0x00, 0x01, 0, 0, 2, 0, 0, 0, 7, 0, 0, 0,  /* x2APIC 256, online cap. */
        0xA, 12, 0x0F, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0,   /* x2NMI all, LINT0 */
        3, 8, 0x0D, 0, 5, 0, 0, 0,                              /* NMI source GSI 5 */
        4, 6, 1, 0, 0, 3,                                       /* LINT3: bad */
        2, 10, 1, 5, 5, 0, 0, 0, 0, 0,                          /* override, bus 1 */
        2, 10, 0, 0, 2, 0, 0, 0, 0, 0,                          /* IRQ0 -> GSI2 */
        2, 10, 0, 0, 7, 0, 0, 0, 0, 0,                          /* IRQ0 again */
    };
    ACPI_MADT_INFO Madt;
    ACPI_INTERRUPT_ROUTE Route;

    MadtEntries_(Entries, sizeof(Entries), &Madt, STATUS_SUCCESS);
    assert_true(Madt.LocalApicOverridden);
    assert_int_equal(Madt.LocalApicAddress, 0x1FEE00000ULL);
    assert_int_equal(Madt.ProcessorCount, 1);
    assert_true(Madt.Processors[0].X2Apic);
    assert_int_equal(Madt.Processors[0].ApicId, 256);
    assert_false(Madt.Processors[0].Enabled);
    assert_true(Madt.Processors[0].OnlineCapable);
    assert_int_equal(Madt.LocalNmiCount, 1);
    assert_true(Madt.LocalNmis[0].AllProcessors);
    assert_int_equal(Madt.LocalNmis[0].Polarity, AcpiActiveLow);
    assert_int_equal(Madt.LocalNmis[0].Trigger, AcpiLevelTriggered);
    assert_int_equal(Madt.NmiSourceCount, 1);
    assert_int_equal(Madt.NmiSources[0].Gsi, 5);
    assert_logged("names LINT3; only LINT0 and LINT1 exist; ignored");
    assert_logged("is for bus 1, not ISA (0); ignored");
    assert_logged("overrides IRQ0 a second time; the first override stands");
    assert_int_equal(HalpAcpiRouteIsaIrq(&Madt, 0, &Route), STATUS_SUCCESS);
    assert_int_equal(Route.Gsi, 2);
}

static void
MadtTooManyEntriesAreDropped(void **State)
{
    UCHAR Entries[(ACPI_MAX_IOAPICS + 2) * 12] = {0};
    ACPI_MADT_INFO Madt;

    for (ULONG Index = 0; Index < ACPI_MAX_IOAPICS + 2; Index++) {
        Entries[Index * 12] = 1;
        Entries[Index * 12 + 1] = 12;
        Entries[Index * 12 + 2] = (UCHAR)Index;
    }
    MadtEntries_(Entries, sizeof(Entries), &Madt, STATUS_SUCCESS);
    assert_int_equal(Madt.IoApicCount, ACPI_MAX_IOAPICS);
    assert_int_equal(Madt.DroppedCount, 2);
    assert_logged("more than 8 IOAPICs; dropped");
}

static void
MadtTooShortOrLying(void **State)
{
    UCHAR Bytes[64];
    ACPI_MADT_INFO Madt;

    FakeHeader(Bytes, "APIC", 40, 1);
    assert_int_equal(PARSE_MADT(Bytes, 40, &Madt), STATUS_BAD_DATA);
    assert_logged("ACPI: MADT: Length 0x28 is less than the 0x2c bytes its fixed fields need");
    FakeHeader(Bytes, "APIC", 60, 1);
    assert_int_equal(PARSE_MADT(Bytes, 50, &Madt), STATUS_BAD_DATA);
    assert_logged("ACPI: MADT: Length 0x3c is more than the 0x32 bytes mapped");
    assert_int_equal(PARSE_MADT(Bytes, 20, &Madt), STATUS_BAD_DATA);
    assert_logged("only 20 bytes readable");
    AcpiBrokenBuildMadt(Bytes, AcpiBrokenMadtEntries, 0);
    FakePut32(Bytes, 36, 0);
    assert_int_equal(PARSE_MADT(Bytes, 44, &Madt), STATUS_BAD_DATA);
    assert_logged("the local APIC address is 0");
}

/* ---- FADT ---- */

static void
FadtFull(void **State)
{
    UCHAR Bytes[sizeof(ACPI_FADT)];
    ACPI_FADT_INFO Fadt;
    ACPI_MADT_INFO Madt;
    ACPI_INTERRUPT_ROUTE Route;

    assert_int_equal(PARSE_FADT(Bytes, AcpiBrokenBuildFadt(Bytes, sizeof(Bytes), 6), &Fadt),
                     STATUS_SUCCESS);
    assert_log_empty();
    assert_int_equal(Fadt.SciInterrupt, 9);
    assert_true(Fadt.PmTimerPresent);
    assert_true(Fadt.PmTimer32Bit);
    assert_int_equal(Fadt.PmTimer.AddressSpaceId, ACPI_GAS_SYSTEM_IO);
    assert_int_equal(Fadt.PmTimer.Address, 0x608);
    assert_true(Fadt.ResetSupported);
    assert_int_equal(Fadt.ResetRegister.Address, 0xCF9);
    assert_int_equal(Fadt.ResetValue, 6);
    assert_true(Fadt.BootArchValid);
    assert_true(Fadt.BootArch & ACPI_FADT_BOOT_8042);
    assert_int_equal(Fadt.Century, 0x32);
    assert_int_equal(Fadt.DsdtAddress, 0x6000);

    /* The SCI: level, and the override's "active high" wins. */
    MadtEntries_(AcpiBrokenMadtEntries, AcpiBrokenMadtEntriesLength, &Madt, STATUS_SUCCESS);
    assert_int_equal(HalpAcpiRouteSci(&Madt, &Fadt, &Route), STATUS_SUCCESS);
    assert_int_equal(Route.Gsi, 9);
    assert_int_equal(Route.Polarity, AcpiActiveHigh);
    assert_int_equal(Route.Trigger, AcpiLevelTriggered);
    /* Without an override the SCI is active low, level. */
    assert_int_equal(HalpAcpiRouteSci(NULL, &Fadt, &Route), STATUS_SUCCESS);
    assert_int_equal(Route.Polarity, AcpiActiveLow);
    assert_int_equal(Route.Trigger, AcpiLevelTriggered);
}

static void
FadtPrefersXPmTimer(void **State)
{
    UCHAR Bytes[sizeof(ACPI_FADT)];
    ACPI_FADT_INFO Fadt;

    AcpiBrokenBuildFadt(Bytes, sizeof(Bytes), 6);
    FakePut8(Bytes, FIELD_OFFSET(ACPI_FADT, XPmTimerBlock), ACPI_GAS_SYSTEM_MEMORY);
    FakePut64(Bytes, FIELD_OFFSET(ACPI_FADT, XPmTimerBlock) + 4, 0xFED80000);
    assert_int_equal(PARSE_FADT(Bytes, sizeof(Bytes), &Fadt), STATUS_SUCCESS);
    assert_int_equal(Fadt.PmTimer.AddressSpaceId, ACPI_GAS_SYSTEM_MEMORY);
    assert_int_equal(Fadt.PmTimer.Address, 0xFED80000);
}

static void
FadtRevision1ShortLength(void **State)
{
    UCHAR Bytes[ACPI_FADT_V1_LENGTH];
    UCHAR Full[sizeof(ACPI_FADT)];
    ACPI_FADT_INFO Fadt;

    /* An ACPI 1.0 table: 116 bytes; the builder's ACPI 2.0 fields must not
     * be read (the copy is exactly 116 bytes, ASan would see it). */
    AcpiBrokenBuildFadt(Full, ACPI_FADT_V1_LENGTH, 1);
    memcpy(Bytes, Full, sizeof(Bytes));
    assert_int_equal(PARSE_FADT(Bytes, sizeof(Bytes), &Fadt), STATUS_SUCCESS);
    assert_logged("RESET_REG_SUP is set but Length 0x74 ends before RESET_REG");
    assert_int_equal(Fadt.Revision, 1);
    assert_false(Fadt.ResetSupported);
    assert_false(Fadt.BootArchValid);
    assert_true(Fadt.PmTimerPresent);
    assert_int_equal(Fadt.PmTimer.AddressSpaceId, ACPI_GAS_SYSTEM_IO);
    assert_int_equal(Fadt.PmTimer.Address, 0x608);
    assert_int_equal(Fadt.SciInterrupt, 9);
    assert_int_equal(Fadt.DsdtAddress, 0x6000);
}

static void
FadtTruncatedBelowAcpi1(void **State)
{
    UCHAR Full[sizeof(ACPI_FADT)];
    ACPI_FADT_INFO Fadt;

    AcpiBrokenBuildFadt(Full, 60, 1);
    assert_int_equal(PARSE_FADT(Full, 60, &Fadt), STATUS_SUCCESS);
    assert_logged("ACPI: FADT: Length 0x3c is shorter than even ACPI 1.0's 0x74 bytes");
    assert_int_equal(Fadt.SciInterrupt, 9);
    assert_false(Fadt.PmTimerPresent);
    assert_int_equal(Fadt.Flags, 0);
    AcpiBrokenBuildFadt(Full, 40, 1);
    assert_int_equal(PARSE_FADT(Full, 40, &Fadt), STATUS_BAD_DATA);
    assert_logged("ACPI: FADT: Length 0x28 is less than the 0x2c bytes");
}

static void
FadtBadPmTimerAndResetRegister(void **State)
{
    UCHAR Bytes[sizeof(ACPI_FADT)];
    ACPI_FADT_INFO Fadt;

    AcpiBrokenBuildFadt(Bytes, sizeof(Bytes), 6);
    FakePut64(Bytes, FIELD_OFFSET(ACPI_FADT, XPmTimerBlock) + 4, 0);
    FakePut8(Bytes, FIELD_OFFSET(ACPI_FADT, PmTimerLength), 3);
    FakePut8(Bytes, FIELD_OFFSET(ACPI_FADT, ResetRegister), 0x7F);
    assert_int_equal(PARSE_FADT(Bytes, sizeof(Bytes), &Fadt), STATUS_SUCCESS);
    assert_logged("PM_TMR_BLK is 0x608 but PM_TMR_LEN is 3, not 4; no PM timer");
    assert_logged("RESET_REG is in address space 127");
    assert_false(Fadt.PmTimerPresent);
    assert_false(Fadt.PmTimer32Bit);
    assert_false(Fadt.ResetSupported);
}

/* ---- HPET ---- */

static void
HpetSound(void **State)
{
    UCHAR Bytes[sizeof(ACPI_HPET)];
    ACPI_HPET_INFO Hpet;

    assert_int_equal(PARSE_HPET(Bytes, AcpiBrokenBuildHpet(Bytes, ACPI_GAS_SYSTEM_MEMORY), &Hpet),
                     STATUS_SUCCESS);
    assert_log_empty();
    assert_int_equal(Hpet.BaseAddress, 0xFED00000);
    assert_int_equal(Hpet.ComparatorCount, 3);
    assert_true(Hpet.LegacyReplacement);
    assert_true(Hpet.Counter64Bit);
    assert_int_equal(Hpet.VendorId, 0x8086);
    assert_int_equal(Hpet.MinimumTick, 0x80);
}

static void
HpetInIoSpace(void **State)
{
    UCHAR Bytes[sizeof(ACPI_HPET)];
    ACPI_HPET_INFO Hpet;

    assert_int_equal(PARSE_HPET(Bytes, AcpiBrokenBuildHpet(Bytes, ACPI_GAS_SYSTEM_IO), &Hpet),
                     STATUS_BAD_DATA);
    assert_logged("ACPI: HPET: base address 0xfed00000 is in address space 1 (system I/O), not "
                  "system memory; HPET ignored");
    assert_int_equal(Hpet.BaseAddress, 0);
}

static void
HpetShortOrZero(void **State)
{
    UCHAR Bytes[sizeof(ACPI_HPET)];
    ACPI_HPET_INFO Hpet;

    AcpiBrokenBuildHpet(Bytes, ACPI_GAS_SYSTEM_MEMORY);
    FakePut32(Bytes, 4, 52);
    assert_int_equal(PARSE_HPET(Bytes, 52, &Hpet), STATUS_BAD_DATA);
    assert_logged("ACPI: HPET: Length 0x34 is less than the 0x38 bytes");
    AcpiBrokenBuildHpet(Bytes, ACPI_GAS_SYSTEM_MEMORY);
    FakePut64(Bytes, 44, 0);
    assert_int_equal(PARSE_HPET(Bytes, sizeof(Bytes), &Hpet), STATUS_BAD_DATA);
    assert_logged("ACPI: HPET: base address is 0");
}

/* ---- MCFG ---- */

static ULONG
BuildMcfg(PUCHAR Out, ULONG Entries, ULONG Extra)
{
    ULONG Length = sizeof(ACPI_MCFG) + Entries * 16 + Extra;

    memset(Out, 0, Length);
    FakeHeader(Out, "MCFG", Length, 1);
    for (ULONG Index = 0; Index < Entries; Index++) {
        FakePut64(Out, 44 + Index * 16, 0xB0000000ULL + Index * 0x10000000ULL);
        FakePut16(Out, 44 + Index * 16 + 8, Index);
        FakePut8(Out, 44 + Index * 16 + 10, 0);
        FakePut8(Out, 44 + Index * 16 + 11, 0xFF);
    }
    return Length;
}

static void
McfgSoundAndRemainder(void **State)
{
    UCHAR Bytes[128];
    ACPI_MCFG_INFO Mcfg;

    assert_int_equal(PARSE_MCFG(Bytes, BuildMcfg(Bytes, 2, 0), &Mcfg), STATUS_SUCCESS);
    assert_log_empty();
    assert_int_equal(Mcfg.AllocationCount, 2);
    assert_int_equal(Mcfg.Allocations[1].BaseAddress, 0xC0000000);
    assert_int_equal(Mcfg.Allocations[1].Segment, 1);
    assert_int_equal(Mcfg.Allocations[1].EndBus, 255);

    assert_int_equal(PARSE_MCFG(Bytes, BuildMcfg(Bytes, 1, 7), &Mcfg), STATUS_SUCCESS);
    assert_logged("ACPI: MCFG: Length 0x43 minus the 44-byte header is not a multiple of 16; "
                  "ignoring the last 7 bytes");
    assert_int_equal(Mcfg.AllocationCount, 1);
}

static void
McfgBadEntries(void **State)
{
    UCHAR Bytes[128];
    ACPI_MCFG_INFO Mcfg;
    ULONG Length = BuildMcfg(Bytes, 3, 0);

    FakePut8(Bytes, 44 + 10, 9);            /* entry 0: buses 9..1 */
    FakePut8(Bytes, 44 + 11, 1);
    FakePut64(Bytes, 44 + 16, 0);           /* entry 1: base 0 */
    assert_int_equal(PARSE_MCFG(Bytes, Length, &Mcfg), STATUS_SUCCESS);
    assert_logged("entry 0 (segment 0) has start bus 9 after end bus 1; skipped");
    assert_logged("entry 1 (segment 1) has base address 0; skipped");
    assert_int_equal(Mcfg.AllocationCount, 1);
    assert_int_equal(Mcfg.Allocations[0].Segment, 2);
    FakeHeader(Bytes, "MCFG", 40, 1);
    assert_int_equal(PARSE_MCFG(Bytes, 40, &Mcfg), STATUS_BAD_DATA);
}

#define MACHINE_TEST(Name) \
    cmocka_unit_test_setup_teardown(Name, AcpiBrokenSetUpMachine, AcpiBrokenTearDownMachine)

const struct CMUnitTest AcpiBrokenTableTests[] = {
    MACHINE_TEST(MadtSound),
    MACHINE_TEST(MadtEntryLengthZero),
    MACHINE_TEST(MadtEntryLengthOne),
    MACHINE_TEST(MadtEntryPastTheEnd),
    MACHINE_TEST(MadtStrayByte),
    MACHINE_TEST(MadtUnknownTypesSkipped),
    MACHINE_TEST(MadtX2ApicOverrideAndNmis),
    MACHINE_TEST(MadtTooManyEntriesAreDropped),
    MACHINE_TEST(MadtTooShortOrLying),
    MACHINE_TEST(FadtFull),
    MACHINE_TEST(FadtPrefersXPmTimer),
    MACHINE_TEST(FadtRevision1ShortLength),
    MACHINE_TEST(FadtTruncatedBelowAcpi1),
    MACHINE_TEST(FadtBadPmTimerAndResetRegister),
    MACHINE_TEST(HpetSound),
    MACHINE_TEST(HpetInIoSpace),
    MACHINE_TEST(HpetShortOrZero),
    MACHINE_TEST(McfgSoundAndRemainder),
    MACHINE_TEST(McfgBadEntries),
};
const size_t AcpiBrokenTableTestCount = RTL_NUMBER_OF(AcpiBrokenTableTests);
