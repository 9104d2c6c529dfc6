/*
 * kernel/ke/devqueue.c - device queues (KDEVICE_QUEUE): the queue of IRPs
 * behind a driver's StartIo (DEVICE_OBJECT.DeviceQueue, io/startio.c) and
 * of any driver that keeps a supplementary queue of its own.
 *
 * Each routine takes the queue's spin lock around the list logic of
 * kernel/ke/devqlist.c (the busy/idle rules are drawn there and in
 * kernel/ke/devqueue.h). As the WDK documents, the insert and remove
 * routines run at DISPATCH_LEVEL: the spin lock's "AtDpcLevel" acquire
 * stops the machine (IRQL_NOT_GREATER_OR_EQUAL) when a caller is below it.
 * KeRemoveEntryDeviceQueue may be called at any IRQL up to DISPATCH_LEVEL,
 * since cancel routines call it after lowering.
 */
#include "kernel/ke/devqueue.h"

/* A queue whose Type is wrong was never initialized: its list head is
 * garbage, and the list code would fault far from the mistake. */
static VOID
KipCheckDeviceQueue(PKDEVICE_QUEUE DeviceQueue, PCSTR Caller)
{
    if (DeviceQueue == NULL || DeviceQueue->Type != KI_DEVICE_QUEUE_OBJECT) {
        DbgPrint("%s: %p is not an initialized KDEVICE_QUEUE (KeInitializeDeviceQueue first)\n",
                 Caller, DeviceQueue);
        KeBugCheckEx(KMODE_EXCEPTION_NOT_HANDLED, (ULONG_PTR)(ULONG)STATUS_INVALID_PARAMETER,
                     (ULONG_PTR)__builtin_return_address(0), (ULONG_PTR)DeviceQueue,
                     DeviceQueue != NULL ? (ULONG_PTR)(USHORT)DeviceQueue->Type : 0);
    }
}

/* Any IRQL: it only fills in fields. */
VOID NTAPI
KeInitializeDeviceQueue(PKDEVICE_QUEUE DeviceQueue)
{
    DeviceQueue->Type = KI_DEVICE_QUEUE_OBJECT;
    DeviceQueue->Size = sizeof(KDEVICE_QUEUE);
    InitializeListHead(&DeviceQueue->DeviceListHead);
    KeInitializeSpinLock(&DeviceQueue->Lock);
    DeviceQueue->Hint = 0;
    DeviceQueue->Busy = FALSE;
}

/* DISPATCH_LEVEL; takes the queue's lock. FALSE: the queue was idle and is
 * now busy, the entry was not queued and the caller starts on it. */
BOOLEAN NTAPI
KeInsertDeviceQueue(PKDEVICE_QUEUE DeviceQueue, PKDEVICE_QUEUE_ENTRY DeviceQueueEntry)
{
    BOOLEAN Inserted;

    KipCheckDeviceQueue(DeviceQueue, "KeInsertDeviceQueue");
    KeAcquireSpinLockAtDpcLevel(&DeviceQueue->Lock);
    Inserted = KiDeviceQueueInsert(DeviceQueue, DeviceQueueEntry, FALSE, 0);
    KeReleaseSpinLockFromDpcLevel(&DeviceQueue->Lock);
    return Inserted;
}

/* DISPATCH_LEVEL; takes the queue's lock. As KeInsertDeviceQueue, keeping
 * the queue in ascending SortKey order. */
BOOLEAN NTAPI
KeInsertByKeyDeviceQueue(PKDEVICE_QUEUE DeviceQueue, PKDEVICE_QUEUE_ENTRY DeviceQueueEntry,
                         ULONG SortKey)
{
    BOOLEAN Inserted;

    KipCheckDeviceQueue(DeviceQueue, "KeInsertByKeyDeviceQueue");
    KeAcquireSpinLockAtDpcLevel(&DeviceQueue->Lock);
    Inserted = KiDeviceQueueInsert(DeviceQueue, DeviceQueueEntry, TRUE, SortKey);
    KeReleaseSpinLockFromDpcLevel(&DeviceQueue->Lock);
    return Inserted;
}

