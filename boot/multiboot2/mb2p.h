/*
 * boot/multiboot2/mb2p.h - what the Multiboot2 parser's files share.
 *
 * mb2parse.c walks the tags, mb2memory.c turns the memory and ELF tags into
 * regions, mb2diag.c words the messages. They pass one MB2_PARSE_CONTEXT.
 */
#ifndef KESTREL_BOOT_MULTIBOOT2_MB2P_H
#define KESTREL_BOOT_MULTIBOOT2_MB2P_H

#include "boot/multiboot2/mb2.h"
#include "kernel/rtl/rtlp.h"

typedef struct _MB2_PARSE_CONTEXT {
    const UCHAR *Base;          /* the block, as the parser may read it */
    ULONG_PTR Physical;         /* where the block lies in physical memory */
    ULONG TotalSize;            /* checked against what may be read */
    KESTREL_BOOT_INFO *BootInfo;
    MB2_DIAGNOSTICS *Diagnostics;

    /* Offsets of the tags used after the walk; 0 (never a tag) when absent.
     * Each was checked to lie inside the block and to hold its fixed fields. */
    ULONG MemoryMapOffset;
    ULONG BasicMemoryOffset;
    ULONG ElfSectionsOffset;
    ULONG AcpiOldOffset;
    ULONG AcpiNewOffset;
} MB2_PARSE_CONTEXT;

/* Only for offsets already checked to hold a whole tag header. */
static inline const MB2_TAG *
Mb2pTagAt(const MB2_PARSE_CONTEXT *Context, ULONG Offset)
{
    return (const MB2_TAG *)(Context->Base + Offset);
}

/* mb2diag.c: record a problem, and a message unless the array is full.
 * Mb2pTagReport prefixes the tag's type, name and offset. */
VOID Mb2pReport(MB2_DIAGNOSTICS *Diagnostics, ULONG Problem, PCSTR Format, ...)
    __attribute__((format(printf, 3, 4)));
VOID Mb2pTagReport(const MB2_PARSE_CONTEXT *Context, ULONG Offset, ULONG Problem,
                   PCSTR Format, ...) __attribute__((format(printf, 4, 5)));

/* mb2memory.c: the region table from the memory map (or the basic memory
 * tag), and the kernel's .symtab/.strtab from the ELF sections tag. */
VOID Mb2pAddFirmwareMemory(MB2_PARSE_CONTEXT *Context);
VOID Mb2pFindSymbols(MB2_PARSE_CONTEXT *Context);

#endif /* KESTREL_BOOT_MULTIBOOT2_MB2P_H */
