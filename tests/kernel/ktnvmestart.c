/*
 * tests/kernel/ktnvmestart.c - KtNvme's IRP_MN_START_DEVICE and stop work,
 * done after the PCI PDO started (it enabled memory decode and, for the
 * message interrupts, programmed MSI-X) and before it stops.
 *
 * Start takes everything from the resources the PnP manager assigned:
 * BAR0 is the first memory range of the translated list (the PCI driver
 * lists BARs in order), mapped whole because it holds the registers, the
 * doorbells and the MSI-X table; the message descriptors are kept for the
 * tests. Then, in this order: Bus Master (the controller reads and writes
 * the queues by DMA, and a driver that does DMA turns it on itself through
 * BUS_INTERFACE_STANDARD), three DMA pages, the message ISRs
 * (IoConnectInterruptEx, CONNECT_MESSAGE_BASED, no line fallback: this
 * driver is here to prove messages), and last the controller, so that its
 * first completion already finds the ISR connected.
 *
 * Stop undoes it in reverse, the controller first: once CSTS.RDY is 0 it
 * writes no more completions and raises no more messages, so the ISR can
 * go and the pages can be freed.
 */
#include "tests/kernel/ktnvme.h"

/* PASSIVE_LEVEL. BUS_INTERFACE_STANDARD from the stack below. */
static NTSTATUS
KtNvmeQueryBusInterface(PKTNVME_EXTENSION Ext)
{
    IO_STATUS_BLOCK IoStatus;
    PIO_STACK_LOCATION IrpSp;
    KEVENT Event;
    NTSTATUS Status;
    PIRP Irp;

    KeInitializeEvent(&Event, NotificationEvent, FALSE);
    Irp = IoBuildSynchronousFsdRequest(IRP_MJ_PNP, Ext->LowerDevice, NULL, 0, NULL, &Event,
                                       &IoStatus);
    if (Irp == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    IrpSp = IoGetNextIrpStackLocation(Irp);
    IrpSp->MinorFunction = IRP_MN_QUERY_INTERFACE;
    IrpSp->Parameters.QueryInterface.InterfaceType = &GUID_BUS_INTERFACE_STANDARD;
    IrpSp->Parameters.QueryInterface.Size = sizeof(Ext->Bus);
    IrpSp->Parameters.QueryInterface.Version = 1;
    IrpSp->Parameters.QueryInterface.Interface = (PINTERFACE)&Ext->Bus;
    IrpSp->Parameters.QueryInterface.InterfaceSpecificData = NULL;
    Status = IoCallDriver(Ext->LowerDevice, Irp);
    if (Status == STATUS_PENDING) {
        KeWaitForSingleObject(&Event, Executive, KernelMode, FALSE, NULL);
        Status = IoStatus.Status;
    }
    Ext->HaveBus = NT_SUCCESS(Status);
    return Status;
}

/* PASSIVE_LEVEL. Command register (PCI 3.0, 6.2.2) bit 2, Bus Master. */
static NTSTATUS
KtNvmeEnableBusMaster(PKTNVME_EXTENSION Ext)
{
    USHORT Command = 0;

    if (Ext->Bus.GetBusData(Ext->Bus.Context, PCI_WHICHSPACE_CONFIG, &Command,
                            PCI_COMMAND_OFFSET, sizeof(Command)) != sizeof(Command)) {
        return STATUS_DEVICE_NOT_CONNECTED;
    }
    if ((Command & PCI_ENABLE_BUS_MASTER) == 0) {
        Command |= PCI_ENABLE_BUS_MASTER;
        if (Ext->Bus.SetBusData(Ext->Bus.Context, PCI_WHICHSPACE_CONFIG, &Command,
                                PCI_COMMAND_OFFSET, sizeof(Command)) != sizeof(Command)) {
            return STATUS_DEVICE_NOT_CONNECTED;
        }
    }
    return STATUS_SUCCESS;
}

/* PASSIVE_LEVEL. BAR0 and the message descriptors from the lists. */
static NTSTATUS
KtNvmeTakeResources(PKTNVME_EXTENSION Ext, PCM_RESOURCE_LIST Raw, PCM_RESOURCE_LIST Translated)
{
    PCM_PARTIAL_RESOURCE_DESCRIPTOR RawDesc, Desc;
    ULONG Index, Count;

    Ext->MessageDescriptors = 0;
    Ext->Bar0Length = 0;
    if (Raw == NULL || Translated == NULL || Translated->Count != 1 || Raw->Count != 1 ||
        Raw->List[0].PartialResourceList.Count != Translated->List[0].PartialResourceList.Count) {
        DbgPrint("KtNvme: START_DEVICE without one raw and one translated list of equal length\n");
        return STATUS_DEVICE_CONFIGURATION_ERROR;
    }
    Count = Translated->List[0].PartialResourceList.Count;
    RawDesc = Raw->List[0].PartialResourceList.PartialDescriptors;
    Desc = Translated->List[0].PartialResourceList.PartialDescriptors;
    for (Index = 0; Index < Count; Index++, Desc++, RawDesc++) {
        if (Desc->Type == CmResourceTypeMemory && Ext->Bar0Length == 0) {
            Ext->Bar0 = Desc->u.Memory.Start;
            Ext->Bar0Length = Desc->u.Memory.Length;
        } else if (Desc->Type == CmResourceTypeInterrupt &&
                   (Desc->Flags & CM_RESOURCE_INTERRUPT_MESSAGE) != 0) {
            if (Ext->MessageDescriptors == KTNVME_MAX_MESSAGES) {
                DbgPrint("KtNvme: more than %u message descriptors; the PCI driver promises at "
                         "most %u\n", KTNVME_MAX_MESSAGES, KTNVME_MAX_MESSAGES);
                return STATUS_DEVICE_CONFIGURATION_ERROR;
            }
            Ext->RawMessages[Ext->MessageDescriptors] = *RawDesc;
            Ext->TranslatedMessages[Ext->MessageDescriptors] = *Desc;
            Ext->MessageDescriptors++;
        }
    }
    if (Ext->Bar0Length < KTNVME_MIN_BAR0) {
        DbgPrint("KtNvme: no memory range large enough for the registers and the admin "
                 "doorbells (BAR0 length 0x%llx)\n", (ULONGLONG)Ext->Bar0Length);
        return STATUS_DEVICE_CONFIGURATION_ERROR;
    }
    if (Ext->MessageDescriptors == 0) {
        DbgPrint("KtNvme: started without message-signaled interrupts; this test driver "
                 "serves MSI-X only\n");
        return STATUS_DEVICE_CONFIGURATION_ERROR;
    }
    return STATUS_SUCCESS;
}

/* PASSIVE_LEVEL. One ISR per message, all under one interrupt spin lock. */
static NTSTATUS
KtNvmeConnectMessages(PKTNVME_EXTENSION Ext)
{
    IO_CONNECT_INTERRUPT_PARAMETERS Connect;
    NTSTATUS Status;

    RtlZeroMemory(&Connect, sizeof(Connect));
    Connect.Version = CONNECT_MESSAGE_BASED;
    Connect.MessageBased.PhysicalDeviceObject = Ext->PhysicalDeviceObject;
    Connect.MessageBased.ConnectionContext.InterruptMessageTable = &Ext->MessageTable;
    Connect.MessageBased.MessageServiceRoutine = KtNvmeMessageIsr;
    Connect.MessageBased.ServiceContext = Ext;
    Connect.MessageBased.FallBackServiceRoutine = NULL;
    Status = IoConnectInterruptEx(&Connect);
    if (!NT_SUCCESS(Status)) {
        DbgPrint("KtNvme: IoConnectInterruptEx(CONNECT_MESSAGE_BASED) failed with 0x%08x\n",
                 (ULONG)Status);
        Ext->MessageTable = NULL;
        return Status;
    }
    Ext->ConnectedVersion = Connect.Version;
    if (Connect.Version != CONNECT_MESSAGE_BASED || Ext->MessageTable == NULL) {
        DbgPrint("KtNvme: IoConnectInterruptEx connected version %u, not message-based\n",
                 Connect.Version);
        return STATUS_DEVICE_CONFIGURATION_ERROR;
    }
    return STATUS_SUCCESS;
}

/* PASSIVE_LEVEL. Whatever start acquired, in reverse; safe on a half start. */
VOID
KtNvmeStopDevice(PKTNVME_EXTENSION Ext)
{
    IO_DISCONNECT_INTERRUPT_PARAMETERS Disconnect;

    ExAcquireFastMutex(&Ext->CommandLock);  /* no command is in flight after this */
    Ext->Started = FALSE;
    ExReleaseFastMutex(&Ext->CommandLock);
    Ext->StopStatus = STATUS_SUCCESS;
    if (Ext->Registers != NULL && Ext->Dma != NULL) {
        Ext->StopStatus = KtNvmeDisableController(Ext);
    }
    if (Ext->MessageTable != NULL) {
        RtlZeroMemory(&Disconnect, sizeof(Disconnect));
        Disconnect.Version = Ext->ConnectedVersion;
        Disconnect.ConnectionContext.InterruptMessageTable = Ext->MessageTable;
        IoDisconnectInterruptEx(&Disconnect);
        Ext->MessageTable = NULL;
    }
    /* A queued DPC must not run on freed pages, nor one still running. */
    KeRemoveQueueDpc(&Ext->Dpc);
    KeFlushQueuedDpcs();
    if (Ext->Dma != NULL) {
        MmFreeContiguousMemory(Ext->Dma);
        Ext->Dma = NULL;
    }
    if (Ext->Registers != NULL) {
        MmUnmapIoSpace((PVOID)Ext->Registers, Ext->Bar0Length);
        Ext->Registers = NULL;
    }
    if (Ext->HaveBus) {
        Ext->Bus.InterfaceDereference(Ext->Bus.Context);
        Ext->HaveBus = FALSE;
    }
}

/* PASSIVE_LEVEL, after the lower drivers completed START_DEVICE. */
NTSTATUS
KtNvmeStartDevice(PKTNVME_EXTENSION Ext, PCM_RESOURCE_LIST Raw, PCM_RESOURCE_LIST Translated)
{
    PHYSICAL_ADDRESS Lowest, Highest, Boundary;
    NTSTATUS Status;

    Status = KtNvmeTakeResources(Ext, Raw, Translated);
    if (NT_SUCCESS(Status)) {
        Status = KtNvmeQueryBusInterface(Ext);
    }
    if (NT_SUCCESS(Status)) {
        Status = KtNvmeEnableBusMaster(Ext);
    }
    if (NT_SUCCESS(Status)) {
        Ext->Registers = MmMapIoSpace(Ext->Bar0, Ext->Bar0Length, MmNonCached);
        Lowest.QuadPart = 0;
        Highest.QuadPart = -1;
        Boundary.QuadPart = 0;
        Ext->Dma = MmAllocateContiguousMemorySpecifyCache(KTNVME_DMA_PAGES * KTNVME_PAGE, Lowest,
                                                          Highest, Boundary, MmCached);
        if (Ext->Registers == NULL || Ext->Dma == NULL) {
            DbgPrint("KtNvme: cannot map BAR0 (0x%llx bytes) or allocate %u DMA pages\n",
                     (ULONGLONG)Ext->Bar0Length, KTNVME_DMA_PAGES);
            Status = STATUS_INSUFFICIENT_RESOURCES;
        }
    }
    if (NT_SUCCESS(Status)) {
        Ext->DmaPhysical = MmGetPhysicalAddress(Ext->Dma);
        Ext->AdminSq = (volatile NVME_COMMAND *)(Ext->Dma + KTNVME_DMA_SQ * KTNVME_PAGE);
        Ext->AdminCq = (volatile NVME_COMPLETION *)(Ext->Dma + KTNVME_DMA_CQ * KTNVME_PAGE);
        Status = KtNvmeConnectMessages(Ext);
    }
    if (NT_SUCCESS(Status)) {
        Status = KtNvmeEnableController(Ext);
    }
    if (!NT_SUCCESS(Status)) {
        KtNvmeStopDevice(Ext);
        return Status;
    }
    Ext->Started = TRUE;
    Ext->StartCount++;
    return STATUS_SUCCESS;
}
