/*
 * kernel/mm/contig.c - MmAllocateContiguousMemory(SpecifyCache) and
 * MmFreeContiguousMemory: physically contiguous buffers for DMA.
 *
 * The frames come from the frame allocator (MiAllocateFramesSpecify),
 * lowest first, within the
 * caller's [Lowest, Highest] window and not crossing a multiple of
 * BoundaryAddressMultiple (a device that cannot DMA across a 64 KiB line,
 * say). Cached buffers are used through the direct map; other caching types
 * get their own mapping in the MMIO window.
 *
 * FIXME: for a non-cached buffer the direct map keeps a write-back alias of
 * the same frames; the SDM (vol. 3A 11.12.4) asks that no page be mapped
 * with two memory types. Splitting the direct map's large page and marking
 * the alias would remove it.
 *
 * MmFreeContiguousMemory gets no size, so every buffer is recorded here.
 */
#include "kernel/mm/mi.h"

#define MI_MAX_CONTIGUOUS_BUFFERS 128

typedef struct _MI_CONTIGUOUS_BUFFER {
    BOOLEAN InUse;
    PVOID Va;
    ULONGLONG Pa;
    SIZE_T Pages;
    MEMORY_CACHING_TYPE CacheType;
} MI_CONTIGUOUS_BUFFER;

static MI_CONTIGUOUS_BUFFER MiContiguousBuffers[MI_MAX_CONTIGUOUS_BUFFERS];
static MI_LOCK MiContiguousLock;

/* IRQL <= DISPATCH_LEVEL. */
PVOID NTAPI
MmAllocateContiguousMemorySpecifyCache(SIZE_T NumberOfBytes, PHYSICAL_ADDRESS Lowest,
                                       PHYSICAL_ADDRESS Highest, PHYSICAL_ADDRESS Boundary,
                                       MEMORY_CACHING_TYPE CacheType)
{
    ULONGLONG Low = (ULONGLONG)Lowest.QuadPart, HighEnd = (ULONGLONG)Highest.QuadPart + 1;
    ULONGLONG Multiple = (ULONGLONG)Boundary.QuadPart, Pa;
    SIZE_T Pages = BYTES_TO_PAGES(NumberOfBytes);
    MI_CONTIGUOUS_BUFFER *Slot = NULL;
    ULONG_PTR Flags;
    PVOID Va;
    ULONG I;

    if (NumberOfBytes == 0 || (Multiple & (PAGE_SIZE - 1)) != 0 ||
        (Multiple != 0 && NumberOfBytes > Multiple)) {
        DbgPrint("MmAllocateContiguousMemory: 0x%llx bytes with boundary 0x%llx: the size must "
                 "be nonzero, the boundary 0 or whole pages no smaller than the size\n",
                 (ULONGLONG)NumberOfBytes, Multiple);
        return NULL;
    }
    if (HighEnd == 0) {         /* Highest was all ones: no limit */
        HighEnd = ~0ULL;
    }
    Flags = MiAcquireLock(&MiContiguousLock);
    for (I = 0; I < MI_MAX_CONTIGUOUS_BUFFERS && Slot == NULL; I++) {
        if (!MiContiguousBuffers[I].InUse) {
            Slot = &MiContiguousBuffers[I];
        }
    }
    if (Slot == NULL) {
        MiReleaseLock(&MiContiguousLock, Flags);
        DbgPrint("MmAllocateContiguousMemory: all %u buffer records are in use\n",
                 MI_MAX_CONTIGUOUS_BUFFERS);
        return NULL;
    }
    Slot->InUse = TRUE;         /* claimed; Va stays NULL until it is filled */
    Slot->Va = NULL;
    MiReleaseLock(&MiContiguousLock, Flags);

    Pa = MiAllocateFramesSpecify(Pages, Low, HighEnd, Multiple);
    if (Pa == 0) {
        Slot->InUse = FALSE;
        return NULL;
    }
    if (CacheType == MmCached || CacheType == MmHardwareCoherentCached) {
        Va = MiPhysicalToVirtual(Pa);
    } else {
        PHYSICAL_ADDRESS Physical;
        Physical.QuadPart = (LONGLONG)Pa;
        Va = MmMapIoSpace(Physical, (SIZE_T)Pages << PAGE_SHIFT, CacheType);
        if (Va == NULL) {
            MiFreeFrames(Pa, Pages);
            Slot->InUse = FALSE;
            return NULL;
        }
    }
    Slot->Pa = Pa;
    Slot->Pages = Pages;
    Slot->CacheType = CacheType;
    Slot->Va = Va;
    return Va;
}

PVOID NTAPI
MmAllocateContiguousMemory(SIZE_T NumberOfBytes, PHYSICAL_ADDRESS HighestAcceptableAddress)
{
    PHYSICAL_ADDRESS Zero;

    Zero.QuadPart = 0;
    return MmAllocateContiguousMemorySpecifyCache(NumberOfBytes, Zero, HighestAcceptableAddress,
                                                  Zero, MmCached);
}

/* Frees the buffer at BaseAddress; Pages = 0 accepts any size. A buffer
 * this file never handed out stops the machine (MEMORY_MANAGEMENT, P1 =
 * 0x4D4D0002 'MM' 2, P2 the address, P3 the size passed). */
static VOID
MiFreeContiguous(PVOID BaseAddress, SIZE_T Pages)
{
    MI_CONTIGUOUS_BUFFER Buffer = {0};
    ULONG_PTR Flags = MiAcquireLock(&MiContiguousLock);
    ULONG I;

    for (I = 0; I < MI_MAX_CONTIGUOUS_BUFFERS; I++) {
        if (MiContiguousBuffers[I].InUse && MiContiguousBuffers[I].Va == BaseAddress &&
            BaseAddress != NULL && (Pages == 0 || MiContiguousBuffers[I].Pages == Pages)) {
            Buffer = MiContiguousBuffers[I];
            MiContiguousBuffers[I].InUse = FALSE;
            MiContiguousBuffers[I].Va = NULL;
            break;
        }
    }
    MiReleaseLock(&MiContiguousLock, Flags);
    if (Buffer.Va == NULL) {
        DbgPrint("MmFreeContiguousMemory(%p): no contiguous buffer%s starts there\n",
                 BaseAddress, Pages ? " of that size" : "");
        KeBugCheckEx(MEMORY_MANAGEMENT, 0x4D4D0002, (ULONG_PTR)BaseAddress, Pages, 0);
    }
    if (Buffer.CacheType != MmCached && Buffer.CacheType != MmHardwareCoherentCached) {
        MmUnmapIoSpace(Buffer.Va, Buffer.Pages << PAGE_SHIFT);
    }
    MiFreeFrames(Buffer.Pa, Buffer.Pages);
}

/* IRQL <= DISPATCH_LEVEL. */
VOID NTAPI
MmFreeContiguousMemory(PVOID BaseAddress)
{
    MiFreeContiguous(BaseAddress, 0);
}

VOID NTAPI
MmFreeContiguousMemorySpecifyCache(PVOID BaseAddress, SIZE_T NumberOfBytes,
                                   MEMORY_CACHING_TYPE CacheType)
{
    UNREFERENCED_PARAMETER(CacheType);
    MiFreeContiguous(BaseAddress, BYTES_TO_PAGES(NumberOfBytes));
}
