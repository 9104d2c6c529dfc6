/*
 * tests/host/rtl_memory.c - the kernel's memory and C-string primitives.
 *
 * Runs kernel/rtl/memory.c and string.c under their Rtlp names (the C names
 * exist only in the kernel build) and checks them against a byte-by-byte
 * reference over every small length and every alignment, so the word-at-a-
 * time paths and their byte-sized edges are all exercised. Guard bytes
 * around each destination catch a write one byte too far.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/rtl/crt.h"

#define ARENA 96
#define GUARD 0xA5

static void
FillPattern(unsigned char *Buffer, size_t Length, unsigned Seed)
{
    for (size_t Index = 0; Index < Length; Index++) {
        Buffer[Index] = (unsigned char)(Seed * 31 + Index * 7 + 1);
    }
}

static void
TestCopyAllAlignmentsAndLengths(void **State)
{
    unsigned char Source[ARENA], Destination[ARENA], Expected[ARENA];

    (void)State;
    for (size_t SourceOffset = 0; SourceOffset < 8; SourceOffset++) {
        for (size_t DestinationOffset = 0; DestinationOffset < 8; DestinationOffset++) {
            for (size_t Length = 0; Length <= 64; Length++) {
                FillPattern(Source, sizeof(Source), (unsigned)(Length + SourceOffset));
                memset(Destination, GUARD, sizeof(Destination));
                memset(Expected, GUARD, sizeof(Expected));
                for (size_t Index = 0; Index < Length; Index++) {
                    Expected[DestinationOffset + Index] = Source[SourceOffset + Index];
                }
                assert_ptr_equal(RtlpMemoryCopy(Destination + DestinationOffset,
                                                Source + SourceOffset, Length),
                                 Destination + DestinationOffset);
                assert_memory_equal(Destination, Expected, sizeof(Destination));
            }
        }
    }
}

/* Every overlap of a block with itself, both directions, against a copy
 * made through a separate buffer. */
static void
TestMoveOverlapping(void **State)
{
    unsigned char Buffer[ARENA], Expected[ARENA], Temporary[ARENA];

    (void)State;
    for (size_t From = 0; From < 24; From++) {
        for (size_t To = 0; To < 24; To++) {
            for (size_t Length = 0; Length <= 48; Length++) {
                FillPattern(Buffer, sizeof(Buffer), (unsigned)Length);
                memcpy(Expected, Buffer, sizeof(Buffer));
                memcpy(Temporary, Buffer + From, Length);
                memcpy(Expected + To, Temporary, Length);
                assert_ptr_equal(RtlpMemoryMove(Buffer + To, Buffer + From, Length), Buffer + To);
                assert_memory_equal(Buffer, Expected, sizeof(Buffer));
            }
        }
    }
}

static void
TestFill(void **State)
{
    unsigned char Buffer[ARENA];

    (void)State;
    for (size_t Offset = 0; Offset < 8; Offset++) {
        for (size_t Length = 0; Length <= 64; Length++) {
            memset(Buffer, GUARD, sizeof(Buffer));
            /* An int fill value is converted to unsigned char (C11 7.24.6.1). */
            assert_ptr_equal(RtlpMemoryFill(Buffer + Offset, 0x1C3, Length), Buffer + Offset);
            for (size_t Index = 0; Index < sizeof(Buffer); Index++) {
                int Inside = Index >= Offset && Index < Offset + Length;
                assert_int_equal(Buffer[Index], Inside ? 0xC3 : GUARD);
            }
        }
    }
}

static void
TestCompareIsUnsignedAndStopsAtFirstDifference(void **State)
{
    unsigned char Left[16] = {1, 2, 3, 0x80, 5};
    unsigned char Right[16] = {1, 2, 3, 0x7F, 9};

    (void)State;
    assert_int_equal(RtlpMemoryCompare(Left, Right, 0), 0);
    assert_int_equal(RtlpMemoryCompare(Left, Right, 3), 0);
    /* 0x80 > 0x7F as unsigned char; a signed compare would say less. */
    assert_true(RtlpMemoryCompare(Left, Right, 5) > 0);
    assert_true(RtlpMemoryCompare(Right, Left, 5) < 0);
    assert_int_equal(RtlpMemoryCompare(Left, Left, sizeof(Left)), 0);
}

