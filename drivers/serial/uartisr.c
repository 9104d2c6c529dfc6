/*
 * drivers/serial/uartisr.c - the 16550 at interrupt time: receiving into
 * the ring, refilling the transmit FIFO, line and modem status (PC16550D
 * data sheet, sections 8.4-8.9; numbers as in hw.h).
 *
 * Everything here runs at DIRQL with the interrupt spin lock held (the
 * ISR, or KeSynchronizeExecution from the DPC side), or before the
 * interrupt is connected. The ISR touches no IRP: it leaves events, errors
 * and TxDone for the DPC (isr.c).
 *
 * Each received byte passes the client's filters in this order (the
 * SERIAL_HANDFLOW and SERIAL_CHARS settings, uartflow.c):
 *   DSR sensitivity   dropped while DSR is off
 *   break / error     the byte a break left (BI) becomes BreakChar with
 *                     SERIAL_BREAK_CHAR; a byte with a parity or framing
 *                     error becomes ErrorChar with SERIAL_ERROR_CHAR
 *   null stripping    a NUL is dropped
 *   XON/XOFF          with SERIAL_AUTO_TRANSMIT they start and stop the
 *                     transmitter and are not data
 *   EventChar         SERIAL_EV_RXFLAG
 * and what is left goes into the ring.
 */
#include "uart.h"

/* A wedged or absent device must not hold the ISR at DIRQL forever: at
 * most this many causes, and this many received bytes, per call. */
#define SERIAL_ISR_MAX_ROUNDS 32
#define SERIAL_ISR_MAX_RX_BYTES (4 * SERIAL_FIFO_DEPTH)

/* Holds that stop the line itself: not even XON or XOFF may go out. */
#define SERIAL_TX_LINE_HOLDS (SERIAL_TX_WAITING_FOR_CTS | SERIAL_TX_WAITING_FOR_DSR | \
                              SERIAL_TX_WAITING_FOR_DCD | SERIAL_TX_WAITING_ON_BREAK)

/* DIRQL. Reads MSR; TRUE when an output handshake hold went away. */
static BOOLEAN
SerialUartReadModem(PSERIAL_UART Uart)
{
    UCHAR Old = Uart->Msr;
    UCHAR Msr = SerialReadRegister(Uart, SERIAL_MSR);
    /* The delta bits (8.9), and input changes no delta reported: QEMU's
     * loopback sets none. */
    UCHAR Changed = (UCHAR)((Msr & 0x0F) | (((Old ^ Msr) >> 4) & 0x0B));
    LONG Events = 0;

    if ((Old & SERIAL_MSR_RI) != 0 && (Msr & SERIAL_MSR_RI) == 0) {
        Changed |= SERIAL_MSR_TERI;
    }
    if (Changed & SERIAL_MSR_DCTS) {
        Events |= SERIAL_EV_CTS;
    }
    if (Changed & SERIAL_MSR_DDSR) {
        Events |= SERIAL_EV_DSR;
    }
    if (Changed & SERIAL_MSR_DDCD) {
        Events |= SERIAL_EV_RLSD;
    }
    if (Changed & SERIAL_MSR_TERI) {
        Events |= SERIAL_EV_RING;
    }
    Uart->Msr = Msr;
    if (Events != 0) {
        InterlockedOr(&Uart->Events, Events);
    }
    return SerialUartUpdateModemHolds(Uart);
}

/* DIRQL. */
UCHAR
SerialUartSampleModem(PSERIAL_UART Uart)
{
    if (SerialUartReadModem(Uart)) {
        SerialUartKickTransmit(Uart);
    }
    return Uart->Msr;
}

/* DIRQL, THR empty (8.4: THRE means the whole TX FIFO is empty): up to a
 * FIFO's worth, the XON/XOFF first. */
