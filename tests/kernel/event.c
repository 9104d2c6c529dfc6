/*
 * tests/kernel/event.c - KEVENT and KeWaitForSingleObject: notification and
 * synchronization events, waits with and without a timeout, and the
 * bugcheck for a wait at DISPATCH_LEVEL.
 */
#include "tests/kernel/ktest.h"
#include "kernel/ke/dispatcher.h"

KTEST(EventNotificationStates)
{
    LARGE_INTEGER Zero = {.QuadPart = 0};
    KEVENT Event;

    KeInitializeEvent(&Event, NotificationEvent, FALSE);
    KT_ASSERT_EQ(KeReadStateEvent(&Event), 0);
    KT_ASSERT_STATUS(KeWaitForSingleObject(&Event, Executive, KernelMode, FALSE, &Zero),
                     STATUS_TIMEOUT);
    KT_ASSERT_EQ(KeSetEvent(&Event, 0, FALSE), 0);
    KT_ASSERT_EQ(KeSetEvent(&Event, 0, FALSE), 1);
    /* A notification event satisfies every wait and stays signaled. */
    KT_ASSERT_STATUS(KeWaitForSingleObject(&Event, Executive, KernelMode, FALSE, &Zero),
                     STATUS_SUCCESS);
    KT_ASSERT_STATUS(KeWaitForSingleObject(&Event, Executive, KernelMode, FALSE, NULL),
                     STATUS_SUCCESS);
    KT_ASSERT_EQ(KeReadStateEvent(&Event), 1);
    KT_ASSERT_EQ(KeResetEvent(&Event), 1);
    KT_ASSERT_EQ(KeResetEvent(&Event), 0);
    KeSetEvent(&Event, 0, FALSE);
    KeClearEvent(&Event);
    KT_ASSERT_EQ(KeReadStateEvent(&Event), 0);
}

KTEST(EventSynchronizationAutoResets)
{
    LARGE_INTEGER Zero = {.QuadPart = 0};
    KEVENT Event;

    KeInitializeEvent(&Event, SynchronizationEvent, TRUE);
    KT_ASSERT_STATUS(KeWaitForSingleObject(&Event, Executive, KernelMode, FALSE, &Zero),
                     STATUS_SUCCESS);
    KT_ASSERT_EQ(KeReadStateEvent(&Event), 0);
    KT_ASSERT_STATUS(KeWaitForSingleObject(&Event, Executive, KernelMode, FALSE, &Zero),
                     STATUS_TIMEOUT);
}

KTEST(EventWaitTimesOutAfterTheTimeout)
{
    LARGE_INTEGER Timeout = {.QuadPart = -200000};      /* 20 ms */
    KEVENT Event;
    ULONG64 Start;

    KeInitializeEvent(&Event, NotificationEvent, FALSE);
    Start = KeQueryInterruptTime();
    KT_ASSERT_STATUS(KeWaitForSingleObject(&Event, Executive, KernelMode, FALSE, &Timeout),
                     STATUS_TIMEOUT);
    KT_ASSERT(KeQueryInterruptTime() - Start >= 200000);
}

/* The event is set by a timer's DPC 10 ms in: the wait ends then, with
 * success, and not before. */
static KDEFERRED_ROUTINE KtpSetEventDpc;

static VOID
KtpSetEventDpc(PKDPC Dpc, PVOID DeferredContext, PVOID SystemArgument1, PVOID SystemArgument2)
{
    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(SystemArgument1);
    UNREFERENCED_PARAMETER(SystemArgument2);
    KeSetEvent(DeferredContext, 0, FALSE);
}

KTEST(EventSetFromDpcEndsTheWait)
{
    LARGE_INTEGER Due = {.QuadPart = -100000};          /* 10 ms */
    LARGE_INTEGER Timeout = {.QuadPart = -10000000};    /* 1 s */
    KEVENT Event;
    KTIMER Timer;
    KDPC Dpc;
    ULONG64 Start;

    KeInitializeEvent(&Event, SynchronizationEvent, FALSE);
    KeInitializeTimer(&Timer);
    KeInitializeDpc(&Dpc, KtpSetEventDpc, &Event);
    Start = KeQueryInterruptTime();
    KeSetTimer(&Timer, Due, &Dpc);
    KT_ASSERT_STATUS(KeWaitForSingleObject(&Event, Executive, KernelMode, FALSE, &Timeout),
                     STATUS_SUCCESS);
    KT_ASSERT(KeQueryInterruptTime() - Start >= 100000);
    KT_ASSERT_EQ(KeReadStateEvent(&Event), 0);
    /* Without a timeout too. */
    KeSetTimer(&Timer, Due, &Dpc);
    KT_ASSERT_STATUS(KeWaitForSingleObject(&Event, Executive, KernelMode, FALSE, NULL),
                     STATUS_SUCCESS);
}

KTEST(EventPollAtDispatchLevel)
{
    LARGE_INTEGER Zero = {.QuadPart = 0};
    KEVENT Event;
    KIRQL OldIrql;
    NTSTATUS Status;

    KeInitializeEvent(&Event, NotificationEvent, FALSE);
    KeRaiseIrql(DISPATCH_LEVEL, &OldIrql);
    Status = KeWaitForSingleObject(&Event, Executive, KernelMode, FALSE, &Zero);
    KeLowerIrql(OldIrql);
    KT_ASSERT_STATUS(Status, STATUS_TIMEOUT);
}

KTEST_BUGCHECK(EventWaitAtDispatchLevel, IRQL_NOT_LESS_OR_EQUAL)
{
    LARGE_INTEGER Timeout = {.QuadPart = -10000};
    static KEVENT Event;
    KIRQL OldIrql;

    KeInitializeEvent(&Event, NotificationEvent, FALSE);
    KeRaiseIrql(DISPATCH_LEVEL, &OldIrql);
    KeWaitForSingleObject(&Event, Executive, KernelMode, FALSE, &Timeout);
    KeLowerIrql(OldIrql);
}
