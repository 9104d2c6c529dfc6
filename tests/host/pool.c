/*
 * tests/host/pool.c - the non-paged pool on the host: ordinary use (sizes,
 * alignment, zeroing, pool types and flags, limits, per-tag accounting, the
 * quarantine), the fakes every pool test uses, and main() for all of them.
 * Planted bugs are in tests/host/poolbug.c, the randomized run against a
 * shadow model in tests/host/poolstress.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/host/pooltest.h"

#define POOL_TEST_LOG_SIZE (256 * 1024)
#define POOL_TEST_MAX_RUNS 8192

char PoolTestLog[POOL_TEST_LOG_SIZE];
static size_t PoolTestLogLength;
SIZE_T PoolTestPagesOutstanding;
SIZE_T PoolTestPageLimit;
POOL_TEST_BUGCHECK PoolTestBugCheck;
jmp_buf PoolTestJump;
volatile BOOLEAN PoolTestExpectBugCheck;

static struct {
    PVOID Base;
    SIZE_T PageCount;
} PoolTestRuns[POOL_TEST_MAX_RUNS];

ULONG
DbgPrint(PCSTR Format, ...)
{
    va_list Args;
    int Length;

    va_start(Args, Format);
    Length = vsnprintf(PoolTestLog + PoolTestLogLength, POOL_TEST_LOG_SIZE - PoolTestLogLength,
                       Format, Args);
    va_end(Args);
    if (getenv("POOL_TEST_VERBOSE") != NULL) {
        fputs(PoolTestLog + PoolTestLogLength, stderr);
    }
    if (Length > 0) {
        PoolTestLogLength += (size_t)Length;
        if (PoolTestLogLength >= POOL_TEST_LOG_SIZE) {
            PoolTestLogLength = 0; /* keep the latest output */
        }
    }
    return 0;
}

VOID NTAPI
KeBugCheckEx(ULONG Code, ULONG_PTR P1, ULONG_PTR P2, ULONG_PTR P3, ULONG_PTR P4)
{
    PoolTestBugCheck.Code = Code;
    PoolTestBugCheck.Parameter[0] = P1;
    PoolTestBugCheck.Parameter[1] = P2;
    PoolTestBugCheck.Parameter[2] = P3;
    PoolTestBugCheck.Parameter[3] = P4;
    if (!PoolTestExpectBugCheck) {
        fail_msg("unexpected bugcheck 0x%X (0x%llx, 0x%llx, 0x%llx, 0x%llx); log:\n%s", Code, P1,
                 P2, P3, P4, PoolTestLog);
    }
    longjmp(PoolTestJump, 1);
}

VOID
PoolTestAssertLogged(PCSTR Text, PCSTR File, int Line)
{
    if (strstr(PoolTestLog, Text) == NULL) {
        print_error("expected the message \"%s\"; the log was:\n%s", Text, PoolTestLog);
        _fail(File, Line);
    }
}

static PVOID
PoolTestAllocatePages(PVOID Context, SIZE_T PageCount)
{
    PVOID Base;
    ULONG Index;

    (VOID)Context;
    if (PoolTestPagesOutstanding + PageCount > PoolTestPageLimit) {
        return NULL;
    }
    Base = aligned_alloc(EXP_POOL_PAGE_SIZE, PageCount * EXP_POOL_PAGE_SIZE);
    assert_non_null(Base);
    /* Pages arrive with junk in them, as real frames do. */
    memset(Base, 0xA5, PageCount * EXP_POOL_PAGE_SIZE);
    for (Index = 0; PoolTestRuns[Index].Base != NULL; Index++) {
        assert_true(Index + 1 < POOL_TEST_MAX_RUNS);
    }
    PoolTestRuns[Index].Base = Base;
    PoolTestRuns[Index].PageCount = PageCount;
    PoolTestPagesOutstanding += PageCount;
    return Base;
}

