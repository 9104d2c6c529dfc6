/*
 * kernel/rtl/validate.c - checks of the counted-string invariants.
 *
 * UNICODE_STRING and ANSI_STRING come from drivers, and a malformed one (an
 * odd byte count, a Length past MaximumLength, a NULL Buffer) would make a
 * string routine read or write outside the buffer. Every string routine
 * checks its arguments here first; a failed check prints what is wrong so
 * the driver writer can find the bad caller. Safe at any IRQL.
 */
#include "kernel/rtl/strp.h"

static BOOLEAN
RtlpCheckCounted(const VOID *Structure, USHORT Length, USHORT MaximumLength, const VOID *Buffer,
                 BOOLEAN Wide, PCSTR Routine, PCSTR Parameter)
{
    if (Structure == NULL) {
        DbgPrint("%s: %s is NULL\n", Routine, Parameter);
        return FALSE;
    }
    if (Wide && (Length & 1) != 0) {
        DbgPrint("%s: %s->Length %u is odd; a UNICODE_STRING counts bytes of WCHARs\n", Routine,
                 Parameter, Length);
        return FALSE;
    }
    if (Length > MaximumLength) {
        DbgPrint("%s: %s->Length %u exceeds its MaximumLength %u\n", Routine, Parameter, Length,
                 MaximumLength);
        return FALSE;
    }
    if (Buffer == NULL && MaximumLength != 0) {
        DbgPrint("%s: %s->Buffer is NULL but MaximumLength is %u\n", Routine, Parameter,
                 MaximumLength);
        return FALSE;
    }
    return TRUE;
}

BOOLEAN
RtlpCheckUnicodeString(PCUNICODE_STRING String, PCSTR Routine, PCSTR Parameter)
{
    if (String == NULL) {
        return RtlpCheckCounted(NULL, 0, 0, NULL, TRUE, Routine, Parameter);
    }
    return RtlpCheckCounted(String, String->Length, String->MaximumLength, String->Buffer, TRUE,
                            Routine, Parameter);
}

BOOLEAN
RtlpCheckAnsiString(PCSTRING String, PCSTR Routine, PCSTR Parameter)
{
    if (String == NULL) {
        return RtlpCheckCounted(NULL, 0, 0, NULL, FALSE, Routine, Parameter);
    }
    return RtlpCheckCounted(String, String->Length, String->MaximumLength, String->Buffer, FALSE,
                            Routine, Parameter);
}

SIZE_T
RtlpWideStringLengthBounded(PCWSTR String, SIZE_T MaximumCount)
{
    SIZE_T Count = 0;

    while (Count < MaximumCount && String[Count] != UNICODE_NULL) {
        Count++;
    }
    return Count;
}
