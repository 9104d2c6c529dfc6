/*
 * kernel/ke/spinlock.c - spin locks: ordinary and in-stack queued (MCS).
 *
 * An ordinary KSPIN_LOCK holds 0 when free and the owner's processor number
 * + 1 when held. Storing the owner costs nothing over storing 1 and lets the
 * two classic mistakes stop the machine with their Windows codes instead of
 * hanging it or corrupting what the lock protects:
 *
 *   acquiring a lock this processor holds   SPIN_LOCK_ALREADY_OWNED (0xF)
 *       P1 the lock, P2 0, P3 0, P4 the caller's address
 *   releasing a lock this processor does not hold  SPIN_LOCK_NOT_OWNED (0x10)
 *       P1 the lock, P2 its value (0 free, else owner + 1), P3 0, P4 caller
 *   an "AtDpcLevel" routine below DISPATCH_LEVEL  IRQL_NOT_GREATER_OR_EQUAL (0x9)
 *       P1 current IRQL, P2 DISPATCH_LEVEL, P3 the lock, P4 the caller
 *
 * In-stack queued spin locks are the queue lock of Mellor-Crummey and Scott
 * (ACM TOCS 9(1), 1991): the KSPIN_LOCK holds the last waiter's
 * KSPIN_LOCK_QUEUE (or 0), each waiter spins on a flag in its own queue
 * entry (its own cache line on its own stack, not the shared lock), and the
 * releaser hands the lock straight to the next waiter, so waiters are served
 * in arrival order. Their entry's Lock field carries two flags in its low
 * bits, as Windows' does: LOCK_QUEUE_WAIT (still waiting) and
 * LOCK_QUEUE_OWNER (holds the lock).
 *
 * There is one processor today, where a lock that is held when its
 * processor tries to take it is always a deadlock; the spinning paths are
 * there for the application processors to come.
 */
#include "kernel/ke/ki.h"

#define LOCK_QUEUE_WAIT 1
#define LOCK_QUEUE_OWNER 2
#define LOCK_QUEUE_FLAGS (LOCK_QUEUE_WAIT | LOCK_QUEUE_OWNER)

/* This processor's value for a held ordinary lock. */
static inline ULONG_PTR
KipSpinLockOwnerValue(VOID)
{
    return (ULONG_PTR)KeGetPcr()->Number + 1;
}

static DECLSPEC_NORETURN VOID __attribute__((noinline, cold))
KipSpinLockAlreadyOwned(PKSPIN_LOCK SpinLock, ULONG_PTR Caller)
{
    DbgPrint("Spin lock %p acquired at %pS is already held by this processor: a second "
             "acquire would spin forever\n", (PVOID)SpinLock, (PVOID)Caller);
    KeBugCheckEx(SPIN_LOCK_ALREADY_OWNED, (ULONG_PTR)SpinLock, 0, 0, Caller);
}

static DECLSPEC_NORETURN VOID __attribute__((noinline, cold))
KipSpinLockNotOwned(PKSPIN_LOCK SpinLock, ULONG_PTR Value, ULONG_PTR Caller)
{
    DbgPrint("Spin lock %p released at %pS is not held by this processor (%s)\n",
             (PVOID)SpinLock, (PVOID)Caller, Value == 0 ? "it is free" : "another holds it");
    KeBugCheckEx(SPIN_LOCK_NOT_OWNED, (ULONG_PTR)SpinLock, Value, 0, Caller);
}

static DECLSPEC_NORETURN VOID __attribute__((noinline, cold))
KipSpinLockBelowDispatch(PKSPIN_LOCK SpinLock, ULONG_PTR Caller)
{
    KIRQL Irql = KeGetCurrentIrql();

    DbgPrint("Spin lock %p: %pS called a DPC-level acquire at IRQL %u; it must be at "
             "DISPATCH_LEVEL or above (use KeAcquireSpinLock)\n", (PVOID)SpinLock,
             (PVOID)Caller, Irql);
    KeBugCheckEx(IRQL_NOT_GREATER_OR_EQUAL, Irql, DISPATCH_LEVEL, (ULONG_PTR)SpinLock, Caller);
}

/* The common acquire: IRQL already at or above DISPATCH_LEVEL. */
static inline VOID
KipAcquireSpinLock(PKSPIN_LOCK SpinLock, ULONG_PTR Caller)
{
    ULONG_PTR Owner = KipSpinLockOwnerValue();
    ULONG_PTR Expected = 0;

    while (!__atomic_compare_exchange_n(SpinLock, &Expected, Owner, FALSE, __ATOMIC_ACQUIRE,
                                        __ATOMIC_RELAXED)) {
        if (Expected == Owner) {
            KipSpinLockAlreadyOwned(SpinLock, Caller);
        }
        /* Read-only spin: a locked instruction per iteration would pull the
         * cache line away from the holder. */
        while (__atomic_load_n(SpinLock, __ATOMIC_RELAXED) != 0) {
            __asm__ __volatile__("pause");
        }
        Expected = 0;
    }
}

