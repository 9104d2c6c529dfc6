/*
 * drivers/serial/io.c - moving bytes between the UART and the IRPs.
 *
 * The routines here run at DISPATCH_LEVEL, called from the ISR's DPC, from
 * a timeout timer's DPC, or from a dispatch routine that has just queued
 * an IRP; the read and write services hold ServiceLock. They work on the
 * IRP at the head of a queue: a read is taken out of its queue (so no
 * cancel can complete it mid-copy), filled from the receive ring and, when
 * it is not finished, put back at the head, where it is cancelable again;
 * IoCsqInsertIrpEx completes it right there if a cancel arrived while it
 * was out. A write stays queued while the ISR sends it (queue.c says why
 * that is safe).
 *
 * Reads complete when their buffer is full, when SERIAL_TIMEOUTS say so
 * (timeout.c computes the rules; the total and interval timers only wake
 * SerialServiceReads, which decides), or when cancelled. Writes complete
 * when their last byte is in the UART's FIFO.
 */
#include "serial.h"

/* Any IRQL. Milliseconds to interrupt-time units (100 ns), saturated. */
static ULONGLONG
SerialMsTo100ns(ULONGLONG Milliseconds)
{
    return Milliseconds > (~0ULL) / 20000 ? (~0ULL) / 2 : Milliseconds * 10000;
}

/* IRQL <= DISPATCH_LEVEL. Routine runs at DIRQL under the interrupt spin
 * lock, or at the caller's IRQL when no interrupt is connected. */
BOOLEAN
SerialSynchronize(PSERIAL_DEVICE_EXTENSION Extension, PKSYNCHRONIZE_ROUTINE Routine,
                  PVOID Context)
{
    if (Extension->Interrupt != NULL) {
        return KeSynchronizeExecution(Extension->Interrupt, Routine, Context);
    }
    return Routine(Context);
}

typedef struct _SERIAL_TX_CONTEXT {
    PSERIAL_DEVICE_EXTENSION Extension;
    const UCHAR *Buffer;
    ULONG Length;
    ULONG Sent;
} SERIAL_TX_CONTEXT;

static KSYNCHRONIZE_ROUTINE SerialStartTransmitSync;
static KSYNCHRONIZE_ROUTINE SerialStopTransmitSync;
static KSYNCHRONIZE_ROUTINE SerialReceiveDrainedSync;

/* DIRQL, holding the interrupt spin lock. */
static BOOLEAN
SerialStartTransmitSync(PVOID Context)
{
    SERIAL_TX_CONTEXT *Tx = Context;

    SerialUartStartTransmit(&Tx->Extension->Uart, Tx->Buffer, Tx->Length);
    return Tx->Extension->Uart.TxDone;
}

/* DIRQL, holding the interrupt spin lock. */
static BOOLEAN
SerialStopTransmitSync(PVOID Context)
{
    SERIAL_TX_CONTEXT *Tx = Context;

    Tx->Sent = SerialUartStopTransmit(&Tx->Extension->Uart);
    return TRUE;
}

/* DIRQL, holding the interrupt spin lock. */
static BOOLEAN
SerialReceiveDrainedSync(PVOID Context)
{
    SerialUartReceiveDrained(&((PSERIAL_DEVICE_EXTENSION)Context)->Uart);
    return TRUE;
}

/* IRQL <= DISPATCH_LEVEL (usually holding QueueLock). */
ULONG
SerialDetachTransmit(PSERIAL_DEVICE_EXTENSION Extension)
{
    SERIAL_TX_CONTEXT Tx = {Extension, NULL, 0, 0};

    (VOID)SerialSynchronize(Extension, SerialStopTransmitSync, &Tx);
    return Tx.Sent;
}

/* IRQL <= DISPATCH_LEVEL. Completes the IRPs on a local list, after every
 * lock is dropped. */
static VOID
SerialCompleteList(PLIST_ENTRY Done)
{
    PIRP Irp;

    while (!IsListEmpty(Done)) {
        Irp = CONTAINING_RECORD(RemoveHeadList(Done), IRP, Tail.Overlay.ListEntry);
        IoCompleteRequest(Irp, IO_SERIAL_INCREMENT);
    }
}

