/*
 * io/remlock.c - remove locks: keeping a device alive while IRPs are in
 * flight, and waiting for them at IRP_MN_REMOVE_DEVICE; and the I/O
 * verifier's record of who holds each lock.
 *
 * A driver acquires the lock for each IRP it starts on (and each piece of
 * work that touches the device) and releases it when done; its remove
 * handler calls IoReleaseRemoveLockAndWait, which refuses every later
 * acquire (STATUS_DELETE_PENDING) and blocks until every holder has
 * released. The lock is IO_REMOVE_LOCK's free-build layout
 * (include/ddk/iotypes.h):
 *
 *   IoCount     1 (the lock's own bias) + one per holder; it reaches 0 only
 *               after IoReleaseRemoveLockAndWait has dropped the bias, and
 *               whoever brings it to 0 signals RemoveEvent.
 *   Removed     set by IoReleaseRemoveLockAndWait; an acquire that sees it
 *               undoes its increment (signalling RemoveEvent if that was
 *               the last count) and fails.
 *   RemoveEvent a notification event, the waiter's.
 *
 * An acquire increments first and checks Removed second, and the waiter
 * sets Removed before it drops the bias: so an acquire that succeeded was
 * counted before the waiter could see zero.
 *
 * With the I/O verifier on (unless "verifier=off"), each lock also gets a
 * tracker, what Driver Verifier keeps in its shadow lock and Windows'
 * checked builds in theirs: which tags hold the lock and how often. The
 * free-build layout has no room for it, so trackers sit in a list keyed
 * by the lock's address, in pool tagged with the lock's AllocateTag, from
 * IoInitializeRemoveLock until IoReleaseRemoveLockAndWait has seen the
 * last holder go. The mistakes it stops, with Bug Check 0xC4
 * (DRIVER_VERIFIER_DETECTED_VIOLATION) and the parameters the WDK gives:
 *
 *   what                                             P1    P2    P3   P4
 *   IoReleaseRemoveLock with a tag that holds no     0xD5  lock  tag  0
 *     acquire: never acquired, acquired with another
 *     tag, released once too often, released after
 *     IoReleaseRemoveLockAndWait (the count below 0)
 *   IoReleaseRemoveLockAndWait with such a tag       0xD6  lock  tag  latest acquire's tag
 *
 * A release after IoReleaseRemoveLockAndWait has returned finds no
 * tracker; it is caught by the count instead, which only such a release
 * takes below zero. With verifier=off there are no trackers, and a count
 * below zero is only printed.
 *
 * Printed, never stopped, because the WDK documents no bugcheck for them
 * (its checked builds assert): more holders than HighWatermark, a tag held
 * longer than MaxLockedMinutes (noticed when the lock is next acquired or
 * released), and a tracker that cannot be allocated (the lock then goes
 * unchecked). FIXME: IoInitializeRemoveLock again after
 * IoReleaseRemoveLockAndWait (0xC4/0xD7) is not caught: without a hook in
 * device deletion, a tracker cannot tell it from a new lock that happens to
 * live where a dead one did.
 */
#include "io/iopirp.h"

#define IOP_REMOVE_LOCK_TAG 'lRoI'              /* "IoRl", when AllocateTag is 0 */
#define IOP_REMOVE_LOCK_FIRST_HOLDS 8

/* One tag's acquires that are not yet released. */
typedef struct _IOP_REMOVE_LOCK_HOLD {
    PVOID Tag;
    ULONG Count;
    ULONG Line;                 /* the latest acquire's source line */
    PCSTR File;
    ULONGLONG Since;            /* interrupt time when Count went from 0 to 1 */
} IOP_REMOVE_LOCK_HOLD, *PIOP_REMOVE_LOCK_HOLD;

typedef struct _IOP_REMOVE_LOCK_TRACKER {
    LIST_ENTRY Links;           /* IopRemoveLockTrackers */
    PIO_REMOVE_LOCK Lock;
    PVOID InitializedBy;        /* IoInitializeRemoveLock's caller, for the messages */
    ULONG PoolTag;
    ULONG HighWatermark;        /* 0: no limit */
    ULONGLONG MaxLockedTime;    /* 100-ns units; 0: no limit */
    ULONG Holders;              /* acquires not yet released, all tags */
    PVOID LatestTag;            /* of the latest successful acquire */
    BOOLEAN ToldWatermark, ToldMaxLocked, Lost;    /* Lost: a hold went unrecorded */
    ULONG HoldCount, HoldCapacity;
    PIOP_REMOVE_LOCK_HOLD Holds;
} IOP_REMOVE_LOCK_TRACKER, *PIOP_REMOVE_LOCK_TRACKER;

