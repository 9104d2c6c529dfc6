/*
 * tests/kernel/workitem.c - the system worker threads (kernel/ex/worker.c)
 * and I/O work items (io/workitem.c): routines run at PASSIVE_LEVEL in a
 * worker thread of the right queue, in FIFO order per queue; an I/O work
 * item holds a reference on its device object while it is queued and
 * running; and the planted misuse that must stop the machine.
 */
#include "tests/kernel/ktthread.h"
#include "kernel/ex/exp.h"
#include "kernel/ob/obp.h"
#include "io/iop.h"

#define KTW_ITEMS 8

typedef struct _KTW_RUN {
    WORK_QUEUE_ITEM Items[KTW_ITEMS];
    ULONG Order[KTW_ITEMS];         /* item index, in the order they ran */
    volatile LONG Ran;
    KIRQL Irql[KTW_ITEMS];
    PKTHREAD Thread[KTW_ITEMS];
    KPRIORITY Priority[KTW_ITEMS];
    KEVENT Done;
} KTW_RUN;

typedef struct _KTW_ITEM_CONTEXT {
    KTW_RUN *Run;
    ULONG Index;
} KTW_ITEM_CONTEXT;

static WORKER_THREAD_ROUTINE KtwRecord;

static VOID
KtwRecord(PVOID Parameter)
{
    KTW_ITEM_CONTEXT *Context = Parameter;
    KTW_RUN *Run = Context->Run;
    LONG Slot = __atomic_fetch_add(&Run->Ran, 1, __ATOMIC_SEQ_CST);

    Run->Order[Slot] = Context->Index;
    Run->Irql[Slot] = KeGetCurrentIrql();
    Run->Thread[Slot] = KeGetCurrentThread();
    Run->Priority[Slot] = KeQueryPriorityThread(KeGetCurrentThread());
    if (Slot == KTW_ITEMS - 1) {
        KeSetEvent(&Run->Done, 0, FALSE);
    }
}

/* Queues KTW_ITEMS items at DISPATCH_LEVEL, so none starts before all are
 * queued, and checks where and in which order they ran. */
static VOID
KtwRunQueue(PKTEST_CONTEXT KtContext, WORK_QUEUE_TYPE QueueType, WORK_QUEUE_TYPE Served,
            KPRIORITY Priority)
{
    static KTW_RUN Run;
    static KTW_ITEM_CONTEXT Contexts[KTW_ITEMS];
    LARGE_INTEGER Timeout = {.QuadPart = -5 * 10000000LL};
    WORK_QUEUE_TYPE Type;
    KIRQL OldIrql;
    ULONG Index;

    RtlZeroMemory(&Run, sizeof(Run));
    KeInitializeEvent(&Run.Done, NotificationEvent, FALSE);
    KeRaiseIrql(DISPATCH_LEVEL, &OldIrql);
    for (Index = 0; Index < KTW_ITEMS; Index++) {
        Contexts[Index].Run = &Run;
        Contexts[Index].Index = Index;
        ExInitializeWorkItem(&Run.Items[Index], KtwRecord, &Contexts[Index]);
        ExQueueWorkItem(&Run.Items[Index], QueueType);
    }
    KT_ASSERT_EQ(Run.Ran, 0);
    KeLowerIrql(OldIrql);
    KT_ASSERT_STATUS(KeWaitForSingleObject(&Run.Done, Executive, KernelMode, FALSE, &Timeout),
                     STATUS_SUCCESS);
    for (Index = 0; Index < KTW_ITEMS; Index++) {
        KT_ASSERT_EQ(Run.Order[Index], Index);
        KT_ASSERT_EQ(Run.Irql[Index], PASSIVE_LEVEL);
        KT_ASSERT(Run.Thread[Index] != KeGetCurrentThread());
        KT_ASSERT(ExpIsWorkerThread(Run.Thread[Index], &Type));
        KT_ASSERT_EQ(Type, Served);
        KT_ASSERT_EQ(Run.Priority[Index], Priority);
        /* Not queued any more: may be queued again. */
        KT_ASSERT(Run.Items[Index].List.Flink == NULL);
    }
}

KTEST(WorkItemsRunAtPassiveInWorkerThreadsInOrder)
{
    KtwRunQueue(KtContext, DelayedWorkQueue, DelayedWorkQueue, 12);
    if (KtContext->Failed) {
        return;
    }
    KtwRunQueue(KtContext, CriticalWorkQueue, CriticalWorkQueue, 13);
    if (KtContext->Failed) {
        return;
    }
    KtwRunQueue(KtContext, HyperCriticalWorkQueue, CriticalWorkQueue, 13);
}

/* ---------------------------------------------------------------------------
 * I/O work items and the device object's reference.
 */
