/*
 * tests/kernel/sync.c - dispatcher objects between threads: semaphores
 * (producer/consumer), mutexes (recursion, ownership, abandonment),
 * WaitAny/WaitAll, every timeout kind, and the planted misuse that must
 * stop the machine.
 */
#include "tests/kernel/ktest.h"
#include "kernel/ps/psp.h"

static PKTHREAD
KtpStartThread(PKSTART_ROUTINE Routine, PVOID Context)
{
    HANDLE Handle;
    PVOID Object;

    if (!NT_SUCCESS(PsCreateSystemThread(&Handle, THREAD_ALL_ACCESS, NULL, NULL, NULL, Routine,
                                         Context))) {
        return NULL;
    }
    if (!NT_SUCCESS(ObReferenceObjectByHandle(Handle, SYNCHRONIZE, *PsThreadType, KernelMode,
                                              &Object, NULL))) {
        Object = NULL;
    }
    ZwClose(Handle);
    return Object;
}

static VOID
KtpSetEventDpc(PKDPC Dpc, PVOID DeferredContext, PVOID SystemArgument1, PVOID SystemArgument2)
{
    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(SystemArgument1);
    UNREFERENCED_PARAMETER(SystemArgument2);
    KeSetEvent(DeferredContext, 0, FALSE);
}

/* ---------------------------------------------------------------------------
 * Producer/consumer: 3 producers, 2 consumers, an 8-slot ring guarded by a
 * mutex, Empty and Full semaphores. Every item must arrive exactly once.
 */
#define KTP_PRODUCERS 3
#define KTP_CONSUMERS 2
#define KTP_ITEMS_EACH 300
#define KTP_RING 8

typedef struct _KTP_RING {
    KSEMAPHORE Empty, Full;
    KMUTEX Lock;
    ULONG Slots[KTP_RING];
    ULONG Head, Tail;
    volatile ULONG NextProducer;
    volatile ULONG Consumed;
    volatile BOOLEAN Bad;
    UCHAR Seen[KTP_PRODUCERS][KTP_ITEMS_EACH];
    ULONG LastSequence[KTP_CONSUMERS][KTP_PRODUCERS];
    volatile ULONG NextConsumer;
} KTP_RING_STATE;

static KSTART_ROUTINE KtpProducer, KtpConsumer;

static VOID
KtpProducer(PVOID Context)
{
    KTP_RING_STATE *Ring = Context;
    ULONG Producer = __atomic_fetch_add(&Ring->NextProducer, 1, __ATOMIC_RELAXED);
    ULONG Sequence;

    for (Sequence = 0; Sequence < KTP_ITEMS_EACH; Sequence++) {
        KeWaitForSingleObject(&Ring->Empty, Executive, KernelMode, FALSE, NULL);
        KeWaitForSingleObject(&Ring->Lock, Executive, KernelMode, FALSE, NULL);
        Ring->Slots[Ring->Head] = (Producer << 16) | Sequence;
        Ring->Head = (Ring->Head + 1) % KTP_RING;
        KeReleaseMutex(&Ring->Lock, FALSE);
        KeReleaseSemaphore(&Ring->Full, 0, 1, FALSE);
    }
}

