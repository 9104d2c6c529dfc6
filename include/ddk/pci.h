/*
 * ddk/pci.h - PCI configuration space as the WDK (wdm.h) describes it, and
 * the HAL routines drivers still use to reach it. Part of wdm.h.
 *
 * Names, values and layouts are the WDK's. The registers themselves are
 * defined by the PCI Local Bus Specification 3.0 (chapter 6) for the first
 * 256 bytes, and by the PCI Express Base Specification 4.0 (7.2.2, ECAM) for
 * the 4 KiB a PCI Express function has.
 */
#ifndef _KESTREL_DDK_PCI_H
#define _KESTREL_DDK_PCI_H

/* A function's address on its bus: device 0-31, function 0-7 (WDK). */
typedef struct _PCI_SLOT_NUMBER {
    union {
        struct {
            ULONG DeviceNumber : 5;
            ULONG FunctionNumber : 3;
            ULONG Reserved : 24;
        } bits;
        ULONG AsULONG;
    } u;
} PCI_SLOT_NUMBER, *PPCI_SLOT_NUMBER;

#define PCI_MAX_DEVICES 32
#define PCI_MAX_FUNCTION 8
#define PCI_MAX_BRIDGE_NUMBER 0xFF

/* Config space sizes: conventional PCI (PCI 3.0 6.1) and PCI Express's
 * extended space (PCIe 4.0 7.2.2). */
#define PCI_COMMON_HDR_LENGTH 0x40
#define PCI_CONFIG_SPACE_LENGTH 0x100
#define PCI_EXTENDED_CONFIG_LENGTH 0x1000

#define PCI_TYPE0_ADDRESSES 6
#define PCI_TYPE1_ADDRESSES 2
#define PCI_TYPE2_ADDRESSES 5

/*
 * The predefined header, PCI Local Bus 3.0 6.1 (Figure 6-1, type 0),
 * 3.2.5.x of the PCI-to-PCI Bridge Architecture 1.2 (type 1) and the
 * PC Card Standard (type 2, CardBus bridges). The WDK declares
 * PCI_COMMON_CONFIG as PCI_COMMON_HEADER plus DeviceSpecific through an
 * unnamed struct member, a Microsoft extension GCC accepts only with
 * -fms-extensions; the shared fields are therefore spelled once here and
 * used by both types, which keeps every field name the WDK's.
 */
typedef struct _PCI_HEADER_TYPE_0 {
    ULONG BaseAddresses[PCI_TYPE0_ADDRESSES];   /* 0x10 */
    ULONG CIS;                                  /* 0x28 */
    USHORT SubVendorID;                         /* 0x2C */
    USHORT SubSystemID;                         /* 0x2E */
    ULONG ROMBaseAddress;                       /* 0x30 */
    UCHAR CapabilitiesPtr;                      /* 0x34 */
    UCHAR Reserved1[3];
    ULONG Reserved2;
    UCHAR InterruptLine;                        /* 0x3C */
    UCHAR InterruptPin;                         /* 0x3D: 0 none, 1 INTA# */
    UCHAR MinimumGrant;
    UCHAR MaximumLatency;
} PCI_HEADER_TYPE_0, *PPCI_HEADER_TYPE_0;

typedef struct _PCI_HEADER_TYPE_1 {
    ULONG BaseAddresses[PCI_TYPE1_ADDRESSES];   /* 0x10 */
    UCHAR PrimaryBus;                           /* 0x18 */
    UCHAR SecondaryBus;                         /* 0x19 */
    UCHAR SubordinateBus;                       /* 0x1A */
    UCHAR SecondaryLatency;
    UCHAR IOBase;                               /* 0x1C */
    UCHAR IOLimit;
    USHORT SecondaryStatus;
    USHORT MemoryBase;                          /* 0x20 */
    USHORT MemoryLimit;
    USHORT PrefetchBase;                        /* 0x24 */
    USHORT PrefetchLimit;
    ULONG PrefetchBaseUpper32;                  /* 0x28 */
    ULONG PrefetchLimitUpper32;
    USHORT IOBaseUpper16;                       /* 0x30 */
    USHORT IOLimitUpper16;
    UCHAR CapabilitiesPtr;                      /* 0x34 */
    UCHAR Reserved1[3];
    ULONG ROMBaseAddress;                       /* 0x38 */
    UCHAR InterruptLine;                        /* 0x3C */
    UCHAR InterruptPin;
    USHORT BridgeControl;
} PCI_HEADER_TYPE_1, *PPCI_HEADER_TYPE_1;

