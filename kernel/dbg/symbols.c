/*
 * kernel/dbg/symbols.c - code addresses to names, from the kernel's own ELF
 * symbol table.
 *
 * Both boot loaders hand over the kernel's .symtab and .strtab (physical
 * addresses and sizes in KESTREL_BOOT_INFO). A lookup scans the table for the
 * function that contains the address; it is a linear scan of a few thousand
 * entries, which only crash reports and %pS pay for.
 *
 * The table came from outside the kernel and a crash report must not crash,
 * so nothing in it is trusted: the sizes must be whole entries, every name
 * offset must fall inside the string table, and the string table must end
 * with a NUL so that no name runs past it. A table that fails these checks
 * is treated as absent.
 *
 * ELF-64 Object File Format, version 1.5, section 4 (symbol table).
 */
#include "kernel/dbg/kdp.h"
#include "kernel/ke/ki.h"
#include "kernel/mm/mi.h"

/* An ELF-64 symbol table entry (Elf64_Sym). */
typedef struct _KDP_ELF64_SYMBOL {
    ULONG Name;     /* st_name: offset into the string table */
    UCHAR Info;     /* st_info: binding << 4 | type */
    UCHAR Other;    /* st_other: visibility */
    USHORT Section; /* st_shndx */
    ULONG64 Value;  /* st_value: the address, for a linked executable */
    ULONG64 Size;   /* st_size: bytes, 0 when unknown (NASM labels) */
} KDP_ELF64_SYMBOL;

_Static_assert(sizeof(KDP_ELF64_SYMBOL) == 24, "Elf64_Sym is 24 bytes");

#define STT_NOTYPE 0
#define STT_FUNC 2
#define SHN_UNDEF 0
#define SHN_LORESERVE 0xFF00

/* Tables larger than this are not a kernel's; the bound keeps a corrupt size
 * from sending the scan across all of memory. */
#define KDP_MAXIMUM_TABLE_SIZE (64ULL * 1024 * 1024)

/* Until memory management maps them elsewhere, the boot page tables
 * identity-map the first 4 GiB, where the loaders put the tables. */
#define KDP_IDENTITY_LIMIT (4ULL * 1024 * 1024 * 1024)

extern UCHAR __text_start[];
extern UCHAR __text_end[];

typedef struct _KDP_SYMBOL_TABLE {
    const KDP_ELF64_SYMBOL *Symbols;
    ULONG64 Count;
    PCSTR Strings;
    ULONG64 StringsSize;
} KDP_SYMBOL_TABLE;

/* Where a physical range the loader handed over can be read now: the boot
 * identity map before MmInitSystem, the direct map after (the loader's
 * ranges are LOADER memory, which the direct map covers). */
static const VOID *
KdpMapLoaderRange(ULONG64 Physical, ULONG64 Size)
{
    if (Physical == 0 || Size > KDP_IDENTITY_LIMIT || Physical > KDP_IDENTITY_LIMIT - Size) {
        return NULL;
    }
    return MiPhysicalToVirtual(Physical);
}

/* Fills Table from the boot information; FALSE when there is no usable table. */
static BOOLEAN
KdpGetSymbolTable(KDP_SYMBOL_TABLE *Table)
{
    ULONG64 SymbolSize = KeLoaderBlock.SymbolTableSize;
    ULONG64 StringSize = KeLoaderBlock.StringTableSize;

    if (SymbolSize == 0 || SymbolSize % sizeof(KDP_ELF64_SYMBOL) != 0 ||
        SymbolSize > KDP_MAXIMUM_TABLE_SIZE || StringSize == 0 ||
        StringSize > KDP_MAXIMUM_TABLE_SIZE) {
        return FALSE;
    }
    Table->Symbols = KdpMapLoaderRange(KeLoaderBlock.SymbolTable, SymbolSize);
    Table->Strings = KdpMapLoaderRange(KeLoaderBlock.StringTable, StringSize);
    if (Table->Symbols == NULL || Table->Strings == NULL) {
        return FALSE;
    }
    /* Every name ends before the table does. */
    if (Table->Strings[StringSize - 1] != '\0') {
        return FALSE;
    }
    Table->Count = SymbolSize / sizeof(KDP_ELF64_SYMBOL);
    Table->StringsSize = StringSize;
    return TRUE;
}

static BOOLEAN
KdpIsInText(ULONG64 Address)
{
    return Address >= (ULONG_PTR)__text_start && Address < (ULONG_PTR)__text_end;
}

/* A symbol that can name code: a defined function, or (for assembly, where
 * NASM gives labels no type or size) a typeless label inside .text. */
static BOOLEAN
KdpIsCodeSymbol(const KDP_SYMBOL_TABLE *Table, const KDP_ELF64_SYMBOL *Symbol)
{
    UCHAR Type = Symbol->Info & 0xF;

    if (Symbol->Section == SHN_UNDEF || Symbol->Section >= SHN_LORESERVE) {
        return FALSE;
    }
    if (Symbol->Name == 0 || Symbol->Name >= Table->StringsSize) {
        return FALSE;
    }
    if (Type == STT_FUNC) {
        return TRUE;
    }
    return Type == STT_NOTYPE && KdpIsInText(Symbol->Value);
}

/*
 * The symbol for Address is the code symbol with the highest start at or
 * below it. If that symbol has a size, the address must lie inside it (past
 * its end is padding or an unnamed stub, better shown as a bare address);
 * a sizeless label counts only inside .text.
 */
BOOLEAN
KdpLookupSymbol(ULONG_PTR Address, PCSTR *Name, ULONG_PTR *Offset)
{
    KDP_SYMBOL_TABLE Table;
    const KDP_ELF64_SYMBOL *Best = NULL;
    ULONG64 Index;

    if (!KdpGetSymbolTable(&Table)) {
        return FALSE;
    }
    for (Index = 0; Index < Table.Count; Index++) {
        const KDP_ELF64_SYMBOL *Symbol = &Table.Symbols[Index];

        if (Symbol->Value > Address || !KdpIsCodeSymbol(&Table, Symbol)) {
            continue;
        }
        /* Among symbols at the same address, prefer one with a size: NASM
         * emits a typeless label next to each sized routine's end. */
        if (Best == NULL || Symbol->Value > Best->Value ||
            (Symbol->Value == Best->Value && Best->Size == 0 && Symbol->Size != 0)) {
            Best = Symbol;
        }
    }
    if (Best == NULL) {
        return FALSE;
    }
    if (Best->Size != 0 ? Address - Best->Value >= Best->Size : !KdpIsInText(Address)) {
        return FALSE;
    }
    *Name = Table.Strings + Best->Name;
    *Offset = Address - Best->Value;
    return TRUE;
}
