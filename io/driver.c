/*
 * io/driver.c - driver objects: creating one and calling its DriverEntry
 * (IopLoadDriver), unloading it (IopUnloadDriver), the default dispatch
 * routine, and per-driver extensions (IoAllocateDriverObjectExtension,
 * IoGetDriverObjectExtension).
 *
 * A driver object is named \Driver\<Name> and its body is an
 * IOP_DRIVER_BODY (io/iop.h): the DRIVER_OBJECT, its DRIVER_EXTENSION, and
 * the I/O manager's own bookkeeping. While a driver is loaded the I/O
 * manager holds one reference; each of its devices holds another.
 */
#include "io/iop.h"

OBJECT_TYPE IopDriverObjectType;
static POBJECT_TYPE IopDriverObjectTypePointer = &IopDriverObjectType;
POBJECT_TYPE *IoDriverObjectType = &IopDriverObjectTypePointer;

static LIST_ENTRY IopLoadedDrivers;     /* IOP_DRIVER_BODY.DriverLink, under IopDatabaseLock */

static const WCHAR IopServicesKey[] = L"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\";
static const WCHAR IopDriverDirectory[] = L"\\Driver\\";
static UNICODE_STRING IopHardwareDatabase =
    RTL_CONSTANT_STRING(L"\\REGISTRY\\MACHINE\\HARDWARE\\DESCRIPTION\\SYSTEM");

/* One IoAllocateDriverObjectExtension block; the caller's bytes follow,
 * 16-byte aligned like any pool allocation on x64. */
typedef struct DECLSPEC_ALIGN(16) _IOP_CLIENT_EXTENSION {
    LIST_ENTRY Link;
    PVOID ClientIdentificationAddress;
} IOP_CLIENT_EXTENSION, *PIOP_CLIENT_EXTENSION;

#define IOP_DRIVER_BODY(DriverObject) CONTAINING_RECORD((DriverObject), IOP_DRIVER_BODY, DriverObject)

/* The last reference went (the driver is unloaded and none of its devices
 * is left). */
static VOID
IopDeleteDriverObject(PVOID Object)
{
    PIOP_DRIVER_BODY Body = Object;

    while (!IsListEmpty(&Body->ClientExtensions)) {
        ExFreePoolWithTag(RemoveHeadList(&Body->ClientExtensions), IOP_DRIVER_TAG);
    }
    if (Body->DriverObject.DriverName.Buffer != NULL) {
        ExFreePoolWithTag(Body->DriverObject.DriverName.Buffer, IOP_DRIVER_TAG);
    }
}

/* PASSIVE_LEVEL, once, from IoInitSystem. */
VOID
IopInitializeDriverObjects(VOID)
{
    InitializeListHead(&IopLoadedDrivers);
    ObpInitializeObjectType(&IopDriverObjectType, "Driver", IOP_DRIVER_TAG,
                            IopDeleteDriverObject);
}

/* Any IRQL <= DISPATCH_LEVEL: the entry every MajorFunction slot starts
 * with. */
NTSTATUS
IopInvalidDeviceRequest(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    Irp->IoStatus.Status = STATUS_INVALID_DEVICE_REQUEST;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_INVALID_DEVICE_REQUEST;
}

