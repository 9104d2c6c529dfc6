/*
 * drivers/samples/sample/driver.c - the smallest useful WDM-style driver,
 * for students: one device, \Device\Sample, that clients open as
 * \DosDevices\Sample and ask for a number with a buffered IOCTL.
 *
 * Follows the WDK's "Introduction to Standard Driver Routines": DriverEntry
 * sets up the driver object, dispatch routines handle IRPs, Unload undoes
 * DriverEntry. Every routine is declared with its role typedef, so the
 * compiler checks its signature against the WDK's. The source says
 * DriverEntry; the build renames it SampleDriverEntry (see io/ioinit.c).
 */
#include <wdm.h>

/* CTL_CODE(device type, function, transfer method, access): function codes
 * below 0x800 are Microsoft's; drivers use 0x800 and up. */
#define IOCTL_SAMPLE_GET_VERSION \
    CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED, FILE_READ_ACCESS)
#define SAMPLE_VERSION 0x00010000

/* Per-device state lives in the device extension the I/O manager
 * allocates (zeroed) right after the DEVICE_OBJECT. */
typedef struct _SAMPLE_DEVICE_EXTENSION {
    ULONG OpenCount;
} SAMPLE_DEVICE_EXTENSION, *PSAMPLE_DEVICE_EXTENSION;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD SampleUnload;
DRIVER_DISPATCH SampleCreateClose;
DRIVER_DISPATCH SampleDeviceControl;

static UNICODE_STRING SampleDeviceName = RTL_CONSTANT_STRING(L"\\Device\\Sample");
static UNICODE_STRING SampleLinkName = RTL_CONSTANT_STRING(L"\\DosDevices\\Sample");

/* PASSIVE_LEVEL. Create and close need no work: count them and succeed. */
NTSTATUS
SampleCreateClose(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PSAMPLE_DEVICE_EXTENSION Extension = DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION IrpSp = IoGetCurrentIrpStackLocation(Irp);

    if (IrpSp->MajorFunction == IRP_MJ_CREATE) {
        Extension->OpenCount++;
    } else {
        Extension->OpenCount--;
    }
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

/* PASSIVE_LEVEL. METHOD_BUFFERED: the I/O manager copied the input into
 * AssociatedIrp.SystemBuffer and copies IoStatus.Information bytes of it
 * back to the caller's output buffer when the IRP completes. */
NTSTATUS
SampleDeviceControl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PIO_STACK_LOCATION IrpSp = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(DeviceObject);
    Irp->IoStatus.Information = 0;
    switch (IrpSp->Parameters.DeviceIoControl.IoControlCode) {
    case IOCTL_SAMPLE_GET_VERSION:
        if (IrpSp->Parameters.DeviceIoControl.OutputBufferLength < sizeof(ULONG)) {
            Status = STATUS_BUFFER_TOO_SMALL;
            break;
        }
        *(PULONG)Irp->AssociatedIrp.SystemBuffer = SAMPLE_VERSION;
        Irp->IoStatus.Information = sizeof(ULONG);
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

/* PASSIVE_LEVEL. Undoes DriverEntry: the link, then the device. */
VOID
SampleUnload(PDRIVER_OBJECT DriverObject)
{
    IoDeleteSymbolicLink(&SampleLinkName);
    IoDeleteDevice(DriverObject->DeviceObject);
}

/* PASSIVE_LEVEL. Every MajorFunction slot already holds a routine that
 * fails the IRP with STATUS_INVALID_DEVICE_REQUEST; set the ones we
 * handle. The I/O manager clears DO_DEVICE_INITIALIZING on return. */
NTSTATUS
DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    PDEVICE_OBJECT DeviceObject;
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(RegistryPath);
    Status = IoCreateDevice(DriverObject, sizeof(SAMPLE_DEVICE_EXTENSION), &SampleDeviceName,
                            FILE_DEVICE_UNKNOWN, FILE_DEVICE_SECURE_OPEN, FALSE, &DeviceObject);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    DeviceObject->Flags |= DO_BUFFERED_IO;
    Status = IoCreateSymbolicLink(&SampleLinkName, &SampleDeviceName);
    if (!NT_SUCCESS(Status)) {
        IoDeleteDevice(DeviceObject);
        return Status;
    }
    DriverObject->MajorFunction[IRP_MJ_CREATE] = SampleCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = SampleCreateClose;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = SampleDeviceControl;
    DriverObject->DriverUnload = SampleUnload;
    return STATUS_SUCCESS;
}
