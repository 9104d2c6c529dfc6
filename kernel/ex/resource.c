/*
 * kernel/ex/resource.c - ERESOURCE, the executive's reader/writer lock.
 *
 * Everything about a resource is decided under its SpinLock; waiting
 * happens outside it, on the resource's semaphore (shared waiters) or
 * synchronization event (exclusive waiters). Ownership is handed over by
 * the releaser, not grabbed by the woken thread, so a thread that was
 * woken never finds the resource taken again and never loops:
 *
 *   last owner releases
 *     after an exclusive owner:  shared waiters first (all of them), else
 *                                one exclusive waiter
 *     after shared owners:       one exclusive waiter first, else all
 *                                shared waiters
 *   shared waiters:    ActiveCount += n, KeReleaseSemaphore(n); each woken
 *                      thread then writes its own owner entry
 *   exclusive waiter:  ResourceOwnedExclusive, OwnerEntry.OwnerThread =
 *                      EXP_PENDING_OWNER, KeSetEvent; the woken thread
 *                      writes its thread there
 *
 * Owners: the exclusive owner, or one shared owner, lives in OwnerEntry;
 * other shared owners in OwnerTable, an array whose entry 0 holds the
 * table's size (as on Windows) and which doubles when full. Each entry
 * counts its thread's acquisitions (OwnerCount).
 *
 * Checks and their codes:
 *   releasing a resource the thread does not own: RESOURCE_NOT_OWNED (0xE3),
 *     P1 the resource, P2 the thread, P3 OwnerTable, P4 0 - always.
 *   Under the verifier (kernel/ex/exp.h), DRIVER_VERIFIER_DETECTED_VIOLATION
 *   (0xC4) with the WDK's parameter 1:
 *     0x37/0x38  acquire/release with normal kernel APCs enabled (neither in
 *                a critical region nor at APC_LEVEL): P2 IRQL, P3
 *                KernelApcDisable, P4 the resource
 *     0xD0       initializing a resource that is already initialized: P2 it
 *     0xD1       deleting one that is not initialized: P2 it
 *     0x100B     deleting one that is still owned: P2 it, P3 an owner
 *     0x1000     a shared owner asking for exclusive access with Wait TRUE
 *                (it would wait for itself forever): P2 it, P3 the thread
 *   Out of memory for the owner table: KMODE_EXCEPTION_NOT_HANDLED with
 *   STATUS_INSUFFICIENT_RESOURCES (Windows raises an exception there).
 */
#include <wdm.h>
#include "kernel/ke/thread.h"
#include "kernel/ex/exp.h"

#define EXP_RESOURCE_TAG 'seRE'
#define EXP_PENDING_OWNER ((ERESOURCE_THREAD)1)  /* granted, the waiter not yet awake */
#define EXP_FIRST_TABLE_SIZE 4

#define EXP_VERIFIER_RESOURCE_ACQUIRE_APCS 0x37
#define EXP_VERIFIER_RESOURCE_RELEASE_APCS 0x38
#define EXP_VERIFIER_RESOURCE_REINITIALIZED 0xD0
#define EXP_VERIFIER_RESOURCE_NOT_INITIALIZED 0xD1
#define EXP_VERIFIER_SELF_DEADLOCK 0x1000
#define EXP_VERIFIER_DELETED_LOCK_OWNED 0x100B

/* How a shared acquisition treats queued exclusive waiters. */
typedef enum _EXP_SHARED_KIND {
    ExpSharedLite,          /* wait behind them, unless already a shared owner */
    ExpSharedStarveExclusive,   /* ignore them */
    ExpSharedWaitForExclusive   /* wait behind them, even as a shared owner */
} EXP_SHARED_KIND;

/* Every initialized resource, as Windows keeps it (ExpSystemResourcesList). */
static LIST_ENTRY ExpSystemResourcesList = {&ExpSystemResourcesList, &ExpSystemResourcesList};
static KSPIN_LOCK ExpSystemResourcesLock;

