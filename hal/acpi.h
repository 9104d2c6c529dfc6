/*
 * hal/acpi.h - the firmware's ACPI static tables, byte for byte.
 *
 * These are the layouts the firmware writes into memory, private to the HAL.
 * Every structure is packed and its size is checked at compile time against
 * the spec. Nothing here is trusted as it stands: the parser in hal/acpi.c
 * and its siblings check a table's length before reading any field, and
 * fields that later revisions added are read only when the table is long
 * enough to hold them.
 *
 * References: ACPI Specification 6.5 (UEFI Forum, 2022), chapter 5.2;
 * IA-PC HPET Specification 1.0a (Intel, 2004), section 3.2.4;
 * PCI Firmware Specification 3.3 (PCI-SIG), section 4.1.2.
 * The parsed, HAL-friendly summaries live in hal/acpip.h.
 */
#ifndef KESTREL_HAL_ACPI_H
#define KESTREL_HAL_ACPI_H

#include <wdm.h>

#pragma pack(push, 1)

/* ACPI 6.5 5.2.3.2, Generic Address Structure (GAS): where a register is. */
#define ACPI_GAS_SYSTEM_MEMORY 0
#define ACPI_GAS_SYSTEM_IO 1
#define ACPI_GAS_PCI_CONFIG 2

typedef struct _ACPI_GENERIC_ADDRESS {
    UCHAR AddressSpaceId;       /* ACPI_GAS_* */
    UCHAR RegisterBitWidth;
    UCHAR RegisterBitOffset;
    UCHAR AccessSize;           /* 0 undefined, 1 byte ... 4 qword */
    ULONGLONG Address;
} ACPI_GENERIC_ADDRESS, *PACPI_GENERIC_ADDRESS;

/* ACPI 6.5 5.2.5.3, Root System Description Pointer (RSDP) Structure.
 * Revision 0 (ACPI 1.0) ends after RsdtAddress: only its first 20 bytes
 * exist and are covered by Checksum. Revision 2 and later add the rest,
 * covered by ExtendedChecksum over Length bytes. */
#define ACPI_RSDP_SIGNATURE "RSD PTR "
#define ACPI_RSDP_V1_LENGTH 20

typedef struct _ACPI_RSDP {
    CHAR Signature[8];
    UCHAR Checksum;
    CHAR OemId[6];
    UCHAR Revision;
    ULONG RsdtAddress;
    /* Revision 2 and later: */
    ULONG Length;
    ULONGLONG XsdtAddress;
    UCHAR ExtendedChecksum;
    UCHAR Reserved[3];
} ACPI_RSDP, *PACPI_RSDP;

/* ACPI 6.5 5.2.6, System Description Table Header: the first 36 bytes of
 * every table but the RSDP and FACS. Length counts the whole table, header
 * included, and the bytes of the whole table sum to zero. */
typedef struct _ACPI_DESCRIPTION_HEADER {
    CHAR Signature[4];
    ULONG Length;
    UCHAR Revision;
    UCHAR Checksum;
    CHAR OemId[6];
    CHAR OemTableId[8];
    ULONG OemRevision;
    CHAR CreatorId[4];
    ULONG CreatorRevision;
} ACPI_DESCRIPTION_HEADER, *PACPI_DESCRIPTION_HEADER;

/* ACPI 6.5 5.2.7 (RSDT) and 5.2.8 (XSDT): the header followed by an array
 * of 32-bit (RSDT) or 64-bit (XSDT) physical table addresses, as many as
 * (Length - 36) / entry size. XSDT entries are only 4-byte aligned, so they
 * are read as packed fields. */
#define ACPI_RSDT_SIGNATURE "RSDT"
#define ACPI_XSDT_SIGNATURE "XSDT"

/* ACPI 6.5 5.2.9, Fixed ACPI Description Table (FADT), signature "FACP".
 * The ACPI 1.0 table (revision 1) is 116 bytes and ends after Flags; each
 * later revision grew it, up to 276 bytes in 6.x. */
