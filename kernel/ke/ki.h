/*
 * kernel/ke/ki.h - kernel (Ke) internals shared between kernel modules.
 */
#ifndef KESTREL_KERNEL_KE_KI_H
#define KESTREL_KERNEL_KE_KI_H

#include <wdm.h>
#include "boot/bootinfo.h"

/* The kernel's own copy of what the boot loader handed over. The loader's
 * copy lives in memory the kernel may reclaim; this one lives in .bss. */
extern KESTREL_BOOT_INFO KeLoaderBlock;

/* The C entry of both boot paths (kernel/main.c). */
DECLSPEC_NORETURN VOID KiSystemStartup(KESTREL_BOOT_INFO *BootInfo);

/* The Multiboot2 path (boot/multiboot2/mb2info.c): kernel/ke/start.asm turns
 * GRUB's information into a boot info before anything else runs; the
 * problems found then are printed once the debug port works. */
KESTREL_BOOT_INFO *KiMultiboot2ToBootInfo(ULONG Magic, ULONG_PTR InformationPhysical);
VOID KiMultiboot2PrintDiagnostics(VOID);

/* Kernel command-line options (kernel/main.c): TRUE when Word appears as a
 * whole blank-separated word, or as "Word=value" when Value is wanted. */
BOOLEAN KiCommandLineHasWord(PCSTR Word);
BOOLEAN KiCommandLineValue(PCSTR Name, PCHAR Value, SIZE_T ValueSize);

/* TRUE when the command line says the test harness runs this boot: results
 * and bugchecks then end QEMU through isa-debug-exit. */
BOOLEAN KiRunningUnderHarness(VOID);

/* The boot stack's guard page (kernel/ke/start.asm). */
extern UCHAR KiBootStackGuard[];
extern UCHAR KiBootStackTop[];

#endif /* KESTREL_KERNEL_KE_KI_H */
