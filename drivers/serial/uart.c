/*
 * drivers/serial/uart.c - programming the 16550 (PC16550D data sheet,
 * National Semiconductor, June 1995; section numbers in hw.h).
 *
 * The order of the initialization follows the data sheet's rules: the
 * divisor latch is reached through LCR's DLAB bit (8.1, 8.3), the FIFOs are
 * enabled and cleared through FCR before use (8.5), and every interrupt
 * cause already pending is read away (Table III) before the interrupts are
 * enabled, so the first interrupt the driver sees is a real one.
 */
#include <ntddser.h>
#include "uart.h"

/* The receive FIFO interrupts at 14 bytes: a quarter as many interrupts as
 * a trigger of 4, with two bytes (174 us at 115200 baud) left to respond
 * before an overrun. The character timeout (8.6) delivers the tail. */
#define SERIAL_FCR_DEFAULT (SERIAL_FCR_ENABLE | SERIAL_FCR_TRIGGER_14)
#define SERIAL_IER_DEFAULT (SERIAL_IER_ERBFI | SERIAL_IER_ELSI | SERIAL_IER_EDSSI)

/* A wedged or absent device must not hold the ISR at DIRQL forever: at
 * most this many causes, and this many received bytes, per call. */
#define SERIAL_ISR_MAX_ROUNDS 32
#define SERIAL_ISR_MAX_RX_BYTES (4 * SERIAL_FIFO_DEPTH)

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

/* DIRQL or before the interrupt is connected. */
VOID
SerialUartSetMcr(PSERIAL_UART Uart, UCHAR Clear, UCHAR Set)
{
    Uart->Mcr = (UCHAR)((Uart->Mcr & ~Clear) | Set);
    SerialWriteRegister(Uart, SERIAL_MCR, Uart->Mcr);
}

/* Before the interrupt is connected (start, power-up). */
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
    /* OUT2 lets the interrupt out on a PC; LOOP is kept as it was. */
    Uart->Mcr = (UCHAR)((Uart->Mcr & SERIAL_MCR_LOOP) | SERIAL_MCR_DTR | SERIAL_MCR_RTS |
                        SERIAL_MCR_OUT2);
    SerialWriteRegister(Uart, SERIAL_MCR, Uart->Mcr);
    /* Table III: read away every cause that may be pending. */
    (VOID)SerialReadRegister(Uart, SERIAL_LSR);
    (VOID)SerialReadRegister(Uart, SERIAL_RBR);
    (VOID)SerialReadRegister(Uart, SERIAL_IIR);
    Uart->Msr = SerialReadRegister(Uart, SERIAL_MSR);
    Uart->RxThrottled = FALSE;
    Uart->Ier = SERIAL_IER_DEFAULT;
    SerialWriteRegister(Uart, SERIAL_IER, Uart->Ier);
}

/* DIRQL or PASSIVE_LEVEL after the interrupt is gone. */
VOID
SerialUartQuiesce(PSERIAL_UART Uart)
{
    Uart->Ier = 0;
    SerialWriteRegister(Uart, SERIAL_IER, 0);
    Uart->Mcr = (UCHAR)(Uart->Mcr & ~SERIAL_MCR_OUT2);
    SerialWriteRegister(Uart, SERIAL_MCR, Uart->Mcr);
}

/* DIRQL. Up to a FIFO's worth: THRE means the whole TX FIFO is empty. */
static VOID
SerialUartFillFifo(PSERIAL_UART Uart)
{
    ULONG Count = Uart->TxRemaining < SERIAL_FIFO_DEPTH ? Uart->TxRemaining : SERIAL_FIFO_DEPTH;
    ULONG Index;

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

/* DIRQL. Counts the error bits of one LSR value (8.4); reading LSR has
 * cleared them in the chip. */
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
    InterlockedOr(&Uart->Errors, Errors);
    InterlockedOr(&Uart->Events, Events);
}

/* DIRQL. Moves received bytes into the ring: reading RBR is what
 * acknowledges the RX interrupt (8.6). When the ring is full the bytes are
 * left in the chip and RX interrupts are turned off until the reader has
 * made room (SerialUartResumeReceive): the UART's own FIFO, and upstream
 * of it whoever feeds the line, hold the rest. */
static VOID
SerialUartReceive(PSERIAL_UART Uart)
{
    ULONG Count = 0;
    UCHAR Lsr;

    while (Count < SERIAL_ISR_MAX_RX_BYTES) {
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
        (VOID)SerialRingPut(&Uart->Rx, SerialReadRegister(Uart, SERIAL_RBR));
        Count++;
    }
    if (Count != 0) {
        Uart->RxBytes += Count;
        InterlockedOr(&Uart->Events, SERIAL_EV_RXCHAR);
    }
}

/* DIRQL. 8.9: the delta bits say what changed since the last read. */
static VOID
SerialUartModemStatus(PSERIAL_UART Uart)
{
    UCHAR Msr = SerialReadRegister(Uart, SERIAL_MSR);
    LONG Events = 0;

    if (Msr & SERIAL_MSR_DCTS) {
        Events |= SERIAL_EV_CTS;
    }
    if (Msr & SERIAL_MSR_DDSR) {
        Events |= SERIAL_EV_DSR;
    }
    if (Msr & SERIAL_MSR_DDCD) {
        Events |= SERIAL_EV_RLSD;
    }
    if (Msr & SERIAL_MSR_TERI) {
        Events |= SERIAL_EV_RING;
    }
    Uart->Msr = Msr;
    InterlockedOr(&Uart->Events, Events);
}

/* DIRQL, holding the interrupt spin lock (the ISR). */
BOOLEAN
SerialUartServiceInterrupt(PSERIAL_UART Uart)
{
    UCHAR Iir = SerialReadRegister(Uart, SERIAL_IIR);
    ULONG Rounds = 0;

    if (Iir & SERIAL_IIR_NO_INTERRUPT) {
        return FALSE;
    }
    Uart->Interrupts++;
    do {
        switch (Iir & SERIAL_IIR_CAUSE_MASK) {
        case SERIAL_IIR_LINE_STATUS:
            SerialUartNoteLineStatus(Uart, SerialReadRegister(Uart, SERIAL_LSR));
            break;
        case SERIAL_IIR_RX_DATA:
        case SERIAL_IIR_CHAR_TIMEOUT:
            SerialUartReceive(Uart);
            break;
        case SERIAL_IIR_THR_EMPTY:
            /* Reading IIR has already cleared this cause. */
            if (Uart->TxRemaining != 0) {
                SerialUartFillFifo(Uart);
            } else {
                InterlockedOr(&Uart->Events, SERIAL_EV_TXEMPTY);
            }
            break;
        case SERIAL_IIR_MODEM_STATUS:
            SerialUartModemStatus(Uart);
            break;
        default:
            /* Not a cause a 16550 reports: read everything that clears
             * one, so the line cannot stay asserted. */
            SerialUartNoteLineStatus(Uart, SerialReadRegister(Uart, SERIAL_LSR));
            SerialUartModemStatus(Uart);
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
