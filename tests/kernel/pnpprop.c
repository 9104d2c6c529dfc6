/*
 * tests/kernel/pnpprop.c - IoGetDeviceProperty as a driver sees it: the
 * device text and bus information the PnP manager asks a bus for when it
 * enumerates a device (IRP_MN_QUERY_DEVICE_TEXT, IRP_MN_QUERY_BUS_INFORMATION),
 * the removal policy the capabilities imply, the resource lists, the
 * properties only Windows' registry holds, and the WDK's buffer sizes. The
 * devices are the KtPnp test bus's children (tests/kernel/pnpdrv.c), whose
 * answers each test chooses, and the root enumerator's COM2 and PCI root
 * bus. The PCI bus driver's answers are checked in pcibuspdo.c.
 */
#include "tests/kernel/ktest.h"
#include "tests/kernel/pnpdrv.h"
#include "io/pnpp.h"
#include "hal/pcip.h"

#define KT_PROP_PORT0 0x7500
#define KT_PROP_PORT1 0x7600
#define KT_PROP_IRQ 5

static PDEVICE_OBJECT
KtPropBus(PCWSTR Instance)
{
    return KtPnpCreateBus(Instance);
}

static BOOLEAN
KtPropRemoveBus(PDEVICE_OBJECT BusPdo)
{
    IopRootDeleteDevice(BusPdo);
    IopWaitForPnpIdle();
    return KtPnp.BusFdo == NULL;
}

/* How many events of Who/Minor (IRP_MJ_PNP) the log holds. */
static ULONG
KtPropCount(UCHAR Who, UCHAR Minor)
{
    LONG Index = -1;
    ULONG Count = 0;

    while ((Index = KtPnpFindEvent((ULONG)(Index + 1), Who, IRP_MJ_PNP, Minor)) >= 0) {
        Count++;
    }
    return Count;
}

/* A string property, asked as a driver does: the size first (no buffer),
 * then one WCHAR short of it, then with room. TRUE when every answer is
 * the WDK's and the string is Expected. */
static BOOLEAN
KtPropStringIs(PDEVICE_OBJECT Pdo, DEVICE_REGISTRY_PROPERTY Property, PCWSTR Expected)
{
    ULONG Bytes = (ULONG)(IopWcsLen(Expected) + 1) * sizeof(WCHAR), Length = 0;
    WCHAR Buffer[80];
    NTSTATUS Status;

    Status = IoGetDeviceProperty(Pdo, Property, 0, NULL, &Length);
    if (Status != STATUS_BUFFER_TOO_SMALL || Length != Bytes) {
        DbgPrint("FAIL: property %d: 0x%08x, %u bytes; wanted STATUS_BUFFER_TOO_SMALL, %u\n",
                 (int)Property, (ULONG)Status, Length, Bytes);
        return FALSE;
    }
    Length = 0;
    Status = IoGetDeviceProperty(Pdo, Property, Bytes - sizeof(WCHAR), Buffer, &Length);
    if (Status != STATUS_BUFFER_TOO_SMALL || Length != Bytes) {
        return FALSE;
    }
    RtlFillMemory(Buffer, sizeof(Buffer), 0xCC);
    Status = IoGetDeviceProperty(Pdo, Property, sizeof(Buffer), Buffer, &Length);
    if (Status != STATUS_SUCCESS || Length != Bytes ||
        RtlCompareMemory(Buffer, Expected, Bytes) != Bytes) {
        DbgPrint("FAIL: property %d: 0x%08x, %u bytes, \"%ws\"; wanted \"%ws\"\n", (int)Property,
                 (ULONG)Status, Length, Status == STATUS_SUCCESS ? Buffer : L"", Expected);
        return FALSE;
    }
    return TRUE;
}

/* A ULONG-sized property; MAXULONG with the status when it fails. */
static ULONG
KtPropUlong(PDEVICE_OBJECT Pdo, DEVICE_REGISTRY_PROPERTY Property, NTSTATUS *Status)
{
    ULONG Value = MAXULONG, Length = 0;

    *Status = IoGetDeviceProperty(Pdo, Property, sizeof(Value), &Value, &Length);
    if (NT_SUCCESS(*Status) && Length != sizeof(Value)) {
        *Status = STATUS_INFO_LENGTH_MISMATCH;
    }
    return NT_SUCCESS(*Status) ? Value : MAXULONG;
}

