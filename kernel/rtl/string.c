/*
 * kernel/rtl/string.c - the NUL-terminated (C) string primitives.
 *
 * The kernel's strlen, strnlen, strcmp, strncmp and strchr, for code that
 * handles C strings: the command line, symbol names, format strings. Counted
 * strings (UNICODE_STRING, ANSI_STRING) have their own files. Safe at any
 * IRQL; the caller guarantees the strings are resident and terminated.
 */
#include "kernel/rtl/crt.h"

RTLP_NO_LIBCALL SIZE_T
RtlpCStringLength(PCSTR String)
{
    SIZE_T Length = 0;

    while (String[Length] != '\0') {
        Length++;
    }
    return Length;
}

/* Reads at most MaximumLength bytes, so it is safe on a buffer that may lack
 * its terminator. */
RTLP_NO_LIBCALL SIZE_T
RtlpCStringLengthBounded(PCSTR String, SIZE_T MaximumLength)
{
    SIZE_T Length = 0;

    while (Length < MaximumLength && String[Length] != '\0') {
        Length++;
    }
    return Length;
}

/* Orders by unsigned char values, as C11 7.24.4 requires. */
INT
RtlpCStringCompare(PCSTR Left, PCSTR Right)
{
    const UCHAR *A = (const UCHAR *)Left;
    const UCHAR *B = (const UCHAR *)Right;

    while (*A != '\0' && *A == *B) {
        A++;
        B++;
    }
    return (INT)*A - (INT)*B;
}

INT
RtlpCStringCompareBounded(PCSTR Left, PCSTR Right, SIZE_T Count)
{
    const UCHAR *A = (const UCHAR *)Left;
    const UCHAR *B = (const UCHAR *)Right;

    for (; Count != 0; Count--, A++, B++) {
        if (*A != *B || *A == '\0') {
            return (INT)*A - (INT)*B;
        }
    }
    return 0;
}

/* Finds Character (converted to char) or, when it is '\0', the terminator. */
PCHAR
RtlpCStringFindChar(PCSTR String, INT Character)
{
    CHAR Wanted = (CHAR)Character;

    for (;; String++) {
        if (*String == Wanted) {
            return (PCHAR)String;
        }
        if (*String == '\0') {
            return NULL;
        }
    }
}

#ifndef KESTREL_HOST_TEST
size_t
strlen(const char *String)
{
    return RtlpCStringLength(String);
}

size_t
strnlen(const char *String, size_t MaximumLength)
{
    return RtlpCStringLengthBounded(String, MaximumLength);
}

int
strcmp(const char *Left, const char *Right)
{
    return RtlpCStringCompare(Left, Right);
}

int
strncmp(const char *Left, const char *Right, size_t Count)
{
    return RtlpCStringCompareBounded(Left, Right, Count);
}

char *
strchr(const char *String, int Character)
{
    return RtlpCStringFindChar(String, Character);
}
#endif