/* Prefix followed by Name, in a new pool string. */
static NTSTATUS
IopConcatenate(PCWSTR Prefix, PCWSTR Name, PUNICODE_STRING Result)
{
    UNICODE_STRING Left, Right;

    RtlInitUnicodeString(&Left, Prefix);
    RtlInitUnicodeString(&Right, Name);
    Result->Length = 0;
    Result->MaximumLength = Left.Length + Right.Length + sizeof(WCHAR);
    Result->Buffer = ExAllocatePoolWithTag(NonPagedPoolNx, Result->MaximumLength, IOP_DRIVER_TAG);
    if (Result->Buffer == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    RtlCopyUnicodeString(Result, &Left);
    RtlAppendUnicodeStringToString(Result, &Right);
    Result->Buffer[Result->Length / sizeof(WCHAR)] = UNICODE_NULL;
    return STATUS_SUCCESS;
}

/* PASSIVE_LEVEL. A named driver object whose MajorFunction slots all hold
 * IopInvalidDeviceRequest, with the I/O manager's reference. */
static NTSTATUS
IopCreateDriverObject(PCWSTR Name, PDRIVER_INITIALIZE DriverEntry, PDRIVER_OBJECT *DriverObject)
{
    PIOP_DRIVER_BODY Body;
    PDRIVER_OBJECT Driver;
    NTSTATUS Status;
    ULONG Index;
    KIRQL OldIrql;

    Status = ObpCreateObject(&IopDriverObjectType, sizeof(IOP_DRIVER_BODY), (PVOID *)&Body);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    Driver = &Body->DriverObject;
    InitializeListHead(&Body->ClientExtensions);
    InitializeListHead(&Body->DriverLink);
    Driver->Type = IO_TYPE_DRIVER;
    Driver->Size = sizeof(DRIVER_OBJECT);
    Driver->Flags = DRVO_BUILTIN_DRIVER | DRVO_LEGACY_DRIVER;
    Driver->DriverStart = (PVOID)DriverEntry;
    Driver->DriverExtension = &Body->DriverExtension;
    Driver->DriverExtension->DriverObject = Driver;
    Driver->HardwareDatabase = &IopHardwareDatabase;
    Driver->DriverInit = DriverEntry;
    for (Index = 0; Index <= IRP_MJ_MAXIMUM_FUNCTION; Index++) {
        Driver->MajorFunction[Index] = IopInvalidDeviceRequest;
    }
    Status = IopConcatenate(IopDriverDirectory, Name, &Driver->DriverName);
    if (NT_SUCCESS(Status)) {
        /* The service key name is the last component of the driver's name. */
        Driver->DriverExtension->ServiceKeyName.Buffer =
            Driver->DriverName.Buffer + RTL_NUMBER_OF(IopDriverDirectory) - 1;
        Driver->DriverExtension->ServiceKeyName.Length =
            Driver->DriverName.Length - (RTL_NUMBER_OF(IopDriverDirectory) - 1) * sizeof(WCHAR);
        Driver->DriverExtension->ServiceKeyName.MaximumLength =
            Driver->DriverExtension->ServiceKeyName.Length;
        Status = ObInsertObjectName(Driver, &Driver->DriverName);
    }
    if (!NT_SUCCESS(Status)) {
        ObfDereferenceObject(Driver);
        return Status;
    }
    KeAcquireSpinLock(&IopDatabaseLock, &OldIrql);
    InsertTailList(&IopLoadedDrivers, &Body->DriverLink);
    KeReleaseSpinLock(&IopDatabaseLock, OldIrql);
    *DriverObject = Driver;
    return STATUS_SUCCESS;
}

/* Undoes IopCreateDriverObject: the name, the list entry, the I/O
 * manager's reference. */
static VOID
IopForgetDriverObject(PDRIVER_OBJECT DriverObject)
{
    KIRQL OldIrql;

    KeAcquireSpinLock(&IopDatabaseLock, &OldIrql);
    RemoveEntryList(&IOP_DRIVER_BODY(DriverObject)->DriverLink);
    InitializeListHead(&IOP_DRIVER_BODY(DriverObject)->DriverLink);
    KeReleaseSpinLock(&IopDatabaseLock, OldIrql);
    ObMakeTemporaryObject(DriverObject);
    ObfDereferenceObject(DriverObject);
}

/* PASSIVE_LEVEL. */
NTSTATUS
IopLoadDriver(PCWSTR Name, PDRIVER_INITIALIZE DriverEntry, PDRIVER_OBJECT *DriverObject)
{
    UNICODE_STRING RegistryPath;
    PDRIVER_OBJECT Driver;
    PDEVICE_OBJECT Device;
    NTSTATUS Status;
    KIRQL Irql;

    if (DriverObject != NULL) {
        *DriverObject = NULL;
    }
    Status = IopCreateDriverObject(Name, DriverEntry, &Driver);
    if (!NT_SUCCESS(Status)) {
        DbgPrint("Io: cannot create \\Driver\\%ws: status 0x%08x%s\n", Name, Status,
                 Status == STATUS_OBJECT_NAME_COLLISION ? " (a driver by that name exists)" : "");
        return Status;
    }
    Status = IopConcatenate(IopServicesKey, Name, &RegistryPath);
    if (!NT_SUCCESS(Status)) {
        IopForgetDriverObject(Driver);
        return Status;
    }

    Irql = KeGetCurrentIrql();
    Status = DriverEntry(Driver, &RegistryPath);
    if (KeGetCurrentIrql() != Irql) {
        DbgPrint("Io: %wZ's DriverEntry returned at IRQL %u; it was called at %u\n",
                 &Driver->DriverName, KeGetCurrentIrql(), Irql);
        KeBugCheckEx(DRIVER_VERIFIER_IOMANAGER_VIOLATION, 0x05, (ULONG_PTR)Driver, Irql,
                     KeGetCurrentIrql());
    }
    /* The WDK: RegistryPath is valid during DriverEntry only. */
    ExFreePoolWithTag(RegistryPath.Buffer, IOP_DRIVER_TAG);

    if (!NT_SUCCESS(Status)) {
        DbgPrint("Io: %wZ failed to initialize: DriverEntry returned 0x%08x\n",
                 &Driver->DriverName, Status);
        while ((Device = Driver->DeviceObject) != NULL) {
            DbgPrint("Io: %wZ left device %p behind; deleting it\n", &Driver->DriverName,
                     Device);
            if (Device->AttachedDevice != NULL) {
                IoDetachDevice(Device);
            }
            if (IopDeviceExtension(Device)->AttachedTo != NULL) {
                IoDetachDevice(IopDeviceExtension(Device)->AttachedTo);
            }
            IoDeleteDevice(Device);
        }
        IopForgetDriverObject(Driver);
        return Status;
    }
    /* Devices created in DriverEntry are ready now; those created later
     * (AddDevice) are cleared by their driver, as WDM requires. */
    for (Device = Driver->DeviceObject; Device != NULL; Device = Device->NextDevice) {
        Device->Flags &= ~DO_DEVICE_INITIALIZING;
    }
    Driver->Flags |= DRVO_INITIALIZED;
    if (DriverObject != NULL) {
        *DriverObject = Driver;
    }
    return STATUS_SUCCESS;
}

/* PASSIVE_LEVEL. */
NTSTATUS
IopUnloadDriver(PDRIVER_OBJECT DriverObject)
{
    PDEVICE_OBJECT Device;
    KIRQL OldIrql;

    if (DriverObject->DriverUnload == NULL) {
        DbgPrint("Io: %wZ has no Unload routine; it cannot be unloaded\n",
                 &DriverObject->DriverName);
        return STATUS_INVALID_DEVICE_REQUEST;
    }
    KeAcquireSpinLock(&IopDatabaseLock, &OldIrql);
    for (Device = DriverObject->DeviceObject; Device != NULL; Device = Device->NextDevice) {
        if (Device->ReferenceCount != 0) {
            LONG Opens = Device->ReferenceCount;

            KeReleaseSpinLock(&IopDatabaseLock, OldIrql);
            DbgPrint("Io: unloading %wZ refused: device %p has %d open handle(s)\n",
                     &DriverObject->DriverName, Device, Opens);
            return STATUS_DEVICE_BUSY;
        }
    }
    for (Device = DriverObject->DeviceObject; Device != NULL; Device = Device->NextDevice) {
        IopDeviceExtension(Device)->ExtensionFlags |= DOE_UNLOAD_PENDING;
    }
    DriverObject->Flags |= DRVO_UNLOAD_INVOKED;
    KeReleaseSpinLock(&IopDatabaseLock, OldIrql);

    DriverObject->DriverUnload(DriverObject);

    Device = DriverObject->DeviceObject;
    if (Device != NULL) {
        DbgPrint("Io: %wZ's Unload routine returned with device %p not deleted; Unload must "
                 "IoDeleteDevice every device the driver created\n",
                 &DriverObject->DriverName, Device);
        KeBugCheckEx(DRIVER_VERIFIER_IOMANAGER_VIOLATION, IOP_VERIFIER_DEVICES_LEFT_AT_UNLOAD,
                     (ULONG_PTR)DriverObject, (ULONG_PTR)Device, 0);
    }
    IopForgetDriverObject(DriverObject);
    return STATUS_SUCCESS;
}

/* PASSIVE_LEVEL. */
PDRIVER_OBJECT
IopReferenceDriverByName(PCWSTR Name)
{
    UNICODE_STRING Path;
    PVOID Driver = NULL;

    if (!NT_SUCCESS(IopConcatenate(IopDriverDirectory, Name, &Path))) {
        return NULL;
    }
    if (!NT_SUCCESS(ObReferenceObjectByName(&Path, 0, &IopDriverObjectType, &Driver, NULL))) {
        Driver = NULL;
    }
    ExFreePoolWithTag(Path.Buffer, IOP_DRIVER_TAG);
    return Driver;
}

/* IRQL <= DISPATCH_LEVEL. The block is zeroed and lives as long as the
 * driver object. */
NTSTATUS NTAPI
IoAllocateDriverObjectExtension(PDRIVER_OBJECT DriverObject, PVOID ClientIdentificationAddress,
                                ULONG DriverObjectExtensionSize, PVOID *DriverObjectExtension)
{
    PIOP_DRIVER_BODY Body = IOP_DRIVER_BODY(DriverObject);
    PIOP_CLIENT_EXTENSION Extension, Existing;
    NTSTATUS Status = STATUS_SUCCESS;
    PLIST_ENTRY Link;
    KIRQL OldIrql;

    *DriverObjectExtension = NULL;
    Extension = ExAllocatePoolZero(NonPagedPoolNx,
                                   sizeof(IOP_CLIENT_EXTENSION) + DriverObjectExtensionSize,
                                   IOP_DRIVER_TAG);
    if (Extension == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    Extension->ClientIdentificationAddress = ClientIdentificationAddress;
    KeAcquireSpinLock(&IopDatabaseLock, &OldIrql);
    for (Link = Body->ClientExtensions.Flink; Link != &Body->ClientExtensions;
         Link = Link->Flink) {
        Existing = CONTAINING_RECORD(Link, IOP_CLIENT_EXTENSION, Link);
        if (Existing->ClientIdentificationAddress == ClientIdentificationAddress) {
            Status = STATUS_OBJECT_NAME_COLLISION;
            break;
        }
    }
    if (NT_SUCCESS(Status)) {
        InsertTailList(&Body->ClientExtensions, &Extension->Link);
    }
    KeReleaseSpinLock(&IopDatabaseLock, OldIrql);
    if (!NT_SUCCESS(Status)) {
        ExFreePoolWithTag(Extension, IOP_DRIVER_TAG);
        return Status;
    }
    *DriverObjectExtension = Extension + 1;
    return STATUS_SUCCESS;
}

/* IRQL <= DISPATCH_LEVEL. NULL when there is none. */
PVOID NTAPI
IoGetDriverObjectExtension(PDRIVER_OBJECT DriverObject, PVOID ClientIdentificationAddress)
{
    PIOP_DRIVER_BODY Body = IOP_DRIVER_BODY(DriverObject);
    PVOID Found = NULL;
    PLIST_ENTRY Link;
    KIRQL OldIrql;

    KeAcquireSpinLock(&IopDatabaseLock, &OldIrql);
    for (Link = Body->ClientExtensions.Flink; Link != &Body->ClientExtensions;
         Link = Link->Flink) {
        PIOP_CLIENT_EXTENSION Extension = CONTAINING_RECORD(Link, IOP_CLIENT_EXTENSION, Link);

        if (Extension->ClientIdentificationAddress == ClientIdentificationAddress) {
            Found = Extension + 1;
            break;
        }
    }
    KeReleaseSpinLock(&IopDatabaseLock, OldIrql);
    return Found;
}
