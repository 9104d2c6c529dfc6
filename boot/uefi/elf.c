/*
 * boot/uefi/elf.c - checking the kernel ELF (pure; host-tested).
 *
 * Every offset, size and address in the file is checked before the loader
 * uses it, with arithmetic that cannot overflow, and a failure is described
 * in a sentence that names the header at fault ("program header 2 runs past
 * the end of the file"). Field meanings: System V gABI chapter 4 and the
 * ELF-64 Object File Format 1.5.
 */
#include "boot/uefi/elf.h"

/* Runs anywhere; pure. Writes Format into Out, replacing each %u (decimal)
 * or %x (0x-prefixed hex) with the next of A and B. */
static void
ElfpFormat(char *Out, const char *Format, uint64_t A, uint64_t B)
{
    uint64_t Arguments[2] = { A, B };
    unsigned Next = 0;
    size_t Length = 0;

    for (const char *Cursor = Format; *Cursor != '\0' && Length + 1 < ELF_MESSAGE_SIZE; Cursor++) {
        char Digits[24];
        int Count = 0;
        uint64_t Value;
        unsigned Base;

        if (Cursor[0] != '%' || (Cursor[1] != 'u' && Cursor[1] != 'x') || Next >= 2) {
            Out[Length++] = *Cursor;
            continue;
        }
        Base = Cursor[1] == 'u' ? 10 : 16;
        Value = Arguments[Next++];
        Cursor++;
        do {
            Digits[Count++] = "0123456789ABCDEF"[Value % Base];
            Value /= Base;
        } while (Value != 0);
        if (Base == 16) {
            Digits[Count++] = 'x';
            Digits[Count++] = '0';
        }
        while (Count > 0 && Length + 1 < ELF_MESSAGE_SIZE) {
            Out[Length++] = Digits[--Count];
        }
    }
    Out[Length] = '\0';
}

/* Runs anywhere; pure. Records the first failure and returns its status. */
static ELF_STATUS
ElfpFail(ELF_KERNEL_IMAGE *Image, ELF_STATUS Status, const char *Format, uint64_t A, uint64_t B)
{
    Image->Status = Status;
    ElfpFormat(Image->Message, Format, A, B);
    return Status;
}

/* Runs anywhere; pure. True when [Offset, Offset + Size) lies in the file. */
static int
ElfpInFile(uint64_t Offset, uint64_t Size, uint64_t FileSize)
{
    return Offset <= FileSize && Size <= FileSize - Offset;
}

/* Runs anywhere; pure. */
void
ElfReadProgramHeader(const void *File, const ELF_KERNEL_IMAGE *Image, uint32_t Index,
                     ELF64_PHDR *Header)
{
    const unsigned char *Bytes = File;

    __builtin_memcpy(Header,
                     Bytes + Image->ProgramHeaderOffset + (uint64_t)Index * Image->ProgramHeaderSize,
                     sizeof(*Header));
}

/* Runs anywhere; pure. Checks one PT_LOAD on its own. */
static ELF_STATUS
ElfpCheckSegment(ELF_KERNEL_IMAGE *Image, uint32_t Index, const ELF64_PHDR *Segment,
                 uint64_t FileSize)
{
    if (!ElfpInFile(Segment->p_offset, Segment->p_filesz, FileSize)) {
        return ElfpFail(Image, ElfBadSegment, "program header %u runs past the end of the file",
                        Index, 0);
    }
    if (Segment->p_memsz < Segment->p_filesz) {
        return ElfpFail(Image, ElfBadSegment,
                        "program header %u has a memory size smaller than its file size", Index, 0);
    }
    if (Segment->p_paddr > UINT64_MAX - Segment->p_memsz ||
        Segment->p_vaddr > UINT64_MAX - Segment->p_memsz) {
        return ElfpFail(Image, ElfBadSegment, "program header %u wraps around the address space",
                        Index, 0);
    }
    if (Segment->p_vaddr == Segment->p_paddr) {
        /* The Multiboot2 entry (.boot) runs at its physical address; the
         * UEFI path loads it but never runs it. */
        if (Segment->p_paddr + Segment->p_memsz > (1ULL << 32)) {
            return ElfpFail(Image, ElfBadSegment,
                            "program header %u is identity-mapped above 4 GiB", Index, 0);
        }
    } else if (Segment->p_paddr <= UINT64_MAX - ELF_KERNEL_LINK_BASE &&
               Segment->p_vaddr == ELF_KERNEL_LINK_BASE + Segment->p_paddr) {
        if (Segment->p_paddr + Segment->p_memsz > ELF_KERNEL_WINDOW) {
            return ElfpFail(Image, ElfBadSegment,
                            "program header %u lies beyond the GiB at -2 GiB that the boot page "
                            "tables map", Index, 0);
        }
    } else {
        return ElfpFail(Image, ElfBadSegment,
                        "program header %u: virtual address %x is neither its physical address "
                        "nor -2 GiB above it (see linker.ld)", Index, Segment->p_vaddr);
    }
    return ElfOk;
}

