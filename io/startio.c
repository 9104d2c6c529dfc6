/*
 * io/startio.c - StartIo: the I/O manager's one-IRP-at-a-time queue in
 * front of a driver's DriverStartIo routine.
 *
 * A driver's dispatch routine marks the IRP pending and calls IoStartPacket;
 * the device's KDEVICE_QUEUE (kernel/ke/devqueue.c) is busy while an IRP is
 * DeviceObject->CurrentIrp. When the driver finishes that IRP (usually in
 * its DPC) it calls IoStartNextPacket, which hands StartIo the next one or
 * lets the queue go idle:
 *
 *   IoStartPacket(Irp) --- queue idle ---> CurrentIrp = Irp, StartIo(Irp)
 *         |                                           |
 *         +--- queue busy ---> queued         (device works, DPC runs)
 *                                 |                   |
 *   IoStartNextPacket <-----------+------- IoCompleteRequest(CurrentIrp)
 *     CurrentIrp = next, StartIo(next)  or  CurrentIrp = NULL, queue idle
 *
 * Cancellation. With a CancelFunction, IoStartPacket sets it as the IRP's
 * cancel routine while holding the cancel spin lock, and the queue
 * changes happen under that lock too, so a cancel routine (called with the
 * lock held) sees a consistent picture: Irp == DeviceObject->CurrentIrp
 * means StartIo has it (release the lock, IoStartNextPacket(TRUE), complete
 * it); otherwise it is still queued (KeRemoveEntryDeviceQueue, release,
 * complete it). An IRP cancelled before IoStartPacket set the routine gets
 * the routine called by IoStartPacket itself, as IoCancelIrp would have,
 * whether it was queued or became current (then StartIo never sees it).
 *
 * IoSetStartIoAttributes: DeferredStartIo makes an IoStartNextPacket
 * called from inside StartIo (or from a completion it triggers) wait until
 * StartIo returns, instead of calling StartIo recursively; NonCancelable
 * clears an IRP's cancel routine as it is handed to StartIo. The state
 * lives in the device's DEVOBJ_EXTENSION (StartIoCount, StartIoKey,
 * StartIoFlags), as on Windows.
 */
#include <wdm.h>

/* DEVOBJ_EXTENSION.StartIoFlags: the attributes, then a deferred request. */
#define IOP_SIO_DEFERRED 0x0001         /* IoSetStartIoAttributes(DeferredStartIo) */
#define IOP_SIO_NON_CANCELABLE 0x0002   /* IoSetStartIoAttributes(NonCancelable) */
#define IOP_SIO_NEXT_PENDING 0x0100     /* IoStartNextPacket was deferred */
#define IOP_SIO_NEXT_BY_KEY 0x0200      /* ... by key (StartIoKey) */
#define IOP_SIO_NEXT_CANCELABLE 0x0400  /* ... with Cancelable TRUE */
#define IOP_SIO_NEXT_MASK (IOP_SIO_NEXT_PENDING | IOP_SIO_NEXT_BY_KEY | IOP_SIO_NEXT_CANCELABLE)

static ULONG
IopStartIoFlags(PDEVICE_OBJECT DeviceObject)
{
    PDEVOBJ_EXTENSION Extension = DeviceObject->DeviceObjectExtension;

    return Extension != NULL ? *(volatile ULONG *)&Extension->StartIoFlags : 0;
}

/* DISPATCH_LEVEL; the cancel spin lock is held when Cancelable. Takes the
 * next IRP off the device queue (by key or not) and makes it current, or
 * makes the device idle; releases the cancel spin lock when it held it. */
