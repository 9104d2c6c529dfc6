/*
 * kernel/mm/pool.c - the pool allocator: size classes, segments, quarantine.
 *
 * A request is served from the smallest size class whose slot holds the
 * 64-byte header, the caller's bytes and at least EXP_POOL_MIN_GUARD guard
 * bytes; a request too big for any class gets a large segment of its own,
 * with the caller's bytes starting on a page boundary (the layout picture is
 * in kernel/mm/pool.h). A small segment is one page, so a small block never
 * crosses a page boundary, as the WDK promises.
 *
 * A freed block is filled with poison and put at the tail of the quarantine,
 * a FIFO of recently freed blocks, instead of being reused at once. Only
 * when it leaves the quarantine (pushed out by newer frees, or drained when
 * memory runs short) does it become free again, and the poison is checked
 * then and once more when the slot is handed out: a driver that writes
 * through a stale pointer is caught while the evidence is fresh.
 *
 * Pure logic: the pages come from the pool's page source, and the caller
 * (kernel/mm/expool.c) holds the pool lock around every entry point.
 */
#include "kernel/mm/pool.h"

_Static_assert(sizeof(EXP_POOL_HEADER) == EXP_POOL_HEADER_SIZE, "pool header is 64 bytes");
_Static_assert(sizeof(EXP_POOL_SEGMENT) <= EXP_POOL_SEGMENT_SIZE, "segment header too big");
_Static_assert(EXP_POOL_SEGMENT_SIZE % EXP_POOL_HEADER_SIZE == 0, "slots stay 64-byte aligned");

/* Slots per page of each size class, largest count (smallest slot) first.
 * The slot size follows from the count: the usable part of the page divided
 * evenly, rounded down to 64 bytes so that every slot stays aligned. */
static const UCHAR ExpSlotsPerPage[EXP_POOL_SIZE_CLASSES] = {30, 20, 15, 12, 10, 8,
                                                             6,  5,  4,  3,  2,  1};

#define EXP_POOL_USABLE (EXP_POOL_PAGE_SIZE - EXP_POOL_SEGMENT_SIZE)

VOID
ExpInitializePool(PEXP_POOL Pool, const EXP_POOL_PAGE_SOURCE *Source)
{
    ULONG Index;

    __builtin_memset(Pool, 0, sizeof(*Pool));
    Pool->Source = *Source;
    for (Index = 0; Index < EXP_POOL_SIZE_CLASSES; Index++) {
        ULONG SlotSize = (EXP_POOL_USABLE / ExpSlotsPerPage[Index]) & ~(ULONG)63;

        Pool->Classes[Index].SlotSize = SlotSize;
        Pool->Classes[Index].SlotCount = EXP_POOL_USABLE / SlotSize;
    }
    Pool->QuarantineDepth = EXP_POOL_DEFAULT_QUARANTINE_DEPTH;
    Pool->QuarantineByteLimit = EXP_POOL_DEFAULT_QUARANTINE_BYTES;
    Pool->OverflowTag.Tag = 'lfvO';
    Pool->Initialized = TRUE;
}

/* The allocator's lists are plain pointer pairs: they live inside pages the
 * pool owns and must not depend on anything outside it. */
static VOID
ExpMakeAvailable(PEXP_POOL Pool, PEXP_POOL_SEGMENT Segment)
{
    EXP_POOL_SIZE_CLASS *Class = &Pool->Classes[Segment->SizeClass];

    Segment->PreviousAvailable = NULL;
    Segment->NextAvailable = Class->Available;
    if (Class->Available != NULL) {
        Class->Available->PreviousAvailable = Segment;
    }
    Class->Available = Segment;
    Class->AvailableCount++;
}

static VOID
ExpMakeUnavailable(PEXP_POOL Pool, PEXP_POOL_SEGMENT Segment)
{
    EXP_POOL_SIZE_CLASS *Class = &Pool->Classes[Segment->SizeClass];

    if (Segment->PreviousAvailable != NULL) {
        Segment->PreviousAvailable->NextAvailable = Segment->NextAvailable;
    } else {
        Class->Available = Segment->NextAvailable;
    }
    if (Segment->NextAvailable != NULL) {
        Segment->NextAvailable->PreviousAvailable = Segment->PreviousAvailable;
    }
    Segment->NextAvailable = Segment->PreviousAvailable = NULL;
    Class->AvailableCount--;
}

