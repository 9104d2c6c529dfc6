/*
 * kernel/ke/timer.c - KTIMER: one-shot and periodic timers with an
 * optional DPC.
 *
 * An armed timer sits on the PRCB's timer queue (kernel/ke/timerq.c),
 * sorted by due time in interrupt time (100 ns since boot): a relative due
 * time is added to the current interrupt time, an absolute one (system
 * time) is converted with the boot system time. When the clock interrupt
 * sees the first timer due it queues KiTimerExpiration, which, at
 * DISPATCH_LEVEL, signals every due timer, re-arms the periodic ones and
 * queues their DPCs with SystemArgument1/2 = the low/high halves of the
 * system time the timer was due at (Windows passes the expiry time there
 * too). A notification timer stays signaled until it is set again; a
 * synchronization timer is reset by the wait it satisfies.
 *
 * An unarmed timer has TimerListEntry.Flink == NULL.
 */
#include "kernel/ke/dispatcher.h"
#include "kernel/ke/thread.h"

/* Any IRQL <= DISPATCH_LEVEL. */
VOID NTAPI
KeInitializeTimerEx(PKTIMER Timer, TIMER_TYPE Type)
{
    if (Type != NotificationTimer && Type != SynchronizationTimer) {
        DbgPrint("KeInitializeTimerEx: timer type %d is neither NotificationTimer nor "
                 "SynchronizationTimer; using NotificationTimer\n", (int)Type);
        Type = NotificationTimer;
    }
    Timer->Header.Lock = 0;
    Timer->Header.Type = Type == NotificationTimer ? KI_TIMER_NOTIFICATION_OBJECT
                                                   : KI_TIMER_SYNCHRONIZATION_OBJECT;
    Timer->Header.Size = sizeof(KTIMER) / sizeof(LONG);
    Timer->Header.SignalState = 0;
    InitializeListHead(&Timer->Header.WaitListHead);
    Timer->DueTime.QuadPart = 0;
    Timer->TimerListEntry.Flink = NULL;
    Timer->TimerListEntry.Blink = NULL;
    Timer->Dpc = NULL;
    Timer->Processor = 0;
    Timer->Period = 0;
}

VOID NTAPI
KeInitializeTimer(PKTIMER Timer)
{
    KeInitializeTimerEx(Timer, NotificationTimer);
}

static VOID
KipCheckTimer(PKTIMER Timer, PCSTR Caller)
{
    if (Timer == NULL || (Timer->Header.Type != KI_TIMER_NOTIFICATION_OBJECT &&
                          Timer->Header.Type != KI_TIMER_SYNCHRONIZATION_OBJECT)) {
        DbgPrint("%s: %p is not an initialized KTIMER (KeInitializeTimer first)\n", Caller,
                 Timer);
        KeBugCheckEx(TIMER_OR_DPC_INVALID, 0, (ULONG_PTR)Timer,
                     Timer != NULL ? Timer->Header.Type : 0,
                     (ULONG_PTR)__builtin_return_address(0));
    }
}

/* Interrupts off. */
VOID
KiInsertTimer(PKPRCB Prcb, PKTIMER Timer, ULONG64 DueTime)
{
    Timer->DueTime.QuadPart = DueTime;
    if (KiTimerQueueInsert(&Prcb->TimerListHead, Timer) && DueTime < Prcb->NextClockTime) {
        KiSetClockDeadline(Prcb, DueTime);
    }
}

/* Interrupts off. TRUE when the timer was armed. */
static BOOLEAN
KipRemoveTimer(PKTIMER Timer)
{
    if (Timer->TimerListEntry.Flink == NULL) {
        return FALSE;
    }
    RemoveEntryList(&Timer->TimerListEntry);
    Timer->TimerListEntry.Flink = NULL;
    Timer->TimerListEntry.Blink = NULL;
    return TRUE;
}