static DRIVER_INITIALIZE KtwDriverEntry;
static DRIVER_UNLOAD KtwUnload;

static VOID
KtwUnload(PDRIVER_OBJECT DriverObject)
{
    while (DriverObject->DeviceObject != NULL) {
        IoDeleteDevice(DriverObject->DeviceObject);
    }
}

static NTSTATUS
KtwDriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverUnload = KtwUnload;
    return STATUS_SUCCESS;
}

typedef struct _KTW_IO_RUN {
    PDEVICE_OBJECT Device;
    PVOID SeenObject;
    PVOID SeenContext;
    PIO_WORKITEM SeenItem;
    LONG_PTR ReferencesInside;
    KIRQL Irql;
    PKTHREAD Thread;
    BOOLEAN FreeItself;
    KEVENT Done;
} KTW_IO_RUN;

static IO_WORKITEM_ROUTINE KtwIoRoutine;
static IO_WORKITEM_ROUTINE_EX KtwIoRoutineEx;

static VOID
KtwIoRoutine(PDEVICE_OBJECT DeviceObject, PVOID Context)
{
    KTW_IO_RUN *Run = Context;

    Run->SeenObject = DeviceObject;
    Run->SeenContext = Context;
    Run->ReferencesInside = OBJECT_TO_OBJECT_HEADER(DeviceObject)->PointerCount;
    Run->Irql = KeGetCurrentIrql();
    Run->Thread = KeGetCurrentThread();
    KeSetEvent(&Run->Done, 0, FALSE);
}

static VOID
KtwIoRoutineEx(PVOID IoObject, PVOID Context, PIO_WORKITEM IoWorkItem)
{
    KTW_IO_RUN *Run = Context;

    Run->SeenObject = IoObject;
    Run->SeenItem = IoWorkItem;
    Run->Irql = KeGetCurrentIrql();
    if (Run->FreeItself) {
        IoFreeWorkItem(IoWorkItem);     /* allowed from the item's own routine */
    }
    KeSetEvent(&Run->Done, 0, FALSE);
}

/* The device's reference count once the worker has dropped its reference
 * (it does so right after the routine returns), waiting at most 1 s. */
static LONG_PTR
KtwSettledReferences(PDEVICE_OBJECT Device, LONG_PTR Expected)
{
    ULONG Tries;

    for (Tries = 0; Tries < 1000; Tries++) {
        if (OBJECT_TO_OBJECT_HEADER(Device)->PointerCount == Expected) {
            break;
        }
        KtxSleepMs(1);
    }
    return OBJECT_TO_OBJECT_HEADER(Device)->PointerCount;
}

KTEST(IoWorkItemHoldsTheDeviceWhileQueued)
{
    static KTW_IO_RUN Run;
    LARGE_INTEGER Timeout = {.QuadPart = -5 * 10000000LL};
    PDRIVER_OBJECT Driver;
    PIO_WORKITEM Item;
    LONG_PTR Before;
    KIRQL OldIrql;

    KT_ASSERT_STATUS(IopLoadDriver(L"KtWorkItem", KtwDriverEntry, &Driver), STATUS_SUCCESS);
    KT_ASSERT_STATUS(IoCreateDevice(Driver, 0, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &Run.Device),
                     STATUS_SUCCESS);
    Item = IoAllocateWorkItem(Run.Device);
    KT_ASSERT(Item != NULL);
    Before = OBJECT_TO_OBJECT_HEADER(Run.Device)->PointerCount;

    /* Queued at DISPATCH_LEVEL: it cannot start, and holds one reference. */
    KeInitializeEvent(&Run.Done, NotificationEvent, FALSE);
    KeRaiseIrql(DISPATCH_LEVEL, &OldIrql);
    IoQueueWorkItem(Item, KtwIoRoutine, DelayedWorkQueue, &Run);
    KT_ASSERT_EQ(OBJECT_TO_OBJECT_HEADER(Run.Device)->PointerCount, Before + 1);
    KT_ASSERT(Run.SeenObject == NULL);
    KeLowerIrql(OldIrql);
    KT_ASSERT_STATUS(KeWaitForSingleObject(&Run.Done, Executive, KernelMode, FALSE, &Timeout),
                     STATUS_SUCCESS);
    KT_ASSERT(Run.SeenObject == Run.Device);
    KT_ASSERT(Run.SeenContext == &Run);
    KT_ASSERT_EQ(Run.ReferencesInside, Before + 1);     /* still held while it runs */
    KT_ASSERT_EQ(Run.Irql, PASSIVE_LEVEL);
    KT_ASSERT(Run.Thread != KeGetCurrentThread());
    KT_ASSERT(ExpIsWorkerThread(Run.Thread, NULL));
    KT_ASSERT_EQ(KtwSettledReferences(Run.Device, Before), Before);   /* and dropped after */
    IoFreeWorkItem(Item);

    /* IoQueueWorkItemEx, and a routine that frees its own item. */
    Item = IoAllocateWorkItem(Run.Device);
    KT_ASSERT(Item != NULL);
    KeInitializeEvent(&Run.Done, NotificationEvent, FALSE);
    Run.SeenObject = NULL;
    Run.FreeItself = TRUE;
    IoQueueWorkItemEx(Item, KtwIoRoutineEx, CriticalWorkQueue, &Run);
    KT_ASSERT_STATUS(KeWaitForSingleObject(&Run.Done, Executive, KernelMode, FALSE, &Timeout),
                     STATUS_SUCCESS);
    KT_ASSERT(Run.SeenObject == Run.Device);
    KT_ASSERT(Run.SeenItem == Item);
    KT_ASSERT_EQ(Run.Irql, PASSIVE_LEVEL);
    KT_ASSERT_EQ(KtwSettledReferences(Run.Device, Before), Before);

    IoDeleteDevice(Run.Device);
    KT_ASSERT_STATUS(IopUnloadDriver(Driver), STATUS_SUCCESS);
}

