/*
 * kernel/rtl/convert.c - ANSI_STRING <-> UNICODE_STRING conversion.
 *
 * Kestrel has no code pages: its ANSI character set is ISO-8859-1, where
 * byte b is code point U+00bb. ANSI to Unicode is therefore exact, and
 * Unicode to ANSI is exact up to U+00FF; anything above becomes '?', the
 * WDK's default character for unmappable text.
 *
 * Into a caller's buffer (AllocateDestinationString FALSE) the result and
 * its terminator must fit in MaximumLength; if they do not, as much as fits
 * is converted and terminated and the routine returns STATUS_BUFFER_OVERFLOW
 * (a warning: NT_SUCCESS is false). Nothing is ever written past
 * MaximumLength.
 *
 * Callers may run at any IRQL when the buffers are resident and
 * AllocateDestinationString is FALSE; allocating runs at <= DISPATCH_LEVEL.
 */
#include "kernel/rtl/strp.h"

/* Checks a caller's destination buffer; its old Length does not matter,
 * the conversion overwrites it. */
static BOOLEAN
RtlpCheckDestinationBuffer(const VOID *Buffer, USHORT MaximumLength, PCSTR Routine)
{
    if (Buffer == NULL && MaximumLength != 0) {
        DbgPrint("%s: DestinationString->Buffer is NULL but MaximumLength is %u\n", Routine,
                 MaximumLength);
        return FALSE;
    }
    return TRUE;
}

/* How many characters fit before the terminator: all Count of them, or
 * fewer, in which case *Status becomes STATUS_BUFFER_OVERFLOW. */
static SIZE_T
RtlpCharactersThatFit(SIZE_T Count, SIZE_T Capacity, NTSTATUS *Status)
{
    *Status = STATUS_SUCCESS;
    if (Capacity == 0) {
        *Status = STATUS_BUFFER_OVERFLOW;
        return 0;
    }
    if (Count > Capacity - 1) {
        *Status = STATUS_BUFFER_OVERFLOW;
        return Capacity - 1;
    }
    return Count;
}

NTSTATUS NTAPI
RtlAnsiStringToUnicodeString(PUNICODE_STRING DestinationString, PCANSI_STRING SourceString,
                             BOOLEAN AllocateDestinationString)
{
    static const CHAR Routine[] = "RtlAnsiStringToUnicodeString";
    SIZE_T Count;
    SIZE_T Index;
    NTSTATUS Status;

    if (DestinationString == NULL) {
        DbgPrint("%s: DestinationString is NULL\n", Routine);
        return STATUS_INVALID_PARAMETER_1;
    }
    if (!RtlpCheckAnsiString(SourceString, Routine, "SourceString")) {
        return STATUS_INVALID_PARAMETER_2;
    }
    /* Each byte becomes a WCHAR; with the terminator the result must still
     * be countable in a USHORT. */
    Count = SourceString->Length;
    if ((Count + 1) * sizeof(WCHAR) > UNICODE_STRING_MAX_BYTES) {
        DbgPrint("%s: SourceString of %llu bytes is too long for a UNICODE_STRING\n", Routine,
                 (ULONGLONG)Count);
        return STATUS_INVALID_PARAMETER_2;
    }
    if (AllocateDestinationString) {
        PVOID Allocation;

        Status = RtlpAllocateStringBuffer((Count + 1) * sizeof(WCHAR), &Allocation);
        if (!NT_SUCCESS(Status)) {
            return Status;
        }
        DestinationString->Buffer = Allocation;
        DestinationString->MaximumLength = (USHORT)((Count + 1) * sizeof(WCHAR));
    } else if (!RtlpCheckDestinationBuffer(DestinationString->Buffer,
                                           DestinationString->MaximumLength, Routine)) {
        return STATUS_INVALID_PARAMETER_1;
    }
    Count = RtlpCharactersThatFit(Count, DestinationString->MaximumLength / sizeof(WCHAR),
                                  &Status);
    for (Index = 0; Index < Count; Index++) {
        DestinationString->Buffer[Index] = (WCHAR)(UCHAR)SourceString->Buffer[Index];
    }
    if (DestinationString->MaximumLength >= sizeof(WCHAR)) {
        DestinationString->Buffer[Count] = UNICODE_NULL;
    }
    DestinationString->Length = (USHORT)(Count * sizeof(WCHAR));
    return Status;
}

NTSTATUS NTAPI
RtlUnicodeStringToAnsiString(PANSI_STRING DestinationString, PCUNICODE_STRING SourceString,
                             BOOLEAN AllocateDestinationString)
{
    static const CHAR Routine[] = "RtlUnicodeStringToAnsiString";
    SIZE_T Count;
    SIZE_T Index;
    NTSTATUS Status;

    if (DestinationString == NULL) {
        DbgPrint("%s: DestinationString is NULL\n", Routine);
        return STATUS_INVALID_PARAMETER_1;
    }
    if (!RtlpCheckUnicodeString(SourceString, Routine, "SourceString")) {
        return STATUS_INVALID_PARAMETER_2;
    }
    /* Half the bytes plus a terminator always fits a USHORT. */
    Count = SourceString->Length / sizeof(WCHAR);
    if (AllocateDestinationString) {
        PVOID Allocation;

        Status = RtlpAllocateStringBuffer(Count + 1, &Allocation);
        if (!NT_SUCCESS(Status)) {
            return Status;
        }
        DestinationString->Buffer = Allocation;
        DestinationString->MaximumLength = (USHORT)(Count + 1);
    } else if (!RtlpCheckDestinationBuffer(DestinationString->Buffer,
                                           DestinationString->MaximumLength, Routine)) {
        return STATUS_INVALID_PARAMETER_1;
    }
    Count = RtlpCharactersThatFit(Count, DestinationString->MaximumLength, &Status);
    for (Index = 0; Index < Count; Index++) {
        WCHAR Character = SourceString->Buffer[Index];

        DestinationString->Buffer[Index] = Character <= 0xFF ? (CHAR)Character : '?';
    }
    if (DestinationString->MaximumLength != 0) {
        DestinationString->Buffer[Count] = ANSI_NULL;
    }
    DestinationString->Length = (USHORT)Count;
    return Status;
}

/* Releases what the conversions allocated and leaves an empty string. */
VOID NTAPI
RtlFreeUnicodeString(PUNICODE_STRING UnicodeString)
{
    if (UnicodeString == NULL) {
        DbgPrint("RtlFreeUnicodeString: UnicodeString is NULL\n");
        return;
    }
    if (UnicodeString->Buffer != NULL) {
        RtlpFreeStringBuffer(UnicodeString->Buffer);
    }
    UnicodeString->Buffer = NULL;
    UnicodeString->Length = 0;
    UnicodeString->MaximumLength = 0;
}

VOID NTAPI
RtlFreeAnsiString(PANSI_STRING AnsiString)
{
    if (AnsiString == NULL) {
        DbgPrint("RtlFreeAnsiString: AnsiString is NULL\n");
        return;
    }
    if (AnsiString->Buffer != NULL) {
        RtlpFreeStringBuffer(AnsiString->Buffer);
    }
    AnsiString->Buffer = NULL;
    AnsiString->Length = 0;
    AnsiString->MaximumLength = 0;
}
