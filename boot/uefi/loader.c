/*
 * boot/uefi/loader.c - efi_main: the UEFI loader from start to kernel entry.
 *
 * Each step below is one call; a step that fails has already said why on
 * ConOut (which OVMF mirrors onto COM1) and efi_main returns its status to
 * the firmware, which then tries the next boot option or shows its menu.
 * Only the last steps, after ExitBootServices, cannot go back.
 */
#include "boot/uefi/loader.h"
#include "boot/uefi/paging.h"

/* The largest kernel file the loader reads (a debug build is a few MiB). */
#define LDR_KERNEL_LIMIT (256ULL << 20)

/* The loader's GDT and a small stack for the last instructions, in one page
 * of loader data: 64-bit code at 0x08 and data at 0x10, as on the Multiboot2
 * path (Intel SDM vol. 3A, 3.4.5 and 5.2.1: base and limit are ignored in
 * 64-bit mode; L=1, D=0 for code). */
typedef struct _LDR_ENTRY_PAGE {
    UINT64 Gdt[3];
    UINT16 Padding[3];
    UINT16 GdtLimit;        /* GdtLimit and GdtBase form the GDTR */
    UINT64 GdtBase;
} LDR_ENTRY_PAGE;

/* Runs before ExitBootServices. */
static EFI_STATUS
LdrpPrepareEntryPage(LDR_ENTRY_PAGE **Page)
{
    EFI_STATUS Status;

    Status = LdrAllocateLow(EFI_PAGE_SIZE, EfiLoaderData, (VOID **)Page);
    if (EFI_ERROR(Status)) {
        return Status;
    }
    (*Page)->Gdt[0] = 0;
    (*Page)->Gdt[1] = 0x00AF9A000000FFFFULL;
    (*Page)->Gdt[2] = 0x00CF92000000FFFFULL;
    (*Page)->GdtLimit = sizeof((*Page)->Gdt) - 1;
    (*Page)->GdtBase = (UINT64)(UINTN)(*Page)->Gdt;
    return EFI_SUCCESS;
}

/* Runs before ExitBootServices. Reads, checks and loads the kernel. */
static EFI_STATUS
LdrpLoadKernelFile(EFI_FILE_HANDLE Root, KESTREL_BOOT_INFO *BootInfo, LDR_KERNEL *Kernel)
{
    ELF_KERNEL_IMAGE Elf;
    EFI_STATUS Status;
    UINT64 FileSize;
    VOID *File;

    Status = LdrReadFile(Root, LDR_KERNEL_PATH, LDR_KERNEL_LIMIT, &File, &FileSize);
    if (Status == EFI_NOT_FOUND) {
        Print(L"kestrel.elf: not found on the boot volume\n");
    }
    if (EFI_ERROR(Status)) {
        return Status;
    }
    if (ElfCheckKernel(File, FileSize, &Elf) != ElfOk) {
        Print(L"kestrel.elf: %a\n", Elf.Message);
        Status = EFI_LOAD_ERROR;
    } else {
        Status = LdrLoadKernel(File, &Elf, Kernel);
    }
    if (!EFI_ERROR(Status)) {
        LdrLoadSymbols(File, &Elf, BootInfo);
    }
    /* The file itself is not needed once its segments are copied. */
    uefi_call_wrapper(BS->FreePool, 1, File);
    return Status;
}

/* Runs after ExitBootServices: COM1 only. One line on how the map went,
 * and a second only when the firmware's map had something odd in it. */
static VOID
LdrpReportMemoryMap(const KESTREL_BOOT_INFO *BootInfo, const UEFI_MEMMAP_REPORT *Report)
{
    LdrSerialPuts(LDR_NAME ": memory map of ");
    LdrSerialDecimal(Report->Descriptors);
    LdrSerialPuts(" descriptors as ");
    LdrSerialDecimal(BootInfo->MemoryRegionCount);
    LdrSerialPuts(" regions\n");
    if (Report->EmptySkipped + Report->MisalignedSkipped + Report->OverflowSkipped +
        Report->Overlaps + Report->Dropped != 0) {
        LdrSerialPuts(LDR_NAME ": warning: descriptors skipped (empty ");
        LdrSerialDecimal(Report->EmptySkipped);
        LdrSerialPuts(", misaligned ");
        LdrSerialDecimal(Report->MisalignedSkipped);
        LdrSerialPuts(", past 2^64 ");
        LdrSerialDecimal(Report->OverflowSkipped);
        LdrSerialPuts("), overlapping ");
        LdrSerialDecimal(Report->Overlaps);
        LdrSerialPuts(", dropped for lack of room ");
        LdrSerialDecimal(Report->Dropped);
        LdrSerialPuts("\n");
    }
}

