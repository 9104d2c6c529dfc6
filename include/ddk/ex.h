/*
 * ddk/ex.h - the executive (Ex) routines a driver may call: pool memory.
 * Part of wdm.h.
 *
 * Names, values and signatures are the WDK's (POOL_TYPE, POOL_FLAGS,
 * ExAllocatePool2, ExAllocatePoolWithTag, ExFreePoolWithTag). Where Kestrel
 * differs it is because it has less to offer:
 *
 *  - There is only non-paged memory. Kestrel has no pager and no backing
 *    store, so "paged" memory could never be paged out anyway; PagedPool and
 *    POOL_FLAG_PAGED are served from the same non-paged pool. A driver
 *    written for Windows still works, because non-paged memory satisfies
 *    every promise paged memory makes (and more: it may be touched at any
 *    IRQL).
 *  - There are no sessions: POOL_FLAG_SESSION fails, session pool types are
 *    served like their base type.
 *  - There are no exceptions: POOL_FLAG_RAISE_ON_FAILURE and
 *    POOL_RAISE_IF_ALLOCATION_FAILURE turn a failed allocation into a
 *    bugcheck (an unhandled kernel exception would end the same way).
 *  - The pool always checks: every block carries a header canary before and
 *    guard bytes after the caller's bytes, freed blocks are poisoned and
 *    quarantined, and misuse stops the machine with the bugcheck Windows
 *    uses for it (see kernel/mm/poolcheck.c for the table).
 *
 * Every allocation is aligned to 64 bytes (a cache line, more than the 16
 * Windows promises on x64). An allocation smaller than a page never crosses
 * a page boundary; one of PAGE_SIZE or more starts on a page boundary, as
 * the WDK documents for ExAllocatePoolWithTag.
 *
 * Pool tags are four-character literals written backwards, 'looP', so that
 * the little-endian bytes read "Pool" in a memory dump and in the pool's
 * tables. C calls these multi-character constants and GCC warns about them
 * by default; the WDK's compiler accepts them silently, and driver source
 * must compile unchanged, so the warning is switched off from here on.
 */
#ifndef _KESTREL_DDK_EX_H
#define _KESTREL_DDK_EX_H

#pragma GCC diagnostic ignored "-Wmultichar"

typedef enum _POOL_TYPE {
    NonPagedPool = 0,
    NonPagedPoolExecute = NonPagedPool,
    PagedPool = 1,
    NonPagedPoolMustSucceed = NonPagedPool + 2,
    DontUseThisType = 3,
    NonPagedPoolCacheAligned = NonPagedPool + 4,
    PagedPoolCacheAligned = 5,
    NonPagedPoolCacheAlignedMustS = NonPagedPool + 6,
    MaxPoolType = 7,

    NonPagedPoolBase = 0,
    NonPagedPoolBaseMustSucceed = NonPagedPoolBase + 2,
    NonPagedPoolBaseCacheAligned = NonPagedPoolBase + 4,
    NonPagedPoolBaseCacheAlignedMustS = NonPagedPoolBase + 6,

    NonPagedPoolSession = 32,
    PagedPoolSession = NonPagedPoolSession + 1,
    NonPagedPoolMustSucceedSession = PagedPoolSession + 1,
    DontUseThisTypeSession = NonPagedPoolMustSucceedSession + 1,
    NonPagedPoolCacheAlignedSession = DontUseThisTypeSession + 1,
    PagedPoolCacheAlignedSession = NonPagedPoolCacheAlignedSession + 1,
    NonPagedPoolCacheAlignedMustSSession = PagedPoolCacheAlignedSession + 1,

    NonPagedPoolNx = 512,
    NonPagedPoolNxCacheAligned = NonPagedPoolNx + 4,
    NonPagedPoolSessionNx = NonPagedPoolNx + 32,
} POOL_TYPE;

/* Modifier bits a caller may OR into a POOL_TYPE (wdm.h). */
#define POOL_QUOTA_FAIL_INSTEAD_OF_RAISE 8
#define POOL_RAISE_IF_ALLOCATION_FAILURE 16
#define POOL_COLD_ALLOCATION 256
#define POOL_NX_ALLOCATION 512
#define POOL_ZERO_ALLOCATION 1024

/*
 * ExAllocatePool2's flags. The low 32 bits are required: an allocation with
 * a required flag the pool does not know or cannot satisfy fails. The high
 * 32 bits are optional and ignored when unknown. Exactly one of
 * POOL_FLAG_NON_PAGED, POOL_FLAG_NON_PAGED_EXECUTE and POOL_FLAG_PAGED
 * names the pool.
 */
typedef ULONG64 POOL_FLAGS;

