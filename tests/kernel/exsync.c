/*
 * tests/kernel/exsync.c - fast mutexes and critical/guarded regions
 * (kernel/ex/fastmutex.c, kernel/ke/region.c): exclusion between threads,
 * the IRQL they leave, try-acquire, the unsafe pair, and the planted
 * misuse that must stop the machine.
 */
#include "tests/kernel/ktest.h"
#include "tests/kernel/ktthread.h"

/* ---------------------------------------------------------------------------
 * Two threads add 1 to a counter N times each under one fast mutex, with
 * a read-yield-write increment that loses updates without the mutex.
 */
#define KTX_INCREMENTS 1000

typedef struct _KTX_COUNTER {
    FAST_MUTEX Mutex;
    volatile ULONG Value;
    volatile ULONG Inside;          /* threads between acquire and release */
    volatile BOOLEAN Overlap;
    volatile BOOLEAN WrongIrql;
} KTX_COUNTER;

static KSTART_ROUTINE KtxIncrementer;

static VOID
KtxIncrementer(PVOID Context)
{
    KTX_COUNTER *Counter = Context;
    LARGE_INTEGER Yield = {.QuadPart = 0};
    ULONG Index, Value;

    for (Index = 0; Index < KTX_INCREMENTS; Index++) {
        ExAcquireFastMutex(&Counter->Mutex);
        if (__atomic_add_fetch(&Counter->Inside, 1, __ATOMIC_SEQ_CST) != 1) {
            Counter->Overlap = TRUE;
        }
        if (KeGetCurrentIrql() != APC_LEVEL) {
            Counter->WrongIrql = TRUE;
        }
        Value = Counter->Value;
        if (Index % 16 == 0) {
            /* Let the other thread run while the mutex is held. */
            KeDelayExecutionThread(KernelMode, FALSE, &Yield);
        }
        Counter->Value = Value + 1;
        __atomic_sub_fetch(&Counter->Inside, 1, __ATOMIC_SEQ_CST);
        ExReleaseFastMutex(&Counter->Mutex);
    }
}

KTEST(FastMutexExcludesBetweenThreads)
{
    static KTX_COUNTER Counter;
    PKTHREAD A, B;

    ExInitializeFastMutex(&Counter.Mutex);
    Counter.Value = 0;
    A = KtxStartThread(KtxIncrementer, &Counter);
    B = KtxStartThread(KtxIncrementer, &Counter);
    KT_ASSERT(A != NULL && B != NULL);
    KT_ASSERT_STATUS(KtxJoin(A), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtxJoin(B), STATUS_SUCCESS);
    KT_ASSERT_EQ(Counter.Value, 2 * KTX_INCREMENTS);
    KT_ASSERT(!Counter.Overlap);
    KT_ASSERT(!Counter.WrongIrql);
    /* The yields inside made the other thread wait: the mutex was contended. */
    KT_ASSERT(Counter.Mutex.Contention > 0);
    KT_ASSERT_EQ(Counter.Mutex.Count, 1);
    KT_ASSERT(Counter.Mutex.Owner == NULL);
}

KTEST(FastMutexRaisesToApcLevelAndRestores)
{
    FAST_MUTEX Mutex;
    KIRQL OldIrql;

    ExInitializeFastMutex(&Mutex);
    KT_ASSERT_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
    ExAcquireFastMutex(&Mutex);
    KT_ASSERT_EQ(KeGetCurrentIrql(), APC_LEVEL);
    KT_ASSERT(Mutex.Owner == KeGetCurrentThread());
    KT_ASSERT_EQ(Mutex.OldIrql, PASSIVE_LEVEL);
    ExReleaseFastMutex(&Mutex);
    KT_ASSERT_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
    KT_ASSERT(Mutex.Owner == NULL);

    /* From APC_LEVEL it stays at APC_LEVEL on release. */
    KeRaiseIrql(APC_LEVEL, &OldIrql);
    ExAcquireFastMutex(&Mutex);
    KT_ASSERT_EQ(Mutex.OldIrql, APC_LEVEL);
    ExReleaseFastMutex(&Mutex);
    KT_ASSERT_EQ(KeGetCurrentIrql(), APC_LEVEL);
    KeLowerIrql(OldIrql);
}

typedef struct _KTX_TRY {
    KEVENT Go;
    FAST_MUTEX *Mutex;
    BOOLEAN Result;
    KIRQL IrqlAfter;
} KTX_TRY;

static KSTART_ROUTINE KtxTryAcquire;

static VOID
KtxTryAcquire(PVOID Context)
{
    KTX_TRY *Try = Context;

    KeWaitForSingleObject(&Try->Go, Executive, KernelMode, FALSE, NULL);
    Try->Result = ExTryToAcquireFastMutex(Try->Mutex);
    Try->IrqlAfter = KeGetCurrentIrql();
    if (Try->Result) {
        ExReleaseFastMutex(Try->Mutex);
    }
}

