/*
 * drivers/serial/uart.h - programming a 16550 (uart.c): what the chip
 * needs, with no IRPs in sight.
 *
 * SERIAL_UART is the state the ISR owns: register shadows, the receive
 * ring, the transmit buffer it refills the FIFO from, and what it found
 * (events, line errors, counters) for the DPC to pick up. Everything here
 * but the ring's consumer side runs with the interrupt spin lock held, at
 * DIRQL (the ISR, or KeSynchronizeExecution), or before the interrupt is
 * connected.
 *
 * Register access goes through SerialReadRegister/SerialWriteRegister:
 * inline port or memory accesses in the kernel, a scripted mock in
 * tests/host/serial_uart.c that fails on any access it did not expect.
 */
#ifndef KESTREL_DRIVERS_SERIAL_UART_H
#define KESTREL_DRIVERS_SERIAL_UART_H

#include <wdm.h>
#include "hw.h"
#include "ring.h"

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

    /* The write being transmitted (the DPC attaches and detaches it). */
    const UCHAR *TxBuffer;
    ULONG TxRemaining;
    ULONG TxSent;               /* bytes of it handed to the UART */
    BOOLEAN TxDone;             /* its last byte is in the FIFO */

    /* Found by the ISR, collected by the DPC with InterlockedExchange. */
    volatile LONG Events;       /* SERIAL_EV_* */
    volatile LONG Errors;       /* SERIAL_ERROR_* */

    /* Counters, for GET_COMMSTATUS, the statistics and the benchmark. */
    ULONG Overruns;
    ULONG FramingErrors;
    ULONG ParityErrors;
    ULONG Breaks;
    ULONG QueueOverruns;
    ULONG64 Interrupts;         /* ISR calls that found the UART interrupting */
    ULONG64 RxBytes;
    ULONG64 TxBytes;
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

struct _SERIAL_LINE_CONTROL;

/* The divisor latch value for BaudRate, or 0 when the 16550 cannot make
 * that rate within 1% (0, above 115200, or between two divisors). */
USHORT SerialDivisorForBaud(_In_ ULONG BaudRate);

/* The LCR value for a line control; STATUS_INVALID_PARAMETER for word
 * lengths outside 5-8, unknown parity or stop bits, and 1.5 stop bits
 * with anything but 5-bit words (8.1). */
NTSTATUS SerialLcrFromLineControl(_In_ const struct _SERIAL_LINE_CONTROL *LineControl,
                                  _Out_ PUCHAR Lcr);

/* TRUE when a 16550 answers at Base: its scratch register keeps a value
 * and IIR reports FIFOs once they are enabled. */
BOOLEAN SerialUartProbe(_Inout_ PSERIAL_UART Uart);

/* Interrupts off, FIFOs cleared and on (RX trigger 14), Divisor and Lcr
 * programmed, DTR, RTS and OUT2 set (plus LOOP when Loopback), pending
 * causes read away, then RX, line-status and modem-status interrupts on.
 * Called before the interrupt is connected or under its lock. */
VOID SerialUartInitialize(_Inout_ PSERIAL_UART Uart, _In_ USHORT Divisor, _In_ UCHAR Lcr);

/* Divisor latch and LCR, leaving everything else as it was. */
VOID SerialUartSetDivisor(_Inout_ PSERIAL_UART Uart, _In_ USHORT Divisor);
VOID SerialUartSetLcr(_Inout_ PSERIAL_UART Uart, _In_ UCHAR Lcr);
/* MCR := (MCR & ~Clear) | Set. */
VOID SerialUartSetMcr(_Inout_ PSERIAL_UART Uart, _In_ UCHAR Clear, _In_ UCHAR Set);

/* All UART interrupts off, OUT2 off (the IRQ line released): stop,
 * removal and D3. */
VOID SerialUartQuiesce(_Inout_ PSERIAL_UART Uart);

/* Hands Length bytes at Buffer to the transmitter: fills the TX FIFO at
 * once if THR is empty and enables the THRE interrupt for the rest. */
VOID SerialUartStartTransmit(_Inout_ PSERIAL_UART Uart, _In_ const UCHAR *Buffer,
                             _In_ ULONG Length);
/* Forgets the transmit buffer (cancel, purge); returns the bytes sent. */
ULONG SerialUartStopTransmit(_Inout_ PSERIAL_UART Uart);

/* RX interrupts back on after the consumer made room (flow control). */
VOID SerialUartResumeReceive(_Inout_ PSERIAL_UART Uart);
/* Clears the RX FIFO (purge). */
VOID SerialUartClearReceiveFifo(_Inout_ PSERIAL_UART Uart);

/* The body of the ISR: reads IIR until no cause is left, acknowledging
 * each cause the way 8.6 prescribes (LSR for line status, RBR into the
 * ring for received data, refilling THR for THR-empty, MSR for modem
 * status). FALSE when the UART was not interrupting (a shared line). */
BOOLEAN SerialUartServiceInterrupt(_Inout_ PSERIAL_UART Uart);

#endif /* KESTREL_DRIVERS_SERIAL_UART_H */
