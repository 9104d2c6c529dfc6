/*
 * tests/host/mb2build.h - builds Multiboot2 information blocks for tests/host/mb2.c.
 *
 * A block is laid out as section 3.6.2 of the Multiboot2 Specification 1.0
 * says (fixed part, tags on 8-byte boundaries, end tag), in the shape GRUB 2
 * gives a kernel booted from SeaBIOS in QEMU, so that a test can start from
 * a good block and break one thing in it.
 */
#ifndef KESTREL_TESTS_HOST_MB2BUILD_H
#define KESTREL_TESTS_HOST_MB2BUILD_H

#include <string.h>
#include <cmocka.h>

#include "boot/multiboot2/mb2.h"

/* Where the tests pretend GRUB put the block. */
#define TEST_PHYSICAL 0x10000ULL

#define GOOD_COMMAND_LINE "ktest=all harness"
#define GOOD_LOADER_NAME "GRUB 2.06-13+deb12u1"
#define GOOD_SECTION_COUNT 5
#define GOOD_SYMTAB_INDEX 2
#define GOOD_STRTAB_INDEX 3
#define GOOD_SYMTAB_ADDRESS 0x10A000ULL
#define GOOD_SYMTAB_SIZE 0x3000ULL      /* 512 symbols of 24 bytes */
#define GOOD_STRTAB_ADDRESS 0x10D000ULL
#define GOOD_STRTAB_SIZE 0x2000ULL

typedef struct _MB2_BUILDER {
    _Alignas(8) UCHAR Bytes[16384];
    ULONG Length;
} MB2_BUILDER;

typedef struct _MB2_GOOD_OFFSETS {
    ULONG AcpiNew;
} MB2_GOOD_OFFSETS;

static void
BuildStart(MB2_BUILDER *B)
{
    memset(B->Bytes, 0, sizeof(B->Bytes));
    B->Length = sizeof(MB2_INFORMATION_HEADER);
}

static void
SetTotalSize(MB2_BUILDER *B, UINT32 TotalSize)
{
    memcpy(B->Bytes, &TotalSize, sizeof(TotalSize));
}

static void
SetTagSize(MB2_BUILDER *B, ULONG Offset, UINT32 Size)
{
    memcpy(B->Bytes + Offset + 4, &Size, sizeof(Size));
}

/* Appends a tag with PayloadSize bytes (zeros when Payload is NULL) and
 * the padding to the next 8-byte boundary; returns the tag's offset. */
static ULONG
AddTag(MB2_BUILDER *B, UINT32 Type, const void *Payload, ULONG PayloadSize)
{
    ULONG Offset = B->Length;
    MB2_TAG Header = {Type, (UINT32)(sizeof(MB2_TAG) + PayloadSize)};

    assert_true(Offset + sizeof(Header) + PayloadSize + 8 <= sizeof(B->Bytes));
    memcpy(B->Bytes + Offset, &Header, sizeof(Header));
    if (Payload != NULL) {
        memcpy(B->Bytes + Offset + sizeof(Header), Payload, PayloadSize);
    }
    B->Length = (Offset + Header.Size + 7) & ~7U;
    return Offset;
}

static ULONG
AddString(MB2_BUILDER *B, UINT32 Type, const char *Text)
{
    return AddTag(B, Type, Text, strlen(Text) + 1);
}

static void
BuildEnd(MB2_BUILDER *B)
{
    AddTag(B, MB2_TAG_TYPE_END, NULL, 0);
    SetTotalSize(B, B->Length);
}

/* Entries are written EntrySize bytes apart when that is a sane stride,
 * else 24 apart, so that a test can declare a broken entry_size. */
static ULONG
AddMemoryMap(MB2_BUILDER *B, UINT32 EntrySize, UINT32 Version, const MB2_MEMORY_MAP_ENTRY *Entries,
             ULONG Count)
{
    static UCHAR Payload[8 + 300 * 64];
    ULONG Stride = EntrySize >= 24 && EntrySize <= 64 ? EntrySize : 24;
    ULONG Index;

    assert_true(Count <= 300);
    memset(Payload, 0, sizeof(Payload));
    memcpy(Payload, &EntrySize, 4);
    memcpy(Payload + 4, &Version, 4);
    for (Index = 0; Index < Count; Index++) {
        memcpy(Payload + 8 + Index * Stride, &Entries[Index], sizeof(Entries[Index]));
    }
    return AddTag(B, MB2_TAG_TYPE_MEMORY_MAP, Payload, 8 + Count * Stride);
}

