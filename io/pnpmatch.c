/*
 * io/pnpmatch.c - which driver serves a device, and building its stack.
 *
 * A driver says which devices it serves the way an INF's models section
 * does, by IDs: driver.mk's DRIVER_IDS (function driver), and
 * DRIVER_UPPER_FILTER_IDS / DRIVER_LOWER_FILTER_IDS for filters, which the
 * build copies into the built-in driver table. The most specific match
 * wins, as in Windows' driver ranking: the device's hardware IDs are tried
 * in the order its bus reported them, then its compatible IDs in order;
 * the first ID some driver serves picks that driver.
 *
 * The stack is then built bottom-up, each driver's AddDevice(DriverObject,
 * Pdo) attaching its device to the top: lower filters, the function driver,
 * upper filters. DriverEntry runs once per driver, when the first device
 * needs it (built-in drivers already ran theirs at boot).
 *
 * A device no driver serves keeps problem 28 (CM_PROB_FAILED_INSTALL)
 * until a driver that serves it is registered (IopRegisterDriverService,
 * as a driver installed on Windows): then it is matched and started.
 */
#include "io/pnpp.h"

static LIST_ENTRY IopDriverServices;    /* IOP_DRIVER_SERVICE.Link, under the tree lock */
static IOP_DRIVER_SERVICE *IopBuiltinServices;

/* PASSIVE_LEVEL, once, before enumeration. */
VOID
IopInitializeDriverServices(VOID)
{
    const IOP_BUILTIN_DRIVER *Entry;
    ULONG Count = 0, Index;

    InitializeListHead(&IopDriverServices);
    for (Entry = IopBuiltinDrivers; Entry->Name != NULL; Entry++) {
        Count++;
    }
    IopBuiltinServices = ExAllocatePoolZero(NonPagedPoolNx,
                                            (Count + 1) * sizeof(IOP_DRIVER_SERVICE), IOP_PNP_TAG);
    if (IopBuiltinServices == NULL) {
        DbgPrint("PnP: no memory for the driver table; no driver will be matched\n");
        return;
    }
    for (Index = 0; Index < Count; Index++) {
        Entry = &IopBuiltinDrivers[Index];
        IopBuiltinServices[Index].Name = Entry->Name;
        IopBuiltinServices[Index].DriverEntry = Entry->DriverEntry;
        IopBuiltinServices[Index].Ids = Entry->Ids;
        IopBuiltinServices[Index].UpperFilterIds = Entry->UpperFilterIds;
        IopBuiltinServices[Index].LowerFilterIds = Entry->LowerFilterIds;
        IopBuiltinServices[Index].MessageSignaled = Entry->MessageSignaled;
        InsertTailList(&IopDriverServices, &IopBuiltinServices[Index].Link);
    }
}

/* PASSIVE_LEVEL, tree lock held. Every node left without a driver
 * (problem 28) that some service now serves: drivers added, resources,
 * start. Nodes a start adds to the tree come after it in pre-order and
 * are new, so the walk goes on through them safely; none is deleted
 * before IopProcessPendingRemovals. */
static VOID
IopRetryNodesWithoutDriver(VOID)
{
    PDEVICE_NODE Node;

    for (Node = IopRootDeviceNode; Node != NULL; Node = IopNextDeviceNode(Node)) {
        if (Node->State != DeviceNodeInitialized || Node->Problem != CM_PROB_FAILED_INSTALL ||
            IopMatchFunctionDriver(Node) == NULL) {
            continue;
        }
        DbgPrint("PnP: %wZ: a driver for it was registered; starting it\n",
                 &Node->InstancePath);
        IopSetNodeProblem(Node, 0, STATUS_SUCCESS);
        if (NT_SUCCESS(IopAddDriversToNode(Node))) {
            IopStartDeviceNode(Node);
        }
    }
    IopProcessPendingRemovals();
}

/* PASSIVE_LEVEL. The service must stay valid until unregistered. As on
 * Windows once a driver is installed, the devices that had none and match
 * it are started now, before this returns. */
