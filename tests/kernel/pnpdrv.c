/*
 * tests/kernel/pnpdrv.c - KtPnpBus and KtPnpFunc, the PnP tests' drivers
 * (contract in tests/kernel/pnpdrv.h). They follow the WDK's patterns: the
 * bus driver completes its PDOs' IRPs itself and passes its FDO's down;
 * the function driver starts after the lower drivers
 * (IoForwardIrpSynchronously), passes everything else down, and detaches
 * and deletes its device on REMOVE_DEVICE.
 */
#include "tests/kernel/pnpdrv.h"
#include "io/pnpp.h"

KTPNP_STATE KtPnp;
const GUID KTPNP_BUS_TYPE = {0x6B7A3C10, 0x2F4E, 0x4D1A,
                             {0x9C, 0x55, 0x4B, 0x54, 0x50, 0x50, 0x4E, 0x50}};

typedef struct _KTPNP_EXTENSION {
    UCHAR Who;
    BOOLEAN IsPdo;
    ULONG Child;
    PDEVICE_OBJECT Lower;
} KTPNP_EXTENSION, *PKTPNP_EXTENSION;

static DRIVER_INITIALIZE KtPnpBusEntry;
static DRIVER_INITIALIZE KtPnpFuncEntry;
static DRIVER_ADD_DEVICE KtPnpBusAddDevice;
static DRIVER_ADD_DEVICE KtPnpFuncAddDevice;
static DRIVER_DISPATCH KtPnpBusPnp;
static DRIVER_DISPATCH KtPnpFuncPnp;
static DRIVER_DISPATCH KtPnpPower;
static DRIVER_DISPATCH KtPnpCreateClose;

static const PCWSTR KtPnpBusIds[] = {L"Root\\KtPnpBus", NULL};
static const PCWSTR KtPnpFuncIds[] = {L"KTPNP\\Widget", NULL};
static const PCWSTR KtPnpLateIds[] = {L"KTPNP\\Late", NULL};
static IOP_DRIVER_SERVICE KtPnpBusService = {.Name = L"KtPnpBus", .DriverEntry = KtPnpBusEntry,
                                             .Ids = KtPnpBusIds};
static IOP_DRIVER_SERVICE KtPnpFuncService = {.Name = L"KtPnpFunc",
                                              .DriverEntry = KtPnpFuncEntry, .Ids = KtPnpFuncIds};
IOP_DRIVER_SERVICE KtPnpLateService = {.Name = L"KtPnpLate", .DriverEntry = KtPnpFuncEntry,
                                       .Ids = KtPnpLateIds};
static PDRIVER_OBJECT KtPnpBusDriver;

static VOID
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

static NTSTATUS
KtPnpComplete(PIRP Irp, NTSTATUS Status, ULONG_PTR Information)
{
    Irp->IoStatus.Status = Status;
    Irp->IoStatus.Information = Information;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return Status;
}

static NTSTATUS
KtPnpBusEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    KtPnpBusDriver = DriverObject;
    DriverObject->DriverExtension->AddDevice = KtPnpBusAddDevice;
    DriverObject->MajorFunction[IRP_MJ_PNP] = KtPnpBusPnp;
    DriverObject->MajorFunction[IRP_MJ_POWER] = KtPnpPower;
    return STATUS_SUCCESS;
}

static NTSTATUS
KtPnpFuncEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    DriverObject->DriverExtension->AddDevice = KtPnpFuncAddDevice;
    DriverObject->MajorFunction[IRP_MJ_PNP] = KtPnpFuncPnp;
    DriverObject->MajorFunction[IRP_MJ_POWER] = KtPnpPower;
    DriverObject->MajorFunction[IRP_MJ_CREATE] = KtPnpCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = KtPnpCreateClose;
    return STATUS_SUCCESS;
}

/* PASSIVE_LEVEL. */
static NTSTATUS
KtPnpBusAddDevice(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT Pdo)
{
    PKTPNP_EXTENSION Ext;
    PDEVICE_OBJECT Fdo;
    NTSTATUS Status;

    Status = IoCreateDevice(DriverObject, sizeof(KTPNP_EXTENSION), NULL, FILE_DEVICE_BUS_EXTENDER,
                            0, FALSE, &Fdo);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    Ext = Fdo->DeviceExtension;
    Ext->Who = KTPNP_WHO_BUS;
    Ext->Lower = IoAttachDeviceToDeviceStack(Fdo, Pdo);
    KtPnp.BusFdo = Fdo;
    Fdo->Flags &= ~DO_DEVICE_INITIALIZING;
    return STATUS_SUCCESS;
}

