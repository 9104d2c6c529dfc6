/*
 * tests/kernel/pcibuspdo.c - a PCI PDO's answers to the IRPs a function
 * driver or the PnP manager sends it: QUERY_ID and QUERY_CAPABILITIES,
 * config space through READ_CONFIG and BUS_INTERFACE_STANDARD, and what
 * IoGetDeviceProperty then says of every function (bus, description and
 * location), each checked against config space.
 */
#include "tests/kernel/pcibustest.h"
#include "kernel/rtl/rtlp.h"

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
