/*
 * io/workitem.c - I/O work items: IoAllocateWorkItem, IoFreeWorkItem,
 * IoQueueWorkItem(Ex), IoSizeofWorkItem, IoInitializeWorkItem,
 * IoUninitializeWorkItem.
 *
 * An IO_WORKITEM is an executive WORK_QUEUE_ITEM (kernel/ex/worker.c) tied
 * to a device or driver object. What it adds is the reference: queuing
 * takes one on the object and the worker drops it only after the driver's
 * routine returns, so a driver that deletes its device (or is unloaded)
 * while a work item is pending cannot pull the object - and the code the
 * routine lives in - out from under it:
 *
 *   IoQueueWorkItem   ObReferenceObject(IoObject), ExQueueWorkItem
 *   worker thread     IopWorkItemRoutine: Routine(IoObject, Context)
 *                     at PASSIVE_LEVEL, then ObDereferenceObject(IoObject)
 *
 * The routine may free its own item (IoFreeWorkItem) or queue it again;
 * the item is no longer "queued" once the routine has been called.
 *
 * Misuse, with WORKER_INVALID (0xE4) and its documented parameter 1:
 *   1  an item queued again while still queued (P2 item, P3 queue type)
 *   2  a queued item freed or uninitialized (P2 item, P3 its routine)
 *   3  an item for something that is neither a device nor a driver
 *      object (P2 item or 0, P3 the object), or not initialized at all
 *   7  queued without a routine (P2 item, P3 queue type)
 */
#include "io/iop.h"
#include "kernel/ex/exp.h"

#define IOP_WORKITEM_TAG 'iwOI'
#define IOP_WORKITEM_SIGNATURE 0x6B726F57   /* "Work" */

#define IOP_WORKER_INVALID_ACTIVE_ITEM_QUEUED 1
#define IOP_WORKER_INVALID_QUEUED_ITEM_FREED 2
#define IOP_WORKER_INVALID_OBJECT 3
#define IOP_WORKER_INVALID_ROUTINE 7

struct _IO_WORKITEM {
    WORK_QUEUE_ITEM WorkItem;           /* what the worker thread runs */
    PVOID IoObject;                     /* device or driver object */
    PIO_WORKITEM_ROUTINE Routine;       /* IoQueueWorkItem's */
    PIO_WORKITEM_ROUTINE_EX RoutineEx;  /* or IoQueueWorkItemEx's */
    PVOID Context;
    ULONG Signature;                    /* IOP_WORKITEM_SIGNATURE while initialized */
    BOOLEAN Allocated;                  /* by IoAllocateWorkItem: IoFreeWorkItem frees it */
    volatile BOOLEAN Queued;            /* from IoQueueWorkItem until the routine starts */
};

static WORKER_THREAD_ROUTINE IopWorkItemRoutine;

/* A device or driver object: both begin with a CSHORT Type. */
static VOID
IopCheckIoObject(PVOID IoObject, PIO_WORKITEM IoWorkItem, PCSTR Routine, PVOID Caller)
{
    CSHORT Type = IoObject != NULL ? *(CSHORT *)IoObject : 0;

    if (Type != IO_TYPE_DEVICE && Type != IO_TYPE_DRIVER) {
        DbgPrint("%s: %p (from %pS) is neither a device object nor a driver object\n",
                 Routine, IoObject, Caller);
        KeBugCheckEx(WORKER_INVALID, IOP_WORKER_INVALID_OBJECT, (ULONG_PTR)IoWorkItem,
                     (ULONG_PTR)IoObject, 0);
    }
}

static VOID
IopCheckNotQueued(PIO_WORKITEM IoWorkItem, PCSTR Routine, PVOID Caller)
{
    if (IoWorkItem->Queued) {
        DbgPrint("%s: work item %p from %pS is still queued (routine %pS); wait until it "
                 "has run\n", Routine, IoWorkItem, Caller,
                 IoWorkItem->Routine != NULL ? (PVOID)IoWorkItem->Routine
                                             : (PVOID)IoWorkItem->RoutineEx);
        KeBugCheckEx(WORKER_INVALID, IOP_WORKER_INVALID_QUEUED_ITEM_FREED,
                     (ULONG_PTR)IoWorkItem,
                     IoWorkItem->Routine != NULL ? (ULONG_PTR)IoWorkItem->Routine
                                                 : (ULONG_PTR)IoWorkItem->RoutineEx, 0);
    }
}

/* Any IRQL <= DISPATCH_LEVEL. */
VOID NTAPI
IoInitializeWorkItem(PVOID IoObject, PIO_WORKITEM IoWorkItem)
{
    IopCheckIoObject(IoObject, IoWorkItem, "IoInitializeWorkItem", __builtin_return_address(0));
    RtlZeroMemory(IoWorkItem, sizeof(*IoWorkItem));
    IoWorkItem->IoObject = IoObject;
    IoWorkItem->Signature = IOP_WORKITEM_SIGNATURE;
}

/* Any IRQL <= DISPATCH_LEVEL. */
ULONG NTAPI
IoSizeofWorkItem(VOID)
{
    return sizeof(IO_WORKITEM);
}

/* IRQL <= DISPATCH_LEVEL. */
VOID NTAPI
IoUninitializeWorkItem(PIO_WORKITEM IoWorkItem)
{
    IopCheckNotQueued(IoWorkItem, "IoUninitializeWorkItem", __builtin_return_address(0));
    IoWorkItem->Signature = 0;
}

