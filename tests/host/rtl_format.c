/*
 * tests/host/rtl_format.c - RtlpFormatV (kernel/rtl/format.c) and the
 * ntstrsafe.h routines built on it (kernel/rtl/strsafe.c).
 *
 * For the C99 conversions the host's snprintf is the oracle: the same
 * format and arguments must give the same text and the same returned
 * length, at every buffer size from 0 up, so truncation, the would-be
 * length and NUL termination are checked together. The WDK's own spellings
 * (%ws, %S, %wZ, %Z, %I64x, %p, %pS) are checked against spelled-out text.
 * A guard byte after each buffer catches a write one past its size.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <ntstrsafe.h>
#include "tests/host/rtl_fakes.h"
#include "kernel/rtl/rtlp.h"
#include "kernel/dbg/kdp.h"

#define GUARD 0x7E
#define BUFFER_SIZE 96

/* A fake symbol table with one function, KiSystemStartup at 0x1000..0x1100. */
BOOLEAN
KdpLookupSymbol(ULONG_PTR Address, PCSTR *Name, ULONG_PTR *Offset)
{
    if (Address >= 0x1000 && Address < 0x1100) {
        *Name = "KiSystemStartup";
        *Offset = Address - 0x1000;
        return TRUE;
    }
    return FALSE;
}

/* RtlpFormat without printf format checking, for the WDK-only spellings
 * that GCC's checker does not know. */
static SIZE_T
Format(PCHAR Buffer, SIZE_T Size, PCSTR Text, ...)
{
    va_list Args;
    SIZE_T Length;

    va_start(Args, Text);
    Length = RtlpFormatV(Buffer, Size, Text, Args);
    va_end(Args);
    return Length;
}

/* Formats with both engines at every size from 0 to the full length + 1. */
#define ASSERT_LIKE_SNPRINTF(...)                                                         \
    do {                                                                                  \
        char Expected_[BUFFER_SIZE];                                                      \
        int Full_ = snprintf(Expected_, sizeof(Expected_), __VA_ARGS__);                  \
        assert_true(Full_ >= 0 && Full_ < BUFFER_SIZE - 2);                               \
        for (size_t Size_ = 0; Size_ <= (size_t)Full_ + 1; Size_++) {                     \
            char Ours_[BUFFER_SIZE], Theirs_[BUFFER_SIZE];                                \
            memset(Ours_, GUARD, sizeof(Ours_));                                          \
            memset(Theirs_, GUARD, sizeof(Theirs_));                                      \
            SIZE_T Length_ = RtlpFormat(Ours_, Size_, __VA_ARGS__);                       \
            snprintf(Theirs_, Size_, __VA_ARGS__);                                        \
            if (Length_ != (SIZE_T)Full_ || memcmp(Ours_, Theirs_, sizeof(Ours_)) != 0) { \
                fail_msg("%s at size %zu: got \"%.*s\" (%zu), expected \"%s\" (%d)",      \
                         #__VA_ARGS__, Size_, (int)(Size_ ? Size_ : 1), Ours_,            \
                         (size_t)Length_, Expected_, Full_);                              \
            }                                                                             \
        }                                                                                 \
    } while (0)

/* Checks a WDK-specific conversion against the text it must produce. */
#define ASSERT_FORMATS(Expected, ...)                                                 \
    do {                                                                              \
        char Buffer_[BUFFER_SIZE];                                                    \
        memset(Buffer_, GUARD, sizeof(Buffer_));                                      \
        SIZE_T Length_ = Format(Buffer_, sizeof(Buffer_), __VA_ARGS__);               \
        assert_string_equal(Buffer_, (Expected));                                     \
        assert_int_equal(Length_, strlen(Expected));                                  \
    } while (0)

