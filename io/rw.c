/*
 * io/rw.c - requests on an open file: ZwReadFile, ZwWriteFile,
 * ZwDeviceIoControlFile, ZwFlushBuffersFile.
 *
 * Each builds one IRP for the top of the file's device stack (io/fileirp.c)
 * with the caller's buffers as the device or control code asks
 * (io/iobuffer.c) and sends it. On a file opened for synchronous I/O
 * (FILE_SYNCHRONOUS_IO_*) the call waits and returns the final status; on
 * any other it returns what the driver returned, STATUS_PENDING while the
 * IRP is in flight, and the caller learns the end from its Event (a
 * handle from ZwCreateEvent, set at completion) and IoStatusBlock.
 *
 * Kestrel has no APCs: ApcRoutine must be NULL (STATUS_NOT_SUPPORTED, with
 * a message, otherwise); ApcContext is accepted and unused. Synchronous
 * I/O on one file object is not serialized as on Windows: callers that
 * share a synchronous handle between threads order their own requests.
 */
#include "io/fileio.h"

/* ZwReadFile/ZwWriteFile's "use the current file position" offset. */
#define FILE_USE_FILE_POINTER_POSITION 0xfffffffe

/* PASSIVE_LEVEL. The file object and the event of a request, referenced. */
static NTSTATUS
IopBeginRequest(PCSTR Caller, HANDLE FileHandle, HANDLE Event, PIO_APC_ROUTINE ApcRoutine,
                PIO_STATUS_BLOCK IoStatusBlock, PIOP_FILE_REQUEST Request)
{
    NTSTATUS Status;

    Request->FileObject = NULL;
    Request->UserEvent = NULL;
    Request->IoStatusBlock = IoStatusBlock;
    if (IoStatusBlock == NULL) {
        DbgPrint("%s: no IoStatusBlock\n", Caller);
        return STATUS_INVALID_PARAMETER;
    }
    if (ApcRoutine != NULL) {
        DbgPrint("%s: completion APCs are not supported (Kestrel has no APCs); pass an Event\n",
                 Caller);
        return STATUS_NOT_SUPPORTED;
    }
    Status = IopReferenceFileByHandle(FileHandle, Caller, &Request->FileObject);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    if (Event != NULL) {
        Status = ObReferenceObjectByHandle(Event, EVENT_MODIFY_STATE, *ExEventObjectType,
                                           KernelMode, (PVOID *)&Request->UserEvent, NULL);
        if (!NT_SUCCESS(Status)) {
            DbgPrint("%s: Event %p is not an event handle (0x%08x)\n", Caller, Event,
                     (ULONG)Status);
            ObfDereferenceObject(Request->FileObject);
            return Status;
        }
        KeClearEvent(Request->UserEvent);
    }
    return STATUS_SUCCESS;
}

/* Undoes IopBeginRequest when no IRP took the references over. */
static NTSTATUS
IopFailRequest(PIOP_FILE_REQUEST Request, PIRP Irp, NTSTATUS Status)
{
    if (Irp != NULL) {
        IopFreeUnsentFileIrp(Irp);      /* drops the event reference too */
    } else if (Request->UserEvent != NULL) {
        ObfDereferenceObject(Request->UserEvent);
    }
    ObfDereferenceObject(Request->FileObject);
    return Status;
}

/* Sends a built IRP; the request's file reference is dropped after. */
static NTSTATUS
IopSendRequest(PIOP_FILE_REQUEST Request, PIRP Irp)
{
    NTSTATUS Status;

    if ((Request->FileObject->Flags & FO_SYNCHRONOUS_IO) != 0) {
        Irp->Flags |= IRP_SYNCHRONOUS_API;
    }
    Status = IopCallFileDriver(Request, Irp);
    ObfDereferenceObject(Request->FileObject);
    return Status;
}

