/*
 * io/verifier.c - the I/O verifier's IRP checks, on unless the command line
 * says "verifier=off".
 *
 * Each violation prints one line naming the driver at fault (\Driver\Xxx,
 * from the device the IRP stack location names) and the IRP, then stops the
 * machine with the code and parameters Windows documents for it
 * (learn.microsoft.com, "Bug Check 0xC9: DRIVER_VERIFIER_IOMANAGER_VIOLATION",
 * "Bug Check 0x44", "Bug Check 0x35", "Bug Check 0x48"):
 *
 *   what                                  code  P1     P2          P3    P4
 *   IRP completed twice                   0x44  IRP    0           0     0    (always)
 *   completed, cancel routine still set   0x48  IRP    routine     0     0    (verifier off)
 *   IoCallDriver past location 1          0x35  IRP    0           0     0    (always)
 *   IoFreeIrp of a non-IRP                0xC9  0x01   IRP         0     0
 *   IoFreeIrp of an IRP on a thread list  0xC9  0x02   IRP         0     0
 *   IoCallDriver of a non-IRP             0xC9  0x03   IRP         0     0
 *   IoCallDriver to a non-device          0xC9  0x04   device      0     0
 *   IRQL changed by a dispatch routine    0xC9  0x05   device      before after
 *   completion with STATUS_PENDING / -1   0xC9  0x06   status      IRP   0
 *   completion, cancel routine still set  0xC9  0x07   routine     IRP   0
 *   IoCompleteRequest above DISPATCH      0xC9  0x0E   IRQL        IRP   0
 *   IoCallDriver above DISPATCH           0xC9  0x10   IRQL        0     0
 *   IoCallDriver, cancel routine set      0xC9  0x203  caller      IRP   device
 *   too few locations for the target      0xC9  0x208  caller      IRP   device
 *   IoFreeIrp of an IRP a driver owns     0xC9  0x20B  caller      IRP   device
 *   STATUS_PENDING, not marked pending    0xC9  0x23D  dispatch    IRP   device
 *   anything else wrong (bad major code)  0xC9  0x200  caller      IRP   device
 *
 * A cancel routine left set at completion is caught either way, as on
 * Windows: the verifier names it first (0xC9/0x07); without the verifier
 * the I/O manager's own check stops with CANCEL_STATE_IN_COMPLETED_IRP.
 *
 * The 0x2xx codes are Windows' "WDM DRIVER ERROR" numbers, reported with
 * P2 = where the error was detected, P3 = the IRP, P4 = the device. The
 * object layer's checks, with Kestrel's own 0x10xx codes (io/iop.h), use
 * the per-device counts kept here: a device deleted while attached, devices
 * left and IRPs leaked at unload (io/device.c, io/driver.c).
 */
#include "kernel/ke/ki.h"
#include "io/iopirp.h"

static const UNICODE_STRING IopUnknownDriverName = RTL_CONSTANT_STRING(L"(no driver)");

/* Any IRQL. */
PCUNICODE_STRING
IopDriverNameOfDevice(PDEVICE_OBJECT DeviceObject)
{
    if (DeviceObject == NULL || DeviceObject->DriverObject == NULL ||
        DeviceObject->DriverObject->DriverName.Buffer == NULL) {
        return &IopUnknownDriverName;
    }
    return &DeviceObject->DriverObject->DriverName;
}

/* The device of the IRP's current location, if it has one. */
static PDEVICE_OBJECT
IopCurrentDevice(PIRP Irp)
{
    if (Irp->CurrentLocation >= 1 && Irp->CurrentLocation <= Irp->StackCount) {
        return Irp->Tail.Overlay.CurrentStackLocation->DeviceObject;
    }
    return NULL;
}

/* Prints the verifier's line, then stops with DRIVER_VERIFIER_IOMANAGER_VIOLATION. */
static DECLSPEC_NORETURN VOID
IopVerifierStop(ULONG_PTR Code, ULONG_PTR P2, ULONG_PTR P3, ULONG_PTR P4,
                PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Caller, PCSTR What)
{
    DbgPrint("IO VERIFIER: %wZ: %s (IRP %p, device %p, caller %pS)\n",
             IopDriverNameOfDevice(DeviceObject), What, Irp, DeviceObject, Caller);
    KeBugCheckEx(DRIVER_VERIFIER_IOMANAGER_VIOLATION, Code, P2, P3, P4);
}

