/*
 * io/fileirp.c - the IRPs of the kernel file API: allocation with the I/O
 * manager's own stack location, sending, waiting, and the final stage
 * (IopCompleteFileIrp), whose path is drawn in io/fileio.h. Also
 * IopCancelFileIrps, the first step of IRP_MJ_CLEANUP.
 *
 * The I/O manager's stack location (the IRP's last one) keeps, in
 * Parameters.Others:
 *   Argument1  state: IOP_IRP_* flags and, in the low bits, how many
 *              cancellers hold the IRP (so it is not freed under them)
 *   Argument2  the device the IRP was sent to (the top of the stack)
 *   Argument3  bytes the caller's output buffer holds (copy-back limit)
 *   Argument4  the IOP_SYNC_WAIT of a waiting caller, or NULL
 * all under the file object's IrpListLock once the IRP is queued.
 */
#include "io/fileio.h"
#include "io/iopirp.h"
#include "kernel/mm/mi.h"
#include "kernel/rtl/crt.h"

#define IOP_IRP_HOLD_MASK 0xFFFFUL
#define IOP_IRP_QUEUED 0x10000UL        /* on IrpList, holding a file reference */
#define IOP_IRP_CANCEL_TRIED 0x20000UL  /* IopCancelFileIrps called IoCancelIrp */
#define IOP_IRP_FINISHED 0x40000UL      /* completed while held: the holder frees */

typedef struct _IOP_SYNC_WAIT {
    KEVENT Event;
    NTSTATUS Status;
} IOP_SYNC_WAIT, *PIOP_SYNC_WAIT;

#define IOP_STATE(Mine) (*(volatile ULONG_PTR *)&(Mine)->Parameters.Others.Argument1)

static IO_COMPLETION_ROUTINE IopCompleteFileIrp;

/* Any IRQL <= DISPATCH_LEVEL. */
static VOID
IopReleaseFileIrp(PIRP Irp, PFILE_OBJECT FileObject, BOOLEAN Queued)
{
    IoFreeIrp(Irp);
    if (Queued) {
        ObfDereferenceObject(FileObject);
    }
}

/* IRQL <= DISPATCH_LEVEL. */
PIRP
IopAllocateFileIrp(PIOP_FILE_REQUEST Request, UCHAR MajorFunction, PIO_STACK_LOCATION *IrpSp)
{
    PDEVICE_OBJECT Top = IoGetRelatedDeviceObject(Request->FileObject);
    PIO_STACK_LOCATION Mine, Next;
    PIRP Irp;

    *IrpSp = NULL;
    Irp = IoAllocateIrp((CCHAR)(Top->StackSize + 1), FALSE);
    if (Irp == NULL) {
        return NULL;
    }
    Irp->RequestorMode = KernelMode;
    Irp->UserIosb = Request->IoStatusBlock;
    Irp->UserEvent = Request->UserEvent;
    Irp->Overlay.AsynchronousParameters.UserApcRoutine = NULL;
    Irp->Overlay.AsynchronousParameters.UserApcContext = NULL;
    Irp->Tail.Overlay.Thread = PsGetCurrentThread();
    Irp->Tail.Overlay.OriginalFileObject = Request->FileObject;
    InitializeListHead(&Irp->ThreadListEntry);

    IoSetNextIrpStackLocation(Irp);
    Mine = IoGetCurrentIrpStackLocation(Irp);
    ASSERT(Mine == IopFileIrpLocation(Irp));
    RtlZeroMemory(Mine, sizeof(*Mine));
    Mine->FileObject = Request->FileObject;
    Mine->Parameters.Others.Argument2 = Top;
    IoSetCompletionRoutine(Irp, IopCompleteFileIrp, Mine, TRUE, TRUE, TRUE);

    Next = IoGetNextIrpStackLocation(Irp);
    Next->MajorFunction = MajorFunction;
    Next->MinorFunction = 0;
    Next->Flags = 0;
    Next->FileObject = Request->FileObject;
    RtlZeroMemory(&Next->Parameters, sizeof(Next->Parameters));
    *IrpSp = Next;
    return Irp;
}

/* Frees the system buffer and the MDLs an IRP carries. Any IRQL <=
 * DISPATCH_LEVEL. */
