/*
 * io/iobuffer.c - how a caller's buffer reaches the driver: buffered,
 * direct or neither.
 *
 * For reads and writes the device chooses with its flags (the top of the
 * stack's, as on Windows); for device control the control code chooses
 * with its METHOD_ bits (CTL_CODE, ddk/iotypes.h):
 *
 *   buffered (DO_BUFFERED_IO,    Irp->AssociatedIrp.SystemBuffer: a pool copy of
 *   METHOD_BUFFERED)             the input; output written there is copied back,
 *                                Information bytes, at completion (IRP_BUFFERED_IO
 *                                | IRP_INPUT_OPERATION)
 *   direct (DO_DIRECT_IO,        Irp->MdlAddress: the caller's buffer, locked; an
 *   METHOD_IN/OUT_DIRECT)        IOCTL's input still comes buffered in SystemBuffer
 *   neither                      Irp->UserBuffer (output) and, for IOCTLs,
 *                                Parameters.DeviceIoControl.Type3InputBuffer: the
 *                                caller's own pointers
 *
 * Irp->UserBuffer is the caller's output buffer in every case.
 */
#include "io/fileio.h"
#include "kernel/rtl/crt.h"

/* A zeroed system buffer of Size bytes, owned by the IRP. */
static NTSTATUS
IopAllocateSystemBuffer(PIRP Irp, ULONG Size)
{
    Irp->AssociatedIrp.SystemBuffer = ExAllocatePoolZero(NonPagedPoolNx, Size,
                                                         IOP_FILE_BUFFER_TAG);
    if (Irp->AssociatedIrp.SystemBuffer == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    Irp->Flags |= IRP_BUFFERED_IO | IRP_DEALLOCATE_BUFFER;
    return STATUS_SUCCESS;
}

/* Locks Length bytes at Buffer and hangs the MDL on the IRP. The caller
 * checked the buffer (IopCheckCallerBuffer), so the probe cannot fail. */
static NTSTATUS
IopLockCallerBuffer(PIRP Irp, PVOID Buffer, ULONG Length, LOCK_OPERATION Operation)
{
    PMDL Mdl = IoAllocateMdl(Buffer, Length, FALSE, FALSE, Irp);

    if (Mdl == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    MmProbeAndLockPages(Mdl, KernelMode, Operation);
    return STATUS_SUCCESS;
}

/* IRQL <= DISPATCH_LEVEL. */
NTSTATUS
IopSetTransferBuffer(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Buffer, ULONG Length,
                     BOOLEAN Input)
{
    NTSTATUS Status;

    Irp->UserBuffer = Buffer;
    if (Length == 0) {
        return STATUS_SUCCESS;
    }
    if ((DeviceObject->Flags & DO_BUFFERED_IO) != 0) {
        Status = IopAllocateSystemBuffer(Irp, Length);
        if (!NT_SUCCESS(Status)) {
            return Status;
        }
        if (Input) {
            Irp->Flags |= IRP_INPUT_OPERATION;
            IopFileIrpLocation(Irp)->Parameters.Others.Argument3 = (PVOID)(ULONG_PTR)Length;
        } else {
            memcpy(Irp->AssociatedIrp.SystemBuffer, Buffer, Length);
        }
        return STATUS_SUCCESS;
    }
    if ((DeviceObject->Flags & DO_DIRECT_IO) != 0) {
        /* A read writes the caller's pages; a write reads them. */
        return IopLockCallerBuffer(Irp, Buffer, Length, Input ? IoWriteAccess : IoReadAccess);
    }
    return STATUS_SUCCESS;
}

/* IRQL <= DISPATCH_LEVEL. */
NTSTATUS
IopSetControlBuffers(PIRP Irp, ULONG IoControlCode, PVOID InputBuffer, ULONG InputBufferLength,
                     PVOID OutputBuffer, ULONG OutputBufferLength)
{
    ULONG Method = METHOD_FROM_CTL_CODE(IoControlCode);
    NTSTATUS Status;

    Irp->UserBuffer = OutputBuffer;
    switch (Method) {
    case METHOD_BUFFERED:
        /* One buffer, the larger of the two, holds the input going down
         * and the output coming back. The rest is zeroed, so that no
         * stale pool reaches the caller if the driver writes less. */
        if (InputBufferLength == 0 && OutputBufferLength == 0) {
            return STATUS_SUCCESS;
        }
        Status = IopAllocateSystemBuffer(Irp, InputBufferLength > OutputBufferLength
                                                  ? InputBufferLength
                                                  : OutputBufferLength);
        if (!NT_SUCCESS(Status)) {
            return Status;
        }
        if (InputBufferLength != 0) {
            memcpy(Irp->AssociatedIrp.SystemBuffer, InputBuffer, InputBufferLength);
        }
        if (OutputBufferLength != 0) {
            Irp->Flags |= IRP_INPUT_OPERATION;
            IopFileIrpLocation(Irp)->Parameters.Others.Argument3 =
                (PVOID)(ULONG_PTR)OutputBufferLength;
        }
        return STATUS_SUCCESS;
    case METHOD_IN_DIRECT:
    case METHOD_OUT_DIRECT:
        if (InputBufferLength != 0) {
            Status = IopAllocateSystemBuffer(Irp, InputBufferLength);
            if (!NT_SUCCESS(Status)) {
                return Status;
            }
            memcpy(Irp->AssociatedIrp.SystemBuffer, InputBuffer, InputBufferLength);
        }
        if (OutputBufferLength != 0) {
            /* IN_DIRECT: the device reads the "output" buffer (data to the
             * device); OUT_DIRECT: it writes it. */
            return IopLockCallerBuffer(Irp, OutputBuffer, OutputBufferLength,
                                       Method == METHOD_IN_DIRECT ? IoReadAccess
                                                                  : IoWriteAccess);
        }
        return STATUS_SUCCESS;
    default:
        IoGetNextIrpStackLocation(Irp)->Parameters.DeviceIoControl.Type3InputBuffer =
            InputBuffer;
        return STATUS_SUCCESS;
    }
}
