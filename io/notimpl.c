/*
 * io/notimpl.c - I/O manager routines that are declared in the DDK
 * (include/ddk/io.h, include/ddk/mdl.h) but not implemented yet.
 *
 * Each one stops the machine naming itself (KiNotImplemented): a driver
 * that calls one learns at once which routine is missing, instead of
 * running on with a silent failure. Whoever implements a routine deletes
 * its body here in the same commit; when the file is empty, it goes.
 */
#include <wdm.h>
#include "kernel/ke/ki.h"

/* ---- Driver and device objects: needs a FILE_OBJECT (the file API) ---- */

NTSTATUS NTAPI
IoGetDeviceObjectPointer(PUNICODE_STRING ObjectName, ACCESS_MASK DesiredAccess,
                         PFILE_OBJECT *FileObject, PDEVICE_OBJECT *DeviceObject)
{
    KiNotImplemented("IoGetDeviceObjectPointer");
}

/* ---- IRPs (io/irp.c) ---- */

PIRP NTAPI
IoAllocateIrp(CCHAR StackSize, BOOLEAN ChargeQuota)
{
    KiNotImplemented("IoAllocateIrp");
}

VOID NTAPI
IoFreeIrp(PIRP Irp)
{
    KiNotImplemented("IoFreeIrp");
}

VOID NTAPI
IoReuseIrp(PIRP Irp, NTSTATUS Iostatus)
{
    KiNotImplemented("IoReuseIrp");
}

VOID NTAPI
IoInitializeIrp(PIRP Irp, USHORT PacketSize, CCHAR StackSize)
{
    KiNotImplemented("IoInitializeIrp");
}

PIRP NTAPI
IoMakeAssociatedIrp(PIRP Irp, CCHAR StackSize)
{
    KiNotImplemented("IoMakeAssociatedIrp");
}

NTSTATUS FASTCALL
IofCallDriver(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    KiNotImplemented("IofCallDriver");
}

VOID FASTCALL
IofCompleteRequest(PIRP Irp, CCHAR PriorityBoost)
{
    KiNotImplemented("IofCompleteRequest");
}

NTSTATUS NTAPI
IoSetCompletionRoutineEx(PDEVICE_OBJECT DeviceObject, PIRP Irp,
                         PIO_COMPLETION_ROUTINE CompletionRoutine, PVOID Context,
                         BOOLEAN InvokeOnSuccess, BOOLEAN InvokeOnError, BOOLEAN InvokeOnCancel)
{
    KiNotImplemented("IoSetCompletionRoutineEx");
}

BOOLEAN NTAPI
IoForwardIrpSynchronously(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    KiNotImplemented("IoForwardIrpSynchronously");
}

PIRP NTAPI
IoBuildSynchronousFsdRequest(ULONG MajorFunction, PDEVICE_OBJECT DeviceObject, PVOID Buffer,
                             ULONG Length, PLARGE_INTEGER StartingOffset, PKEVENT Event,
                             PIO_STATUS_BLOCK IoStatusBlock)
{
    KiNotImplemented("IoBuildSynchronousFsdRequest");
}

PIRP NTAPI
IoBuildAsynchronousFsdRequest(ULONG MajorFunction, PDEVICE_OBJECT DeviceObject, PVOID Buffer,
                              ULONG Length, PLARGE_INTEGER StartingOffset,
                              PIO_STATUS_BLOCK IoStatusBlock)
{
    KiNotImplemented("IoBuildAsynchronousFsdRequest");
}

PIRP NTAPI
IoBuildDeviceIoControlRequest(ULONG IoControlCode, PDEVICE_OBJECT DeviceObject, PVOID InputBuffer,
                              ULONG InputBufferLength, PVOID OutputBuffer, ULONG OutputBufferLength,
                              BOOLEAN InternalDeviceIoControl, PKEVENT Event,
                              PIO_STATUS_BLOCK IoStatusBlock)
{
    KiNotImplemented("IoBuildDeviceIoControlRequest");
}

/* ---- Cancel and cancel-safe queues (io/cancel.c, io/csq.c) ---- */

BOOLEAN NTAPI
IoCancelIrp(PIRP Irp)
{
    KiNotImplemented("IoCancelIrp");
}

VOID NTAPI
IoAcquireCancelSpinLock(PKIRQL Irql)
{
    KiNotImplemented("IoAcquireCancelSpinLock");
}

VOID NTAPI
IoReleaseCancelSpinLock(KIRQL Irql)
{
    KiNotImplemented("IoReleaseCancelSpinLock");
}

