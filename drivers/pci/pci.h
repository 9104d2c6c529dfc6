/*
 * drivers/pci/pci.h - the PCI bus driver's enumeration core: what it finds
 * on the buses and how it is called.
 *
 * The core is pure logic over a small table of config-space callbacks
 * (PCI_CONFIG_ACCESS), so that the same code runs in the kernel, over the
 * HAL (drivers/pci/halaccess.c), and on the build machine over a fake
 * config space (tests/host/pci*.c). It scans one bus (what each of the
 * bus driver's FDOs asks, PciScan), or a root bus and every bus behind its
 * PCI-to-PCI bridges as the firmware numbered them (pcilist, tests), and
 * for each function found produces a PCI_FUNCTION record: identity, the
 * IDs the PnP manager asks for (IRP_MN_QUERY_ID), sized BARs, the
 * interrupt and the MSI/MSI-X capabilities. A function the caller already
 * knows is identified from its header alone: sizing a BAR writes to it,
 * which must not happen under a running driver. From a record,
 * PciBuildRequirementsList and PciBuildResourceList make what
 * IRP_MN_QUERY_RESOURCE_REQUIREMENTS and IRP_MN_QUERY_RESOURCES return.
 *
 * Kestrel keeps the firmware's assignments: no bus number, BAR or
 * interrupt line is reprogrammed.
 *
 * Specifications: PCI Local Bus 3.0 (chapter 6: header, BARs, capabilities,
 * MSI, MSI-X); PCI-to-PCI Bridge Architecture 1.2 (type 1 header); WDK
 * "Identifiers for PCI Devices" (the ID strings).
 */
#ifndef KESTREL_DRIVERS_PCI_PCI_H
#define KESTREL_DRIVERS_PCI_PCI_H

#include <wdm.h>

/* ---- How the core reaches config space ---- */

/* Length bytes at Offset (within the function's 256 or 4096 bytes). A read
 * of an absent function returns all ones, as hardware does. */
typedef NTSTATUS PCI_READ_CONFIG(_In_opt_ PVOID Context, UCHAR Bus, UCHAR Device,
                                 UCHAR Function, ULONG Offset,
                                 _Out_writes_bytes_(Length) PVOID Buffer, ULONG Length);
typedef NTSTATUS PCI_WRITE_CONFIG(_In_opt_ PVOID Context, UCHAR Bus, UCHAR Device,
                                  UCHAR Function, ULONG Offset,
                                  _In_reads_bytes_(Length) const VOID *Buffer, ULONG Length);

typedef struct _PCI_CONFIG_ACCESS {
    PCI_READ_CONFIG *Read;
    PCI_WRITE_CONFIG *Write;
    PVOID Context;
    USHORT Segment;             /* recorded in each PCI_FUNCTION */
} PCI_CONFIG_ACCESS, *PPCI_CONFIG_ACCESS;

/* The kernel's access: HalGetBusDataByOffset/HalSetBusDataByOffset, segment
 * 0 (drivers/pci/halaccess.c). */
VOID PciInitializeHalConfigAccess(_Out_ PPCI_CONFIG_ACCESS Access);

/* ---- What enumeration produces ---- */

typedef enum _PCI_BAR_KIND {
    PciBarUnimplemented = 0,    /* reads back 0 after all ones: no decoder */
    PciBarIo,
    PciBarMemory32,
    PciBarMemory64,             /* uses this register and the next */
    PciBarMemoryBelow1M,        /* PCI 2.x "locate below 1 MiB" type */
    PciBarRom,                  /* the expansion ROM register */
} PCI_BAR_KIND;

typedef struct _PCI_BAR {
    UCHAR Index;                /* register 0-5; 6 for the expansion ROM */
    UCHAR Kind;                 /* PCI_BAR_KIND */
    BOOLEAN Prefetchable;
    BOOLEAN RomEnabled;         /* PciBarRom: decode enable bit as found */
    ULONGLONG Address;          /* as the firmware assigned it */
    ULONGLONG Length;           /* decoded size, a power of two */
} PCI_BAR, *PPCI_BAR;

#define PCI_MAX_BARS 7          /* six registers and the ROM */

typedef struct _PCI_MSI_INFO {
    BOOLEAN Present;
    UCHAR CapabilityOffset;
    BOOLEAN Address64;
    BOOLEAN PerVectorMasking;
    USHORT MessageCount;        /* 1, 2, 4, 8, 16 or 32 requested */
} PCI_MSI_INFO;

typedef struct _PCI_MSIX_INFO {
    BOOLEAN Present;
    UCHAR CapabilityOffset;
    UCHAR TableBar;             /* BIR: the BAR register holding the table */
    UCHAR PbaBar;
    USHORT TableSize;           /* entries, 1-2048 */
    ULONG TableOffset;
    ULONG PbaOffset;
} PCI_MSIX_INFO;

/* IDs are REG_MULTI_SZ-style: strings each ended by a NUL, then one more. */
#define PCI_MAX_ID_CHARS 64
#define PCI_MAX_MULTI_SZ_CHARS 512

