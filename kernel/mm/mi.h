/*
 * kernel/mm/mi.h - memory manager (Mm) internals shared inside the kernel.
 *
 * Physical memory: the boot loader's memory map is sanitized (memmap.c) into
 * sorted, non-overlapping ranges; a bitmap over every frame up to the highest
 * free address hands out contiguous runs of 4 KiB frames (frames.c, on top of
 * the run bitmap in bitmap.c).
 *
 * Virtual memory: MmInitSystem (paging.c) builds the kernel's own 4-level page
 * tables (pte.c edits them) and loads them. After that the kernel sees:
 *
 *   0xFFFF800000000000  direct map: physical RAM at this base + PA, WB, NX
 *   0xFFFFC00000000000  MMIO window: MmMapIoSpace (iospace.c)
 *   0xFFFFD00000000000  kernel stacks with unmapped guard pages (stack.c)
 *   0xFFFFFFFF80000000  the kernel image, each section with its own rights
 *
 * and nothing in the lower half, so that NULL and stray low pointers fault.
 */
#ifndef KESTREL_KERNEL_MM_MI_H
#define KESTREL_KERNEL_MM_MI_H

#include <wdm.h>
#include "boot/bootinfo.h"

/* ---------------------------------------------------------------------------
 * The virtual layout.
 */
#define MI_DIRECT_MAP_BASE 0xFFFF800000000000ULL
#define MI_IO_SPACE_BASE 0xFFFFC00000000000ULL
#define MI_IO_SPACE_SIZE (4ULL << 30)          /* 4 GiB of MMIO mappings */
#define MI_STACK_SPACE_BASE 0xFFFFD00000000000ULL
#define MI_STACK_SPACE_SIZE (1ULL << 30)       /* 1 GiB of stacks and guards */
#define MI_KERNEL_IMAGE_BASE 0xFFFFFFFF80200000ULL /* linker.ld: KERNEL_VIRT + 2 MiB */

/* The architectural limit of physical addresses on x86-64 (MAXPHYADDR is at
 * most 52: Intel SDM vol. 3A 4.1.4). Anything a map reports above is absurd. */
#define MI_MAX_PHYSICAL_ADDRESS (1ULL << 52)

/* Memory below 1 MiB is never handed out: it holds the BIOS data area, the
 * EBDA, real-mode vectors and legacy video, and SMM may use parts of it. */
#define MI_LOW_MEMORY_LIMIT 0x100000ULL

/* Frames below this are reachable through the boot page tables' identity
 * map; MmInitSystem takes everything it needs before CR3 switches from here. */
#define MI_BOOT_IDENTITY_LIMIT (4ULL << 30)

/* ---------------------------------------------------------------------------
 * The sanitized memory map (memmap.c). Pure logic, host-tested.
 */
typedef struct _MI_MEMORY_RANGE {
    ULONGLONG Base;         /* page aligned when Type is BOOT_MEMORY_FREE */
    ULONGLONG End;          /* exclusive */
    ULONG Type;             /* BOOT_MEMORY_* */
    ULONG Reserved;
} MI_MEMORY_RANGE, *PMI_MEMORY_RANGE;

/* Every input region contributes at most two boundaries, so the output never
 * holds more than twice the input's ranges (plus the split at 1 MiB). */
#define MI_MAX_MEMORY_RANGES (2 * BOOT_MAX_MEMORY_REGIONS + 2)

/* At most this many oddities are printed one by one; the rest are counted. */
#define MI_MAX_REPORTED_ODDITIES 24

typedef struct _MI_MEMORY_MAP {
    ULONG RangeCount;
    ULONG Oddities;         /* how many oddities the map had */
    MI_MEMORY_RANGE Ranges[MI_MAX_MEMORY_RANGES];
    /* Scratch for the sweep, kept here to spare the boot stack: the input
     * regions checked and clipped (Type 0 = ignored), and their boundaries. */
    MI_MEMORY_RANGE Input[BOOT_MAX_MEMORY_REGIONS];
    ULONGLONG Boundaries[2 * BOOT_MAX_MEMORY_REGIONS + 1];
} MI_MEMORY_MAP, *PMI_MEMORY_MAP;

