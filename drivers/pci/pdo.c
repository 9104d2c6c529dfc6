/*
 * drivers/pci/pdo.c - IRP_MJ_PNP for a function's PDO (WDK, "Handling PnP
 * IRPs": bus drivers). The PDO is the bottom of the function's stack, so it
 * completes every IRP; what it does not handle it completes with the
 * status the IRP came with, as the WDK asks of a PDO.
 *
 * Start and stop are where the bus driver touches the function: the
 * Command register (PCI Local Bus 3.0, 6.2.2) gets I/O Space (bit 0) when
 * the assigned resources hold an I/O range, Memory Space (bit 1) for a
 * memory range, and Bus Master (bit 2) for a message-signaled interrupt
 * (an MSI is a memory write the function masters, 6.8). Then msi.c
 * programs the MSI capability or MSI-X table for the assigned messages and
 * sets Interrupt Disable (bit 10), or, without messages, turns them off
 * and clears it for the line. Stop, surprise removal and removal turn the
 * messages off first (the MSI-X table is behind a BAR) and then the
 * decoding start turned on. A function's driver that does DMA turns Bus
 * Master on itself through its config space.
 *
 * A PDO is deleted at REMOVE_DEVICE only when its function is gone from
 * the bus (the scan reported it absent); a removed function that is still
 * there keeps its PDO for the next enumeration, as the WDK prescribes.
 */
#include "pcibus.h"

/* PASSIVE_LEVEL. The decode bits the raw resources need. */
static USHORT
PciDecodeForResources(PCM_RESOURCE_LIST Resources, PBOOLEAN LineInterrupt)
{
    PCM_FULL_RESOURCE_DESCRIPTOR Full;
    PCM_PARTIAL_RESOURCE_DESCRIPTOR Partial;
    USHORT Bits = 0;
    ULONG List, Index;

    *LineInterrupt = FALSE;
    if (Resources == NULL) {
        return 0;
    }
    Full = Resources->List;
    for (List = 0; List < Resources->Count; List++) {
        Partial = Full->PartialResourceList.PartialDescriptors;
        for (Index = 0; Index < Full->PartialResourceList.Count; Index++, Partial++) {
            switch (Partial->Type) {
            case CmResourceTypePort:
                Bits |= PCI_ENABLE_IO_SPACE;
                break;
            case CmResourceTypeMemory:
            case CmResourceTypeMemoryLarge:
                Bits |= PCI_ENABLE_MEMORY_SPACE;
                break;
            case CmResourceTypeInterrupt:
                if (Partial->Flags & CM_RESOURCE_INTERRUPT_MESSAGE) {
                    Bits |= PCI_ENABLE_BUS_MASTER;
                } else {
                    *LineInterrupt = TRUE;
                }
                break;
            default:
                break;
            }
        }
        /* The next full descriptor follows the last partial one. */
        Full = (PCM_FULL_RESOURCE_DESCRIPTOR)Partial;
    }
    return Bits;
}

/* PASSIVE_LEVEL. Reads, changes and writes back the Command register. */
static NTSTATUS
PciUpdateCommand(PPCI_PDO_EXTENSION Pdo, USHORT Set, USHORT Clear)
{
    USHORT Command;

    if (PciPdoConfigAccess(Pdo, FALSE, &Command, PCI_COMMAND_OFFSET, sizeof(Command)) !=
        sizeof(Command)) {
        return STATUS_DEVICE_NOT_CONNECTED;
    }
    Command = (USHORT)((Command | Set) & ~Clear);
    if (PciPdoConfigAccess(Pdo, TRUE, &Command, PCI_COMMAND_OFFSET, sizeof(Command)) !=
        sizeof(Command)) {
        return STATUS_DEVICE_NOT_CONNECTED;
    }
    return STATUS_SUCCESS;
}

