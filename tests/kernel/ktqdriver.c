/*
 * tests/kernel/ktqdriver.c - "KtQueue", the queue tests' driver (the
 * contract is in tests/kernel/ktqdriver.h). Its StartIo, cancel routine
 * and DPC follow the WDK's documented patterns for StartIo drivers, so the
 * tests check the I/O manager against what real drivers do.
 */
#include "tests/kernel/ktqdriver.h"
#include "io/iop.h"

static PKTQ_DEVICE KtqLoadedDevice;

static DRIVER_INITIALIZE KtqDriverEntry;
static DRIVER_UNLOAD KtqDriverUnload;
static DRIVER_DISPATCH KtqDispatchRead;
static DRIVER_DISPATCH KtqDispatchControl;
static DRIVER_STARTIO KtqStartIo;
static DRIVER_CANCEL KtqCancel;
static IO_DPC_ROUTINE KtqDpcForIsr;
static IO_CSQ_INSERT_IRP_EX KtqCsqInsert;
static IO_CSQ_REMOVE_IRP KtqCsqRemove;
static IO_CSQ_PEEK_NEXT_IRP KtqCsqPeek;
static IO_CSQ_ACQUIRE_LOCK KtqCsqAcquireLock;
static IO_CSQ_RELEASE_LOCK KtqCsqReleaseLock;
static IO_CSQ_COMPLETE_CANCELED_IRP KtqCsqCompleteCanceled;
static IO_COMPLETION_ROUTINE KtqRequestCompleted;

/* The insert context of KTQ_IOCTL_QUEUE_REFUSED. */
#define KTQ_REFUSE ((PVOID)(ULONG_PTR)0x7E5)

ULONG
KtqKeyOf(PIRP Irp)
{
    return IoGetCurrentIrpStackLocation(Irp)->Parameters.Read.Key;
}

/* DISPATCH_LEVEL, holding the cancel spin lock (IoCancelIrp, or
 * IoStartPacket for an IRP cancelled before it was queued). The WDK's
 * cancel routine for a StartIo driver. */
static VOID
KtqCancel(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PKTQ_DEVICE Device = DeviceObject->DeviceExtension;

    Device->CancelCalls++;
    Device->CancelIrqlAtCall = KeGetCurrentIrql();
    Device->CancelIrqlField = Irp->CancelIrql;
    Device->CancelRoutineCleared = Irp->CancelRoutine == NULL;
    Device->CancelFlagSet = Irp->Cancel;
    if (Irp == DeviceObject->CurrentIrp) {
        /* StartIo has it: the device stops working on it, the next starts. */
        Device->CancelSawCurrent++;
        IoReleaseCancelSpinLock(Irp->CancelIrql);
        IoStartNextPacket(DeviceObject, TRUE);
    } else {
        if (KeRemoveEntryDeviceQueue(&DeviceObject->DeviceQueue,
                                     &Irp->Tail.Overlay.DeviceQueueEntry)) {
            Device->CancelRemovedFromQueue++;
        }
        IoReleaseCancelSpinLock(Irp->CancelIrql);
    }
    Irp->IoStatus.Status = STATUS_CANCELLED;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
}

/* DISPATCH_LEVEL. Leaves the IRP cancelable while the device works on it,
 * unless the test asks for it to be finished at once. */
static VOID
KtqStartIo(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PKTQ_DEVICE Device = DeviceObject->DeviceExtension;
    KIRQL CancelIrql;

    Device->StartIoIrql = KeGetCurrentIrql();
    if (++Device->StartIoDepth > Device->MaxStartIoDepth) {
        Device->MaxStartIoDepth = Device->StartIoDepth;
    }
    if (Device->StartedCount < KTQ_MAX_RECORDS) {
        Device->Started[Device->StartedCount] = KtqKeyOf(Irp);
    }
    Device->StartedCount++;

    /* The documented check: a cancel routine that got here first owns it. */
    IoAcquireCancelSpinLock(&CancelIrql);
    if (Irp != DeviceObject->CurrentIrp || Irp->Cancel) {
        IoReleaseCancelSpinLock(CancelIrql);
        Device->StartIoDepth--;
        return;
    }
    IoReleaseCancelSpinLock(CancelIrql);

    if (Device->CompleteInStartIo && IoSetCancelRoutine(Irp, NULL) != NULL) {
        Irp->IoStatus.Status = STATUS_SUCCESS;
        Irp->IoStatus.Information = KtqKeyOf(Irp) * KTQ_BYTES_PER_KEY;
        IoStartNextPacket(DeviceObject, TRUE);
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
    }
    Device->StartIoDepth--;
}

/* DISPATCH_LEVEL: the "device" is done with Irp (the IRP that was current
 * when it interrupted). If a cancel routine has taken the IRP meanwhile,
 * that routine completes it and this DPC must not touch it again. */
