/*
 * kernel/rtl/unicode.c - UNICODE_STRING: initialize, copy, append, compare.
 *
 * A UNICODE_STRING is a counted UTF-16 string: Length and MaximumLength are
 * byte counts, and Buffer need not be NUL-terminated. These routines keep
 * the WDK's contracts; the checks in validate.c refuse malformed strings,
 * and no routine writes past a destination's MaximumLength.
 *
 * Case folding covers ASCII letters only: Kestrel carries no Unicode case
 * tables, and the names the I/O manager compares (device, driver and
 * registry-style names) are ASCII in practice.
 *
 * Callers may run at any IRQL when every buffer involved is resident.
 */
#include "kernel/rtl/strp.h"

/* The longest string a USHORT byte count can describe, with room for the
 * terminator: UNICODE_STRING_MAX_BYTES (65534) including the NUL. */
#define RTLP_MAX_UNICODE_CHARS ((UNICODE_STRING_MAX_BYTES / sizeof(WCHAR)) - 1)

VOID NTAPI
RtlInitUnicodeString(PUNICODE_STRING DestinationString, PCWSTR SourceString)
{
    SIZE_T Count = 0;

    if (SourceString != NULL) {
        /* Looking one past the limit tells "exactly at the limit" from
         * "longer", without scanning an unterminated string forever. */
        Count = RtlpWideStringLengthBounded(SourceString, RTLP_MAX_UNICODE_CHARS + 1);
        if (Count > RTLP_MAX_UNICODE_CHARS) {
            Count = RTLP_MAX_UNICODE_CHARS;
        }
        DestinationString->Length = (USHORT)(Count * sizeof(WCHAR));
        DestinationString->MaximumLength = (USHORT)((Count + 1) * sizeof(WCHAR));
    } else {
        DestinationString->Length = 0;
        DestinationString->MaximumLength = 0;
    }
    DestinationString->Buffer = (PWSTR)SourceString;
}

NTSTATUS NTAPI
RtlInitUnicodeStringEx(PUNICODE_STRING DestinationString, PCWSTR SourceString)
{
    if (SourceString != NULL &&
        RtlpWideStringLengthBounded(SourceString, RTLP_MAX_UNICODE_CHARS + 1) >
            RTLP_MAX_UNICODE_CHARS) {
        DestinationString->Length = 0;
        DestinationString->MaximumLength = 0;
        DestinationString->Buffer = NULL;
        return STATUS_NAME_TOO_LONG;
    }
    RtlInitUnicodeString(DestinationString, SourceString);
    return STATUS_SUCCESS;
}

/* Writes a terminator after Length when MaximumLength leaves room for one. */
static VOID
RtlpTerminateUnicodeString(PUNICODE_STRING String)
{
    if ((SIZE_T)String->Length + sizeof(WCHAR) <= String->MaximumLength) {
        String->Buffer[String->Length / sizeof(WCHAR)] = UNICODE_NULL;
    }
}

/* Copies as much of SourceString as fits; a NULL source gives an empty
 * string. A destination's old Length is irrelevant, so only its buffer is
 * checked. */
VOID NTAPI
RtlCopyUnicodeString(PUNICODE_STRING DestinationString, PCUNICODE_STRING SourceString)
{
    USHORT Room;
    USHORT Length = 0;

    if (DestinationString == NULL ||
        (DestinationString->Buffer == NULL && DestinationString->MaximumLength != 0)) {
        DbgPrint("RtlCopyUnicodeString: DestinationString %s\n",
                 DestinationString == NULL ? "is NULL" : "has a NULL Buffer");
        return;
    }
    Room = DestinationString->MaximumLength & ~(USHORT)1;
    if (SourceString != NULL &&
        RtlpCheckUnicodeString(SourceString, "RtlCopyUnicodeString", "SourceString")) {
        Length = SourceString->Length < Room ? SourceString->Length : Room;
        RtlpMemoryMove(DestinationString->Buffer, SourceString->Buffer, Length);
    }
    DestinationString->Length = Length;
    RtlpTerminateUnicodeString(DestinationString);
}

