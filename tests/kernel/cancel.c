/*
 * tests/kernel/cancel.c - IoCancelIrp and the cancel spin lock
 * (io/cancel.c) against a StartIo driver (tests/kernel/ktqdriver.c) at
 * each moment of an IRP's life: before it is queued, while queued, while
 * StartIo has it, after completion, and racing the DPC that completes it.
 * Whatever the moment, the IRP completes exactly once; when cancelled,
 * with STATUS_CANCELLED and Information 0.
 */
#include "tests/kernel/ktest.h"
#include "tests/kernel/ktqdriver.h"

#define KTC_ASSERT_CANCELLED(Request)                          \
    do {                                                       \
        KT_ASSERT_EQ((Request).Completions, 1);                \
        KT_ASSERT_STATUS((Request).Status, STATUS_CANCELLED);  \
        KT_ASSERT_EQ((Request).Information, 0);                \
    } while (0)

#define KTC_ASSERT_SUCCEEDED(Request, Key)                                 \
    do {                                                                   \
        KT_ASSERT_EQ((Request).Completions, 1);                            \
        KT_ASSERT_STATUS((Request).Status, STATUS_SUCCESS);                \
        KT_ASSERT_EQ((Request).Information, (Key) * KTQ_BYTES_PER_KEY);    \
    } while (0)

KTEST(CancelSpinLockRaisesToDispatchAndReturnsIrql)
{
    KIRQL Irql, Inner;

    IoAcquireCancelSpinLock(&Irql);
    KT_ASSERT_EQ(KeGetCurrentIrql(), DISPATCH_LEVEL);
    IoReleaseCancelSpinLock(Irql);
    KT_ASSERT_EQ(Irql, PASSIVE_LEVEL);
    KT_ASSERT_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);

    /* From DISPATCH_LEVEL it stays there and says so. */
    Irql = KfRaiseIrql(DISPATCH_LEVEL);
    IoAcquireCancelSpinLock(&Inner);
    KT_ASSERT_EQ(Inner, DISPATCH_LEVEL);
    IoReleaseCancelSpinLock(Inner);
    KT_ASSERT_EQ(KeGetCurrentIrql(), DISPATCH_LEVEL);
    KeLowerIrql(Irql);
}

KTEST(CancelWithoutRoutineOnlyMarksTheIrp)
{
    PIRP Irp = IoAllocateIrp(1, FALSE);

    KT_ASSERT(Irp != NULL);
    KT_ASSERT(!Irp->Cancel);
    KT_ASSERT(!IoCancelIrp(Irp));
    KT_ASSERT(Irp->Cancel);
    IoFreeIrp(Irp);
}

KTEST(CancelQueuedIrpCallsRoutineWithCancelContract)
{
    KTQ_REQUEST Current, Queued, After;
    PDRIVER_OBJECT Driver;
    PKTQ_DEVICE Device;

    Device = KtqLoad(L"KtCancelQueued", &Driver);
    KT_ASSERT(Device != NULL);
    KT_ASSERT(KtqPrepare(Device, &Current));
    KT_ASSERT(KtqPrepare(Device, &Queued));
    KT_ASSERT(KtqPrepare(Device, &After));
    KtqSendRead(Device, &Current, 1);
    KtqSendRead(Device, &Queued, 2);
    KtqSendRead(Device, &After, 3);

    KT_ASSERT(IoCancelIrp(Queued.Irp));
    /* The routine ran at DISPATCH_LEVEL holding the cancel spin lock,
     * given the canceller's IRQL, with the routine already cleared and
     * Cancel set: the WDK's contract. */
    KT_ASSERT_EQ(Device->CancelCalls, 1);
    KT_ASSERT_EQ(Device->CancelIrqlAtCall, DISPATCH_LEVEL);
    KT_ASSERT_EQ(Device->CancelIrqlField, PASSIVE_LEVEL);
    KT_ASSERT(Device->CancelRoutineCleared);
    KT_ASSERT(Device->CancelFlagSet);
    KT_ASSERT_EQ(Device->CancelSawCurrent, 0);
    KT_ASSERT_EQ(Device->CancelRemovedFromQueue, 1);
    KTC_ASSERT_CANCELLED(Queued);
    KT_ASSERT_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);

    /* The current IRP is untouched; the cancelled one is never started. */
    KT_ASSERT_EQ(Device->DeviceObject->CurrentIrp, Current.Irp);
    KT_ASSERT(KtqInterrupt(Device));
    KTC_ASSERT_SUCCEEDED(Current, 1);
    KT_ASSERT_EQ(Device->DeviceObject->CurrentIrp, After.Irp);
    KT_ASSERT(KtqInterrupt(Device));
    KTC_ASSERT_SUCCEEDED(After, 3);
    KT_ASSERT_EQ(Device->StartedCount, 2);
    KT_ASSERT_EQ(Device->Started[1], 3);
    /* A second cancel finds no routine. */
    KT_ASSERT(!IoCancelIrp(Queued.Irp));
    KT_ASSERT_EQ(Queued.Completions, 1);

    KtqFree(&Current);
    KtqFree(&Queued);
    KtqFree(&After);
    KT_ASSERT_STATUS(KtqUnload(Driver), STATUS_SUCCESS);
}

