/*
 * drivers/serial/uart.h - programming a 16550: what the chip needs, with
 * no IRPs in sight.
 *
 *   uart.c      initialization, divisor, line control, modem control, quiesce
 *   uartisr.c   the body of the ISR: receive, transmit, line and modem status
 *   uartflow.c  handshake and flow control (SERIAL_HANDFLOW, SERIAL_CHARS),
 *               break, and checking what a client asks for
 *
 * SERIAL_UART is the state the ISR owns: register shadows, the receive
 * ring, the transmit buffer it refills the FIFO from, the flow-control
 * settings and state, and what it found (events, line errors, counters)
 * for the DPC to pick up. Everything here but the ring's consumer side and
 * the two Check routines runs with the interrupt spin lock held, at DIRQL
 * (the ISR, or KeSynchronizeExecution), or before the interrupt is
 * connected.
 *
 * Register access goes through SerialReadRegister/SerialWriteRegister:
 * inline port or memory accesses in the kernel, a scripted mock in
 * tests/host/serial_uart.c that fails on any access it did not expect.
 */
#ifndef KESTREL_DRIVERS_SERIAL_UART_H
#define KESTREL_DRIVERS_SERIAL_UART_H

#include <wdm.h>
#include <ntddser.h>
#include "hw.h"
#include "ring.h"

/* How the receive side is holding the peer back (SERIAL_UART.RxFlowStopped). */
#define SERIAL_RX_FLOW_DTR 0x01         /* DTR dropped (SERIAL_DTR_HANDSHAKE) */
#define SERIAL_RX_FLOW_RTS 0x02         /* RTS dropped (SERIAL_RTS_HANDSHAKE) */
#define SERIAL_RX_FLOW_XOFF 0x04        /* XOFF sent or queued (SERIAL_AUTO_RECEIVE) */

typedef struct _SERIAL_UART {
    PUCHAR Base;                /* I/O port number, or mapped registers */
    BOOLEAN MemoryMapped;       /* Base is a virtual address (MmMapIoSpace) */

    /* Shadows of the write-only or read-sensitive registers. */
    UCHAR Ier;
    UCHAR Lcr;
    UCHAR Mcr;
    UCHAR Fcr;
    UCHAR Msr;                  /* last modem status read */

    SERIAL_RING Rx;
    BOOLEAN RxThrottled;        /* the ring filled: RX interrupts are off */
    BOOLEAN Rx80Full;           /* SERIAL_EV_RX80FULL reported; cleared below 80% */
    UCHAR PendingByteErrors;    /* LSR PE/FE/BI that belong to the next byte RBR gives */

    /* Handshake and flow control as the client set them; the ISR reads
     * them directly. */
    SERIAL_HANDFLOW HandFlow;
    SERIAL_CHARS Chars;
    ULONG TxHold;               /* SERIAL_TX_WAITING_*: why the transmitter waits */
    UCHAR RxFlowStopped;        /* SERIAL_RX_FLOW_* */
    BOOLEAN XCharPending;       /* XChar goes out before any data */
    UCHAR XChar;                /* XON or XOFF */
    BOOLEAN RtsDropPending;     /* transmit toggle: RTS drops once TEMT is set */

    /* The write being transmitted (the DPC attaches and detaches it). */
    const UCHAR *TxBuffer;
    ULONG TxRemaining;
    ULONG TxSent;               /* bytes of it handed to the UART */
    BOOLEAN TxDone;             /* its last byte is in the FIFO */

    /* Found by the ISR, collected by the DPC with InterlockedExchange. */
    volatile LONG Events;       /* SERIAL_EV_* */
    volatile LONG Errors;       /* SERIAL_ERROR_* */

    /* Counters, only ever increased (the statistics subtract a snapshot). */
    ULONG Overruns;
    ULONG FramingErrors;
    ULONG ParityErrors;
    ULONG Breaks;
    ULONG QueueOverruns;
    ULONG64 Interrupts;         /* ISR calls that found the UART interrupting */
    ULONG64 RxBytes;            /* bytes put into the ring */
    ULONG64 TxBytes;            /* bytes written to THR, XON/XOFF included */
} SERIAL_UART, *PSERIAL_UART;

