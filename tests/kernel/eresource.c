/*
 * tests/kernel/eresource.c - ERESOURCE (kernel/ex/resource.c): readers
 * share, a writer excludes both, owners recurse, Wait FALSE never blocks,
 * the shared-acquire variants treat queued writers as documented, and
 * planted misuse stops the machine.
 *
 * Each other party is an "actor" thread: it enters a critical region,
 * acquires the resource its way, records when, holds it until told to
 * release, and leaves. The test thread (priority 8, like the actors)
 * sleeps to let them reach their waits.
 */
#include "tests/kernel/ktthread.h"

typedef enum _KTR_KIND {
    KtrExclusive,
    KtrShared,
    KtrStarveExclusive,
    KtrWaitForExclusive
} KTR_KIND;

typedef struct _KTR_ACTOR {
    PERESOURCE Resource;
    KTR_KIND Kind;
    KEVENT Release;             /* set by the test: release now */
    volatile BOOLEAN Acquired;
    volatile LONG Order;        /* 1, 2, ...: when it acquired, among all actors */
    PKTHREAD Thread;
} KTR_ACTOR;

static volatile LONG KtrNextOrder;
static KSTART_ROUTINE KtrActor;

static VOID
KtrActor(PVOID Context)
{
    KTR_ACTOR *Actor = Context;
    PERESOURCE Resource = Actor->Resource;

    KeEnterCriticalRegion();
    switch (Actor->Kind) {
    case KtrExclusive:
        ExAcquireResourceExclusiveLite(Resource, TRUE);
        break;
    case KtrShared:
        ExAcquireResourceSharedLite(Resource, TRUE);
        break;
    case KtrStarveExclusive:
        ExAcquireSharedStarveExclusive(Resource, TRUE);
        break;
    case KtrWaitForExclusive:
        ExAcquireSharedWaitForExclusive(Resource, TRUE);
        break;
    }
    Actor->Order = __atomic_add_fetch(&KtrNextOrder, 1, __ATOMIC_SEQ_CST);
    Actor->Acquired = TRUE;
    KeWaitForSingleObject(&Actor->Release, Executive, KernelMode, FALSE, NULL);
    ExReleaseResourceLite(Resource);
    KeLeaveCriticalRegion();
}

static BOOLEAN
KtrStart(KTR_ACTOR *Actor, PERESOURCE Resource, KTR_KIND Kind)
{
    Actor->Resource = Resource;
    Actor->Kind = Kind;
    Actor->Acquired = FALSE;
    Actor->Order = 0;
    KeInitializeEvent(&Actor->Release, NotificationEvent, FALSE);
    Actor->Thread = KtxStartThread(KtrActor, Actor);
    return Actor->Thread != NULL;
}

/* Tells the actor to release and waits for it to end. */
static NTSTATUS
KtrFinish(KTR_ACTOR *Actor)
{
    KeSetEvent(&Actor->Release, 0, FALSE);
    return KtxJoin(Actor->Thread);
}

KTEST(ResourceSharedByManyReadersAtOnce)
{
    static ERESOURCE Resource;
    static KTR_ACTOR Readers[3];
    ULONG Index;

    KT_ASSERT_STATUS(ExInitializeResourceLite(&Resource), STATUS_SUCCESS);
    for (Index = 0; Index < 3; Index++) {
        KT_ASSERT(KtrStart(&Readers[Index], &Resource, KtrShared));
    }
    KtxSleepMs(20);
    /* None has released: all three own it at the same time. */
    for (Index = 0; Index < 3; Index++) {
        KT_ASSERT(Readers[Index].Acquired);
    }
    KT_ASSERT_EQ(Resource.ActiveCount, 3);
    KT_ASSERT_EQ(ExGetSharedWaiterCount(&Resource), 0);
    /* A fourth reader - this thread - gets it too; a writer would not. */
    KeEnterCriticalRegion();
    KT_ASSERT(!ExAcquireResourceExclusiveLite(&Resource, FALSE));
    KT_ASSERT(ExAcquireResourceSharedLite(&Resource, FALSE));
    KT_ASSERT_EQ(ExIsResourceAcquiredSharedLite(&Resource), 1);
    KT_ASSERT(!ExIsResourceAcquiredExclusiveLite(&Resource));
    ExReleaseResourceLite(&Resource);
    KeLeaveCriticalRegion();
    for (Index = 0; Index < 3; Index++) {
        KT_ASSERT_STATUS(KtrFinish(&Readers[Index]), STATUS_SUCCESS);
    }
    KT_ASSERT_EQ(Resource.ActiveCount, 0);
    KT_ASSERT_STATUS(ExDeleteResourceLite(&Resource), STATUS_SUCCESS);
}

