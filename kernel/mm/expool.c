/*
 * kernel/mm/expool.c - ExAllocatePool2, ExAllocatePoolWithTag, ExFreePool...
 *
 * The driver-facing routines (declared in include/ddk/ex.h): they check the
 * pool type or flags the WDK way, take the pool lock, and hand the request
 * to the allocator (kernel/mm/pool.c) together with the caller's return
 * address, which the pool records so that every report can say which code
 * allocated or freed a block. Each exported routine captures its own
 * return address, because that is the driver's call site.
 *
 * Kestrel has only non-paged memory; paged requests are served from it (see
 * include/ddk/ex.h for why that keeps Windows drivers correct).
 */
#include "kernel/mm/pool.h"

EXP_POOL ExpNonPagedPool;

#define EXP_POOL_TAG_NONE 'enoN'

/* Modifier bits of a POOL_TYPE that do not name a pool. The session bit
 * (32) is among them: Kestrel has no sessions, a session type is served
 * like its base type. */
#define EXP_POOL_TYPE_MODIFIERS                                                          \
    (POOL_QUOTA_FAIL_INSTEAD_OF_RAISE | POOL_RAISE_IF_ALLOCATION_FAILURE |             \
     POOL_COLD_ALLOCATION | POOL_NX_ALLOCATION | POOL_ZERO_ALLOCATION | NonPagedPoolSession)

#define EXP_POOL_FLAGS_KNOWN_REQUIRED                                                    \
    (POOL_FLAG_USE_QUOTA | POOL_FLAG_UNINITIALIZED | POOL_FLAG_SESSION |                 \
     POOL_FLAG_CACHE_ALIGNED | POOL_FLAG_RESERVED1 | POOL_FLAG_RAISE_ON_FAILURE |          \
     POOL_FLAG_NON_PAGED | POOL_FLAG_NON_PAGED_EXECUTE | POOL_FLAG_PAGED |                \
     POOL_FLAG_RESERVED2 | POOL_FLAG_RESERVED3)

/* A failed allocation: NULL, or for a caller that asked to be raised an
 * exception, the end (Kestrel has no exception handling yet, and an
 * unhandled kernel exception is KMODE_EXCEPTION_NOT_HANDLED). */
static PVOID
ExpFailAllocation(BOOLEAN Raise, NTSTATUS Status, PVOID Caller)
{
    if (Raise) {
        DbgPrint("*** Pool: %pS asked for an exception on failure; Kestrel cannot raise one\n",
                 Caller);
        KeBugCheckEx(KMODE_EXCEPTION_NOT_HANDLED, (ULONG)Status, (ULONG_PTR)Caller, 0, 0);
    }
    return NULL;
}

/* Any IRQL; takes the pool lock. */
static PVOID
ExpAllocateFromSystemPool(SIZE_T NumberOfBytes, ULONG Tag, BOOLEAN Zero, BOOLEAN Raise,
                          PVOID Caller)
{
    ULONG_PTR Flags;
    PVOID P;
    CHAR Text[5];

    ExpFormatTag(Tag, Text);
    if (!ExpNonPagedPool.Initialized) {
        DbgPrint("Pool: %pS asked for %llu bytes (tag '%s') before ExInitializePoolSystem ran\n",
                 Caller, NumberOfBytes, Text);
        return ExpFailAllocation(Raise, STATUS_INSUFFICIENT_RESOURCES, Caller);
    }
    if (NumberOfBytes > EXP_POOL_MAXIMUM_BYTES) {
        DbgPrint("Pool: %pS asked for %llu bytes (tag '%s'), more than the pool's limit of %llu; "
                 "is the size computed from bad input?\n",
                 Caller, NumberOfBytes, Text, (SIZE_T)EXP_POOL_MAXIMUM_BYTES);
        return ExpFailAllocation(Raise, STATUS_INSUFFICIENT_RESOURCES, Caller);
    }
    Flags = ExpAcquirePoolLock();
    P = ExpAllocate(&ExpNonPagedPool, NumberOfBytes, Tag, Caller);
    ExpReleasePoolLock(Flags);
    if (P == NULL) {
        DbgPrint("Pool: out of memory: %pS asked for %llu bytes (tag '%s')\n", Caller,
                 NumberOfBytes, Text);
        return ExpFailAllocation(Raise, STATUS_INSUFFICIENT_RESOURCES, Caller);
    }
    if (Zero) {
        __builtin_memset(P, 0, NumberOfBytes);
    }
    return P;
}

/* The POOL_TYPE-based routines share this. MustSucceed pools no longer
 * exist in Windows, which stops a caller asking for one (0xC2/0x9A); a tag
 * of 0 cannot be tracked (0xC2/0x9B). */
