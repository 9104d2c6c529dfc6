/*
 * boot/uefi/memmap.c - the UEFI memory map as BOOT_MEMORY_* regions.
 *
 * The loader calls this on the final map, the one whose MapKey it hands to
 * ExitBootServices, so it must not call the firmware: any allocation would
 * change the map. It is pure logic for the same reason it is host-tested: a
 * map is data from outside, and a bad one must be reported, not trusted.
 */
#include <stddef.h>
#include "boot/uefi/memmap.h"

/* Runs anywhere; pure. */
uint32_t
UefiMemoryTypeToBoot(uint32_t UefiType)
{
    switch (UefiType) {
    /* Boot services memory is free once ExitBootServices has returned, and
     * the loader's code is not needed once the kernel runs. The loader's
     * data (boot info, symbols, page tables) is what the kernel still reads. */
    case UEFI_CONVENTIONAL_MEMORY:
    case UEFI_BOOT_SERVICES_CODE:
    case UEFI_BOOT_SERVICES_DATA:
    case UEFI_LOADER_CODE:
        return BOOT_MEMORY_FREE;
    case UEFI_LOADER_DATA:
        return BOOT_MEMORY_LOADER;
    case UEFI_ACPI_RECLAIM_MEMORY:
        return BOOT_MEMORY_ACPI_RECLAIM;
    case UEFI_ACPI_MEMORY_NVS:
        return BOOT_MEMORY_ACPI_NVS;
    case UEFI_RUNTIME_SERVICES_CODE:
    case UEFI_RUNTIME_SERVICES_DATA:
        return BOOT_MEMORY_FIRMWARE;
    case UEFI_UNUSABLE_MEMORY:
        return BOOT_MEMORY_BAD;
    /* MMIO, port space, PAL code, persistent memory (which holds data the
     * kernel has no driver for), unaccepted memory (which must be accepted
     * before use), and every type this loader does not know. */
    default:
        return BOOT_MEMORY_RESERVED;
    }
}

/* Runs anywhere; pure. Reads a descriptor that may sit at any alignment in
 * a map whose stride is not a multiple of 8. */
static UEFI_MEMORY_DESCRIPTOR
UefipReadDescriptor(const unsigned char *Map, uint64_t Offset)
{
    UEFI_MEMORY_DESCRIPTOR Descriptor;

    __builtin_memcpy(&Descriptor, Map + Offset, sizeof(Descriptor));
    return Descriptor;
}

/* Runs anywhere; pure. True when [Base, Base + Length) meets one of the
 * regions this conversion appended (from index First on). */
static int
UefipOverlapsEarlier(const KESTREL_BOOT_INFO *Info, uint32_t First,
                     uint64_t Base, uint64_t Length)
{
    for (uint32_t Index = First; Index < Info->MemoryRegionCount; Index++) {
        const BOOT_MEMORY_REGION *Region = &Info->MemoryRegions[Index];

        if (Base < Region->Base + Region->Length && Region->Base < Base + Length) {
            return 1;
        }
    }
    return 0;
}

/* Runs anywhere; pure. */
UEFI_MEMMAP_STATUS
UefiConvertMemoryMap(const void *Map, uint64_t MapSize, uint64_t DescriptorSize,
                     KESTREL_BOOT_INFO *Info, UEFI_MEMMAP_REPORT *Report)
{
    UEFI_MEMMAP_REPORT Local = { 0 };
    uint32_t First = Info->MemoryRegionCount;

    if (Report == NULL) {
        Report = &Local;
    }
    *Report = (UEFI_MEMMAP_REPORT){ 0 };
    if (Map == NULL || MapSize == 0) {
        return UefiMemmapNoMap;
    }
    if (DescriptorSize < sizeof(UEFI_MEMORY_DESCRIPTOR)) {
        return UefiMemmapDescriptorTooSmall;
    }
    if (MapSize % DescriptorSize != 0) {
        return UefiMemmapSizeNotMultiple;
    }

    for (uint64_t Offset = 0; Offset < MapSize; Offset += DescriptorSize) {
        UEFI_MEMORY_DESCRIPTOR Descriptor = UefipReadDescriptor(Map, Offset);
        uint64_t Base = Descriptor.PhysicalStart;
        uint64_t Length;
        uint32_t Type = UefiMemoryTypeToBoot(Descriptor.Type);
        BOOT_MEMORY_REGION *Last;

        Report->Descriptors++;
        if (Descriptor.NumberOfPages == 0) {
            Report->EmptySkipped++;
            continue;
        }
        if (Base % UEFI_PAGE_SIZE != 0) {
            Report->MisalignedSkipped++;
            continue;
        }
        /* The region must end at or below 2^64: pages * 4 KiB must not
         * overflow, and neither may Base + Length. An end of exactly 2^64
         * cannot be represented as Base + Length, so it is refused too. */
        if (Descriptor.NumberOfPages > UINT64_MAX / UEFI_PAGE_SIZE) {
            Report->OverflowSkipped++;
            continue;
        }
        Length = Descriptor.NumberOfPages * UEFI_PAGE_SIZE;
        if (Base > UINT64_MAX - Length) {
            Report->OverflowSkipped++;
            continue;
        }

        if (UefipOverlapsEarlier(Info, First, Base, Length)) {
            Report->Overlaps++;
        } else if (Info->MemoryRegionCount > First) {
            /* The map is usually sorted, so runs of free memory made of
             * boot-services and conventional descriptors fold into one. */
            Last = &Info->MemoryRegions[Info->MemoryRegionCount - 1];
            if (Last->Type == Type && Last->Base + Last->Length == Base) {
                Last->Length += Length;
                Report->Merged++;
                continue;
            }
        }

        if (BootInfoAddMemory(Info, Base, Length, Type) != 0) {
            Report->Dropped++;
            continue;
        }
        Report->Regions++;
    }
    return UefiMemmapOk;
}

/* Runs anywhere; pure. */
const char *
UefiMemmapStatusText(UEFI_MEMMAP_STATUS Status)
{
    switch (Status) {
    case UefiMemmapOk:
        return "memory map converted";
    case UefiMemmapNoMap:
        return "the firmware returned an empty memory map";
    case UefiMemmapDescriptorTooSmall:
        return "the memory map's DescriptorSize is smaller than EFI_MEMORY_DESCRIPTOR (40 bytes)";
    case UefiMemmapSizeNotMultiple:
        return "the memory map's size is not a multiple of its DescriptorSize";
    }
    return "unknown memory map status";
}