static VOID
KtpConsumer(PVOID Context)
{
    KTP_RING_STATE *Ring = Context;
    ULONG Consumer = __atomic_fetch_add(&Ring->NextConsumer, 1, __ATOMIC_RELAXED);
    LARGE_INTEGER Timeout = {.QuadPart = -50 * (LONGLONG)KI_100NS_PER_MS};

    for (;;) {
        ULONG Item, Producer, Sequence;

        /* The consumers stop when everything has been taken; a short
         * timeout lets each notice. */
        if (KeWaitForSingleObject(&Ring->Full, Executive, KernelMode, FALSE, &Timeout) ==
            STATUS_TIMEOUT) {
            if (Ring->Consumed == KTP_PRODUCERS * KTP_ITEMS_EACH) {
                return;
            }
            continue;
        }
        KeWaitForSingleObject(&Ring->Lock, Executive, KernelMode, FALSE, NULL);
        Item = Ring->Slots[Ring->Tail];
        Ring->Tail = (Ring->Tail + 1) % KTP_RING;
        Producer = Item >> 16;
        Sequence = Item & 0xFFFF;
        if (Producer >= KTP_PRODUCERS || Sequence >= KTP_ITEMS_EACH ||
            Ring->Seen[Producer][Sequence] != 0 ||
            /* One producer's items leave the ring in the order they went in. */
            (Sequence != 0 && Sequence < Ring->LastSequence[Consumer][Producer])) {
            Ring->Bad = TRUE;
        } else {
            Ring->Seen[Producer][Sequence] = 1;
            Ring->LastSequence[Consumer][Producer] = Sequence;
        }
        Ring->Consumed++;
        KeReleaseMutex(&Ring->Lock, FALSE);
        KeReleaseSemaphore(&Ring->Empty, 0, 1, FALSE);
    }
}

KTEST(SyncSemaphoreProducerConsumer)
{
    static KTP_RING_STATE Ring;
    PVOID Threads[KTP_PRODUCERS + KTP_CONSUMERS];
    KWAIT_BLOCK WaitBlocks[KTP_PRODUCERS + KTP_CONSUMERS];
    ULONG Index, Producer, Sequence;

    RtlZeroMemory(&Ring, sizeof(Ring));
    KeInitializeSemaphore(&Ring.Empty, KTP_RING, KTP_RING);
    KeInitializeSemaphore(&Ring.Full, 0, KTP_RING);
    KeInitializeMutex(&Ring.Lock, 0);
    for (Index = 0; Index < KTP_PRODUCERS; Index++) {
        Threads[Index] = KtpStartThread(KtpProducer, &Ring);
        KT_ASSERT(Threads[Index] != NULL);
    }
    for (Index = 0; Index < KTP_CONSUMERS; Index++) {
        Threads[KTP_PRODUCERS + Index] = KtpStartThread(KtpConsumer, &Ring);
        KT_ASSERT(Threads[KTP_PRODUCERS + Index] != NULL);
    }
    /* Five objects: more than a thread's own wait blocks. */
    KT_ASSERT_STATUS(KeWaitForMultipleObjects(KTP_PRODUCERS + KTP_CONSUMERS, Threads, WaitAll,
                                              Executive, KernelMode, FALSE, NULL, WaitBlocks),
                     STATUS_SUCCESS);
    for (Index = 0; Index < KTP_PRODUCERS + KTP_CONSUMERS; Index++) {
        ObDereferenceObject(Threads[Index]);
    }
    KT_ASSERT(!Ring.Bad);
    KT_ASSERT_EQ(Ring.Consumed, KTP_PRODUCERS * KTP_ITEMS_EACH);
    for (Producer = 0; Producer < KTP_PRODUCERS; Producer++) {
        for (Sequence = 0; Sequence < KTP_ITEMS_EACH; Sequence++) {
            KT_ASSERT_EQ(Ring.Seen[Producer][Sequence], 1);
        }
    }
    KT_ASSERT_EQ(KeReadStateSemaphore(&Ring.Empty), KTP_RING);
    KT_ASSERT_EQ(KeReadStateSemaphore(&Ring.Full), 0);
    KT_ASSERT_EQ(KeReadStateMutex(&Ring.Lock), 1);
}

