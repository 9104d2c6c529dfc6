/*
 * kernel/mm/pte.c - editing the kernel's 4-level page tables.
 *
 * 4-level paging (Intel SDM vol. 3A 4.5): a 48-bit linear address is split
 * into four 9-bit indexes (PML4, PDPT, PD, PT) and a 12-bit offset. A PDPTE
 * with PS set maps a 1 GiB page, a PDE with PS set a 2 MiB page. Access
 * rights combine across the levels (4.6: writes need R/W at every level;
 * with IA32_EFER.NXE an XD bit at any level forbids fetches), so
 * intermediate entries here are always present + writable + executable and
 * the leaf alone decides.
 *
 * Tables are reached through MiPhysicalToVirtual: the boot identity map while
 * MmInitSystem builds them (all from frames below 4 GiB), the direct map
 * after. New tables are zeroed before they are linked in, and an entry is
 * filled only when it was empty: a not-present entry is never cached by the
 * TLB (4.10.2.3), so mapping needs no invalidation; unmapping does (INVLPG,
 * 4.10.4.1).
 */
#include "kernel/mm/mi.h"

MI_PAGING_FEATURES MiPagingFeatures;
ULONGLONG MmKernelPml4Physical;
static MI_LOCK MiPageTableLock;

#define MI_TABLE_ENTRY_BITS (MI_PTE_PRESENT | MI_PTE_WRITE)
#define MiIndex(Va, Level) (((Va) >> (PAGE_SHIFT + 9 * (Level))) & 511)

static inline PULONGLONG
MiTableAt(ULONGLONG Pa)
{
    return (PULONGLONG)MiPhysicalToVirtual(Pa & MI_PTE_FRAME_MASK);
}

/* The leaf bits for MapFlags on a page of Size. Caching uses the PAT index
 * (PAT, PCD, PWT) of SDM vol. 3A 11.12.3: index 0 WB, 2 UC-, 3 UC as the
 * power-on PAT has them, and 4 WC once paging.c has programmed it. */
static ULONGLONG
MiLeafBits(ULONG MapFlags, ULONGLONG Size)
{
    ULONGLONG Bits = MI_PTE_PRESENT | MI_PTE_ACCESSED;
    ULONGLONG PatBit = Size == PAGE_SIZE ? MI_PTE_PAT_4K : MI_PTE_PAT_LARGE;

    if (MapFlags & MI_MAP_WRITE) {
        Bits |= MI_PTE_WRITE | MI_PTE_DIRTY;
    }
    if (!(MapFlags & MI_MAP_EXECUTE) && MiPagingFeatures.NoExecute) {
        Bits |= MI_PTE_NO_EXECUTE;
    }
    if ((MapFlags & MI_MAP_GLOBAL) && MiPagingFeatures.Global) {
        Bits |= MI_PTE_GLOBAL;
    }
    if (Size != PAGE_SIZE) {
        Bits |= MI_PTE_LARGE;
    }
    switch (MapFlags & MI_MAP_CACHE_MASK) {
    case MI_MAP_CACHE_UC:
        Bits |= MI_PTE_PCD | MI_PTE_PWT;
        break;
    case MI_MAP_CACHE_UC_MINUS:
        Bits |= MI_PTE_PCD;
        break;
    case MI_MAP_CACHE_WC:
        /* Without a PAT there is no write-combining: UC- is the safe stand-in. */
        Bits |= MiPagingFeatures.Pat ? PatBit : MI_PTE_PCD;
        break;
    default:
        break;
    }
    return Bits;
}

/* The entry one level down from *Entry, creating the table if Create.
 * NULL when absent (and not created), when a large page is in the way, or
 * when no frame is left (*Status says which). */
static PULONGLONG
MiNextTable(PULONGLONG Entry, BOOLEAN Create, PNTSTATUS Status)
{
    ULONGLONG Pa;

    if (*Entry & MI_PTE_PRESENT) {
        if (*Entry & MI_PTE_LARGE) {
            *Status = STATUS_CONFLICTING_ADDRESSES;
            return NULL;
        }
        return MiTableAt(*Entry);
    }
    if (!Create) {
        *Status = STATUS_NOT_FOUND;
        return NULL;
    }
    Pa = MiAllocateFrames(1);
    if (Pa == 0) {
        *Status = STATUS_INSUFFICIENT_RESOURCES;
        return NULL;
    }
    RtlZeroMemory(MiTableAt(Pa), PAGE_SIZE);
    *Entry = Pa | MI_TABLE_ENTRY_BITS;
    return MiTableAt(Pa);
}

/* The entry that maps Va at Level (0 = PT ... 3 = PML4) in the kernel's tables. */
static PULONGLONG
MiWalk(ULONG_PTR Va, ULONG Level, BOOLEAN Create, PNTSTATUS Status)
{
    PULONGLONG Table = MiTableAt(MmKernelPml4Physical);
    ULONG Current;

    for (Current = 3; Current > Level; Current--) {
        Table = MiNextTable(&Table[MiIndex(Va, Current)], Create, Status);
        if (Table == NULL) {
            return NULL;
        }
    }
    return &Table[MiIndex(Va, Level)];
}

