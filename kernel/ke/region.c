/*
 * kernel/ke/region.c - critical and guarded regions: KeEnterCriticalRegion,
 * KeLeaveCriticalRegion, KeEnterGuardedRegion, KeLeaveGuardedRegion,
 * KeAreApcsDisabled, KeAreAllApcsDisabled.
 *
 * On Windows a critical region holds off normal kernel APCs and a guarded
 * region all APCs, so that a thread holding a lock cannot be suspended or
 * made to run other code by an APC. Kestrel has no APCs yet: the regions
 * are only counts on the thread (KTHREAD.KernelApcDisable and
 * SpecialApcDisable, decremented on entry as on Windows). They still
 * matter: ERESOURCE and the unsafe fast-mutex routines require them, and
 * a count left unbalanced is caught where Windows catches it - when the
 * code that should have balanced it returns to the system: a system
 * thread's end (kernel/ps/thread.c) and a work item's return
 * (kernel/ex/worker.c) stop the machine with APC_INDEX_MISMATCH (0x1).
 *
 * Misuse caught at once, with Driver Verifier's codes
 * (DRIVER_VERIFIER_DETECTED_VIOLATION, 0xC4):
 *   P1 0x11A  KeEnterCriticalRegion above APC_LEVEL  (P2 the IRQL)
 *   P1 0x11B  KeLeaveCriticalRegion above APC_LEVEL  (P2 the IRQL)
 *   P1 0x3E   leaving a region the thread is not in  (P2 0 critical,
 *             1 guarded; P3 the thread; P4 the caller). Windows documents
 *             0x3E for critical regions; Kestrel uses it for both.
 */
#include "kernel/ke/thread.h"

#define KIP_VERIFIER_ENTER_CRITICAL_IRQL 0x11A
#define KIP_VERIFIER_LEAVE_CRITICAL_IRQL 0x11B
#define KIP_VERIFIER_LEAVE_NOT_IN_REGION 0x3E

static VOID
KipCheckRegionIrql(ULONG Check, PCSTR Routine, PVOID Caller)
{
    KIRQL Irql = KeGetCurrentIrql();

    if (Irql > APC_LEVEL) {
        DbgPrint("%s: called at IRQL %u from %pS; it must be called at or below APC_LEVEL\n",
                 Routine, Irql, Caller);
        KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, Check, Irql, 0, (ULONG_PTR)Caller);
    }
}

static DECLSPEC_NORETURN VOID
KipNotInRegion(PKTHREAD Thread, ULONG Guarded, PCSTR Routine, PVOID Caller)
{
    DbgPrint("%s: thread %p is not in a %s region (called from %pS); every leave must "
             "match an enter\n", Routine, Thread, Guarded ? "guarded" : "critical", Caller);
    KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, KIP_VERIFIER_LEAVE_NOT_IN_REGION, Guarded,
                 (ULONG_PTR)Thread, (ULONG_PTR)Caller);
}

/* IRQL <= APC_LEVEL. Only the current thread changes its own counts, so
 * plain increments suffice. */
VOID NTAPI
KeEnterCriticalRegion(VOID)
{
    KipCheckRegionIrql(KIP_VERIFIER_ENTER_CRITICAL_IRQL, "KeEnterCriticalRegion",
                       __builtin_return_address(0));
    KiCurrentThread()->KernelApcDisable--;
}

/* IRQL <= APC_LEVEL. */
VOID NTAPI
KeLeaveCriticalRegion(VOID)
{
    PKTHREAD Thread = KiCurrentThread();

    KipCheckRegionIrql(KIP_VERIFIER_LEAVE_CRITICAL_IRQL, "KeLeaveCriticalRegion",
                       __builtin_return_address(0));
    if (Thread->KernelApcDisable >= 0) {
        KipNotInRegion(Thread, 0, "KeLeaveCriticalRegion", __builtin_return_address(0));
    }
    Thread->KernelApcDisable++;
}

/* IRQL <= APC_LEVEL. */
VOID NTAPI
KeEnterGuardedRegion(VOID)
{
    KipCheckRegionIrql(KIP_VERIFIER_ENTER_CRITICAL_IRQL, "KeEnterGuardedRegion",
                       __builtin_return_address(0));
    KiCurrentThread()->SpecialApcDisable--;
}

/* IRQL <= APC_LEVEL. */
VOID NTAPI
KeLeaveGuardedRegion(VOID)
{
    PKTHREAD Thread = KiCurrentThread();

    KipCheckRegionIrql(KIP_VERIFIER_LEAVE_CRITICAL_IRQL, "KeLeaveGuardedRegion",
                       __builtin_return_address(0));
    if (Thread->SpecialApcDisable >= 0) {
        KipNotInRegion(Thread, 1, "KeLeaveGuardedRegion", __builtin_return_address(0));
    }
    Thread->SpecialApcDisable++;
}

/* Any IRQL. */
BOOLEAN NTAPI
KeAreApcsDisabled(VOID)
{
    return KiCurrentThread()->CombinedApcDisable != 0;
}

/* Any IRQL. */
BOOLEAN NTAPI
KeAreAllApcsDisabled(VOID)
{
    return KiCurrentThread()->SpecialApcDisable != 0 || KeGetCurrentIrql() >= APC_LEVEL;
}
