/*
 * tests/host/mm_frames.c - the frame allocator and the virtual windows
 * (kernel/mm/bitmap.c, frames.c, vaspace.c).
 *
 * The frame database is built from a sanitized map exactly as MmInitSystem
 * builds it, over a bitmap in host memory. A random run compares every
 * allocation with a simple array model of first fit.
 */
#include "tests/host/mm_hostenv.h"

#include <stdlib.h>

#define MiB (1024ULL * 1024)

static MI_MEMORY_MAP Map;
static MI_FRAME_DATABASE Db;
static ULONGLONG Bits[4096];

/* 1 MiB..2 MiB free, kernel at 2..3 MiB, free 3..8 MiB, a reserved hole,
 * then free 16..20 MiB. */
static void
BuildMachine(void)
{
    static const BOOT_MEMORY_REGION Regions[] = {
        {0, 0x9FC00, BOOT_MEMORY_FREE, 0},
        {1 * MiB, 7 * MiB, BOOT_MEMORY_FREE, 0},
        {2 * MiB, 1 * MiB, BOOT_MEMORY_KERNEL, 0},
        {8 * MiB, 8 * MiB, BOOT_MEMORY_RESERVED, 0},
        {16 * MiB, 4 * MiB, BOOT_MEMORY_FREE, 0},
    };
    ULONGLONG Home;

    MiSanitizeMemoryMap(Regions, RTL_NUMBER_OF(Regions), &Map);
    assert_int_equal(MiFrameBitmapBytes(&Map), (20 * MiB / PAGE_SIZE) / 8);
    Home = MiFindFrameBitmapHome(&Map, MiFrameBitmapBytes(&Map), 4ULL << 30);
    assert_int_equal(Home, 1 * MiB);
    memset(Bits, 0x5A, sizeof(Bits));
    MiInitializeFrameDatabase(&Db, &Map, Bits, Home);
}

static int
Setup(void **State)
{
    (void)State;
    MmTestResetLog();
    BuildMachine();
    return 0;
}

static void
TestInitialState(void **State)
{
    ULONGLONG Frame;

    (void)State;
    /* 256 + 1280 + 1024 free frames; the bitmap (640 bytes) takes one. */
    assert_int_equal(Db.TotalFrames, 256 + 1280 + 1024);
    assert_int_equal(Db.Bitmap.ClearCount, Db.TotalFrames - 1);
    assert_int_equal(Db.HighestFrame, 20 * MiB / PAGE_SIZE);
    for (Frame = 0; Frame < Db.HighestFrame; Frame++) {
        ULONGLONG Pa = Frame * PAGE_SIZE;
        BOOLEAN ShouldBeFree = (Pa >= 1 * MiB + PAGE_SIZE && Pa < 2 * MiB) ||
                               (Pa >= 3 * MiB && Pa < 8 * MiB) || (Pa >= 16 * MiB);
        assert_int_equal(!MiBitmapTestBit(&Db.Bitmap, Frame), ShouldBeFree);
    }
}

static void
TestFirstFitAndContiguous(void **State)
{
    ULONGLONG A, B, C, D;

    (void)State;
    A = MiAllocateFramesFrom(&Db, 1, 0, ~0ULL);
    assert_int_equal(A, 1 * MiB + PAGE_SIZE);
    B = MiAllocateFramesFrom(&Db, 1, 0, ~0ULL);
    assert_int_equal(B, 1 * MiB + 2 * PAGE_SIZE);
    /* 300 frames do not fit in what is left below the kernel (253): they
     * come from above it. */
    C = MiAllocateFramesFrom(&Db, 300, 0, ~0ULL);
    assert_int_equal(C, 3 * MiB);
    /* Freed frames are reused lowest first. */
    MiFreeFramesTo(&Db, A, 1);
    D = MiAllocateFramesFrom(&Db, 1, 0, ~0ULL);
    assert_int_equal(D, A);
    /* Larger than any run (the largest is 5 MiB = 1280 frames, now 980). */
    assert_int_equal(MiAllocateFramesFrom(&Db, 1100, 0, ~0ULL), 0);
    assert_int_equal(MiAllocateFramesFrom(&Db, 1024, 0, ~0ULL), 16 * MiB);
    assert_int_equal(MiAllocateFramesFrom(&Db, 0, 0, ~0ULL), 0);
}