/* Some formats below are odd on purpose ('0' with '-' or with a precision,
 * which C says to ignore); GCC warns about them, but both engines must agree. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
static void
TestSignedDecimal(void **State)
{
    (void)State;
    ASSERT_LIKE_SNPRINTF("%d", 0);
    ASSERT_LIKE_SNPRINTF("%d|%i", -1, 42);
    ASSERT_LIKE_SNPRINTF("%d %d", INT_MIN, INT_MAX);
    ASSERT_LIKE_SNPRINTF("[%5d][%-5d][%05d]", 42, 42, -42);
    ASSERT_LIKE_SNPRINTF("[%+d][% d][%+d][% d]", 7, 7, -7, -7);
    ASSERT_LIKE_SNPRINTF("[%.3d][%8.3d][%-8.3d][%08.3d]", 7, -7, 7, 7);
    ASSERT_LIKE_SNPRINTF("[%.0d][%+.0d][%5.0d]", 0, 0, 0);
    ASSERT_LIKE_SNPRINTF("[%-08d]", 12);
    ASSERT_LIKE_SNPRINTF("%lld %lld", LLONG_MIN, LLONG_MAX);
    ASSERT_LIKE_SNPRINTF("%ld %hd %hhd", -5L, (short)-30000, (signed char)-100);
    /* Arguments narrower than int are converted back to their type. */
    ASSERT_LIKE_SNPRINTF("%hd %hhd", 70000, 200);
}

static void
TestUnsignedAndHex(void **State)
{
    (void)State;
    ASSERT_LIKE_SNPRINTF("%u %u", 0u, UINT_MAX);
    ASSERT_LIKE_SNPRINTF("%x %X %x", 0xDEADBEEFu, 0xDEADBEEFu, 0u);
    ASSERT_LIKE_SNPRINTF("[%#x][%#X][%#x][%#08x][%#-8x]", 0x1Fu, 0x1Fu, 0u, 0x1Fu, 0x1Fu);
    ASSERT_LIKE_SNPRINTF("[%o][%#o][%#o][%#.3o][%#.0o]", 8u, 8u, 0u, 8u, 0u);
    ASSERT_LIKE_SNPRINTF("%llx %llX", 0xFEDCBA9876543210ull, 0x0123456789ABCDEFull);
    ASSERT_LIKE_SNPRINTF("%llu", ULLONG_MAX);
    ASSERT_LIKE_SNPRINTF("%zu %zx", (size_t)SIZE_MAX, (size_t)0x1000);
    ASSERT_LIKE_SNPRINTF("%hu %hhx", 70000, 0x1FF);
    ASSERT_LIKE_SNPRINTF("[%.8x][%16llx]", 0xABCu, 0xABCull);
    /* "+" and " " mean nothing for unsigned conversions. */
    ASSERT_LIKE_SNPRINTF("[%+u][% x]", 5u, 5u);
}
#pragma GCC diagnostic pop

static void
TestStarWidthAndPrecision(void **State)
{
    (void)State;
    ASSERT_LIKE_SNPRINTF("[%*d]", 6, 42);
    ASSERT_LIKE_SNPRINTF("[%*d]", -6, 42); /* negative width: left-align */
    ASSERT_LIKE_SNPRINTF("[%.*d]", 4, 42);
    ASSERT_LIKE_SNPRINTF("[%.*d]", -4, 42); /* negative precision: none */
    ASSERT_LIKE_SNPRINTF("[%*.*s]", 8, 3, "kestrel");
}

static void
TestCharactersAndStrings(void **State)
{
    (void)State;
    ASSERT_LIKE_SNPRINTF("%c%c%c", 'K', 'e', 'x');
    ASSERT_LIKE_SNPRINTF("[%3c][%-3c]", 'a', 'b');
    ASSERT_LIKE_SNPRINTF("[%s][%10s][%-10s]", "io", "irp", "dpc");
    ASSERT_LIKE_SNPRINTF("[%.2s][%.0s][%5.1s][%.10s]", "kestrel", "kestrel", "kestrel", "ab");
    ASSERT_LIKE_SNPRINTF("100%% [%s]", "");
    ASSERT_LIKE_SNPRINTF("plain text, no conversions");
}

static void
TestNullAndOddFormats(void **State)
{
    (void)State;
    ASSERT_FORMATS("[(null)]", "[%s]", (char *)NULL);
    ASSERT_FORMATS("[(null)]", "[%ws]", (PCWSTR)NULL);
    ASSERT_FORMATS("[(null)]", "[%wZ]", (PCUNICODE_STRING)NULL);
    /* An unknown conversion is printed as written, so the bug shows. */
    ASSERT_FORMATS("a%yb", "a%yb");
    /* A lone '%' at the end of the format ends the output. */
    ASSERT_FORMATS("abc", "abc%");
}

