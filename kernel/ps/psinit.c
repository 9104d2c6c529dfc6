/*
 * kernel/ps/psinit.c - the thread object type, the two threads that are
 * not created (the boot thread and the idle thread), and the routines that
 * ask who is running.
 *
 * The boot context - KiSystemStartup on the boot stack - becomes the
 * System process's initial thread as it runs: it gets a KTHREAD, and from
 * then on it is scheduled like any other thread (it runs the tests). The
 * idle thread gets a stack of its own and starts only when nothing else
 * is ready. Both live in static storage and are never deleted.
 */
#include "kernel/ps/psp.h"
#include "kernel/mm/mi.h"

OBJECT_TYPE PspThreadType;
static POBJECT_TYPE PspThreadTypePointer = &PspThreadType;
POBJECT_TYPE *PsThreadType = &PspThreadTypePointer;

/* A thread in static storage, behind its object header. */
typedef struct _PSP_STATIC_THREAD {
    OBJECT_HEADER Header;
    ETHREAD Thread;
} PSP_STATIC_THREAD;

_Static_assert(offsetof(PSP_STATIC_THREAD, Thread) == offsetof(OBJECT_HEADER, Body),
               "the body must follow the object header");

static PSP_STATIC_THREAD PspBootThread;
static PSP_STATIC_THREAD PspIdleThread;

static volatile LONG_PTR PspLastThreadId = 4;

HANDLE
PspAllocateThreadId(VOID)
{
    return (HANDLE)__atomic_add_fetch(&PspLastThreadId, 4, __ATOMIC_RELAXED);
}

static VOID
PspInitializeStaticThread(PSP_STATIC_THREAD *Static)
{
    ObpInitializePermanentObject(&Static->Header, &PspThreadType);
    Static->Thread.Cid.UniqueProcess = PSP_SYSTEM_PROCESS_ID;
    Static->Thread.Cid.UniqueThread = PspAllocateThreadId();
    Static->Thread.ExitStatus = STATUS_PENDING;
}

/* PASSIVE_LEVEL, interrupts off, once. */
VOID
PsInitializeSystem(VOID)
{
    PVOID IdleStack;

    ObpInitializeObjectType(&PspThreadType, "Thread", PSP_THREAD_TAG, PspDeleteThread);
    PspInitializeStaticThread(&PspBootThread);
    KiInitializeBootThread(&PspBootThread.Thread.Tcb, PSP_SYSTEM_THREAD_PRIORITY);

    PspInitializeStaticThread(&PspIdleThread);
    IdleStack = MmCreateKernelStack(KI_KERNEL_STACK_SIZE);
    if (IdleStack == NULL) {
        DbgPrint("Ps: no memory for the idle thread's stack\n");
        KeBugCheckEx(PHASE0_INITIALIZATION_FAILED, 0x5073, 1, 0, 0);
    }
    KiInitializeThread(&PspIdleThread.Thread.Tcb, IdleStack, KI_KERNEL_STACK_SIZE, KiIdleLoop,
                       NULL, NULL, LOW_PRIORITY);
    KiInitializeScheduler(&PspBootThread.Thread.Tcb, &PspIdleThread.Thread.Tcb);
}

/* Any IRQL. */
PETHREAD NTAPI
PsGetCurrentThread(VOID)
{
    return (PETHREAD)KeGetCurrentThread();
}

HANDLE NTAPI
PsGetThreadId(PETHREAD Thread)
{
    return ((ETHREAD *)Thread)->Cid.UniqueThread;
}

HANDLE NTAPI
PsGetCurrentThreadId(VOID)
{
    return PsGetThreadId(PsGetCurrentThread());
}

HANDLE NTAPI
PsGetCurrentProcessId(VOID)
{
    return PSP_SYSTEM_PROCESS_ID;
}

BOOLEAN NTAPI
PsIsSystemThread(PETHREAD Thread)
{
    UNREFERENCED_PARAMETER(Thread);
    return TRUE;
}

NTSTATUS NTAPI
PsGetThreadExitStatus(PETHREAD Thread)
{
    return ((ETHREAD *)Thread)->ExitStatus;
}
