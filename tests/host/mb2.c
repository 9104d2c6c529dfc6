/*
 * tests/host/mb2.c - the Multiboot2 information parser against good and hostile blocks.
 *
 * Each test builds a block the way GRUB lays one out (Multiboot2
 * Specification 1.0, section 3.6), then breaks it in one way, and checks
 * what a user would see: the boot information the kernel gets, and the
 * message that explains the problem. Every block is handed over in a heap
 * buffer exactly as big as the parser is told it may read, so that
 * AddressSanitizer stops the test on a single byte read past it. One block
 * was captured from real GRUB (tests/host/data/grub-bios-q35.hex, made by
 * tests/host/data/mb2capture.sh), so the layouts are checked against the
 * loader and not only against this file's reading of the specification.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "boot/multiboot2/mb2.h"
#include "kernel/dbg/kdp.h"

#include "tests/host/mb2build.h"

#define MB2_4GIB_FOR_TESTS 0x100000000ULL

static KESTREL_BOOT_INFO Info;
static MB2_DIAGNOSTICS Diag;

/* kernel/rtl/format.c resolves %pS through the kernel debugger; the parser
 * never prints symbols. */
BOOLEAN
KdpLookupSymbol(ULONG_PTR Address, PCSTR *Name, ULONG_PTR *Offset)
{
    return FALSE;
}

/* Parses Size bytes copied into a buffer of exactly that size. */
static ULONG
ParseExact(const MB2_BUILDER *Builder, size_t Size)
{
    UCHAR *Buffer = malloc(Size ? Size : 1);
    ULONG Problems;

    assert_non_null(Buffer);
    memcpy(Buffer, Builder->Bytes, Size < Builder->Length ? Size : Builder->Length);
    Problems = Mb2ParseInformation(MB2_BOOTLOADER_MAGIC, Buffer, TEST_PHYSICAL, Size, &Info, &Diag);
    free(Buffer);
    return Problems;
}

static ULONG
Parse(const MB2_BUILDER *Builder)
{
    return ParseExact(Builder, Builder->Length);
}

static void
DumpMessages(void)
{
    ULONG Index;

    for (Index = 0; Index < Diag.MessageCount; Index++) {
        print_message("  message %u: %s\n", Index, Diag.Messages[Index]);
    }
}

/* Fails unless some message contains every one of the given fragments. */
static void
AssertMessage(const char *First, const char *Second)
{
    ULONG Index;

    for (Index = 0; Index < Diag.MessageCount; Index++) {
        if (strstr(Diag.Messages[Index], First) &&
            (Second == NULL || strstr(Diag.Messages[Index], Second))) {
            return;
        }
    }
    print_message("no message contains \"%s\"%s%s%s\n", First, Second ? " and \"" : "",
                  Second ? Second : "", Second ? "\"" : "");
    DumpMessages();
    fail();
}

static void
AssertClean(ULONG Problems)
{
    if (Problems != 0 || Diag.MessageCount != 0) {
        print_message("problems 0x%x\n", Problems);
        DumpMessages();
    }
    assert_int_equal(Problems, 0);
    assert_int_equal(Diag.MessageCount, 0);
}

static void
AssertRegion(ULONG Index, uint64_t Base, uint64_t Length, uint32_t Type)
{
    assert_true(Index < Info.MemoryRegionCount);
    assert_int_equal(Info.MemoryRegions[Index].Base, Base);
    assert_int_equal(Info.MemoryRegions[Index].Length, Length);
    assert_int_equal(Info.MemoryRegions[Index].Type, Type);
}

/* ---- A good block, as GRUB 2 on SeaBIOS writes it ------------------------ */

