/*
 * io/iotimer.c - IoTimer: a device's routine called once a second at
 * DISPATCH_LEVEL (IoInitializeTimer, IoStartTimer, IoStopTimer).
 *
 * All devices share one periodic KTIMER with a one-second period and one
 * DPC, IopTimerDpcRoutine, which walks the list of IO_TIMERs and calls the
 * routine of each one that is started. The KTIMER is armed when the first
 * IO_TIMER is made and stays armed, as Windows' I/O timer runs whether or
 * not any device timer is started; a tick with nothing started costs one
 * short DPC a second. The first call after IoStartTimer therefore comes
 * within a second, at the next tick of the shared timer, not exactly a
 * second later; the WDK promises only "about once per second".
 *
 * IoStartTimer and IoStopTimer only flip the IO_TIMER's TimerFlag, so an
 * IoTimer routine may call either for its own or another device; the list
 * lock is taken only to link an IO_TIMER in (IoInitializeTimer) or out
 * (IoDeleteDevice, through IopDeleteDeviceTimer). The DPC holds the lock
 * while it calls routines, so a device's IO_TIMER is never freed under a
 * running routine.
 */
#include "io/iop.h"

#define IOP_TIMER_TAG 'mTOI'
#define IOP_TIMER_PERIOD_MS 1000

/* Windows' layout of the (opaque to drivers) IO_TIMER. */
typedef struct _IO_TIMER {
    CSHORT Type;                    /* IO_TYPE_TIMER */
    volatile CSHORT TimerFlag;      /* nonzero: started */
    LIST_ENTRY TimerList;           /* on IopTimerQueueHead */
    PIO_TIMER_ROUTINE TimerRoutine;
    PVOID Context;
    PDEVICE_OBJECT DeviceObject;
} IO_TIMER;

static KSPIN_LOCK IopTimerLock;
static LIST_ENTRY IopTimerQueueHead;
static KTIMER IopTimer;
static KDPC IopTimerDpc;

/* 0: nothing set up; 1: being set up; 2: the list and the KTIMER run. */
static volatile LONG IopTimerState;

static KDEFERRED_ROUTINE IopTimerDpcRoutine;

/* DISPATCH_LEVEL, once a second. */
static VOID
IopTimerDpcRoutine(PKDPC Dpc, PVOID DeferredContext, PVOID SystemArgument1,
                   PVOID SystemArgument2)
{
    PLIST_ENTRY Link;

    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(DeferredContext);
    UNREFERENCED_PARAMETER(SystemArgument1);
    UNREFERENCED_PARAMETER(SystemArgument2);

    KeAcquireSpinLockAtDpcLevel(&IopTimerLock);
    for (Link = IopTimerQueueHead.Flink; Link != &IopTimerQueueHead; Link = Link->Flink) {
        PIO_TIMER Timer = CONTAINING_RECORD(Link, IO_TIMER, TimerList);

        if (Timer->TimerFlag != 0) {
            Timer->TimerRoutine(Timer->DeviceObject, Timer->Context);
        }
    }
    KeReleaseSpinLockFromDpcLevel(&IopTimerLock);
}

/* PASSIVE_LEVEL. Sets up the list and starts the shared KTIMER, once; a
 * second caller arriving meanwhile waits for the first to finish. */
static VOID
IopEnsureTimerRunning(VOID)
{
    LARGE_INTEGER DueTime;

    if (IopTimerState == 2) {
        return;
    }
    if (InterlockedCompareExchange(&IopTimerState, 1, 0) != 0) {
        while (IopTimerState != 2) {
            __builtin_ia32_pause();
        }
        return;
    }
    KeInitializeSpinLock(&IopTimerLock);
    InitializeListHead(&IopTimerQueueHead);
    KeInitializeDpc(&IopTimerDpc, IopTimerDpcRoutine, NULL);
    KeInitializeTimerEx(&IopTimer, NotificationTimer);
    DueTime.QuadPart = -(LONGLONG)IOP_TIMER_PERIOD_MS * 10000;     /* 100 ns units */
    KeSetTimerEx(&IopTimer, DueTime, IOP_TIMER_PERIOD_MS, &IopTimerDpc);
    InterlockedExchange(&IopTimerState, 2);
}

/* PASSIVE_LEVEL. Gives the device its IO_TIMER (DeviceObject->Timer),
 * stopped; calling it again for the same device replaces the routine and
 * context and leaves the timer stopped. STATUS_INVALID_PARAMETER without a
 * device or routine, STATUS_INSUFFICIENT_RESOURCES without memory. */
