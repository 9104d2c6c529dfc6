/*
 * drivers/serial/ioctl.c - IRP_MJ_DEVICE_CONTROL: the ntddser.h requests.
 *
 * All are METHOD_BUFFERED: input and output share SystemBuffer. A buffer
 * too small for the structure is STATUS_BUFFER_TOO_SMALL; a value the
 * UART cannot take is STATUS_INVALID_PARAMETER; both leave the port as it
 * was. Register changes run under the interrupt spin lock
 * (KeSynchronizeExecution), since the ISR writes IER and reads LCR's
 * shadow too.
 */
#include "serial.h"

#define SERIAL_VALID_EVENTS 0x1FFF
#define SERIAL_VALID_PURGE \
    (SERIAL_PURGE_TXABORT | SERIAL_PURGE_RXABORT | SERIAL_PURGE_TXCLEAR | SERIAL_PURGE_RXCLEAR)

typedef struct _SERIAL_REGISTER_CONTEXT {
    PSERIAL_DEVICE_EXTENSION Extension;
    UCHAR Clear;
    UCHAR Set;
    USHORT Divisor;
    UCHAR Result;
} SERIAL_REGISTER_CONTEXT, *PSERIAL_REGISTER_CONTEXT;

static KSYNCHRONIZE_ROUTINE SerialSetDivisorSync;
static KSYNCHRONIZE_ROUTINE SerialSetLcrSync;
static KSYNCHRONIZE_ROUTINE SerialSetMcrSync;
static KSYNCHRONIZE_ROUTINE SerialReadMsrSync;
static KSYNCHRONIZE_ROUTINE SerialClearRxFifoSync;

/* DIRQL, holding the interrupt spin lock (all five). */
static BOOLEAN
SerialSetDivisorSync(PVOID Context)
{
    PSERIAL_REGISTER_CONTEXT Register = Context;

    SerialUartSetDivisor(&Register->Extension->Uart, Register->Divisor);
    return TRUE;
}

static BOOLEAN
SerialSetLcrSync(PVOID Context)
{
    PSERIAL_REGISTER_CONTEXT Register = Context;
    PSERIAL_UART Uart = &Register->Extension->Uart;

    SerialUartSetLcr(Uart, (UCHAR)((Uart->Lcr & ~Register->Clear) | Register->Set));
    return TRUE;
}

static BOOLEAN
SerialSetMcrSync(PVOID Context)
{
    PSERIAL_REGISTER_CONTEXT Register = Context;

    SerialUartSetMcr(&Register->Extension->Uart, Register->Clear, Register->Set);
    Register->Result = Register->Extension->Uart.Mcr;
    return TRUE;
}

static BOOLEAN
SerialReadMsrSync(PVOID Context)
{
    PSERIAL_REGISTER_CONTEXT Register = Context;
    PSERIAL_UART Uart = &Register->Extension->Uart;

    /* Reading MSR clears its delta bits: keep what they said for the
     * next wait, as the ISR would have. */
    Uart->Msr = SerialReadRegister(Uart, SERIAL_MSR);
    Register->Result = Uart->Msr;
    return TRUE;
}

static BOOLEAN
SerialClearRxFifoSync(PVOID Context)
{
    SerialUartClearReceiveFifo(&((PSERIAL_REGISTER_CONTEXT)Context)->Extension->Uart);
    return TRUE;
}

/* IRQL <= DISPATCH_LEVEL. Bytes of queued writes not yet handed to the UART. */
static ULONG
SerialAmountInOutQueue(PSERIAL_DEVICE_EXTENSION Extension)
{
    ULONG Amount = 0;
    PLIST_ENTRY Entry;
    KIRQL OldIrql;
    PIRP Irp;

    KeAcquireSpinLock(&Extension->QueueLock, &OldIrql);
    for (Entry = Extension->WriteQueue.List.Flink; Entry != &Extension->WriteQueue.List;
         Entry = Entry->Flink) {
        Irp = CONTAINING_RECORD(Entry, IRP, Tail.Overlay.ListEntry);
        Amount += IoGetCurrentIrpStackLocation(Irp)->Parameters.Write.Length;
        if (Irp == Extension->TxIrp) {
            Amount -= Extension->Uart.TxSent;
        }
    }
    KeReleaseSpinLock(&Extension->QueueLock, OldIrql);
    return Amount;
}