#define ACPI_FADT_SIGNATURE "FACP"

typedef struct _ACPI_FADT {
    ACPI_DESCRIPTION_HEADER Header;
    ULONG FirmwareCtrl;
    ULONG Dsdt;
    UCHAR Reserved0;            /* ACPI 1.0: INT_MODEL */
    UCHAR PreferredPmProfile;
    USHORT SciInterrupt;        /* an ISA IRQ when 8259s exist, else a GSI */
    ULONG SmiCommand;
    UCHAR AcpiEnable;
    UCHAR AcpiDisable;
    UCHAR S4BiosRequest;
    UCHAR PStateControl;
    ULONG Pm1aEventBlock;
    ULONG Pm1bEventBlock;
    ULONG Pm1aControlBlock;
    ULONG Pm1bControlBlock;
    ULONG Pm2ControlBlock;
    ULONG PmTimerBlock;         /* I/O port of the 3.579545 MHz PM timer */
    ULONG Gpe0Block;
    ULONG Gpe1Block;
    UCHAR Pm1EventLength;
    UCHAR Pm1ControlLength;
    UCHAR Pm2ControlLength;
    UCHAR PmTimerLength;        /* 4 when the PM timer exists */
    UCHAR Gpe0BlockLength;
    UCHAR Gpe1BlockLength;
    UCHAR Gpe1Base;
    UCHAR CstControl;
    USHORT C2Latency;
    USHORT C3Latency;
    USHORT FlushSize;
    USHORT FlushStride;
    UCHAR DutyOffset;
    UCHAR DutyWidth;
    UCHAR DayAlarm;
    UCHAR MonthAlarm;
    UCHAR Century;              /* CMOS index of the century, 0 if none */
    USHORT IaPcBootArch;        /* ACPI_FADT_BOOT_*; ACPI 2.0 and later */
    UCHAR Reserved1;
    ULONG Flags;                /* ACPI_FADT_* */
    /* ---- 116 bytes: the end of the ACPI 1.0 table ---- */
    ACPI_GENERIC_ADDRESS ResetRegister;
    UCHAR ResetValue;
    USHORT ArmBootArch;
    UCHAR MinorVersion;
    ULONGLONG XFirmwareCtrl;
    ULONGLONG XDsdt;
    ACPI_GENERIC_ADDRESS XPm1aEventBlock;
    ACPI_GENERIC_ADDRESS XPm1bEventBlock;
    ACPI_GENERIC_ADDRESS XPm1aControlBlock;
    ACPI_GENERIC_ADDRESS XPm1bControlBlock;
    ACPI_GENERIC_ADDRESS XPm2ControlBlock;
    ACPI_GENERIC_ADDRESS XPmTimerBlock;
    ACPI_GENERIC_ADDRESS XGpe0Block;
    ACPI_GENERIC_ADDRESS XGpe1Block;
    /* ---- 244 bytes: the end of the ACPI 3.0 table ---- */
    ACPI_GENERIC_ADDRESS SleepControlRegister;
    ACPI_GENERIC_ADDRESS SleepStatusRegister;
    ULONGLONG HypervisorVendorId;
} ACPI_FADT, *PACPI_FADT;

#define ACPI_FADT_V1_LENGTH 116

/* ACPI 6.5 5.2.9, Fixed ACPI Description Table Fixed Feature Flags. */
#define ACPI_FADT_WBINVD (1U << 0)
#define ACPI_FADT_TMR_VAL_EXT (1U << 8)     /* the PM timer counts 32 bits, not 24 */
#define ACPI_FADT_RESET_REG_SUP (1U << 10)  /* ResetRegister works */
#define ACPI_FADT_HW_REDUCED_ACPI (1U << 20)

