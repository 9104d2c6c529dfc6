/*
 * tests/kernel/serial.c - the 16550 serial driver (drivers/serial) on
 * QEMU's COM2, through the file API a client uses: ZwCreateFile on
 * \DosDevices\COM2, ZwReadFile, ZwWriteFile, ZwDeviceIoControlFile, ZwClose.
 *
 * tests/qemu.sh gives COM2 "-serial null": what is written goes nowhere
 * and nothing arrives, so reads time out; the UART's internal loopback
 * (MCR bit 4, set through IOCTL_SERIAL_SET_MODEM_CONTROL) brings written
 * bytes back on the receive side, which exercises RX interrupts, the ring
 * and read completion without a peer. tests/kernel/serialpeer.c talks to
 * a real program on the host.
 *
 * Each test opens the PnP manager's COM2, or builds a private stack on
 * its UART (serialtest.h), runs its body and closes or removes what it
 * made, whether the body passed or not.
 */
#include "tests/kernel/serialtest.h"

static UCHAR KtsBuffer[8192];
static UCHAR KtsEcho[8192];

/* The PnP manager found COM2 and started the serial driver on it. */
KTS_TEST(SerialPnpStartsCom2, TRUE)
{
    SERIAL_COMMPROP Properties;
    SERIAL_BAUD_RATE Baud;
    SERIAL_LINE_CONTROL Line;
    ULONG_PTR Information;
    HANDLE Second;
    OBJECT_ATTRIBUTES Attributes;
    IO_STATUS_BLOCK IoStatus;
    UNICODE_STRING Name;

    KT_ASSERT(Port->Fdo != NULL);
    KT_ASSERT_EQ(Port->Fdo->DeviceType, FILE_DEVICE_SERIAL_PORT);
    KT_ASSERT((Port->Fdo->Flags & DO_BUFFERED_IO) != 0);
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_GET_BAUD_RATE, NULL, 0, &Baud, sizeof(Baud),
                              &Information), STATUS_SUCCESS);
    KT_ASSERT_EQ(Information, sizeof(Baud));
    KT_ASSERT_EQ(Baud.BaudRate, 115200);
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_GET_LINE_CONTROL, NULL, 0, &Line, sizeof(Line),
                              &Information), STATUS_SUCCESS);
    KT_ASSERT_EQ(Line.WordLength, 8);
    KT_ASSERT_EQ(Line.Parity, NO_PARITY);
    KT_ASSERT_EQ(Line.StopBits, STOP_BIT_1);
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_GET_PROPERTIES, NULL, 0, &Properties,
                              sizeof(Properties), &Information), STATUS_SUCCESS);
    KT_ASSERT_EQ(Information, sizeof(Properties));
    KT_ASSERT_EQ(Properties.PacketLength, sizeof(SERIAL_COMMPROP));
    KT_ASSERT_EQ(Properties.MaxBaud, SERIAL_BAUD_115200);
    KT_ASSERT_EQ(Properties.ProvSubType, SERIAL_SP_RS232);
    KT_ASSERT((Properties.ProvCapabilities & SERIAL_PCF_TOTALTIMEOUTS) != 0);
    KT_ASSERT((Properties.ProvCapabilities & SERIAL_PCF_XONXOFF) != 0);
    KT_ASSERT((Properties.SettableParams & SERIAL_SP_HANDSHAKING) != 0);
    KT_ASSERT((Properties.SettableData & SERIAL_DATABITS_8) != 0);
    /* \Device\Serial1 is the same device, and it is exclusive. */
    RtlInitUnicodeString(&Name, L"\\Device\\Serial1");
    InitializeObjectAttributes(&Attributes, &Name, OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE, NULL,
                               NULL);
    KT_ASSERT_STATUS(ZwCreateFile(&Second, GENERIC_READ | SYNCHRONIZE, &Attributes, &IoStatus,
                                  NULL, 0, 0, FILE_OPEN, FILE_SYNCHRONOUS_IO_NONALERT, NULL, 0),
                     STATUS_ACCESS_DENIED);
}

/* START_DEVICE without an interrupt in the translated list fails, and
 * names what is missing; so does one without resources. */
