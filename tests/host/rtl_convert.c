/*
 * tests/host/rtl_convert.c - ANSI strings, numbers and conversions.
 *
 * RtlInitString/RtlCompareString, RtlUnicodeStringToInteger (with the
 * examples the WDK documents), RtlIntegerToUnicodeString, and conversion
 * between ANSI_STRING and UNICODE_STRING into buffers that are too small,
 * exactly large enough, or odd-sized. Guards after each destination catch
 * writes past MaximumLength.
 */
#include <stdlib.h>
#include <string.h>

#include "tests/host/rtl_fakes.h"

/* A fake pool: counts what is outstanding, checks the tag on free, and can
 * be told to fail the next allocation. */
static unsigned FakePoolOutstanding;
static BOOLEAN FakePoolFailNext;
static ULONG FakePoolLastTag;
static SIZE_T FakePoolLastSize;

PVOID NTAPI
ExAllocatePoolWithTag(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    (void)PoolType;
    FakePoolLastTag = Tag;
    FakePoolLastSize = NumberOfBytes;
    if (FakePoolFailNext) {
        FakePoolFailNext = FALSE;
        return NULL;
    }
    FakePoolOutstanding++;
    return malloc(NumberOfBytes);
}

VOID NTAPI
ExFreePoolWithTag(PVOID P, ULONG Tag)
{
    assert_int_equal(Tag, 0x67727453); /* 'grtS' */
    assert_true(FakePoolOutstanding > 0);
    FakePoolOutstanding--;
    free(P);
}

static int
Setup(void **State)
{
    (void)State;
    RtlFakeResetMessages();
    return 0;
}

static void
TestInitString(void **State)
{
    static CHAR Text[] = "PCI";
    ANSI_STRING String;

    (void)State;
    RtlInitAnsiString(&String, Text);
    assert_ptr_equal(String.Buffer, Text);
    assert_int_equal(String.Length, 3);
    assert_int_equal(String.MaximumLength, 4);
    RtlInitString(&String, NULL);
    assert_null(String.Buffer);
    assert_int_equal(String.Length, 0);
    assert_int_equal(String.MaximumLength, 0);
}

static void
TestInitStringLimit(void **State)
{
    static CHAR Long[70000];
    STRING String;

    (void)State;
    memset(Long, 'a', sizeof(Long) - 1);
    RtlInitString(&String, Long);
    assert_int_equal(String.Length, 0xFFFE);
    assert_int_equal(String.MaximumLength, 0xFFFF);
}

static void
TestCompareString(void **State)
{
    STRING Abc = RTL_CONSTANT_STRING("abc");
    STRING AbcUpper = RTL_CONSTANT_STRING("ABC");
    STRING Ab = RTL_CONSTANT_STRING("ab");
    STRING High = RTL_CONSTANT_STRING("\xe9");
    STRING Bad = RTL_CONSTANT_STRING("abc");

    (void)State;
    assert_int_equal(RtlCompareString(&Abc, &Abc, FALSE), 0);
    assert_true(RtlCompareString(&Abc, &AbcUpper, FALSE) > 0);
    assert_int_equal(RtlCompareString(&Abc, &AbcUpper, TRUE), 0);
    assert_true(RtlCompareString(&Ab, &Abc, TRUE) < 0);
    assert_true(RtlCompareString(&High, &Abc, FALSE) > 0); /* bytes are unsigned */
    assert_true(RtlEqualString(&Abc, &AbcUpper, TRUE));
    assert_false(RtlEqualString(&Abc, &AbcUpper, FALSE));
    assert_false(RtlEqualString(&Abc, &Ab, FALSE));
    RtlFakeAssertQuiet();

    Bad.Length = 9;
    assert_false(RtlEqualString(&Abc, &Bad, FALSE));
    RtlFakeAssertReported("RtlEqualString", "String2->Length 9", "MaximumLength 4", NULL);
}