static VOID
PoolTestFreePages(PVOID Context, PVOID Base, SIZE_T PageCount)
{
    ULONG Index;

    (VOID)Context;
    for (Index = 0; Index < POOL_TEST_MAX_RUNS; Index++) {
        if (PoolTestRuns[Index].Base == Base) {
            assert_int_equal(PoolTestRuns[Index].PageCount, PageCount);
            PoolTestRuns[Index].Base = NULL;
            PoolTestPagesOutstanding -= PageCount;
            free(Base);
            return;
        }
    }
    fail_msg("the pool freed pages at %p it never got", Base);
}

static const EXP_POOL_PAGE_SOURCE PoolTestSource = {PoolTestAllocatePages, PoolTestFreePages,
                                                    NULL};

int
PoolTestSetup(void **State)
{
    (VOID)State;
    PoolTestLogLength = 0;
    PoolTestLog[0] = '\0';
    PoolTestPageLimit = (SIZE_T)-1;
    ExpInitializePool(&ExpNonPagedPool, &PoolTestSource);
    return 0;
}

int
PoolTestTeardown(void **State)
{
    (VOID)State;
    ExpDestroyPool(&ExpNonPagedPool);
    assert_int_equal(PoolTestPagesOutstanding, 0);
    return 0;
}

/* Every size from nothing to a megabyte: 64-byte aligned, small blocks
 * inside one page, big ones page-aligned, and no two blocks overlap (each
 * keeps its own pattern until freed). */
static void
TestSizesAndAlignment(void **State)
{
    static const SIZE_T Sizes[] = {0,    1,    2,    15,   16,   17,   48,   63,   64,
                                   65,   100,  128,  200,  256,  500,  512,  1000, 1024,
                                   2000, 2048, 3000, 3800, 3824, 3825, 3900, 4000, 4095,
                                   4096, 4097, 8191, 8192, 10000, 65536, 1 << 20};
    PUCHAR Blocks[RTL_NUMBER_OF(Sizes)];
    ULONG Index;
    SIZE_T Byte;

    (VOID)State;
    for (Index = 0; Index < RTL_NUMBER_OF(Sizes); Index++) {
        Blocks[Index] = ExAllocatePoolWithTag(NonPagedPool, Sizes[Index], 'ezIS');
        assert_non_null(Blocks[Index]);
        assert_int_equal((ULONG_PTR)Blocks[Index] % 64, 0);
        if (Sizes[Index] >= EXP_POOL_PAGE_SIZE) {
            assert_int_equal((ULONG_PTR)Blocks[Index] % EXP_POOL_PAGE_SIZE, 0);
        } else if (Sizes[Index] != 0) {
            assert_int_equal((ULONG_PTR)Blocks[Index] / EXP_POOL_PAGE_SIZE,
                             ((ULONG_PTR)Blocks[Index] + Sizes[Index] - 1) / EXP_POOL_PAGE_SIZE);
        }
        memset(Blocks[Index], (int)Index + 1, Sizes[Index]);
    }
    for (Index = 0; Index < RTL_NUMBER_OF(Sizes); Index++) {
        for (Byte = 0; Byte < Sizes[Index]; Byte++) {
            assert_int_equal(Blocks[Index][Byte], Index + 1);
        }
        ExFreePoolWithTag(Blocks[Index], 'ezIS');
    }
    /* With the quarantine drained, at most one spare page per class stays. */
    ExpDrainQuarantine(&ExpNonPagedPool);
    assert_true(ExpNonPagedPool.PagesInUse <= EXP_POOL_SIZE_CLASSES);
    assert_int_equal(ExpPoolBytesOutstanding('ezIS'), 0);
}

static void
TestSizeClassGeometry(void **State)
{
    ULONG Index;

    (VOID)State;
    for (Index = 0; Index < EXP_POOL_SIZE_CLASSES; Index++) {
        const EXP_POOL_SIZE_CLASS *Class = &ExpNonPagedPool.Classes[Index];

        assert_int_equal(Class->SlotSize % 64, 0);
        assert_true(Class->SlotCount >= 1 && Class->SlotCount <= EXP_POOL_MAX_SLOTS);
        assert_true(EXP_POOL_SEGMENT_SIZE + Class->SlotSize * Class->SlotCount <=
                    EXP_POOL_PAGE_SIZE);
        if (Index != 0) {
            assert_true(Class->SlotSize > ExpNonPagedPool.Classes[Index - 1].SlotSize);
        }
    }
}

