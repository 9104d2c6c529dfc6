/*
 * kernel/ke/wait.c - KEVENT and KeWaitForSingleObject.
 *
 * Events and timers share DISPATCHER_HEADER: SignalState > 0 is signaled.
 * A notification object stays signaled and satisfies every wait; a
 * synchronization object satisfies one wait and is reset by it.
 *
 * There are no threads yet, so there is nobody to switch to: a wait enables
 * interrupts and halts the processor until an interrupt arrives, then looks
 * again. Everything that can signal an object runs in an interrupt or in a
 * DPC (itself run from an interrupt), so each wake-up is a chance that the
 * object changed. A timeout arms a private KTIMER, so that the clock fires
 * exactly at the deadline rather than at a tick boundary. When the
 * scheduler exists the same entry points will queue wait blocks on
 * Header.WaitListHead instead.
 */
#include "kernel/ke/dispatcher.h"

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

/* IRQL <= DISPATCH_LEVEL. Wait (TRUE on Windows: "a wait follows at once,
 * keep the dispatcher lock") is accepted; there is no dispatcher lock to
 * keep yet. Returns the previous state. */
LONG NTAPI
KeSetEvent(PRKEVENT Event, KPRIORITY Increment, BOOLEAN Wait)
{
    LONG Previous;

    UNREFERENCED_PARAMETER(Increment);
    UNREFERENCED_PARAMETER(Wait);
    Previous = __atomic_exchange_n(&Event->Header.SignalState, 1, __ATOMIC_SEQ_CST);
    return Previous;
}

/* IRQL <= DISPATCH_LEVEL. Returns the previous state. */
LONG NTAPI
KeResetEvent(PRKEVENT Event)
{
    return __atomic_exchange_n(&Event->Header.SignalState, 0, __ATOMIC_SEQ_CST);
}

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

/* Interrupts off: TRUE and the object's side effect (a synchronization
 * object is reset) when it satisfies a wait now. */
static BOOLEAN
KipTrySatisfyWait(PDISPATCHER_HEADER Header)
{
    if (Header->SignalState <= 0) {
        return FALSE;
    }
    if (Header->Type == KI_EVENT_SYNCHRONIZATION_OBJECT ||
        Header->Type == KI_TIMER_SYNCHRONIZATION_OBJECT) {
        Header->SignalState = 0;
    }
    return TRUE;
}

/*
 * IRQL <= APC_LEVEL, or DISPATCH_LEVEL with a zero timeout (a poll).
 * Waiting at DISPATCH_LEVEL or above otherwise could never end on Windows
 * (the thread would have to be switched out) and is a bugcheck there;
 * Kestrel stops the same way: IRQL_NOT_LESS_OR_EQUAL in the layout of
 * KeLowerIrql's (kernel/ke/irql.c): P1 the object waited on, P2 the
 * current IRQL, P3 0 (no memory access), P4 the caller's address.
 */
NTSTATUS NTAPI
KeWaitForSingleObject(PVOID Object, KWAIT_REASON WaitReason, KPROCESSOR_MODE WaitMode,
                      BOOLEAN Alertable, PLARGE_INTEGER Timeout)
{
    PDISPATCHER_HEADER Header = Object;
    KIRQL Irql = KeGetCurrentIrql();
    PKPRCB Prcb = KeGetCurrentPrcb();
    KTIMER TimeoutTimer;
    ULONG_PTR Flags;
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(WaitReason);
    UNREFERENCED_PARAMETER(WaitMode);
    UNREFERENCED_PARAMETER(Alertable);
    if (Irql > APC_LEVEL && (Timeout == NULL || Timeout->QuadPart != 0)) {
        DbgPrint("KeWaitForSingleObject: waiting on %p at IRQL %u with %s timeout from %pS; "
                 "only a zero timeout may be used above APC_LEVEL\n",
                 Object, Irql, Timeout == NULL ? "no" : "a non-zero",
                 __builtin_return_address(0));
        KeBugCheckEx(IRQL_NOT_LESS_OR_EQUAL, (ULONG_PTR)Object, Irql, 0,
                     (ULONG_PTR)__builtin_return_address(0));
    }
    if (Header == NULL ||
        (Header->Type != KI_EVENT_NOTIFICATION_OBJECT &&
         Header->Type != KI_EVENT_SYNCHRONIZATION_OBJECT &&
         Header->Type != KI_TIMER_NOTIFICATION_OBJECT &&
         Header->Type != KI_TIMER_SYNCHRONIZATION_OBJECT)) {
        DbgPrint("KeWaitForSingleObject: %p is not an event or a timer (type %u); only those "
                 "can be waited on until threads exist\n",
                 Object, Header != NULL ? Header->Type : 0);
        return STATUS_INVALID_PARAMETER;
    }

    Flags = KiDisableInterrupts();
    if (KipTrySatisfyWait(Header)) {
        KiRestoreInterrupts(Flags);
        return STATUS_SUCCESS;
    }
    if (Timeout != NULL && Timeout->QuadPart == 0) {
        KiRestoreInterrupts(Flags);
        return STATUS_TIMEOUT;
    }
    if (Timeout != NULL) {
        KeInitializeTimer(&TimeoutTimer);
        KiInsertTimer(Prcb, &TimeoutTimer,
                      KiDueTimeToInterruptTime(Timeout->QuadPart, KeQueryInterruptTime(),
                                               KiBootSystemTime));
    }
    for (;;) {
        if (KipTrySatisfyWait(Header)) {
            Status = STATUS_SUCCESS;
            break;
        }
        if (Timeout != NULL && TimeoutTimer.Header.SignalState != 0) {
            Status = STATUS_TIMEOUT;
            break;
        }
        /* STI's one-instruction shadow keeps an interrupt from slipping in
         * between the check above and HLT (Intel SDM Vol. 2B, STI). */
        __asm__ __volatile__("sti; hlt; cli" : : : "memory");
    }
    if (Timeout != NULL && TimeoutTimer.TimerListEntry.Flink != NULL) {
        RemoveEntryList(&TimeoutTimer.TimerListEntry);
    }
    KiRestoreInterrupts(Flags);
    return Status;
}