static LIST_ENTRY IopRemoveLockTrackers = {&IopRemoveLockTrackers, &IopRemoveLockTrackers};
static KSPIN_LOCK IopRemoveLockTrackerLock;

/* Only the free-build layout exists; another size means the driver was
 * built with a different IO_REMOVE_LOCK, which this code would misread. */
static BOOLEAN
IopCheckRemoveLock(PIO_REMOVE_LOCK Lock, ULONG RemlockSize, PCSTR Caller, PVOID CalledFrom)
{
    if (Lock == NULL || RemlockSize != sizeof(IO_REMOVE_LOCK)) {
        DbgPrint("%s: lock %p of %u bytes, called from %pS: Kestrel's IO_REMOVE_LOCK is %u "
                 "bytes (the free-build layout)\n", Caller, Lock, RemlockSize, CalledFrom,
                 (ULONG)sizeof(IO_REMOVE_LOCK));
        return FALSE;
    }
    return TRUE;
}

/* Caller holds IopRemoveLockTrackerLock. */
static PIOP_REMOVE_LOCK_TRACKER
IopFindRemoveLockTracker(PIO_REMOVE_LOCK Lock)
{
    PLIST_ENTRY Link;

    for (Link = IopRemoveLockTrackers.Flink; Link != &IopRemoveLockTrackers; Link = Link->Flink) {
        if (CONTAINING_RECORD(Link, IOP_REMOVE_LOCK_TRACKER, Links)->Lock == Lock) {
            return CONTAINING_RECORD(Link, IOP_REMOVE_LOCK_TRACKER, Links);
        }
    }
    return NULL;
}

/* Caller holds IopRemoveLockTrackerLock. */
static PIOP_REMOVE_LOCK_HOLD
IopFindRemoveLockHold(PIOP_REMOVE_LOCK_TRACKER Tracker, PVOID Tag)
{
    ULONG Index;

    for (Index = 0; Index < Tracker->HoldCount; Index++) {
        if (Tracker->Holds[Index].Tag == Tag) {
            return &Tracker->Holds[Index];
        }
    }
    return NULL;
}

/* IRQL <= DISPATCH_LEVEL. */
static VOID
IopFreeRemoveLockTracker(PIOP_REMOVE_LOCK_TRACKER Tracker)
{
    if (Tracker != NULL) {
        ExFreePoolWithTag(Tracker->Holds, Tracker->PoolTag);
        ExFreePoolWithTag(Tracker, Tracker->PoolTag);
    }
}

/* Caller holds IopRemoveLockTrackerLock. The limits the driver gave at
 * initialization, each told once per lock. */
static VOID
IopCheckRemoveLockLimits(PIOP_REMOVE_LOCK_TRACKER Tracker, ULONGLONG Now, PVOID Caller)
{
    ULONG Index;

    if (Tracker->HighWatermark != 0 && Tracker->Holders > Tracker->HighWatermark &&
        !Tracker->ToldWatermark) {
        Tracker->ToldWatermark = TRUE;
        DbgPrint("IO VERIFIER: remove lock %p (initialized by %pS) has %u holders, more than "
                 "its HighWatermark of %u (acquire from %pS)\n", Tracker->Lock,
                 Tracker->InitializedBy, Tracker->Holders, Tracker->HighWatermark, Caller);
    }
    if (Tracker->MaxLockedTime == 0 || Tracker->ToldMaxLocked) {
        return;
    }
    for (Index = 0; Index < Tracker->HoldCount && !Tracker->ToldMaxLocked; Index++) {
        if (Now - Tracker->Holds[Index].Since > Tracker->MaxLockedTime) {
            Tracker->ToldMaxLocked = TRUE;
            DbgPrint("IO VERIFIER: remove lock %p (initialized by %pS): tag %p has held it for "
                     "%llu s, longer than its MaxLockedMinutes (latest acquire at %s:%u)\n",
                     Tracker->Lock, Tracker->InitializedBy, Tracker->Holds[Index].Tag,
                     (Now - Tracker->Holds[Index].Since) / 10000000ULL,
                     Tracker->Holds[Index].File, Tracker->Holds[Index].Line);
        }
    }
}

