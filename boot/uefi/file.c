/*
 * boot/uefi/file.c - reading files from the partition the loader came from.
 *
 * The loaded image protocol (UEFI 2.10, 9.1) names the device the firmware
 * loaded BOOTX64.EFI from; that device's simple file system protocol (13.4)
 * opens the volume, and the file protocol (13.5) reads from it. So the
 * kernel is found next to the loader, whichever disk that was.
 */
#include "boot/uefi/loader.h"

/* Runs before ExitBootServices. */
EFI_STATUS
LdrOpenBootVolume(EFI_HANDLE ImageHandle, EFI_LOADED_IMAGE **LoadedImage, EFI_FILE_HANDLE *Root)
{
    EFI_SIMPLE_FILE_SYSTEM_PROTOCOL *FileSystem;
    EFI_STATUS Status;

    Status = uefi_call_wrapper(BS->HandleProtocol, 3, ImageHandle, &LoadedImageProtocol,
                               (VOID **)LoadedImage);
    if (EFI_ERROR(Status)) {
        Print(L"%a: no loaded image protocol on our own image: %r\n", LDR_NAME, Status);
        return Status;
    }
    Status = uefi_call_wrapper(BS->HandleProtocol, 3, (*LoadedImage)->DeviceHandle,
                               &FileSystemProtocol, (VOID **)&FileSystem);
    if (EFI_ERROR(Status)) {
        Print(L"%a: the device we were loaded from has no file system: %r\n", LDR_NAME, Status);
        return Status;
    }
    Status = uefi_call_wrapper(FileSystem->OpenVolume, 2, FileSystem, Root);
    if (EFI_ERROR(Status)) {
        Print(L"%a: cannot open the boot volume: %r\n", LDR_NAME, Status);
    }
    return Status;
}

/* Runs before ExitBootServices. The file's size from EFI_FILE_INFO (13.5,
 * EFI_FILE_PROTOCOL.GetInfo). */
static EFI_STATUS
LdrpFileSize(EFI_FILE_HANDLE File, CHAR16 *Path, UINT64 *Size)
{
    /* The name in EFI_FILE_INFO is the file's own, which is short here. */
    UINT64 Storage[(SIZE_OF_EFI_FILE_INFO + 256 * sizeof(CHAR16)) / sizeof(UINT64) + 1];
    EFI_FILE_INFO *Info = (EFI_FILE_INFO *)Storage;
    UINTN InfoSize = sizeof(Storage);
    EFI_STATUS Status;

    Status = uefi_call_wrapper(File->GetInfo, 4, File, &GenericFileInfo, &InfoSize, Info);
    if (EFI_ERROR(Status)) {
        Print(L"%s: cannot read its size: %r\n", Path + 1, Status);
        return Status;
    }
    if (Info->Attribute & EFI_FILE_DIRECTORY) {
        Print(L"%s: is a directory, not a file\n", Path + 1);
        return EFI_LOAD_ERROR;
    }
    *Size = Info->FileSize;
    return EFI_SUCCESS;
}

/*
 * Runs before ExitBootServices. Reads the whole of Path (at most Limit
 * bytes, else an error) into pool memory, which the caller frees with
 * FreePool. A missing file returns EFI_NOT_FOUND without a message: the
 * caller knows whether that is an error.
 */
EFI_STATUS
LdrReadFile(EFI_FILE_HANDLE Root, CHAR16 *Path, UINT64 Limit, VOID **Buffer, UINT64 *Size)
{
    EFI_FILE_HANDLE File;
    EFI_STATUS Status;
    UINT64 FileSize, Done = 0;
    UINT8 *Data = NULL;

    Status = uefi_call_wrapper(Root->Open, 5, Root, &File, Path, EFI_FILE_MODE_READ, 0ULL);
    if (Status == EFI_NOT_FOUND) {
        return Status;
    }
    if (EFI_ERROR(Status)) {
        Print(L"%s: cannot open it: %r\n", Path + 1, Status);
        return Status;
    }
    Status = LdrpFileSize(File, Path, &FileSize);
    if (!EFI_ERROR(Status) && FileSize > Limit) {
        Print(L"%s: is %ld bytes; the loader reads at most %ld\n", Path + 1, FileSize, Limit);
        Status = EFI_BAD_BUFFER_SIZE;
    }
    if (!EFI_ERROR(Status)) {
        /* One spare byte, so that text files can be NUL-terminated. */
        Status = uefi_call_wrapper(BS->AllocatePool, 3, EfiLoaderData, FileSize + 1,
                                   (VOID **)&Data);
        if (EFI_ERROR(Status)) {
            Print(L"%s: no memory for %ld bytes: %r\n", Path + 1, FileSize, Status);
        }
    }
    /* Read may return fewer bytes than asked; zero bytes means end of file. */
    while (!EFI_ERROR(Status) && Done < FileSize) {
        UINTN Chunk = FileSize - Done;

        Status = uefi_call_wrapper(File->Read, 3, File, &Chunk, Data + Done);
        if (EFI_ERROR(Status)) {
            Print(L"%s: read failed after %ld bytes: %r\n", Path + 1, Done, Status);
        } else if (Chunk == 0) {
            Print(L"%s: ends after %ld of %ld bytes\n", Path + 1, Done, FileSize);
            Status = EFI_END_OF_FILE;
        }
        Done += Chunk;
    }
    uefi_call_wrapper(File->Close, 1, File);
    if (EFI_ERROR(Status)) {
        if (Data != NULL) {
            uefi_call_wrapper(BS->FreePool, 1, Data);
        }
        return Status;
    }
    Data[FileSize] = 0;
    *Buffer = Data;
    *Size = FileSize;
    return EFI_SUCCESS;
}
