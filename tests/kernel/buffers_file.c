/*
 * tests/kernel/buffers_file.c - buffered, direct and neither I/O through
 * the file API, with short and oversized buffers; asynchronous completion
 * with an event; cleanup cancelling pending IRPs.
 */
#include "tests/kernel/filetest.h"
#include "kernel/rtl/crt.h"

#define KT_BUFFERS_TAG 'fBtK'

static PCWSTR const KtMethodDevices[] = {L"KtBuffered", L"KtDirect", L"KtNeither"};
static PCWSTR const KtMethodPaths[] = {L"\\Device\\KtBuffered", L"\\Device\\KtDirect",
                                       L"\\Device\\KtNeither"};

/* Reads and writes across page boundaries, on each kind of device. */
KTEST(BuffersReadWriteEachMethod)
{
    PUCHAR Block = ExAllocatePoolWithTag(NonPagedPoolNx, 3 * PAGE_SIZE, KT_BUFFERS_TAG);
    LARGE_INTEGER Offset;
    IO_STATUS_BLOCK IoStatus;
    ULONG Method, Index;

    KT_ASSERT(Block != NULL);
    for (Method = 0; Method < 3; Method++) {
        PDEVICE_OBJECT DeviceObject = KtFileDevice(KtMethodDevices[Method]);
        PKT_FILE_DEVICE Device;
        PUCHAR Buffer = Block + PAGE_SIZE - 100;    /* straddles a page boundary */
        ULONG64 Sum = 0, SumBefore;
        HANDLE Handle;

        KT_ASSERT(DeviceObject != NULL);
        Device = DeviceObject->DeviceExtension;
        KT_ASSERT_STATUS(KtOpen(KtMethodPaths[Method], TRUE, &Handle), STATUS_SUCCESS);
        memset(Block, 0xCC, 3 * PAGE_SIZE);
        Offset.QuadPart = 5;
        KT_ASSERT_STATUS(ZwReadFile(Handle, NULL, NULL, NULL, &IoStatus, Buffer, 3000, &Offset,
                                    NULL),
                         STATUS_SUCCESS);
        KT_ASSERT_EQ(IoStatus.Information, 3000);
        for (Index = 0; Index < 3000; Index++) {
            KT_ASSERT_EQ(Buffer[Index], (UCHAR)(5 + Index));
        }
        KT_ASSERT_EQ(Buffer[3000], 0xCC);
        KT_ASSERT_EQ(Buffer[-1], 0xCC);
        for (Index = 0; Index < 1000; Index++) {
            Buffer[Index] = (UCHAR)(Index * 13);
            Sum += Buffer[Index];
        }
        SumBefore = Device->WriteSum;
        KT_ASSERT_STATUS(ZwWriteFile(Handle, NULL, NULL, NULL, &IoStatus, Buffer, 1000, NULL,
                                     NULL),
                         STATUS_SUCCESS);
        KT_ASSERT_EQ(IoStatus.Information, 1000);
        KT_ASSERT_EQ(Device->WriteSum - SumBefore, Sum);
        /* A zero-length read is passed on and succeeds. */
        KT_ASSERT_STATUS(ZwReadFile(Handle, NULL, NULL, NULL, &IoStatus, NULL, 0, NULL, NULL),
                         STATUS_SUCCESS);
        KT_ASSERT_EQ(IoStatus.Information, 0);
        KT_ASSERT_STATUS(ZwClose(Handle), STATUS_SUCCESS);
    }
    ExFreePoolWithTag(Block, KT_BUFFERS_TAG);
}

