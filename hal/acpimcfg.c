/*
 * hal/acpimcfg.c - the MCFG: where PCI Express's memory-mapped configuration
 * space (ECAM) lives, per segment and bus range. PCI Firmware Specification
 * 3.3, section 4.1.2.
 *
 * After the header and 8 reserved bytes come 16-byte allocation entries, so
 * Length - 44 must be a multiple of 16. A table that breaks this still has
 * its whole entries used; the stray bytes are reported. An entry whose bus
 * range is reversed or whose base is 0 is reported and skipped.
 */
#include "hal/acpip.h"

NTSTATUS
HalpAcpiParseMcfg(const ACPI_DESCRIPTION_HEADER *Header, ULONG Available, PACPI_MCFG_INFO Mcfg)
{
    const ACPI_MCFG_ALLOCATION *Entries;
    ULONG Length, Count, Remainder, Index;
    NTSTATUS Status;

    *Mcfg = (ACPI_MCFG_INFO){0};
    Status = HalpAcpiCheckTableLength(Header, Available, sizeof(ACPI_MCFG), "MCFG", &Length);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    Count = (Length - sizeof(ACPI_MCFG)) / sizeof(ACPI_MCFG_ALLOCATION);
    Remainder = (Length - sizeof(ACPI_MCFG)) % sizeof(ACPI_MCFG_ALLOCATION);
    if (Remainder != 0) {
        DbgPrint("ACPI: MCFG: Length 0x%x minus the 44-byte header is not a multiple of 16; "
                 "ignoring the last %u bytes\n", Length, Remainder);
    }

    Entries = (const ACPI_MCFG_ALLOCATION *)((const UCHAR *)Header + sizeof(ACPI_MCFG));
    for (Index = 0; Index < Count; Index++) {
        const ACPI_MCFG_ALLOCATION *Entry = &Entries[Index];
        ACPI_ECAM_RANGE *Range;

        if (Entry->StartBus > Entry->EndBus) {
            DbgPrint("ACPI: MCFG: entry %u (segment %u) has start bus %u after end bus %u; "
                     "skipped\n", Index, Entry->SegmentGroup, Entry->StartBus, Entry->EndBus);
            continue;
        }
        if (Entry->BaseAddress == 0) {
            DbgPrint("ACPI: MCFG: entry %u (segment %u) has base address 0; skipped\n", Index,
                     Entry->SegmentGroup);
            continue;
        }
        if (Mcfg->AllocationCount == ACPI_MAX_MCFG_ALLOCATIONS) {
            DbgPrint("ACPI: MCFG: more than %u entries; the rest are ignored\n",
                     ACPI_MAX_MCFG_ALLOCATIONS);
            break;
        }
        Range = &Mcfg->Allocations[Mcfg->AllocationCount++];
        Range->BaseAddress = Entry->BaseAddress;
        Range->Segment = Entry->SegmentGroup;
        Range->StartBus = Entry->StartBus;
        Range->EndBus = Entry->EndBus;
    }
    return STATUS_SUCCESS;
}
