/*
 * kernel/ke/timemath.c - the arithmetic of time: clock-rate conversion,
 * calibration, the CMOS calendar and due times.
 *
 * Pure logic with no hardware access, so that the host tests check it
 * (tests/host/ke_time.c). The kernel has no libgcc, so there is no 128-bit
 * division here: KiMulDiv64 divides bit by bit, and it only runs at boot
 * (calibration, scale factors); the hot paths multiply by a KI_SCALE.
 */
#include "kernel/ke/dispatcher.h"

/* The 128-bit Numerator divided by Divisor, when the quotient fits in 64
 * bits (the caller checks that High < Divisor). Restoring division, one
 * quotient bit per step. */
static ULONG64
KipDivide128(ULONG64 High, ULONG64 Low, ULONG64 Divisor)
{
    ULONG64 Quotient = 0;
    ULONG Bit;

    for (Bit = 0; Bit < 64; Bit++) {
        BOOLEAN Carry = (BOOLEAN)(High >> 63);

        High = (High << 1) | (Low >> 63);
        Low <<= 1;
        Quotient <<= 1;
        if (Carry || High >= Divisor) {
            High -= Divisor;
            Quotient |= 1;
        }
    }
    return Quotient;
}

ULONG64
KiMulDiv64(ULONG64 Value, ULONG64 Multiplier, ULONG64 Divisor)
{
    unsigned __int128 Product = (unsigned __int128)Value * Multiplier;
    ULONG64 High = (ULONG64)(Product >> 64);

    if (Divisor == 0 || High >= Divisor) {
        return MAXULONG64;
    }
    return KipDivide128(High, (ULONG64)Product, Divisor);
}

VOID
KiComputeScale(PKI_SCALE Scale, ULONG64 ToHz, ULONG64 FromHz)
{
    if (FromHz == 0) {
        Scale->Whole = 0;
        Scale->Fraction = 0;
        return;
    }
    Scale->Whole = ToHz / FromHz;
    /* (ToHz mod FromHz) / FromHz as a 64-bit binary fraction. */
    Scale->Fraction = KipDivide128(ToHz % FromHz, 0, FromHz);
}

ULONG64
KiFrequencyFromSample(ULONG64 Counts, ULONG64 ReferenceTicks, ULONG64 ReferenceHz)
{
    return KiMulDiv64(Counts, ReferenceHz, ReferenceTicks);
}

ULONG
KiCmosValue(UCHAR Raw, BOOLEAN Bcd)
{
    return Bcd ? (ULONG)((Raw >> 4) * 10 + (Raw & 0x0F)) : Raw;
}

ULONG
KiCmosHour(UCHAR Raw, BOOLEAN Bcd, BOOLEAN TwentyFourHour)
{
    ULONG Hour;

    if (TwentyFourHour) {
        return KiCmosValue(Raw, Bcd);
    }
    /* MC146818 12-hour mode: bit 7 is PM, hours run 12, 1, ..., 11. */
    Hour = KiCmosValue(Raw & 0x7F, Bcd) % 12;
    return (Raw & 0x80) ? Hour + 12 : Hour;
}

static BOOLEAN
KipIsLeapYear(ULONG Year)
{
    return (BOOLEAN)((Year % 4 == 0 && Year % 100 != 0) || Year % 400 == 0);
}

LONGLONG
KiCalendarToSystemTime(const KI_CALENDAR_TIME *Time)
{
    static const UCHAR DaysInMonth[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    ULONG64 Days;
    ULONG Year;
    ULONG Month;
    ULONG MonthDays;

    if (Time->Year < 1601 || Time->Year > 30827 || Time->Month < 1 || Time->Month > 12 ||
        Time->Hour > 23 || Time->Minute > 59 || Time->Second > 59) {
        return -1;
    }
    MonthDays = DaysInMonth[Time->Month - 1] +
                (Time->Month == 2 && KipIsLeapYear(Time->Year) ? 1 : 0);
    if (Time->Day < 1 || Time->Day > MonthDays) {
        return -1;
    }
    /* Whole years since 1601, counting the leap days among them. */
    Year = Time->Year - 1601;
    Days = (ULONG64)Year * 365 + Year / 4 - Year / 100 + Year / 400;
    for (Month = 1; Month < Time->Month; Month++) {
        Days += DaysInMonth[Month - 1] + (Month == 2 && KipIsLeapYear(Time->Year) ? 1 : 0);
    }
    Days += Time->Day - 1;
    return (LONGLONG)(((Days * 24 + Time->Hour) * 60 + Time->Minute) * 60 + Time->Second) *
           (LONGLONG)KI_100NS_PER_SECOND;
}

ULONG64
KiDueTimeToInterruptTime(LONGLONG DueTime, ULONG64 Now, LONGLONG BootSystemTime)
{
    ULONG64 Interval;

    if (DueTime < 0) {
        /* -DueTime overflows for the most negative value; clamp instead. */
        Interval = DueTime == MINLONGLONG ? (ULONG64)MAXLONGLONG : (ULONG64)-DueTime;
        return Interval > MAXULONG64 - Now ? MAXULONG64 : Now + Interval;
    }
    /* Absolute: the system time DueTime lies DueTime - BootSystemTime after
     * interrupt time 0; in the past means now. */
    if (DueTime <= BootSystemTime || (ULONG64)(DueTime - BootSystemTime) <= Now) {
        return Now;
    }
    return (ULONG64)(DueTime - BootSystemTime);
}
