/*
 * io/pnpdevstate.c - what a started device says of itself. Once the first
 * START_DEVICE has succeeded (not a start after a stop for rebalancing,
 * as the WDK says) the manager asks the whole stack again for its
 * capabilities (IRP_MN_QUERY_CAPABILITIES: at enumeration only the bus
 * driver answered; now the function and filter drivers see the IRP on its
 * way up and may change SurpriseRemovalOK, Removable and the rest, as on
 * Windows), then for its PnP state (IRP_MN_QUERY_PNP_DEVICE_STATE), which
 * it asks again whenever a driver calls IoInvalidateDeviceState. The
 * answer is a PNP_DEVICE_STATE in IoStatus.Information, each driver ORing
 * in its bits; a stack that does not handle the IRP leaves
 * STATUS_NOT_SUPPORTED, which means 0. What each bit makes the manager do:
 *
 *   PNP_DEVICE_REMOVED      the device is gone: SURPRISE_REMOVAL to it and
 *                           its children, REMOVE_DEVICE once no handle is
 *                           open; problem 24 (CM_PROB_DEVICE_NOT_THERE)
 *   PNP_DEVICE_RESOURCE_REQUIREMENTS_CHANGED
 *                           QUERY_STOP and STOP to it and the started
 *                           devices below it (children first; one refusal
 *                           cancels the lot), QUERY_RESOURCE_REQUIREMENTS
 *                           again, FILTER_RESOURCE_REQUIREMENTS, START with
 *                           resources from the new list, then its children
 *                           (also with PNP_DEVICE_FAILED: the WDK says such a
 *                           device must be stopped before it gets new ones;
 *                           Kestrel never rebalances without a stop)
 *   PNP_DEVICE_FAILED       as REMOVED (the WDK lists it among the reasons
 *                           for SURPRISE_REMOVAL), with problem 43
 *                           (CM_PROB_FAILED_POST_START)
 *   PNP_DEVICE_DISABLED     disabled in hardware: QUERY_REMOVE and REMOVE,
 *                           problem 29 (CM_PROB_HARDWARE_DISABLED)
 *   PNP_DEVICE_NOT_DISABLEABLE    kept: a removal on request is refused
 *                           while it is set (io/pnpstate.c)
 *   PNP_DEVICE_DONT_DISPLAY_IN_UI kept: shown in the device tree dump
 *
 * A failed or removed device whose bus still reports it keeps its node,
 * Removed, with its problem, as a failed start does: it is tried again
 * when a removal is asked of it, or forgotten when its bus drops it.
 */
#include "io/pnpp.h"

/* PASSIVE_LEVEL, tree lock held. */
static PNP_DEVICE_STATE
IopSendQueryPnpDeviceState(PDEVICE_NODE Node)
{
    ULONG_PTR Information;
    NTSTATUS Status;

    Status = IopSendPnpIrp(Node->PhysicalDeviceObject, IRP_MJ_PNP, IRP_MN_QUERY_PNP_DEVICE_STATE,
                           NULL, 0, &Information);
    if (Status == STATUS_NOT_SUPPORTED) {
        return 0;                       /* nobody in the stack has anything to say */
    }
    if (!NT_SUCCESS(Status)) {
        DbgPrint("PnP: %wZ failed IRP_MN_QUERY_PNP_DEVICE_STATE with 0x%08x; its state is "
                 "taken as 0\n", &Node->InstancePath, Status);
        return 0;
    }
    return (PNP_DEVICE_STATE)Information;
}

/* PASSIVE_LEVEL, tree lock held. The node's copy is replaced only by a
 * complete answer. */
static VOID
IopRequeryCapabilities(PDEVICE_NODE Node)
{
    DEVICE_CAPABILITIES Capabilities;
    NTSTATUS Status;

    Status = IopQueryCapabilities(Node->PhysicalDeviceObject, &Capabilities);
    if (NT_SUCCESS(Status)) {
        Node->Capabilities = Capabilities;
    } else if (Status != STATUS_NOT_SUPPORTED) {
        DbgPrint("PnP: %wZ failed IRP_MN_QUERY_CAPABILITIES after its start (0x%08x); the "
                 "capabilities from its enumeration stay\n", &Node->InstancePath, Status);
    }
}

/* PASSIVE_LEVEL, tree lock held. The device failed or left: its drivers
 * hear SURPRISE_REMOVAL now, REMOVE_DEVICE when its handles are closed
 * (on the PnP thread, io/pnpstate.c's IopProcessPendingRemovals). */
static VOID
IopSurpriseRemoveForState(PDEVICE_NODE Node, ULONG Problem, NTSTATUS Status, PCSTR Bit)
{
    DbgPrint("PnP: %wZ reports %s; surprise-removing it (problem %u, %s)\n", &Node->InstancePath,
             Bit, Problem, IopProblemName(Problem));
    IopSurpriseRemoveSubtree(Node);
    IopSetNodeProblem(Node, Problem, Status);
    Node->Flags |= DNF_REMOVED_BY_STATE;
    IopQueuePendingRemovalCheck();
}

