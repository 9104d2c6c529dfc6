/*
 * tests/kernel/serialflow.c - handshake and flow control on QEMU's COM2:
 * IOCTL_SERIAL_SET/GET_HANDFLOW and SET/GET_CHARS checked as serial.sys
 * checks them, DTR and RTS driven by their modes, and the holds proven on
 * the wire.
 *
 * The proof uses the 16550's internal loopback (MCR bit 4; PC16550D 8.8):
 * the modem outputs feed the modem inputs, RTS -> CTS, DTR -> DSR,
 * OUT1 -> RI, OUT2 -> DCD, and what is sent comes back as received. QEMU
 * 7.2's serial.c computes MSR from MCR that way in loopback (and raises no
 * modem-status interrupt for it, which is why the driver reads MSR again
 * after each MCR change). So dropping RTS must hold a CTS-handshaking
 * transmitter, raising it must release it, and bytes that came back are
 * bytes that left. DCD cannot be dropped in loopback (OUT2 also gates the
 * interrupt line), so the DCD handshake shares the CTS/DSR code but has no
 * test of its own on the wire.
 */
#include "tests/kernel/serialtest.h"

static IO_STATUS_BLOCK KtsFlowIo[4];
static UCHAR KtsFlowData[256];
static UCHAR KtsFlowEcho[256];

/* The modem control register, as the chip holds it. */
static UCHAR
KtsMcr(VOID)
{
    return READ_PORT_UCHAR((PUCHAR)(KTS_COM2_PORT + 4));
}

/* Reads Length bytes, waiting at most 2 s. */
static NTSTATUS
KtsReadExactly(PKTS_PORT Port, PVOID Buffer, ULONG Length, PULONG_PTR Got)
{
    NTSTATUS Status;

    Status = KtsSetTimeouts(Port, 0, 0, 2000);
    if (NT_SUCCESS(Status)) {
        Status = KtsRead(Port, Buffer, Length, 3000, &KtsFlowIo[3]);
        *Got = KtsFlowIo[3].Information;
    }
    return Status;
}

/* SERIAL_HANDFLOW and SERIAL_CHARS: what is refused leaves the settings as
 * they were; what is accepted comes back from GET. */
