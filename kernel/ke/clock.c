/*
 * kernel/ke/clock.c - the clock interrupt.
 *
 * The clock is the local APIC timer in one-shot mode at vector 0xD1
 * (CLOCK_LEVEL). Each interrupt programs the next one for the first armed
 * timer's due time, or one tick (1 ms) later if that is sooner. Why
 * one-shot rather than a periodic 1 ms tick:
 *
 *   - a timer fires when it is due, not at the next tick boundary: the
 *     latency from due time to DPC is the interrupt path alone, which is
 *     what the benchmark measures (KiClockProgrammedTsc is its reference);
 *   - the tick stays as a ceiling so that KeQueryTickCount, the DPC
 *     watchdog and waits keep advancing with nothing armed. 1 kHz is a
 *     load QEMU's software CPU carries easily.
 *
 * The interrupt does little: it decides whether a timer is due and, if
 * so, queues the PRCB's timer-expiration DPC (kernel/ke/timer.c), which
 * does the list work at DISPATCH_LEVEL with interrupts enabled.
 */
#include "kernel/ke/dispatcher.h"
#include "kernel/ke/thread.h"
#include "hal/halp.h"
#include "hal/timep.h"

volatile ULONG64 KiClockProgrammedTsc;
volatile ULONG64 KiClockLastExpiryTsc;
VOID (*volatile KiClockInterruptHook)(PKTRAP_FRAME TrapFrame);

static KI_SCALE KiApicToTsc;
static BOOLEAN KiClockRunning;
/* TRUE while the latency benchmark has the LAPIC timer (KiSuspendClock). */
static volatile BOOLEAN KiClockSuspended;

/* Interrupts off. */
VOID
KiSetClockDeadline(PKPRCB Prcb, ULONG64 DueTime)
{
    ULONG64 Tsc = HalpReadTsc();
    ULONG64 Now = KiTscToInterruptTime(Tsc);
    ULONG64 Count;

    if (DueTime > Now + KI_TIME_INCREMENT) {
        DueTime = Now + KI_TIME_INCREMENT;
    }
    Count = DueTime > Now ? KiScale(&KiInterruptTimeToApic, DueTime - Now) : 1;
    if (Count == 0) {
        Count = 1;
    } else if (Count > 0xFFFFFFFFULL) {
        Count = 0xFFFFFFFFULL;  /* a LAPIC timer over 4.29 GHz; the tick is shorter */
    }
    Prcb->NextClockTime = DueTime;
    KiClockProgrammedTsc = Tsc + KiScale(&KiApicToTsc, Count);
    HalpApicTimerArm((ULONG)Count);
}

/* The C half of vector 0xD1: CLOCK_LEVEL, interrupts off throughout. */
VOID
KiClockInterruptHandler(PKTRAP_FRAME TrapFrame)
{
    PKPRCB Prcb = KeGetCurrentPrcb();
    KIRQL OldIrql = KiReadCr8();
    ULONG64 Now;
    ULONG64 FirstDue;

    KiWriteCr8(CLOCK_LEVEL);
    if (KiClockSuspended) {
        /* Fired just before the benchmark took the timer: not re-armed. */
        HalpLapicEoi();
        KiWriteCr8(OldIrql);
        return;
    }
    KiClockLastExpiryTsc = KiClockProgrammedTsc;
    if (KiClockInterruptHook != NULL) {
        KiClockInterruptHook(TrapFrame);
    }
    Now = KeQueryInterruptTime();
    Prcb->InterruptCount++;
    KiQuantumTick(Prcb, Now);           /* round-robin: kernel/ke/sched.c */
    FirstDue = KiTimerQueueFirstDue(&Prcb->TimerListHead);
    if (FirstDue <= Now) {
        /* The expiration DPC reprograms the clock once it has run the
         * due timers; until then the tick keeps the clock alive. */
        KiInsertQueueDpc(Prcb, &Prcb->TimerExpirationDpc, NULL, NULL);
        FirstDue = MAXULONG64;
    }
    KiSetClockDeadline(Prcb, FirstDue);
    KiCheckDpcWatchdog(Prcb, Now, TrapFrame);
    HalpLapicEoi();
    KiWriteCr8(OldIrql);
}

/* PASSIVE_LEVEL, interrupts off, once, after KiInitializeTime. Interrupts
 * may be enabled when it returns; the first tick comes 1 ms later. */
VOID
KiInitializeClock(VOID)
{
    PKPRCB Prcb = KeGetCurrentPrcb();
    ULONG_PTR Flags;

    if (KiClockRunning) {
        return;
    }
    KiComputeScale(&KiApicToTsc, KiTscFrequency, KiApicTimerFrequency);
    HalpSetIdtGate(HAL_DISPATCH_VECTOR, KiDispatchInterrupt, 0, 0);
    HalpSetIdtGate(HAL_CLOCK_VECTOR, KiClockInterrupt, 0, 0);
    Flags = KiDisableInterrupts();
    KiSetClockDeadline(Prcb, MAXULONG64);
    KiClockRunning = TRUE;
    KiRestoreInterrupts(Flags);
}

/*
 * The latency benchmark (bench/kernel/latency.c) borrows the LAPIC timer:
 * while suspended, the clock neither ticks nor fires timers, and a clock
 * interrupt already on its way is taken without re-arming. Resuming gives
 * the timer back on the clock vector and re-arms it for the first due
 * timer. Interrupts off for both.
 */
VOID
KiSuspendClock(VOID)
{
    KiClockSuspended = TRUE;
    HalpApicTimerStop();
}

VOID
KiResumeClock(VOID)
{
    HalpApicTimerInitialize(HAL_CLOCK_VECTOR);
    KiClockSuspended = FALSE;
    KiSetClockDeadline(KeGetCurrentPrcb(), KiTimerQueueFirstDue(&KeGetCurrentPrcb()->TimerListHead));
}