/* PASSIVE_LEVEL. */
static NTSTATUS
PciPdoStart(PPCI_PDO_EXTENSION Pdo, PIO_STACK_LOCATION IrpSp)
{
    BOOLEAN LineInterrupt;
    USHORT Bits;
    ULONG Messages;
    NTSTATUS Status;

    if (!Pdo->Present) {
        return STATUS_NO_SUCH_DEVICE;
    }
    Bits = PciDecodeForResources(IrpSp->Parameters.StartDevice.AllocatedResources,
                                 &LineInterrupt);
    Status = PciUpdateCommand(Pdo, Bits, 0);
    if (!NT_SUCCESS(Status)) {
        DbgPrint("PCI %02x:%02x.%x: its Command register cannot be written; not started\n",
                 PCI_FUNCTION_NAME_ARGS(&Pdo->Function));
        return Status;
    }
    /* Interrupt Disable and the messages (msi.c), with decode on. */
    Status = PciEnableMessages(&Pdo->Parent->Access, &Pdo->Function,
                               IrpSp->Parameters.StartDevice.AllocatedResources,
                               IrpSp->Parameters.StartDevice.AllocatedResourcesTranslated,
                               &Messages);
    if (!NT_SUCCESS(Status)) {
        DbgPrint("PCI %02x:%02x.%x: its message interrupts cannot be programmed (0x%08x); not "
                 "started\n", PCI_FUNCTION_NAME_ARGS(&Pdo->Function), (ULONG)Status);
        (VOID)PciUpdateCommand(Pdo, 0, Bits);
        return Status;
    }
    if (Messages != 0) {
        DbgPrint("PCI %02x:%02x.%x: %u MSI%s message(s) on\n",
                 PCI_FUNCTION_NAME_ARGS(&Pdo->Function), Messages,
                 Pdo->Function.MsiX.Present ? "-X" : "");
    } else if ((Pdo->Function.Msi.Present || Pdo->Function.MsiX.Present) && !LineInterrupt) {
        DbgPrint("PCI %02x:%02x.%x: started without an interrupt: neither messages nor a line "
                 "among its resources\n", PCI_FUNCTION_NAME_ARGS(&Pdo->Function));
    }
    Pdo->DecodeEnabled = Bits;
    Pdo->Started = TRUE;
    return STATUS_SUCCESS;
}

/* PASSIVE_LEVEL. Stop, surprise removal, removal. */
static VOID
PciPdoStopDecode(PPCI_PDO_EXTENSION Pdo)
{
    if (Pdo->Started && Pdo->Present) {
        PciDisableMessages(&Pdo->Parent->Access, &Pdo->Function);
    }
    if (Pdo->Started && Pdo->Present && Pdo->DecodeEnabled != 0) {
        (VOID)PciUpdateCommand(Pdo, 0, Pdo->DecodeEnabled);
    }
    Pdo->DecodeEnabled = 0;
    Pdo->Started = FALSE;
}

/* PASSIVE_LEVEL. Resource lists in pool the PnP manager frees. */
static NTSTATUS
PciPdoQueryResources(PPCI_PDO_EXTENSION Pdo, BOOLEAN Requirements, PULONG_PTR Information)
{
    NTSTATUS Status;

    if (Requirements) {
        PIO_RESOURCE_REQUIREMENTS_LIST List;

        Status = PciBuildRequirementsList(&Pdo->Function, &List);
        *Information = (ULONG_PTR)List;
    } else {
        PCM_RESOURCE_LIST List;

        Status = PciBuildResourceList(&Pdo->Function, &List);
        *Information = (ULONG_PTR)List;
    }
    return Status;
}

