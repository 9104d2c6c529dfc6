/*
 * tests/host/uefi_memmap.c - the UEFI loader's memory map conversion
 * (boot/uefi/memmap.c) against well-formed and hostile maps.
 *
 * Each map is built in a heap buffer of exactly MapSize bytes, so that
 * AddressSanitizer catches any read past the last descriptor, and the bytes
 * a descriptor does not define are filled with junk, so that code which
 * steps by sizeof instead of DescriptorSize reads garbage and fails.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "boot/uefi/memmap.h"

typedef struct {
    uint32_t Type;
    uint64_t Start;
    uint64_t Pages;
} ENTRY;

/* A map of Count descriptors Stride bytes apart, junk in between. */
static unsigned char *
BuildMap(const ENTRY *Entries, size_t Count, size_t Stride)
{
    unsigned char *Map = malloc(Count * Stride != 0 ? Count * Stride : 1);

    assert_non_null(Map);
    memset(Map, 0xA5, Count * Stride);
    for (size_t Index = 0; Index < Count; Index++) {
        UEFI_MEMORY_DESCRIPTOR Descriptor = {
            .Type = Entries[Index].Type,
            .Pad = 0x5A5A5A5A,
            .PhysicalStart = Entries[Index].Start,
            .VirtualStart = 0xDEADBEEF000,
            .NumberOfPages = Entries[Index].Pages,
            .Attribute = 0xF,
        };
        memcpy(Map + Index * Stride, &Descriptor, sizeof(Descriptor));
    }
    return Map;
}

static KESTREL_BOOT_INFO *
NewInfo(void)
{
    KESTREL_BOOT_INFO *Info = calloc(1, sizeof(*Info));

    assert_non_null(Info);
    return Info;
}

static void
AssertRegion(const KESTREL_BOOT_INFO *Info, uint32_t Index, uint64_t Base, uint64_t Length,
             uint32_t Type)
{
    assert_true(Index < Info->MemoryRegionCount);
    assert_int_equal(Info->MemoryRegions[Index].Base, Base);
    assert_int_equal(Info->MemoryRegions[Index].Length, Length);
    assert_int_equal(Info->MemoryRegions[Index].Type, Type);
}

static void
TypesMapAsDocumented(void **State)
{
    static const struct { uint32_t Uefi, Boot; } Table[] = {
        { UEFI_RESERVED_MEMORY_TYPE, BOOT_MEMORY_RESERVED },
        { UEFI_LOADER_CODE, BOOT_MEMORY_FREE },
        { UEFI_LOADER_DATA, BOOT_MEMORY_LOADER },
        { UEFI_BOOT_SERVICES_CODE, BOOT_MEMORY_FREE },
        { UEFI_BOOT_SERVICES_DATA, BOOT_MEMORY_FREE },
        { UEFI_RUNTIME_SERVICES_CODE, BOOT_MEMORY_FIRMWARE },
        { UEFI_RUNTIME_SERVICES_DATA, BOOT_MEMORY_FIRMWARE },
        { UEFI_CONVENTIONAL_MEMORY, BOOT_MEMORY_FREE },
        { UEFI_UNUSABLE_MEMORY, BOOT_MEMORY_BAD },
        { UEFI_ACPI_RECLAIM_MEMORY, BOOT_MEMORY_ACPI_RECLAIM },
        { UEFI_ACPI_MEMORY_NVS, BOOT_MEMORY_ACPI_NVS },
        { UEFI_MEMORY_MAPPED_IO, BOOT_MEMORY_RESERVED },
        { UEFI_MEMORY_MAPPED_IO_PORT_SPACE, BOOT_MEMORY_RESERVED },
        { UEFI_PAL_CODE, BOOT_MEMORY_RESERVED },
        { UEFI_PERSISTENT_MEMORY, BOOT_MEMORY_RESERVED },
        { UEFI_UNACCEPTED_MEMORY, BOOT_MEMORY_RESERVED },
        { 16, BOOT_MEMORY_RESERVED },
        { 0x70000000, BOOT_MEMORY_RESERVED },
        { 0x80000001, BOOT_MEMORY_RESERVED },
    };

    (void)State;
    for (size_t Index = 0; Index < sizeof(Table) / sizeof(Table[0]); Index++) {
        assert_int_equal(UefiMemoryTypeToBoot(Table[Index].Uefi), Table[Index].Boot);
    }
}