/* Runs anywhere; pure. Checks the PT_LOADs, one by one and against each
 * other, and finds the physical extent and the entry's segment. */
static ELF_STATUS
ElfpCheckSegments(const void *File, uint64_t FileSize, ELF_KERNEL_IMAGE *Image)
{
    ELF64_PHDR Segment, Other;
    int Loads = 0, EntryFound = 0;

    Image->PhysicalLow = UINT64_MAX;
    Image->PhysicalHigh = 0;
    for (uint32_t Index = 0; Index < Image->ProgramHeaderCount; Index++) {
        ElfReadProgramHeader(File, Image, Index, &Segment);
        if (Segment.p_type != PT_LOAD || Segment.p_memsz == 0) {
            continue;
        }
        if (ElfpCheckSegment(Image, Index, &Segment, FileSize) != ElfOk) {
            return Image->Status;
        }
        for (uint32_t Earlier = 0; Earlier < Index; Earlier++) {
            ElfReadProgramHeader(File, Image, Earlier, &Other);
            if (Other.p_type == PT_LOAD && Other.p_memsz != 0 &&
                Segment.p_paddr < Other.p_paddr + Other.p_memsz &&
                Other.p_paddr < Segment.p_paddr + Segment.p_memsz) {
                return ElfpFail(Image, ElfBadSegment,
                                "program headers %u and %u overlap in physical memory", Earlier,
                                Index);
            }
        }
        if (Segment.p_paddr < Image->PhysicalLow) {
            Image->PhysicalLow = Segment.p_paddr;
        }
        if (Segment.p_paddr + Segment.p_memsz > Image->PhysicalHigh) {
            Image->PhysicalHigh = Segment.p_paddr + Segment.p_memsz;
        }
        if ((Segment.p_flags & PF_X) && Segment.p_vaddr != Segment.p_paddr &&
            Image->Entry >= Segment.p_vaddr && Image->Entry - Segment.p_vaddr < Segment.p_memsz) {
            EntryFound = 1;
        }
        Loads++;
    }
    if (Loads == 0) {
        return ElfpFail(Image, ElfBadProgramHeaders, "has no loadable (PT_LOAD) segments", 0, 0);
    }
    if (Image->PhysicalLow != ELF_KERNEL_PHYSICAL_BASE) {
        return ElfpFail(Image, ElfBadSegment,
                        "lowest physical address is %x, not %x as linker.ld places the kernel",
                        Image->PhysicalLow, ELF_KERNEL_PHYSICAL_BASE);
    }
    if (!EntryFound) {
        return ElfpFail(Image, ElfBadEntry,
                        "entry point %x is not inside an executable segment at -2 GiB",
                        Image->Entry, 0);
    }
    return ElfOk;
}

/* Runs anywhere; pure. Finds .symtab and its .strtab through the section
 * headers. Problems are recorded in SymbolMessage and leave sizes at 0. */
static void
ElfpFindSymbols(const unsigned char *File, uint64_t FileSize, const ELF64_EHDR *Header,
                ELF_KERNEL_IMAGE *Image)
{
    ELF64_SHDR Section, Strings;
    char *Message = Image->SymbolMessage;

    if (Header->e_shoff == 0 || Header->e_shnum == 0) {
        ElfpFormat(Message, "has no section headers, so no symbols", 0, 0);
        return;
    }
    if (Header->e_shentsize < sizeof(ELF64_SHDR)) {
        ElfpFormat(Message, "has section headers of %u bytes, smaller than Elf64_Shdr (64)",
                   Header->e_shentsize, 0);
        return;
    }
    if (!ElfpInFile(Header->e_shoff, (uint64_t)Header->e_shnum * Header->e_shentsize, FileSize)) {
        ElfpFormat(Message, "section header table runs past the end of the file", 0, 0);
        return;
    }
    for (uint32_t Index = 0; Index < Header->e_shnum; Index++) {
        __builtin_memcpy(&Section, File + Header->e_shoff + (uint64_t)Index * Header->e_shentsize,
                         sizeof(Section));
        if (Section.sh_type != SHT_SYMTAB) {
            continue;
        }
        if (Section.sh_link == SHN_UNDEF || Section.sh_link >= Header->e_shnum) {
            ElfpFormat(Message, "section %u (.symtab) links to no string table", Index, 0);
            return;
        }
        __builtin_memcpy(&Strings,
                         File + Header->e_shoff + (uint64_t)Section.sh_link * Header->e_shentsize,
                         sizeof(Strings));
        if (Strings.sh_type != SHT_STRTAB) {
            ElfpFormat(Message, "section %u (.symtab) links to section %u, not a string table",
                       Index, Section.sh_link);
        } else if (!ElfpInFile(Section.sh_offset, Section.sh_size, FileSize) ||
                   !ElfpInFile(Strings.sh_offset, Strings.sh_size, FileSize)) {
            ElfpFormat(Message, "section %u (.symtab) or its strings run past the end of the file",
                       Index, 0);
        } else if (Section.sh_size % ELF64_SYM_SIZE != 0) {
            ElfpFormat(Message, "section %u (.symtab) is %u bytes, not a multiple of 24", Index,
                       Section.sh_size);
        } else if (Strings.sh_size == 0 || File[Strings.sh_offset + Strings.sh_size - 1] != '\0') {
            ElfpFormat(Message, "section %u (string table) does not end with a NUL",
                       Section.sh_link, 0);
        } else {
            Image->SymbolTableOffset = Section.sh_offset;
            Image->SymbolTableSize = Section.sh_size;
            Image->StringTableOffset = Strings.sh_offset;
            Image->StringTableSize = Strings.sh_size;
        }
        return;
    }
    ElfpFormat(Message, "has no .symtab (was it stripped?)", 0, 0);
}

