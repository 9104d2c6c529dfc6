/*
 * hal/tsc.c - calibrating the TSC and the LAPIC timer.
 *
 * Neither clock states its frequency, so both are counted over an interval
 * measured by a clock that does: the HPET, whose period its capabilities
 * register gives (IA-PC HPET 1.0a 2.3.4), or the PIT's 1.193182 MHz where
 * there is no HPET. Each sample spans 10 ms; three are taken and the median
 * kept, because under emulation the host may deschedule the guest in the
 * middle of one. CPUID tells whether the TSC is invariant (Intel SDM Vol.
 * 3B 18.17.1: constant rate in every P-, C- and T-state; CPUID
 * 80000007h:EDX[8]) and whether the LAPIC timer has TSC-deadline mode
 * (CPUID 1:ECX[24]); both are reported.
 */
#include "hal/halp.h"
#include "hal/timep.h"
#include "kernel/ke/ki.h"

#define HAL_CALIBRATION_SAMPLES 3
#define HAL_CALIBRATION_MS 10

/* One sample: TSC and LAPIC counts over a reference interval. */
typedef struct _HALP_SAMPLE {
    ULONG64 TscStart, TscEnd;
    ULONG ApicStart, ApicEnd;
    ULONG64 TscFrequency;
    ULONG64 ApicFrequency;
} HALP_SAMPLE;

static VOID
HalpCpuid(ULONG Leaf, PULONG Eax, PULONG Ebx, PULONG Ecx, PULONG Edx)
{
    __asm__ __volatile__("cpuid" : "=a"(*Eax), "=b"(*Ebx), "=c"(*Ecx), "=d"(*Edx)
                         : "a"(Leaf), "c"(0));
}

/* Reads both counters, TSC last at the start and first at the end, so the
 * interval the TSC sees is the one the reference measured. */
static VOID
HalpTakeSample(PVOID Context, BOOLEAN End)
{
    HALP_SAMPLE *Sample = Context;

    if (!End) {
        Sample->ApicStart = HalpApicTimerCurrentCount();
        Sample->TscStart = HalpReadTsc();
    } else {
        Sample->TscEnd = HalpReadTsc();
        Sample->ApicEnd = HalpApicTimerCurrentCount();
    }
}

/* A sample timed by the HPET: waits for a counter edge, then for the
 * counter to advance by the interval's worth of ticks. */
static VOID
HalpSampleHpet(HALP_SAMPLE *Sample)
{
    ULONG64 Ticks = KiMulDiv64(HAL_CALIBRATION_MS, 1000000000000ULL, HalpHpetPeriodFs);
    ULONG64 Start = HalpHpetReadCounter();
    ULONG64 Begin;
    ULONG64 Now;

    while ((Begin = HalpHpetReadCounter()) == Start) {
    }
    HalpTakeSample(Sample, FALSE);
    /* Differences modulo 2^32: right for a 32-bit counter that wraps, and
     * for a 64-bit one too, since 10 ms is far fewer than 2^32 ticks. */
    do {
        Now = HalpHpetReadCounter();
    } while ((ULONG)(Now - Begin) < Ticks);
    HalpTakeSample(Sample, TRUE);
    Ticks = (ULONG)(Now - Begin);
    /* Counts * 10^15 / (ticks * period) = Hz. */
    Sample->TscFrequency = KiMulDiv64(Sample->TscEnd - Sample->TscStart, 1000000000000000ULL,
                                      Ticks * HalpHpetPeriodFs);
    Sample->ApicFrequency = KiMulDiv64(Sample->ApicStart - Sample->ApicEnd,
                                       1000000000000000ULL, Ticks * HalpHpetPeriodFs);
}

static VOID
HalpSamplePit(HALP_SAMPLE *Sample)
{
    USHORT Ticks = (USHORT)(HAL_PIT_FREQUENCY * HAL_CALIBRATION_MS / 1000);

    HalpPitMeasure(Ticks, HalpTakeSample, Sample);
    Sample->TscFrequency =
        KiFrequencyFromSample(Sample->TscEnd - Sample->TscStart, Ticks, HAL_PIT_FREQUENCY);
    Sample->ApicFrequency =
        KiFrequencyFromSample(Sample->ApicStart - Sample->ApicEnd, Ticks, HAL_PIT_FREQUENCY);
}

static ULONG64
HalpMedian3(ULONG64 A, ULONG64 B, ULONG64 C)
{
    if (A > B) {
        ULONG64 T = A;
        A = B;
        B = T;
    }
    /* A <= B now. */
    if (C <= A) {
        return A;
    }
    return C < B ? C : B;
}

VOID
HalpCalibrateTimers(PHAL_TIME_CALIBRATION Calibration)
{
    HALP_SAMPLE Samples[HAL_CALIBRATION_SAMPLES];
    CHAR Source[8];
    BOOLEAN UseHpet;
    ULONG Eax, Ebx, Ecx, Edx;
    ULONG Index;

    UseHpet = TRUE;
    if (KiCommandLineValue("timesource", Source, sizeof(Source))) {
        if (Source[0] == 'p' && Source[1] == 'i' && Source[2] == 't' && Source[3] == '\0') {
            UseHpet = FALSE;
        } else if (!(Source[0] == 'h' && Source[1] == 'p' && Source[2] == 'e' &&
                     Source[3] == 't' && Source[4] == '\0')) {
            DbgPrint("Time: \"timesource=%s\" is neither hpet nor pit; using the default\n",
                     Source);
        }
    }
    if (UseHpet && !HalpHpetInitialize()) {
        UseHpet = FALSE;
    }
    Calibration->Source = UseHpet ? "HPET" : "PIT";

    HalpApicTimerFreeRun();
    for (Index = 0; Index < HAL_CALIBRATION_SAMPLES; Index++) {
        if (UseHpet) {
            HalpSampleHpet(&Samples[Index]);
        } else {
            HalpSamplePit(&Samples[Index]);
        }
    }
    HalpApicTimerStop();
    Calibration->TscFrequency = HalpMedian3(Samples[0].TscFrequency, Samples[1].TscFrequency,
                                            Samples[2].TscFrequency);
    Calibration->ApicTimerFrequency = HalpMedian3(
        Samples[0].ApicFrequency, Samples[1].ApicFrequency, Samples[2].ApicFrequency);

    HalpCpuid(1, &Eax, &Ebx, &Ecx, &Edx);
    Calibration->TscDeadline = (Ecx & (1U << 24)) != 0;
    HalpCpuid(0x80000000, &Eax, &Ebx, &Ecx, &Edx);
    Calibration->InvariantTsc = FALSE;
    if (Eax >= 0x80000007) {
        HalpCpuid(0x80000007, &Eax, &Ebx, &Ecx, &Edx);
        Calibration->InvariantTsc = (Edx & (1U << 8)) != 0;
    }
}
