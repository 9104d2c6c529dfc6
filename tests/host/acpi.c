/*
 * tests/host/acpi.c - the ACPI parser on the tables of QEMU's machines, as
 * dumped by the kernel's "acpidump" option
 * (tests/host/data/acpi/dump-from-qemu.sh), and main() for all ACPI tests.
 *
 * Three machines: pc and q35 under SeaBIOS (RSDP revision 0, RSDT only; pc's
 * FADT is the 116-byte ACPI 1.0 one) and q35 under OVMF (revision 2, XSDT
 * and RSDT, tables placed by the firmware). The expected values are what
 * QEMU 7.2 builds (hw/i386/acpi-build.c) for one CPU, read from the bytes
 * independently of the parser: the IOAPIC at 0xfec00000, the local APIC at
 * 0xfee00000, ISA IRQ0 wired to GSI 2, the HPET at 0xfed00000, the SCI on
 * IRQ 9, and on q35 alone an MCFG with ECAM at 0xb0000000. Real tables must
 * parse without a single complaint.
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

/* ---- Real tables ---- */

typedef struct _MACHINE {
    PCSTR Name;                 /* fixture directory under tests/host/data/acpi */
    UCHAR RsdpRevision;         /* SeaBIOS: 0 (RSDT only); OVMF: 2 (XSDT) */
    PCSTR Tables;               /* the RSDT's or XSDT's tables, in order */
    UCHAR FadtRevision;
    ULONG FadtLength;
    BOOLEAN ResetRegister;      /* q35's FADT (rev 3) has 0xcf9 <- 0xf */
    BOOLEAN Mcfg;               /* q35 alone: ECAM at 0xb0000000 */
    ULONGLONG Dsdt;
    ULONGLONG Facs;
} MACHINE;

static const MACHINE PcMachine = {"pc", 0, "FACP APIC HPET WAET", 1, 116, FALSE, FALSE,
                                  0xFFE0040, 0xFFE0000};
static const MACHINE Q35Machine = {"q35", 0, "FACP APIC HPET MCFG WAET", 3, 244, TRUE, TRUE,
                                   0xFFE0040, 0xFFE0000};
static const MACHINE Q35UefiMachine = {"q35-uefi", 2, "FACP APIC HPET MCFG WAET BGRT", 3, 244,
                                       TRUE, TRUE, 0xF779000, 0xF7DC000};

static FAKE_MEMORY Memory;
static ACPI_ROOT Root;
static ULONGLONG RsdpAddress;

/* Loads the fixtures of the machine in *State into the fake address space. */
static int
LoadMachine(void **State)
{
    const MACHINE *Machine = *State;
    char Directory[1024], *Slash;

    /* The fixtures sit next to this file; __FILE__ is the path the build
     * used, relative to the top of the tree where the tests run. */
    snprintf(Directory, sizeof(Directory), "%s", __FILE__);
    Slash = strrchr(Directory, '/');
    snprintf(Slash ? Slash + 1 : Directory, sizeof(Directory) - (Slash ? Slash + 1 - Directory : 0),
             "data/acpi/%s", Machine->Name);
    FakeInitialize(&Memory);
    if (FakeLoadDirectory(&Memory, Directory, &RsdpAddress) < 5 || RsdpAddress == 0) {
        print_error("cannot load the fixtures in %s (run from the top of the tree)\n", Directory);
        return -1;
    }
    AcpiLogClear();
    return 0;
}

static int
ReleaseMachine(void **State)
{
    FakeRelease(&Memory);
    return 0;
}

/* Maps the first table called Signature through the parser's own path. */
static const ACPI_DESCRIPTION_HEADER *
MapFirst(PCSTR Signature, PULONG Length)
{
    const ACPI_TABLE_DESCRIPTOR *Descriptor = HalpAcpiFindTable(&Root, Signature, 0);
    if (Descriptor == NULL) {
        return NULL;
    }
    return HalpAcpiMapTable(&Memory.Access, Descriptor->PhysicalAddress, Signature, Length);
}

