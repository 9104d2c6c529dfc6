/*
 * boot/multiboot2/mb2memory.c - physical memory from the Multiboot2 tags.
 *
 * Builds the firmware part of the region table from the memory map tag
 * (Multiboot2 Specification 1.0, section 3.6.8), or from the coarse basic
 * memory tag (3.6.3) when there is no usable map, and finds the kernel's
 * ELF symbol and string tables through the ELF sections tag (3.6.7): GRUB
 * loads the sections that the kernel's program headers leave out (.symtab,
 * .strtab) into memory of its choosing and writes their physical addresses
 * into sh_addr, so those copies must be reserved as loader memory.
 *
 * Every tag reached here was checked by the walk to lie inside the block
 * and to hold its fixed fields; the variable parts are checked here.
 */
#include "boot/multiboot2/mb2p.h"

#define MB2_LOW_MEMORY_MAX_KIB 640      /* section 3.6.3: mem_lower's ceiling */
#define MB2_UPPER_MEMORY_BASE 0x100000ULL
#define MB2_4GIB 0x100000000ULL         /* the end of the boot identity map */

/* Section 3.6.8: types 1, 3, 4 and 5 have meanings; "all other values"
 * are reserved areas. */
static ULONG
Mb2pMemoryType(ULONG Type)
{
    switch (Type) {
    case MB2_MEMORY_AVAILABLE:
        return BOOT_MEMORY_FREE;
    case MB2_MEMORY_ACPI_RECLAIMABLE:
        return BOOT_MEMORY_ACPI_RECLAIM;
    case MB2_MEMORY_NVS:
        return BOOT_MEMORY_ACPI_NVS;
    case MB2_MEMORY_BAD:
        return BOOT_MEMORY_BAD;
    default:
        return BOOT_MEMORY_RESERVED;
    }
}

/* Returns TRUE when the map gave at least one region. */
static BOOLEAN
Mb2pAddMemoryMap(MB2_PARSE_CONTEXT *Context, ULONG Offset)
{
    const MB2_TAG_MEMORY_MAP *Map = (const MB2_TAG_MEMORY_MAP *)Mb2pTagAt(Context, Offset);
    KESTREL_BOOT_INFO *BootInfo = Context->BootInfo;
    ULONG EntryBytes = Map->Header.Size - sizeof(*Map);
    ULONG EntrySize = Map->EntrySize;
    const MB2_MEMORY_MAP_ENTRY *Entry;
    ULONG Count;
    ULONG Index;
    UINT64 Length;

    /* A multiple of 8 keeps every entry's UINT64 fields aligned. */
    if (EntrySize < sizeof(*Entry) || EntrySize % 8 != 0) {
        Mb2pTagReport(Context, Offset, MB2_PROBLEM_MEMORY_MAP,
                      "entry_size %u is not a multiple of 8 of at least %u; memory map ignored",
                      EntrySize, (ULONG)sizeof(*Entry));
        return FALSE;
    }
    if (EntrySize > EntryBytes) {
        Mb2pTagReport(Context, Offset, MB2_PROBLEM_MEMORY_MAP,
                      "entry_size %u is more than the %u bytes of entries in the tag; memory "
                      "map ignored",
                      EntrySize, EntryBytes);
        return FALSE;
    }
    if (EntryBytes % EntrySize != 0) {
        Mb2pTagReport(Context, Offset, MB2_PROBLEM_TAG_CONTENT,
                      "the last %u bytes are not a whole entry; ignored", EntryBytes % EntrySize);
    }
    if (Map->EntryVersion != 0) {
        /* Section 3.6.8: later versions stay backward compatible. */
        Mb2pTagReport(Context, Offset, MB2_PROBLEM_TAG_CONTENT,
                      "entry_version %u is not 0; read as version 0", Map->EntryVersion);
    }

    Count = EntryBytes / EntrySize;
    for (Index = 0; Index < Count; Index++) {
        Entry = (const MB2_MEMORY_MAP_ENTRY *)((const UCHAR *)(Map + 1) + Index * EntrySize);
        if (Entry->Length == 0) {
            continue;
        }
        if (BootInfo->MemoryRegionCount >= MB2_MAX_FIRMWARE_REGIONS) {
            Mb2pTagReport(Context, Offset, MB2_PROBLEM_MEMORY_MAP,
                          "%u entries, but the boot information keeps %u; the last %u were "
                          "dropped and the RAM they describe goes unused",
                          Count, MB2_MAX_FIRMWARE_REGIONS, Count - Index);
            break;
        }
        Length = Entry->Length;
        if (Length > ~0ULL - Entry->BaseAddress) {
            Mb2pTagReport(Context, Offset, MB2_PROBLEM_TAG_CONTENT,
                          "entry %u (0x%llx, length 0x%llx) wraps past the top of the address "
                          "space; cut there",
                          Index, Entry->BaseAddress, Entry->Length);
            Length = ~0ULL - Entry->BaseAddress;
        }
        BootInfoAddMemory(BootInfo, Entry->BaseAddress, Length, Mb2pMemoryType(Entry->Type));
    }
    if (BootInfo->MemoryRegionCount == 0) {
        Mb2pTagReport(Context, Offset, MB2_PROBLEM_MEMORY_MAP,
                      "the memory map holds no non-empty entry");
        return FALSE;
    }
    return TRUE;
}

