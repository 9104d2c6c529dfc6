/*
 * io/device.c - device objects: IoCreateDevice, IoDeleteDevice, and device
 * stacks (IoAttachDeviceToDeviceStack(Safe), IoAttachDevice, IoDetachDevice,
 * IoGetAttachedDevice(Reference), IoGetLowerDeviceObject,
 * IoGetRelatedDeviceObject).
 *
 * A device object is one block of the object manager's:
 *
 *   | OBJECT_HEADER | DEVICE_OBJECT (0x150) | device extension (16-aligned) | DEVOBJ_EXTENSION |
 *
 * A device stack links devices through AttachedDevice (upwards) and
 * DEVOBJ_EXTENSION.AttachedTo (downwards); an IRP enters at the top and each
 * driver passes it to the device below, so a device's StackSize is the one
 * below it plus one:
 *
 *   filter  (StackSize 3)   AttachedTo = fdo
 *     |  ^ AttachedDevice
 *   fdo     (StackSize 2)   AttachedTo = pdo
 *     |  ^
 *   pdo     (StackSize 1)   AttachedTo = NULL
 */
#include "io/iop.h"
#include "io/iopirp.h"

OBJECT_TYPE IopDeviceObjectType;
static POBJECT_TYPE IopDeviceObjectTypePointer = &IopDeviceObjectType;
POBJECT_TYPE *IoDeviceObjectType = &IopDeviceObjectTypePointer;
KSPIN_LOCK IopDatabaseLock;

#define IOP_MAXIMUM_DEVICE_EXTENSION (MAXUSHORT - sizeof(DEVICE_OBJECT))

/* The last reference went: the device holds its driver until now. */
static VOID
IopDeleteDeviceObject(PVOID Object)
{
    PDEVICE_OBJECT DeviceObject = Object;

    ObfDereferenceObject(DeviceObject->DriverObject);
}

/* PASSIVE_LEVEL, once, from IoInitSystem. */
VOID
IopInitializeDeviceObjects(VOID)
{
    KeInitializeSpinLock(&IopDatabaseLock);
    ObpInitializeObjectType(&IopDeviceObjectType, "Device", IOP_DEVICE_TAG,
                            IopDeleteDeviceObject);
}

/* What KeInitializeDeviceQueue does, without depending on it. */
static VOID
IopInitializeDeviceQueue(PKDEVICE_QUEUE Queue)
{
    Queue->Type = IOP_DEVICE_QUEUE_OBJECT;
    Queue->Size = sizeof(KDEVICE_QUEUE);
    InitializeListHead(&Queue->DeviceListHead);
    KeInitializeSpinLock(&Queue->Lock);
    Queue->Busy = FALSE;
}