/* Converts Text (a wide literal) with Base and checks status and value. */
static void
AssertParses(PCWSTR Text, ULONG Base, NTSTATUS ExpectedStatus, ULONG ExpectedValue)
{
    UNICODE_STRING String;
    ULONG Value = 0xDEADBEEF;
    NTSTATUS Status;

    RtlInitUnicodeString(&String, Text);
    Status = RtlUnicodeStringToInteger(&String, Base, &Value);
    if (Status != ExpectedStatus || (NT_SUCCESS(Status) && Value != ExpectedValue)) {
        fail_msg("base %u: status 0x%08x value 0x%x, expected 0x%08x and 0x%x", Base,
                 (unsigned)Status, Value, (unsigned)ExpectedStatus, ExpectedValue);
    }
}

static void
TestUnicodeStringToInteger(void **State)
{
    (void)State;
    /* The examples from the WDK's page for the routine. */
    AssertParses(L"123", 10, STATUS_SUCCESS, 123);
    AssertParses(L"-345", 10, STATUS_SUCCESS, (ULONG)-345);
    AssertParses(L"xyz", 10, STATUS_SUCCESS, 0);
    AssertParses(L"+678abc", 10, STATUS_SUCCESS, 678);
    AssertParses(L"+678abc", 16, STATUS_SUCCESS, 0x678abc);

    AssertParses(L"  \t 42", 10, STATUS_SUCCESS, 42);
    AssertParses(L"1011", 2, STATUS_SUCCESS, 11);
    AssertParses(L"1012", 2, STATUS_SUCCESS, 5); /* stops at the first non-digit */
    AssertParses(L"777", 8, STATUS_SUCCESS, 0777);
    AssertParses(L"89", 8, STATUS_SUCCESS, 0);
    AssertParses(L"FFFFffff", 16, STATUS_SUCCESS, 0xFFFFFFFF);
    AssertParses(L"4294967295", 0, STATUS_SUCCESS, 0xFFFFFFFF);
    AssertParses(L"- 5", 10, STATUS_SUCCESS, 0);

    /* With Base 0 the prefix decides; with an explicit base it is text. */
    AssertParses(L"0x1F", 0, STATUS_SUCCESS, 0x1F);
    AssertParses(L"-0x10", 0, STATUS_SUCCESS, (ULONG)-16);
    AssertParses(L"0o17", 0, STATUS_SUCCESS, 017);
    AssertParses(L"0b101", 0, STATUS_SUCCESS, 5);
    AssertParses(L"017", 0, STATUS_SUCCESS, 17);
    AssertParses(L"0", 0, STATUS_SUCCESS, 0);
    AssertParses(L"0x1F", 16, STATUS_SUCCESS, 0);

    AssertParses(L"", 10, STATUS_INVALID_PARAMETER, 0);
    RtlFakeAssertQuiet();
    AssertParses(L"12", 7, STATUS_INVALID_PARAMETER, 0);
    RtlFakeAssertReported("RtlUnicodeStringToInteger", "Base 7", NULL);
}

static void
TestUnicodeStringToIntegerRespectsLength(void **State)
{
    WCHAR Digits[] = L"12345";
    UNICODE_STRING String = {2 * sizeof(WCHAR), sizeof(Digits), Digits};
    ULONG Value = 0;

    (void)State;
    assert_int_equal(RtlUnicodeStringToInteger(&String, 10, &Value), STATUS_SUCCESS);
    assert_int_equal(Value, 12);

    String.Length = 3;
    assert_int_equal(RtlUnicodeStringToInteger(&String, 10, &Value), STATUS_INVALID_PARAMETER);
    RtlFakeAssertReported("RtlUnicodeStringToInteger", "String->Length 3", NULL);
    String.Length = 2;
    assert_int_equal(RtlUnicodeStringToInteger(&String, 10, NULL), STATUS_INVALID_PARAMETER);
    RtlFakeAssertReported("RtlUnicodeStringToInteger", "Value is NULL", NULL);
}

