/*
 * tests/kernel/file.c - the kernel file API end to end: the samples, the
 * error codes, synchronous position, flush, names, exclusive devices.
 */
#include "tests/kernel/filetest.h"
#include "io/iop.h"
#include "drivers/samples/kestrelsample/kestrelsample.h"
#include "drivers/samples/filter/kestrelfilter.h"
#include "kernel/rtl/crt.h"

static NTSTATUS
KtFilterCounts(HANDLE Handle, PKESTREL_FILTER_COUNTS Counts)
{
    IO_STATUS_BLOCK IoStatus;

    return ZwDeviceIoControlFile(Handle, NULL, NULL, NULL, &IoStatus,
                                 IOCTL_KESTREL_FILTER_GET_COUNTS, NULL, 0, Counts,
                                 sizeof(*Counts));
}

/* The student sample through its DOS name, with the filter sample above it
 * seeing (and completing) every IRP. */
KTEST(FileSampleReverseThroughFilter)
{
    static const UCHAR Input[] = "Kestrel";
    UCHAR Output[16];
    KESTREL_FILTER_COUNTS Before, After;
    IO_STATUS_BLOCK IoStatus;
    HANDLE Handle;

    KT_ASSERT_STATUS(KtOpen(KESTREL_SAMPLE_DOS_NAME, TRUE, &Handle), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtFilterCounts(Handle, &Before), STATUS_SUCCESS);
    KT_ASSERT(Before.Seen[IRP_MJ_CREATE] >= 1);
    memset(Output, 0xCC, sizeof(Output));
    KT_ASSERT_STATUS(ZwDeviceIoControlFile(Handle, NULL, NULL, NULL, &IoStatus,
                                           IOCTL_KESTREL_SAMPLE_REVERSE, (PVOID)Input, 7, Output,
                                           sizeof(Output)),
                     STATUS_SUCCESS);
    KT_ASSERT_STATUS(IoStatus.Status, STATUS_SUCCESS);
    KT_ASSERT_EQ(IoStatus.Information, 7);
    KT_ASSERT(memcmp(Output, "lertseK", 7) == 0);
    KT_ASSERT_EQ(Output[7], 0xCC);
    /* An output buffer too small for the answer. */
    KT_ASSERT_STATUS(ZwDeviceIoControlFile(Handle, NULL, NULL, NULL, &IoStatus,
                                           IOCTL_KESTREL_SAMPLE_REVERSE, (PVOID)Input, 7, Output,
                                           3),
                     STATUS_BUFFER_TOO_SMALL);
    KT_ASSERT_STATUS(KtFilterCounts(Handle, &After), STATUS_SUCCESS);
    KT_ASSERT_EQ(After.Seen[IRP_MJ_DEVICE_CONTROL] - Before.Seen[IRP_MJ_DEVICE_CONTROL], 2);
    KT_ASSERT_EQ(After.Completed - Before.Completed, 2);
    KT_ASSERT_EQ(After.Failed - Before.Failed, 1);
    KT_ASSERT_STATUS(ZwClose(Handle), STATUS_SUCCESS);
}

/* The student sample as the build registers it (drivers/samples/
 * kestrelsample, from the table generated from driver.mk): loaded at boot,
 * the slots it did not set still failing their IRPs with
 * STATUS_INVALID_DEVICE_REQUEST, and its unload refused, with a message,
 * while a handle to it is open. */
