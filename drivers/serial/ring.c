/*
 * drivers/serial/ring.c - the receive ring (ring.h says who may call what).
 */
#include "ring.h"

/* Any IRQL. */
BOOLEAN
SerialRingInitialize(PSERIAL_RING Ring, PUCHAR Buffer, ULONG Size)
{
    if (Buffer == NULL || Size == 0 || (Size & (Size - 1)) != 0) {
        return FALSE;
    }
    Ring->Buffer = Buffer;
    Ring->Size = Size;
    Ring->Head = 0;
    Ring->Tail = 0;
    return TRUE;
}

/* Any IRQL. Both counters run freely, so unsigned subtraction gives the
 * fill level across the 2^32 wrap. */
ULONG
SerialRingCount(const SERIAL_RING *Ring)
{
    ULONG Head = __atomic_load_n(&Ring->Head, __ATOMIC_ACQUIRE);
    ULONG Tail = __atomic_load_n(&Ring->Tail, __ATOMIC_ACQUIRE);

    return Head - Tail;
}

/* Any IRQL. */
ULONG
SerialRingFree(const SERIAL_RING *Ring)
{
    return Ring->Size - SerialRingCount(Ring);
}

/* DIRQL (the ISR): the only writer of Head. */
BOOLEAN
SerialRingPut(PSERIAL_RING Ring, UCHAR Byte)
{
    ULONG Head = Ring->Head;
    ULONG Tail = __atomic_load_n(&Ring->Tail, __ATOMIC_ACQUIRE);

    if (Head - Tail >= Ring->Size) {
        return FALSE;
    }
    Ring->Buffer[Head & (Ring->Size - 1)] = Byte;
    /* The byte must be visible before the count that covers it. */
    __atomic_store_n(&Ring->Head, Head + 1, __ATOMIC_RELEASE);
    return TRUE;
}

/* DISPATCH_LEVEL or below, the consumer only: the only writer of Tail.
 * Copies in at most two pieces: up to the end of the buffer, then from
 * its start. */
ULONG
SerialRingGet(PSERIAL_RING Ring, PUCHAR Destination, ULONG Length)
{
    ULONG Tail = Ring->Tail;
    ULONG Available = __atomic_load_n(&Ring->Head, __ATOMIC_ACQUIRE) - Tail;
    ULONG Count = Length < Available ? Length : Available;
    ULONG Offset = Tail & (Ring->Size - 1);
    ULONG First = Ring->Size - Offset;

    if (First > Count) {
        First = Count;
    }
    if (Destination != NULL && Count != 0) {
        __builtin_memcpy(Destination, Ring->Buffer + Offset, First);
        __builtin_memcpy(Destination + First, Ring->Buffer, Count - First);
    }
    /* The bytes are out before the producer may overwrite them. */
    __atomic_store_n(&Ring->Tail, Tail + Count, __ATOMIC_RELEASE);
    return Count;
}

/* Any IRQL, both sides stopped. */
BOOLEAN
SerialRingMove(PSERIAL_RING Ring, PUCHAR Buffer, ULONG Size)
{
    ULONG Count = SerialRingCount(Ring);

    if (Buffer == NULL || Size == 0 || (Size & (Size - 1)) != 0 || Size < Count) {
        return FALSE;
    }
    (VOID)SerialRingGet(Ring, Buffer, Count);
    Ring->Buffer = Buffer;
    Ring->Size = Size;
    Ring->Tail = 0;
    Ring->Head = Count;
    return TRUE;
}
