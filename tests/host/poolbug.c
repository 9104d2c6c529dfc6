/*
 * tests/host/poolbug.c - planted pool bugs: each must stop the machine with
 * the bugcheck code and parameter 1 that kernel/mm/poolcheck.c documents,
 * after a message naming the tag of the block involved.
 */
#include <string.h>

#include "tests/host/pooltest.h"

static void
TestOverrunSmall(void **State)
{
    PUCHAR P;

    (VOID)State;
    P = ExAllocatePoolWithTag(NonPagedPool, 100, 'nuRO');
    memset(P, 1, 100);
    P[100] = 0; /* one byte past the end */
    EXPECT_BUGCHECK(ExFreePoolWithTag(P, 'nuRO'), SPECIAL_POOL_DETECTED_MEMORY_CORRUPTION,
                    (ULONG_PTR)P);
    assert_int_equal(PoolTestBugCheck.Parameter[1], (ULONG_PTR)(P + 100));
    assert_int_equal(PoolTestBugCheck.Parameter[2], 100);
    assert_int_equal(PoolTestBugCheck.Parameter[3], 0x24);
    assert_logged("buffer overrun");
    assert_logged("'ORun'");
}

static void
TestOverrunFarInSlot(void **State)
{
    PUCHAR P;

    (VOID)State;
    P = ExAllocatePoolWithTag(NonPagedPool, 1, 'nuRO');
    P[40] = 0; /* still inside the slot: only the guard bytes can tell */
    EXPECT_BUGCHECK(ExFreePool(P), SPECIAL_POOL_DETECTED_MEMORY_CORRUPTION, (ULONG_PTR)P);
    assert_int_equal(PoolTestBugCheck.Parameter[1], (ULONG_PTR)(P + 40));
}

static void
TestOverrunLarge(void **State)
{
    PUCHAR P;

    (VOID)State;
    P = ExAllocatePool2(POOL_FLAG_NON_PAGED, 5000, 'nuRO');
    P[5003] = 0;
    EXPECT_BUGCHECK(ExFreePoolWithTag(P, 'nuRO'), SPECIAL_POOL_DETECTED_MEMORY_CORRUPTION,
                    (ULONG_PTR)P);
    assert_int_equal(PoolTestBugCheck.Parameter[1], (ULONG_PTR)(P + 5003));
    assert_logged("'ORun'");
}

static void
TestUnderrunSmall(void **State)
{
    PUCHAR P;

    (VOID)State;
    P = ExAllocatePoolWithTag(NonPagedPool, 64, 'nuRU');
    P[-1] = 0;
    EXPECT_BUGCHECK(ExFreePoolWithTag(P, 'nuRU'), BAD_POOL_HEADER, 0x2);
    assert_int_equal(PoolTestBugCheck.Parameter[1], (ULONG_PTR)(P - EXP_POOL_HEADER_SIZE));
    assert_logged("buffer underrun");
    assert_logged("'URun'");
}

static void
TestUnderrunLarge(void **State)
{
    PUCHAR P;

    (VOID)State;
    P = ExAllocatePoolWithTag(NonPagedPool, 3 * EXP_POOL_PAGE_SIZE, 'nuRU');
    P[-20] = 0;
    EXPECT_BUGCHECK(ExFreePool(P), BAD_POOL_HEADER, 0x2);
    assert_logged("'URun'");
}

static void
TestCorruptHeaderSize(void **State)
{
    PUCHAR P;

    (VOID)State;
    P = ExAllocatePoolWithTag(NonPagedPool, 64, 'rdHB');
    ((PEXP_POOL_HEADER)(P - EXP_POOL_HEADER_SIZE))->NumberOfBytes = 100000;
    EXPECT_BUGCHECK(ExFreePool(P), BAD_POOL_HEADER, 0x7);
    assert_int_equal(PoolTestBugCheck.Parameter[3], (ULONG_PTR)(P - EXP_POOL_HEADER_SIZE));
    assert_logged("'BHdr'");
}

static void
TestCorruptSegment(void **State)
{
    PUCHAR P;
    PEXP_POOL_SEGMENT Segment;

    (VOID)State;
    P = ExAllocatePoolWithTag(NonPagedPool, 64, 'geSB');
    Segment = ExpFindSegment(&ExpNonPagedPool, P);
    Segment->Canary = 0;
    EXPECT_BUGCHECK(ExFreePool(P), BAD_POOL_HEADER, 0x7);
    assert_int_equal(PoolTestBugCheck.Parameter[3], (ULONG_PTR)Segment);
}

