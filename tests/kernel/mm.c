/*
 * tests/kernel/mm.c - the memory manager inside QEMU: frames, the kernel's
 * page tables and their rights, MmMapIoSpace on real device registers (the
 * local APIC) and on RAM above 4 GiB, kernel stacks and their guards.
 *
 * The planted-bug tests check that each kind of bad access stops the machine
 * with the code the page-fault handler (kernel/ke/trap.c) gives it:
 * write to read-only 0xBE, execute no-execute 0xFC, not-present kernel
 * address 0x50, and the low half (NULL) 0x1E, an unhandled access violation.
 */
#include "tests/kernel/ktest.h"
#include "kernel/mm/mi.h"
#include "kernel/ke/ki.h"

/* The local APIC's registers (Intel SDM vol. 3A 11.4.1, table 11-1): the
 * version register at offset 0x30, version in bits 7:0 (0x1X for an
 * integrated APIC). */
#define KT_LAPIC_BASE 0xFEE00000ULL
#define KT_LAPIC_VERSION 0x30

extern UCHAR __text_start[], __rodata_start[], __data_start[];

static const ULONG KtReadOnlyValue = 0x600DF00D;
/* "ret" in a writable, no-execute page. */
static UCHAR KtDataCode[16] = {0xC3};

KTEST(MmFramesAllocFree)
{
    ULONGLONG Before = MiQueryFreeFrames();
    ULONGLONG Pa = MiAllocateFrames(1);

    KT_ASSERT(Pa != 0);
    KT_ASSERT_EQ(Pa & (PAGE_SIZE - 1), 0);
    KT_ASSERT(Pa >= MI_LOW_MEMORY_LIMIT);
    KT_ASSERT_EQ(MiQueryFreeFrames(), Before - 1);
    MiFreeFrames(Pa, 1);
    KT_ASSERT_EQ(MiQueryFreeFrames(), Before);
    KT_ASSERT(MiQueryTotalFrames() >= MiQueryFreeFrames());
}

/* Distinct frames hold distinct data: each is tagged through the direct map
 * and every tag must survive the others' writes. */
KTEST(MmFramesDistinct)
{
    ULONGLONG Frames[64];
    ULONG I;

    for (I = 0; I < RTL_NUMBER_OF(Frames); I++) {
        Frames[I] = MiAllocateFrames(1);
        KT_ASSERT(Frames[I] != 0);
        RtlFillMemory(MiPhysicalToVirtual(Frames[I]), PAGE_SIZE, (UCHAR)I);
    }
    for (I = 0; I < RTL_NUMBER_OF(Frames); I++) {
        PUCHAR Page = MiPhysicalToVirtual(Frames[I]);
        KT_ASSERT_EQ(Page[0], (UCHAR)I);
        KT_ASSERT_EQ(Page[PAGE_SIZE - 1], (UCHAR)I);
        MiFreeFrames(Frames[I], 1);
    }
}

KTEST(MmFramesContiguous)
{
    ULONGLONG Pa = MiAllocateFrames(16);
    PUCHAR Va;
    ULONG I;

    KT_ASSERT(Pa != 0);
    Va = MiPhysicalToVirtual(Pa);
    for (I = 0; I < 16; I++) {
        KT_ASSERT_EQ(MmGetPhysicalAddress(Va + I * PAGE_SIZE + 8).QuadPart,
                     Pa + I * PAGE_SIZE + 8);
    }
    RtlZeroMemory(Va, 16 * PAGE_SIZE);
    MiFreeFrames(Pa, 16);
    /* Too many to ever fit. */
    KT_ASSERT_EQ(MiAllocateFrames(MiQueryTotalFrames() + 1), 0);
}

