/*
 * kernel/mm/iospace.c - MmMapIoSpace and MmUnmapIoSpace.
 *
 * Device registers and other physical ranges outside the direct map (PCI
 * BARs, the local APIC, tables in reserved memory) are mapped on demand into
 * a 4 GiB window at 0xFFFFC00000000000 with 4 KiB pages. Any physical
 * address the processor can form is accepted, above 4 GiB too: OVMF places
 * 64-bit BARs there. The caching type picks the PAT index (pte.c):
 *
 *   MmNonCached, MmNonCachedUnordered    UC  (PCD|PWT): registers, strictly ordered
 *   MmCached, MmHardwareCoherentCached   WB
 *   MmWriteCombined, MmUSWCCached        WC  (PAT entry 4; UC- without a PAT)
 *
 * As in the WDK, the result points at PhysicalAddress itself: the page's
 * mapping plus the address's byte offset within its page.
 */
#include "kernel/mm/mi.h"

static MI_VA_WINDOW MiIoSpace;

#define MI_IO_SPACE_PAGES (MI_IO_SPACE_SIZE >> PAGE_SHIFT)

/* Runs once in MmInitSystem, after the switch to the kernel's tables. */
VOID
MiInitializeIoSpace(VOID)
{
    SIZE_T BitmapPages = ROUND_TO_PAGES(MI_BITMAP_BYTES(MI_IO_SPACE_PAGES)) >> PAGE_SHIFT;
    PULONGLONG InUse = MiAllocatePoolPages(BitmapPages);
    PULONGLONG Starts = MiAllocatePoolPages(BitmapPages);

    if (InUse == NULL || Starts == NULL) {
        DbgPrint("Mm: no memory for the MMIO window's bitmaps (%llu pages)\n",
                 (ULONGLONG)BitmapPages * 2);
        KeBugCheckEx(PHASE0_INITIALIZATION_FAILED, 0x4D4D, 1, 0, 0);
    }
    MiInitializeVaWindow(&MiIoSpace, "MMIO window", MI_IO_SPACE_BASE, MI_IO_SPACE_PAGES, InUse,
                         Starts);
}

/* The mapping flags for a caching type, or FALSE when it is not one. */
static BOOLEAN
MiCacheTypeFlags(MEMORY_CACHING_TYPE CacheType, PULONG MapFlags)
{
    switch (CacheType) {
    case MmNonCached:
    case MmNonCachedUnordered:
        *MapFlags = MI_MAP_CACHE_UC;
        return TRUE;
    case MmCached:
    case MmHardwareCoherentCached:
        *MapFlags = MI_MAP_CACHE_WB;
        return TRUE;
    case MmWriteCombined:
    case MmUSWCCached:
        *MapFlags = MI_MAP_CACHE_WC;
        return TRUE;
    default:
        return FALSE;
    }
}

/* Undoes the first Mapped pages of a mapping at Va. */
static VOID
MiUnmapPages(ULONG_PTR Va, ULONGLONG Mapped)
{
    ULONGLONG Page;

    for (Page = 0; Page < Mapped; Page++) {
        MiUnmapPage(Va + (Page << PAGE_SHIFT));
    }
}

