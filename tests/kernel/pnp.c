/*
 * tests/kernel/pnp.c - the PnP manager: the root enumerator on QEMU's
 * ports, then a test bus (KtPnpBus, tests/kernel/pnpdrv.c) whose children
 * a function driver (KtPnpFunc) is matched to by ID. Each test creates its
 * own bus under the root and removes it at the end, the way a hot-plugged
 * device comes and goes.
 */
#include "tests/kernel/ktest.h"
#include "tests/kernel/pnpdrv.h"
#include "io/pnpp.h"
#include "hal/acpip.h"

#define KT_PORT0 0x7100
#define KT_PORT1 0x7200
#define KT_IRQ0 5

/* Removes the test bus (its root PDO is no longer reported) and checks
 * that its node went. */
static BOOLEAN
KtPnpRemoveBus(PDEVICE_OBJECT BusPdo)
{
    IopRootDeleteDevice(BusPdo);
    IopWaitForPnpIdle();
    return KtPnp.BusFdo == NULL;
}

static PDEVICE_NODE
KtPnpBusNode(PDEVICE_OBJECT BusPdo)
{
    return IopDeviceExtension(BusPdo)->DeviceNode;
}

/* A bus with child 0 (ports and ISA IRQ 5) and child 1 (ports only). */
static PDEVICE_OBJECT
KtPnpStandardBus(PCWSTR Instance)
{
    KtPnpReset();
    KtPnp.Children[0] = (KTPNP_CHILD){.Present = TRUE, .PortBase = KT_PORT0, .Irq = KT_IRQ0};
    KtPnp.Children[1] = (KTPNP_CHILD){.Present = TRUE, .PortBase = KT_PORT1, .Irq = 0xFF};
    return KtPnpCreateBus(Instance);
}

KTEST(PnpRootReportsCom2AndNotTheDebugPort)
{
    PDEVICE_NODE Com2 = IopFindDeviceNodeByInstancePath(L"Root\\*PNP0501\\1");
    PDEVICE_NODE Kd = IopFindDeviceNodeByInstancePath(L"Root\\KdCom\\0");
    PCM_PARTIAL_RESOURCE_DESCRIPTOR Desc, Translated;
    PCM_RESOURCE_LIST List;
    ACPI_INTERRUPT_ROUTE Route;
    KAFFINITY Affinity;
    KIRQL Irql;
    ULONG Vector;

    KT_ASSERT(Com2 != NULL);
    KT_ASSERT(IopFindDeviceNodeByInstancePath(L"Root\\*PNP0501\\0") == NULL);
    KT_ASSERT(IopMultiSzContains(Com2->HardwareIds, L"*PNP0501"));
    KT_ASSERT(Com2->BootResources != NULL);
    KT_ASSERT_EQ(Com2->BootResources->List[0].InterfaceType, Isa);
    KT_ASSERT_EQ(Com2->BootResources->List[0].PartialResourceList.Count, 2);
    Desc = Com2->BootResources->List[0].PartialResourceList.PartialDescriptors;
    KT_ASSERT_EQ(Desc[0].Type, CmResourceTypePort);
    KT_ASSERT_EQ(Desc[0].u.Port.Start.QuadPart, 0x2F8);
    KT_ASSERT_EQ(Desc[0].u.Port.Length, 8);
    KT_ASSERT_EQ(Desc[1].Type, CmResourceTypeInterrupt);
    KT_ASSERT_EQ(Desc[1].u.Interrupt.Level, 3);
    /* Edge or level as the MADT routes IRQ 3; translated through the HAL. */
    HalpAcpiRouteIsaIrq(HalpAcpiInformation.MadtPresent ? &HalpAcpiInformation.Madt : NULL, 3,
                        &Route);
    KT_ASSERT_EQ(Desc[1].Flags, Route.Trigger == AcpiLevelTriggered ? 0 : CM_RESOURCE_INTERRUPT_LATCHED);
    KT_ASSERT_STATUS(IopTranslateResources(Com2->BootResources, &List), STATUS_SUCCESS);
    Translated = List->List[0].PartialResourceList.PartialDescriptors + 1;
    Vector = HalGetInterruptVector(Isa, 0, 3, 3, &Irql, &Affinity);
    KT_ASSERT(Vector != 0);
    KT_ASSERT_EQ(Translated->u.Interrupt.Vector, Vector);
    KT_ASSERT_EQ(Translated->u.Interrupt.Level, Irql);
    KT_ASSERT_EQ(Translated->u.Interrupt.Affinity, Affinity);
    KT_ASSERT_EQ((Translated - 1)->u.Port.Start.QuadPart, 0x2F8);
    ExFreePool(List);
    /* COM1 is the kernel's: reported apart, started raw, holding its ports. */
    KT_ASSERT(Kd != NULL);
    KT_ASSERT(!IopMultiSzContains(Kd->HardwareIds, L"*PNP0501"));
    KT_ASSERT_EQ(Kd->State, DeviceNodeStarted);
    KT_ASSERT((Kd->Flags & DNF_DEBUGGER_OWNED) != 0);
    KT_ASSERT(Kd->ResourceList != NULL);
    KT_ASSERT_EQ(Kd->ResourceList->List[0].PartialResourceList.PartialDescriptors[0].u.Port.Start
                     .QuadPart, 0x3F8);
}

