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
#include "io/iopirp.h"

/* IRQL <= DISPATCH_LEVEL. */
NTSTATUS
IopSetTransferBuffer(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Buffer, ULONG Length,
                     BOOLEAN Input)
{
    Irp->UserBuffer = Buffer;
    if (Length == 0) {
        return STATUS_SUCCESS;
    }
    if ((DeviceObject->Flags & DO_BUFFERED_IO) != 0) {
        /* A read comes back through the buffer; a write goes down in it. */
        if (!IopAttachSystemBuffer(Irp, Length, Buffer, Input ? 0 : Length, Input)) {
            return STATUS_INSUFFICIENT_RESOURCES;
        }
        if (Input) {
            IopFileIrpLocation(Irp)->Parameters.Others.Argument3 = (PVOID)(ULONG_PTR)Length;
        }
        return STATUS_SUCCESS;
    }
    if ((DeviceObject->Flags & DO_DIRECT_IO) != 0) {
        /* A read writes the caller's pages; a write reads them. */
        return IopAttachMdl(Irp, Buffer, Length, Input ? IoWriteAccess : IoReadAccess)
                   ? STATUS_SUCCESS
                   : STATUS_INSUFFICIENT_RESOURCES;
    }
    return STATUS_SUCCESS;
}

/* IRQL <= DISPATCH_LEVEL. */
NTSTATUS
IopSetControlBuffers(PIRP Irp, ULONG IoControlCode, PVOID InputBuffer, ULONG InputBufferLength,
                     PVOID OutputBuffer, ULONG OutputBufferLength)
{
    ULONG Method = METHOD_FROM_CTL_CODE(IoControlCode);

    Irp->UserBuffer = OutputBuffer;
    switch (Method) {
    case METHOD_BUFFERED:
        /* One buffer, the larger of the two, holds the input going down
         * and the output coming back. The rest is zeroed, so that no
         * stale pool reaches the caller if the driver writes less. */
        if (InputBufferLength == 0 && OutputBufferLength == 0) {
            return STATUS_SUCCESS;
        }
        if (!IopAttachSystemBuffer(Irp,
                                   InputBufferLength > OutputBufferLength ? InputBufferLength
                                                                          : OutputBufferLength,
                                   InputBuffer, InputBufferLength, OutputBufferLength != 0)) {
            return STATUS_INSUFFICIENT_RESOURCES;
        }
        if (OutputBufferLength != 0) {
            IopFileIrpLocation(Irp)->Parameters.Others.Argument3 =
                (PVOID)(ULONG_PTR)OutputBufferLength;
        }
        return STATUS_SUCCESS;
    case METHOD_IN_DIRECT:
    case METHOD_OUT_DIRECT:
        if (InputBufferLength != 0 &&
            !IopAttachSystemBuffer(Irp, InputBufferLength, InputBuffer, InputBufferLength,
                                   FALSE)) {
            return STATUS_INSUFFICIENT_RESOURCES;
        }
        if (OutputBufferLength != 0) {
            /* IN_DIRECT: the device reads the "output" buffer (data to the
             * device); OUT_DIRECT: it writes it. */
            return IopAttachMdl(Irp, OutputBuffer, OutputBufferLength,
                                Method == METHOD_IN_DIRECT ? IoReadAccess : IoWriteAccess)
                       ? STATUS_SUCCESS
                       : STATUS_INSUFFICIENT_RESOURCES;
        }
        return STATUS_SUCCESS;
    default:
        IoGetNextIrpStackLocation(Irp)->Parameters.DeviceIoControl.Type3InputBuffer =
            InputBuffer;
        return STATUS_SUCCESS;
    }
}
