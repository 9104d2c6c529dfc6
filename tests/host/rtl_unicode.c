/*
 * tests/host/rtl_unicode.c - UNICODE_STRING: init, copy, append, compare.
 *
 * Destinations sit inside a larger array filled with a guard value, so a
 * write past MaximumLength shows up as a changed guard even where ASan
 * would not see it (inside the same object). Malformed strings must be
 * refused and reported by routine and field name.
 */
#include <string.h>

#include "tests/host/rtl_fakes.h"

#define GUARD_WCHAR ((WCHAR)0xBEEF)
#define ARENA_CHARS 64

typedef struct _ARENA {
    WCHAR Units[ARENA_CHARS];
} ARENA;

static void
ArenaInit(ARENA *Arena)
{
    for (size_t Index = 0; Index < ARENA_CHARS; Index++) {
        Arena->Units[Index] = GUARD_WCHAR;
    }
}

/* Asserts that every unit from index First on still holds the guard. */
static void
AssertGuardFrom(const ARENA *Arena, size_t First)
{
    for (size_t Index = First; Index < ARENA_CHARS; Index++) {
        if (Arena->Units[Index] != GUARD_WCHAR) {
            fail_msg("unit %zu past the destination was overwritten with 0x%04x", Index,
                     Arena->Units[Index]);
        }
    }
}

/* The byte at offset Byte of an arena, for odd MaximumLength checks. */
static UCHAR
ArenaByte(const ARENA *Arena, size_t Byte)
{
    return ((const UCHAR *)Arena->Units)[Byte];
}

static void
AssertUnicodeText(PCUNICODE_STRING String, PCWSTR Expected)
{
    size_t Count = 0;

    while (Expected[Count] != 0) {
        Count++;
    }
    assert_int_equal(String->Length, Count * sizeof(WCHAR));
    assert_memory_equal(String->Buffer, Expected, Count * sizeof(WCHAR));
}

static int
Setup(void **State)
{
    (void)State;
    RtlFakeResetMessages();
    return 0;
}

static void
TestInitUnicodeString(void **State)
{
    static WCHAR Text[] = L"\\Device\\Serial0";
    UNICODE_STRING String;

    (void)State;
    RtlInitUnicodeString(&String, Text);
    assert_ptr_equal(String.Buffer, Text);
    assert_int_equal(String.Length, sizeof(Text) - sizeof(WCHAR));
    assert_int_equal(String.MaximumLength, sizeof(Text));

    RtlInitUnicodeString(&String, NULL);
    assert_null(String.Buffer);
    assert_int_equal(String.Length, 0);
    assert_int_equal(String.MaximumLength, 0);

    RtlInitUnicodeString(&String, L"");
    assert_int_equal(String.Length, 0);
    assert_int_equal(String.MaximumLength, sizeof(WCHAR));
    RtlFakeAssertQuiet();
}

/* 32766 characters are the most a UNICODE_STRING can count with its
 * terminator; one more is cut by Init and refused by InitEx. */
static void
TestInitUnicodeStringLimits(void **State)
{
    static WCHAR Long[UNICODE_STRING_MAX_CHARS + 2];
    UNICODE_STRING String;

    (void)State;
    for (size_t Index = 0; Index < UNICODE_STRING_MAX_CHARS - 1; Index++) {
        Long[Index] = L'x';
    }
    Long[UNICODE_STRING_MAX_CHARS - 1] = 0; /* 32766 characters */
    assert_int_equal(RtlInitUnicodeStringEx(&String, Long), STATUS_SUCCESS);
    assert_int_equal(String.Length, 65532);
    assert_int_equal(String.MaximumLength, 65534);

    Long[UNICODE_STRING_MAX_CHARS - 1] = L'x'; /* 32767 characters */
    Long[UNICODE_STRING_MAX_CHARS] = 0;
    RtlInitUnicodeString(&String, Long);
    assert_int_equal(String.Length, 65532);
    assert_int_equal(String.MaximumLength, 65534);
    assert_ptr_equal(String.Buffer, Long);

    String.Length = 1234;
    assert_int_equal(RtlInitUnicodeStringEx(&String, Long), STATUS_NAME_TOO_LONG);
    assert_int_equal(String.Length, 0);
    assert_int_equal(String.MaximumLength, 0);
    assert_int_equal(RtlInitUnicodeStringEx(&String, L"ok"), STATUS_SUCCESS);
    assert_int_equal(String.Length, 4);
    assert_int_equal(RtlInitUnicodeStringEx(&String, NULL), STATUS_SUCCESS);
    assert_int_equal(String.MaximumLength, 0);
}

