/*
 * tests/kernel/pcibus.c - the PCI bus driver (drivers/pci) enumerating: the
 * root enumerator's PCI root bus started by \Driver\Pci, one PDO per
 * function a fresh scan finds, each a child of its own bus's node, and the
 * same PDOs in the same places when every bus is asked again. Also the
 * helpers the PCI bus tests share (tests/kernel/pcibustest.h). A PDO's
 * answers are tested in pcibuspdo.c, the PCI 16550 the harness's pci boots
 * add in pcibusserial.c, the bridges' FDOs in pcibustree.c, re-scans in
 * pcibusrescan.c.
 */
#include "tests/kernel/pcibustest.h"

/* The PCI root bus node the root enumerator reports on this machine. */
PDEVICE_NODE
KtPciRootNode(VOID)
{
    return IopFindDeviceNodeByInstancePath(HalpPciMechanism() == HalPciMechanismEcam
                                               ? L"ACPI\\PNP0A08\\0"
                                               : L"ACPI\\PNP0A03\\0");
}

BOOLEAN
KtPciDriverIs(PDEVICE_OBJECT Device, PCWSTR Name)
{
    UNICODE_STRING Wanted;

    RtlInitUnicodeString(&Wanted, Name);
    return Device != NULL && RtlEqualUnicodeString(&Device->DriverObject->DriverName, &Wanted,
                                                   TRUE);
}

BOOLEAN
KtPciStringsEqual(PCWSTR A, PCWSTR B)
{
    UNICODE_STRING UA, UB;

    RtlInitUnicodeString(&UA, A);
    RtlInitUnicodeString(&UB, B);
    return RtlEqualUnicodeString(&UA, &UB, FALSE);
}

/* PASSIVE_LEVEL. IRP_MN_READ_CONFIG to the top of Device's stack, as a
 * driver reads its function's config space; the status, *Bytes the
 * Information. */
NTSTATUS
KtPciReadConfig(PDEVICE_OBJECT Device, ULONG Space, PVOID Buffer, ULONG Offset, ULONG Length,
                PULONG_PTR Bytes)
{
    IO_STACK_LOCATION Parameters;

    RtlZeroMemory(&Parameters, sizeof(Parameters));
    Parameters.Parameters.ReadWriteConfig.WhichSpace = Space;
    Parameters.Parameters.ReadWriteConfig.Buffer = Buffer;
    Parameters.Parameters.ReadWriteConfig.Offset = Offset;
    Parameters.Parameters.ReadWriteConfig.Length = Length;
    *Bytes = 0;
    return IopSendPnpIrp(Device, IRP_MJ_PNP, IRP_MN_READ_CONFIG, &Parameters.Parameters,
                         sizeof(Parameters.Parameters.ReadWriteConfig), Bytes);
}

/* PASSIVE_LEVEL. TRUE when all Length bytes were read. */
BOOLEAN
KtPciReadConfigAll(PDEVICE_OBJECT Device, ULONG Offset, PVOID Buffer, ULONG Length)
{
    ULONG_PTR Bytes;

    return NT_SUCCESS(KtPciReadConfig(Device, PCI_WHICHSPACE_CONFIG, Buffer, Offset, Length,
                                      &Bytes)) &&
           Bytes == Length;
}

/* PASSIVE_LEVEL. Walks the capability list (PCI 3.0 6.7) through
 * READ_CONFIG; at most 48 hops, the dword slots above the header. */
ULONG
KtPciFindCapability(PDEVICE_OBJECT Device, UCHAR CapabilityId)
{
    PCI_CAPABILITIES_HEADER Header;
    UCHAR Offset = 0;
    USHORT Status = 0;
    ULONG Hops;

    if (!KtPciReadConfigAll(Device, PCI_STATUS_OFFSET, &Status, sizeof(Status)) ||
        (Status & PCI_STATUS_CAPABILITIES_LIST) == 0 ||
        !KtPciReadConfigAll(Device, PCI_CAPABILITIES_OFFSET, &Offset, sizeof(Offset))) {
        return 0;
    }
    for (Hops = 0; Hops < 48 && (Offset & ~3) != 0; Hops++) {
        Offset &= ~3;
        if (!KtPciReadConfigAll(Device, Offset, &Header, sizeof(Header))) {
            return 0;
        }
        if (Header.CapabilityID == CapabilityId) {
            return Offset;
        }
        Offset = Header.Next;
    }
    return 0;
}

