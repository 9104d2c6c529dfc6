/*
 * tests/host/mm_memmap.c - the memory-map sanitizer (kernel/mm/memmap.c).
 *
 * Feeds it the shapes firmware really produces (SeaBIOS e820, OVMF's UEFI
 * map after the loader's translation) and hostile ones (overlaps, zero
 * lengths, wrap-around, unknown types, too many regions), and checks the
 * result against the rules: sorted, disjoint, merged, most restrictive type
 * wins, free RAM whole pages and never below 1 MiB. The random tests compare
 * every range against a brute-force answer.
 */
#include "tests/host/mm_hostenv.h"

#include <stdlib.h>

#define KiB 1024ULL
#define MiB (1024ULL * KiB)
#define GiB (1024ULL * MiB)

static MI_MEMORY_MAP Map;
static BOOT_MEMORY_REGION Regions[BOOT_MAX_MEMORY_REGIONS + 64];
static ULONG RegionCount;

static void
Add(ULONGLONG Base, ULONGLONG Length, ULONG Type)
{
    Regions[RegionCount].Base = Base;
    Regions[RegionCount].Length = Length;
    Regions[RegionCount].Type = Type;
    Regions[RegionCount].Reserved = 0;
    RegionCount++;
}

static int
Setup(void **State)
{
    (void)State;
    RegionCount = 0;
    memset(&Map, 0xA5, sizeof(Map));
    MmTestResetLog();
    return 0;
}

static void
Sanitize(void)
{
    MiSanitizeMemoryMap(Regions, RegionCount, &Map);
}

static void
ExpectRange(ULONG Index, ULONGLONG Base, ULONGLONG End, ULONG Type)
{
    if (Index >= Map.RangeCount) {
        fail_msg("range %u missing: only %u ranges", Index, Map.RangeCount);
    }
    if (Map.Ranges[Index].Base != Base || Map.Ranges[Index].End != End ||
        Map.Ranges[Index].Type != Type) {
        fail_msg("range %u is [0x%llx, 0x%llx) %s, expected [0x%llx, 0x%llx) %s", Index,
                 Map.Ranges[Index].Base, Map.Ranges[Index].End,
                 MiMemoryTypeName(Map.Ranges[Index].Type), Base, End, MiMemoryTypeName(Type));
    }
}

/* The rules every output must keep, whatever the input. */
static void
CheckInvariants(void)
{
    ULONG I;

    assert_true(Map.RangeCount <= MI_MAX_MEMORY_RANGES);
    for (I = 0; I < Map.RangeCount; I++) {
        const MI_MEMORY_RANGE *R = &Map.Ranges[I];
        assert_true(R->Base < R->End);
        assert_true(R->End <= MI_MAX_PHYSICAL_ADDRESS);
        assert_true(R->Type >= BOOT_MEMORY_FREE && R->Type <= BOOT_MEMORY_BAD);
        if (R->Type == BOOT_MEMORY_FREE) {
            assert_true((R->Base & 0xFFF) == 0 && (R->End & 0xFFF) == 0);
            assert_true(R->Base >= MI_LOW_MEMORY_LIMIT);
        }
        if (I > 0) {
            const MI_MEMORY_RANGE *P = &Map.Ranges[I - 1];
            assert_true(P->End <= R->Base);
            /* Touching neighbours of one type would have been merged. */
            assert_false(P->End == R->Base && P->Type == R->Type);
        }
    }
}

/* The type the rules give to physical address Pa, computed the slow way. */
static ULONG
OracleType(ULONGLONG Pa, ULONG Count)
{
    ULONG I, Type = 0;

    for (I = 0; I < Count && I < BOOT_MAX_MEMORY_REGIONS; I++) {
        ULONGLONG Base = Regions[I].Base, Length = Regions[I].Length, End;
        ULONG T = Regions[I].Type;
        if (Length == 0 || Base >= MI_MAX_PHYSICAL_ADDRESS) {
            continue;
        }
        End = Length > MI_MAX_PHYSICAL_ADDRESS - Base ? MI_MAX_PHYSICAL_ADDRESS : Base + Length;
        if (T < 1 || T > 8) {
            T = BOOT_MEMORY_RESERVED;
        }
        if (Base <= Pa && Pa < End && T > Type) {
            Type = T;
        }
    }
    if (Type == BOOT_MEMORY_FREE && Pa < MI_LOW_MEMORY_LIMIT) {
        Type = BOOT_MEMORY_RESERVED;
    }
    return Type;
}