#define POOL_FLAG_REQUIRED_START 0x0000000000000001ULL
#define POOL_FLAG_USE_QUOTA 0x0000000000000001ULL       /* Charge quota */
#define POOL_FLAG_UNINITIALIZED 0x0000000000000002ULL   /* Don't zero-initialize */
#define POOL_FLAG_SESSION 0x0000000000000004ULL         /* Session pool */
#define POOL_FLAG_CACHE_ALIGNED 0x0000000000000008ULL   /* Cache-aligned allocation */
#define POOL_FLAG_RESERVED1 0x0000000000000010ULL
#define POOL_FLAG_RAISE_ON_FAILURE 0x0000000000000020ULL
#define POOL_FLAG_NON_PAGED 0x0000000000000040ULL       /* Non-paged, no-execute */
#define POOL_FLAG_NON_PAGED_EXECUTE 0x0000000000000080ULL
#define POOL_FLAG_PAGED 0x0000000000000100ULL
#define POOL_FLAG_RESERVED2 0x0000000000000200ULL
#define POOL_FLAG_RESERVED3 0x0000000000000400ULL
#define POOL_FLAG_LAST_KNOWN_REQUIRED POOL_FLAG_RESERVED3
#define POOL_FLAG_REQUIRED_END 0x0000000080000000ULL
#define POOL_FLAG_OPTIONAL_START 0x0000000100000000ULL
#define POOL_FLAG_SPECIAL_POOL 0x0000000100000000ULL    /* Kestrel: every pool is checked */
#define POOL_FLAG_OPTIONAL_END 0x8000000000000000ULL

/*
 * Allocates NumberOfBytes of pool charged to Tag. Contents are zero unless
 * POOL_FLAG_UNINITIALIZED is given. Returns NULL when memory runs out, when
 * Tag is 0, or when Flags are invalid. NumberOfBytes may be 0 (the WDK
 * discourages it; the result is still a unique pointer that must be freed).
 * Any IRQL (Kestrel has no paged memory).
 */
PVOID NTAPI ExAllocatePool2(_In_ POOL_FLAGS Flags, _In_ SIZE_T NumberOfBytes, _In_ ULONG Tag);

/* The pre-2004 interface: contents are not initialized. A Tag of 0 is a
 * caller bug: BAD_POOL_CALLER (0xC2) parameter 1 = 0x9B. */
PVOID NTAPI ExAllocatePoolWithTag(_In_ POOL_TYPE PoolType, _In_ SIZE_T NumberOfBytes,
                                  _In_ ULONG Tag);

/* As ExAllocatePoolWithTag, but the contents are zeroed. */
PVOID NTAPI ExAllocatePoolZero(_In_ POOL_TYPE PoolType, _In_ SIZE_T NumberOfBytes,
                               _In_ ULONG Tag);

/* As ExAllocatePoolWithTag: explicitly not zeroed. */
PVOID NTAPI ExAllocatePoolUninitialized(_In_ POOL_TYPE PoolType, _In_ SIZE_T NumberOfBytes,
                                        _In_ ULONG Tag);

/* Deprecated in the WDK: charges the allocation to the tag 'None'. */
PVOID NTAPI ExAllocatePool(_In_ POOL_TYPE PoolType, _In_ SIZE_T NumberOfBytes);

/* Frees P, which must have been allocated with Tag: a different tag is
 * BAD_POOL_CALLER (0xC2) parameter 1 = 0x0A. Any IRQL. */
VOID NTAPI ExFreePoolWithTag(_In_ PVOID P, _In_ ULONG Tag);

/* Frees P whatever its tag. */
VOID NTAPI ExFreePool(_In_ PVOID P);

/* ---- Lookaside lists: fixed-size blocks kept on a free list ----
 *
 * A driver that allocates and frees many blocks of one size (IRPs, request
 * contexts) keeps the freed ones on a lookaside list, so that the next
 * allocation is a pop instead of a trip through the pool. Names, layout
 * (x64: 0x80 bytes, cache aligned) and signatures are the WDK's. Kestrel
 * runs on one processor: the list is changed with interrupts off for a few
 * instructions, which is atomic against ISRs and DPCs; Depth does not adapt
 * to the miss rate as on Windows but stays at EX_LOOKASIDE_DEPTH.
 */
typedef struct DECLSPEC_ALIGN(16) _SLIST_ENTRY {
    struct _SLIST_ENTRY *Next;
} SLIST_ENTRY, *PSLIST_ENTRY;

typedef union DECLSPEC_ALIGN(16) _SLIST_HEADER {
    struct {
        ULONGLONG Alignment;
        ULONGLONG Region;
    };
    struct {
        ULONGLONG Depth : 16;
        ULONGLONG Sequence : 48;
        ULONGLONG Reserved : 4;
        ULONGLONG NextEntry : 60;   /* the first entry's address >> 4 */
    } HeaderX64;
} SLIST_HEADER, *PSLIST_HEADER;

typedef PVOID NTAPI ALLOCATE_FUNCTION(_In_ POOL_TYPE PoolType, _In_ SIZE_T NumberOfBytes,
                                      _In_ ULONG Tag);
typedef ALLOCATE_FUNCTION *PALLOCATE_FUNCTION;
typedef VOID NTAPI FREE_FUNCTION(_In_ PVOID Buffer);
typedef FREE_FUNCTION *PFREE_FUNCTION;

