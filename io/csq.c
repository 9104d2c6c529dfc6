/*
 * io/csq.c - cancel-safe IRP queues (IoCsq*).
 *
 * A driver supplies the queue itself (a list, its lock) through six
 * callbacks; these routines add the cancel logic around them, so that no
 * driver has to get the races of io/cancel.c right on its own. Each IRP
 * carries, in Tail.Overlay.DriverContext[3], what it was queued with: the
 * IO_CSQ, or the caller's IO_CSQ_IRP_CONTEXT when it passed one. The two
 * are told apart by their first field, Type (IO_TYPE_CSQ or IO_TYPE_CSQ_EX
 * against IO_TYPE_CSQ_IRP_CONTEXT), which is why both structures begin
 * with one.
 *
 * Who owns a queued IRP is decided, as everywhere, by exchanging its
 * CancelRoutine for NULL: the remover that gets IopCsqCancelRoutine back
 * takes the IRP out of the queue; one that gets NULL leaves it to the
 * cancel routine, which is already on its way to the queue's lock.
 *
 * The callbacks run with the queue's lock held (except CsqAcquireLock and
 * CsqCompleteCanceledIrp), at whatever IRQL that lock leaves, which is at
 * most DISPATCH_LEVEL.
 */
#include <wdm.h>

static DRIVER_CANCEL IopCsqCancelRoutine;

/* The queue an IRP was inserted into, and its context if it has one. */
static PIO_CSQ
IopCsqFromIrp(PIRP Irp, PIO_CSQ_IRP_CONTEXT *Context)
{
    PVOID Owner = Irp->Tail.Overlay.DriverContext[3];

    if (*(PULONG)Owner == IO_TYPE_CSQ_IRP_CONTEXT) {
        *Context = Owner;
        return (*Context)->Csq;
    }
    *Context = NULL;
    return Owner;
}

/* Called with the queue's lock held: the IRP is leaving the queue (it was
 * removed, or the cancel routine takes it); nothing points at it any more. */
static VOID
IopCsqForgetIrp(PIRP Irp)
{
    PIO_CSQ_IRP_CONTEXT Context;

    (VOID)IopCsqFromIrp(Irp, &Context);
    if (Context != NULL) {
        Context->Irp = NULL;
    }
    Irp->Tail.Overlay.DriverContext[3] = NULL;
}

/* DISPATCH_LEVEL, called by IoCancelIrp with the cancel spin lock held.
 * The cancel spin lock protects nothing here: the queue has its own lock. */
static VOID
IopCsqCancelRoutine(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PIO_CSQ_IRP_CONTEXT Context;
    PIO_CSQ Csq;
    KIRQL Irql;

    UNREFERENCED_PARAMETER(DeviceObject);
    IoReleaseCancelSpinLock(Irp->CancelIrql);

    Csq = IopCsqFromIrp(Irp, &Context);
    Csq->CsqAcquireLock(Csq, &Irql);
    Csq->CsqRemoveIrp(Csq, Irp);
    IopCsqForgetIrp(Irp);
    Csq->CsqReleaseLock(Csq, Irql);

    Csq->CsqCompleteCanceledIrp(Csq, Irp);
}

/* Any IRQL: fills in Csq. Every callback is required. */
static NTSTATUS
IopCsqInitialize(PIO_CSQ Csq, ULONG Type, PVOID CsqInsertIrp, PIO_CSQ_REMOVE_IRP CsqRemoveIrp,
                 PIO_CSQ_PEEK_NEXT_IRP CsqPeekNextIrp, PIO_CSQ_ACQUIRE_LOCK CsqAcquireLock,
                 PIO_CSQ_RELEASE_LOCK CsqReleaseLock,
                 PIO_CSQ_COMPLETE_CANCELED_IRP CsqCompleteCanceledIrp, PCSTR Caller)
{
    if (Csq == NULL || CsqInsertIrp == NULL || CsqRemoveIrp == NULL || CsqPeekNextIrp == NULL ||
        CsqAcquireLock == NULL || CsqReleaseLock == NULL || CsqCompleteCanceledIrp == NULL) {
        DbgPrint("%s: the queue and all six callbacks are required (Csq %p, insert %p, remove "
                 "%p, peek %p, acquire %p, release %p, complete-canceled %p)\n",
                 Caller, Csq, CsqInsertIrp, CsqRemoveIrp, CsqPeekNextIrp, CsqAcquireLock,
                 CsqReleaseLock, CsqCompleteCanceledIrp);
        return STATUS_INVALID_PARAMETER;
    }
    Csq->Type = Type;
    Csq->CsqInsertIrp = (PIO_CSQ_INSERT_IRP)CsqInsertIrp;
    Csq->CsqRemoveIrp = CsqRemoveIrp;
    Csq->CsqPeekNextIrp = CsqPeekNextIrp;
    Csq->CsqAcquireLock = CsqAcquireLock;
    Csq->CsqReleaseLock = CsqReleaseLock;
    Csq->CsqCompleteCanceledIrp = CsqCompleteCanceledIrp;
    Csq->ReservePointer = NULL;
    return STATUS_SUCCESS;
}

