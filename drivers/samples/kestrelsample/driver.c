/*
 * drivers/samples/kestrelsample/driver.c - a minimal driver for students:
 * one device, \Device\KestrelSample (\DosDevices\KestrelSample for
 * clients), that answers one buffered IOCTL by reversing the bytes it is
 * given.
 *
 * The routines are the WDK's standard ones ("Introduction to Standard
 * Driver Routines"): DriverEntry fills in the driver object, dispatch
 * routines handle IRPs, Unload undoes DriverEntry. Each is declared with
 * its role typedef (DRIVER_DISPATCH ...) so that the compiler checks its
 * signature. A client does, in kernel mode:
 *
 *   ZwCreateFile(&Handle, ... "\DosDevices\KestrelSample" ...);
 *   ZwDeviceIoControlFile(Handle, NULL, NULL, NULL, &Iosb,
 *                         IOCTL_KESTREL_SAMPLE_REVERSE, In, 5, Out, 5);
 *   ZwClose(Handle);
 */
#include <wdm.h>
#include "kestrelsample.h"

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD KestrelSampleUnload;
DRIVER_DISPATCH KestrelSampleCreateClose;
DRIVER_DISPATCH KestrelSampleDeviceControl;

static UNICODE_STRING KestrelSampleDeviceName = RTL_CONSTANT_STRING(KESTREL_SAMPLE_DEVICE_NAME);
static UNICODE_STRING KestrelSampleDosName = RTL_CONSTANT_STRING(KESTREL_SAMPLE_DOS_NAME);

/* PASSIVE_LEVEL. Opening and closing need no work here: succeed. Cleanup
 * would matter if this driver kept IRPs queued; it completes each at once. */
NTSTATUS
KestrelSampleCreateClose(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

/* PASSIVE_LEVEL (any IRQL <= DISPATCH_LEVEL would do: nothing waits).
 * METHOD_BUFFERED: one system buffer holds the input on the way down and
 * the output on the way back; the I/O manager copies IoStatus.Information
 * bytes of it to the caller's output buffer when the IRP completes. So the
 * input must be read before the output overwrites it. */
NTSTATUS
KestrelSampleDeviceControl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PIO_STACK_LOCATION IrpSp = IoGetCurrentIrpStackLocation(Irp);
    ULONG InLength = IrpSp->Parameters.DeviceIoControl.InputBufferLength;
    ULONG OutLength = IrpSp->Parameters.DeviceIoControl.OutputBufferLength;
    PUCHAR Buffer = Irp->AssociatedIrp.SystemBuffer;
    NTSTATUS Status;
    ULONG Index;

    UNREFERENCED_PARAMETER(DeviceObject);
    Irp->IoStatus.Information = 0;
    switch (IrpSp->Parameters.DeviceIoControl.IoControlCode) {
    case IOCTL_KESTREL_SAMPLE_REVERSE:
        if (OutLength < InLength) {
            Status = STATUS_BUFFER_TOO_SMALL;
            break;
        }
        /* Swap from both ends towards the middle, in place. */
        for (Index = 0; Index < InLength / 2; Index++) {
            UCHAR Byte = Buffer[Index];

            Buffer[Index] = Buffer[InLength - 1 - Index];
            Buffer[InLength - 1 - Index] = Byte;
        }
        Irp->IoStatus.Information = InLength;
        Status = STATUS_SUCCESS;
        break;
    default:
        Status = STATUS_INVALID_DEVICE_REQUEST;
        break;
    }
    Irp->IoStatus.Status = Status;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return Status;
}

/* PASSIVE_LEVEL. Undoes DriverEntry, in reverse: the link, then the device.
 * The I/O manager calls it only when no handle to the device is open. */
VOID
KestrelSampleUnload(PDRIVER_OBJECT DriverObject)
{
    IoDeleteSymbolicLink(&KestrelSampleDosName);
    IoDeleteDevice(DriverObject->DeviceObject);
}

/* PASSIVE_LEVEL. Every MajorFunction entry starts out failing its IRPs
 * with STATUS_INVALID_DEVICE_REQUEST: set the ones this driver handles.
 * The I/O manager clears DO_DEVICE_INITIALIZING when DriverEntry returns. */
NTSTATUS
DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    PDEVICE_OBJECT DeviceObject;
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(RegistryPath);
    Status = IoCreateDevice(DriverObject, 0, &KestrelSampleDeviceName, FILE_DEVICE_UNKNOWN,
                            FILE_DEVICE_SECURE_OPEN, FALSE, &DeviceObject);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    DeviceObject->Flags |= DO_BUFFERED_IO;
    Status = IoCreateSymbolicLink(&KestrelSampleDosName, &KestrelSampleDeviceName);
    if (!NT_SUCCESS(Status)) {
        IoDeleteDevice(DeviceObject);
        return Status;
    }
    DriverObject->MajorFunction[IRP_MJ_CREATE] = KestrelSampleCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = KestrelSampleCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLEANUP] = KestrelSampleCreateClose;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = KestrelSampleDeviceControl;
    DriverObject->DriverUnload = KestrelSampleUnload;
    return STATUS_SUCCESS;
}