static void
RealTablesParse(void **State)
{
    const MACHINE *Machine = *State;
    const ACPI_DESCRIPTION_HEADER *Table;
    ACPI_MADT_INFO Madt;
    ACPI_FADT_INFO Fadt;
    ACPI_HPET_INFO Hpet;
    ACPI_MCFG_INFO Mcfg;
    ACPI_INTERRUPT_ROUTE Route;
    char Signatures[128] = "";
    ULONG Length, Index;

    assert_int_equal(HalpAcpiParseRoot(&Root, &Memory.Access, RsdpAddress), STATUS_SUCCESS);
    assert_int_equal(Root.RsdpRevision, Machine->RsdpRevision);
    assert_string_equal(Root.OemId, "BOCHS ");
    assert_int_equal(Root.UsingXsdt, Machine->RsdpRevision >= 2);
    assert_int_equal(Root.SkippedCount, 0);
    for (Index = 0; Index < Root.TableCount; Index++) {
        strcat(Signatures, Index ? " " : "");
        strcat(Signatures, Root.Tables[Index].Signature);
    }
    assert_string_equal(Signatures, Machine->Tables);

    /* MADT: one CPU, the IOAPIC, five ISA overrides, NMI on LINT1. */
    assert_non_null(Table = MapFirst("APIC", &Length));
    assert_int_equal(HalpAcpiParseMadt(Table, Length, &Madt), STATUS_SUCCESS);
    HalpAcpiUnmapTable(&Memory.Access, Table, Length);
    assert_int_equal(Madt.LocalApicAddress, 0xFEE00000);
    assert_true(Madt.PcatCompat);
    assert_false(Madt.Truncated);
    assert_int_equal(Madt.ProcessorCount, 1);
    assert_int_equal(Madt.Processors[0].ApicId, 0);
    assert_true(Madt.Processors[0].Enabled);
    assert_int_equal(Madt.IoApicCount, 1);
    assert_int_equal(Madt.IoApics[0].Id, 0);
    assert_int_equal(Madt.IoApics[0].Address, 0xFEC00000);
    assert_int_equal(Madt.IoApics[0].GsiBase, 0);
    assert_int_equal(Madt.OverrideCount, 5);
    assert_int_equal(Madt.LocalNmiCount, 1);
    assert_true(Madt.LocalNmis[0].AllProcessors);
    assert_int_equal(Madt.LocalNmis[0].Lint, 1);
    assert_int_equal(HalpAcpiRouteIsaIrq(&Madt, 0, &Route), STATUS_SUCCESS);
    assert_int_equal(Route.Gsi, 2);
    assert_int_equal(Route.Polarity, AcpiActiveHigh);
    assert_int_equal(Route.Trigger, AcpiEdgeTriggered);
    assert_int_equal(HalpAcpiRouteIsaIrq(&Madt, 11, &Route), STATUS_SUCCESS);
    assert_int_equal(Route.Gsi, 11);
    assert_int_equal(Route.Trigger, AcpiLevelTriggered);
    assert_int_equal(HalpAcpiRouteIsaIrq(&Madt, 4, &Route), STATUS_SUCCESS);
    assert_int_equal(Route.Gsi, 4);
    assert_false(Route.Overridden);

    /* FADT: SCI on IRQ 9 (level, high by its override), PM timer port 0x608. */
    assert_non_null(Table = MapFirst("FACP", &Length));
    assert_int_equal(HalpAcpiParseFadt(Table, Length, &Fadt), STATUS_SUCCESS);
    HalpAcpiUnmapTable(&Memory.Access, Table, Length);
    assert_int_equal(Fadt.Revision, Machine->FadtRevision);
    assert_int_equal(Fadt.Length, Machine->FadtLength);
    assert_int_equal(Fadt.SciInterrupt, 9);
    assert_true(Fadt.PmTimerPresent);
    assert_false(Fadt.PmTimer32Bit);
    assert_int_equal(Fadt.PmTimer.AddressSpaceId, ACPI_GAS_SYSTEM_IO);
    assert_int_equal(Fadt.PmTimer.Address, 0x608);
    assert_int_equal(Fadt.Century, 0x32);
    assert_int_equal(Fadt.DsdtAddress, Machine->Dsdt);
    assert_int_equal(Fadt.FacsAddress, Machine->Facs);
    assert_int_equal(Fadt.ResetSupported, Machine->ResetRegister);
    if (Machine->ResetRegister) {
        assert_int_equal(Fadt.ResetRegister.Address, 0xCF9);
        assert_int_equal(Fadt.ResetValue, 0xF);
        assert_true(Fadt.BootArchValid);
        assert_int_equal(Fadt.BootArch, ACPI_FADT_BOOT_8042);
    } else {
        assert_false(Fadt.BootArchValid);   /* ACPI 1.0 table */
    }
    assert_int_equal(HalpAcpiRouteSci(&Madt, &Fadt, &Route), STATUS_SUCCESS);
    assert_int_equal(Route.Gsi, 9);
    assert_int_equal(Route.Polarity, AcpiActiveHigh);
    assert_int_equal(Route.Trigger, AcpiLevelTriggered);

    /* HPET: QEMU's, three comparators, Intel's vendor ID. */
    assert_non_null(Table = MapFirst("HPET", &Length));
    assert_int_equal(HalpAcpiParseHpet(Table, Length, &Hpet), STATUS_SUCCESS);
    HalpAcpiUnmapTable(&Memory.Access, Table, Length);
    assert_int_equal(Hpet.BaseAddress, 0xFED00000);
    assert_int_equal(Hpet.ComparatorCount, 3);
    assert_int_equal(Hpet.VendorId, 0x8086);
    assert_true(Hpet.Counter64Bit);
    assert_true(Hpet.LegacyReplacement);

    Table = MapFirst("MCFG", &Length);
    if (!Machine->Mcfg) {
        assert_null(Table);
    } else {
        assert_non_null(Table);
        assert_int_equal(HalpAcpiParseMcfg(Table, Length, &Mcfg), STATUS_SUCCESS);
        HalpAcpiUnmapTable(&Memory.Access, Table, Length);
        assert_int_equal(Mcfg.AllocationCount, 1);
        assert_int_equal(Mcfg.Allocations[0].BaseAddress, 0xB0000000);
        assert_int_equal(Mcfg.Allocations[0].Segment, 0);
        assert_int_equal(Mcfg.Allocations[0].StartBus, 0);
        assert_int_equal(Mcfg.Allocations[0].EndBus, 255);
    }

    /* The DSDT is sound too, though only the FADT points at it. */
    Table = HalpAcpiMapTable(&Memory.Access, Fadt.DsdtAddress, "DSDT", &Length);
    assert_non_null(Table);
    HalpAcpiUnmapTable(&Memory.Access, Table, Length);

    assert_int_equal(Memory.MappingCount, 0);
    assert_log_empty();     /* QEMU's tables are sound: not one complaint */
}