/* IRQL <= DISPATCH_LEVEL. */
NTSTATUS NTAPI
IoCsqInitialize(PIO_CSQ Csq, PIO_CSQ_INSERT_IRP CsqInsertIrp, PIO_CSQ_REMOVE_IRP CsqRemoveIrp,
                PIO_CSQ_PEEK_NEXT_IRP CsqPeekNextIrp, PIO_CSQ_ACQUIRE_LOCK CsqAcquireLock,
                PIO_CSQ_RELEASE_LOCK CsqReleaseLock,
                PIO_CSQ_COMPLETE_CANCELED_IRP CsqCompleteCanceledIrp)
{
    return IopCsqInitialize(Csq, IO_TYPE_CSQ, (PVOID)CsqInsertIrp, CsqRemoveIrp, CsqPeekNextIrp,
                            CsqAcquireLock, CsqReleaseLock, CsqCompleteCanceledIrp,
                            "IoCsqInitialize");
}

/* IRQL <= DISPATCH_LEVEL. The insert callback returns a status; an IRP it
 * refuses is not queued and the status goes back to IoCsqInsertIrpEx's
 * caller. */
NTSTATUS NTAPI
IoCsqInitializeEx(PIO_CSQ Csq, PIO_CSQ_INSERT_IRP_EX CsqInsertIrp, PIO_CSQ_REMOVE_IRP CsqRemoveIrp,
                  PIO_CSQ_PEEK_NEXT_IRP CsqPeekNextIrp, PIO_CSQ_ACQUIRE_LOCK CsqAcquireLock,
                  PIO_CSQ_RELEASE_LOCK CsqReleaseLock,
                  PIO_CSQ_COMPLETE_CANCELED_IRP CsqCompleteCanceledIrp)
{
    return IopCsqInitialize(Csq, IO_TYPE_CSQ_EX, (PVOID)CsqInsertIrp, CsqRemoveIrp,
                            CsqPeekNextIrp, CsqAcquireLock, CsqReleaseLock,
                            CsqCompleteCanceledIrp, "IoCsqInitializeEx");
}

/* IRQL <= DISPATCH_LEVEL; takes the queue's lock. Queues the IRP, marks it
 * pending and makes it cancelable. An IRP cancelled before it got its
 * cancel routine is not left queued: it is marked pending and handed to
 * CsqCompleteCanceledIrp (after the lock is dropped), and Context, if any,
 * no longer names it. Returns the insert callback's status for an Ex queue
 * (a failure leaves the IRP untouched and unqueued), else STATUS_SUCCESS. */
