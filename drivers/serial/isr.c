/*
 * drivers/serial/isr.c - the interrupt service routine and its DPC.
 *
 * The ISR does only what the UART needs before the line can drop: it reads
 * IIR, acknowledges each cause (8.6 of the data sheet; uartisr.c has the
 * details: received bytes go into the ring, because reading RBR is the
 * acknowledgement; THR is refilled from the write being sent), counts the
 * interrupt and queues the DPC. Every IRP is completed in the DPC, at
 * DISPATCH_LEVEL, never at DIRQL. Transmit toggle's RTS timer is here
 * too: it finishes what the ISR could not (the 16550 has no interrupt for
 * an empty shift register).
 */
#include "serial.h"

/* How often transmit toggle looks for TEMT: a character time at 9600 baud. */
#define SERIAL_RTS_POLL_100NS 10000

static KSYNCHRONIZE_ROUTINE SerialTransmitterIdleSync;

/* DIRQL, holding the interrupt spin lock; must not touch the IRP queues.
 * FALSE when the UART did not interrupt (the line may be shared). */
BOOLEAN
SerialIsr(PKINTERRUPT Interrupt, PVOID ServiceContext)
{
    PSERIAL_DEVICE_EXTENSION Extension = ServiceContext;

    UNREFERENCED_PARAMETER(Interrupt);
    if (!SerialUartServiceInterrupt(&Extension->Uart)) {
        return FALSE;
    }
    KeInsertQueueDpc(&Extension->IsrDpc, NULL, NULL);
    return TRUE;
}

/* DISPATCH_LEVEL, no lock held: finishes what the ISR started. Writes
 * first, so the transmitter is busy again as early as possible. */
VOID
SerialIsrDpc(PKDPC Dpc, PVOID DeferredContext, PVOID SystemArgument1, PVOID SystemArgument2)
{
    PSERIAL_DEVICE_EXTENSION Extension = DeferredContext;

    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(SystemArgument1);
    UNREFERENCED_PARAMETER(SystemArgument2);
    Extension->DpcCount++;
    SerialServiceWrites(Extension);
    SerialServiceReads(Extension);
    SerialServiceWaits(Extension);
    if (Extension->Uart.RtsDropPending) {
        LARGE_INTEGER Due = {.QuadPart = -SERIAL_RTS_POLL_100NS};
        KeSetTimer(&Extension->RtsToggleTimer, Due, &Extension->RtsToggleDpc);
    }
}

/* DIRQL, holding the interrupt spin lock. */
static BOOLEAN
SerialTransmitterIdleSync(PVOID Context)
{
    SerialUartTransmitterIdle(&((PSERIAL_DEVICE_EXTENSION)Context)->Uart);
    return TRUE;
}

/* DISPATCH_LEVEL: transmit toggle's RTS waits for the shift register to
 * empty (8.4, TEMT), which raises no interrupt: look again, and again
 * later while it has not. */
VOID
SerialRtsToggleDpc(PKDPC Dpc, PVOID DeferredContext, PVOID SystemArgument1,
                   PVOID SystemArgument2)
{
    PSERIAL_DEVICE_EXTENSION Extension = DeferredContext;

    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(SystemArgument1);
    UNREFERENCED_PARAMETER(SystemArgument2);
    if (Extension->Interrupt == NULL) {
        return;                         /* stopped meanwhile */
    }
    (VOID)SerialSynchronize(Extension, SerialTransmitterIdleSync, Extension);
    if (Extension->Uart.RtsDropPending) {
        LARGE_INTEGER Due = {.QuadPart = -SERIAL_RTS_POLL_100NS};
        KeSetTimer(&Extension->RtsToggleTimer, Due, &Extension->RtsToggleDpc);
    }
}
