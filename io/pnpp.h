/*
 * io/pnpp.h - the PnP manager's internals (io/pnp*.c, io/power.c).
 *
 * The PnP manager keeps one DEVICE_NODE per physical device object, in a
 * tree under the root node (HTREE\ROOT\0, the root device of
 * \Driver\PnpManager). A node walks through the states below; the names are
 * those of Windows' PNP_DEVNODE_STATE, so a !devnode reader feels at home:
 *
 *   Uninitialized --IDs, text, capabilities, bus information and
 *                   resources queried--> Initialized
 *   Initialized --filters and function driver's AddDevice--> DriversAdded
 *   DriversAdded --raw and translated resources--> ResourcesAssigned
 *   ResourcesAssigned --IRP_MN_START_DEVICE--> Started
 *   Started --QUERY_STOP--> QueryStopped --STOP--> Stopped --START--> Started
 *                           QueryStopped --CANCEL_STOP--> Started
 *   Started --QUERY_REMOVE--> QueryRemoved --REMOVE--> Removed
 *                             QueryRemoved --CANCEL_REMOVE--> Started
 *   Removed --its bus reports the PDO again--> Uninitialized (enabled again)
 *   Started --PNP_DEVICE_FAILED or _REMOVED: SURPRISE_REMOVAL--> RemovePendingCloses
 *           --last handle closed: REMOVE--> Removed (the bus still has it; problem kept)
 *   any --gone from its bus's relations: SURPRISE_REMOVAL--> RemovePendingCloses
 *   RemovePendingCloses --last handle closed: REMOVE--> Deleted (node freed)
 *
 * A node that cannot go on keeps its state and records a problem code
 * (Windows' CM_PROB_* values): no driver, AddDevice failed, start failed,
 * resource conflict.
 *
 * Every change to the tree and every PnP IRP the manager sends happens with
 * IopPnpTreeLock held (a KMUTEX, so the same thread may re-enter: a
 * driver's dispatch routine may call IoGetDeviceProperty), at
 * PASSIVE_LEVEL, on the boot thread at boot and on the PnP thread later.
 */
#ifndef KESTREL_IO_PNPP_H
#define KESTREL_IO_PNPP_H

#include "io/iop.h"

#define IOP_PNP_TAG 'pnPI'              /* "IPnp": nodes, IDs, resource lists */

#ifndef STATUS_CONFLICTING_ADDRESSES
#define STATUS_CONFLICTING_ADDRESSES ((NTSTATUS)0xC0000018L)
#endif

typedef enum _PNP_DEVNODE_STATE {
    DeviceNodeUnspecified = 0x300,
    DeviceNodeUninitialized,
    DeviceNodeInitialized,
    DeviceNodeDriversAdded,
    DeviceNodeResourcesAssigned,
    DeviceNodeStartPending,
    DeviceNodeStartCompletion,
    DeviceNodeStartPostWork,
    DeviceNodeStarted,
    DeviceNodeQueryStopped,
    DeviceNodeStopped,
    DeviceNodeRestartCompletion,
    DeviceNodeEnumeratePending,
    DeviceNodeEnumerateCompletion,
    DeviceNodeAwaitingQueuedDeletion,
    DeviceNodeAwaitingQueuedRemoval,
    DeviceNodeQueryRemoved,
    DeviceNodeRemovePendingCloses,
    DeviceNodeRemoved,
    DeviceNodeDeletePendingCloses,
    DeviceNodeDeleted,
} PNP_DEVNODE_STATE;

/* Problem codes (cfg.h's CM_PROB_* values). */
#define CM_PROB_FAILED_START 10
#define CM_PROB_NORMAL_CONFLICT 12
#define CM_PROB_FAILED_INSTALL 28           /* no driver serves its IDs */
#define CM_PROB_FAILED_ADD 31
#define CM_PROB_DEVICE_NOT_THERE 24
#define CM_PROB_HARDWARE_DISABLED 29        /* it reported PNP_DEVICE_DISABLED */
#define CM_PROB_FAILED_POST_START 43        /* it reported PNP_DEVICE_FAILED once started */
#define CM_PROB_HELD_FOR_EJECT 47           /* removed for IoRequestDeviceEject */

