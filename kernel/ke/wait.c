/*
 * kernel/ke/wait.c - KeWaitForSingleObject, KeWaitForMultipleObjects,
 * KeDelayExecutionThread, and the wait test that ends waits.
 *
 * A waiting thread hangs one KWAIT_BLOCK on each object it waits for, and
 * with a timeout one more on its own KTIMER:
 *
 *      KEVENT A                 KSEMAPHORE B               thread's KTIMER
 *      WaitListHead             WaitListHead               WaitListHead
 *        |                        |                          |
 *        v                        v                          v
 *      [block 0] -> ...         [block 1] -> ...           [timer block]
 *      Thread=T Key=0           Thread=T Key=1             Thread=T Key=STATUS_TIMEOUT
 *         \_______________________|__________________________/
 *                                 |
 *                        KTHREAD T: State Waiting, WaitBlockList, WaitCount 2
 *
 * Whoever signals an object (KeSetEvent, KeReleaseSemaphore,
 * KeReleaseMutex, timer expiry, thread exit) calls KiWaitTest under the
 * dispatcher lock: it walks the object's list in arrival order and, while
 * the object stays signaled, ends each wait it satisfies - WaitAny at once,
 * WaitAll only if every object of that wait is signaled too. Ending a wait
 * (KipUnwaitThread) unhooks all the thread's blocks, disarms its timer and
 * makes it ready; the thread's own KeWaitFor... call then returns
 * WaitStatus. Satisfying a wait has each object's side effect: a
 * synchronization event or timer resets, a semaphore's count drops, a
 * mutex gets an owner.
 *
 * Before the scheduler starts there is no thread to block; a wait then
 * halts the processor until an interrupt has changed something, as it did
 * before threads existed.
 */
#include "kernel/ke/thread.h"

/* Lock held. TRUE when Object would satisfy Thread's wait now. */
FORCEINLINE BOOLEAN
KipIsSignaled(PDISPATCHER_HEADER Object, PKTHREAD Thread)
{
    return Object->SignalState > 0 ||
           (Object->Type == KI_MUTANT_OBJECT && ((PKMUTANT)Object)->OwnerThread == Thread &&
            Thread != NULL);
}

/* Lock held; the object is signaled for Thread. Applies the object's side
 * effect; returns STATUS_ABANDONED for an abandoned mutex, else 0. */
FORCEINLINE NTSTATUS
KipWaitSatisfy(PDISPATCHER_HEADER Object, PKTHREAD Thread)
{
    PKMUTANT Mutant;

    switch (Object->Type) {
    case KI_EVENT_SYNCHRONIZATION_OBJECT:
    case KI_TIMER_SYNCHRONIZATION_OBJECT:
        Object->SignalState = 0;
        return STATUS_SUCCESS;
    case KI_SEMAPHORE_OBJECT:
        Object->SignalState--;
        return STATUS_SUCCESS;
    case KI_MUTANT_OBJECT:
        Mutant = (PKMUTANT)Object;
        Object->SignalState--;
        if (Object->SignalState == 0 && Thread != NULL) {
            Mutant->OwnerThread = Thread;
            InsertHeadList(&Thread->MutantListHead, &Mutant->MutantListEntry);
        }
        if (Mutant->Abandoned) {
            Mutant->Abandoned = FALSE;
            return STATUS_ABANDONED;
        }
        return STATUS_SUCCESS;
    default:
        return STATUS_SUCCESS;  /* notification events and timers, threads */
    }
}

/* Lock held. WaitAll: TRUE when every object is signaled for Thread. */
static BOOLEAN
KipAllSignaled(ULONG Count, PVOID Object[], PKTHREAD Thread)
{
    ULONG Index;

    for (Index = 0; Index < Count; Index++) {
        if (!KipIsSignaled(Object[Index], Thread)) {
            return FALSE;
        }
    }
    return TRUE;
}

static NTSTATUS
KipSatisfyAll(ULONG Count, PVOID Object[], PKTHREAD Thread)
{
    NTSTATUS Status = STATUS_SUCCESS;
    ULONG Index;

    for (Index = 0; Index < Count; Index++) {
        if (KipWaitSatisfy(Object[Index], Thread) == STATUS_ABANDONED) {
            Status = STATUS_ABANDONED_WAIT_0;
        }
    }
    return Status;
}

