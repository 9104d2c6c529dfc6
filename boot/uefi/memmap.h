/*
 * boot/uefi/memmap.h - turning the UEFI memory map into BOOT_MEMORY_* regions.
 *
 * Pure logic (no firmware calls, only <stdint.h> types), so that the host
 * test tests/host/uefi_memmap.c can feed it hostile maps under ASan/UBSan.
 * The descriptor layout is restated here from the UEFI specification 2.10,
 * section 7.2.3 (EFI_BOOT_SERVICES.GetMemoryMap), instead of being taken from
 * GNU-EFI's headers, which do not build on the host.
 */
#ifndef KESTREL_BOOT_UEFI_MEMMAP_H
#define KESTREL_BOOT_UEFI_MEMMAP_H

#include <stdint.h>
#include "boot/bootinfo.h"

/* UEFI 2.10, 7.2.1, EFI_MEMORY_TYPE. Values the firmware may add later
 * (and OEM/OS ranges 0x70000000+ and 0x80000000+) are kept as reserved. */
#define UEFI_RESERVED_MEMORY_TYPE       0
#define UEFI_LOADER_CODE                1
#define UEFI_LOADER_DATA                2
#define UEFI_BOOT_SERVICES_CODE         3
#define UEFI_BOOT_SERVICES_DATA         4
#define UEFI_RUNTIME_SERVICES_CODE      5
#define UEFI_RUNTIME_SERVICES_DATA      6
#define UEFI_CONVENTIONAL_MEMORY        7
#define UEFI_UNUSABLE_MEMORY            8
#define UEFI_ACPI_RECLAIM_MEMORY        9
#define UEFI_ACPI_MEMORY_NVS            10
#define UEFI_MEMORY_MAPPED_IO           11
#define UEFI_MEMORY_MAPPED_IO_PORT_SPACE 12
#define UEFI_PAL_CODE                   13
#define UEFI_PERSISTENT_MEMORY          14
#define UEFI_UNACCEPTED_MEMORY          15

#define UEFI_PAGE_SIZE 4096ULL

/*
 * EFI_MEMORY_DESCRIPTOR, version 1 (UEFI 2.10, 7.2.3). The firmware's
 * DescriptorSize may be larger than this (OVMF's is 48) so that fields can
 * be added later: always step through the map by DescriptorSize, never by
 * sizeof(UEFI_MEMORY_DESCRIPTOR).
 */
typedef struct _UEFI_MEMORY_DESCRIPTOR {
    uint32_t Type;
    uint32_t Pad;
    uint64_t PhysicalStart;
    uint64_t VirtualStart;
    uint64_t NumberOfPages;
    uint64_t Attribute;
} UEFI_MEMORY_DESCRIPTOR;

/* What UefiConvertMemoryMap made of a map. Status is fatal (nothing was
 * added); the counters are warnings the loader prints. */
typedef enum _UEFI_MEMMAP_STATUS {
    UefiMemmapOk = 0,
    UefiMemmapNoMap,                    /* NULL buffer or size 0 */
    UefiMemmapDescriptorTooSmall,       /* DescriptorSize < 40 */
    UefiMemmapSizeNotMultiple,          /* MapSize % DescriptorSize != 0 */
} UEFI_MEMMAP_STATUS;

typedef struct _UEFI_MEMMAP_REPORT {
    uint32_t Descriptors;       /* descriptors read */
    uint32_t Regions;           /* regions appended to the boot info */
    uint32_t Merged;            /* descriptors folded into the region before */
    uint32_t EmptySkipped;      /* NumberOfPages == 0 */
    uint32_t MisalignedSkipped; /* PhysicalStart not 4 KiB aligned */
    uint32_t OverflowSkipped;   /* start + pages * 4 KiB past 2^64 */
    uint32_t Overlaps;          /* overlaps an earlier descriptor (kept) */
    uint32_t Dropped;           /* lost because the region table was full */
} UEFI_MEMMAP_REPORT;

/* The BOOT_MEMORY_* type for a UEFI memory type, as memory looks after
 * ExitBootServices (UEFI 2.10, 7.2.1, "Memory Type Usage after
 * ExitBootServices()"). */
uint32_t UefiMemoryTypeToBoot(uint32_t UefiType);

/*
 * Appends the regions of a UEFI memory map to Info. Adjacent descriptors of
 * the same resulting type are merged, so that OVMF's ~100 descriptors fit in
 * BOOT_MAX_MEMORY_REGIONS with room for what the loader adds. Overlapping
 * descriptors are passed through (the kernel's sanitizer resolves them) and
 * counted. Report may be NULL.
 */
UEFI_MEMMAP_STATUS UefiConvertMemoryMap(const void *Map, uint64_t MapSize,
                                        uint64_t DescriptorSize,
                                        KESTREL_BOOT_INFO *Info,
                                        UEFI_MEMMAP_REPORT *Report);

/* A sentence for a status, for the loader's error message. */
const char *UefiMemmapStatusText(UEFI_MEMMAP_STATUS Status);

#endif /* KESTREL_BOOT_UEFI_MEMMAP_H */
