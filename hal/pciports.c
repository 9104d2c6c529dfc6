/*
 * hal/pciports.c - PCI configuration mechanism #1: the CONFIG_ADDRESS port
 * 0xCF8 selects a function's dword, the CONFIG_DATA port 0xCFC-0xCFF moves
 * it. PCI Local Bus Specification 3.0, 3.2.2.3.2.
 *
 * The pair of port accesses is not atomic, so every access holds one spin
 * lock at HIGH_LEVEL: an interrupt service routine on this processor that
 * also reads config space must not slip in between the two.
 */
#include "hal/pcip.h"

/* CONFIG_ADDRESS (PCI 3.0 Figure 3-2): bit 31 enable, 23:16 bus, 15:11
 * device, 10:8 function, 7:2 register (dword) number, 1:0 zero. */
#define PCI_CONFIG_ADDRESS_PORT 0xCF8
#define PCI_CONFIG_DATA_PORT 0xCFC
#define PCI_CONFIG_ENABLE 0x80000000U

static KSPIN_LOCK HalpPciPortsLock;

static ULONG
HalpPciPortsAddress(UCHAR Bus, UCHAR Device, UCHAR Function, ULONG Offset)
{
    return PCI_CONFIG_ENABLE | ((ULONG)Bus << 16) | ((ULONG)Device << 11) |
           ((ULONG)Function << 8) | (Offset & 0xFC);
}

/* PASSIVE_LEVEL, once at boot. A host bridge that implements mechanism #1
 * keeps the enable bit written to CONFIG_ADDRESS when read back as a dword;
 * without one the port floats (all ones) or drops the bit. */
BOOLEAN
HalpPciPortsPresent(VOID)
{
    ULONG Saved, Readback;
    KIRQL OldIrql;

    KeRaiseIrql(HIGH_LEVEL, &OldIrql);
    KeAcquireSpinLockAtDpcLevel(&HalpPciPortsLock);
    Saved = READ_PORT_ULONG((PULONG)PCI_CONFIG_ADDRESS_PORT);
    WRITE_PORT_ULONG((PULONG)PCI_CONFIG_ADDRESS_PORT, PCI_CONFIG_ENABLE);
    Readback = READ_PORT_ULONG((PULONG)PCI_CONFIG_ADDRESS_PORT);
    WRITE_PORT_ULONG((PULONG)PCI_CONFIG_ADDRESS_PORT, Saved);
    KeReleaseSpinLockFromDpcLevel(&HalpPciPortsLock);
    KeLowerIrql(OldIrql);
    return Readback == PCI_CONFIG_ENABLE;
}

/* Any IRQL <= HIGH_LEVEL; takes the ports lock at HIGH_LEVEL. */
ULONG
HalpPciPortsRead(UCHAR Bus, UCHAR Device, UCHAR Function, ULONG Offset, ULONG Width)
{
    USHORT DataPort = (USHORT)(PCI_CONFIG_DATA_PORT + (Offset & 3));
    ULONG Value;
    KIRQL OldIrql;

    KeRaiseIrql(HIGH_LEVEL, &OldIrql);
    KeAcquireSpinLockAtDpcLevel(&HalpPciPortsLock);
    WRITE_PORT_ULONG((PULONG)PCI_CONFIG_ADDRESS_PORT,
                     HalpPciPortsAddress(Bus, Device, Function, Offset));
    switch (Width) {
    case 1:
        Value = READ_PORT_UCHAR((PUCHAR)(ULONG_PTR)DataPort);
        break;
    case 2:
        Value = READ_PORT_USHORT((PUSHORT)(ULONG_PTR)DataPort);
        break;
    default:
        Value = READ_PORT_ULONG((PULONG)(ULONG_PTR)DataPort);
        break;
    }
    KeReleaseSpinLockFromDpcLevel(&HalpPciPortsLock);
    KeLowerIrql(OldIrql);
    return Value;
}

/* Any IRQL <= HIGH_LEVEL; takes the ports lock at HIGH_LEVEL. */
VOID
HalpPciPortsWrite(UCHAR Bus, UCHAR Device, UCHAR Function, ULONG Offset, ULONG Width,
                  ULONG Value)
{
    USHORT DataPort = (USHORT)(PCI_CONFIG_DATA_PORT + (Offset & 3));
    KIRQL OldIrql;

    KeRaiseIrql(HIGH_LEVEL, &OldIrql);
    KeAcquireSpinLockAtDpcLevel(&HalpPciPortsLock);
    WRITE_PORT_ULONG((PULONG)PCI_CONFIG_ADDRESS_PORT,
                     HalpPciPortsAddress(Bus, Device, Function, Offset));
    switch (Width) {
    case 1:
        WRITE_PORT_UCHAR((PUCHAR)(ULONG_PTR)DataPort, (UCHAR)Value);
        break;
    case 2:
        WRITE_PORT_USHORT((PUSHORT)(ULONG_PTR)DataPort, (USHORT)Value);
        break;
    default:
        WRITE_PORT_ULONG((PULONG)(ULONG_PTR)DataPort, Value);
        break;
    }
    KeReleaseSpinLockFromDpcLevel(&HalpPciPortsLock);
    KeLowerIrql(OldIrql);
}
