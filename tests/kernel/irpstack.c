/*
 * tests/kernel/irpstack.c - the layered test stack of the IRP tests: a
 * function driver (KtIrpLower) with two filter devices of one filter driver
 * (KtIrpFilter) above it. See tests/kernel/irpstack.h.
 */
#include "tests/kernel/irpstack.h"
#include "io/iop.h"

KT_IRP_STACK KtIrpStack;

static DRIVER_INITIALIZE KtIrpLowerEntry;
static DRIVER_INITIALIZE KtIrpFilterEntry;
static DRIVER_UNLOAD KtIrpUnload;
static DRIVER_DISPATCH KtIrpLowerDispatch;
static DRIVER_DISPATCH KtIrpFilterDispatch;
static IO_COMPLETION_ROUTINE KtIrpFilterCompletion;
static KDEFERRED_ROUTINE KtIrpLowerDpc;
static DRIVER_CANCEL KtIrpCancel;

/* Any IRQL <= DISPATCH_LEVEL. */
VOID
KtIrpTrace(CHAR Who, PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    KT_TRACE_ENTRY *Entry;

    if (KtIrpStack.TraceCount >= KT_TRACE_MAX) {
        return;
    }
    Entry = &KtIrpStack.Trace[KtIrpStack.TraceCount++];
    Entry->Who = Who;
    Entry->DeviceObject = DeviceObject;
    Entry->Context = Context;
    Entry->PendingReturned = Irp->PendingReturned;
    Entry->Status = Irp->IoStatus.Status;
}

/* Never called: a cancel routine the planted bug leaves set. */
static VOID
KtIrpCancel(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Irp);
}

/* DISPATCH_LEVEL or below. Where the request's output goes and how long it is. */
static PUCHAR
KtIrpOutput(PIRP Irp, PIO_STACK_LOCATION IrpSp, PULONG Length)
{
    ULONG Method;

    if (IrpSp->MajorFunction == IRP_MJ_READ) {
        *Length = IrpSp->Parameters.Read.Length;
        if (Irp->MdlAddress != NULL) {
            return MmGetSystemAddressForMdlSafe(Irp->MdlAddress, NormalPagePriority);
        }
        return Irp->AssociatedIrp.SystemBuffer != NULL ? Irp->AssociatedIrp.SystemBuffer
                                                       : Irp->UserBuffer;
    }
    *Length = IrpSp->Parameters.DeviceIoControl.OutputBufferLength;
    Method = METHOD_FROM_CTL_CODE(IrpSp->Parameters.DeviceIoControl.IoControlCode);
    if (Method == METHOD_BUFFERED) {
        return Irp->AssociatedIrp.SystemBuffer;
    }
    if (Method == METHOD_NEITHER) {
        return Irp->UserBuffer;
    }
    return Irp->MdlAddress != NULL
               ? MmGetSystemAddressForMdlSafe(Irp->MdlAddress, NormalPagePriority)
               : NULL;
}

