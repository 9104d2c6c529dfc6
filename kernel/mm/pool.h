/*
 * kernel/mm/pool.h - the non-paged pool, private to the kernel.
 *
 * The pool is built in three layers, each in its own file:
 *
 *   kernel/mm/expool.c    ExAllocatePool2 & co.: pool types and flags, the
 *                         system pool, the lock, the caller's address.
 *   kernel/mm/pool.c      the allocator: size classes, segments, quarantine.
 *   kernel/mm/poolcheck.c the checks and the crash reports they end in.
 *   kernel/mm/pooltag.c   per-tag accounting and the poolmon-like dump.
 *   kernel/mm/poolinit.c  ExInitializePoolSystem: binds the system pool to
 *                         the memory manager's pages (kernel build only).
 *
 * The allocator takes its pages through an EXP_POOL_PAGE_SOURCE, so that the
 * host unit tests (tests/host/pool.c) run it on pages from aligned_alloc and
 * the kernel on pages from MiAllocatePoolPages.
 *
 * Memory layout. The pool owns runs of pages called segments; each begins
 * with an EXP_POOL_SEGMENT. A small segment is one page cut into equal slots
 * of one size class; a large segment holds one block whose caller bytes
 * start on a page boundary. Every slot begins with a 64-byte EXP_POOL_HEADER
 * and the caller's bytes follow it, so every allocation is 64-byte aligned:
 *
 *   small segment (one page):
 *   +---------+------------------------+------------------------+---
 *   | segment | header | caller | guard | header | caller | guard | ...
 *   +---------+------------------------+------------------------+---
 *   large segment (N pages):
 *   +---------------------------+--------------------------------------+
 *   | segment    ...     header | caller bytes ...         | guard     |
 *   +---------------------------+--------------------------------------+
 *   page 0                       page 1 ...                     last page
 *
 * A slot's state (free, allocated, quarantined) is kept in its segment, out
 * of the caller's reach, so that a driver scribbling over a header cannot
 * turn a double free into a valid-looking one.
 */
#ifndef KESTREL_KERNEL_MM_POOL_H
#define KESTREL_KERNEL_MM_POOL_H

#include <wdm.h>

#define EXP_POOL_PAGE_SIZE 4096
#define EXP_POOL_PAGE_MASK (EXP_POOL_PAGE_SIZE - 1)

/* ---- The interface the rest of the kernel uses ---------------------------- */

/* Where the pool gets its pages: contiguous, mapped, read-write, 4 KiB
 * aligned. Allocate returns NULL when there are none. */
typedef struct _EXP_POOL_PAGE_SOURCE {
    PVOID (*AllocatePages)(PVOID Context, SIZE_T PageCount);
    VOID (*FreePages)(PVOID Context, PVOID Base, SIZE_T PageCount);
    PVOID Context;
} EXP_POOL_PAGE_SOURCE, *PEXP_POOL_PAGE_SOURCE;

/* What the pool knows about one tag (ExpQueryPoolTag). Bytes are the bytes
 * callers asked for, not counting headers and guards. */
typedef struct _EXP_POOL_TAG_INFO {
    ULONG Tag;
    ULONG Reserved;
    SIZE_T Allocations;
    SIZE_T Frees;
    SIZE_T BytesOutstanding;
} EXP_POOL_TAG_INFO, *PEXP_POOL_TAG_INFO;

/* Brings up the system's non-paged pool on MiAllocatePoolPages. Called once
 * from KiSystemStartup after MmInitSystem; before it, allocations fail. */
VOID ExInitializePoolSystem(VOID);

/* Accounting of the system pool, for tests and the driver-unload leak check.
 * Any IRQL. */
BOOLEAN ExpQueryPoolTag(ULONG Tag, PEXP_POOL_TAG_INFO Info);
SIZE_T ExpPoolBytesOutstanding(ULONG Tag);
/* Prints one line per tag in use (poolmon's columns) over DbgPrint. */
VOID ExpDumpPoolTags(VOID);

/* ---- The allocator's own structures --------------------------------------- */

#define EXP_POOL_HEADER_SIZE 64
#define EXP_POOL_SEGMENT_SIZE 192           /* bytes of page 0 a segment header takes */
#define EXP_POOL_MIN_GUARD 16               /* guard bytes every block has at least */
#define EXP_POOL_SIZE_CLASSES 12
#define EXP_POOL_MAX_SLOTS 30               /* 128-byte slots in a small segment */
#define EXP_POOL_LARGE 0xFF                 /* SizeClass of a large segment */
#define EXP_POOL_TAG_TABLE_SIZE 256         /* tags tracked; the rest count as 'Ovfl' */
#define EXP_POOL_QUARANTINE_SLOTS 256
#define EXP_POOL_DEFAULT_QUARANTINE_DEPTH 128
#define EXP_POOL_DEFAULT_QUARANTINE_BYTES (1024 * 1024)
/* Larger requests fail: they are surely a size computed from bad input. */
#define EXP_POOL_MAXIMUM_BYTES ((SIZE_T)1 << 31)

