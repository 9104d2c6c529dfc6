/*
 * kernel/mm/stack.c - kernel stacks with guard pages.
 *
 * Each stack is a run of pages in the stack window at 0xFFFFD00000000000,
 * one page longer than asked: the lowest page stays unmapped, so that a
 * stack overflow faults on the guard (PAGE_FAULT_IN_NONPAGED_AREA, or a
 * double fault on an IST stack) instead of silently corrupting whatever lies
 * below. The stack pages come one by one from the frame allocator; they need
 * not be contiguous in physical memory.
 *
 *     Base                  Base + 4 KiB                       Top
 *     | guard (not mapped) | stack pages, RW NX ... grows down <- |
 */
#include "kernel/mm/mi.h"

static MI_VA_WINDOW MiStackSpace;

#define MI_STACK_SPACE_PAGES (MI_STACK_SPACE_SIZE >> PAGE_SHIFT)
#define MI_STACK_GUARD_PAGES 1

/* Runs once in MmInitSystem, after the switch to the kernel's tables. */
VOID
MiInitializeStackSpace(VOID)
{
    SIZE_T BitmapPages = ROUND_TO_PAGES(MI_BITMAP_BYTES(MI_STACK_SPACE_PAGES)) >> PAGE_SHIFT;
    PULONGLONG InUse = MiAllocatePoolPages(BitmapPages);
    PULONGLONG Starts = MiAllocatePoolPages(BitmapPages);

    if (InUse == NULL || Starts == NULL) {
        DbgPrint("Mm: no memory for the stack window's bitmaps\n");
        KeBugCheckEx(PHASE0_INITIALIZATION_FAILED, 0x4D4D, 2, 0, 0);
    }
    MiInitializeVaWindow(&MiStackSpace, "stack window", MI_STACK_SPACE_BASE,
                         MI_STACK_SPACE_PAGES, InUse, Starts);
}

/* Unmaps the stack pages of an allocation at Base and frees their frames. */
static VOID
MiReleaseStackPages(ULONG_PTR Base, ULONGLONG StackPages)
{
    ULONGLONG Page;

    for (Page = 0; Page < StackPages; Page++) {
        ULONGLONG Pte = MiUnmapPage(Base + ((MI_STACK_GUARD_PAGES + Page) << PAGE_SHIFT));
        if (Pte & MI_PTE_PRESENT) {
            MiFreeFrames(Pte & MI_PTE_FRAME_MASK, 1);
        }
    }
}

/* IRQL <= DISPATCH_LEVEL. Returns the top (highest address + 1) or NULL. */
PVOID
MmCreateKernelStack(SIZE_T Size)
{
    ULONGLONG StackPages = ROUND_TO_PAGES(Size) >> PAGE_SHIFT, Page;
    ULONG_PTR Base;

    if (Size == 0 || StackPages > MI_STACK_SPACE_PAGES / 2) {
        DbgPrint("MmCreateKernelStack: a stack of 0x%llx bytes makes no sense\n",
                 (ULONGLONG)Size);
        return NULL;
    }
    Base = MiAllocateVa(&MiStackSpace, StackPages + MI_STACK_GUARD_PAGES);
    if (Base == 0) {
        DbgPrint("MmCreateKernelStack: the %s is full\n", MiStackSpace.Name);
        return NULL;
    }
    for (Page = 0; Page < StackPages; Page++) {
        ULONG_PTR Va = Base + ((MI_STACK_GUARD_PAGES + Page) << PAGE_SHIFT);
        ULONGLONG Pa = MiAllocateFrames(1);
        if (Pa == 0 || !NT_SUCCESS(MiMapPage(Va, Pa, PAGE_SIZE, MI_MAP_WRITE))) {
            DbgPrint("MmCreateKernelStack: out of memory for a stack of 0x%llx bytes\n",
                     (ULONGLONG)Size);
            if (Pa != 0) {
                MiFreeFrames(Pa, 1);
            }
            MiReleaseStackPages(Base, Page);
            MiFreeVa(&MiStackSpace, Base, StackPages + MI_STACK_GUARD_PAGES, NULL);
            return NULL;
        }
    }
    return (PVOID)(Base + ((MI_STACK_GUARD_PAGES + StackPages) << PAGE_SHIFT));
}

/* IRQL <= DISPATCH_LEVEL; not on the stack being deleted. A top or size that
 * does not match a stack MmCreateKernelStack made stops the machine. */
VOID
MmDeleteKernelStack(PVOID StackTop, SIZE_T Size)
{
    ULONGLONG StackPages = ROUND_TO_PAGES(Size) >> PAGE_SHIFT, Actual = 0;
    ULONG_PTR Base = (ULONG_PTR)StackTop - ((StackPages + MI_STACK_GUARD_PAGES) << PAGE_SHIFT);
    MI_VA_FREE_RESULT Result;

    if (Size == 0 || ((ULONG_PTR)StackTop & (PAGE_SIZE - 1)) != 0) {
        Result = MiVaFreeNotAllocated;
    } else {
        /* Check first, then unmap: MiFreeVa frees the addresses only when the
         * stack is exactly one MmCreateKernelStack made. */
        Result = MiFreeVa(&MiStackSpace, Base, StackPages + MI_STACK_GUARD_PAGES, &Actual);
    }
    if (Result != MiVaFreeOk) {
        DbgPrint("MmDeleteKernelStack(%p, 0x%llx): not a kernel stack of that size (%s)\n",
                 StackTop, (ULONGLONG)Size,
                 Result == MiVaFreeWrongSize ? "the size differs" : "no stack there");
        KeBugCheckEx(MEMORY_MANAGEMENT, 0x4D4D0001, (ULONG_PTR)StackTop, Size, Actual);
    }
    MiReleaseStackPages(Base, StackPages);
}

BOOLEAN
MiIsKernelStackGuard(ULONG_PTR Va)
{
    ULONGLONG Page;

    if (Va < MiStackSpace.Base || Va - MiStackSpace.Base >= MI_STACK_SPACE_SIZE ||
        MiStackSpace.PageCount == 0) {
        return FALSE;
    }
    /* A guard page is the first page of an allocation: the start bit is set. */
    Page = (Va - MiStackSpace.Base) >> PAGE_SHIFT;
    return MiBitmapTestBit(&MiStackSpace.Starts, Page) && MiBitmapTestBit(&MiStackSpace.InUse, Page);
}