KTEST(ResourceExclusiveExcludesReadersAndWriters)
{
    static ERESOURCE Resource;
    static KTR_ACTOR Reader, Writer;

    KT_ASSERT_STATUS(ExInitializeResourceLite(&Resource), STATUS_SUCCESS);
    KeEnterCriticalRegion();
    KT_ASSERT(ExAcquireResourceExclusiveLite(&Resource, TRUE));
    KT_ASSERT(ExIsResourceAcquiredExclusiveLite(&Resource));
    KT_ASSERT(KtrStart(&Reader, &Resource, KtrShared));
    KT_ASSERT(KtrStart(&Writer, &Resource, KtrExclusive));
    KtxSleepMs(20);
    KT_ASSERT(!Reader.Acquired);
    KT_ASSERT(!Writer.Acquired);
    KT_ASSERT_EQ(ExGetSharedWaiterCount(&Resource), 1);
    KT_ASSERT_EQ(ExGetExclusiveWaiterCount(&Resource), 1);

    /* After an exclusive owner, the waiting readers go first ... */
    ExReleaseResourceLite(&Resource);
    KtxSleepMs(20);
    KT_ASSERT(Reader.Acquired);
    KT_ASSERT(!Writer.Acquired);
    /* ... and the writer only once they are done. */
    KeSetEvent(&Reader.Release, 0, FALSE);
    KtxSleepMs(20);
    KT_ASSERT(Writer.Acquired);
    KT_ASSERT(Reader.Order < Writer.Order);
    /* The writer excludes this thread both ways; Wait FALSE never blocks. */
    KT_ASSERT(!ExAcquireResourceSharedLite(&Resource, FALSE));
    KT_ASSERT(!ExAcquireResourceExclusiveLite(&Resource, FALSE));
    KT_ASSERT(!ExAcquireSharedStarveExclusive(&Resource, FALSE));
    KT_ASSERT_EQ(ExIsResourceAcquiredSharedLite(&Resource), 0);
    KeLeaveCriticalRegion();
    KT_ASSERT_STATUS(KtrFinish(&Reader), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtrFinish(&Writer), STATUS_SUCCESS);
    KT_ASSERT_EQ(Resource.ActiveCount, 0);
    KT_ASSERT(Resource.ContentionCount >= 2);
    KT_ASSERT_STATUS(ExDeleteResourceLite(&Resource), STATUS_SUCCESS);
}

KTEST(ResourceRecursiveAcquisitionByOwners)
{
    static ERESOURCE Resource;

    KT_ASSERT_STATUS(ExInitializeResourceLite(&Resource), STATUS_SUCCESS);
    KeEnterCriticalRegion();
    /* The exclusive owner may acquire exclusive and shared again. */
    KT_ASSERT(ExAcquireResourceExclusiveLite(&Resource, TRUE));
    KT_ASSERT(ExAcquireResourceExclusiveLite(&Resource, FALSE));
    KT_ASSERT(ExAcquireResourceSharedLite(&Resource, FALSE));
    KT_ASSERT(ExAcquireSharedWaitForExclusive(&Resource, FALSE));
    KT_ASSERT(ExIsResourceAcquiredExclusiveLite(&Resource));
    KT_ASSERT_EQ(ExIsResourceAcquiredSharedLite(&Resource), 4);
    ExReleaseResourceLite(&Resource);
    ExReleaseResourceLite(&Resource);
    ExReleaseResourceLite(&Resource);
    KT_ASSERT(ExIsResourceAcquiredExclusiveLite(&Resource));   /* one left */
    ExReleaseResourceForThreadLite(&Resource, ExGetCurrentResourceThread());
    KT_ASSERT(!ExIsResourceAcquiredExclusiveLite(&Resource));
    KT_ASSERT_EQ(ExIsResourceAcquiredSharedLite(&Resource), 0);
    KT_ASSERT_EQ(Resource.ActiveCount, 0);

    /* A shared owner may acquire shared again. */
    KT_ASSERT(ExAcquireResourceSharedLite(&Resource, TRUE));
    KT_ASSERT(ExAcquireResourceSharedLite(&Resource, FALSE));
    KT_ASSERT_EQ(ExIsResourceAcquiredSharedLite(&Resource), 2);
    KT_ASSERT(!ExIsResourceAcquiredExclusiveLite(&Resource));
    ExReleaseResourceLite(&Resource);
    ExReleaseResourceLite(&Resource);
    KT_ASSERT_EQ(Resource.ActiveCount, 0);
    KeLeaveCriticalRegion();
    KT_ASSERT_STATUS(ExDeleteResourceLite(&Resource), STATUS_SUCCESS);
}

