/*
 * kernel/ex/fastmutex.c - fast mutexes: ExAcquireFastMutex,
 * ExReleaseFastMutex, ExTryToAcquireFastMutex and the Unsafe pair.
 *
 * A fast mutex is a count and an event. Acquiring decrements Count: from 1
 * to 0 it is taken without touching the dispatcher; below 0 the caller
 * waits on Event. Releasing increments it: back to 1 nobody waits;
 * otherwise a waiter exists (or is about to wait) and KeSetEvent hands the
 * mutex to exactly one, since Event is a synchronization event. Only the
 * owner releases, and the next owner is made only by consuming the event,
 * so the event is never set twice before a waiter takes it.
 *
 * ExAcquireFastMutex raises to APC_LEVEL (which holds off every APC, the
 * reason fast mutexes exist) and keeps the caller's IRQL in the mutex; the
 * Unsafe pair leaves the IRQL alone for callers already at APC_LEVEL or in
 * a critical region.
 *
 * Windows' free build deadlocks on a recursive acquisition and corrupts
 * the count on a release by a non-owner; Kestrel always checks both and
 * stops with Driver Verifier's codes (DRIVER_VERIFIER_DETECTED_VIOLATION,
 * 0xC4; the bug check 0xC4 page of the WDK documentation):
 *   P1 0x33    acquire above APC_LEVEL          P2 IRQL, P3 mutex
 *   P1 0x34    release not at APC_LEVEL         P2 IRQL, P3 mutex
 *   P1 0x39    unsafe acquire neither at APC_LEVEL nor in a critical region
 *              P2 IRQL, P3 the thread's KernelApcDisable, P4 mutex
 *   P1 0x3A    the same for the unsafe release
 *   P1 0x1000  self-deadlock: the owner acquires again   P2 mutex
 *   P1 0x1004  released by a thread that is not the owner
 *              P2 mutex, P3 the owner, P4 the current thread
 *   P1 0x1007  released while not acquired at all        P2 mutex
 * (Windows reports 0x1000/0x1004/0x1007 only with deadlock detection on;
 * here the alternative is a hang, so they are unconditional.)
 */
#include <wdm.h>
#include "kernel/ke/thread.h"

#define EXP_VERIFIER_ACQUIRE_FAST_MUTEX_IRQL 0x33
#define EXP_VERIFIER_RELEASE_FAST_MUTEX_IRQL 0x34
#define EXP_VERIFIER_ACQUIRE_UNSAFE_APCS 0x39
#define EXP_VERIFIER_RELEASE_UNSAFE_APCS 0x3A
#define EXP_VERIFIER_SELF_DEADLOCK 0x1000
#define EXP_VERIFIER_WRONG_THREAD_RELEASE 0x1004
#define EXP_VERIFIER_UNACQUIRED_RELEASE 0x1007

/* The checks before an acquisition: never recursive. */
static VOID
ExpCheckNotOwner(PFAST_MUTEX FastMutex, PKTHREAD Thread, PCSTR Routine, PVOID Caller)
{
    if (FastMutex->Owner == Thread) {
        DbgPrint("%s: fast mutex %p acquired again by its owner, thread %p, at %pS; fast "
                 "mutexes are not recursive (this would deadlock)\n", Routine, FastMutex,
                 Thread, Caller);
        KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, EXP_VERIFIER_SELF_DEADLOCK,
                     (ULONG_PTR)FastMutex, (ULONG_PTR)Thread, (ULONG_PTR)Caller);
    }
}

/* The check before a release: only the owner. */
static VOID
ExpCheckOwner(PFAST_MUTEX FastMutex, PKTHREAD Thread, PCSTR Routine, PVOID Caller)
{
    if (FastMutex->Owner == NULL) {
        DbgPrint("%s: fast mutex %p released at %pS by thread %p, but nobody owns it\n",
                 Routine, FastMutex, Caller, Thread);
        KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, EXP_VERIFIER_UNACQUIRED_RELEASE,
                     (ULONG_PTR)FastMutex, 0, (ULONG_PTR)Caller);
    }
    if (FastMutex->Owner != Thread) {
        DbgPrint("%s: fast mutex %p released at %pS by thread %p; its owner is thread %p\n",
                 Routine, FastMutex, Caller, Thread, FastMutex->Owner);
        KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, EXP_VERIFIER_WRONG_THREAD_RELEASE,
                     (ULONG_PTR)FastMutex, (ULONG_PTR)FastMutex->Owner, (ULONG_PTR)Thread);
    }
}

/* Takes the mutex, waiting if needed, and records the owner. */
static VOID
ExpAcquire(PFAST_MUTEX FastMutex, PKTHREAD Thread)
{
    if (InterlockedDecrement(&FastMutex->Count) != 0) {
        /* Counted only by the waiter itself, so a plain increment races
         * with nobody but other waiters: keep it atomic anyway. */
        InterlockedIncrement((volatile LONG *)&FastMutex->Contention);
        KeWaitForSingleObject(&FastMutex->Event, WrExecutive, KernelMode, FALSE, NULL);
    }
    FastMutex->Owner = Thread;
}

/* Gives the mutex up, handing it to one waiter if there is one. */
static VOID
ExpRelease(PFAST_MUTEX FastMutex)
{
    FastMutex->Owner = NULL;
    if (InterlockedIncrement(&FastMutex->Count) != 1) {
        KeSetEvent(&FastMutex->Event, 0, FALSE);
    }
}

