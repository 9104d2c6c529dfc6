/*
 * tests/kernel/pnpdrv.c - what the PnP tests' two drivers share (contract
 * in tests/kernel/pnpdrv.h): the state the tests read, the driver services
 * that register them, the IRP log, and the power dispatch both use. The
 * bus driver is in tests/kernel/pnpdrvbus.c, the function driver in
 * tests/kernel/pnpdrvfunc.c. They follow the WDK's patterns: the bus
 * driver completes its PDOs' IRPs itself and passes its FDO's down; the
 * function driver starts after the lower drivers
 * (IoForwardIrpSynchronously), passes everything else down, and detaches
 * and deletes its device on REMOVE_DEVICE.
 */
#include "tests/kernel/pnpdrv.h"
#include "io/pnpp.h"

KTPNP_STATE KtPnp;
const GUID KTPNP_BUS_TYPE = {0x6B7A3C10, 0x2F4E, 0x4D1A,
                             {0x9C, 0x55, 0x4B, 0x54, 0x50, 0x50, 0x4E, 0x50}};

static const PCWSTR KtPnpBusIds[] = {L"Root\\KtPnpBus", NULL};
static const PCWSTR KtPnpFuncIds[] = {L"KTPNP\\Widget", NULL};
static const PCWSTR KtPnpLateIds[] = {L"KTPNP\\Late", NULL};
static IOP_DRIVER_SERVICE KtPnpBusService = {.Name = L"KtPnpBus", .DriverEntry = KtPnpBusEntry,
                                             .Ids = KtPnpBusIds};
static IOP_DRIVER_SERVICE KtPnpFuncService = {.Name = L"KtPnpFunc",
                                              .DriverEntry = KtPnpFuncEntry, .Ids = KtPnpFuncIds};
IOP_DRIVER_SERVICE KtPnpLateService = {.Name = L"KtPnpLate", .DriverEntry = KtPnpFuncEntry,
                                       .Ids = KtPnpLateIds};

VOID
KtPnpLog(PKTPNP_EXTENSION Ext, PIRP Irp)
{
    PIO_STACK_LOCATION IrpSp = IoGetCurrentIrpStackLocation(Irp);
    ULONG Index = KtPnp.EventCount;

    if (Index < KTPNP_MAX_EVENTS) {
        KtPnp.Events[Index].Who = Ext->Who;
        KtPnp.Events[Index].Major = IrpSp->MajorFunction;
        KtPnp.Events[Index].Minor = IrpSp->MinorFunction;
        KtPnp.Events[Index].PowerState = (UCHAR)IrpSp->Parameters.Power.State.DeviceState;
        KtPnp.EventCount = Index + 1;
    }
}

LONG
KtPnpFindEvent(ULONG From, UCHAR Who, UCHAR Major, UCHAR Minor)
{
    ULONG Index;

    for (Index = From; Index < KtPnp.EventCount; Index++) {
        if (KtPnp.Events[Index].Who == Who && KtPnp.Events[Index].Major == Major &&
            KtPnp.Events[Index].Minor == Minor) {
            return (LONG)Index;
        }
    }
    return -1;
}

VOID
KtPnpReset(VOID)
{
    static BOOLEAN Registered;

    if (!Registered) {
        IopRegisterDriverService(&KtPnpBusService);
        IopRegisterDriverService(&KtPnpFuncService);
        Registered = TRUE;
    }
    KtPnpSetMessageSignaled(FALSE);
    RtlZeroMemory(&KtPnp, sizeof(KtPnp));
}

VOID
KtPnpSetMessageSignaled(BOOLEAN MessageSignaled)
{
    KtPnpFuncService.MessageSignaled = MessageSignaled;
}

PDEVICE_OBJECT
KtPnpCreateBus(PCWSTR Instance)
{
    PDEVICE_OBJECT Pdo;

    if (!NT_SUCCESS(IopRootCreateDevice(L"Root\\KtPnpBus", Instance, &Pdo))) {
        return NULL;
    }
    IopWaitForPnpIdle();
    return Pdo;
}

NTSTATUS
KtPnpComplete(PIRP Irp, NTSTATUS Status, ULONG_PTR Information)
{
    Irp->IoStatus.Status = Status;
    Irp->IoStatus.Information = Information;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return Status;
}

/* IRQL <= DISPATCH_LEVEL. Function drivers and the bus FDO pass power IRPs
 * down; the PDOs answer as a bus driver does. */
NTSTATUS
KtPnpPower(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PKTPNP_EXTENSION Ext = DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION IrpSp = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS Status = Irp->IoStatus.Status;

    KtPnpLog(Ext, Irp);
    PoStartNextPowerIrp(Irp);
    if (!Ext->IsPdo) {
        IoSkipCurrentIrpStackLocation(Irp);
        return PoCallDriver(Ext->Lower, Irp);
    }
    if (IrpSp->MinorFunction == IRP_MN_SET_POWER || IrpSp->MinorFunction == IRP_MN_QUERY_POWER) {
        if (IrpSp->MinorFunction == IRP_MN_SET_POWER &&
            IrpSp->Parameters.Power.Type == DevicePowerState) {
            PoSetPowerState(DeviceObject, DevicePowerState, IrpSp->Parameters.Power.State);
        }
        Status = STATUS_SUCCESS;
    } else if (IrpSp->MinorFunction == IRP_MN_WAIT_WAKE ||
               IrpSp->MinorFunction == IRP_MN_POWER_SEQUENCE) {
        Status = STATUS_NOT_SUPPORTED;
    }
    return KtPnpComplete(Irp, Status, Irp->IoStatus.Information);
}

/* PASSIVE_LEVEL. */
PDEVICE_NODE
KtPnpChildNode(ULONG Index)
{
    PDEVICE_OBJECT Pdo = KtPnp.Children[Index].Pdo;

    return Pdo != NULL ? IopDeviceExtension(Pdo)->DeviceNode : NULL;
}