static void
test_grub_like_block(void **State)
{
    MB2_BUILDER B;
    MB2_GOOD_OFFSETS Offsets;
    ULONG Problems;

    BuildGoodBlock(&B, &Offsets);
    Problems = Parse(&B);
    AssertClean(Problems);

    assert_int_equal(Info.Signature, KESTREL_BOOT_INFO_SIGNATURE);
    assert_int_equal(Info.Version, KESTREL_BOOT_INFO_VERSION);
    assert_int_equal(Info.BootPath, BOOT_PATH_MULTIBOOT2);
    assert_string_equal(Info.CommandLine, GOOD_COMMAND_LINE);
    assert_string_equal(Info.LoaderName, GOOD_LOADER_NAME);

    /* The firmware's map in its order, types translated, the empty entry
     * dropped; then the block itself and the two symbol sections. */
    assert_int_equal(Info.MemoryRegionCount, 9 + 3);
    AssertRegion(0, 0x0, 0x9FC00, BOOT_MEMORY_FREE);
    AssertRegion(1, 0x9FC00, 0x400, BOOT_MEMORY_RESERVED);
    AssertRegion(2, 0xF0000, 0x10000, BOOT_MEMORY_RESERVED);
    AssertRegion(3, 0x100000, 0x7EE0000, BOOT_MEMORY_FREE);
    AssertRegion(4, 0x7FE0000, 0x10000, BOOT_MEMORY_ACPI_RECLAIM);
    AssertRegion(5, 0x7FF0000, 0x10000, BOOT_MEMORY_ACPI_NVS);
    AssertRegion(6, 0x8000000, 0x1000, BOOT_MEMORY_BAD);
    AssertRegion(7, 0xFEFFC000, 0x4000, BOOT_MEMORY_RESERVED);
    AssertRegion(8, 0xFFFC0000, 0x40000, BOOT_MEMORY_RESERVED);
    AssertRegion(9, TEST_PHYSICAL, B.Length, BOOT_MEMORY_LOADER);
    AssertRegion(10, GOOD_SYMTAB_ADDRESS, GOOD_SYMTAB_SIZE, BOOT_MEMORY_LOADER);
    AssertRegion(11, GOOD_STRTAB_ADDRESS, GOOD_STRTAB_SIZE, BOOT_MEMORY_LOADER);

    assert_int_equal(Info.SymbolTable, GOOD_SYMTAB_ADDRESS);
    assert_int_equal(Info.SymbolTableSize, GOOD_SYMTAB_SIZE);
    assert_int_equal(Info.StringTable, GOOD_STRTAB_ADDRESS);
    assert_int_equal(Info.StringTableSize, GOOD_STRTAB_SIZE);

    /* Both RSDP tags are there; the ACPI 2.0 copy wins. */
    assert_int_equal(Info.RsdpAddress, TEST_PHYSICAL + Offsets.AcpiNew + 8);
    assert_int_equal(Info.RsdpRevision, 2);

    assert_int_equal(Info.Framebuffer.Type, BOOT_FRAMEBUFFER_TEXT);
    assert_int_equal(Info.Framebuffer.PhysicalAddress, 0xB8000);
    assert_int_equal(Info.Framebuffer.Width, 80);
    assert_int_equal(Info.Framebuffer.Height, 25);
    assert_int_equal(Info.Framebuffer.Pitch, 160);
    assert_int_equal(Info.Framebuffer.BitsPerPixel, 16);

    /* The kernel image is the glue's to add, not the parser's. */
    assert_int_equal(Info.KernelPhysicalBase, 0);
}

/* Tags the parser does not use are skipped silently, in any order. */
static void
test_unknown_and_unused_tags_are_skipped(void **State)
{
    MB2_BUILDER B;
    static const UCHAR Opaque[13] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13};

    BuildStart(&B);
    AddTag(&B, 99, Opaque, sizeof(Opaque));
    AddTag(&B, MB2_TAG_TYPE_MODULE, Opaque, 12);
    AddTag(&B, 0x7FFFFFFF, NULL, 0);
    AddString(&B, MB2_TAG_TYPE_COMMAND_LINE, "quiet");
    AddGoodMemoryMap(&B);
    AddGoodAcpi(&B, TRUE, FALSE);
    AddGoodElfSections(&B);
    BuildEnd(&B);
    AssertClean(Parse(&B));
    assert_string_equal(Info.CommandLine, "quiet");
    assert_int_equal(Info.RsdpRevision, 0);
}

/* ---- The fixed part -------------------------------------------------------- */

static void
test_wrong_magic_reads_nothing(void **State)
{
    ULONG Problems;

    /* A NULL block with 0 bytes available: any read would fault. */
    Problems = Mb2ParseInformation(0x2BADB002, NULL, 0x9500, 0, &Info, &Diag);
    assert_int_equal(Problems, MB2_PROBLEM_BAD_MAGIC);
    AssertMessage("magic 0x2badb002, not 0x36d76289", "not a Multiboot2 boot");
    assert_int_equal(Info.Signature, KESTREL_BOOT_INFO_SIGNATURE);
    assert_int_equal(Info.BootPath, BOOT_PATH_MULTIBOOT2);
    assert_int_equal(Info.MemoryRegionCount, 0);
}

static void
test_zero_length_block(void **State)
{
    MB2_BUILDER B;

    BuildStart(&B);
    assert_int_equal(ParseExact(&B, 0), MB2_PROBLEM_BAD_BLOCK);
    AssertMessage("only 0 bytes", "fewer than its 8-byte fixed part");
    assert_int_equal(Info.MemoryRegionCount, 0);
}

static void
test_null_block(void **State)
{
    assert_int_equal(Mb2ParseInformation(MB2_BOOTLOADER_MAGIC, NULL, 0, 4096, &Info, &Diag),
                     MB2_PROBLEM_BAD_BLOCK);
    AssertMessage("address is 0", NULL);
}

static void
test_misaligned_block(void **State)
{
    MB2_BUILDER B;
    UCHAR *Buffer;

    BuildGoodBlock(&B, NULL);
    Buffer = malloc(B.Length + 4);
    memcpy(Buffer + 4, B.Bytes, B.Length);
    assert_int_equal(Mb2ParseInformation(MB2_BOOTLOADER_MAGIC, Buffer + 4, TEST_PHYSICAL + 4,
                                         B.Length, &Info, &Diag),
                     MB2_PROBLEM_BAD_BLOCK);
    free(Buffer);
    AssertMessage("not 8-byte aligned", NULL);
}