/* Lock held. The entry of Thread, or NULL. */
static POWNER_ENTRY
ExpFindOwner(PERESOURCE Resource, ERESOURCE_THREAD Thread)
{
    ULONG Index;

    if (Resource->OwnerEntry.OwnerThread == Thread) {
        return &Resource->OwnerEntry;
    }
    if (Resource->OwnerTable != NULL) {
        for (Index = 1; Index < Resource->OwnerTable[0].TableSize; Index++) {
            if (Resource->OwnerTable[Index].OwnerThread == Thread) {
                return &Resource->OwnerTable[Index];
            }
        }
    }
    return NULL;
}

/* Lock held. A new shared owner entry for Thread, with one acquisition;
 * grows the table when it is full. */
static VOID
ExpAddSharedOwner(PERESOURCE Resource, ERESOURCE_THREAD Thread)
{
    POWNER_ENTRY Entry = ExpFindOwner(Resource, 0);
    POWNER_ENTRY Table;
    ULONG OldSize, NewSize;

    if (Entry == NULL) {
        OldSize = Resource->OwnerTable != NULL ? Resource->OwnerTable[0].TableSize : 1;
        NewSize = OldSize < EXP_FIRST_TABLE_SIZE ? EXP_FIRST_TABLE_SIZE : OldSize * 2;
        /* Kestrel's pool serves any IRQL, so growing under the lock is safe. */
        Table = ExAllocatePoolZero(NonPagedPoolNx, NewSize * sizeof(OWNER_ENTRY),
                                   EXP_RESOURCE_TAG);
        if (Table == NULL) {
            DbgPrint("ERESOURCE %p: no memory for a table of %u shared owners\n", Resource,
                     NewSize);
            KeBugCheckEx(KMODE_EXCEPTION_NOT_HANDLED, (ULONG)STATUS_INSUFFICIENT_RESOURCES,
                         (ULONG_PTR)ExpAddSharedOwner, (ULONG_PTR)Resource, NewSize);
        }
        if (Resource->OwnerTable != NULL) {
            RtlCopyMemory(&Table[1], &Resource->OwnerTable[1],
                          (OldSize - 1) * sizeof(OWNER_ENTRY));
            ExFreePoolWithTag(Resource->OwnerTable, EXP_RESOURCE_TAG);
        }
        Table[0].TableSize = NewSize;
        Resource->OwnerTable = Table;
        Entry = &Table[OldSize];
    }
    Entry->OwnerThread = Thread;
    Entry->OwnerCount = 1;
}

/* Lock held, the resource free: one exclusive waiter, or all shared ones,
 * get it (the order the banner gives). Returns what to signal. */
static VOID
ExpGrantWaiters(PERESOURCE Resource, BOOLEAN PreferShared, PLONG SharedToRelease,
                PBOOLEAN WakeExclusive)
{
    BOOLEAN Shared = Resource->NumberOfSharedWaiters != 0 &&
                     (PreferShared || Resource->NumberOfExclusiveWaiters == 0);

    *SharedToRelease = 0;
    *WakeExclusive = FALSE;
    if (Shared) {
        *SharedToRelease = (LONG)Resource->NumberOfSharedWaiters;
        Resource->ActiveCount = (SHORT)Resource->NumberOfSharedWaiters;
        Resource->NumberOfSharedWaiters = 0;
    } else if (Resource->NumberOfExclusiveWaiters != 0) {
        Resource->NumberOfExclusiveWaiters--;
        Resource->Flag |= ResourceOwnedExclusive;
        Resource->ActiveCount = 1;
        Resource->OwnerEntry.OwnerThread = EXP_PENDING_OWNER;
        Resource->OwnerEntry.OwnerCount = 1;
        *WakeExclusive = TRUE;
    }
}

static VOID
ExpSignalWaiters(PERESOURCE Resource, LONG SharedToRelease, BOOLEAN WakeExclusive)
{
    if (SharedToRelease != 0) {
        KeReleaseSemaphore(Resource->SharedWaiters, 0, SharedToRelease, FALSE);
    }
    if (WakeExclusive) {
        KeSetEvent(Resource->ExclusiveWaiters, 0, FALSE);
    }
}