/* OVMF's DescriptorSize is 48: the 8 junk bytes after each descriptor must
 * be stepped over, not read as the next one. */
static void
Stride48IsFollowed(void **State)
{
    static const ENTRY Entries[] = {
        { UEFI_CONVENTIONAL_MEMORY, 0x0, 0x9F },
        { UEFI_RESERVED_MEMORY_TYPE, 0xA0000, 0x60 },
        { UEFI_ACPI_RECLAIM_MEMORY, 0x7F000000, 0x10 },
    };
    unsigned char *Map = BuildMap(Entries, 3, 48);
    KESTREL_BOOT_INFO *Info = NewInfo();
    UEFI_MEMMAP_REPORT Report;

    (void)State;
    assert_int_equal(UefiConvertMemoryMap(Map, 3 * 48, 48, Info, &Report), UefiMemmapOk);
    assert_int_equal(Info->MemoryRegionCount, 3);
    assert_int_equal(Report.Descriptors, 3);
    assert_int_equal(Report.Regions, 3);
    AssertRegion(Info, 0, 0x0, 0x9F000, BOOT_MEMORY_FREE);
    AssertRegion(Info, 1, 0xA0000, 0x60000, BOOT_MEMORY_RESERVED);
    AssertRegion(Info, 2, 0x7F000000, 0x10000, BOOT_MEMORY_ACPI_RECLAIM);
    free(Map);
    free(Info);
}

/* The structure's own size (40), and an odd stride (44) that leaves every
 * other descriptor misaligned: UBSan would catch a direct 64-bit load. */
static void
Stride40And44Work(void **State)
{
    static const ENTRY Entries[] = {
        { UEFI_LOADER_DATA, 0x100000, 4 },
        { UEFI_RUNTIME_SERVICES_DATA, 0x200000, 1 },
    };
    size_t Strides[] = { 40, 44 };

    (void)State;
    for (size_t Index = 0; Index < 2; Index++) {
        unsigned char *Map = BuildMap(Entries, 2, Strides[Index]);
        KESTREL_BOOT_INFO *Info = NewInfo();

        assert_int_equal(UefiConvertMemoryMap(Map, 2 * Strides[Index], Strides[Index], Info, NULL),
                         UefiMemmapOk);
        assert_int_equal(Info->MemoryRegionCount, 2);
        AssertRegion(Info, 0, 0x100000, 0x4000, BOOT_MEMORY_LOADER);
        AssertRegion(Info, 1, 0x200000, 0x1000, BOOT_MEMORY_FIRMWARE);
        free(Map);
        free(Info);
    }
}

static void
DescriptorSmallerThanStructureIsRejected(void **State)
{
    static const ENTRY Entries[] = { { UEFI_CONVENTIONAL_MEMORY, 0, 1 } };
    unsigned char *Map = BuildMap(Entries, 1, 48);
    KESTREL_BOOT_INFO *Info = NewInfo();

    (void)State;
    assert_int_equal(UefiConvertMemoryMap(Map, 48, 24, Info, NULL), UefiMemmapDescriptorTooSmall);
    assert_int_equal(UefiConvertMemoryMap(Map, 48, 39, Info, NULL), UefiMemmapDescriptorTooSmall);
    assert_int_equal(UefiConvertMemoryMap(Map, 48, 0, Info, NULL), UefiMemmapDescriptorTooSmall);
    assert_int_equal(Info->MemoryRegionCount, 0);
    assert_non_null(strstr(UefiMemmapStatusText(UefiMemmapDescriptorTooSmall), "DescriptorSize"));
    free(Map);
    free(Info);
}

static void
RaggedMapSizeIsRejected(void **State)
{
    static const ENTRY Entries[] = { { UEFI_CONVENTIONAL_MEMORY, 0, 1 },
                                     { UEFI_CONVENTIONAL_MEMORY, 0x10000, 1 } };
    unsigned char *Map = BuildMap(Entries, 2, 48);
    KESTREL_BOOT_INFO *Info = NewInfo();

    (void)State;
    assert_int_equal(UefiConvertMemoryMap(Map, 2 * 48 - 1, 48, Info, NULL),
                     UefiMemmapSizeNotMultiple);
    /* A DescriptorSize larger than the whole map is the same mistake. */
    assert_int_equal(UefiConvertMemoryMap(Map, 96, 4096, Info, NULL), UefiMemmapSizeNotMultiple);
    assert_int_equal(UefiConvertMemoryMap(NULL, 96, 48, Info, NULL), UefiMemmapNoMap);
    assert_int_equal(UefiConvertMemoryMap(Map, 0, 48, Info, NULL), UefiMemmapNoMap);
    assert_int_equal(Info->MemoryRegionCount, 0);
    free(Map);
    free(Info);
}

