/*
 * ddk/ps.h - the process structure (Ps) routines a driver may call:
 * system threads. Part of wdm.h.
 *
 * Every thread belongs to the System process for now: there are no other
 * processes and no user mode. Names, values and signatures are the WDK's.
 */
#ifndef _KESTREL_DDK_PS_H
#define _KESTREL_DDK_PS_H

/* The executive thread and process, opaque to drivers. A PETHREAD may be
 * passed where a PKTHREAD is wanted (the KTHREAD comes first). */
typedef struct _ETHREAD *PETHREAD;
typedef struct _EPROCESS *PEPROCESS;

typedef struct _CLIENT_ID {
    HANDLE UniqueProcess;
    HANDLE UniqueThread;
} CLIENT_ID, *PCLIENT_ID;

/* A system thread's routine; returning from it terminates the thread with
 * STATUS_SUCCESS. */
typedef VOID KSTART_ROUTINE(_In_ PVOID StartContext);
typedef KSTART_ROUTINE *PKSTART_ROUTINE;

/* Pseudo-handles for the current process and thread. */
#define NtCurrentProcess() ((HANDLE)(LONG_PTR)-1)
#define ZwCurrentProcess() NtCurrentProcess()
#define NtCurrentThread() ((HANDLE)(LONG_PTR)-2)
#define ZwCurrentThread() NtCurrentThread()

/* Thread access rights (winnt.h's values). */
#define THREAD_TERMINATE 0x0001
#define THREAD_SUSPEND_RESUME 0x0002
#define THREAD_GET_CONTEXT 0x0008
#define THREAD_SET_CONTEXT 0x0010
#define THREAD_QUERY_INFORMATION 0x0040
#define THREAD_SET_INFORMATION 0x0020
#define THREAD_ALL_ACCESS (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0xFFFF)

/* The thread object type, for ObReferenceObjectByHandle(..., *PsThreadType, ...). */
extern POBJECT_TYPE *PsThreadType;

/* IRQL PASSIVE_LEVEL. Creates a thread of the System process at priority
 * 8 running StartRoutine(StartContext) and returns a handle to it (close
 * it with ZwClose; the thread runs on). ProcessHandle must be NULL or
 * NtCurrentProcess(); ObjectAttributes may be NULL and may not name the
 * thread. */
NTSTATUS NTAPI PsCreateSystemThread(_Out_ PHANDLE ThreadHandle, _In_ ULONG DesiredAccess,
                                    _In_opt_ POBJECT_ATTRIBUTES ObjectAttributes,
                                    _In_opt_ HANDLE ProcessHandle, _Out_opt_ PCLIENT_ID ClientId,
                                    _In_ PKSTART_ROUTINE StartRoutine,
                                    _In_opt_ PVOID StartContext);
/* IRQL PASSIVE_LEVEL, from a system thread: ends it. Waiters on the thread
 * are released; mutexes it still owns become abandoned. */
DECLSPEC_NORETURN NTSTATUS NTAPI PsTerminateSystemThread(_In_ NTSTATUS ExitStatus);

/* Any IRQL. */
PETHREAD NTAPI PsGetCurrentThread(VOID);
HANDLE NTAPI PsGetCurrentThreadId(VOID);
HANDLE NTAPI PsGetCurrentProcessId(VOID);
HANDLE NTAPI PsGetThreadId(_In_ PETHREAD Thread);
/* TRUE when Thread is a thread of the System process (always, for now). */
BOOLEAN NTAPI PsIsSystemThread(_In_ PETHREAD Thread);

#endif /* _KESTREL_DDK_PS_H */
