/*
 * drivers/serial/status.c - the IOCTLs that report on the port, and the
 * size of its receive buffer: GET_COMMSTATUS, GET_STATS, CLEAR_STATS,
 * GET_PROPERTIES, SET_QUEUE_SIZE, CONFIG_SIZE.
 *
 * The UART's counters only grow; the statistics (SERIALPERF_STATS) are
 * their growth since the port was opened or last cleared
 * (Extension->StatsBase). The driver never drops a received byte for lack
 * of room - with the ring full it leaves bytes in the chip (uartisr.c) -
 * so BufferOverrunErrorCount only counts what should not happen.
 */
#include "serial.h"

typedef struct _SERIAL_STATUS_REQUEST {
    PSERIAL_DEVICE_EXTENSION Extension;
    PSERIALPERF_STATS Stats;            /* GET_STATS' output; NULL to clear */
    PUCHAR Storage;                     /* SET_QUEUE_SIZE's new ring */
    ULONG Size;
    ULONG HoldReasons;
} SERIAL_STATUS_REQUEST, *PSERIAL_STATUS_REQUEST;

static KSYNCHRONIZE_ROUTINE SerialStatsSync;
static KSYNCHRONIZE_ROUTINE SerialHoldReasonsSync;
static KSYNCHRONIZE_ROUTINE SerialMoveRingSync;

/* DIRQL, holding the interrupt spin lock: the counters, not torn by the ISR. */
static BOOLEAN
SerialStatsSync(PVOID Context)
{
    PSERIAL_STATUS_REQUEST Request = Context;
    PSERIAL_UART Uart = &Request->Extension->Uart;
    SERIAL_STATS_BASE *Base = &Request->Extension->StatsBase;

    if (Request->Stats == NULL) {
        Base->RxBytes = Uart->RxBytes;
        Base->TxBytes = Uart->TxBytes;
        Base->FramingErrors = Uart->FramingErrors;
        Base->Overruns = Uart->Overruns;
        Base->QueueOverruns = Uart->QueueOverruns;
        Base->ParityErrors = Uart->ParityErrors;
        return TRUE;
    }
    Request->Stats->ReceivedCount = (ULONG)(Uart->RxBytes - Base->RxBytes);
    Request->Stats->TransmittedCount = (ULONG)(Uart->TxBytes - Base->TxBytes);
    Request->Stats->FrameErrorCount = Uart->FramingErrors - Base->FramingErrors;
    Request->Stats->SerialOverrunErrorCount = Uart->Overruns - Base->Overruns;
    Request->Stats->BufferOverrunErrorCount = Uart->QueueOverruns - Base->QueueOverruns;
    Request->Stats->ParityErrorCount = Uart->ParityErrors - Base->ParityErrors;
    return TRUE;
}

/* DIRQL, holding the interrupt spin lock. SERIAL_STATUS.HoldReasons: the
 * transmitter's, and the receiver's when DSR sensitivity drops bytes. */
static BOOLEAN
SerialHoldReasonsSync(PVOID Context)
{
    PSERIAL_STATUS_REQUEST Request = Context;
    PSERIAL_UART Uart = &Request->Extension->Uart;

    Request->HoldReasons = Uart->TxHold;
    if ((Uart->HandFlow.ControlHandShake & SERIAL_DSR_SENSITIVITY) != 0 &&
        (Uart->Msr & SERIAL_MSR_DSR) == 0) {
        Request->HoldReasons |= SERIAL_RX_WAITING_FOR_DSR;
    }
    return TRUE;
}

/* DIRQL, holding the interrupt spin lock, and the caller ServiceLock: the
 * ring's producer and consumer both stand still. */
static BOOLEAN
SerialMoveRingSync(PVOID Context)
{
    PSERIAL_STATUS_REQUEST Request = Context;

    return SerialRingMove(&Request->Extension->Uart.Rx, Request->Storage, Request->Size);
}

/* PASSIVE_LEVEL (open, CLEAR_STATS). */
VOID
SerialClearStats(PSERIAL_DEVICE_EXTENSION Extension)
{
    SERIAL_STATUS_REQUEST Request = {Extension, NULL, NULL, 0, 0};

    (VOID)SerialSynchronize(Extension, SerialStatsSync, &Request);
}

/* IRQL <= DISPATCH_LEVEL. Bytes of queued writes not yet handed to the
 * UART; whether an immediate character waits among them. */
