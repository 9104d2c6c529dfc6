/*
 * drivers/serial/queue.c - the driver's three cancel-safe queues (reads,
 * writes, wait-on-mask), over io/csq.c.
 *
 * The CSQ decides who owns a queued IRP when a cancel races a removal;
 * these callbacks only keep the list. One twist: the write at the head of
 * the write queue may be the one the UART is sending (Extension->TxIrp).
 * It stays queued, and so cancelable, while the ISR feeds its bytes to the
 * FIFO; removing it, for whatever reason, first takes its buffer away from
 * the ISR (SerialDetachTransmit), so the ISR never reads a buffer whose IRP
 * has been completed.
 */
#include "serial.h"

static IO_CSQ_INSERT_IRP_EX SerialCsqInsert;
static IO_CSQ_REMOVE_IRP SerialCsqRemove;
static IO_CSQ_PEEK_NEXT_IRP SerialCsqPeek;
static IO_CSQ_ACQUIRE_LOCK SerialCsqAcquireLock;
static IO_CSQ_RELEASE_LOCK SerialCsqReleaseLock;
static IO_CSQ_COMPLETE_CANCELED_IRP SerialCsqCompleteCanceled;

/* DISPATCH_LEVEL, holding QueueLock. TRUE when an IOCTL_SERIAL_IMMEDIATE_CHAR
 * is queued (the only IRP of the write queue that is not a write). */
static BOOLEAN
SerialImmediateQueued(PSERIAL_QUEUE Queue)
{
    PLIST_ENTRY Entry;
    PIRP Irp;

    for (Entry = Queue->List.Flink; Entry != &Queue->List; Entry = Entry->Flink) {
        Irp = CONTAINING_RECORD(Entry, IRP, Tail.Overlay.ListEntry);
        if (IoGetCurrentIrpStackLocation(Irp)->MajorFunction == IRP_MJ_DEVICE_CONTROL) {
            return TRUE;
        }
    }
    return FALSE;
}

/* DISPATCH_LEVEL, holding QueueLock. Refuses a second immediate character
 * (the WDK allows one at a time): IoCsqInsertIrpEx then leaves it to the
 * caller to complete. */
static NTSTATUS
SerialCsqInsert(PIO_CSQ Csq, PIRP Irp, PVOID InsertContext)
{
    PSERIAL_QUEUE Queue = CONTAINING_RECORD(Csq, SERIAL_QUEUE, Csq);
    PIRP Sending = Queue->Extension->TxIrp;

    if (InsertContext == SERIAL_INSERT_NEXT && SerialImmediateQueued(Queue)) {
        return STATUS_INVALID_PARAMETER;
    }
    if (InsertContext == SERIAL_INSERT_NEXT && Queue == &Queue->Extension->WriteQueue &&
        Sending != NULL) {
        /* Behind the write the UART is sending, ahead of the others. */
        InsertHeadList(&Sending->Tail.Overlay.ListEntry, &Irp->Tail.Overlay.ListEntry);
    } else if (InsertContext == SERIAL_INSERT_HEAD || InsertContext == SERIAL_INSERT_NEXT) {
        InsertHeadList(&Queue->List, &Irp->Tail.Overlay.ListEntry);
    } else {
        InsertTailList(&Queue->List, &Irp->Tail.Overlay.ListEntry);
    }
    return STATUS_SUCCESS;
}

/* DISPATCH_LEVEL, holding QueueLock. */
static VOID
SerialCsqRemove(PIO_CSQ Csq, PIRP Irp)
{
    PSERIAL_QUEUE Queue = CONTAINING_RECORD(Csq, SERIAL_QUEUE, Csq);
    PSERIAL_DEVICE_EXTENSION Extension = Queue->Extension;

    if (Queue == &Extension->WriteQueue && Irp == Extension->TxIrp) {
        SerialIrpBytes(Irp) = SerialDetachTransmit(Extension);
        Extension->TxIrp = NULL;
    }
    RemoveEntryList(&Irp->Tail.Overlay.ListEntry);
}