typedef struct _PCI_HEADER_TYPE_2 {
    ULONG SocketRegistersBaseAddress;           /* 0x10 */
    UCHAR CapabilitiesPtr;                      /* 0x14 */
    UCHAR Reserved;
    USHORT SecondaryStatus;
    UCHAR PrimaryBus;                           /* 0x18 */
    UCHAR SecondaryBus;
    UCHAR SubordinateBus;
    UCHAR SecondaryLatency;
    struct {
        ULONG Base;
        ULONG Limit;
    } Range[PCI_TYPE2_ADDRESSES - 1];           /* 0x1C */
    UCHAR InterruptLine;                        /* 0x3C */
    UCHAR InterruptPin;
    USHORT BridgeControl;
} PCI_HEADER_TYPE_2, *PPCI_HEADER_TYPE_2;

#define PCI_COMMON_HEADER_FIELDS_                                              \
    USHORT VendorID;            /* 0x00; PCI_INVALID_VENDORID: no function */  \
    USHORT DeviceID;            /* 0x02 */                                     \
    USHORT Command;             /* 0x04: PCI_ENABLE_* */                       \
    USHORT Status;              /* 0x06: PCI_STATUS_* */                       \
    UCHAR RevisionID;           /* 0x08 */                                     \
    UCHAR ProgIf;               /* 0x09: programming interface */              \
    UCHAR SubClass;             /* 0x0A */                                     \
    UCHAR BaseClass;            /* 0x0B */                                     \
    UCHAR CacheLineSize;        /* 0x0C */                                     \
    UCHAR LatencyTimer;         /* 0x0D */                                     \
    UCHAR HeaderType;           /* 0x0E: PCI_*_TYPE, PCI_MULTIFUNCTION */      \
    UCHAR BIST;                 /* 0x0F */                                     \
    union {                                                                    \
        struct _PCI_HEADER_TYPE_0 type0;                                       \
        struct _PCI_HEADER_TYPE_1 type1;                                       \
        struct _PCI_HEADER_TYPE_2 type2;                                       \
    } u

typedef struct _PCI_COMMON_HEADER {
    PCI_COMMON_HEADER_FIELDS_;
} PCI_COMMON_HEADER, *PPCI_COMMON_HEADER;

typedef struct _PCI_COMMON_CONFIG {
    PCI_COMMON_HEADER_FIELDS_;
    UCHAR DeviceSpecific[192];  /* 0x40: capabilities live here */
} PCI_COMMON_CONFIG, *PPCI_COMMON_CONFIG;

_Static_assert(sizeof(PCI_COMMON_HEADER) == PCI_COMMON_HDR_LENGTH, "PCI_COMMON_HEADER");
_Static_assert(sizeof(PCI_COMMON_CONFIG) == PCI_CONFIG_SPACE_LENGTH, "PCI_COMMON_CONFIG");
_Static_assert(FIELD_OFFSET(PCI_COMMON_HEADER, u.type0.SubVendorID) == 0x2C, "SubVendorID");
_Static_assert(FIELD_OFFSET(PCI_COMMON_HEADER, u.type0.CapabilitiesPtr) == 0x34, "CapabilitiesPtr");
_Static_assert(FIELD_OFFSET(PCI_COMMON_HEADER, u.type0.InterruptLine) == 0x3C, "InterruptLine");
_Static_assert(FIELD_OFFSET(PCI_COMMON_HEADER, u.type1.SecondaryBus) == 0x19, "SecondaryBus");
_Static_assert(FIELD_OFFSET(PCI_COMMON_HEADER, u.type1.ROMBaseAddress) == 0x38, "type1 ROM");
_Static_assert(FIELD_OFFSET(PCI_COMMON_HEADER, u.type2.CapabilitiesPtr) == 0x14, "type2 caps");
_Static_assert(FIELD_OFFSET(PCI_COMMON_HEADER, u.type2.InterruptLine) == 0x3C, "type2 line");

