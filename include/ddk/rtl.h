/*
 * ddk/rtl.h - the run-time library (Rtl) routines a driver may call. Part of
 * wdm.h.
 *
 * Names, types, signatures and return codes are the WDK's. Where Kestrel is
 * simpler than Windows it says so here: there are no code pages (ANSI means
 * ISO-8859-1, one byte per code point up to U+00FF) and case-insensitive
 * comparison folds ASCII letters only.
 *
 * Counted strings: Length and MaximumLength are in bytes. A string whose
 * Length is odd (for UNICODE_STRING), exceeds MaximumLength, or whose Buffer
 * is NULL with a non-zero Length is malformed: the routines report it on the
 * debug port, naming the routine and the field, and either fail with
 * STATUS_INVALID_PARAMETER or (for routines that return no status) act on
 * the part that is valid. No routine writes past a destination's
 * MaximumLength.
 */
#ifndef _KESTREL_DDK_RTL_H
#define _KESTREL_DDK_RTL_H

#ifndef UNICODE_NULL
#define UNICODE_NULL ((WCHAR)0)
#endif
#ifndef ANSI_NULL
#define ANSI_NULL ((CHAR)0)
#endif
#define UNICODE_STRING_MAX_BYTES ((USHORT)65534)
#define UNICODE_STRING_MAX_CHARS (32767)

/*
 * Memory. As in the WDK these are macros over the C library's routines,
 * which the kernel exports (kernel/rtl/memory.c). RtlCompareMemory returns
 * the number of leading bytes that match, not an ordering.
 */
void *memcpy(void *Destination, const void *Source, size_t Length);
void *memmove(void *Destination, const void *Source, size_t Length);
void *memset(void *Destination, int Fill, size_t Length);
int memcmp(const void *Left, const void *Right, size_t Length);

#define RtlEqualMemory(Destination, Source, Length) (!memcmp((Destination), (Source), (Length)))
#define RtlMoveMemory(Destination, Source, Length) memmove((Destination), (Source), (Length))
#define RtlCopyMemory(Destination, Source, Length) memcpy((Destination), (Source), (Length))
#define RtlFillMemory(Destination, Length, Fill) memset((Destination), (Fill), (Length))
#define RtlZeroMemory(Destination, Length) memset((Destination), 0, (Length))

NTSYSAPI SIZE_T NTAPI RtlCompareMemory(_In_ const VOID *Source1, _In_ const VOID *Source2,
                                       _In_ SIZE_T Length);

/* Clears memory that holds a secret. The volatile stores keep the compiler
 * from deleting the clear when the buffer is not read again. */
FORCEINLINE PVOID
RtlSecureZeroMemory(_Out_writes_bytes_(Count) PVOID Pointer, _In_ SIZE_T Count)
{
    volatile CHAR *Cursor = (volatile CHAR *)Pointer;

    while (Count != 0) {
        *Cursor++ = 0;
        Count--;
    }
    return Pointer;
}

/* Initialization: Buffer points at the caller's string, nothing is copied.
 * A source longer than a USHORT can count is cut to UNICODE_STRING_MAX_BYTES
 * by the Init routines and refused with STATUS_NAME_TOO_LONG by the Ex one. */
NTSYSAPI VOID NTAPI RtlInitUnicodeString(_Out_ PUNICODE_STRING DestinationString,
                                         _In_opt_z_ PCWSTR SourceString);
NTSYSAPI NTSTATUS NTAPI RtlInitUnicodeStringEx(_Out_ PUNICODE_STRING DestinationString,
                                               _In_opt_z_ PCWSTR SourceString);
NTSYSAPI VOID NTAPI RtlInitAnsiString(_Out_ PANSI_STRING DestinationString,
                                      _In_opt_z_ PCSZ SourceString);
NTSYSAPI VOID NTAPI RtlInitString(_Out_ PSTRING DestinationString, _In_opt_z_ PCSZ SourceString);

FORCEINLINE VOID
RtlInitEmptyUnicodeString(_Out_ PUNICODE_STRING UnicodeString,
                          _In_reads_bytes_opt_(BufferSize) PWCHAR Buffer, _In_ USHORT BufferSize)
{
    UnicodeString->Length = 0;
    UnicodeString->MaximumLength = BufferSize;
    UnicodeString->Buffer = Buffer;
}

FORCEINLINE VOID
RtlInitEmptyAnsiString(_Out_ PANSI_STRING AnsiString, _In_reads_bytes_opt_(BufferSize) PCHAR Buffer,
                       _In_ USHORT BufferSize)
{
    AnsiString->Length = 0;
    AnsiString->MaximumLength = BufferSize;
    AnsiString->Buffer = Buffer;
}

/* Copying and appending: Unicode destinations are NUL-terminated when there
 * is room after Length, never beyond MaximumLength. RtlCopyUnicodeString
 * truncates to fit; the Append routines fail with STATUS_BUFFER_TOO_SMALL
 * and leave the destination unchanged. */
