/*
 * drivers/serial/ring.h - the receive ring: bytes the ISR takes from the
 * UART, waiting for a read.
 *
 * One producer (the ISR) and one consumer (the DPC side, under the
 * driver's ServiceLock) share it without a lock: each owns one counter.
 * Head counts bytes ever put, Tail bytes ever taken; both run freely and
 * wrap, so Head - Tail is the fill level even across the wrap, and Size
 * must be a power of two. The producer publishes a byte by storing Head
 * with release order after the byte; the consumer frees room by storing
 * Tail with release order after it has copied the bytes out.
 *
 * Pure logic: built into the driver and into tests/host/serial_ring.
 */
#ifndef KESTREL_DRIVERS_SERIAL_RING_H
#define KESTREL_DRIVERS_SERIAL_RING_H

#include <ntdef.h>

typedef struct _SERIAL_RING {
    PUCHAR Buffer;
    ULONG Size;                 /* a power of two */
    volatile ULONG Head;        /* written by the producer only */
    volatile ULONG Tail;        /* written by the consumer only */
} SERIAL_RING, *PSERIAL_RING;

/* Any IRQL. FALSE when Size is not a non-zero power of two. */
BOOLEAN SerialRingInitialize(_Out_ PSERIAL_RING Ring, _In_ PUCHAR Buffer, _In_ ULONG Size);

/* Producer side (the ISR). FALSE when the ring is full: the byte is not
 * stored and the caller decides what a full ring means. */
BOOLEAN SerialRingPut(_Inout_ PSERIAL_RING Ring, _In_ UCHAR Byte);

/* Either side: bytes stored and room left. Exact for the side calling
 * it; the other side can only make it better (more data, more room). */
ULONG SerialRingCount(_In_ const SERIAL_RING *Ring);
ULONG SerialRingFree(_In_ const SERIAL_RING *Ring);

/* Consumer side: copies up to Length bytes out, oldest first; returns how
 * many. Destination NULL drops them instead (purge). */
ULONG SerialRingGet(_Inout_ PSERIAL_RING Ring, _Out_writes_opt_(Length) PUCHAR Destination,
                    _In_ ULONG Length);

/* Both sides stopped (the caller holds the consumer's lock and the
 * interrupt's): the bytes stored move to Buffer, which becomes the ring.
 * FALSE, and nothing moves, when Size is not a power of two or too small
 * for them. */
BOOLEAN SerialRingMove(_Inout_ PSERIAL_RING Ring, _In_ PUCHAR Buffer, _In_ ULONG Size);

#endif /* KESTREL_DRIVERS_SERIAL_RING_H */