/* Any IRQL. */
VOID
IopBugCheckMultipleCompletion(PIRP Irp, PVOID Caller)
{
    PIO_STACK_LOCATION IrpSp = (PIO_STACK_LOCATION)(Irp + 1);
    PDEVICE_OBJECT LowestDevice = NULL;
    LONG Index;

    /* The lowest device it was sent to: one of the two drivers that each
     * think they own it is usually there. */
    if (Irp->Type == IO_TYPE_IRP) {
        for (Index = 0; Index < Irp->StackCount && LowestDevice == NULL; Index++) {
            LowestDevice = IrpSp[Index].DeviceObject;
        }
    }
    DbgPrint("IO: IRP %p completed again by %pS: it was %s (lowest device %p of %wZ)\n", Irp,
             Caller, Irp->Type == IO_TYPE_IRP ? "completed already" : "freed already",
             LowestDevice, IopDriverNameOfDevice(LowestDevice));
    KeBugCheckEx(MULTIPLE_IRP_COMPLETE_REQUESTS, (ULONG_PTR)Irp, 0, 0, 0);
}

/* Any IRQL <= DISPATCH_LEVEL, before completion changes anything. */
VOID
IopBugCheckCancelStateInCompletedIrp(PIRP Irp, PVOID Caller)
{
    PDEVICE_OBJECT Completer = IopCurrentDevice(Irp);

    DbgPrint("IO: %wZ completed IRP %p (caller %pS) with its cancel routine %pS still set: "
             "the IRP is about to be freed, and a later IoCancelIrp would call that routine "
             "on it; clear it with IoSetCancelRoutine(Irp, NULL) first\n",
             IopDriverNameOfDevice(Completer), Irp, Caller, Irp->CancelRoutine);
    KeBugCheckEx(CANCEL_STATE_IN_COMPLETED_IRP, (ULONG_PTR)Irp, (ULONG_PTR)Irp->CancelRoutine, 0,
                 0);
}

/* Any IRQL. */
VOID
IopBugCheckNoMoreStackLocations(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    DbgPrint("IO: IoCallDriver to device %p (%wZ): IRP %p has no stack location left (it has "
             "%d); allocate it with the target's DeviceObject->StackSize\n", DeviceObject,
             IopDriverNameOfDevice(DeviceObject), Irp, Irp->StackCount);
    KeBugCheckEx(NO_MORE_IRP_STACK_LOCATIONS, (ULONG_PTR)Irp, 0, 0, 0);
}

