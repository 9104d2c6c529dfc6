/*
 * bench/kernel/irp.c - the IRP round trip: ZwDeviceIoControlFile through a
 * three-deep device stack.
 *
 * \Device\KbIrp belongs to a function driver that completes a
 * METHOD_BUFFERED IOCTL at once (8 bytes in, 8 out); two filter devices
 * sit above it, each passing the IRP down with a completion routine. One
 * sample is one synchronous ZwDeviceIoControlFile from the caller's side:
 * handle lookup, IRP allocation, system buffer, three dispatch routines,
 * completion through three routines (the two filters' and the I/O
 * manager's own), copy-back, and the free.
 */
#include "bench/kernel/kbench.h"
#include "io/iop.h"
#include "hal/timep.h"

#define KB_IRP_ROUNDS 10000
#define KB_IRP_WARMUP 100
#define KB_IRP_TAG 0x7249424BU          /* 'KBIr' */
#define KB_IOCTL_PING CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS)

static DRIVER_DISPATCH KbIrpFunctionDispatch;
static DRIVER_DISPATCH KbIrpFilterDispatch;
static IO_COMPLETION_ROUTINE KbIrpFilterComplete;

/* A filter's extension: the device below it. */
typedef struct _KB_IRP_FILTER {
    PDEVICE_OBJECT Lower;
    ULONG Completions;
} KB_IRP_FILTER, *PKB_IRP_FILTER;

static NTSTATUS
KbIrpFunctionDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PIO_STACK_LOCATION IrpSp = IoGetCurrentIrpStackLocation(Irp);

    UNREFERENCED_PARAMETER(DeviceObject);
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    if (IrpSp->MajorFunction == IRP_MJ_DEVICE_CONTROL) {
        *(PULONG64)Irp->AssociatedIrp.SystemBuffer += 1;
        Irp->IoStatus.Information = sizeof(ULONG64);
    }
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

static NTSTATUS
KbIrpFilterComplete(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    UNREFERENCED_PARAMETER(Context);
    ((PKB_IRP_FILTER)DeviceObject->DeviceExtension)->Completions++;
    if (Irp->PendingReturned) {
        IoMarkIrpPending(Irp);
    }
    return STATUS_CONTINUE_COMPLETION;
}

static NTSTATUS
KbIrpFilterDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    IoCopyCurrentIrpStackLocationToNext(Irp);
    IoSetCompletionRoutine(Irp, KbIrpFilterComplete, NULL, TRUE, TRUE, TRUE);
    return IoCallDriver(((PKB_IRP_FILTER)DeviceObject->DeviceExtension)->Lower, Irp);
}

static NTSTATUS
KbIrpFunctionEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNICODE_STRING Name = RTL_CONSTANT_STRING(L"\\Device\\KbIrp");
    PDEVICE_OBJECT DeviceObject;
    ULONG Major;

    UNREFERENCED_PARAMETER(RegistryPath);
    for (Major = 0; Major <= IRP_MJ_MAXIMUM_FUNCTION; Major++) {
        DriverObject->MajorFunction[Major] = KbIrpFunctionDispatch;
    }
    return IoCreateDevice(DriverObject, 0, &Name, FILE_DEVICE_UNKNOWN, 0, FALSE, &DeviceObject);
}

/* Each filter driver attaches one device above the top of \Device\KbIrp. */
static NTSTATUS
KbIrpFilterEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNICODE_STRING Target = RTL_CONSTANT_STRING(L"\\Device\\KbIrp");
    PDEVICE_OBJECT Filter;
    PKB_IRP_FILTER Extension;
    NTSTATUS Status;
    ULONG Major;

    UNREFERENCED_PARAMETER(RegistryPath);
    for (Major = 0; Major <= IRP_MJ_MAXIMUM_FUNCTION; Major++) {
        DriverObject->MajorFunction[Major] = KbIrpFilterDispatch;
    }
    Status = IoCreateDevice(DriverObject, sizeof(KB_IRP_FILTER), NULL, FILE_DEVICE_UNKNOWN, 0,
                            FALSE, &Filter);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    Extension = Filter->DeviceExtension;
    Status = IoAttachDevice(Filter, &Target, &Extension->Lower);
    if (!NT_SUCCESS(Status)) {
        IoDeleteDevice(Filter);
        return Status;
    }
    Filter->Flags |= Extension->Lower->Flags & (DO_BUFFERED_IO | DO_DIRECT_IO);
    return STATUS_SUCCESS;
}

/* PASSIVE_LEVEL. The drivers stay loaded: the benchmark boot ends next. */
BOOLEAN
KbRunIrp(VOID)
{
    UNICODE_STRING Name = RTL_CONSTANT_STRING(L"\\Device\\KbIrp");
    OBJECT_ATTRIBUTES Attributes;
    IO_STATUS_BLOCK IoStatus;
    ULONG64 *Samples, Value = 0, Out;
    HANDLE Handle;
    NTSTATUS Status;
    ULONG Round;

    if (!NT_SUCCESS(IopLoadDriver(L"KbIrpFunction", KbIrpFunctionEntry, NULL)) ||
        !NT_SUCCESS(IopLoadDriver(L"KbIrpFilter1", KbIrpFilterEntry, NULL)) ||
        !NT_SUCCESS(IopLoadDriver(L"KbIrpFilter2", KbIrpFilterEntry, NULL))) {
        DbgPrint("bench irp: cannot build the three-deep stack\n");
        return FALSE;
    }
    InitializeObjectAttributes(&Attributes, &Name, OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE,
                               NULL, NULL);
    Status = ZwCreateFile(&Handle, GENERIC_READ | GENERIC_WRITE | SYNCHRONIZE, &Attributes,
                          &IoStatus, NULL, 0, 0, FILE_OPEN, FILE_SYNCHRONOUS_IO_NONALERT, NULL, 0);
    if (!NT_SUCCESS(Status)) {
        DbgPrint("bench irp: ZwCreateFile: 0x%08x\n", (ULONG)Status);
        return FALSE;
    }
    Samples = ExAllocatePoolWithTag(NonPagedPoolNx, KB_IRP_ROUNDS * sizeof(ULONG64), KB_IRP_TAG);
    if (Samples == NULL) {
        ZwClose(Handle);
        return FALSE;
    }
    for (Round = 0; Round < KB_IRP_WARMUP + KB_IRP_ROUNDS; Round++) {
        ULONG64 Start = HalpReadTsc();

        Status = ZwDeviceIoControlFile(Handle, NULL, NULL, NULL, &IoStatus, KB_IOCTL_PING, &Value,
                                       sizeof(Value), &Out, sizeof(Out));
        if (Round >= KB_IRP_WARMUP) {
            Samples[Round - KB_IRP_WARMUP] = HalpReadTsc() - Start;
        }
        /* Every answer must be right, or the figure measures a failure. */
        if (Status != STATUS_SUCCESS || IoStatus.Information != sizeof(Out) || Out != Value + 1) {
            DbgPrint("bench irp: round %u: status 0x%08x, %llu bytes, %llu for %llu\n", Round,
                     (ULONG)Status, (ULONGLONG)IoStatus.Information, Out, Value);
            ExFreePoolWithTag(Samples, KB_IRP_TAG);
            ZwClose(Handle);
            return FALSE;
        }
        Value = Out;
    }
    KbPrintSamples("irp", Samples, KB_IRP_ROUNDS);
    ExFreePoolWithTag(Samples, KB_IRP_TAG);
    ZwClose(Handle);
    return TRUE;
}