KTEST(CancelInStartIoRoutineSeesCurrentIrpAndNextStarts)
{
    KTQ_REQUEST Current, Next;
    PDRIVER_OBJECT Driver;
    PKTQ_DEVICE Device;

    Device = KtqLoad(L"KtCancelCurrent", &Driver);
    KT_ASSERT(Device != NULL);
    KT_ASSERT(KtqPrepare(Device, &Current));
    KT_ASSERT(KtqPrepare(Device, &Next));
    KtqSendRead(Device, &Current, 1);
    KtqSendRead(Device, &Next, 2);
    KT_ASSERT_EQ(Device->DeviceObject->CurrentIrp, Current.Irp);

    KT_ASSERT(IoCancelIrp(Current.Irp));
    KT_ASSERT_EQ(Device->CancelSawCurrent, 1);
    KT_ASSERT_EQ(Device->CancelRemovedFromQueue, 0);
    KTC_ASSERT_CANCELLED(Current);
    /* The cancel routine's IoStartNextPacket handed StartIo the next IRP. */
    KT_ASSERT_EQ(Device->DeviceObject->CurrentIrp, Next.Irp);
    KT_ASSERT_EQ(Device->StartedCount, 2);
    KT_ASSERT(KtqInterrupt(Device));
    KTC_ASSERT_SUCCEEDED(Next, 2);
    KT_ASSERT(Device->DeviceObject->CurrentIrp == NULL);
    KT_ASSERT(!Device->DeviceObject->DeviceQueue.Busy);

    KtqFree(&Current);
    KtqFree(&Next);
    KT_ASSERT_STATUS(KtqUnload(Driver), STATUS_SUCCESS);
}

KTEST(CancelBeforeQueueingCompletesWithoutStartIo)
{
    KTQ_REQUEST Idle, Current, Busy;
    PDRIVER_OBJECT Driver;
    PKTQ_DEVICE Device;

    Device = KtqLoad(L"KtCancelEarly", &Driver);
    KT_ASSERT(Device != NULL);

    /* Idle device: the cancelled IRP would have become current at once. */
    KT_ASSERT(KtqPrepare(Device, &Idle));
    KT_ASSERT(!IoCancelIrp(Idle.Irp));      /* no routine yet: only marked */
    KtqSendRead(Device, &Idle, 1);
    KT_ASSERT_STATUS(Idle.DispatchStatus, STATUS_PENDING);
    KTC_ASSERT_CANCELLED(Idle);
    KT_ASSERT_EQ(Device->StartedCount, 0);
    KT_ASSERT_EQ(Device->CancelSawCurrent, 1);
    KT_ASSERT(Device->DeviceObject->CurrentIrp == NULL);
    KT_ASSERT(!Device->DeviceObject->DeviceQueue.Busy);

    /* Busy device: the cancelled IRP would have been queued. */
    KT_ASSERT(KtqPrepare(Device, &Current));
    KT_ASSERT(KtqPrepare(Device, &Busy));
    KtqSendRead(Device, &Current, 2);
    KT_ASSERT(!IoCancelIrp(Busy.Irp));
    KtqSendRead(Device, &Busy, 3);
    KTC_ASSERT_CANCELLED(Busy);
    KT_ASSERT_EQ(Device->CancelRemovedFromQueue, 1);
    KT_ASSERT_EQ(Device->DeviceObject->CurrentIrp, Current.Irp);
    KT_ASSERT(KtqInterrupt(Device));
    KTC_ASSERT_SUCCEEDED(Current, 2);
    KT_ASSERT_EQ(Device->StartedCount, 1);
    KT_ASSERT(Device->DeviceObject->CurrentIrp == NULL);

    KtqFree(&Idle);
    KtqFree(&Current);
    KtqFree(&Busy);
    KT_ASSERT_STATUS(KtqUnload(Driver), STATUS_SUCCESS);
}

