/*
 * drivers/pci/driver.c - the PCI bus driver: DriverEntry, Unload, and the
 * IRP_MJ_PNP dispatch routine that sends each IRP to the FDO's or the
 * PDO's code.
 *
 * A WDM bus driver (WDK, "Writing a bus driver") for PCI Local Bus 3.0 and
 * PCI Express 4.0 functions, serving the PCI root bus IDs *PNP0A03 and
 * *PNP0A08 and, as the function driver of every PCI-to-PCI bridge it
 * reports, PCI\CC_0604 (driver.mk): one FDO per bus (pcibus.h has the
 * picture). Where things are:
 *
 *   driver.c    DriverEntry, Unload, IRP_MJ_PNP by device kind
 *   power.c     IRP_MJ_POWER, for the FDO and the PDOs
 *   pnp.c       AddDevice (a root bus or a bridge) and the FDO's IRP_MJ_PNP
 *   fdo.c       scanning the FDO's bus and keeping one PDO per function
 *   pdo.c       the PDO's IRP_MJ_PNP: start, stop, remove, decode
 *   msi.c       MSI and MSI-X programmed at the PDO's start, off at stop
 *   pdoquery.c  the PDO's answers: IDs, capabilities, bus information
 *   config.c    IRP_MN_READ_CONFIG/WRITE_CONFIG, BUS_INTERFACE_STANDARD
 *   guid.c      the storage of the interface GUIDs the driver hands out
 *   enum.c bar.c caps.c ids.c resource.c list.c halaccess.c: the
 *               enumeration core (pci.h), also run on the host by tests
 */
#include "pcibus.h"

/* PASSIVE_LEVEL. Every device is gone by now: REMOVE_DEVICE deleted it. */
VOID
PciUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
}

/* PASSIVE_LEVEL. No device yet: AddDevice makes the FDO of each root bus. */
NTSTATUS
DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->MajorFunction[IRP_MJ_PNP] = PciDispatchPnp;
    DriverObject->MajorFunction[IRP_MJ_POWER] = PciDispatchPower;
    DriverObject->DriverExtension->AddDevice = PciAddDevice;
    DriverObject->DriverUnload = PciUnload;
    return STATUS_SUCCESS;
}

/* PASSIVE_LEVEL (the PnP manager's thread, or a driver above a PDO). */
NTSTATUS
PciDispatchPnp(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PPCI_COMMON_EXTENSION Common = DeviceObject->DeviceExtension;

    if (Common->IsFdo) {
        return PciFdoPnp(DeviceObject->DeviceExtension, Irp);
    }
    return PciPdoPnp(DeviceObject->DeviceExtension, Irp);
}
