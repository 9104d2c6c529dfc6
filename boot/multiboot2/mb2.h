/*
 * boot/multiboot2/mb2.h - the Multiboot2 boot information, and Kestrel's parser of it.
 *
 * GRUB hands the kernel a block of tags (Multiboot2 Specification 1.0,
 * section 3.6); Mb2ParseInformation turns it into a KESTREL_BOOT_INFO. The
 * parser is pure logic, so that tests/host/mb2.c can feed it hostile byte
 * arrays; boot/multiboot2/mb2info.c is the kernel's thin glue around it.
 *
 * Where the published specification text and GRUB 2 (the only loader
 * Kestrel is booted by) disagree, the layout here is GRUB's, and the
 * comment says so: the specification's own example multiboot2.h agrees
 * with GRUB in both places.
 */
#ifndef KESTREL_BOOT_MULTIBOOT2_MB2_H
#define KESTREL_BOOT_MULTIBOOT2_MB2_H

#include <ntdef.h>
#include "boot/bootinfo.h"

/* Section 3.3 (I386 machine state): EAX holds this on entry. */
#define MB2_BOOTLOADER_MAGIC 0x36D76289U

/* Section 3.6.2: the information starts 8-byte aligned and every tag starts
 * at the next 8-byte boundary after the previous one. */
#define MB2_ALIGNMENT 8

/* Not in the specification: GRUB's information block is a few KiB. Anything
 * past this is a corrupt total_size, not a real block. */
#define MB2_MAX_INFORMATION_SIZE (1024U * 1024U)

/* Section 3.6.2, basic tags structure: the fixed part, then tags. */
typedef struct _MB2_INFORMATION_HEADER {
    UINT32 TotalSize;       /* the whole block, this header and the end tag included */
    UINT32 Reserved;        /* zero; ignored */
} MB2_INFORMATION_HEADER;

typedef struct _MB2_TAG {
    UINT32 Type;            /* MB2_TAG_TYPE_* */
    UINT32 Size;            /* this tag with its header, without the padding after it */
} MB2_TAG;

/* Section 3.6, one subsection per tag type. */
#define MB2_TAG_TYPE_END 0              /* 3.6.2 */
#define MB2_TAG_TYPE_COMMAND_LINE 1     /* 3.6.5 */
#define MB2_TAG_TYPE_LOADER_NAME 2      /* 3.6.9 */
#define MB2_TAG_TYPE_MODULE 3           /* 3.6.6 */
#define MB2_TAG_TYPE_BASIC_MEMORY 4     /* 3.6.3 */
#define MB2_TAG_TYPE_BOOT_DEVICE 5      /* 3.6.4 */
#define MB2_TAG_TYPE_MEMORY_MAP 6       /* 3.6.8 */
#define MB2_TAG_TYPE_VBE 7              /* 3.6.11 */
#define MB2_TAG_TYPE_FRAMEBUFFER 8      /* 3.6.12 */
#define MB2_TAG_TYPE_ELF_SECTIONS 9     /* 3.6.7 */
#define MB2_TAG_TYPE_APM 10             /* 3.6.10 */
#define MB2_TAG_TYPE_EFI32 11           /* 3.6.13 */
#define MB2_TAG_TYPE_EFI64 12           /* 3.6.14 */
#define MB2_TAG_TYPE_SMBIOS 13          /* 3.6.15 */
#define MB2_TAG_TYPE_ACPI_OLD 14        /* 3.6.16 */
#define MB2_TAG_TYPE_ACPI_NEW 15        /* 3.6.17 */
#define MB2_TAG_TYPE_NETWORK 16         /* 3.6.18 */
#define MB2_TAG_TYPE_EFI_MEMORY_MAP 17  /* 3.6.19 */
#define MB2_TAG_TYPE_EFI_BS_ACTIVE 18   /* 3.6.20: boot services not terminated */
#define MB2_TAG_TYPE_EFI32_IMAGE 19     /* 3.6.21 */
#define MB2_TAG_TYPE_EFI64_IMAGE 20     /* 3.6.22 */
#define MB2_TAG_TYPE_LOAD_BASE 21       /* 3.6.23: GRUB always gives it */

/* Section 3.6.3: kilobytes of RAM from 0 and from 1 MiB. */
typedef struct _MB2_TAG_BASIC_MEMORY {
    MB2_TAG Header;
    UINT32 MemoryLower;
    UINT32 MemoryUpper;
} MB2_TAG_BASIC_MEMORY;

/* Section 3.6.8: the BIOS (INT 15h E820) memory map. */
typedef struct _MB2_TAG_MEMORY_MAP {
    MB2_TAG Header;
    UINT32 EntrySize;       /* a multiple of 8; entries may grow in later versions */
    UINT32 EntryVersion;    /* 0; later versions stay backward compatible */
    /* MB2_MEMORY_MAP_ENTRY entries follow, EntrySize bytes apart */
} MB2_TAG_MEMORY_MAP;

typedef struct _MB2_MEMORY_MAP_ENTRY {
    UINT64 BaseAddress;
    UINT64 Length;
    UINT32 Type;            /* MB2_MEMORY_*; any other value is reserved */
    UINT32 Reserved;
} MB2_MEMORY_MAP_ENTRY;

#define MB2_MEMORY_AVAILABLE 1
#define MB2_MEMORY_ACPI_RECLAIMABLE 3
#define MB2_MEMORY_NVS 4                /* preserve across hibernation */
#define MB2_MEMORY_BAD 5

/* Section 3.6.7: a copy of the kernel ELF's section header table. The
 * specification's text gives num, entsize and shndx as u16; GRUB and the
 * specification's example multiboot2.h use u32 fields, so the headers start
 * at offset 20. */
