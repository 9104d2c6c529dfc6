/*
 * hal/pic.c - the legacy 8259A interrupt controllers, put out of the way.
 *
 * Kestrel takes every interrupt through the local APIC and the IOAPICs.
 * The two 8259s a PC still has (ACPI MADT flag PCAT_COMPAT) come out of
 * firmware routing ISA IRQs to vectors 0x08-0x0F and 0x70-0x77; the first
 * set collides with processor exceptions. They are reinitialized to vectors
 * 0xF0-0xF7 (master) and 0xF8-0xFF (slave), which no device uses, and every
 * input is masked. The local APIC's LINT0, where the 8259 output arrives
 * in "virtual wire" mode, is masked too (hal/lapic.c), so nothing the 8259s
 * do reaches the processor; the remap makes sure that if firmware left
 * something half-delivered it lands in the spurious range, not on #DF.
 *
 * Programming sequence: Intel 8259A data sheet (order no. 231468),
 * "Initialization Command Words" ICW1-ICW4 and "Operation Command Words".
 */
#include "hal/halp.h"

/* I/O ports of the two controllers (PC/AT). */
#define PIC_MASTER_COMMAND 0x20
#define PIC_MASTER_DATA 0x21
#define PIC_SLAVE_COMMAND 0xA0
#define PIC_SLAVE_DATA 0xA1

/* ICW1: bit 4 = initialization, bit 0 = ICW4 follows; edge triggered,
 * cascaded (bit 1 = 0). */
#define PIC_ICW1_INIT 0x10
#define PIC_ICW1_ICW4 0x01
/* ICW3: the master has the slave on input 2; the slave's cascade ID is 2. */
#define PIC_ICW3_MASTER_SLAVE_ON_IR2 0x04
#define PIC_ICW3_SLAVE_ID 0x02
/* ICW4: 8086/8088 mode, normal (not automatic) EOI. */
#define PIC_ICW4_8086 0x01
/* OCW1: the interrupt mask register; 1 = masked. */
#define PIC_MASK_ALL 0xFF

/* A write to the unused POST port 0x80 takes about a microsecond on ISA:
 * old 8259s need that long between initialization words. */
static inline VOID
HalpPicDelay(VOID)
{
    WRITE_PORT_UCHAR((PUCHAR)0x80, 0);
}

static VOID
HalpPicWrite(USHORT Port, UCHAR Value)
{
    WRITE_PORT_UCHAR((PUCHAR)(ULONG_PTR)Port, Value);
    HalpPicDelay();
}

/* Runs once at boot, interrupts off. */
VOID
HalpInitializePic(VOID)
{
    HalpPicWrite(PIC_MASTER_COMMAND, PIC_ICW1_INIT | PIC_ICW1_ICW4);
    HalpPicWrite(PIC_SLAVE_COMMAND, PIC_ICW1_INIT | PIC_ICW1_ICW4);
    HalpPicWrite(PIC_MASTER_DATA, HAL_PIC_MASTER_VECTOR);      /* ICW2: vector base */
    HalpPicWrite(PIC_SLAVE_DATA, HAL_PIC_SLAVE_VECTOR);
    HalpPicWrite(PIC_MASTER_DATA, PIC_ICW3_MASTER_SLAVE_ON_IR2);
    HalpPicWrite(PIC_SLAVE_DATA, PIC_ICW3_SLAVE_ID);
    HalpPicWrite(PIC_MASTER_DATA, PIC_ICW4_8086);
    HalpPicWrite(PIC_SLAVE_DATA, PIC_ICW4_8086);
    HalpPicWrite(PIC_MASTER_DATA, PIC_MASK_ALL);               /* OCW1 */
    HalpPicWrite(PIC_SLAVE_DATA, PIC_MASK_ALL);
}
