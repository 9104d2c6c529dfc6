/*
 * tests/host/ke_devqueue.c - a KDEVICE_QUEUE's bookkeeping
 * (kernel/ke/devqlist.c), without its spin lock.
 *
 * What a StartIo driver relies on: the first insertion into an idle queue
 * queues nothing and makes the queue busy; later ones queue in arrival
 * order (or key order); a removal from an empty queue makes it idle;
 * removal by key takes the first entry at or past the key and wraps to the
 * head; an entry removed by itself (a cancelled IRP) leaves the rest alone.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "kernel/ke/devqueue.h"

/* The list routines stop the machine on a corrupted list; no test here
 * corrupts one, so any call is a failure. */
VOID NTAPI
KeBugCheckEx(ULONG Code, ULONG_PTR P1, ULONG_PTR P2, ULONG_PTR P3, ULONG_PTR P4)
{
    fail_msg("unexpected bugcheck 0x%x (0x%lx, 0x%lx, 0x%lx, 0x%lx)", Code, (unsigned long)P1,
             (unsigned long)P2, (unsigned long)P3, (unsigned long)P4);
    abort();
}

static KDEVICE_QUEUE Queue;
static KDEVICE_QUEUE_ENTRY Entries[8];

static int
Setup(void **State)
{
    (void)State;
    InitializeListHead(&Queue.DeviceListHead);
    Queue.Busy = FALSE;
    for (ULONG Index = 0; Index < 8; Index++) {
        Entries[Index].Inserted = FALSE;
        Entries[Index].SortKey = 0xDEAD;
    }
    return 0;
}

static ULONG
IndexOf(PKDEVICE_QUEUE_ENTRY Entry)
{
    assert_non_null(Entry);
    return (ULONG)(Entry - Entries);
}

static void
FirstInsertMarksBusyAndQueuesNothing(void **State)
{
    (void)State;
    assert_false(KiDeviceQueueInsert(&Queue, &Entries[0], FALSE, 0));
    assert_true(Queue.Busy);
    assert_false(Entries[0].Inserted);
    assert_true(IsListEmpty(&Queue.DeviceListHead));

    assert_true(KiDeviceQueueInsert(&Queue, &Entries[1], FALSE, 0));
    assert_true(Entries[1].Inserted);
    assert_false(IsListEmpty(&Queue.DeviceListHead));
}

static void
PlainQueueKeepsArrivalOrderAndGoesIdleWhenDrained(void **State)
{
    (void)State;
    assert_false(KiDeviceQueueInsert(&Queue, &Entries[0], FALSE, 0));
    for (ULONG Index = 1; Index <= 4; Index++) {
        assert_true(KiDeviceQueueInsert(&Queue, &Entries[Index], FALSE, 0));
    }
    for (ULONG Index = 1; Index <= 4; Index++) {
        PKDEVICE_QUEUE_ENTRY Entry = KiDeviceQueueRemove(&Queue, FALSE, 0);

        assert_int_equal(IndexOf(Entry), Index);
        assert_false(Entry->Inserted);
        assert_true(Queue.Busy);    /* the owner works on Entry now */
    }
    assert_null(KiDeviceQueueRemove(&Queue, FALSE, 0));
    assert_false(Queue.Busy);
    /* Idle again: the next insertion is started at once. */
    assert_false(KiDeviceQueueInsert(&Queue, &Entries[5], FALSE, 0));
    assert_true(Queue.Busy);
}

static void
ByKeyInsertSortsAndKeepsEqualKeysInArrivalOrder(void **State)
{
    static const ULONG Keys[] = {50, 10, 30, 10, 70, 30, 5};
    static const ULONG Expected[] = {6, 1, 3, 2, 5, 0, 4};

    (void)State;
    /* Make the queue busy first, so that all seven are queued. */
    assert_false(KiDeviceQueueInsert(&Queue, &Entries[7], TRUE, 1));
    assert_int_equal(Entries[7].SortKey, 1);
    for (ULONG Index = 0; Index < 7; Index++) {
        assert_true(KiDeviceQueueInsert(&Queue, &Entries[Index], TRUE, Keys[Index]));
        assert_int_equal(Entries[Index].SortKey, Keys[Index]);
    }
    for (ULONG Index = 0; Index < 7; Index++) {
        assert_int_equal(IndexOf(KiDeviceQueueRemove(&Queue, FALSE, 0)), Expected[Index]);
    }
    assert_null(KiDeviceQueueRemove(&Queue, FALSE, 0));
    assert_false(Queue.Busy);
}

static void
RemoveByKeyTakesFirstAtOrPastKeyAndWraps(void **State)
{
    static const ULONG Keys[] = {10, 20, 30, 40};

    (void)State;
    assert_false(KiDeviceQueueInsert(&Queue, &Entries[7], TRUE, 0));
    for (ULONG Index = 0; Index < 4; Index++) {
        assert_true(KiDeviceQueueInsert(&Queue, &Entries[Index], TRUE, Keys[Index]));
    }
    assert_int_equal(IndexOf(KiDeviceQueueRemove(&Queue, TRUE, 25)), 2);    /* 30 */
    assert_int_equal(IndexOf(KiDeviceQueueRemove(&Queue, TRUE, 40)), 3);    /* exactly 40 */
    /* Nothing at or past 41: back to the head, the lowest key. */
    assert_int_equal(IndexOf(KiDeviceQueueRemove(&Queue, TRUE, 41)), 0);
    assert_int_equal(IndexOf(KiDeviceQueueRemove(&Queue, TRUE, 0)), 1);
    assert_true(Queue.Busy);
    assert_null(KiDeviceQueueRemove(&Queue, TRUE, 0));
    assert_false(Queue.Busy);
}

static void
RemoveEntryTakesOnlyQueuedEntries(void **State)
{
    (void)State;
    assert_false(KiDeviceQueueInsert(&Queue, &Entries[0], FALSE, 0));
    assert_true(KiDeviceQueueInsert(&Queue, &Entries[1], FALSE, 0));
    assert_true(KiDeviceQueueInsert(&Queue, &Entries[2], FALSE, 0));
    assert_true(KiDeviceQueueInsert(&Queue, &Entries[3], FALSE, 0));

    /* The entry being worked on is not queued. */
    assert_false(KiDeviceQueueRemoveEntry(&Entries[0]));
    assert_true(KiDeviceQueueRemoveEntry(&Entries[2]));
    assert_false(Entries[2].Inserted);
    assert_false(KiDeviceQueueRemoveEntry(&Entries[2]));    /* twice: no harm */
    assert_true(Queue.Busy);

    assert_int_equal(IndexOf(KiDeviceQueueRemove(&Queue, FALSE, 0)), 1);
    assert_int_equal(IndexOf(KiDeviceQueueRemove(&Queue, FALSE, 0)), 3);
    assert_null(KiDeviceQueueRemove(&Queue, FALSE, 0));
    assert_false(Queue.Busy);
}

int
main(void)
{
    const struct CMUnitTest Tests[] = {
        cmocka_unit_test_setup(FirstInsertMarksBusyAndQueuesNothing, Setup),
        cmocka_unit_test_setup(PlainQueueKeepsArrivalOrderAndGoesIdleWhenDrained, Setup),
        cmocka_unit_test_setup(ByKeyInsertSortsAndKeepsEqualKeysInArrivalOrder, Setup),
        cmocka_unit_test_setup(RemoveByKeyTakesFirstAtOrPastKeyAndWraps, Setup),
        cmocka_unit_test_setup(RemoveEntryTakesOnlyQueuedEntries, Setup),
    };

    return cmocka_run_group_tests(Tests, NULL, NULL);
}
