/*
 * io/create.c - opening devices: ZwCreateFile, ZwOpenFile,
 * IoGetDeviceObjectPointer.
 *
 * The name is looked up in the object namespace (kernel/ob/namespace.h):
 * \Device\Xxx directly, \DosDevices\Xxx and \??\Xxx through their symbolic
 * links. Whatever follows the device's name ("\Device\Xxx\rest") becomes
 * the new file object's FileName, for the driver to interpret. The
 * IRP_MJ_CREATE goes to the top of the device's attached stack; when it
 * succeeds the file object is open, counted on the device (so the driver
 * cannot be unloaded under it) and, for ZwCreateFile, given a handle.
 *
 * Kestrel has no security: access is recorded, never denied, except for
 * exclusive devices (DO_EXCLUSIVE), which take one open at a time.
 */
#include "io/fileio.h"

#define FILE_ATTRIBUTE_VALID_FLAGS 0x00007fb7

/* The WDK's rules for the arguments (NtCreateFile); a message says which
 * one is wrong. */
static NTSTATUS
IopCheckCreateParameters(POBJECT_ATTRIBUTES ObjectAttributes, ULONG FileAttributes,
                         ULONG ShareAccess, ULONG CreateDisposition, ULONG CreateOptions,
                         ACCESS_MASK DesiredAccess)
{
    PCSTR Why = NULL;

    if (ObjectAttributes == NULL || ObjectAttributes->ObjectName == NULL ||
        ObjectAttributes->ObjectName->Buffer == NULL) {
        Why = "no ObjectAttributes->ObjectName";
    } else if (ObjectAttributes->RootDirectory != NULL) {
        DbgPrint("ZwCreateFile: opens relative to a RootDirectory are not supported\n");
        return STATUS_NOT_SUPPORTED;
    } else if ((FileAttributes & ~FILE_ATTRIBUTE_VALID_FLAGS) != 0) {
        Why = "FileAttributes has undefined bits";
    } else if ((ShareAccess & ~FILE_SHARE_VALID_FLAGS) != 0) {
        Why = "ShareAccess has undefined bits";
    } else if (CreateDisposition > FILE_MAXIMUM_DISPOSITION) {
        Why = "CreateDisposition is not FILE_SUPERSEDE .. FILE_OVERWRITE_IF";
    } else if ((CreateOptions & ~FILE_VALID_OPTION_FLAGS) != 0) {
        Why = "CreateOptions has undefined bits";
    } else if ((CreateOptions & FILE_SYNCHRONOUS_IO_ALERT) != 0 &&
               (CreateOptions & FILE_SYNCHRONOUS_IO_NONALERT) != 0) {
        Why = "both FILE_SYNCHRONOUS_IO_ALERT and FILE_SYNCHRONOUS_IO_NONALERT";
    } else if ((CreateOptions & (FILE_SYNCHRONOUS_IO_ALERT | FILE_SYNCHRONOUS_IO_NONALERT)) != 0 &&
               (DesiredAccess & SYNCHRONIZE) == 0) {
        Why = "synchronous I/O asked for without SYNCHRONIZE access";
    } else if ((CreateOptions & FILE_DIRECTORY_FILE) != 0 &&
               (CreateOptions & FILE_NON_DIRECTORY_FILE) != 0) {
        Why = "both FILE_DIRECTORY_FILE and FILE_NON_DIRECTORY_FILE";
    }
    if (Why != NULL) {
        DbgPrint("ZwCreateFile: %s\n", Why);
        return STATUS_INVALID_PARAMETER;
    }
    return STATUS_SUCCESS;
}