KTEST(SyncSemaphoreCounts)
{
    LARGE_INTEGER Zero = {.QuadPart = 0};
    KSEMAPHORE Semaphore;

    KeInitializeSemaphore(&Semaphore, 1, 3);
    KT_ASSERT_EQ(KeReleaseSemaphore(&Semaphore, 0, 2, FALSE), 1);
    KT_ASSERT_EQ(KeReadStateSemaphore(&Semaphore), 3);
    KT_ASSERT_STATUS(KeWaitForSingleObject(&Semaphore, Executive, KernelMode, FALSE, &Zero), 0);
    KT_ASSERT_STATUS(KeWaitForSingleObject(&Semaphore, Executive, KernelMode, FALSE, &Zero), 0);
    KT_ASSERT_STATUS(KeWaitForSingleObject(&Semaphore, Executive, KernelMode, FALSE, &Zero), 0);
    KT_ASSERT_STATUS(KeWaitForSingleObject(&Semaphore, Executive, KernelMode, FALSE, &Zero),
                     STATUS_TIMEOUT);
    KT_ASSERT_EQ(KeReadStateSemaphore(&Semaphore), 0);
}

/* ---------------------------------------------------------------------------
 * Mutexes.
 */
typedef struct _KTP_MUTEX_TEST {
    KMUTEX Mutex;
    volatile NTSTATUS OtherStatus;
    volatile BOOLEAN Exit;
} KTP_MUTEX_TEST;

static KSTART_ROUTINE KtpTryMutex, KtpTakeMutexAndExit;

static VOID
KtpTryMutex(PVOID Context)
{
    KTP_MUTEX_TEST *Test = Context;
    LARGE_INTEGER Zero = {.QuadPart = 0};

    Test->OtherStatus = KeWaitForSingleObject(&Test->Mutex, Executive, KernelMode, FALSE, &Zero);
}

static VOID
KtpTakeMutexAndExit(PVOID Context)
{
    KTP_MUTEX_TEST *Test = Context;

    Test->OtherStatus = KeWaitForSingleObject(&Test->Mutex, Executive, KernelMode, FALSE, NULL);
    /* Returns owning it: the mutex is abandoned. */
}

KTEST(SyncMutexRecursionAndOwnership)
{
    static KTP_MUTEX_TEST Test;
    PKTHREAD Other;

    KeInitializeMutex(&Test.Mutex, 0);
    KT_ASSERT_EQ(KeReadStateMutex(&Test.Mutex), 1);
    KT_ASSERT_STATUS(KeWaitForSingleObject(&Test.Mutex, Executive, KernelMode, FALSE, NULL), 0);
    KT_ASSERT_STATUS(KeWaitForSingleObject(&Test.Mutex, Executive, KernelMode, FALSE, NULL), 0);
    KT_ASSERT_EQ(KeReadStateMutex(&Test.Mutex), -1);
    KT_ASSERT_EQ(Test.Mutex.OwnerThread, KeGetCurrentThread());
    /* Another thread cannot take it. */
    Test.OtherStatus = -1;
    Other = KtpStartThread(KtpTryMutex, &Test);
    KT_ASSERT(Other != NULL);
    KeWaitForSingleObject(Other, Executive, KernelMode, FALSE, NULL);
    ObDereferenceObject(Other);
    KT_ASSERT_STATUS(Test.OtherStatus, STATUS_TIMEOUT);
    KT_ASSERT_EQ(KeReleaseMutex(&Test.Mutex, FALSE), -1);
    KT_ASSERT_EQ(Test.Mutex.OwnerThread, KeGetCurrentThread());
    KT_ASSERT_EQ(KeReleaseMutex(&Test.Mutex, FALSE), 0);
    KT_ASSERT(Test.Mutex.OwnerThread == NULL);
    KT_ASSERT_EQ(KeReadStateMutex(&Test.Mutex), 1);
    /* Free now: the other thread gets it. */
    Other = KtpStartThread(KtpTryMutex, &Test);
    KT_ASSERT(Other != NULL);
    KeWaitForSingleObject(Other, Executive, KernelMode, FALSE, NULL);
    ObDereferenceObject(Other);
    KT_ASSERT_STATUS(Test.OtherStatus, STATUS_SUCCESS);
}