static void
test_total_size_below_16(void **State)
{
    MB2_BUILDER B;

    BuildStart(&B);
    BuildEnd(&B);
    SetTotalSize(&B, 8);
    assert_int_equal(ParseExact(&B, 8), MB2_PROBLEM_BAD_BLOCK);
    AssertMessage("total_size 8 is less than 16", NULL);

    SetTotalSize(&B, 15);
    assert_int_equal(ParseExact(&B, 15), MB2_PROBLEM_BAD_BLOCK);
    AssertMessage("total_size 15 is less than 16", NULL);
    assert_int_equal(Info.MemoryRegionCount, 0);
}

static void
test_total_size_beyond_buffer(void **State)
{
    MB2_BUILDER B;
    char Expected[64];

    BuildGoodBlock(&B, NULL);
    SetTotalSize(&B, B.Length + 64);
    assert_int_equal(ParseExact(&B, B.Length), MB2_PROBLEM_BAD_BLOCK);
    snprintf(Expected, sizeof(Expected), "total_size %u is more than the %u bytes available",
             B.Length + 64, B.Length);
    AssertMessage(Expected, NULL);
    assert_int_equal(Info.MemoryRegionCount, 0);
}

static void
test_total_size_beyond_cap(void **State)
{
    MB2_BUILDER B;

    BuildStart(&B);
    BuildEnd(&B);
    SetTotalSize(&B, 0x80000000U);
    assert_int_equal(ParseExact(&B, B.Length), MB2_PROBLEM_BAD_BLOCK);
    AssertMessage("total_size 2147483648 is more than the 1048576 bytes", NULL);
}

/* ---- Tag headers ------------------------------------------------------------ */

static void
test_tag_running_past_the_end_keeps_earlier_tags(void **State)
{
    MB2_BUILDER B;
    ULONG Offset;
    char Expected[64];

    BuildStart(&B);
    AddString(&B, MB2_TAG_TYPE_COMMAND_LINE, "kept");
    AddGoodMemoryMap(&B);
    Offset = AddTag(&B, MB2_TAG_TYPE_ELF_SECTIONS, NULL, 16);
    SetTagSize(&B, Offset, 4096);
    BuildEnd(&B);

    assert_true(Parse(&B) & MB2_PROBLEM_BAD_TAG);
    snprintf(Expected, sizeof(Expected), "tag 9 (ELF sections) at offset 0x%x: size 4096", Offset);
    AssertMessage(Expected, "runs past the end");
    assert_string_equal(Info.CommandLine, "kept");
    assert_int_equal(Info.MemoryRegionCount, 9 + 1);
    assert_int_equal(Info.SymbolTable, 0);
}

static void
test_tag_smaller_than_its_header(void **State)
{
    MB2_BUILDER B;
    ULONG Offset;
    char Expected[64];

    BuildStart(&B);
    AddGoodMemoryMap(&B);
    Offset = AddTag(&B, 42, NULL, 0);
    SetTagSize(&B, Offset, 4);
    AddString(&B, MB2_TAG_TYPE_COMMAND_LINE, "never seen");
    BuildEnd(&B);

    assert_true(Parse(&B) & MB2_PROBLEM_BAD_TAG);
    snprintf(Expected, sizeof(Expected), "tag 42 (unknown type) at offset 0x%x: size 4 is less",
             Offset);
    AssertMessage(Expected, "8-byte tag header");
    assert_string_equal(Info.CommandLine, "");
    assert_int_equal(Info.MemoryRegionCount, 9 + 1);
}

static void
test_missing_end_tag(void **State)
{
    MB2_BUILDER B;

    BuildStart(&B);
    AddString(&B, MB2_TAG_TYPE_LOADER_NAME, "GRUB");
    AddGoodMemoryMap(&B);
    SetTotalSize(&B, B.Length);

    assert_true(Parse(&B) & MB2_PROBLEM_NO_END_TAG);
    AssertMessage("no end tag", NULL);
    assert_string_equal(Info.LoaderName, "GRUB");
    assert_int_equal(Info.MemoryRegionCount, 9 + 1);
}

/* A tag too small for its own fields is skipped, and the walk goes on. */
static void
test_tag_below_its_minimum_size_is_skipped(void **State)
{
    MB2_BUILDER B;
    UINT32 Lower = 639;

    BuildStart(&B);
    AddTag(&B, MB2_TAG_TYPE_BASIC_MEMORY, &Lower, sizeof(Lower));
    AddString(&B, MB2_TAG_TYPE_COMMAND_LINE, "after");
    AddGoodMemoryMap(&B);
    BuildEnd(&B);

    assert_int_equal(Parse(&B) & ~MB2_PROBLEM_SYMBOLS & ~MB2_PROBLEM_ACPI,
                     MB2_PROBLEM_TAG_CONTENT);
    AssertMessage("tag 4 (basic memory information) at offset 0x8: size 12 is less than the 16",
                  NULL);
    assert_string_equal(Info.CommandLine, "after");
}

/* ---- Strings ----------------------------------------------------------------- */

