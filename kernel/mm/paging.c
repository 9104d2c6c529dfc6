/*
 * kernel/mm/paging.c - MmInitSystem: from the loader's tables to the kernel's.
 *
 * Phase 0 of the memory manager, in order:
 *   1. ask CPUID what paging features exist (NX, 1 GiB pages, PGE, PAT);
 *   2. sanitize the memory map and print it;
 *   3. build the frame database in free RAM below 4 GiB, with the kernel
 *      image, the loader's data and the boot page tables marked used;
 *   4. build the kernel's own tables from frames: the direct map of all RAM,
 *      the kernel image section by section with its own rights, and empty
 *      top-level slots for the MMIO and stack windows;
 *   5. turn on EFER.NXE and CR0.WP, program the PAT, load CR3 (the low half
 *      is gone from here on: NULL faults), then set up the windows.
 *
 * The boot tables identity-map [0, 4 GiB): until CR3 changes every physical
 * address Mm touches must lie below 4 GiB (MiSetFrameCeiling sees to it).
 */
#include "kernel/mm/mi.h"
#include "kernel/ke/ki.h"

MI_MEMORY_MAP MiMemoryMap;
BOOLEAN MiKernelTablesActive;

/* linker.ld */
extern UCHAR __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern UCHAR __data_start[], __kernel_virt_end[], __kernel_phys_start[], __kernel_phys_end[];

/* Architectural registers (Intel SDM vol. 3A 2.5 control registers, 4.1.4
 * enumeration, vol. 4 for the MSR numbers). */
#define MI_CR0_WP (1ULL << 16)          /* supervisor writes honour R/W */
#define MI_CR4_PGE (1ULL << 7)          /* global pages */
#define MI_MSR_EFER 0xC0000080
#define MI_EFER_NXE (1ULL << 11)        /* the XD bit is valid */
#define MI_MSR_PAT 0x277
/* PAT entries (SDM vol. 3A 11.12.2, table 11-10): 0 UC, 1 WC, 4 WT, 5 WP,
 * 6 WB, 7 UC-. The power-on value is WB WT UC- UC, twice; entry 4 becomes WC
 * so that MI_MAP_CACHE_WC = PAT bit alone selects it, and 0-3 stay as the
 * boot tables assume. */
#define MI_PAT_VALUE 0x0007040100070406ULL

static inline VOID
MiCpuid(ULONG Leaf, PULONG Eax, PULONG Ebx, PULONG Ecx, PULONG Edx)
{
    __asm__ __volatile__("cpuid" : "=a"(*Eax), "=b"(*Ebx), "=c"(*Ecx), "=d"(*Edx)
                         : "a"(Leaf), "c"(0));
}

static inline ULONGLONG
MiReadMsr(ULONG Msr)
{
    ULONG Low, High;
    __asm__ __volatile__("rdmsr" : "=a"(Low), "=d"(High) : "c"(Msr));
    return ((ULONGLONG)High << 32) | Low;
}

static inline VOID
MiWriteMsr(ULONG Msr, ULONGLONG Value)
{
    __asm__ __volatile__("wrmsr" : : "c"(Msr), "a"((ULONG)Value), "d"((ULONG)(Value >> 32))
                         : "memory");
}

PVOID
MiPhysicalToVirtual(ULONGLONG PhysicalAddress)
{
    return (PVOID)(ULONG_PTR)(MiKernelTablesActive ? MI_DIRECT_MAP_BASE + PhysicalAddress
                                                   : PhysicalAddress);
}

ULONGLONG
MiDirectMapToPhysical(PVOID VirtualAddress)
{
    return MiKernelTablesActive ? (ULONG_PTR)VirtualAddress - MI_DIRECT_MAP_BASE
                                : (ULONG_PTR)VirtualAddress;
}

/* CPUID leaf 1 EDX[13] PGE, [16] PAT; leaf 80000001h EDX[20] NX, [26] Page1GB
 * (SDM vol. 2A, CPUID, tables 3-11 and 3-8). */
static VOID
MiDetectPagingFeatures(VOID)
{
    ULONG Eax, Ebx, Ecx, Edx, MaxExtended;

    MiCpuid(1, &Eax, &Ebx, &Ecx, &Edx);
    MiPagingFeatures.Global = (Edx >> 13) & 1;
    MiPagingFeatures.Pat = (Edx >> 16) & 1;
    MiCpuid(0x80000000, &MaxExtended, &Ebx, &Ecx, &Edx);
    if (MaxExtended >= 0x80000001) {
        MiCpuid(0x80000001, &Eax, &Ebx, &Ecx, &Edx);
        MiPagingFeatures.NoExecute = (Edx >> 20) & 1;
        MiPagingFeatures.Pages1G = (Edx >> 26) & 1;
    }
}