/* QEMU's E820 map for 128 MiB, with one entry of each type added at the
 * top and an empty entry (which the parser drops). */
static void
AddGoodMemoryMap(MB2_BUILDER *B)
{
    static const MB2_MEMORY_MAP_ENTRY Entries[] = {
        {0x0, 0x9FC00, MB2_MEMORY_AVAILABLE, 0},
        {0x9FC00, 0x400, 2, 0},
        {0xF0000, 0x10000, 2, 0},
        {0x100000, 0x7EE0000, MB2_MEMORY_AVAILABLE, 0},
        {0x7FE0000, 0x10000, MB2_MEMORY_ACPI_RECLAIMABLE, 0},
        {0x7FF0000, 0x10000, MB2_MEMORY_NVS, 0},
        {0x8000000, 0x1000, MB2_MEMORY_BAD, 0},
        {0x8001000, 0, MB2_MEMORY_AVAILABLE, 0},
        {0xFEFFC000, 0x4000, 2, 0},
        {0xFFFC0000, 0x40000, 2, 0},
    };

    AddMemoryMap(B, sizeof(MB2_MEMORY_MAP_ENTRY), 0, Entries, 10);
}

/* The section headers of a kernel like Kestrel's: the allocated ones keep
 * their link addresses, GRUB moved .symtab/.strtab/.shstrtab to low memory. */
static void
GoodSections(MB2_ELF64_SECTION_HEADER *Sections)
{
    memset(Sections, 0, sizeof(*Sections) * GOOD_SECTION_COUNT);
    Sections[1] = (MB2_ELF64_SECTION_HEADER){
        .Name = 1, .Type = 1, .Flags = 6, .Address = 0xFFFFFFFF8020A000ULL, .Size = 0x8000};
    Sections[GOOD_SYMTAB_INDEX] = (MB2_ELF64_SECTION_HEADER){
        .Name = 7, .Type = MB2_SHT_SYMTAB, .Address = GOOD_SYMTAB_ADDRESS,
        .Size = GOOD_SYMTAB_SIZE, .Link = GOOD_STRTAB_INDEX, .Info = 40, .AddressAlignment = 8,
        .EntrySize = MB2_ELF64_SYMBOL_SIZE};
    Sections[GOOD_STRTAB_INDEX] = (MB2_ELF64_SECTION_HEADER){
        .Name = 15, .Type = MB2_SHT_STRTAB, .Address = GOOD_STRTAB_ADDRESS,
        .Size = GOOD_STRTAB_SIZE, .AddressAlignment = 1};
    Sections[4] = (MB2_ELF64_SECTION_HEADER){
        .Name = 23, .Type = MB2_SHT_STRTAB, .Address = 0x10F000, .Size = 0x100,
        .AddressAlignment = 1};
}

/* Section 3.6.7 as GRUB writes it: u32 num, entsize, shndx, then headers. */
static ULONG
AddElfSections(MB2_BUILDER *B, UINT32 Count, UINT32 EntrySize,
               const MB2_ELF64_SECTION_HEADER *Sections, ULONG Written)
{
    UCHAR Payload[12 + GOOD_SECTION_COUNT * sizeof(MB2_ELF64_SECTION_HEADER)];
    UINT32 StringTableIndex = 4;

    assert_true(Written <= GOOD_SECTION_COUNT);
    memcpy(Payload, &Count, 4);
    memcpy(Payload + 4, &EntrySize, 4);
    memcpy(Payload + 8, &StringTableIndex, 4);
    memcpy(Payload + 12, Sections, Written * sizeof(*Sections));
    return AddTag(B, MB2_TAG_TYPE_ELF_SECTIONS, Payload, 12 + Written * sizeof(*Sections));
}

static void
AddGoodElfSections(MB2_BUILDER *B)
{
    MB2_ELF64_SECTION_HEADER Sections[GOOD_SECTION_COUNT];

    GoodSections(Sections);
    AddElfSections(B, GOOD_SECTION_COUNT, sizeof(*Sections), Sections, GOOD_SECTION_COUNT);
}

