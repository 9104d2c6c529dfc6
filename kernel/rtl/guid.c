/*
 * kernel/rtl/guid.c - RtlStringFromGUID and RtlGUIDFromString: a GUID and
 * its registry form, "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}" (38
 * characters, upper-case hex). Data1, Data2 and Data3 are written as
 * numbers; Data4's eight bytes in order, the first two before the last
 * dash. Device interface names carry this form (io/pnpiface.c).
 */
#include "kernel/rtl/strp.h"

#define RTLP_GUID_CHARACTERS 38

static const CHAR RtlpHexDigits[] = "0123456789ABCDEF";

/* Writes Value's low Digits nibbles, most significant first. */
static PWCHAR
RtlpPutHex(PWCHAR Out, ULONG Value, ULONG Digits)
{
    while (Digits-- != 0) {
        *Out++ = (WCHAR)RtlpHexDigits[(Value >> (Digits * 4)) & 0xF];
    }
    return Out;
}

/* Any IRQL <= DISPATCH_LEVEL. The buffer comes from the string pool:
 * free it with RtlFreeUnicodeString. */
NTSTATUS NTAPI
RtlStringFromGUID(const GUID *Guid, PUNICODE_STRING GuidString)
{
    PWCHAR Buffer, Out;
    NTSTATUS Status;
    ULONG Index;

    if (Guid == NULL || GuidString == NULL) {
        DbgPrint("RtlStringFromGUID: %s is NULL\n", Guid == NULL ? "Guid" : "GuidString");
        return STATUS_INVALID_PARAMETER;
    }
    Status = RtlpAllocateStringBuffer((RTLP_GUID_CHARACTERS + 1) * sizeof(WCHAR),
                                      (PVOID *)&Buffer);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    Out = Buffer;
    *Out++ = L'{';
    Out = RtlpPutHex(Out, Guid->Data1, 8);
    *Out++ = L'-';
    Out = RtlpPutHex(Out, Guid->Data2, 4);
    *Out++ = L'-';
    Out = RtlpPutHex(Out, Guid->Data3, 4);
    *Out++ = L'-';
    for (Index = 0; Index < 8; Index++) {
        if (Index == 2) {
            *Out++ = L'-';
        }
        Out = RtlpPutHex(Out, Guid->Data4[Index], 2);
    }
    *Out++ = L'}';
    *Out = UNICODE_NULL;
    GuidString->Buffer = Buffer;
    GuidString->Length = RTLP_GUID_CHARACTERS * sizeof(WCHAR);
    GuidString->MaximumLength = (RTLP_GUID_CHARACTERS + 1) * sizeof(WCHAR);
    return STATUS_SUCCESS;
}

/* Reads Digits hex digits (either case) at In; FALSE on anything else. */
static BOOLEAN
RtlpGetHex(PCWSTR In, ULONG Digits, PULONG Value)
{
    ULONG Result = 0;

    while (Digits-- != 0) {
        WCHAR Character = *In++;
        ULONG Nibble;

        if (Character >= L'0' && Character <= L'9') {
            Nibble = Character - L'0';
        } else if (Character >= L'A' && Character <= L'F') {
            Nibble = Character - L'A' + 10;
        } else if (Character >= L'a' && Character <= L'f') {
            Nibble = Character - L'a' + 10;
        } else {
            return FALSE;
        }
        Result = (Result << 4) | Nibble;
    }
    *Value = Result;
    return TRUE;
}

/* Parses the Count characters at Text into *Guid; FALSE when they are not
 * exactly the 38-character form. */
static BOOLEAN
RtlpParseGuid(PCWSTR Text, ULONG Count, GUID *Guid)
{
    /* Where each field starts in "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}". */
    static const UCHAR Data4At[8] = {20, 22, 25, 27, 29, 31, 33, 35};
    static const UCHAR DashAt[4] = {9, 14, 19, 24};
    ULONG Data1, Data2, Data3, Byte, Index;

    if (Count != RTLP_GUID_CHARACTERS || Text[0] != L'{' ||
        Text[RTLP_GUID_CHARACTERS - 1] != L'}') {
        return FALSE;
    }
    for (Index = 0; Index < RTL_NUMBER_OF(DashAt); Index++) {
        if (Text[DashAt[Index]] != L'-') {
            return FALSE;
        }
    }
    if (!RtlpGetHex(&Text[1], 8, &Data1) || !RtlpGetHex(&Text[10], 4, &Data2) ||
        !RtlpGetHex(&Text[15], 4, &Data3)) {
        return FALSE;
    }
    Guid->Data1 = Data1;
    Guid->Data2 = (USHORT)Data2;
    Guid->Data3 = (USHORT)Data3;
    for (Index = 0; Index < 8; Index++) {
        if (!RtlpGetHex(&Text[Data4At[Index]], 2, &Byte)) {
            return FALSE;
        }
        Guid->Data4[Index] = (UCHAR)Byte;
    }
    return TRUE;
}

/* Any IRQL. Exactly the 38-character form, braces and dashes included;
 * hex digits of either case. STATUS_INVALID_PARAMETER otherwise, and
 * *Guid is left alone. */
NTSTATUS NTAPI
RtlGUIDFromString(PCUNICODE_STRING GuidString, GUID *Guid)
{
    PCWSTR Text;
    GUID Result;

    if (Guid == NULL) {
        DbgPrint("RtlGUIDFromString: Guid is NULL\n");
        return STATUS_INVALID_PARAMETER;
    }
    if (!RtlpCheckUnicodeString(GuidString, "RtlGUIDFromString", "GuidString")) {
        return STATUS_INVALID_PARAMETER;
    }
    Text = GuidString->Buffer;
    if (!RtlpParseGuid(Text, GuidString->Length / sizeof(WCHAR), &Result)) {
        DbgPrint("RtlGUIDFromString: GuidString (%u characters) is not of the form "
                 "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}\n",
                 (ULONG)(GuidString->Length / sizeof(WCHAR)));
        return STATUS_INVALID_PARAMETER;
    }
    *Guid = Result;
    return STATUS_SUCCESS;
}
