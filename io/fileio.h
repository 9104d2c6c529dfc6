/*
 * io/fileio.h - the kernel file API's internals (io/file.c, io/create.c,
 * io/rw.c, io/fileirp.c, io/close.c).
 *
 * How a request built by the file API travels (io/fileirp.c):
 *
 *   IoAllocateIrp(top->StackSize + 1)
 *     location StackSize+1: the I/O manager's own; its completion routine
 *                           slot (in the top driver's location) holds
 *                           IopCompleteFileIrp
 *     locations StackSize..1: the drivers of the stack, top first
 *   IopQueueIrpToFile      the IRP references the file, sits on IrpList
 *   IoCallDriver(top)      ...drivers...  IoCompleteRequest
 *   IopCompleteFileIrp     copies a buffered result back (IRP_BUFFERED_IO |
 *                          IRP_INPUT_OPERATION: Information bytes), frees
 *                          the system buffer and the MDLs, writes the
 *                          caller's IO_STATUS_BLOCK, signals the events,
 *                          dequeues and frees the IRP, and returns
 *                          STATUS_MORE_PROCESSING_REQUIRED so that
 *                          IoCompleteRequest leaves the freed IRP alone.
 *
 * Doing the final stage in a completion routine of its own keeps the file
 * API's bookkeeping (file objects, caller's events) out of IoCompleteRequest.
 */
#ifndef KESTREL_IO_FILEIO_H
#define KESTREL_IO_FILEIO_H

#include "io/iop.h"

#define IOP_FILE_TAG 'liFI'             /* file objects, file names */

extern OBJECT_TYPE IopFileObjectType;

/* io/file.c */
VOID IopInitializeFileObjects(VOID);
NTSTATUS IopCreateFileObject(_In_ PDEVICE_OBJECT DeviceObject, _In_opt_ PCUNICODE_STRING FileName,
                             ULONG CreateOptions, ACCESS_MASK DesiredAccess, ULONG ShareAccess,
                             _Out_ PFILE_OBJECT *FileObject);
NTSTATUS IopReferenceFileByHandle(_In_ HANDLE Handle, _In_ PCSTR Caller,
                                  _Out_ PFILE_OBJECT *FileObject);
VOID IopQueueIrpToFile(_In_ PFILE_OBJECT FileObject, _Inout_ PIRP Irp);
VOID IopDequeueIrpFromFile(_In_ PFILE_OBJECT FileObject, _Inout_ PIRP Irp);

/* io/close.c: the File type's close and delete procedures. */
OB_CLOSE_METHOD IopCloseFile;
OB_DELETE_METHOD IopDeleteFile;

/* io/fileirp.c: building, sending and finishing the file API's IRPs. */

/* What one request needs from its caller. */
typedef struct _IOP_FILE_REQUEST {
    PFILE_OBJECT FileObject;
    PKEVENT UserEvent;                  /* referenced event object, or NULL */
    PIO_STATUS_BLOCK IoStatusBlock;     /* the caller's */
} IOP_FILE_REQUEST, *PIOP_FILE_REQUEST;

/* A new IRP for Request's file with the I/O manager's location set up;
 * the returned stack location is the top driver's, MajorFunction and
 * FileObject filled in. NULL when the pool is out. IRQL <= DISPATCH_LEVEL. */
PIRP IopAllocateFileIrp(_In_ PIOP_FILE_REQUEST Request, UCHAR MajorFunction,
                        _Out_ PIO_STACK_LOCATION *IrpSp);

/* The I/O manager's own stack location of such an IRP: its last one. */
FORCEINLINE PIO_STACK_LOCATION
IopFileIrpLocation(PIRP Irp)
{
    return (PIO_STACK_LOCATION)(Irp + 1) + (Irp->StackCount - 1);
}

/* io/iobuffer.c: the caller's buffers as the device or the control code
 * asks for them. Input: the request's data flows to the caller (a read,
 * an IOCTL's output). STATUS_INSUFFICIENT_RESOURCES or STATUS_SUCCESS;
 * what was set up goes with IopFreeUnsentFileIrp or at completion. */
NTSTATUS IopSetTransferBuffer(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp,
                              _In_opt_ PVOID Buffer, ULONG Length, BOOLEAN Input);
NTSTATUS IopSetControlBuffers(_Inout_ PIRP Irp, ULONG IoControlCode, _In_opt_ PVOID InputBuffer,
                              ULONG InputBufferLength, _In_opt_ PVOID OutputBuffer,
                              ULONG OutputBufferLength);

/* Frees an IRP IopAllocateFileIrp built and that was never sent: its
 * buffers, MDLs and the event reference go with it. */
VOID IopFreeUnsentFileIrp(_In_ PIRP Irp);

/* Sends the IRP to the top of the file's stack. A synchronous file
 * (FO_SYNCHRONOUS_IO) waits for the result and returns it; otherwise the
 * driver's status (STATUS_PENDING while in flight) is returned. The IRP
 * belongs to the I/O manager again only inside IopCompleteFileIrp.
 * PASSIVE_LEVEL for synchronous files. */
NTSTATUS IopCallFileDriver(_In_ PIOP_FILE_REQUEST Request, _In_ PIRP Irp);

/* TRUE when Length bytes at Buffer are mapped (and writable for Write);
 * otherwise prints what is wrong and returns FALSE. */
BOOLEAN IopCheckCallerBuffer(_In_ PCSTR Caller, _In_opt_ PVOID Buffer, ULONG Length,
                             BOOLEAN Write);

/* Cancels every IRP in flight on FileObject (IRP_MJ_CLEANUP's first step). */
VOID IopCancelFileIrps(_In_ PFILE_OBJECT FileObject);

#endif /* KESTREL_IO_FILEIO_H */
