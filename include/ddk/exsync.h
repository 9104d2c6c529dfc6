/*
 * ddk/exsync.h - executive synchronization a driver may use: fast mutexes,
 * resources (ERESOURCE), and the system worker threads (ExQueueWorkItem).
 * Part of wdm.h, after ddk/io.h (WORK_QUEUE_TYPE lives in ddk/iotypes.h).
 *
 * Names, values, signatures and the x64 layouts are the WDK's. What
 * Kestrel adds is checking: misuse that deadlocks or corrupts silently on
 * a free Windows build stops the machine here with the code Driver
 * Verifier uses (kernel/ex/fastmutex.c, resource.c and worker.c list
 * them). The critical-region routines these rely on are Ke's (ddk/ke.h).
 */
#ifndef _KESTREL_DDK_EXSYNC_H
#define _KESTREL_DDK_EXSYNC_H

/* ---------------------------------------------------------------------------
 * Fast mutexes (kernel/ex/fastmutex.c). Count is 1 when free, 0 when owned
 * and -n when owned with n threads waiting on Event (a synchronization
 * event: each release hands the mutex to exactly one waiter). Not
 * recursive: an owner that acquires again stops the machine.
 */
typedef struct _FAST_MUTEX {
    volatile LONG Count;
    PVOID Owner;                /* the owning KTHREAD */
    ULONG Contention;           /* acquisitions that had to wait */
    KEVENT Event;
    ULONG OldIrql;              /* ExAcquireFastMutex's caller's IRQL */
} FAST_MUTEX, *PFAST_MUTEX;

_Static_assert(sizeof(FAST_MUTEX) == 0x38, "FAST_MUTEX is 0x38 bytes on x64");
_Static_assert(FIELD_OFFSET(FAST_MUTEX, Event) == 0x18, "FAST_MUTEX.Event");
_Static_assert(FIELD_OFFSET(FAST_MUTEX, OldIrql) == 0x30, "FAST_MUTEX.OldIrql");

/* IRQL <= DISPATCH_LEVEL. The storage must be non-paged (all of Kestrel's is). */
FORCEINLINE VOID
ExInitializeFastMutex(_Out_ PFAST_MUTEX FastMutex)
{
    FastMutex->Count = 1;
    FastMutex->Owner = NULL;
    FastMutex->Contention = 0;
    KeInitializeEvent(&FastMutex->Event, SynchronizationEvent, FALSE);
}

/* IRQL <= APC_LEVEL: raises to APC_LEVEL, waits for the mutex if it is
 * owned, and keeps the caller's IRQL in the mutex for the release. */
VOID FASTCALL ExAcquireFastMutex(_Inout_ PFAST_MUTEX FastMutex);
/* IRQL APC_LEVEL, by the owner: releases and returns to the saved IRQL. */
VOID FASTCALL ExReleaseFastMutex(_Inout_ PFAST_MUTEX FastMutex);
/* IRQL <= APC_LEVEL: TRUE (at APC_LEVEL, as ExAcquireFastMutex) when the
 * mutex was free, FALSE (IRQL unchanged) when it was not. */
BOOLEAN FASTCALL ExTryToAcquireFastMutex(_Inout_ PFAST_MUTEX FastMutex);
/* The same without the IRQL change, for a caller already at APC_LEVEL or
 * inside a critical region (KeEnterCriticalRegion). */
VOID FASTCALL ExAcquireFastMutexUnsafe(_Inout_ PFAST_MUTEX FastMutex);
VOID FASTCALL ExReleaseFastMutexUnsafe(_Inout_ PFAST_MUTEX FastMutex);

/* ---------------------------------------------------------------------------
 * Resources (kernel/ex/resource.c): reader/writer locks that block. Many
 * threads may own a resource shared, or one thread exclusive; an owner may
 * acquire again (recursively) and releases once per acquisition. Shared
 * waiters wait on SharedWaiters (a semaphore released once per waiter),
 * exclusive waiters on ExclusiveWaiters (a synchronization event). Callers
 * must have normal kernel APCs disabled: inside KeEnterCriticalRegion, or
 * at APC_LEVEL.
 */
typedef ULONG_PTR ERESOURCE_THREAD, *PERESOURCE_THREAD;

typedef struct _OWNER_ENTRY {
    ERESOURCE_THREAD OwnerThread;   /* 0: a free entry */
    union {
        struct {
            ULONG IoPriorityBoosted : 1;
            ULONG OwnerReferenced : 1;
            ULONG IoQoSPriorityBoosted : 1;
            ULONG OwnerCount : 29;  /* acquisitions by this thread */
        };
        ULONG TableSize;            /* in OwnerTable[0]: entries in the table */
    };
} OWNER_ENTRY, *POWNER_ENTRY;

typedef struct _ERESOURCE {
    LIST_ENTRY SystemResourcesList;     /* every initialized resource */
    POWNER_ENTRY OwnerTable;            /* shared owners beyond OwnerEntry */
    SHORT ActiveCount;                  /* owning threads (granted, maybe not yet running) */
    union {
        USHORT Flag;
        struct {
            UCHAR ReservedLowFlags;
            UCHAR WaiterPriority;
        };
    };
    PKSEMAPHORE SharedWaiters;
    PKEVENT ExclusiveWaiters;
    OWNER_ENTRY OwnerEntry;             /* the exclusive owner, or a shared one */
    ULONG ActiveEntries;                /* acquisitions, recursion included */
    ULONG ContentionCount;              /* acquisitions that had to wait */
    ULONG NumberOfSharedWaiters;
    ULONG NumberOfExclusiveWaiters;
    PVOID Reserved2;
    union {
        PVOID Address;
        ULONG_PTR CreatorBackTraceIndex;
    };
    KSPIN_LOCK SpinLock;
} ERESOURCE, *PERESOURCE;