/* ACPI 6.5 5.2.9.3, IA-PC Boot Architecture Flags. */
#define ACPI_FADT_BOOT_LEGACY_DEVICES (1U << 0)  /* ISA/LPC devices a driver may probe */
#define ACPI_FADT_BOOT_8042 (1U << 1)            /* a PS/2 keyboard controller */
#define ACPI_FADT_BOOT_NO_VGA (1U << 2)
#define ACPI_FADT_BOOT_NO_MSI (1U << 3)
#define ACPI_FADT_BOOT_NO_ASPM (1U << 4)
#define ACPI_FADT_BOOT_NO_CMOS_RTC (1U << 5)

/* ACPI 6.5 5.2.12, Multiple APIC Description Table (MADT), signature
 * "APIC": the header, two fixed fields, then variable-length interrupt
 * controller structures, each starting with Type and Length. */
#define ACPI_MADT_SIGNATURE "APIC"

typedef struct _ACPI_MADT {
    ACPI_DESCRIPTION_HEADER Header;
    ULONG LocalApicAddress;
    ULONG Flags;                /* ACPI_MADT_PCAT_COMPAT */
} ACPI_MADT, *PACPI_MADT;

/* ACPI 6.5 5.2.12, Multiple APIC Flags: dual 8259s are present
 * and must be masked before the IOAPICs are used. */
#define ACPI_MADT_PCAT_COMPAT (1U << 0)

typedef struct _ACPI_MADT_ENTRY_HEADER {
    UCHAR Type;                 /* ACPI_MADT_TYPE_* */
    UCHAR Length;               /* of the whole entry, these two bytes included */
} ACPI_MADT_ENTRY_HEADER, *PACPI_MADT_ENTRY_HEADER;

/* ACPI 6.5 5.2.12, Interrupt Controller Structure Types. */
#define ACPI_MADT_TYPE_LOCAL_APIC 0x0
#define ACPI_MADT_TYPE_IOAPIC 0x1
#define ACPI_MADT_TYPE_INTERRUPT_OVERRIDE 0x2
#define ACPI_MADT_TYPE_NMI_SOURCE 0x3
#define ACPI_MADT_TYPE_LOCAL_APIC_NMI 0x4
#define ACPI_MADT_TYPE_LOCAL_APIC_OVERRIDE 0x5
#define ACPI_MADT_TYPE_LOCAL_X2APIC 0x9
#define ACPI_MADT_TYPE_LOCAL_X2APIC_NMI 0xA

/* ACPI 6.5 5.2.12.2, Processor Local APIC Structure, and its Local APIC Flags. */
#define ACPI_MADT_LAPIC_ENABLED (1U << 0)
#define ACPI_MADT_LAPIC_ONLINE_CAPABLE (1U << 1)

typedef struct _ACPI_MADT_LOCAL_APIC {
    ACPI_MADT_ENTRY_HEADER Header;
    UCHAR ProcessorUid;
    UCHAR ApicId;
    ULONG Flags;
} ACPI_MADT_LOCAL_APIC;

/* ACPI 6.5 5.2.12.3, I/O APIC Structure. */
typedef struct _ACPI_MADT_IOAPIC {
    ACPI_MADT_ENTRY_HEADER Header;
    UCHAR IoApicId;
    UCHAR Reserved;
    ULONG Address;
    ULONG GsiBase;
} ACPI_MADT_IOAPIC;

/* ACPI 6.5 5.2.12.5, Interrupt Source Override Structure. Flags are the
 * MPS INTI flags below. */
typedef struct _ACPI_MADT_INTERRUPT_OVERRIDE {
    ACPI_MADT_ENTRY_HEADER Header;
    UCHAR Bus;                  /* 0: ISA */
    UCHAR SourceIrq;
    ULONG Gsi;
    USHORT Flags;
} ACPI_MADT_INTERRUPT_OVERRIDE;

