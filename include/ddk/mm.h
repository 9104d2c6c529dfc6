/*
 * ddk/mm.h - the memory manager (Mm) routines a driver may call. Part of wdm.h.
 *
 * Names, values and signatures follow the WDK (wdm.h): a driver maps its
 * device registers with MmMapIoSpace and unmaps them with MmUnmapIoSpace,
 * and asks for physically contiguous DMA buffers with
 * MmAllocateContiguousMemorySpecifyCache.
 */
#ifndef _KESTREL_DDK_MM_H
#define _KESTREL_DDK_MM_H

/* x86-64 pages are 4 KiB. */
#define PAGE_SIZE 0x1000
#define PAGE_SHIFT 12L

/* The byte offset of an address within its page. */
#define BYTE_OFFSET(Va) ((ULONG)((LONG_PTR)(Va) & (PAGE_SIZE - 1)))

/* The address of the page that holds Va. */
#define PAGE_ALIGN(Va) ((PVOID)((ULONG_PTR)(Va) & ~((ULONG_PTR)PAGE_SIZE - 1)))

/* A byte count rounded up to whole pages. */
#define ROUND_TO_PAGES(Size) \
    (((ULONG_PTR)(Size) + PAGE_SIZE - 1) & ~((ULONG_PTR)PAGE_SIZE - 1))

/* How many pages Size bytes fill, counting a partial last page. */
#define BYTES_TO_PAGES(Size) \
    (((ULONG_PTR)(Size) >> PAGE_SHIFT) + (((ULONG_PTR)(Size) & (PAGE_SIZE - 1)) != 0))

/* How many pages Size bytes starting at Va touch. */
#define ADDRESS_AND_SIZE_TO_SPAN_PAGES(Va, Size) \
    ((BYTE_OFFSET(Va) + ((SIZE_T)(Size)) + (PAGE_SIZE - 1)) >> PAGE_SHIFT)

/* How a mapping is cached (WDK MEMORY_CACHING_TYPE; the values are the WDK's). */
typedef enum _MEMORY_CACHING_TYPE {
    MmNotMapped = -1,
    MmNonCached = FALSE,            /* UC: device registers */
    MmCached = TRUE,                /* WB: ordinary memory */
    MmWriteCombined = 2,            /* WC: frame buffers */
    MmFrameBufferCached = 2,
    MmHardwareCoherentCached = 3,
    MmNonCachedUnordered = 4,
    MmUSWCCached = 5,
    MmMaximumCacheType = 6
} MEMORY_CACHING_TYPE;

/*
 * Maps NumberOfBytes of physical address space (device registers, or any
 * physical range) into kernel virtual address space and returns the address
 * of PhysicalAddress itself (the page's base plus its byte offset), or NULL
 * when the request is invalid or the window is full.
 * IRQL <= DISPATCH_LEVEL.
 */
_Must_inspect_result_ PVOID NTAPI MmMapIoSpace(_In_ PHYSICAL_ADDRESS PhysicalAddress,
                                               _In_ SIZE_T NumberOfBytes,
                                               _In_ MEMORY_CACHING_TYPE CacheType);

/* Unmaps what MmMapIoSpace returned, with the same NumberOfBytes.
 * IRQL <= DISPATCH_LEVEL. */
VOID NTAPI MmUnmapIoSpace(_In_ PVOID BaseAddress, _In_ SIZE_T NumberOfBytes);

/* The physical address a mapped kernel virtual address translates to, or 0
 * when it is not mapped. Any IRQL. */
PHYSICAL_ADDRESS NTAPI MmGetPhysicalAddress(_In_ PVOID BaseAddress);

/* TRUE when reading VirtualAddress would not fault now. Any IRQL. */
BOOLEAN NTAPI MmIsAddressValid(_In_ PVOID VirtualAddress);

/*
 * Physically contiguous, non-paged memory for DMA, mapped with the given
 * caching, wholly within [LowestAcceptableAddress, HighestAcceptableAddress]
 * and not crossing a multiple of BoundaryAddressMultiple (0 for no limit).
 * Returns NULL when no such memory is free. IRQL <= DISPATCH_LEVEL.
 */
_Must_inspect_result_ PVOID NTAPI MmAllocateContiguousMemorySpecifyCache(
    _In_ SIZE_T NumberOfBytes, _In_ PHYSICAL_ADDRESS LowestAcceptableAddress,
    _In_ PHYSICAL_ADDRESS HighestAcceptableAddress,
    _In_opt_ PHYSICAL_ADDRESS BoundaryAddressMultiple, _In_ MEMORY_CACHING_TYPE CacheType);

/* The same, cached, anywhere up to HighestAcceptableAddress. */
_Must_inspect_result_ PVOID NTAPI MmAllocateContiguousMemory(
    _In_ SIZE_T NumberOfBytes, _In_ PHYSICAL_ADDRESS HighestAcceptableAddress);

/* Frees what either of the two above returned. IRQL <= DISPATCH_LEVEL. */
VOID NTAPI MmFreeContiguousMemory(_In_ PVOID BaseAddress);
VOID NTAPI MmFreeContiguousMemorySpecifyCache(_In_ PVOID BaseAddress, _In_ SIZE_T NumberOfBytes,
                                              _In_ MEMORY_CACHING_TYPE CacheType);

#endif /* _KESTREL_DDK_MM_H */