KTEST(FastMutexTryAcquire)
{
    static FAST_MUTEX Mutex;
    static KTX_TRY Try;
    PKTHREAD Thread;

    ExInitializeFastMutex(&Mutex);
    KeInitializeEvent(&Try.Go, NotificationEvent, FALSE);
    Try.Mutex = &Mutex;
    Try.Result = TRUE;
    Try.IrqlAfter = 0xFF;
    Thread = KtxStartThread(KtxTryAcquire, &Try);   /* at PASSIVE_LEVEL, as required */
    KT_ASSERT(Thread != NULL);

    KT_ASSERT(ExTryToAcquireFastMutex(&Mutex));
    KT_ASSERT_EQ(KeGetCurrentIrql(), APC_LEVEL);
    KT_ASSERT(Mutex.Owner == KeGetCurrentThread());
    /* Held: the other thread's try fails at once and leaves its IRQL alone
     * (sleeping is allowed at APC_LEVEL and lets it run). */
    KeSetEvent(&Try.Go, 0, FALSE);
    KtxSleepMs(20);
    KT_ASSERT(!Try.Result);
    KT_ASSERT_EQ(Try.IrqlAfter, PASSIVE_LEVEL);
    ExReleaseFastMutex(&Mutex);
    KT_ASSERT_STATUS(KtxJoin(Thread), STATUS_SUCCESS);
    KT_ASSERT_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
    KT_ASSERT_EQ(Mutex.Count, 1);

    /* Free again: the try succeeds. */
    KT_ASSERT(ExTryToAcquireFastMutex(&Mutex));
    ExReleaseFastMutex(&Mutex);
    KT_ASSERT_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
}

KTEST(FastMutexUnsafeInsideCriticalRegion)
{
    FAST_MUTEX Mutex;

    ExInitializeFastMutex(&Mutex);
    KT_ASSERT(!KeAreApcsDisabled());
    KeEnterCriticalRegion();
    KT_ASSERT(KeAreApcsDisabled());
    ExAcquireFastMutexUnsafe(&Mutex);
    KT_ASSERT_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);   /* unsafe: no IRQL change */
    KT_ASSERT(Mutex.Owner == KeGetCurrentThread());
    KT_ASSERT(!ExTryToAcquireFastMutex(&Mutex));
    ExReleaseFastMutexUnsafe(&Mutex);
    KT_ASSERT_EQ(Mutex.Count, 1);
    KeLeaveCriticalRegion();
    KT_ASSERT(!KeAreApcsDisabled());
}

KTEST(CriticalAndGuardedRegionsCount)
{
    KT_ASSERT(!KeAreApcsDisabled());
    KT_ASSERT(!KeAreAllApcsDisabled());
    KeEnterCriticalRegion();
    KeEnterCriticalRegion();
    KT_ASSERT(KeAreApcsDisabled());
    KT_ASSERT(!KeAreAllApcsDisabled());     /* critical regions hold off normal APCs only */
    KeLeaveCriticalRegion();
    KT_ASSERT(KeAreApcsDisabled());         /* still one deep */
    KeLeaveCriticalRegion();
    KT_ASSERT(!KeAreApcsDisabled());
    KeEnterGuardedRegion();
    KT_ASSERT(KeAreApcsDisabled());
    KT_ASSERT(KeAreAllApcsDisabled());
    KeLeaveGuardedRegion();
    KT_ASSERT(!KeAreAllApcsDisabled());
}

/* ---------------------------------------------------------------------------
 * Planted misuse.
 */
KTEST_BUGCHECK(FastMutexAcquiredRecursivelyBugChecks, DRIVER_VERIFIER_DETECTED_VIOLATION)
{
    static FAST_MUTEX Mutex;

    ExInitializeFastMutex(&Mutex);
    ExAcquireFastMutex(&Mutex);
    ExAcquireFastMutex(&Mutex);     /* Windows deadlocks here; 0xC4, P1 0x1000 */
}

static KSTART_ROUTINE KtxHoldForever;

static VOID
KtxHoldForever(PVOID Context)
{
    KEVENT Never;

    ExAcquireFastMutex(Context);
    KeInitializeEvent(&Never, NotificationEvent, FALSE);
    KeWaitForSingleObject(&Never, Executive, KernelMode, FALSE, NULL);
}

KTEST_BUGCHECK(FastMutexReleasedByNonOwnerBugChecks, DRIVER_VERIFIER_DETECTED_VIOLATION)
{
    static FAST_MUTEX Mutex;
    KIRQL OldIrql;

    ExInitializeFastMutex(&Mutex);
    KtxStartThread(KtxHoldForever, &Mutex);
    KtxSleepMs(10);                 /* it takes the mutex and waits */
    KeRaiseIrql(APC_LEVEL, &OldIrql);
    ExReleaseFastMutex(&Mutex);     /* not ours: 0xC4, P1 0x1004 */
}

KTEST_BUGCHECK(FastMutexAcquiredAtDispatchLevelBugChecks, DRIVER_VERIFIER_DETECTED_VIOLATION)
{
    static FAST_MUTEX Mutex;
    KIRQL OldIrql;

    ExInitializeFastMutex(&Mutex);
    KeRaiseIrql(DISPATCH_LEVEL, &OldIrql);
    ExAcquireFastMutex(&Mutex);     /* 0xC4, P1 0x33 */
}

KTEST_BUGCHECK(CriticalRegionLeftTwiceBugChecks, DRIVER_VERIFIER_DETECTED_VIOLATION)
{
    KeEnterCriticalRegion();
    KeLeaveCriticalRegion();
    KeLeaveCriticalRegion();        /* 0xC4, P1 0x3E */
}

static KSTART_ROUTINE KtxEndInCriticalRegion;

static VOID
KtxEndInCriticalRegion(PVOID Context)
{
    UNREFERENCED_PARAMETER(Context);
    KeEnterCriticalRegion();
}

KTEST_BUGCHECK(ThreadEndingInCriticalRegionBugChecks, APC_INDEX_MISMATCH)
{
    PKTHREAD Thread = KtxStartThread(KtxEndInCriticalRegion, NULL);

    if (Thread != NULL) {
        KtxJoin(Thread);
    }
}