KTEST(FileSampleBuiltinDefaultsAndBusyUnload)
{
    UNICODE_STRING Link = RTL_CONSTANT_STRING(KESTREL_SAMPLE_DOS_NAME);
    PDRIVER_OBJECT Driver = IopReferenceDriverByName(L"KestrelSample");
    IO_STATUS_BLOCK IoStatus;
    UCHAR Buffer[8];
    HANDLE Handle;
    PVOID Device;

    KT_ASSERT(Driver != NULL);
    KT_ASSERT((Driver->Flags & DRVO_INITIALIZED) != 0);
    KT_ASSERT(Driver->MajorFunction[IRP_MJ_CREATE] != IopInvalidDeviceRequest);
    KT_ASSERT(Driver->MajorFunction[IRP_MJ_DEVICE_CONTROL] != IopInvalidDeviceRequest);
    KT_ASSERT(Driver->MajorFunction[IRP_MJ_READ] == IopInvalidDeviceRequest);
    KT_ASSERT(Driver->DriverUnload != NULL);
    KT_ASSERT_STATUS(ObReferenceObjectByName(&Link, 0, &IopDeviceObjectType, &Device, NULL),
                     STATUS_SUCCESS);
    KT_ASSERT(((PDEVICE_OBJECT)Device)->DriverObject == Driver);
    KT_ASSERT(Driver->DeviceObject == Device);
    KT_ASSERT_EQ(((PDEVICE_OBJECT)Device)->Flags & (DO_DEVICE_INITIALIZING | DO_BUFFERED_IO),
                 DO_BUFFERED_IO);

    KT_ASSERT_STATUS(KtOpen(KESTREL_SAMPLE_DOS_NAME, TRUE, &Handle), STATUS_SUCCESS);
    /* A read reaches the default slot (through the filter above). It fails
     * synchronously, so, as in Windows, the status block is left alone. */
    IoStatus.Status = STATUS_SUCCESS;
    IoStatus.Information = 99;
    KT_ASSERT_STATUS(ZwReadFile(Handle, NULL, NULL, NULL, &IoStatus, Buffer, sizeof(Buffer),
                                NULL, NULL),
                     STATUS_INVALID_DEVICE_REQUEST);
    KT_ASSERT_EQ(IoStatus.Information, 99);
    /* The open handle keeps the driver loaded. */
    KT_ASSERT_STATUS(IopUnloadDriver(Driver), STATUS_DEVICE_BUSY);
    KT_ASSERT(Driver->DeviceObject == Device);
    KT_ASSERT((Driver->Flags & DRVO_UNLOAD_INVOKED) == 0);
    KT_ASSERT_STATUS(ZwClose(Handle), STATUS_SUCCESS);
    KT_ASSERT_EQ(((PDEVICE_OBJECT)Device)->ReferenceCount, 0);
    ObDereferenceObject(Device);
    ObDereferenceObject(Driver);
}

/* The documented status codes for bad handles, names and arguments. */
KTEST(FileErrorCodes)
{
    OBJECT_ATTRIBUTES Attributes;
    IO_STATUS_BLOCK IoStatus;
    UNICODE_STRING Name;
    HANDLE Handle, Event;
    UCHAR Buffer[8];

    KT_ASSERT(KtFileDevice(L"KtBuffered") != NULL);
    KT_ASSERT_STATUS(ZwReadFile((HANDLE)(ULONG_PTR)0xFFFFFFFF80001234ULL, NULL, NULL, NULL,
                                &IoStatus, Buffer, 8, NULL, NULL),
                     STATUS_INVALID_HANDLE);
    KT_ASSERT_STATUS(ZwClose((HANDLE)(ULONG_PTR)0xFFFFFFFF80001234ULL), STATUS_INVALID_HANDLE);
    KT_ASSERT_STATUS(KtOpen(L"\\Device\\NoSuchDevice", TRUE, &Handle),
                     STATUS_OBJECT_NAME_NOT_FOUND);
    KT_ASSERT_STATUS(KtOpen(L"\\NoSuchDirectory\\X", TRUE, &Handle),
                     STATUS_OBJECT_PATH_NOT_FOUND);
    KT_ASSERT_STATUS(KtOpen(L"\\Driver\\KtFile", TRUE, &Handle), STATUS_OBJECT_TYPE_MISMATCH);
    /* A handle that is not a file handle. */
    KT_ASSERT_STATUS(ZwCreateEvent(&Event, EVENT_ALL_ACCESS, NULL, NotificationEvent, FALSE),
                     STATUS_SUCCESS);
    KT_ASSERT_STATUS(ZwReadFile(Event, NULL, NULL, NULL, &IoStatus, Buffer, 8, NULL, NULL),
                     STATUS_OBJECT_TYPE_MISMATCH);
    /* A file handle where an event handle belongs, and an APC routine. */
    KT_ASSERT_STATUS(KtOpen(L"\\Device\\KtBuffered", FALSE, &Handle), STATUS_SUCCESS);
    KT_ASSERT_STATUS(ZwReadFile(Handle, Handle, NULL, NULL, &IoStatus, Buffer, 8, NULL, NULL),
                     STATUS_OBJECT_TYPE_MISMATCH);
    KT_ASSERT_STATUS(ZwReadFile(Handle, NULL, (PIO_APC_ROUTINE)(ULONG_PTR)KtOpen, NULL,
                                &IoStatus, Buffer, 8, NULL, NULL),
                     STATUS_NOT_SUPPORTED);
    KT_ASSERT_STATUS(ZwReadFile(Handle, NULL, NULL, NULL, &IoStatus, (PVOID)0x1000, 8, NULL,
                                NULL),
                     STATUS_ACCESS_VIOLATION);
    KT_ASSERT_STATUS(ZwClose(Handle), STATUS_SUCCESS);
    KT_ASSERT_STATUS(ZwClose(Event), STATUS_SUCCESS);
    /* Arguments NtCreateFile rejects. */
    RtlInitUnicodeString(&Name, L"\\Device\\KtBuffered");
    InitializeObjectAttributes(&Attributes, &Name, OBJ_CASE_INSENSITIVE, NULL, NULL);
    KT_ASSERT_STATUS(ZwCreateFile(&Handle, GENERIC_READ, &Attributes, &IoStatus, NULL, 0, 0,
                                  FILE_MAXIMUM_DISPOSITION + 1, 0, NULL, 0),
                     STATUS_INVALID_PARAMETER);
    KT_ASSERT_STATUS(ZwCreateFile(&Handle, GENERIC_READ, &Attributes, &IoStatus, NULL, 0, 0,
                                  FILE_OPEN, FILE_SYNCHRONOUS_IO_NONALERT, NULL, 0),
                     STATUS_INVALID_PARAMETER);     /* no SYNCHRONIZE access */
}

