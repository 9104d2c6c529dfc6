/*
 * tests/host/poolstress.c - a long randomized run of the pool against a
 * shadow model, with a fixed seed so that a failure reproduces.
 *
 * The model remembers every live block (address, size, tag, fill byte) and
 * what each tag should have outstanding. After every operation the pool
 * must agree: blocks keep their contents, never overlap, stay aligned, and
 * the per-tag numbers match. The quarantine limits change as the run goes,
 * so blocks are reused early and late.
 */
#include <string.h>

#include "tests/host/pooltest.h"

#define STRESS_SEED 0x4B657374726C31ULL
#define STRESS_OPERATIONS 40000
#define STRESS_MAX_LIVE 400
#define STRESS_TAGS 6

typedef struct _STRESS_BLOCK {
    PUCHAR Address;
    SIZE_T Size;
    ULONG Tag;
    UCHAR Fill;
} STRESS_BLOCK;

typedef struct _STRESS_TAG_MODEL {
    SIZE_T Allocations;
    SIZE_T Frees;
    SIZE_T Bytes;
} STRESS_TAG_MODEL;

static const ULONG StressTags[STRESS_TAGS] = {'1rtS', '2rtS', '3rtS', '4rtS', '5rtS', '6rtS'};
static STRESS_BLOCK StressLive[STRESS_MAX_LIVE];
static ULONG StressLiveCount;
static STRESS_TAG_MODEL StressModel[STRESS_TAGS];
static ULONG64 StressState;

/* xorshift64: small, and the same sequence on every machine. */
static ULONG64
StressRandom(VOID)
{
    StressState ^= StressState << 13;
    StressState ^= StressState >> 7;
    StressState ^= StressState << 17;
    return StressState;
}

static SIZE_T
StressRandomSize(VOID)
{
    ULONG64 Kind = StressRandom() % 100;

    if (Kind < 70) {
        return StressRandom() % 513;
    }
    if (Kind < 95) {
        return StressRandom() % 4200;
    }
    return StressRandom() % 40000;
}

static VOID
StressAllocate(VOID)
{
    ULONG TagIndex = (ULONG)(StressRandom() % STRESS_TAGS);
    SIZE_T Size = StressRandomSize();
    ULONG64 How = StressRandom() % 4;
    STRESS_BLOCK *Block = &StressLive[StressLiveCount];
    ULONG Index;

    switch (How) {
    case 0:
        Block->Address = ExAllocatePoolWithTag(NonPagedPool, Size, StressTags[TagIndex]);
        break;
    case 1:
        Block->Address = ExAllocatePoolZero(PagedPool, Size, StressTags[TagIndex]);
        break;
    default:
        Block->Address = ExAllocatePool2(POOL_FLAG_NON_PAGED, Size, StressTags[TagIndex]);
        break;
    }
    assert_non_null(Block->Address);
    assert_int_equal((ULONG_PTR)Block->Address % 64, 0);
    if (How != 0) {
        for (Index = 0; Index < Size; Index++) {
            assert_int_equal(Block->Address[Index], 0);
        }
    }
    for (Index = 0; Index < StressLiveCount; Index++) {
        const STRESS_BLOCK *Other = &StressLive[Index];

        assert_true(Block->Address + Size <= Other->Address ||
                    Other->Address + Other->Size <= Block->Address ||
                    (Size == 0 && Block->Address != Other->Address));
    }
    Block->Size = Size;
    Block->Tag = StressTags[TagIndex];
    Block->Fill = (UCHAR)StressRandom();
    memset(Block->Address, Block->Fill, Size);
    StressLiveCount++;
    StressModel[TagIndex].Allocations++;
    StressModel[TagIndex].Bytes += Size;
}

static VOID
StressFree(VOID)
{
    ULONG Victim = (ULONG)(StressRandom() % StressLiveCount);
    STRESS_BLOCK Block = StressLive[Victim];
    ULONG TagIndex;
    SIZE_T Index;

    for (Index = 0; Index < Block.Size; Index++) {
        assert_int_equal(Block.Address[Index], Block.Fill);
    }
    if (StressRandom() % 2 == 0) {
        ExFreePoolWithTag(Block.Address, Block.Tag);
    } else {
        ExFreePool(Block.Address);
    }
    StressLive[Victim] = StressLive[--StressLiveCount];
    for (TagIndex = 0; StressTags[TagIndex] != Block.Tag; TagIndex++) {
    }
    StressModel[TagIndex].Frees++;
    StressModel[TagIndex].Bytes -= Block.Size;
}

static VOID
StressCompareTags(VOID)
{
    ULONG TagIndex;

    for (TagIndex = 0; TagIndex < STRESS_TAGS; TagIndex++) {
        EXP_POOL_TAG_INFO Info;

        ExpQueryPoolTag(StressTags[TagIndex], &Info);
        assert_int_equal(Info.Allocations, StressModel[TagIndex].Allocations);
        assert_int_equal(Info.Frees, StressModel[TagIndex].Frees);
        assert_int_equal(Info.BytesOutstanding, StressModel[TagIndex].Bytes);
    }
}

static void
TestStressAgainstModel(void **State)
{
    ULONG Operation;

    (VOID)State;
    StressState = STRESS_SEED;
    StressLiveCount = 0;
    memset(StressModel, 0, sizeof(StressModel));
    for (Operation = 0; Operation < STRESS_OPERATIONS; Operation++) {
        ULONG64 Choice = StressRandom() % 1000;

        if (Choice < 3) {
            ExpSetQuarantineLimits(&ExpNonPagedPool, (ULONG)(StressRandom() % 300),
                                   (SIZE_T)(StressRandom() % (2 << 20)));
        } else if (StressLiveCount == STRESS_MAX_LIVE ||
                   (StressLiveCount != 0 && Choice < 480)) {
            StressFree();
        } else {
            StressAllocate();
        }
        if (Operation % 97 == 0) {
            StressCompareTags();
        }
    }
    while (StressLiveCount != 0) {
        StressFree();
    }
    StressCompareTags();
    ExpDrainQuarantine(&ExpNonPagedPool);
    assert_true(ExpNonPagedPool.PagesInUse <= EXP_POOL_SIZE_CLASSES);
}

const struct CMUnitTest PoolStressTests[] = {
    POOL_TEST(TestStressAgainstModel),
};
const size_t PoolStressTestCount = RTL_NUMBER_OF(PoolStressTests);