static void
TestLimits(void **State)
{
    (void)State;
    /* Nothing free below 1 MiB + 4 KiB. */
    assert_int_equal(MiAllocateFramesFrom(&Db, 1, 0, 1 * MiB + PAGE_SIZE), 0);
    assert_int_equal(MiAllocateFramesFrom(&Db, 1, 16 * MiB, ~0ULL), 16 * MiB);
    assert_int_equal(MiAllocateFramesFrom(&Db, 2, 0, 1 * MiB + 3 * PAGE_SIZE),
                     1 * MiB + PAGE_SIZE);
    assert_int_equal(MiAllocateFramesFrom(&Db, 1, 0, 1 * MiB + 3 * PAGE_SIZE), 0);
}

/* A run must not cross a multiple of the boundary: the search moves on to
 * the next multiple instead. */
static void
TestBoundary(void **State)
{
    ULONGLONG Pa;

    (void)State;
    /* Free from 1 MiB + 4 KiB: 16 frames would cross 1 MiB + 64 KiB. */
    Pa = MiAllocateFramesWithin(&Db, 16, 0, ~0ULL, 64 * 1024);
    assert_int_equal(Pa, 1 * MiB + 64 * 1024);
    Pa = MiAllocateFramesWithin(&Db, 15, 0, ~0ULL, 64 * 1024);
    assert_int_equal(Pa, 1 * MiB + PAGE_SIZE);
    /* Larger than the boundary, or a boundary that is not whole pages. */
    assert_int_equal(MiAllocateFramesWithin(&Db, 17, 0, ~0ULL, 64 * 1024), 0);
    assert_int_equal(MiAllocateFramesWithin(&Db, 1, 0, ~0ULL, 1000), 0);
    /* No room before the limit once the boundary pushes the search up. */
    assert_int_equal(MiAllocateFramesWithin(&Db, 16, 0, 1 * MiB + 128 * 1024, 64 * 1024), 0);
}

static void
TestExhaustAndRefill(void **State)
{
    ULONGLONG Free = Db.Bitmap.ClearCount, I, Pa;
    static ULONGLONG Got[4096];

    (void)State;
    for (I = 0; I < Free; I++) {
        Got[I] = MiAllocateFramesFrom(&Db, 1, 0, ~0ULL);
        assert_int_not_equal(Got[I], 0);
        assert_true(I == 0 || Got[I] > Got[I - 1]);
    }
    assert_int_equal(Db.Bitmap.ClearCount, 0);
    assert_int_equal(MiAllocateFramesFrom(&Db, 1, 0, ~0ULL), 0);
    for (I = Free; I > 0; I--) {
        MiFreeFramesTo(&Db, Got[I - 1], 1);
    }
    assert_int_equal(Db.Bitmap.ClearCount, Free);
    Pa = MiAllocateFramesFrom(&Db, 1, 0, ~0ULL);
    assert_int_equal(Pa, Got[0]);
}

static void
TestDoubleFreeBugchecks(void **State)
{
    ULONGLONG Pa, FreeBefore;

    (void)State;
    Pa = MiAllocateFramesFrom(&Db, 4, 0, ~0ULL);
    MiFreeFramesTo(&Db, Pa, 4);
    FreeBefore = Db.Bitmap.ClearCount;
    MM_EXPECT_BUGCHECK(PFN_LIST_CORRUPT, MiFreeFramesTo(&Db, Pa, 4));
    assert_int_equal(MmTestBugCheckParameters[0], 0x99);
    assert_int_equal(MmTestBugCheckParameters[1], Pa / PAGE_SIZE);
    MM_ASSERT_LOG_CONTAINS("is already free - a double free");
    assert_int_equal(Db.Bitmap.ClearCount, FreeBefore);

    /* A run whose middle frame is free: nothing at all is freed. */
    Pa = MiAllocateFramesFrom(&Db, 3, 0, ~0ULL);
    MiFreeFramesTo(&Db, Pa + PAGE_SIZE, 1);
    FreeBefore = Db.Bitmap.ClearCount;
    MM_EXPECT_BUGCHECK(PFN_LIST_CORRUPT, MiFreeFramesTo(&Db, Pa, 3));
    assert_int_equal(MmTestBugCheckParameters[1], Pa / PAGE_SIZE + 1);
    assert_int_equal(Db.Bitmap.ClearCount, FreeBefore);
    assert_true(MiBitmapTestBit(&Db.Bitmap, Pa / PAGE_SIZE));
}

