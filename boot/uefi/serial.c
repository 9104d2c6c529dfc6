/*
 * boot/uefi/serial.c - COM1 by port I/O, for after ExitBootServices.
 *
 * Once boot services are gone, ConOut may not be called (UEFI 2.10, 7.4.6),
 * but the loader still has a line or two to say ("entering the kernel", or
 * why it cannot). The firmware has already programmed COM1; this only
 * waits for the transmitter and writes bytes (16550 UART: THR at +0, LSR at
 * +5 with bit 5 = transmit holding register empty). Before ExitBootServices
 * the loader writes only through ConOut, which OVMF mirrors onto COM1, so
 * nothing is printed twice.
 */
#include "boot/uefi/loader.h"

#define COM1 0x3F8
#define UART_LSR 5
#define UART_LSR_THRE 0x20

static inline UINT8
LdrpInb(UINT16 Port)
{
    UINT8 Value;

    __asm__ __volatile__("inb %1, %0" : "=a"(Value) : "Nd"(Port));
    return Value;
}

static inline VOID
LdrpOutb(UINT16 Port, UINT8 Value)
{
    __asm__ __volatile__("outb %0, %1" : : "a"(Value), "Nd"(Port));
}

/* Runs anywhere. Bounded wait: with no UART at COM1 the text is dropped. */
static VOID
LdrpSerialPut(char Character)
{
    for (UINT32 Spin = 0; Spin < 100000; Spin++) {
        if (LdrpInb(COM1 + UART_LSR) & UART_LSR_THRE) {
            break;
        }
    }
    LdrpOutb(COM1, (UINT8)Character);
}

/* Runs anywhere. LF becomes CR LF. */
VOID
LdrSerialPuts(const char *Text)
{
    for (; *Text != '\0'; Text++) {
        if (*Text == '\n') {
            LdrpSerialPut('\r');
        }
        LdrpSerialPut(*Text);
    }
}

/* Runs anywhere. */
VOID
LdrSerialHex(UINT64 Value)
{
    char Digits[19];
    int Index = 18;

    Digits[Index] = '\0';
    do {
        Digits[--Index] = "0123456789ABCDEF"[Value & 0xF];
        Value >>= 4;
    } while (Value != 0);
    Digits[--Index] = 'x';
    Digits[--Index] = '0';
    LdrSerialPuts(&Digits[Index]);
}

/* Runs anywhere. */
VOID
LdrSerialDecimal(UINT64 Value)
{
    char Digits[21];
    int Index = 20;

    Digits[Index] = '\0';
    do {
        Digits[--Index] = (char)('0' + Value % 10);
        Value /= 10;
    } while (Value != 0);
    LdrSerialPuts(&Digits[Index]);
}

/* Runs after a call to ExitBootServices, successful or not: there is no
 * firmware left to return to, so the loader says why and stops. */
VOID
LdrHaltAfterExit(const char *Why)
{
    LdrSerialPuts(LDR_NAME ": ");
    LdrSerialPuts(Why);
    LdrSerialPuts("\n" LDR_NAME ": cannot continue; halting.\n");
    for (;;) {
        __asm__ __volatile__("cli; hlt");
    }
}