static ULONG
SerialAmountInOutQueue(PSERIAL_DEVICE_EXTENSION Extension, PBOOLEAN ImmediateWaiting)
{
    ULONG Amount = 0;
    PLIST_ENTRY Entry;
    KIRQL OldIrql;
    PIRP Irp;

    *ImmediateWaiting = FALSE;
    KeAcquireSpinLock(&Extension->QueueLock, &OldIrql);
    for (Entry = Extension->WriteQueue.List.Flink; Entry != &Extension->WriteQueue.List;
         Entry = Entry->Flink) {
        Irp = CONTAINING_RECORD(Entry, IRP, Tail.Overlay.ListEntry);
        Amount += SerialWriteLength(Irp);
        if (Irp == Extension->TxIrp) {
            Amount -= Extension->Uart.TxSent;
        }
        if (IoGetCurrentIrpStackLocation(Irp)->MajorFunction == IRP_MJ_DEVICE_CONTROL) {
            *ImmediateWaiting = TRUE;
        }
    }
    KeReleaseSpinLock(&Extension->QueueLock, OldIrql);
    return Amount;
}

/* PASSIVE_LEVEL. IOCTL_SERIAL_GET_COMMSTATUS; reading the errors clears
 * them (and with them SERIAL_ERROR_ABORT's refusal). */
static VOID
SerialGetCommStatus(PSERIAL_DEVICE_EXTENSION Extension, PSERIAL_STATUS Status)
{
    SERIAL_STATUS_REQUEST Request = {Extension, NULL, NULL, 0, 0};
    KIRQL OldIrql;

    SerialServiceWaits(Extension);      /* collect the ISR's error bits */
    (VOID)SerialSynchronize(Extension, SerialHoldReasonsSync, &Request);
    RtlZeroMemory(Status, sizeof(*Status));
    KeAcquireSpinLock(&Extension->QueueLock, &OldIrql);
    Status->Errors = Extension->ErrorsSeen;
    Extension->ErrorsSeen = 0;
    KeReleaseSpinLock(&Extension->QueueLock, OldIrql);
    Status->HoldReasons = Request.HoldReasons;
    Status->AmountInInQueue = SerialRingCount(&Extension->Uart.Rx);
    Status->AmountInOutQueue = SerialAmountInOutQueue(Extension, &Status->WaitForImmediate);
    /* EofReceived stays FALSE: like serial.sys, the driver gives EofChar
     * no meaning (a Win32 port is always in binary mode). */
}

/* PASSIVE_LEVEL. What this UART can do, for GET_PROPERTIES. */
static VOID
SerialFillProperties(PSERIAL_DEVICE_EXTENSION Extension, PSERIAL_COMMPROP Properties)
{
    RtlZeroMemory(Properties, sizeof(*Properties));
    Properties->PacketLength = sizeof(SERIAL_COMMPROP);
    Properties->PacketVersion = 2;
    Properties->ServiceMask = SERIAL_SP_SERIALCOMM;
    Properties->MaxTxQueue = 0;                 /* writes are queued as IRPs */
    Properties->MaxRxQueue = SERIAL_RX_RING_MAX;
    Properties->MaxBaud = SERIAL_BAUD_115200;
    Properties->ProvSubType = SERIAL_SP_RS232;
    Properties->ProvCapabilities = SERIAL_PCF_DTRDSR | SERIAL_PCF_RTSCTS | SERIAL_PCF_CD |
                                   SERIAL_PCF_PARITY_CHECK | SERIAL_PCF_XONXOFF |
                                   SERIAL_PCF_SETXCHAR | SERIAL_PCF_TOTALTIMEOUTS |
                                   SERIAL_PCF_INTTIMEOUTS | SERIAL_PCF_SPECIALCHARS;
    Properties->SettableParams = SERIAL_SP_PARITY | SERIAL_SP_BAUD | SERIAL_SP_DATABITS |
                                 SERIAL_SP_STOPBITS | SERIAL_SP_HANDSHAKING |
                                 SERIAL_SP_PARITY_CHECK | SERIAL_SP_CARRIER_DETECT;
    Properties->SettableBaud = SERIAL_BAUD_075 | SERIAL_BAUD_110 | SERIAL_BAUD_134_5 |
                               SERIAL_BAUD_150 | SERIAL_BAUD_300 | SERIAL_BAUD_600 |
                               SERIAL_BAUD_1200 | SERIAL_BAUD_1800 | SERIAL_BAUD_2400 |
                               SERIAL_BAUD_4800 | SERIAL_BAUD_7200 | SERIAL_BAUD_9600 |
                               SERIAL_BAUD_14400 | SERIAL_BAUD_19200 | SERIAL_BAUD_38400 |
                               SERIAL_BAUD_57600 | SERIAL_BAUD_115200 | SERIAL_BAUD_USER;
    Properties->SettableData = SERIAL_DATABITS_5 | SERIAL_DATABITS_6 | SERIAL_DATABITS_7 |
                               SERIAL_DATABITS_8;
    Properties->SettableStopParity = SERIAL_STOPBITS_10 | SERIAL_STOPBITS_15 |
                                     SERIAL_STOPBITS_20 | SERIAL_PARITY_NONE |
                                     SERIAL_PARITY_ODD | SERIAL_PARITY_EVEN |
                                     SERIAL_PARITY_MARK | SERIAL_PARITY_SPACE;
    Properties->CurrentRxQueue = Extension->RxSize;
}

