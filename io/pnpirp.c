/*
 * io/pnpirp.c - the PnP and power IRPs the PnP manager sends, and how.
 *
 * Every one goes to the top of the device's stack in an IRP with one
 * location per device there, IoStatus.Status preset to STATUS_NOT_SUPPORTED
 * (a request nobody handles comes back so, and a driver that does not
 * handle a minor function passes it down without touching the status).
 * The manager waits for it the standard way: an event, and a completion
 * routine that sets it and returns STATUS_MORE_PROCESSING_REQUIRED so the
 * IRP comes back to the manager, which frees it. Buffers a driver returns
 * in Information (IDs, relations, resource lists) are pool the manager
 * frees with ExFreePool, as the WDK says.
 */
#include "io/pnpp.h"

/* IRQL <= DISPATCH_LEVEL (completion's). */
static NTSTATUS
IopPnpIrpCompleted(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Irp);
    KeSetEvent((PKEVENT)Context, IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

/* PASSIVE_LEVEL. */
NTSTATUS
IopSendPnpIrp(PDEVICE_OBJECT Device, UCHAR Major, UCHAR Minor, const VOID *Parameters,
              SIZE_T ParametersSize, PULONG_PTR Information)
{
    return IopSendPnpIrpWithInformation(Device, Major, Minor, Parameters, ParametersSize, 0,
                                        Information);
}

/* PASSIVE_LEVEL. */
NTSTATUS
IopSendPnpIrpWithInformation(PDEVICE_OBJECT Device, UCHAR Major, UCHAR Minor,
                             const VOID *Parameters, SIZE_T ParametersSize,
                             ULONG_PTR InitialInformation, PULONG_PTR Information)
{
    PDEVICE_OBJECT Top;
    PIO_STACK_LOCATION IrpSp;
    NTSTATUS Status;
    KEVENT Event;
    PIRP Irp;

    if (Information != NULL) {
        *Information = 0;
    }
    Top = IoGetAttachedDeviceReference(Device);
    Irp = IoAllocateIrp(Top->StackSize, FALSE);
    if (Irp == NULL) {
        ObfDereferenceObject(Top);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    Irp->IoStatus.Status = STATUS_NOT_SUPPORTED;
    Irp->IoStatus.Information = InitialInformation;
    Irp->RequestorMode = KernelMode;
    IrpSp = IoGetNextIrpStackLocation(Irp);
    IrpSp->MajorFunction = Major;
    IrpSp->MinorFunction = Minor;
    if (Parameters != NULL) {
        ASSERT(ParametersSize <= sizeof(IrpSp->Parameters));
        RtlCopyMemory(&IrpSp->Parameters, Parameters, ParametersSize);
    }
    KeInitializeEvent(&Event, NotificationEvent, FALSE);
    IoSetCompletionRoutine(Irp, IopPnpIrpCompleted, &Event, TRUE, TRUE, TRUE);
    if (IoCallDriver(Top, Irp) == STATUS_PENDING) {
        KeWaitForSingleObject(&Event, Executive, KernelMode, FALSE, NULL);
    }
    Status = Irp->IoStatus.Status;
    if (Information != NULL) {
        *Information = Irp->IoStatus.Information;
    }
    IoFreeIrp(Irp);
    ObfDereferenceObject(Top);
    return Status;
}

NTSTATUS
IopSendPnpMinor(PDEVICE_OBJECT Device, UCHAR Minor)
{
    return IopSendPnpIrp(Device, IRP_MJ_PNP, Minor, NULL, 0, NULL);
}

/* PASSIVE_LEVEL. REMOVE_DEVICE: while it travels, each driver may delete
 * its device with the one above still attached (it detaches on the way
 * back up), so the stack is marked DOE_REMOVE_PROCESSED for IoDeleteDevice;
 * a PDO its bus keeps (the device is still there) loses the mark again. */
NTSTATUS
IopSendRemoveDevice(PDEVICE_OBJECT Pdo)
{
    PDEVICE_OBJECT Device;
    NTSTATUS Status;
    KIRQL OldIrql;

    ObfReferenceObject(Pdo);
    KeAcquireSpinLock(&IopDatabaseLock, &OldIrql);
    for (Device = Pdo; Device != NULL; Device = Device->AttachedDevice) {
        InterlockedOr((volatile LONG *)&IopDeviceExtension(Device)->ExtensionFlags,
                      DOE_REMOVE_PROCESSED);
    }
    KeReleaseSpinLock(&IopDatabaseLock, OldIrql);
    Status = IopSendPnpMinor(Pdo, IRP_MN_REMOVE_DEVICE);
    InterlockedAnd((volatile LONG *)&IopDeviceExtension(Pdo)->ExtensionFlags,
                   ~(LONG)DOE_REMOVE_PROCESSED);
    /* The drivers are gone: so are the names clients found them by. */
    if (IopDeviceExtension(Pdo)->DeviceNode != NULL) {
        IopDisableDeviceInterfaces(IopDeviceExtension(Pdo)->DeviceNode);
    }
    ObfDereferenceObject(Pdo);
    return Status;
}

/* PASSIVE_LEVEL. *Relations is NULL when the driver reported none. */
NTSTATUS
IopQueryDeviceRelations(PDEVICE_OBJECT Device, DEVICE_RELATION_TYPE Type,
                        PDEVICE_RELATIONS *Relations)
{
    ULONG_PTR Information;
    NTSTATUS Status;

    Status = IopSendPnpIrp(Device, IRP_MJ_PNP, IRP_MN_QUERY_DEVICE_RELATIONS, &Type, sizeof(Type),
                           &Information);
    *Relations = NT_SUCCESS(Status) ? (PDEVICE_RELATIONS)Information : NULL;
    return Status;
}

/* PASSIVE_LEVEL. *Id is a pool string (a multi-sz for the ID lists) or
 * NULL. */
NTSTATUS
IopQueryId(PDEVICE_OBJECT Device, BUS_QUERY_ID_TYPE Type, PWSTR *Id)
{
    ULONG_PTR Information;
    NTSTATUS Status;

    Status = IopSendPnpIrp(Device, IRP_MJ_PNP, IRP_MN_QUERY_ID, &Type, sizeof(Type),
                           &Information);
    *Id = NT_SUCCESS(Status) ? (PWSTR)Information : NULL;
    return Status;
}

/* PASSIVE_LEVEL. The structure starts as Windows prepares it: Size,
 * Version 1, Address and UINumber -1 (unknown), the rest zero. */
NTSTATUS
IopQueryCapabilities(PDEVICE_OBJECT Device, PDEVICE_CAPABILITIES Caps)
{
    PDEVICE_CAPABILITIES Pointer = Caps;

    RtlZeroMemory(Caps, sizeof(*Caps));
    Caps->Size = sizeof(DEVICE_CAPABILITIES);
    Caps->Version = 1;
    Caps->Address = MAXULONG;
    Caps->UINumber = MAXULONG;
    return IopSendPnpIrp(Device, IRP_MJ_PNP, IRP_MN_QUERY_CAPABILITIES, &Pointer,
                         sizeof(Pointer), NULL);
}

/* PASSIVE_LEVEL. START_DEVICE with the node's assigned lists. */
NTSTATUS
IopSendStartDevice(PDEVICE_NODE Node)
{
    PCM_RESOURCE_LIST Lists[2] = {Node->ResourceList, Node->ResourceListTranslated};

    return IopSendPnpIrp(Node->PhysicalDeviceObject, IRP_MJ_PNP, IRP_MN_START_DEVICE, Lists,
                         sizeof(Lists), NULL);
}

/* PASSIVE_LEVEL. A power IRP as the power manager builds one: Type, State
 * and, for system IRPs, the shutdown action. */
NTSTATUS
IopSendPowerIrp(PDEVICE_OBJECT Device, UCHAR Minor, POWER_STATE_TYPE Type, POWER_STATE State,
                POWER_ACTION Action)
{
    IO_STACK_LOCATION Template;

    RtlZeroMemory(&Template, sizeof(Template));
    Template.Parameters.Power.Type = Type;
    Template.Parameters.Power.State = State;
    Template.Parameters.Power.ShutdownType = Action;
    return IopSendPnpIrp(Device, IRP_MJ_POWER, Minor, &Template.Parameters,
                         sizeof(Template.Parameters), NULL);
}