static void
TestCopyFitsAndTerminates(void **State)
{
    ARENA Arena;
    UNICODE_STRING Destination;
    UNICODE_STRING Source = RTL_CONSTANT_STRING(L"COM1");

    (void)State;
    ArenaInit(&Arena);
    RtlInitEmptyUnicodeString(&Destination, Arena.Units, 10 * sizeof(WCHAR));
    RtlCopyUnicodeString(&Destination, &Source);
    AssertUnicodeText(&Destination, L"COM1");
    assert_int_equal(Arena.Units[4], 0);
    AssertGuardFrom(&Arena, 5);

    /* Exactly full: no room for a terminator, so none is written. */
    ArenaInit(&Arena);
    RtlInitEmptyUnicodeString(&Destination, Arena.Units, 4 * sizeof(WCHAR));
    RtlCopyUnicodeString(&Destination, &Source);
    AssertUnicodeText(&Destination, L"COM1");
    AssertGuardFrom(&Arena, 4);

    /* A NULL source empties the destination. */
    RtlCopyUnicodeString(&Destination, NULL);
    assert_int_equal(Destination.Length, 0);
    RtlFakeAssertQuiet();
}

static void
TestCopyTruncatesWithinOddMaximum(void **State)
{
    ARENA Arena;
    UNICODE_STRING Destination;
    UNICODE_STRING Source = RTL_CONSTANT_STRING(L"ABCDEFGH");

    (void)State;
    ArenaInit(&Arena);
    /* 7 bytes hold three WCHARs; the seventh byte must stay untouched. */
    RtlInitEmptyUnicodeString(&Destination, Arena.Units, 7);
    RtlCopyUnicodeString(&Destination, &Source);
    AssertUnicodeText(&Destination, L"ABC");
    assert_int_equal(ArenaByte(&Arena, 6), 0xEF);
    AssertGuardFrom(&Arena, 4);

    /* A zero-sized destination gets nothing, not even a terminator. */
    ArenaInit(&Arena);
    RtlInitEmptyUnicodeString(&Destination, Arena.Units, 0);
    RtlCopyUnicodeString(&Destination, &Source);
    assert_int_equal(Destination.Length, 0);
    AssertGuardFrom(&Arena, 0);
    RtlFakeAssertQuiet();
}

static void
TestCopyRefusesMalformedSource(void **State)
{
    ARENA Arena;
    UNICODE_STRING Destination;
    UNICODE_STRING Source = RTL_CONSTANT_STRING(L"ABCD");

    (void)State;
    ArenaInit(&Arena);
    RtlInitEmptyUnicodeString(&Destination, Arena.Units, 20);
    Source.Length = 3;
    RtlCopyUnicodeString(&Destination, &Source);
    assert_int_equal(Destination.Length, 0);
    RtlFakeAssertReported("RtlCopyUnicodeString", "SourceString", "odd", NULL);

    Source.Length = 12; /* more than MaximumLength 10 */
    RtlCopyUnicodeString(&Destination, &Source);
    assert_int_equal(Destination.Length, 0);
    RtlFakeAssertReported("RtlCopyUnicodeString", "SourceString", "MaximumLength", NULL);
    AssertGuardFrom(&Arena, 1);

    Destination.Buffer = NULL;
    RtlCopyUnicodeString(&Destination, &Source);
    RtlFakeAssertReported("RtlCopyUnicodeString", "DestinationString", "NULL", NULL);
}

static void
TestAppend(void **State)
{
    ARENA Arena;
    UNICODE_STRING Destination;
    UNICODE_STRING Suffix = RTL_CONSTANT_STRING(L"\\Serial0");

    (void)State;
    ArenaInit(&Arena);
    RtlInitEmptyUnicodeString(&Destination, Arena.Units, 20 * sizeof(WCHAR));
    assert_int_equal(RtlAppendUnicodeToString(&Destination, L"\\Device"), STATUS_SUCCESS);
    assert_int_equal(RtlAppendUnicodeStringToString(&Destination, &Suffix), STATUS_SUCCESS);
    AssertUnicodeText(&Destination, L"\\Device\\Serial0");
    assert_int_equal(Arena.Units[15], 0);
    AssertGuardFrom(&Arena, 16);

    /* Appending nothing succeeds and changes nothing. */
    assert_int_equal(RtlAppendUnicodeToString(&Destination, NULL), STATUS_SUCCESS);
    assert_int_equal(RtlAppendUnicodeToString(&Destination, L""), STATUS_SUCCESS);
    AssertUnicodeText(&Destination, L"\\Device\\Serial0");
    RtlFakeAssertQuiet();
}

