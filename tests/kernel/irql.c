/*
 * tests/kernel/irql.c - IRQL in CR8 and spin locks.
 *
 * The ordinary tests check what a driver relies on: raising and lowering
 * return and restore the right levels, an interrupt of a lower or equal
 * class is held back until the IRQL drops and then arrives at once, and
 * locks record and forget their owner. The KTEST_BUGCHECK tests plant the
 * classic mistakes and must stop the machine with Windows' codes
 * (parameters in kernel/ke/irql.c and kernel/ke/spinlock.c).
 */
#include "tests/kernel/ktest.h"
#include "kernel/ke/ki.h"
#include "hal/halp.h"

/* Hidden from the optimizer, so planted bugs are not folded away. */
static volatile KIRQL KtpPassive = PASSIVE_LEVEL;
static volatile KIRQL KtpDispatch = DISPATCH_LEVEL;

KTEST(IrqlRaiseAndLower)
{
    KIRQL OldIrql, Irql;

    KT_ASSERT_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
    KeRaiseIrql(APC_LEVEL, &OldIrql);
    KT_ASSERT_EQ(OldIrql, PASSIVE_LEVEL);
    KT_ASSERT_EQ(KeGetCurrentIrql(), APC_LEVEL);
    Irql = KeRaiseIrqlToDpcLevel();
    KT_ASSERT_EQ(Irql, APC_LEVEL);
    KT_ASSERT_EQ(KeGetCurrentIrql(), DISPATCH_LEVEL);
    KeRaiseIrql(DISPATCH_LEVEL, &Irql);             /* raising to the same level is allowed */
    KT_ASSERT_EQ(Irql, DISPATCH_LEVEL);
    Irql = KfRaiseIrql(HIGH_LEVEL);
    KT_ASSERT_EQ(Irql, DISPATCH_LEVEL);
    KT_ASSERT_EQ(KeGetCurrentIrql(), HIGH_LEVEL);
    KeLowerIrql(DISPATCH_LEVEL);
    KT_ASSERT_EQ(KeGetCurrentIrql(), DISPATCH_LEVEL);
    KeLowerIrql(OldIrql);
    KT_ASSERT_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
}

typedef struct _KTP_IPI_CONTEXT {
    volatile ULONG Calls;
    volatile KIRQL IrqlSeen;
} KTP_IPI_CONTEXT;

static KSERVICE_ROUTINE KtpSelfIpiIsr;

static BOOLEAN
KtpSelfIpiIsr(PKINTERRUPT Interrupt, PVOID ServiceContext)
{
    KTP_IPI_CONTEXT *Context = ServiceContext;

    UNREFERENCED_PARAMETER(Interrupt);
    Context->IrqlSeen = KeGetCurrentIrql();
    Context->Calls++;
    return TRUE;
}

/* A self-IPI on an IPI_LEVEL vector (0xE1, class 14) must wait while the
 * IRQL is 14 and arrive, at IRQL 14, the moment it drops to 13. */
KTEST(IrqlHoldsBackInterruptsOfItsClass)
{
    static KINTERRUPT Interrupt;
    KTP_IPI_CONTEXT Context = {0};
    KIRQL OldIrql;
    ULONG Spin;

    KiInitializeInterrupt(&Interrupt, KtpSelfIpiIsr, &Context, NULL, 0xE1, IPI_LEVEL, IPI_LEVEL,
                          Latched, FALSE, 1);
    KT_ASSERT_STATUS(KiConnectInterrupt(&Interrupt), STATUS_SUCCESS);
    OldIrql = KfRaiseIrql(IPI_LEVEL);
    HalpLapicSendSelfIpi(0xE1);
    for (Spin = 0; Spin < 100000; Spin++) {
        __asm__ __volatile__("pause");
    }
    KT_ASSERT_EQ(Context.Calls, 0);
    KeLowerIrql(CLOCK_LEVEL);
    /* Taken at the instruction after the MOV to CR8: no waiting needed. */
    KT_ASSERT_EQ(Context.Calls, 1);
    KT_ASSERT_EQ(Context.IrqlSeen, IPI_LEVEL);
    KT_ASSERT_EQ(KeGetCurrentIrql(), CLOCK_LEVEL);
    KeLowerIrql(OldIrql);
    /* At PASSIVE_LEVEL it arrives right away. */
    HalpLapicSendSelfIpi(0xE1);
    KT_ASSERT_EQ(Context.Calls, 2);
    KiDisconnectInterrupt(&Interrupt);
    KT_ASSERT(!Interrupt.Connected);
}

