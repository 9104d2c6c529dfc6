/*
 * tests/kernel/pcibustree.c - the PCI bus hierarchy in the PnP tree: every
 * PCI-to-PCI bridge's PDO gets \Driver\Pci as its function driver, whose
 * FDO enumerates the bridge's secondary bus, so a function behind a bridge
 * is that bridge's child (drivers/pci/pnp.c). Checked here: the harness's
 * PCI 16550 sits under the bridge under the root bus, with IDs, bus number,
 * address and slot number right for where it is; a bus refuses to stop; and
 * removing a bridge removes what is behind it first, after which the bus
 * comes back when it is enumerated again.
 */
#include "tests/kernel/pcibustest.h"
#include "drivers/serial/serial.h"

/* A config read of Length bytes; 0xFF... when it fails. */
static ULONG
KtPciRead(ULONG Bus, ULONG Address, ULONG Offset, ULONG Length)
{
    PCI_SLOT_NUMBER Slot = {.u.AsULONG = 0};
    ULONG Value = 0;

    Slot.u.bits.DeviceNumber = Address >> 16;
    Slot.u.bits.FunctionNumber = Address & 0xFFFF;
    if (HalGetBusDataByOffset(PCIConfiguration, Bus, Slot.u.AsULONG, &Value, Offset, Length) !=
        Length) {
        return MAXULONG;
    }
    return Value;
}

/* The slot number the functions behind the bridge at (Bus, Address) sit
 * in, found the way a user would read the spec: the bridge's PCI Express
 * capability (ID 10h) says Root Port (4) or Downstream Port (6) with Slot
 * Implemented (bit 8), and Slot Capabilities bits 31:19 hold the Physical
 * Slot Number (PCIe 4.0 7.5.3.2, 7.5.3.9). MAXULONG otherwise. */
static ULONG
KtPciExpectedSlot(ULONG Bus, ULONG Address)
{
    ULONG Pointer, Walked, Capabilities, Type;

    if ((KtPciRead(Bus, Address, 0x06, 2) & 0x10) == 0) {
        return MAXULONG;
    }
    Pointer = KtPciRead(Bus, Address, 0x34, 1) & 0xFC;
    for (Walked = 0; Pointer >= 0x40 && Walked < 48; Walked++) {
        if (KtPciRead(Bus, Address, Pointer, 1) == 0x10) {
            Capabilities = KtPciRead(Bus, Address, Pointer + 2, 2);
            Type = (Capabilities >> 4) & 0xF;
            if ((Capabilities & 0x100) == 0 || (Type != 4 && Type != 6)) {
                return MAXULONG;
            }
            return KtPciRead(Bus, Address, Pointer + 0x14, 4) >> 19;
        }
        Pointer = KtPciRead(Bus, Address, Pointer + 1, 1) & 0xFC;
    }
    return MAXULONG;
}

/* The serial card under the bridge under the root bus: each node's parent,
 * each stack, and the card's identity there (instance ID, bus information,
 * address and slot number, as capabilities and as device properties). */
