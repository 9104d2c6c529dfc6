/*
 * io/pnpeject.c - IoRequestDeviceEject's work, done on the PnP thread: a
 * bus driver says the user pressed a device's eject button (the device's,
 * not its media's). As the WDK describes the routine, the manager first
 * makes sure the device and everything on it can go - QUERY_REMOVE to
 * each, children first - and removes them (REMOVE_DEVICE); then, when its
 * bus driver said it can eject the device (DEVICE_CAPABILITIES.
 * EjectSupported), it sends IRP_MN_EJECT to what is left of the stack, the
 * PDO, whose bus driver ejects it. A driver that vetoes the query-remove,
 * a handle still open, or a device that said PNP_DEVICE_NOT_DISABLEABLE
 * stops the eject: it is printed, and the device goes on as before.
 *
 * Kestrel does not ask for EjectionRelations or RemovalRelations: the
 * device's subtree is what goes with it. The node stays, Removed, with
 * problem 47 (CM_PROB_HELD_FOR_EJECT, Windows' "prepared for safe
 * removal"), until its bus stops reporting it (then the node goes) or a
 * removal is asked of it and its bus reports it again.
 */
#include "io/pnpp.h"

/* PASSIVE_LEVEL, tree lock held. */
VOID
IopEjectDevice(PDEVICE_NODE Node)
{
    NTSTATUS Status;

    if (Node == IopRootDeviceNode || Node->State == DeviceNodeRemovePendingCloses) {
        DbgPrint("PnP: eject of %wZ refused: it is %s\n", &Node->InstancePath,
                 Node == IopRootDeviceNode ? "the root device" : "already being removed");
        return;
    }
    Status = IopRequestDeviceRemove(Node);
    if (!NT_SUCCESS(Status)) {
        DbgPrint("PnP: eject of %wZ refused (0x%08x): it or a device on it may not be removed "
                 "now\n", &Node->InstancePath, Status);
        return;
    }
    IopSetNodeProblem(Node, CM_PROB_HELD_FOR_EJECT, STATUS_SUCCESS);
    if (!Node->Capabilities.EjectSupported) {
        DbgPrint("PnP: %wZ is removed and may be unplugged (its bus cannot eject it: "
                 "EjectSupported is clear)\n", &Node->InstancePath);
        return;
    }
    Status = IopSendPnpMinor(Node->PhysicalDeviceObject, IRP_MN_EJECT);
    if (!NT_SUCCESS(Status)) {
        DbgPrint("PnP: %wZ: its bus driver failed IRP_MN_EJECT (0x%08x); it stays removed\n",
                 &Node->InstancePath, Status);
        return;
    }
    /* Ejected, the device has left its bus: ask the bus at once, so that
     * the node goes as soon as the bus no longer reports it. */
    if (Node->Parent != NULL && Node->Parent->State == DeviceNodeStarted) {
        IopEnumerateDevice(Node->Parent);
    }
}
