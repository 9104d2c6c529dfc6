/*
 * drivers/serial/dispatch.c - IRP_MJ_CREATE, CLOSE, CLEANUP, READ, WRITE.
 *
 * Every dispatch routine holds the remove lock while it works, so
 * IRP_MN_REMOVE_DEVICE waits for it (pnp.c). Reads and writes are queued
 * and pend; io.c completes them. The device is exclusive (one open
 * handle), as a serial port is on Windows: the I/O manager refuses a
 * second open.
 */
#include "serial.h"

/* Any IRQL <= DISPATCH_LEVEL. */
static NTSTATUS
SerialCompleteIrp(PIRP Irp, NTSTATUS Status, ULONG_PTR Information)
{
    Irp->IoStatus.Status = Status;
    Irp->IoStatus.Information = Information;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return Status;
}

/* Any IRQL. What new I/O gets in each PnP state: Windows' serial driver
 * answers STATUS_DELETE_PENDING once removal has begun and
 * STATUS_NO_SUCH_DEVICE when there is no hardware to use. */
NTSTATUS
SerialCheckState(PSERIAL_DEVICE_EXTENSION Extension)
{
    switch (Extension->PnpState) {
    case SerialStarted:
    case SerialStopPending:
    case SerialRemovePending:
        return STATUS_SUCCESS;
    case SerialRemoved:
        return STATUS_DELETE_PENDING;
    default:
        return STATUS_NO_SUCH_DEVICE;
    }
}

/* Any IRQL <= DISPATCH_LEVEL. The WDK: with SERIAL_ERROR_ABORT, after a
 * line error every request but IOCTL_SERIAL_GET_COMMSTATUS (which clears
 * the error) is cancelled. */
NTSTATUS
SerialCheckErrorAbort(PSERIAL_DEVICE_EXTENSION Extension)
{
    if ((Extension->Uart.HandFlow.ControlHandShake & SERIAL_ERROR_ABORT) != 0 &&
        *(volatile ULONG *)&Extension->ErrorsSeen != 0) {
        return STATUS_CANCELLED;
    }
    return STATUS_SUCCESS;
}

/* PASSIVE_LEVEL. A fresh open starts with no stale input, errors or
 * events, and statistics from zero. */
NTSTATUS
SerialCreate(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PSERIAL_DEVICE_EXTENSION Extension = DeviceObject->DeviceExtension;
    NTSTATUS Status;
    KIRQL OldIrql;

    Status = IoAcquireRemoveLock(&Extension->RemoveLock, Irp);
    if (!NT_SUCCESS(Status)) {
        return SerialCompleteIrp(Irp, Status, 0);
    }
    Status = SerialCheckState(Extension);
    if (NT_SUCCESS(Status)) {
        KeAcquireSpinLock(&Extension->ServiceLock, &OldIrql);
        (VOID)SerialRingGet(&Extension->Uart.Rx, NULL, MAXULONG);
        KeReleaseSpinLock(&Extension->ServiceLock, OldIrql);
        KeAcquireSpinLock(&Extension->QueueLock, &OldIrql);
        Extension->WaitMask = 0;
        Extension->HistoryMask = 0;
        Extension->ErrorsSeen = 0;
        KeReleaseSpinLock(&Extension->QueueLock, OldIrql);
        SerialClearStats(Extension);
        InterlockedIncrement(&Extension->OpenCount);
    }
    IoReleaseRemoveLock(&Extension->RemoveLock, Irp);
    return SerialCompleteIrp(Irp, Status, NT_SUCCESS(Status) ? FILE_OPENED : 0);
}

/* PASSIVE_LEVEL. Nothing is left to do at close: cleanup came first. */
NTSTATUS
SerialClose(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PSERIAL_DEVICE_EXTENSION Extension = DeviceObject->DeviceExtension;

    InterlockedDecrement(&Extension->OpenCount);
    return SerialCompleteIrp(Irp, STATUS_SUCCESS, 0);
}

/* PASSIVE_LEVEL. The handle is closing: every read, write and wait it
 * left pending completes with STATUS_CANCELLED (the I/O manager has also
 * cancelled them; whichever comes first completes each once). */
NTSTATUS
SerialCleanup(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PSERIAL_DEVICE_EXTENSION Extension = DeviceObject->DeviceExtension;
    PFILE_OBJECT FileObject = IoGetCurrentIrpStackLocation(Irp)->FileObject;

    SerialFlushQueue(&Extension->ReadQueue, FileObject, STATUS_CANCELLED);
    SerialFlushQueue(&Extension->WriteQueue, FileObject, STATUS_CANCELLED);
    SerialFlushQueue(&Extension->WaitQueue, FileObject, STATUS_CANCELLED);
    SerialServiceWrites(Extension);     /* the next handle's writes, if any */
    return SerialCompleteIrp(Irp, STATUS_SUCCESS, 0);
}

/* PASSIVE_LEVEL (or up to DISPATCH_LEVEL from a driver above). Queues
 * the IRP for io.c, which may complete it before this returns. */
static NTSTATUS
SerialQueueTransfer(PDEVICE_OBJECT DeviceObject, PIRP Irp, BOOLEAN Read)
{
    PSERIAL_DEVICE_EXTENSION Extension = DeviceObject->DeviceExtension;
    ULONG Length = IoGetCurrentIrpStackLocation(Irp)->Parameters.Read.Length;
    NTSTATUS Status;

    Status = IoAcquireRemoveLock(&Extension->RemoveLock, Irp);
    if (!NT_SUCCESS(Status)) {
        return SerialCompleteIrp(Irp, Status, 0);
    }
    Status = SerialCheckState(Extension);
    if (NT_SUCCESS(Status)) {
        Status = SerialCheckErrorAbort(Extension);
    }
    if (!NT_SUCCESS(Status) || Length == 0) {
        IoReleaseRemoveLock(&Extension->RemoveLock, Irp);
        return SerialCompleteIrp(Irp, Status, 0);
    }
    SerialIrpBytes(Irp) = 0;
    SerialIrpDeadline(Irp) = 0;
    SerialIrpFlags(Irp) = 0;
    if (Read) {
        Status = SerialQueueIrp(&Extension->ReadQueue, Irp, SERIAL_INSERT_TAIL);
        SerialServiceReads(Extension);
    } else {
        Status = SerialQueueIrp(&Extension->WriteQueue, Irp, SERIAL_INSERT_TAIL);
        SerialServiceWrites(Extension);
    }
    IoReleaseRemoveLock(&Extension->RemoveLock, Irp);
    return Status;
}

/* IRQL <= DISPATCH_LEVEL. */
NTSTATUS
SerialRead(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    return SerialQueueTransfer(DeviceObject, Irp, TRUE);
}

/* IRQL <= DISPATCH_LEVEL. */
NTSTATUS
SerialWrite(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    return SerialQueueTransfer(DeviceObject, Irp, FALSE);
}
