/*
 * boot/multiboot2/mb2parse.c - the Multiboot2 information, walked and checked.
 *
 * Reads the block GRUB leaves in memory (Multiboot2 Specification 1.0,
 * section 3.6) and fills a KESTREL_BOOT_INFO. Nothing in the block is
 * trusted: every size is checked against the block before a byte behind it
 * is read, and every problem becomes a message in MB2_DIAGNOSTICS rather
 * than a crash, because nothing can print yet when this runs.
 *
 * The walk keeps what it has parsed when it meets a broken tag header: a
 * kernel that boots with a memory map and no symbols is better than one
 * that stops. Tags whose order matters for the result (memory, symbols,
 * ACPI) are only located during the walk and used after it, so that the
 * firmware's regions come before the loader's in the region table whatever
 * order GRUB wrote the tags in (see bootinfo.h for why that order matters).
 *
 * Pure logic: no globals, no assembly, so tests/host/mb2.c runs it as is.
 * Memory and symbols are in mb2memory.c, the messages in mb2diag.c.
 */
#include "boot/multiboot2/mb2p.h"

/* Section 3.6.2: "Its start is 8-bytes aligned"; the fixed part and the end
 * tag are the least a block can hold. */
#define MB2_MIN_INFORMATION_SIZE (sizeof(MB2_INFORMATION_HEADER) + sizeof(MB2_TAG))

_Static_assert(sizeof(MB2_TAG_BASIC_MEMORY) == 16, "section 3.6.3 layout");
_Static_assert(sizeof(MB2_TAG_MEMORY_MAP) == 16, "section 3.6.8 layout");
_Static_assert(sizeof(MB2_MEMORY_MAP_ENTRY) == 24, "section 3.6.8 entry layout");
_Static_assert(sizeof(MB2_TAG_ELF_SECTIONS) == MB2_ELF_SECTIONS_HEADER_SIZE, "section 3.6.7 layout");
_Static_assert(sizeof(MB2_ELF64_SECTION_HEADER) == 64, "Elf64_Shdr layout");
_Static_assert(sizeof(MB2_TAG_FRAMEBUFFER) == 32, "section 3.6.12 layout (GRUB's)");

/* The smallest size at which each tag's fixed fields are all present. */
static ULONG
Mb2pMinimumTagSize(ULONG Type)
{
    switch (Type) {
    case MB2_TAG_TYPE_BASIC_MEMORY:
        return sizeof(MB2_TAG_BASIC_MEMORY);
    case MB2_TAG_TYPE_MEMORY_MAP:
        return sizeof(MB2_TAG_MEMORY_MAP);
    case MB2_TAG_TYPE_FRAMEBUFFER:
        return sizeof(MB2_TAG_FRAMEBUFFER);
    case MB2_TAG_TYPE_ELF_SECTIONS:
        return sizeof(MB2_TAG_ELF_SECTIONS);
    case MB2_TAG_TYPE_ACPI_OLD:
        return sizeof(MB2_TAG) + MB2_RSDP_V1_SIZE;
    case MB2_TAG_TYPE_ACPI_NEW:
        return sizeof(MB2_TAG) + MB2_RSDP_V2_SIZE;
    default:
        return sizeof(MB2_TAG);
    }
}

/* Copies a NUL-terminated string tag (sections 3.6.5 and 3.6.9). The NUL
 * must lie inside the tag: reading on to find it would leave the tag. */
static VOID
Mb2pCopyString(MB2_PARSE_CONTEXT *Context, ULONG Offset, PCHAR Destination, ULONG DestinationSize)
{
    const MB2_TAG *Tag = Mb2pTagAt(Context, Offset);
    const CHAR *Text = (const CHAR *)(Tag + 1);
    ULONG Room = Tag->Size - sizeof(MB2_TAG);
    ULONG Length = 0;
    ULONG Index;

    while (Length < Room && Text[Length] != '\0') {
        Length++;
    }
    if (Length == Room) {
        Mb2pTagReport(Context, Offset, MB2_PROBLEM_TAG_CONTENT,
                      "the string is not NUL-terminated within the tag's %u bytes; ignored", Room);
        return;
    }
    if (Length >= DestinationSize) {
        Mb2pTagReport(Context, Offset, MB2_PROBLEM_TRUNCATED,
                      "the string is %u bytes long; kept the first %u", Length,
                      DestinationSize - 1);
        Length = DestinationSize - 1;
    }
    for (Index = 0; Index < Length; Index++) {
        Destination[Index] = Text[Index];
    }
    Destination[Length] = '\0';
}

