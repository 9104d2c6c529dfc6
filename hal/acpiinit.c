/*
 * hal/acpiinit.c - HalpInitializeAcpi: read the firmware's ACPI tables once
 * at boot into HalpAcpiInformation, and say what was found.
 *
 * The parser (hal/acpi.c and its siblings) is handed two callbacks that
 * reach physical memory the kernel's way: RAM the memory map lists goes
 * through the direct map, anything else (SeaBIOS keeps its tables in
 * "reserved" memory, the RSDP may sit in the BIOS ROM area) through
 * MmMapIoSpace, cached, since tables are memory and not registers.
 * Whatever the firmware got wrong is reported and the boot goes on: the
 * HAL falls back to legacy defaults for what is missing.
 */
#include "hal/acpip.h"
#include "hal/halp.h"
#include "kernel/ke/ki.h"
#include "kernel/mm/mi.h"
#include "kernel/rtl/rtlp.h"

HAL_ACPI_INFORMATION HalpAcpiInformation;

/* TRUE when [PhysicalAddress, +Length) lies inside one RAM range of the
 * sanitized memory map, which the direct map covers. */
static BOOLEAN
HalpAcpiIsRam(ULONGLONG PhysicalAddress, ULONG Length)
{
    ULONG Index;

    for (Index = 0; Index < MiMemoryMap.RangeCount; Index++) {
        const MI_MEMORY_RANGE *Range = &MiMemoryMap.Ranges[Index];

        if (PhysicalAddress >= Range->Base && PhysicalAddress < Range->End &&
            Length <= Range->End - PhysicalAddress) {
            return MiIsRamType(Range->Type);
        }
    }
    return FALSE;
}

/* Runs at PASSIVE_LEVEL (MmMapIoSpace may be called up to DISPATCH_LEVEL). */
static PVOID
HalpAcpiMapPhysical(PVOID Context, ULONGLONG PhysicalAddress, ULONG Length)
{
    PHYSICAL_ADDRESS Address;

    UNREFERENCED_PARAMETER(Context);
    if (PhysicalAddress >= MI_MAX_PHYSICAL_ADDRESS ||
        Length > MI_MAX_PHYSICAL_ADDRESS - PhysicalAddress) {
        return NULL;
    }
    if (HalpAcpiIsRam(PhysicalAddress, Length)) {
        return MiPhysicalToVirtual(PhysicalAddress);
    }
    Address.QuadPart = (LONGLONG)PhysicalAddress;
    return MmMapIoSpace(Address, Length, MmCached);
}

static VOID
HalpAcpiUnmapPhysical(PVOID Context, PVOID VirtualAddress, ULONG Length)
{
    ULONG_PTR Va = (ULONG_PTR)VirtualAddress;

    UNREFERENCED_PARAMETER(Context);
    /* Direct-map addresses need no unmapping; MMIO-window ones do. */
    if (Va >= MI_IO_SPACE_BASE && Va - MI_IO_SPACE_BASE < MI_IO_SPACE_SIZE) {
        MmUnmapIoSpace(VirtualAddress, Length);
    }
}

const ACPI_PHYSICAL_ACCESS HalpAcpiPhysicalAccess = {
    HalpAcpiMapPhysical,
    HalpAcpiUnmapPhysical,
    NULL,
};

/* Maps the first table with Signature from the directory, validated again;
 * FALSE when there is none or it went bad. Unmap with HalpAcpiUnmapTable. */
static BOOLEAN
HalpAcpiMapFirst(PCSTR Signature, const ACPI_DESCRIPTION_HEADER **Table, PULONG Length)
{
    const ACPI_TABLE_DESCRIPTOR *Descriptor;

    Descriptor = HalpAcpiFindTable(&HalpAcpiInformation.Root, Signature, 0);
    if (Descriptor == NULL) {
        return FALSE;
    }
    *Table = HalpAcpiMapTable(&HalpAcpiPhysicalAccess, Descriptor->PhysicalAddress, Signature,
                              Length);
    return *Table != NULL;
}

/* Appends to a summary line; the line is cut, never overrun, when full. */
static VOID __attribute__((format(printf, 4, 5)))
HalpAcpiAppend(PCHAR Line, SIZE_T Size, PSIZE_T Used, PCSTR Format, ...)
{
    va_list Args;

    if (*Used >= Size - 1) {
        return;
    }
    va_start(Args, Format);
    *Used += RtlpFormatV(Line + *Used, Size - *Used, Format, Args);
    va_end(Args);
    if (*Used > Size - 1) {
        *Used = Size - 1;
    }
}

