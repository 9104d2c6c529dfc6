/*
 * tests/kernel/irppath.c - IRPs through the layered test stack
 * (tests/kernel/irpstack.c): IoCallDriver and IoCompleteRequest with
 * synchronous and pending completion (from a DPC and from a timer),
 * completion routines bottom-up with their flags, PendingReturned,
 * STATUS_MORE_PROCESSING_REQUIRED, the IoBuild* requests with every
 * buffering method, IoForwardIrpSynchronously, IoReuseIrp,
 * IoSetCompletionRoutineEx and the outstanding-IRP counts.
 */
#include "tests/kernel/irpstack.h"
#include "io/iopirp.h"
#include "kernel/mm/pool.h"

#define KT_IOCTL(Method) CTL_CODE(FILE_DEVICE_UNKNOWN, 0x900, (Method), FILE_ANY_ACCESS)

static UCHAR KtIn[48], KtOut[64];

static VOID
KtFillInput(VOID)
{
    ULONG Index;

    for (Index = 0; Index < sizeof(KtIn); Index++) {
        KtIn[Index] = (UCHAR)(Index + 0x30);
    }
    RtlFillMemory(KtOut, sizeof(KtOut), 0xEE);
}

/* PASSIVE_LEVEL: an IOCTL to the top of the stack, waited for. */
static NTSTATUS
KtSendIoctl(ULONG Code, PVOID In, ULONG InLength, PVOID Out, ULONG OutLength,
            PIO_STATUS_BLOCK Iosb, PNTSTATUS Returned)
{
    KEVENT Event;
    PIRP Irp;
    NTSTATUS Status;

    KeInitializeEvent(&Event, NotificationEvent, FALSE);
    Iosb->Status = (NTSTATUS)0x12345678;
    Iosb->Information = 0x5555;
    Irp = IoBuildDeviceIoControlRequest(Code, KtIrpStack.FilterB, In, InLength, Out, OutLength,
                                        FALSE, &Event, Iosb);
    if (Irp == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    Status = IoCallDriver(KtIrpStack.FilterB, Irp);
    *Returned = Status;
    if (Status == STATUS_PENDING) {
        KeWaitForSingleObject(&Event, Executive, KernelMode, FALSE, NULL);
        Status = Iosb->Status;
    } else if (KeReadStateEvent(&Event) == 0) {
        return STATUS_UNSUCCESSFUL;     /* completed, but the event was not signaled */
    }
    return Status;
}

/* Output bytes [0, Count) are the pattern, the rest untouched. */
static BOOLEAN
KtOutputIs(ULONG Count)
{
    ULONG Index;

    for (Index = 0; Index < sizeof(KtOut); Index++) {
        if (KtOut[Index] != (Index < Count ? KtIrpPattern(Index) : 0xEE)) {
            DbgPrint("KtOutputIs: byte %u is 0x%02x\n", Index, KtOut[Index]);
            return FALSE;
        }
    }
    return TRUE;
}

KTEST(IrpStackSynchronousIoctl)
{
    IO_STATUS_BLOCK Iosb;
    NTSTATUS Returned;

    KT_ASSERT_STATUS(KtIrpStackCreate(DO_BUFFERED_IO), STATUS_SUCCESS);
    KT_ASSERT_EQ(KtIrpStack.FilterB->StackSize, 3);
    KtFillInput();
    KtIrpStack.LowerInformation = 40;
    KT_ASSERT_STATUS(KtSendIoctl(KT_IOCTL(METHOD_BUFFERED), KtIn, 16, KtOut, 48, &Iosb,
                                 &Returned), STATUS_SUCCESS);
    KT_ASSERT_STATUS(Returned, STATUS_SUCCESS);
    KT_ASSERT_STATUS(Iosb.Status, STATUS_SUCCESS);
    KT_ASSERT_EQ(Iosb.Information, 40);
    KT_ASSERT(KtOutputIs(40));
    KT_ASSERT_EQ(KtIrpStack.SeenLength, 16);
    KT_ASSERT(RtlCompareMemory(KtIrpStack.Seen, KtIn, 16) == 16);
    KT_ASSERT_EQ(KtIrpStack.LowerDispatches, 1);
    KT_ASSERT_EQ(KtIrpStack.LowerCompletions, 1);
    /* A then B, each once, neither saw a pending IRP. */
    KT_ASSERT_EQ(KtIrpStack.TraceCount, 2);
    KT_ASSERT(KtIrpStack.Trace[0].Who == 'A' && KtIrpStack.Trace[1].Who == 'B');
    KT_ASSERT(!KtIrpStack.Trace[0].PendingReturned && !KtIrpStack.Trace[1].PendingReturned);
    KT_ASSERT_EQ(ExpPoolBytesOutstanding(IOP_SYSTEM_BUFFER_TAG), 0);
    KT_ASSERT_EQ(IopGetOutstandingIrpCount(KtIrpStack.Lower), 0);
    KtIrpStackDestroy();
}

static PDEVICE_OBJECT KtSenderDevice;
static PVOID KtSenderContext;
static ULONG KtSenderCalls;

/* The sender's own routine (in FilterB's location): DeviceObject is NULL,
 * there being no location above. It claims and frees its IRP. */
static NTSTATUS
KtSenderRoutine(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    KtIrpTrace('T', DeviceObject, Irp, Context);
    KtSenderDevice = DeviceObject;
    KtSenderContext = Context;
    KtSenderCalls++;
    IoFreeIrp(Irp);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

/* PASSIVE_LEVEL: a driver-allocated IRP (IRP_MJ_FLUSH_BUFFERS) with the
 * sender's completion routine; returns what IoCallDriver returned. */
static NTSTATUS
KtSendOwnIrp(VOID)
{
    PIRP Irp = IoAllocateIrp(KtIrpStack.FilterB->StackSize, FALSE);

    if (Irp == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    IoGetNextIrpStackLocation(Irp)->MajorFunction = IRP_MJ_FLUSH_BUFFERS;
    IoSetCompletionRoutine(Irp, KtSenderRoutine, (PVOID)0x5E4D, TRUE, TRUE, TRUE);
    KtSenderCalls = 0;
    return IoCallDriver(KtIrpStack.FilterB, Irp);
}

/* Routines run bottom-up, each with its device and its context. */
KTEST(IrpStackCompletionOrder)
{
    KT_ASSERT_STATUS(KtIrpStackCreate(0), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtSendOwnIrp(), STATUS_SUCCESS);
    KT_ASSERT_EQ(KtIrpStack.TraceCount, 3);
    KT_ASSERT(KtIrpStack.Trace[0].Who == 'A');
    KT_ASSERT(KtIrpStack.Trace[0].DeviceObject == KtIrpStack.FilterA);
    KT_ASSERT(KtIrpStack.Trace[0].Context == KtIrpStack.FilterA);
    KT_ASSERT(KtIrpStack.Trace[1].Who == 'B');
    KT_ASSERT(KtIrpStack.Trace[1].DeviceObject == KtIrpStack.FilterB);
    KT_ASSERT(KtIrpStack.Trace[1].Context == KtIrpStack.FilterB);
    KT_ASSERT(KtIrpStack.Trace[2].Who == 'T');
    KT_ASSERT(KtSenderDevice == NULL && KtSenderContext == (PVOID)0x5E4D);
    KT_ASSERT_EQ(KtSenderCalls, 1);
    KtIrpStackDestroy();
}

/* SL_INVOKE_ON_*: success-only routines skip an error; cancel-only ones
 * run for a cancelled IRP whatever its status. */
KTEST(IrpStackInvokeFlags)
{
    KT_ASSERT_STATUS(KtIrpStackCreate(0), STATUS_SUCCESS);
    KtIrpStack.FilterControl = SL_INVOKE_ON_SUCCESS;
    KtIrpStack.LowerStatus = STATUS_DEVICE_NOT_READY;
    KT_ASSERT_STATUS(KtSendOwnIrp(), STATUS_DEVICE_NOT_READY);
    KT_ASSERT_EQ(KtIrpStack.TraceCount, 1);     /* only the sender's, on error too */
    KT_ASSERT(KtIrpStack.Trace[0].Who == 'T');
    KT_ASSERT_STATUS(KtIrpStack.Trace[0].Status, STATUS_DEVICE_NOT_READY);

    KtIrpStack.TraceCount = 0;
    KtIrpStack.FilterControl = SL_INVOKE_ON_ERROR;
    KT_ASSERT_STATUS(KtSendOwnIrp(), STATUS_DEVICE_NOT_READY);
    KT_ASSERT_EQ(KtIrpStack.TraceCount, 3);

    KtIrpStack.TraceCount = 0;
    KtIrpStack.FilterControl = SL_INVOKE_ON_ERROR;
    KtIrpStack.LowerStatus = STATUS_SUCCESS;
    KT_ASSERT_STATUS(KtSendOwnIrp(), STATUS_SUCCESS);
    KT_ASSERT_EQ(KtIrpStack.TraceCount, 1);

    KtIrpStack.TraceCount = 0;
    KtIrpStack.FilterControl = SL_INVOKE_ON_CANCEL;
    KtIrpStack.LowerStatus = STATUS_CANCELLED;
    KtIrpStack.LowerSetsCancel = TRUE;
    KT_ASSERT_STATUS(KtSendOwnIrp(), STATUS_CANCELLED);
    KT_ASSERT_EQ(KtIrpStack.TraceCount, 3);
    KtIrpStackDestroy();
}

/* Pending, completed from a DPC (at once) and from a timer DPC (after the
 * dispatch routines returned, so the sender really waits). */
KTEST(IrpStackPendingDpc)
{
    IO_STATUS_BLOCK Iosb;
    NTSTATUS Returned;
    ULONG Round;

    KT_ASSERT_STATUS(KtIrpStackCreate(DO_BUFFERED_IO), STATUS_SUCCESS);
    for (Round = 0; Round < 2; Round++) {
        KtFillInput();
        KtIrpStack.TraceCount = 0;
        KtIrpStack.LowerMode = Round == 0 ? KtLowerPendDpc : KtLowerPendTimer;
        KtIrpStack.LowerStatus = STATUS_BUFFER_OVERFLOW;    /* a warning: data still comes */
        KtIrpStack.LowerInformation = 24;
        KT_ASSERT_STATUS(KtSendIoctl(KT_IOCTL(METHOD_BUFFERED), KtIn, 8, KtOut, 32, &Iosb,
                                     &Returned), STATUS_BUFFER_OVERFLOW);
        KT_ASSERT_STATUS(Returned, STATUS_PENDING);
        KT_ASSERT_STATUS(Iosb.Status, STATUS_BUFFER_OVERFLOW);
        KT_ASSERT_EQ(Iosb.Information, 24);
        KT_ASSERT(KtOutputIs(24));
        KT_ASSERT_EQ(KtIrpStack.TraceCount, 2);
        /* The mark climbs: each routine sees the pending IRP below it. */
        KT_ASSERT(KtIrpStack.Trace[0].PendingReturned && KtIrpStack.Trace[1].PendingReturned);
        KT_ASSERT_EQ(KtIrpStack.LowerCompletions, Round + 1);
    }
    KtIrpStackDestroy();
}

/* FilterA's routine claims the IRP; nothing above it runs and the sender
 * hears nothing until FilterA completes it again. */
KTEST(IrpStackMoreProcessingRequired)
{
    IO_STATUS_BLOCK Iosb;
    KEVENT Event;
    PIRP Irp;

    KT_ASSERT_STATUS(KtIrpStackCreate(0), STATUS_SUCCESS);
    KtIrpStack.FilterAClaims = TRUE;
    KeInitializeEvent(&Event, NotificationEvent, FALSE);
    Iosb.Status = (NTSTATUS)0x12345678;
    Irp = IoBuildDeviceIoControlRequest(KT_IOCTL(METHOD_NEITHER), KtIrpStack.FilterB, NULL, 0,
                                        NULL, 0, FALSE, &Event, &Iosb);
    KT_ASSERT(Irp != NULL);
    KT_ASSERT_STATUS(IoCallDriver(KtIrpStack.FilterB, Irp), STATUS_SUCCESS);
    KT_ASSERT(KtIrpStack.HeldIrp == Irp);
    KT_ASSERT_EQ(KtIrpStack.TraceCount, 1);
    KT_ASSERT_EQ(KeReadStateEvent(&Event), 0);
    KT_ASSERT_STATUS(Iosb.Status, 0x12345678);
    if (IopVerifierEnabled) {
        KT_ASSERT_EQ(IopGetOutstandingIrpCount(KtIrpStack.FilterA), 1);
        KT_ASSERT_EQ(IopGetOutstandingIrpCount(KtIrpStack.Lower), 0);
    }

    /* FilterA finishes its work and completes the IRP again. */
    Irp->IoStatus.Information = 7;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    KT_ASSERT_EQ(KtIrpStack.TraceCount, 2);
    KT_ASSERT(KtIrpStack.Trace[1].Who == 'B');
    KT_ASSERT_EQ(KeReadStateEvent(&Event), 1);
    KT_ASSERT_STATUS(Iosb.Status, STATUS_SUCCESS);
    KT_ASSERT_EQ(Iosb.Information, 7);
    KT_ASSERT_EQ(IopGetOutstandingIrpCount(KtIrpStack.FilterA), 0);
    KT_ASSERT_EQ(IopGetOutstandingIrpCount(KtIrpStack.FilterB), 0);
    KtIrpStackDestroy();
}

/* IOCTLs by METHOD_: the bytes arrive, come back, and Information is right. */
KTEST(IrpStackIoctlMethods)
{
    static const ULONG Methods[] = {METHOD_BUFFERED, METHOD_IN_DIRECT, METHOD_OUT_DIRECT,
                                    METHOD_NEITHER};
    IO_STATUS_BLOCK Iosb;
    NTSTATUS Returned;
    ULONG Index;

    KT_ASSERT_STATUS(KtIrpStackCreate(0), STATUS_SUCCESS);
    for (Index = 0; Index < ARRAYSIZE(Methods); Index++) {
        KtFillInput();
        KtIrpStack.SeenLength = 0;
        RtlZeroMemory(KtIrpStack.Seen, sizeof(KtIrpStack.Seen));
        KT_ASSERT_STATUS(KtSendIoctl(KT_IOCTL(Methods[Index]), KtIn, 40, KtOut, 20, &Iosb,
                                     &Returned), STATUS_SUCCESS);
        KT_ASSERT_EQ(Iosb.Information, 20);
        KT_ASSERT(KtOutputIs(20));
        KT_ASSERT_EQ(KtIrpStack.SeenLength, 40);
        KT_ASSERT(RtlCompareMemory(KtIrpStack.Seen, KtIn, 40) == 40);
    }
    /* A short answer copies back only what the driver returned. */
    KtFillInput();
    KtIrpStack.LowerInformation = 5;
    KT_ASSERT_STATUS(KtSendIoctl(KT_IOCTL(METHOD_BUFFERED), KtIn, 4, KtOut, 30, &Iosb,
                                 &Returned), STATUS_SUCCESS);
    KT_ASSERT_EQ(Iosb.Information, 5);
    KT_ASSERT(KtOutputIs(5));
    /* A failed request copies nothing. */
    KtFillInput();
    KtIrpStack.LowerInformation = -1;
    KtIrpStack.LowerStatus = STATUS_INVALID_PARAMETER;
    KT_ASSERT_STATUS(KtSendIoctl(KT_IOCTL(METHOD_BUFFERED), KtIn, 4, KtOut, 30, &Iosb,
                                 &Returned), STATUS_INVALID_PARAMETER);
    KT_ASSERT(KtOutputIs(0));
    /* Bad input is refused with a message, not a crash. */
    KT_ASSERT(IoBuildDeviceIoControlRequest(KT_IOCTL(METHOD_BUFFERED), KtIrpStack.FilterB, NULL,
                                            4, NULL, 0, FALSE, NULL, &Iosb) == NULL);
    KT_ASSERT_EQ(ExpPoolBytesOutstanding(IOP_SYSTEM_BUFFER_TAG), 0);
    KtIrpStackDestroy();
}

/* Reads and writes by the device's buffering method. */
KTEST(IrpStackFsdRequests)
{
    static const ULONG Flags[] = {DO_BUFFERED_IO, DO_DIRECT_IO, 0};
    LARGE_INTEGER Offset;
    IO_STATUS_BLOCK Iosb;
    KEVENT Event;
    PIRP Irp;
    ULONG Index;

    Offset.QuadPart = 0x1000;
    for (Index = 0; Index < ARRAYSIZE(Flags); Index++) {
        KT_ASSERT_STATUS(KtIrpStackCreate(Flags[Index]), STATUS_SUCCESS);
        KeInitializeEvent(&Event, NotificationEvent, FALSE);
        KtFillInput();
        KtIrpStack.LowerMode = KtLowerPendTimer;
        Irp = IoBuildSynchronousFsdRequest(IRP_MJ_READ, KtIrpStack.FilterB, KtOut, 33, &Offset,
                                           &Event, &Iosb);
        KT_ASSERT(Irp != NULL);
        KT_ASSERT_EQ(IoGetNextIrpStackLocation(Irp)->Parameters.Read.ByteOffset.QuadPart, 0x1000);
        KT_ASSERT_STATUS(IoCallDriver(KtIrpStack.FilterB, Irp), STATUS_PENDING);
        KeWaitForSingleObject(&Event, Executive, KernelMode, FALSE, NULL);
        KT_ASSERT_STATUS(Iosb.Status, STATUS_SUCCESS);
        KT_ASSERT_EQ(Iosb.Information, 33);
        KT_ASSERT(KtOutputIs(33));

        KeInitializeEvent(&Event, NotificationEvent, FALSE);
        KtIrpStack.LowerMode = KtLowerComplete;
        Irp = IoBuildSynchronousFsdRequest(IRP_MJ_WRITE, KtIrpStack.FilterB, KtIn, 12, NULL,
                                           &Event, &Iosb);
        KT_ASSERT(Irp != NULL);
        KT_ASSERT_STATUS(IoCallDriver(KtIrpStack.FilterB, Irp), STATUS_SUCCESS);
        KT_ASSERT_EQ(Iosb.Information, 12);
        KT_ASSERT_EQ(KtIrpStack.SeenLength, 12);
        KT_ASSERT(RtlCompareMemory(KtIrpStack.Seen, KtIn, 12) == 12);
        KtIrpStackDestroy();
    }
    KT_ASSERT(IoBuildSynchronousFsdRequest(IRP_MJ_DEVICE_CONTROL, KtIrpStack.FilterB, NULL, 0,
                                           NULL, &Event, &Iosb) == NULL);
    KT_ASSERT_EQ(ExpPoolBytesOutstanding(IOP_SYSTEM_BUFFER_TAG), 0);
}

static KEVENT KtAsyncEvent;

/* The documented duty of an IoBuildAsynchronousFsdRequest caller. */
static NTSTATUS
KtAsyncDone(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    PMDL Mdl, Next;

    UNREFERENCED_PARAMETER(DeviceObject);
    *(PIO_STATUS_BLOCK)Context = Irp->IoStatus;
    for (Mdl = Irp->MdlAddress; Mdl != NULL; Mdl = Next) {
        Next = Mdl->Next;
        MmUnlockPages(Mdl);
        IoFreeMdl(Mdl);
    }
    Irp->MdlAddress = NULL;
    IoFreeIrp(Irp);
    KeSetEvent(&KtAsyncEvent, IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

KTEST(IrpStackAsynchronousFsdRequest)
{
    IO_STATUS_BLOCK Iosb;
    PIRP Irp;

    KT_ASSERT_STATUS(KtIrpStackCreate(DO_DIRECT_IO), STATUS_SUCCESS);
    KtFillInput();
    KtIrpStack.LowerMode = KtLowerPendTimer;
    KeInitializeEvent(&KtAsyncEvent, NotificationEvent, FALSE);
    Irp = IoBuildAsynchronousFsdRequest(IRP_MJ_READ, KtIrpStack.FilterB, KtOut, 17, NULL, NULL);
    KT_ASSERT(Irp != NULL);
    KT_ASSERT(Irp->MdlAddress != NULL);
    IoSetCompletionRoutine(Irp, KtAsyncDone, &Iosb, TRUE, TRUE, TRUE);
    KT_ASSERT_STATUS(IoCallDriver(KtIrpStack.FilterB, Irp), STATUS_PENDING);
    KeWaitForSingleObject(&KtAsyncEvent, Executive, KernelMode, FALSE, NULL);
    KT_ASSERT_STATUS(Iosb.Status, STATUS_SUCCESS);
    KT_ASSERT_EQ(Iosb.Information, 17);
    KT_ASSERT(KtOutputIs(17));
    KtIrpStackDestroy();
}

/* Each filter forwards synchronously (waiting on its event while the
 * function driver's timer runs), then completes the IRP itself. */
KTEST(IrpStackForwardSynchronously)
{
    IO_STATUS_BLOCK Iosb;
    NTSTATUS Returned;

    KT_ASSERT_STATUS(KtIrpStackCreate(DO_BUFFERED_IO), STATUS_SUCCESS);
    KtFillInput();
    KtIrpStack.FilterMode = KtFilterForward;
    KtIrpStack.LowerMode = KtLowerPendTimer;
    KT_ASSERT_STATUS(KtSendIoctl(KT_IOCTL(METHOD_BUFFERED), KtIn, 8, KtOut, 10, &Iosb,
                                 &Returned), STATUS_SUCCESS);
    KT_ASSERT_STATUS(Returned, STATUS_SUCCESS);     /* the filters completed it themselves */
    KT_ASSERT_EQ(Iosb.Information, 10);
    KT_ASSERT(KtOutputIs(10));
    KT_ASSERT_EQ(KtIrpStack.TraceCount, 2);
    KT_ASSERT(KtIrpStack.Trace[0].Who == 'a' && KtIrpStack.Trace[1].Who == 'b');
    KT_ASSERT_EQ(KtIrpStack.LowerCompletions, 1);
    KtIrpStackDestroy();
}

static ULONG KtReuseCalls;

static NTSTATUS
KtReuseRoutine(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Irp);
    UNREFERENCED_PARAMETER(Context);
    KtReuseCalls++;
    return STATUS_MORE_PROCESSING_REQUIRED;
}

/* One IRP, sent, claimed, reused and sent again: each round runs the whole
 * stack once and ends in the sender's routine once. */
KTEST(IrpStackReuseAndResend)
{
    PIRP Irp;
    ULONG Round;

    KT_ASSERT_STATUS(KtIrpStackCreate(0), STATUS_SUCCESS);
    KtIrpStack.FilterMode = KtFilterSkip;
    Irp = IoAllocateIrp(KtIrpStack.FilterB->StackSize, FALSE);
    KT_ASSERT(Irp != NULL);
    KtReuseCalls = 0;
    for (Round = 0; Round < 3; Round++) {
        IoGetNextIrpStackLocation(Irp)->MajorFunction = IRP_MJ_FLUSH_BUFFERS;
        IoSetCompletionRoutine(Irp, KtReuseRoutine, NULL, TRUE, TRUE, TRUE);
        KtIrpStack.LowerInformation = (LONG)Round;
        KT_ASSERT_STATUS(IoCallDriver(KtIrpStack.FilterB, Irp), STATUS_SUCCESS);
        KT_ASSERT_EQ(KtReuseCalls, Round + 1);
        KT_ASSERT_EQ(Irp->IoStatus.Information, Round);
        IoReuseIrp(Irp, STATUS_NOT_SUPPORTED);
        KT_ASSERT_EQ(Irp->CurrentLocation, Irp->StackCount + 1);
    }
    KT_ASSERT_EQ(KtIrpStack.LowerDispatches, 3);
    IoFreeIrp(Irp);
    KtIrpStackDestroy();
}

/* Outstanding IRPs per device: a filter that copies its location keeps
 * its count until completion passes it; one that skips is done at once. */
KTEST(IrpStackOutstandingCounts)
{
    IO_STATUS_BLOCK Iosb;
    KEVENT Event;
    PIRP Irp;
    ULONG Mode;

    if (!IopVerifierEnabled) {
        return;     /* the counts are the verifier's */
    }
    for (Mode = 0; Mode < 2; Mode++) {
        KT_ASSERT_STATUS(KtIrpStackCreate(0), STATUS_SUCCESS);
        KtIrpStack.FilterMode = Mode == 0 ? KtFilterCopy : KtFilterSkip;
        KtIrpStack.LowerMode = KtLowerHold;
        KeInitializeEvent(&Event, NotificationEvent, FALSE);
        Irp = IoBuildDeviceIoControlRequest(KT_IOCTL(METHOD_NEITHER), KtIrpStack.FilterB, NULL,
                                            0, NULL, 0, FALSE, &Event, &Iosb);
        KT_ASSERT(Irp != NULL);
        KT_ASSERT_STATUS(IoCallDriver(KtIrpStack.FilterB, Irp), STATUS_PENDING);
        KT_ASSERT(KtIrpStack.HeldIrp == Irp);
        KT_ASSERT_EQ(IopGetOutstandingIrpCount(KtIrpStack.Lower), 1);
        KT_ASSERT_EQ(IopGetOutstandingIrpCount(KtIrpStack.FilterA), Mode == 0 ? 1 : 0);
        KT_ASSERT_EQ(IopGetOutstandingIrpCount(KtIrpStack.FilterB), Mode == 0 ? 1 : 0);
        KT_ASSERT_EQ(IopGetDriverOutstandingIrpCount(KtIrpStack.FilterDriver), Mode == 0 ? 2 : 0);
        Irp->IoStatus.Status = STATUS_SUCCESS;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        KT_ASSERT_EQ(KeReadStateEvent(&Event), 1);
        KT_ASSERT_EQ(IopGetOutstandingIrpCount(KtIrpStack.Lower), 0);
        KT_ASSERT_EQ(IopGetDriverOutstandingIrpCount(KtIrpStack.FilterDriver), 0);
        KtIrpStackDestroy();
    }
}

static ULONG KtExCalls;

static NTSTATUS
KtExRoutine(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    KtExCalls++;
    *(PNTSTATUS)Context = Irp->IoStatus.Status;
    IoFreeIrp(Irp);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

/* The Ex routine's context goes back to the pool whether or not the
 * driver's routine is called for that outcome. */
KTEST(IrpStackCompletionRoutineEx)
{
    NTSTATUS Seen = STATUS_PENDING;
    PIRP Irp;

    KT_ASSERT_STATUS(KtIrpStackCreate(0), STATUS_SUCCESS);
    Irp = IoAllocateIrp(KtIrpStack.FilterB->StackSize, FALSE);
    KT_ASSERT(Irp != NULL);
    IoGetNextIrpStackLocation(Irp)->MajorFunction = IRP_MJ_FLUSH_BUFFERS;
    KT_ASSERT_STATUS(IoSetCompletionRoutineEx(KtIrpStack.FilterB, Irp, KtExRoutine, &Seen, TRUE,
                                              TRUE, TRUE), STATUS_SUCCESS);
    KT_ASSERT(ExpPoolBytesOutstanding(IOP_COMPLETION_CONTEXT_TAG) != 0);
    KtExCalls = 0;
    KT_ASSERT_STATUS(IoCallDriver(KtIrpStack.FilterB, Irp), STATUS_SUCCESS);
    KT_ASSERT_EQ(KtExCalls, 1);
    KT_ASSERT_STATUS(Seen, STATUS_SUCCESS);
    KT_ASSERT_EQ(ExpPoolBytesOutstanding(IOP_COMPLETION_CONTEXT_TAG), 0);
    KtIrpStackDestroy();
}
