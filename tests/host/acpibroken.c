/*
 * tests/host/acpibroken.c - the ACPI parser against broken firmware.
 *
 * A small synthetic machine (RSDP revision 2, an RSDT listing APIC and FACP,
 * an XSDT listing APIC, FACP and HPET) is built in the fake physical address
 * space, then broken one way per test. Each test checks what a user of the
 * HAL would see: which tables survive, what the summaries hold, and the one
 * message that names the table and the fault. All tables are served through
 * exact-size copies (acpifake.c), so an over-read fails under ASan.
 *
 * This file holds the machine and the tests of the RSDP and the root
 * tables (RSDT, XSDT) that lead to the others; acpibrokentables.c the
 * tests of each table's own parser (MADT, FADT, HPET, MCFG).
 */
#include <stdlib.h>
#include <string.h>

#include "tests/host/acpitest.h"

#define RSDP_AT 0xE0000ULL
#define RSDT_AT 0x1000ULL
#define XSDT_AT 0x2000ULL
#define MADT_AT 0x3000ULL
#define FADT_AT 0x4000ULL
#define HPET_AT 0x5000ULL

static FAKE_MEMORY Memory;
static ACPI_ROOT Root;

/* The MADT body: a processor, an IOAPIC, IRQ0 -> GSI2, IRQ9 level/high,
 * and NMI on LINT1 of every processor. */
const UCHAR AcpiBrokenMadtEntries[] = {
    0, 8, 0, 0, 1, 0, 0, 0,                         /* LAPIC uid 0 id 0 enabled */
    1, 12, 0, 0, 0x00, 0x00, 0xC0, 0xFE, 0, 0, 0, 0, /* IOAPIC 0 at 0xfec00000 GSI 0 */
    2, 10, 0, 0, 2, 0, 0, 0, 0, 0,                  /* ISA IRQ0 -> GSI2, conforms */
    2, 10, 0, 9, 9, 0, 0, 0, 0x0D, 0,               /* ISA IRQ9 -> GSI9, high, level */
    4, 6, 0xFF, 5, 0, 1,                            /* NMI: all, high edge, LINT1 */
};
const ULONG AcpiBrokenMadtEntriesLength = sizeof(AcpiBrokenMadtEntries);

/* Header + LocalApicAddress + Flags + Entries, into Out; returns the length. */
ULONG
AcpiBrokenBuildMadt(PUCHAR Out, const UCHAR *Entries, ULONG EntriesLength)
{
    ULONG Length = sizeof(ACPI_MADT) + EntriesLength;

    FakeHeader(Out, "APIC", Length, 5);
    FakePut32(Out, 36, 0xFEE00000);
    FakePut32(Out, 40, ACPI_MADT_PCAT_COMPAT);
    memcpy(Out + sizeof(ACPI_MADT), Entries, EntriesLength);
    return Length;
}

ULONG
AcpiBrokenBuildFadt(PUCHAR Out, ULONG Length, UCHAR Revision)
{
    memset(Out, 0, sizeof(ACPI_FADT));
    FakeHeader(Out, "FACP", Length, Revision);
    FakePut32(Out, FIELD_OFFSET(ACPI_FADT, Dsdt), 0x6000);
    FakePut16(Out, FIELD_OFFSET(ACPI_FADT, SciInterrupt), 9);
    FakePut32(Out, FIELD_OFFSET(ACPI_FADT, PmTimerBlock), 0x608);
    FakePut8(Out, FIELD_OFFSET(ACPI_FADT, PmTimerLength), 4);
    FakePut8(Out, FIELD_OFFSET(ACPI_FADT, Century), 0x32);
    FakePut16(Out, FIELD_OFFSET(ACPI_FADT, IaPcBootArch),
              ACPI_FADT_BOOT_LEGACY_DEVICES | ACPI_FADT_BOOT_8042);
    FakePut32(Out, FIELD_OFFSET(ACPI_FADT, Flags), ACPI_FADT_TMR_VAL_EXT | ACPI_FADT_RESET_REG_SUP);
    FakePut8(Out, FIELD_OFFSET(ACPI_FADT, ResetRegister), ACPI_GAS_SYSTEM_IO);
    FakePut8(Out, FIELD_OFFSET(ACPI_FADT, ResetRegister) + 1, 8);
    FakePut64(Out, FIELD_OFFSET(ACPI_FADT, ResetRegister) + 4, 0xCF9);
    FakePut8(Out, FIELD_OFFSET(ACPI_FADT, ResetValue), 6);
    FakePut64(Out, FIELD_OFFSET(ACPI_FADT, XDsdt), 0x6000);
    FakePut8(Out, FIELD_OFFSET(ACPI_FADT, XPmTimerBlock), ACPI_GAS_SYSTEM_IO);
    FakePut8(Out, FIELD_OFFSET(ACPI_FADT, XPmTimerBlock) + 1, 32);
    FakePut64(Out, FIELD_OFFSET(ACPI_FADT, XPmTimerBlock) + 4, 0x608);
    return Length;
}

