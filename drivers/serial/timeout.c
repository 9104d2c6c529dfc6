/*
 * drivers/serial/timeout.c - SERIAL_TIMEOUTS arithmetic (timeout.h).
 */
#include <ntddser.h>
#include "timeout.h"

/* The longest timer the driver sets: about 29 000 years in 100 ns units,
 * far below the sign bit that would make the due time absolute. */
#define SERIAL_MAX_DUE_100NS 0x7FFFFFFFFFFFFFFFLL

/* Any IRQL. */
VOID
SerialComputeReadTiming(const SERIAL_TIMEOUTS *Timeouts, ULONG Length, PSERIAL_READ_TIMING Timing)
{
    ULONG Interval = Timeouts->ReadIntervalTimeout;
    ULONG Multiplier = Timeouts->ReadTotalTimeoutMultiplier;
    ULONG Constant = Timeouts->ReadTotalTimeoutConstant;

    Timing->Mode = SerialReadWaitForAll;
    Timing->HasTotal = FALSE;
    Timing->HasInterval = FALSE;
    Timing->TotalMs = 0;
    Timing->IntervalMs = 0;
    if (Interval == MAXULONG && Multiplier == 0 && Constant == 0) {
        Timing->Mode = SerialReadImmediate;
        return;
    }
    if (Interval == MAXULONG && Multiplier == MAXULONG && Constant != 0 && Constant != MAXULONG) {
        Timing->Mode = SerialReadAnyByte;
        Timing->HasTotal = TRUE;
        Timing->TotalMs = Constant;
        return;
    }
    if (Multiplier != 0 || Constant != 0) {
        /* 32 x 32 bits fits in 64; adding a 32-bit constant cannot wrap. */
        Timing->HasTotal = TRUE;
        Timing->TotalMs = (ULONGLONG)Multiplier * Length + Constant;
    }
    if (Interval != 0 && Interval != MAXULONG) {
        Timing->HasInterval = TRUE;
        Timing->IntervalMs = Interval;
    }
}

/* Any IRQL. */
BOOLEAN
SerialComputeWriteTimeout(const SERIAL_TIMEOUTS *Timeouts, ULONG Length, ULONGLONG *TotalMs)
{
    ULONG Multiplier = Timeouts->WriteTotalTimeoutMultiplier;
    ULONG Constant = Timeouts->WriteTotalTimeoutConstant;

    *TotalMs = (ULONGLONG)Multiplier * Length + Constant;
    return Multiplier != 0 || Constant != 0;
}

/* Any IRQL. */
LONGLONG
SerialRelativeDueTime(ULONGLONG Milliseconds)
{
    if (Milliseconds > (ULONGLONG)SERIAL_MAX_DUE_100NS / 10000) {
        return -SERIAL_MAX_DUE_100NS;
    }
    return -(LONGLONG)(Milliseconds * 10000);
}
