/*
 * tests/host/acpibroken.c - the ACPI parser against broken firmware.
 *
 * A small synthetic machine (RSDP revision 2, an RSDT listing APIC and FACP,
 * an XSDT listing APIC, FACP and HPET) is built in the fake physical address
 * space, then broken one way per test. Each test checks what a user of the
 * HAL would see: which tables survive, what the summaries hold, and the one
 * message that names the table and the fault. All tables are served through
 * exact-size copies (acpifake.c), so an over-read fails under ASan.
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
static const UCHAR MadtEntries[] = {
    0, 8, 0, 0, 1, 0, 0, 0,                         /* LAPIC uid 0 id 0 enabled */
    1, 12, 0, 0, 0x00, 0x00, 0xC0, 0xFE, 0, 0, 0, 0, /* IOAPIC 0 at 0xfec00000 GSI 0 */
    2, 10, 0, 0, 2, 0, 0, 0, 0, 0,                  /* ISA IRQ0 -> GSI2, conforms */
    2, 10, 0, 9, 9, 0, 0, 0, 0x0D, 0,               /* ISA IRQ9 -> GSI9, high, level */
    4, 6, 0xFF, 5, 0, 1,                            /* NMI: all, high edge, LINT1 */
};

/* Header + LocalApicAddress + Flags + Entries, into Out; returns the length. */
static ULONG
BuildMadt(PUCHAR Out, const UCHAR *Entries, ULONG EntriesLength)
{
    ULONG Length = sizeof(ACPI_MADT) + EntriesLength;

    FakeHeader(Out, "APIC", Length, 5);
    FakePut32(Out, 36, 0xFEE00000);
    FakePut32(Out, 40, ACPI_MADT_PCAT_COMPAT);
    memcpy(Out + sizeof(ACPI_MADT), Entries, EntriesLength);
    return Length;
}

static ULONG
BuildFadt(PUCHAR Out, ULONG Length, UCHAR Revision)
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

static ULONG
BuildHpet(PUCHAR Out, UCHAR AddressSpace)
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

static int
SetUpMachine(void **State)
{
    static const ULONGLONG RsdtEntries[] = {MADT_AT, FADT_AT};
    static const ULONGLONG XsdtEntries[] = {MADT_AT, FADT_AT, HPET_AT};
    UCHAR Bytes[sizeof(ACPI_FADT)];

    FakeInitialize(&Memory);
    AddRsdp(2, sizeof(ACPI_RSDP), RSDT_AT, XSDT_AT);
    AddRootTable(RSDT_AT, FALSE, RsdtEntries, 2);
    AddRootTable(XSDT_AT, TRUE, XsdtEntries, 3);
    AddTable(MADT_AT, Bytes, BuildMadt(Bytes, MadtEntries, sizeof(MadtEntries)));
    AddTable(FADT_AT, Bytes, BuildFadt(Bytes, sizeof(ACPI_FADT), 6));
    AddTable(HPET_AT, Bytes, BuildHpet(Bytes, ACPI_GAS_SYSTEM_MEMORY));
    AcpiLogClear();
    return 0;
}

static int
TearDownMachine(void **State)
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
    assert_int_equal(Length, 44 + sizeof(MadtEntries));
    HalpAcpiUnmapTable(&Memory.Access, Table, Length);
    assert_int_equal(Memory.MappingCount, 0);
}

/* ---- MADT ---- */

static void
MadtEntries_(const UCHAR *Entries, ULONG Length, ACPI_MADT_INFO *Info, NTSTATUS Expected)
{
    UCHAR Bytes[512];
    assert_true(Length + sizeof(ACPI_MADT) <= sizeof(Bytes));
    assert_int_equal(PARSE_MADT(Bytes, BuildMadt(Bytes, Entries, Length), Info), Expected);
}

static void
MadtSound(void **State)
{
    ACPI_MADT_INFO Madt;
    ACPI_INTERRUPT_ROUTE Route;

    MadtEntries_(MadtEntries, sizeof(MadtEntries), &Madt, STATUS_SUCCESS);
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
    BuildMadt(Bytes, MadtEntries, 0);
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

    assert_int_equal(PARSE_FADT(Bytes, BuildFadt(Bytes, sizeof(Bytes), 6), &Fadt),
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
    MadtEntries_(MadtEntries, sizeof(MadtEntries), &Madt, STATUS_SUCCESS);
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

    BuildFadt(Bytes, sizeof(Bytes), 6);
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
    BuildFadt(Full, ACPI_FADT_V1_LENGTH, 1);
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

    BuildFadt(Full, 60, 1);
    assert_int_equal(PARSE_FADT(Full, 60, &Fadt), STATUS_SUCCESS);
    assert_logged("ACPI: FADT: Length 0x3c is shorter than even ACPI 1.0's 0x74 bytes");
    assert_int_equal(Fadt.SciInterrupt, 9);
    assert_false(Fadt.PmTimerPresent);
    assert_int_equal(Fadt.Flags, 0);
    BuildFadt(Full, 40, 1);
    assert_int_equal(PARSE_FADT(Full, 40, &Fadt), STATUS_BAD_DATA);
    assert_logged("ACPI: FADT: Length 0x28 is less than the 0x2c bytes");
}

static void
FadtBadPmTimerAndResetRegister(void **State)
{
    UCHAR Bytes[sizeof(ACPI_FADT)];
    ACPI_FADT_INFO Fadt;

    BuildFadt(Bytes, sizeof(Bytes), 6);
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

    assert_int_equal(PARSE_HPET(Bytes, BuildHpet(Bytes, ACPI_GAS_SYSTEM_MEMORY), &Hpet),
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

    assert_int_equal(PARSE_HPET(Bytes, BuildHpet(Bytes, ACPI_GAS_SYSTEM_IO), &Hpet),
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

    BuildHpet(Bytes, ACPI_GAS_SYSTEM_MEMORY);
    FakePut32(Bytes, 4, 52);
    assert_int_equal(PARSE_HPET(Bytes, 52, &Hpet), STATUS_BAD_DATA);
    assert_logged("ACPI: HPET: Length 0x34 is less than the 0x38 bytes");
    BuildHpet(Bytes, ACPI_GAS_SYSTEM_MEMORY);
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

#define MACHINE_TEST(Name) cmocka_unit_test_setup_teardown(Name, SetUpMachine, TearDownMachine)

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
const size_t AcpiBrokenTestCount = RTL_NUMBER_OF(AcpiBrokenTests);
