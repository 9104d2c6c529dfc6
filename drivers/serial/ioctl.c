/*
 * drivers/serial/ioctl.c - IRP_MJ_DEVICE_CONTROL: the ntddser.h requests.
 *
 * SerialControl's switch is the list of every request the driver serves;
 * the line settings (baud rate, line control, timeouts, the modem control
 * and status registers), purge and the wait-on-mask requests are handled
 * here, handshake and flow control in flowctl.c, status and statistics in
 * status.c. A code that is not in the list gets STATUS_INVALID_PARAMETER,
 * as from Windows' serial driver.
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

/* DIRQL, holding the interrupt spin lock. */
static BOOLEAN
SerialSetDivisorSync(PVOID Context)
{
    PSERIAL_REGISTER_CONTEXT Register = Context;

    SerialUartSetDivisor(&Register->Extension->Uart, Register->Divisor);
    return TRUE;
}

/* DIRQL, holding the interrupt spin lock. */
static BOOLEAN
SerialSetLcrSync(PVOID Context)
{
    PSERIAL_REGISTER_CONTEXT Register = Context;
    PSERIAL_UART Uart = &Register->Extension->Uart;

    SerialUartSetLcr(Uart, (UCHAR)((Uart->Lcr & ~Register->Clear) | Register->Set));
    return TRUE;
}

/* DIRQL, holding the interrupt spin lock. */
static BOOLEAN
SerialSetMcrSync(PVOID Context)
{
    PSERIAL_REGISTER_CONTEXT Register = Context;

    SerialUartSetMcr(&Register->Extension->Uart, Register->Clear, Register->Set);
    Register->Result = Register->Extension->Uart.Mcr;
    return TRUE;
}

/* DIRQL, holding the interrupt spin lock. */
static BOOLEAN
SerialReadMsrSync(PVOID Context)
{
    PSERIAL_REGISTER_CONTEXT Register = Context;

    /* Reading MSR clears its delta bits: SampleModem keeps what they said
     * for the next wait, as the ISR would have. */
    Register->Result = SerialUartSampleModem(&Register->Extension->Uart);
    return TRUE;
}

/* DIRQL, holding the interrupt spin lock. */
static BOOLEAN
SerialClearRxFifoSync(PVOID Context)
{
    SerialUartClearReceiveFifo(&((PSERIAL_REGISTER_CONTEXT)Context)->Extension->Uart);
    return TRUE;
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
    case IOCTL_SERIAL_SET_HANDFLOW:
    case IOCTL_SERIAL_GET_HANDFLOW:
    case IOCTL_SERIAL_SET_CHARS:
    case IOCTL_SERIAL_GET_CHARS:
    case IOCTL_SERIAL_SET_DTR:
    case IOCTL_SERIAL_CLR_DTR:
    case IOCTL_SERIAL_SET_RTS:
    case IOCTL_SERIAL_CLR_RTS:
    case IOCTL_SERIAL_GET_DTRRTS:
    case IOCTL_SERIAL_SET_BREAK_ON:
    case IOCTL_SERIAL_SET_BREAK_OFF:
    case IOCTL_SERIAL_SET_XON:
    case IOCTL_SERIAL_SET_XOFF:
    case IOCTL_SERIAL_IMMEDIATE_CHAR:
        return SerialFlowControl(Extension, Irp, Code, InLength, OutLength);
    case IOCTL_SERIAL_GET_COMMSTATUS:
    case IOCTL_SERIAL_GET_STATS:
    case IOCTL_SERIAL_CLEAR_STATS:
    case IOCTL_SERIAL_GET_PROPERTIES:
    case IOCTL_SERIAL_SET_QUEUE_SIZE:
    case IOCTL_SERIAL_CONFIG_SIZE:
        return SerialStatusControl(Extension, Irp, Code, InLength, OutLength);
    default:
        /* Not served (among ntddser.h's: RESET_DEVICE, XOFF_COUNTER,
         * LSRMST_INSERT, GET/SET_COMMCONFIG, SET_FIFO_CONTROL). */
        DbgPrint("Serial: COM%u does not serve IOCTL 0x%08x (function %u)\n",
                 Extension->ComNumber, Code, (Code >> 2) & 0xFFF);
        return STATUS_INVALID_PARAMETER;
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
    ULONG Code = IrpSp->Parameters.DeviceIoControl.IoControlCode;
    NTSTATUS Status;

    Irp->IoStatus.Information = 0;
    Status = IoAcquireRemoveLock(&Extension->RemoveLock, Irp);
    if (NT_SUCCESS(Status)) {
        Status = SerialCheckState(Extension);
        if (NT_SUCCESS(Status) && Code != IOCTL_SERIAL_GET_COMMSTATUS) {
            Status = SerialCheckErrorAbort(Extension);
        }
        if (NT_SUCCESS(Status)) {
            Status = SerialControl(Extension, Irp, Code,
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
