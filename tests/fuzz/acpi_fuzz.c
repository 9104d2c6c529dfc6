/*
 * tests/fuzz/acpi_fuzz.c - libFuzzer target for the HAL's ACPI table parser.
 *
 * The first input byte picks what the rest of the input is:
 *
 *   0  a MADT            HalpAcpiParseMadt, then every ISA IRQ routed
 *   1  a FADT            HalpAcpiParseFadt, then the SCI routed
 *   2  an HPET table     HalpAcpiParseHpet
 *   3  an MCFG           HalpAcpiParseMcfg
 *   4  any table at physical 0x1000, through HalpAcpiMapTable
 *   5  a machine: physical memory from 0x10000 with the RSDP first; the
 *      whole path of HalpInitializeAcpi runs on it (root, directory, each
 *      table's parser, acpidump)
 *   6, 7  the same, after the harness fixes the checksums of the RSDP, the
 *      RSDT/XSDT and the tables they point at, so that the fuzzer gets
 *      past them to the parsers
 *
 * Tables reach the parser as exact-size heap copies (tests/host/acpifake.c):
 * a read past what it mapped is an AddressSanitizer report. DbgPrint formats
 * every message, so a bad format argument shows up under the sanitizers too.
 * Seeds: tests/fuzz/corpus/acpi, made from the QEMU fixtures by
 * tests/fuzz/make-acpi-corpus.py.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/host/acpifake.h"

#define FUZZ_TABLE_AT 0x1000ULL
#define FUZZ_MACHINE_AT 0x10000ULL

ULONG
DbgPrint(PCSTR Format, ...)
{
    char Line[512];
    va_list Args;

    va_start(Args, Format);
    vsnprintf(Line, sizeof(Line), Format, Args);
    va_end(Args);
    if (getenv("ACPI_FUZZ_VERBOSE") != NULL) {
        fputs(Line, stderr);
    }
    return STATUS_SUCCESS;
}

static ULONG
FuzzRead32(const UCHAR *Bytes)
{
    return Bytes[0] | Bytes[1] << 8 | Bytes[2] << 16 | (ULONG)Bytes[3] << 24;
}

/* Makes the table at Address (if it lies in Region) sum to zero over its
 * declared Length, clamped to the region. */
static VOID
FuzzFixTableAt(FAKE_REGION *Region, ULONGLONG Address)
{
    ULONG Offset, Length;

    if (Address < Region->Base || Address - Region->Base + 36 > Region->Length) {
        return;
    }
    Offset = (ULONG)(Address - Region->Base);
    Length = FuzzRead32(Region->Bytes + Offset + 4);
    if (Length > Region->Length - Offset) {
        Length = Region->Length - Offset;
    }
    Region->Bytes[Offset + 9] = 0;
    Region->Bytes[Offset + 9] = (UCHAR)(0x100 - HalpAcpiChecksum(Region->Bytes + Offset, Length));
}

/* The tables an RSDT (EntrySize 4) or XSDT (8) at Address lists, then it. */
static VOID
FuzzFixRootAt(FAKE_REGION *Region, ULONGLONG Address, ULONG EntrySize)
{
    ULONG Offset, Length, Entry;

    if (Address < Region->Base || Address - Region->Base + 36 > Region->Length) {
        return;
    }
    Offset = (ULONG)(Address - Region->Base);
    Length = FuzzRead32(Region->Bytes + Offset + 4);
    if (Length > Region->Length - Offset) {
        Length = Region->Length - Offset;
    }
    for (Entry = 36; Entry + EntrySize <= Length; Entry += EntrySize) {
        ULONGLONG Target = FuzzRead32(Region->Bytes + Offset + Entry);
        if (EntrySize == 8) {
            Target |= (ULONGLONG)FuzzRead32(Region->Bytes + Offset + Entry + 4) << 32;
        }
        FuzzFixTableAt(Region, Target);
    }
    FuzzFixTableAt(Region, Address);
}

static VOID
FuzzFixMachine(FAKE_REGION *Region)
{
    if (Region->Length < ACPI_RSDP_V1_LENGTH) {
        return;
    }
    FuzzFixRootAt(Region, FuzzRead32(Region->Bytes + 16), 4);
    if (Region->Length >= sizeof(ACPI_RSDP) && Region->Bytes[15] >= 2) {
        ULONGLONG Xsdt = FuzzRead32(Region->Bytes + 24) |
                         (ULONGLONG)FuzzRead32(Region->Bytes + 28) << 32;
        FuzzFixRootAt(Region, Xsdt, 8);
    }
    FakeFixRsdpChecksums(Region);
}