static void
test_command_line_without_nul(void **State)
{
    MB2_BUILDER B;

    BuildStart(&B);
    AddTag(&B, MB2_TAG_TYPE_COMMAND_LINE, "ktest=all harn", 14);
    AddGoodMemoryMap(&B);
    BuildEnd(&B);

    assert_true(Parse(&B) & MB2_PROBLEM_TAG_CONTENT);
    AssertMessage("tag 1 (command line) at offset 0x8",
                  "not NUL-terminated within the tag's 14 bytes");
    assert_string_equal(Info.CommandLine, "");
}

static void
test_long_command_line_is_truncated(void **State)
{
    MB2_BUILDER B;
    char Line[BOOT_COMMAND_LINE_SIZE + 100];
    char Expected[64];

    /* 88 bytes more than the boot info holds. */
    memset(Line, 'k', BOOT_COMMAND_LINE_SIZE + 88);
    Line[BOOT_COMMAND_LINE_SIZE + 88] = '\0';
    BuildStart(&B);
    AddString(&B, MB2_TAG_TYPE_COMMAND_LINE, Line);
    AddGoodMemoryMap(&B);
    BuildEnd(&B);

    assert_true(Parse(&B) & MB2_PROBLEM_TRUNCATED);
    snprintf(Expected, sizeof(Expected), "%u bytes long; kept the first %u",
             BOOT_COMMAND_LINE_SIZE + 88, BOOT_COMMAND_LINE_SIZE - 1);
    AssertMessage(Expected, NULL);
    assert_int_equal(strlen(Info.CommandLine), BOOT_COMMAND_LINE_SIZE - 1);
    assert_memory_equal(Info.CommandLine, Line, BOOT_COMMAND_LINE_SIZE - 1);
}

/* ---- Memory map ------------------------------------------------------------- */

static void
CheckBadEntrySize(UINT32 EntrySize, const char *Expected)
{
    MB2_BUILDER B;
    MB2_MEMORY_MAP_ENTRY Entry = {0x100000, 0x1000000, MB2_MEMORY_AVAILABLE, 0};

    BuildStart(&B);
    AddMemoryMap(&B, EntrySize, 0, &Entry, 1);
    BuildEnd(&B);
    assert_true(Parse(&B) & MB2_PROBLEM_MEMORY_MAP);
    AssertMessage("tag 6 (memory map) at offset 0x8", Expected);
    AssertMessage("no usable memory map and no basic memory tag",
                  "the kernel cannot know where RAM is");
    assert_int_equal(Info.MemoryRegionCount, 0);
}

static void
test_memory_map_entry_size_zero(void **State)
{
    CheckBadEntrySize(0, "entry_size 0 is not a multiple of 8 of at least 24");
}

static void
test_memory_map_entry_size_seven(void **State)
{
    CheckBadEntrySize(7, "entry_size 7 is not a multiple of 8 of at least 24");
}

static void
test_memory_map_entry_size_oversized(void **State)
{
    CheckBadEntrySize(4096, "entry_size 4096 is more than the 24 bytes of entries");
}

/* A broken map falls back to the basic memory tag. */
static void
test_bad_memory_map_falls_back_to_basic_memory(void **State)
{
    MB2_BUILDER B;
    MB2_MEMORY_MAP_ENTRY Entry = {0x100000, 0x1000000, MB2_MEMORY_AVAILABLE, 0};
    UINT32 Basic[2] = {639, 129920};

    BuildStart(&B);
    AddTag(&B, MB2_TAG_TYPE_BASIC_MEMORY, Basic, sizeof(Basic));
    AddMemoryMap(&B, 16, 0, &Entry, 1);
    BuildEnd(&B);

    assert_true(Parse(&B) & MB2_PROBLEM_MEMORY_MAP);
    AssertMessage("entry_size 16", NULL);
    AssertMessage("no usable memory map; using 639 KiB at 0 and 129920 KiB at 1 MiB", NULL);
    assert_int_equal(Info.MemoryRegionCount, 2 + 1);
    AssertRegion(0, 0, 639 * 1024, BOOT_MEMORY_FREE);
    AssertRegion(1, 0x100000, 129920ULL * 1024, BOOT_MEMORY_FREE);
    AssertRegion(2, TEST_PHYSICAL, B.Length, BOOT_MEMORY_LOADER);
}

static void
test_too_many_memory_map_entries(void **State)
{
    static MB2_MEMORY_MAP_ENTRY Entries[300];
    MB2_BUILDER B;
    ULONG Index;

    for (Index = 0; Index < 300; Index++) {
        Entries[Index].BaseAddress = (UINT64)Index * 0x200000;
        Entries[Index].Length = 0x100000;
        Entries[Index].Type = Index % 2 ? MB2_MEMORY_AVAILABLE : 2;
    }
    BuildStart(&B);
    AddMemoryMap(&B, sizeof(MB2_MEMORY_MAP_ENTRY), 0, Entries, 300);
    AddGoodElfSections(&B);
    BuildEnd(&B);

    assert_true(Parse(&B) & MB2_PROBLEM_MEMORY_MAP);
    AssertMessage("300 entries, but the boot information keeps 252", "the last 48 were dropped");
    /* The loader's own regions still fit, and a slot is left for the kernel. */
    assert_int_equal(Info.MemoryRegionCount, MB2_MAX_FIRMWARE_REGIONS + 3);
    AssertRegion(MB2_MAX_FIRMWARE_REGIONS - 1, 251ULL * 0x200000, 0x100000, BOOT_MEMORY_FREE);
    AssertRegion(MB2_MAX_FIRMWARE_REGIONS, TEST_PHYSICAL, B.Length, BOOT_MEMORY_LOADER);
    AssertRegion(MB2_MAX_FIRMWARE_REGIONS + 2, GOOD_STRTAB_ADDRESS, GOOD_STRTAB_SIZE,
                 BOOT_MEMORY_LOADER);
    assert_true(Info.MemoryRegionCount < BOOT_MAX_MEMORY_REGIONS);
}

