/*
 * drivers/serial/hw.h - the 16550 UART's registers.
 *
 * From the PC16550D data sheet (National Semiconductor, "PC16550D Universal
 * Asynchronous Receiver/Transmitter with FIFOs", June 1995): Table II
 * summarizes the registers; section 8 describes each one. Offsets are from
 * the base of the port range the PnP manager hands the driver (eight
 * consecutive registers, one byte apart). Nothing here names a port: the
 * same 16550 sits at any address on any bus.
 */
#ifndef KESTREL_DRIVERS_SERIAL_HW_H
#define KESTREL_DRIVERS_SERIAL_HW_H

#define SERIAL_REGISTER_SPAN 8      /* bytes of register space a 16550 decodes */

/* Table II: register offsets. DLAB is LCR bit 7. */
#define SERIAL_RBR 0    /* receiver buffer (read, DLAB=0) */
#define SERIAL_THR 0    /* transmitter holding (write, DLAB=0) */
#define SERIAL_DLL 0    /* divisor latch LSB (DLAB=1) */
#define SERIAL_IER 1    /* interrupt enable (DLAB=0) */
#define SERIAL_DLM 1    /* divisor latch MSB (DLAB=1) */
#define SERIAL_IIR 2    /* interrupt identification (read) */
#define SERIAL_FCR 2    /* FIFO control (write) */
#define SERIAL_LCR 3    /* line control */
#define SERIAL_MCR 4    /* modem control */
#define SERIAL_LSR 5    /* line status */
#define SERIAL_MSR 6    /* modem status */
#define SERIAL_SCR 7    /* scratch */

/* 8.1 Line Control Register. Bits 0-1 word length (5 + value), bit 2
 * stop bits (1, or 2 - 1.5 with 5-bit words), bits 3-5 parity, bit 6
 * break, bit 7 divisor latch access. */
#define SERIAL_LCR_WORD_5 0x00
#define SERIAL_LCR_WORD_6 0x01
#define SERIAL_LCR_WORD_7 0x02
#define SERIAL_LCR_WORD_8 0x03
#define SERIAL_LCR_STOP_2 0x04
#define SERIAL_LCR_PARITY_ENABLE 0x08
#define SERIAL_LCR_PARITY_EVEN 0x10
#define SERIAL_LCR_PARITY_STICK 0x20
#define SERIAL_LCR_BREAK 0x40
#define SERIAL_LCR_DLAB 0x80

/* 8.3 Programmable Baud Generator: divisor = clock / (16 * baud). The PC's
 * 1.8432 MHz crystal makes 115200 baud the divisor-1 rate. */
#define SERIAL_CLOCK_HZ 1843200
#define SERIAL_MAX_BAUD (SERIAL_CLOCK_HZ / 16)

/* 8.4 Line Status Register. */
#define SERIAL_LSR_DR 0x01      /* data ready: RBR or the RX FIFO holds a byte */
#define SERIAL_LSR_OE 0x02      /* overrun: a byte was lost */
#define SERIAL_LSR_PE 0x04      /* parity error (of the byte at the FIFO's top) */
#define SERIAL_LSR_FE 0x08      /* framing error: no valid stop bit */
#define SERIAL_LSR_BI 0x10      /* break: line held low for a whole character */
#define SERIAL_LSR_THRE 0x20    /* THR / TX FIFO empty */
#define SERIAL_LSR_TEMT 0x40    /* THR and shift register both empty */
#define SERIAL_LSR_FIFO_ERROR 0x80
#define SERIAL_LSR_ERRORS (SERIAL_LSR_OE | SERIAL_LSR_PE | SERIAL_LSR_FE | SERIAL_LSR_BI)

/* 8.5 FIFO Control Register. Bits 6-7 set the RX FIFO's trigger level:
 * the RX interrupt comes when this many bytes wait (or, for fewer, after
 * four character times of silence: the character timeout, 8.6). */
#define SERIAL_FCR_ENABLE 0x01
#define SERIAL_FCR_CLEAR_RX 0x02
#define SERIAL_FCR_CLEAR_TX 0x04
#define SERIAL_FCR_TRIGGER_1 0x00
#define SERIAL_FCR_TRIGGER_4 0x40
#define SERIAL_FCR_TRIGGER_8 0x80
#define SERIAL_FCR_TRIGGER_14 0xC0
#define SERIAL_FIFO_DEPTH 16    /* bytes in each FIFO */

/* 8.6 Interrupt Identification Register and Table III. Bit 0 is clear
 * while an interrupt is pending; bits 1-3 name the highest-priority
 * cause; bits 6-7 are set when the FIFOs are enabled. What clears each:
 *   line status   (0x6): reading LSR
 *   RX data       (0x4): reading RBR below the trigger level
 *   char timeout  (0xC): reading RBR
 *   THR empty     (0x2): reading IIR (when it is the cause) or writing THR
 *   modem status  (0x0): reading MSR */
#define SERIAL_IIR_NO_INTERRUPT 0x01
#define SERIAL_IIR_CAUSE_MASK 0x0E
#define SERIAL_IIR_MODEM_STATUS 0x00
#define SERIAL_IIR_THR_EMPTY 0x02
#define SERIAL_IIR_RX_DATA 0x04
#define SERIAL_IIR_LINE_STATUS 0x06
#define SERIAL_IIR_CHAR_TIMEOUT 0x0C
#define SERIAL_IIR_FIFOS_ENABLED 0xC0

/* 8.7 Interrupt Enable Register. */
#define SERIAL_IER_ERBFI 0x01   /* received data available (and char timeout) */
#define SERIAL_IER_ETBEI 0x02   /* transmitter holding register empty */
#define SERIAL_IER_ELSI 0x04    /* receiver line status */
#define SERIAL_IER_EDSSI 0x08   /* modem status */

/* 8.8 Modem Control Register. OUT2 is wired, on PC serial ports, to the
 * buffer that drives the UART's INTR pin onto the ISA IRQ line: without it
 * no interrupt reaches the interrupt controller. LOOP connects TX to RX
 * and the modem outputs to the modem inputs inside the chip. */
#define SERIAL_MCR_DTR 0x01
#define SERIAL_MCR_RTS 0x02
#define SERIAL_MCR_OUT1 0x04
#define SERIAL_MCR_OUT2 0x08
#define SERIAL_MCR_LOOP 0x10

/* 8.9 Modem Status Register: bits 0-3 say which input changed since the
 * last read, bits 4-7 are the inputs' current state. */
#define SERIAL_MSR_DCTS 0x01
#define SERIAL_MSR_DDSR 0x02
#define SERIAL_MSR_TERI 0x04
#define SERIAL_MSR_DDCD 0x08
#define SERIAL_MSR_CTS 0x10
#define SERIAL_MSR_DSR 0x20
#define SERIAL_MSR_RI 0x40
#define SERIAL_MSR_DCD 0x80

#endif /* KESTREL_DRIVERS_SERIAL_HW_H */