/* PASSIVE_LEVEL. The children the test marked present. */
static PDEVICE_RELATIONS
KtPnpBusRelations(VOID)
{
    PDEVICE_RELATIONS Relations;
    PKTPNP_EXTENSION Ext;
    ULONG Index;

    Relations = ExAllocatePoolZero(PagedPool, sizeof(DEVICE_RELATIONS) +
                                                  KTPNP_MAX_CHILDREN * sizeof(PDEVICE_OBJECT),
                                   'tnPK');
    if (Relations == NULL) {
        return NULL;
    }
    for (Index = 0; Index < KTPNP_MAX_CHILDREN; Index++) {
        KTPNP_CHILD *Child = &KtPnp.Children[Index];

        if (!Child->Present) {
            continue;
        }
        if (Child->Pdo == NULL) {
            if (!NT_SUCCESS(IoCreateDevice(KtPnpBusDriver, sizeof(KTPNP_EXTENSION), NULL,
                                           FILE_DEVICE_UNKNOWN, FILE_AUTOGENERATED_DEVICE_NAME,
                                           FALSE, &Child->Pdo))) {
                continue;
            }
            Ext = Child->Pdo->DeviceExtension;
            Ext->Who = KTPNP_WHO_PDO(Index);
            Ext->IsPdo = TRUE;
            Ext->Child = Index;
            Child->Pdo->Flags &= ~DO_DEVICE_INITIALIZING;
        }
        ObfReferenceObject(Child->Pdo);
        Relations->Objects[Relations->Count++] = Child->Pdo;
    }
    return Relations;
}

static PWSTR
KtPnpString(PCWSTR Text, ULONG Bytes)
{
    PWSTR Copy = ExAllocatePoolZero(PagedPool, Bytes, 'tnPK');

    if (Copy != NULL) {
        RtlCopyMemory(Copy, Text, Bytes);
    }
    return Copy;
}

/* The port, wider than the boot configuration's so that the PnP manager
 * must take the boot value, not the minimum. */
static PIO_RESOURCE_DESCRIPTOR
KtPnpPortRequirement(PIO_RESOURCE_DESCRIPTOR Desc, KTPNP_CHILD *Child)
{
    if (Child->PortBase == 0) {
        return Desc;
    }
    Desc->Type = CmResourceTypePort;
    Desc->ShareDisposition = CmResourceShareDeviceExclusive;
    Desc->Flags = CM_RESOURCE_PORT_IO;
    Desc->u.Port.Length = 0x10;
    Desc->u.Port.Alignment = 0x10;
    Desc->u.Port.MinimumAddress.QuadPart = Child->PortBase - 0x100;
    Desc->u.Port.MaximumAddress.QuadPart = Child->PortBase + 0xFF;
    return Desc + 1;
}

/* PASSIVE_LEVEL. Requirements as the contract has the PCI bus report a
 * function with messages (and a line): messages first, then the line. */