static void
test_memory_map_quirks_are_reported_and_survived(void **State)
{
    MB2_BUILDER B;
    MB2_MEMORY_MAP_ENTRY Entries[2] = {
        {0x100000, 0x1000000, MB2_MEMORY_AVAILABLE, 0},
        {0xFFFFFFFFFFFFF000ULL, 0x2000, MB2_MEMORY_AVAILABLE, 0},
    };

    /* Version 1 entries of 32 bytes: the version-0 fields are read. */
    BuildStart(&B);
    AddMemoryMap(&B, 32, 1, Entries, 2);
    BuildEnd(&B);
    assert_true(Parse(&B) & MB2_PROBLEM_TAG_CONTENT);
    AssertMessage("entry_version 1 is not 0", NULL);
    AssertMessage("entry 1 (0xfffffffffffff000, length 0x2000) wraps", NULL);
    AssertRegion(0, 0x100000, 0x1000000, BOOT_MEMORY_FREE);
    AssertRegion(1, 0xFFFFFFFFFFFFF000ULL, 0xFFF, BOOT_MEMORY_FREE);
}

/* ---- ELF sections ------------------------------------------------------------ */

static void
CheckBrokenElf(void (*Break)(MB2_ELF64_SECTION_HEADER *Sections, UINT32 *EntrySize,
                             UINT32 *Count),
               const char *Expected)
{
    MB2_BUILDER B;
    MB2_ELF64_SECTION_HEADER Sections[GOOD_SECTION_COUNT];
    UINT32 EntrySize = sizeof(MB2_ELF64_SECTION_HEADER);
    UINT32 Count = GOOD_SECTION_COUNT;

    GoodSections(Sections);
    Break(Sections, &EntrySize, &Count);
    BuildStart(&B);
    AddGoodMemoryMap(&B);
    AddElfSections(&B, Count, EntrySize, Sections, GOOD_SECTION_COUNT);
    BuildEnd(&B);

    assert_int_equal(Parse(&B) & ~MB2_PROBLEM_ACPI, MB2_PROBLEM_SYMBOLS);
    AssertMessage("tag 9 (ELF sections)", Expected);
    assert_int_equal(Info.SymbolTable, 0);
    assert_int_equal(Info.StringTable, 0);
    assert_int_equal(Info.MemoryRegionCount, 9 + 1);
}

static void
BreakHeaderSize(MB2_ELF64_SECTION_HEADER *Sections, UINT32 *EntrySize, UINT32 *Count)
{
    *EntrySize = 40;        /* an ELF32 section header */
}

static void
BreakCount(MB2_ELF64_SECTION_HEADER *Sections, UINT32 *EntrySize, UINT32 *Count)
{
    *Count = 100;
}

static void
BreakSymbolSize(MB2_ELF64_SECTION_HEADER *Sections, UINT32 *EntrySize, UINT32 *Count)
{
    Sections[GOOD_SYMTAB_INDEX].EntrySize = 16;
}

static void
BreakLinkRange(MB2_ELF64_SECTION_HEADER *Sections, UINT32 *EntrySize, UINT32 *Count)
{
    Sections[GOOD_SYMTAB_INDEX].Link = 9;
}

static void
BreakLinkType(MB2_ELF64_SECTION_HEADER *Sections, UINT32 *EntrySize, UINT32 *Count)
{
    Sections[GOOD_SYMTAB_INDEX].Link = 1;
}

static void
BreakNotLoaded(MB2_ELF64_SECTION_HEADER *Sections, UINT32 *EntrySize, UINT32 *Count)
{
    Sections[GOOD_STRTAB_INDEX].Address = 0;
}

static void
BreakAbove4GiB(MB2_ELF64_SECTION_HEADER *Sections, UINT32 *EntrySize, UINT32 *Count)
{
    Sections[GOOD_SYMTAB_INDEX].Address = 0xFFFFFFFF80400000ULL;
}

static void
BreakStripped(MB2_ELF64_SECTION_HEADER *Sections, UINT32 *EntrySize, UINT32 *Count)
{
    Sections[GOOD_SYMTAB_INDEX].Type = 0;
}

static void
test_elf_header_size_not_elf64(void **State)
{
    CheckBrokenElf(BreakHeaderSize, "entsize 40 is smaller than an ELF64 section header (64 bytes)");
}

