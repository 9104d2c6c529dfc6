/*
 * hal/uart.c - the kernel debug port: a 16550 UART on COM1, polled.
 *
 * DbgPrint writes here. Polling (no interrupts, no buffers, no locks that a
 * crash could leave held) is what makes it safe at any point: before the IDT
 * exists, at HIGH_LEVEL, and inside a bugcheck.
 *
 * Registers: PC16550D data sheet (National Semiconductor, 1995), table 2.
 */
#include "hal/halp.h"

/* Register offsets from the base port (DLAB=0 unless noted). */
#define UART_THR 0 /* transmit holding register (write) */
#define UART_DLL 0 /* divisor latch low (DLAB=1) */
#define UART_IER 1 /* interrupt enable */
#define UART_DLM 1 /* divisor latch high (DLAB=1) */
#define UART_FCR 2 /* FIFO control (write) */
#define UART_LCR 3 /* line control */
#define UART_MCR 4 /* modem control */
#define UART_LSR 5 /* line status */
#define UART_SCR 7 /* scratch */

#define UART_LCR_8N1 0x03
#define UART_LCR_DLAB 0x80
#define UART_FCR_ENABLE_CLEAR 0x07 /* FIFO on, both FIFOs cleared */
#define UART_MCR_DTR_RTS 0x03
#define UART_LSR_THRE 0x20 /* transmit holding register empty */

/* 115200 baud: the 1.8432 MHz clock divided by 16 * 1. */
#define UART_DIVISOR_115200 1

/* How many LSR polls before giving up on a byte: a UART that never drains
 * (absent, or wedged) must not hang the kernel that is trying to report. */
#define UART_SPIN_LIMIT 100000

static USHORT HalpDebugPort;

static PUCHAR
HalpUartRegister(ULONG Offset)
{
    return (PUCHAR)(ULONG_PTR)(HalpDebugPort + Offset);
}

VOID
HalpDebugPortInitialize(USHORT Port)
{
    HalpDebugPort = Port;
    WRITE_PORT_UCHAR(HalpUartRegister(UART_IER), 0);
    WRITE_PORT_UCHAR(HalpUartRegister(UART_LCR), UART_LCR_DLAB);
    WRITE_PORT_UCHAR(HalpUartRegister(UART_DLL), UART_DIVISOR_115200 & 0xFF);
    WRITE_PORT_UCHAR(HalpUartRegister(UART_DLM), UART_DIVISOR_115200 >> 8);
    WRITE_PORT_UCHAR(HalpUartRegister(UART_LCR), UART_LCR_8N1);
    WRITE_PORT_UCHAR(HalpUartRegister(UART_FCR), UART_FCR_ENABLE_CLEAR);
    WRITE_PORT_UCHAR(HalpUartRegister(UART_MCR), UART_MCR_DTR_RTS);
}

USHORT
HalpDebugPortBase(VOID)
{
    return HalpDebugPort;
}

static VOID
HalpDebugPortPutByte(UCHAR Byte)
{
    ULONG Spins;

    for (Spins = 0; Spins < UART_SPIN_LIMIT; Spins++) {
        if (READ_PORT_UCHAR(HalpUartRegister(UART_LSR)) & UART_LSR_THRE) {
            break;
        }
    }
    WRITE_PORT_UCHAR(HalpUartRegister(UART_THR), Byte);
}

/* Writes Length bytes, turning "\n" into "\r\n" for terminals. */
VOID
HalpDebugPortWrite(PCSTR Text, SIZE_T Length)
{
    SIZE_T Index;

    if (HalpDebugPort == 0) {
        return;
    }
    for (Index = 0; Index < Length; Index++) {
        if (Text[Index] == '\n') {
            HalpDebugPortPutByte('\r');
        }
        HalpDebugPortPutByte((UCHAR)Text[Index]);
    }
}

VOID
HalpQemuExit(UCHAR Code)
{
    WRITE_PORT_UCHAR((PUCHAR)HAL_QEMU_EXIT_PORT, Code);
    /* Not under QEMU (or no isa-debug-exit device): stop here. */
    for (;;) {
        __asm__ __volatile__("cli; hlt");
    }
}
