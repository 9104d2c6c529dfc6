/*
 * kernel/mm/probe.c - ProbeForRead and ProbeForWrite.
 *
 * On Windows these check that a user-mode caller's buffer lies in user
 * space, is aligned, and (ProbeForWrite) can be written, and raise an
 * exception the caller's __try block catches. Kestrel has no user mode and
 * no structured exception handling, and the issue asks that kernel-mode
 * callers' buffers be accepted; so here they check that the buffer is
 * aligned as asked, does not wrap, and is mapped (writable, for
 * ProbeForWrite), and a failure stops the machine the way an unhandled
 * exception would: KMODE_EXCEPTION_NOT_HANDLED with
 * STATUS_DATATYPE_MISALIGNMENT or STATUS_ACCESS_VIOLATION as parameter 1,
 * the caller as parameter 2 and, for an access violation, 0 read / 1 write
 * and the address as parameters 3 and 4. A line naming the caller and the
 * problem comes first.
 */
#include "kernel/mm/mi.h"

/* Any IRQL. The one place probes (here) and MmProbeAndLockPages (mdl.c)
 * stop the machine as an unhandled exception in Caller would. */
DECLSPEC_NORETURN VOID
MiRaiseAccessException(PCSTR Routine, PVOID Caller, NTSTATUS Code, ULONG_PTR Write,
                       ULONG_PTR Address, PCSTR Why)
{
    DbgPrint("%s from %pS: %s (address %p); without exception handling this stops the "
             "machine as an unhandled 0x%08x would\n", Routine, Caller, Why, (PVOID)Address,
             (ULONG)Code);
    KeBugCheckEx(KMODE_EXCEPTION_NOT_HANDLED, (ULONG_PTR)(ULONG)Code, (ULONG_PTR)Caller, Write,
                 Address);
}

/* Any IRQL: the checks only read page tables. */
static VOID
MiProbe(PCSTR Routine, PVOID Caller, const volatile VOID *Address, SIZE_T Length,
        ULONG Alignment, BOOLEAN Write)
{
    ULONG_PTR Start = (ULONG_PTR)Address;
    ULONG_PTR Page;

    /* The WDK: a zero-length probe checks nothing at all. */
    if (Length == 0) {
        return;
    }
    if (Alignment != 1 && Alignment != 2 && Alignment != 4 && Alignment != 8 &&
        Alignment != 16) {
        DbgPrint("%s from %pS: Alignment %u is not 1, 2, 4, 8 or 16\n", Routine, Caller,
                 Alignment);
        KeBugCheckEx(KMODE_EXCEPTION_NOT_HANDLED, (ULONG_PTR)STATUS_INVALID_PARAMETER,
                     (ULONG_PTR)Caller, Alignment, Start);
    }
    if ((Start & (Alignment - 1)) != 0) {
        MiRaiseAccessException(Routine, Caller, STATUS_DATATYPE_MISALIGNMENT, Write, Start,
                               "the buffer is not aligned as asked");
    }
    if (Start + Length < Start || (LONG_PTR)Start >= 0) {
        MiRaiseAccessException(Routine, Caller, STATUS_ACCESS_VIOLATION, Write, Start,
                               "the buffer wraps around or is not in the kernel half");
    }
    for (Page = Start & ~((ULONG_PTR)PAGE_SIZE - 1); Page < Start + Length; Page += PAGE_SIZE) {
        ULONGLONG Pte;

        if (!MiTranslate(Page, NULL, &Pte)) {
            MiRaiseAccessException(Routine, Caller, STATUS_ACCESS_VIOLATION, Write,
                                   Page < Start ? Start : Page, "the buffer is not mapped");
        }
        if (Write && (Pte & MI_PTE_WRITE) == 0) {
            MiRaiseAccessException(Routine, Caller, STATUS_ACCESS_VIOLATION, Write,
                                   Page < Start ? Start : Page, "the buffer is read-only");
        }
        if (Page + PAGE_SIZE < Page) {
            break;      /* the last page of the address space */
        }
    }
}

/* Any IRQL. */
VOID NTAPI
ProbeForRead(volatile VOID *Address, SIZE_T Length, ULONG Alignment)
{
    MiProbe("ProbeForRead", __builtin_return_address(0), Address, Length, Alignment, FALSE);
}

/* Any IRQL. */
VOID NTAPI
ProbeForWrite(volatile VOID *Address, SIZE_T Length, ULONG Alignment)
{
    MiProbe("ProbeForWrite", __builtin_return_address(0), Address, Length, Alignment, TRUE);
}