static VOID
KtqDpcForIsr(PKDPC Dpc, PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    PKTQ_DEVICE Device = DeviceObject->DeviceExtension;
    ULONG Key;

    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(Context);
    if (IoSetCancelRoutine(Irp, NULL) == NULL) {
        Device->DpcLostRace++;
        return;
    }
    Key = KtqKeyOf(Irp);
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = Key * KTQ_BYTES_PER_KEY;
    Device->DpcCompleted++;
    if (Device->NextByKey) {
        IoStartNextPacketByKey(DeviceObject, TRUE, Key);
    } else {
        IoStartNextPacket(DeviceObject, TRUE);
    }
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
}

/* PASSIVE_LEVEL (the tests call at PASSIVE_LEVEL). */
static NTSTATUS
KtqDispatchRead(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PKTQ_DEVICE Device = DeviceObject->DeviceExtension;
    ULONG Key = KtqKeyOf(Irp);

    IoMarkIrpPending(Irp);
    IoStartPacket(DeviceObject, Irp, Device->UseKeys ? &Key : NULL, KtqCancel);
    return STATUS_PENDING;
}

/* PASSIVE_LEVEL. */
static NTSTATUS
KtqDispatchControl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PKTQ_DEVICE Device = DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION IrpSp = IoGetCurrentIrpStackLocation(Irp);
    ULONG Code = IrpSp->Parameters.DeviceIoControl.IoControlCode;
    NTSTATUS Status;

    if (Code != KTQ_IOCTL_QUEUE && Code != KTQ_IOCTL_QUEUE_REFUSED) {
        Irp->IoStatus.Status = STATUS_INVALID_DEVICE_REQUEST;
        Irp->IoStatus.Information = 0;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return STATUS_INVALID_DEVICE_REQUEST;
    }
    Status = IoCsqInsertIrpEx(&Device->Csq, Irp,
                              IrpSp->Parameters.DeviceIoControl.Type3InputBuffer,
                              Code == KTQ_IOCTL_QUEUE_REFUSED ? KTQ_REFUSE : NULL);
    if (!NT_SUCCESS(Status)) {
        Irp->IoStatus.Status = Status;
        Irp->IoStatus.Information = 0;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return Status;
    }
    return STATUS_PENDING;
}

/* The CSQ callbacks: a list under a spin lock. CsqLock held, except for
 * the lock routines and KtqCsqCompleteCanceled. */
static NTSTATUS
KtqCsqInsert(PIO_CSQ Csq, PIRP Irp, PVOID InsertContext)
{
    PKTQ_DEVICE Device = CONTAINING_RECORD(Csq, KTQ_DEVICE, Csq);

    Device->CsqInsertCalls++;
    if (InsertContext == KTQ_REFUSE) {
        return KTQ_REFUSED_STATUS;
    }
    InsertTailList(&Device->CsqList, &Irp->Tail.Overlay.ListEntry);
    return STATUS_SUCCESS;
}

static VOID
KtqCsqRemove(PIO_CSQ Csq, PIRP Irp)
{
    UNREFERENCED_PARAMETER(Csq);
    RemoveEntryList(&Irp->Tail.Overlay.ListEntry);
}

/* The IRP after Irp (from the head when NULL) whose peek key matches
 * *PeekContext, or any IRP when PeekContext is NULL. */
static PIRP
KtqCsqPeek(PIO_CSQ Csq, PIRP Irp, PVOID PeekContext)
{
    PKTQ_DEVICE Device = CONTAINING_RECORD(Csq, KTQ_DEVICE, Csq);
    PLIST_ENTRY Link = Irp != NULL ? Irp->Tail.Overlay.ListEntry.Flink : Device->CsqList.Flink;

    for (; Link != &Device->CsqList; Link = Link->Flink) {
        PIRP Next = CONTAINING_RECORD(Link, IRP, Tail.Overlay.ListEntry);
        PIO_STACK_LOCATION IrpSp = IoGetCurrentIrpStackLocation(Next);

        if (PeekContext == NULL ||
            IrpSp->Parameters.DeviceIoControl.InputBufferLength == *(PULONG)PeekContext) {
            return Next;
        }
    }
    return NULL;
}

static VOID
KtqCsqAcquireLock(PIO_CSQ Csq, PKIRQL Irql)
{
    KeAcquireSpinLock(&CONTAINING_RECORD(Csq, KTQ_DEVICE, Csq)->CsqLock, Irql);
}

static VOID
KtqCsqReleaseLock(PIO_CSQ Csq, KIRQL Irql)
{
    KeReleaseSpinLock(&CONTAINING_RECORD(Csq, KTQ_DEVICE, Csq)->CsqLock, Irql);
}

/* IRQL <= DISPATCH_LEVEL, no lock held. */
static VOID
KtqCsqCompleteCanceled(PIO_CSQ Csq, PIRP Irp)
{
    CONTAINING_RECORD(Csq, KTQ_DEVICE, Csq)->CsqCompleteCanceledCalls++;
    Irp->IoStatus.Status = STATUS_CANCELLED;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
}