/* Says who holds the lock, then stops with DRIVER_VERIFIER_DETECTED_VIOLATION. */
static DECLSPEC_NORETURN VOID
IopRemoveLockStop(ULONG_PTR Code, PIO_REMOVE_LOCK Lock, PVOID Tag, ULONG_PTR P4,
                  PIOP_REMOVE_LOCK_TRACKER Tracker, PCSTR Routine, PVOID Caller, PCSTR What)
{
    ULONG Index;

    DbgPrint("IO VERIFIER: %s(lock %p, tag %p) from %pS: %s\n", Routine, Lock, Tag, Caller,
             What);
    if (Tracker != NULL) {
        DbgPrint("IO VERIFIER: the lock was initialized by %pS; %u acquire(s) outstanding\n",
                 Tracker->InitializedBy, Tracker->Holders);
        for (Index = 0; Index < Tracker->HoldCount && Index < 8; Index++) {
            DbgPrint("IO VERIFIER:   tag %p holds it %u time(s), latest acquire at %s:%u\n",
                     Tracker->Holds[Index].Tag, Tracker->Holds[Index].Count,
                     Tracker->Holds[Index].File, Tracker->Holds[Index].Line);
        }
    }
    KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, Code, (ULONG_PTR)Lock, (ULONG_PTR)Tag, P4);
}

/* PASSIVE_LEVEL (verifier on). A lock at an address already tracked is a
 * new lock where an old one died without IoReleaseRemoveLockAndWait: the
 * old record goes. */
static VOID
IopTrackRemoveLock(PIO_REMOVE_LOCK Lock, ULONG AllocateTag, ULONG MaxLockedMinutes,
                   ULONG HighWatermark, PVOID Caller)
{
    ULONG PoolTag = AllocateTag != 0 ? AllocateTag : IOP_REMOVE_LOCK_TAG;
    PIOP_REMOVE_LOCK_TRACKER Tracker, Old;
    KIRQL OldIrql;

    Tracker = ExAllocatePoolZero(NonPagedPoolNx, sizeof(*Tracker), PoolTag);
    if (Tracker != NULL) {
        Tracker->Holds = ExAllocatePoolWithTag(
            NonPagedPoolNx, IOP_REMOVE_LOCK_FIRST_HOLDS * sizeof(IOP_REMOVE_LOCK_HOLD), PoolTag);
        if (Tracker->Holds == NULL) {
            ExFreePoolWithTag(Tracker, PoolTag);
            Tracker = NULL;
        }
    }
    if (Tracker == NULL) {
        DbgPrint("IO VERIFIER: IoInitializeRemoveLock(%p) from %pS: no memory to track the lock; "
                 "its misuse will go unchecked\n", Lock, Caller);
    } else {
        Tracker->Lock = Lock;
        Tracker->InitializedBy = Caller;
        Tracker->PoolTag = PoolTag;
        Tracker->HighWatermark = HighWatermark;
        Tracker->MaxLockedTime = (ULONGLONG)MaxLockedMinutes * 60 * 10000000ULL;
        Tracker->HoldCapacity = IOP_REMOVE_LOCK_FIRST_HOLDS;
    }
    KeAcquireSpinLock(&IopRemoveLockTrackerLock, &OldIrql);
    Old = IopFindRemoveLockTracker(Lock);
    if (Old != NULL) {
        RemoveEntryList(&Old->Links);
    }
    if (Tracker != NULL) {
        InsertTailList(&IopRemoveLockTrackers, &Tracker->Links);
    }
    KeReleaseSpinLock(&IopRemoveLockTrackerLock, OldIrql);
    if (Old != NULL && Old->Holders != 0) {
        DbgPrint("IO VERIFIER: IoInitializeRemoveLock(%p) from %pS: the lock there still had %u "
                 "acquire(s) outstanding; initialize a lock once, in AddDevice\n", Lock, Caller,
                 Old->Holders);
    }
    IopFreeRemoveLockTracker(Old);
}

