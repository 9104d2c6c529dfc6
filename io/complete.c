/*
 * io/complete.c - IoCompleteRequest (IofCompleteRequest): completion
 * routines from the bottom of the stack up, pending propagation, and the
 * I/O manager's own final completion; IoSetCompletionRoutineEx.
 *
 * The walk is step 4 of the picture at the top of io/irp.c. Each location
 * is cleared as it is left (Control but the pending mark, CompletionRoutine,
 * Context), so that an IRP a completion routine claimed with
 * STATUS_MORE_PROCESSING_REQUIRED can be passed down again or completed
 * again without an old routine running twice.
 *
 * Final completion (step 5) happens here and at once, at the completing
 * driver's IRQL (<= DISPATCH_LEVEL): Kestrel has no APCs, and all memory is
 * resident, so copying back into the caller's buffer is safe from a DPC.
 * Every IRP that reaches it is freed. That is right for the IRPs the I/O
 * manager builds (IoBuildSynchronousFsdRequest, IoBuildDeviceIoControlRequest,
 * the file API's); an IRP a driver allocated must be claimed by its
 * completion routine (STATUS_MORE_PROCESSING_REQUIRED) before it gets here,
 * as the WDK requires, or it is freed here too - and freeing it again is a
 * verifier error. A file object's references are the file API's business:
 * final completion only signals FILE_OBJECT.Event when there is no UserEvent.
 */
#include "io/iopirp.h"

/* The I/O manager's completion routine for IoSetCompletionRoutineEx: the
 * driver's routine and context, and its device, referenced so the driver
 * cannot unload while its routine may still be called. */
typedef struct _IOP_COMPLETION_CONTEXT {
    PIO_COMPLETION_ROUTINE CompletionRoutine;
    PVOID Context;
    PDEVICE_OBJECT DeviceObject;
    UCHAR Control;                      /* the SL_INVOKE_ON_* the driver asked for */
} IOP_COMPLETION_CONTEXT, *PIOP_COMPLETION_CONTEXT;

/* TRUE when a location's SL_INVOKE_ON_* flags ask for its routine now. */
static inline BOOLEAN
IopShouldInvoke(UCHAR Control, PIRP Irp)
{
    if (NT_SUCCESS(Irp->IoStatus.Status)) {
        if ((Control & SL_INVOKE_ON_SUCCESS) != 0) {
            return TRUE;
        }
    } else if ((Control & SL_INVOKE_ON_ERROR) != 0) {
        return TRUE;
    }
    return Irp->Cancel && (Control & SL_INVOKE_ON_CANCEL) != 0;
}

/* IRQL <= DISPATCH_LEVEL. The bytes a buffered request may copy back: the
 * length the caller's buffer was described with in the top location. */
static ULONG_PTR
IopBufferedLength(PIRP Irp)
{
    PIO_STACK_LOCATION Top = (PIO_STACK_LOCATION)(Irp + 1) + (Irp->StackCount - 1);

    switch (Top->MajorFunction) {
    case IRP_MJ_READ:
        return Top->Parameters.Read.Length;
    case IRP_MJ_DEVICE_CONTROL:
    case IRP_MJ_INTERNAL_DEVICE_CONTROL:
    case IRP_MJ_FILE_SYSTEM_CONTROL:
        return Top->Parameters.DeviceIoControl.OutputBufferLength;
    default:
        return Irp->IoStatus.Information;
    }
}

/* IRQL <= DISPATCH_LEVEL. Step 5: what the I/O manager set up for the
 * sender is undone and reported; the IRP is freed. */
