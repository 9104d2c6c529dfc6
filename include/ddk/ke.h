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
 * IRQL (kernel/ke/irql.c). As on Windows x64 the IRQL lives in CR8, the
 * processor's task-priority register: CR8 = n blocks every interrupt whose
 * vector >> 4 is n or lower (Intel SDM vol. 3A 2.5, "CR8"; 11.8.3.1 - 10.8.3.1
 * in editions before 2022 - "Task and Processor Priorities"). So the vector
 * of an interrupt says its IRQL, and raising or lowering is one MOV. The
 * vector map is in kernel/ke/interrupt.c. As in the WDK, these are inlines;
 * unlike a free Windows build, every one checks its argument and stops the
 * machine on a wrong one (parameters in kernel/ke/irql.c).
 */
DECLSPEC_NORETURN VOID KiRaiseIrqlFailed(KIRQL CurrentIrql, KIRQL NewIrql);
DECLSPEC_NORETURN VOID KiLowerIrqlFailed(KIRQL CurrentIrql, KIRQL NewIrql);

/* Any IRQL. */
FORCEINLINE KIRQL
KeGetCurrentIrql(VOID)
{
    ULONG_PTR Irql;

    __asm__ __volatile__("movq %%cr8, %0" : "=r"(Irql));
    return (KIRQL)Irql;
}

/* Raises to NewIrql, which must be at least the current IRQL and at most
 * HIGH_LEVEL; returns the IRQL it was at. The "memory" clobber keeps the
 * compiler from moving memory accesses across the change. */
FORCEINLINE KIRQL
KfRaiseIrql(_In_ KIRQL NewIrql)
{
    KIRQL OldIrql = KeGetCurrentIrql();

    if (__builtin_expect(NewIrql < OldIrql || NewIrql > HIGH_LEVEL, 0)) {
        KiRaiseIrqlFailed(OldIrql, NewIrql);
    }
    __asm__ __volatile__("movq %0, %%cr8" : : "r"((ULONG_PTR)NewIrql) : "memory");
    return OldIrql;
}

/* Lowers to NewIrql, at most the current IRQL. An interrupt or software
 * interrupt (DPCs) held back by the old IRQL is taken right after the MOV. */
FORCEINLINE VOID
KeLowerIrql(_In_ KIRQL NewIrql)
{
    KIRQL OldIrql = KeGetCurrentIrql();

    if (__builtin_expect(NewIrql > OldIrql, 0)) {
        KiLowerIrqlFailed(OldIrql, NewIrql);
    }
    __asm__ __volatile__("movq %0, %%cr8" : : "r"((ULONG_PTR)NewIrql) : "memory");
}

#define KfLowerIrql KeLowerIrql
#define KeRaiseIrql(NewIrql, OldIrql) (*(OldIrql) = KfRaiseIrql(NewIrql))

/* At most DISPATCH_LEVEL. */
FORCEINLINE KIRQL
KeRaiseIrqlToDpcLevel(VOID)
{
    return KfRaiseIrql(DISPATCH_LEVEL);
}

/* Windows' SYNCH_LEVEL on x64 with one interrupt controller per processor
 * group is 12: the level at which spin locks that an IPI may need are held. */
#define SYNCH_LEVEL 12

/* ---------------------------------------------------------------------------
 * Spin locks (kernel/ke/spinlock.c). An ordinary KSPIN_LOCK is 0 when free
 * and the owning processor's number + 1 when held, so that acquiring a lock
 * the processor already holds (SPIN_LOCK_ALREADY_OWNED, 0xF) and releasing
 * one it does not hold (SPIN_LOCK_NOT_OWNED, 0x10) stop the machine instead
 * of hanging it. In-stack queued spin locks are MCS queue locks: each waiter
 * spins on its own KLOCK_QUEUE_HANDLE, and the lock is handed over in
 * arrival order; their KSPIN_LOCK holds the queue's tail. A lock is used
 * with one kind of routine only, as the WDK requires.
 */
typedef ULONG_PTR KSPIN_LOCK, *PKSPIN_LOCK;

typedef struct _KSPIN_LOCK_QUEUE {
    struct _KSPIN_LOCK_QUEUE *volatile Next;
    PKSPIN_LOCK volatile Lock;  /* low bits: LOCK_QUEUE_WAIT, LOCK_QUEUE_OWNER */
} KSPIN_LOCK_QUEUE, *PKSPIN_LOCK_QUEUE;