KTEST(MmDirectMapCoversRam)
{
    ULONG I;

    for (I = 0; I < MiMemoryMap.RangeCount; I++) {
        const MI_MEMORY_RANGE *R = &MiMemoryMap.Ranges[I];
        PUCHAR First = MiPhysicalToVirtual(R->Base), Last = MiPhysicalToVirtual(R->End - 1);
        if (MiIsRamType(R->Type)) {
            KT_ASSERT(MmIsAddressValid(First));
            KT_ASSERT(MmIsAddressValid(Last));
            KT_ASSERT_EQ(MmGetPhysicalAddress(Last).QuadPart, R->End - 1);
        } else if (R->Base >= MI_PAGE_2M && (R->Base & (PAGE_SIZE - 1)) == 0 &&
                   (R->End & (PAGE_SIZE - 1)) == 0) {
            /* A whole-page hole above the first 2 MiB is not in the direct map. */
            KT_ASSERT(!MmIsAddressValid(First));
        }
    }
}

KTEST(MmLowHalfUnmapped)
{
    KT_ASSERT(!MmIsAddressValid(NULL));
    KT_ASSERT(!MmIsAddressValid((PVOID)0x200000));
    KT_ASSERT(!MmIsAddressValid((PVOID)0x7FFFFFFFF000ULL));
    KT_ASSERT(!MmIsAddressValid((PVOID)0x0000800000000000ULL)); /* not canonical */
}

KTEST(MmKernelSectionRights)
{
    ULONGLONG Pte;

    KT_ASSERT(MiTranslate((ULONG_PTR)__text_start, NULL, &Pte));
    KT_ASSERT(!(Pte & MI_PTE_WRITE));
    KT_ASSERT(!(Pte & MI_PTE_NO_EXECUTE));
    KT_ASSERT(MiTranslate((ULONG_PTR)&KtReadOnlyValue, NULL, &Pte));
    KT_ASSERT(!(Pte & MI_PTE_WRITE));
    KT_ASSERT(!MiPagingFeatures.NoExecute || (Pte & MI_PTE_NO_EXECUTE));
    KT_ASSERT(MiTranslate((ULONG_PTR)KtDataCode, NULL, &Pte));
    KT_ASSERT(Pte & MI_PTE_WRITE);
    KT_ASSERT(!MiPagingFeatures.NoExecute || (Pte & MI_PTE_NO_EXECUTE));
    KT_ASSERT(!MmIsAddressValid(KiBootStackGuard));
    KT_ASSERT(MmIsAddressValid(KiBootStackGuard + PAGE_SIZE));
    /* The image is where the boot info says. */
    KT_ASSERT_EQ(MmGetPhysicalAddress(__text_start).QuadPart,
                 KeLoaderBlock.KernelPhysicalBase + ((ULONG_PTR)__text_start - MI_KERNEL_IMAGE_BASE));
}

static ULONG
KtReadLapicVersion(PKTEST_CONTEXT KtContext, PVOID *Mapping)
{
    PHYSICAL_ADDRESS Pa;
    ULONGLONG Pte;
    PUCHAR Va;

    Pa.QuadPart = KT_LAPIC_BASE;
    Va = MmMapIoSpace(Pa, PAGE_SIZE, MmNonCached);
    *Mapping = Va;
    if (Va == NULL) {
        KtFail(KtContext, __FILE__, __LINE__, "MmMapIoSpace(LAPIC) returned NULL");
        return 0;
    }
    if ((ULONG_PTR)Va < MI_IO_SPACE_BASE || (ULONG_PTR)Va >= MI_IO_SPACE_BASE + MI_IO_SPACE_SIZE ||
        !MiTranslate((ULONG_PTR)Va, NULL, &Pte) || (Pte & (MI_PTE_PCD | MI_PTE_PWT)) !=
        (MI_PTE_PCD | MI_PTE_PWT)) {
        KtFail(KtContext, __FILE__, __LINE__, "LAPIC mapped at %p, not uncached in the window",
               Va);
        return 0;
    }
    return *(volatile ULONG *)(Va + KT_LAPIC_VERSION);
}