static void
TestWdkIntegerSpellings(void **State)
{
    (void)State;
    ASSERT_FORMATS("123456789abcdef0", "%I64x", 0x123456789ABCDEF0ull);
    ASSERT_FORMATS("-9", "%I64d", -9ll);
    ASSERT_FORMATS("ffffffff", "%I32x", 0xFFFFFFFFu);
    ASSERT_FORMATS("fffffffffffff000", "%Ix", (ULONG_PTR)-0x1000); /* pointer-sized */
    ASSERT_FORMATS("[00000000DEADBEEF]", "[%p]", (PVOID)(ULONG_PTR)0xDEADBEEF);
    ASSERT_FORMATS("[0000000000000000]", "[%p]", NULL);
}

static void
TestWideAndCountedStrings(void **State)
{
    WCHAR Name[] = L"Serial0-not-counted";
    UNICODE_STRING Unicode = {7 * sizeof(WCHAR), sizeof(Name), Name};
    CHAR Bytes[] = "PCI-not-counted";
    ANSI_STRING Ansi = {3, sizeof(Bytes), Bytes};

    (void)State;
    ASSERT_FORMATS("[\\Device]", "[%ws]", L"\\Device");
    ASSERT_FORMATS("[\\Device]", "[%S]", L"\\Device");
    ASSERT_FORMATS("[\\Device]", "[%ls]", L"\\Device");
    ASSERT_FORMATS("[\\De]", "[%.3ws]", L"\\Device");
    ASSERT_FORMATS("[   ab]", "[%5ws]", L"ab");
    /* No code pages: anything beyond ASCII prints as '?'. */
    ASSERT_FORMATS("caf?", "%ws", L"caf\x00e9");
    /* Counted strings print exactly Length bytes, terminator or not. */
    ASSERT_FORMATS("[Serial0]", "[%wZ]", &Unicode);
    ASSERT_FORMATS("[Serial0   ]", "[%-10wZ]", &Unicode);
    ASSERT_FORMATS("[Ser]", "[%.3wZ]", &Unicode);
    ASSERT_FORMATS("[PCI]", "[%Z]", &Ansi);
    Unicode.Length = 0;
    ASSERT_FORMATS("[]", "[%wZ]", &Unicode);
}

static void
TestSymbolizedPointer(void **State)
{
    (void)State;
    ASSERT_FORMATS("at KiSystemStartup+0x1c", "at %pS", (PVOID)0x101C);
    ASSERT_FORMATS("at KiSystemStartup+0", "at %pS", (PVOID)0x1000);
    ASSERT_FORMATS("at 0x2000", "at %pS", (PVOID)0x2000);
    ASSERT_FORMATS("KiSystemStartup+0xff!", "%ps!", (PVOID)0x10FF);
}

/* Size 0 writes nothing at all, even a terminator, and still measures. */
static void
TestSizeZeroAndTruncation(void **State)
{
    char Buffer[8];

    (void)State;
    memset(Buffer, GUARD, sizeof(Buffer));
    assert_int_equal(Format(Buffer, 0, "%s=%d", "answer", 42), 9);
    assert_int_equal((unsigned char)Buffer[0], GUARD);
    assert_int_equal(Format(NULL, 0, "%ws", L"measure"), 7);

    assert_int_equal(Format(Buffer, 1, "abc"), 3);
    assert_int_equal(Buffer[0], '\0');
    assert_int_equal((unsigned char)Buffer[1], GUARD);

    memset(Buffer, GUARD, sizeof(Buffer));
    assert_int_equal(Format(Buffer, 4, "%wZ", &(UNICODE_STRING)RTL_CONSTANT_STRING(L"abcdef")),
                     6);
    assert_string_equal(Buffer, "abc");
    assert_int_equal((unsigned char)Buffer[4], GUARD);
}

/* ntstrsafe.h ----------------------------------------------------------- */