#ifdef KESTREL_HOST_TEST
UCHAR SerialReadRegister(PSERIAL_UART Uart, ULONG Offset);
VOID SerialWriteRegister(PSERIAL_UART Uart, ULONG Offset, UCHAR Value);
#else
/* Any IRQL: a plain register access. */
FORCEINLINE UCHAR
SerialReadRegister(PSERIAL_UART Uart, ULONG Offset)
{
    if (Uart->MemoryMapped) {
        return READ_REGISTER_UCHAR(Uart->Base + Offset);
    }
    return READ_PORT_UCHAR(Uart->Base + Offset);
}

/* Any IRQL: a plain register access. */
FORCEINLINE VOID
SerialWriteRegister(PSERIAL_UART Uart, ULONG Offset, UCHAR Value)
{
    if (Uart->MemoryMapped) {
        WRITE_REGISTER_UCHAR(Uart->Base + Offset, Value);
    } else {
        WRITE_PORT_UCHAR(Uart->Base + Offset, Value);
    }
}
#endif

/* ---- uart.c ---- */

/* Any IRQL. Zeroes the state and sets the defaults of a new port: DTR and
 * RTS on, no handshake, XON 0x11 and XOFF 0x13, the flow limits at a
 * quarter of the ring, which is built on RxStorage (RxSize a power of two). */
VOID SerialUartInitializeState(_Out_ PSERIAL_UART Uart, _In_ PUCHAR RxStorage, _In_ ULONG RxSize);

/* The divisor latch value for BaudRate, or 0 when the 16550 cannot make
 * that rate within 1% (0, above 115200, or between two divisors). */
USHORT SerialDivisorForBaud(_In_ ULONG BaudRate);

/* The LCR value for a line control; STATUS_INVALID_PARAMETER for word
 * lengths outside 5-8, unknown parity or stop bits, and 1.5 stop bits
 * with anything but 5-bit words (8.1). */
NTSTATUS SerialLcrFromLineControl(_In_ const SERIAL_LINE_CONTROL *LineControl, _Out_ PUCHAR Lcr);

/* TRUE when a 16550 answers at Base: its scratch register keeps a value. */
BOOLEAN SerialUartProbe(_Inout_ PSERIAL_UART Uart);

/* Interrupts off, FIFOs cleared and on (RX trigger 14), Divisor and Lcr
 * programmed, DTR and RTS as the handshake settings want, OUT2 (plus LOOP
 * when it was on), flow state reset, pending causes read away, then RX,
 * line-status and modem-status interrupts on. Called before the interrupt
 * is connected or under its lock. */
VOID SerialUartInitialize(_Inout_ PSERIAL_UART Uart, _In_ USHORT Divisor, _In_ UCHAR Lcr);

/* Divisor latch and LCR, leaving everything else as it was. */
VOID SerialUartSetDivisor(_Inout_ PSERIAL_UART Uart, _In_ USHORT Divisor);
VOID SerialUartSetLcr(_Inout_ PSERIAL_UART Uart, _In_ UCHAR Lcr);
/* MCR := (MCR & ~Clear) | Set, then the modem inputs read again: in
 * loopback they follow the outputs, and a handshake may now let the
 * transmitter go. */
VOID SerialUartSetMcr(_Inout_ PSERIAL_UART Uart, _In_ UCHAR Clear, _In_ UCHAR Set);
/* MCR's DTR and RTS bits as the handshake settings and the flow state want. */
UCHAR SerialUartControlLines(_In_ const SERIAL_UART *Uart);

/* All UART interrupts off, OUT2 off (the IRQ line released): stop,
 * removal and D3. */
VOID SerialUartQuiesce(_Inout_ PSERIAL_UART Uart);

/* RX interrupts back on after the consumer made room (flow control). */
VOID SerialUartResumeReceive(_Inout_ PSERIAL_UART Uart);
/* Clears the RX FIFO (purge). */
VOID SerialUartClearReceiveFifo(_Inout_ PSERIAL_UART Uart);

