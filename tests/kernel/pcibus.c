/*
 * tests/kernel/pcibus.c - the PCI bus driver (drivers/pci) in the PnP
 * tree: the root enumerator's PCI root bus started by \Driver\Pci, one PDO
 * per function a fresh scan finds, each a child of its own bus's node, and
 * a PDO's answers to the IRPs a function driver or the PnP manager sends it
 * (QUERY_ID, QUERY_CAPABILITIES, QUERY_BUS_INFORMATION, READ_CONFIG,
 * BUS_INTERFACE_STANDARD). On the harness's pci boots the PCI 16550 behind
 * the bridge must have been started by \Driver\Serial with its I/O BAR,
 * and its line interrupt (the firmware's Interrupt Line, level, shared)
 * must really arrive: PciBusSerialCardStarted and PciBusSerialCardInterrupts
 * print the lines the harness requires. The bridges' FDOs are tested in
 * pcibustree.c, re-scans in pcibusrescan.c.
 */
#include "tests/kernel/pcibustest.h"
#include "drivers/serial/serial.h"
#include "kernel/rtl/rtlp.h"

#define KT_PCI_MAX_CHILDREN 64

typedef struct _KT_PCI_CHILD {
    PDEVICE_NODE Node;
    ULONG Bus;
    ULONG Address;              /* (device << 16) | function */
} KT_PCI_CHILD;

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
static ULONG
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

KTEST(PciBusPdoAnswersQueries)
{
    static KT_PCI_CHILD Children[KT_PCI_MAX_CHILDREN];
    PDEVICE_NODE Root = KtPciRootNode(), Host = NULL;
    PDEVICE_CAPABILITIES Caps;
    DEVICE_CAPABILITIES Capabilities;
    PWSTR Id = NULL;
    ULONG Count, Index, Ids = 0;
    PCI_SLOT_NUMBER Slot = {.u.AsULONG = 0};

    KT_ASSERT(Root != NULL);
    Count = KtPciChildren(Root, Children);
    for (Index = 0; Index < Count; Index++) {
        if (Children[Index].Bus == 0 && Children[Index].Address == 0) {
            Host = Children[Index].Node;
        }
    }
    KT_ASSERT(Host != NULL);
    KT_ASSERT_EQ(HalGetBusDataByOffset(PCIConfiguration, 0, Slot.u.AsULONG, &Ids, 0, 4), 4);

    /* QUERY_ID: the device ID is the first hardware ID and names the
     * vendor and device config space holds. */
    KT_ASSERT_STATUS(IopQueryId(Host->PhysicalDeviceObject, BusQueryDeviceID, &Id),
                     STATUS_SUCCESS);
    KT_ASSERT(Id != NULL);
    KT_ASSERT(KtPciStringsEqual(Id, Host->HardwareIds));
    KT_ASSERT(Id[0] == L'P' && Id[4] == L'V' && Id[8] == L'8' && Id[11] == L'6');
    KT_ASSERT_EQ((ULONG)Id[17], (ULONG)(HalpPciMechanism() == HalPciMechanismEcam ? L'2' : L'1'));
    ExFreePool(Id);
    KT_ASSERT_STATUS(IopQueryId(Host->PhysicalDeviceObject, BusQueryInstanceID, &Id),
                     STATUS_SUCCESS);
    KT_ASSERT(KtPciStringsEqual(Id, L"00&00&0"));
    ExFreePool(Id);
    KT_ASSERT(IopMultiSzContains(Host->CompatibleIds, L"PCI\\CC_0600"));

    /* QUERY_CAPABILITIES. */
    RtlZeroMemory(&Capabilities, sizeof(Capabilities));
    KT_ASSERT_STATUS(IopQueryCapabilities(Host->PhysicalDeviceObject, &Capabilities),
                     STATUS_SUCCESS);
    Caps = &Capabilities;
    KT_ASSERT_EQ(Caps->Address, 0);
    KT_ASSERT_EQ(Caps->UniqueID, 1);         /* bus, device and function are in the ID */
    KT_ASSERT_EQ(Caps->UINumber, MAXULONG);  /* no port with a slot above bus 0 */
    KT_ASSERT_EQ(Caps->DeviceState[PowerSystemWorking], PowerDeviceD0);
    KT_ASSERT_EQ(Caps->DeviceState[PowerSystemShutdown], PowerDeviceD3);
}

