/*
 * kernel/ex/worker.c - the system worker threads and ExQueueWorkItem.
 *
 * Two queues, each a FIFO list of WORK_QUEUE_ITEMs under a spin lock with
 * a semaphore counting the items, served by threads that wait on the
 * semaphore, take the head item and call its routine at PASSIVE_LEVEL:
 *
 *   ExQueueWorkItem(Item, Critical) --> [CriticalWorkQueue] --> 2 threads, priority 13
 *   ExQueueWorkItem(Item, Delayed)  --> [DelayedWorkQueue]  --> 2 threads, priority 12
 *
 * The priorities are Windows': critical and delayed workers run above
 * every ordinary thread (8) but below real time (16-31), so work queued by
 * a driver runs soon without preempting a real-time thread. Items of one
 * queue start in the order they were queued (one list, taken from the
 * head); with two threads, a second item may start before the first ends.
 * HyperCriticalWorkQueue, SuperCriticalWorkQueue and RealTimeWorkQueue are
 * served by the critical queue, NormalWorkQueue and BackgroundWorkQueue by
 * the delayed one.
 *
 * Misuse, with WORKER_INVALID (0xE4) and its documented parameter 1:
 *   1  an item that is still queued is queued again (P2 item, P3 queue)
 *   5  an item is queued before the worker threads exist (P2 item, P3 queue)
 *   6  QueueType is not a WORK_QUEUE_TYPE (P2 item, P3 QueueType)
 *   7  WorkerRoutine is not a kernel address (P2 item, P3 queue)
 * and after every routine ExpCheckWorkerReturn (kernel/ex/exp.h).
 */
#include "kernel/ke/thread.h"
#include "kernel/ex/exp.h"

#define EXP_WORKERS_PER_QUEUE 2
#define EXP_CRITICAL_WORKER_PRIORITY 13
#define EXP_DELAYED_WORKER_PRIORITY 12
#define EXP_KERNEL_SPACE_START 0xFFFF800000000000ULL

#define EXP_WORKER_INVALID_ACTIVE_ITEM_QUEUED 1
#define EXP_WORKER_INVALID_NOT_INITIALIZED 5
#define EXP_WORKER_INVALID_QUEUE_TYPE 6
#define EXP_WORKER_INVALID_ROUTINE 7

typedef struct _EXP_WORK_QUEUE {
    LIST_ENTRY ItemList;            /* WORK_QUEUE_ITEM.List, oldest first */
    KSPIN_LOCK Lock;                /* ItemList */
    KSEMAPHORE ItemCount;           /* one per queued item */
    WORK_QUEUE_TYPE Type;
    KPRIORITY Priority;
    PKTHREAD Threads[EXP_WORKERS_PER_QUEUE];
} EXP_WORK_QUEUE, *PEXP_WORK_QUEUE;

/* Indexed by CriticalWorkQueue (0) and DelayedWorkQueue (1). */
static EXP_WORK_QUEUE ExpWorkQueues[2];
static BOOLEAN ExpWorkersStarted;

static KSTART_ROUTINE ExpWorkerThread;

WORK_QUEUE_TYPE
ExpWorkQueueOf(WORK_QUEUE_TYPE QueueType)
{
    switch (QueueType) {
    case CriticalWorkQueue:
    case HyperCriticalWorkQueue:
    case SuperCriticalWorkQueue:
    case RealTimeWorkQueue:
        return CriticalWorkQueue;
    case DelayedWorkQueue:
    case NormalWorkQueue:
    case BackgroundWorkQueue:
        return DelayedWorkQueue;
    default:
        return MaximumWorkQueue;
    }
}

/* The worker thread, PASSIVE_LEVEL: forever takes the oldest item and
 * runs it. */
