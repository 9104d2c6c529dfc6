/*
 * tests/host/ke_time.c - the arithmetic of time (kernel/ke/timemath.c).
 *
 * Scale factors against exact 128-bit arithmetic, calibration samples with
 * the HPET's and the PIT's real rates, the CMOS calendar against dates
 * whose FILETIME value is known, and due-time conversion at its edges.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kernel/ke/dispatcher.h"

static ULONG64
ExactMulDiv(ULONG64 Value, ULONG64 Multiplier, ULONG64 Divisor)
{
    return (ULONG64)(((unsigned __int128)Value * Multiplier) / Divisor);
}

static void
MulDivMatchesExactArithmetic(void **State)
{
    static const ULONG64 Cases[][3] = {
        {0, 1, 1},
        {1, 1, 1},
        {12345678901234ULL, 10000000ULL, 2494000000ULL},
        {~0ULL, 1, 1},
        {~0ULL, 3, 7},
        {1ULL << 63, 1ULL << 40, 1ULL << 50},
        {2500000000ULL, 1000000000000000ULL, 10000000ULL * 1000000ULL},
    };
    size_t Index;

    (void)State;
    for (Index = 0; Index < sizeof(Cases) / sizeof(Cases[0]); Index++) {
        assert_int_equal(KiMulDiv64(Cases[Index][0], Cases[Index][1], Cases[Index][2]),
                         ExactMulDiv(Cases[Index][0], Cases[Index][1], Cases[Index][2]));
    }
}

static void
MulDivSaturatesWhenTheQuotientOverflows(void **State)
{
    (void)State;
    assert_int_equal(KiMulDiv64(~0ULL, 2, 1), MAXULONG64);
    assert_int_equal(KiMulDiv64(1, 1, 0), MAXULONG64);
}

/* A scale converts with at most one unit of error (it rounds down). */
static void
ScaleIsAccurateForRealClockRates(void **State)
{
    static const ULONG64 Rates[] = {1193182ULL, 10000000ULL, 100000000ULL, 999999999ULL,
                                    1000000000ULL, 2494000123ULL, 3999999999ULL,
                                    5000000000ULL};
    static const ULONG64 Values[] = {0, 1, 999, 10000, 123456789ULL, 1ULL << 40,
                                     86400ULL * 10000000ULL * 365};
    size_t From, To, Index;

    (void)State;
    for (From = 0; From < sizeof(Rates) / sizeof(Rates[0]); From++) {
        for (To = 0; To < sizeof(Rates) / sizeof(Rates[0]); To++) {
            KI_SCALE Scale;

            KiComputeScale(&Scale, Rates[To], Rates[From]);
            for (Index = 0; Index < sizeof(Values) / sizeof(Values[0]); Index++) {
                ULONG64 Exact = ExactMulDiv(Values[Index], Rates[To], Rates[From]);
                ULONG64 Scaled = KiScale(&Scale, Values[Index]);

                assert_true(Scaled <= Exact);
                assert_true(Exact - Scaled <= 1);
            }
        }
    }
}

static void
FrequencyFromHpetAndPitSamples(void **State)
{
    (void)State;
    /* 10 ms of a 100 MHz HPET (10^6 ticks) while the TSC counted 24,940,000. */
    assert_int_equal(KiFrequencyFromSample(24940000ULL, 1000000ULL, 100000000ULL),
                     2494000000ULL);
    /* 11931 PIT ticks (9.9993 ms) while a 1 GHz LAPIC timer counted 9,999,329. */
    assert_int_equal(KiFrequencyFromSample(9999329ULL, 11931ULL, 1193182ULL) / 1000000,
                     1000);
    /* A reference that did not advance is an error, not a division by zero. */
    assert_int_equal(KiFrequencyFromSample(1, 0, 1193182ULL), MAXULONG64);
}

static void
CmosBcdAndTwelveHourForms(void **State)
{
    (void)State;
    assert_int_equal(KiCmosValue(0x59, TRUE), 59);
    assert_int_equal(KiCmosValue(59, FALSE), 59);
    assert_int_equal(KiCmosHour(0x23, TRUE, TRUE), 23);
    assert_int_equal(KiCmosHour(0x12, TRUE, FALSE), 0);         /* 12 AM */
    assert_int_equal(KiCmosHour(0x80 | 0x12, TRUE, FALSE), 12); /* 12 PM */
    assert_int_equal(KiCmosHour(0x80 | 0x01, TRUE, FALSE), 13); /* 1 PM */
    assert_int_equal(KiCmosHour(0x80 | 11, FALSE, FALSE), 23);  /* 11 PM binary */
    assert_int_equal(KiCmosHour(11, FALSE, FALSE), 11);
}

