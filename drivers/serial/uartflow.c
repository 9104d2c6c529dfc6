/*
 * drivers/serial/uartflow.c - handshake and flow control on the 16550:
 * what IOCTL_SERIAL_SET_HANDFLOW, SET_CHARS, SET_BREAK_ON/OFF and
 * SET_XON/XOFF ask of the chip (ntddser.h has the settings).
 *
 * Output flow control holds the transmitter (SERIAL_UART.TxHold, the
 * SERIAL_TX_WAITING_* reasons GET_COMMSTATUS reports) while CTS, DSR or
 * DCD is off (8.9's MSR inputs, when the matching handshake is on), while
 * an XOFF received (or emulated) has not been undone, after our own XOFF
 * unless SERIAL_XOFF_CONTINUE, and during a break. Input flow control
 * holds the peer back when the ring is nearly full: DTR and RTS dropped
 * (8.8's MCR outputs, in handshake mode) and XOFF sent; they are undone
 * when the reader has emptied it below XonLimit.
 *
 * The routines that touch the chip run at DIRQL under the interrupt spin
 * lock; the two Check routines are pure logic.
 */
#include "uart.h"

/* Any IRQL. The WDK's rules for SERIAL_HANDFLOW, as serial.sys applies
 * them: no reserved bit, not both DTR modes, limits within the buffer. */
NTSTATUS
SerialCheckHandFlow(const SERIAL_HANDFLOW *HandFlow, ULONG BufferSize)
{
    if ((HandFlow->ControlHandShake & SERIAL_CONTROL_INVALID) != 0 ||
        (HandFlow->FlowReplace & SERIAL_FLOW_INVALID) != 0 ||
        (HandFlow->ControlHandShake & SERIAL_DTR_MASK) == SERIAL_DTR_MASK) {
        return STATUS_INVALID_PARAMETER;
    }
    if (HandFlow->XonLimit < 0 || (ULONG)HandFlow->XonLimit > BufferSize ||
        HandFlow->XoffLimit < 0 || (ULONG)HandFlow->XoffLimit > BufferSize) {
        return STATUS_INVALID_PARAMETER;
    }
    return STATUS_SUCCESS;
}

/* Any IRQL. The WDK: XON and XOFF must differ. (There is no escape
 * character to clash with: Kestrel does not do IOCTL_SERIAL_LSRMST_INSERT.) */
NTSTATUS
SerialCheckChars(const SERIAL_CHARS *Chars)
{
    return Chars->XonChar == Chars->XoffChar ? STATUS_INVALID_PARAMETER : STATUS_SUCCESS;
}

/* DIRQL. */
UCHAR
SerialUartControlLines(const SERIAL_UART *Uart)
{
    UCHAR Lines = 0;

    switch (Uart->HandFlow.ControlHandShake & SERIAL_DTR_MASK) {
    case SERIAL_DTR_CONTROL:
        Lines |= SERIAL_MCR_DTR;
        break;
    case SERIAL_DTR_HANDSHAKE:
        if ((Uart->RxFlowStopped & SERIAL_RX_FLOW_DTR) == 0) {
            Lines |= SERIAL_MCR_DTR;
        }
        break;
    default:
        break;
    }
    switch (Uart->HandFlow.FlowReplace & SERIAL_RTS_MASK) {
    case SERIAL_RTS_CONTROL:
        Lines |= SERIAL_MCR_RTS;
        break;
    case SERIAL_RTS_HANDSHAKE:
        if ((Uart->RxFlowStopped & SERIAL_RX_FLOW_RTS) == 0) {
            Lines |= SERIAL_MCR_RTS;
        }
        break;
    case SERIAL_TRANSMIT_TOGGLE:
        if (Uart->TxRemaining != 0 || Uart->XCharPending || Uart->RtsDropPending) {
            Lines |= SERIAL_MCR_RTS;
        }
        break;
    default:
        break;
    }
    return Lines;
}

