/*
 * kernel/rtl/assert.c - RtlAssert: what a failed ASSERT does.
 *
 * In Windows a failed ASSERT (RtlAssert) prompts the attached kernel
 * debugger and, with none attached, NT_ASSERT's exception reaches the top as
 * KMODE_EXCEPTION_NOT_HANDLED with STATUS_ASSERTION_FAILURE. Kestrel has no
 * debugger to break into, so an assertion always stops the machine, with
 * that same code and status:
 *
 *     KMODE_EXCEPTION_NOT_HANDLED (0x1E)
 *       P1 = STATUS_ASSERTION_FAILURE (0xC0000420)
 *       P2 = the address of the failed ASSERT
 *       P3 = the file name (a string in the kernel image)
 *       P4 = the line number
 *
 * The line before the report names the expression, file and line.
 */
#include "kernel/ke/ki.h"

/* Any IRQL. Never returns. */
VOID NTAPI
RtlAssert(PVOID FailedAssertion, PVOID FileName, ULONG LineNumber, PSTR Message)
{
    PCSTR Expression = FailedAssertion != NULL ? (PCSTR)FailedAssertion : "(unknown)";
    PCSTR File = FileName != NULL ? (PCSTR)FileName : "(unknown file)";

    if (Message != NULL) {
        DbgPrint("Assertion failed: %s: %s at %s:%u\n", Message, Expression, File, LineNumber);
    } else {
        DbgPrint("Assertion failed: %s at %s:%u\n", Expression, File, LineNumber);
    }
    KeBugCheckEx(KMODE_EXCEPTION_NOT_HANDLED, (ULONG)STATUS_ASSERTION_FAILURE,
                 (ULONG_PTR)__builtin_return_address(0), (ULONG_PTR)File, LineNumber);
}
