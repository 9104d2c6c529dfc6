/*
 * io/pnprootprobe.c - which platform devices the root enumerator reports:
 * at boot it looks for them and adds a root PDO (io/pnproot.c) for each.
 *
 * It probes the four standard PC serial ports. A 16550 (National
 * Semiconductor PC16550D data sheet, section 8.10) has a scratch register
 * at base + 7 that keeps whatever is written to it; a missing UART reads
 * back the floating bus (0xFF) instead, and its line status register at
 * base + 5 (section 8.4) reads 0xFF too. A port that passes both becomes a
 * PDO with device ID Root\*PNP0501 (the PnP ID of a 16550A-compatible
 * port), hardware IDs Root\*PNP0501 and *PNP0501 and compatible ID
 * *PNP0500 (a standard PC COM port), the way ACPI would report it as
 * ACPI\PNP0501 and *PNP0501; its instance ID is its index among the
 * standard ports (COM1 = 0), so COM2 is Root\*PNP0501\1. Its boot
 * configuration is its 8 ports and its ISA IRQ (COM1/COM3 IRQ 4, COM2/COM4
 * IRQ 3), edge or level as the MADT's interrupt source overrides say.
 *
 * The port the kernel writes its debug output to is never given to a
 * driver: it is reported as Root\KdCom, which no driver serves and which
 * is started raw (capabilities RawDeviceOK), so that its ports count as
 * taken and the dump shows who owns them.
 *
 * When the HAL reaches PCI configuration space, the root also reports the
 * PCI root bus, as ACPI's enumerator reports the host bridge's _HID on
 * Windows (Kestrel has no AML interpreter to read the DSDT): with ECAM (an
 * MCFG, so a PCI Express root complex, q35) ACPI\PNP0A08 and *PNP0A08 with
 * compatible ID *PNP0A03; with the 0xCF8 ports only (pc) ACPI\PNP0A03 and
 * *PNP0A03. It has no resources: the bus driver (drivers/pci) reaches
 * config space through the HAL and keeps the firmware's windows.
 */
#include "io/pnproot.h"
#include "hal/halp.h"
#include "hal/acpip.h"
#include "hal/pcip.h"

/* PASSIVE_LEVEL, at boot. The scratch-register and line-status test. */
static BOOLEAN
IopProbeUart(USHORT Base)
{
    PUCHAR Scratch = (PUCHAR)(ULONG_PTR)(Base + 7);
    UCHAR Saved = READ_PORT_UCHAR(Scratch);
    BOOLEAN Found;

    WRITE_PORT_UCHAR(Scratch, 0x55);
    Found = READ_PORT_UCHAR(Scratch) == 0x55;
    WRITE_PORT_UCHAR(Scratch, 0xAA);
    Found = Found && READ_PORT_UCHAR(Scratch) == 0xAA;
    WRITE_PORT_UCHAR(Scratch, Saved);
    return Found && READ_PORT_UCHAR((PUCHAR)(ULONG_PTR)(Base + 5)) != 0xFF;
}

/* PASSIVE_LEVEL, at boot. */
VOID
IopRootFindSerialPorts(VOID)
{
    static const struct { USHORT Base; UCHAR Irq; } Ports[] = {
        {0x3F8, 4}, {0x2F8, 3}, {0x3E8, 4}, {0x2E8, 3},
    };
    ACPI_INTERRUPT_ROUTE Route;
    PIOP_ROOT_PDO Ext;
    CHAR Instance[4];
    ULONG Index;

    for (Index = 0; Index < RTL_NUMBER_OF(Ports); Index++) {
        Instance[0] = (CHAR)('0' + Index);
        Instance[1] = '\0';
        if (Ports[Index].Base == HalpDebugPortBase()) {
            DbgPrint("PnP: COM%u (0x%x) carries the kernel's debug output; reported as "
                     "Root\\KdCom, not given to a driver\n", Index + 1, Ports[Index].Base);
            if (NT_SUCCESS(IopRootAddPdo("Root\\KdCom", Instance, "Root\\KdCom", "", &Ext))) {
                Ext->DebuggerPort = TRUE;
                Ext->Description = "Kernel debugger port";
                Ext->PortBase = Ports[Index].Base;
                Ext->UINumber = Index + 1;
            }
            continue;
        }
        if (!IopProbeUart(Ports[Index].Base)) {
            continue;
        }
        if (!NT_SUCCESS(IopRootAddPdo("Root\\*PNP0501", Instance, "Root\\*PNP0501|*PNP0501",
                                      "*PNP0500", &Ext))) {
            continue;
        }
        Ext->Description = "Communications Port";
        Ext->PortBase = Ports[Index].Base;
        Ext->Irq = Ports[Index].Irq;
        Ext->UINumber = Index + 1;
        HalpAcpiRouteIsaIrq(HalpAcpiInformation.MadtPresent ? &HalpAcpiInformation.Madt : NULL,
                            Ext->Irq, &Route);
        Ext->IrqFlags = Route.Trigger == AcpiLevelTriggered ? CM_RESOURCE_INTERRUPT_LEVEL_SENSITIVE
                                                            : CM_RESOURCE_INTERRUPT_LATCHED;
    }
}

/* PASSIVE_LEVEL, at boot. The PCI root bus, when config space answers. */
VOID
IopRootFindPciRootBus(VOID)
{
    PIOP_ROOT_PDO Ext;

    switch (HalpPciMechanism()) {
    case HalPciMechanismEcam:
        if (NT_SUCCESS(IopRootAddPdo("ACPI\\PNP0A08", "0", "ACPI\\PNP0A08|*PNP0A08", "*PNP0A03",
                                     &Ext))) {
            Ext->Description = "PCI Express Root Complex";
        }
        break;
    case HalPciMechanismPorts:
        if (NT_SUCCESS(IopRootAddPdo("ACPI\\PNP0A03", "0", "ACPI\\PNP0A03|*PNP0A03", "", &Ext))) {
            Ext->Description = "PCI Bus";
        }
        break;
    default:
        DbgPrint("PnP: no PCI configuration access; no PCI root bus reported\n");
        break;
    }
}