typedef struct _PCI_FUNCTION {
    struct _PCI_FUNCTION *Next;     /* in scan order: by bus, device, function */
    USHORT Segment;
    UCHAR Bus;
    UCHAR Device;
    UCHAR Function;
    UCHAR ParentBus;            /* the bus of the bridge above; = Bus on the root */

    USHORT VendorId;
    USHORT DeviceId;
    USHORT SubVendorId;         /* type 0: 0x2C; bridges: the SSVID capability */
    USHORT SubSystemId;
    UCHAR RevisionId;
    UCHAR BaseClass;
    UCHAR SubClass;
    UCHAR ProgIf;
    UCHAR HeaderType;           /* PCI_*_TYPE, without PCI_MULTIFUNCTION */
    BOOLEAN MultiFunction;
    USHORT Command;             /* as found (restored after BAR sizing) */

    UCHAR SecondaryBus;         /* bridges only */
    UCHAR SubordinateBus;

    UCHAR InterruptLine;        /* as the firmware routed it; 0xFF unknown */
    UCHAR InterruptPin;         /* 0 none, 1-4 INTA#-INTD# */

    ULONG BarCount;             /* implemented BARs (and ROM), in order */
    PCI_BAR Bars[PCI_MAX_BARS];

    BOOLEAN PciExpress;
    ULONG PhysicalSlotNumber;   /* a PCIe root or downstream port's slot; MAXULONG none */
    ULONG CapabilityCount;
    PCI_MSI_INFO Msi;
    PCI_MSIX_INFO MsiX;

    /* IRP_MN_QUERY_ID: BusQueryDeviceID, HardwareIDs, CompatibleIDs,
     * InstanceID; IRP_MN_QUERY_DEVICE_TEXT's location. */
    WCHAR DeviceIdString[PCI_MAX_ID_CHARS];
    WCHAR HardwareIds[PCI_MAX_MULTI_SZ_CHARS];
    WCHAR CompatibleIds[PCI_MAX_MULTI_SZ_CHARS];
    WCHAR InstanceId[12];
    WCHAR LocationText[PCI_MAX_ID_CHARS];

    ULONG ProblemCount;         /* oddities reported while reading it */
    BOOLEAN Known;              /* PciScan's Known said so: header only, nothing sized */
} PCI_FUNCTION, *PPCI_FUNCTION;

/* Any IRQL the access allows. A function's config space through Access,
 * at Offset for Length bytes. */
FORCEINLINE NTSTATUS
PciReadFunctionConfig(const PCI_CONFIG_ACCESS *Access, const PCI_FUNCTION *Function,
                      ULONG Offset, PVOID Buffer, ULONG Length)
{
    return Access->Read(Access->Context, Function->Bus, Function->Device, Function->Function,
                        Offset, Buffer, Length);
}

FORCEINLINE NTSTATUS
PciWriteFunctionConfig(const PCI_CONFIG_ACCESS *Access, const PCI_FUNCTION *Function,
                       ULONG Offset, const VOID *Buffer, ULONG Length)
{
    return Access->Write(Access->Context, Function->Bus, Function->Device, Function->Function,
                         Offset, Buffer, Length);
}

typedef struct _PCI_SCAN_RESULT {
    PPCI_FUNCTION Functions;    /* list through Next; free with PciFreeScanResult */
    ULONG FunctionCount;
    ULONG KnownCount;           /* of them Known: their BARs were not sized */
    ULONG BusCount;             /* buses scanned */
    ULONG ProblemCount;         /* things reported and skipped */
} PCI_SCAN_RESULT, *PPCI_SCAN_RESULT;

#define PCI_POOL_TAG 'IicP'

/* ---- The core's routines ---- */

/* Asked of each function a scan finds, once its header is read (bus,
 * device and function number, IDs, class, header type, bridge buses): TRUE
 * when the caller knows the function already, so that its BARs are not
 * sized again under its driver's feet. */
typedef BOOLEAN PCI_KNOWN_FUNCTION(_In_opt_ PVOID Context, _In_ const PCI_FUNCTION *Identity);

typedef struct _PCI_SCAN_REQUEST {
    UCHAR Bus;                  /* the bus to scan */
    UCHAR ParentBus;            /* the bus of the bridge above it; = Bus on a root */
    BOOLEAN FollowBridges;      /* and every bus behind its bridges */
    PCI_KNOWN_FUNCTION *Known;  /* optional: NULL sizes every function */
    PVOID Context;              /* for Known */
} PCI_SCAN_REQUEST, *PPCI_SCAN_REQUEST;

