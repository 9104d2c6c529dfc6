/*
 * kernel/dbg/kdp.h - the kernel debugger's private interface: symbols.
 */
#ifndef KESTREL_KERNEL_DBG_KDP_H
#define KESTREL_KERNEL_DBG_KDP_H

#include <wdm.h>

/*
 * Finds the function that contains Address in the kernel's ELF symbol table
 * (handed over by the boot loader). Returns FALSE when there is no table or
 * no symbol covers the address. Safe at any IRQL and inside a bugcheck.
 */
BOOLEAN KdpLookupSymbol(ULONG_PTR Address, PCSTR *Name, ULONG_PTR *Offset);

/*
 * Walks the frame-pointer chain that starts at FramePointer and stores up to
 * MaximumFrames code addresses in Frames: ProgramCounter first, then each
 * return address; a trap frame on the way is walked through. Returns how
 * many it stored. Never faults: frames outside the known stacks end the walk
 * (kernel/dbg/backtrace.c).
 */
#define KDP_MAXIMUM_BACKTRACE 32
ULONG KdpCaptureBacktrace(ULONG_PTR ProgramCounter, ULONG_PTR FramePointer, PULONG_PTR Frames,
                          ULONG MaximumFrames);

/* The same from a trap frame: also finds the caller of an interrupted
 * function that had not set up (or never sets up) its own frame. */
struct _KTRAP_FRAME;
ULONG KdpCaptureTrapBacktrace(const struct _KTRAP_FRAME *TrapFrame, PULONG_PTR Frames,
                              ULONG MaximumFrames);

/* Print the walks, one "  #n Symbol+0xoff (0xaddress)" line per frame. */
VOID KdpPrintBacktrace(ULONG_PTR ProgramCounter, ULONG_PTR FramePointer);
VOID KdpPrintTrapBacktrace(const struct _KTRAP_FRAME *TrapFrame);

#endif /* KESTREL_KERNEL_DBG_KDP_H */
