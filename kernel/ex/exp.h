/*
 * kernel/ex/exp.h - the executive's internals shared between its files
 * and with the I/O manager: the Ex verifier switch, the system worker
 * threads (kernel/ex/worker.c) and the check every work routine's return
 * passes through.
 */
#ifndef KESTREL_KERNEL_EX_EXP_H
#define KESTREL_KERNEL_EX_EXP_H

#include <wdm.h>

/*
 * TRUE unless the command line says verifier=off (for benchmarks). Guards
 * the checks Windows makes only under Driver Verifier (an ERESOURCE used
 * outside a critical region, a resource initialized twice); checks whose
 * failure would otherwise hang or corrupt the machine (a fast mutex
 * acquired recursively, a release by a thread that is not the owner) are
 * always made.
 */
extern BOOLEAN ExpVerifierEnabled;

/* Executive start-up: reads the verifier switch and starts the worker
 * threads. PASSIVE_LEVEL, once, after PsInitializeSystem with interrupts
 * on. */
VOID ExInitSystem(VOID);
VOID ExpInitializeWorkerThreads(VOID);

/* TRUE when Thread is one of the system worker threads; QueueType then
 * says whose (CriticalWorkQueue or DelayedWorkQueue). Any IRQL. */
BOOLEAN ExpIsWorkerThread(_In_ PKTHREAD Thread, _Out_opt_ WORK_QUEUE_TYPE *QueueType);

/* The queue that serves QueueType: CriticalWorkQueue or DelayedWorkQueue,
 * or MaximumWorkQueue when QueueType is not a queue type. Pure. */
WORK_QUEUE_TYPE ExpWorkQueueOf(WORK_QUEUE_TYPE QueueType);

/*
 * After a work routine returns, in the worker thread: stops the machine
 * when it returned above PASSIVE_LEVEL (WORKER_THREAD_RETURNED_AT_BAD_IRQL:
 * P1 Routine, P2 the IRQL, P3 Parameter, P4 Item) or inside a critical or
 * guarded region (APC_INDEX_MISMATCH: P1 Routine, P2 0, P3
 * CombinedApcDisable, P4 1 = a worker routine). Item is reported, never
 * touched: the routine may have freed it.
 */
VOID ExpCheckWorkerReturn(_In_ PVOID Routine, _In_opt_ PVOID Parameter, _In_ PVOID Item);

#endif /* KESTREL_KERNEL_EX_EXP_H */