/* Normal kernel APCs must be off around a resource (the verifier's 0x37/0x38). */
static VOID
ExpCheckApcsDisabled(PERESOURCE Resource, ULONG Check, PCSTR Routine, PVOID Caller)
{
    PKTHREAD Thread = KiCurrentThread();
    KIRQL Irql = KeGetCurrentIrql();

    if (ExpVerifierEnabled && Irql < APC_LEVEL && Thread->KernelApcDisable == 0 &&
        Thread->SpecialApcDisable == 0) {
        DbgPrint("%s: resource %p from %pS outside a critical region; call "
                 "KeEnterCriticalRegion first (Driver Verifier check)\n", Routine, Resource,
                 Caller);
        KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, Check, Irql,
                     (ULONG_PTR)(LONG_PTR)Thread->KernelApcDisable, (ULONG_PTR)Resource);
    }
}

/* Lock not held. TRUE when Resource is on the list of initialized ones. */
static BOOLEAN
ExpIsInitialized(PERESOURCE Resource)
{
    PLIST_ENTRY Entry;
    BOOLEAN Found = FALSE;
    KIRQL OldIrql;

    KeAcquireSpinLock(&ExpSystemResourcesLock, &OldIrql);
    for (Entry = ExpSystemResourcesList.Flink; Entry != &ExpSystemResourcesList;
         Entry = Entry->Flink) {
        if (Entry == &Resource->SystemResourcesList) {
            Found = TRUE;
            break;
        }
    }
    KeReleaseSpinLock(&ExpSystemResourcesLock, OldIrql);
    return Found;
}

/* IRQL <= DISPATCH_LEVEL. */
NTSTATUS NTAPI
ExInitializeResourceLite(PERESOURCE Resource)
{
    PKSEMAPHORE Semaphore;
    PKEVENT Event;
    KIRQL OldIrql;

    if (ExpVerifierEnabled && ExpIsInitialized(Resource)) {
        DbgPrint("ExInitializeResourceLite: resource %p from %pS is already initialized\n",
                 Resource, __builtin_return_address(0));
        KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, EXP_VERIFIER_RESOURCE_REINITIALIZED,
                     (ULONG_PTR)Resource, 0, 0);
    }
    Semaphore = ExAllocatePoolZero(NonPagedPoolNx, sizeof(KSEMAPHORE), EXP_RESOURCE_TAG);
    Event = ExAllocatePoolZero(NonPagedPoolNx, sizeof(KEVENT), EXP_RESOURCE_TAG);
    if (Semaphore == NULL || Event == NULL) {
        if (Semaphore != NULL) {
            ExFreePoolWithTag(Semaphore, EXP_RESOURCE_TAG);
        }
        if (Event != NULL) {
            ExFreePoolWithTag(Event, EXP_RESOURCE_TAG);
        }
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    RtlZeroMemory(Resource, sizeof(*Resource));
    KeInitializeSemaphore(Semaphore, 0, MAXLONG);
    KeInitializeEvent(Event, SynchronizationEvent, FALSE);
    Resource->SharedWaiters = Semaphore;
    Resource->ExclusiveWaiters = Event;
    Resource->Address = __builtin_return_address(0);
    KeInitializeSpinLock(&Resource->SpinLock);
    KeAcquireSpinLock(&ExpSystemResourcesLock, &OldIrql);
    InsertTailList(&ExpSystemResourcesList, &Resource->SystemResourcesList);
    KeReleaseSpinLock(&ExpSystemResourcesLock, OldIrql);
    return STATUS_SUCCESS;
}

/* IRQL <= DISPATCH_LEVEL. */
NTSTATUS NTAPI
ExDeleteResourceLite(PERESOURCE Resource)
{
    KIRQL OldIrql;

    if (ExpVerifierEnabled && !ExpIsInitialized(Resource)) {
        DbgPrint("ExDeleteResourceLite: resource %p from %pS was never initialized (or is "
                 "already deleted)\n", Resource, __builtin_return_address(0));
        KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, EXP_VERIFIER_RESOURCE_NOT_INITIALIZED,
                     (ULONG_PTR)Resource, 0, 0);
    }
    if (ExpVerifierEnabled && Resource->ActiveCount != 0) {
        DbgPrint("ExDeleteResourceLite: resource %p from %pS is still owned (by %p and "
                 "%d owners in all)\n", Resource, __builtin_return_address(0),
                 (PVOID)Resource->OwnerEntry.OwnerThread, Resource->ActiveCount);
        KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, EXP_VERIFIER_DELETED_LOCK_OWNED,
                     (ULONG_PTR)Resource, Resource->OwnerEntry.OwnerThread, 0);
    }
    KeAcquireSpinLock(&ExpSystemResourcesLock, &OldIrql);
    RemoveEntryList(&Resource->SystemResourcesList);
    KeReleaseSpinLock(&ExpSystemResourcesLock, OldIrql);
    if (Resource->OwnerTable != NULL) {
        ExFreePoolWithTag(Resource->OwnerTable, EXP_RESOURCE_TAG);
    }
    ExFreePoolWithTag(Resource->SharedWaiters, EXP_RESOURCE_TAG);
    ExFreePoolWithTag(Resource->ExclusiveWaiters, EXP_RESOURCE_TAG);
    RtlZeroMemory(Resource, sizeof(*Resource));
    return STATUS_SUCCESS;
}