KTEST(SyncMutexAbandonedWhenOwnerExits)
{
    static KTP_MUTEX_TEST Test;
    PVOID Objects[2];
    KEVENT Event;
    PKTHREAD Owner;

    KeInitializeMutex(&Test.Mutex, 0);
    Owner = KtpStartThread(KtpTakeMutexAndExit, &Test);
    KT_ASSERT(Owner != NULL);
    KeWaitForSingleObject(Owner, Executive, KernelMode, FALSE, NULL);
    ObDereferenceObject(Owner);
    KT_ASSERT_STATUS(Test.OtherStatus, STATUS_SUCCESS);
    KT_ASSERT(Test.Mutex.Abandoned);
    /* The next wait gets it, and learns: index 1 of a WaitAny. */
    KeInitializeEvent(&Event, NotificationEvent, FALSE);
    Objects[0] = &Event;
    Objects[1] = &Test.Mutex;
    KT_ASSERT_STATUS(KeWaitForMultipleObjects(2, Objects, WaitAny, Executive, KernelMode, FALSE,
                                              NULL, NULL), STATUS_ABANDONED_WAIT_0 + 1);
    KT_ASSERT_EQ(Test.Mutex.OwnerThread, KeGetCurrentThread());
    KT_ASSERT(!Test.Mutex.Abandoned);
    KT_ASSERT_EQ(KeReleaseMutex(&Test.Mutex, FALSE), 0);
}

/* A waiter blocked on an owned mutex is woken by the release, which also
 * makes it the owner; its exit then abandons it. */
KTEST(SyncMutexReleaseHandsOverToWaiter)
{
    static KTP_MUTEX_TEST Test;
    PKTHREAD Waiter;

    KeInitializeMutex(&Test.Mutex, 0);
    KT_ASSERT_STATUS(KeWaitForSingleObject(&Test.Mutex, Executive, KernelMode, FALSE, NULL), 0);
    Test.OtherStatus = -1;
    Waiter = KtpStartThread(KtpTakeMutexAndExit, &Test);
    KT_ASSERT(Waiter != NULL);
    KeSetPriorityThread(Waiter, 20);    /* runs now and blocks on the mutex */
    KT_ASSERT_EQ(Test.OtherStatus, -1);
    KeReleaseMutex(&Test.Mutex, FALSE); /* hands over; the waiter runs and exits */
    KT_ASSERT_STATUS(Test.OtherStatus, STATUS_SUCCESS);
    KeWaitForSingleObject(Waiter, Executive, KernelMode, FALSE, NULL);
    ObDereferenceObject(Waiter);
    KT_ASSERT(Test.Mutex.Abandoned);
    KT_ASSERT_STATUS(KeWaitForSingleObject(&Test.Mutex, Executive, KernelMode, FALSE, NULL),
                     STATUS_ABANDONED);
    KeReleaseMutex(&Test.Mutex, FALSE);
}

/* ---------------------------------------------------------------------------
 * WaitAny, WaitAll.
 */
