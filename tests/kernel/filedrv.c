/*
 * tests/kernel/filedrv.c - \Driver\KtFile, the test driver of the file API
 * tests (described in tests/kernel/filetest.h).
 */
#include "tests/kernel/filetest.h"
#include "io/iop.h"
#include "kernel/rtl/crt.h"

static PDRIVER_OBJECT KtFileDriver;
static DRIVER_DISPATCH KtFileDispatch;
static DRIVER_CANCEL KtFileCancelRead;

/* Where the request's bytes are, whatever way they came. */
static PUCHAR
KtOutputBuffer(PIRP Irp, ULONG Flags)
{
    if (Irp->MdlAddress != NULL) {
        return MmGetSystemAddressForMdlSafe(Irp->MdlAddress, NormalPagePriority);
    }
    if ((Flags & DO_BUFFERED_IO) != 0) {
        return Irp->AssociatedIrp.SystemBuffer;
    }
    return Irp->UserBuffer;
}

static NTSTATUS
KtComplete(PIRP Irp, NTSTATUS Status, ULONG_PTR Information)
{
    Irp->IoStatus.Status = Status;
    Irp->IoStatus.Information = Information;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return Status;
}

/* DISPATCH_LEVEL, cancel spin lock held. */
static VOID
KtFileCancelRead(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PKT_FILE_DEVICE Device = DeviceObject->DeviceExtension;
    KIRQL OldIrql;

    IoReleaseCancelSpinLock(Irp->CancelIrql);
    KeAcquireSpinLock(&Device->Lock, &OldIrql);
    RemoveEntryList(&Irp->Tail.Overlay.ListEntry);
    Device->Pending--;
    KeReleaseSpinLock(&Device->Lock, OldIrql);
    KtComplete(Irp, STATUS_CANCELLED, 0);
}

static NTSTATUS
KtPendRead(PKT_FILE_DEVICE Device, PIRP Irp)
{
    KIRQL OldIrql;

    IoMarkIrpPending(Irp);
    KeAcquireSpinLock(&Device->Lock, &OldIrql);
    InsertTailList(&Device->PendingReads, &Irp->Tail.Overlay.ListEntry);
    Device->Pending++;
    IoSetCancelRoutine(Irp, KtFileCancelRead);
    if (Irp->Cancel && IoSetCancelRoutine(Irp, NULL) != NULL) {
        RemoveEntryList(&Irp->Tail.Overlay.ListEntry);
        Device->Pending--;
        KeReleaseSpinLock(&Device->Lock, OldIrql);
        KtComplete(Irp, STATUS_CANCELLED, 0);
        return STATUS_PENDING;
    }
    KeReleaseSpinLock(&Device->Lock, OldIrql);
    return STATUS_PENDING;
}

static VOID
KtCompletePendingReads(PKT_FILE_DEVICE Device)
{
    for (;;) {
        PIRP Irp = NULL;
        KIRQL OldIrql;

        KeAcquireSpinLock(&Device->Lock, &OldIrql);
        while (!IsListEmpty(&Device->PendingReads)) {
            PIRP Candidate = CONTAINING_RECORD(RemoveHeadList(&Device->PendingReads), IRP,
                                               Tail.Overlay.ListEntry);

            Device->Pending--;
            if (IoSetCancelRoutine(Candidate, NULL) != NULL) {
                Irp = Candidate;
                break;
            }
            /* Being cancelled: its cancel routine removes it. */
            InitializeListHead(&Candidate->Tail.Overlay.ListEntry);
            Device->Pending++;
        }
        KeReleaseSpinLock(&Device->Lock, OldIrql);
        if (Irp == NULL) {
            return;
        }
        ULONG Length = IoGetCurrentIrpStackLocation(Irp)->Parameters.Read.Length;
        memset(KtOutputBuffer(Irp, DO_BUFFERED_IO), 0xEE, Length);
        KtComplete(Irp, STATUS_SUCCESS, Length);
    }
}

