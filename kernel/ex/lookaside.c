/*
 * kernel/ex/lookaside.c - non-paged lookaside lists (ExInitializeNPagedLookasideList
 * and co., declared in include/ddk/ex.h).
 *
 * A lookaside list is a stack of free blocks of one size. Allocation pops
 * the most recently freed block, so a block that is freed and allocated
 * again comes back warm in the cache and without a trip through the pool;
 * only when the stack is empty does the list call its Allocate routine,
 * and only when it already holds Depth blocks does a free reach the pool.
 * The I/O manager keeps its IRPs on two of these (io/irp.c).
 *
 * The free blocks are chained through their own first bytes (an
 * SLIST_ENTRY), so a list costs no memory beyond the blocks it keeps. The
 * head is the WDK's x64 SLIST_HEADER: the first block's address >> 4 (blocks
 * are 16-byte aligned), the number of blocks, and a sequence number that
 * every change bumps. Kestrel runs on one
 * processor: a push or pop runs with interrupts off, which makes it atomic
 * against the ISRs and DPCs that may use the same list, for a handful of
 * instructions. With more processors this becomes the WDK's interlocked
 * SLIST (cmpxchg16b on ListHead, which the header already has room for).
 */
#include <wdm.h>

/* Interrupts off, the old RFLAGS returned; restored by ExpRestoreInterrupts. */
static inline ULONG_PTR
ExpDisableInterrupts(VOID)
{
    ULONG_PTR Flags;

    __asm__ __volatile__("pushfq; popq %0; cli" : "=r"(Flags) : : "memory");
    return Flags;
}

static inline VOID
ExpRestoreInterrupts(ULONG_PTR Flags)
{
    __asm__ __volatile__("pushq %0; popfq" : : "r"(Flags) : "memory", "cc");
}

/* With interrupts off: the SLIST_HEADER's push and pop. */
static inline VOID
ExpPushEntry(PSLIST_HEADER Head, PSLIST_ENTRY Entry)
{
    Entry->Next = (PSLIST_ENTRY)(ULONG_PTR)((ULONGLONG)Head->HeaderX64.NextEntry << 4);
    Head->HeaderX64.NextEntry = (ULONG_PTR)Entry >> 4;
    Head->HeaderX64.Depth++;
    Head->HeaderX64.Sequence++;
}

static inline PSLIST_ENTRY
ExpPopEntry(PSLIST_HEADER Head)
{
    PSLIST_ENTRY Entry = (PSLIST_ENTRY)(ULONG_PTR)((ULONGLONG)Head->HeaderX64.NextEntry << 4);

    if (Entry != NULL) {
        Head->HeaderX64.NextEntry = (ULONG_PTR)Entry->Next >> 4;
        Head->HeaderX64.Depth--;
        Head->HeaderX64.Sequence++;
    }
    return Entry;
}

/* The allocator a list uses when its owner names none. */
static PVOID NTAPI
ExpLookasideAllocate(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    return ExAllocatePoolWithTag(PoolType, NumberOfBytes, Tag);
}

static VOID NTAPI
ExpLookasideFree(PVOID Buffer)
{
    ExFreePool(Buffer);
}

/* Any IRQL <= DISPATCH_LEVEL; touches nothing but *Lookaside. */
VOID NTAPI
ExInitializeNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside, PALLOCATE_FUNCTION Allocate,
                                PFREE_FUNCTION Free, ULONG Flags, SIZE_T Size, ULONG Tag,
                                USHORT Depth)
{
    PGENERAL_LOOKASIDE L = &Lookaside->L;

    if (Depth != 0) {
        DbgPrint("ExInitializeNPagedLookasideList: Depth %u ignored: it is reserved and must "
                 "be 0 (the list keeps up to %u free blocks)\n", Depth, EX_LOOKASIDE_DEPTH);
    }
    RtlZeroMemory(Lookaside, sizeof(*Lookaside));
    if (Size < LOOKASIDE_MINIMUM_BLOCK_SIZE) {
        /* A free block holds the link to the next one. */
        Size = LOOKASIDE_MINIMUM_BLOCK_SIZE;
    }
    L->Depth = EX_LOOKASIDE_DEPTH;
    L->MaximumDepth = EX_MAXIMUM_LOOKASIDE_DEPTH;
    L->Type = (POOL_TYPE)(NonPagedPool | Flags);
    L->Tag = Tag;
    L->Size = (ULONG)Size;
    L->Allocate = Allocate != NULL ? Allocate : ExpLookasideAllocate;
    L->Free = Free != NULL ? Free : ExpLookasideFree;
    InitializeListHead(&L->ListEntry);
}

/* IRQL <= DISPATCH_LEVEL. The list must no longer be in use. */
VOID NTAPI
ExDeleteNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside)
{
    PGENERAL_LOOKASIDE L = &Lookaside->L;
    PSLIST_ENTRY Entry;
    ULONG_PTR Flags;

    for (;;) {
        Flags = ExpDisableInterrupts();
        Entry = ExpPopEntry(&L->ListHead);
        ExpRestoreInterrupts(Flags);
        if (Entry == NULL) {
            break;
        }
        L->Free(Entry);
    }
}

/* IRQL <= DISPATCH_LEVEL. A pop; the pool only when the list is empty. */
PVOID NTAPI
ExAllocateFromNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside)
{
    PGENERAL_LOOKASIDE L = &Lookaside->L;
    PSLIST_ENTRY Entry;
    ULONG_PTR Flags;

    Flags = ExpDisableInterrupts();
    L->TotalAllocates++;
    Entry = ExpPopEntry(&L->ListHead);
    if (Entry == NULL) {
        L->AllocateMisses++;
    }
    ExpRestoreInterrupts(Flags);
    if (Entry == NULL) {
        return L->Allocate(L->Type, L->Size, L->Tag);
    }
    return Entry;
}

/* IRQL <= DISPATCH_LEVEL. A push; the pool only when the list is full. */
VOID NTAPI
ExFreeToNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside, PVOID Entry)
{
    PGENERAL_LOOKASIDE L = &Lookaside->L;
    BOOLEAN Kept = FALSE;
    ULONG_PTR Flags;

    if (((ULONG_PTR)Entry & (sizeof(SLIST_ENTRY) - 1)) != 0) {
        /* Not a block this list handed out (those are 16-byte aligned):
         * the pool's own checks will say what it is. */
        DbgPrint("ExFreeToNPagedLookasideList: %p is not 16-byte aligned, so it did not come "
                 "from the list of tag 0x%08x; freeing it to the pool\n", Entry, L->Tag);
        L->Free(Entry);
        return;
    }
    Flags = ExpDisableInterrupts();
    L->TotalFrees++;
    if (L->ListHead.HeaderX64.Depth < L->Depth) {
        ExpPushEntry(&L->ListHead, (PSLIST_ENTRY)Entry);
        Kept = TRUE;
    } else {
        L->FreeMisses++;
    }
    ExpRestoreInterrupts(Flags);
    if (!Kept) {
        /* Full: back to the pool, as a free on Windows' saturated list. */
        L->Free(Entry);
    }
}
