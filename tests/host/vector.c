/*
 * tests/host/vector.c - how hal/vector.c hands out device vectors: the
 * vector's class is its IRQL, so allocation must stay in 0x30-0xCF, spread
 * lines over the device levels, keep a line's vector, and say when it is
 * out of vectors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "hal/halp.h"

static HAL_VECTOR_MAP Map;

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

int
main(void)
{
    const struct CMUnitTest Tests[] = {
        cmocka_unit_test_setup(FirstLinesSpreadFromLevel12Down, Setup),
        cmocka_unit_test_setup(ALineKeepsItsVector, Setup),
        cmocka_unit_test_setup(OnlyDeviceVectorsAndThenNone, Setup),
        cmocka_unit_test_setup(AFullLevelIsSkipped, Setup),
    };

    return cmocka_run_group_tests(Tests, NULL, NULL);
}
