/*
 * tests/host/serial_uart.c - how the serial driver programs the 16550
 * (drivers/serial/uart.c), against a scripted register mock.
 *
 * Each test lists, in order, every register access the driver must make
 * (reads with the value the "chip" returns, writes with the value it must
 * write); SerialReadRegister/SerialWriteRegister check each access against
 * the script and fail the test on any access it does not expect, or when
 * the script is not used up. The scripts read as a record of the
 * PC16550D data sheet's procedures (section numbers as in hw.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <ntddser.h>
#include "drivers/serial/uart.h"

typedef struct _ACCESS {
    char Op;            /* 'R' or 'W' */
    ULONG Offset;
    UCHAR Value;        /* returned by a read, expected of a write */
} ACCESS;

static const ACCESS *Script;
static size_t ScriptLength, ScriptNext;

static const char *const RegisterNames[] = {"RBR/THR/DLL", "IER/DLM", "IIR/FCR", "LCR",
                                            "MCR", "LSR", "MSR", "SCR"};

static void
Expect(const ACCESS *Accesses, size_t Count)
{
    Script = Accesses;
    ScriptLength = Count;
    ScriptNext = 0;
}

static void
ExpectDone(void)
{
    if (ScriptNext != ScriptLength) {
        fail_msg("the driver stopped after %zu of %zu scripted accesses (next: %c %s)",
                 ScriptNext, ScriptLength, Script[ScriptNext].Op,
                 RegisterNames[Script[ScriptNext].Offset]);
    }
}

UCHAR
SerialReadRegister(PSERIAL_UART Uart, ULONG Offset)
{
    (void)Uart;
    if (ScriptNext >= ScriptLength || Script[ScriptNext].Op != 'R' ||
        Script[ScriptNext].Offset != Offset) {
        fail_msg("unexpected read of %s at step %zu", RegisterNames[Offset & 7], ScriptNext);
    }
    return Script[ScriptNext++].Value;
}

VOID
SerialWriteRegister(PSERIAL_UART Uart, ULONG Offset, UCHAR Value)
{
    (void)Uart;
    if (ScriptNext >= ScriptLength || Script[ScriptNext].Op != 'W' ||
        Script[ScriptNext].Offset != Offset || Script[ScriptNext].Value != Value) {
        fail_msg("unexpected write of 0x%02x to %s at step %zu", Value,
                 RegisterNames[Offset & 7], ScriptNext);
    }
    ScriptNext++;
}

static SERIAL_UART Uart;
static UCHAR RingStorage[64];

static int
SetUp(void **State)
{
    (void)State;
    /* A new port's state: DTR and RTS on, no handshake, XON 0x11, XOFF 0x13. */
    SerialUartInitializeState(&Uart, RingStorage, sizeof(RingStorage));
    return 0;
}

#define COUNT(Array) (sizeof(Array) / sizeof((Array)[0]))

static void
InitializeProgramsTheChipInOrder(void **State)
{
    static const ACCESS Init[] = {
        {'W', SERIAL_IER, 0x00},            /* interrupts off first */
        {'W', SERIAL_LCR, 0x83},            /* DLAB on, 8N1 kept (8.1) */
        {'W', SERIAL_DLL, 0x0C},            /* 9600 baud: divisor 12 (8.3) */
        {'W', SERIAL_DLM, 0x00},
        {'W', SERIAL_LCR, 0x03},            /* DLAB off */
        {'W', SERIAL_FCR, 0xC7},            /* FIFOs on and cleared, RX trigger 14 (8.5) */
        {'W', SERIAL_MCR, 0x0B},            /* DTR, RTS, OUT2 (8.8) */
        {'R', SERIAL_LSR, 0x60},            /* pending causes read away (Table III) */
        {'R', SERIAL_RBR, 0x00},
        {'R', SERIAL_IIR, 0xC1},
        {'R', SERIAL_MSR, 0xB0},
        {'W', SERIAL_IER, 0x0D},            /* RX, line status, modem status (8.7) */
    };
    (void)State;
    Expect(Init, COUNT(Init));
    SerialUartInitialize(&Uart, SerialDivisorForBaud(9600), SERIAL_LCR_WORD_8);
    ExpectDone();
    assert_int_equal(Uart.Msr, 0xB0);
    assert_int_equal(Uart.Ier, 0x0D);
}

