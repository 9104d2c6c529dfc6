/*
 * boot/multiboot2/mb2diag.c - the Multiboot2 parser's messages.
 *
 * The parser runs before the debug port exists, so it cannot print; it
 * writes each problem into a fixed array of lines that the kernel prints
 * once it can (KiMultiboot2PrintDiagnostics). A message names what is
 * wrong, where (tag type and offset in the block), and what the parser did
 * about it, so that a user reading the console knows whether to worry.
 */
#include "boot/multiboot2/mb2p.h"

/* Section 3.6: the names the specification gives the tag types. */
static PCSTR
Mb2pTagName(ULONG Type)
{
    switch (Type) {
    case MB2_TAG_TYPE_END:
        return "end";
    case MB2_TAG_TYPE_COMMAND_LINE:
        return "command line";
    case MB2_TAG_TYPE_LOADER_NAME:
        return "boot loader name";
    case MB2_TAG_TYPE_MODULE:
        return "module";
    case MB2_TAG_TYPE_BASIC_MEMORY:
        return "basic memory information";
    case MB2_TAG_TYPE_BOOT_DEVICE:
        return "BIOS boot device";
    case MB2_TAG_TYPE_MEMORY_MAP:
        return "memory map";
    case MB2_TAG_TYPE_VBE:
        return "VBE info";
    case MB2_TAG_TYPE_FRAMEBUFFER:
        return "framebuffer info";
    case MB2_TAG_TYPE_ELF_SECTIONS:
        return "ELF sections";
    case MB2_TAG_TYPE_APM:
        return "APM table";
    case MB2_TAG_TYPE_EFI32:
    case MB2_TAG_TYPE_EFI64:
        return "EFI system table";
    case MB2_TAG_TYPE_SMBIOS:
        return "SMBIOS tables";
    case MB2_TAG_TYPE_ACPI_OLD:
        return "ACPI old RSDP";
    case MB2_TAG_TYPE_ACPI_NEW:
        return "ACPI new RSDP";
    case MB2_TAG_TYPE_NETWORK:
        return "networking information";
    case MB2_TAG_TYPE_EFI_MEMORY_MAP:
        return "EFI memory map";
    case MB2_TAG_TYPE_EFI_BS_ACTIVE:
        return "EFI boot services not terminated";
    case MB2_TAG_TYPE_EFI32_IMAGE:
    case MB2_TAG_TYPE_EFI64_IMAGE:
        return "EFI image handle";
    case MB2_TAG_TYPE_LOAD_BASE:
        return "image load base physical address";
    default:
        return "unknown type";
    }
}

/* The next free line, or NULL (and one more dropped) when all are used. */
static PCHAR
Mb2pNextMessage(MB2_DIAGNOSTICS *Diagnostics, ULONG Problem)
{
    Diagnostics->Problems |= Problem;
    if (Diagnostics->MessageCount >= MB2_DIAGNOSTIC_MESSAGES) {
        Diagnostics->DroppedCount++;
        return NULL;
    }
    return Diagnostics->Messages[Diagnostics->MessageCount++];
}

/* Any context; formats into the diagnostics array only. */
VOID
Mb2pReport(MB2_DIAGNOSTICS *Diagnostics, ULONG Problem, PCSTR Format, ...)
{
    PCHAR Message = Mb2pNextMessage(Diagnostics, Problem);
    va_list Args;

    if (Message == NULL) {
        return;
    }
    va_start(Args, Format);
    RtlpFormatV(Message, MB2_DIAGNOSTIC_MESSAGE_SIZE, Format, Args);
    va_end(Args);
}

/* Any context; Offset must hold a checked tag header. */
VOID
Mb2pTagReport(const MB2_PARSE_CONTEXT *Context, ULONG Offset, ULONG Problem, PCSTR Format, ...)
{
    const MB2_TAG *Tag = Mb2pTagAt(Context, Offset);
    PCHAR Message = Mb2pNextMessage(Context->Diagnostics, Problem);
    SIZE_T Length;
    va_list Args;

    if (Message == NULL) {
        return;
    }
    Length = RtlpFormat(Message, MB2_DIAGNOSTIC_MESSAGE_SIZE, "tag %u (%s) at offset 0x%x: ",
                        Tag->Type, Mb2pTagName(Tag->Type), Offset);
    if (Length >= MB2_DIAGNOSTIC_MESSAGE_SIZE - 1) {
        return;
    }
    va_start(Args, Format);
    RtlpFormatV(Message + Length, MB2_DIAGNOSTIC_MESSAGE_SIZE - Length, Format, Args);
    va_end(Args);
}
