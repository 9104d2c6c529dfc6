/*
 * hal/pcip.h - the HAL's PCI configuration-space access, private to the
 * kernel. Drivers use HalGetBusDataByOffset/HalSetBusDataByOffset (ddk/pci.h)
 * or, later, their bus driver's BUS_INTERFACE_STANDARD.
 *
 * Two mechanisms sit behind one interface (hal/pciconfig.c):
 *   ECAM (hal/pciecam.c): PCI Express's memory-mapped configuration space,
 *     4 KiB per function, where the ACPI MCFG says (PCI Firmware 3.3 4.1.2,
 *     PCIe 4.0 7.2.2). Each bus's 1 MiB window is mapped the first time the
 *     bus is touched. Used on q35.
 *   Configuration mechanism #1 (hal/pciports.c): the 0xCF8 address and
 *     0xCFC data ports, 256 bytes per function (PCI Local Bus 3.0 3.2.2.3.2).
 *     Used on pc, when there is no MCFG, and for segment 0 buses outside the
 *     MCFG's range.
 */
#ifndef KESTREL_HAL_PCIP_H
#define KESTREL_HAL_PCIP_H

#include <wdm.h>

typedef enum _HAL_PCI_MECHANISM {
    HalPciMechanismNone = 0,
    HalPciMechanismPorts,       /* 0xCF8/0xCFC */
    HalPciMechanismEcam,        /* MCFG, with the ports for buses outside it */
} HAL_PCI_MECHANISM;

/* Runs once at PASSIVE_LEVEL after HalpInitializeAcpi: picks ECAM when the
 * MCFG describes segment 0, checks that the ports answer, prints which is
 * used. Never fails the boot: without either, every access fails with a
 * message. */
VOID HalpInitializePciConfig(VOID);

HAL_PCI_MECHANISM HalpPciMechanism(VOID);

/*
 * Reads or writes Length bytes at Offset of a function's configuration
 * space with naturally aligned 1, 2 and 4-byte accesses. The range must lie
 * in the function's space: 256 bytes through the ports, 4096 through ECAM.
 * STATUS_INVALID_PARAMETER (with a message naming what is wrong) for a bad
 * device, function, range or bus; STATUS_NOT_SUPPORTED when no mechanism
 * reaches the bus. A read of an absent function returns all ones, as the
 * hardware does. IRQL <= DISPATCH_LEVEL.
 */
NTSTATUS HalpPciReadConfig(USHORT Segment, UCHAR Bus, UCHAR Device, UCHAR Function,
                           ULONG Offset, _Out_writes_bytes_(Length) PVOID Buffer, ULONG Length);
NTSTATUS HalpPciWriteConfig(USHORT Segment, UCHAR Bus, UCHAR Device, UCHAR Function,
                            ULONG Offset, _In_reads_bytes_(Length) const VOID *Buffer,
                            ULONG Length);

/* The config space size a function has through the mechanism that reaches
 * it (256 or 4096), or 0 when nothing reaches it. */
ULONG HalpPciConfigSpaceLength(USHORT Segment, UCHAR Bus);

/* ---- The mechanisms (one naturally aligned access each) ---- */

/* hal/pciports.c. Offset < 256, aligned to Width (1, 2 or 4). */
BOOLEAN HalpPciPortsPresent(VOID);
ULONG HalpPciPortsRead(UCHAR Bus, UCHAR Device, UCHAR Function, ULONG Offset, ULONG Width);
VOID HalpPciPortsWrite(UCHAR Bus, UCHAR Device, UCHAR Function, ULONG Offset, ULONG Width,
                       ULONG Value);

/* hal/pciecam.c. The register's virtual address, mapping the bus's window
 * first if needed; NULL when no MCFG range holds the bus or the mapping
 * failed (with a message, once per bus). */
BOOLEAN HalpPciEcamCovers(USHORT Segment, UCHAR Bus);
volatile VOID *HalpPciEcamAddress(USHORT Segment, UCHAR Bus, UCHAR Device, UCHAR Function,
                                  ULONG Offset);

#endif /* KESTREL_HAL_PCIP_H */