KTS_PRIVATE_TEST(SerialStartWithoutInterruptFails, TRUE)
{
    KTS_RESOURCE_BUFFER Raw, Translated;
    IO_STATUS_BLOCK IoStatus;

    KT_ASSERT_STATUS(KtsStop(Port), STATUS_SUCCESS);
    KtsBuildResources(&Raw.List, &Translated.List, FALSE);
    KT_ASSERT_STATUS(KtsSendPnp(Port, IRP_MN_START_DEVICE, &Raw.List, &Translated.List),
                     STATUS_INSUFFICIENT_RESOURCES);
    KT_ASSERT_STATUS(KtsSendPnp(Port, IRP_MN_START_DEVICE, NULL, NULL),
                     STATUS_INSUFFICIENT_RESOURCES);
    KT_ASSERT_STATUS(ZwWriteFile(Port->Handle, NULL, NULL, NULL, &IoStatus, "a", 1, NULL, NULL),
                     STATUS_NO_SUCH_DEVICE);
    /* And with both it starts and works. */
    KT_ASSERT_STATUS(KtsStart(Port), STATUS_SUCCESS);
    KT_ASSERT_STATUS(ZwWriteFile(Port->Handle, NULL, NULL, NULL, &IoStatus, "a", 1, NULL, NULL),
                     STATUS_SUCCESS);
    KT_ASSERT_EQ(IoStatus.Information, 1);
}

KTS_TEST(SerialIoctlErrors, TRUE)
{
    SERIAL_BAUD_RATE Baud;
    SERIAL_LINE_CONTROL Line;
    SERIAL_TIMEOUTS Timeouts;
    SERIAL_STATUS Status;
    ULONG_PTR Information;
    ULONG Value;

    /* Buffers too small for the structure. */
    Baud.BaudRate = 9600;
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_SET_BAUD_RATE, &Baud, 2, NULL, 0, &Information),
                     STATUS_BUFFER_TOO_SMALL);
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_GET_BAUD_RATE, NULL, 0, &Baud, 3, &Information),
                     STATUS_BUFFER_TOO_SMALL);
    KT_ASSERT_EQ(Information, 0);
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_GET_COMMSTATUS, NULL, 0, &Status,
                              sizeof(Status) - 1, &Information), STATUS_BUFFER_TOO_SMALL);
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_SET_TIMEOUTS, &Timeouts, sizeof(Timeouts) - 4,
                              NULL, 0, &Information), STATUS_BUFFER_TOO_SMALL);
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_WAIT_ON_MASK, NULL, 0, &Value, 2, &Information),
                     STATUS_BUFFER_TOO_SMALL);
    /* Values the UART cannot take: the port keeps its settings. */
    Baud.BaudRate = 0;
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_SET_BAUD_RATE, &Baud, sizeof(Baud), NULL, 0,
                              &Information), STATUS_INVALID_PARAMETER);
    Baud.BaudRate = 100000;     /* divisor 1 would make 115200: 15% off */
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_SET_BAUD_RATE, &Baud, sizeof(Baud), NULL, 0,
                              &Information), STATUS_INVALID_PARAMETER);
    Baud.BaudRate = 230400;
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_SET_BAUD_RATE, &Baud, sizeof(Baud), NULL, 0,
                              &Information), STATUS_INVALID_PARAMETER);
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_GET_BAUD_RATE, NULL, 0, &Baud, sizeof(Baud),
                              &Information), STATUS_SUCCESS);
    KT_ASSERT_EQ(Baud.BaudRate, 115200);
    Line.WordLength = 9;
    Line.Parity = NO_PARITY;
    Line.StopBits = STOP_BIT_1;
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_SET_LINE_CONTROL, &Line, sizeof(Line), NULL, 0,
                              &Information), STATUS_INVALID_PARAMETER);
    Line.WordLength = 8;
    Line.Parity = 7;
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_SET_LINE_CONTROL, &Line, sizeof(Line), NULL, 0,
                              &Information), STATUS_INVALID_PARAMETER);
    Timeouts.ReadIntervalTimeout = MAXULONG;
    Timeouts.ReadTotalTimeoutMultiplier = MAXULONG;
    Timeouts.ReadTotalTimeoutConstant = MAXULONG;
    Timeouts.WriteTotalTimeoutMultiplier = 0;
    Timeouts.WriteTotalTimeoutConstant = 0;
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_SET_TIMEOUTS, &Timeouts, sizeof(Timeouts), NULL,
                              0, &Information), STATUS_INVALID_PARAMETER);
    Value = 0;
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_PURGE, &Value, sizeof(Value), NULL, 0,
                              &Information), STATUS_INVALID_PARAMETER);
    Value = 0x10000;
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_SET_WAIT_MASK, &Value, sizeof(Value), NULL, 0,
                              &Information), STATUS_INVALID_PARAMETER);
    /* No wait mask: a wait is refused. */
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_WAIT_ON_MASK, NULL, 0, &Value, sizeof(Value),
                              &Information), STATUS_INVALID_PARAMETER);
    /* CONFIG_SIZE: serial.sys has no provider configuration, so 0. */
    Value = 77;
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_CONFIG_SIZE, NULL, 0, &Value, sizeof(Value),
                              &Information), STATUS_SUCCESS);
    KT_ASSERT_EQ(Information, sizeof(ULONG));
    KT_ASSERT_EQ(Value, 0);
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_CONFIG_SIZE, NULL, 0, &Value, 3, &Information),
                     STATUS_BUFFER_TOO_SMALL);
    /* ntddser.h requests the driver does not serve are refused, not
     * reported done. */
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_GET_COMMCONFIG, NULL, 0, KtsBuffer, 64,
                              &Information), STATUS_INVALID_PARAMETER);
    KT_ASSERT_EQ(Information, 0);
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_XOFF_COUNTER, KtsBuffer, 8, NULL, 0,
                              &Information), STATUS_INVALID_PARAMETER);
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_LSRMST_INSERT, KtsBuffer, 1, NULL, 0,
                              &Information), STATUS_INVALID_PARAMETER);
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_SET_FIFO_CONTROL, KtsBuffer, 4, NULL, 0,
                              &Information), STATUS_INVALID_PARAMETER);
    /* A code the serial interface does not have: serial.sys's answer. */
    KT_ASSERT_STATUS(KtsIoctl(Port, CTL_CODE(FILE_DEVICE_SERIAL_PORT, 0x7FF, METHOD_BUFFERED,
                                             FILE_ANY_ACCESS), NULL, 0, NULL, 0, &Information),
                     STATUS_INVALID_PARAMETER);
    KT_ASSERT_EQ(Information, 0);
}