static void
TestDoubleFreeInQuarantine(void **State)
{
    PUCHAR P;

    (VOID)State;
    P = ExAllocatePoolWithTag(NonPagedPool, 32, 'erFD');
    ExFreePoolWithTag(P, 'erFD');
    EXPECT_BUGCHECK(ExFreePoolWithTag(P, 'erFD'), BAD_POOL_CALLER, 0x7);
    assert_int_equal(PoolTestBugCheck.Parameter[2], 'erFD');
    assert_int_equal(PoolTestBugCheck.Parameter[3], (ULONG_PTR)P);
    assert_logged("double free");
    assert_logged("'DFre'");
}

static void
TestDoubleFreeAfterQuarantine(void **State)
{
    PUCHAR P;

    (VOID)State;
    ExpSetQuarantineLimits(&ExpNonPagedPool, 0, 0);
    P = ExAllocatePoolWithTag(NonPagedPool, 32, 'erFD');
    ExFreePool(P);
    EXPECT_BUGCHECK(ExFreePool(P), BAD_POOL_CALLER, 0x7);
    assert_logged("'DFre'");
}

static void
TestWrongTag(void **State)
{
    PUCHAR P;

    (VOID)State;
    P = ExAllocatePoolWithTag(NonPagedPool, 32, 'enwO');
    EXPECT_BUGCHECK(ExFreePoolWithTag(P, 'rhtO'), BAD_POOL_CALLER, 0x0A);
    assert_int_equal(PoolTestBugCheck.Parameter[1], (ULONG_PTR)P);
    assert_int_equal(PoolTestBugCheck.Parameter[2], 'enwO');
    assert_int_equal(PoolTestBugCheck.Parameter[3], 'rhtO');
    assert_logged("'Othr'");
    assert_logged("'Owne'");
}

static void
TestFreeForeignPointer(void **State)
{
    UCHAR OnStack[64];

    (VOID)State;
    ExFreePool(ExAllocatePoolWithTag(NonPagedPool, 32, 'ngrF')); /* the pool has pages */
    EXPECT_BUGCHECK(ExFreePoolWithTag(OnStack, 'ngrF'), BAD_POOL_CALLER, 0x42);
    assert_int_equal(PoolTestBugCheck.Parameter[1], (ULONG_PTR)OnStack);
    assert_logged("never allocated");
    assert_logged("'Frgn'");
}

static void
TestFreeInteriorPointer(void **State)
{
    PUCHAR P;

    (VOID)State;
    P = ExAllocatePoolWithTag(NonPagedPool, 100, 'ntnI');
    EXPECT_BUGCHECK(ExFreePoolWithTag(P + 16, 'ntnI'), BAD_POOL_CALLER, 0x46);
    assert_int_equal(PoolTestBugCheck.Parameter[1], (ULONG_PTR)(P + 16));
    /* The header of a slot nobody allocated yet is inside the pool too. */
    EXPECT_BUGCHECK(ExFreePool(P - EXP_POOL_HEADER_SIZE), BAD_POOL_CALLER, 0x46);
    assert_logged("not the start of a block");
}

static void
TestFreeNeverAllocatedSlot(void **State)
{
    PUCHAR P;
    PEXP_POOL_SEGMENT Segment;

    (VOID)State;
    P = ExAllocatePoolWithTag(NonPagedPool, 100, 'vreN');
    Segment = ExpFindSegment(&ExpNonPagedPool, P);
    EXPECT_BUGCHECK(ExFreePool(P + Segment->SlotSize), BAD_POOL_CALLER, 0x46);
    assert_logged("never allocated");
}

static void
TestFreeNull(void **State)
{
    (VOID)State;
    EXPECT_BUGCHECK(ExFreePoolWithTag(NULL, 'lluN'), BAD_POOL_CALLER, 0x46);
    assert_logged("NULL");
    assert_logged("'Null'");
}

/* Written after free, caught when the block leaves the quarantine: the
 * report names the tag and the code that freed it. */
static void
TestModifiedInQuarantine(void **State)
{
    PUCHAR P;

    (VOID)State;
    ExpSetQuarantineLimits(&ExpNonPagedPool, 2, 1 << 20);
    P = ExAllocatePoolWithTag(NonPagedPool, 100, 'FAU1');
    ExFreePoolWithTag(P, 'FAU1');
    P[5] = 0x42;
    ExFreePool(ExAllocatePoolWithTag(NonPagedPool, 10, 'rehO'));
    /* ...and the next free pushes P out of the quarantine. */
    EXPECT_BUGCHECK(ExFreePool(ExAllocatePoolWithTag(NonPagedPool, 10, 'rehO')),
                    DRIVER_CAUGHT_MODIFYING_FREED_POOL, (ULONG_PTR)(P + 5));
    assert_int_equal(PoolTestBugCheck.Parameter[1], 1);
    assert_int_equal(PoolTestBugCheck.Parameter[2], 0);
    assert_int_equal(PoolTestBugCheck.Parameter[3], (ULONG_PTR)P);
    assert_logged("use after free");
    assert_logged("'1UAF'");
    assert_logged("freed it");
}

