/*
 * tests/kernel/csq.c - cancel-safe queues (io/csq.c) in the KtQueue driver
 * (tests/kernel/ktqdriver.c), whose device-control IRPs go into an
 * IoCsqInitializeEx queue keyed by their InputBufferLength.
 */
#include "tests/kernel/ktest.h"
#include "tests/kernel/ktqdriver.h"

#define KTS_QUEUED 4

/* The test completes what it removed, as a driver would. */
static VOID
KtsCompleteRemoved(PIRP Irp, ULONG_PTR Information)
{
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = Information;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
}

KTEST(CsqInsertRemoveAndRemoveNextWithPeekContext)
{
    /* Peek keys of the four queued IRPs. */
    static const ULONG Keys[KTS_QUEUED] = {1, 2, 1, 3};
    KTQ_REQUEST Requests[KTS_QUEUED];
    IO_CSQ_IRP_CONTEXT Contexts[KTS_QUEUED];
    PDRIVER_OBJECT Driver;
    PKTQ_DEVICE Device;
    ULONG Index, Key;
    PIRP Irp;

    Device = KtqLoad(L"KtCsq", &Driver);
    KT_ASSERT(Device != NULL);
    for (Index = 0; Index < KTS_QUEUED; Index++) {
        KT_ASSERT(KtqPrepare(Device, &Requests[Index]));
        KtqSendControl(Device, &Requests[Index], KTQ_IOCTL_QUEUE, Keys[Index], &Contexts[Index]);
        KT_ASSERT_STATUS(Requests[Index].DispatchStatus, STATUS_PENDING);
        KT_ASSERT_EQ(Contexts[Index].Irp, Requests[Index].Irp);
        KT_ASSERT_EQ(Contexts[Index].Csq, &Device->Csq);
        /* Queued, cancelable, marked pending. */
        KT_ASSERT(Requests[Index].Irp->CancelRoutine != NULL);
        KT_ASSERT(IoGetCurrentIrpStackLocation(Requests[Index].Irp)->Control &
                  SL_PENDING_RETURNED);
    }
    KT_ASSERT_EQ(Device->CsqInsertCalls, KTS_QUEUED);

    /* Peek key 1: the first, then the third. */
    Key = 1;
    KT_ASSERT_EQ(IoCsqRemoveNextIrp(&Device->Csq, &Key), Requests[0].Irp);
    KT_ASSERT(Requests[0].Irp->CancelRoutine == NULL);
    KT_ASSERT(Contexts[0].Irp == NULL);
    /* By context: the fourth, then never again. */
    KT_ASSERT_EQ(IoCsqRemoveIrp(&Device->Csq, &Contexts[3]), Requests[3].Irp);
    KT_ASSERT(IoCsqRemoveIrp(&Device->Csq, &Contexts[3]) == NULL);
    KT_ASSERT_EQ(IoCsqRemoveNextIrp(&Device->Csq, &Key), Requests[2].Irp);
    KT_ASSERT(IoCsqRemoveNextIrp(&Device->Csq, &Key) == NULL);
    /* No peek context: whatever is first. */
    KT_ASSERT_EQ(IoCsqRemoveNextIrp(&Device->Csq, NULL), Requests[1].Irp);
    KT_ASSERT(IoCsqRemoveNextIrp(&Device->Csq, NULL) == NULL);
    KT_ASSERT(IsListEmpty(&Device->CsqList));

    for (Index = 0; Index < KTS_QUEUED; Index++) {
        Irp = Requests[Index].Irp;
        /* Removed IRPs are no longer cancelable: cancel only marks them. */
        KT_ASSERT(!IoCancelIrp(Irp));
        KtsCompleteRemoved(Irp, Index + 100);
        KT_ASSERT_EQ(Requests[Index].Completions, 1);
        KT_ASSERT_STATUS(Requests[Index].Status, STATUS_SUCCESS);
        KT_ASSERT_EQ(Requests[Index].Information, Index + 100);
        KtqFree(&Requests[Index]);
    }
    KT_ASSERT_EQ(Device->CsqCompleteCanceledCalls, 0);
    KT_ASSERT_STATUS(KtqUnload(Driver), STATUS_SUCCESS);
}