KTS_TEST(SerialBaudAndLineControlRoundTrip, TRUE)
{
    SERIAL_BAUD_RATE Baud = {9600};
    SERIAL_LINE_CONTROL Line = {STOP_BITS_2, EVEN_PARITY, 7};
    ULONG_PTR Information;
    ULONG Value;

    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_SET_BAUD_RATE, &Baud, sizeof(Baud), NULL, 0,
                              &Information), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_SET_LINE_CONTROL, &Line, sizeof(Line), NULL, 0,
                              &Information), STATUS_SUCCESS);
    RtlZeroMemory(&Line, sizeof(Line));
    Baud.BaudRate = 0;
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_GET_BAUD_RATE, NULL, 0, &Baud, sizeof(Baud),
                              &Information), STATUS_SUCCESS);
    KT_ASSERT_EQ(Baud.BaudRate, 9600);
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_GET_LINE_CONTROL, NULL, 0, &Line, sizeof(Line),
                              &Information), STATUS_SUCCESS);
    KT_ASSERT_EQ(Line.WordLength, 7);
    KT_ASSERT_EQ(Line.Parity, EVEN_PARITY);
    KT_ASSERT_EQ(Line.StopBits, STOP_BITS_2);
    /* The UART holds them: divisor 12 (8.3) and LCR 0x1E (8.1). */
    KT_ASSERT_EQ(READ_PORT_UCHAR((PUCHAR)(KTS_COM2_PORT + 3)), 0x1E);
    WRITE_PORT_UCHAR((PUCHAR)(KTS_COM2_PORT + 3), 0x9E);
    Value = READ_PORT_UCHAR((PUCHAR)(KTS_COM2_PORT + 0)) |
            (READ_PORT_UCHAR((PUCHAR)(KTS_COM2_PORT + 1)) << 8);
    WRITE_PORT_UCHAR((PUCHAR)(KTS_COM2_PORT + 3), 0x1E);
    KT_ASSERT_EQ(Value, 12);
    /* DTR and RTS follow the IOCTLs. */
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_CLR_DTR, NULL, 0, NULL, 0, &Information),
                     STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_GET_DTRRTS, NULL, 0, &Value, sizeof(Value),
                              &Information), STATUS_SUCCESS);
    KT_ASSERT_EQ(Value, SERIAL_RTS_STATE);
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_SET_DTR, NULL, 0, NULL, 0, &Information),
                     STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_CLR_RTS, NULL, 0, NULL, 0, &Information),
                     STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_GET_DTRRTS, NULL, 0, &Value, sizeof(Value),
                              &Information), STATUS_SUCCESS);
    KT_ASSERT_EQ(Value, SERIAL_DTR_STATE);
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_GET_MODEMSTATUS, NULL, 0, &Value, sizeof(Value),
                              &Information), STATUS_SUCCESS);
    KT_ASSERT_EQ(Information, sizeof(ULONG));
}