_Static_assert(sizeof(OWNER_ENTRY) == 0x10, "OWNER_ENTRY is 16 bytes on x64");
_Static_assert(sizeof(ERESOURCE) == 0x68, "ERESOURCE is 0x68 bytes on x64");
_Static_assert(FIELD_OFFSET(ERESOURCE, OwnerEntry) == 0x30, "ERESOURCE.OwnerEntry");
_Static_assert(FIELD_OFFSET(ERESOURCE, SpinLock) == 0x60, "ERESOURCE.SpinLock");

/* ERESOURCE.Flag values (wdm.h). */
#define ResourceNeverExclusive 0x0010
#define ResourceReleaseByOtherThread 0x0020
#define ResourceOwnedExclusive 0x0080

#define ExGetCurrentResourceThread() ((ERESOURCE_THREAD)PsGetCurrentThread())

/* IRQL <= DISPATCH_LEVEL. STATUS_INSUFFICIENT_RESOURCES when the waiters'
 * semaphore and event cannot be allocated. */
NTSTATUS NTAPI ExInitializeResourceLite(_Out_ PERESOURCE Resource);
/* IRQL <= DISPATCH_LEVEL; the resource must not be owned. */
NTSTATUS NTAPI ExDeleteResourceLite(_Inout_ PERESOURCE Resource);
/* IRQL <= APC_LEVEL. Wait FALSE: FALSE instead of blocking. */
BOOLEAN NTAPI ExAcquireResourceExclusiveLite(_Inout_ PERESOURCE Resource, _In_ BOOLEAN Wait);
/* Shared unless an exclusive waiter is queued (a shared owner still gets
 * it again recursively). */
BOOLEAN NTAPI ExAcquireResourceSharedLite(_Inout_ PERESOURCE Resource, _In_ BOOLEAN Wait);
/* Shared even when exclusive waiters are queued. */
BOOLEAN NTAPI ExAcquireSharedStarveExclusive(_Inout_ PERESOURCE Resource, _In_ BOOLEAN Wait);
/* Shared only when no exclusive waiter is queued, even for a thread that
 * already owns it shared. */
BOOLEAN NTAPI ExAcquireSharedWaitForExclusive(_Inout_ PERESOURCE Resource, _In_ BOOLEAN Wait);
/* IRQL <= DISPATCH_LEVEL. Releases one acquisition of the current thread
 * (ExReleaseResourceLite) or of ResourceThreadId. */
VOID FASTCALL ExReleaseResourceLite(_Inout_ PERESOURCE Resource);
VOID NTAPI ExReleaseResourceForThreadLite(_Inout_ PERESOURCE Resource,
                                          _In_ ERESOURCE_THREAD ResourceThreadId);
#define ExReleaseResource(R) ExReleaseResourceLite(R)
/* IRQL <= DISPATCH_LEVEL. The exclusive owner becomes a shared owner
 * (with the same count); queued shared waiters get it too. */
VOID NTAPI ExConvertExclusiveToSharedLite(_Inout_ PERESOURCE Resource);
/* IRQL <= DISPATCH_LEVEL. */
BOOLEAN NTAPI ExIsResourceAcquiredExclusiveLite(_In_ PERESOURCE Resource);
/* The current thread's acquisitions (shared or exclusive), 0 if none. */
ULONG NTAPI ExIsResourceAcquiredSharedLite(_In_ PERESOURCE Resource);
#define ExIsResourceAcquiredLite ExIsResourceAcquiredSharedLite
ULONG NTAPI ExGetSharedWaiterCount(_In_ PERESOURCE Resource);
ULONG NTAPI ExGetExclusiveWaiterCount(_In_ PERESOURCE Resource);

/* ---------------------------------------------------------------------------
 * System worker threads (kernel/ex/worker.c). ExQueueWorkItem is
 * deprecated in the WDK in favour of IoQueueWorkItem (ddk/io.h), which
 * keeps the driver's device object alive while the item is pending; both
 * run the routine at PASSIVE_LEVEL in a system thread, which it must
 * leave at PASSIVE_LEVEL and outside any critical region.
 */
typedef VOID WORKER_THREAD_ROUTINE(_In_ PVOID Parameter);
typedef WORKER_THREAD_ROUTINE *PWORKER_THREAD_ROUTINE;

typedef struct _WORK_QUEUE_ITEM {
    LIST_ENTRY List;                    /* Flink NULL: not queued */
    PWORKER_THREAD_ROUTINE WorkerRoutine;
    volatile PVOID Parameter;
} WORK_QUEUE_ITEM, *PWORK_QUEUE_ITEM;

#define ExInitializeWorkItem(Item, Routine, Context) \
    do {                                              \
        (Item)->WorkerRoutine = (Routine);            \
        (Item)->Parameter = (Context);                \
        (Item)->List.Flink = NULL;                    \
    } while (0)

/* IRQL <= DISPATCH_LEVEL. Queues Item for a worker thread of QueueType's
 * queue: CriticalWorkQueue (and HyperCritical, SuperCritical, RealTime)
 * or DelayedWorkQueue (and Normal, Background). Items of one queue start
 * in the order they were queued. */
VOID NTAPI ExQueueWorkItem(_Inout_ PWORK_QUEUE_ITEM WorkItem, _In_ WORK_QUEUE_TYPE QueueType);

#endif /* _KESTREL_DDK_EXSYNC_H */
