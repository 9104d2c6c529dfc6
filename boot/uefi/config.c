/*
 * boot/uefi/config.c - choosing the kernel command line.
 *
 * LoadOptions win when they hold text (someone typed them into the UEFI
 * Shell or a boot entry); otherwise the first line of \kestrel.cfg, which
 * the test harness rewrites in its copy of the ESP before each run. A
 * missing kestrel.cfg means an empty command line; an unreadable or
 * malformed one stops the boot with a message.
 */
#include "boot/uefi/loader.h"
#include "boot/uefi/cmdline.h"

#define LDR_CONFIG_LIMIT 4096

/* Runs anywhere. */
static const CHAR16 *
LdrpCmdlineProblem(CMDLINE_STATUS Status)
{
    switch (Status) {
    case CmdlineNotText:
        return L"holds characters other than printable ASCII";
    case CmdlineTooLong:
        return L"is longer than the kernel's 511-character command line";
    default:
        return L"cannot be read";
    }
}

/* Runs before ExitBootServices. */
EFI_STATUS
LdrReadCommandLine(EFI_LOADED_IMAGE *LoadedImage, EFI_FILE_HANDLE Root,
                   KESTREL_BOOT_INFO *BootInfo)
{
    char *Out = BootInfo->CommandLine;
    CMDLINE_STATUS Parsed;
    EFI_STATUS Status;
    UINT64 Size;
    VOID *Text;

    Parsed = CmdlineFromLoadOptions(LoadedImage->LoadOptions, LoadedImage->LoadOptionsSize, Out,
                                    sizeof(BootInfo->CommandLine));
    if (Parsed == CmdlineOk) {
        Print(L"%a: command line from LoadOptions\n", LDR_NAME);
        return EFI_SUCCESS;
    }
    /* A boot entry may keep binary data in its options: that is not an
     * error, only not a command line. */
    if (Parsed != CmdlineEmpty) {
        Print(L"%a: ignoring LoadOptions (%ld bytes): %s\n", LDR_NAME,
              (UINT64)LoadedImage->LoadOptionsSize, LdrpCmdlineProblem(Parsed));
    }

    Status = LdrReadFile(Root, LDR_CONFIG_PATH, LDR_CONFIG_LIMIT, &Text, &Size);
    if (Status == EFI_NOT_FOUND) {
        Out[0] = '\0';
        return EFI_SUCCESS;
    }
    if (EFI_ERROR(Status)) {
        return Status;
    }
    Parsed = CmdlineFromConfigFile(Text, Size, Out, sizeof(BootInfo->CommandLine));
    uefi_call_wrapper(BS->FreePool, 1, Text);
    if (Parsed == CmdlineOk || Parsed == CmdlineEmpty) {
        return EFI_SUCCESS;
    }
    Print(L"kestrel.cfg: the first line %s\n", LdrpCmdlineProblem(Parsed));
    return EFI_INVALID_PARAMETER;
}
