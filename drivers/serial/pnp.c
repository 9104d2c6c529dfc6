/*
 * drivers/serial/pnp.c - AddDevice, IRP_MJ_PNP and IRP_MJ_POWER.
 *
 * AddDevice creates \Device\Serial<n-1>, attaches it above the PDO and
 * links \DosDevices\COM<n>. The COM number is the one the bus driver
 * reports as the device's UINumber (IRP_MN_QUERY_CAPABILITIES), the number
 * a user sees on the port; a bus that reports none gets the lowest free
 * one. IRP_MN_START_DEVICE goes down first (the lower drivers start
 * before the function driver), then start.c takes the resources. The
 * state machine is the WDK's "handling PnP IRPs for function drivers":
 *
 *   NotStarted --START--> Started --QUERY_STOP--> StopPending --STOP--> Stopped
 *   Started <--CANCEL_STOP-- StopPending       Stopped --START--> Started
 *   Started --QUERY_REMOVE--> RemovePending --CANCEL_REMOVE--> Started
 *   any --SURPRISE_REMOVAL--> SurpriseRemoved     any --REMOVE--> Removed
 *
 * Pending reads, writes and waits complete with STATUS_CANCELLED at stop,
 * surprise removal and removal; new I/O then gets STATUS_NO_SUCH_DEVICE
 * (no hardware) or STATUS_DELETE_PENDING (removal begun), as from Windows'
 * serial driver (SerialCheckState in dispatch.c).
 */
#include "serial.h"

static IO_COMPLETION_ROUTINE SerialSignalCompletion;

static volatile LONG SerialNextFreeCom = 1;

/* IRQL <= DISPATCH_LEVEL: the lower driver completed the IRP; the
 * dispatch routine waiting on Context takes it back. */