static VOID
IopFreeIrpBuffers(PIRP Irp)
{
    PMDL Mdl, Next;

    if ((Irp->Flags & IRP_DEALLOCATE_BUFFER) != 0 && Irp->AssociatedIrp.SystemBuffer != NULL) {
        ExFreePoolWithTag(Irp->AssociatedIrp.SystemBuffer, IOP_SYSTEM_BUFFER_TAG);
    }
    Irp->AssociatedIrp.SystemBuffer = NULL;
    Irp->Flags &= ~(IRP_BUFFERED_IO | IRP_DEALLOCATE_BUFFER);
    for (Mdl = Irp->MdlAddress; Mdl != NULL; Mdl = Next) {
        Next = Mdl->Next;
        if ((Mdl->MdlFlags & MDL_PAGES_LOCKED) != 0) {
            MmUnlockPages(Mdl);
        }
        IoFreeMdl(Mdl);
    }
    Irp->MdlAddress = NULL;
}

/* IRQL <= DISPATCH_LEVEL: an IRP that was built but never sent goes,
 * with its buffers and its event reference. */
VOID
IopFreeUnsentFileIrp(PIRP Irp)
{
    IopFreeIrpBuffers(Irp);
    if (Irp->UserEvent != NULL) {
        ObfDereferenceObject(Irp->UserEvent);
    }
    IoFreeIrp(Irp);
}

/*
 * Runs as the top driver's completion routine, at the IRQL the IRP is
 * completed at (<= DISPATCH_LEVEL). The status block and events are
 * written as Windows' final completion writes them: always for a success
 * or warning, and for an error only when the driver had returned
 * STATUS_PENDING (an error returned directly reaches the caller as
 * IoCallDriver's result).
 */