/* DEVICE_NODE.Flags */
#define DNF_ENUMERATED 0x00000001           /* in its bus's last BusRelations */
#define DNF_RAW 0x00000002                  /* started without a function driver */
#define DNF_DEBUGGER_OWNED 0x00000004       /* the kernel debugger's port */
#define DNF_HAS_BUS_INFORMATION 0x00000008  /* its bus answered QUERY_BUS_INFORMATION */
/* Surprise-removed because its own stack said it failed or is gone
 * (PNP_DEVICE_FAILED, PNP_DEVICE_REMOVED): while its bus still reports it,
 * its REMOVE_DEVICE leaves the node Removed, with its problem, instead of
 * deleting it. */
#define DNF_REMOVED_BY_STATE 0x00000010
/* Its function driver answered IRP_MN_FILTER_RESOURCE_REQUIREMENTS with a
 * list of its own: FilteredRequirements (NULL: it needs none) is what its
 * resources come from, not its bus's ResourceRequirements. */
#define DNF_REQUIREMENTS_FILTERED 0x00000020

/* The locale the manager asks device text in: en-US, the language every
 * bus driver in Kestrel speaks. */
#define IOP_DEVICE_TEXT_LOCALE 0x409

struct _IOP_DRIVER_SERVICE;

typedef struct _DEVICE_NODE {
    struct _DEVICE_NODE *Parent;
    struct _DEVICE_NODE *Child;         /* first child; the rest through Sibling */
    struct _DEVICE_NODE *Sibling;
    ULONG Level;                        /* the root is 0 */
    PDEVICE_OBJECT PhysicalDeviceObject;    /* referenced while the node lives */
    PNP_DEVNODE_STATE State;
    PNP_DEVNODE_STATE PreviousState;
    ULONG Problem;                      /* CM_PROB_*, 0 when none */
    NTSTATUS ProblemStatus;
    ULONG Flags;                        /* DNF_* */
    /* IRP_MN_QUERY_ID: pool strings; the IDs are multi-sz. */
    PWSTR DeviceId;
    PWSTR InstanceId;
    PWSTR HardwareIds;
    PWSTR CompatibleIds;
    UNICODE_STRING InstancePath;        /* DeviceId\InstanceId */
    /* IRP_MN_QUERY_DEVICE_TEXT: pool strings, NULL when the bus has none. */
    PWSTR DeviceDescription;
    PWSTR LocationInformation;
    /* IRP_MN_QUERY_BUS_INFORMATION, valid with DNF_HAS_BUS_INFORMATION. */
    GUID BusTypeGuid;
    INTERFACE_TYPE LegacyBusType;
    ULONG BusNumber;
    WCHAR PdoName[20];                  /* \Device\NNNNNNNN, when the PnP manager named it */
    DEVICE_CAPABILITIES Capabilities;   /* queried at enumeration, again after its first start */
    PNP_DEVICE_STATE DeviceState;       /* its stack's last IRP_MN_QUERY_PNP_DEVICE_STATE answer */
    PCM_RESOURCE_LIST BootResources;    /* IRP_MN_QUERY_RESOURCES, or NULL */
    PIO_RESOURCE_REQUIREMENTS_LIST ResourceRequirements;     /* as its bus reported them */
    PIO_RESOURCE_REQUIREMENTS_LIST FilteredRequirements;     /* with DNF_REQUIREMENTS_FILTERED */
    PCM_RESOURCE_LIST ResourceList;     /* assigned (raw), NULL when none */
    PCM_RESOURCE_LIST ResourceListTranslated;
    struct _IOP_DRIVER_SERVICE *Service;    /* the function driver, NULL if none */
    DEVICE_POWER_STATE DevicePowerState;
    SYSTEM_POWER_STATE SystemPowerState;
} DEVICE_NODE, *PDEVICE_NODE;

