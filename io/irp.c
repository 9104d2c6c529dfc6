/*
 * io/irp.c - IRP allocation: IoAllocateIrp, IoFreeIrp, IoReuseIrp,
 * IoInitializeIrp, IoMakeAssociatedIrp, and the lookaside lists IRPs come
 * from.
 *
 * An IRP's life
 * =============
 *
 * 1. Allocation. IoAllocateIrp(StackSize) pops a block off a lookaside list
 *    (the pool is touched only when the list is empty) and lays it out: the
 *    IRP header, then StackSize stack locations. Location 1 is at the lowest
 *    address and belongs to the lowest driver. A fresh IRP has no current
 *    location: CurrentLocation = StackCount + 1.
 *
 *      +--------------------+---------+---------+---------+
 *      | IRP                | loc 1   | loc 2   | loc 3   |  StackCount = 3
 *      | IoStatus  Flags    | (bus    | (func-  | (filter |
 *      | SystemBuffer       |  driver)|  tion)  |  driver)|
 *      | MdlAddress  ...    |         |         |         |
 *      +--------------------+---------+---------+---------+
 *                            ^ 1       ^ 2       ^ 3       ^ 4 = CurrentLocation
 *                                                            of a fresh IRP
 *
 * 2. Dispatch. The sender fills the next location (IoGetNextIrpStackLocation:
 *    loc 3) and calls IoCallDriver(filter device): CurrentLocation 4 -> 3,
 *    loc 3 gets DeviceObject = the filter's device, and the filter driver's
 *    MajorFunction[loc 3.MajorFunction] runs. The filter fills loc 2
 *    (IoCopyCurrentIrpStackLocationToNext), may put a completion routine in
 *    it - IoSetCompletionRoutine stores a driver's routine in the location
 *    of the driver BELOW it - and calls IoCallDriver(function device):
 *    3 -> 2, and so on down. Going below 1 is NO_MORE_IRP_STACK_LOCATIONS.
 *    IoSkipCurrentIrpStackLocation instead hands the lower driver the
 *    caller's own location: no completion routine, no location used up.
 *
 * 3. Pending. A driver that cannot finish at once calls IoMarkIrpPending
 *    (SL_PENDING_RETURNED in its own location's Control), keeps the IRP
 *    (a queue, StartIo, the hardware) and returns STATUS_PENDING, which
 *    every driver above returns in turn. The sender waits (an event) or not.
 *
 * 4. Completion. Later - often in a DPC - the owner sets IoStatus and calls
 *    IoCompleteRequest, which unwinds upwards one location at a time:
 *
 *      loc 1 --(routine in loc 1: the function driver's)--> loc 2
 *      loc 2 --(routine in loc 2: the filter's)-----------> loc 3
 *      loc 3 --(routine in loc 3: the sender's, device NULL)--> past the top
 *
 *    At each step: PendingReturned = that location's SL_PENDING_RETURNED;
 *    CurrentLocation++ (the driver above is current again); then the
 *    routine runs if its SL_INVOKE_ON_SUCCESS/ERROR/CANCEL flag matches the
 *    IRP's status (or Cancel), else the pending mark is copied up. A routine
 *    that returns STATUS_MORE_PROCESSING_REQUIRED stops the walk: the IRP is
 *    that driver's again, and it calls IoCompleteRequest once more when done
 *    (or frees it, if it allocated it). A routine that lets completion go on
 *    must do `if (Irp->PendingReturned) IoMarkIrpPending(Irp);`.
 *
 * 5. Final completion. Past the top, the I/O manager finishes what it built
 *    (io/complete.c): copies buffered data back to the caller's buffer
 *    (IRP_BUFFERED_IO | IRP_INPUT_OPERATION, Information bytes), frees
 *    SystemBuffer (IRP_DEALLOCATE_BUFFER) and the MDLs, stores IoStatus in
 *    *UserIosb, signals UserEvent, and frees the IRP: back onto its
 *    lookaside list, where the next IoAllocateIrp finds it.
 *
 * Kestrel keeps the verifier's per-IRP state in IRP.Reserved (io/iopirp.h).
 */
#include "kernel/ke/ki.h"
#include "kernel/mm/pool.h"
#include "kernel/rtl/crt.h"
#include "io/iopirp.h"

static NPAGED_LOOKASIDE_LIST IopSmallIrpLookasideList;  /* IOP_SMALL_IRP_STACK_SIZE */
static NPAGED_LOOKASIDE_LIST IopLargeIrpLookasideList;  /* IOP_LARGE_IRP_STACK_SIZE */
static BOOLEAN IopIrpSystemInitialized;

BOOLEAN IopVerifierEnabled = TRUE;