/* Takes PageCount pages from the source and lays a segment header on them.
 * A small segment's slots start free: header canary set, bytes poisoned, so
 * that "a free slot is all poison" holds from the start. */
static PEXP_POOL_SEGMENT
ExpCreateSegment(PEXP_POOL Pool, SIZE_T PageCount, UCHAR SizeClass)
{
    PEXP_POOL_SEGMENT Segment;
    ULONG Slot;

    Segment = Pool->Source.AllocatePages(Pool->Source.Context, PageCount);
    if (Segment == NULL) {
        return NULL;
    }
    __builtin_memset(Segment, 0, sizeof(*Segment));
    Segment->Signature = EXP_POOL_SEGMENT_SIGNATURE;
    Segment->SizeClass = SizeClass;
    Segment->PageCount = PageCount;
    Segment->Canary = EXP_POOL_SEGMENT_CANARY;
    if (SizeClass == EXP_POOL_LARGE) {
        Segment->FirstSlotOffset = EXP_POOL_PAGE_SIZE - EXP_POOL_HEADER_SIZE;
        Segment->SlotSize = (ULONG)(PageCount * EXP_POOL_PAGE_SIZE - Segment->FirstSlotOffset);
        Segment->SlotCount = 1;
    } else {
        Segment->FirstSlotOffset = EXP_POOL_SEGMENT_SIZE;
        Segment->SlotSize = Pool->Classes[SizeClass].SlotSize;
        Segment->SlotCount = Pool->Classes[SizeClass].SlotCount;
        Segment->FreeCount = Segment->SlotCount;
        for (Slot = 0; Slot < Segment->SlotCount; Slot++) {
            PEXP_POOL_HEADER Header = ExpSlotHeader(Segment, Slot);

            __builtin_memset(Header, 0, EXP_POOL_HEADER_SIZE);
            ExpFillCanary(Header);
            __builtin_memset(ExpSlotData(Header), EXP_POOL_POISON_BYTE, ExpSlotCapacity(Segment));
            Segment->SlotState[Slot] = ExpSlotFree;
        }
        ExpMakeAvailable(Pool, Segment);
    }
    Segment->Next = Pool->Segments;
    if (Pool->Segments != NULL) {
        Pool->Segments->Previous = Segment;
    }
    Pool->Segments = Segment;
    Pool->SegmentCount++;
    Pool->PagesInUse += PageCount;
    return Segment;
}

static VOID
ExpReleaseSegment(PEXP_POOL Pool, PEXP_POOL_SEGMENT Segment)
{
    if (Segment->SizeClass != EXP_POOL_LARGE && Segment->FreeCount != 0) {
        ExpMakeUnavailable(Pool, Segment);
    }
    if (Segment->Previous != NULL) {
        Segment->Previous->Next = Segment->Next;
    } else {
        Pool->Segments = Segment->Next;
    }
    if (Segment->Next != NULL) {
        Segment->Next->Previous = Segment->Previous;
    }
    Pool->SegmentCount--;
    Pool->PagesInUse -= Segment->PageCount;
    /* A stale pointer into these pages must not find a valid signature. */
    Segment->Signature = 0;
    Pool->Source.FreePages(Pool->Source.Context, Segment, Segment->PageCount);
}

/* Gives every page back without checking anything: for host tests that end
 * a pool (possibly after a planted bug stopped it halfway). */
VOID
ExpDestroyPool(PEXP_POOL Pool)
{
    while (Pool->Segments != NULL) {
        PEXP_POOL_SEGMENT Segment = Pool->Segments;

        Pool->Segments = Segment->Next;
        Segment->Signature = 0;
        Pool->Source.FreePages(Pool->Source.Context, Segment, Segment->PageCount);
    }
    __builtin_memset(Pool, 0, sizeof(*Pool));
}

PEXP_POOL_SEGMENT
ExpFindSegment(PEXP_POOL Pool, const VOID *Address)
{
    PEXP_POOL_SEGMENT Segment;
    ULONG_PTR Target = (ULONG_PTR)Address;

    for (Segment = Pool->Segments; Segment != NULL; Segment = Segment->Next) {
        ULONG_PTR Base = (ULONG_PTR)Segment;

        if (Target >= Base && Target - Base < Segment->PageCount * EXP_POOL_PAGE_SIZE) {
            return Segment;
        }
    }
    return NULL;
}

/* Moves the oldest quarantined block to the free state (checking that its
 * poison is intact), and returns its memory when nothing else uses it. */
