/*
 * tests/kernel/pnpdrv.h - the PnP tests' drivers: KtPnpBus
 * (tests/kernel/pnpdrvbus.c), a bus driver whose children the test
 * decides, and KtPnpFunc (tests/kernel/pnpdrvfunc.c), a function driver
 * matched to those children by ID. Both record every PnP and power IRP
 * they see, in order, in one shared log (tests/kernel/pnpdrv.c).
 */
#ifndef KESTREL_TESTS_KERNEL_PNPDRV_H
#define KESTREL_TESTS_KERNEL_PNPDRV_H

#include <wdm.h>
#include "io/pnpp.h"

#define KTPNP_MAX_CHILDREN 4
#define KTPNP_MAX_EVENTS 256
#define KTPNP_MAX_INTERRUPTS 8          /* interrupt descriptors kept per child */

/* Who saw an IRP: the bus FDO, a child PDO (bus driver), or the function
 * driver's FDO on child n. */
#define KTPNP_WHO_BUS 0x10
#define KTPNP_WHO_PDO(n) (0x20 + (n))
#define KTPNP_WHO_FUNC(n) (0x30 + (n))

typedef struct _KTPNP_EVENT {
    UCHAR Who;
    UCHAR Major;
    UCHAR Minor;
    UCHAR PowerState;                   /* SET_POWER: the device state */
} KTPNP_EVENT;

typedef struct _KTPNP_CHILD {
    BOOLEAN Present;                    /* reported in BusRelations */
    PDEVICE_OBJECT Pdo;                 /* created at its first report */
    USHORT PortBase;                    /* 0: no resources */
    UCHAR Irq;                          /* ISA IRQ, 0xFF none */
    /* Message-signaled interrupts (tests/kernel/pnpmsi.c): with Messages
     * != 0 the PDO reports requirements, alternative 1 the port and the
     * messages, alternative 2 (when Irq is not 0xFF) the port and the line.
     * One descriptor for all messages (MSI), or with MessagePerDescriptor
     * one descriptor per message (MSI-X). */
    UCHAR Messages;
    BOOLEAN MessagePerDescriptor;
    BOOLEAN Late;                       /* IDs KTPNP\Late: no driver until a test adds one */
    BOOLEAN FailStart;                  /* the PDO fails IRP_MN_START_DEVICE */
    /* tests/kernel/pnpprop.c: Text answers QUERY_DEVICE_TEXT ("KtPnp widget
     * <n>", "KtPnp slot <n>"), BusInformation QUERY_BUS_INFORMATION
     * (KTPNP_BUS_TYPE, Internal, bus KTPNP_BUS_NUMBER); the capabilities
     * say Removable and SurpriseRemovalOK as set. */
    BOOLEAN Text;
    BOOLEAN BusInformation;
    BOOLEAN Removable;
    BOOLEAN SurpriseRemovalOK;
    LCID TextLocale;                    /* as the last QUERY_DEVICE_TEXT asked */
    /* ReplacePdo: a REMOVE_DEVICE while present retires the PDO and the
     * next BusRelations reports a new one; the retired PDO is deleted at
     * its second REMOVE_DEVICE, once it is no longer reported. */
    BOOLEAN ReplacePdo;
    PDEVICE_OBJECT RetiredPdo;
    /* tests/kernel/pnpstate.c: DeviceState is what KtPnpFunc ORs into its
     * answer to IRP_MN_QUERY_PNP_DEVICE_STATE (it clears
     * PNP_DEVICE_RESOURCE_REQUIREMENTS_CHANGED once reported, as a driver
     * does once the change is known); FuncSurpriseRemovalOK makes it set
     * SurpriseRemovalOK in QUERY_CAPABILITIES on the way up. The PDO
     * answers QUERY_RESOURCE_REQUIREMENTS with one port range of 0x10 at
     * RequirementsPort when it is not 0 (and Messages is), says
     * EjectSupported as set, and on IRP_MN_EJECT sets Ejected and is no
     * longer Present. */
    PNP_DEVICE_STATE DeviceState;
    BOOLEAN FuncSurpriseRemovalOK;
    USHORT RequirementsPort;
    BOOLEAN EjectSupported;
    BOOLEAN Ejected;
    /* tests/kernel/pnpfilter.c: KtPnpFunc's answer to
     * IRP_MN_FILTER_RESOURCE_REQUIREMENTS. FilterStatus != 0 fails it with
     * that status; else FilterPort != 0 frees the list it was given and
     * answers one port range of 0x10 at FilterPort; else it passes the IRP
     * down untouched. What it was given: FilterCount IRPs, the last one's
     * first port (0 when Information was NULL), and whether
     * Parameters.FilterResourceRequirements pointed at the same list. */
    NTSTATUS FilterStatus;
    USHORT FilterPort;
    ULONG FilterCount;
    USHORT FilterSawPort;
    BOOLEAN FilterSawNull;
    BOOLEAN FilterParameterMatched;
    /* Set by the function driver. */
    BOOLEAN Added;
    PDEVICE_OBJECT AddedPdo;
    PDEVICE_OBJECT Fdo;
    CM_PARTIAL_RESOURCE_DESCRIPTOR RawPort, RawIrq, TranslatedPort, TranslatedIrq;
    ULONG RawCount, TranslatedCount;
    /* Every interrupt descriptor of the last start, in list order. */
    CM_PARTIAL_RESOURCE_DESCRIPTOR RawInterrupts[KTPNP_MAX_INTERRUPTS];
    CM_PARTIAL_RESOURCE_DESCRIPTOR TranslatedInterrupts[KTPNP_MAX_INTERRUPTS];
    ULONG RawInterruptCount, TranslatedInterruptCount;
    BOOLEAN FailQueryStop;
    BOOLEAN FailQueryRemove;
    BOOLEAN Removed;                    /* the function driver's REMOVE_DEVICE */
} KTPNP_CHILD;

