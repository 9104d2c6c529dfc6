/*
 * hal/acpip.h - the HAL's ACPI static-table parser: what it produces and how
 * it is called.
 *
 * The parser is pure logic. It reaches physical memory only through a pair
 * of callbacks (ACPI_PHYSICAL_ACCESS), so the same code runs in the kernel,
 * where the callbacks map physical memory, and on the build machine, where
 * host tests and the fuzzer serve table bytes from a fake physical address
 * space. It never reads a byte outside a table's validated Length, and every
 * fault it finds is reported with one DbgPrint line that names the table
 * and the fault; the table (or the rest of it) is then skipped and parsing
 * goes on with what is sound.
 *
 * The firmware's layouts are in hal/acpi.h; the parsers are hal/acpi.c (RSDP,
 * RSDT/XSDT, the table directory), hal/acpimadt.c, hal/acpifadt.c,
 * hal/acpihpet.c and hal/acpimcfg.c. The kernel's use of them is
 * hal/acpiinit.c (HalpInitializeAcpi) and hal/acpidump.c.
 */
#ifndef KESTREL_HAL_ACPIP_H
#define KESTREL_HAL_ACPIP_H

#include "hal/acpi.h"

/* A table longer than this is taken to be garbage: real static tables are a
 * few KiB, the largest DSDTs a few hundred. */
#define ACPI_MAX_TABLE_LENGTH (1024U * 1024U)

/* An RSDP longer than this is garbage: the ACPI 6.5 structure is 36 bytes. */
#define ACPI_MAX_RSDP_LENGTH 4096U

/*
 * Physical memory access. Map returns a pointer through which Length bytes
 * at PhysicalAddress can be read, or NULL when it cannot (the parser reports
 * that and skips the table). Every successful Map is paired with one Unmap
 * of the same address and length.
 */
typedef PVOID ACPI_MAP_PHYSICAL(PVOID Context, ULONGLONG PhysicalAddress, ULONG Length);
typedef VOID ACPI_UNMAP_PHYSICAL(PVOID Context, PVOID VirtualAddress, ULONG Length);

typedef struct _ACPI_PHYSICAL_ACCESS {
    ACPI_MAP_PHYSICAL *Map;
    ACPI_UNMAP_PHYSICAL *Unmap;
    PVOID Context;
} ACPI_PHYSICAL_ACCESS, *PACPI_PHYSICAL_ACCESS;

/* ---- The table directory (hal/acpi.c) ---- */

#define ACPI_MAX_TABLES 64

/* One table the RSDT or XSDT listed and that passed validation: a
 * signature, a length inside the cap and a zero checksum. */
typedef struct _ACPI_TABLE_DESCRIPTOR {
    ULONGLONG PhysicalAddress;
    ULONG Length;
    UCHAR Revision;
    CHAR Signature[5];          /* NUL-terminated copy */
} ACPI_TABLE_DESCRIPTOR, *PACPI_TABLE_DESCRIPTOR;

typedef struct _ACPI_ROOT {
    ACPI_PHYSICAL_ACCESS Access;
    ULONGLONG RsdpAddress;
    UCHAR RsdpRevision;
    CHAR OemId[7];              /* NUL-terminated copy of the RSDP's */
    BOOLEAN UsingXsdt;          /* FALSE: the tables came from the RSDT */
    ULONGLONG RootTableAddress; /* of the RSDT or XSDT used */
    ULONG RootEntryCount;       /* entries the RSDT/XSDT holds */
    ULONG SkippedCount;         /* entries that were null or led to bad tables */
    ULONG TableCount;
    ACPI_TABLE_DESCRIPTOR Tables[ACPI_MAX_TABLES];
} ACPI_ROOT, *PACPI_ROOT;

/* Sum of Length bytes modulo 256; a sound table sums to zero. */
UCHAR HalpAcpiChecksum(const VOID *Buffer, ULONG Length);

/* Validates the RSDP at RsdpAddress, picks the XSDT (revision 2 and later)
 * or the RSDT, and fills Root->Tables with every sound table they list.
 * STATUS_NOT_FOUND: no RSDP; STATUS_BAD_DATA: neither root table usable. */