/*
 * A driver the PnP manager can match to devices: a built-in one (its IDs
 * come from driver.mk's DRIVER_IDS, DRIVER_UPPER_FILTER_IDS and
 * DRIVER_LOWER_FILTER_IDS through build/drivers.gen.c) or one registered
 * at run time with IopRegisterDriverService (tests). Each ID list ends
 * with NULL. DriverEntry runs once, when the first device needs it (a
 * built-in driver's already ran at boot).
 */
typedef struct _IOP_DRIVER_SERVICE {
    LIST_ENTRY Link;
    PCWSTR Name;                        /* Xxx in \Driver\Xxx */
    PDRIVER_INITIALIZE DriverEntry;
    const PCWSTR *Ids;                  /* served as function driver */
    const PCWSTR *UpperFilterIds;       /* attached above the function driver */
    const PCWSTR *LowerFilterIds;       /* attached between it and the PDO */
    /* The driver handles message-signaled interrupts: only then may its
     * devices get a requirements alternative with message descriptors
     * (driver.mk's DRIVER_MSI_SUPPORTED := 1; on Windows MSISupported = 1
     * under the INF's Interrupt Management\MessageSignaledInterruptProperties). */
    BOOLEAN MessageSignaled;
    PDRIVER_OBJECT DriverObject;        /* once loaded */
    NTSTATUS LoadStatus;                /* a failed DriverEntry is not retried */
} IOP_DRIVER_SERVICE, *PIOP_DRIVER_SERVICE;

/* Characters before the NUL (the kernel has no C library's wcslen). */
FORCEINLINE SIZE_T
IopWcsLen(PCWSTR String)
{
    PCWSTR End = String;

    while (*End != UNICODE_NULL) {
        End++;
    }
    return (SIZE_T)(End - String);
}

/* ---- The tree (io/pnpnode.c) ---- */

extern KMUTEX IopPnpTreeLock;
extern PDEVICE_NODE IopRootDeviceNode;

VOID IopAcquirePnpTreeLock(VOID);
VOID IopReleasePnpTreeLock(VOID);
/* A new node for Pdo under Parent (appended: children keep their bus's
 * order); names the PDO \Device\NNNNNNNN when its bus left it unnamed, as
 * FILE_AUTOGENERATED_DEVICE_NAME does on Windows. */
PDEVICE_NODE IopCreateDeviceNode(_In_opt_ PDEVICE_NODE Parent, _In_ PDEVICE_OBJECT Pdo);
/* Unlinks and frees a node without children. */
VOID IopDeleteDeviceNode(_In_ PDEVICE_NODE Node);
/* A Removed node whose PDO its bus reports again: everything enumeration
 * and the drivers left in it is forgotten and it is Uninitialized again,
 * in its place in the tree, so that it is enumerated as a new one. */
VOID IopReinitializeDeviceNode(_In_ PDEVICE_NODE Node);
PDEVICE_NODE IopGetDeviceNode(_In_ PDEVICE_OBJECT DeviceObject);
VOID IopSetNodeState(_In_ PDEVICE_NODE Node, _In_ PNP_DEVNODE_STATE State);
VOID IopSetNodeProblem(_In_ PDEVICE_NODE Node, _In_ ULONG Problem, _In_ NTSTATUS Status);
PCSTR IopNodeStateName(_In_ PNP_DEVNODE_STATE State);
/* "CM_PROB_FAILED_POST_START" for 43, and so on ("CM_PROB_?" if unknown). */
PCSTR IopProblemName(_In_ ULONG Problem);
/* Next node in pre-order (parents before children); NULL after the last. */
PDEVICE_NODE IopNextDeviceNode(_In_ PDEVICE_NODE Node);
/* The node whose instance path is Path ("Root\*PNP0501\1"), or NULL. */
PDEVICE_NODE IopFindDeviceNodeByInstancePath(_In_ PCWSTR Path);
/* Bytes of a multi-sz, both terminators included (0 for NULL). */
ULONG IopMultiSzBytes(_In_opt_ PCWSTR MultiSz);
/* TRUE when Id is one of MultiSz's strings (case-insensitive). */
BOOLEAN IopMultiSzContains(_In_opt_ PCWSTR MultiSz, _In_ PCWSTR Id);
/* Sum of DEVICE_OBJECT.ReferenceCount over the node's stack. */
LONG IopStackOpenCount(_In_ PDEVICE_NODE Node);

