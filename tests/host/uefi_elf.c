/*
 * tests/host/uefi_elf.c - the UEFI loader's kernel ELF check
 * (boot/uefi/elf.c) against a small valid image and broken variants.
 *
 * The image is built here field by field, laid out like linker.ld's: an
 * identity-mapped .boot at 2 MiB, then text and data at -2 GiB + physical.
 * Each test breaks one thing and checks the sentence a user would read.
 * The file buffer is exactly as large as the file, so ASan sees any read
 * past its end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "boot/uefi/elf.h"

#define LINK ELF_KERNEL_LINK_BASE
#define FILE_SIZE 1152
#define PH_OFFSET 64
#define SH_OFFSET 896
#define SYMTAB_OFFSET 768
#define STRTAB_OFFSET 848

typedef struct {
    ELF64_EHDR Header;
    ELF64_PHDR Segments[3];
    ELF64_SHDR Sections[4];
} PARTS;

/* The parts of a valid kernel; tests change them, then Flatten. */
static void
ValidParts(PARTS *Parts)
{
    static const unsigned char Ident[EI_NIDENT] = { 0x7F, 'E', 'L', 'F', ELFCLASS64, ELFDATA2LSB,
                                                    EV_CURRENT };

    memset(Parts, 0, sizeof(*Parts));
    memcpy(Parts->Header.e_ident, Ident, sizeof(Ident));
    Parts->Header.e_type = ET_EXEC;
    Parts->Header.e_machine = EM_X86_64;
    Parts->Header.e_version = EV_CURRENT;
    Parts->Header.e_entry = LINK + 0x201010;
    Parts->Header.e_phoff = PH_OFFSET;
    Parts->Header.e_shoff = SH_OFFSET;
    Parts->Header.e_ehsize = sizeof(ELF64_EHDR);
    Parts->Header.e_phentsize = sizeof(ELF64_PHDR);
    Parts->Header.e_phnum = 3;
    Parts->Header.e_shentsize = sizeof(ELF64_SHDR);
    Parts->Header.e_shnum = 4;

    Parts->Segments[0] = (ELF64_PHDR){ PT_LOAD, PF_R | PF_W | PF_X, 256, 0x200000, 0x200000,
                                       16, 0x1000, 0x1000 };
    Parts->Segments[1] = (ELF64_PHDR){ PT_LOAD, PF_R | PF_X, 512, LINK + 0x201000, 0x201000,
                                       64, 0x1000, 0x1000 };
    Parts->Segments[2] = (ELF64_PHDR){ PT_LOAD, PF_R | PF_W, 640, LINK + 0x202000, 0x202000,
                                       32, 0x3000, 0x1000 };

    Parts->Sections[1].sh_type = SHT_SYMTAB;
    Parts->Sections[1].sh_offset = SYMTAB_OFFSET;
    Parts->Sections[1].sh_size = 3 * ELF64_SYM_SIZE;
    Parts->Sections[1].sh_link = 2;
    Parts->Sections[2].sh_type = SHT_STRTAB;
    Parts->Sections[2].sh_offset = STRTAB_OFFSET;
    Parts->Sections[2].sh_size = 16;
    Parts->Sections[3].sh_type = 1; /* SHT_PROGBITS */
}

/* A heap copy of the file, exactly Size bytes long. */
static unsigned char *
Flatten(const PARTS *Parts, size_t Size)
{
    unsigned char Full[FILE_SIZE];
    unsigned char *File;

    memset(Full, 0xCC, sizeof(Full));
    memcpy(Full, &Parts->Header, sizeof(Parts->Header));
    memcpy(Full + PH_OFFSET, Parts->Segments, sizeof(Parts->Segments));
    memcpy(Full + SH_OFFSET, Parts->Sections, sizeof(Parts->Sections));
    memcpy(Full + STRTAB_OFFSET, "\0KiStartup64\0ab", 16);
    File = malloc(Size);
    assert_non_null(File);
    memcpy(File, Full, Size < sizeof(Full) ? Size : sizeof(Full));
    return File;
}