/* IRQL <= APC_LEVEL; returns at APC_LEVEL owning the mutex. */
VOID FASTCALL
ExAcquireFastMutex(PFAST_MUTEX FastMutex)
{
    PVOID Caller = __builtin_return_address(0);
    PKTHREAD Thread = KiCurrentThread();
    KIRQL Irql = KeGetCurrentIrql();
    KIRQL OldIrql;

    if (Irql > APC_LEVEL) {
        DbgPrint("ExAcquireFastMutex: fast mutex %p acquired at IRQL %u from %pS; the "
                 "caller must be at or below APC_LEVEL\n", FastMutex, Irql, Caller);
        KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, EXP_VERIFIER_ACQUIRE_FAST_MUTEX_IRQL,
                     Irql, (ULONG_PTR)FastMutex, 0);
    }
    ExpCheckNotOwner(FastMutex, Thread, "ExAcquireFastMutex", Caller);
    OldIrql = KfRaiseIrql(APC_LEVEL);
    ExpAcquire(FastMutex, Thread);
    FastMutex->OldIrql = OldIrql;
}

/* IRQL APC_LEVEL, the owner; returns at the IRQL of the acquire. */
VOID FASTCALL
ExReleaseFastMutex(PFAST_MUTEX FastMutex)
{
    PVOID Caller = __builtin_return_address(0);
    KIRQL Irql = KeGetCurrentIrql();
    KIRQL OldIrql;

    if (Irql != APC_LEVEL) {
        DbgPrint("ExReleaseFastMutex: fast mutex %p released at IRQL %u from %pS; the "
                 "caller must be at APC_LEVEL, where ExAcquireFastMutex left it\n",
                 FastMutex, Irql, Caller);
        KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, EXP_VERIFIER_RELEASE_FAST_MUTEX_IRQL,
                     Irql, (ULONG_PTR)FastMutex, 0);
    }
    ExpCheckOwner(FastMutex, KiCurrentThread(), "ExReleaseFastMutex", Caller);
    OldIrql = (KIRQL)FastMutex->OldIrql;
    ExpRelease(FastMutex);
    KeLowerIrql(OldIrql);
}

/* IRQL <= APC_LEVEL. */
BOOLEAN FASTCALL
ExTryToAcquireFastMutex(PFAST_MUTEX FastMutex)
{
    KIRQL Irql = KeGetCurrentIrql();
    KIRQL OldIrql;

    if (Irql > APC_LEVEL) {
        DbgPrint("ExTryToAcquireFastMutex: fast mutex %p at IRQL %u from %pS; the caller "
                 "must be at or below APC_LEVEL\n", FastMutex, Irql,
                 __builtin_return_address(0));
        KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, EXP_VERIFIER_ACQUIRE_FAST_MUTEX_IRQL,
                     Irql, (ULONG_PTR)FastMutex, 0);
    }
    OldIrql = KfRaiseIrql(APC_LEVEL);
    if (InterlockedCompareExchange(&FastMutex->Count, 0, 1) != 1) {
        KeLowerIrql(OldIrql);
        return FALSE;
    }
    FastMutex->Owner = KiCurrentThread();
    FastMutex->OldIrql = OldIrql;
    return TRUE;
}

/* The unsafe pair's precondition: APCs are already held off. */
static VOID
ExpCheckUnsafeContext(PFAST_MUTEX FastMutex, ULONG Check, PCSTR Routine, PVOID Caller)
{
    PKTHREAD Thread = KiCurrentThread();
    KIRQL Irql = KeGetCurrentIrql();

    if (Irql > APC_LEVEL || (Irql < APC_LEVEL && Thread->KernelApcDisable == 0)) {
        DbgPrint("%s: fast mutex %p at IRQL %u from %pS, %s; the caller must be at "
                 "APC_LEVEL or inside KeEnterCriticalRegion\n", Routine, FastMutex, Irql,
                 Caller, Thread->KernelApcDisable == 0 ? "outside a critical region"
                                                       : "in a critical region");
        KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, Check, Irql,
                     (ULONG_PTR)(LONG_PTR)Thread->KernelApcDisable, (ULONG_PTR)FastMutex);
    }
}

/* IRQL APC_LEVEL, or below inside a critical region. */
VOID FASTCALL
ExAcquireFastMutexUnsafe(PFAST_MUTEX FastMutex)
{
    PVOID Caller = __builtin_return_address(0);
    PKTHREAD Thread = KiCurrentThread();

    ExpCheckUnsafeContext(FastMutex, EXP_VERIFIER_ACQUIRE_UNSAFE_APCS,
                          "ExAcquireFastMutexUnsafe", Caller);
    ExpCheckNotOwner(FastMutex, Thread, "ExAcquireFastMutexUnsafe", Caller);
    ExpAcquire(FastMutex, Thread);
}

/* IRQL APC_LEVEL, or below inside a critical region; the owner. */
VOID FASTCALL
ExReleaseFastMutexUnsafe(PFAST_MUTEX FastMutex)
{
    PVOID Caller = __builtin_return_address(0);

    ExpCheckUnsafeContext(FastMutex, EXP_VERIFIER_RELEASE_UNSAFE_APCS,
                          "ExReleaseFastMutexUnsafe", Caller);
    ExpCheckOwner(FastMutex, KiCurrentThread(), "ExReleaseFastMutexUnsafe", Caller);
    ExpRelease(FastMutex);
}