static PVOID
ExpAllocateByType(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag, BOOLEAN Zero,
                  PVOID Caller)
{
    ULONG BaseType = (ULONG)PoolType & ~(ULONG)EXP_POOL_TYPE_MODIFIERS;
    BOOLEAN Raise = ((ULONG)PoolType & POOL_RAISE_IF_ALLOCATION_FAILURE) != 0;

    if (BaseType == NonPagedPoolMustSucceed || BaseType == NonPagedPoolCacheAlignedMustS) {
        DbgPrint("*** Pool: %pS asked for must-succeed pool (type %u), which no longer exists\n",
                 Caller, (ULONG)PoolType);
        KeBugCheckEx(BAD_POOL_CALLER, 0x9A, (ULONG)PoolType, NumberOfBytes, Tag);
    }
    if (Tag == 0) {
        DbgPrint("*** Pool: %pS allocated pool with tag 0, which cannot be tracked\n", Caller);
        KeBugCheckEx(BAD_POOL_CALLER, 0x9B, (ULONG)PoolType, NumberOfBytes, (ULONG_PTR)Caller);
    }
    if (BaseType != NonPagedPool && BaseType != PagedPool && BaseType != NonPagedPoolCacheAligned &&
        BaseType != PagedPoolCacheAligned) {
        DbgPrint("Pool: %pS asked for pool type %u, which is not a valid POOL_TYPE\n", Caller,
                 (ULONG)PoolType);
        return ExpFailAllocation(Raise, STATUS_INVALID_PARAMETER, Caller);
    }
    /* Cache alignment needs nothing more: every block is 64-byte aligned. */
    Zero = Zero || ((ULONG)PoolType & POOL_ZERO_ALLOCATION) != 0;
    return ExpAllocateFromSystemPool(NumberOfBytes, Tag, Zero, Raise, Caller);
}

PVOID NTAPI
ExAllocatePool2(POOL_FLAGS Flags, SIZE_T NumberOfBytes, ULONG Tag)
{
    PVOID Caller = __builtin_return_address(0);
    POOL_FLAGS Required = Flags & 0xFFFFFFFFULL;
    POOL_FLAGS Kind = Flags & (POOL_FLAG_NON_PAGED | POOL_FLAG_NON_PAGED_EXECUTE | POOL_FLAG_PAGED);
    BOOLEAN Raise = (Flags & POOL_FLAG_RAISE_ON_FAILURE) != 0;

    if (Tag == 0) {
        DbgPrint("Pool: %pS called ExAllocatePool2 with tag 0; the WDK requires a tag\n", Caller);
        return ExpFailAllocation(Raise, STATUS_INVALID_PARAMETER, Caller);
    }
    if ((Required & ~EXP_POOL_FLAGS_KNOWN_REQUIRED) != 0) {
        DbgPrint("Pool: %pS passed unknown required pool flags 0x%llx\n", Caller,
                 (ULONGLONG)(Required & ~EXP_POOL_FLAGS_KNOWN_REQUIRED));
        return ExpFailAllocation(Raise, STATUS_INVALID_PARAMETER, Caller);
    }
    if ((Required & (POOL_FLAG_RESERVED1 | POOL_FLAG_RESERVED2 | POOL_FLAG_RESERVED3)) != 0) {
        DbgPrint("Pool: %pS passed pool flags reserved for the system (0x%llx)\n", Caller,
                 (ULONGLONG)Required);
        return ExpFailAllocation(Raise, STATUS_INVALID_PARAMETER, Caller);
    }
    if ((Required & POOL_FLAG_SESSION) != 0) {
        DbgPrint("Pool: %pS asked for session pool; Kestrel has no sessions\n", Caller);
        return ExpFailAllocation(Raise, STATUS_INVALID_PARAMETER, Caller);
    }
    if (Kind == 0 || (Kind & (Kind - 1)) != 0) {
        DbgPrint("Pool: %pS must pass exactly one of POOL_FLAG_NON_PAGED, "
                 "POOL_FLAG_NON_PAGED_EXECUTE and POOL_FLAG_PAGED (flags 0x%llx)\n",
                 Caller, (ULONGLONG)Flags);
        return ExpFailAllocation(Raise, STATUS_INVALID_PARAMETER, Caller);
    }
    /* POOL_FLAG_USE_QUOTA is satisfied trivially: there are no processes
     * to charge yet. POOL_FLAG_CACHE_ALIGNED holds for every block. */
    return ExpAllocateFromSystemPool(NumberOfBytes, Tag, (Flags & POOL_FLAG_UNINITIALIZED) == 0,
                                     Raise, Caller);
}

PVOID NTAPI
ExAllocatePoolWithTag(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    return ExpAllocateByType(PoolType, NumberOfBytes, Tag, FALSE, __builtin_return_address(0));
}

PVOID NTAPI
ExAllocatePoolZero(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    return ExpAllocateByType(PoolType, NumberOfBytes, Tag, TRUE, __builtin_return_address(0));
}

PVOID NTAPI
ExAllocatePoolUninitialized(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    return ExpAllocateByType(PoolType, NumberOfBytes, Tag, FALSE, __builtin_return_address(0));
}

PVOID NTAPI
ExAllocatePool(POOL_TYPE PoolType, SIZE_T NumberOfBytes)
{
    return ExpAllocateByType(PoolType, NumberOfBytes, EXP_POOL_TAG_NONE, FALSE,
                             __builtin_return_address(0));
}

/* Any IRQL; takes the pool lock. */
VOID NTAPI
ExFreePoolWithTag(PVOID P, ULONG Tag)
{
    ULONG_PTR Flags = ExpAcquirePoolLock();

    ExpFree(&ExpNonPagedPool, P, Tag, TRUE, __builtin_return_address(0));
    ExpReleasePoolLock(Flags);
}

VOID NTAPI
ExFreePool(PVOID P)
{
    ULONG_PTR Flags = ExpAcquirePoolLock();

    ExpFree(&ExpNonPagedPool, P, 0, FALSE, __builtin_return_address(0));
    ExpReleasePoolLock(Flags);
}
