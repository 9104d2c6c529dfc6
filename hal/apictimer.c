/*
 * hal/apictimer.c - the local APIC timer: the kernel's clock interrupt.
 *
 * Intel SDM Vol. 3A 11.5.4, "APIC Timer" (10.5.4 in editions before 2022):
 * a 32-bit down-counter clocked by the bus or core crystal clock divided
 * by the divide configuration register. Writing the initial-count register
 * starts it; in one-shot mode it interrupts once when it reaches zero and
 * stops. Writing 0 stops it. Its frequency is not architectural, so
 * hal/tsc.c measures it.
 *
 * Kestrel runs it one-shot at divide-by-1 and reprograms it at every clock
 * interrupt to the next timer's due time (kernel/ke/clock.c): the finest
 * resolution the counter offers, and no interrupt when none is needed.
 * TSC-deadline mode (11.5.4.1) would be finer still and cheaper to program,
 * but QEMU's software CPU does not offer it; the one-shot count is the
 * precise source there.
 */
#include "hal/halp.h"
#include "hal/lapic.h"
#include "hal/timep.h"

/* Divide configuration register, Figure 11-10: bits 3,1,0 = 1011b divide
 * by 1. */
#define LAPIC_TIMER_DIVIDE_BY_1 0xB

static ULONG HalpApicTimerLvt;      /* the LVT entry with the clock vector */
static BOOLEAN HalpApicTimerUnmasked;

/* Interrupts off, once. */
VOID
HalpApicTimerInitialize(ULONG Vector)
{
    HalpApicTimerLvt = (Vector & LAPIC_LVT_VECTOR_MASK) | LAPIC_LVT_TIMER_ONE_SHOT;
    HalpLapicWrite(LAPIC_TIMER_INITIAL, 0);
    HalpLapicWrite(LAPIC_LVT_TIMER, HalpApicTimerLvt | LAPIC_LVT_MASKED);
    HalpLapicWrite(LAPIC_TIMER_DIVIDE, LAPIC_TIMER_DIVIDE_BY_1);
    HalpApicTimerUnmasked = FALSE;
}

/* For calibration: counting, but never interrupting. */
VOID
HalpApicTimerFreeRun(VOID)
{
    HalpLapicWrite(LAPIC_LVT_TIMER, HalpApicTimerLvt | LAPIC_LVT_MASKED);
    HalpApicTimerUnmasked = FALSE;
    HalpLapicWrite(LAPIC_TIMER_DIVIDE, LAPIC_TIMER_DIVIDE_BY_1);
    HalpLapicWrite(LAPIC_TIMER_INITIAL, 0xFFFFFFFFU);
}

ULONG
HalpApicTimerCurrentCount(VOID)
{
    return HalpLapicRead(LAPIC_TIMER_CURRENT);
}

/* Any IRQL, interrupts off. The LVT is written only when it changes: on
 * the clock path every register access is a trap into the emulator. */
VOID
HalpApicTimerArm(ULONG Count)
{
    if (!HalpApicTimerUnmasked) {
        HalpLapicWrite(LAPIC_LVT_TIMER, HalpApicTimerLvt);
        HalpApicTimerUnmasked = TRUE;
    }
    HalpLapicWrite(LAPIC_TIMER_INITIAL, Count != 0 ? Count : 1);
}

VOID
HalpApicTimerStop(VOID)
{
    HalpLapicWrite(LAPIC_TIMER_INITIAL, 0);
}
