/*
 * boot/uefi/image.c - putting a checked kernel ELF into memory.
 *
 * elf.c has already checked every offset and address used here. The image
 * goes at its linked physical address (2 MiB) when the firmware has that
 * range free; otherwise anywhere below 4 GiB on a 2 MiB boundary, because
 * the boot page tables map -2 GiB with 2 MiB pages onto
 * KernelPhysicalBase - 2 MiB. The kernel's own code never assumes its
 * physical address: it reads KernelPhysicalBase from the boot info.
 */
#include "boot/uefi/loader.h"
#include "boot/uefi/paging.h"

/* Runs before ExitBootServices. Returns pages to the firmware, ignoring an
 * empty range. */
static VOID
LdrpFreeRange(EFI_PHYSICAL_ADDRESS Start, EFI_PHYSICAL_ADDRESS End)
{
    if (End > Start) {
        uefi_call_wrapper(BS->FreePages, 2, Start, EFI_SIZE_TO_PAGES(End - Start));
    }
}

/* Runs before ExitBootServices. Any 2 MiB-aligned place below 4 GiB: ask
 * for 2 MiB more than needed, keep the aligned part, give back the rest. */
static EFI_STATUS
LdrpAllocateAligned(UINTN Pages, EFI_PHYSICAL_ADDRESS *Base)
{
    UINTN SlackPages = PAGING_2MB / EFI_PAGE_SIZE;
    EFI_PHYSICAL_ADDRESS Address = LDR_4GB - 1, Aligned;
    EFI_STATUS Status;

    Status = uefi_call_wrapper(BS->AllocatePages, 4, AllocateMaxAddress, EfiLoaderData,
                               Pages + SlackPages, &Address);
    if (EFI_ERROR(Status)) {
        return Status;
    }
    Aligned = (Address + PAGING_2MB - 1) & ~(PAGING_2MB - 1);
    LdrpFreeRange(Address, Aligned);
    LdrpFreeRange(Aligned + Pages * EFI_PAGE_SIZE, Address + (Pages + SlackPages) * EFI_PAGE_SIZE);
    *Base = Aligned;
    return EFI_SUCCESS;
}

/* Runs before ExitBootServices. */
EFI_STATUS
LdrLoadKernel(const VOID *File, const ELF_KERNEL_IMAGE *Elf, LDR_KERNEL *Kernel)
{
    const UINT8 *Bytes = File;
    UINT64 Span = Elf->PhysicalHigh - Elf->PhysicalLow;
    UINTN Pages = EFI_SIZE_TO_PAGES(Span);
    EFI_PHYSICAL_ADDRESS Base = Elf->PhysicalLow;
    EFI_STATUS Status;
    UINT8 *Image;

    Status = uefi_call_wrapper(BS->AllocatePages, 4, AllocateAddress, EfiLoaderData, Pages, &Base);
    if (EFI_ERROR(Status)) {
        Print(L"%a: %lx..%lx is not free (%r); loading the kernel elsewhere below 4 GiB\n",
              LDR_NAME, Elf->PhysicalLow, Elf->PhysicalLow + Pages * EFI_PAGE_SIZE, Status);
        Status = LdrpAllocateAligned(Pages, &Base);
        if (EFI_ERROR(Status)) {
            Print(L"%a: no room for the kernel's %ld pages below 4 GiB: %r\n", LDR_NAME,
                  (UINT64)Pages, Status);
            return Status;
        }
    }

    /* Gaps between segments and every .bss stay zero. */
    Image = (UINT8 *)(UINTN)Base;
    SetMem(Image, Pages * EFI_PAGE_SIZE, 0);
    for (UINT32 Index = 0; Index < Elf->ProgramHeaderCount; Index++) {
        ELF64_PHDR Segment;

        ElfReadProgramHeader(File, Elf, Index, &Segment);
        if (Segment.p_type != PT_LOAD || Segment.p_memsz == 0) {
            continue;
        }
        CopyMem(Image + (Segment.p_paddr - Elf->PhysicalLow), (VOID *)(Bytes + Segment.p_offset),
                Segment.p_filesz);
    }

    Kernel->PhysicalBase = Base;
    Kernel->Size = Pages * EFI_PAGE_SIZE;
    Kernel->Entry = Elf->Entry;
    return EFI_SUCCESS;
}

/* Runs before ExitBootServices. Copies .symtab and .strtab into one
 * EfiLoaderData allocation for KdpLookupSymbol. Without them the kernel
 * still boots; its backtraces just show bare addresses. */
VOID
LdrLoadSymbols(const VOID *File, const ELF_KERNEL_IMAGE *Elf, KESTREL_BOOT_INFO *BootInfo)
{
    const UINT8 *Bytes = File;
    UINT64 StringsAt = (Elf->SymbolTableSize + 7) & ~7ULL;
    UINT8 *Tables;

    if (Elf->SymbolTableSize == 0) {
        Print(L"kestrel.elf: %a; backtraces will not be symbolized\n", Elf->SymbolMessage);
        return;
    }
    if (EFI_ERROR(LdrAllocateLow(StringsAt + Elf->StringTableSize, EfiLoaderData,
                                 (VOID **)&Tables))) {
        Print(L"%a: backtraces will not be symbolized\n", LDR_NAME);
        return;
    }
    CopyMem(Tables, (VOID *)(Bytes + Elf->SymbolTableOffset), Elf->SymbolTableSize);
    CopyMem(Tables + StringsAt, (VOID *)(Bytes + Elf->StringTableOffset), Elf->StringTableSize);
    BootInfo->SymbolTable = (UINT64)(UINTN)Tables;
    BootInfo->SymbolTableSize = Elf->SymbolTableSize;
    BootInfo->StringTable = (UINT64)(UINTN)Tables + StringsAt;
    BootInfo->StringTableSize = Elf->StringTableSize;
}
