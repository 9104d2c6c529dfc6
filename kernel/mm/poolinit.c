/*
 * kernel/mm/poolinit.c - ExInitializePoolSystem: the system's non-paged pool.
 *
 * Binds the pool allocator (kernel/mm/pool.c) to the memory manager's pool
 * pages (MiAllocatePoolPages, kernel/mm/mi.h). This is the only part of the pool that the host unit tests do not
 * build: they give the allocator pages from aligned_alloc instead.
 */
#include "kernel/mm/pool.h"
#include "kernel/mm/mi.h"

static PVOID
ExpSystemAllocatePages(PVOID Context, SIZE_T PageCount)
{
    UNREFERENCED_PARAMETER(Context);
    return MiAllocatePoolPages(PageCount);
}

static VOID
ExpSystemFreePages(PVOID Context, PVOID Base, SIZE_T PageCount)
{
    UNREFERENCED_PARAMETER(Context);
    MiFreePoolPages(Base, PageCount);
}

static const EXP_POOL_PAGE_SOURCE ExpSystemPageSource = {
    ExpSystemAllocatePages,
    ExpSystemFreePages,
    NULL,
};

/* Runs once at boot, after MmInitSystem, before anything allocates pool. */
VOID
ExInitializePoolSystem(VOID)
{
    ULONG_PTR Flags = ExpAcquirePoolLock();

    ExpInitializePool(&ExpNonPagedPool, &ExpSystemPageSource);
    ExpReleasePoolLock(Flags);
    DbgPrint("Pool: non-paged pool ready: %u size classes up to %u bytes, quarantine of %u "
             "blocks\n",
             EXP_POOL_SIZE_CLASSES,
             ExpNonPagedPool.Classes[EXP_POOL_SIZE_CLASSES - 1].SlotSize - EXP_POOL_HEADER_SIZE -
                 EXP_POOL_MIN_GUARD,
             ExpNonPagedPool.QuarantineDepth);
}
