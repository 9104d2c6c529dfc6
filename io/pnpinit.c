/*
 * io/pnpinit.c - the PnP manager at boot, and its thread.
 *
 * At boot (IopInitializePnpManager, from IoInitSystem once the built-in
 * drivers' DriverEntry routines have run) the root device is created, the
 * drivers' ID lists are gathered and the whole tree is enumerated on the
 * boot thread, so that every device found is started before the kernel
 * goes on. Later changes arrive from any IRQL <= DISPATCH_LEVEL - a bus
 * driver's IoInvalidateDeviceRelations, a driver's IoInvalidateDeviceState
 * or IoRequestDeviceEject, the last handle of a surprise-removed device
 * closing - and are queued for the PnP thread,
 * which handles them one at a time at PASSIVE_LEVEL with the tree lock.
 */
#include "io/pnpp.h"
#include "kernel/ke/ki.h"

/* What a queued request asks of the PnP thread. */
typedef enum _IOP_PNP_REQUEST_TYPE {
    IopPnpEnumerate,                    /* IoInvalidateDeviceRelations(BusRelations) */
    IopPnpQueryState,                   /* IoInvalidateDeviceState */
    IopPnpEject,                        /* IoRequestDeviceEject */
} IOP_PNP_REQUEST_TYPE;

typedef struct _IOP_PNP_REQUEST {
    LIST_ENTRY Link;
    IOP_PNP_REQUEST_TYPE Type;
    PDEVICE_OBJECT Pdo;                 /* referenced */
} IOP_PNP_REQUEST, *PIOP_PNP_REQUEST;

static KSPIN_LOCK IopPnpQueueLock;
static LIST_ENTRY IopPnpQueue;          /* IOP_PNP_REQUEST.Link */
static BOOLEAN IopPnpRemovalCheckQueued;
static BOOLEAN IopPnpBusy;
static KEVENT IopPnpWakeEvent;          /* synchronization: work queued */
static KEVENT IopPnpIdleEvent;          /* notification: nothing queued or running */

/* Queue lock held. */
static VOID
IopPnpKickLocked(VOID)
{
    KeClearEvent(&IopPnpIdleEvent);
    KeSetEvent(&IopPnpWakeEvent, IO_NO_INCREMENT, FALSE);
}

/* IRQL <= DISPATCH_LEVEL. Queues Type for the PDO's node; Routine and
 * Caller name the driver's call in messages. Drivers call these routines
 * from DPCs and completion routines too: only a spin lock and nonpaged
 * pool are used here, the work itself waits for the PnP thread. */
static VOID
IopQueuePnpRequest(PDEVICE_OBJECT DeviceObject, IOP_PNP_REQUEST_TYPE Type, PCSTR Routine,
                   PVOID Caller)
{
    PIOP_PNP_REQUEST Request;
    KIRQL OldIrql, Irql = KeGetCurrentIrql();

    if (Irql > DISPATCH_LEVEL) {
        DbgPrint("%s from %pS at IRQL %u: it may be called at DISPATCH_LEVEL at most\n", Routine,
                 Caller, Irql);
        KeBugCheckEx(IRQL_NOT_LESS_OR_EQUAL, (ULONG_PTR)DeviceObject, Irql, 0,
                     (ULONG_PTR)Caller);
    }
    if (DeviceObject == NULL || DeviceObject->Type != IO_TYPE_DEVICE ||
        IopDeviceExtension(DeviceObject)->DeviceNode == NULL) {
        DbgPrint("%s from %pS: %p is not a PDO the PnP manager knows\n", Routine, Caller,
                 DeviceObject);
        return;
    }
    Request = ExAllocatePoolZero(NonPagedPoolNx, sizeof(*Request), IOP_PNP_TAG);
    if (Request == NULL) {
        DbgPrint("%s: no memory; the request for %p is lost\n", Routine, DeviceObject);
        return;
    }
    ObfReferenceObject(DeviceObject);
    Request->Type = Type;
    Request->Pdo = DeviceObject;
    KeAcquireSpinLock(&IopPnpQueueLock, &OldIrql);
    InsertTailList(&IopPnpQueue, &Request->Link);
    IopPnpKickLocked();
    KeReleaseSpinLock(&IopPnpQueueLock, OldIrql);
}

/* IRQL <= DISPATCH_LEVEL. */
VOID NTAPI
IoInvalidateDeviceRelations(PDEVICE_OBJECT DeviceObject, DEVICE_RELATION_TYPE Type)
{
    if (Type != BusRelations) {
        return;     /* removal, ejection and power relations are not kept */
    }
    IopQueuePnpRequest(DeviceObject, IopPnpEnumerate, "IoInvalidateDeviceRelations",
                       __builtin_return_address(0));
}

/* IRQL <= DISPATCH_LEVEL. */
VOID NTAPI
IoInvalidateDeviceState(PDEVICE_OBJECT PhysicalDeviceObject)
{
    IopQueuePnpRequest(PhysicalDeviceObject, IopPnpQueryState, "IoInvalidateDeviceState",
                       __builtin_return_address(0));
}

