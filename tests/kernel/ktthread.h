/*
 * tests/kernel/ktthread.h - small helpers for tests that need threads of
 * their own (exsync.c, eresource.c, workitem.c): start one, join it, sleep.
 */
#ifndef KESTREL_TESTS_KERNEL_KTTHREAD_H
#define KESTREL_TESTS_KERNEL_KTTHREAD_H

#include "tests/kernel/ktest.h"

/* Starts a system thread and returns it referenced (NULL on failure). */
static inline PKTHREAD
KtxStartThread(PKSTART_ROUTINE Routine, PVOID Context)
{
    HANDLE Handle;
    PVOID Object = NULL;

    if (!NT_SUCCESS(PsCreateSystemThread(&Handle, THREAD_ALL_ACCESS, NULL, NULL, NULL, Routine,
                                         Context))) {
        return NULL;
    }
    if (!NT_SUCCESS(ObReferenceObjectByHandle(Handle, SYNCHRONIZE, *PsThreadType, KernelMode,
                                              &Object, NULL))) {
        Object = NULL;
    }
    ZwClose(Handle);
    return Object;
}

/* Waits (at most 5 s) for Thread to end and drops the reference. */
static inline NTSTATUS
KtxJoin(PKTHREAD Thread)
{
    LARGE_INTEGER Timeout = {.QuadPart = -5 * 10000000LL};
    NTSTATUS Status = KeWaitForSingleObject(Thread, Executive, KernelMode, FALSE, &Timeout);

    if (Status == STATUS_SUCCESS) {
        ObDereferenceObject(Thread);
    }
    return Status;
}

static inline VOID
KtxSleepMs(LONG Milliseconds)
{
    LARGE_INTEGER Interval = {.QuadPart = -10000LL * Milliseconds};

    KeDelayExecutionThread(KernelMode, FALSE, &Interval);
}

#endif /* KESTREL_TESTS_KERNEL_KTTHREAD_H */
