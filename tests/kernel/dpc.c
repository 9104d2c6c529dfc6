/*
 * tests/kernel/dpc.c - DPCs: when they run, at what IRQL, how often, and
 * the watchdog that stops one that runs too long.
 */
#include "tests/kernel/ktest.h"
#include "kernel/ke/dispatcher.h"

typedef struct _KTP_DPC_RECORD {
    volatile ULONG Runs;
    volatile KIRQL Irql;
    volatile BOOLEAN InterruptsEnabled;
    PVOID Argument1;
    PVOID Argument2;
    volatile ULONG Order[4];
    volatile ULONG OrderCount;
} KTP_DPC_RECORD;

static BOOLEAN
KtpInterruptsEnabled(VOID)
{
    ULONG_PTR Flags;

    __asm__ __volatile__("pushfq; popq %0" : "=r"(Flags));
    return (Flags & 0x200) != 0;
}

static KDEFERRED_ROUTINE KtpRecordDpc;

static VOID
KtpRecordDpc(PKDPC Dpc, PVOID DeferredContext, PVOID SystemArgument1, PVOID SystemArgument2)
{
    KTP_DPC_RECORD *Record = DeferredContext;

    UNREFERENCED_PARAMETER(Dpc);
    Record->Irql = KeGetCurrentIrql();
    Record->InterruptsEnabled = KtpInterruptsEnabled();
    Record->Argument1 = SystemArgument1;
    Record->Argument2 = SystemArgument2;
    Record->Runs++;
}

KTEST(DpcRunsOnlyAfterDropBelowDispatch)
{
    KTP_DPC_RECORD Record = {0};
    KDPC Dpc;
    KIRQL OldIrql;

    KeInitializeDpc(&Dpc, KtpRecordDpc, &Record);
    KeRaiseIrql(DISPATCH_LEVEL, &OldIrql);
    KT_ASSERT(KeInsertQueueDpc(&Dpc, (PVOID)1, (PVOID)2));
    /* Interrupts are on and time passes, but the IRQL holds the DPC back. */
    KeStallExecutionProcessor(2000);
    KT_ASSERT_EQ(Record.Runs, 0);
    KeLowerIrql(OldIrql);
    KT_ASSERT_EQ(Record.Runs, 1);
    KT_ASSERT_EQ(Record.Argument1, 1);
    KT_ASSERT_EQ(Record.Argument2, 2);
}

KTEST(DpcRunsAtDispatchWithInterruptsEnabled)
{
    KTP_DPC_RECORD Record = {0};
    KDPC Dpc;

    KeInitializeDpc(&Dpc, KtpRecordDpc, &Record);
    KT_ASSERT_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
    /* At PASSIVE_LEVEL the software interrupt is taken at once. */
    KT_ASSERT(KeInsertQueueDpc(&Dpc, NULL, NULL));
    KT_ASSERT_EQ(Record.Runs, 1);
    KT_ASSERT_EQ(Record.Irql, DISPATCH_LEVEL);
    KT_ASSERT(Record.InterruptsEnabled);
    KT_ASSERT_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
}

KTEST(DpcQueuedTwiceRunsOnce)
{
    KTP_DPC_RECORD Record = {0};
    KDPC Dpc;
    KIRQL OldIrql;

    KeInitializeDpc(&Dpc, KtpRecordDpc, &Record);
    KeRaiseIrql(DISPATCH_LEVEL, &OldIrql);
    KT_ASSERT(KeInsertQueueDpc(&Dpc, (PVOID)1, NULL));
    /* The second insertion fails and leaves the first arguments alone. */
    KT_ASSERT(!KeInsertQueueDpc(&Dpc, (PVOID)2, NULL));
    KeLowerIrql(OldIrql);
    KT_ASSERT_EQ(Record.Runs, 1);
    KT_ASSERT_EQ(Record.Argument1, 1);
    /* Once it has run it may be queued again. */
    KT_ASSERT(KeInsertQueueDpc(&Dpc, (PVOID)3, NULL));
    KT_ASSERT_EQ(Record.Runs, 2);
}

KTEST(KeRemoveQueueDpcRecallsTheDpc)
{
    KTP_DPC_RECORD Record = {0};
    KDPC Dpc;
    KIRQL OldIrql;

    KeInitializeDpc(&Dpc, KtpRecordDpc, &Record);
    KeRaiseIrql(DISPATCH_LEVEL, &OldIrql);
    KT_ASSERT(KeInsertQueueDpc(&Dpc, NULL, NULL));
    KT_ASSERT(KeRemoveQueueDpc(&Dpc));
    KT_ASSERT(!KeRemoveQueueDpc(&Dpc));
    KeLowerIrql(OldIrql);
    KeStallExecutionProcessor(1000);
    KT_ASSERT_EQ(Record.Runs, 0);
}

