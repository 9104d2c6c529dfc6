/*
 * io/file.c - file objects: the File object type, creating a FILE_OBJECT
 * for an open, finding one from a handle, and the list of IRPs in flight
 * on it.
 *
 * A FILE_OBJECT is one open of a device (ZwCreateFile, io/create.c). Its
 * life, with the counts of its object header (kernel/ob/obp.h):
 *
 *   ZwCreateFile    created (1 reference); IRP_MJ_CREATE succeeds;
 *                   FO_FILE_OPEN; a handle takes over the reference;
 *                   the device's open count (DEVICE_OBJECT.ReferenceCount)
 *                   goes up
 *   ZwReadFile ...  each IRP references the file object while it is in
 *                   flight and sits on FileObject->IrpList
 *   ZwClose         last handle: pending IRPs are cancelled, then
 *                   IRP_MJ_CLEANUP (io/close.c, IopCloseFile)
 *   last reference  IRP_MJ_CLOSE, the device's open count goes down, the
 *                   memory goes (io/close.c, IopDeleteFile)
 *
 * FsContext and FsContext2 belong to the driver that completed the create.
 */
#include "io/fileio.h"
#include "kernel/rtl/crt.h"

OBJECT_TYPE IopFileObjectType;
static POBJECT_TYPE IopFileObjectTypePointer = &IopFileObjectType;
POBJECT_TYPE *IoFileObjectType = &IopFileObjectTypePointer;

/* Once, at boot, from IoInitSystem. */
VOID
IopInitializeFileObjects(VOID)
{
    ObpInitializeObjectType(&IopFileObjectType, "File", IOP_FILE_TAG, IopDeleteFile);
    IopFileObjectType.CloseProcedure = IopCloseFile;
}

/* IRQL <= DISPATCH_LEVEL. A file object for DeviceObject (referenced by
 * the caller, a reference the file object now owns), with a copy of
 * FileName (may be empty), not yet open. */
NTSTATUS
IopCreateFileObject(PDEVICE_OBJECT DeviceObject, PCUNICODE_STRING FileName, ULONG CreateOptions,
                    ACCESS_MASK DesiredAccess, ULONG ShareAccess, PFILE_OBJECT *FileObject)
{
    PFILE_OBJECT File;
    NTSTATUS Status;

    *FileObject = NULL;
    Status = ObpCreateObject(&IopFileObjectType, sizeof(FILE_OBJECT), (PVOID *)&File);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    File->Type = IO_TYPE_FILE;
    File->Size = sizeof(FILE_OBJECT);
    if (FileName != NULL && FileName->Length != 0) {
        File->FileName.Buffer = ExAllocatePoolWithTag(NonPagedPoolNx, FileName->Length,
                                                      IOP_FILE_TAG);
        if (File->FileName.Buffer == NULL) {
            ObfDereferenceObject(File);
            return STATUS_INSUFFICIENT_RESOURCES;
        }
        memcpy(File->FileName.Buffer, FileName->Buffer, FileName->Length);
        File->FileName.Length = File->FileName.MaximumLength = FileName->Length;
    }
    if ((CreateOptions & (FILE_SYNCHRONOUS_IO_ALERT | FILE_SYNCHRONOUS_IO_NONALERT)) != 0) {
        File->Flags |= FO_SYNCHRONOUS_IO;
    }
    if ((CreateOptions & FILE_SYNCHRONOUS_IO_ALERT) != 0) {
        File->Flags |= FO_ALERTABLE_IO;
    }
    if ((CreateOptions & FILE_NO_INTERMEDIATE_BUFFERING) != 0) {
        File->Flags |= FO_NO_INTERMEDIATE_BUFFERING;
    }
    if ((CreateOptions & FILE_WRITE_THROUGH) != 0) {
        File->Flags |= FO_WRITE_THROUGH;
    }
    if ((CreateOptions & FILE_SEQUENTIAL_ONLY) != 0) {
        File->Flags |= FO_SEQUENTIAL_ONLY;
    }
    if ((CreateOptions & FILE_RANDOM_ACCESS) != 0) {
        File->Flags |= FO_RANDOM_ACCESS;
    }
    /* Kestrel checks no access, but records it as Windows does: drivers
     * and file systems read these. */
    File->ReadAccess = (DesiredAccess & (FILE_READ_DATA | GENERIC_READ | GENERIC_ALL)) != 0;
    File->WriteAccess = (DesiredAccess & (FILE_WRITE_DATA | FILE_APPEND_DATA | GENERIC_WRITE |
                                          GENERIC_ALL)) != 0;
    File->DeleteAccess = (DesiredAccess & DELETE) != 0;
    File->SharedRead = (ShareAccess & FILE_SHARE_READ) != 0;
    File->SharedWrite = (ShareAccess & FILE_SHARE_WRITE) != 0;
    File->SharedDelete = (ShareAccess & FILE_SHARE_DELETE) != 0;
    File->DeviceObject = DeviceObject;
    KeInitializeEvent(&File->Lock, SynchronizationEvent, FALSE);
    KeInitializeEvent(&File->Event, NotificationEvent, FALSE);
    KeInitializeSpinLock(&File->IrpListLock);
    InitializeListHead(&File->IrpList);
    *FileObject = File;
    return STATUS_SUCCESS;
}

/* IRQL <= APC_LEVEL. The file object behind Handle, referenced:
 * STATUS_INVALID_HANDLE, or STATUS_OBJECT_TYPE_MISMATCH when the handle
 * is to something else (a thread, an event). */
NTSTATUS
IopReferenceFileByHandle(HANDLE Handle, PCSTR Caller, PFILE_OBJECT *FileObject)
{
    NTSTATUS Status;

    Status = ObReferenceObjectByHandle(Handle, 0, &IopFileObjectType, KernelMode,
                                       (PVOID *)FileObject, NULL);
    if (Status == STATUS_INVALID_HANDLE) {
        DbgPrint("%s: %p is not an open handle\n", Caller, Handle);
    } else if (Status == STATUS_OBJECT_TYPE_MISMATCH) {
        DbgPrint("%s: handle %p is not a file handle\n", Caller, Handle);
    }
    return Status;
}

/* Any IRQL <= DISPATCH_LEVEL. The IRP is in flight for FileObject: it
 * holds a reference and sits on the file's IRP list (through
 * ThreadListEntry, as Windows keeps its per-thread list) so that cleanup
 * can cancel it. */
VOID
IopQueueIrpToFile(PFILE_OBJECT FileObject, PIRP Irp)
{
    KIRQL OldIrql;

    ObfReferenceObject(FileObject);
    Irp->Tail.Overlay.OriginalFileObject = FileObject;
    KeAcquireSpinLock(&FileObject->IrpListLock, &OldIrql);
    InsertTailList(&FileObject->IrpList, &Irp->ThreadListEntry);
    KeReleaseSpinLock(&FileObject->IrpListLock, OldIrql);
}

/* Any IRQL <= DISPATCH_LEVEL. The reverse, when the IRP's completion is
 * final; the caller drops the reference afterwards. */
VOID
IopDequeueIrpFromFile(PFILE_OBJECT FileObject, PIRP Irp)
{
    KIRQL OldIrql;

    KeAcquireSpinLock(&FileObject->IrpListLock, &OldIrql);
    RemoveEntryList(&Irp->ThreadListEntry);
    InitializeListHead(&Irp->ThreadListEntry);
    KeReleaseSpinLock(&FileObject->IrpListLock, OldIrql);
}