static NTSTATUS
KtDeviceControl(PDEVICE_OBJECT DeviceObject, PIRP Irp, PIO_STACK_LOCATION IrpSp)
{
    ULONG Code = IrpSp->Parameters.DeviceIoControl.IoControlCode;
    ULONG In = IrpSp->Parameters.DeviceIoControl.InputBufferLength;
    ULONG Out = IrpSp->Parameters.DeviceIoControl.OutputBufferLength;
    PUCHAR Input, Output;
    ULONG Index, Count;
    ULONG_PTR Sum = 0;

    switch (Code) {
    case KT_IOCTL_COMPLETE_PENDING:
        KtCompletePendingReads(DeviceObject->DeviceExtension);
        return KtComplete(Irp, STATUS_SUCCESS, 0);
    case KT_IOCTL_SUM_IN_DIRECT:
        Input = MmGetSystemAddressForMdlSafe(Irp->MdlAddress, NormalPagePriority);
        for (Index = 0; Index < Out; Index++) {
            Sum += Input[Index];
        }
        return KtComplete(Irp, STATUS_SUCCESS, Sum);
    case KT_IOCTL_XOR_BUFFERED:
        Input = Output = Irp->AssociatedIrp.SystemBuffer;
        break;
    case KT_IOCTL_XOR_OUT_DIRECT:
        Input = Irp->AssociatedIrp.SystemBuffer;
        Output = Out != 0 ? MmGetSystemAddressForMdlSafe(Irp->MdlAddress, NormalPagePriority)
                          : NULL;
        break;
    case KT_IOCTL_XOR_NEITHER:
        Input = IrpSp->Parameters.DeviceIoControl.Type3InputBuffer;
        Output = Irp->UserBuffer;
        break;
    default:
        return KtComplete(Irp, STATUS_INVALID_DEVICE_REQUEST, 0);
    }
    if (Out == 0 && In != 0) {
        return KtComplete(Irp, STATUS_BUFFER_TOO_SMALL, 0);
    }
    Count = Out < In ? Out : In;
    for (Index = 0; Index < Count; Index++) {
        Output[Index] = Input[Index] ^ 0x5A;
    }
    return KtComplete(Irp, Out < In ? STATUS_BUFFER_OVERFLOW : STATUS_SUCCESS, Count);
}

/* PASSIVE_LEVEL (the file API calls in at PASSIVE_LEVEL). */
static NTSTATUS
KtFileDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PKT_FILE_DEVICE Device = DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION IrpSp = IoGetCurrentIrpStackLocation(Irp);
    PUCHAR Buffer;
    ULONG Index, Length;
    USHORT Chars;

    switch (IrpSp->MajorFunction) {
    case IRP_MJ_CREATE:
        Chars = IrpSp->FileObject->FileName.Length / sizeof(WCHAR);
        Chars = Chars < 31 ? Chars : 31;
        memcpy(Device->LastFileName, IrpSp->FileObject->FileName.Buffer, Chars * sizeof(WCHAR));
        Device->LastFileName[Chars] = 0;
        return KtComplete(Irp, STATUS_SUCCESS, FILE_OPENED);
    case IRP_MJ_CLEANUP:
        Device->Cleanups++;
        return KtComplete(Irp, STATUS_SUCCESS, 0);
    case IRP_MJ_CLOSE:
        Device->Closes++;
        return KtComplete(Irp, STATUS_SUCCESS, 0);
    case IRP_MJ_FLUSH_BUFFERS:
        Device->Flushes++;
        return KtComplete(Irp, STATUS_SUCCESS, 0);
    case IRP_MJ_READ:
        if (DeviceObject->DeviceType == FILE_DEVICE_NULL) {
            return KtPendRead(Device, Irp);
        }
        Length = IrpSp->Parameters.Read.Length;
        Buffer = KtOutputBuffer(Irp, DeviceObject->Flags);
        for (Index = 0; Index < Length; Index++) {
            Buffer[Index] = (UCHAR)(IrpSp->Parameters.Read.ByteOffset.QuadPart + Index);
        }
        return KtComplete(Irp, STATUS_SUCCESS, Length);
    case IRP_MJ_WRITE:
        Length = IrpSp->Parameters.Write.Length;
        Buffer = KtOutputBuffer(Irp, DeviceObject->Flags);
        for (Index = 0; Index < Length; Index++) {
            Device->WriteSum += Buffer[Index];
        }
        return KtComplete(Irp, STATUS_SUCCESS, Length);
    case IRP_MJ_DEVICE_CONTROL:
        return KtDeviceControl(DeviceObject, Irp, IrpSp);
    default:
        return KtComplete(Irp, STATUS_INVALID_DEVICE_REQUEST, 0);
    }
}

