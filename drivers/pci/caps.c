/*
 * drivers/pci/caps.c - the capability list, PCI Local Bus 3.0 6.7: when the
 * Status register's Capabilities List bit is set, the byte at 0x34 (0x14 on
 * a CardBus bridge) points at the first capability, each of which starts
 * with its ID and the pointer to the next; 0 ends the list.
 *
 * The pointers are device data and are not trusted. The spec puts
 * capabilities after the predefined header (at 0x40 or above) with the two
 * low pointer bits reserved; a pointer into the header, or one that comes
 * back to a capability already seen, ends the walk with a message. There
 * are at most 48 dword slots in 0x40-0xFF, so the walk is bounded even
 * without the loop check.
 *
 * Recorded: MSI (6.8.1), MSI-X (6.8.2), PCI Express (PCIe 4.0 7.5.3) with
 * the Physical Slot Number of a port that has a slot, and a bridge's
 * subsystem IDs (PCI-to-PCI Bridge Architecture 1.2, 3.2.5.13: the SSVID
 * capability, since a type 1 header has no subsystem registers).
 */
#include "pci.h"

/* PCI Express Base 4.0, 7.5.3.2 PCI Express Capabilities Register (offset
 * 02h of the capability): Device/Port Type in bits 7:4, Slot Implemented in
 * bit 8, which only a Root Port or a switch's Downstream Port may set.
 * 7.5.3.9 Slot Capabilities Register (offset 14h): Physical Slot Number in
 * bits 31:19, "unique within the chassis", what a user reads on the slot. */
#define PCIE_CAPABILITIES_OFFSET 0x02
#define PCIE_PORT_TYPE(Caps) (((Caps) >> 4) & 0xF)
#define PCIE_PORT_TYPE_ROOT_PORT 0x4
#define PCIE_PORT_TYPE_DOWNSTREAM 0x6
#define PCIE_SLOT_IMPLEMENTED 0x0100
#define PCIE_SLOT_CAPABILITIES_OFFSET 0x14
#define PCIE_PHYSICAL_SLOT_NUMBER(SlotCaps) ((SlotCaps) >> 19)

#define PCI_CAPABILITY_SLOTS ((PCI_CONFIG_SPACE_LENGTH - PCI_COMMON_HDR_LENGTH) / 4)

/* Every routine here runs at PASSIVE_LEVEL (the scan). */

/* PASSIVE_LEVEL. 6.8.1: the messages the function asks for, and how it
 * can address and mask them. */
static VOID
PciReadMsi(const PCI_CONFIG_ACCESS *Access, PPCI_FUNCTION Function, UCHAR Offset)
{
    PCI_MSI_CAPABILITY Capability;
    ULONG Log2Count;

    if (!NT_SUCCESS(PciReadFunctionConfig(Access, Function, Offset, &Capability, 4))) {
        return;
    }
    Log2Count = Capability.MessageControl.MultipleMessageCapable;
    if (Log2Count > 5) {
        DbgPrint("PCI %02x:%02x.%x: MSI asks for 2^%u messages (reserved, 6.8.1.3); taken as "
                 "1\n", Function->Bus, Function->Device, Function->Function, Log2Count);
        Function->ProblemCount++;
        Log2Count = 0;
    }
    Function->Msi.Present = TRUE;
    Function->Msi.CapabilityOffset = Offset;
    Function->Msi.MessageCount = (USHORT)(1U << Log2Count);
    Function->Msi.Address64 = Capability.MessageControl.CapableOf64Bits;
    Function->Msi.PerVectorMasking = Capability.MessageControl.PerVectorMaskCapable;
}

/* Any IRQL. The BAR register BIR names must be an implemented memory BAR. */
static BOOLEAN
PciMsixBirIsMemory(const PCI_FUNCTION *Function, ULONG Bir)
{
    ULONG Index;

    for (Index = 0; Index < Function->BarCount; Index++) {
        const PCI_BAR *Bar = &Function->Bars[Index];

        if (Bar->Index == Bir && Bar->Kind != PciBarIo && Bar->Kind != PciBarRom) {
            return TRUE;
        }
    }
    return FALSE;
}

/* PASSIVE_LEVEL. 6.8.2: the table's size and where its table and PBA are. */
static VOID
PciReadMsix(const PCI_CONFIG_ACCESS *Access, PPCI_FUNCTION Function, UCHAR Offset)
{
    PCI_MSIX_TABLE_CONFIG Capability;
    ULONG TableBir, PbaBir;

    if (Offset + sizeof(Capability) > PCI_CONFIG_SPACE_LENGTH) {
        DbgPrint("PCI %02x:%02x.%x: MSI-X capability at 0x%02x runs past the config space; "
                 "ignored\n", Function->Bus, Function->Device, Function->Function, Offset);
        Function->ProblemCount++;
        return;
    }
    if (!NT_SUCCESS(
            PciReadFunctionConfig(Access, Function, Offset, &Capability, sizeof(Capability)))) {
        return;
    }
    TableBir = Capability.TableOffset & PCI_MSIX_BIR_MASK;
    PbaBir = Capability.PBAOffset & PCI_MSIX_BIR_MASK;
    if (!PciMsixBirIsMemory(Function, TableBir) || !PciMsixBirIsMemory(Function, PbaBir)) {
        DbgPrint("PCI %02x:%02x.%x: MSI-X table (BIR %u) or PBA (BIR %u) is not in an "
                 "implemented memory BAR; MSI-X not offered\n", Function->Bus,
                 Function->Device, Function->Function, TableBir, PbaBir);
        Function->ProblemCount++;
        return;
    }
    Function->MsiX.Present = TRUE;
    Function->MsiX.CapabilityOffset = Offset;
    Function->MsiX.TableSize = (USHORT)((Capability.MessageControl & 0x7FF) + 1);
    Function->MsiX.TableBar = (UCHAR)TableBir;
    Function->MsiX.TableOffset = Capability.TableOffset & PCI_MSIX_OFFSET_MASK;
    Function->MsiX.PbaBar = (UCHAR)PbaBir;
    Function->MsiX.PbaOffset = Capability.PBAOffset & PCI_MSIX_OFFSET_MASK;
}

