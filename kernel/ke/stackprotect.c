/*
 * kernel/ke/stackprotect.c - where GCC's stack protector reports an overrun.
 *
 * The kernel is built with -fstack-protector-strong and a global guard:
 * every function with a local array or an address-taken local stores
 * __stack_chk_guard (set at boot from RDRAND and the TSC, kernel/ke/start.asm)
 * between its locals and its return address, and compares it before
 * returning. A mismatch means a local buffer was overrun; the function calls
 * __stack_chk_fail instead of returning through a corrupt frame. This is the
 * job of /GS and __report_gsfailure in the WDK, and the bugcheck is the same:
 * DRIVER_OVERRAN_STACK_BUFFER (0xF7).
 *
 * Windows' 0xF7 parameters are (corrupted cookie, expected cookie, its
 * complement, 0). GCC calls __stack_chk_fail with no arguments, so the
 * corrupted value is unknown here; Kestrel puts the address in the function
 * whose check failed in P1 instead, and keeps P2-P4 as Windows does.
 */
#include "kernel/ke/ki.h"
#include "kernel/dbg/kdp.h"

extern ULONG_PTR __stack_chk_guard;

/* Called by compiler-generated code, any IRQL. The attribute keeps this one
 * routine from checking a cookie itself. */
DECLSPEC_NORETURN __attribute__((no_stack_protector, used)) VOID __stack_chk_fail(VOID);

VOID
__stack_chk_fail(VOID)
{
    ULONG_PTR Caller = (ULONG_PTR)__builtin_return_address(0);
    PCSTR Name;
    ULONG_PTR Offset;

    /* The call is the function's last instruction, so the return address may
     * already be past its end: name the byte before it. */
    if (KdpLookupSymbol(Caller - 1, &Name, &Offset)) {
        DbgPrint("Stack buffer overrun detected: %s overwrote its stack cookie.\n", Name);
    } else {
        DbgPrint("Stack buffer overrun detected in the function that calls from 0x%llx.\n",
                 (ULONGLONG)Caller);
    }
    KeBugCheckEx(DRIVER_OVERRAN_STACK_BUFFER, Caller, __stack_chk_guard, ~__stack_chk_guard, 0);
}