/* Turns the regions a loader reported (unsorted, overlapping, unaligned, even
 * hostile) into Map->Ranges: sorted, disjoint, the most restrictive type
 * winning each overlap, neighbours of one type merged, free RAM trimmed to
 * whole pages and never below 1 MiB. Prints each oddity once. Never fails. */
VOID MiSanitizeMemoryMap(_In_reads_(RegionCount) const BOOT_MEMORY_REGION *Regions,
                         ULONG RegionCount, _Out_ PMI_MEMORY_MAP Map);

PCSTR MiMemoryTypeName(ULONG Type);

/* TRUE for types that are RAM (everything but RESERVED holes and BAD RAM):
 * the direct map covers these. */
BOOLEAN MiIsRamType(ULONG Type);

/* ---------------------------------------------------------------------------
 * Run bitmaps (bitmap.c): one bit per page, 1 = in use, with contiguous run
 * search. Used for physical frames and for the MMIO and stack windows.
 * Pure logic, host-tested. Callers hold their own lock.
 */
typedef struct _MI_BITMAP {
    PULONGLONG Bits;
    ULONGLONG BitCount;
    ULONGLONG ClearCount;   /* bits that are 0 (free) */
    ULONGLONG Hint;         /* every bit below Hint is set */
} MI_BITMAP, *PMI_BITMAP;

#define MI_BITMAP_BYTES(BitCount) ((((BitCount) + 63) / 64) * sizeof(ULONGLONG))
#define MI_BITMAP_NOT_FOUND (~0ULL)

/* Starts with every bit set (in use). */
VOID MiBitmapInitialize(_Out_ PMI_BITMAP Bitmap, PULONGLONG Bits, ULONGLONG BitCount);
VOID MiBitmapSetRun(PMI_BITMAP Bitmap, ULONGLONG First, ULONGLONG Count);
VOID MiBitmapClearRun(PMI_BITMAP Bitmap, ULONGLONG First, ULONGLONG Count);
BOOLEAN MiBitmapTestBit(const MI_BITMAP *Bitmap, ULONGLONG Index);
/* The first bit of the lowest run of Count clear bits within [Low, High), or
 * MI_BITMAP_NOT_FOUND. Does not change the bitmap. */
ULONGLONG MiBitmapFindClearRun(PMI_BITMAP Bitmap, ULONGLONG Count, ULONGLONG Low,
                               ULONGLONG High);
/* The first clear bit in [First, First + Count), or MI_BITMAP_NOT_FOUND. */
ULONGLONG MiBitmapFindClearIn(const MI_BITMAP *Bitmap, ULONGLONG First, ULONGLONG Count);

/* ---------------------------------------------------------------------------
 * Physical frames (frames.c).
 */
typedef struct _MI_FRAME_DATABASE {
    MI_BITMAP Bitmap;       /* bit N = frame N (physical N * PAGE_SIZE) */
    ULONGLONG BitmapPhysical; /* where the bitmap itself lies */
    ULONGLONG TotalFrames;  /* frames that were free RAM at boot */
    ULONGLONG HighestFrame; /* one past the last frame the bitmap covers */
} MI_FRAME_DATABASE, *PMI_FRAME_DATABASE;

/* Bytes of bitmap needed for the frames up to the highest free address. */
SIZE_T MiFrameBitmapBytes(const MI_MEMORY_MAP *Map);
/* A page-aligned home for Bytes of bitmap: free RAM above 1 MiB ending below
 * Limit, or 0 when there is none. */