static NTSTATUS
SerialSignalCompletion(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Irp);
    KeSetEvent(Context, IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

/* PASSIVE_LEVEL. The WDK's completion-routine pattern: pass the IRP down
 * with a completion routine that stops its completion, wait, and own it
 * again with the lower drivers' status. */
static NTSTATUS
SerialForwardAndWait(PSERIAL_DEVICE_EXTENSION Extension, PIRP Irp)
{
    KEVENT Event;
    NTSTATUS Status;

    KeInitializeEvent(&Event, NotificationEvent, FALSE);
    IoCopyCurrentIrpStackLocationToNext(Irp);
    IoSetCompletionRoutine(Irp, SerialSignalCompletion, &Event, TRUE, TRUE, TRUE);
    Status = IoCallDriver(Extension->LowerDevice, Irp);
    if (Status == STATUS_PENDING) {
        KeWaitForSingleObject(&Event, Executive, KernelMode, FALSE, NULL);
        Status = Irp->IoStatus.Status;
    }
    return Status;
}

/* PASSIVE_LEVEL. The UINumber the stack under the new device reports, or
 * MAXULONG. */
static ULONG
SerialQueryUiNumber(PDEVICE_OBJECT PhysicalDeviceObject)
{
    PDEVICE_OBJECT Top = IoGetAttachedDeviceReference(PhysicalDeviceObject);
    DEVICE_CAPABILITIES Capabilities;
    PIO_STACK_LOCATION IrpSp;
    KEVENT Event;
    NTSTATUS Status;
    PIRP Irp;

    RtlZeroMemory(&Capabilities, sizeof(Capabilities));
    Capabilities.Size = sizeof(Capabilities);
    Capabilities.Version = 1;
    Capabilities.Address = MAXULONG;
    Capabilities.UINumber = MAXULONG;
    Irp = IoAllocateIrp(Top->StackSize, FALSE);
    if (Irp == NULL) {
        ObDereferenceObject(Top);
        return MAXULONG;
    }
    Irp->IoStatus.Status = STATUS_NOT_SUPPORTED;
    IrpSp = IoGetNextIrpStackLocation(Irp);
    IrpSp->MajorFunction = IRP_MJ_PNP;
    IrpSp->MinorFunction = IRP_MN_QUERY_CAPABILITIES;
    IrpSp->Parameters.DeviceCapabilities.Capabilities = &Capabilities;
    KeInitializeEvent(&Event, NotificationEvent, FALSE);
    IoSetCompletionRoutine(Irp, SerialSignalCompletion, &Event, TRUE, TRUE, TRUE);
    Status = IoCallDriver(Top, Irp);
    if (Status == STATUS_PENDING) {
        KeWaitForSingleObject(&Event, Executive, KernelMode, FALSE, NULL);
    }
    Status = Irp->IoStatus.Status;
    IoFreeIrp(Irp);
    ObDereferenceObject(Top);
    return NT_SUCCESS(Status) ? Capabilities.UINumber : MAXULONG;
}

/* Any IRQL. "Prefix" followed by Number in decimal, into Buffer. */
static VOID
SerialFormatName(PUNICODE_STRING Name, PWCHAR Buffer, PCWSTR Prefix, ULONG Number)
{
    WCHAR Digits[10];
    ULONG Count = 0, Length = 0;

    while (*Prefix != L'\0') {
        Buffer[Length++] = *Prefix++;
    }
    do {
        Digits[Count++] = (WCHAR)(L'0' + Number % 10);
        Number /= 10;
    } while (Number != 0);
    while (Count != 0) {
        Buffer[Length++] = Digits[--Count];
    }
    Buffer[Length] = L'\0';
    Name->Buffer = Buffer;
    Name->Length = (USHORT)(Length * sizeof(WCHAR));
    Name->MaximumLength = (USHORT)((Length + 1) * sizeof(WCHAR));
}

/* PASSIVE_LEVEL. Creates \Device\Serial<n-1> and \DosDevices\COM<n> for
 * the first n from Wanted on that is free (Wanted itself when the bus
 * named it). */
static NTSTATUS
SerialCreateNamedDevice(PDRIVER_OBJECT DriverObject, ULONG Wanted, PDEVICE_OBJECT *DeviceObject)
{
    PSERIAL_DEVICE_EXTENSION Extension;
    UNICODE_STRING DeviceName, LinkName;
    WCHAR DeviceBuffer[SERIAL_NAME_CHARS], LinkBuffer[SERIAL_NAME_CHARS];
    NTSTATUS Status = STATUS_OBJECT_NAME_COLLISION;
    ULONG Number;

    for (Number = Wanted; Number < Wanted + 64 && Status == STATUS_OBJECT_NAME_COLLISION;
         Number++) {
        SerialFormatName(&DeviceName, DeviceBuffer, L"\\Device\\Serial", Number - 1);
        SerialFormatName(&LinkName, LinkBuffer, L"\\DosDevices\\COM", Number);
        /* Exclusive: one open handle at a time, as on Windows. */
        Status = IoCreateDevice(DriverObject, sizeof(SERIAL_DEVICE_EXTENSION), &DeviceName,
                                FILE_DEVICE_SERIAL_PORT, FILE_DEVICE_SECURE_OPEN, TRUE,
                                DeviceObject);
        if (!NT_SUCCESS(Status)) {
            continue;
        }
        Status = IoCreateSymbolicLink(&LinkName, &DeviceName);
        if (!NT_SUCCESS(Status)) {
            IoDeleteDevice(*DeviceObject);
            continue;
        }
        Extension = (*DeviceObject)->DeviceExtension;
        Extension->ComNumber = Number;
        RtlCopyMemory(Extension->DeviceNameBuffer, DeviceBuffer, sizeof(DeviceBuffer));
        RtlCopyMemory(Extension->LinkNameBuffer, LinkBuffer, sizeof(LinkBuffer));
        SerialFormatName(&Extension->DeviceName, Extension->DeviceNameBuffer,
                         L"\\Device\\Serial", Number - 1);
        SerialFormatName(&Extension->LinkName, Extension->LinkNameBuffer, L"\\DosDevices\\COM",
                         Number);
        return STATUS_SUCCESS;
    }
    return Status;
}

/* PASSIVE_LEVEL, from the PnP manager, once per port its bus reports. */
NTSTATUS
SerialAddDevice(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT PhysicalDeviceObject)
{
    PSERIAL_DEVICE_EXTENSION Extension;
    PDEVICE_OBJECT DeviceObject;
    ULONG Wanted = SerialQueryUiNumber(PhysicalDeviceObject);
    NTSTATUS Status;

    if (Wanted == 0 || Wanted > 255) {
        Wanted = (ULONG)SerialNextFreeCom;
    }
    Status = SerialCreateNamedDevice(DriverObject, Wanted, &DeviceObject);
    if (!NT_SUCCESS(Status)) {
        DbgPrint("Serial: AddDevice for PDO %p cannot name its device: 0x%08x\n",
                 PhysicalDeviceObject, (ULONG)Status);
        return Status;
    }
    Extension = DeviceObject->DeviceExtension;
    if (Extension->ComNumber >= (ULONG)SerialNextFreeCom) {
        SerialNextFreeCom = (LONG)Extension->ComNumber + 1;
    }
    Extension->RxSize = SERIAL_RX_RING_SIZE;
    Extension->RxStorage = ExAllocatePool2(POOL_FLAG_NON_PAGED, Extension->RxSize,
                                           SERIAL_POOL_TAG);
    if (Extension->RxStorage == NULL) {
        IoDeleteSymbolicLink(&Extension->LinkName);
        IoDeleteDevice(DeviceObject);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    Extension->DeviceObject = DeviceObject;
    Extension->PhysicalDeviceObject = PhysicalDeviceObject;
    Extension->PnpState = SerialNotStarted;
    Extension->DevicePower = PowerDeviceD3;
    Extension->BaudRate = SERIAL_DEFAULT_BAUD;
    Extension->LineControl.WordLength = 8;
    Extension->LineControl.Parity = NO_PARITY;
    Extension->LineControl.StopBits = STOP_BIT_1;
    IoInitializeRemoveLock(&Extension->RemoveLock, SERIAL_POOL_TAG, 0, 0);
    KeInitializeSpinLock(&Extension->QueueLock);
    KeInitializeSpinLock(&Extension->ServiceLock);
    SerialInitializeQueue(&Extension->ReadQueue, Extension);
    SerialInitializeQueue(&Extension->WriteQueue, Extension);
    SerialInitializeQueue(&Extension->WaitQueue, Extension);
    SerialUartInitializeState(&Extension->Uart, Extension->RxStorage, Extension->RxSize);
    KeInitializeDpc(&Extension->IsrDpc, SerialIsrDpc, Extension);
    KeInitializeTimer(&Extension->ReadTotalTimer);
    KeInitializeDpc(&Extension->ReadTotalDpc, SerialReadTimeoutDpc, Extension);
    KeInitializeTimer(&Extension->ReadIntervalTimer);
    KeInitializeDpc(&Extension->ReadIntervalDpc, SerialReadTimeoutDpc, Extension);
    KeInitializeTimer(&Extension->WriteTotalTimer);
    KeInitializeDpc(&Extension->WriteTotalDpc, SerialWriteTimeoutDpc, Extension);
    KeInitializeTimer(&Extension->RtsToggleTimer);
    KeInitializeDpc(&Extension->RtsToggleDpc, SerialRtsToggleDpc, Extension);

    Extension->LowerDevice = IoAttachDeviceToDeviceStack(DeviceObject, PhysicalDeviceObject);
    if (Extension->LowerDevice == NULL) {
        DbgPrint("Serial: cannot attach %wZ to PDO %p\n", &Extension->DeviceName,
                 PhysicalDeviceObject);
        ExFreePoolWithTag(Extension->RxStorage, SERIAL_POOL_TAG);
        IoDeleteSymbolicLink(&Extension->LinkName);
        IoDeleteDevice(DeviceObject);
        return STATUS_NO_SUCH_DEVICE;
    }
    DeviceObject->Flags |= DO_BUFFERED_IO | DO_POWER_PAGABLE;
    DeviceObject->Flags &= ~DO_DEVICE_INITIALIZING;
    DbgPrint("Serial: %wZ is %wZ, above PDO %p\n", &Extension->LinkName, &Extension->DeviceName,
             PhysicalDeviceObject);
    return STATUS_SUCCESS;
}

/* PASSIVE_LEVEL. IRP_MN_REMOVE_DEVICE after the I/O in flight drained:
 * hardware off, pending IRPs cancelled, names gone, device detached and
 * deleted. */
static VOID
SerialRemoveDevice(PSERIAL_DEVICE_EXTENSION Extension)
{
    SerialStopHardware(Extension);
    SerialFailPendingIrps(Extension, STATUS_CANCELLED);
    if (Extension->LinkName.Length != 0) {      /* surprise removal took it already */
        IoDeleteSymbolicLink(&Extension->LinkName);
    }
    IoDetachDevice(Extension->LowerDevice);
    ExFreePoolWithTag(Extension->RxStorage, SERIAL_POOL_TAG);
    IoDeleteDevice(Extension->DeviceObject);
}

/* PASSIVE_LEVEL; takes the remove lock for as long as the IRP is ours. */
NTSTATUS
SerialPnp(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PSERIAL_DEVICE_EXTENSION Extension = DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION IrpSp = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS Status;

    Status = IoAcquireRemoveLock(&Extension->RemoveLock, Irp);
    if (!NT_SUCCESS(Status)) {
        Irp->IoStatus.Status = Status;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return Status;
    }
    switch (IrpSp->MinorFunction) {
    case IRP_MN_START_DEVICE:
        /* The bus driver starts first; ours then uses what it gave. */
        Status = SerialForwardAndWait(Extension, Irp);
        if (NT_SUCCESS(Status)) {
            Status = SerialStartHardware(Extension,
                                         IrpSp->Parameters.StartDevice.AllocatedResources,
                                         IrpSp->Parameters.StartDevice.AllocatedResourcesTranslated);
            if (NT_SUCCESS(Status)) {
                Extension->PnpState = SerialStarted;
            }
        }
        Irp->IoStatus.Status = Status;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        IoReleaseRemoveLock(&Extension->RemoveLock, Irp);
        return Status;
    case IRP_MN_QUERY_STOP_DEVICE:
    case IRP_MN_QUERY_REMOVE_DEVICE:
        Extension->StateBeforeQuery = Extension->PnpState;
        Extension->PnpState = IrpSp->MinorFunction == IRP_MN_QUERY_STOP_DEVICE
                                  ? SerialStopPending : SerialRemovePending;
        Irp->IoStatus.Status = STATUS_SUCCESS;
        break;
    case IRP_MN_CANCEL_STOP_DEVICE:
    case IRP_MN_CANCEL_REMOVE_DEVICE:
        if (Extension->PnpState == SerialStopPending ||
            Extension->PnpState == SerialRemovePending) {
            Extension->PnpState = Extension->StateBeforeQuery;
        }
        Irp->IoStatus.Status = STATUS_SUCCESS;
        break;
    case IRP_MN_STOP_DEVICE:
        /* Resources may be rebalanced: give them back. */
        Extension->PnpState = SerialStopped;
        SerialFailPendingIrps(Extension, STATUS_CANCELLED);
        SerialStopHardware(Extension);
        Irp->IoStatus.Status = STATUS_SUCCESS;
        break;
    case IRP_MN_SURPRISE_REMOVAL:
        /* The hardware is gone: stop touching it now; REMOVE follows once
         * the handles close. */
        Extension->PnpState = SerialSurpriseRemoved;
        SerialFailPendingIrps(Extension, STATUS_CANCELLED);
        SerialStopHardware(Extension);
        IoDeleteSymbolicLink(&Extension->LinkName);
        Extension->LinkName.Length = 0;
        Irp->IoStatus.Status = STATUS_SUCCESS;
        break;
    case IRP_MN_REMOVE_DEVICE:
        Extension->PnpState = SerialRemoved;
        /* Wait for every dispatch routine still inside, then tear down. */
        IoReleaseRemoveLockAndWait(&Extension->RemoveLock, Irp);
        SerialFailPendingIrps(Extension, STATUS_CANCELLED);
        Irp->IoStatus.Status = STATUS_SUCCESS;
        IoSkipCurrentIrpStackLocation(Irp);
        Status = IoCallDriver(Extension->LowerDevice, Irp);
        SerialRemoveDevice(Extension);
        return Status;
    default:
        break;
    }
    /* Everything else, and the minors handled above, go down as they are. */
    IoSkipCurrentIrpStackLocation(Irp);
    Status = IoCallDriver(Extension->LowerDevice, Irp);
    IoReleaseRemoveLock(&Extension->RemoveLock, Irp);
    return Status;
}

/* PASSIVE_LEVEL (DO_POWER_PAGABLE). Device power IRPs change the UART:
 * going to D3 it stops interrupting before the IRP goes down; coming back
 * to D0 it is reprogrammed after the lower drivers have powered up; the
 * new state is reported with PoSetPowerState. Every power IRP goes on
 * down with PoStartNextPowerIrp and PoCallDriver. */
NTSTATUS
SerialPower(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PSERIAL_DEVICE_EXTENSION Extension = DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION IrpSp = IoGetCurrentIrpStackLocation(Irp);
    DEVICE_POWER_STATE State = IrpSp->Parameters.Power.State.DeviceState;
    BOOLEAN DeviceSet = IrpSp->MinorFunction == IRP_MN_SET_POWER &&
                        IrpSp->Parameters.Power.Type == DevicePowerState;
    NTSTATUS Status;

    Status = IoAcquireRemoveLock(&Extension->RemoveLock, Irp);
    if (!NT_SUCCESS(Status)) {
        PoStartNextPowerIrp(Irp);
        Irp->IoStatus.Status = Status;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return Status;
    }
    if (DeviceSet && State == PowerDeviceD0 && Extension->DevicePower != PowerDeviceD0 &&
        Extension->Interrupt != NULL) {
        Status = SerialForwardAndWait(Extension, Irp);
        if (NT_SUCCESS(Status)) {
            (VOID)KeSynchronizeExecution(Extension->Interrupt, SerialInitializeSync, Extension);
            Extension->DevicePower = PowerDeviceD0;
            (VOID)PoSetPowerState(DeviceObject, DevicePowerState, IrpSp->Parameters.Power.State);
        }
        PoStartNextPowerIrp(Irp);
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        IoReleaseRemoveLock(&Extension->RemoveLock, Irp);
        return Status;
    }
    if (DeviceSet && State > PowerDeviceD0 && Extension->DevicePower == PowerDeviceD0) {
        if (Extension->Interrupt != NULL) {
            (VOID)KeSynchronizeExecution(Extension->Interrupt, SerialQuiesceSync, Extension);
        }
        Extension->DevicePower = State;
        (VOID)PoSetPowerState(DeviceObject, DevicePowerState, IrpSp->Parameters.Power.State);
    }
    PoStartNextPowerIrp(Irp);
    IoSkipCurrentIrpStackLocation(Irp);
    Status = PoCallDriver(Extension->LowerDevice, Irp);
    IoReleaseRemoveLock(&Extension->RemoveLock, Irp);
    return Status;
}