KTEST(PnpEnumeratesAndStartsBusBeforeFunction)
{
    PDEVICE_OBJECT BusPdo = KtPnpStandardBus(L"1");
    PDEVICE_NODE Bus, Child0, Child1;
    KTPNP_CHILD *C0 = &KtPnp.Children[0];
    KAFFINITY Affinity;
    KIRQL Irql;
    ULONG Vector;
    LONG PdoStart, FuncStart;

    KT_ASSERT(BusPdo != NULL);
    Bus = KtPnpBusNode(BusPdo);
    KT_ASSERT(Bus != NULL && Bus->State == DeviceNodeStarted);
    KT_ASSERT(Bus->Service != NULL && KtPnp.BusFdo != NULL);
    Child0 = Bus->Child;
    KT_ASSERT(Child0 != NULL && Child0->Sibling != NULL);
    Child1 = Child0->Sibling;
    /* Enumeration order and IDs as the bus reported them. */
    KT_ASSERT(Child0->PhysicalDeviceObject == C0->Pdo);
    KT_ASSERT(IopFindDeviceNodeByInstancePath(L"KTPNP\\Widget\\0") == Child0);
    KT_ASSERT(IopFindDeviceNodeByInstancePath(L"KTPNP\\Widget\\1") == Child1);
    KT_ASSERT_EQ(IopMultiSzBytes(Child0->HardwareIds), sizeof(L"KTPNP\\Widget&REV_01\0KTPNP\\Widget\0"));
    KT_ASSERT(IopMultiSzContains(Child0->HardwareIds, L"KTPNP\\Widget&REV_01"));
    KT_ASSERT(IopMultiSzContains(Child0->CompatibleIds, L"KTPNP\\AnyWidget"));
    KT_ASSERT_EQ(Child0->Capabilities.Address, 0x100);
    KT_ASSERT_EQ(Child1->Capabilities.Address, 0x101);
    /* AddDevice got the right PDO; both started. */
    KT_ASSERT(C0->Added && C0->AddedPdo == C0->Pdo);
    KT_ASSERT(KtPnp.Children[1].Added);
    KT_ASSERT_EQ(Child0->State, DeviceNodeStarted);
    KT_ASSERT_EQ(Child1->State, DeviceNodeStarted);
    /* START reached the bus driver's PDO before the function driver. */
    PdoStart = KtPnpFindEvent(0, KTPNP_WHO_PDO(0), IRP_MJ_PNP, IRP_MN_START_DEVICE);
    FuncStart = KtPnpFindEvent(0, KTPNP_WHO_FUNC(0), IRP_MJ_PNP, IRP_MN_START_DEVICE);
    KT_ASSERT(PdoStart >= 0 && FuncStart > PdoStart);
    /* Raw and translated resources. */
    KT_ASSERT_EQ(C0->RawCount, 2);
    KT_ASSERT_EQ(C0->RawPort.u.Port.Start.QuadPart, KT_PORT0);
    KT_ASSERT_EQ(C0->RawPort.u.Port.Length, 0x10);
    KT_ASSERT_EQ(C0->RawIrq.u.Interrupt.Level, KT_IRQ0);
    KT_ASSERT_EQ(C0->TranslatedCount, 2);
    KT_ASSERT_EQ(C0->TranslatedPort.u.Port.Start.QuadPart, KT_PORT0);
    Vector = HalGetInterruptVector(Isa, 0, KT_IRQ0, KT_IRQ0, &Irql, &Affinity);
    KT_ASSERT_EQ(C0->TranslatedIrq.u.Interrupt.Vector, Vector);
    KT_ASSERT_EQ(C0->TranslatedIrq.u.Interrupt.Level, Irql);
    KT_ASSERT_EQ(C0->TranslatedIrq.u.Interrupt.Affinity, Affinity);
    KT_ASSERT_EQ(KtPnp.Children[1].RawCount, 1);
    KT_ASSERT(KtPnpRemoveBus(BusPdo));
    KT_ASSERT(C0->Removed && KtPnp.Children[1].Removed);
    KT_ASSERT(IopFindDeviceNodeByInstancePath(L"Root\\KtPnpBus\\1") == NULL);
}