static void
ProbeUsesTheScratchRegister(void **State)
{
    static const ACCESS Present[] = {
        {'W', SERIAL_SCR, 0x5A}, {'R', SERIAL_SCR, 0x5A},
        {'W', SERIAL_SCR, 0xA5}, {'R', SERIAL_SCR, 0xA5},
    };
    static const ACCESS Absent[] = {
        {'W', SERIAL_SCR, 0x5A}, {'R', SERIAL_SCR, 0xFF},
    };
    (void)State;
    Expect(Present, COUNT(Present));
    assert_true(SerialUartProbe(&Uart));
    ExpectDone();
    Expect(Absent, COUNT(Absent));
    assert_false(SerialUartProbe(&Uart));
    ExpectDone();
}

static void
BaudRateChangeKeepsTheLineControl(void **State)
{
    static const ACCESS Change[] = {
        {'W', SERIAL_LCR, 0x9E},            /* 7E2 with DLAB */
        {'W', SERIAL_DLL, 0x01},            /* 115200 */
        {'W', SERIAL_DLM, 0x00},
        {'W', SERIAL_LCR, 0x1E},
    };
    SERIAL_LINE_CONTROL Line = {STOP_BITS_2, EVEN_PARITY, 7};
    UCHAR Lcr = 0;
    (void)State;
    assert_int_equal(SerialLcrFromLineControl(&Line, &Lcr), STATUS_SUCCESS);
    assert_int_equal(Lcr, 0x1E);
    Uart.Lcr = Lcr;
    Expect(Change, COUNT(Change));
    SerialUartSetDivisor(&Uart, SerialDivisorForBaud(115200));
    ExpectDone();
}

static void
DivisorsAndLineControlsTheChipCannotDo(void **State)
{
    SERIAL_LINE_CONTROL Line = {STOP_BITS_1_5, NO_PARITY, 8};
    UCHAR Lcr;

    (void)State;
    assert_int_equal(SerialDivisorForBaud(115200), 1);
    assert_int_equal(SerialDivisorForBaud(9600), 12);
    assert_int_equal(SerialDivisorForBaud(50), 2304);
    assert_int_equal(SerialDivisorForBaud(0), 0);
    assert_int_equal(SerialDivisorForBaud(230400), 0);
    assert_int_equal(SerialDivisorForBaud(100000), 0);  /* 15% off the nearest rate */
    assert_int_equal(SerialDivisorForBaud(1), 0);       /* divisor past 16 bits */
    assert_int_equal(SerialLcrFromLineControl(&Line, &Lcr), STATUS_INVALID_PARAMETER);
    Line.WordLength = 5;
    assert_int_equal(SerialLcrFromLineControl(&Line, &Lcr), STATUS_SUCCESS);
    assert_int_equal(Lcr, 0x04);
    Line.StopBits = STOP_BITS_2;                        /* 2 stop bits need 6-8 data bits */
    assert_int_equal(SerialLcrFromLineControl(&Line, &Lcr), STATUS_INVALID_PARAMETER);
    Line.StopBits = STOP_BIT_1;
    Line.WordLength = 4;
    assert_int_equal(SerialLcrFromLineControl(&Line, &Lcr), STATUS_INVALID_PARAMETER);
    Line.WordLength = 8;
    Line.Parity = SPACE_PARITY;
    assert_int_equal(SerialLcrFromLineControl(&Line, &Lcr), STATUS_SUCCESS);
    assert_int_equal(Lcr, 0x3B);
}