/* DPCs queued from a timer (at DISPATCH_LEVEL, while this thread waits)
 * have all run when KeFlushQueuedDpcs returns. */
KTEST(KeFlushQueuedDpcsReturnsAfterQueuedDpcs)
{
    KTP_DPC_RECORD Record = {0};
    KDPC Dpcs[3], TimerDpc;
    KTIMER Timer;
    LARGE_INTEGER Due;
    ULONG Index;
    KIRQL OldIrql;

    for (Index = 0; Index < 3; Index++) {
        KeInitializeDpc(&Dpcs[Index], KtpRecordDpc, &Record);
    }
    KeRaiseIrql(DISPATCH_LEVEL, &OldIrql);
    for (Index = 0; Index < 3; Index++) {
        KT_ASSERT(KeInsertQueueDpc(&Dpcs[Index], NULL, NULL));
    }
    KT_ASSERT_EQ(Record.Runs, 0);
    KeLowerIrql(OldIrql);
    KeFlushQueuedDpcs();
    KT_ASSERT_EQ(Record.Runs, 3);
    /* A timer's DPC, due in 1 ms; after it fired and a flush, it has run. */
    KeInitializeDpc(&TimerDpc, KtpRecordDpc, &Record);
    KeInitializeTimer(&Timer);
    Due.QuadPart = -10000;
    KeSetTimer(&Timer, Due, &TimerDpc);
    KT_ASSERT_STATUS(KeWaitForSingleObject(&Timer, Executive, KernelMode, FALSE, NULL),
                     STATUS_SUCCESS);
    KeFlushQueuedDpcs();
    KT_ASSERT_EQ(Record.Runs, 4);
    KT_ASSERT_EQ(Record.Irql, DISPATCH_LEVEL);
}

/* A DPC whose DISPATCH_LEVEL self-IPI has not been delivered yet (on real
 * hardware the IPI comes some time after it is sent; here interrupts are
 * held off so that it cannot come at all) has run when KeFlushQueuedDpcs
 * returns: the flush drains the queue itself. The IPI then arrives and
 * finds nothing left to run. */
KTEST(KeFlushQueuedDpcsDrainsBeforeTheIpiArrives)
{
    KTP_DPC_RECORD Record = {0};
    ULONG RunsBefore, RunsAfter;
    BOOLEAN Inserted;
    ULONG_PTR Flags;
    KDPC Dpc;

    KeInitializeDpc(&Dpc, KtpRecordDpc, &Record);
    /* Nothing may return early while interrupts are off: assert after. */
    Flags = KiDisableInterrupts();
    Inserted = KeInsertQueueDpc(&Dpc, NULL, NULL);
    RunsBefore = Record.Runs;
    KeFlushQueuedDpcs();
    RunsAfter = Record.Runs;
    KiRestoreInterrupts(Flags);
    KT_ASSERT(Inserted);
    KT_ASSERT_EQ(RunsBefore, 0);
    KT_ASSERT_EQ(RunsAfter, 1);
    KT_ASSERT_EQ(Record.Irql, DISPATCH_LEVEL);
    /* The IPI has come now: the DPC does not run twice. */
    KeFlushQueuedDpcs();
    KT_ASSERT_EQ(Record.Runs, 1);
}

/* The WDK allows it only at PASSIVE_LEVEL. */
KTEST_BUGCHECK(KeFlushQueuedDpcsAtDispatchStops, IRQL_NOT_LESS_OR_EQUAL)
{
    KIRQL OldIrql;

    KeRaiseIrql(DISPATCH_LEVEL, &OldIrql);
    KeFlushQueuedDpcs();
    KeLowerIrql(OldIrql);
}

/* The order DPCs run in: each appends its context's number. */
static KTP_DPC_RECORD KtpOrder;
static KDEFERRED_ROUTINE KtpOrderDpc;

static VOID
KtpOrderDpc(PKDPC Dpc, PVOID DeferredContext, PVOID SystemArgument1, PVOID SystemArgument2)
{
    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(SystemArgument1);
    UNREFERENCED_PARAMETER(SystemArgument2);
    if (KtpOrder.OrderCount < 4) {
        KtpOrder.Order[KtpOrder.OrderCount++] = (ULONG)(ULONG_PTR)DeferredContext;
    }
}

