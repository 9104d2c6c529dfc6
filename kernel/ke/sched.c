/*
 * kernel/ke/sched.c - the scheduler: who runs, and when the switch happens.
 *
 * The processor runs the highest-priority ready thread. Priorities 16-31
 * (real time) sort above 0-15 (variable) simply by being higher numbers;
 * Kestrel applies no boosts or decay, so a thread's priority is what
 * KeSetPriorityThread last made it. Equal priorities take turns: the clock
 * charges the running thread (KiQuantumTick), and when its KI_QUANTUM is
 * used up it goes to the tail of its ready queue if another thread of its
 * priority is ready. The idle thread runs when nothing else is ready; it is
 * never on a ready queue.
 *
 * When a thread becomes ready (KiReadyThread) and outranks the running one,
 * it becomes the processor's NextThread (Standby). The switch itself is
 * only ever made below DISPATCH_LEVEL, at one of two places:
 *
 *   - KiExitDispatcher, when the code that readied the thread was running
 *     below DISPATCH_LEVEL (KeSetEvent from a thread): at once;
 *   - the DISPATCH_LEVEL software interrupt (vector 0x2F), when it was a
 *     DPC or code at DISPATCH_LEVEL: after the DPC drain, in
 *     KiDispatchInterruptSwitch, which the LAPIC delivers only once the
 *     IRQL has dropped below DISPATCH_LEVEL. A DPC that readies a thread
 *     needs no request of its own: the drain it runs in checks NextThread.
 *
 * A thread that waits or terminates gives up the processor in KiSwapThread.
 * A preempted thread goes back to the head of its queue (its turn was
 * interrupted, not over); one whose quantum ended goes to the tail.
 */
#include "kernel/ke/thread.h"
#include "hal/halp.h"

KSPIN_LOCK KiDispatcherLock;

/* The PCR around a PRCB: the stack bounds for backtraces live there. */
FORCEINLINE PKPCR
KipPcrOfPrcb(PKPRCB Prcb)
{
    return CONTAINING_RECORD(Prcb, KPCR, Prcb);
}

/* Lock held, DISPATCH_LEVEL. Runs NewThread; returns when OldThread is
 * switched back to, holding the lock its resumer took. */
static VOID
KipSwitchToThread(PKPRCB Prcb, PKTHREAD OldThread, PKTHREAD NewThread)
{
    PKPCR Pcr = KipPcrOfPrcb(Prcb);

    NewThread->State = Running;
    NewThread->ContextSwitches++;
    Prcb->CurrentThread = NewThread;
    Prcb->ContextSwitches++;
    Pcr->StackTop = NewThread->StackBase;
    Pcr->StackBottom = NewThread->StackLimit;
    KiSwapContext(OldThread, NewThread);
}

/* Any IRQL. */
VOID
KiRequestDispatchInterrupt(PKPRCB Prcb)
{
    ULONG_PTR Flags;

    /* Inside the drain (a DPC readied a thread) nothing is needed, and
     * nothing can clear the flag before this returns to the drain. */
    if (Prcb->DpcRoutineActive) {
        return;
    }
    Flags = KiDisableInterrupts();

    if (!Prcb->DpcRoutineActive && !Prcb->DpcRequested) {
        Prcb->DpcRequested = TRUE;
        HalRequestSoftwareInterrupt(DISPATCH_LEVEL);
    }
    KiRestoreInterrupts(Flags);
}

/* Lock held: the current thread goes back to its ready queue and
 * NextThread runs. */
static VOID
KipPreemptCurrent(PKPRCB Prcb, BOOLEAN AtFront)
{
    PKTHREAD Current = Prcb->CurrentThread;
    PKTHREAD Next = Prcb->NextThread;

    Prcb->NextThread = NULL;
    Current->State = Ready;
    if (Current != Prcb->IdleThread) {
        KiReadyQueuesInsert(&Prcb->ReadyQueues, &Current->ReadyListEntry, Current->Priority,
                            AtFront);
    }
    KipSwitchToThread(Prcb, Current, Next);
}

/* Lock held; Thread is the current thread, no longer Running. */
VOID
KiSwapThread(PKPRCB Prcb, PKTHREAD Thread)
{
    PKTHREAD Next = Prcb->NextThread;

    if (Next != NULL) {
        Prcb->NextThread = NULL;
    } else {
        ULONG Priority;
        PLIST_ENTRY Entry = KiReadyQueuesRemoveHighest(&Prcb->ReadyQueues, 0, &Priority);

        Next = Entry != NULL ? CONTAINING_RECORD(Entry, KTHREAD, ReadyListEntry)
                             : Prcb->IdleThread;
    }
    KipSwitchToThread(Prcb, Thread, Next);
}

/* Lock held, raised from OldIrql, NextThread set (KiExitDispatcher). */
VOID
KiExitDispatcherSwitch(PKPRCB Prcb, KIRQL OldIrql)
{
    if (OldIrql < DISPATCH_LEVEL) {
        KipPreemptCurrent(Prcb, TRUE);
    } else {
        KiRequestDispatchInterrupt(Prcb);
    }
    KiReleaseDispatcherLockFromDpcLevel();
    if (OldIrql < DISPATCH_LEVEL) {
        KeLowerIrql(OldIrql);
    }
}