KTEST(PciBusTreeFollowsBridges)
{
    PDEVICE_NODE Root = KtPciRootNode(), Card = KtPciSerialCard(), Bridge;
    PPCI_FDO_EXTENSION BridgeFdo;
    ULONG BridgeBus = 0, BridgeAddress = 0, Bus = 0, Address = 0, Value = 0, Length = 0;
    WCHAR Instance[12];
    PWSTR Id = NULL;
    NTSTATUS Status;

    KT_ASSERT(Root != NULL);
    if (Card == NULL) {
        DbgPrint("PCI: no PCI 16550 on this machine; only the harness's pci boots have one\n");
        return;
    }
    Bridge = Card->Parent;
    KT_ASSERT(Bridge != NULL && Bridge != Root);
    KT_ASSERT(Bridge->Parent == Root);
    KT_ASSERT(IopMultiSzContains(Bridge->CompatibleIds, L"PCI\\CC_0604"));
    KT_ASSERT_EQ(Bridge->State, DeviceNodeStarted);
    KT_ASSERT_EQ(Bridge->Problem, 0);
    /* The bridge's stack: \Driver\Pci's FDO for the bus on its own PDO. */
    KT_ASSERT(KtPciDriverIs(Bridge->PhysicalDeviceObject, L"\\Driver\\Pci"));
    KT_ASSERT(KtPciDriverIs(Bridge->PhysicalDeviceObject->AttachedDevice, L"\\Driver\\Pci"));
    BridgeFdo = Bridge->PhysicalDeviceObject->AttachedDevice->DeviceExtension;
    KT_ASSERT(BridgeFdo->Common.IsFdo);
    KT_ASSERT_EQ(Card->State, DeviceNodeStarted);
    KT_ASSERT(KtPciDriverIs(Card->PhysicalDeviceObject->AttachedDevice, L"\\Driver\\Serial"));

    /* The bridge's FDO serves the bus its Secondary Bus Number register
     * names (offset 19h), and the card says it is on that bus. */
    KT_ASSERT_STATUS(KtPciLocate(Bridge->PhysicalDeviceObject, &BridgeBus, &BridgeAddress),
                     STATUS_SUCCESS);
    KT_ASSERT_EQ(BridgeBus, 0);
    KT_ASSERT_STATUS(KtPciLocate(Card->PhysicalDeviceObject, &Bus, &Address), STATUS_SUCCESS);
    KT_ASSERT_EQ(KtPciRead(BridgeBus, BridgeAddress, 0x19, 1), Bus);
    KT_ASSERT_EQ(BridgeFdo->BusNumber, Bus);
    KT_ASSERT(Bus != 0);
    KT_ASSERT_EQ(KtPciRead(Bus, Address, 0, 2), 0x1B36);       /* QEMU's pci-serial */

    /* Instance ID: bus&device&function in hex, unique in the machine. */
    RtlZeroMemory(Instance, sizeof(Instance));
    Instance[0] = L"0123456789ABCDEF"[Bus >> 4];
    Instance[1] = L"0123456789ABCDEF"[Bus & 0xF];
    Instance[2] = L'&';
    Instance[3] = L"0123456789ABCDEF"[(Address >> 16) >> 4];
    Instance[4] = L"0123456789ABCDEF"[(Address >> 16) & 0xF];
    Instance[5] = L'&';
    Instance[6] = L"0123456789ABCDEF"[Address & 0x7];
    KT_ASSERT_STATUS(IopQueryId(Card->PhysicalDeviceObject, BusQueryInstanceID, &Id),
                     STATUS_SUCCESS);
    KT_ASSERT(Id != NULL && KtPciStringsEqual(Id, Instance));
    ExFreePool(Id);
    KT_ASSERT(KtPciStringsEqual(Card->InstanceId, Instance));
    KT_ASSERT(Card->Capabilities.UniqueID);

    /* The properties a driver asks IoGetDeviceProperty for. */
    KT_ASSERT_STATUS(IoGetDeviceProperty(Card->PhysicalDeviceObject, DevicePropertyBusNumber,
                                         sizeof(Value), &Value, &Length), STATUS_SUCCESS);
    KT_ASSERT_EQ(Value, Bus);
    KT_ASSERT_STATUS(IoGetDeviceProperty(Card->PhysicalDeviceObject, DevicePropertyAddress,
                                         sizeof(Value), &Value, &Length), STATUS_SUCCESS);
    KT_ASSERT_EQ(Value, Address);
    KT_ASSERT_EQ(Card->Capabilities.UINumber, KtPciExpectedSlot(BridgeBus, BridgeAddress));
    Status = IoGetDeviceProperty(Card->PhysicalDeviceObject, DevicePropertyUINumber,
                                 sizeof(Value), &Value, &Length);
    if (Card->Capabilities.UINumber == MAXULONG) {
        KT_ASSERT_STATUS(Status, STATUS_OBJECT_NAME_NOT_FOUND);
    } else {
        KT_ASSERT_STATUS(Status, STATUS_SUCCESS);
        KT_ASSERT_EQ(Value, Card->Capabilities.UINumber);
    }
    DbgPrint("PCI: tree: %wZ > %wZ (bus %u) > %wZ at %02x:%02x.%x\n", &Root->InstancePath,
             &Bridge->InstancePath, BridgeFdo->BusNumber, &Card->InstancePath, Bus,
             Address >> 16, Address & 0xFFFF);
}