/* ---- uartisr.c ---- */

/* Hands Length bytes at Buffer to the transmitter: fills the TX FIFO at
 * once if THR is empty and nothing holds the transmitter, and enables the
 * THRE interrupt for the rest. */
VOID SerialUartStartTransmit(_Inout_ PSERIAL_UART Uart, _In_ const UCHAR *Buffer,
                             _In_ ULONG Length);
/* Forgets the transmit buffer (cancel, purge); returns the bytes sent. */
ULONG SerialUartStopTransmit(_Inout_ PSERIAL_UART Uart);
/* Sends what is waiting (an XON/XOFF, the rest of the write) if THR is
 * empty and nothing holds it: after a hold was lifted. */
VOID SerialUartKickTransmit(_Inout_ PSERIAL_UART Uart);
/* Transmit toggle: drops RTS once the shift register is empty (TEMT);
 * until then RtsDropPending stays set and the caller asks again later. */
VOID SerialUartTransmitterIdle(_Inout_ PSERIAL_UART Uart);

/* Reads MSR (8.9): its deltas, and any change of the inputs since the last
 * read, become events; the output handshakes are re-evaluated. Returns the
 * value read. The transmitter is kicked when a hold went away. */
UCHAR SerialUartSampleModem(_Inout_ PSERIAL_UART Uart);

/* The body of the ISR: reads IIR until no cause is left, acknowledging
 * each cause the way 8.6 prescribes (LSR for line status, RBR into the
 * ring for received data, refilling THR for THR-empty, MSR for modem
 * status). FALSE when the UART was not interrupting (a shared line). */
BOOLEAN SerialUartServiceInterrupt(_Inout_ PSERIAL_UART Uart);

/* ---- uartflow.c ---- */

/* Any IRQL, pure. STATUS_INVALID_PARAMETER for reserved bits, DTR control
 * and DTR handshake together, or limits outside 0..BufferSize. */
NTSTATUS SerialCheckHandFlow(_In_ const SERIAL_HANDFLOW *HandFlow, _In_ ULONG BufferSize);
/* Any IRQL, pure. STATUS_INVALID_PARAMETER when XonChar equals XoffChar. */
NTSTATUS SerialCheckChars(_In_ const SERIAL_CHARS *Chars);

/* New handshake settings (checked already): DTR and RTS set as they say,
 * holds re-evaluated, input flow control stopped or resumed as the ring's
 * level and the new limits want. */
VOID SerialUartSetHandFlow(_Inout_ PSERIAL_UART Uart, _In_ const SERIAL_HANDFLOW *HandFlow);
VOID SerialUartSetChars(_Inout_ PSERIAL_UART Uart, _In_ const SERIAL_CHARS *Chars);
/* Recomputes the CTS/DSR/DCD holds from Msr; TRUE when one went away. */
BOOLEAN SerialUartUpdateModemHolds(_Inout_ PSERIAL_UART Uart);
/* Sets or clears Reason in TxHold (break, XOFF received or emulated) and
 * kicks the transmitter when the last hold goes. */
VOID SerialUartHold(_Inout_ PSERIAL_UART Uart, _In_ ULONG Reason, _In_ BOOLEAN On);
/* LCR's break bit, and the transmitter held while it is on. */
VOID SerialUartSetBreak(_Inout_ PSERIAL_UART Uart, _In_ BOOLEAN On);
/* After bytes went into the ring (the ISR): stops the peer when fewer
 * than XoffLimit bytes are free. */
VOID SerialUartCheckInputFlow(_Inout_ PSERIAL_UART Uart);
/* After the consumer took bytes out: RX interrupts back on when the ring
 * is half empty again, and the peer let go when XonLimit or fewer bytes
 * are left. */
VOID SerialUartReceiveDrained(_Inout_ PSERIAL_UART Uart);
/* TRUE when SerialUartReceiveDrained has something to do (read without
 * the lock; the routine checks again under it). */
BOOLEAN SerialUartDrainWanted(_In_ const SERIAL_UART *Uart);

#endif /* KESTREL_DRIVERS_SERIAL_UART_H */