/* DIRQL. */
BOOLEAN
SerialUartUpdateModemHolds(PSERIAL_UART Uart)
{
    ULONG Control = Uart->HandFlow.ControlHandShake;
    ULONG Old = Uart->TxHold;
    ULONG Hold = 0;

    if ((Control & SERIAL_CTS_HANDSHAKE) != 0 && (Uart->Msr & SERIAL_MSR_CTS) == 0) {
        Hold |= SERIAL_TX_WAITING_FOR_CTS;
    }
    if ((Control & SERIAL_DSR_HANDSHAKE) != 0 && (Uart->Msr & SERIAL_MSR_DSR) == 0) {
        Hold |= SERIAL_TX_WAITING_FOR_DSR;
    }
    if ((Control & SERIAL_DCD_HANDSHAKE) != 0 && (Uart->Msr & SERIAL_MSR_DCD) == 0) {
        Hold |= SERIAL_TX_WAITING_FOR_DCD;
    }
    Uart->TxHold = (Old & ~(SERIAL_TX_WAITING_FOR_CTS | SERIAL_TX_WAITING_FOR_DSR |
                            SERIAL_TX_WAITING_FOR_DCD)) | Hold;
    return (Old & ~Uart->TxHold) != 0;
}

/* DIRQL. */
VOID
SerialUartHold(PSERIAL_UART Uart, ULONG Reason, BOOLEAN On)
{
    if (On) {
        Uart->TxHold |= Reason;
    } else if (Uart->TxHold & Reason) {
        Uart->TxHold &= ~Reason;
        SerialUartKickTransmit(Uart);
    }
}

/* DIRQL. 8.1: LCR bit 6 holds the line in the spacing state. Nothing may
 * be sent meanwhile (SERIAL_TX_WAITING_ON_BREAK). */
VOID
SerialUartSetBreak(PSERIAL_UART Uart, BOOLEAN On)
{
    SerialUartSetLcr(Uart, (UCHAR)(On ? Uart->Lcr | SERIAL_LCR_BREAK
                                      : Uart->Lcr & ~SERIAL_LCR_BREAK));
    SerialUartHold(Uart, SERIAL_TX_WAITING_ON_BREAK, On);
}

/* DIRQL. XON or XOFF goes out ahead of any data. */
static VOID
SerialUartSendXChar(PSERIAL_UART Uart, UCHAR Char)
{
    Uart->XChar = Char;
    Uart->XCharPending = TRUE;
    SerialUartKickTransmit(Uart);
}

/* DIRQL. */
VOID
SerialUartCheckInputFlow(PSERIAL_UART Uart)
{
    ULONG Control = Uart->HandFlow.ControlHandShake;
    ULONG Replace = Uart->HandFlow.FlowReplace;
    UCHAR Stop = 0;

    if (SerialRingFree(&Uart->Rx) >= (ULONG)Uart->HandFlow.XoffLimit) {
        return;
    }
    if ((Control & SERIAL_DTR_MASK) == SERIAL_DTR_HANDSHAKE) {
        Stop |= SERIAL_RX_FLOW_DTR;
    }
    if ((Replace & SERIAL_RTS_MASK) == SERIAL_RTS_HANDSHAKE) {
        Stop |= SERIAL_RX_FLOW_RTS;
    }
    if (Replace & SERIAL_AUTO_RECEIVE) {
        Stop |= SERIAL_RX_FLOW_XOFF;
    }
    Stop &= (UCHAR)~Uart->RxFlowStopped;
    if (Stop == 0) {
        return;
    }
    Uart->RxFlowStopped |= Stop;
    if (Stop & (SERIAL_RX_FLOW_DTR | SERIAL_RX_FLOW_RTS)) {
        SerialUartSetMcr(Uart, SERIAL_MCR_DTR | SERIAL_MCR_RTS, SerialUartControlLines(Uart));
    }
    if (Stop & SERIAL_RX_FLOW_XOFF) {
        SerialUartSendXChar(Uart, Uart->Chars.XoffChar);
    }
}

