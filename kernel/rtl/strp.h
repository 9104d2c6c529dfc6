/*
 * kernel/rtl/strp.h - what the counted-string files (unicode.c, ansi.c,
 * integer.c, convert.c) share: the checks of a string's invariants and the
 * pool their allocated strings come from.
 */
#ifndef KESTREL_KERNEL_RTL_STRP_H
#define KESTREL_KERNEL_RTL_STRP_H

#include "kernel/rtl/crt.h"

/*
 * A counted string is well formed when the structure exists, Length <=
 * MaximumLength, Buffer is non-NULL whenever MaximumLength is non-zero, and
 * (for UNICODE_STRING) Length is a whole number of WCHARs. When it is not,
 * these print one line naming Routine, the Parameter and the broken rule,
 * and return FALSE; the caller then fails or treats the string as empty.
 */
BOOLEAN RtlpCheckUnicodeString(_In_opt_ PCUNICODE_STRING String, _In_z_ PCSTR Routine,
                               _In_z_ PCSTR Parameter);
BOOLEAN RtlpCheckAnsiString(_In_opt_ PCSTRING String, _In_z_ PCSTR Routine,
                            _In_z_ PCSTR Parameter);

/* Length of a NUL-terminated WCHAR string, reading at most MaximumCount
 * units; returns MaximumCount when no terminator was found within them. */
SIZE_T RtlpWideStringLengthBounded(_In_ PCWSTR String, SIZE_T MaximumCount);

/* The pool tag of strings Rtl allocates: the WDK would write 'grtS', which
 * is "Strg" in a little-endian memory dump. Spelled as a number because GCC
 * warns about multi-character constants. */
#define RTLP_STRING_POOL_TAG 0x67727453u

/* Buffers for the strings the conversions allocate (kernel/rtl/strpool.c).
 * Allocation fails with STATUS_NO_MEMORY when the pool cannot satisfy it. */
NTSTATUS RtlpAllocateStringBuffer(SIZE_T Bytes, _Out_ PVOID *Buffer);
VOID RtlpFreeStringBuffer(_In_ PVOID Buffer);

#endif /* KESTREL_KERNEL_RTL_STRP_H */