static void
EmptyAndMisalignedDescriptorsAreSkipped(void **State)
{
    static const ENTRY Entries[] = {
        { UEFI_CONVENTIONAL_MEMORY, 0x1000, 0 },
        { UEFI_CONVENTIONAL_MEMORY, 0x2001, 1 },
        { UEFI_ACPI_MEMORY_NVS, 0x3000, 1 },
    };
    unsigned char *Map = BuildMap(Entries, 3, 48);
    KESTREL_BOOT_INFO *Info = NewInfo();
    UEFI_MEMMAP_REPORT Report;

    (void)State;
    assert_int_equal(UefiConvertMemoryMap(Map, 3 * 48, 48, Info, &Report), UefiMemmapOk);
    assert_int_equal(Report.EmptySkipped, 1);
    assert_int_equal(Report.MisalignedSkipped, 1);
    assert_int_equal(Info->MemoryRegionCount, 1);
    AssertRegion(Info, 0, 0x3000, 0x1000, BOOT_MEMORY_ACPI_NVS);
    free(Map);
    free(Info);
}

static void
AddressOverflowIsSkipped(void **State)
{
    static const ENTRY Entries[] = {
        { UEFI_CONVENTIONAL_MEMORY, 0xFFFFFFFFFFFFF000ULL, 2 },   /* end wraps */
        { UEFI_CONVENTIONAL_MEMORY, 0x1000, 1ULL << 52 },         /* pages * 4 KiB wraps */
        { UEFI_CONVENTIONAL_MEMORY, 0xFFFFFFFFFFFFF000ULL, 1 },   /* ends at exactly 2^64 */
        { UEFI_CONVENTIONAL_MEMORY, 0x0, UINT64_MAX },
        { UEFI_CONVENTIONAL_MEMORY, 0xFFFFFFFFFFFFE000ULL, 1 },   /* the last one that fits */
    };
    unsigned char *Map = BuildMap(Entries, 5, 48);
    KESTREL_BOOT_INFO *Info = NewInfo();
    UEFI_MEMMAP_REPORT Report;

    (void)State;
    assert_int_equal(UefiConvertMemoryMap(Map, 5 * 48, 48, Info, &Report), UefiMemmapOk);
    assert_int_equal(Report.OverflowSkipped, 4);
    assert_int_equal(Info->MemoryRegionCount, 1);
    AssertRegion(Info, 0, 0xFFFFFFFFFFFFE000ULL, 0x1000, BOOT_MEMORY_FREE);
    free(Map);
    free(Info);
}

/* Runs of free memory fold into one region; a change of type or a gap does
 * not; an overlapping descriptor is kept for the kernel to resolve. */
static void
AdjacentRegionsMergeAndOverlapsAreKept(void **State)
{
    static const ENTRY Entries[] = {
        { UEFI_CONVENTIONAL_MEMORY, 0x100000, 0x100 },     /* 1 MiB .. 2 MiB */
        { UEFI_BOOT_SERVICES_DATA, 0x200000, 0x100 },      /* merges: also free */
        { UEFI_LOADER_CODE, 0x300000, 0x10 },              /* merges */
        { UEFI_LOADER_DATA, 0x310000, 0x10 },              /* new type */
        { UEFI_LOADER_DATA, 0x400000, 0x10 },              /* gap: new region */
        { UEFI_RESERVED_MEMORY_TYPE, 0x180000, 0x10 },     /* overlaps the first */
        { UEFI_LOADER_DATA, 0x410000, 0x10 },              /* after an overlap: no merge */
    };
    unsigned char *Map = BuildMap(Entries, 7, 48);
    KESTREL_BOOT_INFO *Info = NewInfo();
    UEFI_MEMMAP_REPORT Report;

    (void)State;
    assert_int_equal(UefiConvertMemoryMap(Map, 7 * 48, 48, Info, &Report), UefiMemmapOk);
    assert_int_equal(Report.Merged, 2);
    assert_int_equal(Report.Overlaps, 1);
    assert_int_equal(Info->MemoryRegionCount, 5);
    AssertRegion(Info, 0, 0x100000, 0x210000, BOOT_MEMORY_FREE);
    AssertRegion(Info, 1, 0x310000, 0x10000, BOOT_MEMORY_LOADER);
    AssertRegion(Info, 2, 0x400000, 0x10000, BOOT_MEMORY_LOADER);
    AssertRegion(Info, 3, 0x180000, 0x10000, BOOT_MEMORY_RESERVED);
    AssertRegion(Info, 4, 0x410000, 0x10000, BOOT_MEMORY_LOADER);
    free(Map);
    free(Info);
}

