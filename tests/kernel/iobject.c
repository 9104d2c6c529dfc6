/*
 * tests/kernel/iobject.c - driver and device objects (io/driver.c,
 * io/device.c, io/reinit.c): loading a driver, its defaults, devices and
 * their extensions, device stacks, reinitialization, unload. The
 * built-in student sample is tested through the file API (file.c).
 */
#include "tests/kernel/ktest.h"
#include "io/iop.h"
#include "kernel/mm/pool.h"

typedef struct _KT_EXTENSION {
    UCHAR Bytes[24];
} KT_EXTENSION;

static UNICODE_STRING KtDeviceA = RTL_CONSTANT_STRING(L"\\Device\\KtIoA");
static UNICODE_STRING KtDeviceB = RTL_CONSTANT_STRING(L"\\Device\\KtIoB");
static UNICODE_STRING KtRegistryPath;
static ULONG KtReinitCalls, KtReinitLastCount;
static PVOID KtReinitContext;
static BOOLEAN KtUnloadCalled;

static DRIVER_INITIALIZE KtDriverEntry;
static DRIVER_INITIALIZE KtFailingDriverEntry;
static DRIVER_INITIALIZE KtEmptyDriverEntry;
static DRIVER_UNLOAD KtUnload;
static DRIVER_REINITIALIZE KtReinitialize;
static DRIVER_DISPATCH KtDispatch;

static NTSTATUS
KtDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Irp);
    return STATUS_SUCCESS;
}

/* Registers itself once more on its first call. */
static VOID
KtReinitialize(PDRIVER_OBJECT DriverObject, PVOID Context, ULONG Count)
{
    KtReinitCalls++;
    KtReinitLastCount = Count;
    KtReinitContext = Context;
    if (Count == 1) {
        IoRegisterDriverReinitialization(DriverObject, KtReinitialize, Context);
    }
}

static VOID
KtUnload(PDRIVER_OBJECT DriverObject)
{
    KtUnloadCalled = TRUE;
    while (DriverObject->DeviceObject != NULL) {
        IoDeleteDevice(DriverObject->DeviceObject);
    }
}

static NTSTATUS
KtDriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    PDEVICE_OBJECT Device;
    NTSTATUS Status;

    KtRegistryPath.Length = 0;
    RtlCopyUnicodeString(&KtRegistryPath, RegistryPath);
    Status = IoCreateDevice(DriverObject, sizeof(KT_EXTENSION), &KtDeviceA, FILE_DEVICE_UNKNOWN,
                            FILE_DEVICE_SECURE_OPEN, TRUE, &Device);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    DriverObject->MajorFunction[IRP_MJ_CREATE] = KtDispatch;
    DriverObject->DriverUnload = KtUnload;
    IoRegisterDriverReinitialization(DriverObject, KtReinitialize, (PVOID)0x1234);
    return STATUS_SUCCESS;
}

static NTSTATUS
KtFailingDriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    PDEVICE_OBJECT Device;

    UNREFERENCED_PARAMETER(RegistryPath);
    IoCreateDevice(DriverObject, 0, &KtDeviceB, FILE_DEVICE_UNKNOWN, 0, FALSE, &Device);
    return STATUS_UNSUCCESSFUL;     /* and leaves the device behind */
}

static NTSTATUS
KtEmptyDriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(DriverObject);
    UNREFERENCED_PARAMETER(RegistryPath);
    return STATUS_SUCCESS;
}

static BOOLEAN
KtNameExists(PCWSTR Path)
{
    UNICODE_STRING Name;
    PVOID Object;

    RtlInitUnicodeString(&Name, Path);
    if (!NT_SUCCESS(ObReferenceObjectByName(&Name, 0, NULL, &Object, NULL))) {
        return FALSE;
    }
    ObDereferenceObject(Object);
    return TRUE;
}

