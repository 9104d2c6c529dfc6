/*
 * io/pnpstate.c - the device state machine (the picture is in io/pnpp.h):
 * start, stop for rebalancing, orderly and surprise removal.
 *
 * The rules are the WDK's. START_DEVICE travels down the stack and each
 * driver starts on the way back up, so the bus driver starts first (the
 * function driver waits for the lower drivers with a completion routine or
 * IoForwardIrpSynchronously). A query (QUERY_STOP, QUERY_REMOVE) that any
 * driver in the stack fails is followed by the matching CANCEL_* to the
 * whole stack, and the device goes on as before. A device that vanished
 * from its bus gets SURPRISE_REMOVAL at once, and REMOVE_DEVICE only when
 * nobody has it open any more; children go before their parents.
 */
#include "io/pnpp.h"

/* One message descriptor's messages, appended to Resource: message i of
 * the descriptor arrives on its first vector + i. */
static VOID
IopRecordMessages(PDEVICE_NODE Node, PIOP_INTERRUPT_RESOURCE Resource,
                  const CM_PARTIAL_RESOURCE_DESCRIPTOR *Raw,
                  const CM_PARTIAL_RESOURCE_DESCRIPTOR *Translated)
{
    ULONG Index;

    for (Index = 0; Index < Raw->u.MessageInterrupt.Raw.MessageCount; Index++) {
        IOP_INTERRUPT_MESSAGE *Message = &Resource->Messages[Resource->MessageCount];

        if (Resource->MessageCount == IOP_MAX_DEVICE_MESSAGES) {
            DbgPrint("PnP: %wZ has more than %u messages; IoConnectInterruptEx connects the "
                     "first %u\n", &Node->InstancePath, IOP_MAX_DEVICE_MESSAGES,
                     IOP_MAX_DEVICE_MESSAGES);
            return;
        }
        Message->Vector = Translated->u.MessageInterrupt.Translated.Vector + Index;
        Message->Irql = (KIRQL)Translated->u.MessageInterrupt.Translated.Level;
        Message->Affinity = Translated->u.MessageInterrupt.Translated.Affinity;
        Resource->MessageCount++;
    }
}

/* PASSIVE_LEVEL, tree lock held. Tells io/interrupt.c the assigned line
 * and messages of a device about to start, for IoConnectInterruptEx;
 * !Started forgets them. */
static VOID
IopRecordInterrupt(PDEVICE_NODE Node, BOOLEAN Started)
{
    IOP_INTERRUPT_RESOURCE Resource;    /* about 0.5 KiB of a 24 KiB stack */
    PCM_RESOURCE_LIST Raw = Node->ResourceList, Translated = Node->ResourceListTranslated;
    ULONG Index;

    RtlZeroMemory(&Resource, sizeof(Resource));
    if (Started && Raw != NULL && Translated != NULL) {
        PCM_PARTIAL_RESOURCE_LIST RawList = &Raw->List[0].PartialResourceList;
        PCM_PARTIAL_RESOURCE_LIST List = &Translated->List[0].PartialResourceList;

        for (Index = 0; Index < List->Count; Index++) {
            PCM_PARTIAL_RESOURCE_DESCRIPTOR Desc = &List->PartialDescriptors[Index];

            if (Desc->Type != CmResourceTypeInterrupt) {
                continue;
            }
            if ((Desc->Flags & CM_RESOURCE_INTERRUPT_MESSAGE) != 0) {
                IopRecordMessages(Node, &Resource, &RawList->PartialDescriptors[Index], Desc);
            } else if (Resource.Vector == 0) {
                Resource.Vector = Desc->u.Interrupt.Vector;
                Resource.Irql = (KIRQL)Desc->u.Interrupt.Level;
                Resource.Affinity = Desc->u.Interrupt.Affinity;
                Resource.InterruptMode =
                    (Desc->Flags & CM_RESOURCE_INTERRUPT_LATCHED) != 0 ? Latched : LevelSensitive;
                Resource.ShareVector =
                    RawList->PartialDescriptors[Index].ShareDisposition == CmResourceShareShared;
            }
        }
    }
    if (Resource.Vector != 0 || Resource.MessageCount != 0 || !Started) {
        if (!NT_SUCCESS(IopSetDeviceInterruptResource(Node->PhysicalDeviceObject, &Resource))) {
            DbgPrint("PnP: %wZ: no room to record its interrupts; IoConnectInterruptEx will not "
                     "find them\n", &Node->InstancePath);
        }
    }
}

static ULONG IopCollectSubtree(PDEVICE_NODE Node, PDEVICE_NODE *Nodes, ULONG Max, ULONG Count);

