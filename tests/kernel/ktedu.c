/*
 * tests/kernel/ktedu.c - KtEdu (tests/kernel/ktedu.h): DriverEntry,
 * AddDevice, IRP_MJ_PNP, IRP_MJ_POWER, start and stop, the message ISR and
 * its DPC, and the service the tests register at run time with
 * IopRegisterDriverService for PCI\VEN_1234&DEV_11E8.
 *
 * The service declares MessageSignaled (on Windows, MSISupported = 1 in
 * the INF): only then may the PnP manager choose the PCI PDO's
 * requirements alternative with the MSI descriptor. No built-in driver
 * serves the edu, so its node has no driver at boot (problem
 * CM_PROB_FAILED_INSTALL); registering the service makes the PnP manager
 * try it again, add KtEdu and start it.
 *
 * START goes down first (the PCI PDO turns decoding on and programs MSI),
 * then KtEdu maps BAR0, checks the identification and liveness registers
 * and connects its interrupt as the WDK recommends for a driver that
 * prefers messages: CONNECT_MESSAGE_BASED, with a line ISR as the fallback
 * for a start with the line alternative. STOP, SURPRISE_REMOVAL and REMOVE
 * silence the device and disconnect before the request goes down to the
 * PDO, which then turns MSI and decoding off.
 */
#include "tests/kernel/ktedu.h"
#include "tests/kernel/pcibustest.h"

static DRIVER_INITIALIZE KtEduDriverEntry;
static DRIVER_ADD_DEVICE KtEduAddDevice;
static DRIVER_DISPATCH KtEduPnp;
static DRIVER_DISPATCH KtEduPower;
static KMESSAGE_SERVICE_ROUTINE KtEduMessageIsr;
static KSERVICE_ROUTINE KtEduLineIsr;
static KDEFERRED_ROUTINE KtEduDpc;

static const PCWSTR KtEduIds[] = {L"PCI\\VEN_1234&DEV_11E8", NULL};
static IOP_DRIVER_SERVICE KtEduService = {.Name = L"KtEdu", .DriverEntry = KtEduDriverEntry,
                                          .Ids = KtEduIds, .MessageSignaled = TRUE};
static PKTEDU_EXTENSION KtEduCurrent;       /* the one edu's FDO, or NULL */

/* DIRQL, holding the interrupt spin lock. Takes what raised the interrupt
 * and acknowledges it: edu keeps raising until its status is cleared
 * (edu.txt, "IRQ controller"), whether by INTx or by MSI. */
static BOOLEAN
KtEduServiceInterrupt(PKTEDU_EXTENSION Ext, ULONG MessageId)
{
    ULONG Status = KtEduRead(Ext, EDU_REG_INTERRUPT_STATUS);

    if (Status == 0) {
        InterlockedIncrement(&Ext->UnclaimedCalls);
        return FALSE;
    }
    KtEduWrite(Ext, EDU_REG_INTERRUPT_ACK, Status);
    Ext->Log[(ULONG)Ext->IsrCalls % KTEDU_ISR_LOG] = Status;
    Ext->LastMessageId = MessageId;
    InterlockedIncrement(&Ext->IsrCalls);
    InterlockedOr(&Ext->Pending, (LONG)Status);
    KeInsertQueueDpc(&Ext->Dpc, NULL, NULL);
    return TRUE;
}

/* DIRQL (the message's), holding the interrupt spin lock. */
static BOOLEAN
KtEduMessageIsr(PKINTERRUPT Interrupt, PVOID ServiceContext, ULONG MessageId)
{
    UNREFERENCED_PARAMETER(Interrupt);
    return KtEduServiceInterrupt(ServiceContext, MessageId);
}

/* DIRQL (the line's), holding the interrupt spin lock: the fallback when
 * the PnP manager started the edu with its line. */
static BOOLEAN
KtEduLineIsr(PKINTERRUPT Interrupt, PVOID ServiceContext)
{
    UNREFERENCED_PARAMETER(Interrupt);
    return KtEduServiceInterrupt(ServiceContext, MAXULONG);
}

