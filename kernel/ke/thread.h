/*
 * kernel/ke/thread.h - kernel internals of threads, the scheduler and
 * waits (kernel/ke/thread.c, sched.c, wait.c, ctxswap.asm, and the
 * dispatcher objects in event.c, semaphore.c, mutex.c, timer.c).
 *
 * The dispatcher database - thread states, the ready queues, every object's
 * wait list - is guarded by KiDispatcherLock, taken at DISPATCH_LEVEL. On
 * one processor the raise alone excludes everyone else who touches it
 * (DPCs run only below DISPATCH_LEVEL, ISRs never touch it); the spin lock
 * is there for the processors to come and catches re-entry. The timer
 * queue stays under "interrupts off", always taken inside the lock.
 *
 * The lock is a baton across a context switch: the thread that switches
 * away holds it, and the thread that resumes releases it (a new thread
 * in KiThreadStartupRelease). So a switch never happens with the database
 * half-changed, and every thread resumes at DISPATCH_LEVEL.
 */
#ifndef KESTREL_KERNEL_KE_THREAD_H
#define KESTREL_KERNEL_KE_THREAD_H

#include "kernel/ke/dispatcher.h"

/* Windows' KTHREAD_STATE values. */
typedef enum _KTHREAD_STATE {
    Initialized,
    Ready,          /* on a ready queue */
    Running,        /* the processor's CurrentThread */
    Standby,        /* chosen to run next: the processor's NextThread */
    Terminated,
    Waiting
} KTHREAD_STATE;

/* A thread's own wait blocks: THREAD_WAIT_OBJECTS for objects, then the
 * one that waits on the thread's timer when the wait has a timeout. */
#define KI_TIMER_WAIT_BLOCK THREAD_WAIT_OBJECTS

/* How long a thread runs before an equal-priority ready thread gets the
 * processor (100 ns units): 20 ms, charged by the clock interrupt. */
#define KI_QUANTUM (20 * KI_100NS_PER_MS)

/* The size of a system thread's stack (Windows x64's KERNEL_STACK_SIZE). */
#define KI_KERNEL_STACK_SIZE 0x6000

/* What a new thread calls first (with its start routine and context), at
 * PASSIVE_LEVEL; never returns. Ps's PspSystemThreadStartup, or the idle
 * loop. */
typedef VOID KI_SYSTEM_ROUTINE(PKSTART_ROUTINE StartRoutine, PVOID StartContext);
typedef KI_SYSTEM_ROUTINE *PKI_SYSTEM_ROUTINE;

/*
 * The kernel's thread. Kernel-private layout, except that the
 * DISPATCHER_HEADER comes first (a thread is waitable) and KernelStack
 * sits where kernel/ke/ctxswap.asm expects it.
 */
typedef struct _KTHREAD {
    DISPATCHER_HEADER Header;           /* KI_THREAD_OBJECT; signaled at exit */
    ULONG_PTR KernelStack;              /* saved RSP while switched out */
    ULONG_PTR StackBase;                /* top of the stack (highest + 1) */
    ULONG_PTR StackLimit;               /* lowest usable address */
    SIZE_T StackSize;                   /* 0: not MmCreateKernelStack's (boot stack) */
    volatile UCHAR State;               /* KTHREAD_STATE */
    CHAR Priority;                     /* 0-31: where it queues, whom it preempts */
    CHAR BasePriority;
    UCHAR WaitIrql;                     /* the IRQL the wait returns to */
    BOOLEAN WaitNext;                   /* KeSetEvent(..., TRUE): the lock is held */
    BOOLEAN WaitTimerUsed;              /* the wait has a timeout */
    UCHAR WaitReason;                   /* KWAIT_REASON */
    UCHAR WaitMode;
    LONG Quantum;                       /* 100 ns left in this turn */
    NTSTATUS WaitStatus;                /* what the wait returns */
    ULONG WaitCount;                    /* object blocks in WaitBlockList */
    PKWAIT_BLOCK WaitBlockList;
    LIST_ENTRY ReadyListEntry;          /* on a ready queue */
    LIST_ENTRY MutantListHead;          /* KMUTANTs it owns */
    KWAIT_BLOCK WaitBlock[THREAD_WAIT_OBJECTS + 1];
    KTIMER Timer;                       /* wait timeouts, KeDelayExecutionThread */
    ULONG64 ContextSwitches;            /* times switched to */
    union {                             /* kernel/ke/region.c: 0 outside, < 0 inside */
        struct {
            SHORT KernelApcDisable;     /* critical regions */
            SHORT SpecialApcDisable;    /* guarded regions */
        };
        ULONG CombinedApcDisable;       /* both: APC_INDEX_MISMATCH's parameter 3 */
    };
} KTHREAD;

