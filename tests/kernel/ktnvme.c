/*
 * tests/kernel/ktnvme.c - KtNvme's driver object: DriverEntry, AddDevice,
 * IRP_MJ_PNP and IRP_MJ_POWER (the WDK's function-driver patterns), and
 * the service the tests register at run time with IopRegisterDriverService
 * for PCI\VEN_1B36&DEV_0010, QEMU's NVMe controller.
 *
 * The service declares MessageSignaled, as an INF's MSISupported = 1 does
 * on Windows: only then may the PnP manager choose the PCI PDO's
 * requirements alternative with MSI-X message descriptors. No built-in
 * driver serves the controller, so at boot its node has no driver (problem
 * CM_PROB_FAILED_INSTALL); registering the service makes the PnP manager
 * try it again, add this driver and start it.
 *
 * START goes down first (the PCI PDO enables decoding and programs MSI-X),
 * then ktnvmestart.c takes the resources and brings the controller up.
 * STOP, SURPRISE_REMOVAL and REMOVE disable the controller, disconnect the
 * messages and free what start took before the PDO turns MSI-X off.
 */
#include "tests/kernel/ktnvme.h"
#include "tests/kernel/pcibustest.h"
#include "io/pnpp.h"

static DRIVER_INITIALIZE KtNvmeDriverEntry;
static DRIVER_ADD_DEVICE KtNvmeAddDevice;
static DRIVER_DISPATCH KtNvmePnp;
static DRIVER_DISPATCH KtNvmePower;

static const PCWSTR KtNvmeIds[] = {L"PCI\\VEN_1B36&DEV_0010", NULL};
static IOP_DRIVER_SERVICE KtNvmeService = {.Name = L"KtNvme", .DriverEntry = KtNvmeDriverEntry,
                                           .Ids = KtNvmeIds, .MessageSignaled = TRUE};
static PKTNVME_EXTENSION KtNvmeCurrent;     /* the one controller's FDO, or NULL */

/* PASSIVE_LEVEL. */
static NTSTATUS
KtNvmeDriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverExtension->AddDevice = KtNvmeAddDevice;
    DriverObject->MajorFunction[IRP_MJ_PNP] = KtNvmePnp;
    DriverObject->MajorFunction[IRP_MJ_POWER] = KtNvmePower;
    return STATUS_SUCCESS;
}

/* PASSIVE_LEVEL. An unnamed FDO above the PCI PDO. */
static NTSTATUS
KtNvmeAddDevice(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT PhysicalDeviceObject)
{
    PKTNVME_EXTENSION Ext;
    PDEVICE_OBJECT Fdo;
    NTSTATUS Status;

    Status = IoCreateDevice(DriverObject, sizeof(KTNVME_EXTENSION), NULL, FILE_DEVICE_CONTROLLER,
                            FILE_DEVICE_SECURE_OPEN, FALSE, &Fdo);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    Ext = Fdo->DeviceExtension;
    RtlZeroMemory(Ext, sizeof(*Ext));
    Ext->DeviceObject = Fdo;
    Ext->PhysicalDeviceObject = PhysicalDeviceObject;
    ExInitializeFastMutex(&Ext->CommandLock);
    KeInitializeDpc(&Ext->Dpc, KtNvmeDpc, Ext);
    KeInitializeEvent(&Ext->CommandDone, NotificationEvent, FALSE);
    Ext->LowerDevice = IoAttachDeviceToDeviceStack(Fdo, PhysicalDeviceObject);
    if (Ext->LowerDevice == NULL) {
        IoDeleteDevice(Fdo);
        return STATUS_NO_SUCH_DEVICE;
    }
    Fdo->Flags &= ~DO_DEVICE_INITIALIZING;
    KtNvmeCurrent = Ext;
    return STATUS_SUCCESS;
}

/* IRQL <= DISPATCH_LEVEL. */
static NTSTATUS
KtNvmeComplete(PIRP Irp, NTSTATUS Status)
{
    Irp->IoStatus.Status = Status;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return Status;
}

/* PASSIVE_LEVEL, on the PnP manager's thread with its tree lock held. */
static NTSTATUS
KtNvmePnp(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PKTNVME_EXTENSION Ext = DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION IrpSp = IoGetCurrentIrpStackLocation(Irp);
    PDEVICE_OBJECT Lower = Ext->LowerDevice;
    NTSTATUS Status;

    switch (IrpSp->MinorFunction) {
    case IRP_MN_START_DEVICE:
        if (!IoForwardIrpSynchronously(Lower, Irp)) {
            return KtNvmeComplete(Irp, STATUS_UNSUCCESSFUL);
        }
        Status = Irp->IoStatus.Status;
        if (NT_SUCCESS(Status)) {
            Status = KtNvmeStartDevice(Ext, IrpSp->Parameters.StartDevice.AllocatedResources,
                                       IrpSp->Parameters.StartDevice.AllocatedResourcesTranslated);
        }
        return KtNvmeComplete(Irp, Status);

    case IRP_MN_STOP_DEVICE:
    case IRP_MN_SURPRISE_REMOVAL:
        KtNvmeStopDevice(Ext);
        Irp->IoStatus.Status = STATUS_SUCCESS;
        break;

    case IRP_MN_REMOVE_DEVICE:
        KtNvmeStopDevice(Ext);
        Irp->IoStatus.Status = STATUS_SUCCESS;
        IoSkipCurrentIrpStackLocation(Irp);
        Status = IoCallDriver(Lower, Irp);
        IoDetachDevice(Lower);
        if (KtNvmeCurrent == Ext) {
            KtNvmeCurrent = NULL;
        }
        IoDeleteDevice(DeviceObject);
        return Status;

    case IRP_MN_QUERY_STOP_DEVICE:
    case IRP_MN_CANCEL_STOP_DEVICE:
    case IRP_MN_QUERY_REMOVE_DEVICE:
    case IRP_MN_CANCEL_REMOVE_DEVICE:
        /* Nothing is queued that a stop or removal would have to wait for:
         * an admin command in flight holds CommandLock, which stop takes. */
        Irp->IoStatus.Status = STATUS_SUCCESS;
        break;

    default:
        break;
    }
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(Lower, Irp);
}

/* PASSIVE_LEVEL. Power policy is the bus driver's; pass everything down. */
static NTSTATUS
KtNvmePower(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PKTNVME_EXTENSION Ext = DeviceObject->DeviceExtension;

    PoStartNextPowerIrp(Irp);
    IoSkipCurrentIrpStackLocation(Irp);
    return PoCallDriver(Ext->LowerDevice, Irp);
}

/* PASSIVE_LEVEL. Registers the service once; the PnP manager then starts
 * KtNvme on a controller that had no driver. */
VOID
KtNvmeRegister(VOID)
{
    static BOOLEAN Registered;

    if (!Registered) {
        Registered = TRUE;
        IopRegisterDriverService(&KtNvmeService);
    }
    IopWaitForPnpIdle();
}

/* Any IRQL. */
PKTNVME_EXTENSION
KtNvmeDevice(VOID)
{
    return KtNvmeCurrent;
}

/* PASSIVE_LEVEL. */
PDEVICE_NODE
KtNvmeDeviceNode(VOID)
{
    return KtPciFindFunction(KtNvmeIds[0]);
}