NTSTATUS NTAPI
IoCsqInitialize(PIO_CSQ Csq, PIO_CSQ_INSERT_IRP CsqInsertIrp, PIO_CSQ_REMOVE_IRP CsqRemoveIrp,
                PIO_CSQ_PEEK_NEXT_IRP CsqPeekNextIrp, PIO_CSQ_ACQUIRE_LOCK CsqAcquireLock,
                PIO_CSQ_RELEASE_LOCK CsqReleaseLock,
                PIO_CSQ_COMPLETE_CANCELED_IRP CsqCompleteCanceledIrp)
{
    KiNotImplemented("IoCsqInitialize");
}

NTSTATUS NTAPI
IoCsqInitializeEx(PIO_CSQ Csq, PIO_CSQ_INSERT_IRP_EX CsqInsertIrp, PIO_CSQ_REMOVE_IRP CsqRemoveIrp,
                  PIO_CSQ_PEEK_NEXT_IRP CsqPeekNextIrp, PIO_CSQ_ACQUIRE_LOCK CsqAcquireLock,
                  PIO_CSQ_RELEASE_LOCK CsqReleaseLock,
                  PIO_CSQ_COMPLETE_CANCELED_IRP CsqCompleteCanceledIrp)
{
    KiNotImplemented("IoCsqInitializeEx");
}

VOID NTAPI
IoCsqInsertIrp(PIO_CSQ Csq, PIRP Irp, PIO_CSQ_IRP_CONTEXT Context)
{
    KiNotImplemented("IoCsqInsertIrp");
}

NTSTATUS NTAPI
IoCsqInsertIrpEx(PIO_CSQ Csq, PIRP Irp, PIO_CSQ_IRP_CONTEXT Context, PVOID InsertContext)
{
    KiNotImplemented("IoCsqInsertIrpEx");
}

PIRP NTAPI
IoCsqRemoveIrp(PIO_CSQ Csq, PIO_CSQ_IRP_CONTEXT Context)
{
    KiNotImplemented("IoCsqRemoveIrp");
}

PIRP NTAPI
IoCsqRemoveNextIrp(PIO_CSQ Csq, PVOID PeekContext)
{
    KiNotImplemented("IoCsqRemoveNextIrp");
}

/* ---- Device queues and StartIo (io/devqueue.c, io/startio.c) ---- */

VOID NTAPI
KeInitializeDeviceQueue(PKDEVICE_QUEUE DeviceQueue)
{
    KiNotImplemented("KeInitializeDeviceQueue");
}

BOOLEAN NTAPI
KeInsertDeviceQueue(PKDEVICE_QUEUE DeviceQueue, PKDEVICE_QUEUE_ENTRY DeviceQueueEntry)
{
    KiNotImplemented("KeInsertDeviceQueue");
}

BOOLEAN NTAPI
KeInsertByKeyDeviceQueue(PKDEVICE_QUEUE DeviceQueue, PKDEVICE_QUEUE_ENTRY DeviceQueueEntry,
                         ULONG SortKey)
{
    KiNotImplemented("KeInsertByKeyDeviceQueue");
}

PKDEVICE_QUEUE_ENTRY NTAPI
KeRemoveDeviceQueue(PKDEVICE_QUEUE DeviceQueue)
{
    KiNotImplemented("KeRemoveDeviceQueue");
}

PKDEVICE_QUEUE_ENTRY NTAPI
KeRemoveByKeyDeviceQueue(PKDEVICE_QUEUE DeviceQueue, ULONG SortKey)
{
    KiNotImplemented("KeRemoveByKeyDeviceQueue");
}

BOOLEAN NTAPI
KeRemoveEntryDeviceQueue(PKDEVICE_QUEUE DeviceQueue, PKDEVICE_QUEUE_ENTRY DeviceQueueEntry)
{
    KiNotImplemented("KeRemoveEntryDeviceQueue");
}

VOID NTAPI
IoStartPacket(PDEVICE_OBJECT DeviceObject, PIRP Irp, PULONG Key, PDRIVER_CANCEL CancelFunction)
{
    KiNotImplemented("IoStartPacket");
}

VOID NTAPI
IoStartNextPacket(PDEVICE_OBJECT DeviceObject, BOOLEAN Cancelable)
{
    KiNotImplemented("IoStartNextPacket");
}

VOID NTAPI
IoStartNextPacketByKey(PDEVICE_OBJECT DeviceObject, BOOLEAN Cancelable, ULONG Key)
{
    KiNotImplemented("IoStartNextPacketByKey");
}

VOID NTAPI
IoSetStartIoAttributes(PDEVICE_OBJECT DeviceObject, BOOLEAN DeferredStartIo, BOOLEAN NonCancelable)
{
    KiNotImplemented("IoSetStartIoAttributes");
}

/* ---- IoTimer (io/iotimer.c) ---- */

NTSTATUS NTAPI
IoInitializeTimer(PDEVICE_OBJECT DeviceObject, PIO_TIMER_ROUTINE TimerRoutine, PVOID Context)
{
    KiNotImplemented("IoInitializeTimer");
}