static DECLSPEC_NORETURN VOID
MiInitFailed(PCSTR Why, ULONG_PTR Detail)
{
    DbgPrint("Mm: cannot start: %s (0x%llx)\n", Why, (ULONGLONG)Detail);
    KeBugCheckEx(PHASE0_INITIALIZATION_FAILED, 0x4D4D, Detail, 0, 0); /* 'MM' */
}

/* The boot tables stay in CR3 until the switch; whatever the loader said
 * about them, their frames must not be handed out before then. */
static VOID
MiReserveBootTables(VOID)
{
    ULONGLONG Cr3, *Pml4, *Pdpt, *Pd;
    ULONG I, J, K;

    __asm__ __volatile__("mov %%cr3, %0" : "=r"(Cr3));
    Cr3 &= MI_PTE_FRAME_MASK;
    MiReserveFrames(&MiFrameDatabase, Cr3, PAGE_SIZE);
    Pml4 = MiPhysicalToVirtual(Cr3);
    for (I = 0; I < 512; I++) {
        if (!(Pml4[I] & MI_PTE_PRESENT) || (Pml4[I] & MI_PTE_FRAME_MASK) >= MI_BOOT_IDENTITY_LIMIT) {
            continue;
        }
        MiReserveFrames(&MiFrameDatabase, Pml4[I] & MI_PTE_FRAME_MASK, PAGE_SIZE);
        Pdpt = MiPhysicalToVirtual(Pml4[I] & MI_PTE_FRAME_MASK);
        for (J = 0; J < 512; J++) {
            if (!(Pdpt[J] & MI_PTE_PRESENT) || (Pdpt[J] & MI_PTE_LARGE) ||
                (Pdpt[J] & MI_PTE_FRAME_MASK) >= MI_BOOT_IDENTITY_LIMIT) {
                continue;
            }
            MiReserveFrames(&MiFrameDatabase, Pdpt[J] & MI_PTE_FRAME_MASK, PAGE_SIZE);
            Pd = MiPhysicalToVirtual(Pdpt[J] & MI_PTE_FRAME_MASK);
            for (K = 0; K < 512; K++) {
                if ((Pd[K] & MI_PTE_PRESENT) && !(Pd[K] & MI_PTE_LARGE)) {
                    MiReserveFrames(&MiFrameDatabase, Pd[K] & MI_PTE_FRAME_MASK, PAGE_SIZE);
                }
            }
        }
    }
}

static VOID
MiPrintMemoryMap(VOID)
{
    ULONG I;

    DbgPrint("Mm: physical memory (%u ranges):\n", MiMemoryMap.RangeCount);
    for (I = 0; I < MiMemoryMap.RangeCount; I++) {
        const MI_MEMORY_RANGE *R = &MiMemoryMap.Ranges[I];
        DbgPrint("  [0x%012llx, 0x%012llx) %-12s %8llu KiB\n", R->Base, R->End,
                 MiMemoryTypeName(R->Type), (R->End - R->Base) >> 10);
    }
}

/* TRUE when the loader already reported [Base, Base + Length) as KERNEL. */
static BOOLEAN
MiLoaderReportedKernel(const KESTREL_BOOT_INFO *BootInfo, ULONGLONG Base, ULONGLONG Length)
{
    ULONG I;

    for (I = 0; I < BootInfo->MemoryRegionCount && I < BOOT_MAX_MEMORY_REGIONS; I++) {
        const BOOT_MEMORY_REGION *Region = &BootInfo->MemoryRegions[I];
        if (Region->Type == BOOT_MEMORY_KERNEL && Region->Base <= Base &&
            Region->Length >= Length && Base - Region->Base <= Region->Length - Length) {
            return TRUE;
        }
    }
    return FALSE;
}

