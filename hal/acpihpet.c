/*
 * hal/acpihpet.c - the HPET description table: where the High Precision
 * Event Timer's registers are and what the firmware says about it.
 * IA-PC HPET Specification 1.0a, section 3.2.4.
 *
 * The HPET's registers are memory-mapped (spec 2.3); a table that puts them
 * anywhere else describes no timer this HAL can drive, so it is refused.
 */
#include "hal/acpip.h"

static PCSTR
HalpAddressSpaceName(UCHAR AddressSpaceId)
{
    switch (AddressSpaceId) {
    case ACPI_GAS_SYSTEM_MEMORY:
        return "system memory";
    case ACPI_GAS_SYSTEM_IO:
        return "system I/O";
    case ACPI_GAS_PCI_CONFIG:
        return "PCI configuration";
    default:
        return "another space";
    }
}

NTSTATUS
HalpAcpiParseHpet(const ACPI_DESCRIPTION_HEADER *Header, ULONG Available, PACPI_HPET_INFO Hpet)
{
    const ACPI_HPET *Table = (const ACPI_HPET *)Header;
    ULONG Length, BlockId;
    NTSTATUS Status;

    *Hpet = (ACPI_HPET_INFO){0};
    Status = HalpAcpiCheckTableLength(Header, Available, sizeof(ACPI_HPET), "HPET", &Length);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    if (Table->BaseAddress.AddressSpaceId != ACPI_GAS_SYSTEM_MEMORY) {
        DbgPrint("ACPI: HPET: base address 0x%llx is in address space %u (%s), not system "
                 "memory; HPET ignored\n", Table->BaseAddress.Address,
                 Table->BaseAddress.AddressSpaceId,
                 HalpAddressSpaceName(Table->BaseAddress.AddressSpaceId));
        return STATUS_BAD_DATA;
    }
    if (Table->BaseAddress.Address == 0) {
        DbgPrint("ACPI: HPET: base address is 0; HPET ignored\n");
        return STATUS_BAD_DATA;
    }
    BlockId = Table->EventTimerBlockId;
    Hpet->BaseAddress = Table->BaseAddress.Address;
    Hpet->HpetNumber = Table->HpetNumber;
    /* The field holds the number of the last comparator, as NUM_TIM_CAP in
     * the capabilities register does (spec 2.3.4): count = field + 1. */
    Hpet->ComparatorCount =
        ((BlockId >> ACPI_HPET_LAST_COMPARATOR_SHIFT) & ACPI_HPET_LAST_COMPARATOR_MASK) + 1;
    Hpet->Counter64Bit = (BlockId & ACPI_HPET_COUNTER_64BIT) != 0;
    Hpet->LegacyReplacement = (BlockId & ACPI_HPET_LEGACY_REPLACEMENT) != 0;
    Hpet->VendorId = (USHORT)(BlockId >> ACPI_HPET_VENDOR_SHIFT);
    Hpet->MinimumTick = Table->MinimumTick;
    Hpet->PageProtection = Table->PageProtection;
    return STATUS_SUCCESS;
}