/* The same over a waiting thread's blocks (KiWaitTest). */
static BOOLEAN
KipAllBlocksSignaled(PKTHREAD Thread)
{
    ULONG Index;

    for (Index = 0; Index < Thread->WaitCount; Index++) {
        if (!KipIsSignaled(Thread->WaitBlockList[Index].Object, Thread)) {
            return FALSE;
        }
    }
    return TRUE;
}

static NTSTATUS
KipSatisfyAllBlocks(PKTHREAD Thread)
{
    NTSTATUS Status = STATUS_SUCCESS;
    ULONG Index;

    for (Index = 0; Index < Thread->WaitCount; Index++) {
        if (KipWaitSatisfy(Thread->WaitBlockList[Index].Object, Thread) == STATUS_ABANDONED) {
            Status = STATUS_ABANDONED_WAIT_0;
        }
    }
    return Status;
}

/* Lock held. The satisfied status if the wait can end now, else -1. */
static NTSTATUS
KipTrySatisfy(ULONG Count, PVOID Object[], WAIT_TYPE WaitType, PKTHREAD Thread)
{
    ULONG Index;

    if (WaitType == WaitAll) {
        return Count != 0 && KipAllSignaled(Count, Object, Thread)
                   ? KipSatisfyAll(Count, Object, Thread)
                   : -1;
    }
    for (Index = 0; Index < Count; Index++) {
        if (KipIsSignaled(Object[Index], Thread)) {
            return (NTSTATUS)Index | KipWaitSatisfy(Object[Index], Thread);
        }
    }
    return -1;
}

/* Lock held. Ends Thread's wait with WaitStatus and makes it ready. */
FORCEINLINE VOID
KipUnwaitThread(PKPRCB Prcb, PKTHREAD Thread, NTSTATUS WaitStatus)
{
    PKWAIT_BLOCK Block = Thread->WaitBlockList;
    ULONG Index;

    for (Index = 0; Index < Thread->WaitCount; Index++) {
        RemoveEntryList(&Block[Index].WaitListEntry);
    }
    if (Thread->WaitTimerUsed) {
        Thread->WaitTimerUsed = FALSE;
        RemoveEntryList(&Thread->WaitBlock[KI_TIMER_WAIT_BLOCK].WaitListEntry);
        if (Thread->Timer.TimerListEntry.Flink != NULL) {
            ULONG_PTR Flags = KiDisableInterrupts();

            RemoveEntryList(&Thread->Timer.TimerListEntry);
            Thread->Timer.TimerListEntry.Flink = NULL;
            KiRestoreInterrupts(Flags);
        }
    }
    Thread->WaitStatus = WaitStatus;
    Thread->Quantum = KI_QUANTUM;
    KiReadyThread(Prcb, Thread);
}

/* Lock held. */
VOID
KiWaitTest(PKPRCB Prcb, PDISPATCHER_HEADER Object)
{
    PLIST_ENTRY Entry = Object->WaitListHead.Flink;

    while (Entry != &Object->WaitListHead && Object->SignalState > 0) {
        PKWAIT_BLOCK Block = CONTAINING_RECORD(Entry, KWAIT_BLOCK, WaitListEntry);
        PKTHREAD Thread = Block->Thread;
        NTSTATUS Status;

        if (Block->WaitType == WaitAny) {
            Status = (NTSTATUS)Block->WaitKey | KipWaitSatisfy(Object, Thread);
        } else {
            if (!KipAllBlocksSignaled(Thread)) {
                Entry = Entry->Flink;
                continue;
            }
            Status = KipSatisfyAllBlocks(Thread);
        }
        KipUnwaitThread(Prcb, Thread, Status);
        /* The unwait may have unhooked the next block too (the same thread
         * waiting twice on this object): start over from the head. */
        Entry = Object->WaitListHead.Flink;
    }
}