ULONGLONG MiFindFrameBitmapHome(const MI_MEMORY_MAP *Map, SIZE_T Bytes, ULONGLONG Limit);
/* Builds the database over Bits (Bytes long, at physical BitsPhysical): frames
 * in free ranges are free, everything else - and the bitmap itself - is used. */
VOID MiInitializeFrameDatabase(_Out_ PMI_FRAME_DATABASE Database, const MI_MEMORY_MAP *Map,
                               PULONGLONG Bits, ULONGLONG BitsPhysical);
/* Marks [Base, Base + Length) used, rounded outwards to pages: for what must
 * never be handed out whatever the map says (the kernel image, the bitmap). */
VOID MiReserveFrames(PMI_FRAME_DATABASE Database, ULONGLONG Base, ULONGLONG Length);
/* Lowest-first contiguous allocation within [LowestPa, HighestPa), physical
 * address or 0. */
ULONGLONG MiAllocateFramesFrom(PMI_FRAME_DATABASE Database, SIZE_T Count, ULONGLONG LowestPa,
                               ULONGLONG HighestPa);
/* The same, and not crossing a multiple of Boundary (page aligned; 0 = any). */
ULONGLONG MiAllocateFramesWithin(PMI_FRAME_DATABASE Database, SIZE_T Count, ULONGLONG LowestPa,
                                 ULONGLONG HighestPa, ULONGLONG Boundary);
/* Frees; a frame that is already free, outside the database, or an unaligned
 * address stops the machine with PFN_LIST_CORRUPT. */
VOID MiFreeFramesTo(PMI_FRAME_DATABASE Database, ULONGLONG Pa, SIZE_T Count);

/* The system's frame database, and the interface the rest of the kernel uses.
 * Any IRQL; they take the frame lock with interrupts off. MiAllocateFrames
 * returns the physical address of Count contiguous frames, or 0. */
extern MI_FRAME_DATABASE MiFrameDatabase;
ULONGLONG MiAllocateFrames(SIZE_T Count);
VOID MiFreeFrames(ULONGLONG Pa, SIZE_T Count);
ULONGLONG MiAllocateFramesBelow(SIZE_T Count, ULONGLONG HighestPa);
ULONGLONG MiAllocateFramesSpecify(SIZE_T Count, ULONGLONG LowestPa, ULONGLONG HighestPa,
                                  ULONGLONG Boundary);
ULONGLONG MiQueryFreeFrames(VOID);
ULONGLONG MiQueryTotalFrames(VOID);
/* Allocations stay below HighestPa (MmInitSystem: the boot identity map). */
VOID MiSetFrameCeiling(ULONGLONG HighestPa);

/* ---------------------------------------------------------------------------
 * Locks (lock.c): a spin lock taken with interrupts off, so that Mm may be
 * called from any IRQL including interrupt handlers. Mm's locks are leaves:
 * nothing else is acquired while one is held, except that the page-table lock
 * may take the frame lock to allocate a table.
 */
typedef struct _MI_LOCK {
    volatile LONG Held;
} MI_LOCK, *PMI_LOCK;

ULONG_PTR MiAcquireLock(PMI_LOCK Lock);        /* returns the saved RFLAGS */
VOID MiReleaseLock(PMI_LOCK Lock, ULONG_PTR SavedFlags);

/* ---------------------------------------------------------------------------
 * Virtual windows (vaspace.c): page-granular allocation of kernel virtual
 * address space for MmMapIoSpace and kernel stacks. Besides the in-use bitmap
 * a second bitmap marks where each allocation starts, so that a free with the
 * wrong address or size is caught instead of freeing a neighbour's pages.
 */
typedef struct _MI_VA_WINDOW {
    PCSTR Name;
    ULONG_PTR Base;
    ULONGLONG PageCount;
    MI_BITMAP InUse;
    MI_BITMAP Starts;       /* bit set = an allocation begins at this page */
    MI_LOCK Lock;
} MI_VA_WINDOW, *PMI_VA_WINDOW;