/* DISPATCH_LEVEL or below. Records what came in, writes what goes out. */
static VOID
KtIrpLowerTransfer(PIRP Irp)
{
    PIO_STACK_LOCATION IrpSp = IoGetCurrentIrpStackLocation(Irp);
    PUCHAR In = NULL, Out = NULL;
    ULONG InLength = 0, OutLength = 0, Index;

    switch (IrpSp->MajorFunction) {
    case IRP_MJ_WRITE:
        InLength = IrpSp->Parameters.Write.Length;
        In = Irp->MdlAddress != NULL
                 ? MmGetSystemAddressForMdlSafe(Irp->MdlAddress, NormalPagePriority)
             : Irp->AssociatedIrp.SystemBuffer != NULL ? Irp->AssociatedIrp.SystemBuffer
                                                       : Irp->UserBuffer;
        break;
    case IRP_MJ_READ:
        Out = KtIrpOutput(Irp, IrpSp, &OutLength);
        break;
    case IRP_MJ_DEVICE_CONTROL:
    case IRP_MJ_INTERNAL_DEVICE_CONTROL:
        InLength = IrpSp->Parameters.DeviceIoControl.InputBufferLength;
        In = METHOD_FROM_CTL_CODE(IrpSp->Parameters.DeviceIoControl.IoControlCode) ==
                     METHOD_NEITHER
                 ? IrpSp->Parameters.DeviceIoControl.Type3InputBuffer
                 : Irp->AssociatedIrp.SystemBuffer;
        /* Read the input before writing the output: one buffer may hold both. */
        KtIrpStack.SeenLength = InLength;
        for (Index = 0; Index < InLength && Index < sizeof(KtIrpStack.Seen); Index++) {
            KtIrpStack.Seen[Index] = In[Index];
        }
        In = NULL;
        Out = KtIrpOutput(Irp, IrpSp, &OutLength);
        break;
    default:
        break;
    }
    if (In != NULL) {
        KtIrpStack.SeenLength = InLength;
        for (Index = 0; Index < InLength && Index < sizeof(KtIrpStack.Seen); Index++) {
            KtIrpStack.Seen[Index] = In[Index];
        }
    }
    if (KtIrpStack.LowerInformation >= 0 && (ULONG)KtIrpStack.LowerInformation < OutLength) {
        OutLength = (ULONG)KtIrpStack.LowerInformation;
    }
    if (Out != NULL) {
        for (Index = 0; Index < OutLength; Index++) {
            Out[Index] = KtIrpPattern(Index);
        }
    }
    Irp->IoStatus.Status = KtIrpStack.LowerStatus;
    Irp->IoStatus.Information = KtIrpStack.LowerInformation >= 0
                                    ? (ULONG_PTR)KtIrpStack.LowerInformation
                                    : (Out != NULL ? OutLength : InLength);
    if (KtIrpStack.LowerSetsCancel) {
        Irp->Cancel = TRUE;
    }
}

/* DISPATCH_LEVEL: the function driver's completion of a pending request. */
static VOID
KtIrpLowerDpc(PKDPC Dpc, PVOID Context, PVOID SystemArgument1, PVOID SystemArgument2)
{
    PIRP Irp = KtIrpStack.DpcIrp;

    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(SystemArgument1);
    UNREFERENCED_PARAMETER(SystemArgument2);
    KtIrpStack.DpcIrp = NULL;
    KtIrpLowerTransfer(Irp);
    KtIrpStack.LowerCompletions++;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
}

/* PASSIVE_LEVEL or DISPATCH_LEVEL: the function driver. */
static NTSTATUS
KtIrpLowerDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    LARGE_INTEGER Due;

    UNREFERENCED_PARAMETER(DeviceObject);
    KtIrpStack.LowerDispatches++;
    switch (KtIrpStack.LowerMode) {
    case KtLowerPendDpc:
        IoMarkIrpPending(Irp);
        KtIrpStack.DpcIrp = Irp;
        KeInsertQueueDpc(&KtIrpStack.Dpc, NULL, NULL);
        return STATUS_PENDING;
    case KtLowerPendTimer:
        IoMarkIrpPending(Irp);
        /* fall through */
    case KtLowerPendNoMark:
        KtIrpStack.DpcIrp = Irp;
        Due.QuadPart = -20000;      /* 2 ms */
        KeSetTimer(&KtIrpStack.Timer, Due, &KtIrpStack.Dpc);
        return STATUS_PENDING;
    case KtLowerHold:
        IoMarkIrpPending(Irp);
        KtIrpStack.HeldIrp = Irp;
        return STATUS_PENDING;
    case KtLowerCompleteNoMarkPending:
        KtIrpLowerTransfer(Irp);
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return STATUS_PENDING;
    case KtLowerCompleteTwice:
        KtIrpLowerTransfer(Irp);
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return STATUS_SUCCESS;
    case KtLowerLeaveCancelRoutine:
        IoSetCancelRoutine(Irp, KtIrpCancel);
        KtIrpLowerTransfer(Irp);
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return STATUS_SUCCESS;
    case KtLowerComplete:
    default:
        KtIrpLowerTransfer(Irp);
        KtIrpStack.LowerCompletions++;
        {
            NTSTATUS Status = Irp->IoStatus.Status;

            IoCompleteRequest(Irp, IO_NO_INCREMENT);
            return Status;
        }
    }
}