/* PASSIVE_LEVEL; READ_CONFIG and WRITE_CONFIG at IRQL <= DISPATCH_LEVEL. */
NTSTATUS
PciPdoPnp(PPCI_PDO_EXTENSION Pdo, PIRP Irp)
{
    PIO_STACK_LOCATION IrpSp = IoGetCurrentIrpStackLocation(Irp);
    PDEVICE_OBJECT Self = Pdo->Common.Self;
    NTSTATUS Status = Irp->IoStatus.Status;
    ULONG_PTR Information = Irp->IoStatus.Information;

    switch (IrpSp->MinorFunction) {
    case IRP_MN_START_DEVICE:
        Status = PciPdoStart(Pdo, IrpSp);
        break;
    case IRP_MN_QUERY_STOP_DEVICE:
    case IRP_MN_CANCEL_STOP_DEVICE:
    case IRP_MN_QUERY_REMOVE_DEVICE:
    case IRP_MN_CANCEL_REMOVE_DEVICE:
        Status = STATUS_SUCCESS;
        break;
    case IRP_MN_STOP_DEVICE:
    case IRP_MN_SURPRISE_REMOVAL:
        PciPdoStopDecode(Pdo);
        Status = STATUS_SUCCESS;
        break;
    case IRP_MN_REMOVE_DEVICE:
        PciPdoStopDecode(Pdo);
        if (!Pdo->Present) {
            RemoveEntryList(&Pdo->Link);
            Pdo->Parent->ChildCount--;
            Irp->IoStatus.Status = STATUS_SUCCESS;
            IoCompleteRequest(Irp, IO_NO_INCREMENT);
            IoDeleteDevice(Self);
            return STATUS_SUCCESS;
        }
        Status = STATUS_SUCCESS;
        break;
    case IRP_MN_QUERY_ID:
        Status = PciPdoQueryId(Pdo, IrpSp->Parameters.QueryId.IdType, &Information);
        if (Status == STATUS_NOT_SUPPORTED) {
            Status = Irp->IoStatus.Status;      /* an ID type PCI does not have */
            Information = Irp->IoStatus.Information;
        }
        break;
    case IRP_MN_QUERY_CAPABILITIES:
        Status = PciPdoQueryCapabilities(Pdo, IrpSp->Parameters.DeviceCapabilities.Capabilities);
        break;
    case IRP_MN_QUERY_RESOURCE_REQUIREMENTS:
    case IRP_MN_QUERY_RESOURCES:
        Status = PciPdoQueryResources(
            Pdo, IrpSp->MinorFunction == IRP_MN_QUERY_RESOURCE_REQUIREMENTS, &Information);
        break;
    case IRP_MN_QUERY_DEVICE_RELATIONS:
        if (IrpSp->Parameters.QueryDeviceRelations.Type == TargetDeviceRelation) {
            Status = PciPdoQueryTargetRelation(Pdo, &Information);
        }
        break;
    case IRP_MN_QUERY_BUS_INFORMATION:
        Status = PciPdoQueryBusInformation(Pdo, &Information);
        break;
    case IRP_MN_QUERY_DEVICE_TEXT:
        Status = PciPdoQueryDeviceText(Pdo, IrpSp->Parameters.QueryDeviceText.DeviceTextType,
                                       &Information);
        if (Status == STATUS_NOT_SUPPORTED) {
            Status = Irp->IoStatus.Status;      /* a text type PCI does not have */
            Information = Irp->IoStatus.Information;
        }
        break;
    case IRP_MN_READ_CONFIG:
    case IRP_MN_WRITE_CONFIG:
        Status = PciPdoReadWriteConfig(Pdo, IrpSp, IrpSp->MinorFunction == IRP_MN_WRITE_CONFIG,
                                       &Information);
        break;
    case IRP_MN_QUERY_INTERFACE:
        Status = PciPdoQueryInterface(Pdo, IrpSp);
        if (Status == STATUS_NOT_SUPPORTED) {
            Status = Irp->IoStatus.Status;      /* not ours: as it came */
        }
        break;
    default:
        break;
    }
    Irp->IoStatus.Status = Status;
    Irp->IoStatus.Information = Information;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return Status;
}