static void
TestZeroBytesGivesUniquePointers(void **State)
{
    PVOID First, Second;
    EXP_POOL_TAG_INFO Info;

    (VOID)State;
    First = ExAllocatePoolWithTag(NonPagedPool, 0, 'oreZ');
    Second = ExAllocatePool2(POOL_FLAG_NON_PAGED, 0, 'oreZ');
    assert_non_null(First);
    assert_non_null(Second);
    assert_ptr_not_equal(First, Second);
    ExFreePoolWithTag(First, 'oreZ');
    ExFreePool(Second);
    assert_true(ExpQueryPoolTag('oreZ', &Info));
    assert_int_equal(Info.Allocations, 2);
    assert_int_equal(Info.Frees, 2);
}

static BOOLEAN
PoolTestAllBytes(const UCHAR *Block, SIZE_T Length, UCHAR Value)
{
    SIZE_T Index;

    for (Index = 0; Index < Length; Index++) {
        if (Block[Index] != Value) {
            return FALSE;
        }
    }
    return TRUE;
}

/* The zeroing routines zero memory that held something; the uninitialized
 * ones do not (the poison of the last owner shows through). */
static void
TestZeroing(void **State)
{
    PUCHAR P, Q;

    (VOID)State;
    ExpSetQuarantineLimits(&ExpNonPagedPool, 0, 0); /* reuse at once */
    P = ExAllocatePoolWithTag(NonPagedPool, 100, 'oreZ');
    memset(P, 0x5A, 100);
    ExFreePoolWithTag(P, 'oreZ');

    Q = ExAllocatePool2(POOL_FLAG_NON_PAGED, 100, 'oreZ');
    assert_ptr_equal(Q, P);
    assert_true(PoolTestAllBytes(Q, 100, 0));
    memset(Q, 0x5A, 100);
    ExFreePool(Q);

    Q = ExAllocatePool2(POOL_FLAG_NON_PAGED | POOL_FLAG_UNINITIALIZED, 100, 'oreZ');
    assert_ptr_equal(Q, P);
    assert_true(PoolTestAllBytes(Q, 100, EXP_POOL_POISON_BYTE));
    memset(Q, 0x5A, 100);
    ExFreePool(Q);

    Q = ExAllocatePoolZero(NonPagedPool, 100, 'oreZ');
    assert_true(PoolTestAllBytes(Q, 100, 0));
    memset(Q, 0x5A, 100);
    ExFreePool(Q);

    Q = ExAllocatePoolWithTag(NonPagedPool | POOL_ZERO_ALLOCATION, 100, 'oreZ');
    assert_true(PoolTestAllBytes(Q, 100, 0));
    ExFreePool(Q);

    Q = ExAllocatePoolUninitialized(NonPagedPool, 100, 'oreZ');
    assert_true(PoolTestAllBytes(Q, 100, EXP_POOL_POISON_BYTE));
    ExFreePool(Q);

    Q = ExAllocatePool2(POOL_FLAG_PAGED, 3 * EXP_POOL_PAGE_SIZE + 5, 'oreZ');
    assert_true(PoolTestAllBytes(Q, 3 * EXP_POOL_PAGE_SIZE + 5, 0));
    ExFreePool(Q);
}

/* ExAllocatePool2 fails (NULL, with a message) on flags the WDK calls
 * invalid, and ignores optional flags it does not know. */