/* Counts the open on the device, or refuses it. Any IRQL. */
static NTSTATUS
IopAcquireDeviceOpen(PDEVICE_OBJECT DeviceObject, PCUNICODE_STRING Name)
{
    ULONG ExtensionFlags = IopDeviceExtension(DeviceObject)->ExtensionFlags;

    if ((ExtensionFlags & (DOE_DELETE_PENDING | DOE_UNLOAD_PENDING)) != 0) {
        return STATUS_DELETE_PENDING;
    }
    if ((DeviceObject->Flags & DO_DEVICE_INITIALIZING) != 0) {
        DbgPrint("ZwCreateFile: %wZ is still initializing (DO_DEVICE_INITIALIZING)\n", Name);
        return STATUS_NO_SUCH_DEVICE;
    }
    if ((DeviceObject->Flags & DO_EXCLUSIVE) != 0) {
        if (InterlockedCompareExchange(&DeviceObject->ReferenceCount, 1, 0) != 0) {
            return STATUS_ACCESS_DENIED;
        }
        return STATUS_SUCCESS;
    }
    IopIncrementDeviceOpenCount(DeviceObject);
    return STATUS_SUCCESS;
}

/* PASSIVE_LEVEL. Opens ObjectName: the file object, open and referenced
 * once, in *FileObject. */
