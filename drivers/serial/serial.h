/*
 * drivers/serial/serial.h - the 16550 serial driver's private header.
 *
 * The driver is an NT function driver (drivers/serial/driver.c has the
 * map). Its device extension holds the PnP state, the hardware
 * (SERIAL_UART, owned by the ISR), three cancel-safe queues (reads,
 * writes, waits) and the settings the IOCTLs change.
 *
 * Locks, outermost first:
 *   ServiceLock  (DISPATCH_LEVEL) serializes the routines that move data
 *                between the ring and the IRPs (SerialServiceReads/Writes/
 *                Waits), so an ISR DPC and a timer DPC on two processors
 *                never work on one IRP at once.
 *   QueueLock    (DISPATCH_LEVEL) the three IRP lists; taken by the CSQ
 *                callbacks, so never held across an IoCsq* call.
 *   the interrupt spin lock (DIRQL) SERIAL_UART, through
 *                KeSynchronizeExecution; the ISR takes no other lock.
 *                The handshake and flow-control settings (SERIAL_HANDFLOW,
 *                SERIAL_CHARS) live there too, because the ISR applies
 *                them byte by byte.
 */
#ifndef KESTREL_DRIVERS_SERIAL_SERIAL_H
#define KESTREL_DRIVERS_SERIAL_SERIAL_H

#include <wdm.h>
#include <ntddser.h>
#include "uart.h"
#include "timeout.h"

#define SERIAL_POOL_TAG 'lreS'
#define SERIAL_RX_RING_SIZE 16384           /* a power of two: the size at AddDevice */
#define SERIAL_RX_RING_MAX (1024 * 1024)    /* the most IOCTL_SERIAL_SET_QUEUE_SIZE grows it to */
#define SERIAL_DEFAULT_BAUD 115200
#define SERIAL_NAME_CHARS 32

typedef enum _SERIAL_PNP_STATE {
    SerialNotStarted,
    SerialStarted,
    SerialStopPending,          /* QUERY_STOP accepted */
    SerialStopped,
    SerialRemovePending,        /* QUERY_REMOVE accepted */
    SerialSurpriseRemoved,
    SerialRemoved
} SERIAL_PNP_STATE;

/* A cancel-safe queue and its list; the lock is the extension's. */
typedef struct _SERIAL_QUEUE {
    IO_CSQ Csq;
    LIST_ENTRY List;
    struct _SERIAL_DEVICE_EXTENSION *Extension;
} SERIAL_QUEUE, *PSERIAL_QUEUE;

/* IoCsqInsertIrpEx's InsertContext: where the IRP goes. NEXT is right
 * after the write being sent (IOCTL_SERIAL_IMMEDIATE_CHAR). */
#define SERIAL_INSERT_TAIL ((PVOID)0)
#define SERIAL_INSERT_HEAD ((PVOID)1)
#define SERIAL_INSERT_NEXT ((PVOID)2)

/* IoCsqRemoveNextIrp's PeekContext: the first IRP matching both (NULL
 * fields match anything). */
typedef struct _SERIAL_PEEK {
    PFILE_OBJECT FileObject;
    PIRP Irp;
} SERIAL_PEEK, *PSERIAL_PEEK;

/* Per-IRP bookkeeping in Tail.Overlay.DriverContext (slot 3 is the CSQ's):
 * [0] bytes moved so far, [1] the read's total deadline (interrupt time,
 * 100 ns; 0 = none), [2] SERIAL_IRP_* flags. */
#define SerialIrpBytes(Irp) (*(ULONG_PTR *)&(Irp)->Tail.Overlay.DriverContext[0])
#define SerialIrpDeadline(Irp) (*(ULONG_PTR *)&(Irp)->Tail.Overlay.DriverContext[1])
#define SerialIrpFlags(Irp) (*(ULONG_PTR *)&(Irp)->Tail.Overlay.DriverContext[2])
#define SERIAL_IRP_STARTED 0x1          /* timing computed, timers armed */
#define SERIAL_IRP_ANY_BYTE 0x2         /* SerialReadAnyByte */
#define SERIAL_IRP_IMMEDIATE 0x4        /* SerialReadImmediate */
#define SERIAL_IRP_INTERVAL_SHIFT 32    /* the interval in ms, in the high half */

/* The UART's counters when the statistics were last cleared (at open and
 * by IOCTL_SERIAL_CLEAR_STATS): GET_STATS reports the difference. */
typedef struct _SERIAL_STATS_BASE {
    ULONG64 RxBytes;
    ULONG64 TxBytes;
    ULONG FramingErrors;
    ULONG Overruns;
    ULONG QueueOverruns;
    ULONG ParityErrors;
} SERIAL_STATS_BASE;