static PIO_RESOURCE_REQUIREMENTS_LIST
KtPnpMessageRequirements(KTPNP_CHILD *Child)
{
    ULONG Lists = Child->Irq != 0xFF ? 2 : 1, Ports = Child->PortBase != 0, Index;
    ULONG MessageDescriptors = Child->MessagePerDescriptor ? Child->Messages : 1;
    ULONG Bytes = FIELD_OFFSET(IO_RESOURCE_REQUIREMENTS_LIST, List) +
                  Lists * FIELD_OFFSET(IO_RESOURCE_LIST, Descriptors) +
                  (Lists * Ports + MessageDescriptors + (Lists - 1)) *
                      sizeof(IO_RESOURCE_DESCRIPTOR);
    PIO_RESOURCE_REQUIREMENTS_LIST List = ExAllocatePoolZero(PagedPool, Bytes, 'tnPK');
    PIO_RESOURCE_LIST Alternative;
    PIO_RESOURCE_DESCRIPTOR Desc;

    if (List == NULL) {
        return NULL;
    }
    List->ListSize = Bytes;
    List->InterfaceType = Isa;
    List->AlternativeLists = Lists;
    Alternative = List->List;
    Alternative->Version = Alternative->Revision = 1;
    Desc = KtPnpPortRequirement(Alternative->Descriptors, Child);
    for (Index = 0; Index < MessageDescriptors; Index++, Desc++) {
        ULONG Count = Child->MessagePerDescriptor ? 1 : Child->Messages;

        Desc->Type = CmResourceTypeInterrupt;
        Desc->ShareDisposition = CmResourceShareDeviceExclusive;
        Desc->Flags = CM_RESOURCE_INTERRUPT_MESSAGE | CM_RESOURCE_INTERRUPT_LATCHED;
        Desc->u.Interrupt.MaximumVector = CM_RESOURCE_INTERRUPT_MESSAGE_TOKEN - Index;
        Desc->u.Interrupt.MinimumVector = Desc->u.Interrupt.MaximumVector - (Count - 1);
        Desc->u.Interrupt.TargetedProcessors = (KAFFINITY)-1;
    }
    Alternative->Count = (ULONG)(Desc - Alternative->Descriptors);
    if (Lists == 2) {
        Alternative = (PIO_RESOURCE_LIST)Desc;
        Alternative->Version = Alternative->Revision = 1;
        Desc = KtPnpPortRequirement(Alternative->Descriptors, Child);
        Desc->Type = CmResourceTypeInterrupt;
        Desc->ShareDisposition = CmResourceShareDeviceExclusive;
        Desc->Flags = CM_RESOURCE_INTERRUPT_LATCHED;
        Desc->u.Interrupt.MinimumVector = 0;            /* the boot IRQ must win */
        Desc->u.Interrupt.MaximumVector = 15;
        Desc->u.Interrupt.TargetedProcessors = (KAFFINITY)-1;
        Alternative->Count = (ULONG)(Desc + 1 - Alternative->Descriptors);
    }
    return List;
}

/* PASSIVE_LEVEL. QUERY_DEVICE_TEXT and QUERY_BUS_INFORMATION for a child
 * that answers them; the IRP as it came for one that does not. */
static NTSTATUS
KtPnpPdoDescribe(KTPNP_CHILD *Child, ULONG Index, PIRP Irp)
{
    PIO_STACK_LOCATION IrpSp = IoGetCurrentIrpStackLocation(Irp);
    WCHAR Description[] = L"KtPnp widget 0", Location[] = L"KtPnp slot 0";
    PPNP_BUS_INFORMATION Bus;

    if (IrpSp->MinorFunction == IRP_MN_QUERY_DEVICE_TEXT) {
        Child->TextLocale = IrpSp->Parameters.QueryDeviceText.LocaleId;
        if (!Child->Text) {
            return KtPnpComplete(Irp, Irp->IoStatus.Status, Irp->IoStatus.Information);
        }
        Description[RTL_NUMBER_OF(Description) - 2] = (WCHAR)(L'0' + Index);
        Location[RTL_NUMBER_OF(Location) - 2] = (WCHAR)(L'0' + Index);
        if (IrpSp->Parameters.QueryDeviceText.DeviceTextType == DeviceTextDescription) {
            return KtPnpComplete(Irp, STATUS_SUCCESS,
                                 (ULONG_PTR)KtPnpString(Description, sizeof(Description)));
        }
        return KtPnpComplete(Irp, STATUS_SUCCESS,
                             (ULONG_PTR)KtPnpString(Location, sizeof(Location)));
    }
    if (!Child->BusInformation) {
        return KtPnpComplete(Irp, Irp->IoStatus.Status, Irp->IoStatus.Information);
    }
    Bus = ExAllocatePoolZero(PagedPool, sizeof(*Bus), 'tnPK');
    if (Bus == NULL) {
        return KtPnpComplete(Irp, STATUS_INSUFFICIENT_RESOURCES, 0);
    }
    Bus->BusTypeGuid = KTPNP_BUS_TYPE;
    Bus->LegacyBusType = Internal;
    Bus->BusNumber = KTPNP_BUS_NUMBER;
    return KtPnpComplete(Irp, STATUS_SUCCESS, (ULONG_PTR)Bus);
}