/* PASSIVE_LEVEL, tree lock held, Node Started. Stop it and everything on
 * it (a bus cannot go on serving children while it is stopped), ask for
 * the requirements again, start it with what they now allow and then its
 * children (a start after a stop asks for no state, so a driver that keeps
 * the bit set cannot loop here). */
static VOID
IopRestartWithNewRequirements(PDEVICE_NODE Node)
{
    ULONG_PTR Information;
    NTSTATUS Status;

    DbgPrint("PnP: %wZ reports its resource requirements changed; stopping it to assign new "
             "resources\n", &Node->InstancePath);
    Status = IopStopDeviceSubtree(Node);
    if (!NT_SUCCESS(Status)) {
        DbgPrint("PnP: %wZ cannot be stopped (0x%08x); it and the devices on it keep their "
                 "resources\n", &Node->InstancePath, Status);
        return;
    }
    Status = IopSendPnpIrp(Node->PhysicalDeviceObject, IRP_MJ_PNP,
                           IRP_MN_QUERY_RESOURCE_REQUIREMENTS, NULL, 0, &Information);
    if (NT_SUCCESS(Status)) {
        if (Node->ResourceRequirements != NULL) {
            ExFreePool(Node->ResourceRequirements);
        }
        Node->ResourceRequirements = (PIO_RESOURCE_REQUIREMENTS_LIST)Information;
    } else if (Status != STATUS_NOT_SUPPORTED) {
        DbgPrint("PnP: %wZ failed IRP_MN_QUERY_RESOURCE_REQUIREMENTS (0x%08x); its old "
                 "requirements stay\n", &Node->InstancePath, Status);
    }
    Status = IopRestartDeviceSubtree(Node);
    if (!NT_SUCCESS(Status)) {
        DbgPrint("PnP: %wZ did not start again with its new requirements (0x%08x)\n",
                 &Node->InstancePath, Status);
    }
}

/* PASSIVE_LEVEL, tree lock held, Node Started. TRUE when it is still
 * Started as it was. */
static BOOLEAN
IopActOnDeviceState(PDEVICE_NODE Node, PNP_DEVICE_STATE State)
{
    NTSTATUS Status;

    /* The requirements bit is an event, acted on below, not a state. */
    Node->DeviceState = State & ~PNP_DEVICE_RESOURCE_REQUIREMENTS_CHANGED;
    if ((State & PNP_DEVICE_REMOVED) != 0) {
        IopSurpriseRemoveForState(Node, CM_PROB_DEVICE_NOT_THERE, STATUS_NO_SUCH_DEVICE,
                                  "PNP_DEVICE_REMOVED");
        return FALSE;
    }
    if ((State & PNP_DEVICE_RESOURCE_REQUIREMENTS_CHANGED) != 0) {
        IopRestartWithNewRequirements(Node);
        return FALSE;
    }
    if ((State & PNP_DEVICE_FAILED) != 0) {
        IopSurpriseRemoveForState(Node, CM_PROB_FAILED_POST_START, STATUS_UNSUCCESSFUL,
                                  "PNP_DEVICE_FAILED");
        return FALSE;
    }
    if ((State & PNP_DEVICE_DISABLED) != 0) {
        /* The hardware is off already: PNP_DEVICE_NOT_DISABLEABLE cannot
         * keep it, but a driver's veto or an open handle does. */
        DbgPrint("PnP: %wZ reports it is disabled in hardware (PNP_DEVICE_DISABLED); removing "
                 "it\n", &Node->InstancePath);
        Status = IopRemoveDeviceSubtree(Node);
        if (!NT_SUCCESS(Status)) {
            DbgPrint("PnP: %wZ could not be removed (0x%08x); it stays started\n",
                     &Node->InstancePath, Status);
            return TRUE;
        }
        IopSetNodeProblem(Node, CM_PROB_HARDWARE_DISABLED, STATUS_UNSUCCESSFUL);
        return FALSE;
    }
    return TRUE;
}

/* PASSIVE_LEVEL, tree lock held. */
BOOLEAN
IopQueryDeviceStateAfterStart(PDEVICE_NODE Node)
{
    IopRequeryCapabilities(Node);
    return IopActOnDeviceState(Node, IopSendQueryPnpDeviceState(Node));
}

/* PASSIVE_LEVEL, tree lock held. A stack that is not started has no state
 * to report (Windows asks only started devices too). */
VOID
IopQueryDeviceState(PDEVICE_NODE Node)
{
    if (Node->State != DeviceNodeStarted) {
        DbgPrint("PnP: IoInvalidateDeviceState for %wZ, which is %s: nothing to ask\n",
                 &Node->InstancePath, IopNodeStateName(Node->State));
        return;
    }
    (VOID)IopActOnDeviceState(Node, IopSendQueryPnpDeviceState(Node));
}