typedef struct _KLOCK_QUEUE_HANDLE {
    KSPIN_LOCK_QUEUE LockQueue;
    KIRQL OldIrql;
} KLOCK_QUEUE_HANDLE, *PKLOCK_QUEUE_HANDLE;

/* Any IRQL. */
VOID NTAPI KeInitializeSpinLock(_Out_ PKSPIN_LOCK SpinLock);
/* IRQL <= DISPATCH_LEVEL: raises to DISPATCH_LEVEL, returns the old IRQL. */
KIRQL NTAPI KeAcquireSpinLockRaiseToDpc(_Inout_ PKSPIN_LOCK SpinLock);
#define KeAcquireSpinLock(SpinLock, OldIrql) (*(OldIrql) = KeAcquireSpinLockRaiseToDpc(SpinLock))
/* Releases and lowers to NewIrql (the OldIrql the acquire returned). */
VOID NTAPI KeReleaseSpinLock(_Inout_ PKSPIN_LOCK SpinLock, _In_ KIRQL NewIrql);
/* IRQL >= DISPATCH_LEVEL: no IRQL change. */
VOID NTAPI KeAcquireSpinLockAtDpcLevel(_Inout_ PKSPIN_LOCK SpinLock);
VOID NTAPI KeReleaseSpinLockFromDpcLevel(_Inout_ PKSPIN_LOCK SpinLock);
/* IRQL >= DISPATCH_LEVEL: TRUE when the lock was free and is now held. */
BOOLEAN NTAPI KeTryToAcquireSpinLockAtDpcLevel(_Inout_ PKSPIN_LOCK SpinLock);
/* Any IRQL: TRUE when the lock looks free (a hint for spinning). */
BOOLEAN NTAPI KeTestSpinLock(_In_ PKSPIN_LOCK SpinLock);

/* IRQL <= DISPATCH_LEVEL; LockHandle lives on the caller's stack until the
 * release. */
VOID NTAPI KeAcquireInStackQueuedSpinLock(_Inout_ PKSPIN_LOCK SpinLock,
                                          _Out_ PKLOCK_QUEUE_HANDLE LockHandle);
VOID NTAPI KeReleaseInStackQueuedSpinLock(_In_ PKLOCK_QUEUE_HANDLE LockHandle);
/* IRQL >= DISPATCH_LEVEL. */
VOID NTAPI KeAcquireInStackQueuedSpinLockAtDpcLevel(_Inout_ PKSPIN_LOCK SpinLock,
                                                    _Out_ PKLOCK_QUEUE_HANDLE LockHandle);
VOID NTAPI KeReleaseInStackQueuedSpinLockFromDpcLevel(_In_ PKLOCK_QUEUE_HANDLE LockHandle);

/* ---------------------------------------------------------------------------
 * Interrupt objects (kernel/ke/interrupt.c; connected by IoConnectInterrupt,
 * include/ddk/io.h). A KINTERRUPT is opaque to drivers.
 */
typedef struct _KINTERRUPT *PKINTERRUPT;

typedef enum _KINTERRUPT_MODE {
    LevelSensitive,
    Latched
} KINTERRUPT_MODE;

/* The ISR: runs at the interrupt's SynchronizeIrql (its DIRQL or higher)
 * with its interrupt spin lock held; returns TRUE when its device caused the
 * interrupt. */
typedef BOOLEAN KSERVICE_ROUTINE(_In_ PKINTERRUPT Interrupt, _In_opt_ PVOID ServiceContext);
typedef KSERVICE_ROUTINE *PKSERVICE_ROUTINE;

/* What KeSynchronizeExecution runs at SynchronizeIrql, excluding the ISR. */
typedef BOOLEAN KSYNCHRONIZE_ROUTINE(_In_opt_ PVOID SynchronizeContext);
typedef KSYNCHRONIZE_ROUTINE *PKSYNCHRONIZE_ROUTINE;

/* IRQL <= SynchronizeIrql: raises to it, takes the interrupt spin lock,
 * calls SynchronizeRoutine, and returns what it returned. */
BOOLEAN NTAPI KeSynchronizeExecution(_Inout_ PKINTERRUPT Interrupt,
                                     _In_ PKSYNCHRONIZE_ROUTINE SynchronizeRoutine,
                                     _In_opt_ PVOID SynchronizeContext);
/* The same as a pair: raise and lock, then unlock and lower. */
KIRQL NTAPI KeAcquireInterruptSpinLock(_Inout_ PKINTERRUPT Interrupt);
VOID NTAPI KeReleaseInterruptSpinLock(_Inout_ PKINTERRUPT Interrupt, _In_ KIRQL OldIrql);

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
 * signaled; WaitListHead holds the wait blocks (KWAIT_BLOCK) of the threads
 * waiting on the object, in the order they began to wait. */
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