NTSTATUS NTAPI
IoInitializeTimer(PDEVICE_OBJECT DeviceObject, PIO_TIMER_ROUTINE TimerRoutine, PVOID Context)
{
    PIO_TIMER Timer;
    KIRQL OldIrql;

    if (DeviceObject == NULL || TimerRoutine == NULL) {
        DbgPrint("IoInitializeTimer: a device object and a timer routine are required (device "
                 "%p, routine %p), called from %pS\n", DeviceObject, TimerRoutine,
                 __builtin_return_address(0));
        return STATUS_INVALID_PARAMETER;
    }
    IopEnsureTimerRunning();

    Timer = DeviceObject->Timer;
    if (Timer != NULL) {
        /* Stop it first, so the DPC never sees a new routine with the old
         * context; the lock then waits out a call in progress. */
        Timer->TimerFlag = 0;
        KeAcquireSpinLock(&IopTimerLock, &OldIrql);
        Timer->TimerRoutine = TimerRoutine;
        Timer->Context = Context;
        KeReleaseSpinLock(&IopTimerLock, OldIrql);
        return STATUS_SUCCESS;
    }

    Timer = ExAllocatePoolZero(NonPagedPool, sizeof(IO_TIMER), IOP_TIMER_TAG);
    if (Timer == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    Timer->Type = IO_TYPE_TIMER;
    Timer->TimerFlag = 0;
    Timer->TimerRoutine = TimerRoutine;
    Timer->Context = Context;
    Timer->DeviceObject = DeviceObject;
    KeAcquireSpinLock(&IopTimerLock, &OldIrql);
    InsertTailList(&IopTimerQueueHead, &Timer->TimerList);
    KeReleaseSpinLock(&IopTimerLock, OldIrql);
    DeviceObject->Timer = Timer;
    return STATUS_SUCCESS;
}

/* A device without an IO_TIMER cannot be started or stopped; say so. */
static PIO_TIMER
IopDeviceTimer(PDEVICE_OBJECT DeviceObject, PCSTR Caller, PVOID CalledFrom)
{
    if (DeviceObject == NULL || DeviceObject->Timer == NULL) {
        DbgPrint("%s: device %p has no timer (IoInitializeTimer first), called from %pS\n",
                 Caller, DeviceObject, CalledFrom);
        return NULL;
    }
    return DeviceObject->Timer;
}

/* IRQL <= DISPATCH_LEVEL, including from the device's own IoTimer routine.
 * The routine is called at each one-second tick from now on. */
VOID NTAPI
IoStartTimer(PDEVICE_OBJECT DeviceObject)
{
    PIO_TIMER Timer = IopDeviceTimer(DeviceObject, "IoStartTimer", __builtin_return_address(0));

    if (Timer != NULL) {
        __atomic_store_n(&Timer->TimerFlag, 1, __ATOMIC_SEQ_CST);
    }
}

/* IRQL <= DISPATCH_LEVEL, including from the device's own IoTimer routine.
 * No tick calls the routine after this returns (on another processor a
 * call already under way may still be finishing). */
VOID NTAPI
IoStopTimer(PDEVICE_OBJECT DeviceObject)
{
    PIO_TIMER Timer = IopDeviceTimer(DeviceObject, "IoStopTimer", __builtin_return_address(0));

    if (Timer != NULL) {
        __atomic_store_n(&Timer->TimerFlag, 0, __ATOMIC_SEQ_CST);
    }
}

/* PASSIVE_LEVEL, from IoDeleteDevice: unlinks and frees the device's
 * IO_TIMER, if it has one. Taking the lock waits out a routine running on
 * another processor. */
VOID
IopDeleteDeviceTimer(PDEVICE_OBJECT DeviceObject)
{
    PIO_TIMER Timer = DeviceObject->Timer;
    KIRQL OldIrql;

    if (Timer == NULL) {
        return;
    }
    KeAcquireSpinLock(&IopTimerLock, &OldIrql);
    Timer->TimerFlag = 0;
    RemoveEntryList(&Timer->TimerList);
    KeReleaseSpinLock(&IopTimerLock, OldIrql);
    DeviceObject->Timer = NULL;
    ExFreePoolWithTag(Timer, IOP_TIMER_TAG);
}