/* IRQL <= DISPATCH_LEVEL. */
VOID NTAPI
IoRequestDeviceEject(PDEVICE_OBJECT PhysicalDeviceObject)
{
    IopQueuePnpRequest(PhysicalDeviceObject, IopPnpEject, "IoRequestDeviceEject",
                       __builtin_return_address(0));
}

/* IRQL <= DISPATCH_LEVEL. */
VOID
IopQueuePendingRemovalCheck(VOID)
{
    KIRQL OldIrql;

    KeAcquireSpinLock(&IopPnpQueueLock, &OldIrql);
    IopPnpRemovalCheckQueued = TRUE;
    IopPnpKickLocked();
    KeReleaseSpinLock(&IopPnpQueueLock, OldIrql);
}

/* PASSIVE_LEVEL. */
VOID
IopWaitForPnpIdle(VOID)
{
    KeWaitForSingleObject(&IopPnpIdleEvent, Executive, KernelMode, FALSE, NULL);
}

/* The PnP thread: PASSIVE_LEVEL, forever. */
static VOID NTAPI
IopPnpThread(PVOID Context)
{
    PIOP_PNP_REQUEST Request;
    BOOLEAN CheckRemovals;
    PDEVICE_NODE Node;
    KIRQL OldIrql;

    UNREFERENCED_PARAMETER(Context);
    for (;;) {
        KeWaitForSingleObject(&IopPnpWakeEvent, Executive, KernelMode, FALSE, NULL);
        for (;;) {
            KeAcquireSpinLock(&IopPnpQueueLock, &OldIrql);
            Request = NULL;
            if (!IsListEmpty(&IopPnpQueue)) {
                Request = CONTAINING_RECORD(RemoveHeadList(&IopPnpQueue), IOP_PNP_REQUEST, Link);
            }
            CheckRemovals = IopPnpRemovalCheckQueued;
            IopPnpRemovalCheckQueued = FALSE;
            if (Request == NULL && !CheckRemovals) {
                IopPnpBusy = FALSE;
                KeSetEvent(&IopPnpIdleEvent, IO_NO_INCREMENT, FALSE);
                KeReleaseSpinLock(&IopPnpQueueLock, OldIrql);
                break;
            }
            IopPnpBusy = TRUE;
            KeReleaseSpinLock(&IopPnpQueueLock, OldIrql);

            IopAcquirePnpTreeLock();
            if (Request != NULL) {
                Node = IopDeviceExtension(Request->Pdo)->DeviceNode;
                if (Node == NULL) {
                    /* Removed and forgotten since it was queued. */
                } else if (Request->Type == IopPnpQueryState) {
                    IopQueryDeviceState(Node);
                } else if (Request->Type == IopPnpEject) {
                    IopEjectDevice(Node);
                } else if (Node->State == DeviceNodeStarted) {
                    IopEnumerateDevice(Node);
                }
                ObfDereferenceObject(Request->Pdo);
                ExFreePoolWithTag(Request, IOP_PNP_TAG);
            }
            IopProcessPendingRemovals();
            IopReleasePnpTreeLock();
        }
    }
}

/* PASSIVE_LEVEL, once, from IoInitSystem. */
VOID
IopInitializePnpManager(VOID)
{
    PDEVICE_OBJECT RootDevice;
    HANDLE Thread;
    NTSTATUS Status;

    KeInitializeMutex(&IopPnpTreeLock, 0);
    KeInitializeSpinLock(&IopPnpQueueLock);
    InitializeListHead(&IopPnpQueue);
    KeInitializeEvent(&IopPnpWakeEvent, SynchronizationEvent, FALSE);
    KeInitializeEvent(&IopPnpIdleEvent, NotificationEvent, TRUE);
    IopInitializeDriverServices();

    Status = IopCreateRootDevice(&RootDevice);
    if (!NT_SUCCESS(Status)) {
        DbgPrint("PnP: cannot create the root device (0x%08x); no device will be enumerated\n",
                 Status);
        return;
    }
    Status = PsCreateSystemThread(&Thread, 0, NULL, NULL, NULL, IopPnpThread, NULL);
    if (NT_SUCCESS(Status)) {
        ZwClose(Thread);
    } else {
        DbgPrint("PnP: cannot start the PnP thread (0x%08x); devices will not be re-enumerated\n",
                 Status);
    }

    IopAcquirePnpTreeLock();
    IopRootDeviceNode = IopCreateDeviceNode(NULL, RootDevice);
    if (IopRootDeviceNode != NULL) {
        /* Windows' name for the root; the root node is never deleted, so
         * its strings may be constants. */
        static WCHAR RootPath[] = L"HTREE\\ROOT\\0";

        RtlInitUnicodeString(&IopRootDeviceNode->InstancePath, RootPath);
        IopSetNodeState(IopRootDeviceNode, DeviceNodeStarted);
        IopRootDeviceNode->DevicePowerState = PowerDeviceD0;
        IopEnumerateDevice(IopRootDeviceNode);
        IopProcessPendingRemovals();
    }
    IopReleasePnpTreeLock();
    if (KiCommandLineHasWord("devtree")) {
        IopDumpDeviceTree();
    }
}