KTS_TEST(SerialHandFlowIsCheckedAsSerialSysDoes, TRUE)
{
    static const SERIAL_HANDFLOW Bad[] = {
        {0x00000004, SERIAL_RTS_CONTROL, 0, 0},        /* reserved ControlHandShake bit */
        {0x00000080, SERIAL_RTS_CONTROL, 0, 0},
        {0x00010000, SERIAL_RTS_CONTROL, 0, 0},
        {SERIAL_DTR_CONTROL | SERIAL_DTR_HANDSHAKE, 0, 0, 0},  /* both DTR modes */
        {SERIAL_DTR_CONTROL, 0x00000020, 0, 0},        /* reserved FlowReplace bit */
        {SERIAL_DTR_CONTROL, 0x00000100, 0, 0},
        {SERIAL_DTR_CONTROL, SERIAL_RTS_CONTROL, -1, 0},
        {SERIAL_DTR_CONTROL, SERIAL_RTS_CONTROL, 0, -1},
        {SERIAL_DTR_CONTROL, SERIAL_RTS_CONTROL, 16385, 0},    /* past the 16 KiB ring */
        {SERIAL_DTR_CONTROL, SERIAL_RTS_CONTROL, 0, 16385},
    };
    SERIAL_HANDFLOW All = {SERIAL_DTR_HANDSHAKE | SERIAL_OUT_HANDSHAKEMASK |
                               SERIAL_DSR_SENSITIVITY | SERIAL_ERROR_ABORT,
                           SERIAL_AUTO_TRANSMIT | SERIAL_AUTO_RECEIVE | SERIAL_ERROR_CHAR |
                               SERIAL_NULL_STRIPPING | SERIAL_BREAK_CHAR |
                               SERIAL_TRANSMIT_TOGGLE | SERIAL_XOFF_CONTINUE,
                           16384, 0};
    SERIAL_CHARS Chars = {0x1A, '?', 0xBB, '!', 0x11, 0x11};
    SERIAL_HANDFLOW HandFlow;
    ULONG_PTR Information;
    ULONG Index;

    for (Index = 0; Index < sizeof(Bad) / sizeof(Bad[0]); Index++) {
        HandFlow = Bad[Index];
        KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_SET_HANDFLOW, &HandFlow, sizeof(HandFlow),
                                  NULL, 0, &Information), STATUS_INVALID_PARAMETER);
        KT_ASSERT_EQ(Information, 0);
    }
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_SET_HANDFLOW, &All, sizeof(All) - 1, NULL, 0,
                              &Information), STATUS_BUFFER_TOO_SMALL);
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_GET_HANDFLOW, NULL, 0, &HandFlow,
                              sizeof(HandFlow) - 1, &Information), STATUS_BUFFER_TOO_SMALL);
    KT_ASSERT_EQ(Information, 0);
    /* Nothing refused changed anything: still KtsSetUp's defaults. */
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_GET_HANDFLOW, NULL, 0, &HandFlow,
                              sizeof(HandFlow), &Information), STATUS_SUCCESS);
    KT_ASSERT_EQ(Information, sizeof(SERIAL_HANDFLOW));
    KT_ASSERT_EQ(HandFlow.ControlHandShake, SERIAL_DTR_CONTROL);
    KT_ASSERT_EQ(HandFlow.FlowReplace, SERIAL_RTS_CONTROL);
    KT_ASSERT_EQ(HandFlow.XonLimit, 1024);
    KT_ASSERT_EQ(HandFlow.XoffLimit, 1024);
    /* Every flag at once (QEMU's null port has CTS, DSR and DCD on, so
     * nothing is held), then back. */
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_SET_HANDFLOW, &All, sizeof(All), NULL, 0,
                              &Information), STATUS_SUCCESS);
    RtlZeroMemory(&HandFlow, sizeof(HandFlow));
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_GET_HANDFLOW, NULL, 0, &HandFlow,
                              sizeof(HandFlow), &Information), STATUS_SUCCESS);
    KT_ASSERT(RtlCompareMemory(&HandFlow, &All, sizeof(All)) == sizeof(All));
    KT_ASSERT_STATUS(KtsDefaultFlow(Port), STATUS_SUCCESS);

    /* SERIAL_CHARS: XON equal to XOFF is refused. */
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_SET_CHARS, &Chars, sizeof(Chars), NULL, 0,
                              &Information), STATUS_INVALID_PARAMETER);
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_SET_CHARS, &Chars, sizeof(Chars) - 1, NULL, 0,
                              &Information), STATUS_BUFFER_TOO_SMALL);
    Chars.XoffChar = 0x13;
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_SET_CHARS, &Chars, sizeof(Chars), NULL, 0,
                              &Information), STATUS_SUCCESS);
    RtlZeroMemory(&Chars, sizeof(Chars));
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_GET_CHARS, NULL, 0, &Chars, sizeof(Chars) - 1,
                              &Information), STATUS_BUFFER_TOO_SMALL);
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_GET_CHARS, NULL, 0, &Chars, sizeof(Chars),
                              &Information), STATUS_SUCCESS);
    KT_ASSERT_EQ(Information, sizeof(SERIAL_CHARS));
    KT_ASSERT_EQ(Chars.EofChar, 0x1A);
    KT_ASSERT_EQ(Chars.ErrorChar, '?');
    KT_ASSERT_EQ(Chars.BreakChar, 0xBB);
    KT_ASSERT_EQ(Chars.EventChar, '!');
    KT_ASSERT_EQ(Chars.XonChar, 0x11);
    KT_ASSERT_EQ(Chars.XoffChar, 0x13);
}

/* DTR and RTS follow their modes in MCR; a line a handshake drives cannot
 * be set by hand; transmit toggle raises RTS only while sending. */