static void
AssertFormats(ULONG Value, ULONG Base, PCWSTR Expected)
{
    WCHAR Buffer[40];
    UNICODE_STRING String;
    size_t Count = 0;

    while (Expected[Count] != 0) {
        Count++;
    }
    RtlInitEmptyUnicodeString(&String, Buffer, sizeof(Buffer));
    assert_int_equal(RtlIntegerToUnicodeString(Value, Base, &String), STATUS_SUCCESS);
    assert_int_equal(String.Length, Count * sizeof(WCHAR));
    assert_memory_equal(Buffer, Expected, (Count + 1) * sizeof(WCHAR)); /* and the NUL */
}

static void
TestIntegerToUnicodeString(void **State)
{
    (void)State;
    AssertFormats(0, 10, L"0");
    AssertFormats(1234, 0, L"1234");
    AssertFormats(4294967295u, 10, L"4294967295");
    AssertFormats(0xBEEF, 16, L"BEEF");
    AssertFormats(8, 8, L"10");
    AssertFormats(5, 2, L"101");
    AssertFormats(0x80000000u, 2, L"10000000000000000000000000000000");
    RtlFakeAssertQuiet();
}

static void
TestIntegerToUnicodeStringTooSmall(void **State)
{
    WCHAR Buffer[8];
    UNICODE_STRING String;

    (void)State;
    for (size_t Index = 0; Index < 8; Index++) {
        Buffer[Index] = 0xBEEF;
    }
    /* "12345" needs 10 bytes plus 2 for the terminator. */
    RtlInitEmptyUnicodeString(&String, Buffer, 10);
    assert_int_equal(RtlIntegerToUnicodeString(12345, 10, &String), STATUS_BUFFER_OVERFLOW);
    assert_int_equal(String.Length, 0);
    assert_int_equal(Buffer[0], 0xBEEF);

    RtlInitEmptyUnicodeString(&String, Buffer, 12);
    assert_int_equal(RtlIntegerToUnicodeString(12345, 10, &String), STATUS_SUCCESS);
    assert_int_equal(String.Length, 10);
    assert_int_equal(Buffer[5], 0);
    assert_int_equal(Buffer[6], 0xBEEF);

    assert_int_equal(RtlIntegerToUnicodeString(1, 3, &String), STATUS_INVALID_PARAMETER);
    RtlFakeAssertReported("RtlIntegerToUnicodeString", "Base 3", NULL);
}

static void
TestAnsiToUnicode(void **State)
{
    WCHAR Buffer[16];
    UNICODE_STRING Destination;
    ANSI_STRING Source = RTL_CONSTANT_STRING("caf\xe9");

    (void)State;
    for (size_t Index = 0; Index < 16; Index++) {
        Buffer[Index] = 0xBEEF;
    }
    RtlInitEmptyUnicodeString(&Destination, Buffer, sizeof(Buffer));
    assert_int_equal(RtlAnsiStringToUnicodeString(&Destination, &Source, FALSE), STATUS_SUCCESS);
    assert_int_equal(Destination.Length, 8);
    assert_memory_equal(Buffer, L"caf\x00e9", 5 * sizeof(WCHAR)); /* ISO-8859-1, NUL */
    assert_int_equal(Buffer[5], 0xBEEF);

    /* Room for the text but not its terminator: cut by one, overflow. */
    RtlInitEmptyUnicodeString(&Destination, Buffer, 8);
    assert_int_equal(RtlAnsiStringToUnicodeString(&Destination, &Source, FALSE),
                     STATUS_BUFFER_OVERFLOW);
    assert_int_equal(Destination.Length, 6);
    assert_int_equal(Buffer[3], 0);

    /* An odd MaximumLength: 7 bytes hold three WCHARs, the last the NUL. */
    for (size_t Index = 0; Index < 16; Index++) {
        Buffer[Index] = 0xBEEF;
    }
    RtlInitEmptyUnicodeString(&Destination, Buffer, 7);
    assert_int_equal(RtlAnsiStringToUnicodeString(&Destination, &Source, FALSE),
                     STATUS_BUFFER_OVERFLOW);
    assert_int_equal(Destination.Length, 4);
    assert_int_equal(Buffer[2], 0);
    assert_int_equal(((UCHAR *)Buffer)[6], 0xEF);

    Buffer[0] = 0xBEEF;
    RtlInitEmptyUnicodeString(&Destination, Buffer, 0);
    assert_int_equal(RtlAnsiStringToUnicodeString(&Destination, &Source, FALSE),
                     STATUS_BUFFER_OVERFLOW);
    assert_int_equal(Destination.Length, 0);
    assert_int_equal(Buffer[0], 0xBEEF);
    RtlFakeAssertQuiet();
}

