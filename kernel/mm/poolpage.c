/*
 * kernel/mm/poolpage.c - where the pool's pages come from.
 *
 * The non-paged pool (pool.c) asks for runs of whole pages. They are
 * physically contiguous frames, used through the direct map, which already
 * maps all RAM read-write and no-execute: no page-table edit is needed, so
 * this works at any IRQL and cannot fail for want of a page table.
 */
#include "kernel/mm/mi.h"

/* Any IRQL. */
PVOID
MiAllocatePoolPages(SIZE_T PageCount)
{
    ULONGLONG Pa;

    if (PageCount == 0) {
        DbgPrint("MiAllocatePoolPages: asked for 0 pages\n");
        return NULL;
    }
    Pa = MiAllocateFrames(PageCount);
    return Pa != 0 ? MiPhysicalToVirtual(Pa) : NULL;
}

/* Any IRQL. Base must be what MiAllocatePoolPages returned; freeing pages
 * that are already free stops the machine (frames.c). */
VOID
MiFreePoolPages(PVOID Base, SIZE_T PageCount)
{
    ULONG_PTR Va = (ULONG_PTR)Base;

    if (!MiKernelTablesActive || Va < MI_DIRECT_MAP_BASE || Va >= MI_IO_SPACE_BASE ||
        (Va & (PAGE_SIZE - 1)) != 0) {
        DbgPrint("MiFreePoolPages(%p, %llu): not pool pages from the direct map\n", Base,
                 (ULONGLONG)PageCount);
        KeBugCheckEx(BAD_POOL_CALLER, 0x4D4D, Va, PageCount, 0);
    }
    MiFreeFrames(MiDirectMapToPhysical(Base), PageCount);
}