/* What HalpInitializeAcpi does, on the fake machine. */
static VOID
FuzzMachine(FAKE_MEMORY *Memory)
{
    static HAL_ACPI_INFORMATION Acpi;
    ACPI_INTERRUPT_ROUTE Route;
    ULONG Index, Length;

    memset(&Acpi, 0, sizeof(Acpi));
    if (!NT_SUCCESS(HalpAcpiParseRoot(&Acpi.Root, &Memory->Access, FUZZ_MACHINE_AT))) {
        return;
    }
    for (Index = 0; Index < Acpi.Root.TableCount; Index++) {
        const ACPI_TABLE_DESCRIPTOR *Descriptor = &Acpi.Root.Tables[Index];
        const ACPI_DESCRIPTION_HEADER *Table;

        Table = HalpAcpiMapTable(&Memory->Access, Descriptor->PhysicalAddress, NULL, &Length);
        if (Table == NULL) {
            continue;
        }
        if (strcmp(Descriptor->Signature, "APIC") == 0) {
            Acpi.MadtPresent = NT_SUCCESS(HalpAcpiParseMadt(Table, Length, &Acpi.Madt));
        } else if (strcmp(Descriptor->Signature, "FACP") == 0) {
            Acpi.FadtPresent = NT_SUCCESS(HalpAcpiParseFadt(Table, Length, &Acpi.Fadt));
        } else if (strcmp(Descriptor->Signature, "HPET") == 0) {
            Acpi.HpetPresent = NT_SUCCESS(HalpAcpiParseHpet(Table, Length, &Acpi.Hpet));
        } else if (strcmp(Descriptor->Signature, "MCFG") == 0) {
            Acpi.McfgPresent = NT_SUCCESS(HalpAcpiParseMcfg(Table, Length, &Acpi.Mcfg));
        }
        HalpAcpiUnmapTable(&Memory->Access, Table, Length);
    }
    for (Index = 0; Index < 16; Index++) {
        HalpAcpiRouteIsaIrq(Acpi.MadtPresent ? &Acpi.Madt : NULL, Index, &Route);
    }
    if (Acpi.FadtPresent) {
        HalpAcpiRouteSci(Acpi.MadtPresent ? &Acpi.Madt : NULL, &Acpi.Fadt, &Route);
    }
    HalpAcpiDumpTables(&Acpi);
}

int
LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size)
{
    static FAKE_MEMORY Memory;
    static ACPI_MADT_INFO Madt;
    ACPI_FADT_INFO Fadt;
    ACPI_HPET_INFO Hpet;
    ACPI_MCFG_INFO Mcfg;
    ACPI_INTERRUPT_ROUTE Route;
    const ACPI_DESCRIPTION_HEADER *Table;
    PUCHAR Copy;
    ULONG Length, Index;
    UCHAR Mode;

    if (Size < 2 || Size > ACPI_MAX_TABLE_LENGTH) {
        return 0;
    }
    Mode = Data[0] & 7;
    Data++;
    Size--;

    if (Mode <= 3) {
        /* Exactly Size bytes, so that ASan sees a read one past the end. */
        Copy = malloc(Size);
        memcpy(Copy, Data, Size);
        Table = (const ACPI_DESCRIPTION_HEADER *)Copy;
        switch (Mode) {
        case 0:
            if (NT_SUCCESS(HalpAcpiParseMadt(Table, Size, &Madt))) {
                for (Index = 0; Index < 16; Index++) {
                    HalpAcpiRouteIsaIrq(&Madt, Index, &Route);
                }
            }
            break;
        case 1:
            if (NT_SUCCESS(HalpAcpiParseFadt(Table, Size, &Fadt))) {
                HalpAcpiRouteSci(NULL, &Fadt, &Route);
            }
            break;
        case 2:
            HalpAcpiParseHpet(Table, Size, &Hpet);
            break;
        default:
            HalpAcpiParseMcfg(Table, Size, &Mcfg);
            break;
        }
        free(Copy);
        return 0;
    }

    FakeInitialize(&Memory);
    if (Mode == 4) {
        FakeAdd(&Memory, FUZZ_TABLE_AT, Data, Size, "TABLE");
        Table = HalpAcpiMapTable(&Memory.Access, FUZZ_TABLE_AT, NULL, &Length);
        if (Table != NULL) {
            HalpAcpiUnmapTable(&Memory.Access, Table, Length);
        }
    } else {
        FAKE_REGION *Region = FakeAdd(&Memory, FUZZ_MACHINE_AT, Data, Size, "MACHINE");
        if (Mode >= 6) {
            FuzzFixMachine(Region);
        }
        FuzzMachine(&Memory);
    }
    if (Memory.MappingCount != 0) {
        fprintf(stderr, "acpi_fuzz: the parser left %u mappings behind\n", Memory.MappingCount);
        abort();
    }
    FakeRelease(&Memory);
    return 0;
}
