/*
 * io/iop.h - I/O manager internals shared inside the kernel.
 */
#ifndef KESTREL_IO_IOP_H
#define KESTREL_IO_IOP_H

#include <wdm.h>
#include "kernel/ob/namespace.h"

/*
 * The translated interrupt resources of a physical device object, what
 * IoConnectInterruptEx connects to (io/interrupt.c): its line
 * (CONNECT_LINE_BASED, and CONNECT_MESSAGE_BASED's fallback) and its
 * message-signaled interrupts (CONNECT_MESSAGE_BASED), message i being
 * Messages[i]. The PnP manager records them when it starts a device and
 * forgets them when it stops or removes it (io/pnpstate.c); tests record
 * their own for made-up devices. IRQL PASSIVE_LEVEL.
 * STATUS_INSUFFICIENT_RESOURCES when the table is full; recording a PDO
 * again replaces its entry; Vector 0 with no messages forgets it.
 */
#define IOP_MAX_DEVICE_MESSAGES 32      /* MSI: 16 per descriptor here; MSI-X: 8 (PCI policy) */

typedef struct _IOP_INTERRUPT_MESSAGE {
    ULONG Vector;
    KIRQL Irql;
    KAFFINITY Affinity;
} IOP_INTERRUPT_MESSAGE;

typedef struct _IOP_INTERRUPT_RESOURCE {
    ULONG Vector;                       /* the line's; 0 when the device has none */
    KIRQL Irql;
    KINTERRUPT_MODE InterruptMode;
    BOOLEAN ShareVector;
    KAFFINITY Affinity;
    ULONG MessageCount;                 /* 0 when the device has no messages */
    IOP_INTERRUPT_MESSAGE Messages[IOP_MAX_DEVICE_MESSAGES];
} IOP_INTERRUPT_RESOURCE, *PIOP_INTERRUPT_RESOURCE;

NTSTATUS IopSetDeviceInterruptResource(_In_ PDEVICE_OBJECT PhysicalDeviceObject,
                                       _In_ const IOP_INTERRUPT_RESOURCE *Resource);

/* ===========================================================================
 * Driver and device objects (io/driver.c, io/device.c, io/ioinit.c).
 * =========================================================================== */

#define IOP_DRIVER_TAG 'vrDI'           /* driver names, registry paths, extensions */
#define IOP_DEVICE_TAG 'veDI'           /* device objects (with their extensions) */
#define IOP_REINIT_TAG 'niRI'

/* The Windows KOBJECTS value KeInitializeDeviceQueue stores in Type. */
#define IOP_DEVICE_QUEUE_OBJECT 20

/*
 * Verifier checks of the object layer: bugcheck DRIVER_VERIFIER_IOMANAGER_VIOLATION
 * (0xC9) with parameter 1 below. Windows documents parameter-1 values up to
 * 0x2xx for its own checks; Kestrel's own checks use 0x1000 and up, so that
 * a value never means two things. (IRP checks that Windows documents use
 * Windows' values; new Kestrel-only checks take the next free 0x10xx.)
 */
#define IOP_VERIFIER_DELETE_ATTACHED_DEVICE 0x1001  /* P2 device, P3 device attached above, P4 driver */
#define IOP_VERIFIER_DELETE_DEVICE_STILL_ATTACHED 0x1002  /* P2 device, P3 lower device, P4 driver */
#define IOP_VERIFIER_DEVICES_LEFT_AT_UNLOAD 0x1003  /* P2 driver, P3 first device left */
#define IOP_VERIFIER_IRPS_LEAKED_AT_UNLOAD 0x1004   /* P2 device, P3 IRPs pending, P4 driver */

/* DEVOBJ_EXTENSION.ExtensionFlags (the WDK's private DOE_* values). */
#define DOE_UNLOAD_PENDING 0x00000001
#define DOE_DELETE_PENDING 0x00000002
#define DOE_REMOVE_PENDING 0x00000004   /* surprise-removed: REMOVE_DEVICE waits for the last handle */
#define DOE_REMOVE_PROCESSED 0x00000008 /* IRP_MN_REMOVE_DEVICE is on its way through the stack */

/* The body of a driver object: what drivers see, then the I/O manager's
 * own part. */
typedef struct _IOP_DRIVER_BODY {
    DRIVER_OBJECT DriverObject;
    DRIVER_EXTENSION DriverExtension;
    LIST_ENTRY ClientExtensions;        /* IoAllocateDriverObjectExtension blocks */
    LIST_ENTRY DriverLink;              /* IopLoadedDrivers */
} IOP_DRIVER_BODY, *PIOP_DRIVER_BODY;

/* One entry of the table the build generates from drivers/.../driver.mk
 * (build/drivers.gen.c): the name is Xxx in \Driver\Xxx, the entry point
 * is the driver's DriverEntry, renamed XxxDriverEntry at build time. The
 * ID lists (NULL-terminated; driver.mk's DRIVER_IDS,
 * DRIVER_UPPER_FILTER_IDS, DRIVER_LOWER_FILTER_IDS) say which devices the
 * PnP manager gives it (io/pnpmatch.c). */
typedef struct _IOP_BUILTIN_DRIVER {
    PCWSTR Name;
    PDRIVER_INITIALIZE DriverEntry;
    const PCWSTR *Ids;
    const PCWSTR *UpperFilterIds;
    const PCWSTR *LowerFilterIds;
    BOOLEAN MessageSignaled;            /* driver.mk's DRIVER_MSI_SUPPORTED := 1 */
} IOP_BUILTIN_DRIVER;

