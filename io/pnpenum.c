/*
 * io/pnpenum.c - enumeration: asking a bus for its children
 * (IRP_MN_QUERY_DEVICE_RELATIONS, BusRelations), and for each new PDO its
 * IDs (IRP_MN_QUERY_ID: device, hardware, compatible and instance IDs), its
 * description and location (IRP_MN_QUERY_DEVICE_TEXT), its capabilities,
 * its bus (IRP_MN_QUERY_BUS_INFORMATION), its resource requirements and
 * boot configuration; then its drivers and its start (io/pnpmatch.c,
 * io/pnpstate.c). A started device is itself asked for its children, so
 * the tree grows depth first.
 *
 * A child that is no longer in its bus's answer is surprise-removed; its
 * REMOVE_DEVICE follows when its handles are closed (IopProcessPendingRemovals,
 * which the callers of IopEnumerateDevice run once the walk is over, so
 * that no node disappears under a walk in progress).
 *
 * A child removed in an orderly way while still on its bus (a removal a
 * test or user asked for: Windows' "disable") keeps its node, Removed, and
 * its bus keeps the PDO. When the bus reports that PDO again, the node is
 * enumerated anew: IDs and the rest queried again, drivers added, started,
 * as Windows does when a disabled device is enabled. A node left Removed
 * by a failed start keeps its problem and stays so (starting it at every
 * enumeration would fail every time) until a removal is asked of it.
 */
#include "io/pnpp.h"

/* PASSIVE_LEVEL. Queries one ID; Required ones missing are an error. */
static NTSTATUS
IopQueryNodeId(PDEVICE_NODE Node, BUS_QUERY_ID_TYPE Type, PWSTR *Id, BOOLEAN Required)
{
    NTSTATUS Status = IopQueryId(Node->PhysicalDeviceObject, Type, Id);

    if (NT_SUCCESS(Status) && *Id != NULL) {
        return STATUS_SUCCESS;
    }
    *Id = NULL;
    if (Required) {
        DbgPrint("PnP: PDO %p of %wZ answered no ID of type %d to IRP_MN_QUERY_ID (0x%08x)\n",
                 Node->PhysicalDeviceObject, &Node->PhysicalDeviceObject->DriverObject->DriverName,
                 (int)Type, Status);
        return NT_SUCCESS(Status) ? STATUS_UNSUCCESSFUL : Status;
    }
    return STATUS_SUCCESS;
}

/* PASSIVE_LEVEL. One IRP_MN_QUERY_DEVICE_TEXT; NULL when the bus driver
 * has no such text (it leaves the IRP as it came, STATUS_NOT_SUPPORTED). */
static PWSTR
IopQueryDeviceText(PDEVICE_OBJECT Pdo, DEVICE_TEXT_TYPE Type)
{
    IO_STACK_LOCATION Template;
    ULONG_PTR Information;
    NTSTATUS Status;

    RtlZeroMemory(&Template, sizeof(Template));
    Template.Parameters.QueryDeviceText.DeviceTextType = Type;
    Template.Parameters.QueryDeviceText.LocaleId = IOP_DEVICE_TEXT_LOCALE;
    Status = IopSendPnpIrp(Pdo, IRP_MJ_PNP, IRP_MN_QUERY_DEVICE_TEXT, &Template.Parameters,
                           sizeof(Template.Parameters.QueryDeviceText), &Information);
    if (!NT_SUCCESS(Status) && Information != 0) {
        /* The WDK says Information is 0 on an error; one that is not is
         * the driver's buffer all the same, which nobody else frees. */
        ExFreePool((PVOID)Information);
        Information = 0;
    }
    return (PWSTR)Information;
}

/* PASSIVE_LEVEL, tree lock held. IRP_MN_QUERY_BUS_INFORMATION: which bus,
 * of what type, the device sits on. A bus driver that does not answer
 * leaves it unknown; the legacy type and number then come from the
 * device's resources (io/pnpprop.c). */