/* Runs anywhere; pure. */
ELF_STATUS
ElfCheckKernel(const void *File, uint64_t FileSize, ELF_KERNEL_IMAGE *Image)
{
    const unsigned char *Bytes = File;
    ELF64_EHDR Header;

    *Image = (ELF_KERNEL_IMAGE){ 0 };
    if (File == NULL || FileSize < sizeof(ELF64_EHDR)) {
        return ElfpFail(Image, ElfBadHeader, "is %u bytes, too small for an ELF header",
                        File == NULL ? 0 : FileSize, 0);
    }
    __builtin_memcpy(&Header, File, sizeof(Header));
    if (Bytes[EI_MAG0] != 0x7F || Bytes[1] != 'E' || Bytes[2] != 'L' || Bytes[3] != 'F') {
        return ElfpFail(Image, ElfBadHeader, "is not an ELF file (bad magic number)", 0, 0);
    }
    if (Bytes[EI_CLASS] != ELFCLASS64) {
        return ElfpFail(Image, ElfBadHeader, "is not a 64-bit ELF file (EI_CLASS %u)",
                        Bytes[EI_CLASS], 0);
    }
    if (Bytes[EI_DATA] != ELFDATA2LSB) {
        return ElfpFail(Image, ElfBadHeader, "is not little-endian (EI_DATA %u)", Bytes[EI_DATA],
                        0);
    }
    if (Bytes[EI_VERSION] != EV_CURRENT || Header.e_version != EV_CURRENT) {
        return ElfpFail(Image, ElfBadHeader, "has ELF version %u, not 1", Header.e_version, 0);
    }
    if (Header.e_type != ET_EXEC) {
        return ElfpFail(Image, ElfBadHeader, "is not an executable (e_type %u, ET_EXEC is 2)",
                        Header.e_type, 0);
    }
    if (Header.e_machine != EM_X86_64) {
        return ElfpFail(Image, ElfBadHeader, "is not for x86-64 (e_machine %u, EM_X86_64 is 62)",
                        Header.e_machine, 0);
    }
    if (Header.e_phnum == 0) {
        return ElfpFail(Image, ElfBadProgramHeaders, "has no program headers", 0, 0);
    }
    if (Header.e_phnum > ELF_MAX_PROGRAM_HEADERS) {
        return ElfpFail(Image, ElfBadProgramHeaders,
                        "has %u program headers; the loader accepts at most %u", Header.e_phnum,
                        ELF_MAX_PROGRAM_HEADERS);
    }
    if (Header.e_phentsize < sizeof(ELF64_PHDR)) {
        return ElfpFail(Image, ElfBadProgramHeaders,
                        "has program headers of %u bytes, smaller than Elf64_Phdr (56)",
                        Header.e_phentsize, 0);
    }
    if (!ElfpInFile(Header.e_phoff, (uint64_t)Header.e_phnum * Header.e_phentsize, FileSize)) {
        return ElfpFail(Image, ElfBadProgramHeaders,
                        "program header table runs past the end of the file", 0, 0);
    }

    Image->Entry = Header.e_entry;
    Image->ProgramHeaderOffset = Header.e_phoff;
    Image->ProgramHeaderSize = Header.e_phentsize;
    Image->ProgramHeaderCount = Header.e_phnum;
    if (ElfpCheckSegments(File, FileSize, Image) != ElfOk) {
        return Image->Status;
    }
    ElfpFindSymbols(Bytes, FileSize, &Header, Image);
    Image->Status = ElfOk;
    return ElfOk;
}
