/*
 * hal/acpifadt.c - the FADT: the fixed hardware the HAL needs later (SCI,
 * PM timer, reset register, legacy devices, the CMOS century). ACPI 6.5,
 * 5.2.9.
 *
 * The FADT grew with every ACPI revision, from 116 bytes in ACPI 1.0 to 276
 * in 6.x, and firmware still ships the short ones. So no field is read unless
 * the table's Length covers it; a field beyond Length counts as absent.
 * Where ACPI 2.0 added a 64-bit (X_) form of a field, a non-zero X_ form
 * wins over the legacy one, as the spec asks.
 */
#include "hal/acpip.h"

/* TRUE when Field lies wholly inside the first Length bytes of the FADT. */
#define HALP_FADT_HAS(Length, Field) \
    ((ULONG)(FIELD_OFFSET(ACPI_FADT, Field) + RTL_FIELD_SIZE(ACPI_FADT, Field)) <= (Length))

/* The FADT's fixed part up to Dsdt is all this parser insists on. */
#define HALP_FADT_MINIMUM_LENGTH (FIELD_OFFSET(ACPI_FADT, Dsdt) + sizeof(ULONG))

/* The PM timer: X_PM_TMR_BLK when present, else the PM_TMR_BLK I/O port,
 * which is only meaningful with PM_TMR_LEN = 4. */
static VOID
HalpFadtPmTimer(const ACPI_FADT *Table, ULONG Length, PACPI_FADT_INFO Fadt)
{
    if (HALP_FADT_HAS(Length, XPmTimerBlock) && Table->XPmTimerBlock.Address != 0) {
        Fadt->PmTimer = Table->XPmTimerBlock;
        Fadt->PmTimerPresent = TRUE;
        return;
    }
    if (!HALP_FADT_HAS(Length, PmTimerLength) || Table->PmTimerBlock == 0) {
        return;
    }
    if (Table->PmTimerLength != 4) {
        DbgPrint("ACPI: FADT: PM_TMR_BLK is 0x%x but PM_TMR_LEN is %u, not 4; no PM timer\n",
                 Table->PmTimerBlock, Table->PmTimerLength);
        return;
    }
    Fadt->PmTimer.AddressSpaceId = ACPI_GAS_SYSTEM_IO;
    Fadt->PmTimer.RegisterBitWidth = 32;
    Fadt->PmTimer.AccessSize = 3;   /* dword */
    Fadt->PmTimer.Address = Table->PmTimerBlock;
    Fadt->PmTimerPresent = TRUE;
}

/* The reset register (ACPI 2.0 and later), only if the flags promise it. */
static VOID
HalpFadtReset(const ACPI_FADT *Table, ULONG Length, PACPI_FADT_INFO Fadt)
{
    if (!(Fadt->Flags & ACPI_FADT_RESET_REG_SUP)) {
        return;
    }
    if (!HALP_FADT_HAS(Length, ResetValue)) {
        DbgPrint("ACPI: FADT: RESET_REG_SUP is set but Length 0x%x ends before RESET_REG; "
                 "no reset register\n", Length);
        return;
    }
    switch (Table->ResetRegister.AddressSpaceId) {
    case ACPI_GAS_SYSTEM_MEMORY:
    case ACPI_GAS_SYSTEM_IO:
    case ACPI_GAS_PCI_CONFIG:
        break;
    default:
        DbgPrint("ACPI: FADT: RESET_REG is in address space %u, not memory, I/O or PCI "
                 "configuration space; no reset register\n",
                 Table->ResetRegister.AddressSpaceId);
        return;
    }
    if (Table->ResetRegister.Address == 0) {
        DbgPrint("ACPI: FADT: RESET_REG_SUP is set but RESET_REG is 0; no reset register\n");
        return;
    }
    Fadt->ResetRegister = Table->ResetRegister;
    Fadt->ResetValue = Table->ResetValue;
    Fadt->ResetSupported = TRUE;
}

NTSTATUS
HalpAcpiParseFadt(const ACPI_DESCRIPTION_HEADER *Header, ULONG Available, PACPI_FADT_INFO Fadt)
{
    const ACPI_FADT *Table = (const ACPI_FADT *)Header;
    ULONG Length;
    NTSTATUS Status;

    *Fadt = (ACPI_FADT_INFO){0};
    Status = HalpAcpiCheckTableLength(Header, Available, HALP_FADT_MINIMUM_LENGTH, "FADT",
                                      &Length);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    Fadt->Revision = Header->Revision;
    Fadt->Length = Length;
    if (Length < ACPI_FADT_V1_LENGTH) {
        DbgPrint("ACPI: FADT: Length 0x%x is shorter than even ACPI 1.0's 0x%x bytes; the "
                 "fields past it count as absent\n", Length, ACPI_FADT_V1_LENGTH);
    }

    Fadt->FacsAddress = Table->FirmwareCtrl;
    Fadt->DsdtAddress = Table->Dsdt;
    if (HALP_FADT_HAS(Length, XFirmwareCtrl) && Table->XFirmwareCtrl != 0) {
        Fadt->FacsAddress = Table->XFirmwareCtrl;
    }
    if (HALP_FADT_HAS(Length, XDsdt) && Table->XDsdt != 0) {
        Fadt->DsdtAddress = Table->XDsdt;
    }
    if (HALP_FADT_HAS(Length, SciInterrupt)) {
        Fadt->SciInterrupt = Table->SciInterrupt;
    }
    if (HALP_FADT_HAS(Length, Century)) {
        Fadt->Century = Table->Century;
    }
    /* ACPI 1.0 (revision 1) reserved the IAPC_BOOT_ARCH bytes: there, the
     * HAL must assume a legacy PC with an 8042 and VGA. */
    if (Header->Revision >= 2 && HALP_FADT_HAS(Length, IaPcBootArch)) {
        Fadt->BootArch = Table->IaPcBootArch;
        Fadt->BootArchValid = TRUE;
    }
    if (HALP_FADT_HAS(Length, Flags)) {
        Fadt->Flags = Table->Flags;
    }
    HalpFadtPmTimer(Table, Length, Fadt);
    Fadt->PmTimer32Bit = Fadt->PmTimerPresent && (Fadt->Flags & ACPI_FADT_TMR_VAL_EXT) != 0;
    HalpFadtReset(Table, Length, Fadt);
    return STATUS_SUCCESS;
}