static ULONG
ResultType(ULONGLONG Pa)
{
    ULONG I;

    for (I = 0; I < Map.RangeCount; I++) {
        if (Map.Ranges[I].Base <= Pa && Pa < Map.Ranges[I].End) {
            return Map.Ranges[I].Type;
        }
    }
    return 0;
}

/* QEMU q35 with 128 MiB under SeaBIOS, as GRUB passes it on, plus what the
 * Multiboot2 path lays on top: kernel and boot info. */
static void
TestSeaBiosE820(void **State)
{
    (void)State;
    Add(0, 0x9FC00, BOOT_MEMORY_FREE);
    Add(0x9FC00, 0x400, BOOT_MEMORY_RESERVED);
    Add(0xF0000, 0x10000, BOOT_MEMORY_RESERVED);
    Add(0x100000, 0x7EE0000, BOOT_MEMORY_FREE);
    Add(0x7FE0000, 0x20000, BOOT_MEMORY_RESERVED);
    Add(0xB0000000, 0x10000000, BOOT_MEMORY_RESERVED);
    Add(0xFFFC0000, 0x40000, BOOT_MEMORY_RESERVED);
    Add(0x200000, 0x123456, BOOT_MEMORY_KERNEL);
    Add(0x400000, 0x3000, BOOT_MEMORY_LOADER);
    Sanitize();
    CheckInvariants();
    ExpectRange(0, 0, 0xA0000, BOOT_MEMORY_RESERVED);
    ExpectRange(1, 0xF0000, 0x100000, BOOT_MEMORY_RESERVED);
    ExpectRange(2, 0x100000, 0x200000, BOOT_MEMORY_FREE);
    ExpectRange(3, 0x200000, 0x323456, BOOT_MEMORY_KERNEL);
    ExpectRange(4, 0x324000, 0x400000, BOOT_MEMORY_FREE);
    ExpectRange(5, 0x400000, 0x403000, BOOT_MEMORY_LOADER);
    ExpectRange(6, 0x403000, 0x7FE0000, BOOT_MEMORY_FREE);
    ExpectRange(7, 0x7FE0000, 0x8000000, BOOT_MEMORY_RESERVED);
    ExpectRange(8, 0xB0000000, 0xC0000000, BOOT_MEMORY_RESERVED);
    ExpectRange(9, 0xFFFC0000, 0x100000000, BOOT_MEMORY_RESERVED);
    assert_int_equal(Map.RangeCount, 10);
    /* The loader's overlay is the protocol, not an oddity; the unaligned
     * low region is. */
    assert_null(strstr(MmTestLog, "overlaps"));
    MM_ASSERT_LOG_CONTAINS("region 0 [0x0, 0x9fc00) FREE is not page aligned");
    assert_int_equal(Map.Oddities, 1);
}

/* An OVMF-like map after the UEFI loader's translation: many small adjacent
 * regions of the same kind, out of order, with RAM above 4 GiB. */