typedef struct _SERIAL_DEVICE_EXTENSION {
    PDEVICE_OBJECT DeviceObject;
    PDEVICE_OBJECT LowerDevice;
    PDEVICE_OBJECT PhysicalDeviceObject;
    IO_REMOVE_LOCK RemoveLock;
    volatile SERIAL_PNP_STATE PnpState;
    SERIAL_PNP_STATE StateBeforeQuery;
    DEVICE_POWER_STATE DevicePower;
    ULONG ComNumber;                    /* n in COM<n> */
    WCHAR DeviceNameBuffer[SERIAL_NAME_CHARS];
    WCHAR LinkNameBuffer[SERIAL_NAME_CHARS];
    UNICODE_STRING DeviceName;          /* \Device\Serial<n-1> */
    UNICODE_STRING LinkName;            /* \DosDevices\COM<n> */
    LONG OpenCount;

    /* Hardware, from IRP_MN_START_DEVICE's translated resources. */
    PHYSICAL_ADDRESS RegisterStart;
    ULONG RegisterLength;
    BOOLEAN RegistersMapped;            /* MmMapIoSpace'd, to unmap at stop */
    PKINTERRUPT Interrupt;
    ULONG Vector;
    KIRQL Irql;
    KAFFINITY Affinity;
    KINTERRUPT_MODE InterruptMode;
    BOOLEAN ShareVector;
    SERIAL_UART Uart;
    PUCHAR RxStorage;                   /* the ring's RxSize bytes */
    ULONG RxSize;
    SERIAL_STATS_BASE StatsBase;

    /* Settings. */
    ULONG BaudRate;
    SERIAL_LINE_CONTROL LineControl;
    SERIAL_TIMEOUTS Timeouts;
    ULONG WaitMask;
    ULONG HistoryMask;                  /* events seen, not yet reported (QueueLock) */
    ULONG ErrorsSeen;                   /* SERIAL_ERROR_* for GET_COMMSTATUS (QueueLock) */

    /* IRPs. */
    KSPIN_LOCK QueueLock;
    KSPIN_LOCK ServiceLock;
    SERIAL_QUEUE ReadQueue;
    SERIAL_QUEUE WriteQueue;
    SERIAL_QUEUE WaitQueue;
    PIRP TxIrp;                         /* the write the UART is sending (QueueLock) */
    ULONG AmountInOutQueue;             /* bytes of queued writes not yet sent (QueueLock) */
    ULONGLONG LastRxTime;               /* interrupt time of the last byte read out */

    KDPC IsrDpc;                        /* queued by the ISR */
    KTIMER ReadTotalTimer;
    KDPC ReadTotalDpc;
    KTIMER ReadIntervalTimer;
    KDPC ReadIntervalDpc;
    KTIMER WriteTotalTimer;
    KDPC WriteTotalDpc;
    KTIMER RtsToggleTimer;              /* transmit toggle: polls TEMT */
    KDPC RtsToggleDpc;
    ULONG64 DpcCount;
} SERIAL_DEVICE_EXTENSION, *PSERIAL_DEVICE_EXTENSION;

/* driver.c */
DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD SerialUnload;

/* pnp.c */
DRIVER_ADD_DEVICE SerialAddDevice;
DRIVER_DISPATCH SerialPnp;
DRIVER_DISPATCH SerialPower;

/* start.c: the hardware start and stop, from CM_RESOURCE_LISTs. */
NTSTATUS SerialStartHardware(_In_ PSERIAL_DEVICE_EXTENSION Extension,
                             _In_opt_ PCM_RESOURCE_LIST Raw,
                             _In_opt_ PCM_RESOURCE_LIST Translated);
VOID SerialStopHardware(_In_ PSERIAL_DEVICE_EXTENSION Extension);
/* KeSynchronizeExecution routines (Context = the extension): the UART
 * programmed with the port's settings (start, back to D0), or silenced
 * (stop, D3). */
KSYNCHRONIZE_ROUTINE SerialInitializeSync;
KSYNCHRONIZE_ROUTINE SerialQuiesceSync;
/* Completes every queued IRP of every queue with Status. */
VOID SerialFailPendingIrps(_In_ PSERIAL_DEVICE_EXTENSION Extension, _In_ NTSTATUS Status);

/* dispatch.c */
DRIVER_DISPATCH SerialCreate;
DRIVER_DISPATCH SerialClose;
DRIVER_DISPATCH SerialCleanup;
DRIVER_DISPATCH SerialRead;
DRIVER_DISPATCH SerialWrite;
/* The status new I/O gets in the current PnP state; STATUS_SUCCESS when
 * the device can take it. */
