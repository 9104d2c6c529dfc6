/*
 * kernel/ps/psp.h - the process structure's internals: the executive
 * thread (kernel/ps/thread.c, psinit.c).
 *
 * An ETHREAD is an object (kernel/ob) of type PsThreadType whose body
 * begins with the kernel's KTHREAD, so a PETHREAD is a PKTHREAD and a
 * dispatcher object. A running thread holds a reference to itself; its
 * reaper DPC drops it once the thread has switched away for the last time,
 * and the last reference frees the stack and the object.
 */
#ifndef KESTREL_KERNEL_PS_PSP_H
#define KESTREL_KERNEL_PS_PSP_H

#include "kernel/ke/thread.h"
#include "kernel/ob/obp.h"

/* The System process's id, as on Windows. */
#define PSP_SYSTEM_PROCESS_ID ((HANDLE)4)

/* The priority of new system threads and of the boot thread (the System
 * process's base priority on Windows). */
#define PSP_SYSTEM_THREAD_PRIORITY 8

#define PSP_THREAD_TAG 'erhT'

typedef struct _ETHREAD {
    KTHREAD Tcb;
    CLIENT_ID Cid;
    PKSTART_ROUTINE StartRoutine;
    PVOID StartContext;
    NTSTATUS ExitStatus;                /* STATUS_PENDING while it runs */
    KDPC ReaperDpc;
} ETHREAD;

_Static_assert(offsetof(ETHREAD, Tcb) == 0, "a PETHREAD must also be a PKTHREAD");

extern OBJECT_TYPE PspThreadType;

/* The thread id allocator: multiples of 4 from 8 (4 is the System
 * process). */
HANDLE PspAllocateThreadId(VOID);

/* Ob's delete procedure for threads. */
OB_DELETE_METHOD PspDeleteThread;

/* Threads, the boot thread and the idle thread: after the clock starts,
 * before anything creates a thread. Interrupts off. */
VOID PsInitializeSystem(VOID);

/* PsGetThreadExitStatus (ntifs.h): STATUS_PENDING while the thread runs. */
NTSTATUS NTAPI PsGetThreadExitStatus(_In_ PETHREAD Thread);

#endif /* KESTREL_KERNEL_PS_PSP_H */