static PCSTR
HalpAcpiRouteText(ACPI_INTERRUPT_POLARITY Polarity, ACPI_INTERRUPT_TRIGGER Trigger)
{
    if (Trigger == AcpiLevelTriggered) {
        return Polarity == AcpiActiveLow ? "level/low" : "level/high";
    }
    return Polarity == AcpiActiveLow ? "edge/low" : "edge/high";
}

static VOID
HalpAcpiPrintMadt(const ACPI_MADT_INFO *Madt)
{
    CHAR Line[400];
    SIZE_T Used = 0;
    ULONG Index, Enabled = 0;

    for (Index = 0; Index < Madt->ProcessorCount; Index++) {
        Enabled += Madt->Processors[Index].Enabled;
    }
    HalpAcpiAppend(Line, sizeof(Line), &Used, "ACPI: MADT: %u CPU%s (%u enabled), local APIC at "
                   "0x%llx%s", Madt->ProcessorCount, Madt->ProcessorCount == 1 ? "" : "s",
                   Enabled, Madt->LocalApicAddress, Madt->PcatCompat ? ", 8259s present" : "");
    for (Index = 0; Index < Madt->IoApicCount; Index++) {
        HalpAcpiAppend(Line, sizeof(Line), &Used, ", IOAPIC id %u at 0x%x GSI base %u",
                       Madt->IoApics[Index].Id, Madt->IoApics[Index].Address,
                       Madt->IoApics[Index].GsiBase);
    }
    HalpAcpiAppend(Line, sizeof(Line), &Used, ", %u override%s", Madt->OverrideCount,
                   Madt->OverrideCount == 1 ? "" : "s");
    for (Index = 0; Index < Madt->OverrideCount; Index++) {
        const ACPI_INTERRUPT_OVERRIDE *Override = &Madt->Overrides[Index];
        HalpAcpiAppend(Line, sizeof(Line), &Used, "%sIRQ%u->GSI%u %s", Index ? ", " : " (",
                       Override->SourceIrq, Override->Gsi,
                       HalpAcpiRouteText(Override->Polarity, Override->Trigger));
    }
    DbgPrint("%s%s\n", Line, Madt->OverrideCount ? ")" : "");
}

static VOID
HalpAcpiPrintSummary(const HAL_ACPI_INFORMATION *Acpi)
{
    CHAR Line[400];
    SIZE_T Used = 0;
    ULONG Index;

    HalpAcpiAppend(Line, sizeof(Line), &Used, "ACPI: RSDP rev %u (%s) at 0x%llx, %s at 0x%llx "
                   "with %u tables:", Acpi->Root.RsdpRevision, Acpi->Root.OemId,
                   Acpi->Root.RsdpAddress, Acpi->Root.UsingXsdt ? "XSDT" : "RSDT",
                   Acpi->Root.RootTableAddress, Acpi->Root.TableCount);
    for (Index = 0; Index < Acpi->Root.TableCount; Index++) {
        HalpAcpiAppend(Line, sizeof(Line), &Used, " %s", Acpi->Root.Tables[Index].Signature);
    }
    DbgPrint("%s\n", Line);

    if (Acpi->MadtPresent) {
        HalpAcpiPrintMadt(&Acpi->Madt);
    } else {
        DbgPrint("ACPI: no usable MADT: one CPU, 8259 PIC, ISA IRQ n = GSI n\n");
    }
    if (Acpi->FadtPresent) {
        ACPI_INTERRUPT_ROUTE Sci;

        HalpAcpiRouteSci(Acpi->MadtPresent ? &Acpi->Madt : NULL, &Acpi->Fadt, &Sci);
        Used = 0;
        HalpAcpiAppend(Line, sizeof(Line), &Used, "ACPI: FADT rev %u: SCI IRQ %u -> GSI %u %s",
                       Acpi->Fadt.Revision, Acpi->Fadt.SciInterrupt, Sci.Gsi,
                       HalpAcpiRouteText(Sci.Polarity, Sci.Trigger));
        if (Acpi->Fadt.PmTimerPresent) {
            HalpAcpiAppend(Line, sizeof(Line), &Used, ", PM timer %s 0x%llx (%u-bit)",
                           Acpi->Fadt.PmTimer.AddressSpaceId == ACPI_GAS_SYSTEM_IO ? "port"
                                                                                   : "at",
                           Acpi->Fadt.PmTimer.Address, Acpi->Fadt.PmTimer32Bit ? 32 : 24);
        }
        if (Acpi->Fadt.ResetSupported) {
            HalpAcpiAppend(Line, sizeof(Line), &Used, ", reset 0x%llx<-0x%x",
                           Acpi->Fadt.ResetRegister.Address, Acpi->Fadt.ResetValue);
        }
        HalpAcpiAppend(Line, sizeof(Line), &Used, ", century CMOS 0x%x, 8042 %s",
                       Acpi->Fadt.Century,
                       !Acpi->Fadt.BootArchValid ? "assumed"
                       : (Acpi->Fadt.BootArch & ACPI_FADT_BOOT_8042) ? "yes" : "no");
        DbgPrint("%s\n", Line);
    }
    if (Acpi->HpetPresent) {
        DbgPrint("ACPI: HPET %u at 0x%llx, %u comparators, %s counter, minimum tick %u\n",
                 Acpi->Hpet.HpetNumber, Acpi->Hpet.BaseAddress, Acpi->Hpet.ComparatorCount,
                 Acpi->Hpet.Counter64Bit ? "64-bit" : "32-bit", Acpi->Hpet.MinimumTick);
    }
    for (Index = 0; Acpi->McfgPresent && Index < Acpi->Mcfg.AllocationCount; Index++) {
        DbgPrint("ACPI: MCFG: segment %u buses %u-%u, ECAM at 0x%llx\n",
                 Acpi->Mcfg.Allocations[Index].Segment, Acpi->Mcfg.Allocations[Index].StartBus,
                 Acpi->Mcfg.Allocations[Index].EndBus, Acpi->Mcfg.Allocations[Index].BaseAddress);
    }
}

