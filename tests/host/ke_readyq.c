/*
 * tests/host/ke_readyq.c - the ready queues (kernel/ke/readyq.c).
 *
 * The summary bitmap must say exactly which priorities have a ready entry,
 * the highest must come out first, equal priorities in FIFO order (with a
 * preempted entry put back at the front), and a minimum priority must
 * hide the lower lists (quantum end only yields to equal or higher).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "kernel/ke/readyq.h"

/* The list routines stop the machine on a corrupted list; no test here
 * corrupts one, so any call is a failure. */
VOID NTAPI
KeBugCheckEx(ULONG Code, ULONG_PTR P1, ULONG_PTR P2, ULONG_PTR P3, ULONG_PTR P4)
{
    fail_msg("unexpected bugcheck 0x%x (0x%lx, 0x%lx, 0x%lx, 0x%lx)", Code, (unsigned long)P1,
             (unsigned long)P2, (unsigned long)P3, (unsigned long)P4);
    abort();
}

typedef struct _FAKE_THREAD {
    LIST_ENTRY Entry;
    ULONG Label;
} FAKE_THREAD;

static FAKE_THREAD Threads[16];

static ULONG
Take(PKI_READY_QUEUES Queues, ULONG Minimum, ULONG *Priority)
{
    PLIST_ENTRY Entry = KiReadyQueuesRemoveHighest(Queues, Minimum, Priority);

    return Entry == NULL ? 0xFFFF : CONTAINING_RECORD(Entry, FAKE_THREAD, Entry)->Label;
}

static void
EmptyQueuesHaveNoHighest(void **State)
{
    KI_READY_QUEUES Queues;
    ULONG Priority = 99;

    (void)State;
    KiReadyQueuesInitialize(&Queues);
    assert_int_equal(Queues.Summary, 0);
    assert_int_equal(KiReadyQueuesHighest(&Queues), -1);
    assert_int_equal(Take(&Queues, 0, &Priority), 0xFFFF);
    assert_int_equal(Priority, 99);
}

static void
HighestPriorityFirstAndFifoWithin(void **State)
{
    KI_READY_QUEUES Queues;
    ULONG Priority;

    (void)State;
    KiReadyQueuesInitialize(&Queues);
    Threads[0].Label = 0;
    Threads[1].Label = 1;
    Threads[2].Label = 2;
    Threads[3].Label = 3;
    Threads[4].Label = 4;
    KiReadyQueuesInsert(&Queues, &Threads[0].Entry, 8, FALSE);
    KiReadyQueuesInsert(&Queues, &Threads[1].Entry, 31, FALSE);
    KiReadyQueuesInsert(&Queues, &Threads[2].Entry, 8, FALSE);
    KiReadyQueuesInsert(&Queues, &Threads[3].Entry, 0, FALSE);
    KiReadyQueuesInsert(&Queues, &Threads[4].Entry, 16, FALSE);
    assert_int_equal(Queues.Summary, (1U << 31) | (1U << 16) | (1U << 8) | 1U);
    assert_int_equal(KiReadyQueuesHighest(&Queues), 31);
    assert_int_equal(Take(&Queues, 0, &Priority), 1);
    assert_int_equal(Priority, 31);
    /* Real time before variable. */
    assert_int_equal(Take(&Queues, 0, &Priority), 4);
    assert_int_equal(Priority, 16);
    assert_int_equal(Take(&Queues, 0, &Priority), 0);
    assert_int_equal(Take(&Queues, 0, &Priority), 2);
    assert_int_equal(Queues.Summary, 1U);
    assert_int_equal(Take(&Queues, 0, &Priority), 3);
    assert_int_equal(Priority, 0);
    assert_int_equal(Queues.Summary, 0);
}

static void
PreemptedGoesToTheFront(void **State)
{
    KI_READY_QUEUES Queues;
    ULONG Priority;

    (void)State;
    KiReadyQueuesInitialize(&Queues);
    Threads[5].Label = 5;
    Threads[6].Label = 6;
    KiReadyQueuesInsert(&Queues, &Threads[5].Entry, 12, FALSE);
    KiReadyQueuesInsert(&Queues, &Threads[6].Entry, 12, TRUE);
    assert_int_equal(Take(&Queues, 0, &Priority), 6);
    assert_int_equal(Take(&Queues, 0, &Priority), 5);
}

static void
MinimumPriorityHidesLowerLists(void **State)
{
    KI_READY_QUEUES Queues;
    ULONG Priority = 77;

    (void)State;
    KiReadyQueuesInitialize(&Queues);
    Threads[7].Label = 7;
    KiReadyQueuesInsert(&Queues, &Threads[7].Entry, 9, FALSE);
    assert_int_equal(Take(&Queues, 10, &Priority), 0xFFFF);
    assert_int_equal(Priority, 77);
    assert_int_equal(Queues.Summary, 1U << 9);
    assert_int_equal(Take(&Queues, 9, &Priority), 7);
    assert_int_equal(Priority, 9);
}

static void
RemoveClearsTheBitOnlyWhenTheListEmpties(void **State)
{
    KI_READY_QUEUES Queues;
    ULONG Priority;

    (void)State;
    KiReadyQueuesInitialize(&Queues);
    Threads[8].Label = 8;
    Threads[9].Label = 9;
    KiReadyQueuesInsert(&Queues, &Threads[8].Entry, 3, FALSE);
    KiReadyQueuesInsert(&Queues, &Threads[9].Entry, 3, FALSE);
    KiReadyQueuesRemove(&Queues, &Threads[8].Entry, 3);
    assert_int_equal(Queues.Summary, 1U << 3);
    KiReadyQueuesRemove(&Queues, &Threads[9].Entry, 3);
    assert_int_equal(Queues.Summary, 0);
    assert_int_equal(Take(&Queues, 0, &Priority), 0xFFFF);
}

/* Every priority at once: bsr finds each in turn, top down. */
static void
AllThirtyTwoLevels(void **State)
{
    static FAKE_THREAD Many[KI_PRIORITY_LEVELS];
    KI_READY_QUEUES Queues;
    ULONG Priority, Index;
    LONG Expected;

    (void)State;
    KiReadyQueuesInitialize(&Queues);
    for (Index = 0; Index < KI_PRIORITY_LEVELS; Index++) {
        Many[Index].Label = Index;
        KiReadyQueuesInsert(&Queues, &Many[Index].Entry, Index, FALSE);
    }
    assert_int_equal(Queues.Summary, 0xFFFFFFFFU);
    for (Expected = KI_PRIORITY_LEVELS - 1; Expected >= 0; Expected--) {
        assert_int_equal(KiReadyQueuesHighest(&Queues), Expected);
        assert_int_equal(Take(&Queues, 0, &Priority), (ULONG)Expected);
        assert_int_equal(Priority, (ULONG)Expected);
    }
    assert_int_equal(Queues.Summary, 0);
}

int
main(void)
{
    const struct CMUnitTest Tests[] = {
        cmocka_unit_test(EmptyQueuesHaveNoHighest),
        cmocka_unit_test(HighestPriorityFirstAndFifoWithin),
        cmocka_unit_test(PreemptedGoesToTheFront),
        cmocka_unit_test(MinimumPriorityHidesLowerLists),
        cmocka_unit_test(RemoveClearsTheBitOnlyWhenTheListEmpties),
        cmocka_unit_test(AllThirtyTwoLevels),
    };

    return cmocka_run_group_tests(Tests, NULL, NULL);
}