/* Section 3.6.3: RAM from 0 and from 1 MiB, in KiB. Only the two sizes are
 * known, not the holes inside them, so this is the last resort. */
static VOID
Mb2pAddBasicMemory(MB2_PARSE_CONTEXT *Context, ULONG Offset)
{
    const MB2_TAG_BASIC_MEMORY *Basic = (const MB2_TAG_BASIC_MEMORY *)Mb2pTagAt(Context, Offset);
    ULONG Lower = Basic->MemoryLower;

    Mb2pTagReport(Context, Offset, MB2_PROBLEM_MEMORY_MAP,
                  "no usable memory map; using %u KiB at 0 and %u KiB at 1 MiB instead", Lower,
                  Basic->MemoryUpper);
    if (Lower > MB2_LOW_MEMORY_MAX_KIB) {
        Lower = MB2_LOW_MEMORY_MAX_KIB;
    }
    if (Lower != 0) {
        BootInfoAddMemory(Context->BootInfo, 0, (UINT64)Lower * 1024, BOOT_MEMORY_FREE);
    }
    if (Basic->MemoryUpper != 0) {
        BootInfoAddMemory(Context->BootInfo, MB2_UPPER_MEMORY_BASE,
                          (UINT64)Basic->MemoryUpper * 1024, BOOT_MEMORY_FREE);
    }
}

VOID
Mb2pAddFirmwareMemory(MB2_PARSE_CONTEXT *Context)
{
    if (Context->MemoryMapOffset != 0 && Mb2pAddMemoryMap(Context, Context->MemoryMapOffset)) {
        return;
    }
    if (Context->BasicMemoryOffset != 0) {
        Mb2pAddBasicMemory(Context, Context->BasicMemoryOffset);
        return;
    }
    Mb2pReport(Context->Diagnostics, MB2_PROBLEM_MEMORY_MAP,
               "%s and no basic memory tag (type 4): the kernel cannot know where RAM is",
               Context->MemoryMapOffset == 0 ? "no memory map tag (type 6)"
                                             : "no usable memory map");
}

/* The headers start at offset 20 of the tag, so they are only 4-byte
 * aligned: each is copied out rather than read in place. */
static VOID
Mb2pReadSection(const MB2_TAG_ELF_SECTIONS *Elf, ULONG Index, MB2_ELF64_SECTION_HEADER *Section)
{
    __builtin_memcpy(Section, (const UCHAR *)(Elf + 1) + (SIZE_T)Index * Elf->EntrySize,
                     sizeof(*Section));
}

/* A section GRUB copied into memory: present, and inside the identity map
 * that bootinfo.h promises every address lies in. */
static BOOLEAN
Mb2pSectionIsLoaded(const MB2_PARSE_CONTEXT *Context, ULONG Offset, ULONG Index,
                    const MB2_ELF64_SECTION_HEADER *Section)
{
    if (Section->Address == 0 || Section->Size == 0) {
        Mb2pTagReport(Context, Offset, MB2_PROBLEM_SYMBOLS,
                      "section %u (address 0x%llx, size 0x%llx) was not loaded; no symbols",
                      Index, Section->Address, Section->Size);
        return FALSE;
    }
    if (Section->Address >= MB2_4GIB || Section->Size > MB2_4GIB - Section->Address) {
        Mb2pTagReport(Context, Offset, MB2_PROBLEM_SYMBOLS,
                      "section %u at 0x%llx, size 0x%llx, is not below 4 GiB; no symbols", Index,
                      Section->Address, Section->Size);
        return FALSE;
    }
    return TRUE;
}

