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

/* IRQL <= DISPATCH_LEVEL: raises to DISPATCH_LEVEL and takes the lock. */
FORCEINLINE KIRQL
KiAcquireDispatcherLock(VOID)
{
    KIRQL OldIrql = KfRaiseIrql(DISPATCH_LEVEL);

    KeAcquireSpinLockAtDpcLevel(&KiDispatcherLock);
    return OldIrql;
}

/* Releases the lock and returns to OldIrql, switching first to a thread
 * the caller made ready if it should preempt: at once when OldIrql is
 * below DISPATCH_LEVEL, else through the DISPATCH_LEVEL software interrupt
 * once the IRQL drops. */
VOID KiExitDispatcher(KIRQL OldIrql);

/* ---------------------------------------------------------------------------
 * The scheduler (sched.c). All with the dispatcher lock held.
 */
/* Makes Thread ready: the processor's next thread if it should preempt the
 * current one, else the tail of its ready queue. */
VOID KiReadyThread(PKPRCB Prcb, PKTHREAD Thread);
/* The current thread, already Waiting or Terminated, gives up the
 * processor; returns when it runs again (still holding the lock). */
VOID KiSwapThread(PKPRCB Prcb, PKTHREAD Thread);
/* From KiDispatchInterruptHandler after the DPC drain, interrupts off:
 * switches to NextThread or, at quantum end, to an equal-priority thread. */
VOID KiDispatchInterruptSwitch(PKPRCB Prcb);
/* From the clock interrupt (CLOCK_LEVEL, interrupts off): charges the
 * current thread the time since the last tick. */
VOID KiQuantumTick(PKPRCB Prcb, ULONG64 Now);
/* Requests the DISPATCH_LEVEL software interrupt unless a drain, which
 * checks NextThread when it ends, is running or requested. Any IRQL. */
VOID KiRequestDispatchInterrupt(PKPRCB Prcb);

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
/* Ends Thread's wait with WaitStatus and makes it ready. */
VOID KiUnwaitThread(PKPRCB Prcb, PKTHREAD Thread, NTSTATUS WaitStatus);
/* KeSetEvent and friends with Wait TRUE: keeps the lock for the wait that
 * must follow; otherwise KiExitDispatcher. */
VOID KiExitDispatcherOrKeepForWait(KIRQL OldIrql, BOOLEAN Wait);

/* The current thread; NULL until KiInitializeScheduler. */
FORCEINLINE PKTHREAD
KiCurrentThread(VOID)
{
    return KeGetCurrentPrcb()->CurrentThread;
}

#endif /* KESTREL_KERNEL_KE_THREAD_H */
