/*
 * tests/kernel/serialctl.c - the rest of what a Win32 client asks of a
 * serial port, on QEMU's COM2 in loopback (MCR bit 4; serialflow.c says
 * what QEMU does then): TransmitCommChar's IOCTL_SERIAL_IMMEDIATE_CHAR,
 * the event character and null stripping, the statistics
 * (IOCTL_SERIAL_GET/CLEAR_STATS) and SetupComm's
 * IOCTL_SERIAL_SET_QUEUE_SIZE.
 */
#include "tests/kernel/serialtest.h"
#include "kernel/mm/pool.h"
#include "drivers/serial/serial.h"

static IO_STATUS_BLOCK KtsCtlIo[4];
static UCHAR KtsCtlEcho[64];

/* The immediate character goes right behind the write being sent, ahead
 * of the writes queued after it; one at a time. A CTS handshake with RTS
 * off holds everything until the test has queued it all. */
KTS_TEST(SerialImmediateCharGoesAheadOfQueuedWrites, FALSE)
{
    UCHAR Immediate = 'Z';
    SERIAL_STATUS Status;
    ULONG_PTR Information;

    KT_ASSERT_STATUS(KtsLoopback(Port, TRUE), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtsSetHandFlow(Port, SERIAL_DTR_CONTROL | SERIAL_CTS_HANDSHAKE,
                                    SERIAL_RTS_CONTROL, 16, 16), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_CLR_RTS, NULL, 0, NULL, 0, NULL), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtsStartWrite(Port, "abc", 3, &KtsCtlIo[0]), STATUS_PENDING);
    KT_ASSERT_STATUS(KtsStartWrite(Port, "def", 3, &KtsCtlIo[1]), STATUS_PENDING);
    KT_ASSERT_STATUS(KtsStartIoctl(Port, IOCTL_SERIAL_IMMEDIATE_CHAR, &Immediate, 1, NULL, 0,
                                   &KtsCtlIo[2]), STATUS_PENDING);
    /* A second one while the first waits; one with no byte at all. */
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_IMMEDIATE_CHAR, &Immediate, 1, NULL, 0,
                              &Information), STATUS_INVALID_PARAMETER);
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_IMMEDIATE_CHAR, &Immediate, 0, NULL, 0,
                              &Information), STATUS_BUFFER_TOO_SMALL);
    KT_ASSERT_STATUS(KtsCommStatus(Port, &Status), STATUS_SUCCESS);
    KT_ASSERT_EQ(Status.HoldReasons, SERIAL_TX_WAITING_FOR_CTS);
    KT_ASSERT_EQ(Status.AmountInOutQueue, 7);
    KT_ASSERT_EQ(Status.WaitForImmediate, TRUE);
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_SET_RTS, NULL, 0, NULL, 0, NULL), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtsAwait(&KtsCtlIo[1], 2000), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtsAwait(&KtsCtlIo[0], 10), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtsAwait(&KtsCtlIo[2], 10), STATUS_SUCCESS);
    KT_ASSERT_EQ(KtsCtlIo[2].Information, 1);
    KT_ASSERT(KtsWaitInQueue(Port, 7, 2000, &Status));
    KT_ASSERT_EQ(Status.WaitForImmediate, FALSE);
    KT_ASSERT_STATUS(KtsSetTimeouts(Port, MAXULONG, 0, 0), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtsRead(Port, KtsCtlEcho, 16, 1000, &KtsCtlIo[3]), STATUS_SUCCESS);
    KT_ASSERT_EQ(KtsCtlIo[3].Information, 7);
    KT_ASSERT(RtlCompareMemory(KtsCtlEcho, "abcZdef", 7) == 7);
}

/* SERIAL_EV_RXFLAG comes with the event character, not before; null
 * stripping drops NULs from what is received. */
