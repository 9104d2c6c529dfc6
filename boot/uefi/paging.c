/*
 * boot/uefi/paging.c - building the boot page tables (pure; host-tested).
 *
 * Intel SDM vol. 3A, 4.5: CR3 -> PML4 -> PDPT -> PD, where a PD entry with
 * PS set maps a 2 MiB page. Eight pages in all:
 *
 *   page 0  PML4   [0] -> page 1, [511] -> page 2
 *   page 1  PDPT   [0..3] -> pages 3..6          identity [0, 4 GiB)
 *   page 2  PDPT   [510] -> page 7               -2 GiB .. -1 GiB
 *   3..6    PD     2 MiB pages, 0 .. 4 GiB
 *   page 7  PD     2 MiB pages from KernelPhysicalBase - 2 MiB
 *
 * Nothing is marked no-execute or read-only: these tables live only until
 * MmInitSystem builds the kernel's own, with the right protections.
 */
#include "boot/uefi/paging.h"

#define ENTRIES 512
#define PAGE 4096ULL

/* Runs anywhere; pure. */
uint64_t
PagingBuildBootTables(uint64_t *Tables, uint64_t TablesPhysical, uint64_t KernelPhysicalBase)
{
    uint64_t *Pml4 = Tables;
    uint64_t *PdptLow = Tables + 1 * ENTRIES;
    uint64_t *PdptHigh = Tables + 2 * ENTRIES;
    uint64_t *PdIdentity = Tables + 3 * ENTRIES;  /* four directories in a row */
    uint64_t *PdKernel = Tables + 7 * ENTRIES;
    uint64_t KernelWindow;

    if (KernelPhysicalBase % PAGING_2MB != 0 || KernelPhysicalBase < PAGING_2MB ||
        (TablesPhysical % PAGE) != 0) {
        return 0;
    }
    /* Link address -2 GiB + 2 MiB holds the image's first byte. */
    KernelWindow = KernelPhysicalBase - PAGING_2MB;

    for (unsigned Index = 0; Index < BOOT_PAGE_TABLE_PAGES * ENTRIES; Index++) {
        Tables[Index] = 0;
    }
    Pml4[0] = (TablesPhysical + 1 * PAGE) | PTE_PRESENT | PTE_WRITE;
    Pml4[511] = (TablesPhysical + 2 * PAGE) | PTE_PRESENT | PTE_WRITE;
    for (unsigned Index = 0; Index < 4; Index++) {
        PdptLow[Index] = (TablesPhysical + (3 + Index) * PAGE) | PTE_PRESENT | PTE_WRITE;
    }
    PdptHigh[510] = (TablesPhysical + 7 * PAGE) | PTE_PRESENT | PTE_WRITE;

    for (unsigned Index = 0; Index < 4 * ENTRIES; Index++) {
        PdIdentity[Index] = (uint64_t)Index * PAGING_2MB | PTE_PRESENT | PTE_WRITE | PTE_LARGE;
    }
    for (unsigned Index = 0; Index < ENTRIES; Index++) {
        PdKernel[Index] = (KernelWindow + (uint64_t)Index * PAGING_2MB) |
                          PTE_PRESENT | PTE_WRITE | PTE_LARGE;
    }
    return TablesPhysical;
}
