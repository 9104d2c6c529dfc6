/*
 * io/pnpprop.c - IoGetDeviceProperty: what the PnP manager knows about a
 * PDO, as the WDK documents each property. Kestrel has no registry, so the
 * properties Windows keeps there (description, class, driver key,
 * manufacturer, friendly name...) are STATUS_OBJECT_NAME_NOT_FOUND, the
 * status Windows gives for a value that is not set.
 */
#include "io/pnpp.h"

/* Copies Bytes of Data into the caller's buffer, or says how many it
 * needs. */
static NTSTATUS
IopReturnProperty(const VOID *Data, ULONG Bytes, ULONG BufferLength, PVOID Buffer,
                  PULONG ResultLength)
{
    *ResultLength = Bytes;
    if (BufferLength < Bytes) {
        return STATUS_BUFFER_TOO_SMALL;
    }
    if (Bytes != 0) {
        RtlCopyMemory(Buffer, Data, Bytes);
    }
    return STATUS_SUCCESS;
}

/* PASSIVE_LEVEL. */
NTSTATUS NTAPI
IoGetDeviceProperty(PDEVICE_OBJECT DeviceObject, DEVICE_REGISTRY_PROPERTY DeviceProperty,
                    ULONG BufferLength, PVOID PropertyBuffer, PULONG ResultLength)
{
    PDEVICE_NODE Node;
    NTSTATUS Status;
    ULONG Value;
    WCHAR Name[64];

    if (ResultLength == NULL) {
        DbgPrint("IoGetDeviceProperty from %pS: ResultLength is NULL\n",
                 __builtin_return_address(0));
        return STATUS_INVALID_PARAMETER_5;
    }
    *ResultLength = 0;
    Node = DeviceObject != NULL ? IopDeviceExtension(DeviceObject)->DeviceNode : NULL;
    if (Node == NULL) {
        DbgPrint("IoGetDeviceProperty from %pS: device %p is not a PDO the PnP manager knows\n",
                 __builtin_return_address(0), DeviceObject);
        return STATUS_INVALID_DEVICE_REQUEST;
    }
    if (BufferLength != 0 && PropertyBuffer == NULL) {
        return STATUS_INVALID_PARAMETER_4;
    }
    IopAcquirePnpTreeLock();
    switch (DeviceProperty) {
    case DevicePropertyHardwareID:
    case DevicePropertyCompatibleIDs: {
        PCWSTR List = DeviceProperty == DevicePropertyHardwareID ? Node->HardwareIds
                                                                 : Node->CompatibleIds;
        Status = List == NULL ? STATUS_OBJECT_NAME_NOT_FOUND
                              : IopReturnProperty(List, IopMultiSzBytes(List), BufferLength,
                                                  PropertyBuffer, ResultLength);
        break;
    }
    case DevicePropertyBootConfiguration:
        Status = Node->BootResources == NULL
                     ? STATUS_OBJECT_NAME_NOT_FOUND
                     : IopReturnProperty(Node->BootResources,
                                         IopResourceListBytes(Node->BootResources), BufferLength,
                                         PropertyBuffer, ResultLength);
        break;
    case DevicePropertyAllocatedResources:
        Status = Node->ResourceList == NULL
                     ? STATUS_OBJECT_NAME_NOT_FOUND
                     : IopReturnProperty(Node->ResourceList,
                                         IopResourceListBytes(Node->ResourceList), BufferLength,
                                         PropertyBuffer, ResultLength);
        break;
    case DevicePropertyPhysicalDeviceObjectName:
        /* The \Device\NNNNNNNN name the PnP manager gave it. A PDO its bus
         * driver named itself has a name the object manager cannot give
         * back yet (no ObQueryNameString): not found. */
        Status = Node->PdoName[0] == UNICODE_NULL
                     ? STATUS_OBJECT_NAME_NOT_FOUND
                     : IopReturnProperty(Node->PdoName,
                                         (ULONG)(IopWcsLen(Node->PdoName) + 1) * sizeof(WCHAR),
                                         BufferLength, PropertyBuffer, ResultLength);
        break;
    case DevicePropertyEnumeratorName: {
        /* The device ID up to its first backslash: "Root", "PCI". */
        for (Value = 0; Node->DeviceId[Value] != UNICODE_NULL && Node->DeviceId[Value] != L'\\' &&
                        Value + 1 < RTL_NUMBER_OF(Name); Value++) {
            Name[Value] = Node->DeviceId[Value];
        }
        Name[Value] = UNICODE_NULL;
        Status = IopReturnProperty(Name, (Value + 1) * sizeof(WCHAR), BufferLength,
                                   PropertyBuffer, ResultLength);
        break;
    }
    case DevicePropertyLegacyBusType:
    case DevicePropertyBusNumber: {
        INTERFACE_TYPE Interface = InterfaceTypeUndefined;
        ULONG Bus = 0;

        if (Node->BootResources != NULL && Node->BootResources->Count != 0) {
            Interface = Node->BootResources->List[0].InterfaceType;
            Bus = Node->BootResources->List[0].BusNumber;
        } else if (Node->ResourceRequirements != NULL) {
            Interface = Node->ResourceRequirements->InterfaceType;
            Bus = Node->ResourceRequirements->BusNumber;
        }
        if (Interface == InterfaceTypeUndefined) {
            Status = STATUS_OBJECT_NAME_NOT_FOUND;
        } else if (DeviceProperty == DevicePropertyLegacyBusType) {
            Status = IopReturnProperty(&Interface, sizeof(Interface), BufferLength,
                                       PropertyBuffer, ResultLength);
        } else {
            Status = IopReturnProperty(&Bus, sizeof(Bus), BufferLength, PropertyBuffer,
                                       ResultLength);
        }
        break;
    }
    case DevicePropertyAddress:
    case DevicePropertyUINumber:
        Value = DeviceProperty == DevicePropertyAddress ? Node->Capabilities.Address
                                                         : Node->Capabilities.UINumber;
        Status = Value == MAXULONG ? STATUS_OBJECT_NAME_NOT_FOUND
                                   : IopReturnProperty(&Value, sizeof(Value), BufferLength,
                                                       PropertyBuffer, ResultLength);
        break;
    case DevicePropertyInstallState: {
        DEVICE_INSTALL_STATE State = Node->Problem == CM_PROB_FAILED_INSTALL
                                         ? InstallStateFailedInstall : InstallStateInstalled;
        Status = IopReturnProperty(&State, sizeof(State), BufferLength, PropertyBuffer,
                                   ResultLength);
        break;
    }
    case DevicePropertyDeviceDescription:
    case DevicePropertyBootConfigurationTranslated:
    case DevicePropertyClassName:
    case DevicePropertyClassGuid:
    case DevicePropertyDriverKeyName:
    case DevicePropertyManufacturer:
    case DevicePropertyFriendlyName:
    case DevicePropertyLocationInformation:
    case DevicePropertyBusTypeGuid:
    case DevicePropertyRemovalPolicy:
    case DevicePropertyResourceRequirements:
    case DevicePropertyContainerID:
        Status = STATUS_OBJECT_NAME_NOT_FOUND;
        break;
    default:
        DbgPrint("IoGetDeviceProperty: property %d is not one the WDK defines\n",
                 (int)DeviceProperty);
        Status = STATUS_INVALID_PARAMETER_2;
        break;
    }
    IopReleasePnpTreeLock();
    return Status;
}