KTEST(MmMapIoSpaceLapic)
{
    PVOID First, Second;
    ULONG Version = KtReadLapicVersion(KtContext, &First);

    if (KtContext->Failed) {
        return;
    }
    DbgPrint("  LAPIC version register: 0x%08x\n", Version);
    KT_ASSERT((Version & 0xFF) != 0);
    KT_ASSERT_EQ(MmGetPhysicalAddress((PUCHAR)First + KT_LAPIC_VERSION).QuadPart,
                 KT_LAPIC_BASE + KT_LAPIC_VERSION);
    MmUnmapIoSpace(First, PAGE_SIZE);
    KT_ASSERT(!MmIsAddressValid(First));
    /* Mapped again, it reads the same, and the freed window space is reused. */
    KT_ASSERT_EQ(KtReadLapicVersion(KtContext, &Second), Version);
    KT_ASSERT(Second == First);
    MmUnmapIoSpace(Second, PAGE_SIZE);
}

/* The result points at the physical address itself, not at its page. */
KTEST(MmMapIoSpaceByteOffset)
{
    PHYSICAL_ADDRESS Pa;
    PVOID Page, Register;
    ULONG Version = KtReadLapicVersion(KtContext, &Page);

    if (KtContext->Failed) {
        return;
    }
    MmUnmapIoSpace(Page, PAGE_SIZE);
    Pa.QuadPart = KT_LAPIC_BASE + KT_LAPIC_VERSION;
    Register = MmMapIoSpace(Pa, sizeof(ULONG), MmNonCached);
    KT_ASSERT(Register != NULL);
    KT_ASSERT_EQ(BYTE_OFFSET(Register), KT_LAPIC_VERSION);
    KT_ASSERT_EQ(*(volatile ULONG *)Register, Version);
    MmUnmapIoSpace(Register, sizeof(ULONG));
}

/* RAM above 4 GiB (q35 with more than 2-3 GiB has some), read through the
 * MMIO window and through the direct map: the same bytes. */
KTEST(MmMapIoSpaceHighAddress)
{
    PHYSICAL_ADDRESS Pa;
    PULONGLONG Window, Direct;
    ULONG I;

    Pa.QuadPart = 0;
    for (I = 0; I < MiMemoryMap.RangeCount; I++) {
        if (MiMemoryMap.Ranges[I].Type == BOOT_MEMORY_FREE &&
            MiMemoryMap.Ranges[I].End > (4ULL << 30) + 2 * PAGE_SIZE) {
            Pa.QuadPart = (LONGLONG)(MiMemoryMap.Ranges[I].End - 2 * PAGE_SIZE);
        }
    }
    if (Pa.QuadPart == 0) {
        DbgPrint("  no RAM above 4 GiB on this machine (boot with -m 5G); skipped\n");
        return;
    }
    Window = MmMapIoSpace(Pa, 2 * PAGE_SIZE, MmCached);
    KT_ASSERT(Window != NULL);
    Direct = MiPhysicalToVirtual((ULONGLONG)Pa.QuadPart);
    Direct[5] = 0x1234567887654321ULL;
    KT_ASSERT_EQ(Window[5], 0x1234567887654321ULL);
    Window[PAGE_SIZE / 8 + 1] = 0xA5A5A5A55A5A5A5AULL;
    KT_ASSERT_EQ(Direct[PAGE_SIZE / 8 + 1], 0xA5A5A5A55A5A5A5AULL);
    KT_ASSERT_EQ(MmGetPhysicalAddress(&Window[5]).QuadPart, Pa.QuadPart + 40);
    MmUnmapIoSpace(Window, 2 * PAGE_SIZE);
}

KTEST(MmMapIoSpaceBadInput)
{
    PHYSICAL_ADDRESS Pa;

    Pa.QuadPart = KT_LAPIC_BASE;
    KT_ASSERT(MmMapIoSpace(Pa, 0, MmNonCached) == NULL);
    KT_ASSERT(MmMapIoSpace(Pa, PAGE_SIZE, (MEMORY_CACHING_TYPE)17) == NULL);
    Pa.QuadPart = (LONGLONG)(MI_MAX_PHYSICAL_ADDRESS - PAGE_SIZE);
    KT_ASSERT(MmMapIoSpace(Pa, 2 * PAGE_SIZE, MmNonCached) == NULL);
    Pa.QuadPart = -1;
    KT_ASSERT(MmMapIoSpace(Pa, 1, MmNonCached) == NULL);
}

