/*
 * drivers/pci/pnp.c - AddDevice for a PCI bus, and the FDO's IRP_MJ_PNP
 * (WDK, "Handling PnP IRPs": function drivers, since on a bus's stack the
 * PCI driver is the function driver).
 *
 * AddDevice is called for two kinds of PDO. The root enumerator's
 * ACPI\PNP0A08 or ACPI\PNP0A03 is a root bus: bus 0 (Kestrel reads no _BBN).
 * One of this driver's own PDOs is a PCI-to-PCI bridge the PnP manager
 * matched by class (PCI\CC_0604): its bus is the bridge's Secondary Bus
 * Number (PCI-to-PCI Bridge Architecture 1.2, 3.2.5.3), as the firmware
 * numbered it; Kestrel renumbers nothing. Bus numbers are not trusted: a
 * bridge whose secondary bus is 0, not above its own bus, or a bus another
 * FDO serves already gets no FDO (AddDevice fails, naming the problem).
 *
 * START_DEVICE goes down first (the bus's PDO starts before its FDO), then
 * the bus is scanned; BusRelations scans again (unless the start's scan has
 * not been reported yet) and reports one PDO per function. A bus cannot be
 * stopped (QUERY_STOP fails): its numbers and windows are the firmware's
 * and cannot be rebalanced. It may be removed: the PnP manager removes the
 * children first, then REMOVE_DEVICE deletes the PDOs left, detaches and
 * deletes the FDO. Everything else goes down unchanged.
 */
#include "pcibus.h"

/* The buses an FDO serves, so that two bridges naming the same secondary
 * bus do not both scan it. AddDevice and REMOVE_DEVICE run under the PnP
 * manager's tree lock, which serializes them. */
static BOOLEAN PciBusServed[256];

/* PASSIVE_LEVEL. Which bus an FDO above PhysicalDeviceObject would serve;
 * STATUS_INVALID_DEVICE_STATE (printed) when it must not be served. */
static NTSTATUS
PciBusForPdo(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT PhysicalDeviceObject,
             PPCI_PDO_EXTENSION *Bridge, PUCHAR Bus, PUCHAR ParentBus)
{
    PPCI_PDO_EXTENSION Pdo;
    ULONG Problems = 0;

    *Bridge = NULL;
    if (PhysicalDeviceObject->DriverObject != DriverObject) {
        /* The root enumerator's PCI root bus. */
        *Bus = *ParentBus = 0;
        if (PciBusServed[0]) {
            DbgPrint("PCI: a second root bus reported; bus 0 has an FDO already\n");
            return STATUS_INVALID_DEVICE_STATE;
        }
        return STATUS_SUCCESS;
    }
    Pdo = PhysicalDeviceObject->DeviceExtension;
    if (Pdo->Common.IsFdo || Pdo->Function.HeaderType != PCI_BRIDGE_TYPE) {
        DbgPrint("PCI %02x:%02x.%x: class %02x%02x with header type %u is not a PCI-to-PCI "
                 "bridge; no bus FDO for it\n", PCI_FUNCTION_NAME_ARGS(&Pdo->Function),
                 Pdo->Function.BaseClass, Pdo->Function.SubClass, Pdo->Function.HeaderType);
        return STATUS_INVALID_DEVICE_STATE;
    }
    if (!PciCheckSecondaryBus(&Pdo->Function, PciBusServed, &Problems)) {
        return STATUS_INVALID_DEVICE_STATE;
    }
    *Bridge = Pdo;
    *Bus = Pdo->Function.SecondaryBus;
    *ParentBus = Pdo->Function.Bus;
    return STATUS_SUCCESS;
}

/* PASSIVE_LEVEL, tree lock held. The FDO of a root bus or of a bridge's
 * secondary bus, attached above PhysicalDeviceObject. */
NTSTATUS
PciAddDevice(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT PhysicalDeviceObject)
{
    PPCI_PDO_EXTENSION Bridge;
    PPCI_FDO_EXTENSION Fdo;
    PDEVICE_OBJECT DeviceObject;
    UCHAR Bus, ParentBus;
    NTSTATUS Status;

    Status = PciBusForPdo(DriverObject, PhysicalDeviceObject, &Bridge, &Bus, &ParentBus);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    Status = IoCreateDevice(DriverObject, sizeof(PCI_FDO_EXTENSION), NULL,
                            FILE_DEVICE_BUS_EXTENDER, FILE_DEVICE_SECURE_OPEN, FALSE,
                            &DeviceObject);
    if (!NT_SUCCESS(Status)) {
        DbgPrint("PCI: AddDevice cannot create the FDO of bus %u: 0x%08x\n", Bus, (ULONG)Status);
        return Status;
    }
    Fdo = DeviceObject->DeviceExtension;
    RtlZeroMemory(Fdo, sizeof(*Fdo));
    Fdo->Common.IsFdo = TRUE;
    Fdo->Common.Self = DeviceObject;
    Fdo->Common.DevicePowerState = PowerDeviceD0;
    Fdo->PhysicalDeviceObject = PhysicalDeviceObject;
    Fdo->Bridge = Bridge;
    Fdo->BusNumber = Bus;
    Fdo->ParentBus = ParentBus;
    /* A PCI Express port with a slot names it (caps.c); its functions sit
     * in that slot. Anything else: unknown. */
    Fdo->SlotNumber = Bridge != NULL ? Bridge->Function.PhysicalSlotNumber : MAXULONG;
    PciInitializeHalConfigAccess(&Fdo->Access);
    InitializeListHead(&Fdo->Children);
    Fdo->LowerDevice = IoAttachDeviceToDeviceStack(DeviceObject, PhysicalDeviceObject);
    if (Fdo->LowerDevice == NULL) {
        IoDeleteDevice(DeviceObject);
        return STATUS_NO_SUCH_DEVICE;
    }
    PciBusServed[Bus] = TRUE;
    DeviceObject->Flags &= ~DO_DEVICE_INITIALIZING;
    return STATUS_SUCCESS;
}