static void
test_elf_count_beyond_tag(void **State)
{
    CheckBrokenElf(BreakCount, "100 section headers of 64 bytes do not fit in the tag's 320");
}

static void
test_elf_symbol_size_wrong(void **State)
{
    CheckBrokenElf(BreakSymbolSize, "has sh_entsize 16");
}

static void
test_elf_link_out_of_range(void **State)
{
    CheckBrokenElf(BreakLinkRange, "sh_link 9 is not a section index (1 to 4)");
}

static void
test_elf_link_not_a_string_table(void **State)
{
    CheckBrokenElf(BreakLinkType, "section 1, the symbol table's sh_link, has type 1");
}

static void
test_elf_string_table_not_loaded(void **State)
{
    CheckBrokenElf(BreakNotLoaded, "section 3 (address 0x0, size 0x2000) was not loaded");
}

static void
test_elf_symbol_table_above_4gib(void **State)
{
    CheckBrokenElf(BreakAbove4GiB, "is not below 4 GiB");
}

static void
test_elf_stripped_kernel(void **State)
{
    CheckBrokenElf(BreakStripped, "no SHT_SYMTAB among the 5 sections");
}

/* ---- ACPI -------------------------------------------------------------------- */

static void
test_bad_new_rsdp_falls_back_to_old(void **State)
{
    MB2_BUILDER B;
    UCHAR Rsdp[MB2_RSDP_V2_SIZE];
    ULONG OldOffset;
    ULONG NewOffset;

    BuildStart(&B);
    AddGoodMemoryMap(&B);
    AddGoodElfSections(&B);
    OldOffset = AddGoodAcpi(&B, TRUE, FALSE);
    MakeRsdp(Rsdp, 2);
    Rsdp[32] ^= 0x55;       /* the extended checksum byte */
    NewOffset = AddTag(&B, MB2_TAG_TYPE_ACPI_NEW, Rsdp, sizeof(Rsdp));
    BuildEnd(&B);

    assert_int_equal(Parse(&B), MB2_PROBLEM_ACPI);
    AssertMessage("tag 15 (ACPI new RSDP)", "extended checksum is wrong");
    assert_int_equal(Info.RsdpAddress, TEST_PHYSICAL + OldOffset + 8);
    assert_int_equal(Info.RsdpRevision, 0);
    (void)NewOffset;
}

static void
test_rsdp_with_bad_signature_is_ignored(void **State)
{
    MB2_BUILDER B;
    UCHAR Rsdp[MB2_RSDP_V1_SIZE];

    MakeRsdp(Rsdp, 0);
    Rsdp[0] = 'X';
    BuildStart(&B);
    AddGoodMemoryMap(&B);
    AddGoodElfSections(&B);
    AddTag(&B, MB2_TAG_TYPE_ACPI_OLD, Rsdp, sizeof(Rsdp));
    BuildEnd(&B);

    assert_int_equal(Parse(&B), MB2_PROBLEM_ACPI);
    AssertMessage("does not start with \"RSD PTR \"", NULL);
    assert_int_equal(Info.RsdpAddress, 0);
}

/* ---- Framebuffer --------------------------------------------------------------- */

static void
test_rgb_framebuffer(void **State)
{
    MB2_BUILDER B;
    UCHAR Tag[32 - 8 + 6];
    UINT64 Address = 0xFD000000;
    UINT32 Geometry[3] = {1024 * 4, 1024, 768};

    memset(Tag, 0, sizeof(Tag));
    memcpy(Tag, &Address, 8);
    memcpy(Tag + 8, Geometry, 12);
    Tag[20] = 32;
    Tag[21] = MB2_FRAMEBUFFER_RGB;
    memcpy(Tag + 24, (UCHAR[]){16, 8, 8, 8, 0, 8}, 6);
    BuildStart(&B);
    AddGoodMemoryMap(&B);
    AddGoodElfSections(&B);
    AddGoodAcpi(&B, FALSE, TRUE);
    AddTag(&B, MB2_TAG_TYPE_FRAMEBUFFER, Tag, sizeof(Tag));
    BuildEnd(&B);

    AssertClean(Parse(&B));
    assert_int_equal(Info.Framebuffer.Type, BOOT_FRAMEBUFFER_RGB);
    assert_int_equal(Info.Framebuffer.PhysicalAddress, 0xFD000000);
    assert_int_equal(Info.Framebuffer.Pitch, 4096);
    assert_int_equal(Info.Framebuffer.Width, 1024);
    assert_int_equal(Info.Framebuffer.Height, 768);
    assert_int_equal(Info.Framebuffer.BitsPerPixel, 32);
    assert_int_equal(Info.Framebuffer.RedShift, 16);
    assert_int_equal(Info.Framebuffer.GreenShift, 8);
    assert_int_equal(Info.Framebuffer.BlueShift, 0);
    assert_int_equal(Info.Framebuffer.BlueSize, 8);

    /* Cut before its colour fields, the same tag is refused. */
    BuildStart(&B);
    AddGoodMemoryMap(&B);
    AddTag(&B, MB2_TAG_TYPE_FRAMEBUFFER, Tag, 24);
    BuildEnd(&B);
    assert_true(Parse(&B) & MB2_PROBLEM_TAG_CONTENT);
    AssertMessage("an RGB framebuffer needs 38 bytes", NULL);
    assert_int_equal(Info.Framebuffer.Type, BOOT_FRAMEBUFFER_NONE);
}