/* Section 3.6.12. Kestrel's console can draw on a direct-colour or a text
 * framebuffer; a palette one is reported and left out. */
static VOID
Mb2pRecordFramebuffer(MB2_PARSE_CONTEXT *Context, ULONG Offset)
{
    const MB2_TAG_FRAMEBUFFER *Tag = (const MB2_TAG_FRAMEBUFFER *)Mb2pTagAt(Context, Offset);
    BOOT_FRAMEBUFFER *Framebuffer = &Context->BootInfo->Framebuffer;
    const MB2_FRAMEBUFFER_RGB_FIELDS *Rgb;

    switch (Tag->Type) {
    case MB2_FRAMEBUFFER_RGB:
        if (Tag->Header.Size < sizeof(*Tag) + sizeof(*Rgb)) {
            Mb2pTagReport(Context, Offset, MB2_PROBLEM_TAG_CONTENT,
                          "an RGB framebuffer needs %u bytes for its colour fields, the tag "
                          "has %u; ignored",
                          (ULONG)(sizeof(*Tag) + sizeof(*Rgb)), Tag->Header.Size);
            return;
        }
        Rgb = (const MB2_FRAMEBUFFER_RGB_FIELDS *)(Tag + 1);
        Framebuffer->Type = BOOT_FRAMEBUFFER_RGB;
        Framebuffer->RedShift = Rgb->RedPosition;
        Framebuffer->RedSize = Rgb->RedSize;
        Framebuffer->GreenShift = Rgb->GreenPosition;
        Framebuffer->GreenSize = Rgb->GreenSize;
        Framebuffer->BlueShift = Rgb->BluePosition;
        Framebuffer->BlueSize = Rgb->BlueSize;
        break;
    case MB2_FRAMEBUFFER_EGA_TEXT:
        Framebuffer->Type = BOOT_FRAMEBUFFER_TEXT;
        break;
    case MB2_FRAMEBUFFER_INDEXED:
        Mb2pTagReport(Context, Offset, MB2_PROBLEM_TAG_CONTENT,
                      "an indexed-colour (palette) framebuffer is not supported; ignored");
        return;
    default:
        Mb2pTagReport(Context, Offset, MB2_PROBLEM_TAG_CONTENT,
                      "framebuffer_type %u is not one the specification defines; ignored",
                      Tag->Type);
        return;
    }
    Framebuffer->PhysicalAddress = Tag->Address;
    Framebuffer->Width = Tag->Width;
    Framebuffer->Height = Tag->Height;
    Framebuffer->Pitch = Tag->Pitch;
    Framebuffer->BitsPerPixel = Tag->BitsPerPixel;
}

/* Notes where a tag used after the walk lies; a second one of a kind is
 * reported, and the first kept. */
static VOID
Mb2pRemember(MB2_PARSE_CONTEXT *Context, ULONG Offset, ULONG *Slot)
{
    if (*Slot != 0) {
        Mb2pTagReport(Context, Offset, MB2_PROBLEM_TAG_CONTENT,
                      "a second tag of this type; ignored, the one at offset 0x%x is used", *Slot);
        return;
    }
    *Slot = Offset;
}