/* PASSIVE_LEVEL. */
NTSTATUS NTAPI
IoCreateDevice(PDRIVER_OBJECT DriverObject, ULONG DeviceExtensionSize, PUNICODE_STRING DeviceName,
               DEVICE_TYPE DeviceType, ULONG DeviceCharacteristics, BOOLEAN Exclusive,
               PDEVICE_OBJECT *DeviceObject)
{
    SIZE_T ExtensionBytes = ((SIZE_T)DeviceExtensionSize + 15) & ~(SIZE_T)15;
    PDEVICE_OBJECT Device;
    PDEVOBJ_EXTENSION DeviceExtension;
    NTSTATUS Status;
    KIRQL OldIrql;

    if (DeviceObject == NULL || DriverObject == NULL || DriverObject->Type != IO_TYPE_DRIVER) {
        DbgPrint("IoCreateDevice from %pS: %s\n", __builtin_return_address(0),
                 DeviceObject == NULL ? "DeviceObject (the output pointer) is NULL"
                                      : "DriverObject is not a driver object");
        return STATUS_INVALID_PARAMETER;
    }
    *DeviceObject = NULL;
    if (DeviceExtensionSize > IOP_MAXIMUM_DEVICE_EXTENSION) {
        DbgPrint("IoCreateDevice(%wZ): a device extension of %u bytes is too large (at most "
                 "%u: DEVICE_OBJECT.Size is a USHORT)\n", &DriverObject->DriverName,
                 DeviceExtensionSize, (ULONG)IOP_MAXIMUM_DEVICE_EXTENSION);
        return STATUS_INVALID_PARAMETER;
    }
    Status = ObpCreateObject(&IopDeviceObjectType,
                             sizeof(DEVICE_OBJECT) + ExtensionBytes + sizeof(DEVOBJ_EXTENSION),
                             (PVOID *)&Device);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    /* The body is zeroed; fill in what is not zero. */
    DeviceExtension = (PDEVOBJ_EXTENSION)((PUCHAR)(Device + 1) + ExtensionBytes);
    DeviceExtension->Type = IO_TYPE_DEVICE_OBJECT_EXTENSION;
    DeviceExtension->Size = sizeof(DEVOBJ_EXTENSION);
    DeviceExtension->DeviceObject = Device;
    Device->Type = IO_TYPE_DEVICE;
    Device->Size = (USHORT)(sizeof(DEVICE_OBJECT) + DeviceExtensionSize);
    Device->DriverObject = DriverObject;
    Device->DeviceExtension = DeviceExtensionSize != 0 ? (PVOID)(Device + 1) : NULL;
    Device->DeviceType = DeviceType;
    Device->Characteristics = DeviceCharacteristics;
    Device->StackSize = 1;
    Device->Flags = DO_DEVICE_INITIALIZING | (Exclusive ? DO_EXCLUSIVE : 0) |
                    (DeviceName != NULL ? DO_DEVICE_HAS_NAME : 0);
    Device->DeviceObjectExtension = DeviceExtension;
    if (DeviceType == FILE_DEVICE_DISK || DeviceType == FILE_DEVICE_VIRTUAL_DISK ||
        DeviceType == FILE_DEVICE_CD_ROM || DeviceType == FILE_DEVICE_TAPE) {
        Device->SectorSize = 512;
    }
    InitializeListHead(&Device->Queue.ListEntry);
    IopInitializeDeviceQueue(&Device->DeviceQueue);
    KeInitializeEvent(&Device->DeviceLock, SynchronizationEvent, TRUE);
    ObfReferenceObject(DriverObject);   /* released by IopDeleteDeviceObject */

    if (DeviceName != NULL) {
        Status = ObInsertObjectName(Device, DeviceName);
        if (!NT_SUCCESS(Status)) {
            if (Status != STATUS_OBJECT_NAME_COLLISION) {
                DbgPrint("IoCreateDevice(%wZ): cannot name the device %wZ: status 0x%08x\n",
                         &DriverObject->DriverName, DeviceName, Status);
            }
            ObfDereferenceObject(Device);
            return Status;
        }
    }
    KeAcquireSpinLock(&IopDatabaseLock, &OldIrql);
    Device->NextDevice = DriverObject->DeviceObject;
    DriverObject->DeviceObject = Device;
    KeReleaseSpinLock(&IopDatabaseLock, OldIrql);
    *DeviceObject = Device;
    return STATUS_SUCCESS;
}

static DECLSPEC_NORETURN VOID
IopDeleteAttachedDeviceViolation(ULONG Code, PDEVICE_OBJECT DeviceObject, PDEVICE_OBJECT Other)
{
    PDRIVER_OBJECT Driver = DeviceObject->DriverObject;

    DbgPrint("IoDeleteDevice: driver %wZ deleted device %p while %s device %p (driver %wZ); "
             "IoDetachDevice must come first\n", &Driver->DriverName, DeviceObject,
             Code == IOP_VERIFIER_DELETE_ATTACHED_DEVICE ? "there is still attached above it"
                                                         : "it is still attached to the lower",
             Other, &Other->DriverObject->DriverName);
    KeBugCheckEx(DRIVER_VERIFIER_IOMANAGER_VIOLATION, Code, (ULONG_PTR)DeviceObject,
                 (ULONG_PTR)Other, (ULONG_PTR)Driver);
}

/*
 * The verifier's "IRPs leaked at unload": an Unload routine deleted a device
 * while IRPs that IoCallDriver passed to it had not been completed past it.
 * Nothing will complete them now (their completion would run through a
 * freed device and a driver that is gone). The Unload routine had its chance
 * to cancel or complete them before IoDeleteDevice; IRP_MJ_CLEANUP had one
 * for every handle. PASSIVE_LEVEL, no lock held.
 */
static VOID
IopCheckIrpsLeakedAtUnload(PDEVICE_OBJECT DeviceObject)
{
    LONG64 Outstanding;

    if (!IopVerifierEnabled ||
        (IopDeviceExtension(DeviceObject)->ExtensionFlags & DOE_UNLOAD_PENDING) == 0) {
        return;
    }
    Outstanding = IopGetOutstandingIrpCount(DeviceObject);
    if (Outstanding != 0) {
        DbgPrint("Io verifier: driver %wZ unloads with %lld IRP(s) still pending on device %p; "
                 "Unload must complete or cancel them before IoDeleteDevice\n",
                 &DeviceObject->DriverObject->DriverName, Outstanding, DeviceObject);
        KeBugCheckEx(DRIVER_VERIFIER_IOMANAGER_VIOLATION, IOP_VERIFIER_IRPS_LEAKED_AT_UNLOAD,
                     (ULONG_PTR)DeviceObject, (ULONG_PTR)Outstanding,
                     (ULONG_PTR)DeviceObject->DriverObject);
    }
}