/* PASSIVE_LEVEL. IOCTL_SERIAL_SET_QUEUE_SIZE: the WDK's rule is that the
 * receive buffer grows to InSize and never shrinks. The ring's size stays
 * a power of two; what it holds moves to the new one. */
static NTSTATUS
SerialSetQueueSize(PSERIAL_DEVICE_EXTENSION Extension, const SERIAL_QUEUE_SIZE *QueueSize)
{
    SERIAL_STATUS_REQUEST Request = {Extension, NULL, NULL, SERIAL_RX_RING_SIZE, 0};
    PUCHAR Old = NULL;
    KIRQL OldIrql;

    if (QueueSize->InSize > SERIAL_RX_RING_MAX) {
        DbgPrint("Serial: COM%u: a receive buffer of %u bytes asked for; at most %u\n",
                 Extension->ComNumber, QueueSize->InSize, SERIAL_RX_RING_MAX);
        return STATUS_INVALID_PARAMETER;
    }
    while (Request.Size < QueueSize->InSize) {
        Request.Size *= 2;
    }
    if (Request.Size <= Extension->RxSize) {
        return STATUS_SUCCESS;
    }
    Request.Storage = ExAllocatePool2(POOL_FLAG_NON_PAGED, Request.Size, SERIAL_POOL_TAG);
    if (Request.Storage == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    KeAcquireSpinLock(&Extension->ServiceLock, &OldIrql);
    /* Checked again under the lock: another request may have grown it. */
    if (Request.Size > Extension->RxSize &&
        SerialSynchronize(Extension, SerialMoveRingSync, &Request)) {
        Old = Extension->RxStorage;
        Extension->RxStorage = Request.Storage;
        Extension->RxSize = Request.Size;
        Request.Storage = NULL;
    }
    KeReleaseSpinLock(&Extension->ServiceLock, OldIrql);
    if (Request.Storage != NULL) {
        ExFreePoolWithTag(Request.Storage, SERIAL_POOL_TAG);
    }
    if (Old != NULL) {
        ExFreePoolWithTag(Old, SERIAL_POOL_TAG);
    }
    return STATUS_SUCCESS;
}

/* PASSIVE_LEVEL, holding the remove lock. */
NTSTATUS
SerialStatusControl(PSERIAL_DEVICE_EXTENSION Extension, PIRP Irp, ULONG Code, ULONG InLength,
                    ULONG OutLength)
{
    SERIAL_STATUS_REQUEST Request = {Extension, NULL, NULL, 0, 0};
    PVOID Buffer = Irp->AssociatedIrp.SystemBuffer;

    switch (Code) {
    case IOCTL_SERIAL_GET_COMMSTATUS:
        if (OutLength < sizeof(SERIAL_STATUS)) {
            return STATUS_BUFFER_TOO_SMALL;
        }
        SerialGetCommStatus(Extension, Buffer);
        Irp->IoStatus.Information = sizeof(SERIAL_STATUS);
        return STATUS_SUCCESS;
    case IOCTL_SERIAL_GET_STATS:
        if (OutLength < sizeof(SERIALPERF_STATS)) {
            return STATUS_BUFFER_TOO_SMALL;
        }
        Request.Stats = Buffer;
        (VOID)SerialSynchronize(Extension, SerialStatsSync, &Request);
        Irp->IoStatus.Information = sizeof(SERIALPERF_STATS);
        return STATUS_SUCCESS;
    case IOCTL_SERIAL_CLEAR_STATS:
        SerialClearStats(Extension);
        return STATUS_SUCCESS;
    case IOCTL_SERIAL_GET_PROPERTIES:
        if (OutLength < sizeof(SERIAL_COMMPROP)) {
            return STATUS_BUFFER_TOO_SMALL;
        }
        SerialFillProperties(Extension, Buffer);
        Irp->IoStatus.Information = sizeof(SERIAL_COMMPROP);
        return STATUS_SUCCESS;
    case IOCTL_SERIAL_SET_QUEUE_SIZE:
        if (InLength < sizeof(SERIAL_QUEUE_SIZE)) {
            return STATUS_BUFFER_TOO_SMALL;
        }
        return SerialSetQueueSize(Extension, Buffer);
    case IOCTL_SERIAL_CONFIG_SIZE:
        /* The WDK: serial.sys has no provider-specific configuration and
         * always answers 0, which makes Win32 GetCommConfig build the
         * COMMCONFIG from GetCommState. */
        if (OutLength < sizeof(ULONG)) {
            return STATUS_BUFFER_TOO_SMALL;
        }
        *(PULONG)Buffer = 0;
        Irp->IoStatus.Information = sizeof(ULONG);
        return STATUS_SUCCESS;
    default:
        return STATUS_INVALID_PARAMETER;
    }
}
