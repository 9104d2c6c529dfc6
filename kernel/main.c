/*
 * kernel/main.c - KiSystemStartup: the table of contents of boot.
 *
 * Both boot paths arrive here (kernel/ke/start.asm) on the boot stack, with
 * interrupts off, the boot loader's page tables in CR3 and a
 * KESTREL_BOOT_INFO describing the machine. Each line below brings up one
 * part of the kernel, in the order the parts depend on each other.
 */
#include "kernel/ke/ki.h"
#include "hal/halp.h"
#include "hal/acpip.h"
#include "hal/pcip.h"
#include "drivers/pci/pci.h"
#include "kernel/mm/mi.h"
#include "kernel/ke/dispatcher.h"
#include "kernel/mm/pool.h"
#include "kernel/ob/namespace.h"
#include "io/iop.h"
#include "io/pnpp.h"
#include "kernel/rtl/crt.h"
#include "kernel/ob/obp.h"
#include "kernel/ps/psp.h"
#include "kernel/ex/exp.h"
#include "tests/kernel/ktest.h"
#include "bench/kernel/kbench.h"

KESTREL_BOOT_INFO KeLoaderBlock;

static PCSTR
KipBootPathName(ULONG BootPath)
{
    switch (BootPath) {
    case BOOT_PATH_MULTIBOOT2:
        return "Multiboot2";
    case BOOT_PATH_UEFI:
        return "UEFI";
    default:
        return "an unknown boot path";
    }
}

/* The first line on the console names the kernel and its version; the test
 * harness and people alike look for it. */
static VOID
KipPrintBanner(VOID)
{
    DbgPrint("Kestrel " KESTREL_VERSION " (" KESTREL_GIT ") x86-64, booted by %s via %s\n",
             KeLoaderBlock.LoaderName[0] ? KeLoaderBlock.LoaderName : "an unnamed loader",
             KipBootPathName(KeLoaderBlock.BootPath));
    DbgPrint("Command line: \"%s\"\n", KeLoaderBlock.CommandLine);
}

/* A boot info the kernel cannot trust is reported and stops the boot: with a
 * wrong signature or version nothing else in it means anything. */
static VOID
KipCheckBootInfo(const KESTREL_BOOT_INFO *BootInfo)
{
    if (BootInfo->Signature != KESTREL_BOOT_INFO_SIGNATURE ||
        BootInfo->Version != KESTREL_BOOT_INFO_VERSION) {
        DbgPrint("Kestrel: boot information has signature 0x%08x version %u; expected 0x%08x "
                 "version %u. The boot loader and the kernel do not match.\n",
                 BootInfo->Signature, BootInfo->Version, KESTREL_BOOT_INFO_SIGNATURE,
                 KESTREL_BOOT_INFO_VERSION);
        KeBugCheckEx(PHASE0_INITIALIZATION_FAILED, BootInfo->Signature, BootInfo->Version, 0, 0);
    }
    if (BootInfo->MemoryRegionCount == 0) {
        DbgPrint("Kestrel: the boot loader reported no memory map; cannot continue.\n");
        KeBugCheckEx(PHASE0_INITIALIZATION_FAILED, 0, 0, 1, 0);
    }
}

/* Runs what the command line asked for, then stops the machine. With no
 * scheduler yet there is nothing else to do after boot. */
static DECLSPEC_NORETURN VOID
KipFinishBoot(VOID)
{
    ULONG Failed = 0;
    BOOLEAN RanTests = KiCommandLineHasWord("ktest");
    CHAR Value[8];

    if (RanTests) {
        Failed = KtRunSelected(KeLoaderBlock.CommandLine);
    }
    /* Benchmarks named by bench=... (bench/kernel). */
    if (!KbRunSelected()) {
        Failed++;
    }
    /* "devtree=end": the device tree as the tests and benchmarks left it
     * (drivers they registered, devices they stopped or removed). */
    if (KiCommandLineValue("devtree", Value, sizeof(Value)) && strcmp(Value, "end") == 0) {
        IopDumpDeviceTree();
    }
    DbgPrint("Kestrel: boot complete; halting.\n");
    if (KiRunningUnderHarness()) {
        HalpQemuExit(Failed == 0 ? HAL_QEMU_EXIT_PASS : HAL_QEMU_EXIT_FAIL);
    }
    for (;;) {
        __asm__ __volatile__("cli; hlt");
    }
}

VOID
KiSystemStartup(KESTREL_BOOT_INFO *BootInfo)
{
    /* Our own copy first: the loader's lives in memory Mm may reuse. */
    KeLoaderBlock = *BootInfo;

    /* Polled COM1 output, so that everything after this can report. */
    HalpDebugPortInitialize(HAL_DEBUG_PORT_COM1);
    KipPrintBanner();
    KiMultiboot2PrintDiagnostics();     /* what the Multiboot2 parser found wrong, if anything */
    KipCheckBootInfo(&KeLoaderBlock);
    /* GDT, TSS with IST stacks, IDT: from here on a fault gives a crash report. */
    KiInitializeProcessor();
    /* Frames, the kernel's own page tables (low half unmapped), MMIO window, stacks. */
    MmInitSystem(&KeLoaderBlock);
    /* ACPI static tables: MADT, FADT, HPET, MCFG summaries for the HAL. */
    HalpInitializeAcpi();
    /* PCI configuration space: ECAM where the MCFG says, else ports 0xCF8/0xCFC. */
    HalpInitializePciConfig();
    /* #DF, NMI and #MC move to IST stacks with guard pages. */
    KiInitializeInterruptStacks();
    /* The non-paged pool: ExAllocatePoolWithTag and friends work from here. */
    ExInitializePoolSystem();
    /* 8259s remapped and masked, local APIC on, IOAPIC inputs masked. */
    HalpInitializeInterruptControllers();
    /* TSC and LAPIC timer calibrated against the HPET (or PIT), RTC read: KeQuery*Time. */
    KiInitializeTime();
    /* The one-shot clock at CLOCK_LEVEL and the DPC software interrupt: timers, DPCs. */
    KiInitializeClock();
    /* The kernel handle table: ObReferenceObjectByHandle, ZwClose. */
    ObInitSystem();
    /* Threads: this boot context becomes the System thread, the idle thread waits. */
    PsInitializeSystem();
    /* Interrupts on, at PASSIVE_LEVEL: only what is connected can arrive. */
    __asm__ __volatile__("sti" : : : "memory");
    /* Executive: the critical and delayed worker threads behind ExQueueWorkItem. */
    ExInitSystem();
    /* The object namespace: \Device, \Driver, \?? and the \DosDevices link. */
    ObInitializeNamespace();
    /* "pcilist": every PCI function, like lspci (drivers/pci/list.c). Listing
     * sizes BARs, so it runs before the PnP manager starts any driver. */
    if (KiCommandLineHasWord("pcilist")) {
        PciListFunctions();
    }
    /* The I/O manager: device and driver objects, every built-in driver's DriverEntry. */
    IoInitSystem();

    KipFinishBoot();
}