/* Steps 2 and 3: the map, then frames. */
static VOID
MiInitializeFrames(KESTREL_BOOT_INFO *BootInfo)
{
    ULONGLONG KernelSize = (ULONG_PTR)__kernel_phys_end - (ULONG_PTR)__kernel_phys_start;
    SIZE_T Bytes;
    ULONGLONG Home;

    /* What the kernel knows about itself goes into the map whatever the loader
     * said, so that the bitmap cannot land on it. */
    if (!MiLoaderReportedKernel(BootInfo, BootInfo->KernelPhysicalBase, KernelSize)) {
        DbgPrint("Mm: the loader did not report the kernel image [0x%llx, +0x%llx) as KERNEL; "
                 "adding it\n", (ULONGLONG)BootInfo->KernelPhysicalBase, KernelSize);
        BootInfoAddMemory(BootInfo, BootInfo->KernelPhysicalBase, KernelSize,
                          BOOT_MEMORY_KERNEL);
    }
    MiSanitizeMemoryMap(BootInfo->MemoryRegions, BootInfo->MemoryRegionCount, &MiMemoryMap);
    MiPrintMemoryMap();

    Bytes = MiFrameBitmapBytes(&MiMemoryMap);
    if (Bytes == 0) {
        MiInitFailed("the memory map lists no free RAM above 1 MiB", 0);
    }
    Home = MiFindFrameBitmapHome(&MiMemoryMap, Bytes, MI_BOOT_IDENTITY_LIMIT);
    if (Home == 0) {
        MiInitFailed("no free RAM below 4 GiB can hold the frame bitmap", Bytes);
    }
    MiInitializeFrameDatabase(&MiFrameDatabase, &MiMemoryMap, MiPhysicalToVirtual(Home), Home);
    MiReserveFrames(&MiFrameDatabase, BootInfo->KernelPhysicalBase, KernelSize);
    MiReserveFrames(&MiFrameDatabase, BootInfo->SymbolTable, BootInfo->SymbolTableSize);
    MiReserveFrames(&MiFrameDatabase, BootInfo->StringTable, BootInfo->StringTableSize);
    MiReserveBootTables();
    MiSetFrameCeiling(MI_BOOT_IDENTITY_LIMIT);
}

/* Maps [Base, End) of physical memory into the direct map, write-back,
 * read-write, no-execute, with the largest pages alignment allows. The first
 * 2 MiB always get 4 KiB pages: the fixed-range MTRRs give the first 1 MiB
 * many memory types, and a large page over several types is undefined
 * (SDM vol. 3A 11.11.9). */
static VOID
MiMapDirectSpan(ULONGLONG Base, ULONGLONG End)
{
    while (Base < End) {
        ULONGLONG Size = PAGE_SIZE;
        NTSTATUS Status;

        if (MiPagingFeatures.Pages1G && Base >= MI_PAGE_2M && (Base & (MI_PAGE_1G - 1)) == 0 &&
            End - Base >= MI_PAGE_1G) {
            Size = MI_PAGE_1G;
        } else if (Base >= MI_PAGE_2M && (Base & (MI_PAGE_2M - 1)) == 0 &&
                   End - Base >= MI_PAGE_2M) {
            Size = MI_PAGE_2M;
        }
        Status = MiMapPage(MI_DIRECT_MAP_BASE + Base, Base, Size, MI_MAP_WRITE | MI_MAP_GLOBAL);
        if (!NT_SUCCESS(Status)) {
            MiInitFailed("cannot build the direct map", Base);
        }
        Base += Size;
    }
}

/* Every RAM range of the map (free, ACPI, loader, kernel, firmware; not
 * reserved holes or bad RAM), plus the first 1 MiB, rounded out to pages. */
static VOID
MiBuildDirectMap(VOID)
{
    ULONGLONG SpanBase = 0, SpanEnd = MI_LOW_MEMORY_LIMIT;
    ULONG I;

    for (I = 0; I < MiMemoryMap.RangeCount; I++) {
        const MI_MEMORY_RANGE *R = &MiMemoryMap.Ranges[I];
        ULONGLONG Base = R->Base & ~((ULONGLONG)PAGE_SIZE - 1);
        ULONGLONG End = ROUND_TO_PAGES(R->End);

        if (!MiIsRamType(R->Type)) {
            continue;
        }
        if (Base <= SpanEnd) {
            SpanEnd = End > SpanEnd ? End : SpanEnd;
            continue;
        }
        MiMapDirectSpan(SpanBase, SpanEnd);
        SpanBase = Base;
        SpanEnd = End;
    }
    MiMapDirectSpan(SpanBase, SpanEnd);
}

/* Maps [Start, End) of the kernel image with MapFlags in 4 KiB pages, except
 * the page at Skip (the boot stack's guard). */
static VOID
MiMapKernelSection(PUCHAR Start, PUCHAR End, ULONG MapFlags, ULONGLONG PhysicalBase,
                   PUCHAR Skip)
{
    ULONG_PTR Va;

    for (Va = (ULONG_PTR)Start; Va < (ULONG_PTR)End; Va += PAGE_SIZE) {
        ULONGLONG Pa = PhysicalBase + (Va - MI_KERNEL_IMAGE_BASE);
        if (Va == (ULONG_PTR)Skip) {
            continue;
        }
        if (!NT_SUCCESS(MiMapPage(Va, Pa, PAGE_SIZE, MapFlags | MI_MAP_GLOBAL))) {
            MiInitFailed("cannot map the kernel image", Va);
        }
    }
}