KTEST(IoWorkItemInCallerStorageForADriverObject)
{
    static KTW_IO_RUN Run;
    LARGE_INTEGER Timeout = {.QuadPart = -5 * 10000000LL};
    PDRIVER_OBJECT Driver;
    PIO_WORKITEM Item;

    KT_ASSERT(IoSizeofWorkItem() >= sizeof(WORK_QUEUE_ITEM));
    Item = ExAllocatePoolZero(NonPagedPoolNx, IoSizeofWorkItem(), 'tWtK');
    KT_ASSERT(Item != NULL);
    KT_ASSERT_STATUS(IopLoadDriver(L"KtWorkItem2", KtwDriverEntry, &Driver), STATUS_SUCCESS);
    IoInitializeWorkItem(Driver, Item);
    KeInitializeEvent(&Run.Done, NotificationEvent, FALSE);
    Run.FreeItself = FALSE;
    IoQueueWorkItemEx(Item, KtwIoRoutineEx, DelayedWorkQueue, &Run);
    KT_ASSERT_STATUS(KeWaitForSingleObject(&Run.Done, Executive, KernelMode, FALSE, &Timeout),
                     STATUS_SUCCESS);
    KT_ASSERT(Run.SeenObject == Driver);
    KT_ASSERT_EQ(Run.Irql, PASSIVE_LEVEL);
    KtxSleepMs(5);      /* the worker drops the driver's reference after the routine */
    IoUninitializeWorkItem(Item);
    ExFreePoolWithTag(Item, 'tWtK');
    KT_ASSERT_STATUS(IopUnloadDriver(Driver), STATUS_SUCCESS);
}

/* ---------------------------------------------------------------------------
 * Planted misuse.
 */
static WORKER_THREAD_ROUTINE KtwReturnAtDispatch, KtwReturnInCriticalRegion;

static VOID
KtwReturnAtDispatch(PVOID Parameter)
{
    KIRQL OldIrql;

    UNREFERENCED_PARAMETER(Parameter);
    KeRaiseIrql(DISPATCH_LEVEL, &OldIrql);  /* and "forgets" to lower it */
}

static VOID
KtwReturnInCriticalRegion(PVOID Parameter)
{
    UNREFERENCED_PARAMETER(Parameter);
    KeEnterCriticalRegion();
}

KTEST_BUGCHECK(WorkRoutineReturningAtDispatchLevelBugChecks, WORKER_THREAD_RETURNED_AT_BAD_IRQL)
{
    static WORK_QUEUE_ITEM Item;

    ExInitializeWorkItem(&Item, KtwReturnAtDispatch, NULL);
    ExQueueWorkItem(&Item, DelayedWorkQueue);
    KtxSleepMs(1000);
}

KTEST_BUGCHECK(WorkRoutineReturningInCriticalRegionBugChecks, APC_INDEX_MISMATCH)
{
    static WORK_QUEUE_ITEM Item;

    ExInitializeWorkItem(&Item, KtwReturnInCriticalRegion, NULL);
    ExQueueWorkItem(&Item, CriticalWorkQueue);
    KtxSleepMs(1000);
}

KTEST_BUGCHECK(WorkItemQueuedTwiceBugChecks, WORKER_INVALID)
{
    static WORK_QUEUE_ITEM Item;
    KIRQL OldIrql;

    ExInitializeWorkItem(&Item, KtwReturnInCriticalRegion, NULL);
    KeRaiseIrql(DISPATCH_LEVEL, &OldIrql);
    ExQueueWorkItem(&Item, DelayedWorkQueue);
    ExQueueWorkItem(&Item, DelayedWorkQueue);   /* still queued: 0xE4, P1 1 */
}