static VOID
Mb2pHandleTag(MB2_PARSE_CONTEXT *Context, ULONG Offset)
{
    const MB2_TAG *Tag = Mb2pTagAt(Context, Offset);
    KESTREL_BOOT_INFO *BootInfo = Context->BootInfo;

    if (Tag->Size < Mb2pMinimumTagSize(Tag->Type)) {
        Mb2pTagReport(Context, Offset, MB2_PROBLEM_TAG_CONTENT,
                      "size %u is less than the %u bytes of this tag's fields; ignored",
                      Tag->Size, Mb2pMinimumTagSize(Tag->Type));
        return;
    }
    switch (Tag->Type) {
    case MB2_TAG_TYPE_COMMAND_LINE:
        Mb2pCopyString(Context, Offset, BootInfo->CommandLine, sizeof(BootInfo->CommandLine));
        break;
    case MB2_TAG_TYPE_LOADER_NAME:
        Mb2pCopyString(Context, Offset, BootInfo->LoaderName, sizeof(BootInfo->LoaderName));
        break;
    case MB2_TAG_TYPE_FRAMEBUFFER:
        Mb2pRecordFramebuffer(Context, Offset);
        break;
    case MB2_TAG_TYPE_MEMORY_MAP:
        Mb2pRemember(Context, Offset, &Context->MemoryMapOffset);
        break;
    case MB2_TAG_TYPE_BASIC_MEMORY:
        Mb2pRemember(Context, Offset, &Context->BasicMemoryOffset);
        break;
    case MB2_TAG_TYPE_ELF_SECTIONS:
        Mb2pRemember(Context, Offset, &Context->ElfSectionsOffset);
        break;
    case MB2_TAG_TYPE_ACPI_OLD:
        Mb2pRemember(Context, Offset, &Context->AcpiOldOffset);
        break;
    case MB2_TAG_TYPE_ACPI_NEW:
        Mb2pRemember(Context, Offset, &Context->AcpiNewOffset);
        break;
    default:
        /* Section 3.6.2: the OS must skip tags it does not understand
         * (modules, boot device, APM, EFI, SMBIOS, network, ...). */
        break;
    }
}

/*
 * Walks the tags from offset 8 up to the end tag. A tag header that cannot
 * be right (smaller than itself, or running past total_size) ends the walk:
 * the next tag's position would be a guess. Returns TRUE when the end tag
 * was reached.
 */
static BOOLEAN
Mb2pWalkTags(MB2_PARSE_CONTEXT *Context)
{
    ULONG Offset = sizeof(MB2_INFORMATION_HEADER);
    ULONG TotalSize = Context->TotalSize;
    const MB2_TAG *Tag;

    for (;;) {
        if (Offset > TotalSize || TotalSize - Offset < sizeof(MB2_TAG)) {
            Mb2pReport(Context->Diagnostics, MB2_PROBLEM_NO_END_TAG,
                       "no end tag: the tags reach offset 0x%x of the %u-byte block without "
                       "one; the tags before that were used",
                       Offset, TotalSize);
            return FALSE;
        }
        Tag = Mb2pTagAt(Context, Offset);
        if (Tag->Size < sizeof(MB2_TAG)) {
            Mb2pTagReport(Context, Offset, MB2_PROBLEM_BAD_TAG,
                          "size %u is less than the 8-byte tag header; this tag and the ones "
                          "after it were ignored",
                          Tag->Size);
            return FALSE;
        }
        if (Tag->Size > TotalSize - Offset) {
            Mb2pTagReport(Context, Offset, MB2_PROBLEM_BAD_TAG,
                          "size %u runs past the end of the %u-byte block; this tag and the "
                          "ones after it were ignored",
                          Tag->Size, TotalSize);
            return FALSE;
        }
        if (Tag->Type == MB2_TAG_TYPE_END) {
            return TRUE;
        }
        Mb2pHandleTag(Context, Offset);
        /* Cannot wrap: Size <= TotalSize <= MB2_MAX_INFORMATION_SIZE. */
        Offset += (Tag->Size + MB2_ALIGNMENT - 1) & ~(ULONG)(MB2_ALIGNMENT - 1);
    }
}

/* ACPI 6.5, section 5.2.5.3: the RSDP's bytes sum to 0 (mod 256), the first
 * 20 for the version 1 checksum, Length bytes for the extended one. */
static BOOLEAN
Mb2pChecksumIsZero(const UCHAR *Bytes, ULONG Length)
{
    UCHAR Sum = 0;
    ULONG Index;

    for (Index = 0; Index < Length; Index++) {
        Sum = (UCHAR)(Sum + Bytes[Index]);
    }
    return Sum == 0;
}