/* PASSIVE_LEVEL, once, before the first IRP. */
VOID
IopInitializeIrpSystem(VOID)
{
    CHAR Value[8];

    if (IopIrpSystemInitialized) {
        return;
    }
    ExInitializeNPagedLookasideList(&IopSmallIrpLookasideList, NULL, NULL, 0,
                                    IoSizeOfIrp(IOP_SMALL_IRP_STACK_SIZE), IOP_IRP_TAG, 0);
    ExInitializeNPagedLookasideList(&IopLargeIrpLookasideList, NULL, NULL, 0,
                                    IoSizeOfIrp(IOP_LARGE_IRP_STACK_SIZE), IOP_IRP_TAG, 0);
    if (KiCommandLineValue("verifier", Value, sizeof(Value))) {
        if (strcmp(Value, "off") == 0) {
            IopVerifierEnabled = FALSE;
        } else if (strcmp(Value, "on") != 0) {
            DbgPrint("Io: verifier=%s not understood (on or off); the I/O verifier stays on\n",
                     Value);
        }
    }
    DbgPrint("Io: I/O verifier %s\n", IopVerifierEnabled ? "on" : "off (verifier=off)");
    IopIrpSystemInitialized = TRUE;
}

/* Any IRQL: the lookaside list an IRP of StackSize locations uses, or NULL. */
static PNPAGED_LOOKASIDE_LIST
IopIrpLookasideList(CCHAR StackSize)
{
    if (StackSize <= IOP_SMALL_IRP_STACK_SIZE) {
        return &IopSmallIrpLookasideList;
    }
    if (StackSize <= IOP_LARGE_IRP_STACK_SIZE) {
        return &IopLargeIrpLookasideList;
    }
    return NULL;
}

/* Any IRQL. The pool counts the IRPs cached on the lookaside lists as
 * allocated (they are, to the pool): they are taken off. */
LONG64
IopQueryIrpsInUse(VOID)
{
    EXP_POOL_TAG_INFO Info;

    (VOID)ExpQueryPoolTag(IOP_IRP_TAG, &Info);
    return (LONG64)(Info.Allocations - Info.Frees) -
           (LONG64)IopSmallIrpLookasideList.L.ListHead.HeaderX64.Depth -
           (LONG64)IopLargeIrpLookasideList.L.ListHead.HeaderX64.Depth;
}

/* Any IRQL <= DISPATCH_LEVEL. Windows' IoInitializeIrp, without checks. */
static VOID
IopInitializeIrp(PIRP Irp, USHORT PacketSize, CCHAR StackSize)
{
    RtlZeroMemory(Irp, PacketSize);
    Irp->Type = IO_TYPE_IRP;
    Irp->Size = PacketSize;
    Irp->StackCount = StackSize;
    Irp->CurrentLocation = (CHAR)(StackSize + 1);
    InitializeListHead(&Irp->ThreadListEntry);
    Irp->Tail.Overlay.CurrentStackLocation =
        (PIO_STACK_LOCATION)((PUCHAR)Irp + sizeof(IRP)) + StackSize;
}

/* IRQL <= DISPATCH_LEVEL. Kestrel has no quotas: ChargeQuota is accepted
 * and nothing is charged (IRP_QUOTA_CHARGED stays clear). */
PIRP NTAPI
IoAllocateIrp(CCHAR StackSize, BOOLEAN ChargeQuota)
{
    PNPAGED_LOOKASIDE_LIST List;
    PIRP Irp;
    UCHAR AllocationFlags = IOP_IRP_ALLOCATED_BY_IO;

    if (StackSize < 1) {
        DbgPrint("IoAllocateIrp: StackSize %d: an IRP needs at least one stack location "
                 "(use the target's DeviceObject->StackSize), caller %pS\n", StackSize,
                 __builtin_return_address(0));
        return NULL;
    }
    List = IopIrpLookasideList(StackSize);
    if (List != NULL) {
        Irp = ExAllocateFromNPagedLookasideList(List);
        AllocationFlags |= IRP_ALLOCATED_FIXED_SIZE | IRP_LOOKASIDE_ALLOCATION;
    } else {
        Irp = ExAllocatePoolWithTag(NonPagedPoolNx, IoSizeOfIrp(StackSize), IOP_IRP_TAG);
    }
    if (Irp == NULL) {
        return NULL;
    }
    IopInitializeIrp(Irp, IoSizeOfIrp(StackSize), StackSize);
    Irp->AllocationFlags = AllocationFlags;
    return Irp;
}

/* IRQL <= DISPATCH_LEVEL. The memory goes back where IoAllocateIrp got it;
 * an IRP still inside an IoCallDriver (verifier on) goes when that returns. */