/* Asks a PDO for its bus number and address through IRPs. */
NTSTATUS
KtPciLocate(PDEVICE_OBJECT Pdo, PULONG Bus, PULONG Address)
{
    DEVICE_CAPABILITIES Caps;
    ULONG_PTR Information = 0;
    PPNP_BUS_INFORMATION BusInfo;
    NTSTATUS Status;

    Status = IopSendPnpIrp(Pdo, IRP_MJ_PNP, IRP_MN_QUERY_BUS_INFORMATION, NULL, 0, &Information);
    if (!NT_SUCCESS(Status) || Information == 0) {
        return NT_SUCCESS(Status) ? STATUS_UNSUCCESSFUL : Status;
    }
    BusInfo = (PPNP_BUS_INFORMATION)Information;
    if (!IsEqualGUID(&BusInfo->BusTypeGuid, &GUID_BUS_TYPE_PCI) ||
        BusInfo->LegacyBusType != PCIBus) {
        ExFreePool(BusInfo);
        return STATUS_UNSUCCESSFUL;
    }
    *Bus = BusInfo->BusNumber;
    ExFreePool(BusInfo);
    Status = IopQueryCapabilities(Pdo, &Caps);
    *Address = Caps.Address;
    return Status;
}

/* Every enumerated node below the root bus, at any depth (the functions
 * behind bridges are their bridges' children), with their locations. */
ULONG
KtPciChildren(PDEVICE_NODE Root, KT_PCI_CHILD *Children)
{
    PDEVICE_NODE Node;
    ULONG Count = 0;

    for (Node = Root->Child; Node != NULL && Node->Level > Root->Level &&
                             Count < KT_PCI_MAX_CHILDREN;
         Node = IopNextDeviceNode(Node)) {
        if ((Node->Flags & DNF_ENUMERATED) == 0) {
            continue;
        }
        Children[Count].Node = Node;
        if (!NT_SUCCESS(KtPciLocate(Node->PhysicalDeviceObject, &Children[Count].Bus,
                                    &Children[Count].Address))) {
            Children[Count].Bus = MAXULONG;
        }
        Count++;
    }
    return Count;
}

static PDEVICE_NODE
KtPciFindChild(KT_PCI_CHILD *Children, ULONG Count, const PCI_FUNCTION *Function)
{
    ULONG Index;

    for (Index = 0; Index < Count; Index++) {
        if (Children[Index].Bus == Function->Bus &&
            Children[Index].Address == (((ULONG)Function->Device << 16) | Function->Function)) {
            return Children[Index].Node;
        }
    }
    return NULL;
}

/* The first node below Root (at any depth) whose compatible IDs hold Id. */
PDEVICE_NODE
KtPciFindNode(PDEVICE_NODE Root, PCWSTR Id)
{
    PDEVICE_NODE Node;

    for (Node = Root->Child; Node != NULL && Node->Level > Root->Level;
         Node = IopNextDeviceNode(Node)) {
        if (IopMultiSzContains(Node->CompatibleIds, Id)) {
            return Node;
        }
    }
    return NULL;
}

/* PASSIVE_LEVEL. The node of the PCI function whose compatible IDs hold
 * Id (VEN&DEV alone is one, as Windows 10 forms them), or NULL. */
PDEVICE_NODE
KtPciFindFunction(PCWSTR Id)
{
    PDEVICE_NODE Root = KtPciRootNode(), Node;

    if (Root == NULL) {
        return NULL;
    }
    IopAcquirePnpTreeLock();
    Node = KtPciFindNode(Root, Id);
    IopReleasePnpTreeLock();
    return Node;
}

/* PASSIVE_LEVEL. Says what a test of a harness-only device (Name, e.g.
 * "edu device (PCI 1234:11E8)") will check: nothing when the machine has
 * none, or why Driver did not start it (the test's own assertions then
 * fail). */
VOID
KtPciReportTestDevice(PCSTR Prefix, PCSTR Name, PCSTR Driver, PDEVICE_NODE Node, BOOLEAN Added,
                      BOOLEAN Started)
{
    if (Node == NULL) {
        DbgPrint("%s: no %s on this machine; nothing to check (only the harness's pci boots have "
                 "one)\n", Prefix, Name);
    } else if (Node->State != DeviceNodeStarted || !Added || !Started) {
        DbgPrint("FAIL: %s: node %wZ is %s with problem %u (0x%08x), %s %s\n", Prefix,
                 &Node->InstancePath, IopNodeStateName(Node->State), Node->Problem,
                 (ULONG)Node->ProblemStatus, Driver, !Added ? "not added" : "not started");
    }
}

KTEST(PciBusRootStarted)
{
    PDEVICE_NODE Root = KtPciRootNode();

    KT_ASSERT(Root != NULL);
    KT_ASSERT_EQ(Root->State, DeviceNodeStarted);
    KT_ASSERT_EQ(Root->Problem, 0);
    KT_ASSERT(IopMultiSzContains(Root->CompatibleIds, L"*PNP0A03") ||
              IopMultiSzContains(Root->HardwareIds, L"*PNP0A03"));
    KT_ASSERT(Root->ResourceList == NULL);
    /* \Driver\Pci's FDO sits on the root enumerator's PDO. */
    KT_ASSERT(KtPciDriverIs(Root->PhysicalDeviceObject, L"\\Driver\\PnpManager"));
    KT_ASSERT(KtPciDriverIs(Root->PhysicalDeviceObject->AttachedDevice, L"\\Driver\\Pci"));
}