/* Checks the RSDP copy in an ACPI tag (sections 3.6.16 and 3.6.17) and
 * records its address: the copy inside the block, which the block's own
 * BOOT_MEMORY_LOADER region keeps alive until the HAL has read it. */
static BOOLEAN
Mb2pTryRsdp(MB2_PARSE_CONTEXT *Context, ULONG Offset)
{
    static const CHAR Signature[8] = {'R', 'S', 'D', ' ', 'P', 'T', 'R', ' '};
    const MB2_TAG *Tag = Mb2pTagAt(Context, Offset);
    const UCHAR *Rsdp = (const UCHAR *)(Tag + 1);
    ULONG Room = Tag->Size - sizeof(MB2_TAG);
    ULONG Index;
    ULONG Length;

    for (Index = 0; Index < sizeof(Signature); Index++) {
        if (Rsdp[Index] != (UCHAR)Signature[Index]) {
            Mb2pTagReport(Context, Offset, MB2_PROBLEM_ACPI,
                          "the RSDP copy does not start with \"RSD PTR \"; ignored");
            return FALSE;
        }
    }
    if (!Mb2pChecksumIsZero(Rsdp, MB2_RSDP_V1_SIZE)) {
        Mb2pTagReport(Context, Offset, MB2_PROBLEM_ACPI,
                      "the RSDP's first %u bytes do not sum to zero; ignored", MB2_RSDP_V1_SIZE);
        return FALSE;
    }
    if (Tag->Type == MB2_TAG_TYPE_ACPI_NEW) {
        /* Length: a little-endian UINT32 at offset 20. */
        Length = Rsdp[20] | (ULONG)Rsdp[21] << 8 | (ULONG)Rsdp[22] << 16 | (ULONG)Rsdp[23] << 24;
        if (Length < MB2_RSDP_V2_SIZE || Length > Room) {
            Mb2pTagReport(Context, Offset, MB2_PROBLEM_ACPI,
                          "the RSDP's Length %u is not between %u and the %u bytes in the tag; "
                          "ignored",
                          Length, MB2_RSDP_V2_SIZE, Room);
            return FALSE;
        }
        if (!Mb2pChecksumIsZero(Rsdp, Length)) {
            Mb2pTagReport(Context, Offset, MB2_PROBLEM_ACPI,
                          "the RSDP's extended checksum is wrong; ignored");
            return FALSE;
        }
    }
    Context->BootInfo->RsdpAddress = Context->Physical + Offset + sizeof(MB2_TAG);
    Context->BootInfo->RsdpRevision = Tag->Type == MB2_TAG_TYPE_ACPI_NEW ? 2 : 0;
    return TRUE;
}

/* The ACPI 2.0+ copy when there is a good one (it has the XSDT with 64-bit
 * table addresses), else the ACPI 1.0 copy. */
static VOID
Mb2pUseRsdp(MB2_PARSE_CONTEXT *Context)
{
    if (Context->AcpiNewOffset != 0 && Mb2pTryRsdp(Context, Context->AcpiNewOffset)) {
        return;
    }
    if (Context->AcpiOldOffset != 0 && Mb2pTryRsdp(Context, Context->AcpiOldOffset)) {
        return;
    }
    if (Context->AcpiNewOffset == 0 && Context->AcpiOldOffset == 0) {
        Mb2pReport(Context->Diagnostics, MB2_PROBLEM_ACPI,
                   "no ACPI RSDP tag (type 14 or 15); the kernel has no ACPI tables");
    }
}

/* The fixed part (section 3.6.2): where the block is and how big it says it
 * is, checked against what the caller can map. Returns FALSE, with the
 * reason reported, when not even the tags can be walked. */