static void
IsrDeclinesWhenTheUartIsNotInterrupting(void **State)
{
    static const ACCESS NotMine[] = {{'R', SERIAL_IIR, 0xC1}};
    (void)State;
    Expect(NotMine, COUNT(NotMine));
    assert_false(SerialUartServiceInterrupt(&Uart));
    ExpectDone();
    assert_int_equal(Uart.Interrupts, 0);
}

static void
IsrMovesReceivedBytesIntoTheRing(void **State)
{
    static const ACCESS Receive[] = {
        {'R', SERIAL_IIR, 0xCC},            /* character timeout */
        {'R', SERIAL_LSR, 0x61}, {'R', SERIAL_RBR, 'h'},
        {'R', SERIAL_LSR, 0x61}, {'R', SERIAL_RBR, 'i'},
        {'R', SERIAL_LSR, 0x60},            /* FIFO empty */
        {'R', SERIAL_IIR, 0xC1},            /* nothing left */
    };
    UCHAR Out[4];
    (void)State;
    Expect(Receive, COUNT(Receive));
    assert_true(SerialUartServiceInterrupt(&Uart));
    ExpectDone();
    assert_int_equal(SerialRingGet(&Uart.Rx, Out, sizeof(Out)), 2);
    assert_memory_equal(Out, "hi", 2);
    assert_int_equal(Uart.Events, SERIAL_EV_RXCHAR);
    assert_int_equal(Uart.RxBytes, 2);
    assert_int_equal(Uart.Interrupts, 1);
}

static void
IsrCountsLineErrors(void **State)
{
    static const ACCESS Errors[] = {
        {'R', SERIAL_IIR, 0xC6},            /* line status */
        {'R', SERIAL_LSR, 0x7E},            /* OE PE FE BI */
        {'R', SERIAL_IIR, 0xC4},            /* then data */
        {'R', SERIAL_LSR, 0x69},            /* DR with a framing error */
        {'R', SERIAL_RBR, 0x00},
        {'R', SERIAL_LSR, 0x60},
        {'R', SERIAL_IIR, 0xC1},
    };
    (void)State;
    Expect(Errors, COUNT(Errors));
    assert_true(SerialUartServiceInterrupt(&Uart));
    ExpectDone();
    assert_int_equal(Uart.Overruns, 1);
    assert_int_equal(Uart.ParityErrors, 1);
    assert_int_equal(Uart.FramingErrors, 2);
    assert_int_equal(Uart.Breaks, 1);
    assert_int_equal(Uart.Errors, SERIAL_ERROR_OVERRUN | SERIAL_ERROR_PARITY |
                                      SERIAL_ERROR_FRAMING | SERIAL_ERROR_BREAK);
    /* The NUL is also the default EventChar: SERIAL_EV_RXFLAG. */
    assert_int_equal(Uart.Events, SERIAL_EV_ERR | SERIAL_EV_BREAK | SERIAL_EV_RXCHAR |
                                      SERIAL_EV_RXFLAG);
}

/* QEMU cannot make parity or framing errors (no chardev carries them), so
 * this is where SERIAL_ERROR_CHAR is tested: the LSR read before a byte
 * carries its errors (8.4), and the byte becomes ErrorChar. */
static void
IsrReplacesErrorBytesWithTheErrorChar(void **State)
{
    static const ACCESS Receive[] = {
        {'R', SERIAL_IIR, 0xC6},            /* line status */
        {'R', SERIAL_LSR, 0x6D},            /* DR with PE and FE: the byte at the top */
        {'R', SERIAL_LSR, 0x61}, {'R', SERIAL_RBR, 'x'},     /* the bad byte, at once */
        {'R', SERIAL_LSR, 0x61}, {'R', SERIAL_RBR, 'y'},     /* a good one */
        {'R', SERIAL_LSR, 0x60},
        {'R', SERIAL_IIR, 0xC1},
    };
    UCHAR Out[4];
    (void)State;
    Uart.HandFlow.FlowReplace |= SERIAL_ERROR_CHAR;
    Uart.Chars.ErrorChar = '?';
    Expect(Receive, COUNT(Receive));
    assert_true(SerialUartServiceInterrupt(&Uart));
    ExpectDone();
    assert_int_equal(SerialRingGet(&Uart.Rx, Out, sizeof(Out)), 2);
    assert_memory_equal(Out, "?y", 2);
    assert_int_equal(Uart.ParityErrors, 1);
    assert_int_equal(Uart.FramingErrors, 1);
    assert_int_equal(Uart.Errors, SERIAL_ERROR_PARITY | SERIAL_ERROR_FRAMING);
}

