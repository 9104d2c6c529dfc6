/*
 * tests/host/rtl_list.c - the wdm.h list routines (include/ddk/list.h).
 *
 * Builds lists of numbered records and checks their order from both ends
 * after every kind of insertion and removal. Corrupted lists must stop the
 * machine with KERNEL_SECURITY_CHECK_FAILURE / FAST_FAIL_CORRUPT_LIST_ENTRY:
 * here KeBugCheckEx records its arguments and jumps back into the test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <wdm.h>

typedef struct _RECORD {
    ULONG Value;
    LIST_ENTRY Link;
    SINGLE_LIST_ENTRY StackLink;
} RECORD;

static jmp_buf BugCheckReturn;
static BOOLEAN BugCheckExpected;
static ULONG BugCheckCode;
static ULONG_PTR BugCheckParameters[4];

VOID NTAPI
KeBugCheckEx(ULONG Code, ULONG_PTR P1, ULONG_PTR P2, ULONG_PTR P3, ULONG_PTR P4)
{
    if (!BugCheckExpected) {
        fail_msg("unexpected bugcheck 0x%x (0x%lx, 0x%lx, 0x%lx, 0x%lx)", Code,
                 (unsigned long)P1, (unsigned long)P2, (unsigned long)P3, (unsigned long)P4);
    }
    BugCheckCode = Code;
    BugCheckParameters[0] = P1;
    BugCheckParameters[1] = P2;
    BugCheckParameters[2] = P3;
    BugCheckParameters[3] = P4;
    longjmp(BugCheckReturn, 1);
}

/* Checks that Head holds exactly Expected[0..Count) in order, walking both
 * the Flink and the Blink chains. */
static void
AssertListIs(PLIST_ENTRY Head, const ULONG *Expected, size_t Count)
{
    PLIST_ENTRY Entry = Head->Flink;
    size_t Index;

    for (Index = 0; Index < Count; Index++, Entry = Entry->Flink) {
        assert_ptr_not_equal(Entry, Head);
        assert_int_equal(CONTAINING_RECORD(Entry, RECORD, Link)->Value, Expected[Index]);
        assert_ptr_equal(Entry->Flink->Blink, Entry);
    }
    assert_ptr_equal(Entry, Head);
    Entry = Head->Blink;
    for (Index = Count; Index > 0; Index--, Entry = Entry->Blink) {
        assert_int_equal(CONTAINING_RECORD(Entry, RECORD, Link)->Value, Expected[Index - 1]);
    }
    assert_ptr_equal(Entry, Head);
    assert_int_equal(IsListEmpty(Head), Count == 0);
}

static void
MakeRecords(RECORD *Records, size_t Count)
{
    for (size_t Index = 0; Index < Count; Index++) {
        Records[Index].Value = (ULONG)Index;
    }
}

static void
TestInitializeAndEmpty(void **State)
{
    LIST_ENTRY Head;

    (void)State;
    InitializeListHead(&Head);
    assert_ptr_equal(Head.Flink, &Head);
    assert_ptr_equal(Head.Blink, &Head);
    assert_true(IsListEmpty(&Head));
    /* Removing from an empty list returns the head itself, as in the WDK. */
    assert_ptr_equal(RemoveHeadList(&Head), &Head);
    assert_ptr_equal(RemoveTailList(&Head), &Head);
    assert_true(IsListEmpty(&Head));
}

static void
TestInsertOrder(void **State)
{
    LIST_ENTRY Head;
    RECORD Records[4];
    static const ULONG Expected[] = {2, 0, 1, 3};

    (void)State;
    MakeRecords(Records, 4);
    InitializeListHead(&Head);
    InsertTailList(&Head, &Records[0].Link);
    InsertTailList(&Head, &Records[1].Link);
    InsertHeadList(&Head, &Records[2].Link);
    InsertTailList(&Head, &Records[3].Link);
    AssertListIs(&Head, Expected, 4);
}

static void
TestRemoveHeadAndTail(void **State)
{
    LIST_ENTRY Head;
    RECORD Records[3];
    static const ULONG Middle[] = {1};

    (void)State;
    MakeRecords(Records, 3);
    InitializeListHead(&Head);
    for (int Index = 0; Index < 3; Index++) {
        InsertTailList(&Head, &Records[Index].Link);
    }
    assert_ptr_equal(RemoveHeadList(&Head), &Records[0].Link);
    assert_ptr_equal(RemoveTailList(&Head), &Records[2].Link);
    AssertListIs(&Head, Middle, 1);
    assert_ptr_equal(RemoveTailList(&Head), &Records[1].Link);
    AssertListIs(&Head, NULL, 0);
}

static void
TestRemoveEntryReportsEmpty(void **State)
{
    LIST_ENTRY Head;
    RECORD Records[3];
    static const ULONG AfterFirst[] = {0, 2};
    static const ULONG AfterSecond[] = {2};

    (void)State;
    MakeRecords(Records, 3);
    InitializeListHead(&Head);
    for (int Index = 0; Index < 3; Index++) {
        InsertTailList(&Head, &Records[Index].Link);
    }
    assert_false(RemoveEntryList(&Records[1].Link));
    AssertListIs(&Head, AfterFirst, 2);
    assert_false(RemoveEntryList(&Records[0].Link));
    AssertListIs(&Head, AfterSecond, 1);
    assert_true(RemoveEntryList(&Records[2].Link));
    AssertListIs(&Head, NULL, 0);
}