static void
TestUnicodeToAnsi(void **State)
{
    CHAR Buffer[16];
    ANSI_STRING Destination;
    UNICODE_STRING Source = RTL_CONSTANT_STRING(L"A\x00e9\x20ac!");

    (void)State;
    memset(Buffer, 0x5A, sizeof(Buffer));
    RtlInitEmptyAnsiString(&Destination, Buffer, sizeof(Buffer));
    assert_int_equal(RtlUnicodeStringToAnsiString(&Destination, &Source, FALSE), STATUS_SUCCESS);
    assert_int_equal(Destination.Length, 4);
    /* U+00E9 maps to its byte; the euro sign has no ISO-8859-1 byte. */
    assert_memory_equal(Buffer, "A\xe9?!", 5);
    assert_int_equal(Buffer[5], 0x5A);

    memset(Buffer, 0x5A, sizeof(Buffer));
    RtlInitEmptyAnsiString(&Destination, Buffer, 3);
    assert_int_equal(RtlUnicodeStringToAnsiString(&Destination, &Source, FALSE),
                     STATUS_BUFFER_OVERFLOW);
    assert_int_equal(Destination.Length, 2);
    assert_memory_equal(Buffer, "A\xe9", 3);
    assert_int_equal(Buffer[3], 0x5A);
    RtlFakeAssertQuiet();
}

static void
TestConversionsRefuseBadArguments(void **State)
{
    UNICODE_STRING Unicode = RTL_CONSTANT_STRING(L"ab");
    ANSI_STRING Ansi = RTL_CONSTANT_STRING("ab");
    UNICODE_STRING NoBuffer = {0, 8, NULL};
    static CHAR Huge[40000];
    ANSI_STRING TooLong = {sizeof(Huge), sizeof(Huge), Huge};

    (void)State;
    assert_int_equal(RtlAnsiStringToUnicodeString(&NoBuffer, &Ansi, FALSE),
                     STATUS_INVALID_PARAMETER_1);
    RtlFakeAssertReported("RtlAnsiStringToUnicodeString", "Buffer is NULL", NULL);
    assert_int_equal(RtlAnsiStringToUnicodeString(NULL, &Ansi, FALSE),
                     STATUS_INVALID_PARAMETER_1);
    RtlFakeAssertReported("RtlAnsiStringToUnicodeString", "DestinationString is NULL", NULL);
    /* 40000 bytes would need 80002 bytes of WCHARs: more than a USHORT. */
    assert_int_equal(RtlAnsiStringToUnicodeString(&Unicode, &TooLong, FALSE),
                     STATUS_INVALID_PARAMETER_2);
    RtlFakeAssertReported("RtlAnsiStringToUnicodeString", "too long", NULL);
    Unicode.Length = 1;
    assert_int_equal(RtlUnicodeStringToAnsiString(&Ansi, &Unicode, FALSE),
                     STATUS_INVALID_PARAMETER_2);
    RtlFakeAssertReported("RtlUnicodeStringToAnsiString", "SourceString", "odd", NULL);
}