/* ---- PnP IRPs sent synchronously (io/pnpirp.c) ---- */

/* Sends Major/Minor with Parameters to the top of Device's stack at
 * PASSIVE_LEVEL and waits; Status starts as STATUS_NOT_SUPPORTED, as on
 * Windows. Returns the final status and Information. */
NTSTATUS IopSendPnpIrp(_In_ PDEVICE_OBJECT Device, _In_ UCHAR Major, _In_ UCHAR Minor,
                       _In_opt_ const VOID *Parameters, _In_ SIZE_T ParametersSize,
                       _Out_opt_ PULONG_PTR Information);
/* The same with Information preset to InitialInformation, for the IRPs
 * that carry their input there (IRP_MN_FILTER_RESOURCE_REQUIREMENTS). */
NTSTATUS IopSendPnpIrpWithInformation(_In_ PDEVICE_OBJECT Device, _In_ UCHAR Major,
                                      _In_ UCHAR Minor, _In_opt_ const VOID *Parameters,
                                      _In_ SIZE_T ParametersSize, _In_ ULONG_PTR InitialInformation,
                                      _Out_opt_ PULONG_PTR Information);
NTSTATUS IopSendPnpMinor(_In_ PDEVICE_OBJECT Device, _In_ UCHAR Minor);
NTSTATUS IopSendRemoveDevice(_In_ PDEVICE_OBJECT Pdo);
NTSTATUS IopQueryDeviceRelations(_In_ PDEVICE_OBJECT Device, _In_ DEVICE_RELATION_TYPE Type,
                                 _Out_ PDEVICE_RELATIONS *Relations);
NTSTATUS IopQueryId(_In_ PDEVICE_OBJECT Device, _In_ BUS_QUERY_ID_TYPE Type, _Out_ PWSTR *Id);
NTSTATUS IopQueryCapabilities(_In_ PDEVICE_OBJECT Device, _Out_ PDEVICE_CAPABILITIES Caps);
NTSTATUS IopSendStartDevice(_In_ PDEVICE_NODE Node);
NTSTATUS IopSendPowerIrp(_In_ PDEVICE_OBJECT Device, _In_ UCHAR Minor, _In_ POWER_STATE_TYPE Type,
                         _In_ POWER_STATE State, _In_ POWER_ACTION Action);

/* ---- Driver services and AddDevice (io/pnpmatch.c) ---- */

VOID IopInitializeDriverServices(VOID);
/* Adds a driver at run time (tests); then starts the nodes left with
 * problem 28 (no driver) that it, or any service, now serves. PASSIVE_LEVEL. */
VOID IopRegisterDriverService(_Inout_ PIOP_DRIVER_SERVICE Service);
VOID IopUnregisterDriverService(_Inout_ PIOP_DRIVER_SERVICE Service);
/* The best function driver: each hardware ID in order, then each
 * compatible ID in order; NULL when none serves the device. */
PIOP_DRIVER_SERVICE IopMatchFunctionDriver(_In_ PDEVICE_NODE Node);
/* Loads and calls AddDevice of lower filters, the function driver and
 * upper filters. Initialized -> DriversAdded, or a problem. */
NTSTATUS IopAddDriversToNode(_In_ PDEVICE_NODE Node);

/* ---- Resources (io/pnpres.c: which ones; io/pnpreslist.c: the lists) ---- */

/* The alternative list after Alternative in a requirements list: they
 * follow each other, each as long as its descriptors. */
FORCEINLINE const IO_RESOURCE_LIST *
IopNextAlternative(const IO_RESOURCE_LIST *Alternative)
{
    return (const IO_RESOURCE_LIST *)((const UCHAR *)Alternative +
                                      FIELD_OFFSET(IO_RESOURCE_LIST, Descriptors) +
                                      Alternative->Count * sizeof(IO_RESOURCE_DESCRIPTOR));
}

