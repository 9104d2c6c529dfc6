/*
 * drivers/pci/list.c - a PCI function in words, as lspci -v prints it: its
 * address, IDs, class, BARs with their sizes, interrupt and MSI/MSI-X.
 * Class names are from the PCI Code and ID Assignment Specification 1.11.
 */
#include "pci.h"

typedef struct _PCI_CLASS_NAME {
    UCHAR BaseClass;
    UCHAR SubClass;             /* 0xFF: any subclass */
    PCSTR Name;
} PCI_CLASS_NAME;

static const PCI_CLASS_NAME PciClassNames[] = {
    {0x01, 0x01, "IDE controller"},
    {0x01, 0x06, "SATA controller"},
    {0x01, 0x08, "Non-volatile memory controller"},
    {0x01, 0xFF, "Mass storage controller"},
    {0x02, 0x00, "Ethernet controller"},
    {0x02, 0xFF, "Network controller"},
    {0x03, 0x00, "VGA compatible controller"},
    {0x03, 0xFF, "Display controller"},
    {0x04, 0xFF, "Multimedia controller"},
    {0x05, 0xFF, "Memory controller"},
    {0x06, 0x00, "Host bridge"},
    {0x06, 0x01, "ISA bridge"},
    {0x06, 0x04, "PCI bridge"},
    {0x06, 0x07, "CardBus bridge"},
    {0x06, 0xFF, "Bridge"},
    {0x07, 0x00, "Serial controller"},
    {0x07, 0xFF, "Communication controller"},
    {0x08, 0xFF, "System peripheral"},
    {0x09, 0xFF, "Input device controller"},
    {0x0A, 0xFF, "Docking station"},
    {0x0B, 0xFF, "Processor"},
    {0x0C, 0x03, "USB controller"},
    {0x0C, 0x05, "SMBus"},
    {0x0C, 0xFF, "Serial bus controller"},
    {0x0D, 0xFF, "Wireless controller"},
    {0x0E, 0xFF, "Intelligent controller"},
    {0x0F, 0xFF, "Satellite communications controller"},
    {0x10, 0xFF, "Encryption controller"},
    {0x11, 0xFF, "Signal processing controller"},
    {0x12, 0xFF, "Processing accelerator"},
    {0x00, 0xFF, "Unclassified device"},
};

/* Any IRQL. */
PCSTR
PciClassName(UCHAR BaseClass, UCHAR SubClass)
{
    ULONG Index;

    for (Index = 0; Index < ARRAYSIZE(PciClassNames); Index++) {
        const PCI_CLASS_NAME *Entry = &PciClassNames[Index];

        if (Entry->BaseClass == BaseClass && (Entry->SubClass == SubClass ||
                                              Entry->SubClass == 0xFF)) {
            return Entry->Name;
        }
    }
    return "Unassigned class";
}

static PCSTR
PciBarKindName(const PCI_BAR *Bar)
{
    switch (Bar->Kind) {
    case PciBarIo:
        return "I/O";
    case PciBarMemory32:
        return Bar->Prefetchable ? "memory32 prefetchable" : "memory32";
    case PciBarMemory64:
        return Bar->Prefetchable ? "memory64 prefetchable" : "memory64";
    case PciBarMemoryBelow1M:
        return "memory below 1M";
    default:
        return "?";
    }
}

/* Any IRQL at which DbgPrint works. */
VOID
PciPrintFunction(const PCI_FUNCTION *Function)
{
    static const CHAR PinNames[] = "-ABCD";
    ULONG Index;

    DbgPrint("PCI %02x:%02x.%x %04x:%04x rev %02x class %02x%02x%02x %s, subsystem %04x:%04x",
             Function->Bus, Function->Device, Function->Function, Function->VendorId,
             Function->DeviceId, Function->RevisionId, Function->BaseClass, Function->SubClass,
             Function->ProgIf, PciClassName(Function->BaseClass, Function->SubClass),
             Function->SubVendorId, Function->SubSystemId);
    if (Function->InterruptPin != 0) {
        DbgPrint(", IRQ %u pin %c", Function->InterruptLine, PinNames[Function->InterruptPin]);
    }
    DbgPrint("%s\n", Function->PciExpress ? ", PCI Express" : "");
    if (Function->HeaderType != PCI_DEVICE_TYPE) {
        DbgPrint("    bridge: secondary bus %u, subordinate bus %u\n", Function->SecondaryBus,
                 Function->SubordinateBus);
    }
    for (Index = 0; Index < Function->BarCount; Index++) {
        const PCI_BAR *Bar = &Function->Bars[Index];

        if (Bar->Kind == PciBarRom) {
            DbgPrint("    ROM at 0x%llx size 0x%llx (%s)\n", Bar->Address, Bar->Length,
                     Bar->RomEnabled ? "enabled" : "disabled");
        } else {
            DbgPrint("    BAR%u %s at 0x%llx size 0x%llx\n", Bar->Index, PciBarKindName(Bar),
                     Bar->Address, Bar->Length);
        }
    }
    if (Function->Msi.Present) {
        DbgPrint("    MSI: %u message(s)%s%s\n", Function->Msi.MessageCount,
                 Function->Msi.Address64 ? ", 64-bit" : "",
                 Function->Msi.PerVectorMasking ? ", per-vector masking" : "");
    }
    if (Function->MsiX.Present) {
        DbgPrint("    MSI-X: %u entries, table BAR%u+0x%x, PBA BAR%u+0x%x\n",
                 Function->MsiX.TableSize, Function->MsiX.TableBar, Function->MsiX.TableOffset,
                 Function->MsiX.PbaBar, Function->MsiX.PbaOffset);
    }
}
