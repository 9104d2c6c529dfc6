/*
 * tests/kernel/serialio.c - the serial tests' I/O helpers (serialtest.h):
 * IOCTLs and reads that wait, asynchronous requests polled through their
 * IO_STATUS_BLOCK, and the settings each test starts from.
 */
#include "tests/kernel/serialtest.h"

NTSTATUS
KtsIoctl(PKTS_PORT Port, ULONG Code, PVOID In, ULONG InLength, PVOID Out, ULONG OutLength,
         PULONG_PTR Information)
{
    IO_STATUS_BLOCK IoStatus;
    NTSTATUS Status;

    IoStatus.Information = 0;
    Status = ZwDeviceIoControlFile(Port->Handle, Port->Event, NULL, NULL, &IoStatus, Code, In,
                                   InLength, Out, OutLength);
    if (Status == STATUS_PENDING && KtsWait(Port, 5000) == STATUS_SUCCESS) {
        Status = IoStatus.Status;
    }
    if (Information != NULL) {
        *Information = IoStatus.Information;
    }
    return Status;
}

NTSTATUS
KtsWait(PKTS_PORT Port, ULONG Milliseconds)
{
    LARGE_INTEGER Timeout;

    Timeout.QuadPart = -(LONGLONG)Milliseconds * 10000;
    return KeWaitForSingleObject(Port->EventObject, Executive, KernelMode, FALSE, &Timeout);
}

NTSTATUS
KtsLoopback(PKTS_PORT Port, BOOLEAN On)
{
    ULONG Mcr = SERIAL_DTR_STATE | SERIAL_RTS_STATE | (On ? 0x10 : 0);

    return KtsIoctl(Port, IOCTL_SERIAL_SET_MODEM_CONTROL, &Mcr, sizeof(Mcr), NULL, 0, NULL);
}

ULONGLONG
KtsMillisecondsSince(ULONGLONG Start)
{
    return (KeQueryInterruptTime() - Start) / 10000;
}

NTSTATUS
KtsDefaultFlow(PKTS_PORT Port)
{
    SERIAL_HANDFLOW HandFlow = {SERIAL_DTR_CONTROL, SERIAL_RTS_CONTROL, 1024, 1024};
    SERIAL_CHARS Chars = {0, 0, 0, 0, 0x11, 0x13};
    NTSTATUS Status;

    Status = KtsIoctl(Port, IOCTL_SERIAL_SET_HANDFLOW, &HandFlow, sizeof(HandFlow), NULL, 0,
                      NULL);
    if (NT_SUCCESS(Status)) {
        Status = KtsIoctl(Port, IOCTL_SERIAL_SET_CHARS, &Chars, sizeof(Chars), NULL, 0, NULL);
    }
    if (NT_SUCCESS(Status)) {
        /* An XOFF emulated or a break left on by an earlier test. */
        Status = KtsIoctl(Port, IOCTL_SERIAL_SET_XON, NULL, 0, NULL, 0, NULL);
    }
    if (NT_SUCCESS(Status)) {
        Status = KtsIoctl(Port, IOCTL_SERIAL_SET_BREAK_OFF, NULL, 0, NULL, 0, NULL);
    }
    return Status;
}

NTSTATUS
KtsSetTimeouts(PKTS_PORT Port, ULONG Interval, ULONG Multiplier, ULONG Constant)
{
    SERIAL_TIMEOUTS Timeouts = {Interval, Multiplier, Constant, 0, 0};
    ULONG_PTR Information;

    return KtsIoctl(Port, IOCTL_SERIAL_SET_TIMEOUTS, &Timeouts, sizeof(Timeouts), NULL, 0,
                    &Information);
}

VOID
KtsSleep(ULONG Milliseconds)
{
    LARGE_INTEGER Delay = {.QuadPart = -(LONGLONG)Milliseconds * 10000};

    KeDelayExecutionThread(KernelMode, FALSE, &Delay);
}

NTSTATUS
KtsStartWrite(PKTS_PORT Port, const VOID *Buffer, ULONG Length, PIO_STATUS_BLOCK IoStatus)
{
    IoStatus->Status = STATUS_PENDING;
    IoStatus->Information = 0;
    return ZwWriteFile(Port->Handle, NULL, NULL, NULL, IoStatus, (PVOID)Buffer, Length, NULL,
                       NULL);
}

NTSTATUS
KtsStartIoctl(PKTS_PORT Port, ULONG Code, PVOID In, ULONG InLength, PVOID Out, ULONG OutLength,
              PIO_STATUS_BLOCK IoStatus)
{
    IoStatus->Status = STATUS_PENDING;
    IoStatus->Information = 0;
    return ZwDeviceIoControlFile(Port->Handle, NULL, NULL, NULL, IoStatus, Code, In, InLength,
                                 Out, OutLength);
}

NTSTATUS
KtsRead(PKTS_PORT Port, PVOID Buffer, ULONG Length, ULONG Milliseconds,
        PIO_STATUS_BLOCK IoStatus)
{
    NTSTATUS Status;

    IoStatus->Status = STATUS_PENDING;
    IoStatus->Information = 0;
    Status = ZwReadFile(Port->Handle, NULL, NULL, NULL, IoStatus, Buffer, Length, NULL, NULL);
    if (Status == STATUS_PENDING) {
        Status = KtsAwait(IoStatus, Milliseconds);
    }
    return Status;
}

NTSTATUS
KtsAwait(PIO_STATUS_BLOCK IoStatus, ULONG Milliseconds)
{
    ULONGLONG Start = KeQueryInterruptTime();

    while (*(volatile NTSTATUS *)&IoStatus->Status == STATUS_PENDING &&
           KtsMillisecondsSince(Start) < Milliseconds) {
        KtsSleep(1);
    }
    return *(volatile NTSTATUS *)&IoStatus->Status;
}

NTSTATUS
KtsCommStatus(PKTS_PORT Port, PSERIAL_STATUS Status)
{
    RtlZeroMemory(Status, sizeof(*Status));
    return KtsIoctl(Port, IOCTL_SERIAL_GET_COMMSTATUS, NULL, 0, Status, sizeof(*Status), NULL);
}

BOOLEAN
KtsWaitInQueue(PKTS_PORT Port, ULONG Count, ULONG Milliseconds, PSERIAL_STATUS Status)
{
    ULONGLONG Start = KeQueryInterruptTime();
    ULONG Errors = 0;

    for (;;) {
        if (!NT_SUCCESS(KtsCommStatus(Port, Status))) {
            return FALSE;
        }
        Errors |= Status->Errors;
        if (Status->AmountInInQueue == Count || KtsMillisecondsSince(Start) >= Milliseconds) {
            break;
        }
        KtsSleep(2);
    }
    Status->Errors = Errors;
    return Status->AmountInInQueue == Count;
}

NTSTATUS
KtsSetHandFlow(PKTS_PORT Port, ULONG ControlHandShake, ULONG FlowReplace, LONG XonLimit,
               LONG XoffLimit)
{
    SERIAL_HANDFLOW HandFlow = {ControlHandShake, FlowReplace, XonLimit, XoffLimit};

    return KtsIoctl(Port, IOCTL_SERIAL_SET_HANDFLOW, &HandFlow, sizeof(HandFlow), NULL, 0, NULL);
}