KTS_TEST(SerialDtrRtsModesDriveMcr, FALSE)
{
    ULONG_PTR Information;
    ULONG Lines;

    KT_ASSERT_STATUS(KtsSetHandFlow(Port, 0, 0, 16, 16), STATUS_SUCCESS);
    KT_ASSERT_EQ(KtsMcr() & 0x03, 0);
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_GET_DTRRTS, NULL, 0, &Lines, sizeof(Lines),
                              &Information), STATUS_SUCCESS);
    KT_ASSERT_EQ(Lines, 0);
    KT_ASSERT_STATUS(KtsSetHandFlow(Port, SERIAL_DTR_CONTROL, SERIAL_RTS_CONTROL, 16, 16),
                     STATUS_SUCCESS);
    KT_ASSERT_EQ(KtsMcr() & 0x03, 0x03);
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_CLR_DTR, NULL, 0, NULL, 0, NULL), STATUS_SUCCESS);
    KT_ASSERT_EQ(KtsMcr() & 0x03, SERIAL_RTS_STATE);
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_SET_DTR, NULL, 0, NULL, 0, NULL), STATUS_SUCCESS);
    /* Handshake: the driver owns the lines, and with the ring empty they are on. */
    KT_ASSERT_STATUS(KtsSetHandFlow(Port, SERIAL_DTR_HANDSHAKE, SERIAL_RTS_HANDSHAKE, 16, 16),
                     STATUS_SUCCESS);
    KT_ASSERT_EQ(KtsMcr() & 0x03, 0x03);
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_CLR_DTR, NULL, 0, NULL, 0, NULL),
                     STATUS_INVALID_PARAMETER);
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_SET_RTS, NULL, 0, NULL, 0, NULL),
                     STATUS_INVALID_PARAMETER);
    KT_ASSERT_EQ(KtsMcr() & 0x03, 0x03);
    /* Transmit toggle: RTS off while idle. In loopback with a CTS
     * handshake, bytes can only leave if RTS (looped to CTS) went on for
     * them; after the last one RTS goes off again. */
    KT_ASSERT_STATUS(KtsLoopback(Port, TRUE), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtsSetHandFlow(Port, SERIAL_DTR_CONTROL | SERIAL_CTS_HANDSHAKE,
                                    SERIAL_TRANSMIT_TOGGLE, 16, 16), STATUS_SUCCESS);
    KT_ASSERT_EQ(KtsMcr() & 0x03, SERIAL_DTR_STATE);
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_SET_RTS, NULL, 0, NULL, 0, NULL),
                     STATUS_INVALID_PARAMETER);
    KT_ASSERT(NT_SUCCESS(KtsStartWrite(Port, "toggle", 6, &KtsFlowIo[0])));
    KT_ASSERT_STATUS(KtsAwait(&KtsFlowIo[0], 2000), STATUS_SUCCESS);
    KT_ASSERT_EQ(KtsFlowIo[0].Information, 6);
    KT_ASSERT_STATUS(KtsReadExactly(Port, KtsFlowEcho, 6, &Information), STATUS_SUCCESS);
    KT_ASSERT(RtlCompareMemory(KtsFlowEcho, "toggle", 6) == 6);
    for (Lines = 0; Lines < 200 && (KtsMcr() & SERIAL_RTS_STATE) != 0; Lines++) {
        KtsSleep(1);
    }
    KT_ASSERT_EQ(KtsMcr() & 0x03, SERIAL_DTR_STATE);
}

/* The output handshakes in loopback: with CTS (or DSR) off a write waits,
 * GET_COMMSTATUS says why, and it goes when the line comes back. DSR
 * sensitivity drops what arrives while DSR is off. */