/* IRQL <= DISPATCH_LEVEL (verifier on), after a successful acquire. */
static VOID
IopTrackRemoveLockAcquire(PIO_REMOVE_LOCK Lock, PVOID Tag, PCSTR File, ULONG Line, PVOID Caller)
{
    ULONGLONG Now = KeQueryInterruptTime();
    PIOP_REMOVE_LOCK_TRACKER Tracker;
    PIOP_REMOVE_LOCK_HOLD Hold, Bigger;
    KIRQL OldIrql;

    KeAcquireSpinLock(&IopRemoveLockTrackerLock, &OldIrql);
    Tracker = IopFindRemoveLockTracker(Lock);
    if (Tracker == NULL || Tracker->Lost) {
        KeReleaseSpinLock(&IopRemoveLockTrackerLock, OldIrql);
        return;
    }
    Hold = IopFindRemoveLockHold(Tracker, Tag);
    if (Hold == NULL && Tracker->HoldCount == Tracker->HoldCapacity) {
        Bigger = ExAllocatePoolWithTag(NonPagedPoolNx,
                                       2 * Tracker->HoldCapacity * sizeof(IOP_REMOVE_LOCK_HOLD),
                                       Tracker->PoolTag);
        if (Bigger == NULL) {
            /* Releases of this tag would look unacquired: stop checking. */
            Tracker->Lost = TRUE;
            KeReleaseSpinLock(&IopRemoveLockTrackerLock, OldIrql);
            DbgPrint("IO VERIFIER: remove lock %p: no memory to record tag %p; the lock is no "
                     "longer checked\n", Lock, Tag);
            return;
        }
        RtlCopyMemory(Bigger, Tracker->Holds, Tracker->HoldCount * sizeof(IOP_REMOVE_LOCK_HOLD));
        ExFreePoolWithTag(Tracker->Holds, Tracker->PoolTag);
        Tracker->Holds = Bigger;
        Tracker->HoldCapacity *= 2;
    }
    if (Hold == NULL) {
        Hold = &Tracker->Holds[Tracker->HoldCount++];
        Hold->Tag = Tag;
        Hold->Count = 0;
        Hold->Since = Now;
    }
    Hold->Count++;
    Hold->File = File;
    Hold->Line = Line;
    Tracker->Holders++;
    Tracker->LatestTag = Tag;
    IopCheckRemoveLockLimits(Tracker, Now, Caller);
    KeReleaseSpinLock(&IopRemoveLockTrackerLock, OldIrql);
}

/* IRQL <= DISPATCH_LEVEL (verifier on), before the count drops: once it
 * has, the lock's memory may be gone. Returns only when Tag held it. */
static VOID
IopTrackRemoveLockRelease(PIO_REMOVE_LOCK Lock, PVOID Tag, ULONG_PTR Code, PCSTR Routine,
                          PVOID Caller)
{
    PIOP_REMOVE_LOCK_TRACKER Tracker;
    PIOP_REMOVE_LOCK_HOLD Hold;
    KIRQL OldIrql;

    KeAcquireSpinLock(&IopRemoveLockTrackerLock, &OldIrql);
    Tracker = IopFindRemoveLockTracker(Lock);
    if (Tracker == NULL || Tracker->Lost) {
        KeReleaseSpinLock(&IopRemoveLockTrackerLock, OldIrql);
        return;
    }
    Hold = IopFindRemoveLockHold(Tracker, Tag);
    if (Hold == NULL) {
        IopRemoveLockStop(Code, Lock, Tag, Code == 0xD6 ? (ULONG_PTR)Tracker->LatestTag : 0,
                          Tracker, Routine, Caller,
                          Tracker->Holders != 0
                              ? "this tag holds no acquire of the lock (released already, or "
                                "acquired with another tag; release with the acquire's tag)"
                          : Code == 0xD6
                              ? "nobody holds the lock: its caller must acquire it first, "
                                "with this tag"
                              : "nobody holds the lock: released more often than acquired");
    }
    if (--Hold->Count == 0) {
        *Hold = Tracker->Holds[--Tracker->HoldCount];
    }
    Tracker->Holders--;
    IopCheckRemoveLockLimits(Tracker, KeQueryInterruptTime(), Caller);
    KeReleaseSpinLock(&IopRemoveLockTrackerLock, OldIrql);
}

