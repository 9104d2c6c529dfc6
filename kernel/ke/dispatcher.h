/*
 * kernel/ke/dispatcher.h - kernel internals of DPCs, the clock, timers,
 * events and waits (kernel/ke/dpc.c, clock.c, timer.c, wait.c, time.c), and
 * the pure arithmetic they share (timemath.c, timerq.c: host-tested).
 *
 * How a timer expiry reaches a DPC routine (one processor, one-shot clock):
 *
 *   LAPIC timer reaches 0 ---> vector 0xD1, KiClockInterrupt (CLOCK_LEVEL)
 *        first timer due? ---> queue Prcb->TimerExpirationDpc, reprogram the
 *                              one-shot for the next due time (or one tick)
 *   EOI, CR8 back, iretq ----> vector 0x2F pending (self-IPI), delivered as
 *                              soon as IRQL < DISPATCH_LEVEL
 *   KiDispatchInterrupt -----> CR8 = DISPATCH_LEVEL, sti, KiRetireDpcList:
 *        KiTimerExpiration     signals due timers, queues their DPCs
 *        the timer's DPC       runs in the same pass, no new interrupt
 */
#ifndef KESTREL_KERNEL_KE_DISPATCHER_H
#define KESTREL_KERNEL_KE_DISPATCHER_H

#include <wdm.h>

/* Kernel object types (Windows' KOBJECTS values) for DISPATCHER_HEADER.Type
 * and KDPC.Type. */
#define KI_EVENT_NOTIFICATION_OBJECT 0
#define KI_EVENT_SYNCHRONIZATION_OBJECT 1
#define KI_MUTANT_OBJECT 2
#define KI_SEMAPHORE_OBJECT 5
#define KI_THREAD_OBJECT 6
#define KI_TIMER_NOTIFICATION_OBJECT 8
#define KI_TIMER_SYNCHRONIZATION_OBJECT 9
#define KI_DPC_OBJECT 19

/* The vectors are hal/halp.h's: HAL_DISPATCH_VECTOR (0x2F, the DISPATCH_LEVEL
 * software interrupt) and HAL_CLOCK_VECTOR (0xD1, CLOCK_LEVEL). */

/* The clock's longest interval: 1 ms in 100 ns units. The one-shot clock
 * fires at the next timer's due time or after this long, whichever comes
 * first, so that tick counts and the DPC watchdog advance when no timer
 * is armed. */
#define KI_TIME_INCREMENT 10000ULL

/* basetsd.h's limits, which ntdef.h does not carry yet. */
#ifndef MAXULONG64
#define MAXULONG64 (~(ULONG64)0)
#endif
#ifndef MINLONGLONG
#define MINLONGLONG (~MAXLONGLONG)
#endif

/* 100 ns units per second and per millisecond. */
#define KI_100NS_PER_SECOND 10000000ULL
#define KI_100NS_PER_MS 10000ULL

/* ---------------------------------------------------------------------------
 * Pure arithmetic (timemath.c), host-tested.
 */

/* A 64.64 fixed-point factor: Scale(x) = x * Whole + (x * Fraction) >> 64.
 * Converting between clock rates without a 128-bit division per call. */
typedef struct _KI_SCALE {
    ULONG64 Whole;
    ULONG64 Fraction;
} KI_SCALE, *PKI_SCALE;

/* Value * Multiplier / Divisor with a 128-bit intermediate; saturates at
 * MAXULONG64 when the quotient does not fit (and when Divisor is 0). */
ULONG64 KiMulDiv64(ULONG64 Value, ULONG64 Multiplier, ULONG64 Divisor);

/* The factor that turns a count at FromHz into a count at ToHz. */
VOID KiComputeScale(_Out_ PKI_SCALE Scale, ULONG64 ToHz, ULONG64 FromHz);

FORCEINLINE ULONG64
KiScale(const KI_SCALE *Scale, ULONG64 Value)
{
    return Value * Scale->Whole +
           (ULONG64)(((unsigned __int128)Value * Scale->Fraction) >> 64);
}

/* A frequency from a calibration sample: Counts of the measured clock while
 * the reference advanced ReferenceTicks at ReferenceHz. */
ULONG64 KiFrequencyFromSample(ULONG64 Counts, ULONG64 ReferenceTicks, ULONG64 ReferenceHz);

