/*
 * tests/kernel/irpverify.c - planted bugs the I/O verifier (io/verifier.c)
 * and the IRP path must stop, each with the bugcheck Windows documents.
 * Every test here must end the machine; returning is a failure.
 */
#include "tests/kernel/irpstack.h"
#include "io/iopirp.h"

#define KT_IOCTL_NEITHER CTL_CODE(FILE_DEVICE_UNKNOWN, 0x901, METHOD_NEITHER, FILE_ANY_ACCESS)

/* PASSIVE_LEVEL: an IOCTL into the stack with the function driver set to
 * Mode; waits if it pends. */
static VOID
KtSendWithLowerMode(KT_LOWER_MODE Mode)
{
    IO_STATUS_BLOCK Iosb;
    KEVENT Event;
    PIRP Irp;

    if (!NT_SUCCESS(KtIrpStackCreate(0))) {
        return;
    }
    KtIrpStack.LowerMode = Mode;
    KeInitializeEvent(&Event, NotificationEvent, FALSE);
    Irp = IoBuildDeviceIoControlRequest(KT_IOCTL_NEITHER, KtIrpStack.FilterB, NULL, 0, NULL, 0,
                                        FALSE, &Event, &Iosb);
    if (Irp == NULL) {
        return;
    }
    if (IoCallDriver(KtIrpStack.FilterB, Irp) == STATUS_PENDING) {
        KeWaitForSingleObject(&Event, Executive, KernelMode, FALSE, NULL);
    }
}

/* 0x44: the function driver completes its IRP twice. */
KTEST_BUGCHECK(IrpVerifyCompleteTwice, MULTIPLE_IRP_COMPLETE_REQUESTS)
{
    KtSendWithLowerMode(KtLowerCompleteTwice);
}

/* 0x44 also when the second completion comes after the IRP was freed. */
KTEST_BUGCHECK(IrpVerifyCompleteFreedIrp, MULTIPLE_IRP_COMPLETE_REQUESTS)
{
    PIRP Irp = IoAllocateIrp(1, FALSE);

    if (Irp != NULL) {
        IoCompleteRequest(Irp, IO_NO_INCREMENT);    /* final completion frees it */
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
    }
}

/* 0xC9/0x23D: STATUS_PENDING without IoMarkIrpPending, found when the
 * timer DPC completes the IRP after the dispatch routines returned. */
KTEST_BUGCHECK(IrpVerifyPendingNotMarked, DRIVER_VERIFIER_IOMANAGER_VIOLATION)
{
    KtSendWithLowerMode(KtLowerPendNoMark);
}

/* 0xC9/0x23D: the same, found when the dispatch routine returns after the
 * IRP was completed. */
KTEST_BUGCHECK(IrpVerifyPendingNotMarkedAfterCompletion, DRIVER_VERIFIER_IOMANAGER_VIOLATION)
{
    KtSendWithLowerMode(KtLowerCompleteNoMarkPending);
}

/* 0xC9/0x07: completed with a cancel routine still set. */
KTEST_BUGCHECK(IrpVerifyCancelRoutineLeftSet, DRIVER_VERIFIER_IOMANAGER_VIOLATION)
{
    KtSendWithLowerMode(KtLowerLeaveCancelRoutine);
}

/* 0x48: the same planted bug on a machine without the verifier: the I/O
 * manager's own check, which every build makes, stops it. The verifier is
 * switched off here, before any IRP of this test exists (the test boots
 * alone), because it would report the mistake first as 0xC9/0x07. */
KTEST_BUGCHECK(IrpCompleteWithCancelRoutineSet, CANCEL_STATE_IN_COMPLETED_IRP)
{
    IopVerifierEnabled = FALSE;
    KtSendWithLowerMode(KtLowerLeaveCancelRoutine);
}

/* 0xC9/0x0E: IoCompleteRequest above DISPATCH_LEVEL. */
KTEST_BUGCHECK(IrpVerifyCompleteAboveDispatch, DRIVER_VERIFIER_IOMANAGER_VIOLATION)
{
    PIRP Irp = IoAllocateIrp(1, FALSE);
    KIRQL OldIrql;

    if (Irp != NULL) {
        KeRaiseIrql(HIGH_LEVEL, &OldIrql);
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        KeLowerIrql(OldIrql);
    }
}