/* Written after it left the quarantine, caught when the slot is reused. */
static void
TestModifiedBeforeReuse(void **State)
{
    PUCHAR P;

    (VOID)State;
    ExpSetQuarantineLimits(&ExpNonPagedPool, 0, 0);
    P = ExAllocatePoolWithTag(NonPagedPool, 100, 'FAU2');
    ExFreePool(P);
    P[99] = 0;
    EXPECT_BUGCHECK(ExAllocatePoolWithTag(NonPagedPool, 100, 'weNN'),
                    DRIVER_CAUGHT_MODIFYING_FREED_POOL, (ULONG_PTR)(P + 99));
    assert_logged("'2UAF'");
}

static void
TestModifiedHeaderAfterFree(void **State)
{
    PUCHAR P;

    (VOID)State;
    ExpSetQuarantineLimits(&ExpNonPagedPool, 0, 0);
    P = ExAllocatePoolWithTag(NonPagedPool, 100, 'FAU3');
    ExFreePool(P);
    P[-3] = 0;
    EXPECT_BUGCHECK(ExAllocatePoolWithTag(NonPagedPool, 100, 'weNN'),
                    DRIVER_CAUGHT_MODIFYING_FREED_POOL, (ULONG_PTR)(P - 3));
}

static void
TestModifiedLargeInQuarantine(void **State)
{
    PUCHAR P;

    (VOID)State;
    ExpSetQuarantineLimits(&ExpNonPagedPool, 2, 1 << 20);
    P = ExAllocatePoolWithTag(NonPagedPool, 10000, 'FAU4');
    ExFreePool(P);
    P[9000] = 0;
    ExFreePool(ExAllocatePoolWithTag(NonPagedPool, 10, 'rehO'));
    EXPECT_BUGCHECK(ExFreePool(ExAllocatePoolWithTag(NonPagedPool, 10, 'rehO')),
                    DRIVER_CAUGHT_MODIFYING_FREED_POOL, (ULONG_PTR)(P + 9000));
    assert_logged("'4UAF'");
}

/* A write into a slot nobody has ever allocated is caught when it is first
 * handed out. */
static void
TestWriteToNeverAllocatedSlot(void **State)
{
    PUCHAR P;
    PEXP_POOL_SEGMENT Segment;

    (VOID)State;
    P = ExAllocatePoolWithTag(NonPagedPool, 100, 'tsrF');
    Segment = ExpFindSegment(&ExpNonPagedPool, P);
    P[Segment->SlotSize + 8] = 0;
    EXPECT_BUGCHECK(ExAllocatePoolWithTag(NonPagedPool, 100, 'dnoS'),
                    DRIVER_CAUGHT_MODIFYING_FREED_POOL, (ULONG_PTR)(P + Segment->SlotSize + 8));
    assert_logged("no one ever allocated");
}

static void
TestFreeBeforeInitialization(void **State)
{
    UCHAR Somewhere[16];

    (VOID)State;
    ExpDestroyPool(&ExpNonPagedPool);
    EXPECT_BUGCHECK(ExFreePool(Somewhere), BAD_POOL_CALLER, 0x42);
}

const struct CMUnitTest PoolBugTests[] = {
    POOL_TEST(TestOverrunSmall),
    POOL_TEST(TestOverrunFarInSlot),
    POOL_TEST(TestOverrunLarge),
    POOL_TEST(TestUnderrunSmall),
    POOL_TEST(TestUnderrunLarge),
    POOL_TEST(TestCorruptHeaderSize),
    POOL_TEST(TestCorruptSegment),
    POOL_TEST(TestDoubleFreeInQuarantine),
    POOL_TEST(TestDoubleFreeAfterQuarantine),
    POOL_TEST(TestWrongTag),
    POOL_TEST(TestFreeForeignPointer),
    POOL_TEST(TestFreeInteriorPointer),
    POOL_TEST(TestFreeNeverAllocatedSlot),
    POOL_TEST(TestFreeNull),
    POOL_TEST(TestModifiedInQuarantine),
    POOL_TEST(TestModifiedBeforeReuse),
    POOL_TEST(TestModifiedHeaderAfterFree),
    POOL_TEST(TestModifiedLargeInQuarantine),
    POOL_TEST(TestWriteToNeverAllocatedSlot),
    POOL_TEST(TestFreeBeforeInitialization),
};
const size_t PoolBugTestCount = RTL_NUMBER_OF(PoolBugTests);
