/*
 * drivers/pci/pdoquery.c - what a function's PDO tells the PnP manager
 * about it: IDs (IRP_MN_QUERY_ID), device text, capabilities, bus
 * information and the target relation. The ID strings and the location
 * text were formed by the scan (ids.c).
 */
#include "pcibus.h"

/* PASSIVE_LEVEL. A pool copy of Bytes bytes of a string or multi-sz, which the PnP
 * manager frees with ExFreePool. */
static PWSTR
PciCopyId(PCWSTR Id, SIZE_T Bytes)
{
    PWSTR Copy = ExAllocatePoolWithTag(PagedPool, Bytes, PCI_POOL_TAG);

    if (Copy != NULL) {
        RtlCopyMemory(Copy, Id, Bytes);
    }
    return Copy;
}

/* Any IRQL. The bytes of String with its terminator. */
static SIZE_T
PciStringBytes(PCWSTR String)
{
    SIZE_T Length = 0;

    while (String[Length] != L'\0') {
        Length++;
    }
    return (Length + 1) * sizeof(WCHAR);
}

/* Any IRQL. The bytes of MultiSz, both terminators included. */
static SIZE_T
PciMultiSzBytes(PCWSTR MultiSz)
{
    SIZE_T Length = 0;

    while (MultiSz[Length] != L'\0') {
        while (MultiSz[Length] != L'\0') {
            Length++;
        }
        Length++;
    }
    return (Length + 1) * sizeof(WCHAR);
}

/* PASSIVE_LEVEL. STATUS_NOT_SUPPORTED for an ID type PCI has none of
 * (the caller then leaves the IRP as it came). */
NTSTATUS
PciPdoQueryId(PPCI_PDO_EXTENSION Pdo, BUS_QUERY_ID_TYPE Type, PULONG_PTR Information)
{
    const PCI_FUNCTION *Function = &Pdo->Function;
    PWSTR Id;

    switch (Type) {
    case BusQueryDeviceID:
        Id = PciCopyId(Function->DeviceIdString, PciStringBytes(Function->DeviceIdString));
        break;
    case BusQueryHardwareIDs:
        Id = PciCopyId(Function->HardwareIds, PciMultiSzBytes(Function->HardwareIds));
        break;
    case BusQueryCompatibleIDs:
        Id = PciCopyId(Function->CompatibleIds, PciMultiSzBytes(Function->CompatibleIds));
        break;
    case BusQueryInstanceID:
        Id = PciCopyId(Function->InstanceId, PciStringBytes(Function->InstanceId));
        break;
    default:
        return STATUS_NOT_SUPPORTED;
    }
    *Information = (ULONG_PTR)Id;
    return Id != NULL ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
}

/* PASSIVE_LEVEL. */
NTSTATUS
PciPdoQueryCapabilities(PPCI_PDO_EXTENSION Pdo, PDEVICE_CAPABILITIES Capabilities)
{
    ULONG State;

    if (Capabilities->Version != 1 || Capabilities->Size < sizeof(*Capabilities)) {
        DbgPrint("PCI %02x:%02x.%x: QUERY_CAPABILITIES with version %u size %u; version 1 of "
                 "%u bytes is served\n", PCI_FUNCTION_NAME_ARGS(&Pdo->Function),
                 Capabilities->Version, Capabilities->Size, (ULONG)sizeof(*Capabilities));
        return STATUS_INVALID_PARAMETER;
    }
    /* WDK: for PCI, the device number in the high word and the function in
     * the low word. */
    Capabilities->Address = ((ULONG)Pdo->Function.Device << 16) | Pdo->Function.Function;
    /* The number of the slot the function is plugged into, as the PCI
     * Express port above it names it (the FDO took it from the bridge's
     * Slot Capabilities); elsewhere a slot's number would come from ACPI
     * _SUN or a conventional bridge's Slot Numbering capability, which
     * Kestrel does not read: MAXULONG, "unknown" (WDK). */
    Capabilities->UINumber = Pdo->Parent->SlotNumber;
    /* The instance ID names bus, device and function (ids.c). */
    Capabilities->UniqueID = TRUE;
    Capabilities->SilentInstall = TRUE;
    Capabilities->Removable = FALSE;
    Capabilities->SurpriseRemovalOK = FALSE;
    /* D0 when the system works, D3 in every sleep state and off, the only
     * states every PCI function has (PCI Bus Power Management 1.2, 3.2.4:
     * D1 and D2 are optional and Kestrel does not read the PM capability). */
    Capabilities->DeviceD1 = FALSE;
    Capabilities->DeviceD2 = FALSE;
    Capabilities->DeviceState[PowerSystemUnspecified] = PowerDeviceUnspecified;
    Capabilities->DeviceState[PowerSystemWorking] = PowerDeviceD0;
    for (State = PowerSystemSleeping1; State < POWER_SYSTEM_MAXIMUM; State++) {
        Capabilities->DeviceState[State] = PowerDeviceD3;
    }
    Capabilities->SystemWake = PowerSystemUnspecified;
    Capabilities->DeviceWake = PowerDeviceUnspecified;
    return STATUS_SUCCESS;
}