static UCHAR
ChecksumByte(const UCHAR *Bytes, ULONG Length)
{
    UCHAR Sum = 0;
    ULONG Index;

    for (Index = 0; Index < Length; Index++) {
        Sum += Bytes[Index];
    }
    return (UCHAR)-Sum;
}

/* ACPI 6.5, section 5.2.5.3: 20 bytes for revision 0, 36 from revision 2. */
static void
MakeRsdp(UCHAR *Rsdp, UCHAR Revision)
{
    UINT32 Rsdt = 0x7FE1000;
    UINT32 Length = MB2_RSDP_V2_SIZE;
    UINT64 Xsdt = 0x7FE1100;

    memset(Rsdp, 0, Revision >= 2 ? MB2_RSDP_V2_SIZE : MB2_RSDP_V1_SIZE);
    memcpy(Rsdp, "RSD PTR ", 8);
    memcpy(Rsdp + 9, "BOCHS ", 6);
    Rsdp[15] = Revision;
    memcpy(Rsdp + 16, &Rsdt, 4);
    Rsdp[8] = ChecksumByte(Rsdp, MB2_RSDP_V1_SIZE);
    if (Revision >= 2) {
        memcpy(Rsdp + 20, &Length, 4);
        memcpy(Rsdp + 24, &Xsdt, 8);
        Rsdp[32] = ChecksumByte(Rsdp, MB2_RSDP_V2_SIZE);
    }
}

/* Returns the offset of the last RSDP tag added. */
static ULONG
AddGoodAcpi(MB2_BUILDER *B, BOOLEAN Old, BOOLEAN New)
{
    UCHAR Rsdp[MB2_RSDP_V2_SIZE];
    ULONG Offset = 0;

    if (Old) {
        MakeRsdp(Rsdp, 0);
        Offset = AddTag(B, MB2_TAG_TYPE_ACPI_OLD, Rsdp, MB2_RSDP_V1_SIZE);
    }
    if (New) {
        MakeRsdp(Rsdp, 2);
        Offset = AddTag(B, MB2_TAG_TYPE_ACPI_NEW, Rsdp, MB2_RSDP_V2_SIZE);
    }
    return Offset;
}

/* Every tag GRUB gives a BIOS-booted kernel, in GRUB's order. */
static void
BuildGoodBlock(MB2_BUILDER *B, MB2_GOOD_OFFSETS *Offsets)
{
    static const UINT32 BasicMemory[2] = {639, 129920};
    static const UINT32 BootDevice[3] = {0xE0, 0xFFFFFFFF, 0xFFFFFFFF};
    static const UCHAR TextFramebuffer[24] = {
        0x00, 0x80, 0x0B, 0, 0, 0, 0, 0,    /* address 0xB8000 */
        160, 0, 0, 0,                       /* pitch */
        80, 0, 0, 0,                        /* width */
        25, 0, 0, 0,                        /* height */
        16, MB2_FRAMEBUFFER_EGA_TEXT, 0, 0, /* bpp, type, reserved */
    };
    ULONG AcpiNew;

    BuildStart(B);
    AddString(B, MB2_TAG_TYPE_COMMAND_LINE, GOOD_COMMAND_LINE);
    AddString(B, MB2_TAG_TYPE_LOADER_NAME, GOOD_LOADER_NAME);
    AddTag(B, MB2_TAG_TYPE_BASIC_MEMORY, BasicMemory, sizeof(BasicMemory));
    AddTag(B, MB2_TAG_TYPE_BOOT_DEVICE, BootDevice, sizeof(BootDevice));
    AddGoodMemoryMap(B);
    AddTag(B, MB2_TAG_TYPE_FRAMEBUFFER, TextFramebuffer, sizeof(TextFramebuffer));
    AddGoodElfSections(B);
    AcpiNew = AddGoodAcpi(B, TRUE, TRUE);
    BuildEnd(B);
    if (Offsets != NULL) {
        Offsets->AcpiNew = AcpiNew;
    }
}

#endif /* KESTREL_TESTS_HOST_MB2BUILD_H */
