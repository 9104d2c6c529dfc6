/*
 * tests/kernel/pnpdrvfunc.c - KtPnpFunc, the PnP tests' function driver
 * (contract in tests/kernel/pnpdrv.h), matched by ID to KtPnpBus's
 * children (and, as KtPnpLate, to the late ones): it keeps the resources
 * each start hands it, fails a query stop or remove when the test says
 * so, filters its resource requirements as the test asks, and records
 * each create for the device-interface tests. As the WDK
 * has function drivers do, it starts after the lower drivers
 * (IoForwardIrpSynchronously), passes everything else down, and detaches
 * and deletes its device on REMOVE_DEVICE.
 */
#include "tests/kernel/pnpdrv.h"
#include "io/pnpp.h"

static DRIVER_ADD_DEVICE KtPnpFuncAddDevice;
static DRIVER_DISPATCH KtPnpFuncPnp;
static DRIVER_DISPATCH KtPnpCreateClose;

/* PASSIVE_LEVEL. */
NTSTATUS
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

/* PASSIVE_LEVEL. IRP_MN_FILTER_RESOURCE_REQUIREMENTS on its way back up,
 * as the WDK has a function driver handle it: the list in Information is
 * the one to filter; one replaced is freed. */
static NTSTATUS
KtPnpFuncFilter(KTPNP_CHILD *Child, PDEVICE_OBJECT Lower, PKTPNP_EXTENSION Ext, PIRP Irp)
{
    PIO_STACK_LOCATION IrpSp = IoGetCurrentIrpStackLocation(Irp);
    PIO_RESOURCE_REQUIREMENTS_LIST Given, Mine;

    IoForwardIrpSynchronously(Lower, Irp);
    KtPnpLog(Ext, Irp);
    Given = (PIO_RESOURCE_REQUIREMENTS_LIST)Irp->IoStatus.Information;
    Child->FilterCount++;
    Child->FilterSawNull = Given == NULL;
    Child->FilterSawPort = 0;
    if (Given != NULL && Given->AlternativeLists != 0 && Given->List[0].Count != 0 &&
        Given->List[0].Descriptors[0].Type == CmResourceTypePort) {
        Child->FilterSawPort =
            (USHORT)Given->List[0].Descriptors[0].u.Port.MinimumAddress.QuadPart;
    }
    Child->FilterParameterMatched =
        IrpSp->Parameters.FilterResourceRequirements.IoResourceRequirementList == Given;
    if (Child->FilterStatus != 0) {
        return KtPnpComplete(Irp, Child->FilterStatus, Irp->IoStatus.Information);
    }
    if (Child->FilterPort == 0) {
        return KtPnpComplete(Irp, Irp->IoStatus.Status, Irp->IoStatus.Information);
    }
    Mine = KtPnpPortRequirements(Child->FilterPort);
    if (Mine == NULL) {
        return KtPnpComplete(Irp, STATUS_INSUFFICIENT_RESOURCES, Irp->IoStatus.Information);
    }
    if (Given != NULL) {
        ExFreePool(Given);
    }
    return KtPnpComplete(Irp, STATUS_SUCCESS, (ULONG_PTR)Mine);
}

/* PASSIVE_LEVEL. */
static NTSTATUS
KtPnpFuncPnp(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PKTPNP_EXTENSION Ext = DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION IrpSp = IoGetCurrentIrpStackLocation(Irp);
    KTPNP_CHILD *Child = &KtPnp.Children[Ext->Child];
    PDEVICE_OBJECT Lower = Ext->Lower;
    PNP_DEVICE_STATE State;
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
    case IRP_MN_QUERY_PNP_DEVICE_STATE:
        /* The lower drivers' bits first; this driver's are ORed in on the
         * way up, as the WDK has every driver in the stack do. */
        IoForwardIrpSynchronously(Lower, Irp);
        KtPnpLog(Ext, Irp);
        if (Child->DeviceState == 0) {
            return KtPnpComplete(Irp, Irp->IoStatus.Status, Irp->IoStatus.Information);
        }
        State = Irp->IoStatus.Status == STATUS_NOT_SUPPORTED
                    ? 0 : (PNP_DEVICE_STATE)Irp->IoStatus.Information;
        State |= Child->DeviceState;
        Child->DeviceState &= ~PNP_DEVICE_RESOURCE_REQUIREMENTS_CHANGED;
        return KtPnpComplete(Irp, STATUS_SUCCESS, State);
    case IRP_MN_FILTER_RESOURCE_REQUIREMENTS:
        return KtPnpFuncFilter(Child, Lower, Ext, Irp);
    case IRP_MN_QUERY_CAPABILITIES:
        /* The bus driver fills the structure; a function driver may
         * change what it knows better on the way up. */
        IoForwardIrpSynchronously(Lower, Irp);
        KtPnpLog(Ext, Irp);
        if (NT_SUCCESS(Irp->IoStatus.Status) && Child->FuncSurpriseRemovalOK) {
            IrpSp->Parameters.DeviceCapabilities.Capabilities->SurpriseRemovalOK = TRUE;
        }
        return KtPnpComplete(Irp, Irp->IoStatus.Status, 0);
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
