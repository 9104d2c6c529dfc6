/*
 * kernel/rtl/strpool.c - where the string conversions get their buffers.
 *
 * RtlAnsiStringToUnicodeString and RtlUnicodeStringToAnsiString allocate
 * their result when asked to (AllocateDestinationString TRUE), and
 * RtlFreeUnicodeString / RtlFreeAnsiString release it. Keeping the pool
 * calls in this one file leaves the conversions pure logic, and the one
 * tag makes leaked strings easy to find in the pool's tag table.
 *
 * Windows takes these buffers from paged pool; Kestrel asks for PagedPool
 * too, which its pool serves from non-paged memory (include/ddk/ex.h).
 */
#include "kernel/rtl/strp.h"

/* Runs at <= DISPATCH_LEVEL. */
NTSTATUS
RtlpAllocateStringBuffer(SIZE_T Bytes, PVOID *Buffer)
{
    *Buffer = ExAllocatePoolWithTag(PagedPool, Bytes, RTLP_STRING_POOL_TAG);
    return *Buffer != NULL ? STATUS_SUCCESS : STATUS_NO_MEMORY;
}

/* Runs at <= DISPATCH_LEVEL. A buffer Rtl did not allocate carries another
 * tag, and the pool stops the machine with BAD_POOL_CALLER naming both. */
VOID
RtlpFreeStringBuffer(PVOID Buffer)
{
    ExFreePoolWithTag(Buffer, RTLP_STRING_POOL_TAG);
}