/* ---- Diagnostics ------------------------------------------------------------- */

static void
test_diagnostics_overflow_is_counted(void **State)
{
    MB2_BUILDER B;
    ULONG Index;

    BuildStart(&B);
    for (Index = 0; Index < 20; Index++) {
        AddTag(&B, MB2_TAG_TYPE_LOADER_NAME, "GRUBGRUB", 8);
    }
    AddGoodMemoryMap(&B);
    AddGoodElfSections(&B);
    AddGoodAcpi(&B, FALSE, TRUE);
    BuildEnd(&B);

    Parse(&B);
    assert_int_equal(Diag.MessageCount, MB2_DIAGNOSTIC_MESSAGES);
    assert_int_equal(Diag.DroppedCount, 20 - MB2_DIAGNOSTIC_MESSAGES);
    for (Index = 0; Index < Diag.MessageCount; Index++) {
        assert_non_null(strstr(Diag.Messages[Index], "not NUL-terminated"));
        assert_true(strlen(Diag.Messages[Index]) < MB2_DIAGNOSTIC_MESSAGE_SIZE);
    }
}

/* ---- Whatever the bytes, no crash and no read outside the block --------------- */

static void
test_random_corruption_never_reads_outside(void **State)
{
    MB2_BUILDER Good;
    MB2_BUILDER B;
    ULONG Round;
    ULONG Flip;
    uint32_t Seed = 0x4B455354;     /* fixed, so that a failure repeats */

    BuildGoodBlock(&Good, NULL);
    for (Round = 0; Round < 20000; Round++) {
        B = Good;
        for (Flip = 0; Flip < 1 + Round % 4; Flip++) {
            Seed = Seed * 1103515245 + 12345;
            B.Bytes[(Seed >> 8) % B.Length] = (UCHAR)(Seed >> 24);
        }
        ParseExact(&B, B.Length);
        assert_true(Info.MemoryRegionCount <= BOOT_MAX_MEMORY_REGIONS);
        assert_true(memchr(Info.CommandLine, 0, sizeof(Info.CommandLine)) != NULL);
        assert_true(memchr(Info.LoaderName, 0, sizeof(Info.LoaderName)) != NULL);
        assert_true(Diag.MessageCount <= MB2_DIAGNOSTIC_MESSAGES);
    }
}

/* ---- A block captured from real GRUB (tests/host/data/mb2capture.sh) ---------- */

static const char *FixtureDirectory = "tests/host/data";

/* Reads a hex fixture (comment lines start with '#') into B. */
static void
LoadFixture(MB2_BUILDER *B, const char *Name)
{
    char Path[512];
    char Line[256];
    FILE *File;
    unsigned int Byte;
    char *Cursor;

    snprintf(Path, sizeof(Path), "%s/%s", FixtureDirectory, Name);
    File = fopen(Path, "r");
    if (File == NULL) {
        print_message("cannot open fixture %s\n", Path);
        fail();
    }
    B->Length = 0;
    while (fgets(Line, sizeof(Line), File) != NULL) {
        if (Line[0] == '#') {
            continue;
        }
        for (Cursor = Line; sscanf(Cursor, "%2x", &Byte) == 1; Cursor += 2) {
            assert_true(B->Length < sizeof(B->Bytes));
            B->Bytes[B->Length++] = (UCHAR)Byte;
        }
    }
    fclose(File);
    assert_true(B->Length >= 16);
}

/* GRUB 2.06 on SeaBIOS, q35, 128 MiB, booting an ELF64 image with symbols. */
static void
test_real_grub_block(void **State)
{
    MB2_BUILDER B;
    UINT32 TotalSize;
    ULONG Index;
    ULONG MapEntries;
    BOOLEAN SawRamAt1MiB = FALSE;

    LoadFixture(&B, "grub-bios-q35.hex");
    memcpy(&TotalSize, B.Bytes, 4);
    assert_int_equal(TotalSize, B.Length);

    AssertClean(Parse(&B));
    assert_string_equal(Info.CommandLine, "ktest=all harness");
    assert_memory_equal(Info.LoaderName, "GRUB 2.", 7);

    /* SeaBIOS gives an ACPI 1.0 RSDP, which GRUB copies into tag 14. */
    assert_int_equal(Info.RsdpRevision, 0);
    assert_true(Info.RsdpAddress > TEST_PHYSICAL && Info.RsdpAddress < TEST_PHYSICAL + B.Length);
    assert_memory_equal(B.Bytes + (Info.RsdpAddress - TEST_PHYSICAL), "RSD PTR ", 8);

    assert_int_equal(Info.Framebuffer.Type, BOOT_FRAMEBUFFER_TEXT);
    assert_int_equal(Info.Framebuffer.PhysicalAddress, 0xB8000);
    assert_int_equal(Info.Framebuffer.Width, 80);

    /* GRUB placed the symbols in low memory, right after the image. */
    assert_true(Info.SymbolTable >= 0x100000 && Info.SymbolTable < MB2_4GIB_FOR_TESTS);
    assert_int_equal(Info.SymbolTableSize % MB2_ELF64_SYMBOL_SIZE, 0);
    assert_true(Info.SymbolTableSize != 0 && Info.StringTableSize != 0);

    /* The map first, then the block, .symtab and .strtab. */
    assert_true(Info.MemoryRegionCount > 3);
    MapEntries = Info.MemoryRegionCount - 3;
    for (Index = 0; Index < MapEntries; Index++) {
        assert_true(Info.MemoryRegions[Index].Type != BOOT_MEMORY_LOADER);
        if (Info.MemoryRegions[Index].Base == 0x100000 &&
            Info.MemoryRegions[Index].Type == BOOT_MEMORY_FREE) {
            SawRamAt1MiB = TRUE;
        }
    }
    assert_true(SawRamAt1MiB);
    AssertRegion(MapEntries, TEST_PHYSICAL, B.Length, BOOT_MEMORY_LOADER);
    AssertRegion(MapEntries + 1, Info.SymbolTable, Info.SymbolTableSize, BOOT_MEMORY_LOADER);
    AssertRegion(MapEntries + 2, Info.StringTable, Info.StringTableSize, BOOT_MEMORY_LOADER);
}