/* Write-combining selects PAT entry 4 (the PAT bit alone) when there is a PAT. */
KTEST(MmMapIoSpaceWriteCombined)
{
    PHYSICAL_ADDRESS Pa;
    ULONGLONG Pte;
    PVOID Va;

    Pa.QuadPart = KT_LAPIC_BASE;
    Va = MmMapIoSpace(Pa, PAGE_SIZE, MmWriteCombined);
    KT_ASSERT(Va != NULL);
    KT_ASSERT(MiTranslate((ULONG_PTR)Va, NULL, &Pte));
    if (MiPagingFeatures.Pat) {
        KT_ASSERT_EQ(Pte & (MI_PTE_PAT_4K | MI_PTE_PCD | MI_PTE_PWT), MI_PTE_PAT_4K);
    } else {
        KT_ASSERT_EQ(Pte & (MI_PTE_PAT_4K | MI_PTE_PCD | MI_PTE_PWT), MI_PTE_PCD);
    }
    MmUnmapIoSpace(Va, PAGE_SIZE);
}

KTEST(MmKernelStack)
{
    PUCHAR Top = MmCreateKernelStack(16 * 1024);
    ULONGLONG FreeBefore;

    KT_ASSERT(Top != NULL);
    KT_ASSERT_EQ((ULONG_PTR)Top & (PAGE_SIZE - 1), 0);
    KT_ASSERT((ULONG_PTR)Top > MI_STACK_SPACE_BASE &&
              (ULONG_PTR)Top <= MI_STACK_SPACE_BASE + MI_STACK_SPACE_SIZE);
    RtlFillMemory(Top - 16 * 1024, 16 * 1024, 0x5C);
    KT_ASSERT_EQ(Top[-1], 0x5C);
    KT_ASSERT(!MmIsAddressValid(Top - 16 * 1024 - 1));
    KT_ASSERT(MiIsKernelStackGuard((ULONG_PTR)(Top - 16 * 1024 - 1)));
    KT_ASSERT(!MiIsKernelStackGuard((ULONG_PTR)(Top - 1)));
    FreeBefore = MiQueryFreeFrames();
    MmDeleteKernelStack(Top, 16 * 1024);
    KT_ASSERT_EQ(MiQueryFreeFrames(), FreeBefore + 4);
    KT_ASSERT(!MmIsAddressValid(Top - 1));
    KT_ASSERT(MmCreateKernelStack(0) == NULL);
}

KTEST(MmPoolPages)
{
    PUCHAR Pages = MiAllocatePoolPages(3);
    ULONGLONG Pte;

    KT_ASSERT(Pages != NULL);
    KT_ASSERT_EQ((ULONG_PTR)Pages & (PAGE_SIZE - 1), 0);
    RtlFillMemory(Pages, 3 * PAGE_SIZE, 0xEE);
    KT_ASSERT(MiTranslate((ULONG_PTR)Pages + 2 * PAGE_SIZE, NULL, &Pte));
    KT_ASSERT(Pte & MI_PTE_WRITE);
    KT_ASSERT(!MiPagingFeatures.NoExecute || (Pte & MI_PTE_NO_EXECUTE));
    MiFreePoolPages(Pages, 3);
    KT_ASSERT(MiAllocatePoolPages(0) == NULL);
}

/* Planted bugs. Each must stop the machine with its code. */

KTEST_BUGCHECK(MmWriteReadOnly, ATTEMPTED_WRITE_TO_READONLY_MEMORY)
{
    *(volatile ULONG *)&KtReadOnlyValue = 0xBAD;
}

KTEST_BUGCHECK(MmExecuteData, ATTEMPTED_EXECUTE_OF_NOEXECUTE_MEMORY)
{
    ((VOID (*)(VOID))(ULONG_PTR)KtDataCode)();
}

KTEST_BUGCHECK(MmTouchBootStackGuard, PAGE_FAULT_IN_NONPAGED_AREA)
{
    (void)*(volatile UCHAR *)&KiBootStackGuard[PAGE_SIZE - 8];
}

