/*
 * tests/kernel/serialport.c - a stand-in for the PnP manager's part in
 * the serial driver's tests (serialtest.h says what and why).
 */
#include "tests/kernel/serialtest.h"
#include "io/pnpp.h"
#include "drivers/serial/serial.h"

static DRIVER_INITIALIZE KtsBusDriverEntry;
static DRIVER_DISPATCH KtsBusPnp;
static DRIVER_DISPATCH KtsBusPower;
static IO_COMPLETION_ROUTINE KtsSignal;

static PDRIVER_OBJECT KtsBusDriver;

/* PASSIVE_LEVEL. A bus driver's PDO answers the PnP IRPs it understands
 * and leaves the others' status alone. Its COM number (UINumber) is 9. */
static NTSTATUS
KtsBusPnp(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PIO_STACK_LOCATION IrpSp = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS Status = Irp->IoStatus.Status;

    UNREFERENCED_PARAMETER(DeviceObject);
    switch (IrpSp->MinorFunction) {
    case IRP_MN_START_DEVICE:
    case IRP_MN_QUERY_STOP_DEVICE:
    case IRP_MN_STOP_DEVICE:
    case IRP_MN_CANCEL_STOP_DEVICE:
    case IRP_MN_QUERY_REMOVE_DEVICE:
    case IRP_MN_CANCEL_REMOVE_DEVICE:
    case IRP_MN_SURPRISE_REMOVAL:
    case IRP_MN_REMOVE_DEVICE:
        Status = STATUS_SUCCESS;
        break;
    case IRP_MN_QUERY_CAPABILITIES:
        IrpSp->Parameters.DeviceCapabilities.Capabilities->UINumber = 9;
        Status = STATUS_SUCCESS;
        break;
    default:
        break;
    }
    Irp->IoStatus.Status = Status;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return Status;
}

/* PASSIVE_LEVEL. Power IRPs succeed at the bottom. */
static NTSTATUS
KtsBusPower(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    Irp->IoStatus.Status = STATUS_SUCCESS;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

/* PASSIVE_LEVEL. */
static NTSTATUS
KtsBusDriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->MajorFunction[IRP_MJ_PNP] = KtsBusPnp;
    DriverObject->MajorFunction[IRP_MJ_POWER] = KtsBusPower;
    return STATUS_SUCCESS;
}