KTEST(HighImportanceDpcRunsFirst)
{
    KDPC First, Second, Urgent;
    KIRQL OldIrql;

    RtlZeroMemory(&KtpOrder, sizeof(KtpOrder));
    KeInitializeDpc(&First, KtpOrderDpc, (PVOID)1);
    KeInitializeDpc(&Second, KtpOrderDpc, (PVOID)2);
    KeInitializeDpc(&Urgent, KtpOrderDpc, (PVOID)3);
    KeSetImportanceDpc(&Urgent, HighImportance);
    KeSetTargetProcessorDpc(&Urgent, 0);
    KeRaiseIrql(DISPATCH_LEVEL, &OldIrql);
    KeInsertQueueDpc(&First, NULL, NULL);
    KeInsertQueueDpc(&Second, NULL, NULL);
    KeInsertQueueDpc(&Urgent, NULL, NULL);
    KeLowerIrql(OldIrql);
    KT_ASSERT_EQ(KtpOrder.OrderCount, 3);
    KT_ASSERT_EQ(KtpOrder.Order[0], 3);
    KT_ASSERT_EQ(KtpOrder.Order[1], 1);
    KT_ASSERT_EQ(KtpOrder.Order[2], 2);
}

/* IoInitializeDpcRequest/IoRequestDpc, the WDK's inlines over the device
 * object's own KDPC: DpcForIsr gets the device object as its context and
 * the IRP and context IoRequestDpc passed; a second request before it runs
 * is dropped, as KeInsertQueueDpc drops it. */
typedef struct _KTP_DPC_FOR_ISR_RECORD {
    volatile ULONG Runs;
    PKDPC Dpc;
    PDEVICE_OBJECT DeviceObject;
    PIRP Irp;
    PVOID Context;
    KIRQL Irql;
} KTP_DPC_FOR_ISR_RECORD;

static KTP_DPC_FOR_ISR_RECORD KtpDpcForIsr;
static IO_DPC_ROUTINE KtpDpcForIsrRoutine;

static VOID
KtpDpcForIsrRoutine(PKDPC Dpc, PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    KtpDpcForIsr.Dpc = Dpc;
    KtpDpcForIsr.DeviceObject = DeviceObject;
    KtpDpcForIsr.Irp = Irp;
    KtpDpcForIsr.Context = Context;
    KtpDpcForIsr.Irql = KeGetCurrentIrql();
    KtpDpcForIsr.Runs++;
}

KTEST(IoRequestDpcRunsDpcForIsr)
{
    static DEVICE_OBJECT Device;
    static ULONG FakeIrp;
    KIRQL OldIrql;

    RtlZeroMemory(&KtpDpcForIsr, sizeof(KtpDpcForIsr));
    IoInitializeDpcRequest(&Device, KtpDpcForIsrRoutine);
    KeRaiseIrql(DISPATCH_LEVEL, &OldIrql);
    IoRequestDpc(&Device, (PIRP)&FakeIrp, (PVOID)7);
    IoRequestDpc(&Device, NULL, (PVOID)8);      /* already queued: dropped */
    KT_ASSERT_EQ(KtpDpcForIsr.Runs, 0);
    KeLowerIrql(OldIrql);
    KT_ASSERT_EQ(KtpDpcForIsr.Runs, 1);
    KT_ASSERT(KtpDpcForIsr.Dpc == &Device.Dpc);
    KT_ASSERT(KtpDpcForIsr.DeviceObject == &Device);
    KT_ASSERT(KtpDpcForIsr.Irp == (PIRP)&FakeIrp);
    KT_ASSERT_EQ(KtpDpcForIsr.Context, 7);
    KT_ASSERT_EQ(KtpDpcForIsr.Irql, DISPATCH_LEVEL);
}

/* A DPC that spins for 300 ms: the clock interrupt sees it past the
 * 100 ms limit and stops the machine with DPC_WATCHDOG_VIOLATION. */
static KDEFERRED_ROUTINE KtpRunawayDpc;

static VOID
KtpRunawayDpc(PKDPC Dpc, PVOID DeferredContext, PVOID SystemArgument1, PVOID SystemArgument2)
{
    ULONG64 Start = KeQueryInterruptTime();

    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(DeferredContext);
    UNREFERENCED_PARAMETER(SystemArgument1);
    UNREFERENCED_PARAMETER(SystemArgument2);
    while (KeQueryInterruptTime() - Start < 300 * KI_100NS_PER_MS) {
        __asm__ __volatile__("pause");
    }
}

KTEST_BUGCHECK(DpcWatchdogStopsARunawayDpc, DPC_WATCHDOG_VIOLATION)
{
    static KDPC Dpc;

    KeInitializeDpc(&Dpc, KtpRunawayDpc, NULL);
    KeInsertQueueDpc(&Dpc, NULL, NULL);
}