/* kernel/ke/ctxswap.asm reads KernelStack at this offset. */
#define KI_KTHREAD_KERNEL_STACK 0x18
_Static_assert(offsetof(KTHREAD, KernelStack) == KI_KTHREAD_KERNEL_STACK,
               "KTHREAD.KernelStack must match kernel/ke/ctxswap.asm");
_Static_assert(offsetof(KTHREAD, Header) == 0, "a thread is a dispatcher object");

/* ---------------------------------------------------------------------------
 * The dispatcher lock (sched.c).
 */
extern KSPIN_LOCK KiDispatcherLock;

/* DISPATCH_LEVEL or above. The lock is taken on every wait and wake, so
 * the uncontended case is one compare-exchange inline; anything else goes
 * to KeAcquireSpinLockAtDpcLevel, which spins, or stops the machine when
 * this processor already holds the lock (SPIN_LOCK_ALREADY_OWNED). */
FORCEINLINE VOID
KiAcquireDispatcherLockAtDpcLevel(VOID)
{
    ULONG_PTR Expected = 0;

    if (!__atomic_compare_exchange_n(&KiDispatcherLock, &Expected,
                                     (ULONG_PTR)KeGetPcr()->Number + 1, FALSE,
                                     __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
        KeAcquireSpinLockAtDpcLevel(&KiDispatcherLock);
    }
}

FORCEINLINE VOID
KiReleaseDispatcherLockFromDpcLevel(VOID)
{
    __atomic_store_n(&KiDispatcherLock, 0, __ATOMIC_RELEASE);
}

/* IRQL <= DISPATCH_LEVEL: raises to DISPATCH_LEVEL and takes the lock. */
FORCEINLINE KIRQL
KiAcquireDispatcherLock(VOID)
{
    KIRQL OldIrql = KfRaiseIrql(DISPATCH_LEVEL);

    KiAcquireDispatcherLockAtDpcLevel();
    return OldIrql;
}

/* The part of KiExitDispatcher that switches or asks for a switch. */
VOID KiExitDispatcherSwitch(PKPRCB Prcb, KIRQL OldIrql);

/* Releases the lock and returns to OldIrql, switching first to a thread
 * the caller made ready if it should preempt: at once when OldIrql is
 * below DISPATCH_LEVEL, else through the DISPATCH_LEVEL software interrupt
 * once the IRQL drops - or, from inside a DPC, by the drain that runs it,
 * which checks NextThread when it ends (no request needed). Inline: it
 * ends every KeSetEvent. */
FORCEINLINE VOID
KiExitDispatcher(KIRQL OldIrql)
{
    PKPRCB Prcb = KeGetCurrentPrcb();

    if (Prcb->NextThread != NULL && (OldIrql < DISPATCH_LEVEL || !Prcb->DpcRoutineActive)) {
        KiExitDispatcherSwitch(Prcb, OldIrql);
        return;
    }
    KiReleaseDispatcherLockFromDpcLevel();
    if (OldIrql < DISPATCH_LEVEL) {
        KeLowerIrql(OldIrql);
    }
}

/* ---------------------------------------------------------------------------
 * The scheduler (sched.c). All with the dispatcher lock held.
 */
/* Makes Thread ready: the processor's next thread if it should preempt the
 * current one, else the tail of its ready queue. Inline: it is on the
 * path from a DPC's KeSetEvent to the woken thread. */
FORCEINLINE VOID
KiReadyThread(PKPRCB Prcb, PKTHREAD Thread)
{
    PKTHREAD Next = Prcb->NextThread;
    PKTHREAD Current = Prcb->CurrentThread;

    if (Next != NULL) {
        if (Thread->Priority > Next->Priority) {
            /* The one that was to run next has lost nothing: it goes back
             * to the head of its queue. */
            Next->State = Ready;
            KiReadyQueuesInsert(&Prcb->ReadyQueues, &Next->ReadyListEntry, Next->Priority,
                                TRUE);
            Thread->State = Standby;
            Prcb->NextThread = Thread;
            return;
        }
    } else if (Current->State == Running &&
               (Current == Prcb->IdleThread || Thread->Priority > Current->Priority)) {
        Thread->State = Standby;
        Prcb->NextThread = Thread;
        return;
    }
    /* Also when the current thread is about to wait: KiSwapThread then
     * takes the highest one from the queues. */
    Thread->State = Ready;
    KiReadyQueuesInsert(&Prcb->ReadyQueues, &Thread->ReadyListEntry, Thread->Priority, FALSE);
}
/* The current thread, already Waiting or Terminated, gives up the
 * processor; returns when it runs again (still holding the lock). */
VOID KiSwapThread(PKPRCB Prcb, PKTHREAD Thread);
/* From KiDispatchInterruptHandler after the DPC drain, interrupts off:
 * switches to NextThread or, at quantum end, to an equal-priority thread. */
VOID KiDispatchInterruptSwitch(PKPRCB Prcb);
/* Requests the DISPATCH_LEVEL software interrupt unless a drain, which
 * checks NextThread when it ends, is running or requested. Any IRQL. */
VOID KiRequestDispatchInterrupt(PKPRCB Prcb);

/* From the clock interrupt (CLOCK_LEVEL, interrupts off): charges the
 * current thread the time since the last clock interrupt; at the end of
 * its quantum the 0x2F handler gives an equal-priority thread its turn.
 * Inline: it runs on every clock interrupt, in front of every DPC. */
FORCEINLINE VOID
KiQuantumTick(PKPRCB Prcb, ULONG64 Now)
{
    PKTHREAD Thread = Prcb->CurrentThread;
    ULONG64 Elapsed = Now - Prcb->LastQuantumTime;

    Prcb->LastQuantumTime = Now;
    if (Thread == NULL || Thread == Prcb->IdleThread || Prcb->QuantumEnd) {
        return;
    }
    Thread->Quantum -= Elapsed > KI_QUANTUM ? (LONG)KI_QUANTUM : (LONG)Elapsed;
    if (Thread->Quantum <= 0) {
        Prcb->QuantumEnd = TRUE;
        KiRequestDispatchInterrupt(Prcb);
    }
}

/* Makes BootThread (already filled in, running on the boot stack) the
 * current thread and IdleThread the processor's idle thread; from here on
 * waits block. PASSIVE_LEVEL, interrupts off, once. */
VOID KiInitializeScheduler(PKTHREAD BootThread, PKTHREAD IdleThread);

/* The idle thread's routine: halts until an interrupt, forever. */
KI_SYSTEM_ROUTINE KiIdleLoop;

/* ---------------------------------------------------------------------------
 * Threads (thread.c, ctxswap.asm).
 */
/* Fills Thread in, Initialized, with a first frame on its stack that
 * starts SystemRoutine(StartRoutine, StartContext) at PASSIVE_LEVEL. */
VOID KiInitializeThread(PKTHREAD Thread, PVOID StackTop, SIZE_T StackSize,
                        PKI_SYSTEM_ROUTINE SystemRoutine, PKSTART_ROUTINE StartRoutine,
                        PVOID StartContext, KPRIORITY Priority);
/* Fills in the thread that already runs on the boot stack. */
VOID KiInitializeBootThread(PKTHREAD Thread, KPRIORITY Priority);
/* IRQL <= DISPATCH_LEVEL. Makes an Initialized thread ready (and runs it
 * at once if it has the higher priority). */
VOID KiStartThread(PKTHREAD Thread);
/* PASSIVE_LEVEL, the current thread: abandons its mutexes, signals it,
 * queues ReaperDpc (SystemArgument1 = the thread) to run once it is off
 * its stack, and switches away for good. */
DECLSPEC_NORETURN VOID KiTerminateThread(PKDPC ReaperDpc);

/* ctxswap.asm: saves the callee-saved registers and RFLAGS on the old
 * thread's stack, switches RSP, restores the new thread's. */
VOID KiSwapContext(PKTHREAD OldThread, PKTHREAD NewThread);
/* ctxswap.asm: where a new thread's first switch returns to. */
extern UCHAR KiThreadStartup[];
/* Called by KiThreadStartup: releases the dispatcher lock and drops to
 * PASSIVE_LEVEL with interrupts on. */
VOID KiThreadStartupRelease(VOID);

/* ---------------------------------------------------------------------------
 * Waits (wait.c). With the dispatcher lock held.
 */
/* Object was signaled: ends the waits it now satisfies, in arrival order. */
VOID KiWaitTest(PKPRCB Prcb, PDISPATCHER_HEADER Object);

/* The current thread; NULL until KiInitializeScheduler. */
FORCEINLINE PKTHREAD
KiCurrentThread(VOID)
{
    return KeGetCurrentPrcb()->CurrentThread;
}

/* KeSetEvent and friends with Wait TRUE: keeps the lock for the wait that
 * must follow; otherwise KiExitDispatcher. */
FORCEINLINE VOID
KiExitDispatcherOrKeepForWait(KIRQL OldIrql, BOOLEAN Wait)
{
    PKTHREAD Thread;

    if (Wait && (Thread = KiCurrentThread()) != NULL) {
        Thread->WaitNext = TRUE;
        Thread->WaitIrql = OldIrql;
        return;
    }
    KiExitDispatcher(OldIrql);
}

#endif /* KESTREL_KERNEL_KE_THREAD_H */