KTEST(CancelAfterCompletionDoesNothing)
{
    KTQ_REQUEST Request;
    PDRIVER_OBJECT Driver;
    PKTQ_DEVICE Device;

    Device = KtqLoad(L"KtCancelLate", &Driver);
    KT_ASSERT(Device != NULL);
    KT_ASSERT(KtqPrepare(Device, &Request));
    KtqSendRead(Device, &Request, 4);
    KT_ASSERT(KtqInterrupt(Device));
    KTC_ASSERT_SUCCEEDED(Request, 4);

    KT_ASSERT(!IoCancelIrp(Request.Irp));
    KT_ASSERT_EQ(Device->CancelCalls, 0);
    KTC_ASSERT_SUCCEEDED(Request, 4);

    KtqFree(&Request);
    KT_ASSERT_STATUS(KtqUnload(Driver), STATUS_SUCCESS);
}

KTEST(CancelRacingCompletionDpcCompletesOnce)
{
    KTQ_REQUEST First, Second;
    PDRIVER_OBJECT Driver;
    PKTQ_DEVICE Device;
    KIRQL OldIrql;

    Device = KtqLoad(L"KtCancelRace", &Driver);
    KT_ASSERT(Device != NULL);
    KT_ASSERT(KtqPrepare(Device, &First));
    KT_ASSERT(KtqPrepare(Device, &Second));
    KtqSendRead(Device, &First, 1);
    KtqSendRead(Device, &Second, 2);

    /* The cancel wins: the device interrupts for First (its DPC is queued
     * but held back at DISPATCH_LEVEL), then First is cancelled. When the
     * DPC runs, IoSetCancelRoutine(First, NULL) gives NULL and it leaves
     * the IRP to the cancel routine, which has completed it. */
    OldIrql = KfRaiseIrql(DISPATCH_LEVEL);
    IoRequestDpc(Device->DeviceObject, First.Irp, NULL);
    KT_ASSERT(IoCancelIrp(First.Irp));
    KT_ASSERT_EQ(Device->DpcLostRace, 0);
    KeLowerIrql(OldIrql);
    KT_ASSERT_EQ(Device->DpcLostRace, 1);
    KT_ASSERT_EQ(Device->DpcCompleted, 0);
    KTC_ASSERT_CANCELLED(First);
    KT_ASSERT_EQ(Device->DeviceObject->CurrentIrp, Second.Irp);

    /* The DPC wins: it takes the cancel routine back and completes Second;
     * the cancel that follows finds nothing to call. */
    KT_ASSERT(KtqInterrupt(Device));
    KT_ASSERT(!IoCancelIrp(Second.Irp));
    KTC_ASSERT_SUCCEEDED(Second, 2);
    KT_ASSERT_EQ(Device->CancelCalls, 1);

    KtqFree(&First);
    KtqFree(&Second);
    KT_ASSERT_STATUS(KtqUnload(Driver), STATUS_SUCCESS);
}