/* The common tail of both Append routines, once the arguments are valid. */
static NTSTATUS
RtlpAppendUnicode(PUNICODE_STRING Destination, PCWSTR Source, SIZE_T SourceBytes)
{
    if (SourceBytes > (SIZE_T)(Destination->MaximumLength - Destination->Length)) {
        return STATUS_BUFFER_TOO_SMALL;
    }
    RtlpMemoryMove((PUCHAR)Destination->Buffer + Destination->Length, Source, SourceBytes);
    Destination->Length = (USHORT)(Destination->Length + SourceBytes);
    RtlpTerminateUnicodeString(Destination);
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI
RtlAppendUnicodeToString(PUNICODE_STRING Destination, PCWSTR Source)
{
    SIZE_T Count;

    if (!RtlpCheckUnicodeString(Destination, "RtlAppendUnicodeToString", "Destination")) {
        return STATUS_INVALID_PARAMETER;
    }
    if (Source == NULL) {
        return STATUS_SUCCESS;
    }
    /* A source longer than any UNICODE_STRING cannot fit; stop counting. */
    Count = RtlpWideStringLengthBounded(Source, RTLP_MAX_UNICODE_CHARS + 1);
    return RtlpAppendUnicode(Destination, Source, Count * sizeof(WCHAR));
}

NTSTATUS NTAPI
RtlAppendUnicodeStringToString(PUNICODE_STRING Destination, PCUNICODE_STRING Source)
{
    if (!RtlpCheckUnicodeString(Destination, "RtlAppendUnicodeStringToString", "Destination") ||
        !RtlpCheckUnicodeString(Source, "RtlAppendUnicodeStringToString", "Source")) {
        return STATUS_INVALID_PARAMETER;
    }
    return RtlpAppendUnicode(Destination, Source->Buffer, Source->Length);
}

WCHAR NTAPI
RtlUpcaseUnicodeChar(WCHAR SourceCharacter)
{
    if (SourceCharacter >= L'a' && SourceCharacter <= L'z') {
        return (WCHAR)(SourceCharacter - (L'a' - L'A'));
    }
    return SourceCharacter;
}

/* Compares the first Count code units of two buffers. */
static LONG
RtlpCompareWide(PCWSTR Left, PCWSTR Right, SIZE_T Count, BOOLEAN CaseInSensitive)
{
    SIZE_T Index;

    for (Index = 0; Index < Count; Index++) {
        WCHAR A = Left[Index];
        WCHAR B = Right[Index];

        if (CaseInSensitive) {
            A = RtlUpcaseUnicodeChar(A);
            B = RtlUpcaseUnicodeChar(B);
        }
        if (A != B) {
            return (LONG)A - (LONG)B;
        }
    }
    return 0;
}

/* A malformed string is reported and compared as if it were empty. */
static USHORT
RtlpComparableLength(PCUNICODE_STRING String, PCSTR Routine, PCSTR Parameter)
{
    return RtlpCheckUnicodeString(String, Routine, Parameter) ? String->Length : 0;
}

LONG NTAPI
RtlCompareUnicodeString(PCUNICODE_STRING String1, PCUNICODE_STRING String2,
                        BOOLEAN CaseInSensitive)
{
    USHORT Length1 = RtlpComparableLength(String1, "RtlCompareUnicodeString", "String1");
    USHORT Length2 = RtlpComparableLength(String2, "RtlCompareUnicodeString", "String2");
    USHORT Common = Length1 < Length2 ? Length1 : Length2;
    LONG Result = 0;

    if (Common != 0) {
        Result = RtlpCompareWide(String1->Buffer, String2->Buffer, Common / sizeof(WCHAR),
                                 CaseInSensitive);
    }
    return Result != 0 ? Result : (LONG)Length1 - (LONG)Length2;
}

BOOLEAN NTAPI
RtlEqualUnicodeString(PCUNICODE_STRING String1, PCUNICODE_STRING String2,
                      BOOLEAN CaseInSensitive)
{
    USHORT Length1 = RtlpComparableLength(String1, "RtlEqualUnicodeString", "String1");
    USHORT Length2 = RtlpComparableLength(String2, "RtlEqualUnicodeString", "String2");

    if (Length1 != Length2) {
        return FALSE;
    }
    return (BOOLEAN)(Length1 == 0 || RtlpCompareWide(String1->Buffer, String2->Buffer,
                                                     Length1 / sizeof(WCHAR),
                                                     CaseInSensitive) == 0);
}

/* TRUE when String1 is a prefix of String2 (an empty string prefixes all). */
BOOLEAN NTAPI
RtlPrefixUnicodeString(PCUNICODE_STRING String1, PCUNICODE_STRING String2,
                       BOOLEAN CaseInSensitive)
{
    USHORT Length1 = RtlpComparableLength(String1, "RtlPrefixUnicodeString", "String1");
    USHORT Length2 = RtlpComparableLength(String2, "RtlPrefixUnicodeString", "String2");

    if (Length1 > Length2) {
        return FALSE;
    }
    return (BOOLEAN)(Length1 == 0 || RtlpCompareWide(String1->Buffer, String2->Buffer,
                                                     Length1 / sizeof(WCHAR),
                                                     CaseInSensitive) == 0);
}
