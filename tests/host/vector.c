/*
 * tests/host/vector.c - how hal/vector.c hands out device vectors: the
 * vector's class is its IRQL, so allocation must stay in 0x30-0xCF, spread
 * lines over the device levels, keep a line's vector, and say when it is
 * out of vectors; and blocks for MSI messages must be aligned, inside one
 * level, and given back whole.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "hal/halp.h"

static HAL_VECTOR_MAP Map;
static char LastMessage[512];

ULONG
DbgPrint(PCSTR Format, ...)
{
    va_list Args;

    va_start(Args, Format);
    vsnprintf(LastMessage, sizeof(LastMessage), Format, Args);
    va_end(Args);
    return 0;
}

static int
Setup(void **State)
{
    (void)State;
    memset(&Map, 0xA5, sizeof(Map));    /* Initialize must not rely on zeroed memory */
    HalpInitializeVectorMap(&Map);
    return 0;
}

static void
FirstLinesSpreadFromLevel12Down(void **State)
{
    ULONG Gsi;

    (void)State;
    for (Gsi = 0; Gsi < 10; Gsi++) {
        ULONG Vector = HalpAllocateDeviceVector(&Map, Gsi, HalActiveHigh, Latched);

        assert_int_equal(Vector, (12 - Gsi) << 4);
        assert_int_equal(HAL_VECTOR_TO_IRQL(Vector), 12 - Gsi);
    }
    /* Every level has 15 free now; the next goes to level 12 again. */
    assert_int_equal(HalpAllocateDeviceVector(&Map, 10, HalActiveLow, LevelSensitive), 0xC1);
}

static void
ALineKeepsItsVector(void **State)
{
    ULONG Vector;

    (void)State;
    assert_int_equal(HalpFindVectorForGsi(&Map, 3), 0);
    Vector = HalpAllocateDeviceVector(&Map, 3, HalActiveLow, LevelSensitive);
    assert_int_equal(HalpFindVectorForGsi(&Map, 3), Vector);
    assert_int_equal(Map.Vectors[Vector].Gsi, 3);
    assert_int_equal(Map.Vectors[Vector].Polarity, HalActiveLow);
    assert_int_equal(Map.Vectors[Vector].FirmwareMode, LevelSensitive);
    assert_int_equal(HalpFindVectorForGsi(&Map, 4), 0);
}

static void
OnlyDeviceVectorsAndThenNone(void **State)
{
    UCHAR Seen[256] = {0};
    ULONG Count, Vector;

    (void)State;
    for (Count = 0; Count < 160; Count++) {
        Vector = HalpAllocateDeviceVector(&Map, 100 + Count, HalActiveHigh, Latched);
        assert_true(Vector >= HAL_FIRST_DEVICE_VECTOR && Vector <= HAL_LAST_DEVICE_VECTOR);
        assert_int_equal(Seen[Vector], 0);
        Seen[Vector] = 1;
    }
    /* 10 levels x 16 vectors: all gone, and the clock, IPI, DPC and APIC
     * vectors were never offered. */
    assert_int_equal(HalpAllocateDeviceVector(&Map, 999, HalActiveHigh, Latched), 0);
    assert_true(Map.Vectors[HAL_DISPATCH_VECTOR].InUse);
    assert_true(!Map.Vectors[HAL_DISPATCH_VECTOR].HasLine);
    assert_true(!Map.Vectors[HAL_CLOCK_VECTOR].HasLine);
    assert_true(!Map.Vectors[HAL_SPURIOUS_VECTOR].HasLine);
}

static void
AFullLevelIsSkipped(void **State)
{
    ULONG Index;

    (void)State;
    /* Level 12 taken by someone else entirely: allocations go to 11 first. */
    for (Index = 0; Index < 16; Index++) {
        Map.Vectors[0xC0 + Index].InUse = TRUE;
    }
    assert_int_equal(HalpAllocateDeviceVector(&Map, 1, HalActiveHigh, Latched), 0xB0);
}