/* PASSIVE_LEVEL. */
NTSTATUS
PciPdoQueryBusInformation(PPCI_PDO_EXTENSION Pdo, PULONG_PTR Information)
{
    PPNP_BUS_INFORMATION Bus = ExAllocatePoolWithTag(PagedPool, sizeof(*Bus), PCI_POOL_TAG);

    if (Bus == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    Bus->BusTypeGuid = GUID_BUS_TYPE_PCI;
    Bus->LegacyBusType = PCIBus;
    Bus->BusNumber = Pdo->Function.Bus;
    *Information = (ULONG_PTR)Bus;
    return STATUS_SUCCESS;
}

/* PASSIVE_LEVEL. IRP_MN_QUERY_DEVICE_TEXT: the description is the name of
 * the function's class code (PCI Local Bus 3.0, appendix D), the only
 * description config space gives; the location names bus, device and
 * function as Windows' PCI bus driver words it. Both in English whatever
 * the locale asked: the WDK lets a bus answer with the closest text it
 * has. STATUS_NOT_SUPPORTED for another text type (the caller then leaves
 * the IRP as it came). */
NTSTATUS
PciPdoQueryDeviceText(PPCI_PDO_EXTENSION Pdo, DEVICE_TEXT_TYPE Type, PULONG_PTR Information)
{
    PCSTR Class;
    PWSTR Text;
    SIZE_T Length, Index;

    switch (Type) {
    case DeviceTextDescription:
        Class = PciClassName(Pdo->Function.BaseClass, Pdo->Function.SubClass);
        for (Length = 0; Class[Length] != '\0'; Length++) {
        }
        Text = ExAllocatePoolWithTag(PagedPool, (Length + 1) * sizeof(WCHAR), PCI_POOL_TAG);
        if (Text != NULL) {
            for (Index = 0; Index <= Length; Index++) {
                Text[Index] = (WCHAR)Class[Index];
            }
        }
        break;
    case DeviceTextLocationInformation:
        Text = PciCopyId(Pdo->Function.LocationText, PciStringBytes(Pdo->Function.LocationText));
        break;
    default:
        return STATUS_NOT_SUPPORTED;
    }
    *Information = (ULONG_PTR)Text;
    return Text != NULL ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
}

/* PASSIVE_LEVEL. The PDO itself, referenced, as the WDK asks. */
NTSTATUS
PciPdoQueryTargetRelation(PPCI_PDO_EXTENSION Pdo, PULONG_PTR Information)
{
    PDEVICE_RELATIONS Relations = ExAllocatePoolWithTag(PagedPool, sizeof(*Relations),
                                                        PCI_POOL_TAG);

    if (Relations == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    ObReferenceObject(Pdo->Common.Self);
    Relations->Count = 1;
    Relations->Objects[0] = Pdo->Common.Self;
    *Information = (ULONG_PTR)Relations;
    return STATUS_SUCCESS;
}
