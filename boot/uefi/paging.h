/*
 * boot/uefi/paging.h - the boot page tables the kernel is entered with.
 *
 * The contract (boot/bootinfo.h, kernel/ke/start.asm): [0, 4 GiB) identity
 * mapped and -2 GiB mapped onto KernelPhysicalBase - 2 MiB, both with 2 MiB
 * pages, exactly as boot/multiboot2/entry.asm builds them for GRUB. Pure
 * logic: the loader allocates the pages, this fills them
 * (tests/host/uefi_paging.c checks the entries).
 */
#ifndef KESTREL_BOOT_UEFI_PAGING_H
#define KESTREL_BOOT_UEFI_PAGING_H

#include <stdint.h>

/* PML4, the low PDPT, the high PDPT, four directories for [0, 4 GiB) and
 * one for the GiB at -2 GiB. */
#define BOOT_PAGE_TABLE_PAGES 8

/* Intel SDM vol. 3A, 4.5 (4-level paging), tables 4-15 to 4-18: the bits
 * of a PML4E, PDPTE and a PDE that maps a 2 MiB page. */
#define PTE_PRESENT (1ULL << 0)
#define PTE_WRITE   (1ULL << 1)
#define PTE_LARGE   (1ULL << 7)

#define PAGING_2MB (1ULL << 21)

/*
 * Fills Tables (BOOT_PAGE_TABLE_PAGES zeroed or not, 4 KiB aligned, whose
 * physical address is TablesPhysical) and returns the value for CR3, or 0
 * when KernelPhysicalBase is not a 2 MiB-aligned address of at least 2 MiB
 * (the -2 GiB mapping could not express it).
 */
uint64_t PagingBuildBootTables(uint64_t *Tables, uint64_t TablesPhysical,
                               uint64_t KernelPhysicalBase);

#endif /* KESTREL_BOOT_UEFI_PAGING_H */