VOID
IopFreeIrp(PIRP Irp)
{
    PNPAGED_LOOKASIDE_LIST List;
    USHORT Old;

    /* A freed IRP is no IRP: completing or freeing it again is caught. */
    Irp->Type = 0;
    if (IopVerifierEnabled) {
        Old = IopIrpVerifierUpdate(Irp, 0, IOP_VERIFIER_FREE_DEFERRED);
        if ((Old & IOP_VERIFIER_HOLD_MASK) != 0) {
            return;         /* the last IoCallDriver to return frees it */
        }
    }
    if ((Irp->AllocationFlags & IOP_IRP_ALLOCATED_BY_IO) == 0) {
        /* IoInitializeIrp'd in the driver's memory: the driver frees it. */
        DbgPrint("Io: IRP %p was not allocated by IoAllocateIrp: its memory is left to its "
                 "owner, who must claim it in a completion routine before final completion\n",
                 Irp);
    } else if ((Irp->AllocationFlags & IRP_ALLOCATED_FIXED_SIZE) != 0) {
        List = IopIrpLookasideList(Irp->StackCount);
        ExFreeToNPagedLookasideList(List, Irp);
    } else {
        ExFreePoolWithTag(Irp, IOP_IRP_TAG);
    }
}

/* IRQL <= DISPATCH_LEVEL. Only IRPs from IoAllocateIrp or
 * IoMakeAssociatedIrp. A SystemBuffer still marked IRP_DEALLOCATE_BUFFER
 * goes with the IRP; MDLs are the caller's to free first, as documented. */
VOID NTAPI
IoFreeIrp(PIRP Irp)
{
    if (IopVerifierEnabled) {
        IopVerifierCheckFree(Irp, "IoFreeIrp", __builtin_return_address(0));
    }
    if ((Irp->Flags & IRP_DEALLOCATE_BUFFER) != 0 && Irp->AssociatedIrp.SystemBuffer != NULL) {
        ExFreePool(Irp->AssociatedIrp.SystemBuffer);
        Irp->AssociatedIrp.SystemBuffer = NULL;
        Irp->Flags &= ~IRP_DEALLOCATE_BUFFER;
    }
    IopFreeIrp(Irp);
}

/* IRQL <= DISPATCH_LEVEL. As fresh from IoAllocateIrp, with IoStatus.Status
 * = Iostatus; the allocation flags (and the verifier's holds) stay. */
VOID NTAPI
IoReuseIrp(PIRP Irp, NTSTATUS Iostatus)
{
    UCHAR AllocationFlags = Irp->AllocationFlags;
    USHORT Holds = IopIrpVerifierState(Irp) & IOP_VERIFIER_HOLD_MASK;

    if (IopVerifierEnabled) {
        IopVerifierCheckFree(Irp, "IoReuseIrp", __builtin_return_address(0));
    }
    IopInitializeIrp(Irp, Irp->Size, Irp->StackCount);
    Irp->AllocationFlags = AllocationFlags;
    Irp->Reserved = Holds;
    Irp->IoStatus.Status = Iostatus;
}

/* IRQL <= DISPATCH_LEVEL. For IRPs in the caller's own memory; the caller
 * frees that memory itself (never with IoFreeIrp). */
VOID NTAPI
IoInitializeIrp(PIRP Irp, USHORT PacketSize, CCHAR StackSize)
{
    if (StackSize < 1 || PacketSize < IoSizeOfIrp(StackSize)) {
        DbgPrint("IoInitializeIrp: %u bytes at %p cannot hold an IRP of %d stack location(s): "
                 "it needs IoSizeOfIrp(%d) = %u; caller %pS\n", PacketSize, Irp, StackSize,
                 StackSize, StackSize < 1 ? 0 : IoSizeOfIrp(StackSize),
                 __builtin_return_address(0));
        /* Parameter 1 0x200: Windows' code for an I/O verification error
         * it has no number for. Going on would write past the block. */
        KeBugCheckEx(DRIVER_VERIFIER_IOMANAGER_VIOLATION, 0x200,
                     (ULONG_PTR)__builtin_return_address(0), (ULONG_PTR)Irp, PacketSize);
    }
    IopInitializeIrp(Irp, PacketSize, StackSize);
}

/* IRQL <= DISPATCH_LEVEL. An IRP associated with master Irp: when it
 * completes, the master's AssociatedIrp.IrpCount drops, and the master is
 * completed when that reaches 0. The caller sets IrpCount, as documented. */
PIRP NTAPI
IoMakeAssociatedIrp(PIRP Irp, CCHAR StackSize)
{
    PIRP Associated = IoAllocateIrp(StackSize, FALSE);

    if (Associated == NULL) {
        return NULL;
    }
    Associated->Flags |= IRP_ASSOCIATED_IRP;
    Associated->AssociatedIrp.MasterIrp = Irp;
    Associated->RequestorMode = Irp->RequestorMode;
    Associated->Tail.Overlay.Thread = Irp->Tail.Overlay.Thread;
    Associated->Tail.Overlay.OriginalFileObject = Irp->Tail.Overlay.OriginalFileObject;
    return Associated;
}
