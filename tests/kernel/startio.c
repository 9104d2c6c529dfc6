/*
 * tests/kernel/startio.c - StartIo (io/startio.c, kernel/ke/devqueue.c)
 * with the KtQueue driver (tests/kernel/ktqdriver.c): one IRP at a time,
 * in arrival or key order, at DISPATCH_LEVEL; every IRP completed once
 * with the status and byte count the driver set; the device idle after.
 * KeRemoveByKeyDeviceQueueIfBusy is tested on a bare KDEVICE_QUEUE.
 */
#include "tests/kernel/ktest.h"
#include "tests/kernel/ktqdriver.h"

#define KTS_COUNT 5

/* Each request completed exactly once, successfully, with its bytes. */
#define KTS_ASSERT_READ_DONE(Request, Key)                                         \
    do {                                                                           \
        KT_ASSERT_EQ((Request).Completions, 1);                                    \
        KT_ASSERT_STATUS((Request).Status, STATUS_SUCCESS);                        \
        KT_ASSERT_EQ((Request).Information, (Key) * KTQ_BYTES_PER_KEY);            \
        KT_ASSERT((Request).PendingReturned);                                      \
    } while (0)

KTEST(StartIoRunsPacketsOneAtATimeInArrivalOrder)
{
    static const ULONG Keys[KTS_COUNT] = {50, 30, 70, 10, 60};
    KTQ_REQUEST Requests[KTS_COUNT];
    PDRIVER_OBJECT Driver;
    PKTQ_DEVICE Device;
    ULONG Index;

    Device = KtqLoad(L"KtStartIoFifo", &Driver);
    KT_ASSERT(Device != NULL);
    for (Index = 0; Index < KTS_COUNT; Index++) {
        KT_ASSERT(KtqPrepare(Device, &Requests[Index]));
        KtqSendRead(Device, &Requests[Index], Keys[Index]);
        KT_ASSERT_STATUS(Requests[Index].DispatchStatus, STATUS_PENDING);
    }
    /* Only the first reached StartIo (at once, at DISPATCH_LEVEL); the
     * rest wait in the device queue. */
    KT_ASSERT_EQ(Device->StartedCount, 1);
    KT_ASSERT_EQ(Device->StartIoIrql, DISPATCH_LEVEL);
    KT_ASSERT_EQ(Device->DeviceObject->CurrentIrp, Requests[0].Irp);
    KT_ASSERT(Device->DeviceObject->DeviceQueue.Busy);
    KT_ASSERT_EQ(Requests[0].Completions, 0);

    for (Index = 0; Index < KTS_COUNT; Index++) {
        KT_ASSERT(KtqInterrupt(Device));
        KTS_ASSERT_READ_DONE(Requests[Index], Keys[Index]);
        if (Index + 1 < KTS_COUNT) {
            KT_ASSERT_EQ(Device->DeviceObject->CurrentIrp, Requests[Index + 1].Irp);
            KT_ASSERT_EQ(Requests[Index + 1].Completions, 0);
        }
    }
    KT_ASSERT_EQ(Device->StartedCount, KTS_COUNT);
    for (Index = 0; Index < KTS_COUNT; Index++) {
        KT_ASSERT_EQ(Device->Started[Index], Keys[Index]);
    }
    KT_ASSERT_EQ(Device->MaxStartIoDepth, 1);
    KT_ASSERT(Device->DeviceObject->CurrentIrp == NULL);
    KT_ASSERT(!Device->DeviceObject->DeviceQueue.Busy);
    KT_ASSERT(!KtqInterrupt(Device));

    for (Index = 0; Index < KTS_COUNT; Index++) {
        KtqFree(&Requests[Index]);
    }
    KT_ASSERT_STATUS(KtqUnload(Driver), STATUS_SUCCESS);
}

/* Sends Keys with IoStartPacket keys and finishes them all; Started gets
 * the order StartIo saw. */