/* A CMOS date and time, already converted from BCD and 12-hour form. */
typedef struct _KI_CALENDAR_TIME {
    ULONG Year;             /* full year, e.g. 2024 */
    ULONG Month;            /* 1-12 */
    ULONG Day;              /* 1-31 */
    ULONG Hour;             /* 0-23 */
    ULONG Minute;
    ULONG Second;
} KI_CALENDAR_TIME, *PKI_CALENDAR_TIME;

/* 100 ns units since 1 January 1601 (the Gregorian calendar throughout),
 * or -1 when a field is out of range (year 1601-30827). */
LONGLONG KiCalendarToSystemTime(_In_ const KI_CALENDAR_TIME *Time);

/* A CMOS register value in BCD (Bcd TRUE) or binary, to binary. */
ULONG KiCmosValue(UCHAR Raw, BOOLEAN Bcd);

/* The hour in CMOS form to 0-23: in 12-hour mode bit 7 means PM and 12 is
 * midnight/noon. */
ULONG KiCmosHour(UCHAR Raw, BOOLEAN Bcd, BOOLEAN TwentyFourHour);

/* The interrupt time at which a KeSetTimer/KeWaitForSingleObject DueTime
 * falls: negative = relative to Now, positive = absolute system time, with
 * BootSystemTime the system time at interrupt time 0. Never earlier than
 * Now (an absolute time in the past is due at once). */
ULONG64 KiDueTimeToInterruptTime(LONGLONG DueTime, ULONG64 Now, LONGLONG BootSystemTime);

/* ---------------------------------------------------------------------------
 * The timer queue (timerq.c): armed KTIMERs on a list sorted by
 * DueTime.QuadPart, earliest first, equal times in arming order. Pure list
 * logic, host-tested; the caller has interrupts off.
 */

/* Links Timer in; TRUE when it became the first (the clock must be
 * reprogrammed if it is due sooner than the clock's next interrupt). */
BOOLEAN KiTimerQueueInsert(_Inout_ PLIST_ENTRY ListHead, _Inout_ PKTIMER Timer);

/* The first timer's due time, or MAXULONG64 with no timer armed. */
ULONG64 KiTimerQueueFirstDue(_In_ const LIST_ENTRY *ListHead);

/* Unlinks and returns the first timer if it is due at Now, else NULL. */
PKTIMER KiTimerQueueRemoveDue(_Inout_ PLIST_ENTRY ListHead, ULONG64 Now);

/* A periodic timer's next due time: one Period after the last, or, when the
 * processor fell so far behind that it has passed too, one Period after
 * Now (missed periods are skipped, not fired in a burst). */
ULONG64 KiNextPeriodicDue(ULONG64 LastDue, ULONG64 Period, ULONG64 Now);

#ifndef KESTREL_HOST_TEST
/* ---------------------------------------------------------------------------
 * The kernel side.
 */
#include "kernel/ke/ki.h"

/* Interrupts off around the PRCB's queues: on one processor that excludes
 * every ISR and DPC. SMP will add the PRCB's DPC and timer spin locks. */
FORCEINLINE ULONG_PTR
KiDisableInterrupts(VOID)
{
    ULONG_PTR Flags;

    __asm__ __volatile__("pushfq; popq %0; cli" : "=r"(Flags) : : "memory");
    return Flags;
}

FORCEINLINE VOID
KiRestoreInterrupts(ULONG_PTR Flags)
{
    if (Flags & 0x200) {        /* RFLAGS.IF */
        __asm__ __volatile__("sti" : : : "memory");
    }
}

/* CR8 is the task priority: IRQL on x64 (Intel SDM Vol. 3A 10.8.6). The
 * interrupt entries below set it themselves; everyone else uses
 * KeGetCurrentIrql/KeRaiseIrql/KeLowerIrql. */
FORCEINLINE KIRQL
KiReadCr8(VOID)
{
    ULONG_PTR Value;

    __asm__ __volatile__("mov %%cr8, %0" : "=r"(Value));
    return (KIRQL)Value;
}

FORCEINLINE VOID
KiWriteCr8(KIRQL Irql)
{
    __asm__ __volatile__("mov %0, %%cr8" : : "r"((ULONG_PTR)Irql) : "memory");
}