/* A break leaves a NUL with BI (8.4); SERIAL_BREAK_CHAR puts BreakChar in
 * its place, and without it NULL_STRIPPING drops it. */
static void
IsrTurnsABreakIntoTheBreakChar(void **State)
{
    static const ACCESS Break[] = {
        {'R', SERIAL_IIR, 0xC6}, {'R', SERIAL_LSR, 0x71},    /* BI with DR */
        {'R', SERIAL_LSR, 0x61}, {'R', SERIAL_RBR, 0x00},    /* the NUL, at once */
        {'R', SERIAL_LSR, 0x60},
        {'R', SERIAL_IIR, 0xC1},
    };
    UCHAR Out[4];
    (void)State;
    Uart.HandFlow.FlowReplace |= SERIAL_BREAK_CHAR;
    Uart.Chars.BreakChar = 0xBB;
    Expect(Break, COUNT(Break));
    assert_true(SerialUartServiceInterrupt(&Uart));
    ExpectDone();
    assert_int_equal(SerialRingGet(&Uart.Rx, Out, sizeof(Out)), 1);
    assert_int_equal(Out[0], 0xBB);
    assert_int_equal(Uart.Breaks, 1);
    assert_int_equal(Uart.Events, SERIAL_EV_BREAK | SERIAL_EV_RXCHAR);
    Uart.HandFlow.FlowReplace = SERIAL_RTS_CONTROL | SERIAL_NULL_STRIPPING;
    Expect(Break, COUNT(Break));
    assert_true(SerialUartServiceInterrupt(&Uart));
    ExpectDone();
    assert_int_equal(SerialRingCount(&Uart.Rx), 0);
}

/* SERIAL_AUTO_TRANSMIT: a received XOFF holds the transmitter, XON lets it
 * go; neither is data. */
static void
IsrStopsSendingAtXoffAndGoesOnAtXon(void **State)
{
    static const ACCESS Xoff[] = {
        {'R', SERIAL_IIR, 0xCC}, {'R', SERIAL_LSR, 0x61}, {'R', SERIAL_RBR, 0x13},
        {'R', SERIAL_LSR, 0x60}, {'R', SERIAL_IIR, 0xC1},
    };
    static const ACCESS Held[] = {
        {'R', SERIAL_LSR, 0x60},            /* THR empty, but nothing may go */
        {'W', SERIAL_IER, 0x02},
    };
    static const ACCESS Xon[] = {
        {'R', SERIAL_IIR, 0xCC}, {'R', SERIAL_LSR, 0x61}, {'R', SERIAL_RBR, 0x11},
        {'R', SERIAL_LSR, 0x60},            /* the hold went: THR empty? */
        {'W', SERIAL_THR, 'a'}, {'W', SERIAL_THR, 'b'},
        {'R', SERIAL_LSR, 0x60}, {'R', SERIAL_IIR, 0xC1},
    };
    (void)State;
    Uart.HandFlow.FlowReplace |= SERIAL_AUTO_TRANSMIT;
    Expect(Xoff, COUNT(Xoff));
    assert_true(SerialUartServiceInterrupt(&Uart));
    ExpectDone();
    assert_int_equal(Uart.TxHold, SERIAL_TX_WAITING_FOR_XON);
    assert_int_equal(SerialRingCount(&Uart.Rx), 0);
    Expect(Held, COUNT(Held));
    SerialUartStartTransmit(&Uart, (const UCHAR *)"ab", 2);
    ExpectDone();
    assert_false(Uart.TxDone);
    Expect(Xon, COUNT(Xon));
    assert_true(SerialUartServiceInterrupt(&Uart));
    ExpectDone();
    assert_int_equal(Uart.TxHold, 0);
    assert_true(Uart.TxDone);
    assert_int_equal(SerialRingCount(&Uart.Rx), 0);
}