NTSTATUS
HalpInitializeAcpi(VOID)
{
    HAL_ACPI_INFORMATION *Acpi = &HalpAcpiInformation;
    const ACPI_DESCRIPTION_HEADER *Table;
    ULONG Length;
    NTSTATUS Status;

    *Acpi = (HAL_ACPI_INFORMATION){0};
    if (KeLoaderBlock.RsdpAddress == 0) {
        DbgPrint("ACPI: the boot loader found no RSDP; continuing without ACPI: one CPU, "
                 "8259 PIC, ISA IRQ n = GSI n\n");
        return STATUS_NOT_FOUND;
    }
    Status = HalpAcpiParseRoot(&Acpi->Root, &HalpAcpiPhysicalAccess, KeLoaderBlock.RsdpAddress);
    if (!NT_SUCCESS(Status)) {
        DbgPrint("ACPI: no usable tables at RSDP 0x%llx; continuing without ACPI: one CPU, "
                 "8259 PIC, ISA IRQ n = GSI n\n", (ULONGLONG)KeLoaderBlock.RsdpAddress);
        return Status;
    }
    Acpi->Present = TRUE;
    if (HalpAcpiMapFirst(ACPI_MADT_SIGNATURE, &Table, &Length)) {
        Acpi->MadtPresent = NT_SUCCESS(HalpAcpiParseMadt(Table, Length, &Acpi->Madt));
        HalpAcpiUnmapTable(&HalpAcpiPhysicalAccess, Table, Length);
    }
    if (HalpAcpiMapFirst(ACPI_FADT_SIGNATURE, &Table, &Length)) {
        Acpi->FadtPresent = NT_SUCCESS(HalpAcpiParseFadt(Table, Length, &Acpi->Fadt));
        HalpAcpiUnmapTable(&HalpAcpiPhysicalAccess, Table, Length);
    }
    if (HalpAcpiMapFirst(ACPI_HPET_SIGNATURE, &Table, &Length)) {
        Acpi->HpetPresent = NT_SUCCESS(HalpAcpiParseHpet(Table, Length, &Acpi->Hpet));
        HalpAcpiUnmapTable(&HalpAcpiPhysicalAccess, Table, Length);
    }
    if (HalpAcpiMapFirst(ACPI_MCFG_SIGNATURE, &Table, &Length)) {
        Acpi->McfgPresent = NT_SUCCESS(HalpAcpiParseMcfg(Table, Length, &Acpi->Mcfg));
        HalpAcpiUnmapTable(&HalpAcpiPhysicalAccess, Table, Length);
    }
    HalpAcpiPrintSummary(Acpi);
    if (KiCommandLineHasWord("acpidump")) {
        HalpAcpiDumpTables(Acpi);
    }
    return STATUS_SUCCESS;
}