/* PASSIVE_LEVEL (verifier on): the lock has no holder left and never will. */
static VOID
IopUntrackRemoveLock(PIO_REMOVE_LOCK Lock)
{
    PIOP_REMOVE_LOCK_TRACKER Tracker;
    KIRQL OldIrql;

    KeAcquireSpinLock(&IopRemoveLockTrackerLock, &OldIrql);
    Tracker = IopFindRemoveLockTracker(Lock);
    if (Tracker != NULL) {
        RemoveEntryList(&Tracker->Links);
    }
    KeReleaseSpinLock(&IopRemoveLockTrackerLock, OldIrql);
    IopFreeRemoveLockTracker(Tracker);
}

/* PASSIVE_LEVEL, before the lock's first use (usually in AddDevice). */
VOID NTAPI
IoInitializeRemoveLockEx(PIO_REMOVE_LOCK Lock, ULONG AllocateTag, ULONG MaxLockedMinutes,
                         ULONG HighWatermark, ULONG RemlockSize)
{
    if (!IopCheckRemoveLock(Lock, RemlockSize, "IoInitializeRemoveLock",
                            __builtin_return_address(0))) {
        return;
    }
    if (HighWatermark > 0x7FFFFFFF) {
        DbgPrint("IoInitializeRemoveLock(%p) from %pS: HighWatermark %u is above 0x7FFFFFFF, "
                 "the WDK's limit; no limit is kept\n", Lock, __builtin_return_address(0),
                 HighWatermark);
        HighWatermark = 0;
    }
    Lock->Common.Removed = FALSE;
    Lock->Common.Reserved[0] = Lock->Common.Reserved[1] = Lock->Common.Reserved[2] = 0;
    Lock->Common.IoCount = 1;
    KeInitializeEvent(&Lock->Common.RemoveEvent, NotificationEvent, FALSE);
    if (IopVerifierEnabled) {
        IopTrackRemoveLock(Lock, AllocateTag, MaxLockedMinutes, HighWatermark,
                           __builtin_return_address(0));
    }
}

/* The count has dropped to Count: at 0, wake IoReleaseRemoveLockAndWait.
 * Below 0, some release had nothing to release; when this is a release
 * (Releasing), it is that one, and the verifier stops it. An acquire's
 * undo only finds an earlier mistake, and says so. Any IRQL <=
 * DISPATCH_LEVEL. */
static VOID
IopRemoveLockDropped(PIO_REMOVE_LOCK RemoveLock, LONG Count, PVOID Tag, BOOLEAN Releasing,
                     PCSTR Caller, PVOID CalledFrom)
{
    if (Count == 0) {
        KeSetEvent(&RemoveLock->Common.RemoveEvent, IO_NO_INCREMENT, FALSE);
    } else if (Count < 0) {
        if (IopVerifierEnabled && Releasing) {
            IopRemoveLockStop(0xD5, RemoveLock, Tag, 0, NULL, Caller, CalledFrom,
                              RemoveLock->Common.Removed
                                  ? "released after IoReleaseRemoveLockAndWait, which waited "
                                    "for every holder: this release holds nothing"
                                  : "released more often than it was acquired");
        }
        DbgPrint("%s: remove lock %p released more often than it was acquired (count %d), "
                 "called from %pS\n", Caller, RemoveLock, Count, CalledFrom);
    }
}

/* IRQL <= DISPATCH_LEVEL. STATUS_SUCCESS: the caller holds the lock and
 * must release it with the same Tag; STATUS_DELETE_PENDING: the device is
 * being removed and the caller must not touch it (it holds nothing). */