/* Checks the parts and expects Status and, if given, the exact message. */
static void
Expect(const PARTS *Parts, ELF_STATUS Status, const char *Message)
{
    unsigned char *File = Flatten(Parts, FILE_SIZE);
    ELF_KERNEL_IMAGE Image;

    assert_int_equal(ElfCheckKernel(File, FILE_SIZE, &Image), Status);
    assert_int_equal(Image.Status, Status);
    if (Message != NULL) {
        assert_string_equal(Image.Message, Message);
    }
    free(File);
}

static void
ValidKernelIsDescribed(void **State)
{
    PARTS Parts;
    unsigned char *File;
    ELF_KERNEL_IMAGE Image;
    ELF64_PHDR Segment;

    (void)State;
    ValidParts(&Parts);
    File = Flatten(&Parts, FILE_SIZE);
    assert_int_equal(ElfCheckKernel(File, FILE_SIZE, &Image), ElfOk);
    assert_int_equal(Image.Entry, LINK + 0x201010);
    assert_int_equal(Image.PhysicalLow, 0x200000);
    assert_int_equal(Image.PhysicalHigh, 0x205000);
    assert_int_equal(Image.ProgramHeaderCount, 3);
    ElfReadProgramHeader(File, &Image, 2, &Segment);
    assert_int_equal(Segment.p_memsz, 0x3000);
    assert_int_equal(Image.SymbolTableOffset, SYMTAB_OFFSET);
    assert_int_equal(Image.SymbolTableSize, 72);
    assert_int_equal(Image.StringTableOffset, STRTAB_OFFSET);
    assert_int_equal(Image.StringTableSize, 16);
    free(File);
}

static void
HeaderFaultsAreNamed(void **State)
{
    PARTS Parts;
    ELF_KERNEL_IMAGE Image;
    unsigned char *File;

    (void)State;
    ValidParts(&Parts);
    File = Flatten(&Parts, 40);
    assert_int_equal(ElfCheckKernel(File, 40, &Image), ElfBadHeader);
    assert_string_equal(Image.Message, "is 40 bytes, too small for an ELF header");
    assert_int_equal(ElfCheckKernel(NULL, 4096, &Image), ElfBadHeader);
    free(File);

    ValidParts(&Parts);
    Parts.Header.e_ident[1] = 'X';
    Expect(&Parts, ElfBadHeader, "is not an ELF file (bad magic number)");
    ValidParts(&Parts);
    Parts.Header.e_ident[EI_CLASS] = 1;
    Expect(&Parts, ElfBadHeader, "is not a 64-bit ELF file (EI_CLASS 1)");
    ValidParts(&Parts);
    Parts.Header.e_ident[EI_DATA] = 2;
    Expect(&Parts, ElfBadHeader, "is not little-endian (EI_DATA 2)");
    ValidParts(&Parts);
    Parts.Header.e_version = 7;
    Expect(&Parts, ElfBadHeader, "has ELF version 7, not 1");
    ValidParts(&Parts);
    Parts.Header.e_type = 3;
    Expect(&Parts, ElfBadHeader, "is not an executable (e_type 3, ET_EXEC is 2)");
    ValidParts(&Parts);
    Parts.Header.e_machine = 3;
    Expect(&Parts, ElfBadHeader, "is not for x86-64 (e_machine 3, EM_X86_64 is 62)");
}

static void
ProgramHeaderTableFaultsAreNamed(void **State)
{
    PARTS Parts;

    (void)State;
    ValidParts(&Parts);
    Parts.Header.e_phnum = 0;
    Expect(&Parts, ElfBadProgramHeaders, "has no program headers");
    ValidParts(&Parts);
    Parts.Header.e_phnum = 65;
    Expect(&Parts, ElfBadProgramHeaders, "has 65 program headers; the loader accepts at most 64");
    ValidParts(&Parts);
    Parts.Header.e_phentsize = 32;
    Expect(&Parts, ElfBadProgramHeaders,
           "has program headers of 32 bytes, smaller than Elf64_Phdr (56)");
    ValidParts(&Parts);
    Parts.Header.e_phoff = FILE_SIZE - 100;
    Expect(&Parts, ElfBadProgramHeaders, "program header table runs past the end of the file");
    ValidParts(&Parts);
    Parts.Header.e_phoff = UINT64_MAX - 8;  /* offset + size wraps */
    Expect(&Parts, ElfBadProgramHeaders, "program header table runs past the end of the file");
    ValidParts(&Parts);
    for (int Index = 0; Index < 3; Index++) {
        Parts.Segments[Index].p_type = PT_NULL;
    }
    Expect(&Parts, ElfBadProgramHeaders, "has no loadable (PT_LOAD) segments");
}