static VOID
IopQueryBusInformation(PDEVICE_NODE Node)
{
    PPNP_BUS_INFORMATION Bus;
    ULONG_PTR Information;
    NTSTATUS Status;

    Status = IopSendPnpIrp(Node->PhysicalDeviceObject, IRP_MJ_PNP,
                           IRP_MN_QUERY_BUS_INFORMATION, NULL, 0, &Information);
    Bus = (PPNP_BUS_INFORMATION)Information;
    if (NT_SUCCESS(Status) && Bus != NULL) {
        Node->BusTypeGuid = Bus->BusTypeGuid;
        Node->LegacyBusType = Bus->LegacyBusType;
        Node->BusNumber = Bus->BusNumber;
        Node->Flags |= DNF_HAS_BUS_INFORMATION;
    } else if (NT_SUCCESS(Status)) {
        DbgPrint("PnP: %wZ: its bus driver answered QUERY_BUS_INFORMATION with success and no "
                 "PNP_BUS_INFORMATION; the bus stays unknown\n", &Node->InstancePath);
    }
    if (Bus != NULL) {
        ExFreePool(Bus);
    }
}

/* PASSIVE_LEVEL, tree lock held. Uninitialized -> Initialized. */
static NTSTATUS
IopInitializeDeviceNode(PDEVICE_NODE Node)
{
    PDEVICE_OBJECT Pdo = Node->PhysicalDeviceObject;
    ULONG_PTR Information;
    SIZE_T Bytes;
    NTSTATUS Status;

    if ((Pdo->Flags & DO_DEVICE_INITIALIZING) != 0) {
        DbgPrint("PnP: %wZ reported PDO %p with DO_DEVICE_INITIALIZING still set; clearing it\n",
                 &Pdo->DriverObject->DriverName, Pdo);
        Pdo->Flags &= ~DO_DEVICE_INITIALIZING;
    }
    Pdo->Flags |= DO_BUS_ENUMERATED_DEVICE;
    Status = IopQueryNodeId(Node, BusQueryDeviceID, &Node->DeviceId, TRUE);
    if (NT_SUCCESS(Status)) {
        Status = IopQueryNodeId(Node, BusQueryInstanceID, &Node->InstanceId, FALSE);
    }
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    IopQueryNodeId(Node, BusQueryHardwareIDs, &Node->HardwareIds, FALSE);
    IopQueryNodeId(Node, BusQueryCompatibleIDs, &Node->CompatibleIds, FALSE);

    /* The instance path names the device in messages and in the dump. */
    Bytes = (IopWcsLen(Node->DeviceId) + 1 +
             (Node->InstanceId != NULL ? IopWcsLen(Node->InstanceId) : 1) + 1) * sizeof(WCHAR);
    Node->InstancePath.Buffer = ExAllocatePoolZero(NonPagedPoolNx, Bytes, IOP_PNP_TAG);
    if (Node->InstancePath.Buffer == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    Node->InstancePath.MaximumLength = (USHORT)Bytes;
    RtlAppendUnicodeToString(&Node->InstancePath, Node->DeviceId);
    RtlAppendUnicodeToString(&Node->InstancePath, L"\\");
    RtlAppendUnicodeToString(&Node->InstancePath,
                             Node->InstanceId != NULL ? Node->InstanceId : L"0");

    Node->DeviceDescription = IopQueryDeviceText(Pdo, DeviceTextDescription);
    Node->LocationInformation = IopQueryDeviceText(Pdo, DeviceTextLocationInformation);
    IopQueryCapabilities(Pdo, &Node->Capabilities);
    IopQueryBusInformation(Node);
    if (NT_SUCCESS(IopSendPnpIrp(Pdo, IRP_MJ_PNP, IRP_MN_QUERY_RESOURCE_REQUIREMENTS, NULL, 0,
                                 &Information))) {
        Node->ResourceRequirements = (PIO_RESOURCE_REQUIREMENTS_LIST)Information;
    }
    if (NT_SUCCESS(IopSendPnpIrp(Pdo, IRP_MJ_PNP, IRP_MN_QUERY_RESOURCES, NULL, 0,
                                 &Information))) {
        Node->BootResources = (PCM_RESOURCE_LIST)Information;
    }
    IopSetNodeState(Node, DeviceNodeInitialized);
    return STATUS_SUCCESS;
}

/* PASSIVE_LEVEL, tree lock held. A new child: IDs, drivers, start (which
 * enumerates it in turn). Failures leave a problem on the node. */
static VOID
IopProcessNewDeviceNode(PDEVICE_NODE Node)
{
    NTSTATUS Status = IopInitializeDeviceNode(Node);

    if (!NT_SUCCESS(Status)) {
        IopSetNodeProblem(Node, CM_PROB_FAILED_INSTALL, Status);
        return;
    }
    if (NT_SUCCESS(IopAddDriversToNode(Node))) {
        IopStartDeviceNode(Node);
    }
}

/* PASSIVE_LEVEL, tree lock held. A node removed in an orderly way, which
 * its bus has just reported again. Its drivers must all have gone with
 * REMOVE_DEVICE: AddDevice would otherwise stack new devices on stale ones. */
static BOOLEAN
IopCanEnableAgain(PDEVICE_NODE Node)
{
    if (Node->State != DeviceNodeRemoved || (Node->Flags & DNF_ENUMERATED) == 0 ||
        Node->Problem != 0) {
        return FALSE;
    }
    if (Node->PhysicalDeviceObject->AttachedDevice != NULL) {
        DbgPrint("PnP: %wZ cannot be enabled again: %wZ's device %p is still attached to its "
                 "PDO after REMOVE_DEVICE\n", &Node->InstancePath,
                 &Node->PhysicalDeviceObject->AttachedDevice->DriverObject->DriverName,
                 Node->PhysicalDeviceObject->AttachedDevice);
        return FALSE;
    }
    return TRUE;
}

/* PASSIVE_LEVEL, tree lock held. */
NTSTATUS
IopEnumerateDevice(PDEVICE_NODE Node)
{
    PDEVICE_RELATIONS Relations;
    PDEVICE_NODE Child, Next;
    NTSTATUS Status;
    ULONG Index;

    Status = IopQueryDeviceRelations(Node->PhysicalDeviceObject, BusRelations, &Relations);
    if (!NT_SUCCESS(Status)) {
        /* Not a bus (STATUS_NOT_SUPPORTED), or it failed: its children, if
         * any, stay as they are. */
        return Status == STATUS_NOT_SUPPORTED ? STATUS_SUCCESS : Status;
    }
    for (Child = Node->Child; Child != NULL; Child = Child->Sibling) {
        Child->Flags &= ~DNF_ENUMERATED;
    }
    for (Index = 0; Relations != NULL && Index < Relations->Count; Index++) {
        PDEVICE_OBJECT Pdo = Relations->Objects[Index];

        Child = IopDeviceExtension(Pdo)->DeviceNode;
        if (Child == NULL) {
            Child = IopCreateDeviceNode(Node, Pdo);
        } else if (Child->Parent != Node) {
            DbgPrint("PnP: %wZ reported PDO %p, which belongs to %wZ; ignored\n",
                     &Node->InstancePath, Pdo, &Child->Parent->InstancePath);
            Child = NULL;
        }
        if (Child != NULL) {
            Child->Flags |= DNF_ENUMERATED;
        }
        ObfDereferenceObject(Pdo);      /* the relations' reference; the node has its own */
    }
    if (Relations != NULL) {
        ExFreePool(Relations);
    }
    for (Child = Node->Child; Child != NULL; Child = Next) {
        Next = Child->Sibling;
        if ((Child->Flags & DNF_ENUMERATED) == 0 && Child->State != DeviceNodeRemovePendingCloses) {
            DbgPrint("PnP: %wZ is gone from %wZ\n", &Child->InstancePath, &Node->InstancePath);
            IopSurpriseRemoveSubtree(Child);
        }
    }
    for (Child = Node->Child; Child != NULL; Child = Child->Sibling) {
        if (IopCanEnableAgain(Child)) {
            DbgPrint("PnP: %wZ is reported again after its removal; enumerating it anew\n",
                     &Child->InstancePath);
            IopReinitializeDeviceNode(Child);
        }
        if (Child->State == DeviceNodeUninitialized) {
            IopProcessNewDeviceNode(Child);
        }
    }
    return STATUS_SUCCESS;
}