KTS_TEST(SerialWriteReportsBytes, TRUE)
{
    IO_STATUS_BLOCK IoStatus;
    ULONG64 Before = KtsInterruptCount(Port);
    ULONG Index;

    for (Index = 0; Index < 3000; Index++) {
        KtsBuffer[Index] = (UCHAR)Index;
    }
    KT_ASSERT_STATUS(ZwWriteFile(Port->Handle, NULL, NULL, NULL, &IoStatus, KtsBuffer, 3000,
                                 NULL, NULL), STATUS_SUCCESS);
    KT_ASSERT_STATUS(IoStatus.Status, STATUS_SUCCESS);
    KT_ASSERT_EQ(IoStatus.Information, 3000);
    /* 3000 bytes through a 16-byte FIFO: THR-empty interrupts did it (an
     * ISR call refills the FIFO at most 32 times, uartisr.c). */
    KT_ASSERT(KtsInterruptCount(Port) - Before >= 3000 / (16 * 32));
    KT_ASSERT_STATUS(ZwWriteFile(Port->Handle, NULL, NULL, NULL, &IoStatus, KtsBuffer, 1, NULL,
                                 NULL), STATUS_SUCCESS);
    KT_ASSERT_EQ(IoStatus.Information, 1);
}

/* A null port sends nothing back: the total timeout ends the read with
 * STATUS_TIMEOUT and no bytes, no sooner than it said. */
KTS_TEST(SerialReadTotalTimeout, TRUE)
{
    IO_STATUS_BLOCK IoStatus;
    ULONGLONG Start, Elapsed;

    KT_ASSERT_STATUS(KtsSetTimeouts(Port, 0, 10, 100), STATUS_SUCCESS);
    Start = KeQueryInterruptTime();
    IoStatus.Information = 77;
    KT_ASSERT_STATUS(ZwReadFile(Port->Handle, NULL, NULL, NULL, &IoStatus, KtsBuffer, 5, NULL,
                                NULL), STATUS_TIMEOUT);
    Elapsed = KtsMillisecondsSince(Start);
    KT_ASSERT_STATUS(IoStatus.Status, STATUS_TIMEOUT);
    KT_ASSERT_EQ(IoStatus.Information, 0);
    KT_ASSERT(Elapsed >= 145);              /* 10 * 5 + 100 ms, less a tick */
    KT_ASSERT(Elapsed < 2000);
    /* MAXULONG/0/0: return at once with what is there (nothing). */
    KT_ASSERT_STATUS(KtsSetTimeouts(Port, MAXULONG, 0, 0), STATUS_SUCCESS);
    Start = KeQueryInterruptTime();
    KT_ASSERT_STATUS(ZwReadFile(Port->Handle, NULL, NULL, NULL, &IoStatus, KtsBuffer, 5, NULL,
                                NULL), STATUS_SUCCESS);
    KT_ASSERT_EQ(IoStatus.Information, 0);
    KT_ASSERT(KtsMillisecondsSince(Start) < 50);
}

/* Loopback: the bytes written come back through RX interrupts, the ring
 * and the read. */
