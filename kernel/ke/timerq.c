/*
 * kernel/ke/timerq.c - the timer queue: armed KTIMERs in due-time order.
 *
 * One sorted doubly linked list per processor. The clock interrupt only
 * ever looks at the first entry (is it due? when is it due?), which is
 * O(1); arming walks the list from the end, which is short in practice
 * (a handful of timers) and O(1) for the common case of a timer due after
 * all others. A timer wheel would bound arming too, but costs a scan of
 * empty slots on every tick; with a one-shot clock programmed to the first
 * due time, the sorted list is the simpler and faster structure here.
 *
 * Pure list logic, host-tested (tests/host/ke_timer.c): the caller keeps
 * interrupts off.
 */
#include "kernel/ke/dispatcher.h"

BOOLEAN
KiTimerQueueInsert(PLIST_ENTRY ListHead, PKTIMER Timer)
{
    PLIST_ENTRY Entry = ListHead->Blink;
    ULONG64 DueTime = Timer->DueTime.QuadPart;

    /* From the end: the new timer goes after every timer due at or before
     * it, so that timers due together fire in the order they were set. */
    while (Entry != ListHead) {
        PKTIMER Other = CONTAINING_RECORD(Entry, KTIMER, TimerListEntry);

        if (Other->DueTime.QuadPart <= DueTime) {
            break;
        }
        Entry = Entry->Blink;
    }
    InsertHeadList(Entry, &Timer->TimerListEntry);
    return (BOOLEAN)(ListHead->Flink == &Timer->TimerListEntry);
}

ULONG64
KiTimerQueueFirstDue(const LIST_ENTRY *ListHead)
{
    if (ListHead->Flink == ListHead) {
        return MAXULONG64;
    }
    return CONTAINING_RECORD(ListHead->Flink, KTIMER, TimerListEntry)->DueTime.QuadPart;
}

PKTIMER
KiTimerQueueRemoveDue(PLIST_ENTRY ListHead, ULONG64 Now)
{
    PKTIMER Timer;

    if (IsListEmpty(ListHead)) {
        return NULL;
    }
    Timer = CONTAINING_RECORD(ListHead->Flink, KTIMER, TimerListEntry);
    if (Timer->DueTime.QuadPart > Now) {
        return NULL;
    }
    RemoveEntryList(&Timer->TimerListEntry);
    return Timer;
}

ULONG64
KiNextPeriodicDue(ULONG64 LastDue, ULONG64 Period, ULONG64 Now)
{
    ULONG64 Next = LastDue + Period;

    /* Fallen behind by whole periods: skip them rather than fire a burst,
     * but stay on the timer's own grid (LastDue + n * Period), so a late
     * DPC never shifts the schedule of the periods after it. */
    if (Next <= Now) {
        Next += ((Now - Next) / Period + 1) * Period;
    }
    return Next;
}