/* PASSIVE_LEVEL. The common body of ZwReadFile and ZwWriteFile. */
static NTSTATUS
IopReadWrite(PCSTR Caller, UCHAR MajorFunction, HANDLE FileHandle, HANDLE Event,
             PIO_APC_ROUTINE ApcRoutine, PIO_STATUS_BLOCK IoStatusBlock, PVOID Buffer,
             ULONG Length, PLARGE_INTEGER ByteOffset, PULONG Key)
{
    BOOLEAN Read = MajorFunction == IRP_MJ_READ;
    IOP_FILE_REQUEST Request;
    PIO_STACK_LOCATION IrpSp;
    LARGE_INTEGER Offset;
    PFILE_OBJECT File;
    BOOLEAN Synchronous;
    NTSTATUS Status;
    PIRP Irp;

    Status = IopBeginRequest(Caller, FileHandle, Event, ApcRoutine, IoStatusBlock, &Request);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    File = Request.FileObject;
    Synchronous = (File->Flags & FO_SYNCHRONOUS_IO) != 0;
    if (!IopCheckCallerBuffer(Caller, Buffer, Length, Read)) {
        return IopFailRequest(&Request, NULL, STATUS_ACCESS_VIOLATION);
    }
    /* No offset (or the "current position" one): a synchronous file goes
     * on from where it is, anything else starts at 0. */
    if (ByteOffset == NULL ||
        (ByteOffset->HighPart == -1 && ByteOffset->LowPart == FILE_USE_FILE_POINTER_POSITION)) {
        Offset.QuadPart = Synchronous ? File->CurrentByteOffset.QuadPart : 0;
    } else if (ByteOffset->QuadPart < 0) {
        DbgPrint("%s: negative ByteOffset %lld\n", Caller, ByteOffset->QuadPart);
        return IopFailRequest(&Request, NULL, STATUS_INVALID_PARAMETER);
    } else {
        Offset = *ByteOffset;
    }
    Irp = IopAllocateFileIrp(&Request, MajorFunction, &IrpSp);
    if (Irp == NULL) {
        return IopFailRequest(&Request, NULL, STATUS_INSUFFICIENT_RESOURCES);
    }
    Irp->Flags |= Read ? IRP_READ_OPERATION : IRP_WRITE_OPERATION;
    /* Read and Write have the same layout. */
    IrpSp->Parameters.Read.Length = Length;
    IrpSp->Parameters.Read.Key = Key != NULL ? *Key : 0;
    IrpSp->Parameters.Read.ByteOffset = Offset;
    if (Key != NULL) {
        IrpSp->Flags |= SL_KEY_SPECIFIED;
    }
    if ((File->Flags & FO_WRITE_THROUGH) != 0 && !Read) {
        IrpSp->Flags |= SL_WRITE_THROUGH;
    }
    Status = IopSetTransferBuffer(IoGetRelatedDeviceObject(File), Irp, Buffer, Length, Read);
    if (!NT_SUCCESS(Status)) {
        return IopFailRequest(&Request, Irp, Status);
    }
    ObfReferenceObject(File);           /* kept past the send for the position */
    Status = IopSendRequest(&Request, Irp);
    if (Synchronous && NT_SUCCESS(Status)) {
        File->CurrentByteOffset.QuadPart = Offset.QuadPart + IoStatusBlock->Information;
    }
    ObfDereferenceObject(File);
    return Status;
}

/* PASSIVE_LEVEL. */
NTSTATUS NTAPI
ZwReadFile(HANDLE FileHandle, HANDLE Event, PIO_APC_ROUTINE ApcRoutine, PVOID ApcContext,
           PIO_STATUS_BLOCK IoStatusBlock, PVOID Buffer, ULONG Length, PLARGE_INTEGER ByteOffset,
           PULONG Key)
{
    UNREFERENCED_PARAMETER(ApcContext);
    return IopReadWrite("ZwReadFile", IRP_MJ_READ, FileHandle, Event, ApcRoutine, IoStatusBlock,
                        Buffer, Length, ByteOffset, Key);
}