ULONG
AcpiBrokenBuildHpet(PUCHAR Out, UCHAR AddressSpace)
{
    FakeHeader(Out, "HPET", sizeof(ACPI_HPET), 1);
    FakePut32(Out, 36, 0x8086A201);
    FakePut8(Out, 40, AddressSpace);
    FakePut64(Out, 44, 0xFED00000);
    FakePut8(Out, 52, 0);
    FakePut16(Out, 53, 0x80);
    return sizeof(ACPI_HPET);
}

static FAKE_REGION *
AddTable(ULONGLONG Base, const UCHAR *Bytes, ULONG Length)
{
    FAKE_REGION *Region = FakeAdd(&Memory, Base, Bytes, Length, NULL);
    FakeFixTableChecksum(Region);
    return Region;
}

/* RSDT/XSDT with the given entries. */
static FAKE_REGION *
AddRootTable(ULONGLONG Base, BOOLEAN Xsdt, const ULONGLONG *Entries, ULONG Count)
{
    UCHAR Bytes[36 + 8 * 80];
    ULONG Size = Xsdt ? 8 : 4, Index;

    FakeHeader(Bytes, Xsdt ? "XSDT" : "RSDT", 36 + Count * Size, 1);
    for (Index = 0; Index < Count; Index++) {
        if (Xsdt) {
            FakePut64(Bytes, 36 + Index * 8, Entries[Index]);
        } else {
            FakePut32(Bytes, 36 + Index * 4, Entries[Index]);
        }
    }
    return AddTable(Base, Bytes, 36 + Count * Size);
}

static FAKE_REGION *
AddRsdp(UCHAR Revision, ULONG Length, ULONGLONG Rsdt, ULONGLONG Xsdt)
{
    UCHAR Bytes[sizeof(ACPI_RSDP)] = {0};
    FAKE_REGION *Region;

    memcpy(Bytes, "RSD PTR ", 8);
    memcpy(Bytes + 9, "KESTRL", 6);
    FakePut8(Bytes, 15, Revision);
    FakePut32(Bytes, 16, Rsdt);
    FakePut32(Bytes, 20, Length);
    FakePut64(Bytes, 24, Xsdt);
    Region = FakeAdd(&Memory, RSDP_AT, Bytes, Revision >= 2 ? sizeof(Bytes) : 20, "RSDP");
    FakeFixRsdpChecksums(Region);
    return Region;
}

int
AcpiBrokenSetUpMachine(void **State)
{
    static const ULONGLONG RsdtEntries[] = {MADT_AT, FADT_AT};
    static const ULONGLONG XsdtEntries[] = {MADT_AT, FADT_AT, HPET_AT};
    UCHAR Bytes[sizeof(ACPI_FADT)];

    FakeInitialize(&Memory);
    AddRsdp(2, sizeof(ACPI_RSDP), RSDT_AT, XSDT_AT);
    AddRootTable(RSDT_AT, FALSE, RsdtEntries, 2);
    AddRootTable(XSDT_AT, TRUE, XsdtEntries, 3);
    AddTable(MADT_AT, Bytes, AcpiBrokenBuildMadt(Bytes, AcpiBrokenMadtEntries, sizeof(AcpiBrokenMadtEntries)));
    AddTable(FADT_AT, Bytes, AcpiBrokenBuildFadt(Bytes, sizeof(ACPI_FADT), 6));
    AddTable(HPET_AT, Bytes, AcpiBrokenBuildHpet(Bytes, ACPI_GAS_SYSTEM_MEMORY));
    AcpiLogClear();
    return 0;
}