KTEST(PnpPropertyTextAndBusInformation)
{
    PDEVICE_OBJECT BusPdo, Pdo0, Pdo1;
    GUID Guid;
    ULONG Length;
    NTSTATUS Status;

    KtPnpReset();
    KtPnp.Children[0] = (KTPNP_CHILD){.Present = TRUE, .PortBase = KT_PROP_PORT0, .Irq = 0xFF,
                                      .Text = TRUE, .BusInformation = TRUE};
    KtPnp.Children[1] = (KTPNP_CHILD){.Present = TRUE, .PortBase = KT_PROP_PORT1, .Irq = 0xFF};
    BusPdo = KtPropBus(L"P1");
    KT_ASSERT(BusPdo != NULL);
    Pdo0 = KtPnp.Children[0].Pdo;
    Pdo1 = KtPnp.Children[1].Pdo;
    KT_ASSERT(Pdo0 != NULL && Pdo1 != NULL);
    /* Asked once each, at enumeration, in US English. */
    KT_ASSERT_EQ(KtPropCount(KTPNP_WHO_PDO(0), IRP_MN_QUERY_DEVICE_TEXT), 2);
    KT_ASSERT_EQ(KtPropCount(KTPNP_WHO_PDO(0), IRP_MN_QUERY_BUS_INFORMATION), 1);
    KT_ASSERT_EQ(KtPropCount(KTPNP_WHO_PDO(1), IRP_MN_QUERY_BUS_INFORMATION), 1);
    KT_ASSERT_EQ(KtPnp.Children[0].TextLocale, 0x409);
    KT_ASSERT_EQ(KtPnp.Children[1].TextLocale, 0x409);

    KT_ASSERT(KtPropStringIs(Pdo0, DevicePropertyDeviceDescription, L"KtPnp widget 0"));
    KT_ASSERT(KtPropStringIs(Pdo0, DevicePropertyLocationInformation, L"KtPnp slot 0"));
    KT_ASSERT_STATUS(IoGetDeviceProperty(Pdo0, DevicePropertyBusTypeGuid, sizeof(Guid) - 1,
                                         &Guid, &Length), STATUS_BUFFER_TOO_SMALL);
    KT_ASSERT_EQ(Length, sizeof(GUID));
    KT_ASSERT_STATUS(IoGetDeviceProperty(Pdo0, DevicePropertyBusTypeGuid, sizeof(Guid), &Guid,
                                         &Length), STATUS_SUCCESS);
    KT_ASSERT(IsEqualGUID(&Guid, &KTPNP_BUS_TYPE));
    /* The bus's word wins over the ISA its boot configuration names. */
    KT_ASSERT_EQ(KtPropUlong(Pdo0, DevicePropertyLegacyBusType, &Status), Internal);
    KT_ASSERT_EQ(KtPropUlong(Pdo0, DevicePropertyBusNumber, &Status), KTPNP_BUS_NUMBER);

    /* The child whose bus says nothing: no text, no bus type; the legacy
     * type and number from its resources. */
    KT_ASSERT_STATUS(IoGetDeviceProperty(Pdo1, DevicePropertyDeviceDescription, sizeof(Guid),
                                         &Guid, &Length), STATUS_OBJECT_NAME_NOT_FOUND);
    KT_ASSERT_STATUS(IoGetDeviceProperty(Pdo1, DevicePropertyLocationInformation, sizeof(Guid),
                                         &Guid, &Length), STATUS_OBJECT_NAME_NOT_FOUND);
    KT_ASSERT_STATUS(IoGetDeviceProperty(Pdo1, DevicePropertyBusTypeGuid, sizeof(Guid), &Guid,
                                         &Length), STATUS_OBJECT_NAME_NOT_FOUND);
    KT_ASSERT_EQ(KtPropUlong(Pdo1, DevicePropertyLegacyBusType, &Status), Isa);
    KT_ASSERT_EQ(KtPropUlong(Pdo1, DevicePropertyBusNumber, &Status), 0);
    KT_ASSERT(KtPropRemoveBus(BusPdo));
}

