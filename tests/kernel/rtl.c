/*
 * tests/kernel/rtl.c - the run-time library, inside the real kernel build.
 *
 * The host tests (tests/host/rtl_*.c) cover Rtl in depth; these check that
 * the same routines behave the same when built with the kernel's flags
 * (freestanding, no SSE, -mcmodel=kernel) and linked with the kernel's own
 * memcpy/memset, which GCC also calls behind the code's back.
 */
#include "tests/kernel/ktest.h"
#include <ntstrsafe.h>

KTEST(RtlCompareMemoryCountsMatchingBytes)
{
    UCHAR Left[40];
    UCHAR Right[40];
    ULONG Index;

    for (Index = 0; Index < sizeof(Left); Index++) {
        Left[Index] = (UCHAR)(Index * 7 + 3);
    }
    RtlCopyMemory(Right, Left, sizeof(Right));
    KT_ASSERT_EQ(RtlCompareMemory(Left, Right, sizeof(Left)), sizeof(Left));
    KT_ASSERT(RtlEqualMemory(Left, Right, sizeof(Left)));
    Right[29] ^= 0x40;
    KT_ASSERT_EQ(RtlCompareMemory(Left, Right, sizeof(Left)), 29);
    KT_ASSERT(!RtlEqualMemory(Left, Right, sizeof(Left)));
}

/* Overlapping moves in both directions, through the kernel's memmove. */
KTEST(RtlMoveMemoryOverlaps)
{
    CHAR Buffer[32];

    RtlCopyMemory(Buffer, "0123456789abcdefghijklmnopqrstu", sizeof(Buffer));
    RtlMoveMemory(Buffer + 3, Buffer, 20);
    KT_ASSERT(RtlEqualMemory(Buffer, "0120123456789abcdefghijnopqrstu", sizeof(Buffer)));
    RtlMoveMemory(Buffer, Buffer + 3, 20);
    KT_ASSERT(RtlEqualMemory(Buffer, "0123456789abcdefghijhijnopqrstu", sizeof(Buffer)));
    RtlFillMemory(Buffer + 1, 9, 'z');
    RtlZeroMemory(Buffer + 10, 5);
    KT_ASSERT_EQ(Buffer[0], '0');
    KT_ASSERT_EQ(Buffer[9], 'z');
    KT_ASSERT_EQ(Buffer[14], 0);
    KT_ASSERT_EQ(Buffer[15], 'f');
}

KTEST(RtlUnicodeStringCompareAndAppend)
{
    WCHAR Storage[16];
    UNICODE_STRING Name;
    UNICODE_STRING Prefix = RTL_CONSTANT_STRING(L"\\DEVICE\\");
    UNICODE_STRING Expected = RTL_CONSTANT_STRING(L"\\Device\\Serial0");

    RtlInitEmptyUnicodeString(&Name, Storage, sizeof(Storage));
    KT_ASSERT_STATUS(RtlAppendUnicodeToString(&Name, L"\\Device\\"), STATUS_SUCCESS);
    KT_ASSERT_STATUS(RtlAppendUnicodeToString(&Name, L"Serial0"), STATUS_SUCCESS);
    KT_ASSERT(RtlEqualUnicodeString(&Name, &Expected, FALSE));
    KT_ASSERT(RtlPrefixUnicodeString(&Prefix, &Name, TRUE));
    KT_ASSERT(!RtlPrefixUnicodeString(&Prefix, &Name, FALSE));
    KT_ASSERT(RtlCompareUnicodeString(&Prefix, &Name, TRUE) < 0);
    /* A 16th character fills the buffer (no room for a terminator, which a
     * counted string does not need); a 17th does not fit and changes nothing. */
    KT_ASSERT_STATUS(RtlAppendUnicodeToString(&Name, L"!"), STATUS_SUCCESS);
    KT_ASSERT_STATUS(RtlAppendUnicodeToString(&Name, L"?"), STATUS_BUFFER_TOO_SMALL);
    KT_ASSERT_EQ(Name.Length, 16 * sizeof(WCHAR));
    KT_ASSERT_EQ(Storage[15], L'!');
}

KTEST(RtlIntegerRoundTrip)
{
    WCHAR Storage[12];
    UNICODE_STRING Text;
    ULONG Value = 0;

    RtlInitEmptyUnicodeString(&Text, Storage, sizeof(Storage));
    KT_ASSERT_STATUS(RtlIntegerToUnicodeString(0xC0FFEE, 16, &Text), STATUS_SUCCESS);
    KT_ASSERT_STATUS(RtlUnicodeStringToInteger(&Text, 16, &Value), STATUS_SUCCESS);
    KT_ASSERT_EQ(Value, 0xC0FFEE);
    RtlInitUnicodeString(&Text, L"  -0x10");
    KT_ASSERT_STATUS(RtlUnicodeStringToInteger(&Text, 0, &Value), STATUS_SUCCESS);
    KT_ASSERT_EQ(Value, (ULONG)-16);
}

KTEST(RtlStringCbPrintfTruncates)
{
    CHAR Buffer[12];

    RtlFillMemory(Buffer, sizeof(Buffer), 0x7E);
    KT_ASSERT_STATUS(RtlStringCbPrintfA(Buffer, 8, "%s=%u", "irql", 2u), STATUS_SUCCESS);
    KT_ASSERT(RtlEqualMemory(Buffer, "irql=2", 7));
    KT_ASSERT_STATUS(RtlStringCbPrintfA(Buffer, 8, "%s=%08x", "irql", 2u),
                     STATUS_BUFFER_OVERFLOW);
    KT_ASSERT(RtlEqualMemory(Buffer, "irql=00", 8));
    KT_ASSERT_EQ((UCHAR)Buffer[8], 0x7E);
    KT_ASSERT_STATUS(RtlStringCbCopyA(Buffer, sizeof(Buffer), "\\Device\\Serial0"),
                     STATUS_BUFFER_OVERFLOW);
    KT_ASSERT(RtlEqualMemory(Buffer, "\\Device\\Ser", 12));
}

/* A double removal corrupts the list; the check must stop the machine. */
KTEST_BUGCHECK(RtlListCorruptionBugchecks, KERNEL_SECURITY_CHECK_FAILURE)
{
    LIST_ENTRY Head;
    LIST_ENTRY Entries[2];

    InitializeListHead(&Head);
    InsertTailList(&Head, &Entries[0]);
    InsertTailList(&Head, &Entries[1]);
    RemoveEntryList(&Entries[0]);
    RemoveEntryList(&Entries[0]);
    KtFail(KtContext, __FILE__, __LINE__, "a double RemoveEntryList went unnoticed");
}