NTSTATUS HalpAcpiParseRoot(_Out_ PACPI_ROOT Root, _In_ const ACPI_PHYSICAL_ACCESS *Access,
                           ULONGLONG RsdpAddress);

/* The Instance-th (from 0) directory entry with Signature, or NULL. */
const ACPI_TABLE_DESCRIPTOR *HalpAcpiFindTable(_In_ const ACPI_ROOT *Root,
                                               _In_z_ PCSTR Signature, ULONG Instance);

/* Maps the table at PhysicalAddress whole and validates it again (header,
 * length cap, checksum and, unless NULL, the signature); NULL after a
 * message if it is unsound. Unmap with HalpAcpiUnmapTable. */
const ACPI_DESCRIPTION_HEADER *HalpAcpiMapTable(_In_ const ACPI_PHYSICAL_ACCESS *Access,
                                                ULONGLONG PhysicalAddress,
                                                _In_opt_z_ PCSTR Signature,
                                                _Out_ PULONG Length);
VOID HalpAcpiUnmapTable(_In_ const ACPI_PHYSICAL_ACCESS *Access,
                        _In_ const ACPI_DESCRIPTION_HEADER *Table, ULONG Length);

/* For the per-table parsers: checks that Table's header fits in Available
 * bytes, that its Length is at least MinimumLength and fits too, and
 * returns the Length to parse by. Name is what messages call the table. */
NTSTATUS HalpAcpiCheckTableLength(_In_ const ACPI_DESCRIPTION_HEADER *Table, ULONG Available,
                                  ULONG MinimumLength, _In_z_ PCSTR Name,
                                  _Out_ PULONG Length);

/* Copies a 4-byte signature into Text[5] with unprintable bytes as '?', for
 * messages about tables whose signature is garbage. */
VOID HalpAcpiPrintableSignature(_In_reads_(4) const CHAR *Signature, _Out_writes_(5) PCHAR Text);

/* ---- Interrupt routing (hal/acpimadt.c) ---- */

typedef enum _ACPI_INTERRUPT_POLARITY {
    AcpiActiveHigh = 0,
    AcpiActiveLow = 1,
} ACPI_INTERRUPT_POLARITY;

typedef enum _ACPI_INTERRUPT_TRIGGER {
    AcpiEdgeTriggered = 0,
    AcpiLevelTriggered = 1,
} ACPI_INTERRUPT_TRIGGER;

#define ACPI_MAX_PROCESSORS 64
#define ACPI_MAX_IOAPICS 8
#define ACPI_MAX_OVERRIDES 24
#define ACPI_MAX_NMI_SOURCES 8
#define ACPI_MAX_LOCAL_NMIS 16

typedef struct _ACPI_PROCESSOR {
    ULONG ApicId;               /* local APIC or x2APIC ID */
    ULONG ProcessorUid;
    BOOLEAN Enabled;            /* usable now */
    BOOLEAN OnlineCapable;      /* may be enabled later (hot add) */
    BOOLEAN X2Apic;             /* described by a type 9 entry */
} ACPI_PROCESSOR;

typedef struct _ACPI_IOAPIC {
    UCHAR Id;
    ULONG Address;
    ULONG GsiBase;              /* how many inputs: the IOAPIC's version register */
} ACPI_IOAPIC;

typedef struct _ACPI_INTERRUPT_OVERRIDE {
    UCHAR SourceIrq;            /* ISA IRQ (bus 0; other buses are dropped) */
    ULONG Gsi;
    USHORT Flags;               /* raw MPS INTI flags */
    ACPI_INTERRUPT_POLARITY Polarity;
    ACPI_INTERRUPT_TRIGGER Trigger;
} ACPI_INTERRUPT_OVERRIDE;

typedef struct _ACPI_NMI_SOURCE {
    ULONG Gsi;
    ACPI_INTERRUPT_POLARITY Polarity;
    ACPI_INTERRUPT_TRIGGER Trigger;
} ACPI_NMI_SOURCE;