/* DISPATCH_LEVEL or below: both filters' completion routine. Context is
 * the filter's device; it records itself and propagates the pending mark. */
static NTSTATUS
KtIrpFilterCompletion(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    CHAR Who = Context == KtIrpStack.FilterA ? 'A' : 'B';

    KtIrpTrace(Who, DeviceObject, Irp, Context);
    if (Who == 'A' && KtIrpStack.FilterAClaims) {
        KtIrpStack.HeldIrp = Irp;
        return STATUS_MORE_PROCESSING_REQUIRED;
    }
    if (Irp->PendingReturned) {
        IoMarkIrpPending(Irp);
    }
    return STATUS_CONTINUE_COMPLETION;
}

/* PASSIVE_LEVEL or DISPATCH_LEVEL (KtFilterForward: PASSIVE_LEVEL). */
static NTSTATUS
KtIrpFilterDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PDEVICE_OBJECT Below = DeviceObject == KtIrpStack.FilterB ? KtIrpStack.FilterA
                                                               : KtIrpStack.Lower;
    UCHAR Control = KtIrpStack.FilterControl;
    NTSTATUS Status;

    switch (KtIrpStack.FilterMode) {
    case KtFilterSkip:
        IoSkipCurrentIrpStackLocation(Irp);
        return IoCallDriver(Below, Irp);
    case KtFilterForward:
        if (!IoForwardIrpSynchronously(Below, Irp)) {
            Irp->IoStatus.Status = STATUS_INVALID_DEVICE_STATE;
        }
        KtIrpTrace(DeviceObject == KtIrpStack.FilterA ? 'a' : 'b', DeviceObject, Irp, NULL);
        Status = Irp->IoStatus.Status;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return Status;
    case KtFilterCopy:
    default:
        IoCopyCurrentIrpStackLocationToNext(Irp);
        IoSetCompletionRoutine(Irp, KtIrpFilterCompletion, DeviceObject,
                               (Control & SL_INVOKE_ON_SUCCESS) != 0,
                               (Control & SL_INVOKE_ON_ERROR) != 0,
                               (Control & SL_INVOKE_ON_CANCEL) != 0);
        return IoCallDriver(Below, Irp);
    }
}

static VOID
KtIrpUnload(PDRIVER_OBJECT DriverObject)
{
    while (DriverObject->DeviceObject != NULL) {
        IoDeleteDevice(DriverObject->DeviceObject);
    }
}

static NTSTATUS
KtIrpLowerEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->MajorFunction[IRP_MJ_READ] = KtIrpLowerDispatch;
    DriverObject->MajorFunction[IRP_MJ_WRITE] = KtIrpLowerDispatch;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = KtIrpLowerDispatch;
    DriverObject->MajorFunction[IRP_MJ_INTERNAL_DEVICE_CONTROL] = KtIrpLowerDispatch;
    DriverObject->MajorFunction[IRP_MJ_FLUSH_BUFFERS] = KtIrpLowerDispatch;
    DriverObject->DriverUnload = KtIrpUnload;
    return STATUS_SUCCESS;
}

static NTSTATUS
KtIrpFilterEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    ULONG Index;

    UNREFERENCED_PARAMETER(RegistryPath);
    for (Index = 0; Index <= IRP_MJ_MAXIMUM_FUNCTION; Index++) {
        DriverObject->MajorFunction[Index] = KtIrpFilterDispatch;
    }
    DriverObject->DriverUnload = KtIrpUnload;
    return STATUS_SUCCESS;
}