int
AcpiBrokenTearDownMachine(void **State)
{
    FakeRelease(&Memory);
    return 0;
}

/* Parses the root and checks that every mapping was given back. */
static NTSTATUS
ParseRoot(VOID)
{
    NTSTATUS Status = HalpAcpiParseRoot(&Root, &Memory.Access, RSDP_AT);
    assert_int_equal(Memory.MappingCount, 0);
    return Status;
}

/* ---- The RSDP and the root tables ---- */

static void
SyntheticMachineUsesXsdt(void **State)
{
    assert_int_equal(ParseRoot(), STATUS_SUCCESS);
    assert_log_empty();
    assert_true(Root.UsingXsdt);
    assert_int_equal(Root.RsdpRevision, 2);
    assert_string_equal(Root.OemId, "KESTRL");
    assert_int_equal(Root.TableCount, 3);
    assert_non_null(HalpAcpiFindTable(&Root, "HPET", 0));
    assert_int_equal(HalpAcpiFindTable(&Root, "APIC", 0)->PhysicalAddress, MADT_AT);
    assert_null(HalpAcpiFindTable(&Root, "APIC", 1));
    assert_null(HalpAcpiFindTable(&Root, "MCFG", 0));
}

static void
MissingRsdp(void **State)
{
    assert_int_equal(HalpAcpiParseRoot(&Root, &Memory.Access, 0), STATUS_NOT_FOUND);
    assert_logged("ACPI: no RSDP");
    assert_int_equal(HalpAcpiParseRoot(&Root, &Memory.Access, 0x9000), STATUS_NOT_FOUND);
    assert_logged("RSDP at 0x9000 cannot be mapped");
    assert_int_equal(Root.TableCount, 0);
}

static void
RsdpBadSignature(void **State)
{
    FAKE_REGION *Rsdp = FakeFind(&Memory, "RSDP");
    Rsdp->Bytes[3] = 'X';
    FakeFixRsdpChecksums(Rsdp);
    assert_int_equal(ParseRoot(), STATUS_NOT_FOUND);
    assert_logged("RSDP at 0xe0000 lacks the signature 'RSD PTR '");
}

static void
RsdpBadChecksum(void **State)
{
    FakeFind(&Memory, "RSDP")->Bytes[8] += 0x01;
    assert_int_equal(ParseRoot(), STATUS_NOT_FOUND);
    assert_logged("RSDP at 0xe0000: checksum over its first 20 bytes is 0x01, not 0; ignored");
    assert_int_equal(Root.TableCount, 0);
}

static void
RsdpBadExtendedChecksumFallsBackToRsdt(void **State)
{
    FakeFind(&Memory, "RSDP")->Bytes[32] += 0x10;
    assert_int_equal(ParseRoot(), STATUS_SUCCESS);
    assert_logged("extended checksum over 36 bytes is 0x10, not 0; ignoring the XSDT, using "
                  "the RSDT");
    assert_false(Root.UsingXsdt);
    assert_int_equal(Root.RootTableAddress, RSDT_AT);
    assert_int_equal(Root.TableCount, 2);
}

static void
RsdpRevision2ShortLength(void **State)
{
    FAKE_REGION *Rsdp = FakeFind(&Memory, "RSDP");
    FakePut32(Rsdp->Bytes, 20, 20);
    FakeFixRsdpChecksums(Rsdp);
    assert_int_equal(ParseRoot(), STATUS_SUCCESS);
    assert_logged("revision 2 but Length 20 is outside 36..4096");
    assert_false(Root.UsingXsdt);
    assert_int_equal(Root.TableCount, 2);
}

static void
RsdpRevision0IgnoresXsdt(void **State)
{
    FAKE_REGION *Rsdp = FakeFind(&Memory, "RSDP");
    Rsdp->Bytes[15] = 0;
    FakeFixRsdpChecksums(Rsdp);
    assert_int_equal(ParseRoot(), STATUS_SUCCESS);
    assert_log_empty();
    assert_false(Root.UsingXsdt);
    assert_int_equal(Root.TableCount, 2);
}