VOID
IopRegisterDriverService(PIOP_DRIVER_SERVICE Service)
{
    IopAcquirePnpTreeLock();
    InsertTailList(&IopDriverServices, &Service->Link);
    if (IopRootDeviceNode != NULL) {
        IopRetryNodesWithoutDriver();
    }
    IopReleasePnpTreeLock();
}

VOID
IopUnregisterDriverService(PIOP_DRIVER_SERVICE Service)
{
    IopAcquirePnpTreeLock();
    RemoveEntryList(&Service->Link);
    IopReleasePnpTreeLock();
}

static BOOLEAN
IopIdListHas(const PCWSTR *Ids, PCWSTR Id)
{
    UNICODE_STRING A, B;

    if (Ids == NULL) {
        return FALSE;
    }
    RtlInitUnicodeString(&B, Id);
    for (; *Ids != NULL; Ids++) {
        RtlInitUnicodeString(&A, *Ids);
        if (RtlEqualUnicodeString(&A, &B, TRUE)) {
            return TRUE;
        }
    }
    return FALSE;
}

/* Tree lock held. The first service whose Ids (at Offset in the service)
 * hold one of the multi-sz's strings, trying the strings in order. */
static PIOP_DRIVER_SERVICE
IopMatchInMultiSz(PCWSTR MultiSz, SIZE_T ListOffset)
{
    PLIST_ENTRY Link;
    PCWSTR Id;

    if (MultiSz == NULL) {
        return NULL;
    }
    for (Id = MultiSz; *Id != UNICODE_NULL; Id += IopWcsLen(Id) + 1) {
        for (Link = IopDriverServices.Flink; Link != &IopDriverServices; Link = Link->Flink) {
            PIOP_DRIVER_SERVICE Service = CONTAINING_RECORD(Link, IOP_DRIVER_SERVICE, Link);

            if (IopIdListHas(*(const PCWSTR **)((PUCHAR)Service + ListOffset), Id)) {
                return Service;
            }
        }
    }
    return NULL;
}

PIOP_DRIVER_SERVICE
IopMatchFunctionDriver(PDEVICE_NODE Node)
{
    PIOP_DRIVER_SERVICE Service;

    Service = IopMatchInMultiSz(Node->HardwareIds, FIELD_OFFSET(IOP_DRIVER_SERVICE, Ids));
    if (Service == NULL) {
        Service = IopMatchInMultiSz(Node->CompatibleIds, FIELD_OFFSET(IOP_DRIVER_SERVICE, Ids));
    }
    return Service;
}

/* PASSIVE_LEVEL. The service's driver object, loading the driver the
 * first time. */
static PDRIVER_OBJECT
IopLoadService(PIOP_DRIVER_SERVICE Service)
{
    if (Service->DriverObject == NULL && NT_SUCCESS(Service->LoadStatus)) {
        Service->DriverObject = IopReferenceDriverByName(Service->Name);
        if (Service->DriverObject != NULL) {
            /* Already loaded (a built-in driver): the loaded reference
             * keeps it; ours was only for the lookup. */
            ObfDereferenceObject(Service->DriverObject);
        } else {
            Service->LoadStatus = IopLoadDriver(Service->Name, Service->DriverEntry,
                                                &Service->DriverObject);
        }
    }
    return Service->DriverObject;
}

/* PASSIVE_LEVEL. Calls one driver's AddDevice for Node's PDO. */
static NTSTATUS
IopCallAddDevice(PDEVICE_NODE Node, PIOP_DRIVER_SERVICE Service, PCSTR Role)
{
    PDRIVER_OBJECT Driver = IopLoadService(Service);
    PDEVICE_OBJECT Before, After;
    NTSTATUS Status;

    if (Driver == NULL) {
        DbgPrint("PnP: %wZ: %s driver %ws did not load (0x%08x)\n", &Node->InstancePath, Role,
                 Service->Name, Service->LoadStatus);
        return Service->LoadStatus;
    }
    if (Driver->DriverExtension->AddDevice == NULL) {
        DbgPrint("PnP: %wZ: %wZ has no AddDevice routine; it is not a PnP driver\n",
                 &Node->InstancePath, &Driver->DriverName);
        return STATUS_INVALID_DEVICE_REQUEST;
    }
    Before = IoGetAttachedDevice(Node->PhysicalDeviceObject);
    Status = Driver->DriverExtension->AddDevice(Driver, Node->PhysicalDeviceObject);
    After = IoGetAttachedDevice(Node->PhysicalDeviceObject);
    if (!NT_SUCCESS(Status)) {
        DbgPrint("PnP: %wZ: AddDevice of %wZ failed with 0x%08x\n", &Node->InstancePath,
                 &Driver->DriverName, Status);
        return Status;
    }
    if (After != Before && (After->Flags & DO_DEVICE_INITIALIZING) != 0) {
        /* WDM: AddDevice clears the flag on the device it attached. */
        DbgPrint("PnP: %wZ: %wZ left DO_DEVICE_INITIALIZING set on its device %p after "
                 "AddDevice; clearing it\n", &Node->InstancePath, &Driver->DriverName, After);
        After->Flags &= ~DO_DEVICE_INITIALIZING;
    }
    return STATUS_SUCCESS;
}

