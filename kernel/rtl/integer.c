/*
 * kernel/rtl/integer.c - numbers to and from UNICODE_STRING.
 *
 * RtlUnicodeStringToInteger reads a number the way the WDK documents it:
 * leading white space, an optional sign, then digits of the base up to the
 * first character that is not one (so "+678abc" in base 10 is 678). With
 * Base 0 a "0x", "0o" or "0b" prefix picks the base, otherwise decimal. A
 * string with no digits is 0 and still a success; only an empty string or a
 * base other than 0, 2, 8, 10, 16 is an error. Values wrap modulo 2^32, and
 * a leading '-' negates in that arithmetic, as a ULONG result implies.
 *
 * Callers may run at any IRQL when the buffers are resident.
 */
#include "kernel/rtl/strp.h"

static BOOLEAN
RtlpIsValidBase(ULONG Base)
{
    return Base == 0 || Base == 2 || Base == 8 || Base == 10 || Base == 16;
}

static BOOLEAN
RtlpIsWhiteSpace(WCHAR Character)
{
    return Character == L' ' || (Character >= L'\t' && Character <= L'\r');
}

/* The value of Character as a digit, or 0xFF when it is not one. */
static ULONG
RtlpDigitValue(WCHAR Character)
{
    if (Character >= L'0' && Character <= L'9') {
        return Character - L'0';
    }
    Character = RtlUpcaseUnicodeChar(Character);
    if (Character >= L'A' && Character <= L'F') {
        return Character - L'A' + 10;
    }
    return 0xFF;
}

NTSTATUS NTAPI
RtlUnicodeStringToInteger(PCUNICODE_STRING String, ULONG Base, PULONG Value)
{
    SIZE_T Count;
    SIZE_T Index = 0;
    BOOLEAN Negative = FALSE;
    ULONG Result = 0;
    PCWSTR Text;

    if (Value == NULL) {
        DbgPrint("RtlUnicodeStringToInteger: Value is NULL\n");
        return STATUS_INVALID_PARAMETER;
    }
    if (!RtlpCheckUnicodeString(String, "RtlUnicodeStringToInteger", "String")) {
        return STATUS_INVALID_PARAMETER;
    }
    if (!RtlpIsValidBase(Base)) {
        DbgPrint("RtlUnicodeStringToInteger: Base %u is not 0, 2, 8, 10 or 16\n", Base);
        return STATUS_INVALID_PARAMETER;
    }
    Count = String->Length / sizeof(WCHAR);
    if (Count == 0) {
        return STATUS_INVALID_PARAMETER;
    }
    Text = String->Buffer;

    while (Index < Count && RtlpIsWhiteSpace(Text[Index])) {
        Index++;
    }
    if (Index < Count && (Text[Index] == L'-' || Text[Index] == L'+')) {
        Negative = (BOOLEAN)(Text[Index] == L'-');
        Index++;
    }
    if (Base == 0) {
        Base = 10;
        if (Index + 1 < Count && Text[Index] == L'0') {
            switch (Text[Index + 1]) {
            case L'x':
                Base = 16;
                break;
            case L'o':
                Base = 8;
                break;
            case L'b':
                Base = 2;
                break;
            }
            if (Base != 10) {
                Index += 2;
            }
        }
    }
    for (; Index < Count; Index++) {
        ULONG Digit = RtlpDigitValue(Text[Index]);

        if (Digit >= Base) {
            break;
        }
        Result = Result * Base + Digit;
    }
    *Value = Negative ? 0 - Result : Result;
    return STATUS_SUCCESS;
}

/* Writes the digits (upper-case hex, no prefix) and a terminator; a result
 * that does not fit in MaximumLength with its terminator leaves String as it
 * was, since a cut-off number would be a different number. */
NTSTATUS NTAPI
RtlIntegerToUnicodeString(ULONG Value, ULONG Base, PUNICODE_STRING String)
{
    static const WCHAR Digits[] = L"0123456789ABCDEF";
    WCHAR Reversed[32]; /* base 2 needs at most 32 digits */
    SIZE_T Count = 0;
    SIZE_T Index;

    if (!RtlpIsValidBase(Base)) {
        DbgPrint("RtlIntegerToUnicodeString: Base %u is not 0, 2, 8, 10 or 16\n", Base);
        return STATUS_INVALID_PARAMETER;
    }
    if (!RtlpCheckUnicodeString(String, "RtlIntegerToUnicodeString", "String")) {
        return STATUS_INVALID_PARAMETER;
    }
    if (Base == 0) {
        Base = 10;
    }
    do {
        Reversed[Count++] = Digits[Value % Base];
        Value /= Base;
    } while (Value != 0);

    if ((Count + 1) * sizeof(WCHAR) > String->MaximumLength) {
        return STATUS_BUFFER_OVERFLOW;
    }
    for (Index = 0; Index < Count; Index++) {
        String->Buffer[Index] = Reversed[Count - 1 - Index];
    }
    String->Buffer[Count] = UNICODE_NULL;
    String->Length = (USHORT)(Count * sizeof(WCHAR));
    return STATUS_SUCCESS;
}