static void
TestPool2Flags(void **State)
{
    static const struct {
        POOL_FLAGS Flags;
        PCSTR Message;
    } Bad[] = {
        {0, "exactly one of"},
        {POOL_FLAG_UNINITIALIZED, "exactly one of"},
        {POOL_FLAG_NON_PAGED | POOL_FLAG_PAGED, "exactly one of"},
        {POOL_FLAG_NON_PAGED | POOL_FLAG_SESSION, "no sessions"},
        {POOL_FLAG_NON_PAGED | POOL_FLAG_RESERVED1, "reserved"},
        {POOL_FLAG_NON_PAGED | POOL_FLAG_RESERVED3, "reserved"},
        {POOL_FLAG_NON_PAGED | 0x800, "unknown required"},
        {POOL_FLAG_NON_PAGED | POOL_FLAG_REQUIRED_END, "unknown required"},
    };
    static const POOL_FLAGS Good[] = {
        POOL_FLAG_NON_PAGED,
        POOL_FLAG_PAGED,
        POOL_FLAG_NON_PAGED_EXECUTE,
        POOL_FLAG_NON_PAGED | POOL_FLAG_CACHE_ALIGNED | POOL_FLAG_USE_QUOTA,
        POOL_FLAG_NON_PAGED | POOL_FLAG_SPECIAL_POOL | (1ULL << 40) | POOL_FLAG_OPTIONAL_END,
    };
    ULONG Index;

    (VOID)State;
    for (Index = 0; Index < RTL_NUMBER_OF(Bad); Index++) {
        assert_null(ExAllocatePool2(Bad[Index].Flags, 32, 'galF'));
        assert_logged(Bad[Index].Message);
    }
    assert_null(ExAllocatePool2(POOL_FLAG_NON_PAGED, 32, 0));
    assert_logged("tag 0");
    for (Index = 0; Index < RTL_NUMBER_OF(Good); Index++) {
        PVOID P = ExAllocatePool2(Good[Index], 32, 'galF');

        assert_non_null(P);
        assert_int_equal((ULONG_PTR)P % 64, 0);
        ExFreePoolWithTag(P, 'galF');
    }
    assert_int_equal(ExpPoolBytesOutstanding('galF'), 0);
}

/* Paged, Nx, cache-aligned and session types are all served from the one
 * non-paged pool; types that name no pool fail. */
static void
TestPoolTypes(void **State)
{
    static const POOL_TYPE Good[] = {NonPagedPool,          PagedPool,
                                     NonPagedPoolCacheAligned, PagedPoolCacheAligned,
                                     NonPagedPoolNx,        NonPagedPoolNxCacheAligned,
                                     NonPagedPoolSession,   PagedPoolSession,
                                     NonPagedPoolSessionNx, NonPagedPool | POOL_COLD_ALLOCATION};
    static const ULONG Bad[] = {DontUseThisType, MaxPoolType, 99, 0x10000};
    ULONG Index;

    (VOID)State;
    for (Index = 0; Index < RTL_NUMBER_OF(Good); Index++) {
        PVOID P = ExAllocatePoolWithTag(Good[Index], 200, 'epyT');

        assert_non_null(P);
        assert_int_equal((ULONG_PTR)P % 64, 0);
        ExFreePoolWithTag(P, 'epyT');
    }
    for (Index = 0; Index < RTL_NUMBER_OF(Bad); Index++) {
        assert_null(ExAllocatePoolWithTag((POOL_TYPE)Bad[Index], 200, 'epyT'));
        assert_logged("not a valid POOL_TYPE");
    }
    /* The deprecated routine charges the tag 'None'. */
    ExFreePool(ExAllocatePool(NonPagedPool, 10));
    {
        EXP_POOL_TAG_INFO Info;

        assert_true(ExpQueryPoolTag('enoN', &Info));
        assert_int_equal(Info.Allocations, 1);
    }
    EXPECT_BUGCHECK(ExAllocatePoolWithTag(NonPagedPoolMustSucceed, 8, 'epyT'), BAD_POOL_CALLER,
                    0x9A);
    assert_int_equal(PoolTestBugCheck.Parameter[3], 'epyT');
    EXPECT_BUGCHECK(ExAllocatePoolWithTag(NonPagedPool, 8, 0), BAD_POOL_CALLER, 0x9B);
    assert_int_equal(PoolTestBugCheck.Parameter[2], 8);
}

/* Absurd sizes and exhaustion return NULL with a message; the quarantine
 * gives its memory back before an allocation fails; a caller that asked to
 * be raised gets KMODE_EXCEPTION_NOT_HANDLED instead of NULL. */
