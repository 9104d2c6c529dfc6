/*
 * drivers/pci/pcibus.h - the PCI bus driver's PnP half: its device objects
 * and the routines that serve them. The enumeration core it stands on is
 * pci.h.
 *
 * Two kinds of device object share the driver's dispatch routines:
 *
 *   FDO   one per PCI bus. A root bus's FDO sits above the root bus's PDO
 *         (ACPI\PNP0A08 or ACPI\PNP0A03 from the root enumerator); a
 *         PCI-to-PCI bridge's FDO sits above the bridge's own PDO, which the
 *         PnP manager gives to this driver by the bridge's class
 *         (PCI\CC_0604, driver.mk), as Windows stacks pci.sys on every
 *         bridge. Each FDO scans its one bus (the bridge's Secondary Bus
 *         Number, as the firmware set it) and reports one PDO per function
 *         found there in BusRelations.
 *   PDO   one per function, created by the FDO of its bus; it answers the
 *         PnP manager's questions about the function (IDs, capabilities,
 *         resources, bus information), turns decoding on and off in the
 *         command register at start and stop, and gives the function's
 *         driver its config space (IRP_MN_READ_CONFIG/WRITE_CONFIG and
 *         BUS_INTERFACE_STANDARD).
 *
 * So the device tree is the bus hierarchy, each bus a device node's stack:
 *
 *   ACPI\PNP0A08\0               \Driver\Pci (FDO, bus 0) -> \Driver\PnpManager
 *     PCI\VEN_8086&DEV_29C0...     \Driver\Pci (PDO 00:00.0)
 *     PCI\VEN_1B36&DEV_0001...     \Driver\Pci (FDO, bus 1) -> \Driver\Pci (PDO 00:04.0)
 *       PCI\VEN_1B36&DEV_0002...   \Driver\Serial -> \Driver\Pci (PDO 01:02.0)
 *
 * PnP IRPs reach the bus driver one at a time (the PnP manager sends them
 * holding its tree lock), which is what protects each FDO's child list and
 * the driver's table of the buses its FDOs serve.
 */
#ifndef KESTREL_DRIVERS_PCI_PCIBUS_H
#define KESTREL_DRIVERS_PCI_PCIBUS_H

#include "pci.h"

typedef struct _PCI_COMMON_EXTENSION {
    BOOLEAN IsFdo;
    PDEVICE_OBJECT Self;
    DEVICE_POWER_STATE DevicePowerState;
} PCI_COMMON_EXTENSION, *PPCI_COMMON_EXTENSION;

/* What the FDO's last scan found (fdo.c); tests read it. */
typedef struct _PCI_SCAN_STATISTICS {
    ULONG Functions;            /* found on the bus */
    ULONG New;                  /* given a PDO, their BARs sized */
    ULONG Known;                /* had a PDO: identified by header, not sized */
    ULONG Gone;                 /* had a PDO, no longer there */
} PCI_SCAN_STATISTICS;

struct _PCI_PDO_EXTENSION;

typedef struct _PCI_FDO_EXTENSION {
    PCI_COMMON_EXTENSION Common;
    PDEVICE_OBJECT PhysicalDeviceObject;    /* the root bus's PDO, or the bridge's */
    PDEVICE_OBJECT LowerDevice;
    struct _PCI_PDO_EXTENSION *Bridge;      /* the bridge's PDO; NULL on a root bus */
    PCI_CONFIG_ACCESS Access;
    UCHAR BusNumber;            /* the bus it scans */
    UCHAR ParentBus;            /* the bridge's own bus; = BusNumber on a root bus */
    ULONG SlotNumber;           /* the slot its functions sit in (UINumber); MAXULONG unknown */
    BOOLEAN Started;
    BOOLEAN ScanReported;       /* the start's scan went out in BusRelations */
    LIST_ENTRY Children;        /* PCI_PDO_EXTENSION.Link */
    ULONG ChildCount;
    ULONG ScanCount;
    PCI_SCAN_STATISTICS LastScan;
    ULONG StartedChildrenAtRemove;  /* should stay 0: the PnP manager removes children first */
} PCI_FDO_EXTENSION, *PPCI_FDO_EXTENSION;

