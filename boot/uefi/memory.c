/*
 * boot/uefi/memory.c - page allocations the kernel can reach.
 *
 * Whatever the kernel reads at entry (boot info, symbols, page tables, the
 * GDT) must lie below 4 GiB, the identity-mapped part of the boot page
 * tables. AllocatePages with AllocateMaxAddress (UEFI 2.10, 7.2.1) gives
 * exactly that. Memory of type EfiLoaderData is reported to the kernel as
 * BOOT_MEMORY_LOADER, so it stays untouched until the kernel is done with it.
 */
#include "boot/uefi/loader.h"

/* Runs before ExitBootServices. Zeroed, page-aligned, below 4 GiB. */
EFI_STATUS
LdrAllocateLow(UINT64 Bytes, EFI_MEMORY_TYPE Type, VOID **Buffer)
{
    EFI_PHYSICAL_ADDRESS Address = LDR_4GB - 1;
    UINTN Pages = EFI_SIZE_TO_PAGES(Bytes);
    EFI_STATUS Status;

    Status = uefi_call_wrapper(BS->AllocatePages, 4, AllocateMaxAddress, Type, Pages, &Address);
    if (EFI_ERROR(Status)) {
        Print(L"%a: cannot allocate %ld pages below 4 GiB: %r\n", LDR_NAME, (UINT64)Pages, Status);
        return Status;
    }
    SetMem((VOID *)(UINTN)Address, Pages * EFI_PAGE_SIZE, 0);
    *Buffer = (VOID *)(UINTN)Address;
    return EFI_SUCCESS;
}