static inline VOID
KipReleaseSpinLock(PKSPIN_LOCK SpinLock, ULONG_PTR Caller)
{
    ULONG_PTR Value = __atomic_load_n(SpinLock, __ATOMIC_RELAXED);

    if (Value != KipSpinLockOwnerValue()) {
        KipSpinLockNotOwned(SpinLock, Value, Caller);
    }
    __atomic_store_n(SpinLock, 0, __ATOMIC_RELEASE);
}

/* Any IRQL. */
VOID NTAPI
KeInitializeSpinLock(PKSPIN_LOCK SpinLock)
{
    *SpinLock = 0;
}

/* IRQL <= DISPATCH_LEVEL (KfRaiseIrql stops the machine above it). */
KIRQL NTAPI
KeAcquireSpinLockRaiseToDpc(PKSPIN_LOCK SpinLock)
{
    KIRQL OldIrql = KfRaiseIrql(DISPATCH_LEVEL);

    KipAcquireSpinLock(SpinLock, (ULONG_PTR)__builtin_return_address(0));
    return OldIrql;
}

/* IRQL DISPATCH_LEVEL, lowering to NewIrql afterwards. */
VOID NTAPI
KeReleaseSpinLock(PKSPIN_LOCK SpinLock, KIRQL NewIrql)
{
    KipReleaseSpinLock(SpinLock, (ULONG_PTR)__builtin_return_address(0));
    KeLowerIrql(NewIrql);
}

/* IRQL >= DISPATCH_LEVEL. */
VOID NTAPI
KeAcquireSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock)
{
    ULONG_PTR Caller = (ULONG_PTR)__builtin_return_address(0);

    if (KeGetCurrentIrql() < DISPATCH_LEVEL) {
        KipSpinLockBelowDispatch(SpinLock, Caller);
    }
    KipAcquireSpinLock(SpinLock, Caller);
}

/* IRQL >= DISPATCH_LEVEL. */
VOID NTAPI
KeReleaseSpinLockFromDpcLevel(PKSPIN_LOCK SpinLock)
{
    KipReleaseSpinLock(SpinLock, (ULONG_PTR)__builtin_return_address(0));
}

/* IRQL >= DISPATCH_LEVEL. Never spins; a lock this processor holds is
 * reported as busy, as on Windows. */
