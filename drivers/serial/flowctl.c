/*
 * drivers/serial/flowctl.c - the IOCTLs of handshake and flow control:
 * SET/GET_HANDFLOW, SET/GET_CHARS, SET/CLR_DTR, SET/CLR_RTS, GET_DTRRTS,
 * SET_BREAK_ON/OFF, SET_XON/XOFF and IMMEDIATE_CHAR - what a Win32
 * SetCommState, EscapeCommFunction or TransmitCommChar sends.
 *
 * The settings live in SERIAL_UART, where the ISR uses them, and are read
 * and changed under the interrupt spin lock; uartflow.c does what each
 * means on the chip. The rules for bad input are the WDK's:
 * STATUS_INVALID_PARAMETER for a SERIAL_HANDFLOW with reserved bits, both
 * DTR modes or limits outside the receive buffer, for XON equal to XOFF,
 * for setting a line that a handshake drives, and for a second immediate
 * character while one waits.
 */
#include "serial.h"

typedef struct _SERIAL_FLOW_REQUEST {
    PSERIAL_DEVICE_EXTENSION Extension;
    ULONG Code;
    PVOID Buffer;
    NTSTATUS Status;
} SERIAL_FLOW_REQUEST, *PSERIAL_FLOW_REQUEST;

static KSYNCHRONIZE_ROUTINE SerialFlowSync;

/* DIRQL, holding the interrupt spin lock: the request's part on the UART. */
static BOOLEAN
SerialFlowSync(PVOID Context)
{
    PSERIAL_FLOW_REQUEST Request = Context;
    PSERIAL_UART Uart = &Request->Extension->Uart;
    BOOLEAN On;

    Request->Status = STATUS_SUCCESS;
    switch (Request->Code) {
    case IOCTL_SERIAL_SET_HANDFLOW:
        /* Checked under the lock, against the ring as it is now. */
        Request->Status = SerialCheckHandFlow(Request->Buffer, Uart->Rx.Size);
        if (NT_SUCCESS(Request->Status)) {
            SerialUartSetHandFlow(Uart, Request->Buffer);
        }
        break;
    case IOCTL_SERIAL_GET_HANDFLOW:
        *(PSERIAL_HANDFLOW)Request->Buffer = Uart->HandFlow;
        break;
    case IOCTL_SERIAL_SET_CHARS:
        SerialUartSetChars(Uart, Request->Buffer);
        break;
    case IOCTL_SERIAL_GET_CHARS:
        *(PSERIAL_CHARS)Request->Buffer = Uart->Chars;
        break;
    case IOCTL_SERIAL_SET_DTR:
    case IOCTL_SERIAL_CLR_DTR:
        if ((Uart->HandFlow.ControlHandShake & SERIAL_DTR_MASK) == SERIAL_DTR_HANDSHAKE) {
            Request->Status = STATUS_INVALID_PARAMETER;     /* input flow control owns DTR */
            break;
        }
        On = Request->Code == IOCTL_SERIAL_SET_DTR;
        SerialUartSetMcr(Uart, SERIAL_MCR_DTR, On ? SERIAL_MCR_DTR : 0);
        break;
    case IOCTL_SERIAL_SET_RTS:
    case IOCTL_SERIAL_CLR_RTS:
        if ((Uart->HandFlow.FlowReplace & SERIAL_RTS_HANDSHAKE) != 0) {
            Request->Status = STATUS_INVALID_PARAMETER;     /* handshake or toggle owns RTS */
            break;
        }
        On = Request->Code == IOCTL_SERIAL_SET_RTS;
        SerialUartSetMcr(Uart, SERIAL_MCR_RTS, On ? SERIAL_MCR_RTS : 0);
        break;
    case IOCTL_SERIAL_GET_DTRRTS:
        *(PULONG)Request->Buffer = Uart->Mcr & (SERIAL_DTR_STATE | SERIAL_RTS_STATE);
        break;
    case IOCTL_SERIAL_SET_BREAK_ON:
    case IOCTL_SERIAL_SET_BREAK_OFF:
        SerialUartSetBreak(Uart, Request->Code == IOCTL_SERIAL_SET_BREAK_ON);
        break;
    case IOCTL_SERIAL_SET_XOFF:
    case IOCTL_SERIAL_SET_XON:
        /* As if the peer had sent XOFF or XON (the WDK), handshake or not. */
        SerialUartHold(Uart, SERIAL_TX_WAITING_FOR_XON, Request->Code == IOCTL_SERIAL_SET_XOFF);
        break;
    default:
        Request->Status = STATUS_INVALID_PARAMETER;
        break;
    }
    return TRUE;
}