#define IOP_MAX_SUBTREE 64

/* PASSIVE_LEVEL, tree lock held. A bus stopped with its children (its
 * requirements changed) that failed to start again: the children below
 * it, stopped, go first, children before parents, while their bus driver
 * still has their PDOs; then the bus itself. */
static VOID
IopFailStart(PDEVICE_NODE Node, NTSTATUS Status)
{
    PDEVICE_NODE Nodes[IOP_MAX_SUBTREE];
    ULONG Count, Index;

    IopSetNodeProblem(Node, CM_PROB_FAILED_START, Status);
    IopRecordInterrupt(Node, FALSE);
    Count = IopCollectSubtree(Node, Nodes, IOP_MAX_SUBTREE, 0);
    if (Count > IOP_MAX_SUBTREE) {
        DbgPrint("PnP: %wZ has %u devices below it; at most %u can go with it\n",
                 &Node->InstancePath, Count - 1, IOP_MAX_SUBTREE - 1);
        Count = 1;                      /* only the bus: its children stay, stopped */
    }
    for (Index = 0; Index + 1 < Count; Index++) {
        DbgPrint("PnP: %wZ goes with its bus %wZ, which did not start\n",
                 &Nodes[Index]->InstancePath, &Node->InstancePath);
        IopRecordInterrupt(Nodes[Index], FALSE);
        IopSendRemoveDevice(Nodes[Index]->PhysicalDeviceObject);
        IopReleaseResources(Nodes[Index]);
        IopDeleteDeviceNode(Nodes[Index]);
    }
    /* The WDK: a failed start is followed by REMOVE_DEVICE, which takes
     * the drivers away (disconnecting what they connected); the PDO stays
     * with its bus. Then the resources are free again. */
    IopSendRemoveDevice(Node->PhysicalDeviceObject);
    IopReleaseResources(Node);
    IopSetNodeState(Node, DeviceNodeRemoved);
}

/* PASSIVE_LEVEL, tree lock held. DriversAdded or Stopped -> Started,
 * then its children are enumerated. */
NTSTATUS
IopStartDeviceNode(PDEVICE_NODE Node)
{
    BOOLEAN Restart = Node->State == DeviceNodeStopped;
    NTSTATUS Status;

    Node->Problem = 0;
    Node->ProblemStatus = STATUS_SUCCESS;
    /* The function driver's say first (io/pnpfilter.c): a stack that
     * fails it cannot be configured, and fails its start without one. */
    Status = IopFilterResourceRequirements(Node);
    if (!NT_SUCCESS(Status)) {
        DbgPrint("PnP: %wZ: not started: its resource requirements could not be filtered "
                 "(0x%08x)\n", &Node->InstancePath, Status);
        IopFailStart(Node, Status);
        return Status;
    }
    Status = IopAssignResources(Node);
    if (!NT_SUCCESS(Status)) {
        DbgPrint("PnP: %wZ: no resources (0x%08x); not started\n", &Node->InstancePath, Status);
        return Status;
    }
    IopSetNodeState(Node, DeviceNodeResourcesAssigned);
    /* Drivers connect their interrupts while they handle START_DEVICE:
     * IoConnectInterruptEx must find them from now on. */
    IopRecordInterrupt(Node, TRUE);
    IopSetNodeState(Node, DeviceNodeStartPending);
    Status = IopSendStartDevice(Node);
    if (!NT_SUCCESS(Status)) {
        DbgPrint("PnP: %wZ failed to start: 0x%08x\n", &Node->InstancePath, Status);
        IopFailStart(Node, Status);
        return Status;
    }
    IopSetNodeState(Node, DeviceNodeStarted);
    Node->DevicePowerState = PowerDeviceD0;
    /* First started: what it can do now, and whether it is well, before
     * its children are asked for (io/pnpdevstate.c). The WDK sends neither
     * query on a start after a stop for rebalancing. */
    if (!Restart && !IopQueryDeviceStateAfterStart(Node)) {
        return STATUS_SUCCESS;
    }
    return IopEnumerateDevice(Node);
}