/* PASSIVE_LEVEL. What this UART can do, for GET_PROPERTIES. */
static VOID
SerialFillProperties(PSERIAL_COMMPROP Properties)
{
    RtlZeroMemory(Properties, sizeof(*Properties));
    Properties->PacketLength = sizeof(SERIAL_COMMPROP);
    Properties->PacketVersion = 2;
    Properties->ServiceMask = SERIAL_SP_SERIALCOMM;
    Properties->MaxTxQueue = 0;                 /* writes are queued as IRPs */
    Properties->MaxRxQueue = SERIAL_RX_RING_SIZE;
    Properties->MaxBaud = SERIAL_BAUD_115200;
    Properties->ProvSubType = SERIAL_SP_RS232;
    Properties->ProvCapabilities = SERIAL_PCF_DTRDSR | SERIAL_PCF_RTSCTS | SERIAL_PCF_CD |
                                   SERIAL_PCF_PARITY_CHECK | SERIAL_PCF_TOTALTIMEOUTS |
                                   SERIAL_PCF_INTTIMEOUTS;
    Properties->SettableParams = SERIAL_SP_PARITY | SERIAL_SP_BAUD | SERIAL_SP_DATABITS |
                                 SERIAL_SP_STOPBITS | SERIAL_SP_PARITY_CHECK |
                                 SERIAL_SP_CARRIER_DETECT;
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
    Properties->CurrentRxQueue = SERIAL_RX_RING_SIZE;
}

/* PASSIVE_LEVEL. IOCTL_SERIAL_PURGE. */
static NTSTATUS
SerialPurge(PSERIAL_DEVICE_EXTENSION Extension, ULONG Flags)
{
    SERIAL_REGISTER_CONTEXT Register = {Extension, 0, 0, 0, 0};
    KIRQL OldIrql;

    if (Flags == 0 || (Flags & ~SERIAL_VALID_PURGE) != 0) {
        return STATUS_INVALID_PARAMETER;
    }
    if (Flags & SERIAL_PURGE_TXABORT) {
        SerialFlushQueue(&Extension->WriteQueue, NULL, STATUS_CANCELLED);
    }
    if (Flags & SERIAL_PURGE_RXABORT) {
        SerialFlushQueue(&Extension->ReadQueue, NULL, STATUS_CANCELLED);
    }
    /* TXCLEAR: the driver keeps no transmit buffer beyond the write IRPs,
     * so there is nothing else to drop. */
    if (Flags & SERIAL_PURGE_RXCLEAR) {
        KeAcquireSpinLock(&Extension->ServiceLock, &OldIrql);
        (VOID)SerialRingGet(&Extension->Uart.Rx, NULL, MAXULONG);
        (VOID)SerialSynchronize(Extension, SerialClearRxFifoSync, &Register);
        KeReleaseSpinLock(&Extension->ServiceLock, OldIrql);
        SerialServiceReads(Extension);  /* lifts the RX throttle if it was on */
    }
    return STATUS_SUCCESS;
}

/* PASSIVE_LEVEL. IOCTL_SERIAL_WAIT_ON_MASK: at once when an awaited event
 * has happened since the mask was set, else pending until one does. */