static VOID
IopCompleteIrpFinal(PIRP Irp, CCHAR PriorityBoost)
{
    PIRP MasterIrp;
    PMDL Mdl, NextMdl;
    ULONG_PTR Length;

    if ((Irp->Flags & IRP_BUFFERED_IO) != 0) {
        /* Data for the caller, unless the request failed: warnings such as
         * STATUS_BUFFER_OVERFLOW still return data. */
        if ((Irp->Flags & IRP_INPUT_OPERATION) != 0 && !NT_ERROR(Irp->IoStatus.Status) &&
            Irp->UserBuffer != NULL && Irp->IoStatus.Information != 0) {
            Length = IopBufferedLength(Irp);
            if (Irp->IoStatus.Information > Length) {
                DbgPrint("Io: IRP %p completed with Information %llu, more than the caller's "
                         "%llu-byte buffer; copying %llu\n", Irp,
                         (ULONGLONG)Irp->IoStatus.Information, (ULONGLONG)Length,
                         (ULONGLONG)Length);
            } else {
                Length = Irp->IoStatus.Information;
            }
            RtlCopyMemory(Irp->UserBuffer, Irp->AssociatedIrp.SystemBuffer, Length);
        }
        if ((Irp->Flags & IRP_DEALLOCATE_BUFFER) != 0) {
            ExFreePool(Irp->AssociatedIrp.SystemBuffer);
            Irp->AssociatedIrp.SystemBuffer = NULL;
            Irp->Flags &= ~IRP_DEALLOCATE_BUFFER;
        }
    }
    for (Mdl = Irp->MdlAddress; Mdl != NULL; Mdl = NextMdl) {
        NextMdl = Mdl->Next;
        if ((Mdl->MdlFlags & MDL_PAGES_LOCKED) != 0) {
            MmUnlockPages(Mdl);
        }
        IoFreeMdl(Mdl);
    }
    Irp->MdlAddress = NULL;

    if ((Irp->Flags & IRP_ASSOCIATED_IRP) != 0) {
        /* An associated IRP reports to its master, not to a caller. */
        MasterIrp = Irp->AssociatedIrp.MasterIrp;
        IopFreeIrp(Irp);
        if (InterlockedDecrement(&MasterIrp->AssociatedIrp.IrpCount) == 0) {
            IofCompleteRequest(MasterIrp, PriorityBoost);
        }
        return;
    }
    if (Irp->UserIosb != NULL) {
        *Irp->UserIosb = Irp->IoStatus;
    }
    if (Irp->UserEvent != NULL) {
        KeSetEvent(Irp->UserEvent, PriorityBoost, FALSE);
    } else if (Irp->Tail.Overlay.OriginalFileObject != NULL) {
        Irp->Tail.Overlay.OriginalFileObject->FinalStatus = Irp->IoStatus.Status;
        KeSetEvent(&Irp->Tail.Overlay.OriginalFileObject->Event, PriorityBoost, FALSE);
    }
    IopFreeIrp(Irp);
}

/* IRQL <= DISPATCH_LEVEL. Completion routines run at the caller's IRQL. */
VOID FASTCALL
IofCompleteRequest(PIRP Irp, CCHAR PriorityBoost)
{
    PIO_STACK_LOCATION IrpSp;
    PIO_COMPLETION_ROUTINE Routine;
    PDEVICE_OBJECT DeviceObject;
    PVOID Context;
    UCHAR Control;

    /* A completed IRP has run past the top (StackCount + 2), a freed one is
     * no longer IO_TYPE_IRP: either way a second driver thinks it owns it. */
    if (Irp->Type != IO_TYPE_IRP || Irp->CurrentLocation > Irp->StackCount + 1) {
        IopBugCheckMultipleCompletion(Irp, __builtin_return_address(0));
    }
    if (IopVerifierEnabled) {
        IopVerifierCheckCompletion(Irp, __builtin_return_address(0));
    }
    /* A cancel routine still set would outlive the IRP: once it is freed,
     * an IoCancelIrp racing in (or sent late) calls the routine on freed
     * memory. The verifier has already said so (0xC9/0x07); without it,
     * this is Windows' CANCEL_STATE_IN_COMPLETED_IRP. */
    if (Irp->CancelRoutine != NULL) {
        IopBugCheckCancelStateInCompletedIrp(Irp, __builtin_return_address(0));
    }

    while (Irp->CurrentLocation <= Irp->StackCount) {
        IrpSp = Irp->Tail.Overlay.CurrentStackLocation;
        Control = IrpSp->Control;
        Routine = IrpSp->CompletionRoutine;
        Context = IrpSp->Context;
        if ((Control & (SL_IOP_DISPATCHED | SL_IOP_PENDING_CHECK)) != 0) {
            if ((Control & SL_IOP_PENDING_CHECK) != 0) {
                IopVerifierCheckPendingUnwind(Irp, IrpSp);
            }
            if ((Control & SL_IOP_DISPATCHED) != 0) {
                IopUncountDeviceIrp(IrpSp->DeviceObject);
            }
        }
        IrpSp->Control = Control & SL_PENDING_RETURNED;
        IrpSp->CompletionRoutine = NULL;
        IrpSp->Context = NULL;
        Irp->PendingReturned = (Control & SL_PENDING_RETURNED) != 0;

        /* The driver above is current again; its device is the routine's. */
        Irp->CurrentLocation++;
        Irp->Tail.Overlay.CurrentStackLocation++;
        DeviceObject = Irp->CurrentLocation <= Irp->StackCount
                           ? Irp->Tail.Overlay.CurrentStackLocation->DeviceObject
                           : NULL;
        if (Routine != NULL && IopShouldInvoke(Control, Irp)) {
            if (Routine(DeviceObject, Irp, Context) == STATUS_MORE_PROCESSING_REQUIRED) {
                return;     /* the IRP is that routine's driver's now */
            }
        } else if (Irp->PendingReturned && Irp->CurrentLocation <= Irp->StackCount) {
            IoMarkIrpPending(Irp);
        }
    }
    /* Past the top: from here a second completion is caught. */
    Irp->CurrentLocation = (CHAR)(Irp->StackCount + 2);
    Irp->Tail.Overlay.CurrentStackLocation = (PIO_STACK_LOCATION)(Irp + 1) + Irp->StackCount + 1;
    IopCompleteIrpFinal(Irp, PriorityBoost);
}