KTEST(PciBusEveryFunctionHasPdo)
{
    static KT_PCI_CHILD Children[KT_PCI_MAX_CHILDREN];
    PDEVICE_NODE Root = KtPciRootNode();
    PCI_CONFIG_ACCESS Access;
    PCI_SCAN_RESULT Result;
    PPCI_FUNCTION Function;
    ULONG Count, Found = 0;

    KT_ASSERT(Root != NULL);
    Count = KtPciChildren(Root, Children);
    PciInitializeHalConfigAccess(&Access);
    KT_ASSERT_STATUS(PciEnumerateBus(&Access, 0, &Result), STATUS_SUCCESS);
    KT_ASSERT(Result.FunctionCount >= 3);
    for (Function = Result.Functions; Function != NULL; Function = Function->Next) {
        PDEVICE_NODE Node = KtPciFindChild(Children, Count, Function);

        if (Node == NULL) {
            DbgPrint("FAIL: PCI %02x:%02x.%x has no PDO\n", Function->Bus, Function->Device,
                     Function->Function);
            continue;
        }
        if (!KtPciStringsEqual(Node->DeviceId, Function->DeviceIdString)) {
            DbgPrint("FAIL: PCI %02x:%02x.%x: PDO's device ID is %ws, not %ws\n", Function->Bus,
                     Function->Device, Function->Function, Node->DeviceId,
                     Function->DeviceIdString);
            continue;
        }
        KT_ASSERT((Node->PhysicalDeviceObject->Flags & DO_BUS_ENUMERATED_DEVICE) != 0);
        KT_ASSERT(KtPciDriverIs(Node->PhysicalDeviceObject, L"\\Driver\\Pci"));
        /* Its node hangs below its own bus's: the root bus's for bus 0, else
         * the node of the bridge whose Secondary Bus Number register (PCI
         * to PCI Bridge 1.2, 3.2.5.3: offset 19h) names its bus. */
        if (Function->Bus == 0) {
            KT_ASSERT(Node->Parent == Root);
        } else {
            ULONG BridgeBus = MAXULONG, BridgeAddress = 0;
            PCI_SLOT_NUMBER Slot = {.u.AsULONG = 0};
            UCHAR Secondary = 0;

            KT_ASSERT(Node->Parent != Root);
            KT_ASSERT_STATUS(KtPciLocate(Node->Parent->PhysicalDeviceObject, &BridgeBus,
                                         &BridgeAddress), STATUS_SUCCESS);
            Slot.u.bits.DeviceNumber = BridgeAddress >> 16;
            Slot.u.bits.FunctionNumber = BridgeAddress & 0xFFFF;
            KT_ASSERT_EQ(HalGetBusDataByOffset(PCIConfiguration, BridgeBus, Slot.u.AsULONG,
                                               &Secondary, 0x19, 1), 1);
            KT_ASSERT_EQ(Secondary, Function->Bus);
            KT_ASSERT_EQ(BridgeBus, Function->ParentBus);
        }
        Found++;
    }
    KT_ASSERT_EQ(Found, Result.FunctionCount);
    KT_ASSERT_EQ(Count, Result.FunctionCount);
    PciFreeScanResult(&Result);
}

/* Every bus asked again (the root bus and each bridge's): the same PDOs,
 * in the same places of the tree. */
KTEST(PciBusReenumerationKeepsPdos)
{
    static PDEVICE_OBJECT Before[KT_PCI_MAX_CHILDREN];
    PDEVICE_NODE Root = KtPciRootNode(), Node;
    ULONG Count = 0, Index = 0;

    KT_ASSERT(Root != NULL);
    for (Node = Root->Child; Node != NULL && Node->Level > Root->Level;
         Node = IopNextDeviceNode(Node)) {
        KT_ASSERT(Count < KT_PCI_MAX_CHILDREN);
        Before[Count++] = Node->PhysicalDeviceObject;
    }
    IoInvalidateDeviceRelations(Root->PhysicalDeviceObject, BusRelations);
    for (Node = Root->Child; Node != NULL && Node->Level > Root->Level;
         Node = IopNextDeviceNode(Node)) {
        if (IopMultiSzContains(Node->CompatibleIds, L"PCI\\CC_0604")) {
            IoInvalidateDeviceRelations(Node->PhysicalDeviceObject, BusRelations);
        }
    }
    IopWaitForPnpIdle();
    for (Node = Root->Child; Node != NULL && Node->Level > Root->Level;
         Node = IopNextDeviceNode(Node), Index++) {
        KT_ASSERT(Index < Count);
        KT_ASSERT(Node->PhysicalDeviceObject == Before[Index]);
        KT_ASSERT((Node->Flags & DNF_ENUMERATED) != 0);
    }
    KT_ASSERT_EQ(Index, Count);
}