/* DISPATCH_LEVEL; takes the queue's lock. The head entry, or NULL (and
 * the queue idle) when it is empty. The queue must be busy: removing from
 * an idle queue means the caller's bookkeeping is wrong. */
PKDEVICE_QUEUE_ENTRY NTAPI
KeRemoveDeviceQueue(PKDEVICE_QUEUE DeviceQueue)
{
    PKDEVICE_QUEUE_ENTRY Entry;

    KipCheckDeviceQueue(DeviceQueue, "KeRemoveDeviceQueue");
    KeAcquireSpinLockAtDpcLevel(&DeviceQueue->Lock);
    ASSERT(DeviceQueue->Busy);
    Entry = KiDeviceQueueRemove(DeviceQueue, FALSE, 0);
    KeReleaseSpinLockFromDpcLevel(&DeviceQueue->Lock);
    return Entry;
}

/* DISPATCH_LEVEL; takes the queue's lock. The first entry whose SortKey is
 * >= SortKey, else the head; NULL (and the queue idle) when empty. */
PKDEVICE_QUEUE_ENTRY NTAPI
KeRemoveByKeyDeviceQueue(PKDEVICE_QUEUE DeviceQueue, ULONG SortKey)
{
    PKDEVICE_QUEUE_ENTRY Entry;

    KipCheckDeviceQueue(DeviceQueue, "KeRemoveByKeyDeviceQueue");
    KeAcquireSpinLockAtDpcLevel(&DeviceQueue->Lock);
    ASSERT(DeviceQueue->Busy);
    Entry = KiDeviceQueueRemove(DeviceQueue, TRUE, SortKey);
    KeReleaseSpinLockFromDpcLevel(&DeviceQueue->Lock);
    return Entry;
}

/* DISPATCH_LEVEL; takes the queue's lock. As KeRemoveByKeyDeviceQueue
 * when the queue is busy; when it is idle, NULL, and the queue stays idle.
 * For a caller that does not know whether the queue is busy: the busy
 * test and the removal happen under one hold of the lock, and an idle
 * queue is an answer here, not the caller's mistake. */
PKDEVICE_QUEUE_ENTRY NTAPI
KeRemoveByKeyDeviceQueueIfBusy(PKDEVICE_QUEUE DeviceQueue, ULONG SortKey)
{
    PKDEVICE_QUEUE_ENTRY Entry = NULL;

    KipCheckDeviceQueue(DeviceQueue, "KeRemoveByKeyDeviceQueueIfBusy");
    KeAcquireSpinLockAtDpcLevel(&DeviceQueue->Lock);
    if (DeviceQueue->Busy) {
        Entry = KiDeviceQueueRemove(DeviceQueue, TRUE, SortKey);
    }
    KeReleaseSpinLockFromDpcLevel(&DeviceQueue->Lock);
    return Entry;
}

/* IRQL <= DISPATCH_LEVEL; raises to DISPATCH_LEVEL for the queue's lock.
 * TRUE when the entry was queued and is now removed; the busy state does
 * not change (the entry being worked on is not in the list). */
BOOLEAN NTAPI
KeRemoveEntryDeviceQueue(PKDEVICE_QUEUE DeviceQueue, PKDEVICE_QUEUE_ENTRY DeviceQueueEntry)
{
    KIRQL OldIrql;
    BOOLEAN Removed;

    KipCheckDeviceQueue(DeviceQueue, "KeRemoveEntryDeviceQueue");
    KeAcquireSpinLock(&DeviceQueue->Lock, &OldIrql);
    Removed = KiDeviceQueueRemoveEntry(DeviceQueueEntry);
    KeReleaseSpinLock(&DeviceQueue->Lock, OldIrql);
    return Removed;
}