/* IRQL <= DISPATCH_LEVEL (completion's). Calls the driver's routine when its
 * flags ask for it, then drops the device reference and the context. */
static NTSTATUS
IopCompletionRoutineEx(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID ContextBlock)
{
    IOP_COMPLETION_CONTEXT Block = *(PIOP_COMPLETION_CONTEXT)ContextBlock;
    NTSTATUS Status = STATUS_SUCCESS;

    ExFreePoolWithTag(ContextBlock, IOP_COMPLETION_CONTEXT_TAG);
    if (IopShouldInvoke(Block.Control, Irp)) {
        Status = Block.CompletionRoutine(DeviceObject, Irp, Block.Context);
    } else if (Irp->PendingReturned && Irp->CurrentLocation <= Irp->StackCount) {
        /* What completion would have done had no routine been set. */
        IoMarkIrpPending(Irp);
    }
    ObDereferenceObject(Block.DeviceObject);
    return Status;
}

/* IRQL <= DISPATCH_LEVEL. STATUS_INSUFFICIENT_RESOURCES when the context
 * cannot be allocated; the IRP is then untouched. */
NTSTATUS NTAPI
IoSetCompletionRoutineEx(PDEVICE_OBJECT DeviceObject, PIRP Irp,
                         PIO_COMPLETION_ROUTINE CompletionRoutine, PVOID Context,
                         BOOLEAN InvokeOnSuccess, BOOLEAN InvokeOnError, BOOLEAN InvokeOnCancel)
{
    PIOP_COMPLETION_CONTEXT Block;

    if (DeviceObject == NULL || CompletionRoutine == NULL) {
        DbgPrint("IoSetCompletionRoutineEx: %s is NULL (caller %pS)\n",
                 DeviceObject == NULL ? "DeviceObject" : "CompletionRoutine",
                 __builtin_return_address(0));
        return STATUS_INVALID_PARAMETER;
    }
    Block = ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(*Block), IOP_COMPLETION_CONTEXT_TAG);
    if (Block == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    Block->CompletionRoutine = CompletionRoutine;
    Block->Context = Context;
    Block->DeviceObject = DeviceObject;
    Block->Control = (InvokeOnSuccess ? SL_INVOKE_ON_SUCCESS : 0) |
                     (InvokeOnError ? SL_INVOKE_ON_ERROR : 0) |
                     (InvokeOnCancel ? SL_INVOKE_ON_CANCEL : 0);
    ObReferenceObject(DeviceObject);
    /* Always called, so that the block and the reference always go. */
    IoSetCompletionRoutine(Irp, IopCompletionRoutineEx, Block, TRUE, TRUE, TRUE);
    return STATUS_SUCCESS;
}