KTS_TEST(SerialEventCharAndNullStripping, FALSE)
{
    SERIAL_CHARS Chars = {0, 0, 0, '!', 0x11, 0x13};
    ULONG Mask = SERIAL_EV_RXFLAG, Events = 0;
    SERIAL_STATUS Status;

    KT_ASSERT_STATUS(KtsLoopback(Port, TRUE), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_SET_CHARS, &Chars, sizeof(Chars), NULL, 0, NULL),
                     STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_SET_WAIT_MASK, &Mask, sizeof(Mask), NULL, 0,
                              NULL), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtsStartIoctl(Port, IOCTL_SERIAL_WAIT_ON_MASK, NULL, 0, &Events,
                                   sizeof(Events), &KtsCtlIo[0]), STATUS_PENDING);
    KT_ASSERT(NT_SUCCESS(KtsStartWrite(Port, "ab", 2, &KtsCtlIo[1])));
    KT_ASSERT(KtsWaitInQueue(Port, 2, 2000, &Status));
    KT_ASSERT_STATUS(KtsAwait(&KtsCtlIo[0], 50), STATUS_PENDING);
    KT_ASSERT(NT_SUCCESS(KtsStartWrite(Port, "c!", 2, &KtsCtlIo[1])));
    KT_ASSERT_STATUS(KtsAwait(&KtsCtlIo[0], 2000), STATUS_SUCCESS);
    KT_ASSERT_EQ(Events, SERIAL_EV_RXFLAG);
    Mask = SERIAL_PURGE_RXCLEAR;
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_PURGE, &Mask, sizeof(Mask), NULL, 0, NULL),
                     STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtsSetHandFlow(Port, SERIAL_DTR_CONTROL,
                                    SERIAL_RTS_CONTROL | SERIAL_NULL_STRIPPING, 16, 16),
                     STATUS_SUCCESS);
    KT_ASSERT(NT_SUCCESS(KtsStartWrite(Port, "x\0y\0\0z", 6, &KtsCtlIo[1])));
    KT_ASSERT_STATUS(KtsAwait(&KtsCtlIo[1], 2000), STATUS_SUCCESS);
    KT_ASSERT(KtsWaitInQueue(Port, 3, 2000, &Status));
    KT_ASSERT_STATUS(KtsSetTimeouts(Port, MAXULONG, 0, 0), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtsRead(Port, KtsCtlEcho, 16, 1000, &KtsCtlIo[3]), STATUS_SUCCESS);
    KT_ASSERT_EQ(KtsCtlIo[3].Information, 3);
    KT_ASSERT(RtlCompareMemory(KtsCtlEcho, "xyz", 3) == 3);
}

/* SERIALPERF_STATS count from the open and from CLEAR_STATS. */
KTS_TEST(SerialStatsCountTheTraffic, TRUE)
{
    static UCHAR Data[300];
    SERIALPERF_STATS Stats;
    IO_STATUS_BLOCK IoStatus;
    ULONG_PTR Information;
    ULONG Index;

    /* Opened just now: nothing counted yet. */
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_GET_STATS, NULL, 0, &Stats, sizeof(Stats),
                              &Information), STATUS_SUCCESS);
    KT_ASSERT_EQ(Information, sizeof(SERIALPERF_STATS));
    KT_ASSERT_EQ(Stats.ReceivedCount, 0);
    KT_ASSERT_EQ(Stats.TransmittedCount, 0);
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_GET_STATS, NULL, 0, &Stats, sizeof(Stats) - 1,
                              &Information), STATUS_BUFFER_TOO_SMALL);
    for (Index = 0; Index < sizeof(Data); Index++) {
        Data[Index] = (UCHAR)(Index * 13);
    }
    KT_ASSERT_STATUS(KtsLoopback(Port, TRUE), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtsSetTimeouts(Port, 0, 0, 2000), STATUS_SUCCESS);
    KT_ASSERT_STATUS(ZwWriteFile(Port->Handle, NULL, NULL, NULL, &IoStatus, Data, sizeof(Data),
                                 NULL, NULL), STATUS_SUCCESS);
    KT_ASSERT_STATUS(ZwReadFile(Port->Handle, NULL, NULL, NULL, &IoStatus, Data, sizeof(Data),
                                NULL, NULL), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_GET_STATS, NULL, 0, &Stats, sizeof(Stats),
                              &Information), STATUS_SUCCESS);
    KT_ASSERT_EQ(Stats.TransmittedCount, 300);
    KT_ASSERT_EQ(Stats.ReceivedCount, 300);
    KT_ASSERT_EQ(Stats.FrameErrorCount, 0);
    KT_ASSERT_EQ(Stats.SerialOverrunErrorCount, 0);
    KT_ASSERT_EQ(Stats.BufferOverrunErrorCount, 0);
    KT_ASSERT_EQ(Stats.ParityErrorCount, 0);
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_CLEAR_STATS, NULL, 0, NULL, 0, &Information),
                     STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_GET_STATS, NULL, 0, &Stats, sizeof(Stats),
                              &Information), STATUS_SUCCESS);
    KT_ASSERT_EQ(Stats.TransmittedCount, 0);
    KT_ASSERT_EQ(Stats.ReceivedCount, 0);
}

/* SetupComm: the receive buffer grows (to a power of two) and keeps what
 * it held, never shrinks, and holds more than the old size; the old
 * storage goes back to the pool. On a private stack, so the PnP manager's
 * COM2 keeps its 16 KiB. */
