/*
 * drivers/serial/timeout.h - what SERIAL_TIMEOUTS mean for one read.
 *
 * Pure logic: built into the driver and into tests/host/serial_timeout.
 */
#ifndef KESTREL_DRIVERS_SERIAL_TIMEOUT_H
#define KESTREL_DRIVERS_SERIAL_TIMEOUT_H

#include <ntdef.h>

struct _SERIAL_TIMEOUTS;

typedef enum _SERIAL_READ_MODE {
    SerialReadWaitForAll,       /* until the buffer is full (or a timeout) */
    SerialReadImmediate,        /* at once, with whatever is buffered */
    SerialReadAnyByte           /* as soon as one byte is there (or the total timeout) */
} SERIAL_READ_MODE;

typedef struct _SERIAL_READ_TIMING {
    SERIAL_READ_MODE Mode;
    BOOLEAN HasTotal;
    BOOLEAN HasInterval;
    ULONGLONG TotalMs;          /* multiplier * length + constant, without overflow */
    ULONG IntervalMs;           /* the most allowed between two received bytes */
} SERIAL_READ_TIMING, *PSERIAL_READ_TIMING;

/* Any IRQL. The WDK's rules (SERIAL_TIMEOUTS):
 *   interval MAXULONG, multiplier 0, constant 0       -> Immediate
 *   interval MAXULONG, multiplier MAXULONG,
 *     0 < constant < MAXULONG                         -> AnyByte, total = constant
 *   otherwise WaitForAll; a total timeout when multiplier or constant is
 *   non-zero (multiplier * Length + constant ms); an interval timeout when
 *   the interval is neither 0 nor MAXULONG. */
VOID SerialComputeReadTiming(_In_ const struct _SERIAL_TIMEOUTS *Timeouts, _In_ ULONG Length,
                             _Out_ PSERIAL_READ_TIMING Timing);

/* Any IRQL. The write's total timeout: multiplier * Length + constant ms;
 * FALSE when both are 0 (no timeout). */
BOOLEAN SerialComputeWriteTimeout(_In_ const struct _SERIAL_TIMEOUTS *Timeouts, _In_ ULONG Length,
                                  _Out_ ULONGLONG *TotalMs);

/* Milliseconds to the relative KeSetTimer due time (negative 100 ns
 * units), saturated so that a huge timeout stays a long wait rather than
 * wrapping into an absolute time in the past. */
LONGLONG SerialRelativeDueTime(_In_ ULONGLONG Milliseconds);

#endif /* KESTREL_DRIVERS_SERIAL_TIMEOUT_H */