KTEST(IoDriverLoadDefaultsAndUnload)
{
    static WCHAR PathBuffer[128];
    UNICODE_STRING Expected =
        RTL_CONSTANT_STRING(L"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\KtIoTest");
    UNICODE_STRING ServiceKey = RTL_CONSTANT_STRING(L"KtIoTest");
    UNICODE_STRING DriverName = RTL_CONSTANT_STRING(L"\\Driver\\KtIoTest");
    PDRIVER_OBJECT Driver, Again;
    PDEVICE_OBJECT Device;
    ULONG Index;

    RtlInitEmptyUnicodeString(&KtRegistryPath, PathBuffer, sizeof(PathBuffer));
    KtReinitCalls = 0;
    KtUnloadCalled = FALSE;
    KT_ASSERT_STATUS(IopLoadDriver(L"KtIoTest", KtDriverEntry, &Driver), STATUS_SUCCESS);
    KT_ASSERT(RtlEqualUnicodeString(&KtRegistryPath, &Expected, FALSE));
    KT_ASSERT(RtlEqualUnicodeString(&Driver->DriverName, &DriverName, FALSE));
    KT_ASSERT(RtlEqualUnicodeString(&Driver->DriverExtension->ServiceKeyName, &ServiceKey, FALSE));
    KT_ASSERT(Driver->DriverExtension->DriverObject == Driver);
    KT_ASSERT_EQ(Driver->Type, IO_TYPE_DRIVER);
    /* Every slot the driver did not set fails requests. */
    for (Index = 0; Index <= IRP_MJ_MAXIMUM_FUNCTION; Index++) {
        KT_ASSERT(Driver->MajorFunction[Index] ==
                  (Index == IRP_MJ_CREATE ? KtDispatch : IopInvalidDeviceRequest));
    }
    Again = IopReferenceDriverByName(L"ktiotest");
    KT_ASSERT(Again == Driver);
    ObDereferenceObject(Again);
    KT_ASSERT_STATUS(IopLoadDriver(L"KtIoTest", KtEmptyDriverEntry, NULL),
                     STATUS_OBJECT_NAME_COLLISION);

    /* DriverEntry's device is ready once DriverEntry returns. */
    Device = Driver->DeviceObject;
    KT_ASSERT(Device != NULL && Device->NextDevice == NULL);
    KT_ASSERT_EQ(Device->Flags & (DO_DEVICE_INITIALIZING | DO_EXCLUSIVE),
                 DO_EXCLUSIVE);
    KT_ASSERT(KtNameExists(L"\\Device\\KtIoA"));

    /* Reinitialization: called again after re-registering, Count counts. */
    IopCallDriverReinitializationRoutines();
    KT_ASSERT_EQ(KtReinitCalls, 2);
    KT_ASSERT_EQ(KtReinitLastCount, 2);
    KT_ASSERT_EQ(Driver->DriverExtension->Count, 2);
    KT_ASSERT(KtReinitContext == (PVOID)0x1234);

    /* An open handle blocks unload; none lets it run. */
    IopIncrementDeviceOpenCount(Device);
    KT_ASSERT_STATUS(IopUnloadDriver(Driver), STATUS_DEVICE_BUSY);
    KT_ASSERT(!KtUnloadCalled);
    IopDecrementDeviceOpenCount(Device);
    KT_ASSERT_STATUS(IopUnloadDriver(Driver), STATUS_SUCCESS);
    KT_ASSERT(KtUnloadCalled);
    KT_ASSERT(!KtNameExists(L"\\Driver\\KtIoTest"));
    KT_ASSERT(!KtNameExists(L"\\Device\\KtIoA"));
}

KTEST(IoDriverEntryFailureDeletesDriver)
{
    PDRIVER_OBJECT Driver = (PDRIVER_OBJECT)1;
    LONG Devices = IopDeviceObjectType.TotalNumberOfObjects;
    LONG Drivers = IopDriverObjectType.TotalNumberOfObjects;

    KT_ASSERT_STATUS(IopLoadDriver(L"KtFail", KtFailingDriverEntry, &Driver),
                     STATUS_UNSUCCESSFUL);
    KT_ASSERT(Driver == NULL);
    KT_ASSERT(!KtNameExists(L"\\Driver\\KtFail"));
    KT_ASSERT(!KtNameExists(L"\\Device\\KtIoB"));
    KT_ASSERT_EQ(IopDeviceObjectType.TotalNumberOfObjects, Devices);
    KT_ASSERT_EQ(IopDriverObjectType.TotalNumberOfObjects, Drivers);
}

