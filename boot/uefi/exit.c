/*
 * boot/uefi/exit.c - the final memory map and ExitBootServices.
 *
 * UEFI 2.10, 7.4.6 (EFI_BOOT_SERVICES.ExitBootServices): the MapKey passed
 * must be that of the current memory map. Anything that allocates or frees
 * memory between GetMemoryMap and ExitBootServices, including printing,
 * changes the map, and the firmware's own events may change it too; then
 * ExitBootServices fails with EFI_INVALID_PARAMETER and the loader must get
 * the map again and retry. After that first failed call only the memory
 * allocation services may be used, so:
 *
 *   - the map buffer is allocated once, with room to spare, before the loop;
 *   - the map is converted (memmap.c, pure) between the two calls, which
 *     changes nothing the firmware can see;
 *   - after the first ExitBootServices call, success or not, nothing is
 *     printed through the firmware; a failure is reported on COM1 directly.
 */
#include "boot/uefi/loader.h"

#define LDR_EXIT_ATTEMPTS 4
/* Room for descriptors that appear between sizing the map and reading it:
 * the buffer's own allocation splits a free range, and firmware events may
 * allocate. */
#define LDR_MAP_SLACK_DESCRIPTORS 16

/* Runs before ExitBootServices. */
EFI_STATUS
LdrExitBootServices(EFI_HANDLE ImageHandle, KESTREL_BOOT_INFO *BootInfo,
                    UEFI_MEMMAP_REPORT *Report)
{
    UINTN MapSize = 0, Capacity, MapKey, DescriptorSize;
    UINT32 DescriptorVersion;
    UEFI_MEMMAP_STATUS Converted;
    EFI_STATUS Status;
    VOID *Map = NULL;

    /* The first call, with no buffer, only reports the size needed. */
    Status = uefi_call_wrapper(BS->GetMemoryMap, 5, &MapSize, NULL, &MapKey, &DescriptorSize,
                               &DescriptorVersion);
    if (Status != EFI_BUFFER_TOO_SMALL) {
        Print(L"%a: GetMemoryMap did not report the map's size: %r\n", LDR_NAME, Status);
        return EFI_ERROR(Status) ? Status : EFI_LOAD_ERROR;
    }
    Capacity = MapSize + LDR_MAP_SLACK_DESCRIPTORS * DescriptorSize;
    Status = uefi_call_wrapper(BS->AllocatePool, 3, EfiLoaderData, Capacity, &Map);
    if (EFI_ERROR(Status)) {
        Print(L"%a: no memory for the memory map (%ld bytes): %r\n", LDR_NAME, (UINT64)Capacity,
              Status);
        return Status;
    }

    for (UINT32 Attempt = 0; Attempt < LDR_EXIT_ATTEMPTS; Attempt++) {
        MapSize = Capacity;
        Status = uefi_call_wrapper(BS->GetMemoryMap, 5, &MapSize, Map, &MapKey, &DescriptorSize,
                                   &DescriptorVersion);
        if (EFI_ERROR(Status)) {
            if (Attempt == 0) {
                Print(L"%a: GetMemoryMap failed: %r\n", LDR_NAME, Status);
                return Status;
            }
            LdrHaltAfterExit("GetMemoryMap failed after ExitBootServices was refused");
        }

        BootInfo->MemoryRegionCount = 0;
        Converted = UefiConvertMemoryMap(Map, MapSize, DescriptorSize, BootInfo, Report);
        if (Converted != UefiMemmapOk) {
            if (Attempt == 0) {
                Print(L"%a: %a\n", LDR_NAME, UefiMemmapStatusText(Converted));
                return EFI_LOAD_ERROR;
            }
            LdrHaltAfterExit(UefiMemmapStatusText(Converted));
        }

        Status = uefi_call_wrapper(BS->ExitBootServices, 2, ImageHandle, MapKey);
        if (Status == EFI_SUCCESS) {
            return EFI_SUCCESS;
        }
        if (Status != EFI_INVALID_PARAMETER) {
            break;
        }
    }
    LdrHaltAfterExit("ExitBootServices kept failing");
}
