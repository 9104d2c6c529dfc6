/*
 * io/iobuild.c - IRPs the I/O manager builds for kernel-mode senders:
 * IoBuildSynchronousFsdRequest, IoBuildAsynchronousFsdRequest,
 * IoBuildDeviceIoControlRequest; and IoForwardIrpSynchronously.
 *
 * The built IRP is sized for the target's stack (DeviceObject->StackSize),
 * its next location holds the request, and the caller's buffer is handed
 * to the driver the way the driver asked for it:
 *   reads and writes, by the device's flags:
 *     DO_BUFFERED_IO  a SystemBuffer copy (in for a write; for a read,
 *                     Information bytes are copied out at completion)
 *     DO_DIRECT_IO    an MDL over the caller's buffer, probed and locked
 *     neither         UserBuffer = the caller's buffer
 *   IOCTLs, by the control code's METHOD_:
 *     METHOD_BUFFERED     one SystemBuffer of max(in, out) bytes: the input
 *                         is copied in, Information bytes copied out
 *     METHOD_IN/OUT_DIRECT the input in a SystemBuffer, the output buffer
 *                         described by an MDL (read by the device for
 *                         IN_DIRECT, written for OUT_DIRECT)
 *     METHOD_NEITHER      Type3InputBuffer and UserBuffer: the caller's own
 * Final completion (io/complete.c) undoes all of it, writes *IoStatusBlock,
 * signals the event and frees the IRP - except that a caller of
 * IoBuildAsynchronousFsdRequest must, as the WDK documents, claim the IRP
 * in its completion routine: free the MDLs and the IRP (IoFreeIrp also
 * frees the SystemBuffer) and return STATUS_MORE_PROCESSING_REQUIRED. On a
 * buffered device such a caller finds read data in SystemBuffer.
 */
#include "io/iopirp.h"

/* IRQL <= DISPATCH_LEVEL. A KernelMode IRP for DeviceObject's stack with
 * the next location's MajorFunction set; NULL when memory is short. */
static PIRP
IopBuildIrp(ULONG MajorFunction, PDEVICE_OBJECT DeviceObject, PIO_STATUS_BLOCK IoStatusBlock,
            PKEVENT Event, PIO_STACK_LOCATION *IrpSp)
{
    PIRP Irp = IoAllocateIrp(DeviceObject->StackSize, FALSE);

    if (Irp == NULL) {
        return NULL;
    }
    Irp->RequestorMode = KernelMode;
    Irp->UserIosb = IoStatusBlock;
    Irp->UserEvent = Event;
    Irp->Tail.Overlay.Thread = PsGetCurrentThread();
    *IrpSp = IoGetNextIrpStackLocation(Irp);
    (*IrpSp)->MajorFunction = (UCHAR)MajorFunction;
    return Irp;
}

/* IRQL <= DISPATCH_LEVEL. A zeroed SystemBuffer of Length bytes with the
 * first CopyIn bytes of Source; IRP_INPUT_OPERATION when data comes back.
 * Shared with the file API (io/iobuffer.c). */
BOOLEAN
IopAttachSystemBuffer(PIRP Irp, ULONG Length, PVOID Source, ULONG CopyIn, BOOLEAN Input)
{
    PVOID Buffer = ExAllocatePool2(POOL_FLAG_NON_PAGED, Length, IOP_SYSTEM_BUFFER_TAG);

    if (Buffer == NULL) {
        return FALSE;
    }
    if (CopyIn != 0) {
        RtlCopyMemory(Buffer, Source, CopyIn);
    }
    Irp->AssociatedIrp.SystemBuffer = Buffer;
    Irp->Flags |= IRP_BUFFERED_IO | IRP_DEALLOCATE_BUFFER | (Input ? IRP_INPUT_OPERATION : 0);
    return TRUE;
}

/* IRQL <= DISPATCH_LEVEL. An MDL over the caller's buffer, locked for how
 * the device will use it (the IRP's MdlAddress). Shared with the file API. */
BOOLEAN
IopAttachMdl(PIRP Irp, PVOID Buffer, ULONG Length, LOCK_OPERATION Operation)
{
    PMDL Mdl = IoAllocateMdl(Buffer, Length, FALSE, FALSE, Irp);

    if (Mdl == NULL) {
        return FALSE;
    }
    MmProbeAndLockPages(Mdl, KernelMode, Operation);
    return TRUE;
}