static NTSTATUS
SerialWaitOnMask(PSERIAL_DEVICE_EXTENSION Extension, PIRP Irp)
{
    ULONG Mask = 0;
    NTSTATUS Status = STATUS_SUCCESS;
    KIRQL OldIrql;

    SerialServiceWaits(Extension);      /* collect what the ISR found */
    KeAcquireSpinLock(&Extension->QueueLock, &OldIrql);
    if (Extension->WaitMask == 0 || !IsListEmpty(&Extension->WaitQueue.List)) {
        /* Windows' rule: no mask, or a wait already pending. */
        Status = STATUS_INVALID_PARAMETER;
    } else if (Extension->HistoryMask != 0) {
        Mask = Extension->HistoryMask;
        Extension->HistoryMask = 0;
    } else {
        Status = STATUS_PENDING;
    }
    KeReleaseSpinLock(&Extension->QueueLock, OldIrql);
    if (Status == STATUS_PENDING) {
        SerialIrpBytes(Irp) = 0;
        (VOID)SerialQueueIrp(&Extension->WaitQueue, Irp, SERIAL_INSERT_TAIL);
        SerialServiceWaits(Extension);  /* an event may have come meanwhile */
        return STATUS_PENDING;
    }
    if (NT_SUCCESS(Status)) {
        *(PULONG)Irp->AssociatedIrp.SystemBuffer = Mask;
        Irp->IoStatus.Information = sizeof(ULONG);
    }
    return Status;
}

/* PASSIVE_LEVEL, holding the remove lock. The requests that touch the
 * settings; STATUS_PENDING when the IRP was queued. */