static NTSTATUS
CallVPrintf(PCHAR Buffer, size_t Size, PCSTR Text, ...)
{
    va_list Args;
    NTSTATUS Status;

    va_start(Args, Text);
    Status = RtlStringCbVPrintfA(Buffer, Size, Text, Args);
    va_end(Args);
    return Status;
}

static void
TestStringCbPrintf(void **State)
{
    char Buffer[16];

    (void)State;
    RtlFakeResetMessages();
    memset(Buffer, GUARD, sizeof(Buffer));
    assert_int_equal(RtlStringCbPrintfA(Buffer, 8, "%s-%u", "irp", 42u), STATUS_SUCCESS);
    assert_string_equal(Buffer, "irp-42");

    /* Seven characters and the NUL fill 8 bytes exactly: still success. */
    assert_int_equal(RtlStringCbPrintfA(Buffer, 8, "%s", "1234567"), STATUS_SUCCESS);
    assert_string_equal(Buffer, "1234567");

    /* One more is truncated, terminated, and reported as an overflow. */
    memset(Buffer, GUARD, sizeof(Buffer));
    assert_int_equal(RtlStringCbPrintfA(Buffer, 8, "%s", "12345678"), STATUS_BUFFER_OVERFLOW);
    assert_string_equal(Buffer, "1234567");
    assert_int_equal((unsigned char)Buffer[8], GUARD);
    assert_false(NT_SUCCESS(STATUS_BUFFER_OVERFLOW));

    assert_int_equal(RtlStringCchPrintfA(Buffer, 4, "%d", 12345), STATUS_BUFFER_OVERFLOW);
    assert_string_equal(Buffer, "123");
    assert_int_equal(CallVPrintf(Buffer, 1, "x"), STATUS_BUFFER_OVERFLOW);
    assert_string_equal(Buffer, "");
    assert_int_equal(CallVPrintf(Buffer, sizeof(Buffer), "%c%c", 'o', 'k'), STATUS_SUCCESS);
    assert_string_equal(Buffer, "ok");
    RtlFakeAssertQuiet();
}

static void
TestStringCbPrintfBadArguments(void **State)
{
    char Buffer[16];

    (void)State;
    RtlFakeResetMessages();
    memset(Buffer, GUARD, sizeof(Buffer));
    assert_int_equal(RtlStringCbPrintfA(Buffer, 0, "x"), STATUS_INVALID_PARAMETER);
    assert_int_equal((unsigned char)Buffer[0], GUARD); /* size 0: nothing written */
    RtlFakeAssertReported("RtlStringCchVPrintfA", "size 0", NULL);

    assert_int_equal(RtlStringCbPrintfA(Buffer, (size_t)NTSTRSAFE_MAX_CCH + 1, "x"),
                     STATUS_INVALID_PARAMETER);
    assert_int_equal(Buffer[0], '\0');
    RtlFakeAssertReported("RtlStringCchVPrintfA", "NTSTRSAFE_MAX_CCH", NULL);

    assert_int_equal(RtlStringCbPrintfA(NULL, 8, "x"), STATUS_INVALID_PARAMETER);
    RtlFakeAssertReported("destination is NULL", NULL);

    memset(Buffer, GUARD, sizeof(Buffer));
    assert_int_equal(CallVPrintf(Buffer, sizeof(Buffer), NULL), STATUS_INVALID_PARAMETER);
    assert_int_equal(Buffer[0], '\0');
    RtlFakeAssertReported("pszFormat is NULL", NULL);
}

