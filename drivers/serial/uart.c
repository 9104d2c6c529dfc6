/*
 * drivers/serial/uart.c - programming the 16550 (PC16550D data sheet,
 * National Semiconductor, June 1995; section numbers in hw.h): its
 * initialization, divisor, line and modem control. The interrupt-time
 * work is in uartisr.c, handshake and flow control in uartflow.c.
 *
 * The order of the initialization follows the data sheet's rules: the
 * divisor latch is reached through LCR's DLAB bit (8.1, 8.3), the FIFOs are
 * enabled and cleared through FCR before use (8.5), and every interrupt
 * cause already pending is read away (Table III) before the interrupts are
 * enabled, so the first interrupt the driver sees is a real one.
 */
#include "uart.h"

/* The receive FIFO interrupts at 14 bytes: a quarter as many interrupts as
 * a trigger of 4, with two bytes (174 us at 115200 baud) left to respond
 * before an overrun. The character timeout (8.6) delivers the tail. */
#define SERIAL_FCR_DEFAULT (SERIAL_FCR_ENABLE | SERIAL_FCR_TRIGGER_14)
#define SERIAL_IER_DEFAULT (SERIAL_IER_ERBFI | SERIAL_IER_ELSI | SERIAL_IER_EDSSI)

/* The defaults of SERIAL_CHARS' XON and XOFF: DC1 and DC3, as on Windows. */
#define SERIAL_DEFAULT_XON 0x11
#define SERIAL_DEFAULT_XOFF 0x13

/* Any IRQL (AddDevice, or a host test). */
VOID
SerialUartInitializeState(PSERIAL_UART Uart, PUCHAR RxStorage, ULONG RxSize)
{
    RtlZeroMemory(Uart, sizeof(*Uart));
    (VOID)SerialRingInitialize(&Uart->Rx, RxStorage, RxSize);
    Uart->HandFlow.ControlHandShake = SERIAL_DTR_CONTROL;
    Uart->HandFlow.FlowReplace = SERIAL_RTS_CONTROL;
    Uart->HandFlow.XonLimit = (LONG)(RxSize / 4);
    Uart->HandFlow.XoffLimit = (LONG)(RxSize / 4);
    Uart->Chars.XonChar = SERIAL_DEFAULT_XON;
    Uart->Chars.XoffChar = SERIAL_DEFAULT_XOFF;
}

/* Any IRQL. 8.3: divisor = 115200 / baud for the PC's 1.8432 MHz clock;
 * the rate it really makes must lie within 1% of the one asked for. */
USHORT
SerialDivisorForBaud(ULONG BaudRate)
{
    ULONG Divisor;
    ULONG Actual;
    ULONG Difference;

    if (BaudRate == 0 || BaudRate > SERIAL_MAX_BAUD) {
        return 0;
    }
    Divisor = (SERIAL_MAX_BAUD + BaudRate / 2) / BaudRate;
    if (Divisor == 0 || Divisor > 0xFFFF) {
        return 0;
    }
    Actual = SERIAL_MAX_BAUD / Divisor;
    Difference = Actual > BaudRate ? Actual - BaudRate : BaudRate - Actual;
    if ((ULONGLONG)Difference * 100 > BaudRate) {
        return 0;
    }
    return (USHORT)Divisor;
}

/* Any IRQL. 8.1. */
NTSTATUS
SerialLcrFromLineControl(const SERIAL_LINE_CONTROL *LineControl, PUCHAR Lcr)
{
    UCHAR Value;

    if (LineControl->WordLength < 5 || LineControl->WordLength > 8) {
        return STATUS_INVALID_PARAMETER;
    }
    Value = (UCHAR)(LineControl->WordLength - 5);
    switch (LineControl->StopBits) {
    case STOP_BIT_1:
        break;
    case STOP_BITS_1_5:
        /* The chip makes 1.5 stop bits only for 5-bit words. */
        if (LineControl->WordLength != 5) {
            return STATUS_INVALID_PARAMETER;
        }
        Value |= SERIAL_LCR_STOP_2;
        break;
    case STOP_BITS_2:
        if (LineControl->WordLength == 5) {
            return STATUS_INVALID_PARAMETER;
        }
        Value |= SERIAL_LCR_STOP_2;
        break;
    default:
        return STATUS_INVALID_PARAMETER;
    }
    switch (LineControl->Parity) {
    case NO_PARITY:
        break;
    case ODD_PARITY:
        Value |= SERIAL_LCR_PARITY_ENABLE;
        break;
    case EVEN_PARITY:
        Value |= SERIAL_LCR_PARITY_ENABLE | SERIAL_LCR_PARITY_EVEN;
        break;
    case MARK_PARITY:
        Value |= SERIAL_LCR_PARITY_ENABLE | SERIAL_LCR_PARITY_STICK;
        break;
    case SPACE_PARITY:
        Value |= SERIAL_LCR_PARITY_ENABLE | SERIAL_LCR_PARITY_EVEN | SERIAL_LCR_PARITY_STICK;
        break;
    default:
        return STATUS_INVALID_PARAMETER;
    }
    *Lcr = Value;
    return STATUS_SUCCESS;
}

/* PASSIVE_LEVEL, before the interrupt is connected. 8.10: the scratch
 * register holds what is written to it; an empty bus reads back 0xFF. */