/* IRQL <= DISPATCH_LEVEL. */
BOOLEAN NTAPI
KeSetTimerEx(PKTIMER Timer, LARGE_INTEGER DueTime, LONG Period, PKDPC Dpc)
{
    PKPRCB Prcb = KeGetCurrentPrcb();
    ULONG_PTR Flags;
    BOOLEAN WasArmed;
    ULONG64 Due;

    KipCheckTimer(Timer, "KeSetTimerEx");
    if (Period < 0) {
        DbgPrint("KeSetTimerEx: period %d ms is negative; the timer %p fires once\n", Period,
                 Timer);
        Period = 0;
    }
    Flags = KiDisableInterrupts();
    WasArmed = KipRemoveTimer(Timer);
    Timer->Header.SignalState = 0;
    Timer->Dpc = Dpc;
    Timer->Period = (ULONG)Period;
    Due = KiDueTimeToInterruptTime(DueTime.QuadPart, KeQueryInterruptTime(), KiBootSystemTime);
    KiInsertTimer(Prcb, Timer, Due);
    KiRestoreInterrupts(Flags);
    return WasArmed;
}

BOOLEAN NTAPI
KeSetTimer(PKTIMER Timer, LARGE_INTEGER DueTime, PKDPC Dpc)
{
    return KeSetTimerEx(Timer, DueTime, 0, Dpc);
}

/* IRQL <= DISPATCH_LEVEL. The signal state is left as it is; a DPC the
 * timer has already queued still runs (KeRemoveQueueDpc recalls it). */
BOOLEAN NTAPI
KeCancelTimer(PKTIMER Timer)
{
    ULONG_PTR Flags;
    BOOLEAN WasArmed;

    KipCheckTimer(Timer, "KeCancelTimer");
    Flags = KiDisableInterrupts();
    WasArmed = KipRemoveTimer(Timer);
    KiRestoreInterrupts(Flags);
    return WasArmed;
}

/* Any IRQL. */
BOOLEAN NTAPI
KeReadStateTimer(PKTIMER Timer)
{
    return (BOOLEAN)(Timer->Header.SignalState != 0);
}

/* The PRCB's timer-expiration DPC: DISPATCH_LEVEL. Runs the due timers
 * with interrupts off (a handful of list operations each) and the
 * dispatcher lock held (a signaled timer ends the waits on it: a wait's
 * timeout, KeDelayExecutionThread, a wait on the timer itself), then
 * programs the clock for the next one. */
VOID
KiTimerExpiration(PKDPC Dpc, PVOID DeferredContext, PVOID SystemArgument1,
                  PVOID SystemArgument2)
{
    PKPRCB Prcb = KeGetCurrentPrcb();
    ULONG_PTR Flags;
    ULONG64 Now;
    PKTIMER Timer;

    KiAcquireDispatcherLockAtDpcLevel();
    Flags = KiDisableInterrupts();
    Now = KeQueryInterruptTime();

    while ((Timer = KiTimerQueueRemoveDue(&Prcb->TimerListHead, Now)) != NULL) {
        ULARGE_INTEGER DueSystemTime;

        DueSystemTime.QuadPart = (ULONG64)KiBootSystemTime + Timer->DueTime.QuadPart;
        Timer->Header.SignalState = 1;
        if (Timer->Period != 0) {
            Timer->DueTime.QuadPart = KiNextPeriodicDue(
                Timer->DueTime.QuadPart, (ULONG64)Timer->Period * KI_100NS_PER_MS, Now);
            KiTimerQueueInsert(&Prcb->TimerListHead, Timer);
        } else {
            Timer->TimerListEntry.Flink = NULL;
            Timer->TimerListEntry.Blink = NULL;
        }
        if (!IsListEmpty(&Timer->Header.WaitListHead)) {
            KiWaitTest(Prcb, &Timer->Header);
        }
        if (Timer->Dpc != NULL) {
            KiInsertQueueDpc(Prcb, Timer->Dpc, (PVOID)(ULONG_PTR)DueSystemTime.LowPart,
                             (PVOID)(ULONG_PTR)DueSystemTime.HighPart);
        }
    }
    KiSetClockDeadline(Prcb, KiTimerQueueFirstDue(&Prcb->TimerListHead));
    KiRestoreInterrupts(Flags);
    KiReleaseDispatcherLockFromDpcLevel();
}