static void
TestAppendTailList(void **State)
{
    LIST_ENTRY First, Second, Empty;
    RECORD Records[5];
    static const ULONG Expected[] = {0, 1, 2, 3, 4};
    static const ULONG Prefix[] = {0, 1};

    (void)State;
    MakeRecords(Records, 5);
    InitializeListHead(&First);
    InitializeListHead(&Second);
    InsertTailList(&First, &Records[0].Link);
    InsertTailList(&First, &Records[1].Link);
    for (int Index = 2; Index < 5; Index++) {
        InsertTailList(&Second, &Records[Index].Link);
    }
    /* The WDK idiom for moving a whole headed list: append through its
     * head, then take the head out. */
    AppendTailList(&First, &Second);
    assert_false(RemoveEntryList(&Second));
    AssertListIs(&First, Expected, 5);

    /* The same with an empty list appends nothing. */
    InitializeListHead(&First);
    InsertTailList(&First, &Records[0].Link);
    InsertTailList(&First, &Records[1].Link);
    InitializeListHead(&Empty);
    AppendTailList(&First, &Empty);
    RemoveEntryList(&Empty);
    AssertListIs(&First, Prefix, 2);
}

static void
TestSingleList(void **State)
{
    SINGLE_LIST_ENTRY Head = {NULL};
    RECORD Records[3];

    (void)State;
    MakeRecords(Records, 3);
    assert_null(PopEntryList(&Head));
    for (int Index = 0; Index < 3; Index++) {
        PushEntryList(&Head, &Records[Index].StackLink);
    }
    for (int Index = 2; Index >= 0; Index--) {
        PSINGLE_LIST_ENTRY Entry = PopEntryList(&Head);
        assert_non_null(Entry);
        assert_int_equal(CONTAINING_RECORD(Entry, RECORD, StackLink)->Value, (ULONG)Index);
    }
    assert_null(PopEntryList(&Head));
    assert_null(Head.Next);
}

/* Runs Statement, which must stop the machine with 0x139, parameter 1 = 3. */
#define EXPECT_LIST_CORRUPTION(Statement)                                       \
    do {                                                                        \
        BugCheckExpected = TRUE;                                                \
        BugCheckCode = 0;                                                       \
        if (setjmp(BugCheckReturn) == 0) {                                      \
            Statement;                                                          \
            BugCheckExpected = FALSE;                                           \
            fail_msg("%s did not detect the corrupted list", #Statement);       \
        }                                                                       \
        BugCheckExpected = FALSE;                                               \
        assert_int_equal(BugCheckCode, KERNEL_SECURITY_CHECK_FAILURE);          \
        assert_int_equal(BugCheckParameters[0], FAST_FAIL_CORRUPT_LIST_ENTRY);  \
    } while (0)

static void
TestCorruptionIsFatal(void **State)
{
    LIST_ENTRY Head;
    RECORD Records[3];
    RECORD Stranger;

    (void)State;
    MakeRecords(Records, 3);

    /* A double removal: the entry's neighbours no longer point at it. */
    InitializeListHead(&Head);
    for (int Index = 0; Index < 3; Index++) {
        InsertTailList(&Head, &Records[Index].Link);
    }
    RemoveEntryList(&Records[1].Link);
    EXPECT_LIST_CORRUPTION(RemoveEntryList(&Records[1].Link));
    assert_int_equal(BugCheckParameters[2], (ULONG_PTR)&Records[1].Link);

    /* A stray write to the first entry's Blink. */
    InitializeListHead(&Head);
    InsertTailList(&Head, &Records[0].Link);
    InsertTailList(&Head, &Records[1].Link);
    Records[0].Link.Blink = &Stranger.Link;
    EXPECT_LIST_CORRUPTION(RemoveHeadList(&Head));
    EXPECT_LIST_CORRUPTION(InsertHeadList(&Head, &Records[2].Link));

    /* A stray write to the last entry's Flink. */
    InitializeListHead(&Head);
    InsertTailList(&Head, &Records[0].Link);
    InsertTailList(&Head, &Records[1].Link);
    Records[1].Link.Flink = &Stranger.Link;
    EXPECT_LIST_CORRUPTION(RemoveTailList(&Head));
    EXPECT_LIST_CORRUPTION(InsertTailList(&Head, &Records[2].Link));
    EXPECT_LIST_CORRUPTION(AppendTailList(&Head, &Records[2].Link));
}

int
main(void)
{
    const struct CMUnitTest Tests[] = {
        cmocka_unit_test(TestInitializeAndEmpty),
        cmocka_unit_test(TestInsertOrder),
        cmocka_unit_test(TestRemoveHeadAndTail),
        cmocka_unit_test(TestRemoveEntryReportsEmpty),
        cmocka_unit_test(TestAppendTailList),
        cmocka_unit_test(TestSingleList),
        cmocka_unit_test(TestCorruptionIsFatal),
    };

    return cmocka_run_group_tests(Tests, NULL, NULL);
}