/* IRQL <= APC_LEVEL, normal kernel APCs disabled. */
BOOLEAN NTAPI
ExAcquireResourceExclusiveLite(PERESOURCE Resource, BOOLEAN Wait)
{
    ERESOURCE_THREAD Thread = ExGetCurrentResourceThread();
    KIRQL OldIrql;

    ExpCheckApcsDisabled(Resource, EXP_VERIFIER_RESOURCE_ACQUIRE_APCS,
                         "ExAcquireResourceExclusiveLite", __builtin_return_address(0));
    KeAcquireSpinLock(&Resource->SpinLock, &OldIrql);
    Resource->ActiveEntries++;
    if (Resource->ActiveCount == 0) {
        Resource->Flag |= ResourceOwnedExclusive;
        Resource->ActiveCount = 1;
        Resource->OwnerEntry.OwnerThread = Thread;
        Resource->OwnerEntry.OwnerCount = 1;
    } else if ((Resource->Flag & ResourceOwnedExclusive) &&
               Resource->OwnerEntry.OwnerThread == Thread) {
        Resource->OwnerEntry.OwnerCount++;
    } else if (!Wait) {
        Resource->ActiveEntries--;
        KeReleaseSpinLock(&Resource->SpinLock, OldIrql);
        return FALSE;
    } else {
        /* A shared owner asking for exclusive access would wait for itself
         * (Windows documents the deadlock); the verifier says so instead. */
        if (ExpVerifierEnabled && ExpFindOwner(Resource, Thread) != NULL) {
            KeReleaseSpinLock(&Resource->SpinLock, OldIrql);
            DbgPrint("ExAcquireResourceExclusiveLite: resource %p from %pS: thread %p owns it "
                     "shared and would wait for itself\n", Resource,
                     __builtin_return_address(0), (PVOID)Thread);
            KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, EXP_VERIFIER_SELF_DEADLOCK,
                         (ULONG_PTR)Resource, Thread, 0);
        }
        Resource->ContentionCount++;
        Resource->NumberOfExclusiveWaiters++;
        KeReleaseSpinLock(&Resource->SpinLock, OldIrql);
        KeWaitForSingleObject(Resource->ExclusiveWaiters, WrExecutive, KernelMode, FALSE,
                              NULL);
        /* The releaser made us the owner (ExpGrantWaiters); put our name on it. */
        KeAcquireSpinLock(&Resource->SpinLock, &OldIrql);
        Resource->OwnerEntry.OwnerThread = Thread;
    }
    KeReleaseSpinLock(&Resource->SpinLock, OldIrql);
    return TRUE;
}

