/*
 * io/power.c - power basics: the Po routines drivers call, the power IRPs
 * the PnP manager sends, and devices going to D3 at shutdown.
 *
 * Kestrel runs in S0 and goes to S5; devices are in D0 or D3. Power IRPs
 * are sent like PnP ones (io/pnpirp.c): to the top of the stack, status
 * preset to STATUS_NOT_SUPPORTED, waited for. Since Windows Vista power
 * IRPs are not serialized per device and PoCallDriver is IoCallDriver;
 * Kestrel does the same, so PoStartNextPowerIrp has nothing to do.
 *
 * Windows leaves device power to each stack's policy owner, which asks for
 * a device IRP (PoRequestPowerIrp) when it sees a system one. Kestrel's
 * shutdown sends the system IRP (S5) and then, to a device that did not
 * go to D3 on its own, the device IRP (D3): a simple driver that only
 * handles device IRPs powers down too.
 */
#include "io/pnpp.h"

#define IOP_POWER_TAG 'rwPI'

typedef struct _IOP_POWER_REQUEST {
    PDEVICE_OBJECT Target;              /* the PDO asked about, for the callback */
    PREQUEST_POWER_COMPLETE Completion;
    PVOID Context;
    POWER_STATE State;
    UCHAR Minor;
} IOP_POWER_REQUEST, *PIOP_POWER_REQUEST;

NTSTATUS NTAPI
PoCallDriver(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    return IoCallDriver(DeviceObject, Irp);
}

VOID NTAPI
PoStartNextPowerIrp(PIRP Irp)
{
    UNREFERENCED_PARAMETER(Irp);
}

/* IRQL <= DISPATCH_LEVEL. The state lives in the stack's device node;
 * a device the PnP manager does not know has none to keep. */
POWER_STATE NTAPI
PoSetPowerState(PDEVICE_OBJECT DeviceObject, POWER_STATE_TYPE Type, POWER_STATE State)
{
    PDEVICE_NODE Node = IopGetDeviceNode(DeviceObject);
    POWER_STATE Old;

    Old.DeviceState = PowerDeviceUnspecified;
    if (Node == NULL) {
        return Old;
    }
    if (Type == DevicePowerState) {
        Old.DeviceState = Node->DevicePowerState;
        Node->DevicePowerState = State.DeviceState;
    } else {
        Old.SystemState = Node->SystemPowerState;
        Node->SystemPowerState = State.SystemState;
    }
    return Old;
}