/* PASSIVE_LEVEL. A child PDO's answers. */
static NTSTATUS
KtPnpPdoPnp(PDEVICE_OBJECT DeviceObject, PKTPNP_EXTENSION Ext, PIRP Irp)
{
    PIO_STACK_LOCATION IrpSp = IoGetCurrentIrpStackLocation(Irp);
    KTPNP_CHILD *Child = &KtPnp.Children[Ext->Child];
    WCHAR Instance[2] = {(WCHAR)(L'0' + Ext->Child), 0};
    PDEVICE_CAPABILITIES Caps;

    if (DeviceObject == Child->RetiredPdo) {
        /* Replaced, no longer reported: its last REMOVE_DEVICE deletes it. */
        KtPnpComplete(Irp, IrpSp->MinorFunction == IRP_MN_REMOVE_DEVICE ? STATUS_SUCCESS
                                                                       : Irp->IoStatus.Status,
                      Irp->IoStatus.Information);
        if (IrpSp->MinorFunction == IRP_MN_REMOVE_DEVICE) {
            Child->RetiredPdo = NULL;
            IoDeleteDevice(DeviceObject);
        }
        return STATUS_SUCCESS;
    }
    switch (IrpSp->MinorFunction) {
    case IRP_MN_QUERY_DEVICE_TEXT:
    case IRP_MN_QUERY_BUS_INFORMATION:
        return KtPnpPdoDescribe(Child, Ext->Child, Irp);
    case IRP_MN_QUERY_ID:
        if (Child->Late && IrpSp->Parameters.QueryId.IdType != BusQueryInstanceID) {
            if (IrpSp->Parameters.QueryId.IdType == BusQueryDeviceID ||
                IrpSp->Parameters.QueryId.IdType == BusQueryHardwareIDs) {
                return KtPnpComplete(Irp, STATUS_SUCCESS,
                                     (ULONG_PTR)KtPnpString(L"KTPNP\\Late\0",
                                                            sizeof(L"KTPNP\\Late\0")));
            }
            return KtPnpComplete(Irp, Irp->IoStatus.Status, Irp->IoStatus.Information);
        }
        switch (IrpSp->Parameters.QueryId.IdType) {
        case BusQueryDeviceID:
            return KtPnpComplete(Irp, STATUS_SUCCESS,
                                 (ULONG_PTR)KtPnpString(L"KTPNP\\Widget", sizeof(L"KTPNP\\Widget")));
        case BusQueryHardwareIDs:
            return KtPnpComplete(Irp, STATUS_SUCCESS,
                                 (ULONG_PTR)KtPnpString(L"KTPNP\\Widget&REV_01\0KTPNP\\Widget\0",
                                                        sizeof(L"KTPNP\\Widget&REV_01\0KTPNP\\Widget\0")));
        case BusQueryCompatibleIDs:
            return KtPnpComplete(Irp, STATUS_SUCCESS,
                                 (ULONG_PTR)KtPnpString(L"KTPNP\\AnyWidget\0",
                                                        sizeof(L"KTPNP\\AnyWidget\0")));
        case BusQueryInstanceID:
            return KtPnpComplete(Irp, STATUS_SUCCESS,
                                 (ULONG_PTR)KtPnpString(Instance, sizeof(Instance)));
        default:
            return KtPnpComplete(Irp, Irp->IoStatus.Status, Irp->IoStatus.Information);
        }
    case IRP_MN_QUERY_CAPABILITIES:
        Caps = IrpSp->Parameters.DeviceCapabilities.Capabilities;
        if (Caps->Size != sizeof(DEVICE_CAPABILITIES) || Caps->Version != 1 ||
            Caps->Address != MAXULONG || Caps->UINumber != MAXULONG) {
            return KtPnpComplete(Irp, STATUS_UNSUCCESSFUL, 0);    /* the test notices */
        }
        Caps->Address = 0x100 + Ext->Child;
        Caps->Removable = Child->Removable;
        Caps->SurpriseRemovalOK = Child->SurpriseRemovalOK;
        return KtPnpComplete(Irp, STATUS_SUCCESS, 0);
    case IRP_MN_QUERY_RESOURCES:
        if (Child->PortBase != 0) {
            ULONG Count = Child->Irq != 0xFF ? 2 : 1;
            PCM_RESOURCE_LIST List = ExAllocatePoolZero(PagedPool, sizeof(CM_RESOURCE_LIST) +
                                                                     sizeof(CM_PARTIAL_RESOURCE_DESCRIPTOR),
                                                        'tnPK');
            PCM_PARTIAL_RESOURCE_DESCRIPTOR Desc;

            if (List == NULL) {
                return KtPnpComplete(Irp, STATUS_INSUFFICIENT_RESOURCES, 0);
            }
            List->Count = 1;
            List->List[0].InterfaceType = Isa;
            List->List[0].PartialResourceList.Version = 1;
            List->List[0].PartialResourceList.Revision = 1;
            List->List[0].PartialResourceList.Count = Count;
            Desc = List->List[0].PartialResourceList.PartialDescriptors;
            Desc[0].Type = CmResourceTypePort;
            Desc[0].ShareDisposition = CmResourceShareDeviceExclusive;
            Desc[0].Flags = CM_RESOURCE_PORT_IO;
            Desc[0].u.Port.Start.QuadPart = Child->PortBase;
            Desc[0].u.Port.Length = 0x10;
            if (Count == 2) {
                Desc[1].Type = CmResourceTypeInterrupt;
                Desc[1].ShareDisposition = CmResourceShareDeviceExclusive;
                Desc[1].Flags = CM_RESOURCE_INTERRUPT_LATCHED;
                Desc[1].u.Interrupt.Level = Child->Irq;
                Desc[1].u.Interrupt.Vector = Child->Irq;
                Desc[1].u.Interrupt.Affinity = (KAFFINITY)-1;
            }
            return KtPnpComplete(Irp, STATUS_SUCCESS, (ULONG_PTR)List);
        }
        return KtPnpComplete(Irp, Irp->IoStatus.Status, Irp->IoStatus.Information);
    case IRP_MN_QUERY_RESOURCE_REQUIREMENTS:
        if (Child->Messages != 0) {
            PIO_RESOURCE_REQUIREMENTS_LIST List = KtPnpMessageRequirements(Child);

            return KtPnpComplete(Irp, List != NULL ? STATUS_SUCCESS
                                                   : STATUS_INSUFFICIENT_RESOURCES,
                                 (ULONG_PTR)List);
        }
        return KtPnpComplete(Irp, Irp->IoStatus.Status, Irp->IoStatus.Information);
    case IRP_MN_START_DEVICE:
        return KtPnpComplete(Irp, Child->FailStart ? STATUS_UNSUCCESSFUL : STATUS_SUCCESS, 0);
    case IRP_MN_QUERY_STOP_DEVICE:
    case IRP_MN_CANCEL_STOP_DEVICE:
    case IRP_MN_STOP_DEVICE:
    case IRP_MN_QUERY_REMOVE_DEVICE:
    case IRP_MN_CANCEL_REMOVE_DEVICE:
    case IRP_MN_SURPRISE_REMOVAL:
        return KtPnpComplete(Irp, STATUS_SUCCESS, 0);
    case IRP_MN_REMOVE_DEVICE: {
        PDEVICE_OBJECT Pdo = Child->Pdo;

        KtPnpComplete(Irp, STATUS_SUCCESS, 0);
        if (!Child->Present && Pdo != NULL) {
            Child->Pdo = NULL;              /* gone from the bus: the PDO goes too */
            IoDeleteDevice(Pdo);
        } else if (Child->ReplacePdo && Pdo != NULL) {
            Child->RetiredPdo = Pdo;        /* the next BusRelations makes a new one */
            Child->Pdo = NULL;
        }
        return STATUS_SUCCESS;
    }
    default:
        return KtPnpComplete(Irp, Irp->IoStatus.Status, Irp->IoStatus.Information);
    }
}