/* Regions already in the boot info are not merged into: they came from
 * elsewhere and keep their own identity. */
static void
ExistingRegionsAreLeftAlone(void **State)
{
    static const ENTRY Entries[] = { { UEFI_CONVENTIONAL_MEMORY, 0x200000, 1 } };
    unsigned char *Map = BuildMap(Entries, 1, 48);
    KESTREL_BOOT_INFO *Info = NewInfo();

    (void)State;
    BootInfoAddMemory(Info, 0x100000, 0x100000, BOOT_MEMORY_FREE);
    assert_int_equal(UefiConvertMemoryMap(Map, 48, 48, Info, NULL), UefiMemmapOk);
    assert_int_equal(Info->MemoryRegionCount, 2);
    AssertRegion(Info, 0, 0x100000, 0x100000, BOOT_MEMORY_FREE);
    AssertRegion(Info, 1, 0x200000, 0x1000, BOOT_MEMORY_FREE);
    free(Map);
    free(Info);
}

/* More regions than the boot info holds: the first BOOT_MAX_MEMORY_REGIONS
 * are kept and the rest counted as dropped, never written past the table. */
static void
TooManyRegionsAreReported(void **State)
{
    const size_t Count = BOOT_MAX_MEMORY_REGIONS + 44;
    ENTRY *Entries = calloc(Count, sizeof(*Entries));
    unsigned char *Map;
    KESTREL_BOOT_INFO *Info = NewInfo();
    UEFI_MEMMAP_REPORT Report;

    (void)State;
    assert_non_null(Entries);
    for (size_t Index = 0; Index < Count; Index++) {
        /* Alternate types so that nothing merges. */
        Entries[Index].Type = Index % 2 ? UEFI_LOADER_DATA : UEFI_CONVENTIONAL_MEMORY;
        Entries[Index].Start = 0x100000 + Index * 0x1000;
        Entries[Index].Pages = 1;
    }
    Map = BuildMap(Entries, Count, 48);
    assert_int_equal(UefiConvertMemoryMap(Map, Count * 48, 48, Info, &Report), UefiMemmapOk);
    assert_int_equal(Info->MemoryRegionCount, BOOT_MAX_MEMORY_REGIONS);
    assert_int_equal(Report.Regions, BOOT_MAX_MEMORY_REGIONS);
    assert_int_equal(Report.Dropped, 44);
    AssertRegion(Info, BOOT_MAX_MEMORY_REGIONS - 1,
                 0x100000 + (BOOT_MAX_MEMORY_REGIONS - 1) * 0x1000ULL, 0x1000, BOOT_MEMORY_LOADER);
    free(Entries);
    free(Map);
    free(Info);
}

int
main(void)
{
    const struct CMUnitTest Tests[] = {
        cmocka_unit_test(TypesMapAsDocumented),
        cmocka_unit_test(Stride48IsFollowed),
        cmocka_unit_test(Stride40And44Work),
        cmocka_unit_test(DescriptorSmallerThanStructureIsRejected),
        cmocka_unit_test(RaggedMapSizeIsRejected),
        cmocka_unit_test(EmptyAndMisalignedDescriptorsAreSkipped),
        cmocka_unit_test(AddressOverflowIsSkipped),
        cmocka_unit_test(AdjacentRegionsMergeAndOverlapsAreKept),
        cmocka_unit_test(ExistingRegionsAreLeftAlone),
        cmocka_unit_test(TooManyRegionsAreReported),
    };

    return cmocka_run_group_tests(Tests, NULL, NULL);
}