/* IRQL <= DISPATCH_LEVEL (completion's). */
static NTSTATUS
IopPowerRequestCompleted(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    PIOP_POWER_REQUEST Request = Context;

    UNREFERENCED_PARAMETER(DeviceObject);
    if (Request->Completion != NULL) {
        Request->Completion(Request->Target, Request->Minor, Request->State, Request->Context,
                            &Irp->IoStatus);
    }
    ObfDereferenceObject(Request->Target);
    ExFreePoolWithTag(Request, IOP_POWER_TAG);
    IoFreeIrp(Irp);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

/* IRQL <= DISPATCH_LEVEL. */
NTSTATUS NTAPI
PoRequestPowerIrp(PDEVICE_OBJECT DeviceObject, UCHAR MinorFunction, POWER_STATE PowerState,
                  PREQUEST_POWER_COMPLETE CompletionFunction, PVOID Context, PIRP *Irp)
{
    PIOP_POWER_REQUEST Request;
    PIO_STACK_LOCATION IrpSp;
    PDEVICE_OBJECT Top;
    PIRP NewIrp;

    if (Irp != NULL) {
        *Irp = NULL;
    }
    if (MinorFunction != IRP_MN_SET_POWER && MinorFunction != IRP_MN_QUERY_POWER &&
        MinorFunction != IRP_MN_WAIT_WAKE) {
        DbgPrint("PoRequestPowerIrp from %pS: minor function 0x%x is not SET_POWER, QUERY_POWER "
                 "or WAIT_WAKE\n", __builtin_return_address(0), MinorFunction);
        return STATUS_INVALID_PARAMETER_2;
    }
    Request = ExAllocatePoolZero(NonPagedPoolNx, sizeof(*Request), IOP_POWER_TAG);
    if (Request == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    Top = IoGetAttachedDeviceReference(DeviceObject);
    NewIrp = IoAllocateIrp(Top->StackSize, FALSE);
    if (NewIrp == NULL) {
        ObfDereferenceObject(Top);
        ExFreePoolWithTag(Request, IOP_POWER_TAG);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    ObfReferenceObject(DeviceObject);
    Request->Target = DeviceObject;
    Request->Completion = CompletionFunction;
    Request->Context = Context;
    Request->State = PowerState;
    Request->Minor = MinorFunction;
    NewIrp->IoStatus.Status = STATUS_NOT_SUPPORTED;
    IrpSp = IoGetNextIrpStackLocation(NewIrp);
    IrpSp->MajorFunction = IRP_MJ_POWER;
    IrpSp->MinorFunction = MinorFunction;
    if (MinorFunction == IRP_MN_WAIT_WAKE) {
        IrpSp->Parameters.WaitWake.PowerState = PowerState.SystemState;
    } else {
        IrpSp->Parameters.Power.Type = DevicePowerState;
        IrpSp->Parameters.Power.State = PowerState;
    }
    IoSetCompletionRoutine(NewIrp, IopPowerRequestCompleted, Request, TRUE, TRUE, TRUE);
    if (Irp != NULL) {
        *Irp = NewIrp;
    }
    PoCallDriver(Top, NewIrp);
    ObfDereferenceObject(Top);
    return STATUS_PENDING;
}

/* PASSIVE_LEVEL, tree lock held or not (it takes it). */
NTSTATUS
IopSetDevicePowerState(PDEVICE_NODE Node, DEVICE_POWER_STATE State)
{
    POWER_STATE Power;
    NTSTATUS Status;

    Power.DeviceState = State;
    IopAcquirePnpTreeLock();
    Status = IopSendPowerIrp(Node->PhysicalDeviceObject, IRP_MN_SET_POWER, DevicePowerState,
                             Power, PowerActionNone);
    if (NT_SUCCESS(Status)) {
        Node->DevicePowerState = State;
    } else {
        DbgPrint("PnP: %wZ did not go to D%u: 0x%08x\n", &Node->InstancePath,
                 (ULONG)State - PowerDeviceD0, Status);
    }
    IopReleasePnpTreeLock();
    return Status;
}

/* PASSIVE_LEVEL, tree lock held. Children first, then the node. */
ULONG
IopShutdownSubtree(PDEVICE_NODE Node)
{
    PDEVICE_NODE Child;
    POWER_STATE Power;
    ULONG Count = 0;

    for (Child = Node->Child; Child != NULL; Child = Child->Sibling) {
        Count += IopShutdownSubtree(Child);
    }
    if (Node->State != DeviceNodeStarted || Node == IopRootDeviceNode) {
        return Count;
    }
    Power.SystemState = PowerSystemShutdown;
    IopSendPowerIrp(Node->PhysicalDeviceObject, IRP_MN_SET_POWER, SystemPowerState, Power,
                    PowerActionShutdownOff);
    Node->SystemPowerState = PowerSystemShutdown;
    if (Node->DevicePowerState != PowerDeviceD3 &&
        NT_SUCCESS(IopSetDevicePowerState(Node, PowerDeviceD3))) {
        Count++;
    } else if (Node->DevicePowerState == PowerDeviceD3) {
        Count++;
    }
    return Count;
}

/* PASSIVE_LEVEL. */
ULONG
IopShutdownDevices(VOID)
{
    ULONG Count;

    IopAcquirePnpTreeLock();
    Count = IopRootDeviceNode != NULL ? IopShutdownSubtree(IopRootDeviceNode) : 0;
    IopReleasePnpTreeLock();
    return Count;
}
