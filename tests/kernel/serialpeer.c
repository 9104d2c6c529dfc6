/*
 * tests/kernel/serialpeer.c - the serial driver against a real client:
 * tests/serial_peer.py on the host, at the other end of QEMU's COM2.
 *
 * The boot that has the peer (tests/run-all.py's "serial-peer" boot) says
 * "serialpeer" on the command line and connects COM2 to the peer's Unix
 * socket (KESTREL_COM2=unix:... for tests/qemu.sh). The exchange:
 *   1. the peer is silent: a read with a 200 ms total timeout returns
 *      STATUS_TIMEOUT and no bytes;
 *   2. the kernel sends a marker line (KTS_PEER_MARKER: firmware may have
 *      written to COM2 before the kernel ran, and the peer skips that),
 *      then 1 MiB of the xorshift32 stream seeded
 *      KTS_PEER_SEED_OUT; the peer checks it byte for byte and prints its
 *      CRC-32;
 *   3. the kernel waits (WAIT_ON_MASK, SERIAL_EV_RXCHAR) for the peer's
 *      answer, which starts 300 ms after the last byte came in;
 *   4. the peer sends 1 MiB of the stream seeded KTS_PEER_SEED_IN; the
 *      kernel checks it byte for byte and prints its CRC-32;
 *   5. the peer is done and silent: a read with no timeout stays pending on
 *      an asynchronous handle until the handle closes, and then completes
 *      with STATUS_CANCELLED and no bytes (cleanup cancels it).
 * Both sides print the CRC-32 of both streams, and the throughput each
 * way (KeQueryPerformanceCounter) and the UART interrupts per KiB moved
 * (counted by the ISR) are printed on a SERIAL-PEER line.
 *
 * Without "serialpeer" COM2 is QEMU's null device: the test still sends
 * 64 KiB (all must be reported written) and checks the read timeout, and
 * says that the receive half needs the peer.
 */
#include "tests/kernel/serialtest.h"
#include "kernel/ke/ki.h"

#define KTS_PEER_BYTES (1024 * 1024)
#define KTS_NULL_BYTES (64 * 1024)
#define KTS_PEER_SEED_OUT 0x1234567u
#define KTS_PEER_SEED_IN 0x89ABCDEFu
#define KTS_PEER_CHUNK 4096
#define KTS_PEER_MARKER "\nKESTREL-SERIAL-PEER-BEGIN\n"

static UCHAR KtsPeerBuffer[KTS_PEER_CHUNK];

/* The stream both sides generate: xorshift32, one byte per step. */
static UCHAR
KtsNextByte(PULONG State)
{
    ULONG X = *State;

    X ^= X << 13;
    X ^= X >> 17;
    X ^= X << 5;
    *State = X;
    return (UCHAR)X;
}

/* CRC-32 (IEEE 802.3, reflected, as zlib.crc32), bit by bit. */
static ULONG
KtsCrc32(ULONG Crc, const UCHAR *Data, ULONG Length)
{
    ULONG Index, Bit;

    Crc = ~Crc;
    for (Index = 0; Index < Length; Index++) {
        Crc ^= Data[Index];
        for (Bit = 0; Bit < 8; Bit++) {
            Crc = (Crc >> 1) ^ (0xEDB88320u & (0u - (Crc & 1)));
        }
    }
    return ~Crc;
}

/* Bytes per second from a performance-counter interval. */
static ULONG64
KtsRate(ULONG64 Bytes, LONGLONG Ticks, LONGLONG Frequency)
{
    return Ticks > 0 ? Bytes * (ULONG64)Frequency / (ULONG64)Ticks : 0;
}