/* The objects a thread can wait on. */
static BOOLEAN
KipIsDispatcherObject(PDISPATCHER_HEADER Object)
{
    if (Object == NULL) {
        return FALSE;
    }
    switch (Object->Type) {
    case KI_EVENT_NOTIFICATION_OBJECT:
    case KI_EVENT_SYNCHRONIZATION_OBJECT:
    case KI_MUTANT_OBJECT:
    case KI_SEMAPHORE_OBJECT:
    case KI_THREAD_OBJECT:
    case KI_TIMER_NOTIFICATION_OBJECT:
    case KI_TIMER_SYNCHRONIZATION_OBJECT:
        return TRUE;
    default:
        return FALSE;
    }
}

/* Before the scheduler: interrupts and DPCs are the only things that can
 * signal, so halt until one has run, then look again. */
static NTSTATUS
KipWaitByHalting(ULONG Count, PVOID Object[], WAIT_TYPE WaitType, ULONG64 DueTime)
{
    ULONG_PTR Flags = KiDisableInterrupts();
    NTSTATUS Status;

    for (;;) {
        Status = KipTrySatisfy(Count, Object, WaitType, NULL);
        if (Status != -1) {
            break;
        }
        if (KeQueryInterruptTime() >= DueTime) {
            Status = STATUS_TIMEOUT;
            break;
        }
        __asm__ __volatile__("sti; hlt; cli" : : : "memory");
    }
    KiRestoreInterrupts(Flags);
    return Status;
}

/*
 * The common wait. IRQL <= APC_LEVEL, or DISPATCH_LEVEL with a zero
 * timeout (a poll). Waiting at DISPATCH_LEVEL or above otherwise could
 * never end (the thread could not be switched out) and stops the machine
 * as on Windows: IRQL_NOT_LESS_OR_EQUAL in the layout of KeLowerIrql's
 * (kernel/ke/irql.c): P1 the object (or object array) waited on, P2 the
 * IRQL, P3 0 (no memory access), P4 the caller's address.
 */