/* PASSIVE_LEVEL. */
VOID NTAPI
IoDeleteDevice(PDEVICE_OBJECT DeviceObject)
{
    PDRIVER_OBJECT Driver;
    PDEVICE_OBJECT *Link;
    KIRQL OldIrql;

    ObpCheckedHeader(DeviceObject, "IoDeleteDevice");
    if (DeviceObject->Type != IO_TYPE_DEVICE) {
        DbgPrint("IoDeleteDevice: %p from %pS is not a device object\n", DeviceObject,
                 __builtin_return_address(0));
        KeBugCheckEx(REFERENCE_BY_POINTER, 0, (ULONG_PTR)DeviceObject, 0, 0);
    }
    Driver = DeviceObject->DriverObject;
    IopCheckIrpsLeakedAtUnload(DeviceObject);
    KeAcquireSpinLock(&IopDatabaseLock, &OldIrql);
    /* During IRP_MN_REMOVE_DEVICE the WDM order is: the IRP goes down the
     * stack, the bus driver deletes its PDO, and each driver above detaches
     * and deletes its own device as the IRP comes back; the PnP manager
     * marks the stack DOE_REMOVE_PROCESSED for that (io/pnpirp.c). */
    if (DeviceObject->AttachedDevice != NULL &&
        (IopDeviceExtension(DeviceObject)->ExtensionFlags & DOE_REMOVE_PROCESSED) == 0) {
        KeReleaseSpinLock(&IopDatabaseLock, OldIrql);
        IopDeleteAttachedDeviceViolation(IOP_VERIFIER_DELETE_ATTACHED_DEVICE, DeviceObject,
                                         DeviceObject->AttachedDevice);
    }
    if (IopDeviceExtension(DeviceObject)->AttachedTo != NULL) {
        KeReleaseSpinLock(&IopDatabaseLock, OldIrql);
        IopDeleteAttachedDeviceViolation(IOP_VERIFIER_DELETE_DEVICE_STILL_ATTACHED, DeviceObject,
                                         IopDeviceExtension(DeviceObject)->AttachedTo);
    }
    IopDeviceExtension(DeviceObject)->ExtensionFlags |= DOE_DELETE_PENDING;
    for (Link = &Driver->DeviceObject; *Link != NULL; Link = &(*Link)->NextDevice) {
        if (*Link == DeviceObject) {
            *Link = DeviceObject->NextDevice;
            break;
        }
    }
    DeviceObject->NextDevice = NULL;
    KeReleaseSpinLock(&IopDatabaseLock, OldIrql);
    /* Its IoTimer routine must not run on a device that is going away. */
    IopDeleteDeviceTimer(DeviceObject);

    /* Lookups stop finding it now; the memory goes with the last reference
     * (an IoGetAttachedDeviceReference caller, an open file...). */
    ObMakeTemporaryObject(DeviceObject);
    ObfDereferenceObject(DeviceObject);
}

/* Lock held. */
static PDEVICE_OBJECT
IopTopOfStack(PDEVICE_OBJECT DeviceObject)
{
    while (DeviceObject->AttachedDevice != NULL) {
        DeviceObject = DeviceObject->AttachedDevice;
    }
    return DeviceObject;
}

/* IRQL <= DISPATCH_LEVEL. */
NTSTATUS NTAPI
IoAttachDeviceToDeviceStackSafe(PDEVICE_OBJECT SourceDevice, PDEVICE_OBJECT TargetDevice,
                                PDEVICE_OBJECT *AttachedToDeviceObject)
{
    PDEVICE_OBJECT Top;
    NTSTATUS Status = STATUS_SUCCESS;
    KIRQL OldIrql;

    *AttachedToDeviceObject = NULL;
    KeAcquireSpinLock(&IopDatabaseLock, &OldIrql);
    Top = IopTopOfStack(TargetDevice);
    if (IopDeviceExtension(SourceDevice)->AttachedTo != NULL || Top == SourceDevice) {
        Status = STATUS_INVALID_PARAMETER;      /* already in a stack */
    } else if ((IopDeviceExtension(Top)->ExtensionFlags &
                (DOE_DELETE_PENDING | DOE_UNLOAD_PENDING)) != 0) {
        Status = STATUS_NO_SUCH_DEVICE;
    } else {
        /* The lower device is known to the caller before an IRP can arrive. */
        *AttachedToDeviceObject = Top;
        SourceDevice->StackSize = (CCHAR)(Top->StackSize + 1);
        if (SourceDevice->AlignmentRequirement < Top->AlignmentRequirement) {
            SourceDevice->AlignmentRequirement = Top->AlignmentRequirement;
        }
        if (SourceDevice->SectorSize == 0) {
            SourceDevice->SectorSize = Top->SectorSize;
        }
        IopDeviceExtension(SourceDevice)->AttachedTo = Top;
        Top->AttachedDevice = SourceDevice;
    }
    KeReleaseSpinLock(&IopDatabaseLock, OldIrql);
    if (Status == STATUS_INVALID_PARAMETER) {
        DbgPrint("IoAttachDeviceToDeviceStack: device %p of %wZ is already attached to a stack\n",
                 SourceDevice, &SourceDevice->DriverObject->DriverName);
    }
    return Status;
}

