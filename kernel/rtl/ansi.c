/*
 * kernel/rtl/ansi.c - STRING and ANSI_STRING: initialize and compare.
 *
 * The 8-bit counterpart of unicode.c. Length and MaximumLength count bytes;
 * Buffer need not be NUL-terminated. Case folding covers ASCII letters only.
 * Callers may run at any IRQL when every buffer involved is resident.
 */
#include "kernel/rtl/strp.h"

/* The longest string a USHORT can count with room for its terminator. */
#define RTLP_MAX_ANSI_CHARS (MAXUSHORT - 1)

VOID NTAPI
RtlInitString(PSTRING DestinationString, PCSZ SourceString)
{
    SIZE_T Count = 0;

    if (SourceString != NULL) {
        Count = RtlpCStringLengthBounded(SourceString, RTLP_MAX_ANSI_CHARS + 1);
        if (Count > RTLP_MAX_ANSI_CHARS) {
            Count = RTLP_MAX_ANSI_CHARS;
        }
        DestinationString->Length = (USHORT)Count;
        DestinationString->MaximumLength = (USHORT)(Count + 1);
    } else {
        DestinationString->Length = 0;
        DestinationString->MaximumLength = 0;
    }
    DestinationString->Buffer = (PCHAR)SourceString;
}

VOID NTAPI
RtlInitAnsiString(PANSI_STRING DestinationString, PCSZ SourceString)
{
    RtlInitString(DestinationString, SourceString);
}

CHAR NTAPI
RtlUpperChar(CHAR Character)
{
    if (Character >= 'a' && Character <= 'z') {
        return (CHAR)(Character - ('a' - 'A'));
    }
    return Character;
}

/* Compares the first Count bytes as unsigned values, folding case on
 * request; a malformed string is reported and compared as empty. */
static LONG
RtlpCompareBytes(const STRING *String1, const STRING *String2, BOOLEAN CaseInSensitive,
                 PCSTR Routine)
{
    USHORT Length1 = RtlpCheckAnsiString(String1, Routine, "String1") ? String1->Length : 0;
    USHORT Length2 = RtlpCheckAnsiString(String2, Routine, "String2") ? String2->Length : 0;
    USHORT Common = Length1 < Length2 ? Length1 : Length2;
    USHORT Index;

    for (Index = 0; Index < Common; Index++) {
        UCHAR A = (UCHAR)String1->Buffer[Index];
        UCHAR B = (UCHAR)String2->Buffer[Index];

        if (CaseInSensitive) {
            A = (UCHAR)RtlUpperChar((CHAR)A);
            B = (UCHAR)RtlUpperChar((CHAR)B);
        }
        if (A != B) {
            return (LONG)A - (LONG)B;
        }
    }
    return (LONG)Length1 - (LONG)Length2;
}

LONG NTAPI
RtlCompareString(const STRING *String1, const STRING *String2, BOOLEAN CaseInSensitive)
{
    return RtlpCompareBytes(String1, String2, CaseInSensitive, "RtlCompareString");
}

/* Equal means same length and same bytes: the comparison's length tie-break
 * makes a zero result imply both. */
BOOLEAN NTAPI
RtlEqualString(const STRING *String1, const STRING *String2, BOOLEAN CaseInSensitive)
{
    return (BOOLEAN)(RtlpCompareBytes(String1, String2, CaseInSensitive, "RtlEqualString") == 0);
}