static void
CalendarMatchesKnownSystemTimes(void **State)
{
    /* FILETIME of the Unix epoch: 11644473600 s after 1601-01-01. */
    KI_CALENDAR_TIME UnixEpoch = {1970, 1, 1, 0, 0, 0};
    KI_CALENDAR_TIME Origin = {1601, 1, 1, 0, 0, 0};
    /* 2000-02-29 12:34:56 = Unix 951827696. */
    KI_CALENDAR_TIME LeapDay = {2000, 2, 29, 12, 34, 56};
    /* 2024-12-31 23:59:59 = Unix 1735689599. */
    KI_CALENDAR_TIME YearEnd = {2024, 12, 31, 23, 59, 59};

    (void)State;
    assert_int_equal(KiCalendarToSystemTime(&Origin), 0);
    assert_int_equal(KiCalendarToSystemTime(&UnixEpoch), 116444736000000000LL);
    assert_int_equal(KiCalendarToSystemTime(&LeapDay),
                     116444736000000000LL + 951827696LL * 10000000LL);
    assert_int_equal(KiCalendarToSystemTime(&YearEnd),
                     116444736000000000LL + 1735689599LL * 10000000LL);
}

static void
CalendarRejectsImpossibleDates(void **State)
{
    static const KI_CALENDAR_TIME Bad[] = {
        {1600, 12, 31, 0, 0, 0}, {2023, 2, 29, 0, 0, 0}, {1900, 2, 29, 0, 0, 0},
        {2024, 13, 1, 0, 0, 0},  {2024, 0, 1, 0, 0, 0},  {2024, 4, 31, 0, 0, 0},
        {2024, 1, 0, 0, 0, 0},   {2024, 1, 1, 24, 0, 0}, {2024, 1, 1, 0, 60, 0},
        {2024, 1, 1, 0, 0, 60},
    };
    size_t Index;

    (void)State;
    for (Index = 0; Index < sizeof(Bad) / sizeof(Bad[0]); Index++) {
        assert_int_equal(KiCalendarToSystemTime(&Bad[Index]), -1);
    }
}

static void
DueTimesRelativeAndAbsolute(void **State)
{
    const LONGLONG Boot = 133000000000000000LL;     /* some day in 2022 */
    const ULONG64 Now = 50000000ULL;                /* 5 s after boot */

    (void)State;
    /* Relative: 10 ms from now. */
    assert_int_equal(KiDueTimeToInterruptTime(-100000LL, Now, Boot), Now + 100000ULL);
    /* Absolute: 7 s after boot. */
    assert_int_equal(KiDueTimeToInterruptTime(Boot + 70000000LL, Now, Boot), 70000000ULL);
    /* Absolute in the past, before boot, or 1601 itself: due now. */
    assert_int_equal(KiDueTimeToInterruptTime(Boot + 10000000LL, Now, Boot), Now);
    assert_int_equal(KiDueTimeToInterruptTime(Boot - 1, Now, Boot), Now);
    assert_int_equal(KiDueTimeToInterruptTime(1, Now, Boot), Now);
    /* The most negative relative time does not overflow. */
    assert_true(KiDueTimeToInterruptTime(MINLONGLONG, Now, Boot) > Now);
    assert_int_equal(KiDueTimeToInterruptTime(-1, ~0ULL - 1, Boot), ~0ULL);
}

int
main(void)
{
    const struct CMUnitTest Tests[] = {
        cmocka_unit_test(MulDivMatchesExactArithmetic),
        cmocka_unit_test(MulDivSaturatesWhenTheQuotientOverflows),
        cmocka_unit_test(ScaleIsAccurateForRealClockRates),
        cmocka_unit_test(FrequencyFromHpetAndPitSamples),
        cmocka_unit_test(CmosBcdAndTwelveHourForms),
        cmocka_unit_test(CalendarMatchesKnownSystemTimes),
        cmocka_unit_test(CalendarRejectsImpossibleDates),
        cmocka_unit_test(DueTimesRelativeAndAbsolute),
    };

    return cmocka_run_group_tests(Tests, NULL, NULL);
}