KTEST(PnpStopStartAndCancelledRemove)
{
    PDEVICE_OBJECT BusPdo = KtPnpStandardBus(L"2");
    PDEVICE_NODE Child;
    ULONG Mark;
    NTSTATUS Status;

    KT_ASSERT(BusPdo != NULL);
    Child = KtPnpBusNode(BusPdo)->Child;
    KT_ASSERT(Child != NULL);
    Mark = KtPnp.EventCount;
    IopAcquirePnpTreeLock();
    Status = IopRequestDeviceStop(Child);
    IopReleasePnpTreeLock();
    KT_ASSERT_STATUS(Status, STATUS_SUCCESS);
    KT_ASSERT_EQ(Child->State, DeviceNodeStopped);
    KT_ASSERT(Child->ResourceList == NULL);
    KT_ASSERT(KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(0), IRP_MJ_PNP, IRP_MN_QUERY_STOP_DEVICE) >= 0);
    KT_ASSERT(KtPnpFindEvent(Mark, KTPNP_WHO_PDO(0), IRP_MJ_PNP, IRP_MN_STOP_DEVICE) >= 0);
    Mark = KtPnp.EventCount;
    IopAcquirePnpTreeLock();
    Status = IopRequestDeviceStart(Child);
    IopReleasePnpTreeLock();
    KT_ASSERT_STATUS(Status, STATUS_SUCCESS);
    KT_ASSERT_EQ(Child->State, DeviceNodeStarted);
    KT_ASSERT(KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(0), IRP_MJ_PNP, IRP_MN_START_DEVICE) >= 0);
    KT_ASSERT_EQ(KtPnp.Children[0].RawPort.u.Port.Start.QuadPart, KT_PORT0);

    /* A refused query-remove is cancelled, and the device goes on. */
    KtPnp.Children[0].FailQueryRemove = TRUE;
    Mark = KtPnp.EventCount;
    IopAcquirePnpTreeLock();
    Status = IopRequestDeviceRemove(Child);
    IopReleasePnpTreeLock();
    KT_ASSERT_STATUS(Status, STATUS_UNSUCCESSFUL);
    KT_ASSERT(KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(0), IRP_MJ_PNP, IRP_MN_CANCEL_REMOVE_DEVICE) >= 0);
    KT_ASSERT(KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(0), IRP_MJ_PNP, IRP_MN_REMOVE_DEVICE) < 0);
    KT_ASSERT_EQ(Child->State, DeviceNodeStarted);
    /* Allowed, it goes: REMOVE_DEVICE and the node stays, Removed. */
    KtPnp.Children[0].FailQueryRemove = FALSE;
    IopAcquirePnpTreeLock();
    Status = IopRequestDeviceRemove(Child);
    IopReleasePnpTreeLock();
    KT_ASSERT_STATUS(Status, STATUS_SUCCESS);
    KT_ASSERT(KtPnp.Children[0].Removed);
    KT_ASSERT_EQ(Child->State, DeviceNodeRemoved);
    KT_ASSERT(KtPnpRemoveBus(BusPdo));
}

KTEST(PnpFailedQueryStopSendsCancel)
{
    PDEVICE_OBJECT BusPdo = KtPnpStandardBus(L"3");
    PDEVICE_NODE Child;
    ULONG Mark;
    NTSTATUS Status;

    KT_ASSERT(BusPdo != NULL);
    Child = KtPnpBusNode(BusPdo)->Child;
    KtPnp.Children[0].FailQueryStop = TRUE;
    Mark = KtPnp.EventCount;
    IopAcquirePnpTreeLock();
    Status = IopRequestDeviceStop(Child);
    IopReleasePnpTreeLock();
    KT_ASSERT_STATUS(Status, STATUS_UNSUCCESSFUL);
    KT_ASSERT(KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(0), IRP_MJ_PNP, IRP_MN_CANCEL_STOP_DEVICE) >= 0);
    KT_ASSERT(KtPnpFindEvent(Mark, KTPNP_WHO_PDO(0), IRP_MJ_PNP, IRP_MN_CANCEL_STOP_DEVICE) >= 0);
    KT_ASSERT(KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(0), IRP_MJ_PNP, IRP_MN_STOP_DEVICE) < 0);
    KT_ASSERT_EQ(Child->State, DeviceNodeStarted);
    KT_ASSERT(Child->ResourceList != NULL);
    KT_ASSERT(KtPnpRemoveBus(BusPdo));
}

