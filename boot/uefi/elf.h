/*
 * boot/uefi/elf.h - checking the kernel ELF before the loader trusts it.
 *
 * ElfCheckKernel is pure: it reads a file image in memory, checks every
 * field the loader will act on, and either describes the image (where each
 * segment goes, where the entry is, where the symbols are) or says in one
 * sentence what is wrong with it. tests/host/uefi_elf.c feeds it broken
 * files; boot/uefi/image.c loads what it accepts.
 */
#ifndef KESTREL_BOOT_UEFI_ELF_H
#define KESTREL_BOOT_UEFI_ELF_H

#include <stddef.h>
#include <stdint.h>
#include "boot/uefi/elf64.h"

/* linker.ld: the kernel links at -2 GiB + its physical address, and its
 * lowest physical address is 2 MiB. The boot page tables map -2 GiB onto
 * KernelPhysicalBase - 2 MiB (boot/bootinfo.h), which is only right for an
 * image laid out this way, so the loader checks it. */
#define ELF_KERNEL_LINK_BASE 0xFFFFFFFF80000000ULL
#define ELF_KERNEL_PHYSICAL_BASE 0x200000ULL
/* PDPT[510] maps one GiB: the image must fit in it. */
#define ELF_KERNEL_WINDOW (1ULL << 30)
/* Enough for any kernel we link; bounds the overlap check. */
#define ELF_MAX_PROGRAM_HEADERS 64
#define ELF_MESSAGE_SIZE 160

typedef enum _ELF_STATUS {
    ElfOk = 0,
    ElfBadHeader,       /* identification, type, machine, header sizes */
    ElfBadProgramHeaders,
    ElfBadSegment,
    ElfBadEntry,
} ELF_STATUS;

typedef struct _ELF_KERNEL_IMAGE {
    ELF_STATUS Status;
    char Message[ELF_MESSAGE_SIZE]; /* what is wrong, when Status != ElfOk */

    uint64_t Entry;             /* e_entry, a -2 GiB address */
    uint64_t PhysicalLow;       /* lowest p_paddr of a PT_LOAD: 2 MiB */
    uint64_t PhysicalHigh;      /* highest p_paddr + p_memsz */
    uint64_t ProgramHeaderOffset;
    uint32_t ProgramHeaderSize;
    uint32_t ProgramHeaderCount;

    /* The .symtab and the .strtab it links to, as file offsets; sizes are 0
     * when the file has none or they are malformed (SymbolMessage says which:
     * symbols are a convenience, so their absence is a warning). */
    uint64_t SymbolTableOffset;
    uint64_t SymbolTableSize;
    uint64_t StringTableOffset;
    uint64_t StringTableSize;
    char SymbolMessage[ELF_MESSAGE_SIZE];
} ELF_KERNEL_IMAGE;

/* Checks File[0, FileSize) and fills Image. Returns Image->Status. */
ELF_STATUS ElfCheckKernel(const void *File, uint64_t FileSize, ELF_KERNEL_IMAGE *Image);

/* Copies program header Index of a checked image (the file need not keep
 * it aligned). */
void ElfReadProgramHeader(const void *File, const ELF_KERNEL_IMAGE *Image, uint32_t Index,
                          ELF64_PHDR *Header);

#endif /* KESTREL_BOOT_UEFI_ELF_H */