static void
TestBadFreesBugcheck(void **State)
{
    (void)State;
    MM_EXPECT_BUGCHECK(PFN_LIST_CORRUPT, MiFreeFramesTo(&Db, 3 * MiB + 12, 1));
    MM_EXPECT_BUGCHECK(PFN_LIST_CORRUPT, MiFreeFramesTo(&Db, 64 * MiB, 1));
    MM_EXPECT_BUGCHECK(PFN_LIST_CORRUPT, MiFreeFramesTo(&Db, 20 * MiB - PAGE_SIZE, 2));
    MM_EXPECT_BUGCHECK(PFN_LIST_CORRUPT, MiFreeFramesTo(&Db, 3 * MiB, 0));
    MM_EXPECT_BUGCHECK(PFN_LIST_CORRUPT, MiFreeFramesTo(&Db, 3 * MiB, ~0ULL));
    MM_ASSERT_LOG_CONTAINS("not whole frames of this machine's RAM");
}

static void
TestReserveFrames(void **State)
{
    ULONGLONG Before = Db.Bitmap.ClearCount;

    (void)State;
    /* Unaligned: rounds outwards to whole frames, and counts each once. */
    MiReserveFrames(&Db, 3 * MiB + 0x800, 0x1000);
    assert_int_equal(Db.Bitmap.ClearCount, Before - 2);
    MiReserveFrames(&Db, 3 * MiB, 0x2000);
    assert_int_equal(Db.Bitmap.ClearCount, Before - 2);
    MiReserveFrames(&Db, ~0ULL - 10, 100);  /* wraps: harmless */
    assert_int_equal(Db.Bitmap.ClearCount, Before - 2);
}

/* Random allocations and frees against a byte-per-frame model of first fit. */
static void
TestRandomAgainstModel(void **State)
{
    static UCHAR Model[20 * MiB / PAGE_SIZE];
    static ULONGLONG Live[512], LiveCount[512];
    ULONG LiveN = 0, Step;
    unsigned Seed = 99;
    ULONGLONG F;

    (void)State;
    for (F = 0; F < Db.HighestFrame; F++) {
        Model[F] = MiBitmapTestBit(&Db.Bitmap, F);
    }
    for (Step = 0; Step < 20000; Step++) {
        if (LiveN < 512 && (rand_r(&Seed) % 3) != 0) {
            ULONGLONG Count = 1 + rand_r(&Seed) % ((rand_r(&Seed) % 8) == 0 ? 300 : 8);
            ULONGLONG Expected = 0, Run = 0, Got;
            for (F = 0; F < Db.HighestFrame; F++) {
                Run = Model[F] ? 0 : Run + 1;
                if (Run == Count) {
                    Expected = (F + 1 - Count) * PAGE_SIZE;
                    break;
                }
            }
            Got = MiAllocateFramesFrom(&Db, Count, 0, ~0ULL);
            assert_int_equal(Got, Expected);
            if (Got != 0) {
                memset(&Model[Got / PAGE_SIZE], 1, Count);
                Live[LiveN] = Got;
                LiveCount[LiveN++] = Count;
            }
        } else if (LiveN > 0) {
            ULONG Victim = (ULONG)(rand_r(&Seed) % LiveN);
            MiFreeFramesTo(&Db, Live[Victim], LiveCount[Victim]);
            memset(&Model[Live[Victim] / PAGE_SIZE], 0, LiveCount[Victim]);
            Live[Victim] = Live[--LiveN];
            LiveCount[Victim] = LiveCount[LiveN];
        }
    }
    for (F = 0; F < Db.HighestFrame; F++) {
        assert_int_equal(MiBitmapTestBit(&Db.Bitmap, F), Model[F]);
    }
}

static void
TestBitmapRunsAcrossWords(void **State)
{
    static ULONGLONG Words[4];
    MI_BITMAP B;

    (void)State;
    MiBitmapInitialize(&B, Words, 200);
    assert_int_equal(B.ClearCount, 0);
    MiBitmapClearRun(&B, 60, 80);           /* spans three words */
    assert_int_equal(B.ClearCount, 80);
    MiBitmapClearRun(&B, 50, 20);           /* half already clear */
    assert_int_equal(B.ClearCount, 90);
    assert_int_equal(MiBitmapFindClearRun(&B, 90, 0, 200), 50);
    assert_int_equal(MiBitmapFindClearRun(&B, 91, 0, 200), MI_BITMAP_NOT_FOUND);
    MiBitmapSetRun(&B, 64, 1);
    assert_int_equal(MiBitmapFindClearRun(&B, 20, 0, 200), 65);
    assert_int_equal(MiBitmapFindClearRun(&B, 10, 0, 200), 50);
    assert_int_equal(MiBitmapFindClearRun(&B, 10, 55, 200), 65);
    assert_int_equal(MiBitmapFindClearRun(&B, 10, 0, 60), 50);
    assert_int_equal(MiBitmapFindClearRun(&B, 10, 0, 59), MI_BITMAP_NOT_FOUND);
    MiBitmapClearRun(&B, 150, 1000);        /* clipped at the end */
    assert_int_equal(B.ClearCount, 89 + 50);
    assert_int_equal(MiBitmapFindClearIn(&B, 60, 10), 60);
    assert_int_equal(MiBitmapFindClearIn(&B, 0, 50), MI_BITMAP_NOT_FOUND);
    assert_true(MiBitmapTestBit(&B, 5000));
}

