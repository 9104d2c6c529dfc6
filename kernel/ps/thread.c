/*
 * kernel/ps/thread.c - system threads: PsCreateSystemThread,
 * PsTerminateSystemThread, and the end of a thread's object.
 *
 * A thread's life, with its references:
 *
 *   PsCreateSystemThread   object (1) + stack, KiInitializeThread,
 *                          + a reference for running (2), a handle takes
 *                          over one, KiStartThread: Ready
 *   ... runs StartRoutine(StartContext) at PASSIVE_LEVEL ...
 *   returns, or calls      ExitStatus stored, KiTerminateThread: waiters
 *   PsTerminateSystemThread released, reaper DPC queued, switch away
 *   reaper DPC             on the next thread: drops the running reference
 *   ZwClose(handle)        drops the handle's reference
 *   last reference         PspDeleteThread frees the stack; Ob the object
 */
#include "kernel/ps/psp.h"
#include "kernel/mm/mi.h"

static KDEFERRED_ROUTINE PspReaper;
static KI_SYSTEM_ROUTINE PspSystemThreadStartup;

/* The first thing a system thread runs, at PASSIVE_LEVEL. */
static VOID
PspSystemThreadStartup(PKSTART_ROUTINE StartRoutine, PVOID StartContext)
{
    StartRoutine(StartContext);
    PsTerminateSystemThread(STATUS_SUCCESS);
}

/* DISPATCH_LEVEL, on some other thread: the dead one is off its stack. */
static VOID
PspReaper(PKDPC Dpc, PVOID DeferredContext, PVOID SystemArgument1, PVOID SystemArgument2)
{
    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(DeferredContext);
    UNREFERENCED_PARAMETER(SystemArgument2);
    ObDereferenceObject(SystemArgument1);
}

/* Ob's delete procedure: the last reference is gone, so the thread either
 * never ran or has been reaped. IRQL <= DISPATCH_LEVEL. */
VOID
PspDeleteThread(PVOID Object)
{
    ETHREAD *Thread = Object;

    if (Thread->Tcb.StackSize != 0) {
        MmDeleteKernelStack((PVOID)Thread->Tcb.StackBase, Thread->Tcb.StackSize);
        Thread->Tcb.StackSize = 0;
    }
}

/* IRQL PASSIVE_LEVEL. */
NTSTATUS NTAPI
PsCreateSystemThread(PHANDLE ThreadHandle, ULONG DesiredAccess,
                     POBJECT_ATTRIBUTES ObjectAttributes, HANDLE ProcessHandle,
                     PCLIENT_ID ClientId, PKSTART_ROUTINE StartRoutine, PVOID StartContext)
{
    PVOID Caller = __builtin_return_address(0);
    ETHREAD *Thread;
    PVOID StackTop;
    HANDLE Handle;
    NTSTATUS Status;

    if (ThreadHandle == NULL || StartRoutine == NULL) {
        DbgPrint("PsCreateSystemThread: from %pS without a %s\n", Caller,
                 ThreadHandle == NULL ? "ThreadHandle" : "StartRoutine");
        return ThreadHandle == NULL ? STATUS_INVALID_PARAMETER_1 : STATUS_INVALID_PARAMETER_6;
    }
    if (ProcessHandle != NULL && ProcessHandle != NtCurrentProcess()) {
        DbgPrint("PsCreateSystemThread: ProcessHandle %p from %pS: Kestrel has only the System "
                 "process; pass NULL\n", ProcessHandle, Caller);
        return STATUS_INVALID_HANDLE;
    }
    if (ObjectAttributes != NULL && ObjectAttributes->ObjectName != NULL) {
        DbgPrint("PsCreateSystemThread: from %pS: threads have no names\n", Caller);
        return STATUS_OBJECT_NAME_INVALID;
    }

    Status = ObpCreateObject(&PspThreadType, sizeof(ETHREAD), (PVOID *)&Thread);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    StackTop = MmCreateKernelStack(KI_KERNEL_STACK_SIZE);
    if (StackTop == NULL) {
        ObDereferenceObject(Thread);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    KiInitializeThread(&Thread->Tcb, StackTop, KI_KERNEL_STACK_SIZE, PspSystemThreadStartup,
                       StartRoutine, StartContext, PSP_SYSTEM_THREAD_PRIORITY);
    Thread->Cid.UniqueProcess = PSP_SYSTEM_PROCESS_ID;
    Thread->Cid.UniqueThread = PspAllocateThreadId();
    Thread->StartRoutine = StartRoutine;
    Thread->StartContext = StartContext;
    Thread->ExitStatus = STATUS_PENDING;
    KeInitializeDpc(&Thread->ReaperDpc, PspReaper, NULL);

    Status = ObpCreateHandle(Thread, DesiredAccess, &Handle);
    if (!NT_SUCCESS(Status)) {
        ObDereferenceObject(Thread);    /* never ran: frees the stack too */
        return Status;
    }
    ObReferenceObject(Thread);          /* the running thread's own */
    *ThreadHandle = Handle;
    if (ClientId != NULL) {
        *ClientId = Thread->Cid;
    }
    KiStartThread(&Thread->Tcb);
    return STATUS_SUCCESS;
}

/*
 * IRQL PASSIVE_LEVEL, the current thread. A thread that ends at a raised
 * IRQL left a lock held or an IRQL raised: IRQL_NOT_LESS_OR_EQUAL, P1 0,
 * P2 the IRQL, P3 the exit status, P4 the start routine. One that ends
 * inside a critical or guarded region (kernel/ke/region.c) left an enter
 * unbalanced: APC_INDEX_MISMATCH, P1 the start routine, P2 0 (Kestrel has
 * one APC state), P3 CombinedApcDisable, P4 0 (Windows' "system call"
 * kind: the thread returns to the system for good).
 */
NTSTATUS NTAPI
PsTerminateSystemThread(NTSTATUS ExitStatus)
{
    ETHREAD *Thread = (ETHREAD *)PsGetCurrentThread();
    KIRQL Irql = KeGetCurrentIrql();

    if (Irql != PASSIVE_LEVEL) {
        DbgPrint("PsTerminateSystemThread: thread %p (start routine %pS) ends at IRQL %u; "
                 "it must end at PASSIVE_LEVEL\n", Thread, Thread->StartRoutine, Irql);
        KeBugCheckEx(IRQL_NOT_LESS_OR_EQUAL, 0, Irql, (ULONG)ExitStatus,
                     (ULONG_PTR)Thread->StartRoutine);
    }
    if (Thread->Tcb.CombinedApcDisable != 0) {
        DbgPrint("PsTerminateSystemThread: thread %p (start routine %pS) ends inside %d "
                 "critical and %d guarded regions; each enter needs its leave\n", Thread,
                 Thread->StartRoutine, -Thread->Tcb.KernelApcDisable,
                 -Thread->Tcb.SpecialApcDisable);
        KeBugCheckEx(APC_INDEX_MISMATCH, (ULONG_PTR)Thread->StartRoutine, 0,
                     Thread->Tcb.CombinedApcDisable, 0);
    }
    Thread->ExitStatus = ExitStatus;
    KiTerminateThread(&Thread->ReaperDpc);
}