KTEST(IoCreateDeviceExtensionFlagsAndNames)
{
    PDRIVER_OBJECT Driver;
    PDEVICE_OBJECT Device, Other;
    SIZE_T Bytes = ExpPoolBytesOutstanding(IOP_DEVICE_TAG);
    KT_EXTENSION *Extension;
    ULONG Index;

    KT_ASSERT_STATUS(IopLoadDriver(L"KtDevices", KtEmptyDriverEntry, &Driver), STATUS_SUCCESS);
    /* Created outside DriverEntry (as in AddDevice): still initializing. */
    KT_ASSERT_STATUS(IoCreateDevice(Driver, sizeof(KT_EXTENSION), &KtDeviceB, FILE_DEVICE_DISK,
                                    FILE_REMOVABLE_MEDIA, FALSE, &Device),
                     STATUS_SUCCESS);
    Extension = Device->DeviceExtension;
    KT_ASSERT(Extension == (PVOID)(Device + 1));
    KT_ASSERT(((ULONG_PTR)Extension & 15) == 0);
    for (Index = 0; Index < sizeof(Extension->Bytes); Index++) {
        KT_ASSERT_EQ(Extension->Bytes[Index], 0);
    }
    KT_ASSERT_EQ(Device->Size, sizeof(DEVICE_OBJECT) + sizeof(KT_EXTENSION));
    KT_ASSERT_EQ(Device->Type, IO_TYPE_DEVICE);
    KT_ASSERT_EQ(Device->StackSize, 1);
    KT_ASSERT_EQ(Device->DeviceType, FILE_DEVICE_DISK);
    KT_ASSERT_EQ(Device->Characteristics, FILE_REMOVABLE_MEDIA);
    KT_ASSERT_EQ(Device->SectorSize, 512);
    KT_ASSERT_EQ(Device->Flags & (DO_DEVICE_INITIALIZING | DO_EXCLUSIVE), DO_DEVICE_INITIALIZING);
    KT_ASSERT(Device->DriverObject == Driver && Driver->DeviceObject == Device);
    KT_ASSERT(Device->DeviceObjectExtension->DeviceObject == Device);
    Device->Flags &= ~DO_DEVICE_INITIALIZING;   /* what AddDevice does */

    /* The same name again: refused, nothing added. */
    Other = (PDEVICE_OBJECT)1;
    KT_ASSERT_STATUS(IoCreateDevice(Driver, 0, &KtDeviceB, FILE_DEVICE_UNKNOWN, 0, FALSE, &Other),
                     STATUS_OBJECT_NAME_COLLISION);
    KT_ASSERT(Other == NULL);
    KT_ASSERT(Driver->DeviceObject == Device && Device->NextDevice == NULL);
    /* Unnamed, no extension. */
    KT_ASSERT_STATUS(IoCreateDevice(Driver, 0, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &Other),
                     STATUS_SUCCESS);
    KT_ASSERT(Other->DeviceExtension == NULL);
    KT_ASSERT(Driver->DeviceObject == Other && Other->NextDevice == Device);

    /* A reference keeps a deleted device's memory until it is released. */
    ObReferenceObject(Device);
    IoDeleteDevice(Device);
    KT_ASSERT(!KtNameExists(L"\\Device\\KtIoB"));
    KT_ASSERT(Driver->DeviceObject == Other && Other->NextDevice == NULL);
    KT_ASSERT_EQ(Device->Type, IO_TYPE_DEVICE);     /* still readable */
    ObDereferenceObject(Device);
    IoDeleteDevice(Other);
    KT_ASSERT(Driver->DeviceObject == NULL);
    KT_ASSERT_EQ(ExpPoolBytesOutstanding(IOP_DEVICE_TAG), Bytes);
    KT_ASSERT_STATUS(IopUnloadDriver(Driver), STATUS_INVALID_DEVICE_REQUEST);  /* no Unload */
    Driver->DriverUnload = KtUnload;
    KT_ASSERT_STATUS(IopUnloadDriver(Driver), STATUS_SUCCESS);
}