/* The requirements Node's resources are assigned from: its function
 * driver's filtered list when it gave one, else its bus's. */
FORCEINLINE PIO_RESOURCE_REQUIREMENTS_LIST
IopRequirementsToAssign(const DEVICE_NODE *Node)
{
    return (Node->Flags & DNF_REQUIREMENTS_FILTERED) != 0 ? Node->FilteredRequirements
                                                          : Node->ResourceRequirements;
}

/* PASSIVE_LEVEL, tree lock held, drivers added: sends
 * IRP_MN_FILTER_RESOURCE_REQUIREMENTS to the top of Node's stack with its
 * bus's requirements and keeps what the function driver answers
 * (io/pnpfilter.c). An error status is the stack's: the device cannot be
 * given resources. */
NTSTATUS IopFilterResourceRequirements(_In_ PDEVICE_NODE Node);

/* TRUE when the alternative holds a message-signaled interrupt. */
BOOLEAN IopAlternativeHasMessages(_In_ const IO_RESOURCE_LIST *Alternative);
/* A copy of Node's boot configuration; NULL (STATUS_SUCCESS) when none. */
NTSTATUS IopCopyBootResources(_In_ PDEVICE_NODE Node, _Out_ PCM_RESOURCE_LIST *Raw);
/* The raw list for one alternative of Node's requirements: each value the
 * boot configuration's where it fits, else the descriptor's minimum; one
 * raw descriptor per message descriptor (MessageCount = its range, at most
 * 16). WithoutMessages leaves the message descriptors out. NULL
 * (STATUS_SUCCESS) when nothing is left. */
NTSTATUS IopBuildRawResources(_In_ PDEVICE_NODE Node, _In_ const IO_RESOURCE_LIST *Alternative,
                              BOOLEAN WithoutMessages, _Out_ PCM_RESOURCE_LIST *Raw);
/* Translated list: ports and memory as they are, line interrupts through
 * HalGetInterruptVector, message interrupts a block of vectors each from
 * the HAL (give them back with IopReleaseMessageVectors). */
NTSTATUS IopTranslateResources(_In_ PCM_RESOURCE_LIST Raw, _Out_ PCM_RESOURCE_LIST *Translated);
/* Gives the HAL back the vector blocks of Translated's message
 * descriptors; Raw is the list it was translated from. */
VOID IopReleaseMessageVectors(_In_opt_ const CM_RESOURCE_LIST *Raw,
                              _In_opt_ PCM_RESOURCE_LIST Translated);
/* Both lists assigned to Node: the first alternative that can be had,
 * after a conflict check against every other node's (a conflict is
 * printed naming both devices); problem 12 when none can. */
NTSTATUS IopAssignResources(_In_ PDEVICE_NODE Node);
/* Frees both lists and gives their message vectors back. */
VOID IopReleaseResources(_In_ PDEVICE_NODE Node);
ULONG IopResourceListBytes(_In_opt_ const CM_RESOURCE_LIST *List);

/* ---- Enumeration and the state machine (io/pnpenum.c, io/pnpstate.c) ---- */

NTSTATUS IopEnumerateDevice(_In_ PDEVICE_NODE Node);
NTSTATUS IopStartDeviceNode(_In_ PDEVICE_NODE Node);
/* Query-stop then stop; a failed query is followed by CANCEL_STOP. */
NTSTATUS IopRequestDeviceStop(_In_ PDEVICE_NODE Node);
/* Query-stop and stop of Node and every started device below it, children
 * first; a refusal anywhere cancels the whole stop (CANCEL_STOP to each
 * stack asked). Node must be Started. */
NTSTATUS IopStopDeviceSubtree(_In_ PDEVICE_NODE Node);
/* Starts Node (stopped) again, then each stopped device below it, parents
 * first. */
NTSTATUS IopRestartDeviceSubtree(_In_ PDEVICE_NODE Node);
/* Starts a stopped node again (resources reassigned). */
NTSTATUS IopRequestDeviceStart(_In_ PDEVICE_NODE Node);
/* A removal asked of Node (Windows' "disable"): refused while a node of
 * its subtree says PNP_DEVICE_NOT_DISABLEABLE, else IopRemoveDeviceSubtree. */