/* IRQL <= APC_LEVEL, normal kernel APCs disabled. */
static BOOLEAN
ExpAcquireShared(PERESOURCE Resource, BOOLEAN Wait, EXP_SHARED_KIND Kind, PCSTR Routine,
                 PVOID Caller)
{
    ERESOURCE_THREAD Thread = ExGetCurrentResourceThread();
    POWNER_ENTRY Entry;
    KIRQL OldIrql;

    ExpCheckApcsDisabled(Resource, EXP_VERIFIER_RESOURCE_ACQUIRE_APCS, Routine, Caller);
    KeAcquireSpinLock(&Resource->SpinLock, &OldIrql);
    Resource->ActiveEntries++;
    if (Resource->ActiveCount == 0) {
        Resource->ActiveCount = 1;
        ExpAddSharedOwner(Resource, Thread);
        goto Granted;
    }
    if (Resource->Flag & ResourceOwnedExclusive) {
        if (Resource->OwnerEntry.OwnerThread == Thread) {
            /* The exclusive owner may ask for shared access: it keeps its
             * exclusive ownership, one acquisition deeper. */
            Resource->OwnerEntry.OwnerCount++;
            goto Granted;
        }
    } else {
        Entry = ExpFindOwner(Resource, Thread);
        if (Entry != NULL && Kind != ExpSharedWaitForExclusive) {
            Entry->OwnerCount++;
            goto Granted;
        }
        if (Entry == NULL &&
            (Resource->NumberOfExclusiveWaiters == 0 || Kind == ExpSharedStarveExclusive)) {
            Resource->ActiveCount++;
            ExpAddSharedOwner(Resource, Thread);
            goto Granted;
        }
        if (Entry != NULL && Resource->NumberOfExclusiveWaiters == 0) {
            Entry->OwnerCount++;
            goto Granted;
        }
    }
    if (!Wait) {
        Resource->ActiveEntries--;
        KeReleaseSpinLock(&Resource->SpinLock, OldIrql);
        return FALSE;
    }
    Resource->ContentionCount++;
    Resource->NumberOfSharedWaiters++;
    KeReleaseSpinLock(&Resource->SpinLock, OldIrql);
    KeWaitForSingleObject(Resource->SharedWaiters, WrExecutive, KernelMode, FALSE, NULL);
    /* Counted in ActiveCount by the releaser; add our entry. A thread that
     * already owned it shared (ExAcquireSharedWaitForExclusive) gets a
     * second entry, released in turn by its releases. */
    KeAcquireSpinLock(&Resource->SpinLock, &OldIrql);
    Entry = ExpFindOwner(Resource, Thread);
    if (Entry != NULL) {
        Entry->OwnerCount++;
        Resource->ActiveCount--;    /* one owner, not two */
    } else {
        ExpAddSharedOwner(Resource, Thread);
    }
Granted:
    KeReleaseSpinLock(&Resource->SpinLock, OldIrql);
    return TRUE;
}

BOOLEAN NTAPI
ExAcquireResourceSharedLite(PERESOURCE Resource, BOOLEAN Wait)
{
    return ExpAcquireShared(Resource, Wait, ExpSharedLite, "ExAcquireResourceSharedLite",
                            __builtin_return_address(0));
}

BOOLEAN NTAPI
ExAcquireSharedStarveExclusive(PERESOURCE Resource, BOOLEAN Wait)
{
    return ExpAcquireShared(Resource, Wait, ExpSharedStarveExclusive,
                            "ExAcquireSharedStarveExclusive", __builtin_return_address(0));
}

BOOLEAN NTAPI
ExAcquireSharedWaitForExclusive(PERESOURCE Resource, BOOLEAN Wait)
{
    return ExpAcquireShared(Resource, Wait, ExpSharedWaitForExclusive,
                            "ExAcquireSharedWaitForExclusive", __builtin_return_address(0));
}

/* IRQL <= DISPATCH_LEVEL. */
static VOID
ExpRelease(PERESOURCE Resource, ERESOURCE_THREAD Thread, PCSTR Routine, PVOID Caller)
{
    POWNER_ENTRY Entry;
    BOOLEAN WasExclusive, WakeExclusive;
    LONG SharedToRelease;
    KIRQL OldIrql;

    if (Thread == ExGetCurrentResourceThread()) {
        ExpCheckApcsDisabled(Resource, EXP_VERIFIER_RESOURCE_RELEASE_APCS, Routine, Caller);
    }
    KeAcquireSpinLock(&Resource->SpinLock, &OldIrql);
    WasExclusive = (Resource->Flag & ResourceOwnedExclusive) != 0;
    Entry = ExpFindOwner(Resource, Thread);
    if (Entry == NULL || Entry->OwnerCount == 0 ||
        (WasExclusive && Entry != &Resource->OwnerEntry)) {
        KeReleaseSpinLock(&Resource->SpinLock, OldIrql);
        DbgPrint("%s: resource %p released at %pS for thread %p, which does not own it\n",
                 Routine, Resource, Caller, (PVOID)Thread);
        KeBugCheckEx(RESOURCE_NOT_OWNED, (ULONG_PTR)Resource, Thread,
                     (ULONG_PTR)Resource->OwnerTable, 0);
    }
    Resource->ActiveEntries--;
    if (--Entry->OwnerCount != 0) {
        KeReleaseSpinLock(&Resource->SpinLock, OldIrql);
        return;
    }
    Entry->OwnerThread = 0;
    Resource->ActiveCount--;
    if (WasExclusive) {
        Resource->Flag &= ~ResourceOwnedExclusive;
    }
    if (Resource->ActiveCount != 0) {
        KeReleaseSpinLock(&Resource->SpinLock, OldIrql);
        return;
    }
    ExpGrantWaiters(Resource, WasExclusive, &SharedToRelease, &WakeExclusive);
    KeReleaseSpinLock(&Resource->SpinLock, OldIrql);
    ExpSignalWaiters(Resource, SharedToRelease, WakeExclusive);
}