typedef struct _KTPNP_STATE {
    KTPNP_CHILD Children[KTPNP_MAX_CHILDREN];
    PDEVICE_OBJECT BusFdo;
    /* What the bus FDO ORs into QUERY_PNP_DEVICE_STATE (it clears
     * PNP_DEVICE_RESOURCE_REQUIREMENTS_CHANGED once reported). */
    PNP_DEVICE_STATE BusDeviceState;
    BOOLEAN BusFailStart;               /* the bus FDO fails IRP_MN_START_DEVICE */
    ULONG EventCount;
    KTPNP_EVENT Events[KTPNP_MAX_EVENTS];
    /* The last IRP_MJ_CREATE the function driver saw: which child, and the
     * file object's FileName (what followed the device's name). */
    ULONG CreateCount;
    UCHAR CreateWho;
    WCHAR CreateFileName[64];
} KTPNP_STATE;

extern KTPNP_STATE KtPnp;

#define KTPNP_BUS_NUMBER 7
/* The test bus's bus type GUID, {6B7A3C10-2F4E-4D1A-9C55-4B5450504E50}. */
extern const GUID KTPNP_BUS_TYPE;

/* Registers both drivers with the PnP manager (once) and clears the
 * state; KtPnpFunc does not handle message-signaled interrupts until
 * KtPnpSetMessageSignaled says so. Each test then creates its own bus:
 * Root\KtPnpBus\<Instance>. */
VOID KtPnpReset(VOID);
VOID KtPnpSetMessageSignaled(BOOLEAN MessageSignaled);
/* KtPnpLate: KtPnpFunc's routines serving KTPNP\Late (children with
 * Late set), registered and unregistered by the test that wants it. */
extern IOP_DRIVER_SERVICE KtPnpLateService;
PDEVICE_OBJECT KtPnpCreateBus(PCWSTR Instance);
/* One alternative, one port range of 0x10 at exactly Port (paged pool). */
PIO_RESOURCE_REQUIREMENTS_LIST KtPnpPortRequirements(USHORT Port);
/* The index of the first event at or after From that matches, or -1. */
LONG KtPnpFindEvent(ULONG From, UCHAR Who, UCHAR Major, UCHAR Minor);

/* ---- Between the drivers' own files (pnpdrv.c, pnpdrvbus.c, pnpdrvfunc.c) ---- */

/* The extension of every device object of both drivers. */
typedef struct _KTPNP_EXTENSION {
    UCHAR Who;
    BOOLEAN IsPdo;
    ULONG Child;
    PDEVICE_OBJECT Lower;
} KTPNP_EXTENSION, *PKTPNP_EXTENSION;

DRIVER_INITIALIZE KtPnpBusEntry;        /* pnpdrvbus.c */
DRIVER_INITIALIZE KtPnpFuncEntry;       /* pnpdrvfunc.c: KtPnpFunc and KtPnpLate */
/* Both drivers' IRP_MJ_POWER. */
DRIVER_DISPATCH KtPnpPower;
/* Appends the IRP to the log, as Ext's device saw it. */
VOID KtPnpLog(PKTPNP_EXTENSION Ext, PIRP Irp);
/* Completes Irp with Status and Information; returns Status. */
NTSTATUS KtPnpComplete(PIRP Irp, NTSTATUS Status, ULONG_PTR Information);

/* ---- The message-signaled interrupt tests' helpers (tests/kernel/pnpmsi.c,
 * used by pnpmsiconnect.c and pnpmsilate.c) ---- */

#define KT_MSI_PORT0 0x7400
#define KT_MSI_PORT1 0x7600
#define KT_MSI_IRQ 5
#define KT_MSI_FLAGS (CM_RESOURCE_INTERRUPT_MESSAGE | CM_RESOURCE_INTERRUPT_LATCHED)

PDEVICE_NODE KtMsiBusNode(PDEVICE_OBJECT BusPdo);
/* The device node of test child Index (NULL before its first report). */
PDEVICE_NODE KtPnpChildNode(ULONG Index);
/* Removes the test's bus; TRUE once its FDO is gone. */
BOOLEAN KtMsiRemoveBus(PDEVICE_OBJECT BusPdo);
/* Device vectors the HAL has handed out, lines and message blocks. */
ULONG KtMsiUsedVectors(VOID);
/* TRUE when each of Count vectors from First is in use as InUse says. */
BOOLEAN KtMsiVectorsInUse(ULONG First, ULONG Count, BOOLEAN InUse);
/* What the contract says of one raw/translated pair for Count messages
 * asked for from Token down. */
BOOLEAN KtMsiPairIsRight(const CM_PARTIAL_RESOURCE_DESCRIPTOR *Raw,
                         const CM_PARTIAL_RESOURCE_DESCRIPTOR *Translated, ULONG Count,
                         ULONG Token);

#endif /* KESTREL_TESTS_KERNEL_PNPDRV_H */
