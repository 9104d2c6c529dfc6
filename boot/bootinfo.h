/*
 * bootinfo.h - the one structure both boot paths hand to the kernel.
 *
 * The Multiboot2 path (boot/multiboot2) and the UEFI loader (boot/uefi) each
 * translate what their firmware told them into a KESTREL_BOOT_INFO and enter
 * the kernel at KiSystemStartup with its physical address. This is Kestrel's
 * counterpart of NT's LOADER_PARAMETER_BLOCK. It is written with <stdint.h>
 * types only, because the UEFI loader builds against GNU-EFI's headers,
 * whose type names clash with ntdef.h.
 *
 * Every address in here is physical. On entry the boot page tables
 * identity-map the first 4 GiB, and every pointer in here points below that.
 */
#ifndef KESTREL_BOOTINFO_H
#define KESTREL_BOOTINFO_H

#include <stdint.h>

#define KESTREL_BOOT_INFO_SIGNATURE 0x4F4F424BU /* "KBOO" */
#define KESTREL_BOOT_INFO_VERSION 1

#define BOOT_PATH_MULTIBOOT2 1
#define BOOT_PATH_UEFI 2

/* Kinds of physical memory, from least to most restrictive: where two
 * reported regions overlap, the kernel keeps the larger type. */
#define BOOT_MEMORY_FREE 1          /* usable RAM, nothing in it */
#define BOOT_MEMORY_ACPI_RECLAIM 2  /* ACPI tables; free once parsed */
#define BOOT_MEMORY_LOADER 3        /* boot info, symbols, boot page tables */
#define BOOT_MEMORY_KERNEL 4        /* the kernel image itself */
#define BOOT_MEMORY_ACPI_NVS 5      /* firmware keeps it across sleep */
#define BOOT_MEMORY_FIRMWARE 6      /* UEFI runtime services code/data */
#define BOOT_MEMORY_RESERVED 7      /* never touch (includes MMIO holes) */
#define BOOT_MEMORY_BAD 8           /* RAM that failed firmware tests */

#define BOOT_MAX_MEMORY_REGIONS 256
/* The harness's pci boots name over 500 characters of tests. */
#define BOOT_COMMAND_LINE_SIZE 1024
#define BOOT_LOADER_NAME_SIZE 64

typedef struct _BOOT_MEMORY_REGION {
    uint64_t Base;
    uint64_t Length;
    uint32_t Type;          /* BOOT_MEMORY_* */
    uint32_t Reserved;
} BOOT_MEMORY_REGION;

#define BOOT_FRAMEBUFFER_NONE 0
#define BOOT_FRAMEBUFFER_RGB 1
#define BOOT_FRAMEBUFFER_TEXT 2

typedef struct _BOOT_FRAMEBUFFER {
    uint64_t PhysicalAddress;
    uint32_t Width;
    uint32_t Height;
    uint32_t Pitch;         /* bytes per scan line */
    uint8_t BitsPerPixel;
    uint8_t Type;           /* BOOT_FRAMEBUFFER_* */
    uint8_t RedShift, RedSize;
    uint8_t GreenShift, GreenSize;
    uint8_t BlueShift, BlueSize;
} BOOT_FRAMEBUFFER;

typedef struct _KESTREL_BOOT_INFO {
    uint32_t Signature;     /* KESTREL_BOOT_INFO_SIGNATURE */
    uint32_t Version;       /* KESTREL_BOOT_INFO_VERSION */
    uint32_t BootPath;      /* BOOT_PATH_* */
    uint32_t MemoryRegionCount;
    BOOT_MEMORY_REGION MemoryRegions[BOOT_MAX_MEMORY_REGIONS];

    /* ACPI root pointer, 0 when the firmware gave none. */
    uint64_t RsdpAddress;
    uint32_t RsdpRevision;  /* 0 for ACPI 1.0, 2 for 2.0+ */
    uint32_t Reserved0;

    /* Where the kernel image lies: its link address and its physical copy. */
    uint64_t KernelVirtualBase;
    uint64_t KernelPhysicalBase;
    uint64_t KernelSize;

    /* The kernel's ELF .symtab and .strtab, loaded by the boot loader, for
     * symbolized backtraces. Zero when the loader could not provide them. */
    uint64_t SymbolTable;
    uint64_t SymbolTableSize;
    uint64_t StringTable;
    uint64_t StringTableSize;

    BOOT_FRAMEBUFFER Framebuffer;

    char CommandLine[BOOT_COMMAND_LINE_SIZE];
    char LoaderName[BOOT_LOADER_NAME_SIZE];
} KESTREL_BOOT_INFO;

/*
 * The contract at the kernel's 64-bit entry (KiStartup64 in kernel/ke/start.asm):
 * long mode, interrupts off, CR3 pointing at boot page tables that identity-map
 * [0, 4 GiB) and map the kernel's link addresses onto KernelPhysicalBase with
 * 2 MiB pages, RDI = physical address of a KESTREL_BOOT_INFO. The stack is not
 * used: the kernel switches to its own at once.
 */

/*
 * Appends a region. Loaders report what the firmware said and then, on top,
 * what they placed in memory themselves (kernel, symbols, this structure)
 * with a more restrictive type; the kernel resolves the overlaps. Returns 0,
 * or -1 when the table is full (the region is then dropped).
 */
static inline int
BootInfoAddMemory(KESTREL_BOOT_INFO *Info, uint64_t Base, uint64_t Length, uint32_t Type)
{
    BOOT_MEMORY_REGION *Region;

    if (Info->MemoryRegionCount >= BOOT_MAX_MEMORY_REGIONS) {
        return -1;
    }
    Region = &Info->MemoryRegions[Info->MemoryRegionCount++];
    Region->Base = Base;
    Region->Length = Length;
    Region->Type = Type;
    Region->Reserved = 0;
    return 0;
}

#endif /* KESTREL_BOOTINFO_H */