static void
TestRtlCompareMemoryCountsMatchingBytes(void **State)
{
    unsigned char Left[32], Right[32];

    (void)State;
    FillPattern(Left, sizeof(Left), 3);
    memcpy(Right, Left, sizeof(Right));
    assert_int_equal(RtlCompareMemory(Left, Right, sizeof(Left)), sizeof(Left));
    assert_int_equal(RtlCompareMemory(Left, Right, 0), 0);
    for (size_t Index = 0; Index < sizeof(Left); Index++) {
        Right[Index] ^= 0xFF;
        assert_int_equal(RtlCompareMemory(Left, Right, sizeof(Left)), Index);
        Right[Index] ^= 0xFF;
    }
}

static void
TestCStringLength(void **State)
{
    char Text[8] = {'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'}; /* no terminator */

    (void)State;
    assert_int_equal(RtlpCStringLength(""), 0);
    assert_int_equal(RtlpCStringLength("kestrel"), 7);
    /* The bounded form never reads past its bound (ASan would catch it). */
    assert_int_equal(RtlpCStringLengthBounded(Text, sizeof(Text)), 8);
    assert_int_equal(RtlpCStringLengthBounded(Text, 3), 3);
    assert_int_equal(RtlpCStringLengthBounded("ab", 10), 2);
    assert_int_equal(RtlpCStringLengthBounded("ab", 0), 0);
}

static void
TestCStringCompare(void **State)
{
    (void)State;
    assert_int_equal(RtlpCStringCompare("abc", "abc"), 0);
    assert_true(RtlpCStringCompare("abc", "abd") < 0);
    assert_true(RtlpCStringCompare("abd", "abc") > 0);
    assert_true(RtlpCStringCompare("ab", "abc") < 0);
    assert_true(RtlpCStringCompare("abc", "ab") > 0);
    assert_true(RtlpCStringCompare("\x80", "\x7f") > 0); /* unsigned */
    assert_int_equal(RtlpCStringCompare("", ""), 0);

    assert_int_equal(RtlpCStringCompareBounded("abcX", "abcY", 3), 0);
    assert_true(RtlpCStringCompareBounded("abcX", "abcY", 4) < 0);
    assert_int_equal(RtlpCStringCompareBounded("abc", "abd", 0), 0);
    /* Stops at a shared terminator: bytes after it are not compared. */
    assert_int_equal(RtlpCStringCompareBounded("ab\0x", "ab\0y", 4), 0);
    assert_true(RtlpCStringCompareBounded("ab", "abc", 5) < 0);
}

static void
TestCStringFindChar(void **State)
{
    static const char Text[] = "ktest=all,rtl";

    (void)State;
    assert_ptr_equal(RtlpCStringFindChar(Text, '='), Text + 5);
    assert_ptr_equal(RtlpCStringFindChar(Text, 'k'), Text);
    assert_ptr_equal(RtlpCStringFindChar(Text, 'z'), NULL);
    /* Searching for the terminator finds it, as strchr does. */
    assert_ptr_equal(RtlpCStringFindChar(Text, '\0'), Text + strlen(Text));
    /* The int argument is converted to char. */
    assert_ptr_equal(RtlpCStringFindChar(Text, 0x100 + ','), Text + 9);
}

int
main(void)
{
    const struct CMUnitTest Tests[] = {
        cmocka_unit_test(TestCopyAllAlignmentsAndLengths),
        cmocka_unit_test(TestMoveOverlapping),
        cmocka_unit_test(TestFill),
        cmocka_unit_test(TestCompareIsUnsignedAndStopsAtFirstDifference),
        cmocka_unit_test(TestRtlCompareMemoryCountsMatchingBytes),
        cmocka_unit_test(TestCStringLength),
        cmocka_unit_test(TestCStringCompare),
        cmocka_unit_test(TestCStringFindChar),
    };

    return cmocka_run_group_tests(Tests, NULL, NULL);
}
