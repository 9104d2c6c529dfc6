/*
 * tests/host/rtl_guid.c - RtlStringFromGUID and RtlGUIDFromString
 * (kernel/rtl/guid.c), and guiddef.h's DEFINE_GUID and IsEqualGUID.
 *
 * A GUID goes to its registry form and back; the form is checked character
 * by character against a GUID whose text is known (the WDK's
 * GUID_DEVINTERFACE_COMPORT), and malformed strings are refused by name.
 */
#include <stdlib.h>
#include <string.h>

#include "tests/host/rtl_fakes.h"
#include <initguid.h>

/* GUID_DEVINTERFACE_COMPORT, as ntddser.h has it: defined here through
 * INITGUID, which is what the test of DEFINE_GUID checks. */
DEFINE_GUID(KtComPortGuid, 0x86E0D1E0L, 0x8089, 0x11D0, 0x9C, 0xE4, 0x08, 0x00, 0x3E, 0x30,
            0x1F, 0x73);

static unsigned FakePoolOutstanding;
static BOOLEAN FakePoolFailNext;

PVOID NTAPI
ExAllocatePoolWithTag(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    (void)PoolType;
    (void)Tag;
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
    assert_int_equal(Tag, 0x67727453); /* 'grtS': RtlFreeUnicodeString's tag */
    assert_true(FakePoolOutstanding > 0);
    FakePoolOutstanding--;
    free(P);
}

static int
Setup(void **State)
{
    (void)State;
    RtlFakeResetMessages();
    FakePoolOutstanding = 0;
    return 0;
}

/* Compares a counted string with ASCII text. */
static void
AssertText(PCUNICODE_STRING String, const char *Text)
{
    size_t Index, Count = strlen(Text);

    assert_int_equal(String->Length, Count * sizeof(WCHAR));
    for (Index = 0; Index < Count; Index++) {
        if (String->Buffer[Index] != (WCHAR)Text[Index]) {
            fail_msg("character %zu is 0x%04x, expected '%c'", Index, String->Buffer[Index],
                     Text[Index]);
        }
    }
}

static void
MakeString(PUNICODE_STRING String, WCHAR *Buffer, const char *Text)
{
    size_t Index, Count = strlen(Text);

    for (Index = 0; Index < Count; Index++) {
        Buffer[Index] = (WCHAR)Text[Index];
    }
    Buffer[Count] = 0;
    String->Buffer = Buffer;
    String->Length = (USHORT)(Count * sizeof(WCHAR));
    String->MaximumLength = (USHORT)((Count + 1) * sizeof(WCHAR));
}

static void
TestStringFromGuid(void **State)
{
    UNICODE_STRING String;

    (void)State;
    assert_int_equal(RtlStringFromGUID(&KtComPortGuid, &String), STATUS_SUCCESS);
    AssertText(&String, "{86E0D1E0-8089-11D0-9CE4-08003E301F73}");
    assert_int_equal(String.MaximumLength, 39 * sizeof(WCHAR));
    assert_int_equal(String.Buffer[38], 0);
    RtlFreeUnicodeString(&String);
    assert_int_equal(FakePoolOutstanding, 0);
    RtlFakeAssertQuiet();
}

static void
TestStringFromGuidPadsWithZeros(void **State)
{
    static const GUID Small = {0x1, 0x2, 0x3, {0, 1, 2, 3, 4, 5, 6, 0xAB}};
    UNICODE_STRING String;

    (void)State;
    assert_int_equal(RtlStringFromGUID(&Small, &String), STATUS_SUCCESS);
    AssertText(&String, "{00000001-0002-0003-0001-0203040506AB}");
    RtlFreeUnicodeString(&String);
}

