/*
 * kernel/ke/devqlist.c - a KDEVICE_QUEUE's list and busy state, without its
 * lock (the contract is in kernel/ke/devqueue.h). Pure logic: the host
 * tests (tests/host/ke_devqueue.c) run it as it is.
 *
 * The list is kept in SortKey order only by the ByKey routines; a driver
 * uses either the keyed or the plain routines on one queue, as the WDK
 * asks, and the plain ones keep arrival order.
 */
#include "kernel/ke/devqueue.h"

/* Caller holds the queue's lock. */
BOOLEAN
KiDeviceQueueInsert(PKDEVICE_QUEUE DeviceQueue, PKDEVICE_QUEUE_ENTRY DeviceQueueEntry,
                    BOOLEAN ByKey, ULONG SortKey)
{
    PLIST_ENTRY Next;

    if (ByKey) {
        DeviceQueueEntry->SortKey = SortKey;
    }
    if (!DeviceQueue->Busy) {
        DeviceQueue->Busy = TRUE;
        DeviceQueueEntry->Inserted = FALSE;
        return FALSE;
    }
    if (!ByKey) {
        InsertTailList(&DeviceQueue->DeviceListHead, &DeviceQueueEntry->DeviceListEntry);
        DeviceQueueEntry->Inserted = TRUE;
        return TRUE;
    }
    /* After the last entry with a key <= SortKey: equal keys stay in
     * arrival order. Scan from the tail, where a rising key lands. */
    Next = DeviceQueue->DeviceListHead.Blink;
    while (Next != &DeviceQueue->DeviceListHead &&
           CONTAINING_RECORD(Next, KDEVICE_QUEUE_ENTRY, DeviceListEntry)->SortKey > SortKey) {
        Next = Next->Blink;
    }
    /* Link after Next. */
    InsertHeadList(Next, &DeviceQueueEntry->DeviceListEntry);
    DeviceQueueEntry->Inserted = TRUE;
    return TRUE;
}

/* Caller holds the queue's lock. */
PKDEVICE_QUEUE_ENTRY
KiDeviceQueueRemove(PKDEVICE_QUEUE DeviceQueue, BOOLEAN ByKey, ULONG SortKey)
{
    PLIST_ENTRY Link;
    PKDEVICE_QUEUE_ENTRY Entry;

    if (IsListEmpty(&DeviceQueue->DeviceListHead)) {
        DeviceQueue->Busy = FALSE;
        return NULL;
    }
    Link = DeviceQueue->DeviceListHead.Flink;
    if (ByKey) {
        PLIST_ENTRY Scan;

        for (Scan = Link; Scan != &DeviceQueue->DeviceListHead; Scan = Scan->Flink) {
            if (CONTAINING_RECORD(Scan, KDEVICE_QUEUE_ENTRY, DeviceListEntry)->SortKey >=
                SortKey) {
                Link = Scan;
                break;
            }
        }
        /* No key at or past SortKey: the scan wraps to the head, so a disk
         * driver's elevator sweeps back to the lowest block. */
    }
    RemoveEntryList(Link);
    Entry = CONTAINING_RECORD(Link, KDEVICE_QUEUE_ENTRY, DeviceListEntry);
    Entry->Inserted = FALSE;
    return Entry;
}

/* Caller holds the queue's lock. */
BOOLEAN
KiDeviceQueueRemoveEntry(PKDEVICE_QUEUE_ENTRY DeviceQueueEntry)
{
    if (!DeviceQueueEntry->Inserted) {
        return FALSE;
    }
    RemoveEntryList(&DeviceQueueEntry->DeviceListEntry);
    DeviceQueueEntry->Inserted = FALSE;
    return TRUE;
}