KTEST(SpinLockRecordsItsOwner)
{
    KSPIN_LOCK Lock;
    KIRQL OldIrql;

    KeInitializeSpinLock(&Lock);
    KT_ASSERT_EQ(Lock, 0);
    KT_ASSERT(KeTestSpinLock(&Lock));
    KeAcquireSpinLock(&Lock, &OldIrql);
    KT_ASSERT_EQ(OldIrql, PASSIVE_LEVEL);
    KT_ASSERT_EQ(KeGetCurrentIrql(), DISPATCH_LEVEL);
    KT_ASSERT_EQ(Lock, KeGetPcr()->Number + 1);
    KT_ASSERT(!KeTestSpinLock(&Lock));
    KT_ASSERT(!KeTryToAcquireSpinLockAtDpcLevel(&Lock));
    KeReleaseSpinLock(&Lock, OldIrql);
    KT_ASSERT_EQ(Lock, 0);
    KT_ASSERT_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);

    KeRaiseIrql(DISPATCH_LEVEL, &OldIrql);
    KT_ASSERT(KeTryToAcquireSpinLockAtDpcLevel(&Lock));
    KeReleaseSpinLockFromDpcLevel(&Lock);
    KeAcquireSpinLockAtDpcLevel(&Lock);
    KT_ASSERT_EQ(KeGetCurrentIrql(), DISPATCH_LEVEL);
    KeReleaseSpinLockFromDpcLevel(&Lock);
    KT_ASSERT_EQ(Lock, 0);
    KeLowerIrql(OldIrql);
}

KTEST(QueuedSpinLockHoldsTheTail)
{
    KSPIN_LOCK Lock;
    KLOCK_QUEUE_HANDLE First, Second;
    KIRQL OldIrql;

    KeInitializeSpinLock(&Lock);
    KeAcquireInStackQueuedSpinLock(&Lock, &First);
    KT_ASSERT_EQ(KeGetCurrentIrql(), DISPATCH_LEVEL);
    KT_ASSERT_EQ(First.OldIrql, PASSIVE_LEVEL);
    KT_ASSERT_EQ(Lock, (ULONG_PTR)&First.LockQueue);        /* the tail is the owner */
    KeReleaseInStackQueuedSpinLock(&First);
    KT_ASSERT_EQ(Lock, 0);
    KT_ASSERT_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);

    /* Two locks nested at DPC level, released in the other order. */
    {
        KSPIN_LOCK Other;

        KeInitializeSpinLock(&Other);
        KeRaiseIrql(DISPATCH_LEVEL, &OldIrql);
        KeAcquireInStackQueuedSpinLockAtDpcLevel(&Lock, &First);
        KeAcquireInStackQueuedSpinLockAtDpcLevel(&Other, &Second);
        KT_ASSERT_EQ(Other, (ULONG_PTR)&Second.LockQueue);
        KeReleaseInStackQueuedSpinLockFromDpcLevel(&First);
        KT_ASSERT_EQ(Lock, 0);
        KeReleaseInStackQueuedSpinLockFromDpcLevel(&Second);
        KT_ASSERT_EQ(Other, 0);
        KeLowerIrql(OldIrql);
    }
}

KTEST_BUGCHECK(IrqlRaiseToLowerLevel, IRQL_NOT_GREATER_OR_EQUAL)
{
    KIRQL OldIrql;

    KeRaiseIrql(DISPATCH_LEVEL, &OldIrql);
    KeRaiseIrql(KtpPassive, &OldIrql);
}

KTEST_BUGCHECK(IrqlLowerToHigherLevel, IRQL_NOT_LESS_OR_EQUAL)
{
    KeLowerIrql(KtpDispatch);
}

KTEST_BUGCHECK(SpinLockAcquiredTwice, SPIN_LOCK_ALREADY_OWNED)
{
    static KSPIN_LOCK Lock;
    KIRQL OldIrql;

    KeAcquireSpinLock(&Lock, &OldIrql);
    KeAcquireSpinLockAtDpcLevel(&Lock);
}

KTEST_BUGCHECK(SpinLockReleasedNotOwned, SPIN_LOCK_NOT_OWNED)
{
    static KSPIN_LOCK Lock;

    KeRaiseIrql(DISPATCH_LEVEL, &(KIRQL){0});
    KeReleaseSpinLockFromDpcLevel(&Lock);
}

KTEST_BUGCHECK(QueuedSpinLockAcquiredTwice, SPIN_LOCK_ALREADY_OWNED)
{
    static KSPIN_LOCK Lock;
    KLOCK_QUEUE_HANDLE First, Second;

    KeAcquireInStackQueuedSpinLock(&Lock, &First);
    KeAcquireInStackQueuedSpinLockAtDpcLevel(&Lock, &Second);
}

KTEST_BUGCHECK(SpinLockAtDpcLevelFromPassive, IRQL_NOT_GREATER_OR_EQUAL)
{
    static KSPIN_LOCK Lock;

    KeAcquireSpinLockAtDpcLevel(&Lock);
}