/* IRQL <= DISPATCH_LEVEL; takes ServiceLock. */
VOID
SerialServiceReads(PSERIAL_DEVICE_EXTENSION Extension)
{
    ULONGLONG Now = KeQueryInterruptTime();
    ULONGLONG PendingDeadline = 0;
    ULONGLONG PendingInterval = 0;
    BOOLEAN Pending = FALSE;
    SERIAL_READ_TIMING Timing;
    LIST_ENTRY Done;
    ULONG_PTR Flags;
    NTSTATUS Status;
    ULONG Length;
    ULONG Copied;
    KIRQL OldIrql;
    PIRP Irp;

    InitializeListHead(&Done);
    KeAcquireSpinLock(&Extension->ServiceLock, &OldIrql);
    while ((Irp = IoCsqRemoveNextIrp(&Extension->ReadQueue.Csq, NULL)) != NULL) {
        Length = IoGetCurrentIrpStackLocation(Irp)->Parameters.Read.Length;
        Flags = SerialIrpFlags(Irp);
        if ((Flags & SERIAL_IRP_STARTED) == 0) {
            /* The timeouts in force when the read reaches the head count. */
            SerialComputeReadTiming(&Extension->Timeouts, Length, &Timing);
            Flags = SERIAL_IRP_STARTED;
            if (Timing.Mode == SerialReadImmediate) {
                Flags |= SERIAL_IRP_IMMEDIATE;
            } else if (Timing.Mode == SerialReadAnyByte) {
                Flags |= SERIAL_IRP_ANY_BYTE;
            }
            if (Timing.HasInterval) {
                Flags |= (ULONG_PTR)Timing.IntervalMs << SERIAL_IRP_INTERVAL_SHIFT;
            }
            SerialIrpFlags(Irp) = Flags;
            SerialIrpDeadline(Irp) = Timing.HasTotal ? Now + SerialMsTo100ns(Timing.TotalMs) : 0;
        }
        Copied = (ULONG)SerialIrpBytes(Irp);
        Copied += SerialRingGet(&Extension->Uart.Rx,
                                (PUCHAR)Irp->AssociatedIrp.SystemBuffer + Copied, Length - Copied);
        if (Copied != SerialIrpBytes(Irp)) {
            Extension->LastRxTime = Now;
        }
        SerialIrpBytes(Irp) = Copied;
        PendingInterval = SerialMsTo100ns(Flags >> SERIAL_IRP_INTERVAL_SHIFT);
        if (Copied == Length || (Flags & SERIAL_IRP_IMMEDIATE) ||
            ((Flags & SERIAL_IRP_ANY_BYTE) && Copied != 0)) {
            Status = STATUS_SUCCESS;
        } else if (SerialIrpDeadline(Irp) != 0 && Now >= SerialIrpDeadline(Irp)) {
            Status = STATUS_TIMEOUT;
        } else if (PendingInterval != 0 && Copied != 0 &&
                   Now - Extension->LastRxTime >= PendingInterval) {
            Status = STATUS_TIMEOUT;
        } else {
            /* Not done: back at the head, cancelable again. */
            PendingDeadline = SerialIrpDeadline(Irp);
            if (Copied == 0) {
                PendingInterval = 0;    /* the interval starts with the first byte */
            }
            (VOID)SerialQueueIrp(&Extension->ReadQueue, Irp, SERIAL_INSERT_HEAD);
            Pending = TRUE;
            break;
        }
        Irp->IoStatus.Status = Status;
        Irp->IoStatus.Information = Copied;
        InsertTailList(&Done, &Irp->Tail.Overlay.ListEntry);
    }
    /* The timers only wake this routine; it decides. */
    if (Pending && PendingDeadline != 0) {
        LARGE_INTEGER Due;
        Due.QuadPart = -(LONGLONG)(PendingDeadline > Now ? PendingDeadline - Now : 1);
        KeSetTimer(&Extension->ReadTotalTimer, Due, &Extension->ReadTotalDpc);
    } else {
        KeCancelTimer(&Extension->ReadTotalTimer);
    }
    if (Pending && PendingInterval != 0) {
        LARGE_INTEGER Due;
        ULONGLONG Quiet = Now - Extension->LastRxTime;
        Due.QuadPart = -(LONGLONG)(PendingInterval > Quiet ? PendingInterval - Quiet : 1);
        KeSetTimer(&Extension->ReadIntervalTimer, Due, &Extension->ReadIntervalDpc);
    } else {
        KeCancelTimer(&Extension->ReadIntervalTimer);
    }
    /* Flow control: when the ring filled, the ISR stopped taking bytes or
     * held the peer back; with room again, both end. */
    if (SerialUartDrainWanted(&Extension->Uart)) {
        (VOID)SerialSynchronize(Extension, SerialReceiveDrainedSync, Extension);
    }
    KeReleaseSpinLock(&Extension->ServiceLock, OldIrql);
    SerialCompleteList(&Done);
}