static void
TestAppendTooSmallLeavesDestination(void **State)
{
    ARENA Arena;
    UNICODE_STRING Destination;
    UNICODE_STRING Suffix = RTL_CONSTANT_STRING(L"XYZ");

    (void)State;
    ArenaInit(&Arena);
    RtlInitEmptyUnicodeString(&Destination, Arena.Units, 5 * sizeof(WCHAR));
    assert_int_equal(RtlAppendUnicodeToString(&Destination, L"AB"), STATUS_SUCCESS);
    /* Five WCHARs fit "ABXYZ" exactly, without a terminator. */
    assert_int_equal(RtlAppendUnicodeStringToString(&Destination, &Suffix), STATUS_SUCCESS);
    AssertUnicodeText(&Destination, L"ABXYZ");
    AssertGuardFrom(&Arena, 5);

    assert_int_equal(RtlAppendUnicodeToString(&Destination, L"!"), STATUS_BUFFER_TOO_SMALL);
    assert_int_equal(RtlAppendUnicodeStringToString(&Destination, &Suffix),
                     STATUS_BUFFER_TOO_SMALL);
    AssertUnicodeText(&Destination, L"ABXYZ");
    AssertGuardFrom(&Arena, 5);
    RtlFakeAssertQuiet();
}

static void
TestAppendRefusesMalformed(void **State)
{
    ARENA Arena;
    UNICODE_STRING Destination;
    UNICODE_STRING Source = RTL_CONSTANT_STRING(L"AB");

    (void)State;
    ArenaInit(&Arena);
    RtlInitEmptyUnicodeString(&Destination, Arena.Units, 8);
    Destination.Length = 10;
    assert_int_equal(RtlAppendUnicodeToString(&Destination, L"A"), STATUS_INVALID_PARAMETER);
    RtlFakeAssertReported("RtlAppendUnicodeToString", "Destination", "exceeds", NULL);

    Destination.Length = 3;
    assert_int_equal(RtlAppendUnicodeStringToString(&Destination, &Source),
                     STATUS_INVALID_PARAMETER);
    RtlFakeAssertReported("RtlAppendUnicodeStringToString", "Destination", "odd", NULL);

    Destination.Length = 0;
    Source.MaximumLength = 2;
    assert_int_equal(RtlAppendUnicodeStringToString(&Destination, &Source),
                     STATUS_INVALID_PARAMETER);
    RtlFakeAssertReported("RtlAppendUnicodeStringToString", "Source", "exceeds", NULL);

    assert_int_equal(RtlAppendUnicodeStringToString(&Destination, NULL),
                     STATUS_INVALID_PARAMETER);
    RtlFakeAssertReported("RtlAppendUnicodeStringToString", "Source is NULL", NULL);
    AssertGuardFrom(&Arena, 0);
}

static void
TestUpcase(void **State)
{
    (void)State;
    assert_int_equal(RtlUpcaseUnicodeChar(L'a'), L'A');
    assert_int_equal(RtlUpcaseUnicodeChar(L'z'), L'Z');
    assert_int_equal(RtlUpcaseUnicodeChar(L'A'), L'A');
    assert_int_equal(RtlUpcaseUnicodeChar(L'`'), L'`');
    assert_int_equal(RtlUpcaseUnicodeChar(L'{'), L'{');
    assert_int_equal(RtlUpcaseUnicodeChar(L'5'), L'5');
    assert_int_equal(RtlUpcaseUnicodeChar(0x1234), 0x1234);
}

static void
TestCompare(void **State)
{
    UNICODE_STRING Abc = RTL_CONSTANT_STRING(L"abc");
    UNICODE_STRING AbcUpper = RTL_CONSTANT_STRING(L"ABC");
    UNICODE_STRING Abd = RTL_CONSTANT_STRING(L"abd");
    UNICODE_STRING Ab = RTL_CONSTANT_STRING(L"ab");
    UNICODE_STRING Empty = RTL_CONSTANT_STRING(L"");
    UNICODE_STRING High = RTL_CONSTANT_STRING(L"\x8000");
    UNICODE_STRING Low = RTL_CONSTANT_STRING(L"\x7fff");

    (void)State;
    assert_int_equal(RtlCompareUnicodeString(&Abc, &Abc, FALSE), 0);
    assert_true(RtlCompareUnicodeString(&Abc, &AbcUpper, FALSE) > 0);
    assert_int_equal(RtlCompareUnicodeString(&Abc, &AbcUpper, TRUE), 0);
    assert_true(RtlCompareUnicodeString(&Abc, &Abd, FALSE) < 0);
    assert_true(RtlCompareUnicodeString(&Abd, &Abc, TRUE) > 0);
    assert_true(RtlCompareUnicodeString(&Ab, &Abc, FALSE) < 0);
    assert_true(RtlCompareUnicodeString(&Abc, &Ab, FALSE) > 0);
    assert_true(RtlCompareUnicodeString(&Empty, &Ab, FALSE) < 0);
    assert_int_equal(RtlCompareUnicodeString(&Empty, &Empty, TRUE), 0);
    /* Code units compare as unsigned 16-bit values. */
    assert_true(RtlCompareUnicodeString(&High, &Low, FALSE) > 0);

    assert_true(RtlEqualUnicodeString(&Abc, &AbcUpper, TRUE));
    assert_false(RtlEqualUnicodeString(&Abc, &AbcUpper, FALSE));
    assert_false(RtlEqualUnicodeString(&Abc, &Ab, TRUE));
    assert_true(RtlEqualUnicodeString(&Empty, &Empty, FALSE));
    RtlFakeAssertQuiet();
}

