/*
 * drivers/pci/pnp.c - AddDevice for a PCI root bus, and the FDO's
 * IRP_MJ_PNP (WDK, "Handling PnP IRPs": function drivers, since on the
 * root bus's stack the PCI driver is the function driver).
 *
 * START_DEVICE goes down first (the root bus's PDO starts before its
 * FDO), then the bus is scanned; BusRelations scans again (unless the
 * start's scan has not been reported yet) and reports one PDO per function.
 * REMOVE_DEVICE deletes the PDOs left, detaches and deletes the FDO.
 * Everything else goes down unchanged.
 */
#include "pcibus.h"

/* PASSIVE_LEVEL. The root bus's FDO, attached above PhysicalDeviceObject. */
NTSTATUS
PciAddDevice(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT PhysicalDeviceObject)
{
    PPCI_FDO_EXTENSION Fdo;
    PDEVICE_OBJECT DeviceObject;
    NTSTATUS Status;

    Status = IoCreateDevice(DriverObject, sizeof(PCI_FDO_EXTENSION), NULL,
                            FILE_DEVICE_BUS_EXTENDER, FILE_DEVICE_SECURE_OPEN, FALSE,
                            &DeviceObject);
    if (!NT_SUCCESS(Status)) {
        DbgPrint("PCI: AddDevice cannot create the root bus's FDO: 0x%08x\n", (ULONG)Status);
        return Status;
    }
    Fdo = DeviceObject->DeviceExtension;
    RtlZeroMemory(Fdo, sizeof(*Fdo));
    Fdo->Common.IsFdo = TRUE;
    Fdo->Common.Self = DeviceObject;
    Fdo->Common.DevicePowerState = PowerDeviceD0;
    Fdo->PhysicalDeviceObject = PhysicalDeviceObject;
    /* Kestrel's one root bus is bus 0 of segment 0; a machine with more
     * host bridges would need each one's _BBN, which takes AML. */
    Fdo->RootBus = 0;
    PciInitializeHalConfigAccess(&Fdo->Access);
    InitializeListHead(&Fdo->Children);
    Fdo->LowerDevice = IoAttachDeviceToDeviceStack(DeviceObject, PhysicalDeviceObject);
    if (Fdo->LowerDevice == NULL) {
        IoDeleteDevice(DeviceObject);
        return STATUS_NO_SUCH_DEVICE;
    }
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

/* PASSIVE_LEVEL. */
NTSTATUS
PciFdoPnp(PPCI_FDO_EXTENSION Fdo, PIRP Irp)
{
    PIO_STACK_LOCATION IrpSp = IoGetCurrentIrpStackLocation(Irp);
    PDEVICE_RELATIONS Relations;
    PDEVICE_OBJECT Lower = Fdo->LowerDevice;
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
        /* No filter above us may have put relations here: the root bus's
         * FDO is the only one reporting its children. */
        Irp->IoStatus.Information = (ULONG_PTR)Relations;
        Irp->IoStatus.Status = STATUS_SUCCESS;
        break;

    case IRP_MN_QUERY_STOP_DEVICE:
        /* Kestrel keeps the firmware's bus numbers and windows; the bus
         * cannot be given other resources, so it is never stopped. */
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
        Fdo->Started = FALSE;
        Irp->IoStatus.Status = STATUS_SUCCESS;
        IoSkipCurrentIrpStackLocation(Irp);
        Status = IoCallDriver(Lower, Irp);
        PciFdoDeleteChildren(Fdo);
        IoDetachDevice(Lower);
        IoDeleteDevice(Fdo->Common.Self);
        return Status;

    default:
        break;
    }
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(Lower, Irp);
}