/* SERIAL_CTS_HANDSHAKE: nothing goes while CTS is off; the modem-status
 * interrupt that brings CTS starts the transmitter. */
static void
CtsHandshakeHoldsTheTransmitter(void **State)
{
    static const ACCESS Held[] = {{'R', SERIAL_LSR, 0x60}, {'W', SERIAL_IER, 0x02}};
    static const ACCESS Cts[] = {
        {'R', SERIAL_IIR, 0xC0}, {'R', SERIAL_MSR, 0x11},   /* DCTS, CTS on */
        {'R', SERIAL_LSR, 0x60}, {'W', SERIAL_THR, 'z'},
        {'R', SERIAL_IIR, 0xC1},
    };
    (void)State;
    Uart.HandFlow.ControlHandShake |= SERIAL_CTS_HANDSHAKE;
    Uart.Msr = 0;
    assert_false(SerialUartUpdateModemHolds(&Uart));
    assert_int_equal(Uart.TxHold, SERIAL_TX_WAITING_FOR_CTS);
    Expect(Held, COUNT(Held));
    SerialUartStartTransmit(&Uart, (const UCHAR *)"z", 1);
    ExpectDone();
    Expect(Cts, COUNT(Cts));
    assert_true(SerialUartServiceInterrupt(&Uart));
    ExpectDone();
    assert_int_equal(Uart.TxHold, 0);
    assert_true(Uart.TxDone);
    assert_int_equal(Uart.Events, SERIAL_EV_CTS);
}

/* Input flow control: RTS handshake and XON/XOFF. With fewer than
 * XoffLimit bytes free RTS drops and XOFF goes out; once the reader has
 * left XonLimit or fewer, RTS comes back and XON goes out. */
static void
InputFlowDropsRtsAndSendsXoff(void **State)
{
    static const ACCESS Fill[] = {
        {'R', SERIAL_IIR, 0xCC},
        {'R', SERIAL_LSR, 0x61}, {'R', SERIAL_RBR, '1'},
        {'R', SERIAL_LSR, 0x61}, {'R', SERIAL_RBR, '2'},
        {'R', SERIAL_LSR, 0x61}, {'R', SERIAL_RBR, '3'},
        {'R', SERIAL_LSR, 0x60},
        {'W', SERIAL_MCR, 0x01},            /* RTS off, DTR stays (8.8) */
        {'R', SERIAL_MSR, 0x20},
        {'R', SERIAL_LSR, 0x60}, {'W', SERIAL_THR, 0x13},    /* XOFF */
        {'R', SERIAL_IIR, 0xC1},
    };
    static const ACCESS Drained[] = {
        {'W', SERIAL_MCR, 0x03},            /* RTS on again */
        {'R', SERIAL_MSR, 0x30},
        {'R', SERIAL_LSR, 0x60}, {'W', SERIAL_THR, 0x11},    /* XON */
    };
    (void)State;
    Uart.HandFlow.FlowReplace = SERIAL_RTS_HANDSHAKE | SERIAL_AUTO_RECEIVE | SERIAL_XOFF_CONTINUE;
    Uart.HandFlow.XoffLimit = 62;           /* stop with fewer than 62 of 64 free */
    Uart.HandFlow.XonLimit = 1;
    Uart.Mcr = 0x03;
    Expect(Fill, COUNT(Fill));
    assert_true(SerialUartServiceInterrupt(&Uart));
    ExpectDone();
    assert_int_equal(Uart.RxFlowStopped, SERIAL_RX_FLOW_RTS | SERIAL_RX_FLOW_XOFF);
    assert_int_equal(SerialRingGet(&Uart.Rx, NULL, 2), 2);
    assert_true(SerialUartDrainWanted(&Uart));
    Expect(Drained, COUNT(Drained));
    SerialUartReceiveDrained(&Uart);
    ExpectDone();
    assert_int_equal(Uart.RxFlowStopped, 0);
    assert_int_equal(Uart.TxBytes, 2);
}