/* Byte offsets of the registers above, for 1/2/4-byte accesses. */
#define PCI_VENDOR_ID_OFFSET 0x00
#define PCI_COMMAND_OFFSET 0x04
#define PCI_STATUS_OFFSET 0x06
#define PCI_REVISION_ID_OFFSET 0x08
#define PCI_HEADER_TYPE_OFFSET 0x0E
#define PCI_BASE_ADDRESS_OFFSET 0x10
#define PCI_TYPE0_ROM_OFFSET 0x30
#define PCI_TYPE1_ROM_OFFSET 0x38
#define PCI_CAPABILITIES_OFFSET 0x34
#define PCI_TYPE2_CAPABILITIES_OFFSET 0x14
#define PCI_INTERRUPT_LINE_OFFSET 0x3C

/* A read of a function that does not exist returns all ones (PCI 3.0 6.2.5). */
#define PCI_INVALID_VENDORID 0xFFFF

/* HeaderType (PCI 3.0 6.2.1): layout in bits 6:0, bit 7 multi-function. */
#define PCI_MULTIFUNCTION 0x80
#define PCI_DEVICE_TYPE 0x00
#define PCI_BRIDGE_TYPE 0x01
#define PCI_CARDBUS_BRIDGE_TYPE 0x02
#define PCI_CONFIGURATION_TYPE(Config) ((Config)->HeaderType & ~PCI_MULTIFUNCTION)
#define PCI_MULTIFUNCTION_DEVICE(Config) (((Config)->HeaderType & PCI_MULTIFUNCTION) != 0)

/* Command register (PCI 3.0 6.2.2). */
#define PCI_ENABLE_IO_SPACE 0x0001
#define PCI_ENABLE_MEMORY_SPACE 0x0002
#define PCI_ENABLE_BUS_MASTER 0x0004
#define PCI_ENABLE_SPECIAL_CYCLES 0x0008
#define PCI_ENABLE_WRITE_AND_INVALIDATE 0x0010
#define PCI_ENABLE_VGA_COMPATIBLE_PALETTE 0x0020
#define PCI_ENABLE_PARITY 0x0040
#define PCI_ENABLE_WAIT_CYCLE 0x0080
#define PCI_ENABLE_SERR 0x0100
#define PCI_ENABLE_FAST_BACK_TO_BACK 0x0200
#define PCI_DISABLE_LEVEL_INTERRUPT 0x0400

/* Status register (PCI 3.0 6.2.3). */
#define PCI_STATUS_INTERRUPT_PENDING 0x0008
#define PCI_STATUS_CAPABILITIES_LIST 0x0010

/* Base Address Registers (PCI 3.0 6.2.5.1): bit 0 says I/O or memory; a
 * memory BAR's bits 2:1 say 32-bit or 64-bit (two registers), bit 3
 * prefetchable. The low bits are read-only; writing all ones and reading
 * back tells the size. */
#define PCI_ADDRESS_IO_SPACE 0x00000001
#define PCI_ADDRESS_MEMORY_TYPE_MASK 0x00000006
#define PCI_ADDRESS_MEMORY_PREFETCHABLE 0x00000008
#define PCI_ADDRESS_IO_ADDRESS_MASK 0xFFFFFFFC
#define PCI_ADDRESS_MEMORY_ADDRESS_MASK 0xFFFFFFF0
#define PCI_ADDRESS_ROM_ADDRESS_MASK 0xFFFFF800
#define PCI_TYPE_32BIT 0
#define PCI_TYPE_20BIT 2
#define PCI_TYPE_64BIT 4
#define PCI_ROMADDRESS_ENABLED 0x00000001

/* Class codes (PCI Code and ID Assignment Specification 1.11, chapter 1). */
#define PCI_CLASS_PRE_20 0x00
#define PCI_CLASS_MASS_STORAGE_CTLR 0x01
#define PCI_CLASS_NETWORK_CTLR 0x02
#define PCI_CLASS_DISPLAY_CTLR 0x03
#define PCI_CLASS_MULTIMEDIA_DEV 0x04
#define PCI_CLASS_MEMORY_CTLR 0x05
#define PCI_CLASS_BRIDGE_DEV 0x06
#define PCI_CLASS_SIMPLE_COMMS_CTLR 0x07
#define PCI_CLASS_BASE_SYSTEM_DEV 0x08
#define PCI_CLASS_INPUT_DEV 0x09
#define PCI_CLASS_DOCKING_STATION 0x0A
#define PCI_CLASS_PROCESSOR 0x0B
#define PCI_CLASS_SERIAL_BUS_CTLR 0x0C
#define PCI_CLASS_WIRELESS_CTLR 0x0D
#define PCI_CLASS_INTELLIGENT_IO_CTLR 0x0E
#define PCI_CLASS_SATELLITE_COMMS_CTLR 0x0F
#define PCI_CLASS_ENCRYPTION_DECRYPTION 0x10
#define PCI_CLASS_DATA_ACQ_SIGNAL_PROC 0x11
#define PCI_CLASS_NOT_DEFINED 0xFF