static BOOLEAN
KtsRunKeyed(PKTQ_DEVICE Device, BOOLEAN NextByKey, const ULONG *Keys, KTQ_REQUEST *Requests)
{
    ULONG Index;

    Device->UseKeys = TRUE;
    Device->NextByKey = NextByKey;
    for (Index = 0; Index < KTS_COUNT; Index++) {
        if (!KtqPrepare(Device, &Requests[Index])) {
            return FALSE;
        }
        KtqSendRead(Device, &Requests[Index], Keys[Index]);
    }
    for (Index = 0; Index < KTS_COUNT; Index++) {
        if (!KtqInterrupt(Device)) {
            return FALSE;
        }
    }
    return Device->DeviceObject->CurrentIrp == NULL && !KtqInterrupt(Device);
}

KTEST(StartIoKeyedPacketsStartInKeyOrder)
{
    static const ULONG Keys[KTS_COUNT] = {50, 30, 70, 10, 60};
    /* 50 starts at once (the device was idle); the rest by ascending key. */
    static const ULONG Expected[KTS_COUNT] = {50, 10, 30, 60, 70};
    KTQ_REQUEST Requests[KTS_COUNT];
    PDRIVER_OBJECT Driver;
    PKTQ_DEVICE Device;
    ULONG Index;

    Device = KtqLoad(L"KtStartIoKeyed", &Driver);
    KT_ASSERT(Device != NULL);
    KT_ASSERT(KtsRunKeyed(Device, FALSE, Keys, Requests));
    KT_ASSERT_EQ(Device->StartedCount, KTS_COUNT);
    for (Index = 0; Index < KTS_COUNT; Index++) {
        KT_ASSERT_EQ(Device->Started[Index], Expected[Index]);
        KTS_ASSERT_READ_DONE(Requests[Index], Keys[Index]);
        KtqFree(&Requests[Index]);
    }
    KT_ASSERT_STATUS(KtqUnload(Driver), STATUS_SUCCESS);
}

KTEST(StartIoNextPacketByKeySweepsUpThenWraps)
{
    static const ULONG Keys[KTS_COUNT] = {50, 30, 70, 10, 60};
    /* IoStartNextPacketByKey(current key): the next key at or above it,
     * and back to the lowest once none is left above (an elevator). */
    static const ULONG Expected[KTS_COUNT] = {50, 60, 70, 10, 30};
    KTQ_REQUEST Requests[KTS_COUNT];
    PDRIVER_OBJECT Driver;
    PKTQ_DEVICE Device;
    ULONG Index;

    Device = KtqLoad(L"KtStartIoByKey", &Driver);
    KT_ASSERT(Device != NULL);
    KT_ASSERT(KtsRunKeyed(Device, TRUE, Keys, Requests));
    for (Index = 0; Index < KTS_COUNT; Index++) {
        KT_ASSERT_EQ(Device->Started[Index], Expected[Index]);
        KTS_ASSERT_READ_DONE(Requests[Index], Keys[Index]);
        KtqFree(&Requests[Index]);
    }
    KT_ASSERT_STATUS(KtqUnload(Driver), STATUS_SUCCESS);
}

/* Queues four reads behind a held first one, then lets StartIo finish
 * each at once (calling IoStartNextPacket from inside StartIo). Returns
 * the deepest StartIo nesting seen. */
static ULONG
KtsRunCompletingInStartIo(PKTQ_DEVICE Device, KTQ_REQUEST *Requests, PBOOLEAN AllDone)
{
    ULONG Index;

    *AllDone = FALSE;
    for (Index = 0; Index < KTS_COUNT; Index++) {
        if (!KtqPrepare(Device, &Requests[Index])) {
            return 0;
        }
        KtqSendRead(Device, &Requests[Index], Index + 1);
    }
    Device->CompleteInStartIo = TRUE;
    if (!KtqInterrupt(Device)) {
        return 0;
    }
    *AllDone = Device->DeviceObject->CurrentIrp == NULL && Device->StartedCount == KTS_COUNT;
    for (Index = 0; Index < KTS_COUNT; Index++) {
        if (Requests[Index].Completions != 1 || Requests[Index].Status != STATUS_SUCCESS ||
            Device->Started[Index] != Index + 1) {
            *AllDone = FALSE;
        }
        KtqFree(&Requests[Index]);
    }
    return Device->MaxStartIoDepth;
}