KTEST(PnpPropertyRemovalPolicyFromCapabilities)
{
    static const struct { BOOLEAN Removable, SurpriseOk; ULONG Policy; } Cases[] = {
        {TRUE, TRUE, RemovalPolicyExpectSurpriseRemoval},
        {TRUE, FALSE, RemovalPolicyExpectOrderlyRemoval},
        {FALSE, TRUE, RemovalPolicyExpectNoRemoval},
        {FALSE, FALSE, RemovalPolicyExpectNoRemoval},
    };
    PDEVICE_OBJECT BusPdo;
    ULONG Index, Length, Policy;
    NTSTATUS Status;

    KtPnpReset();
    for (Index = 0; Index < RTL_NUMBER_OF(Cases); Index++) {
        KtPnp.Children[Index] = (KTPNP_CHILD){.Present = TRUE, .Irq = 0xFF,
                                              .Removable = Cases[Index].Removable,
                                              .SurpriseRemovalOK = Cases[Index].SurpriseOk};
    }
    BusPdo = KtPropBus(L"P2");
    KT_ASSERT(BusPdo != NULL);
    for (Index = 0; Index < RTL_NUMBER_OF(Cases); Index++) {
        KT_ASSERT(KtPnp.Children[Index].Pdo != NULL);
        Policy = KtPropUlong(KtPnp.Children[Index].Pdo, DevicePropertyRemovalPolicy, &Status);
        KT_ASSERT_STATUS(Status, STATUS_SUCCESS);
        KT_ASSERT_EQ(Policy, Cases[Index].Policy);
    }
    KT_ASSERT_STATUS(IoGetDeviceProperty(KtPnp.Children[0].Pdo, DevicePropertyRemovalPolicy, 3,
                                         &Policy, &Length), STATUS_BUFFER_TOO_SMALL);
    KT_ASSERT_EQ(Length, sizeof(DEVICE_REMOVAL_POLICY));
    KT_ASSERT(KtPropRemoveBus(BusPdo));
}