static void
TestVaWindow(void **State)
{
    static ULONGLONG InUse[2], Starts[2];
    MI_VA_WINDOW W;
    ULONG_PTR A, B, C;
    ULONGLONG Actual;

    (void)State;
    MiInitializeVaWindow(&W, "test", 0xFFFFC00000000000ULL, 100, InUse, Starts);
    A = MiAllocateVa(&W, 3);
    B = MiAllocateVa(&W, 5);
    C = MiAllocateVa(&W, 1);
    assert_int_equal(A, 0xFFFFC00000000000ULL);
    assert_int_equal(B, A + 3 * PAGE_SIZE);
    assert_int_equal(C, B + 5 * PAGE_SIZE);
    assert_int_equal(MiAllocateVa(&W, 0), 0);
    assert_int_equal(MiAllocateVa(&W, 101), 0);

    /* Wrong size, inside an allocation, outside, unaligned: nothing freed. */
    assert_int_equal(MiFreeVa(&W, B, 4, &Actual), MiVaFreeWrongSize);
    assert_int_equal(Actual, 5);
    assert_int_equal(MiFreeVa(&W, B, 6, NULL), MiVaFreeWrongSize);
    assert_int_equal(MiFreeVa(&W, B + PAGE_SIZE, 4, NULL), MiVaFreeNotAllocated);
    assert_int_equal(MiFreeVa(&W, A - PAGE_SIZE, 1, NULL), MiVaFreeOutsideWindow);
    assert_int_equal(MiFreeVa(&W, A + 100 * PAGE_SIZE, 1, NULL), MiVaFreeOutsideWindow);
    assert_int_equal(MiFreeVa(&W, A + 1, 3, NULL), MiVaFreeOutsideWindow);
    assert_int_equal(MiFreeVa(&W, A + 50 * PAGE_SIZE, 1, NULL), MiVaFreeNotAllocated);

    assert_int_equal(MiFreeVa(&W, B, 5, NULL), MiVaFreeOk);
    assert_int_equal(MiFreeVa(&W, B, 5, NULL), MiVaFreeNotAllocated);  /* twice */
    /* The hole is reused, first fit. */
    assert_int_equal(MiAllocateVa(&W, 2), B);
    assert_int_equal(MiAllocateVa(&W, 3), B + 2 * PAGE_SIZE);
    assert_int_equal(MiAllocateVa(&W, 1), C + PAGE_SIZE);
    /* Adjacent allocations keep their own sizes. */
    assert_int_equal(MiFreeVa(&W, B, 5, NULL), MiVaFreeWrongSize);
    assert_int_equal(MiFreeVa(&W, B, 2, NULL), MiVaFreeOk);
    assert_int_equal(MiFreeVa(&W, A, 3, NULL), MiVaFreeOk);
    assert_int_equal(MmTestLocksHeld, 0);
}

int
main(void)
{
    const struct CMUnitTest Tests[] = {
        cmocka_unit_test_setup(TestInitialState, Setup),
        cmocka_unit_test_setup(TestFirstFitAndContiguous, Setup),
        cmocka_unit_test_setup(TestLimits, Setup),
        cmocka_unit_test_setup(TestBoundary, Setup),
        cmocka_unit_test_setup(TestExhaustAndRefill, Setup),
        cmocka_unit_test_setup(TestDoubleFreeBugchecks, Setup),
        cmocka_unit_test_setup(TestBadFreesBugcheck, Setup),
        cmocka_unit_test_setup(TestReserveFrames, Setup),
        cmocka_unit_test_setup(TestRandomAgainstModel, Setup),
        cmocka_unit_test(TestBitmapRunsAcrossWords),
        cmocka_unit_test_setup(TestVaWindow, Setup),
    };
    return cmocka_run_group_tests(Tests, NULL, NULL);
}
