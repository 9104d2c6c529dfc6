/*
 * tests/kernel/boot.c - what the boot path handed over, checked from inside.
 *
 * Both boot paths must deliver the same things: a sane memory map, the kernel
 * command line that was asked for, the kernel's location, and its symbols;
 * and the kernel must have guarded the stacks it runs on.
 */
#include "tests/kernel/ktest.h"
#include "kernel/ke/ki.h"
#include "kernel/mm/mi.h"
#include "kernel/dbg/kdp.h"

KTEST(BootInfoIsComplete)
{
    const KESTREL_BOOT_INFO *Info = &KeLoaderBlock;
    ULONGLONG FreeBytes = 0;
    ULONG Index;

    KT_ASSERT_EQ(Info->Signature, KESTREL_BOOT_INFO_SIGNATURE);
    KT_ASSERT(Info->BootPath == BOOT_PATH_MULTIBOOT2 || Info->BootPath == BOOT_PATH_UEFI);
    KT_ASSERT(Info->MemoryRegionCount > 0);
    for (Index = 0; Index < Info->MemoryRegionCount; Index++) {
        if (Info->MemoryRegions[Index].Type == BOOT_MEMORY_FREE) {
            FreeBytes += Info->MemoryRegions[Index].Length;
        }
    }
    /* Every test boot has at least 128 MiB; the loaders must report most of it. */
    KT_ASSERT(FreeBytes >= 64ULL * 1024 * 1024);
    KT_ASSERT(Info->RsdpAddress != 0);
    KT_ASSERT_EQ(Info->KernelVirtualBase, 0xFFFFFFFF80200000ULL);
    KT_ASSERT(Info->KernelPhysicalBase != 0 && (Info->KernelPhysicalBase & 0x1FFFFF) == 0);
    KT_ASSERT(Info->SymbolTable != 0 && Info->StringTable != 0);
    KT_ASSERT(Info->LoaderName[0] != '\0');
}

/* The harness boots with "ktest=... harness": the words must arrive intact
 * through GRUB's grub.cfg and through the UEFI loader's kestrel.cfg alike. */
KTEST(BootCommandLineArrives)
{
    CHAR Value[64];

    KT_ASSERT(KiCommandLineHasWord("harness"));
    KT_ASSERT(KiCommandLineValue("ktest", Value, sizeof(Value)));
    KT_ASSERT(Value[0] != '\0');
    KT_ASSERT(!KiCommandLineHasWord("harnes"));
    KT_ASSERT(!KiCommandLineValue("harness", Value, sizeof(Value)));
}

/* The kernel's own symbols resolve after the switch to its page tables. */
KTEST(BootSymbolsResolve)
{
    PCSTR Name;
    ULONG_PTR Offset;

    KT_ASSERT(KdpLookupSymbol((ULONG_PTR)KiSystemStartup + 3, &Name, &Offset));
    KT_ASSERT_EQ(Offset, 3);
    KT_ASSERT(Name[0] == 'K' && Name[1] == 'i' && Name[2] == 'S');
}

/* Recurses until the stack runs out. The guard page below the boot stack
 * turns that into a page fault the processor cannot deliver on the same
 * stack, so it raises #DF, which runs on its own IST stack and reports
 * UNEXPECTED_KERNEL_MODE_TRAP with vector 8. */
static volatile ULONG KtpRecursionLimit = 0xFFFFFFFF;

static ULONG __attribute__((noinline))
KtpRecurse(volatile UCHAR *Previous, ULONG Depth)
{
    volatile UCHAR Frame[256];

    Frame[0] = (UCHAR)Depth;
    Frame[255] = Previous ? Previous[0] : 0;
    /* The limit is never reached; it only tells the compiler this ends. */
    if (Depth == KtpRecursionLimit) {
        return Frame[0];
    }
    return KtpRecurse(Frame, Depth + 1) + Frame[255];
}

KTEST_BUGCHECK(BootStackOverflowDoubleFaults, UNEXPECTED_KERNEL_MODE_TRAP)
{
    KtpRecurse(NULL, 0);
}
