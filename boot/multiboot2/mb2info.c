/*
 * boot/multiboot2/mb2info.c - the Multiboot2 path's boot information.
 *
 * kernel/ke/start.asm calls KiMultiboot2ToBootInfo with what GRUB left in
 * EAX and EBX (Multiboot2 Specification 1.0, section 3.3), on the boot
 * stack, before anything in the kernel is initialized. It runs the pure
 * parser (mb2parse.c) over GRUB's block and adds what only the kernel
 * knows: where its own image lies. The result is a static KESTREL_BOOT_INFO
 * in .bss, handed to KiSystemStartup like the UEFI loader's.
 *
 * Nothing can print yet, so the parser's complaints wait in a static
 * MB2_DIAGNOSTICS until KiSystemStartup has the debug port up and calls
 * KiMultiboot2PrintDiagnostics.
 */
#include "kernel/ke/ki.h"
#include "boot/multiboot2/mb2.h"

/* linker.ld: the image's physical extent, .boot included (it holds the
 * boot page tables, which stay in use until Mm builds its own). */
extern UCHAR __kernel_phys_start[];
extern UCHAR __kernel_phys_end[];
extern UCHAR __kernel_virt_end[];

#define KI_4GIB 0x100000000ULL

static KESTREL_BOOT_INFO KiMultiboot2BootInfo;
static MB2_DIAGNOSTICS KiMultiboot2Diagnostics;

/*
 * The kernel image. GRUB loads the ELF at its physical addresses, so the
 * image starts at linker.ld's KERNEL_PHYS (2 MiB), and entry.asm maps -2 GiB
 * onto physical 0: KernelPhysicalBase is 0x200000 and KernelVirtualBase is
 * what it appears at there, 0xFFFFFFFF80200000. That is the base the boot
 * contract speaks of, although .text itself starts a few pages higher,
 * after the low .boot section. Both are derived from the linker's symbols
 * (__kernel_virt_end - __kernel_phys_end is the -2 GiB offset) so that they
 * follow linker.ld.
 */
static VOID
KiMultiboot2AddKernelImage(KESTREL_BOOT_INFO *BootInfo)
{
    ULONG_PTR PhysicalStart = (ULONG_PTR)__kernel_phys_start;
    ULONG_PTR PhysicalEnd = (ULONG_PTR)__kernel_phys_end;
    ULONG_PTR VirtualOffset = (ULONG_PTR)__kernel_virt_end - PhysicalEnd;

    BootInfo->KernelPhysicalBase = PhysicalStart;
    BootInfo->KernelVirtualBase = PhysicalStart + VirtualOffset;
    BootInfo->KernelSize = PhysicalEnd - PhysicalStart;
    /* The parser kept a slot free for this (MB2_LOADER_REGIONS). An empty
     * table stays empty: the kernel then stops with "no memory map" rather
     * than take the kernel's own region for one. */
    if (BootInfo->MemoryRegionCount != 0) {
        BootInfoAddMemory(BootInfo, PhysicalStart, PhysicalEnd - PhysicalStart,
                          BOOT_MEMORY_KERNEL);
    }
}

/* Runs on the boot stack with the boot page tables, interrupts off, before
 * the debug port or anything else exists; must not print or fault. */
KESTREL_BOOT_INFO *
KiMultiboot2ToBootInfo(ULONG Magic, ULONG_PTR InformationPhysical)
{
    SIZE_T AvailableBytes = 0;

    /* Everything below 4 GiB is identity-mapped, so the physical address
     * is a pointer; the parser reads no further than that map reaches. */
    if (InformationPhysical < KI_4GIB) {
        AvailableBytes = KI_4GIB - InformationPhysical;
        if (AvailableBytes > MB2_MAX_INFORMATION_SIZE) {
            AvailableBytes = MB2_MAX_INFORMATION_SIZE;
        }
    }
    Mb2ParseInformation(Magic, (const VOID *)InformationPhysical, InformationPhysical,
                        AvailableBytes, &KiMultiboot2BootInfo, &KiMultiboot2Diagnostics);
    KiMultiboot2AddKernelImage(&KiMultiboot2BootInfo);
    return &KiMultiboot2BootInfo;
}

/* Runs at boot once the debug port works; prints nothing on a clean boot
 * or when the UEFI loader started the kernel. */
VOID
KiMultiboot2PrintDiagnostics(VOID)
{
    const MB2_DIAGNOSTICS *Diagnostics = &KiMultiboot2Diagnostics;
    ULONG Index;

    for (Index = 0; Index < Diagnostics->MessageCount; Index++) {
        DbgPrint("Multiboot2: %s\n", Diagnostics->Messages[Index]);
    }
    if (Diagnostics->DroppedCount != 0) {
        DbgPrint("Multiboot2: %u more problems were found but not recorded\n",
                 Diagnostics->DroppedCount);
    }
}