/* PASSIVE_LEVEL. A Root Port or Downstream Port with a slot below it: the slot's number,
 * which names where the functions on its secondary bus are plugged in. */
static VOID
PciReadExpressSlot(const PCI_CONFIG_ACCESS *Access, PPCI_FUNCTION Function, UCHAR Offset)
{
    USHORT Capabilities;
    ULONG SlotCapabilities;
    ULONG Type;

    Function->PciExpress = TRUE;
    if (Function->HeaderType != PCI_BRIDGE_TYPE ||
        Offset + PCIE_SLOT_CAPABILITIES_OFFSET + sizeof(ULONG) > PCI_CONFIG_SPACE_LENGTH ||
        !NT_SUCCESS(PciReadFunctionConfig(Access, Function, Offset + PCIE_CAPABILITIES_OFFSET,
                                          &Capabilities, sizeof(Capabilities)))) {
        return;
    }
    Type = PCIE_PORT_TYPE(Capabilities);
    if ((Capabilities & PCIE_SLOT_IMPLEMENTED) == 0 ||
        (Type != PCIE_PORT_TYPE_ROOT_PORT && Type != PCIE_PORT_TYPE_DOWNSTREAM)) {
        return;
    }
    if (NT_SUCCESS(PciReadFunctionConfig(Access, Function, Offset + PCIE_SLOT_CAPABILITIES_OFFSET,
                                         &SlotCapabilities, sizeof(SlotCapabilities)))) {
        Function->PhysicalSlotNumber = PCIE_PHYSICAL_SLOT_NUMBER(SlotCapabilities);
    }
}

/* PASSIVE_LEVEL. The SSVID capability: ID, next, reserved (2 bytes),
 * SSVID, SSID. */
static VOID
PciReadBridgeSubsystem(const PCI_CONFIG_ACCESS *Access, PPCI_FUNCTION Function, UCHAR Offset)
{
    USHORT Ids[2];

    if (Function->HeaderType == PCI_BRIDGE_TYPE &&
        NT_SUCCESS(PciReadFunctionConfig(Access, Function, Offset + 4, Ids, sizeof(Ids)))) {
        Function->SubVendorId = Ids[0];
        Function->SubSystemId = Ids[1];
    }
}

/* PASSIVE_LEVEL. */
VOID
PciReadCapabilities(const PCI_CONFIG_ACCESS *Access, PPCI_FUNCTION Function)
{
    BOOLEAN Seen[PCI_CAPABILITY_SLOTS] = {FALSE};
    USHORT Status = 0;
    UCHAR Pointer = 0;
    ULONG PointerOffset;

    if (!NT_SUCCESS(
            PciReadFunctionConfig(Access, Function, PCI_STATUS_OFFSET, &Status, sizeof(Status))) ||
        (Status & PCI_STATUS_CAPABILITIES_LIST) == 0) {
        return;
    }
    PointerOffset = Function->HeaderType == PCI_CARDBUS_BRIDGE_TYPE
                        ? PCI_TYPE2_CAPABILITIES_OFFSET
                        : PCI_CAPABILITIES_OFFSET;
    if (!NT_SUCCESS(PciReadFunctionConfig(Access, Function, PointerOffset, &Pointer, 1))) {
        return;
    }

    for (Pointer &= 0xFC; Pointer != 0;) {
        PCI_CAPABILITIES_HEADER Header;
        ULONG Slot;

        if (Pointer < PCI_COMMON_HDR_LENGTH) {
            DbgPrint("PCI %02x:%02x.%x: capability pointer 0x%02x points into the header; "
                     "list ends there\n", Function->Bus, Function->Device, Function->Function,
                     Pointer);
            Function->ProblemCount++;
            return;
        }
        Slot = (Pointer - PCI_COMMON_HDR_LENGTH) / 4;
        if (Seen[Slot]) {
            DbgPrint("PCI %02x:%02x.%x: capability list loops back to 0x%02x; list ends there\n",
                     Function->Bus, Function->Device, Function->Function, Pointer);
            Function->ProblemCount++;
            return;
        }
        Seen[Slot] = TRUE;
        if (!NT_SUCCESS(
                PciReadFunctionConfig(Access, Function, Pointer, &Header, sizeof(Header)))) {
            return;
        }
        Function->CapabilityCount++;
        switch (Header.CapabilityID) {
        case PCI_CAPABILITY_ID_MSI:
            PciReadMsi(Access, Function, Pointer);
            break;
        case PCI_CAPABILITY_ID_MSIX:
            PciReadMsix(Access, Function, Pointer);
            break;
        case PCI_CAPABILITY_ID_PCI_EXPRESS:
            PciReadExpressSlot(Access, Function, Pointer);
            break;
        case PCI_CAPABILITY_ID_P2P_SSID:
            PciReadBridgeSubsystem(Access, Function, Pointer);
            break;
        default:
            break;
        }
        Pointer = Header.Next & 0xFC;
    }
}