/* Any IRQL <= DISPATCH_LEVEL. */
NTSTATUS
IopVerifierCallDriver(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Caller)
{
    KIRQL Irql = KeGetCurrentIrql(), IrqlAfter;
    PDEVICE_OBJECT Sender;
    PIO_STACK_LOCATION IrpSp;
    PDRIVER_DISPATCH Dispatch;
    NTSTATUS Status;
    USHORT Old;

    if (Irql > DISPATCH_LEVEL) {
        IopVerifierStop(0x10, Irql, 0, 0, DeviceObject, Irp, Caller,
                        "IoCallDriver called above DISPATCH_LEVEL");
    }
    if (Irp == NULL || Irp->Type != IO_TYPE_IRP) {
        IopVerifierStop(0x03, (ULONG_PTR)Irp, 0, 0, DeviceObject, Irp, Caller,
                        "IoCallDriver was passed something that is not an IRP (freed?)");
    }
    Sender = IopCurrentDevice(Irp);
    if (DeviceObject == NULL || DeviceObject->Type != IO_TYPE_DEVICE ||
        DeviceObject->DriverObject == NULL) {
        IopVerifierStop(0x04, (ULONG_PTR)DeviceObject, 0, 0, Sender, Irp, Caller,
                        "IoCallDriver was passed something that is not a device object");
    }
    if (Irp->CancelRoutine != NULL) {
        IopVerifierStop(0x203, (ULONG_PTR)Caller, (ULONG_PTR)Irp, (ULONG_PTR)DeviceObject,
                        Sender != NULL ? Sender : DeviceObject, Irp, Caller,
                        "IoCallDriver with the IRP's cancel routine still set");
    }
    if (Irp->CurrentLocation <= 1) {
        Irp->CurrentLocation--;
        IopBugCheckNoMoreStackLocations(DeviceObject, Irp);
    }
    /* Fewer locations left than the target's stack needs: its drivers
     * would write their parameters past the end of the IRP before the
     * bottom one's IoCallDriver could notice. */
    if (Irp->CurrentLocation - 1 < DeviceObject->StackSize) {
        IopVerifierStop(0x208, (ULONG_PTR)Caller, (ULONG_PTR)Irp, (ULONG_PTR)DeviceObject,
                        Sender != NULL ? Sender : DeviceObject, Irp, Caller, "the IRP has fewer stack locations left than the target "
                        "device's StackSize");
    }
    /* The first send fixes where the IRP comes back to its sender. */
    if ((IopIrpVerifierState(Irp) & IOP_VERIFIER_ORIGIN_MASK) == 0) {
        IopIrpVerifierUpdate(Irp, 0, (USHORT)(UCHAR)Irp->CurrentLocation);
    }
    Irp->CurrentLocation--;
    IrpSp = --Irp->Tail.Overlay.CurrentStackLocation;
    if (IrpSp->MajorFunction > IRP_MJ_MAXIMUM_FUNCTION) {
        IopVerifierStop(0x200, (ULONG_PTR)Caller, (ULONG_PTR)Irp, (ULONG_PTR)DeviceObject, Sender,
                        Irp, Caller, "IoCallDriver with a MajorFunction above IRP_MJ_MAXIMUM_FUNCTION");
    }
    /* A location that still counts its device was the sender's own, passed
     * on with IoSkipCurrentIrpStackLocation: the sender is done with it. */
    if ((IrpSp->Control & SL_IOP_DISPATCHED) != 0) {
        IopUncountDeviceIrp(IrpSp->DeviceObject);
    }
    IrpSp->Control = (UCHAR)((IrpSp->Control & ~SL_IOP_PENDING_CHECK) | SL_IOP_DISPATCHED);
    IrpSp->DeviceObject = DeviceObject;
    if (DeviceObject->DeviceObjectExtension != NULL) {
        InterlockedIncrement64(IopDeviceIrpCountAddress(DeviceObject));
    }
    Dispatch = DeviceObject->DriverObject->MajorFunction[IrpSp->MajorFunction];
    if (Dispatch == NULL) {
        IopVerifierStop(0x200, (ULONG_PTR)Caller, (ULONG_PTR)Irp, (ULONG_PTR)DeviceObject,
                        DeviceObject, Irp, Caller, "the driver's MajorFunction entry is NULL");
    }

    __atomic_fetch_add(&Irp->Reserved, IOP_VERIFIER_HOLD_ONE, __ATOMIC_SEQ_CST);
    Status = Dispatch(DeviceObject, Irp);

    IrqlAfter = KeGetCurrentIrql();
    if (IrqlAfter != Irql) {
        IopVerifierStop(0x05, (ULONG_PTR)DeviceObject, Irql, IrqlAfter, DeviceObject, Irp,
                        Dispatch, "the dispatch routine returned at another IRQL");
    }
    /* The IRP is still here (held); whether its location is still this
     * device's says whether the check is this call's to make. */
    if (IrpSp->DeviceObject == DeviceObject) {
        KIRQL OldIrql = KfRaiseIrql(DISPATCH_LEVEL);   /* no completion in between */

        if (Status == STATUS_PENDING) {
            if (Irp->Tail.Overlay.CurrentStackLocation > IrpSp) {
                /* Completion has passed already: the mark had to be there. */
                if ((IrpSp->Control & SL_PENDING_RETURNED) == 0) {
                    IopVerifierStop(0x23D, (ULONG_PTR)Dispatch, (ULONG_PTR)Irp,
                                    (ULONG_PTR)DeviceObject, DeviceObject, Irp, Dispatch,
                                    "returned STATUS_PENDING without IoMarkIrpPending");
                }
            } else {
                IrpSp->Control |= SL_IOP_PENDING_CHECK;
            }
        } else if ((IrpSp->Control & SL_PENDING_RETURNED) != 0 &&
                   Irp->Tail.Overlay.CurrentStackLocation <= IrpSp) {
            /* Windows' 0x23E, a warning there too: harmless for the
             * sender, which waits, but a sign of a confused driver. */
            DbgPrint("IO VERIFIER: %wZ: marked IRP %p pending but returned 0x%08x, not "
                     "STATUS_PENDING (dispatch %pS)\n", IopDriverNameOfDevice(DeviceObject),
                     Irp, (ULONG)Status, Dispatch);
        }
        KeLowerIrql(OldIrql);
    }
    Old = __atomic_fetch_sub(&Irp->Reserved, IOP_VERIFIER_HOLD_ONE, __ATOMIC_SEQ_CST);
    if ((Old & IOP_VERIFIER_HOLD_MASK) == IOP_VERIFIER_HOLD_ONE && (Old & IOP_VERIFIER_FREE_DEFERRED) != 0) {
        IopFreeIrp(Irp);        /* freed while we held it: now it may go */
    }
    return Status;
}