/* PASSIVE_LEVEL. */
static NTSTATUS
PciFdoStart(PPCI_FDO_EXTENSION Fdo, PIRP Irp)
{
    NTSTATUS Status;

    if (!IoForwardIrpSynchronously(Fdo->LowerDevice, Irp)) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    Status = Irp->IoStatus.Status;
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    Status = PciFdoScanBus(Fdo);
    if (NT_SUCCESS(Status)) {
        Fdo->Started = TRUE;
        Fdo->ScanReported = FALSE;
    }
    return Status;
}

/* PASSIVE_LEVEL, tree lock held. The bus goes: its children's REMOVE_DEVICE
 * came first (the PnP manager removes a subtree from the leaves up), so
 * none of them is started any more; the PDOs left go with the FDO. */
static NTSTATUS
PciFdoRemove(PPCI_FDO_EXTENSION Fdo, PIRP Irp)
{
    PDEVICE_OBJECT Lower = Fdo->LowerDevice;
    PLIST_ENTRY Link;
    NTSTATUS Status;

    for (Link = Fdo->Children.Flink; Link != &Fdo->Children; Link = Link->Flink) {
        PPCI_PDO_EXTENSION Child = CONTAINING_RECORD(Link, PCI_PDO_EXTENSION, Link);

        if (Child->Started) {
            DbgPrint("PCI %02x:%02x.%x: still started when its bus %u is removed\n",
                     PCI_FUNCTION_NAME_ARGS(&Child->Function), Fdo->BusNumber);
            Fdo->StartedChildrenAtRemove++;
        }
    }
    Fdo->Started = FALSE;
    Irp->IoStatus.Status = STATUS_SUCCESS;
    IoSkipCurrentIrpStackLocation(Irp);
    Status = IoCallDriver(Lower, Irp);
    PciFdoDeleteChildren(Fdo);
    PciBusServed[Fdo->BusNumber] = FALSE;
    IoDetachDevice(Lower);
    IoDeleteDevice(Fdo->Common.Self);
    return Status;
}

/* PASSIVE_LEVEL. */
NTSTATUS
PciFdoPnp(PPCI_FDO_EXTENSION Fdo, PIRP Irp)
{
    PIO_STACK_LOCATION IrpSp = IoGetCurrentIrpStackLocation(Irp);
    PDEVICE_RELATIONS Relations;
    NTSTATUS Status;

    switch (IrpSp->MinorFunction) {
    case IRP_MN_START_DEVICE:
        Status = PciFdoStart(Fdo, Irp);
        Irp->IoStatus.Status = Status;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return Status;

    case IRP_MN_QUERY_DEVICE_RELATIONS:
        if (IrpSp->Parameters.QueryDeviceRelations.Type != BusRelations || !Fdo->Started) {
            break;
        }
        /* The start's scan is fresh; any later question scans again. */
        Status = Fdo->ScanReported ? PciFdoScanBus(Fdo) : STATUS_SUCCESS;
        if (NT_SUCCESS(Status)) {
            Status = PciFdoBusRelations(Fdo, &Relations);
        }
        if (!NT_SUCCESS(Status)) {
            Irp->IoStatus.Status = Status;
            IoCompleteRequest(Irp, IO_NO_INCREMENT);
            return Status;
        }
        Fdo->ScanReported = TRUE;
        /* No filter above us may have put relations here: a bus's FDO is
         * the only one reporting its children. */
        Irp->IoStatus.Information = (ULONG_PTR)Relations;
        Irp->IoStatus.Status = STATUS_SUCCESS;
        break;

    case IRP_MN_QUERY_STOP_DEVICE:
        /* Kestrel keeps the firmware's bus numbers and bridge windows; a bus
         * cannot be given other resources, so it is never stopped. */
        DbgPrint("PCI: bus %u keeps the firmware's numbers and windows; it cannot be stopped\n",
                 Fdo->BusNumber);
        Irp->IoStatus.Status = STATUS_UNSUCCESSFUL;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return STATUS_UNSUCCESSFUL;

    case IRP_MN_QUERY_REMOVE_DEVICE:
    case IRP_MN_CANCEL_REMOVE_DEVICE:
    case IRP_MN_CANCEL_STOP_DEVICE:
    case IRP_MN_SURPRISE_REMOVAL:
        Irp->IoStatus.Status = STATUS_SUCCESS;
        break;

    case IRP_MN_REMOVE_DEVICE:
        return PciFdoRemove(Fdo, Irp);

    default:
        break;
    }
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(Fdo->LowerDevice, Irp);
}
