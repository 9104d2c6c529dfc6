/*
 * kernel/ke/event.c - KEVENT.
 *
 * An event's SignalState is 0 or 1. Setting a notification event ends
 * every wait on it and leaves it signaled until someone resets it; setting
 * a synchronization event ends one wait and the event resets itself as it
 * does (kernel/ke/wait.c). Increment (a priority boost on Windows) is
 * accepted and ignored: Kestrel's scheduler applies no boosts.
 */
#include "kernel/ke/thread.h"

/* IRQL <= DISPATCH_LEVEL. */
VOID NTAPI
KeInitializeEvent(PRKEVENT Event, EVENT_TYPE Type, BOOLEAN State)
{
    if (Type != NotificationEvent && Type != SynchronizationEvent) {
        DbgPrint("KeInitializeEvent: event type %d is neither NotificationEvent nor "
                 "SynchronizationEvent; using NotificationEvent\n", (int)Type);
        Type = NotificationEvent;
    }
    Event->Header.Lock = 0;
    Event->Header.Type = Type == NotificationEvent ? KI_EVENT_NOTIFICATION_OBJECT
                                                   : KI_EVENT_SYNCHRONIZATION_OBJECT;
    Event->Header.Size = sizeof(KEVENT) / sizeof(LONG);
    Event->Header.SignalState = State ? 1 : 0;
    InitializeListHead(&Event->Header.WaitListHead);
}

/* IRQL <= DISPATCH_LEVEL. Wait TRUE promises that a KeWaitFor... call
 * follows at once: the dispatcher lock is kept for it (and the IRQL stays
 * at DISPATCH_LEVEL until then). Returns the previous state. */
LONG NTAPI
KeSetEvent(PRKEVENT Event, KPRIORITY Increment, BOOLEAN Wait)
{
    KIRQL OldIrql = KiAcquireDispatcherLock();
    LONG Previous = Event->Header.SignalState;

    UNREFERENCED_PARAMETER(Increment);
    if (Previous == 0) {
        Event->Header.SignalState = 1;
        if (!IsListEmpty(&Event->Header.WaitListHead)) {
            KiWaitTest(KeGetCurrentPrcb(), &Event->Header);
        }
    }
    KiExitDispatcherOrKeepForWait(OldIrql, Wait);
    return Previous;
}

/* IRQL <= DISPATCH_LEVEL. Returns the previous state. */
LONG NTAPI
KeResetEvent(PRKEVENT Event)
{
    KIRQL OldIrql = KiAcquireDispatcherLock();
    LONG Previous = Event->Header.SignalState;

    Event->Header.SignalState = 0;
    KiExitDispatcher(OldIrql);
    return Previous;
}

/* IRQL <= DISPATCH_LEVEL. Resetting wakes nobody: one store suffices. */
VOID NTAPI
KeClearEvent(PRKEVENT Event)
{
    __atomic_store_n(&Event->Header.SignalState, 0, __ATOMIC_SEQ_CST);
}

/* Any IRQL. */
LONG NTAPI
KeReadStateEvent(PRKEVENT Event)
{
    return __atomic_load_n(&Event->Header.SignalState, __ATOMIC_SEQ_CST);
}