KTEST(StartIoDeferredStartIoDoesNotNest)
{
    KTQ_REQUEST Requests[KTS_COUNT];
    PDRIVER_OBJECT Driver;
    PKTQ_DEVICE Device;
    BOOLEAN AllDone;

    /* Without the attribute, each IoStartNextPacket from StartIo calls
     * StartIo again from inside it: the nesting grows with the queue. */
    Device = KtqLoad(L"KtStartIoNested", &Driver);
    KT_ASSERT(Device != NULL);
    KT_ASSERT_EQ(KtsRunCompletingInStartIo(Device, Requests, &AllDone), KTS_COUNT - 1);
    KT_ASSERT(AllDone);
    KT_ASSERT_STATUS(KtqUnload(Driver), STATUS_SUCCESS);

    /* DeferredStartIo: the next StartIo waits until the current returns. */
    Device = KtqLoad(L"KtStartIoDeferred", &Driver);
    KT_ASSERT(Device != NULL);
    IoSetStartIoAttributes(Device->DeviceObject, TRUE, FALSE);
    KT_ASSERT_EQ(KtsRunCompletingInStartIo(Device, Requests, &AllDone), 1);
    KT_ASSERT(AllDone);
    KT_ASSERT_STATUS(KtqUnload(Driver), STATUS_SUCCESS);
}

KTEST(StartIoNonCancelableIrpIsNotCancelledInStartIo)
{
    KTQ_REQUEST First, Second;
    PDRIVER_OBJECT Driver;
    PKTQ_DEVICE Device;

    Device = KtqLoad(L"KtStartIoNoCancel", &Driver);
    KT_ASSERT(Device != NULL);
    IoSetStartIoAttributes(Device->DeviceObject, FALSE, TRUE);
    KT_ASSERT(KtqPrepare(Device, &First));
    KT_ASSERT(KtqPrepare(Device, &Second));
    KtqSendRead(Device, &First, 1);
    KtqSendRead(Device, &Second, 2);

    /* In StartIo the IRP has no cancel routine any more: IoCancelIrp only
     * marks it. A queued IRP is still cancelable. */
    KT_ASSERT(!IoCancelIrp(First.Irp));
    KT_ASSERT(First.Irp->Cancel);
    KT_ASSERT_EQ(Device->CancelCalls, 0);
    KT_ASSERT(IoCancelIrp(Second.Irp));
    KT_ASSERT_EQ(Second.Completions, 1);
    KT_ASSERT_STATUS(Second.Status, STATUS_CANCELLED);

    /* The driver finishes First itself; it owns it, so its DPC's
     * IoSetCancelRoutine(NULL) gives NULL, and this driver's DPC treats
     * that as lost to a cancel routine: it completes nothing. A
     * NonCancelable driver must not rely on that test, which is the point
     * of the attribute; complete it here as such a driver would. */
    KT_ASSERT_EQ(Device->DeviceObject->CurrentIrp, First.Irp);
    First.Irp->IoStatus.Status = STATUS_SUCCESS;
    First.Irp->IoStatus.Information = KTQ_BYTES_PER_KEY;
    {
        KIRQL OldIrql = KfRaiseIrql(DISPATCH_LEVEL);

        IoStartNextPacket(Device->DeviceObject, TRUE);
        IoCompleteRequest(First.Irp, IO_NO_INCREMENT);
        KeLowerIrql(OldIrql);
    }
    KTS_ASSERT_READ_DONE(First, 1);
    KT_ASSERT(Device->DeviceObject->CurrentIrp == NULL);
    KtqFree(&First);
    KtqFree(&Second);
    KT_ASSERT_STATUS(KtqUnload(Driver), STATUS_SUCCESS);
}

