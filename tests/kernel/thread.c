/*
 * tests/kernel/thread.c - system threads and the scheduler: creation, exit
 * and its signal, handles, ids, priorities, preemption from a DPC,
 * round-robin within a priority, KeDelayExecutionThread.
 *
 * The test runner is the boot thread, at priority 8 (PSP_SYSTEM_THREAD_PRIORITY).
 */
#include "tests/kernel/ktest.h"
#include "kernel/ps/psp.h"
#include "hal/timep.h"

/* Creates a thread, returns its referenced object (and closes the handle
 * unless Handle is wanted). */
static PKTHREAD
KtpCreateThread(PKSTART_ROUTINE Routine, PVOID Context, KPRIORITY Priority, PHANDLE Handle)
{
    HANDLE ThreadHandle;
    PVOID Object;

    if (!NT_SUCCESS(PsCreateSystemThread(&ThreadHandle, THREAD_ALL_ACCESS, NULL, NULL, NULL,
                                         Routine, Context))) {
        return NULL;
    }
    if (!NT_SUCCESS(ObReferenceObjectByHandle(ThreadHandle, SYNCHRONIZE, *PsThreadType,
                                              KernelMode, &Object, NULL))) {
        return NULL;
    }
    if (Priority != PSP_SYSTEM_THREAD_PRIORITY) {
        KeSetPriorityThread(Object, Priority);
    }
    if (Handle != NULL) {
        *Handle = ThreadHandle;
    } else {
        ZwClose(ThreadHandle);
    }
    return Object;
}

typedef struct _KTP_THREAD_RECORD {
    volatile BOOLEAN Ran;
    volatile KIRQL Irql;
    HANDLE ThreadId;
    PKTHREAD Thread;
    KPRIORITY Priority;
    NTSTATUS ExitWith;          /* 0: return from the routine */
} KTP_THREAD_RECORD;

static KSTART_ROUTINE KtpRecordThread;

static VOID
KtpRecordThread(PVOID Context)
{
    KTP_THREAD_RECORD *Record = Context;

    Record->Irql = KeGetCurrentIrql();
    Record->ThreadId = PsGetCurrentThreadId();
    Record->Thread = KeGetCurrentThread();
    Record->Priority = KeQueryPriorityThread(KeGetCurrentThread());
    Record->Ran = TRUE;
    if (Record->ExitWith != 0) {
        PsTerminateSystemThread(Record->ExitWith);
    }
}

KTEST(ThreadRunsAndItsExitSignalsWaiters)
{
    KTP_THREAD_RECORD Record = {0};
    LONG ObjectsBefore = PspThreadType.TotalNumberOfObjects;
    CLIENT_ID ClientId;
    HANDLE Handle;
    PVOID Object;

    KT_ASSERT_STATUS(PsCreateSystemThread(&Handle, THREAD_ALL_ACCESS, NULL, NULL, &ClientId,
                                          KtpRecordThread, &Record), STATUS_SUCCESS);
    KT_ASSERT_STATUS(ObReferenceObjectByHandle(Handle, SYNCHRONIZE, *PsThreadType, KernelMode,
                                               &Object, NULL), STATUS_SUCCESS);
    /* Equal priority: it has not run yet, and is signaled only at exit. */
    KT_ASSERT(!Record.Ran);
    KT_ASSERT_EQ(((PDISPATCHER_HEADER)Object)->SignalState, 0);
    KT_ASSERT_STATUS(KeWaitForSingleObject(Object, Executive, KernelMode, FALSE, NULL),
                     STATUS_SUCCESS);
    KT_ASSERT(Record.Ran);
    KT_ASSERT_EQ(Record.Irql, PASSIVE_LEVEL);
    KT_ASSERT_EQ(Record.ThreadId, ClientId.UniqueThread);
    KT_ASSERT_EQ(ClientId.UniqueProcess, PsGetCurrentProcessId());
    KT_ASSERT(Record.ThreadId != PsGetCurrentThreadId());
    KT_ASSERT_EQ(Record.Thread, Object);
    KT_ASSERT_EQ(Record.Priority, PSP_SYSTEM_THREAD_PRIORITY);
    KT_ASSERT_STATUS(PsGetThreadExitStatus(Object), STATUS_SUCCESS);
    /* Still signaled: a second wait does not block. */
    KT_ASSERT_STATUS(KeWaitForSingleObject(Object, Executive, KernelMode, FALSE, NULL),
                     STATUS_SUCCESS);
    ObDereferenceObject(Object);
    KT_ASSERT_STATUS(ZwClose(Handle), STATUS_SUCCESS);
    /* The reaper has run and the last reference is gone: object and stack freed. */
    KT_ASSERT_EQ(PspThreadType.TotalNumberOfObjects, ObjectsBefore);
    KT_ASSERT_STATUS(ZwClose(Handle), STATUS_INVALID_HANDLE);
}