static void
TestRoundTripBothCases(void **State)
{
    WCHAR Buffer[64];
    UNICODE_STRING String;
    GUID Guid;

    (void)State;
    MakeString(&String, Buffer, "{86e0d1e0-8089-11d0-9ce4-08003e301f73}");
    memset(&Guid, 0xCC, sizeof(Guid));
    assert_int_equal(RtlGUIDFromString(&String, &Guid), STATUS_SUCCESS);
    assert_true(IsEqualGUID(&Guid, &KtComPortGuid));
    MakeString(&String, Buffer, "{86E0D1E0-8089-11D0-9CE4-08003E301F73}");
    assert_int_equal(RtlGUIDFromString(&String, &Guid), STATUS_SUCCESS);
    assert_int_equal(Guid.Data1, 0x86E0D1E0);
    assert_int_equal(Guid.Data2, 0x8089);
    assert_int_equal(Guid.Data3, 0x11D0);
    assert_int_equal(Guid.Data4[0], 0x9C);
    assert_int_equal(Guid.Data4[7], 0x73);
    RtlFakeAssertQuiet();
}

static void
TestIsEqualGuidSeesEveryField(void **State)
{
    GUID Other = KtComPortGuid;

    (void)State;
    assert_true(IsEqualGUID(&Other, &KtComPortGuid));
    Other.Data4[7] ^= 1;
    assert_false(IsEqualGUID(&Other, &KtComPortGuid));
    Other = KtComPortGuid;
    Other.Data3 ^= 0x100;
    assert_false(IsEqualGUID(&Other, &KtComPortGuid));
}

static void
TestMalformedStringsAreRefused(void **State)
{
    static const char *const Bad[] = {
        "86E0D1E0-8089-11D0-9CE4-08003E301F73",     /* no braces */
        "{86E0D1E0-8089-11D0-9CE4-08003E301F7}",    /* one digit short */
        "{86E0D1E0-8089-11D0-9CE4-08003E301F733}",  /* one too many */
        "{86E0D1E0-8089-11D0-9CE408-003E301F73}",   /* dash misplaced */
        "{86E0D1G0-8089-11D0-9CE4-08003E301F73}",   /* not hex */
        "{86E0D1E0-8089-11D0-9CE4-08003E301F73)",   /* wrong closing */
        "",
    };
    WCHAR Buffer[64];
    UNICODE_STRING String;
    GUID Guid, Before;
    size_t Index;

    (void)State;
    memset(&Guid, 0x5A, sizeof(Guid));
    Before = Guid;
    for (Index = 0; Index < sizeof(Bad) / sizeof(Bad[0]); Index++) {
        MakeString(&String, Buffer, Bad[Index]);
        if (RtlGUIDFromString(&String, &Guid) != STATUS_INVALID_PARAMETER) {
            fail_msg("\"%s\" was accepted", Bad[Index]);
        }
        RtlFakeAssertReported("RtlGUIDFromString", "GuidString", NULL);
    }
    assert_memory_equal(&Guid, &Before, sizeof(Guid));
    MakeString(&String, Buffer, "{86E0D1E0-8089-11D0-9CE4-08003E301F73}");
    assert_int_equal(RtlGUIDFromString(&String, NULL), STATUS_INVALID_PARAMETER);
    RtlFakeAssertReported("RtlGUIDFromString", "Guid is NULL", NULL);
    assert_int_equal(RtlStringFromGUID(NULL, &String), STATUS_INVALID_PARAMETER);
    RtlFakeAssertReported("RtlStringFromGUID", "Guid", NULL);
}

static void
TestStringFromGuidOutOfMemory(void **State)
{
    UNICODE_STRING String = {0, 0, NULL};

    (void)State;
    FakePoolFailNext = TRUE;
    assert_int_equal(RtlStringFromGUID(&KtComPortGuid, &String), STATUS_NO_MEMORY);
    assert_null(String.Buffer);
    assert_int_equal(FakePoolOutstanding, 0);
}

int
main(void)
{
    const struct CMUnitTest Tests[] = {
        cmocka_unit_test_setup(TestStringFromGuid, Setup),
        cmocka_unit_test_setup(TestStringFromGuidPadsWithZeros, Setup),
        cmocka_unit_test_setup(TestRoundTripBothCases, Setup),
        cmocka_unit_test_setup(TestIsEqualGuidSeesEveryField, Setup),
        cmocka_unit_test_setup(TestMalformedStringsAreRefused, Setup),
        cmocka_unit_test_setup(TestStringFromGuidOutOfMemory, Setup),
    };

    return cmocka_run_group_tests(Tests, NULL, NULL);
}