/* IRQL <= DISPATCH_LEVEL: the IRP came back; KtsSendPnp takes it. */
static NTSTATUS
KtsSignal(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Irp);
    KeSetEvent(Context, IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

NTSTATUS
KtsSendPnp(PKTS_PORT Port, UCHAR Minor, PCM_RESOURCE_LIST Raw, PCM_RESOURCE_LIST Translated)
{
    PDEVICE_OBJECT Top = IoGetAttachedDeviceReference(Port->Pdo);
    PIO_STACK_LOCATION IrpSp;
    NTSTATUS Status;
    KEVENT Event;
    PIRP Irp;

    Irp = IoAllocateIrp(Top->StackSize, FALSE);
    if (Irp == NULL) {
        ObDereferenceObject(Top);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    Irp->IoStatus.Status = STATUS_NOT_SUPPORTED;
    IrpSp = IoGetNextIrpStackLocation(Irp);
    IrpSp->MajorFunction = IRP_MJ_PNP;
    IrpSp->MinorFunction = Minor;
    if (Minor == IRP_MN_START_DEVICE) {
        IrpSp->Parameters.StartDevice.AllocatedResources = Raw;
        IrpSp->Parameters.StartDevice.AllocatedResourcesTranslated = Translated;
    }
    KeInitializeEvent(&Event, NotificationEvent, FALSE);
    IoSetCompletionRoutine(Irp, KtsSignal, &Event, TRUE, TRUE, TRUE);
    Status = IoCallDriver(Top, Irp);
    if (Status == STATUS_PENDING) {
        KeWaitForSingleObject(&Event, Executive, KernelMode, FALSE, NULL);
    }
    Status = Irp->IoStatus.Status;
    IoFreeIrp(Irp);
    ObDereferenceObject(Top);
    return Status;
}

/* One full descriptor: COM2's eight ports and, optionally, its interrupt. */
VOID
KtsBuildResources(PCM_RESOURCE_LIST Raw, PCM_RESOURCE_LIST Translated, BOOLEAN WithInterrupt)
{
    PCM_RESOURCE_LIST Lists[2] = {Raw, Translated};
    PCM_PARTIAL_RESOURCE_DESCRIPTOR Partial;
    KAFFINITY Affinity = 1;
    ULONG Vector, Index;
    KIRQL Irql = 0;

    Vector = HalGetInterruptVector(Isa, 0, KTS_COM2_IRQ, KTS_COM2_IRQ, &Irql, &Affinity);
    for (Index = 0; Index < 2; Index++) {
        PCM_RESOURCE_LIST List = Lists[Index];
        RtlZeroMemory(List, sizeof(KTS_RESOURCE_BUFFER));
        List->Count = 1;
        List->List[0].InterfaceType = Isa;
        List->List[0].PartialResourceList.Version = 1;
        List->List[0].PartialResourceList.Revision = 1;
        List->List[0].PartialResourceList.Count = WithInterrupt ? 2 : 1;
        Partial = &List->List[0].PartialResourceList.PartialDescriptors[0];
        Partial->Type = CmResourceTypePort;
        Partial->ShareDisposition = CmResourceShareDeviceExclusive;
        Partial->Flags = CM_RESOURCE_PORT_IO | CM_RESOURCE_PORT_16_BIT_DECODE;
        Partial->u.Port.Start.QuadPart = KTS_COM2_PORT;
        Partial->u.Port.Length = 8;
        Partial++;
        Partial->Type = CmResourceTypeInterrupt;
        Partial->ShareDisposition = CmResourceShareDeviceExclusive;
        Partial->Flags = CM_RESOURCE_INTERRUPT_LATCHED;   /* ISA: edge */
        if (Index == 0) {
            Partial->u.Interrupt.Level = KTS_COM2_IRQ;
            Partial->u.Interrupt.Vector = KTS_COM2_IRQ;
            Partial->u.Interrupt.Affinity = (KAFFINITY)-1;
        } else {
            Partial->u.Interrupt.Level = Irql;
            Partial->u.Interrupt.Vector = Vector;
            Partial->u.Interrupt.Affinity = Affinity;
        }
    }
}

/* PASSIVE_LEVEL, tree lock held. */
static PDEVICE_NODE
KtsCom2Node(VOID)
{
    return IopFindDeviceNodeByInstancePath(L"Root\\*PNP0501\\1");
}

VOID
KtsTakeCom2FromDriver(VOID)
{
    PDEVICE_NODE Node;

    IopAcquirePnpTreeLock();
    Node = KtsCom2Node();
    if (Node != NULL && Node->State == DeviceNodeStarted) {
        (VOID)IopRequestDeviceStop(Node);
    }
    IopReleasePnpTreeLock();
}

VOID
KtsGiveCom2Back(VOID)
{
    PDEVICE_NODE Node;

    IopAcquirePnpTreeLock();
    Node = KtsCom2Node();
    if (Node != NULL && Node->State == DeviceNodeStopped) {
        (VOID)IopRequestDeviceStart(Node);
    }
    IopReleasePnpTreeLock();
}

/* Opens Name into Port->Handle, with Port's event for asynchronous use. */
static NTSTATUS
KtsOpen(PKTS_PORT Port, PUNICODE_STRING Name, BOOLEAN Synchronous)
{
    OBJECT_ATTRIBUTES Attributes;
    IO_STATUS_BLOCK IoStatus;
    NTSTATUS Status;

    Status = ZwCreateEvent(&Port->Event, EVENT_ALL_ACCESS, NULL, NotificationEvent, FALSE);
    if (NT_SUCCESS(Status)) {
        Status = ObReferenceObjectByHandle(Port->Event, EVENT_MODIFY_STATE, *ExEventObjectType,
                                           KernelMode, (PVOID *)&Port->EventObject, NULL);
    }
    if (NT_SUCCESS(Status)) {
        InitializeObjectAttributes(&Attributes, Name, OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE,
                                   NULL, NULL);
        Status = ZwCreateFile(&Port->Handle, GENERIC_READ | GENERIC_WRITE | SYNCHRONIZE,
                              &Attributes, &IoStatus, NULL, 0, 0, FILE_OPEN,
                              Synchronous ? FILE_SYNCHRONOUS_IO_NONALERT : 0, NULL, 0);
        if (!NT_SUCCESS(Status)) {
            Port->Handle = NULL;
        }
    }
    return Status;
}

NTSTATUS
KtsSetUp(PKTS_PORT Port, BOOLEAN Synchronous)
{
    UNICODE_STRING Name;
    PDEVICE_NODE Node;
    NTSTATUS Status;

    RtlZeroMemory(Port, sizeof(*Port));
    KtsGiveCom2Back();
    IopAcquirePnpTreeLock();
    Node = KtsCom2Node();
    if (Node == NULL || Node->State != DeviceNodeStarted) {
        IopReleasePnpTreeLock();
        DbgPrint("KtsSetUp: the PnP manager has no started COM2 (Root\\*PNP0501\\1)\n");
        return STATUS_NO_SUCH_DEVICE;
    }
    Port->Node = Node;
    Port->Pdo = Node->PhysicalDeviceObject;
    Port->Fdo = IoGetAttachedDevice(Port->Pdo);
    IopReleasePnpTreeLock();
    RtlInitUnicodeString(&Name, KTS_COM2_NAME);
    Status = KtsOpen(Port, &Name, Synchronous);
    if (NT_SUCCESS(Status)) {
        /* The port keeps its settings between opens, as on Windows: each
         * test starts from 115200 8N1, DTR and RTS on, no loopback, no
         * timeouts. */
        SERIAL_BAUD_RATE Baud = {115200};
        SERIAL_LINE_CONTROL Line = {STOP_BIT_1, NO_PARITY, 8};
        ULONG Mcr = SERIAL_DTR_STATE | SERIAL_RTS_STATE;

        Status = KtsIoctl(Port, IOCTL_SERIAL_SET_BAUD_RATE, &Baud, sizeof(Baud), NULL, 0, NULL);
        if (NT_SUCCESS(Status)) {
            Status = KtsIoctl(Port, IOCTL_SERIAL_SET_LINE_CONTROL, &Line, sizeof(Line), NULL, 0,
                              NULL);
        }
        if (NT_SUCCESS(Status)) {
            Status = KtsIoctl(Port, IOCTL_SERIAL_SET_MODEM_CONTROL, &Mcr, sizeof(Mcr), NULL, 0,
                              NULL);
        }
        if (NT_SUCCESS(Status)) {
            Status = KtsSetTimeouts(Port, 0, 0, 0);
        }
        if (NT_SUCCESS(Status)) {
            Status = KtsDefaultFlow(Port);
        }
    }
    if (!NT_SUCCESS(Status)) {
        KtsTearDown(Port);
    }
    return Status;
}

NTSTATUS
KtsStop(PKTS_PORT Port)
{
    NTSTATUS Status;

    if (Port->Private) {
        Status = KtsSendPnp(Port, IRP_MN_QUERY_STOP_DEVICE, NULL, NULL);
        return NT_SUCCESS(Status) ? KtsSendPnp(Port, IRP_MN_STOP_DEVICE, NULL, NULL) : Status;
    }
    IopAcquirePnpTreeLock();
    Status = IopRequestDeviceStop(Port->Node);
    IopReleasePnpTreeLock();
    return Status;
}

NTSTATUS
KtsStart(PKTS_PORT Port)
{
    KTS_RESOURCE_BUFFER Raw, Translated;
    NTSTATUS Status;

    if (Port->Private) {
        KtsBuildResources(&Raw.List, &Translated.List, TRUE);
        return KtsSendPnp(Port, IRP_MN_START_DEVICE, &Raw.List, &Translated.List);
    }
    IopAcquirePnpTreeLock();
    Status = IopRequestDeviceStart(Port->Node);
    IopReleasePnpTreeLock();
    return Status;
}

NTSTATUS
KtsLoadBusDriver(VOID)
{
    if (KtsBusDriver != NULL) {
        return STATUS_SUCCESS;
    }
    return IopLoadDriver(L"KtSerialBus", KtsBusDriverEntry, &KtsBusDriver);
}

NTSTATUS
KtsSetUpPrivate(PKTS_PORT Port, BOOLEAN Synchronous)
{
    KTS_RESOURCE_BUFFER Raw, Translated;
    PDRIVER_OBJECT Serial;
    NTSTATUS Status;

    RtlZeroMemory(Port, sizeof(*Port));
    Port->Private = TRUE;
    KtsTakeCom2FromDriver();
    Status = KtsLoadBusDriver();
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    Serial = IopReferenceDriverByName(L"Serial");
    if (Serial == NULL) {
        DbgPrint("KtsSetUp: \\Driver\\Serial is not loaded\n");
        return STATUS_NOT_FOUND;
    }
    Status = IoCreateDevice(KtsBusDriver, 0, NULL, FILE_DEVICE_BUS_EXTENDER, 0, FALSE, &Port->Pdo);
    if (!NT_SUCCESS(Status)) {
        ObDereferenceObject(Serial);
        return Status;
    }
    Port->Pdo->Flags |= DO_BUS_ENUMERATED_DEVICE;
    Port->Pdo->Flags &= ~DO_DEVICE_INITIALIZING;
    Status = Serial->DriverExtension->AddDevice(Serial, Port->Pdo);
    ObDereferenceObject(Serial);
    if (!NT_SUCCESS(Status)) {
        IoDeleteDevice(Port->Pdo);
        Port->Pdo = NULL;
        return Status;
    }
    Port->Fdo = Port->Pdo->AttachedDevice;
    KtsBuildResources(&Raw.List, &Translated.List, TRUE);
    Status = KtsSendPnp(Port, IRP_MN_START_DEVICE, &Raw.List, &Translated.List);
    if (!NT_SUCCESS(Status)) {
        KtsTearDown(Port);
        return Status;
    }
    /* The name the driver chose: COM9, from the PDO's UINumber. */
    Status = KtsOpen(Port, &((PSERIAL_DEVICE_EXTENSION)Port->Fdo->DeviceExtension)->LinkName,
                     Synchronous);
    if (!NT_SUCCESS(Status)) {
        KtsTearDown(Port);
    }
    return Status;
}

VOID
KtsTearDown(PKTS_PORT Port)
{
    if (Port->Handle != NULL) {
        ZwClose(Port->Handle);
        Port->Handle = NULL;
    }
    if (Port->EventObject != NULL) {
        ObDereferenceObject(Port->EventObject);
        Port->EventObject = NULL;
    }
    if (Port->Event != NULL) {
        ZwClose(Port->Event);
        Port->Event = NULL;
    }
    if (Port->Private && Port->Pdo != NULL) {
        if (Port->Pdo->AttachedDevice != NULL) {
            (VOID)KtsSendPnp(Port, IRP_MN_REMOVE_DEVICE, NULL, NULL);
        }
        IoDeleteDevice(Port->Pdo);
    }
    Port->Pdo = NULL;
    KtsGiveCom2Back();
}

NTSTATUS
KtsSetPower(PKTS_PORT Port, DEVICE_POWER_STATE State)
{
    return IopSetDevicePowerState(Port->Node, State);
}

ULONG64
KtsInterruptCount(PKTS_PORT Port)
{
    PSERIAL_DEVICE_EXTENSION Extension = Port->Fdo->DeviceExtension;

    return Extension->Uart.Interrupts;
}