/* PASSIVE_LEVEL. */
static NTSTATUS
KtPnpBusPnp(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PKTPNP_EXTENSION Ext = DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION IrpSp = IoGetCurrentIrpStackLocation(Irp);
    PDEVICE_OBJECT Lower = Ext->Lower;
    ULONG Index;

    KtPnpLog(Ext, Irp);
    if (Ext->IsPdo) {
        return KtPnpPdoPnp(DeviceObject, Ext, Irp);
    }
    switch (IrpSp->MinorFunction) {
    case IRP_MN_START_DEVICE:
        IoForwardIrpSynchronously(Lower, Irp);
        return KtPnpComplete(Irp, Irp->IoStatus.Status, 0);
    case IRP_MN_QUERY_DEVICE_RELATIONS:
        if (IrpSp->Parameters.QueryDeviceRelations.Type == BusRelations) {
            Irp->IoStatus.Information = (ULONG_PTR)KtPnpBusRelations();
            Irp->IoStatus.Status = STATUS_SUCCESS;
        }
        break;
    case IRP_MN_REMOVE_DEVICE:
        /* The bus goes: its children's PDOs with it. */
        for (Index = 0; Index < KTPNP_MAX_CHILDREN; Index++) {
            if (KtPnp.Children[Index].Pdo != NULL) {
                IoDeleteDevice(KtPnp.Children[Index].Pdo);
                KtPnp.Children[Index].Pdo = NULL;
            }
            if (KtPnp.Children[Index].RetiredPdo != NULL) {
                IoDeleteDevice(KtPnp.Children[Index].RetiredPdo);
                KtPnp.Children[Index].RetiredPdo = NULL;
            }
        }
        Irp->IoStatus.Status = STATUS_SUCCESS;
        IoSkipCurrentIrpStackLocation(Irp);
        IoCallDriver(Lower, Irp);
        IoDetachDevice(Lower);
        IoDeleteDevice(DeviceObject);
        KtPnp.BusFdo = NULL;
        return STATUS_SUCCESS;
    default:
        if (IrpSp->MinorFunction <= IRP_MN_CANCEL_STOP_DEVICE ||
            IrpSp->MinorFunction == IRP_MN_SURPRISE_REMOVAL) {
            Irp->IoStatus.Status = STATUS_SUCCESS;
        }
        break;
    }
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(Lower, Irp);
}