/* The IRP and what was attached to it, for a build that fails halfway. */
static VOID
IopDiscardBuiltIrp(PIRP Irp)
{
    if (Irp->MdlAddress != NULL) {
        IoFreeMdl(Irp->MdlAddress);     /* attached last: never locked when we get here */
        Irp->MdlAddress = NULL;
    }
    IoFreeIrp(Irp);
}

/* IRQL <= DISPATCH_LEVEL. Both FSD builders. */
static PIRP
IopBuildFsdRequest(PCSTR Routine, ULONG MajorFunction, PDEVICE_OBJECT DeviceObject, PVOID Buffer,
                   ULONG Length, PLARGE_INTEGER StartingOffset, PKEVENT Event,
                   PIO_STATUS_BLOCK IoStatusBlock, BOOLEAN Synchronous)
{
    PIO_STACK_LOCATION IrpSp;
    BOOLEAN Read = MajorFunction == IRP_MJ_READ;
    BOOLEAN Ok = TRUE;
    PIRP Irp;

    switch (MajorFunction) {
    case IRP_MJ_READ:
    case IRP_MJ_WRITE:
    case IRP_MJ_FLUSH_BUFFERS:
    case IRP_MJ_SHUTDOWN:
    case IRP_MJ_PNP:
        break;
    case IRP_MJ_POWER:
        if (!Synchronous) {
            break;
        }
        /* fall through */
    default:
        DbgPrint("%s: MajorFunction 0x%x is not one it builds (READ, WRITE, FLUSH_BUFFERS, "
                 "SHUTDOWN, PNP%s)\n", Routine, MajorFunction, Synchronous ? "" : ", POWER");
        return NULL;
    }
    if (DeviceObject == NULL || ((Read || MajorFunction == IRP_MJ_WRITE) && Length != 0 &&
                                 Buffer == NULL)) {
        DbgPrint("%s: %s is NULL\n", Routine, DeviceObject == NULL ? "DeviceObject" : "Buffer");
        return NULL;
    }
    Irp = IopBuildIrp(MajorFunction, DeviceObject, IoStatusBlock, Event, &IrpSp);
    if (Irp == NULL) {
        return NULL;
    }
    if (MajorFunction == IRP_MJ_PNP) {
        /* The PnP rule: an IRP nobody handles stays not supported. */
        Irp->IoStatus.Status = STATUS_NOT_SUPPORTED;
    }
    if (Read || MajorFunction == IRP_MJ_WRITE) {
        IrpSp->Parameters.Read.Length = Length;
        IrpSp->Parameters.Read.ByteOffset.QuadPart =
            StartingOffset != NULL ? StartingOffset->QuadPart : 0;
        Irp->UserBuffer = Buffer;
        if (Length != 0 && (DeviceObject->Flags & DO_BUFFERED_IO) != 0) {
            Ok = IopAttachSystemBuffer(Irp, Length, Buffer, Read ? 0 : Length, Read);
        } else if (Length != 0 && (DeviceObject->Flags & DO_DIRECT_IO) != 0) {
            Ok = IopAttachMdl(Irp, Buffer, Length, Read ? IoWriteAccess : IoReadAccess);
        }
    }
    if (!Ok) {
        IopDiscardBuiltIrp(Irp);
        return NULL;
    }
    return Irp;
}

/* IRQL PASSIVE_LEVEL (the caller waits on Event). */
PIRP NTAPI
IoBuildSynchronousFsdRequest(ULONG MajorFunction, PDEVICE_OBJECT DeviceObject, PVOID Buffer,
                             ULONG Length, PLARGE_INTEGER StartingOffset, PKEVENT Event,
                             PIO_STATUS_BLOCK IoStatusBlock)
{
    return IopBuildFsdRequest("IoBuildSynchronousFsdRequest", MajorFunction, DeviceObject, Buffer,
                              Length, StartingOffset, Event, IoStatusBlock, TRUE);
}

/* IRQL <= DISPATCH_LEVEL. */
PIRP NTAPI
IoBuildAsynchronousFsdRequest(ULONG MajorFunction, PDEVICE_OBJECT DeviceObject, PVOID Buffer,
                              ULONG Length, PLARGE_INTEGER StartingOffset,
                              PIO_STATUS_BLOCK IoStatusBlock)
{
    return IopBuildFsdRequest("IoBuildAsynchronousFsdRequest", MajorFunction, DeviceObject,
                              Buffer, Length, StartingOffset, NULL, IoStatusBlock, FALSE);
}