/* Step 4. .boot (the 32-bit entry at its physical address) is not mapped:
 * nothing runs there again. */
static VOID
MiBuildKernelTables(ULONGLONG KernelPhysicalBase)
{
    MmKernelPml4Physical = MiAllocateFrames(1);
    if (MmKernelPml4Physical == 0) {
        MiInitFailed("no frame for the PML4", 0);
    }
    RtlZeroMemory(MiPhysicalToVirtual(MmKernelPml4Physical), PAGE_SIZE);

    MiBuildDirectMap();
    MiMapKernelSection(__text_start, __text_end, MI_MAP_EXECUTE, KernelPhysicalBase, NULL);
    MiMapKernelSection(__rodata_start, __rodata_end, 0, KernelPhysicalBase, NULL);
    MiMapKernelSection(__data_start, __kernel_virt_end, MI_MAP_WRITE, KernelPhysicalBase,
                       KiBootStackGuard);
    if (!NT_SUCCESS(MiEnsureTopLevelTable(MI_IO_SPACE_BASE)) ||
        !NT_SUCCESS(MiEnsureTopLevelTable(MI_STACK_SPACE_BASE))) {
        MiInitFailed("no frame for the window tables", 0);
    }
}

/* Step 5. NXE must be on before CR3 holds entries with XD set (they are
 * reserved bits otherwise: SDM 4.5.4), and WP makes .text and .rodata
 * read-only for the kernel itself. Toggling CR4.PGE around the CR3 load
 * flushes every TLB entry, global ones included (SDM 4.10.4.1), so nothing
 * of the boot tables survives. */
static VOID
MiSwitchToKernelTables(VOID)
{
    ULONGLONG Cr0, Cr4;

    if (MiPagingFeatures.NoExecute) {
        MiWriteMsr(MI_MSR_EFER, MiReadMsr(MI_MSR_EFER) | MI_EFER_NXE);
    }
    if (MiPagingFeatures.Pat) {
        /* SDM 11.12.4: no mapping uses entry 4 yet, and the CR3 load below
         * flushes the TLB; WBINVD empties the caches first. */
        __asm__ __volatile__("wbinvd" : : : "memory");
        MiWriteMsr(MI_MSR_PAT, MI_PAT_VALUE);
    }
    __asm__ __volatile__("mov %%cr0, %0" : "=r"(Cr0));
    __asm__ __volatile__("mov %0, %%cr0" : : "r"(Cr0 | MI_CR0_WP) : "memory");
    __asm__ __volatile__("mov %%cr4, %0" : "=r"(Cr4));
    __asm__ __volatile__("mov %0, %%cr4" : : "r"(Cr4 & ~MI_CR4_PGE) : "memory");
    __asm__ __volatile__("mov %0, %%cr3" : : "r"(MmKernelPml4Physical) : "memory");
    MiKernelTablesActive = TRUE;
    if (MiPagingFeatures.Global) {
        __asm__ __volatile__("mov %0, %%cr4" : : "r"(Cr4 | MI_CR4_PGE) : "memory");
    }
    /* The frame bitmap is now reached through the direct map. */
    MiFrameDatabase.Bitmap.Bits = MiPhysicalToVirtual(MiFrameDatabase.BitmapPhysical);
    MiSetFrameCeiling(~0ULL);
}

VOID
MmInitSystem(KESTREL_BOOT_INFO *BootInfo)
{
    ULONGLONG KernelPhysicalBase = BootInfo->KernelPhysicalBase;

    MiDetectPagingFeatures();
    MiInitializeFrames(BootInfo);
    MiBuildKernelTables(KernelPhysicalBase);
    MiSwitchToKernelTables();
    /* BootInfo may have pointed into the low half: it is not used again. */
    MiInitializeIoSpace();
    MiInitializeStackSpace();

    DbgPrint("Mm: %llu KiB free of %llu KiB; PML4 at 0x%llx; NX %s, 1 GiB pages %s, "
             "global pages %s, PAT %s\n",
             MiQueryFreeFrames() * (PAGE_SIZE / 1024), MiQueryTotalFrames() * (PAGE_SIZE / 1024),
             MmKernelPml4Physical, MiPagingFeatures.NoExecute ? "on" : "off",
             MiPagingFeatures.Pages1G ? "used" : "absent",
             MiPagingFeatures.Global ? "on" : "off",
             MiPagingFeatures.Pat ? "WC in entry 4" : "absent");
}
