/*
 * kernel/ke/dpc.c - deferred procedure calls and the DPC watchdog.
 *
 * An ISR does the least it can at its device's IRQL and queues a DPC for
 * the rest; the DPC routine runs later at DISPATCH_LEVEL with interrupts
 * enabled, so other interrupts are served meanwhile. The queue is the
 * PRCB's DpcListHead. Inserting a DPC requests the DISPATCH_LEVEL software
 * interrupt (vector 0x2F, a LAPIC self-IPI); the LAPIC holds it pending
 * until the task priority (CR8) drops below DISPATCH_LEVEL, and then
 * KiDispatchInterruptHandler drains the queue. So a DPC queued at or above
 * DISPATCH_LEVEL runs when KeLowerIrql goes below it, and one queued at
 * PASSIVE_LEVEL runs at once.
 *
 * A DPC is queued at most once: DpcData is non-NULL while it is in a queue,
 * and a second KeInsertQueueDpc returns FALSE without touching it.
 */
#include "kernel/ke/dispatcher.h"
#include "kernel/ke/thread.h"
#include "kernel/ke/ki.h"
#include "hal/halp.h"
#include "kernel/rtl/crt.h"

/* What the watchdog does (command line "dpcwatchdog=report|off"): stop
 * the machine as Windows does, or only report once per DPC, e.g. for
 * benchmarks that run long DPCs on purpose. */
typedef enum _KI_DPC_WATCHDOG_MODE {
    KiDpcWatchdogBugCheck,
    KiDpcWatchdogReport,
    KiDpcWatchdogOff
} KI_DPC_WATCHDOG_MODE;

static KI_DPC_WATCHDOG_MODE KiDpcWatchdogMode = KiDpcWatchdogBugCheck;

VOID
KiInitializeDpcQueue(PKPRCB Prcb)
{
    CHAR Value[16];

    InitializeListHead(&Prcb->DpcListHead);
    Prcb->DpcQueueDepth = 0;
    Prcb->DpcRoutineActive = FALSE;
    Prcb->DpcRequested = FALSE;
    if (KiCommandLineValue("dpcwatchdog", Value, sizeof(Value))) {
        if (strcmp(Value, "off") == 0) {
            KiDpcWatchdogMode = KiDpcWatchdogOff;
        } else if (strcmp(Value, "report") == 0) {
            KiDpcWatchdogMode = KiDpcWatchdogReport;
        } else {
            DbgPrint("DPC watchdog: \"dpcwatchdog=%s\" is not report or off; it bugchecks\n",
                     Value);
        }
    }
}

/* Any IRQL: it only fills in fields. */
VOID NTAPI
KeInitializeDpc(PRKDPC Dpc, PKDEFERRED_ROUTINE DeferredRoutine, PVOID DeferredContext)
{
    Dpc->Type = KI_DPC_OBJECT;
    Dpc->Importance = MediumImportance;
    Dpc->Number = 0;
    Dpc->DpcListEntry.Flink = NULL;
    Dpc->DpcListEntry.Blink = NULL;
    Dpc->DeferredRoutine = DeferredRoutine;
    Dpc->DeferredContext = DeferredContext;
    Dpc->SystemArgument1 = NULL;
    Dpc->SystemArgument2 = NULL;
    Dpc->DpcData = NULL;
}

/* A DPC whose Type is not DpcObject was never initialized (or has been
 * overwritten); queueing it would call a garbage routine later, far from
 * the bug. */
static VOID
KipCheckDpc(PKDPC Dpc)
{
    if (Dpc == NULL || Dpc->Type != KI_DPC_OBJECT || Dpc->DeferredRoutine == NULL) {
        DbgPrint("KeInsertQueueDpc: %p is not an initialized KDPC (KeInitializeDpc first)\n",
                 Dpc);
        KeBugCheckEx(TIMER_OR_DPC_INVALID, 1, (ULONG_PTR)Dpc,
                     Dpc != NULL ? (ULONG_PTR)Dpc->DeferredRoutine : 0,
                     (ULONG_PTR)__builtin_return_address(0));
    }
}

/* Interrupts off. */
BOOLEAN
KiInsertQueueDpc(PKPRCB Prcb, PKDPC Dpc, PVOID SystemArgument1, PVOID SystemArgument2)
{
    if (Dpc->DpcData != NULL) {
        return FALSE;
    }
    Dpc->DpcData = &Prcb->DpcListHead;
    Dpc->SystemArgument1 = SystemArgument1;
    Dpc->SystemArgument2 = SystemArgument2;
    if (Dpc->Importance == HighImportance) {
        InsertHeadList(&Prcb->DpcListHead, &Dpc->DpcListEntry);
    } else {
        InsertTailList(&Prcb->DpcListHead, &Dpc->DpcListEntry);
    }
    Prcb->DpcQueueDepth++;
    /* A running drain will find it; otherwise ask for one, once. */
    if (!Prcb->DpcRoutineActive && !Prcb->DpcRequested) {
        Prcb->DpcRequested = TRUE;
        HalRequestSoftwareInterrupt(DISPATCH_LEVEL);
    }
    return TRUE;
}