static VOID
ExpWorkerThread(PVOID Context)
{
    PEXP_WORK_QUEUE Queue = Context;
    PWORK_QUEUE_ITEM Item;
    PWORKER_THREAD_ROUTINE Routine;
    PVOID Parameter;
    KIRQL OldIrql;

    KeSetPriorityThread(KeGetCurrentThread(), Queue->Priority);
    for (;;) {
        KeWaitForSingleObject(&Queue->ItemCount, WrExecutive, KernelMode, FALSE, NULL);
        KeAcquireSpinLock(&Queue->Lock, &OldIrql);
        Item = CONTAINING_RECORD(RemoveHeadList(&Queue->ItemList), WORK_QUEUE_ITEM, List);
        KeReleaseSpinLock(&Queue->Lock, OldIrql);
        /* Read everything first and mark it not queued: the routine may
         * queue the item again, or free it. */
        Routine = Item->WorkerRoutine;
        Parameter = Item->Parameter;
        Item->List.Flink = NULL;
        Routine(Parameter);
        ExpCheckWorkerReturn(Routine, Parameter, Item);
    }
}

/* In the worker thread after a routine returned (kernel/ex/exp.h). */
VOID
ExpCheckWorkerReturn(PVOID Routine, PVOID Parameter, PVOID Item)
{
    PKTHREAD Thread = KiCurrentThread();
    KIRQL Irql = KeGetCurrentIrql();

    if (Irql != PASSIVE_LEVEL) {
        DbgPrint("Worker thread: work routine %pS (item %p, parameter %p) returned at IRQL "
                 "%u; it must return at PASSIVE_LEVEL\n", Routine, Item, Parameter, Irql);
        KeBugCheckEx(WORKER_THREAD_RETURNED_AT_BAD_IRQL, (ULONG_PTR)Routine, Irql,
                     (ULONG_PTR)Parameter, (ULONG_PTR)Item);
    }
    if (Thread->CombinedApcDisable != 0) {
        DbgPrint("Worker thread: work routine %pS (item %p) returned inside %d critical and "
                 "%d guarded regions; each enter needs its leave\n", Routine, Item,
                 -Thread->KernelApcDisable, -Thread->SpecialApcDisable);
        KeBugCheckEx(APC_INDEX_MISMATCH, (ULONG_PTR)Routine, 0, Thread->CombinedApcDisable, 1);
    }
}

/* IRQL <= DISPATCH_LEVEL. */
VOID NTAPI
ExQueueWorkItem(PWORK_QUEUE_ITEM WorkItem, WORK_QUEUE_TYPE QueueType)
{
    WORK_QUEUE_TYPE Served = ExpWorkQueueOf(QueueType);
    PEXP_WORK_QUEUE Queue;
    KIRQL OldIrql;

    if (Served == MaximumWorkQueue) {
        DbgPrint("ExQueueWorkItem: item %p from %pS: %d is not a WORK_QUEUE_TYPE\n", WorkItem,
                 __builtin_return_address(0), (int)QueueType);
        KeBugCheckEx(WORKER_INVALID, EXP_WORKER_INVALID_QUEUE_TYPE, (ULONG_PTR)WorkItem,
                     (ULONG_PTR)QueueType, 0);
    }
    if ((ULONG_PTR)WorkItem->WorkerRoutine < EXP_KERNEL_SPACE_START) {
        DbgPrint("ExQueueWorkItem: item %p from %pS has WorkerRoutine %p, not a kernel "
                 "address (ExInitializeWorkItem first)\n", WorkItem,
                 __builtin_return_address(0), WorkItem->WorkerRoutine);
        KeBugCheckEx(WORKER_INVALID, EXP_WORKER_INVALID_ROUTINE, (ULONG_PTR)WorkItem,
                     (ULONG_PTR)QueueType, 0);
    }
    if (!ExpWorkersStarted) {
        DbgPrint("ExQueueWorkItem: item %p from %pS queued before the worker threads "
                 "started\n", WorkItem, __builtin_return_address(0));
        KeBugCheckEx(WORKER_INVALID, EXP_WORKER_INVALID_NOT_INITIALIZED, (ULONG_PTR)WorkItem,
                     (ULONG_PTR)QueueType, 0);
    }
    Queue = &ExpWorkQueues[Served];
    KeAcquireSpinLock(&Queue->Lock, &OldIrql);
    if (WorkItem->List.Flink != NULL) {
        KeReleaseSpinLock(&Queue->Lock, OldIrql);
        DbgPrint("ExQueueWorkItem: item %p (routine %pS) from %pS is already queued\n",
                 WorkItem, WorkItem->WorkerRoutine, __builtin_return_address(0));
        KeBugCheckEx(WORKER_INVALID, EXP_WORKER_INVALID_ACTIVE_ITEM_QUEUED, (ULONG_PTR)WorkItem,
                     (ULONG_PTR)QueueType, 0);
    }
    InsertTailList(&Queue->ItemList, &WorkItem->List);
    KeReleaseSpinLock(&Queue->Lock, OldIrql);
    KeReleaseSemaphore(&Queue->ItemCount, 0, 1, FALSE);
}