/* Any IRQL: the checks run before completion changes anything. */
VOID
IopVerifierCheckCompletion(PIRP Irp, PVOID Caller)
{
    KIRQL Irql = KeGetCurrentIrql();
    PDEVICE_OBJECT Completer = IopCurrentDevice(Irp);

    if (Irql > DISPATCH_LEVEL) {
        IopVerifierStop(0x0E, Irql, (ULONG_PTR)Irp, 0, Completer, Irp, Caller,
                        "IoCompleteRequest called above DISPATCH_LEVEL");
    }
    if (Irp->IoStatus.Status == STATUS_PENDING || Irp->IoStatus.Status == (NTSTATUS)0xFFFFFFFF) {
        IopVerifierStop(0x06, (ULONG)Irp->IoStatus.Status, (ULONG_PTR)Irp, 0, Completer, Irp,
                        Caller, "IoCompleteRequest with IoStatus.Status STATUS_PENDING or -1");
    }
    if (Irp->CancelRoutine != NULL) {
        IopVerifierStop(0x07, (ULONG_PTR)Irp->CancelRoutine, (ULONG_PTR)Irp, 0, Completer, Irp,
                        Caller, "IoCompleteRequest with the cancel routine still set");
    }
}

/* Any IRQL <= DISPATCH_LEVEL. */
VOID
IopVerifierCheckFree(PIRP Irp, PCSTR Routine, PVOID Caller)
{
    UCHAR Origin;

    if (Irp == NULL || Irp->Type != IO_TYPE_IRP) {
        DbgPrint("IO VERIFIER: %s(%p) from %pS: not an IRP (freed already?)\n", Routine, Irp,
                 Caller);
        KeBugCheckEx(DRIVER_VERIFIER_IOMANAGER_VIOLATION, 0x01, (ULONG_PTR)Irp, 0, 0);
    }
    Origin = (UCHAR)(IopIrpVerifierState(Irp) & IOP_VERIFIER_ORIGIN_MASK);
    if (Origin != 0 && Irp->CurrentLocation < Origin) {
        DbgPrint("IO VERIFIER: %s(%p) from %pS: the IRP is still in a driver: sent with "
                 "IoCallDriver and not completed back to its sender\n", Routine, Irp, Caller);
        IopVerifierStop(0x20B, (ULONG_PTR)Caller, (ULONG_PTR)Irp,
                        (ULONG_PTR)IopCurrentDevice(Irp), IopCurrentDevice(Irp), Irp, Caller,
                        "frees an IRP that is still in use");
    }
    if (!IsListEmpty(&Irp->ThreadListEntry)) {
        DbgPrint("IO VERIFIER: %s(%p) from %pS: the IRP is still on a thread's IRP list\n",
                 Routine, Irp, Caller);
        KeBugCheckEx(DRIVER_VERIFIER_IOMANAGER_VIOLATION, 0x02, (ULONG_PTR)Irp, 0, 0);
    }
}

/* IRQL <= DISPATCH_LEVEL, inside IoCompleteRequest. */
VOID
IopVerifierCheckPendingUnwind(PIRP Irp, PIO_STACK_LOCATION IrpSp)
{
    PDEVICE_OBJECT DeviceObject = IrpSp->DeviceObject;
    PDRIVER_DISPATCH Dispatch = NULL;

    if ((IrpSp->Control & SL_PENDING_RETURNED) != 0) {
        return;
    }
    if (DeviceObject != NULL && DeviceObject->DriverObject != NULL &&
        IrpSp->MajorFunction <= IRP_MJ_MAXIMUM_FUNCTION) {
        Dispatch = DeviceObject->DriverObject->MajorFunction[IrpSp->MajorFunction];
    }
    IopVerifierStop(0x23D, (ULONG_PTR)Dispatch, (ULONG_PTR)Irp, (ULONG_PTR)DeviceObject,
                    DeviceObject, Irp, Dispatch,
                    "returned STATUS_PENDING without IoMarkIrpPending (found at completion)");
}

/* Any IRQL. */
LONG64
IopGetOutstandingIrpCount(PDEVICE_OBJECT DeviceObject)
{
    if (DeviceObject->DeviceObjectExtension == NULL) {
        return 0;
    }
    return *IopDeviceIrpCountAddress(DeviceObject);
}

/* PASSIVE_LEVEL, the driver's device list stable. */
LONG64
IopGetDriverOutstandingIrpCount(PDRIVER_OBJECT DriverObject)
{
    PDEVICE_OBJECT DeviceObject;
    LONG64 Count = 0;

    for (DeviceObject = DriverObject->DeviceObject; DeviceObject != NULL;
         DeviceObject = DeviceObject->NextDevice) {
        Count += IopGetOutstandingIrpCount(DeviceObject);
    }
    return Count;
}
