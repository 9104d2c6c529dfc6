/*
 * kernel/ke/thread.c - the kernel's side of a thread's life: its first
 * frame, its start, and its end.
 *
 * A new thread's stack is built to look like that of a thread switched out
 * by KiSwapContext (kernel/ke/ctxswap.asm), so the first switch to it needs
 * no special case: the RET lands in KiThreadStartup.
 *
 *     StackBase (top) ->  0, 0                  padding: RSP 16-byte aligned
 *                         KiThreadStartup       "return address"
 *                         RBP = 0               end of the frame chain
 *                         RBX = SystemRoutine
 *                         R12 = StartRoutine
 *                         R13 = StartContext
 *                         R14, R15 = 0
 *     KernelStack ->      RFLAGS = 0x2          interrupts off until released
 *
 * A thread ends in KiTerminateThread, still on its own stack, which it
 * cannot free. It queues a reaper DPC and switches away; the DPC runs on
 * another thread once the IRQL drops there, and drops the reference that
 * kept the thread (and its stack) alive.
 */
#include "kernel/ke/thread.h"

#define KIP_INITIAL_RFLAGS 0x2      /* bit 1 is always 1; IF = 0 */

static VOID
KipInitializeThreadFields(PKTHREAD Thread, KPRIORITY Priority)
{
    ULONG Index;

    Thread->Header.Type = KI_THREAD_OBJECT;
    Thread->Header.Signalling = 0;
    Thread->Header.Size = sizeof(KTHREAD) / sizeof(LONG) > 0xFF ? 0xFF
                                                                : sizeof(KTHREAD) / sizeof(LONG);
    Thread->Header.DebugActive = 0;
    Thread->Header.SignalState = 0;
    InitializeListHead(&Thread->Header.WaitListHead);
    Thread->State = Initialized;
    Thread->Priority = Thread->BasePriority = (CHAR)Priority;
    Thread->WaitIrql = PASSIVE_LEVEL;
    Thread->WaitNext = FALSE;
    Thread->WaitTimerUsed = FALSE;
    Thread->Quantum = KI_QUANTUM;
    Thread->WaitStatus = STATUS_SUCCESS;
    Thread->WaitCount = 0;
    Thread->WaitBlockList = Thread->WaitBlock;
    InitializeListHead(&Thread->MutantListHead);
    for (Index = 0; Index <= THREAD_WAIT_OBJECTS; Index++) {
        Thread->WaitBlock[Index].Thread = Thread;
    }
    KeInitializeTimer(&Thread->Timer);
    Thread->ContextSwitches = 0;
    Thread->CombinedApcDisable = 0;
}

/* Any IRQL; the thread is not yet known to anyone. */
VOID
KiInitializeThread(PKTHREAD Thread, PVOID StackTop, SIZE_T StackSize,
                   PKI_SYSTEM_ROUTINE SystemRoutine, PKSTART_ROUTINE StartRoutine,
                   PVOID StartContext, KPRIORITY Priority)
{
    PULONG_PTR Frame = (PULONG_PTR)StackTop - 10;

    KipInitializeThreadFields(Thread, Priority);
    Thread->StackBase = (ULONG_PTR)StackTop;
    Thread->StackSize = StackSize;
    Thread->StackLimit = (ULONG_PTR)StackTop - StackSize;
    Frame[0] = KIP_INITIAL_RFLAGS;
    Frame[1] = 0;                           /* R15 */
    Frame[2] = 0;                           /* R14 */
    Frame[3] = (ULONG_PTR)StartContext;     /* R13 */
    Frame[4] = (ULONG_PTR)StartRoutine;     /* R12 */
    Frame[5] = (ULONG_PTR)SystemRoutine;    /* RBX */
    Frame[6] = 0;                           /* RBP */
    Frame[7] = (ULONG_PTR)KiThreadStartup;
    Frame[8] = 0;
    Frame[9] = 0;
    Thread->KernelStack = (ULONG_PTR)Frame;
}

/* PASSIVE_LEVEL, once: the boot context becomes a thread as it is. */
VOID
KiInitializeBootThread(PKTHREAD Thread, KPRIORITY Priority)
{
    KipInitializeThreadFields(Thread, Priority);
    Thread->StackBase = (ULONG_PTR)KiBootStackTop;
    Thread->StackLimit = (ULONG_PTR)KiBootStackGuard + PAGE_SIZE;
    Thread->StackSize = 0;      /* in .bss: never freed */
    Thread->KernelStack = 0;    /* saved at its first switch */
}

/* IRQL <= DISPATCH_LEVEL. */
VOID
KiStartThread(PKTHREAD Thread)
{
    KIRQL OldIrql = KiAcquireDispatcherLock();

    KiReadyThread(KeGetCurrentPrcb(), Thread);
    KiExitDispatcher(OldIrql);
}

/* Called by KiThreadStartup on the new thread's first run: DISPATCH_LEVEL,
 * interrupts off, holding the lock its predecessor switched with. */
VOID
KiThreadStartupRelease(VOID)
{
    KiReleaseDispatcherLockFromDpcLevel();
    __asm__ __volatile__("sti" : : : "memory");
    KeLowerIrql(PASSIVE_LEVEL);
}

/* PASSIVE_LEVEL, the current thread. */
DECLSPEC_NORETURN VOID
KiTerminateThread(PKDPC ReaperDpc)
{
    PKPRCB Prcb = KeGetCurrentPrcb();
    PKTHREAD Thread = Prcb->CurrentThread;
    ULONG_PTR Flags;

    (VOID)KiAcquireDispatcherLock();
    /* A mutex its owner can no longer release is handed to the next
     * waiter, who learns of it from STATUS_ABANDONED. */
    while (!IsListEmpty(&Thread->MutantListHead)) {
        PKMUTANT Mutant =
            CONTAINING_RECORD(RemoveHeadList(&Thread->MutantListHead), KMUTANT, MutantListEntry);

        Mutant->Header.SignalState = 1;
        Mutant->OwnerThread = NULL;
        Mutant->Abandoned = TRUE;
        KiWaitTest(Prcb, &Mutant->Header);
    }
    Thread->Header.SignalState = 1;
    KiWaitTest(Prcb, &Thread->Header);
    Thread->State = Terminated;
    Flags = KiDisableInterrupts();
    KiInsertQueueDpc(Prcb, ReaperDpc, Thread, NULL);
    KiRestoreInterrupts(Flags);
    KiSwapThread(Prcb, Thread);
    /* Nobody readies a terminated thread. */
    KeBugCheckEx(KMODE_EXCEPTION_NOT_HANDLED, (ULONG_PTR)STATUS_INVALID_PARAMETER,
                 (ULONG_PTR)KiTerminateThread, (ULONG_PTR)Thread, 0);
}