static void
TestUefiShape(void **State)
{
    (void)State;
    Add(0x100000000, 1 * GiB, BOOT_MEMORY_FREE);
    Add(0x800000, 0x8000, BOOT_MEMORY_ACPI_NVS);
    Add(0x808000, 0x3000, BOOT_MEMORY_FREE);
    Add(0x80B000, 0x1000, BOOT_MEMORY_ACPI_NVS);
    Add(0x0, 0xA0000, BOOT_MEMORY_FREE);
    Add(0x100000, 0x700000, BOOT_MEMORY_FREE);
    Add(0x80C000, 0x7F4000, BOOT_MEMORY_FREE);
    Add(0x1000000, 0x6000000, BOOT_MEMORY_FREE);
    Add(0x7000000, 0x1000, BOOT_MEMORY_FIRMWARE);
    Add(0x7001000, 0x1000, BOOT_MEMORY_FIRMWARE);
    Add(0x7002000, 0xFE000, BOOT_MEMORY_ACPI_RECLAIM);
    Add(0xFFC00000, 0x400000, BOOT_MEMORY_RESERVED);
    /* The UEFI loader allocated the kernel's pages (LOADER), then reports
     * the image itself as KERNEL on top: the protocol, not an oddity. */
    Add(0x7100000, 0x200000, BOOT_MEMORY_LOADER);
    Add(0x7100000, 0x43000, BOOT_MEMORY_KERNEL);
    Sanitize();
    CheckInvariants();
    ExpectRange(0, 0, 0xA0000, BOOT_MEMORY_RESERVED);
    ExpectRange(1, 0x100000, 0x800000, BOOT_MEMORY_FREE);
    ExpectRange(2, 0x800000, 0x808000, BOOT_MEMORY_ACPI_NVS);
    ExpectRange(3, 0x808000, 0x80B000, BOOT_MEMORY_FREE);
    ExpectRange(4, 0x80B000, 0x80C000, BOOT_MEMORY_ACPI_NVS);
    ExpectRange(5, 0x80C000, 0x7000000, BOOT_MEMORY_FREE);
    ExpectRange(6, 0x7000000, 0x7002000, BOOT_MEMORY_FIRMWARE);
    ExpectRange(7, 0x7002000, 0x7100000, BOOT_MEMORY_ACPI_RECLAIM);
    ExpectRange(8, 0x7100000, 0x7143000, BOOT_MEMORY_KERNEL);
    ExpectRange(9, 0x7143000, 0x7300000, BOOT_MEMORY_LOADER);
    ExpectRange(10, 0xFFC00000, 0x100000000, BOOT_MEMORY_RESERVED);
    ExpectRange(11, 0x100000000, 0x140000000, BOOT_MEMORY_FREE);
    assert_int_equal(Map.RangeCount, 12);
    assert_int_equal(Map.Oddities, 0);
    assert_int_equal(MmTestLogLines, 0);
}

static void
TestOverlapMostRestrictiveWins(void **State)
{
    (void)State;
    Add(1 * MiB, 15 * MiB, BOOT_MEMORY_FREE);
    Add(8 * MiB, 1 * MiB, BOOT_MEMORY_ACPI_NVS);
    Add(12 * MiB, 8 * MiB, BOOT_MEMORY_RESERVED);
    Sanitize();
    CheckInvariants();
    ExpectRange(0, 1 * MiB, 8 * MiB, BOOT_MEMORY_FREE);
    ExpectRange(1, 8 * MiB, 9 * MiB, BOOT_MEMORY_ACPI_NVS);
    ExpectRange(2, 9 * MiB, 12 * MiB, BOOT_MEMORY_FREE);
    ExpectRange(3, 12 * MiB, 20 * MiB, BOOT_MEMORY_RESERVED);
    assert_int_equal(Map.RangeCount, 4);
    MM_ASSERT_LOG_CONTAINS("region 0 [0x100000, 0x1000000) FREE overlaps region 1 "
                           "[0x800000, 0x900000) ACPI_NVS; keeping ACPI_NVS");
    MM_ASSERT_LOG_CONTAINS("region 0 [0x100000, 0x1000000) FREE overlaps region 2 "
                           "[0xc00000, 0x1400000) RESERVED; keeping RESERVED");
    assert_int_equal(Map.Oddities, 2);
}