KTEST_BUGCHECK(MmTouchKernelStackGuard, PAGE_FAULT_IN_NONPAGED_AREA)
{
    PUCHAR Top = MmCreateKernelStack(8 * 1024);

    KT_ASSERT(Top != NULL);
    *(volatile UCHAR *)(Top - 8 * 1024 - 1) = 1;
}

KTEST_BUGCHECK(MmNullDereference, KMODE_EXCEPTION_NOT_HANDLED)
{
    /* Through a volatile pointer variable: GCC turns a literal NULL
     * dereference into a trap instruction instead of a load. */
    ULONG *volatile Pointer = NULL;

    (void)*(volatile ULONG *)Pointer;
}

KTEST_BUGCHECK(MmDoubleFreeFrame, PFN_LIST_CORRUPT)
{
    ULONGLONG Pa = MiAllocateFrames(1);

    KT_ASSERT(Pa != 0);
    MiFreeFrames(Pa, 1);
    MiFreeFrames(Pa, 1);
}

KTEST_BUGCHECK(MmUnmapNeverMapped, SYSTEM_PTE_MISUSE)
{
    MmUnmapIoSpace((PVOID)(MI_IO_SPACE_BASE + 0x10000000), PAGE_SIZE);
}

KTEST_BUGCHECK(MmUnmapWrongSize, SYSTEM_PTE_MISUSE)
{
    PHYSICAL_ADDRESS Pa;
    PVOID Va;

    Pa.QuadPart = KT_LAPIC_BASE;
    Va = MmMapIoSpace(Pa, 2 * PAGE_SIZE, MmNonCached);
    KT_ASSERT(Va != NULL);
    MmUnmapIoSpace(Va, PAGE_SIZE);
}

KTEST(MmContiguousMemory)
{
    PHYSICAL_ADDRESS Low, High, Boundary;
    PUCHAR Buffer, Uncached;
    ULONGLONG Pa, Pte;
    ULONG I;

    Low.QuadPart = 0;
    High.QuadPart = 16 * 1024 * 1024 - 1;
    Boundary.QuadPart = 64 * 1024;
    Buffer = MmAllocateContiguousMemorySpecifyCache(40 * 1024, Low, High, Boundary, MmCached);
    KT_ASSERT(Buffer != NULL);
    Pa = (ULONGLONG)MmGetPhysicalAddress(Buffer).QuadPart;
    KT_ASSERT(Pa + 40 * 1024 <= 16 * 1024 * 1024);
    KT_ASSERT_EQ(Pa / (64 * 1024), (Pa + 40 * 1024 - 1) / (64 * 1024));
    for (I = 0; I < 10; I++) {
        KT_ASSERT_EQ(MmGetPhysicalAddress(Buffer + I * PAGE_SIZE).QuadPart, Pa + I * PAGE_SIZE);
    }
    RtlFillMemory(Buffer, 40 * 1024, 0x3C);
    MmFreeContiguousMemory(Buffer);

    Uncached = MmAllocateContiguousMemorySpecifyCache(PAGE_SIZE, Low, High, Low, MmNonCached);
    KT_ASSERT(Uncached != NULL);
    KT_ASSERT(MiTranslate((ULONG_PTR)Uncached, NULL, &Pte));
    KT_ASSERT_EQ(Pte & (MI_PTE_PCD | MI_PTE_PWT), MI_PTE_PCD | MI_PTE_PWT);
    Uncached[0] = 1;
    MmFreeContiguousMemorySpecifyCache(Uncached, PAGE_SIZE, MmNonCached);

    High.QuadPart = -1;
    Buffer = MmAllocateContiguousMemory(3 * PAGE_SIZE, High);
    KT_ASSERT(Buffer != NULL);
    MmFreeContiguousMemory(Buffer);
    KT_ASSERT(MmAllocateContiguousMemory(0, High) == NULL);
}

KTEST_BUGCHECK(MmFreeContiguousUnknown, MEMORY_MANAGEMENT)
{
    MmFreeContiguousMemory(MiPhysicalToVirtual(0x100000));
}