VOID
Mb2pFindSymbols(MB2_PARSE_CONTEXT *Context)
{
    ULONG Offset = Context->ElfSectionsOffset;
    const MB2_TAG_ELF_SECTIONS *Elf;
    MB2_ELF64_SECTION_HEADER SymbolTable;
    MB2_ELF64_SECTION_HEADER StringTable;
    KESTREL_BOOT_INFO *BootInfo = Context->BootInfo;
    ULONG Index;

    if (Offset == 0) {
        Mb2pReport(Context->Diagnostics, MB2_PROBLEM_SYMBOLS,
                   "no ELF sections tag (type 9); backtraces will show bare addresses");
        return;
    }
    Elf = (const MB2_TAG_ELF_SECTIONS *)Mb2pTagAt(Context, Offset);
    if (Elf->EntrySize < sizeof(SymbolTable)) {
        Mb2pTagReport(Context, Offset, MB2_PROBLEM_SYMBOLS,
                      "entsize %u is smaller than an ELF64 section header (%u bytes); no symbols",
                      Elf->EntrySize, (ULONG)sizeof(SymbolTable));
        return;
    }
    if ((UINT64)Elf->Count * Elf->EntrySize > Elf->Header.Size - sizeof(*Elf)) {
        Mb2pTagReport(Context, Offset, MB2_PROBLEM_SYMBOLS,
                      "%u section headers of %u bytes do not fit in the tag's %u bytes; no "
                      "symbols",
                      Elf->Count, Elf->EntrySize, (ULONG)(Elf->Header.Size - sizeof(*Elf)));
        return;
    }
    /* ELF allows one SHT_SYMTAB per file. */
    for (Index = 0; Index < Elf->Count; Index++) {
        Mb2pReadSection(Elf, Index, &SymbolTable);
        if (SymbolTable.Type == MB2_SHT_SYMTAB) {
            break;
        }
    }
    if (Index == Elf->Count) {
        Mb2pTagReport(Context, Offset, MB2_PROBLEM_SYMBOLS,
                      "no SHT_SYMTAB among the %u sections (a stripped kernel?); no symbols",
                      Elf->Count);
        return;
    }
    if (SymbolTable.EntrySize != MB2_ELF64_SYMBOL_SIZE ||
        SymbolTable.Size % MB2_ELF64_SYMBOL_SIZE != 0) {
        Mb2pTagReport(Context, Offset, MB2_PROBLEM_SYMBOLS,
                      "section %u, the symbol table, has sh_entsize %llu and sh_size %llu; "
                      "ELF64 symbols are %u bytes; no symbols",
                      Index, SymbolTable.EntrySize, SymbolTable.Size, MB2_ELF64_SYMBOL_SIZE);
        return;
    }
    /* sh_link 0 is SHN_UNDEF: a symbol table without strings. */
    if (SymbolTable.Link == 0 || SymbolTable.Link >= Elf->Count) {
        Mb2pTagReport(Context, Offset, MB2_PROBLEM_SYMBOLS,
                      "the symbol table's sh_link %u is not a section index (1 to %u); no "
                      "symbols",
                      SymbolTable.Link, Elf->Count - 1);
        return;
    }
    Mb2pReadSection(Elf, SymbolTable.Link, &StringTable);
    if (StringTable.Type != MB2_SHT_STRTAB) {
        Mb2pTagReport(Context, Offset, MB2_PROBLEM_SYMBOLS,
                      "section %u, the symbol table's sh_link, has type %u, not SHT_STRTAB; no "
                      "symbols",
                      SymbolTable.Link, StringTable.Type);
        return;
    }
    if (!Mb2pSectionIsLoaded(Context, Offset, Index, &SymbolTable) ||
        !Mb2pSectionIsLoaded(Context, Offset, SymbolTable.Link, &StringTable)) {
        return;
    }

    BootInfo->SymbolTable = SymbolTable.Address;
    BootInfo->SymbolTableSize = SymbolTable.Size;
    BootInfo->StringTable = StringTable.Address;
    BootInfo->StringTableSize = StringTable.Size;
    /* Slots were kept free for these (MB2_LOADER_REGIONS); with no firmware
     * regions there is no table to add them to (see Mb2ParseInformation). */
    if (BootInfo->MemoryRegionCount != 0) {
        BootInfoAddMemory(BootInfo, SymbolTable.Address, SymbolTable.Size, BOOT_MEMORY_LOADER);
        BootInfoAddMemory(BootInfo, StringTable.Address, StringTable.Size, BOOT_MEMORY_LOADER);
    }
}