/* The real block cut at every length, total_size saying so: each cut is
 * reported, and nothing past the cut is read. */
static void
test_real_block_cut_anywhere(void **State)
{
    MB2_BUILDER Real;
    MB2_BUILDER B;
    ULONG Length;
    ULONG Problems;

    LoadFixture(&Real, "grub-bios-q35.hex");
    for (Length = 16; Length < Real.Length; Length++) {
        B = Real;
        SetTotalSize(&B, Length);
        Problems = ParseExact(&B, Length);
        assert_true(Problems & (MB2_PROBLEM_BAD_TAG | MB2_PROBLEM_NO_END_TAG));
        assert_true(Diag.MessageCount >= 1);
    }
}

int
main(int argc, char **argv)
{
    static char Directory[512];
    const char *Slash = strrchr(argv[0], '/');

    const struct CMUnitTest Tests[] = {
        cmocka_unit_test(test_grub_like_block),
        cmocka_unit_test(test_unknown_and_unused_tags_are_skipped),
        cmocka_unit_test(test_wrong_magic_reads_nothing),
        cmocka_unit_test(test_zero_length_block),
        cmocka_unit_test(test_null_block),
        cmocka_unit_test(test_misaligned_block),
        cmocka_unit_test(test_total_size_below_16),
        cmocka_unit_test(test_total_size_beyond_buffer),
        cmocka_unit_test(test_total_size_beyond_cap),
        cmocka_unit_test(test_tag_running_past_the_end_keeps_earlier_tags),
        cmocka_unit_test(test_tag_smaller_than_its_header),
        cmocka_unit_test(test_missing_end_tag),
        cmocka_unit_test(test_tag_below_its_minimum_size_is_skipped),
        cmocka_unit_test(test_command_line_without_nul),
        cmocka_unit_test(test_long_command_line_is_truncated),
        cmocka_unit_test(test_memory_map_entry_size_zero),
        cmocka_unit_test(test_memory_map_entry_size_seven),
        cmocka_unit_test(test_memory_map_entry_size_oversized),
        cmocka_unit_test(test_bad_memory_map_falls_back_to_basic_memory),
        cmocka_unit_test(test_too_many_memory_map_entries),
        cmocka_unit_test(test_memory_map_quirks_are_reported_and_survived),
        cmocka_unit_test(test_elf_header_size_not_elf64),
        cmocka_unit_test(test_elf_count_beyond_tag),
        cmocka_unit_test(test_elf_symbol_size_wrong),
        cmocka_unit_test(test_elf_link_out_of_range),
        cmocka_unit_test(test_elf_link_not_a_string_table),
        cmocka_unit_test(test_elf_string_table_not_loaded),
        cmocka_unit_test(test_elf_symbol_table_above_4gib),
        cmocka_unit_test(test_elf_stripped_kernel),
        cmocka_unit_test(test_bad_new_rsdp_falls_back_to_old),
        cmocka_unit_test(test_rsdp_with_bad_signature_is_ignored),
        cmocka_unit_test(test_rgb_framebuffer),
        cmocka_unit_test(test_diagnostics_overflow_is_counted),
        cmocka_unit_test(test_random_corruption_never_reads_outside),
        cmocka_unit_test(test_real_grub_block),
        cmocka_unit_test(test_real_block_cut_anywhere),
    };

    /* Run from the top of the tree (as `make test` does) the fixture path
     * is relative; run from elsewhere, find it from build/host/mb2. */
    if (access(FixtureDirectory, R_OK) != 0 && Slash != NULL) {
        snprintf(Directory, sizeof(Directory), "%.*s/../../tests/host/data",
                 (int)(Slash - argv[0]), argv[0]);
        FixtureDirectory = Directory;
    }
    return cmocka_run_group_tests_name("mb2", Tests, NULL, NULL);
}
