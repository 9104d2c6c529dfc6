/*
 * kernel/mm/memmap.c - turning the loader's memory map into one Mm can trust.
 *
 * Firmware maps are messy. e820 tables (ACPI 6.5 section 15, INT 15h E820h)
 * come unsorted, overlap, carry zero-length or unaligned entries; UEFI maps
 * (UEFI 2.10 section 7.2, GetMemoryMap) are page aligned but the loader lays
 * its own regions (kernel, symbols, boot info) on top of free ones. This file
 * resolves all of it with a boundary sweep: every region start and end is a
 * boundary; between two neighbouring boundaries every region covering that
 * stretch votes and the most restrictive type (largest BOOT_MEMORY_* value)
 * wins. The result is sorted, disjoint and merged.
 *
 * Pure logic: no hardware access, host-tested by tests/host/mm_memmap.c.
 */
#include "kernel/mm/mi.h"

#define MI_PAGE_MASK ((ULONGLONG)PAGE_SIZE - 1)

static PCSTR MiTypeNames[] = {
    "INVALID", "FREE", "ACPI_RECLAIM", "LOADER", "KERNEL",
    "ACPI_NVS", "FIRMWARE", "RESERVED", "BAD",
};

PCSTR
MiMemoryTypeName(ULONG Type)
{
    return Type < RTL_NUMBER_OF(MiTypeNames) ? MiTypeNames[Type] : "UNKNOWN";
}

BOOLEAN
MiIsRamType(ULONG Type)
{
    return Type >= BOOT_MEMORY_FREE && Type <= BOOT_MEMORY_FIRMWARE;
}

/* Counts every oddity, prints the first few: a hostile map with thousands of
 * overlaps must not bury the console. */
#define MiReportOddity(Map, ...)                                              \
    do {                                                                      \
        if (++(Map)->Oddities <= MI_MAX_REPORTED_ODDITIES) {                  \
            DbgPrint("memory map: " __VA_ARGS__);                             \
        }                                                                     \
    } while (0)

/* Checks one reported region and stores its usable part in Map->Input[Index]
 * (Type 0 when nothing of it is usable). */
static VOID
MiCheckRegion(PMI_MEMORY_MAP Map, ULONG Index, const BOOT_MEMORY_REGION *Region)
{
    PMI_MEMORY_RANGE Range = &Map->Input[Index];
    ULONGLONG Base = Region->Base, Length = Region->Length, End;
    ULONG Type = Region->Type;

    Range->Type = 0;
    Range->Reserved = 0;
    if (Length == 0) {
        MiReportOddity(Map, "region %u at 0x%llx has length 0; ignored\n", Index, Base);
        return;
    }
    if (Base >= MI_MAX_PHYSICAL_ADDRESS) {
        MiReportOddity(Map, "region %u base 0x%llx length 0x%llx lies above the 52-bit physical "
                       "address limit; ignored\n", Index, Base, Length);
        return;
    }
    if (Length > MI_MAX_PHYSICAL_ADDRESS - Base) {
        MiReportOddity(Map, "region %u base 0x%llx length 0x%llx runs past the 52-bit physical "
                       "address limit; clipped to 0x%llx\n", Index, Base, Length,
                       MI_MAX_PHYSICAL_ADDRESS);
        Length = MI_MAX_PHYSICAL_ADDRESS - Base;
    }
    End = Base + Length;
    if (Type < BOOT_MEMORY_FREE || Type > BOOT_MEMORY_BAD) {
        MiReportOddity(Map, "region %u [0x%llx, 0x%llx) has unknown type %u; treated as "
                       "RESERVED\n", Index, Base, End, Type);
        Type = BOOT_MEMORY_RESERVED;
    }
    if (Type == BOOT_MEMORY_FREE && ((Base | End) & MI_PAGE_MASK) != 0) {
        MiReportOddity(Map, "region %u [0x%llx, 0x%llx) FREE is not page aligned; only whole "
                       "pages inside it are used\n", Index, Base, End);
    }
    Range->Base = Base;
    Range->End = End;
    Range->Type = Type;
}

/* Loaders are told to report what they placed (kernel, symbols, boot info) as
 * LOADER or KERNEL regions on top of the region they took it from: FREE, or
 * for the kernel image the LOADER memory a UEFI loader allocated for it. That
 * overlap is the protocol, not an oddity. */
static BOOLEAN
MiIsLoaderOverlay(const MI_MEMORY_RANGE *A, const MI_MEMORY_RANGE *B)
{
    const MI_MEMORY_RANGE *Outer = A->Type < B->Type ? A : B;
    const MI_MEMORY_RANGE *Inner = Outer == A ? B : A;

    return (Outer->Type == BOOT_MEMORY_FREE || Outer->Type == BOOT_MEMORY_LOADER) &&
           (Inner->Type == BOOT_MEMORY_LOADER || Inner->Type == BOOT_MEMORY_KERNEL) &&
           Outer->Type < Inner->Type && Inner->Base >= Outer->Base && Inner->End <= Outer->End;
}

static VOID
MiReportOverlaps(PMI_MEMORY_MAP Map, ULONG Count)
{
    ULONG I, J;

    for (I = 0; I < Count; I++) {
        const MI_MEMORY_RANGE *A = &Map->Input[I];
        if (A->Type == 0) {
            continue;
        }
        for (J = I + 1; J < Count; J++) {
            const MI_MEMORY_RANGE *B = &Map->Input[J];
            if (B->Type == 0 || B->Base >= A->End || A->Base >= B->End ||
                MiIsLoaderOverlay(A, B)) {
                continue;
            }
            if (A->Type == B->Type) {
                MiReportOddity(Map, "region %u [0x%llx, 0x%llx) overlaps region %u "
                               "[0x%llx, 0x%llx), both %s; merged\n", I, A->Base, A->End, J,
                               B->Base, B->End, MiMemoryTypeName(A->Type));
            } else {
                MiReportOddity(Map, "region %u [0x%llx, 0x%llx) %s overlaps region %u "
                               "[0x%llx, 0x%llx) %s; keeping %s\n", I, A->Base, A->End,
                               MiMemoryTypeName(A->Type), J, B->Base, B->End,
                               MiMemoryTypeName(B->Type),
                               MiMemoryTypeName(A->Type > B->Type ? A->Type : B->Type));
            }
        }
    }
}