static NTSTATUS
IopCompleteFileIrp(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    PIO_STACK_LOCATION Mine = Context;
    PFILE_OBJECT FileObject = Mine->FileObject;
    PIOP_SYNC_WAIT Wait = Mine->Parameters.Others.Argument4;
    NTSTATUS Status = Irp->IoStatus.Status;
    PKEVENT UserEvent = Irp->UserEvent;
    ULONG_PTR State;
    KIRQL OldIrql;

    UNREFERENCED_PARAMETER(DeviceObject);
    if ((Irp->Flags & (IRP_BUFFERED_IO | IRP_INPUT_OPERATION)) ==
            (IRP_BUFFERED_IO | IRP_INPUT_OPERATION) &&
        !NT_ERROR(Status) && Irp->IoStatus.Information != 0) {
        ULONG_PTR Limit = (ULONG_PTR)Mine->Parameters.Others.Argument3;

        if (Irp->IoStatus.Information > Limit) {
            DbgPrint("Io: %wZ completed an IRP (major 0x%x) with Information %llu, more than "
                     "the caller's %llu-byte buffer; %llu bytes copied\n",
                     &((PDEVICE_OBJECT)Mine->Parameters.Others.Argument2)->DriverObject->DriverName,
                     IoGetNextIrpStackLocation(Irp)->MajorFunction,
                     (ULONGLONG)Irp->IoStatus.Information, (ULONGLONG)Limit, (ULONGLONG)Limit);
            Irp->IoStatus.Information = Limit;
        }
        memcpy(Irp->UserBuffer, Irp->AssociatedIrp.SystemBuffer, Irp->IoStatus.Information);
    }
    IopFreeIrpBuffers(Irp);

    if (!NT_ERROR(Status) || Irp->PendingReturned) {
        if (Irp->UserIosb != NULL) {
            Irp->UserIosb->Information = Irp->IoStatus.Information;
            Irp->UserIosb->Status = Status;
        }
        FileObject->FinalStatus = Status;
        KeSetEvent(&FileObject->Event, IO_NO_INCREMENT, FALSE);
        if (UserEvent != NULL) {
            KeSetEvent(UserEvent, IO_NO_INCREMENT, FALSE);
        }
    }
    if (UserEvent != NULL) {
        ObfDereferenceObject(UserEvent);
        Irp->UserEvent = NULL;
    }
    if (Wait != NULL) {
        /* Last touch of the waiter's frame: it may return at once. */
        Wait->Status = Status;
        KeSetEvent(&Wait->Event, IO_NO_INCREMENT, FALSE);
    }

    State = IOP_STATE(Mine);
    if ((State & IOP_IRP_QUEUED) != 0) {
        KeAcquireSpinLock(&FileObject->IrpListLock, &OldIrql);
        RemoveEntryList(&Irp->ThreadListEntry);
        InitializeListHead(&Irp->ThreadListEntry);
        State = IOP_STATE(Mine);
        if ((State & IOP_IRP_HOLD_MASK) != 0) {
            /* A canceller is looking at it: the last one frees it. */
            IOP_STATE(Mine) = State | IOP_IRP_FINISHED;
            KeReleaseSpinLock(&FileObject->IrpListLock, OldIrql);
            return STATUS_MORE_PROCESSING_REQUIRED;
        }
        KeReleaseSpinLock(&FileObject->IrpListLock, OldIrql);
    }
    IopReleaseFileIrp(Irp, FileObject, (State & IOP_IRP_QUEUED) != 0);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

/* PASSIVE_LEVEL when it waits (IRP_SYNCHRONOUS_API). */
NTSTATUS
IopCallFileDriver(PIOP_FILE_REQUEST Request, PIRP Irp)
{
    PIO_STACK_LOCATION Mine = IopFileIrpLocation(Irp);
    PDEVICE_OBJECT Top = Mine->Parameters.Others.Argument2;
    BOOLEAN Synchronous = (Irp->Flags & IRP_SYNCHRONOUS_API) != 0;
    IOP_SYNC_WAIT Wait;
    NTSTATUS Status;

    if (Synchronous) {
        KeInitializeEvent(&Wait.Event, NotificationEvent, FALSE);
        Wait.Status = STATUS_PENDING;
        Mine->Parameters.Others.Argument4 = &Wait;
    }
    /* Cleanup and close are not cancelled, and may be sent after the last
     * reference (IopDeleteFile): they are not tracked. */
    if ((Irp->Flags & IRP_CLOSE_OPERATION) == 0) {
        IOP_STATE(Mine) = IOP_IRP_QUEUED;
        IopQueueIrpToFile(Request->FileObject, Irp);
    }
    KeClearEvent(&Request->FileObject->Event);
    Status = IoCallDriver(Top, Irp);
    if (Synchronous && Status == STATUS_PENDING) {
        KeWaitForSingleObject(&Wait.Event, Executive, KernelMode, FALSE, NULL);
        Status = Wait.Status;
    }
    return Status;
}

/* PASSIVE_LEVEL. Calls IoCancelIrp on each IRP in flight on FileObject
 * once. IoCancelIrp may complete the IRP at once (its cancel routine
 * runs here): the hold count keeps it from being freed under us. */
VOID
IopCancelFileIrps(PFILE_OBJECT FileObject)
{
    for (;;) {
        PLIST_ENTRY Entry;
        PIO_STACK_LOCATION Mine = NULL;
        PIRP Irp = NULL;
        ULONG_PTR State;
        KIRQL OldIrql;

        KeAcquireSpinLock(&FileObject->IrpListLock, &OldIrql);
        for (Entry = FileObject->IrpList.Flink; Entry != &FileObject->IrpList;
             Entry = Entry->Flink) {
            PIRP Candidate = CONTAINING_RECORD(Entry, IRP, ThreadListEntry);
            PIO_STACK_LOCATION CandidateSp = IopFileIrpLocation(Candidate);

            if ((IOP_STATE(CandidateSp) & IOP_IRP_CANCEL_TRIED) == 0) {
                Irp = Candidate;
                Mine = CandidateSp;
                IOP_STATE(Mine) = (IOP_STATE(Mine) | IOP_IRP_CANCEL_TRIED) + 1;
                break;
            }
        }
        KeReleaseSpinLock(&FileObject->IrpListLock, OldIrql);
        if (Irp == NULL) {
            return;
        }
        IoCancelIrp(Irp);
        KeAcquireSpinLock(&FileObject->IrpListLock, &OldIrql);
        State = IOP_STATE(Mine) - 1;
        IOP_STATE(Mine) = State;
        KeReleaseSpinLock(&FileObject->IrpListLock, OldIrql);
        if ((State & IOP_IRP_FINISHED) != 0 && (State & IOP_IRP_HOLD_MASK) == 0) {
            IopReleaseFileIrp(Irp, FileObject, TRUE);
        }
    }
}

/* Any IRQL: only page tables are read. */
BOOLEAN
IopCheckCallerBuffer(PCSTR Caller, PVOID Buffer, ULONG Length, BOOLEAN Write)
{
    ULONG_PTR Start = (ULONG_PTR)Buffer;
    ULONG_PTR Page;

    if (Length == 0) {
        return TRUE;
    }
    if (Buffer == NULL || (LONG_PTR)Start >= 0 || Start + Length < Start) {
        DbgPrint("%s: the %u-byte buffer at %p is not in kernel memory\n", Caller, Length,
                 Buffer);
        return FALSE;
    }
    for (Page = Start & ~((ULONG_PTR)PAGE_SIZE - 1); Page < Start + Length; Page += PAGE_SIZE) {
        ULONGLONG Pte;

        if (!MiTranslate(Page, NULL, &Pte) || (Write && (Pte & MI_PTE_WRITE) == 0)) {
            DbgPrint("%s: the %u-byte buffer at %p is not %s at %p\n", Caller, Length, Buffer,
                     Write ? "mapped writable" : "mapped", (PVOID)Page);
            return FALSE;
        }
    }
    return TRUE;
}
