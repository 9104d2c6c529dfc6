/*
 * kernel/rtl/strpool.c - where the string conversions get their buffers.
 *
 * RtlAnsiStringToUnicodeString and RtlUnicodeStringToAnsiString allocate
 * their result when asked to (AllocateDestinationString TRUE), and
 * RtlFreeUnicodeString / RtlFreeAnsiString release it. Keeping the pool
 * calls in this one file leaves the conversions pure logic.
 *
 * FIXME: the executive pool (ExAllocatePoolWithTag) does not exist yet.
 * Until it does, asking for an allocated string fails with
 * STATUS_NOT_IMPLEMENTED, and a free of a buffer Rtl cannot have handed out
 * stops the machine.
 */
#include "kernel/rtl/strp.h"

NTSTATUS
RtlpAllocateStringBuffer(SIZE_T Bytes, PVOID *Buffer)
{
    *Buffer = NULL;
    DbgPrint("Rtl: cannot allocate a %llu-byte string: there is no pool yet; "
             "pass AllocateDestinationString = FALSE with a buffer of your own\n",
             (ULONGLONG)Bytes);
    return STATUS_NOT_IMPLEMENTED;
}

/* Runs at <= DISPATCH_LEVEL. No allocation can have succeeded, so any
 * buffer handed here belongs to someone else: freeing it would be a bug. */
VOID
RtlpFreeStringBuffer(PVOID Buffer)
{
    DbgPrint("RtlFreeUnicodeString/RtlFreeAnsiString: buffer %p was not allocated by Rtl "
             "(Rtl allocates nothing until the pool exists)\n", Buffer);
    KeBugCheckEx(BAD_POOL_CALLER, 0x7, 0, (ULONG_PTR)Buffer, RTLP_STRING_POOL_TAG);
}