/* PASSIVE_LEVEL. */
static NTSTATUS
KtqDriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    PDEVICE_OBJECT DeviceObject;
    PKTQ_DEVICE Device;
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverUnload = KtqDriverUnload;
    DriverObject->DriverStartIo = KtqStartIo;
    DriverObject->MajorFunction[IRP_MJ_READ] = KtqDispatchRead;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = KtqDispatchControl;

    Status = IoCreateDevice(DriverObject, sizeof(KTQ_DEVICE), NULL, FILE_DEVICE_UNKNOWN, 0, FALSE,
                            &DeviceObject);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    Device = DeviceObject->DeviceExtension;
    Device->DeviceObject = DeviceObject;
    IoInitializeDpcRequest(DeviceObject, KtqDpcForIsr);
    InitializeListHead(&Device->CsqList);
    KeInitializeSpinLock(&Device->CsqLock);
    Status = IoCsqInitializeEx(&Device->Csq, KtqCsqInsert, KtqCsqRemove, KtqCsqPeek,
                               KtqCsqAcquireLock, KtqCsqReleaseLock, KtqCsqCompleteCanceled);
    if (!NT_SUCCESS(Status)) {
        IoDeleteDevice(DeviceObject);
        return Status;
    }
    KtqLoadedDevice = Device;
    return STATUS_SUCCESS;
}

/* PASSIVE_LEVEL. */
static VOID
KtqDriverUnload(PDRIVER_OBJECT DriverObject)
{
    while (DriverObject->DeviceObject != NULL) {
        IoDeleteDevice(DriverObject->DeviceObject);
    }
}

PKTQ_DEVICE
KtqLoad(PCWSTR Name, PDRIVER_OBJECT *DriverObject)
{
    KtqLoadedDevice = NULL;
    if (!NT_SUCCESS(IopLoadDriver(Name, KtqDriverEntry, DriverObject))) {
        return NULL;
    }
    return KtqLoadedDevice;
}

NTSTATUS
KtqUnload(PDRIVER_OBJECT DriverObject)
{
    return IopUnloadDriver(DriverObject);
}

/* Any IRQL <= DISPATCH_LEVEL: the sender's completion routine keeps the
 * IRP (STATUS_MORE_PROCESSING_REQUIRED) so the test can look at it. */
static NTSTATUS
KtqRequestCompleted(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    PKTQ_REQUEST Request = Context;

    UNREFERENCED_PARAMETER(DeviceObject);
    Request->Status = Irp->IoStatus.Status;
    Request->Information = Irp->IoStatus.Information;
    Request->PendingReturned = Irp->PendingReturned;
    InterlockedIncrement(&Request->Completions);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

BOOLEAN
KtqPrepare(PKTQ_DEVICE Device, PKTQ_REQUEST Request)
{
    RtlZeroMemory(Request, sizeof(*Request));
    Request->Irp = IoAllocateIrp(Device->DeviceObject->StackSize, FALSE);
    if (Request->Irp == NULL) {
        return FALSE;
    }
    Request->Irp->IoStatus.Status = STATUS_PENDING;
    Request->Irp->IoStatus.Information = 0xBAD;
    Request->Status = STATUS_PENDING;
    IoSetCompletionRoutine(Request->Irp, KtqRequestCompleted, Request, TRUE, TRUE, TRUE);
    return TRUE;
}

VOID
KtqSendRead(PKTQ_DEVICE Device, PKTQ_REQUEST Request, ULONG Key)
{
    PIO_STACK_LOCATION IrpSp = IoGetNextIrpStackLocation(Request->Irp);

    IrpSp->MajorFunction = IRP_MJ_READ;
    IrpSp->Parameters.Read.Length = Key * KTQ_BYTES_PER_KEY;
    IrpSp->Parameters.Read.Key = Key;
    Request->DispatchStatus = IoCallDriver(Device->DeviceObject, Request->Irp);
}

VOID
KtqSendControl(PKTQ_DEVICE Device, PKTQ_REQUEST Request, ULONG IoControlCode, ULONG Key,
               PIO_CSQ_IRP_CONTEXT Context)
{
    PIO_STACK_LOCATION IrpSp = IoGetNextIrpStackLocation(Request->Irp);

    IrpSp->MajorFunction = IRP_MJ_DEVICE_CONTROL;
    IrpSp->Parameters.DeviceIoControl.IoControlCode = IoControlCode;
    IrpSp->Parameters.DeviceIoControl.InputBufferLength = Key;
    IrpSp->Parameters.DeviceIoControl.OutputBufferLength = 0;
    IrpSp->Parameters.DeviceIoControl.Type3InputBuffer = Context;
    Request->DispatchStatus = IoCallDriver(Device->DeviceObject, Request->Irp);
}

VOID
KtqFree(PKTQ_REQUEST Request)
{
    if (Request->Irp != NULL) {
        IoFreeIrp(Request->Irp);
        Request->Irp = NULL;
    }
}

BOOLEAN
KtqInterrupt(PKTQ_DEVICE Device)
{
    KIRQL OldIrql = KfRaiseIrql(DISPATCH_LEVEL);
    PIRP Irp = Device->DeviceObject->CurrentIrp;

    if (Irp != NULL) {
        IoRequestDpc(Device->DeviceObject, Irp, NULL);
    }
    KeLowerIrql(OldIrql);
    return Irp != NULL;
}
