/*
 * tests/kernel/pool.c - the non-paged pool inside the running kernel, on
 * pages from MiAllocatePoolPages: ordinary use and per-tag numbers, and one
 * planted bug per check the pool makes (each must end in its bugcheck; see
 * kernel/mm/poolcheck.c for the codes).
 */
#include "tests/kernel/ktest.h"
#include "kernel/mm/pool.h"

/* Tags only these tests use, so that the numbers are theirs alone. */
#define KT_POOL_TAG 'tKlP'
#define KT_POOL_BUG_TAG 'gBlP'

KTEST(PoolSizesAndAlignment)
{
    static const SIZE_T Sizes[] = {0, 1, 17, 64, 100, 500, 1000, 2000, 3824, 3825, 4095, 4096,
                                   4097, 10000, 65536};
    PUCHAR Blocks[RTL_NUMBER_OF(Sizes)];
    ULONG Index;
    SIZE_T Byte;

    for (Index = 0; Index < RTL_NUMBER_OF(Sizes); Index++) {
        Blocks[Index] = ExAllocatePoolWithTag(NonPagedPoolNx, Sizes[Index], KT_POOL_TAG);
        KT_ASSERT(Blocks[Index] != NULL);
        KT_ASSERT_EQ((ULONG_PTR)Blocks[Index] % 64, 0);
        if (Sizes[Index] >= EXP_POOL_PAGE_SIZE) {
            KT_ASSERT_EQ((ULONG_PTR)Blocks[Index] % EXP_POOL_PAGE_SIZE, 0);
        }
        for (Byte = 0; Byte < Sizes[Index]; Byte++) {
            Blocks[Index][Byte] = (UCHAR)(Index + Byte);
        }
    }
    for (Index = 0; Index < RTL_NUMBER_OF(Sizes); Index++) {
        for (Byte = 0; Byte < Sizes[Index]; Byte++) {
            KT_ASSERT_EQ(Blocks[Index][Byte], (UCHAR)(Index + Byte));
        }
        ExFreePoolWithTag(Blocks[Index], KT_POOL_TAG);
    }
}

KTEST(PoolTagCounts)
{
    EXP_POOL_TAG_INFO Before, After;
    PVOID First, Second;

    ExpQueryPoolTag(KT_POOL_TAG, &Before);
    First = ExAllocatePoolWithTag(NonPagedPool, 40, KT_POOL_TAG);
    Second = ExAllocatePool2(POOL_FLAG_NON_PAGED, 2 * EXP_POOL_PAGE_SIZE, KT_POOL_TAG);
    KT_ASSERT(First != NULL && Second != NULL);
    KT_ASSERT(ExpQueryPoolTag(KT_POOL_TAG, &After));
    KT_ASSERT_EQ(After.Allocations - Before.Allocations, 2);
    KT_ASSERT_EQ(After.Frees - Before.Frees, 0);
    KT_ASSERT_EQ(After.BytesOutstanding - Before.BytesOutstanding, 40 + 2 * EXP_POOL_PAGE_SIZE);
    ExFreePoolWithTag(Second, KT_POOL_TAG);
    ExFreePool(First);
    ExpQueryPoolTag(KT_POOL_TAG, &After);
    KT_ASSERT_EQ(After.Frees - Before.Frees, 2);
    KT_ASSERT_EQ(ExpPoolBytesOutstanding(KT_POOL_TAG), Before.BytesOutstanding);
    ExpDumpPoolTags();
}