VOID FASTCALL
ExReleaseResourceLite(PERESOURCE Resource)
{
    ExpRelease(Resource, ExGetCurrentResourceThread(), "ExReleaseResourceLite",
               __builtin_return_address(0));
}

VOID NTAPI
ExReleaseResourceForThreadLite(PERESOURCE Resource, ERESOURCE_THREAD ResourceThreadId)
{
    ExpRelease(Resource, ResourceThreadId, "ExReleaseResourceForThreadLite",
               __builtin_return_address(0));
}

/* IRQL <= DISPATCH_LEVEL, the exclusive owner. */
VOID NTAPI
ExConvertExclusiveToSharedLite(PERESOURCE Resource)
{
    ERESOURCE_THREAD Thread = ExGetCurrentResourceThread();
    LONG SharedToRelease = 0;
    KIRQL OldIrql;

    KeAcquireSpinLock(&Resource->SpinLock, &OldIrql);
    if (!(Resource->Flag & ResourceOwnedExclusive) ||
        Resource->OwnerEntry.OwnerThread != Thread) {
        KeReleaseSpinLock(&Resource->SpinLock, OldIrql);
        DbgPrint("ExConvertExclusiveToSharedLite: resource %p from %pS is not owned "
                 "exclusive by thread %p\n", Resource, __builtin_return_address(0),
                 (PVOID)Thread);
        KeBugCheckEx(RESOURCE_NOT_OWNED, (ULONG_PTR)Resource, Thread,
                     (ULONG_PTR)Resource->OwnerTable, 0);
    }
    /* OwnerEntry stays, now as a shared owner with the same count. */
    Resource->Flag &= ~ResourceOwnedExclusive;
    if (Resource->NumberOfSharedWaiters != 0) {
        SharedToRelease = (LONG)Resource->NumberOfSharedWaiters;
        Resource->ActiveCount += (SHORT)SharedToRelease;
        Resource->NumberOfSharedWaiters = 0;
    }
    KeReleaseSpinLock(&Resource->SpinLock, OldIrql);
    ExpSignalWaiters(Resource, SharedToRelease, FALSE);
}

/* IRQL <= DISPATCH_LEVEL. */
BOOLEAN NTAPI
ExIsResourceAcquiredExclusiveLite(PERESOURCE Resource)
{
    return (Resource->Flag & ResourceOwnedExclusive) &&
           Resource->OwnerEntry.OwnerThread == ExGetCurrentResourceThread();
}

/* IRQL <= DISPATCH_LEVEL. */
ULONG NTAPI
ExIsResourceAcquiredSharedLite(PERESOURCE Resource)
{
    POWNER_ENTRY Entry;
    ULONG Count = 0;
    KIRQL OldIrql;

    KeAcquireSpinLock(&Resource->SpinLock, &OldIrql);
    Entry = ExpFindOwner(Resource, ExGetCurrentResourceThread());
    if (Entry != NULL) {
        Count = Entry->OwnerCount;
    }
    KeReleaseSpinLock(&Resource->SpinLock, OldIrql);
    return Count;
}

ULONG NTAPI
ExGetSharedWaiterCount(PERESOURCE Resource)
{
    return Resource->NumberOfSharedWaiters;
}

ULONG NTAPI
ExGetExclusiveWaiterCount(PERESOURCE Resource)
{
    return Resource->NumberOfExclusiveWaiters;
}