/* Every PCI function's UINumber: its slot when the PCI Express port above
 * it has one, else MAXULONG ("unknown", WDK DEVICE_CAPABILITIES). */
KTEST(PciBusSlotNumbersFromPorts)
{
    PDEVICE_NODE Root = KtPciRootNode(), Node;
    ULONG Checked = 0;

    KT_ASSERT(Root != NULL);
    for (Node = Root->Child; Node != NULL && Node->Level > Root->Level;
         Node = IopNextDeviceNode(Node)) {
        ULONG Expected = MAXULONG, Bus, Address;

        if (Node->Parent != Root) {
            KT_ASSERT_STATUS(KtPciLocate(Node->Parent->PhysicalDeviceObject, &Bus, &Address),
                             STATUS_SUCCESS);
            Expected = KtPciExpectedSlot(Bus, Address);
        }
        if (Node->Capabilities.UINumber != Expected) {
            DbgPrint("FAIL: %wZ: UINumber 0x%x, its port says 0x%x\n", &Node->InstancePath,
                     Node->Capabilities.UINumber, Expected);
        }
        KT_ASSERT_EQ(Node->Capabilities.UINumber, Expected);
        if (Expected != MAXULONG) {
            DbgPrint("PCI: %wZ is in slot %u\n", &Node->InstancePath, Expected);
        }
        Checked++;
    }
    KT_ASSERT(Checked >= 3);
}

/*
 * A bus with a started function behind it: QUERY_STOP is refused (the
 * bridge's windows and numbers are the firmware's) and cancelled, and
 * nothing stops; a removal is vetoed while the card is open; then the
 * removal goes children first (the bridge's FDO finds none of its
 * functions still started), and the bridge's FDO and its PDOs go. A new
 * enumeration of the root bus brings the bridge, its bus and the card back
 * (\Driver\Serial starts it again), as when a removed device is enabled.
 */