/* Threads (kernel/ke/thread.c, sched.c). A KTHREAD is opaque to drivers;
 * it begins with a DISPATCHER_HEADER, so a thread can be waited on and is
 * signaled when it terminates. Priorities: 0-15 variable, 16-31 real time. */
typedef struct _KTHREAD *PKTHREAD, *PRKTHREAD;

#define LOW_PRIORITY 0
#define LOW_REALTIME_PRIORITY 16
#define HIGH_PRIORITY 31
#define MAXIMUM_PRIORITY 32

/* Semaphores (kernel/ke/semaphore.c): SignalState is the count, 0..Limit. */
typedef struct _KSEMAPHORE {
    DISPATCHER_HEADER Header;
    LONG Limit;
} KSEMAPHORE, *PKSEMAPHORE, *PRKSEMAPHORE;

/* Mutexes (kernel/ke/mutex.c): SignalState is 1 when free and 1 - the
 * owner's recursion depth when owned. */
typedef struct _KMUTANT {
    DISPATCHER_HEADER Header;
    LIST_ENTRY MutantListEntry;     /* on the owner's list of owned mutexes */
    PKTHREAD OwnerThread;
    BOOLEAN Abandoned;              /* the owner terminated holding it */
    UCHAR ApcDisable;
} KMUTANT, *PKMUTANT, *PRKMUTANT, KMUTEX, *PKMUTEX, *PRKMUTEX;

/* A wait: one block per object waited on, queued on the object's
 * Header.WaitListHead (kernel/ke/wait.c draws the picture). */
typedef enum _WAIT_TYPE {
    WaitAll,
    WaitAny,
    WaitNotification,
    WaitDequeue
} WAIT_TYPE;

typedef struct _KWAIT_BLOCK {
    LIST_ENTRY WaitListEntry;       /* on the object's WaitListHead */
    PKTHREAD Thread;
    PVOID Object;
    USHORT WaitKey;                 /* index in the wait, or STATUS_TIMEOUT */
    UCHAR WaitType;                 /* WAIT_TYPE */
    UCHAR BlockState;
    ULONG SpareLong;
} KWAIT_BLOCK, *PKWAIT_BLOCK, *PRKWAIT_BLOCK;

/* A thread's own wait blocks serve this many objects; more need the
 * caller's array, and more than MAXIMUM_WAIT_OBJECTS stop the machine
 * (MAXIMUM_WAIT_OBJECTS_EXCEEDED). */
#define THREAD_WAIT_OBJECTS 3
#define MAXIMUM_WAIT_OBJECTS 64

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
/* PASSIVE_LEVEL. Returns when every DPC queued before the call has run. */
VOID NTAPI KeFlushQueuedDpcs(VOID);

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

/* IRQL <= DISPATCH_LEVEL. Count starts at Count, at most Limit; releasing
 * past Limit stops the machine (kernel/ke/semaphore.c says why). */
VOID NTAPI KeInitializeSemaphore(_Out_ PRKSEMAPHORE Semaphore, _In_ LONG Count, _In_ LONG Limit);
LONG NTAPI KeReadStateSemaphore(_In_ PRKSEMAPHORE Semaphore);
/* Adds Adjustment to the count; returns the previous count. */
LONG NTAPI KeReleaseSemaphore(_Inout_ PRKSEMAPHORE Semaphore, _In_ KPRIORITY Increment,
                              _In_ LONG Adjustment, _In_ BOOLEAN Wait);

/* IRQL <= DISPATCH_LEVEL. Level is accepted and ignored. A wait acquires
 * the mutex (recursively for its owner); KeReleaseMutex by a thread that
 * does not own it stops the machine (THREAD_NOT_MUTEX_OWNER). */
VOID NTAPI KeInitializeMutex(_Out_ PRKMUTEX Mutex, _In_ ULONG Level);
LONG NTAPI KeReadStateMutex(_In_ PRKMUTEX Mutex);
LONG NTAPI KeReleaseMutex(_Inout_ PRKMUTEX Mutex, _In_ BOOLEAN Wait);