KTS_PRIVATE_TEST(SerialQueueSizeGrowsTheReceiveBuffer, TRUE)
{
    const ULONG Big = 30000;
    SERIAL_QUEUE_SIZE Size = {40000, 0};
    SERIAL_COMMPROP Properties;
    EXP_POOL_TAG_INFO Before, After;
    SERIAL_STATUS Status;
    IO_STATUS_BLOCK IoStatus;
    PUCHAR Data = NULL, Echo = NULL;
    ULONG Index;
    BOOLEAN Passed = FALSE;

    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_GET_PROPERTIES, NULL, 0, &Properties,
                              sizeof(Properties), NULL), STATUS_SUCCESS);
    KT_ASSERT_EQ(Properties.CurrentRxQueue, 16384);
    KT_ASSERT_EQ(Properties.MaxRxQueue, SERIAL_RX_RING_MAX);
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_SET_QUEUE_SIZE, &Size, sizeof(Size) - 1, NULL,
                              0, NULL), STATUS_BUFFER_TOO_SMALL);
    Size.InSize = 2 * SERIAL_RX_RING_MAX;
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_SET_QUEUE_SIZE, &Size, sizeof(Size), NULL, 0,
                              NULL), STATUS_INVALID_PARAMETER);
    /* A limit past 16 KiB is refused now, accepted once the ring is 64 KiB. */
    KT_ASSERT_STATUS(KtsSetHandFlow(Port, SERIAL_DTR_CONTROL, SERIAL_RTS_CONTROL, 16, 40000),
                     STATUS_INVALID_PARAMETER);
    KT_ASSERT_STATUS(KtsLoopback(Port, TRUE), STATUS_SUCCESS);
    KT_ASSERT_STATUS(ZwWriteFile(Port->Handle, NULL, NULL, NULL, &IoStatus, "kept", 4, NULL,
                                 NULL), STATUS_SUCCESS);
    KT_ASSERT(KtsWaitInQueue(Port, 4, 2000, &Status));
    ExpQueryPoolTag(SERIAL_POOL_TAG, &Before);
    Size.InSize = 40000;
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_SET_QUEUE_SIZE, &Size, sizeof(Size), NULL, 0,
                              NULL), STATUS_SUCCESS);
    ExpQueryPoolTag(SERIAL_POOL_TAG, &After);
    KT_ASSERT_EQ(After.BytesOutstanding, Before.BytesOutstanding + 65536 - 16384);
    KT_ASSERT_EQ(After.Allocations - After.Frees, Before.Allocations - Before.Frees);
    Size.InSize = 1000;
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_SET_QUEUE_SIZE, &Size, sizeof(Size), NULL, 0,
                              NULL), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_GET_PROPERTIES, NULL, 0, &Properties,
                              sizeof(Properties), NULL), STATUS_SUCCESS);
    KT_ASSERT_EQ(Properties.CurrentRxQueue, 65536);
    KT_ASSERT(KtsWaitInQueue(Port, 4, 10, &Status));
    KT_ASSERT_STATUS(KtsSetHandFlow(Port, SERIAL_DTR_CONTROL, SERIAL_RTS_CONTROL, 16, 40000),
                     STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtsDefaultFlow(Port), STATUS_SUCCESS);
    /* 30000 more bytes with nobody reading: the new ring holds them all. */
    Data = ExAllocatePool2(POOL_FLAG_NON_PAGED, Big, 'tseT');
    Echo = ExAllocatePool2(POOL_FLAG_NON_PAGED, Big + 4, 'tseT');
    if (Data != NULL && Echo != NULL) {
        for (Index = 0; Index < Big; Index++) {
            Data[Index] = (UCHAR)(Index ^ (Index >> 7));
        }
        if (NT_SUCCESS(ZwWriteFile(Port->Handle, NULL, NULL, NULL, &IoStatus, Data, Big, NULL,
                                   NULL)) &&
            KtsWaitInQueue(Port, Big + 4, 5000, &Status) &&
            NT_SUCCESS(KtsSetTimeouts(Port, 0, 0, 2000)) &&
            NT_SUCCESS(ZwReadFile(Port->Handle, NULL, NULL, NULL, &IoStatus, Echo, Big + 4, NULL,
                                  NULL)) &&
            IoStatus.Information == Big + 4 && RtlCompareMemory(Echo, "kept", 4) == 4 &&
            RtlCompareMemory(Echo + 4, Data, Big) == Big) {
            Passed = TRUE;
        }
    }
    if (Data != NULL) {
        ExFreePoolWithTag(Data, 'tseT');
    }
    if (Echo != NULL) {
        ExFreePoolWithTag(Echo, 'tseT');
    }
    KT_ASSERT(Passed);
}