/* The real MADT cut 3 bytes short (checksum fixed): the last entry, the
 * local APIC NMI at 0x72, now runs past the end; all before it stays. */
static void
RealMadtCutShort(void **State)
{
    FAKE_REGION *Apic = FakeFind(&Memory, "APIC");
    ACPI_MADT_INFO Madt;
    const ACPI_DESCRIPTION_HEADER *Table;
    ULONG Length;

    FakePut32(Apic->Bytes, 4, Apic->Length - 3);
    FakeFixTableChecksum(Apic);
    assert_int_equal(HalpAcpiParseRoot(&Root, &Memory.Access, RsdpAddress), STATUS_SUCCESS);
    assert_non_null(Table = MapFirst("APIC", &Length));
    assert_int_equal(Length, 117);
    assert_int_equal(HalpAcpiParseMadt(Table, Length, &Madt), STATUS_SUCCESS);
    HalpAcpiUnmapTable(&Memory.Access, Table, Length);
    assert_logged("ACPI: MADT: entry at offset 0x72 (type 4, length 6) runs past the table end "
                  "(length 0x75); ignoring the rest");
    assert_true(Madt.Truncated);
    assert_int_equal(Madt.OverrideCount, 5);
    assert_int_equal(Madt.LocalNmiCount, 0);
}

/* One flipped bit in the real HPET: the HPET is dropped, the rest stands. */
static void
RealHpetCorrupted(void **State)
{
    FAKE_REGION *Hpet = FakeFind(&Memory, "HPET");
    char Expected[128];

    Hpet->Bytes[44] ^= 0x04;
    snprintf(Expected, sizeof(Expected),
             "ACPI: table at 0x%llx has signature 'HPET' but checksum 0x04 != 0; skipped",
             (unsigned long long)Hpet->Base);
    assert_int_equal(HalpAcpiParseRoot(&Root, &Memory.Access, RsdpAddress), STATUS_SUCCESS);
    assert_logged(Expected);
    assert_null(HalpAcpiFindTable(&Root, "HPET", 0));
    assert_non_null(HalpAcpiFindTable(&Root, "APIC", 0));
    assert_int_equal(Root.SkippedCount, 1);
}

