/*
 * boot/uefi/loader.h - the UEFI loader's private interface.
 *
 * BOOTX64.EFI is a GNU-EFI application (UEFI 2.10, section 3.5.1.1: the
 * removable-media path \EFI\BOOT\BOOTX64.EFI). It reads \kestrel.elf from
 * the partition it was loaded from, loads it, describes the machine in a
 * KESTREL_BOOT_INFO, leaves boot services and enters the kernel at
 * KiStartup64 under the boot page tables of boot/bootinfo.h.
 *
 * Firmware calls go through uefi_call_wrapper. The build defines
 * GNU_EFI_USE_MS_ABI, so that is a direct, type-checked call through an
 * EFIAPI (ms_abi) pointer; efi_main itself is called by GNU-EFI's crt0 with
 * the System V convention and is not EFIAPI.
 */
#ifndef KESTREL_BOOT_UEFI_LOADER_H
#define KESTREL_BOOT_UEFI_LOADER_H

#include <efi.h>
#include <efilib.h>
#include "boot/bootinfo.h"
#include "boot/uefi/elf.h"
#include "boot/uefi/memmap.h"

#define LDR_NAME "Kestrel UEFI loader"
#define LDR_KERNEL_PATH L"\\kestrel.elf"
#define LDR_CONFIG_PATH L"\\kestrel.cfg"
#define LDR_4GB 0x100000000ULL

/* Where the kernel went. */
typedef struct _LDR_KERNEL {
    uint64_t PhysicalBase;  /* where the lowest PT_LOAD (2 MiB) was put */
    uint64_t Size;          /* the image's span, whole pages */
    uint64_t Entry;         /* KiStartup64, a -2 GiB address */
} LDR_KERNEL;

/* file.c: the boot volume. */
EFI_STATUS LdrOpenBootVolume(EFI_HANDLE ImageHandle, EFI_LOADED_IMAGE **LoadedImage,
                             EFI_FILE_HANDLE *Root);
EFI_STATUS LdrReadFile(EFI_FILE_HANDLE Root, CHAR16 *Path, UINT64 Limit, VOID **Buffer,
                       UINT64 *Size);

/* memory.c: page allocations below 4 GiB, where the boot page tables reach. */
EFI_STATUS LdrAllocateLow(UINT64 Bytes, EFI_MEMORY_TYPE Type, VOID **Buffer);

/* image.c: the kernel's segments and its symbols. */
EFI_STATUS LdrLoadKernel(const VOID *File, const ELF_KERNEL_IMAGE *Elf, LDR_KERNEL *Kernel);
VOID LdrLoadSymbols(const VOID *File, const ELF_KERNEL_IMAGE *Elf, KESTREL_BOOT_INFO *BootInfo);

/* platform.c: what the firmware knows about the machine. */
VOID LdrFindRsdp(EFI_SYSTEM_TABLE *SystemTable, KESTREL_BOOT_INFO *BootInfo);
VOID LdrFindFramebuffer(KESTREL_BOOT_INFO *BootInfo);

/* config.c: the kernel command line. */
EFI_STATUS LdrReadCommandLine(EFI_LOADED_IMAGE *LoadedImage, EFI_FILE_HANDLE Root,
                              KESTREL_BOOT_INFO *BootInfo);

/* exit.c: the final memory map and ExitBootServices. */
EFI_STATUS LdrExitBootServices(EFI_HANDLE ImageHandle, KESTREL_BOOT_INFO *BootInfo,
                               UEFI_MEMMAP_REPORT *Report);

/* serial.c: COM1 by port I/O, the only output left after ExitBootServices. */
VOID LdrSerialPuts(const char *Text);
VOID LdrSerialHex(UINT64 Value);
VOID LdrSerialDecimal(UINT64 Value);
VOID __attribute__((noreturn)) LdrHaltAfterExit(const char *Why);

/* enter.asm: CR3 switch and jump; never returns. */
VOID __attribute__((noreturn)) LdrEnterKernel(UINT64 BootInfo, UINT64 Cr3, UINT64 Entry,
                                              VOID *Gdtr, UINT64 StackTop);

#endif /* KESTREL_BOOT_UEFI_LOADER_H */
