/*
 * hal/pit.c - the 8254 programmable interval timer, as a calibration
 * reference where there is no HPET.
 *
 * Intel 8254 datasheet (order 231164): counter 2 in mode 0, "interrupt on
 * terminal count": after the count is written its OUT goes low, the count
 * runs down at 1.193182 MHz while GATE is high, and OUT goes high at zero.
 * On a PC counter 2's GATE and OUT are wired to the system control port B
 * (port 0x61, IBM PC/AT Technical Reference): bit 0 drives GATE2, bit 1
 * enables the speaker (kept off), bit 5 reads OUT2. Polling that bit needs
 * no interrupt and leaves counter 0 alone.
 */
#include "hal/halp.h"
#include "hal/timep.h"

/* 8254 ports and the control word (datasheet, "Control Word Format"). */
#define PIT_COUNTER2_PORT ((PUCHAR)0x42)
#define PIT_CONTROL_PORT ((PUCHAR)0x43)
#define PIT_SELECT_COUNTER2 (2 << 6)
#define PIT_ACCESS_LOW_THEN_HIGH (3 << 4)
#define PIT_MODE0 (0 << 1)
#define PIT_BINARY 0

/* System control port B. */
#define PIT_PORT_B ((PUCHAR)0x61)
#define PORT_B_GATE2 0x01
#define PORT_B_SPEAKER 0x02
#define PORT_B_OUT2 0x20

/* PASSIVE_LEVEL, interrupts off (the measurement must not be interrupted). */
VOID
HalpPitMeasure(USHORT Ticks, HAL_PIT_SAMPLE *Sample, PVOID Context)
{
    UCHAR PortB = READ_PORT_UCHAR(PIT_PORT_B);
    ULONG Polls = 0;

    /* Gate off and speaker off while the counter is programmed. */
    WRITE_PORT_UCHAR(PIT_PORT_B, PortB & ~(PORT_B_GATE2 | PORT_B_SPEAKER));
    WRITE_PORT_UCHAR(PIT_CONTROL_PORT,
                     PIT_SELECT_COUNTER2 | PIT_ACCESS_LOW_THEN_HIGH | PIT_MODE0 | PIT_BINARY);
    WRITE_PORT_UCHAR(PIT_COUNTER2_PORT, (UCHAR)Ticks);
    WRITE_PORT_UCHAR(PIT_COUNTER2_PORT, (UCHAR)(Ticks >> 8));

    /* Counting starts with the gate. */
    WRITE_PORT_UCHAR(PIT_PORT_B, (PortB & ~PORT_B_SPEAKER) | PORT_B_GATE2);
    Sample(Context, FALSE);
    while (!(READ_PORT_UCHAR(PIT_PORT_B) & PORT_B_OUT2)) {
        /* Each port read takes about a microsecond on real hardware; a
         * PIT that never reaches zero would hang the boot, so give up
         * after far more reads than a 55 ms count can take. */
        if (++Polls == 100000000U) {
            DbgPrint("PIT: counter 2 never reached zero; calibration is unreliable\n");
            break;
        }
    }
    Sample(Context, TRUE);
    WRITE_PORT_UCHAR(PIT_PORT_B, PortB & ~(PORT_B_GATE2 | PORT_B_SPEAKER));
}