static NTSTATUS
IopOpenDevice(POBJECT_ATTRIBUTES ObjectAttributes, ACCESS_MASK DesiredAccess,
              PIO_STATUS_BLOCK IoStatusBlock, PLARGE_INTEGER AllocationSize, ULONG FileAttributes,
              ULONG ShareAccess, ULONG CreateDisposition, ULONG CreateOptions, PVOID EaBuffer,
              ULONG EaLength, PFILE_OBJECT *FileObject)
{
    IO_SECURITY_CONTEXT SecurityContext;
    IOP_FILE_REQUEST Request;
    UNICODE_STRING Remaining = {0, 0, NULL};
    PDEVICE_OBJECT Device;
    PIO_STACK_LOCATION IrpSp;
    PFILE_OBJECT File;
    NTSTATUS Status;
    PIRP Irp;

    *FileObject = NULL;
    Status = ObReferenceObjectByName(ObjectAttributes->ObjectName, ObjectAttributes->Attributes,
                                     &IopDeviceObjectType, (PVOID *)&Device, &Remaining);
    if (!NT_SUCCESS(Status)) {
        DbgPrint("ZwCreateFile: %wZ: 0x%08x\n", ObjectAttributes->ObjectName, (ULONG)Status);
        return Status;
    }
    Status = IopAcquireDeviceOpen(Device, ObjectAttributes->ObjectName);
    if (!NT_SUCCESS(Status)) {
        ObFreeRemainingName(&Remaining);
        ObfDereferenceObject(Device);
        return Status;
    }
    /* The file object owns the device reference from here on. */
    Status = IopCreateFileObject(Device, &Remaining, CreateOptions, DesiredAccess, ShareAccess,
                                 &File);
    ObFreeRemainingName(&Remaining);
    if (!NT_SUCCESS(Status)) {
        IopDecrementDeviceOpenCount(Device);
        ObfDereferenceObject(Device);
        return Status;
    }
    Request.FileObject = File;
    Request.UserEvent = NULL;
    Request.IoStatusBlock = IoStatusBlock;
    Irp = IopAllocateFileIrp(&Request, IRP_MJ_CREATE, &IrpSp);
    if (Irp == NULL) {
        ObfDereferenceObject(File);     /* IopDeleteFile: not open, so no IRP_MJ_CLOSE */
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    SecurityContext.SecurityQos = NULL;
    SecurityContext.AccessState = NULL;
    SecurityContext.DesiredAccess = DesiredAccess;
    SecurityContext.FullCreateOptions = CreateOptions;
    Irp->Flags |= IRP_CREATE_OPERATION | IRP_SYNCHRONOUS_API;
    Irp->AssociatedIrp.SystemBuffer = EaLength != 0 ? EaBuffer : NULL;
    Irp->Overlay.AllocationSize.QuadPart = AllocationSize != NULL ? AllocationSize->QuadPart : 0;
    IrpSp->Parameters.Create.SecurityContext = &SecurityContext;
    IrpSp->Parameters.Create.Options = (CreateDisposition << 24) |
                                       (CreateOptions & FILE_VALID_OPTION_FLAGS);
    IrpSp->Parameters.Create.FileAttributes = (USHORT)FileAttributes;
    IrpSp->Parameters.Create.ShareAccess = (USHORT)ShareAccess;
    IrpSp->Parameters.Create.EaLength = EaLength;
    if ((ObjectAttributes->Attributes & OBJ_CASE_INSENSITIVE) == 0) {
        IrpSp->Flags |= SL_CASE_SENSITIVE;
    }
    Status = IopCallFileDriver(&Request, Irp);
    if (!NT_SUCCESS(Status)) {
        IoStatusBlock->Status = Status;
        ObfDereferenceObject(File);     /* never opened: no cleanup, no close */
        return Status;
    }
    File->Flags |= FO_FILE_OPEN;
    *FileObject = File;
    return Status;
}

/* PASSIVE_LEVEL. */
NTSTATUS NTAPI
ZwCreateFile(PHANDLE FileHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes,
             PIO_STATUS_BLOCK IoStatusBlock, PLARGE_INTEGER AllocationSize, ULONG FileAttributes,
             ULONG ShareAccess, ULONG CreateDisposition, ULONG CreateOptions, PVOID EaBuffer,
             ULONG EaLength)
{
    PFILE_OBJECT File;
    NTSTATUS Status;

    if (FileHandle == NULL || IoStatusBlock == NULL) {
        DbgPrint("ZwCreateFile from %pS: no %s\n", __builtin_return_address(0),
                 FileHandle == NULL ? "FileHandle" : "IoStatusBlock");
        return STATUS_INVALID_PARAMETER;
    }
    *FileHandle = NULL;
    Status = IopCheckCreateParameters(ObjectAttributes, FileAttributes, ShareAccess,
                                      CreateDisposition, CreateOptions, DesiredAccess);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    Status = IopOpenDevice(ObjectAttributes, DesiredAccess, IoStatusBlock, AllocationSize,
                           FileAttributes, ShareAccess, CreateDisposition, CreateOptions,
                           EaBuffer, EaLength, &File);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    /* The handle takes over the open's reference. */
    Status = ObpCreateHandle(File, DesiredAccess, FileHandle);
    if (!NT_SUCCESS(Status)) {
        IopCloseFile(File, 0);          /* IRP_MJ_CLEANUP, as for a closed handle */
        ObfDereferenceObject(File);
        IoStatusBlock->Status = Status;
        return Status;
    }
    File->Flags |= FO_HANDLE_CREATED;
    return Status;
}

/* PASSIVE_LEVEL. ZwCreateFile of an existing object. */
NTSTATUS NTAPI
ZwOpenFile(PHANDLE FileHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes,
           PIO_STATUS_BLOCK IoStatusBlock, ULONG ShareAccess, ULONG OpenOptions)
{
    return ZwCreateFile(FileHandle, DesiredAccess, ObjectAttributes, IoStatusBlock, NULL, 0,
                        ShareAccess, FILE_OPEN, OpenOptions, NULL, 0);
}

/* PASSIVE_LEVEL. The file object is the caller's reference (it keeps the
 * device open); the device is the top of the stack, not referenced, as
 * the WDK documents: dereference the file object when done. */
NTSTATUS NTAPI
IoGetDeviceObjectPointer(PUNICODE_STRING ObjectName, ACCESS_MASK DesiredAccess,
                         PFILE_OBJECT *FileObject, PDEVICE_OBJECT *DeviceObject)
{
    OBJECT_ATTRIBUTES Attributes;
    IO_STATUS_BLOCK IoStatus;
    PFILE_OBJECT File;
    NTSTATUS Status;

    InitializeObjectAttributes(&Attributes, ObjectName, OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE,
                               NULL, NULL);
    Status = IopOpenDevice(&Attributes, DesiredAccess, &IoStatus, NULL, 0,
                           FILE_SHARE_READ | FILE_SHARE_WRITE, FILE_OPEN,
                           FILE_NON_DIRECTORY_FILE, NULL, 0, &File);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    /* There is no handle: the last dereference must still send
     * IRP_MJ_CLEANUP before IRP_MJ_CLOSE (io/close.c sees to it). */
    *FileObject = File;
    *DeviceObject = IoGetRelatedDeviceObject(File);
    return STATUS_SUCCESS;
}