/* PASSIVE_LEVEL, tree lock held. */
NTSTATUS
IopRequestDeviceStop(PDEVICE_NODE Node)
{
    NTSTATUS Status;

    if (Node->State != DeviceNodeStarted) {
        return STATUS_INVALID_DEVICE_STATE;
    }
    Status = IopSendPnpMinor(Node->PhysicalDeviceObject, IRP_MN_QUERY_STOP_DEVICE);
    if (!NT_SUCCESS(Status)) {
        DbgPrint("PnP: %wZ refused to stop (0x%08x); cancelling\n", &Node->InstancePath, Status);
        IopSendPnpMinor(Node->PhysicalDeviceObject, IRP_MN_CANCEL_STOP_DEVICE);
        return Status;
    }
    IopSetNodeState(Node, DeviceNodeQueryStopped);
    IopSendPnpMinor(Node->PhysicalDeviceObject, IRP_MN_STOP_DEVICE);
    IopRecordInterrupt(Node, FALSE);
    IopReleaseResources(Node);
    IopSetNodeState(Node, DeviceNodeStopped);
    return STATUS_SUCCESS;
}

/* PASSIVE_LEVEL, tree lock held. */
NTSTATUS
IopRequestDeviceStart(PDEVICE_NODE Node)
{
    if (Node->State != DeviceNodeStopped && Node->State != DeviceNodeDriversAdded) {
        return STATUS_INVALID_DEVICE_STATE;
    }
    return IopStartDeviceNode(Node);
}

/* The nodes of Node's subtree, children before parents (post-order). */
static ULONG
IopCollectSubtree(PDEVICE_NODE Node, PDEVICE_NODE *Nodes, ULONG Max, ULONG Count)
{
    PDEVICE_NODE Child;

    for (Child = Node->Child; Child != NULL; Child = Child->Sibling) {
        Count = IopCollectSubtree(Child, Nodes, Max, Count);
    }
    if (Count < Max) {
        Nodes[Count] = Node;
    }
    return Count + 1;
}

/* PASSIVE_LEVEL, tree lock held. Windows stops a bus with everything on
 * it: QUERY_STOP to each started device of the subtree, children first;
 * one refusal and every stack asked so far (the refusing one too) hears
 * CANCEL_STOP, and nothing is stopped. Then STOP, children first, and the
 * resources go back. A device that is not started (failed, removed) is
 * left as it is. */
