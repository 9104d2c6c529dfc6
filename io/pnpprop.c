/*
 * io/pnpprop.c - IoGetDeviceProperty: what the PnP manager knows about a
 * PDO, as the WDK documents each property. The answers come from what the
 * device's bus driver said when the node was enumerated (IDs, device text,
 * capabilities, bus information, resource lists: io/pnpenum.c) and from
 * what the manager did with them (resources assigned, the PDO's name).
 *
 * Windows keeps the rest in the registry, written from the INF that
 * installed the device's driver: class name and GUID, driver key,
 * manufacturer, friendly name, and the container ID the PnP manager derives
 * from removability and the registry. Kestrel has no registry and no INF
 * (a driver's IDs are in its driver.mk), so those are
 * STATUS_OBJECT_NAME_NOT_FOUND, the status Windows gives for a value that
 * is not set.
 *
 * Sizes are the WDK's: ResultLength always says how many bytes the
 * property takes (strings and multi-sz with their terminators), and a
 * buffer shorter than that gets STATUS_BUFFER_TOO_SMALL and nothing else.
 */
#include "io/pnpp.h"

/* PASSIVE_LEVEL. Copies Bytes of Data into the caller's buffer, or says how many it
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

/* PASSIVE_LEVEL. A NUL-terminated string property; not found when the node has none. */
static NTSTATUS
IopReturnString(PCWSTR String, ULONG BufferLength, PVOID Buffer, PULONG ResultLength)
{
    if (String == NULL) {
        return STATUS_OBJECT_NAME_NOT_FOUND;
    }
    return IopReturnProperty(String, (ULONG)(IopWcsLen(String) + 1) * sizeof(WCHAR),
                             BufferLength, Buffer, ResultLength);
}

/* PASSIVE_LEVEL, tree lock held. The legacy bus type and number: what the bus driver said
 * in QUERY_BUS_INFORMATION, or, from a bus that did not say, what its
 * resource lists name (the boot configuration's first, else the
 * requirements'). FALSE when neither tells. */
static BOOLEAN
IopNodeLegacyBus(PDEVICE_NODE Node, INTERFACE_TYPE *Interface, PULONG Bus)
{
    *Interface = InterfaceTypeUndefined;
    *Bus = 0;
    if ((Node->Flags & DNF_HAS_BUS_INFORMATION) != 0) {
        *Interface = Node->LegacyBusType;
        *Bus = Node->BusNumber;
    } else if (Node->BootResources != NULL && Node->BootResources->Count != 0) {
        *Interface = Node->BootResources->List[0].InterfaceType;
        *Bus = Node->BootResources->List[0].BusNumber;
    } else if (Node->ResourceRequirements != NULL) {
        *Interface = Node->ResourceRequirements->InterfaceType;
        *Bus = Node->ResourceRequirements->BusNumber;
    }
    return *Interface != InterfaceTypeUndefined;
}

/* PASSIVE_LEVEL, tree lock held. WDK, "DEVICE_REMOVAL_POLICY" and the removal-policy
 * defaults: a device its bus does not call Removable is not expected to
 * leave; a removable one is expected to leave by surprise when its
 * capabilities say that is safe (SurpriseRemovalOK), else in an orderly
 * way, after QUERY_REMOVE. There is no INF or registry override to take
 * into account in Kestrel. */
static DEVICE_REMOVAL_POLICY
IopNodeRemovalPolicy(PDEVICE_NODE Node)
{
    if (!Node->Capabilities.Removable) {
        return RemovalPolicyExpectNoRemoval;
    }
    return Node->Capabilities.SurpriseRemovalOK ? RemovalPolicyExpectSurpriseRemoval
                                                : RemovalPolicyExpectOrderlyRemoval;
}

/* PASSIVE_LEVEL, tree lock held. The boot configuration translated as the
 * manager translates a raw list before START_DEVICE (ports and memory as
 * they are, line interrupts through the HAL); done when asked, not kept. */