/* Timeout NULL: forever (PASSIVE/APC_LEVEL only); 0: poll (any IRQL <=
 * DISPATCH_LEVEL); < 0 relative, > 0 absolute, in 100 ns. Returns
 * STATUS_SUCCESS, STATUS_ABANDONED (a mutex whose owner terminated) or
 * STATUS_TIMEOUT. Object is a KEVENT, KSEMAPHORE, KMUTEX, KTIMER or
 * thread. Alertable is accepted; Kestrel has no APCs or alerts, so
 * STATUS_ALERTED and STATUS_USER_APC never come back. */
NTSTATUS NTAPI KeWaitForSingleObject(_In_ PVOID Object, _In_ KWAIT_REASON WaitReason,
                                     _In_ KPROCESSOR_MODE WaitMode, _In_ BOOLEAN Alertable,
                                     _In_opt_ PLARGE_INTEGER Timeout);
/* The same for Count objects: WaitAny returns STATUS_WAIT_0 + the index of
 * the object that ended the wait (STATUS_ABANDONED_WAIT_0 + index for an
 * abandoned mutex), WaitAll STATUS_SUCCESS once all are signaled at once.
 * More than THREAD_WAIT_OBJECTS objects need WaitBlockArray (Count
 * entries, untouched by the caller until the wait returns). */
NTSTATUS NTAPI KeWaitForMultipleObjects(_In_ ULONG Count, _In_reads_(Count) PVOID Object[],
                                        _In_ WAIT_TYPE WaitType, _In_ KWAIT_REASON WaitReason,
                                        _In_ KPROCESSOR_MODE WaitMode, _In_ BOOLEAN Alertable,
                                        _In_opt_ PLARGE_INTEGER Timeout,
                                        _Out_opt_ PKWAIT_BLOCK WaitBlockArray);
/* IRQL <= APC_LEVEL. Sleeps at least Interval (< 0 relative, > 0
 * absolute); 0 yields to ready threads of the same priority. */
NTSTATUS NTAPI KeDelayExecutionThread(_In_ KPROCESSOR_MODE WaitMode, _In_ BOOLEAN Alertable,
                                      _In_ PLARGE_INTEGER Interval);

/* Any IRQL. */
PKTHREAD NTAPI KeGetCurrentThread(VOID);
/* IRQL <= DISPATCH_LEVEL. Priority 0-31 (LOW_PRIORITY..HIGH_PRIORITY);
 * returns the old one. The scheduler switches at once if the change lets
 * another thread run first. */
KPRIORITY NTAPI KeSetPriorityThread(_Inout_ PKTHREAD Thread, _In_ KPRIORITY Priority);
KPRIORITY NTAPI KeQueryPriorityThread(_In_ PKTHREAD Thread);

/* Time. Any IRQL. Interrupt time counts 100 ns units since boot; system
 * time counts 100 ns units since 1 January 1601 (UTC, as the RTC holds it). */
LARGE_INTEGER NTAPI KeQueryPerformanceCounter(_Out_opt_ PLARGE_INTEGER PerformanceFrequency);
VOID NTAPI KeStallExecutionProcessor(_In_ ULONG MicroSeconds);
ULONGLONG NTAPI KeQueryInterruptTime(VOID);
VOID NTAPI KeQuerySystemTime(_Out_ PLARGE_INTEGER CurrentTime);
VOID NTAPI KeQueryTickCount(_Out_ PLARGE_INTEGER TickCount);
ULONG NTAPI KeQueryTimeIncrement(VOID);

/* ---------------------------------------------------------------------------
 * Critical and guarded regions (kernel/ke/region.c). A thread counts how
 * deep it is in each: KernelApcDisable (critical regions, which hold off
 * normal kernel APCs) and SpecialApcDisable (guarded regions, which hold
 * off all APCs), both 0 outside and negative inside, as on Windows.
 * Kestrel has no APCs yet, so the counts only count: they are what
 * ERESOURCE and the unsafe fast-mutex routines check, and a thread or
 * work item that ends inside a region stops the machine
 * (APC_INDEX_MISMATCH). IRQL <= APC_LEVEL.
 */
VOID NTAPI KeEnterCriticalRegion(VOID);
VOID NTAPI KeLeaveCriticalRegion(VOID);
VOID NTAPI KeEnterGuardedRegion(VOID);
VOID NTAPI KeLeaveGuardedRegion(VOID);
/* Any IRQL. TRUE inside a critical or guarded region. */
BOOLEAN NTAPI KeAreApcsDisabled(VOID);
/* Any IRQL. TRUE inside a guarded region or at APC_LEVEL or above. */
BOOLEAN NTAPI KeAreAllApcsDisabled(VOID);

#endif /* _KESTREL_DDK_KE_H */