KTEST(PciBusBridgeRefusesStopAndGoesAfterChildren)
{
    PDEVICE_NODE Root = KtPciRootNode(), Card = KtPciSerialCard(), Bridge;
    PDEVICE_OBJECT BridgePdo, BridgeFdoObject, CardPdo;
    PPCI_FDO_EXTENSION BridgeFdo;
    PPCI_PDO_EXTENSION CardPdoExtension;
    PSERIAL_DEVICE_EXTENSION Serial;
    OBJECT_ATTRIBUTES Attributes;
    IO_STATUS_BLOCK IoStatus;
    HANDLE File = NULL;
    UNICODE_STRING BridgePath;
    WCHAR PathBuffer[128];
    ULONG StartedAtRemove, BridgeState;
    BOOLEAN CardStarted, FdoDetached, SerialDetached, ChildlessBridge;
    NTSTATUS Status;
    ULONG_PTR Written;

    KT_ASSERT(Root != NULL);
    if (Card == NULL || Card->State != DeviceNodeStarted) {
        DbgPrint("PCI: no started PCI 16550 on this machine; only the harness's pci boots have "
                 "one\n");
        return;
    }
    Bridge = Card->Parent;
    KT_ASSERT(Bridge != Root && Bridge->State == DeviceNodeStarted);
    BridgePdo = Bridge->PhysicalDeviceObject;
    BridgeFdoObject = BridgePdo->AttachedDevice;
    BridgeFdo = BridgeFdoObject->DeviceExtension;
    CardPdo = Card->PhysicalDeviceObject;
    CardPdoExtension = CardPdo->DeviceExtension;

    /* Stop: refused by the bus, cancelled; card and bridge go on. */
    IopAcquirePnpTreeLock();
    Status = IopRequestDeviceStop(Bridge);
    IopReleasePnpTreeLock();
    KT_ASSERT_STATUS(Status, STATUS_UNSUCCESSFUL);
    KT_ASSERT_EQ(Bridge->State, DeviceNodeStarted);
    KT_ASSERT_EQ(Card->State, DeviceNodeStarted);
    KT_ASSERT(BridgeFdo->Started && CardPdoExtension->Started);
    KT_ASSERT_STATUS(KtPciCardWrite(Card, 16, &Written), STATUS_SUCCESS);

    /* Remove: vetoed while the card behind the bridge is open. */
    Serial = CardPdo->AttachedDevice->DeviceExtension;
    InitializeObjectAttributes(&Attributes, &Serial->LinkName,
                               OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE, NULL, NULL);
    KT_ASSERT_STATUS(ZwCreateFile(&File, GENERIC_READ | GENERIC_WRITE | SYNCHRONIZE, &Attributes,
                                  &IoStatus, NULL, 0, 0, FILE_OPEN, 0, NULL, 0),
                     STATUS_SUCCESS);
    IopAcquirePnpTreeLock();
    Status = IopRequestDeviceRemove(Bridge);
    IopReleasePnpTreeLock();
    ZwClose(File);
    KT_ASSERT_STATUS(Status, STATUS_DEVICE_BUSY);
    KT_ASSERT_EQ(Card->State, DeviceNodeStarted);
    KT_ASSERT_EQ(Bridge->State, DeviceNodeStarted);

    /* Remove for real. The objects are held so that what the bus driver
     * left in them can be read once they are deleted. */
    RtlInitEmptyUnicodeString(&BridgePath, PathBuffer, sizeof(PathBuffer) - sizeof(WCHAR));
    RtlCopyUnicodeString(&BridgePath, &Bridge->InstancePath);
    PathBuffer[BridgePath.Length / sizeof(WCHAR)] = UNICODE_NULL;
    ObReferenceObject(BridgeFdoObject);
    ObReferenceObject(CardPdo);
    IopAcquirePnpTreeLock();
    Status = IopRequestDeviceRemove(Bridge);
    BridgeState = Bridge->State;
    ChildlessBridge = Bridge->Child == NULL;
    IopReleasePnpTreeLock();
    StartedAtRemove = BridgeFdo->StartedChildrenAtRemove;
    CardStarted = CardPdoExtension->Started;
    FdoDetached = BridgePdo->AttachedDevice == NULL;
    SerialDetached = CardPdo->AttachedDevice == NULL;
    ObDereferenceObject(CardPdo);
    ObDereferenceObject(BridgeFdoObject);
    KT_ASSERT_STATUS(Status, STATUS_SUCCESS);
    KT_ASSERT_EQ(BridgeState, DeviceNodeRemoved);
    KT_ASSERT(ChildlessBridge);
    KT_ASSERT_EQ(StartedAtRemove, 0);       /* the card went before its bus */
    KT_ASSERT(!CardStarted);
    KT_ASSERT(FdoDetached && SerialDetached);
    KT_ASSERT(KtPciSerialCard() == NULL);

    /* Enabled again: the root bus is asked for its children, reports the
     * bridge's PDO, and the PnP manager enumerates the removed node anew. */
    IoInvalidateDeviceRelations(Root->PhysicalDeviceObject, BusRelations);
    IopWaitForPnpIdle();
    KT_ASSERT(IopFindDeviceNodeByInstancePath(PathBuffer) == Bridge);
    KT_ASSERT(Bridge->PhysicalDeviceObject == BridgePdo);
    KT_ASSERT_EQ(Bridge->State, DeviceNodeStarted);
    Card = KtPciSerialCard();
    KT_ASSERT(Card != NULL && Card->Parent == Bridge);
    KT_ASSERT_EQ(Card->State, DeviceNodeStarted);
    KT_ASSERT(KtPciDriverIs(Card->PhysicalDeviceObject->AttachedDevice, L"\\Driver\\Serial"));
    KT_ASSERT_STATUS(KtPciCardWrite(Card, 256, &Written), STATUS_SUCCESS);
    KT_ASSERT_EQ(Written, 256);
    DbgPrint("PCI: bridge %ws removed after its card and enumerated again\n", PathBuffer);
}