/* PASSIVE_LEVEL. */
static NTSTATUS
KtPnpFuncAddDevice(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT Pdo)
{
    PKTPNP_EXTENSION PdoExt = Pdo->DeviceExtension;
    KTPNP_CHILD *Child = &KtPnp.Children[PdoExt->Child];
    PKTPNP_EXTENSION Ext;
    PDEVICE_OBJECT Fdo;
    WCHAR NameBuffer[] = L"\\Device\\KtPnpFunc0";
    UNICODE_STRING Name;
    NTSTATUS Status;

    NameBuffer[RTL_NUMBER_OF(NameBuffer) - 2] = (WCHAR)(L'0' + PdoExt->Child);
    RtlInitUnicodeString(&Name, NameBuffer);
    Status = IoCreateDevice(DriverObject, sizeof(KTPNP_EXTENSION), &Name, FILE_DEVICE_UNKNOWN, 0,
                            FALSE, &Fdo);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    Ext = Fdo->DeviceExtension;
    Ext->Who = KTPNP_WHO_FUNC(PdoExt->Child);
    Ext->Child = PdoExt->Child;
    Ext->Lower = IoAttachDeviceToDeviceStack(Fdo, Pdo);
    Child->Added = TRUE;
    Child->AddedPdo = Pdo;
    Child->Fdo = Fdo;
    Fdo->Flags &= ~DO_DEVICE_INITIALIZING;
    return STATUS_SUCCESS;
}

static VOID
KtPnpKeepResources(KTPNP_CHILD *Child, PCM_RESOURCE_LIST List, BOOLEAN Translated)
{
    PCM_PARTIAL_RESOURCE_LIST Partial;
    ULONG Index;

    if (List == NULL) {
        return;
    }
    /* Through a pointer to the partial list: indexing PartialDescriptors[]
     * (declared [1]) from List->List[0] lets GCC assume one element. */
    Partial = &List->List[0].PartialResourceList;
    for (Index = 0; Index < Partial->Count; Index++) {
        PCM_PARTIAL_RESOURCE_DESCRIPTOR Desc = &Partial->PartialDescriptors[Index];

        if (Desc->Type == CmResourceTypePort) {
            *(Translated ? &Child->TranslatedPort : &Child->RawPort) = *Desc;
        } else if (Desc->Type == CmResourceTypeInterrupt) {
            *(Translated ? &Child->TranslatedIrq : &Child->RawIrq) = *Desc;
        }
    }
    *(Translated ? &Child->TranslatedCount : &Child->RawCount) = Partial->Count;
    *(Translated ? &Child->TranslatedInterruptCount : &Child->RawInterruptCount) = 0;
    for (Index = 0; Index < Partial->Count; Index++) {
        PCM_PARTIAL_RESOURCE_DESCRIPTOR Desc = &Partial->PartialDescriptors[Index];
        PULONG Count = Translated ? &Child->TranslatedInterruptCount : &Child->RawInterruptCount;

        if (Desc->Type == CmResourceTypeInterrupt && *Count < KTPNP_MAX_INTERRUPTS) {
            (Translated ? Child->TranslatedInterrupts : Child->RawInterrupts)[(*Count)++] = *Desc;
        }
    }
}

