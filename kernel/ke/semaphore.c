/*
 * kernel/ke/semaphore.c - KSEMAPHORE.
 *
 * SignalState is the count, between 0 and Limit. Each satisfied wait takes
 * one (kernel/ke/wait.c); KeReleaseSemaphore gives back Adjustment, ending
 * as many waits as the count then allows, in arrival order.
 *
 * Releasing past the limit is a caller's bug. Windows raises
 * STATUS_SEMAPHORE_LIMIT_EXCEEDED as an exception there; Kestrel has no
 * exceptions, and a kernel exception nobody handles ends the same way on
 * Windows: KMODE_EXCEPTION_NOT_HANDLED, P1 the status
 * (STATUS_SEMAPHORE_LIMIT_EXCEEDED, or STATUS_INVALID_PARAMETER for an
 * Adjustment below 1), P2 the caller's address, P3 the semaphore, P4 the
 * Adjustment. The count is left as it was.
 */
#include "kernel/ke/thread.h"

/* IRQL <= DISPATCH_LEVEL (PASSIVE_LEVEL on Windows; nothing here needs it). */
VOID NTAPI
KeInitializeSemaphore(PRKSEMAPHORE Semaphore, LONG Count, LONG Limit)
{
    if (Limit <= 0 || Count < 0 || Count > Limit) {
        LONG FixedLimit = Limit <= 0 ? 1 : Limit;
        LONG FixedCount = Count < 0 ? 0 : Count > FixedLimit ? FixedLimit : Count;

        DbgPrint("KeInitializeSemaphore: %p from %pS: Count %d and Limit %d must satisfy "
                 "0 <= Count <= Limit and Limit > 0; using Count %d Limit %d\n", Semaphore,
                 __builtin_return_address(0), Count, Limit, FixedCount, FixedLimit);
        Count = FixedCount;
        Limit = FixedLimit;
    }
    Semaphore->Header.Lock = 0;
    Semaphore->Header.Type = KI_SEMAPHORE_OBJECT;
    Semaphore->Header.Size = sizeof(KSEMAPHORE) / sizeof(LONG);
    Semaphore->Header.SignalState = Count;
    InitializeListHead(&Semaphore->Header.WaitListHead);
    Semaphore->Limit = Limit;
}

/* Any IRQL. */
LONG NTAPI
KeReadStateSemaphore(PRKSEMAPHORE Semaphore)
{
    return __atomic_load_n(&Semaphore->Header.SignalState, __ATOMIC_SEQ_CST);
}

/* IRQL <= DISPATCH_LEVEL. Returns the count before the release. */
LONG NTAPI
KeReleaseSemaphore(PRKSEMAPHORE Semaphore, KPRIORITY Increment, LONG Adjustment, BOOLEAN Wait)
{
    KIRQL OldIrql = KiAcquireDispatcherLock();
    LONG Previous = Semaphore->Header.SignalState;

    UNREFERENCED_PARAMETER(Increment);
    if (Adjustment <= 0 || Previous > Semaphore->Limit - Adjustment) {
        NTSTATUS Status = Adjustment <= 0 ? STATUS_INVALID_PARAMETER
                                          : STATUS_SEMAPHORE_LIMIT_EXCEEDED;

        DbgPrint("KeReleaseSemaphore: %p from %pS: count %d + %d %s limit %d\n", Semaphore,
                 __builtin_return_address(0), Previous, Adjustment,
                 Adjustment <= 0 ? "(an Adjustment must be at least 1), " : "exceeds the",
                 Semaphore->Limit);
        KeBugCheckEx(KMODE_EXCEPTION_NOT_HANDLED, (ULONG)Status,
                     (ULONG_PTR)__builtin_return_address(0), (ULONG_PTR)Semaphore,
                     (ULONG_PTR)(LONG_PTR)Adjustment);
    }
    Semaphore->Header.SignalState = Previous + Adjustment;
    if (Previous == 0 && !IsListEmpty(&Semaphore->Header.WaitListHead)) {
        KiWaitTest(KeGetCurrentPrcb(), &Semaphore->Header);
    }
    KiExitDispatcherOrKeepForWait(OldIrql, Wait);
    return Previous;
}