static void
TestLimitsAndExhaustion(void **State)
{
    PVOID P;

    (VOID)State;
    assert_null(ExAllocatePoolWithTag(NonPagedPool, (SIZE_T)-1, 'gruH'));
    assert_null(ExAllocatePoolWithTag(NonPagedPool, (SIZE_T)-64, 'gruH'));
    assert_null(ExAllocatePool2(POOL_FLAG_NON_PAGED, EXP_POOL_MAXIMUM_BYTES + 1, 'gruH'));
    assert_logged("more than the pool's limit");
    assert_int_equal(PoolTestPagesOutstanding, 0);

    P = ExAllocatePoolWithTag(NonPagedPool, 40 * EXP_POOL_PAGE_SIZE, 'gruH');
    assert_non_null(P);
    ExFreePoolWithTag(P, 'gruH'); /* 41 pages wait in the quarantine */
    assert_int_equal(ExpNonPagedPool.QuarantineCount, 1);
    PoolTestPageLimit = 50;
    P = ExAllocatePoolWithTag(NonPagedPool, 30 * EXP_POOL_PAGE_SIZE, 'gruH');
    assert_non_null(P); /* only after the quarantine gave its pages back */
    assert_int_equal(ExpNonPagedPool.QuarantineCount, 0);
    assert_null(ExAllocatePoolWithTag(NonPagedPool, 30 * EXP_POOL_PAGE_SIZE, 'gruH'));
    assert_logged("out of memory");
    EXPECT_BUGCHECK(ExAllocatePool2(POOL_FLAG_NON_PAGED | POOL_FLAG_RAISE_ON_FAILURE,
                                    30 * EXP_POOL_PAGE_SIZE, 'gruH'),
                    KMODE_EXCEPTION_NOT_HANDLED, (ULONG)STATUS_INSUFFICIENT_RESOURCES);
    EXPECT_BUGCHECK(ExAllocatePoolWithTag(NonPagedPool | POOL_RAISE_IF_ALLOCATION_FAILURE,
                                          30 * EXP_POOL_PAGE_SIZE, 'gruH'),
                    KMODE_EXCEPTION_NOT_HANDLED, (ULONG)STATUS_INSUFFICIENT_RESOURCES);
    ExFreePoolWithTag(P, 'gruH');
}

static void
TestUseBeforeInitialization(void **State)
{
    (VOID)State;
    ExpDestroyPool(&ExpNonPagedPool);
    assert_null(ExAllocatePoolWithTag(NonPagedPool, 10, 'ylrE'));
    assert_logged("before ExInitializePoolSystem");
}

static void
TestTagAccounting(void **State)
{
    PVOID A1, A2, A3, B1, B2;
    EXP_POOL_TAG_INFO Info;
    ULONG Index;

    (VOID)State;
    A1 = ExAllocatePoolWithTag(NonPagedPool, 10, 'AgaT');
    A2 = ExAllocatePoolWithTag(PagedPool, 20, 'AgaT');
    A3 = ExAllocatePool2(POOL_FLAG_NON_PAGED, 30, 'AgaT');
    B1 = ExAllocatePoolWithTag(NonPagedPool, 2 * EXP_POOL_PAGE_SIZE, 'BgaT');
    B2 = ExAllocatePoolWithTag(NonPagedPool, 1, 'BgaT');
    assert_true(ExpQueryPoolTag('AgaT', &Info));
    assert_int_equal(Info.Tag, 'AgaT');
    assert_int_equal(Info.Allocations, 3);
    assert_int_equal(Info.Frees, 0);
    assert_int_equal(Info.BytesOutstanding, 60);
    assert_int_equal(ExpPoolBytesOutstanding('BgaT'), 2 * EXP_POOL_PAGE_SIZE + 1);

    ExFreePoolWithTag(A2, 'AgaT');
    ExFreePool(B1);
    assert_true(ExpQueryPoolTag('AgaT', &Info));
    assert_int_equal(Info.Allocations, 3);
    assert_int_equal(Info.Frees, 1);
    assert_int_equal(Info.BytesOutstanding, 40);
    assert_int_equal(ExpPoolBytesOutstanding('BgaT'), 1);
    assert_false(ExpQueryPoolTag('CgaT', &Info));
    assert_int_equal(Info.Allocations, 0);
    assert_int_equal(ExpPoolBytesOutstanding('CgaT'), 0);

    ExpDumpPoolTags();
    assert_logged(" TagA           3          1          2           40");
    assert_logged(" TagB           2          1          1            1");

    ExFreePool(A1);
    ExFreePool(A3);
    ExFreePool(B2);
    assert_int_equal(ExpPoolBytesOutstanding('AgaT'), 0);
    assert_int_equal(ExpPoolBytesOutstanding('BgaT'), 0);

    /* More tags than the table holds: the rest are counted under 'Ovfl'. */
    for (Index = 0; Index < EXP_POOL_TAG_TABLE_SIZE + 44; Index++) {
        ExFreePool(ExAllocatePoolWithTag(NonPagedPool, 8, 0x20202000 + Index + 1));
    }
    assert_int_equal(ExpNonPagedPool.OverflowTag.Allocations, 44 + 2);
    assert_int_equal(ExpNonPagedPool.OverflowTag.Frees, 44 + 2);
    assert_int_equal(ExpNonPagedPool.OverflowTag.BytesOutstanding, 0);
}