KTEST(ResourceSharedVariantsAndAQueuedWriter)
{
    static ERESOURCE Resource;
    static KTR_ACTOR Reader, Writer;

    KT_ASSERT_STATUS(ExInitializeResourceLite(&Resource), STATUS_SUCCESS);
    KT_ASSERT(KtrStart(&Reader, &Resource, KtrShared));
    KtxSleepMs(10);
    KT_ASSERT(Reader.Acquired);
    KT_ASSERT(KtrStart(&Writer, &Resource, KtrExclusive));
    KtxSleepMs(10);
    KT_ASSERT(!Writer.Acquired);
    KT_ASSERT_EQ(ExGetExclusiveWaiterCount(&Resource), 1);

    KeEnterCriticalRegion();
    /* Owned shared, a writer queued: a new reader waits behind the writer ... */
    KT_ASSERT(!ExAcquireResourceSharedLite(&Resource, FALSE));
    KT_ASSERT(!ExAcquireSharedWaitForExclusive(&Resource, FALSE));
    /* ... unless it starves the writer. */
    KT_ASSERT(ExAcquireSharedStarveExclusive(&Resource, FALSE));
    KT_ASSERT_EQ(ExIsResourceAcquiredSharedLite(&Resource), 1);
    /* Now a shared owner: ExAcquireResourceSharedLite grants it again, but
     * ExAcquireSharedWaitForExclusive still lets the writer go first. */
    KT_ASSERT(ExAcquireResourceSharedLite(&Resource, FALSE));
    KT_ASSERT(!ExAcquireSharedWaitForExclusive(&Resource, FALSE));
    KT_ASSERT_EQ(ExIsResourceAcquiredSharedLite(&Resource), 2);
    ExReleaseResourceLite(&Resource);
    ExReleaseResourceLite(&Resource);
    KeLeaveCriticalRegion();

    /* The last reader out lets the writer in. */
    KT_ASSERT(!Writer.Acquired);
    KeSetEvent(&Reader.Release, 0, FALSE);
    KtxSleepMs(10);
    KT_ASSERT(Writer.Acquired);
    KT_ASSERT_STATUS(KtrFinish(&Reader), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtrFinish(&Writer), STATUS_SUCCESS);
    KT_ASSERT_EQ(Resource.ActiveCount, 0);
    KT_ASSERT_STATUS(ExDeleteResourceLite(&Resource), STATUS_SUCCESS);
}

KTEST(ResourceConvertExclusiveToSharedAdmitsReaders)
{
    static ERESOURCE Resource;
    static KTR_ACTOR Reader;

    KT_ASSERT_STATUS(ExInitializeResourceLite(&Resource), STATUS_SUCCESS);
    KeEnterCriticalRegion();
    KT_ASSERT(ExAcquireResourceExclusiveLite(&Resource, TRUE));
    KT_ASSERT(KtrStart(&Reader, &Resource, KtrShared));
    KtxSleepMs(10);
    KT_ASSERT(!Reader.Acquired);
    ExConvertExclusiveToSharedLite(&Resource);
    KtxSleepMs(10);
    KT_ASSERT(Reader.Acquired);
    KT_ASSERT(!ExIsResourceAcquiredExclusiveLite(&Resource));
    KT_ASSERT_EQ(ExIsResourceAcquiredSharedLite(&Resource), 1);
    KT_ASSERT_EQ(Resource.ActiveCount, 2);
    ExReleaseResourceLite(&Resource);
    KeLeaveCriticalRegion();
    KT_ASSERT_STATUS(KtrFinish(&Reader), STATUS_SUCCESS);
    KT_ASSERT_EQ(Resource.ActiveCount, 0);
    KT_ASSERT_STATUS(ExDeleteResourceLite(&Resource), STATUS_SUCCESS);
}

/* ---------------------------------------------------------------------------
 * Planted misuse.
 */
KTEST_BUGCHECK(ResourceReleasedByNonOwnerBugChecks, RESOURCE_NOT_OWNED)
{
    static ERESOURCE Resource;

    ExInitializeResourceLite(&Resource);
    KeEnterCriticalRegion();
    ExReleaseResourceLite(&Resource);   /* never acquired: 0xE3 */
}

KTEST_BUGCHECK(ResourceAcquiredOutsideCriticalRegionBugChecks,
               DRIVER_VERIFIER_DETECTED_VIOLATION)
{
    static ERESOURCE Resource;

    ExInitializeResourceLite(&Resource);
    ExAcquireResourceSharedLite(&Resource, TRUE);   /* APCs enabled: 0xC4, P1 0x37 */
}