extern const IOP_BUILTIN_DRIVER IopBuiltinDrivers[];   /* ends with { NULL, NULL } */

/* The I/O manager's object types. */
extern OBJECT_TYPE IopDeviceObjectType;
extern OBJECT_TYPE IopDriverObjectType;

/* Guards device stacks (AttachedDevice/AttachedTo), drivers' device lists
 * and driver extensions. Held briefly at DISPATCH_LEVEL; never across a
 * call into a driver. */
extern KSPIN_LOCK IopDatabaseLock;

/* Boot: object types, built-in drivers' DriverEntry, then reinitialization
 * routines. PASSIVE_LEVEL, after ObInitializeNamespace. */
VOID IoInitSystem(VOID);
VOID IopInitializeDriverObjects(VOID);
VOID IopInitializeDeviceObjects(VOID);
VOID IopInitializeReinitialization(VOID);

/*
 * Creates \Driver\<Name>, calls DriverEntry(DriverObject, RegistryPath
 * "\Registry\Machine\System\CurrentControlSet\Services\<Name>") at
 * PASSIVE_LEVEL and, when it succeeds, clears DO_DEVICE_INITIALIZING on the
 * devices it created and returns the driver object (its reference is the
 * "loaded" reference IopUnloadDriver releases). When DriverEntry fails, the
 * failure is printed with the driver's name, devices it left are deleted,
 * the driver object goes, and DriverEntry's status is returned.
 */
NTSTATUS IopLoadDriver(_In_ PCWSTR Name, _In_ PDRIVER_INITIALIZE DriverEntry,
                       _Out_opt_ PDRIVER_OBJECT *DriverObject);

/* Loads every entry of IopBuiltinDrivers, then runs the reinitialization
 * routines they registered. PASSIVE_LEVEL. */
VOID IopInitializeBuiltinDrivers(VOID);

/* Calls the registered reinitialization routines, in registration order,
 * until none is registered any more (a routine that registers again is
 * called again, with Count one higher). PASSIVE_LEVEL. */
VOID IopCallDriverReinitializationRoutines(VOID);

/*
 * Unloads a driver: refused (STATUS_INVALID_DEVICE_REQUEST, with a message)
 * when it has no DriverUnload, and (STATUS_DEVICE_BUSY, with a message
 * naming the device) while any of its devices has open handles, i.e. a
 * non-zero DEVICE_OBJECT.ReferenceCount (the file API counts opens there,
 * with IopIncrementDeviceOpenCount/IopDecrementDeviceOpenCount). Otherwise
 * calls DriverUnload, which must have deleted every device of the driver
 * (DRIVER_VERIFIER_IOMANAGER_VIOLATION IOP_VERIFIER_DEVICES_LEFT_AT_UNLOAD
 * if not), removes \Driver\<Name> and releases the loaded reference.
 * With the verifier on, a device the Unload routine deletes while IRPs are
 * still pending on it stops the machine (IOP_VERIFIER_IRPS_LEAKED_AT_UNLOAD,
 * io/device.c). PASSIVE_LEVEL.
 */
NTSTATUS IopUnloadDriver(_In_ PDRIVER_OBJECT DriverObject);

/* Finds \Driver\<Name> (referenced), or NULL. */
PDRIVER_OBJECT IopReferenceDriverByName(_In_ PCWSTR Name);

/* The default of every MajorFunction entry: completes the IRP with
 * STATUS_INVALID_DEVICE_REQUEST. */
DRIVER_DISPATCH IopInvalidDeviceRequest;

/* Open handles on a device: the file API calls these when an
 * IRP_MJ_CREATE succeeds and when the file object's IRP_MJ_CLOSE is done.
 * Any IRQL. */
FORCEINLINE VOID
IopIncrementDeviceOpenCount(PDEVICE_OBJECT DeviceObject)
{
    InterlockedIncrement(&DeviceObject->ReferenceCount);
}

/* The PnP manager (io/pnpinit.c) is told when the last handle of a
 * surprise-removed device closes: its REMOVE_DEVICE was waiting for it. */
VOID IopQueuePendingRemovalCheck(VOID);

FORCEINLINE VOID
IopDecrementDeviceOpenCount(PDEVICE_OBJECT DeviceObject)
{
    if (InterlockedDecrement(&DeviceObject->ReferenceCount) == 0 &&
        (__atomic_load_n(&DeviceObject->DeviceObjectExtension->ExtensionFlags, __ATOMIC_SEQ_CST) &
         DOE_REMOVE_PENDING) != 0) {
        IopQueuePendingRemovalCheck();
    }
}

/* The DEVOBJ_EXTENSION of a device. */
FORCEINLINE PDEVOBJ_EXTENSION
IopDeviceExtension(PDEVICE_OBJECT DeviceObject)
{
    return DeviceObject->DeviceObjectExtension;
}

/* ===========================================================================
 * Queues and timers (io/iotimer.c).
 * =========================================================================== */

/* IoDeleteDevice calls this (PASSIVE_LEVEL): unlinks and frees the
 * device's IO_TIMER, if IoInitializeTimer gave it one. */
VOID IopDeleteDeviceTimer(_In_ PDEVICE_OBJECT DeviceObject);

#endif /* KESTREL_IO_IOP_H */