typedef struct _ACPI_LOCAL_NMI {
    ULONG ProcessorUid;
    BOOLEAN AllProcessors;      /* UID 0xFF (APIC) or 0xFFFFFFFF (x2APIC) */
    UCHAR Lint;                 /* 0 or 1 */
    ACPI_INTERRUPT_POLARITY Polarity;
    ACPI_INTERRUPT_TRIGGER Trigger;
} ACPI_LOCAL_NMI;

typedef struct _ACPI_MADT_INFO {
    ULONGLONG LocalApicAddress; /* after any type 5 override */
    BOOLEAN LocalApicOverridden;
    BOOLEAN PcatCompat;         /* 8259s present: mask them before using IOAPICs */
    BOOLEAN Truncated;          /* a malformed entry stopped the parse */
    ULONG DroppedCount;         /* entries that did not fit in the arrays */
    ULONG UnknownCount;         /* entries of types not used on x86-64 PCs */
    ULONG ProcessorCount;
    ACPI_PROCESSOR Processors[ACPI_MAX_PROCESSORS];
    ULONG IoApicCount;
    ACPI_IOAPIC IoApics[ACPI_MAX_IOAPICS];
    ULONG OverrideCount;
    ACPI_INTERRUPT_OVERRIDE Overrides[ACPI_MAX_OVERRIDES];
    ULONG NmiSourceCount;
    ACPI_NMI_SOURCE NmiSources[ACPI_MAX_NMI_SOURCES];
    ULONG LocalNmiCount;
    ACPI_LOCAL_NMI LocalNmis[ACPI_MAX_LOCAL_NMIS];
} ACPI_MADT_INFO, *PACPI_MADT_INFO;

/* Where an ISA IRQ arrives at the IOAPICs. */
typedef struct _ACPI_INTERRUPT_ROUTE {
    ULONG Gsi;
    ACPI_INTERRUPT_POLARITY Polarity;
    ACPI_INTERRUPT_TRIGGER Trigger;
    BOOLEAN Overridden;         /* an interrupt source override said so */
} ACPI_INTERRUPT_ROUTE, *PACPI_INTERRUPT_ROUTE;

/* Parses a MADT of Available readable bytes (its checksum already checked
 * by HalpAcpiMapTable). A malformed entry stops the parse with a message;
 * what came before it is kept and STATUS_SUCCESS returned with Truncated
 * set. STATUS_BAD_DATA when even the fixed part is unusable. */
NTSTATUS HalpAcpiParseMadt(_In_ const ACPI_DESCRIPTION_HEADER *Table, ULONG Available,
                           _Out_ PACPI_MADT_INFO Madt);

/* ISA IRQ 0-15 -> GSI, polarity and trigger: the override for Irq if there
 * is one, else GSI = Irq, active high, edge (ISA's own signalling).
 * Madt may be NULL (no MADT): the defaults apply. */
NTSTATUS HalpAcpiRouteIsaIrq(_In_opt_ const ACPI_MADT_INFO *Madt, ULONG Irq,
                             _Out_ PACPI_INTERRUPT_ROUTE Route);

/* ---- FADT (hal/acpifadt.c; HalpAcpiRouteSci in hal/acpimadt.c) ---- */

typedef struct _ACPI_FADT_INFO {
    UCHAR Revision;
    ULONG Length;
    USHORT SciInterrupt;
    ULONG Flags;                /* ACPI_FADT_* */
    BOOLEAN BootArchValid;      /* FALSE for ACPI 1.0 tables: assume a legacy PC */
    USHORT BootArch;            /* ACPI_FADT_BOOT_* */
    BOOLEAN PmTimerPresent;
    BOOLEAN PmTimer32Bit;       /* TMR_VAL_EXT */
    ACPI_GENERIC_ADDRESS PmTimer;
    BOOLEAN ResetSupported;
    ACPI_GENERIC_ADDRESS ResetRegister;
    UCHAR ResetValue;
    UCHAR Century;              /* CMOS index, 0 if none */
    ULONGLONG FacsAddress;
    ULONGLONG DsdtAddress;
} ACPI_FADT_INFO, *PACPI_FADT_INFO;