/* One IOCTL method with an exact, oversized, short and empty output. */
static VOID
KtCheckXorIoctl(PKTEST_CONTEXT KtContext, HANDLE Handle, ULONG Code)
{
    UCHAR Input[10], Output[24];
    IO_STATUS_BLOCK IoStatus;
    ULONG Index;

    for (Index = 0; Index < sizeof(Input); Index++) {
        Input[Index] = (UCHAR)(0x30 + Index);
    }
    /* Oversized output: Information says 10, the rest is untouched. */
    memset(Output, 0xCC, sizeof(Output));
    KT_ASSERT_STATUS(ZwDeviceIoControlFile(Handle, NULL, NULL, NULL, &IoStatus, Code, Input, 10,
                                           Output, 20),
                     STATUS_SUCCESS);
    KT_ASSERT_EQ(IoStatus.Information, 10);
    for (Index = 0; Index < 10; Index++) {
        KT_ASSERT_EQ(Output[Index], Input[Index] ^ 0x5A);
    }
    KT_ASSERT_EQ(Output[10], 0xCC);
    KT_ASSERT_EQ(Output[20], 0xCC);
    /* Short output: a warning, and the part that fits. */
    memset(Output, 0xCC, sizeof(Output));
    IoStatus.Information = 77;
    KT_ASSERT_STATUS(ZwDeviceIoControlFile(Handle, NULL, NULL, NULL, &IoStatus, Code, Input, 10,
                                           Output, 4),
                     STATUS_BUFFER_OVERFLOW);
    KT_ASSERT_STATUS(IoStatus.Status, STATUS_BUFFER_OVERFLOW);
    KT_ASSERT_EQ(IoStatus.Information, 4);
    KT_ASSERT_EQ(Output[3], Input[3] ^ 0x5A);
    KT_ASSERT_EQ(Output[4], 0xCC);
    /* No output room: an error, nothing copied. */
    KT_ASSERT_STATUS(ZwDeviceIoControlFile(Handle, NULL, NULL, NULL, &IoStatus, Code, Input, 10,
                                           NULL, 0),
                     STATUS_BUFFER_TOO_SMALL);
}

KTEST(BuffersIoctlEachMethod)
{
    UCHAR Data[300];
    IO_STATUS_BLOCK IoStatus;
    HANDLE Handle;
    ULONG Index, Sum = 0;

    KT_ASSERT(KtFileDevice(L"KtNeither") != NULL);
    KT_ASSERT_STATUS(KtOpen(L"\\Device\\KtNeither", TRUE, &Handle), STATUS_SUCCESS);
    KtCheckXorIoctl(KtContext, Handle, KT_IOCTL_XOR_BUFFERED);
    if (KtContext->Failed) {
        return;
    }
    KtCheckXorIoctl(KtContext, Handle, KT_IOCTL_XOR_OUT_DIRECT);
    if (KtContext->Failed) {
        return;
    }
    KtCheckXorIoctl(KtContext, Handle, KT_IOCTL_XOR_NEITHER);
    if (KtContext->Failed) {
        return;
    }
    /* METHOD_IN_DIRECT: the device reads the second buffer through an MDL. */
    for (Index = 0; Index < sizeof(Data); Index++) {
        Data[Index] = (UCHAR)(Index * 3);
        Sum += Data[Index];
    }
    KT_ASSERT_STATUS(ZwDeviceIoControlFile(Handle, NULL, NULL, NULL, &IoStatus,
                                           KT_IOCTL_SUM_IN_DIRECT, NULL, 0, Data, sizeof(Data)),
                     STATUS_SUCCESS);
    KT_ASSERT_EQ(IoStatus.Information, Sum);
    /* A code the driver does not know. */
    KT_ASSERT_STATUS(ZwDeviceIoControlFile(Handle, NULL, NULL, NULL, &IoStatus,
                                           CTL_CODE(FILE_DEVICE_UNKNOWN, 0x9FF, METHOD_BUFFERED,
                                                    FILE_ANY_ACCESS),
                                           NULL, 0, NULL, 0),
                     STATUS_INVALID_DEVICE_REQUEST);
    KT_ASSERT_STATUS(ZwClose(Handle), STATUS_SUCCESS);
}

/* An asynchronous read pends; the caller's event and status block tell
 * when it ends, with the bytes copied back. */