KTS_BODY(SerialEchoWithPeerBody)
{
    BOOLEAN Peer = KiCommandLineHasWord("serialpeer");
    ULONG Total = Peer ? KTS_PEER_BYTES : KTS_NULL_BYTES;
    LARGE_INTEGER Frequency, Start, End;
    IO_STATUS_BLOCK IoStatus, WaitStatus;
    ULONG64 IrqBefore, TxIrqs, RxIrqs;
    LONGLONG TxTicks, RxTicks;
    ULONG State, Crc, Done, Chunk, Index, Mask, Events = 0;
    ULONGLONG WaitStart;

    /* 1. Nobody talks yet: the total timeout ends the read. */
    KT_ASSERT_STATUS(KtsSetTimeouts(Port, 0, 0, 200), STATUS_SUCCESS);
    IoStatus.Information = 99;
    KT_ASSERT_STATUS(ZwReadFile(Port->Handle, NULL, NULL, NULL, &IoStatus, KtsPeerBuffer, 16,
                                NULL, NULL), STATUS_TIMEOUT);
    KT_ASSERT_EQ(IoStatus.Information, 0);

    /* 2. Send the marker, then the outbound stream. */
    KT_ASSERT_STATUS(ZwWriteFile(Port->Handle, NULL, NULL, NULL, &IoStatus, KTS_PEER_MARKER,
                                 sizeof(KTS_PEER_MARKER) - 1, NULL, NULL), STATUS_SUCCESS);
    KT_ASSERT_EQ(IoStatus.Information, sizeof(KTS_PEER_MARKER) - 1);
    State = KTS_PEER_SEED_OUT;
    Crc = 0;
    IrqBefore = KtsInterruptCount(Port);
    Start = KeQueryPerformanceCounter(&Frequency);
    for (Done = 0; Done < Total; Done += Chunk) {
        Chunk = Total - Done < KTS_PEER_CHUNK ? Total - Done : KTS_PEER_CHUNK;
        for (Index = 0; Index < Chunk; Index++) {
            KtsPeerBuffer[Index] = KtsNextByte(&State);
        }
        Crc = KtsCrc32(Crc, KtsPeerBuffer, Chunk);
        KT_ASSERT_STATUS(ZwWriteFile(Port->Handle, NULL, NULL, NULL, &IoStatus, KtsPeerBuffer,
                                     Chunk, NULL, NULL), STATUS_SUCCESS);
        KT_ASSERT_EQ(IoStatus.Information, Chunk);
    }
    End = KeQueryPerformanceCounter(NULL);
    TxTicks = End.QuadPart - Start.QuadPart;
    TxIrqs = KtsInterruptCount(Port) - IrqBefore;
    DbgPrint("SERIAL-PEER sent %u bytes, crc32 0x%08x, %llu bytes/s, %llu.%02llu interrupts/KiB\n",
             Total, Crc, KtsRate(Total, TxTicks, Frequency.QuadPart),
             TxIrqs * 1024 / Total, (TxIrqs * 102400 / Total) % 100);
    if (!Peer) {
        DbgPrint("SERIAL-PEER no peer on COM2 (boot with serialpeer and tests/serial_peer.py "
                 "for the receive half)\n");
        return;
    }

    /* 3. Wait for the answer to begin. */
    Mask = SERIAL_EV_RXCHAR;
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_SET_WAIT_MASK, &Mask, sizeof(Mask), NULL, 0,
                              NULL), STATUS_SUCCESS);
    /* The handle is synchronous: the call returns when the wait ends,
     * which is when the peer's first byte comes, 300 ms after our last. */
    WaitStart = KeQueryInterruptTime();
    KT_ASSERT_STATUS(ZwDeviceIoControlFile(Port->Handle, NULL, NULL, NULL, &WaitStatus,
                                           IOCTL_SERIAL_WAIT_ON_MASK, NULL, 0, &Events,
                                           sizeof(Events)), STATUS_SUCCESS);
    KT_ASSERT_EQ(WaitStatus.Information, sizeof(ULONG));
    KT_ASSERT_EQ(Events, SERIAL_EV_RXCHAR);
    KT_ASSERT((KeQueryInterruptTime() - WaitStart) / 10000 >= 100);

    /* 4. Receive the inbound stream, byte for byte. */
    KT_ASSERT_STATUS(KtsSetTimeouts(Port, 0, 0, 20000), STATUS_SUCCESS);
    State = KTS_PEER_SEED_IN;
    Crc = 0;
    IrqBefore = KtsInterruptCount(Port);
    Start = KeQueryPerformanceCounter(NULL);
    for (Done = 0; Done < Total; Done += Chunk) {
        Chunk = Total - Done < KTS_PEER_CHUNK ? Total - Done : KTS_PEER_CHUNK;
        KT_ASSERT_STATUS(ZwReadFile(Port->Handle, NULL, NULL, NULL, &IoStatus, KtsPeerBuffer,
                                    Chunk, NULL, NULL), STATUS_SUCCESS);
        KT_ASSERT_EQ(IoStatus.Information, Chunk);
        for (Index = 0; Index < Chunk; Index++) {
            UCHAR Expected = KtsNextByte(&State);
            if (KtsPeerBuffer[Index] != Expected) {
                KtFail(KtContext, __FILE__, __LINE__, "byte %u is 0x%02x, the peer's stream has 0x%02x",
                       Done + Index, KtsPeerBuffer[Index], Expected);
                return;
            }
        }
        Crc = KtsCrc32(Crc, KtsPeerBuffer, Chunk);
    }
    End = KeQueryPerformanceCounter(NULL);
    RxTicks = End.QuadPart - Start.QuadPart;
    RxIrqs = KtsInterruptCount(Port) - IrqBefore;
    DbgPrint("SERIAL-PEER received %u bytes, crc32 0x%08x, %llu bytes/s, %llu.%02llu "
             "interrupts/KiB\n", Total, Crc, KtsRate(Total, RxTicks, Frequency.QuadPart),
             RxIrqs * 1024 / Total, (RxIrqs * 102400 / Total) % 100);
}