NTSTATUS HalpAcpiParseFadt(_In_ const ACPI_DESCRIPTION_HEADER *Table, ULONG Available,
                           _Out_ PACPI_FADT_INFO Fadt);

/* The SCI's route: FADT.SciInterrupt is an ISA IRQ on a machine with 8259s
 * and is routed like one, except that with no override it is level
 * triggered, active low (ACPI 6.5 5.2.9, SCI_INT). */
NTSTATUS HalpAcpiRouteSci(_In_opt_ const ACPI_MADT_INFO *Madt, _In_ const ACPI_FADT_INFO *Fadt,
                          _Out_ PACPI_INTERRUPT_ROUTE Route);

/* ---- HPET (hal/acpihpet.c) ---- */

typedef struct _ACPI_HPET_INFO {
    ULONGLONG BaseAddress;      /* system memory, checked */
    UCHAR HpetNumber;
    ULONG ComparatorCount;
    BOOLEAN Counter64Bit;
    BOOLEAN LegacyReplacement;
    USHORT VendorId;
    USHORT MinimumTick;
    UCHAR PageProtection;
} ACPI_HPET_INFO, *PACPI_HPET_INFO;

NTSTATUS HalpAcpiParseHpet(_In_ const ACPI_DESCRIPTION_HEADER *Table, ULONG Available,
                           _Out_ PACPI_HPET_INFO Hpet);

/* ---- MCFG (hal/acpimcfg.c) ---- */

#define ACPI_MAX_MCFG_ALLOCATIONS 16

typedef struct _ACPI_ECAM_RANGE {
    ULONGLONG BaseAddress;      /* of bus 0 of the segment, as the spec defines it */
    USHORT Segment;
    UCHAR StartBus;
    UCHAR EndBus;
} ACPI_ECAM_RANGE;

typedef struct _ACPI_MCFG_INFO {
    ULONG AllocationCount;
    ACPI_ECAM_RANGE Allocations[ACPI_MAX_MCFG_ALLOCATIONS];
} ACPI_MCFG_INFO, *PACPI_MCFG_INFO;

NTSTATUS HalpAcpiParseMcfg(_In_ const ACPI_DESCRIPTION_HEADER *Table, ULONG Available,
                           _Out_ PACPI_MCFG_INFO Mcfg);

/* ---- What the kernel found at boot (hal/acpiinit.c) ---- */

typedef struct _HAL_ACPI_INFORMATION {
    BOOLEAN Present;            /* an RSDP and a usable RSDT/XSDT were found */
    BOOLEAN MadtPresent;
    BOOLEAN FadtPresent;
    BOOLEAN HpetPresent;
    BOOLEAN McfgPresent;
    ACPI_ROOT Root;
    ACPI_MADT_INFO Madt;
    ACPI_FADT_INFO Fadt;
    ACPI_HPET_INFO Hpet;
    ACPI_MCFG_INFO Mcfg;
} HAL_ACPI_INFORMATION;

/* Filled by HalpInitializeAcpi; zero (nothing present) until then. */
extern HAL_ACPI_INFORMATION HalpAcpiInformation;

/* The kernel's way to physical memory for the parser: the direct map for
 * RAM, MmMapIoSpace (cached) for the rest. After MmInitSystem. */
extern const ACPI_PHYSICAL_ACCESS HalpAcpiPhysicalAccess;

/* Runs at PASSIVE_LEVEL during phase 0, after MmInitSystem (it maps the
 * tables). Parses the RSDP from KeLoaderBlock and the MADT, FADT, HPET and
 * MCFG into HalpAcpiInformation and prints a summary. Never fails the boot:
 * without ACPI it says so and the HAL uses legacy defaults. With "acpidump"
 * on the command line it also dumps every table (hal/acpidump.c). */
NTSTATUS HalpInitializeAcpi(VOID);

/* Dumps the RSDP, the RSDT/XSDT, every table of the directory and the DSDT
 * as "ACPIDUMP" lines (format in hal/acpidump.c). */
VOID HalpAcpiDumpTables(_In_ const HAL_ACPI_INFORMATION *Information);

#endif /* KESTREL_HAL_ACPIP_H */