/* Any IRQL, including from an ISR. */
BOOLEAN NTAPI
KeInsertQueueDpc(PRKDPC Dpc, PVOID SystemArgument1, PVOID SystemArgument2)
{
    ULONG_PTR Flags;
    BOOLEAN Inserted;

    KipCheckDpc(Dpc);
    Flags = KiDisableInterrupts();
    Inserted = KiInsertQueueDpc(KeGetCurrentPrcb(), Dpc, SystemArgument1, SystemArgument2);
    KiRestoreInterrupts(Flags);
    return Inserted;
}

/* Any IRQL. A DPC whose routine has already started is no longer queued:
 * it cannot be recalled, and FALSE says so. */
BOOLEAN NTAPI
KeRemoveQueueDpc(PRKDPC Dpc)
{
    PKPRCB Prcb = KeGetCurrentPrcb();
    ULONG_PTR Flags = KiDisableInterrupts();
    BOOLEAN Removed = FALSE;

    if (Dpc->DpcData != NULL) {
        RemoveEntryList(&Dpc->DpcListEntry);
        Dpc->DpcData = NULL;
        Prcb->DpcQueueDepth--;
        Removed = TRUE;
    }
    KiRestoreInterrupts(Flags);
    return Removed;
}

/* PASSIVE_LEVEL (the WDK's rule: it may wait). Returns once every DPC
 * queued before the call, on every processor, has run; drivers call it
 * before freeing what their DPCs touch (after KeRemoveQueueDpc, or after
 * disconnecting an interrupt whose ISR queues one). A DPC found still
 * queued here is one whose DISPATCH_LEVEL self-IPI has been sent but not
 * yet taken: the local APIC delivers an IPI some time after the ICR write
 * (SDM vol. 3A 11.6), not by the next instruction, so lowering the IRQL
 * alone proves nothing. The queue is drained here instead, at
 * DISPATCH_LEVEL as the software interrupt would; the IPI, when it comes,
 * finds the queue empty and does the rest of its work (a thread switch a
 * DPC asked for).
 * FIXME: with application processors, each other processor's queue must
 * be drained too (a DPC, or an IPI, that runs there and signals back). */
VOID NTAPI
KeFlushQueuedDpcs(VOID)
{
    KIRQL Irql = KeGetCurrentIrql();
    PKPRCB Prcb;
    ULONG_PTR Flags;

    if (Irql != PASSIVE_LEVEL) {
        DbgPrint("KeFlushQueuedDpcs: called at IRQL %u from %pS; it must be called at "
                 "PASSIVE_LEVEL\n", Irql, __builtin_return_address(0));
        KeBugCheckEx(IRQL_NOT_LESS_OR_EQUAL, Irql, PASSIVE_LEVEL, 0,
                     (ULONG_PTR)__builtin_return_address(0));
    }
    Irql = KeRaiseIrqlToDpcLevel();
    Prcb = KeGetCurrentPrcb();
    Flags = KiDisableInterrupts();
    if (!Prcb->DpcRoutineActive && !IsListEmpty(&Prcb->DpcListHead)) {
        KiRetireDpcList(Prcb);
    }
    KiRestoreInterrupts(Flags);
    KeLowerIrql(Irql);
}

/* Any IRQL; takes effect at the next insertion. */
VOID NTAPI
KeSetImportanceDpc(PRKDPC Dpc, KDPC_IMPORTANCE Importance)
{
    Dpc->Importance = (UCHAR)Importance;
}

/* Any IRQL. There is one processor until SMP start-up exists, so 0 is the
 * only target; any other is a caller's mistake, said so and ignored (the
 * DPC keeps running on processor 0, which is where it would run anyway). */
VOID NTAPI
KeSetTargetProcessorDpc(PRKDPC Dpc, CCHAR Number)
{
    if (Number < 0 || (ULONG)Number >= KI_MAXIMUM_PROCESSORS) {
        DbgPrint("KeSetTargetProcessorDpc: processor %d does not exist (%u processor%s); "
                 "DPC %p stays on processor 0\n",
                 Number, KI_MAXIMUM_PROCESSORS, KI_MAXIMUM_PROCESSORS == 1 ? "" : "s", Dpc);
        return;
    }
    Dpc->Number = (USHORT)Number;
}