BOOLEAN NTAPI
KeTryToAcquireSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock)
{
    ULONG_PTR Expected = 0;

    if (KeGetCurrentIrql() < DISPATCH_LEVEL) {
        KipSpinLockBelowDispatch(SpinLock, (ULONG_PTR)__builtin_return_address(0));
    }
    return __atomic_compare_exchange_n(SpinLock, &Expected, KipSpinLockOwnerValue(), FALSE,
                                       __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

/* Any IRQL. */
BOOLEAN NTAPI
KeTestSpinLock(PKSPIN_LOCK SpinLock)
{
    return __atomic_load_n(SpinLock, __ATOMIC_RELAXED) == 0;
}

/* ---- In-stack queued spin locks ---------------------------------------- */

static inline PKSPIN_LOCK
KipQueueLock(const KSPIN_LOCK_QUEUE *Queue)
{
    return (PKSPIN_LOCK)((ULONG_PTR)Queue->Lock & ~(ULONG_PTR)LOCK_QUEUE_FLAGS);
}

/* IRQL >= DISPATCH_LEVEL. Joins the queue at its tail and waits for the
 * previous tail to hand the lock over. */
static VOID
KipAcquireQueuedSpinLock(PKSPIN_LOCK SpinLock, PKSPIN_LOCK_QUEUE Queue, ULONG_PTR Caller)
{
    PKSPIN_LOCK_QUEUE Previous;

    /* This processor cannot be waiting in a queue while it runs this, so if
     * the tail is one of its own entries it holds the lock already. Entries
     * live on the stack: one inside this processor's current stack is its
     * own. */
    Previous = (PKSPIN_LOCK_QUEUE)__atomic_load_n(SpinLock, __ATOMIC_RELAXED);
    if (Previous != NULL && (ULONG_PTR)Previous >= KeGetPcr()->StackBottom &&
        (ULONG_PTR)Previous < KeGetPcr()->StackTop &&
        ((ULONG_PTR)KipQueueLock(Previous) == (ULONG_PTR)SpinLock)) {
        KipSpinLockAlreadyOwned(SpinLock, Caller);
    }
    Queue->Next = NULL;
    Queue->Lock = SpinLock;
    Previous = (PKSPIN_LOCK_QUEUE)__atomic_exchange_n(SpinLock, (ULONG_PTR)Queue,
                                                      __ATOMIC_ACQ_REL);
    if (Previous == NULL) {
        Queue->Lock = (PKSPIN_LOCK)((ULONG_PTR)SpinLock | LOCK_QUEUE_OWNER);
        return;
    }
    /* Raise the wait flag before becoming visible to the previous owner,
     * who clears it to hand over. */
    Queue->Lock = (PKSPIN_LOCK)((ULONG_PTR)SpinLock | LOCK_QUEUE_WAIT);
    __atomic_store_n(&Previous->Next, Queue, __ATOMIC_RELEASE);
    while ((__atomic_load_n((ULONG_PTR *)&Queue->Lock, __ATOMIC_ACQUIRE) & LOCK_QUEUE_WAIT) !=
           0) {
        __asm__ __volatile__("pause");
    }
}

/* Hands the lock to the next waiter, or leaves it free. */
static VOID
KipReleaseQueuedSpinLock(PKSPIN_LOCK_QUEUE Queue, ULONG_PTR Caller)
{
    PKSPIN_LOCK SpinLock = KipQueueLock(Queue);
    PKSPIN_LOCK_QUEUE Next;
    ULONG_PTR Expected = (ULONG_PTR)Queue;

    if (((ULONG_PTR)Queue->Lock & LOCK_QUEUE_OWNER) == 0) {
        KipSpinLockNotOwned(SpinLock, __atomic_load_n(SpinLock, __ATOMIC_RELAXED), Caller);
    }
    Queue->Lock = SpinLock;
    Next = __atomic_load_n(&Queue->Next, __ATOMIC_ACQUIRE);
    if (Next == NULL) {
        /* No known successor: if this entry is still the tail, the lock
         * becomes free; otherwise a waiter has swapped itself in and is
         * about to link itself behind this entry. */
        if (__atomic_compare_exchange_n(SpinLock, &Expected, 0, FALSE, __ATOMIC_RELEASE,
                                        __ATOMIC_RELAXED)) {
            return;
        }
        while ((Next = __atomic_load_n(&Queue->Next, __ATOMIC_ACQUIRE)) == NULL) {
            __asm__ __volatile__("pause");
        }
    }
    __atomic_store_n((ULONG_PTR *)&Next->Lock, (ULONG_PTR)SpinLock | LOCK_QUEUE_OWNER,
                     __ATOMIC_RELEASE);
}

/* IRQL <= DISPATCH_LEVEL. */
VOID NTAPI
KeAcquireInStackQueuedSpinLock(PKSPIN_LOCK SpinLock, PKLOCK_QUEUE_HANDLE LockHandle)
{
    LockHandle->OldIrql = KfRaiseIrql(DISPATCH_LEVEL);
    KipAcquireQueuedSpinLock(SpinLock, &LockHandle->LockQueue,
                             (ULONG_PTR)__builtin_return_address(0));
}

/* IRQL DISPATCH_LEVEL; returns to the IRQL of the acquire. */
VOID NTAPI
KeReleaseInStackQueuedSpinLock(PKLOCK_QUEUE_HANDLE LockHandle)
{
    KipReleaseQueuedSpinLock(&LockHandle->LockQueue, (ULONG_PTR)__builtin_return_address(0));
    KeLowerIrql(LockHandle->OldIrql);
}

/* IRQL >= DISPATCH_LEVEL. */
VOID NTAPI
KeAcquireInStackQueuedSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock, PKLOCK_QUEUE_HANDLE LockHandle)
{
    ULONG_PTR Caller = (ULONG_PTR)__builtin_return_address(0);

    if (KeGetCurrentIrql() < DISPATCH_LEVEL) {
        KipSpinLockBelowDispatch(SpinLock, Caller);
    }
    KipAcquireQueuedSpinLock(SpinLock, &LockHandle->LockQueue, Caller);
}

/* IRQL >= DISPATCH_LEVEL. */
VOID NTAPI
KeReleaseInStackQueuedSpinLockFromDpcLevel(PKLOCK_QUEUE_HANDLE LockHandle)
{
    KipReleaseQueuedSpinLock(&LockHandle->LockQueue, (ULONG_PTR)__builtin_return_address(0));
}
