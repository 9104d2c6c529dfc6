/*
 * ddk/pnp.h - the Plug and Play routines a driver may call (io/pnp*.c):
 * asking for re-enumeration and reading a device's properties. Part of wdm.h; the structures that travel in IRP_MJ_PNP are
 * in ddk/pnptypes.h. Names, values and signatures are the WDK's (wdm.h).
 */
#ifndef _KESTREL_DDK_PNP_H
#define _KESTREL_DDK_PNP_H

/* IRQL <= DISPATCH_LEVEL. DeviceObject is a PDO. BusRelations queues a
 * re-enumeration of its bus on the PnP manager's thread; the other
 * relation types are accepted and have nothing to re-query in Kestrel. */
VOID NTAPI IoInvalidateDeviceRelations(_In_ PDEVICE_OBJECT DeviceObject,
                                       _In_ DEVICE_RELATION_TYPE Type);

/* IoGetDeviceProperty's properties (values as the WDK's). */
typedef enum {
    DevicePropertyDeviceDescription = 0x0,
    DevicePropertyHardwareID = 0x1,
    DevicePropertyCompatibleIDs = 0x2,
    DevicePropertyBootConfiguration = 0x3,
    DevicePropertyBootConfigurationTranslated = 0x4,
    DevicePropertyClassName = 0x5,
    DevicePropertyClassGuid = 0x6,
    DevicePropertyDriverKeyName = 0x7,
    DevicePropertyManufacturer = 0x8,
    DevicePropertyFriendlyName = 0x9,
    DevicePropertyLocationInformation = 0xa,
    DevicePropertyPhysicalDeviceObjectName = 0xb,
    DevicePropertyBusTypeGuid = 0xc,
    DevicePropertyLegacyBusType = 0xd,
    DevicePropertyBusNumber = 0xe,
    DevicePropertyEnumeratorName = 0xf,
    DevicePropertyAddress = 0x10,
    DevicePropertyUINumber = 0x11,
    DevicePropertyInstallState = 0x12,
    DevicePropertyRemovalPolicy = 0x13,
    DevicePropertyResourceRequirements = 0x14,
    DevicePropertyAllocatedResources = 0x15,
    DevicePropertyContainerID = 0x16
} DEVICE_REGISTRY_PROPERTY;

typedef enum _DEVICE_INSTALL_STATE {
    InstallStateInstalled = 0,
    InstallStateNeedsReinstall,
    InstallStateFailedInstall,
    InstallStateFinishInstall
} DEVICE_INSTALL_STATE, *PDEVICE_INSTALL_STATE;

/*
 * IRQL PASSIVE_LEVEL. DeviceObject must be a PDO the PnP manager knows
 * (STATUS_INVALID_DEVICE_REQUEST otherwise). When BufferLength is too small
 * the result is STATUS_BUFFER_TOO_SMALL and *ResultLength says how many
 * bytes are needed; a property the device does not have (an Address its
 * bus did not report, the registry-only ones Kestrel does not keep) is
 * STATUS_OBJECT_NAME_NOT_FOUND; an unknown property STATUS_INVALID_PARAMETER_2.
 * Strings are NUL-terminated, lists of IDs are multi-sz, and ResultLength
 * counts the terminators.
 */
NTSTATUS NTAPI IoGetDeviceProperty(_In_ PDEVICE_OBJECT DeviceObject,
                                   _In_ DEVICE_REGISTRY_PROPERTY DeviceProperty,
                                   _In_ ULONG BufferLength,
                                   _Out_writes_bytes_opt_(BufferLength) PVOID PropertyBuffer,
                                   _Out_ PULONG ResultLength);

/* Device interfaces (IoRegisterDeviceInterface, IoSetDeviceInterfaceState,
 * IoGetDeviceInterfaces) are not written yet and so not declared. */

#endif /* _KESTREL_DDK_PNP_H */