BOOLEAN
SerialUartProbe(PSERIAL_UART Uart)
{
    SerialWriteRegister(Uart, SERIAL_SCR, 0x5A);
    if (SerialReadRegister(Uart, SERIAL_SCR) != 0x5A) {
        return FALSE;
    }
    SerialWriteRegister(Uart, SERIAL_SCR, 0xA5);
    return SerialReadRegister(Uart, SERIAL_SCR) == 0xA5;
}

/* DIRQL or before the interrupt is connected. 8.1, 8.3. */
VOID
SerialUartSetDivisor(PSERIAL_UART Uart, USHORT Divisor)
{
    SerialWriteRegister(Uart, SERIAL_LCR, (UCHAR)(Uart->Lcr | SERIAL_LCR_DLAB));
    SerialWriteRegister(Uart, SERIAL_DLL, (UCHAR)(Divisor & 0xFF));
    SerialWriteRegister(Uart, SERIAL_DLM, (UCHAR)(Divisor >> 8));
    SerialWriteRegister(Uart, SERIAL_LCR, Uart->Lcr);
}

/* DIRQL or before the interrupt is connected. */
VOID
SerialUartSetLcr(PSERIAL_UART Uart, UCHAR Lcr)
{
    Uart->Lcr = (UCHAR)(Lcr & ~SERIAL_LCR_DLAB);
    SerialWriteRegister(Uart, SERIAL_LCR, Uart->Lcr);
}

/* DIRQL or before the interrupt is connected. 8.8: in loopback the modem
 * inputs are the outputs, so MSR changes with MCR; QEMU then raises no
 * modem-status interrupt, which is why MSR is read here. */
VOID
SerialUartSetMcr(PSERIAL_UART Uart, UCHAR Clear, UCHAR Set)
{
    Uart->Mcr = (UCHAR)((Uart->Mcr & ~Clear) | Set);
    SerialWriteRegister(Uart, SERIAL_MCR, Uart->Mcr);
    (VOID)SerialUartSampleModem(Uart);
}

/* DIRQL, holding the interrupt spin lock (start, power-up), or before the
 * interrupt is connected (the host tests). */
VOID
SerialUartInitialize(PSERIAL_UART Uart, USHORT Divisor, UCHAR Lcr)
{
    Uart->Ier = 0;
    SerialWriteRegister(Uart, SERIAL_IER, 0);
    Uart->Lcr = (UCHAR)(Lcr & ~SERIAL_LCR_DLAB);
    SerialUartSetDivisor(Uart, Divisor);
    Uart->Fcr = SERIAL_FCR_DEFAULT;
    SerialWriteRegister(Uart, SERIAL_FCR,
                        SERIAL_FCR_DEFAULT | SERIAL_FCR_CLEAR_RX | SERIAL_FCR_CLEAR_TX);
    /* The flow state starts afresh: nothing held back, nothing to send
     * ahead of the data, no break. */
    Uart->TxHold = 0;
    Uart->RxFlowStopped = 0;
    Uart->XCharPending = FALSE;
    Uart->RtsDropPending = FALSE;
    Uart->PendingByteErrors = 0;
    /* DTR and RTS as the handshake settings say; OUT2 lets the interrupt
     * out on a PC; LOOP is kept as it was. */
    Uart->Mcr = (UCHAR)((Uart->Mcr & SERIAL_MCR_LOOP) | SerialUartControlLines(Uart) |
                        SERIAL_MCR_OUT2);
    SerialWriteRegister(Uart, SERIAL_MCR, Uart->Mcr);
    /* Table III: read away every cause that may be pending. */
    (VOID)SerialReadRegister(Uart, SERIAL_LSR);
    (VOID)SerialReadRegister(Uart, SERIAL_RBR);
    (VOID)SerialReadRegister(Uart, SERIAL_IIR);
    Uart->Msr = SerialReadRegister(Uart, SERIAL_MSR);
    (VOID)SerialUartUpdateModemHolds(Uart);
    Uart->RxThrottled = FALSE;
    Uart->Ier = SERIAL_IER_DEFAULT;
    SerialWriteRegister(Uart, SERIAL_IER, Uart->Ier);
}

/* DIRQL, holding the interrupt spin lock, or PASSIVE_LEVEL while no
 * interrupt is connected (the start's probe). */
VOID
SerialUartQuiesce(PSERIAL_UART Uart)
{
    Uart->Ier = 0;
    SerialWriteRegister(Uart, SERIAL_IER, 0);
    Uart->Mcr = (UCHAR)(Uart->Mcr & ~SERIAL_MCR_OUT2);
    SerialWriteRegister(Uart, SERIAL_MCR, Uart->Mcr);
}

/* DIRQL (KeSynchronizeExecution). */
VOID
SerialUartResumeReceive(PSERIAL_UART Uart)
{
    if (Uart->RxThrottled) {
        Uart->RxThrottled = FALSE;
        Uart->Ier |= SERIAL_IER_ERBFI;
        SerialWriteRegister(Uart, SERIAL_IER, Uart->Ier);
    }
}

/* DIRQL (KeSynchronizeExecution). 8.5: CLEAR_RX empties the RX FIFO. */
VOID
SerialUartClearReceiveFifo(PSERIAL_UART Uart)
{
    SerialWriteRegister(Uart, SERIAL_FCR, (UCHAR)(Uart->Fcr | SERIAL_FCR_CLEAR_RX));
}