/* OVMF's XSDT broken: the RSDT it also provides takes over, same tables. */
static void
RealXsdtCorruptedFallsBackToRsdt(void **State)
{
    const MACHINE *Machine = *State;
    FAKE_REGION *Xsdt = FakeFind(&Memory, "XSDT");
    char Signatures[128] = "";
    ULONG Index;

    Xsdt->Bytes[Xsdt->Length - 1] ^= 0x80;
    assert_int_equal(HalpAcpiParseRoot(&Root, &Memory.Access, RsdpAddress), STATUS_SUCCESS);
    assert_logged("has signature 'XSDT' but checksum 0x80 != 0; skipped");
    assert_logged("is unusable; falling back to the RSDT");
    assert_false(Root.UsingXsdt);
    for (Index = 0; Index < Root.TableCount; Index++) {
        strcat(Signatures, Index ? " " : "");
        strcat(Signatures, Root.Tables[Index].Signature);
    }
    assert_string_equal(Signatures, Machine->Tables);
}

/* The real tables behind a revision 2 RSDP and an XSDT built from the RSDT:
 * the XSDT is preferred, and lists the same tables. */
static void
RealTablesThroughXsdt(void **State)
{
    const MACHINE *Machine = *State;
    FAKE_REGION *Rsdt = FakeFind(&Memory, "RSDT"), *Rsdp = FakeFind(&Memory, "RSDP");
    ULONG Count = (Rsdt->Length - 36) / 4, Index;
    UCHAR Xsdt[36 + 8 * 16], NewRsdp[sizeof(ACPI_RSDP)];
    FAKE_REGION *Region;
    char Signatures[128] = "";

    FakeHeader(Xsdt, "XSDT", 36 + Count * 8, 1);
    for (Index = 0; Index < Count; Index++) {
        FakePut64(Xsdt, 36 + Index * 8, ((PULONG)(Rsdt->Bytes + 36))[Index]);
    }
    FakeFixTableChecksum(FakeAdd(&Memory, 0x7000, Xsdt, 36 + Count * 8, NULL));
    memcpy(NewRsdp, Rsdp->Bytes, 20);
    FakePut8(NewRsdp, 15, 2);
    FakePut32(NewRsdp, 20, sizeof(NewRsdp));
    FakePut64(NewRsdp, 24, 0x7000);
    FakePut8(NewRsdp, 32, 0);
    Region = FakeAdd(&Memory, 0x8000, NewRsdp, sizeof(NewRsdp), "RSDP2");
    FakeFixRsdpChecksums(Region);

    assert_int_equal(HalpAcpiParseRoot(&Root, &Memory.Access, 0x8000), STATUS_SUCCESS);
    assert_true(Root.UsingXsdt);
    assert_int_equal(Root.RootTableAddress, 0x7000);
    for (Index = 0; Index < Root.TableCount; Index++) {
        strcat(Signatures, Index ? " " : "");
        strcat(Signatures, Root.Tables[Index].Signature);
    }
    assert_string_equal(Signatures, Machine->Tables);
    assert_log_empty();
}

/* Each real-table test runs once per machine, named "<machine>/<test>". */
#define REAL_TEST(Name, Machine, Prefix) \
    {Prefix "/" #Name, Name, LoadMachine, ReleaseMachine, (void *)&(Machine)}

static const struct CMUnitTest AcpiRealTests[] = {
    REAL_TEST(RealTablesParse, PcMachine, "pc"),
    REAL_TEST(RealTablesParse, Q35Machine, "q35"),
    REAL_TEST(RealTablesParse, Q35UefiMachine, "q35-uefi"),
    REAL_TEST(RealMadtCutShort, PcMachine, "pc"),
    REAL_TEST(RealMadtCutShort, Q35Machine, "q35"),
    REAL_TEST(RealMadtCutShort, Q35UefiMachine, "q35-uefi"),
    REAL_TEST(RealHpetCorrupted, PcMachine, "pc"),
    REAL_TEST(RealHpetCorrupted, Q35Machine, "q35"),
    REAL_TEST(RealHpetCorrupted, Q35UefiMachine, "q35-uefi"),
    REAL_TEST(RealXsdtCorruptedFallsBackToRsdt, Q35UefiMachine, "q35-uefi"),
    REAL_TEST(RealTablesThroughXsdt, PcMachine, "pc"),
    REAL_TEST(RealTablesThroughXsdt, Q35Machine, "q35"),
};

int
main(void)
{
    int Failed = 0;

    /* A parser that loops forever on a malformed entry must fail, not hang. */
    alarm(60);
    Failed += cmocka_run_group_tests_name("acpi-real", AcpiRealTests, NULL, NULL);
    Failed += _cmocka_run_group_tests("acpi-broken", AcpiBrokenTests, AcpiBrokenTestCount, NULL,
                                      NULL);
    Failed += _cmocka_run_group_tests("acpi-broken-tables", AcpiBrokenTableTests,
                                      AcpiBrokenTableTestCount, NULL, NULL);
    return Failed;
}
