/*
 * kernel/ke/time.c - what time it is: interrupt time, system time, the
 * performance counter, tick counts and short stalls.
 *
 * Everything derives from the TSC, calibrated at boot (hal/tsc.c):
 *
 *   interrupt time  = (TSC - TSC at boot) scaled to 100 ns units
 *   system time     = the RTC's date at boot (100 ns since 1601) + interrupt time
 *   tick count      = interrupt time / KeQueryTimeIncrement() (1 ms ticks)
 *   performance counter = TSC - TSC at boot, at the TSC's frequency
 *
 * The scale factors are 64.64 fixed point (kernel/ke/timemath.c), so
 * reading the time is an RDTSC and two multiplications at any IRQL.
 */
#include "kernel/ke/dispatcher.h"
#include "hal/halp.h"
#include "hal/timep.h"
#include "kernel/rtl/rtlp.h"

ULONG64 KiTscFrequency;
ULONG64 KiApicTimerFrequency;
ULONG64 KiTscAtBoot;
LONGLONG KiBootSystemTime;
KI_SCALE KiTscTo100ns;
KI_SCALE KiInterruptTimeToTsc;
KI_SCALE KiInterruptTimeToApic;
BOOLEAN KiTimeInitialized;

/* Any IRQL. 0 until KiInitializeTime has run. */
ULONGLONG NTAPI
KeQueryInterruptTime(VOID)
{
    return KiTscToInterruptTime(HalpReadTsc());
}

/* Any IRQL. */
VOID NTAPI
KeQuerySystemTime(PLARGE_INTEGER CurrentTime)
{
    CurrentTime->QuadPart = KiBootSystemTime + (LONGLONG)KeQueryInterruptTime();
}

/* Any IRQL. The clock interrupts at least once per increment, so this is
 * the number of clock ticks since boot. */
VOID NTAPI
KeQueryTickCount(PLARGE_INTEGER TickCount)
{
    TickCount->QuadPart = (LONGLONG)(KeQueryInterruptTime() / KI_TIME_INCREMENT);
}

/* Any IRQL: 100 ns units per clock tick. */
ULONG NTAPI
KeQueryTimeIncrement(VOID)
{
    return (ULONG)KI_TIME_INCREMENT;
}

/* Any IRQL. */
LARGE_INTEGER NTAPI
KeQueryPerformanceCounter(PLARGE_INTEGER PerformanceFrequency)
{
    LARGE_INTEGER Counter;

    if (PerformanceFrequency != NULL) {
        PerformanceFrequency->QuadPart = (LONGLONG)KiTscFrequency;
    }
    Counter.QuadPart = (LONGLONG)(HalpReadTsc() - KiTscAtBoot);
    return Counter;
}

/* Any IRQL; spins, so keep it short (Windows asks for at most 50 us).
 * Before calibration the TSC is assumed to run at 4 GHz, which waits at
 * least as long as asked on any slower processor. */
VOID NTAPI
KeStallExecutionProcessor(ULONG MicroSeconds)
{
    ULONG64 Start = HalpReadTsc();
    ULONG64 Ticks = KiTimeInitialized
                        ? KiScale(&KiInterruptTimeToTsc, (ULONG64)MicroSeconds * 10)
                        : (ULONG64)MicroSeconds * 4000;

    while (HalpReadTsc() - Start < Ticks) {
        __asm__ __volatile__("pause");
    }
}

/* "2.49 GHz" or "999.99 MHz": two decimals without floating point. */
static VOID
KipFormatFrequency(PCHAR Buffer, SIZE_T Size, ULONG64 Hz)
{
    if (Hz >= 1000000000ULL) {
        RtlpFormat(Buffer, Size, "%llu.%02llu GHz", Hz / 1000000000ULL,
                   (Hz / 10000000ULL) % 100);
    } else {
        RtlpFormat(Buffer, Size, "%llu.%02llu MHz", Hz / 1000000ULL, (Hz / 10000ULL) % 100);
    }
}

/* PASSIVE_LEVEL, interrupts off, once: after the LAPIC is up. */
VOID
KiInitializeTime(VOID)
{
    PKPRCB Prcb = KeGetCurrentPrcb();
    HAL_TIME_CALIBRATION Calibration;
    KI_CALENDAR_TIME Rtc;
    CHAR Tsc[24];
    CHAR Apic[24];

    KiInitializeDpcQueue(Prcb);
    InitializeListHead(&Prcb->TimerListHead);
    KeInitializeDpc(&Prcb->TimerExpirationDpc, KiTimerExpiration, NULL);
    KeSetImportanceDpc(&Prcb->TimerExpirationDpc, HighImportance);

    HalpApicTimerInitialize(HAL_CLOCK_VECTOR);
    HalpCalibrateTimers(&Calibration);
    if (Calibration.TscFrequency == 0 || Calibration.TscFrequency == MAXULONG64 ||
        Calibration.ApicTimerFrequency == 0 || Calibration.ApicTimerFrequency == MAXULONG64) {
        DbgPrint("Time: calibration against the %s failed (TSC %llu Hz, LAPIC timer %llu Hz)\n",
                 Calibration.Source, Calibration.TscFrequency, Calibration.ApicTimerFrequency);
        KeBugCheckEx(HAL_INITIALIZATION_FAILED, 0x71, Calibration.TscFrequency,
                     Calibration.ApicTimerFrequency, 0);
    }
    KiTscFrequency = Calibration.TscFrequency;
    KiApicTimerFrequency = Calibration.ApicTimerFrequency;
    KiComputeScale(&KiTscTo100ns, KI_100NS_PER_SECOND, KiTscFrequency);
    KiComputeScale(&KiInterruptTimeToTsc, KiTscFrequency, KI_100NS_PER_SECOND);
    KiComputeScale(&KiInterruptTimeToApic, KiApicTimerFrequency, KI_100NS_PER_SECOND);
    KiTscAtBoot = HalpReadTsc();
    KiTimeInitialized = TRUE;

    if (HalpReadRtc(&Rtc) && (KiBootSystemTime = KiCalendarToSystemTime(&Rtc)) >= 0) {
        /* The RTC was read just now, at interrupt time ~0. */
    } else {
        DbgPrint("Time: the CMOS clock is unreadable or holds nonsense; the system time "
                 "starts at 1601-01-01\n");
        KiBootSystemTime = 0;
        RtlZeroMemory(&Rtc, sizeof(Rtc));
    }

    KipFormatFrequency(Tsc, sizeof(Tsc), KiTscFrequency);
    KipFormatFrequency(Apic, sizeof(Apic), KiApicTimerFrequency);
    DbgPrint("Time: TSC %s%s, LAPIC timer %s, calibrated against %s; "
             "RTC %04u-%02u-%02u %02u:%02u:%02u UTC\n",
             Tsc, Calibration.InvariantTsc ? " (invariant)" : "", Apic, Calibration.Source,
             Rtc.Year, Rtc.Month, Rtc.Day, Rtc.Hour, Rtc.Minute, Rtc.Second);
}