NTSTATUS NTAPI
IoAcquireRemoveLockEx(PIO_REMOVE_LOCK RemoveLock, PVOID Tag, PCSTR File, ULONG Line,
                      ULONG RemlockSize)
{
    if (!IopCheckRemoveLock(RemoveLock, RemlockSize, "IoAcquireRemoveLock",
                            __builtin_return_address(0))) {
        return STATUS_INVALID_PARAMETER;
    }
    InterlockedIncrement(&RemoveLock->Common.IoCount);
    if (__atomic_load_n(&RemoveLock->Common.Removed, __ATOMIC_SEQ_CST)) {
        IopRemoveLockDropped(RemoveLock, InterlockedDecrement(&RemoveLock->Common.IoCount), Tag,
                             FALSE, "IoAcquireRemoveLock", __builtin_return_address(0));
        return STATUS_DELETE_PENDING;
    }
    if (IopVerifierEnabled) {
        IopTrackRemoveLockAcquire(RemoveLock, Tag, File, Line, __builtin_return_address(0));
    }
    return STATUS_SUCCESS;
}

/* IRQL <= DISPATCH_LEVEL. Releases one successful acquire made with Tag. */
VOID NTAPI
IoReleaseRemoveLockEx(PIO_REMOVE_LOCK RemoveLock, PVOID Tag, ULONG RemlockSize)
{
    if (!IopCheckRemoveLock(RemoveLock, RemlockSize, "IoReleaseRemoveLock",
                            __builtin_return_address(0))) {
        return;
    }
    if (IopVerifierEnabled) {
        IopTrackRemoveLockRelease(RemoveLock, Tag, 0xD5, "IoReleaseRemoveLock",
                                  __builtin_return_address(0));
    }
    IopRemoveLockDropped(RemoveLock, InterlockedDecrement(&RemoveLock->Common.IoCount), Tag,
                         TRUE, "IoReleaseRemoveLock", __builtin_return_address(0));
}

/* PASSIVE_LEVEL (it waits), holding the lock from an earlier acquire with
 * Tag, as the WDK requires. Marks the lock removed, releases that acquire
 * and the lock's bias, and waits until every other holder has released.
 * Every acquire from now on fails with STATUS_DELETE_PENDING. */
VOID NTAPI
IoReleaseRemoveLockAndWaitEx(PIO_REMOVE_LOCK RemoveLock, PVOID Tag, ULONG RemlockSize)
{
    PVOID Caller = __builtin_return_address(0);
    LONG Count;

    if (!IopCheckRemoveLock(RemoveLock, RemlockSize, "IoReleaseRemoveLockAndWait", Caller)) {
        return;
    }
    if (KeGetCurrentIrql() != PASSIVE_LEVEL) {
        DbgPrint("IoReleaseRemoveLockAndWait: called at IRQL %u from %pS; it waits, so it "
                 "must run at PASSIVE_LEVEL\n", KeGetCurrentIrql(), Caller);
        KeBugCheckEx(IRQL_NOT_LESS_OR_EQUAL, (ULONG_PTR)RemoveLock, KeGetCurrentIrql(), 0,
                     (ULONG_PTR)Caller);
    }
    if (IopVerifierEnabled) {
        IopTrackRemoveLockRelease(RemoveLock, Tag, 0xD6, "IoReleaseRemoveLockAndWait", Caller);
    }
    __atomic_store_n(&RemoveLock->Common.Removed, TRUE, __ATOMIC_SEQ_CST);
    /* The caller's own acquire, then the bias. */
    Count = InterlockedDecrement(&RemoveLock->Common.IoCount);
    if (Count <= 0) {
        if (IopVerifierEnabled) {
            IopRemoveLockStop(0xD6, RemoveLock, Tag, 0, NULL, "IoReleaseRemoveLockAndWait",
                              Caller, "the caller did not acquire the lock first, as the WDK "
                              "requires (or the lock was waited on already)");
        }
        DbgPrint("IoReleaseRemoveLockAndWait: remove lock %p was not acquired by the caller "
                 "(%pS) first, as the WDK requires\n", RemoveLock, Caller);
        IopRemoveLockDropped(RemoveLock, Count, Tag, TRUE, "IoReleaseRemoveLockAndWait", Caller);
        return;
    }
    Count = InterlockedDecrement(&RemoveLock->Common.IoCount);
    IopRemoveLockDropped(RemoveLock, Count, Tag, TRUE, "IoReleaseRemoveLockAndWait", Caller);
    if (Count > 0) {
        KeWaitForSingleObject(&RemoveLock->Common.RemoveEvent, Executive, KernelMode, FALSE,
                              NULL);
    }
    if (IopVerifierEnabled) {
        IopUntrackRemoveLock(RemoveLock);
    }
}