static VOID
ExpReleaseOldestQuarantined(PEXP_POOL Pool)
{
    PEXP_POOL_HEADER Header = Pool->Quarantine[Pool->QuarantineHead];
    PEXP_POOL_SEGMENT Segment = ExpFindSegment(Pool, Header);
    ULONG Slot;

    Pool->QuarantineHead = (Pool->QuarantineHead + 1) % EXP_POOL_QUARANTINE_SLOTS;
    Pool->QuarantineCount--;
    ExpCheckPoison(Segment, Header);
    if (Segment->SizeClass == EXP_POOL_LARGE) {
        Pool->QuarantineBytes -= Segment->PageCount * EXP_POOL_PAGE_SIZE;
        ExpReleaseSegment(Pool, Segment);
        return;
    }
    Pool->QuarantineBytes -= Segment->SlotSize;
    Slot = (ULONG)(((PUCHAR)Header - (PUCHAR)ExpSlotHeader(Segment, 0)) / Segment->SlotSize);
    Segment->SlotState[Slot] = ExpSlotFree;
    if (++Segment->FreeCount == 1) {
        ExpMakeAvailable(Pool, Segment);
    }
    /* An empty page goes back to the source, unless it is the class's only
     * page with room: keeping one spare avoids churn on alloc/free loops.
     * Every slot is checked once more, so nothing written to free memory
     * leaves the pool unnoticed. */
    if (Segment->FreeCount == Segment->SlotCount &&
        Pool->Classes[Segment->SizeClass].AvailableCount > 1) {
        for (Slot = 0; Slot < Segment->SlotCount; Slot++) {
            ExpCheckPoison(Segment, ExpSlotHeader(Segment, Slot));
        }
        ExpReleaseSegment(Pool, Segment);
    }
}

VOID
ExpDrainQuarantine(PEXP_POOL Pool)
{
    while (Pool->QuarantineCount != 0) {
        ExpReleaseOldestQuarantined(Pool);
    }
}

static VOID
ExpTrimQuarantine(PEXP_POOL Pool)
{
    while (Pool->QuarantineCount > Pool->QuarantineDepth ||
           (Pool->QuarantineCount != 0 && Pool->QuarantineBytes > Pool->QuarantineByteLimit)) {
        ExpReleaseOldestQuarantined(Pool);
    }
}

/* Depth 0 turns the quarantine off (a freed block is checked and reused at
 * once). The ring must have room for one block more than the depth: a free
 * adds its block before the oldest one is pushed out. */
VOID
ExpSetQuarantineLimits(PEXP_POOL Pool, ULONG Depth, SIZE_T Bytes)
{
    Pool->QuarantineDepth =
        Depth < EXP_POOL_QUARANTINE_SLOTS - 1 ? Depth : EXP_POOL_QUARANTINE_SLOTS - 1;
    Pool->QuarantineByteLimit = Bytes;
    ExpTrimQuarantine(Pool);
}

/* Fills in a slot for its new owner. The caller's bytes keep the poison
 * (ExpAllocate's caller zeroes them when asked to); the bytes after them, up
 * to the end of the slot, become guard bytes checked at free time. */
static PVOID
ExpHandOut(PEXP_POOL Pool, PEXP_POOL_SEGMENT Segment, ULONG Slot, SIZE_T NumberOfBytes,
           ULONG Tag, PVOID Caller)
{
    PEXP_POOL_HEADER Header = ExpSlotHeader(Segment, Slot);
    PUCHAR Data = ExpSlotData(Header);

    Segment->SlotState[Slot] = ExpSlotAllocated;
    Header->Tag = Tag;
    Header->Reserved = 0;
    Header->NumberOfBytes = NumberOfBytes;
    Header->AllocatedBy = Caller;
    Header->FreedBy = NULL;
    __builtin_memset(Data + NumberOfBytes, EXP_POOL_GUARD_BYTE,
                     ExpSlotCapacity(Segment) - NumberOfBytes);
    ExpTagAllocated(Pool, Tag, NumberOfBytes);
    return Data;
}

