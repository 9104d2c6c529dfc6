/*
 * tests/host/serial_logic.c - the serial driver's pure parts: the receive
 * ring (drivers/serial/ring.c) and SERIAL_TIMEOUTS arithmetic
 * (drivers/serial/timeout.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <ntddser.h>
#include "drivers/serial/ring.h"
#include "drivers/serial/timeout.h"

static UCHAR Storage[16];

static void
RingRejectsSizesThatAreNotPowersOfTwo(void **State)
{
    SERIAL_RING Ring;

    (void)State;
    assert_false(SerialRingInitialize(&Ring, Storage, 0));
    assert_false(SerialRingInitialize(&Ring, Storage, 12));
    assert_false(SerialRingInitialize(&Ring, NULL, 16));
    assert_true(SerialRingInitialize(&Ring, Storage, 16));
    assert_int_equal(SerialRingCount(&Ring), 0);
    assert_int_equal(SerialRingFree(&Ring), 16);
}

static void
RingKeepsOrderAndRefusesWhenFull(void **State)
{
    SERIAL_RING Ring;
    UCHAR Out[32];
    ULONG Index;

    (void)State;
    assert_true(SerialRingInitialize(&Ring, Storage, 16));
    for (Index = 0; Index < 16; Index++) {
        assert_true(SerialRingPut(&Ring, (UCHAR)(0xA0 + Index)));
    }
    assert_false(SerialRingPut(&Ring, 0xFF));       /* full: the byte is not stored */
    assert_int_equal(SerialRingCount(&Ring), 16);
    assert_int_equal(SerialRingFree(&Ring), 0);
    assert_int_equal(SerialRingGet(&Ring, Out, 5), 5);
    for (Index = 0; Index < 5; Index++) {
        assert_int_equal(Out[Index], 0xA0 + Index);
    }
    /* Across the end of the buffer: the copy comes in two pieces. */
    for (Index = 0; Index < 5; Index++) {
        assert_true(SerialRingPut(&Ring, (UCHAR)(0xB0 + Index)));
    }
    memset(Out, 0, sizeof(Out));
    assert_int_equal(SerialRingGet(&Ring, Out, sizeof(Out)), 16);
    for (Index = 0; Index < 11; Index++) {
        assert_int_equal(Out[Index], 0xA5 + Index);
    }
    for (Index = 0; Index < 5; Index++) {
        assert_int_equal(Out[11 + Index], 0xB0 + Index);
    }
    assert_int_equal(SerialRingGet(&Ring, Out, 4), 0);
}

static void
RingCountsAcrossTheCounterWrap(void **State)
{
    SERIAL_RING Ring;
    UCHAR Out[8];

    (void)State;
    assert_true(SerialRingInitialize(&Ring, Storage, 16));
    Ring.Head = Ring.Tail = 0xFFFFFFFC;     /* four bytes before the 2^32 wrap */
    for (ULONG Index = 0; Index < 8; Index++) {
        assert_true(SerialRingPut(&Ring, (UCHAR)Index));
    }
    assert_int_equal(Ring.Head, 4);
    assert_int_equal(SerialRingCount(&Ring), 8);
    assert_int_equal(SerialRingGet(&Ring, Out, 8), 8);
    for (ULONG Index = 0; Index < 8; Index++) {
        assert_int_equal(Out[Index], Index);
    }
    /* Purge: NULL drops the bytes. */
    assert_true(SerialRingPut(&Ring, 1));
    assert_int_equal(SerialRingGet(&Ring, NULL, 100), 1);
    assert_int_equal(SerialRingCount(&Ring), 0);
}

static void
TimeoutsFollowTheWdkRules(void **State)
{
    SERIAL_TIMEOUTS Timeouts = {0};
    SERIAL_READ_TIMING Timing;

    (void)State;
    /* All zero: wait for the whole buffer, no timers. */
    SerialComputeReadTiming(&Timeouts, 100, &Timing);
    assert_int_equal(Timing.Mode, SerialReadWaitForAll);
    assert_false(Timing.HasTotal);
    assert_false(Timing.HasInterval);
    /* MAXULONG/0/0: return at once. */
    Timeouts.ReadIntervalTimeout = MAXULONG;
    SerialComputeReadTiming(&Timeouts, 100, &Timing);
    assert_int_equal(Timing.Mode, SerialReadImmediate);
    /* MAXULONG/MAXULONG/c: any byte, or c ms. */
    Timeouts.ReadTotalTimeoutMultiplier = MAXULONG;
    Timeouts.ReadTotalTimeoutConstant = 250;
    SerialComputeReadTiming(&Timeouts, 100, &Timing);
    assert_int_equal(Timing.Mode, SerialReadAnyByte);
    assert_true(Timing.HasTotal);
    assert_int_equal(Timing.TotalMs, 250);
    /* total = multiplier * length + constant, with an interval. */
    Timeouts.ReadIntervalTimeout = 20;
    Timeouts.ReadTotalTimeoutMultiplier = 3;
    Timeouts.ReadTotalTimeoutConstant = 100;
    SerialComputeReadTiming(&Timeouts, 50, &Timing);
    assert_int_equal(Timing.Mode, SerialReadWaitForAll);
    assert_true(Timing.HasTotal);
    assert_int_equal(Timing.TotalMs, 250);
    assert_true(Timing.HasInterval);
    assert_int_equal(Timing.IntervalMs, 20);
    /* No overflow: the product is 64-bit. */
    Timeouts.ReadTotalTimeoutMultiplier = MAXULONG - 1;
    Timeouts.ReadTotalTimeoutConstant = MAXULONG - 1;
    SerialComputeReadTiming(&Timeouts, MAXULONG, &Timing);
    assert_true(Timing.TotalMs == (ULONGLONG)(MAXULONG - 1) * MAXULONG + (MAXULONG - 1));
    /* Only a constant. */
    Timeouts.ReadIntervalTimeout = 0;
    Timeouts.ReadTotalTimeoutMultiplier = 0;
    Timeouts.ReadTotalTimeoutConstant = 7;
    SerialComputeReadTiming(&Timeouts, 1000, &Timing);
    assert_int_equal(Timing.TotalMs, 7);
    assert_false(Timing.HasInterval);
}

static void
WriteTimeoutAndDueTime(void **State)
{
    SERIAL_TIMEOUTS Timeouts = {0};
    ULONGLONG Ms;

    (void)State;
    assert_false(SerialComputeWriteTimeout(&Timeouts, 10, &Ms));
    Timeouts.WriteTotalTimeoutMultiplier = 2;
    Timeouts.WriteTotalTimeoutConstant = 5;
    assert_true(SerialComputeWriteTimeout(&Timeouts, 10, &Ms));
    assert_int_equal(Ms, 25);
    assert_true(SerialRelativeDueTime(25) == -250000);
    /* Saturated, and still relative (negative). */
    assert_true(SerialRelativeDueTime(~0ULL) < 0);
}

int
main(void)
{
    const struct CMUnitTest Tests[] = {
        cmocka_unit_test(RingRejectsSizesThatAreNotPowersOfTwo),
        cmocka_unit_test(RingKeepsOrderAndRefusesWhenFull),
        cmocka_unit_test(RingCountsAcrossTheCounterWrap),
        cmocka_unit_test(TimeoutsFollowTheWdkRules),
        cmocka_unit_test(WriteTimeoutAndDueTime),
    };
    return cmocka_run_group_tests(Tests, NULL, NULL);
}