KTEST(PoolZeroingAndTypes)
{
    PUCHAR P;
    ULONG Index;

    P = ExAllocatePool2(POOL_FLAG_NON_PAGED, 3000, KT_POOL_TAG);
    KT_ASSERT(P != NULL);
    for (Index = 0; Index < 3000; Index++) {
        KT_ASSERT_EQ(P[Index], 0);
    }
    ExFreePool(P);
    /* Paged requests are served from non-paged memory. */
    P = ExAllocatePoolZero(PagedPool, 100, KT_POOL_TAG);
    KT_ASSERT(P != NULL);
    for (Index = 0; Index < 100; Index++) {
        KT_ASSERT_EQ(P[Index], 0);
    }
    ExFreePoolWithTag(P, KT_POOL_TAG);
    KT_ASSERT(ExAllocatePool2(POOL_FLAG_NON_PAGED | POOL_FLAG_PAGED, 8, KT_POOL_TAG) == NULL);
    KT_ASSERT(ExAllocatePool2(POOL_FLAG_NON_PAGED, 8, 0) == NULL);
    KT_ASSERT(ExAllocatePoolWithTag(DontUseThisType, 8, KT_POOL_TAG) == NULL);
    KT_ASSERT(ExAllocatePoolWithTag(NonPagedPool, EXP_POOL_MAXIMUM_BYTES + 1, KT_POOL_TAG) ==
              NULL);
}

/* Many blocks at once, then all freed: the pool gives back what it took. */
KTEST(PoolManyBlocks)
{
    static PVOID Blocks[512];
    ULONG Index;

    for (Index = 0; Index < RTL_NUMBER_OF(Blocks); Index++) {
        Blocks[Index] = ExAllocatePoolWithTag(NonPagedPool, 16 + (Index * 37) % 3000, KT_POOL_TAG);
        KT_ASSERT(Blocks[Index] != NULL);
    }
    for (Index = 0; Index < RTL_NUMBER_OF(Blocks); Index++) {
        ExFreePoolWithTag(Blocks[Index], KT_POOL_TAG);
    }
    KT_ASSERT_EQ(ExpPoolBytesOutstanding(KT_POOL_TAG), 0);
}

/* The planted bugs write through volatile pointers so that the compiler
 * keeps every stray access exactly where it is written. */

KTEST_BUGCHECK(PoolOverrun, SPECIAL_POOL_DETECTED_MEMORY_CORRUPTION)
{
    volatile UCHAR *P = ExAllocatePoolWithTag(NonPagedPool, 100, KT_POOL_BUG_TAG);

    P[100] = 0;
    ExFreePoolWithTag((PVOID)P, KT_POOL_BUG_TAG);
}

KTEST_BUGCHECK(PoolUnderrun, BAD_POOL_HEADER)
{
    volatile UCHAR *P = ExAllocatePoolWithTag(NonPagedPool, 100, KT_POOL_BUG_TAG);

    P[-1] = 0;
    ExFreePoolWithTag((PVOID)P, KT_POOL_BUG_TAG);
}

KTEST_BUGCHECK(PoolDoubleFree, BAD_POOL_CALLER)
{
    PVOID P = ExAllocatePoolWithTag(NonPagedPool, 100, KT_POOL_BUG_TAG);

    ExFreePoolWithTag(P, KT_POOL_BUG_TAG);
    ExFreePoolWithTag(P, KT_POOL_BUG_TAG);
}

KTEST_BUGCHECK(PoolBadTag, BAD_POOL_CALLER)
{
    PVOID P = ExAllocatePoolWithTag(NonPagedPool, 100, KT_POOL_BUG_TAG);

    ExFreePoolWithTag(P, KT_POOL_TAG);
}

KTEST_BUGCHECK(PoolFreeForeignPointer, BAD_POOL_CALLER)
{
    static UCHAR NotPool[64];

    ExFreePoolWithTag(NotPool, KT_POOL_BUG_TAG);
}

/* The freed block is written, then pushed out of the quarantine by newer
 * frees; its poison check must catch the write. */
KTEST_BUGCHECK(PoolModifyAfterFree, DRIVER_CAUGHT_MODIFYING_FREED_POOL)
{
    volatile UCHAR *P = ExAllocatePoolWithTag(NonPagedPool, 100, KT_POOL_BUG_TAG);
    ULONG Index;

    ExFreePoolWithTag((PVOID)P, KT_POOL_BUG_TAG);
    P[10] = 0x42;
    for (Index = 0; Index < EXP_POOL_QUARANTINE_SLOTS; Index++) {
        ExFreePoolWithTag(ExAllocatePoolWithTag(NonPagedPool, 16, KT_POOL_TAG), KT_POOL_TAG);
    }
}