static VOID
SerialUartFillFifo(PSERIAL_UART Uart)
{
    ULONG Room = SERIAL_FIFO_DEPTH;
    ULONG Count;
    ULONG Index;

    if ((Uart->HandFlow.FlowReplace & SERIAL_RTS_MASK) == SERIAL_TRANSMIT_TOGGLE &&
        (Uart->Mcr & SERIAL_MCR_RTS) == 0 && (Uart->TxRemaining != 0 || Uart->XCharPending)) {
        /* Transmit toggle: RTS on before the first byte. A CTS handshake
         * sees the answer at once in loopback, else when the peer's CTS
         * interrupt comes. */
        Uart->Mcr |= SERIAL_MCR_RTS;
        SerialWriteRegister(Uart, SERIAL_MCR, Uart->Mcr);
        (VOID)SerialUartReadModem(Uart);
    }
    Uart->RtsDropPending = FALSE;
    if (Uart->XCharPending && (Uart->TxHold & SERIAL_TX_LINE_HOLDS) == 0) {
        SerialWriteRegister(Uart, SERIAL_THR, Uart->XChar);
        Uart->XCharPending = FALSE;
        Uart->TxBytes++;
        Room--;
        if (Uart->XChar != Uart->Chars.XoffChar) {
            Uart->TxHold &= ~SERIAL_TX_WAITING_XOFF_SENT;
        } else if ((Uart->HandFlow.FlowReplace & (SERIAL_AUTO_RECEIVE | SERIAL_XOFF_CONTINUE)) ==
                   SERIAL_AUTO_RECEIVE) {
            /* Without XOFF_CONTINUE we fall silent too until XON is sent. */
            Uart->TxHold |= SERIAL_TX_WAITING_XOFF_SENT;
        }
    }
    if (Uart->TxHold != 0 || Uart->TxRemaining == 0) {
        return;
    }
    Count = Uart->TxRemaining < Room ? Uart->TxRemaining : Room;
    for (Index = 0; Index < Count; Index++) {
        SerialWriteRegister(Uart, SERIAL_THR, Uart->TxBuffer[Uart->TxSent + Index]);
    }
    Uart->TxSent += Count;
    Uart->TxRemaining -= Count;
    Uart->TxBytes += Count;
    if (Uart->TxRemaining == 0) {
        Uart->TxDone = TRUE;
    }
}

/* DIRQL (KeSynchronizeExecution). */
VOID
SerialUartStartTransmit(PSERIAL_UART Uart, const UCHAR *Buffer, ULONG Length)
{
    Uart->TxBuffer = Buffer;
    Uart->TxRemaining = Length;
    Uart->TxSent = 0;
    Uart->TxDone = Length == 0;
    if ((SerialReadRegister(Uart, SERIAL_LSR) & SERIAL_LSR_THRE) != 0) {
        SerialUartFillFifo(Uart);
    }
    if ((Uart->Ier & SERIAL_IER_ETBEI) == 0) {
        Uart->Ier |= SERIAL_IER_ETBEI;
        SerialWriteRegister(Uart, SERIAL_IER, Uart->Ier);
    }
}

/* DIRQL (KeSynchronizeExecution). */
ULONG
SerialUartStopTransmit(PSERIAL_UART Uart)
{
    ULONG Sent = Uart->TxSent;

    Uart->TxBuffer = NULL;
    Uart->TxRemaining = 0;
    Uart->TxSent = 0;
    Uart->TxDone = FALSE;
    return Sent;
}

/* DIRQL. Costs an LSR read only when something may go out. */
VOID
SerialUartKickTransmit(PSERIAL_UART Uart)
{
    BOOLEAN Data = Uart->TxRemaining != 0 && Uart->TxHold == 0;
    BOOLEAN XChar = Uart->XCharPending && (Uart->TxHold & SERIAL_TX_LINE_HOLDS) == 0;

    if ((Data || XChar) && (SerialReadRegister(Uart, SERIAL_LSR) & SERIAL_LSR_THRE) != 0) {
        SerialUartFillFifo(Uart);
    }
}

/* DIRQL. 8.4: THRE says the FIFO is empty, TEMT that the last bit left the
 * shift register too; RTS must stay on until then. The 16550 has no TEMT
 * interrupt, so the DPC side asks again while RtsDropPending is set. */
VOID
SerialUartTransmitterIdle(PSERIAL_UART Uart)
{
    Uart->RtsDropPending = FALSE;
    if ((Uart->HandFlow.FlowReplace & SERIAL_RTS_MASK) != SERIAL_TRANSMIT_TOGGLE ||
        (Uart->Mcr & SERIAL_MCR_RTS) == 0 || Uart->TxRemaining != 0 || Uart->XCharPending) {
        return;
    }
    if ((SerialReadRegister(Uart, SERIAL_LSR) & SERIAL_LSR_TEMT) == 0) {
        Uart->RtsDropPending = TRUE;
        return;
    }
    Uart->Mcr &= (UCHAR)~SERIAL_MCR_RTS;
    SerialWriteRegister(Uart, SERIAL_MCR, Uart->Mcr);
    (VOID)SerialUartReadModem(Uart);
}