/* DISPATCH_LEVEL. Consumes what the ISRs acknowledged since the last run. */
static VOID
KtEduDpc(PKDPC Dpc, PVOID DeferredContext, PVOID SystemArgument1, PVOID SystemArgument2)
{
    PKTEDU_EXTENSION Ext = DeferredContext;
    LONG Status = InterlockedExchange(&Ext->Pending, 0);

    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(SystemArgument1);
    UNREFERENCED_PARAMETER(SystemArgument2);
    InterlockedOr(&Ext->DpcStatus, Status);
    InterlockedIncrement(&Ext->DpcCalls);
    if (Status & EDU_INTERRUPT_FACTORIAL) {
        KeSetEvent(&Ext->FactorialDone, IO_NO_INCREMENT, FALSE);
    }
    KeSetEvent(&Ext->DpcRan, IO_NO_INCREMENT, FALSE);
}

/* PASSIVE_LEVEL. The first memory range (BAR0) and the interrupt: every
 * message descriptor is counted, the first one kept. */
static NTSTATUS
KtEduFindResources(PKTEDU_EXTENSION Ext, PCM_RESOURCE_LIST Raw, PCM_RESOURCE_LIST Translated)
{
    PCM_PARTIAL_RESOURCE_DESCRIPTOR Partial;
    BOOLEAN Memory = FALSE, Interrupt = FALSE;
    ULONG Index;

    Ext->MessageDescriptors = 0;
    if (Raw == NULL || Translated == NULL || Translated->Count != 1 || Raw->Count != 1 ||
        Raw->List[0].PartialResourceList.Count != Translated->List[0].PartialResourceList.Count) {
        DbgPrint("KtEdu: START_DEVICE without one raw and one translated list of equal length\n");
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    Partial = Translated->List[0].PartialResourceList.PartialDescriptors;
    for (Index = 0; Index < Translated->List[0].PartialResourceList.Count; Index++) {
        if (Partial[Index].Type == CmResourceTypeMemory && !Memory) {
            Ext->Bar0 = Partial[Index].u.Memory.Start;
            Ext->Bar0Length = Partial[Index].u.Memory.Length;
            Memory = TRUE;
        } else if (Partial[Index].Type == CmResourceTypeInterrupt) {
            if (!Interrupt) {
                Ext->RawInterrupt = Raw->List[0].PartialResourceList.PartialDescriptors[Index];
                Ext->TranslatedInterrupt = Partial[Index];
                Interrupt = TRUE;
            }
            Ext->MessageDescriptors += (Partial[Index].Flags & CM_RESOURCE_INTERRUPT_MESSAGE) != 0;
        }
    }
    if (!Memory || Ext->Bar0Length < PAGE_SIZE || !Interrupt) {
        DbgPrint("KtEdu: START_DEVICE resources lack %s\n",
                 !Interrupt ? "an interrupt" : "BAR0 (a memory range of a page or more)");
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    return STATUS_SUCCESS;
}

/* PASSIVE_LEVEL. After the PDO started. */
static NTSTATUS
KtEduStart(PKTEDU_EXTENSION Ext, PCM_RESOURCE_LIST Raw, PCM_RESOURCE_LIST Translated)
{
    IO_CONNECT_INTERRUPT_PARAMETERS Connect;
    ULONG Identification, Liveness;
    NTSTATUS Status;

    Status = KtEduFindResources(Ext, Raw, Translated);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    Ext->Registers = MmMapIoSpace(Ext->Bar0, PAGE_SIZE, MmNonCached);
    if (Ext->Registers == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    Identification = KtEduRead(Ext, EDU_REG_IDENTIFICATION);
    KtEduWrite(Ext, EDU_REG_LIVENESS, 0x12345678);
    Liveness = KtEduRead(Ext, EDU_REG_LIVENESS);
    if ((Identification & 0xFF) != EDU_IDENTIFICATION_MAGIC || Liveness != ~0x12345678U) {
        DbgPrint("KtEdu: no edu answers at 0x%llx (identification 0x%08x, liveness 0x%08x)\n",
                 (ULONGLONG)Ext->Bar0.QuadPart, Identification, Liveness);
        Status = STATUS_NO_SUCH_DEVICE;
        goto Unmap;
    }
    /* Nothing raised from before: no factorial interrupt, status cleared. */
    KtEduWrite(Ext, EDU_REG_STATUS, 0);
    KtEduWrite(Ext, EDU_REG_INTERRUPT_ACK, MAXULONG);

    RtlZeroMemory(&Connect, sizeof(Connect));
    Connect.Version = CONNECT_MESSAGE_BASED;
    Connect.MessageBased.PhysicalDeviceObject = Ext->PhysicalDeviceObject;
    Connect.MessageBased.ConnectionContext.Generic = &Ext->Connection;
    Connect.MessageBased.MessageServiceRoutine = KtEduMessageIsr;
    Connect.MessageBased.ServiceContext = Ext;
    Connect.MessageBased.FallBackServiceRoutine = KtEduLineIsr;
    Status = IoConnectInterruptEx(&Connect);
    if (!NT_SUCCESS(Status)) {
        DbgPrint("KtEdu: IoConnectInterruptEx(CONNECT_MESSAGE_BASED) failed: 0x%08x\n",
                 (ULONG)Status);
        Ext->Connection = NULL;
        goto Unmap;
    }
    Ext->ConnectedVersion = Connect.Version;
    Ext->Started = TRUE;
    DbgPrint("KtEdu: edu %u.%u started: BAR0 0x%llx, %s, vector 0x%x\n",
             Identification >> 24, (Identification >> 16) & 0xFF,
             (ULONGLONG)Ext->Bar0.QuadPart,
             Connect.Version == CONNECT_MESSAGE_BASED ? "message-based" : "line-based",
             (Ext->TranslatedInterrupt.Flags & CM_RESOURCE_INTERRUPT_MESSAGE)
                 ? Ext->TranslatedInterrupt.u.MessageInterrupt.Translated.Vector
                 : Ext->TranslatedInterrupt.u.Interrupt.Vector);
    return STATUS_SUCCESS;

Unmap:
    MmUnmapIoSpace((PVOID)Ext->Registers, PAGE_SIZE);
    Ext->Registers = NULL;
    return Status;
}

/* PASSIVE_LEVEL (STOP, SURPRISE_REMOVAL, REMOVE), before the PDO turns
 * messages and decoding off: the device falls silent, then the ISR goes. */
static VOID
KtEduStop(PKTEDU_EXTENSION Ext)
{
    IO_DISCONNECT_INTERRUPT_PARAMETERS Disconnect;

    if (!Ext->Started) {
        return;
    }
    Ext->Started = FALSE;
    KtEduWrite(Ext, EDU_REG_STATUS, 0);
    KtEduWrite(Ext, EDU_REG_INTERRUPT_ACK, MAXULONG);
    RtlZeroMemory(&Disconnect, sizeof(Disconnect));
    Disconnect.Version = Ext->ConnectedVersion;
    Disconnect.ConnectionContext.Generic = Ext->Connection;
    IoDisconnectInterruptEx(&Disconnect);
    Ext->Connection = NULL;
    (VOID)KeRemoveQueueDpc(&Ext->Dpc);
    KeFlushQueuedDpcs();
    MmUnmapIoSpace((PVOID)Ext->Registers, PAGE_SIZE);
    Ext->Registers = NULL;
}

/* PASSIVE_LEVEL. */
static NTSTATUS
KtEduDriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverExtension->AddDevice = KtEduAddDevice;
    DriverObject->MajorFunction[IRP_MJ_PNP] = KtEduPnp;
    DriverObject->MajorFunction[IRP_MJ_POWER] = KtEduPower;
    return STATUS_SUCCESS;
}

/* PASSIVE_LEVEL. An unnamed FDO above the PCI PDO. */
static NTSTATUS
KtEduAddDevice(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT PhysicalDeviceObject)
{
    PKTEDU_EXTENSION Ext;
    PDEVICE_OBJECT Fdo;
    NTSTATUS Status;

    Status = IoCreateDevice(DriverObject, sizeof(KTEDU_EXTENSION), NULL, FILE_DEVICE_UNKNOWN,
                            FILE_DEVICE_SECURE_OPEN, FALSE, &Fdo);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    Ext = Fdo->DeviceExtension;
    RtlZeroMemory(Ext, sizeof(*Ext));
    Ext->DeviceObject = Fdo;
    Ext->PhysicalDeviceObject = PhysicalDeviceObject;
    KeInitializeDpc(&Ext->Dpc, KtEduDpc, Ext);
    KeInitializeEvent(&Ext->DpcRan, SynchronizationEvent, FALSE);
    KeInitializeEvent(&Ext->FactorialDone, NotificationEvent, FALSE);
    Ext->LowerDevice = IoAttachDeviceToDeviceStack(Fdo, PhysicalDeviceObject);
    if (Ext->LowerDevice == NULL) {
        IoDeleteDevice(Fdo);
        return STATUS_NO_SUCH_DEVICE;
    }
    Fdo->Flags &= ~DO_DEVICE_INITIALIZING;
    KtEduCurrent = Ext;
    return STATUS_SUCCESS;
}

/* PASSIVE_LEVEL, on the PnP manager's thread with its tree lock held. */
static NTSTATUS
KtEduPnp(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PKTEDU_EXTENSION Ext = DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION IrpSp = IoGetCurrentIrpStackLocation(Irp);
    PDEVICE_OBJECT Lower = Ext->LowerDevice;
    NTSTATUS Status;

    switch (IrpSp->MinorFunction) {
    case IRP_MN_START_DEVICE:
        Status = IoForwardIrpSynchronously(Lower, Irp) ? Irp->IoStatus.Status
                                                       : STATUS_UNSUCCESSFUL;
        if (NT_SUCCESS(Status)) {
            Status = KtEduStart(Ext, IrpSp->Parameters.StartDevice.AllocatedResources,
                                IrpSp->Parameters.StartDevice.AllocatedResourcesTranslated);
        }
        Irp->IoStatus.Status = Status;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return Status;

    case IRP_MN_STOP_DEVICE:
    case IRP_MN_SURPRISE_REMOVAL:
        KtEduStop(Ext);
        Irp->IoStatus.Status = STATUS_SUCCESS;
        break;

    case IRP_MN_REMOVE_DEVICE:
        KtEduStop(Ext);
        Irp->IoStatus.Status = STATUS_SUCCESS;
        IoSkipCurrentIrpStackLocation(Irp);
        Status = IoCallDriver(Lower, Irp);
        IoDetachDevice(Lower);
        if (KtEduCurrent == Ext) {
            KtEduCurrent = NULL;
        }
        IoDeleteDevice(DeviceObject);
        return Status;

    case IRP_MN_QUERY_STOP_DEVICE:
    case IRP_MN_CANCEL_STOP_DEVICE:
    case IRP_MN_QUERY_REMOVE_DEVICE:
    case IRP_MN_CANCEL_REMOVE_DEVICE:
        /* No requests are queued: nothing to hold or let go. */
        Irp->IoStatus.Status = STATUS_SUCCESS;
        break;

    default:
        break;
    }
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(Lower, Irp);
}

/* IRQL <= DISPATCH_LEVEL. Power policy is the bus driver's: down it goes. */
static NTSTATUS
KtEduPower(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PKTEDU_EXTENSION Ext = DeviceObject->DeviceExtension;

    PoStartNextPowerIrp(Irp);
    IoSkipCurrentIrpStackLocation(Irp);
    return PoCallDriver(Ext->LowerDevice, Irp);
}

/* PASSIVE_LEVEL. */
VOID
KtEduRegister(VOID)
{
    static BOOLEAN Registered;

    if (!Registered) {
        Registered = TRUE;
        IopRegisterDriverService(&KtEduService);
    }
    IopWaitForPnpIdle();
}

/* Any IRQL. */
PKTEDU_EXTENSION
KtEduDevice(VOID)
{
    return KtEduCurrent;
}

/* PASSIVE_LEVEL. */
PDEVICE_NODE
KtEduDeviceNode(VOID)
{
    return KtPciFindFunction(KtEduIds[0]);
}