KTEST(StartIoWithoutStartIoRoutineFailsThePacket)
{
    KTQ_REQUEST Request;
    PDRIVER_OBJECT Driver;
    PKTQ_DEVICE Device;

    Device = KtqLoad(L"KtStartIoMissing", &Driver);
    KT_ASSERT(Device != NULL);
    Driver->DriverStartIo = NULL;
    KT_ASSERT(KtqPrepare(Device, &Request));
    KtqSendRead(Device, &Request, 1);
    KT_ASSERT_EQ(Request.Completions, 1);
    KT_ASSERT_STATUS(Request.Status, STATUS_INVALID_DEVICE_REQUEST);
    KT_ASSERT(Device->DeviceObject->CurrentIrp == NULL);
    KtqFree(&Request);
    KT_ASSERT_STATUS(KtqUnload(Driver), STATUS_SUCCESS);
}

/* KeRemoveByKeyDeviceQueueIfBusy on a queue of its own: NULL from an idle
 * queue, which stays idle (where KeRemoveByKeyDeviceQueue would assert);
 * from a busy one the same choice by key as KeRemoveByKeyDeviceQueue, and
 * NULL once it is empty, which makes it idle. */
KTEST(DeviceQueueRemoveByKeyIfBusyOnlyWhenBusy)
{
    static const ULONG Keys[4] = {40, 20, 30, 10};
    KDEVICE_QUEUE Queue;
    KDEVICE_QUEUE_ENTRY Entries[4];
    PKDEVICE_QUEUE_ENTRY FromIdle, ByKey25, ByKey35, ByKey0, FromEmpty, FromIdleAgain;
    BOOLEAN Queued[4], BusyAfterIdleCall, BusyAfterEmpty, BusyAfterIdleAgain, QueuedAfter;
    KIRQL OldIrql;
    ULONG Index;

    KeInitializeDeviceQueue(&Queue);
    OldIrql = KfRaiseIrql(DISPATCH_LEVEL);
    FromIdle = KeRemoveByKeyDeviceQueueIfBusy(&Queue, 0);
    BusyAfterIdleCall = Queue.Busy;
    /* 40 finds the queue idle: it is not queued, the queue is busy. The
     * rest queue in key order: 10, 20, 30. */
    for (Index = 0; Index < 4; Index++) {
        Queued[Index] = KeInsertByKeyDeviceQueue(&Queue, &Entries[Index], Keys[Index]);
    }
    ByKey25 = KeRemoveByKeyDeviceQueueIfBusy(&Queue, 25);  /* the first key >= 25: 30 */
    ByKey35 = KeRemoveByKeyDeviceQueueIfBusy(&Queue, 35);  /* none >= 35: the head, 10 */
    ByKey0 = KeRemoveByKeyDeviceQueueIfBusy(&Queue, 0);    /* 20 */
    FromEmpty = KeRemoveByKeyDeviceQueueIfBusy(&Queue, 0);
    BusyAfterEmpty = Queue.Busy;
    FromIdleAgain = KeRemoveByKeyDeviceQueueIfBusy(&Queue, 0);
    BusyAfterIdleAgain = Queue.Busy;
    /* Still a working queue: the next insertion finds it idle. */
    QueuedAfter = KeInsertByKeyDeviceQueue(&Queue, &Entries[0], Keys[0]);
    KeLowerIrql(OldIrql);

    KT_ASSERT(FromIdle == NULL);
    KT_ASSERT(!BusyAfterIdleCall);
    KT_ASSERT(!Queued[0] && Queued[1] && Queued[2] && Queued[3]);
    KT_ASSERT_EQ(ByKey25, &Entries[2]);
    KT_ASSERT_EQ(ByKey35, &Entries[3]);
    KT_ASSERT_EQ(ByKey0, &Entries[1]);
    KT_ASSERT(!Entries[1].Inserted && !Entries[2].Inserted && !Entries[3].Inserted);
    KT_ASSERT(FromEmpty == NULL);
    KT_ASSERT(!BusyAfterEmpty);
    KT_ASSERT(FromIdleAgain == NULL);
    KT_ASSERT(!BusyAfterIdleAgain);
    KT_ASSERT(!QueuedAfter);
    KT_ASSERT(Queue.Busy);
}