/* Runs at DISPATCH_LEVEL; entered and left with interrupts off, each
 * routine called with them on. The routine's fields are copied before the
 * DPC is marked unqueued, because the routine (or an ISR meanwhile) may
 * queue the same DPC again with new arguments. */
VOID
KiRetireDpcList(PKPRCB Prcb)
{
    Prcb->DpcRoutineActive = TRUE;
    while (!IsListEmpty(&Prcb->DpcListHead)) {
        PKDPC Dpc = CONTAINING_RECORD(RemoveHeadList(&Prcb->DpcListHead), KDPC, DpcListEntry);
        PKDEFERRED_ROUTINE Routine = Dpc->DeferredRoutine;
        PVOID Context = Dpc->DeferredContext;
        PVOID Argument1 = Dpc->SystemArgument1;
        PVOID Argument2 = Dpc->SystemArgument2;

        Dpc->DpcData = NULL;
        Prcb->DpcQueueDepth--;
        Prcb->ActiveDpcStartTime = KeQueryInterruptTime();
        Prcb->ActiveDpcRoutine = (PVOID)Routine;
        __asm__ __volatile__("sti" : : : "memory");
        Routine(Dpc, Context, Argument1, Argument2);
        __asm__ __volatile__("cli" : : : "memory");
        Prcb->ActiveDpcRoutine = NULL;
        Prcb->DpcCount++;
    }
    Prcb->DpcRoutineActive = FALSE;
    Prcb->DpcRequested = FALSE;
}

/* The C half of vector 0x2F. The LAPIC delivered it because CR8 dropped
 * below DISPATCH_LEVEL; raise to DISPATCH_LEVEL, acknowledge it (a new
 * request may then be latched), drain, switch threads if a DPC (or the
 * clock's quantum end) asked for it (kernel/ke/sched.c), and go back to
 * the interrupted IRQL with interrupts off so that iretq restores IF
 * atomically. A thread switched out here resumes here. */
VOID
KiDispatchInterruptHandler(PKTRAP_FRAME TrapFrame)
{
    PKPRCB Prcb = KeGetCurrentPrcb();
    KIRQL OldIrql = KiReadCr8();

    UNREFERENCED_PARAMETER(TrapFrame);
    KiWriteCr8(DISPATCH_LEVEL);
    HalpLapicEoi();
    KiRetireDpcList(Prcb);
    if (Prcb->NextThread != NULL || Prcb->QuantumEnd) {
        KiDispatchInterruptSwitch(Prcb);
    }
    KiWriteCr8(OldIrql);
}

/* Called from the clock interrupt (CLOCK_LEVEL, interrupts off). A single
 * DPC routine that has run longer than KI_DPC_WATCHDOG_LIMIT stops the
 * machine with DPC_WATCHDOG_VIOLATION as on Windows: P1 = 0 (a single DPC
 * exceeded its allotment), P2 = the ticks it ran, P3 = the allotment in
 * ticks, P4 = the routine. The trap frame shows where the routine was. */
VOID
KiCheckDpcWatchdog(PKPRCB Prcb, ULONG64 Now, PKTRAP_FRAME TrapFrame)
{
    PVOID Routine = Prcb->ActiveDpcRoutine;
    KTRAP_FRAME Interrupted;
    ULONG64 Elapsed;

    if (Routine == NULL || KiDpcWatchdogMode == KiDpcWatchdogOff) {
        return;
    }
    /* Signed: the start time may lie in the future (report mode). */
    Elapsed = Now - Prcb->ActiveDpcStartTime;
    if ((LONG64)Elapsed <= (LONG64)KI_DPC_WATCHDOG_LIMIT) {
        return;
    }
    DbgPrint("DPC_WATCHDOG_VIOLATION: the DPC routine %pS has run for %llu ms (limit %llu ms)\n",
             Routine, Elapsed / KI_100NS_PER_MS, KI_DPC_WATCHDOG_LIMIT / KI_100NS_PER_MS);
    if (KiDpcWatchdogMode == KiDpcWatchdogReport) {
        /* Once per routine run: move its start far into the future. */
        Prcb->ActiveDpcStartTime = Now + (1ULL << 62);
        return;
    }
    /* The report shows the registers of the routine, interrupted; the
     * clock vector itself is no fault, so the frame is not called a trap. */
    Interrupted = *TrapFrame;
    Interrupted.Vector = KI_NO_VECTOR;
    KiBugCheckWithTrapFrame(DPC_WATCHDOG_VIOLATION, 0, Elapsed / KI_TIME_INCREMENT,
                            KI_DPC_WATCHDOG_LIMIT / KI_TIME_INCREMENT, (ULONG_PTR)Routine,
                            &Interrupted);
}