/* DISPATCH_LEVEL, holding QueueLock. The first IRP after Irp (from the
 * head when NULL) that matches the SERIAL_PEEK, if one is given. */
static PIRP
SerialCsqPeek(PIO_CSQ Csq, PIRP Irp, PVOID PeekContext)
{
    PSERIAL_QUEUE Queue = CONTAINING_RECORD(Csq, SERIAL_QUEUE, Csq);
    PSERIAL_PEEK Peek = PeekContext;
    PLIST_ENTRY Entry = Irp != NULL ? Irp->Tail.Overlay.ListEntry.Flink : Queue->List.Flink;
    PIRP Candidate;

    for (; Entry != &Queue->List; Entry = Entry->Flink) {
        Candidate = CONTAINING_RECORD(Entry, IRP, Tail.Overlay.ListEntry);
        if (Peek == NULL) {
            return Candidate;
        }
        if ((Peek->Irp == NULL || Peek->Irp == Candidate) &&
            (Peek->FileObject == NULL ||
             IoGetCurrentIrpStackLocation(Candidate)->FileObject == Peek->FileObject)) {
            return Candidate;
        }
    }
    return NULL;
}

/* IRQL <= DISPATCH_LEVEL; raises to DISPATCH_LEVEL. */
static VOID
SerialCsqAcquireLock(PIO_CSQ Csq, PKIRQL Irql)
{
    PSERIAL_QUEUE Queue = CONTAINING_RECORD(Csq, SERIAL_QUEUE, Csq);

    KeAcquireSpinLock(&Queue->Extension->QueueLock, Irql);
}

/* DISPATCH_LEVEL, holding QueueLock. */
static VOID
SerialCsqReleaseLock(PIO_CSQ Csq, KIRQL Irql)
{
    PSERIAL_QUEUE Queue = CONTAINING_RECORD(Csq, SERIAL_QUEUE, Csq);

    KeReleaseSpinLock(&Queue->Extension->QueueLock, Irql);
}

/* IRQL <= DISPATCH_LEVEL, no lock held. A cancelled read or write reports
 * the bytes it had moved, as Windows' serial driver does. */
static VOID
SerialCsqCompleteCanceled(PIO_CSQ Csq, PIRP Irp)
{
    UNREFERENCED_PARAMETER(Csq);
    Irp->IoStatus.Status = STATUS_CANCELLED;
    Irp->IoStatus.Information = SerialIrpBytes(Irp);
    IoCompleteRequest(Irp, IO_SERIAL_INCREMENT);
}

/* PASSIVE_LEVEL (AddDevice). */
VOID
SerialInitializeQueue(PSERIAL_QUEUE Queue, PSERIAL_DEVICE_EXTENSION Extension)
{
    InitializeListHead(&Queue->List);
    Queue->Extension = Extension;
    (VOID)IoCsqInitializeEx(&Queue->Csq, SerialCsqInsert, SerialCsqRemove, SerialCsqPeek,
                            SerialCsqAcquireLock, SerialCsqReleaseLock,
                            SerialCsqCompleteCanceled);
}

/* IRQL <= DISPATCH_LEVEL. */
NTSTATUS
SerialQueueIrp(PSERIAL_QUEUE Queue, PIRP Irp, PVOID Where)
{
    NTSTATUS Status = IoCsqInsertIrpEx(&Queue->Csq, Irp, NULL, Where);

    return NT_SUCCESS(Status) ? STATUS_PENDING : Status;
}

/* IRQL <= DISPATCH_LEVEL. */
VOID
SerialFlushQueue(PSERIAL_QUEUE Queue, PFILE_OBJECT FileObject, NTSTATUS Status)
{
    SERIAL_PEEK Peek = {FileObject, NULL};
    PIRP Irp;

    while ((Irp = IoCsqRemoveNextIrp(&Queue->Csq, &Peek)) != NULL) {
        Irp->IoStatus.Status = Status;
        Irp->IoStatus.Information = SerialIrpBytes(Irp);
        IoCompleteRequest(Irp, IO_SERIAL_INCREMENT);
    }
}