NTSTATUS
MiMapPage(ULONG_PTR Va, ULONGLONG Pa, ULONGLONG Size, ULONG MapFlags)
{
    NTSTATUS Status = STATUS_SUCCESS;
    ULONG Level = Size == MI_PAGE_1G ? 2 : Size == MI_PAGE_2M ? 1 : 0;
    PULONGLONG Entry;
    ULONG_PTR Flags;

    if ((Size != PAGE_SIZE && Size != MI_PAGE_2M && Size != MI_PAGE_1G) ||
        ((Va | Pa) & (Size - 1)) != 0 || Pa >= MI_MAX_PHYSICAL_ADDRESS) {
        DbgPrint("Mm: MiMapPage(%p, 0x%llx, 0x%llx): not an aligned page of a valid size\n",
                 (PVOID)Va, Pa, Size);
        return STATUS_INVALID_PARAMETER;
    }
    Flags = MiAcquireLock(&MiPageTableLock);
    Entry = MiWalk(Va, Level, TRUE, &Status);
    if (Entry != NULL) {
        if (*Entry & MI_PTE_PRESENT) {
            Status = STATUS_CONFLICTING_ADDRESSES;
        } else {
            *Entry = Pa | MiLeafBits(MapFlags, Size);
        }
    }
    MiReleaseLock(&MiPageTableLock, Flags);
    return Status;
}

ULONGLONG
MiUnmapPage(ULONG_PTR Va)
{
    NTSTATUS Status;
    PULONGLONG Entry;
    ULONGLONG Old = 0;
    ULONG_PTR Flags = MiAcquireLock(&MiPageTableLock);

    Entry = MiWalk(Va, 0, FALSE, &Status);
    if (Entry != NULL && (*Entry & MI_PTE_PRESENT)) {
        Old = *Entry;
        *Entry = 0;
        if (MiKernelTablesActive) {
            __asm__ __volatile__("invlpg (%0)" : : "r"(Va) : "memory");
        }
    }
    MiReleaseLock(&MiPageTableLock, Flags);
    return Old;
}

NTSTATUS
MiEnsureTopLevelTable(ULONG_PTR Va)
{
    NTSTATUS Status = STATUS_SUCCESS;
    ULONG_PTR Flags = MiAcquireLock(&MiPageTableLock);
    PULONGLONG Pml4 = MiTableAt(MmKernelPml4Physical);

    if (MiNextTable(&Pml4[MiIndex(Va, 3)], TRUE, &Status) == NULL) {
        DbgPrint("Mm: no frame for the page-directory-pointer table of %p\n", (PVOID)Va);
    }
    MiReleaseLock(&MiPageTableLock, Flags);
    return Status;
}

/* Bits 63:47 must all equal bit 47 (SDM vol. 1 3.3.7.1), or the address
 * faults with #GP before paging is even consulted. */
static inline BOOLEAN
MiIsCanonical(ULONG_PTR Va)
{
    return ((LONG_PTR)(Va << 16) >> 16) == (LONG_PTR)Va;
}

/*
 * Walks the tables in CR3 now (the boot tables before MmInitSystem), without
 * a lock and without changing anything, so that it may run at any IRQL and
 * inside a crash report: it only reads entries that are present.
 */
BOOLEAN
MiTranslate(ULONG_PTR Va, PULONGLONG Pa, PULONGLONG Pte)
{
    ULONGLONG Cr3, Entry = 0;
    PULONGLONG Table;
    LONG Level;

    if (!MiIsCanonical(Va)) {
        return FALSE;
    }
    __asm__ __volatile__("mov %%cr3, %0" : "=r"(Cr3));
    Table = MiTableAt(Cr3);
    for (Level = 3; Level >= 0; Level--) {
        Entry = Table[MiIndex(Va, Level)];
        if (!(Entry & MI_PTE_PRESENT)) {
            break;
        }
        if (Level == 0 || (Level <= 2 && (Entry & MI_PTE_LARGE))) {
            ULONGLONG PageMask = (1ULL << (PAGE_SHIFT + 9 * Level)) - 1;
            ULONGLONG Frame = Entry & MI_PTE_FRAME_MASK & ~PageMask;
            if (Pa != NULL) {
                *Pa = Frame + (Va & PageMask);
            }
            if (Pte != NULL) {
                *Pte = Entry;
            }
            return TRUE;
        }
        Table = MiTableAt(Entry);
    }
    if (Pte != NULL) {
        *Pte = Entry;
    }
    return FALSE;
}

PHYSICAL_ADDRESS NTAPI
MmGetPhysicalAddress(PVOID BaseAddress)
{
    PHYSICAL_ADDRESS Result;
    ULONGLONG Pa;

    Result.QuadPart = MiTranslate((ULONG_PTR)BaseAddress, &Pa, NULL) ? (LONGLONG)Pa : 0;
    return Result;
}

BOOLEAN NTAPI
MmIsAddressValid(PVOID VirtualAddress)
{
    return MiTranslate((ULONG_PTR)VirtualAddress, NULL, NULL);
}
