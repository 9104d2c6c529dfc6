/*
 * io/cancel.c - cancelling IRPs: the cancel spin lock and IoCancelIrp.
 *
 * The WDK's contract, which every cancel routine is written against:
 *
 *   IoCancelIrp(Irp)                         the driver that holds the IRP
 *   ----------------                         ------------------------------
 *   take the cancel spin lock                IoSetCancelRoutine(Irp, Routine)
 *   Irp->Cancel = TRUE                         when it parks the IRP; then, if
 *   Routine = exchange CancelRoutine, NULL     Irp->Cancel is already set and
 *   Routine != NULL:                           IoSetCancelRoutine(Irp, NULL)
 *     Irp->CancelIrql = the IRQL before         gives Routine back, it cancels
 *     Routine(DeviceObject, Irp) --------->     the IRP itself.
 *       it releases the cancel spin lock     IoSetCancelRoutine(Irp, NULL)
 *       with IoReleaseCancelSpinLock(          before it completes the IRP:
 *         Irp->CancelIrql), dequeues the       NULL back means a cancel
 *       IRP, completes it STATUS_CANCELLED      routine owns the IRP now and
 *     return TRUE                               the driver must leave it.
 *   else release the lock, return FALSE
 *
 * The atomic exchange on Irp->CancelRoutine decides, once, who owns the
 * IRP: the canceller or the driver. IoSetCancelRoutine is the WDK's inline
 * (include/ddk/io.h). The cancel spin lock is one lock for the whole
 * system, as on Windows; it protects drivers' queues that rely on it
 * (IoStartPacket's device queue) and serializes the cancel routines.
 */
#include <wdm.h>

static KSPIN_LOCK IopCancelSpinLock;

/* IRQL <= DISPATCH_LEVEL; returns at DISPATCH_LEVEL holding the cancel
 * spin lock, with the IRQL to go back to in *Irql. */
VOID NTAPI
IoAcquireCancelSpinLock(PKIRQL Irql)
{
    *Irql = KeAcquireSpinLockRaiseToDpc(&IopCancelSpinLock);
}

/* DISPATCH_LEVEL holding the cancel spin lock; lowers to Irql (a cancel
 * routine passes Irp->CancelIrql). */
VOID NTAPI
IoReleaseCancelSpinLock(KIRQL Irql)
{
    KeReleaseSpinLock(&IopCancelSpinLock, Irql);
}

/* IRQL <= DISPATCH_LEVEL. Marks the IRP cancelled and calls its cancel
 * routine, if it has one, with the cancel spin lock held; the routine
 * releases it. TRUE when a routine was called. An IRP that no driver holds
 * in a cancelable state (being processed, or already completed and kept by
 * its owner) only gets Cancel set: the driver sees it at its next
 * IoSetCancelRoutine. */
BOOLEAN NTAPI
IoCancelIrp(PIRP Irp)
{
    PDRIVER_CANCEL CancelRoutine;
    KIRQL Irql;

    if (Irp == NULL || Irp->Type != IO_TYPE_IRP) {
        DbgPrint("IoCancelIrp: %p is not an IRP (type %d), called from %pS\n", Irp,
                 Irp != NULL ? Irp->Type : 0, __builtin_return_address(0));
        return FALSE;
    }
    IoAcquireCancelSpinLock(&Irql);
    Irp->Cancel = TRUE;
    CancelRoutine = IoSetCancelRoutine(Irp, NULL);
    if (CancelRoutine == NULL) {
        IoReleaseCancelSpinLock(Irql);
        return FALSE;
    }
    /* The routine was set by the driver the IRP is with: its stack
     * location names the device. */
    Irp->CancelIrql = Irql;
    CancelRoutine(IoGetCurrentIrpStackLocation(Irp)->DeviceObject, Irp);
    return TRUE;
}