NTSTATUS
IopStopDeviceSubtree(PDEVICE_NODE Node)
{
    PDEVICE_NODE Nodes[IOP_MAX_SUBTREE];
    ULONG Count, Index, Queried;
    NTSTATUS Status = STATUS_SUCCESS;

    if (Node->State != DeviceNodeStarted) {
        return STATUS_INVALID_DEVICE_STATE;
    }
    Count = IopCollectSubtree(Node, Nodes, IOP_MAX_SUBTREE, 0);
    if (Count > IOP_MAX_SUBTREE) {
        DbgPrint("PnP: %wZ has %u devices below it; at most %u can be stopped at once\n",
                 &Node->InstancePath, Count, IOP_MAX_SUBTREE);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    for (Queried = 0; Queried < Count; Queried++) {
        if (Nodes[Queried]->State != DeviceNodeStarted) {
            continue;
        }
        Status = IopSendPnpMinor(Nodes[Queried]->PhysicalDeviceObject, IRP_MN_QUERY_STOP_DEVICE);
        if (!NT_SUCCESS(Status)) {
            DbgPrint("PnP: %wZ refused to stop (0x%08x); cancelling the stop of %wZ\n",
                     &Nodes[Queried]->InstancePath, Status, &Node->InstancePath);
            break;
        }
        IopSetNodeState(Nodes[Queried], DeviceNodeQueryStopped);
    }
    if (!NT_SUCCESS(Status)) {
        for (Index = 0; Index <= Queried && Index < Count; Index++) {
            if (Nodes[Index]->State == DeviceNodeQueryStopped || Index == Queried) {
                IopSendPnpMinor(Nodes[Index]->PhysicalDeviceObject, IRP_MN_CANCEL_STOP_DEVICE);
                IopSetNodeState(Nodes[Index], DeviceNodeStarted);
            }
        }
        return Status;
    }
    for (Index = 0; Index < Count; Index++) {
        if (Nodes[Index]->State != DeviceNodeQueryStopped) {
            continue;
        }
        IopSendPnpMinor(Nodes[Index]->PhysicalDeviceObject, IRP_MN_STOP_DEVICE);
        IopRecordInterrupt(Nodes[Index], FALSE);
        IopReleaseResources(Nodes[Index]);
        IopSetNodeState(Nodes[Index], DeviceNodeStopped);
    }
    return STATUS_SUCCESS;
}

/* PASSIVE_LEVEL, tree lock held. Parents before children: the bus, then
 * each stopped device whose parent is started again (a bus that fails
 * takes its stopped children with it, IopFailStart). */
NTSTATUS
IopRestartDeviceSubtree(PDEVICE_NODE Node)
{
    PDEVICE_NODE Walk;
    NTSTATUS Status;

    Status = IopStartDeviceNode(Node);
    if (Node->State != DeviceNodeStarted) {
        return NT_SUCCESS(Status) ? STATUS_UNSUCCESSFUL : Status;
    }
    for (Walk = Node->Child; Walk != NULL; Walk = IopNextDeviceNode(Walk)) {
        if (Walk->Level <= Node->Level) {
            break;                      /* past the subtree */
        }
        if (Walk->State == DeviceNodeStopped && Walk->Parent->State == DeviceNodeStarted &&
            !NT_SUCCESS(IopStartDeviceNode(Walk))) {
            DbgPrint("PnP: %wZ did not start again after %wZ was restarted\n",
                     &Walk->InstancePath, &Node->InstancePath);
        }
    }
    return STATUS_SUCCESS;
}

/* PASSIVE_LEVEL, tree lock held. Only nodes with drivers get the queries:
 * one that never got past Initialized has nothing to ask. */
static BOOLEAN
IopNodeHasStack(PDEVICE_NODE Node)
{
    return Node->State >= DeviceNodeDriversAdded && Node->State != DeviceNodeRemoved &&
           Node->State != DeviceNodeRemovePendingCloses;
}

/* PASSIVE_LEVEL, tree lock held. A device that said PNP_DEVICE_NOT_DISABLEABLE
 * (one in the paging path, say) must not be taken away on request, and
 * neither may anything it sits on: the WDK has the PnP manager carry the
 * bit up to every ancestor, which is what looking through the subtree of
 * the node asked for amounts to. Losing the device (surprise removal,
 * failure) is not a request and is not refused. */
NTSTATUS
IopRequestDeviceRemove(PDEVICE_NODE Node)
{
    PDEVICE_NODE Walk;

    for (Walk = Node; Walk != NULL; Walk = IopNextDeviceNode(Walk)) {
        if (Walk != Node && Walk->Level <= Node->Level) {
            break;                      /* past the subtree */
        }
        if ((Walk->DeviceState & PNP_DEVICE_NOT_DISABLEABLE) != 0 &&
            Walk->State == DeviceNodeStarted) {
            DbgPrint("PnP: removal of %wZ refused: %wZ is not disableable "
                     "(PNP_DEVICE_NOT_DISABLEABLE)\n", &Node->InstancePath, &Walk->InstancePath);
            return STATUS_INVALID_DEVICE_REQUEST;
        }
    }
    return IopRemoveDeviceSubtree(Node);
}

/* PASSIVE_LEVEL, tree lock held. */
NTSTATUS
IopRemoveDeviceSubtree(PDEVICE_NODE Node)
{
    PDEVICE_NODE Nodes[IOP_MAX_SUBTREE];
    ULONG Count, Index, Queried;
    NTSTATUS Status = STATUS_SUCCESS;

    Count = IopCollectSubtree(Node, Nodes, IOP_MAX_SUBTREE, 0);
    if (Count > IOP_MAX_SUBTREE) {
        DbgPrint("PnP: %wZ has %u devices below it; at most %u can be removed at once\n",
                 &Node->InstancePath, Count, IOP_MAX_SUBTREE);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    for (Index = 0; Index < Count; Index++) {
        /* A surprise-removed node below still waits for its handles: its
         * REMOVE_DEVICE must not come before they close. */
        if ((IopNodeHasStack(Nodes[Index]) ||
             Nodes[Index]->State == DeviceNodeRemovePendingCloses) &&
            IopStackOpenCount(Nodes[Index]) != 0) {
            DbgPrint("PnP: removal of %wZ vetoed: %wZ has %d open handle(s)\n",
                     &Node->InstancePath, &Nodes[Index]->InstancePath,
                     IopStackOpenCount(Nodes[Index]));
            return STATUS_DEVICE_BUSY;
        }
    }
    for (Queried = 0; Queried < Count; Queried++) {
        if (!IopNodeHasStack(Nodes[Queried])) {
            continue;
        }
        Status = IopSendPnpMinor(Nodes[Queried]->PhysicalDeviceObject,
                                 IRP_MN_QUERY_REMOVE_DEVICE);
        if (!NT_SUCCESS(Status)) {
            DbgPrint("PnP: %wZ refused to be removed (0x%08x); cancelling\n",
                     &Nodes[Queried]->InstancePath, Status);
            break;
        }
        IopSetNodeState(Nodes[Queried], DeviceNodeQueryRemoved);
    }
    if (!NT_SUCCESS(Status)) {
        /* Every stack that was asked hears the cancel, the refusing one too. */
        for (Index = 0; Index <= Queried && Index < Count; Index++) {
            if (IopNodeHasStack(Nodes[Index]) || Nodes[Index]->State == DeviceNodeQueryRemoved) {
                IopSendPnpMinor(Nodes[Index]->PhysicalDeviceObject, IRP_MN_CANCEL_REMOVE_DEVICE);
                if (Nodes[Index]->State == DeviceNodeQueryRemoved) {
                    IopSetNodeState(Nodes[Index], Nodes[Index]->PreviousState);
                }
            }
        }
        return Status;
    }
    for (Index = 0; Index < Count; Index++) {
        PDEVICE_NODE Victim = Nodes[Index];

        IopRecordInterrupt(Victim, FALSE);
        IopSendRemoveDevice(Victim->PhysicalDeviceObject);
        IopReleaseResources(Victim);
        if (Victim == Node) {
            /* Its PDO stays with its bus; when the bus reports it again it
             * comes back (io/pnpenum.c), whatever problem it had before:
             * removing a failed device and re-enumerating is how it is
             * tried again. */
            IopSetNodeProblem(Victim, 0, STATUS_SUCCESS);
            IopSetNodeState(Victim, DeviceNodeRemoved);
        } else {
            /* Its bus is gone with it: so is the node. */
            IopDeleteDeviceNode(Victim);
        }
    }
    return STATUS_SUCCESS;
}

/* PASSIVE_LEVEL, tree lock held. */
VOID
IopSurpriseRemoveSubtree(PDEVICE_NODE Node)
{
    PDEVICE_NODE Child;
    PDEVICE_OBJECT Device;
    KIRQL OldIrql;

    for (Child = Node->Child; Child != NULL; Child = Child->Sibling) {
        if (Child->State != DeviceNodeRemovePendingCloses) {
            IopSurpriseRemoveSubtree(Child);
        }
    }
    if (IopNodeHasStack(Node)) {
        IopSendPnpMinor(Node->PhysicalDeviceObject, IRP_MN_SURPRISE_REMOVAL);
    }
    IopRecordInterrupt(Node, FALSE);
    IopReleaseResources(Node);
    IopSetNodeProblem(Node, CM_PROB_DEVICE_NOT_THERE, STATUS_NO_SUCH_DEVICE);
    IopSetNodeState(Node, DeviceNodeRemovePendingCloses);
    /* From here a close of the last handle tells the PnP thread. */
    KeAcquireSpinLock(&IopDatabaseLock, &OldIrql);
    for (Device = Node->PhysicalDeviceObject; Device != NULL; Device = Device->AttachedDevice) {
        InterlockedOr((volatile LONG *)&IopDeviceExtension(Device)->ExtensionFlags,
                      DOE_REMOVE_PENDING);
    }
    KeReleaseSpinLock(&IopDatabaseLock, OldIrql);
}

/* PASSIVE_LEVEL, tree lock held. Leaves first, so a bus goes after its
 * children; a node still open waits (and so does its parent). */
VOID
IopProcessPendingRemovals(VOID)
{
    PDEVICE_NODE Node;
    BOOLEAN Removed;

    do {
        Removed = FALSE;
        for (Node = IopRootDeviceNode; Node != NULL; Node = IopNextDeviceNode(Node)) {
            if (Node->State == DeviceNodeRemovePendingCloses && Node->Child == NULL &&
                IopStackOpenCount(Node) == 0) {
                /* A PDO alone (no driver ever added) gets it too: its bus
                 * driver deletes the PDO then. */
                IopSendRemoveDevice(Node->PhysicalDeviceObject);
                if ((Node->Flags & (DNF_REMOVED_BY_STATE | DNF_ENUMERATED)) ==
                        (DNF_REMOVED_BY_STATE | DNF_ENUMERATED) &&
                    Node->Parent->State != DeviceNodeRemovePendingCloses) {
                    /* Failed, but still on its bus, which keeps the PDO:
                     * the node stays to show why it does not work. (A bus
                     * that is going away takes it along: it waits for
                     * Child == NULL.) */
                    Node->Flags &= ~DNF_REMOVED_BY_STATE;
                    InterlockedAnd((volatile LONG *)&IopDeviceExtension(
                                       Node->PhysicalDeviceObject)->ExtensionFlags,
                                   ~(LONG)DOE_REMOVE_PENDING);
                    IopSetNodeState(Node, DeviceNodeRemoved);
                    continue;
                }
                IopDeleteDeviceNode(Node);
                Removed = TRUE;
                break;
            }
        }
    } while (Removed);
}