static NTSTATUS
KtCreateDevice(PDRIVER_OBJECT DriverObject, PCWSTR Name, DEVICE_TYPE Type, ULONG Flags,
               BOOLEAN Exclusive)
{
    UNICODE_STRING DeviceName;
    PDEVICE_OBJECT DeviceObject;
    PKT_FILE_DEVICE Device;
    NTSTATUS Status;

    RtlInitUnicodeString(&DeviceName, Name);
    Status = IoCreateDevice(DriverObject, sizeof(KT_FILE_DEVICE), &DeviceName, Type, 0,
                            Exclusive, &DeviceObject);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    Device = DeviceObject->DeviceExtension;
    KeInitializeSpinLock(&Device->Lock);
    InitializeListHead(&Device->PendingReads);
    DeviceObject->Flags |= Flags;
    return STATUS_SUCCESS;
}

static NTSTATUS
KtFileDriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    ULONG Major;

    UNREFERENCED_PARAMETER(RegistryPath);
    for (Major = 0; Major <= IRP_MJ_MAXIMUM_FUNCTION; Major++) {
        DriverObject->MajorFunction[Major] = KtFileDispatch;
    }
    if (!NT_SUCCESS(KtCreateDevice(DriverObject, L"\\Device\\KtBuffered", FILE_DEVICE_UNKNOWN,
                                   DO_BUFFERED_IO, FALSE)) ||
        !NT_SUCCESS(KtCreateDevice(DriverObject, L"\\Device\\KtDirect", FILE_DEVICE_UNKNOWN,
                                   DO_DIRECT_IO, FALSE)) ||
        !NT_SUCCESS(KtCreateDevice(DriverObject, L"\\Device\\KtNeither", FILE_DEVICE_UNKNOWN, 0,
                                   FALSE)) ||
        !NT_SUCCESS(KtCreateDevice(DriverObject, L"\\Device\\KtPend", FILE_DEVICE_NULL,
                                   DO_BUFFERED_IO, FALSE)) ||
        !NT_SUCCESS(KtCreateDevice(DriverObject, L"\\Device\\KtExclusive", FILE_DEVICE_UNKNOWN,
                                   DO_BUFFERED_IO, TRUE))) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    return STATUS_SUCCESS;
}

PDEVICE_OBJECT
KtFileDevice(PCWSTR Name)
{
    WCHAR Path[64] = L"\\Device\\";
    UNICODE_STRING DeviceName;
    PVOID Object;
    ULONG Length = 8;

    if (KtFileDriver == NULL &&
        !NT_SUCCESS(IopLoadDriver(L"KtFile", KtFileDriverEntry, &KtFileDriver))) {
        return NULL;
    }
    while (*Name != 0 && Length < 63) {
        Path[Length++] = *Name++;
    }
    Path[Length] = 0;
    RtlInitUnicodeString(&DeviceName, Path);
    if (!NT_SUCCESS(ObReferenceObjectByName(&DeviceName, OBJ_CASE_INSENSITIVE, NULL, &Object,
                                            NULL))) {
        return NULL;
    }
    ObfDereferenceObject(Object);       /* the driver keeps it alive */
    return Object;
}

NTSTATUS
KtOpen(PCWSTR Path, BOOLEAN Synchronous, PHANDLE Handle)
{
    OBJECT_ATTRIBUTES Attributes;
    IO_STATUS_BLOCK IoStatus;
    UNICODE_STRING Name;

    RtlInitUnicodeString(&Name, Path);
    InitializeObjectAttributes(&Attributes, &Name, OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE, NULL,
                               NULL);
    return ZwCreateFile(Handle, GENERIC_READ | GENERIC_WRITE | SYNCHRONIZE, &Attributes,
                        &IoStatus, NULL, 0, FILE_SHARE_READ | FILE_SHARE_WRITE, FILE_OPEN,
                        Synchronous ? FILE_SYNCHRONOUS_IO_NONALERT : 0, NULL, 0);
}