KTEST(PnpSurpriseRemovalWaitsForHandles)
{
    PDEVICE_OBJECT BusPdo = KtPnpStandardBus(L"4");
    UNICODE_STRING Name = RTL_CONSTANT_STRING(L"\\Device\\KtPnpFunc0");
    OBJECT_ATTRIBUTES Attributes;
    IO_STATUS_BLOCK Iosb;
    HANDLE Handle;
    PDEVICE_NODE Child;
    ULONG Mark;

    KT_ASSERT(BusPdo != NULL);
    Child = KtPnpBusNode(BusPdo)->Child;
    InitializeObjectAttributes(&Attributes, &Name, OBJ_KERNEL_HANDLE, NULL, NULL);
    KT_ASSERT_STATUS(ZwCreateFile(&Handle, GENERIC_READ, &Attributes, &Iosb, NULL, 0, 0,
                                  FILE_OPEN, 0, NULL, 0), STATUS_SUCCESS);
    Mark = KtPnp.EventCount;
    KtPnp.Children[0].Present = FALSE;
    IoInvalidateDeviceRelations(BusPdo, BusRelations);
    IopWaitForPnpIdle();
    KT_ASSERT(KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(0), IRP_MJ_PNP, IRP_MN_SURPRISE_REMOVAL) >= 0);
    KT_ASSERT(KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(0), IRP_MJ_PNP, IRP_MN_REMOVE_DEVICE) < 0);
    KT_ASSERT_EQ(Child->State, DeviceNodeRemovePendingCloses);
    KT_ASSERT(!KtPnp.Children[0].Removed);
    /* The other child was not touched. */
    KT_ASSERT(KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(1), IRP_MJ_PNP, IRP_MN_SURPRISE_REMOVAL) < 0);
    KT_ASSERT_STATUS(ZwClose(Handle), STATUS_SUCCESS);
    IopWaitForPnpIdle();
    KT_ASSERT(KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(0), IRP_MJ_PNP, IRP_MN_REMOVE_DEVICE) >= 0);
    KT_ASSERT(KtPnp.Children[0].Removed);
    KT_ASSERT(KtPnp.Children[0].Pdo == NULL);       /* its bus deleted the PDO */
    KT_ASSERT(KtPnpBusNode(BusPdo)->Child != NULL &&
              KtPnpBusNode(BusPdo)->Child->Sibling == NULL);
    KT_ASSERT(KtPnpRemoveBus(BusPdo));
}

KTEST(PnpPowerD0D3D0GoesDownTheStack)
{
    PDEVICE_OBJECT BusPdo = KtPnpStandardBus(L"5");
    PDEVICE_NODE Child;
    LONG Func, Pdo;
    ULONG Mark;

    KT_ASSERT(BusPdo != NULL);
    Child = KtPnpBusNode(BusPdo)->Child;
    KT_ASSERT_EQ(Child->DevicePowerState, PowerDeviceD0);
    Mark = KtPnp.EventCount;
    KT_ASSERT_STATUS(IopSetDevicePowerState(Child, PowerDeviceD3), STATUS_SUCCESS);
    Func = KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(0), IRP_MJ_POWER, IRP_MN_SET_POWER);
    Pdo = KtPnpFindEvent(Mark, KTPNP_WHO_PDO(0), IRP_MJ_POWER, IRP_MN_SET_POWER);
    KT_ASSERT(Func >= 0 && Pdo > Func);
    KT_ASSERT_EQ(KtPnp.Events[Pdo].PowerState, PowerDeviceD3);
    KT_ASSERT_EQ(Child->DevicePowerState, PowerDeviceD3);
    Mark = KtPnp.EventCount;
    KT_ASSERT_STATUS(IopSetDevicePowerState(Child, PowerDeviceD0), STATUS_SUCCESS);
    Pdo = KtPnpFindEvent(Mark, KTPNP_WHO_PDO(0), IRP_MJ_POWER, IRP_MN_SET_POWER);
    KT_ASSERT(Pdo >= 0);
    KT_ASSERT_EQ(KtPnp.Events[Pdo].PowerState, PowerDeviceD0);
    KT_ASSERT_EQ(Child->DevicePowerState, PowerDeviceD0);
    /* Shutdown: children reach D3 before their bus. */
    Mark = KtPnp.EventCount;
    IopAcquirePnpTreeLock();
    KT_ASSERT_EQ(IopShutdownSubtree(KtPnpBusNode(BusPdo)), 3);
    IopReleasePnpTreeLock();
    Func = KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(1), IRP_MJ_POWER, IRP_MN_SET_POWER);
    Pdo = KtPnpFindEvent(Mark, KTPNP_WHO_BUS, IRP_MJ_POWER, IRP_MN_SET_POWER);
    KT_ASSERT(Func >= 0 && Pdo > Func);
    KT_ASSERT_EQ(Child->DevicePowerState, PowerDeviceD3);
    KT_ASSERT(KtPnpRemoveBus(BusPdo));
}

