/*
 * drivers/pci/power.c - IRP_MJ_POWER for the bus driver's FDO and PDOs
 * (WDK, "Handling power IRPs": bus drivers).
 */
#include "pcibus.h"

/* IRQL <= DISPATCH_LEVEL. The FDO passes power IRPs down to the root
 * bus's PDO. A PDO answers as Windows' bus drivers do: set and query
 * succeed (a function's D-state is its driver's business; Kestrel does not
 * program the PCI power management capability yet), wait-wake and power
 * sequences are not supported, anything else keeps the status it came
 * with. */
NTSTATUS
PciDispatchPower(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PPCI_COMMON_EXTENSION Common = DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION IrpSp = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS Status = Irp->IoStatus.Status;

    PoStartNextPowerIrp(Irp);
    if (Common->IsFdo) {
        IoSkipCurrentIrpStackLocation(Irp);
        return PoCallDriver(((PPCI_FDO_EXTENSION)Common)->LowerDevice, Irp);
    }
    switch (IrpSp->MinorFunction) {
    case IRP_MN_SET_POWER:
        if (IrpSp->Parameters.Power.Type == DevicePowerState) {
            Common->DevicePowerState = IrpSp->Parameters.Power.State.DeviceState;
            PoSetPowerState(DeviceObject, DevicePowerState, IrpSp->Parameters.Power.State);
        }
        Status = STATUS_SUCCESS;
        break;
    case IRP_MN_QUERY_POWER:
        Status = STATUS_SUCCESS;
        break;
    case IRP_MN_WAIT_WAKE:
    case IRP_MN_POWER_SEQUENCE:
        Status = STATUS_NOT_SUPPORTED;
        break;
    default:
        break;
    }
    Irp->IoStatus.Status = Status;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return Status;
}