/* 5. A read the peer never answers, cancelled by closing its handle. */
KTS_BODY(SerialCancelOnCloseWithPeerBody)
{
    IO_STATUS_BLOCK ReadStatus;

    KT_ASSERT_STATUS(KtsSetTimeouts(Port, 0, 0, 0), STATUS_SUCCESS);    /* wait forever */
    ReadStatus.Information = 99;
    KT_ASSERT_STATUS(ZwReadFile(Port->Handle, Port->Event, NULL, NULL, &ReadStatus,
                                KtsPeerBuffer, 16, NULL, NULL), STATUS_PENDING);
    KT_ASSERT_STATUS(KtsWait(Port, 300), STATUS_TIMEOUT);
    KT_ASSERT_STATUS(ZwClose(Port->Handle), STATUS_SUCCESS);
    Port->Handle = NULL;
    KT_ASSERT_STATUS(KtsWait(Port, 2000), STATUS_SUCCESS);
    KT_ASSERT_STATUS(ReadStatus.Status, STATUS_CANCELLED);
    KT_ASSERT_EQ(ReadStatus.Information, 0);
    DbgPrint("SERIAL-PEER a read left pending ended with 0x%08x and %llu bytes when its handle "
             "closed\n", (ULONG)ReadStatus.Status, (ULONGLONG)ReadStatus.Information);
}

KTEST(SerialEchoWithPeer)
{
    KTS_PORT Port;

    KT_ASSERT_STATUS(KtsSetUp(&Port, TRUE), STATUS_SUCCESS);
    SerialEchoWithPeerBody(KtContext, &Port);
    KtsTearDown(&Port);
    if (KtContext->Failed) {
        return;
    }
    KT_ASSERT_STATUS(KtsSetUp(&Port, FALSE), STATUS_SUCCESS);
    SerialCancelOnCloseWithPeerBody(KtContext, &Port);
    KtsTearDown(&Port);
}