/* IRQL <= DISPATCH_LEVEL; takes ServiceLock. */
VOID
SerialServiceWrites(PSERIAL_DEVICE_EXTENSION Extension)
{
    SERIAL_PEEK Peek;
    SERIAL_TX_CONTEXT Tx;
    ULONGLONG TimeoutMs;
    LIST_ENTRY Done;
    BOOLEAN Again;
    KIRQL OldIrql;
    KIRQL QueueIrql;
    PIRP Finished;
    PIRP Irp;

    InitializeListHead(&Done);
    KeAcquireSpinLock(&Extension->ServiceLock, &OldIrql);
    do {
        Again = FALSE;
        /* The write being sent: finished once its last byte is in the FIFO. */
        Finished = NULL;
        KeAcquireSpinLock(&Extension->QueueLock, &QueueIrql);
        if (Extension->TxIrp != NULL && *(volatile BOOLEAN *)&Extension->Uart.TxDone) {
            Finished = Extension->TxIrp;
            Extension->TxIrp = NULL;
            SerialIrpBytes(Finished) = SerialDetachTransmit(Extension);
        }
        KeReleaseSpinLock(&Extension->QueueLock, QueueIrql);
        if (Finished != NULL) {
            KeCancelTimer(&Extension->WriteTotalTimer);
            Peek.FileObject = NULL;
            Peek.Irp = Finished;
            /* NULL: a cancel took it first and completes it itself. */
            Irp = IoCsqRemoveNextIrp(&Extension->WriteQueue.Csq, &Peek);
            if (Irp != NULL) {
                Irp->IoStatus.Status = STATUS_SUCCESS;
                Irp->IoStatus.Information = SerialIrpBytes(Irp);
                InsertTailList(&Done, &Irp->Tail.Overlay.ListEntry);
            }
        }
        /* Idle: start the write at the head. */
        KeAcquireSpinLock(&Extension->QueueLock, &QueueIrql);
        if (Extension->TxIrp == NULL && !IsListEmpty(&Extension->WriteQueue.List) &&
            Extension->PnpState == SerialStarted) {
            Irp = CONTAINING_RECORD(Extension->WriteQueue.List.Flink, IRP, Tail.Overlay.ListEntry);
            Extension->TxIrp = Irp;
            Tx.Extension = Extension;
            Tx.Buffer = Irp->AssociatedIrp.SystemBuffer;
            Tx.Length = SerialWriteLength(Irp);
            /* A short write may be in the FIFO already: finish it now. */
            Again = SerialSynchronize(Extension, SerialStartTransmitSync, &Tx);
            if (!Again && SerialComputeWriteTimeout(&Extension->Timeouts, Tx.Length, &TimeoutMs)) {
                LARGE_INTEGER Due;
                Due.QuadPart = SerialRelativeDueTime(TimeoutMs);
                SerialIrpDeadline(Irp) = KeQueryInterruptTime() + SerialMsTo100ns(TimeoutMs);
                KeSetTimer(&Extension->WriteTotalTimer, Due, &Extension->WriteTotalDpc);
            }
        }
        KeReleaseSpinLock(&Extension->QueueLock, QueueIrql);
    } while (Again);
    KeReleaseSpinLock(&Extension->ServiceLock, OldIrql);
    SerialCompleteList(&Done);
}