static PVOID
ExpAllocateSmall(PEXP_POOL Pool, UCHAR SizeClass, SIZE_T NumberOfBytes, ULONG Tag, PVOID Caller)
{
    PEXP_POOL_SEGMENT Segment = Pool->Classes[SizeClass].Available;
    ULONG Slot;

    if (Segment == NULL) {
        Segment = ExpCreateSegment(Pool, 1, SizeClass);
        if (Segment == NULL) {
            /* Memory is short: the quarantine gives back what it holds. */
            ExpDrainQuarantine(Pool);
            Segment = Pool->Classes[SizeClass].Available;
            if (Segment == NULL) {
                Segment = ExpCreateSegment(Pool, 1, SizeClass);
            }
            if (Segment == NULL) {
                return NULL;
            }
        }
    }
    ExpCheckSegment(Segment, Caller);
    for (Slot = 0; Segment->SlotState[Slot] != ExpSlotFree; Slot++) {
    }
    ExpCheckPoison(Segment, ExpSlotHeader(Segment, Slot));
    if (--Segment->FreeCount == 0) {
        ExpMakeUnavailable(Pool, Segment);
    }
    return ExpHandOut(Pool, Segment, Slot, NumberOfBytes, Tag, Caller);
}

static PVOID
ExpAllocateLarge(PEXP_POOL Pool, SIZE_T NumberOfBytes, ULONG Tag, PVOID Caller)
{
    /* Page 0 holds the segment and the header; the caller's bytes start
     * on page 1 and at least EXP_POOL_MIN_GUARD bytes of guard follow. */
    SIZE_T PageCount =
        1 + (NumberOfBytes + EXP_POOL_MIN_GUARD + EXP_POOL_PAGE_MASK) / EXP_POOL_PAGE_SIZE;
    PEXP_POOL_SEGMENT Segment = ExpCreateSegment(Pool, PageCount, EXP_POOL_LARGE);
    PEXP_POOL_HEADER Header;

    if (Segment == NULL) {
        ExpDrainQuarantine(Pool);
        Segment = ExpCreateSegment(Pool, PageCount, EXP_POOL_LARGE);
        if (Segment == NULL) {
            return NULL;
        }
    }
    Header = ExpSlotHeader(Segment, 0);
    __builtin_memset(Header, 0, EXP_POOL_HEADER_SIZE);
    ExpFillCanary(Header);
    return ExpHandOut(Pool, Segment, 0, NumberOfBytes, Tag, Caller);
}

/* Returns NumberOfBytes of pool (contents undefined: poison) or NULL when
 * the page source is exhausted. NumberOfBytes may be 0. */
PVOID
ExpAllocate(PEXP_POOL Pool, SIZE_T NumberOfBytes, ULONG Tag, PVOID Caller)
{
    SIZE_T Needed;
    UCHAR SizeClass;

    if (NumberOfBytes > EXP_POOL_MAXIMUM_BYTES) {
        return NULL;
    }
    Needed = EXP_POOL_HEADER_SIZE + NumberOfBytes + EXP_POOL_MIN_GUARD;
    for (SizeClass = 0; SizeClass < EXP_POOL_SIZE_CLASSES; SizeClass++) {
        if (Needed <= Pool->Classes[SizeClass].SlotSize) {
            return ExpAllocateSmall(Pool, SizeClass, NumberOfBytes, Tag, Caller);
        }
    }
    return ExpAllocateLarge(Pool, NumberOfBytes, Tag, Caller);
}

/* Frees P after checking it thoroughly (kernel/mm/poolcheck.c); Tag is
 * compared with the allocation's only when CheckTag is set. */
VOID
ExpFree(PEXP_POOL Pool, PVOID P, ULONG Tag, BOOLEAN CheckTag, PVOID Caller)
{
    PEXP_POOL_SEGMENT Segment;
    PEXP_POOL_HEADER Header;
    ULONG Slot;

    Header = ExpCheckFreeAddress(Pool, P, Tag, Caller, &Segment, &Slot);
    ExpCheckAllocatedBlock(Segment, Slot, P, Tag, CheckTag, Caller);
    ExpTagFreed(Pool, Header->Tag, Header->NumberOfBytes);

    Header->FreedBy = Caller;
    __builtin_memset(P, EXP_POOL_POISON_BYTE, ExpSlotCapacity(Segment));
    Segment->SlotState[Slot] = ExpSlotQuarantined;
    Pool->Quarantine[(Pool->QuarantineHead + Pool->QuarantineCount) % EXP_POOL_QUARANTINE_SLOTS] =
        Header;
    Pool->QuarantineCount++;
    Pool->QuarantineBytes += Segment->SizeClass == EXP_POOL_LARGE
                                 ? Segment->PageCount * EXP_POOL_PAGE_SIZE
                                 : Segment->SlotSize;
    ExpTrimQuarantine(Pool);
}