static NTSTATUS
IopReturnBootTranslated(PDEVICE_NODE Node, ULONG BufferLength, PVOID Buffer,
                        PULONG ResultLength)
{
    PCM_RESOURCE_LIST Translated;
    NTSTATUS Status;

    if (Node->BootResources == NULL) {
        return STATUS_OBJECT_NAME_NOT_FOUND;
    }
    /* Translating a line asks the HAL for its vector, which the HAL gives
     * a line once and keeps: a query may be what assigns it, as starting
     * the device would. */
    Status = IopTranslateResources(Node->BootResources, &Translated);
    if (!NT_SUCCESS(Status)) {
        DbgPrint("IoGetDeviceProperty: the boot configuration of %wZ cannot be translated "
                 "(0x%08x)\n", &Node->InstancePath, Status);
        return Status;
    }
    Status = IopReturnProperty(Translated, IopResourceListBytes(Translated), BufferLength, Buffer,
                               ResultLength);
    /* A boot configuration has no messages; should a bus report some, the
     * vectors translating them took go back. */
    IopReleaseMessageVectors(Node->BootResources, Translated);
    ExFreePoolWithTag(Translated, IOP_PNP_TAG);
    return Status;
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
        DbgPrint("IoGetDeviceProperty from %pS: BufferLength is %u but PropertyBuffer is NULL\n",
                 __builtin_return_address(0), BufferLength);
        return STATUS_INVALID_PARAMETER_4;
    }
    IopAcquirePnpTreeLock();
    switch (DeviceProperty) {
    case DevicePropertyDeviceDescription:
        Status = IopReturnString(Node->DeviceDescription, BufferLength, PropertyBuffer,
                                 ResultLength);
        break;
    case DevicePropertyLocationInformation:
        Status = IopReturnString(Node->LocationInformation, BufferLength, PropertyBuffer,
                                 ResultLength);
        break;
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
    case DevicePropertyBootConfigurationTranslated:
        Status = IopReturnBootTranslated(Node, BufferLength, PropertyBuffer, ResultLength);
        break;
    case DevicePropertyResourceRequirements:
        Status = Node->ResourceRequirements == NULL
                     ? STATUS_OBJECT_NAME_NOT_FOUND
                     : IopReturnProperty(Node->ResourceRequirements,
                                         Node->ResourceRequirements->ListSize, BufferLength,
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
        Status = IopReturnString(Node->PdoName[0] != UNICODE_NULL ? Node->PdoName : NULL,
                                 BufferLength, PropertyBuffer, ResultLength);
        break;
    case DevicePropertyEnumeratorName: {
        /* The device ID up to its first backslash: "Root", "PCI". A node
         * whose bus never gave it a device ID (QUERY_ID failed, at first
         * enumeration or when enumerated anew) has none. */
        if (Node->DeviceId == NULL) {
            Status = STATUS_OBJECT_NAME_NOT_FOUND;
            break;
        }
        for (Value = 0; Node->DeviceId[Value] != UNICODE_NULL && Node->DeviceId[Value] != L'\\' &&
                        Value + 1 < RTL_NUMBER_OF(Name); Value++) {
            Name[Value] = Node->DeviceId[Value];
        }
        Name[Value] = UNICODE_NULL;
        Status = IopReturnString(Name, BufferLength, PropertyBuffer, ResultLength);
        break;
    }
    case DevicePropertyBusTypeGuid:
        /* Only a bus driver's QUERY_BUS_INFORMATION names the bus type. */
        Status = (Node->Flags & DNF_HAS_BUS_INFORMATION) == 0
                     ? STATUS_OBJECT_NAME_NOT_FOUND
                     : IopReturnProperty(&Node->BusTypeGuid, sizeof(GUID), BufferLength,
                                         PropertyBuffer, ResultLength);
        break;
    case DevicePropertyLegacyBusType:
    case DevicePropertyBusNumber: {
        INTERFACE_TYPE Interface;
        ULONG Bus;

        if (!IopNodeLegacyBus(Node, &Interface, &Bus)) {
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
    case DevicePropertyRemovalPolicy: {
        DEVICE_REMOVAL_POLICY Policy = IopNodeRemovalPolicy(Node);

        Status = IopReturnProperty(&Policy, sizeof(Policy), BufferLength, PropertyBuffer,
                                   ResultLength);
        break;
    }
    case DevicePropertyClassName:
    case DevicePropertyClassGuid:
    case DevicePropertyDriverKeyName:
    case DevicePropertyManufacturer:
    case DevicePropertyFriendlyName:
    case DevicePropertyContainerID:
        /* Registry values an INF writes on Windows (see the banner). */
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