KTEST(PnpGetDevicePropertyBuffers)
{
    PDEVICE_OBJECT BusPdo = KtPnpStandardBus(L"6");
    static const WCHAR Expected[] = L"KTPNP\\Widget&REV_01\0KTPNP\\Widget\0";
    WCHAR Buffer[64];
    ULONG Length, Value;
    PDEVICE_OBJECT Pdo;

    KT_ASSERT(BusPdo != NULL);
    Pdo = KtPnp.Children[0].Pdo;
    KT_ASSERT_STATUS(IoGetDeviceProperty(Pdo, DevicePropertyHardwareID, 0, NULL, &Length),
                     STATUS_BUFFER_TOO_SMALL);
    KT_ASSERT_EQ(Length, sizeof(Expected));
    KT_ASSERT_STATUS(IoGetDeviceProperty(Pdo, DevicePropertyHardwareID, Length - 2, Buffer,
                                         &Length), STATUS_BUFFER_TOO_SMALL);
    KT_ASSERT_STATUS(IoGetDeviceProperty(Pdo, DevicePropertyHardwareID, sizeof(Buffer), Buffer,
                                         &Length), STATUS_SUCCESS);
    KT_ASSERT_EQ(Length, sizeof(Expected));
    KT_ASSERT(RtlCompareMemory(Buffer, Expected, sizeof(Expected)) == sizeof(Expected));
    KT_ASSERT_STATUS(IoGetDeviceProperty(Pdo, DevicePropertyAddress, sizeof(Value), &Value,
                                         &Length), STATUS_SUCCESS);
    KT_ASSERT_EQ(Value, 0x100);
    KT_ASSERT_STATUS(IoGetDeviceProperty(Pdo, DevicePropertyLegacyBusType, sizeof(Value), &Value,
                                         &Length), STATUS_SUCCESS);
    KT_ASSERT_EQ(Value, Isa);
    KT_ASSERT_STATUS(IoGetDeviceProperty(Pdo, DevicePropertyEnumeratorName, sizeof(Buffer),
                                         Buffer, &Length), STATUS_SUCCESS);
    KT_ASSERT_EQ(Length, sizeof(L"KTPNP"));
    KT_ASSERT(RtlCompareMemory(Buffer, L"KTPNP", sizeof(L"KTPNP")) == sizeof(L"KTPNP"));
    KT_ASSERT_STATUS(IoGetDeviceProperty(Pdo, DevicePropertyPhysicalDeviceObjectName,
                                         sizeof(Buffer), Buffer, &Length), STATUS_SUCCESS);
    KT_ASSERT(RtlCompareMemory(Buffer, L"\\Device\\", 16) == 16);
    KT_ASSERT_STATUS(IoGetDeviceProperty(Pdo, DevicePropertyDriverKeyName, sizeof(Buffer), Buffer,
                                         &Length), STATUS_OBJECT_NAME_NOT_FOUND);
    KT_ASSERT_STATUS(IoGetDeviceProperty(Pdo, (DEVICE_REGISTRY_PROPERTY)0x99, sizeof(Buffer),
                                         Buffer, &Length), STATUS_INVALID_PARAMETER_2);
    /* The function driver's FDO is not a PDO. */
    KT_ASSERT_STATUS(IoGetDeviceProperty(KtPnp.Children[0].Fdo, DevicePropertyHardwareID,
                                         sizeof(Buffer), Buffer, &Length),
                     STATUS_INVALID_DEVICE_REQUEST);
    KT_ASSERT(KtPnpRemoveBus(BusPdo));
}