static void
TestAllocatingConversions(void **State)
{
    ANSI_STRING Ansi = RTL_CONSTANT_STRING("\\Driver\\Pci");
    UNICODE_STRING Unicode = {123, 0, NULL};
    ANSI_STRING Back = {0, 0, NULL};

    (void)State;
    assert_int_equal(RtlAnsiStringToUnicodeString(&Unicode, &Ansi, TRUE), STATUS_SUCCESS);
    assert_int_equal(FakePoolLastTag, 0x67727453);
    assert_int_equal(Unicode.Length, 11 * sizeof(WCHAR));
    assert_int_equal(Unicode.MaximumLength, 12 * sizeof(WCHAR));
    assert_int_equal(FakePoolLastSize, Unicode.MaximumLength);
    assert_memory_equal(Unicode.Buffer, L"\\Driver\\Pci", 12 * sizeof(WCHAR));

    assert_int_equal(RtlUnicodeStringToAnsiString(&Back, &Unicode, TRUE), STATUS_SUCCESS);
    assert_int_equal(Back.Length, 11);
    assert_int_equal(Back.MaximumLength, 12);
    assert_string_equal(Back.Buffer, "\\Driver\\Pci");
    assert_int_equal(FakePoolOutstanding, 2);

    RtlFreeUnicodeString(&Unicode);
    RtlFreeAnsiString(&Back);
    assert_int_equal(FakePoolOutstanding, 0);
    assert_null(Unicode.Buffer);
    assert_int_equal(Unicode.Length, 0);
    assert_int_equal(Back.MaximumLength, 0);
    RtlFakeAssertQuiet();
}

static void
TestAllocatingConversionOfEmptyAndOutOfMemory(void **State)
{
    ANSI_STRING Empty = RTL_CONSTANT_STRING("");
    UNICODE_STRING Unicode = {0, 0, NULL};
    UNICODE_STRING Source = RTL_CONSTANT_STRING(L"abc");
    ANSI_STRING Ansi = {0, 0, NULL};

    (void)State;
    /* Even an empty result gets a buffer, holding its terminator. */
    assert_int_equal(RtlAnsiStringToUnicodeString(&Unicode, &Empty, TRUE), STATUS_SUCCESS);
    assert_int_equal(Unicode.Length, 0);
    assert_int_equal(Unicode.MaximumLength, sizeof(WCHAR));
    assert_int_equal(Unicode.Buffer[0], 0);
    RtlFreeUnicodeString(&Unicode);

    FakePoolFailNext = TRUE;
    assert_int_equal(RtlUnicodeStringToAnsiString(&Ansi, &Source, TRUE), STATUS_NO_MEMORY);
    assert_null(Ansi.Buffer);
    assert_int_equal(Ansi.MaximumLength, 0);
    assert_int_equal(FakePoolOutstanding, 0);
    RtlFakeAssertQuiet();
}

static void
TestFreeEmptiesTheString(void **State)
{
    UNICODE_STRING Unicode = {0, 0, NULL};
    ANSI_STRING Ansi = {0, 0, NULL};

    (void)State;
    RtlFreeUnicodeString(&Unicode);
    RtlFreeAnsiString(&Ansi);
    assert_null(Unicode.Buffer);
    assert_int_equal(Ansi.MaximumLength, 0);
    RtlFakeAssertQuiet();
}

int
main(void)
{
    const struct CMUnitTest Tests[] = {
        cmocka_unit_test_setup(TestInitString, Setup),
        cmocka_unit_test_setup(TestInitStringLimit, Setup),
        cmocka_unit_test_setup(TestCompareString, Setup),
        cmocka_unit_test_setup(TestUnicodeStringToInteger, Setup),
        cmocka_unit_test_setup(TestUnicodeStringToIntegerRespectsLength, Setup),
        cmocka_unit_test_setup(TestIntegerToUnicodeString, Setup),
        cmocka_unit_test_setup(TestIntegerToUnicodeStringTooSmall, Setup),
        cmocka_unit_test_setup(TestAnsiToUnicode, Setup),
        cmocka_unit_test_setup(TestUnicodeToAnsi, Setup),
        cmocka_unit_test_setup(TestConversionsRefuseBadArguments, Setup),
        cmocka_unit_test_setup(TestAllocatingConversions, Setup),
        cmocka_unit_test_setup(TestAllocatingConversionOfEmptyAndOutOfMemory, Setup),
        cmocka_unit_test_setup(TestFreeEmptiesTheString, Setup),
    };

    return cmocka_run_group_tests(Tests, NULL, NULL);
}