static BOOLEAN
Mb2pCheckBlock(MB2_PARSE_CONTEXT *Context, const VOID *Information, SIZE_T AvailableBytes)
{
    MB2_DIAGNOSTICS *Diagnostics = Context->Diagnostics;
    ULONG TotalSize;

    if (Information == NULL) {
        Mb2pReport(Diagnostics, MB2_PROBLEM_BAD_BLOCK, "the boot information address is 0");
        return FALSE;
    }
    if ((((ULONG_PTR)Information | Context->Physical) & (MB2_ALIGNMENT - 1)) != 0) {
        Mb2pReport(Diagnostics, MB2_PROBLEM_BAD_BLOCK,
                   "the boot information at 0x%llx is not 8-byte aligned", Context->Physical);
        return FALSE;
    }
    if (AvailableBytes < sizeof(MB2_INFORMATION_HEADER)) {
        Mb2pReport(Diagnostics, MB2_PROBLEM_BAD_BLOCK,
                   "only %llu bytes of boot information at 0x%llx, fewer than its 8-byte "
                   "fixed part",
                   (ULONGLONG)AvailableBytes, Context->Physical);
        return FALSE;
    }
    TotalSize = ((const MB2_INFORMATION_HEADER *)Information)->TotalSize;
    if (TotalSize < MB2_MIN_INFORMATION_SIZE) {
        Mb2pReport(Diagnostics, MB2_PROBLEM_BAD_BLOCK,
                   "total_size %u is less than %u, the fixed part and an end tag", TotalSize,
                   (ULONG)MB2_MIN_INFORMATION_SIZE);
        return FALSE;
    }
    if (TotalSize > MB2_MAX_INFORMATION_SIZE) {
        Mb2pReport(Diagnostics, MB2_PROBLEM_BAD_BLOCK,
                   "total_size %u is more than the %u bytes any real block needs; the block "
                   "is corrupt",
                   TotalSize, MB2_MAX_INFORMATION_SIZE);
        return FALSE;
    }
    if (TotalSize > AvailableBytes) {
        Mb2pReport(Diagnostics, MB2_PROBLEM_BAD_BLOCK,
                   "total_size %u is more than the %llu bytes available at 0x%llx", TotalSize,
                   (ULONGLONG)AvailableBytes, Context->Physical);
        return FALSE;
    }
    Context->TotalSize = TotalSize;
    return TRUE;
}

ULONG
Mb2ParseInformation(ULONG Magic, const VOID *Information, ULONG_PTR InformationPhysical,
                    SIZE_T AvailableBytes, KESTREL_BOOT_INFO *BootInfo,
                    MB2_DIAGNOSTICS *Diagnostics)
{
    MB2_PARSE_CONTEXT Context = {
        .Base = Information,
        .Physical = InformationPhysical,
        .BootInfo = BootInfo,
        .Diagnostics = Diagnostics,
    };

    __builtin_memset(BootInfo, 0, sizeof(*BootInfo));
    __builtin_memset(Diagnostics, 0, sizeof(*Diagnostics));
    BootInfo->Signature = KESTREL_BOOT_INFO_SIGNATURE;
    BootInfo->Version = KESTREL_BOOT_INFO_VERSION;
    BootInfo->BootPath = BOOT_PATH_MULTIBOOT2;

    /* Section 3.3: anything else in EAX means no Multiboot2 loader started
     * us, and EBX need not point at anything. */
    if (Magic != MB2_BOOTLOADER_MAGIC) {
        Mb2pReport(Diagnostics, MB2_PROBLEM_BAD_MAGIC,
                   "the boot loader passed magic 0x%08x, not 0x%08x: this is not a Multiboot2 "
                   "boot, so the information at 0x%llx was not read",
                   Magic, MB2_BOOTLOADER_MAGIC, (ULONGLONG)InformationPhysical);
        return Diagnostics->Problems;
    }
    if (!Mb2pCheckBlock(&Context, Information, AvailableBytes)) {
        return Diagnostics->Problems;
    }

    Mb2pWalkTags(&Context);

    /* Firmware regions first, then what the loader placed in memory: the
     * block itself (it holds the RSDP copy) and the symbols. Without any
     * firmware region the table stays empty, so that the kernel says there
     * is no memory map instead of finding only loader regions in one. */
    Mb2pAddFirmwareMemory(&Context);
    Mb2pUseRsdp(&Context);
    if (BootInfo->MemoryRegionCount != 0) {
        BootInfoAddMemory(BootInfo, InformationPhysical, Context.TotalSize, BOOT_MEMORY_LOADER);
    }
    Mb2pFindSymbols(&Context);
    return Diagnostics->Problems;
}