KTEST(PnpConflictingResourcesAreReported)
{
    PDEVICE_OBJECT BusPdo;
    PDEVICE_NODE First, Second;

    KtPnpReset();
    KtPnp.Children[0] = (KTPNP_CHILD){.Present = TRUE, .PortBase = KT_PORT0, .Irq = 0xFF};
    KtPnp.Children[1] = (KTPNP_CHILD){.Present = TRUE, .PortBase = KT_PORT0 + 8, .Irq = 0xFF};
    BusPdo = KtPnpCreateBus(L"7");
    KT_ASSERT(BusPdo != NULL);
    First = KtPnpBusNode(BusPdo)->Child;
    Second = First->Sibling;
    KT_ASSERT_EQ(First->State, DeviceNodeStarted);
    KT_ASSERT(Second->State != DeviceNodeStarted);
    KT_ASSERT_EQ(Second->Problem, CM_PROB_NORMAL_CONFLICT);
    KT_ASSERT(KtPnpFindEvent(0, KTPNP_WHO_FUNC(1), IRP_MJ_PNP, IRP_MN_START_DEVICE) < 0);
    KT_ASSERT(KtPnpRemoveBus(BusPdo));
}

static BOOLEAN
KtContains(PCSTR Text, PCSTR Wanted)
{
    SIZE_T Length = 0, Index;

    while (Wanted[Length] != '\0') {
        Length++;
    }
    for (; *Text != '\0'; Text++) {
        for (Index = 0; Index < Length && Text[Index] == Wanted[Index]; Index++) {
        }
        if (Index == Length) {
            return TRUE;
        }
    }
    return FALSE;
}

KTEST(PnpDeviceTreeDumpShowsNodes)
{
    PDEVICE_OBJECT BusPdo = KtPnpStandardBus(L"8");
    PCHAR Text;
    SIZE_T Size = 16384;

    KT_ASSERT(BusPdo != NULL);
    Text = ExAllocatePoolWithTag(NonPagedPoolNx, Size, 'tnPK');
    KT_ASSERT(Text != NULL);
    KT_ASSERT(IopFormatDeviceTree(Text, Size) < Size);
    KT_ASSERT(KtContains(Text, "HTREE\\ROOT\\0  DeviceNodeStarted"));
    KT_ASSERT(KtContains(Text, "  Root\\KdCom\\0  DeviceNodeStarted"));
    KT_ASSERT(KtContains(Text, "owned by the kernel debugger"));
    KT_ASSERT(KtContains(Text, "  Root\\KtPnpBus\\8  DeviceNodeStarted"));
    KT_ASSERT(KtContains(Text, "    KTPNP\\Widget\\0  DeviceNodeStarted"));
    KT_ASSERT(KtContains(Text, "stack: \\Driver\\KtPnpFunc -> \\Driver\\KtPnpBus\n"));
    KT_ASSERT(KtContains(Text, "hardware IDs: KTPNP\\Widget&REV_01 KTPNP\\Widget"));
    KT_ASSERT(KtContains(Text, "resources: I/O 0x7100-0x710F; IRQ 5 edge -> vector 0x"));
    KT_ASSERT(KtContains(Text, "Root\\*PNP0501\\1"));
    /* The device text, one line under the node's. */
    KT_ASSERT(KtContains(Text, "  DeviceNodeStarted  \\Device\\"));
    KT_ASSERT(KtContains(Text, "\n    description: Communications Port\n    stack: "));
    ExFreePoolWithTag(Text, 'tnPK');
    KT_ASSERT(KtPnpRemoveBus(BusPdo));
}

/* A removal asked of a device still on its bus (Windows' "disable"): the
 * node stays, Removed, and the bus keeps the PDO. When the bus is asked
 * for its children again and reports the PDO, the same node is enumerated
 * anew: IDs queried again, the function driver added and started. */