/* Sends READ_CONFIG; returns the status, *Bytes the Information. */
static NTSTATUS
KtPciReadConfig(PDEVICE_OBJECT Pdo, ULONG Space, PVOID Buffer, ULONG Offset, ULONG Length,
                PULONG_PTR Bytes)
{
    IO_STACK_LOCATION Parameters;

    RtlZeroMemory(&Parameters, sizeof(Parameters));
    Parameters.Parameters.ReadWriteConfig.WhichSpace = Space;
    Parameters.Parameters.ReadWriteConfig.Buffer = Buffer;
    Parameters.Parameters.ReadWriteConfig.Offset = Offset;
    Parameters.Parameters.ReadWriteConfig.Length = Length;
    *Bytes = 0;
    return IopSendPnpIrp(Pdo, IRP_MJ_PNP, IRP_MN_READ_CONFIG, &Parameters.Parameters,
                         sizeof(Parameters.Parameters.ReadWriteConfig), Bytes);
}

KTEST(PciBusConfigThroughIrpAndInterface)
{
    PDEVICE_NODE Root = KtPciRootNode();
    PDEVICE_OBJECT Pdo;
    IO_STACK_LOCATION Parameters;
    BUS_INTERFACE_STANDARD Interface;
    static const GUID NotOurs = {0x12345678, 0x1234, 0x1234, {1, 2, 3, 4, 5, 6, 7, 8}};
    ULONG_PTR Bytes;
    ULONG Ids = 0, ViaInterface = 0, Expected = 0;
    USHORT Vendor = 0;
    PCI_SLOT_NUMBER Slot = {.u.AsULONG = 0};

    KT_ASSERT(Root != NULL && Root->Child != NULL);
    /* The first child is the first function scanned: 00:00.0. */
    Pdo = Root->Child->PhysicalDeviceObject;
    KT_ASSERT_EQ(HalGetBusDataByOffset(PCIConfiguration, 0, Slot.u.AsULONG, &Expected, 0, 4), 4);

    KT_ASSERT_STATUS(KtPciReadConfig(Pdo, PCI_WHICHSPACE_CONFIG, &Vendor, 0, 2, &Bytes),
                     STATUS_SUCCESS);
    KT_ASSERT_EQ(Bytes, 2);
    KT_ASSERT_EQ(Vendor, Expected & 0xFFFF);
    KT_ASSERT_STATUS(KtPciReadConfig(Pdo, PCI_WHICHSPACE_CONFIG, &Ids, 0, 4, &Bytes),
                     STATUS_SUCCESS);
    KT_ASSERT_EQ(Ids, Expected);
    /* Outside the function's space, and a space PCI does not serve. */
    KT_ASSERT_STATUS(KtPciReadConfig(Pdo, PCI_WHICHSPACE_CONFIG, &Ids, 0x1000 - 2, 4, &Bytes),
                     STATUS_INVALID_PARAMETER);
    KT_ASSERT_EQ(Bytes, 0);
    KT_ASSERT_STATUS(KtPciReadConfig(Pdo, PCI_WHICHSPACE_ROM, &Ids, 0, 4, &Bytes),
                     STATUS_INVALID_PARAMETER);

    /* BUS_INTERFACE_STANDARD agrees. */
    RtlZeroMemory(&Parameters, sizeof(Parameters));
    RtlZeroMemory(&Interface, sizeof(Interface));
    Parameters.Parameters.QueryInterface.InterfaceType = &GUID_BUS_INTERFACE_STANDARD;
    Parameters.Parameters.QueryInterface.Size = sizeof(Interface);
    Parameters.Parameters.QueryInterface.Version = 1;
    Parameters.Parameters.QueryInterface.Interface = (PINTERFACE)&Interface;
    KT_ASSERT_STATUS(IopSendPnpIrp(Pdo, IRP_MJ_PNP, IRP_MN_QUERY_INTERFACE,
                                   &Parameters.Parameters,
                                   sizeof(Parameters.Parameters.QueryInterface), NULL),
                     STATUS_SUCCESS);
    KT_ASSERT(Interface.GetBusData != NULL && Interface.InterfaceDereference != NULL);
    KT_ASSERT_EQ(Interface.GetBusData(Interface.Context, PCI_WHICHSPACE_CONFIG, &ViaInterface, 0,
                                      4), 4);
    KT_ASSERT_EQ(ViaInterface, Expected);
    KT_ASSERT_EQ(Interface.GetBusData(Interface.Context, PCI_WHICHSPACE_ROM, &ViaInterface, 0, 4),
                 0);
    KT_ASSERT(Interface.GetDmaAdapter(Interface.Context, NULL, NULL) == NULL);
    Interface.InterfaceDereference(Interface.Context);

    /* Another GUID: the PDO leaves the IRP's status as it came. */
    Parameters.Parameters.QueryInterface.InterfaceType = &NotOurs;
    KT_ASSERT_STATUS(IopSendPnpIrp(Pdo, IRP_MJ_PNP, IRP_MN_QUERY_INTERFACE,
                                   &Parameters.Parameters,
                                   sizeof(Parameters.Parameters.QueryInterface), NULL),
                     STATUS_NOT_SUPPORTED);
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

/* PASSIVE_LEVEL. */
PDEVICE_NODE
KtPciSerialCard(VOID)
{
    PDEVICE_NODE Root = KtPciRootNode();

    return Root != NULL ? KtPciFindNode(Root, L"PCI\\CC_070002") : NULL;
}

/* PASSIVE_LEVEL. */
ULONG
KtPciCardPorts(PDEVICE_NODE Card)
{
    PCM_RESOURCE_LIST List = Card->ResourceListTranslated;
    ULONG Index;

    for (Index = 0; List != NULL && Index < List->List[0].PartialResourceList.Count; Index++) {
        PCM_PARTIAL_RESOURCE_DESCRIPTOR Desc =
            &List->List[0].PartialResourceList.PartialDescriptors[Index];

        if (Desc->Type == CmResourceTypePort && Desc->u.Port.Length >= 8) {
            return (ULONG)Desc->u.Port.Start.QuadPart;
        }
    }
    return 0;
}

/* PASSIVE_LEVEL. */
NTSTATUS
KtPciCardWrite(PDEVICE_NODE Card, ULONG Length, PULONG_PTR Written)
{
    static UCHAR Bytes[256];
    PSERIAL_DEVICE_EXTENSION Serial = Card->PhysicalDeviceObject->AttachedDevice->DeviceExtension;
    OBJECT_ATTRIBUTES Attributes;
    IO_STATUS_BLOCK IoStatus = {0};
    LARGE_INTEGER Timeout;
    HANDLE File = NULL, Event = NULL;
    PKEVENT EventObject = NULL;
    NTSTATUS Status;

    *Written = 0;
    Status = ZwCreateEvent(&Event, EVENT_ALL_ACCESS, NULL, NotificationEvent, FALSE);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    Status = ObReferenceObjectByHandle(Event, EVENT_MODIFY_STATE, *ExEventObjectType, KernelMode,
                                       (PVOID *)&EventObject, NULL);
    if (!NT_SUCCESS(Status)) {
        ZwClose(Event);
        return Status;
    }
    InitializeObjectAttributes(&Attributes, &Serial->LinkName,
                               OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE, NULL, NULL);
    Status = ZwCreateFile(&File, GENERIC_READ | GENERIC_WRITE | SYNCHRONIZE, &Attributes,
                          &IoStatus, NULL, 0, 0, FILE_OPEN, 0, NULL, 0);
    if (NT_SUCCESS(Status)) {
        RtlFillMemory(Bytes, sizeof(Bytes), 'K');
        Status = ZwWriteFile(File, Event, NULL, NULL, &IoStatus, Bytes,
                             Length < sizeof(Bytes) ? Length : sizeof(Bytes), NULL, NULL);
        if (Status == STATUS_PENDING) {
            Timeout.QuadPart = -30000000LL;     /* 3 s */
            Status = KeWaitForSingleObject(EventObject, Executive, KernelMode, FALSE, &Timeout);
            Status = Status == STATUS_TIMEOUT ? STATUS_TIMEOUT : IoStatus.Status;
        }
        *Written = IoStatus.Information;
        ZwClose(File);                      /* cancels the write if it still waits */
    }
    ObDereferenceObject(EventObject);
    ZwClose(Event);
    return Status;
}

KTEST(PciBusSerialCardStarted)
{
    PDEVICE_NODE Card = KtPciSerialCard();
    PCM_PARTIAL_RESOURCE_DESCRIPTOR Desc;
    PCM_RESOURCE_LIST List;
    ULONG Bus = 0, Address = 0, Index;
    BOOLEAN HasPorts = FALSE;

    KT_ASSERT(KtPciRootNode() != NULL);
    if (Card == NULL) {
        DbgPrint("PCI: no PCI 16550 on this machine; only the harness's pci boots have one\n");
        return;
    }
    KT_ASSERT_STATUS(KtPciLocate(Card->PhysicalDeviceObject, &Bus, &Address), STATUS_SUCCESS);
    KT_ASSERT_EQ(Card->State, DeviceNodeStarted);
    KT_ASSERT(KtPciDriverIs(Card->PhysicalDeviceObject->AttachedDevice, L"\\Driver\\Serial"));
    List = Card->ResourceListTranslated;
    KT_ASSERT(List != NULL);
    Desc = List->List[0].PartialResourceList.PartialDescriptors;
    for (Index = 0; Index < List->List[0].PartialResourceList.Count; Index++) {
        if (Desc[Index].Type == CmResourceTypePort && Desc[Index].u.Port.Length >= 8) {
            HasPorts = TRUE;
            DbgPrint("PCI: serial card at %02x:%02x.%x started by \\Driver\\Serial with I/O "
                     "0x%llx\n", Bus, Address >> 16, Address & 0xFFFF,
                     (ULONGLONG)Desc[Index].u.Port.Start.QuadPart);
        }
    }
    KT_ASSERT(HasPorts);
}

/* The card's interrupt: the serial driver sends a write longer than the
 * UART's 16-byte FIFO by refilling it from its transmit interrupt, so a
 * write of 256 bytes completes only if the INTx line the PCI driver
 * reported (the firmware's Interrupt Line) really reaches the processor. */
KTEST(PciBusSerialCardInterrupts)
{
    PDEVICE_NODE Card = KtPciSerialCard();
    PSERIAL_DEVICE_EXTENSION Serial;
    ULONG64 Before;
    ULONG_PTR Written;
    NTSTATUS Status;

    KT_ASSERT(KtPciRootNode() != NULL);
    if (Card == NULL || Card->State != DeviceNodeStarted) {
        DbgPrint("PCI: no started PCI 16550 on this machine; only the harness's pci boots have "
                 "one\n");
        return;
    }
    Serial = Card->PhysicalDeviceObject->AttachedDevice->DeviceExtension;
    Before = Serial->Uart.Interrupts;
    Status = KtPciCardWrite(Card, 256, &Written);
    DbgPrint("PCI: serial card %wZ: a %u-byte write ended with 0x%08x after %llu interrupt(s)\n",
             &Serial->LinkName, 256, (ULONG)Status, Serial->Uart.Interrupts - Before);
    KT_ASSERT_STATUS(Status, STATUS_SUCCESS);
    KT_ASSERT_EQ(Written, 256);
    KT_ASSERT(Serial->Uart.Interrupts > Before);
}

/* TRUE when the PDO's string property Property is the ASCII text Expected. */
static BOOLEAN
KtPciPropertyIs(PDEVICE_OBJECT Pdo, DEVICE_REGISTRY_PROPERTY Property, PCSTR Expected)
{
    WCHAR Buffer[80];
    ULONG Length = 0, Index;

    if (!NT_SUCCESS(IoGetDeviceProperty(Pdo, Property, sizeof(Buffer), Buffer, &Length))) {
        return FALSE;
    }
    for (Index = 0; Expected[Index] != '\0'; Index++) {
        if (Buffer[Index] != (WCHAR)Expected[Index]) {
            break;
        }
    }
    if (Expected[Index] != '\0' || Buffer[Index] != UNICODE_NULL ||
        Length != (Index + 1) * sizeof(WCHAR)) {
        DbgPrint("FAIL: property %d is \"%ws\", not \"%s\"\n", (int)Property, Buffer, Expected);
        return FALSE;
    }
    return TRUE;
}

/* What IoGetDeviceProperty says of every PCI function, from what its PDO
 * answered at enumeration: the bus (QUERY_BUS_INFORMATION, so the host
 * bridge, which has no resources, has one too), and the device text - the
 * class code's name and "PCI bus B, device D, function F" - checked
 * against config space. */
KTEST(PciBusPdoProperties)
{
    static KT_PCI_CHILD Children[KT_PCI_MAX_CHILDREN];
    PDEVICE_NODE Root = KtPciRootNode();
    PCI_SLOT_NUMBER Slot;
    CHAR Location[64];
    UCHAR Class[2];
    GUID Guid;
    ULONG Count, Index, Value, Length, Checked = 0;
    BOOLEAN HostBridge = FALSE;

    KT_ASSERT(Root != NULL);
    Count = KtPciChildren(Root, Children);
    for (Index = 0; Index < Count; Index++) {
        PDEVICE_OBJECT Pdo = Children[Index].Node->PhysicalDeviceObject;
        ULONG Device = Children[Index].Address >> 16, Function = Children[Index].Address & 0xFFFF;

        KT_ASSERT(Children[Index].Bus != MAXULONG);
        KT_ASSERT_STATUS(IoGetDeviceProperty(Pdo, DevicePropertyBusTypeGuid, sizeof(Guid), &Guid,
                                             &Length), STATUS_SUCCESS);
        KT_ASSERT(IsEqualGUID(&Guid, &GUID_BUS_TYPE_PCI));
        KT_ASSERT_STATUS(IoGetDeviceProperty(Pdo, DevicePropertyLegacyBusType, sizeof(Value),
                                             &Value, &Length), STATUS_SUCCESS);
        KT_ASSERT_EQ(Value, PCIBus);
        KT_ASSERT_STATUS(IoGetDeviceProperty(Pdo, DevicePropertyBusNumber, sizeof(Value), &Value,
                                             &Length), STATUS_SUCCESS);
        KT_ASSERT_EQ(Value, Children[Index].Bus);
        RtlpFormat(Location, sizeof(Location), "PCI bus %u, device %u, function %u",
                   Children[Index].Bus, Device, Function);
        KT_ASSERT(KtPciPropertyIs(Pdo, DevicePropertyLocationInformation, Location));
        Slot.u.AsULONG = 0;
        Slot.u.bits.DeviceNumber = Device;
        Slot.u.bits.FunctionNumber = Function;
        KT_ASSERT_EQ(HalGetBusDataByOffset(PCIConfiguration, Children[Index].Bus, Slot.u.AsULONG,
                                           Class, 0x0A, 2), 2);
        KT_ASSERT(KtPciPropertyIs(Pdo, DevicePropertyDeviceDescription,
                                  PciClassName(Class[1], Class[0])));
        HostBridge = HostBridge || (Children[Index].Bus == 0 && Children[Index].Address == 0);
        Checked++;
    }
    KT_ASSERT(HostBridge);
    KT_ASSERT(Checked >= 3);
    DbgPrint("PCI: %u function(s) report their bus, description and location\n", Checked);
}

/* The PCI 16550 removed while it stays in its slot (Windows' "disable"),
 * then its bus enumerated again: the same PDO and node come back started
 * by \Driver\Serial, and the card moves bytes again. */
KTEST(PciBusSerialCardEnabledAgain)
{
    PDEVICE_NODE Card = KtPciSerialCard();
    PDEVICE_OBJECT CardPdo;
    ULONG_PTR Written;
    NTSTATUS Status;

    KT_ASSERT(KtPciRootNode() != NULL);
    if (Card == NULL || Card->State != DeviceNodeStarted) {
        DbgPrint("PCI: no started PCI 16550 on this machine; only the harness's pci boots have "
                 "one\n");
        return;
    }
    CardPdo = Card->PhysicalDeviceObject;
    IopAcquirePnpTreeLock();
    Status = IopRequestDeviceRemove(Card);
    IopReleasePnpTreeLock();
    KT_ASSERT_STATUS(Status, STATUS_SUCCESS);
    KT_ASSERT_EQ(Card->State, DeviceNodeRemoved);
    KT_ASSERT(CardPdo->AttachedDevice == NULL);
    KT_ASSERT(((PPCI_PDO_EXTENSION)CardPdo->DeviceExtension)->Present);

    IoInvalidateDeviceRelations(Card->Parent->PhysicalDeviceObject, BusRelations);
    IopWaitForPnpIdle();
    KT_ASSERT(KtPciSerialCard() == Card);
    KT_ASSERT(Card->PhysicalDeviceObject == CardPdo);
    KT_ASSERT_EQ(Card->State, DeviceNodeStarted);
    KT_ASSERT(KtPciDriverIs(CardPdo->AttachedDevice, L"\\Driver\\Serial"));
    KT_ASSERT(KtPciCardPorts(Card) != 0);
    KT_ASSERT_STATUS(KtPciCardWrite(Card, 256, &Written), STATUS_SUCCESS);
    KT_ASSERT_EQ(Written, 256);
    DbgPrint("PCI: serial card removed in its slot and enabled again by its bus's enumeration\n");
}