KTS_TEST(SerialOutputHandshakesHoldTheTransmitter, FALSE)
{
    SERIAL_STATUS Status;
    ULONG_PTR Information;
    ULONG Modem;

    KT_ASSERT_STATUS(KtsLoopback(Port, TRUE), STATUS_SUCCESS);
    /* CTS: RTS off makes CTS off. */
    KT_ASSERT_STATUS(KtsSetHandFlow(Port, SERIAL_DTR_CONTROL | SERIAL_CTS_HANDSHAKE,
                                    SERIAL_RTS_CONTROL, 16, 16), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_CLR_RTS, NULL, 0, NULL, 0, NULL), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_GET_MODEMSTATUS, NULL, 0, &Modem, sizeof(Modem),
                              &Information), STATUS_SUCCESS);
    KT_ASSERT_EQ(Modem & SERIAL_CTS_STATE, 0);
    KT_ASSERT_STATUS(KtsStartWrite(Port, "hold", 4, &KtsFlowIo[0]), STATUS_PENDING);
    KT_ASSERT_STATUS(KtsAwait(&KtsFlowIo[0], 100), STATUS_PENDING);
    KT_ASSERT_STATUS(KtsCommStatus(Port, &Status), STATUS_SUCCESS);
    KT_ASSERT_EQ(Status.HoldReasons, SERIAL_TX_WAITING_FOR_CTS);
    KT_ASSERT_EQ(Status.AmountInOutQueue, 4);
    KT_ASSERT_EQ(Status.AmountInInQueue, 0);            /* nothing left the UART */
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_SET_RTS, NULL, 0, NULL, 0, NULL), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtsAwait(&KtsFlowIo[0], 2000), STATUS_SUCCESS);
    KT_ASSERT_EQ(KtsFlowIo[0].Information, 4);
    KT_ASSERT_STATUS(KtsReadExactly(Port, KtsFlowEcho, 4, &Information), STATUS_SUCCESS);
    KT_ASSERT(RtlCompareMemory(KtsFlowEcho, "hold", 4) == 4);
    KT_ASSERT_STATUS(KtsCommStatus(Port, &Status), STATUS_SUCCESS);
    KT_ASSERT_EQ(Status.HoldReasons, 0);

    /* DSR: DTR off makes DSR off. */
    KT_ASSERT_STATUS(KtsSetHandFlow(Port, SERIAL_DTR_CONTROL | SERIAL_DSR_HANDSHAKE,
                                    SERIAL_RTS_CONTROL, 16, 16), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_CLR_DTR, NULL, 0, NULL, 0, NULL), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtsStartWrite(Port, "dsr", 3, &KtsFlowIo[0]), STATUS_PENDING);
    KT_ASSERT_STATUS(KtsAwait(&KtsFlowIo[0], 100), STATUS_PENDING);
    KT_ASSERT_STATUS(KtsCommStatus(Port, &Status), STATUS_SUCCESS);
    KT_ASSERT_EQ(Status.HoldReasons, SERIAL_TX_WAITING_FOR_DSR);
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_SET_DTR, NULL, 0, NULL, 0, NULL), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtsAwait(&KtsFlowIo[0], 2000), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtsReadExactly(Port, KtsFlowEcho, 3, &Information), STATUS_SUCCESS);
    KT_ASSERT(RtlCompareMemory(KtsFlowEcho, "dsr", 3) == 3);

    /* DSR sensitivity: with DSR off the echo is dropped, not the write. */
    KT_ASSERT_STATUS(KtsSetHandFlow(Port, SERIAL_DTR_CONTROL | SERIAL_DSR_SENSITIVITY,
                                    SERIAL_RTS_CONTROL, 16, 16), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_CLR_DTR, NULL, 0, NULL, 0, NULL), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtsCommStatus(Port, &Status), STATUS_SUCCESS);
    KT_ASSERT_EQ(Status.HoldReasons, SERIAL_RX_WAITING_FOR_DSR);
    KT_ASSERT(NT_SUCCESS(KtsStartWrite(Port, "lost", 4, &KtsFlowIo[0])));
    KT_ASSERT_STATUS(KtsAwait(&KtsFlowIo[0], 2000), STATUS_SUCCESS);
    KtsSleep(20);
    KT_ASSERT_STATUS(KtsCommStatus(Port, &Status), STATUS_SUCCESS);
    KT_ASSERT_EQ(Status.AmountInInQueue, 0);
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_SET_DTR, NULL, 0, NULL, 0, NULL), STATUS_SUCCESS);
    KT_ASSERT(NT_SUCCESS(KtsStartWrite(Port, "kept", 4, &KtsFlowIo[0])));
    KT_ASSERT_STATUS(KtsAwait(&KtsFlowIo[0], 2000), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtsReadExactly(Port, KtsFlowEcho, 4, &Information), STATUS_SUCCESS);
    KT_ASSERT(RtlCompareMemory(KtsFlowEcho, "kept", 4) == 4);
}

/* Input flow control in loopback: past the XOFF limit DTR and RTS drop
 * (handshake mode); read down to the XON limit, they come back. */