NTSTATUS NTAPI
IoCsqInsertIrpEx(PIO_CSQ Csq, PIRP Irp, PIO_CSQ_IRP_CONTEXT Context, PVOID InsertContext)
{
    NTSTATUS Status = STATUS_SUCCESS;
    KIRQL Irql;

    if (Csq == NULL || (Csq->Type != IO_TYPE_CSQ && Csq->Type != IO_TYPE_CSQ_EX)) {
        DbgPrint("IoCsqInsertIrp: %p is not an initialized IO_CSQ (IoCsqInitialize first), "
                 "called from %pS\n", Csq, __builtin_return_address(0));
        return STATUS_INVALID_PARAMETER;
    }
    if (Context != NULL) {
        Context->Type = IO_TYPE_CSQ_IRP_CONTEXT;
        Context->Irp = Irp;
        Context->Csq = Csq;
        Irp->Tail.Overlay.DriverContext[3] = Context;
    } else {
        Irp->Tail.Overlay.DriverContext[3] = Csq;
    }

    Csq->CsqAcquireLock(Csq, &Irql);
    if (Irp->Cancel) {
        /* Cancelled already (IoCancelIrp found no routine to call): the
         * WDK does not queue it. It is still marked pending, since the
         * caller returns STATUS_PENDING after any insertion. */
        IoMarkIrpPending(Irp);
        IopCsqForgetIrp(Irp);
        Csq->CsqReleaseLock(Csq, Irql);
        Csq->CsqCompleteCanceledIrp(Csq, Irp);
        return STATUS_SUCCESS;
    }
    if (Csq->Type == IO_TYPE_CSQ_EX) {
        /* The WDK keeps the Ex callback in the same field; go through
         * void * to say the type change is meant. */
        PIO_CSQ_INSERT_IRP_EX InsertEx = (PIO_CSQ_INSERT_IRP_EX)(PVOID)Csq->CsqInsertIrp;

        Status = InsertEx(Csq, Irp, InsertContext);
        if (!NT_SUCCESS(Status)) {
            IopCsqForgetIrp(Irp);
            Csq->CsqReleaseLock(Csq, Irql);
            return Status;
        }
    } else {
        Csq->CsqInsertIrp(Csq, Irp);
    }
    IoMarkIrpPending(Irp);
    (VOID)IoSetCancelRoutine(Irp, IopCsqCancelRoutine);

    /* Cancelled while it was being queued: IoCancelIrp found no routine
     * and called nothing. Take the routine back; if IoCancelIrp has
     * meanwhile taken it instead, its call is on the way and will dequeue
     * the IRP. */
    if (Irp->Cancel && IoSetCancelRoutine(Irp, NULL) != NULL) {
        Csq->CsqRemoveIrp(Csq, Irp);
        IopCsqForgetIrp(Irp);
        Csq->CsqReleaseLock(Csq, Irql);
        Csq->CsqCompleteCanceledIrp(Csq, Irp);
        return Status;
    }
    Csq->CsqReleaseLock(Csq, Irql);
    return Status;
}

/* IRQL <= DISPATCH_LEVEL; takes the queue's lock. */
VOID NTAPI
IoCsqInsertIrp(PIO_CSQ Csq, PIRP Irp, PIO_CSQ_IRP_CONTEXT Context)
{
    (VOID)IoCsqInsertIrpEx(Csq, Irp, Context, NULL);
}

/* IRQL <= DISPATCH_LEVEL; takes the queue's lock. The IRP Context was
 * inserted with, now the caller's; NULL when it has left the queue already
 * (removed, or cancelled: its cancel routine completes it). */
PIRP NTAPI
IoCsqRemoveIrp(PIO_CSQ Csq, PIO_CSQ_IRP_CONTEXT Context)
{
    PIRP Irp;
    KIRQL Irql;

    if (Context == NULL || Context->Type != IO_TYPE_CSQ_IRP_CONTEXT || Context->Csq != Csq) {
        DbgPrint("IoCsqRemoveIrp: %p is not a context IoCsqInsertIrp filled in for queue %p, "
                 "called from %pS\n", Context, Csq, __builtin_return_address(0));
        return NULL;
    }
    Csq->CsqAcquireLock(Csq, &Irql);
    Irp = Context->Irp;
    if (Irp != NULL) {
        if (IoSetCancelRoutine(Irp, NULL) != NULL) {
            Csq->CsqRemoveIrp(Csq, Irp);
            IopCsqForgetIrp(Irp);
        } else {
            /* IoCancelIrp took the routine; it will dequeue and complete
             * the IRP as soon as it gets the lock. */
            Irp = NULL;
        }
    }
    Csq->CsqReleaseLock(Csq, Irql);
    return Irp;
}

/* IRQL <= DISPATCH_LEVEL; takes the queue's lock. The first IRP, in the
 * order CsqPeekNextIrp walks the queue with PeekContext, that is not being
 * cancelled; NULL when there is none. */
PIRP NTAPI
IoCsqRemoveNextIrp(PIO_CSQ Csq, PVOID PeekContext)
{
    PIRP Irp;
    KIRQL Irql;

    if (Csq == NULL || (Csq->Type != IO_TYPE_CSQ && Csq->Type != IO_TYPE_CSQ_EX)) {
        DbgPrint("IoCsqRemoveNextIrp: %p is not an initialized IO_CSQ, called from %pS\n", Csq,
                 __builtin_return_address(0));
        return NULL;
    }
    Csq->CsqAcquireLock(Csq, &Irql);
    Irp = Csq->CsqPeekNextIrp(Csq, NULL, PeekContext);
    while (Irp != NULL) {
        if (IoSetCancelRoutine(Irp, NULL) != NULL) {
            Csq->CsqRemoveIrp(Csq, Irp);
            IopCsqForgetIrp(Irp);
            break;
        }
        /* Being cancelled: its cancel routine will remove it. Step past. */
        Irp = Csq->CsqPeekNextIrp(Csq, Irp, PeekContext);
    }
    Csq->CsqReleaseLock(Csq, Irql);
    return Irp;
}