KTEST(PnpPropertyResourceLists)
{
    static UCHAR Buffer[512];
    PDEVICE_OBJECT BusPdo, Pdo0;
    PDEVICE_NODE Node0;
    PCM_RESOURCE_LIST Translated;
    PCM_PARTIAL_RESOURCE_DESCRIPTOR Desc;
    ULONG Length, Bytes, Vector;
    KAFFINITY Affinity;
    KIRQL Irql;

    KtPnpReset();
    /* Child 0: ports and ISA IRQ 5 at boot, requirements with a message
     * and a line alternative. Child 1: ports only, no requirements. Child
     * 2: nothing at all. */
    KtPnp.Children[0] = (KTPNP_CHILD){.Present = TRUE, .PortBase = KT_PROP_PORT0,
                                      .Irq = KT_PROP_IRQ, .Messages = 1};
    KtPnp.Children[1] = (KTPNP_CHILD){.Present = TRUE, .PortBase = KT_PROP_PORT1, .Irq = 0xFF};
    KtPnp.Children[2] = (KTPNP_CHILD){.Present = TRUE, .Irq = 0xFF};
    BusPdo = KtPropBus(L"P3");
    KT_ASSERT(BusPdo != NULL);
    Pdo0 = KtPnp.Children[0].Pdo;
    Node0 = IopDeviceExtension(Pdo0)->DeviceNode;
    KT_ASSERT(Node0 != NULL && Node0->BootResources != NULL);

    /* The boot configuration translated: the port as it is, IRQ 5 as the
     * HAL maps it. */
    Bytes = IopResourceListBytes(Node0->BootResources);
    KT_ASSERT_STATUS(IoGetDeviceProperty(Pdo0, DevicePropertyBootConfigurationTranslated, 0, NULL,
                                         &Length), STATUS_BUFFER_TOO_SMALL);
    KT_ASSERT_EQ(Length, Bytes);
    KT_ASSERT_STATUS(IoGetDeviceProperty(Pdo0, DevicePropertyBootConfigurationTranslated,
                                         sizeof(Buffer), Buffer, &Length), STATUS_SUCCESS);
    KT_ASSERT_EQ(Length, Bytes);
    Translated = (PCM_RESOURCE_LIST)Buffer;
    KT_ASSERT_EQ(Translated->List[0].PartialResourceList.Count, 2);
    Desc = Translated->List[0].PartialResourceList.PartialDescriptors;
    KT_ASSERT_EQ(Desc[0].Type, CmResourceTypePort);
    KT_ASSERT_EQ(Desc[0].u.Port.Start.QuadPart, KT_PROP_PORT0);
    Vector = HalGetInterruptVector(Isa, 0, KT_PROP_IRQ, KT_PROP_IRQ, &Irql, &Affinity);
    KT_ASSERT(Vector != 0);
    KT_ASSERT_EQ(Desc[1].Type, CmResourceTypeInterrupt);
    KT_ASSERT_EQ(Desc[1].u.Interrupt.Vector, Vector);
    KT_ASSERT_EQ(Desc[1].u.Interrupt.Level, Irql);
    /* The untranslated one still says IRQ 5. */
    Desc = Node0->BootResources->List[0].PartialResourceList.PartialDescriptors;
    KT_ASSERT_EQ(Desc[1].u.Interrupt.Level, KT_PROP_IRQ);

    /* The requirements, byte for byte as the bus reported them. */
    KT_ASSERT(Node0->ResourceRequirements != NULL);
    Bytes = Node0->ResourceRequirements->ListSize;
    KT_ASSERT_STATUS(IoGetDeviceProperty(Pdo0, DevicePropertyResourceRequirements, Bytes - 1,
                                         Buffer, &Length), STATUS_BUFFER_TOO_SMALL);
    KT_ASSERT_EQ(Length, Bytes);
    KT_ASSERT_STATUS(IoGetDeviceProperty(Pdo0, DevicePropertyResourceRequirements,
                                         sizeof(Buffer), Buffer, &Length), STATUS_SUCCESS);
    KT_ASSERT_EQ(Length, Bytes);
    KT_ASSERT_EQ(((PIO_RESOURCE_REQUIREMENTS_LIST)Buffer)->AlternativeLists, 2);
    KT_ASSERT(RtlCompareMemory(Buffer, Node0->ResourceRequirements, Bytes) == Bytes);

    /* What a device does not have is not found. */
    KT_ASSERT_STATUS(IoGetDeviceProperty(KtPnp.Children[1].Pdo, DevicePropertyResourceRequirements,
                                         sizeof(Buffer), Buffer, &Length),
                     STATUS_OBJECT_NAME_NOT_FOUND);
    KT_ASSERT_STATUS(IoGetDeviceProperty(KtPnp.Children[1].Pdo,
                                         DevicePropertyBootConfigurationTranslated,
                                         sizeof(Buffer), Buffer, &Length), STATUS_SUCCESS);
    KT_ASSERT_EQ(((PCM_RESOURCE_LIST)Buffer)->List[0].PartialResourceList.Count, 1);
    KT_ASSERT_STATUS(IoGetDeviceProperty(KtPnp.Children[2].Pdo,
                                         DevicePropertyBootConfigurationTranslated,
                                         sizeof(Buffer), Buffer, &Length),
                     STATUS_OBJECT_NAME_NOT_FOUND);
    KT_ASSERT(KtPropRemoveBus(BusPdo));
}

