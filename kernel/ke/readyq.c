/*
 * kernel/ke/readyq.c - the ready queues' list and bitmap bookkeeping (see
 * kernel/ke/readyq.h). Pure logic, host-tested by tests/host/ke_readyq.c.
 */
#include "kernel/ke/readyq.h"

VOID
KiReadyQueuesInitialize(PKI_READY_QUEUES Queues)
{
    ULONG Priority;

    Queues->Summary = 0;
    for (Priority = 0; Priority < KI_PRIORITY_LEVELS; Priority++) {
        InitializeListHead(&Queues->ListHead[Priority]);
    }
}

VOID
KiReadyQueuesRemove(PKI_READY_QUEUES Queues, PLIST_ENTRY Entry, ULONG Priority)
{
    /* RemoveEntryList says whether the list became empty. */
    if (RemoveEntryList(Entry)) {
        Queues->Summary &= ~(1U << Priority);
    }
}

PLIST_ENTRY
KiReadyQueuesRemoveHighest(PKI_READY_QUEUES Queues, ULONG MinimumPriority, PULONG Priority)
{
    LONG Highest = KiReadyQueuesHighest(Queues);
    PLIST_ENTRY Entry;

    if (Highest < 0 || (ULONG)Highest < MinimumPriority) {
        return NULL;
    }
    Entry = RemoveHeadList(&Queues->ListHead[Highest]);
    if (IsListEmpty(&Queues->ListHead[Highest])) {
        Queues->Summary &= ~(1U << Highest);
    }
    *Priority = (ULONG)Highest;
    return Entry;
}