KTS_TEST(SerialLoopbackEcho, TRUE)
{
    IO_STATUS_BLOCK IoStatus;
    SERIAL_STATUS Status;
    ULONG_PTR Information;
    ULONG Index, Length = sizeof(KtsBuffer);

    KT_ASSERT_STATUS(KtsLoopback(Port, TRUE), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtsSetTimeouts(Port, 0, 0, 3000), STATUS_SUCCESS);
    for (Index = 0; Index < Length; Index++) {
        KtsBuffer[Index] = (UCHAR)(Index * 7 + (Index >> 8));
    }
    /* More than the ring holds comes through because the read drains it. */
    KT_ASSERT_STATUS(ZwWriteFile(Port->Handle, NULL, NULL, NULL, &IoStatus, KtsBuffer, 100, NULL,
                                 NULL), STATUS_SUCCESS);
    KT_ASSERT_EQ(IoStatus.Information, 100);
    RtlZeroMemory(KtsEcho, sizeof(KtsEcho));
    KT_ASSERT_STATUS(ZwReadFile(Port->Handle, NULL, NULL, NULL, &IoStatus, KtsEcho, 100, NULL,
                                NULL), STATUS_SUCCESS);
    KT_ASSERT_EQ(IoStatus.Information, 100);
    KT_ASSERT(RtlCompareMemory(KtsEcho, KtsBuffer, 100) == 100);
    /* Bytes nobody reads yet wait in the ring: GET_COMMSTATUS counts them. */
    KT_ASSERT_STATUS(ZwWriteFile(Port->Handle, NULL, NULL, NULL, &IoStatus, KtsBuffer, 40, NULL,
                                 NULL), STATUS_SUCCESS);
    for (Index = 0; Index < 100; Index++) {
        KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_GET_COMMSTATUS, NULL, 0, &Status,
                                  sizeof(Status), &Information), STATUS_SUCCESS);
        if (Status.AmountInInQueue == 40) {
            break;
        }
        LARGE_INTEGER Delay = {.QuadPart = -10000};
        KeDelayExecutionThread(KernelMode, FALSE, &Delay);
    }
    KT_ASSERT_EQ(Status.AmountInInQueue, 40);
    KT_ASSERT_EQ(Status.AmountInOutQueue, 0);
    KT_ASSERT_EQ(Status.Errors, 0);
    Index = SERIAL_PURGE_RXCLEAR;
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_PURGE, &Index, sizeof(Index), NULL, 0,
                              &Information), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_GET_COMMSTATUS, NULL, 0, &Status,
                              sizeof(Status), &Information), STATUS_SUCCESS);
    KT_ASSERT_EQ(Status.AmountInInQueue, 0);
    /* A large block: written and read by the same thread, one after the
     * other, so it must fit the ring; the UART's own 16 bytes hold the rest. */
    KT_ASSERT_STATUS(ZwWriteFile(Port->Handle, NULL, NULL, NULL, &IoStatus, KtsBuffer, Length,
                                 NULL, NULL), STATUS_SUCCESS);
    KT_ASSERT_EQ(IoStatus.Information, Length);
    KT_ASSERT_STATUS(ZwReadFile(Port->Handle, NULL, NULL, NULL, &IoStatus, KtsEcho, Length, NULL,
                                NULL), STATUS_SUCCESS);
    KT_ASSERT_EQ(IoStatus.Information, Length);
    KT_ASSERT(RtlCompareMemory(KtsEcho, KtsBuffer, Length) == Length);
}

/* The interval timeout: after the first byte, a pause longer than the
 * interval ends the read with what came. */
KTS_TEST(SerialReadIntervalTimeout, TRUE)
{
    IO_STATUS_BLOCK IoStatus;

    KT_ASSERT_STATUS(KtsLoopback(Port, TRUE), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtsSetTimeouts(Port, 50, 0, 0), STATUS_SUCCESS);
    KT_ASSERT_STATUS(ZwWriteFile(Port->Handle, NULL, NULL, NULL, &IoStatus, "abc", 3, NULL, NULL),
                     STATUS_SUCCESS);
    RtlZeroMemory(KtsEcho, 16);
    KT_ASSERT_STATUS(ZwReadFile(Port->Handle, NULL, NULL, NULL, &IoStatus, KtsEcho, 16, NULL,
                                NULL), STATUS_TIMEOUT);
    KT_ASSERT_EQ(IoStatus.Information, 3);
    KT_ASSERT(RtlCompareMemory(KtsEcho, "abc", 3) == 3);
    /* MAXULONG, MAXULONG, constant: returns as soon as one byte is there. */
    KT_ASSERT_STATUS(KtsSetTimeouts(Port, MAXULONG, MAXULONG, 5000), STATUS_SUCCESS);
    KT_ASSERT_STATUS(ZwWriteFile(Port->Handle, NULL, NULL, NULL, &IoStatus, "xy", 2, NULL, NULL),
                     STATUS_SUCCESS);
    KT_ASSERT_STATUS(ZwReadFile(Port->Handle, NULL, NULL, NULL, &IoStatus, KtsEcho, 16, NULL,
                                NULL), STATUS_SUCCESS);
    KT_ASSERT(IoStatus.Information >= 1 && IoStatus.Information <= 2);
    KT_ASSERT_EQ(KtsEcho[0], 'x');
}