KTEST(PnpPropertyRootDevicesAndRegistryOnes)
{
    static const DEVICE_REGISTRY_PROPERTY RegistryOnly[] = {
        DevicePropertyClassName, DevicePropertyClassGuid, DevicePropertyDriverKeyName,
        DevicePropertyManufacturer, DevicePropertyFriendlyName, DevicePropertyContainerID,
    };
    PDEVICE_NODE Com2 = IopFindDeviceNodeByInstancePath(L"Root\\*PNP0501\\1");
    PDEVICE_NODE PciRoot;
    PDEVICE_OBJECT Pdo;
    UCHAR Buffer[64];
    ULONG Index, Length;
    NTSTATUS Status;

    KT_ASSERT(Com2 != NULL);
    Pdo = Com2->PhysicalDeviceObject;
    KT_ASSERT(KtPropStringIs(Pdo, DevicePropertyDeviceDescription, L"Communications Port"));
    KT_ASSERT_STATUS(IoGetDeviceProperty(Pdo, DevicePropertyLocationInformation, sizeof(Buffer),
                                         Buffer, &Length), STATUS_OBJECT_NAME_NOT_FOUND);
    /* The root enumerator is no bus with a type: no GUID, and the legacy
     * type from the port's boot configuration. */
    KT_ASSERT_STATUS(IoGetDeviceProperty(Pdo, DevicePropertyBusTypeGuid, sizeof(Buffer), Buffer,
                                         &Length), STATUS_OBJECT_NAME_NOT_FOUND);
    KT_ASSERT_EQ(KtPropUlong(Pdo, DevicePropertyLegacyBusType, &Status), Isa);
    KT_ASSERT_EQ(KtPropUlong(Pdo, DevicePropertyRemovalPolicy, &Status),
                 RemovalPolicyExpectNoRemoval);
    for (Index = 0; Index < RTL_NUMBER_OF(RegistryOnly); Index++) {
        Length = 1234;
        KT_ASSERT_STATUS(IoGetDeviceProperty(Pdo, RegistryOnly[Index], sizeof(Buffer), Buffer,
                                             &Length), STATUS_OBJECT_NAME_NOT_FOUND);
        KT_ASSERT_EQ(Length, 0);
    }

    switch (HalpPciMechanism()) {
    case HalPciMechanismEcam:
        PciRoot = IopFindDeviceNodeByInstancePath(L"ACPI\\PNP0A08\\0");
        KT_ASSERT(PciRoot != NULL);
        KT_ASSERT(KtPropStringIs(PciRoot->PhysicalDeviceObject, DevicePropertyDeviceDescription,
                                 L"PCI Express Root Complex"));
        break;
    case HalPciMechanismPorts:
        PciRoot = IopFindDeviceNodeByInstancePath(L"ACPI\\PNP0A03\\0");
        KT_ASSERT(PciRoot != NULL);
        KT_ASSERT(KtPropStringIs(PciRoot->PhysicalDeviceObject, DevicePropertyDeviceDescription,
                                 L"PCI Bus"));
        break;
    default:
        DbgPrint("PnP: no PCI configuration access on this machine; no PCI root bus to ask\n");
        return;
    }
    /* No resources and no bus information: nothing names its bus. */
    KT_ASSERT_STATUS(IoGetDeviceProperty(PciRoot->PhysicalDeviceObject,
                                         DevicePropertyLegacyBusType, sizeof(Buffer), Buffer,
                                         &Length), STATUS_OBJECT_NAME_NOT_FOUND);
}

/* The enumerator's name is the device ID's first part; a node whose bus
 * never gave it a device ID (QUERY_ID failed, when it was enumerated anew)
 * has no enumerator name, and asking must not fault. The ID is taken away
 * here, under the tree lock, as a failed QUERY_ID leaves it. */
KTEST(PnpPropertyEnumeratorNameNeedsADeviceId)
{
    PDEVICE_OBJECT BusPdo, Pdo0;
    PDEVICE_NODE Node0;
    PWSTR DeviceId;
    WCHAR Buffer[16];
    ULONG Length = 1234;
    NTSTATUS Status;

    KtPnpReset();
    KtPnp.Children[0] = (KTPNP_CHILD){.Present = TRUE, .PortBase = KT_PROP_PORT0, .Irq = 0xFF};
    BusPdo = KtPropBus(L"P4");
    KT_ASSERT(BusPdo != NULL);
    Pdo0 = KtPnp.Children[0].Pdo;
    KT_ASSERT(Pdo0 != NULL);
    Node0 = IopDeviceExtension(Pdo0)->DeviceNode;
    KT_ASSERT(Node0 != NULL);
    KT_ASSERT(KtPropStringIs(Pdo0, DevicePropertyEnumeratorName, L"KTPNP"));

    IopAcquirePnpTreeLock();
    DeviceId = Node0->DeviceId;
    Node0->DeviceId = NULL;
    IopReleasePnpTreeLock();
    Status = IoGetDeviceProperty(Pdo0, DevicePropertyEnumeratorName, sizeof(Buffer), Buffer,
                                 &Length);
    IopAcquirePnpTreeLock();
    Node0->DeviceId = DeviceId;
    IopReleasePnpTreeLock();
    KT_ASSERT_STATUS(Status, STATUS_OBJECT_NAME_NOT_FOUND);
    KT_ASSERT_EQ(Length, 0);
    KT_ASSERT(KtPropRemoveBus(BusPdo));
}