/* Any IRQL. */
BOOLEAN
ExpIsWorkerThread(PKTHREAD Thread, WORK_QUEUE_TYPE *QueueType)
{
    ULONG Queue, Index;

    for (Queue = 0; Queue < 2; Queue++) {
        for (Index = 0; Index < EXP_WORKERS_PER_QUEUE; Index++) {
            if (ExpWorkQueues[Queue].Threads[Index] == Thread && Thread != NULL) {
                if (QueueType != NULL) {
                    *QueueType = ExpWorkQueues[Queue].Type;
                }
                return TRUE;
            }
        }
    }
    return FALSE;
}

/* PASSIVE_LEVEL, once (ExInitSystem). The threads hold a reference to
 * themselves and never end, so the one kept here stays valid. */
VOID
ExpInitializeWorkerThreads(VOID)
{
    static const KPRIORITY Priorities[2] = {EXP_CRITICAL_WORKER_PRIORITY,
                                            EXP_DELAYED_WORKER_PRIORITY};
    PEXP_WORK_QUEUE Queue;
    HANDLE Handle;
    PVOID Thread;
    NTSTATUS Status;
    ULONG Type, Index;

    for (Type = 0; Type < 2; Type++) {
        Queue = &ExpWorkQueues[Type];
        InitializeListHead(&Queue->ItemList);
        KeInitializeSpinLock(&Queue->Lock);
        KeInitializeSemaphore(&Queue->ItemCount, 0, MAXLONG);
        Queue->Type = (WORK_QUEUE_TYPE)Type;
        Queue->Priority = Priorities[Type];
    }
    for (Type = 0; Type < 2; Type++) {
        Queue = &ExpWorkQueues[Type];
        for (Index = 0; Index < EXP_WORKERS_PER_QUEUE; Index++) {
            Status = PsCreateSystemThread(&Handle, THREAD_ALL_ACCESS, NULL, NULL, NULL,
                                          ExpWorkerThread, Queue);
            if (NT_SUCCESS(Status)) {
                Status = ObReferenceObjectByHandle(Handle, SYNCHRONIZE, *PsThreadType,
                                                   KernelMode, &Thread, NULL);
                ZwClose(Handle);
            }
            if (!NT_SUCCESS(Status)) {
                DbgPrint("Ex: cannot start %s worker thread %u: status 0x%08x\n",
                         Type == CriticalWorkQueue ? "critical" : "delayed", Index, Status);
                KeBugCheckEx(PHASE1_INITIALIZATION_FAILED, (ULONG)Status, 0x4578, Type, Index);
            }
            Queue->Threads[Index] = Thread;
        }
    }
    ExpWorkersStarted = TRUE;
    DbgPrint("Ex: worker threads: %u critical (priority %d), %u delayed (priority %d)\n",
             EXP_WORKERS_PER_QUEUE, EXP_CRITICAL_WORKER_PRIORITY, EXP_WORKERS_PER_QUEUE,
             EXP_DELAYED_WORKER_PRIORITY);
}