/* DIRQL. Counts the error bits of one LSR value (8.4); reading LSR has
 * cleared them in the chip. In FIFO mode PE, FE and BI describe the byte
 * at the top of the FIFO, the one RBR gives next: they are kept for it. */
static VOID
SerialUartNoteLineStatus(PSERIAL_UART Uart, UCHAR Lsr)
{
    LONG Errors = 0;
    LONG Events = 0;

    if ((Lsr & SERIAL_LSR_ERRORS) == 0) {
        return;
    }
    if (Lsr & SERIAL_LSR_OE) {
        Uart->Overruns++;
        Errors |= SERIAL_ERROR_OVERRUN;
        Events |= SERIAL_EV_ERR;
    }
    if (Lsr & SERIAL_LSR_PE) {
        Uart->ParityErrors++;
        Errors |= SERIAL_ERROR_PARITY;
        Events |= SERIAL_EV_ERR;
    }
    if (Lsr & SERIAL_LSR_FE) {
        Uart->FramingErrors++;
        Errors |= SERIAL_ERROR_FRAMING;
        Events |= SERIAL_EV_ERR;
    }
    if (Lsr & SERIAL_LSR_BI) {
        Uart->Breaks++;
        Errors |= SERIAL_ERROR_BREAK;
        Events |= SERIAL_EV_BREAK;
    }
    if (Lsr & SERIAL_LSR_DR) {
        Uart->PendingByteErrors |= (UCHAR)(Lsr & (SERIAL_LSR_PE | SERIAL_LSR_FE | SERIAL_LSR_BI));
    }
    InterlockedOr(&Uart->Errors, Errors);
    InterlockedOr(&Uart->Events, Events);
}

/* DIRQL. One received byte through the filters (the banner's list); TRUE
 * when it went into the ring. */
static BOOLEAN
SerialUartTakeByte(PSERIAL_UART Uart, UCHAR Byte, UCHAR Errors, LONG *Events)
{
    ULONG Control = Uart->HandFlow.ControlHandShake;
    ULONG Replace = Uart->HandFlow.FlowReplace;

    if ((Control & SERIAL_DSR_SENSITIVITY) != 0 && (Uart->Msr & SERIAL_MSR_DSR) == 0) {
        return FALSE;
    }
    if (Errors & SERIAL_LSR_BI) {
        if (Replace & SERIAL_BREAK_CHAR) {
            Byte = Uart->Chars.BreakChar;
        }
    } else if ((Errors & (SERIAL_LSR_PE | SERIAL_LSR_FE)) != 0 && (Replace & SERIAL_ERROR_CHAR)) {
        Byte = Uart->Chars.ErrorChar;
    }
    if (Byte == 0 && (Replace & SERIAL_NULL_STRIPPING)) {
        return FALSE;
    }
    if ((Replace & SERIAL_AUTO_TRANSMIT) != 0 && Errors == 0) {
        if (Byte == Uart->Chars.XoffChar) {
            SerialUartHold(Uart, SERIAL_TX_WAITING_FOR_XON, TRUE);
            return FALSE;
        }
        if (Byte == Uart->Chars.XonChar) {
            SerialUartHold(Uart, SERIAL_TX_WAITING_FOR_XON, FALSE);
            return FALSE;
        }
    }
    if (Byte == Uart->Chars.EventChar) {
        *Events |= SERIAL_EV_RXFLAG;
    }
    if (!SerialRingPut(&Uart->Rx, Byte)) {
        /* The caller checked for room: only a bug gets here. */
        Uart->QueueOverruns++;
        InterlockedOr(&Uart->Errors, SERIAL_ERROR_QUEUEOVERRUN);
        return FALSE;
    }
    return TRUE;
}

/* DIRQL. Moves received bytes into the ring: reading RBR is what
 * acknowledges the RX interrupt (8.6). When the ring is full the bytes are
 * left in the chip and RX interrupts are turned off until the reader has
 * made room (SerialUartReceiveDrained): the UART's own FIFO, and upstream
 * of it whoever feeds the line, hold the rest. */
