/*
 * ddk/pnp.h - the Plug and Play routines a driver may call (io/pnp*.c):
 * asking for re-enumeration, reading a device's properties, and device
 * interfaces. Part of wdm.h; the structures that travel in IRP_MJ_PNP are
 * in ddk/pnptypes.h. Names, values and signatures are the WDK's (wdm.h).
 */
#ifndef _KESTREL_DDK_PNP_H
#define _KESTREL_DDK_PNP_H

#include <guiddef.h>

/* IRQL <= DISPATCH_LEVEL. DeviceObject is a PDO. BusRelations queues a
 * re-enumeration of its bus on the PnP manager's thread; the other
 * relation types are accepted and have nothing to re-query in Kestrel. */
VOID NTAPI IoInvalidateDeviceRelations(_In_ PDEVICE_OBJECT DeviceObject,
                                       _In_ DEVICE_RELATION_TYPE Type);

/* IRQL <= DISPATCH_LEVEL. PhysicalDeviceObject is a PDO the PnP manager
 * knows. Something in the device's PnP state changed: the PnP manager's
 * thread sends IRP_MN_QUERY_PNP_DEVICE_STATE to its stack (if it is
 * started) and acts on the PNP_DEVICE_STATE bits the drivers return
 * (ddk/pnptypes.h; what each bit does is in io/pnpdevstate.c). */
VOID NTAPI IoInvalidateDeviceState(_In_ PDEVICE_OBJECT PhysicalDeviceObject);

/* IRQL <= DISPATCH_LEVEL. PhysicalDeviceObject is a PDO the PnP manager
 * knows. A bus driver reports that the user pressed the device's eject
 * button: the PnP manager's thread sends IRP_MN_QUERY_REMOVE_DEVICE and
 * IRP_MN_REMOVE_DEVICE to the device and its children (children first),
 * then IRP_MN_EJECT to the PDO when its capabilities say EjectSupported.
 * A vetoed query-remove (or an open handle, or PNP_DEVICE_NOT_DISABLEABLE)
 * stops the eject, which is printed; nothing is returned to the caller. */
VOID NTAPI IoRequestDeviceEject(_In_ PDEVICE_OBJECT PhysicalDeviceObject);

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

/* DevicePropertyRemovalPolicy's answer: a hint of how the device usually
 * leaves the machine. */
typedef enum _DEVICE_REMOVAL_POLICY {
    RemovalPolicyExpectNoRemoval = 1,
    RemovalPolicyExpectOrderlyRemoval = 2,
    RemovalPolicyExpectSurpriseRemoval = 3
} DEVICE_REMOVAL_POLICY, *PDEVICE_REMOVAL_POLICY;

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

/*
 * Device interfaces (io/pnpiface.c): a driver tells the system that its
 * device offers a class of functionality named by a GUID, and clients find
 * the device by that GUID instead of by a device name.
 *
 * IoRegisterDeviceInterface: PASSIVE_LEVEL. PhysicalDeviceObject must be a
 * PDO the PnP manager knows and ReferenceString (optional) must hold no
 * '\' or '/' (STATUS_INVALID_DEVICE_REQUEST otherwise). *SymbolicLinkName
 * receives the interface's name, \??\<instance path, '\' as '#'>#{GUID}
 * followed by \<ReferenceString> when there is one, in a buffer the caller
 * frees with RtlFreeUnicodeString. Treat the name as opaque. Registering
 * the same PDO, class and reference string again returns the same name
 * and STATUS_SUCCESS. A registration outlives the device, as one in
 * Windows' registry does.
 */
NTSTATUS NTAPI IoRegisterDeviceInterface(_In_ PDEVICE_OBJECT PhysicalDeviceObject,
                                         _In_ const GUID *InterfaceClassGuid,
                                         _In_opt_ PUNICODE_STRING ReferenceString,
                                         _Out_ PUNICODE_STRING SymbolicLinkName);

/*
 * IoSetDeviceInterfaceState: PASSIVE_LEVEL. Enabling creates the symbolic
 * link (opens of the name reach the top of the device's stack, with the
 * reference string as the FILE_OBJECT's FileName, "\Ref"); disabling
 * deletes it. Enabling an enabled interface returns the informational
 * STATUS_OBJECT_NAME_EXISTS; disabling one that is not enabled (or a name
 * never registered) fails with STATUS_OBJECT_NAME_NOT_FOUND. The PnP
 * manager disables a device's interfaces when it sends REMOVE_DEVICE.
 */
NTSTATUS NTAPI IoSetDeviceInterfaceState(_In_ PUNICODE_STRING SymbolicLinkName,
                                         _In_ BOOLEAN Enable);

/* A multi-sz: strings one after the other, each NUL-terminated, and one
 * more NUL after the last (ntdef.h's spelling; C allows the typedef twice). */
typedef WCHAR *PZZWSTR;

/* IoGetDeviceInterfaces' Flags. */
#define DEVICE_INTERFACE_INCLUDE_NONACTIVE 0x00000001

/*
 * IoGetDeviceInterfaces: PASSIVE_LEVEL. The symbolic link names of the
 * enabled interfaces of class InterfaceClassGuid (disabled ones too with
 * DEVICE_INTERFACE_INCLUDE_NONACTIVE), of PhysicalDeviceObject's device
 * only when it is given (STATUS_INVALID_DEVICE_REQUEST if it is not a PDO
 * the PnP manager knows). *SymbolicLinkList is a multi-sz from paged pool
 * the caller frees with ExFreePool; with no match, STATUS_SUCCESS and an
 * empty list (a lone NUL).
 */
NTSTATUS NTAPI IoGetDeviceInterfaces(_In_ const GUID *InterfaceClassGuid,
                                     _In_opt_ PDEVICE_OBJECT PhysicalDeviceObject,
                                     _In_ ULONG Flags, _Outptr_ PZZWSTR *SymbolicLinkList);

#endif /* _KESTREL_DDK_PNP_H */