/* PASSIVE_LEVEL. */
NTSTATUS
KtIrpStackCreate(ULONG DeviceFlags)
{
    NTSTATUS Status;

    /* A test that failed halfway left its stack: one failure, not many. */
    if (KtIrpStack.LowerDriver != NULL || KtIrpStack.FilterDriver != NULL) {
        KtIrpStackDestroy();
    }
    RtlZeroMemory(&KtIrpStack, sizeof(KtIrpStack));
    KtIrpStack.LowerStatus = STATUS_SUCCESS;
    KtIrpStack.LowerInformation = -1;
    KtIrpStack.FilterControl = SL_INVOKE_ON_SUCCESS | SL_INVOKE_ON_ERROR | SL_INVOKE_ON_CANCEL;
    KeInitializeDpc(&KtIrpStack.Dpc, KtIrpLowerDpc, NULL);
    KeInitializeTimer(&KtIrpStack.Timer);

    Status = IopLoadDriver(L"KtIrpLower", KtIrpLowerEntry, &KtIrpStack.LowerDriver);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    Status = IopLoadDriver(L"KtIrpFilter", KtIrpFilterEntry, &KtIrpStack.FilterDriver);
    if (!NT_SUCCESS(Status)) {
        IopUnloadDriver(KtIrpStack.LowerDriver);
        return Status;
    }
    Status = IoCreateDevice(KtIrpStack.LowerDriver, 0, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE,
                            &KtIrpStack.Lower);
    if (NT_SUCCESS(Status)) {
        Status = IoCreateDevice(KtIrpStack.FilterDriver, 0, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE,
                                &KtIrpStack.FilterA);
    }
    if (NT_SUCCESS(Status)) {
        Status = IoCreateDevice(KtIrpStack.FilterDriver, 0, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE,
                                &KtIrpStack.FilterB);
    }
    if (!NT_SUCCESS(Status)) {
        KtIrpStackDestroy();
        return Status;
    }
    KtIrpStack.Lower->Flags = (KtIrpStack.Lower->Flags & ~DO_DEVICE_INITIALIZING) | DeviceFlags;
    if (IoAttachDeviceToDeviceStack(KtIrpStack.FilterA, KtIrpStack.Lower) != KtIrpStack.Lower) {
        KtIrpStackDestroy();
        return STATUS_UNSUCCESSFUL;
    }
    KtIrpStack.FilterA->Flags = (KtIrpStack.FilterA->Flags & ~DO_DEVICE_INITIALIZING) |
                                DeviceFlags;
    if (IoAttachDeviceToDeviceStack(KtIrpStack.FilterB, KtIrpStack.Lower) != KtIrpStack.FilterA) {
        KtIrpStackDestroy();
        return STATUS_UNSUCCESSFUL;
    }
    KtIrpStack.FilterB->Flags = (KtIrpStack.FilterB->Flags & ~DO_DEVICE_INITIALIZING) |
                                DeviceFlags;
    return STATUS_SUCCESS;
}

/* PASSIVE_LEVEL. */
VOID
KtIrpStackDestroy(VOID)
{
    if (KtIrpStack.FilterA != NULL && KtIrpStack.FilterA->AttachedDevice != NULL) {
        IoDetachDevice(KtIrpStack.FilterA);
    }
    if (KtIrpStack.Lower != NULL && KtIrpStack.Lower->AttachedDevice != NULL) {
        IoDetachDevice(KtIrpStack.Lower);
    }
    if (KtIrpStack.FilterDriver != NULL) {
        IopUnloadDriver(KtIrpStack.FilterDriver);
    }
    if (KtIrpStack.LowerDriver != NULL) {
        IopUnloadDriver(KtIrpStack.LowerDriver);
    }
    KtIrpStack.FilterDriver = KtIrpStack.LowerDriver = NULL;
    KtIrpStack.Lower = KtIrpStack.FilterA = KtIrpStack.FilterB = NULL;
}