/* IRQL <= DISPATCH_LEVEL; takes QueueLock. Turns what the ISR found into
 * history (events the client waits for) and errors (GET_COMMSTATUS), and
 * completes a pending WAIT_ON_MASK when its events have come. Under
 * SERIAL_ERROR_ABORT a line error cancels every read and write. */
VOID
SerialServiceWaits(PSERIAL_DEVICE_EXTENSION Extension)
{
    LONG Events = InterlockedExchange(&Extension->Uart.Events, 0);
    LONG Errors = InterlockedExchange(&Extension->Uart.Errors, 0);
    ULONG Mask = 0;
    KIRQL OldIrql;
    PIRP Irp;

    KeAcquireSpinLock(&Extension->QueueLock, &OldIrql);
    Extension->ErrorsSeen |= (ULONG)Errors;
    Extension->HistoryMask |= (ULONG)Events & Extension->WaitMask;
    if (Extension->HistoryMask != 0 && !IsListEmpty(&Extension->WaitQueue.List)) {
        Mask = Extension->HistoryMask;
        Extension->HistoryMask = 0;
    }
    KeReleaseSpinLock(&Extension->QueueLock, OldIrql);
    /* ErrorsSeen is set first: a read that comes now is refused
     * (SerialCheckErrorAbort), one that came before is cancelled here. */
    if (Errors != 0 && (Extension->Uart.HandFlow.ControlHandShake & SERIAL_ERROR_ABORT) != 0) {
        SerialFlushQueue(&Extension->ReadQueue, NULL, STATUS_CANCELLED);
        SerialFlushQueue(&Extension->WriteQueue, NULL, STATUS_CANCELLED);
    }
    if (Mask == 0) {
        return;
    }
    Irp = IoCsqRemoveNextIrp(&Extension->WaitQueue.Csq, NULL);
    if (Irp == NULL) {
        /* Cancelled meanwhile: the events stay for the next wait. */
        KeAcquireSpinLock(&Extension->QueueLock, &OldIrql);
        Extension->HistoryMask |= Mask;
        KeReleaseSpinLock(&Extension->QueueLock, OldIrql);
        return;
    }
    *(PULONG)Irp->AssociatedIrp.SystemBuffer = Mask;
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = sizeof(ULONG);
    IoCompleteRequest(Irp, IO_SERIAL_INCREMENT);
}

/* DISPATCH_LEVEL: the read total or interval timer expired. */
VOID
SerialReadTimeoutDpc(PKDPC Dpc, PVOID DeferredContext, PVOID SystemArgument1,
                     PVOID SystemArgument2)
{
    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(SystemArgument1);
    UNREFERENCED_PARAMETER(SystemArgument2);
    SerialServiceReads(DeferredContext);
}

/* DISPATCH_LEVEL: the write total timer expired. The write being sent,
 * if its deadline has passed, completes with STATUS_TIMEOUT and the bytes
 * it got out; the next one starts. */
VOID
SerialWriteTimeoutDpc(PKDPC Dpc, PVOID DeferredContext, PVOID SystemArgument1,
                      PVOID SystemArgument2)
{
    PSERIAL_DEVICE_EXTENSION Extension = DeferredContext;
    SERIAL_PEEK Peek = {NULL, NULL};
    KIRQL OldIrql;
    PIRP Irp;

    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(SystemArgument1);
    UNREFERENCED_PARAMETER(SystemArgument2);
    KeAcquireSpinLock(&Extension->QueueLock, &OldIrql);
    if (Extension->TxIrp != NULL && !Extension->Uart.TxDone &&
        KeQueryInterruptTime() >= SerialIrpDeadline(Extension->TxIrp)) {
        Peek.Irp = Extension->TxIrp;
    }
    KeReleaseSpinLock(&Extension->QueueLock, OldIrql);
    if (Peek.Irp != NULL) {
        /* Removing the current write detaches it from the ISR (queue.c). */
        Irp = IoCsqRemoveNextIrp(&Extension->WriteQueue.Csq, &Peek);
        if (Irp != NULL) {
            Irp->IoStatus.Status = STATUS_TIMEOUT;
            Irp->IoStatus.Information = SerialIrpBytes(Irp);
            IoCompleteRequest(Irp, IO_SERIAL_INCREMENT);
        }
    }
    SerialServiceWrites(Extension);
}