KTEST(ThreadTerminateKeepsItsExitStatus)
{
    KTP_THREAD_RECORD Record = {.ExitWith = (NTSTATUS)0xC0001234};
    PKTHREAD Thread = KtpCreateThread(KtpRecordThread, &Record, 8, NULL);

    KT_ASSERT(Thread != NULL);
    KT_ASSERT_STATUS(KeWaitForSingleObject(Thread, Executive, KernelMode, FALSE, NULL),
                     STATUS_SUCCESS);
    KT_ASSERT(Record.Ran);
    KT_ASSERT_STATUS(PsGetThreadExitStatus((PETHREAD)Thread), 0xC0001234);
    ObDereferenceObject(Thread);
}

KTEST(ThreadHandlesRejectBadInput)
{
    PVOID Object = NULL;
    HANDLE Handle;

    KT_ASSERT_STATUS(ObReferenceObjectByHandle((HANDLE)0x1234, 0, NULL, KernelMode, &Object,
                                               NULL), STATUS_INVALID_HANDLE);
    KT_ASSERT(Object == NULL);
    KT_ASSERT_STATUS(ZwClose((HANDLE)0xFFFFFFFF80001000ULL), STATUS_INVALID_HANDLE);
    KT_ASSERT_STATUS(PsCreateSystemThread(&Handle, 0, NULL, (HANDLE)0x44, NULL, KtpRecordThread,
                                          NULL), STATUS_INVALID_HANDLE);
    KT_ASSERT_STATUS(PsCreateSystemThread(NULL, 0, NULL, NULL, NULL, KtpRecordThread, NULL),
                     STATUS_INVALID_PARAMETER_1);
    /* The current thread's pseudo-handle. */
    KT_ASSERT_STATUS(ObReferenceObjectByHandle(NtCurrentThread(), 0, *PsThreadType, KernelMode,
                                               &Object, NULL), STATUS_SUCCESS);
    KT_ASSERT_EQ(Object, KeGetCurrentThread());
    ObDereferenceObject(Object);
}

KTEST(ThreadPriorityQueryAndSet)
{
    PKTHREAD Self = KeGetCurrentThread();
    KPRIORITY Old = KeQueryPriorityThread(Self);

    KT_ASSERT_EQ(Old, PSP_SYSTEM_THREAD_PRIORITY);
    KT_ASSERT_EQ(KeSetPriorityThread(Self, 12), Old);
    KT_ASSERT_EQ(KeQueryPriorityThread(Self), 12);
    KT_ASSERT_EQ(KeSetPriorityThread(Self, 40), 12);  /* refused, with a message */
    KT_ASSERT_EQ(KeSetPriorityThread(Self, Old), 12);
    KT_ASSERT_EQ(KeQueryPriorityThread(Self), Old);
}

/* A thread made ready at a higher priority runs at once... */
KTEST(ThreadHigherPriorityRunsFirst)
{
    KTP_THREAD_RECORD High = {0}, Low = {0};
    PKTHREAD LowThread = KtpCreateThread(KtpRecordThread, &Low, 4, NULL);
    PKTHREAD HighThread;
    BOOLEAN LowRanBeforeWait;

    KT_ASSERT(LowThread != NULL);
    HighThread = KtpCreateThread(KtpRecordThread, &High, 20, NULL);
    /* ...the higher one preempted this thread already; the lower has not run. */
    KT_ASSERT(HighThread != NULL);
    LowRanBeforeWait = Low.Ran;
    KT_ASSERT(KeWaitForSingleObject(HighThread, Executive, KernelMode, FALSE, NULL) == 0);
    KT_ASSERT(KeWaitForSingleObject(LowThread, Executive, KernelMode, FALSE, NULL) == 0);
    ObDereferenceObject(HighThread);
    ObDereferenceObject(LowThread);
    KT_ASSERT(High.Ran);
    KT_ASSERT(!LowRanBeforeWait);
    KT_ASSERT(Low.Ran);
}

/*
 * Preemption from a DPC. L (priority 4) is CPU-bound; H (priority 31)
 * waits on an event that a timer's DPC sets 10 ms in. H must run while L
 * is still in its loop: the log reads L-start, H, L-end.
 */