/* WAIT_ON_MASK pends until the transmitter has sent everything. */
KTS_TEST(SerialWaitOnMaskTxEmpty, FALSE)
{
    IO_STATUS_BLOCK WaitStatus, IoStatus;
    ULONG_PTR Information;
    ULONG Mask = SERIAL_EV_TXEMPTY, Events = 0;

    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_SET_WAIT_MASK, &Mask, sizeof(Mask), NULL, 0,
                              &Information), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_GET_WAIT_MASK, NULL, 0, &Mask, sizeof(Mask),
                              &Information), STATUS_SUCCESS);
    KT_ASSERT_EQ(Mask, SERIAL_EV_TXEMPTY);
    KT_ASSERT_STATUS(ZwDeviceIoControlFile(Port->Handle, Port->Event, NULL, NULL, &WaitStatus,
                                           IOCTL_SERIAL_WAIT_ON_MASK, NULL, 0, &Events,
                                           sizeof(Events)), STATUS_PENDING);
    KT_ASSERT_STATUS(KtsWait(Port, 100), STATUS_TIMEOUT);       /* nothing sent yet */
    /* A second wait while one is pending is refused. */
    KT_ASSERT_STATUS(ZwDeviceIoControlFile(Port->Handle, NULL, NULL, NULL, &IoStatus,
                                           IOCTL_SERIAL_WAIT_ON_MASK, NULL, 0, &Mask,
                                           sizeof(Mask)), STATUS_INVALID_PARAMETER);
    KT_ASSERT_STATUS(ZwWriteFile(Port->Handle, NULL, NULL, NULL, &IoStatus, KtsBuffer, 64, NULL,
                                 NULL), STATUS_PENDING);
    KT_ASSERT_STATUS(KtsWait(Port, 2000), STATUS_SUCCESS);
    KT_ASSERT_STATUS(WaitStatus.Status, STATUS_SUCCESS);
    KT_ASSERT_EQ(WaitStatus.Information, sizeof(ULONG));
    KT_ASSERT_EQ(Events, SERIAL_EV_TXEMPTY);
    /* Setting a new mask ends a pending wait with no event. */
    KeClearEvent(Port->EventObject);
    Events = 0xFFFF;
    KT_ASSERT_STATUS(ZwDeviceIoControlFile(Port->Handle, Port->Event, NULL, NULL, &WaitStatus,
                                           IOCTL_SERIAL_WAIT_ON_MASK, NULL, 0, &Events,
                                           sizeof(Events)), STATUS_PENDING);
    Mask = SERIAL_EV_RXCHAR;
    KT_ASSERT_STATUS(ZwDeviceIoControlFile(Port->Handle, NULL, NULL, NULL, &IoStatus,
                                           IOCTL_SERIAL_SET_WAIT_MASK, &Mask, sizeof(Mask), NULL,
                                           0), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtsWait(Port, 2000), STATUS_SUCCESS);
    KT_ASSERT_STATUS(WaitStatus.Status, STATUS_SUCCESS);
    KT_ASSERT_EQ(Events, 0);
}

/* WAIT_ON_MASK for RXCHAR completes when the loopback brings a byte. */
KTS_TEST(SerialWaitOnMaskRxChar, FALSE)
{
    IO_STATUS_BLOCK WaitStatus, IoStatus;
    ULONG Mask = SERIAL_EV_RXCHAR, Events = 0;

    KT_ASSERT_STATUS(KtsLoopback(Port, TRUE), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_SET_WAIT_MASK, &Mask, sizeof(Mask), NULL, 0,
                              NULL), STATUS_SUCCESS);
    KT_ASSERT_STATUS(ZwDeviceIoControlFile(Port->Handle, Port->Event, NULL, NULL, &WaitStatus,
                                           IOCTL_SERIAL_WAIT_ON_MASK, NULL, 0, &Events,
                                           sizeof(Events)), STATUS_PENDING);
    KT_ASSERT_STATUS(ZwWriteFile(Port->Handle, NULL, NULL, NULL, &IoStatus, "!", 1, NULL, NULL),
                     STATUS_PENDING);
    KT_ASSERT_STATUS(KtsWait(Port, 2000), STATUS_SUCCESS);
    KT_ASSERT_STATUS(WaitStatus.Status, STATUS_SUCCESS);
    KT_ASSERT((Events & SERIAL_EV_RXCHAR) != 0);
}