NTSTATUS SerialCheckState(_In_ PSERIAL_DEVICE_EXTENSION Extension);
/* STATUS_CANCELLED while a line error waits for IOCTL_SERIAL_GET_COMMSTATUS
 * under SERIAL_ERROR_ABORT, else STATUS_SUCCESS. */
NTSTATUS SerialCheckErrorAbort(_In_ PSERIAL_DEVICE_EXTENSION Extension);

/* ioctl.c */
DRIVER_DISPATCH SerialDeviceControl;

/* The IOCTL handlers outside ioctl.c. PASSIVE_LEVEL, holding the remove
 * lock; the buffer is Irp->AssociatedIrp.SystemBuffer. Each sets
 * Information for what it returns; STATUS_PENDING when the IRP is queued. */
typedef NTSTATUS SERIAL_IOCTL_HANDLER(_In_ PSERIAL_DEVICE_EXTENSION Extension, _In_ PIRP Irp,
                                      _In_ ULONG Code, _In_ ULONG InLength, _In_ ULONG OutLength);
/* flowctl.c: SET/GET_HANDFLOW, SET/GET_CHARS, SET/CLR_DTR and RTS,
 * SET_BREAK_ON/OFF, SET_XON/XOFF, IMMEDIATE_CHAR. */
SERIAL_IOCTL_HANDLER SerialFlowControl;
/* status.c: GET_COMMSTATUS, GET/CLEAR_STATS, GET_PROPERTIES,
 * SET_QUEUE_SIZE, CONFIG_SIZE. */
SERIAL_IOCTL_HANDLER SerialStatusControl;
/* status.c: the statistics start again from the UART's counters now. */
VOID SerialClearStats(_In_ PSERIAL_DEVICE_EXTENSION Extension);

/* queue.c: the three cancel-safe queues. */
VOID SerialInitializeQueue(_Out_ PSERIAL_QUEUE Queue, _In_ PSERIAL_DEVICE_EXTENSION Extension);
/* Inserts and marks pending: STATUS_PENDING (a cancelled IRP is completed
 * at once, and is no longer the caller's); or the refusal of the insert
 * (a second immediate character), the IRP still the caller's to complete. */
NTSTATUS SerialQueueIrp(_In_ PSERIAL_QUEUE Queue, _In_ PIRP Irp, _In_ PVOID Where);
/* Completes every IRP of Queue (of FileObject, unless NULL) with Status. */
VOID SerialFlushQueue(_In_ PSERIAL_QUEUE Queue, _In_opt_ PFILE_OBJECT FileObject,
                      _In_ NTSTATUS Status);

/* isr.c */
KSERVICE_ROUTINE SerialIsr;
KDEFERRED_ROUTINE SerialIsrDpc;
KDEFERRED_ROUTINE SerialRtsToggleDpc;

/* io.c: moving data between the hardware and the IRPs. DISPATCH_LEVEL. */
VOID SerialServiceReads(_In_ PSERIAL_DEVICE_EXTENSION Extension);
VOID SerialServiceWrites(_In_ PSERIAL_DEVICE_EXTENSION Extension);
VOID SerialServiceWaits(_In_ PSERIAL_DEVICE_EXTENSION Extension);
KDEFERRED_ROUTINE SerialReadTimeoutDpc;
KDEFERRED_ROUTINE SerialWriteTimeoutDpc;
/* Stops the transmitter's current write (cancel, purge, stop): returns
 * its bytes sent. Any IRQL <= DISPATCH_LEVEL. */
ULONG SerialDetachTransmit(_In_ PSERIAL_DEVICE_EXTENSION Extension);

/* The bytes a queued write sends: its length, or the one byte of an
 * IOCTL_SERIAL_IMMEDIATE_CHAR, which travels in the write queue. */
FORCEINLINE ULONG
SerialWriteLength(PIRP Irp)
{
    PIO_STACK_LOCATION IrpSp = IoGetCurrentIrpStackLocation(Irp);

    return IrpSp->MajorFunction == IRP_MJ_WRITE ? IrpSp->Parameters.Write.Length : 1;
}

/* Runs Routine(Extension) under the interrupt spin lock when connected,
 * directly otherwise (the device is not started: nothing can race). */
BOOLEAN SerialSynchronize(_In_ PSERIAL_DEVICE_EXTENSION Extension,
                          _In_ PKSYNCHRONIZE_ROUTINE Routine, _In_ PVOID Context);

#endif /* KESTREL_DRIVERS_SERIAL_SERIAL_H */