/* IRQL <= DISPATCH_LEVEL; takes IopDatabaseLock. */
PDEVICE_OBJECT NTAPI
IoAttachDeviceToDeviceStack(PDEVICE_OBJECT SourceDevice, PDEVICE_OBJECT TargetDevice)
{
    PDEVICE_OBJECT Lower;

    return NT_SUCCESS(IoAttachDeviceToDeviceStackSafe(SourceDevice, TargetDevice, &Lower)) ? Lower
                                                                                          : NULL;
}

/* PASSIVE_LEVEL. The target is found by name in the namespace. */
NTSTATUS NTAPI
IoAttachDevice(PDEVICE_OBJECT SourceDevice, PUNICODE_STRING TargetDevice,
               PDEVICE_OBJECT *AttachedDevice)
{
    PVOID Target;
    NTSTATUS Status;

    Status = ObReferenceObjectByName(TargetDevice, 0, &IopDeviceObjectType, &Target, NULL);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    Status = IoAttachDeviceToDeviceStackSafe(SourceDevice, Target, AttachedDevice);
    ObfDereferenceObject(Target);
    return Status;
}

/* IRQL <= DISPATCH_LEVEL. */
VOID NTAPI
IoDetachDevice(PDEVICE_OBJECT TargetDevice)
{
    PDEVICE_OBJECT Upper;
    KIRQL OldIrql;

    KeAcquireSpinLock(&IopDatabaseLock, &OldIrql);
    Upper = TargetDevice->AttachedDevice;
    if (Upper != NULL) {
        IopDeviceExtension(Upper)->AttachedTo = NULL;
        TargetDevice->AttachedDevice = NULL;
    }
    KeReleaseSpinLock(&IopDatabaseLock, OldIrql);
    if (Upper == NULL) {
        DbgPrint("IoDetachDevice from %pS: nothing is attached to device %p\n",
                 __builtin_return_address(0), TargetDevice);
    }
}

/* IRQL <= DISPATCH_LEVEL. */
PDEVICE_OBJECT NTAPI
IoGetAttachedDevice(PDEVICE_OBJECT DeviceObject)
{
    PDEVICE_OBJECT Top;
    KIRQL OldIrql;

    KeAcquireSpinLock(&IopDatabaseLock, &OldIrql);
    Top = IopTopOfStack(DeviceObject);
    KeReleaseSpinLock(&IopDatabaseLock, OldIrql);
    return Top;
}

/* IRQL <= DISPATCH_LEVEL; takes IopDatabaseLock. The caller dereferences. */
PDEVICE_OBJECT NTAPI
IoGetAttachedDeviceReference(PDEVICE_OBJECT DeviceObject)
{
    PDEVICE_OBJECT Top;
    KIRQL OldIrql;

    KeAcquireSpinLock(&IopDatabaseLock, &OldIrql);
    Top = IopTopOfStack(DeviceObject);
    ObfReferenceObject(Top);
    KeReleaseSpinLock(&IopDatabaseLock, OldIrql);
    return Top;
}

/* IRQL <= DISPATCH_LEVEL; takes IopDatabaseLock. The caller dereferences. */
PDEVICE_OBJECT NTAPI
IoGetLowerDeviceObject(PDEVICE_OBJECT DeviceObject)
{
    PDEVICE_OBJECT Lower;
    KIRQL OldIrql;

    KeAcquireSpinLock(&IopDatabaseLock, &OldIrql);
    Lower = IopDeviceExtension(DeviceObject)->AttachedTo;
    if (Lower != NULL) {
        ObfReferenceObject(Lower);
    }
    KeReleaseSpinLock(&IopDatabaseLock, OldIrql);
    return Lower;
}

/* IRQL <= DISPATCH_LEVEL. Kestrel has no file systems, so no VPB to
 * consult: the IRP goes to the top of the opened device's stack. */
PDEVICE_OBJECT NTAPI
IoGetRelatedDeviceObject(PFILE_OBJECT FileObject)
{
    return IoGetAttachedDevice(FileObject->DeviceObject);
}