KTEST(PnpRemovedDeviceComesBackWhenReportedAgain)
{
    PDEVICE_OBJECT BusPdo = KtPnpStandardBus(L"9");
    KTPNP_CHILD *C0 = &KtPnp.Children[0];
    PDEVICE_OBJECT Pdo;
    PDEVICE_NODE Child;
    NTSTATUS Status;
    ULONG Mark;

    KT_ASSERT(BusPdo != NULL);
    Child = KtPnpBusNode(BusPdo)->Child;
    Pdo = C0->Pdo;
    KT_ASSERT(Child != NULL && Child->PhysicalDeviceObject == Pdo);
    IopAcquirePnpTreeLock();
    Status = IopRequestDeviceRemove(Child);
    IopReleasePnpTreeLock();
    KT_ASSERT_STATUS(Status, STATUS_SUCCESS);
    KT_ASSERT_EQ(Child->State, DeviceNodeRemoved);
    KT_ASSERT(C0->Removed && C0->Fdo == NULL && C0->Pdo == Pdo);

    C0->Added = C0->Removed = FALSE;
    C0->RawPort.u.Port.Start.QuadPart = 0;
    Mark = KtPnp.EventCount;
    IoInvalidateDeviceRelations(BusPdo, BusRelations);
    IopWaitForPnpIdle();
    KT_ASSERT(KtPnpBusNode(BusPdo)->Child == Child);
    KT_ASSERT(Child->PhysicalDeviceObject == Pdo);
    KT_ASSERT_EQ(Child->State, DeviceNodeStarted);
    KT_ASSERT_EQ(Child->Problem, 0);
    KT_ASSERT(IopFindDeviceNodeByInstancePath(L"KTPNP\\Widget\\0") == Child);
    KT_ASSERT(KtPnpFindEvent(Mark, KTPNP_WHO_PDO(0), IRP_MJ_PNP, IRP_MN_QUERY_ID) >= 0);
    KT_ASSERT(KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(0), IRP_MJ_PNP, IRP_MN_START_DEVICE) >= 0);
    KT_ASSERT(C0->Added && C0->AddedPdo == Pdo && C0->Fdo != NULL);
    KT_ASSERT_EQ(C0->RawPort.u.Port.Start.QuadPart, KT_PORT0);
    KT_ASSERT_EQ(Child->Capabilities.Address, 0x100);
    /* The child that stayed was not touched. */
    KT_ASSERT(KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(1), IRP_MJ_PNP, IRP_MN_START_DEVICE) < 0);
    KT_ASSERT(KtPnpFindEvent(Mark, KTPNP_WHO_PDO(1), IRP_MJ_PNP, IRP_MN_QUERY_ID) < 0);
    KT_ASSERT(KtPnpRemoveBus(BusPdo));
    KT_ASSERT(C0->Removed);
}

/* A removed bus comes back with its children, who are new nodes: its
 * function driver's new FDO reports new PDOs. */
KTEST(PnpRemovedBusComesBackWithChildren)
{
    PDEVICE_OBJECT BusPdo = KtPnpStandardBus(L"10");
    PDEVICE_NODE Bus;
    NTSTATUS Status;

    KT_ASSERT(BusPdo != NULL);
    Bus = KtPnpBusNode(BusPdo);
    IopAcquirePnpTreeLock();
    Status = IopRequestDeviceRemove(Bus);
    IopReleasePnpTreeLock();
    KT_ASSERT_STATUS(Status, STATUS_SUCCESS);
    KT_ASSERT_EQ(Bus->State, DeviceNodeRemoved);
    KT_ASSERT(Bus->Child == NULL);
    KT_ASSERT(KtPnp.BusFdo == NULL && KtPnp.Children[0].Pdo == NULL);

    KtPnp.Children[0].Added = KtPnp.Children[1].Added = FALSE;
    IoInvalidateDeviceRelations(IopRootDeviceNode->PhysicalDeviceObject, BusRelations);
    IopWaitForPnpIdle();
    KT_ASSERT(KtPnpBusNode(BusPdo) == Bus);
    KT_ASSERT_EQ(Bus->State, DeviceNodeStarted);
    KT_ASSERT(KtPnp.BusFdo != NULL);
    KT_ASSERT(Bus->Child != NULL && Bus->Child->Sibling != NULL);
    KT_ASSERT(Bus->Child->PhysicalDeviceObject == KtPnp.Children[0].Pdo);
    KT_ASSERT_EQ(Bus->Child->State, DeviceNodeStarted);
    KT_ASSERT_EQ(Bus->Child->Sibling->State, DeviceNodeStarted);
    KT_ASSERT(KtPnp.Children[0].Added && KtPnp.Children[1].Added);
    KT_ASSERT(KtPnpRemoveBus(BusPdo));
}

