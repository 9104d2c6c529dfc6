/*
 * tests/kernel/iotimer.c - IoTimer (io/iotimer.c): a device's timer
 * routine runs about once a second at DISPATCH_LEVEL with its device and
 * context, only while started.
 *
 * Timing under emulation: over 2.5 s the routine must run 2 or 3 times
 * (the first tick comes anywhere within the first second); nothing finer
 * is asserted.
 */
#include "tests/kernel/ktest.h"
#include "io/iop.h"

typedef struct _KTT_RECORD {
    volatile ULONG Calls;
    volatile KIRQL Irql;
    PDEVICE_OBJECT volatile Device;
    PVOID volatile Context;
    volatile BOOLEAN StopItself;        /* the routine stops its own timer */
} KTT_RECORD;

static PDEVICE_OBJECT KttDevice;
static KTT_RECORD KttRecord;

static DRIVER_INITIALIZE KttDriverEntry;
static DRIVER_UNLOAD KttUnload;
static IO_TIMER_ROUTINE KttTimerRoutine;

/* DISPATCH_LEVEL, from the I/O manager's one-second tick. */
static VOID
KttTimerRoutine(PDEVICE_OBJECT DeviceObject, PVOID Context)
{
    KTT_RECORD *Record = Context;

    Record->Irql = KeGetCurrentIrql();
    Record->Device = DeviceObject;
    Record->Context = Context;
    Record->Calls++;
    if (Record->StopItself) {
        IoStopTimer(DeviceObject);
    }
}

/* PASSIVE_LEVEL. */
static NTSTATUS
KttDriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverUnload = KttUnload;
    return IoCreateDevice(DriverObject, 0, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &KttDevice);
}

/* PASSIVE_LEVEL. */
static VOID
KttUnload(PDRIVER_OBJECT DriverObject)
{
    while (DriverObject->DeviceObject != NULL) {
        IoDeleteDevice(DriverObject->DeviceObject);
    }
}

static VOID
KttSleepMs(ULONG Milliseconds)
{
    LARGE_INTEGER Interval;

    Interval.QuadPart = -(LONGLONG)Milliseconds * 10000;
    KeDelayExecutionThread(KernelMode, FALSE, &Interval);
}

KTEST(IoTimerRunsOnceASecondAtDispatchWhileStarted)
{
    PDRIVER_OBJECT Driver;
    ULONG Calls;

    KT_ASSERT_STATUS(IopLoadDriver(L"KtIoTimer", KttDriverEntry, &Driver), STATUS_SUCCESS);
    RtlZeroMemory(&KttRecord, sizeof(KttRecord));

    KT_ASSERT_STATUS(IoInitializeTimer(KttDevice, KttTimerRoutine, &KttRecord), STATUS_SUCCESS);
    KT_ASSERT(KttDevice->Timer != NULL);
    /* Initialized, not started: no call. */
    KttSleepMs(1300);
    KT_ASSERT_EQ(KttRecord.Calls, 0);

    IoStartTimer(KttDevice);
    KttSleepMs(2500);
    Calls = KttRecord.Calls;
    IoStopTimer(KttDevice);
    KT_ASSERT(Calls >= 2 && Calls <= 3);
    KT_ASSERT_EQ(KttRecord.Irql, DISPATCH_LEVEL);
    KT_ASSERT_EQ(KttRecord.Device, KttDevice);
    KT_ASSERT_EQ(KttRecord.Context, &KttRecord);

    /* Stopped: no more calls. */
    Calls = KttRecord.Calls;
    KttSleepMs(1300);
    KT_ASSERT_EQ(KttRecord.Calls, Calls);

    /* A routine may stop its own timer: exactly one more call. */
    KttRecord.StopItself = TRUE;
    IoStartTimer(KttDevice);
    KttSleepMs(2300);
    KT_ASSERT_EQ(KttRecord.Calls, Calls + 1);

    KT_ASSERT_STATUS(IopUnloadDriver(Driver), STATUS_SUCCESS);
}

KTEST(IoTimerGoesWithItsDevice)
{
    PDRIVER_OBJECT Driver;
    ULONG Calls;

    KT_ASSERT_STATUS(IopLoadDriver(L"KtIoTimerDelete", KttDriverEntry, &Driver), STATUS_SUCCESS);
    RtlZeroMemory(&KttRecord, sizeof(KttRecord));
    KT_ASSERT_STATUS(IoInitializeTimer(KttDevice, KttTimerRoutine, &KttRecord), STATUS_SUCCESS);
    IoStartTimer(KttDevice);
    KttSleepMs(1300);
    KT_ASSERT(KttRecord.Calls >= 1);

    /* Unloading deletes the device with its timer still started: the
     * routine must never run again (it would get a freed device). */
    KT_ASSERT_STATUS(IopUnloadDriver(Driver), STATUS_SUCCESS);
    Calls = KttRecord.Calls;
    KttSleepMs(1300);
    KT_ASSERT_EQ(KttRecord.Calls, Calls);
}

KTEST(IoTimerRejectsMissingArguments)
{
    KT_ASSERT_STATUS(IoInitializeTimer(NULL, KttTimerRoutine, NULL), STATUS_INVALID_PARAMETER);
}
