/*
 * tests/kernel/ktqdriver.h - "KtQueue", the test driver of the queue tests
 * (tests/kernel/startio.c, cancel.c, csq.c), and the helpers that send it
 * IRPs and watch them complete.
 *
 * One device per load. IRP_MJ_READ goes through StartIo (IoStartPacket
 * with KtqCancel, the WDK's documented cancel routine for StartIo
 * drivers); the "device" works on the current IRP until the test raises
 * its interrupt (KtqInterrupt: IoRequestDpc with the current IRP), whose
 * DPC completes it and starts the next. IRP_MJ_DEVICE_CONTROL goes into a
 * cancel-safe queue (IoCsqInsertIrpEx).
 */
#ifndef KESTREL_TESTS_KERNEL_KTQDRIVER_H
#define KESTREL_TESTS_KERNEL_KTQDRIVER_H

#include <wdm.h>

#define KTQ_MAX_RECORDS 16

/* IRP_MJ_DEVICE_CONTROL codes: queue in the CSQ; queue with an insert
 * context the Ex callback refuses (it returns KTQ_REFUSED_STATUS). The
 * IRP's Parameters.DeviceIoControl.InputBufferLength is its peek key, its
 * Type3InputBuffer an IO_CSQ_IRP_CONTEXT or NULL. */
#define KTQ_IOCTL_QUEUE CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_NEITHER, FILE_ANY_ACCESS)
#define KTQ_IOCTL_QUEUE_REFUSED CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_NEITHER, FILE_ANY_ACCESS)
#define KTQ_REFUSED_STATUS STATUS_DEVICE_BUSY

/* What a byte count a completed read reports: its key times this. */
#define KTQ_BYTES_PER_KEY 16

typedef struct _KTQ_DEVICE {
    PDEVICE_OBJECT DeviceObject;

    /* StartIo: what it received, in order (the IRPs' Read.Key). */
    ULONG Started[KTQ_MAX_RECORDS];
    volatile ULONG StartedCount;
    volatile KIRQL StartIoIrql;
    volatile ULONG StartIoDepth;
    volatile ULONG MaxStartIoDepth;
    BOOLEAN UseKeys;                /* IoStartPacket with Read.Key as the key */
    BOOLEAN NextByKey;              /* the DPC uses IoStartNextPacketByKey(current key) */
    volatile BOOLEAN CompleteInStartIo; /* StartIo finishes the IRP at once */

    /* KtqCancel. */
    volatile ULONG CancelCalls;
    volatile ULONG CancelSawCurrent;    /* Irp == DeviceObject->CurrentIrp */
    volatile ULONG CancelRemovedFromQueue;
    volatile KIRQL CancelIrqlAtCall;    /* the IRQL the routine ran at */
    volatile KIRQL CancelIrqlField;     /* Irp->CancelIrql it was given */
    volatile BOOLEAN CancelRoutineCleared;  /* Irp->CancelRoutine was NULL in the call */
    volatile BOOLEAN CancelFlagSet;

    /* The DPC. */
    volatile ULONG DpcCompleted;
    volatile ULONG DpcLostRace;     /* IoSetCancelRoutine(Irp, NULL) gave NULL */

    /* The cancel-safe queue. */
    IO_CSQ Csq;
    LIST_ENTRY CsqList;
    KSPIN_LOCK CsqLock;
    volatile ULONG CsqInsertCalls;
    volatile ULONG CsqCompleteCanceledCalls;
} KTQ_DEVICE, *PKTQ_DEVICE;

/* One IRP the test sent, and how it came back. */
typedef struct _KTQ_REQUEST {
    PIRP Irp;
    NTSTATUS DispatchStatus;        /* what IoCallDriver returned */
    volatile LONG Completions;
    volatile NTSTATUS Status;
    volatile ULONG_PTR Information;
    volatile BOOLEAN PendingReturned;
} KTQ_REQUEST, *PKTQ_REQUEST;

/* Loads \Driver\<Name> with one device; NULL on failure. PASSIVE_LEVEL. */
PKTQ_DEVICE KtqLoad(_In_ PCWSTR Name, _Out_ PDRIVER_OBJECT *DriverObject);
/* Unloads it (every IRP must have completed). PASSIVE_LEVEL. */
NTSTATUS KtqUnload(_In_ PDRIVER_OBJECT DriverObject);

/* Allocates an IRP for the device; Information starts at a bogus value so
 * a test can tell that completion set it. Cancel it first with
 * KtqPrecancel to send an IRP cancelled before it is queued. */
BOOLEAN KtqPrepare(_In_ PKTQ_DEVICE Device, _Out_ PKTQ_REQUEST Request);
/* Sends it: a read with Key, or a device control (KTQ_IOCTL_*) with the
 * peek Key and an optional CSQ context. PASSIVE_LEVEL. */
VOID KtqSendRead(_In_ PKTQ_DEVICE Device, _Inout_ PKTQ_REQUEST Request, ULONG Key);
VOID KtqSendControl(_In_ PKTQ_DEVICE Device, _Inout_ PKTQ_REQUEST Request, ULONG IoControlCode,
                    ULONG Key, _In_opt_ PIO_CSQ_IRP_CONTEXT Context);
/* Frees a completed request's IRP. */
VOID KtqFree(_Inout_ PKTQ_REQUEST Request);

/* The device raises its interrupt for the current IRP: its DPC runs when
 * the IRQL drops below DISPATCH_LEVEL (at once from PASSIVE_LEVEL). FALSE
 * when no IRP is current. */
BOOLEAN KtqInterrupt(_In_ PKTQ_DEVICE Device);

/* The read key of an IRP. */
ULONG KtqKeyOf(_In_ PIRP Irp);

#endif /* KESTREL_TESTS_KERNEL_KTQDRIVER_H */