struct _LOOKASIDE_LIST_EX;
typedef PVOID NTAPI ALLOCATE_FUNCTION_EX(_In_ POOL_TYPE PoolType, _In_ SIZE_T NumberOfBytes,
                                         _In_ ULONG Tag,
                                         _Inout_ struct _LOOKASIDE_LIST_EX *Lookaside);
typedef ALLOCATE_FUNCTION_EX *PALLOCATE_FUNCTION_EX;
typedef VOID NTAPI FREE_FUNCTION_EX(_In_ PVOID Buffer, _Inout_ struct _LOOKASIDE_LIST_EX *Lookaside);
typedef FREE_FUNCTION_EX *PFREE_FUNCTION_EX;

typedef struct DECLSPEC_ALIGN(64) _GENERAL_LOOKASIDE {
    union {
        SLIST_HEADER ListHead;
        SINGLE_LIST_ENTRY SingleListHead;
    };
    USHORT Depth;                   /* free blocks kept at most */
    USHORT MaximumDepth;
    ULONG TotalAllocates;
    union {
        ULONG AllocateMisses;       /* allocations the list could not serve */
        ULONG AllocateHits;
    };
    ULONG TotalFrees;
    union {
        ULONG FreeMisses;           /* frees that went back to the pool */
        ULONG FreeHits;
    };
    POOL_TYPE Type;
    ULONG Tag;
    ULONG Size;                     /* of every block */
    union {
        PALLOCATE_FUNCTION_EX AllocateEx;
        PALLOCATE_FUNCTION Allocate;
    };
    union {
        PFREE_FUNCTION_EX FreeEx;
        PFREE_FUNCTION Free;
    };
    LIST_ENTRY ListEntry;
    ULONG LastTotalAllocates;
    union {
        ULONG LastAllocateMisses;
        ULONG LastAllocateHits;
    };
    ULONG Future[2];
} GENERAL_LOOKASIDE, *PGENERAL_LOOKASIDE;

typedef struct DECLSPEC_ALIGN(64) _NPAGED_LOOKASIDE_LIST {
    GENERAL_LOOKASIDE L;
} NPAGED_LOOKASIDE_LIST, *PNPAGED_LOOKASIDE_LIST;

_Static_assert(sizeof(SLIST_HEADER) == 0x10, "SLIST_HEADER is 16 bytes on x64");
_Static_assert(sizeof(GENERAL_LOOKASIDE) == 0x80, "GENERAL_LOOKASIDE is 0x80 bytes on x64");
_Static_assert(FIELD_OFFSET(GENERAL_LOOKASIDE, Type) == 0x24, "GENERAL_LOOKASIDE.Type");
_Static_assert(FIELD_OFFSET(GENERAL_LOOKASIDE, Allocate) == 0x30, "GENERAL_LOOKASIDE.Allocate");
_Static_assert(FIELD_OFFSET(GENERAL_LOOKASIDE, ListEntry) == 0x40, "GENERAL_LOOKASIDE.ListEntry");
_Static_assert(sizeof(NPAGED_LOOKASIDE_LIST) == 0x80, "NPAGED_LOOKASIDE_LIST is 0x80 bytes on x64");

#define LOOKASIDE_MINIMUM_BLOCK_SIZE (sizeof(SLIST_ENTRY))
#define EX_LOOKASIDE_DEPTH 32       /* Kestrel: free blocks a list keeps */
#define EX_MAXIMUM_LOOKASIDE_DEPTH 256

/* IRQL <= DISPATCH_LEVEL. Allocate and Free may be NULL for
 * ExAllocatePoolWithTag and ExFreePool. Flags are POOL_* modifiers ORed
 * into the NonPagedPool type; Depth is reserved and must be 0. Size is
 * rounded up to LOOKASIDE_MINIMUM_BLOCK_SIZE; no memory is allocated here. */
VOID NTAPI ExInitializeNPagedLookasideList(_Out_ PNPAGED_LOOKASIDE_LIST Lookaside,
                                           _In_opt_ PALLOCATE_FUNCTION Allocate,
                                           _In_opt_ PFREE_FUNCTION Free, _In_ ULONG Flags,
                                           _In_ SIZE_T Size, _In_ ULONG Tag, _In_ USHORT Depth);
/* IRQL <= DISPATCH_LEVEL. Frees every block the list holds. */
VOID NTAPI ExDeleteNPagedLookasideList(_Inout_ PNPAGED_LOOKASIDE_LIST Lookaside);
/* IRQL <= DISPATCH_LEVEL. A block of Lookaside->L.Size bytes, not zeroed,
 * or NULL when the list is empty and the pool is out of memory. */
PVOID NTAPI ExAllocateFromNPagedLookasideList(_Inout_ PNPAGED_LOOKASIDE_LIST Lookaside);
/* IRQL <= DISPATCH_LEVEL. Keeps Entry for the next allocation, or frees it
 * when the list already holds Depth blocks. */
VOID NTAPI ExFreeToNPagedLookasideList(_Inout_ PNPAGED_LOOKASIDE_LIST Lookaside,
                                       _In_ PVOID Entry);

#endif /* _KESTREL_DDK_EX_H */