/* 0xC9/0x10: IoCallDriver above DISPATCH_LEVEL. */
KTEST_BUGCHECK(IrpVerifyCallAboveDispatch, DRIVER_VERIFIER_IOMANAGER_VIOLATION)
{
    PIRP Irp;
    KIRQL OldIrql;

    if (!NT_SUCCESS(KtIrpStackCreate(0))) {
        return;
    }
    Irp = IoAllocateIrp(KtIrpStack.FilterB->StackSize, FALSE);
    if (Irp != NULL) {
        IoGetNextIrpStackLocation(Irp)->MajorFunction = IRP_MJ_FLUSH_BUFFERS;
        KeRaiseIrql(PROFILE_LEVEL, &OldIrql);
        IoCallDriver(KtIrpStack.FilterB, Irp);
        KeLowerIrql(OldIrql);
    }
}

/* 0xC9/0x20B: the sender frees the IRP while the function driver holds it. */
KTEST_BUGCHECK(IrpVerifyFreeWhileOwned, DRIVER_VERIFIER_IOMANAGER_VIOLATION)
{
    PIRP Irp;

    if (!NT_SUCCESS(KtIrpStackCreate(0))) {
        return;
    }
    KtIrpStack.LowerMode = KtLowerHold;
    Irp = IoAllocateIrp(KtIrpStack.FilterB->StackSize, FALSE);
    if (Irp != NULL) {
        IoGetNextIrpStackLocation(Irp)->MajorFunction = IRP_MJ_FLUSH_BUFFERS;
        IoCallDriver(KtIrpStack.FilterB, Irp);
        IoFreeIrp(Irp);
    }
}

/* 0xC9/0x208: an IRP with too few locations for the stack it is sent down,
 * caught before the filters write past its end. */
KTEST_BUGCHECK(IrpVerifyTooFewStackLocations, DRIVER_VERIFIER_IOMANAGER_VIOLATION)
{
    PIRP Irp;

    if (!NT_SUCCESS(KtIrpStackCreate(0))) {
        return;
    }
    Irp = IoAllocateIrp(KtIrpStack.FilterB->StackSize - 1, FALSE);
    if (Irp != NULL) {
        IoGetNextIrpStackLocation(Irp)->MajorFunction = IRP_MJ_FLUSH_BUFFERS;
        IoCallDriver(KtIrpStack.FilterB, Irp);
    }
}

/* 0x35: IoCallDriver on an IRP whose last location is already in use. */
KTEST_BUGCHECK(IrpVerifyNoMoreStackLocations, NO_MORE_IRP_STACK_LOCATIONS)
{
    PIRP Irp;

    if (!NT_SUCCESS(KtIrpStackCreate(0))) {
        return;
    }
    Irp = IoAllocateIrp(1, FALSE);
    if (Irp != NULL) {
        IoSetNextIrpStackLocation(Irp);     /* the sender keeps location 1 for itself */
        IoGetCurrentIrpStackLocation(Irp)->MajorFunction = IRP_MJ_FLUSH_BUFFERS;
        IoCallDriver(KtIrpStack.Lower, Irp);
    }
}

/* 0xC9/0x1004 (Kestrel's): IRPs leaked at unload. The function driver keeps
 * an IRP pending and the drivers are unloaded without completing it; the
 * filter's Unload deletes a device the IRP is still inside. */
KTEST_BUGCHECK(IrpVerifyLeakedAtUnload, DRIVER_VERIFIER_IOMANAGER_VIOLATION)
{
    PIRP Irp;

    if (!NT_SUCCESS(KtIrpStackCreate(0))) {
        return;
    }
    KtIrpStack.LowerMode = KtLowerHold;
    Irp = IoAllocateIrp(KtIrpStack.FilterB->StackSize, FALSE);
    if (Irp == NULL) {
        return;
    }
    IoGetNextIrpStackLocation(Irp)->MajorFunction = IRP_MJ_FLUSH_BUFFERS;
    if (IoCallDriver(KtIrpStack.FilterB, Irp) == STATUS_PENDING) {
        KtIrpStackDestroy();    /* must not return */
    }
}