KTEST(CsqCancelledIrpLeavesQueueThroughCompleteCanceled)
{
    KTQ_REQUEST Requests[3];
    IO_CSQ_IRP_CONTEXT Context;
    PDRIVER_OBJECT Driver;
    PKTQ_DEVICE Device;
    ULONG Index;

    Device = KtqLoad(L"KtCsqCancel", &Driver);
    KT_ASSERT(Device != NULL);
    for (Index = 0; Index < 3; Index++) {
        KT_ASSERT(KtqPrepare(Device, &Requests[Index]));
        KtqSendControl(Device, &Requests[Index], KTQ_IOCTL_QUEUE, 7,
                       Index == 1 ? &Context : NULL);
    }
    KT_ASSERT(IoCancelIrp(Requests[1].Irp));
    KT_ASSERT_EQ(Device->CsqCompleteCanceledCalls, 1);
    KT_ASSERT_EQ(Requests[1].Completions, 1);
    KT_ASSERT_STATUS(Requests[1].Status, STATUS_CANCELLED);
    KT_ASSERT_EQ(Requests[1].Information, 0);
    /* Gone from the queue and from its context. */
    KT_ASSERT(Context.Irp == NULL);
    KT_ASSERT(IoCsqRemoveIrp(&Device->Csq, &Context) == NULL);
    KT_ASSERT_EQ(IoCsqRemoveNextIrp(&Device->Csq, NULL), Requests[0].Irp);
    KT_ASSERT_EQ(IoCsqRemoveNextIrp(&Device->Csq, NULL), Requests[2].Irp);
    KT_ASSERT(IoCsqRemoveNextIrp(&Device->Csq, NULL) == NULL);
    KT_ASSERT(!IoCancelIrp(Requests[1].Irp));
    KT_ASSERT_EQ(Requests[1].Completions, 1);

    KtsCompleteRemoved(Requests[0].Irp, 0);
    KtsCompleteRemoved(Requests[2].Irp, 0);
    for (Index = 0; Index < 3; Index++) {
        KT_ASSERT_EQ(Requests[Index].Completions, 1);
        KtqFree(&Requests[Index]);
    }
    KT_ASSERT_STATUS(KtqUnload(Driver), STATUS_SUCCESS);
}

KTEST(CsqIrpCancelledBeforeInsertIsNotQueued)
{
    KTQ_REQUEST Request;
    IO_CSQ_IRP_CONTEXT Context;
    PDRIVER_OBJECT Driver;
    PKTQ_DEVICE Device;

    Device = KtqLoad(L"KtCsqEarly", &Driver);
    KT_ASSERT(Device != NULL);
    KT_ASSERT(KtqPrepare(Device, &Request));
    KT_ASSERT(!IoCancelIrp(Request.Irp));
    KtqSendControl(Device, &Request, KTQ_IOCTL_QUEUE, 1, &Context);
    /* Marked pending (the dispatch routine returned STATUS_PENDING),
     * never given to the insert callback, completed as cancelled. */
    KT_ASSERT_STATUS(Request.DispatchStatus, STATUS_PENDING);
    KT_ASSERT(Request.PendingReturned);
    KT_ASSERT_EQ(Device->CsqInsertCalls, 0);
    KT_ASSERT_EQ(Device->CsqCompleteCanceledCalls, 1);
    KT_ASSERT_EQ(Request.Completions, 1);
    KT_ASSERT_STATUS(Request.Status, STATUS_CANCELLED);
    KT_ASSERT(Context.Irp == NULL);
    KT_ASSERT(IoCsqRemoveNextIrp(&Device->Csq, NULL) == NULL);
    KtqFree(&Request);
    KT_ASSERT_STATUS(KtqUnload(Driver), STATUS_SUCCESS);
}