static PIRP
IopDequeueNextPacket(PDEVICE_OBJECT DeviceObject, BOOLEAN Cancelable, KIRQL CancelIrql,
                     BOOLEAN ByKey, ULONG Key)
{
    PKDEVICE_QUEUE_ENTRY Entry;
    PIRP Irp = NULL;

    DeviceObject->CurrentIrp = NULL;
    Entry = ByKey ? KeRemoveByKeyDeviceQueue(&DeviceObject->DeviceQueue, Key)
                  : KeRemoveDeviceQueue(&DeviceObject->DeviceQueue);
    if (Entry != NULL) {
        Irp = CONTAINING_RECORD(Entry, IRP, Tail.Overlay.DeviceQueueEntry);
        DeviceObject->CurrentIrp = Irp;
        if (Cancelable && (IopStartIoFlags(DeviceObject) & IOP_SIO_NON_CANCELABLE)) {
            (VOID)IoSetCancelRoutine(Irp, NULL);
        }
    }
    if (Cancelable) {
        IoReleaseCancelSpinLock(CancelIrql);
    }
    return Irp;
}

/* DISPATCH_LEVEL, no lock held. Calls StartIo for Irp and, for a device
 * with deferred StartIo, then for each next packet requested from inside
 * it: a loop here rather than a recursion through IoStartNextPacket, so a
 * long queue cannot exhaust the stack. */
static VOID
IopCallStartIo(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PDEVOBJ_EXTENSION Extension = DeviceObject->DeviceObjectExtension;
    PDRIVER_STARTIO StartIo = DeviceObject->DriverObject->DriverStartIo;

    while (Irp != NULL) {
        LONG Pending;
        KIRQL CancelIrql = DISPATCH_LEVEL;
        BOOLEAN Cancelable;

        if (Extension == NULL) {
            StartIo(DeviceObject, Irp);
            return;
        }
        InterlockedIncrement(&Extension->StartIoCount);
        StartIo(DeviceObject, Irp);
        if (InterlockedDecrement(&Extension->StartIoCount) != 0) {
            return;     /* an outer call handles what was deferred */
        }
        Pending = InterlockedAnd((LONG volatile *)&Extension->StartIoFlags, ~IOP_SIO_NEXT_MASK);
        if (!(Pending & IOP_SIO_NEXT_PENDING)) {
            return;
        }
        Cancelable = (Pending & IOP_SIO_NEXT_CANCELABLE) != 0;
        if (Cancelable) {
            IoAcquireCancelSpinLock(&CancelIrql);
        }
        Irp = IopDequeueNextPacket(DeviceObject, Cancelable, CancelIrql,
                                   (Pending & IOP_SIO_NEXT_BY_KEY) != 0,
                                   (ULONG)Extension->StartIoKey);
    }
}

/* IRQL <= DISPATCH_LEVEL. Starts Irp on the device now when it is idle
 * (StartIo is called before this returns), or queues it, in arrival order
 * or, with Key, in ascending key order. See the banner for CancelFunction. */
VOID NTAPI
IoStartPacket(PDEVICE_OBJECT DeviceObject, PIRP Irp, PULONG Key, PDRIVER_CANCEL CancelFunction)
{
    KIRQL OldIrql;
    KIRQL CancelIrql = DISPATCH_LEVEL;
    BOOLEAN Queued;

    if (DeviceObject->DriverObject->DriverStartIo == NULL) {
        DbgPrint("IoStartPacket: driver %wZ has no DriverStartIo routine; IRP %p on device %p "
                 "fails with STATUS_INVALID_DEVICE_REQUEST\n",
                 &DeviceObject->DriverObject->DriverName, Irp, DeviceObject);
        Irp->IoStatus.Status = STATUS_INVALID_DEVICE_REQUEST;
        Irp->IoStatus.Information = 0;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return;
    }

    OldIrql = KfRaiseIrql(DISPATCH_LEVEL);
    if (CancelFunction != NULL) {
        IoAcquireCancelSpinLock(&CancelIrql);
        (VOID)IoSetCancelRoutine(Irp, CancelFunction);
    }
    Queued = Key != NULL ? KeInsertByKeyDeviceQueue(&DeviceObject->DeviceQueue,
                                                    &Irp->Tail.Overlay.DeviceQueueEntry, *Key)
                         : KeInsertDeviceQueue(&DeviceObject->DeviceQueue,
                                               &Irp->Tail.Overlay.DeviceQueueEntry);
    if (!Queued) {
        DeviceObject->CurrentIrp = Irp;
    }
    if (CancelFunction != NULL) {
        /* Cancelled before the routine was set: IoCancelIrp called nothing,
         * and holding the cancel spin lock since means the routine is
         * still ours to call, exactly as IoCancelIrp would. */
        if (Irp->Cancel && IoSetCancelRoutine(Irp, NULL) != NULL) {
            Irp->CancelIrql = CancelIrql;
            CancelFunction(DeviceObject, Irp);
            KeLowerIrql(OldIrql);
            return;
        }
        if (!Queued && (IopStartIoFlags(DeviceObject) & IOP_SIO_NON_CANCELABLE)) {
            (VOID)IoSetCancelRoutine(Irp, NULL);
        }
        IoReleaseCancelSpinLock(CancelIrql);
    }
    if (!Queued) {
        IopCallStartIo(DeviceObject, Irp);
    }
    KeLowerIrql(OldIrql);
}

