/*
 * boot/uefi/elf64.h - the parts of ELF-64 the loader reads.
 *
 * From the System V ABI, "ELF-64 Object File Format" (version 1.5) and the
 * generic ABI chapter 4 (ELF header, section header, program header), with
 * the x86-64 machine number from the AMD64 psABI. Restated here rather than
 * taken from <elf.h>: the loader is freestanding, and the host test must see
 * the same definitions.
 */
#ifndef KESTREL_BOOT_UEFI_ELF64_H
#define KESTREL_BOOT_UEFI_ELF64_H

#include <stdint.h>

/* e_ident[] indexes and values (gABI 4, "ELF Identification"). */
#define EI_MAG0 0
#define EI_CLASS 4
#define EI_DATA 5
#define EI_VERSION 6
#define EI_NIDENT 16
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define EV_CURRENT 1

#define ET_EXEC 2
#define EM_X86_64 62

#define PT_NULL 0
#define PT_LOAD 1
#define PF_X 1
#define PF_W 2
#define PF_R 4

#define SHN_UNDEF 0
#define SHT_SYMTAB 2
#define SHT_STRTAB 3

typedef struct _ELF64_EHDR {
    unsigned char e_ident[EI_NIDENT];
    uint16_t e_type;
    uint16_t e_machine;
    uint32_t e_version;
    uint64_t e_entry;
    uint64_t e_phoff;
    uint64_t e_shoff;
    uint32_t e_flags;
    uint16_t e_ehsize;
    uint16_t e_phentsize;
    uint16_t e_phnum;
    uint16_t e_shentsize;
    uint16_t e_shnum;
    uint16_t e_shstrndx;
} ELF64_EHDR;

typedef struct _ELF64_PHDR {
    uint32_t p_type;
    uint32_t p_flags;
    uint64_t p_offset;
    uint64_t p_vaddr;
    uint64_t p_paddr;
    uint64_t p_filesz;
    uint64_t p_memsz;
    uint64_t p_align;
} ELF64_PHDR;

typedef struct _ELF64_SHDR {
    uint32_t sh_name;
    uint32_t sh_type;
    uint64_t sh_flags;
    uint64_t sh_addr;
    uint64_t sh_offset;
    uint64_t sh_size;
    uint32_t sh_link;
    uint32_t sh_info;
    uint64_t sh_addralign;
    uint64_t sh_entsize;
} ELF64_SHDR;

/* An Elf64_Sym is 24 bytes; the kernel's KdpLookupSymbol reads the table. */
#define ELF64_SYM_SIZE 24

#endif /* KESTREL_BOOT_UEFI_ELF64_H */