typedef struct _MB2_TAG_ELF_SECTIONS {
    MB2_TAG Header;
    UINT32 Count;
    UINT32 EntrySize;
    UINT32 StringTableIndex;
    /* Count section headers follow, EntrySize bytes apart */
} MB2_TAG_ELF_SECTIONS;

#define MB2_ELF_SECTIONS_HEADER_SIZE 20

/* ELF-64 Object File Format 1.5, section 4 (Elf64_Shdr). */
typedef struct _MB2_ELF64_SECTION_HEADER {
    UINT32 Name;
    UINT32 Type;            /* MB2_SHT_* */
    UINT64 Flags;
    UINT64 Address;         /* GRUB sets it to the physical copy of non-allocated sections */
    UINT64 Offset;
    UINT64 Size;
    UINT32 Link;            /* for a symbol table: the index of its string table */
    UINT32 Info;
    UINT64 AddressAlignment;
    UINT64 EntrySize;
} MB2_ELF64_SECTION_HEADER;

#define MB2_SHT_SYMTAB 2
#define MB2_SHT_STRTAB 3
#define MB2_ELF64_SYMBOL_SIZE 24        /* sizeof (Elf64_Sym) */

/* Section 3.6.12. The specification's text has a u8 reserved field before
 * color_info; GRUB writes a u16, so color_info starts at offset 32. */
typedef struct _MB2_TAG_FRAMEBUFFER {
    MB2_TAG Header;
    UINT64 Address;
    UINT32 Pitch;
    UINT32 Width;
    UINT32 Height;
    UINT8 BitsPerPixel;
    UINT8 Type;             /* MB2_FRAMEBUFFER_* */
    UINT16 Reserved;
    /* color_info follows; for RGB, MB2_FRAMEBUFFER_RGB_FIELDS */
} MB2_TAG_FRAMEBUFFER;

#define MB2_FRAMEBUFFER_INDEXED 0
#define MB2_FRAMEBUFFER_RGB 1
#define MB2_FRAMEBUFFER_EGA_TEXT 2

typedef struct _MB2_FRAMEBUFFER_RGB_FIELDS {
    UINT8 RedPosition, RedSize;
    UINT8 GreenPosition, GreenSize;
    UINT8 BluePosition, BlueSize;
} MB2_FRAMEBUFFER_RGB_FIELDS;

/* Sections 3.6.16 and 3.6.17: the tag holds a copy of the RSDP; its layout
 * is ACPI's (ACPI 6.5, section 5.2.5.3). Version 1 is 20 bytes, version 2
 * and later 36. */
#define MB2_RSDP_V1_SIZE 20
#define MB2_RSDP_V2_SIZE 36

/*
 * What went wrong, for the kernel to print once its debug port is up (the
 * parser runs before anything can print). Messages are kept in order; once
 * the array is full, later ones are only counted.
 */
#define MB2_DIAGNOSTIC_MESSAGES 12
#define MB2_DIAGNOSTIC_MESSAGE_SIZE 160

/* Problem classes, ORed into Problems and returned by the parser. */
#define MB2_PROBLEM_BAD_MAGIC 0x0001        /* not booted by a Multiboot2 loader */
#define MB2_PROBLEM_BAD_BLOCK 0x0002        /* address, alignment or total_size unusable */
#define MB2_PROBLEM_BAD_TAG 0x0004          /* a tag header broke the walk; later tags lost */
#define MB2_PROBLEM_NO_END_TAG 0x0008
#define MB2_PROBLEM_TAG_CONTENT 0x0010      /* one tag's fields were wrong; that tag ignored */
#define MB2_PROBLEM_TRUNCATED 0x0020        /* a string did not fit and was cut */
#define MB2_PROBLEM_MEMORY_MAP 0x0040       /* memory map absent, malformed or cut */
#define MB2_PROBLEM_SYMBOLS 0x0080          /* no usable .symtab/.strtab */
#define MB2_PROBLEM_ACPI 0x0100             /* RSDP copy absent or invalid */

typedef struct _MB2_DIAGNOSTICS {
    ULONG Problems;         /* MB2_PROBLEM_* */
    ULONG MessageCount;     /* messages stored below */
    ULONG DroppedCount;     /* messages that did not fit */
    CHAR Messages[MB2_DIAGNOSTIC_MESSAGES][MB2_DIAGNOSTIC_MESSAGE_SIZE];
} MB2_DIAGNOSTICS;

/*
 * Fills BootInfo (all of it: it is cleared first) from the Multiboot2
 * information at Information, which the boot loader placed at physical
 * address InformationPhysical; at most AvailableBytes may be read there.
 * Records every problem in Diagnostics (also cleared first) and returns its
 * MB2_PROBLEM_* mask, 0 when the block was clean. Never reads outside
 * [Information, Information + min(total_size, AvailableBytes)).
 *
 * The kernel image's own region is not added here: the caller knows where
 * it was linked and appends it after the parse.
 */
ULONG Mb2ParseInformation(ULONG Magic, const VOID *Information, ULONG_PTR InformationPhysical,
                          SIZE_T AvailableBytes, KESTREL_BOOT_INFO *BootInfo,
                          MB2_DIAGNOSTICS *Diagnostics);

/* How many memory-map entries the parser keeps at most: it leaves room in
 * BootInfo->MemoryRegions for what the loader itself placed in memory (the
 * information block, .symtab, .strtab, the kernel image), because losing
 * one of those would let the kernel hand out memory still in use, while a
 * dropped firmware entry only hides some RAM. */
#define MB2_LOADER_REGIONS 4
#define MB2_MAX_FIRMWARE_REGIONS (BOOT_MAX_MEMORY_REGIONS - MB2_LOADER_REGIONS)

#endif /* KESTREL_BOOT_MULTIBOOT2_MB2_H */
