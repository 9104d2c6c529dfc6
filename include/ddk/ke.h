/*
 * ddk/ke.h - the kernel (Ke) routines a driver may call. Part of wdm.h.
 */
#ifndef _KESTREL_DDK_KE_H
#define _KESTREL_DDK_KE_H

#define PASSIVE_LEVEL 0
#define LOW_LEVEL 0
#define APC_LEVEL 1
#define DISPATCH_LEVEL 2
#define CMCI_LEVEL 5
#define CLOCK_LEVEL 13
#define IPI_LEVEL 14
#define DRS_LEVEL 14
#define POWER_LEVEL 14
#define PROFILE_LEVEL 15
#define HIGH_LEVEL 15

/* Stops the machine with a crash report over the serial console. */
DECLSPEC_NORETURN VOID NTAPI KeBugCheckEx(_In_ ULONG BugCheckCode,
                                          _In_ ULONG_PTR BugCheckParameter1,
                                          _In_ ULONG_PTR BugCheckParameter2,
                                          _In_ ULONG_PTR BugCheckParameter3,
                                          _In_ ULONG_PTR BugCheckParameter4);
DECLSPEC_NORETURN VOID NTAPI KeBugCheck(_In_ ULONG BugCheckCode);

/* ---------------------------------------------------------------------------
 * Dispatcher objects, DPCs, timers, events, waits and time
 * (kernel/ke/dpc.c, timer.c, wait.c, time.c). Names, values and layouts are
 * the WDK's (wdm.h, the Windows 7 x64 layouts of KDPC and KTIMER).
 */

typedef CCHAR KPROCESSOR_MODE;

typedef enum _MODE {
    KernelMode,
    UserMode,
    MaximumMode
} MODE;

/* Why a thread waits (WDK KWAIT_REASON); drivers pass Executive. */
typedef enum _KWAIT_REASON {
    Executive,
    FreePage,
    PageIn,
    PoolAllocation,
    DelayExecution,
    Suspended,
    UserRequest,
    WrExecutive,
    WrFreePage,
    WrPageIn,
    WrPoolAllocation,
    WrDelayExecution,
    WrSuspended,
    WrUserRequest,
    MaximumWaitReason = 37
} KWAIT_REASON;

/* The header every object a thread can wait on starts with. Type is a
 * kernel object type (kernel/ke/dispatcher.h); SignalState > 0 means
 * signaled; WaitListHead will hold the wait blocks of waiting threads once
 * the scheduler exists (it stays empty until then). */
typedef struct _DISPATCHER_HEADER {
    union {
        struct {
            UCHAR Type;
            union {
                UCHAR Signalling;
                UCHAR TimerControlFlags;
            };
            UCHAR Size;             /* of the object, in LONGs */
            UCHAR DebugActive;
        };
        volatile LONG Lock;
    };
    LONG SignalState;
    LIST_ENTRY WaitListHead;
} DISPATCHER_HEADER, *PDISPATCHER_HEADER;

typedef enum _EVENT_TYPE {
    NotificationEvent,      /* stays signaled until reset */
    SynchronizationEvent    /* reset when one wait is satisfied */
} EVENT_TYPE;

typedef struct _KEVENT {
    DISPATCHER_HEADER Header;
} KEVENT, *PKEVENT, *PRKEVENT;

/* DPCs. A DPC routine runs at DISPATCH_LEVEL with interrupts enabled. */
struct _KDPC;
typedef VOID KDEFERRED_ROUTINE(_In_ struct _KDPC *Dpc, _In_opt_ PVOID DeferredContext,
                               _In_opt_ PVOID SystemArgument1, _In_opt_ PVOID SystemArgument2);
typedef KDEFERRED_ROUTINE *PKDEFERRED_ROUTINE;

typedef enum _KDPC_IMPORTANCE {
    LowImportance,
    MediumImportance,
    HighImportance,         /* queued at the front */
    MediumHighImportance
} KDPC_IMPORTANCE;

typedef struct _KDPC {
    UCHAR Type;             /* DpcObject */
    UCHAR Importance;       /* KDPC_IMPORTANCE */
    volatile USHORT Number; /* target processor */
    LIST_ENTRY DpcListEntry;
    PKDEFERRED_ROUTINE DeferredRoutine;
    PVOID DeferredContext;
    PVOID SystemArgument1;
    PVOID SystemArgument2;
    volatile PVOID DpcData; /* the queue it is in; NULL when not queued */
} KDPC, *PKDPC, *PRKDPC;