typedef struct _KTP_PREEMPT {
    KEVENT Event;
    volatile ULONG Log[4];
    volatile ULONG LogCount;
    volatile BOOLEAN HighRan;
    volatile ULONG64 LowSpins;
    volatile ULONG64 LowSpinsSeenByHigh;
    volatile ULONG64 WakeTsc;
    volatile ULONG64 ExpiryTsc;
    volatile ULONG64 DpcTsc;
} KTP_PREEMPT;

#define KTP_LOG_LOW_START 1
#define KTP_LOG_HIGH 2
#define KTP_LOG_LOW_END 3

static KSTART_ROUTINE KtpPreemptHigh, KtpPreemptLow;
static KDEFERRED_ROUTINE KtpSetEventDpc;

static VOID
KtpLog(KTP_PREEMPT *State, ULONG What)
{
    if (State->LogCount < 4) {
        State->Log[State->LogCount] = What;
    }
    State->LogCount++;
}

static VOID
KtpPreemptHigh(PVOID Context)
{
    KTP_PREEMPT *State = Context;

    KeWaitForSingleObject(&State->Event, Executive, KernelMode, FALSE, NULL);
    State->WakeTsc = HalpReadTsc();
    State->ExpiryTsc = KiClockLastExpiryTsc;
    State->LowSpinsSeenByHigh = State->LowSpins;
    KtpLog(State, KTP_LOG_HIGH);
    State->HighRan = TRUE;
}

static VOID
KtpPreemptLow(PVOID Context)
{
    KTP_PREEMPT *State = Context;
    ULONG64 Start = KeQueryInterruptTime();

    KtpLog(State, KTP_LOG_LOW_START);
    /* CPU-bound: never waits, polls H's flag (2 s at most). */
    while (!State->HighRan && KeQueryInterruptTime() - Start < 2 * KI_100NS_PER_SECOND) {
        State->LowSpins++;
    }
    KtpLog(State, KTP_LOG_LOW_END);
}

static VOID
KtpSetEventDpc(PKDPC Dpc, PVOID DeferredContext, PVOID SystemArgument1, PVOID SystemArgument2)
{
    KTP_PREEMPT *State = DeferredContext;

    State->DpcTsc = HalpReadTsc();
    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(SystemArgument1);
    UNREFERENCED_PARAMETER(SystemArgument2);
    KeSetEvent(&State->Event, 0, FALSE);
}

KTEST(ThreadPreemptedByDpcReadiedHighPriority)
{
    static KTP_PREEMPT State;
    LARGE_INTEGER Due = {.QuadPart = -100000};  /* 10 ms */
    PKTHREAD High, Low;
    KTIMER Timer;
    KDPC Dpc;

    RtlZeroMemory(&State, sizeof(State));
    KeInitializeEvent(&State.Event, SynchronizationEvent, FALSE);
    High = KtpCreateThread(KtpPreemptHigh, &State, HIGH_PRIORITY, NULL);
    KT_ASSERT(High != NULL);
    Low = KtpCreateThread(KtpPreemptLow, &State, 4, NULL);
    KT_ASSERT(Low != NULL);
    KeInitializeTimer(&Timer);
    KeInitializeDpc(&Dpc, KtpSetEventDpc, &State);
    KeSetTimer(&Timer, Due, &Dpc);
    /* This thread waits; L runs until the DPC readies H. */
    KT_ASSERT_STATUS(KeWaitForSingleObject(Low, Executive, KernelMode, FALSE, NULL),
                     STATUS_SUCCESS);
    KT_ASSERT_STATUS(KeWaitForSingleObject(High, Executive, KernelMode, FALSE, NULL),
                     STATUS_SUCCESS);
    ObDereferenceObject(High);
    ObDereferenceObject(Low);
    KT_ASSERT_EQ(State.LogCount, 3);
    KT_ASSERT_EQ(State.Log[0], KTP_LOG_LOW_START);
    KT_ASSERT_EQ(State.Log[1], KTP_LOG_HIGH);
    KT_ASSERT_EQ(State.Log[2], KTP_LOG_LOW_END);
    KT_ASSERT(State.LowSpinsSeenByHigh > 0);
    DbgPrint("ThreadPreemptedByDpcReadiedHighPriority: L spun %llu times before H ran; "
             "TSC ticks from the timer's expiry to the DPC %llu, to H running %llu\n",
             State.LowSpinsSeenByHigh, State.DpcTsc - State.ExpiryTsc,
             State.WakeTsc - State.ExpiryTsc);
}

/* Round-robin: two CPU-bound threads at one priority, each running 100 ms
 * of its own time; with a 20 ms quantum each sees the other make progress
 * before it is done. */
