/*
 * boot/uefi/platform.c - the ACPI root pointer and the framebuffer.
 *
 * Both come from the firmware and both are optional to the loader: the
 * kernel decides what it cannot do without.
 */
#include "boot/uefi/loader.h"

/* ACPI 6.5, 5.2.5.3: the RSDP begins with "RSD PTR " and its first 20
 * bytes sum to zero (the ACPI 1.0 checksum; 2.0 adds one over 36 bytes). */
static BOOLEAN
LdrpRsdpLooksValid(const UINT8 *Rsdp)
{
    static const char Signature[8] = { 'R', 'S', 'D', ' ', 'P', 'T', 'R', ' ' };
    UINT8 Sum = 0;

    for (UINTN Index = 0; Index < 8; Index++) {
        if (Rsdp[Index] != (UINT8)Signature[Index]) {
            return FALSE;
        }
    }
    for (UINTN Index = 0; Index < 20; Index++) {
        Sum += Rsdp[Index];
    }
    return Sum == 0;
}

/* Runs before ExitBootServices. The EFI configuration table (UEFI 2.10,
 * 4.6) lists the RSDP under ACPI_20_TABLE_GUID (ACPI 2.0 and later, with
 * the XSDT) and, on older firmware, ACPI_TABLE_GUID (1.0, RSDT only). The
 * 2.0 one is preferred wherever it is in the table. */
VOID
LdrFindRsdp(EFI_SYSTEM_TABLE *SystemTable, KESTREL_BOOT_INFO *BootInfo)
{
    EFI_GUID Acpi20 = ACPI_20_TABLE_GUID;
    EFI_GUID Acpi10 = ACPI_TABLE_GUID;
    UINT64 Found10 = 0, Found20 = 0;

    for (UINTN Index = 0; Index < SystemTable->NumberOfTableEntries; Index++) {
        EFI_CONFIGURATION_TABLE *Entry = &SystemTable->ConfigurationTable[Index];
        const UINT8 *Rsdp = Entry->VendorTable;

        if (CompareGuid(&Entry->VendorGuid, &Acpi20) == 0 && LdrpRsdpLooksValid(Rsdp)) {
            Found20 = (UINT64)(UINTN)Rsdp;
        } else if (CompareGuid(&Entry->VendorGuid, &Acpi10) == 0 && LdrpRsdpLooksValid(Rsdp)) {
            Found10 = (UINT64)(UINTN)Rsdp;
        }
    }
    if (Found20 != 0) {
        BootInfo->RsdpAddress = Found20;
        BootInfo->RsdpRevision = 2;
    } else if (Found10 != 0) {
        BootInfo->RsdpAddress = Found10;
        BootInfo->RsdpRevision = 0;
    } else {
        Print(L"%a: the firmware lists no valid ACPI RSDP\n", LDR_NAME);
        return;
    }
    if (BootInfo->RsdpAddress >= LDR_4GB) {
        Print(L"%a: warning: the RSDP at %lx is above 4 GiB, outside the boot identity map\n",
              LDR_NAME, BootInfo->RsdpAddress);
    }
}

/* Runs anywhere; pure. Position and width of the set bits of a GOP mask. */
static VOID
LdrpMaskToShift(UINT32 Mask, UINT8 *Shift, UINT8 *Size)
{
    UINT8 Position = 0, Bits = 0;

    while (Mask != 0 && (Mask & 1) == 0) {
        Mask >>= 1;
        Position++;
    }
    while (Mask & 1) {
        Mask >>= 1;
        Bits++;
    }
    *Shift = Position;
    *Size = Bits;
}

/* Runs before ExitBootServices. The graphics output protocol's current mode
 * (UEFI 2.10, 12.9), if there is a linear framebuffer; a BLT-only mode has
 * none and is left unrecorded. */
VOID
LdrFindFramebuffer(KESTREL_BOOT_INFO *BootInfo)
{
    EFI_GRAPHICS_OUTPUT_PROTOCOL *Gop;
    EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *Info;
    BOOT_FRAMEBUFFER *Fb = &BootInfo->Framebuffer;
    EFI_STATUS Status;

    Status = uefi_call_wrapper(BS->LocateProtocol, 3, &GraphicsOutputProtocol, NULL,
                               (VOID **)&Gop);
    if (EFI_ERROR(Status) || Gop->Mode == NULL || Gop->Mode->Info == NULL) {
        return;
    }
    Info = Gop->Mode->Info;
    switch (Info->PixelFormat) {
    case PixelRedGreenBlueReserved8BitPerColor:
        Fb->RedShift = 0, Fb->GreenShift = 8, Fb->BlueShift = 16;
        Fb->RedSize = Fb->GreenSize = Fb->BlueSize = 8;
        break;
    case PixelBlueGreenRedReserved8BitPerColor:
        Fb->BlueShift = 0, Fb->GreenShift = 8, Fb->RedShift = 16;
        Fb->RedSize = Fb->GreenSize = Fb->BlueSize = 8;
        break;
    case PixelBitMask:
        LdrpMaskToShift(Info->PixelInformation.RedMask, &Fb->RedShift, &Fb->RedSize);
        LdrpMaskToShift(Info->PixelInformation.GreenMask, &Fb->GreenShift, &Fb->GreenSize);
        LdrpMaskToShift(Info->PixelInformation.BlueMask, &Fb->BlueShift, &Fb->BlueSize);
        break;
    default:
        return;
    }
    /* GOP pixels are 32 bits in each of the three formats above. */
    Fb->PhysicalAddress = Gop->Mode->FrameBufferBase;
    Fb->Width = Info->HorizontalResolution;
    Fb->Height = Info->VerticalResolution;
    Fb->Pitch = Info->PixelsPerScanLine * 4;
    Fb->BitsPerPixel = 32;
    Fb->Type = BOOT_FRAMEBUFFER_RGB;
}