KTEST(SyncWaitAnyReturnsTheIndex)
{
    LARGE_INTEGER Zero = {.QuadPart = 0};
    LARGE_INTEGER Due = {.QuadPart = -50000};   /* 5 ms */
    KEVENT Events[5];
    PVOID Objects[5];
    KWAIT_BLOCK Blocks[5];
    KTIMER Timer;
    KDPC Dpc;
    ULONG Index;

    for (Index = 0; Index < 5; Index++) {
        KeInitializeEvent(&Events[Index], SynchronizationEvent, FALSE);
        Objects[Index] = &Events[Index];
    }
    KT_ASSERT_STATUS(KeWaitForMultipleObjects(3, Objects, WaitAny, Executive, KernelMode, FALSE,
                                              &Zero, NULL), STATUS_TIMEOUT);
    KeSetEvent(&Events[2], 0, FALSE);
    KT_ASSERT_STATUS(KeWaitForMultipleObjects(3, Objects, WaitAny, Executive, KernelMode, FALSE,
                                              &Zero, NULL), STATUS_WAIT_0 + 2);
    KT_ASSERT_EQ(KeReadStateEvent(&Events[2]), 0);
    /* The lowest signaled index wins. */
    KeSetEvent(&Events[1], 0, FALSE);
    KeSetEvent(&Events[2], 0, FALSE);
    KT_ASSERT_STATUS(KeWaitForMultipleObjects(3, Objects, WaitAny, Executive, KernelMode, FALSE,
                                              NULL, NULL), STATUS_WAIT_0 + 1);
    KeClearEvent(&Events[2]);
    /* Blocking, with the caller's array: a DPC sets object 4 later. */
    KeInitializeTimer(&Timer);
    KeInitializeDpc(&Dpc, KtpSetEventDpc, &Events[4]);
    KeSetTimer(&Timer, Due, &Dpc);
    KT_ASSERT_STATUS(KeWaitForMultipleObjects(5, Objects, WaitAny, Executive, KernelMode, FALSE,
                                              NULL, Blocks), STATUS_WAIT_0 + 4);
    /* Every block came off its object. */
    for (Index = 0; Index < 5; Index++) {
        KT_ASSERT(IsListEmpty(&Events[Index].Header.WaitListHead));
    }
}

KTEST(SyncWaitAllNeedsEveryObject)
{
    LARGE_INTEGER Zero = {.QuadPart = 0};
    LARGE_INTEGER Due = {.QuadPart = -50000};   /* 5 ms */
    KEVENT First, Second;
    KSEMAPHORE Semaphore;
    PVOID Objects[3] = {&First, &Second, &Semaphore};
    KTIMER Timer;
    KDPC Dpc;

    KeInitializeEvent(&First, SynchronizationEvent, FALSE);
    KeInitializeEvent(&Second, NotificationEvent, FALSE);
    KeInitializeSemaphore(&Semaphore, 2, 2);
    KeSetEvent(&First, 0, FALSE);
    KT_ASSERT_STATUS(KeWaitForMultipleObjects(3, Objects, WaitAll, Executive, KernelMode, FALSE,
                                              &Zero, NULL), STATUS_TIMEOUT);
    /* Nothing was taken by the failed poll. */
    KT_ASSERT_EQ(KeReadStateEvent(&First), 1);
    KT_ASSERT_EQ(KeReadStateSemaphore(&Semaphore), 2);
    KeInitializeTimer(&Timer);
    KeInitializeDpc(&Dpc, KtpSetEventDpc, &Second);
    KeSetTimer(&Timer, Due, &Dpc);
    KT_ASSERT_STATUS(KeWaitForMultipleObjects(3, Objects, WaitAll, Executive, KernelMode, FALSE,
                                              NULL, NULL), STATUS_SUCCESS);
    /* All satisfied together: the synchronization event reset, one unit taken. */
    KT_ASSERT_EQ(KeReadStateEvent(&First), 0);
    KT_ASSERT_EQ(KeReadStateEvent(&Second), 1);
    KT_ASSERT_EQ(KeReadStateSemaphore(&Semaphore), 1);
    Objects[1] = &First;
    KT_ASSERT_STATUS(KeWaitForMultipleObjects(2, Objects, WaitAll, Executive, KernelMode, FALSE,
                                              &Zero, NULL), STATUS_INVALID_PARAMETER_MIX);
}

/* A notification event wakes every waiter; a synchronization event one. */
typedef struct _KTP_WAKE {
    KEVENT Event;
    volatile ULONG Woken;
} KTP_WAKE;

static KSTART_ROUTINE KtpWaitAndCount;

static VOID
KtpWaitAndCount(PVOID Context)
{
    KTP_WAKE *Wake = Context;
    LARGE_INTEGER Timeout = {.QuadPart = -300 * (LONGLONG)KI_100NS_PER_MS};

    if (KeWaitForSingleObject(&Wake->Event, Executive, KernelMode, FALSE, &Timeout) ==
        STATUS_SUCCESS) {
        __atomic_add_fetch(&Wake->Woken, 1, __ATOMIC_RELAXED);
    }
}