/* PASSIVE_LEVEL. IOCTL_SERIAL_IMMEDIATE_CHAR: the byte travels in the
 * write queue right behind the write being sent, and completes (with
 * Information 1) once it is in the FIFO, like a one-byte write. */
static NTSTATUS
SerialImmediateChar(PSERIAL_DEVICE_EXTENSION Extension, PIRP Irp)
{
    NTSTATUS Status;

    SerialIrpBytes(Irp) = 0;
    SerialIrpDeadline(Irp) = 0;
    SerialIrpFlags(Irp) = 0;
    Status = SerialQueueIrp(&Extension->WriteQueue, Irp, SERIAL_INSERT_NEXT);
    if (Status == STATUS_PENDING) {
        SerialServiceWrites(Extension);
    }
    return Status;
}

/* PASSIVE_LEVEL, holding the remove lock. */
NTSTATUS
SerialFlowControl(PSERIAL_DEVICE_EXTENSION Extension, PIRP Irp, ULONG Code, ULONG InLength,
                  ULONG OutLength)
{
    SERIAL_FLOW_REQUEST Request = {Extension, Code, Irp->AssociatedIrp.SystemBuffer, 0};
    ULONG InNeeded = 0;
    ULONG OutNeeded = 0;

    switch (Code) {
    case IOCTL_SERIAL_SET_HANDFLOW:
        InNeeded = sizeof(SERIAL_HANDFLOW);
        break;
    case IOCTL_SERIAL_GET_HANDFLOW:
        OutNeeded = sizeof(SERIAL_HANDFLOW);
        break;
    case IOCTL_SERIAL_SET_CHARS:
        InNeeded = sizeof(SERIAL_CHARS);
        break;
    case IOCTL_SERIAL_GET_CHARS:
        OutNeeded = sizeof(SERIAL_CHARS);
        break;
    case IOCTL_SERIAL_GET_DTRRTS:
        OutNeeded = sizeof(ULONG);
        break;
    case IOCTL_SERIAL_IMMEDIATE_CHAR:
        InNeeded = sizeof(UCHAR);
        break;
    default:
        break;
    }
    if (InLength < InNeeded || OutLength < OutNeeded) {
        return STATUS_BUFFER_TOO_SMALL;
    }
    if (Code == IOCTL_SERIAL_SET_CHARS && !NT_SUCCESS(SerialCheckChars(Request.Buffer))) {
        DbgPrint("Serial: COM%u: XonChar and XoffChar are both 0x%02x; they must differ\n",
                 Extension->ComNumber, ((PSERIAL_CHARS)Request.Buffer)->XonChar);
        return STATUS_INVALID_PARAMETER;
    }
    if (Code == IOCTL_SERIAL_IMMEDIATE_CHAR) {
        return SerialImmediateChar(Extension, Irp);
    }
    (VOID)SerialSynchronize(Extension, SerialFlowSync, &Request);
    if (NT_SUCCESS(Request.Status)) {
        Irp->IoStatus.Information = OutNeeded;
    } else if (Code == IOCTL_SERIAL_SET_HANDFLOW) {
        PSERIAL_HANDFLOW HandFlow = Request.Buffer;
        DbgPrint("Serial: COM%u refuses SERIAL_HANDFLOW %08x/%08x/%d/%d: reserved bits, both "
                 "DTR modes, or limits outside 0..%u\n", Extension->ComNumber,
                 HandFlow->ControlHandShake, HandFlow->FlowReplace, HandFlow->XonLimit,
                 HandFlow->XoffLimit, Extension->Uart.Rx.Size);
    }
    return Request.Status;
}