KTS_TEST(SerialInputHandshakeDropsDtrAndRts, FALSE)
{
    SERIAL_STATUS Status;
    ULONG_PTR Information;
    ULONG Index;

    for (Index = 0; Index < 100; Index++) {
        KtsFlowData[Index] = (UCHAR)('A' + Index % 26);
    }
    KT_ASSERT_STATUS(KtsLoopback(Port, TRUE), STATUS_SUCCESS);
    /* Stop with fewer than 16384 - 64 bytes free: past 64 in the ring. */
    KT_ASSERT_STATUS(KtsSetHandFlow(Port, SERIAL_DTR_HANDSHAKE, SERIAL_RTS_HANDSHAKE, 16,
                                    16384 - 64), STATUS_SUCCESS);
    KT_ASSERT_EQ(KtsMcr() & 0x03, 0x03);
    KT_ASSERT(NT_SUCCESS(KtsStartWrite(Port, KtsFlowData, 100, &KtsFlowIo[0])));
    KT_ASSERT_STATUS(KtsAwait(&KtsFlowIo[0], 2000), STATUS_SUCCESS);
    KT_ASSERT(KtsWaitInQueue(Port, 100, 2000, &Status));
    KT_ASSERT_EQ(KtsMcr() & 0x03, 0);
    KT_ASSERT_STATUS(KtsReadExactly(Port, KtsFlowEcho, 80, &Information), STATUS_SUCCESS);
    KT_ASSERT_EQ(KtsMcr() & 0x03, 0);                  /* 20 left: above the XON limit */
    KT_ASSERT_STATUS(KtsReadExactly(Port, KtsFlowEcho + 80, 10, &Information), STATUS_SUCCESS);
    KT_ASSERT_EQ(KtsMcr() & 0x03, 0x03);               /* 10 left */
    KT_ASSERT_STATUS(KtsReadExactly(Port, KtsFlowEcho + 90, 10, &Information), STATUS_SUCCESS);
    KT_ASSERT(RtlCompareMemory(KtsFlowEcho, KtsFlowData, 100) == 100);
}

/* XON/XOFF input flow control in loopback, without XOFF_CONTINUE: the
 * XOFF the driver sends comes back as data, and the driver falls silent
 * until it has sent XON; the data around them arrives whole and in order. */
KTS_TEST(SerialAutoReceiveSendsXoffAndXon, FALSE)
{
    SERIAL_STATUS Status;
    ULONG_PTR Information;
    ULONG Index, Got, Data, XoffAt, XonAt;

    for (Index = 0; Index < 100; Index++) {
        KtsFlowData[Index] = (UCHAR)('a' + Index % 26);
    }
    KT_ASSERT_STATUS(KtsLoopback(Port, TRUE), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtsSetHandFlow(Port, SERIAL_DTR_CONTROL,
                                    SERIAL_RTS_CONTROL | SERIAL_AUTO_RECEIVE, 16, 16384 - 64),
                     STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtsStartWrite(Port, KtsFlowData, 100, &KtsFlowIo[0]), STATUS_PENDING);
    KT_ASSERT_STATUS(KtsAwait(&KtsFlowIo[0], 200), STATUS_PENDING);
    KT_ASSERT_STATUS(KtsCommStatus(Port, &Status), STATUS_SUCCESS);
    KT_ASSERT_EQ(Status.HoldReasons, SERIAL_TX_WAITING_XOFF_SENT);
    KT_ASSERT(Status.AmountInOutQueue > 0);
    Got = Status.AmountInInQueue;
    KT_ASSERT(Got > 64 && Got < 100);
    /* Read it all: the ring empties below the XON limit, XON goes, and the
     * rest of the write follows it. */
    KT_ASSERT_STATUS(KtsReadExactly(Port, KtsFlowEcho, Got, &Information), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtsAwait(&KtsFlowIo[0], 2000), STATUS_SUCCESS);
    KT_ASSERT_EQ(KtsFlowIo[0].Information, 100);
    KT_ASSERT_STATUS(KtsReadExactly(Port, KtsFlowEcho + Got, 102 - Got, &Information),
                     STATUS_SUCCESS);
    XoffAt = XonAt = MAXULONG;
    for (Index = 0, Data = 0; Index < 102; Index++) {
        if (KtsFlowEcho[Index] == 0x13 && XoffAt == MAXULONG) {
            XoffAt = Index;
        } else if (KtsFlowEcho[Index] == 0x11 && XonAt == MAXULONG) {
            XonAt = Index;
        } else {
            KT_ASSERT_EQ(KtsFlowEcho[Index], KtsFlowData[Data]);
            Data++;
        }
    }
    KT_ASSERT_EQ(Data, 100);
    KT_ASSERT_EQ(XoffAt, Got - 1);                      /* the last byte before the silence */
    KT_ASSERT_EQ(XonAt, Got);                           /* the first after it */
}