/* Order must not matter: the less restrictive region coming last still loses. */
static void
TestOverlapOrderIndependent(void **State)
{
    (void)State;
    Add(4 * MiB, 4 * MiB, BOOT_MEMORY_BAD);
    Add(2 * MiB, 8 * MiB, BOOT_MEMORY_FREE);
    Add(2 * MiB, 8 * MiB, BOOT_MEMORY_FREE);
    Sanitize();
    CheckInvariants();
    ExpectRange(0, 2 * MiB, 4 * MiB, BOOT_MEMORY_FREE);
    ExpectRange(1, 4 * MiB, 8 * MiB, BOOT_MEMORY_BAD);
    ExpectRange(2, 8 * MiB, 10 * MiB, BOOT_MEMORY_FREE);
    MM_ASSERT_LOG_CONTAINS("region 1 [0x200000, 0xa00000) overlaps region 2 "
                           "[0x200000, 0xa00000), both FREE; merged");
    MM_ASSERT_LOG_CONTAINS("keeping BAD");
}

static void
TestOddRegions(void **State)
{
    (void)State;
    Add(16 * MiB, 0, BOOT_MEMORY_FREE);                       /* zero length */
    Add(0xFFFFFFFFFFFFF000ULL, 0x2000, BOOT_MEMORY_FREE);     /* wraps 2^64 */
    Add(0xFFFF0000000ULL, ~0ULL, BOOT_MEMORY_RESERVED);       /* runs past 2^52 */
    Add(32 * MiB, 1 * MiB, 0);                                /* unknown type 0 */
    Add(40 * MiB, 1 * MiB, 77);                               /* unknown type 77 */
    Add(0x100800, 0x100000, BOOT_MEMORY_FREE);                /* unaligned both ends */
    Sanitize();
    CheckInvariants();
    ExpectRange(0, 0x101000, 0x200000, BOOT_MEMORY_FREE);
    ExpectRange(1, 32 * MiB, 33 * MiB, BOOT_MEMORY_RESERVED);
    ExpectRange(2, 40 * MiB, 41 * MiB, BOOT_MEMORY_RESERVED);
    ExpectRange(3, 0xFFFF0000000ULL, MI_MAX_PHYSICAL_ADDRESS, BOOT_MEMORY_RESERVED);
    assert_int_equal(Map.RangeCount, 4);
    MM_ASSERT_LOG_CONTAINS("region 0 at 0x1000000 has length 0; ignored");
    MM_ASSERT_LOG_CONTAINS("region 1 base 0xfffffffffffff000 length 0x2000 lies above the "
                           "52-bit physical address limit; ignored");
    MM_ASSERT_LOG_CONTAINS("region 2 base 0xffff0000000 length 0xffffffffffffffff runs past");
    MM_ASSERT_LOG_CONTAINS("region 3 [0x2000000, 0x2100000) has unknown type 0; treated as "
                           "RESERVED");
    MM_ASSERT_LOG_CONTAINS("has unknown type 77");
    MM_ASSERT_LOG_CONTAINS("region 5 [0x100800, 0x200800) FREE is not page aligned");
    assert_int_equal(Map.Oddities, 6);
}

static void
TestLowMemoryNeverFree(void **State)
{
    (void)State;
    Add(0x1000, 0x9E000, BOOT_MEMORY_FREE);
    Add(0x80000, 0x200000, BOOT_MEMORY_FREE); /* straddles 1 MiB */
    Sanitize();
    CheckInvariants();
    ExpectRange(0, 0x1000, 0x100000, BOOT_MEMORY_RESERVED);
    ExpectRange(1, 0x100000, 0x280000, BOOT_MEMORY_FREE);
    assert_int_equal(Map.RangeCount, 2);
}

/* A free sliver smaller than a page vanishes rather than becoming a range. */
static void
TestFreeSliverDropped(void **State)
{
    (void)State;
    Add(0x200100, 0xE00, BOOT_MEMORY_FREE);
    Add(0x300000, 0x1000, BOOT_MEMORY_FREE);
    Sanitize();
    CheckInvariants();
    ExpectRange(0, 0x300000, 0x301000, BOOT_MEMORY_FREE);
    assert_int_equal(Map.RangeCount, 1);
}

static void
TestEmptyAndNull(void **State)
{
    (void)State;
    MiSanitizeMemoryMap(NULL, 5, &Map);
    assert_int_equal(Map.RangeCount, 0);
    MiSanitizeMemoryMap(Regions, 0, &Map);
    assert_int_equal(Map.RangeCount, 0);
    assert_int_equal(Map.Oddities, 0);
}