typedef enum _MI_VA_FREE_RESULT {
    MiVaFreeOk = 0,
    MiVaFreeOutsideWindow,  /* not an address of this window */
    MiVaFreeNotAllocated,   /* no allocation starts there */
    MiVaFreeWrongSize,      /* the size does not match the allocation */
} MI_VA_FREE_RESULT;

VOID MiInitializeVaWindow(_Out_ PMI_VA_WINDOW Window, PCSTR Name, ULONG_PTR Base,
                          ULONGLONG PageCount, PULONGLONG InUseBits, PULONGLONG StartBits);
/* Returns the address of PageCount free pages, or 0. */
ULONG_PTR MiAllocateVa(PMI_VA_WINDOW Window, ULONGLONG PageCount);
/* Checks and frees exactly one earlier allocation; on any mismatch frees
 * nothing and says why. ExpectedPages (may be NULL) receives the size the
 * allocation really had. */
MI_VA_FREE_RESULT MiFreeVa(PMI_VA_WINDOW Window, ULONG_PTR Va, ULONGLONG PageCount,
                           PULONGLONG ActualPages);

/* ---------------------------------------------------------------------------
 * Page tables (pte.c), the 4-level format of Intel SDM vol. 3A 4.5
 * (tables 4-14 to 4-20: PML4E, PDPTE, PDE, PTE).
 */
#define MI_PTE_PRESENT (1ULL << 0)
#define MI_PTE_WRITE (1ULL << 1)
#define MI_PTE_USER (1ULL << 2)
#define MI_PTE_PWT (1ULL << 3)          /* page write-through */
#define MI_PTE_PCD (1ULL << 4)          /* page cache disable */
#define MI_PTE_ACCESSED (1ULL << 5)
#define MI_PTE_DIRTY (1ULL << 6)
#define MI_PTE_LARGE (1ULL << 7)        /* PS: 1 GiB PDPTE or 2 MiB PDE */
#define MI_PTE_PAT_4K (1ULL << 7)       /* PAT index bit 2 in a 4 KiB PTE */
#define MI_PTE_GLOBAL (1ULL << 8)
#define MI_PTE_PAT_LARGE (1ULL << 12)   /* PAT index bit 2 in a large page */
#define MI_PTE_NO_EXECUTE (1ULL << 63)  /* XD: only with IA32_EFER.NXE set */
#define MI_PTE_FRAME_MASK 0x000FFFFFFFFFF000ULL

/* A real NTSTATUS that ntstatus.h does not carry yet. */
#ifndef STATUS_CONFLICTING_ADDRESSES
#define STATUS_CONFLICTING_ADDRESSES ((NTSTATUS)0xC0000018L)
#endif

#define MI_PAGE_2M (2ULL << 20)
#define MI_PAGE_1G (1ULL << 30)

/* Rights and caching as the caller asks for them; pte.c turns them into bits
 * this processor supports (no XD bit without NX, no G without PGE). */
#define MI_MAP_WRITE 0x01
#define MI_MAP_EXECUTE 0x02
#define MI_MAP_GLOBAL 0x04
#define MI_MAP_CACHE_WB 0x00
#define MI_MAP_CACHE_UC 0x10
#define MI_MAP_CACHE_UC_MINUS 0x20
#define MI_MAP_CACHE_WC 0x30
#define MI_MAP_CACHE_MASK 0x30

/* What the processor offers (paging.c fills it from CPUID before any PTE). */
typedef struct _MI_PAGING_FEATURES {
    BOOLEAN NoExecute;      /* CPUID 80000001h EDX[20] */
    BOOLEAN Pages1G;        /* CPUID 80000001h EDX[26] */
    BOOLEAN Global;         /* CPUID 1 EDX[13] */
    BOOLEAN Pat;            /* CPUID 1 EDX[16]: PAT entry 4 is write-combining */
} MI_PAGING_FEATURES;
extern MI_PAGING_FEATURES MiPagingFeatures;