/* Fill patterns. Distinct bytes, so a dump says which one a byte is. */
#define EXP_POOL_CANARY_BYTE 0xCB           /* header bytes just before the caller's */
#define EXP_POOL_GUARD_BYTE 0xBD            /* after the caller's bytes */
#define EXP_POOL_POISON_BYTE 0xDF           /* every byte of a freed block */
#define EXP_POOL_SEGMENT_SIGNATURE 'gSoP'
#define EXP_POOL_SEGMENT_CANARY 0x5347455350534547ULL

#define EXP_POOL_CANARY_SIZE 32

/* The 64 bytes in front of every allocation. */
typedef struct _EXP_POOL_HEADER {
    ULONG Tag;                  /* the owner's tag; kept after free for reports */
    ULONG Reserved;
    SIZE_T NumberOfBytes;       /* what the caller asked for */
    PVOID AllocatedBy;          /* return address of the allocating call */
    PVOID FreedBy;              /* return address of the freeing call, once freed */
    UCHAR Canary[EXP_POOL_CANARY_SIZE]; /* all EXP_POOL_CANARY_BYTE: an underrun lands here */
} EXP_POOL_HEADER, *PEXP_POOL_HEADER;

typedef enum _EXP_POOL_SLOT_STATE {
    ExpSlotFree = 'F',          /* poisoned, ready for reuse */
    ExpSlotAllocated = 'A',
    ExpSlotQuarantined = 'Q',   /* freed, poisoned, not yet reusable */
} EXP_POOL_SLOT_STATE;

/* At the start of page 0 of every segment. */
typedef struct _EXP_POOL_SEGMENT {
    ULONG Signature;                        /* EXP_POOL_SEGMENT_SIGNATURE */
    UCHAR SizeClass;                        /* index, or EXP_POOL_LARGE */
    UCHAR Reserved[3];
    struct _EXP_POOL_SEGMENT *Next;         /* every segment of the pool */
    struct _EXP_POOL_SEGMENT *Previous;
    struct _EXP_POOL_SEGMENT *NextAvailable; /* segments of the class with a free slot */
    struct _EXP_POOL_SEGMENT *PreviousAvailable;
    SIZE_T PageCount;
    ULONG FirstSlotOffset;                  /* from the segment to slot 0's header */
    ULONG SlotSize;                         /* header + caller bytes + guard */
    ULONG SlotCount;
    ULONG FreeCount;                        /* slots in ExpSlotFree */
    UCHAR SlotState[EXP_POOL_MAX_SLOTS + 2];
    ULONG64 Canary;                         /* EXP_POOL_SEGMENT_CANARY */
} EXP_POOL_SEGMENT, *PEXP_POOL_SEGMENT;

typedef struct _EXP_POOL_SIZE_CLASS {
    ULONG SlotSize;
    ULONG SlotCount;
    PEXP_POOL_SEGMENT Available;            /* segments with a free slot */
    ULONG AvailableCount;
} EXP_POOL_SIZE_CLASS;

/* One pool: the system has one (ExpNonPagedPool); host tests make their own. */
typedef struct _EXP_POOL {
    BOOLEAN Initialized;
    EXP_POOL_PAGE_SOURCE Source;
    PEXP_POOL_SEGMENT Segments;
    EXP_POOL_SIZE_CLASS Classes[EXP_POOL_SIZE_CLASSES];
    SIZE_T SegmentCount;
    SIZE_T PagesInUse;
    /* The quarantine: a FIFO ring of freed blocks not yet reusable. */
    PEXP_POOL_HEADER Quarantine[EXP_POOL_QUARANTINE_SLOTS];
    ULONG QuarantineHead;                   /* oldest entry */
    ULONG QuarantineCount;
    SIZE_T QuarantineBytes;
    ULONG QuarantineDepth;                  /* limits; see ExpSetQuarantineLimits */
    SIZE_T QuarantineByteLimit;
    EXP_POOL_TAG_INFO Tags[EXP_POOL_TAG_TABLE_SIZE];
    EXP_POOL_TAG_INFO OverflowTag;          /* tags that found no room: 'Ovfl' */
} EXP_POOL, *PEXP_POOL;

