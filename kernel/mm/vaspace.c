/*
 * kernel/mm/vaspace.c - handing out pages of a kernel virtual window.
 *
 * The MMIO window (MmMapIoSpace) and the stack window (MmCreateKernelStack)
 * are fixed stretches of kernel address space. Each keeps two bitmaps over
 * its pages: which are in use, and where each allocation starts. The second
 * lets MiFreeVa check that a caller frees exactly what it was given - an
 * allocation starts at Va, it is PageCount pages long, and the page after it
 * is free or starts another allocation - instead of silently releasing a
 * neighbour's pages when a driver passes the wrong size to MmUnmapIoSpace.
 *
 * Pure logic apart from the lock: host-tested by tests/host/mm_frames.c.
 */
#include "kernel/mm/mi.h"

VOID
MiInitializeVaWindow(PMI_VA_WINDOW Window, PCSTR Name, ULONG_PTR Base, ULONGLONG PageCount,
                     PULONGLONG InUseBits, PULONGLONG StartBits)
{
    Window->Name = Name;
    Window->Base = Base;
    Window->PageCount = PageCount;
    Window->Lock.Held = 0;
    MiBitmapInitialize(&Window->InUse, InUseBits, PageCount);
    MiBitmapClearRun(&Window->InUse, 0, PageCount);
    /* Starts is only tested, never searched: clear means "no allocation starts here". */
    MiBitmapInitialize(&Window->Starts, StartBits, PageCount);
    MiBitmapClearRun(&Window->Starts, 0, PageCount);
}

ULONG_PTR
MiAllocateVa(PMI_VA_WINDOW Window, ULONGLONG PageCount)
{
    ULONG_PTR Flags = MiAcquireLock(&Window->Lock);
    ULONGLONG Page = MiBitmapFindClearRun(&Window->InUse, PageCount, 0, Window->PageCount);
    ULONG_PTR Va = 0;

    if (Page != MI_BITMAP_NOT_FOUND) {
        MiBitmapSetRun(&Window->InUse, Page, PageCount);
        MiBitmapSetRun(&Window->Starts, Page, 1);
        Va = Window->Base + (Page << PAGE_SHIFT);
    }
    MiReleaseLock(&Window->Lock, Flags);
    return Va;
}

/* The length of the allocation that starts at First: up to the next free
 * page or the next start. */
static ULONGLONG
MiAllocationLength(const MI_VA_WINDOW *Window, ULONGLONG First)
{
    ULONGLONG Page = First + 1;

    while (Page < Window->PageCount && MiBitmapTestBit(&Window->InUse, Page) &&
           !MiBitmapTestBit(&Window->Starts, Page)) {
        Page++;
    }
    return Page - First;
}

MI_VA_FREE_RESULT
MiFreeVa(PMI_VA_WINDOW Window, ULONG_PTR Va, ULONGLONG PageCount, PULONGLONG ActualPages)
{
    MI_VA_FREE_RESULT Result = MiVaFreeOk;
    ULONGLONG First, Length = 0;
    ULONG_PTR Flags;

    if (Va < Window->Base || ((Va - Window->Base) >> PAGE_SHIFT) >= Window->PageCount ||
        (Va & (PAGE_SIZE - 1)) != 0) {
        return MiVaFreeOutsideWindow;
    }
    First = (Va - Window->Base) >> PAGE_SHIFT;
    Flags = MiAcquireLock(&Window->Lock);
    if (!MiBitmapTestBit(&Window->Starts, First) || !MiBitmapTestBit(&Window->InUse, First)) {
        Result = MiVaFreeNotAllocated;
    } else {
        Length = MiAllocationLength(Window, First);
        if (Length != PageCount) {
            Result = MiVaFreeWrongSize;
        } else {
            MiBitmapClearRun(&Window->Starts, First, 1);
            MiBitmapClearRun(&Window->InUse, First, PageCount);
        }
    }
    MiReleaseLock(&Window->Lock, Flags);
    if (ActualPages != NULL) {
        *ActualPages = Length;
    }
    return Result;
}