NTSYSAPI VOID NTAPI RtlCopyUnicodeString(_Inout_ PUNICODE_STRING DestinationString,
                                         _In_opt_ PCUNICODE_STRING SourceString);
NTSYSAPI NTSTATUS NTAPI RtlAppendUnicodeToString(_Inout_ PUNICODE_STRING Destination,
                                                 _In_opt_z_ PCWSTR Source);
NTSYSAPI NTSTATUS NTAPI RtlAppendUnicodeStringToString(_Inout_ PUNICODE_STRING Destination,
                                                       _In_ PCUNICODE_STRING Source);

/* Comparison: negative, zero or positive like memcmp, by code unit, with the
 * shorter string first when one is a prefix of the other. */
NTSYSAPI WCHAR NTAPI RtlUpcaseUnicodeChar(_In_ WCHAR SourceCharacter);
NTSYSAPI CHAR NTAPI RtlUpperChar(_In_ CHAR Character);
NTSYSAPI LONG NTAPI RtlCompareUnicodeString(_In_ PCUNICODE_STRING String1,
                                            _In_ PCUNICODE_STRING String2,
                                            _In_ BOOLEAN CaseInSensitive);
NTSYSAPI BOOLEAN NTAPI RtlEqualUnicodeString(_In_ PCUNICODE_STRING String1,
                                             _In_ PCUNICODE_STRING String2,
                                             _In_ BOOLEAN CaseInSensitive);
NTSYSAPI BOOLEAN NTAPI RtlPrefixUnicodeString(_In_ PCUNICODE_STRING String1,
                                              _In_ PCUNICODE_STRING String2,
                                              _In_ BOOLEAN CaseInSensitive);
NTSYSAPI LONG NTAPI RtlCompareString(_In_ const STRING *String1, _In_ const STRING *String2,
                                     _In_ BOOLEAN CaseInSensitive);
NTSYSAPI BOOLEAN NTAPI RtlEqualString(_In_ const STRING *String1, _In_ const STRING *String2,
                                      _In_ BOOLEAN CaseInSensitive);

/* Numbers. Base is 2, 8, 10 or 16, or 0: decimal, or as the string's 0x, 0o
 * or 0b prefix says (RtlUnicodeStringToInteger); 0 means 10 for output. */
NTSYSAPI NTSTATUS NTAPI RtlUnicodeStringToInteger(_In_ PCUNICODE_STRING String,
                                                  _In_opt_ ULONG Base, _Out_ PULONG Value);
NTSYSAPI NTSTATUS NTAPI RtlIntegerToUnicodeString(_In_ ULONG Value, _In_opt_ ULONG Base,
                                                  _Inout_ PUNICODE_STRING String);

/* Conversion between ANSI (ISO-8859-1) and Unicode; a Unicode character
 * above U+00FF becomes '?'. Into a caller's buffer, a result that does not
 * fit with its terminator is cut to fit and STATUS_BUFFER_OVERFLOW returned.
 * With AllocateDestinationString the buffer comes from pool tagged 'grtS'
 * (STATUS_NO_MEMORY when there is none) and is released with
 * RtlFreeUnicodeString / RtlFreeAnsiString. */
NTSYSAPI NTSTATUS NTAPI RtlAnsiStringToUnicodeString(_Inout_ PUNICODE_STRING DestinationString,
                                                     _In_ PCANSI_STRING SourceString,
                                                     _In_ BOOLEAN AllocateDestinationString);
NTSYSAPI NTSTATUS NTAPI RtlUnicodeStringToAnsiString(_Inout_ PANSI_STRING DestinationString,
                                                     _In_ PCUNICODE_STRING SourceString,
                                                     _In_ BOOLEAN AllocateDestinationString);
NTSYSAPI VOID NTAPI RtlFreeUnicodeString(_Inout_ PUNICODE_STRING UnicodeString);
NTSYSAPI VOID NTAPI RtlFreeAnsiString(_Inout_ PANSI_STRING AnsiString);

/* GUIDs and their registry form "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}"
 * (upper-case hex out, either case in). The WDK spells the first
 * parameter REFGUID, which in C is const GUID * (guiddef.h). The string
 * RtlStringFromGUID allocates is freed with RtlFreeUnicodeString;
 * RtlGUIDFromString takes exactly the 38 characters, braces included
 * (STATUS_INVALID_PARAMETER otherwise). */
NTSYSAPI NTSTATUS NTAPI RtlStringFromGUID(_In_ const GUID *Guid,
                                          _Out_ PUNICODE_STRING GuidString);
NTSYSAPI NTSTATUS NTAPI RtlGUIDFromString(_In_ PCUNICODE_STRING GuidString, _Out_ GUID *Guid);

/* Doubly and singly linked lists, as wdm.h's inline routines. */
#include <ddk/list.h>

#endif /* _KESTREL_DDK_RTL_H */