/* IRQL <= DISPATCH_LEVEL (raises to it). */
static VOID
IopStartNextPacket(PDEVICE_OBJECT DeviceObject, BOOLEAN Cancelable, BOOLEAN ByKey, ULONG Key)
{
    PDEVOBJ_EXTENSION Extension = DeviceObject->DeviceObjectExtension;
    KIRQL CancelIrql = DISPATCH_LEVEL;
    KIRQL OldIrql;
    PIRP Irp;

    if (Extension != NULL && (IopStartIoFlags(DeviceObject) & IOP_SIO_DEFERRED) &&
        Extension->StartIoCount > 0) {
        /* Inside StartIo: IopCallStartIo starts the next one when it returns. */
        Extension->StartIoKey = (LONG)Key;
        InterlockedOr((LONG volatile *)&Extension->StartIoFlags,
                      IOP_SIO_NEXT_PENDING | (ByKey ? IOP_SIO_NEXT_BY_KEY : 0) |
                          (Cancelable ? IOP_SIO_NEXT_CANCELABLE : 0));
        return;
    }
    OldIrql = KfRaiseIrql(DISPATCH_LEVEL);
    if (Cancelable) {
        IoAcquireCancelSpinLock(&CancelIrql);
    }
    Irp = IopDequeueNextPacket(DeviceObject, Cancelable, CancelIrql, ByKey, Key);
    if (Irp != NULL) {
        IopCallStartIo(DeviceObject, Irp);
    }
    KeLowerIrql(OldIrql);
}

/* DISPATCH_LEVEL as documented (lower is accepted: it raises). Ends the
 * current packet: StartIo gets the next queued IRP, or the device goes
 * idle. Cancelable says the driver's IRPs have cancel routines, so the
 * queue is changed under the cancel spin lock. */
VOID NTAPI
IoStartNextPacket(PDEVICE_OBJECT DeviceObject, BOOLEAN Cancelable)
{
    IopStartNextPacket(DeviceObject, Cancelable, FALSE, 0);
}

/* As IoStartNextPacket, choosing the first queued IRP whose key is >= Key
 * (the lowest one when there is none). */
VOID NTAPI
IoStartNextPacketByKey(PDEVICE_OBJECT DeviceObject, BOOLEAN Cancelable, ULONG Key)
{
    IopStartNextPacket(DeviceObject, Cancelable, TRUE, Key);
}

/* IRQL <= DISPATCH_LEVEL, before the first IoStartPacket on the device.
 * The attributes only turn on, as on Windows. */
VOID NTAPI
IoSetStartIoAttributes(PDEVICE_OBJECT DeviceObject, BOOLEAN DeferredStartIo,
                       BOOLEAN NonCancelable)
{
    PDEVOBJ_EXTENSION Extension = DeviceObject->DeviceObjectExtension;

    if (Extension == NULL) {
        DbgPrint("IoSetStartIoAttributes: device %p was not made by IoCreateDevice (no "
                 "device object extension); attributes ignored\n", DeviceObject);
        return;
    }
    InterlockedOr((LONG volatile *)&Extension->StartIoFlags,
                  (DeferredStartIo ? IOP_SIO_DEFERRED : 0) |
                      (NonCancelable ? IOP_SIO_NON_CANCELABLE : 0));
}
