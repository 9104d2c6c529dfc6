/*
 * io/close.c - the end of an open: IRP_MJ_CLEANUP when the last handle
 * closes (IopCloseFile, the File type's close procedure, called by ZwClose)
 * and IRP_MJ_CLOSE when the last reference goes (IopDeleteFile, its delete
 * procedure).
 *
 * Between the two, IRPs still in flight keep the file object alive: the
 * WDK has the driver complete, in its cleanup routine, the IRPs it queued
 * for the file, and the I/O manager first cancels every IRP issued on it,
 * so a driver with cancel routines needs no cleanup code for them.
 */
#include "io/fileio.h"

/* PASSIVE_LEVEL. Sends Major (cleanup or close) and waits for it. */
static NTSTATUS
IopSendCloseIrp(PFILE_OBJECT FileObject, UCHAR MajorFunction)
{
    IO_STATUS_BLOCK IoStatus;
    IOP_FILE_REQUEST Request;
    PIO_STACK_LOCATION IrpSp;
    PIRP Irp;

    Request.FileObject = FileObject;
    Request.UserEvent = NULL;
    Request.IoStatusBlock = &IoStatus;
    /* An IRP is a few hundred bytes; if even that fails the driver never
     * hears of the close, which is reported, not hidden. */
    Irp = IopAllocateFileIrp(&Request, MajorFunction, &IrpSp);
    if (Irp == NULL) {
        DbgPrint("Io: no memory for the %s IRP of file object %p on %wZ\n",
                 MajorFunction == IRP_MJ_CLEANUP ? "IRP_MJ_CLEANUP" : "IRP_MJ_CLOSE", FileObject,
                 &FileObject->DeviceObject->DriverObject->DriverName);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    Irp->Flags |= IRP_CLOSE_OPERATION | IRP_SYNCHRONOUS_API;
    return IopCallFileDriver(&Request, Irp);
}

/* PASSIVE_LEVEL (ZwClose): the close procedure of the File type. */
VOID
IopCloseFile(PVOID Object, LONG_PTR HandlesLeft)
{
    PFILE_OBJECT FileObject = Object;

    if (HandlesLeft != 0 || (FileObject->Flags & FO_FILE_OPEN) == 0 ||
        (FileObject->Flags & FO_CLEANUP_COMPLETE) != 0) {
        return;
    }
    IopCancelFileIrps(FileObject);
    (VOID)IopSendCloseIrp(FileObject, IRP_MJ_CLEANUP);
    FileObject->Flags |= FO_CLEANUP_COMPLETE;
}

/*
 * The last reference went: PASSIVE_LEVEL normally (ZwClose, or the
 * completion of the last IRP in flight). IRP_MJ_CLOSE is sent and waited
 * for here, so a driver that completes it later, from a DPC, must not be
 * the one dropping the last reference from DISPATCH_LEVEL; drivers
 * complete IRP_MJ_CLOSE at once, as the WDK's samples do.
 */
VOID
IopDeleteFile(PVOID Object)
{
    PFILE_OBJECT FileObject = Object;
    PDEVICE_OBJECT Device = FileObject->DeviceObject;

    if ((FileObject->Flags & FO_FILE_OPEN) != 0) {
        if (KeGetCurrentIrql() > APC_LEVEL) {
            DbgPrint("Io: the last reference to file object %p on %wZ went at IRQL %u; "
                     "IRP_MJ_CLOSE is sent from there and must not pend\n", FileObject,
                     &Device->DriverObject->DriverName, KeGetCurrentIrql());
        }
        /* Opened without a handle (IoGetDeviceObjectPointer): cleanup first. */
        if ((FileObject->Flags & FO_CLEANUP_COMPLETE) == 0) {
            (VOID)IopSendCloseIrp(FileObject, IRP_MJ_CLEANUP);
            FileObject->Flags |= FO_CLEANUP_COMPLETE;
        }
        (VOID)IopSendCloseIrp(FileObject, IRP_MJ_CLOSE);
    }
    if (FileObject->FileName.Buffer != NULL) {
        ExFreePoolWithTag(FileObject->FileName.Buffer, IOP_FILE_TAG);
    }
    IopDecrementDeviceOpenCount(Device);
    ObfDereferenceObject(Device);
}