typedef struct _KTP_SPINNER {
    volatile ULONG64 Count;
    volatile ULONG64 *OtherCount;
    volatile BOOLEAN SawOther;
} KTP_SPINNER;

static KSTART_ROUTINE KtpSpin;

static VOID
KtpSpin(PVOID Context)
{
    KTP_SPINNER *Spinner = Context;
    ULONG64 Start = KeQueryInterruptTime();
    ULONG64 OtherAtStart = *Spinner->OtherCount;

    while (KeQueryInterruptTime() - Start < 5 * KI_QUANTUM) {
        Spinner->Count++;
        if (*Spinner->OtherCount != OtherAtStart) {
            Spinner->SawOther = TRUE;
        }
    }
}

KTEST(ThreadRoundRobinWithinAPriority)
{
    static KTP_SPINNER A, B;
    PVOID Threads[2];
    ULONG64 Switches = KeGetCurrentPrcb()->ContextSwitches;

    RtlZeroMemory(&A, sizeof(A));
    RtlZeroMemory(&B, sizeof(B));
    A.OtherCount = &B.Count;
    B.OtherCount = &A.Count;
    /* Above this thread, so that it does not take turns with them; this
     * thread goes higher still while it creates them, so that both are
     * ready before either runs. */
    KeSetPriorityThread(KeGetCurrentThread(), 11);
    Threads[0] = KtpCreateThread(KtpSpin, &A, 10, NULL);
    Threads[1] = KtpCreateThread(KtpSpin, &B, 10, NULL);
    KeSetPriorityThread(KeGetCurrentThread(), PSP_SYSTEM_THREAD_PRIORITY);
    KT_ASSERT(Threads[0] != NULL && Threads[1] != NULL);
    KT_ASSERT_STATUS(KeWaitForMultipleObjects(2, Threads, WaitAll, Executive, KernelMode, FALSE,
                                              NULL, NULL), STATUS_SUCCESS);
    ObDereferenceObject(Threads[0]);
    ObDereferenceObject(Threads[1]);
    KT_ASSERT(A.Count > 0 && B.Count > 0);
    KT_ASSERT(A.SawOther);
    KT_ASSERT(B.SawOther);
    KT_ASSERT(KeGetCurrentPrcb()->ContextSwitches - Switches >= 4);
}

KTEST(ThreadDelaySleepsAtLeastTheInterval)
{
    LARGE_INTEGER Interval = {.QuadPart = -150000};     /* 15 ms */
    LARGE_INTEGER Zero = {.QuadPart = 0};
    LARGE_INTEGER Absolute;
    LARGE_INTEGER After;
    ULONG64 Start = KeQueryInterruptTime();

    KT_ASSERT_STATUS(KeDelayExecutionThread(KernelMode, FALSE, &Interval), STATUS_SUCCESS);
    KT_ASSERT(KeQueryInterruptTime() - Start >= 150000);
    /* Absolute: system time 12 ms from now. The deadline is the point in
     * time, not an interval from some later reading: check the system time
     * after the wake against it (a loaded host may delay this thread
     * between reading the time and sleeping). 1 ms covers the rounding
     * between system time and interrupt time. */
    KeQuerySystemTime(&Absolute);
    Absolute.QuadPart += 120000;
    KT_ASSERT_STATUS(KeDelayExecutionThread(KernelMode, FALSE, &Absolute), STATUS_SUCCESS);
    KeQuerySystemTime(&After);
    KT_ASSERT(After.QuadPart >= Absolute.QuadPart - 10000);
    /* Zero yields and returns at once. */
    KT_ASSERT_STATUS(KeDelayExecutionThread(KernelMode, FALSE, &Zero), STATUS_SUCCESS);
}

/* A yield lets an equal-priority ready thread run. */
KTEST(ThreadYieldRunsEqualPriority)
{
    LARGE_INTEGER Zero = {.QuadPart = 0};
    KTP_THREAD_RECORD Record = {0};
    PKTHREAD Thread = KtpCreateThread(KtpRecordThread, &Record, PSP_SYSTEM_THREAD_PRIORITY, NULL);

    KT_ASSERT(Thread != NULL);
    KT_ASSERT(!Record.Ran);     /* equal priority: it waits its turn */
    KeDelayExecutionThread(KernelMode, FALSE, &Zero);
    KT_ASSERT(Record.Ran);
    KeWaitForSingleObject(Thread, Executive, KernelMode, FALSE, NULL);
    ObDereferenceObject(Thread);
}