/* Runs before ExitBootServices: the header fields of the boot info. */
static VOID
LdrpFillBootInfo(KESTREL_BOOT_INFO *BootInfo, const LDR_KERNEL *Kernel)
{
    static const char Name[] = LDR_NAME;

    BootInfo->Signature = KESTREL_BOOT_INFO_SIGNATURE;
    BootInfo->Version = KESTREL_BOOT_INFO_VERSION;
    BootInfo->BootPath = BOOT_PATH_UEFI;
    CopyMem(BootInfo->LoaderName, (VOID *)Name, sizeof(Name));
    BootInfo->KernelVirtualBase = ELF_KERNEL_LINK_BASE + ELF_KERNEL_PHYSICAL_BASE;
    BootInfo->KernelPhysicalBase = Kernel->PhysicalBase;
    BootInfo->KernelSize = Kernel->Size;
}

/* Runs at the firmware's TPL_APPLICATION, called by GNU-EFI's crt0 with the
 * System V convention (not EFIAPI). Returns only on failure. */
EFI_STATUS
efi_main(EFI_HANDLE ImageHandle, EFI_SYSTEM_TABLE *SystemTable)
{
    EFI_LOADED_IMAGE *LoadedImage;
    KESTREL_BOOT_INFO *BootInfo;
    UEFI_MEMMAP_REPORT MapReport;
    LDR_ENTRY_PAGE *EntryPage;
    EFI_FILE_HANDLE Root;
    LDR_KERNEL Kernel;
    UINT64 *Tables;
    UINT64 Cr3;
    EFI_STATUS Status;

    InitializeLib(ImageHandle, SystemTable);
    Print(L"%a\n", LDR_NAME);

    /* The code that switches page tables must be identity-mapped by them. */
    if ((UINT64)(UINTN)&LdrEnterKernel >= LDR_4GB - EFI_PAGE_SIZE) {
        Print(L"%a: the firmware loaded us at %lx, above 4 GiB, where the boot page tables "
              L"do not reach\n", LDR_NAME, (UINT64)(UINTN)&LdrEnterKernel);
        return EFI_UNSUPPORTED;
    }
    Status = LdrAllocateLow(sizeof(*BootInfo), EfiLoaderData, (VOID **)&BootInfo);
    if (EFI_ERROR(Status)) {
        return Status;
    }
    Status = LdrOpenBootVolume(ImageHandle, &LoadedImage, &Root);
    if (EFI_ERROR(Status)) {
        return Status;
    }
    Status = LdrpLoadKernelFile(Root, BootInfo, &Kernel);
    if (!EFI_ERROR(Status)) {
        Status = LdrReadCommandLine(LoadedImage, Root, BootInfo);
    }
    uefi_call_wrapper(Root->Close, 1, Root);
    if (EFI_ERROR(Status)) {
        return Status;
    }
    LdrFindRsdp(SystemTable, BootInfo);
    LdrFindFramebuffer(BootInfo);
    LdrpFillBootInfo(BootInfo, &Kernel);

    Status = LdrAllocateLow(BOOT_PAGE_TABLE_PAGES * EFI_PAGE_SIZE, EfiLoaderData,
                            (VOID **)&Tables);
    if (EFI_ERROR(Status)) {
        return Status;
    }
    Cr3 = PagingBuildBootTables(Tables, (UINT64)(UINTN)Tables, Kernel.PhysicalBase);
    if (Cr3 == 0) {
        Print(L"%a: kernel base %lx is not 2 MiB aligned\n", LDR_NAME, Kernel.PhysicalBase);
        return EFI_LOAD_ERROR;
    }
    Status = LdrpPrepareEntryPage(&EntryPage);
    if (EFI_ERROR(Status)) {
        return Status;
    }
    Print(L"%a: kernel at %lx (%ld KiB), entry %lx, command line \"%a\"\n", LDR_NAME,
          Kernel.PhysicalBase, Kernel.Size / 1024, Kernel.Entry, BootInfo->CommandLine);

    /* From here on: no firmware calls, no ConOut. */
    Status = LdrExitBootServices(ImageHandle, BootInfo, &MapReport);
    if (EFI_ERROR(Status)) {
        return Status;
    }
    /* On top of the firmware's regions, what the loader placed itself; the
     * kernel keeps the more restrictive type where they overlap. */
    if (BootInfoAddMemory(BootInfo, Kernel.PhysicalBase, Kernel.Size, BOOT_MEMORY_KERNEL) != 0) {
        LdrHaltAfterExit("no room left in the boot info for the kernel's own region");
    }
    LdrpReportMemoryMap(BootInfo, &MapReport);
    LdrSerialPuts(LDR_NAME ": entering the kernel at ");
    LdrSerialHex(Kernel.Entry);
    LdrSerialPuts("\n");
    LdrEnterKernel((UINT64)(UINTN)BootInfo, Cr3, Kernel.Entry, &EntryPage->GdtLimit,
                   (UINT64)(UINTN)EntryPage + EFI_PAGE_SIZE);
}