static NTSTATUS
SerialControl(PSERIAL_DEVICE_EXTENSION Extension, PIRP Irp, ULONG Code, ULONG InLength,
              ULONG OutLength)
{
    PVOID Buffer = Irp->AssociatedIrp.SystemBuffer;
    SERIAL_REGISTER_CONTEXT Register = {Extension, 0, 0, 0, 0};
    KIRQL OldIrql;
    ULONG Value;

#define NEED_IN(Type) if (InLength < sizeof(Type)) return STATUS_BUFFER_TOO_SMALL
#define NEED_OUT(Type) if (OutLength < sizeof(Type)) return STATUS_BUFFER_TOO_SMALL; \
                       Irp->IoStatus.Information = sizeof(Type)
    switch (Code) {
    case IOCTL_SERIAL_SET_BAUD_RATE:
        NEED_IN(SERIAL_BAUD_RATE);
        Register.Divisor = SerialDivisorForBaud(((PSERIAL_BAUD_RATE)Buffer)->BaudRate);
        if (Register.Divisor == 0) {
            DbgPrint("Serial: COM%u cannot run at %u baud\n", Extension->ComNumber,
                     ((PSERIAL_BAUD_RATE)Buffer)->BaudRate);
            return STATUS_INVALID_PARAMETER;
        }
        (VOID)SerialSynchronize(Extension, SerialSetDivisorSync, &Register);
        Extension->BaudRate = ((PSERIAL_BAUD_RATE)Buffer)->BaudRate;
        return STATUS_SUCCESS;
    case IOCTL_SERIAL_GET_BAUD_RATE:
        NEED_OUT(SERIAL_BAUD_RATE);
        ((PSERIAL_BAUD_RATE)Buffer)->BaudRate = Extension->BaudRate;
        return STATUS_SUCCESS;
    case IOCTL_SERIAL_SET_LINE_CONTROL:
        NEED_IN(SERIAL_LINE_CONTROL);
        if (!NT_SUCCESS(SerialLcrFromLineControl(Buffer, &Register.Set))) {
            return STATUS_INVALID_PARAMETER;
        }
        Register.Clear = (UCHAR)~SERIAL_LCR_BREAK;      /* a break in progress stays */
        (VOID)SerialSynchronize(Extension, SerialSetLcrSync, &Register);
        Extension->LineControl = *(PSERIAL_LINE_CONTROL)Buffer;
        return STATUS_SUCCESS;
    case IOCTL_SERIAL_GET_LINE_CONTROL:
        NEED_OUT(SERIAL_LINE_CONTROL);
        *(PSERIAL_LINE_CONTROL)Buffer = Extension->LineControl;
        return STATUS_SUCCESS;
    case IOCTL_SERIAL_SET_BREAK_ON:
    case IOCTL_SERIAL_SET_BREAK_OFF:
        Register.Clear = SERIAL_LCR_BREAK;
        Register.Set = Code == IOCTL_SERIAL_SET_BREAK_ON ? SERIAL_LCR_BREAK : 0;
        (VOID)SerialSynchronize(Extension, SerialSetLcrSync, &Register);
        return STATUS_SUCCESS;
    case IOCTL_SERIAL_SET_TIMEOUTS: {
        PSERIAL_TIMEOUTS Timeouts = Buffer;
        NEED_IN(SERIAL_TIMEOUTS);
        /* The WDK: all three read values MAXULONG is not a valid combination. */
        if (Timeouts->ReadIntervalTimeout == MAXULONG &&
            Timeouts->ReadTotalTimeoutMultiplier == MAXULONG &&
            Timeouts->ReadTotalTimeoutConstant == MAXULONG) {
            return STATUS_INVALID_PARAMETER;
        }
        KeAcquireSpinLock(&Extension->ServiceLock, &OldIrql);
        Extension->Timeouts = *Timeouts;
        KeReleaseSpinLock(&Extension->ServiceLock, OldIrql);
        return STATUS_SUCCESS;
    }
    case IOCTL_SERIAL_GET_TIMEOUTS:
        NEED_OUT(SERIAL_TIMEOUTS);
        *(PSERIAL_TIMEOUTS)Buffer = Extension->Timeouts;
        return STATUS_SUCCESS;
    case IOCTL_SERIAL_SET_DTR:
    case IOCTL_SERIAL_CLR_DTR:
    case IOCTL_SERIAL_SET_RTS:
    case IOCTL_SERIAL_CLR_RTS:
        Register.Clear = (Code == IOCTL_SERIAL_SET_DTR || Code == IOCTL_SERIAL_CLR_DTR)
                             ? SERIAL_MCR_DTR : SERIAL_MCR_RTS;
        Register.Set = (Code == IOCTL_SERIAL_SET_DTR || Code == IOCTL_SERIAL_SET_RTS)
                           ? Register.Clear : 0;
        (VOID)SerialSynchronize(Extension, SerialSetMcrSync, &Register);
        return STATUS_SUCCESS;
    case IOCTL_SERIAL_GET_DTRRTS:
        NEED_OUT(ULONG);
        *(PULONG)Buffer = Extension->Uart.Mcr & (SERIAL_DTR_STATE | SERIAL_RTS_STATE);
        return STATUS_SUCCESS;
    case IOCTL_SERIAL_GET_MODEM_CONTROL:
        NEED_OUT(ULONG);
        *(PULONG)Buffer = Extension->Uart.Mcr;
        return STATUS_SUCCESS;
    case IOCTL_SERIAL_SET_MODEM_CONTROL:
        /* The MCR value, e.g. SERIAL_MCR_LOOP for the chip's loopback
         * (8.8). OUT2 stays on while the port is started: it gates the
         * interrupt line, and without it the driver would go deaf. */
        NEED_IN(ULONG);
        Value = *(PULONG)Buffer;
        if (Value > 0x1F) {
            return STATUS_INVALID_PARAMETER;
        }
        Register.Clear = 0x1F;
        Register.Set = (UCHAR)(Value | SERIAL_MCR_OUT2);
        (VOID)SerialSynchronize(Extension, SerialSetMcrSync, &Register);
        return STATUS_SUCCESS;
    case IOCTL_SERIAL_GET_MODEMSTATUS:
        NEED_OUT(ULONG);
        (VOID)SerialSynchronize(Extension, SerialReadMsrSync, &Register);
        *(PULONG)Buffer = Register.Result;
        return STATUS_SUCCESS;
    case IOCTL_SERIAL_GET_COMMSTATUS: {
        PSERIAL_STATUS Status = Buffer;
        NEED_OUT(SERIAL_STATUS);
        SerialServiceWaits(Extension);  /* collect the ISR's error bits */
        RtlZeroMemory(Status, sizeof(*Status));
        KeAcquireSpinLock(&Extension->QueueLock, &OldIrql);
        Status->Errors = Extension->ErrorsSeen;
        Extension->ErrorsSeen = 0;
        KeReleaseSpinLock(&Extension->QueueLock, OldIrql);
        Status->AmountInInQueue = SerialRingCount(&Extension->Uart.Rx);
        Status->AmountInOutQueue = SerialAmountInOutQueue(Extension);
        return STATUS_SUCCESS;
    }
    case IOCTL_SERIAL_PURGE:
        NEED_IN(ULONG);
        return SerialPurge(Extension, *(PULONG)Buffer);
    case IOCTL_SERIAL_SET_WAIT_MASK:
        NEED_IN(ULONG);
        Value = *(PULONG)Buffer;
        if ((Value & ~SERIAL_VALID_EVENTS) != 0) {
            return STATUS_INVALID_PARAMETER;
        }
        /* A new mask ends the pending wait, which reports no event. */
        for (;;) {
            PIRP Wait = IoCsqRemoveNextIrp(&Extension->WaitQueue.Csq, NULL);
            if (Wait == NULL) {
                break;
            }
            *(PULONG)Wait->AssociatedIrp.SystemBuffer = 0;
            Wait->IoStatus.Status = STATUS_SUCCESS;
            Wait->IoStatus.Information = sizeof(ULONG);
            IoCompleteRequest(Wait, IO_SERIAL_INCREMENT);
        }
        KeAcquireSpinLock(&Extension->QueueLock, &OldIrql);
        Extension->WaitMask = Value;
        Extension->HistoryMask = 0;
        KeReleaseSpinLock(&Extension->QueueLock, OldIrql);
        return STATUS_SUCCESS;
    case IOCTL_SERIAL_GET_WAIT_MASK:
        NEED_OUT(ULONG);
        *(PULONG)Buffer = Extension->WaitMask;
        return STATUS_SUCCESS;
    case IOCTL_SERIAL_WAIT_ON_MASK:
        NEED_OUT(ULONG);
        Irp->IoStatus.Information = 0;
        return SerialWaitOnMask(Extension, Irp);
    case IOCTL_SERIAL_GET_PROPERTIES:
        NEED_OUT(SERIAL_COMMPROP);
        SerialFillProperties(Buffer);
        return STATUS_SUCCESS;
    default:
        return STATUS_INVALID_DEVICE_REQUEST;
    }
#undef NEED_IN
#undef NEED_OUT
}

/* PASSIVE_LEVEL. */
NTSTATUS
SerialDeviceControl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PSERIAL_DEVICE_EXTENSION Extension = DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION IrpSp = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS Status;

    Irp->IoStatus.Information = 0;
    Status = IoAcquireRemoveLock(&Extension->RemoveLock, Irp);
    if (NT_SUCCESS(Status)) {
        Status = SerialCheckState(Extension);
        if (NT_SUCCESS(Status)) {
            Status = SerialControl(Extension, Irp, IrpSp->Parameters.DeviceIoControl.IoControlCode,
                                   IrpSp->Parameters.DeviceIoControl.InputBufferLength,
                                   IrpSp->Parameters.DeviceIoControl.OutputBufferLength);
        }
        IoReleaseRemoveLock(&Extension->RemoveLock, Irp);
    }
    if (Status == STATUS_PENDING) {
        return Status;
    }
    if (!NT_SUCCESS(Status)) {
        Irp->IoStatus.Information = 0;
    }
    Irp->IoStatus.Status = Status;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return Status;
}