static VOID
SerialUartReceive(PSERIAL_UART Uart)
{
    ULONG Read = 0;
    ULONG Stored = 0;
    LONG Events = 0;
    UCHAR Errors;
    UCHAR Lsr;
    UCHAR Byte;

    while (Read < SERIAL_ISR_MAX_RX_BYTES) {
        Lsr = SerialReadRegister(Uart, SERIAL_LSR);
        SerialUartNoteLineStatus(Uart, Lsr);
        if ((Lsr & SERIAL_LSR_DR) == 0) {
            break;
        }
        if (SerialRingFree(&Uart->Rx) == 0) {
            Uart->RxThrottled = TRUE;
            Uart->Ier &= (UCHAR)~SERIAL_IER_ERBFI;
            SerialWriteRegister(Uart, SERIAL_IER, Uart->Ier);
            break;
        }
        Byte = SerialReadRegister(Uart, SERIAL_RBR);
        Read++;
        Errors = Uart->PendingByteErrors;
        Uart->PendingByteErrors = 0;
        if (SerialUartTakeByte(Uart, Byte, Errors, &Events)) {
            Stored++;
        }
    }
    if (Stored != 0) {
        Uart->RxBytes += Stored;
        Events |= SERIAL_EV_RXCHAR;
    }
    /* SERIAL_EV_RX80FULL: once each time the ring passes 80%. */
    if (SerialRingCount(&Uart->Rx) >= Uart->Rx.Size - Uart->Rx.Size / 5) {
        if (!Uart->Rx80Full) {
            Uart->Rx80Full = TRUE;
            Events |= SERIAL_EV_RX80FULL;
        }
    } else {
        Uart->Rx80Full = FALSE;
    }
    InterlockedOr(&Uart->Events, Events);
    if (Stored != 0) {
        SerialUartCheckInputFlow(Uart);
    }
}

/* DIRQL, holding the interrupt spin lock (the ISR). */
BOOLEAN
SerialUartServiceInterrupt(PSERIAL_UART Uart)
{
    UCHAR Iir = SerialReadRegister(Uart, SERIAL_IIR);
    ULONG Rounds = 0;
    UCHAR Lsr;

    if (Iir & SERIAL_IIR_NO_INTERRUPT) {
        return FALSE;
    }
    Uart->Interrupts++;
    do {
        switch (Iir & SERIAL_IIR_CAUSE_MASK) {
        case SERIAL_IIR_LINE_STATUS:
            /* The error belongs to the byte at the top of the FIFO: take
             * it now. A break leaves a NUL there that, in QEMU, no
             * character timeout would ever come for. */
            Lsr = SerialReadRegister(Uart, SERIAL_LSR);
            SerialUartNoteLineStatus(Uart, Lsr);
            if (Lsr & SERIAL_LSR_DR) {
                SerialUartReceive(Uart);
            }
            break;
        case SERIAL_IIR_RX_DATA:
        case SERIAL_IIR_CHAR_TIMEOUT:
            SerialUartReceive(Uart);
            break;
        case SERIAL_IIR_THR_EMPTY:
            /* Reading IIR has already cleared this cause. Data held back
             * by a handshake is not an empty transmitter. */
            if (Uart->TxRemaining != 0 || Uart->XCharPending) {
                SerialUartFillFifo(Uart);
            } else {
                InterlockedOr(&Uart->Events, SERIAL_EV_TXEMPTY);
                SerialUartTransmitterIdle(Uart);
            }
            break;
        case SERIAL_IIR_MODEM_STATUS:
            (VOID)SerialUartSampleModem(Uart);
            break;
        default:
            /* Not a cause a 16550 reports: read everything that clears
             * one, so the line cannot stay asserted. */
            SerialUartNoteLineStatus(Uart, SerialReadRegister(Uart, SERIAL_LSR));
            (VOID)SerialUartSampleModem(Uart);
            break;
        }
        Iir = SerialReadRegister(Uart, SERIAL_IIR);
    } while ((Iir & SERIAL_IIR_NO_INTERRUPT) == 0 && ++Rounds < SERIAL_ISR_MAX_ROUNDS);
    if ((Iir & SERIAL_IIR_NO_INTERRUPT) == 0) {
        /* Still interrupting (a fast peer, or an emulated UART that sends
         * a FIFO's worth at once). On an edge-triggered ISA line the
         * interrupt controller would never see INTR rise again: drop it
         * and raise it, so a new edge brings the ISR back once this call
         * has returned. */
        SerialWriteRegister(Uart, SERIAL_IER, 0);
        SerialWriteRegister(Uart, SERIAL_IER, Uart->Ier);
    }
    return TRUE;
}