#define PCI_SUBCLASS_BR_HOST 0x00
#define PCI_SUBCLASS_BR_ISA 0x01
#define PCI_SUBCLASS_BR_PCI_TO_PCI 0x04
#define PCI_SUBCLASS_MSC_NVM_CTLR 0x08
#define PCI_SUBCLASS_COM_SERIAL 0x00

/*
 * Capabilities (PCI 3.0 6.7): a list of (ID, next) headers starting at
 * CapabilitiesPtr when Status has PCI_STATUS_CAPABILITIES_LIST. The bottom
 * two bits of every pointer are reserved and must be masked off.
 */
typedef struct _PCI_CAPABILITIES_HEADER {
    UCHAR CapabilityID;
    UCHAR Next;
} PCI_CAPABILITIES_HEADER, *PPCI_CAPABILITIES_HEADER;

#define PCI_CAPABILITY_ID_POWER_MANAGEMENT 0x01
#define PCI_CAPABILITY_ID_AGP 0x02
#define PCI_CAPABILITY_ID_VPD 0x03
#define PCI_CAPABILITY_ID_SLOT_ID 0x04
#define PCI_CAPABILITY_ID_MSI 0x05
#define PCI_CAPABILITY_ID_CPCI_HOTSWAP 0x06
#define PCI_CAPABILITY_ID_PCIX 0x07
#define PCI_CAPABILITY_ID_HYPERTRANSPORT 0x08
#define PCI_CAPABILITY_ID_VENDOR_SPECIFIC 0x09
#define PCI_CAPABILITY_ID_DEBUG_PORT 0x0A
#define PCI_CAPABILITY_ID_CPCI_RES_CTRL 0x0B
#define PCI_CAPABILITY_ID_SHPC 0x0C
#define PCI_CAPABILITY_ID_P2P_SSID 0x0D
#define PCI_CAPABILITY_ID_AGP_TARGET 0x0E
#define PCI_CAPABILITY_ID_SECURE 0x0F
#define PCI_CAPABILITY_ID_PCI_EXPRESS 0x10
#define PCI_CAPABILITY_ID_MSIX 0x11
#define PCI_CAPABILITY_ID_SATA_CONFIG 0x12
#define PCI_CAPABILITY_ID_ADVANCED_FEATURES 0x13

/*
 * MSI (PCI 3.0 6.8.1, Figure 6-9). Message Control: bit 0 enable, bits 3:1
 * Multiple Message Capable (log2 of the vectors requested, 0-5), bits 6:4
 * Multiple Message Enable, bit 7 64-bit address capable, bit 8 per-vector
 * masking capable. The registers after it move by 4 bytes with a 64-bit
 * address, hence the union (the WDK's layout).
 */
typedef struct _PCI_MSI_CAPABILITY {
    PCI_CAPABILITIES_HEADER Header;
    struct _PCI_MSI_MESSAGE_CONTROL {
        USHORT MSIEnable : 1;
        USHORT MultipleMessageCapable : 3;
        USHORT MultipleMessageEnable : 3;
        USHORT CapableOf64Bits : 1;
        USHORT PerVectorMaskCapable : 1;
        USHORT Reserved : 7;
    } MessageControl;
    union {
        struct _PCI_MSI_MESSAGE_ADDRESS {
            ULONG Reserved : 2;
            ULONG Address : 30;
        } Register;
        ULONG Raw;
    } MessageAddressLower;
    union {
        struct {
            USHORT MessageData;
        } Option32Bit;
        struct {
            ULONG MessageAddressUpper;
            USHORT MessageData;
            USHORT Reserved;
            ULONG MaskBits;
            ULONG PendingBits;
        } Option64Bit;
    };
} PCI_MSI_CAPABILITY, *PPCI_PCI_CAPABILITY;