/* IRQL <= DISPATCH_LEVEL. NULL when memory runs out. */
PIO_WORKITEM NTAPI
IoAllocateWorkItem(PDEVICE_OBJECT DeviceObject)
{
    PIO_WORKITEM IoWorkItem;

    IopCheckIoObject(DeviceObject, NULL, "IoAllocateWorkItem", __builtin_return_address(0));
    IoWorkItem = ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(IO_WORKITEM), IOP_WORKITEM_TAG);
    if (IoWorkItem == NULL) {
        return NULL;
    }
    IoInitializeWorkItem(DeviceObject, IoWorkItem);
    IoWorkItem->Allocated = TRUE;
    return IoWorkItem;
}

/* IRQL <= DISPATCH_LEVEL; also from the item's own routine. */
VOID NTAPI
IoFreeWorkItem(PIO_WORKITEM IoWorkItem)
{
    if (IoWorkItem->Signature != IOP_WORKITEM_SIGNATURE || !IoWorkItem->Allocated) {
        DbgPrint("IoFreeWorkItem: %p from %pS is not a work item from IoAllocateWorkItem "
                 "(freed twice, or initialized with IoInitializeWorkItem?)\n", IoWorkItem,
                 __builtin_return_address(0));
        KeBugCheckEx(BAD_POOL_CALLER, 0x0A, (ULONG_PTR)IoWorkItem, IOP_WORKITEM_TAG, 0);
    }
    IopCheckNotQueued(IoWorkItem, "IoFreeWorkItem", __builtin_return_address(0));
    IoWorkItem->Signature = 0;
    ExFreePoolWithTag(IoWorkItem, IOP_WORKITEM_TAG);
}

/* The executive worker's routine, PASSIVE_LEVEL in a worker thread. */
static VOID
IopWorkItemRoutine(PVOID Parameter)
{
    PIO_WORKITEM IoWorkItem = Parameter;
    PVOID IoObject = IoWorkItem->IoObject;
    PIO_WORKITEM_ROUTINE Routine = IoWorkItem->Routine;
    PIO_WORKITEM_ROUTINE_EX RoutineEx = IoWorkItem->RoutineEx;
    PVOID Context = IoWorkItem->Context;

    IoWorkItem->Queued = FALSE;
    if (Routine != NULL) {
        Routine(IoObject, Context);
    } else {
        RoutineEx(IoObject, Context, IoWorkItem);
    }
    /* Checked here so that the report names the driver's routine; the item
     * itself may be gone by now. */
    ExpCheckWorkerReturn(Routine != NULL ? (PVOID)Routine : (PVOID)RoutineEx, Context,
                         IoWorkItem);
    ObDereferenceObject(IoObject);
}

/* IRQL <= DISPATCH_LEVEL. */
static VOID
IopQueueWorkItem(PIO_WORKITEM IoWorkItem, PIO_WORKITEM_ROUTINE Routine,
                 PIO_WORKITEM_ROUTINE_EX RoutineEx, WORK_QUEUE_TYPE QueueType, PVOID Context,
                 PVOID Caller)
{
    if (IoWorkItem == NULL || IoWorkItem->Signature != IOP_WORKITEM_SIGNATURE) {
        DbgPrint("IoQueueWorkItem: %p from %pS is not an initialized work item\n", IoWorkItem,
                 Caller);
        KeBugCheckEx(WORKER_INVALID, IOP_WORKER_INVALID_OBJECT, (ULONG_PTR)IoWorkItem, 0, 0);
    }
    if (Routine == NULL && RoutineEx == NULL) {
        DbgPrint("IoQueueWorkItem: work item %p from %pS has no WorkerRoutine\n", IoWorkItem,
                 Caller);
        KeBugCheckEx(WORKER_INVALID, IOP_WORKER_INVALID_ROUTINE, (ULONG_PTR)IoWorkItem,
                     (ULONG_PTR)QueueType, 0);
    }
    if (IoWorkItem->Queued) {
        DbgPrint("IoQueueWorkItem: work item %p from %pS is already queued\n", IoWorkItem,
                 Caller);
        KeBugCheckEx(WORKER_INVALID, IOP_WORKER_INVALID_ACTIVE_ITEM_QUEUED,
                     (ULONG_PTR)IoWorkItem, (ULONG_PTR)QueueType, 0);
    }
    ObReferenceObject(IoWorkItem->IoObject);    /* dropped by IopWorkItemRoutine */
    IoWorkItem->Routine = Routine;
    IoWorkItem->RoutineEx = RoutineEx;
    IoWorkItem->Context = Context;
    IoWorkItem->Queued = TRUE;
    ExInitializeWorkItem(&IoWorkItem->WorkItem, IopWorkItemRoutine, IoWorkItem);
    ExQueueWorkItem(&IoWorkItem->WorkItem, QueueType);
}

/* IRQL <= DISPATCH_LEVEL. */
VOID NTAPI
IoQueueWorkItem(PIO_WORKITEM IoWorkItem, PIO_WORKITEM_ROUTINE WorkerRoutine,
                WORK_QUEUE_TYPE QueueType, PVOID Context)
{
    IopQueueWorkItem(IoWorkItem, WorkerRoutine, NULL, QueueType, Context,
                     __builtin_return_address(0));
}

/* IRQL <= DISPATCH_LEVEL. */
VOID NTAPI
IoQueueWorkItemEx(PIO_WORKITEM IoWorkItem, PIO_WORKITEM_ROUTINE_EX WorkerRoutine,
                  WORK_QUEUE_TYPE QueueType, PVOID Context)
{
    IopQueueWorkItem(IoWorkItem, NULL, WorkerRoutine, QueueType, Context,
                     __builtin_return_address(0));
}
