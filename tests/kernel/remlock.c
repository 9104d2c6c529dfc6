/*
 * tests/kernel/remlock.c - remove locks (io/remlock.c): what a PnP driver's
 * remove handler relies on. Acquires succeed until the lock is released
 * and waited on, then fail with STATUS_DELETE_PENDING; the wait lasts
 * until the last holder releases, here from a DPC that a timer runs later.
 * Under the I/O verifier (on in these boots), a release that matches no
 * acquire stops the machine: the planted-bug tests at the end.
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

/* The verifier tracks tags, not order: holders may let go in any order,
 * and one tag may hold the lock more than once. */
KTEST(RemoveLockTagsReleaseInAnyOrder)
{
    IO_REMOVE_LOCK Lock;
    int TagA, TagB;

    IoInitializeRemoveLock(&Lock, 'tseT', 0, 2);
    KT_ASSERT_STATUS(IoAcquireRemoveLock(&Lock, &TagA), STATUS_SUCCESS);
    KT_ASSERT_STATUS(IoAcquireRemoveLock(&Lock, &TagB), STATUS_SUCCESS);
    /* A third holder is past HighWatermark 2: told, not stopped. */
    KT_ASSERT_STATUS(IoAcquireRemoveLock(&Lock, &TagA), STATUS_SUCCESS);
    KT_ASSERT_EQ(Lock.Common.IoCount, 4);
    IoReleaseRemoveLock(&Lock, &TagA);
    IoReleaseRemoveLock(&Lock, &TagB);
    IoReleaseRemoveLock(&Lock, &TagA);
    KT_ASSERT_EQ(Lock.Common.IoCount, 1);
    KT_ASSERT_STATUS(IoAcquireRemoveLock(&Lock, NULL), STATUS_SUCCESS);
    IoReleaseRemoveLockAndWait(&Lock, NULL);
    KT_ASSERT_EQ(Lock.Common.IoCount, 0);
}

/*
 * Planted misuse the verifier stops with DRIVER_VERIFIER_DETECTED_VIOLATION
 * (0xC4): parameter 1 0xD5 for IoReleaseRemoveLock, 0xD6 for
 * IoReleaseRemoveLockAndWait, P2 the lock, P3 the tag. Each boots alone.
 */
static IO_REMOVE_LOCK KtrPlantedLock;
static int KtrTagA, KtrTagB;

/* 0xD5: released with a tag that never acquired it (the driver acquired
 * with the IRP and released with NULL, say). */
KTEST_BUGCHECK(RemoveLockVerifyReleaseUnacquiredTag, DRIVER_VERIFIER_DETECTED_VIOLATION)
{
    IoInitializeRemoveLock(&KtrPlantedLock, 'tseT', 0, 0);
    if (NT_SUCCESS(IoAcquireRemoveLock(&KtrPlantedLock, &KtrTagA))) {
        IoReleaseRemoveLock(&KtrPlantedLock, &KtrTagB);
    }
}

/* 0xD5: one release too many; the count would go below zero. */
KTEST_BUGCHECK(RemoveLockVerifyReleasedTooOften, DRIVER_VERIFIER_DETECTED_VIOLATION)
{
    IoInitializeRemoveLock(&KtrPlantedLock, 'tseT', 0, 0);
    if (NT_SUCCESS(IoAcquireRemoveLock(&KtrPlantedLock, NULL))) {
        IoReleaseRemoveLock(&KtrPlantedLock, NULL);
        IoReleaseRemoveLock(&KtrPlantedLock, NULL);
    }
}

/* 0xD5: a release after IoReleaseRemoveLockAndWait, which already waited
 * for every holder (a completion routine that releases late, say). */
KTEST_BUGCHECK(RemoveLockVerifyReleaseAfterWait, DRIVER_VERIFIER_DETECTED_VIOLATION)
{
    IoInitializeRemoveLock(&KtrPlantedLock, 'tseT', 0, 0);
    if (NT_SUCCESS(IoAcquireRemoveLock(&KtrPlantedLock, &KtrTagA))) {
        IoReleaseRemoveLockAndWait(&KtrPlantedLock, &KtrTagA);
        IoReleaseRemoveLock(&KtrPlantedLock, &KtrTagA);
    }
}

/* 0xD6: IoReleaseRemoveLockAndWait without acquiring the lock first. */
KTEST_BUGCHECK(RemoveLockVerifyWaitWithoutAcquire, DRIVER_VERIFIER_DETECTED_VIOLATION)
{
    IoInitializeRemoveLock(&KtrPlantedLock, 'tseT', 0, 0);
    IoReleaseRemoveLockAndWait(&KtrPlantedLock, &KtrTagA);
}