/*
 * MSI-X (PCI 3.0 6.8.2, Figure 6-10). Message Control: bits 10:0 table size
 * minus one, bit 14 function mask, bit 15 enable. The table and the pending
 * bit array each live in a memory BAR: bits 2:0 of their registers name the
 * BAR (BIR), the rest is a QWORD-aligned offset into it.
 */
typedef struct _PCI_MSIX_CAPABILITY {
    PCI_CAPABILITIES_HEADER Header;
    struct {
        USHORT TableSize : 11;
        USHORT Reserved : 3;
        USHORT FunctionMask : 1;
        USHORT MSIXEnable : 1;
    } MessageControl;
    ULONG MessageAddr;          /* PCI_MSIX_TABLE_CONFIG.TableOffset */
    ULONG PBATable;
} PCI_MSIX_CAPABILITY, *PPCI_MSIX_CAPABILITY;

typedef struct _PCI_MSIX_TABLE_CONFIG {
    PCI_CAPABILITIES_HEADER Header;
    USHORT MessageControl;
    ULONG TableOffset;          /* BIR in bits 2:0 */
    ULONG PBAOffset;            /* BIR in bits 2:0 */
} PCI_MSIX_TABLE_CONFIG, *PPCI_MSIX_TABLE_CONFIG;

#define PCI_MSIX_BIR_MASK 0x00000007
#define PCI_MSIX_OFFSET_MASK 0xFFFFFFF8

_Static_assert(sizeof(PCI_MSI_CAPABILITY) == 0x18, "PCI_MSI_CAPABILITY");
_Static_assert(sizeof(PCI_MSIX_CAPABILITY) == 0x0C, "PCI_MSIX_CAPABILITY");
_Static_assert(sizeof(PCI_MSIX_TABLE_CONFIG) == 0x0C, "PCI_MSIX_TABLE_CONFIG");

/* The address spaces HalGetBusDataByOffset knows (WDK BUS_DATA_TYPE). */
typedef enum _BUS_DATA_TYPE {
    ConfigurationSpaceUndefined = -1,
    Cmos,
    EisaConfiguration,
    Pos,
    CbusConfiguration,
    PCIConfiguration,
    VMEConfiguration,
    NuBusConfiguration,
    PCMCIAConfiguration,
    MPIConfiguration,
    MPSAConfiguration,
    PNPISAConfiguration,
    SgiInternalConfiguration,
    MaximumBusDataType
} BUS_DATA_TYPE, *PBUS_DATA_TYPE;

/* IRP_MN_READ_CONFIG / WRITE_CONFIG's WhichSpace for PCI. */
#define PCI_WHICHSPACE_CONFIG 0x0
#define PCI_WHICHSPACE_ROM 0x52696350

/*
 * Reads or writes Length bytes at Offset of the configuration space of the
 * PCI function SlotNumber (a PCI_SLOT_NUMBER's AsULONG) on BusNumber, of
 * segment 0. Only PCIConfiguration is supported. Returns the number of
 * bytes transferred: 0 when the bus does not exist or the range is outside
 * the function's config space (with a message); for a read of an empty slot
 * from offset 0, 2, with the buffer holding PCI_INVALID_VENDORID. Obsolete
 * on Windows for PnP drivers (which use BUS_INTERFACE_STANDARD or
 * IRP_MN_READ_CONFIG) but still in use. IRQL <= DISPATCH_LEVEL.
 */
ULONG NTAPI HalGetBusDataByOffset(_In_ BUS_DATA_TYPE BusDataType, _In_ ULONG BusNumber,
                                  _In_ ULONG SlotNumber, _Out_writes_bytes_(Length) PVOID Buffer,
                                  _In_ ULONG Offset, _In_ ULONG Length);
ULONG NTAPI HalSetBusDataByOffset(_In_ BUS_DATA_TYPE BusDataType, _In_ ULONG BusNumber,
                                  _In_ ULONG SlotNumber, _In_reads_bytes_(Length) PVOID Buffer,
                                  _In_ ULONG Offset, _In_ ULONG Length);

#endif /* _KESTREL_DDK_PCI_H */
