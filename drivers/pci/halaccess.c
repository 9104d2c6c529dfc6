/*
 * drivers/pci/halaccess.c - the enumeration core's way to config space in
 * the kernel: the HAL's HalGetBusDataByOffset/HalSetBusDataByOffset (which
 * pick ECAM or the 0xCF8 ports), and the "pcilist" boot listing built on it.
 */
#include "pci.h"

/* IRQL <= DISPATCH_LEVEL, as HalGetBusDataByOffset. */
static NTSTATUS
PciHalRead(PVOID Context, UCHAR Bus, UCHAR Device, UCHAR Function, ULONG Offset, PVOID Buffer,
           ULONG Length)
{
    PCI_SLOT_NUMBER Slot;

    UNREFERENCED_PARAMETER(Context);
    Slot.u.AsULONG = 0;
    Slot.u.bits.DeviceNumber = Device;
    Slot.u.bits.FunctionNumber = Function;
    /* For an absent function the HAL returns 2 (at offset 0) and has still
     * filled Buffer with ones, what hardware reads: any non-zero count is
     * a completed read. */
    return HalGetBusDataByOffset(PCIConfiguration, Bus, Slot.u.AsULONG, Buffer, Offset,
                                 Length) != 0
               ? STATUS_SUCCESS
               : STATUS_UNSUCCESSFUL;
}

/* IRQL <= DISPATCH_LEVEL, as HalSetBusDataByOffset. */
static NTSTATUS
PciHalWrite(PVOID Context, UCHAR Bus, UCHAR Device, UCHAR Function, ULONG Offset,
            const VOID *Buffer, ULONG Length)
{
    PCI_SLOT_NUMBER Slot;

    UNREFERENCED_PARAMETER(Context);
    Slot.u.AsULONG = 0;
    Slot.u.bits.DeviceNumber = Device;
    Slot.u.bits.FunctionNumber = Function;
    return HalSetBusDataByOffset(PCIConfiguration, Bus, Slot.u.AsULONG, (PVOID)Buffer, Offset,
                                 Length) == Length
               ? STATUS_SUCCESS
               : STATUS_UNSUCCESSFUL;
}

/* Any IRQL. */
VOID
PciInitializeHalConfigAccess(PPCI_CONFIG_ACCESS Access)
{
    Access->Read = PciHalRead;
    Access->Write = PciHalWrite;
    Access->Context = NULL;
    Access->Segment = 0;
}

/* PASSIVE_LEVEL. Prints every function of segment 0 and one summary line.
 * The listing sizes every function's BARs (decoding off meanwhile), so the
 * kernel runs it before the PnP manager starts any driver (kernel/main.c). */
NTSTATUS
PciListFunctions(VOID)
{
    PCI_CONFIG_ACCESS Access;
    PCI_SCAN_RESULT Result;
    PPCI_FUNCTION Function;
    NTSTATUS Status;

    PciInitializeHalConfigAccess(&Access);
    Status = PciEnumerateBus(&Access, 0, &Result);
    if (!NT_SUCCESS(Status)) {
        DbgPrint("PCI: enumeration failed with 0x%08x\n", Status);
        return Status;
    }
    for (Function = Result.Functions; Function != NULL; Function = Function->Next) {
        PciPrintFunction(Function);
    }
    DbgPrint("PCI: %u function(s) on %u bus(es), %u problem(s) reported\n",
             Result.FunctionCount, Result.BusCount, Result.ProblemCount);
    PciFreeScanResult(&Result);
    return STATUS_SUCCESS;
}
