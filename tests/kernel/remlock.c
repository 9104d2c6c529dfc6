/*
 * tests/kernel/remlock.c - remove locks (io/remlock.c): what a PnP driver's
 * remove handler relies on. Acquires succeed until the lock is released
 * and waited on, then fail with STATUS_DELETE_PENDING; the wait lasts
 * until the last holder releases, here from a DPC that a timer runs later.
 */
#include "tests/kernel/ktest.h"

typedef struct _KTR_LATE_RELEASE {
    PIO_REMOVE_LOCK Lock;
    KTIMER Timer;
    KDPC Dpc;
    volatile BOOLEAN Released;
    volatile NTSTATUS AcquireAfterRemove;
} KTR_LATE_RELEASE;

static KDEFERRED_ROUTINE KtrReleaseDpc;

/* DISPATCH_LEVEL: the holder finishes its work and lets go. An acquire
 * from here, while the remover waits, must already fail. */
static VOID
KtrReleaseDpc(PKDPC Dpc, PVOID DeferredContext, PVOID SystemArgument1, PVOID SystemArgument2)
{
    KTR_LATE_RELEASE *Late = DeferredContext;

    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(SystemArgument1);
    UNREFERENCED_PARAMETER(SystemArgument2);
    Late->AcquireAfterRemove = IoAcquireRemoveLock(Late->Lock, NULL);
    Late->Released = TRUE;
    IoReleaseRemoveLock(Late->Lock, Late);
}

KTEST(RemoveLockAcquireAndReleaseBeforeRemoval)
{
    IO_REMOVE_LOCK Lock;

    IoInitializeRemoveLock(&Lock, 'tseT', 0, 0);
    KT_ASSERT(!Lock.Common.Removed);
    KT_ASSERT_STATUS(IoAcquireRemoveLock(&Lock, NULL), STATUS_SUCCESS);
    KT_ASSERT_STATUS(IoAcquireRemoveLock(&Lock, NULL), STATUS_SUCCESS);
    IoReleaseRemoveLock(&Lock, NULL);
    IoReleaseRemoveLock(&Lock, NULL);
    /* Nobody holds it and nobody waits: the event stays unsignaled. */
    KT_ASSERT_EQ(KeReadStateEvent(&Lock.Common.RemoveEvent), 0);
    KT_ASSERT_EQ(Lock.Common.IoCount, 1);
}

KTEST(RemoveLockReleaseAndWaitWithoutOtherHoldersReturnsAtOnce)
{
    IO_REMOVE_LOCK Lock;

    IoInitializeRemoveLock(&Lock, 'tseT', 0, 0);
    KT_ASSERT_STATUS(IoAcquireRemoveLock(&Lock, NULL), STATUS_SUCCESS);
    IoReleaseRemoveLockAndWait(&Lock, NULL);
    KT_ASSERT(Lock.Common.Removed);
    KT_ASSERT_EQ(Lock.Common.IoCount, 0);
    KT_ASSERT_STATUS(IoAcquireRemoveLock(&Lock, NULL), STATUS_DELETE_PENDING);
    /* A failed acquire holds nothing. */
    KT_ASSERT_EQ(Lock.Common.IoCount, 0);
}

KTEST(RemoveLockReleaseAndWaitWaitsForLastHolder)
{
    static IO_REMOVE_LOCK Lock;
    static KTR_LATE_RELEASE Late;
    LARGE_INTEGER DueTime;
    ULONG64 Start, Waited;

    IoInitializeRemoveLock(&Lock, 'tseT', 0, 0);
    Late.Lock = &Lock;
    Late.Released = FALSE;
    Late.AcquireAfterRemove = STATUS_SUCCESS;
    KeInitializeTimer(&Late.Timer);
    KeInitializeDpc(&Late.Dpc, KtrReleaseDpc, &Late);

    /* The remove handler's own acquire, and an IRP still being worked on. */
    KT_ASSERT_STATUS(IoAcquireRemoveLock(&Lock, NULL), STATUS_SUCCESS);
    KT_ASSERT_STATUS(IoAcquireRemoveLock(&Lock, &Late), STATUS_SUCCESS);

    DueTime.QuadPart = -50 * 10000LL;   /* 50 ms */
    KeSetTimer(&Late.Timer, DueTime, &Late.Dpc);
    Start = KeQueryInterruptTime();
    IoReleaseRemoveLockAndWait(&Lock, NULL);
    Waited = KeQueryInterruptTime() - Start;

    /* It returned only once the holder had let go. */
    KT_ASSERT(Late.Released);
    KT_ASSERT(Waited >= 40 * 10000ULL);
    KT_ASSERT_STATUS(Late.AcquireAfterRemove, STATUS_DELETE_PENDING);
    KT_ASSERT_EQ(Lock.Common.IoCount, 0);
    KT_ASSERT_STATUS(IoAcquireRemoveLock(&Lock, NULL), STATUS_DELETE_PENDING);
}

KTEST(RemoveLockRejectsAnotherLayout)
{
    IO_REMOVE_LOCK Lock;

    IoInitializeRemoveLock(&Lock, 'tseT', 0, 0);
    /* A checked-build driver passes a bigger size: told, and refused. */
    KT_ASSERT_STATUS(IoAcquireRemoveLockEx(&Lock, NULL, __FILE__, __LINE__,
                                           sizeof(IO_REMOVE_LOCK) + 0x40),
                     STATUS_INVALID_PARAMETER);
    KT_ASSERT_EQ(Lock.Common.IoCount, 1);
}