static NTSTATUS
KipWait(ULONG Count, PVOID Object[], WAIT_TYPE WaitType, KWAIT_REASON WaitReason,
        KPROCESSOR_MODE WaitMode, PLARGE_INTEGER Timeout, PKWAIT_BLOCK WaitBlockArray,
        PVOID WhatForReport, PVOID Caller)
{
    PKPRCB Prcb = KeGetCurrentPrcb();
    PKTHREAD Thread = Prcb->CurrentThread;
    BOOLEAN LockHeld = Thread != NULL && Thread->WaitNext;
    KIRQL OldIrql = LockHeld ? Thread->WaitIrql : KeGetCurrentIrql();
    ULONG64 DueTime = MAXULONG64;
    PKWAIT_BLOCK Blocks;
    NTSTATUS Status;
    ULONG Index;

    if (OldIrql > APC_LEVEL && (Timeout == NULL || Timeout->QuadPart != 0)) {
        DbgPrint("KeWaitFor...: waiting on %p at IRQL %u with %s timeout from %pS; only a "
                 "zero timeout may be used above APC_LEVEL\n", WhatForReport, OldIrql,
                 Timeout == NULL ? "no" : "a non-zero", Caller);
        KeBugCheckEx(IRQL_NOT_LESS_OR_EQUAL, (ULONG_PTR)WhatForReport, OldIrql, 0,
                     (ULONG_PTR)Caller);
    }
    if (Timeout != NULL) {
        DueTime = Timeout->QuadPart == 0
                      ? 0   /* a poll */
                      : KiDueTimeToInterruptTime(Timeout->QuadPart, KeQueryInterruptTime(),
                                                 KiBootSystemTime);
    }
    if (Thread == NULL) {
        return KipWaitByHalting(Count, Object, WaitType, DueTime);
    }
    if (LockHeld) {
        Thread->WaitNext = FALSE;
    } else {
        OldIrql = KiAcquireDispatcherLock();
    }

    Status = KipTrySatisfy(Count, Object, WaitType, Thread);
    if (Status == -1 && DueTime <= KeQueryInterruptTime()) {
        Status = STATUS_TIMEOUT;    /* a poll, or a due time already past */
    }
    if (Status != -1) {
        KiExitDispatcher(OldIrql);
        return Status;
    }

    /* Block: hook a wait block on each object and on the timer. */
    Blocks = WaitBlockArray != NULL ? WaitBlockArray : Thread->WaitBlock;
    for (Index = 0; Index < Count; Index++) {
        Blocks[Index].Thread = Thread;
        Blocks[Index].Object = Object[Index];
        Blocks[Index].WaitKey = (USHORT)Index;
        Blocks[Index].WaitType = (UCHAR)WaitType;
        InsertTailList(&((PDISPATCHER_HEADER)Object[Index])->WaitListHead,
                       &Blocks[Index].WaitListEntry);
    }
    Thread->WaitBlockList = Blocks;
    Thread->WaitCount = Count;
    if (DueTime != MAXULONG64) {
        PKWAIT_BLOCK TimerBlock = &Thread->WaitBlock[KI_TIMER_WAIT_BLOCK];
        ULONG_PTR Flags;

        TimerBlock->Thread = Thread;
        TimerBlock->Object = &Thread->Timer;
        TimerBlock->WaitKey = (USHORT)STATUS_TIMEOUT;
        TimerBlock->WaitType = WaitAny;
        Thread->Timer.Header.SignalState = 0;
        InsertTailList(&Thread->Timer.Header.WaitListHead, &TimerBlock->WaitListEntry);
        Thread->WaitTimerUsed = TRUE;
        Flags = KiDisableInterrupts();
        KiInsertTimer(Prcb, &Thread->Timer, DueTime);
        KiRestoreInterrupts(Flags);
    }
    Thread->WaitReason = (UCHAR)WaitReason;
    Thread->WaitMode = (UCHAR)WaitMode;
    Thread->WaitIrql = OldIrql;
    Thread->State = Waiting;
    KiSwapThread(Prcb, Thread);

    /* Readied by KipUnwaitThread and switched back to, holding the lock. */
    Status = Thread->WaitStatus;
    KiReleaseDispatcherLockFromDpcLevel();
    KeLowerIrql(OldIrql);
    return Status;
}

/* See KipWait for the IRQL rules. */
NTSTATUS NTAPI
KeWaitForSingleObject(PVOID Object, KWAIT_REASON WaitReason, KPROCESSOR_MODE WaitMode,
                      BOOLEAN Alertable, PLARGE_INTEGER Timeout)
{
    UNREFERENCED_PARAMETER(Alertable);
    if (!KipIsDispatcherObject(Object)) {
        DbgPrint("KeWaitForSingleObject: %p from %pS is not an event, semaphore, mutex, timer "
                 "or thread (type %u)\n", Object, __builtin_return_address(0),
                 Object != NULL ? ((PDISPATCHER_HEADER)Object)->Type : 0);
        return STATUS_INVALID_PARAMETER_1;
    }
    return KipWait(1, &Object, WaitAny, WaitReason, WaitMode, Timeout, NULL, Object,
                   __builtin_return_address(0));
}

/* See KipWait for the IRQL rules. More objects than the wait blocks can
 * hold stop the machine as on Windows: MAXIMUM_WAIT_OBJECTS_EXCEEDED, P1
 * the count, P2 the wait block array (0: none given), P3 the limit that
 * was passed, P4 the caller. */