static ULONG
KtpWakeCount(EVENT_TYPE Type)
{
    static KTP_WAKE Wake;
    PVOID Threads[3];
    ULONG Index;

    KeInitializeEvent(&Wake.Event, Type, FALSE);
    Wake.Woken = 0;
    for (Index = 0; Index < 3; Index++) {
        Threads[Index] = KtpStartThread(KtpWaitAndCount, &Wake);
        KeSetPriorityThread(Threads[Index], 12);    /* runs now, blocks */
    }
    KeSetEvent(&Wake.Event, 0, FALSE);
    KeWaitForMultipleObjects(3, Threads, WaitAll, Executive, KernelMode, FALSE, NULL, NULL);
    for (Index = 0; Index < 3; Index++) {
        ObDereferenceObject(Threads[Index]);
    }
    return Wake.Woken;
}

KTEST(SyncEventWakesAllOrOne)
{
    KT_ASSERT_EQ(KtpWakeCount(NotificationEvent), 3);
    KT_ASSERT_EQ(KtpWakeCount(SynchronizationEvent), 1);
}

/* ---------------------------------------------------------------------------
 * Timeouts: none, zero, relative, absolute (future and past); a waitable
 * timer.
 */
KTEST(SyncEveryTimeoutKind)
{
    LARGE_INTEGER Zero = {.QuadPart = 0};
    LARGE_INTEGER Relative = {.QuadPart = -120000};     /* 12 ms */
    LARGE_INTEGER Due = {.QuadPart = -50000};
    LARGE_INTEGER Absolute;
    KEVENT Event;
    KTIMER Timer;
    KDPC Dpc;
    ULONG64 Start;

    KeInitializeEvent(&Event, SynchronizationEvent, FALSE);
    /* Zero: a poll. */
    Start = KeQueryInterruptTime();
    KT_ASSERT_STATUS(KeWaitForSingleObject(&Event, Executive, KernelMode, FALSE, &Zero),
                     STATUS_TIMEOUT);
    /* Relative. */
    Start = KeQueryInterruptTime();
    KT_ASSERT_STATUS(KeWaitForSingleObject(&Event, Executive, KernelMode, FALSE, &Relative),
                     STATUS_TIMEOUT);
    KT_ASSERT(KeQueryInterruptTime() - Start >= 120000);
    /* Absolute, 12 ms ahead in system time. */
    KeQuerySystemTime(&Absolute);
    Absolute.QuadPart += 120000;
    Start = KeQueryInterruptTime();
    KT_ASSERT_STATUS(KeWaitForSingleObject(&Event, Executive, KernelMode, FALSE, &Absolute),
                     STATUS_TIMEOUT);
    KT_ASSERT(KeQueryInterruptTime() - Start >= 110000);
    /* Absolute in the past: at once. */
    Absolute.QuadPart -= 10 * KI_100NS_PER_SECOND;
    KT_ASSERT_STATUS(KeWaitForSingleObject(&Event, Executive, KernelMode, FALSE, &Absolute),
                     STATUS_TIMEOUT);
    /* None: ends only when set (by a DPC 5 ms in). */
    KeInitializeTimer(&Timer);
    KeInitializeDpc(&Dpc, KtpSetEventDpc, &Event);
    KeSetTimer(&Timer, Due, &Dpc);
    KT_ASSERT_STATUS(KeWaitForSingleObject(&Event, Executive, KernelMode, FALSE, NULL),
                     STATUS_SUCCESS);
    /* Set before the timeout: success, and the timeout timer is disarmed. */
    KeSetTimer(&Timer, Due, &Dpc);
    Relative.QuadPart = -10 * (LONGLONG)KI_100NS_PER_SECOND;
    KT_ASSERT_STATUS(KeWaitForSingleObject(&Event, Executive, KernelMode, FALSE, &Relative),
                     STATUS_SUCCESS);
    KT_ASSERT(KeGetCurrentThread()->Timer.TimerListEntry.Flink == NULL);
}