static void
TestMoreRegionsThanTable(void **State)
{
    ULONG I;

    (void)State;
    for (I = 0; I < BOOT_MAX_MEMORY_REGIONS + 40; I++) {
        /* Disjoint, alternating types so nothing merges. */
        Add(2 * MiB + I * 2 * PAGE_SIZE, PAGE_SIZE,
            (I % 2) ? BOOT_MEMORY_RESERVED : BOOT_MEMORY_FREE);
    }
    Sanitize();
    CheckInvariants();
    assert_int_equal(Map.RangeCount, BOOT_MAX_MEMORY_REGIONS);
    MM_ASSERT_LOG_CONTAINS("the loader reports 296 regions but the table holds 256");
}

/* Hostile maps: many random overlapping regions. The result must keep the
 * rules, agree with the brute-force type at every boundary and in between,
 * and the console must not be flooded. */
static void
TestRandomHostileMaps(void **State)
{
    unsigned Seed = 12345, Round;

    (void)State;
    for (Round = 0; Round < 200; Round++) {
        ULONG Count = 1 + (ULONG)(rand_r(&Seed) % BOOT_MAX_MEMORY_REGIONS), I;
        RegionCount = 0;
        MmTestResetLog();
        for (I = 0; I < Count; I++) {
            ULONGLONG Base = ((ULONGLONG)rand_r(&Seed) % 4096) * 0x10000 +
                             ((rand_r(&Seed) % 4) == 0 ? (ULONGLONG)(rand_r(&Seed) % 4096) : 0);
            ULONGLONG Length = ((ULONGLONG)rand_r(&Seed) % 512) * 0x8000 +
                               ((rand_r(&Seed) % 8) == 0 ? 0x123 : 0);
            ULONG Type = 1 + (ULONG)(rand_r(&Seed) % 9); /* 9 is unknown */
            if ((rand_r(&Seed) % 50) == 0) {
                Base = ~0ULL - (ULONGLONG)(rand_r(&Seed) % 100000);
            }
            Add(Base, Length, Type);
        }
        Sanitize();
        CheckInvariants();
        assert_true(MmTestLogLines <= MI_MAX_REPORTED_ODDITIES + 1);
        for (I = 0; I < RegionCount; I++) {
            ULONGLONG Points[3] = {Regions[I].Base, Regions[I].Base + Regions[I].Length / 2,
                                   Regions[I].Base + Regions[I].Length - 1};
            ULONG P;
            for (P = 0; P < 3; P++) {
                ULONG Expected = OracleType(Points[P], RegionCount);
                ULONG Actual = ResultType(Points[P]);
                if (Expected == BOOT_MEMORY_FREE && Actual == 0) {
                    /* Trimmed: only possible within a page of an unaligned edge. */
                    continue;
                }
                if (Actual != Expected) {
                    fail_msg("round %u: address 0x%llx is %s, expected %s", Round, Points[P],
                             MiMemoryTypeName(Actual), MiMemoryTypeName(Expected));
                }
            }
        }
    }
}

int
main(void)
{
    const struct CMUnitTest Tests[] = {
        cmocka_unit_test_setup(TestSeaBiosE820, Setup),
        cmocka_unit_test_setup(TestUefiShape, Setup),
        cmocka_unit_test_setup(TestOverlapMostRestrictiveWins, Setup),
        cmocka_unit_test_setup(TestOverlapOrderIndependent, Setup),
        cmocka_unit_test_setup(TestOddRegions, Setup),
        cmocka_unit_test_setup(TestLowMemoryNeverFree, Setup),
        cmocka_unit_test_setup(TestFreeSliverDropped, Setup),
        cmocka_unit_test_setup(TestEmptyAndNull, Setup),
        cmocka_unit_test_setup(TestMoreRegionsThanTable, Setup),
        cmocka_unit_test_setup(TestRandomHostileMaps, Setup),
    };
    return cmocka_run_group_tests(Tests, NULL, NULL);
}