/* A freed block stays out of circulation until Depth newer frees push it
 * out; then its slot is the first to be handed out again. */
static void
TestQuarantineDelaysReuse(void **State)
{
    PVOID First, Others[4];
    ULONG Index;

    (VOID)State;
    ExpSetQuarantineLimits(&ExpNonPagedPool, 4, 1 << 20);
    First = ExAllocatePoolWithTag(NonPagedPool, 100, 'raQT');
    ExFreePoolWithTag(First, 'raQT');
    for (Index = 0; Index < 4; Index++) {
        Others[Index] = ExAllocatePoolWithTag(NonPagedPool, 100, 'raQT');
        assert_ptr_not_equal(Others[Index], First);
    }
    for (Index = 0; Index < 3; Index++) {
        ExFreePoolWithTag(Others[Index], 'raQT');
    }
    assert_int_equal(ExpNonPagedPool.QuarantineCount, 4);
    ExFreePoolWithTag(Others[3], 'raQT'); /* pushes First out */
    assert_int_equal(ExpNonPagedPool.QuarantineCount, 4);
    Others[0] = ExAllocatePoolWithTag(NonPagedPool, 100, 'raQT');
    assert_ptr_equal(Others[0], First);
    ExFreePoolWithTag(Others[0], 'raQT');

    /* The byte limit bounds it too: a 1 MiB block pushes out everything. */
    ExpSetQuarantineLimits(&ExpNonPagedPool, 100, 64 * 1024);
    ExFreePool(ExAllocatePoolWithTag(NonPagedPool, 1 << 20, 'raQT'));
    assert_int_equal(ExpNonPagedPool.QuarantineCount, 0);
    assert_int_equal(ExpNonPagedPool.QuarantineBytes, 0);
}

static const struct CMUnitTest PoolTests[] = {
    POOL_TEST(TestSizesAndAlignment),
    POOL_TEST(TestSizeClassGeometry),
    POOL_TEST(TestZeroBytesGivesUniquePointers),
    POOL_TEST(TestZeroing),
    POOL_TEST(TestPool2Flags),
    POOL_TEST(TestPoolTypes),
    POOL_TEST(TestLimitsAndExhaustion),
    POOL_TEST(TestUseBeforeInitialization),
    POOL_TEST(TestTagAccounting),
    POOL_TEST(TestQuarantineDelaysReuse),
};

int
main(void)
{
    int Failed = 0;

    Failed += cmocka_run_group_tests_name("pool", PoolTests, NULL, NULL);
    Failed += _cmocka_run_group_tests("pool-bugs", PoolBugTests, PoolBugTestCount, NULL, NULL);
    Failed += _cmocka_run_group_tests("pool-stress", PoolStressTests, PoolStressTestCount, NULL,
                                      NULL);
    return Failed;
}