/* ACPI 6.5 5.2.12.5, MPS INTI Flags (as in MultiProcessor Spec 1.4, Table 4-10). */
#define ACPI_MPS_POLARITY_MASK 0x3
#define ACPI_MPS_POLARITY_CONFORMS 0x0
#define ACPI_MPS_POLARITY_ACTIVE_HIGH 0x1
#define ACPI_MPS_POLARITY_ACTIVE_LOW 0x3
#define ACPI_MPS_TRIGGER_SHIFT 2
#define ACPI_MPS_TRIGGER_MASK 0x3
#define ACPI_MPS_TRIGGER_CONFORMS 0x0
#define ACPI_MPS_TRIGGER_EDGE 0x1
#define ACPI_MPS_TRIGGER_LEVEL 0x3

/* ACPI 6.5 5.2.12.6, Non-Maskable Interrupt (NMI) Source Structure. */
typedef struct _ACPI_MADT_NMI_SOURCE {
    ACPI_MADT_ENTRY_HEADER Header;
    USHORT Flags;               /* MPS INTI flags */
    ULONG Gsi;
} ACPI_MADT_NMI_SOURCE;

/* ACPI 6.5 5.2.12.7, Local APIC NMI Structure. ProcessorUid 0xFF means
 * every processor. */
#define ACPI_MADT_ALL_PROCESSORS_UID8 0xFF

typedef struct _ACPI_MADT_LOCAL_APIC_NMI {
    ACPI_MADT_ENTRY_HEADER Header;
    UCHAR ProcessorUid;
    USHORT Flags;               /* MPS INTI flags */
    UCHAR Lint;                 /* 0 or 1: LINT0 or LINT1 */
} ACPI_MADT_LOCAL_APIC_NMI;

/* ACPI 6.5 5.2.12.8, Local APIC Address Override Structure: replaces the
 * 32-bit LocalApicAddress of the MADT. */
typedef struct _ACPI_MADT_LOCAL_APIC_OVERRIDE {
    ACPI_MADT_ENTRY_HEADER Header;
    USHORT Reserved;
    ULONGLONG Address;
} ACPI_MADT_LOCAL_APIC_OVERRIDE;

/* ACPI 6.5 5.2.12.12, Processor Local x2APIC Structure. */
typedef struct _ACPI_MADT_LOCAL_X2APIC {
    ACPI_MADT_ENTRY_HEADER Header;
    USHORT Reserved;
    ULONG X2ApicId;
    ULONG Flags;                /* as ACPI_MADT_LAPIC_* */
    ULONG ProcessorUid;
} ACPI_MADT_LOCAL_X2APIC;

/* ACPI 6.5 5.2.12.13, Local x2APIC NMI Structure. ProcessorUid 0xFFFFFFFF
 * means every processor. */
#define ACPI_MADT_ALL_PROCESSORS_UID32 0xFFFFFFFFU

typedef struct _ACPI_MADT_LOCAL_X2APIC_NMI {
    ACPI_MADT_ENTRY_HEADER Header;
    USHORT Flags;               /* MPS INTI flags */
    ULONG ProcessorUid;
    UCHAR Lint;
    UCHAR Reserved[3];
} ACPI_MADT_LOCAL_X2APIC_NMI;

/* IA-PC HPET Specification 1.0a, 3.2.4, "The ACPI 2.0 HPET Description
 * Table (HPET)". EventTimerBlockId mirrors the low half of the HPET's
 * General Capabilities and ID register (2.3.4). */
#define ACPI_HPET_SIGNATURE "HPET"

typedef struct _ACPI_HPET {
    ACPI_DESCRIPTION_HEADER Header;
    ULONG EventTimerBlockId;
    ACPI_GENERIC_ADDRESS BaseAddress;
    UCHAR HpetNumber;
    USHORT MinimumTick;         /* main counter ticks, periodic mode */
    UCHAR PageProtection;
} ACPI_HPET, *PACPI_HPET;

/* Bits of EventTimerBlockId: 12:8 hold the number of the last comparator
 * (the count minus one), 13 says the main counter is 64 bits wide, 15
 * says legacy replacement routing is possible, 31:16 the PCI vendor ID. */
