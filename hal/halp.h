/*
 * hal/halp.h - HAL routines private to the kernel.
 */
#ifndef KESTREL_HAL_HALP_H
#define KESTREL_HAL_HALP_H

#include <wdm.h>

/* The kernel debug port: a 16550 driven by polling, usable before
 * interrupts, memory management or anything else exists (hal/uart.c). */
#define HAL_DEBUG_PORT_COM1 0x3F8

VOID HalpDebugPortInitialize(USHORT Port);
VOID HalpDebugPortWrite(PCSTR Text, SIZE_T Length);
USHORT HalpDebugPortBase(VOID);

/* QEMU's isa-debug-exit device (iobase 0xf4): QEMU exits with status
 * (Code << 1) | 1. Only used when the command line says the kernel runs
 * under the test harness. */
#define HAL_QEMU_EXIT_PORT 0xF4
#define HAL_QEMU_EXIT_PASS 0x10     /* QEMU exit status 33 */
#define HAL_QEMU_EXIT_FAIL 0x11     /* QEMU exit status 35: tests failed */
#define HAL_QEMU_EXIT_BUGCHECK 0x12 /* QEMU exit status 37: the machine stopped */

DECLSPEC_NORETURN VOID HalpQemuExit(UCHAR Code);

/* The interrupt descriptor table (hal/idt.c) and its entry stubs
 * (hal/trap.asm). HalpInitializeIdt fills the shared IDT once and returns
 * it; HalpLoadIdt makes the current processor use it; HalpSetIdtGate points
 * one vector at a handler (IstIndex 0 = current stack, Dpl 0 or 3). */
struct _KIDTENTRY64 *HalpInitializeIdt(VOID);
VOID HalpLoadIdt(struct _KIDTENTRY64 *Idt);
VOID HalpSetIdtGate(ULONG Vector, PVOID Handler, UCHAR IstIndex, UCHAR Dpl);

/* The return address of HalpTrapCommon's call into KiDispatchTrap: a
 * backtrace that meets it knows a KTRAP_FRAME lies just above. */
extern const UCHAR HalpTrapReturnAddress[];

#endif /* KESTREL_HAL_HALP_H */