/* IRQL PASSIVE_LEVEL. */
PIRP NTAPI
IoBuildDeviceIoControlRequest(ULONG IoControlCode, PDEVICE_OBJECT DeviceObject, PVOID InputBuffer,
                              ULONG InputBufferLength, PVOID OutputBuffer, ULONG OutputBufferLength,
                              BOOLEAN InternalDeviceIoControl, PKEVENT Event,
                              PIO_STATUS_BLOCK IoStatusBlock)
{
    ULONG Method = METHOD_FROM_CTL_CODE(IoControlCode);
    PIO_STACK_LOCATION IrpSp;
    BOOLEAN Ok = TRUE;
    PIRP Irp;

    if (DeviceObject == NULL || (InputBufferLength != 0 && InputBuffer == NULL) ||
        (OutputBufferLength != 0 && OutputBuffer == NULL)) {
        DbgPrint("IoBuildDeviceIoControlRequest: IOCTL 0x%08x: %s\n", IoControlCode,
                 DeviceObject == NULL ? "DeviceObject is NULL"
                 : InputBuffer == NULL ? "InputBuffer is NULL but InputBufferLength is not 0"
                                       : "OutputBuffer is NULL but OutputBufferLength is not 0");
        return NULL;
    }
    Irp = IopBuildIrp(InternalDeviceIoControl ? IRP_MJ_INTERNAL_DEVICE_CONTROL
                                              : IRP_MJ_DEVICE_CONTROL,
                      DeviceObject, IoStatusBlock, Event, &IrpSp);
    if (Irp == NULL) {
        return NULL;
    }
    IrpSp->Parameters.DeviceIoControl.IoControlCode = IoControlCode;
    IrpSp->Parameters.DeviceIoControl.InputBufferLength = InputBufferLength;
    IrpSp->Parameters.DeviceIoControl.OutputBufferLength = OutputBufferLength;
    Irp->UserBuffer = OutputBuffer;

    switch (Method) {
    case METHOD_BUFFERED:
        if (InputBufferLength != 0 || OutputBufferLength != 0) {
            Ok = IopAttachSystemBuffer(Irp,
                                       InputBufferLength > OutputBufferLength ? InputBufferLength
                                                                              : OutputBufferLength,
                                       InputBuffer, InputBufferLength, OutputBufferLength != 0);
        }
        break;
    case METHOD_IN_DIRECT:
    case METHOD_OUT_DIRECT:
        if (InputBufferLength != 0) {
            Ok = IopAttachSystemBuffer(Irp, InputBufferLength, InputBuffer, InputBufferLength,
                                       FALSE);
        }
        if (Ok && OutputBufferLength != 0) {
            Ok = IopAttachMdl(Irp, OutputBuffer, OutputBufferLength,
                              Method == METHOD_IN_DIRECT ? IoReadAccess : IoWriteAccess);
        }
        break;
    default: /* METHOD_NEITHER */
        IrpSp->Parameters.DeviceIoControl.Type3InputBuffer = InputBuffer;
        break;
    }
    if (!Ok) {
        IopDiscardBuiltIrp(Irp);
        return NULL;
    }
    return Irp;
}

/* IRQL <= DISPATCH_LEVEL: wakes IoForwardIrpSynchronously and hands the IRP
 * back to it. */
static NTSTATUS
IopForwardedIrpCompleted(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    KeSetEvent((PKEVENT)Context, IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

/* IRQL PASSIVE_LEVEL (it waits). The caller's own location is copied to
 * the next one; when this returns TRUE the lower drivers are done, their
 * result is in Irp->IoStatus, and the IRP is the caller's to complete.
 * FALSE, with a message, when there is no lower stack location. */
BOOLEAN NTAPI
IoForwardIrpSynchronously(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    KEVENT Event;

    if (Irp->CurrentLocation <= 1) {
        DbgPrint("IoForwardIrpSynchronously: IRP %p has no stack location below the caller's "
                 "(caller %pS)\n", Irp, __builtin_return_address(0));
        return FALSE;
    }
    KeInitializeEvent(&Event, NotificationEvent, FALSE);
    IoCopyCurrentIrpStackLocationToNext(Irp);
    IoSetCompletionRoutine(Irp, IopForwardedIrpCompleted, &Event, TRUE, TRUE, TRUE);
    if (IoCallDriver(DeviceObject, Irp) == STATUS_PENDING) {
        KeWaitForSingleObject(&Event, Executive, KernelMode, FALSE, NULL);
    }
    return TRUE;
}