#define ACPI_HPET_LAST_COMPARATOR_SHIFT 8
#define ACPI_HPET_LAST_COMPARATOR_MASK 0x1F
#define ACPI_HPET_COUNTER_64BIT (1U << 13)
#define ACPI_HPET_LEGACY_REPLACEMENT (1U << 15)
#define ACPI_HPET_VENDOR_SHIFT 16

/* PCI Firmware Specification 3.3, 4.1.2, "MCFG Table Description": the
 * header, 8 reserved bytes, then 16-byte allocation entries, one per
 * range of buses with ECAM (memory-mapped configuration space). */
#define ACPI_MCFG_SIGNATURE "MCFG"

typedef struct _ACPI_MCFG {
    ACPI_DESCRIPTION_HEADER Header;
    UCHAR Reserved[8];
} ACPI_MCFG, *PACPI_MCFG;

typedef struct _ACPI_MCFG_ALLOCATION {
    ULONGLONG BaseAddress;      /* ECAM base of bus 0 of this segment */
    USHORT SegmentGroup;
    UCHAR StartBus;
    UCHAR EndBus;
    ULONG Reserved;
} ACPI_MCFG_ALLOCATION, *PACPI_MCFG_ALLOCATION;

#pragma pack(pop)

_Static_assert(sizeof(ACPI_GENERIC_ADDRESS) == 12, "ACPI 6.5 5.2.3.2");
_Static_assert(sizeof(ACPI_RSDP) == 36, "ACPI 6.5 5.2.5.3");
_Static_assert(FIELD_OFFSET(ACPI_RSDP, Length) == ACPI_RSDP_V1_LENGTH, "ACPI 6.5 5.2.5.3");
_Static_assert(sizeof(ACPI_DESCRIPTION_HEADER) == 36, "ACPI 6.5 5.2.6");
_Static_assert(FIELD_OFFSET(ACPI_FADT, ResetRegister) == ACPI_FADT_V1_LENGTH, "ACPI 6.5 5.2.9");
_Static_assert(FIELD_OFFSET(ACPI_FADT, XPmTimerBlock) == 208, "ACPI 6.5 5.2.9");
_Static_assert(sizeof(ACPI_FADT) == 276, "ACPI 6.5 5.2.9");
_Static_assert(sizeof(ACPI_MADT) == 44, "ACPI 6.5 5.2.12");
_Static_assert(sizeof(ACPI_MADT_LOCAL_APIC) == 8, "ACPI 6.5 5.2.12.2");
_Static_assert(sizeof(ACPI_MADT_IOAPIC) == 12, "ACPI 6.5 5.2.12.3");
_Static_assert(sizeof(ACPI_MADT_INTERRUPT_OVERRIDE) == 10, "ACPI 6.5 5.2.12.5");
_Static_assert(sizeof(ACPI_MADT_NMI_SOURCE) == 8, "ACPI 6.5 5.2.12.6");
_Static_assert(sizeof(ACPI_MADT_LOCAL_APIC_NMI) == 6, "ACPI 6.5 5.2.12.7");
_Static_assert(sizeof(ACPI_MADT_LOCAL_APIC_OVERRIDE) == 12, "ACPI 6.5 5.2.12.8");
_Static_assert(sizeof(ACPI_MADT_LOCAL_X2APIC) == 16, "ACPI 6.5 5.2.12.12");
_Static_assert(sizeof(ACPI_MADT_LOCAL_X2APIC_NMI) == 12, "ACPI 6.5 5.2.12.13");
_Static_assert(sizeof(ACPI_HPET) == 56, "IA-PC HPET 1.0a 3.2.4");
_Static_assert(sizeof(ACPI_MCFG) == 44, "PCI Firmware 3.3 4.1.2");
_Static_assert(sizeof(ACPI_MCFG_ALLOCATION) == 16, "PCI Firmware 3.3 4.1.2");

#endif /* KESTREL_HAL_ACPI_H */
