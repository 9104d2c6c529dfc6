/*
 * tests/host/ke_timer.c - the timer queue (kernel/ke/timerq.c).
 *
 * The queue must hand timers back earliest first, timers due together in
 * the order they were armed, report when a new timer became the first (the
 * clock is reprogrammed then and only then), and re-arm periodic timers
 * without firing a burst of missed periods.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "kernel/ke/dispatcher.h"

/* The list routines stop the machine on a corrupted list; no test here
 * corrupts one, so any call is a failure. */
VOID NTAPI
KeBugCheckEx(ULONG Code, ULONG_PTR P1, ULONG_PTR P2, ULONG_PTR P3, ULONG_PTR P4)
{
    fail_msg("unexpected bugcheck 0x%x (0x%lx, 0x%lx, 0x%lx, 0x%lx)", Code, (unsigned long)P1,
             (unsigned long)P2, (unsigned long)P3, (unsigned long)P4);
    abort();
}

static KTIMER Timers[8];

static PKTIMER
Arm(PLIST_ENTRY Queue, ULONG Index, ULONG64 DueTime, BOOLEAN *BecameFirst)
{
    Timers[Index].DueTime.QuadPart = DueTime;
    Timers[Index].Processor = Index;            /* the test's label */
    *BecameFirst = KiTimerQueueInsert(Queue, &Timers[Index]);
    return &Timers[Index];
}

static void
TimersComeOutEarliestFirstAndInArmingOrder(void **State)
{
    LIST_ENTRY Queue;
    BOOLEAN First;
    static const ULONG64 Due[] = {500, 100, 300, 100, 900, 300};
    static const ULONG Expected[] = {1, 3, 2, 5, 0, 4};
    ULONG Index;
    PKTIMER Timer;

    (void)State;
    InitializeListHead(&Queue);
    assert_int_equal(KiTimerQueueFirstDue(&Queue), MAXULONG64);
    assert_null(KiTimerQueueRemoveDue(&Queue, ~0ULL));

    Arm(&Queue, 0, Due[0], &First);
    assert_true(First);
    Arm(&Queue, 1, Due[1], &First);
    assert_true(First);             /* earlier than 500 */
    Arm(&Queue, 2, Due[2], &First);
    assert_false(First);
    Arm(&Queue, 3, Due[3], &First);
    assert_false(First);            /* equal to the first: goes after it */
    Arm(&Queue, 4, Due[4], &First);
    assert_false(First);
    Arm(&Queue, 5, Due[5], &First);
    assert_false(First);
    assert_int_equal(KiTimerQueueFirstDue(&Queue), 100);

    /* Nothing is due before 100. */
    assert_null(KiTimerQueueRemoveDue(&Queue, 99));
    for (Index = 0; Index < 6; Index++) {
        Timer = KiTimerQueueRemoveDue(&Queue, 1000);
        assert_non_null(Timer);
        assert_int_equal(Timer->Processor, Expected[Index]);
    }
    assert_true(IsListEmpty(&Queue));
}

static void
OnlyDueTimersAreRemoved(void **State)
{
    LIST_ENTRY Queue;
    BOOLEAN First;

    (void)State;
    InitializeListHead(&Queue);
    Arm(&Queue, 0, 100, &First);
    Arm(&Queue, 1, 200, &First);
    Arm(&Queue, 2, 300, &First);
    assert_ptr_equal(KiTimerQueueRemoveDue(&Queue, 250), &Timers[0]);
    assert_ptr_equal(KiTimerQueueRemoveDue(&Queue, 250), &Timers[1]);
    assert_null(KiTimerQueueRemoveDue(&Queue, 250));
    assert_int_equal(KiTimerQueueFirstDue(&Queue), 300);
    /* A timer cancelled from the middle leaves a sound queue. */
    Arm(&Queue, 3, 250, &First);
    assert_true(First);
    RemoveEntryList(&Timers[3].TimerListEntry);
    assert_int_equal(KiTimerQueueFirstDue(&Queue), 300);
    assert_ptr_equal(KiTimerQueueRemoveDue(&Queue, 300), &Timers[2]);
    assert_true(IsListEmpty(&Queue));
}

static void
PeriodicTimersSkipMissedPeriods(void **State)
{
    (void)State;
    /* On time: exactly one period after the last due time, whatever the
     * small delay in processing. */
    assert_int_equal(KiNextPeriodicDue(10000, 10000, 10500), 20000);
    assert_int_equal(KiNextPeriodicDue(10000, 10000, 19999), 20000);
    /* Fell behind by more than a period: the next grid point after now,
     * no burst, no drift. */
    assert_int_equal(KiNextPeriodicDue(10000, 10000, 20000), 30000);
    assert_int_equal(KiNextPeriodicDue(10000, 10000, 95000), 100000);
    assert_int_equal(KiNextPeriodicDue(10000, 10000, 99999), 100000);
    assert_int_equal(KiNextPeriodicDue(10000, 10000, 100000), 110000);
}

int
main(void)
{
    const struct CMUnitTest Tests[] = {
        cmocka_unit_test(TimersComeOutEarliestFirstAndInArmingOrder),
        cmocka_unit_test(OnlyDueTimersAreRemoved),
        cmocka_unit_test(PeriodicTimersSkipMissedPeriods),
    };

    return cmocka_run_group_tests(Tests, NULL, NULL);
}