static void
BadXsdtFallsBackToRsdt(void **State)
{
    FakeFindAt(&Memory, XSDT_AT)->Bytes[20] += 0x55;
    assert_int_equal(ParseRoot(), STATUS_SUCCESS);
    assert_logged("table at 0x2000 has signature 'XSDT' but checksum 0x55 != 0; skipped");
    assert_logged("XSDT at 0x2000 is unusable; falling back to the RSDT at 0x1000");
    assert_false(Root.UsingXsdt);
    assert_int_equal(Root.TableCount, 2);
}

static void
RootTableWithWrongSignature(void **State)
{
    FAKE_REGION *Rsdp = FakeFind(&Memory, "RSDP");
    FakePut32(Rsdp->Bytes, 16, MADT_AT);  /* the "RSDT" is the MADT */
    Rsdp->Bytes[15] = 0;
    FakeFixRsdpChecksums(Rsdp);
    assert_int_equal(ParseRoot(), STATUS_BAD_DATA);
    assert_logged("table at 0x3000 has signature 'APIC', expected 'RSDT'; skipped");
}

static void
XsdtEntryToBadChecksumTable(void **State)
{
    FakeFindAt(&Memory, MADT_AT)->Bytes[50] += 0x12;
    assert_int_equal(ParseRoot(), STATUS_SUCCESS);
    assert_logged("ACPI: table at 0x3000 has signature 'APIC' but checksum 0x12 != 0; skipped");
    assert_true(Root.UsingXsdt);
    assert_int_equal(Root.TableCount, 2);
    assert_int_equal(Root.SkippedCount, 1);
    assert_null(HalpAcpiFindTable(&Root, "APIC", 0));
    assert_non_null(HalpAcpiFindTable(&Root, "FACP", 0));
}

static void
TableShorterThanHeader(void **State)
{
    FAKE_REGION *Hpet = FakeFindAt(&Memory, HPET_AT);
    FakePut32(Hpet->Bytes, 4, 20);
    assert_int_equal(ParseRoot(), STATUS_SUCCESS);
    assert_logged("table at 0x5000 has signature 'HPET' but Length 20, less than the 36-byte "
                  "header; skipped");
    assert_int_equal(Root.TableCount, 2);
}

static void
TableLengthHuge(void **State)
{
    FAKE_REGION *Hpet = FakeFindAt(&Memory, HPET_AT);
    FakePut32(Hpet->Bytes, 4, 0xFFFFFFF0);
    assert_int_equal(ParseRoot(), STATUS_SUCCESS);
    assert_logged("table at 0x5000 has signature 'HPET' but Length 0xfffffff0, over the "
                  "0x100000 limit; skipped");
    assert_int_equal(Root.TableCount, 2);
}

static void
TableLengthPastMappableMemory(void **State)
{
    FAKE_REGION *Hpet = FakeFindAt(&Memory, HPET_AT);
    FakePut32(Hpet->Bytes, 4, 0x1000);
    assert_int_equal(ParseRoot(), STATUS_SUCCESS);
    assert_logged("table 'HPET' at 0x5000 (Length 0x1000) cannot be mapped; skipped");
}

static void
GarbageSignatureIsPrintable(void **State)
{
    FAKE_REGION *Hpet = FakeFindAt(&Memory, HPET_AT);
    Hpet->Bytes[0] = 0x01;
    Hpet->Bytes[2] = (UCHAR)0xFF;
    Hpet->Bytes[20] ^= 1;
    assert_int_equal(ParseRoot(), STATUS_SUCCESS);
    assert_logged("signature '?P?T' but checksum");
}