/* SERIAL_AUTO_TRANSMIT in loopback: an XOFF that comes in holds the
 * transmitter and is not data; IOCTL_SERIAL_SET_XON (an XON "received")
 * lets it go. SET_XOFF holds it the same way. */
KTS_TEST(SerialAutoTransmitObeysXoff, FALSE)
{
    static const UCHAR Xoff = 0x13;
    SERIAL_STATUS Status;
    ULONG_PTR Information;

    KT_ASSERT_STATUS(KtsLoopback(Port, TRUE), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtsSetHandFlow(Port, SERIAL_DTR_CONTROL,
                                    SERIAL_RTS_CONTROL | SERIAL_AUTO_TRANSMIT, 16, 16),
                     STATUS_SUCCESS);
    KT_ASSERT(NT_SUCCESS(KtsStartWrite(Port, &Xoff, 1, &KtsFlowIo[0])));
    KT_ASSERT_STATUS(KtsAwait(&KtsFlowIo[0], 2000), STATUS_SUCCESS);
    KtsSleep(20);
    KT_ASSERT_STATUS(KtsStartWrite(Port, "data", 4, &KtsFlowIo[1]), STATUS_PENDING);
    KT_ASSERT_STATUS(KtsAwait(&KtsFlowIo[1], 100), STATUS_PENDING);
    KT_ASSERT_STATUS(KtsCommStatus(Port, &Status), STATUS_SUCCESS);
    KT_ASSERT_EQ(Status.HoldReasons, SERIAL_TX_WAITING_FOR_XON);
    KT_ASSERT_EQ(Status.AmountInInQueue, 0);            /* the XOFF was no data */
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_SET_XON, NULL, 0, NULL, 0, NULL), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtsAwait(&KtsFlowIo[1], 2000), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtsReadExactly(Port, KtsFlowEcho, 4, &Information), STATUS_SUCCESS);
    KT_ASSERT(RtlCompareMemory(KtsFlowEcho, "data", 4) == 4);
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_SET_XOFF, NULL, 0, NULL, 0, NULL), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtsStartWrite(Port, "more", 4, &KtsFlowIo[1]), STATUS_PENDING);
    KT_ASSERT_STATUS(KtsAwait(&KtsFlowIo[1], 100), STATUS_PENDING);
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_SET_XON, NULL, 0, NULL, 0, NULL), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtsAwait(&KtsFlowIo[1], 2000), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtsReadExactly(Port, KtsFlowEcho, 4, &Information), STATUS_SUCCESS);
    KT_ASSERT(RtlCompareMemory(KtsFlowEcho, "more", 4) == 4);
}

/* A break (LCR bit 6, 8.1) holds the transmitter until it ends. */
KTS_TEST(SerialBreakHoldsTheTransmitter, FALSE)
{
    SERIAL_STATUS Status;

    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_SET_BREAK_ON, NULL, 0, NULL, 0, NULL),
                     STATUS_SUCCESS);
    KT_ASSERT((READ_PORT_UCHAR((PUCHAR)(KTS_COM2_PORT + 3)) & 0x40) != 0);
    KT_ASSERT_STATUS(KtsStartWrite(Port, "b", 1, &KtsFlowIo[0]), STATUS_PENDING);
    KT_ASSERT_STATUS(KtsAwait(&KtsFlowIo[0], 100), STATUS_PENDING);
    KT_ASSERT_STATUS(KtsCommStatus(Port, &Status), STATUS_SUCCESS);
    KT_ASSERT_EQ(Status.HoldReasons, SERIAL_TX_WAITING_ON_BREAK);
    KT_ASSERT_EQ(Status.AmountInOutQueue, 1);
    KT_ASSERT_STATUS(KtsIoctl(Port, IOCTL_SERIAL_SET_BREAK_OFF, NULL, 0, NULL, 0, NULL),
                     STATUS_SUCCESS);
    KT_ASSERT_EQ(READ_PORT_UCHAR((PUCHAR)(KTS_COM2_PORT + 3)) & 0x40, 0);
    KT_ASSERT_STATUS(KtsAwait(&KtsFlowIo[0], 2000), STATUS_SUCCESS);
    KT_ASSERT_EQ(KtsFlowIo[0].Information, 1);
}