NTSTATUS NTAPI
KeWaitForMultipleObjects(ULONG Count, PVOID Object[], WAIT_TYPE WaitType,
                         KWAIT_REASON WaitReason, KPROCESSOR_MODE WaitMode, BOOLEAN Alertable,
                         PLARGE_INTEGER Timeout, PKWAIT_BLOCK WaitBlockArray)
{
    PVOID Caller = __builtin_return_address(0);
    ULONG Index, Other;

    UNREFERENCED_PARAMETER(Alertable);
    if (Count > MAXIMUM_WAIT_OBJECTS || (Count > THREAD_WAIT_OBJECTS && WaitBlockArray == NULL)) {
        DbgPrint("KeWaitForMultipleObjects: %u objects from %pS; the limit is %u, and %u "
                 "without a WaitBlockArray\n", Count, Caller, MAXIMUM_WAIT_OBJECTS,
                 THREAD_WAIT_OBJECTS);
        KeBugCheckEx(MAXIMUM_WAIT_OBJECTS_EXCEEDED, Count, (ULONG_PTR)WaitBlockArray,
                     Count > MAXIMUM_WAIT_OBJECTS ? MAXIMUM_WAIT_OBJECTS : THREAD_WAIT_OBJECTS,
                     (ULONG_PTR)Caller);
    }
    if (Count == 0 || Object == NULL || (WaitType != WaitAll && WaitType != WaitAny)) {
        DbgPrint("KeWaitForMultipleObjects: from %pS: %s\n", Caller,
                 Count == 0 || Object == NULL ? "no objects to wait for"
                                              : "WaitType is neither WaitAll nor WaitAny");
        return Count == 0 ? STATUS_INVALID_PARAMETER_1
                          : Object == NULL ? STATUS_INVALID_PARAMETER_2
                                           : STATUS_INVALID_PARAMETER_3;
    }
    for (Index = 0; Index < Count; Index++) {
        if (!KipIsDispatcherObject(Object[Index])) {
            DbgPrint("KeWaitForMultipleObjects: object %u (%p) from %pS is not an event, "
                     "semaphore, mutex, timer or thread\n", Index, Object[Index], Caller);
            return STATUS_INVALID_PARAMETER_2;
        }
        /* WaitAll would satisfy a repeated object twice at once. */
        for (Other = 0; WaitType == WaitAll && Other < Index; Other++) {
            if (Object[Other] == Object[Index]) {
                DbgPrint("KeWaitForMultipleObjects: WaitAll from %pS names %p twice (%u and "
                         "%u)\n", Caller, Object[Index], Other, Index);
                return STATUS_INVALID_PARAMETER_MIX;
            }
        }
    }
    return KipWait(Count, Object, WaitType, WaitReason, WaitMode, Timeout, WaitBlockArray,
                   Object, Caller);
}

/* Zero: the current thread goes behind the ready threads of its priority. */
static VOID
KipYield(VOID)
{
    PKPRCB Prcb = KeGetCurrentPrcb();
    PKTHREAD Thread = Prcb->CurrentThread;
    KIRQL OldIrql = KiAcquireDispatcherLock();
    ULONG Priority;

    if (Prcb->NextThread == NULL) {
        PLIST_ENTRY Entry =
            KiReadyQueuesRemoveHighest(&Prcb->ReadyQueues, (ULONG)Thread->Priority, &Priority);

        if (Entry != NULL) {
            Prcb->NextThread = CONTAINING_RECORD(Entry, KTHREAD, ReadyListEntry);
            Prcb->NextThread->State = Standby;
        }
    }
    if (Prcb->NextThread != NULL) {
        Thread->State = Ready;
        KiReadyQueuesInsert(&Prcb->ReadyQueues, &Thread->ReadyListEntry, Thread->Priority,
                            FALSE);
        KiSwapThread(Prcb, Thread);
    }
    KiReleaseDispatcherLockFromDpcLevel();
    KeLowerIrql(OldIrql);
}

/* IRQL <= APC_LEVEL. */
NTSTATUS NTAPI
KeDelayExecutionThread(KPROCESSOR_MODE WaitMode, BOOLEAN Alertable, PLARGE_INTEGER Interval)
{
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(Alertable);
    if (Interval == NULL) {
        DbgPrint("KeDelayExecutionThread: no Interval from %pS\n", __builtin_return_address(0));
        return STATUS_INVALID_PARAMETER_3;
    }
    if (Interval->QuadPart == 0 && KiCurrentThread() != NULL) {
        KipYield();
        return STATUS_SUCCESS;
    }
    Status = KipWait(0, NULL, WaitAny, DelayExecution, WaitMode, Interval, NULL, Interval,
                     __builtin_return_address(0));
    /* The timer ending the wait is the point of a delay. */
    return Status == STATUS_TIMEOUT ? STATUS_SUCCESS : Status;
}