/* PASSIVE_LEVEL. */
NTSTATUS NTAPI
ZwWriteFile(HANDLE FileHandle, HANDLE Event, PIO_APC_ROUTINE ApcRoutine, PVOID ApcContext,
            PIO_STATUS_BLOCK IoStatusBlock, PVOID Buffer, ULONG Length, PLARGE_INTEGER ByteOffset,
            PULONG Key)
{
    UNREFERENCED_PARAMETER(ApcContext);
    return IopReadWrite("ZwWriteFile", IRP_MJ_WRITE, FileHandle, Event, ApcRoutine,
                        IoStatusBlock, Buffer, Length, ByteOffset, Key);
}

/* PASSIVE_LEVEL. */
NTSTATUS NTAPI
ZwDeviceIoControlFile(HANDLE FileHandle, HANDLE Event, PIO_APC_ROUTINE ApcRoutine,
                      PVOID ApcContext, PIO_STATUS_BLOCK IoStatusBlock, ULONG IoControlCode,
                      PVOID InputBuffer, ULONG InputBufferLength, PVOID OutputBuffer,
                      ULONG OutputBufferLength)
{
    ULONG Method = METHOD_FROM_CTL_CODE(IoControlCode);
    IOP_FILE_REQUEST Request;
    PIO_STACK_LOCATION IrpSp;
    NTSTATUS Status;
    PIRP Irp;

    UNREFERENCED_PARAMETER(ApcContext);
    Status = IopBeginRequest("ZwDeviceIoControlFile", FileHandle, Event, ApcRoutine,
                             IoStatusBlock, &Request);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    /* METHOD_IN_DIRECT's "output" buffer is read by the device. */
    if (!IopCheckCallerBuffer("ZwDeviceIoControlFile", InputBuffer, InputBufferLength, FALSE) ||
        !IopCheckCallerBuffer("ZwDeviceIoControlFile", OutputBuffer, OutputBufferLength,
                              Method != METHOD_IN_DIRECT)) {
        return IopFailRequest(&Request, NULL, STATUS_ACCESS_VIOLATION);
    }
    Irp = IopAllocateFileIrp(&Request, IRP_MJ_DEVICE_CONTROL, &IrpSp);
    if (Irp == NULL) {
        return IopFailRequest(&Request, NULL, STATUS_INSUFFICIENT_RESOURCES);
    }
    IrpSp->Parameters.DeviceIoControl.OutputBufferLength = OutputBufferLength;
    IrpSp->Parameters.DeviceIoControl.InputBufferLength = InputBufferLength;
    IrpSp->Parameters.DeviceIoControl.IoControlCode = IoControlCode;
    Status = IopSetControlBuffers(Irp, IoControlCode, InputBuffer, InputBufferLength,
                                  OutputBuffer, OutputBufferLength);
    if (!NT_SUCCESS(Status)) {
        return IopFailRequest(&Request, Irp, Status);
    }
    return IopSendRequest(&Request, Irp);
}

/* PASSIVE_LEVEL. Waits for the flush whatever the file's mode: there is
 * no event to report a later end with. */
NTSTATUS NTAPI
ZwFlushBuffersFile(HANDLE FileHandle, PIO_STATUS_BLOCK IoStatusBlock)
{
    IOP_FILE_REQUEST Request;
    PIO_STACK_LOCATION IrpSp;
    NTSTATUS Status;
    PIRP Irp;

    Status = IopBeginRequest("ZwFlushBuffersFile", FileHandle, NULL, NULL, IoStatusBlock,
                             &Request);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    Irp = IopAllocateFileIrp(&Request, IRP_MJ_FLUSH_BUFFERS, &IrpSp);
    if (Irp == NULL) {
        return IopFailRequest(&Request, NULL, STATUS_INSUFFICIENT_RESOURCES);
    }
    Irp->Flags |= IRP_SYNCHRONOUS_API;
    return IopSendRequest(&Request, Irp);
}