static void
SegmentFaultsAreNamed(void **State)
{
    PARTS Parts;

    (void)State;
    ValidParts(&Parts);
    Parts.Segments[2].p_offset = FILE_SIZE - 8;
    Expect(&Parts, ElfBadSegment, "program header 2 runs past the end of the file");
    ValidParts(&Parts);
    Parts.Segments[1].p_offset = UINT64_MAX - 4;
    Expect(&Parts, ElfBadSegment, "program header 1 runs past the end of the file");
    ValidParts(&Parts);
    Parts.Segments[2].p_memsz = 16;
    Expect(&Parts, ElfBadSegment, "program header 2 has a memory size smaller than its file size");
    ValidParts(&Parts);
    Parts.Segments[2].p_memsz = UINT64_MAX - 0x100;
    Expect(&Parts, ElfBadSegment, "program header 2 wraps around the address space");
    ValidParts(&Parts);
    Parts.Segments[1].p_vaddr = 0xFFFF800000201000ULL;
    Expect(&Parts, ElfBadSegment,
           "program header 1: virtual address 0xFFFF800000201000 is neither its physical address "
           "nor -2 GiB above it (see linker.ld)");
    ValidParts(&Parts);
    Parts.Segments[2].p_memsz = 1ULL << 30;
    Expect(&Parts, ElfBadSegment,
           "program header 2 lies beyond the GiB at -2 GiB that the boot page tables map");
    ValidParts(&Parts);
    Parts.Segments[0].p_paddr = Parts.Segments[0].p_vaddr = 0xFFFFF000ULL;
    Parts.Segments[0].p_memsz = 0x2000;
    Expect(&Parts, ElfBadSegment, "program header 0 is identity-mapped above 4 GiB");
    ValidParts(&Parts);
    Parts.Segments[2].p_paddr = 0x201800;
    Parts.Segments[2].p_vaddr = LINK + 0x201800;
    Expect(&Parts, ElfBadSegment, "program headers 1 and 2 overlap in physical memory");
    ValidParts(&Parts);
    Parts.Segments[0].p_type = PT_NULL;
    Expect(&Parts, ElfBadSegment,
           "lowest physical address is 0x201000, not 0x200000 as linker.ld places the kernel");
}

static void
EntryMustBeInExecutableHighSegment(void **State)
{
    PARTS Parts;

    (void)State;
    ValidParts(&Parts);
    Parts.Header.e_entry = LINK + 0x202000; /* data */
    Expect(&Parts, ElfBadEntry,
           "entry point 0xFFFFFFFF80202000 is not inside an executable segment at -2 GiB");
    ValidParts(&Parts);
    Parts.Header.e_entry = 0x200000; /* the Multiboot2 .boot: executable but low */
    Expect(&Parts, ElfBadEntry, "entry point 0x200000 is not inside an executable segment at -2 GiB");
    ValidParts(&Parts);
    Parts.Header.e_entry = LINK + 0x202000 - 1; /* last byte of text: fine */
    Expect(&Parts, ElfOk, NULL);
}