extern EXP_POOL ExpNonPagedPool;

/* kernel/mm/pool.c. The caller holds the pool lock. Caller is the return
 * address of the driver's call, recorded for reports. */
VOID ExpInitializePool(PEXP_POOL Pool, const EXP_POOL_PAGE_SOURCE *Source);
VOID ExpDestroyPool(PEXP_POOL Pool);
VOID ExpSetQuarantineLimits(PEXP_POOL Pool, ULONG Depth, SIZE_T Bytes);
VOID ExpDrainQuarantine(PEXP_POOL Pool);
PVOID ExpAllocate(PEXP_POOL Pool, SIZE_T NumberOfBytes, ULONG Tag, PVOID Caller);
VOID ExpFree(PEXP_POOL Pool, PVOID P, ULONG Tag, BOOLEAN CheckTag, PVOID Caller);
PEXP_POOL_SEGMENT ExpFindSegment(PEXP_POOL Pool, const VOID *Address);

static inline PEXP_POOL_HEADER
ExpSlotHeader(PEXP_POOL_SEGMENT Segment, ULONG Slot)
{
    return (PEXP_POOL_HEADER)((PUCHAR)Segment + Segment->FirstSlotOffset +
                              (SIZE_T)Slot * Segment->SlotSize);
}

/* The caller's bytes of a slot and where the slot ends. */
static inline PUCHAR
ExpSlotData(PEXP_POOL_HEADER Header)
{
    return (PUCHAR)Header + EXP_POOL_HEADER_SIZE;
}

static inline SIZE_T
ExpSlotCapacity(PEXP_POOL_SEGMENT Segment)
{
    return Segment->SlotSize - EXP_POOL_HEADER_SIZE;
}

/* kernel/mm/poolcheck.c: each check returns only when all is well, else
 * prints what is wrong (tag, caller) and stops the machine. */
PEXP_POOL_HEADER ExpCheckFreeAddress(PEXP_POOL Pool, PVOID P, ULONG Tag, PVOID Caller,
                                     PEXP_POOL_SEGMENT *Segment, PULONG Slot);
VOID ExpCheckSegment(PEXP_POOL_SEGMENT Segment, PVOID Caller);
VOID ExpCheckAllocatedBlock(PEXP_POOL_SEGMENT Segment, ULONG Slot, PVOID P, ULONG Tag,
                            BOOLEAN CheckTag, PVOID Caller);
VOID ExpCheckPoison(PEXP_POOL_SEGMENT Segment, PEXP_POOL_HEADER Header);
VOID ExpFillCanary(PEXP_POOL_HEADER Header);
/* Writes the tag as four characters (its bytes in memory order) and a NUL. */
VOID ExpFormatTag(ULONG Tag, CHAR Text[5]);

/* kernel/mm/pooltag.c. */
VOID ExpTagAllocated(PEXP_POOL Pool, ULONG Tag, SIZE_T NumberOfBytes);
VOID ExpTagFreed(PEXP_POOL Pool, ULONG Tag, SIZE_T NumberOfBytes);
BOOLEAN ExpQueryPoolTagOf(PEXP_POOL Pool, ULONG Tag, PEXP_POOL_TAG_INFO Info);
VOID ExpDumpPoolTagsOf(PEXP_POOL Pool);

/*
 * The pool lock. Kestrel has no IRQL and no spin locks yet; until it does,
 * the pool is protected the way a uniprocessor kernel protects data an
 * interrupt handler might also touch: interrupts are off while the pool is
 * changed, and restored to what they were afterwards (so the pair nests and
 * works during boot, when they are off already). When KeAcquireSpinLock
 * exists these two become a spin lock raised to DISPATCH_LEVEL. On the host
 * there are no interrupts and the pair does nothing.
 */
static inline ULONG_PTR
ExpAcquirePoolLock(VOID)
{
#ifdef KESTREL_HOST_TEST
    return 0;
#else
    ULONG_PTR Flags;

    __asm__ __volatile__("pushfq; popq %0; cli" : "=r"(Flags) : : "memory");
    return Flags;
#endif
}

static inline VOID
ExpReleasePoolLock(ULONG_PTR Flags)
{
#ifdef KESTREL_HOST_TEST
    (VOID)Flags;
#else
    __asm__ __volatile__("pushq %0; popfq" : : "r"(Flags) : "memory", "cc");
#endif
}

#endif /* KESTREL_KERNEL_MM_POOL_H */