/* DISPATCH_LEVEL, interrupts off (the 0x2F handler, after its drain). */
VOID
KiDispatchInterruptSwitch(PKPRCB Prcb)
{
    BOOLEAN QuantumEnded = Prcb->QuantumEnd;

    KiAcquireDispatcherLockAtDpcLevel();
    if (QuantumEnded) {
        PKTHREAD Current = Prcb->CurrentThread;

        Prcb->QuantumEnd = FALSE;
        Current->Quantum = KI_QUANTUM;
        if (Prcb->NextThread == NULL && Current != Prcb->IdleThread) {
            ULONG Priority;
            PLIST_ENTRY Entry =
                KiReadyQueuesRemoveHighest(&Prcb->ReadyQueues, (ULONG)Current->Priority, &Priority);

            if (Entry != NULL) {
                Prcb->NextThread = CONTAINING_RECORD(Entry, KTHREAD, ReadyListEntry);
                Prcb->NextThread->State = Standby;
            }
        }
    }
    if (Prcb->NextThread != NULL) {
        KipPreemptCurrent(Prcb, !QuantumEnded);
    }
    KiReleaseDispatcherLockFromDpcLevel();
}

/* IRQL <= DISPATCH_LEVEL. */
KPRIORITY NTAPI
KeSetPriorityThread(PKTHREAD Thread, KPRIORITY Priority)
{
    PKPRCB Prcb = KeGetCurrentPrcb();
    KPRIORITY OldPriority;
    KIRQL OldIrql;

    if (Priority < LOW_PRIORITY || Priority > HIGH_PRIORITY) {
        DbgPrint("KeSetPriorityThread: priority %d for thread %p from %pS is outside %d-%d; "
                 "the priority is left as it is\n", (int)Priority, Thread,
                 __builtin_return_address(0), LOW_PRIORITY, HIGH_PRIORITY);
        return KeQueryPriorityThread(Thread);
    }
    OldIrql = KiAcquireDispatcherLock();
    OldPriority = Thread->Priority;
    if (OldPriority != Priority) {
        switch (Thread->State) {
        case Ready:
            KiReadyQueuesRemove(&Prcb->ReadyQueues, &Thread->ReadyListEntry, OldPriority);
            Thread->Priority = Thread->BasePriority = (CHAR)Priority;
            KiReadyThread(Prcb, Thread);
            break;
        case Standby:
            /* Chosen against the old priority: choose again. */
            Prcb->NextThread = NULL;
            Thread->Priority = Thread->BasePriority = (CHAR)Priority;
            KiReadyThread(Prcb, Thread);
            break;
        case Running: {
            ULONG ReadyPriority;
            PLIST_ENTRY Entry;

            Thread->Priority = Thread->BasePriority = (CHAR)Priority;
            /* Raised to or above the one chosen to preempt it: it stays. */
            if (Prcb->NextThread != NULL && Prcb->NextThread->Priority <= Priority) {
                PKTHREAD Next = Prcb->NextThread;

                Prcb->NextThread = NULL;
                Next->State = Ready;
                KiReadyQueuesInsert(&Prcb->ReadyQueues, &Next->ReadyListEntry, Next->Priority,
                                    TRUE);
            }
            /* Lowered below a ready thread: that one runs now. */
            if (Priority < OldPriority && Prcb->NextThread == NULL &&
                (Entry = KiReadyQueuesRemoveHighest(&Prcb->ReadyQueues, (ULONG)Priority + 1,
                                                    &ReadyPriority)) != NULL) {
                Prcb->NextThread = CONTAINING_RECORD(Entry, KTHREAD, ReadyListEntry);
                Prcb->NextThread->State = Standby;
            }
            break;
        }
        default:
            Thread->Priority = Thread->BasePriority = (CHAR)Priority;
            break;
        }
    }
    KiExitDispatcher(OldIrql);
    return OldPriority;
}

/* Any IRQL. */
KPRIORITY NTAPI
KeQueryPriorityThread(PKTHREAD Thread)
{
    return Thread->Priority;
}

/* Any IRQL; NULL before the scheduler starts. */
PKTHREAD NTAPI
KeGetCurrentThread(VOID)
{
    return KeGetCurrentPrcb()->CurrentThread;
}

/* The idle thread, PASSIVE_LEVEL. Everything that could give it work runs
 * in an interrupt: the 0x2F handler switches away from it when a DPC has
 * readied a thread. STI's one-instruction shadow keeps an interrupt from
 * slipping in before HLT (Intel SDM Vol. 2B, STI). */
VOID
KiIdleLoop(PKSTART_ROUTINE StartRoutine, PVOID StartContext)
{
    UNREFERENCED_PARAMETER(StartRoutine);
    UNREFERENCED_PARAMETER(StartContext);
    for (;;) {
        __asm__ __volatile__("sti; hlt" : : : "memory");
    }
}

/* PASSIVE_LEVEL, interrupts off, once. */
VOID
KiInitializeScheduler(PKTHREAD BootThread, PKTHREAD IdleThread)
{
    PKPRCB Prcb = KeGetCurrentPrcb();
    PKPCR Pcr = KipPcrOfPrcb(Prcb);

    KeInitializeSpinLock(&KiDispatcherLock);
    KiReadyQueuesInitialize(&Prcb->ReadyQueues);
    Prcb->NextThread = NULL;
    Prcb->QuantumEnd = FALSE;
    Prcb->LastQuantumTime = KeQueryInterruptTime();
    Prcb->IdleThread = IdleThread;
    /* The idle thread is never queued; it runs when the queues are empty. */
    IdleThread->State = Ready;
    BootThread->State = Running;
    Pcr->StackTop = BootThread->StackBase;
    Pcr->StackBottom = BootThread->StackLimit;
    Prcb->CurrentThread = BootThread;
}