/* Sorts and removes duplicates; returns the number of distinct boundaries.
 * Insertion sort: at most 512 values, once per boot. */
static ULONG
MiSortBoundaries(PULONGLONG Values, ULONG Count)
{
    ULONG I, J, Distinct = 0;

    for (I = 1; I < Count; I++) {
        ULONGLONG Value = Values[I];
        for (J = I; J > 0 && Values[J - 1] > Value; J--) {
            Values[J] = Values[J - 1];
        }
        Values[J] = Value;
    }
    for (I = 0; I < Count; I++) {
        if (Distinct == 0 || Values[Distinct - 1] != Values[I]) {
            Values[Distinct++] = Values[I];
        }
    }
    return Distinct;
}

/* Appends [Base, End) of Type to the output, merging with the last range
 * when it touches it with the same type. */
static VOID
MiAppendRange(PMI_MEMORY_MAP Map, ULONGLONG Base, ULONGLONG End, ULONG Type)
{
    PMI_MEMORY_RANGE Last = Map->RangeCount ? &Map->Ranges[Map->RangeCount - 1] : NULL;

    if (Base >= End) {
        return;
    }
    if (Last != NULL && Last->Type == Type && Last->End == Base) {
        Last->End = End;
        return;
    }
    if (Map->RangeCount == MI_MAX_MEMORY_RANGES) {
        /* Cannot happen (see MI_MAX_MEMORY_RANGES), but a full table must
         * lose a range loudly rather than overrun. */
        MiReportOddity(Map, "too many ranges; [0x%llx, 0x%llx) %s dropped\n", Base, End,
                       MiMemoryTypeName(Type));
        return;
    }
    Map->Ranges[Map->RangeCount].Base = Base;
    Map->Ranges[Map->RangeCount].End = End;
    Map->Ranges[Map->RangeCount].Type = Type;
    Map->Ranges[Map->RangeCount].Reserved = 0;
    Map->RangeCount++;
}

/* Shrinks free ranges to whole pages, in place (ranges only shrink or vanish).
 * Done after the sweep has merged them, so that free pieces meet first. */
static VOID
MiTrimFreeRanges(PMI_MEMORY_MAP Map)
{
    ULONG I, Out = 0;

    for (I = 0; I < Map->RangeCount; I++) {
        MI_MEMORY_RANGE Range = Map->Ranges[I];
        if (Range.Type == BOOT_MEMORY_FREE) {
            Range.Base = (Range.Base + MI_PAGE_MASK) & ~MI_PAGE_MASK;
            Range.End &= ~MI_PAGE_MASK;
            if (Range.Base >= Range.End) {
                continue;
            }
        }
        Map->Ranges[Out++] = Range;
    }
    Map->RangeCount = Out;
}

VOID
MiSanitizeMemoryMap(const BOOT_MEMORY_REGION *Regions, ULONG RegionCount, PMI_MEMORY_MAP Map)
{
    ULONG Count = RegionCount, I, K, BoundaryCount = 0, Distinct;

    Map->RangeCount = 0;
    Map->Oddities = 0;
    if (Regions == NULL) {
        Count = 0;
    }
    if (Count > BOOT_MAX_MEMORY_REGIONS) {
        MiReportOddity(Map, "the loader reports %u regions but the table holds %u; using the "
                       "first %u\n", RegionCount, BOOT_MAX_MEMORY_REGIONS,
                       BOOT_MAX_MEMORY_REGIONS);
        Count = BOOT_MAX_MEMORY_REGIONS;
    }
    for (I = 0; I < Count; I++) {
        MiCheckRegion(Map, I, &Regions[I]);
        if (Map->Input[I].Type != 0) {
            Map->Boundaries[BoundaryCount++] = Map->Input[I].Base;
            Map->Boundaries[BoundaryCount++] = Map->Input[I].End;
        }
    }
    /* A boundary at 1 MiB, so that no stretch of the sweep straddles it. */
    Map->Boundaries[BoundaryCount++] = MI_LOW_MEMORY_LIMIT;
    MiReportOverlaps(Map, Count);

    Distinct = MiSortBoundaries(Map->Boundaries, BoundaryCount);
    for (K = 0; K + 1 < Distinct; K++) {
        ULONGLONG Low = Map->Boundaries[K], High = Map->Boundaries[K + 1];
        ULONG Type = 0;
        for (I = 0; I < Count; I++) {
            const MI_MEMORY_RANGE *In = &Map->Input[I];
            if (In->Type > Type && In->Base <= Low && Low < In->End) {
                Type = In->Type;
            }
        }
        /* Free RAM below 1 MiB stays with the BIOS and real-mode users. */
        if (Type == BOOT_MEMORY_FREE && Low < MI_LOW_MEMORY_LIMIT) {
            Type = BOOT_MEMORY_RESERVED;
        }
        if (Type != 0) {
            MiAppendRange(Map, Low, High, Type);
        }
    }
    MiTrimFreeRanges(Map);

    if (Map->Oddities > MI_MAX_REPORTED_ODDITIES) {
        DbgPrint("memory map: %u more oddities not shown\n",
                 Map->Oddities - MI_MAX_REPORTED_ODDITIES);
    }
}