static void
IsrRefillsTheFifoAndReportsTxEmpty(void **State)
{
    static const UCHAR Data[20] = "abcdefghijklmnopqrst";
    ACCESS Start[2 + 16 + 1], Refill[1 + 4 + 1], Empty[2];
    size_t Index, Count = 0;

    (void)State;
    /* Start: THR empty, so a FIFO's worth goes at once, then THRE on. */
    Start[Count++] = (ACCESS){'R', SERIAL_LSR, 0x60};
    for (Index = 0; Index < 16; Index++) {
        Start[Count++] = (ACCESS){'W', SERIAL_THR, Data[Index]};
    }
    Start[Count++] = (ACCESS){'W', SERIAL_IER, 0x0F};
    Uart.Ier = 0x0D;
    Expect(Start, Count);
    SerialUartStartTransmit(&Uart, Data, sizeof(Data));
    ExpectDone();
    assert_false(Uart.TxDone);
    /* THRE: the last four bytes; the write is then done. */
    Count = 0;
    Refill[Count++] = (ACCESS){'R', SERIAL_IIR, 0xC2};
    for (Index = 16; Index < 20; Index++) {
        Refill[Count++] = (ACCESS){'W', SERIAL_THR, Data[Index]};
    }
    Refill[Count++] = (ACCESS){'R', SERIAL_IIR, 0xC1};
    Expect(Refill, Count);
    assert_true(SerialUartServiceInterrupt(&Uart));
    ExpectDone();
    assert_true(Uart.TxDone);
    assert_int_equal(Uart.TxBytes, 20);
    assert_int_equal(Uart.Events, 0);
    /* THRE with nothing left: the transmitter is empty. */
    Empty[0] = (ACCESS){'R', SERIAL_IIR, 0xC2};
    Empty[1] = (ACCESS){'R', SERIAL_IIR, 0xC1};
    Expect(Empty, 2);
    assert_true(SerialUartServiceInterrupt(&Uart));
    ExpectDone();
    assert_int_equal(Uart.Events, SERIAL_EV_TXEMPTY);
    assert_int_equal(SerialUartStopTransmit(&Uart), 20);
}

static void
IsrThrottlesWhenTheRingIsFull(void **State)
{
    static const ACCESS Full[] = {
        {'R', SERIAL_IIR, 0xC4},
        {'R', SERIAL_LSR, 0x61},
        {'W', SERIAL_IER, 0x0C},            /* RX interrupts off: the byte stays in the chip */
        {'R', SERIAL_IIR, 0xC1},
    };
    static const ACCESS Resume[] = {{'W', SERIAL_IER, 0x0D}};
    ULONG Index;

    (void)State;
    for (Index = 0; Index < sizeof(RingStorage); Index++) {
        assert_true(SerialRingPut(&Uart.Rx, (UCHAR)Index));
    }
    Uart.Ier = 0x0D;
    Expect(Full, COUNT(Full));
    assert_true(SerialUartServiceInterrupt(&Uart));
    ExpectDone();
    assert_true(Uart.RxThrottled);
    assert_int_equal(SerialRingGet(&Uart.Rx, NULL, 64), 64);
    Expect(Resume, COUNT(Resume));
    SerialUartResumeReceive(&Uart);
    ExpectDone();
    assert_false(Uart.RxThrottled);
}

