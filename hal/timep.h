/*
 * hal/timep.h - the HAL's time sources: the TSC, the HPET, the 8254 PIT,
 * the CMOS real-time clock and the local APIC timer.
 *
 * The kernel keeps time with the TSC and interrupts with the LAPIC timer;
 * neither has a documented frequency, so both are measured at boot against
 * a clock that has one: the HPET (its period is in its capabilities
 * register) or, on a machine without one, the PIT (1.193182 MHz). The RTC
 * gives the date once, at boot.
 */
#ifndef KESTREL_HAL_TIMEP_H
#define KESTREL_HAL_TIMEP_H

#include <wdm.h>
#include "kernel/ke/dispatcher.h"

/* The time-stamp counter (Intel SDM Vol. 3B 18.17). RDTSC is not ordered
 * with earlier loads; the timing here is coarse enough not to need LFENCE. */
FORCEINLINE ULONG64
HalpReadTsc(VOID)
{
    ULONG Low, High;

    __asm__ __volatile__("rdtsc" : "=a"(Low), "=d"(High));
    return ((ULONG64)High << 32) | Low;
}

/* What calibration found (hal/tsc.c). */
typedef struct _HAL_TIME_CALIBRATION {
    ULONG64 TscFrequency;       /* Hz */
    ULONG64 ApicTimerFrequency; /* Hz, at divide-by-1 */
    PCSTR Source;               /* "HPET" or "PIT" */
    BOOLEAN InvariantTsc;       /* CPUID 80000007h EDX[8] */
    BOOLEAN TscDeadline;        /* CPUID 1 ECX[24] */
} HAL_TIME_CALIBRATION, *PHAL_TIME_CALIBRATION;

/* Measures the TSC and the LAPIC timer against the HPET, or the PIT when
 * there is no usable HPET or the command line says "timesource=pit".
 * PASSIVE_LEVEL, interrupts off, after MmInitSystem, ACPI and the LAPIC. */
VOID HalpCalibrateTimers(_Out_ PHAL_TIME_CALIBRATION Calibration);

/* The HPET (hal/hpet.c): maps and starts it; FALSE when ACPI lists none or
 * it is unusable (a message says why). */
BOOLEAN HalpHpetInitialize(VOID);
ULONG64 HalpHpetReadCounter(VOID);
extern ULONG64 HalpHpetPeriodFs;     /* femtoseconds per main-counter tick */

/* The PIT (hal/pit.c): runs channel 2 for Ticks of its 1.193182 MHz clock
 * (at most 65535) and calls Sample at the start and at the end, so that the
 * caller reads its own counters as close as possible to both edges. */
#define HAL_PIT_FREQUENCY 1193182ULL
typedef VOID HAL_PIT_SAMPLE(PVOID Context, BOOLEAN End);
VOID HalpPitMeasure(USHORT Ticks, HAL_PIT_SAMPLE *Sample, PVOID Context);

/* The CMOS real-time clock (hal/rtc.c): FALSE when it never settled or
 * holds nonsense. */
BOOLEAN HalpReadRtc(_Out_ PKI_CALENDAR_TIME Time);

/* The local APIC timer (hal/apictimer.c), divide-by-1, one-shot. */
VOID HalpApicTimerInitialize(ULONG Vector);     /* masked, stopped */
VOID HalpApicTimerFreeRun(VOID);                /* masked, counting down from 2^32-1 */
ULONG HalpApicTimerCurrentCount(VOID);
VOID HalpApicTimerArm(ULONG Count);             /* unmasked: interrupt after Count */
VOID HalpApicTimerStop(VOID);

#endif /* KESTREL_HAL_TIMEP_H */