KTEST(CsqExInsertRefusalReachesTheCaller)
{
    KTQ_REQUEST Request;
    IO_CSQ_IRP_CONTEXT Context;
    PDRIVER_OBJECT Driver;
    PKTQ_DEVICE Device;

    Device = KtqLoad(L"KtCsqRefuse", &Driver);
    KT_ASSERT(Device != NULL);
    KT_ASSERT(KtqPrepare(Device, &Request));
    KtqSendControl(Device, &Request, KTQ_IOCTL_QUEUE_REFUSED, 1, &Context);
    KT_ASSERT_EQ(Device->CsqInsertCalls, 1);
    /* IoCsqInsertIrpEx returned the callback's status; the dispatch routine
     * completed the IRP with it. */
    KT_ASSERT_STATUS(Request.DispatchStatus, KTQ_REFUSED_STATUS);
    KT_ASSERT_EQ(Request.Completions, 1);
    KT_ASSERT_STATUS(Request.Status, KTQ_REFUSED_STATUS);
    KT_ASSERT(Request.Irp->CancelRoutine == NULL);
    KT_ASSERT(Context.Irp == NULL);
    KT_ASSERT(IoCsqRemoveNextIrp(&Device->Csq, NULL) == NULL);
    KtqFree(&Request);
    KT_ASSERT_STATUS(KtqUnload(Driver), STATUS_SUCCESS);
}

KTEST(CsqRemovalSkipsIrpWhoseCancelIsUnderWay)
{
    KTQ_REQUEST Requests[2];
    IO_CSQ_IRP_CONTEXT Context;
    PDRIVER_OBJECT Driver;
    PKTQ_DEVICE Device;
    PDRIVER_CANCEL Routine;
    KIRQL Irql;

    Device = KtqLoad(L"KtCsqRace", &Driver);
    KT_ASSERT(Device != NULL);
    KT_ASSERT(KtqPrepare(Device, &Requests[0]));
    KT_ASSERT(KtqPrepare(Device, &Requests[1]));
    KtqSendControl(Device, &Requests[0], KTQ_IOCTL_QUEUE, 1, &Context);
    KtqSendControl(Device, &Requests[1], KTQ_IOCTL_QUEUE, 1, NULL);

    /* Replay, step by step, IoCancelIrp on another processor stopped just
     * after it took Requests[0]'s cancel routine and before it called it. */
    IoAcquireCancelSpinLock(&Irql);
    Requests[0].Irp->Cancel = TRUE;
    Routine = IoSetCancelRoutine(Requests[0].Irp, NULL);
    IoReleaseCancelSpinLock(Irql);
    KT_ASSERT(Routine != NULL);

    /* The queue's removers leave it to that call. */
    KT_ASSERT(IoCsqRemoveIrp(&Device->Csq, &Context) == NULL);
    KT_ASSERT_EQ(IoCsqRemoveNextIrp(&Device->Csq, NULL), Requests[1].Irp);
    KT_ASSERT(IoCsqRemoveNextIrp(&Device->Csq, NULL) == NULL);
    KT_ASSERT_EQ(Requests[0].Completions, 0);

    /* The call arrives: the routine dequeues and completes it. */
    IoAcquireCancelSpinLock(&Irql);
    Requests[0].Irp->CancelIrql = Irql;
    Routine(IoGetCurrentIrpStackLocation(Requests[0].Irp)->DeviceObject, Requests[0].Irp);
    KT_ASSERT_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
    KT_ASSERT_EQ(Requests[0].Completions, 1);
    KT_ASSERT_STATUS(Requests[0].Status, STATUS_CANCELLED);
    KT_ASSERT(IsListEmpty(&Device->CsqList));
    KT_ASSERT(Context.Irp == NULL);

    KtsCompleteRemoved(Requests[1].Irp, 0);
    KT_ASSERT_EQ(Requests[1].Completions, 1);
    KtqFree(&Requests[0]);
    KtqFree(&Requests[1]);
    KT_ASSERT_STATUS(KtqUnload(Driver), STATUS_SUCCESS);
}

KTEST(CsqInitializeRequiresEveryCallback)
{
    IO_CSQ Csq;

    KT_ASSERT_STATUS(IoCsqInitialize(&Csq, NULL, NULL, NULL, NULL, NULL, NULL),
                     STATUS_INVALID_PARAMETER);
}