static void
TestStringCbCopyAndCat(void **State)
{
    char Buffer[16];

    (void)State;
    RtlFakeResetMessages();
    memset(Buffer, GUARD, sizeof(Buffer));
    assert_int_equal(RtlStringCbCopyA(Buffer, 8, "abc"), STATUS_SUCCESS);
    assert_string_equal(Buffer, "abc");
    assert_int_equal(RtlStringCbCatA(Buffer, 8, "def"), STATUS_SUCCESS);
    assert_string_equal(Buffer, "abcdef");
    assert_int_equal(RtlStringCbCatA(Buffer, 8, "ghij"), STATUS_BUFFER_OVERFLOW);
    assert_string_equal(Buffer, "abcdefg");
    assert_int_equal((unsigned char)Buffer[8], GUARD);

    assert_int_equal(RtlStringCbCopyA(Buffer, 8, "1234567"), STATUS_SUCCESS);
    assert_int_equal(RtlStringCchCopyA(Buffer, 8, "12345678"), STATUS_BUFFER_OVERFLOW);
    assert_string_equal(Buffer, "1234567");
    assert_int_equal((unsigned char)Buffer[8], GUARD);
    RtlFakeAssertQuiet();

    assert_int_equal(RtlStringCbCopyA(Buffer, 8, NULL), STATUS_INVALID_PARAMETER);
    assert_string_equal(Buffer, "");
    RtlFakeAssertReported("RtlStringCchCopyA", "pszSrc is NULL", NULL);

    /* A destination with no terminator within its size cannot be appended to. */
    memset(Buffer, 'x', 8);
    assert_int_equal(RtlStringCbCatA(Buffer, 8, "y"), STATUS_INVALID_PARAMETER);
    assert_int_equal(Buffer[7], 'x');
    RtlFakeAssertReported("RtlStringCchCatA", "not terminated", NULL);
}

static void
TestStringCbLength(void **State)
{
    char Unterminated[4] = {'a', 'b', 'c', 'd'};
    size_t Length = 99;

    (void)State;
    RtlFakeResetMessages();
    assert_int_equal(RtlStringCbLengthA("kestrel", 8, &Length), STATUS_SUCCESS);
    assert_int_equal(Length, 7);
    assert_int_equal(RtlStringCbLengthA("kestrel", 100, NULL), STATUS_SUCCESS);
    assert_int_equal(RtlStringCchLengthA("", 1, &Length), STATUS_SUCCESS);
    assert_int_equal(Length, 0);
    RtlFakeAssertQuiet();

    /* "kestrel" needs 8 bytes with its terminator; 7 is not enough. */
    Length = 99;
    assert_int_equal(RtlStringCbLengthA("kestrel", 7, &Length), STATUS_INVALID_PARAMETER);
    assert_int_equal(Length, 0);
    assert_int_equal(RtlStringCbLengthA(Unterminated, sizeof(Unterminated), &Length),
                     STATUS_INVALID_PARAMETER);
    RtlFakeAssertQuiet();

    Length = 99;
    assert_int_equal(RtlStringCbLengthA(NULL, 8, &Length), STATUS_INVALID_PARAMETER);
    assert_int_equal(Length, 0);
    RtlFakeAssertReported("RtlStringCchLengthA", "psz is NULL", NULL);
    assert_int_equal(RtlStringCbLengthA("a", 0, &Length), STATUS_INVALID_PARAMETER);
    RtlFakeAssertReported("RtlStringCchLengthA", "bound 0", NULL);
    assert_int_equal(RtlStringCbLengthA("a", (size_t)NTSTRSAFE_MAX_CCH + 1, &Length),
                     STATUS_INVALID_PARAMETER);
    RtlFakeAssertReported("RtlStringCchLengthA", "NTSTRSAFE_MAX_CCH", NULL);
}

int
main(void)
{
    const struct CMUnitTest Tests[] = {
        cmocka_unit_test(TestSignedDecimal),
        cmocka_unit_test(TestUnsignedAndHex),
        cmocka_unit_test(TestStarWidthAndPrecision),
        cmocka_unit_test(TestCharactersAndStrings),
        cmocka_unit_test(TestNullAndOddFormats),
        cmocka_unit_test(TestWdkIntegerSpellings),
        cmocka_unit_test(TestWideAndCountedStrings),
        cmocka_unit_test(TestSymbolizedPointer),
        cmocka_unit_test(TestSizeZeroAndTruncation),
        cmocka_unit_test(TestStringCbPrintf),
        cmocka_unit_test(TestStringCbPrintfBadArguments),
        cmocka_unit_test(TestStringCbCopyAndCat),
        cmocka_unit_test(TestStringCbLength),
    };

    return cmocka_run_group_tests(Tests, NULL, NULL);
}