/* IRQL <= DISPATCH_LEVEL (the window's lock keeps interrupts off while held). */
PVOID NTAPI
MmMapIoSpace(PHYSICAL_ADDRESS PhysicalAddress, SIZE_T NumberOfBytes,
             MEMORY_CACHING_TYPE CacheType)
{
    ULONGLONG Pa = (ULONGLONG)PhysicalAddress.QuadPart, Pages, Page;
    ULONG MapFlags = 0;
    ULONG_PTR Va;

    if (NumberOfBytes == 0) {
        DbgPrint("MmMapIoSpace: physical 0x%llx: NumberOfBytes is 0; nothing to map\n", Pa);
        return NULL;
    }
    if (Pa >= MI_MAX_PHYSICAL_ADDRESS || NumberOfBytes > MI_MAX_PHYSICAL_ADDRESS - Pa) {
        DbgPrint("MmMapIoSpace: physical 0x%llx + 0x%llx bytes lies beyond the 52-bit physical "
                 "address space\n", Pa, (ULONGLONG)NumberOfBytes);
        return NULL;
    }
    if (!MiCacheTypeFlags(CacheType, &MapFlags)) {
        DbgPrint("MmMapIoSpace: physical 0x%llx: %d is not a MEMORY_CACHING_TYPE\n", Pa,
                 (int)CacheType);
        return NULL;
    }
    if (MiIoSpace.PageCount == 0) {
        DbgPrint("MmMapIoSpace: physical 0x%llx: called before MmInitSystem\n", Pa);
        return NULL;
    }
    Pages = ADDRESS_AND_SIZE_TO_SPAN_PAGES(Pa, NumberOfBytes);
    Va = MiAllocateVa(&MiIoSpace, Pages);
    if (Va == 0) {
        DbgPrint("MmMapIoSpace: physical 0x%llx: no room for %llu pages in the %s\n", Pa, Pages,
                 MiIoSpace.Name);
        return NULL;
    }
    for (Page = 0; Page < Pages; Page++) {
        NTSTATUS Status = MiMapPage(Va + (Page << PAGE_SHIFT),
                                    (Pa & ~((ULONGLONG)PAGE_SIZE - 1)) + (Page << PAGE_SHIFT),
                                    PAGE_SIZE, MapFlags | MI_MAP_WRITE);
        if (!NT_SUCCESS(Status)) {
            DbgPrint("MmMapIoSpace: physical 0x%llx: mapping page %llu failed (0x%08x)\n", Pa,
                     Page, (ULONG)Status);
            MiUnmapPages(Va, Page);
            MiFreeVa(&MiIoSpace, Va, Pages, NULL);
            return NULL;
        }
    }
    return (PVOID)(Va + BYTE_OFFSET(Pa));
}

/*
 * IRQL <= DISPATCH_LEVEL. A bad unmap is a driver bug that would otherwise
 * tear down another driver's registers later: it stops the machine with
 * SYSTEM_PTE_MISUSE, parameter 1 = 2 (the number of mappings being freed is
 * wrong: P3 expected, P4 asked) or 3 (the address being freed is wrong:
 * P4 the address), as the WDK documents for bugcheck 0xDA.
 */
VOID NTAPI
MmUnmapIoSpace(PVOID BaseAddress, SIZE_T NumberOfBytes)
{
    ULONG_PTR Va = (ULONG_PTR)BaseAddress;
    ULONGLONG Pages = ADDRESS_AND_SIZE_TO_SPAN_PAGES(Va, NumberOfBytes), Actual = 0;
    ULONG_PTR PageVa = (ULONG_PTR)PAGE_ALIGN(Va);
    MI_VA_FREE_RESULT Result;

    if (NumberOfBytes == 0) {
        DbgPrint("MmUnmapIoSpace(%p): NumberOfBytes is 0; pass the size given to "
                 "MmMapIoSpace\n", BaseAddress);
        KeBugCheckEx(SYSTEM_PTE_MISUSE, 2, 0, 0, 0);
    }
    Result = MiFreeVa(&MiIoSpace, PageVa, Pages, &Actual);
    switch (Result) {
    case MiVaFreeOk:
        MiUnmapPages(PageVa, Pages);
        return;
    case MiVaFreeWrongSize:
        DbgPrint("MmUnmapIoSpace(%p, 0x%llx): the mapping there is %llu pages, not %llu\n",
                 BaseAddress, (ULONGLONG)NumberOfBytes, Actual, Pages);
        KeBugCheckEx(SYSTEM_PTE_MISUSE, 2, 0, Actual, Pages);
    case MiVaFreeOutsideWindow:
        DbgPrint("MmUnmapIoSpace(%p, 0x%llx): not an address MmMapIoSpace returns (the %s "
                 "is [%p, +4 GiB))\n", BaseAddress, (ULONGLONG)NumberOfBytes, MiIoSpace.Name,
                 (PVOID)MiIoSpace.Base);
        KeBugCheckEx(SYSTEM_PTE_MISUSE, 3, 0, 0, Va);
    case MiVaFreeNotAllocated:
    default:
        DbgPrint("MmUnmapIoSpace(%p, 0x%llx): nothing is mapped there (never mapped, already "
                 "unmapped, or not the start of a mapping)\n", BaseAddress,
                 (ULONGLONG)NumberOfBytes);
        KeBugCheckEx(SYSTEM_PTE_MISUSE, 3, 0, 0, Va);
    }
}