NTSTATUS IopRequestDeviceRemove(_In_ PDEVICE_NODE Node);
/* Orderly removal of Node and its subtree: query-remove each (children
 * first), then remove; any failure cancels every query sent. */
NTSTATUS IopRemoveDeviceSubtree(_In_ PDEVICE_NODE Node);
/* Node vanished from its bus: SURPRISE_REMOVAL to its subtree. */
VOID IopSurpriseRemoveSubtree(_In_ PDEVICE_NODE Node);
/* Sends REMOVE_DEVICE to surprise-removed nodes whose handles are closed. */
VOID IopProcessPendingRemovals(VOID);

/* ---- After a start, and IoInvalidateDeviceState (io/pnpdevstate.c) ---- */

/* PASSIVE_LEVEL, tree lock held, Node just Started: QUERY_CAPABILITIES
 * again, then QUERY_PNP_DEVICE_STATE and what its answer asks for. TRUE
 * when Node is still Started as it was, so its children may be enumerated;
 * FALSE when it was removed, or restarted (and enumerated) anew. */
BOOLEAN IopQueryDeviceStateAfterStart(_In_ PDEVICE_NODE Node);
/* PASSIVE_LEVEL, tree lock held: IoInvalidateDeviceState's work. */
VOID IopQueryDeviceState(_In_ PDEVICE_NODE Node);

/* ---- IoRequestDeviceEject (io/pnpeject.c) ---- */

/* PASSIVE_LEVEL, tree lock held: the queued eject's work. */
VOID IopEjectDevice(_In_ PDEVICE_NODE Node);

/* ---- The PnP thread (io/pnpinit.c) ---- */

/* Any IRQL <= DISPATCH_LEVEL: a device's last handle closed while it
 * waits for REMOVE_DEVICE. */
VOID IopQueuePendingRemovalCheck(VOID);
/* PASSIVE_LEVEL: waits until every queued request has been handled. */
VOID IopWaitForPnpIdle(VOID);

/* ---- The root bus driver (io/pnproot.c) ---- */

NTSTATUS IopCreateRootDevice(_Out_ PDEVICE_OBJECT *RootDevice);
/* A root-enumerated software device (a test's bus): reported from the
 * next root enumeration on. */
NTSTATUS IopRootCreateDevice(_In_ PCWSTR DeviceId, _In_ PCWSTR InstanceId,
                             _Out_ PDEVICE_OBJECT *Pdo);
/* Stops reporting it; the next enumeration removes it. */
VOID IopRootDeleteDevice(_In_ PDEVICE_OBJECT Pdo);

/* ---- Device interfaces (io/pnpiface.c) ---- */

/* Disables every enabled interface of Node's device (after REMOVE_DEVICE). */
VOID IopDisableDeviceInterfaces(_In_ PDEVICE_NODE Node);

/* ---- Power (io/power.c) ---- */

NTSTATUS IopSetDevicePowerState(_In_ PDEVICE_NODE Node, _In_ DEVICE_POWER_STATE State);
/* System shutdown: S5 and then D3 to every started device, children
 * before parents. Returns how many devices went to D3. */
ULONG IopShutdownDevices(VOID);
ULONG IopShutdownSubtree(_In_ PDEVICE_NODE Node);

/* ---- The device tree dump (io/pnpdump.c) ---- */

/* Formats the whole tree into Buffer (NUL-terminated, cut to Size);
 * returns the length it needed. */
SIZE_T IopFormatDeviceTree(_Out_writes_(Size) PCHAR Buffer, SIZE_T Size);
VOID IopDumpDeviceTree(VOID);

/* Boot: the root node, the built-in drivers' services, the PnP thread,
 * then enumeration of the whole tree. PASSIVE_LEVEL, from IoInitSystem
 * after the built-in drivers' DriverEntry. */
VOID IopInitializePnpManager(VOID);

#endif /* KESTREL_IO_PNPP_H */