typedef struct _PCI_PDO_EXTENSION {
    PCI_COMMON_EXTENSION Common;
    LIST_ENTRY Link;            /* PCI_FDO_EXTENSION.Children */
    PPCI_FDO_EXTENSION Parent;
    PCI_FUNCTION Function;      /* as the last scan found it (Next unused) */
    BOOLEAN Present;            /* in the last scan; FALSE: reported absent */
    BOOLEAN Seen;               /* found by the scan in progress */
    BOOLEAN Started;
    USHORT DecodeEnabled;       /* PCI_ENABLE_* bits START turned on */
    volatile LONG InterfaceReferences;  /* BUS_INTERFACE_STANDARD handed out */
} PCI_PDO_EXTENSION, *PPCI_PDO_EXTENSION;

/* driver.c */
DRIVER_DISPATCH PciDispatchPnp;
DRIVER_UNLOAD PciUnload;

/* power.c */
DRIVER_DISPATCH PciDispatchPower;

/* pnp.c: AddDevice (a root bus or a bridge) and the FDO's IRP_MJ_PNP. */
DRIVER_ADD_DEVICE PciAddDevice;
NTSTATUS PciFdoPnp(_In_ PPCI_FDO_EXTENSION Fdo, _Inout_ PIRP Irp);

/* fdo.c: scanning and the PDOs that come of it. */
NTSTATUS PciFdoScanBus(_Inout_ PPCI_FDO_EXTENSION Fdo);
NTSTATUS PciFdoBusRelations(_Inout_ PPCI_FDO_EXTENSION Fdo, _Out_ PDEVICE_RELATIONS *Relations);
VOID PciFdoDeleteChildren(_Inout_ PPCI_FDO_EXTENSION Fdo);

/* pdo.c: the PDO's IRP_MJ_PNP; pdoquery.c its answers to queries. */
NTSTATUS PciPdoPnp(_In_ PPCI_PDO_EXTENSION Pdo, _Inout_ PIRP Irp);
NTSTATUS PciPdoQueryId(_In_ PPCI_PDO_EXTENSION Pdo, _In_ BUS_QUERY_ID_TYPE Type,
                       _Out_ PULONG_PTR Information);
NTSTATUS PciPdoQueryCapabilities(_In_ PPCI_PDO_EXTENSION Pdo,
                                 _Inout_ PDEVICE_CAPABILITIES Capabilities);
NTSTATUS PciPdoQueryBusInformation(_In_ PPCI_PDO_EXTENSION Pdo, _Out_ PULONG_PTR Information);
NTSTATUS PciPdoQueryDeviceText(_In_ PPCI_PDO_EXTENSION Pdo, _In_ DEVICE_TEXT_TYPE Type,
                               _Out_ PULONG_PTR Information);
NTSTATUS PciPdoQueryTargetRelation(_In_ PPCI_PDO_EXTENSION Pdo, _Out_ PULONG_PTR Information);

/* config.c: config space for the function's driver. */
NTSTATUS PciPdoReadWriteConfig(_In_ PPCI_PDO_EXTENSION Pdo, _In_ PIO_STACK_LOCATION IrpSp,
                               _In_ BOOLEAN Write, _Out_ PULONG_PTR Information);
NTSTATUS PciPdoQueryInterface(_In_ PPCI_PDO_EXTENSION Pdo, _In_ PIO_STACK_LOCATION IrpSp);
/* Length bytes at Offset of the function's config space; the bytes moved
 * (0 when the range is outside it). */
ULONG PciPdoConfigAccess(_In_ PPCI_PDO_EXTENSION Pdo, _In_ BOOLEAN Write,
                         _Inout_updates_bytes_(Length) PVOID Buffer, _In_ ULONG Offset,
                         _In_ ULONG Length);

#define PCI_FUNCTION_NAME_ARGS(F) (F)->Bus, (F)->Device, (F)->Function

#endif /* KESTREL_DRIVERS_PCI_PCIBUS_H */