static void
MessageBlocksAreAlignedInOneLevel(void **State)
{
    ULONG Count, First, Index;

    (void)State;
    for (Count = 1; Count <= 16; Count <<= 1) {
        First = HalpAllocateMessageVectors(&Map, Count);
        assert_true(First >= HAL_FIRST_DEVICE_VECTOR && First <= HAL_LAST_DEVICE_VECTOR);
        assert_int_equal(First % Count, 0);                 /* MSI puts the message in the low bits */
        assert_int_equal(First >> 4, (First + Count - 1) >> 4); /* one DIRQL for all messages */
        for (Index = 0; Index < Count; Index++) {
            assert_true(Map.Vectors[First + Index].InUse);
            assert_false(Map.Vectors[First + Index].HasLine);
        }
    }
    /* The line allocator does not hand them out again. */
    for (Index = 0; Index < 160 - 31; Index++) {
        ULONG Vector = HalpAllocateDeviceVector(&Map, Index, HalActiveHigh, Latched);

        assert_true(Vector != 0);
        assert_true(Map.Vectors[Vector].HasLine);
    }
    assert_int_equal(HalpAllocateDeviceVector(&Map, 999, HalActiveHigh, Latched), 0);
    assert_int_equal(HalpAllocateMessageVectors(&Map, 1), 0);
}

static void
MessageBlockSkipsFragmentedLevels(void **State)
{
    ULONG Index, First;

    (void)State;
    /* Levels 12 and 11 keep 8 free vectors each, but never 8 aligned ones. */
    for (Index = 0; Index < 16; Index += 2) {
        Map.Vectors[0xC0 + Index].InUse = TRUE;
        Map.Vectors[0xB0 + Index].InUse = TRUE;
    }
    First = HalpAllocateMessageVectors(&Map, 8);
    assert_int_equal(First, 0xA0);                          /* the next level, first block */
    /* Then the level with the most free vectors, as for lines. */
    assert_int_equal(HalpAllocateMessageVectors(&Map, 8), 0x90);
    assert_int_equal(HalpAllocateMessageVectors(&Map, 1), 0x80);
}

static void
MessageBlocksAreGivenBackWhole(void **State)
{
    ULONG First, Line;

    (void)State;
    assert_int_equal(HalpAllocateMessageVectors(&Map, 3), 0);
    assert_non_null(strstr(LastMessage, "1, 2, 4, 8 or 16"));
    assert_int_equal(HalpAllocateMessageVectors(&Map, 32), 0);
    assert_int_equal(HalpAllocateMessageVectors(&Map, 0), 0);

    First = HalpAllocateMessageVectors(&Map, 4);
    assert_int_equal(HalpFreeMessageVectors(&Map, First, 8), STATUS_INVALID_PARAMETER);
    assert_non_null(strstr(LastMessage, "not allocated"));
    assert_true(Map.Vectors[First].InUse);                  /* a refused free changes nothing */
    assert_int_equal(HalpFreeMessageVectors(&Map, First, 4), STATUS_SUCCESS);
    assert_false(Map.Vectors[First].InUse);
    assert_int_equal(HalpAllocateMessageVectors(&Map, 4), First);

    /* A line's vector and vectors outside the device range are not messages. */
    Line = HalpAllocateDeviceVector(&Map, 5, HalActiveHigh, Latched);
    assert_int_equal(HalpFreeMessageVectors(&Map, Line, 1), STATUS_INVALID_PARAMETER);
    assert_non_null(strstr(LastMessage, "a line's"));
    assert_int_equal(HalpFreeMessageVectors(&Map, HAL_CLOCK_VECTOR, 1), STATUS_INVALID_PARAMETER);
    assert_int_equal(HalpFreeMessageVectors(&Map, 0xCF, 2), STATUS_INVALID_PARAMETER);
}

int
main(void)
{
    const struct CMUnitTest Tests[] = {
        cmocka_unit_test_setup(FirstLinesSpreadFromLevel12Down, Setup),
        cmocka_unit_test_setup(ALineKeepsItsVector, Setup),
        cmocka_unit_test_setup(OnlyDeviceVectorsAndThenNone, Setup),
        cmocka_unit_test_setup(AFullLevelIsSkipped, Setup),
        cmocka_unit_test_setup(MessageBlocksAreAlignedInOneLevel, Setup),
        cmocka_unit_test_setup(MessageBlockSkipsFragmentedLevels, Setup),
        cmocka_unit_test_setup(MessageBlocksAreGivenBackWhole, Setup),
    };

    return cmocka_run_group_tests(Tests, NULL, NULL);
}