/* DIRQL. Undoes what CheckInputFlow did, for the reasons in Which. */
static VOID
SerialUartLetPeerGo(PSERIAL_UART Uart, UCHAR Which)
{
    Which &= Uart->RxFlowStopped;
    if (Which == 0) {
        return;
    }
    Uart->RxFlowStopped &= (UCHAR)~Which;
    if (Which & (SERIAL_RX_FLOW_DTR | SERIAL_RX_FLOW_RTS)) {
        SerialUartSetMcr(Uart, SERIAL_MCR_DTR | SERIAL_MCR_RTS, SerialUartControlLines(Uart));
    }
    if (Which & SERIAL_RX_FLOW_XOFF) {
        if (Uart->XCharPending && Uart->XChar == Uart->Chars.XoffChar) {
            Uart->XCharPending = FALSE;         /* it never left: nothing to undo */
        } else {
            SerialUartSendXChar(Uart, Uart->Chars.XonChar);
        }
    }
}

/* Any IRQL, without the lock: a hint for the consumer. */
BOOLEAN
SerialUartDrainWanted(const SERIAL_UART *Uart)
{
    return (Uart->RxThrottled && SerialRingFree(&Uart->Rx) >= Uart->Rx.Size / 2) ||
           (Uart->RxFlowStopped != 0 &&
            SerialRingCount(&Uart->Rx) <= (ULONG)Uart->HandFlow.XonLimit);
}

/* DIRQL (KeSynchronizeExecution from the consumer). */
VOID
SerialUartReceiveDrained(PSERIAL_UART Uart)
{
    if (Uart->RxThrottled && SerialRingFree(&Uart->Rx) >= Uart->Rx.Size / 2) {
        SerialUartResumeReceive(Uart);
    }
    if (SerialRingCount(&Uart->Rx) <= (ULONG)Uart->HandFlow.XonLimit) {
        SerialUartLetPeerGo(Uart, Uart->RxFlowStopped);
    }
}

/* DIRQL. */
VOID
SerialUartSetHandFlow(PSERIAL_UART Uart, const SERIAL_HANDFLOW *HandFlow)
{
    UCHAR Dropped = 0;

    Uart->HandFlow = *HandFlow;
    /* Input flow control that was switched off lets the peer go now. */
    if ((HandFlow->ControlHandShake & SERIAL_DTR_MASK) != SERIAL_DTR_HANDSHAKE) {
        Dropped |= SERIAL_RX_FLOW_DTR;
    }
    if ((HandFlow->FlowReplace & SERIAL_RTS_MASK) != SERIAL_RTS_HANDSHAKE) {
        Dropped |= SERIAL_RX_FLOW_RTS;
    }
    if ((HandFlow->FlowReplace & SERIAL_AUTO_RECEIVE) == 0) {
        Dropped |= SERIAL_RX_FLOW_XOFF;
    }
    if ((HandFlow->FlowReplace & SERIAL_AUTO_RECEIVE) == 0 ||
        (HandFlow->FlowReplace & SERIAL_XOFF_CONTINUE) != 0) {
        SerialUartHold(Uart, SERIAL_TX_WAITING_XOFF_SENT, FALSE);
    }
    SerialUartLetPeerGo(Uart, Dropped);
    /* DTR and RTS as the new modes say; MSR read again, which re-evaluates
     * the output handshakes and kicks the transmitter if one let go. */
    SerialUartSetMcr(Uart, SERIAL_MCR_DTR | SERIAL_MCR_RTS, SerialUartControlLines(Uart));
    /* The new limits may stop or release the peer at the present level. */
    SerialUartReceiveDrained(Uart);
    SerialUartCheckInputFlow(Uart);
}

/* DIRQL. */
VOID
SerialUartSetChars(PSERIAL_UART Uart, const SERIAL_CHARS *Chars)
{
    Uart->Chars = *Chars;
}
