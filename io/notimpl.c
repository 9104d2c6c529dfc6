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