KTEST(IoDeviceStacks)
{
    PDRIVER_OBJECT Driver;
    PDEVICE_OBJECT Pdo, Fdo, Filter, Lower, Top;

    KT_ASSERT_STATUS(IopLoadDriver(L"KtStacks", KtEmptyDriverEntry, &Driver), STATUS_SUCCESS);
    Driver->DriverUnload = KtUnload;
    KT_ASSERT_STATUS(IoCreateDevice(Driver, 0, &KtDeviceA, FILE_DEVICE_BUS_EXTENDER, 0, FALSE,
                                    &Pdo), STATUS_SUCCESS);
    KT_ASSERT_STATUS(IoCreateDevice(Driver, 0, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &Fdo),
                     STATUS_SUCCESS);
    KT_ASSERT_STATUS(IoCreateDevice(Driver, 0, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &Filter),
                     STATUS_SUCCESS);
    Pdo->StackSize = 2;     /* as if the PDO's own driver needed two locations */

    KT_ASSERT(IoAttachDeviceToDeviceStack(Fdo, Pdo) == Pdo);
    KT_ASSERT_EQ(Fdo->StackSize, 3);
    /* Attaching to the bottom lands on the top of the stack. */
    KT_ASSERT_STATUS(IoAttachDeviceToDeviceStackSafe(Filter, Pdo, &Lower), STATUS_SUCCESS);
    KT_ASSERT(Lower == Fdo);
    KT_ASSERT_EQ(Filter->StackSize, 4);
    KT_ASSERT(Pdo->AttachedDevice == Fdo && Fdo->AttachedDevice == Filter);
    KT_ASSERT(IoGetAttachedDevice(Pdo) == Filter);
    KT_ASSERT(IoGetAttachedDevice(Filter) == Filter);
    Top = IoGetAttachedDeviceReference(Pdo);
    KT_ASSERT(Top == Filter);
    KT_ASSERT_EQ(OBJECT_TO_OBJECT_HEADER(Top)->PointerCount, 2);
    ObDereferenceObject(Top);
    Lower = IoGetLowerDeviceObject(Filter);
    KT_ASSERT(Lower == Fdo);
    ObDereferenceObject(Lower);
    KT_ASSERT(IoGetLowerDeviceObject(Pdo) == NULL);
    /* A device in a stack cannot be attached again. */
    KT_ASSERT(IoAttachDeviceToDeviceStack(Fdo, Filter) == NULL);

    /* Tear down from the top, as REMOVE_DEVICE does. */
    IoDetachDevice(Fdo);
    KT_ASSERT(Fdo->AttachedDevice == NULL);
    IoDeleteDevice(Filter);
    IoDetachDevice(Pdo);
    IoDeleteDevice(Fdo);
    KT_ASSERT(IoGetAttachedDevice(Pdo) == Pdo);

    /* Attach by name. */
    KT_ASSERT_STATUS(IoCreateDevice(Driver, 0, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &Filter),
                     STATUS_SUCCESS);
    KT_ASSERT_STATUS(IoAttachDevice(Filter, &KtDeviceA, &Lower), STATUS_SUCCESS);
    KT_ASSERT(Lower == Pdo && Filter->StackSize == 3);
    IoDetachDevice(Pdo);
    KT_ASSERT_STATUS(IopUnloadDriver(Driver), STATUS_SUCCESS);
}

KTEST(IoDriverObjectExtensions)
{
    static const int ClientA = 0, ClientB = 0;
    PDRIVER_OBJECT Driver;
    PVOID A, B, Again;

    KT_ASSERT_STATUS(IopLoadDriver(L"KtExtensions", KtEmptyDriverEntry, &Driver), STATUS_SUCCESS);
    Driver->DriverUnload = KtUnload;
    KT_ASSERT_STATUS(IoAllocateDriverObjectExtension(Driver, (PVOID)&ClientA, 40, &A),
                     STATUS_SUCCESS);
    KT_ASSERT(((ULONG_PTR)A & 15) == 0);
    KT_ASSERT_EQ(*(PULONG)A, 0);
    KT_ASSERT_STATUS(IoAllocateDriverObjectExtension(Driver, (PVOID)&ClientA, 8, &Again),
                     STATUS_OBJECT_NAME_COLLISION);
    KT_ASSERT(Again == NULL);
    KT_ASSERT_STATUS(IoAllocateDriverObjectExtension(Driver, (PVOID)&ClientB, 8, &B),
                     STATUS_SUCCESS);
    KT_ASSERT(IoGetDriverObjectExtension(Driver, (PVOID)&ClientA) == A);
    KT_ASSERT(IoGetDriverObjectExtension(Driver, (PVOID)&ClientB) == B);
    KT_ASSERT(IoGetDriverObjectExtension(Driver, (PVOID)Driver) == NULL);
    KT_ASSERT_STATUS(IopUnloadDriver(Driver), STATUS_SUCCESS);
}

/* Deleting a device that still has a device attached above it. */
KTEST_BUGCHECK(IoDeleteDeviceWithAttachedDevice, DRIVER_VERIFIER_IOMANAGER_VIOLATION)
{
    PDRIVER_OBJECT Driver;
    PDEVICE_OBJECT Lower, Upper;

    KT_ASSERT_STATUS(IopLoadDriver(L"KtBadDelete", KtEmptyDriverEntry, &Driver), STATUS_SUCCESS);
    KT_ASSERT_STATUS(IoCreateDevice(Driver, 0, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &Lower),
                     STATUS_SUCCESS);
    KT_ASSERT_STATUS(IoCreateDevice(Driver, 0, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &Upper),
                     STATUS_SUCCESS);
    KT_ASSERT(IoAttachDeviceToDeviceStack(Upper, Lower) == Lower);
    IoDeleteDevice(Lower);      /* must not return */
}