/* Length bounds the comparison: what lies after it does not count. */
static void
TestCompareUsesLengthNotTerminator(void **State)
{
    WCHAR Buffer1[] = L"device0";
    WCHAR Buffer2[] = L"device1";
    UNICODE_STRING Left = {6 * sizeof(WCHAR), sizeof(Buffer1), Buffer1};
    UNICODE_STRING Right = {6 * sizeof(WCHAR), sizeof(Buffer2), Buffer2};

    (void)State;
    assert_true(RtlEqualUnicodeString(&Left, &Right, FALSE));
    Right.Length += sizeof(WCHAR);
    assert_false(RtlEqualUnicodeString(&Left, &Right, FALSE));
}

static void
TestCompareReportsMalformed(void **State)
{
    UNICODE_STRING Good = RTL_CONSTANT_STRING(L"abc");
    UNICODE_STRING Bad = RTL_CONSTANT_STRING(L"abc");
    UNICODE_STRING Empty = RTL_CONSTANT_STRING(L"");

    (void)State;
    Bad.Length = 5;
    /* A malformed string compares as empty, and the report names it. */
    assert_true(RtlCompareUnicodeString(&Bad, &Good, FALSE) < 0);
    RtlFakeAssertReported("RtlCompareUnicodeString", "String1", "odd", NULL);
    assert_true(RtlEqualUnicodeString(&Empty, &Bad, FALSE));
    RtlFakeAssertReported("RtlEqualUnicodeString", "String2", NULL);
    assert_false(RtlEqualUnicodeString(NULL, &Good, FALSE));
    RtlFakeAssertReported("RtlEqualUnicodeString", "String1 is NULL", NULL);
    Bad.Length = 2;
    Bad.Buffer = NULL;
    assert_false(RtlPrefixUnicodeString(&Good, &Bad, FALSE));
    RtlFakeAssertReported("RtlPrefixUnicodeString", "String2->Buffer is NULL", NULL);
}

static void
TestPrefix(void **State)
{
    UNICODE_STRING Device = RTL_CONSTANT_STRING(L"\\Device\\");
    UNICODE_STRING DeviceUpper = RTL_CONSTANT_STRING(L"\\DEVICE\\");
    UNICODE_STRING Name = RTL_CONSTANT_STRING(L"\\Device\\Serial0");
    UNICODE_STRING Empty = RTL_CONSTANT_STRING(L"");

    (void)State;
    assert_true(RtlPrefixUnicodeString(&Device, &Name, FALSE));
    assert_false(RtlPrefixUnicodeString(&DeviceUpper, &Name, FALSE));
    assert_true(RtlPrefixUnicodeString(&DeviceUpper, &Name, TRUE));
    assert_false(RtlPrefixUnicodeString(&Name, &Device, TRUE)); /* longer is no prefix */
    assert_true(RtlPrefixUnicodeString(&Name, &Name, FALSE));
    assert_true(RtlPrefixUnicodeString(&Empty, &Name, FALSE));
    assert_true(RtlPrefixUnicodeString(&Empty, &Empty, FALSE));
    RtlFakeAssertQuiet();
}

int
main(void)
{
    const struct CMUnitTest Tests[] = {
        cmocka_unit_test_setup(TestInitUnicodeString, Setup),
        cmocka_unit_test_setup(TestInitUnicodeStringLimits, Setup),
        cmocka_unit_test_setup(TestCopyFitsAndTerminates, Setup),
        cmocka_unit_test_setup(TestCopyTruncatesWithinOddMaximum, Setup),
        cmocka_unit_test_setup(TestCopyRefusesMalformedSource, Setup),
        cmocka_unit_test_setup(TestAppend, Setup),
        cmocka_unit_test_setup(TestAppendTooSmallLeavesDestination, Setup),
        cmocka_unit_test_setup(TestAppendRefusesMalformed, Setup),
        cmocka_unit_test_setup(TestUpcase, Setup),
        cmocka_unit_test_setup(TestCompare, Setup),
        cmocka_unit_test_setup(TestCompareUsesLengthNotTerminator, Setup),
        cmocka_unit_test_setup(TestCompareReportsMalformed, Setup),
        cmocka_unit_test_setup(TestPrefix, Setup),
    };

    return cmocka_run_group_tests(Tests, NULL, NULL);
}
