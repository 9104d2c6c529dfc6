/*
 * hal/irqroute.c - from a bus interrupt to a vector, and from a vector to
 * its IOAPIC input.
 *
 * HalGetInterruptVector is how a driver learns the vector and DIRQL of its
 * line until PnP hands out translated resources: it routes the line to a
 * GSI (through the MADT's interrupt source overrides for ISA IRQs), gives
 * the GSI a vector (hal/vector.c; a line asked for twice keeps its vector,
 * which is what makes sharing work), and remembers the line's polarity.
 * The IOAPIC input is programmed when the first interrupt object connects
 * (HalpEnableInterruptVector) and masked when the last leaves.
 *
 * Trigger mode: the MADT (or the bus) says how the line signals; the
 * connecting driver says so too (KINTERRUPT_MODE). Windows takes both from
 * the same resource descriptor. Here they can disagree, and the driver's
 * word is used - it knows its device - with a message naming the line.
 */
#include "hal/halp.h"
#include "hal/acpip.h"
#include "kernel/ke/ki.h"

HAL_VECTOR_MAP HalpVectorMap;
KSPIN_LOCK HalpVectorMapLock;            /* also taken by hal/msiroute.c */

/* IRQL <= DISPATCH_LEVEL. */
ULONG NTAPI
HalGetInterruptVector(INTERFACE_TYPE InterfaceType, ULONG BusNumber, ULONG BusInterruptLevel,
                      ULONG BusInterruptVector, PKIRQL Irql, PKAFFINITY Affinity)
{
    ACPI_INTERRUPT_ROUTE Route;
    HAL_INTERRUPT_POLARITY Polarity;
    KINTERRUPT_MODE Mode;
    ULONG Gsi, Vector;
    KIRQL OldIrql;

    UNREFERENCED_PARAMETER(BusNumber);
    UNREFERENCED_PARAMETER(BusInterruptVector);
    *Irql = 0;
    *Affinity = 0;
    switch (InterfaceType) {
    case Isa:
        if (!NT_SUCCESS(HalpAcpiRouteIsaIrq(HalpAcpiInformation.MadtPresent
                                                ? &HalpAcpiInformation.Madt : NULL,
                                            BusInterruptLevel, &Route))) {
            DbgPrint("HalGetInterruptVector: there is no ISA IRQ %u (0-15)\n",
                     BusInterruptLevel);
            return 0;
        }
        Gsi = Route.Gsi;
        Polarity = Route.Polarity == AcpiActiveLow ? HalActiveLow : HalActiveHigh;
        Mode = Route.Trigger == AcpiLevelTriggered ? LevelSensitive : Latched;
        break;
    case PCIBus:
    case Internal:
        /* PCI INTx lines are shared, level triggered, active low (PCI Local
         * Bus 3.0, 2.2.6). */
        Gsi = BusInterruptLevel;
        Polarity = HalActiveLow;
        Mode = LevelSensitive;
        break;
    default:
        DbgPrint("HalGetInterruptVector: interface type %d is not supported (Isa, PCIBus and "
                 "Internal are)\n", (int)InterfaceType);
        return 0;
    }
    if (!HalpIoApicHasGsi(Gsi)) {
        DbgPrint("HalGetInterruptVector: GSI %u (from %s line %u) has no IOAPIC input\n", Gsi,
                 InterfaceType == Isa ? "ISA IRQ" : "interrupt", BusInterruptLevel);
        return 0;
    }
    KeAcquireSpinLock(&HalpVectorMapLock, &OldIrql);
    Vector = HalpFindVectorForGsi(&HalpVectorMap, Gsi);
    if (Vector == 0) {
        Vector = HalpAllocateDeviceVector(&HalpVectorMap, Gsi, Polarity, Mode);
    }
    KeReleaseSpinLock(&HalpVectorMapLock, OldIrql);
    if (Vector == 0) {
        DbgPrint("HalGetInterruptVector: no free device vector left for GSI %u\n", Gsi);
        return 0;
    }
    *Irql = HAL_VECTOR_TO_IRQL(Vector);
    *Affinity = 1; /* the boot processor: every IOAPIC entry targets it */
    return Vector;
}

/* Any IRQL (reads a map entry that only ever gains lines). */
BOOLEAN
HalpVectorToGsi(ULONG Vector, PULONG Gsi)
{
    const HAL_VECTOR_ENTRY *Entry;

    if (Vector >= 256) {
        return FALSE;
    }
    Entry = &HalpVectorMap.Vectors[Vector];
    if (!Entry->InUse || !Entry->HasLine) {
        return FALSE;
    }
    *Gsi = Entry->Gsi;
    return TRUE;
}

/* Called with the vector's connect lock held (HIGH_LEVEL). Vectors without
 * an IOAPIC line (the local APIC's, IPIs, the clock) need nothing. */
NTSTATUS
HalpEnableInterruptVector(ULONG Vector, KINTERRUPT_MODE Mode)
{
    const HAL_VECTOR_ENTRY *Entry;
    NTSTATUS Status;
    ULONG Gsi;

    if (!HalpVectorToGsi(Vector, &Gsi)) {
        return STATUS_SUCCESS;
    }
    Entry = &HalpVectorMap.Vectors[Vector];
    if (Mode != (KINTERRUPT_MODE)Entry->FirmwareMode) {
        DbgPrint("HAL: GSI %u (vector 0x%x) is connected %s, but the firmware says it is %s; "
                 "programming it %s as the driver asks\n", Gsi, Vector,
                 Mode == LevelSensitive ? "level sensitive" : "latched",
                 Entry->FirmwareMode == LevelSensitive ? "level triggered" : "edge triggered",
                 Mode == LevelSensitive ? "level triggered" : "edge triggered");
    }
    Status = HalpIoApicProgram(Gsi, Vector, (HAL_INTERRUPT_POLARITY)Entry->Polarity, Mode);
    if (NT_SUCCESS(Status)) {
        Status = HalpIoApicSetMask(Gsi, FALSE);
    }
    return Status;
}

/* Any IRQL. */
VOID
HalpDisableInterruptVector(ULONG Vector)
{
    ULONG Gsi;

    if (HalpVectorToGsi(Vector, &Gsi)) {
        HalpIoApicSetMask(Gsi, TRUE);
    }
}