/* PASSIVE_LEVEL. */
static NTSTATUS
KtPnpFuncPnp(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PKTPNP_EXTENSION Ext = DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION IrpSp = IoGetCurrentIrpStackLocation(Irp);
    KTPNP_CHILD *Child = &KtPnp.Children[Ext->Child];
    PDEVICE_OBJECT Lower = Ext->Lower;
    NTSTATUS Status;

    switch (IrpSp->MinorFunction) {
    case IRP_MN_START_DEVICE:
        /* The bus first: this driver starts on the way back up. */
        IoForwardIrpSynchronously(Lower, Irp);
        KtPnpLog(Ext, Irp);
        Status = Irp->IoStatus.Status;
        if (NT_SUCCESS(Status)) {
            KtPnpKeepResources(Child, IrpSp->Parameters.StartDevice.AllocatedResources, FALSE);
            KtPnpKeepResources(Child, IrpSp->Parameters.StartDevice.AllocatedResourcesTranslated,
                               TRUE);
        }
        return KtPnpComplete(Irp, Status, 0);
    case IRP_MN_QUERY_STOP_DEVICE:
    case IRP_MN_QUERY_REMOVE_DEVICE:
        KtPnpLog(Ext, Irp);
        if (IrpSp->MinorFunction == IRP_MN_QUERY_STOP_DEVICE ? Child->FailQueryStop
                                                             : Child->FailQueryRemove) {
            return KtPnpComplete(Irp, STATUS_UNSUCCESSFUL, 0);
        }
        Irp->IoStatus.Status = STATUS_SUCCESS;
        break;
    case IRP_MN_REMOVE_DEVICE:
        KtPnpLog(Ext, Irp);
        Child->Removed = TRUE;
        Irp->IoStatus.Status = STATUS_SUCCESS;
        IoSkipCurrentIrpStackLocation(Irp);
        Status = IoCallDriver(Lower, Irp);
        IoDetachDevice(Lower);
        IoDeleteDevice(DeviceObject);
        Child->Fdo = NULL;
        return Status;
    case IRP_MN_STOP_DEVICE:
    case IRP_MN_CANCEL_STOP_DEVICE:
    case IRP_MN_CANCEL_REMOVE_DEVICE:
    case IRP_MN_SURPRISE_REMOVAL:
        KtPnpLog(Ext, Irp);
        Irp->IoStatus.Status = STATUS_SUCCESS;
        break;
    default:
        break;
    }
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(Lower, Irp);
}

/* IRQL <= DISPATCH_LEVEL. Function drivers and the bus FDO pass power IRPs
 * down; the PDOs answer as a bus driver does. */
static NTSTATUS
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

/* PASSIVE_LEVEL. Records each create for the device-interface tests. */
static NTSTATUS
KtPnpCreateClose(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PIO_STACK_LOCATION IrpSp = IoGetCurrentIrpStackLocation(Irp);
    PKTPNP_EXTENSION Ext = DeviceObject->DeviceExtension;
    PUNICODE_STRING Name;
    ULONG Count;

    if (IrpSp->MajorFunction == IRP_MJ_CREATE) {
        Name = &IrpSp->FileObject->FileName;
        Count = Name->Length / sizeof(WCHAR);
        if (Count >= RTL_NUMBER_OF(KtPnp.CreateFileName)) {
            Count = RTL_NUMBER_OF(KtPnp.CreateFileName) - 1;
        }
        if (Count != 0) {
            RtlCopyMemory(KtPnp.CreateFileName, Name->Buffer, Count * sizeof(WCHAR));
        }
        KtPnp.CreateFileName[Count] = UNICODE_NULL;
        KtPnp.CreateWho = Ext->Who;
        KtPnp.CreateCount++;
    }
    return KtPnpComplete(Irp, STATUS_SUCCESS, 0);
}