/* Physical address of the kernel's PML4; every address space shares its upper
 * half (SMP application processors load it; processes will copy 256..511). */
extern ULONGLONG MmKernelPml4Physical;
/* TRUE once CR3 holds the kernel's tables (MiPhysicalToVirtual switches). */
extern BOOLEAN MiKernelTablesActive;

/* Maps one page of Size (4 KiB, 2 MiB or 1 GiB) at Va to Pa. Intermediate
 * tables come from the frame allocator, zeroed. Returns STATUS_SUCCESS,
 * STATUS_INSUFFICIENT_RESOURCES, or STATUS_CONFLICTING_ADDRESSES if
 * something is mapped there already. */
NTSTATUS MiMapPage(ULONG_PTR Va, ULONGLONG Pa, ULONGLONG Size, ULONG MapFlags);
/* Unmaps the 4 KiB page at Va and invalidates its TLB entry; returns the old
 * PTE (0 when nothing was mapped). */
ULONGLONG MiUnmapPage(ULONG_PTR Va);
/* Translates Va through the current tables: TRUE and *Pa when mapped. */
BOOLEAN MiTranslate(ULONG_PTR Va, _Out_opt_ PULONGLONG Pa, _Out_opt_ PULONGLONG Pte);
/* Makes sure the PML4 entry for Va points at a page-directory-pointer table,
 * so that every address space that copies the kernel half sees later maps. */
NTSTATUS MiEnsureTopLevelTable(ULONG_PTR Va);

/* ---------------------------------------------------------------------------
 * Phase 0 (paging.c) and what the rest of the kernel uses.
 */
VOID MmInitSystem(KESTREL_BOOT_INFO *BootInfo);

/* The kernel address of physical RAM: identity before MmInitSystem, the
 * direct map afterwards. Only for RAM the memory map lists; device memory
 * goes through MmMapIoSpace. */
PVOID MiPhysicalToVirtual(ULONGLONG PhysicalAddress);
/* The inverse for addresses in the direct map (or identity, before). */
ULONGLONG MiDirectMapToPhysical(PVOID VirtualAddress);

/* The sanitized map MmInitSystem worked from (for diagnostics and tests). */
extern MI_MEMORY_MAP MiMemoryMap;

/* Page source for the pool (poolpage.c): PageCount contiguous pages, mapped
 * read-write no-execute, 4 KiB aligned, or NULL. Any IRQL. */
PVOID MiAllocatePoolPages(SIZE_T PageCount);
VOID MiFreePoolPages(PVOID Base, SIZE_T PageCount);

/* Kernel stacks (stack.c): returns the TOP of Size bytes (rounded to pages)
 * of mapped stack with an unmapped guard page below, or NULL.
 * IRQL <= DISPATCH_LEVEL. */
PVOID MmCreateKernelStack(SIZE_T Size);
VOID MmDeleteKernelStack(PVOID StackTop, SIZE_T Size);

/* The windows, set up by MmInitSystem (iospace.c, stack.c). */
VOID MiInitializeIoSpace(VOID);
VOID MiInitializeStackSpace(VOID);
/* TRUE when Va lies in the guard page of a kernel stack (for fault reports). */
BOOLEAN MiIsKernelStackGuard(ULONG_PTR Va);

/* Stops the machine as an unhandled exception in Caller would
 * (KMODE_EXCEPTION_NOT_HANDLED: Code, Caller, and for an access violation
 * 0 read / 1 write and the address), after a line saying Why (probe.c;
 * Kestrel has no structured exception handling). Any IRQL. */
DECLSPEC_NORETURN VOID MiRaiseAccessException(PCSTR Routine, PVOID Caller, NTSTATUS Code,
                                              ULONG_PTR Write, ULONG_PTR Address, PCSTR Why);

#endif /* KESTREL_KERNEL_MM_MI_H */
