/*
 * kernel/dbg/dbgprint.c - DbgPrint and friends: formatted text to the debug port.
 *
 * Each call formats into a stack buffer and writes it with interrupts off, so
 * lines from an interrupt handler cannot land in the middle of another line.
 * Nothing here allocates or waits: DbgPrint is safe at any IRQL, before
 * interrupts exist, and inside a bugcheck.
 */
#include "kernel/rtl/rtlp.h"
#include "hal/halp.h"

/* Longer output is cut (with a marker) rather than split: a DbgPrint line is
 * one record for whoever reads the console. */
#define DBG_PRINT_BUFFER_SIZE 512

static ULONG_PTR
KdpDisableInterrupts(VOID)
{
    ULONG_PTR Flags;

    __asm__ __volatile__("pushfq; popq %0; cli" : "=r"(Flags) : : "memory");
    return Flags;
}

static VOID
KdpRestoreInterrupts(ULONG_PTR Flags)
{
    if (Flags & (1 << 9)) {
        __asm__ __volatile__("sti" : : : "memory");
    }
}

ULONG
vDbgPrintEx(ULONG ComponentId, ULONG Level, PCSTR Format, va_list Args)
{
    CHAR Buffer[DBG_PRINT_BUFFER_SIZE];
    static const CHAR Truncated[] = "...<cut>\n";
    SIZE_T Length;
    ULONG_PTR Flags;

    UNREFERENCED_PARAMETER(ComponentId);
    UNREFERENCED_PARAMETER(Level);

    Length = RtlpFormatV(Buffer, sizeof(Buffer), Format, Args);
    Flags = KdpDisableInterrupts();
    if (Length >= sizeof(Buffer)) {
        HalpDebugPortWrite(Buffer, sizeof(Buffer) - 1);
        HalpDebugPortWrite(Truncated, sizeof(Truncated) - 1);
    } else {
        HalpDebugPortWrite(Buffer, Length);
    }
    KdpRestoreInterrupts(Flags);
    return STATUS_SUCCESS;
}

ULONG
DbgPrintEx(ULONG ComponentId, ULONG Level, PCSTR Format, ...)
{
    va_list Args;
    ULONG Status;

    va_start(Args, Format);
    Status = vDbgPrintEx(ComponentId, Level, Format, Args);
    va_end(Args);
    return Status;
}

ULONG
DbgPrint(PCSTR Format, ...)
{
    va_list Args;
    ULONG Status;

    va_start(Args, Format);
    Status = vDbgPrintEx(DPFLTR_DEFAULT_ID, DPFLTR_ERROR_LEVEL, Format, Args);
    va_end(Args);
    return Status;
}