/* A pending read completes with STATUS_CANCELLED when its handle closes;
 * so does one ended by PURGE. */
KTS_TEST(SerialCancelOnClose, FALSE)
{
    IO_STATUS_BLOCK ReadStatus, PurgeStatus;
    ULONG Flags = SERIAL_PURGE_RXABORT;

    KT_ASSERT_STATUS(KtsSetTimeouts(Port, 0, 0, 0), STATUS_SUCCESS);    /* wait forever */
    KT_ASSERT_STATUS(ZwReadFile(Port->Handle, Port->Event, NULL, NULL, &ReadStatus, KtsEcho, 10,
                                NULL, NULL), STATUS_PENDING);
    KT_ASSERT_STATUS(KtsWait(Port, 50), STATUS_TIMEOUT);
    KT_ASSERT_STATUS(ZwDeviceIoControlFile(Port->Handle, NULL, NULL, NULL, &PurgeStatus,
                                           IOCTL_SERIAL_PURGE, &Flags, sizeof(Flags), NULL, 0),
                     STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtsWait(Port, 2000), STATUS_SUCCESS);
    KT_ASSERT_STATUS(ReadStatus.Status, STATUS_CANCELLED);
    KT_ASSERT_EQ(ReadStatus.Information, 0);
    KeClearEvent(Port->EventObject);
    KT_ASSERT_STATUS(ZwReadFile(Port->Handle, Port->Event, NULL, NULL, &ReadStatus, KtsEcho, 10,
                                NULL, NULL), STATUS_PENDING);
    KT_ASSERT_STATUS(ZwClose(Port->Handle), STATUS_SUCCESS);
    Port->Handle = NULL;
    KT_ASSERT_STATUS(KtsWait(Port, 2000), STATUS_SUCCESS);
    KT_ASSERT_STATUS(ReadStatus.Status, STATUS_CANCELLED);
    KT_ASSERT_EQ(ReadStatus.Information, 0);
}

/* D3 silences the UART (no interrupt enabled, OUT2 off); D0 programs it
 * again with the port's settings, and it works. */
KTS_TEST(SerialPowerD3SilencesUart, TRUE)
{
    IO_STATUS_BLOCK IoStatus;

    KT_ASSERT(READ_PORT_UCHAR((PUCHAR)(KTS_COM2_PORT + 1)) != 0);      /* IER */
    KT_ASSERT_STATUS(KtsSetPower(Port, PowerDeviceD3), STATUS_SUCCESS);
    KT_ASSERT_EQ(READ_PORT_UCHAR((PUCHAR)(KTS_COM2_PORT + 1)), 0);
    KT_ASSERT_EQ(READ_PORT_UCHAR((PUCHAR)(KTS_COM2_PORT + 4)) & 0x08, 0);  /* MCR.OUT2 */
    KT_ASSERT_STATUS(KtsSetPower(Port, PowerDeviceD0), STATUS_SUCCESS);
    KT_ASSERT(READ_PORT_UCHAR((PUCHAR)(KTS_COM2_PORT + 1)) != 0);
    KT_ASSERT_STATUS(KtsLoopback(Port, TRUE), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtsSetTimeouts(Port, 0, 0, 2000), STATUS_SUCCESS);
    KT_ASSERT_STATUS(ZwWriteFile(Port->Handle, NULL, NULL, NULL, &IoStatus, "D0", 2, NULL, NULL),
                     STATUS_SUCCESS);
    KT_ASSERT_STATUS(ZwReadFile(Port->Handle, NULL, NULL, NULL, &IoStatus, KtsEcho, 2, NULL,
                                NULL), STATUS_SUCCESS);
    KT_ASSERT_EQ(IoStatus.Information, 2);
    KT_ASSERT(RtlCompareMemory(KtsEcho, "D0", 2) == 2);
}