/* A bus that answers with a new PDO for the removed device: the new one
 * gets a new node and starts; the old node, no longer reported, gets its
 * last REMOVE_DEVICE (its bus deletes the old PDO then) and goes. */
KTEST(PnpRemovedDeviceReportedWithNewPdo)
{
    PDEVICE_OBJECT BusPdo;
    PDEVICE_OBJECT OldPdo;
    PDEVICE_NODE Old, New;
    BOOLEAN OldNodeGone;
    NTSTATUS Status;

    KtPnpReset();
    KtPnp.Children[0] = (KTPNP_CHILD){.Present = TRUE, .PortBase = KT_PORT0, .Irq = 0xFF,
                                      .ReplacePdo = TRUE};
    BusPdo = KtPnpCreateBus(L"11");
    KT_ASSERT(BusPdo != NULL);
    Old = KtPnpBusNode(BusPdo)->Child;
    OldPdo = KtPnp.Children[0].Pdo;
    KT_ASSERT(Old != NULL && OldPdo != NULL);
    IopAcquirePnpTreeLock();
    Status = IopRequestDeviceRemove(Old);
    IopReleasePnpTreeLock();
    KT_ASSERT_STATUS(Status, STATUS_SUCCESS);
    KT_ASSERT(KtPnp.Children[0].RetiredPdo == OldPdo);

    ObReferenceObject(OldPdo);          /* to read its extension once deleted */
    KtPnp.Children[0].Added = FALSE;
    IoInvalidateDeviceRelations(BusPdo, BusRelations);
    IopWaitForPnpIdle();
    OldNodeGone = IopDeviceExtension(OldPdo)->DeviceNode == NULL;
    ObDereferenceObject(OldPdo);
    KT_ASSERT(OldNodeGone);
    KT_ASSERT(KtPnp.Children[0].RetiredPdo == NULL);
    New = KtPnpBusNode(BusPdo)->Child;
    KT_ASSERT(New != NULL && New->Sibling == NULL);
    KT_ASSERT(New->PhysicalDeviceObject == KtPnp.Children[0].Pdo && New->PhysicalDeviceObject != OldPdo);
    KT_ASSERT_EQ(New->State, DeviceNodeStarted);
    KT_ASSERT(KtPnp.Children[0].Added);
    KT_ASSERT(KtPnpRemoveBus(BusPdo));
}

/* A device whose start failed is not started again at every enumeration;
 * removing it (what a user does to a failed device) and enumerating again
 * tries once more. */
KTEST(PnpFailedStartWaitsForRemovalBeforeRetry)
{
    PDEVICE_OBJECT BusPdo;
    PDEVICE_NODE Child;
    NTSTATUS Status;
    ULONG Mark;

    KtPnpReset();
    KtPnp.Children[0] = (KTPNP_CHILD){.Present = TRUE, .PortBase = KT_PORT0, .Irq = 0xFF,
                                      .FailStart = TRUE};
    BusPdo = KtPnpCreateBus(L"12");
    KT_ASSERT(BusPdo != NULL);
    Child = KtPnpBusNode(BusPdo)->Child;
    KT_ASSERT(Child != NULL);
    KT_ASSERT_EQ(Child->State, DeviceNodeRemoved);
    KT_ASSERT_EQ(Child->Problem, CM_PROB_FAILED_START);

    Mark = KtPnp.EventCount;
    IoInvalidateDeviceRelations(BusPdo, BusRelations);
    IopWaitForPnpIdle();
    KT_ASSERT(KtPnpFindEvent(Mark, KTPNP_WHO_PDO(0), IRP_MJ_PNP, IRP_MN_START_DEVICE) < 0);
    KT_ASSERT_EQ(Child->State, DeviceNodeRemoved);
    KT_ASSERT_EQ(Child->Problem, CM_PROB_FAILED_START);

    IopAcquirePnpTreeLock();
    Status = IopRequestDeviceRemove(Child);
    IopReleasePnpTreeLock();
    KT_ASSERT_STATUS(Status, STATUS_SUCCESS);
    KT_ASSERT_EQ(Child->Problem, 0);
    KtPnp.Children[0].FailStart = FALSE;
    IoInvalidateDeviceRelations(BusPdo, BusRelations);
    IopWaitForPnpIdle();
    KT_ASSERT(KtPnpBusNode(BusPdo)->Child == Child);
    KT_ASSERT_EQ(Child->State, DeviceNodeStarted);
    KT_ASSERT(KtPnpRemoveBus(BusPdo));
}
