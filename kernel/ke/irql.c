/*
 * kernel/ke/irql.c - what happens when IRQL is changed the wrong way.
 *
 * KeGetCurrentIrql, KfRaiseIrql, KeLowerIrql and KeRaiseIrqlToDpcLevel are
 * inlines in include/ddk/ke.h: the IRQL is CR8, so each is a MOV and a
 * compare. The compare's failure lands here, out of line, so that the inline
 * stays short. Both stop the machine with a documented Windows code:
 *
 *   raising to a lower IRQL, or above HIGH_LEVEL (CR8 holds 4 bits):
 *     IRQL_NOT_GREATER_OR_EQUAL (0x9)
 *       P1 current IRQL, P2 requested IRQL, P3 0, P4 the caller's address
 *
 *   lowering to a higher IRQL:
 *     IRQL_NOT_LESS_OR_EQUAL (0xA), in its documented layout: P1 is where
 *     the "memory referenced" goes, and the bad value is the requested IRQL;
 *       P1 requested IRQL, P2 current IRQL, P3 0 (no access), P4 the
 *       caller's address
 *
 * The caller's address is the return address of this routine's call, which
 * lies inside the routine that inlined the raise or lower.
 */
#include "kernel/ke/ki.h"

/* Called from the inline raise with the offending values; any IRQL. */
DECLSPEC_NORETURN VOID __attribute__((noinline, cold))
KiRaiseIrqlFailed(KIRQL CurrentIrql, KIRQL NewIrql)
{
    ULONG_PTR Caller = (ULONG_PTR)__builtin_return_address(0);

    DbgPrint("KeRaiseIrql: asked to raise from IRQL %u to %u at %pS: %s\n", CurrentIrql,
             NewIrql, (PVOID)Caller,
             NewIrql > HIGH_LEVEL ? "there is no IRQL above HIGH_LEVEL (15)"
                                  : "raising may not lower the IRQL; use KeLowerIrql");
    KeBugCheckEx(IRQL_NOT_GREATER_OR_EQUAL, CurrentIrql, NewIrql, 0, Caller);
}

/* Called from the inline lower with the offending values; any IRQL. */
DECLSPEC_NORETURN VOID __attribute__((noinline, cold))
KiLowerIrqlFailed(KIRQL CurrentIrql, KIRQL NewIrql)
{
    ULONG_PTR Caller = (ULONG_PTR)__builtin_return_address(0);

    DbgPrint("KeLowerIrql: asked to lower from IRQL %u to %u at %pS: lowering may not raise "
             "the IRQL; use KeRaiseIrql\n", CurrentIrql, NewIrql, (PVOID)Caller);
    KeBugCheckEx(IRQL_NOT_LESS_OR_EQUAL, NewIrql, CurrentIrql, 0, Caller);
}