/* A synchronous file goes on from its position; the rest of the name
 * reaches the driver; flush and cleanup/close arrive once each. */
KTEST(FilePositionNameFlushClose)
{
    PDEVICE_OBJECT DeviceObject = KtFileDevice(L"KtBuffered");
    PKT_FILE_DEVICE Device;
    IO_STATUS_BLOCK IoStatus;
    UCHAR Buffer[16];
    ULONG Cleanups, Closes;
    HANDLE Handle;
    ULONG Index;

    KT_ASSERT(DeviceObject != NULL);
    Device = DeviceObject->DeviceExtension;
    Cleanups = Device->Cleanups;
    Closes = Device->Closes;
    KT_ASSERT_STATUS(KtOpen(L"\\Device\\KtBuffered\\some\\path", TRUE, &Handle), STATUS_SUCCESS);
    KT_ASSERT(memcmp(Device->LastFileName, L"\\some\\path", 11 * sizeof(WCHAR)) == 0);
    KT_ASSERT_EQ(DeviceObject->ReferenceCount, 1);
    KT_ASSERT_STATUS(ZwReadFile(Handle, NULL, NULL, NULL, &IoStatus, Buffer, 10, NULL, NULL),
                     STATUS_SUCCESS);
    KT_ASSERT_STATUS(ZwReadFile(Handle, NULL, NULL, NULL, &IoStatus, Buffer, 16, NULL, NULL),
                     STATUS_SUCCESS);
    KT_ASSERT_EQ(IoStatus.Information, 16);
    for (Index = 0; Index < 16; Index++) {
        KT_ASSERT_EQ(Buffer[Index], 10 + Index);
    }
    KT_ASSERT_STATUS(ZwFlushBuffersFile(Handle, &IoStatus), STATUS_SUCCESS);
    KT_ASSERT_EQ(Device->Flushes, 1);
    KT_ASSERT_STATUS(ZwClose(Handle), STATUS_SUCCESS);
    KT_ASSERT_EQ(Device->Cleanups, Cleanups + 1);
    KT_ASSERT_EQ(Device->Closes, Closes + 1);
    KT_ASSERT_EQ(DeviceObject->ReferenceCount, 0);
    KT_ASSERT_STATUS(ZwClose(Handle), STATUS_INVALID_HANDLE);
}

/* DO_EXCLUSIVE: one open at a time. */
KTEST(FileExclusiveDevice)
{
    HANDLE First, Second;

    KT_ASSERT(KtFileDevice(L"KtExclusive") != NULL);
    KT_ASSERT_STATUS(KtOpen(L"\\Device\\KtExclusive", TRUE, &First), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtOpen(L"\\Device\\KtExclusive", TRUE, &Second), STATUS_ACCESS_DENIED);
    KT_ASSERT_STATUS(ZwClose(First), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtOpen(L"\\Device\\KtExclusive", TRUE, &Second), STATUS_SUCCESS);
    KT_ASSERT_STATUS(ZwClose(Second), STATUS_SUCCESS);
}

/* IoGetDeviceObjectPointer: the top of the stack and a file object whose
 * last dereference sends cleanup and close. */
KTEST(FileGetDeviceObjectPointer)
{
    UNICODE_STRING Name = RTL_CONSTANT_STRING(L"\\Device\\KtDirect");
    PDEVICE_OBJECT Top, DeviceObject = KtFileDevice(L"KtDirect");
    PKT_FILE_DEVICE Device;
    PFILE_OBJECT File;
    ULONG Closes;

    KT_ASSERT(DeviceObject != NULL);
    Device = DeviceObject->DeviceExtension;
    Closes = Device->Closes;
    KT_ASSERT_STATUS(IoGetDeviceObjectPointer(&Name, FILE_READ_DATA, &File, &Top),
                     STATUS_SUCCESS);
    KT_ASSERT(Top == DeviceObject);
    KT_ASSERT(File->DeviceObject == DeviceObject);
    KT_ASSERT_EQ(DeviceObject->ReferenceCount, 1);
    ObDereferenceObject(File);
    KT_ASSERT_EQ(Device->Closes, Closes + 1);
    KT_ASSERT_EQ(DeviceObject->ReferenceCount, 0);
}