/* Time (time.c). Frequencies in Hz, set once by KiInitializeTime. */
extern ULONG64 KiTscFrequency;
extern ULONG64 KiApicTimerFrequency;
extern ULONG64 KiTscAtBoot;             /* TSC at interrupt time 0 */
extern LONGLONG KiBootSystemTime;       /* system time at interrupt time 0 */
extern KI_SCALE KiTscTo100ns;
extern KI_SCALE KiInterruptTimeToTsc;   /* 100 ns -> TSC ticks */
extern KI_SCALE KiInterruptTimeToApic;  /* 100 ns -> LAPIC timer ticks */
extern BOOLEAN KiTimeInitialized;

/* The interrupt time of a TSC reading. */
FORCEINLINE ULONG64
KiTscToInterruptTime(ULONG64 Tsc)
{
    return KiScale(&KiTscTo100ns, Tsc - KiTscAtBoot);
}

/* Calibrates the TSC and the LAPIC timer, reads the RTC, sets up the PRCB's
 * queues, prints the "Time:" boot line. PASSIVE_LEVEL, interrupts off, once,
 * after MmInitSystem, ACPI and the LAPIC. */
VOID KiInitializeTime(VOID);

/* Installs the clock and DISPATCH_LEVEL vectors and starts the clock. */
VOID KiInitializeClock(VOID);

/* DPCs (dpc.c). */
VOID KiInitializeDpcQueue(PKPRCB Prcb);
/* Runs the queued DPCs at DISPATCH_LEVEL with interrupts enabled until the
 * queue is empty. Called with interrupts off; returns with them off. */
VOID KiRetireDpcList(PKPRCB Prcb);

/* The DPC watchdog (dpc.c): a single DPC routine may run this long. */
#define KI_DPC_WATCHDOG_LIMIT (100 * KI_100NS_PER_MS)
/* Called by the clock interrupt with the current interrupt time. */
VOID KiCheckDpcWatchdog(PKPRCB Prcb, ULONG64 Now, PKTRAP_FRAME TrapFrame);

/* The interrupt entries (kernel/ke/kientry.asm) and their C halves. */
extern UCHAR KiDispatchInterrupt[];
extern UCHAR KiClockInterrupt[];
VOID KiDispatchInterruptHandler(PKTRAP_FRAME TrapFrame);
VOID KiClockInterruptHandler(PKTRAP_FRAME TrapFrame);

/* The clock (clock.c). */
/* Programs the one-shot clock to fire at interrupt time DueTime (at once
 * if it has passed), or one tick from now if that is sooner. Interrupts
 * off. */
VOID KiSetClockDeadline(PKPRCB Prcb, ULONG64 DueTime);
/* The latency benchmark borrows the LAPIC timer (kernel/ke/clock.c).
 * Interrupts off. */
VOID KiSuspendClock(VOID);
VOID KiResumeClock(VOID);
/* The TSC value the one-shot clock was last programmed to expire at: the
 * latency benchmark's reference point. */
extern volatile ULONG64 KiClockProgrammedTsc;
/* The programmed expiry of the interrupt being (or last) handled: copied
 * from KiClockProgrammedTsc on entry, before the clock is reprogrammed, so
 * that a DPC can compute its latency as RDTSC - KiClockLastExpiryTsc. */
extern volatile ULONG64 KiClockLastExpiryTsc;
/* An optional hook the benchmark sets: called first thing in the clock
 * interrupt's C half, at CLOCK_LEVEL. */
extern VOID (*volatile KiClockInterruptHook)(PKTRAP_FRAME TrapFrame);

/* Timers (timer.c). */
KDEFERRED_ROUTINE KiTimerExpiration;
/* Arms Timer for interrupt time DueTime; interrupts off. */
VOID KiInsertTimer(PKPRCB Prcb, PKTIMER Timer, ULONG64 DueTime);

/* Queues Dpc unless it is queued already; interrupts off. Requests the
 * DISPATCH_LEVEL software interrupt when the drain is not running. */
BOOLEAN KiInsertQueueDpc(PKPRCB Prcb, PKDPC Dpc, PVOID SystemArgument1, PVOID SystemArgument2);

#endif /* !KESTREL_HOST_TEST */

#endif /* KESTREL_KERNEL_KE_DISPATCHER_H */
