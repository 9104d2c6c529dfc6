/*
 * drivers/samples/filter/driver.c - a filter driver sample: a device
 * attached above \Device\KestrelSample that passes every IRP down and
 * counts, with a completion routine, how each one ends.
 *
 * A filter sits in the device stack: IoAttachDeviceToDeviceStack puts its
 * device on top, so every IRP sent to \Device\KestrelSample reaches the
 * filter first (the I/O manager sends IRPs to the top of the stack). The
 * filter copies its stack location to the next one, sets a completion
 * routine there, and calls the lower driver; when the lower driver
 * completes the IRP, the completion routine runs on the way back up.
 *
 * Built-in drivers start in name order, so KestrelSample may not exist yet
 * when this DriverEntry runs: the filter attaches from a reinitialization
 * routine (IoRegisterDriverReinitialization), which runs once every
 * driver's DriverEntry has.
 */
#include <wdm.h>
#include "kestrelfilter.h"
#include "../kestrelsample/kestrelsample.h"

typedef struct _FILTER_EXTENSION {
    PDEVICE_OBJECT LowerDevice;
    KESTREL_FILTER_COUNTS Counts;
} FILTER_EXTENSION, *PFILTER_EXTENSION;

DRIVER_INITIALIZE DriverEntry;
DRIVER_REINITIALIZE FilterAttach;
DRIVER_UNLOAD FilterUnload;
DRIVER_DISPATCH FilterPassThrough;
DRIVER_DISPATCH FilterDeviceControl;
IO_COMPLETION_ROUTINE FilterComplete;

/* IRQL <= DISPATCH_LEVEL, on the way up. A completion routine that does
 * not stop completion must propagate the pending mark, as the WDK says. */
NTSTATUS
FilterComplete(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    PFILTER_EXTENSION Extension = DeviceObject->DeviceExtension;

    UNREFERENCED_PARAMETER(Context);
    InterlockedIncrement((PLONG)&Extension->Counts.Completed);
    if (!NT_SUCCESS(Irp->IoStatus.Status)) {
        InterlockedIncrement((PLONG)&Extension->Counts.Failed);
    }
    if (Irp->PendingReturned) {
        IoMarkIrpPending(Irp);
    }
    return STATUS_CONTINUE_COMPLETION;
}

/* IRQL <= DISPATCH_LEVEL. Every IRP but the filter's own IOCTL. */
NTSTATUS
FilterPassThrough(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PFILTER_EXTENSION Extension = DeviceObject->DeviceExtension;
    UCHAR Major = IoGetCurrentIrpStackLocation(Irp)->MajorFunction;

    InterlockedIncrement((PLONG)&Extension->Counts.Seen[Major]);
    IoCopyCurrentIrpStackLocationToNext(Irp);
    IoSetCompletionRoutine(Irp, FilterComplete, NULL, TRUE, TRUE, TRUE);
    return IoCallDriver(Extension->LowerDevice, Irp);
}

/* IRQL <= DISPATCH_LEVEL. Answers IOCTL_KESTREL_FILTER_GET_COUNTS. */
NTSTATUS
FilterDeviceControl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PFILTER_EXTENSION Extension = DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION IrpSp = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS Status = STATUS_SUCCESS;

    if (IrpSp->Parameters.DeviceIoControl.IoControlCode != IOCTL_KESTREL_FILTER_GET_COUNTS) {
        return FilterPassThrough(DeviceObject, Irp);
    }
    Irp->IoStatus.Information = 0;
    if (IrpSp->Parameters.DeviceIoControl.OutputBufferLength < sizeof(KESTREL_FILTER_COUNTS)) {
        Status = STATUS_BUFFER_TOO_SMALL;
    } else {
        RtlCopyMemory(Irp->AssociatedIrp.SystemBuffer, &Extension->Counts,
                      sizeof(KESTREL_FILTER_COUNTS));
        Irp->IoStatus.Information = sizeof(KESTREL_FILTER_COUNTS);
    }
    Irp->IoStatus.Status = Status;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return Status;
}

/* PASSIVE_LEVEL, after every DriverEntry. The filter device copies what
 * the I/O manager reads from the top of a stack: the buffering flags and
 * the device type. Created outside DriverEntry, it must clear
 * DO_DEVICE_INITIALIZING itself. */
VOID
FilterAttach(PDRIVER_OBJECT DriverObject, PVOID Context, ULONG Count)
{
    UNICODE_STRING TargetName = RTL_CONSTANT_STRING(KESTREL_SAMPLE_DEVICE_NAME);
    PFILTER_EXTENSION Extension;
    PDEVICE_OBJECT Filter;
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(Count);
    Status = IoCreateDevice(DriverObject, sizeof(FILTER_EXTENSION), NULL, FILE_DEVICE_UNKNOWN,
                            0, FALSE, &Filter);
    if (!NT_SUCCESS(Status)) {
        DbgPrint("KestrelFilter: IoCreateDevice failed, 0x%08x\n", Status);
        return;
    }
    Extension = Filter->DeviceExtension;
    Status = IoAttachDevice(Filter, &TargetName, &Extension->LowerDevice);
    if (!NT_SUCCESS(Status)) {
        DbgPrint("KestrelFilter: cannot attach to %wZ, 0x%08x\n", &TargetName, Status);
        IoDeleteDevice(Filter);
        return;
    }
    Filter->Flags |= Extension->LowerDevice->Flags & (DO_BUFFERED_IO | DO_DIRECT_IO);
    Filter->DeviceType = Extension->LowerDevice->DeviceType;
    Filter->Characteristics = Extension->LowerDevice->Characteristics;
    Filter->Flags &= ~DO_DEVICE_INITIALIZING;
}

/* PASSIVE_LEVEL. Detach before deleting: the verifier stops a deletion of
 * a device that is still attached. */
VOID
FilterUnload(PDRIVER_OBJECT DriverObject)
{
    PDEVICE_OBJECT Filter = DriverObject->DeviceObject;

    if (Filter != NULL) {
        IoDetachDevice(((PFILTER_EXTENSION)Filter->DeviceExtension)->LowerDevice);
        IoDeleteDevice(Filter);
    }
}

/* PASSIVE_LEVEL. A filter must handle every major function, passing down
 * what it does not understand: one routine for all, one exception. */
NTSTATUS
DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    ULONG Major;

    UNREFERENCED_PARAMETER(RegistryPath);
    for (Major = 0; Major <= IRP_MJ_MAXIMUM_FUNCTION; Major++) {
        DriverObject->MajorFunction[Major] = FilterPassThrough;
    }
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = FilterDeviceControl;
    DriverObject->DriverUnload = FilterUnload;
    IoRegisterDriverReinitialization(DriverObject, FilterAttach, NULL);
    return STATUS_SUCCESS;
}