/* PASSIVE_LEVEL, tree lock held. Filters for Node whose list at Offset
 * names one of its hardware or compatible IDs. */
static NTSTATUS
IopAddFilters(PDEVICE_NODE Node, SIZE_T ListOffset, PCSTR Role)
{
    PLIST_ENTRY Link;
    NTSTATUS Status;
    PCWSTR Id;

    for (Link = IopDriverServices.Flink; Link != &IopDriverServices; Link = Link->Flink) {
        PIOP_DRIVER_SERVICE Service = CONTAINING_RECORD(Link, IOP_DRIVER_SERVICE, Link);
        const PCWSTR *Ids = *(const PCWSTR **)((PUCHAR)Service + ListOffset);
        BOOLEAN Match = FALSE;

        for (Id = Node->HardwareIds; Id != NULL && *Id != UNICODE_NULL && !Match;
             Id += IopWcsLen(Id) + 1) {
            Match = IopIdListHas(Ids, Id);
        }
        for (Id = Node->CompatibleIds; Id != NULL && *Id != UNICODE_NULL && !Match;
             Id += IopWcsLen(Id) + 1) {
            Match = IopIdListHas(Ids, Id);
        }
        if (Match) {
            Status = IopCallAddDevice(Node, Service, Role);
            if (!NT_SUCCESS(Status)) {
                return Status;
            }
        }
    }
    return STATUS_SUCCESS;
}

/* PASSIVE_LEVEL, tree lock held. */
NTSTATUS
IopAddDriversToNode(PDEVICE_NODE Node)
{
    PIOP_DRIVER_SERVICE Service = IopMatchFunctionDriver(Node);
    NTSTATUS Status;

    if (Service == NULL) {
        if (Node->Capabilities.RawDeviceOK) {
            /* Its bus driver runs it alone (raw), as Windows allows. */
            Node->Flags |= DNF_RAW;
            IopSetNodeState(Node, DeviceNodeDriversAdded);
            return STATUS_SUCCESS;
        }
        DbgPrint("PnP: %wZ: no driver serves its IDs; it stays unstarted\n", &Node->InstancePath);
        IopSetNodeProblem(Node, CM_PROB_FAILED_INSTALL, STATUS_NOT_FOUND);
        return STATUS_NOT_FOUND;
    }
    Node->Service = Service;
    Status = IopAddFilters(Node, FIELD_OFFSET(IOP_DRIVER_SERVICE, LowerFilterIds), "lower filter");
    if (NT_SUCCESS(Status)) {
        Status = IopCallAddDevice(Node, Service, "function");
    }
    if (NT_SUCCESS(Status)) {
        Status = IopAddFilters(Node, FIELD_OFFSET(IOP_DRIVER_SERVICE, UpperFilterIds),
                               "upper filter");
    }
    if (!NT_SUCCESS(Status)) {
        IopSetNodeProblem(Node, CM_PROB_FAILED_ADD, Status);
        /* Whoever attached already takes its device away again. */
        if (IoGetAttachedDevice(Node->PhysicalDeviceObject) != Node->PhysicalDeviceObject) {
            IopSendRemoveDevice(Node->PhysicalDeviceObject);
        }
        return Status;
    }
    IopSetNodeState(Node, DeviceNodeDriversAdded);
    return STATUS_SUCCESS;
}