/* Symbol problems are warnings: the kernel is still accepted. */
static void
SymbolFaultsAreWarnings(void **State)
{
    PARTS Parts;
    unsigned char *File;
    ELF_KERNEL_IMAGE Image;

    (void)State;
    ValidParts(&Parts);
    Parts.Header.e_shoff = 0;
    File = Flatten(&Parts, FILE_SIZE);
    assert_int_equal(ElfCheckKernel(File, FILE_SIZE, &Image), ElfOk);
    assert_int_equal(Image.SymbolTableSize, 0);
    assert_string_equal(Image.SymbolMessage, "has no section headers, so no symbols");
    free(File);

    ValidParts(&Parts);
    Parts.Sections[1].sh_link = 3;
    File = Flatten(&Parts, FILE_SIZE);
    assert_int_equal(ElfCheckKernel(File, FILE_SIZE, &Image), ElfOk);
    assert_int_equal(Image.SymbolTableSize, 0);
    assert_string_equal(Image.SymbolMessage,
                        "section 1 (.symtab) links to section 3, not a string table");
    free(File);

    ValidParts(&Parts);
    Parts.Sections[1].sh_size = 70;
    File = Flatten(&Parts, FILE_SIZE);
    assert_int_equal(ElfCheckKernel(File, FILE_SIZE, &Image), ElfOk);
    assert_string_equal(Image.SymbolMessage,
                        "section 1 (.symtab) is 70 bytes, not a multiple of 24");
    free(File);

    ValidParts(&Parts);
    Parts.Sections[2].sh_size = 15; /* ends inside "ab" */
    File = Flatten(&Parts, FILE_SIZE);
    assert_int_equal(ElfCheckKernel(File, FILE_SIZE, &Image), ElfOk);
    assert_string_equal(Image.SymbolMessage, "section 2 (string table) does not end with a NUL");
    free(File);

    ValidParts(&Parts);
    Parts.Sections[2].sh_offset = UINT64_MAX - 4;
    File = Flatten(&Parts, FILE_SIZE);
    assert_int_equal(ElfCheckKernel(File, FILE_SIZE, &Image), ElfOk);
    assert_int_equal(Image.StringTableSize, 0);
    assert_string_equal(Image.SymbolMessage,
                        "section 1 (.symtab) or its strings run past the end of the file");
    free(File);

    ValidParts(&Parts);
    Parts.Header.e_shnum = 60;
    File = Flatten(&Parts, FILE_SIZE);
    assert_int_equal(ElfCheckKernel(File, FILE_SIZE, &Image), ElfOk);
    assert_string_equal(Image.SymbolMessage, "section header table runs past the end of the file");
    free(File);
}

/* Every truncation of a valid file, and random single-byte damage, must be
 * either refused or accepted with everything in bounds; never a bad read. */
static void
DamagedFilesNeverReadOutOfBounds(void **State)
{
    PARTS Parts;
    unsigned char *Valid, *File;
    ELF_KERNEL_IMAGE Image;
    uint32_t Seed = 12345;

    (void)State;
    ValidParts(&Parts);
    Valid = Flatten(&Parts, FILE_SIZE);
    for (size_t Size = 0; Size < FILE_SIZE; Size++) {
        File = malloc(Size ? Size : 1);
        memcpy(File, Valid, Size);
        ElfCheckKernel(File, Size, &Image);
        if (Size <= 660) {  /* the data segment's bytes end at 672 */
            assert_int_not_equal(Image.Status, ElfOk);
        }
        free(File);
    }
    for (int Round = 0; Round < 20000; Round++) {
        File = malloc(FILE_SIZE);
        memcpy(File, Valid, FILE_SIZE);
        for (int Hit = 0; Hit < 3; Hit++) {
            Seed = Seed * 1103515245 + 12345;
            File[(Seed >> 8) % 1152] = (unsigned char)(Seed >> 20);
        }
        if (ElfCheckKernel(File, FILE_SIZE, &Image) == ElfOk) {
            for (uint32_t Index = 0; Index < Image.ProgramHeaderCount; Index++) {
                ELF64_PHDR Segment;

                ElfReadProgramHeader(File, &Image, Index, &Segment);
                if (Segment.p_type == PT_LOAD) {
                    assert_true(Segment.p_offset + Segment.p_filesz <= FILE_SIZE);
                }
            }
            assert_true(Image.SymbolTableOffset + Image.SymbolTableSize <= FILE_SIZE);
            assert_true(Image.StringTableOffset + Image.StringTableSize <= FILE_SIZE);
        }
        free(File);
    }
    free(Valid);
}

int
main(void)
{
    const struct CMUnitTest Tests[] = {
        cmocka_unit_test(ValidKernelIsDescribed),
        cmocka_unit_test(HeaderFaultsAreNamed),
        cmocka_unit_test(ProgramHeaderTableFaultsAreNamed),
        cmocka_unit_test(SegmentFaultsAreNamed),
        cmocka_unit_test(EntryMustBeInExecutableHighSegment),
        cmocka_unit_test(SymbolFaultsAreWarnings),
        cmocka_unit_test(DamagedFilesNeverReadOutOfBounds),
    };

    return cmocka_run_group_tests(Tests, NULL, NULL);
}