static void
IsrReadsModemStatusAndRetriggersAnEdge(void **State)
{
    ACCESS Storm[1 + 32 * 2 + 2];
    size_t Count = 0, Round;

    (void)State;
    /* Modem status: the deltas become events. */
    static const ACCESS Modem[] = {
        {'R', SERIAL_IIR, 0xC0}, {'R', SERIAL_MSR, 0x3B}, {'R', SERIAL_IIR, 0xC1},
    };
    Expect(Modem, COUNT(Modem));
    assert_true(SerialUartServiceInterrupt(&Uart));
    ExpectDone();
    assert_int_equal(Uart.Events, SERIAL_EV_CTS | SERIAL_EV_DSR | SERIAL_EV_RLSD);
    /* A cause that never goes: after 32 rounds the ISR drops and raises
     * IER, so an edge-triggered line sees a new edge. */
    Uart.Ier = 0x0D;
    Storm[Count++] = (ACCESS){'R', SERIAL_IIR, 0xC0};
    for (Round = 0; Round < 32; Round++) {
        Storm[Count++] = (ACCESS){'R', SERIAL_MSR, 0x30};
        Storm[Count++] = (ACCESS){'R', SERIAL_IIR, 0xC0};
    }
    Storm[Count++] = (ACCESS){'W', SERIAL_IER, 0x00};
    Storm[Count++] = (ACCESS){'W', SERIAL_IER, 0x0D};
    Expect(Storm, Count);
    assert_true(SerialUartServiceInterrupt(&Uart));
    ExpectDone();
}

static void
QuiesceTurnsInterruptsAndOut2Off(void **State)
{
    static const ACCESS Quiet[] = {{'W', SERIAL_IER, 0x00}, {'W', SERIAL_MCR, 0x13}};
    (void)State;
    Uart.Ier = 0x0F;
    Uart.Mcr = 0x1B;                        /* DTR RTS OUT2 LOOP */
    Expect(Quiet, COUNT(Quiet));
    SerialUartQuiesce(&Uart);
    ExpectDone();
}

int
main(void)
{
    const struct CMUnitTest Tests[] = {
        cmocka_unit_test_setup(InitializeProgramsTheChipInOrder, SetUp),
        cmocka_unit_test_setup(ProbeUsesTheScratchRegister, SetUp),
        cmocka_unit_test_setup(BaudRateChangeKeepsTheLineControl, SetUp),
        cmocka_unit_test_setup(DivisorsAndLineControlsTheChipCannotDo, SetUp),
        cmocka_unit_test_setup(IsrDeclinesWhenTheUartIsNotInterrupting, SetUp),
        cmocka_unit_test_setup(IsrMovesReceivedBytesIntoTheRing, SetUp),
        cmocka_unit_test_setup(IsrCountsLineErrors, SetUp),
        cmocka_unit_test_setup(IsrReplacesErrorBytesWithTheErrorChar, SetUp),
        cmocka_unit_test_setup(IsrTurnsABreakIntoTheBreakChar, SetUp),
        cmocka_unit_test_setup(IsrStopsSendingAtXoffAndGoesOnAtXon, SetUp),
        cmocka_unit_test_setup(CtsHandshakeHoldsTheTransmitter, SetUp),
        cmocka_unit_test_setup(InputFlowDropsRtsAndSendsXoff, SetUp),
        cmocka_unit_test_setup(IsrRefillsTheFifoAndReportsTxEmpty, SetUp),
        cmocka_unit_test_setup(IsrThrottlesWhenTheRingIsFull, SetUp),
        cmocka_unit_test_setup(IsrReadsModemStatusAndRetriggersAnEdge, SetUp),
        cmocka_unit_test_setup(QuiesceTurnsInterruptsAndOut2Off, SetUp),
    };
    return cmocka_run_group_tests(Tests, NULL, NULL);
}