VOID NTAPI
IoStartTimer(PDEVICE_OBJECT DeviceObject)
{
    KiNotImplemented("IoStartTimer");
}

VOID NTAPI
IoStopTimer(PDEVICE_OBJECT DeviceObject)
{
    KiNotImplemented("IoStopTimer");
}

/* ---- Remove locks (io/removelock.c) ---- */

VOID NTAPI
IoInitializeRemoveLockEx(PIO_REMOVE_LOCK Lock, ULONG AllocateTag, ULONG MaxLockedMinutes,
                         ULONG HighWatermark, ULONG RemlockSize)
{
    KiNotImplemented("IoInitializeRemoveLockEx");
}

NTSTATUS NTAPI
IoAcquireRemoveLockEx(PIO_REMOVE_LOCK RemoveLock, PVOID Tag, PCSTR File, ULONG Line,
                      ULONG RemlockSize)
{
    KiNotImplemented("IoAcquireRemoveLockEx");
}

VOID NTAPI
IoReleaseRemoveLockEx(PIO_REMOVE_LOCK RemoveLock, PVOID Tag, ULONG RemlockSize)
{
    KiNotImplemented("IoReleaseRemoveLockEx");
}

VOID NTAPI
IoReleaseRemoveLockAndWaitEx(PIO_REMOVE_LOCK RemoveLock, PVOID Tag, ULONG RemlockSize)
{
    KiNotImplemented("IoReleaseRemoveLockAndWaitEx");
}

/* ---- Work items (io/workitem.c) ---- */

PIO_WORKITEM NTAPI
IoAllocateWorkItem(PDEVICE_OBJECT DeviceObject)
{
    KiNotImplemented("IoAllocateWorkItem");
}

VOID NTAPI
IoFreeWorkItem(PIO_WORKITEM IoWorkItem)
{
    KiNotImplemented("IoFreeWorkItem");
}

VOID NTAPI
IoQueueWorkItem(PIO_WORKITEM IoWorkItem, PIO_WORKITEM_ROUTINE WorkerRoutine,
                WORK_QUEUE_TYPE QueueType, PVOID Context)
{
    KiNotImplemented("IoQueueWorkItem");
}

/* ---- The kernel file API (io/file*.c) ---- */

NTSTATUS NTAPI
ZwCreateFile(PHANDLE FileHandle, ACCESS_MASK DesiredAccess,
             struct _OBJECT_ATTRIBUTES *ObjectAttributes, PIO_STATUS_BLOCK IoStatusBlock,
             PLARGE_INTEGER AllocationSize, ULONG FileAttributes, ULONG ShareAccess,
             ULONG CreateDisposition, ULONG CreateOptions, PVOID EaBuffer, ULONG EaLength)
{
    KiNotImplemented("ZwCreateFile");
}

NTSTATUS NTAPI
ZwOpenFile(PHANDLE FileHandle, ACCESS_MASK DesiredAccess,
           struct _OBJECT_ATTRIBUTES *ObjectAttributes, PIO_STATUS_BLOCK IoStatusBlock,
           ULONG ShareAccess, ULONG OpenOptions)
{
    KiNotImplemented("ZwOpenFile");
}

NTSTATUS NTAPI
ZwReadFile(HANDLE FileHandle, HANDLE Event, PIO_APC_ROUTINE ApcRoutine, PVOID ApcContext,
           PIO_STATUS_BLOCK IoStatusBlock, PVOID Buffer, ULONG Length, PLARGE_INTEGER ByteOffset,
           PULONG Key)
{
    KiNotImplemented("ZwReadFile");
}

NTSTATUS NTAPI
ZwWriteFile(HANDLE FileHandle, HANDLE Event, PIO_APC_ROUTINE ApcRoutine, PVOID ApcContext,
            PIO_STATUS_BLOCK IoStatusBlock, PVOID Buffer, ULONG Length, PLARGE_INTEGER ByteOffset,
            PULONG Key)
{
    KiNotImplemented("ZwWriteFile");
}

NTSTATUS NTAPI
ZwDeviceIoControlFile(HANDLE FileHandle, HANDLE Event, PIO_APC_ROUTINE ApcRoutine, PVOID ApcContext,
                      PIO_STATUS_BLOCK IoStatusBlock, ULONG IoControlCode, PVOID InputBuffer,
                      ULONG InputBufferLength, PVOID OutputBuffer, ULONG OutputBufferLength)
{
    KiNotImplemented("ZwDeviceIoControlFile");
}

NTSTATUS NTAPI
ZwFlushBuffersFile(HANDLE FileHandle, PIO_STATUS_BLOCK IoStatusBlock)
{
    KiNotImplemented("ZwFlushBuffersFile");
}