/* Timers. */
typedef enum _TIMER_TYPE {
    NotificationTimer,
    SynchronizationTimer
} TIMER_TYPE;

typedef struct _KTIMER {
    DISPATCHER_HEADER Header;
    ULARGE_INTEGER DueTime;     /* interrupt time (100 ns since boot) of expiry */
    LIST_ENTRY TimerListEntry;
    struct _KDPC *Dpc;
    ULONG Processor;
    ULONG Period;               /* milliseconds; 0 = one-shot */
} KTIMER, *PKTIMER, *PRKTIMER;

/* IRQL <= DISPATCH_LEVEL unless noted. */
VOID NTAPI KeInitializeDpc(_Out_ PRKDPC Dpc, _In_ PKDEFERRED_ROUTINE DeferredRoutine,
                           _In_opt_ PVOID DeferredContext);
/* Any IRQL. FALSE when the DPC was already queued (nothing changes then). */
BOOLEAN NTAPI KeInsertQueueDpc(_Inout_ PRKDPC Dpc, _In_opt_ PVOID SystemArgument1,
                               _In_opt_ PVOID SystemArgument2);
/* Any IRQL. TRUE when the DPC was queued and has been removed. */
BOOLEAN NTAPI KeRemoveQueueDpc(_Inout_ PRKDPC Dpc);
VOID NTAPI KeSetImportanceDpc(_Inout_ PRKDPC Dpc, _In_ KDPC_IMPORTANCE Importance);
VOID NTAPI KeSetTargetProcessorDpc(_Inout_ PRKDPC Dpc, _In_ CCHAR Number);

VOID NTAPI KeInitializeTimer(_Out_ PKTIMER Timer);
VOID NTAPI KeInitializeTimerEx(_Out_ PKTIMER Timer, _In_ TIMER_TYPE Type);
/* DueTime < 0: relative, in 100 ns; > 0: absolute system time. Period in
 * milliseconds (0 = once). TRUE when the timer was already set. */
BOOLEAN NTAPI KeSetTimer(_Inout_ PKTIMER Timer, _In_ LARGE_INTEGER DueTime,
                         _In_opt_ PKDPC Dpc);
BOOLEAN NTAPI KeSetTimerEx(_Inout_ PKTIMER Timer, _In_ LARGE_INTEGER DueTime,
                           _In_ LONG Period, _In_opt_ PKDPC Dpc);
BOOLEAN NTAPI KeCancelTimer(_Inout_ PKTIMER Timer);
BOOLEAN NTAPI KeReadStateTimer(_In_ PKTIMER Timer);

VOID NTAPI KeInitializeEvent(_Out_ PRKEVENT Event, _In_ EVENT_TYPE Type, _In_ BOOLEAN State);
LONG NTAPI KeSetEvent(_Inout_ PRKEVENT Event, _In_ KPRIORITY Increment, _In_ BOOLEAN Wait);
LONG NTAPI KeResetEvent(_Inout_ PRKEVENT Event);
VOID NTAPI KeClearEvent(_Inout_ PRKEVENT Event);
LONG NTAPI KeReadStateEvent(_In_ PRKEVENT Event);

/* Timeout NULL: forever (PASSIVE/APC_LEVEL only); 0: poll (any IRQL <=
 * DISPATCH_LEVEL); < 0 relative, > 0 absolute, in 100 ns. Returns
 * STATUS_SUCCESS or STATUS_TIMEOUT. */
NTSTATUS NTAPI KeWaitForSingleObject(_In_ PVOID Object, _In_ KWAIT_REASON WaitReason,
                                     _In_ KPROCESSOR_MODE WaitMode, _In_ BOOLEAN Alertable,
                                     _In_opt_ PLARGE_INTEGER Timeout);

/* Time. Any IRQL. Interrupt time counts 100 ns units since boot; system
 * time counts 100 ns units since 1 January 1601 (UTC, as the RTC holds it). */
LARGE_INTEGER NTAPI KeQueryPerformanceCounter(_Out_opt_ PLARGE_INTEGER PerformanceFrequency);
VOID NTAPI KeStallExecutionProcessor(_In_ ULONG MicroSeconds);
ULONGLONG NTAPI KeQueryInterruptTime(VOID);
VOID NTAPI KeQuerySystemTime(_Out_ PLARGE_INTEGER CurrentTime);
VOID NTAPI KeQueryTickCount(_Out_ PLARGE_INTEGER TickCount);
ULONG NTAPI KeQueryTimeIncrement(VOID);

#endif /* _KESTREL_DDK_KE_H */