KTEST(SyncWaitableSynchronizationTimer)
{
    LARGE_INTEGER Due = {.QuadPart = -80000};   /* 8 ms */
    LARGE_INTEGER Zero = {.QuadPart = 0};
    KTIMER Timer;
    ULONG64 Start = KeQueryInterruptTime();

    KeInitializeTimerEx(&Timer, SynchronizationTimer);
    KeSetTimer(&Timer, Due, NULL);
    KT_ASSERT_STATUS(KeWaitForSingleObject(&Timer, Executive, KernelMode, FALSE, NULL), 0);
    KT_ASSERT(KeQueryInterruptTime() - Start >= 80000);
    /* The wait reset it. */
    KT_ASSERT_STATUS(KeWaitForSingleObject(&Timer, Executive, KernelMode, FALSE, &Zero),
                     STATUS_TIMEOUT);
}

/* ---------------------------------------------------------------------------
 * Planted misuse.
 */
KTEST_BUGCHECK(SyncReleaseMutexNotOwned, THREAD_NOT_MUTEX_OWNER)
{
    static KMUTEX Mutex;

    KeInitializeMutex(&Mutex, 0);
    KeReleaseMutex(&Mutex, FALSE);
}

KTEST_BUGCHECK(SyncWaitMultipleAtDispatchLevel, IRQL_NOT_LESS_OR_EQUAL)
{
    LARGE_INTEGER Timeout = {.QuadPart = -10000};
    static KEVENT Events[2];
    PVOID Objects[2] = {&Events[0], &Events[1]};
    KIRQL OldIrql;

    KeInitializeEvent(&Events[0], NotificationEvent, FALSE);
    KeInitializeEvent(&Events[1], NotificationEvent, FALSE);
    KeRaiseIrql(DISPATCH_LEVEL, &OldIrql);
    KeWaitForMultipleObjects(2, Objects, WaitAny, Executive, KernelMode, FALSE, &Timeout, NULL);
    KeLowerIrql(OldIrql);
}

KTEST_BUGCHECK(SyncWaitForMoreThan64Objects, MAXIMUM_WAIT_OBJECTS_EXCEEDED)
{
    static KEVENT Event;
    static PVOID Objects[MAXIMUM_WAIT_OBJECTS + 1];
    static KWAIT_BLOCK Blocks[MAXIMUM_WAIT_OBJECTS + 1];
    ULONG Index;

    KeInitializeEvent(&Event, NotificationEvent, TRUE);
    for (Index = 0; Index <= MAXIMUM_WAIT_OBJECTS; Index++) {
        Objects[Index] = &Event;
    }
    KeWaitForMultipleObjects(MAXIMUM_WAIT_OBJECTS + 1, Objects, WaitAny, Executive, KernelMode,
                             FALSE, NULL, Blocks);
}

KTEST_BUGCHECK(SyncWaitForFourObjectsWithoutArray, MAXIMUM_WAIT_OBJECTS_EXCEEDED)
{
    static KEVENT Event;
    PVOID Objects[4] = {&Event, &Event, &Event, &Event};

    KeInitializeEvent(&Event, NotificationEvent, TRUE);
    KeWaitForMultipleObjects(4, Objects, WaitAny, Executive, KernelMode, FALSE, NULL, NULL);
}

KTEST_BUGCHECK(SyncSemaphoreLimitExceeded, KMODE_EXCEPTION_NOT_HANDLED)
{
    static KSEMAPHORE Semaphore;

    KeInitializeSemaphore(&Semaphore, 1, 1);
    KeReleaseSemaphore(&Semaphore, 0, 1, FALSE);
}
