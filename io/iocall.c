/*
 * io/iocall.c - IoCallDriver (IofCallDriver): passing an IRP to a driver.
 *
 * The whole job is two pointer moves and an indirect call: make the next
 * stack location the current one, record in it which device it is for,
 * and call the driver's dispatch routine for the location's major function.
 * This is the hot path of every request, so it allocates nothing and walks
 * nothing. With the I/O verifier on (the default; "verifier=off" on the
 * command line for benchmarks) the call takes io/verifier.c's checked path
 * instead, which does the same after its checks.
 */
#include "io/iopirp.h"

/* Any IRQL <= DISPATCH_LEVEL; the dispatch routine runs at the caller's. */
NTSTATUS FASTCALL
IofCallDriver(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PIO_STACK_LOCATION IrpSp;

    if (IopVerifierEnabled) {
        return IopVerifierCallDriver(DeviceObject, Irp, __builtin_return_address(0));
    }
    /* Location 1 is the last one; below it the sender has written its
     * parameters past the end of the IRP. */
    if (--Irp->CurrentLocation <= 0) {
        IopBugCheckNoMoreStackLocations(DeviceObject, Irp);
    }
    IrpSp = --Irp->Tail.Overlay.CurrentStackLocation;
    IrpSp->DeviceObject = DeviceObject;
    return DeviceObject->DriverObject->MajorFunction[IrpSp->MajorFunction](DeviceObject, Irp);
}
