/*
 * io/remlock.c - remove locks: keeping a device alive while IRPs are in
 * flight, and waiting for them at IRP_MN_REMOVE_DEVICE.
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
 * sets Removed before it drops the bias: so an acquire that succeeds was
 * counted before the waiter could see zero. AllocateTag, MaxLockedMinutes,
 * HighWatermark and the per-acquire Tag feed Windows' checked-build
 * tracking, which this layout does not have; they are accepted and unused.
 */
#include <wdm.h>

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

/* PASSIVE_LEVEL, before the lock's first use (usually in AddDevice). */
VOID NTAPI
IoInitializeRemoveLockEx(PIO_REMOVE_LOCK Lock, ULONG AllocateTag, ULONG MaxLockedMinutes,
                         ULONG HighWatermark, ULONG RemlockSize)
{
    UNREFERENCED_PARAMETER(AllocateTag);
    UNREFERENCED_PARAMETER(MaxLockedMinutes);
    UNREFERENCED_PARAMETER(HighWatermark);

    if (!IopCheckRemoveLock(Lock, RemlockSize, "IoInitializeRemoveLock",
                            __builtin_return_address(0))) {
        return;
    }
    Lock->Common.Removed = FALSE;
    Lock->Common.Reserved[0] = Lock->Common.Reserved[1] = Lock->Common.Reserved[2] = 0;
    Lock->Common.IoCount = 1;
    KeInitializeEvent(&Lock->Common.RemoveEvent, NotificationEvent, FALSE);
}

/* The last count is gone: wake IoReleaseRemoveLockAndWait. Any IRQL <=
 * DISPATCH_LEVEL. */
static VOID
IopRemoveLockDropped(PIO_REMOVE_LOCK RemoveLock, LONG Count, PCSTR Caller, PVOID CalledFrom)
{
    if (Count == 0) {
        KeSetEvent(&RemoveLock->Common.RemoveEvent, IO_NO_INCREMENT, FALSE);
    } else if (Count < 0) {
        DbgPrint("%s: remove lock %p released more often than it was acquired (count %d), "
                 "called from %pS\n", Caller, RemoveLock, Count, CalledFrom);
    }
}

/* IRQL <= DISPATCH_LEVEL. STATUS_SUCCESS: the caller holds the lock and
 * must release it; STATUS_DELETE_PENDING: the device is being removed and
 * the caller must not touch it (it holds nothing). */
NTSTATUS NTAPI
IoAcquireRemoveLockEx(PIO_REMOVE_LOCK RemoveLock, PVOID Tag, PCSTR File, ULONG Line,
                      ULONG RemlockSize)
{
    UNREFERENCED_PARAMETER(Tag);
    UNREFERENCED_PARAMETER(File);
    UNREFERENCED_PARAMETER(Line);

    if (!IopCheckRemoveLock(RemoveLock, RemlockSize, "IoAcquireRemoveLock",
                            __builtin_return_address(0))) {
        return STATUS_INVALID_PARAMETER;
    }
    InterlockedIncrement(&RemoveLock->Common.IoCount);
    if (__atomic_load_n(&RemoveLock->Common.Removed, __ATOMIC_SEQ_CST)) {
        IopRemoveLockDropped(RemoveLock, InterlockedDecrement(&RemoveLock->Common.IoCount),
                             "IoAcquireRemoveLock", __builtin_return_address(0));
        return STATUS_DELETE_PENDING;
    }
    return STATUS_SUCCESS;
}

/* IRQL <= DISPATCH_LEVEL. Releases one successful acquire. */
VOID NTAPI
IoReleaseRemoveLockEx(PIO_REMOVE_LOCK RemoveLock, PVOID Tag, ULONG RemlockSize)
{
    UNREFERENCED_PARAMETER(Tag);

    if (!IopCheckRemoveLock(RemoveLock, RemlockSize, "IoReleaseRemoveLock",
                            __builtin_return_address(0))) {
        return;
    }
    IopRemoveLockDropped(RemoveLock, InterlockedDecrement(&RemoveLock->Common.IoCount),
                         "IoReleaseRemoveLock", __builtin_return_address(0));
}

/* PASSIVE_LEVEL (it waits), holding the lock from an earlier acquire, as
 * the WDK requires. Marks the lock removed, releases that acquire and the
 * lock's bias, and waits until every other holder has released. Every
 * acquire from now on fails with STATUS_DELETE_PENDING. */
VOID NTAPI
IoReleaseRemoveLockAndWaitEx(PIO_REMOVE_LOCK RemoveLock, PVOID Tag, ULONG RemlockSize)
{
    LONG Count;

    UNREFERENCED_PARAMETER(Tag);

    if (!IopCheckRemoveLock(RemoveLock, RemlockSize, "IoReleaseRemoveLockAndWait",
                            __builtin_return_address(0))) {
        return;
    }
    if (KeGetCurrentIrql() != PASSIVE_LEVEL) {
        DbgPrint("IoReleaseRemoveLockAndWait: called at IRQL %u from %pS; it waits, so it "
                 "must run at PASSIVE_LEVEL\n", KeGetCurrentIrql(), __builtin_return_address(0));
        KeBugCheckEx(IRQL_NOT_LESS_OR_EQUAL, (ULONG_PTR)RemoveLock, KeGetCurrentIrql(), 0,
                     (ULONG_PTR)__builtin_return_address(0));
    }
    __atomic_store_n(&RemoveLock->Common.Removed, TRUE, __ATOMIC_SEQ_CST);
    /* The caller's own acquire, then the bias. */
    Count = InterlockedDecrement(&RemoveLock->Common.IoCount);
    if (Count <= 0) {
        DbgPrint("IoReleaseRemoveLockAndWait: remove lock %p was not acquired by the caller "
                 "(%pS) first, as the WDK requires\n", RemoveLock, __builtin_return_address(0));
        IopRemoveLockDropped(RemoveLock, Count, "IoReleaseRemoveLockAndWait",
                             __builtin_return_address(0));
        return;
    }
    Count = InterlockedDecrement(&RemoveLock->Common.IoCount);
    IopRemoveLockDropped(RemoveLock, Count, "IoReleaseRemoveLockAndWait",
                         __builtin_return_address(0));
    if (Count > 0) {
        KeWaitForSingleObject(&RemoveLock->Common.RemoveEvent, Executive, KernelMode, FALSE,
                              NULL);
    }
}