static void
XsdtRemainderNullAndUnmappedEntries(void **State)
{
    static const ULONGLONG Entries[] = {MADT_AT, 0, 0x77000, FADT_AT};
    FAKE_REGION *Xsdt = FakeFindAt(&Memory, XSDT_AT);
    UCHAR Bytes[36 + 4 * 8 + 3] = {0};

    /* Four entries and three stray bytes. */
    FakeHeader(Bytes, "XSDT", sizeof(Bytes), 1);
    for (ULONG Index = 0; Index < 4; Index++) {
        FakePut64(Bytes, 36 + Index * 8, Entries[Index]);
    }
    free(Xsdt->Bytes);
    Xsdt->Bytes = malloc(sizeof(Bytes));
    memcpy(Xsdt->Bytes, Bytes, sizeof(Bytes));
    Xsdt->Length = sizeof(Bytes);
    FakeFixTableChecksum(Xsdt);

    assert_int_equal(ParseRoot(), STATUS_SUCCESS);
    assert_logged("ACPI: XSDT: Length 0x47 leaves 3 bytes after its 4 entries; ignored");
    assert_logged("ACPI: XSDT entry 1 is a null address; skipped");
    assert_logged("ACPI: table at 0x77000 cannot be mapped; skipped");
    assert_int_equal(Root.RootEntryCount, 4);
    assert_int_equal(Root.TableCount, 2);
    assert_int_equal(Root.SkippedCount, 2);
}

static void
TooManyTables(void **State)
{
    ULONGLONG Entries[ACPI_MAX_TABLES + 3];

    for (ULONG Index = 0; Index < RTL_NUMBER_OF(Entries); Index++) {
        Entries[Index] = MADT_AT;
    }
    /* Replace the XSDT with one listing the MADT 67 times. */
    FakeFindAt(&Memory, XSDT_AT)->Base = 0xDEAD000;
    AddRootTable(XSDT_AT, TRUE, Entries, RTL_NUMBER_OF(Entries));
    assert_int_equal(ParseRoot(), STATUS_SUCCESS);
    assert_logged("ACPI: XSDT entry 64: more than 64 tables; the rest are ignored");
    assert_int_equal(Root.TableCount, ACPI_MAX_TABLES);
    assert_int_equal(Root.SkippedCount, 3);
}

static void
MapTableChecksSignature(void **State)
{
    ULONG Length;
    const ACPI_DESCRIPTION_HEADER *Table;

    Table = HalpAcpiMapTable(&Memory.Access, MADT_AT, "FACP", &Length);
    assert_null(Table);
    assert_int_equal(Length, 0);
    assert_logged("table at 0x3000 has signature 'APIC', expected 'FACP'; skipped");
    Table = HalpAcpiMapTable(&Memory.Access, MADT_AT, "APIC", &Length);
    assert_non_null(Table);
    assert_int_equal(Length, 44 + sizeof(AcpiBrokenMadtEntries));
    HalpAcpiUnmapTable(&Memory.Access, Table, Length);
    assert_int_equal(Memory.MappingCount, 0);
}

#define MACHINE_TEST(Name) \
    cmocka_unit_test_setup_teardown(Name, AcpiBrokenSetUpMachine, AcpiBrokenTearDownMachine)

const struct CMUnitTest AcpiBrokenTests[] = {
    MACHINE_TEST(SyntheticMachineUsesXsdt),
    MACHINE_TEST(MissingRsdp),
    MACHINE_TEST(RsdpBadSignature),
    MACHINE_TEST(RsdpBadChecksum),
    MACHINE_TEST(RsdpBadExtendedChecksumFallsBackToRsdt),
    MACHINE_TEST(RsdpRevision2ShortLength),
    MACHINE_TEST(RsdpRevision0IgnoresXsdt),
    MACHINE_TEST(BadXsdtFallsBackToRsdt),
    MACHINE_TEST(RootTableWithWrongSignature),
    MACHINE_TEST(XsdtEntryToBadChecksumTable),
    MACHINE_TEST(TableShorterThanHeader),
    MACHINE_TEST(TableLengthHuge),
    MACHINE_TEST(TableLengthPastMappableMemory),
    MACHINE_TEST(GarbageSignatureIsPrintable),
    MACHINE_TEST(XsdtRemainderNullAndUnmappedEntries),
    MACHINE_TEST(TooManyTables),
    MACHINE_TEST(MapTableChecksSignature),
};
const size_t AcpiBrokenTestCount = RTL_NUMBER_OF(AcpiBrokenTests);