KTEST(BuffersAsyncReadWithEvent)
{
    PDEVICE_OBJECT DeviceObject = KtFileDevice(L"KtPend");
    IO_STATUS_BLOCK IoStatus, ControlStatus;
    HANDLE Handle, Control, Event;
    PKEVENT EventObject;
    UCHAR Buffer[40];
    ULONG Index;

    KT_ASSERT(DeviceObject != NULL);
    KT_ASSERT_STATUS(KtOpen(L"\\Device\\KtPend", FALSE, &Handle), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtOpen(L"\\Device\\KtPend", TRUE, &Control), STATUS_SUCCESS);
    KT_ASSERT_STATUS(ZwCreateEvent(&Event, EVENT_ALL_ACCESS, NULL, NotificationEvent, TRUE),
                     STATUS_SUCCESS);
    KT_ASSERT_STATUS(ObReferenceObjectByHandle(Event, 0, *ExEventObjectType, KernelMode,
                                               (PVOID *)&EventObject, NULL),
                     STATUS_SUCCESS);
    memset(Buffer, 0, sizeof(Buffer));
    IoStatus.Status = (NTSTATUS)0x12345678;
    IoStatus.Information = 99;
    KT_ASSERT_STATUS(ZwReadFile(Handle, Event, NULL, NULL, &IoStatus, Buffer, 32, NULL, NULL),
                     STATUS_PENDING);
    KT_ASSERT_EQ(KeReadStateEvent(EventObject), 0);     /* cleared, not yet set */
    KT_ASSERT_STATUS(IoStatus.Status, 0x12345678);
    KT_ASSERT_EQ(((PKT_FILE_DEVICE)DeviceObject->DeviceExtension)->Pending, 1);
    KT_ASSERT_STATUS(ZwDeviceIoControlFile(Control, NULL, NULL, NULL, &ControlStatus,
                                           KT_IOCTL_COMPLETE_PENDING, NULL, 0, NULL, 0),
                     STATUS_SUCCESS);
    KT_ASSERT_STATUS(KeWaitForSingleObject(EventObject, Executive, KernelMode, FALSE, NULL),
                     STATUS_SUCCESS);
    KT_ASSERT_STATUS(IoStatus.Status, STATUS_SUCCESS);
    KT_ASSERT_EQ(IoStatus.Information, 32);
    for (Index = 0; Index < 32; Index++) {
        KT_ASSERT_EQ(Buffer[Index], 0xEE);
    }
    KT_ASSERT_EQ(Buffer[32], 0);
    ObDereferenceObject(EventObject);
    KT_ASSERT_STATUS(ZwClose(Event), STATUS_SUCCESS);
    KT_ASSERT_STATUS(ZwClose(Control), STATUS_SUCCESS);
    KT_ASSERT_STATUS(ZwClose(Handle), STATUS_SUCCESS);
}

/* Closing the last handle cancels what is pending on it (and only on it),
 * before IRP_MJ_CLEANUP. */
KTEST(BuffersCleanupCancelsPending)
{
    PDEVICE_OBJECT DeviceObject = KtFileDevice(L"KtPend");
    PKT_FILE_DEVICE Device;
    IO_STATUS_BLOCK First, Second;
    HANDLE Handle, Event;
    PKEVENT EventObject;
    UCHAR Buffer[2][8];
    ULONG Cleanups;

    KT_ASSERT(DeviceObject != NULL);
    Device = DeviceObject->DeviceExtension;
    Cleanups = Device->Cleanups;
    KT_ASSERT_STATUS(KtOpen(L"\\Device\\KtPend", FALSE, &Handle), STATUS_SUCCESS);
    KT_ASSERT_STATUS(ZwCreateEvent(&Event, EVENT_ALL_ACCESS, NULL, NotificationEvent, FALSE),
                     STATUS_SUCCESS);
    KT_ASSERT_STATUS(ObReferenceObjectByHandle(Event, 0, *ExEventObjectType, KernelMode,
                                               (PVOID *)&EventObject, NULL),
                     STATUS_SUCCESS);
    KT_ASSERT_STATUS(ZwReadFile(Handle, NULL, NULL, NULL, &First, Buffer[0], 8, NULL, NULL),
                     STATUS_PENDING);
    KT_ASSERT_STATUS(ZwReadFile(Handle, Event, NULL, NULL, &Second, Buffer[1], 8, NULL, NULL),
                     STATUS_PENDING);
    KT_ASSERT_EQ(Device->Pending, 2);
    KT_ASSERT_STATUS(ZwClose(Handle), STATUS_SUCCESS);
    KT_ASSERT_EQ(Device->Pending, 0);
    KT_ASSERT_STATUS(First.Status, STATUS_CANCELLED);
    KT_ASSERT_STATUS(Second.Status, STATUS_CANCELLED);
    KT_ASSERT_EQ(KeReadStateEvent(EventObject), 1);
    KT_ASSERT_EQ(Device->Cleanups, Cleanups + 1);
    KT_ASSERT_EQ(DeviceObject->ReferenceCount, 0);
    ObDereferenceObject(EventObject);
    KT_ASSERT_STATUS(ZwClose(Event), STATUS_SUCCESS);
}
