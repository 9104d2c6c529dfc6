/*
 * kernel/mm/pooltag.c - who holds how much pool: per-tag accounting.
 *
 * Every allocation and free is counted against its tag, as Windows' pool
 * tracking does for poolmon and !poolused: allocations, frees and the bytes
 * still outstanding (bytes callers asked for, not counting headers and
 * guards). Tests read the numbers back with ExpQueryPoolTag; the I/O
 * manager's unload check asks ExpPoolBytesOutstanding whether a driver left
 * its tags behind.
 *
 * The table is a fixed open-addressed hash: the pool cannot allocate memory
 * to track its own allocations. A tag is entered on first use and stays, so
 * a tag that found the table full is counted under 'Ovfl' for good (as
 * Windows' tracker does) and its numbers stay consistent.
 */
#include "kernel/mm/pool.h"

static PEXP_POOL_TAG_INFO
ExpLookupTag(PEXP_POOL Pool, ULONG Tag, BOOLEAN Insert)
{
    /* Fibonacci hashing spreads tags that differ in one letter. */
    ULONG Index = (ULONG)((Tag * 2654435761U) >> 24) % EXP_POOL_TAG_TABLE_SIZE;
    ULONG Probe;

    for (Probe = 0; Probe < EXP_POOL_TAG_TABLE_SIZE; Probe++) {
        PEXP_POOL_TAG_INFO Entry = &Pool->Tags[(Index + Probe) % EXP_POOL_TAG_TABLE_SIZE];

        if (Entry->Tag == Tag) {
            return Entry;
        }
        if (Entry->Tag == 0) {
            if (!Insert) {
                return NULL;
            }
            Entry->Tag = Tag;
            return Entry;
        }
    }
    return Insert ? &Pool->OverflowTag : NULL;
}

VOID
ExpTagAllocated(PEXP_POOL Pool, ULONG Tag, SIZE_T NumberOfBytes)
{
    PEXP_POOL_TAG_INFO Entry = ExpLookupTag(Pool, Tag, TRUE);

    Entry->Allocations++;
    Entry->BytesOutstanding += NumberOfBytes;
}

VOID
ExpTagFreed(PEXP_POOL Pool, ULONG Tag, SIZE_T NumberOfBytes)
{
    PEXP_POOL_TAG_INFO Entry = ExpLookupTag(Pool, Tag, FALSE);

    if (Entry == NULL) {
        Entry = &Pool->OverflowTag;
    }
    Entry->Frees++;
    Entry->BytesOutstanding -= NumberOfBytes;
}

/* Copies Tag's numbers into Info; FALSE (and zeroes) if the tag was never used. */
BOOLEAN
ExpQueryPoolTagOf(PEXP_POOL Pool, ULONG Tag, PEXP_POOL_TAG_INFO Info)
{
    PEXP_POOL_TAG_INFO Entry = Tag != 0 ? ExpLookupTag(Pool, Tag, FALSE) : NULL;

    if (Entry == NULL) {
        __builtin_memset(Info, 0, sizeof(*Info));
        Info->Tag = Tag;
        return FALSE;
    }
    *Info = *Entry;
    return TRUE;
}

static VOID
ExpPrintTagLine(const EXP_POOL_TAG_INFO *Entry)
{
    CHAR Text[5];

    ExpFormatTag(Entry->Tag, Text);
    DbgPrint(" %s  %10llu %10llu %10llu %12llu\n", Text, Entry->Allocations, Entry->Frees,
             Entry->Allocations - Entry->Frees, Entry->BytesOutstanding);
}

/* poolmon's view: one line per tag ever used. */
VOID
ExpDumpPoolTagsOf(PEXP_POOL Pool)
{
    ULONG Index;

    DbgPrint("Non-paged pool: %llu pages in %llu segments, %u blocks (%llu bytes) in quarantine\n",
             Pool->PagesInUse, Pool->SegmentCount, Pool->QuarantineCount, Pool->QuarantineBytes);
    DbgPrint(" Tag       Allocs      Frees       Diff        Bytes\n");
    for (Index = 0; Index < EXP_POOL_TAG_TABLE_SIZE; Index++) {
        if (Pool->Tags[Index].Tag != 0) {
            ExpPrintTagLine(&Pool->Tags[Index]);
        }
    }
    if (Pool->OverflowTag.Allocations != 0) {
        ExpPrintTagLine(&Pool->OverflowTag);
    }
}

/* The system pool's numbers, under the pool lock. Any IRQL. */
BOOLEAN
ExpQueryPoolTag(ULONG Tag, PEXP_POOL_TAG_INFO Info)
{
    ULONG_PTR Flags = ExpAcquirePoolLock();
    BOOLEAN Found = ExpQueryPoolTagOf(&ExpNonPagedPool, Tag, Info);

    ExpReleasePoolLock(Flags);
    return Found;
}

SIZE_T
ExpPoolBytesOutstanding(ULONG Tag)
{
    EXP_POOL_TAG_INFO Info;

    ExpQueryPoolTag(Tag, &Info);
    return Info.BytesOutstanding;
}

VOID
ExpDumpPoolTags(VOID)
{
    ULONG_PTR Flags = ExpAcquirePoolLock();

    ExpDumpPoolTagsOf(&ExpNonPagedPool);
    ExpReleasePoolLock(Flags);
}