/*
 * Scans Request->Bus (and with FollowBridges every bus below it, as the
 * firmware numbered them). Each function found is read; unless Known says
 * the caller knows it, its BARs are sized (decode off meanwhile, then
 * restored) and its capabilities walked, else its record holds the header
 * only (Known = TRUE). Anything hostile (a bridge pointing back at a
 * scanned bus, a capability loop) is reported with a message naming the
 * function and skipped; the scan is bounded by the 256 buses that exist.
 * PASSIVE_LEVEL; no driver may be using a function whose BARs are sized.
 * STATUS_INSUFFICIENT_RESOURCES when the pool runs out (nothing is returned
 * then).
 */
NTSTATUS PciScan(_In_ const PCI_CONFIG_ACCESS *Access, _In_ const PCI_SCAN_REQUEST *Request,
                 _Out_ PPCI_SCAN_RESULT Result);
/* PciScan of RootBus and every bus below it, sizing every function. */
NTSTATUS PciEnumerateBus(_In_ const PCI_CONFIG_ACCESS *Access, UCHAR RootBus,
                         _Out_ PPCI_SCAN_RESULT Result);
VOID PciFreeScanResult(_Inout_ PPCI_SCAN_RESULT Result);

/* Reads one function into Function (identity, bridge buses, interrupt,
 * BARs, capabilities, IDs). FALSE when nothing answers at that address. */
BOOLEAN PciReadFunction(_In_ const PCI_CONFIG_ACCESS *Access, UCHAR Bus, UCHAR Device,
                        UCHAR FunctionNumber, _Out_ PPCI_FUNCTION Function);

/* Whether a scan may follow Bridge to its secondary bus: not 0, above the
 * bridge's own bus, and not Taken[] already (256 entries); a subordinate
 * bus below the secondary one is reported but not fatal. Each refusal is
 * printed naming the bridge and counted in *Problems. */
BOOLEAN PciCheckSecondaryBus(_In_ const PCI_FUNCTION *Bridge, _In_reads_(256) const BOOLEAN *Taken,
                             _Inout_ PULONG Problems);

/* drivers/pci/bar.c: sizes the BARs (and ROM) of a function already
 * identified (HeaderType set). */
VOID PciSizeBars(_In_ const PCI_CONFIG_ACCESS *Access, _Inout_ PPCI_FUNCTION Function);

/* drivers/pci/caps.c: walks the capability list (bounded, cycle-safe). */
VOID PciReadCapabilities(_In_ const PCI_CONFIG_ACCESS *Access, _Inout_ PPCI_FUNCTION Function);

/* drivers/pci/ids.c: fills the ID strings from the identity fields. */
VOID PciFormatIds(_Inout_ PPCI_FUNCTION Function);

/* drivers/pci/resource.c. Pool (PCI_POOL_TAG) the caller frees with
 * ExFreePoolWithTag. Requirements: each BAR as a fixed range (the firmware's
 * address, Alignment = Length), in up to two alternative lists: the BARs and
 * the messages (MSI-X preferred: one descriptor per message, at most
 * PCI_MAX_MSIX_MESSAGES; MSI: one descriptor for its block), then the BARs
 * and the firmware's line. Resources (raw): the BARs as assigned, and the
 * line interrupt for a function without MSI/MSI-X. */
#define PCI_MAX_MSIX_MESSAGES 8
NTSTATUS PciBuildRequirementsList(_In_ const PCI_FUNCTION *Function,
                                  _Out_ PIO_RESOURCE_REQUIREMENTS_LIST *List);
NTSTATUS PciBuildResourceList(_In_ const PCI_FUNCTION *Function, _Out_ PCM_RESOURCE_LIST *List);

/* drivers/pci/msi.c, for the PDO's START_DEVICE and stop/removal.
 * PciEnableMessages programs the MSI capability or MSI-X table from the
 * message interrupts in the start's Raw and Translated lists (the HAL's
 * HalComposeMessageInterrupt for each vector) and sets Interrupt Disable;
 * without messages among them it turns MSI/MSI-X off and clears Interrupt
 * Disable. *MessageCount: the messages turned on. On failure everything is
 * off. PciDisableMessages turns messages off (MSI-X entries masked) and
 * sets Interrupt Disable, while the memory decode is still on. PASSIVE_LEVEL. */
NTSTATUS PciEnableMessages(_In_ const PCI_CONFIG_ACCESS *Access, _In_ const PCI_FUNCTION *Function,
                           _In_opt_ const CM_RESOURCE_LIST *Raw,
                           _In_opt_ const CM_RESOURCE_LIST *Translated,
                           _Out_ PULONG MessageCount);
VOID PciDisableMessages(_In_ const PCI_CONFIG_ACCESS *Access, _In_ const PCI_FUNCTION *Function);

/* drivers/pci/list.c: prints one function like lspci -v, and, for the
 * kernel's "pcilist" command line word, every function of segment 0. */
VOID PciPrintFunction(_In_ const PCI_FUNCTION *Function);
NTSTATUS PciListFunctions(VOID);

/* The class code's name for messages ("Host bridge", "Serial controller"). */
PCSTR PciClassName(UCHAR BaseClass, UCHAR SubClass);

#endif /* KESTREL_DRIVERS_PCI_PCI_H */
